/* SPDX-License-Identifier: MIT */
/*
 * The guest page-table walker: translates a guest linear address to a guest
 * physical address the way the CPU would, for every paging mode (Intel SDM
 * Vol. 3A ch. 4: 4.3 32-bit, 4.4 PAE, 4.5 4-level paging; 4.6 access rights;
 * 4.7 page-fault error codes; 4.8 accessed and dirty flags).
 *
 * Users: the instruction emulator (guest instruction bytes and memory
 * operands), the exit handlers (fetching the instruction at RIP) and the
 * shadow pager, which relies on the exact permission, reserved-bit and A/D
 * semantics.
 *
 * Not modelled: 5-level paging (CR4.LA57) and protection keys (CR4.PKE,
 * CR4.PKS) make v3_walk() return -V3_ENOTSUP, since the walk would otherwise
 * grant accesses the CPU refuses; CET shadow-stack accesses; HLAT. The VMM's
 * CPUID policy must not offer LA57, PKU or PKS to guests that use this walker.
 */
#ifndef V3_PAGING_WALK_H
#define V3_PAGING_WALK_H

#include <v3/types.h>

/* The guest state that decides how a linear address is translated. */
struct v3_paging_regs {
	u64 cr0, cr3, cr4;
	u64 efer;	/* architectural value, LMA included (it selects 4-level paging) */
	u64 rflags;	/* AC relaxes SMAP for explicit supervisor accesses */
	u8 cpl;
	u8 maxphyaddr;	/* physical address width from CPUID 0x80000008 (32..52) */
	bool gbpages;	/* CPUID 0x80000001 EDX[26]; without it PS in a PDPTE is reserved */
};

enum v3_paging_format {
	V3_PAGING_NONE,		/* CR0.PG = 0: linear = physical (32 bits) */
	V3_PAGING_32,		/* 2 levels of 4-byte entries, 4 KiB / 4 MiB pages */
	V3_PAGING_PAE,		/* 4 PDPTEs + 2 levels of 8-byte entries, 4 KiB / 2 MiB */
	V3_PAGING_4LEVEL,	/* IA-32e: 4 levels of 8-byte entries, 4 KiB / 2 MiB / 1 GiB */
	V3_PAGING_5LEVEL,	/* recognised but not supported: v3_walk() returns -V3_ENOTSUP */
	V3_PAGING_INVALID,	/* a state the CPU refuses, e.g. EFER.LMA with CR0.PG = 0 */
};

enum v3_paging_format v3_paging_format(const struct v3_paging_regs *r);

/* The kind of access, in the bit positions of the #PF error code (SDM 4.7). */
#define V3_ACC_WRITE (1u << 1)
/* A user-mode access (made at CPL 3); a supervisor-mode access if clear. */
#define V3_ACC_USER (1u << 2)
#define V3_ACC_FETCH (1u << 4)
/*
 * An implicit supervisor-mode access (GDT/LDT/IDT/TSS, made at any CPL):
 * SMAP applies whatever RFLAGS.AC says. A supervisor-mode access (USER clear)
 * while regs->cpl == 3 is implicit by definition, so a #PF error code can be
 * passed as the access unchanged. Cannot be combined with V3_ACC_USER.
 */
#define V3_ACC_IMPLICIT_SUPERVISOR (1u << 16)

/* #PF error code bits (SDM 4.7). */
#define V3_PF_PRESENT (1u << 0)
#define V3_PF_WRITE (1u << 1)
#define V3_PF_USER (1u << 2)
#define V3_PF_RSVD (1u << 3)
#define V3_PF_FETCH (1u << 4)

/* How the walker reaches guest-physical memory (the paging-structure entries). */
struct v3_guest_mem_ops {
	/* Read len (4 or 8) bytes at gpa; 0 or a negative error (e.g. outside guest RAM). */
	int (*read)(void *ctx, u64 gpa, void *buf, unsigned int len);
	/*
	 * Atomically replace the len-byte entry at gpa with new_val if it still
	 * holds old: 0 if swapped, 1 if the entry had changed (the walker then
	 * walks again), or a negative error.
	 */
	int (*cmpxchg)(void *ctx, u64 gpa, u64 old, u64 new_val, unsigned int len);
};

#define V3_WALK_MAX_LEVELS 5

struct v3_walk_result {
	u64 gpa;		/* the translated guest-physical address */
	u64 page_size;		/* of the mapping that translated it: 4K, 2M, 4M or 1G */
	u32 error_code;		/* on a #PF: what the CPU would push (PK, SS, SGX = 0) */
	u64 pte;		/* the final entry (the leaf, or the one that faulted) */
	u64 ptes[V3_WALK_MAX_LEVELS];	/* every entry read, top first (PAE: the PDPTE) */
	u64 entry_gpa[V3_WALK_MAX_LEVELS]; /* where each of them is in guest-physical memory */
	unsigned int levels;	/* number of valid ptes[] */
	bool writable, user, nx; /* rights combined (SDM 4.6) up to the last entry read */
};

/* Set the accessed flags (and dirty for a write) as the CPU does, on success only. */
#define V3_WALK_SET_AD (1u << 0)

/* v3_walk() results besides errors. */
#define V3_WALK_OK 0		/* translated: res->gpa valid */
#define V3_WALK_FAULT 1		/* a #PF the guest must see: res->error_code valid */
#define V3_WALK_NONCANONICAL 2	/* 4-level, non-canonical address: #GP (or #SS), not #PF */

/* Retries of a walk whose A/D update raced with a change of the entries. */
#define V3_WALK_MAX_RETRIES 16

/*
 * Translate la for an access of kind access (V3_ACC_*) in the paging mode
 * that r describes. Returns V3_WALK_OK, V3_WALK_FAULT, V3_WALK_NONCANONICAL,
 * or a negative error: -V3_EINVAL for bad arguments, -V3_ENOTSUP for LA57 or
 * protection keys, -V3_EBUSY when the entries changed under every retry of an
 * A/D update, or what mem->read / mem->cmpxchg returned (e.g. a table outside
 * guest RAM).
 *
 * Outside 4-level paging the linear address is 32 bits: the upper half of la
 * is ignored. In PAE paging the CPU loads the four PDPTEs when CR3 is written
 * (Intel) and uses the cached copies; the walker reads them from memory at
 * each walk, as AMD CPUs do under nested paging. Reserved bits set in a
 * PDPTE therefore give a #PF with RSVD, where Intel would have refused the
 * MOV to CR3 with a #GP.
 *
 * Without V3_WALK_SET_AD the walk has no side effects. With it, a successful
 * walk sets A in every entry it used that lacks it (PAE PDPTEs have no A
 * flag) and, for a write, D in the leaf, each with mem->cmpxchg, top first.
 * A walk that faults writes nothing: the SDM lets the CPU set A in upper
 * entries of a walk that then faults, and not setting it is the conservative
 * choice a guest cannot tell apart.
 */
int v3_walk(const struct v3_paging_regs *r, const struct v3_guest_mem_ops *mem, void *ctx,
	    u64 la, u32 access, unsigned int flags, struct v3_walk_result *res);

#endif /* V3_PAGING_WALK_H */
