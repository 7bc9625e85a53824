/* SPDX-License-Identifier: MIT */
/*
 * Bitmap page allocator (see page_alloc.h).
 *
 * Every request is first fit from pa->hint, the index below which no page is
 * free. Small blocks therefore pack at the bottom of memory, which keeps the
 * large runs guests need intact; a next-fit hint would walk small long-lived
 * allocations across all of RAM over time. The hint also keeps one-page
 * requests O(1): the first free page is usually at the hint itself. A free
 * below the hint moves it down, so a search from the hint is always complete
 * and never needs to wrap around.
 */
#include <v3/errno.h>

#include "mm/page_alloc.h"

/*
 * Clip pfns [first, end) to the map. Returns false if nothing is left,
 * else the map index and count in *start and *n.
 */
static bool clip_to_map(const struct hk_page_alloc *pa, u64 first, u64 end, u64 *start, u64 *n)
{
	u64 lo = pa->base_pfn;
	u64 hi = pa->base_pfn + pa->npages;

	if (first < lo)
		first = lo;
	if (end > hi)
		end = hi;
	if (first >= end)
		return false;
	*start = first - lo;
	*n = end - first;
	return true;
}

/* paddr + len, saturated at the top of the address space. */
static u64 range_end(u64 paddr, u64 len)
{
	return paddr + len < paddr ? ~0ULL : paddr + len;
}

static u64 pfn_up(u64 addr)
{
	return (addr >> V3_PAGE_SHIFT) + !V3_IS_ALIGNED(addr, V3_PAGE_SIZE);
}

/*
 * Turn an alignment in bytes into one in pages plus the map index phase
 * that lands on an aligned pfn. Returns false for a non-power-of-two.
 */
static bool align_to_pages(const struct hk_page_alloc *pa, u64 align, u64 *pages, u64 *phase)
{
	if (align == 0)
		align = V3_PAGE_SIZE;
	if (!V3_IS_POW2(align))
		return false;
	if (align < V3_PAGE_SIZE)
		align = V3_PAGE_SIZE;
	*pages = align >> V3_PAGE_SHIFT;
	*phase = (0 - pa->base_pfn) & (*pages - 1);
	return true;
}

void hk_pa_init(struct hk_page_alloc *pa, u64 *map, u64 base_pfn, u64 npages)
{
	pa->map = map;
	pa->base_pfn = base_pfn;
	pa->npages = npages;
	pa->free_pages = 0;
	pa->hint = npages;
	v3_bitmap_set_range(map, 0, npages);
}

void hk_pa_add_free(struct hk_page_alloc *pa, u64 paddr, u64 len)
{
	u64 first = pfn_up(paddr);
	u64 end = range_end(paddr, len) >> V3_PAGE_SHIFT;
	u64 start, n;

	/* pfn 0 stays reserved so that 0 can mean "no memory". */
	if (first == 0)
		first = 1;
	if (!clip_to_map(pa, first, end, &start, &n))
		return;
	pa->free_pages += v3_bitmap_count_range(pa->map, start, n);
	v3_bitmap_clear_range(pa->map, start, n);
	if (start < pa->hint)
		pa->hint = start;
}

void hk_pa_reserve(struct hk_page_alloc *pa, u64 paddr, u64 len)
{
	u64 first = paddr >> V3_PAGE_SHIFT;
	u64 end = pfn_up(range_end(paddr, len));
	u64 start, n;

	if (!clip_to_map(pa, first, end, &start, &n))
		return;
	pa->free_pages -= n - v3_bitmap_count_range(pa->map, start, n);
	v3_bitmap_set_range(pa->map, start, n);
}

u64 hk_pa_alloc(struct hk_page_alloc *pa, u64 npages, u64 align)
{
	u64 align_pages, phase, i;

	if (npages == 0 || npages > pa->free_pages)
		return 0;
	if (!align_to_pages(pa, align, &align_pages, &phase))
		return 0;
	i = v3_bitmap_find_zero_run_phase(pa->map, pa->npages, pa->hint, npages, align_pages,
					  phase);
	if (i == pa->npages)
		return 0;
	v3_bitmap_set_range(pa->map, i, npages);
	pa->free_pages -= npages;
	/* Only a block taken at the hint moves the first free page. */
	if (i == pa->hint)
		pa->hint = v3_bitmap_find_next_zero(pa->map, pa->npages, i + npages);
	return (pa->base_pfn + i) << V3_PAGE_SHIFT;
}

int hk_pa_free(struct hk_page_alloc *pa, u64 paddr, u64 npages)
{
	u64 pfn = paddr >> V3_PAGE_SHIFT;
	u64 start;

	if (paddr == 0 || npages == 0 || !V3_IS_ALIGNED(paddr, V3_PAGE_SIZE))
		return -V3_EINVAL;
	if (pfn < pa->base_pfn || pfn - pa->base_pfn >= pa->npages)
		return -V3_EINVAL;
	start = pfn - pa->base_pfn;
	if (npages > pa->npages - start)
		return -V3_EINVAL;
	/* Every page must still be in use, or this is a double free. */
	if (v3_bitmap_count_range(pa->map, start, npages) != npages)
		return -V3_EINVAL;
	v3_bitmap_clear_range(pa->map, start, npages);
	pa->free_pages += npages;
	if (start < pa->hint)
		pa->hint = start;
	return 0;
}

u64 hk_pa_largest_free_run(const struct hk_page_alloc *pa, u64 align)
{
	u64 align_pages, phase, zero, set, first;
	u64 best = 0;
	u64 i = pa->hint;

	if (!align_to_pages(pa, align, &align_pages, &phase))
		return 0;
	while (i < pa->npages) {
		zero = v3_bitmap_find_next_zero(pa->map, pa->npages, i);
		if (zero == pa->npages)
			break;
		set = v3_bitmap_find_next_set(pa->map, pa->npages, zero);
		first = zero + ((phase - zero) & (align_pages - 1));
		if (first < set && set - first > best)
			best = set - first;
		i = set;
	}
	return best;
}
