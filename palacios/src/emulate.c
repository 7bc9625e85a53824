/* SPDX-License-Identifier: MIT */
/*
 * The MMIO instruction emulator (see emulate.h). Each access goes through
 * the guest's page tables at the guest's CPL (v3_vcpu_translate), then to the
 * region that holds the guest-physical address: an MMIO region's callback,
 * or guest RAM. So MOVS works with MMIO on either side, and an operand in
 * RAM that is not mapped gets the guest its #PF.
 *
 * Not checked, because the CPU checked them before the access reached the
 * nested page tables: segment limits and rights, alignment (#AC), and
 * the instruction's validity apart from what it needs to decode. Not
 * modelled: single-step traps (RFLAGS.TF) after an emulated instruction,
 * data breakpoints, and atomicity of LOCKed and XCHG operations against
 * other vCPUs (an MMIO callback sees one read and one write).
 */
#include <arch/backend.h>
#include <v3/errno.h>

#include "emulate.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mem.h"
#include "paging/walk.h"
#include "vcpu.h"
#include "vm.h"

#define EXC_UD 6

_Static_assert(sizeof(struct v3_gprs) == 16 * sizeof(u64), "gprs are 16 u64 in ModRM order");

struct emu {
	struct v3_vcpu *vcpu;
	struct v3_insn in;
	u64 fault_gpa;
	char *why;
	unsigned int why_len;
};

#define fail(e, rc, ...) (v3_snprintf((e)->why, (e)->why_len, __VA_ARGS__), (rc))

/* ---- flags ---- */

static bool parity(u64 v)
{
	return !(__builtin_popcount((unsigned int)(v & 0xff)) & 1);
}

u64 v3_alu(enum v3_alu_op op, unsigned int size, u64 dst, u64 src, u64 rflags, u64 *res)
{
	u64 mask = v3_size_mask(size), sign = 1UL << (size * 8 - 1);
	u64 a = dst & mask, b = src & mask, r, cf = 0, of = 0, af = 0;
	u64 c = (op == V3_ALU_ADC || op == V3_ALU_SBB) ? (rflags & V3_RFLAGS_CF) : 0;

	switch (op) {
	case V3_ALU_ADD:
	case V3_ALU_ADC:
		r = (a + b + c) & mask;
		/* Carry out of the top bit, overflow when both inputs' signs differ from r's. */
		cf = ((a & b) | ((a | b) & ~r)) & sign;
		of = (a ^ r) & (b ^ r) & sign;
		af = (a ^ b ^ r) & 0x10;
		break;
	case V3_ALU_SBB:
	case V3_ALU_SUB:
	case V3_ALU_CMP:
		r = (a - b - c) & mask;
		/* Borrow into the top bit; overflow when a, b differ in sign and r, a too. */
		cf = ((~a & b) | (~(a ^ b) & r)) & sign;
		of = (a ^ b) & (a ^ r) & sign;
		af = (a ^ b ^ r) & 0x10;
		break;
	case V3_ALU_OR:
		r = a | b;
		break;
	case V3_ALU_XOR:
		r = a ^ b;
		break;
	default:	/* AND, TEST */
		r = a & b;
		break;
	}
	*res = r;
	rflags &= ~V3_RFLAGS_ARITH;
	rflags |= (cf ? V3_RFLAGS_CF : 0) | (of ? V3_RFLAGS_OF : 0) | (af ? V3_RFLAGS_AF : 0) |
		  (parity(r) ? V3_RFLAGS_PF : 0) | (r ? 0 : V3_RFLAGS_ZF) |
		  ((r & sign) ? V3_RFLAGS_SF : 0);
	return rflags;
}

/* ---- registers ---- */

static u64 *gpr(struct v3_vcpu *vcpu, u8 r)
{
	return &vcpu->s.gprs.rax + (r & 15);
}

/* Writes size bytes of a register as the CPU does: 8/16-bit merge, 32-bit zero-extends. */
static void set_reg(struct v3_vcpu *vcpu, u8 r, bool high_byte, unsigned int size, u64 v)
{
	u64 *p = gpr(vcpu, high_byte ? r - 4 : r);

	if (high_byte)
		*p = (*p & ~0xff00UL) | ((v & 0xff) << 8);
	else if (size >= 4)
		*p = v & v3_size_mask(size);
	else
		*p = (*p & ~v3_size_mask(size)) | (v & v3_size_mask(size));
}

static u64 get_reg(struct v3_vcpu *vcpu, u8 r, bool high_byte, unsigned int size)
{
	if (high_byte)
		return (*gpr(vcpu, r - 4) >> 8) & 0xff;
	return *gpr(vcpu, r) & v3_size_mask(size);
}

/* ---- memory ---- */

static u64 linear(struct emu *e, u8 seg, u64 ea)
{
	struct v3_vcpu *vcpu = e->vcpu;
	struct v3_segment s;

	if (e->in.mode == V3_MODE_LONG64 && seg != V3_SEG_FS && seg != V3_SEG_GS)
		return ea;
	vcpu->vm->arch->get_segment(vcpu, seg, &s);
	if (e->in.mode == V3_MODE_LONG64)
		return s.base + ea;
	return (s.base + ea) & 0xffffffffUL;
}

/*
 * Copies len bytes at linear la to or from buf, region by region: MMIO
 * through the callbacks (a missing read callback reads all ones, a missing
 * write callback drops the write), RAM directly. 0, 1 when a fault was
 * queued for the guest, <0 on an error (with why[] set).
 */
static int access(struct emu *e, u64 la, void *buf, unsigned int len, bool write)
{
	struct v3_vcpu *vcpu = e->vcpu;
	u8 *p = buf;

	while (len) {
		unsigned int n = V3_PAGE_SIZE - (la & (V3_PAGE_SIZE - 1));
		const struct v3_mem_region *r;
		u64 gpa;
		int rc;

		if (n > len)
			n = len;
		rc = v3_vcpu_translate(vcpu, la, write ? V3_ACC_WRITE : 0, &gpa);
		if (rc)
			return rc < 0 ? fail(e, rc, "page walk of 0x%lx failed (%d)", la, rc) : 1;
		r = v3_mem_lookup(vcpu->vm, gpa);
		if (r && gpa + n > r->end)
			n = (unsigned int)(r->end - gpa);
		if (r && r->kind == V3_REGION_MMIO) {
			v3_mmio_fn fn = write ? r->write : r->read;

			rc = 0;
			if (fn)
				rc = fn(vcpu, gpa, p, n, r->priv);
			else if (!write)
				v3_memset(p, 0xff, n);
			if (rc == -V3_ESTOPPED)
				return rc;
			if (rc)
				return fail(e, rc < 0 ? rc : -V3_EIO,
					    "MMIO %s callback at 0x%lx failed (%d)",
					    write ? "write" : "read", gpa, rc);
		} else {
			rc = write ? v3_gpa_write(vcpu->vm, gpa, p, n)
				   : v3_gpa_read(vcpu->vm, gpa, p, n);
			if (rc)
				return fail(e, rc, "emulated %s of guest-physical 0x%lx: not RAM",
					    write ? "write" : "read", gpa);
		}
		p += n;
		la += n;
		len -= n;
	}
	return 0;
}

static int mem_read(struct emu *e, u64 la, unsigned int size, u64 *v)
{
	*v = 0;
	return access(e, la, v, size, false);
}

static int mem_write(struct emu *e, u64 la, unsigned int size, u64 v)
{
	return access(e, la, &v, size, true);
}

/* Whether [la, la + len) touches the faulting page: otherwise the bytes are not what faulted. */
static int check_target(struct emu *e, u64 la, unsigned int len)
{
	u64 last = la + len - 1, gpa;
	int rc;

	rc = v3_vcpu_translate(e->vcpu, la, 0, &gpa);
	if (rc)
		return rc < 0 ? fail(e, rc, "page walk of 0x%lx failed (%d)", la, rc) : 1;
	if ((gpa >> 12) == (e->fault_gpa >> 12))
		return 0;
	if ((last >> 12) != (la >> 12)) {
		rc = v3_vcpu_translate(e->vcpu, last, 0, &gpa);
		if (rc)
			return rc < 0 ? fail(e, rc, "page walk of 0x%lx failed (%d)", last, rc) : 1;
		if ((gpa >> 12) == (e->fault_gpa >> 12))
			return 0;
	}
	return fail(e, -V3_EINVAL,
		    "the instruction's memory operand (linear 0x%lx, guest-physical 0x%lx) is not "
		    "the faulting MMIO address 0x%lx", la, gpa, e->fault_gpa);
}

/* ---- instructions ---- */

static u64 ext(u64 v, unsigned int size, bool sign)
{
	unsigned int shift = 64 - 8 * size;

	return sign ? (u64)((s64)(v << shift) >> shift) : v & v3_size_mask(size);
}

static int do_mov(struct emu *e, u64 la)
{
	const struct v3_insn *in = &e->in;
	u64 v;
	int rc;

	if (in->kind == V3_INSN_MOV_STORE) {
		v = in->has_imm ? in->imm
				: get_reg(e->vcpu, in->reg, in->reg_high_byte, in->op_size);
		return mem_write(e, la, in->op_size, v);
	}
	rc = mem_read(e, la, in->src_size, &v);
	if (!rc)
		set_reg(e->vcpu, in->reg, in->reg_high_byte, in->op_size,
			ext(v, in->src_size, in->sign_extend));
	return rc;
}

static int do_alu(struct emu *e, u64 la)
{
	const struct v3_insn *in = &e->in;
	struct v3_vcpu *vcpu = e->vcpu;
	bool store = in->alu != V3_ALU_CMP && in->alu != V3_ALU_TEST;
	u64 m, r, other, res;
	int rc;

	rc = mem_read(e, la, in->op_size, &m);
	if (rc)
		return rc;
	other = in->has_imm ? in->imm : get_reg(vcpu, in->reg, in->reg_high_byte, in->op_size);
	if (in->mem_is_dst) {
		r = v3_alu(in->alu, in->op_size, m, other, vcpu->s.rflags, &res);
		if (store) {
			rc = mem_write(e, la, in->op_size, res);
			if (rc)
				return rc;
		}
	} else {
		r = v3_alu(in->alu, in->op_size, other, m, vcpu->s.rflags, &res);
		if (store)
			set_reg(vcpu, in->reg, in->reg_high_byte, in->op_size, res);
	}
	vcpu->s.rflags = r;
	return 0;
}

static int do_xchg(struct emu *e, u64 la)
{
	const struct v3_insn *in = &e->in;
	u64 m, r = get_reg(e->vcpu, in->reg, in->reg_high_byte, in->op_size);
	int rc;

	rc = mem_read(e, la, in->op_size, &m);
	if (!rc)
		rc = mem_write(e, la, in->op_size, r);
	if (!rc)
		set_reg(e->vcpu, in->reg, in->reg_high_byte, in->op_size, m);
	return rc;
}

/*
 * BT*: CF = the bit; the others change it. OF SF AF PF are undefined and ZF
 * unaffected (SDM BT): all are left as they were.
 */
static int do_bt(struct emu *e, u64 la)
{
	const struct v3_insn *in = &e->in;
	u64 m, bit = 1UL << (in->imm & (in->op_size * 8 - 1));
	int rc;

	rc = mem_read(e, la, in->op_size, &m);
	if (rc)
		return rc;
	e->vcpu->s.rflags = (e->vcpu->s.rflags & ~V3_RFLAGS_CF) | ((m & bit) ? V3_RFLAGS_CF : 0);
	switch (in->alu) {
	case V3_BTS: return mem_write(e, la, in->op_size, m | bit);
	case V3_BTR: return mem_write(e, la, in->op_size, m & ~bit);
	case V3_BTC: return mem_write(e, la, in->op_size, m ^ bit);
	}
	return 0;
}

/* Adds delta to the address-size part of register r (as the string instructions do). */
static void bump(struct v3_vcpu *vcpu, u8 r, unsigned int addr_size, s64 delta)
{
	set_reg(vcpu, r, false, addr_size, *gpr(vcpu, r) + (u64)delta);
}

/*
 * STOS/MOVS, REP included: up to V3_EMULATE_REP_BATCH iterations, then the
 * guest re-executes the instruction for the rest (as after an interrupt
 * between iterations). Returns 0 when all are done, 2 when more remain.
 */
static int do_string(struct emu *e)
{
	const struct v3_insn *in = &e->in;
	struct v3_vcpu *vcpu = e->vcpu;
	u64 amask = v3_size_mask(in->addr_size);
	u8 src_seg = in->seg_override != V3_REG_NONE ? in->seg_override : V3_SEG_DS;
	s64 step = (vcpu->s.rflags & V3_RFLAGS_DF) ? -(s64)in->op_size : in->op_size;
	bool rep = in->rep || in->repne;
	u64 count = rep ? vcpu->s.gprs.rcx & amask : 1;
	u64 n = count < V3_EMULATE_REP_BATCH ? count : V3_EMULATE_REP_BATCH;

	for (u64 i = 0; i < n; i++) {
		u64 dst = linear(e, V3_SEG_ES, vcpu->s.gprs.rdi & amask), v;
		u64 src = linear(e, src_seg, vcpu->s.gprs.rsi & amask);
		int rc;

		if (i == 0) {
			rc = check_target(e, dst, in->op_size);
			if (rc < 0 && in->kind == V3_INSN_MOVS)
				rc = check_target(e, src, in->op_size);
			if (rc)
				return rc;
		}
		v = vcpu->s.gprs.rax;
		rc = in->kind == V3_INSN_MOVS ? mem_read(e, src, in->op_size, &v) : 0;
		if (!rc)
			rc = mem_write(e, dst, in->op_size, v);
		if (rc)
			return rc;
		if (in->kind == V3_INSN_MOVS)
			bump(vcpu, 6, in->addr_size, step);
		bump(vcpu, 7, in->addr_size, step);
		if (rep)
			bump(vcpu, 1, in->addr_size, -1);
	}
	return n < count ? 2 : 0;
}

/* The memory operand's linear address (BT with a register offset: the addressed word's). */
static u64 operand_la(struct emu *e)
{
	struct v3_insn *in = &e->in;
	u64 ea = v3_insn_ea(in, &e->vcpu->s.gprs, e->vcpu->s.rip);

	if (in->kind == V3_INSN_BT && !in->has_imm) {
		/* The bit offset is signed and selects an operand-size word from ea (SDM BT). */
		u64 r = get_reg(e->vcpu, in->reg, false, in->op_size);
		s64 off = (s64)ext(r, in->op_size, true);
		unsigned int bits = in->op_size * 8;

		ea = (ea + (u64)((off >> __builtin_ctz(bits)) * in->op_size)) &
		     v3_size_mask(in->addr_size);
		in->imm = (u64)off & (bits - 1);
	}
	return linear(e, in->mem.seg, ea);
}

static int execute(struct emu *e)
{
	struct v3_insn *in = &e->in;
	u64 la;
	int rc;

	if (in->kind == V3_INSN_STOS || in->kind == V3_INSN_MOVS)
		return do_string(e);
	la = operand_la(e);
	rc = check_target(e, la, in->kind == V3_INSN_MOV_LOAD ? in->src_size : in->op_size);
	if (rc)
		return rc;
	switch (in->kind) {
	case V3_INSN_MOV_STORE:
	case V3_INSN_MOV_LOAD:
		return do_mov(e, la);
	case V3_INSN_ALU:
		return do_alu(e, la);
	case V3_INSN_XCHG:
		return do_xchg(e, la);
	case V3_INSN_BT:
		return do_bt(e, la);
	default:
		return fail(e, -V3_ENOTSUP, "instruction kind %d not emulated", in->kind);
	}
}

static enum v3_cpu_mode cpu_mode(struct v3_vcpu *vcpu)
{
	struct v3_segment cs;

	vcpu->vm->arch->get_segment(vcpu, V3_SEG_CS, &cs);
	return v3_cpu_mode_from_regs(vcpu->s.cr0, vcpu->s.efer, vcpu->s.rflags,
				     (cs.attrib & V3_SEG_ATTR_L) != 0,
				     (cs.attrib & V3_SEG_ATTR_DB) != 0);
}

int v3_emulate_mmio(struct v3_vcpu *vcpu, u64 gpa, char *why, unsigned int why_len)
{
	struct emu e = { .vcpu = vcpu, .fault_gpa = gpa, .why = why, .why_len = why_len };
	u8 bytes[V3_INSN_MAX_LEN];
	int n, rc;

	why[0] = '\0';
	n = v3_vcpu_fetch_insn(vcpu, bytes, sizeof(bytes));
	if (n <= 0)
		return fail(&e, -V3_EFAULT, "cannot read the MMIO instruction");
	rc = v3_decode(bytes, (unsigned int)n, cpu_mode(vcpu), &e.in);
	if (rc == -V3_EPERM) {
		v3_inject_exception(vcpu, EXC_UD, false, 0);	/* LOCK where not allowed */
		return 0;
	}
	if (rc == -V3_ENOTSUP)
		return fail(&e, rc, "MMIO access by an instruction the emulator does not handle");
	if (rc)
		return fail(&e, rc, "MMIO access by bytes that do not decode");
	rc = execute(&e);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		vcpu->s.rip += e.in.len;
		if (e.in.mode != V3_MODE_LONG64)
			vcpu->s.rip &= e.in.mode == V3_MODE_PROT32 ? 0xffffffffUL : 0xffffUL;
	}
	return 0;
}
