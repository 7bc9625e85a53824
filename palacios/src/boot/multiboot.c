/* SPDX-License-Identifier: MIT */
/*
 * Multiboot v1 (the Multiboot Specification 0.6.96, §3): a kernel in ELF32
 * or with the a.out kludge (header flag 16), a command line and modules,
 * delivered as QEMU's -kernel/-append/-initrd deliver them: EAX=0x2BADB002,
 * EBX=the info structure, 32-bit flat protected mode, paging off.
 *
 * Guest memory layout (the info and its strings in the low 640 KiB):
 *   0x9000  struct multiboot_info
 *   0x9080  the memory map (24-byte entries, from the e820 map)
 *   0x9200  the module list (16 bytes per module)
 *   0x9300  module strings (each module's file id), then the loader name
 *   0x9800  the command line (up to 2 KiB with its NUL)
 *   above the kernel's end: the modules, each page aligned
 * Every value read from the kernel is range-checked before it is used.
 */
#include <v3/errno.h>

#include "boot.h"
#include "lib/printf.h"
#include "lib/string.h"

#define PAGE 4096ULL
#define MB_MAGIC 0x1badb002u
#define MB_BOOT_MAGIC 0x2badb002u
#define MB_SEARCH 8192
#define MB_PAGE_ALIGN (1u << 0)
#define MB_MEMORY_INFO (1u << 1)
#define MB_VIDEO_MODE (1u << 2)
#define MB_AOUT_KLUDGE (1u << 16)

/* struct multiboot_info flags and offsets (§3.3). */
#define MBI_MEM (1u << 0)
#define MBI_CMDLINE (1u << 2)
#define MBI_MODS (1u << 3)
#define MBI_MMAP (1u << 6)
#define MBI_LOADER_NAME (1u << 9)
#define MBI_SIZE 0x58

#define INFO_GPA 0x9000u
#define MMAP_GPA 0x9080u
#define MODS_GPA 0x9200u
#define STRINGS_GPA 0x9300u
#define CMDLINE_GPA 0x9800u
#define CMDLINE_MAX 0x800u
#define LOW_RAM_KIB (0x9f000u / 1024)
#define HIGH_START 0x100000ULL
#define LOADER_NAME "v3"

struct mb_ctx {
	const struct v3_boot_target *t;
	char *err;
	size_t err_len;
	u64 start, end;  /* lowest byte the kernel occupies, highest + 1 */
	u64 entry;
};

#define bad(...) (v3_snprintf(x->err, x->err_len, "multiboot: " __VA_ARGS__), -V3_EINVAL)

static u32 rd32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static u16 rd16(const u8 *p)
{
	return (u16)(p[0] | p[1] << 8);
}

static void wr32(u8 *p, u32 v)
{
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
	p[2] = (u8)(v >> 16);
	p[3] = (u8)(v >> 24);
}

/* The kernel's parts go above 1 MiB, inside RAM, below 4 GiB. */
static int place(struct mb_ctx *x, u64 gpa, u64 len, const char *what)
{
	if (gpa < HIGH_START || gpa > x->t->mem_size || len > x->t->mem_size - gpa)
		return bad("%s [0x%llx, +0x%llx) is not in guest RAM above 1 MiB (RAM ends at "
			   "0x%llx)", what, (unsigned long long)gpa, (unsigned long long)len,
			   (unsigned long long)x->t->mem_size);
	if (!x->end || gpa < x->start)
		x->start = gpa;
	if (gpa + len > x->end)
		x->end = gpa + len;
	return 0;
}

static int write(struct mb_ctx *x, u64 gpa, const void *buf, u64 len, const char *what)
{
	if (len && x->t->write(x->t->ctx, gpa, buf, len))
		return bad("cannot write the %s at 0x%llx", what, (unsigned long long)gpa);
	return 0;
}

/* Header flag 16: the header's own address fields say where the file goes (§3.1.3). */
static int load_aout(struct mb_ctx *x, const u8 *k, u64 size, u64 hoff)
{
	const u8 *h = k + hoff;
	u32 header_addr, load_addr, load_end, bss_end;
	u64 off, len;
	int rc;

	if (hoff + 32 > size)
		return bad("the a.out kludge fields pass the end of the file");
	header_addr = rd32(h + 12);
	load_addr = rd32(h + 16);
	load_end = rd32(h + 20);
	bss_end = rd32(h + 24);
	if (load_addr > header_addr || header_addr - load_addr > hoff)
		return bad("load_addr 0x%x is not at or before header_addr 0x%x within the file",
			   load_addr, header_addr);
	off = hoff - (header_addr - load_addr);
	len = load_end ? (u64)load_end - load_addr : size - off;
	if (load_end && load_end < load_addr)
		return bad("load_end_addr 0x%x is below load_addr 0x%x", load_end, load_addr);
	if (len > size - off)
		return bad("load_end_addr 0x%x passes the end of the file (0x%llx bytes)", load_end,
			   (unsigned long long)size);
	rc = place(x, load_addr, len, "kernel image");
	/* Guest RAM starts zeroed: bss needs no writing, only room. */
	if (!rc && bss_end)
		rc = bss_end < load_addr + len ? bad("bss_end_addr 0x%x is below the loaded image",
						     bss_end)
					       : place(x, load_addr, bss_end - load_addr, "bss");
	if (!rc)
		rc = write(x, load_addr, k + off, len, "kernel image");
	x->entry = rd32(h + 28);
	if (!rc && (x->entry < load_addr || x->entry >= x->end))
		rc = bad("entry_addr 0x%llx is outside the loaded image",
			 (unsigned long long)x->entry);
	return rc;
}

/* ELF32 little-endian i386 executables: each PT_LOAD to its physical address. */
static int load_elf(struct mb_ctx *x, const u8 *k, u64 size)
{
	u32 phoff, phentsize, phnum;
	int rc = 0;

	if (size < 52 || v3_memcmp(k, "\x7f" "ELF", 4) != 0)
		return bad("the kernel is not ELF and its header has no a.out kludge (flag 16)");
	if (k[4] != 1 || k[5] != 1 || rd16(k + 16) != 2 || rd16(k + 18) != 3)
		return bad("not an ELF32 little-endian i386 executable (an ELF64 kernel needs "
			   "the a.out kludge, as with QEMU)");
	phoff = rd32(k + 28);
	phentsize = rd16(k + 42);
	phnum = rd16(k + 44);
	if (phentsize < 32 || phnum == 0 || phoff > size || (u64)phentsize * phnum > size - phoff)
		return bad("program headers (offset 0x%x, %u of %u bytes) pass the end of the file",
			   phoff, phnum, phentsize);
	for (u32 i = 0; i < phnum && !rc; i++) {
		const u8 *ph = k + phoff + (u64)i * phentsize;
		u32 off = rd32(ph + 4), paddr = rd32(ph + 12), filesz = rd32(ph + 16);
		u32 memsz = rd32(ph + 20);

		if (rd32(ph) != 1 || !memsz)  /* PT_LOAD */
			continue;
		if (filesz > memsz || off > size || filesz > size - off)
			return bad("segment %u (offset 0x%x, 0x%x bytes in the file, 0x%x in memory) "
				   "is malformed", i, off, filesz, memsz);
		rc = place(x, paddr, memsz, "ELF segment");
		if (!rc)
			rc = write(x, paddr, k + off, filesz, "ELF segment");
	}
	if (rc)
		return rc;
	if (!x->end)
		return bad("no loadable segment");
	x->entry = rd32(k + 24);
	if (x->entry < x->start || x->entry >= x->end)
		return bad("entry 0x%llx is outside the loaded segments",
			   (unsigned long long)x->entry);
	return 0;
}

static int find_header(struct mb_ctx *x, const u8 *k, u64 size, u64 *hoff)
{
	u64 limit = size < MB_SEARCH ? size : MB_SEARCH;

	for (u64 off = 0; off + 12 <= limit; off += 4) {
		const u8 *h = k + off;

		if (rd32(h) == MB_MAGIC && rd32(h) + rd32(h + 4) + rd32(h + 8) == 0) {
			*hoff = off;
			return 0;
		}
	}
	return bad("no multiboot header (magic 0x1BADB002 with a valid checksum) in the first "
		   "8 KiB of the kernel");
}

/* Modules above the kernel, page aligned, and their list entries. */
static int load_modules(struct mb_ctx *x, const struct v3_vm_config *cfg, u8 *info)
{
	u32 str = STRINGS_GPA;
	u64 at = (x->end + PAGE - 1) & ~(PAGE - 1);
	int rc = 0;

	for (unsigned int i = 0; i < cfg->boot.nmodules && !rc; i++) {
		const struct v3_image_file *m = cfg->boot.modules[i];
		u64 len = v3_strlen(m->id) + 1;
		u8 ent[16] = { 0 };

		if (at > x->t->mem_size || m->size > x->t->mem_size - at || at + m->size > (1ULL << 32))
			return bad("module \"%s\" (0x%llx bytes) does not fit in guest RAM at 0x%llx",
				   m->id, (unsigned long long)m->size, (unsigned long long)at);
		wr32(ent, (u32)at);
		wr32(ent + 4, (u32)(at + m->size));
		wr32(ent + 8, str);
		rc = write(x, at, m->data, m->size, "module");
		if (!rc)
			rc = write(x, str, m->id, len, "module string");
		if (!rc)
			rc = write(x, MODS_GPA + 16 * i, ent, sizeof(ent), "module list");
		str += (u32)len;
		at = (at + m->size + PAGE - 1) & ~(PAGE - 1);
	}
	wr32(info + 20, cfg->boot.nmodules);
	wr32(info + 24, MODS_GPA);
	if (!rc)
		rc = write(x, str, LOADER_NAME, sizeof(LOADER_NAME), "loader name");
	wr32(info + 64, str);
	return rc;
}

int v3_multiboot_load(const struct v3_vm_config *cfg, const struct v3_boot_target *t,
		      struct v3_boot_state *st, char *err, size_t err_len)
{
	struct mb_ctx ctx = { .t = t, .err = err, .err_len = err_len }, *x = &ctx;
	const u8 *k = cfg->boot.file->data;
	u64 size = cfg->boot.file->size, hoff, cmdline_len = v3_strlen(cfg->boot.cmdline);
	struct v3_e820_entry e820[4];
	u8 info[MBI_SIZE] = { 0 }, ent[24];
	unsigned int n;
	u32 flags;
	int rc;

	if (t->mem_size < 2 * HIGH_START)
		return bad("guest memory (0x%llx bytes) is too small",
			   (unsigned long long)t->mem_size);
	if (cmdline_len >= CMDLINE_MAX)
		return bad("command line (%llu bytes) longer than %u", (unsigned long long)cmdline_len,
			   CMDLINE_MAX - 1);
	rc = find_header(x, k, size, &hoff);
	if (rc)
		return rc;
	flags = rd32(k + hoff + 4);
	/* Bits 0-15 are requirements (§3.1.2): refuse those this loader cannot meet. */
	if (flags & 0xffffu & ~(MB_PAGE_ALIGN | MB_MEMORY_INFO | MB_VIDEO_MODE))
		return bad("header flags 0x%x ask for features this loader lacks", flags);
	rc = (flags & MB_AOUT_KLUDGE) ? load_aout(x, k, size, hoff) : load_elf(x, k, size);
	if (rc)
		return rc;
	rc = load_modules(x, cfg, info);
	if (rc)
		return rc;

	n = v3_boot_e820(t->mem_size, t->mem_size, e820);
	for (unsigned int i = 0; i < n && !rc; i++) {
		/* size (of the rest), base, length, type (§3.3 "mmap_*"). */
		wr32(ent, 20);
		wr32(ent + 4, (u32)e820[i].addr);
		wr32(ent + 8, (u32)(e820[i].addr >> 32));
		wr32(ent + 12, (u32)e820[i].size);
		wr32(ent + 16, (u32)(e820[i].size >> 32));
		wr32(ent + 20, e820[i].type);
		rc = write(x, MMAP_GPA + 24 * i, ent, sizeof(ent), "memory map");
	}
	if (!rc)
		rc = write(x, CMDLINE_GPA, cfg->boot.cmdline, cmdline_len + 1, "command line");
	wr32(info, MBI_MEM | MBI_CMDLINE | MBI_MODS | MBI_MMAP | MBI_LOADER_NAME);
	wr32(info + 4, LOW_RAM_KIB);
	/* Upper memory: the contiguous RAM from 1 MiB, at most up to 4 GiB. */
	wr32(info + 8, (u32)(((t->mem_size < (1ULL << 32) ? t->mem_size : (1ULL << 32)) -
			      HIGH_START) / 1024));
	wr32(info + 16, CMDLINE_GPA);
	wr32(info + 44, 24 * n);
	wr32(info + 48, MMAP_GPA);
	if (!rc)
		rc = write(x, INFO_GPA, info, sizeof(info), "info structure");
	if (rc)
		return rc;
	v3_boot_state_protected(st, x->entry);
	st->gprs.rax = MB_BOOT_MAGIC;
	st->gprs.rbx = INFO_GPA;
	return 0;
}
