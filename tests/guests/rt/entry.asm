; SPDX-License-Identifier: MIT
;
; Entry of every test guest: the VMM starts the vCPU in real mode at 0x10000
; (CS=0x1000, IP=0, paging and interrupts off, no IDT, RSP 0). From there the
; guest climbs by itself, as a boot loader would:
;
;   real mode       -> load a GDT, set CR0.PE, far jump       (Intel SDM 3A 9.9.1)
;   protected mode  -> identity-map 4 GiB with 2 MiB pages (PML4, PDPT, 4 PDs),
;                      CR4.PAE, CR3, EFER.LME (WRMSR), CR0.PG, far jump to a
;                      64-bit code segment                     (SDM 3A 9.8.5)
;   long mode       -> stack, .bss cleared, rt_start() in C
;
; Each step is checked from the inside before it is reported on port 0xe9
; ("rt: real mode: ..."): CR0.PE and CS in real and protected mode, EFER.LMA
; (RDMSR) and CS.L (an instruction that decodes differently in 64-bit mode)
; in long mode. A failed check prints "FAIL rt: ..." and ends the VM through
; the exit hypercall with status 100 + step.
;
; Fixed low memory (below the image, never tested by the memory guests):
;   0x1000 PML4, 0x2000 PDPT, 0x3000-0x6fff four page directories,
;   0x7000-0x7fff the stack of the 16- and 32-bit code.

%define PML4		0x1000
%define PDPT		0x2000
%define PD0		0x3000
%define EARLY_STACK	0x8000
%define EFER		0xc0000080
%define EFER_LME	(1 << 8)
%define EFER_LMA	(1 << 10)
%define CR0_PE		(1 << 0)
%define CR0_PG		(1 << 31)
%define CR4_PAE		(1 << 5)
%define HC_EXIT		2

%define SEL_CODE32	0x08
%define SEL_DATA	0x10
%define SEL_CODE64	0x18

extern rt_start
extern __bss_start
extern __bss_end
global _start
global rt_gdt
global rt_stack_top

section .text.entry progbits alloc exec nowrite align=16

; ---------------------------------------------------------------- real mode
bits 16
_start:
	cli
	cld
	xor ax, ax
	mov ss, ax
	mov sp, EARLY_STACK
	mov ax, cs
	mov ds, ax
	mov es, ax

	; The VMM promised CS = entry >> 4 with IP = entry & 0xffff: offsets
	; in this segment are distances from _start.
	cmp ax, 0x1000
	jne .bad_cs
	smsw ax
	test ax, CR0_PE
	jnz .bad_pe
	mov si, msg_real - _start
	call rm_puts

	o32 lgdt [gdt_desc - _start]
	mov eax, cr0
	or eax, CR0_PE
	mov cr0, eax
	jmp dword SEL_CODE32:pm_entry

.bad_cs:
	mov si, msg_real_bad_cs - _start
	jmp rm_fail
.bad_pe:
	mov si, msg_real_bad_pe - _start
rm_fail:
	call rm_puts
	mov eax, HC_EXIT
	mov ebx, 101
	vmmcall
.halt:	hlt
	jmp .halt

; ds:si = NUL-terminated string
rm_puts:
	lodsb
	test al, al
	jz .done
	out 0xe9, al
	jmp rm_puts
.done:	ret

; ---------------------------------------------------------------- protected mode
bits 32
pm_entry:
	mov ax, SEL_DATA
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
	mov esp, EARLY_STACK

	mov eax, cr0
	test eax, CR0_PE
	jz .bad_pe
	mov ax, cs
	cmp ax, SEL_CODE32
	jne .bad_cs
	; A 32-bit code segment: without an operand-size prefix, this moves 4
	; bytes (a 16-bit segment would take "mov ax, 0x5678" and then run the
	; rest of the immediate as instructions).
	mov eax, 0x12345678
	cmp eax, 0x12345678
	jne .bad_cs
	mov esi, msg_prot
	call pm_puts

	; Page tables: PML4[0] -> PDPT, PDPT[0..3] -> PD0..PD3, each PD entry a
	; present, writable 2 MiB page (PS) identity-mapping 4 GiB.
	mov edi, PML4
	mov ecx, (PD0 + 4 * 0x1000 - PML4) / 4
	xor eax, eax
	rep stosd
	mov dword [PML4], PDPT | 3
	mov dword [PDPT + 0], (PD0 + 0x0000) | 3
	mov dword [PDPT + 8], (PD0 + 0x1000) | 3
	mov dword [PDPT + 16], (PD0 + 0x2000) | 3
	mov dword [PDPT + 24], (PD0 + 0x3000) | 3
	xor ecx, ecx
.pde:	mov eax, ecx
	shl eax, 21
	or eax, 0x83			; present, writable, 2 MiB page
	mov [PD0 + ecx * 8], eax
	mov eax, ecx
	shr eax, 11			; bits 32+ of the page address
	mov [PD0 + ecx * 8 + 4], eax
	inc ecx
	cmp ecx, 4 * 512
	jb .pde

	mov eax, cr4
	or eax, CR4_PAE
	mov cr4, eax
	mov eax, PML4
	mov cr3, eax
	mov ecx, EFER
	rdmsr
	or eax, EFER_LME
	wrmsr
	mov eax, cr0
	or eax, CR0_PG
	mov cr0, eax
	jmp SEL_CODE64:lm_entry

.bad_pe:
	mov esi, msg_prot_bad_pe
	jmp pm_fail
.bad_cs:
	mov esi, msg_prot_bad_cs
pm_fail:
	call pm_puts
	mov eax, HC_EXIT
	mov ebx, 102
	vmmcall
.halt:	hlt
	jmp .halt

pm_puts:
	lodsb
	test al, al
	jz .done
	out 0xe9, al
	jmp pm_puts
.done:	ret

; ---------------------------------------------------------------- long mode
bits 64
lm_entry:
	mov ax, SEL_DATA
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
	mov rsp, EARLY_STACK

	mov ecx, EFER
	rdmsr
	test eax, EFER_LMA
	jz .bad_lma
	mov ax, cs
	cmp ax, SEL_CODE64
	jne .bad_cs
	; CS.L: bytes 48 ff c0 are "inc rax" in 64-bit mode but "dec eax; inc
	; eax" in a 32-bit segment, so rax is 1 only in 64-bit mode.
	xor eax, eax
	db 0x48, 0xff, 0xc0
	cmp rax, 1
	jne .bad_l
	mov rax, 0x0123456789abcdef
	shr rax, 32
	cmp eax, 0x01234567
	jne .bad_l
	lea rsi, [rel msg_long]
	call lm_puts

	; .bss (which holds the real stack) is zero in a fresh VM already;
	; clear it anyway so nothing depends on that.
	mov rdi, __bss_start
	mov rcx, __bss_end
	sub rcx, rdi
	xor eax, eax
	rep stosb
	mov rsp, rt_stack_top
	xor ebp, ebp
	call rt_start
	; rt_start does not return (it ends the VM); stop here if it does.
	mov ebx, 103
	jmp lm_exit

.bad_lma:
	lea rsi, [rel msg_long_bad_lma]
	jmp lm_fail
.bad_cs:
	lea rsi, [rel msg_long_bad_cs]
	jmp lm_fail
.bad_l:
	lea rsi, [rel msg_long_bad_l]
lm_fail:
	call lm_puts
	mov ebx, 103
lm_exit:
	mov eax, HC_EXIT
	vmmcall
.halt:	hlt
	jmp .halt

lm_puts:
	lodsb
	test al, al
	jz .done
	out 0xe9, al
	jmp lm_puts
.done:	ret

; ---------------------------------------------------------------- data
align 8
rt_gdt:
	dq 0
	dq 0x00cf9a000000ffff		; 0x08: code, 32-bit, base 0, 4 GiB
	dq 0x00cf92000000ffff		; 0x10: data, base 0, 4 GiB
	dq 0x00af9a000000ffff		; 0x18: code, 64-bit (L=1, D=0)
gdt_end:
gdt_desc:
	dw gdt_end - rt_gdt - 1
	dd rt_gdt

msg_real:		db "rt: real mode: CR0.PE=0 CS=0x1000", 10, 0
msg_real_bad_cs:	db "FAIL rt: real mode: CS is not 0x1000", 10, 0
msg_real_bad_pe:	db "FAIL rt: real mode: CR0.PE is set", 10, 0
msg_prot:		db "rt: protected mode: CR0.PE=1 CS=0x08 32-bit", 10, 0
msg_prot_bad_pe:	db "FAIL rt: protected mode: CR0.PE is clear", 10, 0
msg_prot_bad_cs:	db "FAIL rt: protected mode: CS is not the 32-bit code segment", 10, 0
msg_long:		db "rt: long mode: EFER.LMA=1 CS.L=1", 10, 0
msg_long_bad_lma:	db "FAIL rt: long mode: EFER.LMA is clear", 10, 0
msg_long_bad_cs:	db "FAIL rt: long mode: CS is not the 64-bit code segment", 10, 0
msg_long_bad_l:		db "FAIL rt: long mode: not executing 64-bit code", 10, 0

section .bss nobits alloc noexec write align=16
	resb 65536
rt_stack_top:
