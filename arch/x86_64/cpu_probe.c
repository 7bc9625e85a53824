/* SPDX-License-Identifier: MIT */
/*
 * The CPU probe: CPUID leaves (Intel SDM Vol. 2A "CPUID"; AMD APM Vol. 3
 * App. E), SVM features from leaf 0x8000000A (APM Vol. 2 §15.4) and VM_CR,
 * VMX capabilities from the IA32_VMX_* MSRs (SDM Vol. 3D App. A). Nothing
 * here changes CPU state.
 */
#include <arch/cpu_features.h>
#include <arch/x86.h>

#include "lib/string.h"

static bool bit(u64 v, unsigned int n)
{
	return (v >> n) & 1;
}

/* Allowed-1 settings are the high half of a VMX control capability MSR. */
static bool allowed1(u64 cap, unsigned int n)
{
	return bit(cap, 32 + n);
}

static void probe_ids(const struct x86_cpu_access *cpu, struct v3_cpu_features *f)
{
	struct x86_cpuid r;
	u32 fam, model;

	cpu->cpuid(0, 0, &r);
	f->max_leaf = r.eax;
	v3_memcpy(f->vendor_id + 0, &r.ebx, 4);
	v3_memcpy(f->vendor_id + 4, &r.edx, 4);
	v3_memcpy(f->vendor_id + 8, &r.ecx, 4);
	f->vendor_id[12] = '\0';
	if (!v3_strcmp(f->vendor_id, "AuthenticAMD"))
		f->vendor = X86_VENDOR_AMD;
	else if (!v3_strcmp(f->vendor_id, "GenuineIntel"))
		f->vendor = X86_VENDOR_INTEL;

	cpu->cpuid(1, 0, &r);
	fam = (r.eax >> 8) & 0xf;
	model = (r.eax >> 4) & 0xf;
	if (fam == 0xf)
		fam += (r.eax >> 20) & 0xff;
	if (fam == 0xf || fam == 0x6 || fam >= 0x10)
		model |= ((r.eax >> 16) & 0xf) << 4;
	f->family = fam;
	f->model = model;
	f->stepping = r.eax & 0xf;
	f->has_vmx = bit(r.ecx, 5);
	f->x2apic = bit(r.ecx, 21);
	f->tsc_deadline = bit(r.ecx, 24);
	f->hypervisor = bit(r.ecx, 31);
	f->pge = bit(r.edx, 13);
	f->pat = bit(r.edx, 16);

	cpu->cpuid(0x80000000, 0, &r);
	f->max_ext_leaf = r.eax;
	if (f->max_ext_leaf >= 0x80000001) {
		cpu->cpuid(0x80000001, 0, &r);
		f->has_svm = bit(r.ecx, 2);
		f->nx = bit(r.edx, 20);
		f->pdpe1gb = bit(r.edx, 26);
	}
	if (f->max_ext_leaf >= 0x80000004) {
		for (u32 i = 0; i < 3; i++) {
			cpu->cpuid(0x80000002 + i, 0, &r);
			v3_memcpy(f->brand + 16 * i + 0, &r.eax, 4);
			v3_memcpy(f->brand + 16 * i + 4, &r.ebx, 4);
			v3_memcpy(f->brand + 16 * i + 8, &r.ecx, 4);
			v3_memcpy(f->brand + 16 * i + 12, &r.edx, 4);
		}
		f->brand[48] = '\0';
	}
	if (f->max_ext_leaf >= 0x80000007) {
		cpu->cpuid(0x80000007, 0, &r);
		f->invariant_tsc = bit(r.edx, 8);
	}
	if (f->max_ext_leaf >= 0x80000008) {
		cpu->cpuid(0x80000008, 0, &r);
		f->phys_addr_bits = r.eax & 0xff;
		f->virt_addr_bits = (r.eax >> 8) & 0xff;
	} else {
		f->phys_addr_bits = 36;
		f->virt_addr_bits = 48;
	}
}

static void probe_svm(const struct x86_cpu_access *cpu, struct svm_features *s)
{
	struct x86_cpuid r;
	u64 vm_cr = cpu->rdmsr(MSR_VM_CR);

	s->disabled_by_firmware = vm_cr & VM_CR_SVMDIS;
	s->vm_cr_locked = vm_cr & VM_CR_LOCK;
	cpu->cpuid(0x8000000a, 0, &r);
	s->revision = r.eax & 0xff;
	s->nasids = r.ebx;
	s->npt = bit(r.edx, 0);
	s->lbr_virt = bit(r.edx, 1);
	s->svm_lock = bit(r.edx, 2);
	s->nrip_save = bit(r.edx, 3);
	s->tsc_rate = bit(r.edx, 4);
	s->vmcb_clean = bit(r.edx, 5);
	s->flush_by_asid = bit(r.edx, 6);
	s->decode_assists = bit(r.edx, 7);
	s->pause_filter = bit(r.edx, 10);
	s->pause_filter_threshold = bit(r.edx, 12);
	s->avic = bit(r.edx, 13);
	s->vmsave_virt = bit(r.edx, 15);
	s->vgif = bit(r.edx, 16);
}

static void probe_vmx(const struct x86_cpu_access *cpu, struct vmx_features *v)
{
	u64 fc = cpu->rdmsr(MSR_IA32_FEATURE_CONTROL);

	v->feature_control_locked = fc & FEATURE_CONTROL_LOCK;
	v->disabled_by_firmware = v->feature_control_locked &&
				  !(fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX);
	v->basic = cpu->rdmsr(MSR_IA32_VMX_BASIC);
	v->vmcs_revision = v->basic & 0x7fffffff;
	v->vmcs_size = (v->basic >> 32) & 0x1fff;
	v->vmcs_wb = ((v->basic >> 50) & 0xf) == 6;
	v->true_ctls = bit(v->basic, 55);
	v->misc = cpu->rdmsr(MSR_IA32_VMX_MISC);
	v->preemption_timer_rate = v->misc & 0x1f;
	v->cr0_fixed0 = cpu->rdmsr(MSR_IA32_VMX_CR0_FIXED0);
	v->cr0_fixed1 = cpu->rdmsr(MSR_IA32_VMX_CR0_FIXED1);
	v->cr4_fixed0 = cpu->rdmsr(MSR_IA32_VMX_CR4_FIXED0);
	v->cr4_fixed1 = cpu->rdmsr(MSR_IA32_VMX_CR4_FIXED1);
	v->pinbased = cpu->rdmsr(v->true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS
					      : MSR_IA32_VMX_PINBASED_CTLS);
	v->procbased = cpu->rdmsr(v->true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS
					       : MSR_IA32_VMX_PROCBASED_CTLS);
	v->exit_ctls = cpu->rdmsr(v->true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS
					       : MSR_IA32_VMX_EXIT_CTLS);
	v->entry_ctls = cpu->rdmsr(v->true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS
						: MSR_IA32_VMX_ENTRY_CTLS);
	v->preemption_timer = allowed1(v->pinbased, 6);
	v->io_bitmaps = allowed1(v->procbased, 25);
	v->msr_bitmaps = allowed1(v->procbased, 28);
	v->tpr_shadow = allowed1(v->procbased, 21);
	v->secondary_ctls = allowed1(v->procbased, 31);
	if (!v->secondary_ctls)
		return;
	v->procbased2 = cpu->rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2);
	v->ept = allowed1(v->procbased2, 1);
	v->vpid = allowed1(v->procbased2, 5);
	v->unrestricted_guest = allowed1(v->procbased2, 7) && v->ept;
	if (v->ept || v->vpid) {
		u64 cap = cpu->rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);

		v->ept_vpid_cap = cap;
		v->ept_4level = bit(cap, 6);
		v->ept_wb = bit(cap, 14);
		v->ept_2m = bit(cap, 16);
		v->ept_1g = bit(cap, 17);
		v->invept = bit(cap, 20);
		v->ept_ad = bit(cap, 21);
		v->invvpid = bit(cap, 32);
	}
}

void x86_probe_cpu(const struct x86_cpu_access *cpu, struct v3_cpu_features *f)
{
	v3_memset(f, 0, sizeof(*f));
	probe_ids(cpu, f);
	if (f->has_svm && f->max_ext_leaf >= 0x8000000a)
		probe_svm(cpu, &f->svm);
	else
		f->has_svm = false;
	if (f->has_vmx)
		probe_vmx(cpu, &f->vmx);
}
