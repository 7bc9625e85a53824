/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the i8042 keyboard controller (devices/i8042.c), driven
 * through the I/O exit path: the probe sequence of Linux's i8042 driver
 * (flush, self-test, config byte, aux loopback and enable/disable), the
 * keyboard commands atkbd sends, IRQ 1/12 edges, the absent mouse, and the
 * reset paths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pc_harness.h"

#define DATA 0x60
#define CMD 0x64

#define STR_OBF 0x01
#define STR_SYS 0x04
#define STR_CMDDAT 0x08
#define STR_AUXDATA 0x20
#define STR_TIMEOUT 0x40

#define CTR_KBDINT 0x01
#define CTR_AUXINT 0x02
#define CTR_AUXDIS 0x20

static int setup(void **state)
{
	(void)state;
	assert_int_equal(ph_create("<device class=\"i8042\" id=\"kbd\"/>"), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ph_destroy();
	return 0;
}

/* i8042_command(): write the command, then its parameter; read one answer. */
static u8 command(u8 cmd)
{
	ph_outb(CMD, cmd);
	assert_true(ph_inb(CMD) & STR_OBF);
	return ph_inb(DATA);
}

static void assert_empty(void)
{
	assert_false(ph_inb(CMD) & STR_OBF);
}

static void test_status_after_reset(void **state)
{
	(void)state;
	u8 s = ph_inb(CMD);

	assert_false(s & STR_OBF);
	assert_true(s & STR_SYS);
	assert_false(ph_irq(1));
	assert_false(ph_irq(12));
}

static void test_linux_probe(void **state)
{
	(void)state;
	u8 ctr;

	/* i8042_flush: nothing there. */
	assert_empty();
	assert_int_equal(command(0xaa), 0x55);           /* self-test */
	assert_true(ph_inb(CMD) & STR_CMDDAT);
	ctr = command(0x20);                            /* read CTR */
	assert_int_equal(ctr & (CTR_KBDINT | 0x04), CTR_KBDINT | 0x04);
	/* Write it back with interrupts off, as i8042_controller_init does. */
	ph_outb(CMD, 0x60);
	ph_outb(DATA, ctr & ~(CTR_KBDINT | CTR_AUXINT));
	assert_false(ph_inb(CMD) & STR_CMDDAT);
	assert_int_equal(command(0x20), ctr & ~(CTR_KBDINT | CTR_AUXINT));
	assert_false(ph_irq(1));

	/* i8042_check_aux: the loopback echoes, flagged as aux data. */
	ph_outb(CMD, 0xd3);
	ph_outb(DATA, 0x5a);
	assert_int_equal(ph_inb(CMD) & (STR_OBF | STR_AUXDATA), STR_OBF | STR_AUXDATA);
	assert_int_equal(ph_inb(DATA), 0x5a);
	ph_outb(CMD, 0xa7);
	assert_true(command(0x20) & CTR_AUXDIS);
	ph_outb(CMD, 0xa8);
	assert_false(command(0x20) & CTR_AUXDIS);
	assert_int_equal(command(0xa9), 0x00);           /* aux port test */
	assert_int_equal(command(0xab), 0x00);           /* keyboard port test */

	/* Aux IRQ test: with AUXINT on, the loopback byte raises IRQ 12. */
	ph_outb(CMD, 0x60);
	ph_outb(DATA, ctr | CTR_AUXINT);
	ph_outb(CMD, 0xd3);
	ph_outb(DATA, 0xa5);
	assert_true(ph_irq(12));
	assert_false(ph_irq(1));
	assert_int_equal(ph_inb(DATA), 0xa5);
	assert_false(ph_irq(12));

	ph_outb(CMD, 0xad);
	assert_true(command(0x20) & 0x10);
	ph_outb(CMD, 0xae);
	assert_false(command(0x20) & 0x10);
	assert_empty();
}

static void test_keyboard_commands(void **state)
{
	(void)state;
	unsigned int edges = ph_irq_edges(1);

	/* atkbd_probe: reset, then GETID, each byte its own IRQ 1 edge. */
	ph_outb(DATA, 0xff);
	assert_true(ph_irq(1));
	assert_int_equal(ph_inb(DATA), 0xfa);
	assert_true(ph_irq(1));
	assert_int_equal(ph_inb(DATA), 0xaa);
	assert_false(ph_irq(1));
	assert_int_equal(ph_irq_edges(1), edges + 2);

	ph_outb(DATA, 0xf2);
	assert_int_equal(ph_inb(DATA), 0xfa);
	assert_int_equal(ph_inb(DATA), 0xab);
	assert_int_equal(ph_inb(DATA), 0x83);
	assert_empty();
	/* Reading an empty buffer returns the last byte again. */
	assert_int_equal(ph_inb(DATA), 0x83);

	ph_outb(DATA, 0xf5);
	assert_int_equal(ph_inb(DATA), 0xfa);
	ph_outb(DATA, 0xf4);
	assert_int_equal(ph_inb(DATA), 0xfa);
	ph_outb(DATA, 0xed);                            /* LEDs, then the mask */
	assert_int_equal(ph_inb(DATA), 0xfa);
	ph_outb(DATA, 0x07);
	assert_int_equal(ph_inb(DATA), 0xfa);
	ph_outb(DATA, 0xf0);                            /* select set 3, then ask */
	assert_int_equal(ph_inb(DATA), 0xfa);
	ph_outb(DATA, 0x03);
	assert_int_equal(ph_inb(DATA), 0xfa);
	ph_outb(DATA, 0xf0);
	assert_int_equal(ph_inb(DATA), 0xfa);
	ph_outb(DATA, 0x00);
	assert_int_equal(ph_inb(DATA), 0xfa);
	assert_int_equal(ph_inb(DATA), 0x03);
	ph_outb(DATA, 0xee);
	assert_int_equal(ph_inb(DATA), 0xee);
	ph_outb(DATA, 0x42);                            /* unknown: resend */
	assert_int_equal(ph_inb(DATA), 0xfe);
	assert_empty();
}

static void test_keyboard_irq_needs_ctr(void **state)
{
	(void)state;
	ph_outb(CMD, 0x60);
	ph_outb(DATA, 0x44);                           /* KBDINT off */
	ph_outb(DATA, 0xf4);
	assert_false(ph_irq(1));
	assert_true(ph_inb(CMD) & STR_OBF);
	assert_int_equal(ph_inb(DATA), 0xfa);
}

static void test_write_output_buffers(void **state)
{
	(void)state;
	ph_outb(CMD, 0xd2);
	ph_outb(DATA, 0x1c);
	assert_true(ph_irq(1));
	assert_int_equal(ph_inb(CMD) & (STR_OBF | STR_AUXDATA), STR_OBF);
	assert_int_equal(ph_inb(DATA), 0x1c);
}

static void test_no_mouse(void **state)
{
	(void)state;
	ph_outb(CMD, 0x60);
	ph_outb(DATA, 0x47);                           /* both interrupts on */
	ph_outb(CMD, 0xd4);
	ph_outb(DATA, 0xf2);                           /* psmouse GETID */
	assert_int_equal(ph_inb(CMD) & (STR_OBF | STR_AUXDATA | STR_TIMEOUT),
			 STR_OBF | STR_AUXDATA | STR_TIMEOUT);
	assert_true(ph_irq(12));
	assert_int_equal(ph_inb(DATA), 0xfe);
	assert_false(ph_inb(CMD) & STR_TIMEOUT);
	assert_empty();
}

static void test_output_port(void **state)
{
	(void)state;
	u8 op = command(0xd0);

	assert_int_equal(op & 0x03, 0x03);             /* not in reset, A20 on */
	ph_outb(CMD, 0xd1);
	ph_outb(DATA, 0x01);                           /* A20 off */
	assert_int_equal(ph_vm->state, V3_VM_RUNNING);
	assert_int_equal(command(0xd0) & 0x03, 0x01);
	ph_outb(CMD, 0xd1);
	ph_outb(DATA, 0x02);                           /* reset line low */
	assert_int_equal(ph_vm->state, V3_VM_STOPPED);
	assert_int_equal(ph_vm->outcome.reason, V3_STOP_RESET);
	assert_string_equal(ph_vm->outcome.detail, "guest reset (i8042)");
}

static void test_pulse_reset(void **state)
{
	(void)state;
	ph_outb(CMD, 0xff);                            /* pulses nothing */
	assert_int_equal(ph_vm->state, V3_VM_RUNNING);
	ph_outb(CMD, 0xfe);
	assert_int_equal(ph_vm->state, V3_VM_STOPPED);
	assert_int_equal(ph_vm->outcome.reason, V3_STOP_RESET);
	assert_int_equal(ph_vm->outcome.status, 0);
	assert_string_equal(ph_vm->outcome.detail, "guest reset (i8042)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_status_after_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_linux_probe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keyboard_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keyboard_irq_needs_ctr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_output_buffers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_mouse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_port, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pulse_reset, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
