/* SPDX-License-Identifier: MIT */
/*
 * The APIC unit tests' VM (dev_harness.c with n vCPUs): an IOAPIC and the local APICs as
 * the VM's devices, xAPIC MMIO reaching the hooks the way emulate.c calls them, MSR accesses
 * through the MSR exit handler (#GP shows up as a queued exception) and CPUID leaf 1.
 */
#ifndef APIC_HARNESS_H
#define APIC_HARNESS_H

#include <v3/types.h>

#include "cpuid.h"

struct v3_vcpu;

extern void *apic_ioapic;   /* NULL unless apic_vm_setup(.., true) */
extern void *apic_lapics;

void apic_vm_setup(unsigned int nvcpus, bool with_ioapic);
/* With an IOAPIC made from these <device> attributes (NULL: none). */
void apic_vm_setup_ioapic(unsigned int nvcpus, const char *const *io_attrs);
void apic_vm_teardown(void);
struct v3_vcpu *apic_vcpu(unsigned int i);

u32 mmio_read32(struct v3_vcpu *vcpu, u64 gpa);
void mmio_write32(struct v3_vcpu *vcpu, u64 gpa, u32 val);
/* xAPIC register of vCPU i's APIC. */
u32 lapic_read(unsigned int i, u32 off);
void lapic_write(unsigned int i, u32 off, u32 val);
/* IOAPIC register through IOREGSEL/IOWIN. */
u32 ioapic_read(u8 idx);
void ioapic_write(u8 idx, u32 val);
void ioapic_set_rte(unsigned int pin, u64 rte);

/* RDMSR/WRMSR by vCPU i: 0, or 13 when the access raised #GP (the exception is consumed). */
int msr_read(unsigned int i, u32 msr, u64 *val);
int msr_write(unsigned int i, u32 msr, u64 val);
/* The vector the vCPU would inject now, acknowledged (INTA), or -1. */
int intr_take(unsigned int i);
int intr_peek(unsigned int i);

#endif
