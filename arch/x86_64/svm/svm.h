/* SPDX-License-Identifier: MIT */
/* The AMD-V backend's per-VM and per-vCPU state. */
#ifndef SVM_SVM_H
#define SVM_SVM_H

#include <arch/backend.h>

#include "paging/nested.h"
#include "vcpu.h"
#include "vmcb.h"

struct svm_vm {
	struct v3_nested_pt npt;
	u8 *msrpm, *iopm;
	u64 msrpm_pa, iopm_pa;
	u32 asid;
	bool shared_asid;           /* ran out of ASIDs: flush on every entry */
	volatile u32 tlb_epoch;     /* bumped when the nested tables change */
};

struct svm_vcpu {
	struct vmcb *vmcb;
	u64 vmcb_pa;
	u32 tlb_epoch;              /* the VM's epoch at this vCPU's last flush */
	int last_cpu;               /* host CPU of the last entry, -1 before the first */
};

/* svm_run.asm: one VMRUN round trip, guest GPRs (but RAX/RSP) from/to gprs. */
void svm_vmrun(u64 vmcb_pa, struct v3_gprs *gprs, u64 host_vmcb_pa);

int svm_vm_init(struct v3_vm *vm);
int svm_vm_start(struct v3_vm *vm);
void svm_vm_deinit(struct v3_vm *vm);
void svm_msr_intercept(struct v3_vm *vm, u32 msr, bool intercept);
int svm_nested_map(struct v3_vm *vm, u64 gpa, u64 hpa, u64 size, u32 perms);

int svm_vcpu_init(struct v3_vcpu *vcpu);
void svm_vcpu_deinit(struct v3_vcpu *vcpu);
int svm_vcpu_run(struct v3_vcpu *vcpu);
void svm_get_segment(struct v3_vcpu *vcpu, int seg, struct v3_segment *out);

void svm_decode_exit(struct v3_vcpu *vcpu, const struct vmcb *vmcb);
const char *svm_exit_name(u64 code);

#endif /* SVM_SVM_H */
