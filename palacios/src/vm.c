/* SPDX-License-Identifier: MIT */
/*
 * VM life cycle: create from an image (all or nothing), start the vCPUs on
 * their host CPUs, stop (first reason wins), report, free.
 */
#include <arch/backend.h>
#include <arch/x86.h>
#include <v3/vm.h>

#include "cpuid.h"
#include "device.h"
#include "hcall.h"
#include "host_ops.h"
#include "init.h"
#include "io.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "log.h"
#include "msr.h"
#include "paging/shadow.h"
#include "vm.h"

static const char *const reason_names[] = {
	[V3_STOP_NONE] = "running",
	[V3_STOP_GUEST_EXIT] = "guest exit",
	[V3_STOP_POWER_OFF] = "guest power-off",
	[V3_STOP_RESET] = "guest reset",
	[V3_STOP_TRIPLE_FAULT] = "triple fault",
	[V3_STOP_HOST] = "stopped by the host",
	[V3_STOP_UNHANDLED] = "unhandled exit",
	[V3_STOP_ERROR] = "error",
};

const char *v3_stop_reason_name(enum v3_stop_reason reason)
{
	return (unsigned int)reason < V3_ARRAY_SIZE(reason_names) ? reason_names[reason] : "?";
}

void v3_vm_set_stopped(struct v3_vm *vm, enum v3_stop_reason reason, s64 status,
		       const char *detail)
{
	if (__atomic_exchange_n(&vm->stopping, 1, __ATOMIC_ACQ_REL))
		return;
	vm->outcome.reason = reason;
	vm->outcome.status = status;
	v3_strlcpy(vm->outcome.detail, detail, sizeof(vm->outcome.detail));
	__atomic_store_n(&vm->state, V3_VM_STOPPED, __ATOMIC_RELEASE);
	for (unsigned int i = 0; i < vm->nvcpus; i++)
		if (vm->vcpus[i].launched)
			v3_host->kick_cpu(vm->vcpus[i].host_cpu);
	if (vm->waiter_cpu)
		v3_host->kick_cpu(vm->waiter_cpu - 1);
}

static int boot_write(void *ctx, u64 gpa, const void *buf, u64 len)
{
	return v3_gpa_write(ctx, gpa, buf, len);
}

/* Loads what <boot> names and decides the first vCPU's state (boot/boot.c). */
static int load_boot(struct v3_vm *vm)
{
	struct v3_boot_target t = { .mem_size = vm->cfg.mem_size, .ctx = vm, .write = boot_write };
	char err[256];
	int rc = v3_boot_load(&vm->cfg, &t, &vm->boot, err, sizeof(err));

	if (rc)
		v3_err("vm %s: %s", vm->name, err);
	return rc;
}

static void vm_destroy(struct v3_vm *vm)
{
	if (vm->vcpus) {
		for (unsigned int i = 0; i < vm->nvcpus; i++) {
			if (vm->vcpus[i].arch)
				vm->arch->vcpu_deinit(&vm->vcpus[i]);
			v3_shadow_vcpu_deinit(&vm->vcpus[i]);
		}
		v3_free(vm->vcpus);
	}
	v3_devices_free(vm);
	v3_hcall_deinit(vm);
	v3_cpuid_deinit(vm);
	v3_io_deinit(vm);
	v3_msr_deinit(vm);
	if (vm->arch_data)
		vm->arch->vm_deinit(vm);
	v3_shadow_vm_deinit(vm);
	if (vm->ones_page_hpa)
		v3_host->free_pages(vm->ones_page_hpa, 1);
	v3_mem_deinit(vm);
	v3_image_close(&vm->image);
	v3_free(vm);
}

/* Nested paging where the CPU has it, unless the config asks for shadow paging. */
static int choose_paging(struct v3_vm *vm)
{
	bool nested = vm->arch->has_nested_paging(&v3_core()->features);

	if (vm->cfg.paging == V3_PAGING_NESTED && !nested) {
		v3_err("vm %s: <paging mode=\"nested\"> but this CPU has no nested paging",
		       vm->name);
		return -V3_ENOTSUP;
	}
	if (vm->cfg.paging == V3_PAGING_NESTED || (vm->cfg.paging == V3_PAGING_DEFAULT && nested))
		return 0;
	if (!vm->arch->shadow_paging) {
		/* A backend without shadow paging (both of ours have it). */
		v3_err("vm %s: %s does not offer shadow paging%s", vm->name,
		       vm->arch->long_name, nested ? "" : " (and this CPU has no nested paging)");
		return -V3_ENOTSUP;
	}
	return v3_shadow_vm_init(vm, 0);
}

static int vm_setup(struct v3_vm *vm)
{
	int rc = v3_mem_init(vm);

	if (!rc)
		rc = load_boot(vm);
	if (!rc)
		rc = choose_paging(vm);
	if (!rc)
		rc = vm->arch->vm_init(vm);
	if (!rc)
		rc = v3_msr_init(vm);
	if (!rc)
		rc = v3_hcall_init(vm);
	if (!rc)
		rc = v3_devices_create(vm);
	if (rc)
		return rc;
	vm->vcpus = v3_zalloc(vm->nvcpus * sizeof(*vm->vcpus));
	if (!vm->vcpus)
		return -V3_ENOMEM;
	for (unsigned int i = 0; i < vm->nvcpus; i++) {
		vm->vcpus[i].vm = vm;
		vm->vcpus[i].id = i;
		if (vm->shadow) {
			rc = v3_shadow_vcpu_init(&vm->vcpus[i]);
			if (rc)
				return rc;
		}
		rc = vm->arch->vcpu_init(&vm->vcpus[i]);
		if (rc)
			return rc;
	}
	return v3_devices_vcpus_ready(vm);
}

int v3_vm_create(const void *image, u64 len, struct v3_vm **out)
{
	char err[256];
	struct v3_vm *vm;
	int rc;

	*out = NULL;
	if (!v3_core()->arch) {
		v3_err("v3_vm_create before v3_init");
		return -V3_EINVAL;
	}
	if (!v3_core()->arch->vm_init) {
		v3_err("the %s backend cannot run VMs yet", v3_core()->arch->long_name);
		return -V3_ENOTSUP;
	}
	vm = v3_zalloc(sizeof(*vm));
	if (!vm)
		return -V3_ENOMEM;
	vm->arch = v3_core()->arch;
	vm->maxphyaddr = v3_core()->features.phys_addr_bits;
	v3_range_table_init(&vm->io_hooks);
	v3_range_table_init(&vm->msr_hooks);
	v3_range_table_init(&vm->cpuid_hooks);
	v3_range_table_init(&vm->hcalls);
	v3_range_table_init(&vm->mem.regions);
	rc = v3_image_open(image, len, &vm->image, err, sizeof(err));
	if (!rc)
		rc = v3_vm_config_parse(&vm->image, &vm->cfg, err, sizeof(err));
	if (rc) {
		v3_err("VM image refused: %s", err);
		v3_image_close(&vm->image);
		v3_free(vm);
		return rc;
	}
	v3_strlcpy(vm->name, vm->cfg.name, sizeof(vm->name));
	vm->nvcpus = vm->cfg.ncores;
	vm->state = V3_VM_CREATED;
	rc = vm_setup(vm);
	if (rc) {
		v3_err("vm %s: creation failed (%d)", vm->name, rc);
		vm_destroy(vm);
		return rc;
	}
	/* The guest's TSC starts at zero when it is created. */
	vm->tsc_offset = -x86_rdtsc();
	v3_info("vm %s: created: %lu MiB in %u block%s, %u vcpu%s, %s paging", vm->name,
		vm->cfg.mem_size >> 20, vm->mem.nblocks, vm->mem.nblocks == 1 ? "" : "s",
		vm->nvcpus, vm->nvcpus == 1 ? "" : "s", vm->shadow ? "shadow" : "nested");
	*out = vm;
	return 0;
}

static unsigned int vcpu_target(const struct v3_vm *vm, unsigned int i)
{
	s32 t = vm->cfg.core_target_cpu[i];

	return t >= 0 ? (unsigned int)t : i % v3_host->cpu_count();
}

static void vcpu_thread(void *arg)
{
	v3_vcpu_run_loop(arg);
}

int v3_vm_start(struct v3_vm *vm)
{
	unsigned int here = v3_host->cpu_id();
	int rc;

	if (vm->state != V3_VM_CREATED)
		return -V3_EBUSY;
	for (unsigned int i = 0; i < vm->nvcpus; i++) {
		if (vcpu_target(vm, i) >= v3_host->cpu_count()) {
			v3_err("vm %s: vcpu %u targets cpu %u, the host has %u", vm->name, i,
			       vcpu_target(vm, i), v3_host->cpu_count());
			return -V3_EINVAL;
		}
	}
	rc = vm->arch->vm_start(vm);
	if (rc) {
		v3_err("vm %s: could not build its page tables (%d)", vm->name, rc);
		return rc;
	}
	vm->state = V3_VM_RUNNING;
	for (unsigned int i = 0; i < vm->nvcpus; i++) {
		unsigned int cpu = vcpu_target(vm, i);

		vm->vcpus[i].host_cpu = cpu;
		if (cpu == here)
			continue;
		rc = v3_host->start_on_cpu(cpu, vcpu_thread, &vm->vcpus[i]);
		if (rc) {
			char d[96];

			v3_snprintf(d, sizeof(d), "could not start vcpu %u on cpu %u (%d)", i, cpu, rc);
			v3_vm_set_stopped(vm, V3_STOP_ERROR, 0, d);
			return rc;
		}
	}
	v3_info("vm %s: started", vm->name);
	return 0;
}

int v3_vm_run_here(struct v3_vm *vm)
{
	unsigned int here = v3_host->cpu_id();

	for (unsigned int i = 0; i < vm->nvcpus; i++)
		if (vm->vcpus[i].host_cpu == here && vm->state == V3_VM_RUNNING)
			return v3_vcpu_run_loop(&vm->vcpus[i]);
	return 0;
}

void v3_vm_stop(struct v3_vm *vm)
{
	v3_vm_set_stopped(vm, V3_STOP_HOST, 0, "stopped by the host");
}

void v3_vm_wait(struct v3_vm *vm)
{
	vm->waiter_cpu = v3_host->cpu_id() + 1;
	while (vm->state == V3_VM_RUNNING ||
	       __atomic_load_n(&vm->vcpus_running, __ATOMIC_ACQUIRE) != 0)
		v3_host->yield();
}

enum v3_vm_state v3_vm_state(const struct v3_vm *vm)
{
	return vm->state;
}

const struct v3_vm_outcome *v3_vm_outcome(const struct v3_vm *vm)
{
	return &vm->outcome;
}

const char *v3_vm_name(const struct v3_vm *vm)
{
	return vm->name;
}

bool v3_vm_outcome_ok(const struct v3_vm *vm)
{
	return vm->state == V3_VM_STOPPED &&
	       (vm->outcome.reason == V3_STOP_POWER_OFF ||
		(vm->outcome.reason == V3_STOP_GUEST_EXIT && vm->outcome.status == 0));
}

void v3_vm_report(const struct v3_vm *vm)
{
	v3_info("vm %s: stopped: %s (status %ld): %s", vm->name,
		v3_stop_reason_name(vm->outcome.reason), vm->outcome.status, vm->outcome.detail);
	for (unsigned int i = 0; i < vm->nvcpus; i++) {
		const struct v3_vcpu *v = &vm->vcpus[i];
		char line[200];
		size_t pos = 0;

		for (int k = 0; k < V3_EXIT_KIND_MAX && pos < sizeof(line) - 24; k++)
			if (v->exits_by_kind[k])
				pos += (size_t)v3_snprintf(line + pos, sizeof(line) - pos, " %s=%lu",
							   v3_exit_kind_name(k), v->exits_by_kind[k]);
		line[pos] = '\0';
		v3_info("vm %s: vcpu %u on cpu %u: %lu exits:%s", vm->name, i, v->host_cpu, v->exits,
			pos ? line : " none");
	}
	v3_shadow_report(vm);
	if (vm->mmio_emulated)
		v3_info("vm %s: %lu instructions emulated (MMIO, and writes shadow paging cannot map)",
			vm->name, vm->mmio_emulated);
	if (vm->unhandled_io)
		v3_info("vm %s: %lu accesses to unhooked I/O ports", vm->name, vm->unhandled_io);
#ifdef CONFIG_V3_DEBUG
	v3_devices_dump(vm);
#endif
}

void v3_vm_free(struct v3_vm *vm)
{
	if (!vm)
		return;
	if (vm->state == V3_VM_RUNNING || vm->state == V3_VM_PAUSED) {
		v3_vm_stop(vm);
		v3_vm_wait(vm);
	}
	vm_destroy(vm);
}
