# SPDX-License-Identifier: MIT
# Unit tests of the core's freestanding library (palacios/src/lib), included by the top Makefile.
UNIT_TESTS += lib_string lib_printf range_table
unit_lib_string_SRCS := tests/unit/test_lib_string.c palacios/src/lib/string.c
unit_lib_printf_SRCS := tests/unit/test_lib_printf.c palacios/src/lib/printf.c palacios/src/lib/string.c
unit_range_table_SRCS := tests/unit/test_range_table.c palacios/src/lib/range_table.c palacios/src/lib/string.c tests/unit/fake_host.c palacios/src/host_ops.c
