/* SPDX-License-Identifier: MIT */
/*
 * Turning VT-x on and off on a CPU (Intel SDM Vol. 3C §23.7 "Enabling and
 * entering VMX operation", §23.8 "Restrictions on VMX operation"):
 * IA32_FEATURE_CONTROL must allow VMX outside SMX (we set and lock it when the
 * firmware left it unlocked, as Linux does), CR0 and CR4 must honour the
 * IA32_VMX_CR{0,4}_FIXED{0,1} MSRs, and VMXON takes a 4 KiB region that
 * starts with the VMCS revision identifier.
 */
#include <arch/backend.h>
#include <arch/x86.h>

#include "host_ops.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "vmx.h"

static int vmx_check(const struct v3_cpu_features *f, char *why, size_t len)
{
	const struct vmx_features *v = &f->vmx;

	if (!f->has_vmx) {
		v3_snprintf(why, len, "the CPU has no Intel VT-x (VMX)");
		return -V3_ENODEV;
	}
	if (v->disabled_by_firmware) {
		v3_snprintf(why, len,
			    "VT-x is disabled by the firmware (IA32_FEATURE_CONTROL locked without "
			    "VMX outside SMX): enable Intel Virtualization Technology in the BIOS");
		return -V3_ENODEV;
	}
	if (v->vmcs_size == 0 || v->vmcs_size > V3_PAGE_SIZE) {
		v3_snprintf(why, len, "unsupported VMCS size %u (IA32_VMX_BASIC=0x%lx)",
			    v->vmcs_size, v->basic);
		return -V3_ENOTSUP;
	}
	if (!v->vmcs_wb) {
		v3_snprintf(why, len, "the VMCS must be write-back memory, the CPU wants type %lu",
			    (v->basic >> 50) & 0xf);
		return -V3_ENOTSUP;
	}
	return 0;
}

static const char *vmx_paging_summary(const struct v3_cpu_features *f)
{
	return f->vmx.ept ? "nested paging (EPT) and shadow paging"
			  : "shadow paging only (the CPU has no EPT)";
}

static bool vmx_has_nested_paging(const struct v3_cpu_features *f)
{
	return f->vmx.ept;
}

/* VMXON leaves CF set on VMfailInvalid and ZF on VMfailValid. */
static bool vmxon(u64 region_pa)
{
	bool failed;

	__asm__ volatile("vmxon %1; setna %0" : "=q"(failed) : "m"(region_pa) : "cc", "memory");
	return !failed;
}

static int feature_control_allow_vmx(char *why, size_t len)
{
	u64 fc = x86_rdmsr(MSR_IA32_FEATURE_CONTROL);

	if (!(fc & FEATURE_CONTROL_LOCK)) {
		fc |= FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX_OUTSIDE_SMX;
		x86_wrmsr(MSR_IA32_FEATURE_CONTROL, fc);
		fc = x86_rdmsr(MSR_IA32_FEATURE_CONTROL);
	}
	if (!(fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX)) {
		v3_snprintf(why, len, "IA32_FEATURE_CONTROL=0x%lx forbids VMX outside SMX", fc);
		return -V3_ENODEV;
	}
	return 0;
}

static int vmx_cpu_enable(struct v3_pcpu *pc, const struct v3_cpu_features *f, char *why,
			  size_t len)
{
	const struct vmx_features *v = &f->vmx;
	u64 region, cr0, cr4;
	int rc = feature_control_allow_vmx(why, len);

	if (rc)
		return rc;
	region = v3_host->alloc_pages(1, V3_PAGE_SIZE, V3_NUMA_ANY);
	if (!region) {
		v3_snprintf(why, len, "no memory for the VMXON region");
		return -V3_ENOMEM;
	}
	v3_memset(v3_host->paddr_to_vaddr(region), 0, V3_PAGE_SIZE);
	*(u32 *)v3_host->paddr_to_vaddr(region) = v->vmcs_revision;

	pc->saved_cr0 = x86_read_cr0();
	pc->saved_cr4 = x86_read_cr4();
	cr0 = (pc->saved_cr0 | v->cr0_fixed0) & v->cr0_fixed1;
	cr4 = (pc->saved_cr4 | X86_CR4_VMXE | v->cr4_fixed0) & v->cr4_fixed1;
	x86_write_cr0(cr0);
	x86_write_cr4(cr4);
	if (!vmxon(region)) {
		x86_write_cr4(pc->saved_cr4);
		x86_write_cr0(pc->saved_cr0);
		v3_host->free_pages(region, 1);
		v3_snprintf(why, len, "VMXON failed (CR0=0x%lx CR4=0x%lx, revision 0x%x)", cr0, cr4,
			    v->vmcs_revision);
		return -V3_EIO;
	}
	pc->region_pa = region;
	pc->enabled = true;
	return 0;
}

static void vmx_cpu_disable(struct v3_pcpu *pc)
{
	__asm__ volatile("vmxoff" : : : "cc", "memory");
	x86_write_cr4(pc->saved_cr4 & ~X86_CR4_VMXE);
	x86_write_cr0(pc->saved_cr0);
	v3_host->free_pages(pc->region_pa, 1);
	pc->region_pa = 0;
	pc->enabled = false;
}

const struct v3_arch_ops vmx_arch_ops = {
	.name = "VMX",
	.long_name = "Intel VT-x (VMX)",
	.check = vmx_check,
	.has_nested_paging = vmx_has_nested_paging,
	.shadow_paging = true,
	.paging_summary = vmx_paging_summary,
	.cpu_enable = vmx_cpu_enable,
	.cpu_disable = vmx_cpu_disable,
	.vm_init = vmx_vm_init,
	.vm_deinit = vmx_vm_deinit,
	.vm_start = vmx_vm_start,
	.nested_map = vmx_nested_map,
	.vcpu_init = vmx_vcpu_init,
	.vcpu_deinit = vmx_vcpu_deinit,
	.vcpu_run = vmx_vcpu_run,
	.get_segment = vmx_get_segment,
	.msr_intercept = vmx_msr_intercept,
	.exit_name = vmx_exit_name,
};
