#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Writes udev rules from the hardware-ids table to standard output.
#
#   rules/gen-rules.sh link  IDS   65-rpi-hardware.rules: the /dev links, mode
#                                  0660 and group render; in the initramfs and
#                                  on the root filesystem
#   rules/gen-rules.sh group IDS   99-axelera-metis.rules: group axelera on the
#                                  accelerator's device nodes, root filesystem
#   rules/gen-rules.sh check IDS   validate the table only
#
# A bad line is reported as FILE:LINE with what is wrong, and nothing is written.
set -eu

usage() {
	echo "usage: $0 link|group|check HARDWARE-IDS" >&2
	exit 2
}

[ $# -eq 2 ] || usage
case $1 in link | group | check) ;; *) usage ;; esac
[ -r "$2" ] || {
	echo "$0: cannot read $2" >&2
	exit 1
}

awk -v flavour="$1" -v file="$2" '
function bad(what) {
	printf "%s:%d: %s\n", file, NR, what > "/dev/stderr"
	errors++
}
# The kernel names the subsystem of a device node after its class: "metis" for
# Axelera'\''s driver, "hailo_chardev" for Hailo'\''s. Matching the PCI function
# instead would give a device without a node.
function subsystem(kind) {
	return kind == "metis" ? "metis" : "hailo_chardev"
}
{
	sub(/#.*/, "")
	if (NF == 0)
		next
	if (NF < 5) {
		bad("want 5 columns: kind vendor device link description")
		next
	}
	kind = $1; vendor = $2; device = $3; link = $4
	desc = $0
	sub(/^[ \t]*[^ \t]+[ \t]+[^ \t]+[ \t]+[^ \t]+[ \t]+[^ \t]+[ \t]+/, "", desc)
	if (kind != "metis" && kind != "hailo")
		bad("kind \"" kind "\" is not metis or hailo")
	if (vendor !~ /^0x[0-9a-f][0-9a-f][0-9a-f][0-9a-f]$/)
		bad("vendor \"" vendor "\" is not 0x and four lower-case hex digits, as sysfs prints it")
	if (device != "any" && device !~ /^0x[0-9a-f][0-9a-f][0-9a-f][0-9a-f]$/)
		bad("device \"" device "\" is not \"any\" or 0x and four lower-case hex digits")
	if (link !~ /^[A-Za-z0-9_][A-Za-z0-9_.-]*(%m)?$/ || length(link) > 31)
		bad("link \"" link "\" is not a plain /dev name (at most 31 characters, %m at the end for the minor)")
	# HWIDS_MAX of helpers/lib/hwids.h: the C parser takes no more.
	if (++n > 64)
		bad("too many rows (at most 64)")
	K[n] = kind; V[n] = vendor; D[n] = device; L[n] = link; T[n] = desc
}
END {
	if (errors)
		exit 1
	if (n == 0) {
		printf "%s: no identifiers\n", file > "/dev/stderr"
		exit 1
	}
	if (flavour == "check")
		exit 0
	print "# Generated from hardware-ids by rules/gen-rules.sh: edit the table, not this file."
	if (flavour == "link") {
		print "# Links and access for accelerators, in the initramfs and after it. The render"
		print "# group is in every initramfs this project builds; 99-axelera-metis.rules hands"
		print "# the Metis to the axelera group once the root filesystem runs. %m is the"
		print "# node'\''s minor: Axelera'\''s driver numbers its cards from 0."
	} else {
		print "# Access to the Metis for the axelera group on the root filesystem, on the"
		print "# device nodes; the links come from 65-rpi-hardware.rules."
	}
	print ""
	print "ACTION==\"remove\", GOTO=\"rpi_hardware_end\""
	for (i = 1; i <= n; i++) {
		if (flavour == "group" && K[i] != "metis")
			continue
		print ""
		print "# " T[i]
		m = "SUBSYSTEM==\"" subsystem(K[i]) "\", ATTRS{vendor}==\"" V[i] "\""
		if (D[i] != "any")
			m = m ", ATTRS{device}==\"" D[i] "\""
		if (flavour == "link") {
			print m ", TAG+=\"systemd\", MODE=\"0660\", GROUP=\"render\""
			# A node already named like the link (hailo0) needs no link to itself.
			if (L[i] ~ /%m$/)
				print m ", SYMLINK+=\"" L[i] "\""
			else
				print m ", KERNEL!=\"" L[i] "\", SYMLINK+=\"" L[i] "\""
		} else
			print m ", MODE=\"0660\", GROUP=\"axelera\""
	}
	print ""
	print "LABEL=\"rpi_hardware_end\""
}
' "$2"
