/* SPDX-License-Identifier: MIT */
/* Hypercalls: number in RAX, arguments RBX, RCX, RDX, RSI, result in RAX. */
#ifndef V3_HCALL_H
#define V3_HCALL_H

#include <v3/types.h>

struct v3_vm;
struct v3_vcpu;

/* Returns the value for the guest's RAX, or V3_HCALL_STOPPED if it stopped the VM. */
typedef s64 (*v3_hcall_fn)(struct v3_vcpu *vcpu, u64 nr, void *priv);
#define V3_HCALL_STOPPED (-0x7fffffffffffffffL)

int v3_register_hcall(struct v3_vm *vm, u64 nr, v3_hcall_fn fn, void *priv);
int v3_hcall_init(struct v3_vm *vm);
void v3_hcall_deinit(struct v3_vm *vm);
int v3_handle_hypercall(struct v3_vcpu *vcpu);

#endif /* V3_HCALL_H */
