/* SPDX-License-Identifier: MIT */
/* Sorted-array range table for the hook registries (see range_table.h). */
#include <v3/errno.h>

#include "host_ops.h"
#include "lib/range_table.h"
#include "lib/string.h"

/* First capacity; small enough for a device's handful of ports, doubled from there. */
#define RANGE_TABLE_MIN_CAPACITY 8

void v3_range_table_init(struct v3_range_table *t)
{
	t->ranges = NULL;
	t->count = 0;
	t->capacity = 0;
}

void v3_range_table_destroy(struct v3_range_table *t)
{
	if (t->ranges)
		v3_free(t->ranges);
	v3_range_table_init(t);
}

/*
 * Index of the first range whose end is above addr, or count if none. Since the ranges are
 * sorted and disjoint their ends are sorted too, and this is the only range that can contain
 * addr or be the first to intersect an interval starting at addr.
 */
static size_t first_end_above(const struct v3_range_table *t, u64 addr)
{
	size_t lo = 0, hi = t->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->ranges[mid].end > addr)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

const struct v3_range *v3_range_table_find_overlap(const struct v3_range_table *t, u64 start,
						   u64 end)
{
	size_t i;

	if (start >= end)
		return NULL;
	i = first_end_above(t, start);
	if (i < t->count && t->ranges[i].start < end)
		return &t->ranges[i];
	return NULL;
}

const struct v3_range *v3_range_table_find(const struct v3_range_table *t, u64 addr)
{
	size_t i = first_end_above(t, addr);

	if (i < t->count && t->ranges[i].start <= addr)
		return &t->ranges[i];
	return NULL;
}

/* Make room for one more range. Allocate-copy-free so that on failure nothing has changed. */
static int grow(struct v3_range_table *t)
{
	size_t cap = t->capacity ? t->capacity * 2 : RANGE_TABLE_MIN_CAPACITY;
	struct v3_range *r;

	if (cap < t->capacity || cap > SIZE_MAX / sizeof(*r))
		return -V3_ENOMEM;
	r = v3_malloc(cap * sizeof(*r));
	if (!r)
		return -V3_ENOMEM;
	if (t->count)
		v3_memcpy(r, t->ranges, t->count * sizeof(*r));
	if (t->ranges)
		v3_free(t->ranges);
	t->ranges = r;
	t->capacity = cap;
	return 0;
}

int v3_range_table_insert(struct v3_range_table *t, u64 start, u64 end, void *priv)
{
	size_t i;
	int ret;

	if (start >= end)
		return -V3_EINVAL;
	/* Every range before i ends at or below start; the one at i must begin at or after end. */
	i = first_end_above(t, start);
	if (i < t->count && t->ranges[i].start < end)
		return -V3_EEXIST;

	if (t->count == t->capacity) {
		ret = grow(t);
		if (ret)
			return ret;
	}
	v3_memmove(&t->ranges[i + 1], &t->ranges[i], (t->count - i) * sizeof(t->ranges[0]));
	t->ranges[i] = (struct v3_range){ .start = start, .end = end, .priv = priv };
	t->count++;
	return 0;
}

int v3_range_table_remove(struct v3_range_table *t, u64 start)
{
	/* The range starting at start, if any, is the first one ending above it. */
	size_t i = first_end_above(t, start);

	if (i == t->count || t->ranges[i].start != start)
		return -V3_ENOENT;
	v3_memmove(&t->ranges[i], &t->ranges[i + 1], (t->count - i - 1) * sizeof(t->ranges[0]));
	t->count--;
	return 0;
}
