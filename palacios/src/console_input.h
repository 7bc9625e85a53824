/* SPDX-License-Identifier: MIT */
/*
 * Host console input for a VM (v3_vm_console_input in <v3/vm.h>): bytes
 * typed on the host's console wait in a small ring until the VM's console
 * device takes them on vCPU 0's thread.
 *
 * The host calls in from any CPU and any context, an interrupt handler
 * included, while the device's state belongs to the vCPU threads: the ring
 * is the only thing both sides touch. It has one consumer (the device, on
 * vCPU 0's thread or in its I/O handlers) which takes no lock; producers
 * serialize among themselves with a flag they only ever try to take, so an
 * interrupt handler never spins on a lock its own CPU holds. After queuing,
 * the producer kicks vCPU 0: the run loop calls v3_console_input_poll()
 * before every entry and after every wake-up, and the device moves bytes
 * into its receiver as far as the receiver has room. The ring thus plays
 * the part of a flow-controlled serial line: input is not lost while the
 * guest is slow to read, only when the ring itself is full, and then the
 * host is told how much was taken.
 */
#ifndef V3_CONSOLE_INPUT_H
#define V3_CONSOLE_INPUT_H

#include <v3/types.h>

struct v3_vm;
struct v3_vcpu;

#define V3_CONSOLE_INPUT_SIZE 256       /* a power of two: indices wrap freely */

struct v3_console_input {
	u8 ring[V3_CONSOLE_INPUT_SIZE];
	volatile u32 head;              /* next byte to take: written by the consumer */
	volatile u32 tail;              /* next free slot: written by the producer holding busy */
	volatile u32 busy;              /* a producer is queuing */
	/* The console device: attached at device creation, before any vCPU runs. */
	void (*ready)(void *priv);
	void *priv;
};

/*
 * Makes the device the VM's console: ready(priv) runs on vCPU 0's thread
 * whenever input is waiting. -V3_EBUSY if the VM already has one.
 */
int v3_console_input_attach(struct v3_vm *vm, void (*ready)(void *priv), void *priv);
/* The device priv is being freed: no more calls to it. */
void v3_console_input_detach(struct v3_vm *vm, void *priv);
/* The device takes up to max waiting bytes into buf; returns how many (consumer side only). */
size_t v3_console_input_take(struct v3_vm *vm, u8 *buf, size_t max);
/* Run loop, before entry: lets the console device see waiting input (vCPU 0 only). */
void v3_console_input_poll(struct v3_vcpu *vcpu);

#endif /* V3_CONSOLE_INPUT_H */
