/* SPDX-License-Identifier: MIT */
/*
 * Built-in self-tests, chosen with hk.test=NAME on the command line. Each
 * checks what it did from the outside (memory contents, counts) and reports
 * one "hk: NAME: ..." line per step; failure returns a negative error.
 *
 *   bigalloc   allocate a physically contiguous block (hk.bigalloc_mib, default
 *              1024), write and verify every word, free it, and check that the
 *              memory comes back.
 *   fault      touch an unmapped address: the page fault must end the run with
 *              a register dump (status 1), proving the exception path.
 *   bench-compute
 *              run bench/exit-cost's compute kernel natively, for the
 *              virtualized/native ratio in its report.
 *   cpudump    print every CPUID leaf and the virtualization MSRs in the format
 *              of tests/unit/data/cpus/ (recorded CPUs the unit tests replay).
 */
#include <arch/x86.h>
#include "hk.h"
#include "lib/string.h"
#include "mm/mem.h"
#include "exit-cost/compute.h"

#define MiB (1UL << 20)

/* A pattern that differs in every word, so aliasing or a lost write shows. */
static inline u64 pattern(u64 addr)
{
	return (addr * 0x9e3779b97f4a7c15UL) ^ 0x5a5a5a5a5a5a5a5aUL;
}

static int test_bigalloc(void)
{
	const char *arg = hk_cmdline_get("hk.bigalloc_mib");
	u64 mib = arg ? v3_strtoull(arg, NULL, 0) : 1024;
	u64 npages = mib * MiB / V3_PAGE_SIZE;
	u64 free_before = hk_mem_free_pages();
	u64 pa, pa2, t0, t_write, t_verify, bad = 0;
	volatile u64 *p;

	if (!npages)
		return -V3_EINVAL;
	t0 = x86_rdtsc();
	pa = hk_alloc_pages(npages, V3_LARGE_PAGE_SIZE);
	if (!pa) {
		hk_printf("hk: bigalloc: FAILED to allocate %lu MiB (largest 2 MiB-aligned free run "
			  "%lu MiB, %lu MiB free)\n", mib,
			  hk_mem_largest_free_run(V3_LARGE_PAGE_SIZE) * V3_PAGE_SIZE / MiB,
			  free_before * V3_PAGE_SIZE / MiB);
		return -V3_ENOMEM;
	}
	hk_printf("hk: bigalloc: allocated %lu MiB physically contiguous at 0x%lx-0x%lx "
		  "(2 MiB aligned) in %lu us\n", mib, pa, pa + npages * V3_PAGE_SIZE - 1,
		  hk_tsc_to_us(x86_rdtsc() - t0));
	if (hk_mem_free_pages() != free_before - npages) {
		hk_printf("hk: bigalloc: FAILED: free pages %lu, expected %lu\n",
			  hk_mem_free_pages(), free_before - npages);
		return -V3_EIO;
	}

	p = (volatile u64 *)(uintptr_t)pa;
	t0 = x86_rdtsc();
	for (u64 i = 0; i < npages * V3_PAGE_SIZE / 8; i++)
		p[i] = pattern(pa + i * 8);
	t_write = x86_rdtsc() - t0;
	t0 = x86_rdtsc();
	for (u64 i = 0; i < npages * V3_PAGE_SIZE / 8; i++)
		if (p[i] != pattern(pa + i * 8) && bad++ == 0)
			hk_printf("hk: bigalloc: FAILED: word at 0x%lx reads 0x%lx, wrote 0x%lx\n",
				  pa + i * 8, p[i], pattern(pa + i * 8));
	t_verify = x86_rdtsc() - t0;
	if (bad) {
		hk_printf("hk: bigalloc: FAILED: %lu bad words\n", bad);
		return -V3_EIO;
	}
	hk_printf("hk: bigalloc: wrote and verified %lu MiB (write %lu ms, verify %lu ms)\n", mib,
		  hk_tsc_to_us(t_write) / 1000, hk_tsc_to_us(t_verify) / 1000);

	hk_free_pages(pa, npages);
	if (hk_mem_free_pages() != free_before) {
		hk_printf("hk: bigalloc: FAILED: %lu pages free after free, %lu before\n",
			  hk_mem_free_pages(), free_before);
		return -V3_EIO;
	}
	/* The block must be whole again: the same request succeeds once more. */
	pa2 = hk_alloc_pages(npages, V3_LARGE_PAGE_SIZE);
	if (!pa2) {
		hk_printf("hk: bigalloc: FAILED: could not allocate %lu MiB again after free\n", mib);
		return -V3_ENOMEM;
	}
	hk_free_pages(pa2, npages);
	hk_printf("hk: bigalloc: freed; %lu MiB free again, reallocation ok\n",
		  hk_mem_free_pages() * V3_PAGE_SIZE / MiB);
	return 0;
}

static void dump_cpuid_range(u32 first)
{
	struct x86_cpuid r;
	u32 last;

	x86_cpuid(first, 0, &r);
	last = r.eax;
	if (last < first || last > first + 0x40)
		last = first;
	for (u32 leaf = first; leaf <= last; leaf++) {
		/* Leaves 4, 7, 0xb, 0xd take subleaves; 0..3 covers what the VMM reads. */
		u32 nsub = (leaf == 4 || leaf == 7 || leaf == 0xb || leaf == 0xd) ? 4 : 1;

		for (u32 sub = 0; sub < nsub; sub++) {
			x86_cpuid(leaf, sub, &r);
			hk_printf("cpuid %08x %x: %08x %08x %08x %08x\n", leaf, sub, r.eax, r.ebx,
				  r.ecx, r.edx);
		}
	}
}

static int cpudump(void)
{
	struct x86_cpuid r;

	dump_cpuid_range(0);
	dump_cpuid_range(0x80000000);
	x86_cpuid(0x80000001, 0, &r);
	if (r.ecx & (1u << 2))
		hk_printf("msr %08x: %016lx\n", 0xc0010114, x86_rdmsr(0xc0010114));
	x86_cpuid(1, 0, &r);
	if (r.ecx & (1u << 5)) {
		u64 basic = x86_rdmsr(0x480), procbased = x86_rdmsr(0x482), secondary = 0;

		/* Only the MSRs the capability bits say exist (SDM Vol. 3D App. A). */
		hk_printf("msr %08x: %016lx\n", 0x3a, x86_rdmsr(0x3a));
		for (u32 msr = 0x480; msr <= 0x48a; msr++)
			hk_printf("msr %08x: %016lx\n", msr, x86_rdmsr(msr));
		if (procbased & (1UL << 63)) {
			secondary = x86_rdmsr(0x48b);
			hk_printf("msr %08x: %016lx\n", 0x48b, secondary);
		}
		if (secondary & ((1UL << 33) | (1UL << 37)))  /* EPT or VPID allowed */
			hk_printf("msr %08x: %016lx\n", 0x48c, x86_rdmsr(0x48c));
		if (basic & (1UL << 55))
			for (u32 msr = 0x48d; msr <= 0x490; msr++)
				hk_printf("msr %08x: %016lx\n", msr, x86_rdmsr(msr));
	}
	return 0;
}

/* Canonical, but PML4 slot 254 is never mapped by host-kitten. */
#define UNMAPPED_VA 0x00007f0000000000UL

static int fault(void)
{
	volatile u64 *p = (volatile u64 *)UNMAPPED_VA;

	hk_printf("hk: fault: reading 0x%lx, which is not mapped\n", UNMAPPED_VA);
	(void)*p;
	hk_printf("hk: fault: FAILED: the read did not fault\n");
	return -V3_EFAULT;
}

/* The guest's iteration count (bench/exit-cost/guest.c N_COMPUTE). */
#define BENCH_COMPUTE_ITERATIONS 20000000ULL

static int bench_compute_native(void)
{
	u64 t0 = x86_rdtsc();
	u64 x = bench_compute(BENCH_COMPUTE_ITERATIONS);
	u64 ticks = x86_rdtsc() - t0;

	hk_printf("bench native-compute %llu %lu%s\n", BENCH_COMPUTE_ITERATIONS, ticks, x ? "" : " ");
	return 0;
}

int hk_run_selftest(const char *name)
{
	if (!v3_strcmp(name, "bench-compute"))
		return bench_compute_native();
	if (!v3_strncmp(name, "vmx-", 4))
		return hk_selftest_vmx(name);
	if (!v3_strcmp(name, "fault"))
		return fault();
	if (!v3_strcmp(name, "bigalloc"))
		return test_bigalloc();
	if (!v3_strcmp(name, "cpudump"))
		return cpudump();
	hk_printf("hk: unknown self-test \"%s\" (known: bigalloc, bench-compute, cpudump, fault, vmx-bad-guest, vmx-preempt)\n", name);
	return -V3_ENOENT;
}
