/* SPDX-License-Identifier: MIT */
/*
 * The core's access to its host. v3_host is the one piece of global state the
 * core has (DESIGN.md): it is set once by v3_init() and never changes. Unit
 * tests point it at a fake host backed by libc (tests/unit/fake_host.c).
 */
#ifndef V3_HOST_OPS_H
#define V3_HOST_OPS_H

#include <v3/host.h>

extern const struct v3_host_ops *v3_host;

static inline void *v3_malloc(size_t size)
{
	return v3_host->malloc(size);
}

static inline void v3_free(void *ptr)
{
	v3_host->free(ptr);
}

/* v3_malloc() that zeroes the memory. */
void *v3_zalloc(size_t size);

#endif /* V3_HOST_OPS_H */
