# SPDX-License-Identifier: MIT
# Unit tests of the VMM core: the nested page-table builder, guest memory, and the I/O, MSR,
# CPUID and hypercall registries driven through their exit handlers. Included by the top
# Makefile; the core itself comes from the host-built archive (build/host/libv3core.a).
UNIT_TESTS += nested mem registries
unit_nested_SRCS := tests/unit/test_nested.c tests/unit/fake_host.c
unit_mem_SRCS := tests/unit/test_mem.c tests/unit/fake_host.c
unit_registries_SRCS := tests/unit/test_registries.c tests/unit/fake_host.c
