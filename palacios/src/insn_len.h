/* SPDX-License-Identifier: MIT */
/*
 * Instruction length decoding, for advancing the guest RIP past an
 * intercepted instruction when the CPU does not say where it ends (AMD-V
 * without NRIP save, e.g. QEMU TCG). Intel SDM Vol. 2 ch. 2 (instruction
 * format, REX, VEX, EVEX) and appendix A (opcode maps); AMD APM Vol. 3 ch. 1
 * (XOP) and the 3DNow! encoding.
 */
#ifndef V3_INSN_LEN_H
#define V3_INSN_LEN_H

#include <v3/types.h>

/* What decides how bytes decode: default operand and address size, REX and VEX. */
enum v3_cpu_mode {
	V3_MODE_REAL,	/* real address or virtual-8086 mode: 16-bit, no VEX/EVEX/XOP */
	V3_MODE_PROT16,	/* protected or compatibility mode, CS.D = 0 */
	V3_MODE_PROT32,	/* protected or compatibility mode, CS.D = 1 */
	V3_MODE_LONG64,	/* 64-bit mode: EFER.LMA = 1 and CS.L = 1 */
};

/* The mode from CR0.PE, EFER.LMA, RFLAGS.VM and the CS descriptor's L and D/B flags. */
enum v3_cpu_mode v3_cpu_mode_from_regs(u64 cr0, u64 efer, u64 rflags, bool cs_l, bool cs_db);

/* The architectural limit on instruction length (SDM 2.3.11). */
#define V3_INSN_MAX_LEN 15

/*
 * Length of the instruction at bytes[0..avail), or -V3_EINVAL if no complete
 * valid instruction of at most 15 bytes starts there.
 *
 * Covers the one-byte, 0F, 0F 38 and 0F 3A opcode maps with legacy prefixes
 * (any number and order), REX, VEX (C4/C5), EVEX (62), XOP (8F) and 3DNow!
 * (0F 0F). Opcodes that are undefined in the one-byte and 0F maps (or in
 * the mode, e.g. PUSH ES in 64-bit mode) are refused; the 0F 38 and 0F 3A
 * maps and the VEX/EVEX/XOP maps are decoded by their uniform layout (ModRM,
 * plus the map's immediate) without checking that each opcode exists.
 * ModRM.reg is looked at only where it changes the length (F6/F7 TEST).
 *
 * Where vendors differ, AMD's decoding is used (the reason for this code is
 * AMD-V without NRIP save): in 64-bit mode a 66 prefix on a near branch
 * (E8, E9, 0F 8x) makes a 16-bit displacement (Intel ignores the prefix),
 * and 0F 78 with a 66 or F2 prefix is SSE4a EXTRQ/INSERTQ with two imm8.
 */
int v3_insn_length(const u8 *bytes, unsigned int avail, enum v3_cpu_mode mode);

#endif /* V3_INSN_LEN_H */
