/* SPDX-License-Identifier: MIT */
/*
 * Port I/O hooks (per VM, sorted table keyed by port range). The core does
 * string I/O and REP itself, element by element, so hooks only ever see one
 * 1-, 2- or 4-byte access.
 */
#ifndef V3_IO_H
#define V3_IO_H

#include <v3/types.h>

struct v3_vm;
struct v3_vcpu;

typedef int (*v3_io_read_fn)(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 *val,
			     void *priv);
typedef int (*v3_io_write_fn)(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 val,
			      void *priv);

/* Hook ports [first, last]; NULL read returns all ones, NULL write ignores. */
int v3_hook_io(struct v3_vm *vm, u16 first, u16 last, v3_io_read_fn read, v3_io_write_fn write,
	       void *priv);
void v3_io_deinit(struct v3_vm *vm);
int v3_handle_io(struct v3_vcpu *vcpu);

#endif /* V3_IO_H */
