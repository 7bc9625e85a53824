/* SPDX-License-Identifier: MIT */
/* The PC device unit-test harness (pc_harness.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arch/backend.h>

#include "device.h"
#include "exit.h"
#include "fake_host.h"
#include "intr.h"
#include "io.h"
#include "pc_harness.h"

#define RIP0 0x100UL

struct v3_vm *ph_vm;
struct v3_vcpu *ph_vcpu;
static unsigned int edges[V3_IRQ_LINES];

static const char *fake_exit_name(u64 raw_code)
{
	return "fake-exit";
}

static const struct v3_arch_ops fake_arch = {
	.name = "FAKE",
	.long_name = "a fake backend",
	.exit_name = fake_exit_name,
};

static void count_edge(void *priv, unsigned int line, bool level)
{
	if (level)
		edges[line]++;
}

int ph_create(const char *devices_xml)
{
	static const struct v3_irq_sink sink = { .set_level = count_edge };
	char doc[4096], err[128];

	fake_host_install();
	memset(edges, 0, sizeof(edges));
	ph_vm = calloc(1, sizeof(*ph_vm));
	ph_vcpu = calloc(1, sizeof(*ph_vcpu));
	assert_non_null(ph_vm);
	assert_non_null(ph_vcpu);
	strcpy(ph_vm->name, "dev");
	ph_vm->arch = &fake_arch;
	ph_vm->nvcpus = 1;
	ph_vm->vcpus = ph_vcpu;
	ph_vm->state = V3_VM_RUNNING;
	ph_vcpu->vm = ph_vm;
	ph_vcpu->s.rip = RIP0;
	ph_vcpu->s.rflags = 0x2;
	assert_int_equal(v3_irq_register_sink(ph_vm, &sink), 0);

	snprintf(doc, sizeof(doc), "<vm><devices>%s</devices></vm>", devices_xml);
	assert_int_equal(v3_cfg_parse(doc, strlen(doc), &ph_vm->image.root, &ph_vm->image.storage,
				      err, sizeof(err)), 0);
	return v3_devices_create(ph_vm);
}

void ph_destroy(void)
{
	v3_devices_free(ph_vm);
	v3_io_deinit(ph_vm);
	v3_cfg_free(ph_vm->image.storage);
	free(ph_vcpu);
	free(ph_vm);
	ph_vm = NULL;
	ph_vcpu = NULL;
}

static void io_exit(u16 port, unsigned int size, bool in)
{
	memset(&ph_vcpu->exit, 0, sizeof(ph_vcpu->exit));
	ph_vcpu->exit.kind = V3_EXIT_IO;
	ph_vcpu->exit.insn_len = 1;
	ph_vcpu->exit.io.port = port;
	ph_vcpu->exit.io.size = (u8)size;
	ph_vcpu->exit.io.in = in;
	ph_vcpu->s.rip = RIP0;
	assert_int_equal(v3_handle_exit(ph_vcpu), 0);
	assert_int_equal(ph_vcpu->s.rip, RIP0 + 1);
}

u32 ph_in(u16 port, unsigned int size)
{
	ph_vcpu->s.gprs.rax = 0xdeadbeefcafef00dUL;
	io_exit(port, size, true);
	return (u32)ph_vcpu->s.gprs.rax & (0xffffffffu >> (32 - 8 * size));
}

void ph_out(u16 port, unsigned int size, u32 val)
{
	ph_vcpu->s.gprs.rax = val;
	io_exit(port, size, false);
}

bool ph_irq(unsigned int line)
{
	return v3_irq_level(ph_vm, line);
}

unsigned int ph_irq_edges(unsigned int line)
{
	return edges[line];
}
