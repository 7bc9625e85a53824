/* SPDX-License-Identifier: MIT */
/*
 * The IOAPIC (ioapic.c) and the local APICs (lapic.c): their device classes and the two
 * calls between them, the interrupt message (IOAPIC or ICR -> local APICs) and the EOI
 * broadcast (local APIC -> IOAPIC) that a level-triggered interrupt's end needs.
 */
#ifndef V3_DEV_APIC_H
#define V3_DEV_APIC_H

#include <v3/types.h>

#include "device.h"

struct v3_vm;

#define APIC_DEFAULT_BASE 0xfee00000ULL
#define IOAPIC_DEFAULT_BASE 0xfec00000ULL

/* Delivery modes, as encoded in ICR[10:8] and redirection entries[10:8] (SDM 10.6.1). */
enum apic_delivery_mode {
	APIC_DM_FIXED = 0,
	APIC_DM_LOWEST = 1,
	APIC_DM_SMI = 2,
	APIC_DM_NMI = 4,
	APIC_DM_INIT = 5,
	APIC_DM_SIPI = 6,
	APIC_DM_EXTINT = 7,
};

/* Physical destination meaning "every local APIC" (0xff in xAPIC terms, ~0 in x2APIC). */
#define APIC_BROADCAST 0xffffffffu

extern const struct v3_device_class ioapic_class;
extern const struct v3_device_class lapic_class;

/*
 * An interrupt message to the local APICs that dest selects (physical APIC ID, or a logical
 * destination matched against each APIC's LDR/DFR; 0xff and APIC_BROADCAST are physical
 * broadcasts). level: the vector is level-triggered (its TMR bit is set, its EOI is
 * broadcast to the IOAPIC). Returns the number of APICs that accepted it, or <0.
 */
int v3_lapic_deliver(struct v3_vm *vm, u32 dest, bool logical, u8 vector, bool level, int mode);

/* EOI broadcast of a level-triggered vector: clears the remote IRR of the pins using it. */
void v3_ioapic_eoi(struct v3_vm *vm, u8 vector);

/* Replace the host TSC source of a lapic device instance (default: rdtsc); for tests. */
void lapic_set_clock(void *priv, u64 (*now)(void));

#endif /* V3_DEV_APIC_H */
