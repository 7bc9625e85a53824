/* SPDX-License-Identifier: MIT */
/*
 * The local APICs, one per vCPU (Intel SDM vol. 3A chapter 10 (11 in newer editions)):
 * the xAPIC page at 0xfee00000 and the x2APIC MSRs 0x800-0x8ff, switched through
 * IA32_APIC_BASE (MSR 0x1b, SDM 10.12.5), and the APIC timer (one-shot, periodic and
 * TSC-deadline, MSR 0x6e0) driven by a vtimer of the APIC's vCPU (lapic_timer.c).
 *
 * As its vCPU's interrupt source, an APIC offers the highest IRR vector whose priority class
 * beats the PPR (SDM 10.8.3.1) and the INTA moves it from IRR to ISR. Messages from the
 * IOAPIC and from other APICs' ICR arrive through v3_lapic_deliver(); an EOI whose vector was
 * accepted level-triggered (TMR) is broadcast to the IOAPIC (v3_ioapic_eoi).
 *
 * Simplifications: lowest-priority delivery goes to the lowest-numbered APIC of the destination set;
 * INIT and SIPI are recorded and logged, not acted on (SMP bring-up comes later); NMI is
 * recorded and logged (no NMI injection path exists yet); the APIC base cannot move (the MMIO
 * hook is fixed when the VM is built). The xAPIC page is one 4 KiB hook shared by all vCPUs;
 * each access goes to the APIC of the vCPU making it, as on hardware.
 *
 * LINT0/ExtINT: the 8259 pair (pic8259.c) is vCPU 0's own interrupt source, wired as if
 * LINT0 were in ExtINT mode whatever its LVT says. Guests that use the IOAPIC (Linux) mask
 * every 8259 input, so the 8259 stays silent; a guest that masks LINT0 but leaves the 8259
 * unmasked would still see its interrupts.
 *
 * Locking: the vCPU's own thread does register accesses, the timer and pending/ack; other
 * vCPUs and the IOAPIC deliver messages. Each APIC has a lock; nothing calls out of this file
 * (delivery to another APIC, the IOAPIC's EOI) with it held.
 */
#include <arch/x86.h>

#include "apic.h"
#include "cpuid.h"
#include "device.h"
#include "host_ops.h"
#include "intr.h"
#include "lapic.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "log.h"
#include "mem.h"
#include "msr.h"
#include "vcpu.h"
#include "vm.h"
#include "vtimer.h"

/* Writable bits of each LVT (SDM figure 10-8). */
static const u32 lvt_writable[LVT_COUNT] = { 0x700ff, 0x107ff, 0x107ff, 0x1a7ff, 0x1a7ff,
					     0x100ff };

/* Without an IOAPIC (CONFIG_V3_DEV_IOAPIC=n), level-triggered EOIs go nowhere. */
__attribute__((weak)) void v3_ioapic_eoi(struct v3_vm *vm, u8 vector)
{
}

static u64 rdtsc(void)
{
	return __builtin_ia32_rdtsc();
}

void lapic_set_clock(void *priv, u64 (*now)(void))
{
	((struct lapic_dev *)priv)->now = now;
}

static struct lapic_dev *find_dev(struct v3_vm *vm)
{
	for (struct v3_device *d = vm->devices; d; d = d->next)
		if (d->cls == &lapic_class)
			return d->priv;
	return NULL;
}

/* ---- the 256-bit registers and priorities ------------------------------------------- */

static void set_bit256(u32 *r, u8 v)
{
	r[v / 32] |= 1u << (v % 32);
}

static void clear_bit256(u32 *r, u8 v)
{
	r[v / 32] &= ~(1u << (v % 32));
}

static bool test_bit256(const u32 *r, u8 v)
{
	return (r[v / 32] >> (v % 32)) & 1;
}

static int highest256(const u32 *r)
{
	for (int i = 7; i >= 0; i--)
		if (r[i])
			return i * 32 + 31 - __builtin_clz(r[i]);
	return -1;
}

/* SDM 10.8.3.1. */
static u32 get_ppr(const struct lapic *a)
{
	int isrv = highest256(a->isr);

	if (isrv < 0 || (a->tpr >> 4) >= ((u32)isrv >> 4))
		return a->tpr & 0xff;
	return (u32)isrv & 0xf0;
}

/* SDM 10.8.3.1 (arbitration priority, for reads of APR). */
static u32 get_apr(const struct lapic *a)
{
	int isrv = highest256(a->isr), irrv = highest256(a->irr);
	u32 tpr = a->tpr & 0xff, isrc = isrv < 0 ? 0 : (u32)isrv & 0xf0;
	u32 irrc = irrv < 0 ? 0 : (u32)irrv & 0xf0, apr = tpr & 0xf0;

	if ((tpr >> 4) >= (irrc >> 4) && (tpr >> 4) > (isrc >> 4))
		return tpr;
	if (isrc > apr)
		apr = isrc;
	return irrc > apr ? irrc : apr;
}

bool lapic_hw_enabled(const struct lapic *a)
{
	return a->base_msr & APIC_BASE_EN;
}

static bool x2apic_mode(const struct lapic *a)
{
	return (a->base_msr & (APIC_BASE_EN | APIC_BASE_EXTD)) == (APIC_BASE_EN | APIC_BASE_EXTD);
}

static bool sw_enabled(const struct lapic *a)
{
	return lapic_hw_enabled(a) && (a->svr & SVR_ENABLE);
}

/* ---- accepting interrupts -------------------------------------------------------------- */

static void raise_error(struct lapic *a, u32 err);

/* A fixed interrupt enters IRR (SDM 10.8.4); false when the APIC refuses it. */
static bool accept_fixed(struct lapic *a, u8 vector, bool level)
{
	if (!sw_enabled(a))
		return false;
	if (vector < 16) {
		raise_error(a, ESR_RECV_ILLEGAL);
		return true;
	}
	set_bit256(a->irr, vector);
	if (level)
		set_bit256(a->tmr, vector);
	else
		clear_bit256(a->tmr, vector);
	return true;
}

/* A local interrupt source fires through its LVT entry. */
bool lapic_lvt_fire(struct lapic *a, unsigned int idx)
{
	u32 lvt = a->lvt[idx];

	if (!sw_enabled(a) || (lvt & LVT_MASKED))
		return false;
	if (idx != LVT_TIMER && idx != LVT_ERROR && ((lvt >> 8) & 7) != APIC_DM_FIXED)
		return false;  /* NMI/ExtINT/SMI through LINTn, thermal, perf: not modelled */
	return accept_fixed(a, (u8)lvt, false);
}

static void raise_error(struct lapic *a, u32 err)
{
	bool first = !(a->esr_pending & err);

	a->esr_pending |= err;
	/* An illegal error vector does not recurse (it would only set the bit again). */
	if (first && (u8)a->lvt[LVT_ERROR] >= 16)
		lapic_lvt_fire(a, LVT_ERROR);
}

/* Accepts one message; with a->lock held. Returns whether the vCPU needs a kick. */
static bool accept(struct lapic *a, u8 vector, bool level, int mode)
{
	struct v3_vm *vm = a->dev->vm;

	if (!lapic_hw_enabled(a))
		return false;
	switch (mode) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
		return accept_fixed(a, vector, level);
	case APIC_DM_NMI:
		a->nmi_count++;
		v3_warn("vm %s: lapic %u: NMI received (NMI injection not implemented)",
			vm->name, a->id);
		return false;
	case APIC_DM_INIT:
		a->init_count++;
		v3_info("vm %s: lapic %u: INIT received (SMP bring-up not implemented)", vm->name,
			a->id);
		return false;
	case APIC_DM_SIPI:
		a->sipi_count++;
		a->sipi_vector = vector;
		v3_info("vm %s: lapic %u: SIPI vector 0x%02x (start at 0x%x) received (SMP "
			"bring-up not implemented)", vm->name, a->id, vector, (u32)vector << 12);
		return false;
	default:
		v3_debug("vm %s: lapic %u: delivery mode %d not modelled, dropped", vm->name, a->id,
			 mode);
		return false;
	}
}

static bool accept_locked(struct lapic *a, u8 vector, bool level, int mode)
{
	bool kick;

	v3_spin_lock(&a->lock);
	kick = accept(a, vector, level, mode);
	v3_spin_unlock(&a->lock);
	if (kick)
		v3_intr_kick(a->vcpu);
	return kick;
}

/* SDM 10.6.2.2: logical destinations, flat or cluster model (x2APIC: cluster, 10.12.10). */
static bool match_logical(const struct lapic *a, u32 dest)
{
	if (x2apic_mode(a))
		return dest == APIC_BROADCAST ||
		       ((dest >> 16) == (a->ldr >> 16) && (dest & a->ldr & 0xffff));
	dest &= 0xff;
	if (dest == 0xff)
		return true;
	if ((a->dfr >> 28) == 0xf)
		return (a->ldr >> 24) & dest;
	return (dest >> 4) == (a->ldr >> 28) && (dest & (a->ldr >> 24) & 0xf);
}

static bool match_dest(const struct lapic *a, u32 dest, bool logical)
{
	if (logical)
		return match_logical(a, dest);
	if (dest == APIC_BROADCAST || (!x2apic_mode(a) && (dest & 0xff) == 0xff) || dest == 0xff)
		return true;
	return dest == a->id;
}

int v3_lapic_deliver(struct v3_vm *vm, u32 dest, bool logical, u8 vector, bool level, int mode)
{
	struct lapic_dev *dev = find_dev(vm);
	int accepted = 0;

	if (!dev || !dev->apics)
		return -V3_ENODEV;
	for (unsigned int i = 0; i < dev->n; i++) {
		struct lapic *a = &dev->apics[i];

		if (!match_dest(a, dest, logical))
			continue;
		/* Lowest priority: the lowest-numbered enabled APIC of the set. */
		if (mode == APIC_DM_LOWEST && !sw_enabled(a))
			continue;
		if (accept_locked(a, vector, level, mode) || mode != APIC_DM_FIXED)
			accepted++;
		if (mode == APIC_DM_LOWEST)
			break;
	}
	return accepted;
}

/* Sends what the ICR holds (SDM 10.6.1); without a->lock. */
static void send_ipi(struct lapic *a, u32 lo, u32 hi)
{
	unsigned int shorthand = (lo >> ICR_SHORTHAND_SHIFT) & 3;
	int mode = (int)((lo >> ICR_DM_SHIFT) & 7);
	u8 vector = (u8)lo;
	u32 dest = x2apic_mode(a) ? hi : hi >> 24;
	struct lapic_dev *dev = a->dev;

	if (mode == APIC_DM_INIT && !(lo & ICR_LEVEL_ASSERT) && (lo & ICR_TRIGGER_LEVEL))
		return;  /* INIT level de-assert: only synchronizes arbitration IDs */
	if ((mode == APIC_DM_FIXED || mode == APIC_DM_LOWEST) && vector < 16) {
		v3_spin_lock(&a->lock);
		raise_error(a, ESR_SEND_ILLEGAL);
		v3_spin_unlock(&a->lock);
		return;
	}
	switch (shorthand) {
	case 0:
		v3_lapic_deliver(dev->vm, dest, lo & ICR_LOGICAL, vector, false, mode);
		break;
	case 1:
		accept_locked(a, vector, false, mode);
		break;
	default:
		for (unsigned int i = 0; i < dev->n; i++)
			if (shorthand == 2 || &dev->apics[i] != a)
				accept_locked(&dev->apics[i], vector, false, mode);
		break;
	}
}

/* ---- the interrupt source ------------------------------------------------------------- */

static int lapic_pending(struct v3_vcpu *vcpu, void *priv)
{
	struct lapic *a = priv;
	int v;

	v3_spin_lock(&a->lock);
	v = highest256(a->irr);
	if (v >= 0 && (!sw_enabled(a) || ((u32)v & 0xf0) <= (get_ppr(a) & 0xf0)))
		v = -1;
	v3_spin_unlock(&a->lock);
	return v;
}

static void lapic_ack(struct v3_vcpu *vcpu, u8 vector, void *priv)
{
	struct lapic *a = priv;

	v3_spin_lock(&a->lock);
	if (test_bit256(a->irr, vector)) {
		clear_bit256(a->irr, vector);
		set_bit256(a->isr, vector);
	} else {
		v3_debug("vm %s: lapic %u: ack of vector %u not in IRR", a->dev->vm->name, a->id,
			 vector);
	}
	v3_spin_unlock(&a->lock);
}

/* EOI (SDM 10.8.5): the highest in-service vector ends. */
static void do_eoi(struct lapic *a, struct lapic_after *after)
{
	int v = highest256(a->isr);

	if (v < 0)
		return;
	clear_bit256(a->isr, (u8)v);
	if (test_bit256(a->tmr, (u8)v)) {
		after->eoi_level = true;
		after->eoi_vector = (u8)v;
	}
}

static void write_lvt(struct lapic *a, unsigned int idx, u32 val)
{
	unsigned int old_mode = lapic_timer_mode(a);

	a->lvt[idx] = val & lvt_writable[idx];
	if (!(a->svr & SVR_ENABLE))
		a->lvt[idx] |= LVT_MASKED;
	if (idx != LVT_TIMER)
		return;
	/* Mode 3 is reserved: keep it periodic. */
	if (((a->lvt[idx] >> LVT_TIMER_MODE_SHIFT) & 3) == 3)
		a->lvt[idx] &= ~(2u << LVT_TIMER_MODE_SHIFT);
	/* Switching to or from TSC-deadline mode disarms the timer (SDM 10.5.4.1). */
	if (old_mode != lapic_timer_mode(a) && (old_mode == TIMER_DEADLINE ||
					  lapic_timer_mode(a) == TIMER_DEADLINE)) {
		a->timer_initial = 0;
		a->tsc_deadline = 0;
	}
	lapic_timer_update(a, false);
}

/* ---- registers ---------------------------------------------------------------------------- */

static void lapic_reset(struct lapic *a)
{
	struct lapic_dev *dev = a->dev;
	struct v3_vcpu *vcpu = a->vcpu;
	u32 id = a->id;
	u64 base = a->base_msr;

	if (vcpu)
		v3_vtimer_cancel(vcpu, &a->timer);
	v3_memset(a, 0, sizeof(*a));
	a->dev = dev;
	a->vcpu = vcpu;
	a->id = id;
	a->base_msr = base;
	a->dfr = 0xffffffff;
	a->svr = 0xff;
	for (unsigned int i = 0; i < LVT_COUNT; i++)
		a->lvt[i] = LVT_MASKED;
	v3_vtimer_init(&a->timer, lapic_timer_fire, a);
}

static u32 x2apic_ldr(u32 id)
{
	return ((id >> 4) << 16) | (1u << (id & 0xf));
}

/* Reads the register at xAPIC offset off; false when it does not exist (in this mode). */
static bool reg_read(struct lapic *a, u32 off, u64 *val)
{
	bool x2 = x2apic_mode(a);

	if (off >= REG_ISR && off < REG_ISR + 0x180) {
		const u32 *r = off < REG_TMR ? a->isr : off < REG_IRR ? a->tmr : a->irr;

		*val = r[(off & 0x7f) >> 4];
		return true;
	}
	if (off >= REG_LVT && off < REG_LVT + 0x10 * LVT_COUNT) {
		*val = a->lvt[(off - REG_LVT) >> 4];
		return true;
	}
	switch (off) {
	case REG_ID:
		*val = x2 ? a->id : a->id << 24;
		break;
	case REG_VER:
		*val = APIC_VERSION;
		break;
	case REG_TPR:
		*val = a->tpr;
		break;
	case REG_APR:
		if (x2)
			return false;
		*val = get_apr(a);
		break;
	case REG_PPR:
		*val = get_ppr(a);
		break;
	case REG_EOI:
		if (x2)
			return false;
		*val = 0;
		break;
	case REG_LDR:
		*val = a->ldr;
		break;
	case REG_DFR:
		if (x2)
			return false;
		*val = a->dfr;
		break;
	case REG_SVR:
		*val = a->svr;
		break;
	case REG_ESR:
		*val = a->esr;
		break;
	case REG_ICR:
		*val = x2 ? ((u64)a->icr_hi << 32) | a->icr_lo : a->icr_lo;
		break;
	case REG_ICR2:
		if (x2)
			return false;
		*val = a->icr_hi;
		break;
	case REG_TMICT:
		*val = a->timer_initial;
		break;
	case REG_TMCCT:
		*val = lapic_timer_current_count(a);
		break;
	case REG_TDCR:
		*val = a->timer_dcr;
		break;
	default:
		return false;
	}
	return true;
}

/* Whether val fits the writable bits (x2APIC: #GP otherwise; xAPIC: they are dropped). */
static bool fits(bool x2, u64 val, u64 writable)
{
	return !x2 || !(val & ~writable);
}

static void write_svr(struct lapic *a, u32 val)
{
	a->svr = val & SVR_WRITABLE;
	if (!(a->svr & SVR_ENABLE)) {
		/* Software disable masks every LVT (SDM 10.4.7.2). */
		for (unsigned int i = 0; i < LVT_COUNT; i++)
			a->lvt[i] |= LVT_MASKED;
	}
}

/*
 * Writes the register at xAPIC offset off; false when the write is invalid (the x2APIC MSR
 * write raises #GP; an xAPIC write to a read-only register is ignored).
 */
static bool reg_write(struct lapic *a, u32 off, u64 val, struct lapic_after *after)
{
	bool x2 = x2apic_mode(a);

	if (off >= REG_LVT && off < REG_LVT + 0x10 * LVT_COUNT) {
		unsigned int idx = (off - REG_LVT) >> 4;

		if (!fits(x2, val, lvt_writable[idx]))
			return false;
		write_lvt(a, idx, (u32)val);
		return true;
	}
	switch (off) {
	case REG_TPR:
		if (!fits(x2, val, 0xff))
			return false;
		a->tpr = (u32)val & 0xff;
		return true;
	case REG_EOI:
		if (x2 && val)
			return false;
		do_eoi(a, after);
		return true;
	case REG_LDR:
		if (x2)
			return false;
		a->ldr = (u32)val & 0xff000000;
		return true;
	case REG_DFR:
		if (x2)
			return false;
		a->dfr = (u32)val | 0x0fffffff;
		return true;
	case REG_SVR:
		if (!fits(x2, val, SVR_WRITABLE))
			return false;
		write_svr(a, (u32)val);
		return true;
	case REG_ESR:
		if (x2 && val)
			return false;
		a->esr = a->esr_pending;
		a->esr_pending = 0;
		return true;
	case REG_ICR:
		if (x2) {
			if (!fits(x2, val & 0xffffffff, ICR_WRITABLE))
				return false;
			a->icr_hi = (u32)(val >> 32);
		}
		a->icr_lo = (u32)val & ICR_WRITABLE;
		after->send = true;
		return true;
	case REG_ICR2:
		if (x2)
			return false;
		a->icr_hi = (u32)val & 0xff000000;
		return true;
	case REG_TMICT:
		if (lapic_timer_mode(a) != TIMER_DEADLINE) {
			a->timer_initial = (u32)val;
			a->timer_start = a->dev->now();
			lapic_timer_update(a, true);
		}
		return true;
	case REG_TDCR:
		if (!fits(x2, val, 0xb))
			return false;
		a->timer_dcr = (u32)val & 0xb;
		lapic_timer_update(a, false);
		return true;
	case REG_SELF_IPI:
		if (!x2 || !fits(x2, val, 0xff))
			return false;
		if (accept(a, (u8)val, false, APIC_DM_FIXED))
			v3_intr_kick(a->vcpu);
		return true;
	case REG_ID:
		/* xAPIC: writable on some models; keep the ID the CPUID and MADT report. */
	default:
		return !x2 && off < 0x400;
	}
}

/* A register write with everything it triggers; false when it is invalid. */
static bool write_and_act(struct lapic *a, u32 off, u64 val)
{
	struct lapic_after after = { 0 };
	u32 lo, hi;
	bool ok;

	v3_spin_lock(&a->lock);
	ok = reg_write(a, off, val, &after);
	lo = a->icr_lo;
	hi = a->icr_hi;
	v3_spin_unlock(&a->lock);
	if (after.send)
		send_ipi(a, lo, hi);
	if (after.eoi_level)
		v3_ioapic_eoi(a->dev->vm, after.eoi_vector);
	return ok;
}

/* ---- the xAPIC page ----------------------------------------------------------------------- */

struct lapic *lapic_of_vcpu(struct lapic_dev *dev, struct v3_vcpu *vcpu)
{
	return dev->apics && vcpu->id < dev->n ? &dev->apics[vcpu->id] : NULL;
}

/* In x2APIC mode or globally disabled, the page is not the APIC's (SDM 10.12.1.2). */
static bool page_active(const struct lapic *a)
{
	return a && lapic_hw_enabled(a) && !x2apic_mode(a);
}

static int lapic_mmio_read(struct v3_vcpu *vcpu, u64 gpa, void *data, unsigned int len,
			   void *priv)
{
	struct lapic *a = lapic_of_vcpu(priv, vcpu);
	u32 off = (u32)(gpa & 0xfff);
	u64 val = 0;
	u8 *out = data;

	if (!page_active(a)) {
		v3_memset(data, 0xff, len);
		return 0;
	}
	v3_spin_lock(&a->lock);
	if ((off & 0xf) < 4 && !reg_read(a, off & ~0xfu, &val))
		val = 0;
	v3_spin_unlock(&a->lock);
	val = (off & 0xf) < 4 ? (u32)val >> (8 * (off & 3)) : 0;
	for (unsigned int i = 0; i < len; i++)
		out[i] = i < 4 ? (u8)(val >> (8 * i)) : 0;
	return 0;
}

static int lapic_mmio_write(struct v3_vcpu *vcpu, u64 gpa, void *data, unsigned int len,
			    void *priv)
{
	struct lapic *a = lapic_of_vcpu(priv, vcpu);
	u32 off = (u32)(gpa & 0xfff), val;

	if (!page_active(a))
		return 0;
	if (len != 4 || (off & 0xf)) {
		v3_debug("vm %s: lapic %u: %u-byte write at +0x%x ignored", vcpu->vm->name, a->id,
			 len, off);
		return 0;
	}
	v3_memcpy(&val, data, 4);
	if (!write_and_act(a, off, val))
		v3_debug("vm %s: lapic %u: write of 0x%x to read-only +0x%x ignored",
			 vcpu->vm->name, a->id, val, off);
	return 0;
}

/* ---- MSRs --------------------------------------------------------------------------------- */

/* The registers that exist as x2APIC MSRs (SDM table 10-6), as xAPIC offsets. */
static const u16 x2apic_regs[] = {
	REG_ID, REG_VER, REG_TPR, REG_PPR, REG_EOI, REG_LDR, REG_SVR,
	0x100, 0x110, 0x120, 0x130, 0x140, 0x150, 0x160, 0x170,
	0x180, 0x190, 0x1a0, 0x1b0, 0x1c0, 0x1d0, 0x1e0, 0x1f0,
	0x200, 0x210, 0x220, 0x230, 0x240, 0x250, 0x260, 0x270,
	REG_ESR, REG_ICR, 0x320, 0x330, 0x340, 0x350, 0x360, 0x370,
	REG_TMICT, REG_TMCCT, REG_TDCR, REG_SELF_IPI,
};

static int x2apic_msr_read(struct v3_vcpu *vcpu, u32 msr, u64 *val, void *priv)
{
	struct lapic *a = lapic_of_vcpu(priv, vcpu);
	bool ok;

	if (!a || !x2apic_mode(a))
		return V3_MSR_GP;
	v3_spin_lock(&a->lock);
	ok = reg_read(a, (msr - MSR_X2APIC_FIRST) << 4, val);
	v3_spin_unlock(&a->lock);
	return ok ? 0 : V3_MSR_GP;
}

static int x2apic_msr_write(struct v3_vcpu *vcpu, u32 msr, u64 val, void *priv)
{
	struct lapic *a = lapic_of_vcpu(priv, vcpu);
	u32 off = (msr - MSR_X2APIC_FIRST) << 4;

	if (!a || !x2apic_mode(a) || (off != REG_ICR && (val >> 32)))
		return V3_MSR_GP;
	return write_and_act(a, off, val) ? 0 : V3_MSR_GP;
}

static int apic_base_read(struct v3_vcpu *vcpu, u32 msr, u64 *val, void *priv)
{
	struct lapic *a = lapic_of_vcpu(priv, vcpu);

	if (!a)
		return V3_MSR_GP;
	*val = a->base_msr;
	return 0;
}

/* SDM 10.12.5.1: the legal transitions between disabled, xAPIC and x2APIC. */
static int apic_base_write(struct v3_vcpu *vcpu, u32 msr, u64 val, void *priv)
{
	struct lapic *a = lapic_of_vcpu(priv, vcpu);
	u64 mode_bits = APIC_BASE_EN | APIC_BASE_EXTD, old, new = val & mode_bits;
	u8 pa = vcpu->vm->maxphyaddr;

	if (!a || (val & ~(APIC_BASE_ADDR | mode_bits | APIC_BASE_BSP)) ||
	    (pa && pa < 64 && (val >> pa)))
		return V3_MSR_GP;
	v3_spin_lock(&a->lock);
	old = a->base_msr & mode_bits;
	if (new == APIC_BASE_EXTD ||                         /* invalid state */
	    (old == mode_bits && new == APIC_BASE_EN) ||     /* x2APIC -> xAPIC */
	    (old == 0 && new == mode_bits)) {                /* disabled -> x2APIC */
		v3_spin_unlock(&a->lock);
		return V3_MSR_GP;
	}
	if ((val & APIC_BASE_ADDR) != APIC_DEFAULT_BASE)
		v3_warn("vm %s: lapic %u: relocation to 0x%lx not supported, stays at 0x%lx",
			vcpu->vm->name, a->id, (u64)(val & APIC_BASE_ADDR), (u64)APIC_DEFAULT_BASE);
	/* The BSP flag is read-only. */
	a->base_msr = (a->base_msr & (APIC_BASE_ADDR | APIC_BASE_BSP)) | new;
	if (!new)
		lapic_reset(a);   /* going disabled: back to the power-up state */
	else if (new == mode_bits && old != mode_bits)
		a->ldr = x2apic_ldr(a->id);
	v3_spin_unlock(&a->lock);
	return 0;
}

static void lapic_cpuid(struct v3_vcpu *vcpu, u32 leaf, u32 subleaf, struct v3_cpuid_regs *r,
			void *priv)
{
	struct lapic *a = lapic_of_vcpu(priv, vcpu);

	/* EDX.APIC follows IA32_APIC_BASE.EN (SDM 10.4.3). */
	if (a && lapic_hw_enabled(a))
		r->edx |= 1u << 9;
	r->ecx |= (1u << 21) | (1u << 24);   /* x2APIC, TSC-deadline */
}

/* ---- the device --------------------------------------------------------------------------- */

static int lapic_create(struct v3_vm *vm, const struct v3_cfg_node *cfg, void **priv)
{
	struct lapic_dev *dev;
	u64 base;
	int rc;

	rc = v3_cfg_u64(cfg, "base", APIC_DEFAULT_BASE, APIC_BASE_ADDR, &base);
	if (rc)
		return rc;
	if (base != APIC_DEFAULT_BASE) {
		v3_err("vm %s: lapic: base 0x%lx: only 0x%lx is supported", vm->name, base,
		       (u64)APIC_DEFAULT_BASE);
		return -V3_EINVAL;
	}
	dev = v3_zalloc(sizeof(*dev));
	if (!dev)
		return -V3_ENOMEM;
	dev->vm = vm;
	dev->now = rdtsc;
	rc = v3_hook_mmio(vm, base, base + 0x1000, lapic_mmio_read, lapic_mmio_write, dev);
	if (!rc)
		rc = v3_hook_msr(vm, MSR_APIC_BASE, apic_base_read, apic_base_write, dev);
	if (!rc)
		rc = v3_hook_msr(vm, MSR_TSC_DEADLINE, lapic_tsc_deadline_read, lapic_tsc_deadline_write, dev);
	for (size_t i = 0; !rc && i < V3_ARRAY_SIZE(x2apic_regs); i++)
		rc = v3_hook_msr(vm, MSR_X2APIC_FIRST + (x2apic_regs[i] >> 4), x2apic_msr_read,
				 x2apic_msr_write, dev);
	if (!rc)
		rc = v3_hook_cpuid(vm, 1, lapic_cpuid, dev);
	if (rc) {
		/* The hooks already made stay until the VM's teardown, which fails it anyway. */
		v3_free(dev);
		return rc;
	}
	*priv = dev;
	return 0;
}

static int lapic_vcpus_ready(struct v3_vm *vm, void *priv)
{
	struct lapic_dev *dev = priv;
	struct lapic *apics = v3_zalloc(sizeof(*apics) * vm->nvcpus);
	int rc = 0;

	if (!apics)
		return -V3_ENOMEM;
	for (unsigned int i = 0; i < vm->nvcpus; i++) {
		struct lapic *a = &apics[i];

		a->dev = dev;
		a->vcpu = &vm->vcpus[i];
		a->id = vm->vcpus[i].id;
		a->base_msr = APIC_DEFAULT_BASE | APIC_BASE_EN | (a->id == 0 ? APIC_BASE_BSP : 0);
		lapic_reset(a);
	}
	dev->apics = apics;
	dev->n = vm->nvcpus;
	for (unsigned int i = 0; !rc && i < vm->nvcpus; i++) {
		struct v3_intr_source src = { .pending = lapic_pending, .ack = lapic_ack,
					      .priv = &apics[i] };

		rc = v3_intr_register_source(&vm->vcpus[i], &src);
	}
	return rc;
}

static void lapic_free(void *priv)
{
	struct lapic_dev *dev = priv;

	if (dev->apics) {
		for (unsigned int i = 0; i < dev->n; i++)
			v3_vtimer_cancel(dev->apics[i].vcpu, &dev->apics[i].timer);
		v3_free(dev->apics);
	}
	v3_free(dev);
}

static void lapic_dump(void *priv)
{
	struct lapic_dev *dev = priv;

	for (unsigned int i = 0; dev->apics && i < dev->n; i++) {
		struct lapic *a = &dev->apics[i];

		v3_info("vm %s: lapic %u: base 0x%lx svr 0x%x tpr 0x%x ppr 0x%x irr %d isr %d "
			"ldr 0x%x lvt-timer 0x%x init %u sipi %u nmi %u", dev->vm->name, a->id,
			a->base_msr, a->svr, a->tpr, get_ppr(a), highest256(a->irr),
			highest256(a->isr), a->ldr, a->lvt[LVT_TIMER], a->init_count,
			a->sipi_count, a->nmi_count);
	}
}

const struct v3_device_class lapic_class = {
	.name = "lapic",
	.create = lapic_create,
	.free = lapic_free,
	.vcpus_ready = lapic_vcpus_ready,
	.dump = lapic_dump,
};
