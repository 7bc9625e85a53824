/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the shadow pager's decisions (palacios/src/paging/shadow.c, shadow_track.c):
 * the rights a shadow leaf gets from the guest's entries, accessed/dirty propagation (a clean
 * page is mapped read-only until written), faults reflected to the guest with the SDM's error
 * code, global translations across CR3 writes, the address-space cache (hits, eviction), write
 * protection of guest page tables, and INVLPG of a splintered large page. The guest is a
 * hand-built 4-level address space in a 16 MiB VM (dev_harness.c); the shadow tables are read
 * back directly (the fake host's physical addresses are its pointers).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dev_harness.h"
#include "mem.h"
#include "paging/shadow.h"
#include "vcpu.h"
#include "vm.h"

#define P (1ULL << 0)
#define W (1ULL << 1)
#define U (1ULL << 2)
#define A (1ULL << 5)
#define D (1ULL << 6)
#define PS (1ULL << 7)
#define G (1ULL << 8)
#define XD (1ULL << 63)
#define ADDR 0x000ffffffffff000ULL

#define CR0_PE 1ULL
#define CR0_WP (1ULL << 16)
#define CR0_PG (1ULL << 31)
#define CR4_PAE (1ULL << 5)
#define CR4_PGE (1ULL << 7)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)
#define EFER_NXE (1ULL << 11)

/* Guest-physical layout: the tables of two address spaces, then data pages. */
#define PML4_A 0x10000
#define PDPT_A 0x11000
#define PD_A 0x12000
#define PT1 0x13000	/* maps 0x400000-0x5fffff */
#define PT2 0x14000	/* maps 0x800000-0x9fffff */
#define PML4_B 0x20000	/* shares PDPT_A */
#define DATA 0x100000

static struct v3_vm *vm;
static struct v3_vcpu *vcpu;

static u64 *gpt(u64 gpa)
{
	return v3_gpa_to_hva(vm, gpa, 8);
}

static int setup(void **state)
{
	(void)state;
	dev_vm_setup(16 << 20);
	vm = dev_vm;
	vcpu = dev_vcpu;
	vm->cfg.mem_align = 4096;
	vm->maxphyaddr = 40;
	vm->cfg.shadow_cache = true;
	assert_int_equal(v3_mem_init(vm), 0);
	assert_int_equal(v3_shadow_vm_init(vm, 64), 0);
	assert_int_equal(v3_shadow_vcpu_init(vcpu), 0);
	gpt(PML4_A)[0] = PDPT_A | P | W | U;
	gpt(PML4_B)[0] = PDPT_A | P | W | U;
	gpt(PDPT_A)[0] = PD_A | P | W | U;
	gpt(PD_A)[2] = PT1 | P | W | U;		/* 0x400000 */
	gpt(PD_A)[4] = PT2 | P | W | U;		/* 0x800000 */
	vcpu->s.cr0 = CR0_PE | CR0_PG | CR0_WP;
	vcpu->s.cr4 = CR4_PAE | CR4_PGE;
	vcpu->s.efer = EFER_LME | EFER_LMA | EFER_NXE;
	vcpu->s.cr3 = PML4_A;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	v3_shadow_vcpu_deinit(vcpu);
	v3_shadow_vm_deinit(vm);
	v3_mem_deinit(vm);
	dev_vm_teardown();
	return 0;
}

/* The shadow leaf for la in the current root, or 0. */
static u64 sleaf(u64 la)
{
	u64 cr3, *t;

	assert_int_equal(v3_shadow_hw_cr3(vcpu, &cr3), 0);
	t = (u64 *)(uintptr_t)cr3;
	for (int level = 4; level > 1; level--) {
		u64 e = t[(la >> (12 + 9 * (level - 1))) & 511];

		if (!(e & P))
			return 0;
		t = (u64 *)(uintptr_t)(e & ADDR);
	}
	return t[(la >> 12) & 511];
}

static u64 hpa_of(u64 gpa)
{
	return (u64)(uintptr_t)v3_gpa_to_hva(vm, gpa, 1);
}

static void test_clean_page_read_only_until_written(void **state)
{
	(void)state;
	gpt(PT1)[0] = (DATA + 0x1000) | P | W | U;	/* 0x400000, clean */
	assert_int_equal(v3_shadow_page_fault(vcpu, 0x400010, 0), 0);
	assert_int_equal(sleaf(0x400000) & (ADDR | P | W | U), hpa_of(DATA + 0x1000) | P | U);
	/* The walk set A at every level, not D. */
	assert_true(gpt(PT1)[0] & A);
	assert_false(gpt(PT1)[0] & D);
	assert_true(gpt(PD_A)[2] & A);
	assert_true(gpt(PML4_A)[0] & A);
	/* The first write comes back, sets D and gets a writable leaf. */
	assert_int_equal(v3_shadow_page_fault(vcpu, 0x400010, 1 | 2), 0);
	assert_true(gpt(PT1)[0] & D);
	assert_true(sleaf(0x400000) & W);
	assert_false(vcpu->exception.valid);
}

static void test_rights_combine_and_faults_reflect(void **state)
{
	(void)state;
	/* Read-only at the PDE level wins over a writable PTE. */
	gpt(PD_A)[2] = PT1 | P | U;
	gpt(PT1)[1] = (DATA + 0x2000) | P | W | U | D | XD;
	assert_int_equal(v3_shadow_page_fault(vcpu, 0x401000, 0), 0);
	assert_false(sleaf(0x401000) & W);
	assert_true(sleaf(0x401000) & (1ULL << 63));	/* XD carried (NXE on) */
	/* A supervisor write with CR0.WP: the guest gets #PF, error P|W, CR2 = the address. */
	assert_int_equal(v3_shadow_page_fault(vcpu, 0x401008, 1 | 2), 0);
	assert_true(vcpu->exception.valid);
	assert_int_equal(vcpu->exception.vector, 14);
	assert_int_equal(vcpu->exception.error, 1 | 2);
	assert_int_equal(vcpu->s.cr2, 0x401008);
	vcpu->exception.valid = false;
	/* A user access to a supervisor page: P|U; not present: U alone (and no A set). */
	gpt(PT1)[2] = (DATA + 0x3000) | P | W;
	assert_int_equal(v3_shadow_page_fault(vcpu, 0x402000, 4), 0);
	assert_int_equal(vcpu->exception.error, 1 | 4);
	vcpu->exception.valid = false;
	gpt(PT1)[3] = 0;
	assert_int_equal(v3_shadow_page_fault(vcpu, 0x403000, 4), 0);
	assert_int_equal(vcpu->exception.error, 4);
	assert_int_equal(sleaf(0x403000), 0);
	vcpu->exception.valid = false;
}

static void test_global_translations_survive_cr3_without_cache(void **state)
{
	(void)state;
	teardown(state);
	setup(state);
	vm->cfg.shadow_cache = false;
	v3_shadow_vcpu_deinit(vcpu);
	assert_int_equal(v3_shadow_vcpu_init(vcpu), 0);
	gpt(PT1)[0] = (DATA + 0x1000) | P | W | D | G;
	gpt(PT1)[1] = (DATA + 0x2000) | P | W | D;
	assert_int_equal(v3_shadow_page_fault(vcpu, 0x400000, 0), 0);
	assert_int_equal(v3_shadow_page_fault(vcpu, 0x401000, 0), 0);
	vcpu->s.cr3 = PML4_B;
	v3_shadow_new_cr3(vcpu);
	assert_true(sleaf(0x400000) & P);
	assert_int_equal(sleaf(0x401000), 0);
	assert_true(v3_shadow_take_tlb_flush(vcpu));
	/* G without CR4.PGE is not global. */
	vcpu->s.cr4 &= ~CR4_PGE;
	v3_shadow_flush(vcpu);
	assert_int_equal(v3_shadow_page_fault(vcpu, 0x400000, 0), 0);
	v3_shadow_new_cr3(vcpu);
	assert_int_equal(sleaf(0x400000), 0);
}

static void test_cache_keeps_address_spaces(void **state)
{
	u64 leaf_a;

	(void)state;
	gpt(PT1)[0] = (DATA + 0x1000) | P | W | D;
	assert_int_equal(v3_shadow_page_fault(vcpu, 0x400000, 0), 0);
	leaf_a = sleaf(0x400000);
	assert_true(leaf_a & P);
	/* Another address space starts empty; returning to the first finds its translation. */
	vcpu->s.cr3 = PML4_B;
	v3_shadow_new_cr3(vcpu);
	assert_int_equal(sleaf(0x400000), 0);
	vcpu->s.cr3 = PML4_A;
	v3_shadow_new_cr3(vcpu);
	assert_int_equal(sleaf(0x400000), leaf_a);
	/* Eight cached spaces at most: the least recently used goes. */
	for (u64 i = 1; i <= 8; i++) {
		u64 pml4 = 0x30000 + i * 0x1000;

		gpt(pml4)[0] = PDPT_A | P | W | U;
		vcpu->s.cr3 = pml4;
		v3_shadow_new_cr3(vcpu);
		assert_int_equal(v3_shadow_page_fault(vcpu, 0x400000, 0), 0);
	}
	vcpu->s.cr3 = PML4_A;
	v3_shadow_new_cr3(vcpu);
	assert_int_equal(sleaf(0x400000), 0);
}

static void test_page_tables_are_write_protected(void **state)
{
	(void)state;
	/* 0x800000 maps PT1 itself as data, writable and dirty. */
	gpt(PT2)[0] = PT1 | P | W | D;
	assert_int_equal(v3_shadow_page_fault(vcpu, 0x800000, 1 | 2), 0);
	assert_true(sleaf(0x800000) & W);
	/* A walk through PT1 makes it a page table: the data mapping loses W. */
	gpt(PT1)[0] = (DATA + 0x1000) | P | W | D;
	assert_int_equal(v3_shadow_page_fault(vcpu, 0x400000, 0), 0);
	assert_true(sleaf(0x800000) & P);
	assert_false(sleaf(0x800000) & W);
	/* And a new fill of it stays read-only. */
	v3_shadow_invlpg(vcpu, 0x800000);
	assert_int_equal(v3_shadow_page_fault(vcpu, 0x800000, 0), 0);
	assert_false(sleaf(0x800000) & W);
}

static void test_invlpg_drops_a_whole_large_page(void **state)
{
	(void)state;
	gpt(PD_A)[6] = (DATA + 0x200000 - 0x100000) | P | W | D | PS;	/* 0xc00000, 2 MiB */
	assert_int_equal(v3_shadow_page_fault(vcpu, 0xc00000, 0), 0);
	assert_int_equal(v3_shadow_page_fault(vcpu, 0xdff000, 0), 0);
	assert_int_equal(sleaf(0xdff000) & ADDR, hpa_of(0x200000 + 0x1ff000));
	v3_shadow_invlpg(vcpu, 0xc01000);
	assert_int_equal(sleaf(0xc00000), 0);
	assert_int_equal(sleaf(0xdff000), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_clean_page_read_only_until_written, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rights_combine_and_faults_reflect, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_global_translations_survive_cr3_without_cache,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_cache_keeps_address_spaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_tables_are_write_protected, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_invlpg_drops_a_whole_large_page, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
