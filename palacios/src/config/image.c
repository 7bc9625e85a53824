/* SPDX-License-Identifier: MIT */
/*
 * Opening a VM image (include/v3/image_format.h, docs/vm-image.md). Nothing
 * the image says is trusted: every offset and size is checked against the
 * image before it is used, with subtractions rather than additions that
 * could wrap, and every checksum is verified before the XML is parsed.
 * The checks run in order of the layout, cheap structural ones first, so an
 * error message names the first thing that is wrong.
 */
#include <stdarg.h>

#include <v3/errno.h>
#include <v3/image_format.h>

#include "config/arena.h"
#include "config/config.h"
#include "config/crc32.h"
#include "lib/printf.h"
#include "lib/string.h"

#define HDR_SIZE sizeof(struct v3_image_header)
#define ENTRY_SIZE sizeof(struct v3_image_entry)

struct image_ctx {
	const u8 *data;
	struct v3_image_header h;
	char *err;
	size_t err_len;
};

static int __v3_printf(3, 4) img_fail(struct image_ctx *c, u64 off, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = v3_snprintf(c->err, c->err_len, "image offset 0x%llx: ", (unsigned long long)off);
	if (n >= 0 && (size_t)n < c->err_len) {
		va_start(ap, fmt);
		v3_vsnprintf(c->err + n, c->err_len - n, fmt, ap);
		va_end(ap);
	}
	return -V3_EINVAL;
}

static int __v3_printf(3, 4) cfg_fail(struct image_ctx *c, const struct v3_cfg_node *n,
				       const char *fmt, ...)
{
	va_list ap;
	int len;

	len = v3_snprintf(c->err, c->err_len, "config line %u: <%s>: ", n->line, n->name);
	if (len >= 0 && (size_t)len < c->err_len) {
		va_start(ap, fmt);
		v3_vsnprintf(c->err + len, c->err_len - len, fmt, ap);
		va_end(ap);
	}
	return -V3_EINVAL;
}

/* [off, off + size) lies within [0, limit), computed without overflow. */
static bool region_in(u64 off, u64 size, u64 limit)
{
	return off <= limit && size <= limit - off;
}

/* Two regions already known to be inside the image overlap (empty ones never do). */
static bool overlap(u64 a, u64 a_size, u64 b, u64 b_size)
{
	return a_size && b_size && a < b + b_size && b < a + a_size;
}

static bool id_char_ok(char c)
{
	return v3_isalpha(c) || v3_isdigit(c) || c == '_' || c == '.' || c == '-';
}

bool v3_image_id_valid(const char *id)
{
	size_t i;

	for (i = 0; id[i]; i++)
		if (i >= V3_IMAGE_ID_SIZE - 1 || !id_char_ok(id[i]))
			return false;
	return i > 0;
}

static u64 table_size(const struct image_ctx *c)
{
	return (u64)c->h.nfiles * ENTRY_SIZE;
}

static u64 entry_offset(const struct image_ctx *c, unsigned int i)
{
	return c->h.table_offset + (u64)i * ENTRY_SIZE;
}

static void read_entry(const struct image_ctx *c, unsigned int i, struct v3_image_entry *e)
{
	memcpy(e, c->data + entry_offset(c, i), sizeof(*e));
}

static int check_header(struct image_ctx *c, u64 len)
{
	struct v3_image_header *h = &c->h;
	struct v3_image_header zeroed;
	u32 crc;

	if (len < V3_IMAGE_MAGIC_SIZE || memcmp(c->data, V3_IMAGE_MAGIC, V3_IMAGE_MAGIC_SIZE) != 0)
		return img_fail(c, 0, "not a v3 VM image (bad magic, expected \"V3VMIMG\\0\")");
	if (len < HDR_SIZE)
		return img_fail(c, 0, "image is %llu bytes, shorter than its %zu-byte header",
				(unsigned long long)len, HDR_SIZE);
	memcpy(h, c->data, HDR_SIZE);
	if (h->version != V3_IMAGE_VERSION) {
		img_fail(c, offsetof(struct v3_image_header, version),
			 "unsupported image version %u (this VMM reads version %u)", h->version,
			 V3_IMAGE_VERSION);
		return -V3_ENOTSUP;
	}
	if (h->header_size != HDR_SIZE)
		return img_fail(c, offsetof(struct v3_image_header, header_size),
				"header size %u, expected %zu", h->header_size, HDR_SIZE);
	if (h->image_size > len)
		return img_fail(c, offsetof(struct v3_image_header, image_size),
				"image size 0x%llx is larger than the 0x%llx bytes given (truncated image?)",
				(unsigned long long)h->image_size, (unsigned long long)len);
	if (h->image_size < HDR_SIZE)
		return img_fail(c, offsetof(struct v3_image_header, image_size),
				"image size 0x%llx is smaller than the header",
				(unsigned long long)h->image_size);
	if (h->entry_size != ENTRY_SIZE)
		return img_fail(c, offsetof(struct v3_image_header, entry_size),
				"file table entry size %u, expected %zu", h->entry_size, ENTRY_SIZE);
	if (h->nfiles > V3_IMAGE_MAX_FILES)
		return img_fail(c, offsetof(struct v3_image_header, nfiles),
				"%u files, more than the limit of %u", h->nfiles, V3_IMAGE_MAX_FILES);
	if (h->table_offset < HDR_SIZE)
		return img_fail(c, offsetof(struct v3_image_header, table_offset),
				"file table offset 0x%llx overlaps the header",
				(unsigned long long)h->table_offset);
	if (!region_in(h->table_offset, table_size(c), h->image_size))
		return img_fail(c, offsetof(struct v3_image_header, table_offset),
				"file table (offset 0x%llx, %u entries) extends past the end of the image (0x%llx)",
				(unsigned long long)h->table_offset, h->nfiles,
				(unsigned long long)h->image_size);

	zeroed = *h;
	zeroed.header_crc = 0;
	crc = v3_crc32(0, &zeroed, HDR_SIZE);
	crc = v3_crc32(crc, c->data + h->table_offset, table_size(c));
	if (crc != h->header_crc)
		return img_fail(c, offsetof(struct v3_image_header, header_crc),
				"header checksum 0x%08x does not match the header and file table (computed 0x%08x)",
				h->header_crc, crc);
	return 0;
}

static int check_config_region(struct image_ctx *c)
{
	const struct v3_image_header *h = &c->h;
	u32 crc;

	if (h->config_size == 0)
		return img_fail(c, offsetof(struct v3_image_header, config_size), "the config is empty");
	if (h->config_size > V3_IMAGE_MAX_CONFIG)
		return img_fail(c, offsetof(struct v3_image_header, config_size),
				"config size %llu is more than the limit of %u bytes",
				(unsigned long long)h->config_size, V3_IMAGE_MAX_CONFIG);
	if (!region_in(h->config_offset, h->config_size, h->image_size))
		return img_fail(c, offsetof(struct v3_image_header, config_offset),
				"config (offset 0x%llx, 0x%llx bytes) extends past the end of the image (0x%llx)",
				(unsigned long long)h->config_offset,
				(unsigned long long)h->config_size, (unsigned long long)h->image_size);
	if (overlap(h->config_offset, h->config_size, 0, HDR_SIZE))
		return img_fail(c, offsetof(struct v3_image_header, config_offset),
				"config (offset 0x%llx) overlaps the header",
				(unsigned long long)h->config_offset);
	if (overlap(h->config_offset, h->config_size, h->table_offset, table_size(c)))
		return img_fail(c, offsetof(struct v3_image_header, config_offset),
				"config (offset 0x%llx) overlaps the file table",
				(unsigned long long)h->config_offset);
	crc = v3_crc32(0, c->data + h->config_offset, h->config_size);
	if (crc != h->config_crc)
		return img_fail(c, offsetof(struct v3_image_header, config_crc),
				"config checksum 0x%08x does not match the config (computed 0x%08x)",
				h->config_crc, crc);
	return 0;
}

static int check_id(struct image_ctx *c, unsigned int i, const struct v3_image_entry *e)
{
	u64 off = entry_offset(c, i);
	size_t len = v3_strnlen(e->id, V3_IMAGE_ID_SIZE), j;

	if (len == V3_IMAGE_ID_SIZE)
		return img_fail(c, off, "file table entry %u: id is not NUL-terminated", i);
	if (len == 0)
		return img_fail(c, off, "file table entry %u: id is empty", i);
	for (j = 0; j < len; j++)
		if (!id_char_ok(e->id[j]))
			return img_fail(c, off + j,
					"file table entry %u: id has a character other than A-Z a-z 0-9 _ . -",
					i);
	for (j = len; j < V3_IMAGE_ID_SIZE; j++)
		if (e->id[j])
			return img_fail(c, off + j,
					"file table entry %u (\"%s\"): id padding is not zero", i, e->id);
	return 0;
}

/* Entry i on its own and against the header, table, config and entries 0..i-1. */
static int check_entry(struct image_ctx *c, unsigned int i)
{
	const struct v3_image_header *h = &c->h;
	u64 off = entry_offset(c, i);
	struct v3_image_entry e, o;
	unsigned int j;
	int rc;

	read_entry(c, i, &e);
	rc = check_id(c, i, &e);
	if (rc)
		return rc;
	if (e.flags)
		return img_fail(c, off + offsetof(struct v3_image_entry, flags),
				"file table entry %u (\"%s\"): unknown flags 0x%x", i, e.id, e.flags);
	if (e.reserved)
		return img_fail(c, off + offsetof(struct v3_image_entry, reserved),
				"file table entry %u (\"%s\"): reserved field is not zero", i, e.id);
	off += offsetof(struct v3_image_entry, offset);
	if (!V3_IS_ALIGNED(e.offset, (u64)V3_IMAGE_ALIGN))
		return img_fail(c, off, "file table entry %u (\"%s\"): offset 0x%llx is not 4 KiB aligned",
				i, e.id, (unsigned long long)e.offset);
	if (e.offset > h->image_size)
		return img_fail(c, off,
				"file table entry %u (\"%s\") starts past the end of the image (0x%llx > 0x%llx)",
				i, e.id, (unsigned long long)e.offset, (unsigned long long)h->image_size);
	if (e.size > UINT64_MAX - e.offset)
		return img_fail(c, off,
				"file table entry %u (\"%s\"): offset 0x%llx + size 0x%llx overflows",
				i, e.id, (unsigned long long)e.offset, (unsigned long long)e.size);
	if (!region_in(e.offset, e.size, h->image_size))
		return img_fail(c, off,
				"file table entry %u (\"%s\") extends past the end of the image (0x%llx > 0x%llx)",
				i, e.id, (unsigned long long)(e.offset + e.size),
				(unsigned long long)h->image_size);
	if (overlap(e.offset, e.size, 0, HDR_SIZE))
		return img_fail(c, off, "file table entry %u (\"%s\") overlaps the header", i, e.id);
	if (overlap(e.offset, e.size, h->table_offset, table_size(c)))
		return img_fail(c, off, "file table entry %u (\"%s\") overlaps the file table", i, e.id);
	if (overlap(e.offset, e.size, h->config_offset, h->config_size))
		return img_fail(c, off, "file table entry %u (\"%s\") overlaps the config", i, e.id);
	for (j = 0; j < i; j++) {
		read_entry(c, j, &o);
		if (v3_strcmp(o.id, e.id) == 0)
			return img_fail(c, entry_offset(c, i),
					"file table entry %u has the same id as entry %u (\"%s\")", i, j,
					e.id);
		if (overlap(e.offset, e.size, o.offset, o.size))
			return img_fail(c, off,
					"file table entry %u (\"%s\") overlaps entry %u (\"%s\")", i,
					e.id, j, o.id);
	}
	return 0;
}

static int check_file_crc(struct image_ctx *c, unsigned int i)
{
	struct v3_image_entry e;
	u32 crc;

	read_entry(c, i, &e);
	crc = v3_crc32(0, c->data + e.offset, e.size);
	if (crc != e.crc)
		return img_fail(c, entry_offset(c, i) + offsetof(struct v3_image_entry, crc),
				"file table entry %u (\"%s\"): checksum 0x%08x does not match its data (computed 0x%08x)",
				i, e.id, e.crc, crc);
	return 0;
}

static bool same_id(const struct v3_cfg_node *f, const char *id)
{
	const char *fid = v3_cfg_attr(f, "id");

	return fid && v3_strcmp(fid, id) == 0;
}

static int check_file_node(struct image_ctx *c, const struct v3_image *img,
			   const struct v3_cfg_node *f)
{
	const struct v3_cfg_node *prev;
	const char *id;
	unsigned int i;

	if (v3_strcmp(f->name, "file") != 0)
		return cfg_fail(c, f->parent, "unexpected element <%s> (line %u); only <file> goes here",
				f->name, f->line);
	for (i = 0; i < f->nattrs; i++)
		if (v3_strcmp(f->attrs[i].name, "id") && v3_strcmp(f->attrs[i].name, "filename"))
			return cfg_fail(c, f, "unknown attribute %s (expected id, filename)",
					f->attrs[i].name);
	if (f->child || f->text[0])
		return cfg_fail(c, f, "unexpected content; <file> is empty");
	id = v3_cfg_attr(f, "id");
	if (!id)
		return cfg_fail(c, f, "id is required");
	for (prev = f->parent->child; prev != f; prev = prev->next)
		if (same_id(prev, id))
			return cfg_fail(c, f, "id \"%.40s\" already used on line %u", id, prev->line);
	if (!v3_image_file(img, id))
		return cfg_fail(c, f, "id \"%.40s\" is not in the image's file table", id);
	return 0;
}

/* Every <file> in <files> names a table entry, every table entry is named. */
static int check_files_element(struct image_ctx *c, const struct v3_image *img)
{
	const struct v3_cfg_node *files, *f;
	unsigned int i;
	int rc;

	files = v3_cfg_child(img->root, "files");
	if (files) {
		const struct v3_cfg_node *second = v3_cfg_next_named(files);

		if (second)
			return cfg_fail(c, second, "second <files> element (the first is on line %u)",
					files->line);
		if (files->nattrs)
			return cfg_fail(c, files, "unknown attribute %s", files->attrs[0].name);
		if (files->text[0])
			return cfg_fail(c, files, "unexpected text \"%.40s\"", files->text);
		for (f = files->child; f; f = f->next) {
			rc = check_file_node(c, img, f);
			if (rc)
				return rc;
		}
	}
	for (i = 0; i < img->nfiles; i++) {
		for (f = files ? files->child : NULL; f; f = f->next)
			if (same_id(f, img->files[i].id))
				break;
		if (!f)
			return img_fail(c, entry_offset(c, i),
					"file table entry %u (\"%s\") is not named by any <file> in the config",
					i, img->files[i].id);
	}
	return 0;
}

static int open_config(struct image_ctx *c, struct v3_image *img)
{
	const struct v3_image_header *h = &c->h;
	struct v3_image_entry e;
	unsigned int i;
	int rc;

	rc = v3_cfg_parse((const char *)c->data + h->config_offset, h->config_size, &img->root,
			  &img->storage, c->err, c->err_len);
	if (rc)
		return rc;
	if (v3_strcmp(img->root->name, "vm") != 0) {
		v3_snprintf(c->err, c->err_len, "config line %u: the root element is <%s>, expected <vm>",
			    img->root->line, img->root->name);
		return -V3_EINVAL;
	}
	if (h->nfiles) {
		img->files = v3_arena_alloc(&img->storage, h->nfiles * sizeof(*img->files));
		if (!img->files) {
			v3_snprintf(c->err, c->err_len, "image: out of memory for the file list");
			return -V3_ENOMEM;
		}
	}
	for (i = 0; i < h->nfiles; i++) {
		read_entry(c, i, &e);
		/* The id is NUL-terminated inside the table (check_id). */
		img->files[i].id = (const char *)c->data + entry_offset(c, i);
		img->files[i].data = c->data + e.offset;
		img->files[i].size = e.size;
	}
	img->nfiles = h->nfiles;
	return check_files_element(c, img);
}

int v3_image_open(const void *data, u64 len, struct v3_image *img, char *err, size_t err_len)
{
	struct image_ctx c = { .data = data, .err = err, .err_len = err_len };
	unsigned int i;
	int rc;

	memset(img, 0, sizeof(*img));
	if (err_len)
		err[0] = '\0';
	rc = check_header(&c, len);
	if (!rc)
		rc = check_config_region(&c);
	for (i = 0; !rc && i < c.h.nfiles; i++)
		rc = check_entry(&c, i);
	for (i = 0; !rc && i < c.h.nfiles; i++)
		rc = check_file_crc(&c, i);
	if (!rc)
		rc = open_config(&c, img);
	if (rc)
		v3_image_close(img);
	return rc;
}

void v3_image_close(struct v3_image *img)
{
	v3_cfg_free(img->storage);
	memset(img, 0, sizeof(*img));
}

const struct v3_image_file *v3_image_file(const struct v3_image *img, const char *id)
{
	unsigned int i;

	for (i = 0; i < img->nfiles; i++)
		if (v3_strcmp(img->files[i].id, id) == 0)
			return &img->files[i];
	return NULL;
}
