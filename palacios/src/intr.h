/* SPDX-License-Identifier: MIT */
/*
 * Interrupt routing: device lines -> interrupt controllers -> vCPUs.
 *
 * Lines. A device drives platform interrupt lines by number: ISA IRQs 0-15
 * and the IOAPIC's GSIs share one number space (0 .. V3_IRQ_LINES-1), as on
 * a PC where ISA IRQ n reaches both the 8259 pair and IOAPIC pin n (or its
 * MADT override). v3_irq_set(vm, line, level) is the only call a device
 * makes: an edge-triggered device raises and lowers (or uses v3_irq_pulse);
 * a level-triggered one holds the line until the guest services it.
 *
 * Controllers. A PIC or IOAPIC registers a line sink and sees every level
 * change of every line. A controller that delivers to a vCPU (the PIC's INTR
 * output when there is no local APIC, a local APIC) registers a vCPU source:
 * before each entry the vCPU asks its sources for the highest-priority
 * pending vector and acknowledges the one it injects (the INTA cycle).
 *
 * Locking: line changes may come from any CPU (device timers run on the
 * CPU that armed them); each controller protects its own state.
 */
#ifndef V3_INTR_H
#define V3_INTR_H

#include <v3/types.h>

struct v3_vm;
struct v3_vcpu;

#define V3_IRQ_LINES 256
#define V3_MAX_IRQ_SINKS 4
#define V3_MAX_INTR_SOURCES 4

struct v3_irq_sink {
	/* A line changed level (true = asserted). */
	void (*set_level)(void *priv, unsigned int line, bool level);
	void *priv;
};

struct v3_intr_source {
	/* Highest-priority vector this controller wants delivered to vcpu, or -1. */
	int (*pending)(struct v3_vcpu *vcpu, void *priv);
	/* The vCPU is injecting vector now (INTA): move it from requested to in service. */
	void (*ack)(struct v3_vcpu *vcpu, u8 vector, void *priv);
	void *priv;
};

struct v3_intr_state {
	u64 line_level[V3_IRQ_LINES / 64];          /* current level of each line */
	struct v3_irq_sink sinks[V3_MAX_IRQ_SINKS];
	unsigned int nsinks;
};

struct v3_vcpu_intr {
	struct v3_intr_source sources[V3_MAX_INTR_SOURCES];
	unsigned int nsources;
};

int v3_irq_register_sink(struct v3_vm *vm, const struct v3_irq_sink *sink);
int v3_intr_register_source(struct v3_vcpu *vcpu, const struct v3_intr_source *src);

/* Drive a line; sinks are told only about changes of level. */
int v3_irq_set(struct v3_vm *vm, unsigned int line, bool level);
/* Raise then lower: one edge for edge-triggered inputs. */
int v3_irq_pulse(struct v3_vm *vm, unsigned int line);
bool v3_irq_level(const struct v3_vm *vm, unsigned int line);

/*
 * The vector to inject next, or -1: raw vectors queued with
 * v3_raise_interrupt() first (highest first), then the sources in
 * registration order. v3_intr_ack() must follow for the vector injected.
 */
int v3_intr_next(struct v3_vcpu *vcpu);
void v3_intr_ack(struct v3_vcpu *vcpu, u8 vector);

/* Tell the vCPU a source's state changed: wake it if halted, kick it out of the guest. */
void v3_intr_kick(struct v3_vcpu *vcpu);

#endif /* V3_INTR_H */
