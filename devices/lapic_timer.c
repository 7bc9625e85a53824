/* SPDX-License-Identifier: MIT */
/*
 * The local APIC timer (Intel SDM vol. 3A 10.5.4): one-shot, periodic and TSC-deadline modes
 * on a vtimer of the APIC's vCPU (vtimer.h), so it fires in the vCPU's own thread before an
 * entry and the host's one-shot timer runs only while a count or deadline is pending.
 *
 * The input clock is 1 GHz (one count per ns at divide-by-1, as in KVM), derived from the host
 * TSC; a TSC deadline is in guest TSC (host TSC plus the VM's offset). Periods missed while the
 * vCPU was away are dropped, not replayed, as a real APIC cannot replay them either.
 */
#include "host_ops.h"
#include "lapic.h"
#include "msr.h"
#include "vcpu.h"
#include "vm.h"
#include "vtimer.h"

unsigned int lapic_timer_mode(const struct lapic *a)
{
	return (a->lvt[LVT_TIMER] >> LVT_TIMER_MODE_SHIFT) & 3;
}

/* Divide configuration (SDM figure 10-10): bits 3,1:0. */
static u64 timer_divide(const struct lapic *a)
{
	u32 v = ((a->timer_dcr >> 1) & 4) | (a->timer_dcr & 3);

	return v == 7 ? 1 : 2ULL << v;
}

static u64 tsc_to_ns(u64 d)
{
	u64 khz = v3_host->tsc_khz();

	return d / khz * 1000000 + (d % khz) * 1000000 / khz;
}

static u64 period_tsc(const struct lapic *a)
{
	return v3_ns_to_tsc((u64)a->timer_initial * timer_divide(a));
}

u32 lapic_timer_current_count(const struct lapic *a)
{
	u64 ticks;

	if (lapic_timer_mode(a) == TIMER_DEADLINE || !a->timer_initial)
		return 0;
	ticks = tsc_to_ns(a->dev->now() - a->timer_start) / timer_divide(a);
	if (lapic_timer_mode(a) == TIMER_PERIODIC)
		return a->timer_initial - (u32)(ticks % a->timer_initial);
	return ticks >= a->timer_initial ? 0 : a->timer_initial - (u32)ticks;
}

/*
 * Arms the vtimer for the current mode and counts; from the APIC's own vCPU. restart means a
 * new count was just written: it is armed even if it already ran out (a tiny count), because
 * that expiry still owes the guest its interrupt.
 */
void lapic_timer_update(struct lapic *a, bool restart)
{
	u64 deadline;

	if (lapic_timer_mode(a) == TIMER_DEADLINE) {
		if (!a->tsc_deadline) {
			v3_vtimer_cancel(a->vcpu, &a->timer);
			return;
		}
		u64 now = a->dev->now(), guest_now = now + a->dev->vm->tsc_offset;

		/* A deadline already passed fires at once. */
		deadline = a->tsc_deadline <= guest_now ? now : now + (a->tsc_deadline - guest_now);
	} else {
		if (!a->timer_initial) {
			v3_vtimer_cancel(a->vcpu, &a->timer);
			return;
		}
		deadline = a->timer_start + period_tsc(a);
		/*
		 * A one-shot count that reached 0 and has interrupted stays at 0. One that ran out
		 * while its vtimer has not run yet keeps it armed: dropping it would lose the
		 * interrupt (Linux then waits forever for its next tick).
		 */
		if (lapic_timer_mode(a) == TIMER_ONESHOT && !restart && !a->timer.armed &&
		    !lapic_timer_current_count(a)) {
			v3_vtimer_cancel(a->vcpu, &a->timer);
			return;
		}
	}
	v3_vtimer_arm(a->vcpu, &a->timer, deadline);
}

void lapic_timer_fire(struct v3_vcpu *vcpu, struct v3_vtimer *t, void *priv)
{
	struct lapic *a = priv;
	u64 now = a->dev->now();
	bool kick;

	v3_spin_lock(&a->lock);
	switch (lapic_timer_mode(a)) {
	case TIMER_DEADLINE:
		a->tsc_deadline = 0;
		break;
	case TIMER_PERIODIC:
		a->timer_start += period_tsc(a);
		/* Periods missed while the vCPU was away are dropped, not replayed. */
		if (a->timer_start + period_tsc(a) <= now)
			a->timer_start = now;
		v3_vtimer_arm(vcpu, t, a->timer_start + period_tsc(a));
		break;
	default:
		break;
	}
	kick = lapic_lvt_fire(a, LVT_TIMER);
	v3_spin_unlock(&a->lock);
	if (kick)
		v3_intr_kick(vcpu);
}

int lapic_tsc_deadline_read(struct v3_vcpu *vcpu, u32 msr, u64 *val, void *priv)
{
	struct lapic *a = lapic_of_vcpu(priv, vcpu);

	if (!a)
		return V3_MSR_GP;
	v3_spin_lock(&a->lock);
	*val = lapic_timer_mode(a) == TIMER_DEADLINE ? a->tsc_deadline : 0;
	v3_spin_unlock(&a->lock);
	return 0;
}

int lapic_tsc_deadline_write(struct v3_vcpu *vcpu, u32 msr, u64 val, void *priv)
{
	struct lapic *a = lapic_of_vcpu(priv, vcpu);

	if (!a)
		return V3_MSR_GP;
	v3_spin_lock(&a->lock);
	/* Outside TSC-deadline mode, writes are ignored (SDM 10.5.4.1). */
	if (lapic_hw_enabled(a) && lapic_timer_mode(a) == TIMER_DEADLINE) {
		a->tsc_deadline = val;
		lapic_timer_update(a, false);
	}
	v3_spin_unlock(&a->lock);
	return 0;
}

/* ---- CPUID -------------------------------------------------------------------------------- */
