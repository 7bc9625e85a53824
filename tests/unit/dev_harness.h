/* SPDX-License-Identifier: MIT */
/*
 * A VM for device unit tests: one vCPU built by hand (as test_registries.c
 * does), a fake backend, a controllable host TSC, and port I/O driven through
 * the exit dispatcher the way a backend reports IN and OUT exits.
 */
#ifndef DEV_HARNESS_H
#define DEV_HARNESS_H

#include <v3/types.h>

#include "config/config.h"
#include "device.h"

extern struct v3_vm *dev_vm;
extern struct v3_vcpu *dev_vcpu;
/* The host TSC dev_now() returns (fake_host's TSC runs at 1 GHz: one tick per ns). */
extern u64 dev_tsc;

u64 dev_now(void);
/* A VM with mem_size bytes of configured memory (none allocated) and one vCPU. */
void dev_vm_setup(u64 mem_size);
void dev_vm_teardown(void);
/* Creates an instance of cls from a <device> element with the given attributes (NULL-ended). */
void *dev_create(const struct v3_device_class *cls, const char *const *attrs);
int dev_create_rc(const struct v3_device_class *cls, const char *const *attrs);
void dev_free(void);

void dev_outb(u16 port, u8 val);
u8 dev_inb(u16 port);
/* Sets the time to t ns and fires the vCPU's due timers, as its run loop does. */
void dev_advance_to(u64 t);
/* Count of rising edges seen on each line since setup. */
unsigned int dev_line_edges(unsigned int line);

#endif
