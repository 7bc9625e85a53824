/* SPDX-License-Identifier: MIT */
/*
 * The local APIC: enabling it, IPIs (INIT-SIPI-SIPI, fixed, NMI) and the
 * per-CPU one-shot timer (Intel SDM Vol. 3A §10.4-10.6). The timer uses
 * TSC-deadline mode when the CPU has it, otherwise one-shot mode with a count
 * derived from the calibrated APIC timer rate. There is no periodic tick.
 */
#include <arch/x86.h>
#include "apic.h"
#include "arch/trap.h"
#include "smp.h"

#define LAPIC_ID 0x020
#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0

#define SVR_ENABLE (1u << 8)
#define LVT_MASKED (1u << 16)
#define LVT_TIMER_TSC_DEADLINE (2u << 17)
#define ICR_PENDING (1u << 12)
#define ICR_LEVEL_ASSERT (1u << 14)
#define ICR_INIT (5u << 8)
#define ICR_STARTUP (6u << 8)
#define ICR_NMI (4u << 8)
#define ICR_ALL_BUT_SELF (3u << 18)
#define TIMER_DIV_16 0x3

static volatile u32 *lapic;
static u64 timer_khz;
static bool use_tsc_deadline;

static inline u32 lapic_read(u32 reg)
{
	return lapic[reg / 4];
}

static inline void lapic_write(u32 reg, u32 v)
{
	lapic[reg / 4] = v;
}

void hk_lapic_map(u64 lapic_pa)
{
	struct x86_cpuid r;

	lapic = (volatile u32 *)(uintptr_t)lapic_pa;
	x86_cpuid(1, 0, &r);
	use_tsc_deadline = (r.ecx >> 24) & 1;
}

bool hk_lapic_tsc_deadline(void)
{
	return use_tsc_deadline;
}

u32 hk_lapic_id(void)
{
	return lapic_read(LAPIC_ID) >> 24;
}

void hk_lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

static void timer_program_count(u64 deadline_tsc)
{
	u64 now = x86_rdtsc();
	u64 delta = deadline_tsc > now ? deadline_tsc - now : 0;
	u64 count = delta * timer_khz / hk_tsc_khz();

	if (count == 0)
		count = 1;
	if (count > 0xffffffff)
		count = 0xffffffff;  /* a far deadline takes several rounds */
	lapic_write(LAPIC_LVT_TIMER, HK_VEC_TIMER);  /* one-shot */
	lapic_write(LAPIC_TIMER_INIT, (u32)count);
}

static void timer_interrupt(unsigned int vector, void *arg)
{
	struct hk_cpu *c = hk_this_cpu();
	v3_cpu_fn fn;

	/* One-shot counts are derived from a calibration and may run out early. */
	if (!use_tsc_deadline && x86_rdtsc() < c->timer_deadline) {
		timer_program_count(c->timer_deadline);
		return;
	}
	fn = c->timer_fn;

	c->timer_fn = NULL;
	c->timer_fired++;
	if (fn)
		fn(c->timer_arg);
}

static void wake_interrupt(unsigned int vector, void *arg)
{
	/* Nothing to do: the interrupt itself ends the idle loop's hlt. */
}

void hk_lapic_init_cpu(void)
{
	lapic_write(LAPIC_SVR, SVR_ENABLE | HK_VEC_SPURIOUS);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | HK_VEC_TIMER);
	hk_set_vector_handler(HK_VEC_TIMER, timer_interrupt, NULL);
	hk_set_vector_handler(HK_VEC_WAKE, wake_interrupt, NULL);
}

static void icr_wait(void)
{
	for (unsigned int i = 0; i < 1000000 && (lapic_read(LAPIC_ICR_LO) & ICR_PENDING); i++)
		x86_pause();
}

static void icr_send(u32 apic_id, u32 lo)
{
	bool was = x86_irq_save();

	icr_wait();
	lapic_write(LAPIC_ICR_HI, apic_id << 24);
	lapic_write(LAPIC_ICR_LO, lo);
	icr_wait();
	x86_irq_restore(was);
}

int hk_lapic_send_ipi(u32 apic_id, u8 vector)
{
	if (vector < 32)
		return -V3_EINVAL;
	icr_send(apic_id, vector);
	return 0;
}

void hk_lapic_send_init(u32 apic_id)
{
	icr_send(apic_id, ICR_INIT | ICR_LEVEL_ASSERT);
}

void hk_lapic_send_sipi(u32 apic_id, u8 page)
{
	icr_send(apic_id, ICR_STARTUP | page);
}

void hk_lapic_send_nmi_all_but_self(void)
{
	if (lapic)
		icr_send(0, ICR_ALL_BUT_SELF | ICR_NMI);
}

void hk_lapic_timer_start_free(void)
{
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | HK_VEC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
}

u32 hk_lapic_timer_elapsed(void)
{
	u32 left = lapic_read(LAPIC_TIMER_CUR);

	lapic_write(LAPIC_TIMER_INIT, 0);
	return 0xffffffff - left;
}

void hk_lapic_timer_set_khz(u64 khz)
{
	timer_khz = khz;
}

u64 hk_lapic_timer_khz(void)
{
	return timer_khz;
}

int hk_timer_arm(u64 deadline_tsc, v3_cpu_fn fn, void *arg)
{
	struct hk_cpu *c = hk_this_cpu();
	bool was = x86_irq_save();

	c->timer_fn = fn;
	c->timer_arg = arg;
	c->timer_deadline = deadline_tsc;
	if (use_tsc_deadline) {
		lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_TSC_DEADLINE | HK_VEC_TIMER);
		/* SDM §10.5.4.1: order the LVT write before the deadline write. */
		__asm__ volatile("mfence" : : : "memory");
		x86_wrmsr(MSR_IA32_TSC_DEADLINE, deadline_tsc ? deadline_tsc : 1);
	} else {
		timer_program_count(deadline_tsc);
	}
	x86_irq_restore(was);
	return 0;
}

void hk_timer_cancel(void)
{
	struct hk_cpu *c = hk_this_cpu();
	bool was = x86_irq_save();

	if (use_tsc_deadline)
		x86_wrmsr(MSR_IA32_TSC_DEADLINE, 0);
	else
		lapic_write(LAPIC_TIMER_INIT, 0);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | HK_VEC_TIMER);
	c->timer_fn = NULL;
	x86_irq_restore(was);
}
