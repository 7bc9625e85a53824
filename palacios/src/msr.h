/* SPDX-License-Identifier: MIT */
/*
 * MSR hooks. Every MSR the guest may not own exits (the backend's MSR
 * permission bitmap); a hooked MSR goes to its hook, one passed through by
 * v3_msr_passthrough() never exits, and any other access is refused with
 * #GP in the guest, as hardware does for an MSR that does not exist.
 */
#ifndef V3_MSR_H
#define V3_MSR_H

#include <v3/types.h>

struct v3_vm;
struct v3_vcpu;

typedef int (*v3_msr_read_fn)(struct v3_vcpu *vcpu, u32 msr, u64 *val, void *priv);
typedef int (*v3_msr_write_fn)(struct v3_vcpu *vcpu, u32 msr, u64 val, void *priv);

/* A hook returns 0, or V3_MSR_GP to make the access raise #GP in the guest. */
#define V3_MSR_GP 1

int v3_hook_msr(struct v3_vm *vm, u32 msr, v3_msr_read_fn read, v3_msr_write_fn write,
		void *priv);
/* Let the guest read and write msr directly (the hardware keeps a per-guest copy). */
int v3_msr_passthrough(struct v3_vm *vm, u32 msr);
int v3_msr_init(struct v3_vm *vm);
void v3_msr_deinit(struct v3_vm *vm);
int v3_handle_msr(struct v3_vcpu *vcpu, bool write);

#endif /* V3_MSR_H */
