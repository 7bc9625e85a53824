/* SPDX-License-Identifier: MIT */
/*
 * The test guests' runtime (docs/testing.md): console on port 0xe9, a small
 * printf, checks that print "PASS what" / "FAIL what (details)", hypercalls,
 * CPU instruction wrappers and an IDT whose handlers either resume a test
 * that expects an exception or end the VM on an unexpected one.
 *
 * A guest defines int guest_main(void). rt_start() (called by entry.asm in
 * long mode) sets up the IDT and calls it; the exit hypercall then ends the
 * VM with guest_main's return value, or 1 if it returned 0 but a check
 * failed.
 */
#ifndef GUEST_RUNTIME_H
#define GUEST_RUNTIME_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

int guest_main(void);

/* ---- what the VMM provides (palacios/include/v3/hypercall.h, devices/vmm_test.c) ---- */

#define HC_PING 0x0001            /* RAX = 0, RBX = ABI version */
#define HC_EXIT 0x0002            /* RBX = exit status */
#define HC_ABI_VERSION 1
#define HC_ENOSYS (-38)

#define DEBUG_PORT 0xe9
#define TEST_PORT 0x510           /* <device class="vmm_test" port="0x510"> */
#define TEST_SCRATCH (TEST_PORT + 0)
#define TEST_FIFO (TEST_PORT + 4)
#define TEST_IRQ (TEST_PORT + 8)  /* 32-bit write: (delay_us << 8) | vector */
#define TEST_MSR 0x56335680       /* <device class="vmm_test" msr="0x56335680"> */
#define TEST_FIFO_SIZE 256

/* Guest-physical layout fixed by entry.asm and guest.ld. */
#define RT_LOAD_ADDR 0x10000UL
extern char __image_end[];        /* end of the image including .bss and stack, page aligned */

/* ---- console and checks ---- */

void rt_putc(char c);
void rt_puts(const char *s);
int rt_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int rt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int rt_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

extern unsigned int rt_checks, rt_failures;

/* Prints "PASS what" or "FAIL what (details)"; returns ok. */
bool rt_check(bool ok, const char *what, const char *details_fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define CHECK(cond, what) rt_check(!!(cond), (what), "%s is false", #cond)
#define CHECK_EQ(got, want, what)                                                              \
	({                                                                                     \
		u64 got_ = (u64)(got), want_ = (u64)(want);                                    \
		rt_check(got_ == want_, (what), "got 0x%lx, expected 0x%lx", got_, want_);     \
	})

/* Ends the VM through the exit hypercall; never returns. */
__attribute__((noreturn)) void guest_exit(u64 status);

/* ---- hypercalls ---- */

/* Registers in and out of a hypercall (RAX = number; arguments RBX, RCX, RDX, RSI). */
struct rt_hcall {
	u64 rax, rbx, rcx, rdx, rsi;
};

static inline void rt_vmmcall(struct rt_hcall *h)
{
	asm volatile("vmmcall"
		     : "+a"(h->rax), "+b"(h->rbx), "+c"(h->rcx), "+d"(h->rdx), "+S"(h->rsi)
		     :
		     : "memory");
}

static inline void rt_vmcall(struct rt_hcall *h)
{
	asm volatile("vmcall"
		     : "+a"(h->rax), "+b"(h->rbx), "+c"(h->rcx), "+d"(h->rdx), "+S"(h->rsi)
		     :
		     : "memory");
}

extern bool rt_is_intel;          /* CPUID vendor: VMCALL is native there, VMMCALL on AMD */

/* The vendor's native instruction. */
static inline void rt_hypercall(struct rt_hcall *h)
{
	if (rt_is_intel)
		rt_vmcall(h);
	else
		rt_vmmcall(h);
}

/* ---- CPU wrappers ---- */

struct rt_cpuid {
	u32 eax, ebx, ecx, edx;
};

static inline struct rt_cpuid cpuid(u32 leaf, u32 subleaf)
{
	struct rt_cpuid r;

	asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
		     : "a"(leaf), "c"(subleaf));
	return r;
}

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 val)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((u32)val), "d"((u32)(val >> 32)) : "memory");
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

static inline void outb(u16 port, u8 v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline void outw(u16 port, u16 v)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline void outl(u16 port, u32 v)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline u8 inb(u16 port)
{
	u8 v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline u16 inw(u16 port)
{
	u16 v;

	asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline u32 inl(u16 port)
{
	u32 v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

/*
 * REP OUTS/INS of count units of size 1, 2 or 4 bytes. With backwards set
 * (DF=1), buf is the address of the first unit transferred, i.e. the
 * highest one. The registers left by the instruction are returned for
 * checking: RSI/RDI after the last unit and RCX (0 when complete).
 */
struct rt_string_io {
	u64 rsi_or_rdi, rcx;
};
struct rt_string_io rt_outs(u16 port, const void *buf, u64 count, unsigned int size,
			    bool backwards);
struct rt_string_io rt_ins(u16 port, void *buf, u64 count, unsigned int size, bool backwards);

static inline u64 read_cr0(void)
{
	u64 v;

	asm volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline u64 read_cr2(void)
{
	u64 v;

	asm volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline u64 read_cr3(void)
{
	u64 v;

	asm volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline u64 read_cr4(void)
{
	u64 v;

	asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline u64 read_rflags(void)
{
	u64 v;

	asm volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

/* ---- exceptions and interrupts ---- */

enum {
	EXC_DE = 0, EXC_DB = 1, EXC_NMI = 2, EXC_BP = 3, EXC_OF = 4, EXC_BR = 5, EXC_UD = 6,
	EXC_NM = 7, EXC_DF = 8, EXC_TS = 10, EXC_NP = 11, EXC_SS = 12, EXC_GP = 13,
	EXC_PF = 14, EXC_MF = 16, EXC_AC = 17, EXC_MC = 18, EXC_XM = 19, EXC_VE = 20,
	EXC_CP = 21,
};

/* The stack isr.asm builds; rt_trap may change it (RIP) before IRETQ. */
struct rt_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error;
	u64 rip, cs, rflags, rsp, ss;
};

/* What the last caught exception looked like. */
struct rt_fault {
	u64 vector, error, rip, cr2;
};
extern struct rt_fault rt_last_fault;
extern unsigned int rt_faults_caught;

/* Interrupts (vectors 32..255): how many arrived and the RIP each interrupted last. */
extern volatile unsigned int rt_irq_count[256];
extern volatile u64 rt_irq_rip[256];
/* Called from the interrupt handler (IF=0) after counting; NULL for none. */
void rt_set_irq_handler(unsigned int vector, void (*fn)(struct rt_frame *f));

/* Used by EXPECT_EXCEPTION: arm / disarm the catch of one exception vector. */
void rt_exception_expect(unsigned int vector);
void rt_exception_disarm(void);
/* Loads the IDT register (limit 0 = an empty IDT), and the runtime's IDT back. */
void rt_lidt(const void *base, u16 limit);
void rt_load_idt(void);

/*
 * Runs the instructions setup, then insn (AT&T syntax), expecting exception
 * vector from insn. If it happens, the handler records it in rt_last_fault
 * and execution resumes after insn; the value is true. If insn completes
 * without the exception the value is false; any other exception ends the VM
 * as unexpected. rt_fault_start holds the address of insn's first byte (the
 * RIP a fault reports). The optional arguments are asm input operands
 * (%0, %1, ...); setup and insn may clobber rax, rcx and rdx.
 */
extern u64 rt_fault_start, rt_fault_resume;
#define EXPECT_EXCEPTION(vector, setup, insn, ...)                                             \
	({                                                                                     \
		__label__ caught_, done_;                                                      \
		bool hit_;                                                                     \
		rt_exception_expect(vector);                                                   \
		asm goto("leaq 8f(%%rip), %%r11\n\t"                                           \
			 "movq %%r11, rt_fault_start(%%rip)\n\t"                               \
			 "leaq %l[caught_](%%rip), %%r11\n\t"                                  \
			 "movq %%r11, rt_fault_resume(%%rip)\n\t"                              \
			 setup "\n"                                                            \
			 "8:\n\t" insn                                                         \
			 :                                                                     \
			 : __VA_ARGS__                                                         \
			 : "rax", "rcx", "rdx", "r11", "memory", "cc"                          \
			 : caught_);                                                           \
		hit_ = false;                                                                  \
		goto done_;                                                                    \
	caught_:                                                                               \
		hit_ = true;                                                                   \
	done_:                                                                                 \
		rt_exception_disarm();                                                         \
		hit_;                                                                          \
	})

/* ---- memory ---- */

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#endif /* GUEST_RUNTIME_H */
