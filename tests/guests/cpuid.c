// SPDX-License-Identifier: MIT
/*
 * CPUID as the VMM presents it (palacios/src/cpuid.c): the hypervisor leaves
 * 0x40000000 (signature "V3VEEV3VEEV3") and 0x40000001 (ABI version, vendor
 * of the backend), the hypervisor bit in leaf 1, and no VMX/SVM for the
 * guest. The vendor string of leaf 0 must agree with the backend the VMM
 * reports (AMD-V for AuthenticAMD, VT-x for GenuineIntel).
 */
#include "runtime.h"

int guest_main(void)
{
	struct rt_cpuid l0 = cpuid(0, 0), sig = cpuid(0x40000000, 0), feat = cpuid(0x40000001, 0);
	struct rt_cpuid l1 = cpuid(1, 0), ext = cpuid(0x80000000, 0);
	char vendor[13], hv[13];
	bool amd, intel;

	memcpy(vendor + 0, &l0.ebx, 4);
	memcpy(vendor + 4, &l0.edx, 4);
	memcpy(vendor + 8, &l0.ecx, 4);
	vendor[12] = '\0';
	memcpy(hv + 0, &sig.ebx, 4);
	memcpy(hv + 4, &sig.ecx, 4);
	memcpy(hv + 8, &sig.edx, 4);
	hv[12] = '\0';
	rt_printf("cpuid: vendor %s, max leaf 0x%x, hypervisor \"%s\" max 0x%x, ABI %u, "
		  "backend %u\n", vendor, l0.eax, hv, sig.eax, feat.eax, feat.ecx);

	CHECK(sig.eax >= 0x40000001, "cpuid 0x40000000: EAX (max hypervisor leaf) >= 0x40000001");
	rt_check(!memcmp(hv, "V3VEEV3VEEV3", 12), "cpuid 0x40000000: EBX:ECX:EDX = V3VEEV3VEEV3",
		 "got \"%s\"", hv);
	CHECK_EQ(feat.eax, 1, "cpuid 0x40000001: EAX = ABI version 1");
	CHECK(feat.ecx == 0 || feat.ecx == 1, "cpuid 0x40000001: ECX (backend) is 0 or 1");

	amd = !memcmp(vendor, "AuthenticAMD", 12);
	intel = !memcmp(vendor, "GenuineIntel", 12);
	CHECK(amd || intel, "cpuid 0: vendor is AuthenticAMD or GenuineIntel");
	if (amd)
		CHECK_EQ(feat.ecx, 0, "cpuid 0x40000001: ECX = 0 (AMD-V) with vendor AuthenticAMD");
	if (intel)
		CHECK_EQ(feat.ecx, 1, "cpuid 0x40000001: ECX = 1 (VT-x) with vendor GenuineIntel");

	CHECK(l1.ecx & (1u << 31), "cpuid 1: ECX bit 31 (hypervisor present) set");
	CHECK(!(l1.ecx & (1u << 5)), "cpuid 1: ECX bit 5 (VMX) clear");
	CHECK(ext.eax >= 0x80000001, "cpuid 0x80000000: extended leaves up to 0x80000001");
	if (ext.eax >= 0x80000001) {
		struct rt_cpuid e1 = cpuid(0x80000001, 0);

		CHECK(!(e1.ecx & (1u << 2)), "cpuid 0x80000001: ECX bit 2 (SVM) clear");
		CHECK(e1.edx & (1u << 29), "cpuid 0x80000001: EDX bit 29 (long mode) set");
	}
	return 0;
}
