/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for v3_init_with()/v3_deinit() (palacios/src/init.c) end to end:
 * host-interface validation, the CPU report and backend choice on every
 * recorded CPU (tests/unit/data/cpus/, replayed by cpu_replay.c) and on
 * firmware-disabled variants, and the all-or-nothing enabling on several
 * fake CPUs. The backends are the real ones' check() and paging_summary()
 * with fake cpu_enable/cpu_disable: the real ones execute VMXON and write
 * EFER. The fakes take a page like the real ones, so a rollback that forgets
 * a CPU leaks and ASan reports it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <v3/v3.h>

#include "cpu_replay.h"
#include "fake_host.h"
#include "host_ops.h"
#include "init.h"

#define MAX_CPUS 128

/* What the fake backends saw, in order. */
static struct {
	int fail_on;		/* cpu_enable fails on this cpu (-1: never) */
	unsigned int enables[MAX_CPUS], disables[MAX_CPUS];
	unsigned int nevents;
	char events[64][8];	/* "E0", "D1", ... up to 64 */
} seen;

static struct v3_arch_ops test_svm, test_vmx;
static const struct v3_arch_ops *const test_backends[] = { &test_svm, &test_vmx };
#define NTEST_BACKENDS 2

static void record(char op, unsigned int cpu)
{
	if (seen.nevents < 64)
		snprintf(seen.events[seen.nevents++], sizeof(seen.events[0]), "%c%u", op, cpu);
}

static int fake_cpu_enable(struct v3_pcpu *pc, const struct v3_cpu_features *f, char *why,
			   size_t len)
{
	unsigned int cpu = v3_host->cpu_id();

	/* The core runs each enable on the cpu the per-cpu state belongs to. */
	assert_int_equal(pc->cpu, cpu);
	assert_false(pc->enabled);
	assert_ptr_equal(f, &v3_core()->features);
	assert_true(cpu < MAX_CPUS);
	seen.enables[cpu]++;
	record('E', cpu);
	if ((int)cpu == seen.fail_on) {
		snprintf(why, len, "injected failure");
		return -V3_EIO;
	}
	pc->region_pa = v3_host->alloc_pages(1, V3_PAGE_SIZE, V3_NUMA_ANY);
	if (!pc->region_pa) {
		snprintf(why, len, "no memory for the region");
		return -V3_ENOMEM;
	}
	pc->enabled = true;
	return 0;
}

static void fake_cpu_disable(struct v3_pcpu *pc)
{
	unsigned int cpu = v3_host->cpu_id();

	assert_int_equal(pc->cpu, cpu);
	assert_true(pc->enabled);
	seen.disables[cpu]++;
	record('D', cpu);
	v3_host->free_pages(pc->region_pa, 1);
	pc->region_pa = 0;
	pc->enabled = false;
}

static void make_test_backend(struct v3_arch_ops *t, const struct v3_arch_ops *real)
{
	*t = (struct v3_arch_ops){
		.name = real->name,
		.long_name = real->long_name,
		.check = real->check,
		.paging_summary = real->paging_summary,
		.cpu_enable = fake_cpu_enable,
		.cpu_disable = fake_cpu_disable,
	};
}

static int setup(void **state)
{
	(void)state;
	fake_host_install();
	memset(&seen, 0, sizeof(seen));
	seen.fail_on = -1;
	make_test_backend(&test_svm, &svm_arch_ops);
	make_test_backend(&test_vmx, &vmx_arch_ops);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	/* The core keeps its state in init.c: leave it clean for the next test. */
	v3_deinit();
	cpu_replay_unload();
	return 0;
}

static void load(const char *file)
{
	char path[256];

	snprintf(path, sizeof(path), CPU_REPLAY_DIR "%s", file);
	cpu_replay_load(path);
}

static int init(void)
{
	return v3_init_with(&fake_host_ops, &cpu_replay, test_backends, NTEST_BACKENDS);
}

/* Is line one whole line of the captured log? */
static bool log_has_line(const char *line)
{
	const char *log = fake_host_log();
	size_t n = strlen(line);

	for (const char *p = log; (p = strstr(p, line)); p++)
		if ((p == log || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

#define assert_log_line(line)                                                            \
	do {                                                                             \
		if (!log_has_line(line))                                                 \
			fail_msg("the log lacks the line \"%s\"; it is:\n%s", line,     \
				 fake_host_log());                                       \
	} while (0)

#define assert_log_has(text)                                                             \
	do {                                                                             \
		if (!strstr(fake_host_log(), text))                                      \
			fail_msg("the log lacks \"%s\"; it is:\n%s", text, fake_host_log()); \
	} while (0)

#define assert_log_lacks(text)                                                           \
	do {                                                                             \
		if (strstr(fake_host_log(), text))                                       \
			fail_msg("the log has \"%s\"; it is:\n%s", text, fake_host_log()); \
	} while (0)

static void assert_events(const char *const *want, unsigned int n)
{
	assert_int_equal(seen.nevents, n);
	for (unsigned int i = 0; i < n; i++)
		assert_string_equal(seen.events[i], want[i]);
}

static unsigned int total(const unsigned int *counts)
{
	unsigned int sum = 0;

	for (unsigned int i = 0; i < MAX_CPUS; i++)
		sum += counts[i];
	return sum;
}

/* After a failed v3_init: no backend, no per-cpu state, nothing left enabled. */
static void assert_clean_state(void)
{
	assert_null(v3_backend_name());
	assert_null(v3_core()->arch);
	assert_null(v3_core()->pcpu);
	assert_int_equal(v3_core()->ncpus, 0);
	for (unsigned int i = 0; i < MAX_CPUS; i++)
		assert_int_equal(seen.enables[i] - (seen.fail_on == (int)i), seen.disables[i]);
}

/* ---- the host interface ----------------------------------------------------- */

#define MEMBER(m) { offsetof(struct v3_host_ops, m), #m }

/* Listed here independently of init.c, so a member init.c forgets shows. */
static const struct {
	size_t offset;
	const char *name;
} members[] = {
	MEMBER(alloc_pages), MEMBER(free_pages), MEMBER(malloc),       MEMBER(free),
	MEMBER(paddr_to_vaddr), MEMBER(vaddr_to_paddr), MEMBER(cpu_count), MEMBER(cpu_id),
	MEMBER(call_on_cpu), MEMBER(start_on_cpu), MEMBER(yield),      MEMBER(kick_cpu),
	MEMBER(hook_irq),    MEMBER(ack_irq),    MEMBER(tsc_khz),      MEMBER(timer_arm),
	MEMBER(timer_cancel), MEMBER(print),    MEMBER(console_write),
};
_Static_assert(sizeof(members) / sizeof(members[0]) ==
		       sizeof(struct v3_host_ops) / sizeof(void (*)(void)),
	       "members[] does not list every member of struct v3_host_ops");

static unsigned int allocations;

static void *counting_malloc(size_t size)
{
	allocations++;
	return fake_host_ops.malloc(size);
}

static u64 counting_alloc_pages(u64 npages, u64 align, int node)
{
	allocations++;
	return fake_host_ops.alloc_pages(npages, align, node);
}

static void untouchable_cpuid(u32 leaf, u32 subleaf, struct x86_cpuid *out)
{
	memset(out, 0, sizeof(*out));
	fail_msg("CPUID 0x%x/%u before the host interface was validated", leaf, subleaf);
}

static u64 untouchable_rdmsr(u32 msr)
{
	fail_msg("RDMSR 0x%x before the host interface was validated", msr);
	return 0;
}

/* Refusing must come before probing the CPU or allocating anything. */
static const struct x86_cpu_access untouchable_cpu = {
	.cpuid = untouchable_cpuid,
	.rdmsr = untouchable_rdmsr,
};

static void test_each_missing_op_is_named(void **state)
{
	static struct v3_host_ops ops;

	(void)state;
	for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		char want[128];
		const char *log, *p;
		unsigned int lines = 0;

		ops = fake_host_ops;
		ops.malloc = counting_malloc;
		ops.alloc_pages = counting_alloc_pages;
		*(void **)((char *)&ops + members[i].offset) = NULL;
		allocations = 0;
		fake_host_reset_log();
		assert_int_equal(v3_init_with(&ops, &untouchable_cpu, test_backends,
					      NTEST_BACKENDS),
				 -V3_EINVAL);
		assert_int_equal(allocations, 0);
		assert_null(v3_backend_name());
		log = fake_host_log();
		if (!strcmp(members[i].name, "print")) {
			/* Without print there is nobody to tell. */
			assert_string_equal(log, "");
			continue;
		}
		snprintf(want, sizeof(want), "v3: error: host interface incomplete: missing %s",
			 members[i].name);
		assert_log_line(want);
		for (p = log; (p = strchr(p, '\n')); p++)
			lines++;
		/* Only that member is named. */
		assert_int_equal(lines, 1);
	}
	assert_int_equal(total(seen.enables), 0);
}

static void test_all_missing_ops_are_named(void **state)
{
	static struct v3_host_ops ops;

	(void)state;
	ops = (struct v3_host_ops){ .print = fake_host_ops.print };
	assert_int_equal(v3_init_with(&ops, &untouchable_cpu, test_backends, NTEST_BACKENDS),
			 -V3_EINVAL);
	for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		char want[128];

		if (!strcmp(members[i].name, "print"))
			continue;
		snprintf(want, sizeof(want), "v3: error: host interface incomplete: missing %s",
			 members[i].name);
		assert_log_line(want);
	}
	assert_log_lacks("missing print");
}

static void test_null_ops(void **state)
{
	(void)state;
	assert_int_equal(v3_init_with(NULL, &untouchable_cpu, test_backends, NTEST_BACKENDS),
			 -V3_EINVAL);
	assert_string_equal(fake_host_log(), "");
	assert_null(v3_backend_name());
}

/* ---- recorded CPUs ------------------------------------------------------------ */

struct init_case {
	const char *file;
	int rc;
	const char *backend;	/* NULL when v3_init must refuse */
	const char *lines[12];	/* whole log lines that must appear */
};

static const struct init_case epyc = {
	"qemu-epyc-svm.txt", 0, "SVM",
	{ "v3: AuthenticAMD family 0x17 model 0x1 stepping 2: AMD EPYC Processor",
	  "v3: AMD-V (SVM): present, revision 1, 16 ASIDs, enabled by firmware",
	  "v3:   nested paging (NPT)       yes",
	  "v3:   NRIP save                 no",
	  "v3:   decode assists            no",
	  "v3:   VMCB clean bits           no",
	  "v3:   flush by ASID             no",
	  "v3: Intel VT-x (VMX): not present",
	  "v3: backend: AMD-V (SVM) with nested paging (NPT) and shadow paging",
	  "v3: SVM enabled on cpu 0",
	  "v3: ready: SVM enabled on 1 cpu" },
};

static const struct init_case qemu64_svm = {
	"qemu-qemu64-svm.txt", 0, "SVM",
	{ "v3: AuthenticAMD family 0xf model 0x6b stepping 1: QEMU Virtual CPU version 2.5+",
	  "v3: AMD-V (SVM): present, revision 1, 16 ASIDs, enabled by firmware",
	  "v3:   nested paging (NPT)       no",
	  "v3: backend: AMD-V (SVM) with shadow paging only (the CPU has no NPT)",
	  "v3: ready: SVM enabled on 1 cpu" },
};

static const struct init_case qemu64_nosvm = {
	"qemu-qemu64-nosvm.txt", -V3_ENODEV, NULL,
	{ "v3: AMD-V (SVM): not present",
	  "v3: Intel VT-x (VMX): not present",
	  "v3: error: no hardware virtualization: this CPU has neither AMD-V (SVM) nor Intel "
	  "VT-x (VMX)" },
};

static const struct init_case ryzen = {
	"bochs-ryzen.txt", 0, "SVM",
	{ "v3: AMD-V (SVM): present, revision 1, 32768 ASIDs, enabled by firmware",
	  "v3:   nested paging (NPT)       yes",
	  "v3:   NRIP save                 yes",
	  "v3:   decode assists            no",
	  "v3:   flush by ASID             yes",
	  "v3:   LBR virtualization        yes",
	  "v3:   pause filter              yes",
	  "v3: backend: AMD-V (SVM) with nested paging (NPT) and shadow paging" },
};

#define FULL_VMX_LINES                                                                   \
	"v3:   EPT                       yes (4-level, 2M pages, 1G pages, A/D bits, INVEPT)", \
	"v3:   VPID                      yes (INVVPID)",                               \
	"v3:   unrestricted guest        yes",                                         \
	"v3:   preemption timer          yes (TSC / 2^0)",                             \
	"v3:   true controls             yes",                                         \
	"v3: AMD-V (SVM): not present",                                               \
	"v3: backend: Intel VT-x (VMX) with nested paging (EPT) and shadow paging",   \
	"v3: VMX enabled on cpu 0",                                                   \
	"v3: ready: VMX enabled on 1 cpu"

static const struct init_case skylake_x = {
	"bochs-corei7-skylake-x.txt", 0, "VMX",
	{ "v3: GenuineIntel family 0x6 model 0x55 stepping 4: Intel(R) Core(TM) i7-7800X CPU "
	  "@ 3.50GHz",
	  "v3: Intel VT-x (VMX): present, VMCS revision 0x2b, 4096-byte VMCS, FEATURE_CONTROL "
	  "locked",
	  FULL_VMX_LINES },
};

static const struct init_case icelake_u = {
	"bochs-corei7-icelake-u.txt", 0, "VMX",
	{ "v3: Intel VT-x (VMX): present, VMCS revision 0x4, 4096-byte VMCS, FEATURE_CONTROL "
	  "locked",
	  FULL_VMX_LINES },
};

static const struct init_case tigerlake = {
	"bochs-tigerlake.txt", 0, "VMX",
	{ "v3: Intel VT-x (VMX): present, VMCS revision 0x4, 4096-byte VMCS, FEATURE_CONTROL "
	  "locked",
	  FULL_VMX_LINES },
};

static const struct init_case penryn = {
	"bochs-core2-penryn-t9600.txt", 0, "VMX",
	{ "v3: GenuineIntel family 0x6 model 0x17 stepping 10: Intel(R) Core(TM)2 Duo CPU     "
	  "T9600  @ 2.80GHz",
	  "v3: Intel VT-x (VMX): present, VMCS revision 0x2b, 4096-byte VMCS, FEATURE_CONTROL "
	  "locked",
	  "v3:   EPT                       no",
	  "v3:   VPID                      no",
	  "v3:   unrestricted guest        no",
	  "v3:   true controls             yes",
	  "v3:   secondary controls        yes",
	  "v3: backend: Intel VT-x (VMX) with shadow paging only (the CPU has no EPT)",
	  "v3: ready: VMX enabled on 1 cpu" },
};

static const struct init_case lynnfield = {
	"bochs-corei5-lynnfield-750.txt", 0, "VMX",
	{ "v3:   EPT                       yes (4-level, 2M pages, INVEPT)",
	  "v3:   VPID                      yes (INVVPID)",
	  "v3:   unrestricted guest        no",
	  "v3:   preemption timer          yes (TSC / 2^0)",
	  "v3: backend: Intel VT-x (VMX) with nested paging (EPT) and shadow paging",
	  "v3: ready: VMX enabled on 1 cpu" },
};

static void test_recording(void **state)
{
	const struct init_case *c = *state;

	load(c->file);
	assert_int_equal(init(), c->rc);
	for (size_t i = 0; i < sizeof(c->lines) / sizeof(c->lines[0]) && c->lines[i]; i++)
		assert_log_line(c->lines[i]);
	assert_log_line("v3: ---- CPU report ----");
	/* Only a backend the CPU has is explained. */
	assert_log_lacks("unusable");
	if (!c->backend) {
		assert_clean_state();
		assert_int_equal(total(seen.enables), 0);
		return;
	}
	assert_non_null(v3_backend_name());
	assert_string_equal(v3_backend_name(), c->backend);
	assert_ptr_equal(v3_core()->arch, !strcmp(c->backend, "SVM") ? &test_svm : &test_vmx);
	assert_int_equal(v3_core()->ncpus, 1);
	assert_true(v3_core()->pcpu[0].enabled);
	assert_int_equal(seen.enables[0], 1);
	assert_int_equal(total(seen.enables), 1);
	assert_int_equal(total(seen.disables), 0);
	assert_log_lacks("error");
	assert_log_lacks("warning");
}

/* The library's registration point: both backends, SVM first. */
static void test_built_in_backends(void **state)
{
	(void)state;
	assert_int_equal(v3_nbackends, 2);
	assert_ptr_equal(v3_backends[0], &svm_arch_ops);
	assert_ptr_equal(v3_backends[1], &vmx_arch_ops);
	assert_null(v3_backends[2]);
}

static void test_no_backend_built_in(void **state)
{
	(void)state;
	load("qemu-epyc-svm.txt");
	assert_int_equal(v3_init_with(&fake_host_ops, &cpu_replay, test_backends, 0),
			 -V3_ENODEV);
	assert_log_line("v3: error: this library was built without any backend "
			"(CONFIG_V3_SVM/CONFIG_V3_VMX)");
	assert_clean_state();
}

/* ---- firmware settings (synthetic variants of the recordings) ----------------- */

static void test_svm_disabled_and_locked(void **state)
{
	(void)state;
	load("qemu-epyc-svm.txt");
	cpu_replay_set_msr(MSR_VM_CR, VM_CR_SVMDIS | VM_CR_LOCK);
	assert_int_equal(init(), -V3_ENODEV);
	assert_log_line("v3: AMD-V (SVM): present, revision 1, 16 ASIDs, DISABLED by firmware "
			"(VM_CR locked)");
	assert_log_line("v3: error: AMD-V (SVM) unusable: AMD-V is disabled by the firmware "
			"(VM_CR.SVMDIS set and locked): enable SVM/virtualization in the BIOS "
			"setup");
	assert_log_line("v3: error: no usable hardware virtualization backend");
	assert_log_lacks("neither");
	assert_log_lacks("Intel VT-x (VMX) unusable");
	assert_int_equal(total(seen.enables), 0);
	assert_clean_state();
}

static void test_svm_disabled_unlocked(void **state)
{
	(void)state;
	load("bochs-ryzen.txt");
	cpu_replay_set_msr(MSR_VM_CR, VM_CR_SVMDIS);
	assert_int_equal(init(), -V3_ENODEV);
	assert_log_has(", disabled in VM_CR");
	assert_log_line("v3: error: AMD-V (SVM) unusable: AMD-V is disabled (VM_CR.SVMDIS set)");
	assert_int_equal(total(seen.enables), 0);
	assert_clean_state();
}

/* VM_CR locked with SVM allowed is the normal state of a configured machine. */
static void test_svm_locked_enabled(void **state)
{
	(void)state;
	load("qemu-epyc-svm.txt");
	cpu_replay_set_msr(MSR_VM_CR, VM_CR_LOCK);
	assert_int_equal(init(), 0);
	assert_string_equal(v3_backend_name(), "SVM");
}

static void test_vmx_disabled_by_bios(void **state)
{
	(void)state;
	load("bochs-corei7-skylake-x.txt");
	cpu_replay_set_msr(MSR_IA32_FEATURE_CONTROL, FEATURE_CONTROL_LOCK);
	assert_int_equal(init(), -V3_ENODEV);
	assert_log_line("v3: Intel VT-x (VMX): present, VMCS revision 0x2b, 4096-byte VMCS, "
			"FEATURE_CONTROL locked, DISABLED by firmware");
	assert_log_line("v3: error: Intel VT-x (VMX) unusable: VT-x is disabled by the firmware "
			"(IA32_FEATURE_CONTROL locked without VMX outside SMX): enable Intel "
			"Virtualization Technology in the BIOS");
	assert_log_line("v3: error: no usable hardware virtualization backend");
	assert_log_lacks("AMD-V (SVM) unusable");
	assert_int_equal(total(seen.enables), 0);
	assert_clean_state();
}

/* Locked allowing VMX only inside SMX (bits 0, 1) is just as unusable for a VMM. */
static void test_vmx_only_in_smx(void **state)
{
	(void)state;
	load("bochs-tigerlake.txt");
	cpu_replay_set_msr(MSR_IA32_FEATURE_CONTROL, 0x3);
	assert_int_equal(init(), -V3_ENODEV);
	assert_log_has("enable Intel Virtualization Technology in the BIOS");
	assert_clean_state();
}

/* Unlocked: accepted, cpu_enable sets and locks it as Linux does. */
static void test_vmx_feature_control_unlocked(void **state)
{
	(void)state;
	load("bochs-corei7-skylake-x.txt");
	cpu_replay_set_msr(MSR_IA32_FEATURE_CONTROL, 0);
	assert_int_equal(init(), 0);
	assert_log_line("v3: Intel VT-x (VMX): present, VMCS revision 0x2b, 4096-byte VMCS, "
			"FEATURE_CONTROL unlocked");
	assert_string_equal(v3_backend_name(), "VMX");
	assert_int_equal(seen.enables[0], 1);
}

/* IA32_VMX_BASIC bits 44:32: a VMCS larger than the page v3 gives it is refused. */
static void test_vmx_vmcs_too_large(void **state)
{
	u64 basic;

	(void)state;
	load("bochs-corei7-skylake-x.txt");
	basic = cpu_replay_msr(MSR_IA32_VMX_BASIC);
	cpu_replay_set_msr(MSR_IA32_VMX_BASIC, (basic & ~(0x1fffUL << 32)) | (0x1001UL << 32));
	assert_int_equal(init(), -V3_ENODEV);
	assert_log_has("VMX) unusable: unsupported VMCS size 4097");
	assert_clean_state();
}

/* IA32_VMX_BASIC bits 53:50: v3 keeps the VMCS in write-back memory only. */
static void test_vmx_vmcs_uncacheable(void **state)
{
	u64 basic;

	(void)state;
	load("bochs-corei7-skylake-x.txt");
	basic = cpu_replay_msr(MSR_IA32_VMX_BASIC);
	cpu_replay_set_msr(MSR_IA32_VMX_BASIC, basic & ~(0xfUL << 50));
	assert_int_equal(init(), -V3_ENODEV);
	assert_log_has("VMX) unusable: the VMCS must be write-back memory, the CPU wants type 0");
	assert_clean_state();
}

/* ---- enabling on every cpu ------------------------------------------------------- */

static void check_enabled_everywhere(const char *name, unsigned int n)
{
	char line[64];

	assert_string_equal(v3_backend_name(), name);
	assert_int_equal(v3_core()->ncpus, n);
	for (unsigned int i = 0; i < n; i++) {
		assert_int_equal(seen.enables[i], 1);
		assert_int_equal(seen.disables[i], 0);
		assert_true(v3_core()->pcpu[i].enabled);
		assert_int_equal(v3_core()->pcpu[i].cpu, i);
		snprintf(line, sizeof(line), "v3: %s enabled on cpu %u", name, i);
		assert_log_line(line);
	}
	assert_int_equal(total(seen.enables), n);
	snprintf(line, sizeof(line), "v3: ready: %s enabled on %u cpus", name, n);
	assert_log_line(line);
}

static void test_enable_svm_on_4_cpus(void **state)
{
	static const char *const order[] = { "E0", "E1", "E2", "E3", "D0", "D1", "D2", "D3" };

	(void)state;
	fake_host_set_cpus(4);
	load("qemu-epyc-svm.txt");
	assert_int_equal(init(), 0);
	check_enabled_everywhere("SVM", 4);
	assert_log_line("v3: SVM enabled on cpu 3");
	v3_deinit();
	assert_events(order, 8);
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(seen.disables[i], 1);
	assert_null(v3_backend_name());
	assert_null(v3_core()->pcpu);
}

static void test_enable_vmx_on_4_cpus(void **state)
{
	(void)state;
	fake_host_set_cpus(4);
	load("bochs-corei7-icelake-u.txt");
	assert_int_equal(init(), 0);
	check_enabled_everywhere("VMX", 4);
}

/* cpu_enable fails on cpu 2: cpus 0 and 1 are disabled again, cpu 3 never touched. */
static void test_enable_fails_on_cpu_2(void **state)
{
	static const char *const order[] = { "E0", "E1", "E2", "D0", "D1" };

	(void)state;
	fake_host_set_cpus(4);
	seen.fail_on = 2;
	load("qemu-epyc-svm.txt");
	assert_int_equal(init(), -V3_EIO);
	assert_log_line("v3: error: enabling SVM on cpu 2 failed: injected failure");
	assert_log_line("v3: SVM enabled on cpu 1");
	assert_log_lacks("enabled on cpu 3");
	assert_log_lacks("ready");
	assert_events(order, 5);
	assert_int_equal(seen.enables[3], 0);
	assert_clean_state();
}

static void test_enable_fails_on_first_cpu(void **state)
{
	static const char *const order[] = { "E0" };

	(void)state;
	fake_host_set_cpus(4);
	seen.fail_on = 0;
	load("bochs-corei7-skylake-x.txt");
	assert_int_equal(init(), -V3_EIO);
	assert_log_line("v3: error: enabling VMX on cpu 0 failed: injected failure");
	assert_events(order, 1);
	assert_clean_state();
}

static void test_enable_fails_on_last_cpu(void **state)
{
	static const char *const order[] = { "E0", "E1", "E2", "E3", "D0", "D1", "D2" };

	(void)state;
	fake_host_set_cpus(4);
	seen.fail_on = 3;
	load("bochs-ryzen.txt");
	assert_int_equal(init(), -V3_EIO);
	assert_events(order, 7);
	assert_clean_state();
}

/* The host cannot run on cpu 2: the same rollback, the host's error is returned. */
static void test_call_on_cpu_fails(void **state)
{
	static const char *const order[] = { "E0", "E1", "D0", "D1" };

	(void)state;
	fake_host_set_cpus(4);
	fake_host_fail_call_on_cpu(2);
	load("qemu-epyc-svm.txt");
	assert_int_equal(init(), -V3_EIO);
	assert_log_line("v3: error: could not run on cpu 2 (error -5)");
	assert_events(order, 4);
	assert_int_equal(seen.enables[2], 0);
	assert_int_equal(seen.enables[3], 0);
	assert_clean_state();
}

/* The backend's own allocation fails on cpu 2 (per-cpu array, then one page per cpu). */
static void test_region_allocation_fails_on_cpu_2(void **state)
{
	static const char *const order[] = { "E0", "E1", "E2", "D0", "D1" };

	(void)state;
	fake_host_set_cpus(4);
	fake_host_fail_alloc_after(3);
	load("bochs-tigerlake.txt");
	assert_int_equal(init(), -V3_ENOMEM);
	assert_log_line("v3: error: enabling VMX on cpu 2 failed: no memory for the region");
	assert_events(order, 5);
	seen.fail_on = 2; /* for assert_clean_state: cpu 2 was tried, never enabled */
	assert_clean_state();
}

static void test_per_cpu_allocation_fails(void **state)
{
	(void)state;
	fake_host_set_cpus(4);
	fake_host_fail_alloc_after(0);
	load("qemu-epyc-svm.txt");
	assert_int_equal(init(), -V3_ENOMEM);
	assert_log_line("v3: error: out of memory for per-cpu state");
	assert_int_equal(total(seen.enables), 0);
	assert_clean_state();
	/* Clean enough to succeed once memory is back. */
	fake_host_fail_alloc_after(-1);
	assert_int_equal(init(), 0);
	check_enabled_everywhere("SVM", 4);
}

static void test_init_twice(void **state)
{
	(void)state;
	fake_host_set_cpus(2);
	load("qemu-epyc-svm.txt");
	assert_int_equal(init(), 0);
	fake_host_reset_log();
	assert_int_equal(init(), -V3_EBUSY);
	assert_log_line("v3: error: v3_init called twice");
	/* The first init is untouched: nothing enabled twice, nothing disabled. */
	assert_string_equal(v3_backend_name(), "SVM");
	assert_int_equal(seen.enables[0], 1);
	assert_int_equal(seen.enables[1], 1);
	assert_int_equal(total(seen.disables), 0);
	assert_true(v3_core()->pcpu[1].enabled);
}

/* v3_deinit disables every cpu on that cpu and lets a new v3_init start afresh. */
static void test_deinit_then_init_again(void **state)
{
	(void)state;
	fake_host_set_cpus(3);
	load("qemu-epyc-svm.txt");
	assert_int_equal(init(), 0);
	v3_deinit();
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(seen.disables[i], 1);
	assert_null(v3_backend_name());
	/* Another CPU this time: the state of the first init is gone. */
	memset(&seen, 0, sizeof(seen));
	seen.fail_on = -1;
	load("bochs-corei7-skylake-x.txt");
	assert_int_equal(init(), 0);
	check_enabled_everywhere("VMX", 3);
	assert_true(v3_core()->features.has_vmx);
	assert_false(v3_core()->features.has_svm);
	/* A second deinit after the first does nothing. */
	v3_deinit();
	v3_deinit();
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(seen.disables[i], 1);
}

static void test_deinit_without_init(void **state)
{
	(void)state;
	v3_deinit();
	assert_string_equal(fake_host_log(), "");
	assert_int_equal(total(seen.disables), 0);
}

/* More cpus than CONFIG_V3_MAX_HOST_CPUS: the first ones are used, with a warning. */
static void test_more_cpus_than_configured(void **state)
{
	char line[128];

	(void)state;
	fake_host_set_cpus(CONFIG_V3_MAX_HOST_CPUS + 6);
	load("bochs-ryzen.txt");
	assert_int_equal(init(), 0);
	snprintf(line, sizeof(line),
		 "v3: warning: host offers %u cpus, using the first %u (CONFIG_V3_MAX_HOST_CPUS)",
		 CONFIG_V3_MAX_HOST_CPUS + 6, CONFIG_V3_MAX_HOST_CPUS);
	assert_log_line(line);
	check_enabled_everywhere("SVM", CONFIG_V3_MAX_HOST_CPUS);
	for (unsigned int i = CONFIG_V3_MAX_HOST_CPUS; i < CONFIG_V3_MAX_HOST_CPUS + 6; i++)
		assert_int_equal(seen.enables[i], 0);
}

/* A host that offers no cpus is broken: refuse rather than "enable" nowhere. */
static void test_no_cpus(void **state)
{
	(void)state;
	fake_host_set_cpus(0);
	load("qemu-epyc-svm.txt");
	assert_int_equal(init(), -V3_EINVAL);
	assert_log_line("v3: error: the host offers no cpus (cpu_count() returned 0)");
	assert_int_equal(total(seen.enables), 0);
	assert_clean_state();
}

#define RECORDING(c)                                                                     \
	{                                                                                \
		.name = "recording_" #c, .test_func = test_recording, .setup_func = setup, \
		.teardown_func = teardown, .initial_state = (void *)&(c)                 \
	}
#define INIT_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		INIT_TEST(test_each_missing_op_is_named),
		INIT_TEST(test_all_missing_ops_are_named),
		INIT_TEST(test_null_ops),
		RECORDING(epyc),
		RECORDING(qemu64_svm),
		RECORDING(qemu64_nosvm),
		RECORDING(ryzen),
		RECORDING(skylake_x),
		RECORDING(icelake_u),
		RECORDING(tigerlake),
		RECORDING(penryn),
		RECORDING(lynnfield),
		INIT_TEST(test_built_in_backends),
		INIT_TEST(test_no_backend_built_in),
		INIT_TEST(test_svm_disabled_and_locked),
		INIT_TEST(test_svm_disabled_unlocked),
		INIT_TEST(test_svm_locked_enabled),
		INIT_TEST(test_vmx_disabled_by_bios),
		INIT_TEST(test_vmx_only_in_smx),
		INIT_TEST(test_vmx_feature_control_unlocked),
		INIT_TEST(test_vmx_vmcs_too_large),
		INIT_TEST(test_vmx_vmcs_uncacheable),
		INIT_TEST(test_enable_svm_on_4_cpus),
		INIT_TEST(test_enable_vmx_on_4_cpus),
		INIT_TEST(test_enable_fails_on_cpu_2),
		INIT_TEST(test_enable_fails_on_first_cpu),
		INIT_TEST(test_enable_fails_on_last_cpu),
		INIT_TEST(test_call_on_cpu_fails),
		INIT_TEST(test_region_allocation_fails_on_cpu_2),
		INIT_TEST(test_per_cpu_allocation_fails),
		INIT_TEST(test_init_twice),
		INIT_TEST(test_deinit_then_init_again),
		INIT_TEST(test_deinit_without_init),
		INIT_TEST(test_more_cpus_than_configured),
		INIT_TEST(test_no_cpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
