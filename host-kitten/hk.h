/* SPDX-License-Identifier: MIT */
/* host-kitten: definitions shared by the whole host kernel. */
#ifndef HK_H
#define HK_H

#include <v3/types.h>
#include <v3/errno.h>

#define HK_MAX_CPUS CONFIG_HK_MAX_CPUS

/* Exit statuses reported on the last console line and to the emulator. */
enum hk_exit_status {
	HK_EXIT_OK = 0,
	HK_EXIT_PANIC = 1,        /* kernel panic, exception, internal error */
	HK_EXIT_NO_VIRT = 2,      /* no usable hardware virtualization */
	HK_EXIT_TEST_FAILED = 3,  /* a built-in self-test failed */
	HK_EXIT_VM_FAILED = 4,    /* a VM did not stop the way its guest asked */
};

/* Interrupt vectors owned by host-kitten (0x30..0x4f: IOAPIC lines). */
#define HK_VEC_PIC_BASE 0x20  /* the masked legacy PICs' spurious interrupts */
#define HK_VEC_IRQ_BASE 0x30
#define HK_VEC_IRQ_COUNT 32
#define HK_VEC_TIMER 0xf0
#define HK_VEC_WAKE 0xf1
#define HK_VEC_SPURIOUS 0xff

void hk_console_init(void);
void hk_console_write(const char *s, size_t len);
/* Write bytes as they are: no "\n" to "\r\n" translation (a guest's raw console). */
void hk_console_write_raw(const char *s, size_t len);
/*
 * Deliver console input to fn, in interrupt context on the calling CPU (the
 * COM1 receive interrupt is routed there), from now on. Once only.
 */
int hk_console_input_start(void (*fn)(const char *bytes, size_t n));
/* Wait until everything written has left the UART. */
void hk_console_flush(void);
void hk_printf(const char *fmt, ...) __v3_printf(1, 2);
/* Make the console usable for a panic even if another CPU died holding it. */
void hk_console_force_unlock(void);

__attribute__((noreturn)) void hk_exit(int status, const char *reason);
/* True once some CPU has begun hk_exit(): the others are being stopped. */
bool hk_exit_in_progress(void);
__attribute__((noreturn)) void hk_halt(void);
__attribute__((noreturn)) void hk_panic(const char *fmt, ...) __v3_printf(1, 2);

/* Kernel command line (cmdline.c). */
void hk_cmdline_parse(const char *cmdline);
const char *hk_cmdline_raw(void);
/* Value of key=value, "" for a bare key, NULL when absent. */
const char *hk_cmdline_get(const char *key);

/* Time (time.c): valid after hk_time_init(). */
void hk_time_init(void);
u64 hk_tsc_khz(void);
u64 hk_tsc_to_us(u64 tsc_delta);
void hk_udelay(u64 us);

/* The host interface implementation handed to v3_init (host_ops.c). */
extern const struct v3_host_ops hk_host_ops;

struct hk_boot_info;
/* Creates and runs a VM from every boot module (vms.c); 0 if all stopped as asked. */
int hk_run_vms(const struct hk_boot_info *bi);

/* Built-in self-tests selected by hk.test= (selftest.c). */
int hk_run_selftest(const char *name);
/* The VT-x backend's self-tests, hk.test=vmx-* (selftest_vmx.c). */
int hk_selftest_vmx(const char *name);

#endif /* HK_H */
