/* SPDX-License-Identifier: MIT */
/*
 * Creating and running VMs. A VM is created from a VM image (v3-pack), runs
 * its vCPUs each pinned on one host CPU, and stops for a reason the host can
 * read back. Only the VM stops on a guest error: the host and other VMs go on.
 *
 * Life cycle: CREATED -> RUNNING -> STOPPED (PAUSED is reserved for
 * pause/checkpoint). v3_vm_free() is legal in CREATED and STOPPED.
 */
#ifndef V3_VM_H
#define V3_VM_H

#include <v3/types.h>

struct v3_vm;

enum v3_vm_state {
	V3_VM_CREATED,
	V3_VM_RUNNING,
	V3_VM_PAUSED,
	V3_VM_STOPPED,
};

enum v3_stop_reason {
	V3_STOP_NONE,          /* still running */
	V3_STOP_GUEST_EXIT,    /* the exit hypercall; status is the guest's */
	V3_STOP_POWER_OFF,     /* guest power-off */
	V3_STOP_RESET,         /* guest reset */
	V3_STOP_TRIPLE_FAULT,  /* shutdown event */
	V3_STOP_HOST,          /* v3_vm_stop() */
	V3_STOP_UNHANDLED,     /* an exit the VMM cannot handle */
	V3_STOP_ERROR,         /* an internal error or a VM-entry failure */
};

struct v3_vm_outcome {
	enum v3_stop_reason reason;
	s64 status;            /* GUEST_EXIT: the guest's status; else 0 */
	char detail[256];      /* why, in words, for the log */
};

/*
 * Creates a VM from an image in host memory (which must stay valid until
 * v3_vm_free: files are read from it). Guest memory is allocated and zeroed,
 * the boot file loaded. On error nothing is left allocated and the reason is
 * logged. Returns 0 and *out, or a negative error.
 */
int v3_vm_create(const void *image, u64 len, struct v3_vm **out);

/*
 * Starts every vCPU on its host CPU (the config's target_cpu, else vCPU i on
 * CPU i % cpu_count). vCPUs whose CPU is the calling one are not started:
 * the caller runs them with v3_vm_run_here(). Returns 0 or a negative error
 * (the VM is then stopped).
 */
int v3_vm_start(struct v3_vm *vm);

/* Runs this CPU's vCPU of vm, if it has one, until the VM stops. */
int v3_vm_run_here(struct v3_vm *vm);

/* Asks the VM to stop (any CPU); v3_vm_wait() waits until every vCPU has. */
void v3_vm_stop(struct v3_vm *vm);
void v3_vm_wait(struct v3_vm *vm);

enum v3_vm_state v3_vm_state(const struct v3_vm *vm);
const struct v3_vm_outcome *v3_vm_outcome(const struct v3_vm *vm);
const char *v3_vm_name(const struct v3_vm *vm);
const char *v3_stop_reason_name(enum v3_stop_reason reason);
/* True when the guest asked to stop: power-off, or the exit hypercall with status 0. */
bool v3_vm_outcome_ok(const struct v3_vm *vm);

/*
 * Console input: hands n bytes typed on the host's console to the VM's
 * console device (its first uart16550, docs/vm-config.md), whose receiver
 * the guest then reads them from, with the data-ready status and receive
 * interrupts of the real device. Bytes go through unmodified (Ctrl-C is
 * 0x03 for the guest to interpret).
 *
 * Any CPU, any context (a host interrupt handler included); it never blocks
 * and takes no lock the VMM's threads hold. The bytes wait in a 256-byte
 * queue that the VM's vCPU 0 drains into the device as fast as the guest
 * reads, like a flow-controlled serial line.
 * Legal from v3_vm_create to v3_vm_free (exclusive): the host must stop
 * calling it, and let a call in progress return, before it frees the VM.
 *
 * Returns how many bytes were queued (0..n: fewer when the queue is full;
 * the host drops or retries the rest), or -V3_EINVAL (vm NULL, or bytes
 * NULL with n > 0), -V3_ENODEV (the VM has no console device),
 * -V3_ESTOPPED (the VM has stopped), -V3_EBUSY (another call on the same
 * VM was queuing at that moment: calls from one interrupt handler, or
 * serialized by the host, never see it).
 */
int v3_vm_console_input(struct v3_vm *vm, const char *bytes, size_t n);

/* Logs the VM's outcome and its exit statistics (counts by kind, per vCPU). */
void v3_vm_report(const struct v3_vm *vm);

void v3_vm_free(struct v3_vm *vm);

#endif /* V3_VM_H */
