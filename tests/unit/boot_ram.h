/* SPDX-License-Identifier: MIT */
/*
 * Fake guest RAM for the boot-loader unit tests (test_linux_boot.c,
 * test_multiboot.c): a calloc'ed buffer behind a struct v3_boot_target, and
 * little-endian accessors to build images and read back what was loaded.
 */
#ifndef BOOT_RAM_H
#define BOOT_RAM_H

#include <stddef.h>

#include <v3/errno.h>

#include "boot/boot.h"

extern u8 *ram;
extern u64 ram_size;

/* Fresh zeroed RAM of size bytes (the previous one is freed). */
struct v3_boot_target target(u64 size);
/* Little-endian value of len bytes at guest-physical gpa. */
u64 rd(u64 gpa, unsigned int len);
/* Store v as len little-endian bytes at p + off. */
void put(u8 *p, size_t off, u64 v, unsigned int len);

#endif
