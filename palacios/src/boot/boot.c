/* SPDX-License-Identifier: MIT */
/*
 * The first vCPU's state for each boot mode, the identity page tables and
 * GDT of long mode (AMD APM Vol. 2 §5.3, §14.6; SDM Vol. 3A §9.8.5), the
 * guest's e820 map, and the dispatch on <boot kind=...>.
 */
#include <v3/errno.h>

#include "boot.h"
#include "lib/printf.h"
#include "lib/string.h"

#define PAGE 4096ULL
#define GIB (1ULL << 30)
#define RFLAGS_FIXED (1UL << 1)

/* CR0/CR4/EFER bits (SDM Vol. 3A §2.5, §2.2.1). */
#define CR0_PE (1UL << 0)
#define CR0_ET (1UL << 4)
#define CR0_PG (1UL << 31)
#define CR4_PAE (1UL << 5)
#define EFER_LME (1UL << 8)
#define EFER_LMA (1UL << 10)

/* Page-table entry bits (SDM Vol. 3A §4.5). */
#define PTE_P (1ULL << 0)
#define PTE_W (1ULL << 1)
#define PTE_PS (1ULL << 7)

/* The legacy hole a PC reserves (EBDA, VGA, option and BIOS ROMs). */
#define LOW_RAM_END 0x9f000ULL
#define HIGH_RAM_START 0x100000ULL

static u64 map_gib(u64 mem_size)
{
	u64 n = (mem_size + GIB - 1) / GIB;

	if (n < 4)
		n = 4;
	return n > V3_BOOT_MAP_MAX / GIB ? V3_BOOT_MAP_MAX / GIB : n;
}

u64 v3_boot_area_size(u64 mem_size)
{
	return (3 + map_gib(mem_size)) * PAGE;
}

unsigned int v3_boot_e820(u64 mem_size, u64 area, struct v3_e820_entry out[4])
{
	unsigned int n = 0;

	out[n++] = (struct v3_e820_entry){ 0, mem_size < LOW_RAM_END ? mem_size : LOW_RAM_END,
					   V3_E820_RAM };
	if (mem_size <= LOW_RAM_END)
		return n;
	out[n++] = (struct v3_e820_entry){ LOW_RAM_END, HIGH_RAM_START - LOW_RAM_END,
					   V3_E820_RESERVED };
	if (area > HIGH_RAM_START)
		out[n++] = (struct v3_e820_entry){ HIGH_RAM_START, area - HIGH_RAM_START,
						   V3_E820_RAM };
	if (mem_size > area)
		out[n++] = (struct v3_e820_entry){ area, mem_size - area, V3_E820_RESERVED };
	return n;
}

static void seg(struct v3_segment *s, u16 sel, u64 base, u32 limit, u16 attrib)
{
	*s = (struct v3_segment){ .selector = sel, .base = base, .limit = limit, .attrib = attrib };
}

/* What every mode shares: flags, descriptor tables at 0, an LDT, a busy TSS. */
static void state_common(struct v3_boot_state *st)
{
	v3_memset(st, 0, sizeof(*st));
	st->rflags = RFLAGS_FIXED;  /* interrupts off */
	seg(&st->gdtr, 0, 0, 0xffff, 0);
	seg(&st->idtr, 0, 0, 0xffff, 0);
	seg(&st->ldtr, 0, 0, 0xffff, V3_ATTR_LDT);
	/* A 32-bit busy TSS, as after RESET: a 16-bit one would block the later switch to long mode. */
	seg(&st->tr, 0, 0, 0xffff, V3_ATTR_TSS_BUSY);
}

void v3_boot_state_real(struct v3_boot_state *st, u64 entry)
{
	u16 cs = (u16)((entry >> 4) & 0xf000);

	state_common(st);
	st->cr0 = CR0_ET;
	for (unsigned int i = 0; i < V3_SEG_MAX; i++)
		seg(&st->seg[i], 0, 0, 0xffff, V3_ATTR_DATA16);
	seg(&st->seg[V3_SEG_CS], cs, (u64)cs << 4, 0xffff, V3_ATTR_CODE16);
	st->rip = entry & 0xffff;
}

/* Flat 32-bit protected mode, paging off, as a multiboot loader leaves it. */
void v3_boot_state_protected(struct v3_boot_state *st, u64 entry)
{
	state_common(st);
	st->cr0 = CR0_ET | CR0_PE;
	for (unsigned int i = 0; i < V3_SEG_MAX; i++)
		seg(&st->seg[i], 0x10, 0, 0xffffffff, V3_ATTR_DATA32);
	seg(&st->seg[V3_SEG_CS], 0x08, 0, 0xffffffff, V3_ATTR_CODE32);
	st->rip = entry;
}

/*
 * The reserved area, from its start: GDT page, PML4, PDPT, one page
 * directory per GiB mapped with 2 MiB pages, writable, cacheable.
 */
int v3_boot_state_long(const struct v3_boot_target *t, struct v3_boot_state *st, u64 entry,
		       char *err, size_t err_len)
{
	static const u64 gdt[4] = {
		0,
		0x00cf9b000000ffffULL,  /* 0x08: 32-bit code, flat */
		0x00af9b000000ffffULL,  /* 0x10: 64-bit code */
		0x00cf93000000ffffULL,  /* 0x18: data, flat */
	};
	u64 size = v3_boot_area_size(t->mem_size), area, pml4, pdpt, pd, gib = map_gib(t->mem_size);
	u64 e;
	int rc;

	if (t->mem_size < size + HIGH_RAM_START) {
		v3_snprintf(err, err_len, "boot: guest memory (0x%llx bytes) is too small for "
			    "the long-mode page tables (0x%llx bytes)",
			    (unsigned long long)t->mem_size, (unsigned long long)size);
		return -V3_EINVAL;
	}
	area = (t->mem_size - size) & ~(PAGE - 1);
	pml4 = area + PAGE;
	pdpt = pml4 + PAGE;
	pd = pdpt + PAGE;

	/* Guest RAM starts zeroed: only the present entries are written. */
	rc = t->write(t->ctx, area, gdt, sizeof(gdt));
	e = pdpt | PTE_P | PTE_W;
	if (!rc)
		rc = t->write(t->ctx, pml4, &e, sizeof(e));
	for (u64 i = 0; i < gib && !rc; i++) {
		e = (pd + i * PAGE) | PTE_P | PTE_W;
		rc = t->write(t->ctx, pdpt + i * 8, &e, sizeof(e));
		for (u64 j = 0; j < 512 && !rc; j++) {
			e = (i * GIB + j * (2ULL << 20)) | PTE_P | PTE_W | PTE_PS;
			rc = t->write(t->ctx, pd + i * PAGE + j * 8, &e, sizeof(e));
		}
	}
	if (rc) {
		v3_snprintf(err, err_len, "boot: cannot write the page tables at 0x%llx",
			    (unsigned long long)area);
		return -V3_EINVAL;
	}

	state_common(st);
	st->cr0 = CR0_ET | CR0_PE | CR0_PG;
	st->cr3 = pml4;
	st->cr4 = CR4_PAE;
	st->efer = EFER_LME | EFER_LMA;
	seg(&st->gdtr, 0, area, sizeof(gdt) - 1, 0);
	for (unsigned int i = 0; i < V3_SEG_MAX; i++)
		seg(&st->seg[i], V3_BOOT_SEL_DATA, 0, 0xffffffff, V3_ATTR_DATA32);
	seg(&st->seg[V3_SEG_CS], V3_BOOT_SEL_CODE64, 0, 0xffffffff, V3_ATTR_CODE64);
	/* In long mode the busy-TSS type 11 is a 64-bit TSS (a VT-x entry check). */
	seg(&st->tr, 0, 0, 0xffff, V3_ATTR_TSS_BUSY);
	st->rip = entry;
	return 0;
}

static int load_flat(const struct v3_vm_config *cfg, const struct v3_boot_target *t,
		     struct v3_boot_state *st, char *err, size_t err_len)
{
	const struct v3_image_file *f = cfg->boot.file;

	if (cfg->boot.mode == V3_BOOT_LONG &&
	    cfg->boot.load_gpa + f->size > t->mem_size - v3_boot_area_size(t->mem_size)) {
		v3_snprintf(err, err_len, "boot: file \"%s\" at 0x%llx overlaps the page tables "
			    "at the top of guest memory", f->id,
			    (unsigned long long)cfg->boot.load_gpa);
		return -V3_EINVAL;
	}
	if (t->write(t->ctx, cfg->boot.load_gpa, f->data, f->size)) {
		v3_snprintf(err, err_len, "boot: file \"%s\" (%llu bytes) does not fit at 0x%llx",
			    f->id, (unsigned long long)f->size,
			    (unsigned long long)cfg->boot.load_gpa);
		return -V3_EINVAL;
	}
	switch (cfg->boot.mode) {
	case V3_BOOT_REAL:
		v3_boot_state_real(st, cfg->boot.entry);
		return 0;
	case V3_BOOT_PROTECTED:
		v3_boot_state_protected(st, cfg->boot.entry);
		return 0;
	default:
		return v3_boot_state_long(t, st, cfg->boot.entry, err, err_len);
	}
}

int v3_boot_load(const struct v3_vm_config *cfg, const struct v3_boot_target *t,
		 struct v3_boot_state *st, char *err, size_t err_len)
{
	if (err_len)
		err[0] = '\0';
	switch (cfg->boot.kind) {
	case V3_BOOT_FLAT:
		return load_flat(cfg, t, st, err, err_len);
	case V3_BOOT_LINUX:
		return v3_linux_load(t, cfg->boot.file->data, cfg->boot.file->size,
				     cfg->boot.initrd ? cfg->boot.initrd->data : NULL,
				     cfg->boot.initrd ? cfg->boot.initrd->size : 0,
				     cfg->boot.cmdline, st, err, err_len);
	case V3_BOOT_MULTIBOOT:
		return v3_multiboot_load(cfg, t, st, err, err_len);
	default:
		v3_snprintf(err, err_len, "boot: unknown boot kind %d", (int)cfg->boot.kind);
		return -V3_EINVAL;
	}
}
