/* SPDX-License-Identifier: MIT */
/*
 * Time: the TSC is the clock. Its rate is measured against the 8254 PIT:
 * channel 2 counts a known interval with its gate on port 0x61 (8254
 * datasheet, mode 0), which needs no interrupt. The local APIC timer is
 * calibrated in the same window.
 */
#include <arch/x86.h>
#include "apic.h"
#include "hk.h"

#define PIT_HZ 1193182
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_GATE 0x61
#define CALIBRATE_MS 10

static u64 tsc_khz;

/* One PIT-timed window; returns TSC ticks and APIC timer ticks elapsed. */
static void pit_window(u64 *tsc_ticks, u32 *apic_ticks)
{
	u16 count = PIT_HZ * CALIBRATE_MS / 1000;
	u8 gate = x86_inb(PIT_GATE);
	u64 t0, t1;

	x86_outb(PIT_GATE, (gate & ~0x02) & ~0x01);  /* speaker off, gate low */
	x86_outb(PIT_CMD, 0xb0);                      /* ch2, lo/hi, mode 0, binary */
	x86_outb(PIT_CH2, count & 0xff);
	x86_outb(PIT_CH2, count >> 8);
	hk_lapic_timer_start_free();
	t0 = x86_rdtsc();
	x86_outb(PIT_GATE, (gate & ~0x02) | 0x01);   /* gate high: count down */
	while (!(x86_inb(PIT_GATE) & 0x20))           /* OUT2 rises at terminal count */
		x86_pause();
	t1 = x86_rdtsc();
	*apic_ticks = hk_lapic_timer_elapsed();
	*tsc_ticks = t1 - t0;
	x86_outb(PIT_GATE, gate);
}

void hk_time_init(void)
{
	u64 best_tsc = ~0UL;
	u32 best_apic = 0;

	/* The smallest of a few windows is the one least disturbed. */
	for (int i = 0; i < 3; i++) {
		u64 t;
		u32 a;

		pit_window(&t, &a);
		if (t < best_tsc) {
			best_tsc = t;
			best_apic = a;
		}
	}
	tsc_khz = best_tsc / CALIBRATE_MS;
	hk_lapic_timer_set_khz(best_apic / CALIBRATE_MS);
	if (!tsc_khz)
		hk_panic("TSC calibration failed (TSC not counting?)");
}

u64 hk_tsc_khz(void)
{
	return tsc_khz;
}

u64 hk_tsc_to_us(u64 tsc_delta)
{
	return tsc_delta * 1000 / tsc_khz;
}

void hk_udelay(u64 us)
{
	u64 end = x86_rdtsc() + us * tsc_khz / 1000;

	while (x86_rdtsc() < end)
		x86_pause();
}
