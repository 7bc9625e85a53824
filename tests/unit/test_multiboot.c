/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for palacios/src/boot/multiboot.c: a synthetic a.out-kludge
 * kernel and a synthetic ELF32 kernel loaded with modules and a command
 * line (the info structure, memory map and entry state checked field by
 * field), and a table of malformed kernels each with its message.
 */
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
#define INFO 0x9000
#define KSIZE 0x2000

static char err[512];
static u8 kernel[KSIZE], mod1[100], mod2[5000];
static struct v3_image_file kfile = { "kernel", kernel, KSIZE };
static struct v3_image_file m1 = { "mod1", mod1, sizeof(mod1) };
static struct v3_image_file m2 = { "mod2", mod2, sizeof(mod2) };

static void mb_header(size_t off, u32 flags)
{
	put(kernel, off, 0x1badb002, 4);
	put(kernel, off + 4, flags, 4);
	put(kernel, off + 8, (u32)-(0x1badb002u + flags), 4);
}

/* An a.out-kludge kernel loaded at 1 MiB: header at 0x40, 0x1800 bytes, bss to 0x103000. */
static void make_aout(void)
{
	memset(kernel, 0, sizeof(kernel));
	for (size_t i = 0; i < KSIZE; i++)
		kernel[i] = (u8)(i * 13 + 1);
	mb_header(0x40, 0x10003);
	put(kernel, 0x4c, 0x100040, 4);   /* header_addr */
	put(kernel, 0x50, 0x100000, 4);   /* load_addr */
	put(kernel, 0x54, 0x101800, 4);   /* load_end_addr */
	put(kernel, 0x58, 0x103000, 4);   /* bss_end_addr */
	put(kernel, 0x5c, 0x100080, 4);   /* entry_addr */
}

/* An ELF32 kernel: one PT_LOAD of 0x100 file bytes, 0x2000 in memory, at 2 MiB. */
static void make_elf(void)
{
	memset(kernel, 0, sizeof(kernel));
	memcpy(kernel, "\x7f" "ELF\x01\x01\x01", 7);
	put(kernel, 16, 2, 2);            /* ET_EXEC */
	put(kernel, 18, 3, 2);            /* EM_386 */
	put(kernel, 24, 0x200010, 4);     /* e_entry */
	put(kernel, 28, 52, 4);           /* e_phoff */
	put(kernel, 42, 32, 2);           /* e_phentsize */
	put(kernel, 44, 1, 2);            /* e_phnum */
	put(kernel, 52, 1, 4);            /* PT_LOAD */
	put(kernel, 56, 0x100, 4);        /* p_offset */
	put(kernel, 64, 0x200000, 4);     /* p_paddr */
	put(kernel, 68, 0x100, 4);        /* p_filesz */
	put(kernel, 72, 0x2000, 4);       /* p_memsz */
	mb_header(0x100, 0x2);
	for (size_t i = 0x10c; i < 0x200; i++)
		kernel[i] = (u8)i;
}

static struct v3_vm_config config(const char *cmdline, unsigned int nmods)
{
	struct v3_vm_config cfg = { 0 };

	cfg.boot.kind = V3_BOOT_MULTIBOOT;
	cfg.boot.file = &kfile;
	cfg.boot.cmdline = cmdline;
	cfg.boot.modules[0] = &m1;
	cfg.boot.modules[1] = &m2;
	cfg.boot.nmodules = nmods;
	return cfg;
}

static int teardown(void **state)
{
	(void)state;
	free(ram);
	ram = NULL;
	return 0;
}

static int setup(void **state)
{
	(void)state;
	fake_host_install();
	memset(mod1, 0x11, sizeof(mod1));
	memset(mod2, 0x22, sizeof(mod2));
	return 0;
}

static void test_aout(void **state)
{
	struct v3_boot_target t = target(64 * MIB);
	struct v3_vm_config cfg = config("k arg=1", 2);
	struct v3_boot_state st;

	(void)state;
	make_aout();
	assert_int_equal(v3_boot_load(&cfg, &t, &st, err, sizeof(err)), 0);
	assert_memory_equal(ram + 0x100000, kernel, 0x1800);
	assert_int_equal(ram[0x101800], 0);
	assert_int_equal(st.rip, 0x100080);
	assert_int_equal(st.gprs.rax, 0x2badb002);
	assert_int_equal(st.gprs.rbx, INFO);
	assert_int_equal(st.cr0 & 0x80000001, 1);
	assert_int_equal(st.seg[V3_SEG_CS].attrib, V3_ATTR_CODE32);
	assert_int_equal(st.seg[V3_SEG_CS].limit, 0xffffffff);
	assert_int_equal(st.rflags & (1 << 9), 0);
	/* The info structure (Multiboot 0.6.96 §3.3). */
	assert_int_equal(rd(INFO, 4), (1 << 0) | (1 << 2) | (1 << 3) | (1 << 6) | (1 << 9));
	assert_int_equal(rd(INFO + 4, 4), 636);
	assert_int_equal(rd(INFO + 8, 4), 63 * 1024);
	assert_string_equal((char *)ram + rd(INFO + 16, 4), "k arg=1");
	assert_int_equal(rd(INFO + 20, 4), 2);
	{
		u64 mods = rd(INFO + 24, 4);

		assert_int_equal(rd(mods, 4), 0x103000);
		assert_int_equal(rd(mods + 4, 4), 0x103000 + sizeof(mod1));
		assert_string_equal((char *)ram + rd(mods + 8, 4), "mod1");
		assert_int_equal(rd(mods + 16, 4), 0x104000);
		assert_int_equal(rd(mods + 20, 4), 0x104000 + sizeof(mod2));
		assert_string_equal((char *)ram + rd(mods + 24, 4), "mod2");
		assert_memory_equal(ram + 0x103000, mod1, sizeof(mod1));
		assert_memory_equal(ram + 0x104000, mod2, sizeof(mod2));
	}
	{
		u64 mmap = rd(INFO + 48, 4);

		assert_int_equal(rd(INFO + 44, 4), 3 * 24);
		assert_int_equal(rd(mmap, 4), 20);
		assert_int_equal(rd(mmap + 4, 8), 0);
		assert_int_equal(rd(mmap + 12, 8), 0x9f000);
		assert_int_equal(rd(mmap + 20, 4), 1);
		assert_int_equal(rd(mmap + 24 + 20, 4), 2);
		assert_int_equal(rd(mmap + 48 + 4, 8), MIB);
		assert_int_equal(rd(mmap + 48 + 12, 8), 63 * MIB);
		assert_int_equal(rd(mmap + 48 + 20, 4), 1);
	}
	assert_string_equal((char *)ram + rd(INFO + 64, 4), "v3");
}

static void test_elf(void **state)
{
	struct v3_boot_target t = target(16 * MIB);
	struct v3_vm_config cfg = config("", 1);
	struct v3_boot_state st;

	(void)state;
	make_elf();
	assert_int_equal(v3_boot_load(&cfg, &t, &st, err, sizeof(err)), 0);
	assert_memory_equal(ram + 0x200000, kernel + 0x100, 0x100);
	assert_int_equal(st.rip, 0x200010);
	assert_int_equal(rd(rd(INFO + 24, 4), 4), 0x202000);  /* after memsz, page aligned */
	assert_string_equal((char *)ram + rd(INFO + 16, 4), "");
	assert_int_equal(rd(INFO + 8, 4), 15 * 1024);
}

struct bad_case {
	bool elf;
	size_t off;
	u64 value;
	unsigned int len;
	const char *msg;
};

static void test_bad(void **state)
{
	static const struct bad_case cases[] = {
		{ false, 0x40, 0, 4, "no multiboot header" },
		{ false, 0x48, 0, 4, "no multiboot header" },
		{ false, 0x50, 0x100080, 4, "load_addr 0x100080 is not at or before header_addr" },
		{ false, 0x50, 0xf0000, 4, "load_addr 0xf0000 is not at or before header_addr" },
		{ false, 0x54, 0x104000, 4, "load_end_addr 0x104000 passes the end of the file" },
		{ false, 0x54, 0xfffff, 4, "load_end_addr 0xfffff is below load_addr" },
		{ false, 0x58, 0x101000, 4, "bss_end_addr 0x101000 is below the loaded image" },
		{ false, 0x58, 0x7000000, 4, "bss [0x100000, +0x6f00000) is not in guest RAM" },
		{ false, 0x5c, 0x200000, 4, "entry_addr 0x200000 is outside the loaded image" },
		{ true, 4, 2, 1, "not an ELF32 little-endian i386" },
		{ true, 0, 0, 1, "not ELF and its header has no a.out kludge" },
		{ true, 28, 0x1ff0, 4, "program headers (offset 0x1ff0, 1 of 32 bytes) pass the end" },
		{ true, 68, 0x3000, 4, "segment 0 (offset 0x100, 0x3000 bytes in the file" },
		{ true, 64, 0x8000, 4, "ELF segment [0x8000, +0x2000) is not in guest RAM above 1 MiB" },
		{ true, 52, 6, 4, "no loadable segment" },
		{ true, 24, 0x100000, 4, "entry 0x100000 is outside the loaded segments" },
	};
	struct v3_boot_state st;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct v3_boot_target t = target(64 * MIB);
		struct v3_vm_config cfg = config("", 0);
		int rc;

		if (cases[i].elf)
			make_elf();
		else
			make_aout();
		put(kernel, cases[i].off, cases[i].value, cases[i].len);
		rc = v3_boot_load(&cfg, &t, &st, err, sizeof(err));
		if (rc != -V3_EINVAL || !strstr(err, cases[i].msg))
			fail_msg("case %zu: rc %d, message \"%s\", expected \"%s\"", i, rc, err,
				 cases[i].msg);
	}
	{
		struct v3_boot_target t = target(2 * MIB);
		struct v3_vm_config cfg = config("", 2);
		static char longline[3000];

		make_aout();
		/* Flag 3 (an unknown requirement). */
		mb_header(0x40, 0x10008);
		assert_int_equal(v3_boot_load(&cfg, &t, &st, err, sizeof(err)), -V3_EINVAL);
		assert_non_null(strstr(err, "header flags 0x10008 ask for features"));
		make_aout();
		put(kernel, 0x58, 0x1ff000, 4);  /* mod1 fits below 2 MiB, mod2 does not */
		assert_int_equal(v3_boot_load(&cfg, &t, &st, err, sizeof(err)), -V3_EINVAL);
		assert_non_null(strstr(err, "module \"mod2\" (0x1388 bytes) does not fit"));
		memset(longline, 'x', sizeof(longline) - 1);
		cfg = config(longline, 0);
		assert_int_equal(v3_boot_load(&cfg, &t, &st, err, sizeof(err)), -V3_EINVAL);
		assert_non_null(strstr(err, "command line (2999 bytes) longer than 2047"));
		t = target(MIB);
		assert_int_equal(v3_boot_load(&cfg, &t, &st, err, sizeof(err)), -V3_EINVAL);
		assert_non_null(strstr(err, "too small"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_aout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_elf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
