/* SPDX-License-Identifier: MIT */
/*
 * A bump allocator over a list of chunks (see arena.h). Chunks are 16 KiB,
 * or as large as one allocation needs; a config of a few KiB fits in one.
 */
#include "config/arena.h"
#include "host_ops.h"

#define ARENA_CHUNK 16384
#define ARENA_ALIGN 16

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;                          /* bytes of data[] */
	u8 data[] __attribute__((aligned(ARENA_ALIGN)));
};

void *v3_arena_alloc(void **arena, size_t size)
{
	struct arena_chunk *c = *arena;
	size_t chunk_size;
	void *p;

	if (size > ((size_t)1 << 40))
		return NULL;
	size = V3_ALIGN_UP(size, (size_t)ARENA_ALIGN);
	if (!c || c->size - c->used < size) {
		chunk_size = size > ARENA_CHUNK ? size : ARENA_CHUNK;
		c = v3_malloc(sizeof(*c) + chunk_size);
		if (!c)
			return NULL;
		c->next = *arena;
		c->used = 0;
		c->size = chunk_size;
		*arena = c;
	}
	p = c->data + c->used;
	c->used += size;
	return p;
}

void v3_arena_free(void *arena)
{
	struct arena_chunk *c = arena;

	while (c) {
		struct arena_chunk *next = c->next;

		v3_free(c);
		c = next;
	}
}
