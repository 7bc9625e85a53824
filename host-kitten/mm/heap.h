/* SPDX-License-Identifier: MIT */
/*
 * host-kitten's kernel heap (kmalloc/kfree), built on a page provider.
 *
 * Requests up to 2048 bytes come from power-of-two size classes (16 .. 2048
 * bytes), each carved from single pages that hold one class. Larger requests
 * get whole pages behind a 16-byte header. Every result is 16-byte aligned.
 *
 * Pure logic: the pages come from callbacks, and there is no locking. The
 * caller serialises every call on one heap (the kernel holds a spinlock).
 */
#ifndef HK_MM_HEAP_H
#define HK_MM_HEAP_H

#include <v3/types.h>

#define HK_HEAP_MIN_SHIFT 4	/* smallest class: 16 bytes */
#define HK_HEAP_MAX_SHIFT 11	/* largest class: 2048 bytes */
#define HK_HEAP_NR_CLASSES (HK_HEAP_MAX_SHIFT - HK_HEAP_MIN_SHIFT + 1)
#define HK_HEAP_MAX_SMALL (1UL << HK_HEAP_MAX_SHIFT)

struct hk_slab;

struct hk_heap {
	/* Page-aligned virtual address of npages contiguous mapped pages, or 0. */
	u64 (*get_pages)(u64 npages, void *ctx);
	/* Give back a get_pages() block; npages matches the request. */
	void (*put_pages)(u64 va, u64 npages, void *ctx);
	void *ctx;
	/* Per class: slab pages with a free object, and how many are all free. */
	struct hk_slab *partial[HK_HEAP_NR_CLASSES];
	u32 nr_empty[HK_HEAP_NR_CLASSES];
	u64 slab_pages;		/* pages now held as slabs */
	u64 large_pages;	/* pages now held by large allocations */
};

void hk_heap_init(struct hk_heap *h, u64 (*get_pages)(u64 npages, void *ctx),
		  void (*put_pages)(u64 va, u64 npages, void *ctx), void *ctx);

/* size bytes, 16-byte aligned; NULL if size is 0 or memory runs out. */
void *hk_heap_alloc(struct hk_heap *h, size_t size);

/*
 * Free an hk_heap_alloc() result; NULL is ignored. Returns -V3_EINVAL,
 * changing nothing, for a pointer the heap did not hand out, a double free,
 * or a corrupted header: the kernel should treat that as fatal.
 */
int hk_heap_free(struct hk_heap *h, void *p);

/* Bytes usable at p (at least the size requested), 0 if p is not live. */
size_t hk_heap_usable_size(struct hk_heap *h, void *p);

#endif /* HK_MM_HEAP_H */
