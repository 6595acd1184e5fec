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
