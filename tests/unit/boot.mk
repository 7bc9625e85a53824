# SPDX-License-Identifier: MIT
# Unit tests of guest boot (palacios/src/boot), included by the top Makefile.
UNIT_TESTS += linux_boot
unit_linux_boot_SRCS := tests/unit/test_linux_boot.c tests/unit/boot_ram.c palacios/src/boot/boot.c \
	palacios/src/boot/linux.c palacios/src/boot/multiboot.c palacios/src/lib/string.c palacios/src/lib/printf.c \
	palacios/src/host_ops.c tests/unit/fake_host.c
UNIT_TESTS += multiboot
unit_multiboot_SRCS := tests/unit/test_multiboot.c $(unit_linux_boot_SRCS:tests/unit/test_linux_boot.c=)
