/* SPDX-License-Identifier: MIT */
/*
 * A host for unit tests: struct v3_host_ops backed by libc. Physical
 * addresses are the host virtual addresses (identity), one CPU unless a test
 * asks for more, no timers.
 * Everything printed (print, console_write) is kept so a test can assert on
 * the core's messages; kick_cpu() calls are counted.
 */
#ifndef FAKE_HOST_H
#define FAKE_HOST_H

#include <v3/host.h>

extern struct v3_host_ops fake_host_ops;

/* Point the core's v3_host at fake_host_ops and clear the captured log. */
void fake_host_install(void);
/* Everything passed to print() since the last reset, one line per '\n'. */
const char *fake_host_log(void);
void fake_host_reset_log(void);
/* Everything passed to console_write() since the last reset (NUL-terminated; *len bytes). */
const char *fake_host_console(size_t *len);
/* How many kick_cpu() calls since the last reset. */
unsigned int fake_host_kicks(void);
/* Make the next n malloc()/alloc_pages() calls succeed, then fail (-1: never fail). */
void fake_host_fail_alloc_after(long n);
/*
 * Offer n CPUs (1 after fake_host_install). call_on_cpu(cpu < n) runs fn in
 * the calling thread while cpu_id() returns cpu; larger ids give -V3_EINVAL.
 */
void fake_host_set_cpus(unsigned int n);
/* Make call_on_cpu(cpu) fail with -V3_EIO without running fn (-1: none). */
void fake_host_fail_call_on_cpu(int cpu);

#endif
