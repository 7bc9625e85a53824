# SPDX-License-Identifier: MIT
# Unit tests of the MMIO instruction emulator (palacios/src/decode.c, emulate.c), included by
# the top Makefile; the core comes from the host-built archive (build/host/libv3core.a).
UNIT_TESTS += emulate
unit_emulate_SRCS := tests/unit/test_emulate.c tests/unit/fake_host.c
