// SPDX-License-Identifier: MIT
/*
 * gups: a GUPS-like (random access) benchmark guest for bench/paging, TLB-miss heavy.
 *
 * The guest builds its own 4-level page tables with 4 KiB pages over a large array
 * (GUPS_ARRAY_MB MiB of guest-physical memory at ARRAY_PA, mapped at ARRAY_VA through
 * PML4 slot 1; slot 0 keeps the runtime's identity map of 4 GiB in 2 MiB pages, where the
 * code, stack and console live), loads it, and does GUPS_UPDATES random read-modify-write
 * updates of the array's quadwords: a[i] ^= x with x from a fixed-seed xorshift64 and i
 * from x. Every value read is folded into a checksum, so the printed checksum depends on
 * every translation being right; it is the same under any correct paging mode.
 *
 * With GUPS_SPACES > 1 there are that many address spaces (own PML4, PDPT, PD and page
 * tables each), all mapping the same array at ARRAY_VA but rotated: in space s, virtual
 * page j maps physical page (j + s * ROTATE) mod pages. The guest switches CR3 round-robin
 * every GUPS_SWITCH updates, so a shadow pager that keeps address spaces across CR3 writes
 * (the address-space cache) shows its hits, and a virtual TLB refills after each switch.
 *
 * Output (port 0xe9):
 *   gups: SPACES spaces, ARRAY MiB array, UPDATES updates, switch every K
 *   gups: start
 *   gups: done: checksum 0x..., C TSC cycles, S CR3 switches
 * The TSC is the guest's (RDTSC, not intercepted); under QEMU TCG it is emulated time.
 */
#include "runtime.h"

#ifndef GUPS_SPACES
#define GUPS_SPACES 1
#endif
#ifndef GUPS_ARRAY_MB
#define GUPS_ARRAY_MB 256
#endif
#ifndef GUPS_UPDATES
#define GUPS_UPDATES (1UL << 21)
#endif
#ifndef GUPS_SWITCH
#define GUPS_SWITCH 4096
#endif

#define PTE_P (1UL << 0)
#define PTE_W (1UL << 1)
#define PTE_PW (PTE_P | PTE_W)
#define PAGE 4096UL

#define TABLES_PA 0x1000000UL	/* 16 MiB: the page tables of the spaces */
#define ARRAY_PA 0x8000000UL	/* 128 MiB: the array */
#define ARRAY_VA 0x8000000000UL	/* PML4 slot 1 */
#define ARRAY_BYTES ((u64)GUPS_ARRAY_MB << 20)
#define NPAGES (ARRAY_BYTES / PAGE)
#define NPTS ((NPAGES + 511) / 512)
#define NWORDS (ARRAY_BYTES / 8)
#define ROTATE 4099UL		/* pages; odd, so the spaces differ */
#define SPACE_TABLES (3 + NPTS)	/* PML4, PDPT, PD, page tables */

_Static_assert((NWORDS & (NWORDS - 1)) == 0, "the array is a power of two of quadwords");
_Static_assert(NPTS <= 512, "one page directory maps the array");
_Static_assert(TABLES_PA + GUPS_SPACES * SPACE_TABLES * PAGE <= ARRAY_PA, "tables fit");

static inline void write_cr3(u64 v)
{
	asm volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static u64 *table(u64 pa)
{
	return (u64 *)pa; /* the runtime's identity map */
}

/* Builds address space s; returns its CR3. */
static u64 build_space(unsigned int s, u64 rt_cr3)
{
	u64 base = TABLES_PA + (u64)s * SPACE_TABLES * PAGE;
	u64 pml4 = base, pdpt = base + PAGE, pd = base + 2 * PAGE, pts = base + 3 * PAGE;

	memset(table(base), 0, SPACE_TABLES * PAGE);
	table(pml4)[0] = table(rt_cr3 & ~0xfffUL)[0];
	table(pml4)[1] = pdpt | PTE_PW;
	table(pdpt)[0] = pd | PTE_PW;
	for (u64 t = 0; t < NPTS; t++)
		table(pd)[t] = (pts + t * PAGE) | PTE_PW;
	for (u64 j = 0; j < NPAGES; j++) {
		u64 phys = (j + (u64)s * ROTATE) % NPAGES;

		table(pts)[j] = (ARRAY_PA + phys * PAGE) | PTE_PW;
	}
	return pml4;
}

int guest_main(void)
{
	u64 rt_cr3 = read_cr3(), cr3[GUPS_SPACES];
	volatile u64 *a = (volatile u64 *)ARRAY_VA;
	u64 x = 0x2545f4914f6cdd1dULL, ck = 0, t0, t1, switches = 0;
	unsigned int s = 0;

	rt_printf("gups: %u spaces, %lu MiB array, %lu updates, switch every %lu\n",
		  GUPS_SPACES, (u64)GUPS_ARRAY_MB, (u64)GUPS_UPDATES,
		  GUPS_SPACES > 1 ? (u64)GUPS_SWITCH : 0UL);
	for (unsigned int i = 0; i < GUPS_SPACES; i++)
		cr3[i] = build_space(i, rt_cr3);
	write_cr3(cr3[0]);
	rt_printf("gups: start\n");
	t0 = rdtsc();
	for (u64 n = 0; n < GUPS_UPDATES; n++) {
		u64 i, v;

		if (GUPS_SPACES > 1 && n && n % GUPS_SWITCH == 0) {
			s = (s + 1) % GUPS_SPACES;
			write_cr3(cr3[s]);
			switches++;
		}
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		i = (x >> 11) & (NWORDS - 1);
		v = a[i];
		a[i] = v ^ x;
		ck = (ck + v) * 0x9e3779b97f4a7c15ULL + (i ^ s);
	}
	t1 = rdtsc();
	write_cr3(rt_cr3);
	rt_printf("gups: done: checksum 0x%016lx, %lu TSC cycles, %lu CR3 switches\n", ck, t1 - t0,
		  switches);
	return 0;
}
