/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the 8259A pair (devices/pic8259.c), driven through port I/O exits, the
 * interrupt lines (v3_irq_set) and vCPU 0's interrupt source (v3_intr_next/v3_intr_ack), and
 * checked against the 8259A datasheet: the initialization sequences Linux and SeaBIOS use,
 * priority, EOI, edge vs level (ELCR), the cascade, spurious IRQ7/15, auto-EOI and poll mode.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dev_harness.h"
#include "fake_host.h"
#include "intr.h"
#include "pic8259.h"
#include "vcpu.h"
#include "vm.h"

#define M_CMD 0x20
#define M_DATA 0x21
#define S_CMD 0xa0
#define S_DATA 0xa1
#define OCW3_READ_IRR 0x0a
#define OCW3_READ_ISR 0x0b
#define OCW3_POLL 0x0c
#define EOI 0x20

static void *pic;

/* Linux's init_8259A(): vectors 0x30 / 0x38, ICW4 8086 mode (auto_eoi adds AEOI). */
static void init_linux(bool auto_eoi)
{
	dev_outb(M_DATA, 0xff);
	dev_outb(S_DATA, 0xff);
	dev_outb(M_CMD, 0x11);
	dev_outb(M_DATA, 0x30);
	dev_outb(M_DATA, 1 << 2);
	dev_outb(M_DATA, auto_eoi ? 0x03 : 0x01);
	dev_outb(S_CMD, 0x11);
	dev_outb(S_DATA, 0x38);
	dev_outb(S_DATA, 2);
	dev_outb(S_DATA, 0x01);
	dev_outb(M_DATA, 0x00);
	dev_outb(S_DATA, 0x00);
}

static int setup(void **state)
{
	dev_vm_setup(1 << 20);
	pic = dev_create(&pic8259_class, NULL);
	return 0;
}

static int teardown(void **state)
{
	dev_vm_teardown();
	return 0;
}

static int next(void)
{
	return v3_intr_next(dev_vcpu);
}

/* The INTA cycle: the vector the pair presents, then acknowledged. */
static int inta(void)
{
	int v = next();

	if (v >= 0)
		v3_intr_ack(dev_vcpu, (u8)v);
	return v;
}

static u8 reg(u16 cmd, u8 ocw3)
{
	dev_outb(cmd, ocw3);
	return dev_inb(cmd);
}

static void test_uninitialized_is_masked(void **state)
{
	v3_irq_pulse(dev_vm, 1);
	assert_int_equal(next(), -1);
	assert_int_equal(dev_inb(M_DATA), 0xff);
	assert_int_equal(dev_inb(S_DATA), 0xff);
}

static void test_linux_init_and_eoi(void **state)
{
	init_linux(false);
	assert_int_equal(dev_inb(M_DATA), 0);
	v3_irq_pulse(dev_vm, 0);
	assert_int_equal(reg(M_CMD, OCW3_READ_IRR), 0x01);
	assert_int_equal(inta(), 0x30);
	assert_int_equal(reg(M_CMD, OCW3_READ_ISR), 0x01);
	/* OCW3 read-register selection sticks: the next read is still ISR. */
	assert_int_equal(dev_inb(M_CMD), 0x01);
	assert_int_equal(reg(M_CMD, OCW3_READ_IRR), 0x00);
	assert_int_equal(next(), -1);
	dev_outb(M_CMD, EOI);
	assert_int_equal(reg(M_CMD, OCW3_READ_ISR), 0x00);
}

static void test_seabios_init(void **state)
{
	dev_outb(M_CMD, 0x11);
	dev_outb(S_CMD, 0x11);
	dev_outb(M_DATA, 0x08);
	dev_outb(S_DATA, 0x70);
	dev_outb(M_DATA, 0x04);
	dev_outb(S_DATA, 0x02);
	dev_outb(M_DATA, 0x01);
	dev_outb(S_DATA, 0x01);
	dev_outb(M_DATA, (u8)~(1 << 2));
	dev_outb(S_DATA, 0xff);
	v3_irq_pulse(dev_vm, 8);
	assert_int_equal(next(), -1);  /* masked on the slave */
	dev_outb(S_DATA, 0xfe);
	assert_int_equal(inta(), 0x70);
	dev_outb(M_DATA, 0xfa);
	v3_irq_pulse(dev_vm, 0);
	assert_int_equal(next(), 0x08);  /* IRQ0 is above the in-service cascade */
}

static void test_icw1_resets_state(void **state)
{
	init_linux(false);
	dev_outb(M_DATA, 0x52);
	v3_irq_pulse(dev_vm, 3);
	assert_int_equal(inta(), 0x33);
	dev_outb(M_CMD, 0x11);
	assert_int_equal(dev_inb(M_DATA), 0x00);
	assert_int_equal(reg(M_CMD, OCW3_READ_ISR), 0x00);
	/* A single-mode ICW1 without ICW4: ICW2 alone completes it. */
	dev_outb(M_CMD, 0x12);
	dev_outb(M_DATA, 0x48);
	dev_outb(M_DATA, 0xf0);  /* OCW1 now */
	assert_int_equal(dev_inb(M_DATA), 0xf0);
	v3_irq_pulse(dev_vm, 1);
	assert_int_equal(inta(), 0x49);
}

static void test_priority_and_nesting(void **state)
{
	init_linux(false);
	v3_irq_pulse(dev_vm, 3);
	v3_irq_pulse(dev_vm, 1);
	assert_int_equal(inta(), 0x31);
	assert_int_equal(next(), -1);  /* IRQ3 waits for IRQ1's EOI */
	dev_outb(M_CMD, EOI);
	assert_int_equal(inta(), 0x33);
	v3_irq_pulse(dev_vm, 0);
	assert_int_equal(inta(), 0x30);  /* a higher priority nests */
	assert_int_equal(reg(M_CMD, OCW3_READ_ISR), 0x09);
	dev_outb(M_CMD, EOI);  /* non-specific: the highest, IRQ0 */
	assert_int_equal(reg(M_CMD, OCW3_READ_ISR), 0x08);
	dev_outb(M_CMD, 0x60 | 3);  /* specific EOI */
	assert_int_equal(reg(M_CMD, OCW3_READ_ISR), 0x00);
}

static void test_masked_edge_is_latched(void **state)
{
	init_linux(false);
	dev_outb(M_DATA, 1 << 4);
	v3_irq_pulse(dev_vm, 4);
	assert_int_equal(next(), -1);
	assert_int_equal(reg(M_CMD, OCW3_READ_IRR), 0x10);
	dev_outb(M_DATA, 0);
	assert_int_equal(inta(), 0x34);
	assert_int_equal(reg(M_CMD, OCW3_READ_IRR), 0x00);
}

static void test_rotation(void **state)
{
	init_linux(false);
	dev_outb(M_CMD, 0xc0 | 3);  /* set priority: IRQ3 lowest, IRQ4 highest */
	v3_irq_pulse(dev_vm, 1);
	v3_irq_pulse(dev_vm, 5);
	assert_int_equal(inta(), 0x35);
	dev_outb(M_CMD, 0xa0);  /* rotate on non-specific EOI: IRQ5 becomes lowest */
	assert_int_equal(reg(M_CMD, OCW3_READ_ISR), 0x00);
	v3_irq_pulse(dev_vm, 5);
	assert_int_equal(inta(), 0x31);  /* IRQ6 is highest now; IRQ1 beats IRQ5 */
	dev_outb(M_CMD, 0xe0 | 1);  /* rotate on specific EOI: IRQ2 highest */
	assert_int_equal(inta(), 0x35);
}

static void test_edge_vs_level(void **state)
{
	init_linux(false);
	/* Only the ELCR bits that exist are kept: not IRQ0-2, 8, 13. */
	dev_outb(0x4d0, 0xff);
	dev_outb(0x4d1, 0xff);
	assert_int_equal(dev_inb(0x4d0), 0xf8);
	assert_int_equal(dev_inb(0x4d1), 0xde);
	dev_outb(0x4d0, 0x00);
	dev_outb(0x4d1, 1 << 2);  /* IRQ10 level */

	v3_irq_set(dev_vm, 10, true);
	assert_int_equal(inta(), 0x3a);
	dev_outb(S_CMD, EOI);
	dev_outb(M_CMD, EOI);
	assert_int_equal(inta(), 0x3a);  /* still asserted: delivered again */
	v3_irq_set(dev_vm, 10, false);  /* the driver quiets the device, then EOIs */
	dev_outb(S_CMD, EOI);
	dev_outb(M_CMD, EOI);
	assert_int_equal(reg(S_CMD, OCW3_READ_IRR), 0x00);
	assert_int_equal(next(), -1);

	v3_irq_set(dev_vm, 11, true);  /* edge: one interrupt however long it is held */
	assert_int_equal(inta(), 0x3b);
	dev_outb(S_CMD, EOI);
	dev_outb(M_CMD, EOI);
	assert_int_equal(next(), -1);
	v3_irq_set(dev_vm, 11, false);
	v3_irq_set(dev_vm, 11, true);
	assert_int_equal(inta(), 0x3b);
}

static void test_cascade(void **state)
{
	init_linux(false);
	v3_irq_pulse(dev_vm, 12);
	assert_int_equal(reg(M_CMD, OCW3_READ_IRR), 0x04);
	assert_int_equal(inta(), 0x3c);
	assert_int_equal(reg(S_CMD, OCW3_READ_ISR), 0x10);
	assert_int_equal(reg(M_CMD, OCW3_READ_ISR), 0x04);
	/* A higher slave request waits for the master's cascade EOI (not fully nested). */
	v3_irq_pulse(dev_vm, 9);
	assert_int_equal(next(), -1);
	dev_outb(S_CMD, EOI);
	assert_int_equal(next(), -1);
	dev_outb(M_CMD, EOI);
	assert_int_equal(inta(), 0x39);
	/* Line 2 is the cascade, not an input. */
	dev_outb(S_CMD, EOI);
	dev_outb(M_CMD, EOI);
	v3_irq_pulse(dev_vm, 2);
	assert_int_equal(next(), -1);
}

static void test_special_fully_nested(void **state)
{
	init_linux(false);
	dev_outb(M_CMD, 0x11);
	dev_outb(M_DATA, 0x30);
	dev_outb(M_DATA, 0x04);
	dev_outb(M_DATA, 0x11);  /* SFNM */
	v3_irq_pulse(dev_vm, 12);
	assert_int_equal(inta(), 0x3c);
	v3_irq_pulse(dev_vm, 9);
	assert_int_equal(inta(), 0x39);  /* the slave nests a higher request */
}

static void test_spurious(void **state)
{
	const struct v3_intr_source *src = &dev_vcpu->intr.sources[0];

	init_linux(false);
	dev_outb(0x4d0, 1 << 5);
	dev_outb(0x4d1, 1 << 1);
	/* A master level request that drops before INTA: INTA reads IRQ7, nothing in service. */
	v3_irq_set(dev_vm, 5, true);
	assert_int_equal(next(), 0x35);
	v3_irq_set(dev_vm, 5, false);
	assert_int_equal(next(), -1);
	src->ack(dev_vcpu, 0x35, src->priv);
	assert_int_equal(reg(M_CMD, OCW3_READ_ISR), 0x00);
	/* On the slave: the master latched the cascade edge, so INTA gives IRQ15. */
	v3_irq_set(dev_vm, 9, true);
	assert_int_equal(next(), 0x39);
	v3_irq_set(dev_vm, 9, false);
	assert_int_equal(inta(), 0x3f);
	assert_int_equal(reg(S_CMD, OCW3_READ_ISR), 0x00);
	assert_int_equal(reg(M_CMD, OCW3_READ_ISR), 0x04);
}

static void test_auto_eoi(void **state)
{
	init_linux(true);
	v3_irq_pulse(dev_vm, 1);
	assert_int_equal(inta(), 0x31);
	assert_int_equal(reg(M_CMD, OCW3_READ_ISR), 0x00);
	v3_irq_pulse(dev_vm, 3);
	assert_int_equal(inta(), 0x33);  /* nothing in service blocks it */
}

static void test_poll(void **state)
{
	init_linux(false);
	dev_outb(M_CMD, OCW3_POLL);
	assert_int_equal(dev_inb(M_CMD), 0x00);
	v3_irq_pulse(dev_vm, 6);
	dev_outb(M_CMD, OCW3_POLL);
	assert_int_equal(dev_inb(M_CMD), 0x86);
	assert_int_equal(reg(M_CMD, OCW3_READ_ISR), 0x40);  /* the poll read was the INTA */
	assert_int_equal(reg(M_CMD, OCW3_READ_IRR), 0x00);
	assert_int_equal(dev_inb(M_DATA), 0x00);  /* polling ends with the read */
}

static void test_special_mask(void **state)
{
	init_linux(false);
	v3_irq_pulse(dev_vm, 1);
	assert_int_equal(inta(), 0x31);
	v3_irq_pulse(dev_vm, 4);
	assert_int_equal(next(), -1);
	dev_outb(M_DATA, 1 << 1);
	dev_outb(M_CMD, 0x68);  /* OCW3: set special mask mode */
	assert_int_equal(inta(), 0x34);
	dev_outb(M_CMD, 0x48);  /* reset special mask mode */
	assert_int_equal(reg(M_CMD, OCW3_READ_ISR), 0x12);
}

static void test_dump(void **state)
{
	init_linux(false);
	fake_host_reset_log();
	pic8259_class.dump(pic);
	assert_non_null(strstr(fake_host_log(), "pic master: base 0x30"));
	assert_non_null(strstr(fake_host_log(), "pic slave: base 0x38"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_uninitialized_is_masked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_linux_init_and_eoi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seabios_init, setup, teardown),
		cmocka_unit_test_setup_teardown(test_icw1_resets_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_priority_and_nesting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_masked_edge_is_latched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rotation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edge_vs_level, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cascade, setup, teardown),
		cmocka_unit_test_setup_teardown(test_special_fully_nested, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spurious, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auto_eoi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll, setup, teardown),
		cmocka_unit_test_setup_teardown(test_special_mask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump, setup, teardown),
	};

	return cmocka_run_group_tests_name("pic8259", tests, NULL, NULL);
}
