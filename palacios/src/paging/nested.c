/* SPDX-License-Identifier: MIT */
/* The nested page-table builder shared by NPT and EPT (see nested.h). */
#include "host_ops.h"
#include "lib/string.h"
#include "mem.h"
#include "paging/nested.h"
#include "vm.h"

#define ENTRIES 512
#define LEVEL_SHIFT(l) (12 + 9 * ((l) - 1))
#define LEVEL_SIZE(l) (1UL << LEVEL_SHIFT(l))

static u64 *table_va(u64 pa)
{
	return v3_host->paddr_to_vaddr(pa);
}

static int new_table(struct v3_nested_pt *pt, u64 *pa)
{
	if (pt->npages == pt->cap) {
		unsigned int cap = pt->cap ? pt->cap * 2 : 16;
		u64 *pages = v3_malloc(cap * sizeof(*pages));

		if (!pages)
			return -V3_ENOMEM;
		if (pt->npages)
			v3_memcpy(pages, pt->pages, pt->npages * sizeof(*pages));
		v3_free(pt->pages);
		pt->pages = pages;
		pt->cap = cap;
	}
	*pa = v3_host->alloc_pages(1, V3_PAGE_SIZE, V3_NUMA_ANY);
	if (!*pa)
		return -V3_ENOMEM;
	v3_memset(table_va(*pa), 0, V3_PAGE_SIZE);
	pt->pages[pt->npages++] = *pa;
	return 0;
}

int v3_nested_init(struct v3_nested_pt *pt, const struct v3_nested_fmt *fmt)
{
	int rc;

	v3_memset(pt, 0, sizeof(*pt));
	pt->fmt = fmt;
	rc = new_table(pt, &pt->root_pa);
	if (rc)
		v3_nested_free(pt);  /* the page list may exist without a root */
	return rc;
}

void v3_nested_free(struct v3_nested_pt *pt)
{
	for (unsigned int i = 0; i < pt->npages; i++)
		v3_host->free_pages(pt->pages[i], 1);
	v3_free(pt->pages);
	v3_memset(pt, 0, sizeof(*pt));
}

static unsigned int index_at(u64 gpa, unsigned int level)
{
	return (gpa >> LEVEL_SHIFT(level)) & (ENTRIES - 1);
}

/* Whether map_one(gpa, level) would find the place taken (the table walk it would make). */
static bool leaf_taken(const struct v3_nested_pt *pt, u64 gpa, unsigned int level)
{
	const struct v3_nested_fmt *f = pt->fmt;
	const u64 *table = table_va(pt->root_pa);

	for (unsigned int l = 4; l > level; l--) {
		u64 e = table[index_at(gpa, l)];

		if (!f->present(e))
			return false;
		if (f->is_leaf(e, l))
			return true;
		table = table_va(e & f->addr_mask);
	}
	return f->present(table[index_at(gpa, level)]);
}

/* Installs one leaf at level, creating tables on the way down. */
static int map_one(struct v3_nested_pt *pt, u64 gpa, u64 hpa, unsigned int level, u32 perms)
{
	const struct v3_nested_fmt *f = pt->fmt;
	u64 *table = table_va(pt->root_pa);

	for (unsigned int l = 4; l > level; l--) {
		u64 *e = &table[index_at(gpa, l)];

		if (!f->present(*e)) {
			u64 pa;
			int rc = new_table(pt, &pa);

			if (rc)
				return rc;
			*e = f->table_entry(pa);
		} else if (f->is_leaf(*e, l)) {
			return -V3_EEXIST;  /* already covered by a larger page */
		}
		table = table_va(*e & f->addr_mask);
	}
	if (f->present(table[index_at(gpa, level)]))
		return -V3_EEXIST;
	table[index_at(gpa, level)] = f->leaf_entry(hpa, level, perms);
	pt->mapped[level - 1] += LEVEL_SIZE(level);
	return 0;
}

/* The largest page whose alignment both addresses share and that fits. */
static unsigned int leaf_level(const struct v3_nested_pt *pt, u64 gpa, u64 hpa, u64 size)
{
	for (unsigned int l = pt->fmt->gb_pages ? 3 : 2; l > 1; l--)
		if (!(l == 2 && pt->fmt->no_2m_pages) && V3_IS_ALIGNED(gpa | hpa, LEVEL_SIZE(l)) &&
		    size >= LEVEL_SIZE(l))
			return l;
	return 1;
}

int v3_nested_map(struct v3_nested_pt *pt, u64 gpa, u64 hpa, u64 size, u32 perms)
{
	u64 g, h, left;

	if (!V3_IS_ALIGNED(gpa | hpa | size, V3_PAGE_SIZE))
		return -V3_EINVAL;
	/* 4 levels translate 48 bits; the entry holds the address bits of addr_mask. */
	if (size > LEVEL_SIZE(5) || gpa > LEVEL_SIZE(5) - size ||
	    (size && ((hpa + size - 1) & ~(pt->fmt->addr_mask | (V3_PAGE_SIZE - 1)))))
		return -V3_EINVAL;
	/*
	 * Check the whole range before changing anything, so that an overlap is
	 * refused with the tables as they were (the leaves of one call are
	 * disjoint, so the first pass sees what the second will).
	 */
	for (g = gpa, h = hpa, left = size; left;) {
		unsigned int level = leaf_level(pt, g, h, left);

		if (leaf_taken(pt, g, level))
			return -V3_EEXIST;
		g += LEVEL_SIZE(level);
		h += LEVEL_SIZE(level);
		left -= LEVEL_SIZE(level);
	}
	while (size) {
		unsigned int level = leaf_level(pt, gpa, hpa, size);
		int rc = map_one(pt, gpa, hpa, level, perms);

		if (rc)
			return rc;
		gpa += LEVEL_SIZE(level);
		hpa += LEVEL_SIZE(level);
		size -= LEVEL_SIZE(level);
	}
	return 0;
}

int v3_nested_map_vm(struct v3_nested_pt *pt, const struct v3_vm *vm)
{
	const struct v3_range_table *t = &vm->mem.regions;

	for (size_t i = 0; i < t->count; i++) {
		const struct v3_mem_region *r = t->ranges[i].priv;
		int rc;

		if (r->kind == V3_REGION_MMIO)
			continue;
		rc = v3_nested_map(pt, r->start, r->hpa, r->end - r->start,
				   r->kind == V3_REGION_ROM ? V3_NPT_READ | V3_NPT_EXEC : V3_NPT_RWX);
		if (rc)
			return rc;
	}
	return 0;
}

int v3_nested_lookup(const struct v3_nested_pt *pt, u64 gpa, u64 *hpa, unsigned int *level,
		     u64 *entry)
{
	const struct v3_nested_fmt *f = pt->fmt;
	const u64 *table = table_va(pt->root_pa);

	for (unsigned int l = 4; l >= 1; l--) {
		u64 e = table[index_at(gpa, l)];

		if (!f->present(e))
			return -V3_ENOENT;
		if (l == 1 || f->is_leaf(e, l)) {
			u64 base = e & f->addr_mask & ~(LEVEL_SIZE(l) - 1);

			*hpa = base + (gpa & (LEVEL_SIZE(l) - 1));
			*level = l;
			if (entry)
				*entry = e;
			return 0;
		}
		table = table_va(e & f->addr_mask);
	}
	return -V3_ENOENT;
}
