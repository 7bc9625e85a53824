/* SPDX-License-Identifier: MIT */
/* Interrupt lines and the vCPU's view of its interrupt controllers (intr.h). */
#include "host_ops.h"
#include "intr.h"
#include "vcpu.h"
#include "vm.h"

int v3_irq_register_sink(struct v3_vm *vm, const struct v3_irq_sink *sink)
{
	if (vm->intr.nsinks == V3_MAX_IRQ_SINKS)
		return -V3_ENOSPC;
	vm->intr.sinks[vm->intr.nsinks++] = *sink;
	return 0;
}

int v3_intr_register_source(struct v3_vcpu *vcpu, const struct v3_intr_source *src)
{
	if (vcpu->intr.nsources == V3_MAX_INTR_SOURCES)
		return -V3_ENOSPC;
	vcpu->intr.sources[vcpu->intr.nsources++] = *src;
	return 0;
}

int v3_irq_set(struct v3_vm *vm, unsigned int line, bool level)
{
	u64 bit;
	u64 old;

	if (line >= V3_IRQ_LINES)
		return -V3_EINVAL;
	bit = 1UL << (line % 64);
	old = level ? __atomic_fetch_or(&vm->intr.line_level[line / 64], bit, __ATOMIC_ACQ_REL)
		    : __atomic_fetch_and(&vm->intr.line_level[line / 64], ~bit, __ATOMIC_ACQ_REL);
	if (((old & bit) != 0) == level)
		return 0;
	for (unsigned int i = 0; i < vm->intr.nsinks; i++)
		vm->intr.sinks[i].set_level(vm->intr.sinks[i].priv, line, level);
	return 0;
}

int v3_irq_pulse(struct v3_vm *vm, unsigned int line)
{
	int rc = v3_irq_set(vm, line, true);

	return rc ? rc : v3_irq_set(vm, line, false);
}

bool v3_irq_level(const struct v3_vm *vm, unsigned int line)
{
	return line < V3_IRQ_LINES &&
	       (__atomic_load_n(&vm->intr.line_level[line / 64], __ATOMIC_ACQUIRE) >> (line % 64)) & 1;
}

int v3_intr_next(struct v3_vcpu *vcpu)
{
	int v = v3_highest_pending_irq(vcpu);

	if (v >= 0)
		return v;
	for (unsigned int i = 0; i < vcpu->intr.nsources; i++) {
		const struct v3_intr_source *s = &vcpu->intr.sources[i];

		v = s->pending(vcpu, s->priv);
		if (v >= 0)
			return v;
	}
	return -1;
}

void v3_intr_ack(struct v3_vcpu *vcpu, u8 vector)
{
	if (v3_highest_pending_irq(vcpu) == vector) {
		v3_clear_pending_irq(vcpu, vector);
		return;
	}
	for (unsigned int i = 0; i < vcpu->intr.nsources; i++) {
		const struct v3_intr_source *s = &vcpu->intr.sources[i];

		if (s->pending(vcpu, s->priv) == vector) {
			s->ack(vcpu, vector, s->priv);
			return;
		}
	}
}

void v3_intr_kick(struct v3_vcpu *vcpu)
{
	v3_host->kick_cpu(vcpu->host_cpu);
}
