/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the 16550A UART (devices/uart16550.c), driven through the
 * I/O exit path: divisor latch and LCR, scratch register, console output,
 * loopback and the modem status it mirrors, FIFOs and trigger levels, line
 * status errors, the IIR priority order and the IRQ line gated by OUT2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pc_harness.h"
#include "fake_host.h"

#define COM1 0x3f8
#define IRQ 4
#define THR (COM1 + 0)
#define IER (COM1 + 1)
#define IIR (COM1 + 2)
#define FCR (COM1 + 2)
#define LCR (COM1 + 3)
#define MCR (COM1 + 4)
#define LSR (COM1 + 5)
#define MSR (COM1 + 6)
#define SCR (COM1 + 7)

#define MCR_OUT2 0x08
#define MCR_LOOP 0x10

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

static void test_reset_state(void **state)
{
	(void)state;
	assert_int_equal(ph_inb(IER), 0);
	assert_int_equal(ph_inb(IIR), 0x01);
	assert_int_equal(ph_inb(LCR), 0);
	assert_int_equal(ph_inb(MCR), 0);
	assert_int_equal(ph_inb(LSR), 0x60);        /* THRE, TEMT */
	assert_int_equal(ph_inb(MSR) & 0xf0, 0xb0); /* DCD, DSR, CTS: a terminal is there */
	assert_false(ph_irq(IRQ));
}

static void test_divisor_latch(void **state)
{
	(void)state;
	ph_outb(LCR, 0x83);                     /* DLAB, 8N1 */
	ph_outb(COM1 + 0, 0x01);                /* 115200 baud */
	ph_outb(COM1 + 1, 0x00);
	assert_int_equal(ph_inb(COM1 + 0), 0x01);
	assert_int_equal(ph_inb(COM1 + 1), 0x00);
	ph_outb(COM1 + 1, 0x12);
	assert_int_equal(ph_inb(COM1 + 1), 0x12);
	assert_int_equal(ph_inb(LCR), 0x83);
	ph_outb(LCR, 0x03);
	/* With DLAB clear the same offsets are IER and RBR/THR again. */
	assert_int_equal(ph_inb(IER), 0);
	ph_outb(IER, 0xff);
	assert_int_equal(ph_inb(IER), 0x0f);
	ph_outb(LCR, 0x80);
	assert_int_equal(ph_inb(COM1 + 0), 0x01);
	assert_int_equal(ph_inb(COM1 + 1), 0x12);
	/* Writing the divisor sends nothing. */
	assert_null(strstr(fake_host_log(), "vm dev:"));
}

static void test_scratch(void **state)
{
	(void)state;
	ph_outb(SCR, 0xa5);
	assert_int_equal(ph_inb(SCR), 0xa5);
	ph_outb(SCR, 0x5a);
	assert_int_equal(ph_inb(SCR), 0x5a);
}

static void test_output_lines(void **state)
{
	(void)state;
	fake_host_reset_log();
	for (const char *s = "hello\r\nworld\x01\n"; *s; s++)
		ph_outb(THR, (u8)*s);
	assert_non_null(strstr(fake_host_log(), "vm dev: hello\n"));
	assert_non_null(strstr(fake_host_log(), "vm dev: world?\n"));
	assert_int_equal(ph_inb(LSR) & 0x61, 0x60);   /* sent at once, nothing received */
}

static void test_partial_line_flushed_at_free(void **state)
{
	(void)state;
	fake_host_reset_log();
	ph_outb(THR, 'x');
	assert_null(strstr(fake_host_log(), "vm dev: x"));
	ph_destroy();
	assert_non_null(strstr(fake_host_log(), "vm dev: x\n"));
	setup(NULL);
}

static void test_loopback(void **state)
{
	(void)state;
	fake_host_reset_log();
	ph_outb(MCR, MCR_LOOP);
	ph_outb(THR, 'A');
	assert_int_equal(ph_inb(LSR) & 0x01, 0x01);
	assert_int_equal(ph_inb(THR), 'A');
	assert_int_equal(ph_inb(LSR) & 0x01, 0x00);
	assert_null(strstr(fake_host_log(), "vm dev:"));

	/* Non-FIFO mode: one holding register, a second byte overruns it. */
	ph_outb(THR, 'B');
	ph_outb(THR, 'C');
	assert_int_equal(ph_inb(LSR) & 0x03, 0x03);    /* DR, OE */
	assert_int_equal(ph_inb(LSR) & 0x03, 0x01);    /* OE cleared by the read */
	assert_int_equal(ph_inb(THR), 'C');
}

static void test_loopback_modem_status(void **state)
{
	(void)state;
	/* Linux's 8250 probe: loopback with OUT2 (0x1a) must show DCD and CTS only. */
	ph_outb(MCR, MCR_LOOP | 0x0a);
	assert_int_equal(ph_inb(MSR) & 0xf0, 0x90);
	ph_outb(MCR, MCR_LOOP | 0x0f);
	assert_int_equal(ph_inb(MSR), 0xf0 | 0x02);   /* all on; DSR changed, RI rose */
	ph_outb(MCR, MCR_LOOP | 0x0b);                 /* OUT1 (RI) falls */
	assert_int_equal(ph_inb(MSR), 0xb0 | 0x04);    /* TERI */
	assert_int_equal(ph_inb(MSR), 0xb0);           /* deltas clear on read */
	ph_outb(MCR, MCR_LOOP);
	assert_int_equal(ph_inb(MSR), 0x0b);
}

static void test_fifo(void **state)
{
	(void)state;
	ph_outb(FCR, 0x01);
	assert_int_equal(ph_inb(IIR) & 0xc0, 0xc0);    /* a 16550A: FIFOs work */
	ph_outb(MCR, MCR_LOOP);
	for (int i = 0; i < 16; i++)
		ph_outb(THR, 'a' + i);
	assert_int_equal(ph_inb(LSR) & 0x03, 0x01);
	ph_outb(THR, 'z');                             /* 17th: lost, overrun */
	assert_int_equal(ph_inb(LSR) & 0x03, 0x03);
	for (int i = 0; i < 16; i++)
		assert_int_equal(ph_inb(THR), 'a' + i);
	assert_int_equal(ph_inb(LSR) & 0x01, 0x00);

	/* Clearing the receive FIFO. */
	ph_outb(THR, '1');
	ph_outb(THR, '2');
	ph_outb(FCR, 0x03);
	assert_int_equal(ph_inb(LSR) & 0x01, 0x00);
	assert_int_equal(ph_inb(IIR) & 0xc0, 0xc0);

	/* Disabling the FIFOs clears them and IIR bits 7:6. */
	ph_outb(THR, '3');
	ph_outb(FCR, 0x00);
	assert_int_equal(ph_inb(LSR) & 0x01, 0x00);
	assert_int_equal(ph_inb(IIR) & 0xc0, 0x00);
}

static void test_trigger_level_and_timeout(void **state)
{
	(void)state;
	ph_outb(FCR, 0x81);                            /* FIFO, trigger 8 */
	ph_outb(MCR, MCR_LOOP | MCR_OUT2);
	ph_outb(IER, 0x01);
	assert_int_equal(ph_inb(IIR), 0xc1);
	for (int i = 0; i < 7; i++)
		ph_outb(THR, 'x');
	assert_int_equal(ph_inb(IIR), 0xcc);           /* below the trigger: timeout */
	ph_outb(THR, 'x');
	assert_int_equal(ph_inb(IIR), 0xc4);           /* at the trigger: data available */
	assert_true(ph_irq(IRQ));
	for (int i = 0; i < 8; i++)
		ph_inb(THR);
	assert_int_equal(ph_inb(IIR), 0xc1);
	assert_false(ph_irq(IRQ));
}

static void test_thre_interrupt(void **state)
{
	(void)state;
	ph_outb(MCR, MCR_OUT2);
	ph_outb(IER, 0x02);                            /* enabling ETBEI with THR empty */
	assert_true(ph_irq(IRQ));
	assert_int_equal(ph_inb(IIR), 0x02);
	assert_false(ph_irq(IRQ));                     /* reading IIR cleared it */
	assert_int_equal(ph_inb(IIR), 0x01);

	/* Writing THR: the byte leaves, THR empties again, a new edge. */
	unsigned int edges = ph_irq_edges(IRQ);
	ph_outb(THR, 'q');
	assert_true(ph_irq(IRQ));
	assert_int_equal(ph_irq_edges(IRQ), edges + 1);
	ph_outb(THR, 'r');
	assert_int_equal(ph_irq_edges(IRQ), edges + 2);
	assert_int_equal(ph_inb(IIR), 0x02);
	ph_outb(IER, 0x00);
	assert_false(ph_irq(IRQ));
	ph_outb(THR, '\n');
}

static void test_irq_needs_out2(void **state)
{
	(void)state;
	ph_outb(IER, 0x02);
	assert_false(ph_irq(IRQ));
	assert_int_equal(ph_inb(IIR), 0x02);           /* pending all the same */
	ph_outb(IER, 0x00);
	ph_outb(IER, 0x02);
	ph_outb(MCR, MCR_OUT2);
	assert_true(ph_irq(IRQ));
	ph_outb(MCR, 0x00);
	assert_false(ph_irq(IRQ));
}

static void test_iir_priorities(void **state)
{
	(void)state;
	ph_outb(MCR, MCR_LOOP | MCR_OUT2);
	ph_outb(THR, 'a');
	ph_outb(THR, 'b');                             /* overrun: line status */
	ph_outb(MCR, MCR_LOOP | MCR_OUT2 | 0x02);      /* RTS -> CTS: modem status */
	ph_outb(IER, 0x0f);                            /* everything, THRE latched */
	assert_true(ph_irq(IRQ));
	assert_int_equal(ph_inb(IIR), 0x06);           /* line status first */
	assert_int_equal(ph_inb(LSR) & 0x03, 0x03);
	assert_int_equal(ph_inb(IIR), 0x04);           /* then received data */
	assert_int_equal(ph_inb(THR), 'b');
	assert_int_equal(ph_inb(IIR), 0x02);           /* then THRE, cleared by this read */
	assert_int_equal(ph_inb(IIR), 0x00);           /* then modem status */
	assert_true(ph_irq(IRQ));
	assert_int_equal(ph_inb(MSR) & 0x0f, 0x03);    /* DCTS, and DDSR from entering loopback */
	assert_int_equal(ph_inb(IIR), 0x01);
	assert_false(ph_irq(IRQ));
}

static void test_second_port(void **state)
{
	(void)state;
	ph_destroy();
	assert_int_equal(ph_create("<device class=\"uart16550\" id=\"com2\" port=\"0x2f8\" irq=\"3\"/>"
				   "<device class=\"uart16550\" id=\"com1\"/>"), 0);
	ph_outb(0x2f8 + 7, 0x11);
	ph_outb(0x3f8 + 7, 0x22);
	assert_int_equal(ph_inb(0x2f8 + 7), 0x11);
	assert_int_equal(ph_inb(0x3f8 + 7), 0x22);
	ph_outb(0x2f8 + 4, MCR_OUT2);
	ph_outb(0x2f8 + 1, 0x02);
	assert_true(ph_irq(3));
	assert_false(ph_irq(4));
}

static void test_bad_config(void **state)
{
	(void)state;
	ph_destroy();
	assert_int_not_equal(ph_create("<device class=\"uart16550\" id=\"c\" irq=\"300\"/>"), 0);
	ph_destroy();
	assert_int_not_equal(ph_create("<device class=\"uart16550\" id=\"c\" port=\"0xfffc\"/>"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reset_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_divisor_latch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scratch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_line_flushed_at_free, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loopback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loopback_modem_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trigger_level_and_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thre_interrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_irq_needs_out2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_iir_priorities, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_port, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_config, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
