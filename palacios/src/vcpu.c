/* SPDX-License-Identifier: MIT */
/*
 * The vCPU: its run loop, event queueing, and access to guest memory as the
 * guest sees it (through its own page tables).
 */
#include <arch/backend.h>
#include <stdarg.h>

#include "host_ops.h"
#include "init.h"
#include "insn_len.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "log.h"
#include "paging/walk.h"
#include "vcpu.h"
#include "vm.h"

/* ---- events ---- */

void v3_raise_interrupt(struct v3_vcpu *vcpu, u8 vector)
{
	__atomic_fetch_or(&vcpu->irq_pending[vector / 64], 1UL << (vector % 64), __ATOMIC_RELEASE);
	v3_host->kick_cpu(vcpu->host_cpu);
}

int v3_highest_pending_irq(const struct v3_vcpu *vcpu)
{
	for (int w = 3; w >= 0; w--) {
		u64 bits = __atomic_load_n(&vcpu->irq_pending[w], __ATOMIC_ACQUIRE);

		if (bits)
			return w * 64 + 63 - __builtin_clzll(bits);
	}
	return -1;
}

void v3_clear_pending_irq(struct v3_vcpu *vcpu, u8 vector)
{
	__atomic_fetch_and(&vcpu->irq_pending[vector / 64], ~(1UL << (vector % 64)),
			   __ATOMIC_RELEASE);
}

void v3_inject_exception(struct v3_vcpu *vcpu, u8 vector, bool has_error, u32 error)
{
	vcpu->exception.valid = true;
	vcpu->exception.vector = vector;
	vcpu->exception.has_error = has_error;
	vcpu->exception.error = error;
}

/* ---- guest memory through the guest's page tables ---- */

static int walk_read(void *ctx, u64 gpa, void *buf, unsigned int len)
{
	return v3_gpa_read(ctx, gpa, buf, len);
}

static int walk_cmpxchg(void *ctx, u64 gpa, u64 old, u64 new_val, unsigned int len)
{
	void *p = v3_gpa_to_hva(ctx, gpa, len);

	if (!p)
		return -V3_EFAULT;
	if (len == 8)
		return __atomic_compare_exchange_n((u64 *)p, &old, new_val, false, __ATOMIC_SEQ_CST,
						   __ATOMIC_SEQ_CST) ? 0 : 1;
	{
		u32 o = (u32)old;

		return __atomic_compare_exchange_n((u32 *)p, &o, (u32)new_val, false,
						   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) ? 0 : 1;
	}
}

const struct v3_guest_mem_ops v3_guest_walk_mem = { walk_read, walk_cmpxchg };

void v3_vcpu_paging_regs(const struct v3_vcpu *vcpu, struct v3_paging_regs *r)
{
	*r = (struct v3_paging_regs){
		.cr0 = vcpu->s.cr0, .cr3 = vcpu->s.cr3, .cr4 = vcpu->s.cr4,
		.efer = vcpu->s.efer, .rflags = vcpu->s.rflags, .cpl = vcpu->s.cpl,
		.maxphyaddr = vcpu->vm->maxphyaddr,
		/* The guest sees the host's 1 GiB-page bit (CPUID 0x80000001 EDX.26). */
		.gbpages = v3_core()->features.pdpe1gb,
	};
}

/*
 * Translate la; 0 ok, 1 the access faults: a #PF (or #GP for a non-canonical
 * address) was queued for the guest if inject is set.
 */
static int translate(struct v3_vcpu *vcpu, u64 la, u32 access, bool inject, u64 *gpa)
{
	struct v3_paging_regs regs;
	struct v3_walk_result res;
	int rc;

	v3_vcpu_paging_regs(vcpu, &regs);
	if (vcpu->s.cpl == 3)
		access |= V3_ACC_USER;
	rc = v3_walk(&regs, &v3_guest_walk_mem, vcpu->vm, la, access, V3_WALK_SET_AD, &res);
	if (rc == V3_WALK_FAULT) {
		if (inject) {
			vcpu->s.cr2 = la;
			v3_inject_exception(vcpu, 14, true, res.error_code);
		}
		return 1;
	}
	if (rc == V3_WALK_NONCANONICAL) {
		if (inject)
			v3_inject_exception(vcpu, 13, true, 0);
		return 1;
	}
	if (rc < 0)
		return rc;
	*gpa = res.gpa;
	return 0;
}

static int linear_copy(struct v3_vcpu *vcpu, u64 la, void *buf, unsigned int len, u32 access,
		       bool inject)
{
	u8 *p = buf;

	while (len) {
		unsigned int n = V3_PAGE_SIZE - (la & (V3_PAGE_SIZE - 1));
		u64 gpa;
		int rc;

		if (n > len)
			n = len;
		rc = translate(vcpu, la, access, inject, &gpa);
		if (rc)
			return rc;
		rc = (access & V3_ACC_WRITE) ? v3_gpa_write(vcpu->vm, gpa, p, n)
					     : v3_gpa_read(vcpu->vm, gpa, p, n);
		if (rc)
			return rc;
		p += n;
		la += n;
		len -= n;
	}
	return 0;
}

int v3_vcpu_translate(struct v3_vcpu *vcpu, u64 la, u32 access, u64 *gpa)
{
	return translate(vcpu, la, access, true, gpa);
}

int v3_vcpu_read_linear(struct v3_vcpu *vcpu, u64 la, void *buf, unsigned int len)
{
	return linear_copy(vcpu, la, buf, len, 0, true);
}

int v3_vcpu_write_linear(struct v3_vcpu *vcpu, u64 la, const void *buf, unsigned int len)
{
	return linear_copy(vcpu, la, (void *)buf, len, V3_ACC_WRITE, true);
}

static enum v3_cpu_mode cpu_mode(struct v3_vcpu *vcpu, struct v3_segment *cs)
{
	vcpu->vm->arch->get_segment(vcpu, V3_SEG_CS, cs);
	return v3_cpu_mode_from_regs(vcpu->s.cr0, vcpu->s.efer, vcpu->s.rflags,
				     (cs->attrib & V3_SEG_ATTR_L) != 0, (cs->attrib & V3_SEG_ATTR_DB) != 0);
}

enum v3_cpu_mode v3_vcpu_cpu_mode(struct v3_vcpu *vcpu)
{
	struct v3_segment cs;

	return cpu_mode(vcpu, &cs);
}

/* Instruction bytes at CS:RIP, as far as they can be read (up to len). */
static int fetch(struct v3_vcpu *vcpu, u8 *buf, unsigned int len, enum v3_cpu_mode *mode)
{
	struct v3_segment cs;
	u64 la;
	unsigned int got = 0;

	*mode = cpu_mode(vcpu, &cs);
	la = (*mode == V3_MODE_LONG64 ? 0 : cs.base) + vcpu->s.rip;
	if (*mode != V3_MODE_LONG64)
		la &= 0xffffffffUL;
	/*
	 * Page by page, so an instruction near an unmapped page still yields
	 * the bytes before it. Fetching for the VMM's own use never faults the
	 * guest.
	 */
	while (got < len) {
		unsigned int n = V3_PAGE_SIZE - ((la + got) & (V3_PAGE_SIZE - 1));

		if (n > len - got)
			n = len - got;
		if (linear_copy(vcpu, la + got, buf + got, n, V3_ACC_FETCH, false))
			break;
		got += n;
	}
	return got ? (int)got : -V3_EFAULT;
}

int v3_vcpu_fetch_insn(struct v3_vcpu *vcpu, u8 *buf, unsigned int len)
{
	enum v3_cpu_mode mode;

	return fetch(vcpu, buf, len, &mode);
}

int v3_vcpu_skip_insn(struct v3_vcpu *vcpu)
{
	u8 bytes[15];
	enum v3_cpu_mode mode;
	int n, len;

	if (vcpu->exit.insn_len) {
		vcpu->s.rip += vcpu->exit.insn_len;
		return 0;
	}
	n = fetch(vcpu, bytes, sizeof(bytes), &mode);
	if (n < 0)
		return v3_vcpu_stop_vm(vcpu, V3_STOP_ERROR, 0,
				       "cannot read the instruction at RIP 0x%lx to skip it",
				       vcpu->s.rip);
	len = v3_insn_length(bytes, (unsigned int)n, mode);
	if (len < 0)
		return v3_vcpu_stop_vm(vcpu, V3_STOP_ERROR, 0,
				       "cannot decode the instruction at RIP 0x%lx to skip it",
				       vcpu->s.rip);
	vcpu->s.rip += (unsigned int)len;
	if (mode != V3_MODE_LONG64)
		vcpu->s.rip &= mode == V3_MODE_PROT32 ? 0xffffffffUL : 0xffffUL;
	return 0;
}

/* ---- stopping ---- */

int v3_vcpu_stop_vm(struct v3_vcpu *vcpu, int reason, s64 status, const char *fmt, ...)
{
	char detail[sizeof(vcpu->vm->outcome.detail)];
	va_list ap;

	va_start(ap, fmt);
	v3_vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	v3_vm_set_stopped(vcpu->vm, (enum v3_stop_reason)reason, status, detail);
	return -V3_ESTOPPED;
}

/* ---- the run loop ---- */

int v3_vcpu_run_loop(struct v3_vcpu *vcpu)
{
	struct v3_vm *vm = vcpu->vm;
	const struct v3_arch_ops *arch = vm->arch;

	vcpu->host_cpu = v3_host->cpu_id();
	__atomic_fetch_add(&vm->vcpus_running, 1, __ATOMIC_ACQ_REL);
	while (v3_vm_running(vm)) {
		int rc;

		if (vcpu->timers || vcpu->host_timer_deadline)
			v3_vtimers_run(vcpu, __builtin_ia32_rdtsc());
		v3_console_input_poll(vcpu);
		if (vcpu->halted) {
			if (v3_intr_next(vcpu) < 0) {
				v3_host->yield();
				continue;
			}
			vcpu->halted = false;
		}
		rc = arch->vcpu_run(vcpu);
		vcpu->exits++;
		vcpu->exits_by_kind[vcpu->exit.kind]++;
		if (rc < 0) {
			v3_vcpu_stop_vm(vcpu, V3_STOP_ERROR, 0, "could not enter the guest: %s",
					arch->exit_name(vcpu->exit.raw_code));
			break;
		}
		if (v3_handle_exit(vcpu) < 0)
			break;
	}
	if (vcpu->host_timer_deadline) {
		v3_host->timer_cancel();
		vcpu->host_timer_deadline = 0;
	}
	if (__atomic_sub_fetch(&vm->vcpus_running, 1, __ATOMIC_ACQ_REL) == 0 && vm->waiter_cpu)
		v3_host->kick_cpu(vm->waiter_cpu - 1);
	return 0;
}
