/* SPDX-License-Identifier: MIT */
/*
 * The MMIO emulator's instruction decoder (Intel SDM Vol. 2 ch. 2 and
 * appendix A). Decoded, all with a memory operand:
 *
 *   00-03 08-0B 10-13 18-1B 20-23 28-2B 30-33 38-3B   ADD OR ADC SBB AND SUB XOR CMP
 *   80 81 83 /0-7                                     the same with an immediate
 *   84 85, F6 F7 /0                                   TEST
 *   86 87                                             XCHG
 *   88 89 8A 8B, C6 C7 /0, A0-A3 (moffs)              MOV
 *   A4 A5, AA AB (REP)                                MOVS, STOS
 *   0F B6 B7 BE BF, 63 (64-bit mode)                  MOVZX, MOVSX, MOVSXD
 *   0F A3 AB B3 BB, 0F BA /4-7                        BT BTS BTR BTC
 *
 * Legacy prefixes in any order and number (the last segment override wins;
 * F2/F3 are kept only for the string instructions), REX in 64-bit mode only
 * when it immediately precedes the opcode (SDM 2.2.1), as the CPU does.
 */
#include <v3/errno.h>

#include "decode.h"
#include "vcpu.h"

struct cursor {
	const u8 *b;
	unsigned int avail, pos;
	bool short_;	/* ran past avail */
};

static u64 take(struct cursor *c, unsigned int n)
{
	u64 v = 0;

	if (c->pos + n > c->avail || c->pos + n > V3_INSN_MAX_LEN) {
		c->short_ = true;
		c->pos += n;
		return 0;
	}
	for (unsigned int i = 0; i < n; i++)
		v |= (u64)c->b[c->pos + i] << (8 * i);
	c->pos += n;
	return v;
}

static s64 sext(u64 v, unsigned int size)
{
	unsigned int shift = 64 - 8 * size;

	return (s64)(v << shift) >> shift;
}

/* Legacy prefixes and REX; returns false past 15 bytes or avail. */
static bool prefixes(struct cursor *c, struct v3_insn *in)
{
	for (;;) {
		u8 b;

		if (c->pos >= c->avail || c->pos >= V3_INSN_MAX_LEN)
			return false;
		b = c->b[c->pos];
		switch (b) {
		case 0x26: in->seg_override = V3_SEG_ES; break;
		case 0x2e: in->seg_override = V3_SEG_CS; break;
		case 0x36: in->seg_override = V3_SEG_SS; break;
		case 0x3e: in->seg_override = V3_SEG_DS; break;
		case 0x64: in->seg_override = V3_SEG_FS; break;
		case 0x65: in->seg_override = V3_SEG_GS; break;
		case 0x66: in->opsize_prefix = true; break;
		case 0x67: in->addrsize_prefix = true; break;
		case 0xf0: in->lock = true; break;
		case 0xf2: in->repne = true; in->rep = false; break;
		case 0xf3: in->rep = true; in->repne = false; break;
		default:
			if (in->mode == V3_MODE_LONG64 && (b & 0xf0) == 0x40) {
				in->rex = b;
				c->pos++;
				/* A REX not right before the opcode is ignored: keep looking. */
				continue;
			}
			return true;
		}
		in->rex = 0;
		c->pos++;
	}
}

static void sizes(struct v3_insn *in)
{
	switch (in->mode) {
	case V3_MODE_LONG64:
		in->op_size = (in->rex & 8) ? 8 : in->opsize_prefix ? 2 : 4;
		in->addr_size = in->addrsize_prefix ? 4 : 8;
		break;
	case V3_MODE_PROT32:
		in->op_size = in->opsize_prefix ? 2 : 4;
		in->addr_size = in->addrsize_prefix ? 2 : 4;
		break;
	default:
		in->op_size = in->opsize_prefix ? 4 : 2;
		in->addr_size = in->addrsize_prefix ? 4 : 2;
		break;
	}
}

/* 16-bit ModRM addressing (SDM table 2-1). */
static void modrm16(struct cursor *c, struct v3_insn *in, u8 mod, u8 rm)
{
	static const u8 base[8] = { 3, 3, 5, 5, 6, 7, 5, 3 };	/* BX BX BP BP SI DI BP BX */
	static const u8 index[8] = { 6, 7, 6, 7, V3_REG_NONE, V3_REG_NONE, V3_REG_NONE,
				     V3_REG_NONE };
	struct v3_mem_operand *m = &in->mem;

	m->base = base[rm];
	m->index = index[rm];
	if (mod == 0 && rm == 6) {
		m->base = V3_REG_NONE;
		m->disp = sext(take(c, 2), 2);
	} else if (mod == 1) {
		m->disp = sext(take(c, 1), 1);
	} else if (mod == 2) {
		m->disp = sext(take(c, 2), 2);
	}
	/* BP-based forms default to SS. */
	m->seg = m->base == 5 ? V3_SEG_SS : V3_SEG_DS;
}

/* 32/64-bit ModRM and SIB addressing (SDM tables 2-2, 2-3, 2.2.1). */
static void modrm32(struct cursor *c, struct v3_insn *in, u8 mod, u8 rm)
{
	struct v3_mem_operand *m = &in->mem;
	u8 rex_b = (in->rex & 1) ? 8 : 0;

	if (rm == 4) {
		u8 sib = (u8)take(c, 1);
		u8 idx = (u8)(((sib >> 3) & 7) | ((in->rex & 2) ? 8 : 0));
		u8 b = sib & 7;

		m->scale = (u8)(1u << (sib >> 6));
		m->index = idx == 4 ? V3_REG_NONE : idx;
		if (b == 5 && mod == 0) {
			m->base = V3_REG_NONE;
			m->disp = sext(take(c, 4), 4);
		} else {
			m->base = b | rex_b;
		}
	} else if (rm == 5 && mod == 0) {
		m->base = V3_REG_NONE;
		m->rip_rel = in->mode == V3_MODE_LONG64;
		m->disp = sext(take(c, 4), 4);
	} else {
		m->base = rm | rex_b;
	}
	if (mod == 1)
		m->disp = sext(take(c, 1), 1);
	else if (mod == 2)
		m->disp = sext(take(c, 4), 4);
	/* rSP/rBP (not r12/r13) as the base default to SS. */
	m->seg = (m->base == 4 || m->base == 5) ? V3_SEG_SS : V3_SEG_DS;
}

/* ModRM; false for a register-only form (mod = 3): no memory operand to emulate. */
static bool modrm(struct cursor *c, struct v3_insn *in)
{
	u8 mod, rm;

	in->modrm = (u8)take(c, 1);
	in->has_modrm = true;
	mod = in->modrm >> 6;
	rm = in->modrm & 7;
	in->reg = (u8)(((in->modrm >> 3) & 7) | ((in->rex & 4) ? 8 : 0));
	in->mem.scale = 1;
	in->mem.index = V3_REG_NONE;
	if (mod == 3)
		return false;
	if (in->addr_size == 2)
		modrm16(c, in, mod, rm);
	else
		modrm32(c, in, mod, rm);
	return true;
}

static void imm(struct cursor *c, struct v3_insn *in, unsigned int size)
{
	in->has_imm = true;
	in->imm = (u64)sext(take(c, size), size);
}

/* Immediate of a full-size operand: imm16 or imm32 (sign-extended to 64 bits). */
static void imm_z(struct cursor *c, struct v3_insn *in)
{
	imm(c, in, in->op_size == 2 ? 2 : 4);
}

static void set_byte_op(struct v3_insn *in)
{
	in->op_size = 1;
	in->reg_high_byte = !in->rex && in->reg >= 4 && in->reg < 8;
}

static int one_byte(struct cursor *c, struct v3_insn *in, u8 op)
{
	if (op < 0x40 && (op & 7) < 4) {
		/* 00-3B: ALU r/m,r (bit 1 clear) or r,r/m; bit 0 clear: bytes. */
		if (!modrm(c, in))
			return -V3_ENOTSUP;
		in->kind = V3_INSN_ALU;
		in->alu = op >> 3;
		in->mem_is_dst = !(op & 2);
		if (!(op & 1))
			set_byte_op(in);
		return 0;
	}
	switch (op) {
	case 0x63:
		if (in->mode != V3_MODE_LONG64 || !modrm(c, in))
			return -V3_ENOTSUP;	/* ARPL outside 64-bit mode */
		in->kind = V3_INSN_MOV_LOAD;
		in->src_size = in->op_size == 2 ? 2 : 4;
		in->sign_extend = true;
		return 0;
	case 0x80: case 0x81: case 0x83:
		if (!modrm(c, in))
			return -V3_ENOTSUP;
		in->kind = V3_INSN_ALU;
		in->alu = (in->modrm >> 3) & 7;
		in->reg = V3_REG_NONE;
		in->mem_is_dst = true;
		if (op == 0x80)
			in->op_size = 1;
		if (op == 0x81)
			imm_z(c, in);
		else
			imm(c, in, 1);
		return 0;
	case 0x84: case 0x85:
		if (!modrm(c, in))
			return -V3_ENOTSUP;
		in->kind = V3_INSN_ALU;
		in->alu = V3_ALU_TEST;
		in->mem_is_dst = true;
		if (op == 0x84)
			set_byte_op(in);
		return 0;
	case 0x86: case 0x87:
		if (!modrm(c, in))
			return -V3_ENOTSUP;
		in->kind = V3_INSN_XCHG;
		in->mem_is_dst = true;
		if (op == 0x86)
			set_byte_op(in);
		return 0;
	case 0x88: case 0x89: case 0x8a: case 0x8b:
		if (!modrm(c, in))
			return -V3_ENOTSUP;
		in->kind = (op & 2) ? V3_INSN_MOV_LOAD : V3_INSN_MOV_STORE;
		in->mem_is_dst = !(op & 2);
		if (!(op & 1))
			set_byte_op(in);
		in->src_size = in->op_size;
		return 0;
	case 0xa0: case 0xa1: case 0xa2: case 0xa3:
		/* moffs: an address-size offset, no ModRM; the register is rAX. */
		in->kind = (op & 2) ? V3_INSN_MOV_STORE : V3_INSN_MOV_LOAD;
		in->mem_is_dst = (op & 2) != 0;
		in->reg = 0;
		if (!(op & 1))
			set_byte_op(in);
		in->src_size = in->op_size;
		in->mem = (struct v3_mem_operand){ .base = V3_REG_NONE, .index = V3_REG_NONE,
						   .scale = 1, .seg = V3_SEG_DS };
		in->mem.disp = (s64)take(c, in->addr_size);
		return 0;
	case 0xa4: case 0xa5: case 0xaa: case 0xab:
		in->kind = op >= 0xaa ? V3_INSN_STOS : V3_INSN_MOVS;
		in->mem_is_dst = true;
		if (!(op & 1))
			in->op_size = 1;
		in->reg = 0;
		/* The ES:rDI destination; no override applies to it. */
		in->mem = (struct v3_mem_operand){ .base = 7, .index = V3_REG_NONE, .scale = 1,
						   .seg = V3_SEG_ES };
		return 0;
	case 0xc6: case 0xc7:
		if (!modrm(c, in) || (in->modrm & 0x38))
			return -V3_ENOTSUP;	/* /1-7: XABORT, XBEGIN or undefined */
		in->kind = V3_INSN_MOV_STORE;
		in->reg = V3_REG_NONE;
		in->mem_is_dst = true;
		if (op == 0xc6) {
			in->op_size = 1;
			imm(c, in, 1);
		} else {
			imm_z(c, in);
		}
		return 0;
	case 0xf6: case 0xf7:
		/* /1 is an undocumented alias of TEST that AMD and Intel both decode. */
		if (!modrm(c, in) || ((in->modrm >> 3) & 7) > 1)
			return -V3_ENOTSUP;	/* NOT NEG MUL IMUL DIV IDIV */
		in->kind = V3_INSN_ALU;
		in->alu = V3_ALU_TEST;
		in->reg = V3_REG_NONE;
		in->mem_is_dst = true;
		if (op == 0xf6) {
			in->op_size = 1;
			imm(c, in, 1);
		} else {
			imm_z(c, in);
		}
		return 0;
	}
	return -V3_ENOTSUP;
}

/* The register forms of ModRM for MOV CRn (SDM: the mod bits are ignored, always registers). */
static void modrm_regs(struct cursor *c, struct v3_insn *in)
{
	in->modrm = (u8)take(c, 1);
	in->has_modrm = true;
	in->reg = (u8)(((in->modrm >> 3) & 7) | ((in->rex & 4) ? 8 : 0));
	in->rm = (u8)((in->modrm & 7) | ((in->rex & 1) ? 8 : 0));
}

/* 0F 01 /4 SMSW, /6 LMSW (register or m16), /7 INVLPG (memory only). */
static int group7(struct cursor *c, struct v3_insn *in)
{
	unsigned int sub;
	bool mem = modrm(c, in);

	sub = (in->modrm >> 3) & 7;
	in->reg = V3_REG_NONE;
	if (!mem)
		in->rm = (u8)((in->modrm & 7) | ((in->rex & 1) ? 8 : 0));
	switch (sub) {
	case 4:
		in->kind = V3_INSN_SMSW;
		break;
	case 6:
		in->kind = V3_INSN_LMSW;
		break;
	case 7:
		if (!mem)
			return -V3_ENOTSUP;	/* SWAPGS, RDTSCP */
		in->kind = V3_INSN_INVLPG;
		return 0;
	default:
		return -V3_ENOTSUP;
	}
	if (mem)
		in->op_size = 2;
	return 0;
}

static int two_byte(struct cursor *c, struct v3_insn *in, u8 op)
{
	switch (op) {
	case 0x20: case 0x22:
		modrm_regs(c, in);
		in->kind = op == 0x22 ? V3_INSN_MOV_TO_CR : V3_INSN_MOV_FROM_CR;
		/* The operand is 64 bits in 64-bit mode, else 32, whatever the prefixes say. */
		in->op_size = in->mode == V3_MODE_LONG64 ? 8 : 4;
		return 0;
	case 0x06:
		in->kind = V3_INSN_CLTS;
		return 0;
	case 0x01:
		return group7(c, in);
	case 0xb6: case 0xb7: case 0xbe: case 0xbf:
		if (!modrm(c, in))
			return -V3_ENOTSUP;
		in->kind = V3_INSN_MOV_LOAD;
		in->src_size = (op & 1) ? 2 : 1;
		in->sign_extend = op >= 0xbe;
		return 0;
	case 0xa3: case 0xab: case 0xb3: case 0xbb:
		if (!modrm(c, in))
			return -V3_ENOTSUP;
		in->kind = V3_INSN_BT;
		in->alu = (op >> 3) & 3;	/* A3: BT, AB: BTS, B3: BTR, BB: BTC */
		in->mem_is_dst = true;
		return 0;
	case 0xba:
		if (!modrm(c, in) || ((in->modrm >> 3) & 7) < 4)
			return -V3_ENOTSUP;
		in->kind = V3_INSN_BT;
		in->alu = ((in->modrm >> 3) & 7) - 4;
		in->reg = V3_REG_NONE;
		in->mem_is_dst = true;
		imm(c, in, 1);
		in->imm &= 0xff;
		return 0;
	}
	return -V3_ENOTSUP;
}

/* LOCK is allowed on a memory destination of the read-modify-write operations (SDM LOCK). */
static bool lock_ok(const struct v3_insn *in)
{
	switch (in->kind) {
	case V3_INSN_ALU:
		return in->mem_is_dst && in->alu < V3_ALU_CMP;
	case V3_INSN_XCHG:
		return true;
	case V3_INSN_BT:
		return in->alu != V3_BT;
	default:
		return false;
	}
}

int v3_decode(const u8 *bytes, unsigned int avail, enum v3_cpu_mode mode, struct v3_insn *in)
{
	struct cursor c = { .b = bytes, .avail = avail };
	u8 op;
	int rc;

	*in = (struct v3_insn){ .mode = mode, .seg_override = V3_REG_NONE, .reg = V3_REG_NONE,
				.rm = V3_REG_NONE };
	if (!prefixes(&c, in))
		return -V3_EINVAL;
	sizes(in);
	op = (u8)take(&c, 1);
	if (op == 0x0f) {
		in->two_byte = true;
		op = (u8)take(&c, 1);
		in->opcode = op;
		rc = c.short_ ? -V3_EINVAL : two_byte(&c, in, op);
	} else {
		in->opcode = op;
		rc = one_byte(&c, in, op);
	}
	if (c.short_)
		return -V3_EINVAL;
	if (rc)
		return rc;
	if (in->kind != V3_INSN_STOS && in->kind != V3_INSN_MOVS)
		in->rep = in->repne = false;
	/* Segment overrides other than FS/GS are ignored in 64-bit mode, and never on ES:rDI. */
	if (in->seg_override != V3_REG_NONE && in->kind != V3_INSN_STOS &&
	    in->kind != V3_INSN_MOVS && (mode != V3_MODE_LONG64 || in->seg_override >= V3_SEG_FS))
		in->mem.seg = in->seg_override;
	in->len = (u8)c.pos;
	if (in->lock && !lock_ok(in))
		return -V3_EPERM;
	return 0;
}

static u64 gpr(const struct v3_gprs *g, u8 r)
{
	return ((const u64 *)g)[r & 15];
}

u64 v3_insn_ea(const struct v3_insn *in, const struct v3_gprs *g, u64 rip)
{
	const struct v3_mem_operand *m = &in->mem;
	u64 ea = (u64)m->disp;

	if (m->base != V3_REG_NONE)
		ea += gpr(g, m->base);
	if (m->index != V3_REG_NONE)
		ea += gpr(g, m->index) * m->scale;
	if (m->rip_rel)
		ea += rip + in->len;
	return ea & v3_size_mask(in->addr_size);
}
