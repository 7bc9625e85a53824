/* SPDX-License-Identifier: MIT */
/* v3_init's internals, exposed so unit tests can replay recorded CPUs. */
#ifndef V3_INIT_H
#define V3_INIT_H

#include <arch/backend.h>
#include <v3/host.h>

/* 0 if every member of ops is set; otherwise prints each missing one. */
int v3_check_host_ops(const struct v3_host_ops *ops);

/* The backends built into this library, in order of preference. */
extern const struct v3_arch_ops *const v3_backends[];
extern const size_t v3_nbackends;

/*
 * v3_init() with the CPU access and backend list as parameters. Returns as
 * v3_init(); on success the core state below is set.
 */
int v3_init_with(const struct v3_host_ops *ops, const struct x86_cpu_access *cpu,
		 const struct v3_arch_ops *const *backends, size_t nbackends);

/* The per-host state of the enabled extension (valid after v3_init). */
struct v3_core {
	const struct v3_arch_ops *arch;
	struct v3_cpu_features features;
	unsigned int ncpus;
	struct v3_pcpu *pcpu;
	u64 asid_map[16];
};
const struct v3_core *v3_core(void);

/*
 * Address-space ids for guests (SVM ASIDs, VMX VPIDs): 1 .. min(limit, 1024)-1,
 * unique per live VM. 0 when they are all taken (the caller then shares one
 * and flushes on every entry).
 */
u32 v3_asid_alloc(u32 limit);
void v3_asid_free(u32 asid);

#endif /* V3_INIT_H */
