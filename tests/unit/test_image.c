/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for palacios/src/config/image.c and crc32.c: a valid image
 * round-trips; every prefix, every header field, every file table field,
 * overlapping and overflowing regions, bad checksums, and mismatches
 * between the file table and <files> are refused with a message naming the
 * offset or line; allocation failure at every allocation leaks nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include <v3/errno.h>
#include <v3/image_format.h>

#include "config/config.h"
#include "config/crc32.h"
#include "fake_host.h"
#include "image_build.h"
#include "lib/string.h"

static char err[512];

/*
 * The standard image: header 0x0, table 0x40 (3 entries), config 0x100,
 * kernel 0x1000 (5000 bytes), initrd 0x3000 (100 bytes), empty 0x4000 (0
 * bytes); 0x4000 bytes in all.
 */
static const char std_config[] =
	"<vm class=\"PC\">\n"
	"  <memory>16</memory>\n"
	"  <files>\n"
	"    <file id=\"kernel\" filename=\"k.bin\"/>\n"
	"    <file id=\"initrd\"/>\n"
	"    <file id=\"empty\"/>\n"
	"  </files>\n"
	"  <boot kind=\"flat\" file=\"kernel\" load=\"0x10000\" entry=\"0x10000\" mode=\"long\"/>\n"
	"</vm>\n";
static u8 kernel[5000], initrd[100];

#define TABLE 0x40
#define ENTRY(i) (TABLE + (i) * 64)
#define CONFIG 0x100
#define STD_LEN 0x4000

static int setup(void **state)
{
	(void)state;
	fake_host_install();
	for (size_t i = 0; i < sizeof(kernel); i++)
		kernel[i] = (u8)(i * 7 + 1);
	for (size_t i = 0; i < sizeof(initrd); i++)
		initrd[i] = (u8)(0xa0 + i);
	return 0;
}

static u8 *build(const char *config, u64 *len)
{
	const struct image_build_file files[] = {
		{ "kernel", kernel, sizeof(kernel) },
		{ "initrd", initrd, sizeof(initrd) },
		{ "empty", NULL, 0 },
	};
	u8 *img = image_build(config, strlen(config), files, 3, len);

	assert_non_null(img);
	return img;
}

static u8 *std_image(u64 *len)
{
	u8 *img = build(std_config, len);

	assert_int_equal(*len, STD_LEN);
	return img;
}

static void put32(u8 *buf, u64 off, u32 v)
{
	memcpy(buf + off, &v, 4);
}

static void put64(u8 *buf, u64 off, u64 v)
{
	memcpy(buf + off, &v, 8);
}

/* Recomputes only the header checksum (the file checksums stay as they are). */
static void fix_header_crc(u8 *buf)
{
	struct v3_image_header h;

	memcpy(&h, buf, sizeof(h));
	h.header_crc = 0;
	memcpy(buf, &h, sizeof(h));
	h.header_crc = v3_crc32(v3_crc32(0, buf, 64), buf + h.table_offset, (u64)h.nfiles * 64);
	memcpy(buf, &h, sizeof(h));
}

static bool all_zero(const void *p, size_t n)
{
	const u8 *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static void expect_fail(const u8 *buf, u64 len, int rc_expected, const char *msg)
{
	struct v3_image img;
	int rc;

	memset(&img, 0x5a, sizeof(img));
	rc = v3_image_open(buf, len, &img, err, sizeof(err));
	if (rc != rc_expected)
		fail_msg("rc %d, expected %d (message: %s; expected %s)", rc, rc_expected, err, msg);
	if (!strstr(err, msg))
		fail_msg("message  %s\nexpected %s", err, msg);
	assert_true(all_zero(&img, sizeof(img))); /* nothing created */
}

static void test_crc32(void **state)
{
	static const char check[] = "123456789";
	u8 buf[1000];

	(void)state;
	assert_int_equal(v3_crc32(0, check, 9), 0xcbf43926);
	assert_int_equal(v3_crc32(0, "", 0), 0);
	assert_int_equal(v3_crc32(0, "a", 1), 0xe8b7be43);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (u8)(i * 31);
	for (size_t split = 0; split <= sizeof(buf); split += 37)
		assert_int_equal(v3_crc32(v3_crc32(0, buf, split), buf + split, sizeof(buf) - split),
				 v3_crc32(0, buf, sizeof(buf)));
}

static void test_valid(void **state)
{
	const struct v3_image_file *f;
	struct v3_image img;
	u64 len;
	u8 *buf = std_image(&len);

	(void)state;
	assert_int_equal(v3_image_open(buf, len, &img, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_string_equal(img.root->name, "vm");
	assert_int_equal(img.nfiles, 3);
	assert_non_null(img.storage);

	f = v3_image_file(&img, "kernel");
	assert_ptr_equal(f, &img.files[0]);
	assert_string_equal(f->id, "kernel");
	assert_int_equal(f->size, sizeof(kernel));
	assert_ptr_equal(f->data, buf + 0x1000);
	assert_memory_equal(f->data, kernel, sizeof(kernel));
	f = v3_image_file(&img, "initrd");
	assert_non_null(f);
	assert_ptr_equal(f->data, buf + 0x3000);
	assert_memory_equal(f->data, initrd, sizeof(initrd));
	f = v3_image_file(&img, "empty");
	assert_non_null(f);
	assert_int_equal(f->size, 0);
	assert_null(v3_image_file(&img, "nope"));
	assert_null(v3_image_file(&img, ""));
	assert_null(v3_image_file(&img, "KERNEL"));

	v3_image_close(&img);
	assert_true(all_zero(&img, sizeof(img)));
	v3_image_close(&img); /* closing twice is harmless */
	free(buf);
}

/* The layout v3-pack writes, field by field (docs/vm-image.md). */
static void test_layout(void **state)
{
	struct v3_image_header h;
	struct v3_image_entry e;
	u64 len;
	u8 *buf = std_image(&len);

	(void)state;
	memcpy(&h, buf, sizeof(h));
	assert_memory_equal(buf, "V3VMIMG\0", 8);
	assert_int_equal(h.version, 1);
	assert_int_equal(h.header_size, 64);
	assert_int_equal(h.image_size, STD_LEN);
	assert_int_equal(h.table_offset, TABLE);
	assert_int_equal(h.nfiles, 3);
	assert_int_equal(h.entry_size, 64);
	assert_int_equal(h.config_offset, CONFIG);
	assert_int_equal(h.config_size, strlen(std_config));
	assert_int_equal(h.config_crc, v3_crc32(0, std_config, strlen(std_config)));
	memcpy(&e, buf + ENTRY(1), sizeof(e));
	assert_string_equal(e.id, "initrd");
	assert_int_equal(e.offset, 0x3000);
	assert_int_equal(e.size, 100);
	assert_int_equal(e.crc, v3_crc32(0, initrd, sizeof(initrd)));
	assert_int_equal(e.flags, 0);
	assert_int_equal(e.reserved, 0);
	free(buf);
}

/* The image needs no alignment in memory, and bytes after image_size are ignored. */
static void test_unaligned_and_trailing(void **state)
{
	struct v3_image img;
	u64 len;
	u8 *buf = std_image(&len), *copy = malloc(len + 4097);

	(void)state;
	memset(copy, 0xee, len + 4097);
	memcpy(copy + 1, buf, len);
	assert_int_equal(v3_image_open(copy + 1, len + 4096, &img, err, sizeof(err)), 0);
	assert_memory_equal(v3_image_file(&img, "initrd")->data, initrd, sizeof(initrd));
	v3_image_close(&img);
	free(copy);
	free(buf);
}

/* Every prefix of a valid image is refused (and none is read past: ASan). */
static void test_truncated(void **state)
{
	struct v3_image img;
	u64 len, n;
	u8 *buf = std_image(&len);

	(void)state;
	for (n = 0; n < len; n++) {
		u8 *prefix = malloc(n ? n : 1);
		int rc;

		memcpy(prefix, buf, n);
		rc = v3_image_open(prefix, n, &img, err, sizeof(err));
		if (rc != -V3_EINVAL)
			fail_msg("prefix of %llu bytes: rc %d", (unsigned long long)n, rc);
		assert_true(all_zero(&img, sizeof(img)));
		if (n < 8)
			assert_non_null(strstr(err, "image offset 0x0: not a v3 VM image"));
		else if (n < 64)
			assert_non_null(strstr(err, "shorter than its 64-byte header"));
		else
			assert_non_null(strstr(err, "(truncated image?)"));
		free(prefix);
	}
	free(buf);
}

struct field_case {
	u64 off;
	unsigned int width; /* 1, 4 or 8 bytes */
	u64 value;
	int fix_crcs; /* false, true (all), or HDR_ONLY */
	int rc;
	const char *msg;
};

#define HDR(field) offsetof(struct v3_image_header, field)
#define ENT(i, field) (ENTRY(i) + offsetof(struct v3_image_entry, field))
#define HDR_ONLY 2

static const struct field_case field_cases[] = {
	{ 0, 1, 'X', false, -V3_EINVAL, "image offset 0x0: not a v3 VM image (bad magic" },
	{ 7, 1, 1, false, -V3_EINVAL, "bad magic" },
	{ HDR(version), 4, 0, false, -V3_ENOTSUP, "image offset 0x8: unsupported image version 0" },
	{ HDR(version), 4, 2, false, -V3_ENOTSUP,
	  "image offset 0x8: unsupported image version 2 (this VMM reads version 1)" },
	{ HDR(header_size), 4, 65, true, -V3_EINVAL, "image offset 0xc: header size 65, expected 64" },
	{ HDR(header_size), 4, 0, true, -V3_EINVAL, "header size 0, expected 64" },
	{ HDR(image_size), 4, STD_LEN + 1, true, -V3_EINVAL,
	  "image offset 0x10: image size 0x4001 is larger than the 0x4000 bytes given (truncated image?)" },
	{ HDR(image_size), 8, UINT64_MAX, true, -V3_EINVAL, "image size 0xffffffffffffffff is larger" },
	{ HDR(image_size), 8, 63, true, -V3_EINVAL, "image size 0x3f is smaller than the header" },
	{ HDR(image_size), 8, 0x200, true, -V3_EINVAL,
	  "image offset 0x60: file table entry 0 (\"kernel\") starts past the end of the image (0x1000 > 0x200)" },
	{ HDR(image_size), 8, 0x3000, true, -V3_EINVAL,
	  "file table entry 1 (\"initrd\") extends past the end of the image (0x3064 > 0x3000)" },
	{ HDR(table_offset), 8, 0, true, -V3_EINVAL,
	  "image offset 0x18: file table offset 0x0 overlaps the header" },
	{ HDR(table_offset), 8, 0x3f, true, -V3_EINVAL, "file table offset 0x3f overlaps the header" },
	{ HDR(table_offset), 8, STD_LEN - 0xbf, true, -V3_EINVAL,
	  "image offset 0x18: file table (offset 0x3f41, 3 entries) extends past the end of the image (0x4000)" },
	{ HDR(table_offset), 8, UINT64_MAX, true, -V3_EINVAL, "extends past the end of the image" },
	{ HDR(table_offset), 8, UINT64_MAX - 0x40, true, -V3_EINVAL, "extends past the end" },
	{ HDR(nfiles), 4, 257, true, -V3_EINVAL, "image offset 0x20: 257 files, more than the limit of 256" },
	{ HDR(nfiles), 4, UINT32_MAX, true, -V3_EINVAL, "more than the limit of 256" },
	{ HDR(nfiles), 4, 256, true, -V3_EINVAL, "file table (offset 0x40, 256 entries) extends past" },
	{ HDR(nfiles), 4, 4, true, -V3_EINVAL, "image offset 0x28: config (offset 0x100) overlaps the file table" },
	{ HDR(nfiles), 4, 2, true, -V3_EINVAL,
	  "config line 6: <file>: id \"empty\" is not in the image's file table" },
	{ HDR(nfiles), 4, 0, true, -V3_EINVAL, "<file>: id \"kernel\" is not in the image's file table" },
	{ HDR(entry_size), 4, 32, true, -V3_EINVAL, "image offset 0x24: file table entry size 32, expected 64" },
	{ HDR(config_offset), 8, 0, true, -V3_EINVAL, "image offset 0x28: config (offset 0x0) overlaps the header" },
	{ HDR(config_offset), 8, 0x3f, true, -V3_EINVAL, "config (offset 0x3f) overlaps the header" },
	{ HDR(config_offset), 8, 0x80, true, -V3_EINVAL, "config (offset 0x80) overlaps the file table" },
	{ HDR(config_offset), 8, UINT64_MAX, true, -V3_EINVAL,
	  "config (offset 0xffffffffffffffff, 0xe8 bytes) extends past the end of the image (0x4000)" },
	{ HDR(config_offset), 8, STD_LEN - 1, true, -V3_EINVAL, "extends past the end of the image" },
	{ HDR(config_offset), 8, 0x1000, true, -V3_EINVAL,
	  "image offset 0x60: file table entry 0 (\"kernel\") overlaps the config" },
	{ HDR(config_size), 8, 0, true, -V3_EINVAL, "image offset 0x30: the config is empty" },
	{ HDR(config_size), 8, V3_IMAGE_MAX_CONFIG + 1, true, -V3_EINVAL,
	  "config size 1048577 is more than the limit of 1048576 bytes" },
	{ HDR(config_size), 8, UINT64_MAX, true, -V3_EINVAL, "is more than the limit" },
	{ HDR(config_size), 8, STD_LEN, true, -V3_EINVAL, "config (offset 0x100, 0x4000 bytes) extends past" },
	{ HDR(config_size), 8, 0xf01, true, -V3_EINVAL, "file table entry 0 (\"kernel\") overlaps the config" },
	{ HDR(config_size), 8, 0xf00, true, -V3_EINVAL, "config line 10: control character 0x00" },
	{ HDR(config_size), 8, 10, true, -V3_EINVAL,
	  "config line 1: <vm>: expected a quoted value for attribute class, found the end of the config" },
	{ HDR(config_crc), 4, 0x12345678, HDR_ONLY, -V3_EINVAL,
	  "image offset 0x38: config checksum 0x12345678 does not match the config (computed 0x" },
	{ HDR(header_crc), 4, 0, false, -V3_EINVAL,
	  "image offset 0x3c: header checksum 0x00000000 does not match the header and file table" },
	{ HDR(nfiles), 4, 2, false, -V3_EINVAL, "header checksum" },
	{ ENT(2, size), 8, 1, false, -V3_EINVAL, "header checksum" }, /* the table is covered */

	{ ENT(1, id), 1, 0, true, -V3_EINVAL, "image offset 0x80: file table entry 1: id is empty" },
	{ ENT(1, id) + 3, 1, ' ', true, -V3_EINVAL,
	  "image offset 0x83: file table entry 1: id has a character other than A-Z a-z 0-9 _ . -" },
	{ ENT(1, id) + 3, 1, 0x80, true, -V3_EINVAL, "id has a character other than" },
	{ ENT(1, id) + 31, 1, 'x', true, -V3_EINVAL,
	  "image offset 0x9f: file table entry 1 (\"initrd\"): id padding is not zero" },
	{ ENT(1, flags), 4, 1, true, -V3_EINVAL,
	  "image offset 0xb4: file table entry 1 (\"initrd\"): unknown flags 0x1" },
	{ ENT(1, reserved), 8, 1ULL << 63, true, -V3_EINVAL,
	  "image offset 0xb8: file table entry 1 (\"initrd\"): reserved field is not zero" },
	{ ENT(1, offset), 8, 0x3001, true, -V3_EINVAL,
	  "image offset 0xa0: file table entry 1 (\"initrd\"): offset 0x3001 is not 4 KiB aligned" },
	{ ENT(1, offset), 8, 0x5000, true, -V3_EINVAL,
	  "file table entry 1 (\"initrd\") starts past the end of the image (0x5000 > 0x4000)" },
	{ ENT(1, offset), 8, UINT64_MAX & ~0xfffULL, true, -V3_EINVAL, "starts past the end of the image" },
	{ ENT(1, size), 8, UINT64_MAX, true, -V3_EINVAL,
	  "image offset 0xa0: file table entry 1 (\"initrd\"): offset 0x3000 + size 0xffffffffffffffff overflows" },
	{ ENT(1, size), 8, UINT64_MAX - 0x3000, true, -V3_EINVAL,
	  "extends past the end of the image (0xffffffffffffffff > 0x4000)" },
	{ ENT(1, size), 8, 0x1001, true, -V3_EINVAL,
	  "image offset 0xa0: file table entry 1 (\"initrd\") extends past the end of the image (0x4001 > 0x4000)" },
	{ ENT(2, size), 8, 1, true, -V3_EINVAL, "entry 2 (\"empty\") extends past the end of the image (0x4001 > 0x4000)" },
	{ ENT(1, offset), 8, 0, true, -V3_EINVAL, "file table entry 1 (\"initrd\") overlaps the header" },
	{ ENT(1, offset), 8, 0x1000, true, -V3_EINVAL,
	  "image offset 0xa0: file table entry 1 (\"initrd\") overlaps entry 0 (\"kernel\")" },
	{ ENT(1, offset), 8, 0x2000, true, -V3_EINVAL, "entry 1 (\"initrd\") overlaps entry 0 (\"kernel\")" },
	{ ENT(0, size), 8, 0x2001, true, -V3_EINVAL, "entry 1 (\"initrd\") overlaps entry 0 (\"kernel\")" },
	{ ENT(2, offset), 8, 0x3000, true, 0, "" }, /* empty files overlap nothing */
	{ ENT(2, offset), 8, 0, true, 0, "" },
	{ ENT(1, size), 8, 0, true, 0, "" },
	{ ENT(0, size), 8, 0x2000, true, 0, "" }, /* up to the next file exactly */
	{ ENT(1, crc), 4, 0, false, -V3_EINVAL, "header checksum" },
	{ ENT(1, crc) + 1, 1, 0x55, true, 0, "" }, /* fixed again */
};

static void test_fields(void **state)
{
	u64 len;
	u8 *buf = std_image(&len);

	(void)state;
	for (size_t i = 0; i < V3_ARRAY_SIZE(field_cases); i++) {
		const struct field_case *fc = &field_cases[i];
		u8 *copy = malloc(len);
		struct v3_image img;
		int rc;

		memcpy(copy, buf, len);
		if (fc->width == 1)
			copy[fc->off] = (u8)fc->value;
		else if (fc->width == 4)
			put32(copy, fc->off, (u32)fc->value);
		else
			put64(copy, fc->off, fc->value);
		if (fc->fix_crcs == HDR_ONLY)
			fix_header_crc(copy);
		else if (fc->fix_crcs)
			image_fix_crcs(copy, len);
		rc = v3_image_open(copy, len, &img, err, sizeof(err));
		if (rc != fc->rc || !strstr(err, fc->msg))
			fail_msg("case %zu (offset 0x%llx = 0x%llx): rc %d, expected %d\n  message  %s\n  expected %s",
				 i, (unsigned long long)fc->off, (unsigned long long)fc->value, rc,
				 fc->rc, err, fc->msg);
		if (rc)
			assert_true(all_zero(&img, sizeof(img)));
		v3_image_close(&img);
		free(copy);
	}
	free(buf);
}

/* Any single changed bit of the header or the table, without fixing the checksum, is caught. */
static void test_header_bit_flips(void **state)
{
	u64 len, off;
	u8 *buf = std_image(&len);
	struct v3_image img;

	(void)state;
	for (off = 0; off < CONFIG; off++) {
		for (int bit = 0; bit < 8; bit++) {
			buf[off] ^= (u8)(1 << bit);
			assert_int_not_equal(v3_image_open(buf, len, &img, err, sizeof(err)), 0);
			buf[off] ^= (u8)(1 << bit);
		}
	}
	assert_int_equal(v3_image_open(buf, len, &img, err, sizeof(err)), 0);
	v3_image_close(&img);
	free(buf);
}

static void test_bad_file_crc(void **state)
{
	u64 len;
	u8 *buf = std_image(&len);

	(void)state;
	buf[0x1000 + 4999] ^= 1;
	expect_fail(buf, len, -V3_EINVAL,
		    "image offset 0x70: file table entry 0 (\"kernel\"): checksum 0x");
	assert_non_null(strstr(err, "does not match its data (computed 0x"));
	buf[0x1000 + 4999] ^= 1;
	put32(buf, ENT(1, crc), 0xdeadbeef);
	fix_header_crc(buf);
	expect_fail(buf, len, -V3_EINVAL,
		    "image offset 0xb0: file table entry 1 (\"initrd\"): checksum 0xdeadbeef does not match its data");
	free(buf);
}

static void test_id_not_terminated(void **state)
{
	u64 len;
	u8 *buf = std_image(&len);

	(void)state;
	memset(buf + ENTRY(1), 'a', 32);
	image_fix_crcs(buf, len);
	expect_fail(buf, len, -V3_EINVAL, "image offset 0x80: file table entry 1: id is not NUL-terminated");
	free(buf);
}

static void test_duplicate_id(void **state)
{
	u64 len;
	u8 *buf = std_image(&len);

	(void)state;
	memset(buf + ENTRY(1), 0, 32);
	memcpy(buf + ENTRY(1), "kernel", 6);
	image_fix_crcs(buf, len);
	expect_fail(buf, len, -V3_EINVAL,
		    "image offset 0x80: file table entry 1 has the same id as entry 0 (\"kernel\")");
	free(buf);
}

/* A file may not hold the file table (nor a file table sit in a file). */
static void test_file_overlaps_table(void **state)
{
	u64 len;
	u8 *buf = std_image(&len);

	(void)state;
	memcpy(buf + 0x1000, buf + TABLE, 3 * 64);
	put64(buf, HDR(table_offset), 0x1000);
	image_fix_crcs(buf, len);
	expect_fail(buf, len, -V3_EINVAL,
		    "image offset 0x1020: file table entry 0 (\"kernel\") overlaps the file table");
	free(buf);
}

struct config_case {
	const char *config;
	const char *msg;
};

#define FILES3 "<file id='kernel'/><file id='initrd'/><file id='empty'/>"

/* Configs that do not match the standard file table (kernel, initrd, empty). */
static const struct config_case config_cases[] = {
	{ "<vm>\n<files>\n" FILES3 "<file id='missing'/></files></vm>",
	  "config line 3: <file>: id \"missing\" is not in the image's file table" },
	{ "<vm><files><file id='kernel'/><file id='empty'/></files></vm>",
	  "image offset 0x80: file table entry 1 (\"initrd\") is not named by any <file> in the config" },
	{ "<vm/>", "image offset 0x40: file table entry 0 (\"kernel\") is not named by any <file>" },
	{ "<vm><files/></vm>", "file table entry 0 (\"kernel\") is not named" },
	{ "<vm><files>\n" FILES3 "\n<file id='kernel'/></files></vm>",
	  "config line 3: <file>: id \"kernel\" already used on line 2" },
	{ "<vm><files>" FILES3 "<file/></files></vm>", "config line 1: <file>: id is required" },
	{ "<vm><files>" FILES3 "<file filename='x'/></files></vm>", "<file>: id is required" },
	{ "<vm><files>" FILES3 "\n<fil id='x'/></files></vm>",
	  "config line 1: <files>: unexpected element <fil> (line 2); only <file> goes here" },
	{ "<vm><files>" FILES3 "</files>\n<files/></vm>",
	  "config line 2: <files>: second <files> element (the first is on line 1)" },
	{ "<vm><files>" FILES3 "<file id='x' size='3'/></files></vm>",
	  "<file>: unknown attribute size (expected id, filename)" },
	{ "<vm><files dir='/'>" FILES3 "</files></vm>", "<files>: unknown attribute dir" },
	{ "<vm><files>" FILES3 "text</files></vm>", "<files>: unexpected text \"text\"" },
	{ "<vm><files><file id='kernel'>x</file><file id='initrd'/><file id='empty'/></files></vm>",
	  "<file>: unexpected content; <file> is empty" },
	{ "<vm><files><file id='kernel'><a/></file><file id='initrd'/><file id='empty'/></files></vm>",
	  "<file>: unexpected content" },
	{ "<vmm><files>" FILES3 "</files></vmm>",
	  "config line 1: the root element is <vmm>, expected <vm>" },
	{ "<vm><files>" FILES3 "</files>", "config line 1: <vm> (line 1) is not closed" },
	{ "\n\n<vm><files>" FILES3 "</file></vm>", "config line 3: end tag </file> does not match <files>" },
};

static void test_config_vs_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < V3_ARRAY_SIZE(config_cases); i++) {
		struct v3_image img;
		u64 len;
		u8 *buf = build(config_cases[i].config, &len);
		int rc = v3_image_open(buf, len, &img, err, sizeof(err));

		if (rc != -V3_EINVAL || !strstr(err, config_cases[i].msg))
			fail_msg("case %zu: rc %d\n  message  %s\n  expected %s", i, rc, err,
				 config_cases[i].msg);
		assert_true(all_zero(&img, sizeof(img)));
		free(buf);
	}
}

static void test_no_files(void **state)
{
	static const char config[] = "<vm class='PC'/>";
	struct v3_image img;
	u64 len;
	u8 *buf = image_build(config, strlen(config), NULL, 0, &len);

	(void)state;
	assert_int_equal(len, 64 + strlen(config));
	assert_int_equal(v3_image_open(buf, len, &img, err, sizeof(err)), 0);
	assert_int_equal(img.nfiles, 0);
	assert_null(img.files);
	assert_null(v3_image_file(&img, "kernel"));
	v3_image_close(&img);
	free(buf);
}

/* The most files an image may have, with the longest ids. */
static void test_max_files(void **state)
{
	static struct image_build_file files[V3_IMAGE_MAX_FILES + 1];
	static char ids[V3_IMAGE_MAX_FILES + 1][32];
	char *config = malloc(64 * (V3_IMAGE_MAX_FILES + 1) + 64), *p = config;
	struct v3_image img;
	char msg[128], *last = NULL;
	u8 data = 0x42;
	u64 len;
	u8 *buf;

	(void)state;
	p += sprintf(p, "<vm><files>");
	for (int i = 0; i < V3_IMAGE_MAX_FILES + 1; i++) {
		snprintf(ids[i], sizeof(ids[i]), "file-%026d", i);
		assert_int_equal(strlen(ids[i]), 31);
		files[i] = (struct image_build_file){ ids[i], &data, 1 };
		last = p;
		p += sprintf(p, "<file id='%s'/>", ids[i]);
	}
	sprintf(p, "</files></vm>");
	buf = image_build(config, strlen(config), files, V3_IMAGE_MAX_FILES, &len);
	snprintf(msg, sizeof(msg), "id \"%s\" is not in the image's file table", ids[256]);
	expect_fail(buf, len, -V3_EINVAL, msg);
	free(buf);

	sprintf(last, "</files></vm>");
	buf = image_build(config, strlen(config), files, V3_IMAGE_MAX_FILES, &len);
	assert_int_equal(v3_image_open(buf, len, &img, err, sizeof(err)), 0);
	assert_int_equal(img.nfiles, V3_IMAGE_MAX_FILES);
	assert_string_equal(img.files[255].id, ids[255]);
	assert_ptr_equal(v3_image_file(&img, ids[255]), &img.files[255]);
	v3_image_close(&img);
	free(buf);

	buf = image_build(config, strlen(config), files, V3_IMAGE_MAX_FILES + 1, &len);
	expect_fail(buf, len, -V3_EINVAL, "257 files, more than the limit of 256");
	free(buf);
	free(config);
}

static void test_error_buffer(void **state)
{
	struct v3_image img;
	char small[10];
	u64 len;
	u8 *buf = std_image(&len);

	(void)state;
	buf[0] = 0;
	assert_int_equal(v3_image_open(buf, len, &img, small, sizeof(small)), -V3_EINVAL);
	assert_string_equal(small, "image off");
	assert_int_equal(v3_image_open(buf, len, &img, NULL, 0), -V3_EINVAL);
	buf[0] = 'V';
	assert_int_equal(v3_image_open(buf, len, &img, NULL, 0), 0);
	v3_image_close(&img);
	free(buf);
}

static void test_alloc_failure(void **state)
{
	struct v3_image img;
	u64 len;
	u8 *buf = std_image(&len);
	long n;
	int rc;

	(void)state;
	for (n = 0;; n++) {
		fake_host_fail_alloc_after(n);
		rc = v3_image_open(buf, len, &img, err, sizeof(err));
		if (rc == 0)
			break;
		assert_int_equal(rc, -V3_ENOMEM);
		assert_non_null(strstr(err, "out of memory"));
		assert_true(all_zero(&img, sizeof(img)));
	}
	fake_host_fail_alloc_after(-1);
	assert_true(n >= 2); /* the parser's state and the arena */
	v3_image_close(&img);
	free(buf);
}

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u64 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Random edits, checksums fixed or not: always a clean accept or refusal (ASan, UBSan). */
static void test_random_edits(void **state)
{
	u64 len;
	u8 *buf = std_image(&len), *copy = malloc(len);
	unsigned int accepted = 0;

	(void)state;
	for (int iter = 0; iter < 20000; iter++) {
		struct v3_image img;
		struct v3_vm_config *cfg = malloc(sizeof(*cfg));
		int edits = 1 + (int)(rng() % 4), rc;

		memcpy(copy, buf, len);
		for (int e = 0; e < edits; e++) {
			/* Mostly the header, table and config, where the structure is. */
			u64 off = rng() % (rng() % 4 ? CONFIG + strlen(std_config) : len);

			copy[off] = rng() % 2 ? (u8)rng() : copy[off] ^ (u8)(1 << (rng() % 8));
		}
		if (rng() % 4)
			image_fix_crcs(copy, len);
		rc = v3_image_open(copy, len, &img, err, sizeof(err));
		assert_true(rc == 0 || rc == -V3_EINVAL || rc == -V3_ENOTSUP);
		assert_true(rc == 0 || err[0]);
		if (rc == 0) {
			accepted++;
			rc = v3_vm_config_parse(&img, cfg, err, sizeof(err));
			assert_true(rc == 0 || rc == -V3_EINVAL);
		}
		v3_image_close(&img);
		free(cfg);
	}
	assert_true(accepted > 0);
	free(copy);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_crc32, setup),
		cmocka_unit_test_setup(test_valid, setup),
		cmocka_unit_test_setup(test_layout, setup),
		cmocka_unit_test_setup(test_unaligned_and_trailing, setup),
		cmocka_unit_test_setup(test_truncated, setup),
		cmocka_unit_test_setup(test_fields, setup),
		cmocka_unit_test_setup(test_header_bit_flips, setup),
		cmocka_unit_test_setup(test_bad_file_crc, setup),
		cmocka_unit_test_setup(test_id_not_terminated, setup),
		cmocka_unit_test_setup(test_duplicate_id, setup),
		cmocka_unit_test_setup(test_file_overlaps_table, setup),
		cmocka_unit_test_setup(test_config_vs_table, setup),
		cmocka_unit_test_setup(test_no_files, setup),
		cmocka_unit_test_setup(test_max_files, setup),
		cmocka_unit_test_setup(test_error_buffer, setup),
		cmocka_unit_test_setup(test_alloc_failure, setup),
		cmocka_unit_test_setup(test_random_edits, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
