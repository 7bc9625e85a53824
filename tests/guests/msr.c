// SPDX-License-Identifier: MIT
/*
 * MSR handling (palacios/src/msr.c): the test device's hooked MSR keeps 64
 * bits, the passed-through MSRs (FS/GS/KERNEL_GS base, the SYSCALL and
 * SYSENTER MSRs) read back what was written and take effect, the TSC MSR
 * agrees with RDTSC, EFER shows long mode but not SVME, and an MSR the VMM
 * does not know raises #GP(0) in the guest, on read and on write, handled
 * by the guest's own IDT.
 */
#include "runtime.h"

#define MSR_TSC 0x10
#define MSR_SYSENTER_CS 0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176
#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SFMASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define FORBIDDEN_MSR 0x12345678

#define EFER_LME (1UL << 8)
#define EFER_LMA (1UL << 10)
#define EFER_NXE (1UL << 11)
#define EFER_SVME (1UL << 12)

static volatile u64 fs_target = 0xf5f5f5f5a0a0a0a0ULL;
static volatile u64 gs_target = 0x6565656550505050ULL;

/* value_desc names the value in the PASS line (NULL: its hex digits). */
static void write_read(u32 msr, const char *name, u64 value, const char *value_desc)
{
	char what[96], hex[20];

	wrmsr(msr, value);
	rt_snprintf(hex, sizeof(hex), "0x%lx", value);
	rt_snprintf(what, sizeof(what), "%s (0x%x): reads back %s", name, msr,
		    value_desc ? value_desc : hex);
	CHECK_EQ(rdmsr(msr), value, what);
}

static void forbidden(u32 msr)
{
	char what[96];
	bool hit;

	hit = EXPECT_EXCEPTION(EXC_GP, "mov %0, %%ecx", "rdmsr", "r"(msr));
	rt_snprintf(what, sizeof(what), "rdmsr 0x%x (unknown MSR) raises #GP(0) at the RDMSR", msr);
	rt_check(hit && rt_last_fault.error == 0 && rt_last_fault.rip == rt_fault_start, what,
		 "caught %d, error 0x%lx, rip 0x%lx (rdmsr at 0x%lx)", hit, rt_last_fault.error,
		 rt_last_fault.rip, rt_fault_start);

	hit = EXPECT_EXCEPTION(EXC_GP, "mov %0, %%ecx\n\tmov $0x1234, %%eax\n\txor %%edx, %%edx",
			       "wrmsr", "r"(msr));
	rt_snprintf(what, sizeof(what), "wrmsr 0x%x (unknown MSR) raises #GP(0) at the WRMSR", msr);
	rt_check(hit && rt_last_fault.error == 0 && rt_last_fault.rip == rt_fault_start, what,
		 "caught %d, error 0x%lx, rip 0x%lx (wrmsr at 0x%lx)", hit, rt_last_fault.error,
		 rt_last_fault.rip, rt_fault_start);
}

static void efer_tests(void)
{
	u64 efer = rdmsr(MSR_EFER);
	bool nx = cpuid(0x80000001, 0).edx & (1u << 20);
	bool hit;

	rt_printf("msr: EFER 0x%lx\n", efer);
	CHECK((efer & (EFER_LME | EFER_LMA)) == (EFER_LME | EFER_LMA), "EFER: LME and LMA set");
	CHECK(!(efer & EFER_SVME), "EFER: SVME (bit 12) clear");
	if (nx) {
		wrmsr(MSR_EFER, efer | EFER_NXE);
		CHECK((rdmsr(MSR_EFER) & (EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME)) ==
			      (EFER_LME | EFER_LMA | EFER_NXE),
		      "EFER: NXE set by WRMSR reads back with LME|LMA, no SVME");
		wrmsr(MSR_EFER, efer & ~EFER_NXE);
		CHECK(!(rdmsr(MSR_EFER) & EFER_NXE), "EFER: NXE cleared by WRMSR reads back clear");
	}
	/* CPUID says no SVM, so EFER.SVME is reserved: setting it is #GP(0) (APM 2, 3.1.7). */
	hit = EXPECT_EXCEPTION(EXC_GP,
			       "mov $0xc0000080, %%ecx\n\tmov %0, %%eax\n\txor %%edx, %%edx",
			       "wrmsr", "r"((u32)(efer | EFER_SVME)));
	rt_check(hit && rt_last_fault.error == 0, "EFER: setting SVME raises #GP(0)",
		 "caught %d, error 0x%lx", hit, rt_last_fault.error);
	CHECK(!(rdmsr(MSR_EFER) & EFER_SVME), "EFER: SVME still clear");
	wrmsr(MSR_EFER, efer);
}

int guest_main(void)
{
	u64 t0, t1, t2, v;

	write_read(TEST_MSR, "vmm_test MSR", 0x0123456789abcdefULL, NULL);
	write_read(TEST_MSR, "vmm_test MSR", 0xffffffffffffffffULL, NULL);
	write_read(TEST_MSR, "vmm_test MSR", 0x8000000000000001ULL, NULL);
	write_read(TEST_MSR, "vmm_test MSR", 0, NULL);

	write_read(MSR_FS_BASE, "FS_BASE", (u64)&fs_target, "a variable's address");
	asm volatile("mov %%fs:0, %0" : "=r"(v));
	CHECK_EQ(v, fs_target, "FS_BASE: a %fs:0 load reads the variable it points at");
	write_read(MSR_GS_BASE, "GS_BASE", (u64)&gs_target, "a variable's address");
	asm volatile("mov %%gs:0, %0" : "=r"(v));
	CHECK_EQ(v, gs_target, "GS_BASE: a %gs:0 load reads the variable it points at");
	write_read(MSR_KERNEL_GS_BASE, "KERNEL_GS_BASE", 0xffff800012345000ULL, NULL);
	asm volatile("swapgs" ::: "memory");
	t0 = rdmsr(MSR_GS_BASE);
	t1 = rdmsr(MSR_KERNEL_GS_BASE);
	asm volatile("swapgs" ::: "memory");
	rt_check(t0 == 0xffff800012345000ULL && t1 == (u64)&gs_target,
		 "SWAPGS exchanges GS_BASE and KERNEL_GS_BASE",
		 "GS_BASE 0x%lx, KERNEL_GS_BASE 0x%lx", t0, t1);
	write_read(MSR_FS_BASE, "FS_BASE", 0, NULL);
	write_read(MSR_GS_BASE, "GS_BASE", 0, NULL);
	write_read(MSR_KERNEL_GS_BASE, "KERNEL_GS_BASE", 0, NULL);

	write_read(MSR_STAR, "STAR", 0x0023001000000000ULL, NULL);
	write_read(MSR_LSTAR, "LSTAR", 0xffffffff81000000ULL, NULL);
	write_read(MSR_CSTAR, "CSTAR", 0xffffffff81000040ULL, NULL);
	write_read(MSR_SFMASK, "SFMASK", 0x47700, NULL);
	write_read(MSR_SYSENTER_CS, "SYSENTER_CS", 0x10, NULL);
	write_read(MSR_SYSENTER_ESP, "SYSENTER_ESP", 0x12345678, NULL);
	write_read(MSR_SYSENTER_EIP, "SYSENTER_EIP", 0x9abcdef0, NULL);

	t0 = rdtsc();
	t1 = rdmsr(MSR_TSC);
	t2 = rdtsc();
	rt_check(t0 <= t1 && t1 <= t2 && t0 < t2, "TSC MSR (0x10) lies between two RDTSCs",
		 "rdtsc 0x%lx, rdmsr 0x%lx, rdtsc 0x%lx", t0, t1, t2);

	efer_tests();

	forbidden(FORBIDDEN_MSR);
	forbidden(0xc0010117); /* VM_HSAVE_PA: the VMM's own, never the guest's */
	write_read(TEST_MSR, "vmm_test MSR after the #GPs", 0x5555aaaa5555aaaaULL, NULL);
	return 0;
}
