/* SPDX-License-Identifier: MIT */
/*
 * MSR exits: hooked MSRs go to their hook, everything else is refused with
 * #GP. The MSRs the hardware switches per guest (segment bases, SYSCALL and
 * SYSENTER targets) are passed through and never exit. EFER is virtualized
 * here: the guest sees and sets its own, the backend adds what the hardware
 * needs (EFER.SVME) when it loads it.
 */
#include <arch/backend.h>

#include "host_ops.h"
#include "init.h"
#include "log.h"
#include "msr.h"
#include "paging/shadow.h"
#include "vcpu.h"
#include "vm.h"

#define MSR_IA32_TSC 0x10
#define MSR_IA32_SYSENTER_CS 0x174
#define MSR_IA32_SYSENTER_ESP 0x175
#define MSR_IA32_SYSENTER_EIP 0x176
#define MSR_EFER 0xc0000080
#define MSR_AMD64_NB_CFG 0xc001001f
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SFMASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

/* SCE, LME, LMA (read-only), NXE: what a guest may set. */
#define EFER_GUEST_BITS ((1UL << 0) | (1UL << 8) | (1UL << 10) | (1UL << 11))
#define EFER_LMA (1UL << 10)
#define EFER_LME (1UL << 8)
#define CR0_PG (1UL << 31)

struct v3_msr_hook {
	v3_msr_read_fn read;
	v3_msr_write_fn write;
	void *priv;
};

static const u32 passthrough_msrs[] = {
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK,
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
};

int v3_hook_msr(struct v3_vm *vm, u32 msr, v3_msr_read_fn read, v3_msr_write_fn write,
		void *priv)
{
	struct v3_msr_hook *h = v3_malloc(sizeof(*h));
	int rc;

	if (!h)
		return -V3_ENOMEM;
	*h = (struct v3_msr_hook){ read, write, priv };
	rc = v3_range_table_insert(&vm->msr_hooks, msr, (u64)msr + 1, h);
	if (rc) {
		v3_free(h);
		return rc;
	}
	vm->arch->msr_intercept(vm, msr, true);
	return 0;
}

int v3_msr_passthrough(struct v3_vm *vm, u32 msr)
{
	if (v3_range_table_find(&vm->msr_hooks, msr))
		return -V3_EEXIST;
	vm->arch->msr_intercept(vm, msr, false);
	return 0;
}

static int efer_read(struct v3_vcpu *vcpu, u32 msr, u64 *val, void *priv)
{
	*val = vcpu->s.efer & EFER_GUEST_BITS;
	return 0;
}

static int efer_write(struct v3_vcpu *vcpu, u32 msr, u64 val, void *priv)
{
	u64 old = vcpu->s.efer;

	if (val & ~EFER_GUEST_BITS)
		return V3_MSR_GP;
	/* LME cannot change while paging is on (SDM 9.8.5). */
	if ((vcpu->s.cr0 & CR0_PG) && ((val ^ old) & EFER_LME))
		return V3_MSR_GP;
	/* LMA is the CPU's to set; a write keeps the current value. */
	vcpu->s.efer = (val & ~EFER_LMA) | (old & EFER_LMA);
	if (vcpu->shadow)
		v3_shadow_efer_written(vcpu, old);
	return 0;
}

static int tsc_read(struct v3_vcpu *vcpu, u32 msr, u64 *val, void *priv)
{
	u32 lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	*val = (((u64)hi << 32) | lo) + vcpu->vm->tsc_offset;
	return 0;
}

/*
 * NB_CFG: Linux on AMD family 0x10+ sets its extended-config-space bit; the
 * guest has no northbridge to configure, so reads see 0 and writes are
 * dropped, as KVM does.
 */
static int zero_read(struct v3_vcpu *vcpu, u32 msr, u64 *val, void *priv)
{
	*val = 0;
	return 0;
}

static int ignore_write(struct v3_vcpu *vcpu, u32 msr, u64 val, void *priv)
{
	return 0;
}

/*
 * Architectural MSRs that guests seeing GenuineIntel (the guest sees the host's
 * vendor, and the CPUID bits passed through from it) access without a fault
 * handler (SDM Vol. 4 §2.1), answered as KVM does where it can be done without
 * more state. An Intel host only: on AMD they do not exist.
 * IA32_BIOS_SIGN_ID (0x8b): Linux writes 0 then reads the microcode revision
 *   from bits 63:32; reads see revision 1, writes are dropped.
 * IA32_TSC_ADJUST (0x3b, CPUID.7.EBX[1]): reads see 0 (the guest's TSC offset
 *   is the VMM's and is not changed by the guest); writing 0 is accepted,
 *   another value raises #GP (changing the guest's TSC is not supported).
 * IA32_MISC_ENABLE (0x1a0): Linux's verify_cpu (head_64.S, before any IDT)
 *   reads it to clear XD Disable; reads see fast strings on, BTS and PEBS
 *   unavailable (there is no debug store); writes are dropped.
 * IA32_XSS (0xda0, with XSAVES): the guest's supervisor-state mask; no
 *   supervisor state is given to guests (VM entries do not switch XSS), so
 *   it reads 0 and only 0 may be written.
 */
#define MSR_IA32_TSC_ADJUST 0x3b
#define MSR_IA32_BIOS_SIGN_ID 0x8b
#define MSR_IA32_MISC_ENABLE 0x1a0
#define MSR_IA32_XSS 0xda0
#define MISC_ENABLE_GUEST ((1ULL << 0) | (1ULL << 11) | (1ULL << 12))
#define BIOS_SIGN_ID_GUEST (1ULL << 32)

static int intel_msr_read(struct v3_vcpu *vcpu, u32 msr, u64 *val, void *priv)
{
	switch (msr) {
	case MSR_IA32_MISC_ENABLE:
		*val = MISC_ENABLE_GUEST;
		break;
	case MSR_IA32_BIOS_SIGN_ID:
		*val = BIOS_SIGN_ID_GUEST;
		break;
	default:
		*val = 0;
		break;
	}
	return 0;
}

static int intel_msr_write(struct v3_vcpu *vcpu, u32 msr, u64 val, void *priv)
{
	if ((msr == MSR_IA32_TSC_ADJUST || msr == MSR_IA32_XSS) && val != 0)
		return V3_MSR_GP;
	return 0;
}

int v3_msr_init(struct v3_vm *vm)
{
	int rc;

	v3_range_table_init(&vm->msr_hooks);
	for (size_t i = 0; i < V3_ARRAY_SIZE(passthrough_msrs); i++)
		vm->arch->msr_intercept(vm, passthrough_msrs[i], false);
	rc = v3_hook_msr(vm, MSR_EFER, efer_read, efer_write, NULL);
	if (!rc)
		rc = v3_hook_msr(vm, MSR_IA32_TSC, tsc_read, NULL, NULL);
	if (!rc)
		rc = v3_hook_msr(vm, MSR_AMD64_NB_CFG, zero_read, ignore_write, NULL);
	if (v3_core()->features.vendor == X86_VENDOR_INTEL) {
		static const u32 intel_msrs[] = { MSR_IA32_TSC_ADJUST, MSR_IA32_BIOS_SIGN_ID,
						  MSR_IA32_MISC_ENABLE, MSR_IA32_XSS };

		for (size_t i = 0; !rc && i < V3_ARRAY_SIZE(intel_msrs); i++)
			rc = v3_hook_msr(vm, intel_msrs[i], intel_msr_read, intel_msr_write, NULL);
	}
	return rc;
}

void v3_msr_deinit(struct v3_vm *vm)
{
	for (size_t i = 0; i < vm->msr_hooks.count; i++)
		v3_free(vm->msr_hooks.ranges[i].priv);
	v3_range_table_destroy(&vm->msr_hooks);
}

int v3_handle_msr(struct v3_vcpu *vcpu, bool write)
{
	u32 msr = (u32)vcpu->s.gprs.rcx;
	const struct v3_range *r = v3_range_table_find(&vcpu->vm->msr_hooks, msr);
	const struct v3_msr_hook *h = r ? r->priv : NULL;
	int rc = V3_MSR_GP;

	if (write && h && h->write) {
		u64 val = (vcpu->s.gprs.rdx << 32) | (u32)vcpu->s.gprs.rax;

		rc = h->write(vcpu, msr, val, h->priv);
	} else if (!write && h && h->read) {
		u64 val = 0;

		rc = h->read(vcpu, msr, &val, h->priv);
		if (rc == 0) {
			vcpu->s.gprs.rax = (u32)val;
			vcpu->s.gprs.rdx = val >> 32;
		}
	}
	if (rc < 0)
		return v3_vcpu_stop_vm(vcpu, V3_STOP_ERROR, 0, "MSR 0x%x %s hook failed (%d)", msr,
				       write ? "write" : "read", rc);
	if (rc == V3_MSR_GP) {
		v3_debug("vm %s: %s of MSR 0x%x refused with #GP", vcpu->vm->name,
			 write ? "write" : "read", msr);
		v3_inject_exception(vcpu, 13, true, 0);
		return 0;  /* the faulting instruction is not skipped */
	}
	return v3_vcpu_skip_insn(vcpu);
}
