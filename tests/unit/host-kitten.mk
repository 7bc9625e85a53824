UNIT_TESTS += cmdline
unit_cmdline_SRCS := tests/unit/test_cmdline.c host-kitten/cmdline.c palacios/src/lib/string.c
