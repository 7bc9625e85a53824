/* SPDX-License-Identifier: MIT */
/*
 * The IOAPIC (Intel 82093AA datasheet, 290566-001): 24 pins, indirectly addressed through
 * IOREGSEL (base+0x00) and IOWIN (base+0x10), with the ID, version and arbitration registers
 * and one 64-bit redirection entry per pin (datasheet 3.2.4).
 *
 * Pins are GSIs: pin n is interrupt line gsi_base+n (intr.h), so ISA IRQs map 1:1, with the
 * PC's one exception: ISA IRQ0 (the PIT) is wired to pin irq0_gsi (default 2, where pin 0 is
 * the 8259's output and line 2 is its cascade) and line irq0_gsi is not connected; the MADT's
 * interrupt source override (IRQ0 -> GSI2) must say the same (irq0_gsi="0": no override).
 * Lines carry assertion, not the electrical level: the polarity bit is kept for the guest
 * to read back and does not invert the input.
 *
 * Edge pins deliver on a rising edge while unmasked (an edge that arrives masked is lost);
 * level pins deliver while asserted, unmasked and with remote IRR clear, set remote IRR,
 * and deliver again after the local APIC's EOI broadcast (v3_ioapic_eoi) if still asserted.
 * Fixed, lowest-priority, NMI and INIT messages go to v3_lapic_deliver(); ExtINT through the
 * IOAPIC (the 8259's output wired to a pin, "virtual wire mode B") is not modelled: the PIC
 * reaches vCPU 0 by its own interrupt source. Delivery is immediate, so the delivery status
 * bit always reads idle.
 *
 * Lines change on any CPU: the state has its own lock, taken before a local APIC's (the
 * local APICs never call in here with theirs held).
 */
#include "apic.h"
#include "device.h"
#include "host_ops.h"
#include "intr.h"
#include "lib/spinlock.h"
#include "log.h"
#include "mem.h"
#include "vcpu.h"
#include "vm.h"

#define IOAPIC_PINS 24
#define IOAPIC_MMIO_SIZE 0x20
#define IOAPIC_VERSION (((u32)(IOAPIC_PINS - 1) << 16) | 0x11)

/* Register indexes behind IOWIN (datasheet 3.2). */
#define IOAPICID 0x00
#define IOAPICVER 0x01
#define IOAPICARB 0x02
#define IOREDTBL 0x10

/* Redirection entry bits (datasheet 3.2.4). */
#define RTE_VECTOR 0xffULL
#define RTE_DM_SHIFT 8
#define RTE_DEST_LOGICAL (1ULL << 11)
#define RTE_DELIVS (1ULL << 12)
#define RTE_POLARITY_LOW (1ULL << 13)
#define RTE_REMOTE_IRR (1ULL << 14)
#define RTE_LEVEL (1ULL << 15)
#define RTE_MASK (1ULL << 16)
#define RTE_DEST_SHIFT 56
/* What the guest may write: everything but delivery status and remote IRR. */
#define RTE_WRITABLE (0xff00000000000000ULL | 0x1afffULL)

struct ioapic {
	struct v3_vm *vm;
	u64 base;
	unsigned int gsi_base;
	unsigned int irq0_gsi;    /* the pin ISA IRQ0 is wired to */
	u8 regsel;
	u8 id;                    /* IOAPICID[27:24] */
	u64 rte[IOAPIC_PINS];
	u32 input;                /* level of each pin's line */
	struct v3_spinlock lock;
};

/* Without local APICs (CONFIG_V3_DEV_LAPIC=n), messages reach nobody. */
__attribute__((weak)) int v3_lapic_deliver(struct v3_vm *vm, u32 dest, bool logical, u8 vector,
					   bool level, int mode)
{
	return -V3_ENODEV;
}

static const char *const dm_names[8] = { "fixed", "lowest", "smi", "rsvd3",
					 "nmi", "init", "rsvd6", "extint" };

/* Sends pin's message; for a level pin, marks it in service at the local APICs. */
static void ioapic_deliver(struct ioapic *io, unsigned int pin)
{
	u64 e = io->rte[pin];
	int dm = (int)((e >> RTE_DM_SHIFT) & 7);
	bool level = e & RTE_LEVEL;
	int rc;

	if (dm == APIC_DM_EXTINT || dm == APIC_DM_SIPI || dm == 3 || dm == 6 || dm == APIC_DM_SMI) {
		v3_debug("vm %s: ioapic: pin %u: %s delivery not modelled, dropped", io->vm->name,
			 pin, dm_names[dm]);
		return;
	}
	/* NMI and INIT are edge-triggered whatever the entry says (datasheet 3.2.4). */
	if (dm == APIC_DM_NMI || dm == APIC_DM_INIT)
		level = false;
	if (level)
		io->rte[pin] |= RTE_REMOTE_IRR;
	rc = v3_lapic_deliver(io->vm, (u32)(e >> RTE_DEST_SHIFT), e & RTE_DEST_LOGICAL,
			      (u8)(e & RTE_VECTOR), level, dm);
	if (rc <= 0)
		v3_debug("vm %s: ioapic: pin %u vector %u reached no local APIC (%d)",
			 io->vm->name, pin, (unsigned int)(e & RTE_VECTOR), rc);
}

/* A level pin that is asserted, unmasked and not in service delivers (again). */
static void ioapic_service_level(struct ioapic *io, unsigned int pin)
{
	u64 e = io->rte[pin];

	if ((e & RTE_LEVEL) && !(e & (RTE_MASK | RTE_REMOTE_IRR)) && ((io->input >> pin) & 1))
		ioapic_deliver(io, pin);
}

static void ioapic_set_level(void *priv, unsigned int line, bool level)
{
	struct ioapic *io = priv;
	unsigned int pin = line - io->gsi_base;
	bool was;

	if (io->irq0_gsi && line == io->irq0_gsi)
		return;   /* its pin is IRQ0's */
	if (line == 0 && io->irq0_gsi)
		pin = io->irq0_gsi - io->gsi_base;
	if (line < io->gsi_base || pin >= IOAPIC_PINS)
		return;
	v3_spin_lock(&io->lock);
	was = (io->input >> pin) & 1;
	io->input = level ? io->input | (1u << pin) : io->input & ~(1u << pin);
	if (io->rte[pin] & RTE_LEVEL)
		ioapic_service_level(io, pin);
	else if (level && !was && !(io->rte[pin] & RTE_MASK))
		ioapic_deliver(io, pin);
	v3_spin_unlock(&io->lock);
}

void v3_ioapic_eoi(struct v3_vm *vm, u8 vector)
{
	for (struct v3_device *d = vm->devices; d; d = d->next) {
		struct ioapic *io = d->priv;

		if (d->cls != &ioapic_class)
			continue;
		v3_spin_lock(&io->lock);
		for (unsigned int pin = 0; pin < IOAPIC_PINS; pin++) {
			u64 e = io->rte[pin];

			if (!(e & RTE_REMOTE_IRR) || (e & RTE_VECTOR) != vector)
				continue;
			io->rte[pin] &= ~RTE_REMOTE_IRR;
			ioapic_service_level(io, pin);
		}
		v3_spin_unlock(&io->lock);
	}
}

static u32 reg_read(const struct ioapic *io, u8 idx)
{
	unsigned int pin = (idx - IOREDTBL) / 2;

	switch (idx) {
	case IOAPICID:
	case IOAPICARB:
		/* The arbitration ID is loaded from the ID (datasheet 3.2.3). */
		return (u32)io->id << 24;
	case IOAPICVER:
		return IOAPIC_VERSION;
	}
	if (idx < IOREDTBL || pin >= IOAPIC_PINS)
		return 0;
	return (idx & 1) ? (u32)(io->rte[pin] >> 32) : (u32)io->rte[pin];
}

static void reg_write(struct ioapic *io, u8 idx, u32 val)
{
	unsigned int pin = (idx - IOREDTBL) / 2;
	u64 e;

	if (idx == IOAPICID) {
		io->id = (val >> 24) & 0xf;
		return;
	}
	if (idx < IOREDTBL || pin >= IOAPIC_PINS)
		return;  /* VER, ARB and unimplemented indexes are read-only */
	e = io->rte[pin];
	if (idx & 1)
		e = (e & 0xffffffffULL) | ((u64)val << 32);
	else
		e = (e & ~0xffffffffULL) | val;
	io->rte[pin] = (io->rte[pin] & ~RTE_WRITABLE) | (e & RTE_WRITABLE);
	/* An edge pin has no remote IRR; unmasking a held level pin delivers it. */
	if (!(io->rte[pin] & RTE_LEVEL))
		io->rte[pin] &= ~RTE_REMOTE_IRR;
	ioapic_service_level(io, pin);
}

static int ioapic_mmio_read(struct v3_vcpu *vcpu, u64 gpa, void *data, unsigned int len,
			    void *priv)
{
	struct ioapic *io = priv;
	unsigned int off = (unsigned int)(gpa - io->base);
	u32 val = 0;
	u8 *out = data;

	v3_spin_lock(&io->lock);
	if (off < 0x10)
		val = off == 0 ? io->regsel : 0;
	else if (off < 0x14)
		val = reg_read(io, io->regsel) >> (8 * (off - 0x10));
	v3_spin_unlock(&io->lock);
	for (unsigned int i = 0; i < len; i++)
		out[i] = i < 4 ? (u8)(val >> (8 * i)) : 0;
	return 0;
}

static int ioapic_mmio_write(struct v3_vcpu *vcpu, u64 gpa, void *data, unsigned int len,
			     void *priv)
{
	struct ioapic *io = priv;
	unsigned int off = (unsigned int)(gpa - io->base);
	const u8 *in = data;
	u32 val = 0;

	for (unsigned int i = 0; i < len && i < 4; i++)
		val |= (u32)in[i] << (8 * i);
	v3_spin_lock(&io->lock);
	if (off == 0)
		io->regsel = (u8)val;
	else if (off == 0x10 && len >= 4)
		reg_write(io, io->regsel, val);
	else if (off >= 0x10 && off < 0x14)
		v3_debug("vm %s: ioapic: %u-byte IOWIN write at +%u ignored", io->vm->name, len,
			 off - 0x10);
	v3_spin_unlock(&io->lock);
	return 0;
}

static int ioapic_create(struct v3_vm *vm, const struct v3_cfg_node *cfg, void **priv)
{
	struct v3_irq_sink sink = { .set_level = ioapic_set_level };
	struct ioapic *io;
	u64 base, gsi_base, id, irq0_gsi;
	int rc;

	rc = v3_cfg_u64(cfg, "base", IOAPIC_DEFAULT_BASE, ~0ULL - IOAPIC_MMIO_SIZE, &base);
	if (!rc)
		rc = v3_cfg_u64(cfg, "gsi_base", 0, V3_IRQ_LINES - IOAPIC_PINS, &gsi_base);
	if (!rc)
		rc = v3_cfg_u64(cfg, "apic_id", 0, 15, &id);
	if (!rc)
		rc = v3_cfg_u64(cfg, "irq0_gsi", 2, V3_IRQ_LINES - 1, &irq0_gsi);
	if (!rc && irq0_gsi && (irq0_gsi < gsi_base || irq0_gsi >= gsi_base + IOAPIC_PINS))
		irq0_gsi = 0;  /* IRQ0 is another IOAPIC's: none of ours is remapped */
	if (rc)
		return rc;
	io = v3_zalloc(sizeof(*io));
	if (!io)
		return -V3_ENOMEM;
	io->vm = vm;
	io->base = base;
	io->gsi_base = (unsigned int)gsi_base;
	io->id = (u8)id;
	io->irq0_gsi = (unsigned int)irq0_gsi;
	for (unsigned int pin = 0; pin < IOAPIC_PINS; pin++)
		io->rte[pin] = RTE_MASK;
	sink.priv = io;
	/* The 82093AA decodes a 1 KiB window; only the first 0x20 bytes hold registers. */
	rc = v3_hook_mmio(vm, base, base + 0x1000, ioapic_mmio_read, ioapic_mmio_write, io);
	if (!rc)
		rc = v3_irq_register_sink(vm, &sink);
	if (rc) {
		v3_free(io);
		return rc;
	}
	*priv = io;
	return 0;
}

static void ioapic_free(void *priv)
{
	v3_free(priv);
}

static void ioapic_dump(void *priv)
{
	struct ioapic *io = priv;

	v3_info("vm %s: ioapic: base 0x%lx gsi %u irq0->%u id %u regsel 0x%02x input 0x%06x",
		io->vm->name, io->base, io->gsi_base, io->irq0_gsi, io->id, io->regsel, io->input);
	for (unsigned int pin = 0; pin < IOAPIC_PINS; pin++) {
		u64 e = io->rte[pin];

		if (e == RTE_MASK)
			continue;
		v3_info("vm %s: ioapic pin %2u: vec 0x%02x %s %s dest 0x%02x %s %s%s%s",
			io->vm->name, pin, (unsigned int)(e & RTE_VECTOR),
			dm_names[(e >> RTE_DM_SHIFT) & 7], e & RTE_DEST_LOGICAL ? "log" : "phys",
			(unsigned int)(e >> RTE_DEST_SHIFT), e & RTE_LEVEL ? "level" : "edge",
			e & RTE_POLARITY_LOW ? "low" : "high", e & RTE_MASK ? " masked" : "",
			e & RTE_REMOTE_IRR ? " remote-irr" : "");
	}
}

const struct v3_device_class ioapic_class = {
	.name = "ioapic",
	.create = ioapic_create,
	.free = ioapic_free,
	.dump = ioapic_dump,
};
