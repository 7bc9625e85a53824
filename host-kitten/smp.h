/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU data and CPU bring-up. Each CPU's struct hk_cpu is reached through
 * the GS base (gs:0 holds its own address), so hk_this_cpu() is one load.
 * After bring-up every AP parks in hk_cpu_idle() until it is given work.
 */
#ifndef HK_SMP_H
#define HK_SMP_H

#include <v3/host.h>
#include "hk.h"
#include "arch/desc.h"

struct hk_cpu {
	struct hk_cpu *self;            /* must stay first: read as gs:0 */
	u32 id;                         /* logical id, 0 = boot CPU */
	u32 apic_id;
	volatile bool online;

	/* Work handed over by hk_call_on_cpu()/hk_start_on_cpu(). */
	volatile v3_cpu_fn work_fn;
	void *volatile work_arg;
	volatile u64 work_posted;       /* incremented when work is posted */
	volatile u64 work_done;         /* incremented when it returns */
	volatile bool busy;             /* owned by a start_on_cpu() function */
	volatile bool kicked;           /* kick_cpu() since the last yield() */

	/* The one-shot timer (apic.c). */
	v3_cpu_fn timer_fn;
	void *timer_arg;
	u64 timer_deadline;
	volatile u64 timer_fired;

	struct x86_tss tss;
	void *stack_top;
};

extern struct hk_cpu hk_cpus[HK_MAX_CPUS];
extern unsigned int hk_ncpus;

static inline struct hk_cpu *hk_this_cpu(void)
{
	struct hk_cpu *c;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(c));
	return c;
}

static inline unsigned int hk_cpu_id(void)
{
	return hk_this_cpu()->id;
}

/* Per-CPU setup common to the BSP and the APs: GS base, GDT/TSS, IDT, LAPIC. */
void hk_cpu_setup(struct hk_cpu *c);
/* Start every CPU the firmware lists; returns how many are online. */
unsigned int hk_smp_boot(void);
int hk_call_on_cpu(unsigned int cpu, v3_cpu_fn fn, void *arg);
int hk_start_on_cpu(unsigned int cpu, v3_cpu_fn fn, void *arg);
/* Halt every other CPU (used on exit and panic). */
void hk_smp_stop_others(void);

#endif /* HK_SMP_H */
