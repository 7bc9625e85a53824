/* SPDX-License-Identifier: MIT */
/*
 * The VMCB (AMD APM Vol. 2, Appendix B): a 4 KiB page, control area at 0,
 * state-save area at 0x400. Offsets are checked at compile time below.
 */
#ifndef SVM_VMCB_H
#define SVM_VMCB_H

#include <v3/types.h>

struct vmcb_seg {
	u16 selector;
	u16 attrib;  /* descriptor bits 40-47 in 7:0, bits 52-55 in 11:8 */
	u32 limit;
	u64 base;
} __v3_packed;

struct vmcb_control {
	u32 intercept_cr;         /* 0x000: reads 15:0, writes 31:16 */
	u32 intercept_dr;         /* 0x004 */
	u32 intercept_exceptions; /* 0x008 */
	u32 intercept_misc1;      /* 0x00c */
	u32 intercept_misc2;      /* 0x010 */
	u32 intercept_misc3;      /* 0x014 */
	u8 reserved1[0x03c - 0x018];
	u16 pause_filter_threshold; /* 0x03c */
	u16 pause_filter_count;   /* 0x03e */
	u64 iopm_base_pa;         /* 0x040 */
	u64 msrpm_base_pa;        /* 0x048 */
	u64 tsc_offset;           /* 0x050 */
	u32 guest_asid;           /* 0x058 */
	u8 tlb_control;           /* 0x05c */
	u8 reserved2[3];
	u64 v_intr;               /* 0x060: V_TPR, V_IRQ, V_INTR_PRIO, V_IGN_TPR, masking, vector */
	u64 interrupt_shadow;     /* 0x068 */
	u64 exitcode;             /* 0x070 */
	u64 exitinfo1;            /* 0x078 */
	u64 exitinfo2;            /* 0x080 */
	u64 exitintinfo;          /* 0x088 */
	u64 np_enable;            /* 0x090 */
	u64 avic_apic_bar;        /* 0x098 */
	u64 ghcb_pa;              /* 0x0a0 */
	u64 eventinj;             /* 0x0a8 */
	u64 n_cr3;                /* 0x0b0 */
	u64 lbr_virt_enable;      /* 0x0b8 */
	u32 vmcb_clean;           /* 0x0c0 */
	u32 reserved3;
	u64 nrip;                 /* 0x0c8 */
	u8 insn_len;              /* 0x0d0 */
	u8 insn_bytes[15];        /* 0x0d1 */
	u8 reserved4[0x400 - 0x0e0];
} __v3_packed;

struct vmcb_save {
	struct vmcb_seg es, cs, ss, ds, fs, gs;  /* 0x400 */
	struct vmcb_seg gdtr, ldtr, idtr, tr;    /* 0x460 */
	u8 reserved1[0x4cb - 0x4a0];
	u8 cpl;                   /* 0x4cb */
	u32 reserved2;
	u64 efer;                 /* 0x4d0 */
	u8 reserved3[0x548 - 0x4d8];
	u64 cr4;                  /* 0x548 */
	u64 cr3;                  /* 0x550 */
	u64 cr0;                  /* 0x558 */
	u64 dr7;                  /* 0x560 */
	u64 dr6;                  /* 0x568 */
	u64 rflags;               /* 0x570 */
	u64 rip;                  /* 0x578 */
	u8 reserved4[0x5d8 - 0x580];
	u64 rsp;                  /* 0x5d8 */
	u64 s_cet, ssp, isst_addr; /* 0x5e0 */
	u64 rax;                  /* 0x5f8 */
	u64 star, lstar, cstar, sfmask, kernel_gs_base; /* 0x600 */
	u64 sysenter_cs, sysenter_esp, sysenter_eip;    /* 0x628 */
	u64 cr2;                  /* 0x640 */
	u8 reserved5[0x668 - 0x648];
	u64 g_pat;                /* 0x668 */
	u64 dbgctl;               /* 0x670 */
	u64 br_from, br_to, last_excp_from, last_excp_to; /* 0x678 */
} __v3_packed;

struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
	u8 reserved[0x1000 - 0x698];
} __v3_packed;

_Static_assert(__builtin_offsetof(struct vmcb, control.tsc_offset) == 0x050, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb, control.eventinj) == 0x0a8, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb, control.nrip) == 0x0c8, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb, save.cpl) == 0x4cb, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb, save.efer) == 0x4d0, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb, save.cr4) == 0x548, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb, save.rsp) == 0x5d8, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb, save.rax) == 0x5f8, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb, save.cr2) == 0x640, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb, save.g_pat) == 0x668, "vmcb layout");
_Static_assert(sizeof(struct vmcb) == 0x1000, "vmcb size");

/* intercept_misc1 (APM Table B-1, offset 0x00c) */
/* intercept_cr: reads and writes of CR0, CR3, CR4 (shadow paging). */
#define SVM_INTERCEPT_CR_SHADOW (0x19u | (0x19u << 16))

#define SVM_INTERCEPT_INTR (1u << 0)
#define SVM_INTERCEPT_NMI (1u << 1)
#define SVM_INTERCEPT_SMI (1u << 2)
#define SVM_INTERCEPT_INIT (1u << 3)
#define SVM_INTERCEPT_VINTR (1u << 4)
#define SVM_INTERCEPT_CPUID (1u << 18)
#define SVM_INTERCEPT_INVD (1u << 22)
#define SVM_INTERCEPT_INVLPG (1u << 25)
#define SVM_INTERCEPT_HLT (1u << 24)
#define SVM_INTERCEPT_IOIO (1u << 27)
#define SVM_INTERCEPT_MSR (1u << 28)
#define SVM_INTERCEPT_TASK_SWITCH (1u << 29)
#define SVM_INTERCEPT_FERR_FREEZE (1u << 30)
#define SVM_INTERCEPT_SHUTDOWN (1u << 31)
/* intercept_misc2 (offset 0x010) */
#define SVM_INTERCEPT_VMRUN (1u << 0)
#define SVM_INTERCEPT_VMMCALL (1u << 1)
#define SVM_INTERCEPT_VMLOAD (1u << 2)
#define SVM_INTERCEPT_VMSAVE (1u << 3)
#define SVM_INTERCEPT_STGI (1u << 4)
#define SVM_INTERCEPT_CLGI (1u << 5)
#define SVM_INTERCEPT_SKINIT (1u << 6)
#define SVM_INTERCEPT_ICEBP (1u << 8)
#define SVM_INTERCEPT_MONITOR (1u << 10)
#define SVM_INTERCEPT_MWAIT (1u << 11)
#define SVM_INTERCEPT_XSETBV (1u << 13)

/* tlb_control (APM §15.16.1) */
#define SVM_TLB_FLUSH_NONE 0
#define SVM_TLB_FLUSH_ALL 1
#define SVM_TLB_FLUSH_ASID 3

/* v_intr */
#define SVM_V_IRQ (1UL << 8)
#define SVM_V_INTR_PRIO_SHIFT 16
#define SVM_V_IGN_TPR (1UL << 20)
#define SVM_V_INTR_MASKING (1UL << 24)

/* eventinj / exitintinfo (APM 15.20) */
#define SVM_EVT_VALID (1UL << 31)
#define SVM_EVT_ERROR_VALID (1UL << 11)
#define SVM_EVT_TYPE_INTR (0UL << 8)
#define SVM_EVT_TYPE_NMI (2UL << 8)
#define SVM_EVT_TYPE_EXCEPTION (3UL << 8)
#define SVM_EVT_TYPE_SOFT (4UL << 8)

/* Exit codes (APM Appendix C) */
#define SVM_EXIT_CR_WRITE_LAST 0x01f   /* 0x00-0x0f CR reads, 0x10-0x1f CR writes */
#define SVM_EXIT_EXCP_BASE 0x040
#define SVM_EXIT_INTR 0x060
#define SVM_EXIT_NMI 0x061
#define SVM_EXIT_SMI 0x062
#define SVM_EXIT_INIT 0x063
#define SVM_EXIT_VINTR 0x064
#define SVM_EXIT_CPUID 0x072
#define SVM_EXIT_INVD 0x076
#define SVM_EXIT_HLT 0x078
#define SVM_EXIT_INVLPG 0x079
#define SVM_EXIT_IOIO 0x07b
#define SVM_EXIT_MSR 0x07c
#define SVM_EXIT_TASK_SWITCH 0x07d
#define SVM_EXIT_SHUTDOWN 0x07f
#define SVM_EXIT_VMRUN 0x080
#define SVM_EXIT_VMMCALL 0x081
#define SVM_EXIT_NPF 0x400
#define SVM_EXIT_INVALID 0xffffffffUL  /* compare the low 32 bits (QEMU, Bochs) */

#define SVM_IOIO_IN (1u << 0)
#define SVM_IOIO_STR (1u << 2)
#define SVM_IOIO_REP (1u << 3)

#define SVM_MSRPM_SIZE (2 * V3_PAGE_SIZE)
#define SVM_IOPM_SIZE (3 * V3_PAGE_SIZE)

#endif /* SVM_VMCB_H */
