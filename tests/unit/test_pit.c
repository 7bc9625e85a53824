/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the 8254 PIT (devices/pit8254.c): counts read at chosen PIT clocks (the fake
 * host's TSC runs at 1 GHz and the test sets it), modes 0, 2, 3 and 4, lo/hi access, BCD, the
 * latch and read-back commands, the gate and OUT2 of port 0x61, and channel 0's interrupts on
 * line 0 through vCPU 0's vtimer (armed only in modes that interrupt).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dev_harness.h"
#include "fake_host.h"
#include "pit8254.h"
#include "vcpu.h"
#include "vm.h"

#define CTRL 0x43
#define P61_OUT2 0x20
#define P61_REFRESH 0x10

static void *pit;

static int setup(void **state)
{
	dev_vm_setup(1 << 20);
	pit = dev_create(&pit8254_class, NULL);
	pit_set_clock(pit, dev_now);
	return 0;
}

static int teardown(void **state)
{
	dev_vm_teardown();
	return 0;
}

/* The TSC (ns) at which the PIT clock reaches n. */
static u64 at(u64 n)
{
	return (n * 1000000000UL + PIT_HZ - 1) / PIT_HZ;
}

static void set_tick(u64 n)
{
	dev_advance_to(at(n));
}

static void write16(u16 port, u16 v)
{
	dev_outb(port, (u8)v);
	dev_outb(port, (u8)(v >> 8));
}

static u16 read16(u16 port)
{
	u8 lo = dev_inb(port);

	return (u16)(lo | dev_inb(port) << 8);
}

/* Counter latch command, then the latched value. */
static u16 latched(unsigned int ch)
{
	dev_outb(CTRL, (u8)(ch << 6));
	return read16(0x40 + ch);
}

static bool out2(void)
{
	return dev_inb(0x61) & P61_OUT2;
}

static void test_mode2_counts_and_interrupts(void **state)
{
	dev_outb(CTRL, 0x34);  /* ch0, lo/hi, mode 2, binary */
	assert_null(dev_vcpu->timers);
	write16(0x40, 1000);
	assert_non_null(dev_vcpu->timers);
	assert_int_equal(latched(0), 1000);
	set_tick(1);
	assert_int_equal(latched(0), 999);
	set_tick(999);
	assert_int_equal(latched(0), 1);
	assert_int_equal(dev_line_edges(0), 0);
	dev_advance_to(at(1000) - 1);
	assert_int_equal(dev_line_edges(0), 0);
	set_tick(1000);
	assert_int_equal(dev_line_edges(0), 1);
	assert_int_equal(latched(0), 1000);
	set_tick(1500);
	assert_int_equal(latched(0), 500);
	set_tick(2000);
	assert_int_equal(dev_line_edges(0), 2);
	set_tick(3000);
	assert_int_equal(dev_line_edges(0), 3);
	/* Reprogramming to a mode without interrupts stops the timer. */
	dev_outb(CTRL, 0x32);  /* mode 1 */
	assert_null(dev_vcpu->timers);
}

static void test_short_period_coalesced(void **state)
{
	dev_outb(CTRL, 0x34);
	write16(0x40, 2);  /* a 1.68 us period: interrupts at least 60 clocks apart */
	set_tick(59);
	assert_int_equal(dev_line_edges(0), 0);
	set_tick(60);
	assert_int_equal(dev_line_edges(0), 1);
	set_tick(119);
	assert_int_equal(dev_line_edges(0), 1);
	set_tick(120);
	assert_int_equal(dev_line_edges(0), 2);
}

static void test_mode2_out_low_one_clock(void **state)
{
	dev_outb(0x61, 0x01);
	dev_outb(CTRL, 0xb4);  /* ch2, lo/hi, mode 2 */
	write16(0x42, 10);
	set_tick(8);
	assert_true(out2());
	set_tick(9);
	assert_false(out2());
	set_tick(10);
	assert_true(out2());
	assert_int_equal(dev_line_edges(0), 0);  /* channel 2 has no interrupt */
}

static void test_mode3_square_wave(void **state)
{
	dev_outb(0x61, 0x01);
	dev_outb(CTRL, 0xb6);  /* ch2, lo/hi, mode 3 */
	write16(0x42, 100);
	assert_true(out2());
	set_tick(10);
	assert_int_equal(latched(2), 80);  /* counts by two */
	set_tick(49);
	assert_true(out2());
	set_tick(50);
	assert_false(out2());
	set_tick(99);
	assert_false(out2());
	set_tick(100);
	assert_true(out2());
	assert_int_equal(latched(2), 100);
}

static void test_mode3_channel0_period(void **state)
{
	dev_outb(CTRL, 0x36);  /* Linux's periodic tick: ch0, lo/hi, mode 3 */
	write16(0x40, 11932);  /* LATCH for HZ=100 */
	for (unsigned int i = 1; i <= 5; i++) {
		dev_advance_to(at(11932UL * i) - 1);
		assert_int_equal(dev_line_edges(0), i - 1);
		set_tick(11932UL * i);
		assert_int_equal(dev_line_edges(0), i);
	}
}

/* Linux's pit_calibrate_tsc()/quick_pit_calibrate(): mode 0 on channel 2, poll OUT2 and MSB. */
static void test_mode0_calibration(void **state)
{
	dev_outb(0x61, (dev_inb(0x61) & ~0x02) | 0x01);
	dev_outb(CTRL, 0xb0);  /* ch2, lo/hi, mode 0 */
	dev_outb(0x42, 0xff);
	assert_false(out2());  /* after the control word, before the whole count */
	dev_outb(0x42, 0xff);
	set_tick(0x100);
	assert_int_equal(dev_inb(0x42), 0xff);  /* LSB then MSB, no latch */
	assert_int_equal(dev_inb(0x42), 0xfe);
	set_tick(65534);
	assert_false(out2());
	set_tick(65535);
	assert_true(out2());
	set_tick(65536);
	assert_true(out2());
	assert_int_equal(latched(2), 0xffff);  /* the counter wraps and keeps counting */
}

static void test_mode0_one_interrupt(void **state)
{
	dev_outb(CTRL, 0x30);
	write16(0x40, 500);
	set_tick(499);
	assert_int_equal(dev_line_edges(0), 0);
	set_tick(500);
	assert_int_equal(dev_line_edges(0), 1);
	assert_null(dev_vcpu->timers);
	set_tick(5000);
	assert_int_equal(dev_line_edges(0), 1);
	write16(0x40, 100);  /* a new count re-arms */
	set_tick(5100);
	assert_int_equal(dev_line_edges(0), 2);
}

static void test_mode4_strobe(void **state)
{
	dev_outb(0x61, 0x01);
	dev_outb(CTRL, 0xb8);  /* ch2, lo/hi, mode 4 */
	write16(0x42, 20);
	set_tick(19);
	assert_true(out2());
	set_tick(20);
	assert_false(out2());
	set_tick(21);
	assert_true(out2());
	dev_outb(CTRL, 0x38);  /* ch0 mode 4: one interrupt when OUT rises again */
	write16(0x40, 20);
	set_tick(21 + 20);
	assert_int_equal(dev_line_edges(0), 0);
	set_tick(21 + 21);
	assert_int_equal(dev_line_edges(0), 1);
}

static void test_gate_suspends_mode0(void **state)
{
	dev_outb(0x61, 0x00);
	dev_outb(CTRL, 0xb0);
	write16(0x42, 1000);
	set_tick(300);
	assert_int_equal(latched(2), 1000);
	dev_outb(0x61, 0x01);
	set_tick(400);
	assert_int_equal(latched(2), 900);
	dev_outb(0x61, 0x00);
	set_tick(700);
	assert_int_equal(latched(2), 900);
	dev_outb(0x61, 0x01);
	set_tick(1599);
	assert_false(out2());
	set_tick(1600);  /* 100 + 900 clocks counted */
	assert_true(out2());
}

static void test_gate_reloads_mode2(void **state)
{
	dev_outb(0x61, 0x01);
	dev_outb(CTRL, 0xb4);
	write16(0x42, 100);
	set_tick(30);
	assert_int_equal(latched(2), 70);
	dev_outb(0x61, 0x00);
	set_tick(50);
	assert_true(out2());
	assert_int_equal(latched(2), 100);
	dev_outb(0x61, 0x01);  /* rising edge: starts over */
	set_tick(60);
	assert_int_equal(latched(2), 90);
}

static void test_access_modes(void **state)
{
	dev_outb(CTRL, 0x10);  /* ch0, LSB only, mode 0 */
	dev_outb(0x40, 0x50);
	assert_int_equal(dev_inb(0x40), 0x50);
	assert_int_equal(dev_inb(0x40), 0x50);
	dev_outb(CTRL, 0x60);  /* ch1, MSB only, mode 0 */
	dev_outb(0x41, 0x12);
	assert_int_equal(dev_inb(0x41), 0x12);
	set_tick(1);
	assert_int_equal(dev_inb(0x41), 0x11);  /* 0x11ff */
	assert_int_equal(dev_inb(0x43), 0xff);
}

static void test_latch_holds(void **state)
{
	dev_outb(CTRL, 0x34);
	write16(0x40, 1000);
	set_tick(10);
	dev_outb(CTRL, 0x00);
	set_tick(100);
	dev_outb(CTRL, 0x00);  /* a second latch before reading is ignored */
	assert_int_equal(read16(0x40), 990);
	assert_int_equal(read16(0x40), 900);  /* live again */
}

static void test_read_back(void **state)
{
	dev_outb(CTRL, 0x34);
	dev_outb(CTRL, 0xe2);  /* read-back: status of ch0 */
	assert_int_equal(dev_inb(0x40), 0xf4);  /* OUT high, null count, lo/hi, mode 2 */
	write16(0x40, 1000);
	set_tick(5);
	dev_outb(CTRL, 0xc2);  /* count and status of ch0 */
	set_tick(50);
	assert_int_equal(dev_inb(0x40), 0xb4);
	assert_int_equal(read16(0x40), 995);
	/* Several channels at once; the count only. */
	dev_outb(0x61, 0x01);
	dev_outb(CTRL, 0xb0);
	write16(0x42, 0x1234);
	dev_outb(CTRL, 0xd6);  /* counts of ch1 and ch2, ch0 not selected */
	assert_int_equal(read16(0x42), 0x1234);
	assert_int_equal(read16(0x40), 950);
}

static void test_bcd(void **state)
{
	dev_outb(CTRL, 0x35);  /* mode 2, BCD */
	write16(0x40, 0x1000);
	set_tick(1);
	assert_int_equal(latched(0), 0x0999);
	set_tick(1000);
	assert_int_equal(dev_line_edges(0), 1);
	dev_outb(CTRL, 0x31);  /* mode 0, BCD, count 0 = 10000 */
	write16(0x40, 0);
	set_tick(1001);
	assert_int_equal(latched(0), 0x9999);
}

static void test_port61(void **state)
{
	dev_outb(0x61, 0xf3);  /* only the low nibble is writable */
	assert_int_equal(dev_inb(0x61) & 0xcf, 0x03);
	assert_false(dev_inb(0x61) & P61_REFRESH);
	set_tick(18);
	assert_true(dev_inb(0x61) & P61_REFRESH);
	set_tick(36);
	assert_false(dev_inb(0x61) & P61_REFRESH);
}

static void test_guest_time(void **state)
{
	/* Counting follows the guest's TSC (host TSC + offset). */
	dev_tsc = 1000000;
	dev_vm->tsc_offset = (u64)-1000000;
	dev_outb(CTRL, 0x34);
	write16(0x40, 1000);
	dev_advance_to(1000000 + at(400));
	assert_int_equal(latched(0), 600);
	dev_advance_to(1000000 + at(1000));
	assert_int_equal(dev_line_edges(0), 1);
}

static void test_dump(void **state)
{
	dev_outb(CTRL, 0x34);
	write16(0x40, 1000);
	fake_host_reset_log();
	pit8254_class.dump(pit);
	assert_non_null(strstr(fake_host_log(), "pit ch0: mode 2 count 1000 now 1000 out 1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mode2_counts_and_interrupts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_period_coalesced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode2_out_low_one_clock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode3_square_wave, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode3_channel0_period, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode0_calibration, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode0_one_interrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode4_strobe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gate_suspends_mode0, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gate_reloads_mode2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_access_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_latch_holds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bcd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port61, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump, setup, teardown),
	};

	return cmocka_run_group_tests_name("pit8254", tests, NULL, NULL);
}
