/* SPDX-License-Identifier: MIT */
/*
 * The compute kernel of bench/exit-cost, shared by the guest and by
 * host-kitten's native run (hk.test=bench-compute) so both execute the same
 * instructions: an integer hash chain with no memory traffic and no exits.
 */
#ifndef BENCH_COMPUTE_H
#define BENCH_COMPUTE_H

static inline unsigned long long bench_compute(unsigned long long iterations)
{
	unsigned long long x = 0x9e3779b97f4a7c15ULL;

	for (unsigned long long i = 0; i < iterations; i++) {
		x ^= x >> 29;
		x *= 0xbf58476d1ce4e5b9ULL;
		x += i;
	}
	return x;
}

#endif
