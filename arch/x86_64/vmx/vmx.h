/* SPDX-License-Identifier: MIT */
/* The Intel VT-x backend's per-VM and per-vCPU state and its internal interfaces. */
#ifndef VMX_VMX_H
#define VMX_VMX_H

#include <arch/backend.h>

#include "paging/nested.h"
#include "vcpu.h"
#include "vmcs.h"

/* ---- control fields (vmx_ctls.c) ---- */

/* A VMX control field: its name and the names of its bits, for refusals. */
struct vmx_ctl_field {
	const char *name;
	const char *bits[32];
};

extern const struct vmx_ctl_field vmx_pin_field, vmx_proc_field, vmx_proc2_field,
	vmx_exit_field, vmx_entry_field;

/*
 * The value of a control field from its capability MSR (SDM Vol. 3D A.3-A.5:
 * bits 31:0 are the allowed-0 settings, a 1 there forces the control on;
 * bits 63:32 the allowed-1 settings). Sets *out to want plus the forced
 * bits, nothing else. Refuses with -V3_ENOTSUP and a message naming the
 * control in why when a wanted control is not allowed to be 1.
 */
int vmx_adjust_controls(const struct vmx_ctl_field *field, u64 cap_msr, u32 want, u32 *out,
			char *why, size_t why_len);

struct vmx_controls {
	u32 pin, proc, proc2, exit, entry;
};

/*
 * Every control field the backend programs, from the probed capabilities
 * (the TRUE_* MSRs when IA32_VMX_BASIC bit 55 says they exist). Controls
 * switched per entry (interrupt-window exiting, IA-32e mode guest) are
 * checked but left clear. vpid: whether to enable VPIDs.
 */
int vmx_compute_controls(const struct vmx_features *f, bool vpid, struct vmx_controls *c,
			 char *why, size_t why_len);
/*
 * The same under shadow paging (paging/shadow.h): CR3 loads and stores and INVLPG exit; EPT and
 * unrestricted guest only with ept_ug, for the stretches the guest runs with paging off (they
 * are switched per entry, vmx_vcpu.c); no secondary controls on a CPU without them.
 */
int vmx_compute_shadow_controls(const struct vmx_features *f, bool vpid, bool ept_ug,
				struct vmx_controls *c, char *why, size_t why_len);

/* ---- EPT (vmx_vm.c) ---- */

/* The EPT entry encoding for the shared nested page-table builder, for this CPU. */
void vmx_ept_format(const struct vmx_features *f, struct v3_nested_fmt *fmt);
/* The EPT pointer for a 4-level table rooted at root_pa, write-back, no A/D bits. */
u64 vmx_eptp(u64 root_pa);

/* ---- state ---- */

/* MSRs the VMCS does not switch; swapped through the VM-entry/exit MSR areas. */
#define VMX_SWITCHED_MSRS 5

struct vmx_vm {
	struct v3_nested_fmt ept_fmt;
	struct v3_nested_pt ept;
	u64 eptp;
	u8 *msr_bitmap;             /* 4 KiB: read low/high, write low/high (§25.6.9) */
	u64 msr_bitmap_pa;
	u8 *io_bitmaps;             /* 8 KiB: bitmap A (ports 0-7fff), then B */
	u64 io_bitmaps_pa;
	struct vmx_controls ctls;
	u64 cr0_mask, cr4_mask;     /* host-owned CR bits (guest/host masks) */
	bool ept_ug;                /* EPT and unrestricted guest in use (shadow: paging off) */
	u16 vpid;                   /* 0: this VM runs without a VPID */
	volatile u32 ept_epoch;     /* bumped when the EPT changes */
	bool corrupt_guest_state;   /* vmx_debug_corrupt_guest_state() */
	bool corrupt_host_state;    /* vmx_debug_corrupt_host_state() */
};

struct vmx_vcpu {
	void *vmcs;
	u64 vmcs_pa;
	struct vmx_msr_entry *guest_msrs;  /* VM-entry load and VM-exit store area */
	struct vmx_msr_entry *host_msrs;   /* VM-exit load area */
	u64 msr_area_pa;
	int last_cpu;               /* host CPU the VMCS is active on, -1 if none */
	bool launched;              /* VMCS launch state: VMRESUME, not VMLAUNCH */
	bool initialized;           /* the VMCS holds its controls and guest state */
	u32 ept_epoch;

	/* What the VMCS holds, to VMWRITE only what the core changed. */
	u64 rip, rsp, rflags, cr0, cr3, cr4, efer;
	u32 pin, proc, proc2, entry;
	u64 host_cr3;
	u32 interruptibility;
	u64 preempt_ticks;          /* 0: the preemption timer is off */

	/* An event whose delivery the last exit interrupted (IDT-vectoring info). */
	u32 reinject_info, reinject_error, reinject_len;
};

/* vmx_run.asm: one VMLAUNCH/VMRESUME round trip; guest GPRs but RSP in gprs. */
#define VMX_ENTER_OK 0
#define VMX_ENTER_FAIL_VALID 1   /* VMfailValid: the VM-instruction error field says why */
#define VMX_ENTER_FAIL_INVALID 2 /* VMfailInvalid: no current VMCS */
int vmx_enter(struct v3_gprs *gprs, u64 launched);
extern const char vmx_exit_entry[]; /* HOST_RIP */

/* raw_code of an entry that failed with VMfail: the flag | the VM-instruction error. */
#define VMX_RAW_VMFAIL_VALID (1UL << 48)
#define VMX_RAW_VMFAIL_INVALID (1UL << 49)
/* raw_code bits 39:32 of a failed entry: what vmx_exit.c found wrong (enum below). */
#define VMX_RAW_CAUSE_SHIFT 32

int vmx_vm_init(struct v3_vm *vm);
int vmx_vm_start(struct v3_vm *vm);
void vmx_vm_deinit(struct v3_vm *vm);
void vmx_msr_intercept(struct v3_vm *vm, u32 msr, bool intercept);
int vmx_nested_map(struct v3_vm *vm, u64 gpa, u64 hpa, u64 size, u32 perms);

int vmx_vcpu_init(struct v3_vcpu *vcpu);
void vmx_vcpu_deinit(struct v3_vcpu *vcpu);
int vmx_vcpu_run(struct v3_vcpu *vcpu);
void vmx_get_segment(struct v3_vcpu *vcpu, int seg, struct v3_segment *out);

/* VMCS access rights <-> the core's segment attributes (VMCB layout). */
static inline u32 vmx_ar_from_attrib(u16 attrib)
{
	return (attrib & 0xffu) | ((u32)(attrib & 0xf00u) << 4);
}

static inline u16 vmx_attrib_from_ar(u32 ar)
{
	return (u16)((ar & 0xffu) | ((ar >> 4) & 0xf00u));
}

/*
 * Exit decoding (vmx_exit.c): fills vcpu->exit from the current VMCS, with
 * vcpu->s already read back. Exits the backend causes itself (CR0/CR4 bits
 * it owns) are handled here and leave kind V3_EXIT_NONE.
 */
void vmx_decode_exit(struct v3_vcpu *vcpu, u32 reason);
/* A VMLAUNCH/VMRESUME that failed with VMfail (rc from vmx_enter). */
void vmx_decode_vmfail(struct v3_vcpu *vcpu, int rc);
const char *vmx_exit_name(u64 raw_code);
/* The text of a VM-instruction error number (SDM Vol. 3C §31.4). */
const char *vmx_insn_error_name(u32 err);

/* Reloads the PDPTEs from guest memory when the guest uses PAE paging (EPT, §28.3.2.4). */
int vmx_load_pdptes(struct v3_vcpu *vcpu);

/*
 * The VMX preemption timer (SDM Vol. 3C §26.5.1): when tsc_ticks is not 0,
 * every entry lets the guest run at most about tsc_ticks TSC ticks before it
 * exits with V3_EXIT_PREEMPT_TIMER; 0 turns the timer off. -V3_ENOTSUP if
 * the CPU has no preemption timer. Takes effect on the next entry.
 */
int vmx_set_preemption_timer(struct v3_vcpu *vcpu, u64 tsc_ticks);

/*
 * Debug hooks for the host's self-test (hk.test=vmx-bad-guest), to be called
 * before the VM runs. This one makes every vCPU of vm enter with invalid
 * guest CS access rights, so that VM entry fails with "invalid guest state".
 */
void vmx_debug_corrupt_guest_state(struct v3_vm *vm);
/*
 * Likewise for the host state: HOST_CR4 without CR4.VMXE, so that VMLAUNCH
 * fails with VMfailValid, "VM entry with invalid host-state field(s)".
 */
void vmx_debug_corrupt_host_state(struct v3_vm *vm);

#endif /* VMX_VMX_H */
