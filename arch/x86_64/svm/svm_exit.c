/* SPDX-License-Identifier: MIT */
/*
 * Translating a #VMEXIT into the generic struct v3_exit (exit codes and
 * EXITINFO1/2 per AMD APM Vol. 2 Appendix C and §15.10-15.12, §15.25.6).
 * The instruction length is taken from NRIP where the CPU has NRIP save and
 * from EXITINFO2 for IOIO; elsewhere the core decodes the instruction.
 */
#include "init.h"
#include "svm.h"
#include "vm.h"

static bool exit_has_nrip(u64 code)
{
	/* Instruction intercepts (APM §15.7.1): CPUID .. XSETBV, and MSR, HLT. */
	return code >= 0x06e && code <= 0x08f;
}

void svm_decode_exit(struct v3_vcpu *vcpu, const struct vmcb *vmcb)
{
	const struct vmcb_control *c = &vmcb->control;
	struct v3_exit *e = &vcpu->exit;
	u64 code = c->exitcode;

	*e = (struct v3_exit){ .raw_code = code, .raw_info1 = c->exitinfo1,
			       .raw_info2 = c->exitinfo2 };
	if (v3_core()->features.svm.nrip_save && c->nrip > vmcb->save.rip &&
	    c->nrip - vmcb->save.rip <= 15 && exit_has_nrip(code))
		e->insn_len = (u8)(c->nrip - vmcb->save.rip);

	if ((u32)code == (u32)SVM_EXIT_INVALID) {
		e->kind = V3_EXIT_ENTRY_FAILED;
		return;
	}
	if (code >= SVM_EXIT_EXCP_BASE && code < SVM_EXIT_EXCP_BASE + 32) {
		u8 v = (u8)(code - SVM_EXIT_EXCP_BASE);

		e->kind = V3_EXIT_EXCEPTION;
		e->exc.vector = v;
		/* #DF, #TS, #NP, #SS, #GP, #PF, #AC carry an error code. */
		e->exc.has_error = v == 8 || (v >= 10 && v <= 14) || v == 17;
		e->exc.error = (u32)c->exitinfo1;
		e->exc.cr2 = c->exitinfo2;
		return;
	}
	if (code <= SVM_EXIT_CR_WRITE_LAST) {
		e->kind = V3_EXIT_CR_ACCESS;
		return;
	}
	switch (code) {
	case SVM_EXIT_INVLPG:
		e->kind = V3_EXIT_INVLPG;
		break;
	case SVM_EXIT_IOIO: {
		u64 i = c->exitinfo1;

		e->kind = V3_EXIT_IO;
		e->io.port = (u16)(i >> 16);
		e->io.in = i & SVM_IOIO_IN;
		e->io.string = i & SVM_IOIO_STR;
		e->io.rep = i & SVM_IOIO_REP;
		e->io.size = (i & (1u << 4)) ? 1 : (i & (1u << 5)) ? 2 : 4;
		e->io.addr_size = (i & (1u << 7)) ? 2 : (i & (1u << 8)) ? 4 : 8;
		e->io.seg = (u8)((i >> 10) & 7);
		/* EXITINFO2 is the next RIP for IOIO, NRIP save or not. */
		if (c->exitinfo2 > vmcb->save.rip && c->exitinfo2 - vmcb->save.rip <= 15)
			e->insn_len = (u8)(c->exitinfo2 - vmcb->save.rip);
		break;
	}
	case SVM_EXIT_MSR:
		e->kind = c->exitinfo1 ? V3_EXIT_MSR_WRITE : V3_EXIT_MSR_READ;
		e->msr.index = (u32)vcpu->s.gprs.rcx;
		break;
	case SVM_EXIT_CPUID:
		e->kind = V3_EXIT_CPUID;
		break;
	case SVM_EXIT_VMMCALL:
		e->kind = V3_EXIT_HYPERCALL;
		break;
	case SVM_EXIT_HLT:
		e->kind = V3_EXIT_HLT;
		break;
	case SVM_EXIT_NPF:
		e->kind = V3_EXIT_NPF;
		e->npf.gpa = c->exitinfo2;
		e->npf.access = (u32)c->exitinfo1 & (V3_NPF_PRESENT | V3_NPF_WRITE | V3_NPF_FETCH);
		break;
	case SVM_EXIT_INTR:
		e->kind = V3_EXIT_INTR;
		break;
	case SVM_EXIT_NMI:
		e->kind = V3_EXIT_NMI;
		break;
	case SVM_EXIT_VINTR:
		e->kind = V3_EXIT_INTR_WINDOW;
		break;
	case SVM_EXIT_SHUTDOWN:
		e->kind = V3_EXIT_SHUTDOWN;
		break;
	case SVM_EXIT_INIT:
		e->kind = V3_EXIT_INIT;
		break;
	default:
		e->kind = V3_EXIT_UNKNOWN;
		break;
	}
}

const char *svm_exit_name(u64 code)
{
	static const struct {
		u32 code;
		const char *name;
	} names[] = {
		{ 0x060, "INTR" }, { 0x061, "NMI" }, { 0x062, "SMI" }, { 0x063, "INIT" },
		{ 0x064, "VINTR" }, { 0x06e, "RDTSC" }, { 0x06f, "RDPMC" }, { 0x070, "PUSHF" },
		{ 0x071, "POPF" }, { 0x072, "CPUID" }, { 0x073, "RSM" }, { 0x074, "IRET" },
		{ 0x075, "SWINT" }, { 0x076, "INVD" }, { 0x077, "PAUSE" }, { 0x078, "HLT" },
		{ 0x079, "INVLPG" }, { 0x07a, "INVLPGA" }, { 0x07b, "IOIO" }, { 0x07c, "MSR" },
		{ 0x07d, "TASK_SWITCH" }, { 0x07e, "FERR_FREEZE" }, { 0x07f, "SHUTDOWN" },
		{ 0x080, "VMRUN" }, { 0x081, "VMMCALL" }, { 0x082, "VMLOAD" }, { 0x083, "VMSAVE" },
		{ 0x084, "STGI" }, { 0x085, "CLGI" }, { 0x086, "SKINIT" }, { 0x087, "RDTSCP" },
		{ 0x088, "ICEBP" }, { 0x089, "WBINVD" }, { 0x08a, "MONITOR" }, { 0x08b, "MWAIT" },
		{ 0x08c, "MWAIT_CONDITIONAL" }, { 0x08d, "XSETBV" }, { 0x400, "NPF" },
		{ 0xffffffff, "VMEXIT_INVALID (the VMCB failed VMRUN's consistency checks)" },
	};

	if (code < 0x10)
		return "CR read";
	if (code < 0x20)
		return "CR write";
	if (code < 0x40)
		return "DR access";
	if (code < 0x60)
		return "exception";
	for (unsigned int i = 0; i < V3_ARRAY_SIZE(names); i++)
		if (names[i].code == (u32)code)
			return names[i].name;
	return "unknown exit code";
}
