/* SPDX-License-Identifier: MIT */
/*
 * The VMCS as the VT-x backend uses it: field encodings (Intel SDM Vol. 3D
 * Appendix B), control bits (Vol. 3C §25.6-25.8, "VM-execution, VM-exit and
 * VM-entry control fields"), exit reasons (Vol. 3D Appendix C), exit
 * qualifications (Vol. 3C §28.2.1) and the EPT entry format (Vol. 3C §29.3.2).
 * VMREAD/VMWRITE act on the current VMCS of the calling CPU.
 */
#ifndef VMX_VMCS_H
#define VMX_VMCS_H

#include <v3/types.h>

/* ---- 16-bit fields (B.1) ---- */
#define VMCS_VPID 0x0000
#define VMCS_GUEST_ES_SEL 0x0800 /* ES, CS, SS, DS, FS, GS, LDTR, TR: + 2 each */
#define VMCS_GUEST_LDTR_SEL 0x080c
#define VMCS_GUEST_TR_SEL 0x080e
#define VMCS_HOST_ES_SEL 0x0c00
#define VMCS_HOST_CS_SEL 0x0c02
#define VMCS_HOST_SS_SEL 0x0c04
#define VMCS_HOST_DS_SEL 0x0c06
#define VMCS_HOST_FS_SEL 0x0c08
#define VMCS_HOST_GS_SEL 0x0c0a
#define VMCS_HOST_TR_SEL 0x0c0c

/* ---- 64-bit fields (B.2) ---- */
#define VMCS_IO_BITMAP_A 0x2000
#define VMCS_IO_BITMAP_B 0x2002
#define VMCS_MSR_BITMAP 0x2004
#define VMCS_EXIT_MSR_STORE_ADDR 0x2006
#define VMCS_EXIT_MSR_LOAD_ADDR 0x2008
#define VMCS_ENTRY_MSR_LOAD_ADDR 0x200a
#define VMCS_TSC_OFFSET 0x2010
#define VMCS_EPTP 0x201a
#define VMCS_XSS_EXIT_BITMAP 0x202c
#define VMCS_GUEST_PHYS_ADDR 0x2400 /* read-only */
#define VMCS_LINK_POINTER 0x2800
#define VMCS_GUEST_DEBUGCTL 0x2802
#define VMCS_GUEST_PAT 0x2804
#define VMCS_GUEST_EFER 0x2806
#define VMCS_GUEST_PDPTE0 0x280a /* PDPTE0..3: + 2 each */
#define VMCS_HOST_PAT 0x2c00
#define VMCS_HOST_EFER 0x2c02

/* ---- 32-bit fields (B.3) ---- */
#define VMCS_PIN_CTLS 0x4000
#define VMCS_PROC_CTLS 0x4002
#define VMCS_EXCEPTION_BITMAP 0x4004
#define VMCS_PF_ERROR_MASK 0x4006
#define VMCS_PF_ERROR_MATCH 0x4008
#define VMCS_CR3_TARGET_COUNT 0x400a
#define VMCS_EXIT_CTLS 0x400c
#define VMCS_EXIT_MSR_STORE_COUNT 0x400e
#define VMCS_EXIT_MSR_LOAD_COUNT 0x4010
#define VMCS_ENTRY_CTLS 0x4012
#define VMCS_ENTRY_MSR_LOAD_COUNT 0x4014
#define VMCS_ENTRY_INTR_INFO 0x4016
#define VMCS_ENTRY_EXC_ERROR 0x4018
#define VMCS_ENTRY_INSN_LEN 0x401a
#define VMCS_TPR_THRESHOLD 0x401c
#define VMCS_PROC_CTLS2 0x401e
#define VMCS_INSN_ERROR 0x4400 /* read-only from here ... */
#define VMCS_EXIT_REASON 0x4402
#define VMCS_EXIT_INTR_INFO 0x4404
#define VMCS_EXIT_INTR_ERROR 0x4406
#define VMCS_IDT_VEC_INFO 0x4408
#define VMCS_IDT_VEC_ERROR 0x440a
#define VMCS_EXIT_INSN_LEN 0x440c
#define VMCS_EXIT_INSN_INFO 0x440e /* ... to here */
#define VMCS_GUEST_ES_LIMIT 0x4800 /* ES..TR: + 2 each */
#define VMCS_GUEST_LDTR_LIMIT 0x480c
#define VMCS_GUEST_TR_LIMIT 0x480e
#define VMCS_GUEST_GDTR_LIMIT 0x4810
#define VMCS_GUEST_IDTR_LIMIT 0x4812
#define VMCS_GUEST_ES_AR 0x4814 /* ES..TR: + 2 each */
#define VMCS_GUEST_LDTR_AR 0x4820
#define VMCS_GUEST_TR_AR 0x4822
#define VMCS_GUEST_INTERRUPTIBILITY 0x4824
#define VMCS_GUEST_ACTIVITY 0x4826
#define VMCS_GUEST_SYSENTER_CS 0x482a
#define VMCS_PREEMPTION_TIMER 0x482e
#define VMCS_HOST_SYSENTER_CS 0x4c00

/* ---- natural-width fields (B.4) ---- */
#define VMCS_CR0_MASK 0x6000
#define VMCS_CR4_MASK 0x6002
#define VMCS_CR0_SHADOW 0x6004
#define VMCS_CR4_SHADOW 0x6006
#define VMCS_EXIT_QUAL 0x6400 /* read-only */
#define VMCS_GUEST_LINEAR_ADDR 0x640a /* read-only */
#define VMCS_GUEST_CR0 0x6800
#define VMCS_GUEST_CR3 0x6802
#define VMCS_GUEST_CR4 0x6804
#define VMCS_GUEST_ES_BASE 0x6806 /* ES..TR: + 2 each */
#define VMCS_GUEST_LDTR_BASE 0x6812
#define VMCS_GUEST_TR_BASE 0x6814
#define VMCS_GUEST_GDTR_BASE 0x6816
#define VMCS_GUEST_IDTR_BASE 0x6818
#define VMCS_GUEST_DR7 0x681a
#define VMCS_GUEST_RSP 0x681c
#define VMCS_GUEST_RIP 0x681e
#define VMCS_GUEST_RFLAGS 0x6820
#define VMCS_GUEST_PENDING_DBG 0x6822
#define VMCS_GUEST_SYSENTER_ESP 0x6824
#define VMCS_GUEST_SYSENTER_EIP 0x6826
#define VMCS_HOST_CR0 0x6c00
#define VMCS_HOST_CR3 0x6c02
#define VMCS_HOST_CR4 0x6c04
#define VMCS_HOST_FS_BASE 0x6c06
#define VMCS_HOST_GS_BASE 0x6c08
#define VMCS_HOST_TR_BASE 0x6c0a
#define VMCS_HOST_GDTR_BASE 0x6c0c
#define VMCS_HOST_IDTR_BASE 0x6c0e
#define VMCS_HOST_SYSENTER_ESP 0x6c10
#define VMCS_HOST_SYSENTER_EIP 0x6c12
#define VMCS_HOST_RSP 0x6c14
#define VMCS_HOST_RIP 0x6c16

/* ---- pin-based VM-execution controls (§25.6.1) ---- */
#define PIN_EXT_INTR_EXIT (1u << 0)
#define PIN_NMI_EXIT (1u << 3)
#define PIN_VIRTUAL_NMIS (1u << 5)
#define PIN_PREEMPTION_TIMER (1u << 6)

/* ---- primary processor-based VM-execution controls (§25.6.2) ---- */
#define PROC_INTR_WINDOW_EXIT (1u << 2)
#define PROC_TSC_OFFSET (1u << 3)
#define PROC_HLT_EXIT (1u << 7)
#define PROC_INVLPG_EXIT (1u << 9)
#define PROC_MWAIT_EXIT (1u << 10)
#define PROC_RDPMC_EXIT (1u << 11)
#define PROC_RDTSC_EXIT (1u << 12)
#define PROC_CR3_LOAD_EXIT (1u << 15)
#define PROC_CR3_STORE_EXIT (1u << 16)
#define PROC_CR8_LOAD_EXIT (1u << 19)
#define PROC_CR8_STORE_EXIT (1u << 20)
#define PROC_TPR_SHADOW (1u << 21)
#define PROC_NMI_WINDOW_EXIT (1u << 22)
#define PROC_MOV_DR_EXIT (1u << 23)
#define PROC_UNCOND_IO_EXIT (1u << 24)
#define PROC_IO_BITMAPS (1u << 25)
#define PROC_MTF (1u << 27)
#define PROC_MSR_BITMAPS (1u << 28)
#define PROC_MONITOR_EXIT (1u << 29)
#define PROC_PAUSE_EXIT (1u << 30)
#define PROC_SECONDARY (1u << 31)

/* ---- secondary processor-based VM-execution controls (§25.6.2) ---- */
#define PROC2_VIRT_APIC (1u << 0)
#define PROC2_EPT (1u << 1)
#define PROC2_DESC_TABLE_EXIT (1u << 2)
#define PROC2_RDTSCP (1u << 3)
#define PROC2_VIRT_X2APIC (1u << 4)
#define PROC2_VPID (1u << 5)
#define PROC2_WBINVD_EXIT (1u << 6)
#define PROC2_UNRESTRICTED (1u << 7)
#define PROC2_INVPCID (1u << 12)
#define PROC2_XSAVES (1u << 20)

/* ---- VM-exit controls (§25.7.1) ---- */
#define EXIT_SAVE_DEBUG (1u << 2)
#define EXIT_HOST_64 (1u << 9)
#define EXIT_LOAD_PERF_GLOBAL (1u << 12)
#define EXIT_ACK_INTR (1u << 15)
#define EXIT_SAVE_PAT (1u << 18)
#define EXIT_LOAD_PAT (1u << 19)
#define EXIT_SAVE_EFER (1u << 20)
#define EXIT_LOAD_EFER (1u << 21)
#define EXIT_SAVE_PREEMPTION (1u << 22)

/* ---- VM-entry controls (§25.8.1) ---- */
#define ENTRY_LOAD_DEBUG (1u << 2)
#define ENTRY_IA32E_GUEST (1u << 9)
#define ENTRY_SMM (1u << 10)
#define ENTRY_LOAD_PERF_GLOBAL (1u << 13)
#define ENTRY_LOAD_PAT (1u << 14)
#define ENTRY_LOAD_EFER (1u << 15)

/* ---- interruption information (§25.8.3, §28.2.2, §28.2.4) ---- */
#define INTR_INFO_VECTOR 0xffu
#define INTR_INFO_TYPE_SHIFT 8
#define INTR_TYPE_EXT_INTR (0u << 8)
#define INTR_TYPE_NMI (2u << 8)
#define INTR_TYPE_HW_EXC (3u << 8)
#define INTR_TYPE_SW_INTR (4u << 8)
#define INTR_TYPE_PRIV_SW_EXC (5u << 8)
#define INTR_TYPE_SW_EXC (6u << 8)
#define INTR_TYPE_MASK (7u << 8)
#define INTR_INFO_ERROR_VALID (1u << 11)
#define INTR_INFO_NMI_UNBLOCK (1u << 12)
#define INTR_INFO_VALID (1u << 31)

/* Guest interruptibility state (§25.4.2, Table 25-3). */
#define INTERRUPTIBILITY_STI (1u << 0)
#define INTERRUPTIBILITY_MOV_SS (1u << 1)

/* Access rights as the VMCS holds them (§25.4.1, Table 25-2). */
#define VMX_AR_UNUSABLE (1u << 16)

/* ---- basic exit reasons (Appendix C) ---- */
#define EXIT_REASON_EXCEPTION_NMI 0
#define EXIT_REASON_EXT_INTR 1
#define EXIT_REASON_TRIPLE_FAULT 2
#define EXIT_REASON_INIT 3
#define EXIT_REASON_SIPI 4
#define EXIT_REASON_INTR_WINDOW 7
#define EXIT_REASON_NMI_WINDOW 8
#define EXIT_REASON_TASK_SWITCH 9
#define EXIT_REASON_CPUID 10
#define EXIT_REASON_HLT 12
#define EXIT_REASON_INVLPG 14
#define EXIT_REASON_VMCALL 18
#define EXIT_REASON_CR_ACCESS 28
#define EXIT_REASON_IO 30
#define EXIT_REASON_RDMSR 31
#define EXIT_REASON_WRMSR 32
#define EXIT_REASON_INVALID_GUEST 33
#define EXIT_REASON_MSR_LOADING 34
#define EXIT_REASON_MACHINE_CHECK 41
#define EXIT_REASON_EPT_VIOLATION 48
#define EXIT_REASON_EPT_MISCONFIG 49
#define EXIT_REASON_PREEMPTION_TIMER 52
#define EXIT_REASON_XSETBV 55
#define EXIT_REASON_ENTRY_FAILED (1u << 31)

/* I/O exit qualification (§28.2.1, Table 28-5). */
#define IO_QUAL_SIZE_MASK 7u
#define IO_QUAL_IN (1u << 3)
#define IO_QUAL_STRING (1u << 4)
#define IO_QUAL_REP (1u << 5)
#define IO_QUAL_PORT_SHIFT 16

/* EPT violation exit qualification (§28.2.1, Table 28-7). */
#define EPT_QUAL_READ (1u << 0)
#define EPT_QUAL_WRITE (1u << 1)
#define EPT_QUAL_FETCH (1u << 2)
#define EPT_QUAL_PERMS (7u << 3) /* the entry allowed read/write/execute */

/* EPT paging-structure entries (§29.3.2, Tables 29-1..29-6). */
#define EPT_R (1UL << 0)
#define EPT_W (1UL << 1)
#define EPT_X (1UL << 2)
#define EPT_MT_SHIFT 3
#define EPT_MT_WB 6UL
#define EPT_IGNORE_PAT (1UL << 6)
#define EPT_LARGE (1UL << 7)
#define EPT_ADDR 0x000ffffffffff000UL
/* EPTP (§25.6.11): memory type WB, a 4-level walk (length - 1 in bits 5:3). */
#define EPTP_WB 6UL
#define EPTP_WALK_4 (3UL << 3)

/* IA32_VMX_EPT_VPID_CAP (Appendix A.10). */
#define EPT_CAP_INVEPT_SINGLE (1UL << 25)
#define EPT_CAP_INVEPT_ALL (1UL << 26)
#define VPID_CAP_INVVPID_SINGLE (1UL << 41)
#define VPID_CAP_INVVPID_ALL (1UL << 42)
#define INVEPT_SINGLE 1
#define INVEPT_ALL 2
#define INVVPID_SINGLE 1
#define INVVPID_ALL 2

/* IA32_VMX_BASIC bit 54: INS/OUTS exits report the instruction information. */
#define VMX_BASIC_INOUT_INFO (1UL << 54)

/* MSRs the VMCS host state is read from. */
#define MSR_IA32_SYSENTER_CS 0x174
#define MSR_IA32_SYSENTER_ESP 0x175
#define MSR_IA32_SYSENTER_EIP 0x176
#define MSR_IA32_PAT 0x277
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SFMASK 0xc0000084

/* An entry of the VM-entry/VM-exit MSR areas (§25.7.2, Table 25-15). */
struct vmx_msr_entry {
	u32 index;
	u32 reserved;
	u64 value;
} __v3_packed;

static inline u64 vmcs_read(u32 field)
{
	u64 v;

	__asm__ volatile("vmread %[f], %[v]" : [v] "=rm"(v) : [f] "r"((u64)field) : "cc");
	return v;
}

static inline void vmcs_write(u32 field, u64 v)
{
	__asm__ volatile("vmwrite %[v], %[f]"
			 :
			 : [f] "r"((u64)field), [v] "rm"(v)
			 : "cc", "memory");
}

/* VMWRITE that says whether it worked (VMfail sets CF or ZF). */
static inline bool vmcs_write_ok(u32 field, u64 v)
{
	bool failed;

	__asm__ volatile("vmwrite %[v], %[f]; setna %[bad]"
			 : [bad] "=q"(failed)
			 : [f] "r"((u64)field), [v] "rm"(v)
			 : "cc", "memory");
	return !failed;
}

/* VMCLEAR, VMPTRLD, VMPTRST, INVEPT, INVVPID; false on VMfail. */
static inline bool vmx_vmclear(u64 pa)
{
	bool failed;

	__asm__ volatile("vmclear %1; setna %0" : "=q"(failed) : "m"(pa) : "cc", "memory");
	return !failed;
}

static inline bool vmx_vmptrld(u64 pa)
{
	bool failed;

	__asm__ volatile("vmptrld %1; setna %0" : "=q"(failed) : "m"(pa) : "cc", "memory");
	return !failed;
}

static inline u64 vmx_vmptrst(void)
{
	u64 pa;

	__asm__ volatile("vmptrst %0" : "=m"(pa) : : "memory");
	return pa;
}

static inline bool vmx_invept(u64 type, u64 eptp)
{
	struct {
		u64 eptp, reserved;
	} desc = { eptp, 0 };
	bool failed;

	__asm__ volatile("invept %1, %2; setna %0"
			 : "=q"(failed)
			 : "m"(desc), "r"(type)
			 : "cc", "memory");
	return !failed;
}

static inline bool vmx_invvpid(u64 type, u16 vpid)
{
	struct {
		u64 vpid, addr;
	} desc = { vpid, 0 };
	bool failed;

	__asm__ volatile("invvpid %1, %2; setna %0"
			 : "=q"(failed)
			 : "m"(desc), "r"(type)
			 : "cc", "memory");
	return !failed;
}
#endif /* VMX_VMCS_H */
