; SPDX-License-Identifier: MIT
;
; Test guest for <boot kind="multiboot"> (multiboot.xml): a multiboot v1 kernel with
; the a.out kludge, a flat binary linked at 1 MiB as QEMU's -kernel would take it.
; Checks what the Multiboot Specification 0.6.96 §3.2-3.3 promises: EAX, 32-bit flat
; protected mode with paging off, and the info structure's flags, mem_lower/upper,
; command line, the one module (multiboot-module.txt) and the memory map of a 64 MiB VM.
; Prints PASS/FAIL lines on port 0xe9, exits with status = failures (hypercall 2).

%define ptr(x) e %+ x
%define MB_MAGIC	0x1badb002
%define MB_FLAGS	0x00010003	; page-aligned modules, memory info, a.out kludge
%define MODULE_LEN	20		; "v3 multiboot module\n"

%include "asm-check.inc"

bits 32
org 0x100000

header:
	dd MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)
	dd header		; header_addr
	dd header		; load_addr: the file starts with the header
	dd image_end		; load_end_addr
	dd bss_end		; bss_end_addr
	dd start		; entry_addr

start:
	mov	esp, stack_top
	mov	ebp, ebx
	cmp	eax, 0x2badb002
	CHECK	e, "multiboot: EAX = 0x2BADB002"
	mov	eax, cr0
	test	eax, 1
	CHECK	nz, "multiboot: CR0.PE = 1"
	test	eax, 0x80000000
	CHECK	z, "multiboot: CR0.PG = 0"
	; B8 imm32 is MOV EAX, imm32 only in 32-bit code (16-bit code takes 2 bytes).
	; (LAR cannot tell: the spec lets GDTR be invalid, and ours is.)
	xor	eax, eax
	db	0xb8
	dd	0x12345678
	cmp	eax, 0x12345678
	CHECK	e, "multiboot: CS is a 32-bit segment"
	pushfd
	pop	eax
	test	eax, 1 << 9
	CHECK	z, "multiboot: interrupts off"

	mov	eax, [ebp]
	and	eax, 0x24d
	cmp	eax, 0x24d
	CHECK	e, "info: flags mem, cmdline, mods, mmap, loader name"
	cmp	dword [ebp + 4], 636
	CHECK	e, "info: mem_lower = 636 KiB"
	cmp	dword [ebp + 8], 63 * 1024
	CHECK	e, "info: mem_upper = 64512 KiB"
	mov	esi, [ebp + 16]
	mov	edi, cmdline
	call	strcmp
	CHECK	e, 'info: cmdline = "mbtest arg=1"'

	cmp	dword [ebp + 20], 1
	CHECK	e, "info: mods_count = 1"
	mov	edi, [ebp + 24]
	mov	eax, [edi]
	test	eax, 0xfff
	CHECK	z, "module: page aligned"
	cmp	eax, bss_end
	CHECK	ae, "module: above the kernel's bss"
	mov	ecx, [edi + 4]
	sub	ecx, eax
	cmp	ecx, MODULE_LEN
	CHECK	e, "module: 20 bytes"
	cmp	dword [eax], 'v3 m'
	CHECK	e, "module: content"
	mov	esi, [edi + 8]
	mov	edi, modname
	call	strcmp
	CHECK	e, 'module: string = "mod"'

	cmp	dword [ebp + 44], 3 * 24
	CHECK	e, "mmap: 3 entries"
	mov	edi, [ebp + 48]
	cmp	dword [edi + 4], 0
	CHECK	e, "mmap: [0] starts at 0"
	cmp	dword [edi + 12], 0x9f000
	CHECK	e, "mmap: [0] is 0x9f000 bytes"
	cmp	dword [edi + 20], 1
	CHECK	e, "mmap: [0] is RAM"
	cmp	dword [edi + 24 + 20], 2
	CHECK	e, "mmap: [1] (the legacy hole) is reserved"
	cmp	dword [edi + 48 + 4], 0x100000
	CHECK	e, "mmap: [2] starts at 1 MiB"
	cmp	dword [edi + 48 + 12], 63 << 20
	CHECK	e, "mmap: [2] is 63 MiB of RAM"
	mov	esi, [ebp + 64]
	mov	edi, loader
	call	strcmp
	CHECK	e, 'info: boot_loader_name = "v3"'
	jmp	finish

CHECK_ROUTINES

cmdline:	db "mbtest arg=1", 0
modname:	db "mod", 0
loader:		db "v3", 0
align 16
image_end:

section .bss
	resb 4096
stack_top:
bss_end:
