/* SPDX-License-Identifier: MIT */
/* The MC146818 RTC and CMOS NVRAM (rtc.c): what tests need beyond its device class. */
#ifndef V3_DEV_RTC_H
#define V3_DEV_RTC_H

#include <v3/types.h>

#include "device.h"

extern const struct v3_device_class rtc_class;

/* Replace the host TSC source of one RTC instance (default: rdtsc). */
void rtc_set_clock(void *priv, u64 (*now)(void));

#endif /* V3_DEV_RTC_H */
