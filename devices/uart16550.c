/* SPDX-License-Identifier: MIT */
/*
 * A 16550A UART (TI/National PC16550D datasheet, "Registers" and table 4,
 * "Interrupt Control Functions"):
 * <device class="uart16550" id="com1" port="0x3f8" irq="4" output="lines"/>
 *
 *   +0  RBR (read) / THR (write); DLL when LCR.DLAB
 *   +1  IER; DLM when LCR.DLAB
 *   +2  IIR (read) / FCR (write)
 *   +3  LCR   +4 MCR   +5 LSR   +6 MSR   +7 SCR
 *
 * Transmission is instantaneous: THR and the transmit shift register are
 * always empty (LSR.THRE and TEMT stay set) and every byte written goes to
 * the host console, or back into the receiver in loopback mode. With
 * output="lines" (the default) the host sees "vm NAME: ..." log lines; with
 * output="raw" it gets the bytes unmodified, at once (v3_host->console_write),
 * for an interactive guest console.
 *
 * The receiver is a 16-byte FIFO (one holding register when FIFOs are off).
 * The VM's first UART is its console: it receives the host's console input
 * (v3_vm_console_input, console_input.h), taking queued bytes only while the
 * receiver has room, so host input waits instead of overrunning (a real
 * line with hardware flow control); a character arriving at a full receiver
 * (loopback) sets LSR.OE and is lost. In loopback mode the receiver is cut
 * off from the line and host input waits. With no receive clock, the
 * character timeout of FIFO mode is taken as already elapsed: data below the
 * trigger level reports the timeout interrupt at once. Outside loopback the
 * modem inputs show a connected terminal (CTS, DSR, DCD).
 *
 * The interrupt output reaches the ISA line only through MCR.OUT2, as on a PC.
 * The lock serializes the guest's accesses (from any vCPU) with the console
 * input arriving on vCPU 0's thread; the model keeps every index in range
 * whatever the guest does.
 */
#include "console_input.h"
#include "console_line.h"
#include "device.h"
#include "host_ops.h"
#include "intr.h"
#include "io.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "log.h"
#include "vm.h"

#define UART_FIFO_SIZE 16

/* Register offsets. */
#define REG_RBR_THR 0
#define REG_IER 1
#define REG_IIR_FCR 2
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5
#define REG_MSR 6
#define REG_SCR 7

#define IER_ERBFI 0x01   /* received data available */
#define IER_ETBEI 0x02   /* THR empty */
#define IER_ELSI 0x04    /* receiver line status */
#define IER_EDSSI 0x08   /* modem status */

/* IIR interrupt identification, highest priority first. */
#define IIR_NONE 0x01
#define IIR_RLS 0x06
#define IIR_RDA 0x04
#define IIR_TIMEOUT 0x0c
#define IIR_THRE 0x02
#define IIR_MSR 0x00
#define IIR_FIFO_ON 0xc0

#define FCR_ENABLE 0x01
#define FCR_CLEAR_RX 0x02
#define FCR_CLEAR_TX 0x04

#define LCR_DLAB 0x80

#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10

#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

#define MSR_DCTS 0x01
#define MSR_DDSR 0x02
#define MSR_TERI 0x04
#define MSR_DDCD 0x08
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80

struct uart {
	struct v3_vm *vm;
	struct v3_spinlock lock;
	u16 port;
	unsigned int irq;
	bool raw_output;        /* output="raw": bytes to console_write, not lines */
	bool console;           /* receives the host's console input */
	u8 ier, fcr, lcr, mcr, scr, dll, dlm;
	u8 lsr_errors;          /* OE: sticky until LSR is read */
	u8 msr;                 /* status bits 7:4 and delta bits 3:0 */
	bool thr_ipending;      /* the THR empty interrupt is latched */
	u8 rx[UART_FIFO_SIZE];
	unsigned int rx_head, rx_count;
	struct v3_console_line out;
};

static unsigned int rx_capacity(const struct uart *u)
{
	return (u->fcr & FCR_ENABLE) ? UART_FIFO_SIZE : 1;
}

static unsigned int rx_trigger(const struct uart *u)
{
	static const u8 levels[4] = { 1, 4, 8, 14 };

	return (u->fcr & FCR_ENABLE) ? levels[u->fcr >> 6] : 1;
}

/* The pending interrupt of highest priority (datasheet table 4). */
static u8 uart_iid(const struct uart *u)
{
	if ((u->ier & IER_ELSI) && u->lsr_errors)
		return IIR_RLS;
	if ((u->ier & IER_ERBFI) && u->rx_count) {
		if (u->rx_count >= rx_trigger(u))
			return IIR_RDA;
		return IIR_TIMEOUT;
	}
	if ((u->ier & IER_ETBEI) && u->thr_ipending)
		return IIR_THRE;
	if ((u->ier & IER_EDSSI) && (u->msr & 0x0f))
		return IIR_MSR;
	return IIR_NONE;
}

static void uart_update_irq(struct uart *u)
{
	v3_irq_set(u->vm, u->irq, uart_iid(u) != IIR_NONE && (u->mcr & MCR_OUT2));
}

/* What the modem inputs show: the MCR outputs in loopback, else a connected terminal. */
static u8 modem_inputs(const struct uart *u)
{
	if (!(u->mcr & MCR_LOOP))
		return MSR_CTS | MSR_DSR | MSR_DCD;
	return (u->mcr & MCR_RTS ? MSR_CTS : 0) | (u->mcr & MCR_DTR ? MSR_DSR : 0) |
	       (u->mcr & MCR_OUT1 ? MSR_RI : 0) | (u->mcr & MCR_OUT2 ? MSR_DCD : 0);
}

/* New modem input levels: set the delta bits for what changed (TERI on RI going low). */
static void update_modem_status(struct uart *u)
{
	u8 old = u->msr & 0xf0, now = modem_inputs(u), changed = old ^ now;

	if (changed & MSR_CTS)
		u->msr |= MSR_DCTS;
	if (changed & MSR_DSR)
		u->msr |= MSR_DDSR;
	if ((old & MSR_RI) && !(now & MSR_RI))
		u->msr |= MSR_TERI;
	if (changed & MSR_DCD)
		u->msr |= MSR_DDCD;
	u->msr = (u->msr & 0x0f) | now;
}

/* A character arrives at the receiver: a full FIFO loses it, a lone holding register is overwritten. */
static void uart_receive(struct uart *u, u8 c)
{
	if (u->rx_count >= rx_capacity(u)) {
		u->lsr_errors |= LSR_OE;
		if (!(u->fcr & FCR_ENABLE))
			u->rx[u->rx_head] = c;
		return;
	}
	u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = c;
	u->rx_count++;
}

static void rx_clear(struct uart *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
}

/* Host console input enters the receiver as far as it has room (none in loopback). */
static void uart_take_input(struct uart *u)
{
	u8 buf[UART_FIFO_SIZE];
	size_t n;

	if (!u->console || (u->mcr & MCR_LOOP) || u->rx_count >= rx_capacity(u))
		return;
	n = v3_console_input_take(u->vm, buf, rx_capacity(u) - u->rx_count);
	for (size_t i = 0; i < n; i++)
		uart_receive(u, buf[i]);
}

static void uart_transmit(struct uart *u, u8 c)
{
	/* Writing THR clears the THRE interrupt; the byte leaves at once and THR empties again. */
	u->thr_ipending = false;
	uart_update_irq(u);
	if (u->mcr & MCR_LOOP) {
		uart_receive(u, c);
	} else if (u->raw_output) {
		char ch = (char)c;

		v3_host->console_write(&ch, 1);
	} else {
		v3_console_line_putc(&u->out, (char)c);
	}
	u->thr_ipending = true;
}

static u8 uart_read_reg(struct uart *u, unsigned int reg)
{
	u8 v, iid;

	switch (reg) {
	case REG_RBR_THR:
		if (u->lcr & LCR_DLAB)
			return u->dll;
		v = u->rx[u->rx_head];
		if (u->rx_count) {
			u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
			u->rx_count--;
		}
		return v;
	case REG_IER:
		return (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
	case REG_IIR_FCR:
		iid = uart_iid(u);
		/* Reading IIR while THRE is the source clears it. */
		if (iid == IIR_THRE)
			u->thr_ipending = false;
		return iid | ((u->fcr & FCR_ENABLE) ? IIR_FIFO_ON : 0);
	case REG_LCR:
		return u->lcr;
	case REG_MCR:
		return u->mcr;
	case REG_LSR:
		v = (u->rx_count ? LSR_DR : 0) | u->lsr_errors | LSR_THRE | LSR_TEMT;
		u->lsr_errors = 0;
		return v;
	case REG_MSR:
		v = u->msr;
		u->msr &= 0xf0;
		return v;
	default:
		return u->scr;
	}
}

static void uart_write_fcr(struct uart *u, u8 val)
{
	/* FIFO enable toggling clears both FIFOs; without it the other bits do not program. */
	if ((val ^ u->fcr) & FCR_ENABLE)
		rx_clear(u);
	if (!(val & FCR_ENABLE)) {
		u->fcr = 0;
		return;
	}
	if (val & FCR_CLEAR_RX)
		rx_clear(u);
	u->fcr = val & 0xc9;   /* trigger level, DMA mode, enable; the clear bits self-clear */
}

static void uart_write_reg(struct uart *u, unsigned int reg, u8 val)
{
	switch (reg) {
	case REG_RBR_THR:
		if (u->lcr & LCR_DLAB)
			u->dll = val;
		else
			uart_transmit(u, val);
		break;
	case REG_IER:
		if (u->lcr & LCR_DLAB) {
			u->dlm = val;
			break;
		}
		/* Enabling ETBEI while THR is empty (always, here) raises the THRE interrupt. */
		if ((val & IER_ETBEI) && !(u->ier & IER_ETBEI))
			u->thr_ipending = true;
		else if (!(val & IER_ETBEI))
			u->thr_ipending = false;
		u->ier = val & 0x0f;
		break;
	case REG_IIR_FCR:
		uart_write_fcr(u, val);
		break;
	case REG_LCR:
		u->lcr = val;
		break;
	case REG_MCR:
		u->mcr = val & 0x1f;
		update_modem_status(u);
		break;
	case REG_SCR:
		u->scr = val;
		break;
	default:
		break;          /* LSR and MSR writes are factory test modes: ignored */
	}
}

/* Each access refills the receiver: a guest emptying the FIFO sees the next bytes at once. */
static int uart_io_read(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 *val, void *priv)
{
	struct uart *u = priv;

	v3_spin_lock(&u->lock);
	uart_take_input(u);
	*val = uart_read_reg(u, port - u->port);
	uart_take_input(u);
	uart_update_irq(u);
	v3_spin_unlock(&u->lock);
	return 0;
}

static int uart_io_write(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 val, void *priv)
{
	struct uart *u = priv;

	v3_spin_lock(&u->lock);
	uart_write_reg(u, port - u->port, (u8)val);
	uart_take_input(u);
	uart_update_irq(u);
	v3_spin_unlock(&u->lock);
	return 0;
}

/* Console input is waiting (vCPU 0's thread, before entry). */
static void uart_input_ready(void *priv)
{
	struct uart *u = priv;

	v3_spin_lock(&u->lock);
	uart_take_input(u);
	uart_update_irq(u);
	v3_spin_unlock(&u->lock);
}

static int parse_output(struct v3_vm *vm, const struct v3_cfg_node *cfg, bool *raw)
{
	const char *mode = v3_cfg_attr(cfg, "output");

	*raw = mode && !v3_strcmp(mode, "raw");
	if (mode && !*raw && v3_strcmp(mode, "lines")) {
		v3_err("vm %s: config line %u: <%s>: output=\"%s\" is not lines or raw", vm->name,
		       cfg->line, cfg->name, mode);
		return -V3_EINVAL;
	}
	return 0;
}

static int uart_create(struct v3_vm *vm, const struct v3_cfg_node *cfg, void **priv)
{
	struct uart *u;
	u64 port, irq;
	bool raw;
	int rc;

	rc = v3_cfg_u64(cfg, "port", 0x3f8, 0xffff - 7, &port);
	if (!rc)
		rc = v3_cfg_u64(cfg, "irq", 4, V3_IRQ_LINES - 1, &irq);
	if (!rc)
		rc = parse_output(vm, cfg, &raw);
	if (rc)
		return rc;
	u = v3_zalloc(sizeof(*u));
	if (!u)
		return -V3_ENOMEM;
	u->vm = vm;
	u->port = (u16)port;
	u->irq = (unsigned int)irq;
	u->raw_output = raw;
	u->dll = 12;            /* 9600 baud from the 1.8432 MHz clock */
	u->msr = modem_inputs(u);
	v3_console_line_init(&u->out, vm);
	rc = v3_hook_io(vm, u->port, u->port + 7, uart_io_read, uart_io_write, u);
	if (rc) {
		v3_free(u);
		return rc;
	}
	/* The first UART is the console, as COM1 is on a PC; the others have no input. */
	u->console = v3_console_input_attach(vm, uart_input_ready, u) == 0;
	*priv = u;
	return 0;
}

static void uart_free(void *priv)
{
	struct uart *u = priv;

	if (u->console)
		v3_console_input_detach(u->vm, u);
	v3_console_line_flush(&u->out);
	v3_free(u);
}

const struct v3_device_class uart16550_class = {
	.name = "uart16550",
	.create = uart_create,
	.free = uart_free,
};
