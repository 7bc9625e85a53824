/* SPDX-License-Identifier: MIT */
/*
 * Intel VT-x per-VM state: the EPT (SDM Vol. 3C §29.3: 4-level tables,
 * R/W/X in bits 2:0, leaves write-back with the guest PAT honoured, large
 * pages at levels 2 and 3 where the CPU has them), the MSR bitmap (§25.6.9)
 * and I/O bitmaps (§25.6.4) with everything intercepted unless the core
 * passes an MSR through, the control fields and CR guest/host masks, and
 * the VM's VPID (§29.1).
 */
#include <arch/x86.h>

#include "host_ops.h"
#include "init.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "log.h"
#include "vm.h"
#include "vmx.h"

#define MSR_BITMAP_SIZE V3_PAGE_SIZE
#define IO_BITMAPS_SIZE (2 * V3_PAGE_SIZE)
#define VPID_LIMIT 65536

static u64 ept_table_entry(u64 pa)
{
	return pa | EPT_R | EPT_W | EPT_X;
}

static u64 ept_leaf(u64 hpa, unsigned int level, u32 perms)
{
	u64 e = hpa | (EPT_MT_WB << EPT_MT_SHIFT);

	if (perms & V3_NPT_READ)
		e |= EPT_R;
	if (perms & V3_NPT_WRITE)
		e |= EPT_W;
	if (perms & V3_NPT_EXEC)
		e |= EPT_X;
	if (level > 1)
		e |= EPT_LARGE;
	return e;
}

/* An EPT entry is present when it allows any access (§29.3.2). */
static bool ept_present(u64 e)
{
	return e & (EPT_R | EPT_W | EPT_X);
}

static bool ept_is_leaf(u64 e, unsigned int level)
{
	return level == 1 || (e & EPT_LARGE);
}

void vmx_ept_format(const struct vmx_features *f, struct v3_nested_fmt *fmt)
{
	*fmt = (struct v3_nested_fmt){
		.name = "EPT", .table_entry = ept_table_entry, .leaf_entry = ept_leaf,
		.present = ept_present, .is_leaf = ept_is_leaf, .addr_mask = EPT_ADDR,
		.gb_pages = f->ept_1g, .no_2m_pages = !f->ept_2m,
	};
}

u64 vmx_eptp(u64 root_pa)
{
	return root_pa | EPTP_WB | EPTP_WALK_4;
}

static void *alloc_map(u64 size, u64 *pa)
{
	*pa = v3_host->alloc_pages(size >> V3_PAGE_SHIFT, V3_PAGE_SIZE, V3_NUMA_ANY);
	if (!*pa)
		return NULL;
	return v3_host->paddr_to_vaddr(*pa);
}

/* EPT as the backend uses it (4-level, write-back tables) and unrestricted guest. */
static bool has_ept_ug(const struct vmx_features *v)
{
	return v->ept && v->ept_4level && v->ept_wb && v->unrestricted_guest;
}

/* Refusals with a reason a user can act on, before any control is computed. */
static int check_cpu(struct v3_vm *vm, const struct vmx_features *v)
{
	/*
	 * Under shadow paging VM entry wants CR0.PE = PG = 1 unless the guest is unrestricted,
	 * which needs EPT: a guest with paging off runs with both (vmx_vcpu.c), one that starts
	 * with paging on (Linux, long-mode boots) needs neither.
	 */
	if (vm->shadow) {
		if (has_ept_ug(v) || (vm->boot.cr0 & X86_CR0_PG))
			return 0;
		v3_err("vm %s: this CPU has no %s: under shadow paging %s need it", vm->name,
		       v->ept ? "unrestricted guest" : "EPT (nor unrestricted guest)",
		       (vm->boot.cr0 & X86_CR0_PE) ? "guests starting with paging off"
						   : "real-mode guests");
		return -V3_ENOTSUP;
	}
	if (!v->ept) {
		/* choose_paging() takes shadow paging on such CPUs: only a direct caller gets here. */
		v3_err("vm %s: this CPU has no EPT: nested paging is impossible", vm->name);
		return -V3_ENOTSUP;
	}
	if (!v->ept_4level || !v->ept_wb) {
		v3_err("vm %s: this CPU's EPT lacks %s", vm->name,
		       !v->ept_4level ? "4-level walks" : "write-back paging structures");
		return -V3_ENOTSUP;
	}
	if (!v->unrestricted_guest) {
		v3_err("vm %s: this CPU has no unrestricted guest: %s need it", vm->name,
		       vm->cfg.boot.mode == V3_BOOT_REAL ? "real-mode guests"
							 : "guests starting with paging off");
		return -V3_ENOTSUP;
	}
	return 0;
}

/*
 * CR bits the host owns: those VMX operation fixes (CR0.NE, CR4.VMXE, ...;
 * CR0.PE/PG may be 0 with unrestricted guest) and those it forbids. The guest
 * reads its own value from the read shadow; writing a different value exits.
 */
static void cr_masks(struct vmx_vm *x, const struct vmx_features *v)
{
	x->cr0_mask = (v->cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG)) | ~v->cr0_fixed1;
	x->cr4_mask = v->cr4_fixed0 | ~v->cr4_fixed1;
}

int vmx_vm_init(struct v3_vm *vm)
{
	const struct vmx_features *v = &v3_core()->features.vmx;
	struct vmx_vm *x;
	char why[160];
	u32 vpid = 0;
	int rc = check_cpu(vm, v);

	if (rc)
		return rc;
	x = v3_zalloc(sizeof(*x));
	if (!x)
		return -V3_ENOMEM;
	vm->arch_data = x;
	/* Without single- or all-context INVVPID, a reused VPID could see stale translations. */
	if (v->vpid && (v->ept_vpid_cap & (VPID_CAP_INVVPID_SINGLE | VPID_CAP_INVVPID_ALL))) {
		vpid = v3_asid_alloc(VPID_LIMIT);
		if (!vpid)
			v3_warn("vm %s: out of VPIDs; running without one (TLB flushed on every "
				"entry and exit)", vm->name);
	}
	x->vpid = (u16)vpid;
	x->ept_ug = !vm->shadow || has_ept_ug(v);
	if (vm->shadow)
		rc = vmx_compute_shadow_controls(v, x->vpid != 0, x->ept_ug, &x->ctls, why,
						 sizeof(why));
	else
		rc = vmx_compute_controls(v, x->vpid != 0, &x->ctls, why, sizeof(why));
	if (rc) {
		v3_err("vm %s: %s", vm->name, why);
		return rc;
	}
	cr_masks(x, v);
	/* Under shadow paging every bit: the guest's CRs are the core's (paging/shadow_cr.c). */
	if (vm->shadow)
		x->cr0_mask = x->cr4_mask = ~0UL;
	x->msr_bitmap = alloc_map(MSR_BITMAP_SIZE, &x->msr_bitmap_pa);
	x->io_bitmaps = alloc_map(IO_BITMAPS_SIZE, &x->io_bitmaps_pa);
	if (!x->msr_bitmap || !x->io_bitmaps)
		return -V3_ENOMEM;
	v3_memset(x->msr_bitmap, 0xff, MSR_BITMAP_SIZE);
	v3_memset(x->io_bitmaps, 0xff, IO_BITMAPS_SIZE);
	if (!x->ept_ug)
		return 0;
	vmx_ept_format(v, &x->ept_fmt);
	rc = v3_nested_init(&x->ept, &x->ept_fmt);
	if (rc)
		return rc;
	x->eptp = vmx_eptp(x->ept.root_pa);
	return 0;
}

int vmx_vm_start(struct v3_vm *vm)
{
	struct vmx_vm *x = vm->arch_data;

	return x->ept.root_pa ? v3_nested_map_vm(&x->ept, vm) : 0;
}

void vmx_vm_deinit(struct v3_vm *vm)
{
	struct vmx_vm *x = vm->arch_data;

	if (!x)
		return;
	if (x->ept.root_pa)
		v3_nested_free(&x->ept);
	if (x->msr_bitmap)
		v3_host->free_pages(x->msr_bitmap_pa, MSR_BITMAP_SIZE >> V3_PAGE_SHIFT);
	if (x->io_bitmaps)
		v3_host->free_pages(x->io_bitmaps_pa, IO_BITMAPS_SIZE >> V3_PAGE_SHIFT);
	if (x->vpid)
		v3_asid_free(x->vpid);
	v3_free(x);
	vm->arch_data = NULL;
}

/*
 * MSR bitmap (§25.6.9): one bit per MSR, reads of 0-0x1fff at byte 0, reads
 * of 0xc0000000-0xc0001fff at 1024, writes at 2048 and 3072. MSRs outside
 * the two ranges always exit.
 */
void vmx_msr_intercept(struct v3_vm *vm, u32 msr, bool intercept)
{
	struct vmx_vm *x = vm->arch_data;
	u32 base, bit = msr & 0x1fff;

	if (msr <= 0x1fff)
		base = 0;
	else if (msr >= 0xc0000000 && msr <= 0xc0001fff)
		base = 1024;
	else
		return;
	for (u32 off = base; off < MSR_BITMAP_SIZE; off += 2048) {
		if (intercept)
			x->msr_bitmap[off + bit / 8] |= (u8)(1u << (bit % 8));
		else
			x->msr_bitmap[off + bit / 8] &= (u8)~(1u << (bit % 8));
	}
}

int vmx_nested_map(struct v3_vm *vm, u64 gpa, u64 hpa, u64 size, u32 perms)
{
	struct vmx_vm *x = vm->arch_data;
	int rc = v3_nested_map(&x->ept, gpa, hpa, size, perms);

	/* Every vCPU runs INVEPT before its next entry. */
	__atomic_fetch_add(&x->ept_epoch, 1, __ATOMIC_RELEASE);
	return rc;
}
