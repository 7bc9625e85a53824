/* SPDX-License-Identifier: MIT */
/*
 * Guest-physical memory: RAM preallocated up front as physically contiguous
 * host blocks (one when the host can), and a map of regions (RAM, ROM,
 * hooked MMIO) kept in a sorted table for O(log n) lookup on the exit path.
 * Nothing maps a guest-physical address that no region covers.
 */
#ifndef V3_MEM_H
#define V3_MEM_H

#include <v3/types.h>

#include "lib/range_table.h"

struct v3_vm;
struct v3_vcpu;

#define V3_MEM_MAX_BLOCKS 64

enum v3_region_kind { V3_REGION_RAM, V3_REGION_ROM, V3_REGION_MMIO };

typedef int (*v3_mmio_fn)(struct v3_vcpu *vcpu, u64 gpa, void *data, unsigned int len,
			  void *priv);

struct v3_mem_region {
	u64 start, end;           /* guest-physical, end exclusive */
	enum v3_region_kind kind;
	u64 hpa;                  /* RAM/ROM: host-physical address of start */
	v3_mmio_fn read, write;   /* MMIO */
	void *priv;
};

struct v3_mem_block {
	u64 gpa, hpa, size;
	u8 *hva;
};

struct v3_mem_map {
	u64 ram_size;
	struct v3_mem_block blocks[V3_MEM_MAX_BLOCKS];
	unsigned int nblocks;
	struct v3_range_table regions;  /* priv: struct v3_mem_region * */
};

/* Allocates, zeroes and maps the VM's RAM (cfg mem_size, mem_align). */
int v3_mem_init(struct v3_vm *vm);
void v3_mem_deinit(struct v3_vm *vm);

const struct v3_mem_region *v3_mem_lookup(const struct v3_vm *vm, u64 gpa);
/* Host pointer to [gpa, gpa+len) if it is RAM within one host block, else NULL. */
void *v3_gpa_to_hva(const struct v3_vm *vm, u64 gpa, u64 len);
/*
 * Copy to or from guest RAM (and ROM, for reading), across blocks, in address
 * order: -V3_EFAULT at the first byte that is not, with the bytes before it
 * already copied (as the CPU's own access would have reached them).
 */
int v3_gpa_read(const struct v3_vm *vm, u64 gpa, void *buf, u64 len);
int v3_gpa_write(const struct v3_vm *vm, u64 gpa, const void *buf, u64 len);

/* Route accesses to [start, end) to read/write (either may be NULL: ignored). */
int v3_hook_mmio(struct v3_vm *vm, u64 start, u64 end, v3_mmio_fn read, v3_mmio_fn write,
		 void *priv);

#endif /* V3_MEM_H */
