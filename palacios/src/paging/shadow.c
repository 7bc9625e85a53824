/* SPDX-License-Identifier: MIT */
/* Shadow paging: the shadow tables, filling and dropping translations (see shadow.h). */
#include <arch/x86.h>
#include <v3/errno.h>

#include "exit.h"
#include "host_ops.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "log.h"
#include "mem.h"
#include "paging/shadow.h"
#include "paging/walk.h"
#include "vcpu.h"
#include "vm.h"

/* Shadow entry bits (the 64-bit paging-structure format, SDM 4.5). */
#define SPTE_P (1ULL << 0)
#define SPTE_W (1ULL << 1)
#define SPTE_U (1ULL << 2)
#define SPTE_PWT (1ULL << 3)
#define SPTE_PCD (1ULL << 4)
#define SPTE_A (1ULL << 5)
#define SPTE_D (1ULL << 6)
#define SPTE_NX (1ULL << 63)
/* Software bit (ignored by the CPU): the guest's translation is global (G with CR4.PGE). */
#define SPTE_SW_GLOBAL (1ULL << 9)
#define SPTE_ADDR 0x000ffffffffff000ULL
/* A non-leaf entry grants everything: the leaf alone carries the guest's rights. */
#define SPTE_TABLE (SPTE_P | SPTE_W | SPTE_U | SPTE_A)
/* PAE PDPTEs have only P (and PWT/PCD); the other low bits are reserved. */
#define SPTE_PDPTE SPTE_P

#define GUEST_PTE_D (1ULL << 6)
#define GUEST_PTE_G (1ULL << 8)
#define CR4_PGE (1ULL << 7)
#define GUEST_PTE_PWT (1ULL << 3)
#define GUEST_PTE_PCD (1ULL << 4)

#define CR0_PE (1ULL << 0)
#define CR0_WP (1ULL << 16)
#define CR0_PG (1ULL << 31)
#define CR4_PAE (1ULL << 5)
#define CR4_PCIDE (1ULL << 17)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)
#define EFER_NXE (1ULL << 11)

#define EXC_GP 13
#define EXC_PF 14

/* One shadow table: a pool page and what it shadows. */
struct shadow_page {
	struct shadow_page *next, *prev;	/* the owning vCPU's list, or the free list */
	u64 *ent;				/* its 512 entries */
	u64 hpa;
	u8 level;				/* 1 PT, 2 PD, 3 PDPT, 4 PML4 */
	/* The size of the guest large page all of this table derives from, or 0. */
	u64 splinter;
	/* Holds, or leads to, leaves of non-global translations (a CR3 write drops those). */
	bool nonglobal;
};

struct v3_shadow_vm {
	struct v3_spinlock lock;		/* the free list */
	struct shadow_page *pages;		/* descriptors, one per pool page */
	struct shadow_page *free;
	u64 pool_hpa;
	unsigned int npages, nfree;
	struct v3_shadow_stats stats;
};

struct v3_shadow_vcpu {
	struct shadow_page used;		/* sentinel of this vCPU's tables */
	struct shadow_page *root;		/* NULL: built at the next entry */
	bool long_mode;				/* the root's format: 4-level, else PAE */
	bool tlb_flush;
};

static void count(struct v3_vm *vm, u64 *counter)
{
	(void)vm;
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

/* ---- the pool ---------------------------------------------------------------------------- */

int v3_shadow_vm_init(struct v3_vm *vm, unsigned int pages)
{
	struct v3_shadow_vm *s;

	if (!pages)
		pages = V3_SHADOW_DEFAULT_PAGES;
	s = v3_zalloc(sizeof(*s));
	if (!s)
		return -V3_ENOMEM;
	vm->shadow = s;
	s->pages = v3_zalloc(sizeof(*s->pages) * pages);
	s->pool_hpa = v3_host->alloc_pages(pages, V3_PAGE_SIZE, V3_NUMA_ANY);
	if (!s->pages || !s->pool_hpa) {
		v3_shadow_vm_deinit(vm);
		return -V3_ENOMEM;
	}
	s->npages = pages;
	for (unsigned int i = pages; i-- > 0;) {
		struct shadow_page *sp = &s->pages[i];

		sp->hpa = s->pool_hpa + (u64)i * V3_PAGE_SIZE;
		sp->ent = v3_host->paddr_to_vaddr(sp->hpa);
		sp->next = s->free;
		s->free = sp;
	}
	s->nfree = pages;
	return 0;
}

void v3_shadow_vm_deinit(struct v3_vm *vm)
{
	struct v3_shadow_vm *s = vm->shadow;

	if (!s)
		return;
	if (s->pool_hpa)
		v3_host->free_pages(s->pool_hpa, s->npages);
	v3_free(s->pages);
	v3_free(s);
	vm->shadow = NULL;
}

static struct shadow_page *page_of(struct v3_shadow_vm *s, u64 hpa)
{
	u64 i = ((hpa & SPTE_ADDR) - s->pool_hpa) / V3_PAGE_SIZE;

	return i < s->npages ? &s->pages[i] : NULL;
}

static struct shadow_page *table_alloc(struct v3_vcpu *vcpu, u8 level, u64 splinter)
{
	struct v3_shadow_vm *s = vcpu->vm->shadow;
	struct v3_shadow_vcpu *sv = vcpu->shadow;
	struct shadow_page *sp;

	v3_spin_lock(&s->lock);
	sp = s->free;
	if (sp) {
		s->free = sp->next;
		s->nfree--;
	}
	v3_spin_unlock(&s->lock);
	if (!sp)
		return NULL;
	v3_memset(sp->ent, 0, V3_PAGE_SIZE);
	sp->level = level;
	sp->splinter = splinter;
	sp->nonglobal = false;
	sp->next = sv->used.next;
	sp->prev = &sv->used;
	sv->used.next->prev = sp;
	sv->used.next = sp;
	count(vcpu->vm, &s->stats.tables);
	return sp;
}

static void table_free(struct v3_vcpu *vcpu, struct shadow_page *sp)
{
	struct v3_shadow_vm *s = vcpu->vm->shadow;

	sp->prev->next = sp->next;
	sp->next->prev = sp->prev;
	v3_spin_lock(&s->lock);
	sp->next = s->free;
	s->free = sp;
	s->nfree++;
	v3_spin_unlock(&s->lock);
}

/* Frees sp and every table below it. */
static void subtree_free(struct v3_vcpu *vcpu, struct shadow_page *sp)
{
	if (sp->level > 1) {
		for (unsigned int i = 0; i < 512; i++) {
			struct shadow_page *child;

			if (!(sp->ent[i] & SPTE_P))
				continue;
			child = page_of(vcpu->vm->shadow, sp->ent[i]);
			if (child)
				subtree_free(vcpu, child);
		}
	}
	table_free(vcpu, sp);
}

/* ---- contexts ---------------------------------------------------------------------------- */

int v3_shadow_vcpu_init(struct v3_vcpu *vcpu)
{
	struct v3_shadow_vcpu *sv = v3_zalloc(sizeof(*sv));

	if (!sv)
		return -V3_ENOMEM;
	sv->used.next = sv->used.prev = &sv->used;
	vcpu->shadow = sv;
	return 0;
}

static void drop_all(struct v3_vcpu *vcpu)
{
	struct v3_shadow_vcpu *sv = vcpu->shadow;

	while (sv->used.next != &sv->used)
		table_free(vcpu, sv->used.next);
	sv->root = NULL;
	sv->tlb_flush = true;
}

void v3_shadow_vcpu_deinit(struct v3_vcpu *vcpu)
{
	if (!vcpu->shadow)
		return;
	if (vcpu->vm->shadow)
		drop_all(vcpu);
	v3_free(vcpu->shadow);
	vcpu->shadow = NULL;
}

void v3_shadow_flush(struct v3_vcpu *vcpu)
{
	if (vcpu->shadow->root)
		count(vcpu->vm, &vcpu->vm->shadow->stats.flushes);
	drop_all(vcpu);
}

bool v3_shadow_take_tlb_flush(struct v3_vcpu *vcpu)
{
	bool f = vcpu->shadow->tlb_flush;

	vcpu->shadow->tlb_flush = false;
	return f;
}

static bool guest_long_mode(const struct v3_vcpu *vcpu)
{
	return (vcpu->s.efer & EFER_LMA) != 0;
}

/* The PAE root's four PDPTEs point at four PDs made up front: the CPU loads PDPTEs with CR3. */
static int build_root(struct v3_vcpu *vcpu)
{
	struct v3_shadow_vcpu *sv = vcpu->shadow;
	struct shadow_page *root;

	sv->long_mode = guest_long_mode(vcpu);
	root = table_alloc(vcpu, sv->long_mode ? 4 : 3, 0);
	if (!root)
		return -V3_ENOMEM;
	if (!sv->long_mode) {
		/* In legacy PAE mode CR3 holds 32 bits: the pool must be below 4 GiB. */
		if (root->hpa >> 32)
			return -V3_ERANGE;
		for (unsigned int i = 0; i < 4; i++) {
			struct shadow_page *pd = table_alloc(vcpu, 2, 0);

			if (!pd)
				return -V3_ENOMEM;
			root->ent[i] = pd->hpa | SPTE_PDPTE;
		}
	}
	sv->root = root;
	return 0;
}

int v3_shadow_hw_cr3(struct v3_vcpu *vcpu, u64 *cr3)
{
	struct v3_shadow_vcpu *sv = vcpu->shadow;
	int rc;

	if (sv->root && sv->long_mode != guest_long_mode(vcpu))
		drop_all(vcpu);
	if (!sv->root) {
		rc = build_root(vcpu);
		if (rc == -V3_ENOMEM) {
			count(vcpu->vm, &vcpu->vm->shadow->stats.pool_exhausted);
			drop_all(vcpu);
			rc = build_root(vcpu);
		}
		if (rc) {
			drop_all(vcpu);
			return rc;
		}
	}
	*cr3 = sv->root->hpa;
	return 0;
}

u64 v3_shadow_hw_cr0(const struct v3_vcpu *vcpu)
{
	/* PE stays the guest's: AMD-V runs PE = 0 with PG = 1 as paged real mode. */
	return vcpu->s.cr0 | CR0_PG | CR0_WP;
}

u64 v3_shadow_hw_cr4(const struct v3_vcpu *vcpu)
{
	return (vcpu->s.cr4 | CR4_PAE) & ~CR4_PCIDE;
}

u64 v3_shadow_hw_efer(const struct v3_vcpu *vcpu)
{
	u64 efer = (vcpu->s.efer & ~(EFER_LME | EFER_LMA)) | EFER_NXE;

	/* LME without the guest's paging on would make the CPU's long mode active. */
	return guest_long_mode(vcpu) ? efer | EFER_LME | EFER_LMA : efer;
}

/* ---- shadow tables ----------------------------------------------------------------------- */

/* Bytes one entry of a level-l table maps. */
static u64 entry_span(unsigned int level)
{
	return 1ULL << (12 + 9 * (level - 1));
}

static unsigned int entry_index(const struct v3_shadow_vcpu *sv, const struct shadow_page *t,
				u64 la)
{
	if (!sv->long_mode && t->level == 3)
		return (unsigned int)((la >> 30) & 3);
	return (unsigned int)((la >> (12 + 9 * (t->level - 1))) & 511);
}

/*
 * Installs leaf for the 4 KiB page at la, making tables on the way. guest_size is the size of
 * the guest's page there: tables below an entry that it covers whole are its splinters.
 */
static int install(struct v3_vcpu *vcpu, u64 la, u64 leaf, u64 guest_size)
{
	struct v3_shadow_vcpu *sv = vcpu->shadow;
	struct shadow_page *t = sv->root;
	bool nonglobal = !(leaf & SPTE_SW_GLOBAL);

	while (t->level > 1) {
		t->nonglobal |= nonglobal;
		unsigned int i = entry_index(sv, t, la);
		u64 e = t->ent[i];
		struct shadow_page *child;

		if (e & SPTE_P) {
			child = page_of(vcpu->vm->shadow, e);
			if (!child)
				return -V3_EFAULT;
		} else {
			u64 span = entry_span(t->level);

			child = table_alloc(vcpu, (u8)(t->level - 1), guest_size >= span ? guest_size : 0);
			if (!child)
				return -V3_ENOMEM;
			t->ent[i] = child->hpa | SPTE_TABLE;
		}
		t = child;
	}
	t->nonglobal |= nonglobal;
	t->ent[entry_index(sv, t, la)] = leaf;
	return 0;
}

/* Drops the non-global leaves below t, and the tables left empty; true if t is now empty. */
static bool zap_nonglobal(struct v3_vcpu *vcpu, struct shadow_page *t)
{
	bool empty = true;

	for (unsigned int i = 0; i < 512; i++) {
		u64 e = t->ent[i];
		struct shadow_page *child;

		if (!(e & SPTE_P))
			continue;
		if (t->level == 1) {
			if (e & SPTE_SW_GLOBAL)
				empty = false;
			else
				t->ent[i] = 0;
			continue;
		}
		child = page_of(vcpu->vm->shadow, e);
		if (!child || !child->nonglobal) {
			empty = false;
			continue;
		}
		/* The PAE root's four PDs stay: the CPU loads all four PDPTEs. */
		if (zap_nonglobal(vcpu, child) && !(t == vcpu->shadow->root && !vcpu->shadow->long_mode)) {
			t->ent[i] = 0;
			table_free(vcpu, child);
		} else {
			empty = false;
		}
	}
	t->nonglobal = false;
	return empty;
}

void v3_shadow_new_cr3(struct v3_vcpu *vcpu)
{
	struct v3_shadow_vcpu *sv = vcpu->shadow;

	/* As on the CPU, global translations outlive a CR3 write (SDM 4.10.4.1). */
	count(vcpu->vm, &vcpu->vm->shadow->stats.cr3_switches);
	if (sv->root && sv->root->nonglobal)
		zap_nonglobal(vcpu, sv->root);
	sv->tlb_flush = true;
}

void v3_shadow_invlpg(struct v3_vcpu *vcpu, u64 la)
{
	struct v3_shadow_vcpu *sv = vcpu->shadow;
	struct shadow_page *t = sv->root;

	count(vcpu->vm, &vcpu->vm->shadow->stats.invlpg);
	if (!guest_long_mode(vcpu))
		la &= 0xffffffffULL;
	while (t) {
		unsigned int i = entry_index(sv, t, la);
		u64 e = t->ent[i];
		struct shadow_page *child;

		if (!(e & SPTE_P))
			return;
		if (t->level == 1) {
			t->ent[i] = 0;
			sv->tlb_flush = true;
			return;
		}
		child = page_of(vcpu->vm->shadow, e);
		if (!child)
			return;
		if (child->splinter) {
			/* The guest page was larger than the shadow's: drop all of it. */
			u64 span = entry_span(t->level), size = child->splinter;
			u64 base = la & ~(size - 1);

			for (u64 a = base; a - base < size; a += span) {
				unsigned int j = entry_index(sv, t, a);
				struct shadow_page *c;

				if (!(t->ent[j] & SPTE_P))
					continue;
				c = page_of(vcpu->vm->shadow, t->ent[j]);
				t->ent[j] = 0;
				if (c)
					subtree_free(vcpu, c);
			}
			sv->tlb_flush = true;
			return;
		}
		t = child;
	}
}

/* ---- page faults ------------------------------------------------------------------------- */

/* The leaf for guest RAM at hpa, with the rights the guest walk combined. */
static u64 leaf_entry(const struct v3_walk_result *res, u64 hpa, u32 access, bool ram_writable,
		      bool global_ok)
{
	u64 leaf = (hpa & SPTE_ADDR) | SPTE_P | SPTE_A;

	if (res->user)
		leaf |= SPTE_U;
	if (res->nx)
		leaf |= SPTE_NX;
	leaf |= res->pte & (GUEST_PTE_PWT | GUEST_PTE_PCD);
	if ((res->pte & GUEST_PTE_G) && global_ok)
		leaf |= SPTE_SW_GLOBAL;
	/* A clean page is mapped read-only: its first write must come back to set D. */
	if (res->writable && ram_writable && ((access & V3_ACC_WRITE) || (res->pte & GUEST_PTE_D)))
		leaf |= SPTE_W | SPTE_D;
	return leaf;
}

int v3_shadow_page_fault(struct v3_vcpu *vcpu, u64 la, u32 error_code)
{
	struct v3_vm *vm = vcpu->vm;
	struct v3_shadow_stats *st = &vm->shadow->stats;
	struct v3_paging_regs regs;
	struct v3_walk_result res;
	const struct v3_mem_region *r;
	u32 access = error_code & (V3_PF_WRITE | V3_PF_USER | V3_PF_FETCH);
	u64 hpa, cr3;
	bool global_ok;
	int rc;

	if (error_code & V3_PF_RSVD)
		return v3_vcpu_stop_vm(vcpu, V3_STOP_ERROR, 0,
				       "shadow paging: reserved-bit fault on a shadow entry at 0x%lx "
				       "(error 0x%x) at RIP 0x%lx", la, error_code, vcpu->s.rip);
	v3_vcpu_paging_regs(vcpu, &regs);
	rc = v3_walk(&regs, &v3_guest_walk_mem, vm, la, access, V3_WALK_SET_AD, &res);
	if (rc == V3_WALK_FAULT) {
		count(vm, &st->guest_faults);
		vcpu->s.cr2 = la;
		v3_inject_exception(vcpu, EXC_PF, true, res.error_code);
		return 0;
	}
	if (rc == V3_WALK_NONCANONICAL) {
		v3_inject_exception(vcpu, EXC_GP, true, 0);
		return 0;
	}
	if (rc < 0)
		return v3_vcpu_stop_vm(vcpu, V3_STOP_ERROR, 0,
				       "shadow paging: the guest's page walk of 0x%lx failed (%d): "
				       "a page table outside guest RAM? (RIP 0x%lx)", la, rc,
				       vcpu->s.rip);
	r = v3_mem_lookup(vm, res.gpa);
	if (!r || r->kind == V3_REGION_MMIO) {
		count(vm, &st->phys_faults);
		return v3_guest_phys_access(vcpu, res.gpa, access, la);
	}
	if ((access & V3_ACC_WRITE) && !res.writable) {
		/* Allowed only by CR0.WP = 0: the shadow cannot grant it without granting more. */
		count(vm, &st->emulated);
		return v3_emulate_access(vcpu, res.gpa);
	}
	if ((access & V3_ACC_WRITE) && r->kind != V3_REGION_RAM)
		return v3_guest_phys_access(vcpu, res.gpa, access, la);
	hpa = r->hpa + (V3_ALIGN_DOWN(res.gpa, V3_PAGE_SIZE) - r->start);
	/* G means global only with CR4.PGE, and only in the leaf (SDM 4.10.2.4). */
	global_ok = (vcpu->s.cr4 & CR4_PGE) && (vcpu->s.cr0 & CR0_PG);
	rc = v3_shadow_hw_cr3(vcpu, &cr3);
	if (!rc)
		rc = install(vcpu, la, leaf_entry(&res, hpa, access, r->kind == V3_REGION_RAM, global_ok),
			     res.page_size);
	if (rc == -V3_ENOMEM) {
		/* Start over with an empty shadow: the pool holds at least a full walk. */
		count(vm, &st->pool_exhausted);
		drop_all(vcpu);
		rc = v3_shadow_hw_cr3(vcpu, &cr3);
		if (!rc)
			rc = install(vcpu, la, leaf_entry(&res, hpa, access,
							  r->kind == V3_REGION_RAM, global_ok),
				     res.page_size);
	}
	if (rc)
		return v3_vcpu_stop_vm(vcpu, V3_STOP_ERROR, 0,
				       "shadow paging: cannot map 0x%lx (%d)", la, rc);
	count(vm, &st->fills);
	return 0;
}

/* Maps the all-ones page read-only at la (<unmapped action="ones">). */
int v3_shadow_map_ones(struct v3_vcpu *vcpu, u64 la, u64 ones_hpa)
{
	u64 cr3;
	int rc = v3_shadow_hw_cr3(vcpu, &cr3);

	if (!rc)
		rc = install(vcpu, la, (ones_hpa & SPTE_ADDR) | SPTE_P | SPTE_A | SPTE_U, V3_PAGE_SIZE);
	return rc;
}

void v3_shadow_report(const struct v3_vm *vm)
{
	const struct v3_shadow_stats *st;

	if (!vm->shadow)
		return;
	st = &vm->shadow->stats;
	v3_info("vm %s: shadow paging: %lu fills, %lu guest #PF, %lu non-RAM, %lu emulated writes, "
		"%lu CR3 switches, %lu flushes, %lu invlpg, %lu pool-exhausted, %lu tables allocated "
		"(%u of %u free)", vm->name, st->fills, st->guest_faults, st->phys_faults,
		st->emulated, st->cr3_switches, st->flushes, st->invlpg, st->pool_exhausted,
		st->tables, vm->shadow->nfree, vm->shadow->npages);
}
