/* SPDX-License-Identifier: MIT */
/*
 * host-kitten: a lightweight host kernel in the spirit of Kitten. It owns
 * the machine, brings up every CPU and parks it, and hands cores and memory
 * to the VMM through struct v3_host_ops. hk_main() is the boot CPU's path
 * from the long-mode entry (arch/boot.asm) to the end of the run.
 */
#include <arch/x86.h>
#include <v3/v3.h>

#include "acpi.h"
#include "apic.h"
#include "arch/desc.h"
#include "hk.h"
#include "lib/string.h"
#include "mm/mem.h"
#include "multiboot.h"
#include "smp.h"

#define TIMER_CHECK_US 1000
#define TIMER_TIMEOUT_US 1000000

static struct hk_boot_info boot_info;
static u64 boot_tsc;

static void report_memory(const struct hk_boot_info *bi)
{
	u64 usable = 0;

	for (unsigned int i = 0; i < bi->nmmap; i++)
		if (bi->mmap[i].type == HK_MEM_USABLE)
			usable += bi->mmap[i].len;
	hk_printf("hk: memory: %lu MiB usable in a %u-entry map, %lu MiB free, largest free "
		  "2 MiB-aligned block %lu MiB\n", usable >> 20, bi->nmmap,
		  (hk_mem_free_pages() * V3_PAGE_SIZE) >> 20,
		  (hk_mem_largest_free_run(V3_LARGE_PAGE_SIZE) * V3_PAGE_SIZE) >> 20);
	for (unsigned int i = 0; i < bi->nmods; i++)
		hk_printf("hk: module %u: 0x%lx-0x%lx %s\n", i, bi->mods[i].start, bi->mods[i].end,
			  bi->mods[i].cmdline);
}

struct timer_check {
	volatile bool fired;
	u64 armed_at, fired_at;
};

static void timer_check_fired(void *arg)
{
	struct timer_check *t = arg;

	t->fired_at = x86_rdtsc();
	t->fired = true;
}

/* Runs on each CPU: arm the one-shot timer and sleep until it fires. */
static void timer_check_on_cpu(void *arg)
{
	struct timer_check *t = arg;
	u64 deadline;

	t->armed_at = x86_rdtsc();
	deadline = t->armed_at + TIMER_CHECK_US * hk_tsc_khz() / 1000;
	hk_timer_arm(deadline, timer_check_fired, t);
	while (!t->fired && hk_tsc_to_us(x86_rdtsc() - t->armed_at) < TIMER_TIMEOUT_US)
		x86_sti_hlt();
	hk_timer_cancel();
}

static void check_timers(void)
{
	for (unsigned int cpu = 0; cpu < hk_ncpus; cpu++) {
		struct timer_check t = { 0 };
		int rc = hk_call_on_cpu(cpu, timer_check_on_cpu, &t);

		if (rc || !t.fired)
			hk_panic("one-shot timer on cpu %u did not fire (rc %d)", cpu, rc);
		if (t.fired_at - t.armed_at < TIMER_CHECK_US * hk_tsc_khz() / 1000)
			hk_panic("one-shot timer on cpu %u fired early", cpu);
		hk_printf("hk: cpu %u: one-shot timer fired %lu us after arming (deadline %u us)\n",
			  cpu, hk_tsc_to_us(t.fired_at - t.armed_at), TIMER_CHECK_US);
	}
}

static void run_vmm(void)
{
	int rc = v3_init(&hk_host_ops);

	hk_printf("hk: booted to the CPU report in %lu ms (since firmware handoff: %lu ms)\n",
		  hk_tsc_to_us(x86_rdtsc() - boot_tsc) / 1000, hk_tsc_to_us(x86_rdtsc()) / 1000);
	if (rc == -V3_ENODEV)
		hk_exit(HK_EXIT_NO_VIRT, "no usable hardware virtualization");
	if (rc)
		hk_exit(HK_EXIT_PANIC, "v3_init failed");
	hk_printf("hk: v3 ready with the %s backend on %u cpus\n", v3_backend_name(), hk_ncpus);
	if (boot_info.nmods && hk_run_vms(&boot_info)) {
		v3_deinit();
		hk_exit(HK_EXIT_VM_FAILED, "a VM failed");
	}
	v3_deinit();
	hk_printf("hk: v3 disabled on every cpu\n");
}

__attribute__((noreturn)) void hk_main(u32 mb_magic, u32 mb_info);

__attribute__((noreturn)) void hk_main(u32 mb_magic, u32 mb_info)
{
	struct hk_cpu *bsp = &hk_cpus[0];
	const char *test;

	boot_tsc = x86_rdtsc();
	bsp->self = bsp;
	x86_wrmsr(MSR_GS_BASE, (u64)(uintptr_t)bsp);
	hk_pic_disable();
	hk_console_init();
	hk_idt_init();
	hk_idt_load();
	hk_printf("\nhost-kitten: the v3 host kernel\n");

	if (hk_multiboot_parse(mb_magic, mb_info, &boot_info))
		hk_exit(HK_EXIT_PANIC, "bad boot information");
	hk_cmdline_parse(boot_info.cmdline);
	hk_printf("hk: loader \"%s\", command line \"%s\"\n", boot_info.loader,
		  hk_cmdline_raw());
	hk_mem_init(&boot_info);
	report_memory(&boot_info);

	hk_acpi_init(0);
	hk_lapic_map(hk_platform()->lapic_pa);
	hk_mem_map_uncached(hk_platform()->lapic_pa, V3_PAGE_SIZE);
	if (hk_platform()->ioapic_pa)
		hk_mem_map_uncached(hk_platform()->ioapic_pa, V3_PAGE_SIZE);
	bsp->apic_id = hk_lapic_id();
	hk_acpi_init(bsp->apic_id);
	hk_cpu_setup(bsp);
	bsp->online = true;
	hk_ioapic_init(hk_platform());
	x86_sti();

	hk_time_init();
	hk_printf("hk: TSC %lu.%03lu MHz, local APIC timer %lu kHz, %s timer mode\n",
		  hk_tsc_khz() / 1000, hk_tsc_khz() % 1000, hk_lapic_timer_khz(),
		  hk_lapic_tsc_deadline() ? "TSC-deadline" : "one-shot");
	hk_printf("hk: ACPI MADT (%s): %u cpus, local APIC at 0x%lx, IOAPIC at 0x%lx\n",
		  hk_platform()->oem[0] ? hk_platform()->oem : "none", hk_platform()->ncpus,
		  hk_platform()->lapic_pa, hk_platform()->ioapic_pa);
	hk_printf("hk: cpu 0 online (apic id %u, boot cpu)\n", bsp->apic_id);
	hk_smp_boot();
	hk_printf("hk: %u of %u cpus online\n", hk_ncpus, hk_platform()->ncpus);
	check_timers();

	test = hk_cmdline_get("hk.test");
	if (test) {
		int rc = hk_run_selftest(test);

		hk_printf("hk: self-test %s %s\n", test, rc ? "FAILED" : "passed");
		hk_exit(rc ? HK_EXIT_TEST_FAILED : HK_EXIT_OK, rc ? "self-test failed" : "ok");
	}
	run_vmm();
	hk_exit(HK_EXIT_OK, "ok");
}
