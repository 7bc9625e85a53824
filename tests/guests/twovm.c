// SPDX-License-Identifier: MIT
/*
 * Two VMs, one guest: built twice, as twovm-1 and twovm-2 (-DVM_ID=N),
 * each with its own config. Each fills its RAM above the image with a
 * pattern that includes its VM id, then re-reads it several times (so that
 * VMs run concurrently on two CPUs overlap in time) and finds only its own
 * pattern: neither VM sees the other's memory.
 */
#include "runtime.h"

#ifndef VM_ID
#error "build with -DVM_ID=N"
#endif

#define RAM_SIZE (64UL << 20) /* <memory>64</memory> in twovm-N.xml */
#define PASSES 4

static u64 pattern(u64 addr)
{
	return ((u64)VM_ID << 56) ^ (addr * 0x9e3779b97f4a7c15ULL) ^ ((u64)VM_ID * 0x0101010101ULL);
}

int guest_main(void)
{
	u64 start = (u64)__image_end, bad = 0;
	char what[96];

	rt_printf("twovm %d: filling 0x%lx-0x%lx with the VM %d pattern\n", VM_ID, start,
		  RAM_SIZE - 1, VM_ID);
	for (u64 a = start; a < RAM_SIZE; a += 8)
		*(volatile u64 *)a = pattern(a);
	for (unsigned int pass = 1; pass <= PASSES; pass++) {
		u64 bad_now = 0;

		for (u64 a = start; a < RAM_SIZE; a += 8) {
			u64 got = *(volatile u64 *)a;

			if (got != pattern(a) && bad_now++ < 4)
				rt_printf("twovm %d: 0x%lx holds 0x%lx (VM id byte %lu)\n",
					  VM_ID, a, got, got >> 56);
		}
		rt_printf("twovm %d: pass %u: %lu bad quadwords\n", VM_ID, pass, bad_now);
		bad += bad_now;
	}
	rt_snprintf(what, sizeof(what), "twovm %d: RAM holds only this VM's pattern (%d passes)",
		    VM_ID, PASSES);
	rt_check(bad == 0, what, "%lu bad quadwords", bad);
	return 0;
}
