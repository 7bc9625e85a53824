/* SPDX-License-Identifier: MIT */
/*
 * Finds the RSDP, walks the XSDT (or RSDT) to the MADT and reads the local
 * APICs, the IOAPIC and the ISA interrupt overrides (ACPI 6.x §5.2.5, §5.2.7,
 * §5.2.8, §5.2.12). Every table is checksummed before use.
 */
#include "acpi.h"
#include "lib/string.h"

struct acpi_rsdp {
	char signature[8];
	u8 checksum;
	char oem_id[6];
	u8 revision;
	u32 rsdt;
	u32 length;
	u64 xsdt;
	u8 ext_checksum;
	u8 reserved[3];
} __v3_packed;

struct acpi_header {
	char signature[4];
	u32 length;
	u8 revision, checksum;
	char oem_id[6], oem_table_id[8];
	u32 oem_revision, creator_id, creator_revision;
} __v3_packed;

struct acpi_madt {
	struct acpi_header h;
	u32 lapic_addr;
	u32 flags;
} __v3_packed;

enum {
	MADT_LAPIC = 0,
	MADT_IOAPIC = 1,
	MADT_OVERRIDE = 2,
	MADT_LAPIC_ADDR = 5,
	MADT_X2APIC = 9,
};

/* Low physical addresses are constants gcc would flag as null-pointer arithmetic. */
static const void *phys(u64 pa)
{
	const void *p;

	__asm__("" : "=r"(p) : "0"(pa));
	return p;
}

static bool checksum_ok(const void *p, size_t len)
{
	const u8 *b = p;
	u8 sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += b[i];
	return sum == 0;
}

static const struct acpi_rsdp *rsdp_scan(u64 start, u64 len)
{
	for (u64 a = start; a + sizeof(struct acpi_rsdp) <= start + len; a += 16) {
		const struct acpi_rsdp *r = phys(a);

		if (!v3_memcmp(r->signature, "RSD PTR ", 8) && checksum_ok(r, 20))
			return r;
	}
	return NULL;
}

static const struct acpi_rsdp *rsdp_find(void)
{
	u64 ebda = (u64)(*(const u16 *)phys(0x40e)) << 4;
	const struct acpi_rsdp *r = NULL;

	if (ebda >= 0x80000 && ebda < 0xa0000)
		r = rsdp_scan(ebda, 1024);
	return r ? r : rsdp_scan(0xe0000, 0x20000);
}

static const struct acpi_header *table_find(const struct acpi_rsdp *rsdp, const char *sig)
{
	bool x = rsdp->revision >= 2 && rsdp->xsdt;
	const struct acpi_header *root = phys(x ? rsdp->xsdt : rsdp->rsdt);
	size_t esize = x ? 8 : 4;

	if (root->length < sizeof(*root) || !checksum_ok(root, root->length))
		return NULL;
	for (size_t off = sizeof(*root); off + esize <= root->length; off += esize) {
		const u8 *e = (const u8 *)root + off;
		u64 addr = x ? *(const u64 *)e : *(const u32 *)e;
		const struct acpi_header *t = phys(addr);

		if (!v3_memcmp(t->signature, sig, 4) && t->length >= sizeof(*t) &&
		    checksum_ok(t, t->length))
			return t;
	}
	return NULL;
}

static void add_cpu(struct hk_platform *p, u32 apic_id, u32 bsp_apic_id)
{
	if (p->ncpus >= HK_MAX_CPUS) {
		p->cpus_ignored++;
		return;
	}
	if (apic_id == bsp_apic_id && p->ncpus > 0) {
		/* Keep the boot CPU as logical CPU 0. */
		p->apic_ids[p->ncpus++] = p->apic_ids[0];
		p->apic_ids[0] = apic_id;
		return;
	}
	p->apic_ids[p->ncpus++] = apic_id;
}

static void madt_parse(struct hk_platform *p, const struct acpi_madt *madt, u32 bsp)
{
	const u8 *e = (const u8 *)(madt + 1);
	const u8 *end = (const u8 *)madt + madt->h.length;

	p->lapic_pa = madt->lapic_addr;
	while (e + 2 <= end && e[1] >= 2 && e + e[1] <= end) {
		switch (e[0]) {
		case MADT_LAPIC:
			if (e[1] >= 8 && (*(const u32 *)(e + 4) & 1))  /* enabled */
				add_cpu(p, e[3], bsp);
			break;
		case MADT_X2APIC:
			if (e[1] >= 16 && (*(const u32 *)(e + 8) & 1))
				add_cpu(p, *(const u32 *)(e + 4), bsp);
			break;
		case MADT_IOAPIC:
			if (e[1] >= 12 && !p->ioapic_pa) {
				p->ioapic_pa = *(const u32 *)(e + 4);
				p->ioapic_gsi_base = *(const u32 *)(e + 8);
			}
			break;
		case MADT_OVERRIDE:
			if (e[1] >= 10 && e[3] < 16) {
				u16 flags = *(const u16 *)(e + 8);

				p->isa[e[3]].gsi = *(const u32 *)(e + 4);
				p->isa[e[3]].active_low = (flags & 3) == 3;
				p->isa[e[3]].level = ((flags >> 2) & 3) == 3;
			}
			break;
		case MADT_LAPIC_ADDR:
			if (e[1] >= 12)
				p->lapic_pa = *(const u64 *)(e + 4);
			break;
		}
		e += e[1];
	}
}

static struct hk_platform platform;

const struct hk_platform *hk_platform(void)
{
	return &platform;
}

int hk_acpi_init(u32 bsp_apic_id)
{
	struct hk_platform *p = &platform;
	const struct acpi_rsdp *rsdp = rsdp_find();
	const struct acpi_madt *madt;

	v3_memset(p, 0, sizeof(*p));
	for (unsigned int i = 0; i < 16; i++)
		p->isa[i] = (struct hk_irq_override){ .gsi = i };
	p->lapic_pa = 0xfee00000;
	if (!rsdp || !(madt = (const struct acpi_madt *)table_find(rsdp, "APIC"))) {
		hk_printf("hk: no ACPI MADT: running on the boot CPU only\n");
		p->ncpus = 1;
		p->apic_ids[0] = bsp_apic_id;
		return -V3_ENOENT;
	}
	v3_memcpy(p->oem, rsdp->oem_id, 6);
	madt_parse(p, madt, bsp_apic_id);
	if (p->ncpus == 0) {
		p->ncpus = 1;
		p->apic_ids[0] = bsp_apic_id;
	}
	return 0;
}
