/* SPDX-License-Identifier: MIT */
/* The VM of the device unit tests (dev_harness.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arch/backend.h>

#include "dev_harness.h"
#include "exit.h"
#include "fake_host.h"
#include "intr.h"
#include "io.h"
#include "vcpu.h"
#include "vm.h"
#include "vtimer.h"

struct v3_vm *dev_vm;
struct v3_vcpu *dev_vcpu;
u64 dev_tsc;

static const struct v3_device_class *cur_cls;
static void *cur_priv;
static struct v3_cfg_attr attr_buf[8];
static struct v3_cfg_node node;
static unsigned int edges[16];

u64 dev_now(void)
{
	return dev_tsc;
}

static void fake_get_segment(struct v3_vcpu *vcpu, int seg, struct v3_segment *out)
{
	*out = (struct v3_segment){ .limit = 0xffff, .attrib = 0x93 };
}

static const char *fake_exit_name(u64 raw_code)
{
	return "fake-exit";
}

static const struct v3_arch_ops fake_arch = {
	.name = "FAKE",
	.long_name = "a fake backend",
	.get_segment = fake_get_segment,
	.exit_name = fake_exit_name,
};

static void count_edges(void *priv, unsigned int line, bool level)
{
	if (line < 16 && level)
		edges[line]++;
}

void dev_vm_setup(u64 mem_size)
{
	struct v3_irq_sink sink = { .set_level = count_edges };

	fake_host_install();
	dev_tsc = 0;
	memset(edges, 0, sizeof(edges));
	dev_vm = calloc(1, sizeof(*dev_vm));
	dev_vcpu = calloc(1, sizeof(*dev_vcpu));
	assert_non_null(dev_vm);
	assert_non_null(dev_vcpu);
	strcpy(dev_vm->name, "dev");
	dev_vm->arch = &fake_arch;
	dev_vm->cfg.mem_size = mem_size;
	v3_range_table_init(&dev_vm->io_hooks);
	dev_vm->nvcpus = 1;
	dev_vm->vcpus = dev_vcpu;
	dev_vm->state = V3_VM_RUNNING;
	dev_vcpu->vm = dev_vm;
	dev_vcpu->s.rflags = 0x2;
	assert_int_equal(v3_irq_register_sink(dev_vm, &sink), 0);
	cur_cls = NULL;
	cur_priv = NULL;
}

int dev_create_rc(const struct v3_device_class *cls, const char *const *attrs)
{
	unsigned int n = 0;

	while (attrs && attrs[2 * n]) {
		attr_buf[n] = (struct v3_cfg_attr){ attrs[2 * n], attrs[2 * n + 1] };
		n++;
	}
	node = (struct v3_cfg_node){ .name = "device", .text = "", .attrs = attr_buf, .nattrs = n,
				     .line = 1 };
	cur_cls = cls;
	cur_priv = NULL;
	return cls->create(dev_vm, &node, &cur_priv);
}

void *dev_create(const struct v3_device_class *cls, const char *const *attrs)
{
	assert_int_equal(dev_create_rc(cls, attrs), 0);
	assert_non_null(cur_priv);
	if (cls->vcpus_ready)
		assert_int_equal(cls->vcpus_ready(dev_vm, cur_priv), 0);
	return cur_priv;
}

void dev_free(void)
{
	if (cur_priv && cur_cls->free)
		cur_cls->free(cur_priv);
	cur_priv = NULL;
}

void dev_vm_teardown(void)
{
	dev_free();
	v3_io_deinit(dev_vm);
	free(dev_vcpu);
	free(dev_vm);
}

static void io_exit(u16 port, bool in)
{
	memset(&dev_vcpu->exit, 0, sizeof(dev_vcpu->exit));
	dev_vcpu->exit.kind = V3_EXIT_IO;
	dev_vcpu->exit.insn_len = 1;
	dev_vcpu->exit.io.port = port;
	dev_vcpu->exit.io.size = 1;
	dev_vcpu->exit.io.in = in;
	assert_int_equal(v3_handle_exit(dev_vcpu), 0);
	assert_int_equal(dev_vm->state, V3_VM_RUNNING);
}

void dev_outb(u16 port, u8 val)
{
	dev_vcpu->s.gprs.rax = val;
	io_exit(port, false);
}

u8 dev_inb(u16 port)
{
	dev_vcpu->s.gprs.rax = 0;
	io_exit(port, true);
	return (u8)dev_vcpu->s.gprs.rax;
}

void dev_advance_to(u64 t)
{
	assert_true(t >= dev_tsc);
	dev_tsc = t;
	v3_vtimers_run(dev_vcpu, t);
}

unsigned int dev_line_edges(unsigned int line)
{
	return edges[line];
}
