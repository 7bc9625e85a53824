/* SPDX-License-Identifier: MIT */
/* The GDT (with a TSS per CPU) and the IDT; see desc.h. */
#include "arch/desc.h"
#include "hk.h"
#include "lib/string.h"

#define GDT_ENTRIES (HK_GDT_TSS_BASE + 2 * HK_MAX_CPUS)
#define IDT_GATE_INTERRUPT 0x8e

struct idt_gate {
	u16 offset_lo;
	u16 selector;
	u8 ist;
	u8 type_attr;
	u16 offset_mid;
	u32 offset_hi;
	u32 reserved;
} __v3_packed;

static u64 gdt[GDT_ENTRIES] __attribute__((aligned(16))) = {
	[0] = 0,
	[1] = 0x00af9a000000ffffUL,  /* 0x08: 64-bit ring-0 code */
	[2] = 0x00cf92000000ffffUL,  /* 0x10: ring-0 data */
};
static struct idt_gate idt[256] __attribute__((aligned(16)));

extern const u64 hk_isr_table[256];
void hk_load_gdt(const struct x86_desc_ptr *gdtr, u16 code_sel, u16 data_sel);

/* Installs cpu's TSS descriptor (an available 64-bit TSS, type 9), then loads it. */
void hk_gdt_load(unsigned int cpu, struct x86_tss *tss)
{
	u64 base = (u64)(uintptr_t)tss;
	u64 limit = sizeof(*tss) - 1;
	unsigned int idx = HK_GDT_TSS_BASE + 2 * cpu;
	struct x86_desc_ptr gdtr = { .limit = sizeof(gdt) - 1, .base = (u64)(uintptr_t)gdt };
	u16 sel = (u16)(idx * 8);

	tss->iomap_base = sizeof(*tss);  /* no I/O bitmap */
	gdt[idx] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89UL << 40) |
		   (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[idx + 1] = base >> 32;
	hk_load_gdt(&gdtr, HK_SEL_CODE, HK_SEL_DATA);
	__asm__ volatile("ltr %0" : : "r"(sel) : "memory");
}

void hk_idt_init(void)
{
	for (unsigned int v = 0; v < 256; v++) {
		u64 off = hk_isr_table[v];
		bool critical = v == 2 || v == 8 || v == 18;  /* NMI, #DF, #MC */

		idt[v] = (struct idt_gate){
			.offset_lo = off & 0xffff,
			.selector = HK_SEL_CODE,
			.ist = critical ? HK_IST_CRITICAL : 0,
			.type_attr = IDT_GATE_INTERRUPT,
			.offset_mid = (off >> 16) & 0xffff,
			.offset_hi = (u32)(off >> 32),
		};
	}
}

void hk_idt_load(void)
{
	struct x86_desc_ptr idtr = { .limit = sizeof(idt) - 1, .base = (u64)(uintptr_t)idt };

	__asm__ volatile("lidt %0" : : "m"(idtr));
}
