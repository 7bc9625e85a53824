/* SPDX-License-Identifier: MIT */
/* Local APIC (xAPIC MMIO) and IOAPIC: Intel SDM Vol. 3A ch. 10; 82093AA. */
#ifndef HK_APIC_H
#define HK_APIC_H

#include <v3/host.h>
#include "acpi.h"

void hk_lapic_map(u64 lapic_pa);
void hk_lapic_init_cpu(void);
u32 hk_lapic_id(void);
void hk_lapic_eoi(void);
int hk_lapic_send_ipi(u32 apic_id, u8 vector);
void hk_lapic_send_init(u32 apic_id);
void hk_lapic_send_sipi(u32 apic_id, u8 page);
void hk_lapic_send_nmi_all_but_self(void);

/* Timer calibration support: start the count at its maximum, read it back. */
void hk_lapic_timer_start_free(void);
u32 hk_lapic_timer_elapsed(void);
void hk_lapic_timer_set_khz(u64 khz);
u64 hk_lapic_timer_khz(void);
bool hk_lapic_tsc_deadline(void);

/* The calling CPU's one-shot timer (see v3_host_ops.timer_arm). */
int hk_timer_arm(u64 deadline_tsc, v3_cpu_fn fn, void *arg);
void hk_timer_cancel(void);

void hk_pic_disable(void);
void hk_ioapic_init(const struct hk_platform *p);
int hk_ioapic_hook_irq(unsigned int irq, void (*fn)(unsigned int irq, void *arg), void *arg);
void hk_ioapic_ack_irq(unsigned int irq);

#endif /* HK_APIC_H */
