/* SPDX-License-Identifier: MIT */
/*
 * The local APIC's state and the calls between its register file (lapic.c) and its timer
 * (lapic_timer.c). Private to those two files.
 */
#ifndef V3_DEV_LAPIC_H
#define V3_DEV_LAPIC_H

#include <v3/types.h>

#include "lib/spinlock.h"
#include "vtimer.h"

struct v3_vcpu;
struct v3_vm;

#define APIC_VERSION 0x00050014u   /* integrated APIC, max LVT entry 5 (6 LVTs) */

/* IA32_APIC_BASE (SDM 10.4.4). */
#define MSR_APIC_BASE 0x1b
#define MSR_TSC_DEADLINE 0x6e0
#define MSR_X2APIC_FIRST 0x800
#define APIC_BASE_BSP (1ULL << 8)
#define APIC_BASE_EXTD (1ULL << 10)
#define APIC_BASE_EN (1ULL << 11)
#define APIC_BASE_ADDR 0x000ffffffffff000ULL

/* Register offsets in the xAPIC page (SDM table 10-1); x2APIC MSR = 0x800 + offset / 16. */
#define REG_ID 0x020
#define REG_VER 0x030
#define REG_TPR 0x080
#define REG_APR 0x090
#define REG_PPR 0x0a0
#define REG_EOI 0x0b0
#define REG_RRD 0x0c0
#define REG_LDR 0x0d0
#define REG_DFR 0x0e0
#define REG_SVR 0x0f0
#define REG_ISR 0x100
#define REG_TMR 0x180
#define REG_IRR 0x200
#define REG_ESR 0x280
#define REG_ICR 0x300
#define REG_ICR2 0x310
#define REG_LVT 0x320   /* timer, thermal, perf, LINT0, LINT1, error */
#define REG_TMICT 0x380
#define REG_TMCCT 0x390
#define REG_TDCR 0x3e0
#define REG_SELF_IPI 0x3f0

enum { LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR, LVT_COUNT };

#define LVT_MASKED (1u << 16)
#define LVT_TIMER_MODE_SHIFT 17
#define TIMER_ONESHOT 0
#define TIMER_PERIODIC 1
#define TIMER_DEADLINE 2

#define SVR_ENABLE (1u << 8)
#define SVR_WRITABLE 0x3ffu
#define ICR_WRITABLE 0xccfffu   /* vector, mode, dest mode, level, trigger, shorthand */
#define ICR_DM_SHIFT 8
#define ICR_LOGICAL (1u << 11)
#define ICR_LEVEL_ASSERT (1u << 14)
#define ICR_TRIGGER_LEVEL (1u << 15)
#define ICR_SHORTHAND_SHIFT 18
#define ESR_SEND_ILLEGAL (1u << 5)
#define ESR_RECV_ILLEGAL (1u << 6)

struct lapic_dev;

struct lapic {
	struct lapic_dev *dev;
	struct v3_vcpu *vcpu;
	u32 id;
	u64 base_msr;             /* IA32_APIC_BASE */
	u32 tpr, ldr, dfr, svr;
	u32 esr, esr_pending;     /* ESR reads what the last write latched */
	u32 icr_lo, icr_hi;       /* icr_hi: xAPIC dest << 24, or the x2APIC dest */
	u32 lvt[LVT_COUNT];
	u32 isr[8], tmr[8], irr[8];
	u32 timer_initial, timer_dcr;
	u64 timer_start;          /* host TSC the current count started from */
	u64 tsc_deadline;         /* guest TSC, 0 = disarmed */
	struct v3_vtimer timer;
	/* Recorded for SMP bring-up; not acted on yet. */
	u32 init_count, sipi_count, nmi_count;
	u8 sipi_vector;
	struct v3_spinlock lock;
};

struct lapic_dev {
	struct v3_vm *vm;
	u64 (*now)(void);         /* host TSC */
	unsigned int n;
	struct lapic *apics;      /* one per vCPU, from vcpus_ready */
};

/* What a register write asks for once the APIC's lock is dropped. */
struct lapic_after {
	bool send;                /* the ICR was written */
	bool eoi_level;           /* a level-triggered vector ended */
	u8 eoi_vector;
};

/* ---- lapic.c ---- */

/* IA32_APIC_BASE's global enable. */
bool lapic_hw_enabled(const struct lapic *a);
/* A local interrupt source fires through its LVT entry; true when the vCPU needs a kick. */
bool lapic_lvt_fire(struct lapic *a, unsigned int idx);
/* The APIC of vcpu, or NULL before vcpus_ready or for a vCPU the device does not cover. */
struct lapic *lapic_of_vcpu(struct lapic_dev *dev, struct v3_vcpu *vcpu);

/* ---- lapic_timer.c (SDM 10.5.4), all with the APIC's lock held ---- */

unsigned int lapic_timer_mode(const struct lapic *a);
/* TMCCT: counts down from TMICT; 0 in TSC-deadline mode and once a one-shot ran out. */
u32 lapic_timer_current_count(const struct lapic *a);
/*
 * Re-arms the APIC's vtimer after a change of mode, count or divider. restart: a new count
 * was just written (TMICT).
 */
void lapic_timer_update(struct lapic *a, bool restart);
/* The vtimer callback (takes the lock itself). */
void lapic_timer_fire(struct v3_vcpu *vcpu, struct v3_vtimer *t, void *priv);
/* IA32_TSC_DEADLINE (MSR 0x6e0) hooks; priv is the struct lapic_dev. */
int lapic_tsc_deadline_read(struct v3_vcpu *vcpu, u32 msr, u64 *val, void *priv);
int lapic_tsc_deadline_write(struct v3_vcpu *vcpu, u32 msr, u64 val, void *priv);

#endif /* V3_DEV_LAPIC_H */
