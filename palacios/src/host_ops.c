/* SPDX-License-Identifier: MIT */
/* Thin wrappers over the host interface used throughout the core. */
#include "host_ops.h"
#include "lib/string.h"

const struct v3_host_ops *v3_host;

void *v3_zalloc(size_t size)
{
	void *p = v3_malloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}
