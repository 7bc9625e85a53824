/* SPDX-License-Identifier: MIT */
/*
 * Reads the multiboot v1 information structure (Multiboot spec 0.6.96 §3.3).
 * Everything is copied out at once: the loader's structures sit in memory the
 * page allocator will hand out later.
 */
#include "hk.h"
#include "lib/string.h"
#include "multiboot.h"

#define MB_LOADER_MAGIC 0x2badb002
#define MB_INFO_MEMORY (1u << 0)
#define MB_INFO_CMDLINE (1u << 2)
#define MB_INFO_MODS (1u << 3)
#define MB_INFO_MMAP (1u << 6)
#define MB_INFO_LOADER_NAME (1u << 9)

struct mb_info {
	u32 flags;
	u32 mem_lower, mem_upper;
	u32 boot_device;
	u32 cmdline;
	u32 mods_count, mods_addr;
	u32 syms[4];
	u32 mmap_length, mmap_addr;
	u32 drives_length, drives_addr;
	u32 config_table;
	u32 boot_loader_name;
} __v3_packed;

struct mb_mmap_entry {
	u32 size;  /* of the rest of the entry */
	u64 addr, len;
	u32 type;
} __v3_packed;

struct mb_module {
	u32 mod_start, mod_end, string, reserved;
} __v3_packed;

static const void *pa(u32 addr)
{
	return (const void *)(uintptr_t)addr;
}

int hk_multiboot_parse(u32 magic, u32 mbi_pa, struct hk_boot_info *bi)
{
	const struct mb_info *mbi = pa(mbi_pa);

	if (magic != MB_LOADER_MAGIC) {
		hk_printf("hk: not started by a multiboot loader (magic 0x%x)\n", magic);
		return -V3_EINVAL;
	}
	if (mbi->flags & MB_INFO_CMDLINE)
		v3_strlcpy(bi->cmdline, pa(mbi->cmdline), sizeof(bi->cmdline));
	if (mbi->flags & MB_INFO_LOADER_NAME)
		v3_strlcpy(bi->loader, pa(mbi->boot_loader_name), sizeof(bi->loader));

	if (mbi->flags & MB_INFO_MMAP) {
		u32 off = 0;

		while (off + sizeof(struct mb_mmap_entry) <= mbi->mmap_length &&
		       bi->nmmap < HK_MAX_MMAP) {
			const struct mb_mmap_entry *e = pa(mbi->mmap_addr + off);

			if (e->len)
				bi->mmap[bi->nmmap++] = (struct hk_mem_range){ e->addr, e->len, e->type };
			off += e->size + sizeof(e->size);
		}
	} else if (mbi->flags & MB_INFO_MEMORY) {
		/* Old loaders: conventional memory and the run above 1 MiB. */
		bi->mmap[0] = (struct hk_mem_range){ 0, (u64)mbi->mem_lower << 10, HK_MEM_USABLE };
		bi->mmap[1] = (struct hk_mem_range){ 1UL << 20, (u64)mbi->mem_upper << 10,
						     HK_MEM_USABLE };
		bi->nmmap = 2;
	} else {
		hk_printf("hk: the loader passed no memory map\n");
		return -V3_EINVAL;
	}

	if (mbi->flags & MB_INFO_MODS) {
		const struct mb_module *m = pa(mbi->mods_addr);

		for (u32 i = 0; i < mbi->mods_count && bi->nmods < HK_MAX_MODULES; i++) {
			struct hk_module *mod = &bi->mods[bi->nmods++];

			mod->start = m[i].mod_start;
			mod->end = m[i].mod_end;
			if (m[i].string)
				v3_strlcpy(mod->cmdline, pa(m[i].string), sizeof(mod->cmdline));
		}
	}
	return 0;
}
