# SPDX-License-Identifier: MIT
# Unit tests of VM images and configs (palacios/src/config), included by the top Makefile.
UNIT_TESTS += xml image vm_config
config_core_srcs := $(wildcard palacios/src/config/*.c) palacios/src/lib/string.c \
	palacios/src/lib/printf.c palacios/src/host_ops.c tests/unit/fake_host.c
unit_xml_SRCS := tests/unit/test_xml.c $(config_core_srcs)
unit_image_SRCS := tests/unit/test_image.c tools/image_build.c $(config_core_srcs)
unit_vm_config_SRCS := tests/unit/test_vm_config.c tools/image_build.c $(config_core_srcs)

# The tests build images with the host-side writer v3-pack uses.
$(BUILD)/host/tests/unit/test_image.c.o $(BUILD)/host/tests/unit/test_vm_config.c.o \
$(BUILD)/host/tools/image_build.c.o: HOSTCFLAGS += -Itools
