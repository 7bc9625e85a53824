/* SPDX-License-Identifier: MIT */
/*
 * Virtual timers of a vCPU (PIT, RTC, local APIC timer...). A timer fires in
 * the vCPU's own thread, between exits, never in interrupt context: the run
 * loop calls v3_vtimers_run() before every entry, which fires what is due
 * and arms the host's one-shot timer for the earliest deadline left, so the
 * CPU leaves the guest (or wakes from HLT) when the next one is due. Device
 * state touched only by the vCPU's thread needs no interrupt-safe locking.
 * With no timer pending, the host timer stays off: no noise.
 */
#ifndef V3_VTIMER_H
#define V3_VTIMER_H

#include <v3/types.h>

struct v3_vcpu;

struct v3_vtimer {
	u64 deadline;                 /* host TSC */
	void (*fn)(struct v3_vcpu *vcpu, struct v3_vtimer *t, void *priv);
	void *priv;
	struct v3_vtimer *next;       /* the vCPU's list, sorted by deadline */
	bool armed;
};

void v3_vtimer_init(struct v3_vtimer *t, void (*fn)(struct v3_vcpu *, struct v3_vtimer *, void *),
		    void *priv);
/* (Re)arm t for deadline (host TSC); from the vCPU's thread or its fn. */
void v3_vtimer_arm(struct v3_vcpu *vcpu, struct v3_vtimer *t, u64 deadline);
void v3_vtimer_cancel(struct v3_vcpu *vcpu, struct v3_vtimer *t);
/* Fires due timers, then arms the host timer for the earliest one left. */
void v3_vtimers_run(struct v3_vcpu *vcpu, u64 now);
/* Host TSC ticks in ns nanoseconds (rounded up, at least 1). */
u64 v3_ns_to_tsc(u64 ns);

#endif /* V3_VTIMER_H */
