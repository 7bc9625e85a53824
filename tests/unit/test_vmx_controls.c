/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the VT-x backend's pure parts: the control fields computed
 * from the capability MSRs (arch/x86_64/vmx/vmx_ctls.c) on the Bochs CPUs
 * recorded in tests/unit/data/cpus/ and on synthetic variants, the VM
 * creation refusals (vmx_vm.c), the EPT entry encoding the shared nested
 * page-table builder uses (walked back with v3_nested_lookup), the MSR
 * bitmap layout and the names of exits and VM-instruction errors.
 *
 * Expected values decoded by hand from the recordings (SDM Vol. 3D A.3-A.5,
 * allowed-0 settings in bits 31:0, allowed-1 in 63:32):
 *   skylake-x TRUE_PINBASED 0x0000007f00000016: bits 1, 2, 4 forced on.
 *   skylake-x TRUE_PROCBASED low 0x04006172, PROCBASED low 0x0401e172: the
 *     non-TRUE MSR also forces bits 15, 16 (CR3-load/store exiting).
 *   skylake-x TRUE_EXIT low 0x00036dfb, EXIT low 0x00036dff: bit 2 (save
 *     debug controls) forced only by the non-TRUE MSR; TRUE_ENTRY low
 *     0x000011fb, ENTRY low 0x000011ff: bit 2 (load debug controls) likewise.
 *   lynnfield PROCBASED2 0x0000007f00000000: no bit 7 (unrestricted guest).
 *   penryn PROCBASED2 0x0000004100000000: bits 0 and 6 only, no EPT.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <v3/v3.h>

#include "cpu_replay.h"
#include "fake_host.h"
#include "init.h"
#include "paging/nested.h"
#include "vm.h"
#include "vmx.h"

#define SKYLAKE CPU_REPLAY_DIR "bochs-corei7-skylake-x.txt"
#define TIGERLAKE CPU_REPLAY_DIR "bochs-tigerlake.txt"
#define ICELAKE CPU_REPLAY_DIR "bochs-corei7-icelake-u.txt"
#define LYNNFIELD CPU_REPLAY_DIR "bochs-corei5-lynnfield-750.txt"
#define PENRYN CPU_REPLAY_DIR "bochs-core2-penryn-t9600.txt"

static struct v3_cpu_features f;
static struct vmx_controls c;
static char why[256];

static int setup(void **state)
{
	(void)state;
	fake_host_install();
	memset(&c, 0xa5, sizeof(c));
	why[0] = '\0';
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cpu_replay_unload();
	return 0;
}

static void probe(const char *file)
{
	cpu_replay_load(file);
	x86_probe_cpu(&cpu_replay, &f);
	assert_true(f.has_vmx);
}

/* The CPU as if it had no TRUE_* MSRs (IA32_VMX_BASIC bit 55 clear, 0x48d-0x490 gone). */
static void probe_without_true_ctls(const char *file)
{
	cpu_replay_load(file);
	cpu_replay_set_msr(MSR_IA32_VMX_BASIC, cpu_replay_msr(MSR_IA32_VMX_BASIC) & ~(1UL << 55));
	for (u32 msr = 0x48d; msr <= 0x490; msr++)
		cpu_replay_drop_msr(msr);
	x86_probe_cpu(&cpu_replay, &f);
	assert_false(f.vmx.true_ctls);
}

/* ---- vmx_adjust_controls ---- */

static void test_adjust_forces_allowed0(void **state)
{
	u32 out;

	(void)state;
	/* allowed-0 0x16 (bits 1, 2, 4 must be 1), allowed-1 0x7f. */
	assert_int_equal(vmx_adjust_controls(&vmx_pin_field, 0x0000007f00000016UL, PIN_NMI_EXIT,
					     &out, why, sizeof(why)), 0);
	assert_int_equal(out, 0x16 | PIN_NMI_EXIT);
	/* Nothing wanted: exactly the forced bits, nothing else. */
	assert_int_equal(vmx_adjust_controls(&vmx_pin_field, 0x0000007f00000016UL, 0, &out, why,
					     sizeof(why)), 0);
	assert_int_equal(out, 0x16);
	/* A wanted bit that is also forced is fine. */
	assert_int_equal(vmx_adjust_controls(&vmx_pin_field, 0x0000007f00000016UL, 0x2, &out, why,
					     sizeof(why)), 0);
	assert_int_equal(out, 0x16);
}

static void test_adjust_refuses_with_name(void **state)
{
	u32 out = 0x1234;

	(void)state;
	probe(LYNNFIELD);
	assert_int_equal(vmx_adjust_controls(&vmx_proc2_field, f.vmx.procbased2,
					     PROC2_EPT | PROC2_UNRESTRICTED, &out, why,
					     sizeof(why)), -V3_ENOTSUP);
	assert_int_equal(out, 0);
	assert_non_null(strstr(why, "\"unrestricted guest\""));
	assert_non_null(strstr(why, "bit 7"));
	assert_non_null(strstr(why, "secondary processor-based VM-execution controls"));

	/* The lowest refused bit is named; a bit without a name says so. */
	assert_int_equal(vmx_adjust_controls(&vmx_pin_field, 0x0000000100000000UL,
					     (1u << 30) | PIN_NMI_EXIT, &out, why, sizeof(why)),
			 -V3_ENOTSUP);
	assert_non_null(strstr(why, "\"NMI exiting\" control (bit 3 of the pin-based"));
	assert_int_equal(vmx_adjust_controls(&vmx_pin_field, 0x0000000100000000UL, 1u << 30, &out,
					     why, sizeof(why)), -V3_ENOTSUP);
	assert_non_null(strstr(why, "unnamed control (bit 30"));
}

/* An MSR that forces a bit it does not allow is nonsense: refused, not obeyed. */
static void test_adjust_inconsistent_msr(void **state)
{
	u32 out;

	(void)state;
	assert_int_equal(vmx_adjust_controls(&vmx_exit_field, 0x0000000100000003UL, 0, &out, why,
					     sizeof(why)), -V3_EINVAL);
	assert_non_null(strstr(why, "VM-exit controls"));
}

/* ---- vmx_compute_controls on the recorded CPUs ---- */

static void check_common(const struct vmx_controls *k)
{
	assert_int_equal(k->pin & (PIN_EXT_INTR_EXIT | PIN_NMI_EXIT),
			 PIN_EXT_INTR_EXIT | PIN_NMI_EXIT);
	assert_int_equal(k->pin & PIN_PREEMPTION_TIMER, 0);  /* only when the core asks */
	assert_int_equal(k->proc & (PROC_HLT_EXIT | PROC_TSC_OFFSET | PROC_IO_BITMAPS |
				    PROC_MSR_BITMAPS | PROC_SECONDARY),
			 PROC_HLT_EXIT | PROC_TSC_OFFSET | PROC_IO_BITMAPS | PROC_MSR_BITMAPS |
				 PROC_SECONDARY);
	/* Bitmaps decide about I/O, not the unconditional control; window exits per entry. */
	assert_int_equal(k->proc & (PROC_UNCOND_IO_EXIT | PROC_INTR_WINDOW_EXIT), 0);
	assert_int_equal(k->proc2 & (PROC2_EPT | PROC2_UNRESTRICTED | PROC2_VPID),
			 PROC2_EPT | PROC2_UNRESTRICTED | PROC2_VPID);
	assert_int_equal(k->exit & (EXIT_HOST_64 | EXIT_SAVE_EFER | EXIT_LOAD_EFER | EXIT_SAVE_PAT |
				    EXIT_LOAD_PAT),
			 EXIT_HOST_64 | EXIT_SAVE_EFER | EXIT_LOAD_EFER | EXIT_SAVE_PAT |
				 EXIT_LOAD_PAT);
	assert_int_equal(k->entry & (ENTRY_LOAD_EFER | ENTRY_LOAD_PAT),
			 ENTRY_LOAD_EFER | ENTRY_LOAD_PAT);
	/* IA-32e mode guest follows the guest's EFER.LMA at each entry. */
	assert_int_equal(k->entry & (ENTRY_IA32E_GUEST | ENTRY_SMM), 0);
}

/* Every control is allowed by its MSR, and every forced one is set. */
static void check_allowed(const struct vmx_controls *k, const struct vmx_features *v)
{
	const struct {
		u32 value;
		u64 cap;
	} fields[] = {
		{ k->pin, v->pinbased }, { k->proc, v->procbased }, { k->proc2, v->procbased2 },
		{ k->exit, v->exit_ctls }, { k->entry, v->entry_ctls },
	};

	for (unsigned int i = 0; i < 5; i++) {
		assert_int_equal(fields[i].value & (u32)fields[i].cap, (u32)fields[i].cap);
		assert_int_equal(fields[i].value & ~(u32)(fields[i].cap >> 32), 0);
	}
}

static void test_skylake_true_controls(void **state)
{
	(void)state;
	probe(SKYLAKE);
	assert_true(f.vmx.true_ctls);
	assert_int_equal(f.vmx.exit_ctls, cpu_replay_msr(MSR_IA32_VMX_TRUE_EXIT_CTLS));
	assert_int_equal(f.vmx.entry_ctls, cpu_replay_msr(MSR_IA32_VMX_TRUE_ENTRY_CTLS));
	assert_int_equal(vmx_compute_controls(&f.vmx, true, &c, why, sizeof(why)), 0);
	check_common(&c);
	check_allowed(&c, &f.vmx);
	assert_int_equal(c.pin, 0x16 | PIN_EXT_INTR_EXIT | PIN_NMI_EXIT);
	/* TRUE controls let CR3-load/store exiting be 0: with EPT nobody wants them. */
	assert_int_equal(c.proc & (PROC_CR3_LOAD_EXIT | PROC_CR3_STORE_EXIT), 0);
	assert_int_equal(c.proc & 0x04006172, 0x04006172);
	/* No debug-control switching either. */
	assert_int_equal(c.exit & EXIT_SAVE_DEBUG, 0);
	assert_int_equal(c.entry & ENTRY_LOAD_DEBUG, 0);
	/* Instructions that would #UD without their control, enabled since the CPU has them. */
	assert_int_equal(c.proc2 & (PROC2_RDTSCP | PROC2_INVPCID | PROC2_XSAVES),
			 PROC2_RDTSCP | PROC2_INVPCID | PROC2_XSAVES);
}

static void test_skylake_without_true_controls(void **state)
{
	(void)state;
	probe_without_true_ctls(SKYLAKE);
	assert_int_equal(f.vmx.procbased, cpu_replay_msr(MSR_IA32_VMX_PROCBASED_CTLS));
	assert_int_equal(f.vmx.exit_ctls, cpu_replay_msr(MSR_IA32_VMX_EXIT_CTLS));
	assert_int_equal(f.vmx.entry_ctls, cpu_replay_msr(MSR_IA32_VMX_ENTRY_CTLS));
	assert_int_equal(vmx_compute_controls(&f.vmx, true, &c, why, sizeof(why)), 0);
	check_common(&c);
	check_allowed(&c, &f.vmx);
	/* The default1 controls of the non-TRUE MSRs are forced on. */
	assert_int_equal(c.proc & (PROC_CR3_LOAD_EXIT | PROC_CR3_STORE_EXIT),
			 PROC_CR3_LOAD_EXIT | PROC_CR3_STORE_EXIT);
	assert_int_equal(c.exit & EXIT_SAVE_DEBUG, EXIT_SAVE_DEBUG);
	assert_int_equal(c.entry & ENTRY_LOAD_DEBUG, ENTRY_LOAD_DEBUG);
}

static void test_other_models(void **state)
{
	static const char *const files[] = { TIGERLAKE, ICELAKE };

	(void)state;
	for (unsigned int i = 0; i < 2; i++) {
		probe(files[i]);
		assert_int_equal(vmx_compute_controls(&f.vmx, true, &c, why, sizeof(why)), 0);
		check_common(&c);
		check_allowed(&c, &f.vmx);
	}
}

static void test_vpid_optional(void **state)
{
	(void)state;
	probe(SKYLAKE);
	assert_int_equal(vmx_compute_controls(&f.vmx, false, &c, why, sizeof(why)), 0);
	assert_int_equal(c.proc2 & PROC2_VPID, 0);
}

static void test_refusals(void **state)
{
	(void)state;
	probe(LYNNFIELD);
	assert_int_equal(vmx_compute_controls(&f.vmx, true, &c, why, sizeof(why)), -V3_ENOTSUP);
	assert_non_null(strstr(why, "\"unrestricted guest\""));
	probe(PENRYN);
	assert_int_equal(vmx_compute_controls(&f.vmx, false, &c, why, sizeof(why)), -V3_ENOTSUP);
	assert_non_null(strstr(why, "\"enable EPT\""));
	/* Without secondary controls at all, the primary control is what is missing. */
	probe(SKYLAKE);
	f.vmx.procbased &= ~((u64)PROC_SECONDARY << 32);
	assert_int_equal(vmx_compute_controls(&f.vmx, true, &c, why, sizeof(why)), -V3_ENOTSUP);
	assert_non_null(strstr(why, "\"activate secondary controls\""));
	/* A CPU whose MSR bitmaps cannot be used. */
	probe(SKYLAKE);
	f.vmx.procbased &= ~((u64)PROC_MSR_BITMAPS << 32);
	assert_int_equal(vmx_compute_controls(&f.vmx, true, &c, why, sizeof(why)), -V3_ENOTSUP);
	assert_non_null(strstr(why, "\"use MSR bitmaps\""));
	/* Interrupt-window exiting is switched per entry but must exist. */
	probe(SKYLAKE);
	f.vmx.procbased &= ~((u64)PROC_INTR_WINDOW_EXIT << 32);
	assert_int_equal(vmx_compute_controls(&f.vmx, true, &c, why, sizeof(why)), -V3_ENOTSUP);
	assert_non_null(strstr(why, "\"interrupt-window exiting\""));
	probe(SKYLAKE);
	f.vmx.entry_ctls &= ~((u64)ENTRY_IA32E_GUEST << 32);
	assert_int_equal(vmx_compute_controls(&f.vmx, true, &c, why, sizeof(why)), -V3_ENOTSUP);
	assert_non_null(strstr(why, "\"IA-32e mode guest\""));
}

/* Under shadow paging: CR3 and INVLPG exits; EPT and unrestricted guest only with ept_ug. */
static void test_shadow_controls(void **state)
{
	const u32 exits = PROC_INVLPG_EXIT | PROC_CR3_LOAD_EXIT | PROC_CR3_STORE_EXIT;

	(void)state;
	probe(SKYLAKE);
	assert_int_equal(vmx_compute_shadow_controls(&f.vmx, true, true, &c, why, sizeof(why)), 0);
	check_common(&c);
	check_allowed(&c, &f.vmx);
	assert_int_equal(c.proc & exits, exits);
	assert_int_equal(vmx_compute_shadow_controls(&f.vmx, true, false, &c, why, sizeof(why)),
			 0);
	check_allowed(&c, &f.vmx);
	assert_int_equal(c.proc & (exits | PROC_SECONDARY), exits | PROC_SECONDARY);
	assert_int_equal(c.proc2 & (PROC2_EPT | PROC2_UNRESTRICTED | PROC2_VPID), PROC2_VPID);
	/* EPT without unrestricted guest is no obstacle to shadow paging. */
	probe(LYNNFIELD);
	assert_int_equal(vmx_compute_shadow_controls(&f.vmx, true, false, &c, why, sizeof(why)),
			 0);
	check_allowed(&c, &f.vmx);
	assert_int_equal(c.proc2 & (PROC2_EPT | PROC2_UNRESTRICTED), 0);
	/* Nor a CPU without secondary controls: none are asked for. */
	probe(SKYLAKE);
	f.vmx.procbased &= ~((u64)PROC_SECONDARY << 32);
	assert_int_equal(vmx_compute_shadow_controls(&f.vmx, false, false, &c, why, sizeof(why)),
			 0);
	assert_int_equal(c.proc & PROC_SECONDARY, 0);
	assert_int_equal(c.proc2, 0);
}

/* ---- VM creation on a replayed CPU (vmx_vm_init) ---- */

static void fake_enable_noop(struct v3_pcpu *pc)
{
	pc->enabled = false;
}

static int fake_enable(struct v3_pcpu *pc, const struct v3_cpu_features *feat, char *w,
		       size_t len)
{
	pc->enabled = true;
	return 0;
}

static struct v3_arch_ops test_vmx;

static void init_core(const char *file)
{
	static const struct v3_arch_ops *const backends[] = { &test_vmx };

	test_vmx = vmx_arch_ops;
	test_vmx.cpu_enable = fake_enable;
	test_vmx.cpu_disable = fake_enable_noop;
	cpu_replay_load(file);
	assert_int_equal(v3_init_with(&fake_host_ops, &cpu_replay, backends, 1), 0);
}

static struct v3_vm *new_vm(enum v3_boot_mode mode)
{
	struct v3_vm *vm = calloc(1, sizeof(*vm));

	assert_non_null(vm);
	strcpy(vm->name, "t");
	vm->cfg.boot.mode = mode;
	return vm;
}

static void test_vm_init_refusals(void **state)
{
	struct v3_vm *vm = new_vm(V3_BOOT_REAL);

	(void)state;
	init_core(LYNNFIELD);
	fake_host_reset_log();
	assert_int_equal(vmx_vm_init(vm), -V3_ENOTSUP);
	assert_non_null(strstr(fake_host_log(), "vm t: this CPU has no unrestricted guest: "
						"real-mode guests need it"));
	vmx_vm_deinit(vm);
	v3_deinit();

	init_core(PENRYN);
	fake_host_reset_log();
	assert_int_equal(vmx_vm_init(vm), -V3_ENOTSUP);
	assert_non_null(strstr(fake_host_log(), "this CPU has no EPT"));
	vmx_vm_deinit(vm);
	v3_deinit();
	free(vm);
}

static void test_vm_init_skylake(void **state)
{
	struct v3_vm *vm = new_vm(V3_BOOT_PROTECTED), *vm2 = new_vm(V3_BOOT_REAL);
	struct vmx_vm *x, *x2;

	(void)state;
	init_core(SKYLAKE);
	assert_int_equal(vmx_vm_init(vm), 0);
	assert_int_equal(vmx_vm_init(vm2), 0);
	x = vm->arch_data;
	x2 = vm2->arch_data;
	/* One VPID each, never 0 (the host's). */
	assert_true(x->vpid != 0 && x2->vpid != 0 && x->vpid != x2->vpid);
	assert_int_equal(x->ctls.proc2 & PROC2_VPID, PROC2_VPID);
	assert_int_equal(x->eptp, x->ept.root_pa | 6 | (3 << 3));
	/* CR0.NE and CR4.VMXE are the host's; PE and PG stay the guest's. */
	assert_int_equal(x->cr0_mask & (X86_CR0_NE | X86_CR0_PE | X86_CR0_PG), X86_CR0_NE);
	assert_int_equal(x->cr4_mask & X86_CR4_VMXE, X86_CR4_VMXE);
	assert_int_equal(x->cr4_mask & X86_CR4_PAE, 0);
	/* Everything intercepted to begin with. */
	for (unsigned int i = 0; i < 4096; i++)
		assert_int_equal(x->msr_bitmap[i], 0xff);
	for (unsigned int i = 0; i < 8192; i++)
		assert_int_equal(x->io_bitmaps[i], 0xff);
	vmx_vm_deinit(vm);
	vmx_vm_deinit(vm2);
	v3_deinit();
	free(vm);
	free(vm2);
}

/* Shadow-paged VMs: all CR bits the VMM's; EPT only where paging-off guests need it. */
static void test_vm_init_shadow(void **state)
{
	static char shadow;  /* vmx_vm_init only asks whether the VM has shadow paging */
	struct v3_vm *vm = new_vm(V3_BOOT_REAL), *lm = new_vm(V3_BOOT_LONG);
	struct vmx_vm *x;

	(void)state;
	vm->shadow = (void *)&shadow;
	lm->shadow = (void *)&shadow;
	lm->boot.cr0 = X86_CR0_PE | X86_CR0_PG;
	init_core(SKYLAKE);
	assert_int_equal(vmx_vm_init(vm), 0);
	x = vm->arch_data;
	assert_true(x->ept_ug && x->ept.root_pa != 0);
	assert_int_equal(x->ctls.proc2 & (PROC2_EPT | PROC2_UNRESTRICTED),
			 PROC2_EPT | PROC2_UNRESTRICTED);
	assert_int_equal(x->cr0_mask, ~0UL);
	assert_int_equal(x->cr4_mask, ~0UL);
	vmx_vm_deinit(vm);
	v3_deinit();

	/* No unrestricted guest: a real-mode guest is refused, a long-mode one runs. */
	init_core(LYNNFIELD);
	fake_host_reset_log();
	assert_int_equal(vmx_vm_init(vm), -V3_ENOTSUP);
	assert_non_null(strstr(fake_host_log(), "vm t: this CPU has no unrestricted guest: "
						"under shadow paging real-mode guests need it"));
	vmx_vm_deinit(vm);
	assert_int_equal(vmx_vm_init(lm), 0);
	x = lm->arch_data;
	assert_false(x->ept_ug);
	assert_int_equal(x->ept.root_pa, 0);
	assert_int_equal(x->ctls.proc2 & (PROC2_EPT | PROC2_UNRESTRICTED), 0);
	vmx_vm_deinit(lm);
	v3_deinit();
	free(vm);
	free(lm);
}

/* MSR bitmap (SDM §25.6.9): read-low, read-high, write-low, write-high, 1 KiB each. */
static void test_msr_bitmap(void **state)
{
	struct v3_vm *vm = new_vm(V3_BOOT_REAL);
	struct vmx_vm *x;

	(void)state;
	init_core(SKYLAKE);
	assert_int_equal(vmx_vm_init(vm), 0);
	x = vm->arch_data;
	vmx_msr_intercept(vm, 0x174, false);          /* SYSENTER_CS: byte 0x2e, bit 4 */
	vmx_msr_intercept(vm, 0xc0000102, false);     /* KERNEL_GS_BASE: byte 0x20, bit 2 */
	vmx_msr_intercept(vm, 0x40000000, false);     /* outside both ranges: ignored */
	assert_int_equal(x->msr_bitmap[0x2e], 0xef);
	assert_int_equal(x->msr_bitmap[2048 + 0x2e], 0xef);
	assert_int_equal(x->msr_bitmap[1024 + 0x20], 0xfb);
	assert_int_equal(x->msr_bitmap[3072 + 0x20], 0xfb);
	for (unsigned int i = 0; i < 4096; i++)
		if (i != 0x2e && i != 2048 + 0x2e && i != 1024 + 0x20 && i != 3072 + 0x20)
			assert_int_equal(x->msr_bitmap[i], 0xff);
	vmx_msr_intercept(vm, 0x174, true);
	assert_int_equal(x->msr_bitmap[0x2e], 0xff);
	assert_int_equal(x->msr_bitmap[2048 + 0x2e], 0xff);
	vmx_vm_deinit(vm);
	v3_deinit();
	free(vm);
}

/* ---- EPT entries (SDM §29.3.2) built by the shared builder ---- */

#define GiB (1UL << 30)
#define MiB (1UL << 20)
#define HPA_BASE (64 * GiB) /* never dereferenced: only the tables are memory */

static struct v3_nested_fmt fmt;
static struct v3_nested_pt pt;

static u64 lookup(u64 gpa, unsigned int want_level)
{
	u64 hpa, entry;
	unsigned int level;

	assert_int_equal(v3_nested_lookup(&pt, gpa, &hpa, &level, &entry), 0);
	assert_int_equal(level, want_level);
	assert_int_equal(hpa, HPA_BASE + gpa);
	return entry;
}

static void check_leaf(u64 e, unsigned int level, u64 rwx)
{
	assert_int_equal(e & 7, rwx);
	assert_int_equal((e >> 3) & 7, 6);          /* memory type WB */
	assert_int_equal(e & EPT_IGNORE_PAT, 0);    /* the guest's PAT applies */
	assert_int_equal(!!(e & EPT_LARGE), level > 1);
	assert_int_equal(e & (3UL << 8), 0);        /* no A/D bits: A/D is not enabled */
	assert_int_equal(e & ~EPT_ADDR & ~0xffUL, 0);
}

/* The non-leaf entries on the way to gpa: RWX, no memory type, no large bit. */
static void check_tables(u64 gpa, unsigned int leaf_level)
{
	const u64 *table = (const u64 *)(uintptr_t)pt.root_pa;

	for (unsigned int l = 4; l > leaf_level; l--) {
		u64 e = table[(gpa >> (12 + 9 * (l - 1))) & 511];

		assert_int_equal(e & ~EPT_ADDR, 7);
		table = (const u64 *)(uintptr_t)(e & EPT_ADDR);
	}
}

static void ept_setup(const char *file)
{
	probe(file);
	vmx_ept_format(&f.vmx, &fmt);
	assert_int_equal(v3_nested_init(&pt, &fmt), 0);
}

static void test_ept_entries(void **state)
{
	u64 e;

	(void)state;
	ept_setup(SKYLAKE);
	assert_true(fmt.gb_pages);
	assert_false(fmt.no_2m_pages);
	assert_string_equal(fmt.name, "EPT");
	/* 2 GiB of RAM from 0: two 1 GiB leaves. */
	assert_int_equal(v3_nested_map(&pt, 0, HPA_BASE, 2 * GiB, V3_NPT_RWX), 0);
	/* 4 MiB + 8 KiB of ROM at 3 GiB: two 2 MiB leaves and two 4 KiB leaves. */
	assert_int_equal(v3_nested_map(&pt, 3 * GiB, HPA_BASE + 3 * GiB, 4 * MiB + 8192,
				       V3_NPT_READ | V3_NPT_EXEC), 0);
	/* A read-only page (the all-ones page). */
	assert_int_equal(v3_nested_map(&pt, 3 * GiB + 8 * MiB, HPA_BASE + 3 * GiB + 8 * MiB, 4096,
				       V3_NPT_READ), 0);

	e = lookup(0x12345, 3);
	check_leaf(e, 3, EPT_R | EPT_W | EPT_X);
	check_tables(0x12345, 3);
	check_leaf(lookup(GiB + 0x1000, 3), 3, EPT_R | EPT_W | EPT_X);
	e = lookup(3 * GiB + 2 * MiB + 5, 2);
	check_leaf(e, 2, EPT_R | EPT_X);
	check_tables(3 * GiB + 2 * MiB, 2);
	e = lookup(3 * GiB + 4 * MiB + 4096, 1);
	check_leaf(e, 1, EPT_R | EPT_X);
	check_tables(3 * GiB + 4 * MiB + 4096, 1);
	check_leaf(lookup(3 * GiB + 8 * MiB, 1), 1, EPT_R);
	/* Holes are not present. */
	{
		u64 hpa;
		unsigned int level;

		assert_int_equal(v3_nested_lookup(&pt, 2 * GiB, &hpa, &level, NULL), -V3_ENOENT);
		assert_int_equal(v3_nested_lookup(&pt, 3 * GiB + 4 * MiB + 8192, &hpa, &level,
						  NULL), -V3_ENOENT);
	}
	assert_int_equal(pt.mapped[2], 2 * GiB);
	assert_int_equal(pt.mapped[1], 4 * MiB);
	assert_int_equal(pt.mapped[0], 3 * 4096);
	/* The EPTP: WB, 4-level walk, no A/D enable (bit 6). */
	assert_int_equal(vmx_eptp(pt.root_pa), pt.root_pa | 0x1e);
	assert_int_equal(vmx_eptp(pt.root_pa) & (1UL << 6), 0);
	v3_nested_free(&pt);
}

/* Page sizes follow IA32_VMX_EPT_VPID_CAP bits 16 (2 MiB) and 17 (1 GiB). */
static void test_ept_page_sizes(void **state)
{
	(void)state;
	/* Lynnfield: 2 MiB pages, no 1 GiB pages. */
	ept_setup(LYNNFIELD);
	assert_false(fmt.gb_pages);
	assert_false(fmt.no_2m_pages);
	assert_int_equal(v3_nested_map(&pt, 0, HPA_BASE, GiB, V3_NPT_RWX), 0);
	check_leaf(lookup(GiB - 1, 2), 2, 7);
	assert_int_equal(pt.mapped[1], GiB);
	assert_int_equal(pt.mapped[2], 0);
	v3_nested_free(&pt);

	/* A CPU with neither: 4 KiB pages only. */
	cpu_replay_load(SKYLAKE);
	cpu_replay_set_msr(MSR_IA32_VMX_EPT_VPID_CAP,
			   cpu_replay_msr(MSR_IA32_VMX_EPT_VPID_CAP) & ~(3UL << 16));
	x86_probe_cpu(&cpu_replay, &f);
	vmx_ept_format(&f.vmx, &fmt);
	assert_false(fmt.gb_pages);
	assert_true(fmt.no_2m_pages);
	assert_int_equal(v3_nested_init(&pt, &fmt), 0);
	assert_int_equal(v3_nested_map(&pt, 0, HPA_BASE, 4 * MiB, V3_NPT_RWX), 0);
	check_leaf(lookup(2 * MiB + 0x1234, 1), 1, 7);
	assert_int_equal(pt.mapped[0], 4 * MiB);
	assert_int_equal(pt.mapped[1], 0);
	v3_nested_free(&pt);
}

/* ---- names ---- */

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(vmx_exit_name(48), "EPT violation");
	assert_string_equal(vmx_exit_name(10), "CPUID");
	assert_string_equal(vmx_exit_name(0x80000021UL),
			    "VM-entry failure: invalid guest state (none of the common causes: see "
			    "the guest fields logged)");
	assert_non_null(strstr(vmx_exit_name(0x80000021UL | (1UL << VMX_RAW_CAUSE_SHIFT)),
			       "invalid guest state: CS access rights"));
	assert_non_null(strstr(vmx_exit_name(0x80000021UL | (2UL << VMX_RAW_CAUSE_SHIFT)),
			       "CS.DPL differs from SS.DPL"));
	assert_string_equal(vmx_exit_name(0x80000022UL), "VM-entry failure: MSR loading");
	assert_string_equal(vmx_exit_name(VMX_RAW_VMFAIL_VALID | 7),
			    "VM entry with invalid control field(s)");
	assert_string_equal(vmx_exit_name(VMX_RAW_VMFAIL_VALID | 8),
			    "VM entry with invalid host-state field(s)");
	assert_string_equal(vmx_exit_name(VMX_RAW_VMFAIL_VALID | 99),
			    "unknown VM-instruction error");
	assert_non_null(strstr(vmx_exit_name(VMX_RAW_VMFAIL_INVALID), "VMfailInvalid"));
	assert_string_equal(vmx_exit_name(35), "unknown exit reason");
	assert_string_equal(vmx_insn_error_name(5), "VMRESUME with non-launched VMCS");
}

/* Access rights: VMCB-style attributes (the core's) <-> VMCS layout. */
static void test_access_rights(void **state)
{
	(void)state;
	assert_int_equal(vmx_ar_from_attrib(0x0c9b), 0xc09b);
	assert_int_equal(vmx_ar_from_attrib(0x0a9b), 0xa09b);  /* 64-bit code: L */
	assert_int_equal(vmx_attrib_from_ar(0xc093), 0x0c93);
	assert_int_equal(vmx_attrib_from_ar(0x1c093), 0x0c93);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_adjust_forces_allowed0),
		T(test_adjust_refuses_with_name),
		T(test_adjust_inconsistent_msr),
		T(test_skylake_true_controls),
		T(test_skylake_without_true_controls),
		T(test_other_models),
		T(test_vpid_optional),
		T(test_refusals),
		T(test_shadow_controls),
		T(test_vm_init_refusals),
		T(test_vm_init_skylake),
		T(test_vm_init_shadow),
		T(test_msr_bitmap),
		T(test_ept_entries),
		T(test_ept_page_sizes),
		T(test_names),
		T(test_access_rights),
	};

	return cmocka_run_group_tests_name("vmx_controls", tests, NULL, NULL);
}
