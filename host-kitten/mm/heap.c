/* SPDX-License-Identifier: MIT */
/*
 * Kernel heap (see heap.h).
 *
 * Every page the heap owns starts with a header whose first word is a magic
 * number, so free() finds the header by rounding the pointer down to its page
 * and learns from the magic what kind of page it is:
 *
 *  - a slab page: a 64-byte struct hk_slab, then objects of one size class.
 *    The header keeps a bitmap of live objects rather than a free list
 *    threaded through the objects, so a double free or a pointer into the
 *    middle of an object is caught exactly, and a use-after-free write cannot
 *    corrupt the allocator. Slabs with a free object sit on their class's
 *    partial list; one wholly free slab per class is kept to avoid calling
 *    the page provider on every alloc/free pair, and further empty ones are
 *    given back.
 *  - a large block: a 16-byte struct hk_large recording the page count, with
 *    the object right after it. free() overwrites the magic, so a second
 *    free of the same block is refused while its page is still mapped.
 *
 * A page provider must hand out page-aligned virtual addresses.
 */
#include <v3/errno.h>

#include "mm/heap.h"

#define SLAB_MAGIC 0x424c5348U		/* "HSLB" */
#define LARGE_MAGIC 0x47524c48U		/* "HLRG" */
#define LARGE_FREED_MAGIC 0x45455246U	/* "FREE" */

#define SLAB_HDR_SIZE 64
#define SLAB_MAX_OBJS ((V3_PAGE_SIZE - SLAB_HDR_SIZE) >> HK_HEAP_MIN_SHIFT)
#define SLAB_MAP_WORDS ((SLAB_MAX_OBJS + 63) / 64)

struct hk_slab {
	u32 magic;
	u16 class;			/* object size is 16 << class */
	u16 inuse;			/* live objects */
	struct hk_slab *prev, *next;	/* partial list of the class */
	u64 used[SLAB_MAP_WORDS];	/* bit i set: object i is live */
};

_Static_assert(sizeof(struct hk_slab) <= SLAB_HDR_SIZE, "slab header outgrew its slot");
_Static_assert(SLAB_HDR_SIZE % 16 == 0, "slab objects must stay 16-byte aligned");

struct hk_large {
	u32 magic;
	u32 npages_inv;			/* ~npages: catches a scribbled header */
	u64 npages;
};

#define LARGE_HDR_SIZE sizeof(struct hk_large)
_Static_assert(sizeof(struct hk_large) == 16, "large header must keep 16-byte alignment");

static unsigned int class_shift(unsigned int class)
{
	return class + HK_HEAP_MIN_SHIFT;
}

static unsigned int slab_objs(unsigned int class)
{
	return (V3_PAGE_SIZE - SLAB_HDR_SIZE) >> class_shift(class);
}

/* Smallest class whose objects hold size bytes (1 <= size <= 2048). */
static unsigned int size_to_class(size_t size)
{
	if (size <= (1UL << HK_HEAP_MIN_SHIFT))
		return 0;
	return 64 - __builtin_clzll(size - 1) - HK_HEAP_MIN_SHIFT;
}

static void *page_of(const void *p)
{
	return (void *)V3_ALIGN_DOWN((uintptr_t)p, V3_PAGE_SIZE);
}

void hk_heap_init(struct hk_heap *h, u64 (*get_pages)(u64 npages, void *ctx),
		  void (*put_pages)(u64 va, u64 npages, void *ctx), void *ctx)
{
	unsigned int c;

	h->get_pages = get_pages;
	h->put_pages = put_pages;
	h->ctx = ctx;
	for (c = 0; c < HK_HEAP_NR_CLASSES; c++) {
		h->partial[c] = NULL;
		h->nr_empty[c] = 0;
	}
	h->slab_pages = 0;
	h->large_pages = 0;
}

static void slab_link(struct hk_heap *h, struct hk_slab *s)
{
	struct hk_slab **head = &h->partial[s->class];

	s->prev = NULL;
	s->next = *head;
	if (*head)
		(*head)->prev = s;
	*head = s;
}

static void slab_unlink(struct hk_heap *h, struct hk_slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		h->partial[s->class] = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->prev = NULL;
	s->next = NULL;
}

static struct hk_slab *slab_new(struct hk_heap *h, unsigned int class)
{
	struct hk_slab *s = (struct hk_slab *)(uintptr_t)h->get_pages(1, h->ctx);
	unsigned int w;

	if (!s)
		return NULL;
	s->magic = SLAB_MAGIC;
	s->class = class;
	s->inuse = 0;
	for (w = 0; w < SLAB_MAP_WORDS; w++)
		s->used[w] = 0;
	slab_link(h, s);
	h->nr_empty[class]++;
	h->slab_pages++;
	return s;
}

/* Take the first free object of s, a slab on its partial list. */
static void *slab_take(struct hk_heap *h, struct hk_slab *s)
{
	unsigned int w = 0;
	unsigned int idx;

	/* Bits at and past slab_objs() are never set, so a partial slab has a clear bit. */
	while (!~s->used[w])
		w++;
	idx = w * 64 + __builtin_ctzll(~s->used[w]);
	s->used[w] |= 1ULL << (idx % 64);
	if (s->inuse++ == 0)
		h->nr_empty[s->class]--;
	if (s->inuse == slab_objs(s->class))
		slab_unlink(h, s);
	return (u8 *)s + SLAB_HDR_SIZE + ((size_t)idx << class_shift(s->class));
}

static void *large_alloc(struct hk_heap *h, size_t size)
{
	struct hk_large *l;
	u64 npages;

	if (size > ~(size_t)0 - LARGE_HDR_SIZE - (V3_PAGE_SIZE - 1))
		return NULL;
	npages = (size + LARGE_HDR_SIZE + V3_PAGE_SIZE - 1) >> V3_PAGE_SHIFT;
	l = (struct hk_large *)(uintptr_t)h->get_pages(npages, h->ctx);
	if (!l)
		return NULL;
	l->magic = LARGE_MAGIC;
	l->npages = npages;
	l->npages_inv = ~(u32)npages;
	h->large_pages += npages;
	return l + 1;
}

void *hk_heap_alloc(struct hk_heap *h, size_t size)
{
	struct hk_slab *s;
	unsigned int class;

	if (size == 0)
		return NULL;
	if (size > HK_HEAP_MAX_SMALL)
		return large_alloc(h, size);
	class = size_to_class(size);
	s = h->partial[class];
	if (!s) {
		s = slab_new(h, class);
		if (!s)
			return NULL;
	}
	return slab_take(h, s);
}

/* Index of the live object at p in slab s, or -V3_EINVAL. */
static long slab_index(const struct hk_slab *s, const void *p)
{
	uintptr_t off = (uintptr_t)p - (uintptr_t)s;
	unsigned int shift;
	uintptr_t idx;

	if (s->class >= HK_HEAP_NR_CLASSES || s->inuse == 0 || s->inuse > slab_objs(s->class))
		return -V3_EINVAL;
	if (off < SLAB_HDR_SIZE)
		return -V3_EINVAL;
	off -= SLAB_HDR_SIZE;
	shift = class_shift(s->class);
	idx = off >> shift;
	if (off & ((1UL << shift) - 1) || idx >= slab_objs(s->class))
		return -V3_EINVAL;
	if (!(s->used[idx / 64] & (1ULL << (idx % 64))))
		return -V3_EINVAL;
	return idx;
}

static int slab_free(struct hk_heap *h, struct hk_slab *s, void *p)
{
	unsigned int class = s->class;
	long idx = slab_index(s, p);

	if (idx < 0)
		return idx;
	s->used[idx / 64] &= ~(1ULL << (idx % 64));
	if (s->inuse-- == slab_objs(class))
		slab_link(h, s);
	if (s->inuse)
		return 0;
	if (h->nr_empty[class] == 0) {
		h->nr_empty[class]++;
		return 0;
	}
	slab_unlink(h, s);
	s->magic = 0;
	h->slab_pages--;
	h->put_pages((uintptr_t)s, 1, h->ctx);
	return 0;
}

static bool large_valid(const struct hk_heap *h, const struct hk_large *l, const void *p)
{
	return p == l + 1 && l->npages != 0 && l->npages_inv == ~(u32)l->npages &&
	       l->npages <= h->large_pages;
}

static int large_free(struct hk_heap *h, struct hk_large *l, void *p)
{
	if (!large_valid(h, l, p))
		return -V3_EINVAL;
	l->magic = LARGE_FREED_MAGIC;
	h->large_pages -= l->npages;
	h->put_pages((uintptr_t)l, l->npages, h->ctx);
	return 0;
}

int hk_heap_free(struct hk_heap *h, void *p)
{
	void *page = page_of(p);

	/* Pointers off an object boundary are refused by slab_index()/large_valid(). */
	if (!p)
		return 0;
	switch (*(const u32 *)page) {
	case SLAB_MAGIC:
		return slab_free(h, page, p);
	case LARGE_MAGIC:
		return large_free(h, page, p);
	default:
		/* LARGE_FREED_MAGIC lands here too: a double free. */
		return -V3_EINVAL;
	}
}

size_t hk_heap_usable_size(struct hk_heap *h, void *p)
{
	void *page = page_of(p);
	const struct hk_slab *s = page;
	const struct hk_large *l = page;

	if (!p)
		return 0;
	switch (*(const u32 *)page) {
	case SLAB_MAGIC:
		return slab_index(s, p) < 0 ? 0 : 1UL << class_shift(s->class);
	case LARGE_MAGIC:
		return large_valid(h, l, p) ? l->npages * V3_PAGE_SIZE - LARGE_HDR_SIZE : 0;
	default:
		return 0;
	}
}
