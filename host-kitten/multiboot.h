/* SPDX-License-Identifier: MIT */
/* What the multiboot v1 loader told us, copied out of its structures. */
#ifndef HK_MULTIBOOT_H
#define HK_MULTIBOOT_H

#include <v3/types.h>

#define HK_MAX_MMAP 128
#define HK_MAX_MODULES 16
#define HK_MEM_USABLE 1  /* multiboot/e820 type 1: available RAM */

struct hk_mem_range {
	u64 base, len;
	u32 type;
};

struct hk_module {
	u64 start, end;  /* physical, end exclusive */
	char cmdline[128];
};

struct hk_boot_info {
	struct hk_mem_range mmap[HK_MAX_MMAP];
	unsigned int nmmap;
	struct hk_module mods[HK_MAX_MODULES];
	unsigned int nmods;
	char cmdline[1024];
	char loader[64];
};

/* Copies the multiboot information (all of it below 4 GiB) into bi. */
int hk_multiboot_parse(u32 magic, u32 mbi_pa, struct hk_boot_info *bi);

#endif /* HK_MULTIBOOT_H */
