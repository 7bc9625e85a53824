/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the MC146818 RTC and CMOS (devices/rtc.c): the time registers at chosen guest
 * times (the fake host's TSC runs at 1 GHz and the test sets it) in BCD and binary, 12 and 24
 * hours, setting the time with SET, the UIP window, register C's flags with the periodic, alarm
 * and update-ended interrupts on line 8, NVRAM, and the memory size bytes a BIOS leaves.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <v3/errno.h>

#include "dev_harness.h"
#include "fake_host.h"
#include "rtc.h"
#include "vcpu.h"
#include "vm.h"

#define SEC 1000000000UL
#define MIB (1UL << 20)
#define REG_A 0x0a
#define REG_B 0x0b
#define REG_C 0x0c
#define REG_D 0x0d

static void *rtc;

static void create(u64 mem, const char *time)
{
	const char *attrs[] = { "class", "rtc", "id", "rtc", time ? "time" : NULL, time, NULL };

	dev_vm_setup(mem);
	rtc = dev_create(&rtc_class, attrs);
	rtc_set_clock(rtc, dev_now);
}

static int setup(void **state)
{
	create(128 * MIB, NULL);
	return 0;
}

static int teardown(void **state)
{
	dev_vm_teardown();
	return 0;
}

static u8 rd(u8 idx)
{
	dev_outb(0x70, idx);
	return dev_inb(0x71);
}

static void wr(u8 idx, u8 val)
{
	dev_outb(0x70, idx);
	dev_outb(0x71, val);
}

/* seconds, minutes, hours, weekday, day, month, year, century */
static void assert_time(const u8 want[8])
{
	static const u8 regs[8] = { 0x00, 0x02, 0x04, 0x06, 0x07, 0x08, 0x09, 0x32 };

	for (unsigned int i = 0; i < 8; i++)
		assert_int_equal(rd(regs[i]), want[i]);
}

static void test_default_time(void **state)
{
	static const u8 t0[8] = { 0x00, 0x00, 0x00, 7, 0x01, 0x01, 0x00, 0x20 };
	static const u8 t1[8] = { 0x01, 0x01, 0x01, 7, 0x01, 0x01, 0x00, 0x20 };
	static const u8 t2[8] = { 0x00, 0x00, 0x00, 4, 0x01, 0x03, 0x00, 0x20 };

	assert_int_equal(rd(REG_A), 0x26);
	assert_int_equal(rd(REG_B), 0x02);  /* BCD, 24 hours */
	assert_int_equal(rd(REG_D), 0x80);
	assert_time(t0);
	dev_advance_to(3661 * SEC + SEC / 2);
	assert_time(t1);
	dev_advance_to(60UL * 86400 * SEC);  /* 2000 is a leap year: March 1st, a Wednesday */
	assert_time(t2);
}

static void test_config_time_bcd_binary_12h(void **state)
{
	static const u8 bcd[8] = { 0x59, 0x45, 0x13, 1, 0x22, 0x11, 0x26, 0x20 };
	static const u8 bin[8] = { 59, 45, 13, 1, 22, 11, 26, 20 };
	static const u8 pm12[8] = { 0x00, 0x46, 0x81, 1, 0x22, 0x11, 0x26, 0x20 };

	dev_vm_teardown();
	create(128 * MIB, "2026-11-22T13:45:59");
	assert_time(bcd);
	wr(REG_B, 0x06);  /* binary, 24 hours */
	assert_time(bin);
	wr(REG_B, 0x00);  /* BCD, 12 hours */
	dev_advance_to(SEC);
	assert_time(pm12);
}

static void test_bad_config_time(void **state)
{
	static const char *const bad[] = { "2026-13-01T00:00:00", "1969-01-01T00:00:00",
					   "2026-11-22 00:00:00", "2026-11-22T00:00", "x" };

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *attrs[] = { "time", bad[i], NULL };

		dev_free();
		assert_int_equal(dev_create_rc(&rtc_class, attrs), -V3_EINVAL);
	}
}

static void test_uip_window(void **state)
{
	assert_false(rd(REG_A) & 0x80);
	dev_advance_to(SEC - 244001);
	assert_false(rd(REG_A) & 0x80);
	dev_advance_to(SEC - 244000);
	assert_true(rd(REG_A) & 0x80);
	dev_advance_to(SEC - 1);
	assert_true(rd(REG_A) & 0x80);
	dev_advance_to(SEC);
	assert_false(rd(REG_A) & 0x80);
	assert_int_equal(rd(0x00), 0x01);
	wr(REG_A, 0xa6);  /* UIP is read-only */
	assert_int_equal(rd(REG_A), 0x26);
}

static void test_set_time(void **state)
{
	static const u8 set[8] = { 0x30, 0x15, 0x10, 4, 0x09, 0x06, 0x21, 0x20 };
	static const u8 later[8] = { 0x32, 0x15, 0x10, 4, 0x09, 0x06, 0x21, 0x20 };
	static const u8 regs[8] = { 0x00, 0x02, 0x04, 0x06, 0x07, 0x08, 0x09, 0x32 };

	dev_advance_to(SEC / 4);
	wr(REG_B, 0x82);  /* SET */
	for (unsigned int i = 0; i < 8; i++)
		wr(regs[i], set[i]);
	dev_advance_to(5 * SEC);
	assert_time(set);  /* frozen while SET */
	wr(REG_B, 0x02);
	assert_time(set);
	dev_advance_to(7 * SEC);
	assert_time(later);  /* 2021-06-09 was a Wednesday */
	/* A single register written while running changes just that field. */
	wr(0x02, 0x59);
	assert_int_equal(rd(0x02), 0x59);
	assert_int_equal(rd(0x00), 0x32);
}

static void test_nvram_and_index(void **state)
{
	for (unsigned int i = 0x40; i < 0x80; i++)
		wr((u8)i, (u8)(i ^ 0xa5));
	for (unsigned int i = 0x40; i < 0x80; i++)
		assert_int_equal(rd((u8)i), i ^ 0xa5);
	dev_outb(0x70, 0x80 | 0x41);  /* bit 7 masks NMI, not part of the index */
	assert_int_equal(dev_inb(0x71), 0x41 ^ 0xa5);
	wr(REG_D, 0x00);
	assert_int_equal(rd(REG_D), 0x80);
	wr(REG_C, 0xff);
	assert_int_equal(rd(REG_C), 0x00);
}

static void test_periodic_interrupt(void **state)
{
	/* Polled: PF is set without PIE, but no interrupt and no timer. */
	wr(REG_A, 0x26);
	assert_null(dev_vcpu->timers);
	dev_advance_to(2 * SEC / 1024);
	assert_int_equal(rd(REG_C), 0x40);
	assert_int_equal(rd(REG_C), 0x00);
	assert_int_equal(dev_line_edges(8), 0);

	wr(REG_B, 0x42);  /* PIE */
	assert_non_null(dev_vcpu->timers);
	dev_advance_to(2 * SEC / 1024 + 10);
	assert_int_equal(dev_line_edges(8), 0);
	dev_advance_to(3 * SEC / 1024 + 1);
	assert_int_equal(dev_line_edges(8), 1);
	assert_true(v3_irq_level(dev_vm, 8));
	assert_null(dev_vcpu->timers);  /* nothing more until C is read */
	assert_int_equal(rd(REG_C), 0xc0);
	assert_false(v3_irq_level(dev_vm, 8));
	assert_int_equal(rd(REG_C), 0x00);
	dev_advance_to(4 * SEC / 1024 + 1);
	assert_int_equal(dev_line_edges(8), 2);
	assert_int_equal(rd(REG_C), 0xc0);

	wr(REG_A, 0x2f);  /* 2 Hz */
	dev_advance_to(SEC / 2 - 10);
	assert_int_equal(dev_line_edges(8), 2);
	dev_advance_to(SEC / 2);
	assert_int_equal(dev_line_edges(8), 3);
	assert_int_equal(rd(REG_C) & 0xc0, 0xc0);
	wr(REG_B, 0x02);
	assert_null(dev_vcpu->timers);
}

static void test_update_interrupt(void **state)
{
	wr(REG_A, 0x20);  /* no periodic flag */
	wr(REG_B, 0x12);  /* UIE */
	dev_advance_to(SEC - 1);
	assert_int_equal(dev_line_edges(8), 0);
	dev_advance_to(SEC);
	assert_int_equal(dev_line_edges(8), 1);
	assert_int_equal(rd(REG_C), 0x90);
	dev_advance_to(2 * SEC);
	assert_int_equal(dev_line_edges(8), 2);
	assert_int_equal(rd(REG_C), 0x90);
	wr(REG_B, 0x92);  /* SET clears UIE and stops updates */
	assert_int_equal(rd(REG_B), 0x82);
	assert_null(dev_vcpu->timers);
}

static void test_alarm_interrupt(void **state)
{
	wr(REG_A, 0x20);  /* no periodic flag */
	wr(0x01, 0x05);
	wr(0x03, 0x00);
	wr(0x05, 0x00);
	wr(REG_B, 0x22);  /* AIE */
	dev_advance_to(5 * SEC - 1);
	assert_int_equal(dev_line_edges(8), 0);
	dev_advance_to(5 * SEC);
	assert_int_equal(dev_line_edges(8), 1);
	assert_int_equal(rd(REG_C), 0xb0);  /* IRQF, AF, and UF (no UIE) */
	dev_advance_to(6 * SEC);
	assert_int_equal(dev_line_edges(8), 1);
	assert_int_equal(rd(REG_C), 0x10);
	/* Don't-care hours and minutes: every minute at :10. */
	wr(0x01, 0x10);
	wr(0x03, 0xc0);
	wr(0x05, 0xff);
	dev_advance_to(10 * SEC);
	assert_int_equal(dev_line_edges(8), 2);
	assert_int_equal(rd(REG_C) & 0xa0, 0xa0);
	dev_advance_to(70 * SEC);
	assert_int_equal(dev_line_edges(8), 3);
}

static void test_memory_size_bytes(void **state)
{
	assert_int_equal(rd(0x15) | rd(0x16) << 8, 640);
	assert_int_equal(rd(0x17) | rd(0x18) << 8, 0xffff);  /* 127 MiB of KiB, capped */
	assert_int_equal(rd(0x30) | rd(0x31) << 8, 0xffff);
	assert_int_equal(rd(0x34) | rd(0x35) << 8, (128 - 16) * 16);
	assert_int_equal(rd(0x5b) | rd(0x5c) << 8 | rd(0x5d) << 16, 0);
	dev_vm_teardown();

	create(32 * MIB, NULL);
	assert_int_equal(rd(0x17) | rd(0x18) << 8, 31 * 1024);
	assert_int_equal(rd(0x34) | rd(0x35) << 8, 16 * 16);
	dev_vm_teardown();

	create(8192 * MIB, NULL);
	assert_int_equal(rd(0x34) | rd(0x35) << 8, (4096 - 16) * 16);
	assert_int_equal(rd(0x5b) | rd(0x5c) << 8 | rd(0x5d) << 16, 4096 * 16);
}

static void test_dump(void **state)
{
	dev_advance_to(61 * SEC);
	fake_host_reset_log();
	rtc_class.dump(rtc);
	assert_non_null(strstr(fake_host_log(), "rtc: 2000-01-01 00:01:01 A 0x26 B 0x02"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_default_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_time_bcd_binary_12h, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_config_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uip_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nvram_and_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_periodic_interrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_interrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alarm_interrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memory_size_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump, setup, teardown),
	};

	return cmocka_run_group_tests_name("rtc", tests, NULL, NULL);
}
