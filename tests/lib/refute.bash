# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# refute COMMAND...: fails when COMMAND succeeds. Bats does not fail a test on
# "! COMMAND" (errexit ignores negated commands), so negative checks use this.
refute() {
	if "$@"; then
		echo "expected to fail: $*" >&2
		return 1
	fi
	return 0
}
