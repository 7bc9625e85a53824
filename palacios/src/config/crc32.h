/* SPDX-License-Identifier: MIT */
/*
 * CRC-32 as in zlib, PNG and gzip (IEEE 802.3 polynomial, reflected, initial
 * value and final xor ~0). Used for the checksums of VM images
 * (include/v3/image_format.h) by the core and by the host tool v3-pack.
 */
#ifndef V3_CONFIG_CRC32_H
#define V3_CONFIG_CRC32_H

#include <v3/types.h>

/*
 * CRC of buf continued from crc: start with 0, pass the previous result to
 * checksum a region in pieces. v3_crc32(0, "123456789", 9) == 0xcbf43926.
 */
u32 v3_crc32(u32 crc, const void *buf, size_t len);

#endif /* V3_CONFIG_CRC32_H */
