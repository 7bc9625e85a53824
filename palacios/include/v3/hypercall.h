/* SPDX-License-Identifier: MIT */
/*
 * Hypercall numbers (RAX) for VMMCALL/VMCALL, both accepted on both vendors.
 * Arguments in RBX, RCX, RDX, RSI; the status comes back in RAX (0 or a
 * negative error). See SYMBIOTIC-ABI.md; V3_HC_EXIT is this project's
 * addition for test guests and guest-requested stops.
 */
#ifndef V3_HYPERCALL_H
#define V3_HYPERCALL_H

#define V3_HC_PING 0x0001            /* RAX = 0, RBX = ABI version */
#define V3_HC_EXIT 0x0002            /* stop the VM; RBX = exit status */
#define V3_HC_SYMCALL_RETURN 0x0100
#define V3_HC_SYMCALL_ERROR 0x0101

#define V3_ABI_VERSION 1

/* CPUID hypervisor leaves. */
#define V3_CPUID_SIGNATURE_LEAF 0x40000000
#define V3_CPUID_FEATURES_LEAF 0x40000001
#define V3_CPUID_SIGNATURE "V3VEEV3VEEV3"

#endif /* V3_HYPERCALL_H */
