/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the host console input path (v3_vm_console_input,
 * palacios/src/console_input.c) into the VM's console UART
 * (devices/uart16550.c), and for the UART's raw output mode: bytes reach the
 * receiver only when vCPU 0's run loop polls or the guest touches the UART,
 * with LSR.DR, the receive interrupts and their trigger levels; host input
 * waits while the receiver is full instead of overrunning it; the queue
 * reports how much it took; only the first UART is the console.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <v3/vm.h>

#include "console_input.h"
#include "fake_host.h"
#include "pc_harness.h"

#define COM1 0x3f8
#define IRQ 4
#define RBR (COM1 + 0)
#define THR (COM1 + 0)
#define IER (COM1 + 1)
#define IIR (COM1 + 2)
#define FCR (COM1 + 2)
#define MCR (COM1 + 4)
#define LSR (COM1 + 5)

#define IER_ERBFI 0x01
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define LSR_DR 0x01
#define LSR_OE 0x02

static int setup(void **state)
{
	(void)state;
	assert_int_equal(ph_create("<device class=\"uart16550\" id=\"com1\" port=\"0x3f8\" irq=\"4\"/>"),
			 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ph_destroy();
	return 0;
}

static int type(const char *s)
{
	return v3_vm_console_input(ph_vm, s, strlen(s));
}

/* What vCPU 0's run loop does before each entry. */
static void before_entry(void)
{
	v3_console_input_poll(ph_vcpu);
}

static void test_bytes_arrive(void **state)
{
	(void)state;
	fake_host_reset_log();
	assert_int_equal(type("ab"), 2);
	assert_int_equal(fake_host_kicks(), 1);         /* vCPU 0 is told */
	before_entry();
	assert_int_equal(ph_inb(LSR) & (LSR_DR | LSR_OE), LSR_DR);
	assert_int_equal(ph_inb(RBR), 'a');
	assert_int_equal(ph_inb(LSR) & LSR_DR, LSR_DR);
	assert_int_equal(ph_inb(RBR), 'b');
	assert_int_equal(ph_inb(LSR) & LSR_DR, 0);
	assert_false(ph_irq(IRQ));                      /* IER is 0: no interrupt */
}

static void test_bytes_unmodified(void **state)
{
	static const char in[] = { 0x03, '\r', 0x1b, '[', 'A', 0x7f, (char)0xff };

	(void)state;
	ph_outb(FCR, 0x01);
	assert_int_equal(v3_vm_console_input(ph_vm, in, sizeof(in)), (int)sizeof(in));
	before_entry();
	for (size_t i = 0; i < sizeof(in); i++)
		assert_int_equal(ph_inb(RBR), (u8)in[i]);
	assert_int_equal(ph_inb(LSR) & LSR_DR, 0);
}

static void test_interrupt_when_enabled(void **state)
{
	(void)state;
	ph_outb(MCR, MCR_OUT2);
	ph_outb(IER, IER_ERBFI);
	assert_false(ph_irq(IRQ));
	type("x");
	assert_false(ph_irq(IRQ));                      /* nothing until the vCPU looks */
	before_entry();
	assert_true(ph_irq(IRQ));
	assert_int_equal(ph_inb(IIR), 0x04);            /* received data available */
	assert_int_equal(ph_inb(RBR), 'x');
	assert_int_equal(ph_inb(IIR), 0x01);
	assert_false(ph_irq(IRQ));

	/* Disabled in IER: data, but no interrupt. */
	ph_outb(IER, 0);
	type("y");
	before_entry();
	assert_false(ph_irq(IRQ));
	assert_int_equal(ph_inb(LSR) & LSR_DR, LSR_DR);
	/* Enabling it with data waiting raises it. */
	ph_outb(IER, IER_ERBFI);
	assert_true(ph_irq(IRQ));
}

static void test_fifo_trigger_levels(void **state)
{
	(void)state;
	ph_outb(FCR, 0xc1);                             /* FIFO, trigger 14 */
	ph_outb(MCR, MCR_OUT2);
	ph_outb(IER, IER_ERBFI);
	type("0123456789abc");                          /* 13 */
	before_entry();
	assert_true(ph_irq(IRQ));
	assert_int_equal(ph_inb(IIR), 0xcc);            /* below the trigger: timeout */
	type("d");
	before_entry();
	assert_int_equal(ph_inb(IIR), 0xc4);            /* at the trigger: data available */
	for (const char *s = "0123456789abcd"; *s; s++)
		assert_int_equal(ph_inb(RBR), *s);
	assert_int_equal(ph_inb(IIR), 0xc1);
	assert_false(ph_irq(IRQ));

	ph_outb(FCR, 0x41);                             /* trigger 4 */
	type("wxyz");
	before_entry();
	assert_int_equal(ph_inb(IIR), 0xc4);
}

static void test_full_fifo_waits_instead_of_overrun(void **state)
{
	(void)state;
	ph_outb(FCR, 0x01);
	assert_int_equal(type("ABCDEFGHIJKLMNOPQRST"), 20);
	before_entry();
	/* 16 in the FIFO, 4 still queued: no overrun. */
	assert_int_equal(ph_inb(LSR) & (LSR_DR | LSR_OE), LSR_DR);
	for (const char *s = "ABCDEFGHIJKLMNOPQRST"; *s; s++)
		assert_int_equal(ph_inb(RBR), *s);      /* each read refills the FIFO */
	assert_int_equal(ph_inb(LSR) & (LSR_DR | LSR_OE), 0);

	/* Without FIFOs: one holding register, the rest waits. */
	ph_outb(FCR, 0x00);
	type("12");
	before_entry();
	before_entry();
	assert_int_equal(ph_inb(LSR) & (LSR_DR | LSR_OE), LSR_DR);
	assert_int_equal(ph_inb(RBR), '1');
	assert_int_equal(ph_inb(RBR), '2');
	assert_int_equal(ph_inb(LSR) & (LSR_DR | LSR_OE), 0);
}

static void test_loopback_cuts_off_input(void **state)
{
	(void)state;
	ph_outb(MCR, MCR_LOOP);
	type("h");
	before_entry();
	assert_int_equal(ph_inb(LSR) & LSR_DR, 0);
	ph_outb(THR, 'L');                              /* loopback still works */
	assert_int_equal(ph_inb(RBR), 'L');
	ph_outb(MCR, 0);                                /* back on the line: the byte arrives */
	assert_int_equal(ph_inb(LSR) & LSR_DR, LSR_DR);
	assert_int_equal(ph_inb(RBR), 'h');
}

static void test_queue_full(void **state)
{
	char big[V3_CONSOLE_INPUT_SIZE + 44];

	(void)state;
	memset(big, 'q', sizeof(big));
	assert_int_equal(v3_vm_console_input(ph_vm, big, sizeof(big)), V3_CONSOLE_INPUT_SIZE);
	assert_int_equal(v3_vm_console_input(ph_vm, "r", 1), 0);
	/* The guest reads; room again. */
	ph_outb(FCR, 0x01);
	for (int i = 0; i < 16; i++)
		assert_int_equal(ph_inb(RBR), 'q');
	assert_int_equal(v3_vm_console_input(ph_vm, "rr", 2), 2);
	/* The ring wraps around correctly. */
	for (int i = 16; i < V3_CONSOLE_INPUT_SIZE; i++)
		assert_int_equal(ph_inb(RBR), 'q');
	assert_int_equal(ph_inb(RBR), 'r');
	assert_int_equal(ph_inb(RBR), 'r');
	assert_int_equal(ph_inb(LSR) & (LSR_DR | LSR_OE), 0);
}

static void test_bad_calls(void **state)
{
	(void)state;
	assert_int_equal(v3_vm_console_input(NULL, "a", 1), -V3_EINVAL);
	assert_int_equal(v3_vm_console_input(ph_vm, NULL, 1), -V3_EINVAL);
	assert_int_equal(v3_vm_console_input(ph_vm, NULL, 0), 0);
	fake_host_reset_log();
	assert_int_equal(v3_vm_console_input(ph_vm, "", 0), 0);
	assert_int_equal(fake_host_kicks(), 0);         /* nothing queued, nobody woken */
	ph_vm->state = V3_VM_STOPPED;
	assert_int_equal(type("a"), -V3_ESTOPPED);
	ph_vm->state = V3_VM_RUNNING;
}

static void test_no_console(void **state)
{
	(void)state;
	ph_destroy();
	assert_int_equal(ph_create("<device class=\"pic8259\" id=\"pic\"/>"), 0);
	assert_int_equal(type("a"), -V3_ENODEV);
}

static void test_first_uart_is_the_console(void **state)
{
	(void)state;
	ph_destroy();
	assert_int_equal(ph_create("<device class=\"uart16550\" id=\"com2\" port=\"0x2f8\" irq=\"3\"/>"
				   "<device class=\"uart16550\" id=\"com1\"/>"), 0);
	type("k");
	before_entry();
	assert_int_equal(ph_inb(0x3f8 + 5) & LSR_DR, 0);
	assert_int_equal(ph_inb(0x2f8 + 5) & LSR_DR, LSR_DR);
	assert_int_equal(ph_inb(0x2f8), 'k');
}

static void test_freed_console_detaches(void **state)
{
	(void)state;
	type("z");
	ph_destroy();
	/* A new VM's console starts with an empty queue. */
	setup(NULL);
	assert_int_equal(ph_inb(LSR) & LSR_DR, 0);
}

static void test_raw_output(void **state)
{
	size_t len;
	const char *out;

	(void)state;
	ph_destroy();
	assert_int_equal(ph_create("<device class=\"uart16550\" id=\"com1\" output=\"raw\"/>"), 0);
	fake_host_reset_log();
	for (const char *s = "~ # \x1b[1m\r\n"; *s; s++) {
		ph_outb(THR, (u8)*s);
		/* Each byte at once, a prompt without a newline included. */
		out = fake_host_console(&len);
		assert_int_equal(len, (size_t)(s + 1 - "~ # \x1b[1m\r\n"));
	}
	out = fake_host_console(&len);
	assert_memory_equal(out, "~ # \x1b[1m\r\n", len);
	assert_string_equal(fake_host_log(), "");       /* no "vm NAME:" lines */
	ph_destroy();
	assert_string_equal(fake_host_log(), "");
	assert_int_equal(ph_create("<device class=\"uart16550\" id=\"com1\" output=\"lines\"/>"), 0);
	ph_outb(THR, 'x');
	ph_outb(THR, '\n');
	assert_non_null(strstr(fake_host_log(), "vm dev: x\n"));
	fake_host_console(&len);
	assert_int_equal(len, 0);
}

static void test_bad_output_mode(void **state)
{
	(void)state;
	ph_destroy();
	fake_host_reset_log();
	assert_int_equal(ph_create("<device class=\"uart16550\" id=\"c\" output=\"cooked\"/>"),
			 -V3_EINVAL);
	assert_non_null(strstr(fake_host_log(), "output=\"cooked\" is not lines or raw"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bytes_arrive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bytes_unmodified, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interrupt_when_enabled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo_trigger_levels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_fifo_waits_instead_of_overrun, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_loopback_cuts_off_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_calls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_console, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_uart_is_the_console, setup, teardown),
		cmocka_unit_test_setup_teardown(test_freed_console_detaches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_raw_output, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_output_mode, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
