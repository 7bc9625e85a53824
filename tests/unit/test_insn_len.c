/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the instruction-length decoder (palacios/src/insn_len.c).
 *
 * KNOWN[] holds instructions with their lengths: each line was assembled on
 * its own by GNU as 2.40 (.code16, .code32 or .code64) and the bytes it
 * emitted were recorded; the text is the source line. The hand-written
 * tests below cover what an assembler does not emit: truncation, the
 * 15-byte limit, invalid opcodes, prefix rules and the vendor choices
 * documented in insn_len.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <v3/errno.h>
#include "insn_len.h"

#define EINV (-V3_EINVAL)

/* Which modes a KNOWN[] entry is decoded in. */
enum {
	M16,	/* real and 16-bit protected mode */
	M16V,	/* 16-bit protected mode; VEX/EVEX/XOP, so invalid in real mode */
	M32,
	M64,
};

struct known {
	u8 modes;
	u8 len;
	const char *bytes;
	const char *text;
};

static const struct known KNOWN[] = {
	{ M16,  2, "\x0f\xa2", "cpuid" },
	{ M32,  2, "\x0f\xa2", "cpuid" },
	{ M64,  2, "\x0f\xa2", "cpuid" },
	{ M16,  2, "\x0f\x32", "rdmsr" },
	{ M32,  2, "\x0f\x32", "rdmsr" },
	{ M64,  2, "\x0f\x32", "rdmsr" },
	{ M16,  2, "\x0f\x30", "wrmsr" },
	{ M32,  2, "\x0f\x30", "wrmsr" },
	{ M64,  2, "\x0f\x30", "wrmsr" },
	{ M16,  1, "\xf4", "hlt" },
	{ M32,  1, "\xf4", "hlt" },
	{ M64,  1, "\xf4", "hlt" },
	{ M16,  2, "\x0f\x31", "rdtsc" },
	{ M32,  2, "\x0f\x31", "rdtsc" },
	{ M64,  2, "\x0f\x31", "rdtsc" },
	{ M16,  3, "\x0f\x01\xf9", "rdtscp" },
	{ M32,  3, "\x0f\x01\xf9", "rdtscp" },
	{ M64,  3, "\x0f\x01\xf9", "rdtscp" },
	{ M16,  2, "\x0f\x33", "rdpmc" },
	{ M32,  2, "\x0f\x33", "rdpmc" },
	{ M64,  2, "\x0f\x33", "rdpmc" },
	{ M16,  3, "\x0f\x01\xd1", "xsetbv" },
	{ M32,  3, "\x0f\x01\xd1", "xsetbv" },
	{ M64,  3, "\x0f\x01\xd1", "xsetbv" },
	{ M16,  3, "\x0f\x01\xd0", "xgetbv" },
	{ M32,  3, "\x0f\x01\xd0", "xgetbv" },
	{ M64,  3, "\x0f\x01\xd0", "xgetbv" },
	{ M16,  3, "\x0f\x01\xc8", "monitor" },
	{ M32,  3, "\x0f\x01\xc8", "monitor" },
	{ M64,  3, "\x0f\x01\xc8", "monitor" },
	{ M16,  3, "\x0f\x01\xc9", "mwait" },
	{ M32,  3, "\x0f\x01\xc9", "mwait" },
	{ M64,  3, "\x0f\x01\xc9", "mwait" },
	{ M16,  2, "\xf3\x90", "pause" },
	{ M32,  2, "\xf3\x90", "pause" },
	{ M64,  2, "\xf3\x90", "pause" },
	{ M16,  1, "\x90", "nop" },
	{ M32,  1, "\x90", "nop" },
	{ M64,  1, "\x90", "nop" },
	{ M16,  2, "\xcd\x80", "int $0x80" },
	{ M32,  2, "\xcd\x80", "int $0x80" },
	{ M64,  2, "\xcd\x80", "int $0x80" },
	{ M16,  1, "\xcc", "int3" },
	{ M32,  1, "\xcc", "int3" },
	{ M64,  1, "\xcc", "int3" },
	{ M16,  1, "\xf1", "int1" },
	{ M32,  1, "\xf1", "int1" },
	{ M64,  1, "\xf1", "int1" },
	{ M16,  1, "\xcf", "iret" },
	{ M32,  1, "\xcf", "iret" },
	{ M16,  2, "\x0f\x0b", "ud2" },
	{ M32,  2, "\x0f\x0b", "ud2" },
	{ M64,  2, "\x0f\x0b", "ud2" },
	{ M16,  2, "\x0f\x06", "clts" },
	{ M32,  2, "\x0f\x06", "clts" },
	{ M64,  2, "\x0f\x06", "clts" },
	{ M16,  2, "\x0f\x09", "wbinvd" },
	{ M32,  2, "\x0f\x09", "wbinvd" },
	{ M64,  2, "\x0f\x09", "wbinvd" },
	{ M16,  2, "\x0f\x08", "invd" },
	{ M32,  2, "\x0f\x08", "invd" },
	{ M64,  2, "\x0f\x08", "invd" },
	{ M16,  1, "\xfa", "cli" },
	{ M32,  1, "\xfa", "cli" },
	{ M64,  1, "\xfa", "cli" },
	{ M16,  1, "\xfb", "sti" },
	{ M32,  1, "\xfb", "sti" },
	{ M64,  1, "\xfb", "sti" },
	{ M16,  5, "\x67\xf0\x0f\xb0\x0b", "lock cmpxchg %cl,(%ebx)" },
	{ M32,  4, "\xf0\x0f\xb0\x0b", "lock cmpxchg %cl,(%ebx)" },
	{ M64,  5, "\x67\xf0\x0f\xb0\x0b", "lock cmpxchg %cl,(%ebx)" },
	{ M16,  3, "\x0f\x01\xc1", "vmcall" },
	{ M32,  3, "\x0f\x01\xc1", "vmcall" },
	{ M64,  3, "\x0f\x01\xc1", "vmcall" },
	{ M16,  3, "\x0f\x01\xc2", "vmlaunch" },
	{ M32,  3, "\x0f\x01\xc2", "vmlaunch" },
	{ M64,  3, "\x0f\x01\xc2", "vmlaunch" },
	{ M16,  3, "\x0f\x01\xc3", "vmresume" },
	{ M32,  3, "\x0f\x01\xc3", "vmresume" },
	{ M64,  3, "\x0f\x01\xc3", "vmresume" },
	{ M16,  3, "\x0f\x01\xc4", "vmxoff" },
	{ M32,  3, "\x0f\x01\xc4", "vmxoff" },
	{ M64,  3, "\x0f\x01\xc4", "vmxoff" },
	{ M16,  3, "\x0f\x01\xd9", "vmmcall" },
	{ M32,  3, "\x0f\x01\xd9", "vmmcall" },
	{ M64,  3, "\x0f\x01\xd9", "vmmcall" },
	{ M16,  3, "\x0f\x01\xd8", "vmrun" },
	{ M32,  3, "\x0f\x01\xd8", "vmrun" },
	{ M64,  3, "\x0f\x01\xd8", "vmrun" },
	{ M16,  3, "\x0f\x01\xda", "vmload" },
	{ M32,  3, "\x0f\x01\xda", "vmload" },
	{ M64,  3, "\x0f\x01\xda", "vmload" },
	{ M16,  3, "\x0f\x01\xdb", "vmsave" },
	{ M32,  3, "\x0f\x01\xdb", "vmsave" },
	{ M64,  3, "\x0f\x01\xdb", "vmsave" },
	{ M16,  3, "\x0f\x01\xdc", "stgi" },
	{ M32,  3, "\x0f\x01\xdc", "stgi" },
	{ M64,  3, "\x0f\x01\xdc", "stgi" },
	{ M16,  3, "\x0f\x01\xdd", "clgi" },
	{ M32,  3, "\x0f\x01\xdd", "clgi" },
	{ M64,  3, "\x0f\x01\xdd", "clgi" },
	{ M16,  3, "\x0f\x01\xde", "skinit" },
	{ M32,  3, "\x0f\x01\xde", "skinit" },
	{ M64,  3, "\x0f\x01\xde", "skinit" },
	{ M16,  3, "\x0f\x01\xdf", "invlpga" },
	{ M32,  3, "\x0f\x01\xdf", "invlpga" },
	{ M64,  3, "\x0f\x01\xdf", "invlpga" },
	{ M64,  3, "\x0f\x01\xf8", "swapgs" },
	{ M16,  4, "\x66\x0f\xc7\xf0", "rdrand %eax" },
	{ M32,  3, "\x0f\xc7\xf0", "rdrand %eax" },
	{ M64,  3, "\x0f\xc7\xf0", "rdrand %eax" },
	{ M16,  4, "\x66\x0f\xc7\xf8", "rdseed %eax" },
	{ M32,  3, "\x0f\xc7\xf8", "rdseed %eax" },
	{ M64,  3, "\x0f\xc7\xf8", "rdseed %eax" },
	{ M16,  2, "\xe4\x60", "in $0x60,%al" },
	{ M32,  2, "\xe4\x60", "in $0x60,%al" },
	{ M64,  2, "\xe4\x60", "in $0x60,%al" },
	{ M16,  3, "\x66\xe5\x71", "in $0x71,%eax" },
	{ M32,  2, "\xe5\x71", "in $0x71,%eax" },
	{ M64,  2, "\xe5\x71", "in $0x71,%eax" },
	{ M16,  2, "\xe5\x40", "in $0x40,%ax" },
	{ M32,  3, "\x66\xe5\x40", "in $0x40,%ax" },
	{ M64,  3, "\x66\xe5\x40", "in $0x40,%ax" },
	{ M16,  1, "\xec", "in (%dx),%al" },
	{ M32,  1, "\xec", "in (%dx),%al" },
	{ M64,  1, "\xec", "in (%dx),%al" },
	{ M16,  1, "\xed", "in (%dx),%ax" },
	{ M32,  2, "\x66\xed", "in (%dx),%ax" },
	{ M64,  2, "\x66\xed", "in (%dx),%ax" },
	{ M16,  2, "\x66\xed", "in (%dx),%eax" },
	{ M32,  1, "\xed", "in (%dx),%eax" },
	{ M64,  1, "\xed", "in (%dx),%eax" },
	{ M16,  2, "\xe6\x80", "out %al,$0x80" },
	{ M32,  2, "\xe6\x80", "out %al,$0x80" },
	{ M64,  2, "\xe6\x80", "out %al,$0x80" },
	{ M16,  2, "\xe7\x80", "out %ax,$0x80" },
	{ M32,  3, "\x66\xe7\x80", "out %ax,$0x80" },
	{ M64,  3, "\x66\xe7\x80", "out %ax,$0x80" },
	{ M16,  3, "\x66\xe7\x80", "out %eax,$0x80" },
	{ M32,  2, "\xe7\x80", "out %eax,$0x80" },
	{ M64,  2, "\xe7\x80", "out %eax,$0x80" },
	{ M16,  1, "\xee", "out %al,(%dx)" },
	{ M32,  1, "\xee", "out %al,(%dx)" },
	{ M64,  1, "\xee", "out %al,(%dx)" },
	{ M16,  1, "\xef", "out %ax,(%dx)" },
	{ M32,  2, "\x66\xef", "out %ax,(%dx)" },
	{ M64,  2, "\x66\xef", "out %ax,(%dx)" },
	{ M16,  2, "\x66\xef", "out %eax,(%dx)" },
	{ M32,  1, "\xef", "out %eax,(%dx)" },
	{ M64,  1, "\xef", "out %eax,(%dx)" },
	{ M16,  1, "\x6c", "insb" },
	{ M32,  1, "\x6c", "insb" },
	{ M64,  1, "\x6c", "insb" },
	{ M16,  1, "\x6d", "insw" },
	{ M32,  2, "\x66\x6d", "insw" },
	{ M64,  2, "\x66\x6d", "insw" },
	{ M16,  2, "\x66\x6d", "insl" },
	{ M32,  1, "\x6d", "insl" },
	{ M64,  1, "\x6d", "insl" },
	{ M16,  1, "\x6e", "outsb" },
	{ M32,  1, "\x6e", "outsb" },
	{ M64,  1, "\x6e", "outsb" },
	{ M16,  1, "\x6f", "outsw" },
	{ M32,  2, "\x66\x6f", "outsw" },
	{ M64,  2, "\x66\x6f", "outsw" },
	{ M16,  2, "\x66\x6f", "outsl" },
	{ M32,  1, "\x6f", "outsl" },
	{ M64,  1, "\x6f", "outsl" },
	{ M16,  2, "\xf3\x6c", "rep insb" },
	{ M32,  2, "\xf3\x6c", "rep insb" },
	{ M64,  2, "\xf3\x6c", "rep insb" },
	{ M16,  2, "\xf3\x6d", "rep insw" },
	{ M32,  3, "\x66\xf3\x6d", "rep insw" },
	{ M64,  3, "\x66\xf3\x6d", "rep insw" },
	{ M16,  3, "\x66\xf3\x6d", "rep insl" },
	{ M32,  2, "\xf3\x6d", "rep insl" },
	{ M64,  2, "\xf3\x6d", "rep insl" },
	{ M16,  2, "\xf3\x6e", "rep outsb" },
	{ M32,  2, "\xf3\x6e", "rep outsb" },
	{ M64,  2, "\xf3\x6e", "rep outsb" },
	{ M16,  2, "\xf3\x6f", "rep outsw" },
	{ M32,  3, "\x66\xf3\x6f", "rep outsw" },
	{ M64,  3, "\x66\xf3\x6f", "rep outsw" },
	{ M16,  3, "\x66\xf3\x6f", "rep outsl" },
	{ M32,  2, "\xf3\x6f", "rep outsl" },
	{ M64,  2, "\xf3\x6f", "rep outsl" },
	{ M16,  2, "\xf3\xaa", "rep stosb" },
	{ M32,  2, "\xf3\xaa", "rep stosb" },
	{ M64,  2, "\xf3\xaa", "rep stosb" },
	{ M16,  3, "\x66\xf3\xab", "rep stosl" },
	{ M32,  2, "\xf3\xab", "rep stosl" },
	{ M64,  2, "\xf3\xab", "rep stosl" },
	{ M16,  2, "\xf3\xa4", "rep movsb" },
	{ M32,  2, "\xf3\xa4", "rep movsb" },
	{ M64,  2, "\xf3\xa4", "rep movsb" },
	{ M16,  3, "\x66\xf3\xa5", "rep movsl" },
	{ M32,  2, "\xf3\xa5", "rep movsl" },
	{ M64,  2, "\xf3\xa5", "rep movsl" },
	{ M16,  2, "\xf3\xa5", "rep movsw" },
	{ M32,  3, "\x66\xf3\xa5", "rep movsw" },
	{ M64,  3, "\x66\xf3\xa5", "rep movsw" },
	{ M16,  1, "\xaa", "stosb" },
	{ M32,  1, "\xaa", "stosb" },
	{ M64,  1, "\xaa", "stosb" },
	{ M16,  1, "\xab", "stosw" },
	{ M32,  2, "\x66\xab", "stosw" },
	{ M64,  2, "\x66\xab", "stosw" },
	{ M16,  2, "\x66\xab", "stosl" },
	{ M32,  1, "\xab", "stosl" },
	{ M64,  1, "\xab", "stosl" },
	{ M16,  1, "\xa4", "movsb" },
	{ M32,  1, "\xa4", "movsb" },
	{ M64,  1, "\xa4", "movsb" },
	{ M16,  2, "\x66\xa5", "movsl" },
	{ M32,  1, "\xa5", "movsl" },
	{ M64,  1, "\xa5", "movsl" },
	{ M16,  1, "\xac", "lodsb" },
	{ M32,  1, "\xac", "lodsb" },
	{ M64,  1, "\xac", "lodsb" },
	{ M16,  1, "\xa6", "cmpsb" },
	{ M32,  1, "\xa6", "cmpsb" },
	{ M64,  1, "\xa6", "cmpsb" },
	{ M16,  1, "\xae", "scasb" },
	{ M32,  1, "\xae", "scasb" },
	{ M64,  1, "\xae", "scasb" },
	{ M16,  2, "\xf2\xae", "repne scasb" },
	{ M32,  2, "\xf2\xae", "repne scasb" },
	{ M64,  2, "\xf2\xae", "repne scasb" },
	{ M16,  2, "\x26\xa4", "es movsb" },
	{ M32,  2, "\x26\xa4", "es movsb" },
	{ M16,  1, "\xd7", "xlat" },
	{ M32,  1, "\xd7", "xlat" },
	{ M64,  1, "\xd7", "xlat" },
	{ M16,  1, "\xf8", "clc" },
	{ M32,  1, "\xf8", "clc" },
	{ M64,  1, "\xf8", "clc" },
	{ M16,  1, "\xf5", "cmc" },
	{ M32,  1, "\xf5", "cmc" },
	{ M64,  1, "\xf5", "cmc" },
	{ M16,  1, "\xc9", "leave" },
	{ M32,  1, "\xc9", "leave" },
	{ M64,  1, "\xc9", "leave" },
	{ M16,  1, "\xc3", "ret" },
	{ M32,  1, "\xc3", "ret" },
	{ M64,  1, "\xc3", "ret" },
	{ M16,  3, "\xc2\x08\x00", "ret $8" },
	{ M32,  3, "\xc2\x08\x00", "ret $8" },
	{ M64,  3, "\xc2\x08\x00", "ret $8" },
	{ M16,  1, "\xcb", "lret" },
	{ M32,  1, "\xcb", "lret" },
	{ M16,  3, "\xca\x04\x00", "lret $4" },
	{ M32,  3, "\xca\x04\x00", "lret $4" },
	{ M16,  4, "\xc8\x10\x00\x00", "enter $16,$0" },
	{ M32,  4, "\xc8\x10\x00\x00", "enter $16,$0" },
	{ M64,  4, "\xc8\x10\x00\x00", "enter $16,$0" },
	{ M16,  4, "\xc8\x00\x10\x03", "enter $0x1000,$3" },
	{ M32,  4, "\xc8\x00\x10\x03", "enter $0x1000,$3" },
	{ M64,  4, "\xc8\x00\x10\x03", "enter $0x1000,$3" },
	{ M16,  2, "\x6a\x01", "push $1" },
	{ M32,  2, "\x6a\x01", "push $1" },
	{ M64,  2, "\x6a\x01", "push $1" },
	{ M32,  5, "\x68\x45\x23\x01\x00", "push $0x12345" },
	{ M64,  5, "\x68\x45\x23\x01\x00", "push $0x12345" },
	{ M16,  1, "\x9c", "pushf" },
	{ M32,  1, "\x9c", "pushf" },
	{ M64,  1, "\x9c", "pushf" },
	{ M16,  1, "\x9d", "popf" },
	{ M32,  1, "\x9d", "popf" },
	{ M64,  1, "\x9d", "popf" },
	{ M16,  1, "\x9e", "sahf" },
	{ M32,  1, "\x9e", "sahf" },
	{ M64,  1, "\x9e", "sahf" },
	{ M16,  1, "\x9f", "lahf" },
	{ M32,  1, "\x9f", "lahf" },
	{ M64,  1, "\x9f", "lahf" },
	{ M16,  2, "\x66\x98", "cwtl" },
	{ M32,  1, "\x98", "cwtl" },
	{ M64,  1, "\x98", "cwtl" },
	{ M16,  2, "\x66\x99", "cltd" },
	{ M32,  1, "\x99", "cltd" },
	{ M64,  1, "\x99", "cltd" },
	{ M16,  1, "\x9b", "wait" },
	{ M32,  1, "\x9b", "wait" },
	{ M64,  1, "\x9b", "wait" },
	{ M16,  2, "\xdb\xe3", "fninit" },
	{ M32,  2, "\xdb\xe3", "fninit" },
	{ M64,  2, "\xdb\xe3", "fninit" },
	{ M16,  2, "\xd9\xee", "fldz" },
	{ M32,  2, "\xd9\xee", "fldz" },
	{ M64,  2, "\xd9\xee", "fldz" },
	{ M16,  2, "\xd9\xe8", "fld1" },
	{ M32,  2, "\xd9\xe8", "fld1" },
	{ M64,  2, "\xd9\xe8", "fld1" },
	{ M16,  2, "\x66\x93", "xchg %eax,%ebx" },
	{ M32,  1, "\x93", "xchg %eax,%ebx" },
	{ M64,  1, "\x93", "xchg %eax,%ebx" },
	{ M16,  2, "\x86\xc3", "xchg %al,%bl" },
	{ M32,  2, "\x86\xc3", "xchg %al,%bl" },
	{ M64,  2, "\x86\xc3", "xchg %al,%bl" },
	{ M16,  4, "\x66\x0f\xb6\xd8", "movzbl %al,%ebx" },
	{ M32,  3, "\x0f\xb6\xd8", "movzbl %al,%ebx" },
	{ M64,  3, "\x0f\xb6\xd8", "movzbl %al,%ebx" },
	{ M16,  4, "\x66\x0f\xbe\xd8", "movsbl %al,%ebx" },
	{ M32,  3, "\x0f\xbe\xd8", "movsbl %al,%ebx" },
	{ M64,  3, "\x0f\xbe\xd8", "movsbl %al,%ebx" },
	{ M16,  3, "\x66\x0f\xc8", "bswap %eax" },
	{ M32,  2, "\x0f\xc8", "bswap %eax" },
	{ M64,  2, "\x0f\xc8", "bswap %eax" },
	{ M16,  5, "\x66\xf3\x0f\xb8\xc1", "popcnt %ecx,%eax" },
	{ M32,  4, "\xf3\x0f\xb8\xc1", "popcnt %ecx,%eax" },
	{ M64,  4, "\xf3\x0f\xb8\xc1", "popcnt %ecx,%eax" },
	{ M16,  5, "\x66\xf3\x0f\xbd\xc1", "lzcnt %ecx,%eax" },
	{ M32,  4, "\xf3\x0f\xbd\xc1", "lzcnt %ecx,%eax" },
	{ M64,  4, "\xf3\x0f\xbd\xc1", "lzcnt %ecx,%eax" },
	{ M16,  5, "\x66\xf3\x0f\xbc\xc1", "tzcnt %ecx,%eax" },
	{ M32,  4, "\xf3\x0f\xbc\xc1", "tzcnt %ecx,%eax" },
	{ M64,  4, "\xf3\x0f\xbc\xc1", "tzcnt %ecx,%eax" },
	{ M16,  5, "\xf2\x0f\x38\xf0\xc1", "crc32b %cl,%eax" },
	{ M32,  5, "\xf2\x0f\x38\xf0\xc1", "crc32b %cl,%eax" },
	{ M64,  5, "\xf2\x0f\x38\xf0\xc1", "crc32b %cl,%eax" },
	{ M16,  6, "\x66\xf2\x0f\x38\xf1\xc1", "crc32l %ecx,%eax" },
	{ M32,  5, "\xf2\x0f\x38\xf1\xc1", "crc32l %ecx,%eax" },
	{ M64,  5, "\xf2\x0f\x38\xf1\xc1", "crc32l %ecx,%eax" },
	{ M16,  6, "\x67\x66\x0f\x38\xf0\x00", "movbe (%eax),%eax" },
	{ M32,  4, "\x0f\x38\xf0\x00", "movbe (%eax),%eax" },
	{ M64,  5, "\x67\x0f\x38\xf0\x00", "movbe (%eax),%eax" },
	{ M16,  5, "\x66\x0f\xa4\xc3\x03", "shld $3,%eax,%ebx" },
	{ M32,  4, "\x0f\xa4\xc3\x03", "shld $3,%eax,%ebx" },
	{ M64,  4, "\x0f\xa4\xc3\x03", "shld $3,%eax,%ebx" },
	{ M16,  4, "\x66\x0f\xad\xc3", "shrd %cl,%eax,%ebx" },
	{ M32,  3, "\x0f\xad\xc3", "shrd %cl,%eax,%ebx" },
	{ M64,  3, "\x0f\xad\xc3", "shrd %cl,%eax,%ebx" },
	{ M16,  5, "\x66\x0f\xba\xe0\x05", "bt $5,%eax" },
	{ M32,  4, "\x0f\xba\xe0\x05", "bt $5,%eax" },
	{ M64,  4, "\x0f\xba\xe0\x05", "bt $5,%eax" },
	{ M16,  4, "\x66\x0f\xab\xc3", "bts %eax,%ebx" },
	{ M32,  3, "\x0f\xab\xc3", "bts %eax,%ebx" },
	{ M64,  3, "\x0f\xab\xc3", "bts %eax,%ebx" },
	{ M16,  4, "\x66\x6b\xd8\x07", "imul $7,%eax,%ebx" },
	{ M32,  3, "\x6b\xd8\x07", "imul $7,%eax,%ebx" },
	{ M64,  3, "\x6b\xd8\x07", "imul $7,%eax,%ebx" },
	{ M16,  7, "\x66\x69\xd8\x34\x12\x00\x00", "imul $0x1234,%eax,%ebx" },
	{ M32,  6, "\x69\xd8\x34\x12\x00\x00", "imul $0x1234,%eax,%ebx" },
	{ M64,  6, "\x69\xd8\x34\x12\x00\x00", "imul $0x1234,%eax,%ebx" },
	{ M16,  4, "\x66\x0f\xaf\xd8", "imul %eax,%ebx" },
	{ M32,  3, "\x0f\xaf\xd8", "imul %eax,%ebx" },
	{ M64,  3, "\x0f\xaf\xd8", "imul %eax,%ebx" },
	{ M16,  4, "\x66\xc1\xe0\x03", "shl $3,%eax" },
	{ M32,  3, "\xc1\xe0\x03", "shl $3,%eax" },
	{ M64,  3, "\xc1\xe0\x03", "shl $3,%eax" },
	{ M16,  3, "\x66\xd1\xe0", "shl %eax" },
	{ M32,  2, "\xd1\xe0", "shl %eax" },
	{ M64,  2, "\xd1\xe0", "shl %eax" },
	{ M16,  3, "\x66\xd3\xf8", "sar %cl,%eax" },
	{ M32,  2, "\xd3\xf8", "sar %cl,%eax" },
	{ M64,  2, "\xd3\xf8", "sar %cl,%eax" },
	{ M16,  2, "\xd0\xc0", "rol $1,%al" },
	{ M32,  2, "\xd0\xc0", "rol $1,%al" },
	{ M64,  2, "\xd0\xc0", "rol $1,%al" },
	{ M16,  2, "\xa8\x01", "test $1,%al" },
	{ M32,  2, "\xa8\x01", "test $1,%al" },
	{ M64,  2, "\xa8\x01", "test $1,%al" },
	{ M16,  6, "\x66\xa9\x00\x00\x01\x00", "test $0x10000,%eax" },
	{ M32,  5, "\xa9\x00\x00\x01\x00", "test $0x10000,%eax" },
	{ M64,  5, "\xa9\x00\x00\x01\x00", "test $0x10000,%eax" },
	{ M16,  3, "\xf6\xc3\x01", "testb $1,%bl" },
	{ M32,  3, "\xf6\xc3\x01", "testb $1,%bl" },
	{ M64,  3, "\xf6\xc3\x01", "testb $1,%bl" },
	{ M16,  7, "\x66\xf7\xc3\x78\x56\x34\x12", "testl $0x12345678,%ebx" },
	{ M32,  6, "\xf7\xc3\x78\x56\x34\x12", "testl $0x12345678,%ebx" },
	{ M64,  6, "\xf7\xc3\x78\x56\x34\x12", "testl $0x12345678,%ebx" },
	{ M16,  3, "\x66\xf7\xd3", "notl %ebx" },
	{ M32,  2, "\xf7\xd3", "notl %ebx" },
	{ M64,  2, "\xf7\xd3", "notl %ebx" },
	{ M16,  2, "\xf6\xdb", "negb %bl" },
	{ M32,  2, "\xf6\xdb", "negb %bl" },
	{ M64,  2, "\xf6\xdb", "negb %bl" },
	{ M16,  3, "\x66\xf7\xe3", "mull %ebx" },
	{ M32,  2, "\xf7\xe3", "mull %ebx" },
	{ M64,  2, "\xf7\xe3", "mull %ebx" },
	{ M16,  3, "\x66\xf7\xf9", "idivl %ecx" },
	{ M32,  2, "\xf7\xf9", "idivl %ecx" },
	{ M64,  2, "\xf7\xf9", "idivl %ecx" },
	{ M16,  2, "\x66\x43", "incl %ebx" },
	{ M32,  1, "\x43", "incl %ebx" },
	{ M64,  2, "\xff\xc3", "incl %ebx" },
	{ M16,  2, "\xfe\xcf", "decb %bh" },
	{ M32,  2, "\xfe\xcf", "decb %bh" },
	{ M64,  2, "\xfe\xcf", "decb %bh" },
	{ M16,  2, "\x04\x01", "add $1,%al" },
	{ M32,  2, "\x04\x01", "add $1,%al" },
	{ M64,  2, "\x04\x01", "add $1,%al" },
	{ M16,  6, "\x66\x05\x00\x01\x00\x00", "add $0x100,%eax" },
	{ M32,  5, "\x05\x00\x01\x00\x00", "add $0x100,%eax" },
	{ M64,  5, "\x05\x00\x01\x00\x00", "add $0x100,%eax" },
	{ M16,  4, "\x66\x83\xc3\x01", "add $1,%ebx" },
	{ M32,  3, "\x83\xc3\x01", "add $1,%ebx" },
	{ M64,  3, "\x83\xc3\x01", "add $1,%ebx" },
	{ M16,  7, "\x66\x81\xc3\x00\x01\x00\x00", "add $0x100,%ebx" },
	{ M32,  6, "\x81\xc3\x00\x01\x00\x00", "add $0x100,%ebx" },
	{ M64,  6, "\x81\xc3\x00\x01\x00\x00", "add $0x100,%ebx" },
	{ M16,  3, "\x80\xc3\x01", "addb $1,%bl" },
	{ M32,  3, "\x80\xc3\x01", "addb $1,%bl" },
	{ M64,  3, "\x80\xc3\x01", "addb $1,%bl" },
	{ M16,  3, "\x66\x29\xc3", "sub %eax,%ebx" },
	{ M32,  2, "\x29\xc3", "sub %eax,%ebx" },
	{ M64,  2, "\x29\xc3", "sub %eax,%ebx" },
	{ M16,  2, "\x38\xc3", "cmp %al,%bl" },
	{ M32,  2, "\x38\xc3", "cmp %al,%bl" },
	{ M64,  2, "\x38\xc3", "cmp %al,%bl" },
	{ M16,  6, "\x66\x25\xf0\x00\x00\x00", "and $0xf0,%eax" },
	{ M32,  5, "\x25\xf0\x00\x00\x00", "and $0xf0,%eax" },
	{ M64,  5, "\x25\xf0\x00\x00\x00", "and $0xf0,%eax" },
	{ M16,  6, "\x66\x0d\x00\x00\x00\x80", "or $0x80000000,%eax" },
	{ M32,  5, "\x0d\x00\x00\x00\x80", "or $0x80000000,%eax" },
	{ M64,  5, "\x0d\x00\x00\x00\x80", "or $0x80000000,%eax" },
	{ M16,  3, "\x66\x31\xc0", "xor %eax,%eax" },
	{ M32,  2, "\x31\xc0", "xor %eax,%eax" },
	{ M64,  2, "\x31\xc0", "xor %eax,%eax" },
	{ M16,  4, "\x66\x83\xd3\x01", "adc $1,%ebx" },
	{ M32,  3, "\x83\xd3\x01", "adc $1,%ebx" },
	{ M64,  3, "\x83\xd3\x01", "adc $1,%ebx" },
	{ M16,  4, "\x66\x83\xdb\x01", "sbb $1,%ebx" },
	{ M32,  3, "\x83\xdb\x01", "sbb $1,%ebx" },
	{ M64,  3, "\x83\xdb\x01", "sbb $1,%ebx" },
	{ M16,  2, "\xeb\x00", "jmp .+2" },
	{ M32,  2, "\xeb\x00", "jmp .+2" },
	{ M64,  2, "\xeb\x00", "jmp .+2" },
	{ M16,  3, "\xe9\xfd\x0f", "jmp .+0x1000" },
	{ M32,  5, "\xe9\xfb\x0f\x00\x00", "jmp .+0x1000" },
	{ M64,  5, "\xe9\xfb\x0f\x00\x00", "jmp .+0x1000" },
	{ M16,  2, "\x75\x00", "jne .+2" },
	{ M32,  2, "\x75\x00", "jne .+2" },
	{ M64,  2, "\x75\x00", "jne .+2" },
	{ M16,  4, "\x0f\x85\xfc\x0f", "jne .+0x1000" },
	{ M32,  6, "\x0f\x85\xfa\x0f\x00\x00", "jne .+0x1000" },
	{ M64,  6, "\x0f\x85\xfa\x0f\x00\x00", "jne .+0x1000" },
	{ M16,  3, "\xe8\xfd\x0f", "call .+0x1000" },
	{ M32,  5, "\xe8\xfb\x0f\x00\x00", "call .+0x1000" },
	{ M64,  5, "\xe8\xfb\x0f\x00\x00", "call .+0x1000" },
	{ M16,  3, "\x67\xe3\xff", "jecxz .+2" },
	{ M32,  2, "\xe3\x00", "jecxz .+2" },
	{ M64,  3, "\x67\xe3\xff", "jecxz .+2" },
	{ M16,  2, "\xe2\x00", "loop .+2" },
	{ M32,  2, "\xe2\x00", "loop .+2" },
	{ M64,  2, "\xe2\x00", "loop .+2" },
	{ M16,  2, "\xe0\x00", "loopne .+2" },
	{ M32,  2, "\xe0\x00", "loopne .+2" },
	{ M64,  2, "\xe0\x00", "loopne .+2" },
	{ M16,  3, "\x0f\x90\xc0", "seto %al" },
	{ M32,  3, "\x0f\x90\xc0", "seto %al" },
	{ M64,  3, "\x0f\x90\xc0", "seto %al" },
	{ M16,  4, "\x66\x0f\x45\xd8", "cmovne %eax,%ebx" },
	{ M32,  3, "\x0f\x45\xd8", "cmovne %eax,%ebx" },
	{ M64,  3, "\x0f\x45\xd8", "cmovne %eax,%ebx" },
	{ M16,  4, "\x67\x0f\xc7\x0b", "cmpxchg8b (%ebx)" },
	{ M32,  3, "\x0f\xc7\x0b", "cmpxchg8b (%ebx)" },
	{ M64,  4, "\x67\x0f\xc7\x0b", "cmpxchg8b (%ebx)" },
	{ M16,  5, "\x67\x66\x0f\xc1\x03", "xadd %eax,(%ebx)" },
	{ M32,  3, "\x0f\xc1\x03", "xadd %eax,(%ebx)" },
	{ M64,  4, "\x67\x0f\xc1\x03", "xadd %eax,(%ebx)" },
	{ M16,  3, "\x0f\xae\xf0", "mfence" },
	{ M32,  3, "\x0f\xae\xf0", "mfence" },
	{ M64,  3, "\x0f\xae\xf0", "mfence" },
	{ M16,  3, "\x0f\xae\xe8", "lfence" },
	{ M32,  3, "\x0f\xae\xe8", "lfence" },
	{ M64,  3, "\x0f\xae\xe8", "lfence" },
	{ M16,  3, "\x0f\xae\xf8", "sfence" },
	{ M32,  3, "\x0f\xae\xf8", "sfence" },
	{ M64,  3, "\x0f\xae\xf8", "sfence" },
	{ M16,  4, "\x67\x0f\xae\x3b", "clflush (%ebx)" },
	{ M32,  3, "\x0f\xae\x3b", "clflush (%ebx)" },
	{ M64,  4, "\x67\x0f\xae\x3b", "clflush (%ebx)" },
	{ M16,  4, "\x67\x0f\xae\x03", "fxsave (%ebx)" },
	{ M32,  3, "\x0f\xae\x03", "fxsave (%ebx)" },
	{ M64,  4, "\x67\x0f\xae\x03", "fxsave (%ebx)" },
	{ M16,  4, "\x67\x0f\xae\x0b", "fxrstor (%ebx)" },
	{ M32,  3, "\x0f\xae\x0b", "fxrstor (%ebx)" },
	{ M64,  4, "\x67\x0f\xae\x0b", "fxrstor (%ebx)" },
	{ M16,  4, "\x67\x0f\xae\x23", "xsave (%ebx)" },
	{ M32,  3, "\x0f\xae\x23", "xsave (%ebx)" },
	{ M64,  4, "\x67\x0f\xae\x23", "xsave (%ebx)" },
	{ M16,  4, "\x67\x0f\xae\x2b", "xrstor (%ebx)" },
	{ M32,  3, "\x0f\xae\x2b", "xrstor (%ebx)" },
	{ M64,  4, "\x67\x0f\xae\x2b", "xrstor (%ebx)" },
	{ M16,  4, "\x67\x0f\xae\x13", "ldmxcsr (%ebx)" },
	{ M32,  3, "\x0f\xae\x13", "ldmxcsr (%ebx)" },
	{ M64,  4, "\x67\x0f\xae\x13", "ldmxcsr (%ebx)" },
	{ M16,  4, "\x67\x0f\x18\x0b", "prefetcht0 (%ebx)" },
	{ M32,  3, "\x0f\x18\x0b", "prefetcht0 (%ebx)" },
	{ M64,  4, "\x67\x0f\x18\x0b", "prefetcht0 (%ebx)" },
	{ M16,  4, "\x67\x0f\x0d\x0b", "prefetchw (%ebx)" },
	{ M32,  3, "\x0f\x0d\x0b", "prefetchw (%ebx)" },
	{ M64,  4, "\x67\x0f\x0d\x0b", "prefetchw (%ebx)" },
	{ M16,  5, "\x67\x66\x0f\x1f\x00", "nopl (%eax)" },
	{ M32,  3, "\x0f\x1f\x00", "nopl (%eax)" },
	{ M64,  4, "\x67\x0f\x1f\x00", "nopl (%eax)" },
	{ M16,  5, "\x67\x0f\x1f\x04\x00", "nopw 0(%eax,%eax,1)" },
	{ M32,  5, "\x66\x0f\x1f\x04\x00", "nopw 0(%eax,%eax,1)" },
	{ M64,  6, "\x67\x66\x0f\x1f\x04\x00", "nopw 0(%eax,%eax,1)" },
	{ M16,  3, "\x0f\x28\xc8", "movaps %xmm0,%xmm1" },
	{ M32,  3, "\x0f\x28\xc8", "movaps %xmm0,%xmm1" },
	{ M64,  3, "\x0f\x28\xc8", "movaps %xmm0,%xmm1" },
	{ M16,  4, "\x67\x0f\x28\x0b", "movaps (%ebx),%xmm1" },
	{ M32,  3, "\x0f\x28\x0b", "movaps (%ebx),%xmm1" },
	{ M64,  4, "\x67\x0f\x28\x0b", "movaps (%ebx),%xmm1" },
	{ M16,  5, "\x67\xf3\x0f\x7f\x03", "movdqu %xmm0,(%ebx)" },
	{ M32,  4, "\xf3\x0f\x7f\x03", "movdqu %xmm0,(%ebx)" },
	{ M64,  5, "\x67\xf3\x0f\x7f\x03", "movdqu %xmm0,(%ebx)" },
	{ M16,  4, "\x66\x0f\x6e\xc0", "movd %eax,%xmm0" },
	{ M32,  4, "\x66\x0f\x6e\xc0", "movd %eax,%xmm0" },
	{ M64,  4, "\x66\x0f\x6e\xc0", "movd %eax,%xmm0" },
	{ M16,  4, "\xf3\x0f\x7e\xc8", "movq %xmm0,%xmm1" },
	{ M32,  4, "\xf3\x0f\x7e\xc8", "movq %xmm0,%xmm1" },
	{ M64,  4, "\xf3\x0f\x7e\xc8", "movq %xmm0,%xmm1" },
	{ M16,  5, "\x66\x0f\x70\xc8\x1b", "pshufd $0x1b,%xmm0,%xmm1" },
	{ M32,  5, "\x66\x0f\x70\xc8\x1b", "pshufd $0x1b,%xmm0,%xmm1" },
	{ M64,  5, "\x66\x0f\x70\xc8\x1b", "pshufd $0x1b,%xmm0,%xmm1" },
	{ M16,  5, "\x66\x0f\x71\xd0\x03", "psrlw $3,%xmm0" },
	{ M32,  5, "\x66\x0f\x71\xd0\x03", "psrlw $3,%xmm0" },
	{ M64,  5, "\x66\x0f\x71\xd0\x03", "psrlw $3,%xmm0" },
	{ M16,  4, "\x0f\x72\xd0\x03", "psrld $3,%mm0" },
	{ M32,  4, "\x0f\x72\xd0\x03", "psrld $3,%mm0" },
	{ M64,  4, "\x0f\x72\xd0\x03", "psrld $3,%mm0" },
	{ M16,  4, "\x0f\xc2\xc8\x01", "cmpps $1,%xmm0,%xmm1" },
	{ M32,  4, "\x0f\xc2\xc8\x01", "cmpps $1,%xmm0,%xmm1" },
	{ M64,  4, "\x0f\xc2\xc8\x01", "cmpps $1,%xmm0,%xmm1" },
	{ M16,  5, "\x66\x0f\xc4\xc0\x02", "pinsrw $2,%eax,%xmm0" },
	{ M32,  5, "\x66\x0f\xc4\xc0\x02", "pinsrw $2,%eax,%xmm0" },
	{ M64,  5, "\x66\x0f\xc4\xc0\x02", "pinsrw $2,%eax,%xmm0" },
	{ M16,  5, "\x66\x0f\xc5\xc0\x02", "pextrw $2,%xmm0,%eax" },
	{ M32,  5, "\x66\x0f\xc5\xc0\x02", "pextrw $2,%xmm0,%eax" },
	{ M64,  5, "\x66\x0f\xc5\xc0\x02", "pextrw $2,%xmm0,%eax" },
	{ M16,  4, "\x0f\xc6\xc8\x03", "shufps $3,%xmm0,%xmm1" },
	{ M32,  4, "\x0f\xc6\xc8\x03", "shufps $3,%xmm0,%xmm1" },
	{ M64,  4, "\x0f\xc6\xc8\x03", "shufps $3,%xmm0,%xmm1" },
	{ M16,  5, "\x66\x0f\x38\x00\xc8", "pshufb %xmm0,%xmm1" },
	{ M32,  5, "\x66\x0f\x38\x00\xc8", "pshufb %xmm0,%xmm1" },
	{ M64,  5, "\x66\x0f\x38\x00\xc8", "pshufb %xmm0,%xmm1" },
	{ M16,  6, "\x66\x0f\x3a\x0f\xc8\x04", "palignr $4,%xmm0,%xmm1" },
	{ M32,  6, "\x66\x0f\x3a\x0f\xc8\x04", "palignr $4,%xmm0,%xmm1" },
	{ M64,  6, "\x66\x0f\x3a\x0f\xc8\x04", "palignr $4,%xmm0,%xmm1" },
	{ M16,  6, "\x66\x0f\x3a\x0e\xc8\x04", "pblendw $4,%xmm0,%xmm1" },
	{ M32,  6, "\x66\x0f\x3a\x0e\xc8\x04", "pblendw $4,%xmm0,%xmm1" },
	{ M64,  6, "\x66\x0f\x3a\x0e\xc8\x04", "pblendw $4,%xmm0,%xmm1" },
	{ M16,  6, "\x66\x0f\x3a\x0a\xc8\x01", "roundss $1,%xmm0,%xmm1" },
	{ M32,  6, "\x66\x0f\x3a\x0a\xc8\x01", "roundss $1,%xmm0,%xmm1" },
	{ M64,  6, "\x66\x0f\x3a\x0a\xc8\x01", "roundss $1,%xmm0,%xmm1" },
	{ M16,  7, "\x67\x66\x0f\x3a\x14\x03\x01", "pextrb $1,%xmm0,(%ebx)" },
	{ M32,  6, "\x66\x0f\x3a\x14\x03\x01", "pextrb $1,%xmm0,(%ebx)" },
	{ M64,  7, "\x67\x66\x0f\x3a\x14\x03\x01", "pextrb $1,%xmm0,(%ebx)" },
	{ M16,  6, "\x66\x0f\x3a\x63\xc8\x00", "pcmpistri $0,%xmm0,%xmm1" },
	{ M32,  6, "\x66\x0f\x3a\x63\xc8\x00", "pcmpistri $0,%xmm0,%xmm1" },
	{ M64,  6, "\x66\x0f\x3a\x63\xc8\x00", "pcmpistri $0,%xmm0,%xmm1" },
	{ M16,  5, "\x66\x0f\x38\xdc\xc8", "aesenc %xmm0,%xmm1" },
	{ M32,  5, "\x66\x0f\x38\xdc\xc8", "aesenc %xmm0,%xmm1" },
	{ M64,  5, "\x66\x0f\x38\xdc\xc8", "aesenc %xmm0,%xmm1" },
	{ M16,  6, "\x66\x0f\x3a\x44\xc8\x11", "pclmulqdq $0x11,%xmm0,%xmm1" },
	{ M32,  6, "\x66\x0f\x3a\x44\xc8\x11", "pclmulqdq $0x11,%xmm0,%xmm1" },
	{ M64,  6, "\x66\x0f\x3a\x44\xc8\x11", "pclmulqdq $0x11,%xmm0,%xmm1" },
	{ M16,  5, "\x0f\x3a\xcc\xc8\x01", "sha1rnds4 $1,%xmm0,%xmm1" },
	{ M32,  5, "\x0f\x3a\xcc\xc8\x01", "sha1rnds4 $1,%xmm0,%xmm1" },
	{ M64,  5, "\x0f\x3a\xcc\xc8\x01", "sha1rnds4 $1,%xmm0,%xmm1" },
	{ M16,  2, "\x0f\x77", "emms" },
	{ M32,  2, "\x0f\x77", "emms" },
	{ M64,  2, "\x0f\x77", "emms" },
	{ M16,  2, "\x0f\x0e", "femms" },
	{ M32,  2, "\x0f\x0e", "femms" },
	{ M64,  2, "\x0f\x0e", "femms" },
	{ M16,  4, "\x0f\x0f\xc1\x9e", "pfadd %mm1,%mm0" },
	{ M32,  4, "\x0f\x0f\xc1\x9e", "pfadd %mm1,%mm0" },
	{ M64,  4, "\x0f\x0f\xc1\x9e", "pfadd %mm1,%mm0" },
	{ M16,  5, "\x67\x0f\x0f\x03\xb4", "pfmul (%ebx),%mm0" },
	{ M32,  4, "\x0f\x0f\x03\xb4", "pfmul (%ebx),%mm0" },
	{ M64,  5, "\x67\x0f\x0f\x03\xb4", "pfmul (%ebx),%mm0" },
	{ M16,  6, "\x66\x0f\x78\xc0\x08\x04", "extrq $4,$8,%xmm0" },
	{ M32,  6, "\x66\x0f\x78\xc0\x08\x04", "extrq $4,$8,%xmm0" },
	{ M64,  6, "\x66\x0f\x78\xc0\x08\x04", "extrq $4,$8,%xmm0" },
	{ M16,  6, "\xf2\x0f\x78\xc1\x08\x04", "insertq $4,$8,%xmm1,%xmm0" },
	{ M32,  6, "\xf2\x0f\x78\xc1\x08\x04", "insertq $4,$8,%xmm1,%xmm0" },
	{ M64,  6, "\xf2\x0f\x78\xc1\x08\x04", "insertq $4,$8,%xmm1,%xmm0" },
	{ M16,  4, "\x66\x0f\x79\xc1", "extrq %xmm1,%xmm0" },
	{ M32,  4, "\x66\x0f\x79\xc1", "extrq %xmm1,%xmm0" },
	{ M64,  4, "\x66\x0f\x79\xc1", "extrq %xmm1,%xmm0" },
	{ M16V,  3, "\xc5\xf8\x77", "vzeroupper" },
	{ M32,  3, "\xc5\xf8\x77", "vzeroupper" },
	{ M64,  3, "\xc5\xf8\x77", "vzeroupper" },
	{ M16V,  3, "\xc5\xfc\x77", "vzeroall" },
	{ M32,  3, "\xc5\xfc\x77", "vzeroall" },
	{ M64,  3, "\xc5\xfc\x77", "vzeroall" },
	{ M16V,  4, "\xc5\xfe\x6f\xc8", "vmovdqu %ymm0,%ymm1" },
	{ M32,  4, "\xc5\xfe\x6f\xc8", "vmovdqu %ymm0,%ymm1" },
	{ M64,  4, "\xc5\xfe\x6f\xc8", "vmovdqu %ymm0,%ymm1" },
	{ M16V,  5, "\x67\xc5\xfe\x6f\x0b", "vmovdqu (%ebx),%ymm1" },
	{ M32,  4, "\xc5\xfe\x6f\x0b", "vmovdqu (%ebx),%ymm1" },
	{ M64,  5, "\x67\xc5\xfe\x6f\x0b", "vmovdqu (%ebx),%ymm1" },
	{ M16V,  4, "\xc5\xf4\x58\xd0", "vaddps %ymm0,%ymm1,%ymm2" },
	{ M32,  4, "\xc5\xf4\x58\xd0", "vaddps %ymm0,%ymm1,%ymm2" },
	{ M64,  4, "\xc5\xf4\x58\xd0", "vaddps %ymm0,%ymm1,%ymm2" },
	{ M16V,  5, "\xc5\xf9\x70\xc8\x1b", "vpshufd $0x1b,%xmm0,%xmm1" },
	{ M32,  5, "\xc5\xf9\x70\xc8\x1b", "vpshufd $0x1b,%xmm0,%xmm1" },
	{ M64,  5, "\xc5\xf9\x70\xc8\x1b", "vpshufd $0x1b,%xmm0,%xmm1" },
	{ M16V,  5, "\xc5\xf5\x72\xd0\x03", "vpsrld $3,%ymm0,%ymm1" },
	{ M32,  5, "\xc5\xf5\x72\xd0\x03", "vpsrld $3,%ymm0,%ymm1" },
	{ M64,  5, "\xc5\xf5\x72\xd0\x03", "vpsrld $3,%ymm0,%ymm1" },
	{ M16V,  5, "\xc5\xf0\xc2\xd0\x01", "vcmpps $1,%xmm0,%xmm1,%xmm2" },
	{ M32,  5, "\xc5\xf0\xc2\xd0\x01", "vcmpps $1,%xmm0,%xmm1,%xmm2" },
	{ M64,  5, "\xc5\xf0\xc2\xd0\x01", "vcmpps $1,%xmm0,%xmm1,%xmm2" },
	{ M16V,  5, "\xc5\xf1\xc4\xd0\x01", "vpinsrw $1,%eax,%xmm1,%xmm2" },
	{ M32,  5, "\xc5\xf1\xc4\xd0\x01", "vpinsrw $1,%eax,%xmm1,%xmm2" },
	{ M64,  5, "\xc5\xf1\xc4\xd0\x01", "vpinsrw $1,%eax,%xmm1,%xmm2" },
	{ M16V,  5, "\xc5\xf0\xc6\xd0\x01", "vshufps $1,%xmm0,%xmm1,%xmm2" },
	{ M32,  5, "\xc5\xf0\xc6\xd0\x01", "vshufps $1,%xmm0,%xmm1,%xmm2" },
	{ M64,  5, "\xc5\xf0\xc6\xd0\x01", "vshufps $1,%xmm0,%xmm1,%xmm2" },
	{ M16V,  5, "\xc4\xe2\x75\xb8\xd0", "vfmadd231ps %ymm0,%ymm1,%ymm2" },
	{ M32,  5, "\xc4\xe2\x75\xb8\xd0", "vfmadd231ps %ymm0,%ymm1,%ymm2" },
	{ M64,  5, "\xc4\xe2\x75\xb8\xd0", "vfmadd231ps %ymm0,%ymm1,%ymm2" },
	{ M16V,  5, "\xc4\xe2\x75\x36\xd0", "vpermd %ymm0,%ymm1,%ymm2" },
	{ M32,  5, "\xc4\xe2\x75\x36\xd0", "vpermd %ymm0,%ymm1,%ymm2" },
	{ M64,  5, "\xc4\xe2\x75\x36\xd0", "vpermd %ymm0,%ymm1,%ymm2" },
	{ M16V,  6, "\xc4\xe3\x71\x0f\xd0\x05", "vpalignr $5,%xmm0,%xmm1,%xmm2" },
	{ M32,  6, "\xc4\xe3\x71\x0f\xd0\x05", "vpalignr $5,%xmm0,%xmm1,%xmm2" },
	{ M64,  6, "\xc4\xe3\x71\x0f\xd0\x05", "vpalignr $5,%xmm0,%xmm1,%xmm2" },
	{ M16V,  6, "\xc4\xe3\x75\x46\xd0\x20", "vperm2i128 $0x20,%ymm0,%ymm1,%ymm2" },
	{ M32,  6, "\xc4\xe3\x75\x46\xd0\x20", "vperm2i128 $0x20,%ymm0,%ymm1,%ymm2" },
	{ M64,  6, "\xc4\xe3\x75\x46\xd0\x20", "vperm2i128 $0x20,%ymm0,%ymm1,%ymm2" },
	{ M16V,  7, "\x67\xc4\xe3\x75\x02\x13\x20", "vpblendd $0x20,(%ebx),%ymm1,%ymm2" },
	{ M32,  6, "\xc4\xe3\x75\x02\x13\x20", "vpblendd $0x20,(%ebx),%ymm1,%ymm2" },
	{ M64,  7, "\x67\xc4\xe3\x75\x02\x13\x20", "vpblendd $0x20,(%ebx),%ymm1,%ymm2" },
	{ M16V,  5, "\xc4\xe2\x60\xf2\xc8", "andn %eax,%ebx,%ecx" },
	{ M32,  5, "\xc4\xe2\x60\xf2\xc8", "andn %eax,%ebx,%ecx" },
	{ M64,  5, "\xc4\xe2\x60\xf2\xc8", "andn %eax,%ebx,%ecx" },
	{ M16V,  5, "\xc4\xe2\x78\xf7\xcb", "bextr %eax,%ebx,%ecx" },
	{ M32,  5, "\xc4\xe2\x78\xf7\xcb", "bextr %eax,%ebx,%ecx" },
	{ M64,  5, "\xc4\xe2\x78\xf7\xcb", "bextr %eax,%ebx,%ecx" },
	{ M16V,  6, "\xc4\xe3\x7b\xf0\xd8\x03", "rorx $3,%eax,%ebx" },
	{ M32,  6, "\xc4\xe3\x7b\xf0\xd8\x03", "rorx $3,%eax,%ebx" },
	{ M64,  6, "\xc4\xe3\x7b\xf0\xd8\x03", "rorx $3,%eax,%ebx" },
	{ M16V,  5, "\xc4\xe2\x79\xf7\xcb", "shlx %eax,%ebx,%ecx" },
	{ M32,  5, "\xc4\xe2\x79\xf7\xcb", "shlx %eax,%ebx,%ecx" },
	{ M64,  5, "\xc4\xe2\x79\xf7\xcb", "shlx %eax,%ebx,%ecx" },
	{ M16V,  6, "\x62\xf1\x74\x48\x58\xd0", "vaddps %zmm0,%zmm1,%zmm2" },
	{ M32,  6, "\x62\xf1\x74\x48\x58\xd0", "vaddps %zmm0,%zmm1,%zmm2" },
	{ M64,  6, "\x62\xf1\x74\x48\x58\xd0", "vaddps %zmm0,%zmm1,%zmm2" },
	{ M16V,  8, "\x67\x62\xf1\x74\x48\x58\x53\x01", "vaddps 64(%ebx),%zmm1,%zmm2" },
	{ M32,  7, "\x62\xf1\x74\x48\x58\x53\x01", "vaddps 64(%ebx),%zmm1,%zmm2" },
	{ M64,  8, "\x67\x62\xf1\x74\x48\x58\x53\x01", "vaddps 64(%ebx),%zmm1,%zmm2" },
	{ M16V,  8, "\x67\x62\xf1\x74\xc9\x58\x53\x40", "vaddps 0x1000(%ebx),%zmm1,%zmm2{%k1}{z}" },
	{ M32,  7, "\x62\xf1\x74\xc9\x58\x53\x40", "vaddps 0x1000(%ebx),%zmm1,%zmm2{%k1}{z}" },
	{ M64,  8, "\x67\x62\xf1\x74\xc9\x58\x53\x40", "vaddps 0x1000(%ebx),%zmm1,%zmm2{%k1}{z}" },
	{ M16V,  7, "\x62\xf3\x75\x48\x25\xd0\xff", "vpternlogd $0xff,%zmm0,%zmm1,%zmm2" },
	{ M32,  7, "\x62\xf3\x75\x48\x25\xd0\xff", "vpternlogd $0xff,%zmm0,%zmm1,%zmm2" },
	{ M64,  7, "\x62\xf3\x75\x48\x25\xd0\xff", "vpternlogd $0xff,%zmm0,%zmm1,%zmm2" },
	{ M16V,  7, "\x62\xf1\x7d\x48\x70\xc8\x01", "vpshufd $1,%zmm0,%zmm1" },
	{ M32,  7, "\x62\xf1\x7d\x48\x70\xc8\x01", "vpshufd $1,%zmm0,%zmm1" },
	{ M64,  7, "\x62\xf1\x7d\x48\x70\xc8\x01", "vpshufd $1,%zmm0,%zmm1" },
	{ M16V,  7, "\x62\xf1\x74\x48\xc2\xc8\x01", "vcmpps $1,%zmm0,%zmm1,%k1" },
	{ M32,  7, "\x62\xf1\x74\x48\xc2\xc8\x01", "vcmpps $1,%zmm0,%zmm1,%k1" },
	{ M64,  7, "\x62\xf1\x74\x48\xc2\xc8\x01", "vcmpps $1,%zmm0,%zmm1,%k1" },
	{ M16V,  8, "\x67\x62\xf2\x7d\x49\x92\x04\x8b", "vgatherdps (%ebx,%zmm1,4),%zmm0{%k1}" },
	{ M32,  7, "\x62\xf2\x7d\x49\x92\x04\x8b", "vgatherdps (%ebx,%zmm1,4),%zmm0{%k1}" },
	{ M64,  8, "\x67\x62\xf2\x7d\x49\x92\x04\x8b", "vgatherdps (%ebx,%zmm1,4),%zmm0{%k1}" },
	{ M16V,  6, "\x62\xf5\x74\x48\x58\xd0", "vaddph %zmm0,%zmm1,%zmm2" },
	{ M32,  6, "\x62\xf5\x74\x48\x58\xd0", "vaddph %zmm0,%zmm1,%zmm2" },
	{ M64,  6, "\x62\xf5\x74\x48\x58\xd0", "vaddph %zmm0,%zmm1,%zmm2" },
	{ M16V,  6, "\x8f\xe8\x68\xa2\xd9\x00", "vpcmov %xmm0,%xmm1,%xmm2,%xmm3" },
	{ M32,  6, "\x8f\xe8\x68\xa2\xd9\x00", "vpcmov %xmm0,%xmm1,%xmm2,%xmm3" },
	{ M64,  6, "\x8f\xe8\x68\xa2\xd9\x00", "vpcmov %xmm0,%xmm1,%xmm2,%xmm3" },
	{ M16V,  6, "\x8f\xe8\x78\xc0\xc8\x03", "vprotb $3,%xmm0,%xmm1" },
	{ M32,  6, "\x8f\xe8\x78\xc0\xc8\x03", "vprotb $3,%xmm0,%xmm1" },
	{ M64,  6, "\x8f\xe8\x78\xc0\xc8\x03", "vprotb $3,%xmm0,%xmm1" },
	{ M16V,  5, "\x8f\xe9\x78\x80\xc8", "vfrczps %xmm0,%xmm1" },
	{ M32,  5, "\x8f\xe9\x78\x80\xc8", "vfrczps %xmm0,%xmm1" },
	{ M64,  5, "\x8f\xe9\x78\x80\xc8", "vfrczps %xmm0,%xmm1" },
	{ M16V,  9, "\x8f\xea\x78\x10\xd8\x34\x12\x00\x00", "bextr $0x1234,%eax,%ebx" },
	{ M32,  9, "\x8f\xea\x78\x10\xd8\x34\x12\x00\x00", "bextr $0x1234,%eax,%ebx" },
	{ M64,  9, "\x8f\xea\x78\x10\xd8\x34\x12\x00\x00", "bextr $0x1234,%eax,%ebx" },
	{ M16,  4, "\xc7\xf8\xfc\x00", "xbegin .+0x100" },
	{ M32,  6, "\xc7\xf8\xfa\x00\x00\x00", "xbegin .+0x100" },
	{ M64,  6, "\xc7\xf8\xfa\x00\x00\x00", "xbegin .+0x100" },
	{ M16,  3, "\xc6\xf8\x01", "xabort $1" },
	{ M32,  3, "\xc6\xf8\x01", "xabort $1" },
	{ M64,  3, "\xc6\xf8\x01", "xabort $1" },
	{ M16,  3, "\x0f\x01\xd5", "xend" },
	{ M32,  3, "\x0f\x01\xd5", "xend" },
	{ M64,  3, "\x0f\x01\xd5", "xend" },
	{ M16,  3, "\x0f\x01\xd6", "xtest" },
	{ M32,  3, "\x0f\x01\xd6", "xtest" },
	{ M64,  3, "\x0f\x01\xd6", "xtest" },
	{ M16,  4, "\xf3\x0f\x1e\xfb", "endbr32" },
	{ M32,  4, "\xf3\x0f\x1e\xfb", "endbr32" },
	{ M64,  4, "\xf3\x0f\x1e\xfb", "endbr32" },
	{ M16,  3, "\x0f\x01\xca", "clac" },
	{ M32,  3, "\x0f\x01\xca", "clac" },
	{ M64,  3, "\x0f\x01\xca", "clac" },
	{ M16,  3, "\x0f\x01\xcb", "stac" },
	{ M32,  3, "\x0f\x01\xcb", "stac" },
	{ M64,  3, "\x0f\x01\xcb", "stac" },
	{ M16,  4, "\xf3\x0f\xc7\xf8", "rdpid %eax" },
	{ M32,  4, "\xf3\x0f\xc7\xf8", "rdpid %eax" },
	{ M16,  3, "\x0f\x01\xef", "wrpkru" },
	{ M32,  3, "\x0f\x01\xef", "wrpkru" },
	{ M64,  3, "\x0f\x01\xef", "wrpkru" },
	{ M16,  3, "\x0f\x01\xee", "rdpkru" },
	{ M32,  3, "\x0f\x01\xee", "rdpkru" },
	{ M64,  3, "\x0f\x01\xee", "rdpkru" },
	{ M16,  3, "\x0f\x01\xfa", "monitorx" },
	{ M32,  3, "\x0f\x01\xfa", "monitorx" },
	{ M64,  3, "\x0f\x01\xfa", "monitorx" },
	{ M16,  3, "\x0f\x01\xfb", "mwaitx" },
	{ M32,  3, "\x0f\x01\xfb", "mwaitx" },
	{ M64,  3, "\x0f\x01\xfb", "mwaitx" },
	{ M16,  3, "\x0f\x01\xfc", "clzero" },
	{ M32,  3, "\x0f\x01\xfc", "clzero" },
	{ M64,  3, "\x0f\x01\xfc", "clzero" },
	{ M16,  3, "\x0f\x01\xd4", "vmfunc" },
	{ M32,  3, "\x0f\x01\xd4", "vmfunc" },
	{ M64,  3, "\x0f\x01\xd4", "vmfunc" },
	{ M16,  3, "\x0f\x01\xcf", "encls" },
	{ M32,  3, "\x0f\x01\xcf", "encls" },
	{ M64,  3, "\x0f\x01\xcf", "encls" },
	{ M16,  3, "\x0f\x01\xd7", "enclu" },
	{ M32,  3, "\x0f\x01\xd7", "enclu" },
	{ M64,  3, "\x0f\x01\xd7", "enclu" },
	{ M16,  2, "\x0f\x37", "getsec" },
	{ M32,  2, "\x0f\x37", "getsec" },
	{ M64,  2, "\x0f\x37", "getsec" },
	{ M16,  2, "\x0f\x34", "sysenter" },
	{ M32,  2, "\x0f\x34", "sysenter" },
	{ M64,  2, "\x0f\x34", "sysenter" },
	{ M16,  2, "\x0f\x35", "sysexit" },
	{ M32,  2, "\x0f\x35", "sysexit" },
	{ M16,  2, "\x0f\x05", "syscall" },
	{ M32,  2, "\x0f\x05", "syscall" },
	{ M64,  2, "\x0f\x05", "syscall" },
	{ M16,  4, "\x67\x0f\x01\x13", "lgdt (%ebx)" },
	{ M32,  3, "\x0f\x01\x13", "lgdt (%ebx)" },
	{ M64,  4, "\x67\x0f\x01\x13", "lgdt (%ebx)" },
	{ M16,  4, "\x67\x0f\x01\x1b", "lidt (%ebx)" },
	{ M32,  3, "\x0f\x01\x1b", "lidt (%ebx)" },
	{ M64,  4, "\x67\x0f\x01\x1b", "lidt (%ebx)" },
	{ M16,  4, "\x67\x0f\x01\x03", "sgdt (%ebx)" },
	{ M32,  3, "\x0f\x01\x03", "sgdt (%ebx)" },
	{ M64,  4, "\x67\x0f\x01\x03", "sgdt (%ebx)" },
	{ M16,  3, "\x0f\x00\xd0", "lldt %ax" },
	{ M32,  3, "\x0f\x00\xd0", "lldt %ax" },
	{ M64,  3, "\x0f\x00\xd0", "lldt %ax" },
	{ M16,  3, "\x0f\x00\xd8", "ltr %ax" },
	{ M32,  3, "\x0f\x00\xd8", "ltr %ax" },
	{ M64,  3, "\x0f\x00\xd8", "ltr %ax" },
	{ M16,  3, "\x0f\x00\xc8", "str %ax" },
	{ M32,  4, "\x66\x0f\x00\xc8", "str %ax" },
	{ M64,  4, "\x66\x0f\x00\xc8", "str %ax" },
	{ M16,  3, "\x0f\x01\xe0", "smsw %ax" },
	{ M32,  4, "\x66\x0f\x01\xe0", "smsw %ax" },
	{ M64,  4, "\x66\x0f\x01\xe0", "smsw %ax" },
	{ M16,  3, "\x0f\x01\xf0", "lmsw %ax" },
	{ M32,  3, "\x0f\x01\xf0", "lmsw %ax" },
	{ M64,  3, "\x0f\x01\xf0", "lmsw %ax" },
	{ M16,  3, "\x0f\x00\xe0", "verr %ax" },
	{ M32,  3, "\x0f\x00\xe0", "verr %ax" },
	{ M64,  3, "\x0f\x00\xe0", "verr %ax" },
	{ M16,  4, "\x66\x0f\x02\xd8", "lar %eax,%ebx" },
	{ M32,  3, "\x0f\x02\xd8", "lar %eax,%ebx" },
	{ M64,  3, "\x0f\x02\xd8", "lar %eax,%ebx" },
	{ M16,  4, "\x66\x0f\x03\xd8", "lsl %eax,%ebx" },
	{ M32,  3, "\x0f\x03\xd8", "lsl %eax,%ebx" },
	{ M64,  3, "\x0f\x03\xd8", "lsl %eax,%ebx" },
	{ M16,  4, "\x67\x0f\x01\x3b", "invlpg (%ebx)" },
	{ M32,  3, "\x0f\x01\x3b", "invlpg (%ebx)" },
	{ M64,  4, "\x67\x0f\x01\x3b", "invlpg (%ebx)" },
	{ M16,  5, "\x67\x0f\x01\x7b\x10", "invlpg 0x10(%ebx)" },
	{ M32,  4, "\x0f\x01\x7b\x10", "invlpg 0x10(%ebx)" },
	{ M64,  5, "\x67\x0f\x01\x7b\x10", "invlpg 0x10(%ebx)" },
	{ M32,  7, "\x0f\x01\x3d\x78\x56\x34\x12", "invlpg 0x12345678" },
	{ M64,  8, "\x0f\x01\x3c\x25\x78\x56\x34\x12", "invlpg 0x12345678" },
	{ M16,  6, "\x67\x66\x0f\x38\x82\x03", "invpcid (%ebx),%eax" },
	{ M32,  5, "\x66\x0f\x38\x82\x03", "invpcid (%ebx),%eax" },
	{ M16,  6, "\x67\x66\x0f\x38\x80\x03", "invept (%ebx),%eax" },
	{ M32,  5, "\x66\x0f\x38\x80\x03", "invept (%ebx),%eax" },
	{ M16,  6, "\x67\x66\x0f\x38\x81\x03", "invvpid (%ebx),%eax" },
	{ M32,  5, "\x66\x0f\x38\x81\x03", "invvpid (%ebx),%eax" },
	{ M16,  4, "\x67\x0f\xc7\x33", "vmptrld (%ebx)" },
	{ M32,  3, "\x0f\xc7\x33", "vmptrld (%ebx)" },
	{ M64,  4, "\x67\x0f\xc7\x33", "vmptrld (%ebx)" },
	{ M16,  4, "\x67\x0f\xc7\x3b", "vmptrst (%ebx)" },
	{ M32,  3, "\x0f\xc7\x3b", "vmptrst (%ebx)" },
	{ M64,  4, "\x67\x0f\xc7\x3b", "vmptrst (%ebx)" },
	{ M16,  5, "\x67\x66\x0f\xc7\x33", "vmclear (%ebx)" },
	{ M32,  4, "\x66\x0f\xc7\x33", "vmclear (%ebx)" },
	{ M64,  5, "\x67\x66\x0f\xc7\x33", "vmclear (%ebx)" },
	{ M16,  5, "\x67\xf3\x0f\xc7\x33", "vmxon (%ebx)" },
	{ M32,  4, "\xf3\x0f\xc7\x33", "vmxon (%ebx)" },
	{ M64,  5, "\x67\xf3\x0f\xc7\x33", "vmxon (%ebx)" },
	{ M16,  2, "\x0f\xaa", "rsm" },
	{ M32,  2, "\x0f\xaa", "rsm" },
	{ M64,  2, "\x0f\xaa", "rsm" },
	{ M16,  2, "\xd9\xc1", "fld %st(1)" },
	{ M32,  2, "\xd9\xc1", "fld %st(1)" },
	{ M64,  2, "\xd9\xc1", "fld %st(1)" },
	{ M16,  3, "\x67\xdd\x03", "fldl (%ebx)" },
	{ M32,  2, "\xdd\x03", "fldl (%ebx)" },
	{ M64,  3, "\x67\xdd\x03", "fldl (%ebx)" },
	{ M16,  4, "\x67\xd9\x5b\x04", "fstps 4(%ebx)" },
	{ M32,  3, "\xd9\x5b\x04", "fstps 4(%ebx)" },
	{ M64,  4, "\x67\xd9\x5b\x04", "fstps 4(%ebx)" },
	{ M16,  2, "\xdf\xe0", "fnstsw %ax" },
	{ M32,  2, "\xdf\xe0", "fnstsw %ax" },
	{ M64,  2, "\xdf\xe0", "fnstsw %ax" },
	{ M16,  3, "\x67\xd9\x3b", "fnstcw (%ebx)" },
	{ M32,  2, "\xd9\x3b", "fnstcw (%ebx)" },
	{ M64,  3, "\x67\xd9\x3b", "fnstcw (%ebx)" },
	{ M16,  3, "\x67\xda\x0b", "fimull (%ebx)" },
	{ M32,  2, "\xda\x0b", "fimull (%ebx)" },
	{ M64,  3, "\x67\xda\x0b", "fimull (%ebx)" },
	{ M32,  2, "\x89\x03", "mov %eax,(%ebx)" },
	{ M64,  3, "\x67\x89\x03", "mov %eax,(%ebx)" },
	{ M16,  4, "\x67\x66\x89\x03", "mov %eax,(%ebx)" },
	{ M32,  2, "\x8b\x03", "mov (%ebx),%eax" },
	{ M64,  3, "\x67\x8b\x03", "mov (%ebx),%eax" },
	{ M16,  4, "\x67\x66\x8b\x03", "mov (%ebx),%eax" },
	{ M32,  2, "\x88\x03", "mov %al,(%ebx)" },
	{ M64,  3, "\x67\x88\x03", "mov %al,(%ebx)" },
	{ M16,  3, "\x67\x88\x03", "mov %al,(%ebx)" },
	{ M32,  3, "\x66\x89\x03", "movw %ax,(%ebx)" },
	{ M64,  4, "\x67\x66\x89\x03", "movw %ax,(%ebx)" },
	{ M16,  3, "\x67\x89\x03", "movw %ax,(%ebx)" },
	{ M32,  3, "\x89\x43\x04", "mov %eax,4(%ebx)" },
	{ M64,  4, "\x67\x89\x43\x04", "mov %eax,4(%ebx)" },
	{ M16,  5, "\x67\x66\x89\x43\x04", "mov %eax,4(%ebx)" },
	{ M32,  6, "\x89\x83\x00\x10\x00\x00", "mov %eax,0x1000(%ebx)" },
	{ M64,  7, "\x67\x89\x83\x00\x10\x00\x00", "mov %eax,0x1000(%ebx)" },
	{ M16,  8, "\x67\x66\x89\x83\x00\x10\x00\x00", "mov %eax,0x1000(%ebx)" },
	{ M32,  3, "\x89\x04\x24", "mov %eax,(%esp)" },
	{ M64,  4, "\x67\x89\x04\x24", "mov %eax,(%esp)" },
	{ M16,  5, "\x67\x66\x89\x04\x24", "mov %eax,(%esp)" },
	{ M32,  4, "\x89\x44\x24\x04", "mov %eax,4(%esp)" },
	{ M64,  5, "\x67\x89\x44\x24\x04", "mov %eax,4(%esp)" },
	{ M16,  6, "\x67\x66\x89\x44\x24\x04", "mov %eax,4(%esp)" },
	{ M32,  7, "\x89\x84\x24\x00\x10\x00\x00", "mov %eax,0x1000(%esp)" },
	{ M64,  8, "\x67\x89\x84\x24\x00\x10\x00\x00", "mov %eax,0x1000(%esp)" },
	{ M16,  9, "\x67\x66\x89\x84\x24\x00\x10\x00\x00", "mov %eax,0x1000(%esp)" },
	{ M32,  3, "\x89\x45\x00", "mov %eax,(%ebp)" },
	{ M64,  4, "\x67\x89\x45\x00", "mov %eax,(%ebp)" },
	{ M16,  5, "\x67\x66\x89\x45\x00", "mov %eax,(%ebp)" },
	{ M32,  3, "\x89\x04\x8b", "mov %eax,(%ebx,%ecx,4)" },
	{ M64,  4, "\x67\x89\x04\x8b", "mov %eax,(%ebx,%ecx,4)" },
	{ M16,  5, "\x67\x66\x89\x04\x8b", "mov %eax,(%ebx,%ecx,4)" },
	{ M32,  4, "\x89\x44\x8b\x08", "mov %eax,8(%ebx,%ecx,4)" },
	{ M64,  5, "\x67\x89\x44\x8b\x08", "mov %eax,8(%ebx,%ecx,4)" },
	{ M16,  6, "\x67\x66\x89\x44\x8b\x08", "mov %eax,8(%ebx,%ecx,4)" },
	{ M32,  7, "\x89\x84\xcb\x00\x10\x00\x00", "mov %eax,0x1000(%ebx,%ecx,8)" },
	{ M64,  8, "\x67\x89\x84\xcb\x00\x10\x00\x00", "mov %eax,0x1000(%ebx,%ecx,8)" },
	{ M16,  9, "\x67\x66\x89\x84\xcb\x00\x10\x00\x00", "mov %eax,0x1000(%ebx,%ecx,8)" },
	{ M32,  7, "\x89\x04\xcd\x00\x10\x00\x00", "mov %eax,0x1000(,%ecx,8)" },
	{ M64,  8, "\x67\x89\x04\xcd\x00\x10\x00\x00", "mov %eax,0x1000(,%ecx,8)" },
	{ M16,  9, "\x67\x66\x89\x04\xcd\x00\x10\x00\x00", "mov %eax,0x1000(,%ecx,8)" },
	{ M32,  7, "\x89\x04\x0d\x00\x00\x00\x00", "mov %eax,(,%ecx,1)" },
	{ M64,  8, "\x67\x89\x04\x0d\x00\x00\x00\x00", "mov %eax,(,%ecx,1)" },
	{ M16,  9, "\x67\x66\x89\x04\x0d\x00\x00\x00\x00", "mov %eax,(,%ecx,1)" },
	{ M32,  5, "\xa3\x00\x00\xe0\xfe", "mov %eax,0xfee00000" },
	{ M64,  9, "\xa3\x00\x00\xe0\xfe\x00\x00\x00\x00", "mov %eax,0xfee00000" },
	{ M32,  6, "\xc7\x03\x01\x00\x00\x00", "movl $1,(%ebx)" },
	{ M64,  7, "\x67\xc7\x03\x01\x00\x00\x00", "movl $1,(%ebx)" },
	{ M16,  8, "\x67\x66\xc7\x03\x01\x00\x00\x00", "movl $1,(%ebx)" },
	{ M32, 11, "\xc7\x84\x8b\x00\x10\x00\x00\x78\x56\x34\x12",
	  "movl $0x12345678,0x1000(%ebx,%ecx,4)" },
	{ M64, 12, "\x67\xc7\x84\x8b\x00\x10\x00\x00\x78\x56\x34\x12",
	  "movl $0x12345678,0x1000(%ebx,%ecx,4)" },
	{ M16, 13, "\x67\x66\xc7\x84\x8b\x00\x10\x00\x00\x78\x56\x34\x12",
	  "movl $0x12345678,0x1000(%ebx,%ecx,4)" },
	{ M32,  4, "\xc6\x43\x10\x01", "movb $1,0x10(%ebx)" },
	{ M64,  5, "\x67\xc6\x43\x10\x01", "movb $1,0x10(%ebx)" },
	{ M16,  5, "\x67\xc6\x43\x10\x01", "movb $1,0x10(%ebx)" },
	{ M32,  5, "\x66\xc7\x03\x34\x12", "movw $0x1234,(%ebx)" },
	{ M64,  6, "\x67\x66\xc7\x03\x34\x12", "movw $0x1234,(%ebx)" },
	{ M16,  5, "\x67\xc7\x03\x34\x12", "movw $0x1234,(%ebx)" },
	{ M32,  3, "\x0f\xb6\x03", "movzbl (%ebx),%eax" },
	{ M64,  4, "\x67\x0f\xb6\x03", "movzbl (%ebx),%eax" },
	{ M16,  5, "\x67\x66\x0f\xb6\x03", "movzbl (%ebx),%eax" },
	{ M32,  4, "\x0f\xb7\x43\x10", "movzwl 0x10(%ebx),%eax" },
	{ M64,  5, "\x67\x0f\xb7\x43\x10", "movzwl 0x10(%ebx),%eax" },
	{ M16,  6, "\x67\x66\x0f\xb7\x43\x10", "movzwl 0x10(%ebx),%eax" },
	{ M32,  3, "\x0f\xbe\x03", "movsbl (%ebx),%eax" },
	{ M64,  4, "\x67\x0f\xbe\x03", "movsbl (%ebx),%eax" },
	{ M16,  5, "\x67\x66\x0f\xbe\x03", "movsbl (%ebx),%eax" },
	{ M32,  5, "\x0f\xbf\x44\x73\x04", "movswl 4(%ebx,%esi,2),%eax" },
	{ M64,  6, "\x67\x0f\xbf\x44\x73\x04", "movswl 4(%ebx,%esi,2),%eax" },
	{ M16,  7, "\x67\x66\x0f\xbf\x44\x73\x04", "movswl 4(%ebx,%esi,2),%eax" },
	{ M32,  3, "\x83\x03\x01", "addl $1,(%ebx)" },
	{ M64,  4, "\x67\x83\x03\x01", "addl $1,(%ebx)" },
	{ M16,  5, "\x67\x66\x83\x03\x01", "addl $1,(%ebx)" },
	{ M32,  7, "\x81\x43\x04\x00\x10\x00\x00", "addl $0x1000,4(%ebx)" },
	{ M64,  8, "\x67\x81\x43\x04\x00\x10\x00\x00", "addl $0x1000,4(%ebx)" },
	{ M16,  9, "\x67\x66\x81\x43\x04\x00\x10\x00\x00", "addl $0x1000,4(%ebx)" },
	{ M32,  3, "\x80\x0b\x01", "orb $1,(%ebx)" },
	{ M64,  4, "\x67\x80\x0b\x01", "orb $1,(%ebx)" },
	{ M16,  4, "\x67\x80\x0b\x01", "orb $1,(%ebx)" },
	{ M32,  2, "\x21\x03", "andl %eax,(%ebx)" },
	{ M64,  3, "\x67\x21\x03", "andl %eax,(%ebx)" },
	{ M16,  4, "\x67\x66\x21\x03", "andl %eax,(%ebx)" },
	{ M32,  2, "\x33\x03", "xorl (%ebx),%eax" },
	{ M64,  3, "\x67\x33\x03", "xorl (%ebx),%eax" },
	{ M16,  4, "\x67\x66\x33\x03", "xorl (%ebx),%eax" },
	{ M32,  3, "\x83\x3b\x05", "cmpl $5,(%ebx)" },
	{ M64,  4, "\x67\x83\x3b\x05", "cmpl $5,(%ebx)" },
	{ M16,  5, "\x67\x66\x83\x3b\x05", "cmpl $5,(%ebx)" },
	{ M32,  6, "\xf7\x03\x80\x00\x00\x00", "testl $0x80,(%ebx)" },
	{ M64,  7, "\x67\xf7\x03\x80\x00\x00\x00", "testl $0x80,(%ebx)" },
	{ M16,  8, "\x67\x66\xf7\x03\x80\x00\x00\x00", "testl $0x80,(%ebx)" },
	{ M32,  3, "\xf6\x03\x80", "testb $0x80,(%ebx)" },
	{ M64,  4, "\x67\xf6\x03\x80", "testb $0x80,(%ebx)" },
	{ M16,  4, "\x67\xf6\x03\x80", "testb $0x80,(%ebx)" },
	{ M32,  2, "\x87\x03", "xchg %eax,(%ebx)" },
	{ M64,  3, "\x67\x87\x03", "xchg %eax,(%ebx)" },
	{ M16,  4, "\x67\x66\x87\x03", "xchg %eax,(%ebx)" },
	{ M32,  4, "\xf0\x83\x0b\x01", "lock orl $1,(%ebx)" },
	{ M64,  5, "\x67\xf0\x83\x0b\x01", "lock orl $1,(%ebx)" },
	{ M16,  6, "\x67\x66\xf0\x83\x0b\x01", "lock orl $1,(%ebx)" },
	{ M32,  3, "\xf0\xff\x03", "lock incl (%ebx)" },
	{ M64,  4, "\x67\xf0\xff\x03", "lock incl (%ebx)" },
	{ M16,  5, "\x67\x66\xf0\xff\x03", "lock incl (%ebx)" },
	{ M32,  3, "\xff\x43\x10", "incl 0x10(%ebx)" },
	{ M64,  4, "\x67\xff\x43\x10", "incl 0x10(%ebx)" },
	{ M16,  5, "\x67\x66\xff\x43\x10", "incl 0x10(%ebx)" },
	{ M32,  2, "\xf7\x13", "notl (%ebx)" },
	{ M64,  3, "\x67\xf7\x13", "notl (%ebx)" },
	{ M16,  4, "\x67\x66\xf7\x13", "notl (%ebx)" },
	{ M32,  4, "\x0f\xba\x2b\x03", "btsl $3,(%ebx)" },
	{ M64,  5, "\x67\x0f\xba\x2b\x03", "btsl $3,(%ebx)" },
	{ M16,  6, "\x67\x66\x0f\xba\x2b\x03", "btsl $3,(%ebx)" },
	{ M32,  4, "\x8d\x44\x4b\x10", "lea 0x10(%ebx,%ecx,2),%eax" },
	{ M64,  5, "\x67\x8d\x44\x4b\x10", "lea 0x10(%ebx,%ecx,2),%eax" },
	{ M16,  6, "\x67\x66\x8d\x44\x4b\x10", "lea 0x10(%ebx,%ecx,2),%eax" },
	{ M32,  2, "\xff\x33", "pushl (%ebx)" },
	{ M16,  4, "\x67\x66\xff\x33", "pushl (%ebx)" },
	{ M32,  2, "\x8f\x03", "popl (%ebx)" },
	{ M16,  4, "\x67\x66\x8f\x03", "popl (%ebx)" },
	{ M32,  2, "\xff\x13", "call *(%ebx)" },
	{ M64,  3, "\x67\xff\x13", "call *(%ebx)" },
	{ M16,  3, "\x67\xff\x13", "call *(%ebx)" },
	{ M32,  3, "\xff\x63\x10", "jmp *0x10(%ebx)" },
	{ M64,  4, "\x67\xff\x63\x10", "jmp *0x10(%ebx)" },
	{ M16,  4, "\x67\xff\x63\x10", "jmp *0x10(%ebx)" },
	{ M16,  2, "\x89\x07", "mov %ax,(%bx)" },
	{ M32,  4, "\x67\x66\x89\x07", "mov %ax,(%bx)" },
	{ M16,  2, "\x8b\x04", "mov (%si),%ax" },
	{ M32,  4, "\x67\x66\x8b\x04", "mov (%si),%ax" },
	{ M16,  2, "\x88\x05", "mov %al,(%di)" },
	{ M32,  3, "\x67\x88\x05", "mov %al,(%di)" },
	{ M16,  3, "\x89\x46\x00", "mov %ax,(%bp)" },
	{ M32,  5, "\x67\x66\x89\x46\x00", "mov %ax,(%bp)" },
	{ M16,  3, "\x89\x40\x04", "mov %ax,4(%bx,%si)" },
	{ M32,  5, "\x67\x66\x89\x40\x04", "mov %ax,4(%bx,%si)" },
	{ M16,  4, "\x89\x81\x00\x10", "mov %ax,0x1000(%bx,%di)" },
	{ M32,  6, "\x67\x66\x89\x81\x00\x10", "mov %ax,0x1000(%bx,%di)" },
	{ M16,  3, "\xa3\x00\x10", "mov %ax,0x1000" },
	{ M32,  6, "\x66\xa3\x00\x10\x00\x00", "mov %ax,0x1000" },
	{ M16,  4, "\xc7\x07\x34\x12", "movw $0x1234,(%bx)" },
	{ M32,  6, "\x67\x66\xc7\x07\x34\x12", "movw $0x1234,(%bx)" },
	{ M16,  5, "\xc7\x40\x10\x34\x12", "movw $0x1234,0x10(%bx,%si)" },
	{ M32,  7, "\x67\x66\xc7\x40\x10\x34\x12", "movw $0x1234,0x10(%bx,%si)" },
	{ M16,  5, "\xc6\x86\x00\x10\x01", "movb $1,0x1000(%bp)" },
	{ M32,  6, "\x67\xc6\x86\x00\x10\x01", "movb $1,0x1000(%bp)" },
	{ M16,  3, "\x0f\xb6\x07", "movzbw (%bx),%ax" },
	{ M32,  5, "\x67\x66\x0f\xb6\x07", "movzbw (%bx),%ax" },
	{ M16,  3, "\x83\x07\x01", "addw $1,(%bx)" },
	{ M32,  5, "\x67\x66\x83\x07\x01", "addw $1,(%bx)" },
	{ M16,  4, "\x81\x07\x00\x10", "addw $0x1000,(%bx)" },
	{ M32,  6, "\x67\x66\x81\x07\x00\x10", "addw $0x1000,(%bx)" },
	{ M16,  2, "\x87\x07", "xchg %ax,(%bx)" },
	{ M32,  4, "\x67\x66\x87\x07", "xchg %ax,(%bx)" },
	{ M16,  3, "\x8d\x42\x02", "lea 2(%bp,%si),%ax" },
	{ M32,  5, "\x67\x66\x8d\x42\x02", "lea 2(%bp,%si),%ax" },
	{ M16,  3, "\x66\x89\x07", "mov %eax,(%bx)" },
	{ M32,  3, "\x67\x89\x07", "mov %eax,(%bx)" },
	{ M16,  6, "\x67\x66\x89\x44\x8b\x10", "mov %eax,0x10(%ebx,%ecx,4)" },
	{ M32,  4, "\x89\x44\x8b\x10", "mov %eax,0x10(%ebx,%ecx,4)" },
	{ M16,  1, "\x06", "push %es" },
	{ M32,  1, "\x06", "push %es" },
	{ M16,  1, "\x07", "pop %es" },
	{ M32,  1, "\x07", "pop %es" },
	{ M16,  1, "\x0e", "push %cs" },
	{ M32,  1, "\x0e", "push %cs" },
	{ M16,  1, "\x16", "push %ss" },
	{ M32,  1, "\x16", "push %ss" },
	{ M16,  1, "\x17", "pop %ss" },
	{ M32,  1, "\x17", "pop %ss" },
	{ M16,  1, "\x1e", "push %ds" },
	{ M32,  1, "\x1e", "push %ds" },
	{ M16,  1, "\x1f", "pop %ds" },
	{ M32,  1, "\x1f", "pop %ds" },
	{ M16,  1, "\x27", "daa" },
	{ M32,  1, "\x27", "daa" },
	{ M16,  1, "\x2f", "das" },
	{ M32,  1, "\x2f", "das" },
	{ M16,  1, "\x37", "aaa" },
	{ M32,  1, "\x37", "aaa" },
	{ M16,  1, "\x3f", "aas" },
	{ M32,  1, "\x3f", "aas" },
	{ M16,  1, "\x60", "pusha" },
	{ M32,  1, "\x60", "pusha" },
	{ M16,  1, "\x61", "popa" },
	{ M32,  1, "\x61", "popa" },
	{ M16,  4, "\x67\x66\x62\x03", "bound %eax,(%ebx)" },
	{ M32,  2, "\x62\x03", "bound %eax,(%ebx)" },
	{ M16,  2, "\x62\x07", "bound %ax,(%bx)" },
	{ M32,  4, "\x67\x66\x62\x07", "bound %ax,(%bx)" },
	{ M16,  1, "\xce", "into" },
	{ M32,  1, "\xce", "into" },
	{ M16,  2, "\xd4\x0a", "aam" },
	{ M32,  2, "\xd4\x0a", "aam" },
	{ M16,  2, "\xd5\x0a", "aad" },
	{ M32,  2, "\xd5\x0a", "aad" },
	{ M16,  2, "\xd4\x10", "aam $16" },
	{ M32,  2, "\xd4\x10", "aam $16" },
	{ M16,  5, "\x9a\x34\x12\x10\x00", "lcall $0x10,$0x1234" },
	{ M32,  7, "\x9a\x34\x12\x00\x00\x10\x00", "lcall $0x10,$0x1234" },
	{ M16,  5, "\xea\x34\x12\x10\x00", "ljmp $0x10,$0x1234" },
	{ M32,  7, "\xea\x34\x12\x00\x00\x10\x00", "ljmp $0x10,$0x1234" },
	{ M16,  4, "\x67\x66\xc4\x03", "les (%ebx),%eax" },
	{ M32,  2, "\xc4\x03", "les (%ebx),%eax" },
	{ M16,  4, "\x67\x66\xc5\x03", "lds (%ebx),%eax" },
	{ M32,  2, "\xc5\x03", "lds (%ebx),%eax" },
	{ M16,  2, "\xc5\x07", "lds (%bx),%ax" },
	{ M32,  4, "\x67\x66\xc5\x07", "lds (%bx),%ax" },
	{ M16,  2, "\x63\xc3", "arpl %ax,%bx" },
	{ M32,  2, "\x63\xc3", "arpl %ax,%bx" },
	{ M16,  2, "\x66\x40", "inc %eax" },
	{ M32,  1, "\x40", "inc %eax" },
	{ M16,  2, "\x66\x49", "dec %ecx" },
	{ M32,  1, "\x49", "dec %ecx" },
	{ M16,  3, "\xa0\x00\x10", "mov 0x1000,%al" },
	{ M32,  5, "\xa0\x00\x10\x00\x00", "mov 0x1000,%al" },
	{ M16,  4, "\x66\xa1\x00\x10", "mov 0x1000,%eax" },
	{ M32,  5, "\xa1\x00\x10\x00\x00", "mov 0x1000,%eax" },
	{ M16,  3, "\xa2\x00\x10", "mov %al,0x1000" },
	{ M32,  5, "\xa2\x00\x10\x00\x00", "mov %al,0x1000" },
	{ M16,  4, "\x66\xa3\x00\x10", "mov %eax,0x1000" },
	{ M32,  5, "\xa3\x00\x10\x00\x00", "mov %eax,0x1000" },
	{ M16,  6, "\x66\xb8\x78\x56\x34\x12", "mov $0x12345678,%eax" },
	{ M32,  5, "\xb8\x78\x56\x34\x12", "mov $0x12345678,%eax" },
	{ M16,  3, "\xb8\x34\x12", "mov $0x1234,%ax" },
	{ M32,  4, "\x66\xb8\x34\x12", "mov $0x1234,%ax" },
	{ M16,  2, "\xb0\x01", "mov $1,%al" },
	{ M32,  2, "\xb0\x01", "mov $1,%al" },
	{ M16,  3, "\x0f\x20\xc0", "mov %cr0,%eax" },
	{ M32,  3, "\x0f\x20\xc0", "mov %cr0,%eax" },
	{ M16,  3, "\x0f\x20\xd8", "mov %cr3,%eax" },
	{ M32,  3, "\x0f\x20\xd8", "mov %cr3,%eax" },
	{ M16,  3, "\x0f\x22\xd8", "mov %eax,%cr3" },
	{ M32,  3, "\x0f\x22\xd8", "mov %eax,%cr3" },
	{ M16,  3, "\x0f\x22\xe0", "mov %eax,%cr4" },
	{ M32,  3, "\x0f\x22\xe0", "mov %eax,%cr4" },
	{ M16,  3, "\x0f\x20\xd3", "mov %cr2,%ebx" },
	{ M32,  3, "\x0f\x20\xd3", "mov %cr2,%ebx" },
	{ M16,  3, "\x0f\x21\xf8", "mov %dr7,%eax" },
	{ M32,  3, "\x0f\x21\xf8", "mov %dr7,%eax" },
	{ M16,  3, "\x0f\x23\xf8", "mov %eax,%dr7" },
	{ M32,  3, "\x0f\x23\xf8", "mov %eax,%dr7" },
	{ M32,  4, "\x67\xa0\x00\x10", "addr16 mov 0x1000,%al" },
	{ M64,  3, "\x48\x89\x03", "mov %rax,(%rbx)" },
	{ M64,  3, "\x48\x8b\x03", "mov (%rbx),%rax" },
	{ M64,  2, "\x89\x03", "mov %eax,(%rbx)" },
	{ M64,  3, "\x66\x89\x03", "mov %ax,(%rbx)" },
	{ M64,  2, "\x88\x03", "mov %al,(%rbx)" },
	{ M64,  3, "\x4d\x89\x01", "mov %r8,(%r9)" },
	{ M64,  4, "\x45\x89\x04\x24", "mov %r8d,(%r12)" },
	{ M64,  4, "\x4d\x89\x45\x00", "mov %r8,(%r13)" },
	{ M64,  5, "\x4c\x89\x44\x24\x10", "mov %r8,0x10(%rsp)" },
	{ M64,  4, "\x48\x89\x04\x8b", "mov %rax,(%rbx,%rcx,4)" },
	{ M64,  8, "\x4a\x89\x84\xdb\x78\x56\x34\x12", "mov %rax,0x12345678(%rbx,%r11,8)" },
	{ M64,  7, "\x48\x89\x05\x00\x10\x00\x00", "mov %rax,0x1000(%rip)" },
	{ M64,  6, "\x8b\x05\x10\x00\x00\x00", "mov 0x10(%rip),%eax" },
	{ M64,  4, "\x67\x48\x89\x00", "mov %rax,(%eax)" },
	{ M64,  5, "\x67\x89\x44\x4b\x10", "mov %eax,0x10(%ebx,%ecx,2)" },
	{ M64,  3, "\x40\x88\x37", "mov %sil,(%rdi)" },
	{ M64,  7, "\x48\xc7\x03\x01\x00\x00\x00", "movq $1,(%rbx)" },
	{ M64, 11, "\x48\xc7\x05\x00\x10\x00\x00\xff\xff\xff\xff", "movq $-1,0x1000(%rip)" },
	{ M64,  7, "\x41\xc7\x07\x78\x56\x34\x12", "movl $0x12345678,(%r15)" },
	{ M64,  5, "\x66\xc7\x03\x34\x12", "movw $0x1234,(%rbx)" },
	{ M64,  7, "\xc6\x05\x00\x00\x00\x00\x01", "movb $1,(%rip)" },
	{ M64,  3, "\x0f\xb6\x03", "movzbl (%rbx),%eax" },
	{ M64,  4, "\x48\x0f\xb7\x03", "movzwq (%rbx),%rax" },
	{ M64,  4, "\x48\x0f\xbe\x03", "movsbq (%rbx),%rax" },
	{ M64,  3, "\x48\x63\x03", "movslq (%rbx),%rax" },
	{ M64,  3, "\x48\x63\xc0", "movsxd %eax,%rax" },
	{ M64,  4, "\x48\x83\x03\x01", "addq $1,(%rbx)" },
	{ M64,  7, "\x48\x81\x03\x00\x10\x00\x00", "addq $0x1000,(%rbx)" },
	{ M64,  3, "\x48\x09\x03", "orq %rax,(%rbx)" },
	{ M64,  5, "\xf0\x48\x83\x0b\x01", "lock orq $1,(%rbx)" },
	{ M64,  3, "\x48\x87\x03", "xchg %rax,(%rbx)" },
	{ M64,  2, "\x49\x90", "xchg %r8,%rax" },
	{ M64,  7, "\x48\xf7\x03\x45\x23\x01\x00", "testq $0x12345,(%rbx)" },
	{ M64,  3, "\xf6\x03\x01", "testb $1,(%rbx)" },
	{ M64, 10, "\x48\xb8\xf0\xde\xbc\x9a\x78\x56\x34\x12", "mov $0x123456789abcdef0,%rax" },
	{ M64,  5, "\xb8\x78\x56\x34\x12", "mov $0x12345678,%eax" },
	{ M64,  4, "\x66\xb8\x34\x12", "mov $0x1234,%ax" },
	{ M64, 10, "\x49\xbf\xf0\xde\xbc\x9a\x78\x56\x34\x12", "mov $0x123456789abcdef0,%r15" },
	{ M64,  9, "\xa0\x88\x77\x66\x55\x44\x33\x22\x11", "movabs 0x1122334455667788,%al" },
	{ M64,  9, "\xa1\x88\x77\x66\x55\x44\x33\x22\x11", "movabs 0x1122334455667788,%eax" },
	{ M64, 10, "\x48\xa1\x88\x77\x66\x55\x44\x33\x22\x11", "movabs 0x1122334455667788,%rax" },
	{ M64,  9, "\xa2\x88\x77\x66\x55\x44\x33\x22\x11", "movabs %al,0x1122334455667788" },
	{ M64, 10, "\x48\xa3\x88\x77\x66\x55\x44\x33\x22\x11", "movabs %rax,0x1122334455667788" },
	{ M64,  6, "\x67\xa1\x44\x33\x22\x11", "addr32 mov 0x11223344,%eax" },
	{ M64,  1, "\x50", "push %rax" },
	{ M64,  2, "\x41\x54", "push %r12" },
	{ M64,  2, "\x41\x5f", "pop %r15" },
	{ M64,  4, "\x66\x68\x34\x12", "pushw $0x1234" },
	{ M64,  2, "\x48\xcf", "iretq" },
	{ M64,  3, "\x48\x0f\x07", "sysretq" },
	{ M64,  4, "\x48\x0f\xc7\x0b", "cmpxchg16b (%rbx)" },
	{ M64,  5, "\xf0\x48\x0f\xc7\x0b", "lock cmpxchg16b (%rbx)" },
	{ M64,  3, "\x0f\x20\xc0", "mov %cr0,%rax" },
	{ M64,  3, "\x0f\x22\xd8", "mov %rax,%cr3" },
	{ M64,  4, "\x44\x0f\x20\xc0", "mov %cr8,%rax" },
	{ M64,  4, "\x44\x0f\x22\xc0", "mov %rax,%cr8" },
	{ M64,  3, "\x0f\x21\xf8", "mov %dr7,%rax" },
	{ M64,  3, "\x0f\x23\xc0", "mov %rax,%dr0" },
	{ M64,  3, "\x49\x0f\xc8", "bswap %r8" },
	{ M64,  5, "\xf3\x49\x0f\xb8\xc0", "popcnt %r8,%rax" },
	{ M64,  2, "\xff\xe0", "jmp *%rax" },
	{ M64,  6, "\xff\x15\x10\x00\x00\x00", "call *0x10(%rip)" },
	{ M64,  3, "\x41\xff\x23", "jmp *(%r11)" },
	{ M64,  7, "\x48\x8d\x05\x10\x00\x00\x00", "lea 0x10(%rip),%rax" },
	{ M64,  3, "\x0f\x01\x38", "invlpg (%rax)" },
	{ M64,  4, "\x0f\x01\x78\x10", "invlpg 0x10(%rax)" },
	{ M64,  5, "\x41\x0f\x01\x3c\x24", "invlpg (%r12)" },
	{ M64,  3, "\xf3\x48\xab", "rep stosq" },
	{ M64,  3, "\xf3\x48\xa5", "rep movsq" },
	{ M64,  5, "\x66\x48\x0f\x6e\xc0", "movq %rax,%xmm0" },
	{ M64,  6, "\x62\x01\xfe\x48\x6f\xfe", "vmovdqu64 %zmm30,%zmm31" },
	{ M64,  6, "\x62\x01\x0c\x40\x58\xfd", "vaddps %zmm29,%zmm30,%zmm31" },
	{ M64,  8, "\x62\x01\x0c\x47\x58\x7c\xf5\x01",
	  "vaddps 0x40(%r13,%r14,8),%zmm30,%zmm31{%k7}" },
	{ M64,  7, "\x62\xa3\xf5\x40\x25\xd0\xf0", "vpternlogq $0xf0,%zmm16,%zmm17,%zmm18" },
	{ M64,  5, "\xc4\x41\x7e\x7f\x39", "vmovdqu %ymm15,(%r9)" },
	{ M64,  5, "\xc4\x41\x35\xfe\xd0", "vpaddd %ymm8,%ymm9,%ymm10" },
	{ M64,  6, "\xc4\x41\x7d\x70\xee\xaa", "vpshufd $0xaa,%ymm14,%ymm13" },
	{ M64,  6, "\xc4\x43\x21\x0f\x22\x01", "vpalignr $1,(%r10),%xmm11,%xmm12" },
	{ M64,  6, "\x8f\x48\x18\xa2\xeb\xa0", "vpcmov %xmm10,%xmm11,%xmm12,%xmm13" },
	{ M64,  6, "\xf2\x48\x0f\x38\xf1\xd8", "crc32q %rax,%rbx" },
	{ M64,  5, "\x4d\x0f\x38\xf0\x08", "movbe (%r8),%r9" },
	{ M64,  5, "\xf3\x48\x0f\xae\xc0", "rdfsbase %rax" },
	{ M64,  5, "\xf3\x48\x0f\xae\xd8", "wrgsbase %rax" },
	{ M64,  4, "\xf3\x0f\x1e\xfa", "endbr64" },
	{ M64,  4, "\x48\x0f\xae\x03", "fxsave64 (%rbx)" },
	{ M64,  4, "\x48\x0f\xae\x23", "xsave64 (%rbx)" },
	{ M64,  4, "\x48\x0f\xae\x2b", "xrstor64 (%rbx)" },
	{ M64,  3, "\x0f\x78\xc3", "vmread %rax,%rbx" },
	{ M64,  3, "\x0f\x79\xd8", "vmwrite %rax,%rbx" },
	{ M64,  3, "\x0f\x78\x03", "vmread %rax,(%rbx)" },
	{ M64,  5, "\x66\x0f\x38\x80\x00", "invept (%rax),%rax" },
	{ M64,  5, "\x66\x0f\x38\x82\x00", "invpcid (%rax),%rax" },
	{ M64,  4, "\x66\x0f\xae\xf0", "tpause %eax" },
	{ M64,  4, "\xf3\x0f\xae\xf0", "umonitor %rax" },
	{ M64,  4, "\xf2\x0f\xae\xf0", "umwait %eax" },
	{ M64,  4, "\xf0\x48\xff\x03", "lock incq (%rbx)" },
	{ M64,  4, "\x49\xc1\xe0\x03", "shl $3,%r8" },
	{ M64,  7, "\x4d\x69\xc8\x45\x23\x01\x00", "imul $0x12345,%r8,%r9" },
	{ M64,  9, "\x64\x48\x8b\x04\x25\x28\x00\x00\x00", "mov %fs:0x28,%rax" },
	{ M64,  4, "\x65\x48\x8b\x00", "mov %gs:(%rax),%rax" },
	{ M64,  3, "\x26\x8a\x07", "mov %es:(%rdi),%al" },
};

static const char *const MODE_NAMES[] = { "real", "prot16", "prot32", "long64" };

static int len_of(const char *bytes, unsigned int n, enum v3_cpu_mode mode)
{
	return v3_insn_length((const u8 *)bytes, n, mode);
}

/* The modes an entry is checked in, with the length expected in each. */
static unsigned int entry_modes(const struct known *k, enum v3_cpu_mode *modes, int *want)
{
	switch (k->modes) {
	case M16:
	case M16V:
		modes[0] = V3_MODE_REAL;
		want[0] = k->modes == M16 ? k->len : EINV;
		modes[1] = V3_MODE_PROT16;
		want[1] = k->len;
		return 2;
	case M32:
		modes[0] = V3_MODE_PROT32;
		want[0] = k->len;
		return 1;
	default:
		modes[0] = V3_MODE_LONG64;
		want[0] = k->len;
		return 1;
	}
}

/* Whatever follows the instruction must not change its length. */
static unsigned int check_known(const struct known *k, enum v3_cpu_mode mode, int want)
{
	static const u8 tails[] = { 0x00, 0x90, 0x66, 0x0f, 0xff };
	size_t t;

	for (t = 0; t < V3_ARRAY_SIZE(tails); t++) {
		u8 buf[32];
		int got;

		memset(buf, tails[t], sizeof(buf));
		memcpy(buf, k->bytes, k->len);
		got = v3_insn_length(buf, sizeof(buf), mode);
		if (got != want)
			fail_msg("%s (%s): got %d, want %d", k->text, MODE_NAMES[mode], got, want);
	}
	return t;
}

static void test_known_encodings(void **state)
{
	unsigned int checked = 0;
	size_t i;

	(void)state;
	for (i = 0; i < V3_ARRAY_SIZE(KNOWN); i++) {
		enum v3_cpu_mode modes[2];
		int want[2];
		unsigned int n = entry_modes(&KNOWN[i], modes, want), j;

		for (j = 0; j < n; j++)
			checked += check_known(&KNOWN[i], modes[j], want[j]);
	}
	printf("%u checks of %zu known encodings\n", checked, V3_ARRAY_SIZE(KNOWN));
}

/* Every proper prefix of a valid instruction is incomplete. */
static void test_truncation(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < V3_ARRAY_SIZE(KNOWN); i++) {
		const struct known *k = &KNOWN[i];
		enum v3_cpu_mode modes[2];
		int want[2];
		unsigned int n = entry_modes(k, modes, want), j, avail;

		for (j = 0; j < n; j++) {
			if (want[j] < 0)
				continue;
			assert_int_equal(len_of(k->bytes, k->len, modes[j]), k->len);
			for (avail = 0; avail < k->len; avail++)
				if (len_of(k->bytes, avail, modes[j]) != EINV)
					fail_msg("%s (%s) with %u bytes: not refused", k->text,
						 MODE_NAMES[modes[j]], avail);
		}
	}
}

static void test_fifteen_byte_limit(void **state)
{
	u8 buf[32];
	unsigned int n;

	(void)state;
	/* n prefixes + CPUID (0F A2): valid up to 15 bytes. */
	for (n = 0; n < 20; n++) {
		memset(buf, 0x2e, n);
		buf[n] = 0x0f;
		buf[n + 1] = 0xa2;
		assert_int_equal(v3_insn_length(buf, sizeof(buf), V3_MODE_PROT32),
				 n + 2 <= 15 ? (int)n + 2 : EINV);
	}
	/* MOV [sib+disp32], imm32 (C7 modrm sib disp32 imm32: 11 bytes) + REX + prefixes. */
	assert_int_equal(len_of("\x64\x67\x48\xc7\x84\x88\x78\x56\x34\x12\x44\x33\x22\x11", 14,
				V3_MODE_LONG64), 14);
	assert_int_equal(len_of("\x64\x66\x67\x48\xc7\x84\x88\x78\x56\x34\x12\x44\x33\x22\x11", 15,
				V3_MODE_LONG64), 15);
	assert_int_equal(len_of("\x64\x64\x66\x67\x48\xc7\x84\x88\x78\x56\x34\x12\x44\x33\x22\x11",
				16, V3_MODE_LONG64), EINV);
	/* Mixed and repeated prefixes, in any order. */
	assert_int_equal(len_of("\xf3\x66\xf2\xf0\x2e\x67\x3e\x26\x64\x65\x36\x90", 12,
				V3_MODE_PROT32), 12);
	/* 14 REX prefixes and a NOP; then 15 of them and nothing valid. */
	memset(buf, 0x40, 14);
	buf[14] = 0x90;
	assert_int_equal(v3_insn_length(buf, 15, V3_MODE_LONG64), 15);
	memset(buf, 0x40, 15);
	buf[15] = 0x90;
	assert_int_equal(v3_insn_length(buf, 16, V3_MODE_LONG64), EINV);
	/* All 15 available bytes are prefixes. */
	memset(buf, 0x66, 15);
	assert_int_equal(v3_insn_length(buf, 15, V3_MODE_PROT16), EINV);
}

static void test_invalid_in_64bit(void **state)
{
	static const struct {
		const char *bytes;
		unsigned int len;
	} ops[] = {
		{ "\x06", 1 },	   { "\x07", 1 },	  { "\x0e", 1 }, { "\x16", 1 },
		{ "\x17", 1 },	   { "\x1e", 1 },	  { "\x1f", 1 }, { "\x27", 1 },
		{ "\x2f", 1 },	   { "\x37", 1 },	  { "\x3f", 1 }, { "\x60", 1 },
		{ "\x61", 1 },	   { "\x82\xc0\x01", 3 }, { "\xce", 1 }, { "\xd4\x0a", 2 },
		{ "\xd5\x0a", 2 }, { "\x9a\x00\x00\x00\x00\x10\x00", 7 },
		{ "\xea\x00\x00\x00\x00\x10\x00", 7 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < V3_ARRAY_SIZE(ops); i++) {
		assert_int_equal(len_of(ops[i].bytes, ops[i].len, V3_MODE_PROT32), ops[i].len);
		assert_int_equal(len_of(ops[i].bytes, ops[i].len, V3_MODE_LONG64), EINV);
	}
	/* 40-4F are INC/DEC outside 64-bit mode and REX in it. */
	assert_int_equal(len_of("\x48\x90", 2, V3_MODE_PROT32), 1);
	assert_int_equal(len_of("\x48\x90", 2, V3_MODE_LONG64), 2);
	assert_int_equal(len_of("\x48", 1, V3_MODE_LONG64), EINV);
}

static void test_undefined_opcodes(void **state)
{
	static const char *const ops[] = {
		"\xd6",		/* SALC: undefined */
		"\x0f\x04", "\x0f\x0a", "\x0f\x0c", "\x0f\x24\xc0", "\x0f\x25", "\x0f\x26\xc0",
		"\x0f\x27", "\x0f\x36", "\x0f\x39", "\x0f\x3b", "\x0f\x3c", "\x0f\x3f",
		"\x0f\x7a\xc0", "\x0f\x7b\xc0", "\x0f\xa6\xc0", "\x0f\xa7\xc0",
		"\x0f\xb8\xc0",	/* JMPE (IA-64 only); POPCNT needs F3 */
	};
	size_t i;
	unsigned int m;

	(void)state;
	for (i = 0; i < V3_ARRAY_SIZE(ops); i++)
		for (m = V3_MODE_REAL; m <= V3_MODE_LONG64; m++)
			assert_int_equal(len_of(ops[i], 8, m), EINV);
	assert_int_equal(len_of("\xf3\x0f\xb8\xc0", 4, V3_MODE_PROT32), 4);
	assert_int_equal(len_of("\x00\x00", 2, 4), EINV);	/* no such mode */
	assert_int_equal(v3_insn_length(NULL, 15, V3_MODE_PROT32), EINV);
	assert_int_equal(len_of("\x90", 0, V3_MODE_PROT32), EINV);
}

/* The uniform 0F 38 / 0F 3A maps, 3DNow! and the opcode-dependent immediates. */
static void test_maps_and_immediates(void **state)
{
	(void)state;
	assert_int_equal(len_of("\x0f\x38\xff\xc0", 4, V3_MODE_PROT32), 4);
	assert_int_equal(len_of("\x0f\x38\x00\x44\x24\x08", 6, V3_MODE_PROT32), 6);
	assert_int_equal(len_of("\x0f\x3a\xff\xc0\x01", 5, V3_MODE_PROT32), 5);
	assert_int_equal(len_of("\x0f\x3a\x0f\x80\x00\x10\x00\x00\x01", 9, V3_MODE_PROT32), 9);
	/* 3DNow!: ModRM, displacement, then the opcode byte. */
	assert_int_equal(len_of("\x0f\x0f\x43\x10\x9e", 5, V3_MODE_PROT32), 5);
	assert_int_equal(len_of("\x0f\x0f\x05\x00\x10\x00\x00\x9e", 8, V3_MODE_LONG64), 8);
	/* F6/F7: only /0 and /1 (TEST) take an immediate. */
	assert_int_equal(len_of("\xf6\xc8\x01", 3, V3_MODE_PROT32), 3);	/* /1 */
	assert_int_equal(len_of("\xf6\xd0", 2, V3_MODE_PROT32), 2);		/* /2 NOT */
	assert_int_equal(len_of("\xf7\xc8\x01\x02\x03\x04", 6, V3_MODE_PROT32), 6);
	assert_int_equal(len_of("\x66\xf7\xc8\x01\x02", 5, V3_MODE_PROT32), 5);
	assert_int_equal(len_of("\x48\xf7\xc8\x01\x02\x03\x04", 7, V3_MODE_LONG64), 7);
	assert_int_equal(len_of("\xf7\xf8", 2, V3_MODE_PROT32), 2);		/* /7 IDIV */
	assert_int_equal(len_of("\xf7\x40\x10\x00\x01", 5, V3_MODE_PROT16), 5); /* /0, disp8 */
	/* C8 ENTER iw, ib; C2/CA iw whatever the operand size. */
	assert_int_equal(len_of("\xc8\x10\x00\x01", 4, V3_MODE_LONG64), 4);
	assert_int_equal(len_of("\x66\xc2\x10\x00", 4, V3_MODE_PROT32), 4);
	assert_int_equal(len_of("\x48\xca\x10\x00", 4, V3_MODE_LONG64), 4);
	/* MOV CR/DR: the mod field is ignored, never a displacement. */
	assert_int_equal(len_of("\x0f\x20\x05\x00\x00\x00\x00", 7, V3_MODE_PROT32), 3);
	assert_int_equal(len_of("\x0f\x22\x45\x00", 4, V3_MODE_LONG64), 3);
	assert_int_equal(len_of("\x0f\x23\x84\x00\x00\x00\x00\x00", 8, V3_MODE_PROT16), 3);
	/* SSE4a on 0F 78 with 66/F2 (AMD); VMREAD without. */
	assert_int_equal(len_of("\x66\x0f\x78\xc0\x04\x08", 6, V3_MODE_LONG64), 6);
	assert_int_equal(len_of("\xf2\x0f\x78\xc1\x04\x08", 6, V3_MODE_LONG64), 6);
	assert_int_equal(len_of("\x0f\x78\xc0", 3, V3_MODE_LONG64), 3);
	assert_int_equal(len_of("\x66\x0f\x79\xc1", 4, V3_MODE_LONG64), 4);
	/* The 0F 01 instructions of virtualization are all 3 bytes. */
	assert_int_equal(len_of("\x0f\x01\xc1", 3, V3_MODE_LONG64), 3);	/* VMCALL */
	assert_int_equal(len_of("\x0f\x01\xd9", 3, V3_MODE_PROT16), 3);	/* VMMCALL */
	assert_int_equal(len_of("\x0f\x01\xd8", 3, V3_MODE_REAL), 3);	/* VMRUN */
	assert_int_equal(len_of("\x0f\x01\xd1", 3, V3_MODE_PROT32), 3);	/* XSETBV */
	/* INVLPG with 16-bit addressing: [bp+si+disp16] */
	assert_int_equal(len_of("\x0f\x01\xba\x34\x12", 5, V3_MODE_REAL), 5);
	assert_int_equal(len_of("\x67\x0f\x01\x3c\x24", 5, V3_MODE_REAL), 5);	/* [esp] */
}

static void test_operand_and_address_size(void **state)
{
	(void)state;
	/* MOV r, imm: 16/32/64-bit immediates. */
	assert_int_equal(len_of("\xb8\x01\x00", 3, V3_MODE_REAL), 3);
	assert_int_equal(len_of("\x66\xb8\x01\x00\x00\x00", 6, V3_MODE_REAL), 6);
	assert_int_equal(len_of("\x66\xb8\x01\x00", 4, V3_MODE_PROT32), 4);
	assert_int_equal(len_of("\x49\xb8\x01\x02\x03\x04\x05\x06\x07\x08", 10, V3_MODE_LONG64),
			 10);
	/* REX.W wins over 66; a REX before a legacy prefix is ignored; the last REX counts. */
	assert_int_equal(len_of("\x66\x48\xb8\x01\x02\x03\x04\x05\x06\x07\x08", 11, V3_MODE_LONG64),
			 11);
	assert_int_equal(len_of("\x48\x66\xb8\x01\x02", 5, V3_MODE_LONG64), 5);
	assert_int_equal(len_of("\x48\x2e\xb8\x01\x02\x03\x04", 7, V3_MODE_LONG64), 7);
	assert_int_equal(len_of("\x40\x48\xb8\x01\x02\x03\x04\x05\x06\x07\x08", 11, V3_MODE_LONG64),
			 11);
	assert_int_equal(len_of("\x48\x40\xb8\x01\x02\x03\x04", 7, V3_MODE_LONG64), 7);
	/* moffs: as wide as the address size, not the operand size. */
	assert_int_equal(len_of("\xa1\x00\x10", 3, V3_MODE_REAL), 3);
	assert_int_equal(len_of("\x67\xa1\x00\x10\x00\x00", 6, V3_MODE_REAL), 6);
	assert_int_equal(len_of("\x66\xa1\x00\x10", 4, V3_MODE_PROT16), 4);
	assert_int_equal(len_of("\xa3\x00\x10\x00\x00", 5, V3_MODE_PROT32), 5);
	assert_int_equal(len_of("\x67\xa3\x00\x10", 4, V3_MODE_PROT32), 4);
	assert_int_equal(len_of("\xa0\x01\x02\x03\x04\x05\x06\x07\x08", 9, V3_MODE_LONG64), 9);
	assert_int_equal(len_of("\x48\xa1\x01\x02\x03\x04\x05\x06\x07\x08", 10, V3_MODE_LONG64),
			 10);
	assert_int_equal(len_of("\x67\xa2\x01\x02\x03\x04", 6, V3_MODE_LONG64), 6);
	/* Repeated 66/67 do not toggle back. */
	assert_int_equal(len_of("\x67\x67\xa1\x00\x10\x00\x00", 7, V3_MODE_REAL), 7);
	assert_int_equal(len_of("\x66\x66\x05\x01\x00", 5, V3_MODE_PROT32), 5);
	/* Far pointers: ptr16:16 or ptr16:32. */
	assert_int_equal(len_of("\x9a\x00\x10\x00\xf0", 5, V3_MODE_REAL), 5);
	assert_int_equal(len_of("\x66\xea\x00\x10\x00\x00\x00\xf0", 8, V3_MODE_REAL), 8);
	assert_int_equal(len_of("\x66\x9a\x00\x10\x00\xf0", 6, V3_MODE_PROT32), 6);
	/* Near branches in 64-bit mode: rel32, rel16 with 66 (AMD), rel32 with REX.W. */
	assert_int_equal(len_of("\xe8\x00\x10\x00\x00", 5, V3_MODE_LONG64), 5);
	assert_int_equal(len_of("\x66\xe8\x00\x10", 4, V3_MODE_LONG64), 4);
	assert_int_equal(len_of("\x48\xe9\x00\x10\x00\x00", 6, V3_MODE_LONG64), 6);
	assert_int_equal(len_of("\x66\x0f\x84\x00\x10", 5, V3_MODE_LONG64), 5);
	assert_int_equal(len_of("\x0f\x84\x00\x10", 4, V3_MODE_REAL), 4);
	/* PUSH imm: imm16 with 66, imm32 even with REX.W. */
	assert_int_equal(len_of("\x66\x68\x00\x10", 4, V3_MODE_LONG64), 4);
	assert_int_equal(len_of("\x48\x68\x00\x10\x00\x00", 6, V3_MODE_LONG64), 6);
	/* 32-bit addressing corners: SIB with no base, [ebp] as disp8, RIP-relative. */
	assert_int_equal(len_of("\x8b\x04\x25\x00\x10\x00\x00", 7, V3_MODE_LONG64), 7);
	assert_int_equal(len_of("\x8b\x04\x8d\x00\x10\x00\x00", 7, V3_MODE_PROT32), 7);
	assert_int_equal(len_of("\x8b\x45\x00", 3, V3_MODE_PROT32), 3);
	assert_int_equal(len_of("\x8b\x05\x00\x10\x00\x00", 6, V3_MODE_LONG64), 6);
	assert_int_equal(len_of("\x8b\x44\x25\x10", 4, V3_MODE_LONG64), 4); /* SIB base 5, disp8 */
	assert_int_equal(len_of("\x67\x8b\x06\x00\x10", 5, V3_MODE_PROT32), 5); /* [disp16] */
	assert_int_equal(len_of("\x67\x8b\x46\x10", 4, V3_MODE_PROT32), 4);	/* [bp+disp8] */
}

static void test_vex_evex_xop(void **state)
{
	unsigned int m;

	(void)state;
	/* C4/C5/62 outside 64-bit mode: LES/LDS/BOUND with a memory operand. */
	assert_int_equal(len_of("\xc4\x43\x10", 3, V3_MODE_PROT32), 3);
	assert_int_equal(len_of("\xc5\x05\x00\x10\x00\x00", 6, V3_MODE_PROT32), 6);
	assert_int_equal(len_of("\x62\x03", 2, V3_MODE_PROT16), 2);
	assert_int_equal(len_of("\xc5\x06\x00\x10", 4, V3_MODE_REAL), 4);
	/* ...and VEX/EVEX when ModRM.mod would be 11. */
	assert_int_equal(len_of("\xc5\xf8\x77", 3, V3_MODE_PROT32), 3);
	assert_int_equal(len_of("\xc5\xf8\x77", 3, V3_MODE_LONG64), 3);
	assert_int_equal(len_of("\xc5\xf8\x77", 3, V3_MODE_REAL), EINV);
	assert_int_equal(len_of("\xc5\x78\x77", 3, V3_MODE_LONG64), 3);
	assert_int_equal(len_of("\xc5\x78\x77", 3, V3_MODE_PROT32), 3); /* LDS edi, [eax+0x77] */
	/* VEX maps: 1 with opcode-dependent imm8, 2 none, 3 always imm8; others undefined. */
	assert_int_equal(len_of("\xc4\xe1\x79\x70\xc1\x1b", 6, V3_MODE_LONG64), 6);
	assert_int_equal(len_of("\xc4\xe1\x79\x6f\xc1", 5, V3_MODE_LONG64), 5);
	assert_int_equal(len_of("\xc4\xe2\x79\x70\xc1", 5, V3_MODE_LONG64), 5);
	assert_int_equal(len_of("\xc4\xe3\x79\x6f\xc1\x01", 6, V3_MODE_LONG64), 6);
	assert_int_equal(len_of("\xc4\xe0\x79\x6f\xc1", 5, V3_MODE_LONG64), EINV);
	assert_int_equal(len_of("\xc4\xe4\x79\x6f\xc1\x01", 6, V3_MODE_LONG64), EINV);
	/* #UD after 66, F2, F3, LOCK or REX; segment and 67 prefixes are fine. */
	assert_int_equal(len_of("\x66\xc5\xf8\x77", 4, V3_MODE_LONG64), EINV);
	assert_int_equal(len_of("\xf3\xc5\xf8\x77", 4, V3_MODE_LONG64), EINV);
	assert_int_equal(len_of("\xf0\xc5\xf8\x77", 4, V3_MODE_LONG64), EINV);
	assert_int_equal(len_of("\x48\xc5\xf8\x77", 4, V3_MODE_LONG64), EINV);
	assert_int_equal(len_of("\x66\x62\xf1\x7c\x48\x58\xc1", 7, V3_MODE_LONG64), EINV);
	assert_int_equal(len_of("\x2e\x67\xc5\xf8\x77", 5, V3_MODE_LONG64), 5);
	/* EVEX: 4-byte prefix; maps 1, 2, 3, 5, 6. */
	assert_int_equal(len_of("\x62\xf1\x7c\x48\x58\xc1", 6, V3_MODE_LONG64), 6);
	assert_int_equal(len_of("\x62\xf1\x7c\x48\x58\x43\x01", 7, V3_MODE_LONG64), 7);
	assert_int_equal(len_of("\x62\xf3\x75\x48\x25\xc2\xff", 7, V3_MODE_PROT32), 7);
	assert_int_equal(len_of("\x62\xf5\x74\x48\x58\xd0", 6, V3_MODE_LONG64), 6);
	for (m = 0; m < 8; m++) {
		char evex[7] = { 0x62, (char)(0xf0 | m), 0x7c, 0x48, 0x58, (char)0xc1, 0 };
		bool valid = m == 1 || m == 2 || m == 3 || m == 5 || m == 6;

		assert_int_equal(len_of(evex, 7, V3_MODE_LONG64), valid ? 6 + (m == 3) : EINV);
	}
	/* XOP (8F with ModRM.reg != 0): map 8 imm8, map 9 none, map A imm32. */
	assert_int_equal(len_of("\x8f\xe8\x78\xa2\xc1\x10", 6, V3_MODE_PROT32), 6);
	assert_int_equal(len_of("\x8f\xe9\x78\x80\xc1", 5, V3_MODE_LONG64), 5);
	assert_int_equal(len_of("\x8f\xea\x78\x10\xc0\x34\x12\x00\x00", 9, V3_MODE_LONG64), 9);
	assert_int_equal(len_of("\x8f\xe7\x78\x10\xc0", 5, V3_MODE_LONG64), EINV);
	assert_int_equal(len_of("\x8f\xe8\x78\xa2\xc1\x10", 6, V3_MODE_REAL), EINV);
	/* 8F /0 is POP Ev. */
	assert_int_equal(len_of("\x8f\x00", 2, V3_MODE_LONG64), 2);
	assert_int_equal(len_of("\x8f\xc0", 2, V3_MODE_REAL), 2);
	assert_int_equal(len_of("\x8f\x80\x00\x10\x00\x00", 6, V3_MODE_PROT32), 6);
}

static void test_cpu_mode_from_regs(void **state)
{
	const u64 pe = 1, lma = 1ULL << 10, vm = 1ULL << 17;

	(void)state;
	assert_int_equal(v3_cpu_mode_from_regs(0, 0, 0, false, false), V3_MODE_REAL);
	assert_int_equal(v3_cpu_mode_from_regs(0, 0, 0, true, true), V3_MODE_REAL);
	assert_int_equal(v3_cpu_mode_from_regs(pe, 0, vm, false, true), V3_MODE_REAL);
	assert_int_equal(v3_cpu_mode_from_regs(pe, 0, 0, false, false), V3_MODE_PROT16);
	assert_int_equal(v3_cpu_mode_from_regs(pe, 0, 0, false, true), V3_MODE_PROT32);
	assert_int_equal(v3_cpu_mode_from_regs(pe, 0, 0, true, true), V3_MODE_PROT32);
	assert_int_equal(v3_cpu_mode_from_regs(pe, lma, 0, false, true), V3_MODE_PROT32);
	assert_int_equal(v3_cpu_mode_from_regs(pe, lma, 0, false, false), V3_MODE_PROT16);
	assert_int_equal(v3_cpu_mode_from_regs(pe, lma, 0, true, false), V3_MODE_LONG64);
	/* RFLAGS.VM is ignored in long mode. */
	assert_int_equal(v3_cpu_mode_from_regs(pe, lma, vm, true, false), V3_MODE_LONG64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_encodings),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_fifteen_byte_limit),
		cmocka_unit_test(test_invalid_in_64bit),
		cmocka_unit_test(test_undefined_opcodes),
		cmocka_unit_test(test_maps_and_immediates),
		cmocka_unit_test(test_operand_and_address_size),
		cmocka_unit_test(test_vex_evex_xop),
		cmocka_unit_test(test_cpu_mode_from_regs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
