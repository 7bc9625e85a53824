/* SPDX-License-Identifier: MIT */
/* Fake guest RAM for the boot-loader unit tests (boot_ram.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "boot_ram.h"

u8 *ram;
u64 ram_size;

static int ram_write(void *ctx, u64 gpa, const void *buf, u64 len)
{
	(void)ctx;
	if (gpa > ram_size || len > ram_size - gpa)
		return -V3_EFAULT;
	memcpy(ram + gpa, buf, len);
	return 0;
}

struct v3_boot_target target(u64 size)
{
	free(ram);
	ram_size = size;
	ram = calloc(1, size);
	assert_non_null(ram);
	return (struct v3_boot_target){ .mem_size = size, .write = ram_write };
}

u64 rd(u64 gpa, unsigned int len)
{
	u64 v = 0;

	for (unsigned int i = 0; i < len; i++)
		v |= (u64)ram[gpa + i] << (8 * i);
	return v;
}

void put(u8 *p, size_t off, u64 v, unsigned int len)
{
	for (unsigned int i = 0; i < len; i++)
		p[off + i] = (u8)(v >> (8 * i));
}
