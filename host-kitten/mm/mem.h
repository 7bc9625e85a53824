/* SPDX-License-Identifier: MIT */
/*
 * Physical memory for host-kitten and the VMM: the page allocator over the
 * multiboot memory map, the identity map of all RAM (virtual = physical) and
 * the kernel heap. All functions lock internally and may be called from any
 * CPU in thread context.
 */
#ifndef HK_MM_MEM_H
#define HK_MM_MEM_H

#include <v3/types.h>
#include "multiboot.h"

void hk_mem_init(const struct hk_boot_info *bi);

/* Physically contiguous pages, physical address aligned to align; 0 on failure. */
u64 hk_alloc_pages(u64 npages, u64 align);
void hk_free_pages(u64 paddr, u64 npages);
/* The same, returning the (identity-mapped) virtual address, NULL on failure. */
void *hk_alloc_pages_va(u64 npages, u64 align);

void *hk_kmalloc(size_t size);
void hk_kfree(void *p);

u64 hk_mem_total_pages(void);
u64 hk_mem_free_pages(void);
/* Largest run of free pages starting on an align boundary. */
u64 hk_mem_largest_free_run(u64 align);

/* Map [pa, pa+len) uncached (device registers inside the identity map). */
void hk_mem_map_uncached(u64 pa, u64 len);

#endif /* HK_MM_MEM_H */
