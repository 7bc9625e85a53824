/* SPDX-License-Identifier: MIT */
/* Shadow paging internals shared by shadow.c (tables, fills) and shadow_track.c (write tracking). */
#ifndef V3_PAGING_SHADOW_INT_H
#define V3_PAGING_SHADOW_INT_H

#include <v3/types.h>

#include "lib/spinlock.h"
#include "paging/shadow.h"

struct v3_vcpu;
struct v3_walk_result;

/* Shadow entry bits (the 64-bit paging-structure format, SDM 4.5). */
#define SPTE_P (1ULL << 0)
#define SPTE_W (1ULL << 1)
#define SPTE_U (1ULL << 2)
#define SPTE_PWT (1ULL << 3)
#define SPTE_PCD (1ULL << 4)
#define SPTE_A (1ULL << 5)
#define SPTE_D (1ULL << 6)
#define SPTE_NX (1ULL << 63)
#define SPTE_ADDR 0x000ffffffffff000ULL
/* Software bit (ignored by the CPU): the guest's translation is global (G with CR4.PGE). */
#define SPTE_SW_GLOBAL (1ULL << 9)

/* Address spaces (guest CR3 values) each vCPU keeps shadowed. */
#define SHADOW_CONTEXTS 8

/* One shadow table: a pool page and what it shadows. */
struct shadow_page {
	struct shadow_page *next, *prev;	/* the owning context's list, or the free list */
	u64 *ent;				/* its 512 entries */
	u64 hpa;
	u8 level;				/* 1 PT, 2 PD, 3 PDPT, 4 PML4 */
	/* Holds, or leads to, leaves of non-global translations (a CR3 write drops those). */
	bool nonglobal;
	/* The size of the guest large page all of this table derives from, or 0. */
	u64 splinter;
};

/* One shadowed address space. */
struct shadow_ctx {
	struct shadow_page used;		/* sentinel of its tables */
	struct shadow_page *root;		/* NULL: built when next entered */
	u64 cr3;				/* the guest CR3 it shadows */
	u64 last_used;
	u32 id;					/* 0: the slot is free; never reused */
	bool long_mode;				/* root format: 4-level, else PAE */
};

/*
 * Write tracking (shadow_track.c) remembers, per guest frame, which shadow translations depend
 * on it: a "use" is a guest page table some context walked through (its writes must drop the
 * translations derived from the entries they change), an "rmap" a writable shadow leaf to the
 * frame (write-protected when the frame becomes a page table). Entries of evicted contexts go
 * stale and are dropped when met.
 */
struct shadow_track;

struct v3_shadow_vm {
	struct v3_spinlock lock;		/* the free list */
	struct shadow_page *pages;		/* descriptors, one per pool page */
	struct shadow_page *free;
	u64 pool_hpa;
	unsigned int npages, nfree;
	struct v3_shadow_stats stats;
};

struct v3_shadow_vcpu {
	struct shadow_ctx ctx[SHADOW_CONTEXTS];
	struct shadow_ctx *cur;			/* NULL: chosen at the next entry */
	u64 clock;
	u32 next_id;
	bool tlb_flush;
	/* Address spaces are kept across CR3 writes (single-vCPU VMs, see shadow.c). */
	bool cache;
	struct shadow_track *track;
};

static inline void shadow_count(u64 *counter)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

/* shadow.c */
struct shadow_page *shadow_page_of(struct v3_vm *vm, u64 hpa);
struct shadow_ctx *shadow_ctx_by_id(struct v3_vcpu *vcpu, u32 id);
/* The leaf entry for la in ctx, or NULL. */
u64 *shadow_leaf(struct v3_vcpu *vcpu, struct shadow_ctx *ctx, u64 la);
/* Drops ctx's translations of [start, start + size). */
void shadow_zap_range(struct v3_vcpu *vcpu, struct shadow_ctx *ctx, u64 start, u64 size);
/* Evicts every context and forgets all tracking. */
void shadow_drop_all(struct v3_vcpu *vcpu);

/* shadow_track.c */
int shadow_track_init(struct v3_vcpu *vcpu);
void shadow_track_deinit(struct v3_vcpu *vcpu);
void shadow_track_reset(struct v3_vcpu *vcpu);
/*
 * Records the guest tables a successful walk for la went through in the current context;
 * frames that become page tables are write-protected. 0, or -V3_ENOMEM when the tracking is
 * full (the caller drops everything).
 */
int shadow_track_walk(struct v3_vcpu *vcpu, int format, u64 la, const struct v3_walk_result *res);
/* Whether guest frame gfn is a page table of a cached context. */
bool shadow_track_is_pt(struct v3_vcpu *vcpu, u64 gfn);
/* Records a writable leaf at la to gfn in the current context; -V3_ENOMEM when full. */
int shadow_track_writable(struct v3_vcpu *vcpu, u64 gfn, u64 la);
/*
 * A guest write to the page table gfn at la: emulate it and drop the translations that depend
 * on what changed, or stop tracking a frame the guest keeps writing (reused as data). Returns
 * 0 with *fill set when the caller should go on and map the page writable, 0 when done, <0
 * when the VM stopped.
 */
int shadow_track_pt_write(struct v3_vcpu *vcpu, u64 gpa, bool *fill);

#endif /* V3_PAGING_SHADOW_INT_H */
