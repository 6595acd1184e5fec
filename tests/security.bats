#!/usr/bin/env bats
# The promises of docs/security.md that a reading of the code can prove.

setup() {
	cd "$REPO" || return 1
}

# C sources of the installed programs (not tests, not the test kernel modules).
program_sources() {
	find helpers -name '*.c' -not -path '*/tests/*' | sort
}

# Each call of FUNC in the programs, joined to one line up to its closing ");".
calls_of() {
	local f
	program_sources | while read -r f; do
		awk -v fn="$1" -v file="$f" '
			$0 ~ "(^|[^_a-z])" fn "\\(" { buf = ""; taking = 1 }
			taking { buf = buf " " $0; if ($0 ~ /\);/) { print file ": " buf; taking = 0 } }
		' "$f"
	done
}

@test "every file the programs open is opened close-on-exec" {
	run bash -c "$(declare -f program_sources calls_of); { calls_of open; calls_of openat; } | grep -v O_CLOEXEC"
	echo "$output"
	[ -z "$output" ]
	# The check itself finds the calls it checks.
	[ "$(calls_of openat | wc -l)" -gt 3 ]
}

@test "no program starts a shell or another program" {
	mapfile -t sources < <(program_sources)
	run grep -nE '\b(system|popen|execl|execlp|execle|execv|execvp|execvpe|vfork|posix_spawnp?)\s*\(' "${sources[@]}"
	echo "$output"
	[ "$status" -eq 1 ]
}

@test "the one fork bounds a library step, and its child never starts a program" {
	mapfile -t sources < <(program_sources)
	run grep -nE '\bfork\s*\(' "${sources[@]}"
	echo "$output"
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "helpers/overlay-slammer/bounded.c:"* ]]
	# The child runs the caller's function and leaves with _exit: no exec anywhere.
	run grep -cE '\b_exit\s*\(' helpers/overlay-slammer/bounded.c
	[ "$output" -eq 1 ]
}

@test "the udev rules give the device nodes nothing for others" {
	mapfile -t rules < <(find "$BUILD_DIR/rules" -name '*.rules')
	[ "${#rules[@]}" -gt 0 ]
	run grep -hoE 'MODE[:]?="[0-7]+"' "${rules[@]}"
	echo "$output"
	[ -n "$output" ]
	run grep -hoE 'MODE[:]?="[0-7]*[1-7]"' "${rules[@]}"
	[ -z "$output" ]
}
