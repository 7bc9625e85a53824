; SPDX-License-Identifier: MIT
;
; Test guest for <boot kind="flat" mode="long"> (long-entry.xml): a flat binary the
; VMM starts in 64-bit mode at 1 MiB. Checks the state boot/boot.c promises:
; EFER.LME/LMA, CR0.PG, CR4.PAE, CS = 0x10 (64-bit), data segments 0x18, interrupts
; off, a GDT in guest memory with that layout, and an identity map of all RAM and
; the first 4 GiB (a write and read back at 48 MiB through it). Prints PASS/FAIL
; lines on port 0xe9, exits with status = failures (hypercall 2).

%define ptr(x) r %+ x
%define EFER	0xc0000080

%include "asm-check.inc"

bits 64
org 0x100000

start:
	mov	rsp, stack_top
	mov	ecx, EFER
	rdmsr
	and	eax, (1 << 8) | (1 << 10)
	cmp	eax, (1 << 8) | (1 << 10)
	CHECK	e, "long: EFER.LME = EFER.LMA = 1"
	mov	rax, cr0
	bt	rax, 31
	CHECK	c, "long: CR0.PG = 1"
	mov	rax, cr4
	bt	rax, 5
	CHECK	c, "long: CR4.PAE = 1"
	mov	ax, cs
	cmp	ax, 0x10
	CHECK	e, "long: CS = 0x10"
	mov	ax, ds
	cmp	ax, 0x18
	CHECK	e, "long: DS = 0x18"
	mov	ax, ss
	cmp	ax, 0x18
	CHECK	e, "long: SS = 0x18"
	pushfq
	pop	rax
	bt	rax, 9
	CHECK	nc, "long: interrupts off"
	; In 64-bit mode, 0x40 is a REX prefix, not INC EAX: EAX stays 0 only there.
	xor	eax, eax
	db	0x40, 0x90	; rex nop
	test	eax, eax
	CHECK	z, "long: 64-bit code"
	sgdt	[gdtr]
	cmp	word [gdtr], 0x1f
	CHECK	e, "long: GDT limit 0x1f"
	mov	rbx, [gdtr + 2]
	mov	rax, 0x00af9b000000ffff
	cmp	[rbx + 0x10], rax
	CHECK	e, "long: GDT[0x10] is a 64-bit code segment"
	mov	rax, 0x00cf93000000ffff
	cmp	[rbx + 0x18], rax
	CHECK	e, "long: GDT[0x18] is a flat data segment"
	mov	rbx, 48 << 20
	mov	rax, 0x1234567887654321
	mov	[rbx], rax
	cmp	[rbx], rax
	CHECK	e, "long: RAM at 48 MiB reachable through the identity map"
	; Reload CS from the GDT: a far return to 0x10.
	push	0x10
	lea	rax, [rel .reloaded]
	push	rax
	retfq
.reloaded:
	mov	ax, cs
	cmp	ax, 0x10
	CHECK	e, "long: far return through the GDT to CS 0x10"
	jmp	finish

CHECK_ROUTINES

align 16
gdtr:	times 16 db 0
	times 4096 db 0
stack_top:
