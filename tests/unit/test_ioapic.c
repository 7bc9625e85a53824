/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the IOAPIC (devices/ioapic.c) against the 82093AA datasheet: the indirect
 * register window, ID/VER/ARB, redirection entries and their read-only bits, edge and level
 * pins (remote IRR and the local APIC's EOI broadcast), masking, destinations, and the path
 * line -> IOAPIC -> local APIC -> the vCPU's pending()/ack().
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
#include "dev_harness.h"
#include "intr.h"
#include "vcpu.h"
#include "vm.h"

#define RTE_LOGICAL (1ULL << 11)
#define RTE_REMOTE_IRR (1u << 14)
#define RTE_LEVEL (1ULL << 15)
#define RTE_MASK (1ULL << 16)
#define DEST(d) ((u64)(d) << 56)
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define LAPIC_LDR 0xd0
#define LAPIC_TMR 0x180

static int setup(void **state)
{
	apic_vm_setup(2, true);
	/* Software-enable both local APICs, as an OS does first. */
	lapic_write(0, LAPIC_SVR, 0x1ff);
	lapic_write(1, LAPIC_SVR, 0x1ff);
	return 0;
}

static int teardown(void **state)
{
	apic_vm_teardown();
	return 0;
}

static void test_id_version_arbitration(void **state)
{
	assert_int_equal(ioapic_read(0x00), 0);
	assert_int_equal(ioapic_read(0x01), 0x00170011);  /* 24 pins, version 0x11 */
	ioapic_write(0x00, 0xffffffff);
	assert_int_equal(ioapic_read(0x00), 0x0f000000);  /* only bits 27:24 */
	assert_int_equal(ioapic_read(0x02), 0x0f000000);  /* ARB follows the ID */
	ioapic_write(0x01, 0);
	ioapic_write(0x02, 0);
	assert_int_equal(ioapic_read(0x01), 0x00170011);
	assert_int_equal(ioapic_read(0x02), 0x0f000000);
	/* IOREGSEL reads back; unimplemented indexes read 0. */
	mmio_write32(dev_vcpu, IOAPIC_DEFAULT_BASE, 0x3f);
	assert_int_equal(mmio_read32(dev_vcpu, IOAPIC_DEFAULT_BASE), 0x3f);
	assert_int_equal(mmio_read32(dev_vcpu, IOAPIC_DEFAULT_BASE + 0x10), 0);
	assert_int_equal(ioapic_read(0x03), 0);
	assert_int_equal(ioapic_read(0x40), 0);
}

static void test_redirection_entries(void **state)
{
	for (unsigned int pin = 0; pin < 24; pin++) {
		assert_int_equal(ioapic_read((u8)(0x10 + 2 * pin)), 0x00010000);
		assert_int_equal(ioapic_read((u8)(0x11 + 2 * pin)), 0);
	}
	/* Delivery status (12) and remote IRR (14) are read-only; dest is bits 63:56. */
	ioapic_write(0x10 + 2 * 5, 0xffffffff);
	ioapic_write(0x11 + 2 * 5, 0xffffffff);
	assert_int_equal(ioapic_read(0x10 + 2 * 5), 0x0001afff);
	assert_int_equal(ioapic_read(0x11 + 2 * 5), 0xff000000);
	/* Pins past 23 do not exist. */
	ioapic_write(0x10 + 2 * 24, 0x20);
	assert_int_equal(ioapic_read(0x10 + 2 * 24), 0);
}

static void test_edge_pin(void **state)
{
	ioapic_set_rte(1, 0x31 | DEST(0));
	assert_int_equal(intr_peek(0), -1);
	v3_irq_set(dev_vm, 1, true);
	assert_int_equal(intr_take(0), 0x31);
	assert_int_equal(intr_peek(1), -1);
	/* Holding the line does not deliver again; only a new rising edge does. */
	lapic_write(0, LAPIC_EOI, 0);
	assert_int_equal(intr_peek(0), -1);
	v3_irq_set(dev_vm, 1, false);
	assert_int_equal(intr_peek(0), -1);
	v3_irq_pulse(dev_vm, 1);
	assert_int_equal(intr_take(0), 0x31);
	lapic_write(0, LAPIC_EOI, 0);
	/* No TMR bit, no remote IRR for edge pins. */
	assert_int_equal(lapic_read(0, LAPIC_TMR + 0x10), 0);
	assert_int_equal(ioapic_read(0x10 + 2 * 1) & RTE_REMOTE_IRR, 0);
}

static void test_masked_edge_is_lost(void **state)
{
	ioapic_set_rte(4, 0x34 | RTE_MASK);
	v3_irq_pulse(dev_vm, 4);
	assert_int_equal(intr_peek(0), -1);
	ioapic_set_rte(4, 0x34);
	assert_int_equal(intr_peek(0), -1);
	v3_irq_pulse(dev_vm, 4);
	assert_int_equal(intr_take(0), 0x34);
}

static void test_level_pin_remote_irr(void **state)
{
	ioapic_set_rte(10, 0x40 | RTE_LEVEL);
	v3_irq_set(dev_vm, 10, true);
	assert_int_equal(ioapic_read(0x10 + 2 * 10) & RTE_REMOTE_IRR, RTE_REMOTE_IRR);
	assert_int_equal(lapic_read(0, LAPIC_TMR + 0x20), 1u << 0);  /* vector 0x40 */
	assert_int_equal(intr_take(0), 0x40);
	/* In service: nothing more while remote IRR is set. */
	v3_irq_set(dev_vm, 10, false);
	v3_irq_set(dev_vm, 10, true);
	assert_int_equal(intr_peek(0), -1);
	/* EOI with the line still asserted: remote IRR clears and the pin delivers again. */
	lapic_write(0, LAPIC_EOI, 0);
	assert_int_equal(ioapic_read(0x10 + 2 * 10) & RTE_REMOTE_IRR, RTE_REMOTE_IRR);
	assert_int_equal(intr_take(0), 0x40);
	/* The device deasserts before the EOI: nothing more. */
	v3_irq_set(dev_vm, 10, false);
	lapic_write(0, LAPIC_EOI, 0);
	assert_int_equal(ioapic_read(0x10 + 2 * 10) & RTE_REMOTE_IRR, 0);
	assert_int_equal(intr_peek(0), -1);
}

static void test_level_unmask_delivers(void **state)
{
	ioapic_set_rte(11, 0x41 | RTE_LEVEL | RTE_MASK);
	v3_irq_set(dev_vm, 11, true);
	assert_int_equal(intr_peek(0), -1);
	assert_int_equal(ioapic_read(0x10 + 2 * 11) & RTE_REMOTE_IRR, 0);
	ioapic_set_rte(11, 0x41 | RTE_LEVEL);
	assert_int_equal(intr_take(0), 0x41);
	/* Masking a pin in service keeps remote IRR until the EOI. */
	ioapic_write(0x10 + 2 * 11, (u32)(0x41 | RTE_LEVEL | RTE_MASK));
	assert_int_equal(ioapic_read(0x10 + 2 * 11) & RTE_REMOTE_IRR, RTE_REMOTE_IRR);
	lapic_write(0, LAPIC_EOI, 0);
	assert_int_equal(ioapic_read(0x10 + 2 * 11) & RTE_REMOTE_IRR, 0);
	assert_int_equal(intr_peek(0), -1);
}

static void test_eoi_only_matching_vector(void **state)
{
	ioapic_set_rte(9, 0x49 | RTE_LEVEL);
	ioapic_set_rte(3, 0x33);
	v3_irq_set(dev_vm, 9, true);
	assert_int_equal(intr_take(0), 0x49);
	v3_irq_set(dev_vm, 9, false);
	/* The EOI broadcast names a vector: another pin's vector leaves pin 9 in service. */
	v3_ioapic_eoi(dev_vm, 0x33);
	assert_int_equal(ioapic_read(0x10 + 2 * 9) & RTE_REMOTE_IRR, RTE_REMOTE_IRR);
	v3_ioapic_eoi(dev_vm, 0x49);
	assert_int_equal(ioapic_read(0x10 + 2 * 9) & RTE_REMOTE_IRR, 0);
}

static void test_pins_are_gsis(void **state)
{
	/* ISA IRQ0 (the PIT) is wired to pin 2, as the MADT's override says; line 2 to nothing. */
	ioapic_set_rte(0, 0x30);
	ioapic_set_rte(2, 0x32);
	v3_irq_pulse(dev_vm, 0);
	assert_int_equal(intr_take(0), 0x32);
	lapic_write(0, LAPIC_EOI, 0);
	v3_irq_pulse(dev_vm, 2);
	assert_int_equal(intr_peek(0), -1);
	/* Every other line n is pin n. */
	for (unsigned int pin = 1; pin < 24; pin++) {
		if (pin == 2)
			continue;
		ioapic_set_rte(pin, 0x40 + pin);
		v3_irq_pulse(dev_vm, pin);
		assert_int_equal(intr_take(0), (int)(0x40 + pin));
		lapic_write(0, LAPIC_EOI, 0);
	}
	/* Lines past pin 23 are not the IOAPIC's. */
	v3_irq_pulse(dev_vm, 24);
	assert_int_equal(intr_peek(0), -1);
}

static void test_no_irq0_override(void **state)
{
	static const char *const attrs[] = { "base", "0xfec00000", "irq0_gsi", "0", NULL };

	/* Replace the IOAPIC by one without the override: line 0 is pin 0. */
	apic_vm_teardown();
	apic_vm_setup_ioapic(2, attrs);
	lapic_write(0, LAPIC_SVR, 0x1ff);
	ioapic_set_rte(0, 0x30);
	ioapic_set_rte(2, 0x32);
	v3_irq_pulse(dev_vm, 0);
	assert_int_equal(intr_take(0), 0x30);
	lapic_write(0, LAPIC_EOI, 0);
	v3_irq_pulse(dev_vm, 2);
	assert_int_equal(intr_take(0), 0x32);
}

/* Takes vector from vCPU i and ends it. */
static void take_eoi(unsigned int i, int vector)
{
	assert_int_equal(intr_take(i), vector);
	lapic_write(i, LAPIC_EOI, 0);
}

static void test_destinations(void **state)
{
	ioapic_set_rte(5, 0x55 | DEST(1));
	v3_irq_pulse(dev_vm, 5);
	assert_int_equal(intr_peek(0), -1);
	take_eoi(1, 0x55);
	/* Logical, flat model: LDR bits 0 and 1. */
	lapic_write(0, LAPIC_LDR, 0x01000000);
	lapic_write(1, LAPIC_LDR, 0x02000000);
	ioapic_set_rte(6, 0x66 | RTE_LOGICAL | DEST(0x03));
	v3_irq_pulse(dev_vm, 6);
	take_eoi(0, 0x66);
	take_eoi(1, 0x66);
	ioapic_set_rte(6, 0x67 | RTE_LOGICAL | DEST(0x02));
	v3_irq_pulse(dev_vm, 6);
	assert_int_equal(intr_peek(0), -1);
	take_eoi(1, 0x67);
	/* Lowest priority: one APIC of the set (the lowest-numbered). */
	ioapic_set_rte(7, 0x77 | (1ULL << 8) | RTE_LOGICAL | DEST(0x03));
	v3_irq_pulse(dev_vm, 7);
	take_eoi(0, 0x77);
	assert_int_equal(intr_peek(1), -1);
	/* Physical broadcast. */
	ioapic_set_rte(8, 0x78 | DEST(0xff));
	v3_irq_pulse(dev_vm, 8);
	take_eoi(0, 0x78);
	take_eoi(1, 0x78);
}

static void test_disabled_apic_refuses(void **state)
{
	/* A software-disabled local APIC accepts no fixed interrupts. */
	lapic_write(1, LAPIC_SVR, 0xff);
	ioapic_set_rte(5, 0x55 | DEST(1));
	v3_irq_pulse(dev_vm, 5);
	assert_int_equal(intr_peek(1), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_id_version_arbitration, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redirection_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edge_pin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_masked_edge_is_lost, setup, teardown),
		cmocka_unit_test_setup_teardown(test_level_pin_remote_irr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_level_unmask_delivers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eoi_only_matching_vector, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pins_are_gsis, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_irq0_override, setup, teardown),
		cmocka_unit_test_setup_teardown(test_destinations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disabled_apic_refuses, setup, teardown),
	};

	return cmocka_run_group_tests_name("ioapic", tests, NULL, NULL);
}
