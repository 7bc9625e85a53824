/* SPDX-License-Identifier: MIT */
/*
 * The i8042 keyboard controller with a PS/2 keyboard behind it and no mouse
 * (IBM PS/2 Technical Reference, "Keyboard/Auxiliary Device Controller";
 * the command set is the one Linux's drivers/input/serio/i8042.c and
 * atkbd.c use): <device class="i8042" id="kbd"/>
 *
 *   0x60  data: read the output buffer; write a parameter of the pending
 *         controller command, or a byte for the keyboard
 *   0x64  read the status register; write a controller command
 *
 * The output buffer is a queue, so multi-byte answers (0xfa 0xaa after a
 * keyboard reset) come one per read, each with its own IRQ edge: IRQ 1 for
 * keyboard data when the configuration byte enables it, IRQ 12 for
 * auxiliary data. The auxiliary port exists (its loopback 0xd3 works, which
 * is how Linux tests the controller) but nothing is plugged into it: bytes
 * sent to the mouse (0xd4) are answered with 0xfe and the timeout status bit.
 * Pulling the reset line (output port bit 0 low, or command 0xfe) stops the
 * VM as reset.
 */
#include "device.h"
#include "host_ops.h"
#include "intr.h"
#include "io.h"
#include "log.h"
#include "vcpu.h"
#include "vm.h"

#define PORT_DATA 0x60
#define PORT_CMD 0x64
#define IRQ_KBD 1
#define IRQ_AUX 12

#define STR_OBF 0x01
#define STR_SYS 0x04
#define STR_CMD 0x08      /* last write went to 0x64 */
#define STR_UNLOCKED 0x10
#define STR_AUXDATA 0x20
#define STR_TIMEOUT 0x40

#define CTR_KBDINT 0x01
#define CTR_AUXINT 0x02
#define CTR_SYS 0x04
#define CTR_KBDDIS 0x10
#define CTR_AUXDIS 0x20
#define CTR_XLATE 0x40

#define OUTP_RESET 0x01   /* the CPU reset line, active low */
#define OUTP_A20 0x02

/* Bytes in the output queue carry their source and status flags. */
#define OB_AUX 0x100
#define OB_TIMEOUT 0x200
#define OB_QUEUE 16

#define KBD_ACK 0xfa
#define KBD_RESEND 0xfe

struct i8042 {
	struct v3_vm *vm;
	u8 ctr;                   /* the controller configuration byte */
	u8 outport;
	u8 status_cmd;            /* STR_CMD when the last write was a command */
	u8 pending_cmd;           /* controller command waiting for its data byte, or 0 */
	u8 kbd_pending;           /* keyboard command waiting for its parameter, or 0 */
	u8 last_read;
	u8 scan_set;
	u16 queue[OB_QUEUE];
	unsigned int head, count;
};

static void i8042_update_irq(struct i8042 *k)
{
	u16 b = k->queue[k->head];

	v3_irq_set(k->vm, IRQ_KBD, k->count && !(b & OB_AUX) && (k->ctr & CTR_KBDINT));
	v3_irq_set(k->vm, IRQ_AUX, k->count && (b & OB_AUX) && (k->ctr & CTR_AUXINT));
}

/* Queue a byte for the guest; a full queue drops it (a real controller has one byte). */
static void push(struct i8042 *k, u16 b)
{
	if (k->count == OB_QUEUE)
		return;
	k->queue[(k->head + k->count) % OB_QUEUE] = b;
	k->count++;
}

static void reset_machine(struct v3_vcpu *vcpu)
{
	v3_vcpu_stop_vm(vcpu, V3_STOP_RESET, 0, "guest reset (i8042)");
}

/* A byte for the keyboard (a command or the parameter of the last one). */
static void kbd_write(struct i8042 *k, u8 val)
{
	u8 cmd = k->kbd_pending;

	k->kbd_pending = 0;
	if (cmd == 0xf0) {                  /* scan set: 0 asks, 1-3 select */
		push(k, KBD_ACK);
		if (!val)
			push(k, (k->ctr & CTR_XLATE) && k->scan_set == 2 ? 0x41 : k->scan_set);
		else if (val <= 3)
			k->scan_set = val;
		return;
	}
	if (cmd) {                          /* LEDs, typematic rate: accepted */
		push(k, KBD_ACK);
		return;
	}
	switch (val) {
	case 0xff:                          /* reset and self-test */
		k->scan_set = 2;
		push(k, KBD_ACK);
		push(k, 0xaa);
		break;
	case 0xf2:                          /* identify: an MF2 keyboard */
		push(k, KBD_ACK);
		push(k, 0xab);
		push(k, 0x83);
		break;
	case 0xee:                          /* echo */
		push(k, 0xee);
		break;
	case 0xed:                          /* set LEDs */
	case 0xf0:                          /* scan code set */
	case 0xf3:                          /* typematic rate */
		k->kbd_pending = val;
		push(k, KBD_ACK);
		break;
	case 0xf4:                          /* enable scanning */
	case 0xf5:                          /* disable scanning, defaults */
	case 0xf6:                          /* defaults */
		push(k, KBD_ACK);
		break;
	default:
		push(k, KBD_RESEND);
		break;
	}
}

/* The data byte of a controller command that takes one. */
static void cmd_data(struct i8042 *k, struct v3_vcpu *vcpu, u8 cmd, u8 val)
{
	switch (cmd) {
	case 0x60:
		k->ctr = val;
		break;
	case 0xd1:
		k->outport = val;
		if (!(val & OUTP_RESET))
			reset_machine(vcpu);
		break;
	case 0xd2:
		push(k, val);
		break;
	case 0xd3:
		push(k, OB_AUX | val);
		break;
	case 0xd4:                          /* to the mouse: there is none */
		push(k, OB_AUX | OB_TIMEOUT | KBD_RESEND);
		break;
	}
}

static void controller_cmd(struct i8042 *k, struct v3_vcpu *vcpu, u8 cmd)
{
	switch (cmd) {
	case 0x20:
		push(k, k->ctr);
		break;
	case 0x60:
	case 0xd1:
	case 0xd2:
	case 0xd3:
	case 0xd4:
		k->pending_cmd = cmd;
		break;
	case 0xa7:
		k->ctr |= CTR_AUXDIS;
		break;
	case 0xa8:
		k->ctr &= ~CTR_AUXDIS;
		break;
	case 0xa9:                          /* aux port test: the port itself is fine */
		push(k, 0x00);
		break;
	case 0xaa:                          /* controller self-test */
		k->ctr |= CTR_SYS;
		push(k, 0x55);
		break;
	case 0xab:                          /* keyboard port test */
		push(k, 0x00);
		break;
	case 0xad:
		k->ctr |= CTR_KBDDIS;
		break;
	case 0xae:
		k->ctr &= ~CTR_KBDDIS;
		break;
	case 0xd0:
		push(k, k->outport);
		break;
	default:
		/* 0xf0-0xff pulse the output port bits that are clear in the low nibble. */
		if (cmd >= 0xf0 && !(cmd & OUTP_RESET)) {
			reset_machine(vcpu);
			break;
		}
		if (cmd < 0xf0)
			v3_debug("vm %s: i8042: command 0x%x ignored", k->vm->name, cmd);
		break;
	}
}

static int i8042_read(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 *val, void *priv)
{
	struct i8042 *k = priv;
	u16 b = k->queue[k->head];

	if (port == PORT_CMD) {
		*val = STR_UNLOCKED | k->status_cmd | (k->ctr & CTR_SYS ? STR_SYS : 0);
		if (k->count)
			*val |= STR_OBF | (b & OB_AUX ? STR_AUXDATA : 0) |
				(b & OB_TIMEOUT ? STR_TIMEOUT : 0);
		return 0;
	}
	if (k->count) {
		k->last_read = (u8)b;
		k->head = (k->head + 1) % OB_QUEUE;
		k->count--;
		/* Lower the lines so the next byte is a fresh edge. */
		v3_irq_set(k->vm, IRQ_KBD, false);
		v3_irq_set(k->vm, IRQ_AUX, false);
		i8042_update_irq(k);
	}
	*val = k->last_read;
	return 0;
}

static int i8042_write(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 val, void *priv)
{
	struct i8042 *k = priv;
	u8 cmd = k->pending_cmd;

	k->pending_cmd = 0;
	if (port == PORT_CMD) {
		k->status_cmd = STR_CMD;
		controller_cmd(k, vcpu, (u8)val);
	} else {
		k->status_cmd = 0;
		if (cmd)
			cmd_data(k, vcpu, cmd, (u8)val);
		else
			kbd_write(k, (u8)val);
	}
	i8042_update_irq(k);
	return 0;
}

static int i8042_create(struct v3_vm *vm, const struct v3_cfg_node *cfg, void **priv)
{
	struct i8042 *k = v3_zalloc(sizeof(*k));
	int rc;

	if (!k)
		return -V3_ENOMEM;
	k->vm = vm;
	k->ctr = CTR_KBDINT | CTR_SYS | CTR_XLATE;   /* as firmware leaves it */
	k->outport = OUTP_RESET | OUTP_A20;
	k->scan_set = 2;
	rc = v3_hook_io(vm, PORT_DATA, PORT_DATA, i8042_read, i8042_write, k);
	if (!rc)
		rc = v3_hook_io(vm, PORT_CMD, PORT_CMD, i8042_read, i8042_write, k);
	if (rc) {
		v3_free(k);
		return rc;
	}
	*priv = k;
	return 0;
}

static void i8042_free(void *priv)
{
	v3_free(priv);
}

const struct v3_device_class i8042_class = {
	.name = "i8042",
	.create = i8042_create,
	.free = i8042_free,
};
