/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the CPU probe (arch/x86_64/cpu_probe.c) on CPUs recorded by
 * hk.test=cpudump (tests/unit/data/cpus/), replayed by cpu_replay.c, plus
 * synthetic variants of them. The expected values below were decoded by hand
 * from the recorded bits, not taken from the probe's output:
 *   CPUID.1: EAX family/model/stepping (SDM Vol. 2A Fig. 3-6: the extended
 *     model counts for base families 6 and 0xf, the extended family for 0xf);
 *     ECX bit 5 VMX, 21 x2APIC, 24 TSC-deadline, 31 hypervisor.
 *   CPUID.0x80000001: ECX bit 2 SVM; EDX bit 20 NX, bit 26 1G pages.
 *   CPUID.0x8000000A (APM Vol. 3 App. E.4.9): EAX SVM revision, EBX number of
 *     ASIDs, EDX bit 0 NP, 1 LbrVirt, 2 SVML, 3 NRIPS, 4 TscRateMsr,
 *     5 VmcbClean, 6 FlushByAsid, 7 DecodeAssists, 10 PauseFilter.
 *   IA32_VMX_BASIC (SDM Vol. 3D A.1): bits 30:0 revision, 44:32 VMCS size,
 *     53:50 memory type (6 = WB), bit 55 TRUE controls.
 *   Control MSRs (A.3-A.3.3): allowed-1 settings are bits 63:32; pin-based
 *     bit 6 preemption timer; processor-based bit 31 secondary controls;
 *     secondary bit 1 EPT, 5 VPID, 7 unrestricted guest.
 *   IA32_VMX_EPT_VPID_CAP (A.10): bit 6 4-level walk, 14 WB, 16 2M, 17 1G,
 *     20 INVEPT, 21 A/D flags, 32 INVVPID.
 * Every recording ends with exactly the MSRs the capability bits say exist, and
 * the replay fails the test on any other: the probe must never read an MSR
 * the CPU lacks (a #GP on hardware).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cpu_replay.h"
#include "fake_host.h"

struct svm_facts {
	u32 revision, nasids;
	bool npt, lbr_virt, svm_lock, nrip_save, tsc_rate, vmcb_clean, flush_by_asid;
	bool decode_assists, pause_filter, avic, vgif;
};

struct vmx_facts {
	u32 vmcs_revision, vmcs_size;
	bool vmcs_wb, true_ctls, fc_locked, secondary_ctls, msr_bitmaps, io_bitmaps;
	bool ept, ept_4level, ept_wb, ept_2m, ept_1g, ept_ad, invept;
	bool vpid, invvpid, unrestricted_guest, preemption_timer;
};

struct cpu_facts {
	const char *file;
	enum x86_vendor vendor;
	const char *vendor_id;
	u32 family, model, stepping;
	const char *brand;
	u32 max_leaf, max_ext_leaf;
	bool nx, pdpe1gb, x2apic, tsc_deadline, invariant_tsc, hypervisor;
	bool has_svm, has_vmx;
	struct svm_facts svm;
	struct vmx_facts vmx;
};

/* QEMU 7.2 TCG, -cpu EPYC,+svm: NPT and nothing else of SVM's extensions. */
static const struct cpu_facts epyc = {
	.file = "qemu-epyc-svm.txt",
	.vendor = X86_VENDOR_AMD, .vendor_id = "AuthenticAMD",
	.family = 0x17, .model = 0x01, .stepping = 2, /* 0x00800f12 */
	.brand = "AMD EPYC Processor",
	.max_leaf = 0xd, .max_ext_leaf = 0x8000001e,
	.nx = true, .pdpe1gb = true, .hypervisor = true,
	.has_svm = true,
	.svm = { .revision = 1, .nasids = 16, .npt = true },
};

/* QEMU 7.2 TCG, -cpu qemu64,+svm: SVM without nested paging. */
static const struct cpu_facts qemu64_svm = {
	.file = "qemu-qemu64-svm.txt",
	.vendor = X86_VENDOR_AMD, .vendor_id = "AuthenticAMD",
	.family = 0xf, .model = 0x6b, .stepping = 1, /* 0x00060fb1 */
	.brand = "QEMU Virtual CPU version 2.5+",
	.max_leaf = 0xd, .max_ext_leaf = 0x8000000a,
	.nx = true, .hypervisor = true,
	.has_svm = true,
	.svm = { .revision = 1, .nasids = 16 },
};

/* QEMU 7.2 TCG, -cpu qemu64: no virtualization extension at all. */
static const struct cpu_facts qemu64_nosvm = {
	.file = "qemu-qemu64-nosvm.txt",
	.vendor = X86_VENDOR_AMD, .vendor_id = "AuthenticAMD",
	.family = 0xf, .model = 0x6b, .stepping = 1,
	.brand = "QEMU Virtual CPU version 2.5+",
	.max_leaf = 0xd, .max_ext_leaf = 0x8000000a,
	.nx = true, .hypervisor = true,
};

/* Bochs 2.7 model=ryzen: SVM with NPT, NRIP save, flush by ASID, no decode assists. */
static const struct cpu_facts ryzen = {
	.file = "bochs-ryzen.txt",
	.vendor = X86_VENDOR_AMD, .vendor_id = "AuthenticAMD",
	.family = 0x17, .model = 0x01, .stepping = 1, /* 0x00800f11 */
	.brand = "AMD Ryzen 7 1700 Eight-Core Processor          ",
	.max_leaf = 0xd, .max_ext_leaf = 0x8000001f,
	.nx = true, .pdpe1gb = true, .invariant_tsc = true,
	.has_svm = true,
	/* 0x8000000A EDX = 0x44f: bits 0, 1, 2, 3, 6, 10. */
	.svm = { .revision = 1, .nasids = 0x8000, .npt = true, .lbr_virt = true,
		 .svm_lock = true, .nrip_save = true, .flush_by_asid = true,
		 .pause_filter = true },
};

/* What the three Bochs models with the full set share (EPT cap 0x...06334141 or more). */
#define BOCHS_FULL_VMX                                                                     \
	.vmcs_size = 4096, .vmcs_wb = true, .true_ctls = true, .fc_locked = true,          \
	.secondary_ctls = true, .msr_bitmaps = true, .io_bitmaps = true, .ept = true,      \
	.ept_4level = true, .ept_wb = true, .ept_2m = true, .ept_1g = true, .ept_ad = true, \
	.invept = true, .vpid = true, .invvpid = true, .unrestricted_guest = true,         \
	.preemption_timer = true

static const struct cpu_facts skylake_x = {
	.file = "bochs-corei7-skylake-x.txt",
	.vendor = X86_VENDOR_INTEL, .vendor_id = "GenuineIntel",
	.family = 6, .model = 0x55, .stepping = 4, /* 0x00050654 */
	.brand = "Intel(R) Core(TM) i7-7800X CPU @ 3.50GHz",
	.max_leaf = 0x16, .max_ext_leaf = 0x80000008,
	.nx = true, .pdpe1gb = true, .x2apic = true, .tsc_deadline = true,
	.invariant_tsc = true,
	.has_vmx = true,
	.vmx = { .vmcs_revision = 0x2b, BOCHS_FULL_VMX },
};

static const struct cpu_facts icelake_u = {
	.file = "bochs-corei7-icelake-u.txt",
	.vendor = X86_VENDOR_INTEL, .vendor_id = "GenuineIntel",
	.family = 6, .model = 0x7e, .stepping = 5, /* 0x000706e5 */
	.brand = "QuadCore Intel Core i7-1065G7, 1300 MHz",
	.max_leaf = 0x1b, .max_ext_leaf = 0x80000008,
	.nx = true, .pdpe1gb = true, .x2apic = true, .tsc_deadline = true,
	.invariant_tsc = true,
	.has_vmx = true,
	.vmx = { .vmcs_revision = 4, BOCHS_FULL_VMX },
};

static const struct cpu_facts tigerlake = {
	.file = "bochs-tigerlake.txt",
	.vendor = X86_VENDOR_INTEL, .vendor_id = "GenuineIntel",
	.family = 6, .model = 0x8c, .stepping = 1, /* 0x000806c1 */
	.brand = "11th Gen Intel(R) Core(TM) i5-1135G7 @ 2.40GHz",
	.max_leaf = 0x1b, .max_ext_leaf = 0x80000008,
	.nx = true, .pdpe1gb = true, .x2apic = true, .tsc_deadline = true,
	.invariant_tsc = true,
	.has_vmx = true,
	.vmx = { .vmcs_revision = 4, BOCHS_FULL_VMX },
};

/*
 * Penryn: secondary controls exist but allow only bits 0 and 6 (0x48b high
 * half 0x41): no EPT, no VPID, no unrestricted guest, so no EPT/VPID
 * capability MSR; pin-based allowed-1 0x3f: no preemption timer.
 */
static const struct cpu_facts penryn = {
	.file = "bochs-core2-penryn-t9600.txt",
	.vendor = X86_VENDOR_INTEL, .vendor_id = "GenuineIntel",
	.family = 6, .model = 0x17, .stepping = 10, /* 0x0001067a */
	.brand = "Intel(R) Core(TM)2 Duo CPU     T9600  @ 2.80GHz",
	.max_leaf = 0xd, .max_ext_leaf = 0x80000008,
	.nx = true,
	.has_vmx = true,
	.vmx = { .vmcs_revision = 0x2b, .vmcs_size = 4096, .vmcs_wb = true, .true_ctls = true,
		 .fc_locked = true, .secondary_ctls = true, .msr_bitmaps = true,
		 .io_bitmaps = true },
};

/*
 * Lynnfield: secondary allowed-1 0x7f (bits 0-6): EPT and VPID but no
 * unrestricted guest (bit 7), as TESTING.md says. EPT cap 0x06114141: 4-level,
 * WB, 2M, INVEPT, but neither 1G pages (bit 17) nor A/D flags (bit 21).
 */
static const struct cpu_facts lynnfield = {
	.file = "bochs-corei5-lynnfield-750.txt",
	.vendor = X86_VENDOR_INTEL, .vendor_id = "GenuineIntel",
	.family = 6, .model = 0x1e, .stepping = 5, /* 0x000106e5 */
	.brand = "Intel(R) Core(TM) i5 CPU         750  @ 2.67GHz",
	.max_leaf = 0xb, .max_ext_leaf = 0x80000008,
	.nx = true, .invariant_tsc = true,
	.has_vmx = true,
	.vmx = { .vmcs_revision = 0x2b, .vmcs_size = 4096, .vmcs_wb = true, .true_ctls = true,
		 .fc_locked = true, .secondary_ctls = true, .msr_bitmaps = true,
		 .io_bitmaps = true, .ept = true, .ept_4level = true, .ept_wb = true,
		 .ept_2m = true, .invept = true, .vpid = true, .invvpid = true,
		 .preemption_timer = true },
};

static struct v3_cpu_features f;

static int setup(void **state)
{
	(void)state;
	fake_host_install();
	/* Garbage first: the probe must set every field itself. */
	memset(&f, 0xa5, sizeof(f));
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
	char path[256];

	snprintf(path, sizeof(path), CPU_REPLAY_DIR "%s", file);
	cpu_replay_load(path);
	x86_probe_cpu(&cpu_replay, &f);
}

static void check_svm(const struct svm_facts *want, const struct svm_features *s)
{
	assert_int_equal(s->revision, want->revision);
	assert_int_equal(s->nasids, want->nasids);
	assert_int_equal(s->npt, want->npt);
	assert_int_equal(s->lbr_virt, want->lbr_virt);
	assert_int_equal(s->svm_lock, want->svm_lock);
	assert_int_equal(s->nrip_save, want->nrip_save);
	assert_int_equal(s->tsc_rate, want->tsc_rate);
	assert_int_equal(s->vmcb_clean, want->vmcb_clean);
	assert_int_equal(s->flush_by_asid, want->flush_by_asid);
	assert_int_equal(s->decode_assists, want->decode_assists);
	assert_int_equal(s->pause_filter, want->pause_filter);
	assert_int_equal(s->avic, want->avic);
	assert_int_equal(s->vgif, want->vgif);
	/* Every recording has VM_CR = 0: SVM allowed, not locked. */
	assert_false(s->disabled_by_firmware);
	assert_false(s->vm_cr_locked);
}

static void check_vmx(const struct vmx_facts *want, const struct vmx_features *v)
{
	assert_int_equal(v->vmcs_revision, want->vmcs_revision);
	assert_int_equal(v->vmcs_size, want->vmcs_size);
	assert_int_equal(v->vmcs_wb, want->vmcs_wb);
	assert_int_equal(v->true_ctls, want->true_ctls);
	assert_int_equal(v->feature_control_locked, want->fc_locked);
	assert_false(v->disabled_by_firmware); /* all recorded FEATURE_CONTROL = 5 */
	assert_int_equal(v->secondary_ctls, want->secondary_ctls);
	assert_int_equal(v->msr_bitmaps, want->msr_bitmaps);
	assert_int_equal(v->io_bitmaps, want->io_bitmaps);
	assert_true(v->tpr_shadow); /* every model: procbased allowed-1 bit 21 */
	assert_int_equal(v->ept, want->ept);
	assert_int_equal(v->ept_4level, want->ept_4level);
	assert_int_equal(v->ept_wb, want->ept_wb);
	assert_int_equal(v->ept_2m, want->ept_2m);
	assert_int_equal(v->ept_1g, want->ept_1g);
	assert_int_equal(v->ept_ad, want->ept_ad);
	assert_int_equal(v->invept, want->invept);
	assert_int_equal(v->vpid, want->vpid);
	assert_int_equal(v->invvpid, want->invvpid);
	assert_int_equal(v->unrestricted_guest, want->unrestricted_guest);
	assert_int_equal(v->preemption_timer, want->preemption_timer);
	/* IA32_VMX_MISC bits 4:0 are 0 on every Bochs model: the timer runs at the TSC rate. */
	assert_int_equal(v->preemption_timer_rate, 0);
}

static void test_recording(void **state)
{
	const struct cpu_facts *want = *state;
	const struct v3_cpu_features zero = { 0 };

	probe(want->file);
	assert_int_equal(f.vendor, want->vendor);
	assert_string_equal(f.vendor_id, want->vendor_id);
	assert_int_equal(f.family, want->family);
	assert_int_equal(f.model, want->model);
	assert_int_equal(f.stepping, want->stepping);
	assert_string_equal(f.brand, want->brand);
	assert_int_equal(f.max_leaf, want->max_leaf);
	assert_int_equal(f.max_ext_leaf, want->max_ext_leaf);
	/* Leaf 0x80000008 EAX = 0x3028 on every model. */
	assert_int_equal(f.phys_addr_bits, 40);
	assert_int_equal(f.virt_addr_bits, 48);
	assert_int_equal(f.nx, want->nx);
	assert_int_equal(f.pdpe1gb, want->pdpe1gb);
	assert_true(f.pge);
	assert_true(f.pat);
	assert_int_equal(f.x2apic, want->x2apic);
	assert_int_equal(f.tsc_deadline, want->tsc_deadline);
	assert_int_equal(f.invariant_tsc, want->invariant_tsc);
	assert_int_equal(f.hypervisor, want->hypervisor);
	assert_int_equal(f.has_svm, want->has_svm);
	assert_int_equal(f.has_vmx, want->has_vmx);
	if (want->has_svm)
		check_svm(&want->svm, &f.svm);
	else
		assert_memory_equal(&f.svm, &zero.svm, sizeof(f.svm));
	if (want->has_vmx)
		check_vmx(&want->vmx, &f.vmx);
	else
		assert_memory_equal(&f.vmx, &zero.vmx, sizeof(f.vmx));
}

/* With TRUE controls (BASIC bit 55) the probe keeps the TRUE MSRs' values (SDM A.2). */
static void test_true_controls_preferred(void **state)
{
	(void)state;
	probe(skylake_x.file);
	assert_int_equal(f.vmx.pinbased, cpu_replay_msr(MSR_IA32_VMX_TRUE_PINBASED_CTLS));
	assert_int_equal(f.vmx.procbased, cpu_replay_msr(MSR_IA32_VMX_TRUE_PROCBASED_CTLS));
	/* The TRUE MSR lets CR3-load/store exiting (bits 15, 16) be 0: it really differs. */
	assert_int_not_equal(f.vmx.procbased, cpu_replay_msr(MSR_IA32_VMX_PROCBASED_CTLS));
	assert_int_equal(f.vmx.procbased2, cpu_replay_msr(MSR_IA32_VMX_PROCBASED_CTLS2));
	assert_int_equal(f.vmx.ept_vpid_cap, cpu_replay_msr(MSR_IA32_VMX_EPT_VPID_CAP));
	assert_int_equal(f.vmx.cr0_fixed0, 0x80000021);
	assert_int_equal(f.vmx.cr4_fixed0, 0x2000);
}

/* A CPU without TRUE controls has no 0x48d-0x490: the probe must not read them. */
static void test_without_true_controls(void **state)
{
	(void)state;
	cpu_replay_load(CPU_REPLAY_DIR "bochs-corei7-skylake-x.txt");
	cpu_replay_set_msr(MSR_IA32_VMX_BASIC, cpu_replay_msr(MSR_IA32_VMX_BASIC) & ~(1UL << 55));
	for (u32 msr = 0x48d; msr <= 0x490; msr++)
		cpu_replay_drop_msr(msr);
	x86_probe_cpu(&cpu_replay, &f);
	assert_false(f.vmx.true_ctls);
	assert_int_equal(f.vmx.pinbased, cpu_replay_msr(MSR_IA32_VMX_PINBASED_CTLS));
	assert_int_equal(f.vmx.procbased, cpu_replay_msr(MSR_IA32_VMX_PROCBASED_CTLS));
	assert_true(f.vmx.ept);
	assert_true(f.vmx.preemption_timer);
}

/* No secondary controls (bit 63 of the procbased MSRs): no 0x48b, no 0x48c, no EPT. */
static void test_without_secondary_controls(void **state)
{
	(void)state;
	cpu_replay_load(CPU_REPLAY_DIR "bochs-corei7-skylake-x.txt");
	cpu_replay_set_msr(MSR_IA32_VMX_PROCBASED_CTLS,
			   cpu_replay_msr(MSR_IA32_VMX_PROCBASED_CTLS) & ~(1UL << 63));
	cpu_replay_set_msr(MSR_IA32_VMX_TRUE_PROCBASED_CTLS,
			   cpu_replay_msr(MSR_IA32_VMX_TRUE_PROCBASED_CTLS) & ~(1UL << 63));
	cpu_replay_drop_msr(MSR_IA32_VMX_PROCBASED_CTLS2);
	cpu_replay_drop_msr(MSR_IA32_VMX_EPT_VPID_CAP);
	x86_probe_cpu(&cpu_replay, &f);
	assert_true(f.has_vmx);
	assert_false(f.vmx.secondary_ctls);
	assert_false(f.vmx.ept);
	assert_false(f.vmx.vpid);
	assert_false(f.vmx.unrestricted_guest);
	assert_int_equal(f.vmx.procbased2, 0);
}

/*
 * EPT taken away, VPID kept: the capability MSR still exists (for INVVPID)
 * and unrestricted guest goes with EPT (SDM 26.2.1.1: it requires enable EPT)
 * although its own bit is still allowed.
 */
static void test_ept_removed(void **state)
{
	(void)state;
	cpu_replay_load(CPU_REPLAY_DIR "bochs-corei7-skylake-x.txt");
	cpu_replay_set_msr(MSR_IA32_VMX_PROCBASED_CTLS2,
			   cpu_replay_msr(MSR_IA32_VMX_PROCBASED_CTLS2) & ~(1UL << (32 + 1)));
	x86_probe_cpu(&cpu_replay, &f);
	assert_false(f.vmx.ept);
	assert_false(f.vmx.unrestricted_guest);
	assert_true(f.vmx.vpid);
	assert_true(f.vmx.invvpid);
	assert_int_equal(cpu_replay_msr_reads(MSR_IA32_VMX_EPT_VPID_CAP), 1);
}

/* Neither EPT nor VPID: IA32_VMX_EPT_VPID_CAP does not exist and is not read. */
static void test_ept_and_vpid_removed(void **state)
{
	(void)state;
	cpu_replay_load(CPU_REPLAY_DIR "bochs-corei7-skylake-x.txt");
	cpu_replay_set_msr(MSR_IA32_VMX_PROCBASED_CTLS2,
			   cpu_replay_msr(MSR_IA32_VMX_PROCBASED_CTLS2) &
				   ~((1UL << (32 + 1)) | (1UL << (32 + 5))));
	cpu_replay_drop_msr(MSR_IA32_VMX_EPT_VPID_CAP);
	x86_probe_cpu(&cpu_replay, &f);
	assert_true(f.vmx.secondary_ctls);
	assert_false(f.vmx.ept);
	assert_false(f.vmx.vpid);
	assert_false(f.vmx.unrestricted_guest);
	assert_false(f.vmx.ept_4level);
	assert_false(f.vmx.invvpid);
	assert_int_equal(f.vmx.ept_vpid_cap, 0);
}

/* IA32_FEATURE_CONTROL (SDM Vol. 3C 23.7): bit 0 lock, bit 1 VMX in SMX, bit 2 outside SMX. */
static void test_feature_control(void **state)
{
	static const struct {
		u64 value;
		bool locked, disabled;
	} cases[] = {
		{ 0x0, false, false }, /* unlocked: v3 sets and locks it itself */
		{ 0x4, false, false },
		{ 0x1, true, true },   /* locked with VMX forbidden: only the BIOS can change it */
		{ 0x3, true, true },   /* VMX only inside SMX does not help a VMM */
		{ 0x5, true, false },
		{ 0x7, true, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cpu_replay_load(CPU_REPLAY_DIR "bochs-corei7-skylake-x.txt");
		cpu_replay_set_msr(MSR_IA32_FEATURE_CONTROL, cases[i].value);
		x86_probe_cpu(&cpu_replay, &f);
		assert_true(f.has_vmx);
		assert_int_equal(f.vmx.feature_control_locked, cases[i].locked);
		assert_int_equal(f.vmx.disabled_by_firmware, cases[i].disabled);
	}
}

/* VM_CR (APM Vol. 2 15.30.1): bit 3 LOCK, bit 4 SVMDIS. */
static void test_vm_cr(void **state)
{
	static const struct {
		u64 value;
		bool locked, disabled;
	} cases[] = {
		{ 0x0, false, false },
		{ VM_CR_LOCK, true, false },
		{ VM_CR_SVMDIS, false, true },
		{ VM_CR_SVMDIS | VM_CR_LOCK, true, true },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cpu_replay_load(CPU_REPLAY_DIR "qemu-epyc-svm.txt");
		cpu_replay_set_msr(MSR_VM_CR, cases[i].value);
		x86_probe_cpu(&cpu_replay, &f);
		assert_true(f.has_svm);
		assert_true(f.svm.npt);
		assert_int_equal(f.svm.vm_cr_locked, cases[i].locked);
		assert_int_equal(f.svm.disabled_by_firmware, cases[i].disabled);
	}
}

/*
 * The SVM bit without leaf 0x8000000A is inconsistent: the probe does not
 * trust it and reads no SVM MSR (VM_CR is dropped so a read would fail).
 */
static void test_svm_without_svm_leaf(void **state)
{
	(void)state;
	cpu_replay_load(CPU_REPLAY_DIR "qemu-epyc-svm.txt");
	cpu_replay_cpuid_entry(0x80000000, 0)->eax = 0x80000008;
	cpu_replay_drop_msr(MSR_VM_CR);
	x86_probe_cpu(&cpu_replay, &f);
	assert_false(f.has_svm);
	assert_false(f.svm.npt);
	assert_string_equal(f.brand, "AMD EPYC Processor");
}

/* Without leaves 0x80000002-4 and 0x80000008: no brand, the architectural defaults. */
static void test_short_extended_range(void **state)
{
	(void)state;
	cpu_replay_load(CPU_REPLAY_DIR "qemu-qemu64-svm.txt");
	cpu_replay_cpuid_entry(0x80000000, 0)->eax = 0x80000001;
	cpu_replay_drop_msr(MSR_VM_CR);
	x86_probe_cpu(&cpu_replay, &f);
	assert_string_equal(f.brand, "");
	assert_true(f.nx);
	assert_false(f.has_svm);
	assert_int_equal(f.phys_addr_bits, 36);
	assert_int_equal(f.virt_addr_bits, 48);
}

/* Family/model/stepping from CPUID.1 EAX (SDM Vol. 2A "CPUID", Figure 3-6). */
static void test_family_model_decoding(void **state)
{
	static const struct {
		const char *base;
		u32 eax, family, model, stepping;
	} cases[] = {
		/* Intel family 6 uses the extended model: Skylake-SP 0x55. */
		{ "bochs-corei7-skylake-x.txt", 0x00050654, 6, 0x55, 4 },
		/* Pentium (family 5) ignores the extended model field. */
		{ "bochs-corei7-skylake-x.txt", 0x00010543, 5, 0x4, 3 },
		/* Pentium 4 (family 0xf, extended family 0). */
		{ "bochs-corei7-skylake-x.txt", 0x00000f29, 0xf, 0x2, 9 },
		/* AMD Zen 3: base 0xf + extended 0xa = 0x19, model 0x21. */
		{ "qemu-epyc-svm.txt", 0x00a20f10, 0x19, 0x21, 0 },
		/* AMD K10 (family 0x10), extended model 0: 0x02. */
		{ "qemu-epyc-svm.txt", 0x00100f22, 0x10, 0x02, 2 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[256];

		snprintf(path, sizeof(path), CPU_REPLAY_DIR "%s", cases[i].base);
		cpu_replay_load(path);
		cpu_replay_cpuid_entry(1, 0)->eax = cases[i].eax;
		x86_probe_cpu(&cpu_replay, &f);
		assert_int_equal(f.family, cases[i].family);
		assert_int_equal(f.model, cases[i].model);
		assert_int_equal(f.stepping, cases[i].stepping);
	}
}

/* A feature flag and the bit that should set it. */
struct flag_bit {
	unsigned int bit;
	size_t offset; /* of the bool in its structure */
	const char *name;
};

static bool flag_at(const void *base, size_t offset)
{
	return *(const bool *)((const char *)base + offset);
}

/* Exactly the flags whose bit is set (only bit `set` of the register) are true. */
static void check_flags(const void *base, const struct flag_bit *flags, size_t n,
			unsigned int set, const char *reg)
{
	for (size_t i = 0; i < n; i++) {
		bool want = flags[i].bit == set;

		if (flag_at(base, flags[i].offset) != want)
			fail_msg("%s bit %u alone: %s is %s", reg, set, flags[i].name,
				 want ? "false" : "true");
	}
}

/* Register reg (an offset in struct x86_cpuid) of the recorded leaf, subleaf 0. */
static u32 *cpuid_reg(u32 leaf, size_t reg)
{
	return (u32 *)((char *)cpu_replay_cpuid_entry(leaf, 0) + reg);
}

#define FLAG(type, bit, field) { bit, offsetof(type, field), #field }
#define NFLAGS(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The recordings cannot tell two bits apart that are always set together
 * (Ryzen has both SVML and NRIPS), so each bit is also tried alone.
 */
static void test_cpuid_bits_one_by_one(void **state)
{
	static const struct {
		u32 leaf;
		size_t reg;
		const char *name;
		struct flag_bit flag;
	} cases[] = {
		{ 1, offsetof(struct x86_cpuid, ecx), "CPUID.1:ECX",
		  FLAG(struct v3_cpu_features, 21, x2apic) },
		{ 1, offsetof(struct x86_cpuid, ecx), "CPUID.1:ECX",
		  FLAG(struct v3_cpu_features, 24, tsc_deadline) },
		{ 1, offsetof(struct x86_cpuid, ecx), "CPUID.1:ECX",
		  FLAG(struct v3_cpu_features, 31, hypervisor) },
		{ 1, offsetof(struct x86_cpuid, edx), "CPUID.1:EDX",
		  FLAG(struct v3_cpu_features, 13, pge) },
		{ 1, offsetof(struct x86_cpuid, edx), "CPUID.1:EDX",
		  FLAG(struct v3_cpu_features, 16, pat) },
		{ 0x80000001, offsetof(struct x86_cpuid, edx), "CPUID.80000001:EDX",
		  FLAG(struct v3_cpu_features, 20, nx) },
		{ 0x80000001, offsetof(struct x86_cpuid, edx), "CPUID.80000001:EDX",
		  FLAG(struct v3_cpu_features, 26, pdpe1gb) },
		{ 0x80000007, offsetof(struct x86_cpuid, edx), "CPUID.80000007:EDX",
		  FLAG(struct v3_cpu_features, 8, invariant_tsc) },
	};

	(void)state;
	for (size_t i = 0; i < NFLAGS(cases); i++) {
		u32 *reg;

		/* qemu64 without SVM: no VMX/SVM bit may appear, nothing reads an MSR. */
		cpu_replay_load(CPU_REPLAY_DIR "qemu-qemu64-nosvm.txt");
		for (size_t j = 0; j < NFLAGS(cases); j++) {
			reg = cpuid_reg(cases[j].leaf, cases[j].reg);
			*reg = 0;
		}
		reg = cpuid_reg(cases[i].leaf, cases[i].reg);
		*reg = 1u << cases[i].flag.bit;
		x86_probe_cpu(&cpu_replay, &f);
		for (size_t j = 0; j < NFLAGS(cases); j++)
			if (flag_at(&f, cases[j].flag.offset) != (j == i))
				fail_msg("%s bit %u alone: %s is %s", cases[i].name,
					 cases[i].flag.bit, cases[j].flag.name,
					 j == i ? "false" : "true");
	}
}

/* CPUID 0x8000000A EDX (APM Vol. 3 E.4.9), each of its 32 bits alone. */
static void test_svm_bits_one_by_one(void **state)
{
	static const struct flag_bit flags[] = {
		FLAG(struct svm_features, 0, npt),
		FLAG(struct svm_features, 1, lbr_virt),
		FLAG(struct svm_features, 2, svm_lock),
		FLAG(struct svm_features, 3, nrip_save),
		FLAG(struct svm_features, 4, tsc_rate),
		FLAG(struct svm_features, 5, vmcb_clean),
		FLAG(struct svm_features, 6, flush_by_asid),
		FLAG(struct svm_features, 7, decode_assists),
		FLAG(struct svm_features, 10, pause_filter),
		FLAG(struct svm_features, 12, pause_filter_threshold),
		FLAG(struct svm_features, 13, avic),
		FLAG(struct svm_features, 15, vmsave_virt),
		FLAG(struct svm_features, 16, vgif),
	};

	(void)state;
	for (unsigned int n = 0; n < 32; n++) {
		cpu_replay_load(CPU_REPLAY_DIR "qemu-epyc-svm.txt");
		cpu_replay_cpuid_entry(0x8000000a, 0)->edx = 1u << n;
		x86_probe_cpu(&cpu_replay, &f);
		assert_true(f.has_svm);
		check_flags(&f.svm, flags, NFLAGS(flags), n, "CPUID.8000000A:EDX");
	}
}

/* IA32_VMX_EPT_VPID_CAP (SDM Vol. 3D A.10), each of its 64 bits alone. */
static void test_ept_vpid_cap_bits_one_by_one(void **state)
{
	static const struct flag_bit flags[] = {
		FLAG(struct vmx_features, 6, ept_4level),
		FLAG(struct vmx_features, 14, ept_wb),
		FLAG(struct vmx_features, 16, ept_2m),
		FLAG(struct vmx_features, 17, ept_1g),
		FLAG(struct vmx_features, 20, invept),
		FLAG(struct vmx_features, 21, ept_ad),
		FLAG(struct vmx_features, 32, invvpid),
	};

	(void)state;
	for (unsigned int n = 0; n < 64; n++) {
		cpu_replay_load(CPU_REPLAY_DIR "bochs-corei7-skylake-x.txt");
		cpu_replay_set_msr(MSR_IA32_VMX_EPT_VPID_CAP, 1UL << n);
		x86_probe_cpu(&cpu_replay, &f);
		assert_true(f.vmx.ept);
		check_flags(&f.vmx, flags, NFLAGS(flags), n, "IA32_VMX_EPT_VPID_CAP");
	}
}

/* Allowed-1 bits of the pin-based and processor-based controls, each alone. */
static void test_vmx_control_bits_one_by_one(void **state)
{
	static const struct flag_bit pin[] = {
		FLAG(struct vmx_features, 6, preemption_timer),
	};
	static const struct flag_bit proc[] = {
		FLAG(struct vmx_features, 21, tpr_shadow),
		FLAG(struct vmx_features, 25, io_bitmaps),
		FLAG(struct vmx_features, 28, msr_bitmaps),
		FLAG(struct vmx_features, 31, secondary_ctls),
	};

	(void)state;
	for (unsigned int n = 0; n < 32; n++) {
		cpu_replay_load(CPU_REPLAY_DIR "bochs-corei7-skylake-x.txt");
		/* The allowed-0 half stays; only allowed-1 bit n is offered. */
		cpu_replay_set_msr(MSR_IA32_VMX_TRUE_PINBASED_CTLS, (1UL << n) << 32);
		cpu_replay_set_msr(MSR_IA32_VMX_TRUE_PROCBASED_CTLS, (1UL << n) << 32);
		x86_probe_cpu(&cpu_replay, &f);
		check_flags(&f.vmx, pin, NFLAGS(pin), n, "IA32_VMX_TRUE_PINBASED_CTLS[63:32]");
		check_flags(&f.vmx, proc, NFLAGS(proc), n, "IA32_VMX_TRUE_PROCBASED_CTLS[63:32]");
		/* The low halves (allowed-0) never count. */
		cpu_replay_set_msr(MSR_IA32_VMX_TRUE_PINBASED_CTLS, 1UL << n);
		cpu_replay_set_msr(MSR_IA32_VMX_TRUE_PROCBASED_CTLS, 1UL << n);
		x86_probe_cpu(&cpu_replay, &f);
		assert_false(f.vmx.preemption_timer);
		assert_false(f.vmx.secondary_ctls);
		assert_false(f.vmx.tpr_shadow);
	}
}

/* Secondary controls: EPT (1), VPID (5), unrestricted guest (7, only with EPT). */
static void test_secondary_bits(void **state)
{
	static const struct {
		u32 allowed1;
		bool ept, vpid, ug;
	} cases[] = {
		{ 1u << 1, true, false, false },
		{ 1u << 5, false, true, false },
		{ 1u << 7, false, false, false },
		{ (1u << 1) | (1u << 7), true, false, true },
		{ ~((1u << 1) | (1u << 5) | (1u << 7)), false, false, false },
	};

	(void)state;
	for (size_t i = 0; i < NFLAGS(cases); i++) {
		cpu_replay_load(CPU_REPLAY_DIR "bochs-corei7-skylake-x.txt");
		/* Allowed-0 half all ones: it must not be mistaken for allowed-1. */
		cpu_replay_set_msr(MSR_IA32_VMX_PROCBASED_CTLS2,
				   ((u64)cases[i].allowed1 << 32) | 0xffffffff);
		if (!cases[i].ept && !cases[i].vpid)
			cpu_replay_drop_msr(MSR_IA32_VMX_EPT_VPID_CAP);
		x86_probe_cpu(&cpu_replay, &f);
		assert_int_equal(f.vmx.ept, cases[i].ept);
		assert_int_equal(f.vmx.vpid, cases[i].vpid);
		assert_int_equal(f.vmx.unrestricted_guest, cases[i].ug);
	}
}

/* An unknown vendor is neither AMD nor Intel; the ID string is kept as is. */
static void test_other_vendor(void **state)
{
	struct x86_cpuid *r;

	(void)state;
	cpu_replay_load(CPU_REPLAY_DIR "qemu-qemu64-nosvm.txt");
	r = cpu_replay_cpuid_entry(0, 0);
	/* "CentaurHauls" */
	r->ebx = 0x746e6543;
	r->edx = 0x48727561;
	r->ecx = 0x736c7561;
	x86_probe_cpu(&cpu_replay, &f);
	assert_int_equal(f.vendor, X86_VENDOR_OTHER);
	assert_string_equal(f.vendor_id, "CentaurHauls");
}

/* The replay itself: CPUID past the maximum answers as the vendor's CPUs do. */
static void test_replay_beyond_max_leaf(void **state)
{
	struct x86_cpuid r;

	(void)state;
	cpu_replay_load(CPU_REPLAY_DIR "bochs-core2-penryn-t9600.txt");
	cpu_replay.cpuid(0x8000000a, 0, &r);
	/* Intel: the highest basic leaf (0xd) */
	assert_int_equal(r.eax, 3);
	assert_int_equal(r.ebx, 0x240);
	cpu_replay.cpuid(0x40000000, 0, &r);
	assert_int_equal(r.eax, 3);
	cpu_replay_load(CPU_REPLAY_DIR "qemu-qemu64-svm.txt");
	cpu_replay.cpuid(0x8000001f, 0, &r);
	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
	cpu_replay.cpuid(0xe, 0, &r);
	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
	assert_int_equal(cpu_replay_cpuid_calls(), 2);
}

/* One test per recording, named after it. */
#define RECORDING(facts)                                                                 \
	{                                                                                \
		.name = "recording_" #facts, .test_func = test_recording,                \
		.setup_func = setup, .teardown_func = teardown, .initial_state = (void *)&(facts) \
	}
#define PROBE_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		RECORDING(epyc),
		RECORDING(qemu64_svm),
		RECORDING(qemu64_nosvm),
		RECORDING(ryzen),
		RECORDING(skylake_x),
		RECORDING(icelake_u),
		RECORDING(tigerlake),
		RECORDING(penryn),
		RECORDING(lynnfield),
		PROBE_TEST(test_true_controls_preferred),
		PROBE_TEST(test_without_true_controls),
		PROBE_TEST(test_without_secondary_controls),
		PROBE_TEST(test_ept_removed),
		PROBE_TEST(test_ept_and_vpid_removed),
		PROBE_TEST(test_feature_control),
		PROBE_TEST(test_vm_cr),
		PROBE_TEST(test_svm_without_svm_leaf),
		PROBE_TEST(test_short_extended_range),
		PROBE_TEST(test_family_model_decoding),
		PROBE_TEST(test_cpuid_bits_one_by_one),
		PROBE_TEST(test_svm_bits_one_by_one),
		PROBE_TEST(test_ept_vpid_cap_bits_one_by_one),
		PROBE_TEST(test_vmx_control_bits_one_by_one),
		PROBE_TEST(test_secondary_bits),
		PROBE_TEST(test_other_vendor),
		PROBE_TEST(test_replay_beyond_max_leaf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
