/* SPDX-License-Identifier: MIT */
/* A generic PCI type 0 configuration space (pci.h). */
#include <v3/errno.h>

#include "lib/string.h"
#include "pci.h"

static void put(u8 *p, unsigned int off, unsigned int size, u32 val)
{
	for (unsigned int i = 0; i < size; i++)
		p[off + i] = (u8)(val >> (8 * i));
}

static u32 get(const u8 *p, unsigned int off, unsigned int size)
{
	u32 v = 0;

	for (unsigned int i = 0; i < size; i++)
		v |= (u32)p[off + i] << (8 * i);
	return v;
}

void v3_pci_config_init(struct v3_pci_config *c, u16 vendor, u16 device, u32 class_code,
			u8 revision)
{
	v3_memset(c, 0, sizeof(*c));
	put(c->data, V3_PCI_VENDOR_ID, 2, vendor);
	put(c->data, V3_PCI_DEVICE_ID, 2, device);
	put(c->data, V3_PCI_REVISION, 4, class_code << 8 | revision);
	put(c->wmask, V3_PCI_COMMAND, 2, 0x0547);
	c->wmask[V3_PCI_CACHE_LINE] = 0xff;
	c->wmask[V3_PCI_LATENCY] = 0xff;
	c->wmask[V3_PCI_INTERRUPT_LINE] = 0xff;
}

int v3_pci_config_set_bar(struct v3_pci_config *c, unsigned int bar, u64 size, u32 kind)
{
	bool io = kind & V3_PCI_BAR_IO, wide = !io && (kind & V3_PCI_BAR_MEM64);
	unsigned int off = V3_PCI_BAR0 + 4 * bar;
	u64 mask = ~(size - 1);

	if (bar >= V3_PCI_NUM_BARS || (wide && bar == V3_PCI_NUM_BARS - 1) || (size & (size - 1)) ||
	    size < (io ? 4 : 16) || (!wide && size > (io ? 0x10000 : 1UL << 31)))
		return -V3_EINVAL;
	put(c->data, off, 4, io ? V3_PCI_BAR_IO : kind & (V3_PCI_BAR_MEM64 | V3_PCI_BAR_PREFETCH));
	put(c->wmask, off, 4, (u32)mask & (io ? 0xfffffffc : 0xfffffff0));
	if (wide) {
		put(c->data, off + 4, 4, 0);
		put(c->wmask, off + 4, 4, (u32)(mask >> 32));
	}
	return 0;
}

u64 v3_pci_config_bar(const struct v3_pci_config *c, unsigned int bar)
{
	unsigned int off = V3_PCI_BAR0 + 4 * bar;
	u32 lo;

	if (bar >= V3_PCI_NUM_BARS)
		return 0;
	lo = get(c->data, off, 4);
	if (lo & V3_PCI_BAR_IO)
		return lo & ~3u;
	if ((lo & V3_PCI_BAR_MEM64) && bar < V3_PCI_NUM_BARS - 1)
		return (lo & ~0xfu) | (u64)get(c->data, off + 4, 4) << 32;
	return lo & ~0xfu;
}

u32 v3_pci_config_read(const struct v3_pci_config *c, unsigned int offset, unsigned int size)
{
	if (offset + size > V3_PCI_CONFIG_SIZE)
		return 0xffffffffu >> (32 - 8 * size);
	return get(c->data, offset, size);
}

void v3_pci_config_write(struct v3_pci_config *c, unsigned int offset, unsigned int size, u32 val)
{
	if (offset + size > V3_PCI_CONFIG_SIZE)
		return;
	for (unsigned int i = 0; i < size; i++) {
		u8 m = c->wmask[offset + i], b = (u8)(val >> (8 * i));

		c->data[offset + i] = (c->data[offset + i] & ~m) | (b & m);
	}
}
