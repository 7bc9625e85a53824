/* SPDX-License-Identifier: MIT */
/*
 * Bitmaps stored as arrays of u64 words: bit i is bit i % 64 of word i / 64.
 *
 * The host page allocator keeps one bit per physical page (millions of bits),
 * so the range and search functions work a word at a time: a run of n bits
 * costs about n / 64 steps. Functions that take nbits ignore the bits past
 * nbits in the last word, so callers need not keep them clear. No locking:
 * callers serialise access to a map.
 */
#ifndef V3_LIB_BITMAP_H
#define V3_LIB_BITMAP_H

#include <v3/types.h>

#define V3_BITMAP_WORD_BITS 64
/* Number of u64 words needed for nbits bits. */
#define V3_BITMAP_WORDS(nbits) (((nbits) + V3_BITMAP_WORD_BITS - 1) / V3_BITMAP_WORD_BITS)

static inline void v3_bitmap_set(u64 *map, u64 bit)
{
	map[bit / 64] |= 1ULL << (bit % 64);
}

static inline void v3_bitmap_clear(u64 *map, u64 bit)
{
	map[bit / 64] &= ~(1ULL << (bit % 64));
}

static inline bool v3_bitmap_test(const u64 *map, u64 bit)
{
	return (map[bit / 64] >> (bit % 64)) & 1;
}

/* Set or clear bits [start, start + n); n may be 0. */
void v3_bitmap_set_range(u64 *map, u64 start, u64 n);
void v3_bitmap_clear_range(u64 *map, u64 start, u64 n);

/* True if bits [start, start + n) are all clear (true for n == 0). */
bool v3_bitmap_range_is_clear(const u64 *map, u64 start, u64 n);

/* Number of set bits in [start, start + n). */
u64 v3_bitmap_count_range(const u64 *map, u64 start, u64 n);

/* Number of set bits in [0, nbits). */
u64 v3_bitmap_count_set(const u64 *map, u64 nbits);

/* First set (clear) bit at index >= from and < nbits; nbits if there is none. */
u64 v3_bitmap_find_next_set(const u64 *map, u64 nbits, u64 from);
u64 v3_bitmap_find_next_zero(const u64 *map, u64 nbits, u64 from);

/*
 * First index i >= from with i % align == phase % align, bits [i, i + n) all
 * clear and i + n <= nbits; nbits if there is none, if n == 0 or if align is
 * not a power of two. The phase lets a caller align to an absolute address
 * when bit 0 of its map is not itself aligned (a map that starts at a pfn).
 */
u64 v3_bitmap_find_zero_run_phase(const u64 *map, u64 nbits, u64 from, u64 n, u64 align,
				  u64 phase);

/* v3_bitmap_find_zero_run_phase() with phase 0: i % align == 0. */
static inline u64 v3_bitmap_find_zero_run(const u64 *map, u64 nbits, u64 from, u64 n, u64 align)
{
	return v3_bitmap_find_zero_run_phase(map, nbits, from, n, align, 0);
}

#endif /* V3_LIB_BITMAP_H */
