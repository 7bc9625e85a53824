/* SPDX-License-Identifier: MIT */
/*
 * v3_init(): validate the host interface, probe the CPU, choose the backend
 * and enable it on every host CPU, all or nothing.
 */
#include <v3/v3.h>

#include "host_ops.h"
#include "init.h"
#include "lib/string.h"
#include "log.h"

#define HOST_OP(member) { offsetof(struct v3_host_ops, member), #member }

static const struct {
	size_t offset;
	const char *name;
} host_op_table[] = {
	HOST_OP(alloc_pages), HOST_OP(free_pages),     HOST_OP(malloc),
	HOST_OP(free),        HOST_OP(paddr_to_vaddr), HOST_OP(vaddr_to_paddr),
	HOST_OP(cpu_count),   HOST_OP(cpu_id),         HOST_OP(call_on_cpu),
	HOST_OP(start_on_cpu), HOST_OP(yield),         HOST_OP(kick_cpu),
	HOST_OP(hook_irq),    HOST_OP(ack_irq),        HOST_OP(tsc_khz),
	HOST_OP(timer_arm),   HOST_OP(timer_cancel),   HOST_OP(print),
	HOST_OP(console_write),
};

/* Every member must be listed above: a new op without a check fails the build. */
_Static_assert(sizeof(struct v3_host_ops) == V3_ARRAY_SIZE(host_op_table) * sizeof(void (*)(void)),
	       "host_op_table does not list every member of struct v3_host_ops");

/* The state of the enabled extension; written only by v3_init/v3_deinit. */
static struct v3_core core;

const struct v3_core *v3_core(void)
{
	return &core;
}

u32 v3_asid_alloc(u32 limit)
{
	if (limit > 64 * V3_ARRAY_SIZE(core.asid_map))
		limit = 64 * V3_ARRAY_SIZE(core.asid_map);
	for (u32 id = 1; id < limit; id++) {
		u64 bit = 1UL << (id % 64);

		if (!(__atomic_fetch_or(&core.asid_map[id / 64], bit, __ATOMIC_ACQ_REL) & bit))
			return id;
	}
	return 0;
}

void v3_asid_free(u32 asid)
{
	if (asid && asid < 64 * V3_ARRAY_SIZE(core.asid_map))
		__atomic_fetch_and(&core.asid_map[asid / 64], ~(1UL << (asid % 64)), __ATOMIC_ACQ_REL);
}

int v3_check_host_ops(const struct v3_host_ops *ops)
{
	unsigned int missing = 0;

	/* Without print there is nobody to tell. */
	if (!ops || !ops->print)
		return -V3_EINVAL;
	for (size_t i = 0; i < V3_ARRAY_SIZE(host_op_table); i++) {
		void *const *slot = (void *const *)((const char *)ops + host_op_table[i].offset);

		if (!*slot) {
			char line[96];

			v3_strlcpy(line, "v3: error: host interface incomplete: missing ", sizeof(line));
			v3_strlcat(line, host_op_table[i].name, sizeof(line));
			ops->print(line);
			missing++;
		}
	}
	return missing ? -V3_EINVAL : 0;
}

struct enable_req {
	const struct v3_arch_ops *arch;
	const struct v3_cpu_features *features;
	struct v3_pcpu *pc;
	int rc;
	char why[192];
};

static void enable_on_cpu(void *arg)
{
	struct enable_req *r = arg;

	r->rc = r->arch->cpu_enable(r->pc, r->features, r->why, sizeof(r->why));
}

static void disable_on_cpu(void *arg)
{
	struct enable_req *r = arg;

	r->arch->cpu_disable(r->pc);
}

static void disable_all(void)
{
	for (unsigned int i = 0; i < core.ncpus; i++) {
		struct enable_req r = { .arch = core.arch, .pc = &core.pcpu[i] };

		if (core.pcpu[i].enabled && v3_host->call_on_cpu(i, disable_on_cpu, &r))
			v3_err("could not disable %s on cpu %u", core.arch->name, i);
	}
}

static const struct v3_arch_ops *select_backend(const struct v3_arch_ops *const *backends,
						size_t n)
{
	char why[192];

	for (size_t i = 0; i < n; i++) {
		if (backends[i]->check(&core.features, why, sizeof(why)) == 0)
			return backends[i];
		/* Only explain the backends this CPU has at all. */
		if ((core.features.has_svm && !v3_strcmp(backends[i]->name, "SVM")) ||
		    (core.features.has_vmx && !v3_strcmp(backends[i]->name, "VMX")))
			v3_err("%s unusable: %s", backends[i]->long_name, why);
	}
	if (!core.features.has_svm && !core.features.has_vmx)
		v3_err("no hardware virtualization: this CPU has neither AMD-V (SVM) nor "
		       "Intel VT-x (VMX)");
	else if (n == 0)
		v3_err("this library was built without any backend (CONFIG_V3_SVM/CONFIG_V3_VMX)");
	else
		v3_err("no usable hardware virtualization backend");
	return NULL;
}

static int enable_everywhere(void)
{
	for (unsigned int i = 0; i < core.ncpus; i++) {
		struct enable_req r = { .arch = core.arch, .features = &core.features,
					.pc = &core.pcpu[i] };
		int rc;

		core.pcpu[i].cpu = i;
		rc = v3_host->call_on_cpu(i, enable_on_cpu, &r);
		if (rc || r.rc) {
			if (rc)
				v3_err("could not run on cpu %u (error %d)", i, rc);
			else
				v3_err("enabling %s on cpu %u failed: %s", core.arch->name, i, r.why);
			disable_all();
			return rc ? rc : r.rc;
		}
		v3_info("%s enabled on cpu %u", core.arch->name, i);
	}
	return 0;
}

int v3_init_with(const struct v3_host_ops *ops, const struct x86_cpu_access *cpu,
		 const struct v3_arch_ops *const *backends, size_t nbackends)
{
	int rc = v3_check_host_ops(ops);

	if (rc)
		return rc;
	if (core.arch) {
		ops->print("v3: error: v3_init called twice");
		return -V3_EBUSY;
	}
	v3_host = ops;
	x86_probe_cpu(cpu, &core.features);
	x86_report_cpu(&core.features);
	core.arch = select_backend(backends, nbackends);
	if (!core.arch)
		return -V3_ENODEV;
	v3_info("backend: %s with %s", core.arch->long_name, core.arch->paging_summary(&core.features));

	core.ncpus = ops->cpu_count();
	if (!core.ncpus) {
		v3_err("the host offers no cpus (cpu_count() returned 0)");
		rc = -V3_EINVAL;
		goto out_reset;
	}
	if (core.ncpus > CONFIG_V3_MAX_HOST_CPUS) {
		v3_warn("host offers %u cpus, using the first %u (CONFIG_V3_MAX_HOST_CPUS)",
			core.ncpus, CONFIG_V3_MAX_HOST_CPUS);
		core.ncpus = CONFIG_V3_MAX_HOST_CPUS;
	}
	core.pcpu = v3_zalloc(core.ncpus * sizeof(*core.pcpu));
	if (!core.pcpu) {
		v3_err("out of memory for per-cpu state");
		rc = -V3_ENOMEM;
		goto out_reset;
	}
	rc = enable_everywhere();
	if (rc)
		goto out_free;
	v3_info("ready: %s enabled on %u cpu%s", core.arch->name, core.ncpus,
		core.ncpus == 1 ? "" : "s");
	return 0;

out_free:
	v3_free(core.pcpu);
out_reset:
	v3_memset(&core, 0, sizeof(core));
	return rc;
}

int v3_init(const struct v3_host_ops *ops)
{
	return v3_init_with(ops, &x86_native_cpu, v3_backends, v3_nbackends);
}

void v3_deinit(void)
{
	if (!core.arch)
		return;
	disable_all();
	v3_free(core.pcpu);
	v3_memset(&core, 0, sizeof(core));
}

const char *v3_backend_name(void)
{
	return core.arch ? core.arch->name : NULL;
}
