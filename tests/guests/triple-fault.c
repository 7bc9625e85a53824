// SPDX-License-Identifier: MIT
/*
 * A guest that triple-faults: with an empty IDT (limit 0) INT3 cannot be
 * delivered, nor the #GP that follows, nor the #DF after that: the CPU
 * shuts down (SDM 3A 6.15, interrupt 8). The VMM must stop only this VM
 * with reason "triple fault"; the system test runs a second guest in the
 * same boot to show the host and other VMs carry on.
 */
#include "runtime.h"

int guest_main(void)
{
	rt_printf("triple-fault: loading an empty IDT and executing int3\n");
	rt_lidt((void *)0, 0);
	asm volatile("int3" ::: "memory");
	rt_load_idt();
	rt_printf("FAIL triple-fault: still running after int3 with an empty IDT\n");
	return 1;
}
