/* SPDX-License-Identifier: MIT */
/*
 * The PC's pair of 8259A interrupt controllers (Intel 8259A datasheet,
 * 231468-003): the master at 0x20/0x21 with the slave cascaded on its IRQ2,
 * the slave at 0xa0/0xa1, and the edge/level control registers (ELCR) of
 * the PIIX/ICH at 0x4d0/0x4d1.
 *
 * Supported: the ICW1-ICW4 initialization sequence (single or cascade,
 * ICW4 optional, LTIM), OCW1 masks, OCW2 EOI (non-specific, specific,
 * rotating, set priority, rotate in auto-EOI), OCW3 (read IRR/ISR, poll,
 * special mask), edge or level inputs, auto-EOI, special fully nested
 * mode, and the spurious IRQ7/IRQ15 an INTA gets when the request vanished.
 * Not modelled: the 8080/8085 call mode, buffered mode (ICW4 bits that
 * only matter on the bus).
 *
 * The pair is a line sink (ISA lines 0-15; line 2 is the cascade and is
 * ignored) and vCPU 0's interrupt source: pending() resolves what INTA would
 * return, ack() is the INTA. Lines may change on any CPU, so the state has
 * its own lock.
 */
#include "device.h"
#include "host_ops.h"
#include "intr.h"
#include "io.h"
#include "lib/spinlock.h"
#include "log.h"
#include "vcpu.h"
#include "vm.h"

#define PIC_CASCADE_IRQ 2
#define PIC_SPURIOUS_IRQ 7
#define PIC_NO_IRQ 8       /* get_priority(): no bit set */

/* ELCR bits that exist: IRQ0, 1, 2, 8 and 13 are always edge-triggered. */
#define ELCR_MASK_MASTER 0xf8
#define ELCR_MASK_SLAVE 0xde

/* ICW1 (datasheet figure 6). */
#define ICW1_IC4 0x01
#define ICW1_SNGL 0x02
#define ICW1_LTIM 0x08
#define ICW1_INIT 0x10
/* ICW4. */
#define ICW4_AEOI 0x02
#define ICW4_SFNM 0x10
/* OCW3 (bit 3 set, bit 4 clear). */
#define OCW3_SEL 0x08
#define OCW3_RIS 0x01
#define OCW3_RR 0x02
#define OCW3_POLL 0x04
#define OCW3_SMM 0x20
#define OCW3_ESMM 0x40

enum icw_step { ICW_DONE, ICW_2, ICW_3, ICW_4 };

struct pic_chip {
	u8 irr;            /* interrupt request register */
	u8 isr;            /* in-service register */
	u8 imr;            /* interrupt mask register (OCW1) */
	u8 elcr;           /* level-triggered inputs (ELCR) */
	u8 elcr_mask;      /* which ELCR bits are writable */
	u8 input;          /* current level of each input, for edge detection */
	u8 vector_base;    /* ICW2 & 0xf8 */
	u8 icw3;
	u8 priority_add;   /* the lowest-priority IRQ is priority_add - 1 (rotation) */
	u8 icw_step;       /* enum icw_step */
	bool ic4, single, ltim;
	bool auto_eoi, rotate_on_aeoi, sfnm;
	bool read_isr;     /* OCW3 RR/RIS: command port reads ISR, else IRR */
	bool poll;         /* the next command port read is a poll */
	bool special_mask;
};

struct pic8259 {
	struct v3_vm *vm;
	struct pic_chip chip[2];   /* master, slave */
	bool output;               /* master INT pin */
	bool attached;             /* vCPU 0 exists and has the source */
	struct v3_spinlock lock;
};

static void pic_lock(struct pic8259 *p)
{
	v3_spin_lock(&p->lock);
}

static void pic_unlock(struct pic8259 *p)
{
	v3_spin_unlock(&p->lock);
}

static bool is_level(const struct pic_chip *c, unsigned int irq)
{
	return c->ltim || (c->elcr >> irq) & 1;
}

/* An input changed level: latch a request (datasheet "Edge and level triggered modes"). */
static void chip_set_input(struct pic_chip *c, unsigned int irq, bool level)
{
	u8 bit = (u8)(1u << irq);

	if (is_level(c, irq)) {
		if (level)
			c->irr |= bit;
		else
			c->irr &= (u8)~bit;
	} else if (level && !(c->input & bit)) {
		c->irr |= bit;
	}
	c->input = level ? (u8)(c->input | bit) : (u8)(c->input & ~bit);
}

/* Priority (0 = highest) of the highest-priority bit set in mask, or PIC_NO_IRQ. */
static unsigned int get_priority(const struct pic_chip *c, u8 mask)
{
	unsigned int prio = 0;

	if (!mask)
		return PIC_NO_IRQ;
	while (!(mask & (1u << ((prio + c->priority_add) & 7))))
		prio++;
	return prio;
}

/* The IRQ this chip would present on INTA, or -1. */
static int chip_get_irq(const struct pic_chip *c, bool master)
{
	unsigned int req = get_priority(c, c->irr & (u8)~c->imr);
	u8 in_service = c->isr;

	if (req == PIC_NO_IRQ)
		return -1;
	/* Special mask mode: masked in-service levels do not block lower ones. */
	if (c->special_mask)
		in_service &= (u8)~c->imr;
	/* Special fully nested: the slave may interrupt its own in-service request. */
	if (master && c->sfnm)
		in_service &= (u8)~(1u << PIC_CASCADE_IRQ);
	if (req < get_priority(c, in_service))
		return (int)((req + c->priority_add) & 7);
	return -1;
}

static bool master_cascades(const struct pic8259 *p)
{
	return !p->chip[0].single;
}

/* Propagates the slave's INT to master IRQ2 and the master's INT to vCPU 0. */
static void pic_update(struct pic8259 *p)
{
	bool was = p->output;

	if (master_cascades(p))
		chip_set_input(&p->chip[0], PIC_CASCADE_IRQ, chip_get_irq(&p->chip[1], false) >= 0);
	p->output = chip_get_irq(&p->chip[0], true) >= 0;
	if (p->output && !was && p->attached)
		v3_intr_kick(&p->vm->vcpus[0]);
}

/* The INTA sequence on one chip: irq goes in service (unless auto-EOI). */
static void chip_intack(struct pic_chip *c, unsigned int irq)
{
	if (c->auto_eoi) {
		if (c->rotate_on_aeoi)
			c->priority_add = (u8)((irq + 1) & 7);
	} else {
		c->isr |= (u8)(1u << irq);
	}
	/* A level input keeps requesting while it is high; an edge request is consumed. */
	if (!is_level(c, irq))
		c->irr &= (u8)~(1u << irq);
}

/*
 * What the pair would put on the bus for INTA, performing it when ack:
 * the request that vanished since INT was raised reads as IRQ7 of the chip
 * that lost it (datasheet "Interrupt sequence"), with nothing put in service
 * on that chip.
 */
static int pic_inta(struct pic8259 *p, bool ack)
{
	struct pic_chip *m = &p->chip[0], *s = &p->chip[1];
	int irq = chip_get_irq(m, true);
	int vector;

	if (irq < 0)
		return ack ? m->vector_base + PIC_SPURIOUS_IRQ : -1;
	if (irq == PIC_CASCADE_IRQ && master_cascades(p)) {
		int irq2 = chip_get_irq(s, false);

		if (irq2 >= 0 && ack)
			chip_intack(s, (unsigned int)irq2);
		vector = s->vector_base + (irq2 >= 0 ? irq2 : PIC_SPURIOUS_IRQ);
	} else {
		vector = m->vector_base + irq;
	}
	if (ack) {
		chip_intack(m, (unsigned int)irq);
		pic_update(p);
	}
	return vector;
}

static int pic_pending(struct v3_vcpu *vcpu, void *priv)
{
	struct pic8259 *p = priv;
	int v;

	pic_lock(p);
	v = pic_inta(p, false);
	pic_unlock(p);
	return v;
}

static void pic_ack(struct v3_vcpu *vcpu, u8 vector, void *priv)
{
	struct pic8259 *p = priv;
	int v;

	pic_lock(p);
	v = pic_inta(p, true);
	pic_unlock(p);
	if (v != vector)
		v3_debug("vm %s: pic: INTA gave vector %d, the vCPU injected %u", p->vm->name, v,
			 vector);
}

static void pic_set_level(void *priv, unsigned int line, bool level)
{
	struct pic8259 *p = priv;

	if (line >= 16 || line == PIC_CASCADE_IRQ)
		return;
	pic_lock(p);
	chip_set_input(&p->chip[line / 8], line % 8, level);
	pic_update(p);
	pic_unlock(p);
}

static void chip_reset(struct pic_chip *c)
{
	/* ICW1 clears everything but the ELCR and the input levels. */
	*c = (struct pic_chip){ .elcr = c->elcr, .elcr_mask = c->elcr_mask, .input = c->input };
}

/* Re-latches requests of level inputs that are still high (after ICW1 or an ELCR change). */
static void chip_relatch_levels(struct pic_chip *c)
{
	for (unsigned int irq = 0; irq < 8; irq++)
		if (is_level(c, irq) && (c->input >> irq) & 1)
			c->irr |= (u8)(1u << irq);
}

static void write_ocw2(struct pic_chip *c, u8 val)
{
	unsigned int cmd = val >> 5, irq = val & 7, prio;

	switch (cmd) {
	case 0: /* rotate in auto-EOI mode (clear) */
	case 4: /* rotate in auto-EOI mode (set) */
		c->rotate_on_aeoi = cmd == 4;
		break;
	case 1: /* non-specific EOI */
	case 5: /* rotate on non-specific EOI */
		prio = get_priority(c, c->isr);
		if (prio == PIC_NO_IRQ)
			break;
		irq = (prio + c->priority_add) & 7;
		c->isr &= (u8)~(1u << irq);
		if (cmd == 5)
			c->priority_add = (u8)((irq + 1) & 7);
		break;
	case 3: /* specific EOI */
		c->isr &= (u8)~(1u << irq);
		break;
	case 6: /* set priority: irq becomes the lowest */
		c->priority_add = (u8)((irq + 1) & 7);
		break;
	case 7: /* rotate on specific EOI */
		c->isr &= (u8)~(1u << irq);
		c->priority_add = (u8)((irq + 1) & 7);
		break;
	default: /* 2: no operation */
		break;
	}
}

static void write_command(struct pic_chip *c, u8 val)
{
	if (val & ICW1_INIT) {
		chip_reset(c);
		c->ic4 = val & ICW1_IC4;
		c->single = val & ICW1_SNGL;
		c->ltim = val & ICW1_LTIM;
		c->icw_step = ICW_2;
		chip_relatch_levels(c);
	} else if (val & OCW3_SEL) {
		if (val & OCW3_POLL)
			c->poll = true;
		if (val & OCW3_RR)
			c->read_isr = val & OCW3_RIS;
		if (val & OCW3_ESMM)
			c->special_mask = val & OCW3_SMM;
	} else {
		write_ocw2(c, val);
	}
}

static void write_data(struct pic_chip *c, u8 val)
{
	switch (c->icw_step) {
	case ICW_2:
		c->vector_base = val & 0xf8;
		c->icw_step = c->single ? (c->ic4 ? ICW_4 : ICW_DONE) : ICW_3;
		break;
	case ICW_3:
		c->icw3 = val;
		c->icw_step = c->ic4 ? ICW_4 : ICW_DONE;
		break;
	case ICW_4:
		c->auto_eoi = val & ICW4_AEOI;
		c->sfnm = val & ICW4_SFNM;
		c->icw_step = ICW_DONE;
		break;
	default:
		c->imr = val;  /* OCW1 */
		break;
	}
}

/* Poll command: the read is the INTA (datasheet "The poll command"). */
static u8 poll_read(struct pic8259 *p, unsigned int idx)
{
	struct pic_chip *c = &p->chip[idx];
	int irq = chip_get_irq(c, idx == 0);

	c->poll = false;
	if (irq < 0)
		return 0;
	chip_intack(c, (unsigned int)irq);
	if (idx == 1 && master_cascades(p)) {
		/* The slave's request was also the master's IRQ2 request: consume it too. */
		p->chip[0].irr &= (u8)~(1u << PIC_CASCADE_IRQ);
	}
	pic_update(p);
	return (u8)(0x80 | irq);
}

static int pic_read(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 *val, void *priv)
{
	struct pic8259 *p = priv;
	unsigned int idx = port >= 0xa0;
	struct pic_chip *c = &p->chip[idx];

	pic_lock(p);
	if (port & 1)
		*val = c->imr;
	else if (c->poll)
		*val = poll_read(p, idx);
	else
		*val = c->read_isr ? c->isr : c->irr;
	pic_unlock(p);
	return 0;
}

static int pic_write(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 val, void *priv)
{
	struct pic8259 *p = priv;
	struct pic_chip *c = &p->chip[port >= 0xa0];

	pic_lock(p);
	if (port & 1)
		write_data(c, (u8)val);
	else
		write_command(c, (u8)val);
	pic_update(p);
	pic_unlock(p);
	return 0;
}

static int elcr_read(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 *val, void *priv)
{
	struct pic8259 *p = priv;

	/* A 16-bit access at 0x4d0 reads both registers. */
	*val = p->chip[port & 1].elcr;
	if (size > 1 && port == 0x4d0)
		*val |= (u32)p->chip[1].elcr << 8;
	return 0;
}

static void elcr_set(struct pic_chip *c, u8 val)
{
	u8 old = c->elcr;

	c->elcr = val & c->elcr_mask;
	/* An input switched to edge forgets its level request; one switched to level latches. */
	c->irr &= (u8)~(old & ~c->elcr);
	chip_relatch_levels(c);
}

static int elcr_write(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 val, void *priv)
{
	struct pic8259 *p = priv;

	pic_lock(p);
	elcr_set(&p->chip[port & 1], (u8)val);
	if (size > 1 && port == 0x4d0)
		elcr_set(&p->chip[1], (u8)(val >> 8));
	pic_update(p);
	pic_unlock(p);
	return 0;
}

static int pic_create(struct v3_vm *vm, const struct v3_cfg_node *cfg, void **priv)
{
	struct pic8259 *p = v3_zalloc(sizeof(*p));
	struct v3_irq_sink sink = { .set_level = pic_set_level };
	int rc;

	if (!p)
		return -V3_ENOMEM;
	p->vm = vm;
	p->chip[0].elcr_mask = ELCR_MASK_MASTER;
	p->chip[1].elcr_mask = ELCR_MASK_SLAVE;
	/* Until initialized, everything is masked (firmware programs the pair first). */
	p->chip[0].imr = 0xff;
	p->chip[1].imr = 0xff;
	sink.priv = p;
	rc = v3_hook_io(vm, 0x20, 0x21, pic_read, pic_write, p);
	if (!rc)
		rc = v3_hook_io(vm, 0xa0, 0xa1, pic_read, pic_write, p);
	if (!rc)
		rc = v3_hook_io(vm, 0x4d0, 0x4d1, elcr_read, elcr_write, p);
	if (!rc)
		rc = v3_irq_register_sink(vm, &sink);
	if (rc) {
		v3_free(p);
		return rc;
	}
	*priv = p;
	return 0;
}

static int pic_vcpus_ready(struct v3_vm *vm, void *priv)
{
	struct pic8259 *p = priv;
	struct v3_intr_source src = { .pending = pic_pending, .ack = pic_ack, .priv = p };
	int rc = v3_intr_register_source(&vm->vcpus[0], &src);

	if (!rc) {
		pic_lock(p);
		p->attached = true;
		pic_unlock(p);
	}
	return rc;
}

static void pic_free(void *priv)
{
	v3_free(priv);
}

static void pic_dump(void *priv)
{
	struct pic8259 *p = priv;

	for (unsigned int i = 0; i < 2; i++) {
		const struct pic_chip *c = &p->chip[i];

		v3_info("vm %s: pic %s: base 0x%02x irr 0x%02x isr 0x%02x imr 0x%02x elcr 0x%02x "
			"input 0x%02x rot %u icw %u%s%s", p->vm->name, i ? "slave" : "master",
			c->vector_base, c->irr, c->isr, c->imr, c->elcr, c->input, c->priority_add,
			c->icw_step, c->auto_eoi ? " aeoi" : "", c->special_mask ? " smm" : "");
	}
}

const struct v3_device_class pic8259_class = {
	.name = "pic8259",
	.create = pic_create,
	.free = pic_free,
	.vcpus_ready = pic_vcpus_ready,
	.dump = pic_dump,
};
