// SPDX-License-Identifier: MIT
/*
 * paging-spaces: address spaces and page-table edits a shadow pager must
 * follow (docs/testing.md). Everything checked is architecturally defined
 * (SDM Vol. 3A 4.10.4), so the output, including the digest of all values
 * read, must be the same under nested and shadow paging:
 *
 *   - 8 address spaces (8 PML4s) mapping the same VA to different pages, with
 *     one page shared by all: 2000 CR3 switches in a pseudo-random order,
 *     reading and writing through each;
 *   - INVLPG after re-pointing a PTE and after making it read-only (a write
 *     must then fault) or writable again; a not-present PTE made present needs
 *     no invalidation;
 *   - a page table mapped writable through itself: the guest edits PTEs,
 *     including the window's own, through that mapping and uses them;
 *   - a recursive PML4 entry (slot 511): PML4E/PDPTE/PDE/PTE read and written
 *     through the recursive window;
 *   - page-table loops (a PDE pointing to its own PD, a PDPTE to its own PDPT):
 *     addresses that resolve through the loop read the table pages themselves;
 *   - global pages with CR4.PGE: after a CR3 write non-global translations are
 *     new; INVLPG of a global page, clearing CR4.PGE and a CR3 write with PGE=0
 *     drop the global translation. (Whether a global translation survives a
 *     CR3 write is not read: the CPU may keep it or not.)
 *
 * Output: PASS/FAIL lines, then "paging-spaces: N values read, digest 0x...".
 */
#include "runtime.h"

#define PTE_P (1UL << 0)
#define PTE_W (1UL << 1)
#define PTE_A (1UL << 5)
#define PTE_D (1UL << 6)
#define PTE_G (1UL << 8)
#define PTE_PW (PTE_P | PTE_W)
#define AD (PTE_A | PTE_D)
#define CR4_PGE (1UL << 7)
#define CR0_WP (1UL << 16)
#define PF_P 1
#define PF_W 2

#define NSPACES 8
#define VA 0x8000000000UL          /* PML4 slot 1, PDPT 0, PD 0: the test PT's pages */
#define VA_PD_LOOP (VA + 0x200000) /* PD slot 1 points to the PD itself */
#define VA_PDPT_LOOP (VA + 0x40000000) /* PDPT slot 1 points to the PDPT itself */
#define REC 511UL                  /* the recursive PML4 slot */
#define SWITCHES 2000
#define TAG(i) (0x5350414345000000UL | (u64)(i)) /* "SPACE" */
#define TAG_A 0x50414745414141UL
#define TAG_B 0x50414745424242UL

typedef u64 table[512];

static table pml4s[NSPACES] __attribute__((aligned(4096)));
static table pdpts[NSPACES] __attribute__((aligned(4096)));
static table pds[NSPACES] __attribute__((aligned(4096)));
static table pts[NSPACES] __attribute__((aligned(4096)));
static table pages[NSPACES] __attribute__((aligned(4096)));
static table shared, page_a, page_b __attribute__((aligned(4096)));
static u64 rt_cr3;
static u32 digest;
static unsigned int nreads;

static inline void write_cr3(u64 v)
{
	asm volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline void write_cr0(u64 v)
{
	asm volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline void write_cr4(u64 v)
{
	asm volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline void invlpg(u64 va)
{
	asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static u32 crc32_update(u32 crc, const void *data, size_t n)
{
	const u8 *p = data;

	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320U & -(crc & 1));
	}
	return ~crc;
}

/* A read through a test mapping, folded into the digest. */
static u64 rd(u64 va)
{
	u64 v;

	asm volatile("" : : : "memory");
	v = *(volatile u64 *)va;

	digest = crc32_update(digest, &v, sizeof(v));
	nreads++;
	return v;
}

/* A page-table entry read through a mapping: A and D are masked (the walks
 * through these windows set them, and whether they are already set when the
 * entry is read depends on the order of the CPU's own updates). */
static u64 rd_entry(u64 va)
{
	u64 v;

	asm volatile("" : : : "memory");
	v = *(volatile u64 *)va & ~AD;

	digest = crc32_update(digest, &v, sizeof(v));
	nreads++;
	return v;
}

/* Writes and reads through test mappings alias the tables and pages the
 * compiler sees as C objects: the barriers keep it from caching either side. */
static void wr(u64 va, u64 v)
{
	asm volatile("" : : : "memory");
	*(volatile u64 *)va = v;
	asm volatile("" : : : "memory");
}

/* A table or page read through the identity map. */
static u64 peek(const u64 *p)
{
	asm volatile("" : : : "memory");
	return *(const volatile u64 *)p;
}

static u64 pa(const void *p)
{
	return (u64)p; /* the runtime's identity map */
}

static u32 lcg_state = 4242;

static u32 lcg(void)
{
	lcg_state = lcg_state * 1103515245 + 12345;
	return lcg_state >> 16;
}

static void build_spaces(void)
{
	const u64 *rt_pml4 = (const u64 *)(rt_cr3 & ~0xfffUL);

	for (int i = 0; i < NSPACES; i++) {
		pml4s[i][0] = rt_pml4[0]; /* the identity map: code, data, stack */
		pml4s[i][VA >> 39] = pa(pdpts[i]) | PTE_PW;
		pdpts[i][0] = pa(pds[i]) | PTE_PW;
		pds[i][0] = pa(pts[i]) | PTE_PW;
		pts[i][0] = pa(pages[i]) | PTE_PW;
		pts[i][1] = pa(shared) | PTE_PW;
		pages[i][0] = TAG(i);
	}
	page_a[0] = TAG_A;
	page_b[0] = TAG_B;
}

static void space(int i)
{
	write_cr3(pa(pml4s[i]));
}

static void test_switches(void)
{
	u64 last[NSPACES] = { 0 };
	unsigned int bad_tag = 0, bad_last = 0;
	u64 i;

	for (i = 1; i <= SWITCHES; i++) {
		int s = (int)(lcg() % NSPACES);

		space(s);
		if (rd(VA) != TAG(s))
			bad_tag++;
		if (rd(VA + 8) != last[s])
			bad_last++;
		wr(VA + 8, i);
		last[s] = i;
		wr(VA + 0x1000 + 8 * (u64)s, i);
		wr(VA + 0x1000 + 0x800, i);
	}
	space(0);
	CHECK_EQ(bad_tag, 0, "spaces: each of 2000 CR3 switches shows its space's page at the VA");
	CHECK_EQ(bad_last, 0, "spaces: each page holds what was last written through its space");
	for (int s = 0; s < NSPACES; s++)
		if (peek(&pages[s][1]) != last[s] || peek(&shared[s]) != last[s])
			bad_last++;
	CHECK_EQ(bad_last, 0, "spaces: the private and the shared pages hold the last writes");
	CHECK_EQ(rd(VA + 0x1000 + 0x800), SWITCHES, "spaces: the shared page is one page in all spaces");
}

static void test_invlpg(void)
{
	unsigned int bad = 0;
	bool hit;

	space(0);
	pts[0][2] = pa(page_a) | PTE_PW;
	invlpg(VA + 0x2000);
	for (int k = 0; k < 64; k++) {
		if (rd(VA + 0x2000) != (k & 1 ? TAG_B : TAG_A))
			bad++;
		pts[0][2] = pa(k & 1 ? page_a : page_b) | PTE_PW;
		invlpg(VA + 0x2000);
	}
	CHECK_EQ(bad, 0, "invlpg: 64 re-pointed PTEs are seen after INVLPG");

	write_cr0(read_cr0() | CR0_WP); /* else CPL 0 writes ignore R/W */
	pts[0][2] = pa(page_a) | PTE_P;
	invlpg(VA + 0x2000);
	hit = EXPECT_EXCEPTION(EXC_PF, "", "movq $1, (%0)", "r"(VA + 0x2010));
	rt_check(hit && rt_last_fault.error == (PF_P | PF_W) && rt_last_fault.cr2 == VA + 0x2010,
		 "invlpg: a PTE made read-only faults on write after INVLPG",
		 "caught %d error 0x%lx cr2 0x%lx", hit, rt_last_fault.error, rt_last_fault.cr2);
	CHECK_EQ(peek(&page_a[2]), 0, "invlpg: the faulting write did not happen");
	pts[0][2] = pa(page_a) | PTE_PW;
	invlpg(VA + 0x2000);
	wr(VA + 0x2010, 0x77);
	CHECK_EQ(peek(&page_a[2]), 0x77, "invlpg: writable again after INVLPG");
	write_cr0(read_cr0() & ~CR0_WP);
	page_a[2] = 0;

	pts[0][3] = 0;
	invlpg(VA + 0x3000);
	hit = EXPECT_EXCEPTION(EXC_PF, "", "movq (%0), %%rax", "r"(VA + 0x3000));
	rt_check(hit && rt_last_fault.error == 0 && rt_last_fault.cr2 == VA + 0x3000,
		 "invlpg: a not-present PTE faults with error 0",
		 "caught %d error 0x%lx cr2 0x%lx", hit, rt_last_fault.error, rt_last_fault.cr2);
	pts[0][3] = pa(page_b) | PTE_PW; /* P 0 -> 1: no invalidation needed (SDM 4.10.4.3) */
	CHECK_EQ(rd(VA + 0x3000), TAG_B, "invlpg: a PTE made present is used without INVLPG");
}

static void test_self_map(void)
{
	const u64 win = VA + 0x4000; /* PT slot 4 maps the PT itself */

	space(0);
	pts[0][4] = pa(pts[0]) | PTE_PW;
	invlpg(win);
	CHECK_EQ(rd_entry(win), pa(pages[0]) | PTE_PW,
		 "self-map: the page table read through itself shows its PTE 0");
	CHECK_EQ(rd_entry(win + 4 * 8), pa(pts[0]) | PTE_PW,
		 "self-map: and the window's own PTE");
	wr(win + 5 * 8, pa(page_b) | PTE_PW);
	CHECK_EQ(peek(&pts[0][5]), pa(page_b) | PTE_PW, "self-map: a PTE written through the window");
	invlpg(VA + 0x5000);
	CHECK_EQ(rd(VA + 0x5000), TAG_B, "self-map: the PTE written through the window is used");
	wr(win + 5 * 8, pa(page_a) | PTE_PW);
	invlpg(VA + 0x5000);
	CHECK_EQ(rd(VA + 0x5000), TAG_A, "self-map: re-pointed through the window and INVLPG");
	wr(win + 4 * 8, pa(page_b) | PTE_PW); /* the window re-points itself */
	invlpg(win);
	CHECK_EQ(rd(win), TAG_B, "self-map: the window's own PTE re-pointed through itself");
	pts[0][4] = pts[0][5] = 0;
	invlpg(win);
	invlpg(VA + 0x5000);
}

/* Recursive-window addresses of the entries that map va (slot REC). */
static u64 canon(u64 v)
{
	return (v & (1UL << 47)) ? v | 0xffff000000000000UL : v;
}

static u64 rec_pte(u64 va)
{
	return canon((REC << 39) | ((va >> 9) & 0x7ffffffff8UL));
}

static u64 rec_pde(u64 va)
{
	return canon((REC << 39) | (REC << 30) | ((va >> 18) & 0x3ffffff8UL));
}

static u64 rec_pdpte(u64 va)
{
	return canon((REC << 39) | (REC << 30) | (REC << 21) | ((va >> 27) & 0x1ff8UL));
}

static u64 rec_pml4e(u64 va)
{
	return canon((REC << 39) | (REC << 30) | (REC << 21) | (REC << 12) | ((va >> 36) & 0xff8UL));
}

static void test_recursive(void)
{
	space(1);
	pml4s[1][REC] = pa(pml4s[1]) | PTE_PW;
	write_cr3(pa(pml4s[1]));
	CHECK_EQ(rd_entry(rec_pte(VA)), pa(pages[1]) | PTE_PW, "recursive: PTE read through slot 511");
	CHECK_EQ(rd_entry(rec_pde(VA)), pa(pts[1]) | PTE_PW, "recursive: PDE read through slot 511");
	CHECK_EQ(rd_entry(rec_pdpte(VA)), pa(pds[1]) | PTE_PW,
		 "recursive: PDPTE read through slot 511");
	CHECK_EQ(rd_entry(rec_pml4e(VA)), pa(pdpts[1]) | PTE_PW,
		 "recursive: PML4E read through slot 511");
	CHECK_EQ(rd_entry(rec_pml4e(canon(REC << 39))), pa(pml4s[1]) | PTE_PW,
		 "recursive: the recursive entry reads itself");
	wr(rec_pte(VA + 0x6000), pa(page_b) | PTE_PW);
	CHECK_EQ(peek(&pts[1][6]), pa(page_b) | PTE_PW, "recursive: a PTE written through slot 511");
	invlpg(VA + 0x6000);
	CHECK_EQ(rd(VA + 0x6000), TAG_B, "recursive: the PTE written is used");
	wr(rec_pte(VA), pa(page_a) | PTE_PW);
	invlpg(VA);
	CHECK_EQ(rd(VA), TAG_A, "recursive: an existing PTE re-pointed through slot 511 and INVLPG");
	wr(rec_pte(VA), pa(pages[1]) | PTE_PW);
	invlpg(VA);
	CHECK_EQ(rd(VA), TAG(1), "recursive: and back");
	/* A new page table reached only through the window: PDE 2 -> page_b as a PT. */
	page_b[1] = pa(page_a) | PTE_PW;
	wr(rec_pde(VA + 0x400000), pa(page_b) | PTE_PW);
	invlpg(VA + 0x401000);
	CHECK_EQ(rd_entry(rec_pte(VA + 0x401000)), pa(page_a) | PTE_PW,
		 "recursive: a PT installed through the window is seen through it");
	CHECK_EQ(rd(VA + 0x401000), TAG_A, "recursive: and translates");
	page_b[1] = 0;
	pds[1][2] = 0;
	pts[1][6] = 0;
	pml4s[1][REC] = 0;
	write_cr3(pa(pml4s[1]));
}

static void test_loops(void)
{
	space(2);
	pds[2][1] = pa(pds[2]) | PTE_PW;     /* PDE 1 -> its own PD */
	pdpts[2][1] = pa(pdpts[2]) | PTE_PW; /* PDPTE 1 -> its own PDPT */
	write_cr3(pa(pml4s[2]));
	/* VA_PD_LOOP + k pages: PDE 1 makes the PD the page table; PTE k = PDE k. */
	CHECK_EQ(rd_entry(VA_PD_LOOP), pa(pages[2]) | PTE_PW,
		 "loop: PD -> itself, PTE 0 of the PT used as a page");
	CHECK_EQ(rd_entry(VA_PD_LOOP + 0x1000 + 8), pa(pds[2]) | PTE_PW,
		 "loop: PD -> itself twice: the PD is the page");
	CHECK_EQ(rd(VA_PD_LOOP + 0x1000 + 0x100), 0, "loop: an empty PDE read through the loop");
	/* VA_PDPT_LOOP: PDPTE 1 makes the PDPT the PD, PDE 0 = PDPTE 0 makes the PD the PT. */
	CHECK_EQ(rd_entry(VA_PDPT_LOOP), pa(pages[2]) | PTE_PW,
		 "loop: PDPT -> itself, the PD as a page table: the PT is the page");
	CHECK_EQ(rd_entry(VA_PDPT_LOOP + 0x200000 + 0x1000 + 8), pa(pdpts[2]) | PTE_PW,
		 "loop: PDPT -> itself three times: the PDPT is the page");
	CHECK_EQ(rd_entry(VA_PDPT_LOOP + 0x1000), pa(pts[2]) | PTE_PW,
		 "loop: PDPT -> itself, then PD -> itself: the PD is the page");
	/* A write through the loop edits the PD: PDE 3 -> a new PT (page_b). */
	page_b[5] = pa(page_a) | PTE_PW;
	wr(VA_PD_LOOP + 0x1000 + 3 * 8, pa(page_b) | PTE_PW);
	CHECK_EQ(peek(&pds[2][3]), pa(page_b) | PTE_PW, "loop: a PDE written through the loop");
	invlpg(VA + 0x600000 + 0x5000);
	CHECK_EQ(rd(VA + 0x600000 + 0x5000), TAG_A, "loop: the PDE written through the loop is used");
	page_b[5] = 0;
	pds[2][1] = pds[2][3] = 0;
	pdpts[2][1] = 0;
	write_cr3(pa(pml4s[2]));
}

static void test_global(void)
{
	const u64 va_g = VA + 0x7000, va_n = VA + 0x8000;
	u64 cr4 = read_cr4();

	if (!(cpuid(1, 0).edx & (1U << 13))) {
		rt_printf("paging-spaces: no PGE: global pages not tested\n");
		return;
	}
	pts[3][7] = pa(page_a) | PTE_PW | PTE_G;
	pts[4][7] = pa(page_b) | PTE_PW;
	pts[3][8] = pa(page_a) | PTE_PW;
	pts[4][8] = pa(page_b) | PTE_PW;
	write_cr4(cr4 | CR4_PGE);
	space(3);
	CHECK_EQ(rd(va_g), TAG_A, "global: space 3 reads its global page");
	CHECK_EQ(rd(va_n), TAG_A, "global: space 3 reads its non-global page");
	space(4);
	CHECK_EQ(rd(va_n), TAG_B, "global: after a CR3 write the non-global translation is new");
	write_cr4(cr4 & ~CR4_PGE);
	write_cr4(cr4 | CR4_PGE);
	CHECK_EQ(rd(va_g), TAG_B, "global: clearing CR4.PGE drops the global translation");
	space(3);
	CHECK_EQ(rd(va_g), TAG_A, "global: space 3 again (its global page)");
	space(4);
	invlpg(va_g);
	CHECK_EQ(rd(va_g), TAG_B, "global: INVLPG drops a global translation");
	write_cr4(cr4 & ~CR4_PGE);
	space(3);
	CHECK_EQ(rd(va_g), TAG_A, "global: with CR4.PGE=0 the G bit is ignored");
	space(4);
	CHECK_EQ(rd(va_g), TAG_B, "global: with CR4.PGE=0 a CR3 write drops every translation");
	write_cr4(cr4);
}

int guest_main(void)
{
	rt_cr3 = read_cr3();
	build_spaces();
	test_switches();
	test_invlpg();
	test_self_map();
	test_recursive();
	test_loops();
	test_global();
	write_cr3(rt_cr3);
	rt_printf("paging-spaces: %u values read, digest 0x%08x\n", nreads, digest);
	return 0;
}
