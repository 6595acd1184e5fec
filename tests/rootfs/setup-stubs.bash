# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Stand-ins for the account and udev tools metis-setup calls. Each records its
# arguments in $STUB_LOG and acts on the group file the real tool would edit:
# DIR/etc/group with --prefix DIR, else $STUB_ETC/group (the "running system").
# getent reads $STUB_ETC as NSS would read /etc.

make_stubs() {
	local bin=$1 tool
	mkdir -p "$bin"
	cat >"$bin/stub-lib.sh" <<'LIB'
log() { printf '%s\n' "$*" >>"$STUB_LOG"; }
group_file() { if [ -n "$1" ]; then echo "$1/etc/group"; else echo "$STUB_ETC/group"; fi; }
add_member() { # FILE GROUP USER
	awk -F: -v OFS=: -v g="$2" -v u="$3" '$1 == g { $4 = $4 ($4 == "" ? "" : ",") u } { print }' \
		"$1" >"$1.new" && mv "$1.new" "$1"
}
LIB
	cat >"$bin/groupadd" <<'STUB'
#!/bin/sh
. "${0%/*}/stub-lib.sh"
log "groupadd $*"
[ "${GROUPADD_RC:-0}" = 0 ] || exit "$GROUPADD_RC"
prefix= name=
while [ $# -gt 0 ]; do
	case $1 in --prefix) prefix=$2; shift ;; -*) ;; *) name=$1 ;; esac
	shift
done
echo "$name:x:990:" >>"$(group_file "$prefix")"
STUB
	cat >"$bin/usermod" <<'STUB'
#!/bin/sh
. "${0%/*}/stub-lib.sh"
log "usermod $*"
prefix= group= user=
while [ $# -gt 0 ]; do
	case $1 in --prefix) prefix=$2; shift ;; --groups) group=$2; shift ;; -*) ;; *) user=$1 ;; esac
	shift
done
add_member "$(group_file "$prefix")" "$group" "$user"
STUB
	cat >"$bin/addgroup" <<'STUB'
#!/bin/sh
. "${0%/*}/stub-lib.sh"
log "addgroup $*"
if [ "$1" = -S ]; then
	echo "$2:x:990:" >>"$(group_file "")"
else
	add_member "$(group_file "")" "$2" "$1"
fi
STUB
	cat >"$bin/getent" <<'STUB'
#!/bin/sh
grep "^$2:" "$STUB_ETC/$1"
STUB
	cat >"$bin/udevadm" <<'STUB'
#!/bin/sh
. "${0%/*}/stub-lib.sh"
log "udevadm $*"
[ "$1" != control ] || exit "${UDEVADM_CONTROL_RC:-0}"
STUB
	cat >"$bin/id" <<'STUB'
#!/bin/sh
echo 0
STUB
	for tool in groupadd usermod addgroup getent udevadm id; do
		chmod +x "$bin/$tool"
	done
}

# A directory of links to the few host tools the script needs besides the stubs,
# for runs where PATH must not reach the host's groupadd.
make_minimal_path() {
	local dir=$1 tool
	mkdir -p "$dir"
	for tool in sh awk grep cut cmp mv dirname stat cat; do
		ln -s "$(command -v "$tool")" "$dir/$tool"
	done
}
