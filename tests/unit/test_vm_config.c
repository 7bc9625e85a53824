/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for palacios/src/config/vm_config.c: every setting read from a
 * full config, the defaults of a minimal one, the boundaries of every range,
 * and a table of wrong configs each with the message it must produce.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include <v3/errno.h>

#include "config/config.h"
#include "fake_host.h"
#include "image_build.h"
#include "lib/string.h"

static char err[512];
static u8 file_data[8192];

/* The image behind the last parse, kept open so cfg.boot.file stays valid. */
static struct v3_image img;
static u8 *img_buf;

static void close_image(void)
{
	v3_image_close(&img);
	free(img_buf);
	img_buf = NULL;
}

static int setup(void **state)
{
	(void)state;
	fake_host_install();
	for (size_t i = 0; i < sizeof(file_data); i++)
		file_data[i] = (u8)i;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	close_image();
	return 0;
}

/* Packs config with files "kernel" (kernel_size bytes) and "disk" (100 bytes), opens, parses. */
static int parse_sized(const char *config, u64 kernel_size, struct v3_vm_config *cfg)
{
	const struct image_build_file files[] = {
		{ "kernel", file_data, kernel_size },
		{ "disk", file_data, 100 },
	};
	u64 len;
	int rc;

	close_image();
	img_buf = image_build(config, strlen(config), files, 2, &len);
	assert_non_null(img_buf);
	rc = v3_image_open(img_buf, len, &img, err, sizeof(err));
	if (rc)
		fail_msg("image refused: %s\nconfig: %s", err, config);
	return v3_vm_config_parse(&img, cfg, err, sizeof(err));
}

static int parse(const char *config, struct v3_vm_config *cfg)
{
	return parse_sized(config, 4096, cfg);
}

#define FILES "<files><file id='kernel' filename='k.bin'/><file id='disk'/></files>"
#define BOOT "<boot kind='flat' file='kernel' load='0x10000' entry='0x10000' mode='long'/>"
#define MEM "<memory>16</memory>"
/* A complete config around body, which may replace any of the parts above by leaving them out. */
#define VM(body) "<vm class='PC'>" FILES body "</vm>"
#define VM_MB(body) VM(MEM BOOT body)

static bool all_zero(const void *p, size_t n)
{
	const u8 *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static void test_full(void **state)
{
	static const char config[] =
		"<?xml version=\"1.0\"?>\n"
		"<vm class=\"PC\" name=\"guest-1.test_x\">\n"
		"  <memory alignment=\"4KB\"> 256 </memory>\n"
		"  <cores count=\"4\">\n"
		"    <core target_cpu=\"2\"/>\n"
		"    <core/>\n"
		"    <core target_cpu=\"1023\"/>\n"
		"  </cores>\n"
		"  <paging mode=\"shadow\"/>\n"
		"  <unmapped action=\"ones\"/>\n"
		"  <devices>\n"
		"    <device class=\"8250\" id=\"com1\"><irq>4</irq></device>\n"
		"    <device class=\"PIT\" id=\"pit\" anything=\"goes\"/>\n"
		"  </devices>\n"
		"  <files>\n"
		"    <file id=\"kernel\" filename=\"guest.bin\"/>\n"
		"    <file id=\"disk\"/>\n"
		"  </files>\n"
		"  <boot kind=\"flat\" file=\"kernel\" load=\"0x100000\" entry=\"0X10001f\" mode=\"protected\"/>\n"
		"</vm>\n";
	struct v3_vm_config cfg;

	(void)state;
	assert_int_equal(parse(config, &cfg), 0);
	assert_string_equal(err, "");
	assert_string_equal(cfg.name, "guest-1.test_x");
	assert_int_equal(cfg.mem_size, 256ULL << 20);
	assert_int_equal(cfg.mem_align, 4096);
	assert_int_equal(cfg.ncores, 4);
	assert_int_equal(cfg.core_target_cpu[0], 2);
	assert_int_equal(cfg.core_target_cpu[1], -1);
	assert_int_equal(cfg.core_target_cpu[2], 1023);
	for (int i = 3; i < CONFIG_V3_MAX_VCPUS; i++)
		assert_int_equal(cfg.core_target_cpu[i], -1);
	assert_int_equal(cfg.paging, V3_PAGING_SHADOW);
	assert_int_equal(cfg.unmapped, V3_UNMAPPED_ONES);
	assert_int_equal(cfg.boot.kind, V3_BOOT_FLAT);
	assert_ptr_equal(cfg.boot.file, v3_image_file(&img, "kernel"));
	assert_int_equal(cfg.boot.file->size, 4096);
	assert_int_equal(cfg.boot.load_gpa, 0x100000);
	assert_int_equal(cfg.boot.entry, 0x10001f);
	assert_int_equal(cfg.boot.mode, V3_BOOT_PROTECTED);
	/* Device code reads <devices> from the tree. */
	assert_string_equal(v3_cfg_child(v3_cfg_child(v3_cfg_child(img.root, "devices"), "device"),
					 "irq")->text, "4");
}

static void test_defaults(void **state)
{
	struct v3_vm_config cfg;

	(void)state;
	assert_int_equal(parse(VM_MB(""), &cfg), 0);
	assert_string_equal(cfg.name, "vm");
	assert_int_equal(cfg.mem_size, 16ULL << 20);
	assert_int_equal(cfg.mem_align, 2ULL << 20);
	assert_int_equal(cfg.ncores, 1);
	for (int i = 0; i < CONFIG_V3_MAX_VCPUS; i++)
		assert_int_equal(cfg.core_target_cpu[i], -1);
	assert_int_equal(cfg.paging, V3_PAGING_DEFAULT);
	assert_int_equal(cfg.unmapped, V3_UNMAPPED_STOP);
	assert_int_equal(cfg.boot.load_gpa, 0x10000);
	assert_int_equal(cfg.boot.entry, 0x10000);
	assert_int_equal(cfg.boot.mode, V3_BOOT_LONG);

	assert_int_equal(parse(VM_MB("<paging mode='nested'/><unmapped action='stop'/>"), &cfg), 0);
	assert_int_equal(cfg.paging, V3_PAGING_NESTED);
	assert_false(cfg.shadow_cache);
	assert_int_equal(parse(VM_MB("<paging mode='shadow'/>"), &cfg), 0);
	assert_false(cfg.shadow_cache);
	assert_int_equal(parse(VM_MB("<paging mode='shadow' cache='off'/>"), &cfg), 0);
	assert_int_equal(cfg.paging, V3_PAGING_SHADOW);
	assert_false(cfg.shadow_cache);
	assert_int_equal(parse(VM_MB("<paging mode='shadow' cache='on'/>"), &cfg), 0);
	assert_true(cfg.shadow_cache);
	assert_int_equal(cfg.unmapped, V3_UNMAPPED_STOP);
	assert_int_equal(parse(VM_MB("<cores count='3'/>"), &cfg), 0);
	assert_int_equal(cfg.ncores, 3);
	assert_int_equal(cfg.core_target_cpu[0], -1);
	assert_int_equal(parse(VM_MB("<devices/>"), &cfg), 0);
}

/* The message format of the docs, line number and all. */
static void test_message_format(void **state)
{
	static const char config[] =
		"<vm class='PC'>\n"
		"  <files>\n"
		"    <file id='kernel'/>\n"
		"    <file id='disk'/>\n"
		"  </files>\n"
		"  <!-- memory -->\n"
		"  <memory>abc</memory>\n"
		"  " BOOT "\n"
		"</vm>\n";
	struct v3_vm_config cfg;

	(void)state;
	memset(&cfg, 0x5a, sizeof(cfg));
	assert_int_equal(parse(config, &cfg), -V3_EINVAL);
	assert_string_equal(err, "config line 7: <memory>: size \"abc\" is not a number");
	assert_true(all_zero(&cfg, sizeof(cfg))); /* nothing half-filled */
}

struct ok_case {
	const char *config;
	u64 kernel_size;
};

/* Values at the edges of their ranges, and the spellings each accepts. */
static const struct ok_case ok_cases[] = {
	{ VM("<memory>1</memory><boot kind='flat' file='kernel' load='0xff000' entry='0xfffff' mode='real'/>"),
	  4096 },
	{ VM("<memory>1</memory><boot kind='flat' file='kernel' load='1044480' entry='0' mode='real'/>"),
	  4096 },
	{ VM("<memory>1</memory><boot kind='flat' file='disk' load='0xfff9c' entry='0' mode='long'/>"),
	  4096 },
	{ VM("<memory>1048576</memory><boot kind='flat' file='kernel' load='0xfffffff000' entry='0xffffffffff' mode='long'/>"),
	  4096 },
	{ VM("<memory>0016</memory>" BOOT), 4096 },
	{ VM("<memory alignment='4KB'>16</memory>" BOOT), 4096 },
	{ VM("<memory alignment='1GB'>16</memory>" BOOT), 4096 },
	{ VM("<memory alignment='2mb'>16</memory>" BOOT), 4096 },
	{ VM("<memory alignment='0512Kb'>16</memory>" BOOT), 4096 },
	{ VM_MB("<cores count='64'/>"), 4096 },
	{ VM_MB("<cores count='1'><core target_cpu='0'/></cores>"), 4096 },
	{ VM_MB("<cores count='2'><core target_cpu='1023'/><core target_cpu='0'/></cores>"), 4096 },
	{ VM(MEM "<boot kind='flat' file='kernel' load='0x0' entry='0xABCdef' mode='protected'/>"), 0 },
	{ "<vm class='PC' name='abcdefghijklmnopqrstuvwxyz01234'>" FILES MEM BOOT "</vm>", 4096 },
	{ "<vm class='PC' name='_.-'>" FILES MEM BOOT "</vm>", 4096 },
	{ VM_MB("<devices><device class='a' id='x'/><device class='a' id='X'/></devices>"), 4096 },
	{ "<vm name='x' class='PC'>" FILES "<!-- order is free -->" BOOT "<paging mode='shadow'/>" MEM
	  "</vm>", 4096 },
};

static void test_ok_cases(void **state)
{
	struct v3_vm_config cfg;

	(void)state;
	for (size_t i = 0; i < V3_ARRAY_SIZE(ok_cases); i++) {
		int rc = parse_sized(ok_cases[i].config, ok_cases[i].kernel_size, &cfg);

		if (rc)
			fail_msg("case %zu: %s\n  config: %s", i, err, ok_cases[i].config);
	}
	assert_int_equal(parse_sized(ok_cases[3].config, 4096, &cfg), 0);
	assert_int_equal(cfg.mem_size, 1ULL << 40);
	assert_int_equal(parse(ok_cases[6].config, &cfg), 0);
	assert_int_equal(cfg.mem_align, 1ULL << 30);
	assert_int_equal(parse(ok_cases[8].config, &cfg), 0);
	assert_int_equal(cfg.mem_align, 512ULL << 10);
	assert_int_equal(parse(ok_cases[9].config, &cfg), 0);
	assert_int_equal(cfg.ncores, 64);
}

/* <boot kind="linux">: the kernel, the optional initrd and command line. */
static void test_linux(void **state)
{
	struct v3_vm_config cfg;

	(void)state;
	assert_int_equal(parse(VM(MEM "<boot kind='linux' kernel='kernel' initrd='disk' "
				  "cmdline='console=ttyS0 quiet'/>"), &cfg), 0);
	assert_int_equal(cfg.boot.kind, V3_BOOT_LINUX);
	assert_ptr_equal(cfg.boot.file, v3_image_file(&img, "kernel"));
	assert_ptr_equal(cfg.boot.initrd, v3_image_file(&img, "disk"));
	assert_string_equal(cfg.boot.cmdline, "console=ttyS0 quiet");
	assert_int_equal(parse(VM(MEM "<boot kind='linux' kernel='kernel'/>"), &cfg), 0);
	assert_null(cfg.boot.initrd);
	assert_string_equal(cfg.boot.cmdline, "");
}

/* <boot kind="multiboot">: the kernel, command line and modules. */
static void test_multiboot(void **state)
{
	struct v3_vm_config cfg;

	(void)state;
	assert_int_equal(parse(VM(MEM "<boot kind='multiboot' kernel='kernel' cmdline='a b' "
				  "modules=' disk  kernel '/>"), &cfg), 0);
	assert_int_equal(cfg.boot.kind, V3_BOOT_MULTIBOOT);
	assert_ptr_equal(cfg.boot.file, v3_image_file(&img, "kernel"));
	assert_string_equal(cfg.boot.cmdline, "a b");
	assert_int_equal(cfg.boot.nmodules, 2);
	assert_ptr_equal(cfg.boot.modules[0], v3_image_file(&img, "disk"));
	assert_ptr_equal(cfg.boot.modules[1], v3_image_file(&img, "kernel"));
	assert_int_equal(parse(VM(MEM "<boot kind='multiboot' kernel='kernel'/>"), &cfg), 0);
	assert_int_equal(cfg.boot.nmodules, 0);
	assert_string_equal(cfg.boot.cmdline, "");
}

/* 64 vCPUs, each pinned. */
static void test_max_cores(void **state)
{
	char config[8192], *p = config;
	struct v3_vm_config cfg;

	(void)state;
	p += sprintf(p, "<vm class='PC'>" FILES MEM BOOT "<cores count='%d'>", CONFIG_V3_MAX_VCPUS);
	for (int i = 0; i < CONFIG_V3_MAX_VCPUS; i++)
		p += sprintf(p, "<core target_cpu='%d'/>", CONFIG_V3_MAX_VCPUS - 1 - i);
	strcpy(p, "</cores></vm>");
	assert_int_equal(parse(config, &cfg), 0);
	assert_int_equal(cfg.ncores, CONFIG_V3_MAX_VCPUS);
	for (int i = 0; i < CONFIG_V3_MAX_VCPUS; i++)
		assert_int_equal(cfg.core_target_cpu[i], CONFIG_V3_MAX_VCPUS - 1 - i);

	strcpy(p, "<core/></cores></vm>");
	assert_int_equal(parse(config, &cfg), -V3_EINVAL);
	assert_non_null(strstr(err, "<core>: more <core> elements than count=\"64\""));
}

struct bad_case {
	const char *config;
	const char *msg;
};

#define BOOT_AT(attrs) "<boot kind='flat' file='kernel' " attrs "/>"

static const struct bad_case bad_cases[] = {
	/* <vm> */
	{ "<vm>" FILES MEM BOOT "</vm>", "config line 1: <vm>: class is required" },
	{ "<vm class='pc'>" FILES MEM BOOT "</vm>", "<vm>: class \"pc\" is not supported (only \"PC\")" },
	{ "<vm class='PC' name=''>" FILES MEM BOOT "</vm>",
	  "<vm>: name \"\" is not 1..31 characters of A-Z a-z 0-9 _ . -" },
	{ "<vm class='PC' name='abcdefghijklmnopqrstuvwxyz012345'>" FILES MEM BOOT "</vm>",
	  "name \"abcdefghijklmnopqrstuvwxyz012345\" is not 1..31 characters" },
	{ "<vm class='PC' name='a b'>" FILES MEM BOOT "</vm>", "name \"a b\" is not" },
	{ "<vm class='PC' name='a/b'>" FILES MEM BOOT "</vm>", "name \"a/b\" is not" },
	{ "<vm class='PC' name='\xc3\xa9'>" FILES MEM BOOT "</vm>", "is not 1..31 characters" },
	{ "<vm class='PC' nmae='x'>" FILES MEM BOOT "</vm>",
	  "<vm>: unknown attribute nmae (expected: class name)" },
	{ VM_MB("stray text"), "<vm>: unexpected text \"stray text\"" },
	{ VM_MB("\n\n<memroy>16</memroy>"),
	  "config line 3: <memroy>: unknown element in <vm> (expected memory, cores, paging, unmapped, boot, devices, files)" },
	{ VM_MB("<telemetry/>"), "<telemetry>: unknown element in <vm>" },
	{ VM_MB("<device class='x' id='y'/>"), "<device>: unknown element in <vm>" },
	{ VM(MEM BOOT "\n" MEM), "config line 2: <memory>: repeated element (the first is on line 1)" },
	{ VM_MB(BOOT), "<boot>: repeated element" },
	{ VM_MB("<paging mode='nested'/><paging mode='nested'/>"), "<paging>: repeated element" },
	{ VM_MB("<cores count='1'/><cores count='1'/>"), "<cores>: repeated element" },
	{ VM_MB("<unmapped action='stop'/><unmapped action='stop'/>"), "<unmapped>: repeated element" },
	{ VM_MB("<devices/><devices/>"), "<devices>: repeated element" },
	{ VM(BOOT), "config line 1: <vm>: <memory> is required" },
	{ VM(MEM), "<vm>: <boot> is required" },

	/* <memory> */
	{ VM(BOOT "<memory></memory>"), "<memory>: size is missing (MiB, e.g. <memory>256</memory>)" },
	{ VM(BOOT "<memory>0</memory>"), "<memory>: size 0 MiB is out of range (1 .. 1048576)" },
	{ VM(BOOT "<memory>1048577</memory>"), "size 1048577 MiB is out of range (1 .. 1048576)" },
	{ VM(BOOT "<memory>18446744073709551615</memory>"), "size 18446744073709551615 MiB is out of range" },
	{ VM(BOOT "<memory>18446744073709551616</memory>"), "size \"18446744073709551616\" is too large" },
	{ VM(BOOT "<memory>99999999999999999999999</memory>"), "is too large" },
	{ VM(BOOT "<memory>-1</memory>"), "size \"-1\" is not a number" },
	{ VM(BOOT "<memory>+1</memory>"), "size \"+1\" is not a number" },
	{ VM(BOOT "<memory>0x10</memory>"), "size \"0x10\" is not a number" },
	{ VM(BOOT "<memory>1 0</memory>"), "size \"1 0\" is not a number" },
	{ VM(BOOT "<memory>256MB</memory>"), "size \"256MB\" is not a number" },
	{ VM(BOOT "<memory>1.5</memory>"), "size \"1.5\" is not a number" },
	{ VM(BOOT "<memory>16<x/></memory>"), "<memory>: unexpected element <x>" },
	{ VM(BOOT "<memory size='16'>16</memory>"), "<memory>: unknown attribute size (expected: alignment)" },
	{ VM(BOOT "<memory alignment='3MB'>16</memory>"),
	  "<memory>: alignment 3MB is not a power of two from 4KB to 1GB" },
	{ VM(BOOT "<memory alignment='2KB'>16</memory>"), "alignment 2KB is not a power of two" },
	{ VM(BOOT "<memory alignment='0KB'>16</memory>"), "alignment 0KB is not a power of two" },
	{ VM(BOOT "<memory alignment='2GB'>16</memory>"), "alignment 2GB is not a power of two" },
	{ VM(BOOT "<memory alignment='2'>16</memory>"),
	  "<memory>: alignment \"2\" is not a size like 4KB, 2MB or 1GB" },
	{ VM(BOOT "<memory alignment='2097152'>16</memory>"), "alignment \"2097152\" is not a size" },
	{ VM(BOOT "<memory alignment='MB'>16</memory>"), "alignment \"MB\" is not a size" },
	{ VM(BOOT "<memory alignment='2TB'>16</memory>"), "alignment \"2TB\" is not a size" },
	{ VM(BOOT "<memory alignment='2M'>16</memory>"), "alignment \"2M\" is not a size" },
	{ VM(BOOT "<memory alignment='2 MB'>16</memory>"), "alignment \"2 MB\" is not a size" },
	{ VM(BOOT "<memory alignment='-2MB'>16</memory>"), "alignment \"-2MB\" is not a size" },
	{ VM(BOOT "<memory alignment='1073741824KB'>16</memory>"), "alignment \"1073741824KB\" is not a size" },
	{ VM(BOOT "<memory alignment=''>16</memory>"), "alignment \"\" is not a size" },

	/* <cores> */
	{ VM_MB("<cores/>"), "<cores>: count is required" },
	{ VM_MB("<cores count='0'/>"), "<cores>: count 0 is out of range (1 .. 64)" },
	{ VM_MB("<cores count='65'/>"), "count 65 is out of range (1 .. 64)" },
	{ VM_MB("<cores count='two'/>"), "<cores>: count \"two\" is not a number" },
	{ VM_MB("<cores count='0x2'/>"), "count \"0x2\" is not a number" },
	{ VM_MB("<cores count=''/>"), "count \"\" is not a number" },
	{ VM_MB("<cores count='2'>\n<core/><core/>\n<core/></cores>"),
	  "config line 3: <core>: more <core> elements than count=\"2\"" },
	{ VM_MB("<cores count='2'>\n<cpu/></cores>"),
	  "<cores>: unexpected element <cpu> (line 2); only <core> goes here" },
	{ VM_MB("<cores count='2'><core target_cpu='1024'/></cores>"),
	  "<core>: target_cpu 1024 is out of range (0 .. 1023)" },
	{ VM_MB("<cores count='2'><core target_cpu='-1'/></cores>"), "<core>: target_cpu \"-1\" is not a number" },
	{ VM_MB("<cores count='2'><core id='1'/></cores>"), "<core>: unknown attribute id (expected: target_cpu)" },
	{ VM_MB("<cores count='2'><core>1</core></cores>"), "<core>: unexpected text \"1\"" },
	{ VM_MB("<cores count='2'>2</cores>"), "<cores>: unexpected text \"2\"" },

	/* <paging>, <unmapped> */
	{ VM_MB("<paging/>"), "<paging>: mode is required" },
	{ VM_MB("<paging mode='NESTED'/>"), "<paging>: mode \"NESTED\" is not one of nested, shadow" },
	{ VM_MB("<paging mode='nested'><large_pages>true</large_pages></paging>"),
	  "<paging>: unexpected element <large_pages>" },
	{ VM_MB("<paging mode='nested' strategy='vtlb'/>"), "<paging>: unknown attribute strategy (expected: mode cache)" },
	{ VM_MB("<paging mode='nested' cache='off'/>"), "<paging>: cache applies to shadow paging only" },
	{ VM_MB("<paging mode='shadow' cache='no'/>"), "<paging>: cache \"no\" is not one of on, off" },
	{ VM_MB("<unmapped/>"), "<unmapped>: action is required" },
	{ VM_MB("<unmapped action='zero'/>"), "<unmapped>: action \"zero\" is not one of stop, ones" },

	/* <devices> */
	{ VM_MB("<devices><device id='a'/></devices>"), "<device>: class is required" },
	{ VM_MB("<devices><device class='a'/></devices>"), "<device>: id is required" },
	{ VM_MB("<devices><device class='a' id=''/></devices>"), "<device>: id is empty" },
	{ VM_MB("<devices>\n<device class='a' id='com1'/>\n<device class='b' id='com1'/></devices>"),
	  "config line 3: <device>: id \"com1\" already used on line 2" },
	{ VM_MB("<devices><dev class='a' id='b'/></devices>"), "<devices>: unexpected element <dev>" },
	{ VM_MB("<devices x='1'/>"), "<devices>: unknown attribute x (it takes none)" },
	{ VM_MB("<devices>x</devices>"), "<devices>: unexpected text \"x\"" },

	/* <boot> */
	{ VM(MEM "<boot file='kernel' load='0' entry='0' mode='long'/>"), "<boot>: kind is required" },
	{ VM(MEM "<boot kind='bios' file='kernel' load='0' entry='0' mode='long'/>"),
	  "<boot>: kind \"bios\" is not one of flat, linux, multiboot" },
	{ VM(MEM "<boot kind='multiboot' kernel='kernel' initrd='disk'/>"),
	  "<boot>: unknown attribute initrd (expected: kind kernel cmdline modules)" },
	{ VM(MEM "<boot kind='multiboot' modules='disk'/>"), "<boot>: kernel is required" },
	{ VM(MEM "<boot kind='multiboot' kernel='kernel' modules='disk nothere'/>"),
	  "<boot>: modules: \"nothere\" is not one of the image's <files>" },
	{ VM(MEM "<boot kind='multiboot' kernel='kernel' modules='disk aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'/>"),
	  "<boot>: modules: id \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" is too long" },
	{ VM(MEM "<boot kind='multiboot' kernel='kernel' modules='disk disk disk disk disk disk "
		"disk disk disk disk disk disk disk disk disk disk disk'/>"),
	  "<boot>: modules: more than 16" },
	{ VM(MEM "<boot kind='linux' file='kernel'/>"),
	  "<boot>: unknown attribute file (expected: kind kernel initrd cmdline)" },
	{ VM(MEM "<boot kind='linux' cmdline='x'/>"), "<boot>: kernel is required" },
	{ VM(MEM "<boot kind='linux' kernel='nothere'/>"),
	  "<boot>: kernel \"nothere\" is not one of the image's <files>" },
	{ VM(MEM "<boot kind='linux' kernel='kernel' initrd='nothere'/>"),
	  "<boot>: initrd \"nothere\" is not one of the image's <files>" },
	{ VM(MEM "<boot kind='flat' load='0' entry='0' mode='long'/>"), "<boot>: file is required" },
	{ VM(MEM "<boot kind='flat' file='nothere' load='0' entry='0' mode='long'/>"),
	  "<boot>: file \"nothere\" is not one of the image's <files>" },
	{ VM(MEM BOOT_AT("entry='0' mode='long'")), "<boot>: load is required" },
	{ VM(MEM BOOT_AT("load='0' mode='long'")), "<boot>: entry is required" },
	{ VM(MEM BOOT_AT("load='0' entry='0'")), "<boot>: mode is required" },
	{ VM(MEM BOOT_AT("load='0' entry='0' mode='64bit'")),
	  "<boot>: mode \"64bit\" is not one of real, protected, long" },
	{ VM(MEM BOOT_AT("load='0' entry='0' mode='long' cmdline='x'")),
	  "<boot>: unknown attribute cmdline (expected: kind file load entry mode)" },
	{ VM(MEM "<boot kind='flat' file='kernel' load='0' entry='0' mode='long'>x</boot>"),
	  "<boot>: unexpected text \"x\"" },
	{ VM(MEM BOOT_AT("load='0x' entry='0' mode='long'")), "<boot>: load \"0x\" is not a number" },
	{ VM(MEM BOOT_AT("load='0xg' entry='0' mode='long'")), "load \"0xg\" is not a number" },
	{ VM(MEM BOOT_AT("load='12abc' entry='0' mode='long'")), "load \"12abc\" is not a number" },
	{ VM(MEM BOOT_AT("load=' 1' entry='0' mode='long'")), "load \" 1\" is not a number" },
	{ VM(MEM BOOT_AT("load='-1' entry='0' mode='long'")), "load \"-1\" is not a number" },
	{ VM(MEM BOOT_AT("load='0x10000000000000000' entry='0' mode='long'")),
	  "<boot>: load \"0x10000000000000000\" is too large" },
	{ VM(MEM BOOT_AT("load='18446744073709551616' entry='0' mode='long'")),
	  "load \"18446744073709551616\" is too large" },
	{ VM(MEM BOOT_AT("load='0' entry='0x1g' mode='long'")), "<boot>: entry \"0x1g\" is not a number" },
	{ VM(MEM BOOT_AT("load='0' entry='0x1ffffffffffffffff' mode='long'")), "entry \"0x1ffffffffffffffff\" is too large" },
	{ VM("<memory>1</memory>" BOOT_AT("load='0xff001' entry='0' mode='long'")),
	  "<boot>: file \"kernel\" (0x1000 bytes) loaded at 0xff001 does not fit in guest memory (0x100000 bytes)" },
	{ VM("<memory>1</memory>" BOOT_AT("load='0x100000' entry='0' mode='long'")),
	  "loaded at 0x100000 does not fit in guest memory" },
	{ VM("<memory>1</memory>" BOOT_AT("load='0xffffffffffffffff' entry='0' mode='long'")),
	  "loaded at 0xffffffffffffffff does not fit in guest memory" },
	{ VM("<memory>1</memory>" BOOT_AT("load='0xfffffffffffff000' entry='0' mode='long'")),
	  "loaded at 0xfffffffffffff000 does not fit" },
	{ VM("<memory>1</memory>" BOOT_AT("load='0' entry='0x100000' mode='long'")),
	  "<boot>: entry 0x100000 is outside guest memory (0x100000 bytes)" },
	{ VM("<memory>1</memory>" BOOT_AT("load='0' entry='0xffffffffffffffff' mode='long'")),
	  "entry 0xffffffffffffffff is outside guest memory" },
	{ VM(MEM BOOT_AT("load='0' entry='0x100000' mode='real'")),
	  "<boot>: entry 0x100000 is above 1 MiB, out of reach in real mode" },
};

static void test_bad_cases(void **state)
{
	struct v3_vm_config cfg;

	(void)state;
	for (size_t i = 0; i < V3_ARRAY_SIZE(bad_cases); i++) {
		int rc = parse(bad_cases[i].config, &cfg);

		if (rc != -V3_EINVAL || !strstr(err, bad_cases[i].msg))
			fail_msg("case %zu: rc %d\n  message  %s\n  expected %s\n  config   %s", i, rc,
				 err, bad_cases[i].msg, bad_cases[i].config);
		if (strncmp(err, "config line ", 12) != 0)
			fail_msg("case %zu: message without a line: %s", i, err);
		assert_true(all_zero(&cfg, sizeof(cfg)));
	}
}

/* A file that is larger than guest memory, loaded at 0. */
static void test_file_larger_than_memory(void **state)
{
	struct v3_vm_config cfg;
	const char *config = VM("<memory>1</memory>" BOOT_AT("load='0' entry='0' mode='long'"));
	static u8 big[(1 << 20) + 1];
	const struct image_build_file files[] = { { "kernel", big, sizeof(big) }, { "disk", big, 1 } };
	u64 len;

	(void)state;
	close_image();
	img_buf = image_build(config, strlen(config), files, 2, &len);
	assert_int_equal(v3_image_open(img_buf, len, &img, err, sizeof(err)), 0);
	assert_int_equal(v3_vm_config_parse(&img, &cfg, err, sizeof(err)), -V3_EINVAL);
	assert_non_null(strstr(err, "file \"kernel\" (0x100001 bytes) loaded at 0x0 does not fit"));
}

static void test_no_root(void **state)
{
	struct v3_image none = { 0 };
	struct v3_vm_config cfg;

	(void)state;
	assert_int_equal(v3_vm_config_parse(&none, &cfg, err, sizeof(err)), -V3_EINVAL);
	assert_string_equal(err, "config: the image has no config");
}

/* Parsing the settings allocates nothing; opening the image fails cleanly at each allocation. */
static void test_alloc_failure(void **state)
{
	struct v3_vm_config cfg;
	u64 len;
	const char *config = VM_MB("<cores count='2'/>");
	const struct image_build_file files[] = { { "kernel", file_data, 10 }, { "disk", file_data, 1 } };
	long n;
	int rc;

	(void)state;
	close_image();
	img_buf = image_build(config, strlen(config), files, 2, &len);
	for (n = 0;; n++) {
		fake_host_fail_alloc_after(n);
		rc = v3_image_open(img_buf, len, &img, err, sizeof(err));
		if (rc == 0)
			break;
		assert_int_equal(rc, -V3_ENOMEM);
	}
	fake_host_fail_alloc_after(0);
	assert_int_equal(v3_vm_config_parse(&img, &cfg, err, sizeof(err)), 0);
	fake_host_fail_alloc_after(-1);
	assert_int_equal(cfg.ncores, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_message_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ok_cases, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_cores, setup, teardown),
		cmocka_unit_test_setup_teardown(test_linux, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multiboot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_cases, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_larger_than_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_failure, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
