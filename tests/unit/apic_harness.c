/* SPDX-License-Identifier: MIT */
/* The APIC unit tests' VM (apic_harness.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arch/backend.h>

#include "apic.h"
#include "apic_harness.h"
#include "dev_harness.h"
#include "mem.h"
#include "msr.h"
#include "vcpu.h"
#include "vm.h"

void *apic_ioapic;
void *apic_lapics;

static struct v3_device dev_nodes[2];

static void fake_get_segment(struct v3_vcpu *vcpu, int seg, struct v3_segment *out)
{
	*out = (struct v3_segment){ .limit = 0xffff, .attrib = 0x93 };
}

static const char *fake_exit_name(u64 raw_code)
{
	return "fake-exit";
}

static void fake_msr_intercept(struct v3_vm *vm, u32 msr, bool intercept)
{
}

static const struct v3_arch_ops apic_arch = {
	.name = "FAKE",
	.long_name = "a fake backend",
	.get_segment = fake_get_segment,
	.exit_name = fake_exit_name,
	.msr_intercept = fake_msr_intercept,
};

struct v3_vcpu *apic_vcpu(unsigned int i)
{
	assert_true(i < dev_vm->nvcpus);
	return &dev_vm->vcpus[i];
}

void apic_vm_setup(unsigned int nvcpus, bool with_ioapic)
{
	static const char *const io_attrs[] = { "base", "0xfec00000", NULL };

	apic_vm_setup_ioapic(nvcpus, with_ioapic ? io_attrs : NULL);
}

void apic_vm_setup_ioapic(unsigned int nvcpus, const char *const *io_attrs)
{
	struct v3_vcpu *vcpus = calloc(nvcpus, sizeof(*vcpus));
	unsigned int n = 0;

	dev_vm_setup(1 << 20);
	assert_non_null(vcpus);
	free(dev_vcpu);
	for (unsigned int i = 0; i < nvcpus; i++) {
		vcpus[i].vm = dev_vm;
		vcpus[i].id = i;
		vcpus[i].s.rflags = 0x2;
	}
	dev_vcpu = vcpus;
	dev_vm->vcpus = vcpus;
	dev_vm->nvcpus = nvcpus;
	dev_vm->arch = &apic_arch;
	dev_vm->maxphyaddr = 46;
	v3_range_table_init(&dev_vm->msr_hooks);
	dev_vm->state = V3_VM_CREATED;
	apic_ioapic = NULL;
	if (io_attrs) {
		/* dev_create() keeps only the last device for dev_free(): this one is freed here. */
		apic_ioapic = dev_create(&ioapic_class, io_attrs);
		dev_nodes[n++] = (struct v3_device){ .cls = &ioapic_class, .id = "ioapic",
						     .priv = apic_ioapic };
	}
	apic_lapics = dev_create(&lapic_class, NULL);
	lapic_set_clock(apic_lapics, dev_now);
	dev_nodes[n++] = (struct v3_device){ .cls = &lapic_class, .id = "lapic",
					     .priv = apic_lapics };
	for (unsigned int i = 0; i + 1 < n; i++)
		dev_nodes[i].next = &dev_nodes[i + 1];
	dev_nodes[n - 1].next = NULL;
	dev_vm->devices = &dev_nodes[0];
	dev_vm->state = V3_VM_RUNNING;
}

void apic_vm_teardown(void)
{
	dev_vm->devices = NULL;
	if (apic_ioapic)
		ioapic_class.free(apic_ioapic);
	apic_ioapic = NULL;
	dev_free();
	v3_mem_deinit(dev_vm);
	v3_msr_deinit(dev_vm);
	v3_cpuid_deinit(dev_vm);
	dev_vm_teardown();
}

static const struct v3_mem_region *mmio_region(u64 gpa)
{
	const struct v3_mem_region *r = v3_mem_lookup(dev_vm, gpa);

	assert_non_null(r);
	assert_int_equal(r->kind, V3_REGION_MMIO);
	return r;
}

u32 mmio_read32(struct v3_vcpu *vcpu, u64 gpa)
{
	const struct v3_mem_region *r = mmio_region(gpa);
	u32 val = 0;

	assert_int_equal(r->read(vcpu, gpa, &val, 4, r->priv), 0);
	return val;
}

void mmio_write32(struct v3_vcpu *vcpu, u64 gpa, u32 val)
{
	const struct v3_mem_region *r = mmio_region(gpa);

	assert_int_equal(r->write(vcpu, gpa, &val, 4, r->priv), 0);
}

u32 lapic_read(unsigned int i, u32 off)
{
	return mmio_read32(apic_vcpu(i), APIC_DEFAULT_BASE + off);
}

void lapic_write(unsigned int i, u32 off, u32 val)
{
	mmio_write32(apic_vcpu(i), APIC_DEFAULT_BASE + off, val);
}

u32 ioapic_read(u8 idx)
{
	mmio_write32(dev_vcpu, IOAPIC_DEFAULT_BASE, idx);
	return mmio_read32(dev_vcpu, IOAPIC_DEFAULT_BASE + 0x10);
}

void ioapic_write(u8 idx, u32 val)
{
	mmio_write32(dev_vcpu, IOAPIC_DEFAULT_BASE, idx);
	mmio_write32(dev_vcpu, IOAPIC_DEFAULT_BASE + 0x10, val);
}

void ioapic_set_rte(unsigned int pin, u64 rte)
{
	/* Mask first, as Linux does, so a half-written entry never delivers. */
	ioapic_write((u8)(0x10 + 2 * pin), 1u << 16);
	ioapic_write((u8)(0x11 + 2 * pin), (u32)(rte >> 32));
	ioapic_write((u8)(0x10 + 2 * pin), (u32)rte);
}

static int msr_access(unsigned int i, u32 msr, bool write)
{
	struct v3_vcpu *v = apic_vcpu(i);

	v->exception.valid = false;
	v->exit.insn_len = 2;
	v->s.gprs.rcx = msr;
	assert_int_equal(v3_handle_msr(v, write), 0);
	if (v->exception.valid) {
		assert_int_equal(v->exception.vector, 13);
		v->exception.valid = false;
		return 13;
	}
	return 0;
}

int msr_read(unsigned int i, u32 msr, u64 *val)
{
	struct v3_vcpu *v = apic_vcpu(i);
	int rc;

	v->s.gprs.rax = v->s.gprs.rdx = 0xdeadbeef;
	rc = msr_access(i, msr, false);
	*val = (v->s.gprs.rdx << 32) | (u32)v->s.gprs.rax;
	return rc;
}

int msr_write(unsigned int i, u32 msr, u64 val)
{
	struct v3_vcpu *v = apic_vcpu(i);

	v->s.gprs.rax = (u32)val;
	v->s.gprs.rdx = val >> 32;
	return msr_access(i, msr, true);
}

int intr_peek(unsigned int i)
{
	return v3_intr_next(apic_vcpu(i));
}

int intr_take(unsigned int i)
{
	int v = intr_peek(i);

	if (v >= 0)
		v3_intr_ack(apic_vcpu(i), (u8)v);
	return v;
}
