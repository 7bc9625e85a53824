/* SPDX-License-Identifier: MIT */
/*
 * Instruction length decoding (see insn_len.h). The opcode maps are tables
 * of one attribute byte per opcode, transcribed from Intel SDM Vol. 2D
 * appendix A: tables A-2 (one-byte), A-3 (0F) and the uniform 0F 38 / 0F 3A
 * maps; the escapes that need the next byte to decide (C4/C5 VEX or
 * LES/LDS, 62 EVEX or BOUND, 8F XOP or POP) are handled in code.
 */
#include <v3/errno.h>

#include "insn_len.h"

#define CR0_PE (1ULL << 0)
#define EFER_LMA (1ULL << 10)
#define RFLAGS_VM (1ULL << 17)

/* Immediate kinds, the low four bits of an attribute. */
enum imm_kind {
	I_NONE,
	I_B,		/* imm8 (also rel8) */
	I_W,		/* imm16 */
	I_Z,		/* imm16 or imm32 by operand size (also rel16/32) */
	I_V,		/* imm16, imm32 or imm64 by operand size: MOV r, imm (B8+r) */
	I_WB,		/* imm16 + imm8: ENTER */
	I_AP,		/* far pointer ptr16:16 or ptr16:32 by operand size */
	I_MOFFS,	/* offset of the address size: MOV AL/eAX <-> moffs (A0-A3) */
	I_GRP3B,	/* F6: imm8 for /0 and /1 (TEST) only */
	I_GRP3Z,	/* F7: imm16/32 for /0 and /1 (TEST) only */
	I_SSE4A,	/* 0F 78: two imm8 with a 66 or F2 prefix (EXTRQ/INSERTQ), none without */
};

#define IMM(a) ((a) & 0x0f)
#define M 0x10		/* a ModRM byte (and SIB, displacement) follows */
#define R 0x20		/* ModRM whose mod field is ignored: always a register (MOV CR/DR) */
#define X64 0x40	/* invalid in 64-bit mode */
#define BAD 0x80	/* undefined opcode */

#define B I_B
#define W I_W
#define Z I_Z

/*
 * One-byte map. Prefixes, 0F, and the escapes handled in code (62, 8F, C4,
 * C5) still have entries: those describe BOUND, POP Ev, LES and LDS.
 */
static const u8 map_one[256] = {
	/* 00 */ M, M, M, M, B, Z, X64, X64, M, M, M, M, B, Z, X64, BAD,
	/* 10 */ M, M, M, M, B, Z, X64, X64, M, M, M, M, B, Z, X64, X64,
	/* 20 */ M, M, M, M, B, Z, BAD, X64, M, M, M, M, B, Z, BAD, X64,
	/* 30 */ M, M, M, M, B, Z, BAD, X64, M, M, M, M, B, Z, BAD, X64,
	/* 40 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 50 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 60 */ X64, X64, M | X64, M, BAD, BAD, BAD, BAD, Z, M | Z, B, M | B, 0, 0, 0, 0,
	/* 70 */ B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B,
	/* 80 */ M | B, M | Z, M | B | X64, M | B, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 90 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, I_AP | X64, 0, 0, 0, 0, 0,
	/* a0 */ I_MOFFS, I_MOFFS, I_MOFFS, I_MOFFS, 0, 0, 0, 0, B, Z, 0, 0, 0, 0, 0, 0,
	/* b0 */ B, B, B, B, B, B, B, B, I_V, I_V, I_V, I_V, I_V, I_V, I_V, I_V,
	/* c0 */ M | B, M | B, W, 0, M | X64, M | X64, M | B, M | Z,
		 I_WB, 0, W, 0, 0, B, X64, 0,
	/* d0 */ M, M, M, M, B | X64, B | X64, BAD, 0, M, M, M, M, M, M, M, M,
	/* e0 */ B, B, B, B, B, B, B, B, Z, Z, I_AP | X64, B, 0, 0, 0, 0,
	/* f0 */ BAD, 0, BAD, BAD, 0, 0, M | I_GRP3B, M | I_GRP3Z, 0, 0, 0, 0, 0, 0, M, M,
};

/* Two-byte map (0F xx). 0F 38 and 0F 3A are escapes, handled in code. */
static const u8 map_0f[256] = {
	/* 00 */ M, M, M, M, BAD, 0, 0, 0, 0, 0, BAD, 0, BAD, M, 0, M | B,
	/* 10 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 20 */ R, R, R, R, BAD, BAD, BAD, BAD, M, M, M, M, M, M, M, M,
	/* 30 */ 0, 0, 0, 0, 0, 0, BAD, 0, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
	/* 40 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 50 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 60 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 70 */ M | B, M | B, M | B, M | B, M, M, M, 0, M | I_SSE4A, M, BAD, BAD, M, M, M, M,
	/* 80 */ Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z,
	/* 90 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* a0 */ 0, 0, 0, M, M | B, M, BAD, BAD, 0, 0, 0, M, M | B, M, M, M,
	/* b0 */ M, M, M, M, M, M, M, M, M, M, M | B, M, M, M, M, M,
	/* c0 */ M, M, M | B, M, M | B, M | B, M | B, M, 0, 0, 0, 0, 0, 0, 0, 0,
	/* d0 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* e0 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* f0 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
};

#undef B
#undef W
#undef Z

/* Opcode maps selected by VEX.mmmmm, EVEX.mmm and XOP.mmmmm. */
enum opmap { MAP_0F = 1, MAP_0F38 = 2, MAP_0F3A = 3, MAP_FP16_5 = 5, MAP_FP16_6 = 6,
	     MAP_XOP8 = 8, MAP_XOP9 = 9, MAP_XOPA = 10 };

struct decoder {
	const u8 *bytes;
	unsigned int end;	/* min(avail, 15): no instruction byte lies past it */
	unsigned int pos;
	enum v3_cpu_mode mode;
	unsigned int opsize;	/* 2, 4 or 8 bytes */
	unsigned int adsize;	/* 2, 4 or 8 bytes */
	bool p66, p67, pf2, pf3, lock, rex_seen;
	u8 rex;			/* the REX in effect (the last prefix before the opcode) */
};

enum v3_cpu_mode v3_cpu_mode_from_regs(u64 cr0, u64 efer, u64 rflags, bool cs_l, bool cs_db)
{
	if (!(cr0 & CR0_PE))
		return V3_MODE_REAL;
	if ((efer & EFER_LMA) && cs_l)
		return V3_MODE_LONG64;
	if (!(efer & EFER_LMA) && (rflags & RFLAGS_VM))
		return V3_MODE_REAL;	/* virtual-8086 decodes as real mode */
	return cs_db ? V3_MODE_PROT32 : V3_MODE_PROT16;
}

static bool fetch(struct decoder *d, u8 *b)
{
	if (d->pos >= d->end)
		return false;
	*b = d->bytes[d->pos++];
	return true;
}

static bool peek(const struct decoder *d, u8 *b)
{
	if (d->pos >= d->end)
		return false;
	*b = d->bytes[d->pos];
	return true;
}

static bool skip(struct decoder *d, unsigned int n)
{
	if (d->end - d->pos < n)
		return false;
	d->pos += n;
	return true;
}

/* Legacy prefixes and REX; leaves d->pos on the opcode. */
static bool prefixes(struct decoder *d)
{
	u8 b;

	for (;;) {
		if (!peek(d, &b))
			return false;
		switch (b) {
		case 0x66:
			d->p66 = true;
			break;
		case 0xf2:
			d->pf2 = true;
			d->pf3 = false;	/* the last of F2/F3 is the one that counts */
			break;
		case 0xf3:
			d->pf3 = true;
			d->pf2 = false;
			break;
		case 0xf0:
			d->lock = true;
			break;
		case 0x67:
			d->p67 = true;
			break;
		case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
			break;
		default:
			if (d->mode == V3_MODE_LONG64 && (b & 0xf0) == 0x40) {
				d->rex = b;
				d->rex_seen = true;
				d->pos++;
				continue;
			}
			return true;
		}
		/* A REX prefix followed by a legacy prefix is ignored (SDM 2.2.1). */
		d->rex = 0;
		d->pos++;
	}
}

/* Operand and address size (SDM 2.2.1.2, 3.6). */
static void set_sizes(struct decoder *d)
{
	bool wide = d->mode == V3_MODE_PROT32 || d->mode == V3_MODE_LONG64;

	d->opsize = wide != d->p66 ? 4 : 2;
	if (d->rex & 0x08)	/* REX.W wins over 66 */
		d->opsize = 8;
	if (d->mode == V3_MODE_LONG64)
		d->adsize = d->p67 ? 4 : 8;
	else
		d->adsize = wide != d->p67 ? 4 : 2;
}

/* ModRM, SIB and displacement (SDM 2.1.5, tables 2-1..2-3). */
static bool modrm(struct decoder *d, bool reg_only, u8 *modrm_out)
{
	u8 m, sib, mod, rm;

	if (!fetch(d, &m))
		return false;
	if (modrm_out)
		*modrm_out = m;
	mod = m >> 6;
	rm = m & 7;
	if (mod == 3 || reg_only)
		return true;
	if (d->adsize == 2) {
		if (mod == 1)
			return skip(d, 1);
		return skip(d, mod == 2 || rm == 6 ? 2 : 0);
	}
	if (rm == 4) {
		if (!fetch(d, &sib))
			return false;
		if (mod == 0 && (sib & 7) == 5)
			return skip(d, 4);
	}
	if (mod == 1)
		return skip(d, 1);
	return skip(d, mod == 2 || rm == 5 ? 4 : 0);
}

static unsigned int imm_size(const struct decoder *d, enum imm_kind k, u8 m)
{
	unsigned int z = d->opsize == 2 ? 2 : 4;

	switch (k) {
	case I_B:
		return 1;
	case I_W:
		return 2;
	case I_Z:
		return z;
	case I_V:
		return d->opsize;
	case I_WB:
		return 3;
	case I_AP:
		return 2 + z;
	case I_MOFFS:
		return d->adsize;
	case I_GRP3B:
		return ((m >> 3) & 7) < 2 ? 1 : 0;
	case I_GRP3Z:
		return ((m >> 3) & 7) < 2 ? z : 0;
	case I_SSE4A:
		return d->p66 || d->pf2 ? 2 : 0;
	default:
		return 0;
	}
}

/* An opcode described by an attribute byte, from the ModRM on. */
static bool operands(struct decoder *d, u8 attr)
{
	u8 m = 0;

	if ((attr & (M | R)) && !modrm(d, attr & R, &m))
		return false;
	return skip(d, imm_size(d, IMM(attr), m));
}

/* Immediate bytes of a VEX/EVEX/XOP-encoded instruction in map mm with opcode op. */
static unsigned int vex_imm(enum opmap mm, u8 op)
{
	switch (mm) {
	case MAP_0F:
		/* PSHUFx, the shift groups, CMPPx, PINSRW, PEXTRW, SHUFPx */
		return (op >= 0x70 && op <= 0x73) || op == 0xc2 || (op >= 0xc4 && op <= 0xc6);
	case MAP_0F3A:
	case MAP_XOP8:
		return 1;
	case MAP_XOPA:
		return 4;
	default:
		return 0;
	}
}

/*
 * The rest of a VEX (C4/C5), EVEX (62) or XOP (8F) instruction; d->pos is on
 * the escape byte, known to start such a prefix. Each #UDs after 66, F2, F3,
 * F0 or REX, and is unknown in real and virtual-8086 mode.
 */
static bool vex_like(struct decoder *d, u8 esc)
{
	u8 p0, op;
	enum opmap mm;

	if (d->p66 || d->pf2 || d->pf3 || d->lock || d->rex_seen || d->mode == V3_MODE_REAL)
		return false;
	d->pos++;
	if (!fetch(d, &p0))
		return false;
	switch (esc) {
	case 0xc5:
		mm = MAP_0F;
		break;
	case 0xc4:
		mm = p0 & 0x1f;
		if (mm < MAP_0F || mm > MAP_0F3A || !skip(d, 1))
			return false;
		break;
	case 0x8f:
		mm = p0 & 0x1f;
		if (mm < MAP_XOP8 || mm > MAP_XOPA || !skip(d, 1))
			return false;
		break;
	default:	/* 62: EVEX, P0 = R X B R' 0 m m m, then P1, P2 */
		mm = p0 & 7;
		if (!(mm == MAP_0F || mm == MAP_0F38 || mm == MAP_0F3A || mm == MAP_FP16_5 ||
		      mm == MAP_FP16_6) || !skip(d, 2))
			return false;
		break;
	}
	if (!fetch(d, &op))
		return false;
	/* VZEROUPPER / VZEROALL (VEX.0F 77) are the only ones without ModRM. */
	if (!(esc != 0x62 && mm == MAP_0F && op == 0x77) && !modrm(d, false, NULL))
		return false;
	return skip(d, vex_imm(mm, op));
}

/*
 * C4/C5/62 outside 64-bit mode are VEX/EVEX only when the next byte would
 * be a register ModRM (mod = 11), which LES/LDS/BOUND do not allow. 8F is
 * XOP when ModRM.reg would not be 0 (POP Ev is 8F /0).
 */
static bool is_vex_like(const struct decoder *d, u8 op)
{
	u8 next;

	if (d->pos + 1 >= d->end)
		return false;	/* truncated either way */
	next = d->bytes[d->pos + 1];
	if (op == 0x8f)
		return (next & 0x38) != 0;
	return d->mode == V3_MODE_LONG64 || (next & 0xc0) == 0xc0;
}

static bool two_byte(struct decoder *d)
{
	u8 op, attr;

	if (!fetch(d, &op))
		return false;
	if (op == 0x38)
		return fetch(d, &op) && modrm(d, false, NULL);
	if (op == 0x3a)
		return fetch(d, &op) && modrm(d, false, NULL) && skip(d, 1);
	attr = map_0f[op];
	if (attr & BAD)
		return false;
	/* 0F B8 is POPCNT with F3; without it JMPE, which only IA-64 had. */
	if (op == 0xb8 && !d->pf3)
		return false;
	return operands(d, attr);
}

int v3_insn_length(const u8 *bytes, unsigned int avail, enum v3_cpu_mode mode)
{
	struct decoder d = {
		.bytes = bytes,
		.end = avail < V3_INSN_MAX_LEN ? avail : V3_INSN_MAX_LEN,
		.mode = mode,
	};
	bool ok;
	u8 op, attr;

	if (!bytes || mode > V3_MODE_LONG64)
		return -V3_EINVAL;
	if (!prefixes(&d))
		return -V3_EINVAL;
	set_sizes(&d);
	op = bytes[d.pos];
	if ((op == 0xc4 || op == 0xc5 || op == 0x62 || op == 0x8f) && is_vex_like(&d, op)) {
		ok = vex_like(&d, op);
	} else if (op == 0x0f) {
		d.pos++;
		ok = two_byte(&d);
	} else {
		attr = map_one[op];
		d.pos++;
		ok = !(attr & BAD) && !((attr & X64) && mode == V3_MODE_LONG64) &&
		     operands(&d, attr);
	}
	return ok ? (int)d.pos : -V3_EINVAL;
}
