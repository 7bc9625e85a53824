// SPDX-License-Identifier: MIT
/*
 * The 16550A UART (devices/uart16550.c) as Linux's 8250 driver probes it
 * (drivers/tty/serial/8250/8250_port.c, autoconfig()): IER bits 0-3 stick
 * and bits 4-7 do not, the scratch register, the loopback test (MCR 0x1a
 * must show MSR 0x90), FIFO detection (IIR bits 7:6 = 3 after FCR enable:
 * a 16550A), a byte round trip in loopback, the divisor latch; then text
 * sent through THR, polling LSR.THRE, which reaches the host console as
 * "vm uart: ..." lines.
 */
#include "runtime.h"

#define COM1 0x3f8
#define RBR_THR (COM1 + 0)
#define IER (COM1 + 1)
#define IIR_FCR (COM1 + 2)
#define LCR (COM1 + 3)
#define MCR (COM1 + 4)
#define LSR (COM1 + 5)
#define MSR (COM1 + 6)
#define SCR (COM1 + 7)

static void uart_puts(const char *s)
{
	for (; *s; s++) {
		unsigned int spins = 0;

		while (!(inb(LSR) & 0x20) && ++spins < 100000)
			;
		outb(RBR_THR, (u8)*s);
	}
}

int guest_main(void)
{
	outb(IER, 0x00);
	CHECK_EQ(inb(IER) & 0x0f, 0x00, "uart: IER reads back 0");
	outb(IER, 0xff);
	CHECK_EQ(inb(IER), 0x0f, "uart: IER keeps bits 0-3 only");
	outb(IER, 0x00);

	outb(SCR, 0xa5);
	CHECK_EQ(inb(SCR), 0xa5, "uart: scratch register 0xa5");
	outb(SCR, 0x5a);
	CHECK_EQ(inb(SCR), 0x5a, "uart: scratch register 0x5a");

	outb(MCR, 0x1a);                        /* loopback, RTS, OUT2 */
	CHECK_EQ(inb(MSR) & 0xf0, 0x90, "uart: loopback MSR shows CTS and DCD");
	outb(RBR_THR, 'Z');
	CHECK_EQ(inb(LSR) & 0x01, 0x01, "uart: loopback byte received (LSR.DR)");
	CHECK_EQ(inb(RBR_THR), 'Z', "uart: loopback byte read back");
	CHECK_EQ(inb(LSR) & 0x61, 0x60, "uart: LSR THRE and TEMT, no data left");

	outb(IIR_FCR, 0x07);                    /* enable and clear the FIFOs */
	CHECK_EQ(inb(IIR_FCR) >> 6, 3, "uart: IIR bits 7:6 = 3 (16550A FIFOs)");
	for (int i = 0; i < 16; i++)
		outb(RBR_THR, (u8)('a' + i));
	bool in_order = true;
	for (int i = 0; i < 16; i++)
		in_order &= inb(RBR_THR) == 'a' + i;
	CHECK(in_order, "uart: 16 bytes through the FIFO in loopback, in order");
	outb(MCR, 0x00);

	outb(LCR, 0x83);                        /* DLAB, 8N1 */
	outb(COM1 + 0, 0x01);                   /* 115200 baud */
	outb(COM1 + 1, 0x00);
	CHECK_EQ(inb(COM1 + 0) | inb(COM1 + 1) << 8, 1, "uart: divisor latch reads back 1");
	outb(LCR, 0x03);
	CHECK_EQ(inb(LCR), 0x03, "uart: LCR 8N1");

	outb(MCR, 0x0b);                        /* DTR, RTS, OUT2 */
	uart_puts("hello from COM1\r\nsecond line\r\n");
	return 0;
}
