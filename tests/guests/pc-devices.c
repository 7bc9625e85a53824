// SPDX-License-Identifier: MIT
/*
 * The PC timer devices end to end (devices/pic8259.c, pit8254.c, rtc.c): the
 * 8259A pair initialized as Linux does, PIT channel 0 in mode 2 at 1 kHz
 * waking HLT through IRQ0, channel 2 in mode 0 polled through port 0x61
 * OUT2 as Linux's TSC calibration does, and the RTC: the configured time,
 * NVRAM, the memory size bytes, and its 1024 Hz periodic interrupt through
 * the cascade (IRQ8).
 */
#include "runtime.h"

#define VEC_BASE 0x20
#define PIT_TICKS 20
#define RTC_TICKS 8

static volatile unsigned int pit_ticks, rtc_ticks;
static volatile u8 rtc_c;

static void on_irq0(struct rt_frame *f)
{
	pit_ticks++;
	outb(0x20, 0x20);
}

static void on_irq8(struct rt_frame *f)
{
	outb(0x70, 0x0c);
	rtc_c = inb(0x71);
	rtc_ticks++;
	outb(0xa0, 0x20);
	outb(0x20, 0x20);
}

static u8 cmos(u8 idx)
{
	outb(0x70, idx);
	return inb(0x71);
}

static void cmos_write(u8 idx, u8 v)
{
	outb(0x70, idx);
	outb(0x71, v);
}

static void pic_init(void)
{
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	outb(0x20, 0x11);
	outb(0x21, VEC_BASE);
	outb(0x21, 1 << 2);
	outb(0x21, 0x01);
	outb(0xa0, 0x11);
	outb(0xa1, VEC_BASE + 8);
	outb(0xa1, 2);
	outb(0xa1, 0x01);
}

/* HLT with interrupts on until *count reaches n (or too many wake-ups). */
static void wait_irqs(volatile unsigned int *count, unsigned int n)
{
	for (unsigned int i = 0; i < 100 * n && *count < n; i++)
		asm volatile("sti\n\thlt\n\tcli" ::: "memory");
}

static void test_pit_irq0(void)
{
	u8 lo, hi;

	rt_set_irq_handler(VEC_BASE, on_irq0);
	outb(0x43, 0x34);  /* ch0, lo/hi, mode 2 */
	outb(0x40, 1193 & 0xff);
	outb(0x40, 1193 >> 8);
	outb(0x43, 0x00);
	lo = inb(0x40);
	hi = inb(0x40);
	CHECK((hi << 8 | lo) <= 1193 && (hi << 8 | lo) > 0, "pit: latched count in 1..1193");
	outb(0x21, 0xfe);
	wait_irqs(&pit_ticks, PIT_TICKS);
	outb(0x21, 0xff);
	CHECK(pit_ticks >= PIT_TICKS, "pit: 20 IRQ0 ticks woke HLT");
	outb(0x20, 0x0b);
	CHECK_EQ(inb(0x20), 0, "pic: nothing in service after the EOIs");
}

static void test_pit_out2(void)
{
	unsigned long polls = 0;
	bool low_first;

	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
	outb(0x43, 0xb0);  /* ch2, lo/hi, mode 0 */
	outb(0x42, 0x00);
	outb(0x42, 0x10);  /* 4096 clocks, 3.4 ms */
	low_first = !(inb(0x61) & 0x20);
	while (!(inb(0x61) & 0x20) && polls < 100000000)
		polls++;
	CHECK(low_first, "pit: OUT2 low while counting");
	CHECK(inb(0x61) & 0x20, "pit: OUT2 high at terminal count");
}

static void test_rtc(void)
{
	CHECK_EQ(cmos(0x0d), 0x80, "rtc: register D VRT");
	CHECK_EQ(cmos(0x0b), 0x02, "rtc: register B: BCD, 24 hours");
	CHECK_EQ(cmos(0x32), 0x20, "rtc: century 20");
	CHECK_EQ(cmos(0x09), 0x26, "rtc: year 26");
	CHECK_EQ(cmos(0x08), 0x11, "rtc: month 11");
	CHECK_EQ(cmos(0x07), 0x22, "rtc: day 22");
	CHECK_EQ(cmos(0x34) | cmos(0x35) << 8, (64 - 16) * 16, "rtc: memory above 16 MiB");
	cmos_write(0x50, 0x5a);
	CHECK_EQ(cmos(0x50), 0x5a, "rtc: NVRAM round trip");

	rt_set_irq_handler(VEC_BASE + 8, on_irq8);
	cmos(0x0c);
	cmos_write(0x0a, 0x26);
	cmos_write(0x0b, 0x42);  /* PIE */
	outb(0xa1, 0xfe);
	outb(0x21, 0xfb);
	wait_irqs(&rtc_ticks, RTC_TICKS);
	cmos_write(0x0b, 0x02);
	outb(0xa1, 0xff);
	outb(0x21, 0xff);
	CHECK(rtc_ticks >= RTC_TICKS, "rtc: 8 periodic interrupts through IRQ8");
	CHECK_EQ(rtc_c & 0xc0, 0xc0, "rtc: register C had IRQF and PF");
}

int guest_main(void)
{
	pic_init();
	test_pit_irq0();
	test_pit_out2();
	test_rtc();
	return 0;
}
