/* SPDX-License-Identifier: MIT */
/*
 * The MC146818 real-time clock and its 128 bytes of CMOS RAM (Motorola
 * MC146818A datasheet) at ports 0x70 (index; bit 7 masks NMI) and 0x71.
 *
 * The clock has no host wall-clock to read: it starts at the config's
 * time="YYYY-MM-DDTHH:MM:SS" (default 2000-01-01T00:00:00) when the guest's
 * TSC is zero, i.e. at VM creation, and runs with the guest TSC. The time
 * registers are computed when read, in BCD or binary (register B DM) and
 * 12 or 24 hour mode; while register B SET is on they hold what the guest
 * writes, and clearing SET makes that the time (keeping the sub-second
 * phase). The day of the week is derived from the date, not counted
 * separately as the chip does. Register A UIP reads 1 during the 244 us before each second.
 *
 * Register C's flags are evaluated lazily over the time since they were
 * last evaluated: PF (periodic rate of register A), AF (alarm, with the
 * 0xc0-0xff "don't care" values), UF (each second); IRQF and line 8 follow
 * the enables of register B, and reading C clears them. A vtimer of vCPU 0
 * is armed only while an enabled interrupt is due and IRQF is clear. A
 * spinlock guards the state, since any vCPU may use the ports.
 *
 * Like a BIOS, the device fills in the memory size: base memory (0x15-0x16),
 * extended memory in KiB (0x17-0x18, 0x30-0x31), memory above 16 MiB in
 * 64 KiB units (0x34-0x35) and above 4 GiB (0x5b-0x5d, as QEMU does).
 */
#include "device.h"
#include "host_ops.h"
#include "intr.h"
#include "io.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "log.h"
#include "rtc.h"
#include "vcpu.h"
#include "vm.h"
#include "vtimer.h"

#define RTC_IRQ 8
#define RTC_DEFAULT_TIME "2000-01-01T00:00:00"

/* Registers. */
#define REG_SEC 0x00
#define REG_SEC_ALARM 0x01
#define REG_MIN 0x02
#define REG_MIN_ALARM 0x03
#define REG_HOUR 0x04
#define REG_HOUR_ALARM 0x05
#define REG_WDAY 0x06
#define REG_MDAY 0x07
#define REG_MONTH 0x08
#define REG_YEAR 0x09
#define REG_A 0x0a
#define REG_B 0x0b
#define REG_C 0x0c
#define REG_D 0x0d
#define REG_CENTURY 0x32

#define A_UIP 0x80
#define A_RATE 0x0f
#define B_SET 0x80
#define B_PIE 0x40
#define B_AIE 0x20
#define B_UIE 0x10
#define B_DM_BINARY 0x04
#define B_24H 0x02
#define C_IRQF 0x80
#define C_PF 0x40
#define C_AF 0x20
#define C_UF 0x10
#define D_VRT 0x80
#define HOUR_PM 0x80
#define ALARM_DONT_CARE 0xc0

#define UIP_NS 244000
#define DAY_SECS 86400

struct rtc {
	struct v3_vm *vm;
	u8 cmos[128];
	u8 index;
	bool nmi_masked;       /* bit 7 of the last write to 0x70 */
	u64 base_secs;         /* the time (seconds since 1970) at guest TSC origin */
	u64 origin;            /* guest TSC where the current second count started */
	u64 flags_until;       /* guest TSC up to which register C is evaluated */
	struct v3_vtimer timer;  /* on vCPU 0 */
	u64 (*now)(void);      /* host TSC */
	struct v3_spinlock lock;  /* the ports may be used from any vCPU's thread */
};

static u64 rdtsc(void)
{
	return __builtin_ia32_rdtsc();
}

void rtc_set_clock(void *priv, u64 (*now)(void))
{
	((struct rtc *)priv)->now = now;
}

static u64 tsc_hz(void)
{
	return v3_host->tsc_khz() * 1000;
}

static u64 guest_tsc(const struct rtc *r)
{
	return r->now() + r->vm->tsc_offset;
}

/* ---- calendar (days since 1970-01-01, proleptic Gregorian; H. Hinnant's algorithms) ---- */

struct rtc_tm {
	u64 year;
	unsigned int month, mday, hour, min, sec, wday;  /* wday 0 = Sunday */
};

static u64 days_from_civil(u64 y, unsigned int m, unsigned int d)
{
	u64 era, yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void secs_to_tm(u64 secs, struct rtc_tm *tm)
{
	u64 z = secs / DAY_SECS + 719468, era = z / 146097, doe = z - era * 146097;
	u64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	u64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	u64 sod = secs % DAY_SECS;

	tm->mday = (unsigned int)(doy - (153 * mp + 2) / 5 + 1);
	tm->month = (unsigned int)(mp < 10 ? mp + 3 : mp - 9);
	tm->year = yoe + era * 400 + (tm->month <= 2);
	tm->hour = (unsigned int)(sod / 3600);
	tm->min = (unsigned int)(sod / 60 % 60);
	tm->sec = (unsigned int)(sod % 60);
	tm->wday = (unsigned int)((secs / DAY_SECS + 4) % 7);  /* 1970-01-01 was a Thursday */
}

/* Seconds since 1970 of a guest-supplied date, clamped into something valid. */
static u64 tm_to_secs(const struct rtc_tm *tm)
{
	u64 year = tm->year < 1970 ? 1970 : tm->year > 9999 ? 9999 : tm->year;
	unsigned int month = tm->month >= 1 && tm->month <= 12 ? tm->month : 1;
	unsigned int mday = tm->mday >= 1 && tm->mday <= 31 ? tm->mday : 1;

	return days_from_civil(year, month, mday) * DAY_SECS + (tm->hour % 24) * 3600 +
	       (tm->min % 60) * 60 + tm->sec % 60;
}

/* "YYYY-MM-DDTHH:MM:SS" */
static int parse_time(const char *s, u64 *secs)
{
	static const char seps[] = "--T::";
	unsigned int v[6];
	struct rtc_tm tm;
	const char *end;

	for (unsigned int i = 0; i < 6; i++) {
		u64 n = v3_strtoull(s, &end, 10);

		if (end == s || end - s > 4 || (i < 5 ? *end != seps[i] : *end != '\0'))
			return -V3_EINVAL;
		v[i] = (unsigned int)n;
		s = end + (i < 5);
	}
	if (v[0] < 1970 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 ||
	    v[4] > 59 || v[5] > 59)
		return -V3_EINVAL;
	tm = (struct rtc_tm){ .year = v[0], .month = v[1], .mday = v[2], .hour = v[3],
			      .min = v[4], .sec = v[5] };
	*secs = tm_to_secs(&tm);
	return 0;
}

/* ---- the time registers ------------------------------------------------------------- */

static bool binary_mode(const struct rtc *r)
{
	return r->cmos[REG_B] & B_DM_BINARY;
}

static u8 encode(const struct rtc *r, unsigned int v)
{
	return binary_mode(r) ? (u8)v : (u8)((v / 10) << 4 | v % 10);
}

static unsigned int decode(const struct rtc *r, u8 v)
{
	return binary_mode(r) ? v : (v >> 4) * 10 + (v & 0xf);
}

static u8 encode_hour(const struct rtc *r, unsigned int h)
{
	unsigned int h12;

	if (r->cmos[REG_B] & B_24H)
		return encode(r, h);
	h12 = h % 12 ? h % 12 : 12;
	return (u8)(encode(r, h12) | (h >= 12 ? HOUR_PM : 0));
}

static unsigned int decode_hour(const struct rtc *r, u8 v)
{
	unsigned int h;

	if (r->cmos[REG_B] & B_24H)
		return decode(r, v);
	h = decode(r, v & (u8)~HOUR_PM) % 12;
	return v & HOUR_PM ? h + 12 : h;
}

static u64 now_secs(const struct rtc *r, u64 g)
{
	return r->base_secs + (g - r->origin) / tsc_hz();
}

static void fill_time_regs(struct rtc *r, u64 secs)
{
	struct rtc_tm tm;

	secs_to_tm(secs, &tm);
	r->cmos[REG_SEC] = encode(r, tm.sec);
	r->cmos[REG_MIN] = encode(r, tm.min);
	r->cmos[REG_HOUR] = encode_hour(r, tm.hour);
	r->cmos[REG_WDAY] = encode(r, tm.wday + 1);
	r->cmos[REG_MDAY] = encode(r, tm.mday);
	r->cmos[REG_MONTH] = encode(r, tm.month);
	r->cmos[REG_YEAR] = encode(r, (unsigned int)(tm.year % 100));
	r->cmos[REG_CENTURY] = encode(r, (unsigned int)(tm.year / 100 % 100));
}

/* The time registers become the time; the divider keeps its phase within the second. */
static void set_time_from_regs(struct rtc *r, u64 g)
{
	struct rtc_tm tm = {
		.year = decode(r, r->cmos[REG_CENTURY]) * 100 + decode(r, r->cmos[REG_YEAR]),
		.month = decode(r, r->cmos[REG_MONTH]),
		.mday = decode(r, r->cmos[REG_MDAY]),
		.hour = decode_hour(r, r->cmos[REG_HOUR]),
		.min = decode(r, r->cmos[REG_MIN]),
		.sec = decode(r, r->cmos[REG_SEC]),
	};

	r->origin = g - (g - r->origin) % tsc_hz();
	r->base_secs = tm_to_secs(&tm);
}

static bool is_time_reg(unsigned int idx)
{
	return idx == REG_SEC || idx == REG_MIN || idx == REG_HOUR || idx == REG_CENTURY ||
	       (idx >= REG_WDAY && idx <= REG_YEAR);
}

/* ---- register C ------------------------------------------------------------------------ */

static bool updating(const struct rtc *r)
{
	return !(r->cmos[REG_B] & B_SET);
}

/* Periodic interrupt frequency of register A's rate (0: off). */
static u64 periodic_hz(const struct rtc *r)
{
	unsigned int rate = r->cmos[REG_A] & A_RATE;

	if (!rate)
		return 0;
	return 65536 >> (rate <= 2 ? rate + 7 : rate);  /* rates 1 and 2 repeat 8 and 9 */
}

/* Periodic ticks from the origin to guest TSC g. */
static u64 periodic_index(const struct rtc *r, u64 g, u64 freq)
{
	u64 d = g - r->origin, hz = tsc_hz();

	return (d / hz) * freq + (d % hz) * freq / hz;
}

static bool alarm_field_matches(const struct rtc *r, unsigned int reg, unsigned int v, bool hour)
{
	u8 a = r->cmos[reg];

	if ((a & ALARM_DONT_CARE) == ALARM_DONT_CARE)
		return true;
	return (hour ? decode_hour(r, a) : decode(r, a)) == v;
}

/* The first second after secs when the alarm matches, within a day (else ~0). */
static u64 next_alarm(const struct rtc *r, u64 secs)
{
	u64 t = secs + 1, end = secs + 1 + DAY_SECS;

	while (t < end) {
		unsigned int sod = (unsigned int)(t % DAY_SECS);

		if (!alarm_field_matches(r, REG_HOUR_ALARM, sod / 3600, true))
			t += 3600 - sod % 3600;
		else if (!alarm_field_matches(r, REG_MIN_ALARM, sod / 60 % 60, false))
			t += 60 - sod % 60;
		else if (!alarm_field_matches(r, REG_SEC_ALARM, sod % 60, false))
			t++;
		else
			return t;
	}
	return ~0UL;
}

/* Sets the flags of what happened in (flags_until, g], then IRQF and line 8. */
static void eval_flags(struct rtc *r, u64 g)
{
	u64 freq = periodic_hz(r), last = r->flags_until;
	u8 *c = &r->cmos[REG_C];

	if (g <= last)
		return;
	if (freq && periodic_index(r, g, freq) > periodic_index(r, last, freq))
		*c |= C_PF;
	if (updating(r)) {
		u64 s0 = now_secs(r, last), s1 = now_secs(r, g);

		if (s1 > s0)
			*c |= C_UF;
		if (s1 > s0 && next_alarm(r, s0) <= s1)
			*c |= C_AF;
	}
	r->flags_until = g;
	if (!(*c & C_IRQF) && (*c & r->cmos[REG_B] & (C_PF | C_AF | C_UF))) {
		*c |= C_IRQF;
		v3_irq_set(r->vm, RTC_IRQ, true);
	}
}

/* Guest TSC of the next enabled event after g, or 0 when none is due. */
static u64 next_event(const struct rtc *r, u64 g)
{
	u64 hz = tsc_hz(), freq = periodic_hz(r), next = ~0UL;
	u8 b = r->cmos[REG_B];

	if ((b & B_PIE) && freq) {
		u64 i = periodic_index(r, g, freq) + 1;

		next = r->origin + (i / freq) * hz + ((i % freq) * hz + freq - 1) / freq;
	}
	if (updating(r) && (b & (B_UIE | B_AIE))) {
		u64 s = now_secs(r, g), when = s + 1;

		if (!(b & B_UIE))
			when = next_alarm(r, s);
		if (when != ~0UL) {
			when = r->origin + (when - r->base_secs) * hz;
			next = when < next ? when : next;
		}
	}
	return next == ~0UL ? 0 : next;
}

/* After any change: evaluate the flags and arm the timer for the next enabled event. */
static void rtc_update(struct rtc *r)
{
	u64 g = guest_tsc(r), next, deadline;
	struct v3_vcpu *vcpu = &r->vm->vcpus[0];

	eval_flags(r, g);
	next = r->cmos[REG_C] & C_IRQF ? 0 : next_event(r, g);
	deadline = next - r->vm->tsc_offset;
	/* Touch vCPU 0's timer list only for a change. */
	if (next && (!r->timer.armed || r->timer.deadline != deadline))
		v3_vtimer_arm(vcpu, &r->timer, deadline);
	else if (!next && r->timer.armed)
		v3_vtimer_cancel(vcpu, &r->timer);
}

static void timer_fired(struct v3_vcpu *vcpu, struct v3_vtimer *t, void *priv)
{
	struct rtc *r = priv;

	v3_spin_lock(&r->lock);
	rtc_update(r);
	v3_spin_unlock(&r->lock);
}

/* ---- the ports -------------------------------------------------------------------------- */

static u8 read_reg(struct rtc *r, unsigned int idx)
{
	u64 g = guest_tsc(r);
	u8 v;

	if (is_time_reg(idx) && updating(r))
		fill_time_regs(r, now_secs(r, g));
	switch (idx) {
	case REG_A: {
		u64 hz = tsc_hz(), uip = v3_ns_to_tsc(UIP_NS);
		bool in_update = updating(r) && (g - r->origin) % hz >= hz - uip;

		return (u8)((r->cmos[REG_A] & ~A_UIP) | (in_update ? A_UIP : 0));
	}
	case REG_C:
		eval_flags(r, g);
		v = r->cmos[REG_C];
		r->cmos[REG_C] = 0;
		if (v & C_IRQF)
			v3_irq_set(r->vm, RTC_IRQ, false);
		rtc_update(r);
		return v;
	case REG_D:
		return D_VRT;
	default:
		return r->cmos[idx];
	}
}

static void write_reg(struct rtc *r, unsigned int idx, u8 val)
{
	u64 g = guest_tsc(r);
	u8 old_b = r->cmos[REG_B];

	switch (idx) {
	case REG_A:
		eval_flags(r, g);  /* flags of the old rate up to now */
		r->cmos[REG_A] = val & (u8)~A_UIP;
		break;
	case REG_B:
		eval_flags(r, g);
		if ((val & B_SET) && !(old_b & B_SET))
			fill_time_regs(r, now_secs(r, g));  /* freeze what the guest will edit */
		if (val & B_SET)
			val &= (u8)~B_UIE;  /* the datasheet: SET clears UIE */
		r->cmos[REG_B] = val;
		if (!(val & B_SET) && (old_b & B_SET))
			set_time_from_regs(r, g);
		break;
	case REG_C:
	case REG_D:
		return;  /* read-only */
	default:
		if (is_time_reg(idx) && updating(r)) {
			eval_flags(r, g);
			fill_time_regs(r, now_secs(r, g));
			r->cmos[idx] = val;
			set_time_from_regs(r, g);
		} else {
			r->cmos[idx] = val;
			if (idx >= REG_D)
				return;  /* plain NVRAM: nothing to re-evaluate */
		}
		break;
	}
	rtc_update(r);
}

static int index_read(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 *val, void *priv)
{
	*val = 0xff;  /* the index register is write-only */
	return 0;
}

static int index_write(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 val, void *priv)
{
	struct rtc *r = priv;

	v3_spin_lock(&r->lock);
	r->index = val & 0x7f;
	r->nmi_masked = val & 0x80;
	v3_spin_unlock(&r->lock);
	return 0;
}

static int data_read(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 *val, void *priv)
{
	struct rtc *r = priv;

	v3_spin_lock(&r->lock);
	*val = read_reg(r, r->index);
	v3_spin_unlock(&r->lock);
	return 0;
}

static int data_write(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 val, void *priv)
{
	struct rtc *r = priv;

	v3_spin_lock(&r->lock);
	write_reg(r, r->index, (u8)val);
	v3_spin_unlock(&r->lock);
	return 0;
}

/* ---- the device ----------------------------------------------------------------------- */

static void put16(struct rtc *r, unsigned int idx, u64 v)
{
	v = v > 0xffff ? 0xffff : v;
	r->cmos[idx] = (u8)v;
	r->cmos[idx + 1] = (u8)(v >> 8);
}

/* The memory size bytes a PC BIOS leaves in CMOS (RAM is contiguous from 0). */
static void fill_memory_size(struct rtc *r, u64 mem)
{
	const u64 k = 1024, m = k * k, g4 = 4 * k * m;
	u64 below4g = mem < g4 ? mem : g4;
	u64 above4g = mem > g4 ? (mem - g4) >> 16 : 0;

	put16(r, 0x15, (mem < 640 * k ? mem : 640 * k) / k);
	put16(r, 0x17, mem > m ? (mem - m) / k : 0);
	put16(r, 0x30, mem > m ? (mem - m) / k : 0);
	put16(r, 0x34, below4g > 16 * m ? (below4g - 16 * m) >> 16 : 0);
	r->cmos[0x5b] = (u8)above4g;
	r->cmos[0x5c] = (u8)(above4g >> 8);
	r->cmos[0x5d] = (u8)(above4g >> 16);
}

static int rtc_create(struct v3_vm *vm, const struct v3_cfg_node *cfg, void **priv)
{
	const char *time = v3_cfg_attr(cfg, "time");
	struct rtc *r;
	int rc;
	u64 secs;

	if (parse_time(time ? time : RTC_DEFAULT_TIME, &secs)) {
		v3_err("config line %u: <%s>: time=\"%s\" is not YYYY-MM-DDTHH:MM:SS (from 1970)",
		       cfg->line, cfg->name, time);
		return -V3_EINVAL;
	}
	r = v3_zalloc(sizeof(*r));
	if (!r)
		return -V3_ENOMEM;
	r->vm = vm;
	r->now = rdtsc;
	/* The guest's TSC is zero when the VM is created (vm.c): that is the base time. */
	r->base_secs = secs;
	r->cmos[REG_A] = 0x26;  /* 32.768 kHz time base, 1024 Hz rate (as firmware leaves it) */
	r->cmos[REG_B] = B_24H;
	fill_memory_size(r, vm->cfg.mem_size);
	v3_vtimer_init(&r->timer, timer_fired, r);
	rc = v3_hook_io(vm, 0x70, 0x70, index_read, index_write, r);
	if (!rc)
		rc = v3_hook_io(vm, 0x71, 0x71, data_read, data_write, r);
	if (rc) {
		v3_free(r);
		return rc;
	}
	*priv = r;
	return 0;
}

static void rtc_free(void *priv)
{
	/* The vCPUs, and the timer list this timer may be on, are already gone. */
	v3_free(priv);
}

static void rtc_dump(void *priv)
{
	struct rtc *r = priv;
	struct rtc_tm tm;

	secs_to_tm(now_secs(r, guest_tsc(r)), &tm);
	v3_info("vm %s: rtc: %04lu-%02u-%02u %02u:%02u:%02u A 0x%02x B 0x%02x C 0x%02x index 0x%02x"
		"%s%s", r->vm->name, tm.year, tm.month, tm.mday, tm.hour, tm.min, tm.sec,
		r->cmos[REG_A], r->cmos[REG_B], r->cmos[REG_C], r->index,
		r->nmi_masked ? " nmi-masked" : "", r->timer.armed ? " armed" : "");
}

const struct v3_device_class rtc_class = {
	.name = "rtc",
	.create = rtc_create,
	.free = rtc_free,
	.dump = rtc_dump,
};
