/* SPDX-License-Identifier: MIT */
/*
 * The 8254 programmable interval timer (Intel 8254 datasheet, 231164-005)
 * at ports 0x40-0x43, and the PC's port 0x61 (NMI status and control):
 * bit 0 gates channel 2, bit 1 enables the speaker, bit 4 toggles with the
 * DRAM refresh (every 15.08 us) and bit 5 reads channel 2's OUT. Linux's
 * TSC calibration loops read both.
 *
 * Channels 0-2 in modes 0-5, lo/hi/lo-hi access, BCD, the counter latch
 * and read-back commands, and the gate (channel 2 only; channels 0 and 1
 * are gated on). Nothing ticks: a channel remembers the PIT clock at which
 * it was loaded and derives its count and OUT from the guest's TSC,
 * converted to the 1.193182 MHz input clock. Channel 0 raises line 0 on
 * each rising edge of OUT through a vtimer of vCPU 0, armed only while the
 * guest has programmed a mode that produces one (0, 2, 3, 4); ticks missed
 * while the vCPU was away are coalesced into one, and so are periods under
 * 50 us (MIN_IRQ_TICKS). A spinlock guards the
 * state, since any vCPU may use the ports.
 *
 * A new count written in modes 2 and 3 takes effect at once rather than at
 * the end of the current period (as in QEMU); no guest we know relies on it.
 */
#include "device.h"
#include "host_ops.h"
#include "intr.h"
#include "io.h"
#include "lib/spinlock.h"
#include "log.h"
#include "pit8254.h"
#include "vcpu.h"
#include "vm.h"
#include "vtimer.h"

#define PIT_IRQ 0
/* Port 0x61 bits. */
#define P61_GATE2 0x01
#define P61_SPEAKER 0x02
#define P61_WRITABLE 0x0f
#define P61_REFRESH 0x10
#define P61_OUT2 0x20
#define REFRESH_TICKS 18       /* 15.085 us of PIT clock: the refresh request period */
#define MIN_IRQ_TICKS 60       /* ~50 us: the shortest interval between channel 0 interrupts */

/* Access modes of the control word (RW1 RW0), and where a two-byte access stands. */
enum { RW_LATCH, RW_LSB, RW_MSB, RW_WORD0, RW_WORD1 };

struct pit_channel {
	u32 count;          /* reload value, 1..65536 (10000 in BCD) */
	u64 load_ticks;     /* PIT clock when counting (re)started */
	u64 frozen_d;       /* elapsed clocks while the gate holds the counter */
	bool frozen;
	bool loaded;        /* a count was written since the control word */
	bool triggered;     /* modes 1 and 5: a gate rising edge started the count */
	bool irq_done;      /* modes 0 and 4: the one interrupt was raised */
	bool gate;
	bool bcd;
	u8 mode;
	u8 rw_mode;         /* RW_LSB, RW_MSB or RW_WORD0 */
	u8 read_state, write_state;
	u8 write_latch;     /* first byte of a lo/hi write */
	u8 count_latched;   /* 0, or the read state of a latched count */
	u16 latched_count;
	bool status_latched;
	u8 status;
};

struct pit8254 {
	struct v3_vm *vm;
	struct pit_channel ch[3];
	u8 port61;          /* the writable bits of port 0x61 */
	struct v3_vtimer timer;  /* channel 0's interrupts, on vCPU 0 */
	u64 (*now)(void);   /* host TSC */
	struct v3_spinlock lock;  /* the ports may be used from any vCPU's thread */
};

static u64 rdtsc(void)
{
	return __builtin_ia32_rdtsc();
}

void pit_set_clock(void *priv, u64 (*now)(void))
{
	((struct pit8254 *)priv)->now = now;
}

/* ---- time ------------------------------------------------------------------------------ */

static u64 tsc_hz(void)
{
	return v3_host->tsc_khz() * 1000;
}

/* PIT clocks elapsed at guest TSC g; split so nothing overflows 64 bits. */
static u64 tsc_to_ticks(u64 g)
{
	u64 hz = tsc_hz();

	return (g / hz) * PIT_HZ + (g % hz) * PIT_HZ / hz;
}

/* The first guest TSC value at which tsc_to_ticks() reaches t. */
static u64 ticks_to_tsc(u64 t)
{
	u64 hz = tsc_hz();

	return (t / PIT_HZ) * hz + ((t % PIT_HZ) * hz + PIT_HZ - 1) / PIT_HZ;
}

static u64 pit_ticks(const struct pit8254 *p)
{
	return tsc_to_ticks(p->now() + p->vm->tsc_offset);
}

/* ---- counting ------------------------------------------------------------------------ */

static bool counting(const struct pit_channel *c)
{
	return c->loaded && (c->triggered || (c->mode != 1 && c->mode != 5));
}

static u64 elapsed(const struct pit_channel *c, u64 t)
{
	return c->frozen ? c->frozen_d : t - c->load_ticks;
}

static u16 get_count(const struct pit_channel *c, u64 t)
{
	u64 d;

	if (!counting(c))
		return (u16)c->count;
	d = elapsed(c, t);
	switch (c->mode) {
	case 2:
		return (u16)(c->count - d % c->count);
	case 3:
		return (u16)(c->count - (2 * d) % c->count);
	default:  /* 0, 1, 4, 5: count down once, then wrap through 0xffff */
		return (u16)(c->count - d);
	}
}

static bool get_out(const struct pit_channel *c, u64 t)
{
	u64 d;

	if (!c->loaded)
		return c->mode != 0;  /* the control word sets OUT low in mode 0, high in others */
	if (!counting(c))
		return true;
	d = elapsed(c, t);
	switch (c->mode) {
	case 0:
	case 1:
		return d >= c->count;
	case 2:
		return c->frozen || d % c->count != c->count - 1;
	case 3:
		return c->frozen || d % c->count < (c->count + 1) / 2;
	default:  /* 4, 5: low for the one clock after the count reaches zero */
		return d != c->count;
	}
}

static u16 to_bcd(u16 v)
{
	return (u16)((v % 10) | (v / 10 % 10) << 4 | (v / 100 % 10) << 8 | (v / 1000 % 10) << 12);
}

static u32 from_bcd(u16 v)
{
	return (v & 0xf) + (v >> 4 & 0xf) * 10 + (v >> 8 & 0xf) * 100 + (v >> 12 & 0xf) * 1000;
}

/* ---- channel 0's interrupt ------------------------------------------------------------ */

/* The PIT clock of channel 0's next rising OUT edge, or 0 if none will come. */
static u64 next_irq_tick(const struct pit_channel *c, u64 t)
{
	u64 d;

	if (!counting(c) || c->frozen)
		return 0;
	d = t - c->load_ticks;
	switch (c->mode) {
	case 0:
		return c->irq_done ? 0 : c->load_ticks + c->count;
	case 4:
		return c->irq_done ? 0 : c->load_ticks + c->count + 1;
	case 2:
	case 3:
		/* Periods shorter than the floor are coalesced: no host timer storm. */
		d += MIN_IRQ_TICKS - 1;
		return c->load_ticks + (d / c->count + 1) * c->count;
	default:
		return 0;
	}
}

static void update_timer(struct pit8254 *p)
{
	struct v3_vcpu *vcpu = &p->vm->vcpus[0];
	u64 tick = next_irq_tick(&p->ch[0], pit_ticks(p));
	u64 deadline = tick ? ticks_to_tsc(tick) - p->vm->tsc_offset : 0;

	/* Touch vCPU 0's timer list only for a change. */
	if (tick && (!p->timer.armed || p->timer.deadline != deadline))
		v3_vtimer_arm(vcpu, &p->timer, deadline);
	else if (!tick && p->timer.armed)
		v3_vtimer_cancel(vcpu, &p->timer);
}

static void timer_fired(struct v3_vcpu *vcpu, struct v3_vtimer *t, void *priv)
{
	struct pit8254 *p = priv;
	struct pit_channel *c = &p->ch[0];

	v3_spin_lock(&p->lock);
	if (c->mode == 0 || c->mode == 4)
		c->irq_done = true;
	v3_irq_pulse(p->vm, PIT_IRQ);
	update_timer(p);
	v3_spin_unlock(&p->lock);
}

/* ---- the ports -------------------------------------------------------------------------- */

static void set_gate(struct pit_channel *c, bool level, u64 t)
{
	bool rising = level && !c->gate, falling = !level && c->gate;

	c->gate = level;
	switch (c->mode) {
	case 0:
	case 4:  /* the gate suspends counting */
		if (falling && c->loaded) {
			c->frozen_d = t - c->load_ticks;
			c->frozen = true;
		} else if (rising && c->frozen) {
			c->load_ticks = t - c->frozen_d;
			c->frozen = false;
		}
		break;
	case 1:
	case 5:  /* a rising edge (re)triggers */
		if (rising && c->loaded) {
			c->load_ticks = t;
			c->triggered = true;
		}
		break;
	default:  /* 2, 3: low holds OUT high, a rising edge reloads */
		if (falling) {
			c->frozen_d = 0;
			c->frozen = true;
		} else if (rising) {
			c->load_ticks = t;
			c->frozen = false;
		}
		break;
	}
}

static void load_count(struct pit_channel *c, u16 val, u64 t)
{
	u32 n = c->bcd ? from_bcd(val) : val;

	c->count = n ? n : (c->bcd ? 10000 : 65536);
	c->loaded = true;
	c->irq_done = false;
	c->triggered = false;
	c->load_ticks = t;
	/* A low gate holds the counter where it was loaded. */
	c->frozen = !c->gate && c->mode != 1 && c->mode != 5;
	c->frozen_d = 0;
}

static void latch_count(struct pit_channel *c, u64 t)
{
	u16 v;

	if (c->count_latched)
		return;
	v = get_count(c, t);
	c->latched_count = c->bcd ? to_bcd(v % 10000) : v;
	c->count_latched = c->rw_mode;
}

static void latch_status(struct pit_channel *c, u64 t)
{
	if (c->status_latched)
		return;
	/* OUT, null count, RW1 RW0 (RW_WORD0 is 3), M2-M0, BCD. */
	c->status = (u8)(get_out(c, t) << 7 | !c->loaded << 6 | c->rw_mode << 4 | c->mode << 1 |
			 c->bcd);
	c->status_latched = true;
}

static void write_control(struct pit8254 *p, u8 val, u64 t)
{
	unsigned int sel = val >> 6, access = (val >> 4) & 3;
	struct pit_channel *c;

	if (sel == 3) {  /* read-back: bits 1-3 select, bit 5 = !count, bit 4 = !status */
		for (unsigned int i = 0; i < 3; i++) {
			if (!(val & (2u << i)))
				continue;
			if (!(val & 0x20))
				latch_count(&p->ch[i], t);
			if (!(val & 0x10))
				latch_status(&p->ch[i], t);
		}
		return;
	}
	c = &p->ch[sel];
	if (access == 0) {
		latch_count(c, t);
		return;
	}
	c->rw_mode = access == 3 ? RW_WORD0 : (u8)access;
	c->read_state = c->write_state = c->rw_mode;
	c->count_latched = 0;
	c->mode = (val >> 1) & 7;
	if (c->mode > 5)
		c->mode &= 3;  /* 6 and 7 are modes 2 and 3 */
	c->bcd = val & 1;
	c->loaded = false;
	c->frozen = false;
	if (sel == 0)
		update_timer(p);
}

static void write_counter(struct pit8254 *p, unsigned int i, u8 val, u64 t)
{
	struct pit_channel *c = &p->ch[i];

	switch (c->write_state) {
	case RW_LSB:
		load_count(c, val, t);
		break;
	case RW_MSB:
		load_count(c, (u16)(val << 8), t);
		break;
	case RW_WORD0:
		c->write_latch = val;
		c->write_state = RW_WORD1;
		/* Mode 0: writing the first byte stops the count (datasheet "Mode 0"). */
		if (c->mode == 0)
			c->loaded = false;
		return;
	default:
		load_count(c, (u16)(c->write_latch | val << 8), t);
		c->write_state = RW_WORD0;
		break;
	}
	if (i == 0)
		update_timer(p);
}

static u8 read_counter(struct pit_channel *c, u64 t)
{
	u16 v;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	if (c->count_latched) {
		v = c->latched_count;
		switch (c->count_latched) {
		case RW_MSB:
			c->count_latched = 0;
			return (u8)(v >> 8);
		case RW_WORD0:
			c->count_latched = RW_MSB;
			return (u8)v;
		default:
			c->count_latched = 0;
			return (u8)v;
		}
	}
	v = get_count(c, t);
	if (c->bcd)
		v = to_bcd(v % 10000);
	switch (c->read_state) {
	case RW_MSB:
		return (u8)(v >> 8);
	case RW_WORD0:
		c->read_state = RW_WORD1;
		return (u8)v;
	case RW_WORD1:
		c->read_state = RW_WORD0;
		return (u8)(v >> 8);
	default:
		return (u8)v;
	}
}

static int pit_read(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 *val, void *priv)
{
	struct pit8254 *p = priv;

	v3_spin_lock(&p->lock);
	/* The control port cannot be read. */
	*val = port == 0x43 ? 0xff : read_counter(&p->ch[port - 0x40], pit_ticks(p));
	v3_spin_unlock(&p->lock);
	return 0;
}

static int pit_write(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 val, void *priv)
{
	struct pit8254 *p = priv;
	u64 t;

	v3_spin_lock(&p->lock);
	t = pit_ticks(p);
	if (port == 0x43)
		write_control(p, (u8)val, t);
	else
		write_counter(p, port - 0x40, (u8)val, t);
	v3_spin_unlock(&p->lock);
	return 0;
}

static int port61_read(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 *val, void *priv)
{
	struct pit8254 *p = priv;
	u64 t;

	v3_spin_lock(&p->lock);
	t = pit_ticks(p);
	*val = p->port61 | ((t / REFRESH_TICKS) & 1 ? P61_REFRESH : 0) |
	       (get_out(&p->ch[2], t) ? P61_OUT2 : 0);
	v3_spin_unlock(&p->lock);
	return 0;
}

static int port61_write(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 val, void *priv)
{
	struct pit8254 *p = priv;

	v3_spin_lock(&p->lock);
	p->port61 = val & P61_WRITABLE;
	set_gate(&p->ch[2], val & P61_GATE2, pit_ticks(p));
	v3_spin_unlock(&p->lock);
	return 0;
}

/* ---- the device ----------------------------------------------------------------------- */

static int pit_create(struct v3_vm *vm, const struct v3_cfg_node *cfg, void **priv)
{
	struct pit8254 *p = v3_zalloc(sizeof(*p));
	int rc;

	if (!p)
		return -V3_ENOMEM;
	p->vm = vm;
	p->now = rdtsc;
	for (unsigned int i = 0; i < 3; i++) {
		/* Power-up: mode 0 is undefined until programmed; lo/hi access, gates 0/1 on. */
		p->ch[i].count = 65536;
		p->ch[i].rw_mode = p->ch[i].read_state = p->ch[i].write_state = RW_WORD0;
		p->ch[i].gate = i != 2;
	}
	v3_vtimer_init(&p->timer, timer_fired, p);
	rc = v3_hook_io(vm, 0x40, 0x43, pit_read, pit_write, p);
	if (!rc)
		rc = v3_hook_io(vm, 0x61, 0x61, port61_read, port61_write, p);
	if (rc) {
		v3_free(p);
		return rc;
	}
	*priv = p;
	return 0;
}

static void pit_free(void *priv)
{
	/* The vCPUs, and the timer list this timer may be on, are already gone. */
	v3_free(priv);
}

static void pit_dump(void *priv)
{
	struct pit8254 *p = priv;
	u64 t = pit_ticks(p);

	for (unsigned int i = 0; i < 3; i++) {
		const struct pit_channel *c = &p->ch[i];

		v3_info("vm %s: pit ch%u: mode %u%s count %u now %u out %u gate %u%s%s",
			p->vm->name, i, c->mode, c->bcd ? " bcd" : "", c->count, get_count(c, t),
			get_out(c, t), c->gate, c->loaded ? "" : " unloaded",
			i == 0 && p->timer.armed ? " armed" : "");
	}
	v3_info("vm %s: pit port 0x61: 0x%02x", p->vm->name, p->port61);
}

const struct v3_device_class pit8254_class = {
	.name = "pit8254",
	.create = pit_create,
	.free = pit_free,
	.dump = pit_dump,
};
