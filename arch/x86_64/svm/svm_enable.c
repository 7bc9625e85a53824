/* SPDX-License-Identifier: MIT */
/*
 * Turning AMD-V on and off on a CPU (AMD APM Vol. 2 §15.4 "Enabling SVM"):
 * SVM must be present and not disabled through VM_CR.SVMDIS; enabling sets
 * EFER.SVME and gives the CPU a host save area (VM_HSAVE_PA).
 */
#include <arch/backend.h>
#include <arch/x86.h>

#include "host_ops.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "svm.h"

static int svm_check(const struct v3_cpu_features *f, char *why, size_t len)
{
	if (!f->has_svm) {
		v3_snprintf(why, len, "the CPU has no AMD-V (SVM)");
		return -V3_ENODEV;
	}
	if (f->svm.disabled_by_firmware) {
		v3_snprintf(why, len,
			    f->svm.vm_cr_locked
				    ? "AMD-V is disabled by the firmware (VM_CR.SVMDIS set and locked): "
				      "enable SVM/virtualization in the BIOS setup"
				    : "AMD-V is disabled (VM_CR.SVMDIS set)");
		return -V3_ENODEV;
	}
	return 0;
}

static const char *svm_paging_summary(const struct v3_cpu_features *f)
{
	return f->svm.npt ? "nested paging (NPT) and shadow paging"
			  : "shadow paging only (the CPU has no NPT)";
}

static bool svm_has_nested_paging(const struct v3_cpu_features *f)
{
	return f->svm.npt;
}

static int svm_cpu_enable(struct v3_pcpu *pc, const struct v3_cpu_features *f, char *why,
			  size_t len)
{
	u64 hsave = v3_host->alloc_pages(1, V3_PAGE_SIZE, V3_NUMA_ANY);
	u64 host_vmcb = v3_host->alloc_pages(1, V3_PAGE_SIZE, V3_NUMA_ANY);
	u64 efer;

	if (!hsave || !host_vmcb) {
		if (hsave)
			v3_host->free_pages(hsave, 1);
		if (host_vmcb)
			v3_host->free_pages(host_vmcb, 1);
		v3_snprintf(why, len, "no memory for the host save area");
		return -V3_ENOMEM;
	}
	v3_memset(v3_host->paddr_to_vaddr(hsave), 0, V3_PAGE_SIZE);
	v3_memset(v3_host->paddr_to_vaddr(host_vmcb), 0, V3_PAGE_SIZE);
	pc->saved_efer = x86_rdmsr(MSR_EFER);
	x86_wrmsr(MSR_EFER, pc->saved_efer | X86_EFER_SVME);
	efer = x86_rdmsr(MSR_EFER);
	if (!(efer & X86_EFER_SVME)) {
		v3_host->free_pages(hsave, 1);
		v3_host->free_pages(host_vmcb, 1);
		v3_snprintf(why, len, "EFER.SVME did not stick (EFER=0x%lx)", efer);
		return -V3_EIO;
	}
	x86_wrmsr(MSR_VM_HSAVE_PA, hsave);
	pc->region_pa = hsave;
	pc->host_vmcb_pa = host_vmcb;
	pc->enabled = true;
	return 0;
}

static void svm_cpu_disable(struct v3_pcpu *pc)
{
	x86_wrmsr(MSR_VM_HSAVE_PA, 0);
	x86_wrmsr(MSR_EFER, pc->saved_efer & ~X86_EFER_SVME);
	v3_host->free_pages(pc->region_pa, 1);
	v3_host->free_pages(pc->host_vmcb_pa, 1);
	pc->region_pa = 0;
	pc->host_vmcb_pa = 0;
	pc->enabled = false;
}

const struct v3_arch_ops svm_arch_ops = {
	.name = "SVM",
	.long_name = "AMD-V (SVM)",
	.check = svm_check,
	.has_nested_paging = svm_has_nested_paging,
	.shadow_paging = true,
	.paging_summary = svm_paging_summary,
	.cpu_enable = svm_cpu_enable,
	.cpu_disable = svm_cpu_disable,
	.vm_init = svm_vm_init,
	.vm_deinit = svm_vm_deinit,
	.vm_start = svm_vm_start,
	.nested_map = svm_nested_map,
	.vcpu_init = svm_vcpu_init,
	.vcpu_deinit = svm_vcpu_deinit,
	.vcpu_run = svm_vcpu_run,
	.get_segment = svm_get_segment,
	.msr_intercept = svm_msr_intercept,
	.exit_name = svm_exit_name,
};
