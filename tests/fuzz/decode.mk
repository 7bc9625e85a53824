# SPDX-License-Identifier: MIT
# Fuzzing the MMIO emulator's decoder (not part of `make check`): `make fuzz-decode
# [FUZZ_TIME=seconds]` builds build/fuzz/fuzz_decode with libFuzzer, ASan and UBSan and runs
# it on the seeds in tests/fuzz/corpus/decode (one instruction per file). New inputs go to
# build/fuzz/corpus-decode, crashes to build/fuzz/ (crash-*). Included by the top Makefile.
FUZZ_CC ?= clang
FUZZ_TIME ?= 180
FUZZ_DECODE := $(BUILD)/fuzz/fuzz_decode
FUZZ_DECODE_SRCS := tests/fuzz/fuzz_decode.c palacios/src/decode.c palacios/src/insn_len.c
FUZZ_DECODE_HDRS := palacios/src/decode.h palacios/src/insn_len.h palacios/src/vcpu.h

$(FUZZ_DECODE): $(FUZZ_DECODE_SRCS) $(FUZZ_DECODE_HDRS) $(AUTOCONF) tests/fuzz/decode.mk
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $@"
	$(Q)$(FUZZ_CC) -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -DV3_UNIT_TEST -include $(AUTOCONF) \
		-Ipalacios/include -Ipalacios/src -Iarch/x86_64/include $(FUZZ_DECODE_SRCS) -o $@

.PHONY: fuzz-decode
fuzz-decode: $(FUZZ_DECODE)
	@mkdir -p $(BUILD)/fuzz/corpus-decode
	$(FUZZ_DECODE) -max_total_time=$(FUZZ_TIME) -max_len=64 -artifact_prefix=$(BUILD)/fuzz/ \
		$(BUILD)/fuzz/corpus-decode tests/fuzz/corpus/decode
