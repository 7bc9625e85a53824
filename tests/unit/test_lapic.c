/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the local APICs (devices/lapic.c) against the Intel SDM vol. 3A chapter 10:
 * reset values, software enable, TPR/PPR and priority classes, EOI and TMR, ESR, IPIs between
 * two vCPUs (physical, logical, shorthands), the timer in one-shot, periodic and TSC-deadline
 * modes against a controllable clock, IA32_APIC_BASE mode switches, the x2APIC MSRs, and
 * CPUID leaf 1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "apic.h"
#include "apic_harness.h"
#include "cpuid.h"
#include "dev_harness.h"
#include "intr.h"
#include "vcpu.h"
#include "vm.h"

#define ID 0x20
#define VER 0x30
#define TPR 0x80
#define APR 0x90
#define PPR 0xa0
#define EOI 0xb0
#define LDR 0xd0
#define DFR 0xe0
#define SVR 0xf0
#define ISR 0x100
#define TMR 0x180
#define IRR 0x200
#define ESR 0x280
#define ICR 0x300
#define ICR2 0x310
#define LVT_TIMER 0x320
#define LVT_LINT0 0x350
#define LVT_ERROR 0x370
#define TMICT 0x380
#define TMCCT 0x390
#define TDCR 0x3e0

#define MSR_APIC_BASE 0x1b
#define MSR_TSC_DEADLINE 0x6e0
#define X2(off) (0x800 + ((off) >> 4))
#define GP 13

static int setup(void **state)
{
	apic_vm_setup(2, false);
	return 0;
}

static void enable(unsigned int i)
{
	lapic_write(i, SVR, 0x1ff);
}

static int setup_enabled(void **state)
{
	setup(state);
	enable(0);
	enable(1);
	return 0;
}

static int teardown(void **state)
{
	apic_vm_teardown();
	return 0;
}

static void fixed(unsigned int apic, u8 vector, bool level)
{
	assert_int_equal(v3_lapic_deliver(dev_vm, apic, false, vector, level, APIC_DM_FIXED), 1);
}

static void test_reset_state(void **state)
{
	u64 v;

	assert_int_equal(lapic_read(0, ID), 0);
	assert_int_equal(lapic_read(1, ID), 1u << 24);
	assert_int_equal(lapic_read(1, VER), 0x00050014);
	assert_int_equal(lapic_read(0, SVR), 0xff);
	assert_int_equal(lapic_read(0, DFR), 0xffffffff);
	assert_int_equal(lapic_read(0, LDR), 0);
	assert_int_equal(lapic_read(0, TPR), 0);
	assert_int_equal(lapic_read(0, PPR), 0);
	for (u32 off = LVT_TIMER; off <= LVT_ERROR; off += 0x10)
		assert_int_equal(lapic_read(0, off), 0x00010000);
	assert_int_equal(msr_read(0, MSR_APIC_BASE, &v), 0);
	assert_int_equal(v, 0xfee00900);  /* enabled, BSP */
	assert_int_equal(msr_read(1, MSR_APIC_BASE, &v), 0);
	assert_int_equal(v, 0xfee00800);
	/* Sub-register reads: bytes of the 32-bit register; offsets 4-15 read 0. */
	assert_int_equal(mmio_read32(apic_vcpu(1), APIC_DEFAULT_BASE + ID + 3), 1);
	assert_int_equal(mmio_read32(apic_vcpu(1), APIC_DEFAULT_BASE + ID + 4), 0);
}

static void test_software_enable(void **state)
{
	/* Disabled by SVR: fixed interrupts are refused and LVTs stay masked. */
	assert_int_equal(v3_lapic_deliver(dev_vm, 0, false, 0x40, false, APIC_DM_FIXED), 0);
	assert_int_equal(intr_peek(0), -1);
	lapic_write(0, LVT_TIMER, 0x30);
	assert_int_equal(lapic_read(0, LVT_TIMER), 0x00010030);
	enable(0);
	assert_int_equal(lapic_read(0, SVR), 0x1ff);
	lapic_write(0, LVT_TIMER, 0x30);
	assert_int_equal(lapic_read(0, LVT_TIMER), 0x30);
	fixed(0, 0x40, false);
	assert_int_equal(intr_take(0), 0x40);
	/* Clearing the enable bit masks every LVT. */
	lapic_write(0, SVR, 0xff);
	assert_int_equal(lapic_read(0, LVT_TIMER), 0x00010030);
}

static void test_lvt_writable_bits(void **state)
{
	lapic_write(0, LVT_TIMER, 0xffffffff);
	assert_int_equal(lapic_read(0, LVT_TIMER), 0x000300ff);  /* mode 3 reserved -> periodic */
	lapic_write(0, LVT_LINT0, 0xffffffff);
	assert_int_equal(lapic_read(0, LVT_LINT0), 0x0001a7ff);  /* remote IRR, status RO */
	lapic_write(0, LVT_ERROR, 0xffffffff);
	assert_int_equal(lapic_read(0, LVT_ERROR), 0x000100ff);
	lapic_write(0, TPR, 0x1ff);
	assert_int_equal(lapic_read(0, TPR), 0xff);
	lapic_write(0, VER, 0);
	assert_int_equal(lapic_read(0, VER), 0x00050014);
}

static void test_priority_classes(void **state)
{
	fixed(0, 0x41, false);
	fixed(0, 0x52, false);
	assert_int_equal(lapic_read(0, IRR + 0x20), (1u << 1) | (1u << 18));
	assert_int_equal(intr_take(0), 0x52);
	assert_int_equal(lapic_read(0, ISR + 0x20), 1u << 18);
	assert_int_equal(lapic_read(0, PPR), 0x50);
	/* 0x41 is a lower class than the one in service; 0x5a is the same class: both wait. */
	fixed(0, 0x5a, false);
	assert_int_equal(intr_peek(0), -1);
	fixed(0, 0x61, false);
	assert_int_equal(intr_take(0), 0x61);
	assert_int_equal(lapic_read(0, PPR), 0x60);
	/* EOI ends the highest in service. */
	lapic_write(0, EOI, 0);
	assert_int_equal(lapic_read(0, ISR + 0x20), 1u << 18);
	lapic_write(0, EOI, 0);
	assert_int_equal(lapic_read(0, ISR + 0x20), 0);
	assert_int_equal(intr_take(0), 0x5a);
	lapic_write(0, EOI, 0);
	assert_int_equal(intr_take(0), 0x41);
	lapic_write(0, EOI, 0);
	assert_int_equal(intr_peek(0), -1);
}

static void test_tpr_ppr(void **state)
{
	fixed(0, 0x52, false);
	lapic_write(0, TPR, 0x50);
	assert_int_equal(lapic_read(0, PPR), 0x50);
	assert_int_equal(intr_peek(0), -1);
	lapic_write(0, TPR, 0x4f);
	assert_int_equal(intr_take(0), 0x52);
	/* PPR = TPR when TPR's class >= the ISR's, else the ISR's class (SDM 10.8.3.1). */
	assert_int_equal(lapic_read(0, PPR), 0x50);
	lapic_write(0, TPR, 0x57);
	assert_int_equal(lapic_read(0, PPR), 0x57);
	lapic_write(0, TPR, 0x65);
	assert_int_equal(lapic_read(0, PPR), 0x65);
	lapic_write(0, EOI, 0);
	lapic_write(0, TPR, 0);
	assert_int_equal(lapic_read(0, PPR), 0);
	/* APR: TPR while nothing beats it. */
	lapic_write(0, TPR, 0x30);
	assert_int_equal(lapic_read(0, APR), 0x30);
	fixed(0, 0x45, false);
	assert_int_equal(lapic_read(0, APR), 0x40);
}

static void test_level_tmr(void **state)
{
	fixed(0, 0x70, true);
	fixed(0, 0x71, false);
	assert_int_equal(lapic_read(0, TMR + 0x30), 1u << 16);
	assert_int_equal(intr_take(0), 0x71);
	assert_int_equal(intr_peek(0), -1);  /* same class in service */
	lapic_write(0, EOI, 0);
	assert_int_equal(intr_take(0), 0x70);
	assert_int_equal(lapic_read(0, ISR + 0x30), 1u << 16);
	lapic_write(0, EOI, 0);  /* with no IOAPIC, the broadcast goes nowhere */
	assert_int_equal(lapic_read(0, ISR + 0x30), 0);
}

static void test_esr(void **state)
{
	lapic_write(0, LVT_ERROR, 0xfe);
	/* Sending an illegal vector sets ESR bit 5 after the next ESR write. */
	lapic_write(0, ICR, 0x00040005);  /* self, vector 5 */
	assert_int_equal(lapic_read(0, ESR), 0);
	lapic_write(0, ESR, 0);
	assert_int_equal(lapic_read(0, ESR), 0x20);
	assert_int_equal(intr_take(0), 0xfe);  /* through LVT error */
	lapic_write(0, EOI, 0);
	/* Receiving one sets bit 6. */
	assert_int_equal(v3_lapic_deliver(dev_vm, 0, false, 3, false, APIC_DM_FIXED), 1);
	lapic_write(0, ESR, 0);
	assert_int_equal(lapic_read(0, ESR), 0x40);
	lapic_write(0, ESR, 0);
	assert_int_equal(lapic_read(0, ESR), 0);
}

static void test_ipi_physical_and_shorthands(void **state)
{
	/* vCPU 0 -> APIC 1, fixed, physical. */
	lapic_write(0, ICR2, 1u << 24);
	lapic_write(0, ICR, 0x4031);
	assert_int_equal(lapic_read(0, ICR), 0x4031);  /* delivery status reads idle */
	assert_int_equal(intr_peek(0), -1);
	assert_int_equal(intr_take(1), 0x31);
	lapic_write(1, EOI, 0);
	/* Self. */
	lapic_write(1, ICR, 0x40000 | 0x32);
	assert_int_equal(intr_take(1), 0x32);
	lapic_write(1, EOI, 0);
	/* All including self. */
	lapic_write(0, ICR, 0x80000 | 0x33);
	assert_int_equal(intr_take(0), 0x33);
	assert_int_equal(intr_take(1), 0x33);
	lapic_write(0, EOI, 0);
	lapic_write(1, EOI, 0);
	/* All excluding self. */
	lapic_write(1, ICR, 0xc0000 | 0x34);
	assert_int_equal(intr_take(0), 0x34);
	assert_int_equal(intr_peek(1), -1);
	lapic_write(0, EOI, 0);
	/* Physical broadcast 0xff. */
	lapic_write(1, ICR2, 0xffu << 24);
	lapic_write(1, ICR, 0x35);
	assert_int_equal(intr_take(0), 0x35);
	assert_int_equal(intr_take(1), 0x35);
}

static void test_ipi_logical(void **state)
{
	lapic_write(0, LDR, 0x01000000);
	lapic_write(1, LDR, 0x02000000);
	assert_int_equal(lapic_read(1, LDR), 0x02000000);
	lapic_write(0, ICR2, 0x02u << 24);
	lapic_write(0, ICR, 0x800 | 0x41);
	assert_int_equal(intr_peek(0), -1);
	assert_int_equal(intr_take(1), 0x41);
	lapic_write(1, EOI, 0);
	/* Cluster model: cluster 1, members 0 and 1. */
	lapic_write(0, DFR, 0x0fffffff);
	lapic_write(1, DFR, 0x0fffffff);
	assert_int_equal(lapic_read(0, DFR), 0x0fffffff);
	lapic_write(0, LDR, 0x11000000);
	lapic_write(1, LDR, 0x22000000);
	lapic_write(0, ICR2, 0x13u << 24);
	lapic_write(0, ICR, 0x800 | 0x42);
	assert_int_equal(intr_take(0), 0x42);
	assert_int_equal(intr_peek(1), -1);
}

static void test_init_sipi_nmi_not_injected(void **state)
{
	/* Recorded and logged for the SMP work; nothing reaches the interrupt source. */
	lapic_write(0, ICR2, 1u << 24);
	lapic_write(0, ICR, 0x4500);           /* INIT assert */
	lapic_write(0, ICR, 0x8500);           /* INIT level de-assert */
	lapic_write(0, ICR, 0x4600 | 0x9a);    /* SIPI */
	lapic_write(0, ICR, 0x4400);           /* NMI */
	assert_int_equal(intr_peek(1), -1);
	assert_int_equal(v3_lapic_deliver(dev_vm, 1, false, 0, false, APIC_DM_INIT), 1);
}

static void test_timer_oneshot(void **state)
{
	lapic_write(0, TDCR, 0x0);          /* divide by 2 */
	lapic_write(0, LVT_TIMER, 0xec);
	lapic_write(0, TMICT, 1000);        /* 2000 ns at 1 GHz / 2 */
	assert_int_equal(lapic_read(0, TMICT), 1000);
	assert_int_equal(lapic_read(0, TMCCT), 1000);
	dev_advance_to(1000);
	assert_int_equal(lapic_read(0, TMCCT), 500);
	dev_advance_to(1999);
	assert_int_equal(intr_peek(0), -1);
	dev_advance_to(2000);
	assert_int_equal(lapic_read(0, TMCCT), 0);
	assert_int_equal(intr_take(0), 0xec);
	lapic_write(0, EOI, 0);
	dev_advance_to(10000);
	assert_int_equal(intr_peek(0), -1);
	/* Rewriting the count restarts it; writing 0 stops it. */
	lapic_write(0, TMICT, 10);
	lapic_write(0, TMICT, 0);
	dev_advance_to(20000);
	assert_int_equal(intr_peek(0), -1);
}

/*
 * A one-shot count that runs out between two vtimer runs (time moves on inside exit handlers,
 * timers run only before the next entry) still interrupts: a tiny count, and a divide or LVT
 * rewrite after expiry, must not drop it. Losing it hung Linux, which waits for that tick.
 */
static void test_timer_oneshot_expiry_between_runs(void **state)
{
	lapic_write(0, TDCR, 0xb);          /* divide by 1 */
	lapic_write(0, LVT_TIMER, 0xec);
	dev_advance_to(1000);
	/* A count of 1 that has run out by the time the write's own handling reads the clock. */
	lapic_write(0, TMICT, 1);
	dev_tsc += 5;
	lapic_write(0, TDCR, 0xb);
	lapic_write(0, LVT_TIMER, 0xec);
	dev_advance_to(dev_tsc);
	assert_int_equal(intr_take(0), 0xec);
	lapic_write(0, EOI, 0);
	/* Spent and delivered: rewriting DCR or the LVT does not fire it again. */
	lapic_write(0, TDCR, 0xb);
	lapic_write(0, LVT_TIMER, 0xec);
	dev_advance_to(dev_tsc + 100);
	assert_int_equal(intr_peek(0), -1);
	/* A longer count that expires while the vCPU is away. */
	lapic_write(0, TMICT, 50);
	dev_tsc += 80;
	lapic_write(0, TDCR, 0xb);
	dev_advance_to(dev_tsc);
	assert_int_equal(intr_take(0), 0xec);
}

static void test_timer_periodic_and_mask(void **state)
{
	lapic_write(0, TDCR, 0xb);          /* divide by 1 */
	lapic_write(0, LVT_TIMER, 0x20000 | 0xed);
	lapic_write(0, TMICT, 100);
	dev_advance_to(150);
	assert_int_equal(lapic_read(0, TMCCT), 50);
	assert_int_equal(intr_take(0), 0xed);
	lapic_write(0, EOI, 0);
	dev_advance_to(200);
	assert_int_equal(intr_take(0), 0xed);
	lapic_write(0, EOI, 0);
	/* Masked: the count goes on, no interrupt. */
	lapic_write(0, LVT_TIMER, 0x30000 | 0xed);
	dev_advance_to(300);
	assert_int_equal(intr_peek(0), -1);
	assert_int_equal(lapic_read(0, TMCCT), 100);
	lapic_write(0, LVT_TIMER, 0x20000 | 0xed);
	dev_advance_to(400);
	assert_int_equal(intr_take(0), 0xed);
	/* The divide value: by 128 (0xa). */
	lapic_write(0, TDCR, 0xa);
	assert_int_equal(lapic_read(0, TDCR), 0xa);
}

static void test_timer_tsc_deadline(void **state)
{
	u64 v;

	lapic_write(0, LVT_TIMER, 0x40000 | 0xee);
	/* The initial count is ignored and the current count reads 0 in this mode. */
	lapic_write(0, TMICT, 5);
	assert_int_equal(lapic_read(0, TMCCT), 0);
	assert_int_equal(msr_write(0, MSR_TSC_DEADLINE, 5000), 0);
	assert_int_equal(msr_read(0, MSR_TSC_DEADLINE, &v), 0);
	assert_int_equal(v, 5000);
	dev_advance_to(4999);
	assert_int_equal(intr_peek(0), -1);
	dev_advance_to(5000);
	assert_int_equal(intr_take(0), 0xee);
	assert_int_equal(msr_read(0, MSR_TSC_DEADLINE, &v), 0);
	assert_int_equal(v, 0);
	lapic_write(0, EOI, 0);
	/* A deadline in the past fires at once; the guest TSC offset counts. */
	dev_vm->tsc_offset = 1000000;
	assert_int_equal(msr_write(0, MSR_TSC_DEADLINE, 1000), 0);
	dev_advance_to(5001);
	assert_int_equal(intr_take(0), 0xee);
	lapic_write(0, EOI, 0);
	assert_int_equal(msr_write(0, MSR_TSC_DEADLINE, 1000000 + 6000), 0);
	dev_advance_to(5999);
	assert_int_equal(intr_peek(0), -1);
	/* Leaving TSC-deadline mode disarms the timer; the MSR then reads 0, ignores writes. */
	lapic_write(0, LVT_TIMER, 0xee);
	dev_advance_to(7000);
	assert_int_equal(intr_peek(0), -1);
	assert_int_equal(msr_write(0, MSR_TSC_DEADLINE, 1000000 + 8000), 0);
	assert_int_equal(msr_read(0, MSR_TSC_DEADLINE, &v), 0);
	assert_int_equal(v, 0);
	dev_advance_to(9000);
	assert_int_equal(intr_peek(0), -1);
}

static void test_x2apic_mode_switch(void **state)
{
	u64 v;

	/* x2APIC MSRs #GP in xAPIC mode. */
	assert_int_equal(msr_read(1, X2(ID), &v), GP);
	/* Invalid: EXTD without EN; reserved bits. */
	assert_int_equal(msr_write(1, MSR_APIC_BASE, 0xfee00400), GP);
	assert_int_equal(msr_write(1, MSR_APIC_BASE, 0xfee00801), GP);
	assert_int_equal(msr_write(1, MSR_APIC_BASE, 0xfee00c00), 0);
	assert_int_equal(msr_read(1, MSR_APIC_BASE, &v), 0);
	assert_int_equal(v, 0xfee00c00);
	assert_int_equal(msr_read(1, X2(ID), &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(msr_read(1, X2(LDR), &v), 0);
	assert_int_equal(v, 0x00000002);   /* cluster 0, bit 1 */
	assert_int_equal(msr_read(1, X2(VER), &v), 0);
	assert_int_equal(v, 0x00050014);
	/* The MMIO page is not the APIC's any more. */
	assert_int_equal(lapic_read(1, ID), 0xffffffff);
	lapic_write(1, TPR, 0x20);
	assert_int_equal(msr_read(1, X2(TPR), &v), 0);
	assert_int_equal(v, 0);
	/* x2APIC -> xAPIC directly is illegal; via disabled it works and resets the APIC. */
	assert_int_equal(msr_write(1, MSR_APIC_BASE, 0xfee00800), GP);
	assert_int_equal(msr_write(1, X2(TPR), 0x30), 0);
	assert_int_equal(msr_write(1, MSR_APIC_BASE, 0xfee00000), 0);
	assert_int_equal(lapic_read(1, ID), 0xffffffff);  /* globally disabled */
	/* Disabled -> x2APIC is illegal too. */
	assert_int_equal(msr_write(1, MSR_APIC_BASE, 0xfee00c00), GP);
	assert_int_equal(msr_write(1, MSR_APIC_BASE, 0xfee00800), 0);
	assert_int_equal(lapic_read(1, TPR), 0);
	assert_int_equal(lapic_read(1, SVR), 0xff);
	/* The BSP flag is read-only. */
	assert_int_equal(msr_write(0, MSR_APIC_BASE, 0xfee00800), 0);
	assert_int_equal(msr_read(0, MSR_APIC_BASE, &v), 0);
	assert_int_equal(v, 0xfee00900);
}

static void test_x2apic_registers(void **state)
{
	u64 v;

	enable(0);
	assert_int_equal(msr_write(0, MSR_APIC_BASE, 0xfee00d00), 0);
	assert_int_equal(msr_read(0, X2(SVR), &v), 0);
	assert_int_equal(v, 0x1ff);
	/* Registers that do not exist in x2APIC mode, write-only and read-only ones. */
	assert_int_equal(msr_read(0, X2(DFR), &v), GP);
	assert_int_equal(msr_read(0, X2(APR), &v), GP);
	assert_int_equal(msr_read(0, X2(ICR2), &v), GP);
	assert_int_equal(msr_read(0, X2(EOI), &v), GP);
	assert_int_equal(msr_read(0, 0x83f, &v), GP);
	assert_int_equal(msr_write(0, X2(LDR), 0), GP);
	assert_int_equal(msr_write(0, X2(ID), 0), GP);
	assert_int_equal(msr_write(0, X2(PPR), 0), GP);
	assert_int_equal(msr_write(0, X2(TMCCT), 0), GP);
	/* Reserved bits #GP. */
	assert_int_equal(msr_write(0, X2(TPR), 0x100), GP);
	assert_int_equal(msr_write(0, X2(EOI), 1), GP);
	assert_int_equal(msr_write(0, X2(ESR), 1), GP);
	assert_int_equal(msr_write(0, X2(TDCR), 0x10), GP);
	assert_int_equal(msr_write(0, X2(SVR), 1ULL << 32), GP);
	/* SELF IPI and EOI. */
	assert_int_equal(msr_write(0, 0x83f, 0x51), 0);
	assert_int_equal(msr_read(0, X2(IRR + 0x20), &v), 0);
	assert_int_equal(v, 1u << 17);
	assert_int_equal(intr_take(0), 0x51);
	assert_int_equal(msr_read(0, X2(PPR), &v), 0);
	assert_int_equal(v, 0x50);
	assert_int_equal(msr_write(0, X2(EOI), 0), 0);
	assert_int_equal(msr_read(0, X2(PPR), &v), 0);
	assert_int_equal(v, 0);
	/* The timer through MSRs. */
	assert_int_equal(msr_write(0, X2(TDCR), 0xb), 0);
	assert_int_equal(msr_write(0, X2(LVT_TIMER), 0xe0), 0);
	assert_int_equal(msr_write(0, X2(TMICT), 300), 0);
	dev_advance_to(100);
	assert_int_equal(msr_read(0, X2(TMCCT), &v), 0);
	assert_int_equal(v, 200);
	dev_advance_to(300);
	assert_int_equal(intr_take(0), 0xe0);
}

static void test_x2apic_ipi(void **state)
{
	u64 v;

	enable(1);
	assert_int_equal(msr_write(0, MSR_APIC_BASE, 0xfee00d00), 0);
	assert_int_equal(msr_write(1, MSR_APIC_BASE, 0xfee00c00), 0);
	/* ICR is one 64-bit MSR: destination in bits 63:32. */
	assert_int_equal(msr_write(0, X2(ICR), (1ULL << 32) | 0x4061), 0);
	assert_int_equal(msr_read(0, X2(ICR), &v), 0);
	assert_int_equal(v, (1ULL << 32) | 0x4061);
	assert_int_equal(intr_take(1), 0x61);
	assert_int_equal(msr_write(1, X2(EOI), 0), 0);
	/* Logical: cluster 0, bit 1 is APIC 1. */
	assert_int_equal(msr_write(0, X2(ICR), (2ULL << 32) | 0x800 | 0x62), 0);
	assert_int_equal(intr_take(1), 0x62);
	assert_int_equal(msr_write(1, X2(EOI), 0), 0);
	/* Broadcast 0xffffffff. */
	assert_int_equal(msr_write(1, X2(ICR), (0xffffffffULL << 32) | 0x63), 0);
	assert_int_equal(intr_peek(0), -1);  /* APIC 0 is software-disabled */
	assert_int_equal(intr_take(1), 0x63);
	/* Reserved ICR bits (delivery status) #GP. */
	assert_int_equal(msr_write(0, X2(ICR), (1ULL << 32) | 0x1000 | 0x64), GP);
}

static void test_cpuid_leaf1(void **state)
{
	struct v3_cpuid_regs r;

	v3_cpuid_eval(apic_vcpu(1), 1, 0, &r);
	assert_true(r.edx & (1u << 9));
	assert_true(r.ecx & (1u << 21));
	assert_true(r.ecx & (1u << 24));
	assert_int_equal(r.ebx >> 24, 1);
	/* A globally disabled APIC clears CPUID.1:EDX.APIC. */
	assert_int_equal(msr_write(1, MSR_APIC_BASE, 0xfee00000), 0);
	v3_cpuid_eval(apic_vcpu(1), 1, 0, &r);
	assert_false(r.edx & (1u << 9));
	/* ... and makes the APIC refuse everything. */
	assert_int_equal(v3_lapic_deliver(dev_vm, 1, false, 0x40, false, APIC_DM_FIXED), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reset_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_software_enable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lvt_writable_bits, setup_enabled, teardown),
		cmocka_unit_test_setup_teardown(test_priority_classes, setup_enabled, teardown),
		cmocka_unit_test_setup_teardown(test_tpr_ppr, setup_enabled, teardown),
		cmocka_unit_test_setup_teardown(test_level_tmr, setup_enabled, teardown),
		cmocka_unit_test_setup_teardown(test_esr, setup_enabled, teardown),
		cmocka_unit_test_setup_teardown(test_ipi_physical_and_shorthands, setup_enabled,
						teardown),
		cmocka_unit_test_setup_teardown(test_ipi_logical, setup_enabled, teardown),
		cmocka_unit_test_setup_teardown(test_init_sipi_nmi_not_injected, setup_enabled,
						teardown),
		cmocka_unit_test_setup_teardown(test_timer_oneshot, setup_enabled, teardown),
		cmocka_unit_test_setup_teardown(test_timer_oneshot_expiry_between_runs, setup_enabled,
						teardown),
		cmocka_unit_test_setup_teardown(test_timer_periodic_and_mask, setup_enabled,
						teardown),
		cmocka_unit_test_setup_teardown(test_timer_tsc_deadline, setup_enabled, teardown),
		cmocka_unit_test_setup_teardown(test_x2apic_mode_switch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_x2apic_registers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_x2apic_ipi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpuid_leaf1, setup, teardown),
	};

	return cmocka_run_group_tests_name("lapic", tests, NULL, NULL);
}
