/* SPDX-License-Identifier: MIT */
/*
 * A table of non-overlapping half-open ranges [start, end) over u64, each with an opaque priv
 * pointer: the storage behind the VMM's hook registries (I/O ports, MSRs, MMIO regions).
 *
 * The ranges are kept in a sorted array so that lookups, which sit on the VM-exit path, are a
 * binary search: O(log n), no allocation, no locking. Inserting and removing are O(n) and are
 * configuration-time operations. The table does no locking at all; its owner serialises
 * changes against lookups.
 *
 * Because end is exclusive and a u64, the largest possible end is UINT64_MAX: a range can never
 * cover the very last address, 0xffff_ffff_ffff_ffff. No hook space the VMM has (16-bit ports,
 * 32-bit MSR numbers, physical addresses below 2^52) reaches it.
 */
#ifndef V3_LIB_RANGE_TABLE_H
#define V3_LIB_RANGE_TABLE_H

#include <v3/types.h>

struct v3_range {
	u64 start; /* first value in the range */
	u64 end;   /* one past the last value; start < end */
	void *priv;
};

struct v3_range_table {
	struct v3_range *ranges; /* sorted by start, non-overlapping */
	size_t count;
	size_t capacity;
};

/* An empty table; allocates nothing. */
void v3_range_table_init(struct v3_range_table *t);
/* Free the storage and leave the table empty (and reusable). The priv pointers are not touched. */
void v3_range_table_destroy(struct v3_range_table *t);

/*
 * Add [start, end). Ranges may touch ([0,10) then [10,20)) but not overlap.
 * Returns 0, -V3_EINVAL if start >= end, -V3_EEXIST if the range overlaps one already in the
 * table, or -V3_ENOMEM if the table had to grow and could not (it is unchanged then).
 */
int v3_range_table_insert(struct v3_range_table *t, u64 start, u64 end, void *priv);
/* Remove the range that starts exactly at start; -V3_ENOENT if there is none. Never allocates. */
int v3_range_table_remove(struct v3_range_table *t, u64 start);

/* The range containing addr, or NULL. */
const struct v3_range *v3_range_table_find(const struct v3_range_table *t, u64 addr);
/* The lowest range intersecting [start, end), or NULL (always NULL if start >= end). */
const struct v3_range *v3_range_table_find_overlap(const struct v3_range_table *t, u64 start,
						   u64 end);

#endif /* V3_LIB_RANGE_TABLE_H */
