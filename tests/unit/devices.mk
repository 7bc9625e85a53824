# SPDX-License-Identifier: MIT
# Unit tests of the PC device models (devices/pic8259.c, pit8254.c, rtc.c), each driven through
# port I/O exits, interrupt lines and vtimers of a hand-built VM (dev_harness.c) with a
# controllable TSC. Included by the top Makefile; the devices come from build/host/libv3core.a.
UNIT_TESTS += pic pit rtc
DEV_HARNESS := tests/unit/dev_harness.c tests/unit/fake_host.c
unit_pic_SRCS := tests/unit/test_pic.c $(DEV_HARNESS)
unit_pit_SRCS := tests/unit/test_pit.c $(DEV_HARNESS)
unit_rtc_SRCS := tests/unit/test_rtc.c $(DEV_HARNESS)
$(BUILD)/host/tests/unit/test_pic.c.o $(BUILD)/host/tests/unit/test_pit.c.o \
$(BUILD)/host/tests/unit/test_rtc.c.o: HOSTCFLAGS += -Idevices
