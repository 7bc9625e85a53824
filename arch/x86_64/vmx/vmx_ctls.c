/* SPDX-License-Identifier: MIT */
/*
 * The VMX control fields the backend programs, computed from the capability
 * MSRs (Intel SDM Vol. 3D Appendix A.3-A.5; §A.2 for the TRUE_* MSRs that
 * let some "default1" controls be 0). Pure computation: no VMX instruction
 * here, so unit tests run it on recorded CPUs.
 */
#include <v3/errno.h>

#include "lib/printf.h"
#include "vmx.h"

const struct vmx_ctl_field vmx_pin_field = {
	.name = "pin-based VM-execution controls",
	.bits = {
		[0] = "external-interrupt exiting", [3] = "NMI exiting", [5] = "virtual NMIs",
		[6] = "VMX preemption timer", [7] = "process posted interrupts",
	},
};

const struct vmx_ctl_field vmx_proc_field = {
	.name = "primary processor-based VM-execution controls",
	.bits = {
		[2] = "interrupt-window exiting", [3] = "use TSC offsetting", [7] = "HLT exiting",
		[9] = "INVLPG exiting", [10] = "MWAIT exiting", [11] = "RDPMC exiting",
		[12] = "RDTSC exiting", [15] = "CR3-load exiting", [16] = "CR3-store exiting",
		[19] = "CR8-load exiting", [20] = "CR8-store exiting", [21] = "use TPR shadow",
		[22] = "NMI-window exiting", [23] = "MOV-DR exiting",
		[24] = "unconditional I/O exiting", [25] = "use I/O bitmaps",
		[27] = "monitor trap flag", [28] = "use MSR bitmaps", [29] = "MONITOR exiting",
		[30] = "PAUSE exiting", [31] = "activate secondary controls",
	},
};

const struct vmx_ctl_field vmx_proc2_field = {
	.name = "secondary processor-based VM-execution controls",
	.bits = {
		[0] = "virtualize APIC accesses", [1] = "enable EPT",
		[2] = "descriptor-table exiting", [3] = "enable RDTSCP",
		[4] = "virtualize x2APIC mode", [5] = "enable VPID", [6] = "WBINVD exiting",
		[7] = "unrestricted guest", [8] = "APIC-register virtualization",
		[9] = "virtual-interrupt delivery", [10] = "PAUSE-loop exiting",
		[11] = "RDRAND exiting", [12] = "enable INVPCID", [13] = "enable VM functions",
		[14] = "VMCS shadowing", [16] = "RDSEED exiting", [17] = "enable PML",
		[20] = "enable XSAVES/XRSTORS", [25] = "use TSC scaling",
	},
};

const struct vmx_ctl_field vmx_exit_field = {
	.name = "VM-exit controls",
	.bits = {
		[2] = "save debug controls", [9] = "host address-space size",
		[12] = "load IA32_PERF_GLOBAL_CTRL", [15] = "acknowledge interrupt on exit",
		[18] = "save IA32_PAT", [19] = "load IA32_PAT", [20] = "save IA32_EFER",
		[21] = "load IA32_EFER", [22] = "save VMX-preemption timer value",
	},
};

const struct vmx_ctl_field vmx_entry_field = {
	.name = "VM-entry controls",
	.bits = {
		[2] = "load debug controls", [9] = "IA-32e mode guest", [10] = "entry to SMM",
		[11] = "deactivate dual-monitor treatment",
		[13] = "load IA32_PERF_GLOBAL_CTRL", [14] = "load IA32_PAT",
		[15] = "load IA32_EFER",
	},
};

int vmx_adjust_controls(const struct vmx_ctl_field *field, u64 cap_msr, u32 want, u32 *out,
			char *why, size_t why_len)
{
	u32 must = (u32)cap_msr;
	u32 may = (u32)(cap_msr >> 32);
	u32 refused = want & ~may;

	*out = 0;
	if (must & ~may) {
		v3_snprintf(why, why_len, "the %s capability MSR (0x%lx) forces controls it does "
			    "not allow", field->name, cap_msr);
		return -V3_EINVAL;
	}
	if (refused) {
		unsigned int bit = (unsigned int)__builtin_ctz(refused);
		const char *name = field->bits[bit];

		v3_snprintf(why, why_len,
			    "the CPU does not allow the %s%s%s control (bit %u of the %s)",
			    name ? "\"" : "", name ? name : "unnamed", name ? "\"" : "", bit,
			    field->name);
		return -V3_ENOTSUP;
	}
	*out = (want | must) & may;
	return 0;
}

static bool allowed1(u64 cap, u32 bits)
{
	return ((u32)(cap >> 32) & bits) == bits;
}

/*
 * Checks that the controls switched per entry may be set, then computes the
 * field without them (unless the CPU forces them on).
 */
static int adjust_dynamic(const struct vmx_ctl_field *field, u64 cap, u32 want, u32 dynamic,
			  u32 *out, char *why, size_t len)
{
	int rc = vmx_adjust_controls(field, cap, want | dynamic, out, why, len);

	if (!rc)
		*out &= ~(dynamic & ~(u32)cap);
	return rc;
}

/* proc_paging, proc2_paging: the paging controls of nested or shadow paging. */
static int compute(const struct vmx_features *f, bool vpid, u32 proc_paging, u32 proc2_paging,
		   struct vmx_controls *c, char *why, size_t len)
{
	u32 proc = PROC_HLT_EXIT | PROC_TSC_OFFSET | PROC_IO_BITMAPS | PROC_MSR_BITMAPS |
		   PROC_MWAIT_EXIT | PROC_MONITOR_EXIT | proc_paging;
	u32 proc2 = proc2_paging;
	u32 exit = EXIT_HOST_64 | EXIT_SAVE_EFER | EXIT_LOAD_EFER | EXIT_SAVE_PAT | EXIT_LOAD_PAT;
	int rc;

	if (vpid)
		proc2 |= PROC2_VPID;
	/* Shadow paging on a CPU without secondary controls (Core 2) needs none. */
	if (proc2 || allowed1(f->procbased, PROC_SECONDARY))
		proc |= PROC_SECONDARY;
	/* Instructions that #UD in the guest unless enabled: enable what the CPU has. */
	if (allowed1(f->procbased2, PROC2_RDTSCP))
		proc2 |= PROC2_RDTSCP;
	if (allowed1(f->procbased2, PROC2_INVPCID))
		proc2 |= PROC2_INVPCID;
	if (allowed1(f->procbased2, PROC2_XSAVES))
		proc2 |= PROC2_XSAVES;
	if (!(proc & PROC_SECONDARY))
		proc2 = 0;

	rc = vmx_adjust_controls(&vmx_pin_field, f->pinbased, PIN_EXT_INTR_EXIT | PIN_NMI_EXIT,
				 &c->pin, why, len);
	if (!rc)
		rc = adjust_dynamic(&vmx_proc_field, f->procbased, proc, PROC_INTR_WINDOW_EXIT,
				    &c->proc, why, len);
	if (!rc)
		rc = vmx_adjust_controls(&vmx_proc2_field, f->procbased2, proc2, &c->proc2, why,
					 len);
	if (!rc)
		rc = vmx_adjust_controls(&vmx_exit_field, f->exit_ctls, exit, &c->exit, why, len);
	if (!rc)
		rc = adjust_dynamic(&vmx_entry_field, f->entry_ctls,
				    ENTRY_LOAD_EFER | ENTRY_LOAD_PAT, ENTRY_IA32E_GUEST, &c->entry,
				    why, len);
	return rc;
}

int vmx_compute_controls(const struct vmx_features *f, bool vpid, struct vmx_controls *c,
			 char *why, size_t len)
{
	return compute(f, vpid, 0, PROC2_EPT | PROC2_UNRESTRICTED, c, why, len);
}

int vmx_compute_shadow_controls(const struct vmx_features *f, bool vpid, bool ept_ug,
				struct vmx_controls *c, char *why, size_t len)
{
	return compute(f, vpid, PROC_INVLPG_EXIT | PROC_CR3_LOAD_EXIT | PROC_CR3_STORE_EXIT,
		       ept_ug ? PROC2_EPT | PROC2_UNRESTRICTED : 0, c, why, len);
}
