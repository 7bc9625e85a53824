/* SPDX-License-Identifier: MIT */
/*
 * Host-side writer of VM images (include/v3/image_format.h), shared by
 * v3-pack, the unit tests and the fuzz target. Hosted C (libc malloc); the
 * checksums come from the core's config/crc32.c.
 */
#ifndef V3_TOOLS_IMAGE_BUILD_H
#define V3_TOOLS_IMAGE_BUILD_H

#include <v3/types.h>

struct image_build_file {
	const char *id;    /* copied into the 32-byte id field, truncated, no NUL if >= 32 chars */
	const void *data;
	u64 size;
};

/*
 * Lays out header, file table, config and the files (each 4 KiB aligned) in
 * that order, fills in every checksum and returns the image (free() it) with
 * its length in *len; NULL if out of memory. Nothing is validated: tests
 * build wrong images on purpose.
 */
u8 *image_build(const char *config, size_t config_len, const struct image_build_file *files,
		unsigned int nfiles, u64 *len);

/*
 * Recomputes the checksums of an image after its fields were edited: each
 * file's and the config's where the region lies within len, then the
 * header's (if the table lies within len). Anything out of bounds is left.
 */
void image_fix_crcs(u8 *img, u64 len);

#endif
