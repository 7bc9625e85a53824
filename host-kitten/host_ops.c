/* SPDX-License-Identifier: MIT */
/* host-kitten's implementation of the VMM host interface (v3/host.h). */
#include <arch/x86.h>
#include <v3/host.h>

#include "apic.h"
#include "hk.h"
#include "mm/mem.h"
#include "smp.h"

static u64 hk_op_alloc_pages(u64 npages, u64 align, int node)
{
	/* One NUMA node: host-kitten does not split memory by node yet. */
	(void)node;
	if (npages == 0 || !V3_IS_POW2(align) || align < V3_PAGE_SIZE)
		return 0;
	return hk_alloc_pages(npages, align);
}

static void *hk_op_paddr_to_vaddr(u64 pa)
{
	return (void *)(uintptr_t)pa;  /* all RAM is identity-mapped */
}

static u64 hk_op_vaddr_to_paddr(const void *va)
{
	return (u64)(uintptr_t)va;
}

static unsigned int hk_op_cpu_count(void)
{
	return hk_ncpus;
}

static unsigned int hk_op_cpu_id(void)
{
	return hk_cpu_id();
}

/*
 * No scheduler: a CPU runs one thing, so yielding means idling until an
 * interrupt. The kick flag is tested with interrupts off and sti;hlt closes
 * the window, so a kick between the caller's check and the sleep is not lost.
 */
static void hk_op_yield(void)
{
	struct hk_cpu *c = hk_this_cpu();

	x86_cli();
	if (!__atomic_exchange_n(&c->kicked, false, __ATOMIC_ACQ_REL)) {
		x86_sti_hlt();
		__atomic_store_n(&c->kicked, false, __ATOMIC_RELEASE);
	} else {
		x86_sti();
	}
}

static int hk_op_kick_cpu(unsigned int cpu)
{
	if (cpu >= hk_ncpus)
		return -V3_EINVAL;
	__atomic_store_n(&hk_cpus[cpu].kicked, true, __ATOMIC_RELEASE);
	if (cpu == hk_cpu_id())
		return 0;
	/* The wake vector's handler does nothing: arriving is the point. */
	return hk_lapic_send_ipi(hk_cpus[cpu].apic_id, HK_VEC_WAKE);
}

static void hk_op_print(const char *line)
{
	hk_printf("%s\n", line);
}

const struct v3_host_ops hk_host_ops = {
	.alloc_pages = hk_op_alloc_pages,
	.free_pages = hk_free_pages,
	.malloc = hk_kmalloc,
	.free = hk_kfree,
	.paddr_to_vaddr = hk_op_paddr_to_vaddr,
	.vaddr_to_paddr = hk_op_vaddr_to_paddr,
	.cpu_count = hk_op_cpu_count,
	.cpu_id = hk_op_cpu_id,
	.call_on_cpu = hk_call_on_cpu,
	.start_on_cpu = hk_start_on_cpu,
	.yield = hk_op_yield,
	.kick_cpu = hk_op_kick_cpu,
	.hook_irq = hk_ioapic_hook_irq,
	.ack_irq = hk_ioapic_ack_irq,
	.tsc_khz = hk_tsc_khz,
	.timer_arm = hk_timer_arm,
	.timer_cancel = hk_timer_cancel,
	.print = hk_op_print,
	.console_write = hk_console_write_raw,
};
