// SPDX-License-Identifier: GPL-2.0-or-later
/* The device link (/dev/axelera0 by default): a link to the accel or metis node,
 * owned by the axelera group with mode 0660. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "preflight.h"
#include "fsutil.h"
#include "util.h"

#define GROUP_FILE_MAX ((size_t)256 * 1024)

/* "accel0", "accel/accel0" or Axelera's "metis-0000:01:00.0". */
static bool accel_node_name(const char *target)
{
	const char *base = strrchr(target, '/');

	base = base ? base + 1 : target;
	if (strncmp(base, "metis-", 6) == 0 && base[6])
		return true;
	if (strncmp(base, "accel", 5) != 0 || !base[5])
		return false;
	for (const char *c = base + 5; *c; c++)
		if (*c < '0' || *c > '9')
			return false;
	return true;
}

/* Where the link leads, inside the sysroot: an absolute target is taken below it. */
static int resolve(const char *sysroot, const char *link, const char *target, char *out,
		   size_t size)
{
	char dir[4096];
	char *slash;
	int n;

	if (target[0] == '/')
		return root_path(out, size, sysroot, target);
	n = snprintf(dir, sizeof(dir), "%s", link);
	if (n < 0 || (size_t)n >= sizeof(dir))
		return -ENAMETOOLONG;
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	return path_join(out, size, slash ? dir : ".", target);
}

/* Line "name:x:gid:..." of SYSROOT/etc/group: gid of name, or name of gid. */
static int group_lookup(const char *sysroot, const char *name, long *gid, char *name_out,
			size_t name_size)
{
	char path[4096], *text, *line, *save = NULL;
	int r = root_path(path, sizeof(path), sysroot, "/etc/group");

	if (r < 0)
		return r;
	text = malloc(GROUP_FILE_MAX);
	if (!text)
		return -ENOMEM;
	r = read_text_file(path, text, GROUP_FILE_MAX);
	if (r < 0)
		goto out;
	r = -ENOENT;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f_name = line, *f_gid, *end;
		long g;

		f_gid = strchr(line, ':');
		if (!f_gid || !(f_gid = strchr(f_gid + 1, ':')))
			continue;
		*strchr(line, ':') = '\0';
		g = strtol(f_gid + 1, &end, 10);
		if (end == f_gid + 1 || *end != ':')
			continue;
		if (name && strcmp(f_name, name) == 0) {
			*gid = g;
			r = 0;
			break;
		}
		if (!name && g == *gid) {
			snprintf(name_out, name_size, "%s", f_name);
			r = 0;
			break;
		}
	}
out:
	free(text);
	return r;
}

static void check_access(struct preflight *p, const char *shown, const struct stat *st)
{
	long gid = -1, node_gid = (long)st->st_gid;
	unsigned mode = (unsigned)st->st_mode & 07777;
	int r = group_lookup(p->sysroot, AXELERA_GROUP, &gid, NULL, 0);

	if (r == -ENOENT) {
		report_add(&p->rep, V_FAIL, "node-access", NULL,
			   "group %s does not exist: run metis-setup", AXELERA_GROUP);
		return;
	}
	if (r < 0) {
		report_add(&p->rep, V_FAIL, "node-access", NULL, "cannot read /etc/group: %s",
			   strerror(-r));
		return;
	}
	if (node_gid != gid) {
		char other[64] = "";

		if (group_lookup(p->sysroot, NULL, &node_gid, other, sizeof(other)) < 0)
			snprintf(other, sizeof(other), "%ld", node_gid);
		report_add(&p->rep, V_FAIL, "node-access", NULL,
			   "%s belongs to group %s, not %s: the udev rule did not apply; run "
			   "metis-setup (it installs the rule and triggers udev)",
			   shown, other, AXELERA_GROUP);
	} else if ((mode & 0060) != 0060) {
		report_add(&p->rep, V_FAIL, "node-access", NULL,
			   "%s has mode %04o: the %s group cannot read and write it (expected 0660)",
			   shown, mode, AXELERA_GROUP);
	} else if (mode & 0007) {
		report_add(&p->rep, V_WARN, "node-access", NULL,
			   "%s has mode %04o: every user can open it (expected 0660)", shown, mode);
	} else {
		report_add(&p->rep, V_PASS, "node-access", NULL, "%s: group %s, mode %04o", shown,
			   AXELERA_GROUP, mode);
	}
}

/* Under a fake sysroot a regular file may stand in for the character device, so
 * that test trees need no privilege to build. */
static bool is_node(const struct preflight *p, const struct stat *st)
{
	return S_ISCHR(st->st_mode) || (root_is_fake(p->sysroot) && S_ISREG(st->st_mode));
}

static void check_link(struct preflight *p, const char *path, const char *shown)
{
	char target[4096], resolved[4096];
	struct stat st;
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	int r = n < 0 ? -errno : 0;

	if (r == 0) {
		target[n] = '\0';
		r = resolve(p->sysroot, path, target, resolved, sizeof(resolved));
	}
	if (r < 0) {
		report_add(&p->rep, V_FAIL, "device-node", NULL, "cannot read the link %s: %s",
			   shown, strerror(-r));
		return;
	}
	if (stat(resolved, &st) < 0) {
		report_add(&p->rep, V_FAIL, "device-node", NULL,
			   "%s points to %s, which does not exist: run 'udevadm trigger' or "
			   "reload the driver", shown, target);
		return;
	}
	if (!is_node(p, &st)) {
		report_add(&p->rep, V_FAIL, "device-node", NULL,
			   "%s points to %s, which is not a character device", shown, target);
		return;
	}
	if (accel_node_name(target))
		report_add(&p->rep, V_PASS, "device-node", NULL, "%s -> %s", shown, target);
	else
		report_add(&p->rep, V_WARN, "device-node", NULL,
			   "%s points to %s, which is neither an accel nor a metis node", shown,
			   target);
	check_access(p, shown, &st);
}

void check_device_node(struct preflight *p)
{
	const char *shown = p->conf.device;
	char path[4096];
	struct stat st;

	if (root_path(path, sizeof(path), p->sysroot, shown) < 0) {
		report_add(&p->rep, V_FAIL, "device-node", NULL, "path of %s too long", shown);
		return;
	}
	if (lstat(path, &st) < 0) {
		report_add(&p->rep, V_FAIL, "device-node", NULL,
			   "%s is missing (%s): install the udev rules (99-axelera-metis.rules) "
			   "and run 'udevadm trigger', or run metis-setup",
			   shown, strerror(errno));
		return;
	}
	if (S_ISLNK(st.st_mode)) {
		check_link(p, path, shown);
		return;
	}
	if (!is_node(p, &st)) {
		report_add(&p->rep, V_FAIL, "device-node", NULL,
			   "%s exists but is neither a link nor a character device", shown);
		return;
	}
	report_add(&p->rep, V_WARN, "device-node", NULL,
		   "%s is a device node, not the link the udev rules make: another rule or "
		   "tool created it", shown);
	check_access(p, shown, &st);
}
