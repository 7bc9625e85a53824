/* SPDX-License-Identifier: MIT */
/*
 * CPU bring-up and hand-off. The boot CPU starts each AP the firmware lists
 * with INIT-SIPI-SIPI (Intel SDM Vol. 3A §8.4.4.1) through the real-mode
 * trampoline, one at a time. An online AP parks in cpu_idle(): halted, with
 * no timer, until hk_call_on_cpu()/hk_start_on_cpu() post work and wake it
 * with an IPI. Nothing runs on a CPU unless it was given work: no noise.
 */
#include <arch/x86.h>
#include "apic.h"
#include "arch/desc.h"
#include "lib/string.h"
#include "mm/mem.h"
#include "smp.h"

#define TRAMPOLINE_PA 0x8000UL
#define AP_STACK_PAGES 4
#define AP_START_TIMEOUT_US 200000
#define CALL_TIMEOUT_US 10000000

struct hk_trampoline_params {
	u32 cr3;
	u32 efer;
	u64 stack;
	u64 entry;
	u64 arg;
} __v3_packed;

struct hk_cpu hk_cpus[HK_MAX_CPUS];
unsigned int hk_ncpus = 1;

extern const u8 hk_trampoline_start[], hk_trampoline_end[];
extern u32 hk_efer_boot_bits;
extern u8 hk_boot_pml4[];

void hk_cpu_setup(struct hk_cpu *c)
{
	void *ist = hk_alloc_pages_va(1, V3_PAGE_SIZE);

	c->self = c;
	x86_wrmsr(MSR_GS_BASE, (u64)(uintptr_t)c);
	if (!ist)
		hk_panic("no memory for cpu %u's critical-interrupt stack", c->id);
	c->tss.ist[HK_IST_CRITICAL - 1] = (u64)(uintptr_t)ist + V3_PAGE_SIZE;
	hk_gdt_load(c->id, &c->tss);
	/* Loading the GDT cleared GS: point it back at this CPU. */
	x86_wrmsr(MSR_GS_BASE, (u64)(uintptr_t)c);
	hk_idt_load();
	hk_lapic_init_cpu();
}

static void run_posted_work(struct hk_cpu *c)
{
	v3_cpu_fn fn = c->work_fn;
	void *arg = c->work_arg;

	x86_sti();
	fn(arg);
	x86_cli();
	c->busy = false;
	__atomic_fetch_add(&c->work_done, 1, __ATOMIC_RELEASE);
}

__attribute__((noreturn)) static void cpu_idle(struct hk_cpu *c)
{
	for (;;) {
		x86_cli();
		if (__atomic_load_n(&c->work_posted, __ATOMIC_ACQUIRE) != c->work_done) {
			run_posted_work(c);
			continue;
		}
		x86_sti_hlt();
	}
}

__attribute__((noreturn)) static void ap_entry(struct hk_cpu *c)
{
	hk_cpu_setup(c);
	__atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
	cpu_idle(c);
}

static bool ap_start(struct hk_cpu *c)
{
	volatile struct hk_trampoline_params *p = (void *)(TRAMPOLINE_PA + 8);
	void *stack = hk_alloc_pages_va(AP_STACK_PAGES, V3_PAGE_SIZE);

	if (!stack)
		return false;
	c->stack_top = (u8 *)stack + AP_STACK_PAGES * V3_PAGE_SIZE;
	p->cr3 = (u32)(uintptr_t)hk_boot_pml4;
	p->efer = hk_efer_boot_bits;
	p->stack = (u64)(uintptr_t)c->stack_top;
	p->entry = (u64)(uintptr_t)ap_entry;
	p->arg = (u64)(uintptr_t)c;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	hk_lapic_send_init(c->apic_id);
	hk_udelay(10000);
	for (int sipi = 0; sipi < 2; sipi++) {
		hk_lapic_send_sipi(c->apic_id, TRAMPOLINE_PA >> 12);
		for (u64 t = 0; t < AP_START_TIMEOUT_US; t += 10) {
			if (__atomic_load_n(&c->online, __ATOMIC_ACQUIRE))
				return true;
			hk_udelay(10);
		}
	}
	return false;
}

unsigned int hk_smp_boot(void)
{
	const struct hk_platform *p = hk_platform();
	size_t len = (size_t)(hk_trampoline_end - hk_trampoline_start);

	v3_memcpy((void *)TRAMPOLINE_PA, hk_trampoline_start, len);
	for (unsigned int i = 1; i < p->ncpus; i++) {
		struct hk_cpu *c = &hk_cpus[hk_ncpus];

		if (p->apic_ids[i] == hk_cpus[0].apic_id)
			continue;  /* never INIT the boot CPU */
		c->id = hk_ncpus;
		c->apic_id = p->apic_ids[i];
		if (!ap_start(c)) {
			hk_printf("hk: cpu with apic id %u did not start\n", c->apic_id);
			continue;
		}
		hk_printf("hk: cpu %u online (apic id %u)\n", c->id, c->apic_id);
		hk_ncpus++;
	}
	return hk_ncpus;
}

static int post_work(unsigned int cpu, v3_cpu_fn fn, void *arg, u64 *ticket)
{
	struct hk_cpu *c;

	if (cpu >= hk_ncpus || !fn)
		return -V3_EINVAL;
	c = &hk_cpus[cpu];
	if (!c->online)
		return -V3_ENODEV;
	if (__atomic_exchange_n(&c->busy, true, __ATOMIC_ACQ_REL))
		return -V3_EBUSY;
	c->work_fn = fn;
	c->work_arg = arg;
	*ticket = __atomic_add_fetch(&c->work_posted, 1, __ATOMIC_RELEASE);
	hk_lapic_send_ipi(c->apic_id, HK_VEC_WAKE);
	return 0;
}

int hk_call_on_cpu(unsigned int cpu, v3_cpu_fn fn, void *arg)
{
	u64 ticket, start;
	int rc;

	if (cpu < hk_ncpus && cpu == hk_cpu_id()) {
		fn(arg);
		return 0;
	}
	rc = post_work(cpu, fn, arg, &ticket);
	if (rc)
		return rc;
	start = x86_rdtsc();
	while (__atomic_load_n(&hk_cpus[cpu].work_done, __ATOMIC_ACQUIRE) < ticket) {
		if (hk_tsc_to_us(x86_rdtsc() - start) > CALL_TIMEOUT_US)
			return -V3_ETIMEDOUT;
		x86_pause();
	}
	return 0;
}

int hk_start_on_cpu(unsigned int cpu, v3_cpu_fn fn, void *arg)
{
	u64 ticket;

	if (cpu < hk_ncpus && cpu == hk_cpu_id())
		return -V3_EBUSY;  /* the caller already owns this CPU */
	return post_work(cpu, fn, arg, &ticket);
}

void hk_smp_stop_others(void)
{
	if (hk_ncpus > 1)
		hk_lapic_send_nmi_all_but_self();
}
