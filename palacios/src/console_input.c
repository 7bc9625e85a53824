/* SPDX-License-Identifier: MIT */
/* Host console input for a VM: the ring between the host and the console device
 * (console_input.h). */
#include <v3/errno.h>
#include <v3/vm.h>

#include "console_input.h"
#include "host_ops.h"
#include "vm.h"

/* Producers spin this many times for another CPU's short copy, then give up (nested caller). */
#define PRODUCER_SPINS 10000

_Static_assert((V3_CONSOLE_INPUT_SIZE & (V3_CONSOLE_INPUT_SIZE - 1)) == 0,
	       "the console input ring size must be a power of two");

int v3_console_input_attach(struct v3_vm *vm, void (*ready)(void *priv), void *priv)
{
	struct v3_console_input *in = &vm->console_in;

	if (!ready)
		return -V3_EINVAL;
	if (in->ready)
		return -V3_EBUSY;
	in->head = 0;
	in->tail = 0;
	in->priv = priv;
	__atomic_store_n(&in->ready, ready, __ATOMIC_RELEASE);
	return 0;
}

void v3_console_input_detach(struct v3_vm *vm, void *priv)
{
	struct v3_console_input *in = &vm->console_in;

	if (in->ready && in->priv == priv) {
		__atomic_store_n(&in->ready, NULL, __ATOMIC_RELEASE);
		in->priv = NULL;
	}
}

static bool producer_lock(struct v3_console_input *in)
{
	for (unsigned int i = 0; i < PRODUCER_SPINS; i++) {
		if (!__atomic_exchange_n(&in->busy, 1, __ATOMIC_ACQUIRE))
			return true;
		__builtin_ia32_pause();
	}
	return false;
}

int v3_vm_console_input(struct v3_vm *vm, const char *bytes, size_t n)
{
	struct v3_console_input *in;
	u32 head, tail, room;
	size_t i;

	if (!vm || (!bytes && n))
		return -V3_EINVAL;
	in = &vm->console_in;
	if (!__atomic_load_n(&in->ready, __ATOMIC_ACQUIRE))
		return -V3_ENODEV;
	if (vm->state == V3_VM_STOPPED)
		return -V3_ESTOPPED;
	if (!producer_lock(in))
		return -V3_EBUSY;
	head = __atomic_load_n(&in->head, __ATOMIC_ACQUIRE);
	tail = in->tail;
	room = V3_CONSOLE_INPUT_SIZE - (tail - head);
	if (n > room)
		n = room;
	for (i = 0; i < n; i++)
		in->ring[(tail + i) % V3_CONSOLE_INPUT_SIZE] = (u8)bytes[i];
	__atomic_store_n(&in->tail, tail + (u32)n, __ATOMIC_RELEASE);
	__atomic_store_n(&in->busy, 0, __ATOMIC_RELEASE);
	/* vCPU 0 serves the console; before it first runs, its run loop polls on its own. */
	if (n && vm->state == V3_VM_RUNNING && vm->nvcpus)
		v3_host->kick_cpu(vm->vcpus[0].host_cpu);
	return (int)n;
}

size_t v3_console_input_take(struct v3_vm *vm, u8 *buf, size_t max)
{
	struct v3_console_input *in = &vm->console_in;
	u32 head = in->head, tail = __atomic_load_n(&in->tail, __ATOMIC_ACQUIRE);
	size_t n = tail - head, i;

	if (n > max)
		n = max;
	for (i = 0; i < n; i++)
		buf[i] = in->ring[(head + i) % V3_CONSOLE_INPUT_SIZE];
	__atomic_store_n(&in->head, head + (u32)n, __ATOMIC_RELEASE);
	return n;
}

void v3_console_input_poll(struct v3_vcpu *vcpu)
{
	struct v3_console_input *in = &vcpu->vm->console_in;
	void (*ready)(void *priv);

	if (vcpu->id != 0 || in->head == __atomic_load_n(&in->tail, __ATOMIC_ACQUIRE))
		return;
	ready = __atomic_load_n(&in->ready, __ATOMIC_ACQUIRE);
	if (ready)
		ready(in->priv);
}
