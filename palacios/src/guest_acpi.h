/* SPDX-License-Identifier: MIT */
/*
 * Where a VM's ACPI tables are (devices/acpi.c writes them): what the boot
 * loaders need to tell the guest, without depending on the device being built.
 */
#ifndef V3_GUEST_ACPI_H
#define V3_GUEST_ACPI_H

#include <v3/types.h>

struct v3_vm;
struct v3_cfg_node;

/*
 * The RSDP's guest-physical address: fixed, 16-byte aligned at the start of
 * the BIOS area (0xe0000-0xfffff) that an OS scans for "RSD PTR " (ACPI 6.x,
 * 5.2.5.1), so a guest finds it with or without the loader's help.
 */
#define V3_ACPI_RSDP_GPA 0xe0000ULL
/* The tables stay below this (the end of the BIOS area). */
#define V3_ACPI_AREA_END 0x100000ULL

/*
 * V3_ACPI_RSDP_GPA if the config tree under root (the <vm> element) has a
 * <device class="acpi">, else 0. Reads the config, not the created devices,
 * so the boot loaders may call it before the devices exist.
 */
u64 v3_acpi_rsdp_in_config(const struct v3_cfg_node *root);
/* The same for vm's config (vm->image.root): 0 if the VM has no acpi device. */
u64 v3_acpi_rsdp_gpa(const struct v3_vm *vm);

#endif /* V3_GUEST_ACPI_H */
