/* SPDX-License-Identifier: MIT */
/*
 * PCI functions on the host bridge's bus 0 (devices/pci_host.c), and a
 * generic 256-byte type 0 configuration space that a function can use for
 * its config callbacks (PCI Local Bus Specification 3.0, chapter 6).
 */
#ifndef V3_PCI_H
#define V3_PCI_H

#include <v3/types.h>

struct v3_vm;

#define V3_PCI_DEVFN(dev, fn) ((((dev) & 0x1f) << 3) | ((fn) & 7))
#define V3_PCI_CONFIG_SIZE 256

/*
 * A function's configuration space. Accesses are naturally aligned 1-, 2-
 * or 4-byte ones inside the 256 bytes (the host bridge splits the others).
 */
struct v3_pci_function_ops {
	u32 (*config_read)(void *priv, unsigned int offset, unsigned int size);
	void (*config_write)(void *priv, unsigned int offset, unsigned int size, u32 val);
};

/*
 * Attach a function at devfn (V3_PCI_DEVFN) of bus 0. The VM's pci_host
 * device must have been created first (it comes earlier in <devices>).
 * Returns -V3_ENODEV without a host bridge, -V3_EEXIST if devfn is taken.
 */
int v3_pci_register(struct v3_vm *vm, unsigned int devfn, const struct v3_pci_function_ops *ops,
		    void *priv);

/* ---- a generic configuration space (pci.c) ---- */

#define V3_PCI_VENDOR_ID 0x00
#define V3_PCI_DEVICE_ID 0x02
#define V3_PCI_COMMAND 0x04
#define V3_PCI_STATUS 0x06
#define V3_PCI_REVISION 0x08
#define V3_PCI_CLASS_PROG 0x09
#define V3_PCI_CACHE_LINE 0x0c
#define V3_PCI_LATENCY 0x0d
#define V3_PCI_HEADER_TYPE 0x0e
#define V3_PCI_BAR0 0x10
#define V3_PCI_SUBSYS_VENDOR 0x2c
#define V3_PCI_SUBSYS_ID 0x2e
#define V3_PCI_INTERRUPT_LINE 0x3c
#define V3_PCI_INTERRUPT_PIN 0x3d
#define V3_PCI_NUM_BARS 6

/* BAR kinds (the low bits the BAR reads back with). */
#define V3_PCI_BAR_IO 0x1
#define V3_PCI_BAR_MEM32 0x0
#define V3_PCI_BAR_MEM64 0x4          /* takes this BAR and the next */
#define V3_PCI_BAR_PREFETCH 0x8

struct v3_pci_config {
	u8 data[V3_PCI_CONFIG_SIZE];
	u8 wmask[V3_PCI_CONFIG_SIZE];  /* bits the guest may change; the rest are read-only */
};

/*
 * Identity fields set, everything else zero and read-only but for the
 * command register (I/O, memory, bus master, parity, SERR, INTx disable),
 * cache line size, latency timer and interrupt line. class_code is the
 * 24-bit base class / sub-class / programming interface.
 */
void v3_pci_config_init(struct v3_pci_config *c, u16 vendor, u16 device, u32 class_code,
			u8 revision);
/*
 * Declare BAR bar (0-5) of size bytes (a power of two, at least 16 for
 * memory and 4 for I/O) of kind V3_PCI_BAR_*: its address bits below the
 * size are read-only zero, so writing all ones reads back the size mask.
 */
int v3_pci_config_set_bar(struct v3_pci_config *c, unsigned int bar, u64 size, u32 kind);
/* The current address of a BAR (without its kind bits). */
u64 v3_pci_config_bar(const struct v3_pci_config *c, unsigned int bar);
/* Accesses as the host bridge passes them (aligned, inside the space). */
u32 v3_pci_config_read(const struct v3_pci_config *c, unsigned int offset, unsigned int size);
void v3_pci_config_write(struct v3_pci_config *c, unsigned int offset, unsigned int size, u32 val);

#endif /* V3_PCI_H */
