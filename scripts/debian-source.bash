# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Debian source packages for the static builds (scripts/build-*.sh), fetched with
# the ordinary apt client through a private configuration: its own source list,
# index and cache in a work directory. The host's apt sources, lists and caches
# are left as they were. The deb-src entries are derived from the host's Debian
# archive entries (one-line and deb822 forms); with a suite given, from the
# host's main archive URI with that suite instead (a newer release's package).
#
#   debsrc_setup WORK [SUITE]    the private configuration in WORK; sets DEBSRC_APT
#   debsrc_version PKG           the newest version of source package PKG in the index
#   debsrc_unpack PKG VER DIR    PKG=VER downloaded (verified by apt against the
#                                archive's signed index) and unpacked into DIR
#                                (dpkg-source -x: Debian's patches applied)
#   debsrc_orig PKG VER SUM DIR  only the upstream tarball of PKG=VER, which must
#                                have SHA-256 SUM, unpacked into DIR
#   debsrc_lock PATH             holds an exclusive lock on PATH.lock until exit
#
# The version pins and their suites are in scripts/sources.list.
#
# And the scripts' messages, prefixed with the caller's $me:
#   say TEXT, die TEXT (exits 1), step NAME CMD...: one phase with its output
#   kept in the caller's $log; on failure the end of it, and HINT when set.

# shellcheck disable=SC2154 # me and log are the caller's
say() { echo "$me: $*"; }
die() {
	echo "$me: error: $*" >&2
	exit 1
}
step() {
	local name=$1
	shift
	# shellcheck disable=SC2154
	if ! "$@" >"$log" 2>&1 </dev/null; then
		tail -n 20 "$log" | sed 's/^/    /' >&2
		die "$name failed${HINT:+; $HINT}"
	fi
}

_debsrc_derive() {
	local work=$1 list parts f
	eval "$(apt-config shell list Dir::Etc::SourceList/f parts Dir::Etc::SourceParts/d)"
	# Signed by the archive keyring; or, with no keyring file named, a path that ends
	# in the archive name.
	local official='function official(u, k) {
		if (k ~ /(debian|ubuntu)-archive-/) return 1
		if (k ~ /signed-by[:=][ \t]*[^ \t]/) return 0
		return u ~ /\/(debian|debian-security|debian-ports|ubuntu|ubuntu-ports)\/?([ \t]|$)/
	}'
	for f in "$list" "$parts"*.list; do
		[[ -f $f ]] || continue
		awk "$official"'
			{ sub(/#.*/, "") }
			$1 == "deb" {
				rest = substr($0, index($0, "deb") + 3)
				uri = rest; opts = ""
				if (uri ~ /^[ \t]*\[/) { opts = uri; sub(/\].*/, "", opts); sub(/^[^\]]*\]/, "", uri) }
				split(uri, w, " ")
				if (official(w[1], opts)) print "deb-src" rest
			}' "$f"
	done >"$work/apt/parts/host.list"
	for f in "$parts"*.sources; do
		[[ -f $f ]] || continue
		awk "$official"'
			BEGIN { RS = ""; FS = "\n" }
			{
				types = uris = keys = out = ""; enabled = 1
				for (i = 1; i <= NF; i++) {
					line = $i; l = tolower(line)
					if (l ~ /^#/) continue
					if (l ~ /^types:/) { types = l " "; line = "Types: deb-src" }
					else if (l ~ /^uris:/) uris = l " "
					else if (l ~ /^signed-by:/) keys = l
					else if (l ~ /^enabled:[ \t]*no/) enabled = 0
					out = out line "\n"
				}
				if (enabled && types ~ /[ \t]deb[ \t]/ && official(uris, keys)) print out
			}' "$f"
	done >"$work/apt/parts/host.sources"
}

# Another suite: one deb-src line, the first main-archive (not security) URI of
# the derived entries, signed by Debian's archive keyring.
_debsrc_suite() {
	local work=$1 suite=$2 uri
	uri=$(awk '
		/^deb-src/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\// && $i !~ /security/) { print $i; exit } }
		tolower($1) == "uris:" && $2 !~ /security/ { print $2; exit }' \
		"$work/apt/parts/host.list" "$work/apt/parts/host.sources" | head -n 1)
	[[ -n $uri ]] || return 1
	rm -f "$work/apt/parts/host.list" "$work/apt/parts/host.sources"
	printf 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
		"$uri" "$suite" >"$work/apt/parts/suite.list"
}

debsrc_setup() {
	local work=$1 suite=${2:-} entries
	mkdir -p "$work/apt/parts" "$work/apt/lists/partial" "$work/apt/cache/archives/partial" ||
		die "cannot create $work/apt"
	_debsrc_derive "$work" || die "reading the apt sources failed"
	if [[ -n $suite ]]; then
		_debsrc_suite "$work" "$suite" || die "no Debian archive URI in the apt sources for suite $suite"
	fi
	entries=$(cat "$work"/apt/parts/* | grep -c -i -E '^(deb-src|types:)' || :)
	((entries > 0)) || die "no Debian archive entries in the apt sources to derive deb-src from"

	# Given with -c, this is read after the host's apt.conf.d, so it can drop the
	# update hooks there (they act on the host's caches).
	cat >"$work/apt.conf" <<-EOF
		#clear APT::Update::Pre-Invoke;
		#clear APT::Update::Post-Invoke;
		#clear APT::Update::Post-Invoke-Success;
		Dir::Etc::SourceList "$work/apt/none.list";
		Dir::Etc::SourceParts "$work/apt/parts";
		Dir::State::Lists "$work/apt/lists";
		Dir::Cache "$work/apt/cache";
		Dir::Cache::pkgcache "";
		Dir::Cache::srcpkgcache "";
		APT::Sandbox::User "root";
		Acquire::Languages "none";
	EOF
	DEBSRC_APT=(apt-get -q -c "$work/apt.conf")
	DEBSRC_WORK=$work
	say "index: fetching source indexes for $entries Debian archive entries${suite:+ ($suite)}"
	# An unreachable or source-less entry is no reason to stop while others answered.
	if ! "${DEBSRC_APT[@]}" update >"$work/update.log" 2>&1 </dev/null; then
		compgen -G "$work/apt/lists/*_Sources*" >/dev/null || {
			tail -n 20 "$work/update.log" | sed 's/^/    /' >&2
			die "apt-get update (private source index) failed"
		}
		say "warning: some source indexes failed: $(grep -m1 '^E:' "$work/update.log" || :)" >&2
	fi
}

debsrc_version() {
	apt-cache -c "$DEBSRC_WORK/apt.conf" showsrc --only-source "$1" 2>/dev/null |
		awk '/^Version:/ { print $2 }' | sort -V | tail -n 1
}

debsrc_unpack() {
	local pkg=$1 ver=$2 dir=$3 dl=$DEBSRC_WORK/src-$1
	mkdir -p "$dl" "${dir%/*}" || die "cannot create $dl"
	# shellcheck disable=SC2016 # the inner shell expands them
	HINT="if the archive no longer has $ver, update scripts/sources.list" step \
		"download of $pkg $ver source" \
		sh -c 'cd "$1" && shift && "$@" source --download-only --only-source "$0"' \
		"$pkg=$ver" "$dl" "${DEBSRC_APT[@]}"
	step "dpkg-source -x $pkg" dpkg-source -x "$dl/${pkg}_${ver#*:}.dsc" "$dir"
}

debsrc_orig() {
	local pkg=$1 ver=$2 sum=$3 dir=$4 dl=$DEBSRC_WORK/src-$1 up tarball
	up=${ver#*:}
	up=${up%-*}
	mkdir -p "$dl" "$dir" || die "cannot create $dl"
	# apt fetches every file of the source package and checks each against the
	# signed index; the tarball is all that is used here, so a mirror without the
	# others (.dsc, .debian.tar) is no failure.
	(cd "$dl" && "${DEBSRC_APT[@]}" source --download-only --only-source "$pkg=$ver") \
		>"$dl/log" 2>&1 </dev/null || :
	tarball=$(compgen -G "$dl/${pkg}_$up.orig.tar.*" | head -n 1) || {
		tail -n 5 "$dl/log" | sed 's/^/    /' >&2
		die "download of ${pkg}_$up.orig.tar.* ($pkg $ver) failed; if the archive no longer has $ver, update scripts/sources.list"
	}
	[[ $(sha256sum <"$tarball" | cut -d' ' -f1) == "$sum" ]] ||
		die "${tarball##*/}: SHA-256 is not the one in scripts/sources.list ($sum)"
	step "unpacking ${tarball##*/}" tar -xf "$tarball" -C "$dir" --strip-components=1
}

debsrc_lock() {
	mkdir -p "${1%/*}" || die "cannot create ${1%/*}"
	exec {DEBSRC_LOCK_FD}>"$1.lock" || die "cannot open $1.lock"
	flock "$DEBSRC_LOCK_FD" || die "cannot lock $1.lock"
}

# debsrc_pin PKG: "SUITE VERSION [SHA256]" of source package PKG in scripts/sources.list.
debsrc_pin() {
	awk -v p="$1" '!/^#/ && $1 == p { print $2, $3, $4; exit }' "${BASH_SOURCE[0]%/*}/sources.list"
}
