/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the guest page-table walker (palacios/src/paging/walk.c).
 *
 * Page tables are built in a host buffer that plays guest RAM. Permissions
 * are checked exhaustively (U/S, R/W, XD at every level x CR0.WP x EFER.NXE x
 * SMEP x SMAP x AC x who accesses x read/write/fetch) against a reference
 * written here from the bullet lists of SDM 4.6.1; reserved bits are checked
 * one bit at a time against lists taken from the entry-format tables of SDM
 * 4.3-4.5.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <v3/errno.h>
#include "paging/walk.h"

#define CR0_PE (1ULL << 0)
#define CR0_WP (1ULL << 16)
#define CR0_PG (1ULL << 31)
#define CR4_PSE (1ULL << 4)
#define CR4_PAE (1ULL << 5)
#define CR4_LA57 (1ULL << 12)
#define CR4_SMEP (1ULL << 20)
#define CR4_SMAP (1ULL << 21)
#define CR4_PKE (1ULL << 22)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)
#define EFER_NXE (1ULL << 11)
#define RFLAGS_AC (1ULL << 18)

#define P (1ULL << 0)
#define RW (1ULL << 1)
#define US (1ULL << 2)
#define PWT (1ULL << 3)
#define PCD (1ULL << 4)
#define ACC (1ULL << 5)
#define DIRTY (1ULL << 6)
#define PS (1ULL << 7)
#define XD (1ULL << 63)

#define PF_P V3_PF_PRESENT
#define PF_W V3_PF_WRITE
#define PF_U V3_PF_USER
#define PF_RSVD V3_PF_RSVD
#define PF_I V3_PF_FETCH

/* ---- guest RAM ---------------------------------------------------------------- */

#define RAM_SIZE (4ULL << 20)

struct gmem {
	u8 *ram;
	u64 next_free;
	unsigned long reads, cmpxchgs, swaps;
	/* Called before each cmpxchg compares: plays another CPU writing the entry. */
	void (*interfere)(struct gmem *g, u64 gpa);
	int cmpxchg_error;
};

static struct gmem G;

static int mem_read(void *ctx, u64 gpa, void *buf, unsigned int len)
{
	struct gmem *g = ctx;

	assert_true(len == 4 || len == 8);
	assert_int_equal(gpa % len, 0);
	g->reads++;
	if (gpa >= RAM_SIZE || RAM_SIZE - gpa < len)
		return -V3_EFAULT;
	memcpy(buf, g->ram + gpa, len);
	return 0;
}

static int mem_cmpxchg(void *ctx, u64 gpa, u64 old, u64 new_val, unsigned int len)
{
	struct gmem *g = ctx;
	u64 cur = 0;

	assert_true(len == 4 || len == 8);
	g->cmpxchgs++;
	if (g->cmpxchg_error)
		return g->cmpxchg_error;
	if (gpa >= RAM_SIZE || RAM_SIZE - gpa < len)
		return -V3_EFAULT;
	if (g->interfere)
		g->interfere(g, gpa);
	memcpy(&cur, g->ram + gpa, len);
	if (cur != old)
		return 1;
	memcpy(g->ram + gpa, &new_val, len);
	g->swaps++;
	return 0;
}

static const struct v3_guest_mem_ops ops = { .read = mem_read, .cmpxchg = mem_cmpxchg };

static int setup(void **state)
{
	(void)state;
	free(G.ram);
	memset(&G, 0, sizeof(G));
	G.ram = calloc(1, RAM_SIZE);
	G.next_free = 0x10000;
	return G.ram ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(G.ram);
	G.ram = NULL;
	return 0;
}

static u64 alloc_table(void)
{
	u64 gpa = G.next_free;

	G.next_free += 4096;
	assert_true(G.next_free <= RAM_SIZE);
	return gpa;
}

static void put(u64 gpa, u64 val, unsigned int size)
{
	memcpy(G.ram + gpa, &val, size);
}

static u64 get(u64 gpa, unsigned int size)
{
	u64 v = 0;

	memcpy(&v, G.ram + gpa, size);
	return v;
}

static void reset_counts(void)
{
	G.reads = G.cmpxchgs = G.swaps = 0;
}

/* ---- the formats, as the test knows them ---------------------------------------- */

struct tfmt {
	const char *name;
	enum v3_paging_format fmt;
	unsigned int levels, esize;
	unsigned int shift[4];
	bool rights[4];		/* R/W, U/S, XD and A exist at this level */
	bool large[4];		/* PS = 1 maps a page here (PSE / 1 GiB pages on) */
	u64 cr0, cr4, efer;
};

static const struct tfmt T32 = {
	"32-bit", V3_PAGING_32, 2, 4, { 22, 12 }, { true, true }, { true, false },
	CR0_PE | CR0_PG, CR4_PSE, 0,
};
static const struct tfmt TPAE = {
	"PAE", V3_PAGING_PAE, 3, 8, { 30, 21, 12 }, { false, true, true }, { false, true, false },
	CR0_PE | CR0_PG, CR4_PAE, 0,
};
static const struct tfmt T4L = {
	"4-level", V3_PAGING_4LEVEL, 4, 8, { 39, 30, 21, 12 }, { true, true, true, true },
	{ false, true, true, false }, CR0_PE | CR0_PG, CR4_PAE, EFER_LME | EFER_LMA,
};
static const struct tfmt *const FORMATS[] = { &T32, &TPAE, &T4L };

static struct v3_paging_regs regs_for(const struct tfmt *t)
{
	struct v3_paging_regs r = {
		.cr0 = t->cr0, .cr4 = t->cr4, .efer = t->efer, .cpl = 0, .maxphyaddr = 46,
		.gbpages = true,
	};
	return r;
}

static u64 index_of(const struct tfmt *t, unsigned int i, u64 la)
{
	return (la >> t->shift[i]) & (t->esize == 4 ? 1023 : 511);
}

/* The usual flags of a present entry at level i. */
static u64 default_flags(const struct tfmt *t, unsigned int i)
{
	return t->rights[i] ? P | RW | US : P;
}

/*
 * Build fresh tables that map la at level leaf (0 = top) to phys: level i's
 * entry gets flags[i] (PS is added to a leaf above the last level). The gpa
 * of each entry goes to egpa[]. Sets r->cr3 (a PAE PDPT sits at an odd
 * 32-byte slot of its page, to check the CR3 alignment).
 */
static void build(const struct tfmt *t, struct v3_paging_regs *r, u64 la, unsigned int leaf,
		  const u64 *flags, u64 phys, u64 *egpa)
{
	u64 table = alloc_table();
	unsigned int i;

	if (t == &TPAE)
		table += 0x60;
	r->cr3 = table;
	for (i = 0; i <= leaf; i++) {
		u64 e;

		egpa[i] = table + index_of(t, i, la) * t->esize;
		if (i == leaf) {
			e = phys | flags[i] | (i == t->levels - 1 ? 0 : PS);
		} else {
			table = alloc_table();
			e = table | flags[i];
		}
		put(egpa[i], e, t->esize);
	}
}

static void build_default(const struct tfmt *t, struct v3_paging_regs *r, u64 la,
			  unsigned int leaf, u64 phys, u64 *egpa)
{
	u64 flags[4];
	unsigned int i;

	for (i = 0; i < t->levels; i++)
		flags[i] = default_flags(t, i);
	build(t, r, la, leaf, flags, phys, egpa);
}

static int walk(const struct v3_paging_regs *r, u64 la, u32 access, unsigned int flags,
		struct v3_walk_result *res)
{
	return v3_walk(r, &ops, &G, la, access, flags, res);
}

/* A linear address with non-zero indexes at every level and a non-zero offset. */
static u64 test_la(const struct tfmt *t)
{
	return t->levels == 4 ? 0x00005a5a5a5a5123ULL : 0xa5a5a123ULL;
}

/* A page address for a leaf at level i, aligned for it, within 32 bits for 4-byte entries. */
static u64 test_phys(const struct tfmt *t, unsigned int i)
{
	u64 size = 1ULL << t->shift[i];

	return (t->esize == 4 ? 0x87654321ULL : 0x123456789abcULL) & ~(size - 1);
}

/* ---- format selection ---------------------------------------------------------- */

static void test_format(void **state)
{
	static const struct {
		u64 cr0, cr4, efer;
		enum v3_paging_format fmt;
	} cases[] = {
		{ 0, 0, 0, V3_PAGING_NONE },
		{ CR0_PE, CR4_PAE | CR4_PSE, EFER_LME, V3_PAGING_NONE },
		{ CR0_PE | CR0_PG, 0, 0, V3_PAGING_32 },
		{ CR0_PE | CR0_PG, CR4_PSE, EFER_NXE, V3_PAGING_32 },
		{ CR0_PE | CR0_PG, CR4_PAE, 0, V3_PAGING_PAE },
		{ CR0_PE | CR0_PG, CR4_PAE | CR4_LA57, EFER_LME, V3_PAGING_PAE },
		{ CR0_PE | CR0_PG, CR4_PAE, EFER_LME | EFER_LMA, V3_PAGING_4LEVEL },
		{ CR0_PE | CR0_PG, CR4_PAE | CR4_LA57, EFER_LME | EFER_LMA, V3_PAGING_5LEVEL },
		{ CR0_PG, CR4_PAE, 0, V3_PAGING_INVALID },
		{ CR0_PE, CR4_PAE, EFER_LME | EFER_LMA, V3_PAGING_INVALID },
		{ CR0_PE | CR0_PG, 0, EFER_LME | EFER_LMA, V3_PAGING_INVALID },
	};
	size_t i;

	(void)state;
	for (i = 0; i < V3_ARRAY_SIZE(cases); i++) {
		struct v3_paging_regs r = { .cr0 = cases[i].cr0, .cr4 = cases[i].cr4,
					    .efer = cases[i].efer, .maxphyaddr = 36 };
		struct v3_walk_result res;
		int want = cases[i].fmt == V3_PAGING_5LEVEL   ? -V3_ENOTSUP
			   : cases[i].fmt == V3_PAGING_INVALID ? -V3_EINVAL
							       : -999;

		assert_int_equal(v3_paging_format(&r), cases[i].fmt);
		if (want != -999)
			assert_int_equal(walk(&r, 0x1000, 0, 0, &res), want);
	}
}

static void test_paging_off_is_identity(void **state)
{
	struct v3_paging_regs r = { .cr0 = CR0_PE, .maxphyaddr = 36 };
	struct v3_walk_result res;

	(void)state;
	reset_counts();
	assert_int_equal(walk(&r, 0x123456789abcULL, V3_ACC_WRITE, V3_WALK_SET_AD, &res), 0);
	assert_int_equal(res.gpa, 0x56789abcULL);
	assert_int_equal(res.page_size, 4096);
	assert_int_equal(res.levels, 0);
	assert_true(res.writable && res.user && !res.nx);
	assert_int_equal(G.reads + G.cmpxchgs, 0);
	r.cr0 = 0;
	r.cpl = 3;
	assert_int_equal(walk(&r, 0xfffff, V3_ACC_USER | V3_ACC_FETCH, 0, &res), 0);
	assert_int_equal(res.gpa, 0xfffff);
}

/* ---- translation at every page size ------------------------------------------- */

static void check_translation(const struct tfmt *t, unsigned int leaf)
{
	struct v3_paging_regs r = regs_for(t);
	struct v3_walk_result res;
	u64 egpa[4], la = test_la(t), phys = test_phys(t, leaf);
	u64 size = 1ULL << t->shift[leaf];
	unsigned int i;

	build_default(t, &r, la, leaf, phys, egpa);
	reset_counts();
	assert_int_equal(walk(&r, la, 0, 0, &res), V3_WALK_OK);
	assert_int_equal(res.gpa, phys | (la & (size - 1)));
	assert_int_equal(res.page_size, size);
	assert_int_equal(res.levels, leaf + 1);
	assert_int_equal(G.reads, leaf + 1);
	assert_int_equal(G.cmpxchgs, 0);
	for (i = 0; i <= leaf; i++)
		assert_int_equal(res.ptes[i], get(egpa[i], t->esize));
	assert_int_equal(res.pte, res.ptes[leaf]);
	assert_true(res.writable && res.user && !res.nx);
	/* The upper half of a 32-bit linear address is ignored. */
	if (t->levels < 4) {
		assert_int_equal(walk(&r, la | 0xabcd000000000000ULL, 0, 0, &res), V3_WALK_OK);
		assert_int_equal(res.gpa, phys | (la & (size - 1)));
	}
}

static void test_translate_every_page_size(void **state)
{
	size_t f;
	unsigned int leaf;

	(void)state;
	for (f = 0; f < V3_ARRAY_SIZE(FORMATS); f++) {
		const struct tfmt *t = FORMATS[f];

		for (leaf = 0; leaf < t->levels; leaf++)
			if (leaf == t->levels - 1 || t->large[leaf])
				check_translation(t, leaf);
	}
}

static void test_cr3_low_bits_ignored(void **state)
{
	struct v3_paging_regs r;
	struct v3_walk_result res;
	u64 egpa[4];
	size_t f;

	(void)state;
	for (f = 0; f < V3_ARRAY_SIZE(FORMATS); f++) {
		const struct tfmt *t = FORMATS[f];
		u64 la = test_la(t), low = t == &TPAE ? PWT | PCD : 0xfff;

		r = regs_for(t);
		build_default(t, &r, la, t->levels - 1, 0x5000, egpa);
		r.cr3 |= low;
		if (t->levels == 4)
			r.cr3 |= 1ULL << 63; /* "no PCID flush" is not part of the address */
		assert_int_equal(walk(&r, la, 0, 0, &res), V3_WALK_OK);
		assert_int_equal(res.gpa, 0x5000 | (la & 0xfff));
	}
}

/* 32-bit paging with CR4.PSE = 0: PS in a PDE is ignored, the PDE references a table. */
static void test_32bit_ps_ignored_without_pse(void **state)
{
	struct v3_paging_regs r = regs_for(&T32);
	struct v3_walk_result res;
	u64 egpa[4], la = 0x00c01234, pt = 0; /* 4 MiB-aligned: no reserved bits as a 4 MiB PDE */

	(void)state;
	build_default(&T32, &r, la, 1, 0x9000, egpa);
	/* Rewrite the PDE as PS = 1 pointing at a page table that maps the page. */
	put(egpa[0], pt | P | RW | US | PS, 4);
	put(pt + 1 * 4, 0x77000 | P | RW | US, 4);
	r.cr4 = 0;
	assert_int_equal(walk(&r, la, 0, 0, &res), V3_WALK_OK);
	assert_int_equal(res.gpa, 0x77234);
	assert_int_equal(res.page_size, 4096);
	r.cr4 = CR4_PSE;
	assert_int_equal(walk(&r, la, 0, 0, &res), V3_WALK_OK);
	assert_int_equal(res.page_size, 4u << 20);
	assert_int_equal(res.gpa, la & 0x3fffff);
}

/* PSE-36: PDE bits (M'-20):13 are address bits (M'-1):32, M' = min(MAXPHYADDR, 40). */
static void test_pse36(void **state)
{
	static const struct {
		u8 maxphy;
		u32 pde_high;	/* PDE bits 21:13 */
		int ret;
		u64 gpa;
	} cases[] = {
		{ 32, 0, 0, 0x80000000ULL },
		{ 32, 1, 1, 0 },
		{ 36, 0xf, 0, 0xf80000000ULL },
		{ 36, 0x5, 0, 0x580000000ULL },
		{ 36, 0x10, 1, 0 },
		{ 36, 0x100, 1, 0 },
		{ 39, 0x7f, 0, 0x7f80000000ULL },
		{ 39, 0x80, 1, 0 },
		{ 40, 0xff, 0, 0xff80000000ULL },
		{ 40, 0x100, 1, 0 },
		{ 46, 0xa5, 0, 0xa580000000ULL },
		{ 46, 0x100, 1, 0 },
		{ 52, 0xff, 0, 0xff80000000ULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < V3_ARRAY_SIZE(cases); i++) {
		struct v3_paging_regs r = regs_for(&T32);
		struct v3_walk_result res;
		u64 egpa[4], la = 0x40123456;

		r.maxphyaddr = cases[i].maxphy;
		build_default(&T32, &r, la, 0, 0x80000000ULL, egpa);
		put(egpa[0], get(egpa[0], 4) | ((u64)cases[i].pde_high << 13), 4);
		assert_int_equal(walk(&r, la, V3_ACC_WRITE, 0, &res), cases[i].ret);
		if (cases[i].ret == 0) {
			assert_int_equal(res.gpa, cases[i].gpa | 0x123456);
		} else {
			assert_int_equal(res.error_code, PF_P | PF_RSVD | PF_W);
			assert_int_equal(res.levels, 1);
		}
	}
}

/* ---- reserved bits, one at a time --------------------------------------------- */

static u64 bits(unsigned int lo, unsigned int hi)
{
	u64 m = 0;

	for (; lo <= hi; lo++)
		m |= 1ULL << lo;
	return m;
}

/*
 * Reserved bits of an entry at level i (leaf: mapping a page there), from the
 * entry-format tables: SDM tables 4-4..4-6 (32-bit), 4-8..4-11 (PAE),
 * 4-14..4-19 (4-level). Bit 7 is covered by its own test.
 */
static u64 expected_rsvd(const struct tfmt *t, unsigned int i, bool leaf, unsigned int m, bool nxe)
{
	u64 x = nxe ? 0 : XD;

	if (t == &T32) {
		unsigned int mm = m > 40 ? 40 : m;

		return (leaf && i == 0) ? bits(mm - 19, 21) : 0;
	}
	if (t == &TPAE) {
		if (i == 0)
			return bits(1, 2) | bits(5, 8) | bits(m, 63);
		if (i == 1 && leaf)
			return bits(13, 20) | bits(m, 62) | x;
		return bits(m, 62) | x;
	}
	if (i == 1 && leaf)
		return bits(13, 29) | bits(m, 51) | x;
	if (i == 2 && leaf)
		return bits(13, 20) | bits(m, 51) | x;
	return bits(m, 51) | x;
}

/* Flip bit b of the level-i entry of a walk ending at leaf: a RSVD fault at level i? */
static void check_rsvd_bit(const struct tfmt *t, unsigned int leaf, unsigned int i,
			   unsigned int b, unsigned int m, bool nxe)
{
	struct v3_paging_regs r = regs_for(t);
	struct v3_walk_result res;
	u64 egpa[4], la = test_la(t);
	bool want = expected_rsvd(t, i, i == leaf, m, nxe) & (1ULL << b), is_rsvd;
	int ret;

	r.maxphyaddr = m;
	r.efer |= nxe ? EFER_NXE : 0;
	G.next_free = 0x10000;
	memset(G.ram, 0, 0x10000 + 8 * 4096);
	build_default(t, &r, la, leaf, test_phys(t, leaf) & bits(0, m - 1), egpa);
	put(egpa[i], get(egpa[i], t->esize) ^ (1ULL << b), t->esize);
	ret = walk(&r, la, 0, 0, &res);
	is_rsvd = ret == V3_WALK_FAULT && (res.error_code & PF_RSVD) && res.levels == i + 1;
	if (is_rsvd != want)
		fail_msg("%s leaf %u level %u M=%u NXE=%d bit %u: walk %d ec %#x levels %u",
			 t->name, leaf, i, m, nxe, b, ret, res.error_code, res.levels);
	if (is_rsvd)
		assert_int_equal(res.error_code, PF_P | PF_RSVD);
}

static void check_rsvd_bits(const struct tfmt *t, unsigned int leaf, unsigned int m, bool nxe)
{
	unsigned int i, b;

	/* Bit 0 (P) and bit 7 (PS) change the meaning of the entry: tested elsewhere. */
	for (i = 0; i <= leaf; i++)
		for (b = 1; b < t->esize * 8; b++)
			if (b != 7)
				check_rsvd_bit(t, leaf, i, b, m, nxe);
}

static void test_reserved_bits(void **state)
{
	static const unsigned int maxphys[] = { 32, 36, 39, 40, 46, 52 };
	size_t f, k;
	unsigned int leaf, nxe;

	(void)state;
	for (f = 0; f < V3_ARRAY_SIZE(FORMATS); f++) {
		const struct tfmt *t = FORMATS[f];

		for (leaf = 0; leaf < t->levels; leaf++) {
			if (leaf != t->levels - 1 && !t->large[leaf])
				continue;
			for (k = 0; k < V3_ARRAY_SIZE(maxphys); k++)
				for (nxe = 0; nxe < 2; nxe++)
					check_rsvd_bits(t, leaf, maxphys[k], nxe);
		}
	}
}

/* Bit 7 (PS): reserved in a PML4E and a PAE PDPTE, and in a PDPTE without 1 GiB pages. */
static void test_ps_bit(void **state)
{
	struct v3_paging_regs r;
	struct v3_walk_result res;
	u64 egpa[4], la;

	(void)state;
	r = regs_for(&T4L);
	la = test_la(&T4L);
	build_default(&T4L, &r, la, 3, 0x5000, egpa);
	put(egpa[0], get(egpa[0], 8) | PS, 8);
	assert_int_equal(walk(&r, la, V3_ACC_USER, 0, &res), V3_WALK_FAULT);
	assert_int_equal(res.error_code, PF_P | PF_RSVD | PF_U);
	assert_int_equal(res.levels, 1);

	r = regs_for(&T4L);
	build_default(&T4L, &r, la, 1, 0x40000000, egpa);
	assert_int_equal(walk(&r, la, 0, 0, &res), V3_WALK_OK);
	assert_int_equal(res.page_size, 1u << 30);
	r.gbpages = false;
	assert_int_equal(walk(&r, la, V3_ACC_WRITE, 0, &res), V3_WALK_FAULT);
	assert_int_equal(res.error_code, PF_P | PF_RSVD | PF_W);
	assert_int_equal(res.levels, 2);

	/* A PDPTE referencing a table is fine without 1 GiB pages. */
	build_default(&T4L, &r, la, 3, 0x5000, egpa);
	assert_int_equal(walk(&r, la, 0, 0, &res), V3_WALK_OK);

	r = regs_for(&TPAE);
	la = test_la(&TPAE);
	build_default(&TPAE, &r, la, 2, 0x5000, egpa);
	put(egpa[0], get(egpa[0], 8) | PS, 8);
	assert_int_equal(walk(&r, la, 0, 0, &res), V3_WALK_FAULT);
	assert_int_equal(res.error_code, PF_P | PF_RSVD);
	assert_int_equal(res.levels, 1);

	/* In a PTE bit 7 is PAT: nothing special. */
	build_default(&TPAE, &r, la, 2, 0x5000, egpa);
	put(egpa[2], get(egpa[2], 8) | PS, 8);
	assert_int_equal(walk(&r, la, 0, 0, &res), V3_WALK_OK);
	assert_int_equal(res.page_size, 4096);
}

/* 4-level: bits 62:52 are ignored; in PAE entries they are reserved. */
static void test_ignored_high_bits(void **state)
{
	struct v3_paging_regs r = regs_for(&T4L);
	struct v3_walk_result res;
	u64 egpa[4], la = test_la(&T4L);
	unsigned int i;

	(void)state;
	build_default(&T4L, &r, la, 3, 0x5000, egpa);
	for (i = 0; i < 4; i++)
		put(egpa[i], get(egpa[i], 8) | bits(52, 62) | bits(9, 11), 8);
	assert_int_equal(walk(&r, la, V3_ACC_WRITE, V3_WALK_SET_AD, &res), V3_WALK_OK);
	assert_int_equal(res.gpa, 0x5000 | (la & 0xfff));
}

/* ---- not present ------------------------------------------------------------------ */

static void check_not_present(const struct tfmt *t, unsigned int i, u32 acc)
{
	struct v3_paging_regs r = regs_for(t);
	struct v3_walk_result res;
	u64 egpa[4], la = test_la(t), e;
	u32 want;

	r.efer |= EFER_NXE;
	r.cpl = (acc & V3_ACC_USER) ? 3 : 0;
	build_default(t, &r, la, t->levels - 1, 0x5000, egpa);
	/* Reserved bits are not checked in a not-present entry. */
	e = (get(egpa[i], t->esize) & ~P) | (t->esize == 8 ? bits(52, 63) : 0);
	put(egpa[i], e, t->esize);
	reset_counts();
	assert_int_equal(walk(&r, la, acc, V3_WALK_SET_AD, &res), V3_WALK_FAULT);
	assert_int_equal(res.levels, i + 1);
	assert_int_equal(G.reads, i + 1);
	assert_int_equal(G.cmpxchgs, 0);
	want = (acc & (PF_W | PF_U)) | ((acc & V3_ACC_FETCH) && t->esize == 8 ? PF_I : 0);
	assert_int_equal(res.error_code, want);
}

static void test_not_present_each_level(void **state)
{
	static const u32 accesses[] = { 0, V3_ACC_WRITE, V3_ACC_FETCH, V3_ACC_USER,
					V3_ACC_USER | V3_ACC_WRITE, V3_ACC_USER | V3_ACC_FETCH };
	size_t f, a;
	unsigned int i;

	(void)state;
	for (f = 0; f < V3_ARRAY_SIZE(FORMATS); f++)
		for (i = 0; i < FORMATS[f]->levels; i++)
			for (a = 0; a < V3_ARRAY_SIZE(accesses); a++)
				check_not_present(FORMATS[f], i, accesses[a]);
}

/* I/D is set for a fetch only with SMEP, or with XD in use (PAE/4-level and NXE). */
static void check_fetch_flag(const struct tfmt *t, bool smep, bool nxe)
{
	struct v3_paging_regs r = regs_for(t);
	struct v3_walk_result res;
	u64 egpa[4], la = test_la(t);
	bool want_i = smep || (nxe && t->esize == 8);
	unsigned int top = t == &TPAE ? 1 : 0;	/* the PAE PDPTE has no U/S */

	r.cr4 |= smep ? CR4_SMEP : 0;
	r.efer |= nxe ? EFER_NXE : 0;
	build_default(t, &r, la, t->levels - 1, 0x5000, egpa);
	put(egpa[t->levels - 1], 0, t->esize);
	assert_int_equal(walk(&r, la, V3_ACC_FETCH, 0, &res), V3_WALK_FAULT);
	assert_int_equal(res.error_code, want_i ? PF_I : 0);
	/* A protection fault: a user fetch from a supervisor page. */
	build_default(t, &r, la, t->levels - 1, 0x5000, egpa);
	put(egpa[top], get(egpa[top], t->esize) & ~US, t->esize);
	r.cpl = 3;
	assert_int_equal(walk(&r, la, V3_ACC_FETCH | V3_ACC_USER, 0, &res), V3_WALK_FAULT);
	assert_int_equal(res.error_code, PF_P | PF_U | (want_i ? PF_I : 0));
}

static void test_fetch_flag_rules(void **state)
{
	size_t f;

	(void)state;
	for (f = 0; f < V3_ARRAY_SIZE(FORMATS); f++) {
		check_fetch_flag(FORMATS[f], false, false);
		check_fetch_flag(FORMATS[f], false, true);
		check_fetch_flag(FORMATS[f], true, false);
		check_fetch_flag(FORMATS[f], true, true);
	}
}

/* ---- the permission matrix ------------------------------------------------------- */

enum kind { READ, WRITE, FETCH };

struct who {
	const char *name;
	u8 cpl;
	u32 acc;	/* V3_ACC_USER / V3_ACC_IMPLICIT_SUPERVISOR */
	bool user_mode;
	bool implicit;
};

static const struct who WHOS[] = {
	{ "user", 3, V3_ACC_USER, true, false },
	{ "supervisor", 0, 0, false, false },
	{ "implicit supervisor at CPL 0", 0, V3_ACC_IMPLICIT_SUPERVISOR, false, true },
	{ "supervisor at CPL 3 (implicit)", 3, 0, false, true },
	{ "implicit supervisor at CPL 3", 3, V3_ACC_IMPLICIT_SUPERVISOR, false, true },
};

struct ctl {
	bool wp, nxe, smep, smap, ac;
};

/*
 * SDM 4.6.1, transcribed bullet by bullet. page_user: U/S = 1 at every level
 * ("user-mode address"); page_rw: R/W = 1 at every level; page_xd: XD = 1 at
 * some level.
 */
static bool ref_allowed(const struct ctl *c, const struct who *w, enum kind k, bool page_user,
			bool page_rw, bool page_xd)
{
	bool xd_ok = !c->nxe || !page_xd;

	if (w->user_mode) {
		if (!page_user)
			return false;	/* no user-mode access to supervisor-mode addresses */
		switch (k) {
		case READ:
			return true;
		case WRITE:
			return page_rw;
		case FETCH:
			return xd_ok;
		}
	}
	switch (k) {
	case READ:
		if (!page_user)
			return true;
		if (!c->smap)
			return true;
		return c->ac && !w->implicit;
	case WRITE:
		if (page_user && c->smap && !(c->ac && !w->implicit))
			return false;
		if (!c->wp)
			return true;
		return page_rw;
	case FETCH:
		if (page_user && c->smep)
			return false;
		return xd_ok;
	}
	return false;
}

struct matrix_stats {
	unsigned long walks, allowed, faults, rsvd;
};

/* One combination of entries in the matrix, and what the reference makes of it. */
struct matrix_case {
	const struct tfmt *t;
	unsigned int leaf;
	u64 la, phys, size;
	struct v3_paging_regs base;
	u64 egpa[4], ent[4];
	bool page_user, page_rw, page_xd;
	int first_xd;	/* the level of the first entry with XD set, or -1 */
};

static const char *const KIND_NAMES[] = { "read", "write", "fetch" };

/* The #PF error code the reference expects (0: allowed). */
static u32 ref_error_code(const struct matrix_case *mc, const struct ctl *c, const struct who *w,
			  enum kind k)
{
	u32 ec = PF_P | (k == WRITE ? PF_W : 0) | (w->user_mode ? PF_U : 0);

	if (k == FETCH && (c->smep || (c->nxe && mc->t->esize == 8)))
		ec |= PF_I;
	if (mc->page_xd && !c->nxe)
		return ec | PF_RSVD;
	return ref_allowed(c, w, k, mc->page_user, mc->page_rw, mc->page_xd) ? 0 : ec;
}

static void check_walk(const struct matrix_case *mc, const struct ctl *c, const struct who *w,
		       enum kind k, struct matrix_stats *st)
{
	const struct tfmt *t = mc->t;
	struct v3_paging_regs r = mc->base;
	struct v3_walk_result res;
	u32 acc = w->acc | (k == WRITE ? V3_ACC_WRITE : 0) | (k == FETCH ? V3_ACC_FETCH : 0);
	u32 want_ec = ref_error_code(mc, c, w, k);
	unsigned int i;
	int ret;

	r.cr0 |= c->wp ? CR0_WP : 0;
	r.efer |= c->nxe ? EFER_NXE : 0;
	r.cr4 |= (c->smep ? CR4_SMEP : 0) | (c->smap ? CR4_SMAP : 0);
	r.rflags = 2 | (c->ac ? RFLAGS_AC : 0);
	r.cpl = w->cpl;
	for (i = 0; i <= mc->leaf; i++)
		put(mc->egpa[i], mc->ent[i], t->esize);

	ret = walk(&r, mc->la, acc, V3_WALK_SET_AD, &res);
	st->walks++;
	if (ret != (want_ec ? V3_WALK_FAULT : V3_WALK_OK) || (want_ec && res.error_code != want_ec))
		fail_msg("%s leaf %u entries %#llx %#llx %#llx %#llx WP%d NXE%d SMEP%d SMAP%d AC%d "
			 "%s %s: got %d ec %#x, want ec %#x",
			 t->name, mc->leaf, (unsigned long long)mc->ent[0],
			 (unsigned long long)mc->ent[1], (unsigned long long)mc->ent[2],
			 (unsigned long long)mc->ent[3], c->wp, c->nxe, c->smep, c->smap, c->ac,
			 w->name, KIND_NAMES[k], ret, res.error_code, want_ec);
	if (want_ec) {
		st->faults++;
		st->rsvd += !!(want_ec & PF_RSVD);
		assert_int_equal(res.levels, (want_ec & PF_RSVD) ? (unsigned int)mc->first_xd + 1
								 : mc->leaf + 1);
		/* Nothing written on a fault. */
		for (i = 0; i <= mc->leaf; i++)
			assert_int_equal(get(mc->egpa[i], t->esize), mc->ent[i]);
		return;
	}
	st->allowed++;
	assert_int_equal(res.gpa, mc->phys | (mc->la & (mc->size - 1)));
	assert_int_equal(res.user, mc->page_user);
	assert_int_equal(res.writable, mc->page_rw);
	assert_int_equal(res.nx, mc->page_xd);
	/* A in every entry with an A flag, D in the leaf for a write. */
	for (i = 0; i <= mc->leaf; i++) {
		u64 want = mc->ent[i] | (t->rights[i] ? ACC : 0) |
			   (i == mc->leaf && k == WRITE ? DIRTY : 0);

		assert_int_equal(get(mc->egpa[i], t->esize), want);
		assert_int_equal(res.ptes[i], want);
	}
	assert_int_equal(res.pte, res.ptes[mc->leaf]);
}

/* Every control setting, accessor and access kind for the entries of mc. */
static void check_all_controls(const struct matrix_case *mc, struct matrix_stats *st)
{
	unsigned int c;
	size_t wi;
	enum kind k;

	for (c = 0; c < 32; c++) {
		struct ctl ctl = { c & 1, c & 2, c & 4, c & 8, c & 16 };

		if (ctl.nxe && mc->t->esize == 4)
			continue;	/* NXE does nothing in 32-bit paging */
		for (wi = 0; wi < V3_ARRAY_SIZE(WHOS); wi++)
			for (k = READ; k <= FETCH; k++)
				if (!(k == FETCH && (WHOS[wi].acc & V3_ACC_IMPLICIT_SUPERVISOR)))
					check_walk(mc, &ctl, &WHOS[wi], k, st);
	}
}

/* U/S, R/W (and XD) at every level that has them, in every combination. */
static void run_matrix(const struct tfmt *t, unsigned int leaf, struct matrix_stats *st)
{
	unsigned int nlev = 0, lv[4], i, nbits = t->esize == 8 ? 3 : 2;
	struct matrix_case mc = { .t = t, .leaf = leaf, .base = regs_for(t) };
	u64 orig[4], combo;

	mc.la = test_la(t);
	mc.phys = test_phys(t, leaf);
	mc.size = 1ULL << t->shift[leaf];
	G.next_free = 0x10000;
	build_default(t, &mc.base, mc.la, leaf, mc.phys, mc.egpa);
	for (i = 0; i <= leaf; i++) {
		orig[i] = get(mc.egpa[i], t->esize) & ~(RW | US);
		if (t->rights[i])
			lv[nlev++] = i;
	}
	for (combo = 0; combo < 1ULL << (nlev * nbits); combo++) {
		mc.page_user = mc.page_rw = true;
		mc.page_xd = false;
		mc.first_xd = -1;
		for (i = 0; i <= leaf; i++)
			mc.ent[i] = orig[i];
		for (i = 0; i < nlev; i++) {
			u64 b = (combo >> (i * nbits)) & ((1u << nbits) - 1);

			mc.ent[lv[i]] |= (b & 1 ? US : 0) | (b & 2 ? RW : 0) | (b & 4 ? XD : 0);
			mc.page_user = mc.page_user && (b & 1);
			mc.page_rw = mc.page_rw && (b & 2);
			if ((b & 4) && mc.first_xd < 0)
				mc.first_xd = lv[i];
			mc.page_xd = mc.page_xd || (b & 4);
		}
		check_all_controls(&mc, st);
	}
}

static void test_permission_matrix(void **state)
{
	struct matrix_stats st = { 0 };
	size_t f;
	unsigned int leaf;

	(void)state;
	for (f = 0; f < V3_ARRAY_SIZE(FORMATS); f++) {
		const struct tfmt *t = FORMATS[f];

		for (leaf = 0; leaf < t->levels; leaf++)
			if (leaf == t->levels - 1 || t->large[leaf])
				run_matrix(t, leaf, &st);
	}
	printf("permission matrix: %lu walks, %lu allowed, %lu faults (%lu reserved XD)\n",
	       st.walks, st.allowed, st.faults, st.rsvd);
	assert_true(st.allowed > 0 && st.faults > st.rsvd && st.rsvd > 0);
}

/* ---- accessed and dirty flags ------------------------------------------------------ */

static void test_ad_without_flag_writes_nothing(void **state)
{
	size_t f;

	(void)state;
	for (f = 0; f < V3_ARRAY_SIZE(FORMATS); f++) {
		const struct tfmt *t = FORMATS[f];
		struct v3_paging_regs r = regs_for(t);
		struct v3_walk_result res;
		u64 egpa[4], la = test_la(t);

		build_default(t, &r, la, t->levels - 1, 0x5000, egpa);
		reset_counts();
		assert_int_equal(walk(&r, la, V3_ACC_WRITE, 0, &res), V3_WALK_OK);
		assert_int_equal(G.cmpxchgs, 0);
		assert_int_equal(res.pte & (ACC | DIRTY), 0);
	}
}

static void test_ad_details(void **state)
{
	struct v3_paging_regs r;
	struct v3_walk_result res;
	u64 egpa[4], la;
	unsigned int i;

	(void)state;
	/* Already set: no cmpxchg at all. */
	r = regs_for(&T4L);
	la = test_la(&T4L);
	build_default(&T4L, &r, la, 3, 0x5000, egpa);
	for (i = 0; i < 4; i++)
		put(egpa[i], get(egpa[i], 8) | ACC, 8);
	reset_counts();
	assert_int_equal(walk(&r, la, 0, V3_WALK_SET_AD, &res), V3_WALK_OK);
	assert_int_equal(G.cmpxchgs, 0);
	assert_int_equal(walk(&r, la, V3_ACC_WRITE, V3_WALK_SET_AD, &res), V3_WALK_OK);
	assert_int_equal(G.cmpxchgs, 1);
	assert_int_equal(get(egpa[3], 8) & (ACC | DIRTY), ACC | DIRTY);
	/* D is never set in an entry that references a table. */
	for (i = 0; i < 3; i++)
		assert_int_equal(get(egpa[i], 8) & DIRTY, 0);

	/* 2 MiB leaf: D in the PDE. */
	build_default(&T4L, &r, la, 2, 0x200000, egpa);
	assert_int_equal(walk(&r, la, V3_ACC_WRITE, V3_WALK_SET_AD, &res), V3_WALK_OK);
	assert_int_equal(get(egpa[2], 8) & (ACC | DIRTY | PS), ACC | DIRTY | PS);
	assert_int_equal(get(egpa[1], 8) & (ACC | DIRTY), ACC);

	/* A supervisor write to a read-only page with WP = 0 dirties it. */
	r = regs_for(&TPAE);
	la = test_la(&TPAE);
	build_default(&TPAE, &r, la, 2, 0x5000, egpa);
	put(egpa[2], get(egpa[2], 8) & ~RW, 8);
	assert_int_equal(walk(&r, la, V3_ACC_WRITE, V3_WALK_SET_AD, &res), V3_WALK_OK);
	assert_int_equal(get(egpa[2], 8) & (ACC | DIRTY), ACC | DIRTY);
	/* The PAE PDPTE has no A flag. */
	assert_int_equal(get(egpa[0], 8), (egpa[1] & ~0xfffULL) | P);

	/* 32-bit paging: 4-byte updates leave the neighbouring entry alone. */
	r = regs_for(&T32);
	la = 0x00401000;
	build_default(&T32, &r, la, 1, 0x5000, egpa);
	put(egpa[1] + 4, 0xdeadbeef, 4);
	put(egpa[1] - 4, 0xfeedface, 4);
	assert_int_equal(walk(&r, la, V3_ACC_WRITE, V3_WALK_SET_AD, &res), V3_WALK_OK);
	assert_int_equal(get(egpa[1], 4), 0x5000 | P | RW | US | ACC | DIRTY);
	assert_int_equal(get(egpa[1] + 4, 4), 0xdeadbeef);
	assert_int_equal(get(egpa[1] - 4, 4), 0xfeedface);
	assert_int_equal(get(egpa[0], 4) & (ACC | DIRTY), ACC);
}

static u64 race_target;
static unsigned int race_count;
static u64 race_set, race_clear;

/* Another CPU changes the entry at race_target race_count times. */
static void race(struct gmem *g, u64 gpa)
{
	u64 v;

	if (gpa != race_target || race_count == 0)
		return;
	race_count--;
	memcpy(&v, g->ram + gpa, 8);
	v = (v | race_set) & ~race_clear;
	memcpy(g->ram + gpa, &v, 8);
}

static void toggle_race(struct gmem *g, u64 gpa)
{
	if (gpa == race_target)
		g->ram[gpa + 1] ^= 1 << (9 - 8);
}

static void test_ad_race(void **state)
{
	struct v3_paging_regs r = regs_for(&T4L);
	struct v3_walk_result res;
	u64 egpa[4], la = test_la(&T4L);

	(void)state;
	G.interfere = race;

	/* The PTE is made not present before the walker sets its A flag: the retry faults. */
	build_default(&T4L, &r, la, 3, 0x5000, egpa);
	race_target = egpa[3];
	race_count = 1;
	race_set = 0;
	race_clear = P;
	assert_int_equal(walk(&r, la, V3_ACC_WRITE, V3_WALK_SET_AD, &res), V3_WALK_FAULT);
	assert_int_equal(res.error_code, PF_W);
	assert_int_equal(res.levels, 4);

	/* The PDE is made read-only: the retry sees it and faults (WP = 1). */
	build_default(&T4L, &r, la, 3, 0x5000, egpa);
	r.cr0 |= CR0_WP;
	race_target = egpa[2];
	race_count = 1;
	race_set = 0;
	race_clear = RW;
	assert_int_equal(walk(&r, la, V3_ACC_WRITE, V3_WALK_SET_AD, &res), V3_WALK_FAULT);
	assert_int_equal(res.error_code, PF_P | PF_W);

	/* Another CPU sets A itself: the retry finds it set and succeeds. */
	build_default(&T4L, &r, la, 3, 0x5000, egpa);
	race_target = egpa[1];
	race_count = 1;
	race_set = ACC;
	race_clear = 0;
	assert_int_equal(walk(&r, la, V3_ACC_WRITE, V3_WALK_SET_AD, &res), V3_WALK_OK);
	assert_int_equal(get(egpa[3], 8) & (ACC | DIRTY), ACC | DIRTY);

	/* An entry that keeps changing (an ignored bit toggles): bounded retries, -V3_EBUSY. */
	build_default(&T4L, &r, la, 3, 0x5000, egpa);
	race_target = egpa[0];
	race_count = 1000;
	G.interfere = toggle_race;
	reset_counts();
	assert_int_equal(walk(&r, la, 0, V3_WALK_SET_AD, &res), -V3_EBUSY);
	assert_int_equal(G.cmpxchgs, V3_WALK_MAX_RETRIES);
	G.interfere = NULL;
}

static void test_ad_cmpxchg_error(void **state)
{
	struct v3_paging_regs r = regs_for(&T4L);
	struct v3_walk_result res;
	u64 egpa[4], la = test_la(&T4L);

	(void)state;
	build_default(&T4L, &r, la, 3, 0x5000, egpa);
	G.cmpxchg_error = -V3_EIO;
	assert_int_equal(walk(&r, la, 0, V3_WALK_SET_AD, &res), -V3_EIO);
	G.cmpxchg_error = 7;
	assert_int_equal(walk(&r, la, 0, V3_WALK_SET_AD, &res), -V3_EIO);
	G.cmpxchg_error = 0;
}

/* ---- memory errors, loops, canonical addresses ------------------------------------ */

static void test_tables_outside_ram(void **state)
{
	size_t f;
	unsigned int i;

	(void)state;
	for (f = 0; f < V3_ARRAY_SIZE(FORMATS); f++) {
		const struct tfmt *t = FORMATS[f];
		struct v3_paging_regs r = regs_for(t);
		struct v3_walk_result res;
		u64 egpa[4], la = test_la(t);
		u64 outside = t->esize == 4 ? 0xfff00000ULL : 0x3ff00000000ULL;

		build_default(t, &r, la, t->levels - 1, 0x5000, egpa);
		for (i = 0; i + 1 < t->levels; i++) {
			u64 e = get(egpa[i], t->esize);

			put(egpa[i], (e & 0xfff) | outside, t->esize);
			assert_int_equal(walk(&r, la, 0, 0, &res), -V3_EFAULT);
			put(egpa[i], e, t->esize);
		}
		r.cr3 = t->esize == 4 ? 0xfffff000ULL : t == &TPAE ? 0xffffffe0ULL : outside;
		assert_int_equal(walk(&r, la, 0, 0, &res), -V3_EFAULT);
	}
}

static void test_recursive_mappings(void **state)
{
	struct v3_paging_regs r = regs_for(&T4L);
	struct v3_walk_result res;
	u64 pml4 = alloc_table(), la;
	unsigned int i;

	(void)state;
	/* The classic self-map: PML4[511] points at the PML4. */
	put(pml4 + 511 * 8, pml4 | P | RW, 8);
	r.cr3 = pml4;
	la = 0xfffffffffffff000ULL | (511 * 8);
	reset_counts();
	assert_int_equal(walk(&r, la, V3_ACC_WRITE, V3_WALK_SET_AD, &res), V3_WALK_OK);
	assert_int_equal(res.gpa, pml4 + 511 * 8);
	assert_int_equal(G.reads, 4 + 4); /* one walk, then the retry after A was set */
	assert_int_equal(res.levels, 4);
	/* Every level used the same entry: A was set once (the retry found it set), then D. */
	assert_int_equal(get(pml4 + 511 * 8, 8), pml4 | P | RW | ACC | DIRTY);
	for (i = 0; i < 3; i++)
		assert_int_equal(res.ptes[i], pml4 | P | RW | ACC);
	assert_int_equal(res.ptes[3], pml4 | P | RW | ACC | DIRTY);

	/* A table whose every entry points back at itself: bounded by the levels. */
	for (i = 0; i < 512; i++)
		put(pml4 + i * 8, pml4 | P | RW | US | ACC | DIRTY, 8);
	reset_counts();
	assert_int_equal(walk(&r, 0x00007fffdeadbeefULL, V3_ACC_USER, 0, &res), V3_WALK_OK);
	assert_int_equal(G.reads, 4);
	assert_int_equal(res.gpa, pml4 | 0xeef);
	/* A cycle of two tables in 32-bit paging. */
	r = regs_for(&T32);
	{
		u64 a = alloc_table(), b = alloc_table();

		for (i = 0; i < 1024; i++) {
			put(a + i * 4, b | P | RW, 4);
			put(b + i * 4, a | P | RW, 4);
		}
		r.cr3 = a;
		assert_int_equal(walk(&r, 0xffffffff, 0, 0, &res), V3_WALK_OK);
		assert_int_equal(res.gpa, a | 0xfff);
	}
}

static void test_noncanonical(void **state)
{
	static const struct {
		u64 la;
		bool canonical;
	} cases[] = {
		{ 0x00007fffffffffffULL, true },  { 0x0000800000000000ULL, false },
		{ 0xffff800000000000ULL, true },  { 0xffff7fffffffffffULL, false },
		{ 0x8000000000000000ULL, false }, { 0x0001000000000000ULL, false },
		{ 0xfffffffffffff000ULL, true },  { 0x7fff800000000000ULL, false },
	};
	struct v3_paging_regs r = regs_for(&T4L);
	struct v3_walk_result res;
	size_t i;

	(void)state;
	r.cr3 = alloc_table();
	for (i = 0; i < V3_ARRAY_SIZE(cases); i++) {
		reset_counts();
		if (cases[i].canonical) {
			assert_int_equal(walk(&r, cases[i].la, 0, 0, &res), V3_WALK_FAULT);
			assert_int_equal(G.reads, 1);
		} else {
			assert_int_equal(walk(&r, cases[i].la, 0, 0, &res), V3_WALK_NONCANONICAL);
			assert_int_equal(G.reads, 0);
		}
	}
	/* 32-bit linear addresses cannot be non-canonical: the upper half is dropped. */
	r = regs_for(&TPAE);
	r.cr3 = alloc_table();
	assert_int_equal(walk(&r, 0x0000800000000000ULL, 0, 0, &res), V3_WALK_FAULT);
}

static void test_bad_arguments(void **state)
{
	struct v3_paging_regs r = regs_for(&T4L);
	struct v3_guest_mem_ops no_cmpxchg = { .read = mem_read };
	struct v3_walk_result res;
	u64 egpa[4], la = test_la(&T4L);

	(void)state;
	build_default(&T4L, &r, la, 3, 0x5000, egpa);
	assert_int_equal(walk(&r, la, 0, 0, &res), V3_WALK_OK);
	assert_int_equal(walk(&r, la, V3_ACC_WRITE | V3_ACC_FETCH, 0, &res), -V3_EINVAL);
	assert_int_equal(walk(&r, la, V3_ACC_USER | V3_ACC_IMPLICIT_SUPERVISOR, 0, &res),
			 -V3_EINVAL);
	assert_int_equal(walk(&r, la, 1u << 3, 0, &res), -V3_EINVAL);
	assert_int_equal(walk(&r, la, 0, 2, &res), -V3_EINVAL);
	assert_int_equal(v3_walk(&r, &no_cmpxchg, &G, la, 0, V3_WALK_SET_AD, &res), -V3_EINVAL);
	assert_int_equal(v3_walk(&r, &no_cmpxchg, &G, la, 0, 0, &res), V3_WALK_OK);
	assert_int_equal(v3_walk(NULL, &ops, &G, la, 0, 0, &res), -V3_EINVAL);
	assert_int_equal(v3_walk(&r, NULL, &G, la, 0, 0, &res), -V3_EINVAL);
	assert_int_equal(v3_walk(&r, &ops, &G, la, 0, 0, NULL), -V3_EINVAL);
	r.maxphyaddr = 31;
	assert_int_equal(walk(&r, la, 0, 0, &res), -V3_EINVAL);
	r.maxphyaddr = 53;
	assert_int_equal(walk(&r, la, 0, 0, &res), -V3_EINVAL);
	r.maxphyaddr = 52;
	assert_int_equal(walk(&r, la, 0, 0, &res), V3_WALK_OK);
	/* Protection keys would refuse accesses the walker does not model. */
	r.cr4 |= CR4_PKE;
	assert_int_equal(walk(&r, la, 0, 0, &res), -V3_ENOTSUP);
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_format),
		TEST(test_paging_off_is_identity),
		TEST(test_translate_every_page_size),
		TEST(test_cr3_low_bits_ignored),
		TEST(test_32bit_ps_ignored_without_pse),
		TEST(test_pse36),
		TEST(test_reserved_bits),
		TEST(test_ps_bit),
		TEST(test_ignored_high_bits),
		TEST(test_not_present_each_level),
		TEST(test_fetch_flag_rules),
		TEST(test_permission_matrix),
		TEST(test_ad_without_flag_writes_nothing),
		TEST(test_ad_details),
		TEST(test_ad_race),
		TEST(test_ad_cmpxchg_error),
		TEST(test_tables_outside_ram),
		TEST(test_recursive_mappings),
		TEST(test_noncanonical),
		TEST(test_bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
