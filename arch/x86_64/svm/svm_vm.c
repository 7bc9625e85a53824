/* SPDX-License-Identifier: MIT */
/*
 * AMD-V per-VM state: the nested page tables (APM §15.25; the NPT format is
 * the long-mode page-table format, every entry with U set since nested
 * walks are user accesses), the MSR and I/O permission maps (§15.10,
 * §15.11: everything intercepted unless the core passes an MSR through),
 * and the VM's ASID.
 */
#include <arch/x86.h>

#include "host_ops.h"
#include "init.h"
#include "lib/string.h"
#include "log.h"
#include "svm.h"
#include "vm.h"

#define NPT_P (1UL << 0)
#define NPT_W (1UL << 1)
#define NPT_U (1UL << 2)
#define NPT_PS (1UL << 7)
#define NPT_NX (1UL << 63)
#define NPT_ADDR 0x000ffffffffff000UL

static u64 npt_table_entry(u64 pa)
{
	return pa | NPT_P | NPT_W | NPT_U;
}

static u64 npt_leaf(u64 hpa, unsigned int level, u32 perms)
{
	u64 e = hpa | NPT_P | NPT_U;

	if (perms & V3_NPT_WRITE)
		e |= NPT_W;
	if (level > 1)
		e |= NPT_PS;
	/* NX is reserved unless the host runs with EFER.NXE. */
	if (!(perms & V3_NPT_EXEC) && (x86_rdmsr(MSR_EFER) & X86_EFER_NXE))
		e |= NPT_NX;
	return e;
}

static bool npt_present(u64 e)
{
	return e & NPT_P;
}

static bool npt_is_leaf(u64 e, unsigned int level)
{
	return level == 1 || (e & NPT_PS);
}

static const struct v3_nested_fmt npt_fmt_2m = {
	.name = "NPT", .table_entry = npt_table_entry, .leaf_entry = npt_leaf,
	.present = npt_present, .is_leaf = npt_is_leaf, .addr_mask = NPT_ADDR, .gb_pages = false,
};
static const struct v3_nested_fmt npt_fmt_1g = {
	.name = "NPT", .table_entry = npt_table_entry, .leaf_entry = npt_leaf,
	.present = npt_present, .is_leaf = npt_is_leaf, .addr_mask = NPT_ADDR, .gb_pages = true,
};

static void *alloc_map(u64 size, u64 *pa)
{
	*pa = v3_host->alloc_pages(size >> V3_PAGE_SHIFT, V3_PAGE_SIZE, V3_NUMA_ANY);
	if (!*pa)
		return NULL;
	return v3_host->paddr_to_vaddr(*pa);
}

int svm_vm_init(struct v3_vm *vm)
{
	const struct v3_cpu_features *f = &v3_core()->features;
	struct svm_vm *s = v3_zalloc(sizeof(*s));
	int rc;

	if (!s)
		return -V3_ENOMEM;
	vm->arch_data = s;
	s->msrpm = alloc_map(SVM_MSRPM_SIZE, &s->msrpm_pa);
	s->iopm = alloc_map(SVM_IOPM_SIZE, &s->iopm_pa);
	if (!s->msrpm || !s->iopm)
		return -V3_ENOMEM;
	v3_memset(s->msrpm, 0xff, SVM_MSRPM_SIZE);
	v3_memset(s->iopm, 0xff, SVM_IOPM_SIZE);
	if (!vm->shadow) {
		rc = v3_nested_init(&s->npt, f->pdpe1gb ? &npt_fmt_1g : &npt_fmt_2m);
		if (rc)
			return rc;
	}
	s->asid = v3_asid_alloc(f->svm.nasids);
	if (!s->asid) {
		s->asid = 1;
		s->shared_asid = true;
		v3_warn("vm %s: out of ASIDs; sharing one and flushing the TLB on every entry",
			vm->name);
	}
	return 0;
}

int svm_vm_start(struct v3_vm *vm)
{
	struct svm_vm *s = vm->arch_data;

	if (vm->shadow)
		return 0;
	return v3_nested_map_vm(&s->npt, vm);
}

void svm_vm_deinit(struct v3_vm *vm)
{
	struct svm_vm *s = vm->arch_data;

	if (!s)
		return;
	if (s->npt.root_pa)
		v3_nested_free(&s->npt);
	if (s->msrpm)
		v3_host->free_pages(s->msrpm_pa, SVM_MSRPM_SIZE >> V3_PAGE_SHIFT);
	if (s->iopm)
		v3_host->free_pages(s->iopm_pa, SVM_IOPM_SIZE >> V3_PAGE_SHIFT);
	if (!s->shared_asid && s->asid)
		v3_asid_free(s->asid);
	v3_free(s);
	vm->arch_data = NULL;
}

/* MSRPM: two bits per MSR (read, write) in three 2 KiB ranges (APM §15.11). */
void svm_msr_intercept(struct v3_vm *vm, u32 msr, bool intercept)
{
	struct svm_vm *s = vm->arch_data;
	u32 base;
	u32 bit;

	if (msr <= 0x1fff)
		base = 0;
	else if (msr >= 0xc0000000 && msr <= 0xc0001fff)
		base = 0x800;
	else if (msr >= 0xc0010000 && msr <= 0xc0011fff)
		base = 0x1000;
	else
		return;  /* outside the map: always intercepted */
	bit = 2 * (msr & 0x1fff);
	if (intercept)
		s->msrpm[base + bit / 8] |= (u8)(3u << (bit % 8));
	else
		s->msrpm[base + bit / 8] &= (u8)~(3u << (bit % 8));
}

int svm_nested_map(struct v3_vm *vm, u64 gpa, u64 hpa, u64 size, u32 perms)
{
	struct svm_vm *s = vm->arch_data;
	int rc = v3_nested_map(&s->npt, gpa, hpa, size, perms);

	__atomic_fetch_add(&s->tlb_epoch, 1, __ATOMIC_RELEASE);
	return rc;
}
