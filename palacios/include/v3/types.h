/* SPDX-License-Identifier: MIT */
/*
 * Fixed-width types shared by the VMM core, its backends and any embedder.
 * Only the compiler's freestanding headers are used, so this compiles in the
 * core, in host-kitten and in host-run unit tests alike.
 */
#ifndef V3_TYPES_H
#define V3_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#define V3_PAGE_SHIFT 12
#define V3_PAGE_SIZE (1UL << V3_PAGE_SHIFT)
#define V3_LARGE_PAGE_SIZE (1UL << 21)
#define V3_HUGE_PAGE_SIZE (1UL << 30)

#define V3_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define V3_ALIGN_UP(x, a) (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define V3_ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define V3_IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a)-1)) == 0)
#define V3_IS_POW2(x) ((x) != 0 && ((x) & ((x)-1)) == 0)

#define v3_likely(x) __builtin_expect(!!(x), 1)
#define v3_unlikely(x) __builtin_expect(!!(x), 0)
#define __v3_packed __attribute__((packed))
#define __v3_printf(a, b) __attribute__((format(printf, a, b)))

#endif /* V3_TYPES_H */
