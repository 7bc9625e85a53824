/* SPDX-License-Identifier: MIT */
/*
 * Virtual devices: each is a client of the hook registries (I/O, MMIO, MSR,
 * interrupts), created from a <device class="..." id="..."> element of the
 * VM config. The classes are listed in devices/registry.c.
 */
#ifndef V3_DEVICE_H
#define V3_DEVICE_H

#include <v3/types.h>

#include "config/config.h"

struct v3_vm;

struct v3_device_class {
	const char *name;
	/* Create one instance from its config element; *priv is handed to free. */
	int (*create)(struct v3_vm *vm, const struct v3_cfg_node *cfg, void **priv);
	void (*free)(void *priv);
	/*
	 * Optional: called once all vCPUs exist (devices are created before
	 * them), e.g. to register an interrupt source on a vCPU.
	 */
	int (*vcpus_ready)(struct v3_vm *vm, void *priv);
	/* Optional: log the device's state (v3_devices_dump, CONFIG_V3_DEBUG builds). */
	void (*dump)(void *priv);
};

struct v3_device {
	const struct v3_device_class *cls;
	const char *id;
	void *priv;
	struct v3_device *next;
};

/* NULL-terminated (devices/registry.c). */
extern const struct v3_device_class *const v3_device_classes[];

int v3_devices_create(struct v3_vm *vm);
void v3_devices_free(struct v3_vm *vm);
/* Calls each device's vcpus_ready in creation order; the first error stops. */
int v3_devices_vcpus_ready(struct v3_vm *vm);
/* Calls each device's dump. */
void v3_devices_dump(const struct v3_vm *vm);

/* A numeric attribute (0x hex or decimal) of a device element, or def when absent. */
int v3_cfg_u64(const struct v3_cfg_node *n, const char *attr, u64 def, u64 max, u64 *out);

#endif /* V3_DEVICE_H */
