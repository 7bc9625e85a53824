// SPDX-License-Identifier: MIT
/*
 * Interrupt injection (devices/vmm_test.c port+8, the vCPU run loop): a
 * halted vCPU wakes on an interrupt the test device raises 2 ms later, in
 * the guest's vector-0x40 handler, right after its HLT; an interrupt raised
 * while IF=0 waits, and arrives exactly once right after the instruction
 * following STI (the STI interrupt shadow, SDM 3A 6.8.3), through the
 * VMM's interrupt-window exit.
 */
#include "runtime.h"

#define VEC_HLT 0x40
#define VEC_WINDOW 0x41
#define DELAY_US 2000

static volatile u64 handler_tsc;

static void on_hlt_irq(struct rt_frame *f)
{
	handler_tsc = rdtsc();
}

int guest_main(void)
{
	u64 t0, t1, after_hlt, after_nop, rflags;

	rt_set_irq_handler(VEC_HLT, on_hlt_irq);
	rflags = read_rflags();
	CHECK(!(rflags & (1UL << 9)), "IF is clear at the start");

	t0 = rdtsc();
	outl(TEST_IRQ, (DELAY_US << 8) | VEC_HLT);
	asm volatile("sti\n\thlt\n1:\tcli\n\tlea 1b(%%rip), %0" : "=r"(after_hlt) : : "memory");
	t1 = rdtsc();
	rt_printf("hlt-irq: woke after %lu TSC ticks (handler at +%lu)\n", t1 - t0,
		  handler_tsc - t0);
	CHECK_EQ(rt_irq_count[VEC_HLT], 1, "hlt: vector 0x40 handler ran once");
	CHECK_EQ(rt_irq_rip[VEC_HLT], after_hlt, "hlt: the interrupt arrived right after HLT");
	CHECK(t1 > t0 && handler_tsc > t0, "hlt: the TSC advanced while halted");

	outl(TEST_IRQ, (0 << 8) | VEC_WINDOW);
	asm volatile("nop; nop; nop" ::: "memory");
	CHECK_EQ(rt_irq_count[VEC_WINDOW], 0, "IF=0: vector 0x41 (raised with delay 0) waits");
	asm volatile("sti\n\tnop\n1:\tcli\n\tlea 1b(%%rip), %0" : "=r"(after_nop) : : "memory");
	CHECK_EQ(rt_irq_count[VEC_WINDOW], 1, "STI: vector 0x41 arrives once IF=1");
	CHECK_EQ(rt_irq_rip[VEC_WINDOW], after_nop,
		 "STI: vector 0x41 arrives right after the instruction after STI");
	asm volatile("sti\n\tnop\n\tnop\n\tnop\n\tnop\n\tcli" ::: "memory");
	CHECK_EQ(rt_irq_count[VEC_WINDOW], 1, "STI: vector 0x41 was delivered exactly once");
	CHECK_EQ(rt_irq_count[VEC_HLT], 1, "vector 0x40 was delivered exactly once");
	return 0;
}
