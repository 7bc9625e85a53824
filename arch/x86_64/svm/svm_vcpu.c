/* SPDX-License-Identifier: MIT */
/*
 * AMD-V per-vCPU state and guest entry: the VMCB, the guest's initial state
 * (the core's boot state, boot/boot.h), event injection (APM §15.20: EVENTINJ, re-injection of
 * an event whose delivery an exit interrupted, the virtual interrupt window
 * of §15.21.4) and the VMRUN round trip.
 */
#include <arch/x86.h>

#include "host_ops.h"
#include "init.h"
#include "lib/string.h"
#include "log.h"
#include "paging/shadow.h"
#include "svm.h"
#include "vm.h"

#define RFLAGS_IF (1UL << 9)
#define RFLAGS_FIXED (1UL << 1)
#define DEFAULT_PAT 0x0007040600070406UL
#define EXC_UD 6
#define EXC_PF 14

static void set_seg(struct vmcb_seg *s, const struct v3_segment *from)
{
	*s = (struct vmcb_seg){ .selector = from->selector, .attrib = from->attrib,
				.limit = from->limit, .base = from->base };
}

/* The boot state the core decided (boot/boot.h), in VMCB form: the same attribute layout. */
static void init_guest_state(struct v3_vcpu *vcpu, struct vmcb_save *g)
{
	const struct v3_boot_state *b = &vcpu->vm->boot;
	struct vmcb_seg *segs[V3_SEG_MAX] = {
		[V3_SEG_ES] = &g->es, [V3_SEG_CS] = &g->cs, [V3_SEG_SS] = &g->ss,
		[V3_SEG_DS] = &g->ds, [V3_SEG_FS] = &g->fs, [V3_SEG_GS] = &g->gs,
	};

	g->g_pat = DEFAULT_PAT;
	g->dr6 = 0xffff0ff0;
	g->dr7 = 0x400;
	for (unsigned int i = 0; i < V3_SEG_MAX; i++)
		set_seg(segs[i], &b->seg[i]);
	set_seg(&g->gdtr, &b->gdtr);
	set_seg(&g->idtr, &b->idtr);
	set_seg(&g->ldtr, &b->ldtr);
	set_seg(&g->tr, &b->tr);
	/* CPL is SS.DPL; the VMCB keeps it apart. */
	g->cpl = (u8)((b->seg[V3_SEG_SS].attrib >> 5) & 3);
	/* The registers the core owns go in at every entry (state_to_vmcb). */
	vcpu->s.gprs = b->gprs;
	vcpu->s.rip = b->rip;
	vcpu->s.rflags = b->rflags | RFLAGS_FIXED;
	vcpu->s.cr0 = b->cr0;
	vcpu->s.cr3 = b->cr3;
	vcpu->s.cr4 = b->cr4;
	vcpu->s.efer = b->efer;
	g->rip = b->rip;
	g->rsp = b->gprs.rsp;
	g->rax = b->gprs.rax;
	g->rflags = vcpu->s.rflags;
	g->cr0 = b->cr0;
	g->cr3 = b->cr3;
	g->cr4 = b->cr4;
	g->efer = b->efer | X86_EFER_SVME;  /* VMRUN requires SVME; the guest never sees it */
}

int svm_vcpu_init(struct v3_vcpu *vcpu)
{
	struct v3_vm *vm = vcpu->vm;
	struct svm_vm *svm = vm->arch_data;
	struct svm_vcpu *s;
	struct vmcb_control *c;

	s = v3_zalloc(sizeof(*s));
	if (!s)
		return -V3_ENOMEM;
	vcpu->arch = s;
	s->last_cpu = -1;
	s->vmcb_pa = v3_host->alloc_pages(1, V3_PAGE_SIZE, V3_NUMA_ANY);
	if (!s->vmcb_pa)
		return -V3_ENOMEM;
	s->vmcb = v3_host->paddr_to_vaddr(s->vmcb_pa);
	v3_memset(s->vmcb, 0, sizeof(*s->vmcb));

	c = &s->vmcb->control;
	c->intercept_exceptions = 1u << EXC_UD;  /* VMCALL, the other vendor's hypercall */
	c->intercept_misc1 = SVM_INTERCEPT_INTR | SVM_INTERCEPT_NMI | SVM_INTERCEPT_SMI |
			     SVM_INTERCEPT_INIT | SVM_INTERCEPT_CPUID | SVM_INTERCEPT_INVD |
			     SVM_INTERCEPT_HLT | SVM_INTERCEPT_IOIO | SVM_INTERCEPT_MSR |
			     SVM_INTERCEPT_TASK_SWITCH | SVM_INTERCEPT_FERR_FREEZE |
			     SVM_INTERCEPT_SHUTDOWN;
	c->intercept_misc2 = SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL | SVM_INTERCEPT_VMLOAD |
			     SVM_INTERCEPT_VMSAVE | SVM_INTERCEPT_STGI | SVM_INTERCEPT_CLGI |
			     SVM_INTERCEPT_SKINIT | SVM_INTERCEPT_ICEBP | SVM_INTERCEPT_MONITOR |
			     SVM_INTERCEPT_MWAIT | SVM_INTERCEPT_XSETBV;
	c->iopm_base_pa = svm->iopm_pa;
	c->msrpm_base_pa = svm->msrpm_pa;
	c->guest_asid = svm->asid;
	/* The host, not the guest's RFLAGS.IF, decides when host interrupts arrive. */
	c->v_intr = SVM_V_INTR_MASKING;
	if (vm->shadow) {
		/* The guest's CRs are the core's (paging/shadow_cr.c); its #PF and INVLPG too. */
		c->intercept_cr = SVM_INTERCEPT_CR_SHADOW;
		c->intercept_exceptions |= 1u << EXC_PF;
		c->intercept_misc1 |= SVM_INTERCEPT_INVLPG;
	} else {
		c->np_enable = 1;
		c->n_cr3 = svm->npt.root_pa;
	}

	init_guest_state(vcpu, &s->vmcb->save);
	return 0;
}

void svm_vcpu_deinit(struct v3_vcpu *vcpu)
{
	struct svm_vcpu *s = vcpu->arch;

	if (!s)
		return;
	if (s->vmcb_pa)
		v3_host->free_pages(s->vmcb_pa, 1);
	v3_free(s);
	vcpu->arch = NULL;
}

/*
 * The guest's state goes in, under shadow paging with the control registers the CPU must run
 * it with (shadow.h): 0, or -V3_ENOMEM when no shadow root could be built.
 */
static int state_to_vmcb(struct v3_vcpu *vcpu, struct vmcb *vmcb)
{
	struct vmcb_save *g = &vmcb->save;

	/*
	 * The core moved RIP past the exiting instruction: an STI or MOV SS
	 * shadow covered only that instruction and must not outlive it.
	 */
	if (g->rip != vcpu->s.rip)
		vmcb->control.interrupt_shadow &= ~1UL;
	g->rax = vcpu->s.gprs.rax;
	g->rsp = vcpu->s.gprs.rsp;
	g->rip = vcpu->s.rip;
	g->rflags = vcpu->s.rflags;
	g->cr2 = vcpu->s.cr2;
	if (vcpu->shadow) {
		g->cr0 = v3_shadow_hw_cr0(vcpu);
		g->cr4 = v3_shadow_hw_cr4(vcpu);
		u64 cr3;
		int rc = v3_shadow_hw_cr3(vcpu, &cr3);

		g->efer = v3_shadow_hw_efer(vcpu) | X86_EFER_SVME;
		g->cr3 = cr3;
		return rc;
	}
	g->cr0 = vcpu->s.cr0;
	g->cr3 = vcpu->s.cr3;
	g->cr4 = vcpu->s.cr4;
	g->efer = vcpu->s.efer | X86_EFER_SVME;
	return 0;
}

static void state_from_vmcb(struct v3_vcpu *vcpu, const struct vmcb_save *g)
{
	vcpu->s.gprs.rax = g->rax;
	vcpu->s.gprs.rsp = g->rsp;
	vcpu->s.rip = g->rip;
	vcpu->s.rflags = g->rflags;
	vcpu->s.cr2 = g->cr2;
	vcpu->s.cpl = g->cpl;
	/* Under shadow paging every change of these exits: the core's copies are the guest's. */
	if (vcpu->shadow)
		return;
	vcpu->s.cr0 = g->cr0;
	vcpu->s.cr3 = g->cr3;
	vcpu->s.cr4 = g->cr4;
	vcpu->s.efer = g->efer & ~X86_EFER_SVME;
}

/*
 * What to deliver on this entry: an event whose delivery the last exit
 * interrupted comes first (it is already in EVENTINJ), then a queued
 * exception, then the highest pending interrupt if the guest can take one
 * now; otherwise ask for an exit when it can (V_IRQ + VINTR intercept).
 */
static void inject_events(struct v3_vcpu *vcpu, struct vmcb *vmcb)
{
	struct vmcb_control *c = &vmcb->control;
	int vector;

	c->v_intr &= ~SVM_V_IRQ;
	c->intercept_misc1 &= ~SVM_INTERCEPT_VINTR;
	if (c->eventinj & SVM_EVT_VALID)
		return;
	if (vcpu->exception.valid) {
		c->eventinj = vcpu->exception.vector | SVM_EVT_TYPE_EXCEPTION | SVM_EVT_VALID;
		if (vcpu->exception.has_error)
			c->eventinj |= SVM_EVT_ERROR_VALID | ((u64)vcpu->exception.error << 32);
		vcpu->exception.valid = false;
		return;
	}
	vector = v3_intr_next(vcpu);
	if (vector < 0)
		return;
	if ((vmcb->save.rflags & RFLAGS_IF) && !(c->interrupt_shadow & 1)) {
		v3_intr_ack(vcpu, (u8)vector);
		c->eventinj = (u64)vector | SVM_EVT_TYPE_INTR | SVM_EVT_VALID;
	} else {
		c->v_intr |= SVM_V_IRQ | (0xfUL << SVM_V_INTR_PRIO_SHIFT) | SVM_V_IGN_TPR;
		c->intercept_misc1 |= SVM_INTERCEPT_VINTR;
	}
}

int svm_vcpu_run(struct v3_vcpu *vcpu)
{
	struct svm_vcpu *s = vcpu->arch;
	struct svm_vm *svm = vcpu->vm->arch_data;
	struct vmcb *vmcb = s->vmcb;
	unsigned int cpu = v3_host->cpu_id();
	u32 epoch = __atomic_load_n(&svm->tlb_epoch, __ATOMIC_ACQUIRE);

	if (state_to_vmcb(vcpu, vmcb)) {
		vcpu->exit = (struct v3_exit){ .kind = V3_EXIT_ENTRY_FAILED };
		return -V3_ENOMEM;
	}
	vmcb->control.tsc_offset = vcpu->vm->tsc_offset;
	/*
	 * Flush when this vCPU's translations may be stale here: only its own
	 * ASID where the CPU can (flush-by-ASID), else the whole TLB (QEMU TCG).
	 */
	if (s->last_cpu != (int)cpu || s->tlb_epoch != epoch || svm->shared_asid ||
	    (vcpu->shadow && v3_shadow_take_tlb_flush(vcpu)))
		vmcb->control.tlb_control = v3_core()->features.svm.flush_by_asid ?
						    SVM_TLB_FLUSH_ASID : SVM_TLB_FLUSH_ALL;
	else
		vmcb->control.tlb_control = SVM_TLB_FLUSH_NONE;
	s->last_cpu = (int)cpu;
	s->tlb_epoch = epoch;
	inject_events(vcpu, vmcb);
	vcpu->launched = true;

	/*
	 * VMRUN loads the guest's CR2 from the VMCB, but Bochs 2.7's does not (it keeps the CPU's);
	 * under shadow paging the VMM sets CR2 for the #PF it injects, so put it in the CPU too.
	 */
	if (vcpu->shadow && x86_read_cr2() != vcpu->s.cr2)
		x86_write_cr2(vcpu->s.cr2);
	svm_vmrun(s->vmcb_pa, &vcpu->s.gprs, v3_core()->pcpu[cpu].host_vmcb_pa);

	state_from_vmcb(vcpu, &vmcb->save);
	vmcb->control.eventinj = 0;
	/* An event cut short by the exit is delivered again on the next entry. */
	if (vmcb->control.exitintinfo & SVM_EVT_VALID)
		vmcb->control.eventinj = vmcb->control.exitintinfo;
	svm_decode_exit(vcpu, vmcb);
	return vcpu->exit.kind == V3_EXIT_ENTRY_FAILED ? -V3_EIO : 0;
}

void svm_get_segment(struct v3_vcpu *vcpu, int seg, struct v3_segment *out)
{
	const struct vmcb_save *g = &((struct svm_vcpu *)vcpu->arch)->vmcb->save;
	const struct vmcb_seg *segs[V3_SEG_MAX] = { &g->es, &g->cs, &g->ss, &g->ds, &g->fs, &g->gs };
	const struct vmcb_seg *s = segs[(unsigned int)seg < V3_SEG_MAX ? seg : V3_SEG_DS];

	*out = (struct v3_segment){
		.selector = s->selector, .base = s->base, .limit = s->limit, .attrib = s->attrib,
	};
}
