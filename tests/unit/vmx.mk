# SPDX-License-Identifier: MIT
# Unit tests of the VT-x backend's pure parts (control fields, VM creation checks, EPT
# entries, MSR bitmap, names), included by the top Makefile. They link the backend from
# the host-built core archive, so only when it is configured in.
ifeq ($(CONFIG_V3_VMX),y)
UNIT_TESTS += vmx_controls
unit_vmx_controls_SRCS := tests/unit/test_vmx_controls.c tests/unit/cpu_replay.c tests/unit/fake_host.c
# The test reaches into the backend's own header (arch/x86_64/vmx/vmx.h).
$(BUILD)/host/tests/unit/test_vmx_controls.c.o: HOSTCFLAGS += -Iarch/x86_64/vmx
endif
