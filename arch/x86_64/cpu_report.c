/* SPDX-License-Identifier: MIT */
/* The CPU report printed by v3_init(): what the probe found, one block. */
#include <arch/cpu_features.h>

#include "lib/string.h"
#include "log.h"

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static void report_svm(const struct svm_features *s)
{
	v3_info("AMD-V (SVM): present, revision %u, %u ASIDs%s", s->revision, s->nasids,
		s->disabled_by_firmware ? (s->vm_cr_locked ? ", DISABLED by firmware (VM_CR locked)"
							   : ", disabled in VM_CR")
					: ", enabled by firmware");
	v3_info("  nested paging (NPT)       %s", yes_no(s->npt));
	v3_info("  NRIP save                 %s", yes_no(s->nrip_save));
	v3_info("  decode assists            %s", yes_no(s->decode_assists));
	v3_info("  VMCB clean bits           %s", yes_no(s->vmcb_clean));
	v3_info("  flush by ASID             %s", yes_no(s->flush_by_asid));
	v3_info("  LBR virtualization        %s", yes_no(s->lbr_virt));
	v3_info("  TSC rate MSR              %s", yes_no(s->tsc_rate));
	v3_info("  pause filter              %s", yes_no(s->pause_filter));
	v3_info("  AVIC                      %s", yes_no(s->avic));
	v3_info("  VGIF                      %s", yes_no(s->vgif));
	v3_info("  VMSAVE/VMLOAD virt.       %s", yes_no(s->vmsave_virt));
}

static void report_vmx(const struct vmx_features *v)
{
	v3_info("Intel VT-x (VMX): present, VMCS revision 0x%x, %u-byte VMCS, FEATURE_CONTROL %s%s",
		v->vmcs_revision, v->vmcs_size, v->feature_control_locked ? "locked" : "unlocked",
		v->disabled_by_firmware ? ", DISABLED by firmware" : "");
	/* The EPT capabilities only mean something when EPT itself is allowed. */
	if (v->ept)
		v3_info("  EPT                       yes (%s%s%s%s%s)",
			v->ept_4level ? "4-level" : "no 4-level walk",
			v->ept_2m ? ", 2M pages" : "", v->ept_1g ? ", 1G pages" : "",
			v->ept_ad ? ", A/D bits" : "", v->invept ? ", INVEPT" : "");
	else
		v3_info("  EPT                       no");
	v3_info("  VPID                      %s%s", yes_no(v->vpid),
		v->vpid && v->invvpid ? " (INVVPID)" : "");
	v3_info("  unrestricted guest        %s", yes_no(v->unrestricted_guest));
	v3_info("  preemption timer          %s (TSC / 2^%u)", yes_no(v->preemption_timer),
		v->preemption_timer_rate);
	v3_info("  true controls             %s", yes_no(v->true_ctls));
	v3_info("  secondary controls        %s", yes_no(v->secondary_ctls));
	v3_info("  MSR bitmaps / I/O bitmaps %s / %s", yes_no(v->msr_bitmaps),
		yes_no(v->io_bitmaps));
	v3_info("  TPR shadow                %s", yes_no(v->tpr_shadow));
}

void x86_report_cpu(const struct v3_cpu_features *f)
{
	v3_info("---- CPU report ----");
	v3_info("%s family 0x%x model 0x%x stepping %u: %s", f->vendor_id, f->family, f->model,
		f->stepping, f->brand[0] ? f->brand : "(no brand string)");
	v3_info("address bits: %u physical, %u virtual; NX %s; 1G pages %s; x2APIC %s; "
		"TSC-deadline %s; invariant TSC %s%s",
		f->phys_addr_bits, f->virt_addr_bits, yes_no(f->nx), yes_no(f->pdpe1gb),
		yes_no(f->x2apic), yes_no(f->tsc_deadline), yes_no(f->invariant_tsc),
		f->hypervisor ? "; running under a hypervisor" : "");
	if (f->has_svm)
		report_svm(&f->svm);
	else
		v3_info("AMD-V (SVM): not present");
	if (f->has_vmx)
		report_vmx(&f->vmx);
	else
		v3_info("Intel VT-x (VMX): not present");
	v3_info("--------------------");
}
