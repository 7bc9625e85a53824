/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the PCI host bridge (devices/pci_host.c) and the generic
 * configuration space (palacios/src/pci.c): mechanism #1 through the I/O
 * exit path with byte, word and dword accesses at every data port offset,
 * the enable bit, absent functions and buses, read-only fields, BAR sizing
 * (32-bit memory, I/O, 64-bit), and v3_pci_register().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <v3/errno.h>

#include "pc_harness.h"
#include "pci.h"

#define ADDR 0xcf8
#define DATA 0xcfc
#define EN 0x80000000u

static u32 cfg_addr(unsigned int bus, unsigned int devfn, unsigned int reg)
{
	return EN | bus << 16 | devfn << 8 | (reg & 0xfc);
}

static u32 cfg_read(unsigned int devfn, unsigned int reg, unsigned int size)
{
	ph_outl(ADDR, cfg_addr(0, devfn, reg));
	return ph_in(DATA + (reg & 3), size);
}

static void cfg_write(unsigned int devfn, unsigned int reg, unsigned int size, u32 val)
{
	ph_outl(ADDR, cfg_addr(0, devfn, reg));
	ph_out(DATA + (reg & 3), size, val);
}

static int setup(void **state)
{
	(void)state;
	assert_int_equal(ph_create("<device class=\"pci_host\" id=\"pci\"/>"), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ph_destroy();
	return 0;
}

static void test_address_register(void **state)
{
	(void)state;
	/* Linux's pci_check_type1(). */
	ph_outb(0xcfb, 0x01);
	ph_outl(ADDR, 0x80000000);
	assert_int_equal(ph_inl(ADDR), 0x80000000);
	ph_outl(ADDR, 0x12345678);
	assert_int_equal(ph_inl(ADDR), 0x12345678);
	/* Byte and word accesses are not the address register. */
	ph_outb(ADDR, 0x00);
	ph_outw(ADDR, 0x0000);
	assert_int_equal(ph_inl(ADDR), 0x12345678);
	assert_int_equal(ph_inb(ADDR), 0xff);
}

static void test_host_bridge_identity(void **state)
{
	(void)state;
	assert_int_equal(cfg_read(0, 0x00, 4), 0x12378086);
	assert_int_equal(cfg_read(0, 0x00, 2), 0x8086);
	assert_int_equal(cfg_read(0, 0x02, 2), 0x1237);
	assert_int_equal(cfg_read(0, 0x01, 1), 0x80);
	assert_int_equal(cfg_read(0, 0x03, 1), 0x12);
	assert_int_equal(cfg_read(0, 0x08, 4) >> 8, 0x060000);
	assert_int_equal(cfg_read(0, 0x0b, 1), 0x06);
	assert_int_equal(cfg_read(0, 0x0a, 1), 0x00);
	assert_int_equal(cfg_read(0, 0x0e, 1), 0x00);
	/* Read-only: the ids and class ignore writes. */
	cfg_write(0, 0x00, 4, 0xffffffff);
	cfg_write(0, 0x0a, 2, 0x0101);
	assert_int_equal(cfg_read(0, 0x00, 4), 0x12378086);
	assert_int_equal(cfg_read(0, 0x0a, 2), 0x0600);
}

static void test_enable_bit_and_absent(void **state)
{
	(void)state;
	ph_outl(ADDR, 0x00000000);                    /* enable clear */
	assert_int_equal(ph_inl(DATA), 0xffffffff);
	assert_int_equal(cfg_read(V3_PCI_DEVFN(1, 0), 0, 4), 0xffffffff);
	assert_int_equal(cfg_read(V3_PCI_DEVFN(0, 1), 0, 2), 0xffff);
	assert_int_equal(cfg_read(V3_PCI_DEVFN(31, 7), 0x3c, 1), 0xff);
	ph_outl(ADDR, cfg_addr(1, 0, 0));             /* bus 1: nothing */
	assert_int_equal(ph_inl(DATA), 0xffffffff);
	cfg_write(V3_PCI_DEVFN(3, 0), 0x04, 2, 0x0007);   /* ignored */
}

static void test_writable_fields_all_widths(void **state)
{
	(void)state;
	/* Command: I/O, memory, bus master, parity, SERR, INTx disable are writable. */
	cfg_write(0, 0x04, 2, 0xffff);
	assert_int_equal(cfg_read(0, 0x04, 2), 0x0547);
	assert_int_equal(cfg_read(0, 0x06, 2), 0x0000);   /* status stays */
	cfg_write(0, 0x04, 1, 0x00);
	assert_int_equal(cfg_read(0, 0x04, 2), 0x0500);
	/* Interrupt line at every width and offset. */
	cfg_write(0, 0x3c, 1, 0x0b);
	assert_int_equal(cfg_read(0, 0x3c, 1), 0x0b);
	assert_int_equal(cfg_read(0, 0x3c, 4) & 0xff, 0x0b);
	cfg_write(0, 0x3c, 4, 0xffffff05);
	assert_int_equal(cfg_read(0, 0x3c, 4), 0x00000005);
	/* Cache line size and latency timer by one word at offset 0xc. */
	cfg_write(0, 0x0c, 2, 0x4010);
	assert_int_equal(cfg_read(0, 0x0c, 4), 0x00004010);
	assert_int_equal(cfg_read(0, 0x0d, 1), 0x40);
	assert_int_equal(cfg_read(0, 0x0e, 2), 0x0000);
}

static void test_unaligned_access(void **state)
{
	(void)state;
	/* A word at 0xcfd spans bytes 1-2; a dword at 0xcfe runs off the dword. */
	ph_outl(ADDR, cfg_addr(0, 0, 0));
	assert_int_equal(ph_inw(DATA + 1), 0x3780);
	assert_int_equal(ph_inl(DATA + 2), 0xffff1237);
	assert_int_equal(ph_inl(DATA + 3), 0xffffff12);
}

/* A test function: the generic configuration space with three BARs. */
static struct v3_pci_config fn_cfg;

static u32 fn_read(void *priv, unsigned int offset, unsigned int size)
{
	assert_ptr_equal(priv, &fn_cfg);
	assert_int_equal(offset % size, 0);
	return v3_pci_config_read(priv, offset, size);
}

static void fn_write(void *priv, unsigned int offset, unsigned int size, u32 val)
{
	assert_int_equal(offset % size, 0);
	v3_pci_config_write(priv, offset, size, val);
}

static const struct v3_pci_function_ops fn_ops = {
	.config_read = fn_read,
	.config_write = fn_write,
};

static void attach_function(unsigned int devfn)
{
	v3_pci_config_init(&fn_cfg, 0x1af4, 0x1000, 0x020000, 0x01);
	assert_int_equal(v3_pci_config_set_bar(&fn_cfg, 0, 0x20, V3_PCI_BAR_IO), 0);
	assert_int_equal(v3_pci_config_set_bar(&fn_cfg, 1, 0x1000, V3_PCI_BAR_MEM32), 0);
	assert_int_equal(v3_pci_config_set_bar(&fn_cfg, 2, 0x100000,
					       V3_PCI_BAR_MEM64 | V3_PCI_BAR_PREFETCH), 0);
	assert_int_equal(v3_pci_register(ph_vm, devfn, &fn_ops, &fn_cfg), 0);
}

static void test_register_function(void **state)
{
	(void)state;
	unsigned int devfn = V3_PCI_DEVFN(3, 0);

	attach_function(devfn);
	assert_int_equal(cfg_read(devfn, 0, 4), 0x10001af4);
	assert_int_equal(cfg_read(devfn, 0x08, 4), 0x02000001);
	assert_int_equal(cfg_read(V3_PCI_DEVFN(3, 1), 0, 4), 0xffffffff);
	assert_int_equal(v3_pci_register(ph_vm, devfn, &fn_ops, &fn_cfg), -V3_EEXIST);
	assert_int_equal(v3_pci_register(ph_vm, 0, &fn_ops, &fn_cfg), -V3_EEXIST);
	assert_int_equal(v3_pci_register(ph_vm, 256, &fn_ops, &fn_cfg), -V3_EINVAL);
}

static void test_bar_sizing(void **state)
{
	(void)state;
	unsigned int devfn = V3_PCI_DEVFN(5, 2);

	attach_function(devfn);
	/* Initial kinds. */
	assert_int_equal(cfg_read(devfn, 0x10, 4), 0x00000001);
	assert_int_equal(cfg_read(devfn, 0x14, 4), 0x00000000);
	assert_int_equal(cfg_read(devfn, 0x18, 4), 0x0000000c);
	/* The sizing dance of pci_read_base(). */
	cfg_write(devfn, 0x10, 4, 0xffffffff);
	assert_int_equal(cfg_read(devfn, 0x10, 4), 0xffffffe1);
	cfg_write(devfn, 0x14, 4, 0xffffffff);
	assert_int_equal(cfg_read(devfn, 0x14, 4), 0xfffff000);
	cfg_write(devfn, 0x18, 4, 0xffffffff);
	cfg_write(devfn, 0x1c, 4, 0xffffffff);
	assert_int_equal(cfg_read(devfn, 0x18, 4), 0xfff0000c);
	assert_int_equal(cfg_read(devfn, 0x1c, 4), 0xffffffff);
	/* Unimplemented BARs read zero whatever is written. */
	cfg_write(devfn, 0x20, 4, 0xffffffff);
	assert_int_equal(cfg_read(devfn, 0x20, 4), 0);
	/* Programming addresses. */
	cfg_write(devfn, 0x10, 4, 0xc041);
	cfg_write(devfn, 0x14, 4, 0xfebf1234);
	cfg_write(devfn, 0x18, 4, 0xfe000000);
	cfg_write(devfn, 0x1c, 4, 0x00000001);
	assert_int_equal(cfg_read(devfn, 0x10, 4), 0xc041);
	assert_int_equal(v3_pci_config_bar(&fn_cfg, 0), 0xc040);
	assert_int_equal(v3_pci_config_bar(&fn_cfg, 1), 0xfebf1000);
	assert_int_equal(v3_pci_config_bar(&fn_cfg, 2), 0x1fe000000UL);
	/* Word writes to a BAR's halves. */
	cfg_write(devfn, 0x16, 2, 0xfeb0);
	assert_int_equal(cfg_read(devfn, 0x14, 4), 0xfeb01000);
}

static void test_bad_bars(void **state)
{
	(void)state;
	struct v3_pci_config c;

	v3_pci_config_init(&c, 1, 2, 3, 4);
	assert_int_equal(v3_pci_config_set_bar(&c, 6, 0x1000, 0), -V3_EINVAL);
	assert_int_equal(v3_pci_config_set_bar(&c, 5, 0x1000, V3_PCI_BAR_MEM64), -V3_EINVAL);
	assert_int_equal(v3_pci_config_set_bar(&c, 0, 0x1800, 0), -V3_EINVAL);
	assert_int_equal(v3_pci_config_set_bar(&c, 0, 8, 0), -V3_EINVAL);
	assert_int_equal(v3_pci_config_set_bar(&c, 0, 2, V3_PCI_BAR_IO), -V3_EINVAL);
	assert_int_equal(v3_pci_config_set_bar(&c, 0, 0, 0), -V3_EINVAL);
	assert_int_equal(v3_pci_config_read(&c, 0xfe, 4), 0xffffffff);
}

static void test_no_host_bridge(void **state)
{
	(void)state;
	ph_destroy();
	assert_int_equal(ph_create(""), 0);
	assert_int_equal(v3_pci_register(ph_vm, 8, &fn_ops, &fn_cfg), -V3_ENODEV);
	ph_destroy();
	/* Only one host bridge per VM. */
	assert_int_not_equal(ph_create("<device class=\"pci_host\" id=\"a\"/>"
				       "<device class=\"pci_host\" id=\"b\"/>"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_address_register, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_bridge_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enable_bit_and_absent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writable_fields_all_widths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unaligned_access, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_function, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bar_sizing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_bars, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_host_bridge, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
