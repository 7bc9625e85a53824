/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for palacios/src/boot (boot.c, linux.c): the flat boot states,
 * the long-mode identity map and GDT, the e820 map, and the Linux loader on
 * a synthetic bzImage (every header check, placement of kernel and initrd,
 * the zero page), then on the Debian kernel in /boot if one is installed.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <v3/errno.h>

#include "boot/boot.h"
#include "fake_host.h"
#include "boot_ram.h"

#define MIB (1ULL << 20)
#define ZP 0x10000
#define KSIZE (0xa00 + 0x3000)

static char err[512];

/* A bzImage with protocol 2.15's header and a recognizable protected-mode part. */
static u8 *make_bz(void)
{
	u8 *k = calloc(1, KSIZE);

	assert_non_null(k);
	k[0x1f1] = 4;                              /* setup_sects */
	put(k, 0x1fe, 0xaa55, 2);
	k[0x200] = 0xeb;
	k[0x201] = 0x268 - 0x202;                  /* header end */
	memcpy(k + 0x202, "HdrS", 4);
	put(k, 0x206, 0x020f, 2);
	k[0x211] = 0x01;                           /* LOADED_HIGH */
	put(k, 0x22c, 0x7fffffff, 4);              /* initrd_addr_max */
	put(k, 0x230, 0x200000, 4);                /* kernel_alignment */
	k[0x234] = 1;                              /* relocatable */
	put(k, 0x236, 0x1, 2);                     /* XLF_KERNEL_64 */
	put(k, 0x238, 2048, 4);                    /* cmdline_size */
	put(k, 0x258, 0x1000000, 8);               /* pref_address */
	put(k, 0x260, 0x400000, 4);                /* init_size */
	for (size_t i = 0xa00; i < KSIZE; i++)
		k[i] = (u8)(i * 7);
	return k;
}

/* Walks the identity map the way the CPU would (4-level, 2 MiB pages). */
static u64 walk(u64 cr3, u64 va)
{
	u64 e = rd((cr3 & ~0xfffULL) + 8 * ((va >> 39) & 511), 8);

	if (!(e & 1))
		return ~0ULL;
	e = rd((e & ~0xfffULL) + 8 * ((va >> 30) & 511), 8);
	if (!(e & 1))
		return ~0ULL;
	e = rd((e & ~0xfffULL) + 8 * ((va >> 21) & 511), 8);
	if (!(e & 1) || !(e & 0x80))
		return ~0ULL;
	return (e & ~0x1fffffULL) | (va & 0x1fffff);
}

static int setup(void **state)
{
	(void)state;
	fake_host_install();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(ram);
	ram = NULL;
	return 0;
}

static void test_real_protected(void **state)
{
	struct v3_boot_state st;

	(void)state;
	v3_boot_state_real(&st, 0x7c00);
	assert_int_equal(st.seg[V3_SEG_CS].selector, 0);
	assert_int_equal(st.rip, 0x7c00);
	assert_int_equal(st.cr0, 0x10);
	v3_boot_state_real(&st, 0x10000);
	assert_int_equal(st.seg[V3_SEG_CS].selector, 0x1000);
	assert_int_equal(st.seg[V3_SEG_CS].base, 0x10000);
	assert_int_equal(st.rip, 0);
	assert_int_equal(st.tr.attrib, V3_ATTR_TSS_BUSY);
	v3_boot_state_protected(&st, 0x100000);
	assert_int_equal(st.seg[V3_SEG_CS].attrib, V3_ATTR_CODE32);
	assert_int_equal(st.seg[V3_SEG_SS].selector, 0x10);
	assert_int_equal(st.cr0, 0x11);
	assert_int_equal(st.rip, 0x100000);
	assert_int_equal(st.rflags, 2);
}

static void test_long(void **state)
{
	struct v3_boot_target t = target(64 * MIB);
	struct v3_boot_state st;
	u64 area = 64 * MIB - v3_boot_area_size(64 * MIB);

	(void)state;
	assert_int_equal(v3_boot_area_size(64 * MIB), 7 * 4096);
	assert_int_equal(v3_boot_area_size(6ULL << 30), 9 * 4096);
	assert_int_equal(v3_boot_state_long(&t, &st, 0x100000, err, sizeof(err)), 0);
	assert_int_equal(st.rip, 0x100000);
	assert_int_equal(st.efer, (1 << 8) | (1 << 10));
	assert_int_equal(st.cr4, 1 << 5);
	assert_int_equal(st.cr0 >> 31, 1);
	assert_int_equal(st.seg[V3_SEG_CS].selector, 0x10);
	assert_int_equal(st.seg[V3_SEG_CS].attrib & (V3_SEG_ATTR_L | V3_SEG_ATTR_DB), V3_SEG_ATTR_L);
	assert_int_equal(st.seg[V3_SEG_DS].selector, 0x18);
	assert_int_equal(st.gdtr.base, area);
	assert_int_equal(st.gdtr.limit, 31);
	assert_int_equal(rd(area + 0x10, 8), 0x00af9b000000ffffULL);
	assert_int_equal(rd(area + 0x18, 8), 0x00cf93000000ffffULL);
	assert_true(st.cr3 >= area && st.cr3 < 64 * MIB);
	assert_int_equal(walk(st.cr3, 0), 0);
	assert_int_equal(walk(st.cr3, 0x1234567), 0x1234567);
	assert_int_equal(walk(st.cr3, 0xfee00000), 0xfee00000);  /* 4 GiB mapped at least */
	assert_int_equal(walk(st.cr3, 0x100000000ULL), ~0ULL);

	t = target(MIB);
	assert_int_equal(v3_boot_state_long(&t, &st, 0, err, sizeof(err)), -V3_EINVAL);
	assert_non_null(strstr(err, "too small"));
}

static void test_e820(void **state)
{
	struct v3_e820_entry e[4];

	(void)state;
	assert_int_equal(v3_boot_e820(64 * MIB, 63 * MIB, e), 4);
	assert_int_equal(e[0].addr, 0);
	assert_int_equal(e[0].size, 0x9f000);
	assert_int_equal(e[0].type, V3_E820_RAM);
	assert_int_equal(e[1].addr, 0x9f000);
	assert_int_equal(e[1].type, V3_E820_RESERVED);
	assert_int_equal(e[2].addr, MIB);
	assert_int_equal(e[2].size, 62 * MIB);
	assert_int_equal(e[3].addr, 63 * MIB);
	assert_int_equal(e[3].type, V3_E820_RESERVED);
	assert_int_equal(v3_boot_e820(64 * MIB, 64 * MIB, e), 3);
	assert_int_equal(v3_boot_e820(0x8000, 0x8000, e), 1);
	assert_int_equal(e[0].size, 0x8000);
}

static void test_linux_ok(void **state)
{
	struct v3_boot_target t = target(64 * MIB);
	u64 area = 64 * MIB - v3_boot_area_size(64 * MIB), rd_img, rd_size = 5000;
	struct v3_boot_state st;
	u8 *k = make_bz(), initrd[5000];

	(void)state;
	memset(initrd, 0x5a, sizeof(initrd));
	assert_int_equal(v3_linux_load(&t, k, KSIZE, initrd, sizeof(initrd), "console=ttyS0",
				       &st, err, sizeof(err)), 0);
	/* The protected-mode kernel at pref_address, the 64-bit entry 0x200 in. */
	assert_memory_equal(ram + 0x1000000, k + 0xa00, KSIZE - 0xa00);
	assert_int_equal(st.rip, 0x1000200);
	assert_int_equal(st.gprs.rsi, ZP);
	assert_int_equal(st.rflags & (1 << 9), 0);
	assert_int_equal(st.seg[V3_SEG_CS].selector, 0x10);
	assert_int_equal(st.seg[V3_SEG_DS].selector, 0x18);
	assert_int_equal(walk(st.cr3, 0x1000200), 0x1000200);
	assert_int_equal(walk(st.cr3, ZP), ZP);
	/* The zero page: header copied, loader fields set. */
	assert_int_equal(rd(ZP + 0x206, 2), 0x020f);
	assert_int_equal(rd(ZP + 0x258, 8), 0x1000000);
	assert_int_equal(ram[ZP + 0x210], 0xff);
	assert_int_equal(ram[ZP + 0x211], 0x81);
	assert_int_equal(rd(ZP + 0x224, 2), 0xfe00);
	assert_int_equal(rd(ZP + 0x228, 4), 0x20000);
	assert_string_equal((char *)ram + 0x20000, "console=ttyS0");
	rd_img = rd(ZP + 0x218, 4);
	assert_int_equal(rd(ZP + 0x21c, 4), rd_size);
	assert_int_equal(rd_img & 0xfff, 0);
	assert_true(rd_img >= 0x1000000 + 0x400000 && rd_img + rd_size <= area);
	assert_true(rd_img + rd_size + 4096 > area);  /* as high as it goes */
	assert_memory_equal(ram + rd_img, initrd, rd_size);
	assert_int_equal(walk(st.cr3, rd_img), rd_img);
	/* e820: four entries, the VMM's area reserved. */
	assert_int_equal(ram[ZP + 0x1e8], 4);
	assert_int_equal(rd(ZP + 0x2d0 + 3 * 20, 8), area);
	assert_int_equal(rd(ZP + 0x2d0 + 3 * 20 + 16, 4), V3_E820_RESERVED);
	assert_int_equal(rd(ZP + 0x2d0 + 2 * 20 + 8, 8), area - MIB);

	/* No initrd. */
	t = target(64 * MIB);
	assert_int_equal(v3_linux_load(&t, k, KSIZE, NULL, 0, "", &st, err, sizeof(err)), 0);
	assert_int_equal(rd(ZP + 0x218, 4), 0);
	assert_int_equal(rd(ZP + 0x21c, 4), 0);

	/* pref_address beyond RAM: a relocatable kernel goes to 1 MiB aligned up. */
	t = target(16 * MIB);
	assert_int_equal(v3_linux_load(&t, k, KSIZE, NULL, 0, "", &st, err, sizeof(err)), 0);
	assert_int_equal(st.rip, 0x200200);
	assert_memory_equal(ram + 0x200000, k + 0xa00, KSIZE - 0xa00);

	/* Not relocatable: pref_address it is. */
	k[0x234] = 0;
	put(k, 0x258, 0x100000, 8);
	t = target(16 * MIB);
	assert_int_equal(v3_linux_load(&t, k, KSIZE, NULL, 0, "", &st, err, sizeof(err)), 0);
	assert_int_equal(st.rip, 0x100200);
	free(k);
}

struct bad_case {
	size_t off;
	u64 value;
	unsigned int len;
	const char *msg;
};

static void test_linux_bad(void **state)
{
	static const struct bad_case cases[] = {
		{ 0x1fe, 0x55aa, 2, "no boot flag 0xAA55" },
		{ 0x202, 0x53726449, 4, "no \"HdrS\" signature" },
		{ 0x206, 0x0206, 2, "boot protocol 2.06 is too old" },
		{ 0x236, 0x2, 2, "lack XLF_KERNEL_64" },
		{ 0x211, 0x0, 1, "lack LOADED_HIGH" },
		{ 0x201, 0xff, 1, "setup header end 0x301 out of range" },
		{ 0x201, 0x10, 1, "setup header end 0x212 out of range" },
		{ 0x1f1, 0x40, 1, "fills the whole image" },
		{ 0x230, 0x300000, 4, "kernel_alignment 0x300000 is not a power of two" },
		{ 0x230, 0x0, 4, "kernel_alignment 0x0 is not a power of two" },
		{ 0x258, 0x1001000, 8, "pref_address 0x1001000 is not aligned" },
		{ 0x260, 0x7000000, 4, "kernel (init_size 0x7000000) does not fit" },
		{ 0x238, 3, 4, "command line (4 bytes) longer than the kernel's cmdline_size 3" },
		{ 0x22c, 0xffff, 4, "initrd (0x100 bytes) does not fit between" },
	};
	struct v3_boot_state st;
	u8 initrd[256] = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct v3_boot_target t = target(64 * MIB);
		u8 *k = make_bz();
		int rc;

		put(k, cases[i].off, cases[i].value, cases[i].len);
		rc = v3_linux_load(&t, k, KSIZE, initrd, sizeof(initrd), "abcd", &st, err,
				   sizeof(err));
		if (rc != -V3_EINVAL || !strstr(err, cases[i].msg))
			fail_msg("case %zu: rc %d, message \"%s\", expected \"%s\"", i, rc, err,
				 cases[i].msg);
		free(k);
	}
	{
		/* Not relocatable and pref_address above RAM; a file too small; tiny RAM. */
		struct v3_boot_target t = target(16 * MIB);
		u8 *k = make_bz();

		k[0x234] = 0;
		assert_int_equal(v3_linux_load(&t, k, KSIZE, NULL, 0, "", &st, err, sizeof(err)),
				 -V3_EINVAL);
		assert_non_null(strstr(err, "not relocatable"));
		assert_int_equal(v3_linux_load(&t, k, 0x800, NULL, 0, "", &st, err, sizeof(err)),
				 -V3_EINVAL);
		assert_non_null(strstr(err, "too small for a bzImage"));
		t = target(2 * MIB);
		assert_int_equal(v3_linux_load(&t, k, KSIZE, NULL, 0, "", &st, err, sizeof(err)),
				 -V3_EINVAL);
		assert_non_null(strstr(err, "guest memory (0x200000 bytes) is too small"));
		free(k);
	}
}

/* The newest /boot/vmlinuz-* (Debian's linux-image-amd64), or NULL with the reason. */
static u8 *read_debian_kernel(u64 *size, char *path, size_t path_len)
{
	DIR *d = opendir("/boot");
	struct dirent *e;
	FILE *f;
	u8 *buf;
	long n;

	path[0] = '\0';
	if (!d)
		return NULL;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "vmlinuz-", 8) && strcmp(e->d_name + 8, path) > 0)
			snprintf(path, path_len, "%s", e->d_name);
	closedir(d);
	if (!path[0])
		return NULL;
	memmove(path + 6, path, strlen(path) + 1);
	memcpy(path, "/boot/", 6);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (!buf || n <= 0 || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = (u64)n;
	return buf;
}

static void test_linux_debian(void **state)
{
	struct v3_boot_target t;
	struct v3_boot_state st;
	char path[300];
	u64 size = 0, load;
	u8 *k = read_debian_kernel(&size, path, sizeof(path));

	(void)state;
	if (!k) {
		printf("SKIP test_linux_debian: no readable /boot/vmlinuz-* (%s); install the "
		       "linux-image-amd64 package to run it\n", path[0] ? path : "none found");
		skip();
	}
	printf("    loading %s (%llu bytes)\n", path, (unsigned long long)size);
	t = target(256 * MIB);
	if (v3_linux_load(&t, k, size, (const u8 *)"initrd", 6, "console=ttyS0", &st, err,
			  sizeof(err)))
		fail_msg("%s refused: %s", path, err);
	load = st.rip - 0x200;
	assert_int_equal(load & 0x1fffff, 0);
	assert_memory_equal(ram + load, k + (k[0x1f1] + 1) * 512, 4096);
	assert_int_equal(ram[ZP + 0x210], 0xff);
	assert_int_equal(walk(st.cr3, st.rip), st.rip);
	free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_real_protected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long, setup, teardown),
		cmocka_unit_test_setup_teardown(test_e820, setup, teardown),
		cmocka_unit_test_setup_teardown(test_linux_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_linux_bad, setup, teardown),
		cmocka_unit_test_setup_teardown(test_linux_debian, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
