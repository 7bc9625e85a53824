/* SPDX-License-Identifier: MIT */
/*
 * Nested page tables (AMD NPT, Intel EPT), built once from the VM's memory
 * map with the largest pages alignment allows: 1 GiB, 2 MiB, else 4 KiB.
 * Both formats are 4-level radix trees with 512 entries a table; they differ
 * only in how an entry is encoded, which struct v3_nested_fmt describes.
 */
#ifndef V3_PAGING_NESTED_H
#define V3_PAGING_NESTED_H

#include <v3/types.h>

struct v3_vm;

#define V3_NPT_READ (1u << 0)
#define V3_NPT_WRITE (1u << 1)
#define V3_NPT_EXEC (1u << 2)
#define V3_NPT_RWX (V3_NPT_READ | V3_NPT_WRITE | V3_NPT_EXEC)

/* Level 1 maps 4 KiB, level 2 2 MiB, level 3 1 GiB, level 4 is the root. */
struct v3_nested_fmt {
	const char *name;
	u64 (*table_entry)(u64 table_pa);
	u64 (*leaf_entry)(u64 hpa, unsigned int level, u32 perms);
	bool (*present)(u64 entry);
	bool (*is_leaf)(u64 entry, unsigned int level);
	u64 addr_mask;          /* physical address bits of an entry */
	bool gb_pages;          /* level-3 leaves allowed */
	bool no_2m_pages;       /* level-2 leaves not allowed (EPT without 2 MiB pages) */
};

struct v3_nested_pt {
	const struct v3_nested_fmt *fmt;
	u64 root_pa;
	u64 *pages;             /* every table page, for freeing */
	unsigned int npages, cap;
	u64 mapped[4];          /* bytes mapped by 4K, 2M, 1G leaves, by level - 1 */
};

/* 0, or -V3_ENOMEM with nothing left allocated. */
int v3_nested_init(struct v3_nested_pt *pt, const struct v3_nested_fmt *fmt);
/*
 * Maps [gpa, gpa+size) -> [hpa, ...) with the largest pages that fit.
 * -V3_EINVAL if an argument is not page aligned or the range leaves the 48 bits
 * of guest-physical (addr_mask of host-physical) address space; -V3_EEXIST if
 * any page of it is mapped already (the tables are then unchanged); -V3_ENOMEM
 * with the range partly mapped.
 */
int v3_nested_map(struct v3_nested_pt *pt, u64 gpa, u64 hpa, u64 size, u32 perms);
/* Maps every RAM (RWX) and ROM (RX) region of vm's memory map. */
int v3_nested_map_vm(struct v3_nested_pt *pt, const struct v3_vm *vm);
/* Translates gpa: 0 with hpa and level set, or -V3_ENOENT if unmapped. */
int v3_nested_lookup(const struct v3_nested_pt *pt, u64 gpa, u64 *hpa, unsigned int *level,
		     u64 *entry);
void v3_nested_free(struct v3_nested_pt *pt);

#endif /* V3_PAGING_NESTED_H */
