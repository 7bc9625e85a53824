/* SPDX-License-Identifier: MIT */
/*
 * Port I/O exits. IN/OUT go to the hook covering the port; INS/OUTS (with
 * or without REP) are done here element by element through guest memory, in
 * batches so one exit never runs unbounded (the instruction restarts with
 * the updated RCX, as a REP string instruction does after an interrupt).
 * Ports nobody hooked read as all ones and ignore writes, like an empty ISA bus.
 */
#include <arch/backend.h>

#include "host_ops.h"
#include "io.h"
#include "log.h"
#include "vcpu.h"
#include "vm.h"

#define STRING_IO_BATCH 1024
#define RFLAGS_DF (1UL << 10)

struct v3_io_hook {
	v3_io_read_fn read;
	v3_io_write_fn write;
	void *priv;
};

int v3_hook_io(struct v3_vm *vm, u16 first, u16 last, v3_io_read_fn read, v3_io_write_fn write,
	       void *priv)
{
	struct v3_io_hook *h;
	int rc;

	if (last < first)
		return -V3_EINVAL;
	h = v3_malloc(sizeof(*h));
	if (!h)
		return -V3_ENOMEM;
	*h = (struct v3_io_hook){ read, write, priv };
	rc = v3_range_table_insert(&vm->io_hooks, first, (u64)last + 1, h);
	if (rc)
		v3_free(h);
	return rc;
}

void v3_io_deinit(struct v3_vm *vm)
{
	for (size_t i = 0; i < vm->io_hooks.count; i++)
		v3_free(vm->io_hooks.ranges[i].priv);
	v3_range_table_destroy(&vm->io_hooks);
}

static int port_read(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 *val)
{
	const struct v3_range *r = v3_range_table_find(&vcpu->vm->io_hooks, port);
	const struct v3_io_hook *h = r ? r->priv : NULL;

	*val = 0xffffffffu >> (32 - 8 * size);
	if (h && h->read)
		return h->read(vcpu, port, size, val, h->priv);
	if (!h)
		vcpu->vm->unhandled_io++;
	return 0;
}

static int port_write(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 val)
{
	const struct v3_range *r = v3_range_table_find(&vcpu->vm->io_hooks, port);
	const struct v3_io_hook *h = r ? r->priv : NULL;

	if (h && h->write)
		return h->write(vcpu, port, size, val & (0xffffffffu >> (32 - 8 * size)), h->priv);
	if (!h)
		vcpu->vm->unhandled_io++;
	return 0;
}

static void set_rax(struct v3_vcpu *vcpu, unsigned int size, u32 val)
{
	u64 *rax = &vcpu->s.gprs.rax;

	if (size == 4)
		*rax = val;  /* a 32-bit destination zero-extends */
	else if (size == 2)
		*rax = (*rax & ~0xffffUL) | (val & 0xffff);
	else
		*rax = (*rax & ~0xffUL) | (val & 0xff);
}

static int string_io(struct v3_vcpu *vcpu)
{
	const struct v3_exit *e = &vcpu->exit;
	u64 amask = e->io.addr_size == 8 ? ~0UL : (1UL << (8 * e->io.addr_size)) - 1;
	u64 *idx = e->io.in ? &vcpu->s.gprs.rdi : &vcpu->s.gprs.rsi;
	u64 *rcx = &vcpu->s.gprs.rcx;
	u64 count = e->io.rep ? (*rcx & amask) : 1;
	s64 step = (vcpu->s.rflags & RFLAGS_DF) ? -(s64)e->io.size : e->io.size;
	struct v3_segment seg;
	u64 done;

	vcpu->vm->arch->get_segment(vcpu, e->io.in ? V3_SEG_ES : e->io.seg, &seg);
	for (done = 0; done < count && done < STRING_IO_BATCH; done++) {
		u64 la = seg.base + (*idx & amask);
		u32 val = 0;
		int rc;

		if (e->io.in) {
			rc = port_read(vcpu, e->io.port, e->io.size, &val);
			if (!rc)
				rc = v3_vcpu_write_linear(vcpu, la, &val, e->io.size);
		} else {
			rc = v3_vcpu_read_linear(vcpu, la, &val, e->io.size);
			if (!rc)
				rc = port_write(vcpu, e->io.port, e->io.size, val);
		}
		if (rc > 0)
			return 0;  /* a fault was queued for the guest */
		if (rc < 0)
			return v3_vcpu_stop_vm(vcpu, V3_STOP_ERROR, 0,
					       "string I/O %s port 0x%x at 0x%lx failed (%d)",
					       e->io.in ? "from" : "to", e->io.port, la, rc);
		*idx = (*idx & ~amask) | ((*idx + step) & amask);
		if (e->io.rep)
			*rcx = (*rcx & ~amask) | ((*rcx - 1) & amask);
	}
	if (done < count)
		return 0;  /* not finished: re-execute the instruction */
	return v3_vcpu_skip_insn(vcpu);
}

int v3_handle_io(struct v3_vcpu *vcpu)
{
	const struct v3_exit *e = &vcpu->exit;
	int rc;

	if (e->io.size != 1 && e->io.size != 2 && e->io.size != 4)
		return v3_vcpu_stop_vm(vcpu, V3_STOP_ERROR, 0, "I/O exit with size %u", e->io.size);
	if (e->io.string)
		return string_io(vcpu);
	if (e->io.in) {
		u32 val;

		rc = port_read(vcpu, e->io.port, e->io.size, &val);
		if (!rc)
			set_rax(vcpu, e->io.size, val);
	} else {
		rc = port_write(vcpu, e->io.port, e->io.size, (u32)vcpu->s.gprs.rax);
	}
	if (rc < 0)
		return v3_vcpu_stop_vm(vcpu, V3_STOP_ERROR, 0, "I/O %s port 0x%x failed (%d)",
				       e->io.in ? "read from" : "write to", e->io.port, rc);
	return v3_vcpu_skip_insn(vcpu);
}
