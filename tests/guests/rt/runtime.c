// SPDX-License-Identifier: MIT
/*
 * The test guests' runtime (runtime.h): console, printf, checks, the IDT and
 * its exception/interrupt dispatch, and the path from rt_start() (called by
 * entry.asm in long mode) through guest_main() to the exit hypercall.
 *
 * Exit statuses the runtime itself uses: 1 a check failed (guest_main
 * returned 0), 101-103 entry.asm could not reach the next CPU mode,
 * 127 an exception inside the exception handler, 128 + vector an
 * unexpected exception.
 */
#include "runtime.h"

#define SEL_CODE64 0x18
#define IDT_INTERRUPT_GATE 0x8e /* present, DPL 0, 64-bit interrupt gate (SDM 3A 6.14.1) */

unsigned int rt_checks, rt_failures;
bool rt_is_intel;

/* ---- console ---- */

void rt_putc(char c)
{
	outb(DEBUG_PORT, (u8)c);
}

void rt_puts(const char *s)
{
	while (*s)
		rt_putc(*s++);
}

/* ---- formatting: %[-0][width][l|ll|z](d i u x X p s c %) ---- */

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_num(struct out *o, u64 v, bool neg, unsigned int base, bool upper,
		    unsigned int width, bool zero, bool left)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	unsigned int n = 0, total;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	total = n + (neg ? 1 : 0);
	if (neg && zero)
		put(o, '-');
	if (!left)
		for (; total < width; total++)
			put(o, zero ? '0' : ' ');
	if (neg && !zero)
		put(o, '-');
	while (n)
		put(o, tmp[--n]);
	if (left)
		for (; total < width; total++)
			put(o, ' ');
}

int rt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		bool zero = false, left = false, is_long = false;
		unsigned int width = 0;
		const char *s;
		u64 v;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '0')
				zero = true;
			else if (*fmt == '-')
				left = true;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (unsigned int)(*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z') {
			is_long = true;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i': {
			s64 sv = is_long ? va_arg(ap, s64) : va_arg(ap, int);

			put_num(&o, sv < 0 ? -(u64)sv : (u64)sv, sv < 0, 10, false, width, zero,
				left);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
			v = is_long ? va_arg(ap, u64) : va_arg(ap, unsigned int);
			put_num(&o, v, false, *fmt == 'u' ? 10 : 16, *fmt == 'X', width, zero,
				left);
			break;
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			put_num(&o, (u64)va_arg(ap, void *), false, 16, false, width, zero, left);
			break;
		case 's': {
			size_t n = 0;

			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			while (s[n])
				n++;
			for (; !left && n < width; width--)
				put(&o, ' ');
			while (*s)
				put(&o, *s++);
			for (; left && n < width; width--)
				put(&o, ' ');
			break;
		}
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case '%':
			put(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			put(&o, '%');
			put(&o, *fmt);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int rt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = rt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int rt_printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = rt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	rt_puts(buf);
	return n;
}

/* ---- checks and exit ---- */

bool rt_check(bool ok, const char *what, const char *details_fmt, ...)
{
	char details[160];
	va_list ap;

	rt_checks++;
	if (ok) {
		rt_printf("PASS %s\n", what);
		return true;
	}
	rt_failures++;
	va_start(ap, details_fmt);
	rt_vsnprintf(details, sizeof(details), details_fmt, ap);
	va_end(ap);
	rt_printf("FAIL %s (%s)\n", what, details);
	return false;
}

void guest_exit(u64 status)
{
	struct rt_hcall h = { .rax = HC_EXIT, .rbx = status };

	rt_hypercall(&h);
	rt_printf("FAIL rt: the exit hypercall returned (rax 0x%lx)\n", h.rax);
	for (;;)
		asm volatile("cli; hlt");
}

/* ---- string I/O ---- */

/* "std" and "cld" in the same asm statement: nothing the compiler emits runs with DF=1. */
#define STRING_IO(insn, reg, ptr, count, port, backwards)                                     \
	do {                                                                                  \
		if (backwards)                                                                \
			asm volatile("std\n\trep " insn "\n\tcld"                             \
				     : "+" reg(ptr), "+c"(count) : "d"(port) : "memory");     \
		else                                                                          \
			asm volatile("rep " insn                                              \
				     : "+" reg(ptr), "+c"(count) : "d"(port) : "memory");     \
	} while (0)

struct rt_string_io rt_outs(u16 port, const void *buf, u64 count, unsigned int size,
			    bool backwards)
{
	u64 si = (u64)buf, cx = count;

	if (size == 1)
		STRING_IO("outsb", "S", si, cx, port, backwards);
	else if (size == 2)
		STRING_IO("outsw", "S", si, cx, port, backwards);
	else
		STRING_IO("outsl", "S", si, cx, port, backwards);
	return (struct rt_string_io){ si, cx };
}

struct rt_string_io rt_ins(u16 port, void *buf, u64 count, unsigned int size, bool backwards)
{
	u64 di = (u64)buf, cx = count;

	if (size == 1)
		STRING_IO("insb", "D", di, cx, port, backwards);
	else if (size == 2)
		STRING_IO("insw", "D", di, cx, port, backwards);
	else
		STRING_IO("insl", "D", di, cx, port, backwards);
	return (struct rt_string_io){ di, cx };
}

/* ---- IDT and traps ---- */

struct idt_gate {
	u16 offset_low, selector;
	u8 ist, type_attr;
	u16 offset_mid;
	u32 offset_high, zero;
} __attribute__((packed));

struct idt_ptr {
	u16 limit;
	u64 base;
} __attribute__((packed));

extern const u64 rt_isr_table[256];
static struct idt_gate idt[256] __attribute__((aligned(16)));

struct rt_fault rt_last_fault;
unsigned int rt_faults_caught;
u64 rt_fault_start, rt_fault_resume;
static int expected_vector = -1;
static bool in_trap;

volatile unsigned int rt_irq_count[256];
volatile u64 rt_irq_rip[256];
static void (*irq_handlers[256])(struct rt_frame *f);

static const char *const exception_names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "(9)", "#TS",
	"#NP", "#SS", "#GP", "#PF", "(15)", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

void rt_lidt(const void *base, u16 limit)
{
	struct idt_ptr p = { limit, (u64)base };

	asm volatile("lidt %0" : : "m"(p) : "memory");
}

void rt_load_idt(void)
{
	rt_lidt(idt, sizeof(idt) - 1);
}

static void idt_init(void)
{
	for (unsigned int v = 0; v < 256; v++) {
		u64 a = rt_isr_table[v];

		idt[v] = (struct idt_gate){
			.offset_low = (u16)a,
			.selector = SEL_CODE64,
			.type_attr = IDT_INTERRUPT_GATE,
			.offset_mid = (u16)(a >> 16),
			.offset_high = (u32)(a >> 32),
		};
	}
	rt_load_idt();
}

void rt_exception_expect(unsigned int vector)
{
	expected_vector = (int)vector;
}

void rt_exception_disarm(void)
{
	expected_vector = -1;
}

void rt_set_irq_handler(unsigned int vector, void (*fn)(struct rt_frame *f))
{
	irq_handlers[vector] = fn;
}

static const char *exception_name(u64 v)
{
	const char *n = v < 32 ? exception_names[v] : NULL;

	return n ? n : "reserved";
}

void rt_trap(struct rt_frame *f);
void rt_trap(struct rt_frame *f)
{
	u64 v = f->vector;

	if (v >= 32) {
		rt_irq_count[v]++;
		rt_irq_rip[v] = f->rip;
		if (irq_handlers[v])
			irq_handlers[v](f);
		return;
	}
	if (in_trap) {
		rt_printf("FAIL rt: exception %s (vector %lu) error 0x%lx at RIP 0x%lx inside the "
			  "exception handler\n", exception_name(v), v, f->error, f->rip);
		guest_exit(127);
	}
	in_trap = true;
	if ((int)v == expected_vector) {
		rt_last_fault = (struct rt_fault){ v, f->error, f->rip, read_cr2() };
		rt_faults_caught++;
		expected_vector = -1;
		f->rip = rt_fault_resume;
		in_trap = false;
		return;
	}
	rt_printf("FAIL rt: unexpected exception %s (vector %lu) error 0x%lx at RIP 0x%lx CR2 0x%lx"
		  " RSP 0x%lx\n", exception_name(v), v, f->error, f->rip, read_cr2(), f->rsp);
	if (expected_vector >= 0)
		rt_printf("rt: (the test expected %s here)\n",
			  exception_name((u64)expected_vector));
	guest_exit(128 + v);
}

/* ---- start ---- */

void rt_start(void);
void rt_start(void)
{
	struct rt_cpuid id = cpuid(0, 0);
	u64 status;
	int r;

	/* "GenuineIntel": EBX "Genu", EDX "ineI", ECX "ntel" */
	rt_is_intel = id.ebx == 0x756e6547 && id.edx == 0x49656e69 && id.ecx == 0x6c65746e;
	idt_init();
	r = guest_main();
	status = r ? (u64)(u32)r : (rt_failures ? 1 : 0);
	rt_printf("rt: %u checks, %u failed, exit status %lu\n", rt_checks, rt_failures, status);
	guest_exit(status);
}

/* ---- what GCC may call even in freestanding code ---- */

void *memset(void *d, int c, size_t n)
{
	u8 *p = d;

	while (n--)
		*p++ = (u8)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	u8 *p = d;
	const u8 *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *p = a, *q = b;

	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p < *q ? -1 : 1;
	return 0;
}
