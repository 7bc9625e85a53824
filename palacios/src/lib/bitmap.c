/* SPDX-License-Identifier: MIT */
/*
 * Word-at-a-time bitmap ranges and searches (see bitmap.h). A range
 * [start, end) touches a partial first word, whole middle words and a
 * partial last word; every function below follows that shape.
 */
#include "lib/bitmap.h"

/* Mask of bits [0, k) of a word, for 1 <= k <= 64. */
static inline u64 low_bits(u64 k)
{
	return ~0ULL >> (64 - k);
}

/* Mask of bits [lo, hi) of a word, for lo < hi <= 64. */
static inline u64 word_mask(u64 lo, u64 hi)
{
	return low_bits(hi) & (~0ULL << lo);
}

/*
 * __builtin_popcountll() becomes a libgcc call without -mpopcnt, and the
 * core links no libgcc, so count bits with the usual SWAR reduction.
 */
static inline u64 popcount64(u64 x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (x * 0x0101010101010101ULL) >> 56;
}

void v3_bitmap_set_range(u64 *map, u64 start, u64 n)
{
	u64 w, last;

	if (n == 0)
		return;
	w = start / 64;
	last = (start + n - 1) / 64;
	if (w == last) {
		map[w] |= word_mask(start % 64, (start + n - 1) % 64 + 1);
		return;
	}
	map[w++] |= ~0ULL << (start % 64);
	while (w < last)
		map[w++] = ~0ULL;
	map[last] |= low_bits((start + n - 1) % 64 + 1);
}

void v3_bitmap_clear_range(u64 *map, u64 start, u64 n)
{
	u64 w, last;

	if (n == 0)
		return;
	w = start / 64;
	last = (start + n - 1) / 64;
	if (w == last) {
		map[w] &= ~word_mask(start % 64, (start + n - 1) % 64 + 1);
		return;
	}
	map[w++] &= ~(~0ULL << (start % 64));
	while (w < last)
		map[w++] = 0;
	map[last] &= ~low_bits((start + n - 1) % 64 + 1);
}

bool v3_bitmap_range_is_clear(const u64 *map, u64 start, u64 n)
{
	u64 w, last;

	if (n == 0)
		return true;
	w = start / 64;
	last = (start + n - 1) / 64;
	if (w == last)
		return !(map[w] & word_mask(start % 64, (start + n - 1) % 64 + 1));
	if (map[w++] & (~0ULL << (start % 64)))
		return false;
	for (; w < last; w++) {
		if (map[w])
			return false;
	}
	return !(map[last] & low_bits((start + n - 1) % 64 + 1));
}

u64 v3_bitmap_count_range(const u64 *map, u64 start, u64 n)
{
	u64 w, last, count;

	if (n == 0)
		return 0;
	w = start / 64;
	last = (start + n - 1) / 64;
	if (w == last)
		return popcount64(map[w] & word_mask(start % 64, (start + n - 1) % 64 + 1));
	count = popcount64(map[w++] & (~0ULL << (start % 64)));
	for (; w < last; w++)
		count += popcount64(map[w]);
	return count + popcount64(map[last] & low_bits((start + n - 1) % 64 + 1));
}

u64 v3_bitmap_count_set(const u64 *map, u64 nbits)
{
	return v3_bitmap_count_range(map, 0, nbits);
}

/*
 * Shared body of the two searches: invert is 0 to look for a set bit and
 * ~0 to look for a clear one, so whole words that cannot match are skipped
 * with one comparison each.
 */
static inline u64 find_next(const u64 *map, u64 nbits, u64 from, u64 invert)
{
	u64 w, last, word, bit;

	if (from >= nbits)
		return nbits;
	w = from / 64;
	last = (nbits - 1) / 64;
	word = (map[w] ^ invert) & (~0ULL << (from % 64));
	while (!word) {
		if (++w > last)
			return nbits;
		word = map[w] ^ invert;
	}
	bit = w * 64 + __builtin_ctzll(word);
	return bit < nbits ? bit : nbits;
}

u64 v3_bitmap_find_next_set(const u64 *map, u64 nbits, u64 from)
{
	return find_next(map, nbits, from, 0);
}

u64 v3_bitmap_find_next_zero(const u64 *map, u64 nbits, u64 from)
{
	return find_next(map, nbits, from, ~0ULL);
}

/*
 * Try candidates in increasing order. When the window [i, i + n) holds a
 * set bit s, no run can start in [i, s], so the next candidate is the first
 * clear bit after s, rounded up to the alignment. The windows scanned and the
 * set stretches skipped never overlap, so a search reads each word of the
 * map at most about twice whatever n and align are.
 */
u64 v3_bitmap_find_zero_run_phase(const u64 *map, u64 nbits, u64 from, u64 n, u64 align,
				  u64 phase)
{
	u64 mask = align - 1;
	u64 i = from;
	u64 next, set;

	if (n == 0 || n > nbits || !V3_IS_POW2(align))
		return nbits;
	for (;;) {
		next = i + ((phase - i) & mask);
		/* next < i: rounding up wrapped past the top of u64. */
		if (next < i || next > nbits - n)
			return nbits;
		i = next;
		set = v3_bitmap_find_next_set(map, i + n, i);
		if (set == i + n)
			return i;
		i = v3_bitmap_find_next_zero(map, nbits, set + 1);
	}
}
