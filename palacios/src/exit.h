/* SPDX-License-Identifier: MIT */
/*
 * The generic exit: each backend translates its raw #VMEXIT / VM exit into
 * one struct v3_exit, and exit.c dispatches on its kind through a table.
 */
#ifndef V3_EXIT_H
#define V3_EXIT_H

#include <v3/types.h>

struct v3_vcpu;

enum v3_exit_kind {
	V3_EXIT_NONE,
	V3_EXIT_IO,
	V3_EXIT_MSR_READ,
	V3_EXIT_MSR_WRITE,
	V3_EXIT_CPUID,
	V3_EXIT_HYPERCALL,      /* VMMCALL/VMCALL (the foreign one arrives as #UD) */
	V3_EXIT_HLT,
	V3_EXIT_NPF,            /* nested page fault / EPT violation */
	V3_EXIT_EXCEPTION,      /* an intercepted guest exception */
	V3_EXIT_INTR,           /* a host interrupt arrived */
	V3_EXIT_NMI,
	V3_EXIT_INTR_WINDOW,    /* the guest can take an interrupt now */
	V3_EXIT_SHUTDOWN,       /* triple fault */
	V3_EXIT_ENTRY_FAILED,   /* VMRUN/VMLAUNCH refused the state */
	V3_EXIT_CR_ACCESS,
	V3_EXIT_INVLPG,
	V3_EXIT_PREEMPT_TIMER,
	V3_EXIT_INIT,
	V3_EXIT_SIPI,
	V3_EXIT_UNKNOWN,        /* a raw exit the backend does not translate */
	V3_EXIT_KIND_MAX,
};

/* Access bits of a nested page fault (same positions as the #PF error code). */
#define V3_NPF_PRESENT (1u << 0)
#define V3_NPF_WRITE (1u << 1)
#define V3_NPF_FETCH (1u << 4)

struct v3_exit {
	enum v3_exit_kind kind;
	/* Length of the exiting instruction if the hardware said (0: decode it). */
	u8 insn_len;
	union {
		struct {
			u16 port;
			u8 size;        /* 1, 2 or 4 */
			u8 addr_size;   /* string I/O: 2, 4 or 8 */
			bool in, string, rep;
			u8 seg;         /* string OUTS source segment (V3_SEG_*) */
		} io;
		struct {
			u32 index;
		} msr;
		struct {
			u64 gpa;
			u32 access;     /* V3_NPF_* */
		} npf;
		struct {
			u8 vector;
			bool has_error;
			u32 error;
			u64 cr2;        /* #PF */
		} exc;
	};
	/* The backend's own codes, for diagnostics. */
	u64 raw_code, raw_info1, raw_info2;
};

const char *v3_exit_kind_name(enum v3_exit_kind kind);

/*
 * A guest access to guest-physical gpa that no mapping serves (a nested page fault, or under
 * shadow paging a walk that ended outside RAM, at linear la): MMIO emulation, the all-ones
 * page of <unmapped action="ones">, or a stop. access: V3_NPF_* bits. 0 or <0 (stopped).
 */
int v3_guest_phys_access(struct v3_vcpu *vcpu, u64 gpa, u32 access, u64 la);
/* Emulates the instruction at RIP, whose memory operand is at gpa. 0 or <0 (stopped). */
int v3_emulate_access(struct v3_vcpu *vcpu, u64 gpa);

/* Handles vcpu->exit; 0 to re-enter the guest, negative when the VM stopped. */
int v3_handle_exit(struct v3_vcpu *vcpu);

#endif /* V3_EXIT_H */
