/* SPDX-License-Identifier: MIT */
/*
 * Write tracking for the shadow cache (shadow_int.h). Cached address spaces stay valid only if
 * every change to a guest page table they derive from is seen, since returning to one is a CR3
 * write after which the CPU would walk the guest's tables afresh. So every guest frame a fill
 * walked through as a page table is write-protected in all contexts; a guest write to it
 * faults, is emulated, and drops exactly the translations whose guest entries changed
 * (compared with a copy taken before). A frame written again and again without being walked
 * in between has gone back to being data (a freed page table): it stops being tracked, and its
 * translations are dropped, as KVM does on write flooding.
 */
#include <v3/errno.h>

#include "exit.h"
#include "host_ops.h"
#include "lib/string.h"
#include "mem.h"
#include "paging/shadow_int.h"
#include "paging/walk.h"
#include "vcpu.h"
#include "vm.h"

#define TRACK_BUCKETS 16384
#define TRACK_ENTRIES 131072
/* Emulated writes in a row to one page table before it is treated as data. */
#define FLOOD_LIMIT 4
/* Linear addresses as the shadow tables index them (4-level: 48 bits, no sign extension). */
#define LA48 0x0000ffffffffffffULL

enum { TRACK_USE, TRACK_RMAP };

struct track_entry {
	struct track_entry *next;
	u64 gfn;
	u64 la;		/* use: the linear address of the table's first entry; rmap: the leaf's */
	u64 tbase;	/* use: guest-physical address of the table's first entry */
	u32 ctx_id;
	u8 kind;
	u8 shift;	/* use: log2 of the bytes one entry maps */
	u8 esize;	/* use: 4 or 8 */
	u16 nent;	/* use: entries in the table (PAE PDPT: 4) */
};

struct shadow_track {
	struct track_entry *buckets[TRACK_BUCKETS];
	struct track_entry *entries, *free;
	u64 entries_hpa, entries_pages;
	u8 *pt;		/* a bit per guest frame: a page table of a cached context */
	u64 pt_frames, pt_hpa, pt_pages;
	u8 *before;	/* the page table before an emulated write */
	u64 before_hpa;
	u64 flood_gfn;
	unsigned int flood_count;
};

static void *alloc_pages_va(u64 bytes, u64 *hpa, u64 *pages)
{
	*pages = (bytes + V3_PAGE_SIZE - 1) >> V3_PAGE_SHIFT;
	*hpa = v3_host->alloc_pages(*pages, V3_PAGE_SIZE, V3_NUMA_ANY);
	return *hpa ? v3_host->paddr_to_vaddr(*hpa) : NULL;
}

void shadow_track_reset(struct v3_vcpu *vcpu)
{
	struct shadow_track *t = vcpu->shadow->track;

	v3_memset(t->buckets, 0, sizeof(t->buckets));
	t->free = NULL;
	for (unsigned int i = TRACK_ENTRIES; i-- > 0;) {
		t->entries[i].next = t->free;
		t->free = &t->entries[i];
	}
	v3_memset(t->pt, 0, (t->pt_frames + 7) / 8);
	t->flood_gfn = ~0ULL;
	t->flood_count = 0;
}

int shadow_track_init(struct v3_vcpu *vcpu)
{
	struct v3_vm *vm = vcpu->vm;
	struct shadow_track *t = v3_zalloc(sizeof(*t));
	u64 end = 0, pages;

	if (!t)
		return -V3_ENOMEM;
	vcpu->shadow->track = t;
	for (unsigned int i = 0; i < vm->mem.nblocks; i++)
		if (vm->mem.blocks[i].gpa + vm->mem.blocks[i].size > end)
			end = vm->mem.blocks[i].gpa + vm->mem.blocks[i].size;
	t->pt_frames = end >> V3_PAGE_SHIFT;
	t->entries = alloc_pages_va(sizeof(struct track_entry) * TRACK_ENTRIES, &t->entries_hpa,
				    &t->entries_pages);
	t->pt = alloc_pages_va((t->pt_frames + 7) / 8 + 1, &t->pt_hpa, &t->pt_pages);
	t->before = alloc_pages_va(V3_PAGE_SIZE, &t->before_hpa, &pages);
	if (!t->entries || !t->pt || !t->before)
		return -V3_ENOMEM;
	shadow_track_reset(vcpu);
	return 0;
}

void shadow_track_deinit(struct v3_vcpu *vcpu)
{
	struct shadow_track *t = vcpu->shadow ? vcpu->shadow->track : NULL;

	if (!t)
		return;
	if (t->entries_hpa)
		v3_host->free_pages(t->entries_hpa, t->entries_pages);
	if (t->pt_hpa)
		v3_host->free_pages(t->pt_hpa, t->pt_pages);
	if (t->before_hpa)
		v3_host->free_pages(t->before_hpa, 1);
	v3_free(t);
	vcpu->shadow->track = NULL;
}

static struct track_entry **bucket(struct shadow_track *t, u64 gfn)
{
	return &t->buckets[(gfn ^ (gfn >> 12)) & (TRACK_BUCKETS - 1)];
}

static struct track_entry *entry_new(struct shadow_track *t, u64 gfn, u8 kind, u32 ctx_id, u64 la)
{
	struct track_entry *e = t->free, **b;

	if (!e)
		return NULL;
	t->free = e->next;
	*e = (struct track_entry){ .gfn = gfn, .kind = kind, .ctx_id = ctx_id, .la = la };
	b = bucket(t, gfn);
	e->next = *b;
	*b = e;
	return e;
}

/* Unlinks *pp (an entry of its bucket) and returns the next link to look at. */
static struct track_entry **entry_drop(struct shadow_track *t, struct track_entry **pp)
{
	struct track_entry *e = *pp;

	*pp = e->next;
	e->next = t->free;
	t->free = e;
	return pp;
}

bool shadow_track_is_pt(struct v3_vcpu *vcpu, u64 gfn)
{
	struct shadow_track *t = vcpu->shadow->track;

	return gfn < t->pt_frames && (t->pt[gfn >> 3] & (1u << (gfn & 7)));
}

/* gfn became a page table: no shadow leaf may write to it any more. */
static void write_protect(struct v3_vcpu *vcpu, u64 gfn)
{
	struct shadow_track *t = vcpu->shadow->track;
	const struct v3_mem_region *r = v3_mem_lookup(vcpu->vm, gfn << V3_PAGE_SHIFT);
	u64 hpa = r ? r->hpa + ((gfn << V3_PAGE_SHIFT) - r->start) : 0;

	for (struct track_entry **pp = bucket(t, gfn); *pp;) {
		struct track_entry *e = *pp;
		struct shadow_ctx *c;
		u64 *leaf;

		if (e->gfn != gfn || e->kind != TRACK_RMAP) {
			pp = &e->next;
			continue;
		}
		c = shadow_ctx_by_id(vcpu, e->ctx_id);
		leaf = c && c->root ? shadow_leaf(vcpu, c, e->la) : NULL;
		if (leaf && (*leaf & SPTE_P) && (*leaf & SPTE_ADDR) == hpa && (*leaf & SPTE_W)) {
			*leaf &= ~SPTE_W;
			if (c == vcpu->shadow->cur)
				vcpu->shadow->tlb_flush = true;
		}
		pp = entry_drop(t, pp);
	}
}

/* The walk formats' tables, top first: log2 of an entry's span, and entries per table. */
static const u8 shifts_32[] = { 22, 12 }, shifts_pae[] = { 30, 21, 12 },
		shifts_4l[] = { 39, 30, 21, 12 };
static const u16 nent_32[] = { 1024, 1024 }, nent_pae[] = { 4, 512, 512 },
		 nent_4l[] = { 512, 512, 512, 512 };

int shadow_track_walk(struct v3_vcpu *vcpu, int format, u64 la, const struct v3_walk_result *res)
{
	struct shadow_track *t = vcpu->shadow->track;
	u32 ctx_id = vcpu->shadow->cur->id;
	const u8 *shifts;
	const u16 *nents;
	u8 esize = 8;
	u64 mask = 0xffffffffULL;

	switch (format) {
	case V3_PAGING_32:
		shifts = shifts_32, nents = nent_32, esize = 4;
		break;
	case V3_PAGING_PAE:
		shifts = shifts_pae, nents = nent_pae;
		break;
	case V3_PAGING_4LEVEL:
		shifts = shifts_4l, nents = nent_4l, mask = LA48;
		break;
	default:
		return 0;	/* paging off: no guest tables */
	}
	for (unsigned int k = 0; k < res->levels; k++) {
		u64 idx = (la >> shifts[k]) & (nents[k] - 1u);
		u64 tbase = res->entry_gpa[k] - idx * esize;
		u64 cover = (u64)nents[k] << shifts[k];
		u64 la_base = (la & mask) & ~(cover - 1) & mask;
		u64 gfn = tbase >> V3_PAGE_SHIFT;
		struct track_entry *e;
		bool known = false;

		if (gfn >= t->pt_frames)
			continue;
		if (gfn == t->flood_gfn)
			t->flood_count = 0;	/* walked through: still a page table */
		for (e = *bucket(t, gfn); e && !known; e = e->next)
			known = e->gfn == gfn && e->kind == TRACK_USE && e->ctx_id == ctx_id &&
				e->tbase == tbase && e->la == la_base;
		if (!known) {
			e = entry_new(t, gfn, TRACK_USE, ctx_id, la_base);
			if (!e)
				return -V3_ENOMEM;
			e->tbase = tbase;
			e->shift = shifts[k];
			e->esize = esize;
			e->nent = nents[k];
		}
		if (!shadow_track_is_pt(vcpu, gfn)) {
			t->pt[gfn >> 3] |= (u8)(1u << (gfn & 7));
			write_protect(vcpu, gfn);
		}
	}
	return 0;
}

int shadow_track_writable(struct v3_vcpu *vcpu, u64 gfn, u64 la)
{
	struct shadow_track *t = vcpu->shadow->track;
	u32 ctx_id = vcpu->shadow->cur->id;

	for (struct track_entry *e = *bucket(t, gfn); e; e = e->next)
		if (e->gfn == gfn && e->kind == TRACK_RMAP && e->ctx_id == ctx_id && e->la == la)
			return 0;
	return entry_new(t, gfn, TRACK_RMAP, ctx_id, la) ? 0 : -V3_ENOMEM;
}

/* Drops every translation derived from page table gfn, and stops tracking it. */
static void unshadow(struct v3_vcpu *vcpu, u64 gfn)
{
	struct shadow_track *t = vcpu->shadow->track;

	for (struct track_entry **pp = bucket(t, gfn); *pp;) {
		struct track_entry *e = *pp;
		struct shadow_ctx *c;

		if (e->gfn != gfn || e->kind != TRACK_USE) {
			pp = &e->next;
			continue;
		}
		c = shadow_ctx_by_id(vcpu, e->ctx_id);
		if (c)
			shadow_zap_range(vcpu, c, e->la, (u64)e->nent << e->shift);
		pp = entry_drop(t, pp);
	}
	t->pt[gfn >> 3] &= (u8)~(1u << (gfn & 7));
}

int shadow_track_pt_write(struct v3_vcpu *vcpu, u64 gpa, bool *fill)
{
	struct shadow_track *t = vcpu->shadow->track;
	struct v3_shadow_stats *st = &vcpu->vm->shadow->stats;
	u64 gfn = gpa >> V3_PAGE_SHIFT;
	const u8 *now = v3_gpa_to_hva(vcpu->vm, gfn << V3_PAGE_SHIFT, V3_PAGE_SIZE);
	int rc;

	*fill = false;
	if (!now)
		return v3_vcpu_stop_vm(vcpu, V3_STOP_ERROR, 0, "shadow paging: page table at "
				       "0x%lx is not in one RAM block", gpa);
	if (gfn == t->flood_gfn) {
		t->flood_count++;
	} else {
		t->flood_gfn = gfn;
		t->flood_count = 1;
	}
	if (t->flood_count > FLOOD_LIMIT) {
		shadow_count(&st->unshadowed);
		unshadow(vcpu, gfn);
		t->flood_gfn = ~0ULL;
		*fill = true;
		return 0;
	}
	v3_memcpy(t->before, now, V3_PAGE_SIZE);
	rc = v3_emulate_access(vcpu, gpa);
	if (rc)
		return rc;
	shadow_count(&st->pt_writes);
	for (struct track_entry **pp = bucket(t, gfn); *pp;) {
		struct track_entry *e = *pp;
		struct shadow_ctx *c;
		u64 off0;

		if (e->gfn != gfn || e->kind != TRACK_USE) {
			pp = &e->next;
			continue;
		}
		c = shadow_ctx_by_id(vcpu, e->ctx_id);
		if (!c) {
			pp = entry_drop(t, pp);	/* its context was evicted */
			continue;
		}
		off0 = e->tbase & (V3_PAGE_SIZE - 1);
		for (unsigned int j = 0; j < e->nent; j++) {
			u64 o = off0 + (u64)j * e->esize;

			if (o + e->esize <= V3_PAGE_SIZE && v3_memcmp(t->before + o, now + o, e->esize))
				shadow_zap_range(vcpu, c, e->la + ((u64)j << e->shift),
						 1ULL << e->shift);
		}
		pp = &e->next;
	}
	return 0;
}
