/* SPDX-License-Identifier: MIT */
/*
 * The console: COM1, a 16550 driven by polling (NS16550A datasheet). Polling
 * keeps the console usable from exception handlers and before interrupts are
 * set up, and costs nothing when nothing is printed.
 */
#include <stdarg.h>

#include <arch/x86.h>
#include "hk.h"
#include "lib/printf.h"
#include "spinlock.h"

#define COM1 0x3f8
#define UART_THR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_LCR_DLAB 0x80

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
	x86_outb(COM1 + UART_MCR, 0x03);  /* DTR, RTS */
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
