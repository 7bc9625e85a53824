/* SPDX-License-Identifier: MIT */
/*
 * The host interface: everything the VMM core needs from the kernel that
 * embeds it, and nothing more.
 *
 * An embedder (host-kitten, the real Kitten, a Linux module) fills one
 * struct v3_host_ops and passes it to v3_init(). Every member is required:
 * v3_init() refuses an ops table with a missing member and names it, so a
 * host can never silently degrade the VMM with a no-op. A host that really
 * cannot provide a service implements the member and returns -V3_ENOTSUP,
 * which the core reports where it matters.
 *
 * Contexts. Unless a member says otherwise it may be called from any CPU, in
 * thread context, with interrupts enabled, and may not be called from the
 * host's interrupt handlers. Members marked "any context" may also be called
 * with interrupts disabled or from a callback the host invoked.
 *
 * Addresses. Physical addresses are u64. The core never dereferences a
 * physical address itself; it asks paddr_to_vaddr() for a mapping of memory
 * the host gave it (alloc_pages) and of nothing else.
 */
#ifndef V3_HOST_H
#define V3_HOST_H

#include <v3/errno.h>
#include <v3/types.h>

/* Any NUMA node will do. */
#define V3_NUMA_ANY (-1)

/* Callback run by the host on a given CPU (call_on_cpu, start_on_cpu, timers). */
typedef void (*v3_cpu_fn)(void *arg);

/* Handler for a host interrupt routed to the VMM (passthrough devices). */
typedef void (*v3_irq_fn)(unsigned int irq, void *arg);

struct v3_host_ops {
	/* ---- memory ---- */

	/*
	 * Allocate npages physically contiguous 4 KiB pages whose physical
	 * address is a multiple of align (a power of two >= 4096), on NUMA node
	 * node (or V3_NUMA_ANY). Contents are undefined. Returns the physical
	 * address, or 0 when no such block exists. Guest memory is allocated
	 * here once, up front, in blocks of up to several GiB: the host must
	 * be able to satisfy large aligned requests while memory is free.
	 */
	u64 (*alloc_pages)(u64 npages, u64 align, int node);
	/* Return a block from alloc_pages; npages must match the allocation. */
	void (*free_pages)(u64 paddr, u64 npages);
	/* Small allocation (any alignment up to 16 bytes), NULL on failure. */
	void *(*malloc)(size_t size);
	/* Free a malloc() result; free(NULL) does nothing. */
	void (*free)(void *ptr);
	/* Host virtual address of memory returned by alloc_pages (any context). */
	void *(*paddr_to_vaddr)(u64 paddr);
	/* Physical address of host memory (malloc or alloc_pages; any context). */
	u64 (*vaddr_to_paddr)(const void *vaddr);

	/* ---- CPUs ---- */

	/* Number of CPUs the host offers the VMM; ids are 0 .. cpu_count()-1. */
	unsigned int (*cpu_count)(void);
	/* Id of the calling CPU (any context). */
	unsigned int (*cpu_id)(void);
	/*
	 * Run fn(arg) on CPU cpu and wait until it returns. Used for per-CPU
	 * setup (enabling VMX/SVM). Returns 0, or a negative error if the CPU
	 * does not exist or is not online.
	 */
	int (*call_on_cpu)(unsigned int cpu, v3_cpu_fn fn, void *arg);
	/*
	 * Start fn(arg) on CPU cpu and return without waiting: the host gives
	 * that core to the function until it returns (a vCPU's run loop). Fails
	 * with -V3_EBUSY when the core is already running something.
	 */
	int (*start_on_cpu)(unsigned int cpu, v3_cpu_fn fn, void *arg);
	/*
	 * Let the host run other work on this CPU, or idle it until an
	 * interrupt arrives (a halted vCPU waiting for an event). Returns when
	 * the caller should look at its state again. A kick_cpu() for this CPU
	 * that happened after the caller last looked must make yield() return
	 * at once: no wake-up may be lost between a check and the sleep.
	 */
	void (*yield)(void);
	/*
	 * Interrupt CPU cpu so that it leaves guest mode, or returns from
	 * yield(), soon (any context, also for the calling CPU itself). The VMM
	 * uses it to make a vCPU look at an event queued for it; how the host
	 * interrupts the CPU is its own choice.
	 */
	int (*kick_cpu)(unsigned int cpu);

	/* ---- host interrupts (passthrough) ---- */

	/*
	 * Deliver host interrupt line irq (an ISA/GSI number) to handler,
	 * which runs in interrupt context. Returns 0 or a negative error.
	 */
	int (*hook_irq)(unsigned int irq, v3_irq_fn handler, void *arg);
	/* Acknowledge (EOI) a hooked irq after its handler ran (any context). */
	void (*ack_irq)(unsigned int irq);

	/* ---- time ---- */

	/* TSC frequency in kHz; the TSC is invariant and synchronised. */
	u64 (*tsc_khz)(void);
	/*
	 * Arm the calling CPU's one-shot timer: fn(arg) runs in interrupt
	 * context on this CPU once the TSC reaches deadline_tsc. One timer per
	 * CPU; arming again replaces the previous deadline. The host runs no
	 * periodic tick, so this is the only timer the VMM may cause.
	 */
	int (*timer_arm)(u64 deadline_tsc, v3_cpu_fn fn, void *arg);
	/* Disarm the calling CPU's one-shot timer (harmless if not armed). */
	void (*timer_cancel)(void);

	/* ---- console ---- */

	/* Write one complete log line (no trailing newline) (any context). */
	void (*print)(const char *line);
	/*
	 * Write n bytes to the host console exactly as given, at once: no
	 * prefix, no newline translation, no filtering (any context). Only a
	 * VM whose console UART is in raw mode (output="raw") writes here,
	 * byte by byte as its guest transmits, so that an interactive guest
	 * console (prompts without a newline, line editing, escape sequences)
	 * works on the host's terminal. The guest then drives that terminal:
	 * hosts that cannot allow it ignore the bytes.
	 */
	void (*console_write)(const char *buf, size_t n);
};

#endif /* V3_HOST_H */
