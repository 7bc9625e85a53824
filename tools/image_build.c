/* SPDX-License-Identifier: MIT */
/* Host-side writer of VM images (see image_build.h). */
#include <stdlib.h>
#include <string.h>

#include <v3/image_format.h>

#include "config/crc32.h"
#include "image_build.h"

static bool in_bounds(u64 off, u64 size, u64 len)
{
	return off <= len && size <= len - off;
}

u8 *image_build(const char *config, size_t config_len, const struct image_build_file *files,
		unsigned int nfiles, u64 *len)
{
	struct v3_image_header h = { .version = V3_IMAGE_VERSION };
	u64 off, size;
	unsigned int i;
	u8 *img;

	memcpy(h.magic, V3_IMAGE_MAGIC, V3_IMAGE_MAGIC_SIZE);
	h.header_size = sizeof(h);
	h.entry_size = sizeof(struct v3_image_entry);
	h.nfiles = nfiles;
	h.table_offset = sizeof(h);
	h.config_offset = h.table_offset + (u64)nfiles * sizeof(struct v3_image_entry);
	h.config_size = config_len;
	size = h.config_offset + config_len;
	for (i = 0; i < nfiles; i++)
		size = V3_ALIGN_UP(size, (u64)V3_IMAGE_ALIGN) + files[i].size;
	h.image_size = size;

	img = calloc(1, size);
	if (!img)
		return NULL;
	memcpy(img + h.config_offset, config, config_len);
	off = h.config_offset + config_len;
	for (i = 0; i < nfiles; i++) {
		struct v3_image_entry e = { 0 };
		size_t idlen = strlen(files[i].id);

		off = V3_ALIGN_UP(off, (u64)V3_IMAGE_ALIGN);
		memcpy(e.id, files[i].id, idlen < sizeof(e.id) ? idlen : sizeof(e.id));
		e.offset = off;
		e.size = files[i].size;
		if (files[i].size)
			memcpy(img + off, files[i].data, files[i].size);
		memcpy(img + h.table_offset + (u64)i * sizeof(e), &e, sizeof(e));
		off += files[i].size;
	}
	memcpy(img, &h, sizeof(h));
	image_fix_crcs(img, size);
	*len = size;
	return img;
}

void image_fix_crcs(u8 *img, u64 len)
{
	struct v3_image_header h;
	struct v3_image_entry e;
	u64 table_size;
	unsigned int i;

	if (len < sizeof(h))
		return;
	memcpy(&h, img, sizeof(h));
	if (h.nfiles > V3_IMAGE_MAX_FILES)
		return;
	table_size = (u64)h.nfiles * sizeof(e);
	if (!in_bounds(h.table_offset, table_size, len))
		return;
	for (i = 0; i < h.nfiles; i++) {
		u8 *p = img + h.table_offset + (u64)i * sizeof(e);

		memcpy(&e, p, sizeof(e));
		if (in_bounds(e.offset, e.size, len)) {
			e.crc = v3_crc32(0, img + e.offset, e.size);
			memcpy(p, &e, sizeof(e));
		}
	}
	if (in_bounds(h.config_offset, h.config_size, len))
		h.config_crc = v3_crc32(0, img + h.config_offset, h.config_size);
	h.header_crc = 0;
	memcpy(img, &h, sizeof(h));
	h.header_crc = v3_crc32(v3_crc32(0, img, sizeof(h)), img + h.table_offset, table_size);
	memcpy(img, &h, sizeof(h));
}
