# SPDX-License-Identifier: MIT
# Fuzzing (not part of `make check`): `make fuzz-image [FUZZ_TIME=seconds]` builds
# build/fuzz/fuzz_image with libFuzzer, ASan and UBSan and runs it on the seed images in
# tests/fuzz/corpus/image and the configs in tests/fuzz/seeds. New inputs go to
# build/fuzz/corpus-image, crashes to build/fuzz/ (crash-*). Included by the top Makefile.
FUZZ_CC ?= clang
FUZZ_TIME ?= 180
FUZZ_IMAGE := $(BUILD)/fuzz/fuzz_image
FUZZ_IMAGE_SRCS := tests/fuzz/fuzz_image.c tools/image_build.c \
	$(wildcard palacios/src/config/*.c) palacios/src/lib/string.c palacios/src/lib/printf.c \
	palacios/src/host_ops.c tests/unit/fake_host.c
FUZZ_IMAGE_HDRS := tools/image_build.h tests/unit/fake_host.h \
	$(wildcard palacios/src/config/*.h palacios/src/lib/*.h palacios/include/v3/*.h)

$(FUZZ_IMAGE): $(FUZZ_IMAGE_SRCS) $(FUZZ_IMAGE_HDRS) $(AUTOCONF) tests/fuzz/fuzz.mk
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $@"
	$(Q)$(FUZZ_CC) -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -DV3_UNIT_TEST -include $(AUTOCONF) \
		-Ipalacios/include -Ipalacios/src -Itools -Itests/unit $(FUZZ_IMAGE_SRCS) -o $@

.PHONY: fuzz-image
fuzz-image: $(FUZZ_IMAGE)
	@mkdir -p $(BUILD)/fuzz/corpus-image
	$(FUZZ_IMAGE) -max_total_time=$(FUZZ_TIME) -max_len=65536 -artifact_prefix=$(BUILD)/fuzz/ \
		$(BUILD)/fuzz/corpus-image tests/fuzz/corpus/image tests/fuzz/seeds
