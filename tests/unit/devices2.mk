# SPDX-License-Identifier: MIT
# Unit tests of the PC devices: the 16550A UART (and the host console input into it),
# the i8042, the PCI host bridge and the power/reset ports, each driven through the I/O
# exit path (tests/unit/pc_harness.c).
UNIT_TESTS += uart uart_input i8042 pci_host power
PC_HARNESS := tests/unit/pc_harness.c tests/unit/fake_host.c
unit_uart_SRCS := tests/unit/test_uart.c $(PC_HARNESS)
unit_uart_input_SRCS := tests/unit/test_uart_input.c $(PC_HARNESS)
unit_i8042_SRCS := tests/unit/test_i8042.c $(PC_HARNESS)
unit_pci_host_SRCS := tests/unit/test_pci_host.c $(PC_HARNESS)
unit_power_SRCS := tests/unit/test_power.c $(PC_HARNESS)
