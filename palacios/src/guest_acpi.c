/* SPDX-License-Identifier: MIT */
/* Where a VM's ACPI tables are (guest_acpi.h). */
#include "guest_acpi.h"
#include "config/config.h"
#include "lib/string.h"
#include "vm.h"

u64 v3_acpi_rsdp_in_config(const struct v3_cfg_node *root)
{
	const struct v3_cfg_node *devs = root ? v3_cfg_child(root, "devices") : NULL;

	for (const struct v3_cfg_node *n = devs ? v3_cfg_child(devs, "device") : NULL; n;
	     n = v3_cfg_next_named(n)) {
		const char *cls = v3_cfg_attr(n, "class");

		if (cls && !v3_strcmp(cls, "acpi"))
			return V3_ACPI_RSDP_GPA;
	}
	return 0;
}

u64 v3_acpi_rsdp_gpa(const struct v3_vm *vm)
{
	return v3_acpi_rsdp_in_config(vm->image.root);
}
