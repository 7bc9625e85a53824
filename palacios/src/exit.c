/* SPDX-License-Identifier: MIT */
/*
 * Exit dispatch: one handler per generic exit kind, in a table. An exit
 * without a handler stops the VM with everything needed to understand it:
 * the kind, the backend's raw codes, the guest RIP and instruction bytes.
 */
#include <arch/backend.h>

#include "cpuid.h"
#include "emulate.h"
#include "exit.h"
#include "hcall.h"
#include "host_ops.h"
#include "lib/string.h"
#include "paging/nested.h"
#include "paging/shadow.h"
#include "io.h"
#include "lib/printf.h"
#include "log.h"
#include "mem.h"
#include "msr.h"
#include "vcpu.h"
#include "vm.h"

#define EXC_UD 6
#define RFLAGS_IF (1UL << 9)

typedef int (*exit_handler)(struct v3_vcpu *vcpu);

static const char *const kind_names[V3_EXIT_KIND_MAX] = {
	[V3_EXIT_NONE] = "none", [V3_EXIT_IO] = "io", [V3_EXIT_MSR_READ] = "rdmsr",
	[V3_EXIT_MSR_WRITE] = "wrmsr", [V3_EXIT_CPUID] = "cpuid",
	[V3_EXIT_HYPERCALL] = "hypercall", [V3_EXIT_HLT] = "hlt",
	[V3_EXIT_NPF] = "nested-page-fault", [V3_EXIT_EXCEPTION] = "exception",
	[V3_EXIT_INTR] = "host-interrupt", [V3_EXIT_NMI] = "nmi",
	[V3_EXIT_INTR_WINDOW] = "interrupt-window", [V3_EXIT_SHUTDOWN] = "shutdown",
	[V3_EXIT_ENTRY_FAILED] = "entry-failed", [V3_EXIT_CR_ACCESS] = "cr-access",
	[V3_EXIT_INVLPG] = "invlpg", [V3_EXIT_PREEMPT_TIMER] = "preemption-timer",
	[V3_EXIT_INIT] = "init", [V3_EXIT_SIPI] = "sipi", [V3_EXIT_UNKNOWN] = "unknown",
};

const char *v3_exit_kind_name(enum v3_exit_kind kind)
{
	return kind < V3_EXIT_KIND_MAX && kind_names[kind] ? kind_names[kind] : "?";
}

/* "0f 01 d9 ..." for the diagnostics; "unreadable" when nothing can be read. */
static void insn_bytes(struct v3_vcpu *vcpu, char *out, size_t len)
{
	u8 b[15];
	int n = v3_vcpu_fetch_insn(vcpu, b, sizeof(b));
	size_t pos = 0;

	if (n <= 0) {
		v3_snprintf(out, len, "unreadable");
		return;
	}
	out[0] = '\0';
	for (int i = 0; i < n && pos + 4 < len; i++)
		pos += (size_t)v3_snprintf(out + pos, len - pos, i ? " %02x" : "%02x", b[i]);
}

static int stop_unhandled(struct v3_vcpu *vcpu, const char *why)
{
	const struct v3_exit *e = &vcpu->exit;
	char bytes[64];

	insn_bytes(vcpu, bytes, sizeof(bytes));
	return v3_vcpu_stop_vm(vcpu, V3_STOP_UNHANDLED, 0,
			       "%s: exit %s (%s, code 0x%lx, info1 0x%lx, info2 0x%lx) at RIP 0x%lx, "
			       "instruction bytes: %s",
			       why, v3_exit_kind_name(e->kind), vcpu->vm->arch->exit_name(e->raw_code),
			       e->raw_code, e->raw_info1, e->raw_info2, vcpu->s.rip, bytes);
}

static int handle_unhandled(struct v3_vcpu *vcpu)
{
	return stop_unhandled(vcpu, "unhandled exit");
}

static int handle_nothing(struct v3_vcpu *vcpu)
{
	return 0;
}

static int handle_io(struct v3_vcpu *vcpu)
{
	return v3_handle_io(vcpu);
}

static int handle_rdmsr(struct v3_vcpu *vcpu)
{
	return v3_handle_msr(vcpu, false);
}

static int handle_wrmsr(struct v3_vcpu *vcpu)
{
	return v3_handle_msr(vcpu, true);
}

static int handle_cpuid(struct v3_vcpu *vcpu)
{
	return v3_handle_cpuid(vcpu);
}

static int handle_hypercall(struct v3_vcpu *vcpu)
{
	return v3_handle_hypercall(vcpu);
}

static int handle_hlt(struct v3_vcpu *vcpu)
{
	int rc = v3_vcpu_skip_insn(vcpu);

	/* The vCPU sleeps in the run loop until an interrupt is pending. */
	if (!rc)
		vcpu->halted = true;
	return rc;
}

static int handle_shutdown(struct v3_vcpu *vcpu)
{
	return v3_vcpu_stop_vm(vcpu, V3_STOP_TRIPLE_FAULT, 0, "triple fault at RIP 0x%lx",
			       vcpu->s.rip);
}

static int handle_entry_failed(struct v3_vcpu *vcpu)
{
	return v3_vcpu_stop_vm(vcpu, V3_STOP_ERROR, 0, "VM entry failed: %s (code 0x%lx)",
			       vcpu->vm->arch->exit_name(vcpu->exit.raw_code), vcpu->exit.raw_code);
}

/*
 * #UD is intercepted for the foreign vendor's hypercall instruction (VMCALL
 * on AMD, VMMCALL on Intel): both are accepted everywhere. Any other #UD
 * goes back to the guest.
 */
static int handle_exception(struct v3_vcpu *vcpu)
{
	const struct v3_exit *e = &vcpu->exit;

	if (e->exc.vector == EXC_UD) {
		u8 b[3];

		if (v3_vcpu_fetch_insn(vcpu, b, 3) == 3 && b[0] == 0x0f && b[1] == 0x01 &&
		    (b[2] == 0xc1 || b[2] == 0xd9)) {
			vcpu->exit.insn_len = 3;
			return v3_handle_hypercall(vcpu);
		}
	}
	if (e->exc.vector == 14 && vcpu->vm->shadow)
		return v3_shadow_page_fault(vcpu, e->exc.cr2, e->exc.error);
	if (e->exc.vector == 14)
		vcpu->s.cr2 = e->exc.cr2;
	v3_inject_exception(vcpu, e->exc.vector, e->exc.has_error, e->exc.error);
	return 0;
}

/*
 * Maps the VM's all-ones page read-only over the unmapped page at gpa in the nested tables
 * when the access came through them (nested: a nested page fault, also under shadow paging
 * on VT-x while the guest's paging is off); otherwise the caller maps it at the linear address.
 */
static int map_ones_page(struct v3_vm *vm, u64 gpa, bool nested)
{
	int rc = 0;

	while (__atomic_exchange_n(&vm->nested_lock, 1, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
	if (!vm->ones_page_hpa) {
		vm->ones_page_hpa = v3_host->alloc_pages(1, V3_PAGE_SIZE, V3_NUMA_ANY);
		if (vm->ones_page_hpa)
			v3_memset(v3_host->paddr_to_vaddr(vm->ones_page_hpa), 0xff, V3_PAGE_SIZE);
		else
			rc = -V3_ENOMEM;
	}
	if (!rc && nested)
		rc = vm->arch->nested_map(vm, V3_ALIGN_DOWN(gpa, V3_PAGE_SIZE), vm->ones_page_hpa,
					  V3_PAGE_SIZE, V3_NPT_READ);
	__atomic_store_n(&vm->nested_lock, 0, __ATOMIC_RELEASE);
	return rc == -V3_EEXIST ? 0 : rc;  /* another vCPU mapped it first */
}

/* An access to a hooked MMIO region: emulate the instruction against the region's callbacks. */
int v3_emulate_access(struct v3_vcpu *vcpu, u64 gpa)
{
	char why[160];
	int rc = v3_emulate_mmio(vcpu, gpa, why, sizeof(why));

	if (!rc) {
		__atomic_fetch_add(&vcpu->vm->mmio_emulated, 1, __ATOMIC_RELAXED);
		return 0;
	}
	if (rc == -V3_ESTOPPED)
		return rc;
	return stop_unhandled(vcpu, why);
}

int v3_guest_phys_access(struct v3_vcpu *vcpu, u64 gpa, u32 acc, u64 la)
{
	struct v3_vm *vm = vcpu->vm;
	const struct v3_exit *e = &vcpu->exit;
	const struct v3_mem_region *r = v3_mem_lookup(vm, gpa);
	const char *access = (acc & V3_NPF_FETCH) ? "fetch" : (acc & V3_NPF_WRITE) ? "write" : "read";

	if (r && r->kind == V3_REGION_MMIO && (acc & V3_NPF_FETCH))
		return stop_unhandled(vcpu, "instruction fetch from an MMIO region");
	if (r && r->kind == V3_REGION_MMIO)
		return v3_emulate_access(vcpu, gpa);
	if (r)
		return v3_vcpu_stop_vm(vcpu, V3_STOP_ERROR, 0,
				       "%s of guest memory at 0x%lx refused by its mapping (info "
				       "0x%lx) at RIP 0x%lx", access, gpa, e->raw_info1, vcpu->s.rip);
	if (vm->cfg.unmapped == V3_UNMAPPED_ONES && !(acc & V3_NPF_FETCH)) {
		bool nested = e->kind == V3_EXIT_NPF;
		int rc;

		/* Reads see all ones (an empty bus); writes are dropped. */
		if (acc & V3_NPF_WRITE)
			return v3_vcpu_skip_insn(vcpu);
		rc = map_ones_page(vm, gpa, nested);
		if (!rc && !nested)
			rc = v3_shadow_map_ones(vcpu, la, vm->ones_page_hpa);
		return rc;
	}
	return v3_vcpu_stop_vm(vcpu, V3_STOP_ERROR, 0,
			       "guest %s of unmapped guest-physical address 0x%lx at RIP 0x%lx",
			       access, gpa, vcpu->s.rip);
}

static int handle_npf(struct v3_vcpu *vcpu)
{
	return v3_guest_phys_access(vcpu, vcpu->exit.npf.gpa, vcpu->exit.npf.access, 0);
}

static int handle_cr_access(struct v3_vcpu *vcpu)
{
	if (!vcpu->vm->shadow)
		return handle_unhandled(vcpu);
	return v3_shadow_handle_cr_access(vcpu);
}

static int handle_invlpg(struct v3_vcpu *vcpu)
{
	if (!vcpu->vm->shadow)
		return handle_unhandled(vcpu);
	return v3_shadow_handle_invlpg(vcpu);
}

static const exit_handler handlers[V3_EXIT_KIND_MAX] = {
	[V3_EXIT_NONE] = handle_nothing,
	[V3_EXIT_IO] = handle_io,
	[V3_EXIT_MSR_READ] = handle_rdmsr,
	[V3_EXIT_MSR_WRITE] = handle_wrmsr,
	[V3_EXIT_CPUID] = handle_cpuid,
	[V3_EXIT_HYPERCALL] = handle_hypercall,
	[V3_EXIT_HLT] = handle_hlt,
	[V3_EXIT_NPF] = handle_npf,
	[V3_EXIT_EXCEPTION] = handle_exception,
	[V3_EXIT_INTR] = handle_nothing,           /* the host took it after the exit */
	[V3_EXIT_NMI] = handle_nothing,
	[V3_EXIT_INTR_WINDOW] = handle_nothing,    /* injection happens on entry */
	[V3_EXIT_SHUTDOWN] = handle_shutdown,
	[V3_EXIT_ENTRY_FAILED] = handle_entry_failed,
	[V3_EXIT_CR_ACCESS] = handle_cr_access,
	[V3_EXIT_INVLPG] = handle_invlpg,
};

int v3_handle_exit(struct v3_vcpu *vcpu)
{
	enum v3_exit_kind kind = vcpu->exit.kind;
	exit_handler h = kind < V3_EXIT_KIND_MAX ? handlers[kind] : NULL;

	return h ? h(vcpu) : handle_unhandled(vcpu);
}
