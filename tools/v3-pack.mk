# SPDX-License-Identifier: MIT
# v3-pack, the host tool that packs and inspects VM images (tools/v3-pack.c, docs/vm-config.md).
# It links the core's own config code (palacios/src/config) built for the build machine, so it
# accepts exactly the images the VMM accepts. Included by the top Makefile.
V3PACK := $(BUILD)/v3-pack
V3PACK_SRCS := tools/v3-pack.c tools/image_build.c $(wildcard palacios/src/config/*.c) \
	palacios/src/lib/string.c palacios/src/lib/printf.c palacios/src/host_ops.c
V3PACK_HDRS := tools/image_build.h $(wildcard palacios/src/config/*.h palacios/src/lib/*.h \
	palacios/include/v3/*.h) palacios/src/host_ops.h

$(V3PACK): $(V3PACK_SRCS) $(V3PACK_HDRS) $(AUTOCONF) tools/v3-pack.mk
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) -std=gnu11 -O2 -Wall -Wextra -Werror -DV3_UNIT_TEST -Ipalacios/include \
		-Ipalacios/src -Itools -include $(AUTOCONF) $(V3PACK_SRCS) -o $@

TOOLS += $(V3PACK)
