/* SPDX-License-Identifier: MIT */
/* Hypercall dispatch and the built-in calls (SYMBIOTIC-ABI.md, v3/hypercall.h). */
#include <v3/hypercall.h>

#include "hcall.h"
#include "host_ops.h"
#include "log.h"
#include "vcpu.h"
#include "vm.h"

struct v3_hcall {
	v3_hcall_fn fn;
	void *priv;
};

int v3_register_hcall(struct v3_vm *vm, u64 nr, v3_hcall_fn fn, void *priv)
{
	struct v3_hcall *h;
	int rc;

	if (nr == ~0UL)
		return -V3_EINVAL;
	h = v3_malloc(sizeof(*h));
	if (!h)
		return -V3_ENOMEM;
	*h = (struct v3_hcall){ fn, priv };
	rc = v3_range_table_insert(&vm->hcalls, nr, nr + 1, h);
	if (rc)
		v3_free(h);
	return rc;
}

static s64 hcall_ping(struct v3_vcpu *vcpu, u64 nr, void *priv)
{
	vcpu->s.gprs.rbx = V3_ABI_VERSION;
	return 0;
}

static s64 hcall_exit(struct v3_vcpu *vcpu, u64 nr, void *priv)
{
	s64 status = (s64)vcpu->s.gprs.rbx;

	v3_vcpu_stop_vm(vcpu, V3_STOP_GUEST_EXIT, status, "exit hypercall with status %ld",
			status);
	return V3_HCALL_STOPPED;
}

int v3_hcall_init(struct v3_vm *vm)
{
	int rc;

	v3_range_table_init(&vm->hcalls);
	rc = v3_register_hcall(vm, V3_HC_PING, hcall_ping, NULL);
	if (!rc)
		rc = v3_register_hcall(vm, V3_HC_EXIT, hcall_exit, NULL);
	return rc;
}

void v3_hcall_deinit(struct v3_vm *vm)
{
	for (size_t i = 0; i < vm->hcalls.count; i++)
		v3_free(vm->hcalls.ranges[i].priv);
	v3_range_table_destroy(&vm->hcalls);
}

int v3_handle_hypercall(struct v3_vcpu *vcpu)
{
	u64 nr = vcpu->s.gprs.rax;
	const struct v3_range *r = v3_range_table_find(&vcpu->vm->hcalls, nr);
	s64 ret = -V3_ENOSYS;

	if (r) {
		const struct v3_hcall *h = r->priv;

		ret = h->fn(vcpu, nr, h->priv);
		if (ret == V3_HCALL_STOPPED)
			return -V3_ESTOPPED;
	}
	vcpu->s.gprs.rax = (u64)ret;
	return v3_vcpu_skip_insn(vcpu);
}
