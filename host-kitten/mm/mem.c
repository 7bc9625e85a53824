/* SPDX-License-Identifier: MIT */
/*
 * Memory bring-up. The boot code identity-maps the first 4 GiB with 2 MiB
 * pages; here the page allocator is built over the usable ranges of the
 * multiboot map (its bitmap placed in the first free spot that fits), the
 * kernel image, low memory and the boot modules are reserved, and RAM above
 * 4 GiB is added to the identity map (1 GiB pages when the CPU has them).
 * Virtual = physical everywhere, which makes paddr_to_vaddr trivial for the
 * VMM (Intel SDM Vol. 3A §4.5 for the table formats).
 */
#include <arch/x86.h>
#include "hk.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/mem.h"
#include "mm/page_alloc.h"
#include "spinlock.h"

#define LOW_MEMORY_END (1UL << 20)
#define BOOT_MAP_END (4UL << 30)

extern u8 __kernel_start[], __kernel_end[];
extern u64 hk_boot_pml4[], hk_boot_pd[];

static struct hk_page_alloc page_alloc;
static struct hk_spinlock page_lock;
static struct hk_heap heap;
static struct hk_spinlock heap_lock;
static u64 total_pages;

struct busy_range {
	u64 start, end;
};

/* Finds size bytes of usable RAM below 4 GiB, clear of the busy ranges. */
static u64 find_boot_block(const struct hk_boot_info *bi, const struct busy_range *busy,
			   unsigned int nbusy, u64 size)
{
	for (unsigned int r = 0; r < bi->nmmap; r++) {
		const struct hk_mem_range *m = &bi->mmap[r];
		u64 end = m->base + m->len;
		u64 cand;
		bool moved = true;

		if (m->type != HK_MEM_USABLE)
			continue;
		if (end > BOOT_MAP_END)
			end = BOOT_MAP_END;
		cand = V3_ALIGN_UP(m->base < LOW_MEMORY_END ? LOW_MEMORY_END : m->base, V3_PAGE_SIZE);
		while (moved && cand + size <= end) {
			moved = false;
			for (unsigned int b = 0; b < nbusy; b++) {
				if (cand < busy[b].end && busy[b].start < cand + size) {
					cand = V3_ALIGN_UP(busy[b].end, V3_PAGE_SIZE);
					moved = true;
				}
			}
		}
		if (!moved && cand + size <= end)
			return cand;
	}
	return 0;
}

static u64 *table_page(void)
{
	u64 pa = hk_pa_alloc(&page_alloc, 1, V3_PAGE_SIZE);

	if (!pa)
		hk_panic("out of memory for page tables");
	v3_memset((void *)(uintptr_t)pa, 0, V3_PAGE_SIZE);
	return (u64 *)(uintptr_t)pa;
}

static u64 *next_level(u64 *table, unsigned int idx)
{
	if (!(table[idx] & X86_PTE_P))
		table[idx] = (u64)(uintptr_t)table_page() | X86_PTE_P | X86_PTE_W;
	return (u64 *)(uintptr_t)(table[idx] & X86_PTE_ADDR_MASK);
}

/* Identity-maps [start, end) (2 MiB granular) above the boot map. */
static void map_identity(u64 start, u64 end, bool gb_pages)
{
	u64 a = V3_ALIGN_DOWN(start, V3_LARGE_PAGE_SIZE);

	while (a < end) {
		u64 *pdpt = next_level(hk_boot_pml4, (a >> 39) & 511);

		if (gb_pages && V3_IS_ALIGNED(a, V3_HUGE_PAGE_SIZE) && a + V3_HUGE_PAGE_SIZE <= end) {
			pdpt[(a >> 30) & 511] = a | X86_PTE_P | X86_PTE_W | X86_PTE_PS;
			a += V3_HUGE_PAGE_SIZE;
			continue;
		}
		next_level(pdpt, (a >> 30) & 511)[(a >> 21) & 511] =
			a | X86_PTE_P | X86_PTE_W | X86_PTE_PS;
		a += V3_LARGE_PAGE_SIZE;
	}
}

void hk_mem_map_uncached(u64 pa, u64 len)
{
	/* Device registers live below 4 GiB, in the boot map's 2 MiB pages. */
	for (u64 a = V3_ALIGN_DOWN(pa, V3_LARGE_PAGE_SIZE); a < pa + len && a < BOOT_MAP_END;
	     a += V3_LARGE_PAGE_SIZE) {
		hk_boot_pd[a >> 21] |= (1UL << 3) | (1UL << 4);  /* PWT | PCD */
		x86_invlpg(a);
	}
}

static u64 heap_get_pages(u64 npages, void *ctx)
{
	return hk_alloc_pages(npages, V3_PAGE_SIZE);
}

static void heap_put_pages(u64 va, u64 npages, void *ctx)
{
	hk_free_pages(va, npages);
}

void hk_mem_init(const struct hk_boot_info *bi)
{
	struct busy_range busy[HK_MAX_MODULES + 1];
	unsigned int nbusy = 0;
	u64 max_pa = 0, map_bytes, map_pa;
	struct x86_cpuid r;

	busy[nbusy++] = (struct busy_range){ (u64)(uintptr_t)__kernel_start,
					     (u64)(uintptr_t)__kernel_end };
	for (unsigned int i = 0; i < bi->nmods; i++)
		busy[nbusy++] = (struct busy_range){ bi->mods[i].start, bi->mods[i].end };
	for (unsigned int i = 0; i < bi->nmmap; i++)
		if (bi->mmap[i].type == HK_MEM_USABLE && bi->mmap[i].base + bi->mmap[i].len > max_pa)
			max_pa = bi->mmap[i].base + bi->mmap[i].len;
	if (!max_pa)
		hk_panic("the memory map has no usable RAM");

	total_pages = V3_ALIGN_UP(max_pa, V3_PAGE_SIZE) >> V3_PAGE_SHIFT;
	map_bytes = V3_ALIGN_UP(V3_ALIGN_UP(total_pages, 64) / 8, V3_PAGE_SIZE);
	map_pa = find_boot_block(bi, busy, nbusy, map_bytes);
	if (!map_pa)
		hk_panic("no room below 4 GiB for the page bitmap (%lu bytes)", map_bytes);

	hk_pa_init(&page_alloc, (u64 *)(uintptr_t)map_pa, 0, total_pages);
	for (unsigned int i = 0; i < bi->nmmap; i++)
		if (bi->mmap[i].type == HK_MEM_USABLE)
			hk_pa_add_free(&page_alloc, bi->mmap[i].base, bi->mmap[i].len);
	/* Low memory holds the BIOS data, the EBDA and the AP trampoline. */
	hk_pa_reserve(&page_alloc, 0, LOW_MEMORY_END);
	hk_pa_reserve(&page_alloc, map_pa, map_bytes);
	for (unsigned int i = 0; i < nbusy; i++)
		hk_pa_reserve(&page_alloc, busy[i].start, busy[i].end - busy[i].start);

	x86_cpuid(0x80000001, 0, &r);
	for (unsigned int i = 0; i < bi->nmmap; i++) {
		const struct hk_mem_range *m = &bi->mmap[i];

		if (m->type == HK_MEM_USABLE && m->base + m->len > BOOT_MAP_END)
			map_identity(m->base < BOOT_MAP_END ? BOOT_MAP_END : m->base,
				     m->base + m->len, (r.edx >> 26) & 1);
	}
	x86_write_cr3(x86_read_cr3());
	hk_heap_init(&heap, heap_get_pages, heap_put_pages, NULL);
}

u64 hk_alloc_pages(u64 npages, u64 align)
{
	bool was = hk_spin_lock_irqsave(&page_lock);
	u64 pa = hk_pa_alloc(&page_alloc, npages, align);

	hk_spin_unlock_irqrestore(&page_lock, was);
	return pa;
}

void hk_free_pages(u64 paddr, u64 npages)
{
	bool was = hk_spin_lock_irqsave(&page_lock);
	int rc = hk_pa_free(&page_alloc, paddr, npages);

	hk_spin_unlock_irqrestore(&page_lock, was);
	if (rc)
		hk_panic("freeing pages that are not allocated: 0x%lx, %lu pages", paddr, npages);
}

void *hk_alloc_pages_va(u64 npages, u64 align)
{
	return (void *)(uintptr_t)hk_alloc_pages(npages, align);
}

void *hk_kmalloc(size_t size)
{
	bool was = hk_spin_lock_irqsave(&heap_lock);
	void *p = hk_heap_alloc(&heap, size);

	hk_spin_unlock_irqrestore(&heap_lock, was);
	return p;
}

void hk_kfree(void *p)
{
	bool was = hk_spin_lock_irqsave(&heap_lock);
	int rc = hk_heap_free(&heap, p);

	hk_spin_unlock_irqrestore(&heap_lock, was);
	if (rc)
		hk_panic("kfree(%p): not a live heap allocation (double free or corruption)", p);
}

u64 hk_mem_total_pages(void)
{
	return total_pages;
}

u64 hk_mem_free_pages(void)
{
	return page_alloc.free_pages;
}

u64 hk_mem_largest_free_run(u64 align)
{
	bool was = hk_spin_lock_irqsave(&page_lock);
	u64 n = hk_pa_largest_free_run(&page_alloc, align);

	hk_spin_unlock_irqrestore(&page_lock, was);
	return n;
}
