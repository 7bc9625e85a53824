/* SPDX-License-Identifier: MIT */
/*
 * The x86 instruction decoder of the MMIO emulator: turns the bytes of an
 * instruction that touched an MMIO page into a struct v3_insn (prefixes,
 * operation, operand size, memory operand, register operand, immediate).
 * Intel SDM Vol. 2 ch. 2 (instruction format: prefixes, REX, ModRM, SIB,
 * 16-bit addressing in table 2-1, RIP-relative addressing in 2.2.1.6) and
 * appendix A (opcode maps). Pure: no VM state, so it runs on the host in
 * unit tests and under libFuzzer.
 *
 * Only instructions with a memory operand that guests use on device memory
 * are decoded (see the opcode list in decode.c); the rest are refused with
 * -V3_ENOTSUP, never skipped.
 */
#ifndef V3_DECODE_H
#define V3_DECODE_H

#include <v3/types.h>

#include "insn_len.h"

struct v3_gprs;

enum v3_insn_kind {
	V3_INSN_MOV_STORE,	/* mem <- reg (88/89, A2/A3) or imm (C6/C7) */
	V3_INSN_MOV_LOAD,	/* reg <- mem (8A/8B, A0/A1, MOVZX, MOVSX, MOVSXD) */
	V3_INSN_ALU,		/* ADD..CMP (00-3B, 80/81/83), TEST (84/85, F6/F7 /0) */
	V3_INSN_XCHG,		/* 86/87 */
	V3_INSN_STOS,		/* AA/AB */
	V3_INSN_MOVS,		/* A4/A5 */
	V3_INSN_BT,		/* BT/BTS/BTR/BTC (0F A3/AB/B3/BB, 0F BA /4-7) */
	/*
	 * System instructions the shadow pager intercepts (no memory access of
	 * their own, except LMSW/SMSW m16): reg is the control register, rm the
	 * GPR (or V3_REG_NONE with mem valid for a memory operand).
	 */
	V3_INSN_MOV_TO_CR,	/* 0F 22 */
	V3_INSN_MOV_FROM_CR,	/* 0F 20 */
	V3_INSN_CLTS,		/* 0F 06 */
	V3_INSN_LMSW,		/* 0F 01 /6 */
	V3_INSN_SMSW,		/* 0F 01 /4 */
	V3_INSN_INVLPG,		/* 0F 01 /7, memory operand only */
};

/* ALU operations: 0-7 in the group-1 ModRM.reg order. */
enum v3_alu_op {
	V3_ALU_ADD, V3_ALU_OR, V3_ALU_ADC, V3_ALU_SBB, V3_ALU_AND, V3_ALU_SUB, V3_ALU_XOR,
	V3_ALU_CMP, V3_ALU_TEST,
};

/* BT operations, in the 0F BA ModRM.reg order minus 4. */
enum v3_bt_op { V3_BT, V3_BTS, V3_BTR, V3_BTC };

#define V3_REG_NONE 0xff

/* A memory operand: seg:[base + index * scale + disp], truncated to the address size. */
struct v3_mem_operand {
	u8 base;	/* GPR number (ModRM order, REX included) or V3_REG_NONE */
	u8 index;	/* GPR number or V3_REG_NONE */
	u8 scale;	/* 1, 2, 4, 8 */
	bool rip_rel;	/* 64-bit mode: disp is relative to the next instruction */
	u8 seg;		/* enum v3_seg_reg: the override, or the default for base */
	s64 disp;	/* sign-extended */
};

struct v3_insn {
	enum v3_cpu_mode mode;
	u8 len;			/* total length in bytes, prefixes included */
	u8 op_size;		/* 1, 2, 4 or 8: of the memory operand's destination value */
	u8 src_size;		/* MOV_LOAD: size read from memory (< op_size: extended) */
	u8 addr_size;		/* 2, 4 or 8 */
	bool sign_extend;	/* MOV_LOAD: MOVSX/MOVSXD rather than zero extension */

	/* Prefixes. */
	bool opsize_prefix, addrsize_prefix, lock, rep, repne;
	u8 seg_override;	/* enum v3_seg_reg, or V3_REG_NONE */
	u8 rex;			/* the REX byte in effect (0x40-0x4f) or 0 */

	u8 opcode;		/* the last opcode byte */
	bool two_byte;		/* 0F map */
	u8 modrm;		/* valid when has_modrm */
	bool has_modrm;

	enum v3_insn_kind kind;
	u8 alu;			/* enum v3_alu_op or enum v3_bt_op */
	bool mem_is_dst;	/* the memory operand is written (or compared as the left) */
	u8 reg;			/* register operand (ModRM.reg with REX.R), or V3_REG_NONE */
	u8 rm;			/* system instructions: ModRM.rm GPR (REX.B), or V3_REG_NONE */
	bool reg_high_byte;	/* reg 4-7 of a byte op without REX: AH, CH, DH, BH */
	bool has_imm;
	u64 imm;		/* sign-extended to 64 bits where the instruction does */
	struct v3_mem_operand mem;
	/* MOVS: the source DS:rSI (override allowed); mem is the ES:rDI destination. */
};

/*
 * Decodes the instruction at bytes[0..avail) in mode. Returns 0 with *insn
 * filled, -V3_ENOTSUP for an instruction the emulator does not handle
 * (including register-only forms), -V3_EINVAL for bytes that do not make an
 * instruction (truncated, longer than 15 bytes), or -V3_EPERM for one the
 * CPU refuses with #UD (LOCK where it is not allowed).
 */
int v3_decode(const u8 *bytes, unsigned int avail, enum v3_cpu_mode mode, struct v3_insn *insn);

/*
 * The effective address (the offset within the segment) of insn's memory
 * operand with registers gprs and rip the address of the instruction,
 * truncated to the address size.
 */
u64 v3_insn_ea(const struct v3_insn *insn, const struct v3_gprs *gprs, u64 rip);

/* Mask of the low size bytes (size 1, 2, 4 or 8). */
static inline u64 v3_size_mask(unsigned int size)
{
	return size >= 8 ? ~0UL : (1UL << (size * 8)) - 1;
}

#endif /* V3_DECODE_H */
