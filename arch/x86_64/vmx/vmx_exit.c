/* SPDX-License-Identifier: MIT */
/*
 * Translating a VM exit into the generic struct v3_exit: basic exit reasons
 * (Intel SDM Vol. 3D Appendix C), exit qualifications (Vol. 3C §28.2.1),
 * interruption and IDT-vectoring information (§28.2.2-28.2.4), the
 * instruction length and information fields (§28.2.5). Failed VM entries
 * (§27.8: exit reason bit 31) and VMfail of VMLAUNCH/VMRESUME (§31.4,
 * VM-instruction error numbers) become V3_EXIT_ENTRY_FAILED with a readable
 * cause. CR accesses the backend provokes itself (the CR0/CR4 bits it owns)
 * are emulated here.
 */
#include <arch/x86.h>

#include "init.h"
#include "log.h"
#include "mem.h"
#include "vm.h"
#include "vmx.h"

#define EXC_GP 13
#define EXC_PF 14

/* ---- names ---- */

static const char *const exit_names[] = {
	[0] = "exception or NMI", [1] = "external interrupt", [2] = "triple fault",
	[3] = "INIT signal", [4] = "start-up IPI", [5] = "I/O SMI", [6] = "other SMI",
	[7] = "interrupt window", [8] = "NMI window", [9] = "task switch", [10] = "CPUID",
	[11] = "GETSEC", [12] = "HLT", [13] = "INVD", [14] = "INVLPG", [15] = "RDPMC",
	[16] = "RDTSC", [17] = "RSM", [18] = "VMCALL", [19] = "VMCLEAR", [20] = "VMLAUNCH",
	[21] = "VMPTRLD", [22] = "VMPTRST", [23] = "VMREAD", [24] = "VMRESUME",
	[25] = "VMWRITE", [26] = "VMXOFF", [27] = "VMXON", [28] = "control-register access",
	[29] = "MOV DR", [30] = "I/O instruction", [31] = "RDMSR", [32] = "WRMSR",
	[33] = "VM-entry failure: invalid guest state",
	[34] = "VM-entry failure: MSR loading", [36] = "MWAIT", [37] = "monitor trap flag",
	[39] = "MONITOR", [40] = "PAUSE", [41] = "VM-entry failure: machine-check event",
	[43] = "TPR below threshold", [44] = "APIC access", [45] = "virtualized EOI",
	[46] = "GDTR/IDTR access", [47] = "LDTR/TR access", [48] = "EPT violation",
	[49] = "EPT misconfiguration", [50] = "INVEPT", [51] = "RDTSCP",
	[52] = "VMX-preemption timer expired", [53] = "INVVPID", [54] = "WBINVD/WBNOINVD",
	[55] = "XSETBV", [56] = "APIC write", [57] = "RDRAND", [58] = "INVPCID",
	[59] = "VMFUNC", [60] = "ENCLS", [61] = "RDSEED", [62] = "page-modification log full",
	[63] = "XSAVES", [64] = "XRSTORS", [66] = "SPP-related event", [67] = "UMWAIT",
	[68] = "TPAUSE", [69] = "LOADIWKEY",
};

/* VM-instruction error numbers (SDM Vol. 3C §31.4, Table 31-1). */
static const char *const insn_errors[] = {
	[1] = "VMCALL executed in VMX root operation",
	[2] = "VMCLEAR with invalid physical address",
	[3] = "VMCLEAR with VMXON pointer",
	[4] = "VMLAUNCH with non-clear VMCS",
	[5] = "VMRESUME with non-launched VMCS",
	[6] = "VMRESUME after VMXOFF",
	[7] = "VM entry with invalid control field(s)",
	[8] = "VM entry with invalid host-state field(s)",
	[9] = "VMPTRLD with invalid physical address",
	[10] = "VMPTRLD with VMXON pointer",
	[11] = "VMPTRLD with incorrect VMCS revision identifier",
	[12] = "VMREAD/VMWRITE from/to unsupported VMCS component",
	[13] = "VMWRITE to read-only VMCS component",
	[15] = "VMXON executed in VMX root operation",
	[16] = "VM entry with invalid executive-VMCS pointer",
	[17] = "VM entry with non-launched executive VMCS",
	[18] = "VM entry with executive-VMCS pointer not VMXON pointer",
	[19] = "VMCALL with non-clear VMCS",
	[20] = "VMCALL with invalid VM-exit control fields",
	[22] = "VMCALL with incorrect MSEG revision identifier",
	[23] = "VMXOFF under dual-monitor treatment of SMIs and SMM",
	[24] = "VMCALL with invalid SMM-monitor features",
	[25] = "VM entry with invalid VM-execution control fields in executive VMCS",
	[26] = "VM entry with events blocked by MOV SS",
	[28] = "invalid operand to INVEPT/INVVPID",
};

/* What check_guest_state() found wrong, as the cause in raw_code bits 39:32. */
enum guest_cause {
	CAUSE_UNKNOWN,
	CAUSE_CS,
	CAUSE_CS_SS_DPL,
	CAUSE_SS,
	CAUSE_DATA_SEG,
	CAUSE_TR,
	CAUSE_LDTR,
	CAUSE_CR0,
	CAUSE_CR4,
	CAUSE_EFER,
	CAUSE_RFLAGS,
	CAUSE_DESC_TABLES,
	CAUSE_MAX,
};

static const char *const guest_causes[CAUSE_MAX] = {
	[CAUSE_UNKNOWN] = "VM-entry failure: invalid guest state (none of the common causes: "
			  "see the guest fields logged)",
	[CAUSE_CS] = "VM-entry failure: invalid guest state: CS access rights (unusable, not "
		     "present, not a code segment, or G inconsistent with the limit)",
	[CAUSE_CS_SS_DPL] = "VM-entry failure: invalid guest state: CS.DPL differs from SS.DPL",
	[CAUSE_SS] = "VM-entry failure: invalid guest state: SS access rights (not a writable "
		     "data segment, or DPL not 0 in real mode)",
	[CAUSE_DATA_SEG] = "VM-entry failure: invalid guest state: DS/ES/FS/GS access rights",
	[CAUSE_TR] = "VM-entry failure: invalid guest state: TR unusable or not a busy TSS",
	[CAUSE_LDTR] = "VM-entry failure: invalid guest state: LDTR access rights",
	[CAUSE_CR0] = "VM-entry failure: invalid guest state: CR0 violates the VMX fixed bits "
		      "(or PG without PE)",
	[CAUSE_CR4] = "VM-entry failure: invalid guest state: CR4 violates the VMX fixed bits",
	[CAUSE_EFER] = "VM-entry failure: invalid guest state: EFER.LMA/LME disagree with the "
		       "IA-32e mode guest control or CR0.PG",
	[CAUSE_RFLAGS] = "VM-entry failure: invalid guest state: RFLAGS reserved bits",
	[CAUSE_DESC_TABLES] = "VM-entry failure: invalid guest state: GDTR/IDTR limit above 0xffff",
};

const char *vmx_insn_error_name(u32 err)
{
	return err < V3_ARRAY_SIZE(insn_errors) && insn_errors[err] ? insn_errors[err]
								   : "unknown VM-instruction error";
}

const char *vmx_exit_name(u64 raw)
{
	u32 reason = (u32)raw;

	if (raw & VMX_RAW_VMFAIL_INVALID)
		return "VMfailInvalid: no valid current VMCS";
	if (raw & VMX_RAW_VMFAIL_VALID)
		return vmx_insn_error_name(reason);
	if ((reason & 0xffff) == EXIT_REASON_INVALID_GUEST) {
		u32 cause = (u32)(raw >> VMX_RAW_CAUSE_SHIFT) & 0xff;

		return guest_causes[cause < CAUSE_MAX ? cause : CAUSE_UNKNOWN];
	}
	reason &= 0xffff;
	return reason < V3_ARRAY_SIZE(exit_names) && exit_names[reason] ? exit_names[reason]
									: "unknown exit reason";
}

/* ---- failed entries ---- */

static void log_seg(const char *vm, const char *name, unsigned int i)
{
	v3_err("vm %s:   %-4s sel 0x%04lx base 0x%lx limit 0x%lx access rights 0x%lx", vm, name,
	       vmcs_read(VMCS_GUEST_ES_SEL + 2 * i), vmcs_read(VMCS_GUEST_ES_BASE + 2 * i),
	       vmcs_read(VMCS_GUEST_ES_LIMIT + 2 * i), vmcs_read(VMCS_GUEST_ES_AR + 2 * i));
}

static void log_guest_state(const struct v3_vcpu *vcpu)
{
	static const char *const names[] = { "ES", "CS", "SS", "DS", "FS", "GS", "LDTR", "TR" };
	const char *vm = vcpu->vm->name;

	v3_err("vm %s: vcpu %u guest state: CR0 0x%lx (shadow 0x%lx) CR3 0x%lx CR4 0x%lx "
	       "(shadow 0x%lx) EFER 0x%lx", vm, vcpu->id, vmcs_read(VMCS_GUEST_CR0),
	       vmcs_read(VMCS_CR0_SHADOW), vmcs_read(VMCS_GUEST_CR3), vmcs_read(VMCS_GUEST_CR4),
	       vmcs_read(VMCS_CR4_SHADOW), vmcs_read(VMCS_GUEST_EFER));
	v3_err("vm %s:   RIP 0x%lx RSP 0x%lx RFLAGS 0x%lx interruptibility 0x%lx activity %lu "
	       "entry controls 0x%lx", vm, vmcs_read(VMCS_GUEST_RIP), vmcs_read(VMCS_GUEST_RSP),
	       vmcs_read(VMCS_GUEST_RFLAGS), vmcs_read(VMCS_GUEST_INTERRUPTIBILITY),
	       vmcs_read(VMCS_GUEST_ACTIVITY), vmcs_read(VMCS_ENTRY_CTLS));
	for (unsigned int i = 0; i < V3_ARRAY_SIZE(names); i++)
		log_seg(vm, names[i], i);
	v3_err("vm %s:   GDTR base 0x%lx limit 0x%lx IDTR base 0x%lx limit 0x%lx", vm,
	       vmcs_read(VMCS_GUEST_GDTR_BASE), vmcs_read(VMCS_GUEST_GDTR_LIMIT),
	       vmcs_read(VMCS_GUEST_IDTR_BASE), vmcs_read(VMCS_GUEST_IDTR_LIMIT));
}

/* Segment limit and G agree (§27.3.1.2): low 12 bits all 1 if G, high 12 bits 0 if not. */
static bool limit_ok(u32 limit, u32 ar)
{
	if ((limit & 0xfff) != 0xfff && (ar & (1u << 15)))
		return false;
	if ((limit & 0xfff00000) && !(ar & (1u << 15)))
		return false;
	return true;
}

static u32 seg_ar(unsigned int i)
{
	return (u32)vmcs_read(VMCS_GUEST_ES_AR + 2 * i);
}

static bool seg_present_ok(unsigned int i)
{
	u32 ar = seg_ar(i);

	return (ar & (1u << 4)) && (ar & (1u << 7)) &&
	       limit_ok((u32)vmcs_read(VMCS_GUEST_ES_LIMIT + 2 * i), ar);
}

/*
 * A few of the VM-entry checks on the guest state (§27.3.1), the ones a VMM
 * bug most likely breaks; CAUSE_UNKNOWN when none of them fails.
 */
static enum guest_cause check_guest_state(void)
{
	const struct vmx_features *v = &v3_core()->features.vmx;
	u64 cr0 = vmcs_read(VMCS_GUEST_CR0), cr4 = vmcs_read(VMCS_GUEST_CR4);
	u64 efer = vmcs_read(VMCS_GUEST_EFER), rflags = vmcs_read(VMCS_GUEST_RFLAGS);
	bool ia32e = vmcs_read(VMCS_ENTRY_CTLS) & ENTRY_IA32E_GUEST;
	u32 cs = seg_ar(V3_SEG_CS), ss = seg_ar(V3_SEG_SS), tr = seg_ar(7), ldtr = seg_ar(6);
	u32 cs_type = cs & 0xf;

	if ((~cr0 & v->cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG)) || (cr0 & ~v->cr0_fixed1) ||
	    ((cr0 & X86_CR0_PG) && !(cr0 & X86_CR0_PE)))
		return CAUSE_CR0;
	if ((~cr4 & v->cr4_fixed0) || (cr4 & ~v->cr4_fixed1))
		return CAUSE_CR4;
	if (!!(efer & X86_EFER_LMA) != ia32e ||
	    ((cr0 & X86_CR0_PG) && !!(efer & X86_EFER_LME) != !!(efer & X86_EFER_LMA)))
		return CAUSE_EFER;
	if ((rflags & 0xffffffffffc08028UL) || !(rflags & 2))
		return CAUSE_RFLAGS;
	if ((cs & VMX_AR_UNUSABLE) || !seg_present_ok(V3_SEG_CS) ||
	    !(cs_type == 9 || cs_type == 11 || cs_type == 13 || cs_type == 15 || cs_type == 3))
		return CAUSE_CS;
	if (!(ss & VMX_AR_UNUSABLE)) {
		if (!seg_present_ok(V3_SEG_SS) || ((ss & 0xf) != 3 && (ss & 0xf) != 7) ||
		    (!(cr0 & X86_CR0_PE) && (ss & 0x60)))
			return CAUSE_SS;
		if ((cs_type == 9 || cs_type == 11) && (cs & 0x60) != (ss & 0x60))
			return CAUSE_CS_SS_DPL;
	}
	for (unsigned int i = 0; i < V3_SEG_MAX; i++) {
		u32 ar = seg_ar(i);

		if (i == V3_SEG_CS || i == V3_SEG_SS || (ar & VMX_AR_UNUSABLE))
			continue;
		if (!seg_present_ok(i) || !(ar & 1) || ((ar & 8) && !(ar & 2)))
			return CAUSE_DATA_SEG;
	}
	if ((tr & VMX_AR_UNUSABLE) || (tr & (1u << 4)) || !(tr & (1u << 7)) ||
	    !((tr & 0xf) == 11 || ((tr & 0xf) == 3 && !ia32e)))
		return CAUSE_TR;
	if (!(ldtr & VMX_AR_UNUSABLE) && ((ldtr & 0xf) != 2 || (ldtr & (1u << 4)) ||
					  !(ldtr & (1u << 7))))
		return CAUSE_LDTR;
	if (vmcs_read(VMCS_GUEST_GDTR_LIMIT) > 0xffff || vmcs_read(VMCS_GUEST_IDTR_LIMIT) > 0xffff)
		return CAUSE_DESC_TABLES;
	return CAUSE_UNKNOWN;
}

static void entry_failed(struct v3_vcpu *vcpu, u32 reason, u64 qual)
{
	struct v3_exit *e = &vcpu->exit;
	const char *vm = vcpu->vm->name;

	e->kind = V3_EXIT_ENTRY_FAILED;
	switch (reason & 0xffff) {
	case EXIT_REASON_INVALID_GUEST: {
		enum guest_cause cause = check_guest_state();

		e->raw_code |= (u64)cause << VMX_RAW_CAUSE_SHIFT;
		v3_err("vm %s: vcpu %u: %s", vm, vcpu->id, guest_causes[cause]);
		log_guest_state(vcpu);
		break;
	}
	case EXIT_REASON_MSR_LOADING: {
		/* The qualification is the 1-based index of the entry that failed. */
		const struct vmx_vcpu *s = vcpu->arch;

		v3_err("vm %s: vcpu %u: VM entry could not load MSR entry %lu (MSR 0x%x)", vm,
		       vcpu->id, qual,
		       qual >= 1 && qual <= VMX_SWITCHED_MSRS ? s->guest_msrs[qual - 1].index : 0);
		break;
	}
	default:
		v3_err("vm %s: vcpu %u: %s (exit reason 0x%x)", vm, vcpu->id,
		       vmx_exit_name(reason), reason);
		log_guest_state(vcpu);
		break;
	}
}

static void log_controls(const struct v3_vcpu *vcpu)
{
	v3_err("vm %s:   controls: pin 0x%lx proc 0x%lx proc2 0x%lx exit 0x%lx entry 0x%lx "
	       "entry interruption 0x%lx", vcpu->vm->name, vmcs_read(VMCS_PIN_CTLS),
	       vmcs_read(VMCS_PROC_CTLS), vmcs_read(VMCS_PROC_CTLS2), vmcs_read(VMCS_EXIT_CTLS),
	       vmcs_read(VMCS_ENTRY_CTLS), vmcs_read(VMCS_ENTRY_INTR_INFO));
}

static void log_host_state(const struct v3_vcpu *vcpu)
{
	v3_err("vm %s:   host: CR0 0x%lx CR3 0x%lx CR4 0x%lx EFER 0x%lx CS 0x%lx SS 0x%lx "
	       "TR 0x%lx RIP 0x%lx RSP 0x%lx", vcpu->vm->name, vmcs_read(VMCS_HOST_CR0),
	       vmcs_read(VMCS_HOST_CR3), vmcs_read(VMCS_HOST_CR4), vmcs_read(VMCS_HOST_EFER),
	       vmcs_read(VMCS_HOST_CS_SEL), vmcs_read(VMCS_HOST_SS_SEL),
	       vmcs_read(VMCS_HOST_TR_SEL), vmcs_read(VMCS_HOST_RIP), vmcs_read(VMCS_HOST_RSP));
}

void vmx_decode_vmfail(struct v3_vcpu *vcpu, int rc)
{
	struct v3_exit *e = &vcpu->exit;

	*e = (struct v3_exit){ .kind = V3_EXIT_ENTRY_FAILED };
	if (rc == VMX_ENTER_FAIL_INVALID) {
		e->raw_code = VMX_RAW_VMFAIL_INVALID;
		v3_err("vm %s: vcpu %u: VMLAUNCH/VMRESUME failed: %s", vcpu->vm->name, vcpu->id,
		       vmx_exit_name(e->raw_code));
		return;
	}
	e->raw_code = VMX_RAW_VMFAIL_VALID | (u32)vmcs_read(VMCS_INSN_ERROR);
	v3_err("vm %s: vcpu %u: VMLAUNCH/VMRESUME failed with VM-instruction error %u: %s",
	       vcpu->vm->name, vcpu->id, (u32)e->raw_code, vmx_exit_name(e->raw_code));
	log_controls(vcpu);
	log_host_state(vcpu);
	log_guest_state(vcpu);
}

/* ---- I/O ---- */

/*
 * String I/O without the instruction-information field: the address size
 * and OUTS segment from the instruction's prefixes and the CPU mode.
 */
static void decode_string_io(struct v3_vcpu *vcpu, struct v3_exit *e)
{
	u32 cs_ar = (u32)vmcs_read(VMCS_GUEST_ES_AR + 2 * V3_SEG_CS);
	bool long64 = (vcpu->s.efer & X86_EFER_LMA) && (cs_ar & (1u << 13));
	u8 size = long64 ? 8 : ((vcpu->s.cr0 & X86_CR0_PE) && (cs_ar & (1u << 14))) ? 4 : 2;
	u8 b[15];
	int n = v3_vcpu_fetch_insn(vcpu, b, sizeof(b));

	e->io.seg = V3_SEG_DS;
	for (int i = 0; i < n; i++) {
		switch (b[i]) {
		case 0x26: e->io.seg = V3_SEG_ES; continue;
		case 0x2e: e->io.seg = V3_SEG_CS; continue;
		case 0x36: e->io.seg = V3_SEG_SS; continue;
		case 0x3e: e->io.seg = V3_SEG_DS; continue;
		case 0x64: e->io.seg = V3_SEG_FS; continue;
		case 0x65: e->io.seg = V3_SEG_GS; continue;
		case 0x67: size = long64 ? 4 : (size == 4 ? 2 : 4); continue;
		case 0x66: case 0xf2: case 0xf3: case 0xf0: continue;
		default:
			if (long64 && (b[i] & 0xf0) == 0x40)
				continue;  /* REX */
			break;
		}
		break;
	}
	e->io.addr_size = size;
}

static void decode_io(struct v3_vcpu *vcpu, struct v3_exit *e, u64 q)
{
	e->kind = V3_EXIT_IO;
	e->io.port = (u16)(q >> IO_QUAL_PORT_SHIFT);
	e->io.size = (u8)((q & IO_QUAL_SIZE_MASK) + 1);
	e->io.in = q & IO_QUAL_IN;
	e->io.string = q & IO_QUAL_STRING;
	e->io.rep = q & IO_QUAL_REP;
	if (!e->io.string)
		return;
	if (v3_core()->features.vmx.basic & VMX_BASIC_INOUT_INFO) {
		u32 info = (u32)vmcs_read(VMCS_EXIT_INSN_INFO);

		e->io.addr_size = (u8)(2u << ((info >> 7) & 7));
		e->io.seg = e->io.in ? V3_SEG_ES : (u8)((info >> 15) & 7);
	} else {
		decode_string_io(vcpu, e);
	}
}

/* ---- control registers the backend owns bits of ---- */

static bool paging_pae(const struct v3_vcpu *vcpu)
{
	return (vcpu->s.cr0 & X86_CR0_PG) && (vcpu->s.cr4 & X86_CR4_PAE) &&
	       !(vcpu->s.efer & X86_EFER_LMA);
}

int vmx_load_pdptes(struct v3_vcpu *vcpu)
{
	u64 pdpte[4];

	if (!paging_pae(vcpu))
		return 0;
	if (v3_gpa_read(vcpu->vm, vcpu->s.cr3 & 0xffffffe0UL, pdpte, sizeof(pdpte)))
		return -V3_EFAULT;
	for (unsigned int i = 0; i < 4; i++)
		vmcs_write(VMCS_GUEST_PDPTE0 + 2 * i, pdpte[i]);
	return 0;
}

static bool set_cr0(struct v3_vcpu *vcpu, u64 val)
{
	u64 old = vcpu->s.cr0;

	val |= X86_CR0_ET;
	if ((val >> 32) || ((val & X86_CR0_PG) && !(val & X86_CR0_PE)) ||
	    ((val & X86_CR0_NW) && !(val & X86_CR0_CD)))
		return false;
	/* Paging on with EFER.LME activates long mode (SDM Vol. 3A §10.8.5). */
	if (!(old & X86_CR0_PG) && (val & X86_CR0_PG) && (vcpu->s.efer & X86_EFER_LME)) {
		if (!(vcpu->s.cr4 & X86_CR4_PAE))
			return false;
		vcpu->s.efer |= X86_EFER_LMA;
	}
	if ((old & X86_CR0_PG) && !(val & X86_CR0_PG))
		vcpu->s.efer &= ~X86_EFER_LMA;
	vcpu->s.cr0 = val;
	return vmx_load_pdptes(vcpu) == 0;
}

static bool set_cr4(struct v3_vcpu *vcpu, u64 val)
{
	const struct vmx_features *v = &v3_core()->features.vmx;

	/* VMXE: the guest has no VMX (CPUID hides it); other bits: the CPU lacks them. */
	if ((val & ~v->cr4_fixed1) || (val & X86_CR4_VMXE))
		return false;
	if ((vcpu->s.efer & X86_EFER_LMA) && !(val & X86_CR4_PAE))
		return false;
	vcpu->s.cr4 = val;
	return vmx_load_pdptes(vcpu) == 0;
}

/*
 * MOV to/from CR (§28.2.1, Table 28-3). CR0/CR4 writes exit when they change
 * a bit the host owns; CR3 accesses exit only on CPUs that force CR3
 * exiting. Emulated here; anything else is left to the core.
 */
static void cr_access(struct v3_vcpu *vcpu, struct v3_exit *e, u64 q)
{
	u64 *gprs = (u64 *)&vcpu->s.gprs;
	unsigned int cr = q & 0xf, type = (q >> 4) & 3, reg = (q >> 8) & 0xf;
	u32 cs_ar = (u32)vmcs_read(VMCS_GUEST_ES_AR + 2 * V3_SEG_CS);
	bool long64 = (vcpu->s.efer & X86_EFER_LMA) && (cs_ar & (1u << 13));
	u64 val = long64 ? gprs[reg] : (u32)gprs[reg];
	bool ok = true;

	e->kind = V3_EXIT_CR_ACCESS;
	/* Under shadow paging every CR access exits and the core executes it (shadow_cr.c). */
	if (vcpu->vm->shadow)
		return;
	if (type == 0 && cr == 0)
		ok = set_cr0(vcpu, val);
	else if (type == 0 && cr == 4)
		ok = set_cr4(vcpu, val);
	else if (type == 0 && cr == 3)
		vcpu->s.cr3 = (vcpu->s.cr4 & (1UL << 17)) ? val & ~(1UL << 63) : val;
	else if (type == 1 && cr == 3)
		gprs[reg] = long64 ? vcpu->s.cr3 : (u32)vcpu->s.cr3;
	else if (type == 2)
		vcpu->s.cr0 &= ~(1UL << 3);  /* CLTS */
	else if (type == 3)  /* LMSW: PE can be set, not cleared */
		ok = set_cr0(vcpu, (vcpu->s.cr0 & ~0xeUL) | ((q >> 16) & 0xf));
	else
		return;  /* CR8: not emulated here */
	if (type == 0 && cr == 3 && vmx_load_pdptes(vcpu))
		ok = false;
	e->kind = V3_EXIT_NONE;
	if (!ok) {
		v3_inject_exception(vcpu, EXC_GP, true, 0);
		return;
	}
	vcpu->s.rip += e->insn_len;
	if (!long64)
		vcpu->s.rip &= 0xffffffffUL;
}

/* ---- XSETBV ---- */

#define XCR0_X87 (1ULL << 0)
#define XCR0_SSE (1ULL << 1)
#define XCR0_AVX (1ULL << 2)
#define XCR0_BNDREGS (1ULL << 3)
#define XCR0_BNDCSR (1ULL << 4)
#define XCR0_AVX512 (7ULL << 5)  /* opmask, ZMM_Hi256, Hi16_ZMM */
#define CR4_OSXSAVE (1UL << 18)

/*
 * XSETBV always exits under VT-x (§26.1.2); CR4.OSXSAVE = 0 (#UD) and CPL > 0
 * (#GP) are checked by the CPU before the exit. The value is checked as the
 * CPU would (Vol. 1 §13.3, XSETBV in Vol. 2D) against what the host supports
 * (CPUID.(EAX=0DH,ECX=0), which the guest sees unfiltered) and loaded into
 * the CPU's XCR0, which VM entries and exits do not switch: as under AMD-V,
 * where the guest executes XSETBV itself. The host does not use the extended
 * state (it is built with general registers only), so it needs no XCR0 of
 * its own; it may lack CR4.OSXSAVE, which XSETBV needs, so that is set for
 * the instruction only.
 */
static void xsetbv_exit(struct v3_vcpu *vcpu, struct v3_exit *e)
{
	u32 index = (u32)vcpu->s.gprs.rcx;
	u64 val = ((u64)(u32)vcpu->s.gprs.rdx << 32) | (u32)vcpu->s.gprs.rax;
	struct x86_cpuid d;
	u64 supported, cr4;
	bool irq;

	e->kind = V3_EXIT_NONE;
	x86_cpuid(0xd, 0, &d);
	supported = ((u64)d.edx << 32) | d.eax;
	if (index != 0 || !(val & XCR0_X87) || (val & ~supported) ||
	    ((val & XCR0_AVX) && !(val & XCR0_SSE)) ||
	    !!(val & XCR0_BNDREGS) != !!(val & XCR0_BNDCSR) ||
	    ((val & XCR0_AVX512) && ((val & XCR0_AVX512) != XCR0_AVX512 || !(val & XCR0_AVX)))) {
		v3_inject_exception(vcpu, EXC_GP, true, 0);
		return;
	}
	irq = x86_irq_save();
	cr4 = x86_read_cr4();
	if (!(cr4 & CR4_OSXSAVE))
		x86_write_cr4(cr4 | CR4_OSXSAVE);
	__asm__ volatile("xsetbv" : : "c"(0), "a"((u32)val), "d"((u32)(val >> 32)) : "memory");
	if (!(cr4 & CR4_OSXSAVE))
		x86_write_cr4(cr4);
	x86_irq_restore(irq);
	vcpu->s.rip += e->insn_len;
	if (!(vcpu->s.efer & X86_EFER_LMA) ||
	    !((u32)vmcs_read(VMCS_GUEST_ES_AR + 2 * V3_SEG_CS) & (1u << 13)))
		vcpu->s.rip &= 0xffffffffUL;
}

/* ---- the exit ---- */

static void exception_exit(struct v3_vcpu *vcpu, struct v3_exit *e, u64 q)
{
	u32 info = (u32)vmcs_read(VMCS_EXIT_INTR_INFO);

	e->raw_info2 = info;
	if ((info & INTR_TYPE_MASK) == INTR_TYPE_NMI) {
		e->kind = V3_EXIT_NMI;
		return;
	}
	e->kind = V3_EXIT_EXCEPTION;
	e->exc.vector = (u8)(info & INTR_INFO_VECTOR);
	e->exc.has_error = info & INTR_INFO_ERROR_VALID;
	e->exc.error = e->exc.has_error ? (u32)vmcs_read(VMCS_EXIT_INTR_ERROR) : 0;
	if (e->exc.vector == EXC_PF)
		e->exc.cr2 = q;
}

static void ept_misconfig(struct v3_vcpu *vcpu, struct v3_exit *e)
{
	const struct vmx_vm *x = vcpu->vm->arch_data;
	u64 gpa = vmcs_read(VMCS_GUEST_PHYS_ADDR), hpa = 0, entry = 0;
	unsigned int level = 0;

	e->raw_info2 = gpa;
	v3_nested_lookup(&x->ept, gpa, &hpa, &level, &entry);
	v3_vcpu_stop_vm(vcpu, V3_STOP_ERROR, 0,
			"EPT misconfiguration at guest-physical 0x%lx (level-%u entry 0x%lx): a "
			"VMM bug", gpa, level, entry);
	e->kind = V3_EXIT_NONE;
}

/* Exits caused by an instruction: the instruction-length field is valid (§28.2.5). */
static bool insn_exit(u32 basic)
{
	switch (basic) {
	case EXIT_REASON_CPUID: case EXIT_REASON_HLT: case EXIT_REASON_INVLPG:
	case EXIT_REASON_VMCALL: case EXIT_REASON_CR_ACCESS: case EXIT_REASON_IO:
	case EXIT_REASON_RDMSR: case EXIT_REASON_WRMSR:
	case 11: case 13: case 15: case 16: case 17: case 19: case 20: case 21: case 22:
	case 23: case 24: case 25: case 26: case 27: case 29: case 36: case 39: case 40:
	case 46: case 47: case 50: case 51: case 53: case 54: case 55: case 57: case 58:
	case 59: case 61: case 63: case 64:
		return true;
	}
	return false;
}

void vmx_decode_exit(struct v3_vcpu *vcpu, u32 reason)
{
	struct v3_exit *e = &vcpu->exit;
	u32 basic = reason & 0xffff;
	u64 q = vmcs_read(VMCS_EXIT_QUAL);

	*e = (struct v3_exit){ .raw_code = reason, .raw_info1 = q };
	if (reason & EXIT_REASON_ENTRY_FAILED) {
		entry_failed(vcpu, reason, q);
		return;
	}
	if (insn_exit(basic)) {
		u64 len = vmcs_read(VMCS_EXIT_INSN_LEN);

		if (len >= 1 && len <= 15)
			e->insn_len = (u8)len;
	}
	switch (basic) {
	case EXIT_REASON_EXCEPTION_NMI:
		exception_exit(vcpu, e, q);
		break;
	case EXIT_REASON_EXT_INTR:
		e->kind = V3_EXIT_INTR;
		break;
	case EXIT_REASON_TRIPLE_FAULT:
		e->kind = V3_EXIT_SHUTDOWN;
		break;
	case EXIT_REASON_INIT:
		e->kind = V3_EXIT_INIT;
		break;
	case EXIT_REASON_SIPI:
		e->kind = V3_EXIT_SIPI;
		e->raw_info2 = q & 0xff;  /* the start-up vector */
		break;
	case EXIT_REASON_INTR_WINDOW:
		e->kind = V3_EXIT_INTR_WINDOW;
		break;
	case EXIT_REASON_CPUID:
		e->kind = V3_EXIT_CPUID;
		break;
	case EXIT_REASON_HLT:
		e->kind = V3_EXIT_HLT;
		break;
	case EXIT_REASON_INVLPG:
		e->kind = V3_EXIT_INVLPG;
		e->raw_info2 = q;  /* the linear address */
		break;
	case EXIT_REASON_VMCALL:
		e->kind = V3_EXIT_HYPERCALL;
		break;
	case EXIT_REASON_CR_ACCESS:
		cr_access(vcpu, e, q);
		break;
	case EXIT_REASON_IO:
		decode_io(vcpu, e, q);
		break;
	case EXIT_REASON_RDMSR:
	case EXIT_REASON_WRMSR:
		e->kind = basic == EXIT_REASON_RDMSR ? V3_EXIT_MSR_READ : V3_EXIT_MSR_WRITE;
		e->msr.index = (u32)vcpu->s.gprs.rcx;
		break;
	case EXIT_REASON_EPT_VIOLATION:
		e->kind = V3_EXIT_NPF;
		e->npf.gpa = e->raw_info2 = vmcs_read(VMCS_GUEST_PHYS_ADDR);
		e->npf.access = ((q & EPT_QUAL_PERMS) ? V3_NPF_PRESENT : 0) |
				((q & EPT_QUAL_WRITE) ? V3_NPF_WRITE : 0) |
				((q & EPT_QUAL_FETCH) ? V3_NPF_FETCH : 0);
		break;
	case EXIT_REASON_EPT_MISCONFIG:
		ept_misconfig(vcpu, e);
		break;
	case EXIT_REASON_PREEMPTION_TIMER:
		e->kind = V3_EXIT_PREEMPT_TIMER;
		break;
	case EXIT_REASON_XSETBV:
		xsetbv_exit(vcpu, e);
		break;
	default:
		e->kind = V3_EXIT_UNKNOWN;
		break;
	}
}
