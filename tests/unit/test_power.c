/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the power-off and reset paths (devices/power.c) through
 * the I/O exit path: the 0xcf9 reset control register, the ACPI PM1a
 * control register's S5 transition (and the sleep states it refuses), and
 * QEMU's isa-debug-exit status encoding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fake_host.h"
#include "pc_harness.h"

#define CF9 0xcf9
#define SLP_EN (1u << 13)
#define SLP_TYP(t) ((u32)(t) << 10)
#define SCI_EN 1u

static int setup(void **state)
{
	(void)state;
	assert_int_equal(ph_create("<device class=\"power\" id=\"pm\"/>"
				   "<device class=\"isa_debug_exit\" id=\"dbgexit\" port=\"0xf4\"/>"),
			 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ph_destroy();
	return 0;
}

static void assert_running(void)
{
	assert_int_equal(ph_vm->state, V3_VM_RUNNING);
	assert_int_equal(ph_vm->outcome.reason, V3_STOP_NONE);
}

static void assert_stopped(enum v3_stop_reason reason, s64 status, const char *detail)
{
	assert_int_equal(ph_vm->state, V3_VM_STOPPED);
	assert_int_equal(ph_vm->outcome.reason, reason);
	assert_int_equal(ph_vm->outcome.status, status);
	assert_non_null(strstr(ph_vm->outcome.detail, detail));
}

static void test_cf9_hard_reset(void **state)
{
	(void)state;
	ph_outb(CF9, 0x02);                           /* SYS_RST alone: just selects */
	assert_running();
	assert_int_equal(ph_inb(CF9), 0x02);
	ph_outb(CF9, 0x06);
	assert_stopped(V3_STOP_RESET, 0, "guest reset (port 0xcf9)");
	assert_false(v3_vm_outcome_ok(ph_vm));
}

static void test_cf9_full_reset(void **state)
{
	(void)state;
	ph_outb(CF9, 0x0e);
	assert_stopped(V3_STOP_RESET, 0, "guest reset (port 0xcf9)");
}

static void test_cf9_ignores_wide_access(void **state)
{
	(void)state;
	ph_outw(CF9, 0x0606);
	assert_running();
}

static void test_pm1a_s5(void **state)
{
	(void)state;
	ph_outw(0x604, SCI_EN);
	assert_int_equal(ph_inw(0x604), SCI_EN);
	ph_outw(0x604, SCI_EN | SLP_TYP(5));          /* type without SLP_EN: nothing */
	assert_running();
	assert_int_equal(ph_inw(0x604), SCI_EN | SLP_TYP(5));
	ph_outw(0x604, SCI_EN | SLP_TYP(5) | SLP_EN);
	assert_stopped(V3_STOP_POWER_OFF, 0, "guest power-off");
	assert_true(v3_vm_outcome_ok(ph_vm));
}

static void test_pm1a_byte_writes(void **state)
{
	(void)state;
	/* The high byte alone carries SLP_TYP and SLP_EN. */
	ph_outb(0x605, (SLP_TYP(5) | SLP_EN) >> 8);
	assert_stopped(V3_STOP_POWER_OFF, 0, "guest power-off");
}

static void test_pm1a_other_sleep_states_ignored(void **state)
{
	(void)state;
	fake_host_reset_log();
	ph_outw(0x604, SLP_TYP(1) | SLP_EN);          /* S1/S3-like: refused */
	assert_running();
	assert_non_null(strstr(fake_host_log(), "sleep type 1"));
	assert_int_equal(ph_inw(0x604) & SLP_EN, 0);  /* write-only */
}

static void test_pm1a_configurable(void **state)
{
	(void)state;
	ph_destroy();
	assert_int_equal(ph_create("<device class=\"power\" id=\"pm\" pm1a=\"0xb004\" s5=\"0\"/>"),
			 0);
	ph_outw(0x604, SLP_TYP(5) | SLP_EN);          /* nothing there now */
	assert_running();
	ph_outw(0xb004, SLP_TYP(5) | SLP_EN);
	assert_running();
	ph_outw(0xb004, SLP_TYP(0) | SLP_EN);         /* QEMU's _S5 value */
	assert_stopped(V3_STOP_POWER_OFF, 0, "guest power-off");
}

static void test_debug_exit_status(void **state)
{
	(void)state;
	ph_outb(0xf4, 0x10);
	assert_stopped(V3_STOP_GUEST_EXIT, (0x10 << 1) | 1, "isa-debug-exit");
	assert_false(v3_vm_outcome_ok(ph_vm));
}

static void test_debug_exit_zero(void **state)
{
	(void)state;
	ph_outb(0xf4, 0);
	assert_stopped(V3_STOP_GUEST_EXIT, 1, "isa-debug-exit");
	assert_false(v3_vm_outcome_ok(ph_vm));       /* QEMU's status 1 is not 0 */
}

static void test_debug_exit_dword(void **state)
{
	(void)state;
	ph_outl(0xf4, 0x80000000u);
	assert_stopped(V3_STOP_GUEST_EXIT, ((s64)0x80000000u << 1) | 1, "isa-debug-exit");
}

static void test_debug_exit_port(void **state)
{
	(void)state;
	ph_destroy();
	assert_int_equal(ph_create("<device class=\"isa_debug_exit\" id=\"x\" port=\"0x501\"/>"), 0);
	ph_outb(0xf4, 1);
	assert_running();
	ph_outb(0x501, 1);
	assert_stopped(V3_STOP_GUEST_EXIT, 3, "isa-debug-exit");
	ph_destroy();
	assert_int_not_equal(ph_create("<device class=\"isa_debug_exit\" id=\"x\" port=\"0x10000\"/>"),
			     0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cf9_hard_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cf9_full_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cf9_ignores_wide_access, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pm1a_s5, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pm1a_byte_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pm1a_other_sleep_states_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pm1a_configurable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_debug_exit_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_debug_exit_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_debug_exit_dword, setup, teardown),
		cmocka_unit_test_setup_teardown(test_debug_exit_port, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
