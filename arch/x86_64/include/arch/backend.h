/* SPDX-License-Identifier: MIT */
/*
 * The interface between the arch-neutral core and a virtualization backend
 * (KVM's kvm_x86_ops, Jailhouse's vcpu_vendor_*). Both backends are built
 * into one library; v3_init() picks the one the CPU supports. The VM and
 * vCPU members join this table as the backends grow.
 */
#ifndef ARCH_BACKEND_H
#define ARCH_BACKEND_H

#include <arch/cpu_features.h>

struct v3_vm;
struct v3_vcpu;
struct v3_segment;

/* Per host CPU state of the enabled extension. */
struct v3_pcpu {
	unsigned int cpu;
	bool enabled;
	u64 region_pa;  /* SVM host save area or VMXON region */
	u64 host_vmcb_pa; /* SVM: where VMSAVE keeps the host's FS/GS/TR/... */
	u64 saved_cr4;  /* VMX: CR4 before enabling, restored on disable */
	u64 saved_cr0;
	u64 saved_efer; /* SVM: EFER before enabling */
};

struct v3_arch_ops {
	const char *name;       /* "SVM", "VMX" */
	const char *long_name;  /* "AMD-V (SVM)" */
	/*
	 * Can this backend run on the probed CPU? 0, or a negative error with a
	 * one-line explanation in why (feature absent, disabled by firmware...).
	 */
	int (*check)(const struct v3_cpu_features *f, char *why, size_t why_len);
	/* Whether VMs can use nested paging (NPT, EPT) on this CPU. */
	bool (*has_nested_paging)(const struct v3_cpu_features *f);
	/* Whether the backend runs shadow-paged VMs (paging/shadow.h). */
	bool shadow_paging;
	/* Describe the paging the backend will offer ("nested paging (NPT)"...). */
	const char *(*paging_summary)(const struct v3_cpu_features *f);
	/* Enable the extension on the calling CPU; why as for check. */
	int (*cpu_enable)(struct v3_pcpu *pc, const struct v3_cpu_features *f, char *why,
			  size_t why_len);
	/* Disable it again on the calling CPU (only after cpu_enable succeeded). */
	void (*cpu_disable)(struct v3_pcpu *pc);

	/* ---- VMs (called with the VM's memory map complete) ---- */

	/* Per-VM state: nested page tables, ASID/VPID, intercept bitmaps. */
	int (*vm_init)(struct v3_vm *vm);
	void (*vm_deinit)(struct v3_vm *vm);
	/* Build the nested page tables from the (now final) memory map. */
	int (*vm_start)(struct v3_vm *vm);
	/*
	 * Add [gpa, gpa+size) -> hpa to the nested page tables (V3_NPT_* perms)
	 * after the VM started, and make every vCPU drop stale translations
	 * before its next entry. The caller serializes calls for one VM.
	 */
	int (*nested_map)(struct v3_vm *vm, u64 gpa, u64 hpa, u64 size, u32 perms);
	/* Per-vCPU state, with the initial guest state of the VM's boot mode. */
	int (*vcpu_init)(struct v3_vcpu *vcpu);
	void (*vcpu_deinit)(struct v3_vcpu *vcpu);
	/*
	 * Enter the guest once from the calling CPU (interrupts enabled), inject
	 * what the core queued, and return with vcpu->exit describing why it
	 * left. Negative on a failure to enter (also described in vcpu->exit).
	 */
	int (*vcpu_run)(struct v3_vcpu *vcpu);
	void (*get_segment)(struct v3_vcpu *vcpu, int seg, struct v3_segment *out);
	/* Whether accesses to msr exit (default) or go straight to the guest's copy. */
	void (*msr_intercept)(struct v3_vm *vm, u32 msr, bool intercept);
	/* Human-readable name of a raw exit code, for diagnostics. */
	const char *(*exit_name)(u64 raw_code);
};

extern const struct v3_arch_ops svm_arch_ops;
extern const struct v3_arch_ops vmx_arch_ops;

#endif /* ARCH_BACKEND_H */
