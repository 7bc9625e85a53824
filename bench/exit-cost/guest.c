/* SPDX-License-Identifier: MIT */
/*
 * bench/exit-cost guest: flat 32-bit protected mode (<boot mode="protected">).
 * Times N round trips of each exit kind with RDTSC, and a compute loop that
 * must cause no exit at all. Prints "bench KIND N TICKS" lines on port 0xe9;
 * run.sh turns ticks into round trips per second with the TSC rate the host
 * printed, and reads the exact exit counts from the VMM's statistics.
 */
#include "compute.h"

#define N_EXITS 20000
#define N_COMPUTE 20000000ULL

static inline void outb(unsigned short port, unsigned char v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline unsigned long long rdtsc(void)
{
	unsigned int lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((unsigned long long)hi << 32) | lo;
}

static void puts_e9(const char *s)
{
	while (*s)
		outb(0xe9, (unsigned char)*s++);
}

static void put_u64(unsigned long long v)
{
	char buf[24];
	int i = 23;

	buf[i] = '\0';
	do {
		/* Divide by 10 without libgcc's 64-bit division. */
		unsigned long long q = 0, r = v;

		for (int bit = 63; bit >= 0; bit--) {
			if ((r >> bit) >= 10) {
				q |= 1ULL << bit;
				r -= 10ULL << bit;
			}
		}
		buf[--i] = (char)('0' + r);
		v = q;
	} while (v);
	puts_e9(&buf[i]);
}

static void report(const char *kind, unsigned long long n, unsigned long long ticks)
{
	puts_e9("bench ");
	puts_e9(kind);
	puts_e9(" ");
	put_u64(n);
	puts_e9(" ");
	put_u64(ticks);
	puts_e9("\n");
}

static void bench_cpuid(void)
{
	unsigned long long t0 = rdtsc();

	for (int i = 0; i < N_EXITS; i++) {
		unsigned int a = 0, b, c = 0, d;

		__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	}
	report("cpuid", N_EXITS, rdtsc() - t0);
}

static int intel;

static void bench_hypercall(void)
{
	unsigned long long t0 = rdtsc();

	for (int i = 0; i < N_EXITS; i++) {
		unsigned int a = 1, b;

		if (intel)
			__asm__ volatile("vmcall" : "+a"(a), "=b"(b) : : "memory");
		else
			__asm__ volatile("vmmcall" : "+a"(a), "=b"(b) : : "memory");
	}
	report("hypercall", N_EXITS, rdtsc() - t0);
}

static void bench_portio(void)
{
	unsigned long long t0 = rdtsc();

	for (int i = 0; i < N_EXITS; i++)
		outb(0x80, (unsigned char)i);
	report("portio", N_EXITS, rdtsc() - t0);
}

static void bench_compute_loop(void)
{
	unsigned long long t0 = rdtsc();
	unsigned long long x = bench_compute(N_COMPUTE);

	report("compute", N_COMPUTE, rdtsc() - t0);
	/* Use the result so the loop is not optimized away. */
	puts_e9(x ? "" : " \n");
}

void guest_main(void);

void guest_main(void)
{
	unsigned int a = 0, b, c = 0, d;

	/* The vendor's own hypercall instruction: the other one costs a #UD exit more. */
	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	intel = b == 0x756e6547;  /* "Genu" */
	puts_e9(intel ? "bench start vmcall\n" : "bench start vmmcall\n");
	bench_cpuid();
	bench_hypercall();
	bench_portio();
	puts_e9("bench compute-begin\n");
	bench_compute_loop();
	puts_e9("bench done\n");
	if (intel)
		__asm__ volatile("vmcall" : : "a"(2), "b"(0));
	else
		__asm__ volatile("vmmcall" : : "a"(2), "b"(0));
	for (;;)
		__asm__ volatile("hlt");
}
