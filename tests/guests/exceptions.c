// SPDX-License-Identifier: MIT
/*
 * Exceptions the guest handles itself, through its own IDT, without the
 * VMM's help: #DE, #UD, #PF (not present on read and write, and a write to
 * a read-only page with CR0.WP; CR2 and the error code checked), #GP (a
 * non-canonical address, an unknown MSR), #BP, and a software INT to an
 * interrupt vector. After each one execution resumes after the instruction.
 */
#include "runtime.h"

#define UNMAPPED_VA 0x140000000UL  /* above the 4 GiB entry.asm maps */
#define RO_VA 0x2000000UL          /* a 2 MiB page made read-only for one test */
#define PD0 ((volatile u64 *)0x3000) /* entry.asm's first page directory */
#define CR0_WP (1UL << 16)
#define PF_P 1
#define PF_W 2

static unsigned int resumed;

static void expect_fault(bool hit, unsigned int vector, u64 rip, u64 error, const char *what)
{
	rt_check(hit && rt_last_fault.vector == vector && rt_last_fault.rip == rip &&
			 rt_last_fault.error == error,
		 what, "caught %d, vector %lu, rip 0x%lx (want 0x%lx), error 0x%lx (want 0x%lx)",
		 hit, rt_last_fault.vector, rt_last_fault.rip, rip, rt_last_fault.error, error);
	resumed++;
}

static void write_protect_test(void)
{
	u64 pde = PD0[RO_VA >> 21], cr0 = read_cr0();
	bool hit;

	PD0[RO_VA >> 21] = pde & ~2UL;
	asm volatile("invlpg (%0)" : : "r"(RO_VA) : "memory");
	asm volatile("mov %0, %%cr0" : : "r"(cr0 | CR0_WP) : "memory");
	hit = EXPECT_EXCEPTION(EXC_PF, "", "movq $1, (%0)", "r"(RO_VA + 0x1230));
	expect_fault(hit, EXC_PF, rt_fault_start, PF_P | PF_W,
		     "#PF: write to a read-only page (CR0.WP=1), error P|W");
	CHECK_EQ(rt_last_fault.cr2, RO_VA + 0x1230, "#PF: CR2 is the read-only address written");
	CHECK_EQ(*(volatile u64 *)(RO_VA + 0x1230), 0, "#PF: the faulting write did not happen");
	PD0[RO_VA >> 21] = pde;
	asm volatile("invlpg (%0)" : : "r"(RO_VA) : "memory");
	asm volatile("mov %0, %%cr0" : : "r"(cr0) : "memory");
	*(volatile u64 *)(RO_VA + 0x1230) = 7;
	CHECK_EQ(*(volatile u64 *)(RO_VA + 0x1230), 7, "#PF: the page is writable again");
}

int guest_main(void)
{
	volatile u32 zero = 0;
	u64 v;
	bool hit;

	hit = EXPECT_EXCEPTION(EXC_DE, "", "divl %0", "r"(zero));
	expect_fault(hit, EXC_DE, rt_fault_start, 0, "#DE: divide by zero, RIP at the DIV");

	hit = EXPECT_EXCEPTION(EXC_UD, "", "ud2");
	expect_fault(hit, EXC_UD, rt_fault_start, 0, "#UD: ud2, RIP at the UD2");

	hit = EXPECT_EXCEPTION(EXC_PF, "", "movabs 0x140000000, %%rax");
	expect_fault(hit, EXC_PF, rt_fault_start, 0, "#PF: read of an unmapped address, error 0");
	CHECK_EQ(rt_last_fault.cr2, UNMAPPED_VA, "#PF: CR2 is the unmapped address read");

	hit = EXPECT_EXCEPTION(EXC_PF, "", "movq $5, (%0)", "r"(UNMAPPED_VA + 0x2008));
	expect_fault(hit, EXC_PF, rt_fault_start, PF_W,
		     "#PF: write to an unmapped address, error W");
	CHECK_EQ(rt_last_fault.cr2, UNMAPPED_VA + 0x2008,
		 "#PF: CR2 is the unmapped address written");

	write_protect_test();

	hit = EXPECT_EXCEPTION(EXC_GP, "", "movabs 0x8000000000000000, %%rax");
	expect_fault(hit, EXC_GP, rt_fault_start, 0, "#GP: non-canonical address, error 0");

	hit = EXPECT_EXCEPTION(EXC_GP, "mov $0x12345678, %%ecx", "rdmsr");
	expect_fault(hit, EXC_GP, rt_fault_start, 0, "#GP: rdmsr of an unknown MSR, error 0");

	/* #BP is a trap: the reported RIP is after the one-byte INT3. */
	hit = EXPECT_EXCEPTION(EXC_BP, "", "int3");
	expect_fault(hit, EXC_BP, rt_fault_start + 1, 0, "#BP: int3, RIP after the INT3");

	/* A software interrupt to vector 0x80 is counted by the interrupt path and returns. */
	asm volatile("int $0x80\n\tlea (%%rip), %0" : "=r"(v) : : "memory");
	CHECK(rt_irq_count[0x80] == 1 && rt_irq_rip[0x80] == v - 7,
	      "int $0x80: handled once, returns after the INT");

	CHECK_EQ(resumed, 8, "execution resumed after every exception");
	CHECK_EQ(rt_faults_caught, 8, "the handler saw exactly the expected exceptions");
	return 0;
}
