/* SPDX-License-Identifier: MIT */
/*
 * Debug ports: the console port 0xe9 (Bochs's port_e9_hack, QEMU's
 * debugcon) and 0x402 (QEMU's firmware debug port) collect guest output
 * into lines that reach the host console as "vm NAME: ..."; port 0x80 (POST
 * codes) is accepted and dropped. Reads of 0xe9 return 0xe9, which is how
 * guests detect the port.
 */
#include "console_line.h"
#include "device.h"
#include "host_ops.h"
#include "io.h"

struct debug_port {
	struct v3_console_line out;
};

static int console_write(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 val, void *priv)
{
	struct debug_port *d = priv;

	for (unsigned int i = 0; i < size; i++)
		v3_console_line_putc(&d->out, (char)(val >> (8 * i)));
	return 0;
}

static int console_read(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 *val, void *priv)
{
	*val = 0xe9;
	return 0;
}

static int post_write(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 val, void *priv)
{
	return 0;
}

static int debug_port_create(struct v3_vm *vm, const struct v3_cfg_node *cfg, void **priv)
{
	struct debug_port *d = v3_zalloc(sizeof(*d));
	int rc;

	if (!d)
		return -V3_ENOMEM;
	v3_console_line_init(&d->out, vm);
	rc = v3_hook_io(vm, 0xe9, 0xe9, console_read, console_write, d);
	if (!rc)
		rc = v3_hook_io(vm, 0x402, 0x402, NULL, console_write, d);
	if (!rc)
		rc = v3_hook_io(vm, 0x80, 0x80, NULL, post_write, d);
	if (rc) {
		v3_free(d);
		return rc;
	}
	*priv = d;
	return 0;
}

static void debug_port_free(void *priv)
{
	struct debug_port *d = priv;

	v3_console_line_flush(&d->out);
	v3_free(d);
}

const struct v3_device_class debug_port_class = {
	.name = "debug_port",
	.create = debug_port_create,
	.free = debug_port_free,
};
