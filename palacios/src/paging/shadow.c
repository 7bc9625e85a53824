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
#include "paging/shadow_int.h"
#include "paging/walk.h"
#include "vcpu.h"
#include "vm.h"

/* A non-leaf entry grants everything: the leaf alone carries the guest's rights. */
#define SPTE_TABLE (SPTE_P | SPTE_W | SPTE_U | SPTE_A)
/* PAE PDPTEs have only P (and PWT/PCD); the other low bits are reserved. */
#define SPTE_PDPTE SPTE_P

#define GUEST_PTE_D (1ULL << 6)
#define GUEST_PTE_G (1ULL << 8)
#define GUEST_PTE_PWT (1ULL << 3)
#define GUEST_PTE_PCD (1ULL << 4)

#define CR0_PG (1ULL << 31)
#define CR0_WP (1ULL << 16)
#define CR4_PAE (1ULL << 5)
#define CR4_PGE (1ULL << 7)
#define CR4_PCIDE (1ULL << 17)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)
#define EFER_NXE (1ULL << 11)

#define EXC_GP 13
#define EXC_PF 14

static void count(struct v3_vm *vm, u64 *counter)
{
	(void)vm;
	shadow_count(counter);
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

struct shadow_page *shadow_page_of(struct v3_vm *vm, u64 hpa)
{
	struct v3_shadow_vm *s = vm->shadow;
	u64 i = ((hpa & SPTE_ADDR) - s->pool_hpa) / V3_PAGE_SIZE;

	return i < s->npages ? &s->pages[i] : NULL;
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
			child = shadow_page_of(vcpu->vm, sp->ent[i]);
			if (child)
				subtree_free(vcpu, child);
		}
	}
	table_free(vcpu, sp);
}

/* ---- contexts ---------------------------------------------------------------------------- */

static void ctx_free_tables(struct v3_vcpu *vcpu, struct shadow_ctx *c)
{
	while (c->used.next != &c->used)
		table_free(vcpu, c->used.next);
	c->root = NULL;
}

static void ctx_evict(struct v3_vcpu *vcpu, struct shadow_ctx *c)
{
	ctx_free_tables(vcpu, c);
	c->id = 0;
	if (c == vcpu->shadow->cur)
		vcpu->shadow->cur = NULL;
	vcpu->shadow->tlb_flush = true;
}

struct shadow_ctx *shadow_ctx_by_id(struct v3_vcpu *vcpu, u32 id)
{
	for (unsigned int i = 0; id && i < SHADOW_CONTEXTS; i++)
		if (vcpu->shadow->ctx[i].id == id)
			return &vcpu->shadow->ctx[i];
	return NULL;
}

/* The least recently used context other than the current one, or NULL. */
static struct shadow_ctx *ctx_victim(struct v3_shadow_vcpu *sv)
{
	struct shadow_ctx *v = NULL;

	for (unsigned int i = 0; i < SHADOW_CONTEXTS; i++) {
		struct shadow_ctx *c = &sv->ctx[i];

		if (c->id && c != sv->cur && (!v || c->last_used < v->last_used))
			v = c;
	}
	return v;
}

static struct shadow_page *table_alloc(struct v3_vcpu *vcpu, u8 level, u64 splinter)
{
	struct v3_shadow_vm *s = vcpu->vm->shadow;
	struct v3_shadow_vcpu *sv = vcpu->shadow;
	struct shadow_ctx *c = sv->cur;
	struct shadow_page *sp;

	for (;;) {
		v3_spin_lock(&s->lock);
		sp = s->free;
		if (sp) {
			s->free = sp->next;
			s->nfree--;
		}
		v3_spin_unlock(&s->lock);
		if (sp)
			break;
		/* Out of tables: give up the least recently used other address space. */
		struct shadow_ctx *v = ctx_victim(sv);

		if (!v)
			return NULL;
		count(vcpu->vm, &s->stats.evictions);
		ctx_evict(vcpu, v);
	}
	v3_memset(sp->ent, 0, V3_PAGE_SIZE);
	sp->level = level;
	sp->splinter = splinter;
	sp->nonglobal = false;
	sp->next = c->used.next;
	sp->prev = &c->used;
	c->used.next->prev = sp;
	c->used.next = sp;
	count(vcpu->vm, &s->stats.tables);
	return sp;
}

int v3_shadow_vcpu_init(struct v3_vcpu *vcpu)
{
	struct v3_shadow_vcpu *sv = v3_zalloc(sizeof(*sv));

	if (!sv)
		return -V3_ENOMEM;
	vcpu->shadow = sv;
	for (unsigned int i = 0; i < SHADOW_CONTEXTS; i++)
		sv->ctx[i].used.next = sv->ctx[i].used.prev = &sv->ctx[i].used;
	/*
	 * Keeping address spaces across CR3 writes needs every write to a guest page table seen;
	 * with one vCPU the write protection below guarantees it. With several, another vCPU's
	 * writable leaf could outlive a frame's promotion to a page table until it next enters,
	 * so SMP VMs use the shadow as a virtual TLB (no cache) until cross-vCPU flushes exist.
	 */
	sv->cache = vcpu->vm->nvcpus == 1 && vcpu->vm->cfg.shadow_cache;
	if (sv->cache)
		return shadow_track_init(vcpu);
	return 0;
}

void shadow_drop_all(struct v3_vcpu *vcpu)
{
	struct v3_shadow_vcpu *sv = vcpu->shadow;

	for (unsigned int i = 0; i < SHADOW_CONTEXTS; i++)
		if (sv->ctx[i].id || sv->ctx[i].root)
			ctx_evict(vcpu, &sv->ctx[i]);
	sv->cur = NULL;
	sv->tlb_flush = true;
	if (sv->track)
		shadow_track_reset(vcpu);
}

void v3_shadow_vcpu_deinit(struct v3_vcpu *vcpu)
{
	if (!vcpu->shadow)
		return;
	if (vcpu->vm->shadow)
		shadow_drop_all(vcpu);
	shadow_track_deinit(vcpu);
	v3_free(vcpu->shadow);
	vcpu->shadow = NULL;
}

void v3_shadow_flush(struct v3_vcpu *vcpu)
{
	count(vcpu->vm, &vcpu->vm->shadow->stats.flushes);
	shadow_drop_all(vcpu);
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

/*
 * Makes the context for the guest's CR3 current: a cached one, or a new (evicting) one.
 * cr3_write: counted as a hit or a miss (not when rebuilding after a flush).
 */
static void ctx_activate(struct v3_vcpu *vcpu, bool cr3_write)
{
	struct v3_shadow_vcpu *sv = vcpu->shadow;
	struct v3_shadow_stats *st = &vcpu->vm->shadow->stats;
	bool lm = guest_long_mode(vcpu);
	struct shadow_ctx *c = NULL;

	for (unsigned int i = 0; sv->cache && i < SHADOW_CONTEXTS; i++)
		if (sv->ctx[i].id && sv->ctx[i].cr3 == vcpu->s.cr3 && sv->ctx[i].long_mode == lm)
			c = &sv->ctx[i];
	if (c) {
		count(vcpu->vm, &st->hits);
	} else {
		if (sv->cache && cr3_write)
			count(vcpu->vm, &st->misses);
		for (unsigned int i = 0; i < SHADOW_CONTEXTS && !c; i++)
			if (!sv->ctx[i].id)
				c = &sv->ctx[i];
		if (!c) {
			c = ctx_victim(sv);
			if (!c)
				c = sv->cur;
			count(vcpu->vm, &st->evictions);
			ctx_evict(vcpu, c);
		}
		c->id = ++sv->next_id;
		c->cr3 = vcpu->s.cr3;
		c->long_mode = lm;
	}
	c->last_used = ++sv->clock;
	if (sv->cur != c)
		sv->tlb_flush = true;
	sv->cur = c;
}

/* The PAE root's four PDPTEs point at four PDs made up front: the CPU loads PDPTEs with CR3. */
static int build_root(struct v3_vcpu *vcpu)
{
	struct shadow_ctx *c = vcpu->shadow->cur;
	struct shadow_page *root;

	root = table_alloc(vcpu, c->long_mode ? 4 : 3, 0);
	if (!root)
		return -V3_ENOMEM;
	if (!c->long_mode) {
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
	c->root = root;
	return 0;
}

int v3_shadow_hw_cr3(struct v3_vcpu *vcpu, u64 *cr3)
{
	struct v3_shadow_vcpu *sv = vcpu->shadow;
	int rc;

	if (sv->cur && sv->cur->long_mode != guest_long_mode(vcpu))
		shadow_drop_all(vcpu);
	if (!sv->cur)
		ctx_activate(vcpu, false);
	if (!sv->cur->root) {
		rc = build_root(vcpu);
		if (rc == -V3_ENOMEM) {
			count(vcpu->vm, &vcpu->vm->shadow->stats.pool_exhausted);
			shadow_drop_all(vcpu);
			ctx_activate(vcpu, false);
			rc = build_root(vcpu);
		}
		if (rc) {
			shadow_drop_all(vcpu);
			return rc;
		}
	}
	*cr3 = sv->cur->root->hpa;
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

static unsigned int entry_index(const struct shadow_ctx *c, const struct shadow_page *t, u64 la)
{
	if (!c->long_mode && t->level == 3)
		return (unsigned int)((la >> 30) & 3);
	return (unsigned int)((la >> (12 + 9 * (t->level - 1))) & 511);
}

/* The linear address an entry maps, from its table's base address. */
static u64 entry_la(const struct shadow_ctx *c, const struct shadow_page *t, u64 base,
		    unsigned int i)
{
	(void)c;
	return base + (u64)i * entry_span(t->level);
}

/*
 * Installs leaf for the 4 KiB page at la in the current context, making tables on the way.
 * guest_size is the size of the guest's page there: tables below an entry that it covers
 * whole are its splinters.
 */
static int install(struct v3_vcpu *vcpu, u64 la, u64 leaf, u64 guest_size)
{
	struct shadow_ctx *c = vcpu->shadow->cur;
	struct shadow_page *t = c->root;
	bool nonglobal = !(leaf & SPTE_SW_GLOBAL);

	while (t->level > 1) {
		unsigned int i = entry_index(c, t, la);
		u64 e = t->ent[i];
		struct shadow_page *child;

		t->nonglobal |= nonglobal;
		if (e & SPTE_P) {
			child = shadow_page_of(vcpu->vm, e);
			if (!child)
				return -V3_EFAULT;
		} else {
			u64 span = entry_span(t->level);

			child = table_alloc(vcpu, (u8)(t->level - 1), guest_size >= span ? guest_size : 0);
			if (!child)
				return -V3_ENOMEM;
			/* The allocation may have evicted other contexts, never this one. */
			t->ent[i] = child->hpa | SPTE_TABLE;
		}
		t = child;
	}
	t->nonglobal |= nonglobal;
	t->ent[entry_index(c, t, la)] = leaf;
	return 0;
}

u64 *shadow_leaf(struct v3_vcpu *vcpu, struct shadow_ctx *c, u64 la)
{
	struct shadow_page *t = c->root;

	while (t) {
		u64 *e = &t->ent[entry_index(c, t, la)];

		if (t->level == 1)
			return e;
		if (!(*e & SPTE_P))
			return NULL;
		t = shadow_page_of(vcpu->vm, *e);
	}
	return NULL;
}

/* Drops the entries of t (mapping from base) that fall in [start, end). */
static void zap_in(struct v3_vcpu *vcpu, struct shadow_ctx *c, struct shadow_page *t, u64 base,
		   u64 start, u64 end)
{
	u64 span = entry_span(t->level);
	bool pae_root = !c->long_mode && t->level == 3;
	unsigned int n = pae_root ? 4 : 512;

	if (pae_root)
		span = 1ULL << 30;
	for (unsigned int i = 0; i < n; i++) {
		u64 a = pae_root ? base + (u64)i * span : entry_la(c, t, base, i);
		struct shadow_page *child;

		if (a + span <= start || a >= end || !(t->ent[i] & SPTE_P))
			continue;
		if (t->level == 1) {
			t->ent[i] = 0;
			continue;
		}
		child = shadow_page_of(vcpu->vm, t->ent[i]);
		if (!child)
			continue;
		/* The PAE root's four PDs stay: the CPU loads all four PDPTEs. */
		if (a >= start && a + span <= end && !pae_root) {
			t->ent[i] = 0;
			subtree_free(vcpu, child);
		} else {
			zap_in(vcpu, c, child, a, start, end);
		}
	}
}

void shadow_zap_range(struct v3_vcpu *vcpu, struct shadow_ctx *c, u64 start, u64 size)
{
	if (!c->root)
		return;
	zap_in(vcpu, c, c->root, 0, start, start + size);
	if (c == vcpu->shadow->cur)
		vcpu->shadow->tlb_flush = true;
}

/* Drops the non-global leaves below t, and the tables left empty; true if t is now empty. */
static bool zap_nonglobal(struct v3_vcpu *vcpu, struct shadow_ctx *c, struct shadow_page *t)
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
		child = shadow_page_of(vcpu->vm, e);
		if (!child || !child->nonglobal) {
			empty = false;
			continue;
		}
		/* The PAE root's four PDs stay: the CPU loads all four PDPTEs. */
		if (zap_nonglobal(vcpu, c, child) && !(t == c->root && !c->long_mode)) {
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

	count(vcpu->vm, &vcpu->vm->shadow->stats.cr3_switches);
	if (sv->cache) {
		/* Back to a cached address space, or a new one. */
		if (sv->cur && sv->cur->long_mode != guest_long_mode(vcpu))
			shadow_drop_all(vcpu);
		ctx_activate(vcpu, true);
		return;
	}
	/* As on the CPU, global translations outlive a CR3 write (SDM 4.10.4.1). */
	if (sv->cur && sv->cur->root && sv->cur->root->nonglobal)
		zap_nonglobal(vcpu, sv->cur, sv->cur->root);
	sv->tlb_flush = true;
}

void v3_shadow_invlpg(struct v3_vcpu *vcpu, u64 la)
{
	struct shadow_ctx *c = vcpu->shadow->cur;
	struct shadow_page *t = c ? c->root : NULL;

	count(vcpu->vm, &vcpu->vm->shadow->stats.invlpg);
	if (!guest_long_mode(vcpu))
		la &= 0xffffffffULL;
	while (t) {
		unsigned int i = entry_index(c, t, la);
		u64 e = t->ent[i];
		struct shadow_page *child;

		if (!(e & SPTE_P))
			return;
		if (t->level == 1) {
			t->ent[i] = 0;
			vcpu->shadow->tlb_flush = true;
			return;
		}
		child = shadow_page_of(vcpu->vm, e);
		if (!child)
			return;
		if (child->splinter) {
			/* The guest page was larger than the shadow's: drop all of it. */
			u64 size = child->splinter;

			/* Ranges are in the shadow's index space: 48 bits, no sign extension. */
			shadow_zap_range(vcpu, c, la & 0x0000ffffffffffffULL & ~(size - 1), size);
			return;
		}
		t = child;
	}
}

/* ---- page faults ------------------------------------------------------------------------- */

/* The leaf for guest RAM at hpa, with the rights the guest walk combined. */
static u64 leaf_entry(const struct v3_walk_result *res, u64 hpa, u32 access, bool writable_ok,
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
	if (res->writable && writable_ok && ((access & V3_ACC_WRITE) || (res->pte & GUEST_PTE_D)))
		leaf |= SPTE_W | SPTE_D;
	return leaf;
}

/* Fills the current context for la from a successful walk; 0 or -V3_ENOMEM. */
static int fill(struct v3_vcpu *vcpu, int format, u64 la, const struct v3_walk_result *res,
		const struct v3_mem_region *r, u32 access)
{
	struct v3_shadow_vcpu *sv = vcpu->shadow;
	u64 gpa_page = V3_ALIGN_DOWN(res->gpa, V3_PAGE_SIZE);
	u64 hpa = r->hpa + (gpa_page - r->start), cr3, leaf;
	/* G means global only with CR4.PGE, and only in the leaf (SDM 4.10.2.4). */
	bool global_ok = (vcpu->s.cr4 & CR4_PGE) && (vcpu->s.cr0 & CR0_PG);
	bool writable_ok = r->kind == V3_REGION_RAM;
	int rc = v3_shadow_hw_cr3(vcpu, &cr3);

	if (rc)
		return rc;
	if (sv->cache) {
		rc = shadow_track_walk(vcpu, format, la, res);
		if (rc)
			return rc;
		if (shadow_track_is_pt(vcpu, gpa_page >> V3_PAGE_SHIFT))
			writable_ok = false;
	}
	leaf = leaf_entry(res, hpa, access, writable_ok, global_ok);
	if (sv->cache && (leaf & SPTE_W)) {
		rc = shadow_track_writable(vcpu, gpa_page >> V3_PAGE_SHIFT, la);
		if (rc)
			return rc;
	}
	return install(vcpu, la, leaf, res->page_size);
}

int v3_shadow_page_fault(struct v3_vcpu *vcpu, u64 la, u32 error_code)
{
	struct v3_vm *vm = vcpu->vm;
	struct v3_shadow_stats *st = &vm->shadow->stats;
	struct v3_paging_regs regs;
	struct v3_walk_result res;
	const struct v3_mem_region *r;
	u32 access = error_code & (V3_PF_WRITE | V3_PF_USER | V3_PF_FETCH);
	int rc, format;

	if (error_code & V3_PF_RSVD)
		return v3_vcpu_stop_vm(vcpu, V3_STOP_ERROR, 0,
				       "shadow paging: reserved-bit fault on a shadow entry at 0x%lx "
				       "(error 0x%x) at RIP 0x%lx", la, error_code, vcpu->s.rip);
	if (!guest_long_mode(vcpu))
		la &= 0xffffffffULL;
	v3_vcpu_paging_regs(vcpu, &regs);
	format = v3_paging_format(&regs);
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
	if ((access & V3_ACC_WRITE) && vcpu->shadow->cache &&
	    shadow_track_is_pt(vcpu, res.gpa >> V3_PAGE_SHIFT)) {
		bool go_on = false;

		/* A guest page table is written: emulate it, then drop what it changed. */
		rc = shadow_track_pt_write(vcpu, res.gpa, &go_on);
		if (rc || !go_on)
			return rc;
	}
	rc = fill(vcpu, format, la, &res, r, access);
	if (rc == -V3_ENOMEM) {
		/* Start over with an empty shadow: the pool holds at least a full walk. */
		count(vm, &st->pool_exhausted);
		shadow_drop_all(vcpu);
		rc = fill(vcpu, format, la, &res, r, access);
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
	v3_info("vm %s: shadow paging: %lu fills, %lu guest #PF, %lu non-RAM, %lu WP=0 writes, "
		"%lu page-table writes, %lu unshadowed, %lu CR3 switches (%lu hits, %lu misses, "
		"%lu evictions), %lu flushes, %lu invlpg, %lu pool-exhausted, %lu tables allocated "
		"(%u of %u free)", vm->name, st->fills, st->guest_faults, st->phys_faults,
		st->emulated, st->pt_writes, st->unshadowed, st->cr3_switches, st->hits, st->misses,
		st->evictions, st->flushes, st->invlpg, st->pool_exhausted, st->tables,
		vm->shadow->nfree, vm->shadow->npages);
}
