/* SPDX-License-Identifier: MIT */
/* The device classes built into this library: the one place they are named. */
#include "device.h"

extern const struct v3_device_class debug_port_class;
extern const struct v3_device_class vmm_test_class;

const struct v3_device_class *const v3_device_classes[] = {
#ifdef CONFIG_V3_DEV_DEBUG_PORTS
	&debug_port_class,
#endif
#ifdef CONFIG_V3_DEV_VMM_TEST
	&vmm_test_class,
#endif
	NULL,
};
