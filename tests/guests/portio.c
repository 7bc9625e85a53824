// SPDX-License-Identifier: MIT
/*
 * Port I/O through the VMM's I/O hooks (palacios/src/io.c) against the test
 * device (devices/vmm_test.c): the scratch register in 8-, 16- and 32-bit
 * pieces at each byte offset, REP OUTS/INS of bytes, words and dwords
 * through the FIFO in both directions (DF=0 and DF=1) with buffers that
 * cross a page boundary, and an unhooked port reading all ones.
 */
#include "runtime.h"

#define UNHOOKED_PORT 0x5f0
#define NBYTES 200

/* Two pages each, the transfers start 100 bytes before the page boundary. */
static u8 src_pages[8192] __attribute__((aligned(4096)));
static u8 dst_pages[8192] __attribute__((aligned(4096)));
#define SRC (src_pages + 4096 - 100)
#define DST (dst_pages + 4096 - 100)

static void scratch_tests(void)
{
	outl(TEST_SCRATCH, 0x11223344);
	CHECK_EQ(inl(TEST_SCRATCH), 0x11223344, "scratch: 32-bit write, 32-bit read");
	CHECK_EQ(inb(TEST_SCRATCH + 0), 0x44, "scratch: 8-bit read at offset 0");
	CHECK_EQ(inb(TEST_SCRATCH + 1), 0x33, "scratch: 8-bit read at offset 1");
	CHECK_EQ(inb(TEST_SCRATCH + 2), 0x22, "scratch: 8-bit read at offset 2");
	CHECK_EQ(inb(TEST_SCRATCH + 3), 0x11, "scratch: 8-bit read at offset 3");
	CHECK_EQ(inw(TEST_SCRATCH + 0), 0x3344, "scratch: 16-bit read at offset 0");
	CHECK_EQ(inw(TEST_SCRATCH + 1), 0x2233, "scratch: 16-bit read at offset 1");
	CHECK_EQ(inw(TEST_SCRATCH + 2), 0x1122, "scratch: 16-bit read at offset 2");

	outb(TEST_SCRATCH + 2, 0xaa);
	CHECK_EQ(inl(TEST_SCRATCH), 0x11aa3344, "scratch: 8-bit write at offset 2, 32-bit read");
	outb(TEST_SCRATCH + 0, 0x01);
	outb(TEST_SCRATCH + 3, 0xfe);
	CHECK_EQ(inl(TEST_SCRATCH), 0xfeaa3301, "scratch: 8-bit writes at offsets 0 and 3");
	outw(TEST_SCRATCH + 1, 0xbeef);
	CHECK_EQ(inl(TEST_SCRATCH), 0xfebeef01, "scratch: 16-bit write at offset 1, 32-bit read");
	outw(TEST_SCRATCH + 2, 0xcafe);
	CHECK_EQ(inl(TEST_SCRATCH), 0xcafeef01, "scratch: 16-bit write at offset 2, 32-bit read");
	outl(TEST_SCRATCH, 0);
	CHECK_EQ(inl(TEST_SCRATCH), 0, "scratch: 32-bit write of 0");
}

static void fill(void)
{
	for (unsigned int i = 0; i < NBYTES; i++)
		SRC[i] = (u8)(i * 7 + 3);
	memset(DST, 0x5a, NBYTES);
}

/* DST is SRC with the units of size bytes in reverse order. */
static bool reversed(unsigned int size)
{
	unsigned int n = NBYTES / size;

	for (unsigned int i = 0; i < n; i++)
		if (memcmp(DST + i * size, SRC + (n - 1 - i) * size, size))
			return false;
	return true;
}

static bool fifo_empty(void)
{
	return inb(TEST_FIFO) == 0xff && inb(TEST_FIFO) == 0xff;
}

static void string_tests(unsigned int size)
{
	static const char *const insn[] = { [1] = "outsb/insb", [2] = "outsw/insw",
					    [4] = "outsl/insl" };
	unsigned int n = NBYTES / size;
	struct rt_string_io o, i;
	char what[96];

	/* Forwards both ways. */
	fill();
	o = rt_outs(TEST_FIFO, SRC, n, size, false);
	i = rt_ins(TEST_FIFO, DST, n, size, false);
	rt_snprintf(what, sizeof(what), "rep %s: %u bytes through the FIFO, DF=0", insn[size],
		    NBYTES);
	rt_check(!memcmp(SRC, DST, NBYTES), what, "data differs");
	rt_snprintf(what, sizeof(what), "rep %s, DF=0: RCX 0, RSI and RDI advanced by %u",
		    insn[size], NBYTES);
	rt_check(o.rcx == 0 && i.rcx == 0 && o.rsi_or_rdi == (u64)(SRC + NBYTES) &&
			 i.rsi_or_rdi == (u64)(DST + NBYTES),
		 what, "rcx %lu/%lu, rsi 0x%lx (want 0x%lx), rdi 0x%lx (want 0x%lx)", o.rcx, i.rcx,
		 o.rsi_or_rdi, (u64)(SRC + NBYTES), i.rsi_or_rdi, (u64)(DST + NBYTES));

	/* OUTS backwards (DF=1, from the last unit down), INS forwards. */
	fill();
	o = rt_outs(TEST_FIFO, SRC + NBYTES - size, n, size, true);
	i = rt_ins(TEST_FIFO, DST, n, size, false);
	rt_snprintf(what, sizeof(what), "rep %s: OUTS with DF=1 sends the units in reverse",
		    insn[size]);
	rt_check(reversed(size) && o.rcx == 0 && o.rsi_or_rdi == (u64)(SRC - size), what,
		 "data %s, rcx %lu, rsi 0x%lx (want 0x%lx)", reversed(size) ? "ok" : "differs",
		 o.rcx, o.rsi_or_rdi, (u64)(SRC - size));

	/* OUTS forwards, INS backwards. */
	fill();
	o = rt_outs(TEST_FIFO, SRC, n, size, false);
	i = rt_ins(TEST_FIFO, DST + NBYTES - size, n, size, true);
	rt_snprintf(what, sizeof(what), "rep %s: INS with DF=1 stores the units in reverse",
		    insn[size]);
	rt_check(reversed(size) && i.rcx == 0 && i.rsi_or_rdi == (u64)(DST - size), what,
		 "data %s, rcx %lu, rdi 0x%lx (want 0x%lx)", reversed(size) ? "ok" : "differs",
		 i.rcx, i.rsi_or_rdi, (u64)(DST - size));

	rt_snprintf(what, sizeof(what), "rep %s: the FIFO is empty afterwards (reads 0xff)",
		    insn[size]);
	CHECK(fifo_empty(), what);
}

int guest_main(void)
{
	scratch_tests();

	CHECK(fifo_empty(), "fifo: empty at start, reads 0xff");
	outb(TEST_FIFO, 0x42);
	outw(TEST_FIFO, 0x4443);
	CHECK_EQ(inb(TEST_FIFO), 0x42, "fifo: 8-bit write, 8-bit read");
	CHECK_EQ(inb(TEST_FIFO), 0x43, "fifo: a 16-bit write appends its low byte first");
	CHECK_EQ(inw(TEST_FIFO), 0xff44, "fifo: a 16-bit read past the end fills with 0xff");
	string_tests(1);
	string_tests(2);
	string_tests(4);

	CHECK_EQ(inb(UNHOOKED_PORT), 0xff, "unhooked port 0x5f0: 8-bit read is 0xff");
	CHECK_EQ(inw(UNHOOKED_PORT), 0xffff, "unhooked port 0x5f0: 16-bit read is 0xffff");
	CHECK_EQ(inl(UNHOOKED_PORT), 0xffffffff, "unhooked port 0x5f0: 32-bit read is 0xffffffff");
	outl(UNHOOKED_PORT, 0x12345678);
	CHECK_EQ(inl(UNHOOKED_PORT), 0xffffffff, "unhooked port 0x5f0: a write is dropped");
	return 0;
}
