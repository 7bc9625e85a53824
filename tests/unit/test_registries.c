/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the I/O, MSR, CPUID and hypercall registries (palacios/src/io.c, msr.c,
 * cpuid.c, hcall.c), driven through the exit dispatcher (v3_handle_exit) the way a backend
 * does: a struct v3_vm and one struct v3_vcpu built by hand, vcpu->exit filled as a backend
 * would fill it, and a fake backend (struct v3_arch_ops) that answers segment reads and records
 * MSR intercept changes.
 *
 * The vCPU is in real mode (CR0.PE = 0: linear = physical) with 1 MiB of RAM, so string I/O
 * and the instruction decoder reach guest memory without page tables. CPUID runs the host's
 * instruction, so only the bits the policy sets or clears are asserted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arch/backend.h>
#include <v3/errno.h>
#include <v3/hypercall.h>

#include "cpuid.h"
#include "exit.h"
#include "fake_host.h"
#include "hcall.h"
#include "io.h"
#include "mem.h"
#include "msr.h"
#include "vcpu.h"
#include "vm.h"

#define RAM_SIZE (1UL << 20)
#define RIP0 0x100UL
#define RFLAGS_DF (1UL << 10)
#define CR0_ET (1UL << 4)
#define CR4_OSXSAVE (1UL << 18)

#define MSR_TSC 0x10
#define MSR_EFER 0xc0000080
#define MSR_AMD64_NB_CFG 0xc001001f
#define EFER_SCE (1UL << 0)
#define EFER_LME (1UL << 8)
#define EFER_LMA (1UL << 10)
#define EFER_NXE (1UL << 11)
#define EFER_SVME (1UL << 12)
#define EFER_LMSLE (1UL << 13)

#define EXC_UD 6
#define EXC_GP 13

/* ---- the fake backend ------------------------------------------------------------ */

static u64 seg_base[V3_SEG_MAX];
static int last_seg = -1;

static void fake_get_segment(struct v3_vcpu *vcpu, int seg, struct v3_segment *out)
{
	assert_true(seg >= 0 && seg < V3_SEG_MAX);
	last_seg = seg;
	*out = (struct v3_segment){
		.selector = (u16)(seg_base[seg] >> 4), .base = seg_base[seg], .limit = 0xffff,
		.attrib = 0x93,
	};
}

struct intercept_call {
	u32 msr;
	bool intercept;
};

static struct intercept_call intercepts[64];
static unsigned int nintercepts;

static void fake_msr_intercept(struct v3_vm *vm, u32 msr, bool intercept)
{
	assert_true(nintercepts < V3_ARRAY_SIZE(intercepts));
	intercepts[nintercepts++] = (struct intercept_call){ msr, intercept };
}

/* The last intercept setting given for msr: 1, 0, or -1 if none. */
static int intercept_of(u32 msr)
{
	for (unsigned int i = nintercepts; i-- > 0;)
		if (intercepts[i].msr == msr)
			return intercepts[i].intercept;
	return -1;
}

static const char *fake_exit_name(u64 raw_code)
{
	return "fake-exit";
}

static const struct v3_arch_ops fake_arch = {
	.name = "FAKE",
	.long_name = "a fake backend",
	.get_segment = fake_get_segment,
	.msr_intercept = fake_msr_intercept,
	.exit_name = fake_exit_name,
};

/* ---- the VM and its vCPU ------------------------------------------------------------ */

static struct v3_vm *vm;
static struct v3_vcpu *vcpu;

static int setup(void **state)
{
	(void)state;
	fake_host_install();
	memset(seg_base, 0, sizeof(seg_base));
	last_seg = -1;
	nintercepts = 0;

	vm = calloc(1, sizeof(*vm));
	vcpu = calloc(1, sizeof(*vcpu));
	assert_non_null(vm);
	assert_non_null(vcpu);
	strcpy(vm->name, "regs");
	vm->arch = &fake_arch;
	vm->cfg.mem_size = RAM_SIZE;
	vm->cfg.mem_align = V3_PAGE_SIZE;
	vm->maxphyaddr = 36;
	vm->nvcpus = 1;
	vm->vcpus = vcpu;
	assert_int_equal(v3_mem_init(vm), 0);
	assert_int_equal(v3_msr_init(vm), 0);
	assert_int_equal(v3_hcall_init(vm), 0);
	vm->state = V3_VM_RUNNING;

	vcpu->vm = vm;
	vcpu->s.cr0 = CR0_ET;
	vcpu->s.rip = RIP0;
	vcpu->s.rflags = 0x2;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	v3_hcall_deinit(vm);
	v3_cpuid_deinit(vm);
	v3_io_deinit(vm);
	v3_msr_deinit(vm);
	v3_mem_deinit(vm);
	free(vcpu);
	free(vm);
	return 0;
}

static void set_exit(enum v3_exit_kind kind, u8 insn_len)
{
	memset(&vcpu->exit, 0, sizeof(vcpu->exit));
	vcpu->exit.kind = kind;
	vcpu->exit.insn_len = insn_len;
}

static void io_exit(u16 port, u8 size, bool in, u8 insn_len)
{
	set_exit(V3_EXIT_IO, insn_len);
	vcpu->exit.io.port = port;
	vcpu->exit.io.size = size;
	vcpu->exit.io.in = in;
}

static void string_exit(u16 port, u8 size, bool in, bool rep, u8 addr_size, u8 seg)
{
	io_exit(port, size, in, rep ? 2 : 1);
	vcpu->exit.io.string = true;
	vcpu->exit.io.rep = rep;
	vcpu->exit.io.addr_size = addr_size;
	vcpu->exit.io.seg = seg;
}

static void assert_running(void)
{
	assert_int_equal(vm->state, V3_VM_RUNNING);
	assert_int_equal(vm->outcome.reason, V3_STOP_NONE);
}

static void assert_stopped(enum v3_stop_reason reason)
{
	assert_int_equal(vm->state, V3_VM_STOPPED);
	assert_int_equal(vm->outcome.reason, reason);
}

static void assert_no_exception(void)
{
	assert_false(vcpu->exception.valid);
}

static void assert_gp(void)
{
	assert_true(vcpu->exception.valid);
	assert_int_equal(vcpu->exception.vector, EXC_GP);
	assert_true(vcpu->exception.has_error);
	assert_int_equal(vcpu->exception.error, 0);
}

static void put_guest(u64 gpa, const void *p, u64 len)
{
	assert_int_equal(v3_gpa_write(vm, gpa, p, len), 0);
}

static void get_guest(u64 gpa, void *p, u64 len)
{
	assert_int_equal(v3_gpa_read(vm, gpa, p, len), 0);
}

/* ---- port I/O hooks ---------------------------------------------------------------- */

/* A device that records its last access and answers reads with a fixed value. */
struct recorder {
	unsigned int reads, writes;
	u16 port;
	unsigned int size;
	u32 val;      /* last value written */
	u32 answer;   /* what reads return (all 32 bits, whatever the size) */
	int rc;       /* what the hook returns */
};

static int rec_read(struct v3_vcpu *v, u16 port, unsigned int size, u32 *val, void *priv)
{
	struct recorder *r = priv;

	assert_ptr_equal(v, vcpu);
	r->reads++;
	r->port = port;
	r->size = size;
	*val = r->answer;
	return r->rc;
}

static int rec_write(struct v3_vcpu *v, u16 port, unsigned int size, u32 val, void *priv)
{
	struct recorder *r = priv;

	assert_ptr_equal(v, vcpu);
	r->writes++;
	r->port = port;
	r->size = size;
	r->val = val;
	return r->rc;
}

/* A FIFO behind one port: OUT appends the bytes of the value, IN takes them. */
struct fifo {
	u8 buf[16384];
	size_t head, tail;
	unsigned int accesses;
};

static int fifo_read(struct v3_vcpu *v, u16 port, unsigned int size, u32 *val, void *priv)
{
	struct fifo *f = priv;

	f->accesses++;
	*val = 0;
	for (unsigned int i = 0; i < size; i++) {
		assert_true(f->head < f->tail);
		*val |= (u32)f->buf[f->head++] << (8 * i);
	}
	return 0;
}

static int fifo_write(struct v3_vcpu *v, u16 port, unsigned int size, u32 val, void *priv)
{
	struct fifo *f = priv;

	f->accesses++;
	for (unsigned int i = 0; i < size; i++) {
		assert_true(f->tail < sizeof(f->buf));
		f->buf[f->tail++] = (u8)(val >> (8 * i));
	}
	return 0;
}

static void fifo_fill(struct fifo *f, const u8 *p, size_t len)
{
	memcpy(f->buf + f->tail, p, len);
	f->tail += len;
}

#define FIFO_PORT 0xe0

static struct fifo the_fifo;

static struct fifo *hook_fifo(void)
{
	struct fifo *f = &the_fifo;

	memset(f, 0, sizeof(*f));
	assert_int_equal(v3_hook_io(vm, FIFO_PORT, FIFO_PORT, fifo_read, fifo_write, f), 0);
	return f;
}

static void pattern(u8 *p, size_t len, u8 seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (u8)(seed + 13 * i + (i >> 8));
}

static void test_io_hook_ranges(void **state)
{
	struct recorder a = { .answer = 0xa }, b = { .answer = 0xb }, c = { .answer = 0xc };
	/* Each port goes to the hook whose range holds it. */
	const struct {
		u16 port;
		struct recorder *r;
	} routes[] = { { 0x50, &b }, { 0x5f, &b }, { 0x60, &a }, { 0x64, &a }, { 0x65, &c } };

	(void)state;
	assert_int_equal(v3_hook_io(vm, 0x60, 0x64, rec_read, rec_write, &a), 0);
	assert_int_equal(v3_hook_io(vm, 0x64, 0x70, rec_read, rec_write, &b), -V3_EEXIST);
	assert_int_equal(v3_hook_io(vm, 0x5f, 0x60, rec_read, rec_write, &b), -V3_EEXIST);
	assert_int_equal(v3_hook_io(vm, 0x62, 0x62, rec_read, rec_write, &b), -V3_EEXIST);
	assert_int_equal(v3_hook_io(vm, 0x50, 0x5f, rec_read, rec_write, &b), 0);
	assert_int_equal(v3_hook_io(vm, 0x65, 0x65, rec_read, rec_write, &c), 0);
	assert_int_equal(v3_hook_io(vm, 0x10, 0x0f, rec_read, rec_write, &c), -V3_EINVAL);
	assert_int_equal(v3_hook_io(vm, 0xffff, 0xffff, NULL, NULL, NULL), 0);
	assert_int_equal(v3_hook_io(vm, 0, 0, NULL, NULL, NULL), 0);
	assert_int_equal(vm->io_hooks.count, 5);

	for (size_t i = 0; i < V3_ARRAY_SIZE(routes); i++) {
		unsigned int before = routes[i].r->reads;

		io_exit(routes[i].port, 1, true, 1);
		assert_int_equal(v3_handle_exit(vcpu), 0);
		assert_int_equal(routes[i].r->reads, before + 1);
		assert_int_equal(routes[i].r->port, routes[i].port);
		assert_int_equal(vcpu->s.gprs.rax & 0xff, routes[i].r->answer);
	}
	io_exit(0x66, 1, true, 1);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_int_equal(vm->unhandled_io, 1);
}

static void test_io_hook_enomem(void **state)
{
	(void)state;
	fake_host_fail_alloc_after(0);
	assert_int_equal(v3_hook_io(vm, 0x60, 0x60, NULL, NULL, NULL), -V3_ENOMEM);
	fake_host_fail_alloc_after(1);  /* the hook, not the table */
	assert_int_equal(v3_hook_io(vm, 0x60, 0x60, NULL, NULL, NULL), -V3_ENOMEM);
	fake_host_fail_alloc_after(-1);
	assert_int_equal(vm->io_hooks.count, 0);
	assert_int_equal(v3_hook_io(vm, 0x60, 0x60, NULL, NULL, NULL), 0);
}

/* IN writes AL, AX or EAX: 8 and 16 bits keep the rest of RAX, 32 bits zero-extend. */
static void test_in_merges_into_rax(void **state)
{
	static const struct {
		u8 size, insn_len;
		u64 rax;
	} cases[] = {
		{ 1, 1, 0x11223344556677d4UL },
		{ 2, 2, 0x112233445566c3d4UL },
		{ 4, 1, 0x00000000a1b2c3d4UL },
	};
	struct recorder r = { .answer = 0xa1b2c3d4 };  /* more bits than asked for */

	(void)state;
	assert_int_equal(v3_hook_io(vm, 0x70, 0x77, rec_read, rec_write, &r), 0);
	for (size_t i = 0; i < V3_ARRAY_SIZE(cases); i++) {
		u64 rip = vcpu->s.rip;

		vcpu->s.gprs.rax = 0x1122334455667788UL;
		io_exit(0x71, cases[i].size, true, cases[i].insn_len);
		assert_int_equal(v3_handle_exit(vcpu), 0);
		assert_int_equal(r.size, cases[i].size);
		assert_int_equal(r.port, 0x71);
		assert_int_equal(vcpu->s.gprs.rax, cases[i].rax);
		assert_int_equal(vcpu->s.rip, rip + cases[i].insn_len);
	}
	assert_int_equal(r.reads, 3);
	assert_int_equal(r.writes, 0);
	assert_running();
	assert_no_exception();
}

/* OUT hands the hook AL, AX or EAX, nothing above; RAX is left alone. */
static void test_out_passes_low_bits_of_rax(void **state)
{
	static const struct {
		u8 size;
		u32 val;
	} cases[] = { { 1, 0x0d }, { 2, 0xf00d }, { 4, 0xcafef00d } };
	struct recorder r = { 0 };

	(void)state;
	assert_int_equal(v3_hook_io(vm, 0x70, 0x77, rec_read, rec_write, &r), 0);
	for (size_t i = 0; i < V3_ARRAY_SIZE(cases); i++) {
		u64 rip = vcpu->s.rip;

		vcpu->s.gprs.rax = 0xdeadbeefcafef00dUL;
		io_exit(0x77, cases[i].size, false, 2);
		assert_int_equal(v3_handle_exit(vcpu), 0);
		assert_int_equal(r.size, cases[i].size);
		assert_int_equal(r.port, 0x77);
		assert_int_equal(r.val, cases[i].val);
		assert_int_equal(vcpu->s.gprs.rax, 0xdeadbeefcafef00dUL);
		assert_int_equal(vcpu->s.rip, rip + 2);
	}
	assert_int_equal(r.writes, 3);
	assert_int_equal(r.reads, 0);
}

/* Nobody's port: reads are all ones, writes vanish, both counted. */
static void test_unhooked_port_reads_ones(void **state)
{
	static const struct {
		u8 size;
		u64 rax;
	} cases[] = {
		{ 1, 0x12345678123456ffUL },
		{ 2, 0x123456781234ffffUL },
		{ 4, 0x00000000ffffffffUL },
	};

	(void)state;
	for (size_t i = 0; i < V3_ARRAY_SIZE(cases); i++) {
		vcpu->s.gprs.rax = 0x1234567812345678UL;
		io_exit(0x80, cases[i].size, true, 1);
		assert_int_equal(v3_handle_exit(vcpu), 0);
		assert_int_equal(vcpu->s.gprs.rax, cases[i].rax);
		assert_int_equal(vm->unhandled_io, i + 1);
	}
	io_exit(0x80, 1, false, 1);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_int_equal(vm->unhandled_io, 4);
	assert_int_equal(vcpu->s.rip, RIP0 + 4);

	/* A hooked port without handlers acts the same, but is not "unhandled". */
	assert_int_equal(v3_hook_io(vm, 0x80, 0x80, NULL, NULL, NULL), 0);
	vcpu->s.gprs.rax = 0;
	io_exit(0x80, 2, true, 1);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_int_equal(vcpu->s.gprs.rax, 0xffff);
	io_exit(0x80, 2, false, 1);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_int_equal(vm->unhandled_io, 4);
	assert_running();
}

static void test_io_errors_stop_the_vm(void **state)
{
	struct recorder r = { .rc = -V3_EIO };

	(void)state;
	assert_int_equal(v3_hook_io(vm, 0x70, 0x70, rec_read, rec_write, &r), 0);
	io_exit(0x70, 1, true, 1);
	assert_true(v3_handle_exit(vcpu) < 0);
	assert_stopped(V3_STOP_ERROR);
	assert_int_equal(vcpu->s.rip, RIP0);
	assert_non_null(strstr(vm->outcome.detail, "0x70"));
}

static void test_io_bad_size_stops_the_vm(void **state)
{
	(void)state;
	io_exit(0x70, 3, true, 1);
	assert_true(v3_handle_exit(vcpu) < 0);
	assert_stopped(V3_STOP_ERROR);
	assert_int_equal(vcpu->s.rip, RIP0);
}

/* ---- string I/O ------------------------------------------------------------------------- */

static void test_rep_outsb(void **state)
{
	struct fifo *f = hook_fifo();
	u8 data[100];

	(void)state;
	pattern(data, sizeof(data), 1);
	put_guest(0x2000, data, sizeof(data));
	vcpu->s.gprs.rsi = 0x2000;
	vcpu->s.gprs.rcx = sizeof(data);
	vcpu->s.gprs.rdi = 0x5555;
	string_exit(FIFO_PORT, 1, false, true, 2, V3_SEG_DS);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_int_equal(last_seg, V3_SEG_DS);
	assert_int_equal(f->tail, sizeof(data));
	assert_memory_equal(f->buf, data, sizeof(data));
	assert_int_equal(vcpu->s.gprs.rsi, 0x2000 + sizeof(data));
	assert_int_equal(vcpu->s.gprs.rcx, 0);
	assert_int_equal(vcpu->s.gprs.rdi, 0x5555);
	assert_int_equal(vcpu->s.rip, RIP0 + 2);
	assert_running();
}

/* OUTS reads through the segment the backend names (an override), INS always writes ES. */
static void test_string_segments(void **state)
{
	struct fifo *f = hook_fifo();
	u8 data[8], got[8];

	(void)state;
	seg_base[V3_SEG_DS] = 0x30000;
	seg_base[V3_SEG_ES] = 0x10000;
	seg_base[V3_SEG_FS] = 0x50000;
	pattern(data, sizeof(data), 7);
	put_guest(0x50040, data, sizeof(data));
	vcpu->s.gprs.rsi = 0x40;
	vcpu->s.gprs.rcx = 8;
	string_exit(FIFO_PORT, 1, false, true, 2, V3_SEG_FS);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_int_equal(last_seg, V3_SEG_FS);
	assert_memory_equal(f->buf, data, 8);

	vcpu->s.gprs.rdi = 0x80;
	vcpu->s.gprs.rcx = 8;
	string_exit(FIFO_PORT, 1, true, true, 2, V3_SEG_FS);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_int_equal(last_seg, V3_SEG_ES);
	get_guest(0x10080, got, sizeof(got));
	assert_memory_equal(got, data, 8);
}

static void test_rep_insw(void **state)
{
	struct fifo *f = hook_fifo();
	u8 data[100], got[100], after[2];

	(void)state;
	seg_base[V3_SEG_ES] = 0x10000;
	pattern(data, sizeof(data), 3);
	fifo_fill(f, data, sizeof(data));
	vcpu->s.gprs.rdi = 0x100;
	vcpu->s.gprs.rsi = 0x7777;
	vcpu->s.gprs.rcx = 50;
	string_exit(FIFO_PORT, 2, true, true, 2, V3_SEG_DS);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	get_guest(0x10100, got, sizeof(got));
	assert_memory_equal(got, data, sizeof(data));
	get_guest(0x10100 + sizeof(data), after, sizeof(after));
	assert_int_equal(after[0], 0);
	assert_int_equal(f->accesses, 50);
	assert_int_equal(vcpu->s.gprs.rdi, 0x100 + 100);
	assert_int_equal(vcpu->s.gprs.rsi, 0x7777);
	assert_int_equal(vcpu->s.gprs.rcx, 0);
	assert_int_equal(vcpu->s.rip, RIP0 + 2);
}

/* DF = 1: the index goes down, one element size at a time. */
static void test_rep_outsd_backwards(void **state)
{
	struct fifo *f = hook_fifo();
	u8 data[40];

	(void)state;
	pattern(data, sizeof(data), 5);
	put_guest(0x3000, data, sizeof(data));
	vcpu->s.rflags |= RFLAGS_DF;
	vcpu->s.gprs.rsi = 0x3000 + 4 * 9;
	vcpu->s.gprs.rcx = 10;
	string_exit(FIFO_PORT, 4, false, true, 4, V3_SEG_DS);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_int_equal(f->tail, 40);
	for (unsigned int i = 0; i < 10; i++)
		assert_memory_equal(f->buf + 4 * i, data + 4 * (9 - i), 4);
	assert_int_equal(vcpu->s.gprs.rsi, 0x3000 - 4);
	assert_int_equal(vcpu->s.gprs.rcx, 0);
}

/*
 * 16-bit addressing: SI, DI and CX wrap at 64 KiB within the segment and the
 * upper bits of RSI, RDI, RCX are left as they were.
 */
static void test_string_addr_size_2_wraps(void **state)
{
	struct fifo *f = hook_fifo();
	u8 lo[2] = { 0x11, 0x22 }, hi[2] = { 0x33, 0x44 }, expect[4] = { 0x33, 0x44, 0x11, 0x22 };
	u8 in[3] = { 0xa1, 0xa2, 0xa3 }, b;

	(void)state;
	seg_base[V3_SEG_DS] = 0x20000;
	put_guest(0x2fffe, hi, 2);
	put_guest(0x20000, lo, 2);
	vcpu->s.gprs.rsi = 0xffffffff0000fffeUL;
	vcpu->s.gprs.rcx = 0xabcd000000000004UL;
	string_exit(FIFO_PORT, 1, false, true, 2, V3_SEG_DS);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_int_equal(f->tail, 4);
	assert_memory_equal(f->buf, expect, 4);
	assert_int_equal(vcpu->s.gprs.rsi, 0xffffffff00000002UL);
	assert_int_equal(vcpu->s.gprs.rcx, 0xabcd000000000000UL);

	/* Downwards through 0: DI 1, 0, 0xffff. */
	seg_base[V3_SEG_ES] = 0x40000;
	fifo_fill(f, in, sizeof(in));
	f->head = 4;
	vcpu->s.rflags |= RFLAGS_DF;
	vcpu->s.gprs.rdi = 0x5555000000000001UL;
	vcpu->s.gprs.rcx = 3;
	string_exit(FIFO_PORT, 1, true, true, 2, V3_SEG_DS);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	get_guest(0x40001, &b, 1);
	assert_int_equal(b, 0xa1);
	get_guest(0x40000, &b, 1);
	assert_int_equal(b, 0xa2);
	get_guest(0x4ffff, &b, 1);
	assert_int_equal(b, 0xa3);
	get_guest(0x50000, &b, 1);
	assert_int_equal(b, 0);
	assert_int_equal(vcpu->s.gprs.rdi, 0x555500000000fffeUL);
}

/* 32-bit addressing counts with ECX and keeps the upper half of RCX. */
static void test_string_addr_size_4_uses_ecx(void **state)
{
	struct fifo *f = hook_fifo();

	(void)state;
	vcpu->s.gprs.rsi = 0xffffffff00001000UL;
	vcpu->s.gprs.rcx = 0xffffffff00000002UL;
	string_exit(FIFO_PORT, 2, false, true, 4, V3_SEG_DS);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_int_equal(f->accesses, 2);
	assert_int_equal(vcpu->s.gprs.rcx, 0xffffffff00000000UL);
	assert_int_equal(vcpu->s.gprs.rsi, 0xffffffff00001004UL);
}

/*
 * More than a batch of elements: each exit moves at most 1024 and returns
 * with RIP on the instruction and RCX reduced, so the guest re-executes it.
 */
static void test_long_rep_takes_several_exits(void **state)
{
	struct fifo *f = hook_fifo();
	static u8 data[3000];
	static const u64 left[] = { 3000 - 1024, 3000 - 2048, 0 };

	(void)state;
	pattern(data, sizeof(data), 11);
	put_guest(0x4000, data, sizeof(data));
	vcpu->s.gprs.rsi = 0x4000;
	vcpu->s.gprs.rcx = sizeof(data);
	for (unsigned int i = 0; i < V3_ARRAY_SIZE(left); i++) {
		string_exit(FIFO_PORT, 1, false, true, 4, V3_SEG_DS);
		assert_int_equal(v3_handle_exit(vcpu), 0);
		assert_int_equal(vcpu->s.gprs.rcx, left[i]);
		assert_int_equal(vcpu->s.gprs.rsi, 0x4000 + sizeof(data) - left[i]);
		assert_int_equal(f->tail, sizeof(data) - left[i]);
		assert_int_equal(vcpu->s.rip, left[i] ? RIP0 : RIP0 + 2);
	}
	assert_memory_equal(f->buf, data, sizeof(data));
}

static void test_string_without_rep_moves_one(void **state)
{
	struct fifo *f = hook_fifo();
	u8 data[2] = { 0x34, 0x12 };

	(void)state;
	put_guest(0x600, data, 2);
	vcpu->s.gprs.rsi = 0x600;
	vcpu->s.gprs.rcx = 77;
	string_exit(FIFO_PORT, 2, false, false, 2, V3_SEG_DS);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_int_equal(f->accesses, 1);
	assert_memory_equal(f->buf, data, 2);
	assert_int_equal(vcpu->s.gprs.rsi, 0x602);
	assert_int_equal(vcpu->s.gprs.rcx, 77);
	assert_int_equal(vcpu->s.rip, RIP0 + 1);
}

static void test_rep_with_zero_count_does_nothing(void **state)
{
	struct fifo *f = hook_fifo();

	(void)state;
	vcpu->s.gprs.rsi = 0x600;
	vcpu->s.gprs.rcx = 0xffff0000UL;  /* CX = 0 with 16-bit addressing */
	string_exit(FIFO_PORT, 1, false, true, 2, V3_SEG_DS);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_int_equal(f->accesses, 0);
	assert_int_equal(vcpu->s.gprs.rsi, 0x600);
	assert_int_equal(vcpu->s.gprs.rcx, 0xffff0000UL);
	assert_int_equal(vcpu->s.rip, RIP0 + 2);
}

/* INS from nobody's port stores all ones, one unhandled access per element. */
static void test_ins_from_unhooked_port(void **state)
{
	u8 got[6], ones[6];

	(void)state;
	memset(ones, 0xff, sizeof(ones));
	vcpu->s.gprs.rdi = 0x700;
	vcpu->s.gprs.rcx = 3;
	string_exit(0x81, 2, true, true, 2, V3_SEG_DS);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	get_guest(0x700, got, sizeof(got));
	assert_memory_equal(got, ones, sizeof(ones));
	assert_int_equal(vm->unhandled_io, 3);
}

/*
 * INS running past the end of RAM: the elements before it are done, then the
 * VM stops with an error (nothing backs the address) and RIP stays on the
 * instruction.
 */
static void test_ins_past_ram_stops_the_vm(void **state)
{
	struct fifo *f = hook_fifo();
	u8 data[4] = { 1, 2, 3, 4 }, got[2];

	(void)state;
	fifo_fill(f, data, sizeof(data));
	vcpu->s.gprs.rdi = RAM_SIZE - 2;
	vcpu->s.gprs.rcx = 4;
	string_exit(FIFO_PORT, 1, true, true, 4, V3_SEG_DS);
	assert_true(v3_handle_exit(vcpu) < 0);
	assert_stopped(V3_STOP_ERROR);
	get_guest(RAM_SIZE - 2, got, 2);
	assert_memory_equal(got, data, 2);
	assert_int_equal(vcpu->s.gprs.rdi, RAM_SIZE);
	assert_int_equal(vcpu->s.gprs.rcx, 2);
	assert_int_equal(vcpu->s.rip, RIP0);
}

/* ---- MSRs ------------------------------------------------------------------------------- */

static void msr_exit(u32 msr, bool write)
{
	set_exit(write ? V3_EXIT_MSR_WRITE : V3_EXIT_MSR_READ, 2);
	vcpu->s.gprs.rcx = 0xdeadbeef00000000UL | msr;  /* only ECX names the MSR */
}

static void test_msr_init_intercepts(void **state)
{
	static const u32 passthrough[] = {
		0x174, 0x175, 0x176, 0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084,
		0xc0000100, 0xc0000101, 0xc0000102,
	};

	(void)state;
	for (size_t i = 0; i < V3_ARRAY_SIZE(passthrough); i++)
		assert_int_equal(intercept_of(passthrough[i]), 0);
	assert_int_equal(intercept_of(MSR_EFER), 1);
	assert_int_equal(intercept_of(MSR_TSC), 1);
	assert_int_equal(intercept_of(MSR_AMD64_NB_CFG), 1);
	assert_int_equal(nintercepts, V3_ARRAY_SIZE(passthrough) + 3);
}

/* Make the n-th allocation of v3_msr_init fail, for every n until none does. */
static void test_msr_init_enomem(void **state)
{
	long n;

	(void)state;
	v3_msr_deinit(vm);
	for (n = 0;; n++) {
		int rc;

		nintercepts = 0;
		fake_host_fail_alloc_after(n);
		rc = v3_msr_init(vm);
		fake_host_fail_alloc_after(-1);
		if (!rc)
			break;
		assert_int_equal(rc, -V3_ENOMEM);
		v3_msr_deinit(vm);
	}
	assert_true(n >= 3);
	assert_int_equal(vm->msr_hooks.count, 3);
}

static int val_read(struct v3_vcpu *v, u32 msr, u64 *val, void *priv)
{
	*val = *(u64 *)priv;
	return 0;
}

static int val_write(struct v3_vcpu *v, u32 msr, u64 val, void *priv)
{
	*(u64 *)priv = val;
	return 0;
}

static int gp_read(struct v3_vcpu *v, u32 msr, u64 *val, void *priv)
{
	*val = 0x1234;
	return V3_MSR_GP;
}

static int gp_write(struct v3_vcpu *v, u32 msr, u64 val, void *priv)
{
	return V3_MSR_GP;
}

static int err_read(struct v3_vcpu *v, u32 msr, u64 *val, void *priv)
{
	return -V3_EIO;
}

static void test_hook_msr_intercepts(void **state)
{
	u64 store = 0;

	(void)state;
	nintercepts = 0;
	assert_int_equal(v3_hook_msr(vm, 0x1234, val_read, val_write, &store), 0);
	assert_int_equal(nintercepts, 1);
	assert_int_equal(intercept_of(0x1234), 1);
	assert_int_equal(v3_hook_msr(vm, 0x1234, val_read, val_write, &store), -V3_EEXIST);
	assert_int_equal(v3_hook_msr(vm, MSR_EFER, val_read, val_write, &store), -V3_EEXIST);
	assert_int_equal(nintercepts, 1);
	/* A hooked MSR cannot be passed through; any other can. */
	assert_int_equal(v3_msr_passthrough(vm, 0x1234), -V3_EEXIST);
	assert_int_equal(v3_msr_passthrough(vm, MSR_EFER), -V3_EEXIST);
	assert_int_equal(nintercepts, 1);
	assert_int_equal(v3_msr_passthrough(vm, 0x4321), 0);
	assert_int_equal(intercept_of(0x4321), 0);
	/* The largest MSR number is a range like any other. */
	assert_int_equal(v3_hook_msr(vm, 0xffffffff, val_read, val_write, &store), 0);
	assert_int_equal(intercept_of(0xffffffff), 1);

	fake_host_fail_alloc_after(0);
	assert_int_equal(v3_hook_msr(vm, 0x99, val_read, val_write, &store), -V3_ENOMEM);
	fake_host_fail_alloc_after(-1);
	assert_int_equal(intercept_of(0x99), -1);
}

/* EFER reads show only what the guest may own: SCE, LME, LMA, NXE (not SVME). */
static void test_efer_read_hides_host_bits(void **state)
{
	(void)state;
	vcpu->s.efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME | EFER_LMSLE;
	vcpu->s.gprs.rax = 0xffffffffffffffffUL;
	vcpu->s.gprs.rdx = 0xffffffffffffffffUL;
	msr_exit(MSR_EFER, false);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_int_equal(vcpu->s.gprs.rax, EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE);
	assert_int_equal(vcpu->s.gprs.rdx, 0);
	assert_int_equal(vcpu->s.rip, RIP0 + 2);
	assert_no_exception();
}

static void test_efer_write_reserved_bits_gp(void **state)
{
	static const struct {
		u64 rdx, rax;
	} bad[] = {
		{ 0, EFER_SCE | EFER_SVME }, { 0, EFER_LMSLE }, { 0, 1UL << 1 }, { 1, EFER_SCE },
	};

	(void)state;
	for (size_t i = 0; i < V3_ARRAY_SIZE(bad); i++) {
		memset(&vcpu->exception, 0, sizeof(vcpu->exception));
		vcpu->s.efer = EFER_LME;
		vcpu->s.gprs.rax = bad[i].rax;
		vcpu->s.gprs.rdx = bad[i].rdx;
		msr_exit(MSR_EFER, true);
		assert_int_equal(v3_handle_exit(vcpu), 0);
		assert_gp();
		assert_int_equal(vcpu->s.efer, EFER_LME);
		assert_int_equal(vcpu->s.rip, RIP0);
	}
	assert_running();
}

/* LMA is the CPU's: a write neither sets nor clears it. */
static void test_efer_write_keeps_lma(void **state)
{
	(void)state;
	vcpu->s.efer = EFER_LME | EFER_LMA;
	vcpu->s.gprs.rax = EFER_SCE | EFER_LME | EFER_NXE;
	vcpu->s.gprs.rdx = 0;
	msr_exit(MSR_EFER, true);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_int_equal(vcpu->s.efer, EFER_SCE | EFER_LME | EFER_NXE | EFER_LMA);
	assert_int_equal(vcpu->s.rip, RIP0 + 2);

	vcpu->s.efer = 0;
	vcpu->s.gprs.rax = EFER_LME | EFER_LMA;
	msr_exit(MSR_EFER, true);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_int_equal(vcpu->s.efer, EFER_LME);
	assert_int_equal(vcpu->s.rip, RIP0 + 4);
	assert_no_exception();
}

static void test_unknown_msr_gp(void **state)
{
	(void)state;
	vcpu->s.gprs.rax = 0x1111;
	vcpu->s.gprs.rdx = 0x2222;
	msr_exit(0x12345678, false);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_gp();
	assert_int_equal(vcpu->s.gprs.rax, 0x1111);
	assert_int_equal(vcpu->s.gprs.rdx, 0x2222);
	assert_int_equal(vcpu->s.rip, RIP0);

	memset(&vcpu->exception, 0, sizeof(vcpu->exception));
	msr_exit(0x12345678, true);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_gp();
	assert_int_equal(vcpu->s.rip, RIP0);
	assert_running();
}

/* A hook may refuse with #GP; a hook without a write handler refuses writes. */
static void test_msr_hook_refusals_gp(void **state)
{
	u64 store = 5;

	(void)state;
	assert_int_equal(v3_hook_msr(vm, 0x500, gp_read, gp_write, NULL), 0);
	assert_int_equal(v3_hook_msr(vm, 0x501, val_read, NULL, &store), 0);
	vcpu->s.gprs.rax = 0x1111;
	msr_exit(0x500, false);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_gp();
	assert_int_equal(vcpu->s.gprs.rax, 0x1111);  /* a refused read changes nothing */
	assert_int_equal(vcpu->s.rip, RIP0);

	memset(&vcpu->exception, 0, sizeof(vcpu->exception));
	msr_exit(0x500, true);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_gp();

	memset(&vcpu->exception, 0, sizeof(vcpu->exception));
	msr_exit(0x501, true);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_gp();
	assert_int_equal(store, 5);

	memset(&vcpu->exception, 0, sizeof(vcpu->exception));
	msr_exit(0x501, false);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_no_exception();
	assert_int_equal(vcpu->s.gprs.rax, 5);
	assert_int_equal(vcpu->s.rip, RIP0 + 2);

	/* The time stamp counter cannot be written. */
	memset(&vcpu->exception, 0, sizeof(vcpu->exception));
	msr_exit(MSR_TSC, true);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_gp();
}

/* 64-bit values travel as EDX:EAX; the upper halves of RAX and RDX are ignored / cleared. */
static void test_msr_hook_round_trip(void **state)
{
	u64 store = 0;

	(void)state;
	assert_int_equal(v3_hook_msr(vm, 0xc0010000, val_read, val_write, &store), 0);
	vcpu->s.gprs.rax = 0xffffffff01234567UL;
	vcpu->s.gprs.rdx = 0xeeeeeeee89abcdefUL;
	msr_exit(0xc0010000, true);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_int_equal(store, 0x89abcdef01234567UL);
	assert_int_equal(vcpu->s.rip, RIP0 + 2);

	store = 0xfedcba9876543210UL;
	vcpu->s.gprs.rax = 0xffffffffffffffffUL;
	vcpu->s.gprs.rdx = 0xffffffffffffffffUL;
	msr_exit(0xc0010000, false);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_int_equal(vcpu->s.gprs.rax, 0x76543210UL);
	assert_int_equal(vcpu->s.gprs.rdx, 0xfedcba98UL);
	assert_int_equal(vcpu->s.rip, RIP0 + 4);
	assert_no_exception();
}

static void test_msr_hook_error_stops_the_vm(void **state)
{
	(void)state;
	assert_int_equal(v3_hook_msr(vm, 0x600, err_read, NULL, NULL), 0);
	msr_exit(0x600, false);
	assert_true(v3_handle_exit(vcpu) < 0);
	assert_stopped(V3_STOP_ERROR);
	assert_no_exception();
	assert_int_equal(vcpu->s.rip, RIP0);
}

static u64 rdtsc(void)
{
	u32 lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

static void test_tsc_read_adds_offset(void **state)
{
	u64 before, after, got;

	(void)state;
	vm->tsc_offset = 1UL << 50;
	before = rdtsc();
	msr_exit(MSR_TSC, false);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	after = rdtsc();
	got = (vcpu->s.gprs.rdx << 32) | (u32)vcpu->s.gprs.rax;
	assert_in_range(got, before + vm->tsc_offset, after + vm->tsc_offset);
}

/* ---- CPUID ------------------------------------------------------------------------------ */

static void cpuid(u32 leaf, u32 subleaf)
{
	set_exit(V3_EXIT_CPUID, 2);
	vcpu->s.gprs.rax = 0xffffffff00000000UL | leaf;  /* only EAX and ECX are inputs */
	vcpu->s.gprs.rcx = 0xffffffff00000000UL | subleaf;
	vcpu->s.gprs.rbx = vcpu->s.gprs.rdx = 0xffffffffffffffffUL;
	assert_int_equal(v3_handle_exit(vcpu), 0);
	/* Every output zero-extends, as a 32-bit result does. */
	assert_int_equal(vcpu->s.gprs.rax >> 32, 0);
	assert_int_equal(vcpu->s.gprs.rbx >> 32, 0);
	assert_int_equal(vcpu->s.gprs.rcx >> 32, 0);
	assert_int_equal(vcpu->s.gprs.rdx >> 32, 0);
}

static void test_cpuid_hypervisor_signature(void **state)
{
	char sig[12];
	u32 regs[3];

	(void)state;
	cpuid(V3_CPUID_SIGNATURE_LEAF, 0);
	assert_int_equal(vcpu->s.gprs.rax, V3_CPUID_FEATURES_LEAF);
	regs[0] = (u32)vcpu->s.gprs.rbx;
	regs[1] = (u32)vcpu->s.gprs.rcx;
	regs[2] = (u32)vcpu->s.gprs.rdx;
	memcpy(sig, regs, sizeof(sig));
	assert_memory_equal(sig, "V3VEEV3VEEV3", 12);
	assert_int_equal(vcpu->s.rip, RIP0 + 2);
}

static void test_cpuid_hypervisor_features(void **state)
{
	(void)state;
	cpuid(V3_CPUID_FEATURES_LEAF, 0);
	assert_int_equal(vcpu->s.gprs.rax, V3_ABI_VERSION);
	assert_int_equal(vcpu->s.gprs.rax, 1);
	assert_int_equal(vcpu->s.gprs.rbx, 0);
	/* Vendor flag: v3_core() is zeroed here (vendor OTHER), so not Intel. */
	assert_int_equal(vcpu->s.gprs.rcx, 0);
	assert_int_equal(vcpu->s.gprs.rdx, 0);
}

static void test_cpuid_unknown_leaves_are_zero(void **state)
{
	static const u32 leaves[] = { 0x3, 0x5, 0x6, 0x40000002, 0x400000ff, 0x40000100,
				      0x80000009, 0x8000001f, 0xc0000000, 0x20000000 };

	(void)state;
	for (size_t i = 0; i < V3_ARRAY_SIZE(leaves); i++) {
		cpuid(leaves[i], 0);
		assert_int_equal(vcpu->s.gprs.rax, 0);
		assert_int_equal(vcpu->s.gprs.rbx, 0);
		assert_int_equal(vcpu->s.gprs.rcx, 0);
		assert_int_equal(vcpu->s.gprs.rdx, 0);
	}
	assert_int_equal(vcpu->s.rip, RIP0 + 2 * V3_ARRAY_SIZE(leaves));
}

#define L1_ECX_MONITOR (1u << 3)
#define L1_ECX_VMX (1u << 5)
#define L1_ECX_OSXSAVE (1u << 27)
#define L1_ECX_HYPERVISOR (1u << 31)
#define L1_EDX_APIC (1u << 9)
#define L81_ECX_SVM (1u << 2)

static void test_cpuid_leaf1_policy(void **state)
{
	(void)state;
	vm->nvcpus = 4;
	vcpu->id = 3;
	cpuid(1, 0);
	assert_true(vcpu->s.gprs.rcx & L1_ECX_HYPERVISOR);
	assert_false(vcpu->s.gprs.rcx & L1_ECX_VMX);
	assert_false(vcpu->s.gprs.rcx & L1_ECX_MONITOR);
	assert_false(vcpu->s.gprs.rcx & L1_ECX_OSXSAVE);
	assert_false(vcpu->s.gprs.rdx & L1_EDX_APIC);
	assert_int_equal((vcpu->s.gprs.rbx >> 16) & 0xff, 4);
	assert_int_equal((vcpu->s.gprs.rbx >> 24) & 0xff, 3);

	/* OSXSAVE mirrors the guest's CR4. */
	vcpu->s.cr4 = CR4_OSXSAVE;
	cpuid(1, 0);
	assert_true(vcpu->s.gprs.rcx & L1_ECX_OSXSAVE);
}

static void test_cpuid_no_svm(void **state)
{
	(void)state;
	cpuid(0x80000001, 0);
	assert_false(vcpu->s.gprs.rcx & L81_ECX_SVM);
}

struct cpuid_hook_seen {
	unsigned int calls;
	u32 leaf, subleaf;
	struct v3_cpuid_regs in;
};

static void leaf5_hook(struct v3_vcpu *v, u32 leaf, u32 subleaf, struct v3_cpuid_regs *r,
		       void *priv)
{
	struct cpuid_hook_seen *s = priv;

	s->calls++;
	s->leaf = leaf;
	s->subleaf = subleaf;
	s->in = *r;
	r->eax = 0x1234;
	r->edx = 0xabcd;
}

static void apic_hook(struct v3_vcpu *v, u32 leaf, u32 subleaf, struct v3_cpuid_regs *r,
		      void *priv)
{
	struct cpuid_hook_seen *s = priv;

	s->calls++;
	s->in = *r;
	r->edx |= L1_EDX_APIC;
}

/* A hook runs after the policy (it sees the filtered leaf) and has the last word. */
static void test_cpuid_hooks(void **state)
{
	struct cpuid_hook_seen s5 = { 0 }, s1 = { 0 };

	(void)state;
	assert_int_equal(v3_hook_cpuid(vm, 5, leaf5_hook, &s5), 0);
	assert_int_equal(v3_hook_cpuid(vm, 1, apic_hook, &s1), 0);
	assert_int_equal(v3_hook_cpuid(vm, 5, apic_hook, &s1), -V3_EEXIST);

	cpuid(5, 7);
	assert_int_equal(s5.calls, 1);
	assert_int_equal(s5.leaf, 5);
	assert_int_equal(s5.subleaf, 7);
	assert_int_equal(s5.in.eax | s5.in.ebx | s5.in.ecx | s5.in.edx, 0);
	assert_int_equal(vcpu->s.gprs.rax, 0x1234);
	assert_int_equal(vcpu->s.gprs.rbx, 0);
	assert_int_equal(vcpu->s.gprs.rdx, 0xabcd);

	cpuid(1, 0);
	assert_int_equal(s1.calls, 1);
	assert_true(s1.in.ecx & L1_ECX_HYPERVISOR);
	assert_false(s1.in.edx & L1_EDX_APIC);
	assert_true(vcpu->s.gprs.rdx & L1_EDX_APIC);
	assert_int_equal(vcpu->s.rip, RIP0 + 4);

	/* Other leaves are not the hooks' business. */
	cpuid(6, 0);
	assert_int_equal(s5.calls + s1.calls, 2);

	fake_host_fail_alloc_after(0);
	assert_int_equal(v3_hook_cpuid(vm, 6, leaf5_hook, &s5), -V3_ENOMEM);
	fake_host_fail_alloc_after(-1);
}

/* ---- skipping an instruction without its length --------------------------------------- */

/* insn_len 0: the core reads CS:RIP from guest memory and decodes the instruction. */
static void test_skip_decodes_the_instruction(void **state)
{
	static const u8 cpuid_insn[] = { 0x0f, 0xa2 };

	(void)state;
	seg_base[V3_SEG_CS] = 0x10000;
	put_guest(0x10000 + RIP0, cpuid_insn, sizeof(cpuid_insn));
	set_exit(V3_EXIT_CPUID, 0);
	vcpu->s.gprs.rax = 1;
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_int_equal(vcpu->s.rip, RIP0 + 2);
	assert_int_equal(last_seg, V3_SEG_CS);
	assert_true(vcpu->s.gprs.rcx & L1_ECX_HYPERVISOR);
}

/* An instruction the core cannot read stops the VM instead of guessing. */
static void test_skip_unreadable_instruction_stops_the_vm(void **state)
{
	(void)state;
	seg_base[V3_SEG_CS] = 0xf0000000;  /* far outside the 1 MiB of RAM */
	set_exit(V3_EXIT_CPUID, 0);
	vcpu->s.gprs.rax = 0;
	assert_true(v3_handle_exit(vcpu) < 0);
	assert_stopped(V3_STOP_ERROR);
	assert_int_equal(vcpu->s.rip, RIP0);
}

/* ---- hypercalls -------------------------------------------------------------------------- */

static void hypercall(u64 nr)
{
	set_exit(V3_EXIT_HYPERCALL, 3);
	vcpu->s.gprs.rax = nr;
}

static void test_hcall_ping(void **state)
{
	(void)state;
	hypercall(V3_HC_PING);
	vcpu->s.gprs.rbx = 0x5555;
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_int_equal(vcpu->s.gprs.rax, 0);
	assert_int_equal(vcpu->s.gprs.rbx, V3_ABI_VERSION);
	assert_int_equal(vcpu->s.rip, RIP0 + 3);
	assert_running();
}

static void test_hcall_exit_stops_the_vm(void **state)
{
	(void)state;
	hypercall(V3_HC_EXIT);
	vcpu->s.gprs.rbx = 42;
	assert_int_equal(v3_handle_exit(vcpu), -V3_ESTOPPED);
	assert_stopped(V3_STOP_GUEST_EXIT);
	assert_int_equal(vm->outcome.status, 42);
	assert_non_null(strstr(vm->outcome.detail, "42"));
	assert_int_equal(vcpu->s.gprs.rax, V3_HC_EXIT);
	assert_int_equal(vcpu->s.rip, RIP0);
}

static void test_hcall_exit_negative_status(void **state)
{
	(void)state;
	hypercall(V3_HC_EXIT);
	vcpu->s.gprs.rbx = (u64)-3;
	assert_int_equal(v3_handle_exit(vcpu), -V3_ESTOPPED);
	assert_stopped(V3_STOP_GUEST_EXIT);
	assert_int_equal(vm->outcome.status, -3);
}

static void test_hcall_unknown_returns_enosys(void **state)
{
	(void)state;
	hypercall(0x9999);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_int_equal(vcpu->s.gprs.rax, (u64)-38);
	assert_int_equal(vcpu->s.rip, RIP0 + 3);
	assert_running();
	hypercall(~0UL);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_int_equal(vcpu->s.gprs.rax, (u64)-V3_ENOSYS);
}

struct hcall_seen {
	unsigned int calls;
	u64 nr;
};

static s64 my_hcall(struct v3_vcpu *v, u64 nr, void *priv)
{
	struct hcall_seen *s = priv;

	assert_ptr_equal(v, vcpu);
	s->calls++;
	s->nr = nr;
	return -77;
}

static void test_hcall_registration(void **state)
{
	struct hcall_seen s = { 0 };

	(void)state;
	assert_int_equal(v3_register_hcall(vm, V3_HC_PING, my_hcall, &s), -V3_EEXIST);
	assert_int_equal(v3_register_hcall(vm, V3_HC_EXIT, my_hcall, &s), -V3_EEXIST);
	assert_int_equal(v3_register_hcall(vm, ~0UL, my_hcall, &s), -V3_EINVAL);
	assert_int_equal(v3_register_hcall(vm, 0x1000, my_hcall, &s), 0);
	assert_int_equal(v3_register_hcall(vm, 0x1000, my_hcall, &s), -V3_EEXIST);
	fake_host_fail_alloc_after(0);
	assert_int_equal(v3_register_hcall(vm, 0x1001, my_hcall, &s), -V3_ENOMEM);
	fake_host_fail_alloc_after(-1);

	hypercall(0x1000);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.nr, 0x1000);
	assert_int_equal(vcpu->s.gprs.rax, (u64)-77);
	assert_int_equal(vcpu->s.rip, RIP0 + 3);

	/* The built-ins still answer. */
	hypercall(V3_HC_PING);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_int_equal(vcpu->s.gprs.rax, 0);
	hypercall(0x1001);
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_int_equal(vcpu->s.gprs.rax, (u64)-V3_ENOSYS);
}

/*
 * The other vendor's hypercall instruction arrives as #UD: VMMCALL (0f 01 d9)
 * and VMCALL (0f 01 c1) are both hypercalls; any other #UD goes to the guest.
 */
static void test_hcall_through_ud(void **state)
{
	static const u8 vmmcall[] = { 0x0f, 0x01, 0xd9 }, vmcall[] = { 0x0f, 0x01, 0xc1 };
	static const u8 ud2[] = { 0x0f, 0x0b, 0x90 };

	(void)state;
	put_guest(RIP0, vmmcall, 3);
	set_exit(V3_EXIT_EXCEPTION, 0);
	vcpu->exit.exc.vector = EXC_UD;
	vcpu->s.gprs.rax = V3_HC_PING;
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_int_equal(vcpu->s.gprs.rax, 0);
	assert_int_equal(vcpu->s.rip, RIP0 + 3);
	assert_no_exception();

	put_guest(RIP0 + 3, vmcall, 3);
	set_exit(V3_EXIT_EXCEPTION, 0);
	vcpu->exit.exc.vector = EXC_UD;
	vcpu->s.gprs.rax = 0x9999;
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_int_equal(vcpu->s.gprs.rax, (u64)-V3_ENOSYS);
	assert_int_equal(vcpu->s.rip, RIP0 + 6);

	put_guest(RIP0 + 6, ud2, 3);
	set_exit(V3_EXIT_EXCEPTION, 0);
	vcpu->exit.exc.vector = EXC_UD;
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_true(vcpu->exception.valid);
	assert_int_equal(vcpu->exception.vector, EXC_UD);
	assert_int_equal(vcpu->s.rip, RIP0 + 6);
	assert_running();
}

/* An exit kind without a handler stops the VM and says what it was. */
static void test_unhandled_exit_stops_the_vm(void **state)
{
	static const u8 bytes[] = { 0x0f, 0x01, 0xd8 };

	(void)state;
	put_guest(RIP0, bytes, sizeof(bytes));
	set_exit(V3_EXIT_UNKNOWN, 0);
	vcpu->exit.raw_code = 0x77;
	assert_true(v3_handle_exit(vcpu) < 0);
	assert_stopped(V3_STOP_UNHANDLED);
	assert_non_null(strstr(vm->outcome.detail, "fake-exit"));
	assert_non_null(strstr(vm->outcome.detail, "0f 01 d8"));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_io_hook_ranges),
		T(test_io_hook_enomem),
		T(test_in_merges_into_rax),
		T(test_out_passes_low_bits_of_rax),
		T(test_unhooked_port_reads_ones),
		T(test_io_errors_stop_the_vm),
		T(test_io_bad_size_stops_the_vm),
		T(test_rep_outsb),
		T(test_string_segments),
		T(test_rep_insw),
		T(test_rep_outsd_backwards),
		T(test_string_addr_size_2_wraps),
		T(test_string_addr_size_4_uses_ecx),
		T(test_long_rep_takes_several_exits),
		T(test_string_without_rep_moves_one),
		T(test_rep_with_zero_count_does_nothing),
		T(test_ins_from_unhooked_port),
		T(test_ins_past_ram_stops_the_vm),
		T(test_msr_init_intercepts),
		T(test_msr_init_enomem),
		T(test_hook_msr_intercepts),
		T(test_efer_read_hides_host_bits),
		T(test_efer_write_reserved_bits_gp),
		T(test_efer_write_keeps_lma),
		T(test_unknown_msr_gp),
		T(test_msr_hook_refusals_gp),
		T(test_msr_hook_round_trip),
		T(test_msr_hook_error_stops_the_vm),
		T(test_tsc_read_adds_offset),
		T(test_cpuid_hypervisor_signature),
		T(test_cpuid_hypervisor_features),
		T(test_cpuid_unknown_leaves_are_zero),
		T(test_cpuid_leaf1_policy),
		T(test_cpuid_no_svm),
		T(test_cpuid_hooks),
		T(test_skip_decodes_the_instruction),
		T(test_skip_unreadable_instruction_stops_the_vm),
		T(test_hcall_ping),
		T(test_hcall_exit_stops_the_vm),
		T(test_hcall_exit_negative_status),
		T(test_hcall_unknown_returns_enosys),
		T(test_hcall_registration),
		T(test_hcall_through_ud),
		T(test_unhandled_exit_stops_the_vm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
