; SPDX-License-Identifier: MIT
;
; Test guest for the legacy paging modes (paging-legacy.xml): 32-bit paging (4 KiB pages
; and 4 MiB pages with CR4.PSE) and then PAE paging (4 KiB and 2 MiB pages), from a flat
; 32-bit start with paging off (<boot mode="protected">). In each mode it checks what the
; SDM (vol. 3A 4.3, 4.4, 4.7, 4.8) says the guest observes: translations, accessed and
; dirty flags in the PTE/PDE after reads and writes, #PF error codes and CR2 for a write to
; a read-only large page and for a not-present entry, a supervisor write to a read-only
; page with CR0.WP = 0, and a re-pointed PTE after INVLPG. The shadow pager runs these modes
; on a PAE shadow; nested paging is the reference (the same lines must come out of both).
; Prints PASS/FAIL lines on port 0xe9, exits with status = failures (hypercall 2).

%define ptr(x) e %+ x

%include "asm-check.inc"

%define PG_P	1
%define PG_W	2
%define PG_A	0x20
%define PG_D	0x40
%define PG_PS	0x80

%define PD32	0x200000	; 32-bit page directory
%define PT32	0x201000	; maps 4-8 MiB in 4 KiB pages
%define PDPT	0x210000	; PAE
%define PDPAE	0x211000
%define PTPAE	0x212000	; maps 4-6 MiB in 4 KiB pages

bits 32
org 0x100000

start:
	mov	esp, stack_top
	; Our own GDT (mode="protected" starts without one in memory): the #PF gate needs CS.
	lgdt	[gdtr]
	jmp	0x08:.cs
.cs:	mov	ax, 0x10
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	lidt	[idtr]
	; The #PF handler: IDT entry 14, an interrupt gate to CS 0x08.
	mov	eax, pf_handler
	mov	[idt + 14 * 8], ax
	mov	word [idt + 14 * 8 + 2], 0x08
	mov	word [idt + 14 * 8 + 4], 0x8e00
	shr	eax, 16
	mov	[idt + 14 * 8 + 6], ax

	; ---- 32-bit paging ------------------------------------------------------------
	mov	edi, PD32
	call	zero_page
	mov	edi, PT32
	call	zero_page
	mov	dword [PD32 + 0 * 4], 0 | PG_PS | PG_W | PG_P		; 0-4M: 4M page
	mov	dword [PD32 + 1 * 4], PT32 | PG_W | PG_P		; 4-8M: 4K pages
	mov	dword [PD32 + 2 * 4], (8 << 20) | PG_PS | PG_P		; 8-12M: 4M, read-only
	; PDE 3 (12-16M) not present.
	mov	ecx, 0
.pt32:	mov	eax, ecx
	shl	eax, 12
	add	eax, (4 << 20) | PG_W | PG_P
	mov	[PT32 + ecx * 4], eax
	inc	ecx
	cmp	ecx, 1024
	jb	.pt32
	mov	dword [7 << 20], 0x77777777			; marks for the re-pointed PTE
	mov	dword [(8 << 20) + 16], 0x88888888
	mov	eax, cr4
	or	eax, 1 << 4					; PSE
	mov	cr4, eax
	mov	eax, PD32
	mov	cr3, eax
	mov	eax, cr0
	or	eax, (1 << 31) | (1 << 16)			; PG, WP
	mov	cr0, eax
	PRINT	{"legacy: 32-bit paging on", 10}

	mov	eax, [5 << 20]
	mov	eax, [PT32 + 256 * 4]
	and	eax, PG_A | PG_D
	cmp	eax, PG_A
	CHECK	e, "32-bit: a read sets A, not D, in the PTE"
	test	dword [PD32 + 1 * 4], PG_A
	CHECK	nz, "32-bit: and A in the PDE"
	mov	dword [5 << 20], 0x55
	test	dword [PT32 + 256 * 4], PG_D
	CHECK	nz, "32-bit: a write sets D in the PTE"
	cmp	dword [5 << 20], 0x55
	CHECK	e, "32-bit: the written value reads back"

	mov	dword [pf_count], 0
	mov	ebx, (9 << 20) + 8
	mov	[ebx], eax				; 2 bytes: 89 03
	cmp	dword [pf_count], 1
	CHECK	e, "32-bit: a write to a read-only 4 MiB page faults"
	cmp	dword [pf_error], PG_P | PG_W
	CHECK	e, "32-bit: error code P|W"
	cmp	dword [pf_cr2], (9 << 20) + 8
	CHECK	e, "32-bit: CR2 is the address written"
	test	dword [PD32 + 2 * 4], PG_D
	CHECK	z, "32-bit: the faulting write left D clear in the 4 MiB PDE"

	mov	ebx, (13 << 20) + 4
	mov	eax, [ebx]				; 2 bytes: 8b 03
	cmp	dword [pf_count], 2
	CHECK	e, "32-bit: a read through a not-present PDE faults"
	cmp	dword [pf_error], 0
	CHECK	e, "32-bit: error code 0"
	cmp	dword [pf_cr2], (13 << 20) + 4
	CHECK	e, "32-bit: CR2 is the address read"

	mov	eax, cr0
	and	eax, ~(1 << 16)				; WP off
	mov	cr0, eax
	mov	dword [(8 << 20) + 16], 0x12345678
	cmp	dword [pf_count], 2
	CHECK	e, "32-bit: with CR0.WP = 0 a supervisor write to a read-only page works"
	cmp	dword [(8 << 20) + 16], 0x12345678
	CHECK	e, "32-bit: and the value reads back"
	test	dword [PD32 + 2 * 4], PG_D
	CHECK	nz, "32-bit: and sets D in the 4 MiB PDE"
	mov	eax, cr0
	or	eax, 1 << 16
	mov	cr0, eax

	mov	dword [PT32 + 512 * 4], (7 << 20) | PG_W | PG_P	; 6M -> the frame of 7M
	invlpg	[6 << 20]
	cmp	dword [6 << 20], 0x77777777
	CHECK	e, "32-bit: a re-pointed PTE is used after INVLPG"

	; ---- PAE paging ---------------------------------------------------------------
	mov	eax, cr0
	and	eax, ~(1 << 31)
	mov	cr0, eax
	mov	edi, PDPT
	call	zero_page
	mov	edi, PDPAE
	call	zero_page
	mov	edi, PTPAE
	call	zero_page
	mov	dword [PDPT], PDPAE | PG_P
	mov	dword [PDPAE + 0 * 8], 0 | PG_PS | PG_W | PG_P		; 0-2M
	mov	dword [PDPAE + 1 * 8], (2 << 20) | PG_PS | PG_W | PG_P	; 2-4M: the tables
	mov	dword [PDPAE + 2 * 8], PTPAE | PG_W | PG_P		; 4-6M: 4K pages
	mov	dword [PDPAE + 3 * 8], (6 << 20) | PG_PS | PG_P		; 6-8M: read-only
	; PDE 4 (8-10M) not present.
	mov	ecx, 0
.ptpae:	mov	eax, ecx
	shl	eax, 12
	add	eax, (4 << 20) | PG_W | PG_P
	mov	[PTPAE + ecx * 8], eax
	inc	ecx
	cmp	ecx, 512
	jb	.ptpae
	mov	dword [(7 << 20) + 16], 0x66666666
	mov	eax, cr4
	or	eax, 1 << 5				; PAE
	mov	cr4, eax
	mov	eax, PDPT
	mov	cr3, eax
	mov	eax, cr0
	or	eax, 1 << 31
	mov	cr0, eax
	PRINT	{"legacy: PAE paging on", 10}

	mov	eax, [(4 << 20) + 0x3000]
	mov	eax, [PTPAE + 3 * 8]
	and	eax, PG_A | PG_D
	cmp	eax, PG_A
	CHECK	e, "PAE: a read sets A, not D, in the PTE"
	test	dword [PDPAE + 2 * 8], PG_A
	CHECK	nz, "PAE: and A in the PDE"
	mov	dword [(4 << 20) + 0x3000], 0x44
	test	dword [PTPAE + 3 * 8], PG_D
	CHECK	nz, "PAE: a write sets D in the PTE"
	cmp	dword [(4 << 20) + 0x3000], 0x44
	CHECK	e, "PAE: the written value reads back"

	mov	dword [pf_count], 0
	mov	ebx, (7 << 20) + 8
	mov	[ebx], eax
	cmp	dword [pf_count], 1
	CHECK	e, "PAE: a write to a read-only 2 MiB page faults"
	cmp	dword [pf_error], PG_P | PG_W
	CHECK	e, "PAE: error code P|W"
	cmp	dword [pf_cr2], (7 << 20) + 8
	CHECK	e, "PAE: CR2 is the address written"

	mov	ebx, (9 << 20) + 4
	mov	eax, [ebx]
	cmp	dword [pf_count], 2
	CHECK	e, "PAE: a read through a not-present PDE faults"
	cmp	dword [pf_error], 0
	CHECK	e, "PAE: error code 0"
	cmp	dword [pf_cr2], (9 << 20) + 4
	CHECK	e, "PAE: CR2 is the address read"

	mov	eax, cr0
	and	eax, ~(1 << 16)
	mov	cr0, eax
	mov	dword [(7 << 20) + 16], 0x2468ace0
	cmp	dword [pf_count], 2
	CHECK	e, "PAE: with CR0.WP = 0 a supervisor write to a read-only page works"
	cmp	dword [(7 << 20) + 16], 0x2468ace0
	CHECK	e, "PAE: and the value reads back"
	test	dword [PDPAE + 3 * 8], PG_D
	CHECK	nz, "PAE: and sets D in the 2 MiB PDE"
	mov	eax, cr0
	or	eax, 1 << 16
	mov	cr0, eax

	mov	dword [PTPAE + 5 * 8], (7 << 20) | PG_W | PG_P	; 4M+20K -> the frame of 7M
	invlpg	[(4 << 20) + 0x5000]
	cmp	dword [(4 << 20) + 0x5000 + 16], 0x2468ace0
	CHECK	e, "PAE: a re-pointed PTE is used after INVLPG"

	mov	eax, cr0
	and	eax, ~(1 << 31)
	mov	cr0, eax
	PRINT	{"legacy: paging off", 10}
	jmp	finish

; Zeroes the 4 KiB page at edi.
zero_page:
	push	ecx
	push	eax
	xor	eax, eax
	mov	ecx, 1024
	rep	stosd
	pop	eax
	pop	ecx
	ret

; Records the fault and resumes after the 2-byte faulting instruction.
pf_handler:
	push	eax
	mov	eax, [esp + 4]			; the error code
	mov	[pf_error], eax
	mov	eax, cr2
	mov	[pf_cr2], eax
	inc	dword [pf_count]
	pop	eax
	add	esp, 4				; drop the error code
	add	dword [esp], 2			; EIP past the instruction
	iretd

CHECK_ROUTINES

align 4
pf_count:	dd 0
pf_error:	dd 0
pf_cr2:		dd 0
align 8
gdt:	dq 0
	dq 0x00cf9b000000ffff		; 0x08: flat 32-bit code
	dq 0x00cf93000000ffff		; 0x10: flat data
gdtr:	dw 3 * 8 - 1
	dd gdt
align 8
idtr:	dw 256 * 8 - 1
	dd idt
align 8
idt:	times 256 * 8 db 0
	times 4096 db 0
stack_top:
