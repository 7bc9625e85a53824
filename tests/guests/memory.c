// SPDX-License-Identifier: MIT
/*
 * Guest memory (palacios/src/mem.c, nested paging): an address-dependent
 * pattern written over all RAM above the guest image and read back, the
 * last byte and quadword of RAM, and - with <unmapped action="ones"/> in
 * memory.xml - the guest-physical space past the end of RAM: reads return
 * all ones at every width, writes are dropped.
 */
#include "runtime.h"

#define RAM_SIZE (64UL << 20) /* <memory>64</memory> in memory.xml */

static u64 pattern(u64 addr)
{
	return (addr * 0x9e3779b97f4a7c15ULL) ^ (addr << 3) ^ 0x5a5a5a5a00000000ULL;
}

/* Writes, then verifies, [start, end); returns the number of bad quadwords. */
static u64 pattern_test(u64 start, u64 end, bool invert)
{
	u64 bad = 0, inv = invert ? ~0ULL : 0;

	for (u64 a = start; a < end; a += 8)
		*(volatile u64 *)a = pattern(a) ^ inv;
	for (u64 a = start; a < end; a += 8) {
		u64 got = *(volatile u64 *)a, want = pattern(a) ^ inv;

		if (got != want && bad++ < 4)
			rt_printf("memory: 0x%lx holds 0x%lx, wrote 0x%lx\n", a, got, want);
	}
	return bad;
}

int guest_main(void)
{
	u64 start = (u64)__image_end, bad;
	volatile u8 *last = (volatile u8 *)(RAM_SIZE - 1);
	volatile u8 *past = (volatile u8 *)RAM_SIZE;
	volatile u64 *past64 = (volatile u64 *)RAM_SIZE;
	volatile u32 *far32 = (volatile u32 *)0x80000000UL;

	rt_printf("memory: testing 0x%lx-0x%lx (%lu KiB)\n", start, RAM_SIZE - 1,
		  (RAM_SIZE - start) >> 10);
	bad = pattern_test(start, RAM_SIZE, false);
	rt_check(bad == 0, "RAM above the image: an address-dependent pattern reads back",
		 "%lu quadwords differ", bad);
	bad = pattern_test(start, RAM_SIZE, true);
	rt_check(bad == 0, "RAM above the image: the inverted pattern reads back",
		 "%lu quadwords differ", bad);

	*(volatile u64 *)(RAM_SIZE - 8) = 0x1122334455667788ULL;
	CHECK_EQ(*(volatile u64 *)(RAM_SIZE - 8), 0x1122334455667788ULL,
		 "last quadword of RAM (0x3fffff8) reads back");
	*last = 0xa5;
	CHECK_EQ(*last, 0xa5, "last byte of RAM (0x3ffffff) reads back what was written");
	*last = 0x3c;
	CHECK_EQ(*last, 0x3c, "last byte of RAM (0x3ffffff) reads back a second value");

	CHECK_EQ(*past, 0xff, "unmapped ones: byte read at 0x4000000 (first past RAM) is 0xff");
	CHECK_EQ(*past64, ~0ULL, "unmapped ones: 64-bit read at 0x4000000 is all ones");
	*past = 0x00;
	CHECK_EQ(*past, 0xff, "unmapped ones: byte write at 0x4000000 is dropped (reads 0xff)");
	*past64 = 0;
	CHECK_EQ(*past64, ~0ULL, "unmapped ones: 64-bit write at 0x4000000 is dropped");
	far32[1] = 0;
	CHECK_EQ(far32[1], 0xffffffff, "unmapped ones: write+read at 0x80000004 (2 GiB) all ones");
	CHECK_EQ(*last, 0x3c, "last byte of RAM unchanged by the writes past RAM");
	return 0;
}
