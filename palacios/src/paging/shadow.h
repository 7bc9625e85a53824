/* SPDX-License-Identifier: MIT */
/*
 * Shadow paging: the VMM's own page tables translate guest-linear addresses straight to
 * host-physical ones, built from the guest's tables as the guest touches memory, for CPUs
 * without nested paging or VMs that choose it (<paging mode="shadow"/>).
 *
 * One pager for every guest mode. The guest's tables are read by the walker (walk.h), so
 * 32-bit (4 MiB pages, PSE-36), PAE, 4-level (2 MiB and 1 GiB pages) and paging off are one
 * code path; the shadow tables are in the 64-bit entry format, 4-level while the guest is in
 * long mode and PAE otherwise (a 32-bit or paging-off guest runs with CR4.PAE set and
 * CR0.PG set underneath, which it never sees: its CR reads and writes are intercepted).
 *
 * A shadow leaf is filled on the guest's first access (a #PF intercept), from a full guest
 * walk that sets the guest's A and D flags as the CPU would, and carries exactly the rights the
 * walk combined; a leaf for a clean guest page is read-only, so the first write faults and
 * sets D. Shadow non-leaf entries grant everything, so only leaves carry rights and a new fill
 * always sees the guest's current upper entries, as after the paging-structure-cache flush
 * INVLPG implies. INVLPG drops the translation of one page (the whole guest page when it was a
 * large one, splintered into 4 KiB shadow leaves); a change of the paging controls drops all.
 *
 * On a CR3 write, two policies (<paging cache="off|on">):
 * - off (default): the shadow is a virtual TLB. Non-global translations are dropped, the
 *   guest's global ones (its kernel's, with CR4.PGE) stay, as in the CPU's TLB.
 * - on: up to SHADOW_CONTEXTS address spaces per vCPU stay shadowed and are reused when the
 *   guest returns to one. To keep them exact, every guest frame a fill walked through as a
 *   page table is write-protected, and guest writes to it are emulated and drop exactly the
 *   translations whose entries changed (shadow_track.c). This wins when a few address spaces
 *   with stable tables alternate, and loses when page tables change all the time (Linux
 *   fork/exec): bench/paging/REPORT.md has the numbers. Single-vCPU VMs only, for now.
 *
 * Guest-physical addresses that are not RAM (MMIO, unmapped) never get a shadow leaf: each
 * access faults and takes the same path as a nested page fault (exit.c).
 *
 * Shadow tables come from a per-VM pool allocated when the VM is created; when it runs out, the
 * vCPU's tables are dropped and refilled on demand.
 */
#ifndef V3_PAGING_SHADOW_H
#define V3_PAGING_SHADOW_H

#include <v3/types.h>

struct v3_vm;
struct v3_vcpu;

/* Counters, per VM (all vCPUs), reported at VM stop. */
struct v3_shadow_stats {
	u64 fills;		/* shadow leaves installed after a guest walk */
	u64 guest_faults;	/* #PF reflected to the guest (its own tables refuse the access) */
	u64 phys_faults;	/* accesses to non-RAM guest-physical addresses (MMIO, unmapped) */
	u64 emulated;		/* writes emulated (CR0.WP = 0 supervisor writes to read-only) */
	u64 cr3_switches;	/* CR3 writes */
	u64 hits, misses;	/* CR3 writes to a cached address space, or not */
	u64 evictions;		/* cached address spaces dropped for room */
	u64 pt_writes;		/* guest page-table writes emulated and tracked */
	u64 unshadowed;		/* frames no longer tracked as page tables (rewritten as data) */
	u64 flushes;		/* whole-context drops: changes of the paging mode */
	u64 invlpg;		/* INVLPG intercepts */
	u64 pool_exhausted;	/* drops because the pool ran out */
	u64 tables;		/* shadow tables allocated (cumulative) */
};

/* The default number of 4 KiB shadow tables per VM (<paging pages="N"> overrides). */
#define V3_SHADOW_DEFAULT_PAGES 2048

/* VM-wide pool and counters; 0, -V3_ENOMEM. */
int v3_shadow_vm_init(struct v3_vm *vm, unsigned int pages);
void v3_shadow_vm_deinit(struct v3_vm *vm);
int v3_shadow_vcpu_init(struct v3_vcpu *vcpu);
void v3_shadow_vcpu_deinit(struct v3_vcpu *vcpu);

/*
 * The control registers the CPU runs the guest with, derived from the guest's own
 * (vcpu->s.cr0, cr4, efer): paging and write protection always on, PAE always on, NXE always
 * on, long mode only while the guest's is active.
 */
u64 v3_shadow_hw_cr0(const struct v3_vcpu *vcpu);
u64 v3_shadow_hw_cr4(const struct v3_vcpu *vcpu);
u64 v3_shadow_hw_efer(const struct v3_vcpu *vcpu);
/* The root to load as CR3 on the next entry (built if needed): 0, or -V3_ENOMEM. */
int v3_shadow_hw_cr3(struct v3_vcpu *vcpu, u64 *cr3);
/* Whether the hardware TLB must be flushed before the next entry (clears the request). */
bool v3_shadow_take_tlb_flush(struct v3_vcpu *vcpu);

/*
 * A #PF intercepted at linear la with the hardware's error code: fill the shadow, reflect the
 * fault to the guest, or handle the guest-physical access (MMIO). 0 to re-enter, <0 when the
 * VM stopped.
 */
int v3_shadow_page_fault(struct v3_vcpu *vcpu, u64 la, u32 error_code);
/* INVLPG la by the guest. */
void v3_shadow_invlpg(struct v3_vcpu *vcpu, u64 la);
/* The guest's paging controls changed: drop all the vCPU's shadow translations. */
void v3_shadow_flush(struct v3_vcpu *vcpu);
/* The guest wrote CR3: drop the non-global translations, as the CPU's TLB does. */
void v3_shadow_new_cr3(struct v3_vcpu *vcpu);

/* Handlers of the CR access and INVLPG exits (shadow_cr.c). */
int v3_shadow_handle_cr_access(struct v3_vcpu *vcpu);
int v3_shadow_handle_invlpg(struct v3_vcpu *vcpu);
/* An EFER write the MSR hook accepted: flushes if the paging controls changed. */
void v3_shadow_efer_written(struct v3_vcpu *vcpu, u64 old_efer);

/* Maps the all-ones page read-only at la (<unmapped action="ones">). */
int v3_shadow_map_ones(struct v3_vcpu *vcpu, u64 la, u64 ones_hpa);

void v3_shadow_report(const struct v3_vm *vm);

#endif /* V3_PAGING_SHADOW_H */
