/* SPDX-License-Identifier: MIT */
/*
 * Debug ports: the console port 0xe9 (Bochs's port_e9_hack, QEMU's
 * debugcon) and 0x402 (QEMU's firmware debug port) collect guest output
 * into lines that reach the host console as "vm NAME: ..."; port 0x80 (POST
 * codes) is accepted and dropped. Reads of 0xe9 return 0xe9, which is how
 * guests detect the port.
 */
#include "device.h"
#include "host_ops.h"
#include "io.h"
#include "lib/printf.h"
#include "vm.h"

#define LINE_MAX 160

struct debug_port {
	struct v3_vm *vm;
	char line[LINE_MAX];
	unsigned int len;
};

static void flush_line(struct debug_port *d)
{
	char out[LINE_MAX + V3_CFG_NAME_MAX + 8];

	d->line[d->len] = '\0';
	v3_snprintf(out, sizeof(out), "vm %s: %s", d->vm->name, d->line);
	v3_host->print(out);
	d->len = 0;
}

static int console_write(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 val, void *priv)
{
	struct debug_port *d = priv;

	for (unsigned int i = 0; i < size; i++) {
		char c = (char)(val >> (8 * i));

		if (c == '\n') {
			flush_line(d);
		} else if (c != '\r') {
			/* Anything unprintable is shown as '?' so a guest cannot drive the terminal. */
			d->line[d->len++] = (c >= 0x20 && c < 0x7f) || c == '\t' ? c : '?';
			if (d->len == LINE_MAX - 1)
				flush_line(d);
		}
	}
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
	d->vm = vm;
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

	if (d->len)
		flush_line(d);
	v3_free(d);
}

const struct v3_device_class debug_port_class = {
	.name = "debug_port",
	.create = debug_port_create,
	.free = debug_port_free,
};
