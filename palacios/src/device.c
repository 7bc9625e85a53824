/* SPDX-License-Identifier: MIT */
/* Creating a VM's devices from its config, and freeing them in reverse. */
#include "device.h"
#include "host_ops.h"
#include "lib/string.h"
#include "log.h"
#include "vm.h"

int v3_cfg_u64(const struct v3_cfg_node *n, const char *attr, u64 def, u64 max, u64 *out)
{
	const char *s = v3_cfg_attr(n, attr);
	const char *end;

	if (!s) {
		*out = def;
		return 0;
	}
	*out = v3_strtoull(s, &end, 0);
	if (end == s || *end || *out > max) {
		v3_err("config line %u: <%s>: %s=\"%s\" is not a number up to 0x%lx", n->line,
		       n->name, attr, s, max);
		return -V3_EINVAL;
	}
	return 0;
}

static const struct v3_device_class *find_class(const char *name)
{
	for (unsigned int i = 0; v3_device_classes[i]; i++)
		if (!v3_strcmp(v3_device_classes[i]->name, name))
			return v3_device_classes[i];
	return NULL;
}

int v3_devices_create(struct v3_vm *vm)
{
	const struct v3_cfg_node *devs = v3_cfg_child(vm->image.root, "devices");
	struct v3_device **tail = &vm->devices;

	for (const struct v3_cfg_node *n = devs ? v3_cfg_child(devs, "device") : NULL; n;
	     n = v3_cfg_next_named(n)) {
		const char *cls_name = v3_cfg_attr(n, "class");
		const struct v3_device_class *cls = cls_name ? find_class(cls_name) : NULL;
		struct v3_device *d;
		int rc;

		if (!cls) {
			v3_err("vm %s: config line %u: unknown device class \"%s\"", vm->name, n->line,
			       cls_name ? cls_name : "");
			return -V3_EINVAL;
		}
		d = v3_zalloc(sizeof(*d));
		if (!d)
			return -V3_ENOMEM;
		d->cls = cls;
		d->id = v3_cfg_attr(n, "id");
		rc = cls->create(vm, n, &d->priv);
		if (rc) {
			v3_err("vm %s: device %s (%s) failed to initialize (%d)", vm->name,
			       d->id ? d->id : "?", cls->name, rc);
			v3_free(d);
			return rc;
		}
		*tail = d;
		tail = &d->next;
	}
	return 0;
}

int v3_devices_vcpus_ready(struct v3_vm *vm)
{
	for (struct v3_device *d = vm->devices; d; d = d->next) {
		int rc = d->cls->vcpus_ready ? d->cls->vcpus_ready(vm, d->priv) : 0;

		if (rc) {
			v3_err("vm %s: device %s (%s) failed to attach to its vcpus (%d)", vm->name,
			       d->id ? d->id : "?", d->cls->name, rc);
			return rc;
		}
	}
	return 0;
}

void v3_devices_dump(const struct v3_vm *vm)
{
	for (const struct v3_device *d = vm->devices; d; d = d->next)
		if (d->cls->dump)
			d->cls->dump(d->priv);
}

static void free_list(struct v3_device *d)
{
	if (!d)
		return;
	free_list(d->next);  /* reverse order of creation */
	if (d->cls->free)
		d->cls->free(d->priv);
	v3_free(d);
}

void v3_devices_free(struct v3_vm *vm)
{
	free_list(vm->devices);
	vm->devices = NULL;
}
