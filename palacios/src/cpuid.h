/* SPDX-License-Identifier: MIT */
/*
 * The CPUID policy of a VM: host values filtered down to what the VMM
 * virtualizes, the hypervisor leaves (0x40000000, SYMBIOTIC-ABI.md), and
 * hooks for devices that add features (a local APIC sets leaf 1 EDX.APIC).
 */
#ifndef V3_CPUID_H
#define V3_CPUID_H

#include <v3/types.h>

struct v3_vm;
struct v3_vcpu;

struct v3_cpuid_regs {
	u32 eax, ebx, ecx, edx;
};

typedef void (*v3_cpuid_fn)(struct v3_vcpu *vcpu, u32 leaf, u32 subleaf, struct v3_cpuid_regs *r,
			    void *priv);

/* fn runs after the policy filtered the leaf and may change the result. */
int v3_hook_cpuid(struct v3_vm *vm, u32 leaf, v3_cpuid_fn fn, void *priv);
/* The value the guest sees (what a CPUID exit returns). */
void v3_cpuid_eval(struct v3_vcpu *vcpu, u32 leaf, u32 subleaf, struct v3_cpuid_regs *r);
void v3_cpuid_deinit(struct v3_vm *vm);
int v3_handle_cpuid(struct v3_vcpu *vcpu);

#endif /* V3_CPUID_H */
