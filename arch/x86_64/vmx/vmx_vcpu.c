/* SPDX-License-Identifier: MIT */
/*
 * Intel VT-x per-vCPU state and guest entry: the VMCS (SDM Vol. 3C ch. 25),
 * made active and current on the CPU that runs the vCPU (§25.1, §25.11.1:
 * VMCLEAR on the old CPU before VMPTRLD on a new one), its host state
 * (§25.5), the core's boot state in guest-state fields (§25.4), the CR0/CR4
 * guest/host masks and read shadows (§25.6.6), event injection (§27.6:
 * re-injection of an event whose delivery an exit interrupted, queued
 * exceptions, interrupts with interrupt-window exiting, §25.6.2) and the
 * VMLAUNCH/VMRESUME round trip. Under shadow paging (shadow_to_vmcs) the
 * VMCS switches between EPT with unrestricted guest and the shadow tables.
 */
#include <arch/x86.h>

#include "host_ops.h"
#include "init.h"
#include "lib/string.h"
#include "log.h"
#include "paging/shadow.h"
#include "vm.h"
#include "vmx.h"

#define RFLAGS_FIXED (1UL << 1)
#define DEFAULT_PAT 0x0007040600070406UL
#define EXC_UD 6
#define EXC_PF 14
#define EXC_NMI 2

/* What the debug hook puts in CS: a code segment that is not present (§25.4.1 AR form). */
#define AR_CORRUPT_CS 0x001bu

static const u32 switched_msrs[VMX_SWITCHED_MSRS] = {
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK, MSR_KERNEL_GS_BASE,
};

struct x86_desc_ptr64 {
	u16 limit;
	u64 base;
} __v3_packed;

/* ---- the VMCS's home CPU ---- */

static void vmclear_here(void *arg)
{
	vmx_vmclear(*(u64 *)arg);
}

/* Makes the VMCS inactive on the CPU it was last current on (so it may move or be freed). */
static void vmcs_release(struct vmx_vcpu *s)
{
	if (s->last_cpu < 0)
		return;
	if (v3_core()->pcpu && v3_core()->pcpu[s->last_cpu].enabled)
		v3_host->call_on_cpu((unsigned int)s->last_cpu, vmclear_here, &s->vmcs_pa);
	s->last_cpu = -1;
	s->launched = false;
}

/* ---- host state (§25.5, checked as in §27.2.2-27.2.4) ---- */

static u16 read_sel(int which)
{
	u16 v = 0;

	switch (which) {
	case 0: __asm__ volatile("mov %%cs, %0" : "=r"(v)); break;
	case 1: __asm__ volatile("mov %%ss, %0" : "=r"(v)); break;
	case 2: __asm__ volatile("mov %%ds, %0" : "=r"(v)); break;
	case 3: __asm__ volatile("mov %%es, %0" : "=r"(v)); break;
	case 4: __asm__ volatile("mov %%fs, %0" : "=r"(v)); break;
	case 5: __asm__ volatile("mov %%gs, %0" : "=r"(v)); break;
	default: __asm__ volatile("str %0" : "=r"(v)); break;
	}
	return v;
}

/* The base of the 64-bit TSS descriptor tr selects in the GDT (SDM Vol. 3A §8.2.3). */
static u64 tss_base(u64 gdt_base, u16 tr)
{
	const u8 *d = (const u8 *)(uintptr_t)(gdt_base + (tr & ~7u));

	return (u64)d[2] | (u64)d[3] << 8 | (u64)d[4] << 16 | (u64)d[7] << 24 |
	       (u64)*(const u32 *)(d + 8) << 32;
}

/* Everything about the host that depends on the CPU; written when the VMCS arrives on one. */
static void write_host_state(struct vmx_vcpu *s, const struct vmx_vm *x)
{
	static const u32 sel_fields[] = {
		VMCS_HOST_CS_SEL, VMCS_HOST_SS_SEL, VMCS_HOST_DS_SEL, VMCS_HOST_ES_SEL,
		VMCS_HOST_FS_SEL, VMCS_HOST_GS_SEL, VMCS_HOST_TR_SEL,
	};
	struct x86_desc_ptr64 gdt, idt;

	__asm__ volatile("sgdt %0" : "=m"(gdt));
	__asm__ volatile("sidt %0" : "=m"(idt));
	/* The selectors' RPL and TI must be 0; a null SS is fine in a 64-bit host. */
	for (unsigned int i = 0; i < V3_ARRAY_SIZE(sel_fields); i++)
		vmcs_write(sel_fields[i], read_sel((int)i) & ~7u);
	s->host_cr3 = x86_read_cr3();
	vmcs_write(VMCS_HOST_CR0, x86_read_cr0());
	vmcs_write(VMCS_HOST_CR3, s->host_cr3);
	vmcs_write(VMCS_HOST_CR4, x86_read_cr4() & ~(x->corrupt_host_state ? X86_CR4_VMXE : 0));
	vmcs_write(VMCS_HOST_FS_BASE, x86_rdmsr(MSR_FS_BASE));
	vmcs_write(VMCS_HOST_GS_BASE, x86_rdmsr(MSR_GS_BASE));
	vmcs_write(VMCS_HOST_TR_BASE, tss_base(gdt.base, read_sel(6)));
	vmcs_write(VMCS_HOST_GDTR_BASE, gdt.base);
	vmcs_write(VMCS_HOST_IDTR_BASE, idt.base);
	vmcs_write(VMCS_HOST_SYSENTER_CS, x86_rdmsr(MSR_IA32_SYSENTER_CS));
	vmcs_write(VMCS_HOST_SYSENTER_ESP, x86_rdmsr(MSR_IA32_SYSENTER_ESP));
	vmcs_write(VMCS_HOST_SYSENTER_EIP, x86_rdmsr(MSR_IA32_SYSENTER_EIP));
	vmcs_write(VMCS_HOST_EFER, x86_rdmsr(MSR_EFER));
	vmcs_write(VMCS_HOST_PAT, x86_rdmsr(MSR_IA32_PAT));
	vmcs_write(VMCS_HOST_RIP, (u64)(uintptr_t)vmx_exit_entry);
	/* VM exit restores this CPU's values of the MSRs the VMCS does not switch. */
	for (unsigned int i = 0; i < VMX_SWITCHED_MSRS; i++)
		s->host_msrs[i].value = x86_rdmsr(switched_msrs[i]);
}

/* ---- the boot state the core decided (boot/boot.h), in VMCS form ---- */

/* seg: 0..5 as enum v3_seg_reg, 6 LDTR, 7 TR (the VMCS field order, §B.1.2). */
static void set_seg(unsigned int seg, const struct v3_segment *from)
{
	/* A null segment (attrib 0) must be marked unusable (§25.4.1). */
	u32 ar = from->attrib ? vmx_ar_from_attrib(from->attrib) : VMX_AR_UNUSABLE;

	vmcs_write(VMCS_GUEST_ES_SEL + 2 * seg, from->selector);
	vmcs_write(VMCS_GUEST_ES_BASE + 2 * seg, from->base);
	vmcs_write(VMCS_GUEST_ES_LIMIT + 2 * seg, from->limit);
	vmcs_write(VMCS_GUEST_ES_AR + 2 * seg, ar);
}

static void write_guest_state(struct v3_vcpu *vcpu)
{
	const struct v3_vm *vm = vcpu->vm;
	const struct vmx_vm *x = vm->arch_data;
	const struct v3_boot_state *b = &vm->boot;

	for (unsigned int seg = 0; seg < V3_SEG_MAX; seg++)
		set_seg(seg, &b->seg[seg]);
	set_seg(6, &b->ldtr);
	set_seg(7, &b->tr);
	if (x->corrupt_guest_state)
		vmcs_write(VMCS_GUEST_ES_AR + 2 * V3_SEG_CS, AR_CORRUPT_CS);
	vmcs_write(VMCS_GUEST_GDTR_BASE, b->gdtr.base);
	vmcs_write(VMCS_GUEST_GDTR_LIMIT, b->gdtr.limit);
	vmcs_write(VMCS_GUEST_IDTR_BASE, b->idtr.base);
	vmcs_write(VMCS_GUEST_IDTR_LIMIT, b->idtr.limit);
	vmcs_write(VMCS_GUEST_DR7, 0x400);
	vmcs_write(VMCS_GUEST_DEBUGCTL, 0);
	vmcs_write(VMCS_GUEST_PAT, DEFAULT_PAT);
	vmcs_write(VMCS_GUEST_SYSENTER_CS, 0);
	vmcs_write(VMCS_GUEST_SYSENTER_ESP, 0);
	vmcs_write(VMCS_GUEST_SYSENTER_EIP, 0);
	vmcs_write(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmcs_write(VMCS_GUEST_ACTIVITY, 0);
	vmcs_write(VMCS_GUEST_PENDING_DBG, 0);
	/* The PDPTE fields exist only on CPUs with EPT (§25.4.2). */
	for (unsigned int i = 0; x->ept.root_pa && i < 4; i++)
		vmcs_write(VMCS_GUEST_PDPTE0 + 2 * i, 0);
}

/*
 * The first entry's VMCS: controls, bitmaps, MSR areas, EPT, CR masks and
 * the boot state. A field the CPU refuses is a backend bug: say which.
 */
static int setup_vmcs(struct v3_vcpu *vcpu)
{
	struct vmx_vcpu *s = vcpu->arch;
	struct vmx_vm *x = vcpu->vm->arch_data;
	const struct {
		u32 field;
		u64 value;
	} fields[] = {
		{ VMCS_LINK_POINTER, ~0UL },
		{ VMCS_PIN_CTLS, x->ctls.pin },
		{ VMCS_PROC_CTLS, x->ctls.proc },
		{ VMCS_PROC_CTLS2, x->ctls.proc2 },
		{ VMCS_EXIT_CTLS, x->ctls.exit },
		{ VMCS_ENTRY_CTLS, x->ctls.entry },
		/*
		 * #UD: VMMCALL, the other vendor's hypercall; the core checks the bytes. Under
		 * shadow paging every #PF too (error-code mask and match 0).
		 */
		{ VMCS_EXCEPTION_BITMAP, 1u << EXC_UD | (vcpu->vm->shadow ? 1u << EXC_PF : 0) },
		{ VMCS_PF_ERROR_MASK, 0 },
		{ VMCS_PF_ERROR_MATCH, 0 },
		{ VMCS_CR3_TARGET_COUNT, 0 },
		{ VMCS_IO_BITMAP_A, x->io_bitmaps_pa },
		{ VMCS_IO_BITMAP_B, x->io_bitmaps_pa + V3_PAGE_SIZE },
		{ VMCS_MSR_BITMAP, x->msr_bitmap_pa },
		{ VMCS_ENTRY_MSR_LOAD_ADDR, s->msr_area_pa },
		{ VMCS_ENTRY_MSR_LOAD_COUNT, VMX_SWITCHED_MSRS },
		{ VMCS_EXIT_MSR_STORE_ADDR, s->msr_area_pa },
		{ VMCS_EXIT_MSR_STORE_COUNT, VMX_SWITCHED_MSRS },
		{ VMCS_EXIT_MSR_LOAD_ADDR, s->msr_area_pa + V3_PAGE_SIZE / 2 },
		{ VMCS_EXIT_MSR_LOAD_COUNT, VMX_SWITCHED_MSRS },
		{ VMCS_ENTRY_INTR_INFO, 0 },
		{ VMCS_TSC_OFFSET, vcpu->vm->tsc_offset },
		{ VMCS_CR0_MASK, x->cr0_mask },
		{ VMCS_CR4_MASK, x->cr4_mask },
		{ VMCS_GUEST_CR3, 0 },
		{ VMCS_GUEST_EFER, 0 },
	};

	for (unsigned int i = 0; i < V3_ARRAY_SIZE(fields); i++) {
		if (!vmcs_write_ok(fields[i].field, fields[i].value)) {
			v3_err("vm %s: VMWRITE of VMCS field 0x%04x failed (VM-instruction "
			       "error %lu)", vcpu->vm->name, fields[i].field,
			       vmcs_read(VMCS_INSN_ERROR));
			return -V3_EIO;
		}
	}
	if (x->vpid)
		vmcs_write(VMCS_VPID, x->vpid);
	/* Shadow paging without EPT: the field may not exist. */
	if (x->ept.root_pa)
		vmcs_write(VMCS_EPTP, x->eptp);
	if (x->ctls.proc2 & PROC2_XSAVES)
		vmcs_write(VMCS_XSS_EXIT_BITMAP, 0);
	write_guest_state(vcpu);
	s->pin = x->ctls.pin;
	s->proc = x->ctls.proc;
	s->proc2 = x->ctls.proc2;
	s->entry = x->ctls.entry;
	/* Force the first entry to write the registers the core owns. */
	s->rip = s->rsp = s->rflags = s->cr0 = s->cr3 = s->cr4 = s->efer = ~0UL;
	s->initialized = true;
	return 0;
}

/* Drops this CPU's cached EPT translations of the VM (single-context if the CPU has it). */
static void ept_flush(const struct vmx_vm *x)
{
	u64 cap = v3_core()->features.vmx.ept_vpid_cap;

	if (!x->ept.root_pa)
		return;  /* shadow paging without EPT */
	if (cap & EPT_CAP_INVEPT_SINGLE)
		vmx_invept(INVEPT_SINGLE, x->eptp);
	else if (cap & EPT_CAP_INVEPT_ALL)
		vmx_invept(INVEPT_ALL, 0);
}

/* Drops this CPU's cached linear translations of the VM's VPID (single-context if it can). */
static void vpid_flush(const struct vmx_vm *x)
{
	u64 cap = v3_core()->features.vmx.ept_vpid_cap;

	vmx_invvpid((cap & VPID_CAP_INVVPID_SINGLE) ? INVVPID_SINGLE : INVVPID_ALL, x->vpid);
}

/* Makes the VMCS current on this CPU, moving it here first if it was active elsewhere. */
static int vmcs_load(struct v3_vcpu *vcpu, unsigned int cpu)
{
	struct vmx_vcpu *s = vcpu->arch;
	struct vmx_vm *x = vcpu->vm->arch_data;

	if (s->last_cpu == (int)cpu) {
		/* Another vCPU's VMCS may have been made current here meanwhile. */
		if (vmx_vmptrst() != s->vmcs_pa && !vmx_vmptrld(s->vmcs_pa))
			return -V3_EIO;
		return 0;
	}
	/* vmx_vcpu_run released it from its old CPU; this sets the launch state clear. */
	if (!vmx_vmclear(s->vmcs_pa))
		return -V3_EIO;
	if (!vmx_vmptrld(s->vmcs_pa)) {
		v3_err("vm %s: VMPTRLD of the VMCS at 0x%lx failed", vcpu->vm->name, s->vmcs_pa);
		return -V3_EIO;
	}
	s->last_cpu = (int)cpu;
	s->launched = false;
	if (!s->initialized) {
		int rc = setup_vmcs(vcpu);

		if (rc)
			return rc;
	}
	write_host_state(s, x);
	/*
	 * Translations this CPU may hold for the VM's VPID or EPT are stale: the
	 * vCPU ran elsewhere since, or a previous VM used the same VPID or EPT root.
	 */
	ept_flush(x);
	if (x->vpid)
		vpid_flush(x);
	s->ept_epoch = __atomic_load_n(&x->ept_epoch, __ATOMIC_ACQUIRE);
	return 0;
}

/* ---- life cycle ---- */

int vmx_vcpu_init(struct v3_vcpu *vcpu)
{
	const struct vmx_features *v = &v3_core()->features.vmx;
	struct vmx_vcpu *s;
	const struct v3_boot_state *b = &vcpu->vm->boot;

	s = v3_zalloc(sizeof(*s));
	if (!s)
		return -V3_ENOMEM;
	vcpu->arch = s;
	s->last_cpu = -1;
	s->vmcs_pa = v3_host->alloc_pages(1, V3_PAGE_SIZE, V3_NUMA_ANY);
	s->msr_area_pa = v3_host->alloc_pages(1, V3_PAGE_SIZE, V3_NUMA_ANY);
	if (!s->vmcs_pa || !s->msr_area_pa)
		return -V3_ENOMEM;
	s->vmcs = v3_host->paddr_to_vaddr(s->vmcs_pa);
	v3_memset(s->vmcs, 0, V3_PAGE_SIZE);
	*(u32 *)s->vmcs = v->vmcs_revision;  /* bit 31 clear: an ordinary VMCS */
	s->guest_msrs = v3_host->paddr_to_vaddr(s->msr_area_pa);
	s->host_msrs = s->guest_msrs + V3_PAGE_SIZE / 2 / sizeof(*s->guest_msrs);
	v3_memset(s->guest_msrs, 0, V3_PAGE_SIZE);
	for (unsigned int i = 0; i < VMX_SWITCHED_MSRS; i++)
		s->guest_msrs[i].index = s->host_msrs[i].index = switched_msrs[i];

	/* The registers the core owns go in at the first entry (state_to_vmcs). */
	vcpu->s.gprs = b->gprs;
	vcpu->s.rip = b->rip;
	vcpu->s.rflags = b->rflags | RFLAGS_FIXED;
	vcpu->s.cr0 = b->cr0;
	vcpu->s.cr3 = b->cr3;
	vcpu->s.cr4 = b->cr4;
	vcpu->s.efer = b->efer;
	return 0;
}

void vmx_vcpu_deinit(struct v3_vcpu *vcpu)
{
	struct vmx_vcpu *s = vcpu->arch;

	if (!s)
		return;
	/* The CPU may still hold parts of an active VMCS: VMCLEAR before freeing it. */
	vmcs_release(s);
	if (s->vmcs_pa)
		v3_host->free_pages(s->vmcs_pa, 1);
	if (s->msr_area_pa)
		v3_host->free_pages(s->msr_area_pa, 1);
	v3_free(s);
	vcpu->arch = NULL;
}

int vmx_set_preemption_timer(struct v3_vcpu *vcpu, u64 tsc_ticks)
{
	struct vmx_vcpu *s = vcpu->arch;

	if (tsc_ticks && !v3_core()->features.vmx.preemption_timer)
		return -V3_ENOTSUP;
	s->preempt_ticks = tsc_ticks;
	return 0;
}

void vmx_debug_corrupt_guest_state(struct v3_vm *vm)
{
	struct vmx_vm *x = vm->arch_data;

	/* Applied when a vCPU's VMCS is first set up, i.e. call it before the VM runs. */
	x->corrupt_guest_state = true;
}

void vmx_debug_corrupt_host_state(struct v3_vm *vm)
{
	struct vmx_vm *x = vm->arch_data;

	/* Applied when a vCPU's VMCS arrives on a CPU. */
	x->corrupt_host_state = true;
}

/* ---- entry and exit ---- */

static u64 cr0_real(const struct vmx_features *v, u64 cr0)
{
	return (cr0 | (v->cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG))) & v->cr0_fixed1;
}

static u64 cr4_real(const struct vmx_features *v, u64 cr4)
{
	return (cr4 | v->cr4_fixed0) & v->cr4_fixed1;
}

/*
 * Under shadow paging (paging/shadow.h) the guest's CRs are the core's: the read shadows hold
 * them and the guest fields what the CPU runs the guest with. With the guest's paging on: the
 * shadow root as CR3, EPT and unrestricted guest off (VM entry then loads the PAE root's
 * PDPTEs from CR3, §27.3.2.4). With it off: as under nested paging, with EPT and unrestricted
 * guest, since without them VM entry wants CR0.PE = PG = 1 (§27.3.1.1). s->cr3 holds
 * GUEST_CR3 here. 0, or <0 when the guest cannot run (the VM stopped, saying why).
 */
static int shadow_to_vmcs(struct v3_vcpu *vcpu, struct vmx_vcpu *s)
{
	const struct vmx_features *v = &v3_core()->features.vmx;
	const struct vmx_vm *x = vcpu->vm->arch_data;
	const struct v3_vcpu_state *g = &vcpu->s;
	bool paged = g->cr0 & X86_CR0_PG;
	u32 proc2 = s->proc2 & ~(PROC2_EPT | PROC2_UNRESTRICTED);
	u64 cr3 = g->cr3, efer = v3_shadow_hw_efer(vcpu);
	bool flush;
	int rc;

	if (!paged && !x->ept_ug)
		return v3_vcpu_stop_vm(vcpu, V3_STOP_ERROR, 0, "the guest turned paging off at RIP "
				       "0x%lx: without unrestricted guest and EPT this CPU runs only "
				       "paged guests under shadow paging", g->rip);
	if (paged) {
		rc = v3_shadow_hw_cr3(vcpu, &cr3);
		if (rc)
			return v3_vcpu_stop_vm(vcpu, V3_STOP_ERROR, 0, "no shadow page-table root "
					       "(%d)", rc);
	} else {
		proc2 |= PROC2_EPT | PROC2_UNRESTRICTED;
	}
	/* Translations made with EPT on or off are not the other's: flush on a switch. */
	flush = v3_shadow_take_tlb_flush(vcpu) || proc2 != s->proc2;
	if (proc2 != s->proc2)
		vmcs_write(VMCS_PROC_CTLS2, s->proc2 = proc2);
	if (g->cr0 != s->cr0) {
		vmcs_write(VMCS_GUEST_CR0, cr0_real(v, paged ? v3_shadow_hw_cr0(vcpu) : g->cr0));
		vmcs_write(VMCS_CR0_SHADOW, s->cr0 = g->cr0);
	}
	/* PAE with paging off does nothing: the same CR4 for both. */
	if (g->cr4 != s->cr4) {
		vmcs_write(VMCS_GUEST_CR4, cr4_real(v, v3_shadow_hw_cr4(vcpu)));
		vmcs_write(VMCS_CR4_SHADOW, s->cr4 = g->cr4);
	}
	if (cr3 != s->cr3)
		vmcs_write(VMCS_GUEST_CR3, s->cr3 = cr3);
	if (efer != s->efer)
		vmcs_write(VMCS_GUEST_EFER, s->efer = efer);
	/* Without a VPID, VM entries and exits flush the linear translations (§29.4.3.1). */
	if (flush && x->vpid)
		vpid_flush(x);
	return 0;
}

/* Writes what the core changed since the exit (or everything before the first entry). */
static int state_to_vmcs(struct v3_vcpu *vcpu, struct vmx_vcpu *s)
{
	const struct vmx_features *v = &v3_core()->features.vmx;
	const struct v3_vcpu_state *g = &vcpu->s;
	u32 entry;
	int rc;

	if (g->rip != s->rip)
		vmcs_write(VMCS_GUEST_RIP, s->rip = g->rip);
	if (g->gprs.rsp != s->rsp)
		vmcs_write(VMCS_GUEST_RSP, s->rsp = g->gprs.rsp);
	if (g->rflags != s->rflags)
		vmcs_write(VMCS_GUEST_RFLAGS, (s->rflags = g->rflags) | RFLAGS_FIXED);
	if (vcpu->shadow) {
		rc = shadow_to_vmcs(vcpu, s);
		if (rc)
			return rc;
	} else if (g->cr0 != s->cr0) {
		vmcs_write(VMCS_GUEST_CR0, cr0_real(v, g->cr0));
		vmcs_write(VMCS_CR0_SHADOW, s->cr0 = g->cr0);
	}
	if (!vcpu->shadow && g->cr3 != s->cr3)
		vmcs_write(VMCS_GUEST_CR3, s->cr3 = g->cr3);
	if (!vcpu->shadow && g->cr4 != s->cr4) {
		vmcs_write(VMCS_GUEST_CR4, cr4_real(v, g->cr4));
		vmcs_write(VMCS_CR4_SHADOW, s->cr4 = g->cr4);
	}
	if (!vcpu->shadow && g->efer != s->efer)
		vmcs_write(VMCS_GUEST_EFER, s->efer = g->efer);
	/* The guest is in IA-32e mode exactly when its EFER.LMA is set (§27.3.1.1). */
	entry = s->entry & ~ENTRY_IA32E_GUEST;
	if (g->efer & X86_EFER_LMA)
		entry |= ENTRY_IA32E_GUEST;
	if (entry != s->entry) {
		vmcs_write(VMCS_ENTRY_CTLS, entry);
		s->entry = entry;
	}
	return 0;
}

static void state_from_vmcs(struct v3_vcpu *vcpu, struct vmx_vcpu *s)
{
	const struct vmx_vm *x = vcpu->vm->arch_data;
	struct v3_vcpu_state *g = &vcpu->s;

	g->rip = s->rip = vmcs_read(VMCS_GUEST_RIP);
	g->gprs.rsp = s->rsp = vmcs_read(VMCS_GUEST_RSP);
	g->rflags = s->rflags = vmcs_read(VMCS_GUEST_RFLAGS);
	/* CPL is SS.DPL (§25.4.1). */
	g->cpl = (u8)((vmcs_read(VMCS_GUEST_ES_AR + 2 * V3_SEG_SS) >> 5) & 3);
	s->interruptibility = (u32)vmcs_read(VMCS_GUEST_INTERRUPTIBILITY);
	/* Under shadow paging every change of these exits: the core's copies are the guest's. */
	if (vcpu->shadow)
		return;
	/* The guest sees its own value of the bits the host owns: the read shadow's. */
	g->cr0 = s->cr0 = (vmcs_read(VMCS_GUEST_CR0) & ~x->cr0_mask) | (g->cr0 & x->cr0_mask);
	g->cr3 = s->cr3 = vmcs_read(VMCS_GUEST_CR3);
	g->cr4 = s->cr4 = (vmcs_read(VMCS_GUEST_CR4) & ~x->cr4_mask) | (g->cr4 & x->cr4_mask);
	g->efer = s->efer = vmcs_read(VMCS_GUEST_EFER);
}

static bool has_error_code(u8 vector)
{
	/* #DF, #TS, #NP, #SS, #GP, #PF, #AC */
	return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17;
}

/*
 * What to deliver on this entry: an event whose delivery the last exit
 * interrupted comes first, then a queued exception, then the highest pending
 * interrupt if the guest can take one now (RFLAGS.IF and no STI/MOV-SS
 * blocking); otherwise ask for an exit when it can (interrupt-window exiting).
 */
static void inject_events(struct v3_vcpu *vcpu, struct vmx_vcpu *s)
{
	u32 proc = s->proc & ~PROC_INTR_WINDOW_EXIT;
	u32 block = s->interruptibility;
	u32 info = 0;
	int vector;

	/* Skipping the exiting instruction ends the STI / MOV SS shadow it was in. */
	if (vcpu->s.rip != s->rip || !(vcpu->s.rflags & X86_RFLAGS_IF))
		block &= ~(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS);
	if (block != s->interruptibility) {
		vmcs_write(VMCS_GUEST_INTERRUPTIBILITY, block);
		s->interruptibility = block;
	}

	if (s->reinject_info & INTR_INFO_VALID) {
		info = s->reinject_info;
		if (info & INTR_INFO_ERROR_VALID)
			vmcs_write(VMCS_ENTRY_EXC_ERROR, s->reinject_error);
		vmcs_write(VMCS_ENTRY_INSN_LEN, s->reinject_len);
		s->reinject_info = 0;
	} else if (vcpu->exception.valid) {
		info = vcpu->exception.vector | INTR_TYPE_HW_EXC | INTR_INFO_VALID;
		/* A real-mode guest's exceptions push no error code (§27.2.1.3). */
		if (vcpu->exception.has_error && has_error_code(vcpu->exception.vector) &&
		    (vcpu->s.cr0 & X86_CR0_PE)) {
			info |= INTR_INFO_ERROR_VALID;
			vmcs_write(VMCS_ENTRY_EXC_ERROR, vcpu->exception.error);
		}
		vcpu->exception.valid = false;
	}

	vector = v3_intr_next(vcpu);
	if (vector >= 0) {
		if (!info && (vcpu->s.rflags & X86_RFLAGS_IF) &&
		    !(block & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS))) {
			v3_intr_ack(vcpu, (u8)vector);
			info = (u32)vector | INTR_TYPE_EXT_INTR | INTR_INFO_VALID;
		} else {
			proc |= PROC_INTR_WINDOW_EXIT;
		}
	}
	if (info)
		vmcs_write(VMCS_ENTRY_INTR_INFO, info);
	if (proc != s->proc) {
		vmcs_write(VMCS_PROC_CTLS, proc);
		s->proc = proc;
	}
}

/* An event the exit interrupted is delivered again on the next entry (§28.2.4, §27.6). */
static void save_idt_vectoring(struct vmx_vcpu *s)
{
	u32 info = (u32)vmcs_read(VMCS_IDT_VEC_INFO);
	u32 type = info & INTR_TYPE_MASK;

	s->reinject_info = 0;
	if (!(info & INTR_INFO_VALID))
		return;
	s->reinject_info = info & (INTR_INFO_VALID | INTR_INFO_ERROR_VALID | INTR_TYPE_MASK |
				   INTR_INFO_VECTOR);
	s->reinject_error = (info & INTR_INFO_ERROR_VALID) ? (u32)vmcs_read(VMCS_IDT_VEC_ERROR) : 0;
	s->reinject_len = (type == INTR_TYPE_SW_INTR || type == INTR_TYPE_PRIV_SW_EXC ||
			   type == INTR_TYPE_SW_EXC) ? (u32)vmcs_read(VMCS_EXIT_INSN_LEN) : 0;
}

static void update_preemption_timer(struct vmx_vcpu *s)
{
	u32 pin = s->pin & ~PIN_PREEMPTION_TIMER;

	if (s->preempt_ticks) {
		u64 t = s->preempt_ticks >> v3_core()->features.vmx.preemption_timer_rate;

		pin |= PIN_PREEMPTION_TIMER;
		vmcs_write(VMCS_PREEMPTION_TIMER, t ? (t > 0xffffffffUL ? 0xffffffffUL : t) : 1);
	}
	if (pin != s->pin) {
		vmcs_write(VMCS_PIN_CTLS, pin);
		s->pin = pin;
	}
}

int vmx_vcpu_run(struct v3_vcpu *vcpu)
{
	struct vmx_vcpu *s = vcpu->arch;
	struct vmx_vm *x = vcpu->vm->arch_data;
	unsigned int cpu = v3_host->cpu_id();
	u32 epoch;
	bool irqs;
	int rc;

	/* Moving the VMCS may need the old CPU (VMCLEAR there): interrupts still on. */
	if (s->last_cpu != (int)cpu && s->last_cpu >= 0)
		vmcs_release(s);
	/*
	 * Interrupts stay off from the injection decision to VM entry: one
	 * arriving meanwhile stays pending and makes the guest exit at once.
	 */
	irqs = x86_irq_save();
	rc = vmcs_load(vcpu, cpu);
	if (rc) {
		x86_irq_restore(irqs);
		vcpu->exit = (struct v3_exit){ .kind = V3_EXIT_ENTRY_FAILED,
					       .raw_code = VMX_RAW_VMFAIL_INVALID };
		return rc;
	}
	if (x86_read_cr3() != s->host_cr3) {
		s->host_cr3 = x86_read_cr3();
		vmcs_write(VMCS_HOST_CR3, s->host_cr3);
	}
	epoch = __atomic_load_n(&x->ept_epoch, __ATOMIC_ACQUIRE);
	if (epoch != s->ept_epoch) {
		ept_flush(x);
		s->ept_epoch = epoch;
	}
	inject_events(vcpu, s);  /* compares RIP with the exit's: before state_to_vmcs */
	if (state_to_vmcs(vcpu, s)) {
		x86_irq_restore(irqs);
		vcpu->exit = (struct v3_exit){ .kind = V3_EXIT_ENTRY_FAILED };
		return -V3_EIO;
	}
	vmcs_write(VMCS_TSC_OFFSET, vcpu->vm->tsc_offset);
	update_preemption_timer(s);
	/* CR2 is not part of the VMCS: the guest's value lives in the register. */
	if (x86_read_cr2() != vcpu->s.cr2)
		x86_write_cr2(vcpu->s.cr2);
	vcpu->launched = true;

	rc = vmx_enter(&vcpu->s.gprs, s->launched);

	if (rc != VMX_ENTER_OK) {
		x86_irq_restore(irqs);
		vmx_decode_vmfail(vcpu, rc);
		return -V3_EIO;
	}
	s->launched = true;
	vcpu->s.cr2 = x86_read_cr2();
	state_from_vmcs(vcpu, s);
	save_idt_vectoring(s);
	vmx_decode_exit(vcpu, (u32)vmcs_read(VMCS_EXIT_REASON));
	/* An NMI that made the guest exit was meant for the host: deliver it there. */
	if (vcpu->exit.kind == V3_EXIT_NMI)
		__asm__ volatile("int $2" : : : "memory");
	x86_irq_restore(irqs);
	return vcpu->exit.kind == V3_EXIT_ENTRY_FAILED ? -V3_EIO : 0;
}

/* From the VMCS, so only on the vCPU's CPU between an exit and the next entry. */
void vmx_get_segment(struct v3_vcpu *vcpu, int seg, struct v3_segment *out)
{
	unsigned int i = (unsigned int)seg < V3_SEG_MAX ? (unsigned int)seg : V3_SEG_DS;
	u32 ar = (u32)vmcs_read(VMCS_GUEST_ES_AR + 2 * i);

	*out = (struct v3_segment){
		.selector = (u16)vmcs_read(VMCS_GUEST_ES_SEL + 2 * i),
		.base = vmcs_read(VMCS_GUEST_ES_BASE + 2 * i),
		.limit = (u32)vmcs_read(VMCS_GUEST_ES_LIMIT + 2 * i),
		.attrib = (ar & VMX_AR_UNUSABLE) ? 0 : vmx_attrib_from_ar(ar),
	};
}
