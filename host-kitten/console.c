/* SPDX-License-Identifier: MIT */
/*
 * The console: COM1, a 16550 (NS16550A datasheet). Output is polled: that
 * keeps the console usable from exception handlers and before interrupts are
 * set up, and costs nothing when nothing is printed. Input, once someone
 * wants it (hk_console_input_start), arrives by COM1's receive interrupt
 * (ISA IRQ 4 through the IOAPIC): no timer polls the receiver.
 */
#include <stdarg.h>

#include <arch/x86.h>
#include "apic.h"
#include "hk.h"
#include "lib/printf.h"
#include "spinlock.h"

#define COM1 0x3f8
#define COM1_IRQ 4
#define UART_RBR 0
#define UART_THR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_LSR_DR 0x01
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_LCR_DLAB 0x80
#define UART_IER_ERBFI 0x01
#define UART_MCR_DTR_RTS 0x03
#define UART_MCR_OUT2 0x08   /* gates the UART's interrupt output onto the ISA line on a PC */

/* A receive interrupt reads at most this much: a stuck DR bit cannot hold the CPU forever. */
#define RX_MAX_PER_INTERRUPT 4096

static struct hk_spinlock console_lock;

void hk_console_init(void)
{
	u16 divisor = 115200 / CONFIG_HK_SERIAL_BAUD;

	x86_outb(COM1 + UART_IER, 0x00);
	x86_outb(COM1 + UART_LCR, UART_LCR_DLAB);
	x86_outb(COM1 + 0, divisor & 0xff);
	x86_outb(COM1 + 1, divisor >> 8);
	x86_outb(COM1 + UART_LCR, 0x03);  /* 8N1 */
	x86_outb(COM1 + UART_FCR, 0x07);  /* enable and clear FIFOs */
	x86_outb(COM1 + UART_MCR, UART_MCR_DTR_RTS);
}

static void serial_putc(char c)
{
	for (unsigned int spins = 0; spins < 1000000; spins++) {
		if (x86_inb(COM1 + UART_LSR) & UART_LSR_THRE)
			break;
		x86_pause();
	}
	x86_outb(COM1 + UART_THR, (u8)c);
}

static void console_write_locked(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

/*
 * Waits until the transmitter is empty: an emulator that models transmit
 * timing (Bochs) drops bytes still in flight when the machine is switched off.
 */
void hk_console_flush(void)
{
	for (unsigned int spins = 0; spins < 10000000; spins++) {
		if (x86_inb(COM1 + UART_LSR) & UART_LSR_TEMT)
			return;
		x86_pause();
	}
}

void hk_console_write(const char *s, size_t len)
{
	bool was = hk_spin_lock_irqsave(&console_lock);

	console_write_locked(s, len);
	hk_spin_unlock_irqrestore(&console_lock, was);
}

void hk_console_write_raw(const char *s, size_t len)
{
	bool was = hk_spin_lock_irqsave(&console_lock);

	for (size_t i = 0; i < len; i++)
		serial_putc(s[i]);
	hk_spin_unlock_irqrestore(&console_lock, was);
}

static void (*input_fn)(const char *bytes, size_t n);

/*
 * COM1's receive interrupt. The ISA line is edge-triggered: the receiver is
 * emptied completely, or a byte left behind would never interrupt again.
 */
static void console_rx_interrupt(unsigned int irq, void *arg)
{
	char buf[64];
	size_t n = 0;

	for (unsigned int total = 0; total < RX_MAX_PER_INTERRUPT; total++) {
		if (!(x86_inb(COM1 + UART_LSR) & UART_LSR_DR))
			break;
		buf[n++] = (char)x86_inb(COM1 + UART_RBR);
		if (n == sizeof(buf)) {
			input_fn(buf, n);
			n = 0;
		}
	}
	if (n)
		input_fn(buf, n);
	hk_ioapic_ack_irq(irq);
}

int hk_console_input_start(void (*fn)(const char *bytes, size_t n))
{
	int rc;

	if (!fn || input_fn)
		return -V3_EINVAL;
	input_fn = fn;
	rc = hk_ioapic_hook_irq(COM1_IRQ, console_rx_interrupt, NULL);
	if (rc) {
		input_fn = NULL;
		return rc;
	}
	/* Bytes typed before now are stale; then interrupts for the ones to come. */
	while (x86_inb(COM1 + UART_LSR) & UART_LSR_DR)
		x86_inb(COM1 + UART_RBR);
	x86_outb(COM1 + UART_MCR, UART_MCR_DTR_RTS | UART_MCR_OUT2);
	x86_outb(COM1 + UART_IER, UART_IER_ERBFI);
	return 0;
}

static void console_vprintf(const char *fmt, va_list ap)
{
	char buf[512];
	int n = v3_vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	hk_console_write(buf, (size_t)n);
}

void hk_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	console_vprintf(fmt, ap);
	va_end(ap);
}

/*
 * Panics may come from a CPU that holds the console lock (an exception inside
 * hk_printf): take the lock if we can within a bounded wait, else write anyway
 * rather than deadlock with the one message that matters.
 */
void hk_console_force_unlock(void)
{
	for (unsigned int i = 0; i < 10000000; i++) {
		if (hk_spin_trylock(&console_lock)) {
			hk_spin_unlock(&console_lock);
			return;
		}
		x86_pause();
	}
	hk_spin_unlock(&console_lock);
}
