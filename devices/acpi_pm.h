/* SPDX-License-Identifier: MIT */
/* The acpi device (acpi.c): what tests need beyond its device class. */
#ifndef V3_DEV_ACPI_H
#define V3_DEV_ACPI_H

#include <v3/types.h>

#include "device.h"

#define ACPI_PM_TIMER_HZ 3579545

extern const struct v3_device_class acpi_class;

/* Replace the host TSC source of one acpi instance (default: rdtsc). */
void acpi_set_clock(void *priv, u64 (*now)(void));

#endif /* V3_DEV_ACPI_H */
