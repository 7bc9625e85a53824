/* SPDX-License-Identifier: MIT */
/*
 * Segment descriptors, the TSS and the IDT (Intel SDM Vol. 3A §3.4.5, §7.7,
 * §6.14). One GDT serves every CPU: each CPU has its own TSS descriptor.
 */
#ifndef HK_ARCH_DESC_H
#define HK_ARCH_DESC_H

#include <v3/types.h>

#define HK_SEL_CODE 0x08
#define HK_SEL_DATA 0x10
/* TSS descriptors (16 bytes each) start at GDT index 4. */
#define HK_GDT_TSS_BASE 4

/* 64-bit TSS (SDM Figure 7-11). */
struct x86_tss {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __v3_packed;

struct x86_desc_ptr {
	u16 limit;
	u64 base;
} __v3_packed;

/* The IST slot used for #DF, NMI and #MC so they run on a known-good stack. */
#define HK_IST_CRITICAL 1

void hk_gdt_load(unsigned int cpu, struct x86_tss *tss);
void hk_idt_init(void);
void hk_idt_load(void);

#endif /* HK_ARCH_DESC_H */
