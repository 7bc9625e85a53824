/* SPDX-License-Identifier: MIT */
/*
 * A harness for the PC device unit tests (UART, i8042, PCI host, power):
 * one VM with one real-mode vCPU built by hand and a fake backend that only
 * names exits; the devices are created from a <devices> XML fragment through
 * v3_devices_create() as a real VM's are, and ports are accessed through the
 * I/O exit path (v3_handle_exit). Every interrupt line edge is counted.
 */
#ifndef PC_HARNESS_H
#define PC_HARNESS_H

#include <v3/types.h>

#include "vm.h"

extern struct v3_vm *ph_vm;
extern struct v3_vcpu *ph_vcpu;

/* Build the VM and create the <device> elements of xml; returns v3_devices_create's code. */
int ph_create(const char *devices_xml);
/* Free the devices and the VM. */
void ph_destroy(void);

u32 ph_in(u16 port, unsigned int size);
void ph_out(u16 port, unsigned int size, u32 val);
static inline u8 ph_inb(u16 port)
{
	return (u8)ph_in(port, 1);
}

static inline u16 ph_inw(u16 port)
{
	return (u16)ph_in(port, 2);
}

static inline u32 ph_inl(u16 port)
{
	return ph_in(port, 4);
}

static inline void ph_outb(u16 port, u32 val)
{
	ph_out(port, 1, val);
}

static inline void ph_outw(u16 port, u32 val)
{
	ph_out(port, 2, val);
}

static inline void ph_outl(u16 port, u32 val)
{
	ph_out(port, 4, val);
}

bool ph_irq(unsigned int line);
/* How many times line went from low to high since ph_create. */
unsigned int ph_irq_edges(unsigned int line);

#endif
