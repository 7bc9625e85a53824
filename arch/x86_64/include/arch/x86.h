/* SPDX-License-Identifier: MIT */
/*
 * x86-64 instruction wrappers and architectural constants (Intel SDM Vol. 3A
 * ch. 2 and 4, AMD APM Vol. 2 ch. 3). Pure inline assembly: shared by the
 * VMM core and host-kitten, never compiled into unit tests that run on the
 * build machine.
 */
#ifndef ARCH_X86_H
#define ARCH_X86_H

#include <v3/types.h>

/* CR0 (SDM 2.5) */
#define X86_CR0_PE (1UL << 0)
#define X86_CR0_MP (1UL << 1)
#define X86_CR0_ET (1UL << 4)
#define X86_CR0_NE (1UL << 5)
#define X86_CR0_WP (1UL << 16)
#define X86_CR0_AM (1UL << 18)
#define X86_CR0_NW (1UL << 29)
#define X86_CR0_CD (1UL << 30)
#define X86_CR0_PG (1UL << 31)

/* CR4 (SDM 2.5) */
#define X86_CR4_PSE (1UL << 4)
#define X86_CR4_PAE (1UL << 5)
#define X86_CR4_PGE (1UL << 7)
#define X86_CR4_OSFXSR (1UL << 9)
#define X86_CR4_VMXE (1UL << 13)

/* EFER (MSR 0xc0000080) */
#define X86_EFER_SCE (1UL << 0)
#define X86_EFER_LME (1UL << 8)
#define X86_EFER_LMA (1UL << 10)
#define X86_EFER_NXE (1UL << 11)
#define X86_EFER_SVME (1UL << 12)

/* RFLAGS */
#define X86_RFLAGS_CF (1UL << 0)
#define X86_RFLAGS_ZF (1UL << 6)
#define X86_RFLAGS_IF (1UL << 9)

/* MSRs used by both the core and the host */
#define MSR_IA32_APIC_BASE 0x0000001b
#define MSR_IA32_FEATURE_CONTROL 0x0000003a
#define MSR_IA32_TSC_DEADLINE 0x000006e0
#define MSR_EFER 0xc0000080
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

/* Paging-structure entry bits (SDM 4.5) */
#define X86_PTE_P (1UL << 0)
#define X86_PTE_W (1UL << 1)
#define X86_PTE_U (1UL << 2)
#define X86_PTE_PS (1UL << 7)
#define X86_PTE_G (1UL << 8)
#define X86_PTE_NX (1UL << 63)
#define X86_PTE_ADDR_MASK 0x000ffffffffff000UL

struct x86_cpuid {
	u32 eax, ebx, ecx, edx;
};

static inline void x86_cpuid(u32 leaf, u32 subleaf, struct x86_cpuid *r)
{
	__asm__ volatile("cpuid"
			 : "=a"(r->eax), "=b"(r->ebx), "=c"(r->ecx), "=d"(r->edx)
			 : "a"(leaf), "c"(subleaf));
}

static inline u64 x86_rdmsr(u32 msr)
{
	u32 lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static inline void x86_wrmsr(u32 msr, u64 val)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((u32)val), "d"((u32)(val >> 32)) : "memory");
}

static inline u64 x86_rdtsc(void)
{
	u32 lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

#define X86_DEFINE_CR(n)                                                         \
	static inline u64 x86_read_cr##n(void)                                   \
	{                                                                        \
		u64 v;                                                           \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                \
		return v;                                                        \
	}                                                                        \
	static inline void x86_write_cr##n(u64 v)                                \
	{                                                                        \
		__asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory");       \
	}
X86_DEFINE_CR(0)
X86_DEFINE_CR(2)
X86_DEFINE_CR(3)
X86_DEFINE_CR(4)
#undef X86_DEFINE_CR

static inline u64 x86_read_rflags(void)
{
	u64 f;

	__asm__ volatile("pushfq; popq %0" : "=r"(f));
	return f;
}

static inline void x86_outb(u16 port, u8 v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void x86_outw(u16 port, u16 v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void x86_outl(u16 port, u32 v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 x86_inb(u16 port)
{
	u8 v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u32 x86_inl(u16 port)
{
	u32 v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void x86_cli(void)
{
	__asm__ volatile("cli" : : : "memory");
}

static inline void x86_sti(void)
{
	__asm__ volatile("sti" : : : "memory");
}

/* sti takes effect after the next instruction, so no interrupt slips in between. */
static inline void x86_sti_hlt(void)
{
	__asm__ volatile("sti; hlt" : : : "memory");
}

static inline void x86_hlt(void)
{
	__asm__ volatile("hlt" : : : "memory");
}

static inline void x86_pause(void)
{
	__asm__ volatile("pause" : : : "memory");
}

static inline void x86_invlpg(u64 va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/* Disable interrupts and return whether they were enabled. */
static inline bool x86_irq_save(void)
{
	bool was = (x86_read_rflags() & X86_RFLAGS_IF) != 0;

	x86_cli();
	return was;
}

static inline void x86_irq_restore(bool was_enabled)
{
	if (was_enabled)
		x86_sti();
}

#endif /* ARCH_X86_H */
