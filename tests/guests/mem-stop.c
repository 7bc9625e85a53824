// SPDX-License-Identifier: MIT
/*
 * A guest the VMM must stop: with <unmapped action="stop"/> (the default)
 * a read of the first byte past the end of RAM (guest-physical 0x4000000)
 * ends this VM with an error naming the address. The system test checks
 * the host's "stopped: error" line and that host-kitten, and a second VM
 * in the same boot, carry on.
 */
#include "runtime.h"

#define RAM_SIZE (64UL << 20) /* <memory>64</memory> in mem-stop.xml */

int guest_main(void)
{
	volatile u8 *last = (volatile u8 *)(RAM_SIZE - 1);
	u8 v;

	*last = 0x77;
	CHECK_EQ(*last, 0x77, "last byte of RAM (0x3ffffff) reads back");
	rt_printf("mem-stop: reading guest-physical 0x%lx, the VMM must stop this VM\n", RAM_SIZE);
	v = *(volatile u8 *)RAM_SIZE;
	rt_printf("FAIL mem-stop: still running after reading 0x%lx (read 0x%x)\n", RAM_SIZE, v);
	return 1;
}
