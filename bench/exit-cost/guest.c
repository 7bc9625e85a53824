/* SPDX-License-Identifier: MIT */
/*
 * bench/exit-cost guest, on the test-guest runtime (tests/guests/rt: it climbs
 * from real to long mode, so the compute loop runs the same 64-bit code as
 * host-kitten's native run). Times N round trips of each exit kind with
 * RDTSC and a compute loop that must cause no exit at all, and prints
 * "bench KIND N TICKS" lines; run.sh turns ticks into round trips per second
 * with the TSC rate the host printed, and reads the exact exit counts from
 * the VMM's statistics.
 */
#include "runtime.h"

#include "exit-cost/compute.h"

#define N_EXITS 20000
#define N_COMPUTE 20000000ULL

static void report(const char *kind, u64 n, u64 ticks)
{
	rt_printf("bench %s %lu %lu\n", kind, n, ticks);
}

static void bench_cpuid(void)
{
	u64 t0 = rdtsc();

	for (int i = 0; i < N_EXITS; i++)
		(void)cpuid(0, 0);
	report("cpuid", N_EXITS, rdtsc() - t0);
}

/* The vendor's own instruction (rt_hypercall picks it): the other costs a #UD exit more. */
static void bench_hypercall(void)
{
	u64 t0 = rdtsc();

	for (int i = 0; i < N_EXITS; i++) {
		struct rt_hcall h = { .rax = HC_PING };

		rt_hypercall(&h);
	}
	report("hypercall", N_EXITS, rdtsc() - t0);
}

static void bench_portio(void)
{
	u64 t0 = rdtsc();

	for (int i = 0; i < N_EXITS; i++)
		outb(0x80, (u8)i);
	report("portio", N_EXITS, rdtsc() - t0);
}

static void bench_compute_loop(void)
{
	u64 t0 = rdtsc();
	u64 x = bench_compute(N_COMPUTE);

	report("compute", N_COMPUTE, rdtsc() - t0);
	/* Use the result so the loop cannot be optimized away. */
	if (!x)
		rt_puts("bench compute result 0\n");
}

int guest_main(void)
{
	rt_puts("bench start\n");
	bench_cpuid();
	bench_hypercall();
	bench_portio();
	bench_compute_loop();
	rt_puts("bench done\n");
	return 0;
}
