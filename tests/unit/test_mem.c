/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the VM's guest-physical memory (palacios/src/mem.c): allocation of the RAM
 * blocks, the region map, GPA translation and copies, MMIO hooks, teardown.
 *
 * The host here wraps the fake host: it refuses allocations above a size limit (so RAM has to
 * be split into several blocks), gives every block the worst alignment the host interface
 * allows (a multiple of what was asked, never of twice that), fills it with garbage (so the
 * core's zeroing shows), and counts what is outstanding, so a test can check that everything
 * was given back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <v3/errno.h>

#include "fake_host.h"
#include "host_ops.h"
#include "mem.h"
#include "vm.h"

#define KIB (1UL << 10)
#define MIB (1UL << 20)

/* ---- the host ---------------------------------------------------------------- */

struct block_rec {
	u64 hpa, raw, npages, raw_npages;
};

static struct v3_host_ops host_ops_copy;
static u64 alloc_limit;            /* largest block the host gives, in bytes (0: any) */
static struct block_rec recs[256]; /* blocks handed out and not yet freed */
static unsigned int nrecs;
static long live_mallocs;
static unsigned int alloc_calls;
static u64 last_align;

static u64 host_alloc_pages(u64 npages, u64 align, int node)
{
	/* aligned_alloc() wants a size that is a multiple of the alignment. */
	u64 raw_npages = V3_ALIGN_UP(npages * V3_PAGE_SIZE + align, align) / V3_PAGE_SIZE;
	u64 raw, hpa;

	alloc_calls++;
	last_align = align;
	assert_true(V3_IS_POW2(align) && align >= V3_PAGE_SIZE);
	if (alloc_limit && npages * V3_PAGE_SIZE > alloc_limit)
		return 0;
	raw = fake_host_ops.alloc_pages(raw_npages, align, node);
	if (!raw)
		return 0;
	/* A multiple of align, never of 2 * align: the least the interface promises. */
	hpa = V3_IS_ALIGNED(raw, 2 * align) ? raw + align : raw;
	memset((void *)(uintptr_t)hpa, 0xa5, npages * V3_PAGE_SIZE);
	assert_true(nrecs < V3_ARRAY_SIZE(recs));
	recs[nrecs++] = (struct block_rec){ hpa, raw, npages, raw_npages };
	return hpa;
}

static void host_free_pages(u64 hpa, u64 npages)
{
	for (unsigned int i = 0; i < nrecs; i++) {
		if (recs[i].hpa == hpa) {
			assert_int_equal(recs[i].npages, npages);
			fake_host_ops.free_pages(recs[i].raw, recs[i].raw_npages);
			recs[i] = recs[--nrecs];
			return;
		}
	}
	fail_msg("free_pages(0x%lx): not allocated", hpa);
}

static void *host_malloc(size_t size)
{
	void *p = fake_host_ops.malloc(size);

	if (p)
		live_mallocs++;
	return p;
}

static void host_free(void *p)
{
	if (p)
		live_mallocs--;
	fake_host_ops.free(p);
}

static int setup(void **state)
{
	(void)state;
	fake_host_install();
	host_ops_copy = fake_host_ops;
	host_ops_copy.alloc_pages = host_alloc_pages;
	host_ops_copy.free_pages = host_free_pages;
	host_ops_copy.malloc = host_malloc;
	host_ops_copy.free = host_free;
	v3_host = &host_ops_copy;
	alloc_limit = 0;
	nrecs = 0;
	live_mallocs = 0;
	alloc_calls = 0;
	return 0;
}

static void assert_nothing_live(void)
{
	assert_int_equal(nrecs, 0);
	assert_int_equal(live_mallocs, 0);
}

/* ---- VMs --------------------------------------------------------------------------- */

static struct v3_vm *new_vm(u64 mem_size, u64 mem_align)
{
	struct v3_vm *vm = calloc(1, sizeof(*vm));

	assert_non_null(vm);
	strcpy(vm->name, "memtest");
	vm->cfg.mem_size = mem_size;
	vm->cfg.mem_align = mem_align;
	return vm;
}

static struct v3_vm *vm_with_ram(u64 mem_size, u64 mem_align)
{
	struct v3_vm *vm = new_vm(mem_size, mem_align);

	assert_int_equal(v3_mem_init(vm), 0);
	return vm;
}

/* v3_mem_deinit gives back every block and allocation, and may run twice. */
static void destroy_vm(struct v3_vm *vm)
{
	v3_mem_deinit(vm);
	assert_int_equal(vm->mem.nblocks, 0);
	assert_int_equal(vm->mem.regions.count, 0);
	assert_null(vm->mem.regions.ranges);
	assert_nothing_live();
	v3_mem_deinit(vm);
	assert_nothing_live();
	free(vm);
}

static bool all_zero(const u8 *p, u64 len)
{
	for (u64 i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/*
 * The RAM blocks cover [0, mem_size) exactly, in order; each is zeroed and is
 * its own RAM region; a block of at least the alignment is aligned to it (so
 * nested paging can use pages of that size), smaller ones to a page.
 */
static void check_blocks(const struct v3_vm *vm)
{
	const struct v3_mem_map *m = &vm->mem;
	u64 align = vm->cfg.mem_align, gpa = 0;

	assert_true(m->nblocks >= 1 && m->nblocks <= V3_MEM_MAX_BLOCKS);
	assert_int_equal(m->ram_size, vm->cfg.mem_size);
	assert_int_equal(m->regions.count, m->nblocks);
	for (unsigned int i = 0; i < m->nblocks; i++) {
		const struct v3_mem_block *b = &m->blocks[i];
		const struct v3_mem_region *r = m->regions.ranges[i].priv;

		assert_int_equal(b->gpa, gpa);
		assert_true(b->size > 0);
		assert_true(V3_IS_ALIGNED(b->size, V3_PAGE_SIZE));
		assert_true(V3_IS_ALIGNED(b->hpa, b->size >= align ? align : V3_PAGE_SIZE));
		assert_ptr_equal(b->hva, (u8 *)(uintptr_t)b->hpa);
		assert_true(all_zero(b->hva, b->size));
		assert_int_equal(r->kind, V3_REGION_RAM);
		assert_int_equal(r->start, b->gpa);
		assert_int_equal(r->end, b->gpa + b->size);
		assert_int_equal(r->hpa, b->hpa);
		gpa += b->size;
	}
	assert_int_equal(gpa, vm->cfg.mem_size);
}

/* A region the test owns (v3_mem_deinit frees it with v3_free). */
static void add_rom(struct v3_vm *vm, u64 start, u64 end, u64 hpa)
{
	struct v3_mem_region *r = v3_malloc(sizeof(*r));

	assert_non_null(r);
	*r = (struct v3_mem_region){
		.start = start, .end = end, .kind = V3_REGION_ROM, .hpa = hpa,
	};
	assert_int_equal(v3_range_table_insert(&vm->mem.regions, start, end, r), 0);
}

static int mmio_read(struct v3_vcpu *vcpu, u64 gpa, void *data, unsigned int len, void *priv)
{
	return 0;
}

static int mmio_write(struct v3_vcpu *vcpu, u64 gpa, void *data, unsigned int len, void *priv)
{
	return 0;
}

/* ---- allocation ----------------------------------------------------------------------- */

static void test_one_block_when_the_host_can(void **state)
{
	struct v3_vm *vm;

	(void)state;
	vm = vm_with_ram(8 * MIB, 2 * MIB);
	assert_int_equal(alloc_calls, 1);
	assert_int_equal(last_align, 2 * MIB);
	assert_int_equal(vm->mem.nblocks, 1);
	assert_int_equal(vm->mem.blocks[0].size, 8 * MIB);
	check_blocks(vm);
	destroy_vm(vm);
}

/* A block exactly the alignment's size, or not a multiple of it, is still aligned. */
static void test_block_aligned_when_size_not_above_alignment(void **state)
{
	static const struct {
		u64 size, align;
	} cases[] = {
		{ 2 * MIB, 2 * MIB }, { 3 * MIB, 2 * MIB }, { 1 * MIB, 2 * MIB },
		{ 4 * KIB, 4 * KIB }, { 64 * KIB, 64 * KIB },
	};

	(void)state;
	for (size_t i = 0; i < V3_ARRAY_SIZE(cases); i++) {
		struct v3_vm *vm = vm_with_ram(cases[i].size, cases[i].align);

		assert_int_equal(vm->mem.nblocks, 1);
		check_blocks(vm);
		destroy_vm(vm);
	}
}

/* A host that cannot give it all at once: several blocks, halving down to the alignment. */
static void test_split_into_aligned_blocks(void **state)
{
	static const struct {
		u64 size, align, limit;
		unsigned int nblocks;
	} cases[] = {
		{ 64 * MIB, 2 * MIB, 16 * MIB, 4 },   /* 64 -> 32 -> 16 */
		{ 12 * MIB, 2 * MIB, 5 * MIB, 6 },    /* 12 -> 6 -> 2: blocks of exactly align */
		{ 7 * MIB, 2 * MIB, 2 * MIB, 4 },     /* 2 + 2 + 2 + the 1 MiB rest */
		{ 40 * MIB, 4 * MIB, 12 * MIB, 5 },   /* 40 -> 20 -> 8 */
		{ 1 * MIB, 4 * KIB, 300 * KIB, 4 },   /* 1024 -> 512 -> 256 KiB */
	};

	(void)state;
	for (size_t i = 0; i < V3_ARRAY_SIZE(cases); i++) {
		struct v3_vm *vm;

		alloc_limit = cases[i].limit;
		vm = vm_with_ram(cases[i].size, cases[i].align);
		assert_int_equal(vm->mem.nblocks, cases[i].nblocks);
		check_blocks(vm);
		for (unsigned int b = 0; b < vm->mem.nblocks; b++)
			assert_true(vm->mem.blocks[b].size <= cases[i].limit);
		destroy_vm(vm);
	}
}

/* RAM that would need more than V3_MEM_MAX_BLOCKS blocks is refused, cleanly. */
static void test_too_many_blocks_refused(void **state)
{
	struct v3_vm *vm;

	(void)state;
	alloc_limit = 1 * MIB;
	vm = vm_with_ram(V3_MEM_MAX_BLOCKS * MIB, 1 * MIB);
	assert_int_equal(vm->mem.nblocks, V3_MEM_MAX_BLOCKS);
	check_blocks(vm);
	destroy_vm(vm);

	vm = new_vm((V3_MEM_MAX_BLOCKS + 1) * MIB, 1 * MIB);
	assert_int_equal(v3_mem_init(vm), -V3_ENOMEM);
	assert_int_equal(vm->mem.nblocks, 0);
	assert_non_null(strstr(fake_host_log(), "memtest"));
	destroy_vm(vm);
}

/* No block of even the alignment's size: -V3_ENOMEM with a message, nothing kept. */
static void test_no_block_of_alignment_size(void **state)
{
	struct v3_vm *vm;

	(void)state;
	alloc_limit = 1 * MIB;
	vm = new_vm(4 * MIB, 2 * MIB);
	assert_int_equal(v3_mem_init(vm), -V3_ENOMEM);
	assert_non_null(strstr(fake_host_log(), "vm memtest: cannot allocate 4 MiB"));
	destroy_vm(vm);
}

/* Make the n-th allocation fail, for every n until none does. */
static void test_enomem_at_every_allocation(void **state)
{
	long n;

	(void)state;
	alloc_limit = 4 * MIB;
	for (n = 0;; n++) {
		struct v3_vm *vm = new_vm(16 * MIB, 2 * MIB);
		int rc;

		fake_host_fail_alloc_after(n);
		rc = v3_mem_init(vm);
		fake_host_fail_alloc_after(-1);
		if (!rc) {
			assert_int_equal(vm->mem.nblocks, 4);
			check_blocks(vm);
			destroy_vm(vm);
			break;
		}
		assert_int_equal(rc, -V3_ENOMEM);
		assert_int_equal(vm->mem.nblocks, 0);
		destroy_vm(vm);
	}
	/* 4 blocks and 4 region copies, and the table's storage. */
	assert_true(n >= 9);
}

/* ---- the map -------------------------------------------------------------------------- */

static void test_lookup_kinds_and_boundaries(void **state)
{
	struct v3_vm *vm;
	const struct v3_mem_region *r;
	int priv;

	(void)state;
	vm = vm_with_ram(4 * MIB, 2 * MIB);
	add_rom(vm, 0xfff00000, 0xfff10000, vm->mem.blocks[0].hpa);
	assert_int_equal(v3_hook_mmio(vm, 4 * MIB + 4 * KIB, 4 * MIB + 8 * KIB, mmio_read,
				      mmio_write, &priv), 0);

	r = v3_mem_lookup(vm, 0);
	assert_non_null(r);
	assert_int_equal(r->kind, V3_REGION_RAM);
	assert_ptr_equal(v3_mem_lookup(vm, 4 * MIB - 1), r);
	assert_null(v3_mem_lookup(vm, 4 * MIB));
	assert_null(v3_mem_lookup(vm, 4 * MIB + 4 * KIB - 1));

	r = v3_mem_lookup(vm, 4 * MIB + 4 * KIB);
	assert_non_null(r);
	assert_int_equal(r->kind, V3_REGION_MMIO);
	assert_int_equal(r->start, 4 * MIB + 4 * KIB);
	assert_int_equal(r->end, 4 * MIB + 8 * KIB);
	assert_ptr_equal(r->read, mmio_read);
	assert_ptr_equal(r->write, mmio_write);
	assert_ptr_equal(r->priv, &priv);
	assert_ptr_equal(v3_mem_lookup(vm, 4 * MIB + 8 * KIB - 1), r);
	assert_null(v3_mem_lookup(vm, 4 * MIB + 8 * KIB));

	assert_null(v3_mem_lookup(vm, 0xffefffff));
	r = v3_mem_lookup(vm, 0xfff00000);
	assert_non_null(r);
	assert_int_equal(r->kind, V3_REGION_ROM);
	assert_ptr_equal(v3_mem_lookup(vm, 0xfff0ffff), r);
	assert_null(v3_mem_lookup(vm, 0xfff10000));
	assert_null(v3_mem_lookup(vm, ~0UL));
	destroy_vm(vm);
}

static void test_lookup_across_blocks(void **state)
{
	struct v3_vm *vm;

	(void)state;
	alloc_limit = 2 * MIB;
	vm = vm_with_ram(8 * MIB, 2 * MIB);
	assert_int_equal(vm->mem.nblocks, 4);
	for (unsigned int i = 0; i < 4; i++) {
		const struct v3_mem_block *b = &vm->mem.blocks[i];

		assert_int_equal(v3_mem_lookup(vm, b->gpa)->hpa, b->hpa);
		assert_int_equal(v3_mem_lookup(vm, b->gpa + b->size - 1)->hpa, b->hpa);
	}
	assert_null(v3_mem_lookup(vm, 8 * MIB));
	destroy_vm(vm);
}

static void test_gpa_to_hva(void **state)
{
	struct v3_vm *vm;
	const struct v3_mem_block *b;

	(void)state;
	alloc_limit = 2 * MIB;
	vm = vm_with_ram(8 * MIB, 2 * MIB);
	b = vm->mem.blocks;
	assert_int_equal(vm->mem.nblocks, 4);
	assert_ptr_equal(v3_gpa_to_hva(vm, 0, 1), b[0].hva);
	assert_ptr_equal(v3_gpa_to_hva(vm, 0x1234, 16), b[0].hva + 0x1234);
	assert_ptr_equal(v3_gpa_to_hva(vm, 0, 2 * MIB), b[0].hva);
	assert_ptr_equal(v3_gpa_to_hva(vm, 2 * MIB - 8, 8), b[0].hva + 2 * MIB - 8);
	assert_ptr_equal(v3_gpa_to_hva(vm, 2 * MIB, 8), b[1].hva);
	assert_ptr_equal(v3_gpa_to_hva(vm, 5 * MIB + 3, 100), b[2].hva + 1 * MIB + 3);
	assert_ptr_equal(v3_gpa_to_hva(vm, 8 * MIB - 1, 1), b[3].hva + 2 * MIB - 1);
	/* Crossing a block boundary: no single host pointer. */
	assert_null(v3_gpa_to_hva(vm, 2 * MIB - 1, 2));
	assert_null(v3_gpa_to_hva(vm, 0, 2 * MIB + 1));
	assert_null(v3_gpa_to_hva(vm, 6 * MIB - 4, 8));
	/* Beyond RAM. */
	assert_null(v3_gpa_to_hva(vm, 8 * MIB - 1, 2));
	assert_null(v3_gpa_to_hva(vm, 8 * MIB, 1));
	assert_null(v3_gpa_to_hva(vm, ~0UL, 1));
	assert_null(v3_gpa_to_hva(vm, 16, ~0UL));
	destroy_vm(vm);
}

/* Only RAM has a host pointer: not ROM, not MMIO. */
static void test_gpa_to_hva_only_ram(void **state)
{
	struct v3_vm *vm;

	(void)state;
	vm = vm_with_ram(2 * MIB, 2 * MIB);
	add_rom(vm, 0xfff00000, 0xfff10000, vm->mem.blocks[0].hpa);
	assert_int_equal(v3_hook_mmio(vm, 0xfee00000, 0xfee01000, NULL, NULL, NULL), 0);
	assert_null(v3_gpa_to_hva(vm, 0xfff00000, 1));
	assert_null(v3_gpa_to_hva(vm, 0xfee00000, 1));
	destroy_vm(vm);
}

static void fill_pattern(u8 *p, u64 len, u8 seed)
{
	for (u64 i = 0; i < len; i++)
		p[i] = (u8)(seed + i * 7 + (i >> 8));
}

static void test_copy_across_blocks(void **state)
{
	struct v3_vm *vm;
	const u64 len = 5 * MIB, gpa = 1 * MIB + 3;
	u8 *in = malloc(len), *out = malloc(len);

	(void)state;
	assert_non_null(in);
	assert_non_null(out);
	alloc_limit = 2 * MIB;
	vm = vm_with_ram(8 * MIB, 2 * MIB);
	assert_int_equal(vm->mem.nblocks, 4);
	fill_pattern(in, len, 1);
	assert_int_equal(v3_gpa_write(vm, gpa, in, len), 0);
	/* Through each block's own host pointer. */
	for (u64 i = 0; i < len; i += 4093) {
		const u8 *p = v3_gpa_to_hva(vm, gpa + i, 1);

		assert_non_null(p);
		assert_int_equal(*p, in[i]);
	}
	assert_int_equal(*(u8 *)v3_gpa_to_hva(vm, gpa + len - 1, 1), in[len - 1]);
	assert_int_equal(*(u8 *)v3_gpa_to_hva(vm, gpa - 1, 1), 0);
	assert_int_equal(*(u8 *)v3_gpa_to_hva(vm, gpa + len, 1), 0);
	memset(out, 0, len);
	assert_int_equal(v3_gpa_read(vm, gpa, out, len), 0);
	assert_memory_equal(in, out, len);
	/* All of RAM, first byte to last. */
	assert_int_equal(v3_gpa_read(vm, 0, out, 1), 0);
	free(in);
	free(out);
	in = calloc(1, 8 * MIB);
	assert_non_null(in);
	assert_int_equal(v3_gpa_write(vm, 0, in, 8 * MIB), 0);
	assert_int_equal(v3_gpa_read(vm, 0, in, 8 * MIB), 0);
	assert_true(all_zero(in, 8 * MIB));
	/* Nothing to copy is no error. */
	assert_int_equal(v3_gpa_write(vm, 8 * MIB, in, 0), 0);
	free(in);
	destroy_vm(vm);
}

/* ROM reads through its host pages; writes to it fault; MMIO and holes fault both ways. */
static void test_copy_faults_outside_ram(void **state)
{
	struct v3_vm *vm;
	u64 rom = host_alloc_pages(16, V3_PAGE_SIZE, V3_NUMA_ANY);
	u8 buf[64], before[64];

	(void)state;
	vm = vm_with_ram(2 * MIB, 2 * MIB);
	fill_pattern((u8 *)(uintptr_t)rom, 16 * V3_PAGE_SIZE, 9);
	add_rom(vm, 0xfff00000, 0xfff10000, rom);
	assert_int_equal(v3_hook_mmio(vm, 0xfee00000, 0xfee01000, mmio_read, mmio_write, NULL), 0);

	assert_int_equal(v3_gpa_read(vm, 0xfff00010, buf, sizeof(buf)), 0);
	assert_memory_equal(buf, (u8 *)(uintptr_t)rom + 0x10, sizeof(buf));
	memcpy(before, (u8 *)(uintptr_t)rom + 0x10, sizeof(before));
	assert_int_equal(v3_gpa_write(vm, 0xfff00010, buf, sizeof(buf)), -V3_EFAULT);
	assert_memory_equal((u8 *)(uintptr_t)rom + 0x10, before, sizeof(before));

	assert_int_equal(v3_gpa_read(vm, 0xfee00000, buf, 4), -V3_EFAULT);
	assert_int_equal(v3_gpa_write(vm, 0xfee00000, buf, 4), -V3_EFAULT);
	assert_int_equal(v3_gpa_read(vm, 2 * MIB, buf, 1), -V3_EFAULT);
	assert_int_equal(v3_gpa_write(vm, 2 * MIB, buf, 1), -V3_EFAULT);
	assert_int_equal(v3_gpa_read(vm, ~0UL, buf, 1), -V3_EFAULT);
	/* Starting in ROM and running past it: nothing is written. */
	memset(buf, 0x5a, sizeof(buf));
	memcpy(before, (u8 *)(uintptr_t)rom + 0x10000 - 8, 8);
	assert_int_equal(v3_gpa_write(vm, 0xfff10000 - 8, buf, 16), -V3_EFAULT);
	assert_memory_equal((u8 *)(uintptr_t)rom + 0x10000 - 8, before, 8);
	host_free_pages(rom, 16);
	destroy_vm(vm);
}

/*
 * A copy that starts in RAM and runs out of it fails with -V3_EFAULT after
 * copying the RAM part: the copy goes region by region, as the CPU's own
 * accesses would reach memory up to the first byte nothing answers. The
 * callers stop the VM (string I/O, the boot loader), so the guest never runs
 * on with a half-done access.
 */
static void test_write_running_out_of_ram_writes_ram_part_then_faults(void **state)
{
	struct v3_vm *vm;
	u8 buf[16];
	u8 *end;

	(void)state;
	vm = vm_with_ram(2 * MIB, 2 * MIB);
	end = (u8 *)v3_gpa_to_hva(vm, 2 * MIB - 8, 8);
	assert_non_null(end);
	memset(buf, 0x5a, sizeof(buf));
	assert_int_equal(v3_gpa_write(vm, 2 * MIB - 8, buf, sizeof(buf)), -V3_EFAULT);
	for (unsigned int i = 0; i < 8; i++)
		assert_int_equal(end[i], 0x5a);

	/* The same into MMIO right after RAM. */
	assert_int_equal(v3_hook_mmio(vm, 2 * MIB, 2 * MIB + 4 * KIB, NULL, NULL, NULL), 0);
	memset(buf, 0x3c, sizeof(buf));
	assert_int_equal(v3_gpa_write(vm, 2 * MIB - 4, buf, 8), -V3_EFAULT);
	for (unsigned int i = 4; i < 8; i++)
		assert_int_equal(end[i], 0x3c);
	assert_int_equal(end[3], 0x5a);

	/* A read fails the same way; the RAM part is in the buffer. */
	memset(buf, 0, sizeof(buf));
	assert_int_equal(v3_gpa_read(vm, 2 * MIB - 2, buf, 4), -V3_EFAULT);
	assert_int_equal(buf[0], 0x3c);
	assert_int_equal(buf[1], 0x3c);
	destroy_vm(vm);
}

/* ---- MMIO hooks ------------------------------------------------------------------------- */

static void test_hook_mmio_only_before_start(void **state)
{
	static const enum v3_vm_state states[] = { V3_VM_RUNNING, V3_VM_PAUSED, V3_VM_STOPPED };
	struct v3_vm *vm;

	(void)state;
	vm = vm_with_ram(2 * MIB, 2 * MIB);
	for (size_t i = 0; i < V3_ARRAY_SIZE(states); i++) {
		vm->state = states[i];
		assert_int_equal(v3_hook_mmio(vm, 0xfee00000, 0xfee01000, NULL, NULL, NULL),
				 -V3_EBUSY);
		assert_null(v3_mem_lookup(vm, 0xfee00000));
	}
	vm->state = V3_VM_CREATED;
	assert_int_equal(v3_hook_mmio(vm, 0xfee00000, 0xfee01000, NULL, NULL, NULL), 0);
	assert_int_equal(v3_mem_lookup(vm, 0xfee00000)->kind, V3_REGION_MMIO);
	destroy_vm(vm);
}

static void test_hook_mmio_overlap_refused(void **state)
{
	struct v3_vm *vm;

	(void)state;
	vm = vm_with_ram(2 * MIB, 2 * MIB);
	assert_int_equal(v3_hook_mmio(vm, 0, 4 * KIB, NULL, NULL, NULL), -V3_EEXIST);
	assert_int_equal(v3_hook_mmio(vm, 1 * MIB, 1 * MIB + 1, NULL, NULL, NULL), -V3_EEXIST);
	assert_int_equal(v3_hook_mmio(vm, 2 * MIB - 1, 2 * MIB + 4 * KIB, NULL, NULL, NULL),
			 -V3_EEXIST);
	assert_int_equal(v3_hook_mmio(vm, 0xfee00000, 0xfee01000, NULL, NULL, NULL), 0);
	assert_int_equal(v3_hook_mmio(vm, 0xfee00800, 0xfee00900, NULL, NULL, NULL), -V3_EEXIST);
	assert_int_equal(v3_hook_mmio(vm, 0xfedff000, 0xfee00001, NULL, NULL, NULL), -V3_EEXIST);
	/* Touching is fine; an empty range is not. */
	assert_int_equal(v3_hook_mmio(vm, 2 * MIB, 2 * MIB + 16, NULL, NULL, NULL), 0);
	assert_int_equal(v3_hook_mmio(vm, 0xfee01000, 0xfee02000, NULL, NULL, NULL), 0);
	assert_int_equal(v3_hook_mmio(vm, 0xfec00000, 0xfec00000, NULL, NULL, NULL), -V3_EINVAL);
	assert_int_equal(v3_hook_mmio(vm, 0xfec01000, 0xfec00000, NULL, NULL, NULL), -V3_EINVAL);
	assert_int_equal(vm->mem.regions.count, 4);
	destroy_vm(vm);
}

static void test_hook_mmio_enomem(void **state)
{
	struct v3_vm *vm;
	long mallocs;

	(void)state;
	vm = vm_with_ram(2 * MIB, 2 * MIB);
	mallocs = live_mallocs;
	fake_host_fail_alloc_after(0);
	assert_int_equal(v3_hook_mmio(vm, 0xfee00000, 0xfee01000, NULL, NULL, NULL), -V3_ENOMEM);
	fake_host_fail_alloc_after(-1);
	assert_int_equal(live_mallocs, mallocs);
	/* Fill the table to its capacity, then let the copy succeed and the growth fail. */
	while (vm->mem.regions.count < vm->mem.regions.capacity) {
		u64 at = 0x100000000UL + vm->mem.regions.count * 4 * KIB;

		assert_int_equal(v3_hook_mmio(vm, at, at + 4 * KIB, NULL, NULL, NULL), 0);
	}
	mallocs = live_mallocs;
	fake_host_fail_alloc_after(1);
	assert_int_equal(v3_hook_mmio(vm, 0xfee00000, 0xfee01000, NULL, NULL, NULL), -V3_ENOMEM);
	fake_host_fail_alloc_after(-1);
	assert_int_equal(live_mallocs, mallocs);
	assert_null(v3_mem_lookup(vm, 0xfee00000));
	assert_int_equal(v3_hook_mmio(vm, 0xfee00000, 0xfee01000, NULL, NULL, NULL), 0);
	destroy_vm(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_one_block_when_the_host_can, setup),
		cmocka_unit_test_setup(test_block_aligned_when_size_not_above_alignment, setup),
		cmocka_unit_test_setup(test_split_into_aligned_blocks, setup),
		cmocka_unit_test_setup(test_too_many_blocks_refused, setup),
		cmocka_unit_test_setup(test_no_block_of_alignment_size, setup),
		cmocka_unit_test_setup(test_enomem_at_every_allocation, setup),
		cmocka_unit_test_setup(test_lookup_kinds_and_boundaries, setup),
		cmocka_unit_test_setup(test_lookup_across_blocks, setup),
		cmocka_unit_test_setup(test_gpa_to_hva, setup),
		cmocka_unit_test_setup(test_gpa_to_hva_only_ram, setup),
		cmocka_unit_test_setup(test_copy_across_blocks, setup),
		cmocka_unit_test_setup(test_copy_faults_outside_ram, setup),
		cmocka_unit_test_setup(test_write_running_out_of_ram_writes_ram_part_then_faults,
				       setup),
		cmocka_unit_test_setup(test_hook_mmio_only_before_start, setup),
		cmocka_unit_test_setup(test_hook_mmio_overlap_refused, setup),
		cmocka_unit_test_setup(test_hook_mmio_enomem, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
