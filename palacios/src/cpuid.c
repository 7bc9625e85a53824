/* SPDX-License-Identifier: MIT */
/*
 * The CPUID policy. The guest sees the host's values filtered to what the
 * VMM virtualizes (no VMX/SVM, no MONITOR/MWAIT, no APIC until a local APIC
 * device is attached, its own APIC ID and CPU count), the hypervisor leaves
 * of SYMBIOTIC-ABI.md, and zeros for leaves the policy does not know: a
 * feature the VMM never looked at is never advertised by accident.
 */
#include <arch/x86.h>
#include <v3/hypercall.h>

#include "cpuid.h"
#include "host_ops.h"
#include "init.h"
#include "lib/string.h"
#include "vcpu.h"
#include "vm.h"

struct v3_cpuid_hook {
	v3_cpuid_fn fn;
	void *priv;
};

/* Bits of leaf 1 ECX the guest never sees. */
#define L1_ECX_PCID (1u << 17)
#define L7_EBX_INVPCID (1u << 10)
#define L1_ECX_HIDE ((1u << 3) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 8) | (1u << 15) | \
		     (1u << 18) | (1u << 21) | (1u << 24) | (1u << 27))
#define L1_ECX_OSXSAVE (1u << 27)
#define L1_ECX_HYPERVISOR (1u << 31)
/*
 * Leaf 1 EDX: MCE and MCA (the machine-check banks are not virtualized: a
 * guest that sees them reads MSRs that do not exist), MTRR and PAT (the
 * backends do not switch the guest's PAT yet), APIC (a device adds it), ACPI
 * thermal, DS, TM, PBE.
 */
#define L1_EDX_HIDE ((1u << 7) | (1u << 9) | (1u << 12) | (1u << 14) | (1u << 16) | (1u << 21) | \
		     (1u << 22) | (1u << 29) | (1u << 31))
/* Leaf 0x80000001 ECX: SVM, SKINIT, WDT. EDX: RDTSCP (TSC_AUX is not switched yet). */
#define L81_ECX_HIDE ((1u << 2) | (1u << 12) | (1u << 13))
#define L81_EDX_HIDE (1u << 27)
/* Leaf 7 ECX: RDPID (reads TSC_AUX too). */
#define L7_ECX_HIDE (1u << 22)
#define CR4_OSXSAVE (1UL << 18)

int v3_hook_cpuid(struct v3_vm *vm, u32 leaf, v3_cpuid_fn fn, void *priv)
{
	struct v3_cpuid_hook *h = v3_malloc(sizeof(*h));
	int rc;

	if (!h)
		return -V3_ENOMEM;
	*h = (struct v3_cpuid_hook){ fn, priv };
	rc = v3_range_table_insert(&vm->cpuid_hooks, leaf, (u64)leaf + 1, h);
	if (rc)
		v3_free(h);
	return rc;
}

void v3_cpuid_deinit(struct v3_vm *vm)
{
	for (size_t i = 0; i < vm->cpuid_hooks.count; i++)
		v3_free(vm->cpuid_hooks.ranges[i].priv);
	v3_range_table_destroy(&vm->cpuid_hooks);
}

static void hypervisor_leaf(struct v3_vcpu *vcpu, u32 leaf, struct v3_cpuid_regs *r)
{
	static const char sig[12] = V3_CPUID_SIGNATURE;

	*r = (struct v3_cpuid_regs){ 0 };
	if (leaf == V3_CPUID_SIGNATURE_LEAF) {
		r->eax = V3_CPUID_FEATURES_LEAF;
		v3_memcpy(&r->ebx, sig + 0, 4);
		v3_memcpy(&r->ecx, sig + 4, 4);
		v3_memcpy(&r->edx, sig + 8, 4);
	} else if (leaf == V3_CPUID_FEATURES_LEAF) {
		r->eax = V3_ABI_VERSION;
		r->ebx = 0;  /* symbiotic features: none attached yet */
		r->ecx = v3_core()->features.vendor == X86_VENDOR_INTEL ? 1 : 0;
	}
}

static bool leaf_passes(u32 leaf)
{
	switch (leaf) {
	case 0x0: case 0x1: case 0x2: case 0x4: case 0x7: case 0xb: case 0xd:
	case 0x80000000: case 0x80000001: case 0x80000002: case 0x80000003:
	case 0x80000004: case 0x80000005: case 0x80000006: case 0x80000007:
	case 0x80000008:
		return true;
	}
	return false;
}

static void filter(struct v3_vcpu *vcpu, u32 leaf, struct v3_cpuid_regs *r)
{
	switch (leaf) {
	case 0x1:
		r->ecx &= ~L1_ECX_HIDE;
		r->ecx |= L1_ECX_HYPERVISOR;
		if (vcpu->shadow)
			r->ecx &= ~L1_ECX_PCID;
		if (vcpu->s.cr4 & CR4_OSXSAVE)
			r->ecx |= L1_ECX_OSXSAVE;
		r->edx &= ~L1_EDX_HIDE;
		/* EBX: initial APIC ID and logical processor count. */
		r->ebx = (r->ebx & 0xffff) | ((vcpu->vm->nvcpus & 0xff) << 16) | (vcpu->id << 24);
		break;
	case 0x7:
		r->ecx &= ~L7_ECX_HIDE;
		/* Shadow paging does not model PCIDs: no INVPCID either. */
		if (vcpu->shadow)
			r->ebx &= ~L7_EBX_INVPCID;
		break;
	case 0x80000001:
		r->ecx &= ~L81_ECX_HIDE;
		r->edx &= ~L81_EDX_HIDE;
		break;
	}
}

void v3_cpuid_eval(struct v3_vcpu *vcpu, u32 leaf, u32 subleaf, struct v3_cpuid_regs *r)
{
	const struct v3_range *hr;

	if ((leaf & 0xffffff00) == 0x40000000) {
		hypervisor_leaf(vcpu, leaf, r);
	} else if (leaf_passes(leaf)) {
		struct x86_cpuid host;

		x86_cpuid(leaf, subleaf, &host);
		*r = (struct v3_cpuid_regs){ host.eax, host.ebx, host.ecx, host.edx };
		filter(vcpu, leaf, r);
	} else {
		*r = (struct v3_cpuid_regs){ 0 };
	}
	hr = v3_range_table_find(&vcpu->vm->cpuid_hooks, leaf);
	if (hr) {
		const struct v3_cpuid_hook *h = hr->priv;

		h->fn(vcpu, leaf, subleaf, r, h->priv);
	}
}

int v3_handle_cpuid(struct v3_vcpu *vcpu)
{
	struct v3_gprs *g = &vcpu->s.gprs;
	struct v3_cpuid_regs r;

	v3_cpuid_eval(vcpu, (u32)g->rax, (u32)g->rcx, &r);
	g->rax = r.eax;
	g->rbx = r.ebx;
	g->rcx = r.ecx;
	g->rdx = r.edx;
	return v3_vcpu_skip_insn(vcpu);
}
