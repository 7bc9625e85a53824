/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the acpi device (devices/acpi.c): the tables it writes
 * into guest RAM, read back with a parser of our own (ACPI 6.x chapter 5,
 * AML PkgLength from 20.2.4) for 1, 2 and 64 vCPUs, disassembled with iasl
 * when it is installed; the PM1 event block and the PM timer through the
 * I/O exit path with a controllable clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "acpi_pm.h"
#include "device.h"
#include "fake_host.h"
#include "guest_acpi.h"
#include "mem.h"
#include "pc_harness.h"
#include "vm.h"

#define AREA 0xe0000u
#define AREA_LEN 0x20000u
#define PM_BASE 0x600
#define NS 1000000000ull        /* fake_host's TSC: 1 GHz */

static u8 ram[AREA_LEN];        /* guest [0xe0000, 0x100000) after the tables are written */
static struct v3_vcpu *vcpus;
static u64 clock_ns;

static u64 test_clock(void)
{
	return clock_ns;
}

/* ---- building a VM ------------------------------------------------------------------ */

/* Creates the devices of xml in a VM of mem_size bytes with n vCPUs; vcpus_ready's code. */
static int vm_up_rc(const char *xml, unsigned int n, u64 mem_size)
{
	int rc;

	assert_int_equal(ph_create(xml), 0);
	ph_vm->cfg.mem_size = mem_size;
	ph_vm->cfg.mem_align = V3_PAGE_SIZE;
	assert_int_equal(v3_mem_init(ph_vm), 0);
	vcpus = calloc(n, sizeof(*vcpus));
	assert_non_null(vcpus);
	for (unsigned int i = 0; i < n; i++) {
		vcpus[i].vm = ph_vm;
		vcpus[i].id = i;
	}
	/* The tables only need the count and ids; the harness's own vCPU runs the I/O. */
	ph_vm->vcpus = vcpus;
	ph_vm->nvcpus = n;
	rc = v3_devices_vcpus_ready(ph_vm);
	ph_vm->vcpus = ph_vcpu;
	ph_vm->nvcpus = 1;
	clock_ns = 0;
	for (struct v3_device *d = ph_vm->devices; d; d = d->next)
		if (d->cls == &acpi_class)
			acpi_set_clock(d->priv, test_clock);
	memset(ram, 0, sizeof(ram));
	if (!rc && mem_size >= AREA + AREA_LEN)
		assert_int_equal(v3_gpa_read(ph_vm, AREA, ram, AREA_LEN), 0);
	return rc;
}

static void vm_up(const char *xml, unsigned int n)
{
	assert_int_equal(vm_up_rc(xml, n, 2ull << 20), 0);
}

static void vm_down(void)
{
	v3_mem_deinit(ph_vm);
	ph_destroy();
	free(vcpus);
	vcpus = NULL;
}

static const char *const STD_XML = "<device class=\"power\" id=\"pm\"/>"
				   "<device class=\"acpi\" id=\"acpi\"/>";

/* ---- an independent little parser ---------------------------------------------------- */

static u16 rd16(const u8 *p)
{
	return (u16)(p[0] | p[1] << 8);
}

static u32 rd32(const u8 *p)
{
	return rd16(p) | (u32)rd16(p + 2) << 16;
}

static u64 rd64(const u8 *p)
{
	return rd32(p) | (u64)rd32(p + 4) << 32;
}

static const u8 *at(u64 gpa, u32 len)
{
	assert_true(gpa >= AREA && gpa + len <= AREA + AREA_LEN);
	return ram + (gpa - AREA);
}

static u8 sum(const u8 *p, u32 len)
{
	u8 s = 0;

	while (len--)
		s += *p++;
	return s;
}

/* A table at gpa with signature sig: checks its length and checksum, returns it. */
static const u8 *table(u64 gpa, const char *sig)
{
	const u8 *t = at(gpa, 36);
	u32 len = rd32(t + 4);

	assert_memory_equal(t, sig, 4);
	assert_true(len >= 36);
	t = at(gpa, len);
	assert_int_equal(sum(t, len), 0);
	assert_memory_equal(t + 10, "V3VEE ", 6);
	return t;
}

static const u8 *rsdp(void)
{
	const u8 *r = at(AREA, 36);

	assert_memory_equal(r, "RSD PTR ", 8);
	assert_int_equal(sum(r, 20), 0);
	assert_int_equal(r[15], 2);
	assert_int_equal(rd32(r + 20), 36);
	assert_int_equal(sum(r, 36), 0);
	return r;
}

/* The XSDT entry with signature sig (checked by table()), or fails. */
static const u8 *find_table(const char *sig)
{
	const u8 *x = table(rd64(rsdp() + 24), "XSDT");

	for (u32 off = 36; off < rd32(x + 4); off += 8)
		if (!memcmp(at(rd64(x + off), 4), sig, 4))
			return table(rd64(x + off), sig);
	fail_msg("no %s in the XSDT", sig);
	return NULL;
}

/* ---- RSDP, RSDT, XSDT ---------------------------------------------------------------- */

static void test_rsdp(void **state)
{
	const u8 *r;

	vm_up(STD_XML, 1);
	assert_int_equal(v3_acpi_rsdp_gpa(ph_vm), AREA);
	r = rsdp();
	assert_memory_equal(r + 9, "V3VEE ", 6);
	table(rd32(r + 16), "RSDT");
	table(rd64(r + 24), "XSDT");
	vm_down();
}

static void test_rsdp_gpa_without_acpi(void **state)
{
	assert_int_equal(ph_create("<device class=\"power\" id=\"pm\"/>"), 0);
	assert_int_equal(v3_acpi_rsdp_gpa(ph_vm), 0);
	ph_destroy();
}

static void test_xsdt_and_rsdt(void **state)
{
	const u8 *r, *x, *rs;
	static const char *const sigs[] = { "FACP", "APIC" };

	vm_up(STD_XML, 2);
	r = rsdp();
	x = table(rd64(r + 24), "XSDT");
	rs = table(rd32(r + 16), "RSDT");
	assert_int_equal(rd32(x + 4), 36 + 8 * 2);
	assert_int_equal(rd32(rs + 4), 36 + 4 * 2);
	for (unsigned int i = 0; i < 2; i++) {
		assert_int_equal(rd64(x + 36 + 8 * i), rd32(rs + 36 + 4 * i));
		table(rd64(x + 36 + 8 * i), sigs[i]);
	}
	vm_down();
}

/* ---- FADT and FACS ------------------------------------------------------------------ */

static void assert_gas_io(const u8 *g, u8 bits, u64 port)
{
	assert_int_equal(g[0], 1);          /* system I/O */
	assert_int_equal(g[1], bits);
	assert_int_equal(g[2], 0);
	assert_int_equal(rd64(g + 4), port);
}

static void check_fadt(u16 evt, u16 cnt)
{
	const u8 *f = find_table("FACP"), *facs;
	u32 flags;

	assert_int_equal(rd32(f + 4), 276);
	assert_int_equal(f[8], 6);
	/* FACS through both pointers, 64-byte aligned. */
	assert_int_equal(rd32(f + 36), rd64(f + 132));
	assert_int_equal(rd64(f + 132) % 64, 0);
	facs = at(rd64(f + 132), 64);
	assert_memory_equal(facs, "FACS", 4);
	assert_int_equal(rd32(facs + 4), 64);
	/* DSDT through both pointers. */
	assert_int_equal(rd32(f + 40), rd64(f + 140));
	table(rd64(f + 140), "DSDT");
	assert_int_equal(rd16(f + 46), 9);          /* SCI_INT */
	assert_int_equal(rd32(f + 48), 0);          /* SMI_CMD: always in ACPI mode */
	assert_int_equal(rd32(f + 56), evt);
	assert_int_equal(rd32(f + 60), 0);
	assert_int_equal(rd32(f + 64), cnt);
	assert_int_equal(rd32(f + 76), evt + 8);
	assert_int_equal(f[88], 4);
	assert_int_equal(f[89], 2);
	assert_int_equal(f[91], 4);
	assert_int_equal(rd32(f + 80), 0);          /* no GPE blocks */
	assert_int_equal(f[92], 0);
	assert_int_equal(rd16(f + 109), 0x7);       /* legacy devices, 8042, no VGA */
	flags = rd32(f + 112);
	assert_true(flags & (1u << 8));             /* TMR_VAL_EXT: 32-bit timer */
	assert_true(flags & (1u << 10));            /* RESET_REG_SUP */
	assert_false(flags & (1u << 20));           /* HW_REDUCED_ACPI */
	assert_gas_io(f + 116, 8, 0xcf9);
	assert_int_equal(f[128], 0x06);
	assert_gas_io(f + 148, 32, evt);
	assert_gas_io(f + 172, 16, cnt);
	assert_gas_io(f + 208, 32, evt + 8);
	assert_int_equal(rd64(f + 160 + 4), 0);     /* no PM1b */
}

static void test_fadt(void **state)
{
	vm_up(STD_XML, 1);
	check_fadt(PM_BASE, PM_BASE + 4);
	vm_down();
}

static void test_fadt_follows_the_ports(void **state)
{
	vm_up("<device class=\"acpi\" id=\"acpi\" base=\"0xb000\"/>"
	      "<device class=\"power\" id=\"pm\" pm1a=\"0x704\"/>", 1);
	check_fadt(0xb000, 0x704);
	vm_down();
}

/* ---- MADT ------------------------------------------------------------------------- */

static void check_madt(unsigned int n)
{
	const u8 *m, *e, *end;
	unsigned int lapics = 0, x2apics = 0, ioapics = 0, isos = 0, nmis = 0, x2nmis = 0;

	vm_up(STD_XML, n);
	m = find_table("APIC");
	assert_int_equal(m[8], 4);
	assert_int_equal(rd32(m + 36), 0xfee00000u);
	assert_int_equal(rd32(m + 40) & 1, 1);      /* PCAT_COMPAT */
	end = m + rd32(m + 4);
	for (e = m + 44; e < end; e += e[1]) {
		assert_true(e[1] >= 2 && e + e[1] <= end);
		switch (e[0]) {
		case 0:
			assert_int_equal(e[1], 8);
			assert_int_equal(x2apics, 0);
			assert_int_equal(e[3], lapics);     /* APIC ID = vCPU id, in order */
			assert_int_equal(e[2], lapics);
			assert_int_equal(rd32(e + 4), 1);   /* enabled */
			lapics++;
			break;
		case 1:
			assert_int_equal(e[1], 12);
			assert_int_equal(e[2], 0);
			assert_int_equal(rd32(e + 4), 0xfec00000u);
			assert_int_equal(rd32(e + 8), 0);
			ioapics++;
			break;
		case 2:
			assert_int_equal(e[1], 10);
			assert_int_equal(e[2], 0);
			if (e[3] == 0) {
				assert_int_equal(rd32(e + 4), 2);
				assert_int_equal(rd16(e + 8), 0x5);     /* edge, active high */
			} else {
				assert_int_equal(e[3], 9);
				assert_int_equal(rd32(e + 4), 9);
				assert_int_equal(rd16(e + 8), 0xd);     /* level, active high */
			}
			isos++;
			break;
		case 4:
			assert_int_equal(e[1], 6);
			assert_int_equal(e[2], 0xff);
			assert_int_equal(e[5], 1);                  /* LINT1 */
			nmis++;
			break;
		case 9:                                 /* x2APIC IDs from 255 on */
			assert_int_equal(e[1], 16);
			assert_int_equal(rd32(e + 4), 255 + x2apics);
			assert_int_equal(rd32(e + 8), 1);
			assert_int_equal(rd32(e + 12), 255 + x2apics);
			x2apics++;
			break;
		case 10:
			assert_int_equal(e[1], 12);
			assert_int_equal(rd32(e + 4), 0xffffffffu);
			assert_int_equal(e[8], 1);
			x2nmis++;
			break;
		default:
			fail_msg("unexpected MADT entry type %u", e[0]);
		}
	}
	assert_ptr_equal(e, end);
	assert_int_equal(lapics, n < 255 ? n : 255);
	assert_int_equal(x2apics, n < 255 ? 0 : n - 255);
	assert_int_equal(x2nmis, n < 255 ? 0 : 1);
	assert_int_equal(ioapics, 1);
	assert_int_equal(isos, 2);
	assert_int_equal(nmis, 1);
	vm_down();
}

static void test_madt_1(void **state)
{
	check_madt(1);
}

static void test_madt_2(void **state)
{
	check_madt(2);
}

static void test_madt_64(void **state)
{
	check_madt(64);
}

/* Beyond CONFIG_V3_MAX_VCPUS today, but the tables do not assume it. */
static void test_madt_300_x2apic(void **state)
{
	check_madt(300);
}

/* ---- DSDT (AML) ---------------------------------------------------------------------- */

/* Decodes a PkgLength at *p: returns the length (counting itself), advances *p past it. */
static u32 pkglen(const u8 **p)
{
	u8 lead = *(*p)++;
	unsigned int follow = lead >> 6;
	u32 len;

	if (!follow)
		return lead & 0x3f;
	assert_int_equal(lead & 0x30, 0);
	len = lead & 0xf;
	for (unsigned int i = 0; i < follow; i++)
		len |= (u32)*(*p)++ << (4 + 8 * i);
	return len;
}

/* An integer data object (ZeroOp, OneOp, BytePrefix); advances *p. */
static u8 aml_int(const u8 **p)
{
	u8 op = *(*p)++;

	if (op == 0x00 || op == 0x01)
		return op;
	assert_int_equal(op, 0x0a);
	return *(*p)++;
}

/* Checks Name(\_S5_, Package(4) { s5, s5, 0, 0 }) at *p; advances *p past it. */
static void check_s5(const u8 **p, u8 s5)
{
	const u8 *start, *end;

	assert_int_equal(*(*p)++, 0x08);                /* NameOp */
	assert_memory_equal(*p, "\\_S5_", 5);
	*p += 5;
	assert_int_equal(*(*p)++, 0x12);                /* PackageOp */
	start = *p;
	end = start + pkglen(p);
	assert_int_equal(*(*p)++, 4);                   /* NumElements */
	assert_int_equal(aml_int(p), s5);
	assert_int_equal(aml_int(p), s5);
	assert_int_equal(aml_int(p), 0);
	assert_int_equal(aml_int(p), 0);
	assert_ptr_equal(*p, end);
}

static void check_name_int(const u8 **p, const char *name, u32 val)
{
	assert_int_equal(*(*p)++, 0x08);
	assert_memory_equal(*p, name, 4);
	*p += 4;
	if (**p == 0x0c) {
		(*p)++;
		assert_int_equal(rd32(*p), val);
		*p += 4;
	} else {
		assert_int_equal(aml_int(p), val);
	}
}

static void check_pci0(const u8 **p)
{
	const u8 *end, *dev_end;

	assert_int_equal(*(*p)++, 0x10);                /* ScopeOp */
	end = *p;
	end += pkglen(p);
	assert_memory_equal(*p, "\\_SB_", 5);
	*p += 5;
	assert_int_equal(*(*p)++, 0x5b);                /* DeviceOp */
	assert_int_equal(*(*p)++, 0x82);
	dev_end = *p;
	dev_end += pkglen(p);
	assert_memory_equal(*p, "PCI0", 4);
	*p += 4;
	check_name_int(p, "_HID", 0x030ad041);          /* EisaId("PNP0A03") */
	check_name_int(p, "_BBN", 0);
	check_name_int(p, "_UID", 0);
	assert_ptr_equal(*p, dev_end);
	assert_ptr_equal(*p, end);
}

static const u8 *dsdt(void)
{
	const u8 *f = find_table("FACP"), *d = table(rd64(f + 140), "DSDT");

	assert_int_equal(d[8], 2);
	return d;
}

static void test_dsdt_s5(void **state)
{
	const u8 *d, *p;

	vm_up(STD_XML, 1);
	d = dsdt();
	p = d + 36;
	check_s5(&p, 5);
	assert_ptr_equal(p, d + rd32(d + 4));           /* no PCI0 without a pci_host */
	vm_down();
}

static void test_dsdt_s5_follows_power(void **state)
{
	const u8 *d, *p;

	vm_up("<device class=\"power\" id=\"pm\" s5=\"0\"/><device class=\"acpi\" id=\"acpi\"/>", 1);
	d = dsdt();
	p = d + 36;
	check_s5(&p, 0);
	vm_down();
	vm_up("<device class=\"power\" id=\"pm\" s5=\"7\"/><device class=\"acpi\" id=\"acpi\"/>", 1);
	d = dsdt();
	p = d + 36;
	check_s5(&p, 7);
	vm_down();
}

static void test_dsdt_pci0(void **state)
{
	const u8 *d, *p;

	vm_up("<device class=\"pci_host\" id=\"pci\"/><device class=\"power\" id=\"pm\"/>"
	      "<device class=\"acpi\" id=\"acpi\"/>", 2);
	d = dsdt();
	p = d + 36;
	check_s5(&p, 5);
	check_pci0(&p);
	assert_ptr_equal(p, d + rd32(d + 4));
	vm_down();
}

/* ---- iasl ------------------------------------------------------------------------------ */

static void dump(const char *dir, const char *name, const u8 *t)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.dat", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(t, 1, rd32(t + 4), f), rd32(t + 4));
	fclose(f);
}

/* iasl -d name.dat: exit status 0, and the .dsl has no error/warning remarks. */
static void disassemble(const char *dir, const char *name, const char *expect)
{
	char cmd[512], path[256], line[512];
	bool found = false;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "cd %s && iasl -d %s.dat > %s.log 2>&1", dir, name, name);
	if (system(cmd) != 0) {
		snprintf(cmd, sizeof(cmd), "cat %s/%s.log", dir, name);
		assert_int_equal(system(cmd), 0);
		fail_msg("iasl -d %s.dat failed", name);
	}
	snprintf(path, sizeof(path), "%s/%s.dsl", dir, name);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "Error") || strstr(line, "Warning") || strstr(line, "Invalid"))
			fail_msg("iasl: %s.dsl: %s", name, line);
		if (strstr(line, expect))
			found = true;
	}
	fclose(f);
	if (!found)
		fail_msg("iasl: %s.dsl lacks \"%s\"", name, expect);
}

/*
 * ACPICA's own interpreter (Linux's) loads the tables: acpiexec evaluates
 * \_S5 and \_SB.PCI0._HID. Its built-in hardware tests complain about the
 * PM2 block we do not have (AcpiWriteBitRegister): those lines are ignored.
 */
static void acpiexec(const char *dir)
{
	char cmd[512], line[512], path[256];
	unsigned int fives = 0, hid = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "cd %s && acpiexec -b 'evaluate \\_S5; evaluate \\_SB.PCI0._HID' dsdt.dat "
		 "facp.dat apic.dat > acpiexec.log 2>&1", dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/acpiexec.log", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		if ((strstr(line, "Error") || strstr(line, "Warning") || strstr(line, "AE_")) &&
		    !strstr(line, "BitRegister") && !strstr(line, "Gpe"))
			fail_msg("acpiexec: %s", line);
		fives += !!strstr(line, "[Integer] = 0000000000000005");
		hid += !!strstr(line, "[Integer] = 00000000030AD041");
	}
	fclose(f);
	assert_int_equal(fives, 2);
	assert_int_equal(hid, 1);
}

static char iasl_dir[64];

static int iasl_cleanup(void **state)
{
	char cmd[128];

	if (iasl_dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", iasl_dir);
		assert_int_equal(system(cmd), 0);
		iasl_dir[0] = 0;
	}
	return 0;
}

static void test_iasl(void **state)
{
	char *dir = iasl_dir;

	if (system("command -v iasl >/dev/null 2>&1") != 0) {
		print_message("iasl not installed (apt-get install acpica-tools): "
			      "skipping the disassembly of the tables\n");
		skip();
	}
	vm_up("<device class=\"pci_host\" id=\"pci\"/><device class=\"power\" id=\"pm\"/>"
	      "<device class=\"acpi\" id=\"acpi\"/>", 4);
	strcpy(iasl_dir, "/tmp/v3-acpi-XXXXXX");
	assert_non_null(mkdtemp(dir));
	dump(dir, "dsdt", dsdt());
	dump(dir, "facp", find_table("FACP"));
	dump(dir, "apic", find_table("APIC"));
	dump(dir, "xsdt", table(rd64(rsdp() + 24), "XSDT"));
	disassemble(dir, "dsdt", "Name (\\_S5, Package (0x04)");
	disassemble(dir, "dsdt", "Device (PCI0)");
	disassemble(dir, "facp", "32-bit PM Timer (V1) : 1");
	disassemble(dir, "apic", "Local Apic Address : FEE00000");
	disassemble(dir, "xsdt", "ACPI Table Address   1 : ");
	if (system("command -v acpiexec >/dev/null 2>&1") == 0)
		acpiexec(dir);
	else
		print_message("acpiexec not installed: not loading the tables into ACPICA\n");
	vm_down();
}

/* ---- failures -------------------------------------------------------------------------- */

static void test_needs_power_device(void **state)
{
	assert_int_equal(vm_up_rc("<device class=\"acpi\" id=\"acpi\"/>", 1, 2ull << 20),
			 -V3_ENODEV);
	assert_non_null(strstr(fake_host_log(), "no power device"));
	vm_down();
}

static void test_needs_ram_below_1m(void **state)
{
	assert_int_not_equal(vm_up_rc(STD_XML, 1, 512ull << 10), 0);
	assert_non_null(strstr(fake_host_log(), "no guest RAM"));
	vm_down();
}

/* ---- PM timer and PM1 events ------------------------------------------------------------ */

/* The PM timer at t ns: floor(t * 3.579545 MHz), computed independently in 128 bits. */
static u32 expected_ticks(u64 t)
{
	return (u32)((unsigned __int128)t * ACPI_PM_TIMER_HZ / NS);
}

static void test_pm_timer_rate(void **state)
{
	static const u64 times[] = { 0, 279, 280, 1000, NS / 3, NS, 7 * NS + 123456789,
				     3600 * NS };

	vm_up(STD_XML, 1);
	for (unsigned int i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		clock_ns = times[i];
		assert_int_equal(ph_inl(PM_BASE + 8), expected_ticks(times[i]));
	}
	clock_ns = NS;
	assert_int_equal(ph_inl(PM_BASE + 8), 3579545);
	assert_int_equal(ph_inb(PM_BASE + 9), (3579545 >> 8) & 0xff);
	assert_int_equal(ph_inw(PM_BASE + 10), 3579545 >> 16);
	/* The guest's time: the host TSC plus the VM's offset. */
	ph_vm->tsc_offset = 2 * NS;
	assert_int_equal(ph_inl(PM_BASE + 8), 3 * 3579545);
	/* Read-only: writes are ignored. */
	ph_outl(PM_BASE + 8, 0);
	assert_int_equal(ph_inl(PM_BASE + 8), 3 * 3579545);
	vm_down();
}

static void test_pm_timer_wraps_at_32_bits(void **state)
{
	/* The first ns at which the count reaches 2^32 + 5. */
	u64 t = (((1ull << 32) + 5) * NS + ACPI_PM_TIMER_HZ - 1) / ACPI_PM_TIMER_HZ;

	vm_up(STD_XML, 1);
	clock_ns = t - 1000000;                         /* 1 ms earlier: 3580 ticks before */
	assert_int_equal(ph_inl(PM_BASE + 8), (u32)(5 - 3580));
	clock_ns = t;
	assert_int_equal(ph_inl(PM_BASE + 8), 5);
	vm_down();
}

static void test_pm1_events(void **state)
{
	/* TMR_STS sets when bit 31 of the counter flips: at 2^31 ticks. */
	u64 flip = ((1ull << 31) * NS + ACPI_PM_TIMER_HZ - 1) / ACPI_PM_TIMER_HZ;

	vm_up(STD_XML, 1);
	assert_int_equal(ph_inl(PM_BASE), 0);
	ph_outw(PM_BASE + 2, 0x0121);                   /* TMR_EN, GBL_EN, PWRBTN_EN */
	assert_int_equal(ph_inw(PM_BASE + 2), 0x0121);
	ph_outb(PM_BASE + 3, 0x00);                     /* byte write: PWRBTN_EN off */
	assert_int_equal(ph_inl(PM_BASE), 0x00210000);
	ph_outw(PM_BASE + 2, 0xffff);                   /* only the defined bits stick */
	assert_int_equal(ph_inw(PM_BASE + 2), 0x0721);

	clock_ns = flip - 1;
	assert_int_equal(ph_inw(PM_BASE) & 1, 0);
	clock_ns = flip;
	assert_int_equal(ph_inw(PM_BASE) & 1, 1);
	ph_outw(PM_BASE, 0);                            /* writing 0 clears nothing */
	assert_int_equal(ph_inw(PM_BASE) & 1, 1);
	ph_outl(PM_BASE, 0x00000001);                   /* write 1 to clear; enables to 0 */
	assert_int_equal(ph_inl(PM_BASE), 0);
	clock_ns = 2 * flip;                            /* flips back to 0 at 2^32 */
	assert_int_equal(ph_inb(PM_BASE) & 1, 1);
	vm_down();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsdp),
		cmocka_unit_test(test_rsdp_gpa_without_acpi),
		cmocka_unit_test(test_xsdt_and_rsdt),
		cmocka_unit_test(test_fadt),
		cmocka_unit_test(test_fadt_follows_the_ports),
		cmocka_unit_test(test_madt_1),
		cmocka_unit_test(test_madt_2),
		cmocka_unit_test(test_madt_64),
		cmocka_unit_test(test_madt_300_x2apic),
		cmocka_unit_test(test_dsdt_s5),
		cmocka_unit_test(test_dsdt_s5_follows_power),
		cmocka_unit_test(test_dsdt_pci0),
		cmocka_unit_test_teardown(test_iasl, iasl_cleanup),
		cmocka_unit_test(test_needs_power_device),
		cmocka_unit_test(test_needs_ram_below_1m),
		cmocka_unit_test(test_pm_timer_rate),
		cmocka_unit_test(test_pm_timer_wraps_at_32_bits),
		cmocka_unit_test(test_pm1_events),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
