// SPDX-License-Identifier: GPL-2.0-or-later
#include "bootdev.h"

#include <blkid.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "fsutil.h"
#include "log.h"
#include "util.h"

/* Raspberry Pi OS, Ubuntu, Debian's raspi images, then the generic names. */
static const char *const default_specs[] = {
	"LABEL=bootfs", "LABEL=system-boot", "LABEL=RASPIFIRM", "LABEL=BOOT", "LABEL=boot",
};

static void blkid_cache_unref(blkid_cache *c)
{
	if (*c)
		blkid_put_cache(*c);
}

/* The device and its file system type; -ENODEV when no device matches. */
static int find_partition(const char *spec, char *dev, size_t dev_size, char *type,
			  size_t type_size)
{
	_cleanup_(blkid_cache_unref) blkid_cache cache = NULL;
	_cleanup_(freep) char *name = NULL;
	_cleanup_(freep) char *fstype = NULL;

	/* "/dev/null" as cache file: read the devices, write no cache anywhere. */
	if (blkid_get_cache(&cache, "/dev/null") < 0)
		return -ENOMEM;
	name = blkid_evaluate_spec(spec, &cache);
	if (!name)
		return -ENODEV;
	fstype = blkid_get_tag_value(cache, "TYPE", name);
	if (!fstype)
		return -EMEDIUMTYPE;
	if ((size_t)snprintf(dev, dev_size, "%s", name) >= dev_size ||
	    (size_t)snprintf(type, type_size, "%s", fstype) >= type_size)
		return -ENAMETOOLONG;
	return 0;
}

/* ROOT/run/rpi-hardware/bootfs, creating what is missing below ROOT. */
static int make_mountpoint(const char *root, char *mnt, size_t size)
{
	static const char *const parts[] = { "/run", "/run/rpi-hardware", BOOTDEV_MOUNT };

	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		int r = path_join(mnt, size, root, parts[i]);

		if (r < 0)
			return r;
		if (mkdir(mnt, 0755) < 0 && errno != EEXIST)
			return -errno;
	}
	return 0;
}

static int read_mounted(const char *mnt, const char *name, size_t max, void **buf,
			size_t *len)
{
	_cleanup_(closep) int dirfd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char rel[128];

	if (dirfd < 0)
		return -errno;
	if ((size_t)snprintf(rel, sizeof(rel), "overlays/%s.dtbo", name) >= sizeof(rel))
		return -ENAMETOOLONG;
	return read_file_beneath(dirfd, rel, max, buf, len);
}

static int read_from(const char *root, const char *spec, const char *name, size_t max,
		     void **buf, size_t *len, char *dev, size_t dev_size)
{
	char type[32], mnt[4096];
	int r = find_partition(spec, dev, dev_size, type, sizeof(type));

	if (r < 0)
		return r;
	r = make_mountpoint(root, mnt, sizeof(mnt));
	if (r < 0)
		return r;
	if (mount(dev, mnt, type, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		r = -errno;
		rmdir(mnt);
		return r;
	}
	r = read_mounted(mnt, name, max, buf, len);
	if (umount2(mnt, 0) < 0) {
		log_warn("cannot unmount %s (%s); detaching it", mnt, strerror(errno));
		umount2(mnt, MNT_DETACH);
	}
	rmdir(mnt);
	return r;
}

int bootdev_read(const char *root, const char *spec, const char *name, size_t max,
		 void **buf, size_t *len, char *dev, size_t dev_size)
{
	int r = -ENODEV;

	if (spec && *spec)
		return read_from(root, spec, name, max, buf, len, dev, dev_size);
	for (size_t i = 0; i < ARRAY_SIZE(default_specs) && r == -ENODEV; i++)
		r = read_from(root, default_specs[i], name, max, buf, len, dev, dev_size);
	return r;
}
