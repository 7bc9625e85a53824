/* SPDX-License-Identifier: MIT */
/*
 * The VMM's public control API. An embedder calls v3_init() once, from any
 * CPU, after its own CPUs are online; it enables hardware virtualization on
 * every CPU the host offers (ops->cpu_count()) or on none.
 */
#ifndef V3_V3_H
#define V3_V3_H

#include <v3/host.h>

/*
 * Checks that ops is complete, probes the CPU, prints the CPU report, picks
 * the backend (AMD-V or VT-x) and enables it on every CPU. Returns 0, or a
 * negative error after printing why (-V3_EINVAL: incomplete ops; -V3_ENODEV:
 * no usable virtualization extension; others: enabling failed on a CPU, in
 * which case it is left disabled everywhere). ops must outlive the VMM.
 */
int v3_init(const struct v3_host_ops *ops);

/* Disables virtualization on every CPU and frees what v3_init allocated. */
void v3_deinit(void);

/* The backend v3_init chose ("SVM" or "VMX"), NULL before v3_init succeeds. */
const char *v3_backend_name(void);

#endif /* V3_V3_H */
