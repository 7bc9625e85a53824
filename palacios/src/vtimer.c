/* SPDX-License-Identifier: MIT */
/* Per-vCPU virtual timers on top of the host's one-shot timer (vtimer.h). */
#include "host_ops.h"
#include "vcpu.h"
#include "vtimer.h"

void v3_vtimer_init(struct v3_vtimer *t, void (*fn)(struct v3_vcpu *, struct v3_vtimer *, void *),
		    void *priv)
{
	*t = (struct v3_vtimer){ .fn = fn, .priv = priv };
}

void v3_vtimer_cancel(struct v3_vcpu *vcpu, struct v3_vtimer *t)
{
	for (struct v3_vtimer **p = &vcpu->timers; *p; p = &(*p)->next) {
		if (*p == t) {
			*p = t->next;
			break;
		}
	}
	t->next = NULL;
	t->armed = false;
}

void v3_vtimer_arm(struct v3_vcpu *vcpu, struct v3_vtimer *t, u64 deadline)
{
	struct v3_vtimer **p = &vcpu->timers;

	if (t->armed)
		v3_vtimer_cancel(vcpu, t);
	while (*p && (*p)->deadline <= deadline)
		p = &(*p)->next;
	t->deadline = deadline;
	t->next = *p;
	t->armed = true;
	*p = t;
}

/* The host timer only has to get the CPU out of the guest or out of yield(). */
static void host_timer_fired(void *arg)
{
	struct v3_vcpu *vcpu = arg;

	v3_host->kick_cpu(vcpu->host_cpu);
}

void v3_vtimers_run(struct v3_vcpu *vcpu, u64 now)
{
	/* A callback may re-arm its own timer: take one due timer at a time. */
	for (unsigned int budget = 64; vcpu->timers && vcpu->timers->deadline <= now && budget;
	     budget--) {
		struct v3_vtimer *t = vcpu->timers;

		vcpu->timers = t->next;
		t->next = NULL;
		t->armed = false;
		t->fn(vcpu, t, t->priv);
	}
	if (vcpu->timers && vcpu->timers->deadline != vcpu->host_timer_deadline) {
		vcpu->host_timer_deadline = vcpu->timers->deadline;
		v3_host->timer_arm(vcpu->host_timer_deadline, host_timer_fired, vcpu);
	} else if (!vcpu->timers && vcpu->host_timer_deadline) {
		vcpu->host_timer_deadline = 0;
		v3_host->timer_cancel();
	}
}

u64 v3_ns_to_tsc(u64 ns)
{
	u64 khz = v3_host->tsc_khz();
	u64 ticks = (ns / 1000000) * khz + ((ns % 1000000) * khz + 999999) / 1000000;

	return ticks ? ticks : 1;
}
