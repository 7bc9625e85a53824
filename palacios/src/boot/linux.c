/* SPDX-License-Identifier: MIT */
/*
 * Linux direct boot: the x86 boot protocol's 64-bit entry
 * (Documentation/arch/x86/boot.rst, "64-bit Boot Protocol"), from a bzImage,
 * an optional initrd and a command line.
 *
 * Guest memory layout:
 *   0x10000  the zero page (struct boot_params), the stack grows down below it
 *   0x20000  the command line
 *   pref_address (or 1 MiB when relocatable and pref_address does not fit):
 *            the protected-mode kernel, init_size bytes reserved for it
 *   high     the initrd, page aligned, as high as initrd_addr_max and the
 *            VMM's reserved area (page tables, GDT: boot.h) allow
 * Every value read from the image is range-checked before it is used.
 */
#include <v3/errno.h>

#include "boot.h"
#include "host_ops.h"
#include "lib/printf.h"
#include "lib/string.h"

#define PAGE 4096ULL

/* Offsets in the bzImage / struct boot_params (boot.rst, "The real-mode kernel header"). */
#define ZP_EXT_RAMDISK_IMAGE 0x0c0
#define ZP_EXT_RAMDISK_SIZE 0x0c4
#define ZP_EXT_CMD_LINE_PTR 0x0c8
#define ZP_E820_ENTRIES 0x1e8
#define HDR_START 0x1f1
#define HDR_SETUP_SECTS 0x1f1
#define HDR_BOOT_FLAG 0x1fe
#define HDR_JUMP 0x200
#define HDR_HEADER 0x202
#define HDR_VERSION 0x206
#define HDR_TYPE_OF_LOADER 0x210
#define HDR_LOADFLAGS 0x211
#define HDR_RAMDISK_IMAGE 0x218
#define HDR_RAMDISK_SIZE 0x21c
#define HDR_HEAP_END_PTR 0x224
#define HDR_CMD_LINE_PTR 0x228
#define HDR_INITRD_ADDR_MAX 0x22c
#define HDR_KERNEL_ALIGNMENT 0x230
#define HDR_RELOCATABLE 0x234
#define HDR_XLOADFLAGS 0x236
#define HDR_CMDLINE_SIZE 0x238
#define HDR_PREF_ADDRESS 0x258
#define HDR_INIT_SIZE 0x260
#define ZP_E820_TABLE 0x2d0
#define ZP_E820_MAX 128
#define ZP_SIZE 4096

#define LOADED_HIGH 0x01
#define CAN_USE_HEAP 0x80
#define XLF_KERNEL_64 0x01
#define MIN_VERSION 0x020c  /* 2.12: xloadflags */

#define ZERO_PAGE_GPA 0x10000ULL
#define CMDLINE_GPA 0x20000ULL
#define LOW_LIMIT 0x100000ULL  /* nothing of the kernel's goes below 1 MiB */

struct linux_ctx {
	const struct v3_boot_target *t;
	char *err;
	size_t err_len;
};

static u16 rd16(const u8 *p, u64 off)
{
	return (u16)(p[off] | p[off + 1] << 8);
}

static u32 rd32(const u8 *p, u64 off)
{
	return (u32)rd16(p, off) | (u32)rd16(p, off + 2) << 16;
}

static u64 rd64(const u8 *p, u64 off)
{
	return (u64)rd32(p, off) | (u64)rd32(p, off + 4) << 32;
}

static void wr16(u8 *p, u64 off, u16 v)
{
	p[off] = (u8)v;
	p[off + 1] = (u8)(v >> 8);
}

static void wr32(u8 *p, u64 off, u32 v)
{
	wr16(p, off, (u16)v);
	wr16(p, off + 2, (u16)(v >> 16));
}

static void wr64(u8 *p, u64 off, u64 v)
{
	wr32(p, off, (u32)v);
	wr32(p, off + 4, (u32)(v >> 32));
}

#define bad(...) (v3_snprintf(x->err, x->err_len, "linux: " __VA_ARGS__), -V3_EINVAL)

/* What the header says, after checking it. */
struct bz_info {
	u64 setup_size;      /* bytes of the real-mode part, the protected-mode kernel follows */
	u64 load;            /* where the protected-mode kernel goes */
	u64 init_size;       /* bytes it needs there, decompression included */
	u32 initrd_max;      /* highest byte the initrd may occupy */
	u32 cmdline_size;    /* longest command line, without the NUL */
	u64 hdr_end;         /* the setup header is [HDR_START, hdr_end) of the image */
};

static int check_header(struct linux_ctx *x, const u8 *k, u64 size, u64 ram_top,
			struct bz_info *bz)
{
	u16 version;
	u32 align;
	u64 sects, pm_size;
	bool reloc;

	if (size < 0x1000)
		return bad("kernel image (%llu bytes) too small for a bzImage", (unsigned long long)size);
	if (rd16(k, HDR_BOOT_FLAG) != 0xaa55)
		return bad("no boot flag 0xAA55 at 0x1fe (0x%04x): not a bzImage",
			   rd16(k, HDR_BOOT_FLAG));
	if (v3_memcmp(k + HDR_HEADER, "HdrS", 4) != 0)
		return bad("no \"HdrS\" signature at 0x202: kernel older than boot protocol 2.00");
	version = rd16(k, HDR_VERSION);
	if (version < MIN_VERSION)
		return bad("boot protocol %u.%02u is too old (the 64-bit entry needs 2.12)",
			   version >> 8, version & 0xff);
	if (!(rd16(k, HDR_XLOADFLAGS) & XLF_KERNEL_64))
		return bad("xloadflags 0x%x lack XLF_KERNEL_64: the kernel has no 64-bit entry",
			   rd16(k, HDR_XLOADFLAGS));
	if (!(k[HDR_LOADFLAGS] & LOADED_HIGH))
		return bad("loadflags 0x%x lack LOADED_HIGH: not a bzImage", k[HDR_LOADFLAGS]);
	bz->hdr_end = HDR_JUMP + 2 + (u64)k[HDR_JUMP + 1];
	if (bz->hdr_end < HDR_INIT_SIZE + 4 || bz->hdr_end > ZP_E820_TABLE)
		return bad("setup header end 0x%llx out of range (0x%x..0x%x)",
			   (unsigned long long)bz->hdr_end, HDR_INIT_SIZE + 4, ZP_E820_TABLE);
	sects = k[HDR_SETUP_SECTS] ? k[HDR_SETUP_SECTS] : 4;
	bz->setup_size = (sects + 1) * 512;
	if (bz->setup_size >= size)
		return bad("setup_sects %llu: the setup code (0x%llx bytes) fills the whole image",
			   (unsigned long long)sects, (unsigned long long)bz->setup_size);
	pm_size = size - bz->setup_size;
	bz->init_size = rd32(k, HDR_INIT_SIZE);
	if (bz->init_size < pm_size)
		bz->init_size = pm_size;
	align = rd32(k, HDR_KERNEL_ALIGNMENT);
	reloc = k[HDR_RELOCATABLE] != 0;
	if (reloc && (align < PAGE || (align & (align - 1)) || align > (1U << 30)))
		return bad("kernel_alignment 0x%x is not a power of two in 4 KiB..1 GiB", align);
	bz->load = rd64(k, HDR_PREF_ADDRESS);
	if (reloc && (bz->load & (align - 1)))
		return bad("pref_address 0x%llx is not aligned to kernel_alignment 0x%x",
			   (unsigned long long)bz->load, align);
	if (bz->load < LOW_LIMIT || bz->load > ram_top || bz->init_size > ram_top - bz->load) {
		if (!reloc)
			return bad("pref_address 0x%llx + init_size 0x%llx does not fit in guest RAM "
				   "(usable up to 0x%llx) and the kernel is not relocatable",
				   (unsigned long long)bz->load,
				   (unsigned long long)bz->init_size, (unsigned long long)ram_top);
		bz->load = (LOW_LIMIT + align - 1) & ~(u64)(align - 1);
		if (bz->load > ram_top || bz->init_size > ram_top - bz->load)
			return bad("kernel (init_size 0x%llx) does not fit in guest RAM "
				   "(usable 0x%llx..0x%llx)",
				   (unsigned long long)bz->init_size, (unsigned long long)bz->load,
				   (unsigned long long)ram_top);
	}
	bz->initrd_max = rd32(k, HDR_INITRD_ADDR_MAX);
	bz->cmdline_size = rd32(k, HDR_CMDLINE_SIZE);
	return 0;
}

/* Highest page-aligned place for the initrd above the kernel and below the limits. */
static int place_initrd(struct linux_ctx *x, const struct bz_info *bz, u64 size, u64 ram_top,
			u64 *gpa)
{
	u64 top = (u64)bz->initrd_max + 1;

	if (top > ram_top)
		top = ram_top;
	if (size > top) {
		return bad("initrd (0x%llx bytes) does not fit below 0x%llx",
			   (unsigned long long)size, (unsigned long long)top);
	}
	*gpa = (top - size) & ~(PAGE - 1);
	if (*gpa < bz->load + bz->init_size)
		return bad("initrd (0x%llx bytes) does not fit between the kernel's end 0x%llx "
			   "and 0x%llx", (unsigned long long)size,
			   (unsigned long long)(bz->load + bz->init_size), (unsigned long long)top);
	return 0;
}

static int write(struct linux_ctx *x, u64 gpa, const void *buf, u64 len, const char *what)
{
	if (x->t->write(x->t->ctx, gpa, buf, len))
		return bad("cannot write the %s at 0x%llx", what, (unsigned long long)gpa);
	return 0;
}

int v3_linux_load(const struct v3_boot_target *t, const u8 *kernel, u64 kernel_size,
		  const u8 *initrd, u64 initrd_size, const char *cmdline,
		  struct v3_boot_state *st, char *err, size_t err_len)
{
	struct linux_ctx ctx = { .t = t, .err = err, .err_len = err_len }, *x = &ctx;
	u8 *zp;
	struct v3_e820_entry e820[4];
	u64 area, cmdline_len = v3_strlen(cmdline), initrd_gpa = 0;
	struct bz_info bz;
	unsigned int n;
	int rc;

	if (t->mem_size < v3_boot_area_size(t->mem_size) + 2 * LOW_LIMIT)
		return bad("guest memory (0x%llx bytes) is too small",
			   (unsigned long long)t->mem_size);
	area = t->mem_size - v3_boot_area_size(t->mem_size);
	rc = check_header(x, kernel, kernel_size, area, &bz);
	if (rc)
		return rc;
	if (cmdline_len > bz.cmdline_size || cmdline_len >= LOW_LIMIT - CMDLINE_GPA)
		return bad("command line (%llu bytes) longer than the kernel's cmdline_size %u",
			   (unsigned long long)cmdline_len, bz.cmdline_size);
	if (initrd_size) {
		rc = place_initrd(x, &bz, initrd_size, area, &initrd_gpa);
		if (rc)
			return rc;
	}

	zp = v3_zalloc(ZP_SIZE);
	if (!zp)
		return -V3_ENOMEM;
	v3_memcpy(zp + HDR_START, kernel + HDR_START, bz.hdr_end - HDR_START);
	zp[HDR_TYPE_OF_LOADER] = 0xff;
	zp[HDR_LOADFLAGS] |= CAN_USE_HEAP;
	wr16(zp, HDR_HEAP_END_PTR, 0xfe00);
	wr32(zp, HDR_CMD_LINE_PTR, (u32)CMDLINE_GPA);
	wr32(zp, ZP_EXT_CMD_LINE_PTR, 0);
	wr32(zp, HDR_RAMDISK_IMAGE, (u32)initrd_gpa);
	wr32(zp, HDR_RAMDISK_SIZE, (u32)initrd_size);
	wr32(zp, ZP_EXT_RAMDISK_IMAGE, (u32)(initrd_gpa >> 32));
	wr32(zp, ZP_EXT_RAMDISK_SIZE, (u32)(initrd_size >> 32));
	n = v3_boot_e820(t->mem_size, area, e820);
	zp[ZP_E820_ENTRIES] = (u8)n;
	for (unsigned int i = 0; i < n; i++) {
		wr64(zp, ZP_E820_TABLE + 20 * i, e820[i].addr);
		wr64(zp, ZP_E820_TABLE + 20 * i + 8, e820[i].size);
		wr32(zp, ZP_E820_TABLE + 20 * i + 16, e820[i].type);
	}

	rc = write(x, bz.load, kernel + bz.setup_size, kernel_size - bz.setup_size, "kernel");
	if (!rc)
		rc = write(x, ZERO_PAGE_GPA, zp, ZP_SIZE, "zero page");
	if (!rc)
		rc = write(x, CMDLINE_GPA, cmdline, cmdline_len + 1, "command line");
	if (!rc && initrd_size)
		rc = write(x, initrd_gpa, initrd, initrd_size, "initrd");
	v3_free(zp);
	if (!rc)
		rc = v3_boot_state_long(t, st, bz.load + 0x200, err, err_len);
	if (rc)
		return rc;
	st->gprs.rsi = ZERO_PAGE_GPA;
	st->gprs.rsp = ZERO_PAGE_GPA;
	return 0;
}
