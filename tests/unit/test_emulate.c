/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the MMIO instruction emulator (palacios/src/decode.c, emulate.c):
 *  - the decoder against encodings produced by GNU as (.code16/.code32/.code64: the
 *    bytes in the table below were assembled from the text next to them, the other
 *    fields are what the SDM says they decode to), prefixes, errors;
 *  - effective addresses in all address sizes (wrap-around, RIP-relative);
 *  - v3_alu() against the host CPU running the same instruction (inline asm);
 *  - whole instructions through the exit dispatcher (v3_handle_exit with a nested page
 *    fault on an MMIO region), in real mode, 32-bit protected mode without paging and
 *    64-bit mode with identity page tables, against a recording device.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arch/backend.h>
#include <v3/errno.h>

#include "decode.h"
#include "emulate.h"
#include "exit.h"
#include "fake_host.h"
#include "insn_len.h"
#include "mem.h"
#include "vcpu.h"
#include "vm.h"

/* ---- decoding known encodings ------------------------------------------------------- */

struct known {
	enum v3_cpu_mode mode;
	const char *text;
	u8 bytes[15];
	u8 len;
	enum v3_insn_kind kind;
	u8 alu, op_size, src_size, addr_size, base, index, scale;
	s64 disp;
	u8 seg, reg;
	bool has_imm;
	u64 imm;
	bool rip_rel;
};

static const struct known known[] = {
	{ V3_MODE_LONG64, "movl %eax,(%rbx)", { 0x89, 0x03 }, 2, V3_INSN_MOV_STORE, 0, 4, 4, 8, 3, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, 0, false, 0, false },
	{ V3_MODE_LONG64, "movq %r9,0x10(%rax,%rcx,4)", { 0x4c, 0x89, 0x4c, 0x88, 0x10 }, 5, V3_INSN_MOV_STORE, 0, 8, 8, 8, 0, 1, 4, 0x10LL, V3_SEG_DS, 9, false, 0, false },
	{ V3_MODE_LONG64, "movb %ah,(%rdx)", { 0x88, 0x22 }, 2, V3_INSN_MOV_STORE, 0, 1, 1, 8, 2, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, 4, false, 0, false },
	{ V3_MODE_LONG64, "movb %sil,(%rdx)", { 0x40, 0x88, 0x32 }, 3, V3_INSN_MOV_STORE, 0, 1, 1, 8, 2, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, 6, false, 0, false },
	{ V3_MODE_LONG64, "movw %ax,-8(%rbp)", { 0x66, 0x89, 0x45, 0xf8 }, 4, V3_INSN_MOV_STORE, 0, 2, 2, 8, 5, V3_REG_NONE, 1, -8LL, V3_SEG_SS, 0, false, 0, false },
	{ V3_MODE_LONG64, "movl 0x1234(%rip),%eax", { 0x8b, 0x05, 0x34, 0x12, 0x00, 0x00 }, 6, V3_INSN_MOV_LOAD, 0, 4, 4, 8, V3_REG_NONE, V3_REG_NONE, 1, 0x1234LL, V3_SEG_DS, 0, false, 0, true },
	{ V3_MODE_LONG64, "movq (%r12),%r15", { 0x4d, 0x8b, 0x3c, 0x24 }, 4, V3_INSN_MOV_LOAD, 0, 8, 8, 8, 12, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, 15, false, 0, false },
	{ V3_MODE_LONG64, "movq (%r13),%rax", { 0x49, 0x8b, 0x45, 0x00 }, 4, V3_INSN_MOV_LOAD, 0, 8, 8, 8, 13, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, 0, false, 0, false },
	{ V3_MODE_LONG64, "movl (%rsp),%eax", { 0x8b, 0x04, 0x24 }, 3, V3_INSN_MOV_LOAD, 0, 4, 4, 8, 4, V3_REG_NONE, 1, 0x0LL, V3_SEG_SS, 0, false, 0, false },
	{ V3_MODE_LONG64, "movl (,%r11,8),%eax", { 0x42, 0x8b, 0x04, 0xdd, 0x00, 0x00, 0x00, 0x00 }, 8, V3_INSN_MOV_LOAD, 0, 4, 4, 8, V3_REG_NONE, 11, 8, 0x0LL, V3_SEG_DS, 0, false, 0, false },
	{ V3_MODE_LONG64, "movl -0x80000000(,%rax,2),%eax", { 0x8b, 0x04, 0x45, 0x00, 0x00, 0x00, 0x80 }, 7, V3_INSN_MOV_LOAD, 0, 4, 4, 8, V3_REG_NONE, 0, 2, -2147483648LL, V3_SEG_DS, 0, false, 0, false },
	{ V3_MODE_LONG64, "movl %fs:(%rax),%ecx", { 0x64, 0x8b, 0x08 }, 3, V3_INSN_MOV_LOAD, 0, 4, 4, 8, 0, V3_REG_NONE, 1, 0x0LL, V3_SEG_FS, 1, false, 0, false },
	{ V3_MODE_LONG64, "movl %gs:8(%rax),%ecx", { 0x65, 0x8b, 0x48, 0x08 }, 4, V3_INSN_MOV_LOAD, 0, 4, 4, 8, 0, V3_REG_NONE, 1, 0x8LL, V3_SEG_GS, 1, false, 0, false },
	{ V3_MODE_LONG64, "movl %es:(%rax),%ecx", { 0x26, 0x8b, 0x08 }, 3, V3_INSN_MOV_LOAD, 0, 4, 4, 8, 0, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, 1, false, 0, false },
	{ V3_MODE_LONG64, "movl (%eax),%ecx", { 0x67, 0x8b, 0x08 }, 3, V3_INSN_MOV_LOAD, 0, 4, 4, 4, 0, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, 1, false, 0, false },
	{ V3_MODE_LONG64, "movb $0x7f,(%rdi)", { 0xc6, 0x07, 0x7f }, 3, V3_INSN_MOV_STORE, 0, 1, 1, 8, 7, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, V3_REG_NONE, true, 0x7fULL, false },
	{ V3_MODE_LONG64, "movq $-1,(%rdi)", { 0x48, 0xc7, 0x07, 0xff, 0xff, 0xff, 0xff }, 7, V3_INSN_MOV_STORE, 0, 8, 8, 8, 7, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, V3_REG_NONE, true, (u64)-1LL, false },
	{ V3_MODE_LONG64, "movw $0x1234,(%rdi)", { 0x66, 0xc7, 0x07, 0x34, 0x12 }, 5, V3_INSN_MOV_STORE, 0, 2, 2, 8, 7, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, V3_REG_NONE, true, 0x1234ULL, false },
	{ V3_MODE_LONG64, "movl $0x89abcdef,(%rdi)", { 0xc7, 0x07, 0xef, 0xcd, 0xab, 0x89 }, 6, V3_INSN_MOV_STORE, 0, 4, 4, 8, 7, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, V3_REG_NONE, true, (u64)-1985229329LL, false },
	{ V3_MODE_LONG64, "movabs 0x1122334455667788,%eax", { 0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 }, 9, V3_INSN_MOV_LOAD, 0, 4, 4, 8, V3_REG_NONE, V3_REG_NONE, 1, 0x1122334455667788LL, V3_SEG_DS, 0, false, 0, false },
	{ V3_MODE_LONG64, "movabs %al,0x1122334455667788", { 0xa2, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 }, 9, V3_INSN_MOV_STORE, 0, 1, 1, 8, V3_REG_NONE, V3_REG_NONE, 1, 0x1122334455667788LL, V3_SEG_DS, 0, false, 0, false },
	{ V3_MODE_LONG64, "addr32 movl 0x11223344,%eax", { 0x67, 0xa1, 0x44, 0x33, 0x22, 0x11 }, 6, V3_INSN_MOV_LOAD, 0, 4, 4, 4, V3_REG_NONE, V3_REG_NONE, 1, 0x11223344LL, V3_SEG_DS, 0, false, 0, false },
	{ V3_MODE_LONG64, "movzbl (%rsi),%eax", { 0x0f, 0xb6, 0x06 }, 3, V3_INSN_MOV_LOAD, 0, 4, 1, 8, 6, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, 0, false, 0, false },
	{ V3_MODE_LONG64, "movzwq (%rsi),%r8", { 0x4c, 0x0f, 0xb7, 0x06 }, 4, V3_INSN_MOV_LOAD, 0, 8, 2, 8, 6, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, 8, false, 0, false },
	{ V3_MODE_LONG64, "movsbw (%rsi),%dx", { 0x66, 0x0f, 0xbe, 0x16 }, 4, V3_INSN_MOV_LOAD, 0, 2, 1, 8, 6, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, 2, false, 0, false },
	{ V3_MODE_LONG64, "movswl (%rsi),%edx", { 0x0f, 0xbf, 0x16 }, 3, V3_INSN_MOV_LOAD, 0, 4, 2, 8, 6, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, 2, false, 0, false },
	{ V3_MODE_LONG64, "movslq (%rsi),%rdx", { 0x48, 0x63, 0x16 }, 3, V3_INSN_MOV_LOAD, 0, 8, 4, 8, 6, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, 2, false, 0, false },
	{ V3_MODE_LONG64, "addl %eax,(%rbx)", { 0x01, 0x03 }, 2, V3_INSN_ALU, V3_ALU_ADD, 4, 4, 8, 3, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, 0, false, 0, false },
	{ V3_MODE_LONG64, "orq (%rbx),%r10", { 0x4c, 0x0b, 0x13 }, 3, V3_INSN_ALU, V3_ALU_OR, 8, 8, 8, 3, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, 10, false, 0, false },
	{ V3_MODE_LONG64, "adcb %cl,(%rbx)", { 0x10, 0x0b }, 2, V3_INSN_ALU, V3_ALU_ADC, 1, 1, 8, 3, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, 1, false, 0, false },
	{ V3_MODE_LONG64, "sbbw (%rbx),%dx", { 0x66, 0x1b, 0x13 }, 3, V3_INSN_ALU, V3_ALU_SBB, 2, 2, 8, 3, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, 2, false, 0, false },
	{ V3_MODE_LONG64, "andl $0xfffffff0,(%rbx)", { 0x83, 0x23, 0xf0 }, 3, V3_INSN_ALU, V3_ALU_AND, 4, 4, 8, 3, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, V3_REG_NONE, true, (u64)-16LL, false },
	{ V3_MODE_LONG64, "subq $0x1000,8(%rbx)", { 0x48, 0x81, 0x6b, 0x08, 0x00, 0x10, 0x00, 0x00 }, 8, V3_INSN_ALU, V3_ALU_SUB, 8, 8, 8, 3, V3_REG_NONE, 1, 0x8LL, V3_SEG_DS, V3_REG_NONE, true, 0x1000ULL, false },
	{ V3_MODE_LONG64, "xorb $0x80,(%rbx)", { 0x80, 0x33, 0x80 }, 3, V3_INSN_ALU, V3_ALU_XOR, 1, 1, 8, 3, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, V3_REG_NONE, true, (u64)-128LL, false },
	{ V3_MODE_LONG64, "cmpl $1,(%rbx)", { 0x83, 0x3b, 0x01 }, 3, V3_INSN_ALU, V3_ALU_CMP, 4, 4, 8, 3, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, V3_REG_NONE, true, 0x1ULL, false },
	{ V3_MODE_LONG64, "cmpw $-2,(%rbx)", { 0x66, 0x83, 0x3b, 0xfe }, 4, V3_INSN_ALU, V3_ALU_CMP, 2, 2, 8, 3, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, V3_REG_NONE, true, (u64)-2LL, false },
	{ V3_MODE_LONG64, "lock orl $1,(%rbx)", { 0xf0, 0x83, 0x0b, 0x01 }, 4, V3_INSN_ALU, V3_ALU_OR, 4, 4, 8, 3, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, V3_REG_NONE, true, 0x1ULL, false },
	{ V3_MODE_LONG64, "testl %ecx,(%rbx)", { 0x85, 0x0b }, 2, V3_INSN_ALU, V3_ALU_TEST, 4, 4, 8, 3, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, 1, false, 0, false },
	{ V3_MODE_LONG64, "testb $4,(%rbx)", { 0xf6, 0x03, 0x04 }, 3, V3_INSN_ALU, V3_ALU_TEST, 1, 1, 8, 3, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, V3_REG_NONE, true, 0x4ULL, false },
	{ V3_MODE_LONG64, "testl $0x80000000,(%rbx)", { 0xf7, 0x03, 0x00, 0x00, 0x00, 0x80 }, 6, V3_INSN_ALU, V3_ALU_TEST, 4, 4, 8, 3, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, V3_REG_NONE, true, (u64)-2147483648LL, false },
	{ V3_MODE_LONG64, "xchgl %eax,(%rbx)", { 0x87, 0x03 }, 2, V3_INSN_XCHG, 0, 4, 4, 8, 3, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, 0, false, 0, false },
	{ V3_MODE_LONG64, "xchgb %bh,(%rbx)", { 0x86, 0x3b }, 2, V3_INSN_XCHG, 0, 1, 1, 8, 3, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, 7, false, 0, false },
	{ V3_MODE_LONG64, "stosl", { 0xab }, 1, V3_INSN_STOS, 0, 4, 4, 8, 7, V3_REG_NONE, 1, 0x0LL, V3_SEG_ES, 0, false, 0, false },
	{ V3_MODE_LONG64, "rep stosq", { 0xf3, 0x48, 0xab }, 3, V3_INSN_STOS, 0, 8, 8, 8, 7, V3_REG_NONE, 1, 0x0LL, V3_SEG_ES, 0, false, 0, false },
	{ V3_MODE_LONG64, "rep movsb", { 0xf3, 0xa4 }, 2, V3_INSN_MOVS, 0, 1, 1, 8, 7, V3_REG_NONE, 1, 0x0LL, V3_SEG_ES, 0, false, 0, false },
	{ V3_MODE_LONG64, "addr32 rep movsw", { 0x67, 0x66, 0xf3, 0xa5 }, 4, V3_INSN_MOVS, 0, 2, 2, 4, 7, V3_REG_NONE, 1, 0x0LL, V3_SEG_ES, 0, false, 0, false },
	{ V3_MODE_LONG64, "btl %eax,(%rbx)", { 0x0f, 0xa3, 0x03 }, 3, V3_INSN_BT, V3_BT, 4, 4, 8, 3, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, 0, false, 0, false },
	{ V3_MODE_LONG64, "lock btsq %rax,(%rbx)", { 0xf0, 0x48, 0x0f, 0xab, 0x03 }, 5, V3_INSN_BT, V3_BTS, 8, 8, 8, 3, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, 0, false, 0, false },
	{ V3_MODE_LONG64, "btrl $5,(%rbx)", { 0x0f, 0xba, 0x33, 0x05 }, 4, V3_INSN_BT, V3_BTR, 4, 4, 8, 3, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, V3_REG_NONE, true, 0x5ULL, false },
	{ V3_MODE_LONG64, "btcw $15,(%rbx)", { 0x66, 0x0f, 0xba, 0x3b, 0x0f }, 5, V3_INSN_BT, V3_BTC, 2, 2, 8, 3, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, V3_REG_NONE, true, 0xfULL, false },
	{ V3_MODE_PROT32, "movl %eax,(%ebx)", { 0x89, 0x03 }, 2, V3_INSN_MOV_STORE, 0, 4, 4, 4, 3, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, 0, false, 0, false },
	{ V3_MODE_PROT32, "movw %ax,0x10(%ebp)", { 0x66, 0x89, 0x45, 0x10 }, 4, V3_INSN_MOV_STORE, 0, 2, 2, 4, 5, V3_REG_NONE, 1, 0x10LL, V3_SEG_SS, 0, false, 0, false },
	{ V3_MODE_PROT32, "movl 0xfee00020,%eax", { 0xa1, 0x20, 0x00, 0xe0, 0xfe }, 5, V3_INSN_MOV_LOAD, 0, 4, 4, 4, V3_REG_NONE, V3_REG_NONE, 1, 0xfee00020LL, V3_SEG_DS, 0, false, 0, false },
	{ V3_MODE_PROT32, "movl 0xfee00020(,%ecx,4),%edx", { 0x8b, 0x14, 0x8d, 0x20, 0x00, 0xe0, 0xfe }, 7, V3_INSN_MOV_LOAD, 0, 4, 4, 4, V3_REG_NONE, 1, 4, -18874336LL, V3_SEG_DS, 2, false, 0, false },
	{ V3_MODE_PROT32, "movl %es:4(%esi,%edi,2),%eax", { 0x26, 0x8b, 0x44, 0x7e, 0x04 }, 5, V3_INSN_MOV_LOAD, 0, 4, 4, 4, 6, 7, 2, 0x4LL, V3_SEG_ES, 0, false, 0, false },
	{ V3_MODE_PROT32, "movl 0x12345678,%eax", { 0xa1, 0x78, 0x56, 0x34, 0x12 }, 5, V3_INSN_MOV_LOAD, 0, 4, 4, 4, V3_REG_NONE, V3_REG_NONE, 1, 0x12345678LL, V3_SEG_DS, 0, false, 0, false },
	{ V3_MODE_PROT32, "addr16 movl 0x1234,%eax", { 0x67, 0xa1, 0x34, 0x12 }, 4, V3_INSN_MOV_LOAD, 0, 4, 4, 2, V3_REG_NONE, V3_REG_NONE, 1, 0x1234LL, V3_SEG_DS, 0, false, 0, false },
	{ V3_MODE_PROT32, "movl (%bx,%si),%eax", { 0x67, 0x8b, 0x00 }, 3, V3_INSN_MOV_LOAD, 0, 4, 4, 2, 3, 6, 1, 0x0LL, V3_SEG_DS, 0, false, 0, false },
	{ V3_MODE_PROT32, "movb $1,(%eax)", { 0xc6, 0x00, 0x01 }, 3, V3_INSN_MOV_STORE, 0, 1, 1, 4, 0, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, V3_REG_NONE, true, 0x1ULL, false },
	{ V3_MODE_PROT32, "orl $0x100,(%eax)", { 0x81, 0x08, 0x00, 0x01, 0x00, 0x00 }, 6, V3_INSN_ALU, V3_ALU_OR, 4, 4, 4, 0, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, V3_REG_NONE, true, 0x100ULL, false },
	{ V3_MODE_PROT32, "movzbl (%eax),%ecx", { 0x0f, 0xb6, 0x08 }, 3, V3_INSN_MOV_LOAD, 0, 4, 1, 4, 0, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, 1, false, 0, false },
	{ V3_MODE_PROT32, "rep stosl", { 0xf3, 0xab }, 2, V3_INSN_STOS, 0, 4, 4, 4, 7, V3_REG_NONE, 1, 0x0LL, V3_SEG_ES, 0, false, 0, false },
	{ V3_MODE_PROT32, "rep movsl %ds:(%esi),%es:(%edi)", { 0xf3, 0xa5 }, 2, V3_INSN_MOVS, 0, 4, 4, 4, 7, V3_REG_NONE, 1, 0x0LL, V3_SEG_ES, 0, false, 0, false },
	{ V3_MODE_REAL, "movw %ax,(%bx)", { 0x89, 0x07 }, 2, V3_INSN_MOV_STORE, 0, 2, 2, 2, 3, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, 0, false, 0, false },
	{ V3_MODE_REAL, "movw (%bp,%di),%cx", { 0x8b, 0x0b }, 2, V3_INSN_MOV_LOAD, 0, 2, 2, 2, 5, 7, 1, 0x0LL, V3_SEG_SS, 1, false, 0, false },
	{ V3_MODE_REAL, "movb 5(%bp),%al", { 0x8a, 0x46, 0x05 }, 3, V3_INSN_MOV_LOAD, 0, 1, 1, 2, 5, V3_REG_NONE, 1, 0x5LL, V3_SEG_SS, 0, false, 0, false },
	{ V3_MODE_REAL, "movw 0x1234,%ax", { 0xa1, 0x34, 0x12 }, 3, V3_INSN_MOV_LOAD, 0, 2, 2, 2, V3_REG_NONE, V3_REG_NONE, 1, 0x1234LL, V3_SEG_DS, 0, false, 0, false },
	{ V3_MODE_REAL, "movw -2(%si),%dx", { 0x8b, 0x54, 0xfe }, 3, V3_INSN_MOV_LOAD, 0, 2, 2, 2, 6, V3_REG_NONE, 1, -2LL, V3_SEG_DS, 2, false, 0, false },
	{ V3_MODE_REAL, "movl %eax,%es:(%bx,%si)", { 0x26, 0x66, 0x89, 0x00 }, 4, V3_INSN_MOV_STORE, 0, 4, 4, 2, 3, 6, 1, 0x0LL, V3_SEG_ES, 0, false, 0, false },
	{ V3_MODE_REAL, "movl %eax,(%ebx)", { 0x67, 0x66, 0x89, 0x03 }, 4, V3_INSN_MOV_STORE, 0, 4, 4, 4, 3, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, 0, false, 0, false },
	{ V3_MODE_REAL, "movw $0xbeef,(%di)", { 0xc7, 0x05, 0xef, 0xbe }, 4, V3_INSN_MOV_STORE, 0, 2, 2, 2, 7, V3_REG_NONE, 1, 0x0LL, V3_SEG_DS, V3_REG_NONE, true, (u64)-16657LL, false },
	{ V3_MODE_REAL, "andb $0xfe,0x300(%bx,%di)", { 0x80, 0xa1, 0x00, 0x03, 0xfe }, 5, V3_INSN_ALU, V3_ALU_AND, 1, 1, 2, 3, 7, 1, 0x300LL, V3_SEG_DS, V3_REG_NONE, true, (u64)-2LL, false },
	{ V3_MODE_REAL, "rep stosb", { 0xf3, 0xaa }, 2, V3_INSN_STOS, 0, 1, 1, 2, 7, V3_REG_NONE, 1, 0x0LL, V3_SEG_ES, 0, false, 0, false },
	{ V3_MODE_REAL, "movsw", { 0xa5 }, 1, V3_INSN_MOVS, 0, 2, 2, 2, 7, V3_REG_NONE, 1, 0x0LL, V3_SEG_ES, 0, false, 0, false },
};

static void test_decode_known(void **state)
{
	for (size_t i = 0; i < V3_ARRAY_SIZE(known); i++) {
		const struct known *k = &known[i];
		struct v3_insn in;
		int rc = v3_decode(k->bytes, k->len, k->mode, &in);

		print_message("%s\n", k->text);
		assert_int_equal(rc, 0);
		assert_int_equal(in.len, k->len);
		/* The same length as the general length decoder finds. */
		assert_int_equal(v3_insn_length(k->bytes, k->len, k->mode), k->len);
		assert_int_equal(in.kind, k->kind);
		if (k->kind == V3_INSN_ALU || k->kind == V3_INSN_BT)
			assert_int_equal(in.alu, k->alu);
		assert_int_equal(in.op_size, k->op_size);
		if (k->kind == V3_INSN_MOV_LOAD)
			assert_int_equal(in.src_size, k->src_size);
		assert_int_equal(in.addr_size, k->addr_size);
		assert_int_equal(in.mem.base, k->base);
		assert_int_equal(in.mem.index, k->index);
		assert_int_equal(in.mem.scale, k->scale);
		assert_int_equal(in.mem.disp, k->disp);
		assert_int_equal(in.mem.seg, k->seg);
		assert_int_equal(in.mem.rip_rel, k->rip_rel);
		assert_int_equal(in.reg, k->reg);
		assert_int_equal(in.has_imm, k->has_imm);
		if (k->has_imm)
			assert_int_equal(in.imm, k->imm);
		/* Too short by one byte: never a shorter instruction. */
		assert_int_equal(v3_decode(k->bytes, k->len - 1u, k->mode, &in), -V3_EINVAL);
	}
}

#define DEC(mode, ...)                                                                            \
	({                                                                                         \
		static const u8 b_[] = { __VA_ARGS__ };                                            \
		v3_decode(b_, sizeof(b_), mode, &in);                                              \
	})

static void test_decode_details(void **state)
{
	struct v3_insn in;

	/* AH..BH without REX, SPL..DIL with it. */
	assert_int_equal(DEC(V3_MODE_LONG64, 0x88, 0x22), 0);
	assert_true(in.reg_high_byte);
	assert_int_equal(DEC(V3_MODE_LONG64, 0x40, 0x88, 0x22), 0);
	assert_false(in.reg_high_byte);
	assert_int_equal(in.reg, 4);
	/* MOVZX to a 16-bit register keeps the high-byte rule off (word source). */
	assert_int_equal(DEC(V3_MODE_PROT32, 0x8a, 0x27), 0);
	assert_true(in.reg_high_byte);
	assert_int_equal(in.kind, V3_INSN_MOV_LOAD);
	/* A REX followed by a legacy prefix is ignored: 48 66 89 03 is a 16-bit store. */
	assert_int_equal(DEC(V3_MODE_LONG64, 0x48, 0x66, 0x89, 0x03), 0);
	assert_int_equal(in.op_size, 2);
	assert_int_equal(in.rex, 0);
	/* REX.W wins over 66. */
	assert_int_equal(DEC(V3_MODE_LONG64, 0x66, 0x48, 0x89, 0x03), 0);
	assert_int_equal(in.op_size, 8);
	/* 66 and 67 in 16-bit code give 32-bit sizes. */
	assert_int_equal(DEC(V3_MODE_PROT16, 0x66, 0x67, 0x89, 0x03), 0);
	assert_int_equal(in.op_size, 4);
	assert_int_equal(in.addr_size, 4);
	assert_int_equal(in.mem.base, 3);
	/* The last segment override wins; CS/DS/ES/SS ones are ignored in 64-bit mode. */
	assert_int_equal(DEC(V3_MODE_PROT32, 0x64, 0x26, 0x8b, 0x03), 0);
	assert_int_equal(in.mem.seg, V3_SEG_ES);
	assert_int_equal(DEC(V3_MODE_LONG64, 0x26, 0x64, 0x8b, 0x03), 0);
	assert_int_equal(in.mem.seg, V3_SEG_FS);
	assert_int_equal(DEC(V3_MODE_LONG64, 0x2e, 0x8b, 0x03), 0);
	assert_int_equal(in.mem.seg, V3_SEG_DS);
	/* REX.B r13 as a base is not rBP: DS; r12 needs a SIB. */
	assert_int_equal(DEC(V3_MODE_LONG64, 0x41, 0x8b, 0x45, 0x00), 0);
	assert_int_equal(in.mem.base, 13);
	assert_int_equal(in.mem.seg, V3_SEG_DS);
	/* MOVS takes its source segment from the override, its destination is always ES. */
	assert_int_equal(DEC(V3_MODE_PROT32, 0x65, 0xa5), 0);
	assert_int_equal(in.seg_override, V3_SEG_GS);
	assert_int_equal(in.mem.seg, V3_SEG_ES);
	/* F2 on STOS repeats like F3; on other instructions it is dropped. */
	assert_int_equal(DEC(V3_MODE_PROT32, 0xf2, 0xaa), 0);
	assert_true(in.repne);
	assert_int_equal(DEC(V3_MODE_PROT32, 0xf3, 0x89, 0x03), 0);
	assert_false(in.rep);
	/* MOVSXD without REX.W: a 32-bit load. */
	assert_int_equal(DEC(V3_MODE_LONG64, 0x63, 0x03), 0);
	assert_int_equal(in.op_size, 4);
	assert_int_equal(in.src_size, 4);
	/* C7 with REX.W sign-extends imm32. */
	assert_int_equal(DEC(V3_MODE_LONG64, 0x48, 0xc7, 0x03, 0x00, 0x00, 0x00, 0x80), 0);
	assert_int_equal(in.imm, 0xffffffff80000000UL);
	/* 14 prefixes + opcode + ModRM: 16 bytes, longer than the CPU takes. */
	{
		u8 b[16];

		memset(b, 0x3e, 14);
		b[14] = 0x89;
		b[15] = 0x03;
		assert_int_equal(v3_decode(b, 16, V3_MODE_PROT32, &in), -V3_EINVAL);
		assert_int_equal(v3_decode(b + 1, 15, V3_MODE_PROT32, &in), 0);
		assert_int_equal(in.len, 15);
	}
}

struct bad {
	enum v3_cpu_mode mode;
	u8 bytes[8];
	u8 len;
	int rc;
};

static const struct bad bad[] = {
	{ V3_MODE_LONG64, { 0x89, 0xc3 }, 2, -V3_ENOTSUP },		/* mov %eax,%ebx */
	{ V3_MODE_LONG64, { 0x8b, 0xc3 }, 2, -V3_ENOTSUP },
	{ V3_MODE_LONG64, { 0x05, 1, 0, 0, 0 }, 5, -V3_ENOTSUP },	/* add $1,%eax */
	{ V3_MODE_LONG64, { 0x0f, 0x01, 0xd9 }, 3, -V3_ENOTSUP },	/* vmmcall */
	{ V3_MODE_LONG64, { 0xff, 0x03 }, 2, -V3_ENOTSUP },		/* incl (%rbx) */
	{ V3_MODE_LONG64, { 0xf7, 0x13 }, 2, -V3_ENOTSUP },		/* notl (%rbx) */
	{ V3_MODE_LONG64, { 0xf7, 0x33 }, 2, -V3_ENOTSUP },		/* divl (%rbx) */
	{ V3_MODE_LONG64, { 0xc7, 0x0b, 0, 0, 0, 0 }, 6, -V3_ENOTSUP },	/* c7 /1 */
	{ V3_MODE_LONG64, { 0x0f, 0xba, 0x1b, 1 }, 4, -V3_ENOTSUP },	/* 0f ba /0-3 undefined */
	{ V3_MODE_LONG64, { 0x0f, 0xba, 0x03, 1 }, 4, -V3_ENOTSUP },
	{ V3_MODE_LONG64, { 0xa6 }, 1, -V3_ENOTSUP },			/* cmpsb */
	{ V3_MODE_LONG64, { 0xac }, 1, -V3_ENOTSUP },			/* lodsb */
	{ V3_MODE_LONG64, { 0x0f, 0x10, 0x03 }, 3, -V3_ENOTSUP },	/* movups (%rbx),%xmm0 */
	{ V3_MODE_PROT32, { 0x63, 0x03 }, 2, -V3_ENOTSUP },		/* arpl */
	{ V3_MODE_LONG64, { 0x66 }, 1, -V3_EINVAL },
	{ V3_MODE_LONG64, { 0x89 }, 1, -V3_EINVAL },
	{ V3_MODE_LONG64, { 0x0f }, 1, -V3_EINVAL },
	{ V3_MODE_LONG64, { 0x8b, 0x04 }, 2, -V3_EINVAL },		/* SIB missing */
	{ V3_MODE_PROT32, { 0xa1, 0x00, 0x00 }, 3, -V3_EINVAL },	/* moffs32 cut */
	{ V3_MODE_LONG64, { 0xf0, 0x89, 0x03 }, 3, -V3_EPERM },	/* lock mov */
	{ V3_MODE_LONG64, { 0xf0, 0x39, 0x03 }, 3, -V3_EPERM },	/* lock cmp */
	{ V3_MODE_LONG64, { 0xf0, 0x85, 0x03 }, 3, -V3_EPERM },	/* lock test */
	{ V3_MODE_LONG64, { 0xf0, 0x03, 0x03 }, 3, -V3_EPERM },	/* lock add to a register */
	{ V3_MODE_LONG64, { 0xf0, 0x0f, 0xa3, 0x03 }, 4, -V3_EPERM },	/* lock bt */
	{ V3_MODE_LONG64, { 0xf0, 0xab }, 2, -V3_EPERM },		/* lock stos */
	{ V3_MODE_LONG64, { 0xf0, 0x01, 0xc3 }, 3, -V3_ENOTSUP },	/* register form first */
};

static void test_decode_errors(void **state)
{
	for (size_t i = 0; i < V3_ARRAY_SIZE(bad); i++) {
		struct v3_insn in;

		print_message("bad[%zu]\n", i);
		assert_int_equal(v3_decode(bad[i].bytes, bad[i].len, bad[i].mode, &in), bad[i].rc);
	}
}

/* ---- effective addresses -------------------------------------------------------------- */

static u64 ea_of(const u8 *b, unsigned int n, enum v3_cpu_mode mode, const struct v3_gprs *g,
		 u64 rip)
{
	struct v3_insn in;

	assert_int_equal(v3_decode(b, n, mode, &in), 0);
	return v3_insn_ea(&in, g, rip);
}

static void test_effective_addresses(void **state)
{
	struct v3_gprs g = { .rax = 0xffffffff00001000UL, .rbx = 0xffff, .rsi = 2, .rdi = 0x10,
			     .rbp = 0x8000, .rcx = 0xfffffffffffffff0UL, .r13 = 0x123456789UL };

	/* 16-bit: [bx+si] wraps at 64 KiB; [bp+di+disp8]; disp16 alone. */
	assert_int_equal(ea_of((const u8[]){ 0x8b, 0x00 }, 2, V3_MODE_REAL, &g, 0), 1);
	assert_int_equal(ea_of((const u8[]){ 0x8b, 0x43, 0xff }, 3, V3_MODE_REAL, &g, 0), 0x800f);
	assert_int_equal(ea_of((const u8[]){ 0x8b, 0x06, 0x34, 0x12 }, 4, V3_MODE_REAL, &g, 0),
			 0x1234);
	/* 32-bit: eax + ecx*1 wraps at 4 GiB; upper halves ignored. */
	assert_int_equal(ea_of((const u8[]){ 0x8b, 0x04, 0x08 }, 3, V3_MODE_PROT32, &g, 0), 0xff0);
	/* 64-bit: rax + rcx*2 - 8; r13 + disp8. */
	assert_int_equal(ea_of((const u8[]){ 0x8b, 0x44, 0x48, 0xf8 }, 4, V3_MODE_LONG64, &g, 0),
			 0xffffffff00001000UL - 0x20 - 8);
	assert_int_equal(ea_of((const u8[]){ 0x41, 0x8b, 0x45, 0x01 }, 4, V3_MODE_LONG64, &g, 0),
			 0x12345678aUL);
	/* 67 in 64-bit mode: 32-bit address. */
	assert_int_equal(ea_of((const u8[]){ 0x67, 0x8b, 0x00 }, 3, V3_MODE_LONG64, &g, 0), 0x1000);
	/* RIP-relative: from the end of the instruction (6 bytes + 66 prefix). */
	assert_int_equal(ea_of((const u8[]){ 0x66, 0x8b, 0x05, 0x10, 0, 0, 0 }, 7, V3_MODE_LONG64,
			       &g, 0x1000), 0x1000 + 7 + 0x10);
	/* RIP-relative with an immediate after the displacement: C7 05 disp32 imm32. */
	assert_int_equal(ea_of((const u8[]){ 0xc7, 0x05, 0xf0, 0xff, 0xff, 0xff, 1, 0, 0, 0 }, 10,
			       V3_MODE_LONG64, &g, 0x2000), 0x2000 + 10 - 0x10);
	/* mod 0, rm 5 in 32-bit mode is an absolute disp32, not RIP-relative. */
	assert_int_equal(ea_of((const u8[]){ 0x8b, 0x05, 0x10, 0, 0, 0 }, 6, V3_MODE_PROT32, &g,
			       0x1000), 0x10);
	/* SIB with no base (mod 0, base 5) and no index (4). */
	assert_int_equal(ea_of((const u8[]){ 0x8b, 0x04, 0x25, 0x00, 0x10, 0, 0 }, 7,
			       V3_MODE_LONG64, &g, 0), 0x1000);
	/* moffs16 in real mode. */
	assert_int_equal(ea_of((const u8[]){ 0xa1, 0xcd, 0xab }, 3, V3_MODE_REAL, &g, 0), 0xabcd);
}

/* ---- flags against the host CPU ----------------------------------------------------------- */

/*
 * The host runs "op src, dst" on the values with RFLAGS = fin and returns the
 * flags and the result. The stack pointer steps over the red zone before
 * pushing.
 */
#define NATIVE(name, sfx, mod, type)                                                              \
	static u64 native_##name##_##sfx(u64 a, u64 b, u64 fin, u64 *res)                         \
	{                                                                                          \
		type x = (type)a, y = (type)b;                                                     \
		u64 f;                                                                             \
		asm volatile("lea -128(%%rsp), %%rsp\n\tpush %[fin]\n\tpopf\n\t" #name #sfx       \
			     " %" #mod "[y], %" #mod "[x]\n\t"                                     \
			     "pushf\n\tpop %[f]\n\tcld\n\t"                                      \
			     "lea 128(%%rsp), %%rsp"                                               \
			     : [x] "+q"(x), [f] "=&r"(f)                                           \
			     : [y] "q"(y), [fin] "r"(fin)                                          \
			     : "cc", "memory");                                                    \
		*res = (u64)x;                                                                     \
		return f;                                                                          \
	}
#define NATIVE_ALL(name)                                                                          \
	NATIVE(name, b, b, u8) NATIVE(name, w, w, u16) NATIVE(name, l, k, u32)                    \
	NATIVE(name, q, q, u64)                                                                    \
	static u64 (*const native_##name[4])(u64, u64, u64, u64 *) = {                           \
		native_##name##_b, native_##name##_w, native_##name##_l, native_##name##_q };

NATIVE_ALL(add)
NATIVE_ALL(or)
NATIVE_ALL(adc)
NATIVE_ALL(sbb)
NATIVE_ALL(and)
NATIVE_ALL(sub)
NATIVE_ALL(xor)
NATIVE_ALL(cmp)
NATIVE_ALL(test)

static u64 (*const *const native[9])(u64, u64, u64, u64 *) = {
	native_add, native_or, native_adc, native_sbb, native_and,
	native_sub, native_xor, native_cmp, native_test,
};

static u64 rng = 0x9e3779b97f4a7c15UL;

static u64 next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned int flag_checks;

static void check_flags(enum v3_alu_op op, unsigned int size, u64 a, u64 b, u64 fin)
{
	u64 mask = v3_size_mask(size), nres, eres;
	u64 nf = native[op][__builtin_ctz(size)](a, b, fin, &nres);
	u64 ef = v3_alu(op, size, a, b, fin, &eres);

	if ((nf & V3_RFLAGS_ARITH) != (ef & V3_RFLAGS_ARITH) ||
	    (op != V3_ALU_CMP && op != V3_ALU_TEST && (nres & mask) != eres))
		fail_msg("op %d size %u a 0x%lx b 0x%lx cf %lu: host flags 0x%lx result 0x%lx, "
			 "emulated 0x%lx 0x%lx", op, size, a & mask, b & mask, fin & 1,
			 nf & V3_RFLAGS_ARITH, nres & mask, ef & V3_RFLAGS_ARITH, eres);
	/* Only the arithmetic flags change. */
	assert_int_equal(ef & ~V3_RFLAGS_ARITH, fin & ~V3_RFLAGS_ARITH);
	flag_checks++;
}

static void test_alu_flags_match_host(void **state)
{
	static const u64 edges[] = {
		0, 1, 2, 0xf, 0x10, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
		0x80000000, 0xffffffff, 0x7fffffffffffffffUL, 0x8000000000000000UL,
		0xffffffffffffffffUL, 0x5555555555555555UL,
	};

	for (int op = V3_ALU_ADD; op <= V3_ALU_TEST; op++)
		for (unsigned int size = 1; size <= 8; size *= 2)
			for (u64 cf = 0; cf < 2; cf++) {
				/* DF set must survive: only the arithmetic flags change. */
				u64 fin = 0x2 | cf | ((cf ? 1UL : 0) << 10);

				for (size_t i = 0; i < V3_ARRAY_SIZE(edges); i++)
					for (size_t j = 0; j < V3_ARRAY_SIZE(edges); j++)
						check_flags(op, size, edges[i], edges[j], fin);
				for (int n = 0; n < 3000; n++)
					check_flags(op, size, next_random(), next_random(), fin);
			}
	print_message("%u flag results compared with the host\n", flag_checks);
}

/* ---- whole instructions through the exit dispatcher ------------------------------------ */

#define RAM_SIZE 0xa0000UL		/* 640 KiB, then the low MMIO window */
#define LOW_MMIO 0xa0000UL		/* [0xa0000, 0xc0000): reachable in real mode */
#define LOW_MMIO_END 0xc0000UL
#define HIGH_MMIO 0x400000UL		/* [4 MiB, 4 MiB + 8 KiB) */
#define HIGH_MMIO_END 0x402000UL
#define CODE 0x100UL			/* instructions go here */
#define PML4 0x1000UL
#define UNMAPPED_LA 0x7000UL		/* 64-bit mode: this 4 KiB page is not present */

#define CR0_PE (1UL << 0)
#define CR0_ET (1UL << 4)
#define CR0_PG (1UL << 31)
#define CR4_PAE (1UL << 5)
#define EFER_LME (1UL << 8)
#define EFER_LMA (1UL << 10)
#define EXC_UD 6
#define EXC_PF 14

static u64 seg_base[V3_SEG_MAX];
static u16 cs_attrib;

static void fake_get_segment(struct v3_vcpu *v, int seg, struct v3_segment *out)
{
	assert_true(seg >= 0 && seg < V3_SEG_MAX);
	*out = (struct v3_segment){ .base = seg_base[seg], .limit = 0xffffffff,
				    .attrib = seg == V3_SEG_CS ? cs_attrib : 0x93 };
}

static const char *fake_exit_name(u64 raw_code)
{
	return "fake-exit";
}

static const struct v3_arch_ops fake_arch = {
	.name = "FAKE",
	.long_name = "a fake backend",
	.get_segment = fake_get_segment,
	.exit_name = fake_exit_name,
};

/* A device with 8 KiB (or 128 KiB low) of registers that logs every access. */
struct access_log {
	u64 gpa;
	unsigned int len;
	bool write;
};

struct device {
	u8 regs[0x20000];
	u64 base;
	struct access_log log[64];
	unsigned int n;
	unsigned int reads, writes;
	int rc;
};

static struct device low_dev, high_dev;

static void log_access(struct device *d, u64 gpa, unsigned int len, bool write)
{
	if (d->n < V3_ARRAY_SIZE(d->log))
		d->log[d->n++] = (struct access_log){ gpa, len, write };
	if (write)
		d->writes++;
	else
		d->reads++;
}

static int dev_read(struct v3_vcpu *v, u64 gpa, void *data, unsigned int len, void *priv)
{
	struct device *d = priv;

	assert_true(gpa >= d->base && gpa - d->base + len <= sizeof(d->regs));
	log_access(d, gpa, len, false);
	memcpy(data, d->regs + (gpa - d->base), len);
	return d->rc;
}

static int dev_write(struct v3_vcpu *v, u64 gpa, void *data, unsigned int len, void *priv)
{
	struct device *d = priv;

	assert_true(gpa >= d->base && gpa - d->base + len <= sizeof(d->regs));
	log_access(d, gpa, len, true);
	memcpy(d->regs + (gpa - d->base), data, len);
	return d->rc;
}

static struct v3_vm *vm;
static struct v3_vcpu *vcpu;

static int setup(void **state)
{
	fake_host_install();
	memset(seg_base, 0, sizeof(seg_base));
	cs_attrib = 0x9b;
	memset(&low_dev, 0, sizeof(low_dev));
	memset(&high_dev, 0, sizeof(high_dev));
	low_dev.base = LOW_MMIO;
	high_dev.base = HIGH_MMIO;

	vm = calloc(1, sizeof(*vm));
	vcpu = calloc(1, sizeof(*vcpu));
	assert_non_null(vm);
	assert_non_null(vcpu);
	strcpy(vm->name, "emu");
	vm->arch = &fake_arch;
	vm->cfg.mem_size = RAM_SIZE;
	vm->cfg.mem_align = V3_PAGE_SIZE;
	vm->maxphyaddr = 36;
	vm->nvcpus = 1;
	vm->vcpus = vcpu;
	assert_int_equal(v3_mem_init(vm), 0);
	assert_int_equal(v3_hook_mmio(vm, LOW_MMIO, LOW_MMIO_END, dev_read, dev_write, &low_dev),
			 0);
	assert_int_equal(v3_hook_mmio(vm, HIGH_MMIO, HIGH_MMIO_END, dev_read, dev_write, &high_dev),
			 0);
	vm->state = V3_VM_RUNNING;

	vcpu->vm = vm;
	vcpu->s.cr0 = CR0_ET;
	vcpu->s.rip = CODE;
	vcpu->s.rflags = 0x2;
	return 0;
}

static int teardown(void **state)
{
	v3_mem_deinit(vm);
	free(vcpu);
	free(vm);
	return 0;
}

static void put_guest(u64 gpa, const void *p, u64 len)
{
	assert_int_equal(v3_gpa_write(vm, gpa, p, len), 0);
}

static u64 get_guest(u64 gpa, unsigned int len)
{
	u64 v = 0;

	assert_int_equal(v3_gpa_read(vm, gpa, &v, len), 0);
	return v;
}

static void mode_prot32(void)
{
	vcpu->s.cr0 = CR0_ET | CR0_PE;
	cs_attrib = 0x9b | V3_SEG_ATTR_DB;
}

/*
 * 64-bit mode with the first GiB identity-mapped: 4 KiB pages in the first 2 MiB
 * (except UNMAPPED_LA), 2 MiB pages above.
 */
static void mode_long64(void)
{
	u64 e;

	e = (PML4 + 0x1000) | 3;
	put_guest(PML4, &e, 8);
	e = (PML4 + 0x2000) | 3;
	put_guest(PML4 + 0x1000, &e, 8);
	for (u64 i = 0; i < 512; i++) {
		e = i ? (i << 21) | 0x83 : (PML4 + 0x3000) | 3;
		put_guest(PML4 + 0x2000 + i * 8, &e, 8);
		e = i == UNMAPPED_LA >> 12 ? 0 : (i << 12) | 3;
		put_guest(PML4 + 0x3000 + i * 8, &e, 8);
	}
	vcpu->s.cr0 = CR0_ET | CR0_PE | CR0_PG;
	vcpu->s.cr3 = PML4;
	vcpu->s.cr4 = CR4_PAE;
	vcpu->s.efer = EFER_LME | EFER_LMA;
	cs_attrib = 0x9b | V3_SEG_ATTR_L;
}

/* Runs the instruction bytes at CODE as if they had faulted on gpa. */
static int run(const u8 *bytes, unsigned int len, u64 gpa)
{
	put_guest(CODE, bytes, len);
	vcpu->s.rip = CODE;
	memset(&vcpu->exit, 0, sizeof(vcpu->exit));
	vcpu->exit.kind = V3_EXIT_NPF;
	vcpu->exit.npf.gpa = gpa;
	vcpu->exit.npf.access = V3_NPF_PRESENT;
	return v3_handle_exit(vcpu);
}

#define RUN(gpa, ...)                                                                             \
	({                                                                                         \
		static const u8 b_[] = { __VA_ARGS__ };                                            \
		run(b_, sizeof(b_), gpa);                                                          \
	})

static void assert_done(unsigned int len)
{
	assert_int_equal(vm->state, V3_VM_RUNNING);
	assert_false(vcpu->exception.valid);
	assert_int_equal(vcpu->s.rip, CODE + len);
}

static void assert_stopped_with(const char *text)
{
	assert_int_equal(vm->state, V3_VM_STOPPED);
	assert_int_equal(vm->outcome.reason, V3_STOP_UNHANDLED);
	if (!strstr(vm->outcome.detail, text))
		fail_msg("detail \"%s\" lacks \"%s\"", vm->outcome.detail, text);
}

static void set32(struct device *d, u64 gpa, u64 v, unsigned int len)
{
	memcpy(d->regs + (gpa - d->base), &v, len);
}

static u64 get32(struct device *d, u64 gpa, unsigned int len)
{
	u64 v = 0;

	memcpy(&v, d->regs + (gpa - d->base), len);
	return v;
}

static void test_mov_real_mode(void **state)
{
	/* mov %ax,(%bx) with DS = 0xa000: linear 0xa0000 + 0x10. */
	seg_base[V3_SEG_DS] = 0xa0000;
	vcpu->s.gprs.rbx = 0x10;
	vcpu->s.gprs.rax = 0x1122334455667788UL;
	assert_int_equal(RUN(0xa0010, 0x89, 0x07), 0);
	assert_done(2);
	assert_int_equal(get32(&low_dev, 0xa0010, 4), 0x7788);
	assert_int_equal(low_dev.n, 1);
	assert_int_equal(low_dev.log[0].gpa, 0xa0010);
	assert_int_equal(low_dev.log[0].len, 2);
	assert_true(low_dev.log[0].write);
	assert_int_equal(vm->mmio_emulated, 1);

	/* mov 2(%bp),%cl: SS by default; merges into CL. */
	seg_base[V3_SEG_SS] = 0xb0000;
	vcpu->s.gprs.rbp = 0xfffe;
	vcpu->s.gprs.rcx = 0xffffffffffffffffUL;
	/* bp + 2 wraps to 0 in 16-bit addressing. */
	set32(&low_dev, 0xb0000, 0x5a, 1);
	assert_int_equal(RUN(0xb0000, 0x8a, 0x4e, 0x02), 0);
	assert_done(3);
	assert_int_equal(vcpu->s.gprs.rcx, 0xffffffffffffff5aUL);

	/* mov (%bx),%ah with a 66 67 prefix pair: 32-bit address ebx. */
	vcpu->s.gprs.rbx = 0x20;
	vcpu->s.gprs.rax = 0;
	set32(&low_dev, 0xa0020, 0xcafe, 2);
	assert_int_equal(RUN(0xa0020, 0x67, 0x8a, 0x23), 0);
	assert_done(3);
	assert_int_equal(vcpu->s.gprs.rax, 0xfe00);
	/* IP wraps at 64 KiB. */
	vcpu->s.rip = 0xffff;
	seg_base[V3_SEG_CS] = 0;
	put_guest(0xffff, (const u8[]){ 0x89, 0x07 }, 2);
	memset(&vcpu->exit, 0, sizeof(vcpu->exit));
	vcpu->exit.kind = V3_EXIT_NPF;
	vcpu->exit.npf.gpa = 0xa0020;
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_int_equal(vcpu->s.rip, 1);
}

static void test_mov_register_merging(void **state)
{
	mode_long64();
	vcpu->s.gprs.rbx = HIGH_MMIO;
	set32(&high_dev, HIGH_MMIO, 0x8899aabbccddeeffUL, 8);

	vcpu->s.gprs.rax = 0x1111111111111111UL;
	assert_int_equal(RUN(HIGH_MMIO, 0x8b, 0x03), 0);	/* mov (%rbx),%eax: zero-extends */
	assert_done(2);
	assert_int_equal(vcpu->s.gprs.rax, 0xccddeeffUL);

	vcpu->s.gprs.rax = 0x1111111111111111UL;
	assert_int_equal(RUN(HIGH_MMIO, 0x66, 0x8b, 0x03), 0);	/* 16-bit merges */
	assert_int_equal(vcpu->s.gprs.rax, 0x111111111111eeffUL);

	vcpu->s.gprs.rax = 0x1111111111111111UL;
	assert_int_equal(RUN(HIGH_MMIO, 0x8a, 0x23), 0);	/* mov (%rbx),%ah */
	assert_int_equal(vcpu->s.gprs.rax, 0x111111111111ff11UL);

	vcpu->s.gprs.rsp = 0x1111111111111111UL;
	assert_int_equal(RUN(HIGH_MMIO, 0x40, 0x8a, 0x23), 0);	/* mov (%rbx),%spl */
	assert_int_equal(vcpu->s.gprs.rsp, 0x11111111111111ffUL);

	assert_int_equal(RUN(HIGH_MMIO, 0x4c, 0x8b, 0x3b), 0);	/* mov (%rbx),%r15 */
	assert_int_equal(vcpu->s.gprs.r15, 0x8899aabbccddeeffUL);

	vcpu->s.gprs.rdx = ~0UL;
	assert_int_equal(RUN(HIGH_MMIO, 0x0f, 0xb6, 0x13), 0);	/* movzbl */
	assert_int_equal(vcpu->s.gprs.rdx, 0xff);
	assert_int_equal(RUN(HIGH_MMIO, 0x48, 0x0f, 0xbf, 0x13), 0);	/* movswq */
	assert_int_equal(vcpu->s.gprs.rdx, 0xffffffffffffeeffUL);
	assert_int_equal(RUN(HIGH_MMIO, 0x48, 0x63, 0x13), 0);	/* movslq */
	assert_int_equal(vcpu->s.gprs.rdx, 0xffffffffccddeeffUL);
	vcpu->s.gprs.rdx = ~0UL;
	assert_int_equal(RUN(HIGH_MMIO, 0x66, 0x0f, 0xbe, 0x13), 0);	/* movsbw */
	assert_int_equal(vcpu->s.gprs.rdx, 0xffffffffffffffffUL);
	assert_int_equal(RUN(HIGH_MMIO, 0x0f, 0xbe, 0x13), 0);	/* movsbl */
	assert_int_equal(vcpu->s.gprs.rdx, 0xffffffffUL);
	/* Only the bytes of the operand were read. */
	assert_int_equal(high_dev.log[high_dev.n - 1].len, 1);
}

static void test_mov_stores_64(void **state)
{
	mode_long64();
	vcpu->s.gprs.rdi = HIGH_MMIO + 0x100;
	assert_int_equal(RUN(HIGH_MMIO + 0x100, 0x48, 0xc7, 0x07, 0x00, 0x00, 0x00, 0x80), 0);
	assert_done(7);
	assert_int_equal(get32(&high_dev, HIGH_MMIO + 0x100, 8), 0xffffffff80000000UL);
	assert_int_equal(high_dev.log[0].len, 8);

	/* movb $0x5a, 0x1000(%rip): RIP-relative, from the end of the instruction. */
	assert_int_equal(RUN(CODE + 7 + 0x400000 - 0x100 + 0x200, 0xc6, 0x05,
			     0x00, 0x02, 0x40, 0x00, 0x5a), 0);
	assert_done(7);
	assert_int_equal(get32(&high_dev, HIGH_MMIO + 0x307, 1), 0x5a);

	/* movabs %eax, moffs64. */
	vcpu->s.gprs.rax = 0xdeadbeef;
	assert_int_equal(RUN(HIGH_MMIO + 0x20, 0xa3, 0x20, 0x00, 0x40, 0, 0, 0, 0, 0), 0);
	assert_done(9);
	assert_int_equal(get32(&high_dev, HIGH_MMIO + 0x20, 4), 0xdeadbeef);

	/* mov %ecx, %fs:0x10(%rbx): the FS base counts in 64-bit mode, DS/ES do not. */
	seg_base[V3_SEG_FS] = 0x300000;
	seg_base[V3_SEG_ES] = 0x300000;
	vcpu->s.gprs.rbx = 0x100000;
	vcpu->s.gprs.rcx = 0x12345678;
	assert_int_equal(RUN(HIGH_MMIO + 0x10, 0x64, 0x89, 0x4b, 0x10), 0);
	assert_done(4);
	assert_int_equal(get32(&high_dev, HIGH_MMIO + 0x10, 4), 0x12345678);
	vcpu->s.gprs.rbx = HIGH_MMIO;
	assert_int_equal(RUN(HIGH_MMIO + 0x10, 0x26, 0x89, 0x4b, 0x10), 0);
	assert_done(4);
	assert_int_equal(vm->mmio_emulated, 5);
}

static void test_segments_prot32(void **state)
{
	mode_prot32();
	seg_base[V3_SEG_DS] = 0x300000;
	seg_base[V3_SEG_GS] = 0x3ff000;
	vcpu->s.gprs.rbx = 0x100000;
	vcpu->s.gprs.rax = 0xffffffff87654321UL;
	assert_int_equal(RUN(HIGH_MMIO + 4, 0x89, 0x43, 0x04), 0);
	assert_done(3);
	assert_int_equal(get32(&high_dev, HIGH_MMIO + 4, 4), 0x87654321);
	/* gs: 0x3ff000 + 0x1008 */
	vcpu->s.gprs.rbx = 0x1000;
	assert_int_equal(RUN(HIGH_MMIO + 8, 0x65, 0x8b, 0x53, 0x08), 0);
	assert_done(4);
	/* Linear addresses wrap at 4 GiB outside 64-bit mode. */
	seg_base[V3_SEG_DS] = 0xfff00000UL;
	vcpu->s.gprs.rbx = 0x500000;
	assert_int_equal(RUN(HIGH_MMIO, 0x8b, 0x03), 0);
	assert_done(2);
}

/* dst op src on the device and the host CPU, checking the stored value and RFLAGS. */
static void alu_case(const u8 *b, unsigned int len, enum v3_alu_op op, unsigned int size,
		     bool mem_dst, u64 m, u64 r, u64 imm, bool has_imm, u64 fin)
{
	u64 mask = v3_size_mask(size), want, wflags;
	u64 dst = mem_dst ? m : r, src = has_imm ? imm : mem_dst ? r : m;
	bool store = op != V3_ALU_CMP && op != V3_ALU_TEST;

	wflags = native[op][__builtin_ctz(size)](dst, src, fin, &want);
	set32(&high_dev, HIGH_MMIO, m, 8);
	vcpu->s.gprs.rbx = HIGH_MMIO;
	vcpu->s.gprs.rcx = r;
	vcpu->s.rflags = fin;
	assert_int_equal(run(b, len, HIGH_MMIO), 0);
	assert_done(len);
	assert_int_equal(vcpu->s.rflags & V3_RFLAGS_ARITH, wflags & V3_RFLAGS_ARITH);
	if (mem_dst) {
		assert_int_equal(get32(&high_dev, HIGH_MMIO, 8),
				 store ? (m & ~mask) | (want & mask) : m);
		assert_int_equal(vcpu->s.gprs.rcx, r);
	} else {
		assert_int_equal(get32(&high_dev, HIGH_MMIO, 8), m);
		if (store && size == 4)
			assert_int_equal(vcpu->s.gprs.rcx, want & mask);
		else if (store)
			assert_int_equal(vcpu->s.gprs.rcx, (r & ~mask) | (want & mask));
		else
			assert_int_equal(vcpu->s.gprs.rcx, r);
	}
}

static void test_alu_instructions(void **state)
{
	static const unsigned int sizes[] = { 1, 2, 4, 8 };

	mode_long64();
	for (int op = V3_ALU_ADD; op <= V3_ALU_CMP; op++)
		for (unsigned int s = 0; s < 4; s++)
			for (int n = 0; n < 40; n++) {
				unsigned int size = sizes[s], len = 0;
				u64 m = next_random(), r = next_random(), fin = 0x2 | (n & 1);
				u8 b[8];

				if (n % 5 == 0)
					r = m;	/* zero results */
				/* op %cl/%cx/%ecx/%rcx, (%rbx) and the reverse direction. */
				for (int dir = 0; dir < 2; dir++) {
					len = 0;
					if (size == 2)
						b[len++] = 0x66;
					if (size == 8)
						b[len++] = 0x48;
					b[len++] = (u8)(op * 8 + dir * 2 + (size > 1));
					b[len++] = 0x0b;
					alu_case(b, len, op, size, !dir, m, r, 0, false, fin);
				}
				/* 83 /op with imm8 (sign-extended), 80 /op for bytes. */
				len = 0;
				if (size == 2)
					b[len++] = 0x66;
				if (size == 8)
					b[len++] = 0x48;
				b[len++] = size == 1 ? 0x80 : 0x83;
				b[len++] = (u8)(0x03 | op << 3);
				b[len++] = (u8)r;
				alu_case(b, len, op, size, true, m, 0, (u64)(s64)(s8)r, true, fin);
				/* 81 /op with imm16/imm32. */
				if (size > 1) {
					len = 0;
					if (size == 2)
						b[len++] = 0x66;
					if (size == 8)
						b[len++] = 0x48;
					b[len++] = 0x81;
					b[len++] = (u8)(0x03 | op << 3);
					memcpy(b + len, &r, size == 2 ? 2 : 4);
					len += size == 2 ? 2 : 4;
					alu_case(b, len, op, size, true, m, 0,
						 size == 2 ? (u64)(s64)(s16)r : (u64)(s64)(s32)r,
						 true, fin);
				}
			}
	/* TEST: 85 /r and F7 /0. */
	for (int n = 0; n < 40; n++) {
		u64 m = next_random(), r = n % 3 ? next_random() : ~m;

		alu_case((const u8[]){ 0x48, 0x85, 0x0b }, 3, V3_ALU_TEST, 8, true, m, r, 0, false,
			 2);
		alu_case((const u8[]){ 0x84, 0x0b }, 2, V3_ALU_TEST, 1, true, m, r, 0, false, 2);
		alu_case((const u8[]){ 0xf7, 0x03, 0x00, 0x00, 0x00, 0x80 }, 6, V3_ALU_TEST, 4,
			 true, m, 0, 0xffffffff80000000UL, true, 2);
	}
}

static void test_lock_or_and_xchg(void **state)
{
	mode_long64();
	vcpu->s.gprs.rbx = HIGH_MMIO;
	set32(&high_dev, HIGH_MMIO, 0x10, 4);
	/* lock orl $1,(%rbx): one read, one write. */
	assert_int_equal(RUN(HIGH_MMIO, 0xf0, 0x83, 0x0b, 0x01), 0);
	assert_done(4);
	assert_int_equal(get32(&high_dev, HIGH_MMIO, 4), 0x11);
	assert_int_equal(high_dev.reads, 1);
	assert_int_equal(high_dev.writes, 1);
	/* cmp does not write. */
	assert_int_equal(RUN(HIGH_MMIO, 0x83, 0x3b, 0x11), 0);
	assert_int_equal(high_dev.writes, 1);
	assert_true(vcpu->s.rflags & V3_RFLAGS_ZF);
	/* xchg %ecx,(%rbx). */
	vcpu->s.gprs.rcx = 0xffffffff00000022UL;
	assert_int_equal(RUN(HIGH_MMIO, 0x87, 0x0b), 0);
	assert_done(2);
	assert_int_equal(vcpu->s.gprs.rcx, 0x11);
	assert_int_equal(get32(&high_dev, HIGH_MMIO, 4), 0x22);
	/* xchg %bh,(%rbx+1). */
	vcpu->s.gprs.rbx = HIGH_MMIO + 0x3300;
	assert_int_equal(RUN(HIGH_MMIO + 0x300, 0x86, 0xbb, 0x00, 0xd0, 0xff, 0xff), 0);
	assert_done(6);
	assert_int_equal(vcpu->s.gprs.rbx, HIGH_MMIO + 0x0000);
	assert_int_equal(get32(&high_dev, HIGH_MMIO + 0x300, 1), 0x33);
	/* lock mov: #UD, RIP unchanged, no access. */
	high_dev.n = 0;
	assert_int_equal(RUN(HIGH_MMIO, 0xf0, 0x89, 0x0b), 0);
	assert_true(vcpu->exception.valid);
	assert_int_equal(vcpu->exception.vector, EXC_UD);
	assert_int_equal(vcpu->s.rip, CODE);
	assert_int_equal(high_dev.n, 0);
}

static void test_bit_tests(void **state)
{
	mode_long64();
	vcpu->s.gprs.rbx = HIGH_MMIO + 0x100;
	set32(&high_dev, HIGH_MMIO + 0x100, 0x0000000400000001UL, 8);
	vcpu->s.rflags = 2 | V3_RFLAGS_ZF;
	/* btl $0,(%rbx): CF = 1, ZF unaffected. */
	assert_int_equal(RUN(HIGH_MMIO + 0x100, 0x0f, 0xba, 0x23, 0x20), 0);
	assert_done(4);
	assert_int_equal(vcpu->s.rflags, 2 | V3_RFLAGS_ZF | V3_RFLAGS_CF);
	/* btsq %rax,(%rbx) with rax = 33: sets bit 33 (clear before: CF = 0). */
	vcpu->s.gprs.rax = 33;
	assert_int_equal(RUN(HIGH_MMIO + 0x100, 0x48, 0x0f, 0xab, 0x03), 0);
	assert_false(vcpu->s.rflags & V3_RFLAGS_CF);
	assert_int_equal(get32(&high_dev, HIGH_MMIO + 0x100, 8), 0x0000000600000001UL);
	/* btrl %eax,(%rbx) with eax = 34: bit 2 of the dword at +4. */
	vcpu->s.gprs.rax = 34;
	assert_int_equal(RUN(HIGH_MMIO + 0x104, 0x0f, 0xb3, 0x03), 0);
	assert_true(vcpu->s.rflags & V3_RFLAGS_CF);
	assert_int_equal(get32(&high_dev, HIGH_MMIO + 0x100, 8), 0x0000000200000001UL);
	/* btcl %eax,(%rbx) with eax = -1: bit 31 of the dword at -4. */
	vcpu->s.gprs.rax = 0xffffffff;
	assert_int_equal(RUN(HIGH_MMIO + 0xfc, 0x0f, 0xbb, 0x03), 0);
	assert_false(vcpu->s.rflags & V3_RFLAGS_CF);
	assert_int_equal(get32(&high_dev, HIGH_MMIO + 0xfc, 4), 0x80000000);
}

static void test_rep_stos(void **state)
{
	mode_long64();
	vcpu->s.gprs.rdi = HIGH_MMIO + 0x10;
	vcpu->s.gprs.rcx = 5;
	vcpu->s.gprs.rax = 0xa5a5a5a5deadbeefUL;
	assert_int_equal(RUN(HIGH_MMIO + 0x10, 0xf3, 0xab), 0);	/* rep stosl */
	assert_done(2);
	assert_int_equal(vcpu->s.gprs.rcx, 0);
	assert_int_equal(vcpu->s.gprs.rdi, HIGH_MMIO + 0x10 + 20);
	assert_int_equal(high_dev.writes, 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(get32(&high_dev, HIGH_MMIO + 0x10 + 4 * i, 4), 0xdeadbeef);
	assert_int_equal(get32(&high_dev, HIGH_MMIO + 0x10 + 20, 4), 0);

	/* Backwards (DF), bytes, with the count in ECX only (67). */
	vcpu->s.rflags |= V3_RFLAGS_DF;
	vcpu->s.gprs.rdi = HIGH_MMIO + 0x203;
	vcpu->s.gprs.rcx = 0xffffffff00000004UL;
	assert_int_equal(RUN(HIGH_MMIO + 0x203, 0x67, 0xf3, 0xaa), 0);
	assert_done(3);
	assert_int_equal(vcpu->s.gprs.rcx, 0);	/* a 32-bit write zero-extends */
	assert_int_equal(vcpu->s.gprs.rdi, HIGH_MMIO + 0x1ff);
	assert_int_equal(get32(&high_dev, HIGH_MMIO + 0x200, 4), 0xefefefef);
	vcpu->s.rflags &= ~V3_RFLAGS_DF;

	/* A zero count does nothing but moves on. */
	high_dev.n = 0;
	vcpu->s.gprs.rcx = 0;
	assert_int_equal(RUN(HIGH_MMIO + 0x203, 0xf3, 0xaa), 0);
	assert_done(2);
	assert_int_equal(high_dev.n, 0);

	/* Without REP: one store, RCX untouched. */
	vcpu->s.gprs.rcx = 7;
	vcpu->s.gprs.rdi = HIGH_MMIO;
	assert_int_equal(RUN(HIGH_MMIO, 0x48, 0xab), 0);
	assert_done(2);
	assert_int_equal(vcpu->s.gprs.rcx, 7);
	assert_int_equal(vcpu->s.gprs.rdi, HIGH_MMIO + 8);
	assert_int_equal(get32(&high_dev, HIGH_MMIO, 8), 0xa5a5a5a5deadbeefUL);
}

static void test_rep_stos_batches(void **state)
{
	u64 total = V3_EMULATE_REP_BATCH + 100;

	/* Real mode, rep stosb over the low window: 16-bit DI and CX. */
	seg_base[V3_SEG_ES] = LOW_MMIO;
	vcpu->s.gprs.rdi = 0;
	vcpu->s.gprs.rcx = total;
	vcpu->s.gprs.rax = 0x77;
	assert_int_equal(RUN(LOW_MMIO, 0xf3, 0xaa), 0);
	/* A batch done: RIP stays so the guest executes the rest. */
	assert_int_equal(vcpu->s.rip, CODE);
	assert_int_equal(vcpu->s.gprs.rcx, 100);
	assert_int_equal(vcpu->s.gprs.rdi, V3_EMULATE_REP_BATCH);
	memset(&vcpu->exit, 0, sizeof(vcpu->exit));
	vcpu->exit.kind = V3_EXIT_NPF;
	vcpu->exit.npf.gpa = LOW_MMIO + V3_EMULATE_REP_BATCH;
	assert_int_equal(v3_handle_exit(vcpu), 0);
	assert_done(2);
	assert_int_equal(vcpu->s.gprs.rcx, 0);
	assert_int_equal(low_dev.writes, total);
	assert_int_equal(get32(&low_dev, LOW_MMIO + total - 1, 1), 0x77);
	assert_int_equal(get32(&low_dev, LOW_MMIO + total, 1), 0);
}

static void test_movs(void **state)
{
	u8 buf[16];

	mode_long64();
	/* MMIO to RAM: rep movsl from the device into 0x8000. */
	for (int i = 0; i < 4; i++)
		set32(&high_dev, HIGH_MMIO + 0x40 + 4 * i, 0x1000 + i, 4);
	vcpu->s.gprs.rsi = HIGH_MMIO + 0x40;
	vcpu->s.gprs.rdi = 0x8000;
	vcpu->s.gprs.rcx = 4;
	assert_int_equal(RUN(HIGH_MMIO + 0x40, 0xf3, 0xa5), 0);
	assert_done(2);
	for (int i = 0; i < 4; i++)
		assert_int_equal(get_guest(0x8000 + 4 * i, 4), 0x1000 + i);
	assert_int_equal(vcpu->s.gprs.rsi, HIGH_MMIO + 0x50);
	assert_int_equal(vcpu->s.gprs.rdi, 0x8010);
	assert_int_equal(high_dev.reads, 4);
	assert_int_equal(high_dev.writes, 0);

	/* RAM to MMIO, bytes, backwards. */
	for (int i = 0; i < 16; i++)
		buf[i] = (u8)(0xc0 + i);
	put_guest(0x9000, buf, 16);
	vcpu->s.rflags |= V3_RFLAGS_DF;
	vcpu->s.gprs.rsi = 0x900f;
	vcpu->s.gprs.rdi = HIGH_MMIO + 0x80f;
	vcpu->s.gprs.rcx = 16;
	assert_int_equal(RUN(HIGH_MMIO + 0x80f, 0xf3, 0xa4), 0);
	assert_done(2);
	assert_int_equal(memcmp(high_dev.regs + 0x800, buf, 16), 0);
	assert_int_equal(vcpu->s.gprs.rsi, 0x8fff);
	assert_int_equal(vcpu->s.gprs.rdi, HIGH_MMIO + 0x7ff);
	vcpu->s.rflags &= ~V3_RFLAGS_DF;

	/* MMIO to MMIO with a segment override on the source (ignored in 64-bit: DS). */
	set32(&high_dev, HIGH_MMIO + 0x1000, 0x55aa, 2);
	vcpu->s.gprs.rsi = HIGH_MMIO + 0x1000;
	vcpu->s.gprs.rdi = HIGH_MMIO + 0x1100;
	assert_int_equal(RUN(HIGH_MMIO + 0x1100, 0x26, 0x66, 0xa5), 0);
	assert_done(3);
	assert_int_equal(get32(&high_dev, HIGH_MMIO + 0x1100, 2), 0x55aa);

	/* The RAM side not mapped: #PF for the guest, RIP unchanged, RCX counts progress. */
	vcpu->s.gprs.rsi = HIGH_MMIO;
	vcpu->s.gprs.rdi = UNMAPPED_LA - 8;
	vcpu->s.gprs.rcx = 4;
	assert_int_equal(RUN(HIGH_MMIO, 0xf3, 0x48, 0xa5), 0);
	assert_true(vcpu->exception.valid);
	assert_int_equal(vcpu->exception.vector, EXC_PF);
	assert_int_equal(vcpu->s.cr2, UNMAPPED_LA);
	assert_int_equal(vcpu->s.rip, CODE);
	assert_int_equal(vcpu->s.gprs.rcx, 3);
	assert_int_equal(vcpu->s.gprs.rdi, UNMAPPED_LA);
}

static void test_wrong_address_stops(void **state)
{
	mode_long64();
	vcpu->s.gprs.rbx = HIGH_MMIO;
	assert_int_equal(RUN(HIGH_MMIO + 0x1000, 0x89, 0x03), -V3_ESTOPPED);
	assert_stopped_with("is not the faulting MMIO address 0x401000");
	assert_int_equal(vcpu->s.rip, CODE);
	assert_int_equal(high_dev.n, 0);
	assert_int_equal(vm->mmio_emulated, 0);
}

static void test_unsupported_stops_with_bytes(void **state)
{
	mode_long64();
	vcpu->s.gprs.rbx = HIGH_MMIO;
	assert_int_equal(RUN(HIGH_MMIO, 0xff, 0x03), -V3_ESTOPPED);	/* incl (%rbx) */
	assert_stopped_with("does not handle");
	assert_stopped_with("instruction bytes: ff 03");
	assert_int_equal(vcpu->s.rip, CODE);
}

static void test_fetch_from_mmio_stops(void **state)
{
	put_guest(CODE, (const u8[]){ 0x90 }, 1);
	memset(&vcpu->exit, 0, sizeof(vcpu->exit));
	vcpu->exit.kind = V3_EXIT_NPF;
	vcpu->exit.npf.gpa = LOW_MMIO;
	vcpu->exit.npf.access = V3_NPF_FETCH;
	assert_int_equal(v3_handle_exit(vcpu), -V3_ESTOPPED);
	assert_stopped_with("instruction fetch from an MMIO region");
	assert_int_equal(low_dev.n, 0);
}

static void test_callback_error_stops(void **state)
{
	mode_long64();
	vcpu->s.gprs.rbx = HIGH_MMIO;
	high_dev.rc = -V3_EIO;
	assert_int_equal(RUN(HIGH_MMIO, 0x8b, 0x03), -V3_ESTOPPED);
	assert_stopped_with("MMIO read callback at 0x400000 failed");
	assert_int_equal(vcpu->s.rip, CODE);
}

static void test_access_across_regions(void **state)
{
	/* A dword at the last 2 bytes of RAM and the first 2 of the window: split. */
	vcpu->s.gprs.rbx = LOW_MMIO - 2;
	vcpu->s.gprs.rax = 0x44332211;
	assert_int_equal(RUN(LOW_MMIO, 0x66, 0x67, 0x89, 0x03), 0);
	assert_done(4);
	assert_int_equal(get_guest(LOW_MMIO - 2, 2), 0x2211);
	assert_int_equal(get32(&low_dev, LOW_MMIO, 2), 0x4433);
	assert_int_equal(low_dev.n, 1);
	assert_int_equal(low_dev.log[0].len, 2);
}

static void test_report_counts(void **state)
{
	vcpu->s.gprs.rbx = 0;
	seg_base[V3_SEG_DS] = LOW_MMIO;
	for (int i = 0; i < 3; i++)
		assert_int_equal(RUN(LOW_MMIO, 0x8b, 0x07), 0);
	assert_int_equal(vm->mmio_emulated, 3);
	fake_host_reset_log();
	v3_vm_report(vm);
	assert_non_null(strstr(fake_host_log(), "3 instructions emulated"));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_known),
		cmocka_unit_test(test_decode_details),
		cmocka_unit_test(test_decode_errors),
		cmocka_unit_test(test_effective_addresses),
		cmocka_unit_test(test_alu_flags_match_host),
		T(test_mov_real_mode),
		T(test_mov_register_merging),
		T(test_mov_stores_64),
		T(test_segments_prot32),
		T(test_alu_instructions),
		T(test_lock_or_and_xchg),
		T(test_bit_tests),
		T(test_rep_stos),
		T(test_rep_stos_batches),
		T(test_movs),
		T(test_wrong_address_stops),
		T(test_unsupported_stops_with_bytes),
		T(test_fetch_from_mmio_stops),
		T(test_callback_error_stops),
		T(test_access_across_regions),
		T(test_report_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
