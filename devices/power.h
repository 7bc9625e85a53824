/* SPDX-License-Identifier: MIT */
/* The power device (power.c): what the acpi device needs to describe it. */
#ifndef V3_DEV_POWER_H
#define V3_DEV_POWER_H

#include <v3/types.h>

#include "device.h"

struct v3_vm;

extern const struct v3_device_class power_class;

/*
 * The PM1a control port and the S5 sleep type of vm's power device (the
 * only owner of that register): 0, or -V3_ENODEV if the VM has none.
 */
int power_pm1a_info(const struct v3_vm *vm, u16 *port, u8 *s5);

#endif /* V3_DEV_POWER_H */
