# SPDX-License-Identifier: MIT
# Unit tests of the core's start-up: the CPU probe on recorded CPUs and v3_init(), included by
# the top Makefile.
UNIT_TESTS += cpu_probe v3_init
unit_cpu_probe_SRCS := tests/unit/test_cpu_probe.c tests/unit/cpu_replay.c \
	arch/x86_64/cpu_probe.c palacios/src/lib/string.c \
	tests/unit/fake_host.c palacios/src/host_ops.c
unit_v3_init_SRCS := tests/unit/test_v3_init.c tests/unit/cpu_replay.c tests/unit/fake_host.c \
	palacios/src/init.c palacios/src/backends.c palacios/src/log.c palacios/src/host_ops.c \
	palacios/src/lib/string.c palacios/src/lib/printf.c \
	arch/x86_64/cpu_probe.c arch/x86_64/cpu_report.c arch/x86_64/cpu_native.c \
	arch/x86_64/svm/svm_enable.c arch/x86_64/vmx/vmx_enable.c
