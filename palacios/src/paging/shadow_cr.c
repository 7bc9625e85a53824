/* SPDX-License-Identifier: MIT */
/*
 * Under shadow paging the guest's control registers are the VMM's to keep (shadow.h): every
 * MOV to or from CR0, CR3 and CR4, CLTS, LMSW, SMSW and INVLPG exits, is decoded here
 * (whatever the backend told, so AMD-V without decode assists works the same) and executed
 * against vcpu->s with the checks the CPU makes (SDM vol. 2 MOV CR, vol. 3A 2.5, 9.8.5).
 */
#include <arch/backend.h>
#include <v3/errno.h>

#include "decode.h"
#include "host_ops.h"
#include "init.h"
#include "log.h"
#include "paging/shadow.h"
#include "vcpu.h"
#include "vm.h"

#define EXC_UD 6
#define EXC_GP 13

#define CR0_PE (1ULL << 0)
#define CR0_TS (1ULL << 3)
#define CR0_ET (1ULL << 4)
#define CR0_WP (1ULL << 16)
#define CR0_NW (1ULL << 29)
#define CR0_CD (1ULL << 30)
#define CR0_PG (1ULL << 31)
/* PE MP EM TS ET NE WP AM NW CD PG; the other bits of 31:0 ignore writes (SDM 2.5). */
#define CR0_DEFINED 0xe005003fULL

#define CR4_PSE (1ULL << 4)
#define CR4_PAE (1ULL << 5)
#define CR4_PGE (1ULL << 7)
#define CR4_PCIDE (1ULL << 17)
#define CR4_SMEP (1ULL << 20)
#define CR4_SMAP (1ULL << 21)
/* VME PVI TSD DE PSE PAE MCE PGE PCE OSFXSR OSXMMEXCPT UMIP FSGSBASE OSXSAVE SMEP SMAP. */
#define CR4_ALLOWED 0x350fffULL
/* The CR4 bits that change how linear addresses translate. */
#define CR4_PAGING (CR4_PSE | CR4_PAE | CR4_PGE | CR4_PCIDE | CR4_SMEP | CR4_SMAP)

#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)
#define EFER_NXE (1ULL << 11)

static u64 *gpr(struct v3_vcpu *vcpu, u8 r)
{
	return &((u64 *)&vcpu->s.gprs)[r & 15];
}

static int gp(struct v3_vcpu *vcpu)
{
	v3_inject_exception(vcpu, EXC_GP, true, 0);
	return 0;
}

static bool in_64bit_code(struct v3_vcpu *vcpu)
{
	struct v3_segment cs;

	if (!(vcpu->s.efer & EFER_LMA))
		return false;
	vcpu->vm->arch->get_segment(vcpu, V3_SEG_CS, &cs);
	return (cs.attrib & V3_SEG_ATTR_L) != 0;
}

/* MOV to CR0 (also CLTS and LMSW): 0, or 1 when a #GP was queued. */
static int write_cr0(struct v3_vcpu *vcpu, u64 val)
{
	u64 old = vcpu->s.cr0, efer = vcpu->s.efer;

	if (val >> 32)
		return 1;
	val = (val & CR0_DEFINED) | CR0_ET;
	if ((val & CR0_PG) && !(val & CR0_PE))
		return 1;
	if ((val & CR0_NW) && !(val & CR0_CD))
		return 1;
	if ((val & CR0_PG) && !(old & CR0_PG) && (efer & EFER_LME)) {
		if (!(vcpu->s.cr4 & CR4_PAE))
			return 1;
		efer |= EFER_LMA;
	}
	if (!(val & CR0_PG) && (old & CR0_PG) && (efer & EFER_LMA)) {
		if (in_64bit_code(vcpu))
			return 1;
		efer &= ~EFER_LMA;
	}
	vcpu->s.cr0 = val;
	vcpu->s.efer = efer;
	if ((old ^ val) & (CR0_PG | CR0_WP | CR0_PE))
		v3_shadow_flush(vcpu);
	return 0;
}

static int write_cr3(struct v3_vcpu *vcpu, u64 val)
{
	if (vcpu->s.efer & EFER_LMA) {
		if (val >> vcpu->vm->maxphyaddr)
			return 1;
	} else {
		val &= 0xffffffffULL;
	}
	vcpu->s.cr3 = val;
	v3_shadow_new_cr3(vcpu);
	return 0;
}

static int write_cr4(struct v3_vcpu *vcpu, u64 val)
{
	u64 old = vcpu->s.cr4;

	if (val & ~(u64)(CR4_ALLOWED))
		return 1;
	if ((vcpu->s.efer & EFER_LMA) && !(val & CR4_PAE))
		return 1;
	vcpu->s.cr4 = val;
	if ((old ^ val) & CR4_PAGING)
		v3_shadow_flush(vcpu);
	return 0;
}

static u64 read_cr(struct v3_vcpu *vcpu, u8 cr)
{
	switch (cr) {
	case 0:
		return vcpu->s.cr0;
	case 2:
		return vcpu->s.cr2;
	case 3:
		return vcpu->s.cr3;
	default:
		return vcpu->s.cr4;
	}
}

/* The linear address of a decoded memory operand. */
static u64 operand_la(struct v3_vcpu *vcpu, const struct v3_insn *in)
{
	u64 ea = v3_insn_ea(in, &vcpu->s.gprs, vcpu->s.rip);
	struct v3_segment s;

	if (in->mode == V3_MODE_LONG64 && in->mem.seg != V3_SEG_FS && in->mem.seg != V3_SEG_GS)
		return ea;
	vcpu->vm->arch->get_segment(vcpu, in->mem.seg, &s);
	if (in->mode == V3_MODE_LONG64)
		return s.base + ea;
	return (s.base + ea) & 0xffffffffULL;
}

/* Decodes the instruction at RIP; 0, 1 if an exception was queued, <0 if the VM stopped. */
static int decode_at_rip(struct v3_vcpu *vcpu, struct v3_insn *in, const char *what)
{
	u8 bytes[V3_INSN_MAX_LEN];
	int n = v3_vcpu_fetch_insn(vcpu, bytes, sizeof(bytes));
	int rc;

	if (n <= 0)
		return v3_vcpu_stop_vm(vcpu, V3_STOP_ERROR, 0, "%s exit: cannot read the instruction "
				       "at RIP 0x%lx", what, vcpu->s.rip);
	rc = v3_decode(bytes, (unsigned int)n, v3_vcpu_cpu_mode(vcpu), in);
	if (rc == -V3_EPERM) {
		v3_inject_exception(vcpu, EXC_UD, false, 0);
		return 1;
	}
	if (rc)
		return v3_vcpu_stop_vm(vcpu, V3_STOP_ERROR, 0, "%s exit: instruction at RIP 0x%lx "
				       "does not decode (%d): %02x %02x %02x %02x", what,
				       vcpu->s.rip, rc, bytes[0], n > 1 ? bytes[1] : 0,
				       n > 2 ? bytes[2] : 0, n > 3 ? bytes[3] : 0);
	return 0;
}

static void advance(struct v3_vcpu *vcpu, const struct v3_insn *in)
{
	vcpu->s.rip += in->len;
	if (in->mode != V3_MODE_LONG64)
		vcpu->s.rip &= in->mode == V3_MODE_PROT32 ? 0xffffffffULL : 0xffffULL;
}

int v3_shadow_handle_cr_access(struct v3_vcpu *vcpu)
{
	struct v3_insn in;
	int rc = decode_at_rip(vcpu, &in, "CR access");
	u64 val;
	u16 msw;

	if (rc)
		return rc < 0 ? rc : 0;
	if (vcpu->s.cpl != 0)
		return gp(vcpu);
	switch (in.kind) {
	case V3_INSN_MOV_TO_CR:
		val = *gpr(vcpu, in.rm);
		if (in.op_size == 4)
			val &= 0xffffffffULL;
		switch (in.reg) {
		case 0:
			rc = write_cr0(vcpu, val);
			break;
		case 3:
			rc = write_cr3(vcpu, val);
			break;
		case 4:
			rc = write_cr4(vcpu, val);
			break;
		default:
			return v3_vcpu_stop_vm(vcpu, V3_STOP_ERROR, 0, "MOV to CR%u intercepted at "
					       "RIP 0x%lx: not handled", in.reg, vcpu->s.rip);
		}
		break;
	case V3_INSN_MOV_FROM_CR:
		if (in.reg != 0 && in.reg != 2 && in.reg != 3 && in.reg != 4)
			return v3_vcpu_stop_vm(vcpu, V3_STOP_ERROR, 0, "MOV from CR%u intercepted "
					       "at RIP 0x%lx: not handled", in.reg, vcpu->s.rip);
		val = read_cr(vcpu, in.reg);
		*gpr(vcpu, in.rm) = in.op_size == 4 ? (val & 0xffffffffULL) : val;
		break;
	case V3_INSN_CLTS:
		rc = write_cr0(vcpu, vcpu->s.cr0 & ~CR0_TS);
		break;
	case V3_INSN_LMSW:
		if (in.rm != V3_REG_NONE) {
			msw = (u16)*gpr(vcpu, in.rm);
		} else {
			rc = v3_vcpu_read_linear(vcpu, operand_la(vcpu, &in), &msw, 2);
			if (rc)
				return rc < 0 ? rc : 0;
		}
		/* PE, MP, EM, TS; LMSW can set PE but never clear it. */
		rc = write_cr0(vcpu, (vcpu->s.cr0 & ~0xeULL) | (msw & 0xf));
		break;
	case V3_INSN_SMSW:
		val = vcpu->s.cr0;
		if (in.rm != V3_REG_NONE) {
			u64 *r = gpr(vcpu, in.rm);

			if (in.op_size == 2)
				*r = (*r & ~0xffffULL) | (val & 0xffff);
			else
				*r = in.op_size == 4 ? (val & 0xffffffffULL) : val;
		} else {
			msw = (u16)val;
			rc = v3_vcpu_write_linear(vcpu, operand_la(vcpu, &in), &msw, 2);
			if (rc)
				return rc < 0 ? rc : 0;
		}
		break;
	default:
		return v3_vcpu_stop_vm(vcpu, V3_STOP_ERROR, 0, "CR access exit at RIP 0x%lx by an "
				       "instruction that does not access a CR", vcpu->s.rip);
	}
	if (rc)
		return gp(vcpu);
	advance(vcpu, &in);
	return 0;
}

int v3_shadow_handle_invlpg(struct v3_vcpu *vcpu)
{
	struct v3_insn in;
	int rc = decode_at_rip(vcpu, &in, "INVLPG");

	if (rc)
		return rc < 0 ? rc : 0;
	if (in.kind != V3_INSN_INVLPG)
		return v3_vcpu_stop_vm(vcpu, V3_STOP_ERROR, 0, "INVLPG exit at RIP 0x%lx by another "
				       "instruction", vcpu->s.rip);
	if (vcpu->s.cpl != 0)
		return gp(vcpu);
	v3_shadow_invlpg(vcpu, operand_la(vcpu, &in));
	advance(vcpu, &in);
	return 0;
}

void v3_shadow_efer_written(struct v3_vcpu *vcpu, u64 old_efer)
{
	if ((old_efer ^ vcpu->s.efer) & (EFER_NXE | EFER_LMA))
		v3_shadow_flush(vcpu);
}
