# SPDX-License-Identifier: MIT
# Unit tests of the interrupt controllers (devices/ioapic.c, devices/lapic.c): an IOAPIC and
# two vCPUs' local APICs on a hand-built VM (apic_harness.c over dev_harness.c), driven through
# MMIO callbacks, the MSR exit handler, interrupt lines and a controllable TSC. The devices come
# from build/host/libv3core.a; -iquote makes "apic.h" devices/apic.h, not host-kitten/apic.h.
UNIT_TESTS += ioapic lapic
APIC_HARNESS := tests/unit/apic_harness.c tests/unit/dev_harness.c tests/unit/fake_host.c
unit_ioapic_SRCS := tests/unit/test_ioapic.c $(APIC_HARNESS)
unit_lapic_SRCS := tests/unit/test_lapic.c $(APIC_HARNESS)
$(BUILD)/host/tests/unit/test_ioapic.c.o $(BUILD)/host/tests/unit/test_lapic.c.o \
$(BUILD)/host/tests/unit/apic_harness.c.o: HOSTCFLAGS += -iquote devices
