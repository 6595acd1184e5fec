#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# openrc-harness.sh SCRIPT FUNCTION...: loads an OpenRC service script the way
# openrc-run does (as sh, with its helpers defined) and calls the functions in
# turn, printing what the helpers were asked. Exits with the last status.
set -u
script=$1
shift
RC_SVCNAME=$(basename "$script")
export RC_SVCNAME

ebegin() { echo "ebegin: $*"; }
eend() {
	echo "eend: $*"
	return "$1"
}
einfo() { echo "einfo: $*"; }
ewarn() { echo "ewarn: $*"; }
eerror() { echo "eerror: $*"; }
need() { echo "need: $*"; }
use() { echo "use: $*"; }
after() { echo "after: $*"; }
before() { echo "before: $*"; }
keyword() { echo "keyword: $*"; }

# shellcheck disable=SC1090 # the script under test
. "$script"
rc=0
for fn in "$@"; do
	"$fn"
	rc=$?
	echo "status: $fn $rc"
done
echo "command=${command:-} command_args=${command_args:-} background=${command_background:-} pidfile=${pidfile:-}"
exit "$rc"
