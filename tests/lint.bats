#!/usr/bin/env bats
# Static checks over the whole tree: the standards every change keeps.

setup() {
	cd "$REPO" || return 1
}

# Tracked and new files, as a clean clone would have them.
tree_files() {
	git ls-files --cached --others --exclude-standard 2>/dev/null || find . -type f -not -path './build/*' -printf '%P\n'
}

shell_files() {
	tree_files | while read -r f; do
		[ -f "$f" ] || continue
		case "$f" in
		*.bats) ;;
		*.sh | *.bash) echo "$f" ;;
		*) head -c 64 "$f" | grep -qE '^#!.*(/|env )(ba|da)?sh' && echo "$f" ;;
		esac
	done
}

# C sources that build in user space (the test kernel modules need kbuild).
c_files() {
	tree_files | grep -E '\.c$' | grep -v '^tests/kmod/'
}

include_flags() {
	local d
	for d in helpers/*/ tests/fakes/; do printf -- '-I%s ' "$d"; done
	pkg-config --cflags fuse3 2>/dev/null
}

@test "shell scripts pass shellcheck" {
	mapfile -t files < <(shell_files)
	[ "${#files[@]}" -gt 0 ]
	run shellcheck -x -S warning "${files[@]}"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "bats suites pass shellcheck" {
	mapfile -t files < <(tree_files | grep -E '\.bats$')
	run shellcheck -S warning -s bash "${files[@]}"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "C sources pass cppcheck" {
	mapfile -t files < <(c_files)
	# shellcheck disable=SC2046
	run cppcheck --error-exitcode=1 --enable=warning,portability,performance,style \
		--inline-suppr --quiet --std=c11 -D_GNU_SOURCE -DVERSION='"0"' \
		$(include_flags) "${files[@]}"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "C sources pass clang-tidy" {
	mapfile -t files < <(c_files)
	# shellcheck disable=SC2046
	run clang-tidy --quiet "${files[@]}" -- -std=c11 -D_GNU_SOURCE -DVERSION='"0"' $(include_flags)
	echo "$output" | grep -E 'error:|warning:' || true
	[ "$status" -eq 0 ]
}

@test "everything builds with clang, warnings as errors" {
	run make -s CC=clang STATIC=0 LIBFDT=source B="$BATS_TEST_TMPDIR/clang" all unit-tests
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "man pages render without warnings" {
	mapfile -t pages < <(tree_files | grep -E '^docs/man/.*\.[1-8]$')
	[ "${#pages[@]}" -gt 0 ]
	for page in "${pages[@]}"; do
		run groff -man -ww -z "$page"
		echo "$page: $output"
		[ -z "$output" ]
	done
}
