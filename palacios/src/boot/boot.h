/* SPDX-License-Identifier: MIT */
/*
 * Guest boot (docs/vm-config.md, <boot>): the core loads what <boot> names
 * into guest RAM and decides the first vCPU's state once, in a struct
 * v3_boot_state; each backend only translates that state into its VMCB or
 * VMCS fields.
 *
 * Guest memory the VMM uses for itself (page tables, GDT) lives in a
 * reserved area at the top of guest RAM, V3_BOOT_AREA_SIZE(mem_size) bytes
 * below mem_size; the e820 map and the multiboot memory map mark it reserved.
 */
#ifndef V3_BOOT_H
#define V3_BOOT_H

#include <v3/types.h>

#include "config/config.h"
#include "vcpu.h"

struct v3_boot_state {
	u64 cr0, cr3, cr4, efer;
	u64 rip, rflags;
	struct v3_gprs gprs;
	/*
	 * Segments in the VMCB attribute layout (struct v3_segment); attrib 0
	 * is a null segment, unusable for VT-x.
	 */
	struct v3_segment seg[V3_SEG_MAX];
	struct v3_segment gdtr, idtr, tr, ldtr;
};

/* Where the loaders write: guest RAM [0, mem_size), through write(). */
struct v3_boot_target {
	u64 mem_size;
	void *ctx;
	int (*write)(void *ctx, u64 gpa, const void *buf, u64 len);
};

/* Segment attributes (VMCB layout: type | S << 4 | DPL << 5 | P << 7 | AVL, L, D/B, G << 8). */
#define V3_ATTR_CODE16 0x009b
#define V3_ATTR_DATA16 0x0093
#define V3_ATTR_CODE32 0x0c9b
#define V3_ATTR_DATA32 0x0c93
#define V3_ATTR_CODE64 0x0a9b
#define V3_ATTR_LDT 0x0082
#define V3_ATTR_TSS_BUSY 0x008b  /* 32-bit busy TSS; the same type is a 64-bit one in long mode */

/* The GDT the VMM builds for long mode (selectors as boot.rst's __BOOT_CS/__BOOT_DS). */
#define V3_BOOT_SEL_CODE32 0x08
#define V3_BOOT_SEL_CODE64 0x10
#define V3_BOOT_SEL_DATA 0x18

/*
 * The identity map covers max(RAM, 4 GiB) rounded up to 1 GiB with 2 MiB
 * pages: one page directory per GiB, plus the PML4, the PDPT and a page for
 * the GDT. At most 512 GiB (one PDPT).
 */
#define V3_BOOT_MAP_MAX (512ULL << 30)
u64 v3_boot_area_size(u64 mem_size);

/* e820 entry types (ACPI). */
enum { V3_E820_RAM = 1, V3_E820_RESERVED = 2 };

struct v3_e820_entry {
	u64 addr, size;
	u32 type;
};

/*
 * The guest's memory map as a PC firmware would report it: RAM from 0 to
 * 0x9F000, the reserved legacy hole up to 1 MiB, RAM up to area (the start
 * of the VMM's reserved area, mem_size if none), the area reserved. Returns
 * the number of entries written (at most 4).
 */
unsigned int v3_boot_e820(u64 mem_size, u64 area, struct v3_e820_entry out[4]);

/*
 * Loads the boot files of cfg into t's memory and fills st with the first
 * vCPU's state. Everything read from a guest file is range-checked: a bad
 * file gives -V3_EINVAL with a message in err.
 */
int v3_boot_load(const struct v3_vm_config *cfg, const struct v3_boot_target *t,
		 struct v3_boot_state *st, char *err, size_t err_len);

/* Pieces shared by the loaders (boot.c). */
void v3_boot_state_real(struct v3_boot_state *st, u64 entry);
void v3_boot_state_protected(struct v3_boot_state *st, u64 entry);
/* Builds the identity map and GDT in the reserved area and sets up 64-bit mode. */
int v3_boot_state_long(const struct v3_boot_target *t, struct v3_boot_state *st, u64 entry,
		       char *err, size_t err_len);

/* The Linux x86 boot protocol, 64-bit entry (linux.c). */
int v3_linux_load(const struct v3_boot_target *t, const u8 *kernel, u64 kernel_size,
		  const u8 *initrd, u64 initrd_size, const char *cmdline,
		  struct v3_boot_state *st, char *err, size_t err_len);

/* Multiboot v1 (multiboot.c): cfg's kernel, command line and modules. */
int v3_multiboot_load(const struct v3_vm_config *cfg, const struct v3_boot_target *t,
		      struct v3_boot_state *st, char *err, size_t err_len);

#endif /* V3_BOOT_H */
