/* SPDX-License-Identifier: MIT */
/* The 8259A PIC pair (pic8259.c). */
#ifndef V3_DEV_PIC8259_H
#define V3_DEV_PIC8259_H

#include "device.h"

extern const struct v3_device_class pic8259_class;

#endif /* V3_DEV_PIC8259_H */
