/* SPDX-License-Identifier: MIT */
/*
 * The guest page-table walker (Intel SDM Vol. 3A 4.3-4.8), written once: a
 * single loop walks the levels of whichever format is in use, described by a
 * small table (entry size, index width, what the PS bit means at each level,
 * which bits are reserved). See walk.h for the contract.
 */
#include <v3/errno.h>

#include "paging/walk.h"

/* Control-register and EFER bits the walk depends on (SDM 2.5, 2.2.1). */
#define CR0_PE (1ULL << 0)
#define CR0_WP (1ULL << 16)
#define CR0_PG (1ULL << 31)
#define CR4_PSE (1ULL << 4)
#define CR4_PAE (1ULL << 5)
#define CR4_LA57 (1ULL << 12)
#define CR4_SMEP (1ULL << 20)
#define CR4_SMAP (1ULL << 21)
#define CR4_PKE (1ULL << 22)
#define CR4_PKS (1ULL << 24)
#define EFER_LMA (1ULL << 10)
#define EFER_NXE (1ULL << 11)
#define RFLAGS_AC (1ULL << 18)

/* Paging-structure entry bits common to every format (SDM tables 4-4..4-20). */
#define PTE_P (1ULL << 0)
#define PTE_RW (1ULL << 1)
#define PTE_US (1ULL << 2)
#define PTE_A (1ULL << 5)
#define PTE_D (1ULL << 6)	/* leaf entries only; ignored in entries that reference a table */
#define PTE_PS (1ULL << 7)	/* PAT in a PTE */
#define PTE_XD (1ULL << 63)	/* 8-byte entries only */

/* What bit 7 of an entry means at a level. */
enum ps_kind {
	PS_PAT,		/* PTE: bit 7 is PAT; the entry maps a 4 KiB page */
	PS_PSE,		/* 32-bit PDE: a 4 MiB page if CR4.PSE = 1, ignored otherwise */
	PS_LARGE,	/* PAE and 4-level PDE: a 2 MiB page */
	PS_GB,		/* 4-level PDPTE: a 1 GiB page; reserved without 1 GiB pages */
	PS_RSVD,	/* PML4E, PAE PDPTE: reserved */
};

struct walk_level {
	u8 shift;	/* lowest linear-address bit of this level's index */
	u8 ps;		/* enum ps_kind */
	bool rights;	/* has R/W, U/S, XD and A (PAE PDPTEs have none of them) */
	u64 rsvd;	/* reserved bits besides those derived from MAXPHYADDR and NXE */
};

struct walk_format {
	u8 levels;
	u8 entry_size;		/* bytes */
	u8 index_bits;
	u8 high_rsvd_top;	/* bits MAXPHYADDR..this are reserved (0: 4-byte entries) */
	u64 cr3_mask;		/* where CR3 holds the top table's address */
	struct walk_level lvl[4];	/* top first */
};

#define BIT_RANGE(lo, hi) ((~0ULL >> (63 - (hi))) & (~0ULL << (lo)))

static const struct walk_format fmt_32 = {
	.levels = 2, .entry_size = 4, .index_bits = 10, .high_rsvd_top = 0,
	.cr3_mask = 0xfffff000ULL,
	.lvl = {
		{ .shift = 22, .ps = PS_PSE, .rights = true },
		{ .shift = 12, .ps = PS_PAT, .rights = true },
	},
};

/* PAE PDPTE (SDM table 4-8): bits 2:1, 8:5 and 63 are reserved, and bit 7 with them. */
static const struct walk_format fmt_pae = {
	.levels = 3, .entry_size = 8, .index_bits = 9, .high_rsvd_top = 62,
	.cr3_mask = 0xffffffe0ULL,
	.lvl = {
		{ .shift = 30, .ps = PS_RSVD, .rights = false,
		  .rsvd = BIT_RANGE(1, 2) | BIT_RANGE(5, 8) | (1ULL << 63) },
		{ .shift = 21, .ps = PS_LARGE, .rights = true },
		{ .shift = 12, .ps = PS_PAT, .rights = true },
	},
};

/* In 4-level paging bits 62:52 are ignored (or protection keys), 51:M reserved. */
static const struct walk_format fmt_4level = {
	.levels = 4, .entry_size = 8, .index_bits = 9, .high_rsvd_top = 51,
	.cr3_mask = ~0xfffULL,
	.lvl = {
		{ .shift = 39, .ps = PS_RSVD, .rights = true },
		{ .shift = 30, .ps = PS_GB, .rights = true },
		{ .shift = 21, .ps = PS_LARGE, .rights = true },
		{ .shift = 12, .ps = PS_PAT, .rights = true },
	},
};

/* Reserved-bit masks of one walk, which depend on MAXPHYADDR, NXE, PSE and 1 GiB pages. */
struct walk_masks {
	u64 addr;			/* physical-address bits of an entry: (M-1):0 */
	u64 table_rsvd[4];		/* for an entry that references a table (or maps 4 KiB) */
	u64 large_rsvd[4];		/* for an entry with PS = 1 that maps a large page */
	bool large_ok[4];
	u8 pse36_bits;			/* 32-bit paging: PDE bits 13.. = address bits 32.. */
};

enum v3_paging_format v3_paging_format(const struct v3_paging_regs *r)
{
	bool lma = r->efer & EFER_LMA;

	if (!(r->cr0 & CR0_PG))
		return lma ? V3_PAGING_INVALID : V3_PAGING_NONE;
	if (!(r->cr0 & CR0_PE))
		return V3_PAGING_INVALID;
	if (!(r->cr4 & CR4_PAE))
		return lma ? V3_PAGING_INVALID : V3_PAGING_32;
	if (!lma)
		return V3_PAGING_PAE;
	return (r->cr4 & CR4_LA57) ? V3_PAGING_5LEVEL : V3_PAGING_4LEVEL;
}

static void compute_masks(const struct v3_paging_regs *r, const struct walk_format *f,
			  struct walk_masks *m)
{
	unsigned int i, maxphy = r->maxphyaddr;
	u64 high = 0;

	m->addr = BIT_RANGE(0, maxphy - 1);
	if (f->entry_size == 4) {
		/*
		 * PSE-36: a 4 MiB PDE holds address bits (M'-1):32 in its bits
		 * (M'-20):13, M' = min(40, M).
		 */
		m->pse36_bits = (maxphy > 40 ? 40 : maxphy) - 32;
		m->addr = 0xffffffffULL;
	} else {
		high = BIT_RANGE(maxphy, f->high_rsvd_top);
		if (!(r->efer & EFER_NXE))
			high |= PTE_XD;
	}
	for (i = 0; i < f->levels; i++) {
		const struct walk_level *l = &f->lvl[i];
		u64 table = l->rsvd | high;

		m->large_ok[i] = false;
		m->large_rsvd[i] = 0;
		if (l->ps == PS_PSE) {
			m->large_ok[i] = r->cr4 & CR4_PSE;
			m->large_rsvd[i] = BIT_RANGE(13 + m->pse36_bits, 21);
		} else if (l->ps == PS_LARGE || (l->ps == PS_GB && r->gbpages)) {
			/* Bit 12 is PAT; bits 13 up to the page-aligned address are reserved. */
			m->large_ok[i] = true;
			m->large_rsvd[i] = high | BIT_RANGE(13, l->shift - 1);
		} else if (l->ps == PS_GB || l->ps == PS_RSVD) {
			table |= PTE_PS;
		}
		m->table_rsvd[i] = table;
	}
}

/* SDM 4.6.1: may this access go through a translation with these combined rights? */
static bool access_allowed(const struct v3_paging_regs *r, u32 access, bool writable, bool user,
			   bool nx)
{
	bool write = access & V3_ACC_WRITE, fetch = access & V3_ACC_FETCH;
	bool implicit = (access & V3_ACC_IMPLICIT_SUPERVISOR) || r->cpl == 3;

	if (access & V3_ACC_USER)
		return user && !(write && !writable) && !(fetch && nx);
	if (fetch)
		return !nx && !(user && (r->cr4 & CR4_SMEP));
	/* Supervisor data access: SMAP, relaxed by AC for explicit accesses; then WP for writes. */
	if (user && (r->cr4 & CR4_SMAP) && (implicit || !(r->rflags & RFLAGS_AC)))
		return false;
	return !(write && !writable && (r->cr0 & CR0_WP));
}

/* SDM 4.7: the error code of a page fault taken by this access. */
static u32 fault_code(const struct v3_paging_regs *r, const struct walk_format *f, u32 access,
		      u32 cause)
{
	u32 code = cause | (access & (V3_PF_WRITE | V3_PF_USER));

	/* I/D is reported only where a fetch could be refused: SMEP, or XD in use. */
	if ((access & V3_ACC_FETCH) &&
	    ((r->cr4 & CR4_SMEP) || (f->entry_size == 8 && (r->efer & EFER_NXE))))
		code |= V3_PF_FETCH;
	return code;
}

/* The address that leaf entry e, mapping a page of this size, translates la to. */
static u64 leaf_address(const struct walk_format *f, const struct walk_masks *m, u64 e, u64 la,
			u64 size)
{
	u64 base;

	if (f->entry_size == 4 && size != V3_PAGE_SIZE) {
		/* 4 MiB page: bits 31:22 from the PDE, 39:32 (PSE-36) from its bits 20:13. */
		base = (e & 0xffc00000ULL) | (((e >> 13) & ((1ULL << m->pse36_bits) - 1)) << 32);
	} else {
		base = e & m->addr & ~(size - 1);
	}
	return base | (la & (size - 1));
}

static int read_entry(const struct v3_guest_mem_ops *mem, void *ctx, u64 gpa, unsigned int size,
		      u64 *e)
{
	/* Little-endian: a 4-byte entry read into the low half of *e. */
	int ret;

	*e = 0;
	ret = mem->read(ctx, gpa, e, size);
	return ret > 0 ? -V3_EIO : ret;
}

#define WALK_RETRY 3

/* Set A in every entry used and D in the leaf for a write; WALK_RETRY if one changed. */
static int set_ad(const struct walk_format *f, const struct v3_guest_mem_ops *mem, void *ctx,
		  const u64 *entry_gpa, u32 access, struct v3_walk_result *res)
{
	unsigned int i, leaf = res->levels - 1;
	int ret;

	for (i = 0; i <= leaf; i++) {
		u64 old = res->ptes[i], want = old | PTE_A;

		if (!f->lvl[i].rights)
			continue;
		if (i == leaf && (access & V3_ACC_WRITE))
			want |= PTE_D;
		if (want == old)
			continue;
		ret = mem->cmpxchg(ctx, entry_gpa[i], old, want, f->entry_size);
		if (ret == 1)
			return WALK_RETRY;
		if (ret)
			return ret < 0 ? ret : -V3_EIO;
		res->ptes[i] = want;
	}
	res->pte = res->ptes[leaf];
	return V3_WALK_OK;
}

static int walk_once(const struct v3_paging_regs *r, const struct walk_format *f,
		     const struct walk_masks *m, const struct v3_guest_mem_ops *mem, void *ctx,
		     u64 la, u32 access, unsigned int flags, struct v3_walk_result *res)
{
	u64 entry_gpa[V3_WALK_MAX_LEVELS];
	u64 table = r->cr3 & f->cr3_mask & m->addr;
	u64 index_mask = (1ULL << f->index_bits) - 1;
	bool writable = true, user = true, nx = false;
	unsigned int i;
	int ret;

	*res = (struct v3_walk_result){ .page_size = V3_PAGE_SIZE };
	for (i = 0; i < f->levels; i++) {
		const struct walk_level *l = &f->lvl[i];
		bool large, leaf;
		u64 e;

		entry_gpa[i] = table + ((la >> l->shift) & index_mask) * f->entry_size;
		ret = read_entry(mem, ctx, entry_gpa[i], f->entry_size, &e);
		if (ret)
			return ret;
		res->ptes[i] = e;
		res->entry_gpa[i] = entry_gpa[i];
		res->pte = e;
		res->levels = i + 1;
		if (!(e & PTE_P)) {
			res->error_code = fault_code(r, f, access, 0);
			return V3_WALK_FAULT;
		}
		large = (e & PTE_PS) && m->large_ok[i];
		leaf = large || i == f->levels - 1u;
		if (e & (large ? m->large_rsvd[i] : m->table_rsvd[i])) {
			res->error_code = fault_code(r, f, access, V3_PF_PRESENT | V3_PF_RSVD);
			return V3_WALK_FAULT;
		}
		if (l->rights) {
			writable = writable && (e & PTE_RW);
			user = user && (e & PTE_US);
			/* With NXE = 0, XD set was a reserved-bit fault above. */
			nx = nx || (f->entry_size == 8 && (e & PTE_XD));
		}
		res->writable = writable;
		res->user = user;
		res->nx = nx;
		if (leaf) {
			res->page_size = 1ULL << l->shift;
			res->gpa = leaf_address(f, m, e, la, res->page_size);
			break;
		}
		table = e & m->addr & ~0xfffULL;
	}
	if (!access_allowed(r, access, writable, user, nx)) {
		res->error_code = fault_code(r, f, access, V3_PF_PRESENT);
		return V3_WALK_FAULT;
	}
	if (flags & V3_WALK_SET_AD)
		return set_ad(f, mem, ctx, entry_gpa, access, res);
	return V3_WALK_OK;
}

static int check_args(const struct v3_paging_regs *r, const struct v3_guest_mem_ops *mem,
		      u32 access, unsigned int flags, const struct v3_walk_result *res)
{
	const u32 known = V3_ACC_WRITE | V3_ACC_USER | V3_ACC_FETCH | V3_ACC_IMPLICIT_SUPERVISOR;

	if (!r || !mem || !mem->read || !res || (flags & ~V3_WALK_SET_AD))
		return -V3_EINVAL;
	if ((flags & V3_WALK_SET_AD) && !mem->cmpxchg)
		return -V3_EINVAL;
	if ((access & ~known) || ((access & V3_ACC_WRITE) && (access & V3_ACC_FETCH)) ||
	    ((access & V3_ACC_USER) && (access & V3_ACC_IMPLICIT_SUPERVISOR)))
		return -V3_EINVAL;
	if (r->maxphyaddr < 32 || r->maxphyaddr > 52)
		return -V3_EINVAL;
	return 0;
}

int v3_walk(const struct v3_paging_regs *r, const struct v3_guest_mem_ops *mem, void *ctx,
	    u64 la, u32 access, unsigned int flags, struct v3_walk_result *res)
{
	const struct walk_format *f;
	struct walk_masks m = { 0 };
	unsigned int tries;
	int ret;

	ret = check_args(r, mem, access, flags, res);
	if (ret)
		return ret;

	switch (v3_paging_format(r)) {
	case V3_PAGING_NONE:
		*res = (struct v3_walk_result){ .page_size = V3_PAGE_SIZE };
		res->gpa = la & 0xffffffffULL;
		res->writable = res->user = true;
		return V3_WALK_OK;
	case V3_PAGING_32:
		f = &fmt_32;
		la &= 0xffffffffULL;
		break;
	case V3_PAGING_PAE:
		f = &fmt_pae;
		la &= 0xffffffffULL;
		break;
	case V3_PAGING_4LEVEL:
		if (r->cr4 & (CR4_PKE | CR4_PKS))
			return -V3_ENOTSUP;
		if ((u64)((s64)(la << 16) >> 16) != la)
			return V3_WALK_NONCANONICAL;
		f = &fmt_4level;
		break;
	case V3_PAGING_5LEVEL:
		return -V3_ENOTSUP;
	default:
		return -V3_EINVAL;
	}

	compute_masks(r, f, &m);
	for (tries = 0; tries < V3_WALK_MAX_RETRIES; tries++) {
		ret = walk_once(r, f, &m, mem, ctx, la, access, flags, res);
		if (ret != WALK_RETRY)
			return ret;
	}
	return -V3_EBUSY;
}
