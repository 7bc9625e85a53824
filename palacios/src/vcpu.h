/* SPDX-License-Identifier: MIT */
/* A virtual CPU: registers the core works with, events, statistics. */
#ifndef V3_VCPU_H
#define V3_VCPU_H

#include <v3/types.h>

#include "exit.h"
#include "insn_len.h"
#include "intr.h"
#include "vtimer.h"

/* General-purpose registers in x86 encoding order (ModRM numbering). */
struct v3_gprs {
	u64 rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
};

/* The VM-entry loops (arch/x86_64/include/arch/gprs.inc) rely on this layout. */
_Static_assert(__builtin_offsetof(struct v3_gprs, rsp) == 32 &&
		       __builtin_offsetof(struct v3_gprs, r15) == 120,
	       "struct v3_gprs layout is shared with gprs.inc");

enum v3_seg_reg { V3_SEG_ES, V3_SEG_CS, V3_SEG_SS, V3_SEG_DS, V3_SEG_FS, V3_SEG_GS, V3_SEG_MAX };

struct v3_segment {
	u16 selector;
	u64 base;
	u32 limit;
	/* Attributes in the descriptor's bit layout: type(4) S DPL(2) P AVL L D/B G. */
	u16 attrib;
};

#define V3_SEG_ATTR_L (1u << 9)
#define V3_SEG_ATTR_DB (1u << 10)

/*
 * State the backend copies out at every exit and back at every entry. Only
 * what exit handling touches on every exit lives here; segments and the
 * rest are read on demand through the backend.
 */
struct v3_vcpu_state {
	struct v3_gprs gprs;
	u64 rip, rflags;
	u64 cr0, cr2, cr3, cr4, efer;
	u8 cpl;
};

struct v3_vm;

struct v3_vcpu {
	struct v3_vm *vm;
	unsigned int id;
	unsigned int host_cpu;
	struct v3_vcpu_state s;
	struct v3_exit exit;
	void *arch;                     /* the backend's per-vCPU state */

	/* Events: written by any CPU, consumed before each entry. */
	volatile u64 irq_pending[4];    /* external interrupt vectors 0..255 */
	struct {
		bool valid;
		u8 vector;
		bool has_error;
		u32 error;
	} exception;                    /* an exception to deliver on the next entry */
	struct v3_vcpu_intr intr;       /* interrupt controllers delivering to this vCPU */
	struct v3_vtimer *timers;       /* armed virtual timers, earliest first */
	struct v3_shadow_vcpu *shadow;  /* shadow paging state, NULL under nested paging */
	u64 host_timer_deadline;        /* what the host's one-shot timer is armed for */
	volatile bool halted;
	bool launched;                  /* has entered the guest at least once */

	/* Statistics. */
	u64 exits_by_kind[V3_EXIT_KIND_MAX];
	u64 exits;
	u64 tsc_in_guest;
};

/* Queue external interrupt vector for vcpu and wake it (any CPU, any context). */
void v3_raise_interrupt(struct v3_vcpu *vcpu, u8 vector);
/* Queue an exception (with an error code if has_error) for the next entry. */
void v3_inject_exception(struct v3_vcpu *vcpu, u8 vector, bool has_error, u32 error);
/* Highest pending external interrupt vector, or -1. */
int v3_highest_pending_irq(const struct v3_vcpu *vcpu);
void v3_clear_pending_irq(struct v3_vcpu *vcpu, u8 vector);

/* Moves RIP past the exiting instruction (decoding it if the hardware did not say). */
int v3_vcpu_skip_insn(struct v3_vcpu *vcpu);

/*
 * Guest linear memory, accessed as the guest's own data access at its CPL
 * would be (page-table walk, permissions, A/D bits). Returns 0, 1 when the
 * access faulted and the #PF was queued for the guest, or <0 on a VMM error.
 */
int v3_vcpu_read_linear(struct v3_vcpu *vcpu, u64 la, void *buf, unsigned int len);
int v3_vcpu_write_linear(struct v3_vcpu *vcpu, u64 la, const void *buf, unsigned int len);

/*
 * The guest-physical address of linear address la for an access of kind
 * access (V3_ACC_WRITE or 0, paging/walk.h) by the guest at its CPL: 0, 1
 * when it faults (the #PF or #GP is queued for the guest), or <0.
 */
int v3_vcpu_translate(struct v3_vcpu *vcpu, u64 la, u32 access, u64 *gpa);

struct v3_paging_regs;
struct v3_guest_mem_ops;
/* The guest's paging state as the walker takes it (walk.h). */
void v3_vcpu_paging_regs(const struct v3_vcpu *vcpu, struct v3_paging_regs *r);
/* Guest RAM access for the walker; ctx is the struct v3_vm. */
extern const struct v3_guest_mem_ops v3_guest_walk_mem;
/* The execution mode of the code at CS:RIP. */
enum v3_cpu_mode v3_vcpu_cpu_mode(struct v3_vcpu *vcpu);

/* Reads up to len guest instruction bytes at RIP; returns how many, or <0. */
int v3_vcpu_fetch_insn(struct v3_vcpu *vcpu, u8 *buf, unsigned int len);

/* Stops the VM from inside its exit handling, with a reason and a message. */
int v3_vcpu_stop_vm(struct v3_vcpu *vcpu, int reason, s64 status, const char *fmt, ...)
	__v3_printf(4, 5);

/* The vCPU run loop: enters the guest until the VM stops. */
int v3_vcpu_run_loop(struct v3_vcpu *vcpu);

#endif /* V3_VCPU_H */
