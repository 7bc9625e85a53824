/* SPDX-License-Identifier: MIT */
/* The 8254 PIT device (pit8254.c): what tests need beyond its device class. */
#ifndef V3_DEV_PIT8254_H
#define V3_DEV_PIT8254_H

#include <v3/types.h>

#include "device.h"

#define PIT_HZ 1193182

extern const struct v3_device_class pit8254_class;

/* Replace the host TSC source of one PIT instance (default: rdtsc). */
void pit_set_clock(void *priv, u64 (*now)(void));

#endif /* V3_DEV_PIT8254_H */
