# SPDX-License-Identifier: MIT
# Unit tests of the acpi device (devices/acpi.c): its tables parsed back from guest RAM (and
# disassembled with iasl when it is installed) and its PM registers through the I/O exit path.
UNIT_TESTS += acpi
unit_acpi_SRCS := tests/unit/test_acpi.c tests/unit/pc_harness.c tests/unit/fake_host.c
$(BUILD)/host/tests/unit/test_acpi.c.o: HOSTCFLAGS += -Idevices
