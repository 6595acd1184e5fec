// SPDX-License-Identifier: GPL-2.0-or-later
/* The device link (/dev/axelera0 by default): a link to a node of Axelera's
 * driver, owned by the axelera group with mode 0660. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "preflight.h"
#include "fsutil.h"
#include "util.h"

#define GROUP_FILE_MAX ((size_t)256 * 1024)

/* A node of Axelera's driver: "metis-D:B:S" (driver 1.4, 1.5; 1.6 keeps it as a
 * link) or "metis-D-B-S" (1.6), lower-case hex without padding from the card's
 * PCI domain, bus and slot; a Europa card's are named "europa-". */
struct metis_node {
	unsigned domain, bus, slot;
};

/* PCI domains are ints in the kernel. */
#define DOMAIN_MAX 0x7fffffffu

/* A hex number of s up to max, ending at sep. Lower case only, no "0x": the
 * kernel and the driver print these with %x, and a name written otherwise is
 * not one of theirs. */
static bool hex_field(const char **s, char sep, unsigned max, unsigned *out)
{
	const char *c = *s;
	unsigned long long v = 0;

	if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
		return false;
	for (; (*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f'); c++) {
		v = v * 16 + (unsigned long long)(*c <= '9' ? *c - '0' : *c - 'a' + 10);
		if (v > max)
			return false;
	}
	if (*c != sep)
		return false;
	*out = (unsigned)v;
	*s = *c ? c + 1 : c;
	return true;
}

static bool metis_node_name(const char *target, struct metis_node *n)
{
	const char *base = strrchr(target, '/'), *c;
	char sep;

	base = base ? base + 1 : target;
	if (strncmp(base, "metis-", 6) == 0)
		c = base + 6;
	else if (strncmp(base, "europa-", 7) == 0)
		c = base + 7;
	else
		return false;
	sep = strchr(c, ':') ? ':' : '-';
	return hex_field(&c, sep, DOMAIN_MAX, &n->domain) && hex_field(&c, sep, 0xff, &n->bus) &&
	       hex_field(&c, '\0', 0x1f, &n->slot);
}

/* The minor udev's %m put into the link's name ("axelera0" -> 0), or -1 when the
 * name is not of that form. */
static long link_minor(const char *link)
{
	const char *base = strrchr(link, '/');
	char *end;
	long v;

	base = base ? base + 1 : link;
	if (strncmp(base, "axelera", 7) != 0 || base[7] < '0' || base[7] > '9')
		return -1;
	errno = 0;
	v = strtol(base + 7, &end, 10);
	return errno || *end ? -1 : v;
}

/* Where the link leads, inside the sysroot: an absolute target is taken below it. */
static int resolve(const char *sysroot, const char *link, const char *target, char *out,
		   size_t size)
{
	char dir[PATH_MAX];
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
	char path[PATH_MAX], *text, *line, *save = NULL;
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

bool preflight_is_node(const struct preflight *p, const struct stat *st)
{
	return S_ISCHR(st->st_mode) || (root_is_fake(p->sysroot) && S_ISREG(st->st_mode));
}

/* A decimal number of s, ending at the character stop. */
static bool dec_field(const char **s, char stop, unsigned *out)
{
	char *end;
	unsigned long v;

	if (**s < '0' || **s > '9')
		return false;
	errno = 0;
	v = strtoul(*s, &end, 10);
	if (errno || *end != stop || v > 0xffffffffUL)
		return false;
	*out = (unsigned)v;
	*s = *end ? end + 1 : end;
	return true;
}

static const struct pci_match *card_of(const struct preflight *p, const struct metis_node *n)
{
	for (size_t i = 0; i < p->ncards; i++) {
		const char *c = p->cards[i].addr;
		unsigned d, b, s;

		/* The kernel names functions DDDD:BB:SS.F in lower-case hex. */
		if (hex_field(&c, ':', DOMAIN_MAX, &d) && hex_field(&c, ':', 0xff, &b) &&
		    hex_field(&c, '.', 0x1f, &s) && d == n->domain && b == n->bus && s == n->slot)
			return &p->cards[i];
	}
	return NULL;
}

/* The node the link leads to, against what the driver registered: the class
 * device of that name, its minor, and the card it belongs to. */
static void check_metis_node(struct preflight *p, const char *shown, const char *target,
			     const struct metis_node *n)
{
	const char *base = strrchr(target, '/');
	char rel[256], path[PATH_MAX], dev[32] = "";
	const struct pci_match *card;
	const char *c = dev;
	unsigned major, minor;
	long want = link_minor(shown);
	int r;

	base = base ? base + 1 : target;
	r = snprintf(rel, sizeof(rel), "/sys/class/" METIS_CLASS "/%s/dev", base);
	if (r < 0 || (size_t)r >= sizeof(rel) || root_path(path, sizeof(path), p->sysroot, rel) < 0) {
		report_add(&p->rep, V_FAIL, "device-node", NULL, "path of %s too long", target);
		return;
	}
	r = read_text_file(path, dev, sizeof(dev));
	if (r == -ENOENT) {
		report_add(&p->rep, V_WARN, "device-node", NULL,
			   "%s -> %s, but the driver has no device of that name (no "
			   "/sys/class/" METIS_CLASS "/%s): a node left behind; reload the driver "
			   "or run 'udevadm trigger'", shown, target, base);
		return;
	}
	/* "MAJOR:MINOR", as the kernel prints a device's dev attribute. */
	if (r < 0 || !dec_field(&c, ':', &major) || !dec_field(&c, '\0', &minor)) {
		report_add(&p->rep, V_WARN, "device-node", NULL, "%s -> %s, but %s is unreadable: %s",
			   shown, target, rel, r < 0 ? strerror(-r) : "not MAJOR:MINOR");
		return;
	}
	card = card_of(p, n);
	if (!card)
		report_add(&p->rep, V_WARN, "device-node", NULL,
			   "%s -> %s, the node of PCI %04x:%02x:%02x, where no Metis was found",
			   shown, target, n->domain, n->bus, n->slot);
	else if (want >= 0 && (unsigned long)want != minor)
		report_add(&p->rep, V_WARN, "device-node", NULL,
			   "%s -> %s, minor %u: it should lead to the card of minor %ld (udev's "
			   "%%m); another rule or tool made it", shown, target, minor, want);
	else
		report_add(&p->rep, V_PASS, "device-node", NULL, "%s -> %s (card %s, minor %u)",
			   shown, target, card->addr, minor);
}

static void check_link(struct preflight *p, const char *path, const char *shown)
{
	char target[PATH_MAX], resolved[PATH_MAX];
	struct metis_node n;
	struct stat st;
	ssize_t len = readlink(path, target, sizeof(target) - 1);
	int r = len < 0 ? -errno : 0;

	if (r == 0) {
		target[len] = '\0';
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
	if (!preflight_is_node(p, &st)) {
		report_add(&p->rep, V_FAIL, "device-node", NULL,
			   "%s points to %s, which is not a character device", shown, target);
		return;
	}
	if (metis_node_name(target, &n))
		check_metis_node(p, shown, target, &n);
	else
		report_add(&p->rep, V_WARN, "device-node", NULL,
			   "%s points to %s, which is not a node of Axelera's driver "
			   "(metis-D:B:S, or metis-D-B-S from driver 1.6)", shown, target);
	check_access(p, shown, &st);
}

void check_device_node(struct preflight *p)
{
	const char *shown = p->conf.device;
	char path[PATH_MAX];
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
	if (!preflight_is_node(p, &st)) {
		report_add(&p->rep, V_FAIL, "device-node", NULL,
			   "%s exists but is neither a link nor a character device", shown);
		return;
	}
	report_add(&p->rep, V_WARN, "device-node", NULL,
		   "%s is a device node, not the link the udev rules make: another rule or "
		   "tool created it", shown);
	check_access(p, shown, &st);
}
