/* SPDX-License-Identifier: MIT */
/*
 * The VM image container (docs/vm-image.md): one binary file holding a VM's
 * XML config and the files it names (guest kernel, initrd, disk images).
 * Written by the host tool v3-pack, read by the VMM core (config/image.c).
 *
 * All integers are little-endian. Offsets and sizes are in bytes from the
 * start of the image and are 64-bit. Readers copy the structures out of the
 * buffer (memcpy), so the image itself needs no particular alignment.
 *
 *   0x0000  struct v3_image_header           64 bytes
 *   0x0040  struct v3_image_entry[nfiles]    64 bytes each (the file table)
 *   ...     config: XML text, config_size bytes, no terminating NUL
 *   ...     padding to V3_IMAGE_ALIGN
 *   ...     file data, each file at a multiple of V3_IMAGE_ALIGN
 *
 * The order above is what v3-pack writes; a reader only requires that the
 * header, the table, the config and every file lie inside the image and do
 * not overlap each other, and that file data starts 4 KiB aligned.
 *
 * Checksums are CRC-32 (IEEE 802.3 polynomial 0xedb88320 reflected, initial
 * value and final xor 0xffffffff: the zlib/PNG/gzip crc32, "123456789" gives
 * 0xcbf43926).
 *   header_crc  over the 64 header bytes with header_crc itself taken as 0,
 *               followed by the nfiles * 64 bytes of the file table
 *   config_crc  over the config_size bytes of the config
 *   entry crc   over the size bytes of that file's data
 */
#ifndef V3_IMAGE_FORMAT_H
#define V3_IMAGE_FORMAT_H

#include <v3/types.h>

/* The 8 magic bytes "V3VMIMG\0" (the string literal's NUL is the 8th). */
#define V3_IMAGE_MAGIC "V3VMIMG"
#define V3_IMAGE_MAGIC_SIZE 8
/* A reader refuses any other version: "unsupported image version N". */
#define V3_IMAGE_VERSION 1
/* File data starts at a multiple of this (zero-copy mapping of guest files stays possible). */
#define V3_IMAGE_ALIGN 4096
/* A file id is 1..31 characters of [A-Za-z0-9_.-], NUL-padded to 32 bytes. */
#define V3_IMAGE_ID_SIZE 32
/* Limits a reader enforces. */
#define V3_IMAGE_MAX_FILES 256
#define V3_IMAGE_MAX_CONFIG (1u << 20)

struct v3_image_header {
	u8 magic[V3_IMAGE_MAGIC_SIZE]; /* 0x00  "V3VMIMG\0" */
	u32 version;                   /* 0x08  V3_IMAGE_VERSION */
	u32 header_size;               /* 0x0c  sizeof(struct v3_image_header) = 64 */
	u64 image_size;                /* 0x10  bytes from offset 0 to the end of the last region */
	u64 table_offset;              /* 0x18  first file table entry (>= header_size) */
	u32 nfiles;                    /* 0x20  file table entries, 0..V3_IMAGE_MAX_FILES */
	u32 entry_size;                /* 0x24  sizeof(struct v3_image_entry) = 64 */
	u64 config_offset;             /* 0x28  the XML config text */
	u64 config_size;               /* 0x30  1..V3_IMAGE_MAX_CONFIG bytes */
	u32 config_crc;                /* 0x38  CRC-32 of the config text */
	u32 header_crc;                /* 0x3c  CRC-32 of header (this field as 0) + file table */
} __v3_packed;

struct v3_image_entry {
	char id[V3_IMAGE_ID_SIZE]; /* 0x00  NUL-terminated, NUL-padded; unique in the table */
	u64 offset;                /* 0x20  file data, a multiple of V3_IMAGE_ALIGN */
	u64 size;                  /* 0x28  bytes of file data (0 allowed) */
	u32 crc;                   /* 0x30  CRC-32 of the file data */
	u32 flags;                 /* 0x34  none defined in version 1: must be 0 */
	u64 reserved;              /* 0x38  must be 0 */
} __v3_packed;

_Static_assert(sizeof(struct v3_image_header) == 64, "image header layout");
_Static_assert(sizeof(struct v3_image_entry) == 64, "image file table entry layout");
_Static_assert(offsetof(struct v3_image_header, header_crc) == 0x3c, "image header layout");
_Static_assert(offsetof(struct v3_image_entry, reserved) == 0x38, "image entry layout");

#endif /* V3_IMAGE_FORMAT_H */
