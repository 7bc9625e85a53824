/* SPDX-License-Identifier: MIT */
/* What the firmware's ACPI tables say about CPUs and interrupt controllers. */
#ifndef HK_ACPI_H
#define HK_ACPI_H

#include <v3/types.h>
#include "hk.h"

struct hk_irq_override {
	u32 gsi;
	bool active_low, level;
};

struct hk_platform {
	u64 lapic_pa;
	unsigned int ncpus;
	u32 apic_ids[HK_MAX_CPUS];  /* enabled CPUs in MADT order; BSP first */
	unsigned int cpus_ignored;  /* listed but over HK_MAX_CPUS */
	u64 ioapic_pa;              /* 0 when there is none */
	u32 ioapic_gsi_base;
	struct hk_irq_override isa[16];  /* ISA IRQ -> GSI (identity unless overridden) */
	char oem[7];
};

/* Reads the MADT; with no ACPI, one CPU and the architectural defaults. */
int hk_acpi_init(u32 bsp_apic_id);
const struct hk_platform *hk_platform(void);

#endif /* HK_ACPI_H */
