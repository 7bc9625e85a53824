/* SPDX-License-Identifier: MIT */
/* struct v3_vm: everything a VM owns. No VM state lives anywhere else. */
#ifndef V3_VM_INTERNAL_H
#define V3_VM_INTERNAL_H

#include <v3/vm.h>

#include "boot/boot.h"
#include "config/config.h"
#include "console_input.h"
#include "intr.h"
#include "lib/range_table.h"
#include "mem.h"
#include "vcpu.h"

struct v3_arch_ops;
struct v3_shadow_vm;
struct v3_device;

struct v3_vm {
	char name[V3_CFG_NAME_MAX];
	struct v3_image image;
	struct v3_vm_config cfg;
	struct v3_boot_state boot;           /* the first vCPU's state (boot/boot.h) */
	const struct v3_arch_ops *arch;
	void *arch_data;

	volatile enum v3_vm_state state;
	struct v3_vm_outcome outcome;
	volatile u32 stopping;          /* first stopper wins */
	volatile u32 vcpus_running;
	volatile u32 waiter_cpu;             /* 1 + the CPU in v3_vm_wait, 0 if none */

	struct v3_mem_map mem;
	struct v3_intr_state intr;            /* interrupt lines and their controllers */
	struct v3_range_table io_hooks;      /* port ranges -> struct v3_io_hook */
	struct v3_range_table msr_hooks;     /* MSR index -> struct v3_msr_hook */
	struct v3_range_table cpuid_hooks;   /* leaf -> struct v3_cpuid_hook */
	struct v3_range_table hcalls;        /* number -> struct v3_hcall */
	u64 unhandled_io;                    /* accesses to ports nobody hooked */
	u64 mmio_emulated;                   /* instructions emulated: MMIO, shadow-paging writes */

	u64 tsc_offset;                      /* guest TSC = host TSC + tsc_offset */
	u8 maxphyaddr;                       /* guest physical address width */
	u64 ones_page_hpa;                   /* <unmapped action="ones">: all-ones page */
	volatile u32 nested_lock;            /* serializes changes to the nested tables */
	struct v3_shadow_vm *shadow;         /* shadow paging (paging/shadow.h), or NULL: nested */

	unsigned int nvcpus;
	struct v3_vcpu *vcpus;
	struct v3_device *devices;           /* created from <devices>, freed in reverse */
	struct v3_console_input console_in;  /* host console input for the console device */
};

/* Marks the VM stopped for reason (first caller wins) and kicks every vCPU. */
void v3_vm_set_stopped(struct v3_vm *vm, enum v3_stop_reason reason, s64 status,
		       const char *detail);

static inline bool v3_vm_running(const struct v3_vm *vm)
{
	return vm->state == V3_VM_RUNNING;
}

#endif /* V3_VM_INTERNAL_H */
