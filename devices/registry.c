/* SPDX-License-Identifier: MIT */
/* The device classes built into this library: the one place they are named. */
#include "device.h"

extern const struct v3_device_class acpi_class;
extern const struct v3_device_class debug_port_class;
extern const struct v3_device_class i8042_class;
extern const struct v3_device_class ioapic_class;
extern const struct v3_device_class isa_debug_exit_class;
extern const struct v3_device_class lapic_class;
extern const struct v3_device_class pci_host_class;
extern const struct v3_device_class pic8259_class;
extern const struct v3_device_class pit8254_class;
extern const struct v3_device_class power_class;
extern const struct v3_device_class rtc_class;
extern const struct v3_device_class uart16550_class;
extern const struct v3_device_class vmm_test_class;

const struct v3_device_class *const v3_device_classes[] = {
#ifdef CONFIG_V3_DEV_DEBUG_PORTS
	&debug_port_class,
#endif
#ifdef CONFIG_V3_DEV_UART
	&uart16550_class,
#endif
#ifdef CONFIG_V3_DEV_I8042
	&i8042_class,
#endif
#ifdef CONFIG_V3_DEV_PCI
	&pci_host_class,
#endif
#ifdef CONFIG_V3_DEV_POWER
	&power_class,
	&isa_debug_exit_class,
#endif
#ifdef CONFIG_V3_DEV_ACPI
	&acpi_class,
#endif
#ifdef CONFIG_V3_DEV_PIC
	&pic8259_class,
#endif
#ifdef CONFIG_V3_DEV_IOAPIC
	&ioapic_class,
#endif
#ifdef CONFIG_V3_DEV_LAPIC
	&lapic_class,
#endif
#ifdef CONFIG_V3_DEV_PIT
	&pit8254_class,
#endif
#ifdef CONFIG_V3_DEV_RTC
	&rtc_class,
#endif
#ifdef CONFIG_V3_DEV_VMM_TEST
	&vmm_test_class,
#endif
	NULL,
};
