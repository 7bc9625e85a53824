/* SPDX-License-Identifier: MIT */
/*
 * The IOAPIC (Intel 82093AA datasheet §3.2): host interrupt lines hooked by
 * the VMM for passthrough devices. Every line starts masked. A hooked
 * level-triggered line is masked when it fires and unmasked by ack_irq once
 * the VMM (that is, the guest) has serviced the device; edge lines stay
 * unmasked, since an edge arriving while masked would be lost.
 */
#include "apic.h"
#include "arch/trap.h"
#include "hk.h"
#include "smp.h"
#include "spinlock.h"

#define IOREGSEL 0x00
#define IOWIN 0x10
#define IOAPIC_VER 0x01
#define IOREDTBL(n) (0x10 + 2 * (n))
#define RTE_MASKED (1u << 16)
#define RTE_LEVEL (1u << 15)
#define RTE_ACTIVE_LOW (1u << 13)

static volatile u32 *ioapic;
static unsigned int nlines;
static u32 gsi_base;
static struct hk_irq_override isa_map[16];
static struct hk_spinlock ioapic_lock;

static struct irq_hook {
	void (*fn)(unsigned int irq, void *arg);
	void *arg;
	unsigned int irq;
	u32 line;
	bool level;
} hooks[HK_VEC_IRQ_COUNT];

static u32 ioapic_read(u32 reg)
{
	ioapic[IOREGSEL / 4] = reg;
	return ioapic[IOWIN / 4];
}

static void ioapic_write(u32 reg, u32 v)
{
	ioapic[IOREGSEL / 4] = reg;
	ioapic[IOWIN / 4] = v;
}

static void line_set_mask(u32 line, bool masked)
{
	bool was = hk_spin_lock_irqsave(&ioapic_lock);
	u32 lo = ioapic_read(IOREDTBL(line));

	lo = masked ? (lo | RTE_MASKED) : (lo & ~RTE_MASKED);
	ioapic_write(IOREDTBL(line), lo);
	hk_spin_unlock_irqrestore(&ioapic_lock, was);
}

/*
 * The legacy PICs are masked for good: the IOAPIC does the routing. They are
 * first moved off the exception vectors (the BIOS leaves them at 0x08-0x0f),
 * since even a masked PIC can deliver a spurious IRQ 7. This must run before
 * the local APIC masks LINT0: an emulated CPU (QEMU) keeps an interrupt the
 * PIC raised while LINT0 accepted it, and delivers it as vector -1 later.
 */
void hk_pic_disable(void)
{
	x86_outb(0x20, 0x11);  /* ICW1: edge, cascade, ICW4 follows */
	x86_outb(0xa0, 0x11);
	x86_outb(0x21, HK_VEC_PIC_BASE);
	x86_outb(0xa1, HK_VEC_PIC_BASE + 8);
	x86_outb(0x21, 0x04);  /* ICW3: slave on IRQ 2 */
	x86_outb(0xa1, 0x02);
	x86_outb(0x21, 0x01);  /* ICW4: 8086 mode */
	x86_outb(0xa1, 0x01);
	x86_outb(0x21, 0xff);
	x86_outb(0xa1, 0xff);
}

void hk_ioapic_init(const struct hk_platform *p)
{
	if (!p->ioapic_pa)
		return;
	ioapic = (volatile u32 *)(uintptr_t)p->ioapic_pa;
	gsi_base = p->ioapic_gsi_base;
	for (unsigned int i = 0; i < 16; i++)
		isa_map[i] = p->isa[i];
	nlines = ((ioapic_read(IOAPIC_VER) >> 16) & 0xff) + 1;
	for (u32 i = 0; i < nlines; i++) {
		ioapic_write(IOREDTBL(i), RTE_MASKED);
		ioapic_write(IOREDTBL(i) + 1, 0);
	}
}

static void irq_interrupt(unsigned int vector, void *arg)
{
	struct irq_hook *h = arg;

	if (h->level)
		line_set_mask(h->line, true);
	h->fn(h->irq, h->arg);
}

int hk_ioapic_hook_irq(unsigned int irq, void (*fn)(unsigned int irq, void *arg), void *arg)
{
	u32 gsi = irq < 16 ? isa_map[irq].gsi : irq;
	bool level = irq < 16 ? isa_map[irq].level : true;       /* PCI lines are level, */
	bool active_low = irq < 16 ? isa_map[irq].active_low : true;  /* active low */
	u32 line = gsi - gsi_base;
	unsigned int slot = line;
	u32 lo;

	if (!ioapic)
		return -V3_ENODEV;
	if (gsi < gsi_base || line >= nlines || slot >= HK_VEC_IRQ_COUNT || !fn)
		return -V3_EINVAL;
	if (hooks[slot].fn)
		return -V3_EBUSY;
	hooks[slot] = (struct irq_hook){ fn, arg, irq, line, level };
	hk_set_vector_handler(HK_VEC_IRQ_BASE + slot, irq_interrupt, &hooks[slot]);
	lo = (HK_VEC_IRQ_BASE + slot) | (level ? RTE_LEVEL : 0) | (active_low ? RTE_ACTIVE_LOW : 0);
	/* Physical destination: the CPU that hooked the line. */
	ioapic_write(IOREDTBL(line) + 1, hk_this_cpu()->apic_id << 24);
	ioapic_write(IOREDTBL(line), lo);
	return 0;
}

void hk_ioapic_ack_irq(unsigned int irq)
{
	u32 gsi = irq < 16 ? isa_map[irq].gsi : irq;
	u32 line = gsi - gsi_base;

	if (!ioapic || gsi < gsi_base || line >= nlines || line >= HK_VEC_IRQ_COUNT)
		return;
	if (hooks[line].fn && hooks[line].level)
		line_set_mask(line, false);
}
