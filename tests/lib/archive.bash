# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Packages of another Debian suite (a newer kernel's, say), fetched with the
# ordinary apt client through a private configuration: its own source list,
# state and cache under the project's cache. The host's apt sources are never
# changed. The source lines reuse the host's own archive URI with another suite.
#
#   archive_update SUITE ARCH   a private apt index of SUITE for ARCH; sets
#                               ARCHIVE_APT (the apt-get options to use it)
#   archive_version PKG         the candidate version of PKG in that index
#   archive_fetch PKG DIR       PKG's .deb unpacked into DIR (once per version);
#                               prints the version
#   archive_dep PKG PREFIX      the first dependency of PKG whose name starts
#                               with PREFIX (a metapackage's versioned package)
#   archive_root SUITE DIR PKGS a Debian root of SUITE for the host's
#                               architecture (mmdebstrap --variant=apt, the
#                               host's mirror), with PKGS (comma separated),
#                               also taken from SUITE-backports; once per list
#
# Settings: RPI_HW_CACHE.

ARCHIVE_CACHE=${RPI_HW_CACHE:-$HOME/.cache/rpi-hardware}/archive

archive_die() {
	echo "archive: $*" >&2
	return 1
}

# The host's Debian mirror: the first URI of its main archive.
_archive_uri() {
	local f uri
	for f in /etc/apt/sources.list.d/*.sources; do
		[[ -f $f ]] || continue
		uri=$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' "$f")
		[[ -n $uri ]] && { echo "$uri"; return 0; }
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[[ -f $f ]] || continue
		uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { if ($i !~ /security/) { print $i; exit } } }' "$f")
		[[ -n $uri ]] && { echo "$uri"; return 0; }
	done
	return 1
}

archive_update() {
	local suite=$1 arch=$2 dir uri
	dir=$ARCHIVE_CACHE/$suite-$arch
	uri=$(_archive_uri) || archive_die "no Debian archive in this host's apt sources" || return
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/etc/preferences.d"
	printf 'deb [arch=%s signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
		"$arch" "$uri" "$suite" >"$dir/etc/sources.list"
	: >"$dir/status"
	ARCHIVE_APT=(-o "Dir::Etc::SourceList=$dir/etc/sources.list" -o "Dir::Etc::SourceParts=-"
		-o "Dir::Etc::PreferencesParts=$dir/etc/preferences.d" -o "Dir::State::Lists=$dir/lists"
		-o "Dir::State::status=$dir/status" -o "Dir::Cache=$dir/cache"
		-o "APT::Architecture=$arch" -o "APT::Architectures=$arch" -o "Debug::NoLocking=1")
	# One index a day is enough; a failed refresh keeps the last one.
	if [[ -z $(find "$dir/lists" -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null) ]]; then
		apt-get "${ARCHIVE_APT[@]}" -q update >"$dir/update.log" 2>&1 ||
			[[ -n $(find "$dir/lists" -maxdepth 1 -name '*Packages*') ]] ||
			{ cat "$dir/update.log" >&2; archive_die "apt-get update of $suite ($arch) failed"; return; }
	fi
}

archive_version() {
	apt-cache "${ARCHIVE_APT[@]}" policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2; exit }'
}

archive_fetch() {
	local pkg=$1 out=$2 ver deb dl
	ver=$(archive_version "$pkg")
	[[ -n $ver && $ver != "(none)" ]] || archive_die "$pkg is not in the index" || return
	if [[ ! -f $out/.done-$ver ]]; then
		dl=$(mktemp -d "$ARCHIVE_CACHE/dl.XXXXXX") || return
		(cd "$dl" && apt-get "${ARCHIVE_APT[@]}" -q download "$pkg=$ver") >"$dl/log" 2>&1 ||
			{ cat "$dl/log" >&2; rm -rf "$dl"; archive_die "cannot download $pkg=$ver"; return; }
		deb=$(compgen -G "$dl/*.deb" | head -n 1)
		rm -rf "$out"
		mkdir -p "$out"
		dpkg-deb -x "$deb" "$out" || { rm -rf "$dl"; return 1; }
		rm -rf "$dl"
		touch "$out/.done-$ver"
	fi
	echo "$ver"
}

archive_dep() {
	apt-cache "${ARCHIVE_APT[@]}" depends "$1" 2>/dev/null |
		awk -v p="$2" '$1 == "Depends:" && index($2, p) == 1 { print $2; exit }'
}

# The root is made for the host's architecture with the host's mirror; the
# backports suite is listed so that versioned packages (linux-kbuild-ABI) are
# found, and apt's default pin keeps everything else from the release itself.
archive_root() {
	local suite=$1 dir=$2 pkgs=$3 uri key
	uri=$(_archive_uri) || archive_die "no Debian archive in this host's apt sources" || return
	key=$(printf '%s %s %s\n' "$suite" "$uri" "$pkgs" | sha256sum | cut -c1-16)
	if [[ -f $dir/.done-$key ]]; then
		return 0
	fi
	rm -rf "$dir"
	mkdir -p "${dir%/*}"
	# As in tests/vm-arm64: dash cannot redirect the descriptor apt names in a
	# hook if it is above 9, and under bats the low ones are taken.
	if ! (exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
		mmdebstrap --variant=apt --mode=root --include="$pkgs" "$suite" "$dir" \
			"deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $suite main" \
			"deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $suite-backports main" \
			</dev/null >"$dir.log" 2>&1); then
		tail -n 20 "$dir.log" >&2
		archive_die "mmdebstrap of a $suite root failed (log: $dir.log)"
		return
	fi
	touch "$dir/.done-$key"
}
