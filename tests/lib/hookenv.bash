# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Runs the hooks of a real, unpacked image in a chroot, with dracut's own
# dracut-lib.sh and scripts, so that their logic is tested where it runs:
#
#   hook_root UNPACKED        private copy of the image in $R: the helper is
#                             replaced by a stub that records its arguments in
#                             /run/stub.calls and exits with the status in
#                             /run/stub.boot-rc or /run/stub.wait-rc; commands
#                             that would halt, reboot or open a console only
#                             record themselves in /run/stub.calls
#   hook_cmdline ARGS...      the kernel command line the hooks see
#   hook_sh [VAR=VALUE...] SCRIPT
#                             run SCRIPT with the image's /bin/sh in $R, with a
#                             clean environment plus the assignments given
#   stub_calls                what was recorded
#   kmsg_log                  what the hooks wrote to /dev/kmsg
#   hook_root_done            stop the kernel log reader (teardown)

hook_root() {
	local src=$1 cmd
	R=$BATS_TEST_TMPDIR/root
	rm -rf "$R"
	cp -a "$src" "$R"
	mkdir -p "$R/dev" "$R/run/initramfs" "$R/etc/cmdline.d" "$R/proc" "$R/sys"
	rm -f "$R/dev/null" "$R/dev/kmsg" "$R/dev/console"
	mknod -m 666 "$R/dev/null" c 1 3
	: >"$R/dev/console"
	# What the hooks write to the kernel log collects in /run/kmsg.log. A pipe,
	# not a file: dracut's "echo ... > /dev/kmsg" would truncate a file.
	mkfifo "$R/dev/kmsg"
	: >"$R/run/kmsg.log"
	cat 0<>"$R/dev/kmsg" >>"$R/run/kmsg.log" 3>&- &
	KMSG_READER=$!
	: >"$R/run/stub.calls"
	echo "stub-status-$$-$RANDOM" >"$R/run/stub.token"
	cp "$R/usr/sbin/overlay-slammer" "$R/run/overlay-slammer.real"
	cat >"$R/usr/sbin/overlay-slammer" <<-'EOF'
		#!/bin/sh
		# The hooks read their settings through the real helper.
		case " $* " in *" config "*) exec /run/overlay-slammer.real "$@" ;; esac
		echo "overlay-slammer $*" >> /run/stub.calls
		case " $* " in
		*" status "*) echo "overlay cruiser-raspberrypi-cm5: applied ($(cat /run/stub.token))" ;;
		*" boot "*) exit "$(cat /run/stub.boot-rc 2>/dev/null || echo 0)" ;;
		*" wait-device "*) exit "$(cat /run/stub.wait-rc 2>/dev/null || echo 0)" ;;
		esac
		exit 0
	EOF
	chmod 755 "$R/usr/sbin/overlay-slammer"
	for cmd in systemctl halt reboot poweroff setsid sulogin; do
		rm -f "$R/usr/bin/$cmd" "$R/usr/sbin/$cmd"
		printf '#!/bin/sh\necho "%s${*:+ $*}" >> /run/stub.calls\nexit 0\n' "$cmd" >"$R/usr/bin/$cmd"
		chmod 755 "$R/usr/bin/$cmd"
	done
	export R KMSG_READER
}

# Stops the kernel log reader of hook_root; for teardown.
hook_root_done() {
	[[ -n ${KMSG_READER:-} ]] && kill "$KMSG_READER" 2>/dev/null
	KMSG_READER=
}

# The kernel log so far: a marker is sent through the pipe and waited for, so
# that everything written before it is in the file.
kmsg_log() {
	local marker="kmsg-sync-$RANDOM" i
	echo "$marker" >"$R/dev/kmsg"
	for ((i = 0; i < 200; i++)); do
		grep -q "^$marker\$" "$R/run/kmsg.log" && break
		sleep 0.05
	done
	grep -v "^kmsg-sync-" "$R/run/kmsg.log"
}

hook_cmdline() {
	echo "$*" >"$R/etc/cmdline.d/99-test.conf"
}

hook_sh() {
	local -a env=(PATH=/usr/sbin:/usr/bin:/sbin:/bin)
	while (($# > 1)) && [[ $1 =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; do
		env+=("$1")
		shift
	done
	env -i "${env[@]}" chroot "$R" /bin/sh -c "$1"
}

stub_calls() {
	cat "$R/run/stub.calls"
}
