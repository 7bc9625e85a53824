/* SPDX-License-Identifier: MIT */
/*
 * Running the VMs host-kitten was given: every multiboot module is a VM
 * image. hk.vms=sequential (default) runs them one after the other;
 * hk.vms=concurrent starts them all, each vCPU on its own CPU, and waits for
 * all. Each VM's outcome and exit statistics are reported; the run succeeds
 * only if every VM stopped because its guest asked to.
 *
 * What is typed on the console goes to one VM's console device: the VM
 * running now (sequential), or the first one (concurrent). The COM1 receive
 * interrupt that delivers it is routed to this CPU, the boot CPU, which also
 * runs this file: once console_vm is cleared here, no interrupt handler can
 * still be using the VM, and it may be freed.
 */
#include <v3/v3.h>
#include <v3/vm.h>

#include "hk.h"
#include "lib/string.h"
#include "multiboot.h"

static struct v3_vm *vms[HK_MAX_MODULES];
static struct v3_vm *volatile console_vm;

/* Interrupt context: what the VM's queue cannot take is dropped (a line without flow control). */
static void console_input(const char *bytes, size_t n)
{
	struct v3_vm *vm = console_vm;

	if (vm)
		v3_vm_console_input(vm, bytes, n);
}

static bool create_all(const struct hk_boot_info *bi)
{
	bool ok = true;

	for (unsigned int i = 0; i < bi->nmods; i++) {
		const struct hk_module *m = &bi->mods[i];
		int rc = v3_vm_create((const void *)(uintptr_t)m->start, m->end - m->start, &vms[i]);

		if (rc) {
			hk_printf("hk: module %u (%s): no VM created (error %d)\n", i, m->cmdline, rc);
			ok = false;
		}
	}
	return ok;
}

static bool finish(struct v3_vm *vm)
{
	bool ok;

	v3_vm_wait(vm);
	v3_vm_report(vm);
	ok = v3_vm_outcome_ok(vm);
	hk_printf("hk: vm %s: %s (%s, status %ld)\n", v3_vm_name(vm), ok ? "ok" : "FAILED",
		  v3_stop_reason_name(v3_vm_outcome(vm)->reason), v3_vm_outcome(vm)->status);
	v3_vm_free(vm);
	return ok;
}

static bool run_sequential(unsigned int n)
{
	bool ok = true;

	for (unsigned int i = 0; i < n; i++) {
		if (!vms[i])
			continue;
		console_vm = vms[i];
		if (v3_vm_start(vms[i]) == 0)
			v3_vm_run_here(vms[i]);
		console_vm = NULL;
		ok &= finish(vms[i]);
		vms[i] = NULL;
	}
	return ok;
}

static bool run_concurrent(unsigned int n)
{
	bool ok = true;

	for (unsigned int i = 0; i < n; i++) {
		if (vms[i] && !console_vm)
			console_vm = vms[i];
		if (vms[i] && v3_vm_start(vms[i]))
			ok = false;
	}
	/* This CPU's vCPUs run here, one VM after the other. */
	for (unsigned int i = 0; i < n; i++)
		if (vms[i])
			v3_vm_run_here(vms[i]);
	console_vm = NULL;
	for (unsigned int i = 0; i < n; i++) {
		if (vms[i])
			ok &= finish(vms[i]);
		vms[i] = NULL;
	}
	return ok;
}

int hk_run_vms(const struct hk_boot_info *bi)
{
	const char *mode = hk_cmdline_get("hk.vms");
	bool concurrent = mode && !v3_strcmp(mode, "concurrent");
	bool ok;

	if (mode && !concurrent && v3_strcmp(mode, "sequential"))
		hk_printf("hk: unknown hk.vms=%s, running the VMs one after the other\n", mode);
	hk_printf("hk: %u VM image%s, run %s\n", bi->nmods, bi->nmods == 1 ? "" : "s",
		  concurrent ? "concurrently" : "one after the other");
	ok = create_all(bi);
	if (bi->nmods && hk_console_input_start(console_input))
		hk_printf("hk: no console input for the VMs (COM1 interrupt not available)\n");
	ok &= concurrent ? run_concurrent(bi->nmods) : run_sequential(bi->nmods);
	return ok ? 0 : -V3_EIO;
}
