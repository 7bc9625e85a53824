/* SPDX-License-Identifier: MIT */
/*
 * The MMIO instruction emulator: when a guest access to a hooked MMIO region
 * arrives as a nested page fault, decode the instruction at RIP (decode.h),
 * perform it against the region's callbacks (and guest RAM for the other
 * operand), update registers and RFLAGS as the CPU would, and advance RIP.
 * Intel SDM Vol. 1 3.4.3 (RFLAGS), Vol. 2 (each instruction's operation).
 */
#ifndef V3_EMULATE_H
#define V3_EMULATE_H

#include <v3/types.h>

#include "decode.h"

struct v3_vcpu;

/* The arithmetic flags (SDM Vol. 1 3.4.3.1): CF PF AF ZF SF OF. */
#define V3_RFLAGS_CF (1UL << 0)
#define V3_RFLAGS_PF (1UL << 2)
#define V3_RFLAGS_AF (1UL << 4)
#define V3_RFLAGS_ZF (1UL << 6)
#define V3_RFLAGS_SF (1UL << 7)
#define V3_RFLAGS_DF (1UL << 10)
#define V3_RFLAGS_OF (1UL << 11)
#define V3_RFLAGS_ARITH (V3_RFLAGS_CF | V3_RFLAGS_PF | V3_RFLAGS_AF | V3_RFLAGS_ZF | \
			 V3_RFLAGS_SF | V3_RFLAGS_OF)

/*
 * dst op src on size-byte values (enum v3_alu_op) with the incoming rflags
 * (CF for ADC/SBB). Returns the new rflags (only the arithmetic flags
 * change) and the result in *res (for CMP and TEST: what SUB and AND give,
 * which the caller does not store). The logical ops (OR AND XOR TEST) clear
 * CF and OF; AF is architecturally undefined for them and cleared, as
 * current Intel and AMD CPUs do (the unit test compares with the host CPU).
 */
u64 v3_alu(enum v3_alu_op op, unsigned int size, u64 dst, u64 src, u64 rflags, u64 *res);

/* Most iterations of a REP string instruction emulated per exit; the guest re-executes it. */
#define V3_EMULATE_REP_BATCH 4096

/*
 * Emulates the instruction at the vCPU's RIP, which faulted on MMIO at
 * guest-physical gpa. Returns 0 when done (RIP advanced) or when an exception
 * was queued for the guest instead (#PF on the other operand, #UD for a bad
 * LOCK, #GP for a non-canonical address); -V3_ESTOPPED if a callback stopped
 * the VM; another negative code with a reason in why[] for what cannot be
 * emulated (the caller stops the VM with it and the instruction bytes).
 */
int v3_emulate_mmio(struct v3_vcpu *vcpu, u64 gpa, char *why, unsigned int why_len);

#endif /* V3_EMULATE_H */
