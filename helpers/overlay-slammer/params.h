/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

#include "dtbo.h"

/* Raspberry Pi overlay parameters (__overrides__) and dormant fragments, applied
 * to an overlay before the kernel or libfdt sees it, as Raspberry Pi's dtoverlay
 * and dtmerge apply them: the kernel knows neither (docs/overlays.md).
 *
 * params_apply works in the libfdt manner: on the caller's buffers, no
 * allocation but a copy of one __overrides__ entry, negative -FDT_ERR_* codes.
 * It copies the overlay in[] into out[0..out_size), applies params (a
 * NUL-terminated "param=value,param" list, "" for none) in order, then settles
 * the fragments: a fragment left __dormant__ is taken out together with its
 * __fixups__, __local_fixups__ and __symbols__ entries, one switched on gets
 * those entries renamed to its __overlay__ node, and __overrides__ goes (it
 * would make the kernel resolve labels no fragment uses).
 * Returns the number of fragments left to apply (0: nothing to apply), or
 * -FDT_ERR_NOSPACE when out is too small (call again with more room), or
 * -FDT_ERR_NOTFOUND (no such parameter), -FDT_ERR_BADVALUE (a value the parameter
 * does not take), -FDT_ERR_BADOVERLAY (an __overrides__ entry that is mangled or
 * points outside its property, or a fragment the overlay lacks), another
 * -FDT_ERR_*; why then names the parameter and what it accepts. in[] is never
 * written; out[] is undefined after a failure.
 * in must have passed dtbo_validate. */
int params_apply(const void *in, void *out, int out_size, const char *params, char *why,
		 size_t why_size);

/* An overlay as it is applied: validated, its parameters applied, validated again. */
struct prepared {
	void *data; /* malloc'ed; the input's bytes as they are when there was nothing
		     * to change (no parameters, no __overrides__, no dormant fragment) */
	size_t size;
	struct dtbo_info info; /* of the result: info.fragments == 0, nothing to apply */
};

/* 0, or -EINVAL: not a valid overlay (why says why); -EDOM: a parameter cannot be
 * applied (why starts "parameter 'NAME'" and says what it accepts); -ENOMEM. */
int overlay_prepare(const void *blob, size_t size, const char *params, struct prepared *out,
		    char *why, size_t why_size);

void prepared_free(struct prepared *p);

static inline void prepared_freep(struct prepared *p)
{
	prepared_free(p);
}

/* A check or merge argument FILE.dtbo,param=value,...: the file's path into file
 * (size bytes) and *params pointing at the parameters in arg ("" for none). An
 * argument that names an existing file is the file, commas and all; otherwise the
 * parameters start at the first comma after the last '/'. -ENAMETOOLONG. */
int overlay_arg_split(const char *arg, char *file, size_t size, const char **params);
