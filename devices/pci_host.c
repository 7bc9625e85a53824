/* SPDX-License-Identifier: MIT */
/*
 * A PCI host bridge with configuration mechanism #1 (PCI Local Bus
 * Specification 3.0, 3.2.2.3.2): <device class="pci_host" id="pci"/>
 *
 *   0xcf8        CONFIG_ADDRESS, 32-bit: enable (31), bus (23:16), device
 *                (15:11), function (10:8), register (7:2); reads return
 *                the last value written. Byte and word accesses there are
 *                not configuration cycles (0xcf9 is the reset control
 *                register, devices/power.c).
 *   0xcfc-0xcff  CONFIG_DATA: 1-, 2- and 4-byte accesses at the offset of
 *                the port within the dword the address selects.
 *
 * Bus 0 holds the bridge itself at 00:00.0 (an i440FX-like host bridge,
 * 8086:1237, class 0600) and whatever functions devices attach with
 * v3_pci_register() (pci.h). An absent function, another bus, or an access
 * with the enable bit clear reads all ones and ignores writes.
 */
#include "device.h"
#include "host_ops.h"
#include "io.h"
#include "pci.h"
#include "vm.h"

#define PORT_ADDR 0xcf8
#define PORT_DATA 0xcfc
#define ADDR_ENABLE 0x80000000u
#define NDEVFN 256

struct pci_function {
	const struct v3_pci_function_ops *ops;
	void *priv;
};

struct pci_host {
	u32 addr;
	struct pci_function fn[NDEVFN];
	struct v3_pci_config bridge;
};

extern const struct v3_device_class pci_host_class;

static const struct pci_function *selected(const struct pci_host *p)
{
	const struct pci_function *f = &p->fn[(p->addr >> 8) & 0xff];

	if (!(p->addr & ADDR_ENABLE) || ((p->addr >> 16) & 0xff) || !f->ops)
		return NULL;
	return f;
}

/*
 * A naturally aligned access goes to the function as is; any other is split
 * into bytes, those past the end of the dword reading all ones.
 */
static u32 config_read(const struct pci_function *f, unsigned int reg, unsigned int off,
		       unsigned int size)
{
	u32 v = 0;

	if (!(off % size) && off + size <= 4)
		return f->ops->config_read(f->priv, reg + off, size);
	for (unsigned int i = 0; i < size; i++) {
		u32 b = off + i < 4 ? f->ops->config_read(f->priv, reg + off + i, 1) & 0xff : 0xff;

		v |= b << (8 * i);
	}
	return v;
}

static void config_write(const struct pci_function *f, unsigned int reg, unsigned int off,
			 unsigned int size, u32 val)
{
	if (!(off % size) && off + size <= 4) {
		f->ops->config_write(f->priv, reg + off, size, val);
		return;
	}
	for (unsigned int i = 0; i < size && off + i < 4; i++)
		f->ops->config_write(f->priv, reg + off + i, 1, (val >> (8 * i)) & 0xff);
}

static int addr_read(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 *val, void *priv)
{
	struct pci_host *p = priv;

	*val = size == 4 ? p->addr : 0xffffffffu >> (32 - 8 * size);
	return 0;
}

static int addr_write(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 val, void *priv)
{
	struct pci_host *p = priv;

	if (size == 4)
		p->addr = val;
	return 0;
}

static int data_read(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 *val, void *priv)
{
	struct pci_host *p = priv;
	const struct pci_function *f = selected(p);

	*val = 0xffffffffu >> (32 - 8 * size);
	if (f)
		*val &= config_read(f, p->addr & 0xfc, port - PORT_DATA, size);
	return 0;
}

static int data_write(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 val, void *priv)
{
	struct pci_host *p = priv;
	const struct pci_function *f = selected(p);

	if (f)
		config_write(f, p->addr & 0xfc, port - PORT_DATA, size, val);
	return 0;
}

static u32 bridge_read(void *priv, unsigned int offset, unsigned int size)
{
	return v3_pci_config_read(priv, offset, size);
}

static void bridge_write(void *priv, unsigned int offset, unsigned int size, u32 val)
{
	v3_pci_config_write(priv, offset, size, val);
}

static const struct v3_pci_function_ops bridge_ops = {
	.config_read = bridge_read,
	.config_write = bridge_write,
};

static struct pci_host *find_host(struct v3_vm *vm)
{
	for (struct v3_device *d = vm->devices; d; d = d->next)
		if (d->cls == &pci_host_class)
			return d->priv;
	return NULL;
}

int v3_pci_register(struct v3_vm *vm, unsigned int devfn, const struct v3_pci_function_ops *ops,
		    void *priv)
{
	struct pci_host *p = find_host(vm);

	if (!p)
		return -V3_ENODEV;
	if (devfn >= NDEVFN || !ops || !ops->config_read || !ops->config_write)
		return -V3_EINVAL;
	if (p->fn[devfn].ops)
		return -V3_EEXIST;
	p->fn[devfn] = (struct pci_function){ ops, priv };
	return 0;
}

static int pci_host_create(struct v3_vm *vm, const struct v3_cfg_node *cfg, void **priv)
{
	struct pci_host *p;
	int rc;

	if (find_host(vm))
		return -V3_EEXIST;
	p = v3_zalloc(sizeof(*p));
	if (!p)
		return -V3_ENOMEM;
	v3_pci_config_init(&p->bridge, 0x8086, 0x1237, 0x060000, 0x02);
	p->fn[0] = (struct pci_function){ &bridge_ops, &p->bridge };
	rc = v3_hook_io(vm, PORT_ADDR, PORT_ADDR, addr_read, addr_write, p);
	if (!rc)
		rc = v3_hook_io(vm, PORT_DATA, PORT_DATA + 3, data_read, data_write, p);
	if (rc) {
		v3_free(p);
		return rc;
	}
	*priv = p;
	return 0;
}

static void pci_host_free(void *priv)
{
	v3_free(priv);
}

const struct v3_device_class pci_host_class = {
	.name = "pci_host",
	.create = pci_host_create,
	.free = pci_host_free,
};
