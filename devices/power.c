/* SPDX-License-Identifier: MIT */
/*
 * How a guest turns its machine off or resets it.
 *
 * <device class="power" id="pm" pm1a="0x604" s5="5"/>
 *   0xcf9   the reset control register (Intel PIIX4/ICH datasheets, "Reset
 *           Control Register"): a byte write with RST_CPU (bit 2) set resets
 *           the machine (0x06 hard, 0x0e full, 0x04 soft: all the same here).
 *   pm1a    the ACPI PM1a control register, 16 bits (ACPI 6.x, 4.8.3.2.1;
 *           default 0x604 like QEMU's PIIX4 PM base 0x600 + 4): SLP_EN (bit
 *           13) with SLP_TYP (bits 12:10) equal to s5 (the value the guest's
 *           _S5 object names) powers off; other sleep states are not
 *           supported and are ignored with a log line.
 *
 * <device class="isa_debug_exit" id="dbgexit" port="0xf4"/>
 *   QEMU's isa-debug-exit: a guest write of V stops the VM as a guest exit
 *   with status (V << 1) | 1, QEMU's exit code for it.
 */
#include "device.h"
#include "host_ops.h"
#include "io.h"
#include "log.h"
#include "power.h"
#include "vcpu.h"
#include "vm.h"

#define PORT_RESET_CONTROL 0xcf9
#define RC_SYS_RST 0x02
#define RC_RST_CPU 0x04
#define RC_FULL_RST 0x08

#define PM1_SCI_EN 0x0001
#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_TYP_MASK 0x1c00
#define PM1_SLP_EN 0x2000

struct power {
	struct v3_vm *vm;
	u16 pm1a;
	u8 s5;
	u8 reset_control;
	u16 pm1_cnt;
};

static int rc_read(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 *val, void *priv)
{
	*val = ((struct power *)priv)->reset_control;
	return 0;
}

static int rc_write(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 val, void *priv)
{
	struct power *p = priv;

	if (size != 1)
		return 0;
	p->reset_control = val & (RC_SYS_RST | RC_FULL_RST);
	if (val & RC_RST_CPU)
		v3_vcpu_stop_vm(vcpu, V3_STOP_RESET, 0, "guest reset (port 0xcf9)");
	return 0;
}

static int pm1_read(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 *val, void *priv)
{
	struct power *p = priv;

	*val = p->pm1_cnt >> (8 * (port - p->pm1a));
	return 0;
}

static int pm1_write(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 val, void *priv)
{
	struct power *p = priv;
	unsigned int shift = 8 * (port - p->pm1a);
	u16 mask = (size == 1 ? 0xff : 0xffff) << shift;
	u16 v = (p->pm1_cnt & ~mask) | ((val << shift) & mask);
	unsigned int typ = (v & PM1_SLP_TYP_MASK) >> PM1_SLP_TYP_SHIFT;

	/* SLP_EN is write-only: it triggers the transition and reads as 0. */
	p->pm1_cnt = v & ~PM1_SLP_EN;
	if (!(v & PM1_SLP_EN))
		return 0;
	if (typ == p->s5) {
		v3_vcpu_stop_vm(vcpu, V3_STOP_POWER_OFF, 0, "guest power-off");
		return 0;
	}
	v3_warn("vm %s: sleep type %u requested through PM1a control: not supported, ignored",
		p->vm->name, typ);
	return 0;
}

static int power_create(struct v3_vm *vm, const struct v3_cfg_node *cfg, void **priv)
{
	struct power *p;
	u64 pm1a, s5;
	int rc;

	rc = v3_cfg_u64(cfg, "pm1a", 0x604, 0xfffe, &pm1a);
	if (!rc)
		rc = v3_cfg_u64(cfg, "s5", 5, 7, &s5);
	if (rc)
		return rc;
	p = v3_zalloc(sizeof(*p));
	if (!p)
		return -V3_ENOMEM;
	p->vm = vm;
	p->pm1a = (u16)pm1a;
	p->s5 = (u8)s5;
	rc = v3_hook_io(vm, PORT_RESET_CONTROL, PORT_RESET_CONTROL, rc_read, rc_write, p);
	if (!rc)
		rc = v3_hook_io(vm, p->pm1a, p->pm1a + 1, pm1_read, pm1_write, p);
	if (rc) {
		v3_free(p);
		return rc;
	}
	*priv = p;
	return 0;
}

static void power_free(void *priv)
{
	v3_free(priv);
}

const struct v3_device_class power_class = {
	.name = "power",
	.create = power_create,
	.free = power_free,
};

int power_pm1a_info(const struct v3_vm *vm, u16 *port, u8 *s5)
{
	for (const struct v3_device *d = vm->devices; d; d = d->next) {
		if (d->cls == &power_class) {
			const struct power *p = d->priv;

			*port = p->pm1a;
			*s5 = p->s5;
			return 0;
		}
	}
	return -V3_ENODEV;
}

/* ---- isa-debug-exit ---- */

static int debug_exit_write(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 val,
			    void *priv)
{
	s64 status = ((s64)val << 1) | 1;

	v3_vcpu_stop_vm(vcpu, V3_STOP_GUEST_EXIT, status,
			"guest exit through isa-debug-exit (value 0x%x, status %ld)", val, status);
	return 0;
}

static int debug_exit_create(struct v3_vm *vm, const struct v3_cfg_node *cfg, void **priv)
{
	u64 port;
	int rc = v3_cfg_u64(cfg, "port", 0xf4, 0xffff, &port);

	if (rc)
		return rc;
	*priv = NULL;
	return v3_hook_io(vm, (u16)port, (u16)port, NULL, debug_exit_write, NULL);
}

const struct v3_device_class isa_debug_exit_class = {
	.name = "isa_debug_exit",
	.create = debug_exit_create,
};
