# SPDX-License-Identifier: GPL-2.0-or-later
#
# awk -f linkmap.awk PROGRAM.map: the bytes each archive (or object) put into
# the loaded sections of a GNU ld link map, "BYTES NAME" per line. Debug
# sections, notes and discarded input are left out, so the sum is close to
# the stripped file's size.
function hex(s,   v, k) {
	s = tolower(substr(s, 3))
	v = 0
	for (k = 1; k <= length(s); k++)
		v = v * 16 + index("0123456789abcdef", substr(s, k, 1)) - 1
	return v
}

/^Linker script and memory map/ { inmap = 1; next }
!inmap { next }

# An output section starts in column 0.
/^[^ ]/ {
	split($0, f, /[ \t]+/)
	keep = f[1] ~ /^\./ && f[1] !~ /^\.(debug|comment|note|gnu\.warning|stab)/
	next
}
!keep { next }

# An input section whose name is too long is on a line of its own; its address,
# size and file follow on the next.
/^ \.[^ ]+[ \t]*$/ { pending = 1; next }

{
	n = split($0, f, /[ \t]+/)
	i = f[2] ~ /^0x/ ? 2 : (f[3] ~ /^0x/ ? 3 : 0)
	ok = i && f[i + 1] ~ /^0x/ && n >= i + 2 && (pending || f[2] ~ /^\./)
	pending = 0
	if (!ok)
		next
	file = f[i + 2]
	for (j = i + 3; j <= n; j++)
		file = file " " f[j]
	sub(/\(.*/, "", file)
	sub(/.*\//, "", file)
	bytes[file] += hex(f[i + 1])
}

END {
	for (name in bytes)
		if (bytes[name])
			printf "%d %s\n", bytes[name], name
}
