/* SPDX-License-Identifier: MIT */
/*
 * The allocation arena behind a parsed config: the XML tree, its strings and
 * the image's file list are carved out of a chain of v3_malloc'ed chunks and
 * freed together (struct v3_image's storage). Internal to config/.
 */
#ifndef V3_CONFIG_ARENA_H
#define V3_CONFIG_ARENA_H

#include <v3/types.h>

/*
 * size bytes, 16-byte aligned, from the arena whose head is *arena (NULL for
 * a new, empty arena). NULL when the host has no memory; what the arena
 * already holds stays valid and is still freed by v3_arena_free().
 */
void *v3_arena_alloc(void **arena, size_t size);
/* Frees every chunk of the arena (NULL: nothing). */
void v3_arena_free(void *arena);

#endif /* V3_CONFIG_ARENA_H */
