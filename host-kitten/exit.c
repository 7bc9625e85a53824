/* SPDX-License-Identifier: MIT */
/*
 * Ending a run. The last console line always carries the status, so a test
 * harness can judge any machine by its log; then the emulator is told too:
 * QEMU's isa-debug-exit (port 0xf4, QEMU exits with (status << 1) | 1) and
 * Bochs's shutdown port (the string "Shutdown" to 0x8900). On real hardware
 * neither port exists and the CPUs halt.
 */
#include <stdarg.h>

#include <arch/x86.h>
#include "hk.h"
#include "lib/printf.h"
#include "smp.h"

static volatile u32 exiting;

__attribute__((noreturn)) static void halt_forever(void)
{
	for (;;) {
		x86_cli();
		x86_hlt();
	}
}

bool hk_exit_in_progress(void)
{
	return __atomic_load_n(&exiting, __ATOMIC_ACQUIRE) != 0;
}

__attribute__((noreturn)) void hk_halt(void)
{
	halt_forever();
}

__attribute__((noreturn)) void hk_exit(int status, const char *reason)
{
	static const char shutdown[] = "Shutdown";

	x86_cli();
	/* Only the first CPU to get here reports; the others just stop. */
	if (__atomic_exchange_n(&exiting, 1, __ATOMIC_ACQ_REL))
		halt_forever();
	hk_smp_stop_others();
	hk_printf("hk: exit status %d (%s)\n", status, reason);
	hk_console_flush();
	x86_outb(0xf4, (u8)status);
	for (unsigned int i = 0; i < sizeof(shutdown) - 1; i++)
		x86_outb(0x8900, (u8)shutdown[i]);
	halt_forever();
}

__attribute__((noreturn)) void hk_panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	x86_cli();
	hk_console_force_unlock();
	va_start(ap, fmt);
	v3_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	hk_printf("hk: PANIC on cpu %u: %s\n", hk_cpu_id(), buf);
	hk_exit(HK_EXIT_PANIC, "panic");
}
