/* SPDX-License-Identifier: MIT */
/*
 * A host for unit tests: struct v3_host_ops backed by libc. Physical
 * addresses are the host virtual addresses (identity), one CPU, no timers.
 * Everything printed is kept so a test can assert on the core's messages.
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
/* Make the next n malloc()/alloc_pages() calls succeed, then fail (-1: never fail). */
void fake_host_fail_alloc_after(long n);

#endif
