/* SPDX-License-Identifier: MIT */
/* The probe's access to the real CPU. */
#include <arch/cpu_features.h>
#include <arch/x86.h>

static u64 native_rdmsr(u32 msr)
{
	return x86_rdmsr(msr);
}

const struct x86_cpu_access x86_native_cpu = {
	.cpuid = x86_cpuid,
	.rdmsr = native_rdmsr,
};
