/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdint.h>

/* Where the nodes of one device tree are, found in one pass over it. libfdt finds
 * a node by path, phandle or label by walking the structure block from its
 * start, every tag of every node before it, on every call; applying overlays to
 * a tree of a thousand nodes and more asks that dozens of times. The index
 * answers the same questions with libfdt's answers (the same first match, the
 * same unit-address rule, the same errors) for as long as the tree it was built
 * on is not changed. */
struct dt_index;

/* Indexes fdt, a tree that passed the validator. 0, -ENOMEM, or -EINVAL when
 * libfdt cannot walk it either. */
int dt_index_build(const void *fdt, struct dt_index **out);
void dt_index_free(struct dt_index *ix);

/* As fdt_path_offset(fdt, path). */
int dt_index_path(const struct dt_index *ix, const char *path);
/* As fdt_subnode_offset(fdt, parent, name). */
int dt_index_subnode(const struct dt_index *ix, int parent, const char *name);
/* As fdt_node_offset_by_phandle(fdt, phandle). */
int dt_index_by_phandle(const struct dt_index *ix, uint32_t phandle);
/* As fdt_get_phandle(fdt, node). */
uint32_t dt_index_phandle(const struct dt_index *ix, int node);
/* As fdt_get_path(fdt, node, buf, size). */
int dt_index_node_path(const struct dt_index *ix, int node, char *buf, int size);
/* /__symbols__ as fdt_path_offset finds it, or -FDT_ERR_NOTFOUND. */
int dt_index_symbols(const struct dt_index *ix);
/* As fdt_getprop(fdt, dt_index_symbols(ix), label, len): the path a label of
 * the tree stands for, not checked to be one; NULL without __symbols__. */
const char *dt_index_label(const struct dt_index *ix, const char *label, int *len);
