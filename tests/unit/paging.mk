# SPDX-License-Identifier: MIT
# Unit tests of the guest page-table walker and the instruction-length decoder,
# included by the top Makefile.
UNIT_TESTS += walk insn_len
unit_walk_SRCS := tests/unit/test_walk.c palacios/src/paging/walk.c
unit_insn_len_SRCS := tests/unit/test_insn_len.c palacios/src/insn_len.c

# The shadow pager (palacios/src/paging/shadow*.c) against a hand-built guest address space.
UNIT_TESTS += shadow
unit_shadow_SRCS := tests/unit/test_shadow.c tests/unit/dev_harness.c tests/unit/fake_host.c
