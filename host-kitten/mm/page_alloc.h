/* SPDX-License-Identifier: MIT */
/*
 * host-kitten's physical page allocator: one bit per 4 KiB page frame over
 * [base_pfn, base_pfn + npages), set = not available (allocated, reserved,
 * or not RAM at all). It backs the alloc_pages() host operation, so it hands
 * out exact-size blocks (a 3 GiB guest takes 3 GiB, not 4) at any
 * power-of-two alignment, first fit from the lowest address.
 *
 * Pure logic: no hardware access, no locking. The caller serialises every
 * call on one allocator (the kernel holds a spinlock around them).
 */
#ifndef HK_MM_PAGE_ALLOC_H
#define HK_MM_PAGE_ALLOC_H

#include <v3/types.h>

#include "lib/bitmap.h"

struct hk_page_alloc {
	u64 *map;	 /* bit i covers pfn base_pfn + i; set = unavailable */
	u64 base_pfn;	 /* pfn of bit 0 */
	u64 npages;	 /* number of bits in map */
	u64 free_pages;	 /* number of clear bits in map */
	u64 hint;	 /* every bit below this index is set: searches start here */
};

/* Bytes of bitmap needed to cover npages page frames. */
static inline u64 hk_pa_map_bytes(u64 npages)
{
	return V3_BITMAP_WORDS(npages) * sizeof(u64);
}

/*
 * Start with every page unavailable; map holds hk_pa_map_bytes(npages)
 * bytes, its contents need not be initialised.
 */
void hk_pa_init(struct hk_page_alloc *pa, u64 *map, u64 base_pfn, u64 npages);

/*
 * Mark usable RAM free, whole pages only (rounded inward). Parts outside the
 * map are ignored, and so is pfn 0, so paddr 0 can mean failure.
 */
void hk_pa_add_free(struct hk_page_alloc *pa, u64 paddr, u64 len);

/*
 * Mark a range unavailable (rounded outward): the kernel image, boot
 * modules, the bitmap itself. Pages already unavailable stay so.
 */
void hk_pa_reserve(struct hk_page_alloc *pa, u64 paddr, u64 len);

/*
 * Allocate npages contiguous pages at a physical address that is a multiple
 * of align bytes (a power of two; anything up to 4096, and 0, means page
 * alignment). Returns the physical address, or 0 if no such block is free.
 */
u64 hk_pa_alloc(struct hk_page_alloc *pa, u64 npages, u64 align);

/*
 * Free a block from hk_pa_alloc(). Returns -V3_EINVAL, changing nothing, if
 * the block is outside the map, not page aligned, or holds a page that is
 * already free (a double free). Freeing a reserved page cannot be told from
 * freeing an allocated one and is not detected.
 */
int hk_pa_free(struct hk_page_alloc *pa, u64 paddr, u64 npages);

/*
 * Size in pages of the largest block hk_pa_alloc(pa, n, align) could return
 * now; 0 if none or align is invalid. A full scan of the map: for reporting.
 */
u64 hk_pa_largest_free_run(const struct hk_page_alloc *pa, u64 align);

#endif /* HK_MM_PAGE_ALLOC_H */
