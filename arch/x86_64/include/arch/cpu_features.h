/* SPDX-License-Identifier: MIT */
/*
 * What the CPU offers for virtualization, read once at v3_init(). The probe
 * reads CPUID and MSRs through struct x86_cpu_access so that unit tests can
 * replay values recorded from real and emulated CPUs.
 */
#ifndef ARCH_CPU_FEATURES_H
#define ARCH_CPU_FEATURES_H

#include <v3/types.h>

struct x86_cpuid;

struct x86_cpu_access {
	void (*cpuid)(u32 leaf, u32 subleaf, struct x86_cpuid *out);
	/* Only called for MSRs whose existence CPUID established. */
	u64 (*rdmsr)(u32 msr);
};

/* The real instructions (not in unit tests). */
extern const struct x86_cpu_access x86_native_cpu;

enum x86_vendor { X86_VENDOR_OTHER, X86_VENDOR_AMD, X86_VENDOR_INTEL };

/* MSRs read by the probe (AMD APM Vol. 2 §15.30; Intel SDM Vol. 3D App. A). */
#define MSR_VM_CR 0xc0010114
#define MSR_VM_HSAVE_PA 0xc0010117
#define VM_CR_LOCK (1UL << 3)
#define VM_CR_SVMDIS (1UL << 4)
#define MSR_IA32_VMX_BASIC 0x480
#define MSR_IA32_VMX_PINBASED_CTLS 0x481
#define MSR_IA32_VMX_PROCBASED_CTLS 0x482
#define MSR_IA32_VMX_EXIT_CTLS 0x483
#define MSR_IA32_VMX_ENTRY_CTLS 0x484
#define MSR_IA32_VMX_MISC 0x485
#define MSR_IA32_VMX_CR0_FIXED0 0x486
#define MSR_IA32_VMX_CR0_FIXED1 0x487
#define MSR_IA32_VMX_CR4_FIXED0 0x488
#define MSR_IA32_VMX_CR4_FIXED1 0x489
#define MSR_IA32_VMX_PROCBASED_CTLS2 0x48b
#define MSR_IA32_VMX_EPT_VPID_CAP 0x48c
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS 0x48d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x48e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS 0x48f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS 0x490
#define FEATURE_CONTROL_LOCK (1UL << 0)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX (1UL << 2)

struct svm_features {
	u32 revision;
	u32 nasids;
	bool disabled_by_firmware;  /* VM_CR.SVMDIS */
	bool vm_cr_locked;
	bool npt, lbr_virt, svm_lock, nrip_save, tsc_rate, vmcb_clean, flush_by_asid;
	bool decode_assists, pause_filter, pause_filter_threshold, avic, vmsave_virt, vgif;
};

struct vmx_features {
	u64 basic, misc, ept_vpid_cap;
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	u64 pinbased, procbased, procbased2;  /* allowed-0 (low) / allowed-1 (high) */
	u64 exit_ctls, entry_ctls;            /* likewise (TRUE MSRs when they exist) */
	u32 vmcs_revision;
	u32 vmcs_size;
	bool vmcs_wb;               /* VMCS in write-back memory (basic bits 53:50 = 6) */
	bool true_ctls;
	bool feature_control_locked;
	bool disabled_by_firmware;  /* FEATURE_CONTROL locked without VMX outside SMX */
	bool secondary_ctls, msr_bitmaps, io_bitmaps, tpr_shadow;
	bool ept, vpid, unrestricted_guest, preemption_timer;
	u8 preemption_timer_rate;   /* the timer counts every 2^rate TSC ticks */
	bool ept_4level, ept_wb, ept_2m, ept_1g, ept_ad, invept, invvpid;
};

struct v3_cpu_features {
	enum x86_vendor vendor;
	char vendor_id[13];
	char brand[49];
	u32 family, model, stepping;
	u32 max_leaf, max_ext_leaf;
	u8 phys_addr_bits, virt_addr_bits;
	bool nx, pdpe1gb, pge, pat, x2apic, tsc_deadline, invariant_tsc, hypervisor;
	bool has_svm, has_vmx;
	struct svm_features svm;
	struct vmx_features vmx;
};

/* Fills f from CPUID and, where CPUID says they exist, the capability MSRs. */
void x86_probe_cpu(const struct x86_cpu_access *cpu, struct v3_cpu_features *f);

/* Prints the CPU report: one readable block through the core's log. */
void x86_report_cpu(const struct v3_cpu_features *f);

#endif /* ARCH_CPU_FEATURES_H */
