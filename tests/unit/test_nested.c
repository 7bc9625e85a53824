/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the nested page-table builder (palacios/src/paging/nested.c), instantiated
 * with two entry formats written here:
 *  - NPT-like (AMD APM vol. 2 §15.25, the long-mode entry format of §5.4): P, W, U in bits 0-2,
 *    PS (bit 7) in 2 MiB / 1 GiB leaves, NX (bit 63) when not executable;
 *  - EPT-like (Intel SDM vol. 3C §29.3.2): R, W, X in bits 0-2, memory type in bits 3-5 of
 *    leaves (6, write-back), bit 7 in 2 MiB / 1 GiB leaves.
 *
 * The tables are checked twice: through v3_nested_lookup() and by a walk and a leaf enumeration
 * written here that read the raw entries, so a bug shared by the builder and its lookup cannot
 * hide. The fake host's physical addresses are host pointers, so table pages are read directly.
 * A counting host around the fake one checks that every page and allocation is given back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <v3/errno.h>

#include "fake_host.h"
#include "host_ops.h"
#include "mem.h"
#include "paging/nested.h"
#include "vm.h"

#define KIB (1UL << 10)
#define MIB (1UL << 20)
#define GIB (1UL << 30)
#define TIB (1UL << 40)
#define LEVEL_SHIFT(l) (12 + 9 * ((l) - 1))
#define LEVEL_SIZE(l) (1UL << LEVEL_SHIFT(l))
#define ADDR_MASK 0x000ffffffffff000UL
#define BIT7 (1UL << 7)

/* ---- the two entry formats ---------------------------------------------------- */

#define NPT_P (1UL << 0)
#define NPT_W (1UL << 1)
#define NPT_U (1UL << 2)
#define NPT_PS BIT7
#define NPT_NX (1UL << 63)

static u64 npt_table_entry(u64 pa)
{
	return pa | NPT_P | NPT_W | NPT_U;
}

static u64 npt_leaf_entry(u64 hpa, unsigned int level, u32 perms)
{
	u64 e = hpa | NPT_P | NPT_U;

	if (perms & V3_NPT_WRITE)
		e |= NPT_W;
	if (level > 1)
		e |= NPT_PS;
	if (!(perms & V3_NPT_EXEC))
		e |= NPT_NX;
	return e;
}

static bool npt_present(u64 e)
{
	return e & NPT_P;
}

static bool npt_is_leaf(u64 e, unsigned int level)
{
	return level == 1 || (e & NPT_PS);
}

#define EPT_R (1UL << 0)
#define EPT_W (1UL << 1)
#define EPT_X (1UL << 2)
#define EPT_MT_SHIFT 3
#define EPT_MT_WB 6UL
#define EPT_LARGE BIT7

static u64 ept_table_entry(u64 pa)
{
	return pa | EPT_R | EPT_W | EPT_X;
}

static u64 ept_leaf_entry(u64 hpa, unsigned int level, u32 perms)
{
	u64 e = hpa | (EPT_MT_WB << EPT_MT_SHIFT);

	if (perms & V3_NPT_READ)
		e |= EPT_R;
	if (perms & V3_NPT_WRITE)
		e |= EPT_W;
	if (perms & V3_NPT_EXEC)
		e |= EPT_X;
	if (level > 1)
		e |= EPT_LARGE;
	return e;
}

static bool ept_present(u64 e)
{
	return e & (EPT_R | EPT_W | EPT_X);
}

static bool ept_is_leaf(u64 e, unsigned int level)
{
	return level == 1 || (e & EPT_LARGE);
}

static const struct v3_nested_fmt npt_1g = {
	.name = "NPT-1G", .table_entry = npt_table_entry, .leaf_entry = npt_leaf_entry,
	.present = npt_present, .is_leaf = npt_is_leaf, .addr_mask = ADDR_MASK, .gb_pages = true,
};
static const struct v3_nested_fmt npt_2m = {
	.name = "NPT-2M", .table_entry = npt_table_entry, .leaf_entry = npt_leaf_entry,
	.present = npt_present, .is_leaf = npt_is_leaf, .addr_mask = ADDR_MASK, .gb_pages = false,
};
static const struct v3_nested_fmt ept = {
	.name = "EPT", .table_entry = ept_table_entry, .leaf_entry = ept_leaf_entry,
	.present = ept_present, .is_leaf = ept_is_leaf, .addr_mask = ADDR_MASK, .gb_pages = true,
};

/* EPT on a CPU without 2 MiB pages (nor 1 GiB ones). */
static const struct v3_nested_fmt ept_4k = {
	.name = "EPT-4K", .table_entry = ept_table_entry, .leaf_entry = ept_leaf_entry,
	.present = ept_present, .is_leaf = ept_is_leaf, .addr_mask = ADDR_MASK, .gb_pages = false,
	.no_2m_pages = true,
};

static const struct v3_nested_fmt *const all_fmts[] = { &npt_1g, &npt_2m, &ept, &ept_4k };

static bool is_ept(const struct v3_nested_pt *pt)
{
	return pt->fmt == &ept || pt->fmt == &ept_4k;
}

/* The largest leaf the format allows. */
static unsigned int max_level(const struct v3_nested_pt *pt)
{
	return pt->fmt->gb_pages ? 3 : pt->fmt->no_2m_pages ? 1 : 2;
}

/* ---- a counting host ------------------------------------------------------------ */

static struct v3_host_ops counting_ops;
static long live_pages, live_mallocs;

static u64 counting_alloc_pages(u64 npages, u64 align, int node)
{
	u64 pa = fake_host_ops.alloc_pages(npages, align, node);

	if (pa) {
		live_pages++;
		/* The builder must zero its tables itself: hand out garbage. */
		memset((void *)(uintptr_t)pa, 0xa5, npages * V3_PAGE_SIZE);
	}
	return pa;
}

static void counting_free_pages(u64 pa, u64 npages)
{
	live_pages--;
	fake_host_ops.free_pages(pa, npages);
}

static void *counting_malloc(size_t size)
{
	void *p = fake_host_ops.malloc(size);

	if (p)
		live_mallocs++;
	return p;
}

static void counting_free(void *p)
{
	if (p)
		live_mallocs--;
	fake_host_ops.free(p);
}

static int setup(void **state)
{
	(void)state;
	fake_host_install();
	counting_ops = fake_host_ops;
	counting_ops.alloc_pages = counting_alloc_pages;
	counting_ops.free_pages = counting_free_pages;
	counting_ops.malloc = counting_malloc;
	counting_ops.free = counting_free;
	v3_host = &counting_ops;
	live_pages = live_mallocs = 0;
	return 0;
}

static void assert_nothing_live(void)
{
	assert_int_equal(live_pages, 0);
	assert_int_equal(live_mallocs, 0);
}

static void free_pt(struct v3_nested_pt *pt)
{
	v3_nested_free(pt);
	assert_null(pt->pages);
	assert_int_equal(pt->npages, 0);
	assert_int_equal(pt->root_pa, 0);
	assert_nothing_live();
}

/* ---- reading the raw tables ------------------------------------------------------ */

static const u64 *table(u64 pa)
{
	return (const u64 *)(uintptr_t)pa;
}

static bool raw_present(const struct v3_nested_pt *pt, u64 e)
{
	return is_ept(pt) ? (e & (EPT_R | EPT_W | EPT_X)) : (e & NPT_P);
}

/* A non-leaf entry grants everything: permissions are decided by the leaves. */
static void check_table_entry(const struct v3_nested_pt *pt, u64 e)
{
	u64 flags = e & ~ADDR_MASK;

	if (is_ept(pt))
		assert_int_equal(flags, EPT_R | EPT_W | EPT_X);
	else
		assert_int_equal(flags, NPT_P | NPT_W | NPT_U);
}

/* The walk the hardware does, written without the builder's code. */
static int raw_walk(const struct v3_nested_pt *pt, u64 gpa, u64 *hpa, unsigned int *level,
		    u64 *entry)
{
	u64 pa = pt->root_pa;

	for (unsigned int l = 4; l >= 1; l--) {
		u64 e = table(pa)[(gpa >> LEVEL_SHIFT(l)) & 511];

		if (!raw_present(pt, e))
			return -V3_ENOENT;
		if (l == 1 || (l <= 3 && (e & BIT7))) {
			/* No address bits below a large leaf's size (NPT bit 12 is PAT). */
			assert_int_equal(e & ADDR_MASK & (LEVEL_SIZE(l) - 1), 0);
			*hpa = (e & ADDR_MASK) + (gpa & (LEVEL_SIZE(l) - 1));
			*level = l;
			*entry = e;
			return 0;
		}
		check_table_entry(pt, e);
		pa = e & ADDR_MASK;
	}
	return -V3_ENOENT;
}

struct leaf {
	u64 gpa, hpa, entry;
	unsigned int level;
};

struct leaves {
	struct leaf *v;
	size_t n, cap;
	unsigned int tables;  /* table pages reachable from the root, the root included */
};

static void visit(const struct v3_nested_pt *pt, u64 pa, unsigned int level, u64 base,
		  struct leaves *out)
{
	out->tables++;
	for (unsigned int i = 0; i < 512; i++) {
		u64 e = table(pa)[i];
		u64 gpa = base + (u64)i * LEVEL_SIZE(level);

		if (!raw_present(pt, e)) {
			assert_int_equal(e, 0);  /* nothing half-written */
			continue;
		}
		if (level == 1 || (level <= 3 && (e & BIT7))) {
			assert_true(level <= max_level(pt) || level == 1);
			if (out->n == out->cap) {
				out->cap = out->cap ? out->cap * 2 : 1024;
				out->v = realloc(out->v, out->cap * sizeof(*out->v));
				assert_non_null(out->v);
			}
			out->v[out->n++] = (struct leaf){
				.gpa = gpa, .hpa = e & ADDR_MASK, .entry = e, .level = level,
			};
		} else {
			assert_true(level > 1);
			check_table_entry(pt, e);
			visit(pt, e & ADDR_MASK, level - 1, gpa, out);
		}
	}
}

/* Every leaf of the tree, in GPA order. */
static struct leaves all_leaves(const struct v3_nested_pt *pt)
{
	struct leaves l = { 0 };

	visit(pt, pt->root_pa, 4, 0, &l);
	return l;
}

/* The permission bits a leaf must carry for perms, decoded without the format's code. */
static void check_perms(const struct v3_nested_pt *pt, u64 e, unsigned int level, u32 perms)
{
	if (is_ept(pt)) {
		assert_int_equal(e & (EPT_R | EPT_W | EPT_X), perms & V3_NPT_RWX);
		assert_int_equal((e >> EPT_MT_SHIFT) & 7, EPT_MT_WB);
		assert_int_equal(!!(e & EPT_LARGE), level > 1);
	} else {
		assert_true(e & NPT_P);
		assert_true(e & NPT_U);
		assert_int_equal(!!(e & NPT_W), !!(perms & V3_NPT_WRITE));
		assert_int_equal(!!(e & NPT_NX), !(perms & V3_NPT_EXEC));
		assert_int_equal(!!(e & NPT_PS), level > 1);
	}
}

/* ---- the model --------------------------------------------------------------------- */

struct region {
	u64 gpa, hpa, size;
	u32 perms;
};

static const struct region *model_find(const struct region *r, size_t n, u64 gpa)
{
	for (size_t i = 0; i < n; i++)
		if (gpa >= r[i].gpa && gpa - r[i].gpa < r[i].size)
			return &r[i];
	return NULL;
}

/* v3_nested_lookup() and the raw walk agree with the model at gpa. */
static void check_gpa(const struct v3_nested_pt *pt, const struct region *r, size_t n, u64 gpa)
{
	const struct region *m = model_find(r, n, gpa);
	u64 hpa = 0, raw_hpa = 0, entry = 0, raw_entry = 0;
	unsigned int level = 0, raw_level = 0;
	int rc = v3_nested_lookup(pt, gpa, &hpa, &level, &entry);
	int raw_rc = raw_walk(pt, gpa, &raw_hpa, &raw_level, &raw_entry);

	if (!m) {
		assert_int_equal(rc, -V3_ENOENT);
		assert_int_equal(raw_rc, -V3_ENOENT);
		return;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(raw_rc, 0);
	assert_int_equal(hpa, m->hpa + (gpa - m->gpa));
	assert_int_equal(raw_hpa, hpa);
	assert_int_equal(raw_level, level);
	assert_int_equal(raw_entry, entry);
	check_perms(pt, entry, level, m->perms);
}

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u64 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/*
 * The tables hold exactly the model: every leaf lies inside one region with the
 * right HPA and permissions and is the largest page the alignment of gpa and
 * hpa and the rest of the region allow; the leaves add up to the regions; the
 * byte counters match; no table page is unreachable. Lookups are checked at
 * every region's edges, just outside them, and at every page of small regions
 * (samples of large ones).
 */
static void check_model(const struct v3_nested_pt *pt, const struct region *r, size_t n)
{
	struct leaves l = all_leaves(pt);
	u64 by_level[4] = { 0 }, total = 0;

	for (size_t i = 0; i < l.n; i++) {
		const struct leaf *lf = &l.v[i];
		u64 size = LEVEL_SIZE(lf->level);
		const struct region *m = model_find(r, n, lf->gpa);

		assert_non_null(m);
		assert_true(lf->gpa + size - m->gpa <= m->size);
		assert_int_equal(lf->hpa, m->hpa + (lf->gpa - m->gpa));
		check_perms(pt, lf->entry, lf->level, m->perms);
		/* The largest page that fits: the next size up would not. */
		if (lf->level < max_level(pt)) {
			u64 next = LEVEL_SIZE(lf->level + 1);

			assert_false(V3_IS_ALIGNED(lf->gpa | lf->hpa, next) &&
				     m->gpa + m->size - lf->gpa >= next);
		}
		by_level[lf->level - 1] += size;
	}
	for (size_t i = 0; i < n; i++)
		total += r[i].size;
	assert_int_equal(by_level[0] + by_level[1] + by_level[2], total);
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(pt->mapped[i], by_level[i]);
	assert_int_equal(l.tables, pt->npages);

	for (size_t i = 0; i < n; i++) {
		const struct region *m = &r[i];

		check_gpa(pt, r, n, m->gpa);
		check_gpa(pt, r, n, m->gpa + m->size - 1);
		check_gpa(pt, r, n, m->gpa + m->size);
		if (m->gpa)
			check_gpa(pt, r, n, m->gpa - 1);
		/* Every leaf was checked above; lookups need only sample large regions. */
		if (m->size <= 4 * MIB) {
			for (u64 off = 0; off < m->size; off += V3_PAGE_SIZE)
				check_gpa(pt, r, n, m->gpa + off + (rng() & (V3_PAGE_SIZE - 1)));
		} else {
			for (unsigned int k = 0; k < 256; k++)
				check_gpa(pt, r, n, m->gpa + rng() % m->size);
		}
	}
	free(l.v);
}

/* A run of count leaves of one level, starting at gpa. */
struct run {
	u64 gpa;
	unsigned int level;
	unsigned int count;
};

static void expect_leaves(const struct v3_nested_pt *pt, const struct run *runs, size_t nruns)
{
	struct leaves l = all_leaves(pt);
	size_t k = 0;

	for (size_t i = 0; i < nruns; i++) {
		for (unsigned int j = 0; j < runs[i].count; j++, k++) {
			assert_true(k < l.n);
			assert_int_equal(l.v[k].level, runs[i].level);
			assert_int_equal(l.v[k].gpa, runs[i].gpa + j * LEVEL_SIZE(runs[i].level));
		}
	}
	assert_int_equal(k, l.n);
	free(l.v);
}

/* A copy of every table page, to show a refused map changed nothing. */
struct snapshot {
	unsigned int npages;
	u64 mapped[4];
	u64 root_pa;
	u64 *pages;
	u8 *data;
};

static struct snapshot take_snapshot(const struct v3_nested_pt *pt)
{
	struct snapshot s = { .npages = pt->npages, .root_pa = pt->root_pa };

	memcpy(s.mapped, pt->mapped, sizeof(s.mapped));
	s.pages = malloc(pt->npages * sizeof(u64));
	s.data = malloc((size_t)pt->npages * V3_PAGE_SIZE);
	assert_non_null(s.pages);
	assert_non_null(s.data);
	memcpy(s.pages, pt->pages, pt->npages * sizeof(u64));
	for (unsigned int i = 0; i < pt->npages; i++)
		memcpy(s.data + (size_t)i * V3_PAGE_SIZE, table(pt->pages[i]), V3_PAGE_SIZE);
	return s;
}

static void assert_unchanged(const struct v3_nested_pt *pt, struct snapshot *s)
{
	assert_int_equal(pt->npages, s->npages);
	assert_int_equal(pt->root_pa, s->root_pa);
	assert_memory_equal(pt->mapped, s->mapped, sizeof(s->mapped));
	assert_memory_equal(pt->pages, s->pages, s->npages * sizeof(u64));
	for (unsigned int i = 0; i < s->npages; i++)
		assert_memory_equal(table(pt->pages[i]), s->data + (size_t)i * V3_PAGE_SIZE,
				    V3_PAGE_SIZE);
	free(s->pages);
	free(s->data);
}

/* Maps r and adds it to the model. */
static void map_ok(struct v3_nested_pt *pt, struct region *model, size_t *n, struct region r)
{
	assert_int_equal(v3_nested_map(pt, r.gpa, r.hpa, r.size, r.perms), 0);
	model[(*n)++] = r;
}

static void map_refused(struct v3_nested_pt *pt, struct region r, int err)
{
	struct snapshot s = take_snapshot(pt);

	assert_int_equal(v3_nested_map(pt, r.gpa, r.hpa, r.size, r.perms), err);
	assert_unchanged(pt, &s);
}

static void init_pt(struct v3_nested_pt *pt, const struct v3_nested_fmt *fmt)
{
	assert_int_equal(v3_nested_init(pt, fmt), 0);
	assert_ptr_equal(pt->fmt, fmt);
}

/* ---- tests --------------------------------------------------------------------- */

static void test_init_is_one_empty_table(void **state)
{
	(void)state;
	for (size_t f = 0; f < V3_ARRAY_SIZE(all_fmts); f++) {
		struct v3_nested_pt pt;
		u64 hpa;
		unsigned int level;
		static const u8 zero[V3_PAGE_SIZE];

		init_pt(&pt, all_fmts[f]);
		assert_int_equal(pt.npages, 1);
		assert_int_equal(pt.pages[0], pt.root_pa);
		assert_memory_equal(table(pt.root_pa), zero, V3_PAGE_SIZE);
		for (unsigned int i = 0; i < 4; i++)
			assert_int_equal(pt.mapped[i], 0);
		assert_int_equal(v3_nested_lookup(&pt, 0, &hpa, &level, NULL), -V3_ENOENT);
		assert_int_equal(v3_nested_lookup(&pt, 0x123456789000UL, &hpa, &level, NULL),
				 -V3_ENOENT);
		check_model(&pt, NULL, 0);
		free_pt(&pt);
	}
}

static void test_1g_leaf_when_both_aligned_and_gb_pages(void **state)
{
	const struct v3_nested_fmt *fmts[] = { &npt_1g, &ept };

	(void)state;
	for (size_t f = 0; f < V3_ARRAY_SIZE(fmts); f++) {
		struct v3_nested_pt pt;
		struct region model[1];
		size_t n = 0;
		const struct run runs[] = { { 1 * GIB, 3, 1 } };

		init_pt(&pt, fmts[f]);
		map_ok(&pt, model, &n, (struct region){ 1 * GIB, 3 * GIB, 1 * GIB, V3_NPT_RWX });
		expect_leaves(&pt, runs, 1);
		assert_int_equal(pt.mapped[2], 1 * GIB);
		/* Root, one PDPT, nothing below a 1 GiB leaf. */
		assert_int_equal(pt.npages, 2);
		check_model(&pt, model, n);
		free_pt(&pt);
	}
}

static void test_2m_leaves_without_gb_pages(void **state)
{
	struct v3_nested_pt pt;
	struct region model[1];
	size_t n = 0;
	const struct run runs[] = { { 1 * GIB, 2, 512 } };

	(void)state;
	init_pt(&pt, &npt_2m);
	map_ok(&pt, model, &n, (struct region){ 1 * GIB, 3 * GIB, 1 * GIB, V3_NPT_RWX });
	expect_leaves(&pt, runs, 1);
	assert_int_equal(pt.mapped[1], 1 * GIB);
	assert_int_equal(pt.mapped[2], 0);
	assert_int_equal(pt.npages, 3);
	check_model(&pt, model, n);
	free_pt(&pt);
}

/* A 1 GiB leaf needs gpa and hpa 1 GiB aligned and a whole 1 GiB left. */
static void test_1g_needs_alignment_of_both_and_size(void **state)
{
	struct v3_nested_pt pt;
	struct region model[3];
	size_t n = 0;
	const struct run runs[] = {
		{ 0, 2, 511 },                  /* 1 GiB aligned but 2 MiB short */
		{ 1 * GIB, 2, 512 },            /* hpa only 2 MiB aligned */
		{ 2 * GIB + 2 * MIB, 2, 512 },  /* gpa only 2 MiB aligned */
	};

	(void)state;
	init_pt(&pt, &npt_1g);
	map_ok(&pt, model, &n, (struct region){ 0, 4 * GIB, 1 * GIB - 2 * MIB, V3_NPT_RWX });
	map_ok(&pt, model, &n, (struct region){ 1 * GIB, 5 * GIB + 2 * MIB, 1 * GIB, V3_NPT_RWX });
	map_ok(&pt, model, &n,
	       (struct region){ 2 * GIB + 2 * MIB, 8 * GIB + 2 * MIB, 1 * GIB, V3_NPT_RWX });
	expect_leaves(&pt, runs, V3_ARRAY_SIZE(runs));
	assert_int_equal(pt.mapped[2], 0);
	check_model(&pt, model, n);
	free_pt(&pt);
}

static void test_2m_leaf_when_2m_aligned(void **state)
{
	for (size_t f = 0; f < V3_ARRAY_SIZE(all_fmts); f++) {
		struct v3_nested_pt pt;
		struct region model[1];
		size_t n = 0;
		const struct run runs[] = { { 2 * MIB, 2, 2 } };

		(void)state;
		if (all_fmts[f]->no_2m_pages)
			continue;
		init_pt(&pt, all_fmts[f]);
		map_ok(&pt, model, &n, (struct region){ 2 * MIB, 6 * MIB, 4 * MIB, V3_NPT_RWX });
		expect_leaves(&pt, runs, 1);
		assert_int_equal(pt.mapped[1], 4 * MIB);
		check_model(&pt, model, n);
		free_pt(&pt);
	}
}

/* gpa 2 MiB aligned but hpa only 4 KiB: nothing but 4 KiB leaves. */
static void test_4k_leaves_when_hpa_misaligned(void **state)
{
	for (size_t f = 0; f < V3_ARRAY_SIZE(all_fmts); f++) {
		struct v3_nested_pt pt;
		struct region model[1];
		size_t n = 0;
		const struct run runs[] = { { 2 * MIB, 1, 1024 } };

		(void)state;
		init_pt(&pt, all_fmts[f]);
		map_ok(&pt, model, &n,
		       (struct region){ 2 * MIB, 6 * MIB + 4 * KIB, 4 * MIB, V3_NPT_RWX });
		expect_leaves(&pt, runs, 1);
		assert_int_equal(pt.mapped[0], 4 * MIB);
		assert_int_equal(pt.mapped[1], 0);
		check_model(&pt, model, n);
		free_pt(&pt);
	}
}

/* 4 KiB past a 2 MiB boundary: 4K leaves up to the next boundary, then 2M, then the tail. */
static void test_4k_up_to_2m_boundary_then_2m(void **state)
{
	for (size_t f = 0; f < V3_ARRAY_SIZE(all_fmts); f++) {
		struct v3_nested_pt pt;
		struct region model[1];
		size_t n = 0;
		const struct run runs[] = { { 2 * MIB + 4 * KIB, 1, 511 }, { 4 * MIB, 2, 1 },
					    { 6 * MIB, 1, 1 } };

		(void)state;
		if (all_fmts[f]->no_2m_pages)
			continue;
		init_pt(&pt, all_fmts[f]);
		map_ok(&pt, model, &n,
		       (struct region){ 2 * MIB + 4 * KIB, 10 * MIB + 4 * KIB, 4 * MIB,
					V3_NPT_RWX });
		expect_leaves(&pt, runs, V3_ARRAY_SIZE(runs));
		assert_int_equal(pt.mapped[0], 2 * MIB);
		assert_int_equal(pt.mapped[1], 2 * MIB);
		check_model(&pt, model, n);
		free_pt(&pt);
	}
}

/* All three sizes in one region: 4K, 2M, 1G, 2M, 4K. */
static void test_4k_2m_1g_2m_4k(void **state)
{
	const u64 gpa = 1 * GIB - 2 * MIB - 4 * KIB;
	const u64 size = 4 * KIB + 2 * MIB + 1 * GIB + 2 * MIB + 4 * KIB;
	const struct run with_1g[] = {
		{ gpa, 1, 1 }, { 1 * GIB - 2 * MIB, 2, 1 }, { 1 * GIB, 3, 1 },
		{ 2 * GIB, 2, 1 }, { 2 * GIB + 2 * MIB, 1, 1 },
	};
	const struct run without_1g[] = {
		{ gpa, 1, 1 }, { 1 * GIB - 2 * MIB, 2, 1 + 512 + 1 }, { 2 * GIB + 2 * MIB, 1, 1 },
	};

	(void)state;
	for (size_t f = 0; f < V3_ARRAY_SIZE(all_fmts); f++) {
		struct v3_nested_pt pt;
		struct region model[1];
		size_t n = 0;

		if (all_fmts[f]->no_2m_pages)
			continue;
		init_pt(&pt, all_fmts[f]);
		map_ok(&pt, model, &n, (struct region){ gpa, 7 * GIB + gpa, size, V3_NPT_RWX });
		if (all_fmts[f]->gb_pages)
			expect_leaves(&pt, with_1g, V3_ARRAY_SIZE(with_1g));
		else
			expect_leaves(&pt, without_1g, V3_ARRAY_SIZE(without_1g));
		assert_int_equal(pt.mapped[0], 8 * KIB);
		assert_int_equal(pt.mapped[0] + pt.mapped[1] + pt.mapped[2], size);
		check_model(&pt, model, n);
		free_pt(&pt);
	}
}

/* Without 2 MiB pages in the format, everything is 4 KiB leaves. */
static void test_4k_only_without_2m_pages(void **state)
{
	struct v3_nested_pt pt;
	struct region model[2];
	size_t n = 0;
	const struct run runs[] = { { 2 * MIB, 1, 1024 }, { 1 * GIB, 1, 512 * 512 } };

	(void)state;
	init_pt(&pt, &ept_4k);
	map_ok(&pt, model, &n, (struct region){ 2 * MIB, 2 * MIB, 4 * MIB, V3_NPT_RWX });
	map_ok(&pt, model, &n, (struct region){ 1 * GIB, 1 * GIB, 1 * GIB, V3_NPT_RWX });
	expect_leaves(&pt, runs, V3_ARRAY_SIZE(runs));
	assert_int_equal(pt.mapped[0], 1 * GIB + 4 * MIB);
	check_model(&pt, model, n);
	free_pt(&pt);
}

/* High addresses use every index bit of every level (bits 12-47). */
static void test_high_addresses(void **state)
{
	for (size_t f = 0; f < V3_ARRAY_SIZE(all_fmts); f++) {
		struct v3_nested_pt pt;
		struct region model[3];
		size_t n = 0;

		(void)state;
		init_pt(&pt, all_fmts[f]);
		map_ok(&pt, model, &n,
		       (struct region){ 0xfffffffff000UL, 0xffffffffff000UL, 4 * KIB, V3_NPT_RWX });
		map_ok(&pt, model, &n,
		       (struct region){ 0x7fc0000000UL, 0xabc0000000UL, 1 * GIB + 4 * KIB,
					V3_NPT_READ | V3_NPT_EXEC });
		map_ok(&pt, model, &n,
		       (struct region){ 0x8000001ff000UL, 0x1ff000UL, 8 * KIB, V3_NPT_READ });
		check_model(&pt, model, n);
		free_pt(&pt);
	}
}

/* RAM (RWX), ROM (read + execute), read-only data, at each page size, in both formats. */
static void test_permissions_encoded(void **state)
{
	static const u32 perms[] = { V3_NPT_RWX, V3_NPT_READ | V3_NPT_EXEC, V3_NPT_READ,
				     V3_NPT_READ | V3_NPT_WRITE };

	(void)state;
	for (size_t f = 0; f < V3_ARRAY_SIZE(all_fmts); f++) {
		struct v3_nested_pt pt;
		struct region model[3 * V3_ARRAY_SIZE(perms)];
		size_t n = 0;

		init_pt(&pt, all_fmts[f]);
		for (size_t p = 0; p < V3_ARRAY_SIZE(perms); p++) {
			u64 base = (p + 1) * 4 * GIB;

			map_ok(&pt, model, &n, (struct region){ base, base, 4 * KIB, perms[p] });
			map_ok(&pt, model, &n,
			       (struct region){ base + 2 * MIB, base + 2 * MIB, 2 * MIB,
						perms[p] });
			map_ok(&pt, model, &n,
			       (struct region){ base + 1 * GIB, base + 1 * GIB, 1 * GIB,
						perms[p] });
		}
		check_model(&pt, model, n);
		free_pt(&pt);
	}
	/* The exact ROM entries, spelled out. */
	{
		struct v3_nested_pt pt;
		u64 hpa, e;
		unsigned int level;

		init_pt(&pt, &npt_1g);
		assert_int_equal(v3_nested_map(&pt, 0xf0000, 0x7000, 4 * KIB,
					       V3_NPT_READ | V3_NPT_EXEC), 0);
		assert_int_equal(v3_nested_lookup(&pt, 0xf0123, &hpa, &level, &e), 0);
		assert_int_equal(hpa, 0x7123);
		assert_int_equal(level, 1);
		assert_int_equal(e, 0x7000 | NPT_P | NPT_U);
		free_pt(&pt);

		init_pt(&pt, &ept);
		assert_int_equal(v3_nested_map(&pt, 2 * MIB, 4 * MIB, 2 * MIB,
					       V3_NPT_READ | V3_NPT_EXEC), 0);
		assert_int_equal(v3_nested_lookup(&pt, 3 * MIB, &hpa, &level, &e), 0);
		assert_int_equal(hpa, 5 * MIB);
		assert_int_equal(level, 2);
		assert_int_equal(e, 4 * MIB | EPT_R | EPT_X | (6 << 3) | EPT_LARGE);
		free_pt(&pt);
	}
}

static void test_lookup_entry_is_optional(void **state)
{
	struct v3_nested_pt pt;
	u64 hpa;
	unsigned int level;

	(void)state;
	init_pt(&pt, &npt_1g);
	assert_int_equal(v3_nested_map(&pt, 4 * MIB, 8 * MIB, 2 * MIB, V3_NPT_RWX), 0);
	assert_int_equal(v3_nested_lookup(&pt, 5 * MIB + 7, &hpa, &level, NULL), 0);
	assert_int_equal(hpa, 9 * MIB + 7);
	assert_int_equal(level, 2);
	free_pt(&pt);
}

/* v3_nested_map_vm: RAM read/write/execute, ROM read/execute, MMIO not mapped. */
static void test_map_vm(void **state)
{
	struct v3_vm *vm = calloc(1, sizeof(*vm));
	struct v3_mem_region *rom = v3_malloc(sizeof(*rom));
	u64 rom_page = v3_host->alloc_pages(16, V3_PAGE_SIZE, V3_NUMA_ANY);
	struct v3_nested_pt pt;
	struct region model[2];
	size_t n = 0;

	(void)state;
	assert_non_null(vm);
	assert_non_null(rom);
	strcpy(vm->name, "nested");
	vm->cfg.mem_size = 6 * MIB;
	vm->cfg.mem_align = 2 * MIB;
	assert_int_equal(v3_mem_init(vm), 0);
	assert_int_equal(vm->mem.nblocks, 1);
	*rom = (struct v3_mem_region){ .start = 0xfff00000, .end = 0xfff10000,
				       .kind = V3_REGION_ROM, .hpa = rom_page };
	assert_int_equal(v3_range_table_insert(&vm->mem.regions, rom->start, rom->end, rom), 0);
	assert_int_equal(v3_hook_mmio(vm, 0xfee00000, 0xfee01000, NULL, NULL, NULL), 0);

	for (size_t f = 0; f < V3_ARRAY_SIZE(all_fmts); f++) {
		n = 0;
		init_pt(&pt, all_fmts[f]);
		assert_int_equal(v3_nested_map_vm(&pt, vm), 0);
		model[n++] = (struct region){ 0, vm->mem.blocks[0].hpa, 6 * MIB, V3_NPT_RWX };
		model[n++] = (struct region){ 0xfff00000, rom_page, 0x10000,
					      V3_NPT_READ | V3_NPT_EXEC };
		check_model(&pt, model, n);
		check_gpa(&pt, model, n, 0xfee00000);
		v3_nested_free(&pt);
	}
	v3_mem_deinit(vm);
	v3_host->free_pages(rom_page, 16);
	free(vm);
	assert_nothing_live();
}

/* A map that overlaps anything already mapped is refused, and nothing changes. */
static void test_overlap_refused_tables_unchanged(void **state)
{
	(void)state;
	for (size_t f = 0; f < V3_ARRAY_SIZE(all_fmts); f++) {
		struct v3_nested_pt pt;
		struct region model[8];
		size_t n = 0;
		const bool gb = all_fmts[f]->gb_pages;
		/* Each refused map, against the mappings made first below. */
		const struct region refused[] = {
			{ 4 * MIB, 4 * MIB, 2 * MIB, V3_NPT_RWX },           /* the same 2M leaf */
			{ 5 * MIB, 9 * MIB, 4 * KIB, V3_NPT_RWX },           /* a 4K inside it */
			{ 6 * MIB - 4 * KIB, 0, 8 * KIB, V3_NPT_RWX },       /* its last page */
			{ 2 * MIB, 2 * MIB, 4 * MIB, V3_NPT_RWX },           /* 2M free, then it */
			{ 1 * MIB, 1 * MIB, 4 * MIB, V3_NPT_RWX },           /* 4Ks free, then it */
			{ 8 * MIB, 8 * MIB, 2 * MIB, V3_NPT_RWX },           /* 2M over 4K leaves */
			{ 8 * MIB + 8 * KIB, 0, 4 * KIB, V3_NPT_RWX },       /* the same 4K */
			{ 1 * GIB + 4 * KIB, 0, 4 * KIB, V3_NPT_RWX },       /* 4K inside a 1G */
			{ 1 * GIB + 2 * MIB, 2 * MIB, 2 * MIB, V3_NPT_RWX }, /* 2M inside a 1G */
			{ 1 * GIB - 2 * MIB, 0, 1 * GIB, V3_NPT_RWX },       /* up to a 1G */
			{ 2 * GIB, 2 * GIB, 1 * GIB, V3_NPT_RWX },           /* 1G over 2M leaves */
			{ 3 * GIB - 4 * KIB, 0, 8 * KIB, V3_NPT_RWX },       /* across their end */
		};

		init_pt(&pt, all_fmts[f]);
		map_ok(&pt, model, &n, (struct region){ 4 * MIB, 4 * MIB, 2 * MIB, V3_NPT_RWX });
		map_ok(&pt, model, &n,
		       (struct region){ 8 * MIB + 8 * KIB, 8 * KIB, 4 * KIB, V3_NPT_RWX });
		map_ok(&pt, model, &n, (struct region){ 1 * GIB, 1 * GIB, 1 * GIB, V3_NPT_RWX });
		map_ok(&pt, model, &n,
		       (struct region){ 2 * GIB, 2 * GIB + 2 * MIB, 1 * GIB, V3_NPT_RWX });
		assert_int_equal(pt.mapped[2], gb ? 1 * GIB : 0);
		for (size_t i = 0; i < V3_ARRAY_SIZE(refused); i++)
			map_refused(&pt, refused[i], -V3_EEXIST);
		check_model(&pt, model, n);
		/* Touching is not overlapping. */
		map_ok(&pt, model, &n, (struct region){ 6 * MIB, 0, 4 * KIB, V3_NPT_READ });
		map_ok(&pt, model, &n,
		       (struct region){ 4 * MIB - 4 * KIB, 4 * KIB, 4 * KIB, V3_NPT_READ });
		map_ok(&pt, model, &n,
		       (struct region){ 3 * GIB, 3 * GIB, 2 * MIB, V3_NPT_READ });
		check_model(&pt, model, n);
		free_pt(&pt);
	}
}

static void test_bad_arguments_refused(void **state)
{
	const struct region bad[] = {
		{ 0x800, 0x1000, 0x1000, V3_NPT_RWX },          /* gpa not page aligned */
		{ 0x1000, 0x1008, 0x1000, V3_NPT_RWX },         /* hpa */
		{ 0x1000, 0x1000, 0x1800, V3_NPT_RWX },         /* size */
		{ 1UL << 48, 0, 0x1000, V3_NPT_RWX },           /* beyond 4-level tables */
		{ (1UL << 48) - 0x1000, 0, 0x2000, V3_NPT_RWX },/* ends beyond them */
		{ ~0xfffUL, 0, 0x2000, V3_NPT_RWX },            /* wraps around */
		{ 0x1000, 1UL << 52, 0x1000, V3_NPT_RWX },      /* hpa beyond the address bits */
		{ 0x1000, (1UL << 52) - 0x1000, 0x2000, V3_NPT_RWX },
	};

	(void)state;
	for (size_t f = 0; f < V3_ARRAY_SIZE(all_fmts); f++) {
		struct v3_nested_pt pt;
		struct region model[1];
		size_t n = 0;

		init_pt(&pt, all_fmts[f]);
		map_ok(&pt, model, &n, (struct region){ 16 * MIB, 0, 2 * MIB, V3_NPT_RWX });
		for (size_t i = 0; i < V3_ARRAY_SIZE(bad); i++)
			map_refused(&pt, bad[i], -V3_EINVAL);
		/* An empty map is no error and maps nothing. */
		map_refused(&pt, (struct region){ 32 * MIB, 0, 0, V3_NPT_RWX }, 0);
		check_model(&pt, model, n);
		free_pt(&pt);
	}
}

/*
 * Regions that need many table pages (each in its own 512 GiB slot, so a PDPT,
 * a PD and a PT each) and grow the page list past its first capacities.
 */
#define SPREAD_STEP (4 * 512 * GIB)  /* between copies of the set: 4 root entries */

static const struct region spread[] = {
	{ 0x0000001000UL, 0x1000, 8 * KIB, V3_NPT_RWX },
	{ 0x8000200000UL, 0x200000, 4 * MIB, V3_NPT_RWX },
	{ 0x10040000000UL, 0x40000000, 1 * GIB, V3_NPT_RWX },
	{ 0x18000001000UL, 0x3000, 2 * MIB, V3_NPT_READ },
};

static int map_spread(struct v3_nested_pt *pt, unsigned int copies)
{
	for (unsigned int c = 0; c < copies; c++) {
		for (size_t i = 0; i < V3_ARRAY_SIZE(spread); i++) {
			const struct region *r = &spread[i];
			u64 off = (u64)c * SPREAD_STEP;
			int rc = v3_nested_map(pt, r->gpa + off, r->hpa + off, r->size, r->perms);

			if (rc)
				return rc;
		}
	}
	return 0;
}

/*
 * Make the n-th allocation fail, for every n until none does: init and map
 * report -V3_ENOMEM, and freeing afterwards gives everything back. Map calls
 * that succeeded before the failure still translate.
 */
static void test_enomem_at_every_allocation(void **state)
{
	(void)state;
	for (size_t f = 0; f < V3_ARRAY_SIZE(all_fmts); f++) {
		long n;

		/*
		 * Every failure point up to 64, then every 97th: the later ones are
		 * more of the same table allocations, and mapping a GiB in 4 KiB
		 * pages for each of hundreds of points would take minutes.
		 */
		for (n = 0;; n += n < 64 ? 1 : 97) {
			struct v3_nested_pt pt;
			int rc;

			fake_host_fail_alloc_after(n);
			rc = v3_nested_init(&pt, all_fmts[f]);
			if (rc) {
				assert_int_equal(rc, -V3_ENOMEM);
				/* A failed init leaves nothing to free, and free is still safe. */
				assert_int_equal(live_pages, 0);
				assert_int_equal(live_mallocs, 0);
				free_pt(&pt);
				continue;
			}
			rc = map_spread(&pt, 6);
			fake_host_fail_alloc_after(-1);
			if (!rc) {
				struct region model[6 * V3_ARRAY_SIZE(spread)];

				for (unsigned int i = 0; i < V3_ARRAY_SIZE(model); i++) {
					u64 off = (u64)(i / V3_ARRAY_SIZE(spread)) * SPREAD_STEP;

					model[i] = spread[i % V3_ARRAY_SIZE(spread)];
					model[i].gpa += off;
					model[i].hpa += off;
				}
				check_model(&pt, model, V3_ARRAY_SIZE(model));
				free_pt(&pt);
				break;
			}
			assert_int_equal(rc, -V3_ENOMEM);
			/* The first region went in before any later failure. */
			if (n > 10)
				check_gpa(&pt, spread, 1, 0x1000);
			free_pt(&pt);
		}
		/* The root and about 60 tables: the page list grew twice. */
		assert_true(n > 60);
	}
}

/*
 * Random non-overlapping regions with random page-aligned gpa and hpa, biased
 * so that all three page sizes occur, checked against the model; random
 * overlapping ones are refused without a trace.
 */
static u64 random_aligned(u64 limit)
{
	static const u64 aligns[] = { 4 * KIB, 2 * MIB, 1 * GIB };
	u64 a = aligns[rng() % 3];

	return V3_ALIGN_DOWN(rng() % limit, a);
}

static struct region random_region(void)
{
	static const u32 perms[] = { V3_NPT_RWX, V3_NPT_READ | V3_NPT_EXEC, V3_NPT_READ };
	struct region r;
	u64 gpa_space = (rng() & 1) ? 8 * GIB : 256 * TIB;

	r.gpa = random_aligned(gpa_space);
	switch (rng() % 4) {
	case 0:
		r.size = (1 + rng() % 16) * 4 * KIB;
		break;
	case 1:
		r.size = (1 + rng() % 8) * 2 * MIB + (rng() % 3) * 4 * KIB;
		break;
	case 2:
		r.size = 1 * GIB + (rng() % 4) * 2 * MIB + (rng() % 2) * 4 * KIB;
		break;
	default:
		r.size = (1 + rng() % 1024) * 4 * KIB;
		break;
	}
	if (r.gpa + r.size > 1UL << 48)
		r.gpa = (1UL << 48) - r.size;
	/* hpa: congruent with gpa modulo 1G, or 2M, or just page aligned. */
	r.hpa = V3_ALIGN_DOWN(rng() % (1UL << 50), 1 * GIB);
	switch (rng() % 3) {
	case 0:
		r.hpa += r.gpa & (1 * GIB - 1);
		break;
	case 1:
		r.hpa += r.gpa & (2 * MIB - 1);
		break;
	default:
		r.hpa += V3_ALIGN_DOWN(rng() % (1 * GIB), 4 * KIB);
		break;
	}
	r.perms = perms[rng() % 3];
	return r;
}

static bool overlaps(const struct region *model, size_t n, const struct region *r)
{
	for (size_t i = 0; i < n; i++)
		if (r->gpa < model[i].gpa + model[i].size && model[i].gpa < r->gpa + r->size)
			return true;
	return false;
}

static void test_random_against_model(void **state)
{
	u64 seen[3] = { 0 };
	unsigned int refused = 0;

	(void)state;
	for (unsigned int round = 0; round < 24; round++) {
		const struct v3_nested_fmt *fmt = all_fmts[round % V3_ARRAY_SIZE(all_fmts)];
		struct v3_nested_pt pt;
		struct region model[16];
		size_t n = 0;

		rng_state = 0x1234567890abcdefULL * (round + 1);
		init_pt(&pt, fmt);
		for (unsigned int tries = 0; tries < 40 && n < V3_ARRAY_SIZE(model); tries++) {
			struct region r = random_region();

			if (overlaps(model, n, &r)) {
				map_refused(&pt, r, -V3_EEXIST);
				refused++;
			} else {
				map_ok(&pt, model, &n, r);
			}
			/* Sometimes an overlap on purpose: a piece of a mapped region. */
			if (n && rng() % 4 == 0) {
				struct region o = model[rng() % n];
				u64 pages = o.size / V3_PAGE_SIZE;

				o.gpa += (rng() % pages) * V3_PAGE_SIZE;
				o.size = V3_PAGE_SIZE * (1 + rng() % 4);
				o.hpa = 0;
				map_refused(&pt, o, -V3_EEXIST);
				refused++;
			}
		}
		assert_true(n >= 4);
		check_model(&pt, model, n);
		for (unsigned int l = 0; l < 3; l++)
			seen[l] += pt.mapped[l];
		free_pt(&pt);
	}
	/* The generator did reach every page size and every kind of refusal. */
	for (unsigned int l = 0; l < 3; l++)
		assert_true(seen[l] > 0);
	assert_true(refused >= 24);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_is_one_empty_table, setup),
		cmocka_unit_test_setup(test_1g_leaf_when_both_aligned_and_gb_pages, setup),
		cmocka_unit_test_setup(test_2m_leaves_without_gb_pages, setup),
		cmocka_unit_test_setup(test_1g_needs_alignment_of_both_and_size, setup),
		cmocka_unit_test_setup(test_2m_leaf_when_2m_aligned, setup),
		cmocka_unit_test_setup(test_4k_leaves_when_hpa_misaligned, setup),
		cmocka_unit_test_setup(test_4k_up_to_2m_boundary_then_2m, setup),
		cmocka_unit_test_setup(test_4k_2m_1g_2m_4k, setup),
		cmocka_unit_test_setup(test_4k_only_without_2m_pages, setup),
		cmocka_unit_test_setup(test_high_addresses, setup),
		cmocka_unit_test_setup(test_permissions_encoded, setup),
		cmocka_unit_test_setup(test_lookup_entry_is_optional, setup),
		cmocka_unit_test_setup(test_map_vm, setup),
		cmocka_unit_test_setup(test_overlap_refused_tables_unchanged, setup),
		cmocka_unit_test_setup(test_bad_arguments_refused, setup),
		cmocka_unit_test_setup(test_enomem_at_every_allocation, setup),
		cmocka_unit_test_setup(test_random_against_model, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
