/* SPDX-License-Identifier: MIT */
/*
 * ACPI: the fixed-hardware PM registers and the tables that describe the VM
 * (ACPI 6.x, chapters 4 and 5).
 *
 * <device class="acpi" id="acpi" base="0x600"/>
 *   base     the PM I/O block, as QEMU's PIIX4 (default 0x600):
 *            base+0  PM1a_EVT_BLK, 4 bytes: PM1 status (write 1 to clear)
 *                    and PM1 enable (4.8.3.1)
 *            base+8  PM_TMR_BLK, 4 bytes: the 32-bit PM timer (4.8.3.3),
 *                    3.579545 MHz derived from the guest TSC
 *   The PM1a control register (PM1a_CNT_BLK) belongs to the power device
 *   (devices/power.c, default 0x604 = base+4), its one owner: the FADT
 *   points at the port that device hooks and the DSDT's \_S5 names its
 *   sleep type, both read from it through power_pm1a_info(). The acpi device
 *   therefore needs a power device in the same VM.
 *
 * Once the vCPU count is known (vcpus_ready) the tables are written into
 * guest RAM from V3_ACPI_RSDP_GPA (0xe0000, the BIOS area the Linux loader
 * reserves): RSDP (revision 2), RSDT, XSDT, FADT (revision 6), FACS, MADT
 * (one local APIC per vCPU, APIC ID = vCPU id, x2APIC entries from ID 255;
 * the IOAPIC at 0xfec00000, IRQ0 -> GSI 2, the SCI on IRQ 9 level/high,
 * LINT1 as NMI) and a DSDT holding \_S5 and, when the VM has a pci_host
 * device, \_SB.PCI0.
 *
 * No SCI is ever raised: nothing here produces an enabled event (TMR_STS
 * is reported but its interrupt is not, as no OS we run relies on it).
 */
#include "acpi_pm.h"
#include "device.h"
#include "guest_acpi.h"
#include "host_ops.h"
#include "io.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "log.h"
#include "mem.h"
#include "power.h"
#include "vm.h"

#define PM1_EVT_LEN 4
#define PM_TMR_OFF 8
#define PM_TMR_LEN 4
#define PM1_CNT_LEN 2

/* PM1 status and enable bits (4.8.3.1). */
#define PM1_TMR_STS 0x0001
#define PM1_STS_BITS 0x8731     /* TMR, BM, GBL, PWRBTN, SLPBTN, RTC, WAK */
#define PM1_EN_BITS 0x0721      /* TMR_EN, GBL_EN, PWRBTN_EN, SLPBTN_EN, RTC_EN */

#define SCI_IRQ 9
#define LAPIC_BASE 0xfee00000u
#define IOAPIC_BASE 0xfec00000u
#define RESET_PORT 0xcf9
#define RESET_VALUE 0x06

struct acpi {
	struct v3_vm *vm;
	u16 base;
	u16 pm1_sts, pm1_en;
	u64 tmr_sts_epoch;            /* timer >> 32 when TMR_STS was last cleared */
	u64 (*now)(void);             /* host TSC */
	struct v3_spinlock lock;
};

static u64 rdtsc(void)
{
	return __builtin_ia32_rdtsc();
}

void acpi_set_clock(void *priv, u64 (*now)(void))
{
	((struct acpi *)priv)->now = now;
}

/* ---- the PM registers ------------------------------------------------------------------ */

/* PM timer ticks since guest TSC 0, unwrapped; split so nothing overflows 64 bits. */
static u64 pm_ticks(const struct acpi *a)
{
	u64 hz = v3_host->tsc_khz() * 1000, g = a->now() + a->vm->tsc_offset;

	return (g / hz) * ACPI_PM_TIMER_HZ + (g % hz) * ACPI_PM_TIMER_HZ / hz;
}

/* TMR_STS: set whenever bit 31 of the (32-bit, TMR_VAL_EXT) counter changed since cleared. */
static u16 pm1_status(const struct acpi *a)
{
	return a->pm1_sts | ((pm_ticks(a) >> 31) != a->tmr_sts_epoch ? PM1_TMR_STS : 0);
}

static int evt_read(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 *val, void *priv)
{
	struct acpi *a = priv;
	u32 reg;

	v3_spin_lock(&a->lock);
	reg = pm1_status(a) | (u32)a->pm1_en << 16;
	v3_spin_unlock(&a->lock);
	*val = reg >> (8 * (port - a->base));
	return 0;
}

static int evt_write(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 val, void *priv)
{
	struct acpi *a = priv;
	unsigned int shift = 8 * (port - a->base);
	u64 wmask = size >= 4 ? 0xffffffffull : ((1ull << (8 * size)) - 1);
	u32 mask = (u32)(wmask << shift), v = (u32)((u64)val << shift) & mask;
	u16 clear = (u16)v & PM1_STS_BITS;

	v3_spin_lock(&a->lock);
	if (clear & PM1_TMR_STS)
		a->tmr_sts_epoch = pm_ticks(a) >> 31;
	a->pm1_sts &= ~clear;
	if (mask >> 16)
		a->pm1_en = (u16)((a->pm1_en & ~(mask >> 16)) | ((v >> 16) & PM1_EN_BITS));
	v3_spin_unlock(&a->lock);
	return 0;
}

static int tmr_read(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 *val, void *priv)
{
	struct acpi *a = priv;

	*val = (u32)pm_ticks(a) >> (8 * (port - a->base - PM_TMR_OFF));
	return 0;
}

/* ---- table building ---------------------------------------------------------------------- */

/* The tables are built in a host buffer mirroring [V3_ACPI_RSDP_GPA, V3_ACPI_AREA_END). */
struct tbuf {
	u8 *b;
	u32 used;
};

#define AREA_SIZE ((u32)(V3_ACPI_AREA_END - V3_ACPI_RSDP_GPA))

static void put8(struct tbuf *t, u32 off, u8 v)
{
	t->b[off] = v;
}

static void put16(struct tbuf *t, u32 off, u16 v)
{
	put8(t, off, (u8)v);
	put8(t, off + 1, (u8)(v >> 8));
}

static void put32(struct tbuf *t, u32 off, u32 v)
{
	put16(t, off, (u16)v);
	put16(t, off + 2, (u16)(v >> 16));
}

static void put64(struct tbuf *t, u32 off, u64 v)
{
	put32(t, off, (u32)v);
	put32(t, off + 4, (u32)(v >> 32));
}

static void putstr(struct tbuf *t, u32 off, const char *s, u32 n)
{
	v3_memcpy(t->b + off, s, n);
}

static u64 gpa_of(u32 off)
{
	return V3_ACPI_RSDP_GPA + off;
}

/* Reserves len bytes aligned to align; returns their offset, or 0 if the area is full. */
static u32 alloc(struct tbuf *t, u32 len, u32 align)
{
	u32 off = (t->used + align - 1) & ~(align - 1);

	if (off + len > AREA_SIZE)
		return 0;
	t->used = off + len;
	return off;
}

static u8 checksum(const u8 *p, u32 len)
{
	u8 sum = 0;

	while (len--)
		sum += *p++;
	return (u8)-sum;
}

/* The common table header (5.2.6); the length and checksum are set by finish(). */
static void header(struct tbuf *t, u32 off, const char *sig, u8 rev)
{
	putstr(t, off, sig, 4);
	put8(t, off + 8, rev);
	putstr(t, off + 10, "V3VEE ", 6);        /* OEMID */
	putstr(t, off + 16, "V3VEE   ", 8);      /* OEM table ID */
	put32(t, off + 24, 1);                    /* OEM revision */
	putstr(t, off + 28, "V3  ", 4);          /* creator ID */
	put32(t, off + 32, 1);                    /* creator revision */
}

static void finish(struct tbuf *t, u32 off, u32 len)
{
	put32(t, off + 4, len);
	put8(t, off + 9, 0);
	put8(t, off + 9, checksum(t->b + off, len));
}

/* A Generic Address Structure (5.2.3.2) for a system-I/O register. */
static void gas_io(struct tbuf *t, u32 off, u8 bits, u8 access_size, u16 port)
{
	put8(t, off, 1);              /* address space: system I/O */
	put8(t, off + 1, bits);
	put8(t, off + 2, 0);          /* bit offset */
	put8(t, off + 3, access_size);  /* 1 byte, 2 word, 3 dword */
	put64(t, off + 4, port);
}

struct acpi_layout {
	u16 pm1a_cnt;
	u8 s5;
	bool pci;
	u32 facs, dsdt, fadt, madt, rsdt, xsdt;
};

#define FACS_LEN 64

static u32 build_facs(struct tbuf *t)
{
	u32 off = alloc(t, FACS_LEN, 64);   /* 64-byte aligned (5.2.10) */

	if (!off)
		return 0;
	putstr(t, off, "FACS", 4);
	put32(t, off + 4, FACS_LEN);
	put8(t, off + 32, 2);               /* version */
	return off;
}

/* ---- the DSDT (AML, ACPI 6.x chapter 20) ---- */

#define AML_ZERO 0x00
#define AML_ONE 0x01
#define AML_NAME 0x08
#define AML_BYTE 0x0a
#define AML_DWORD 0x0c
#define AML_SCOPE 0x10
#define AML_PACKAGE 0x12
#define AML_EXT 0x5b
#define AML_DEVICE 0x82
#define AML_ROOT '\\'

struct aml {
	u8 buf[256];
	u32 len;
};

static void aml_byte(struct aml *a, u8 v)
{
	a->buf[a->len++] = v;
}

static void aml_bytes(struct aml *a, const void *p, u32 n)
{
	v3_memcpy(a->buf + a->len, p, n);
	a->len += n;
}

static void aml_integer(struct aml *a, u8 v)
{
	if (v == 0 || v == 1) {
		aml_byte(a, v ? AML_ONE : AML_ZERO);
	} else {
		aml_byte(a, AML_BYTE);
		aml_byte(a, v);
	}
}

/*
 * PkgLength (20.2.4) for a body of n bytes: the encoded length counts the
 * PkgLength bytes themselves. One byte holds up to 63; longer lengths use
 * 1-3 follow bytes, the lead byte giving the count in bits 7:6 and the low
 * nibble of the length.
 */
static void aml_pkglen(struct aml *a, u32 n)
{
	u32 follow = n + 1 < 0x40 ? 0 : n + 2 < 0x1000 ? 1 : n + 3 < 0x100000 ? 2 : 3;
	u32 total = n + 1 + follow;

	if (!follow) {
		aml_byte(a, (u8)total);
		return;
	}
	aml_byte(a, (u8)((follow << 6) | (total & 0xf)));
	for (u32 i = 0; i < follow; i++)
		aml_byte(a, (u8)(total >> (4 + 8 * i)));
}

/* Wraps body (built separately) as op PkgLength body. */
static void aml_wrap(struct aml *a, const u8 *op, u32 oplen, const struct aml *body)
{
	aml_bytes(a, op, oplen);
	aml_pkglen(a, body->len);
	aml_bytes(a, body->buf, body->len);
}

/* Name(\_S5, Package(4) { s5, s5, 0, 0 }): SLP_TYPa, SLP_TYPb (7.4.2). */
static void aml_s5(struct aml *a, u8 s5)
{
	static const u8 op = AML_PACKAGE;
	struct aml pkg = { .len = 0 };

	aml_byte(&pkg, 4);      /* NumElements */
	aml_integer(&pkg, s5);
	aml_integer(&pkg, s5);
	aml_integer(&pkg, 0);
	aml_integer(&pkg, 0);
	aml_byte(a, AML_NAME);
	aml_bytes(a, "\\_S5_", 5);
	aml_wrap(a, &op, 1, &pkg);
}

/*
 * Scope(\_SB) { Device(PCI0) { Name(_HID, EisaId("PNP0A03")) Name(_BBN, 0)
 * Name(_UID, 0) } }: the host bridge of devices/pci_host.c.
 */
static void aml_pci0(struct aml *a)
{
	static const u8 dev_op[] = { AML_EXT, AML_DEVICE };
	static const u8 scope_op = AML_SCOPE;
	static const u8 pnp0a03[] = { 0x41, 0xd0, 0x0a, 0x03 };   /* EisaId("PNP0A03") */
	struct aml dev = { .len = 0 }, scope = { .len = 0 };

	aml_bytes(&dev, "PCI0", 4);
	aml_byte(&dev, AML_NAME);
	aml_bytes(&dev, "_HID", 4);
	aml_byte(&dev, AML_DWORD);
	aml_bytes(&dev, pnp0a03, 4);
	aml_byte(&dev, AML_NAME);
	aml_bytes(&dev, "_BBN", 4);
	aml_integer(&dev, 0);
	aml_byte(&dev, AML_NAME);
	aml_bytes(&dev, "_UID", 4);
	aml_integer(&dev, 0);

	aml_bytes(&scope, "\\_SB_", 5);
	aml_wrap(&scope, dev_op, 2, &dev);
	aml_wrap(a, &scope_op, 1, &scope);
}

static u32 build_dsdt(struct tbuf *t, const struct acpi_layout *l)
{
	struct aml a = { .len = 0 };
	u32 off;

	aml_s5(&a, l->s5);
	if (l->pci)
		aml_pci0(&a);
	off = alloc(t, 36 + a.len, 16);
	if (!off)
		return 0;
	header(t, off, "DSDT", 2);    /* revision 2: 64-bit integers */
	v3_memcpy(t->b + off + 36, a.buf, a.len);
	finish(t, off, 36 + a.len);
	return off;
}

/* ---- FADT (5.2.9, revision 6: 276 bytes) ---- */

#define FADT_LEN 276
#define FADT_WBINVD (1u << 0)
#define FADT_PROC_C1 (1u << 2)
#define FADT_PWR_BUTTON (1u << 4)       /* no fixed-feature power button */
#define FADT_SLP_BUTTON (1u << 5)       /* no fixed-feature sleep button */
#define FADT_FIX_RTC (1u << 6)          /* no RTC wake status in the fixed registers */
#define FADT_TMR_VAL_EXT (1u << 8)      /* 32-bit PM timer */
#define FADT_RESET_REG_SUP (1u << 10)
#define BOOT_LEGACY_DEVICES (1u << 0)
#define BOOT_8042 (1u << 1)
#define BOOT_VGA_NOT_PRESENT (1u << 2)

static u32 build_fadt(struct tbuf *t, const struct acpi_layout *l, u16 base)
{
	u32 off = alloc(t, FADT_LEN, 16);

	if (!off)
		return 0;
	header(t, off, "FACP", 6);
	put32(t, off + 36, (u32)gpa_of(l->facs));      /* FIRMWARE_CTRL */
	put32(t, off + 40, (u32)gpa_of(l->dsdt));      /* DSDT */
	put16(t, off + 46, SCI_IRQ);                     /* SCI_INT */
	/* SMI_CMD 0: the platform is always in ACPI mode, SCI_EN need not be set. */
	put32(t, off + 56, base);                        /* PM1a_EVT_BLK */
	put32(t, off + 64, l->pm1a_cnt);                 /* PM1a_CNT_BLK */
	put32(t, off + 76, base + PM_TMR_OFF);           /* PM_TMR_BLK */
	put8(t, off + 88, PM1_EVT_LEN);
	put8(t, off + 89, PM1_CNT_LEN);
	put8(t, off + 91, PM_TMR_LEN);
	put16(t, off + 96, 101);                         /* P_LVL2_LAT > 100: no C2 */
	put16(t, off + 98, 1001);                        /* P_LVL3_LAT > 1000: no C3 */
	put8(t, off + 108, 0x32);                        /* CENTURY: the CMOS register */
	put16(t, off + 109, BOOT_LEGACY_DEVICES | BOOT_8042 | BOOT_VGA_NOT_PRESENT);
	put32(t, off + 112, FADT_WBINVD | FADT_PROC_C1 | FADT_PWR_BUTTON | FADT_SLP_BUTTON |
		      FADT_FIX_RTC | FADT_TMR_VAL_EXT | FADT_RESET_REG_SUP);
	gas_io(t, off + 116, 8, 1, RESET_PORT);          /* RESET_REG */
	put8(t, off + 128, RESET_VALUE);
	put8(t, off + 131, 0);                           /* FADT minor version: 6.0 */
	put64(t, off + 132, gpa_of(l->facs));            /* X_FIRMWARE_CTRL */
	put64(t, off + 140, gpa_of(l->dsdt));            /* X_DSDT */
	gas_io(t, off + 148, 8 * PM1_EVT_LEN, 2, base);  /* X_PM1a_EVT_BLK */
	gas_io(t, off + 172, 8 * PM1_CNT_LEN, 2, l->pm1a_cnt);  /* X_PM1a_CNT_BLK */
	gas_io(t, off + 208, 8 * PM_TMR_LEN, 3, base + PM_TMR_OFF);  /* X_PM_TMR_BLK */
	finish(t, off, FADT_LEN);
	return off;
}

/* ---- MADT (5.2.12) ---- */

#define MADT_PCAT_COMPAT 1
#define MADT_LAPIC 0
#define MADT_IOAPIC 1
#define MADT_ISO 2
#define MADT_LAPIC_NMI 4
#define MADT_X2APIC 9
#define MADT_X2APIC_NMI 10
#define MPS_HIGH 0x1          /* polarity: active high */
#define MPS_EDGE 0x4          /* trigger: edge */
#define MPS_LEVEL 0xc         /* trigger: level */

static bool needs_x2apic(const struct v3_vm *vm)
{
	for (unsigned int i = 0; i < vm->nvcpus; i++)
		if (vm->vcpus[i].id >= 0xff)
			return true;
	return false;
}

static u32 madt_len(const struct v3_vm *vm)
{
	u32 len = 44 + 12 + 2 * 10 + 6 + (needs_x2apic(vm) ? 12 : 0);

	for (unsigned int i = 0; i < vm->nvcpus; i++)
		len += vm->vcpus[i].id < 0xff ? 8 : 16;
	return len;
}

static u32 madt_iso(struct tbuf *t, u32 p, u8 irq, u32 gsi, u16 flags)
{
	put8(t, p, MADT_ISO);
	put8(t, p + 1, 10);
	put8(t, p + 2, 0);            /* bus: ISA */
	put8(t, p + 3, irq);
	put32(t, p + 4, gsi);
	put16(t, p + 8, flags);
	return p + 10;
}

static u32 build_madt(struct tbuf *t, const struct v3_vm *vm)
{
	u32 len = madt_len(vm), off = alloc(t, len, 16), p;

	if (!off)
		return 0;
	header(t, off, "APIC", 4);
	put32(t, off + 36, LAPIC_BASE);
	put32(t, off + 40, MADT_PCAT_COMPAT);
	p = off + 44;
	for (unsigned int i = 0; i < vm->nvcpus; i++) {
		u32 id = vm->vcpus[i].id;

		if (id < 0xff) {      /* 0xff is the broadcast ID: larger ones need x2APIC entries */
			put8(t, p, MADT_LAPIC);
			put8(t, p + 1, 8);
			put8(t, p + 2, (u8)id);     /* ACPI processor UID */
			put8(t, p + 3, (u8)id);     /* APIC ID */
			put32(t, p + 4, 1);         /* enabled */
			p += 8;
		} else {
			put8(t, p, MADT_X2APIC);
			put8(t, p + 1, 16);
			put32(t, p + 4, id);
			put32(t, p + 8, 1);
			put32(t, p + 12, id);
			p += 16;
		}
	}
	put8(t, p, MADT_IOAPIC);
	put8(t, p + 1, 12);
	put8(t, p + 2, 0);                /* IOAPIC ID */
	put32(t, p + 4, IOAPIC_BASE);
	put32(t, p + 8, 0);               /* GSI base */
	p += 12;
	p = madt_iso(t, p, 0, 2, MPS_HIGH | MPS_EDGE);
	p = madt_iso(t, p, SCI_IRQ, SCI_IRQ, MPS_HIGH | MPS_LEVEL);
	put8(t, p, MADT_LAPIC_NMI);
	put8(t, p + 1, 6);
	put8(t, p + 2, 0xff);             /* all processors */
	put16(t, p + 3, MPS_HIGH | MPS_EDGE);
	put8(t, p + 5, 1);                /* LINT1 */
	p += 6;
	if (needs_x2apic(vm)) {           /* the same for the processors of x2APIC entries */
		put8(t, p, MADT_X2APIC_NMI);
		put8(t, p + 1, 12);
		put16(t, p + 2, MPS_HIGH | MPS_EDGE);
		put32(t, p + 4, 0xffffffffu);
		put8(t, p + 8, 1);
	}
	finish(t, off, len);
	return off;
}

/* ---- RSDT, XSDT, RSDP (5.2.5, 5.2.7, 5.2.8) ---- */

static u32 build_sdt(struct tbuf *t, const char *sig, unsigned int entry_size,
		     const u32 *tables, unsigned int n)
{
	u32 len = 36 + entry_size * n, off = alloc(t, len, 16);

	if (!off)
		return 0;
	header(t, off, sig, 1);
	for (unsigned int i = 0; i < n; i++) {
		if (entry_size == 8)
			put64(t, off + 36 + 8 * i, gpa_of(tables[i]));
		else
			put32(t, off + 36 + 4 * i, (u32)gpa_of(tables[i]));
	}
	finish(t, off, len);
	return off;
}

#define RSDP_LEN 36

static void build_rsdp(struct tbuf *t, const struct acpi_layout *l)
{
	putstr(t, 0, "RSD PTR ", 8);
	putstr(t, 9, "V3VEE ", 6);
	put8(t, 15, 2);                              /* revision: ACPI 2.0+ */
	put32(t, 16, (u32)gpa_of(l->rsdt));
	put32(t, 20, RSDP_LEN);
	put64(t, 24, gpa_of(l->xsdt));
	put8(t, 8, checksum(t->b, 20));
	put8(t, 32, checksum(t->b, RSDP_LEN));
}

static bool has_device(const struct v3_vm *vm, const char *cls)
{
	for (const struct v3_device *d = vm->devices; d; d = d->next)
		if (!v3_strcmp(d->cls->name, cls))
			return true;
	return false;
}

static int build_tables(struct acpi *a, struct tbuf *t)
{
	struct acpi_layout l = { .pci = has_device(a->vm, "pci_host") };
	u32 tables[2];
	int rc = power_pm1a_info(a->vm, &l.pm1a_cnt, &l.s5);

	if (rc) {
		v3_err("vm %s: acpi: no power device, whose PM1a control register the FADT needs",
		       a->vm->name);
		return rc;
	}
	t->used = RSDP_LEN;
	l.facs = build_facs(t);
	l.dsdt = l.facs ? build_dsdt(t, &l) : 0;
	l.fadt = l.dsdt ? build_fadt(t, &l, a->base) : 0;
	l.madt = l.fadt ? build_madt(t, a->vm) : 0;
	tables[0] = l.fadt;
	tables[1] = l.madt;
	l.rsdt = l.madt ? build_sdt(t, "RSDT", 4, tables, 2) : 0;
	l.xsdt = l.rsdt ? build_sdt(t, "XSDT", 8, tables, 2) : 0;
	if (!l.xsdt) {
		v3_err("vm %s: acpi: the tables for %u vCPUs do not fit below 1 MiB", a->vm->name,
		       a->vm->nvcpus);
		return -V3_ENOSPC;
	}
	build_rsdp(t, &l);
	return 0;
}

static int acpi_vcpus_ready(struct v3_vm *vm, void *priv)
{
	struct tbuf t = { .b = v3_zalloc(AREA_SIZE) };
	int rc;

	if (!t.b)
		return -V3_ENOMEM;
	rc = build_tables(priv, &t);
	if (!rc) {
		rc = v3_gpa_write(vm, V3_ACPI_RSDP_GPA, t.b, t.used);
		if (rc)
			v3_err("vm %s: acpi: no guest RAM at 0x%lx for the tables", vm->name,
			       (unsigned long)V3_ACPI_RSDP_GPA);
	}
	v3_free(t.b);
	return rc;
}

/* ---- the device -------------------------------------------------------------------------- */

static int acpi_create(struct v3_vm *vm, const struct v3_cfg_node *cfg, void **priv)
{
	struct acpi *a;
	u64 base;
	int rc = v3_cfg_u64(cfg, "base", 0x600, 0xfff0, &base);

	if (rc)
		return rc;
	a = v3_zalloc(sizeof(*a));
	if (!a)
		return -V3_ENOMEM;
	a->vm = vm;
	a->base = (u16)base;
	a->now = rdtsc;
	rc = v3_hook_io(vm, a->base, a->base + PM1_EVT_LEN - 1, evt_read, evt_write, a);
	if (!rc)
		rc = v3_hook_io(vm, a->base + PM_TMR_OFF, a->base + PM_TMR_OFF + PM_TMR_LEN - 1,
				tmr_read, NULL, a);
	if (rc) {
		v3_free(a);
		return rc;
	}
	*priv = a;
	return 0;
}

static void acpi_free(void *priv)
{
	v3_free(priv);
}

const struct v3_device_class acpi_class = {
	.name = "acpi",
	.create = acpi_create,
	.free = acpi_free,
	.vcpus_ready = acpi_vcpus_ready,
};
