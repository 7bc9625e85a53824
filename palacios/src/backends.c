/* SPDX-License-Identifier: MIT */
/* The registration point of the backends: the only place they are named. */
#include "init.h"

const struct v3_arch_ops *const v3_backends[] = {
#ifdef CONFIG_V3_SVM
	&svm_arch_ops,
#endif
#ifdef CONFIG_V3_VMX
	&vmx_arch_ops,
#endif
	NULL,
};
const size_t v3_nbackends = V3_ARRAY_SIZE(v3_backends) - 1;
