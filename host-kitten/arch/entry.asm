; SPDX-License-Identifier: MIT
; Interrupt and exception entry: one stub per vector pushes the vector (and
; a zero where the CPU pushes no error code) and joins a common path that
; saves every general-purpose register into a struct hk_trap_frame
; (arch/trap.h) for hk_trap(). Error-code vectors: Intel SDM Vol. 3A §6.13.

extern hk_trap
global hk_isr_table, hk_load_gdt

section .text
bits 64

%macro ISR 1
isr_%1:
%if (%1 = 8) || (%1 = 10) || (%1 = 11) || (%1 = 12) || (%1 = 13) || (%1 = 14) || (%1 = 17) || (%1 = 21) || (%1 = 29) || (%1 = 30)
%else
	push 0
%endif
	push %1
	jmp isr_common
%endmacro

%assign v 0
%rep 256
	ISR v
%assign v v + 1
%endrep

isr_common:
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
	cld
	mov rdi, rsp
	; Align the stack for C: the CPU aligns to 16 only when it switches
	; stacks, and we may have interrupted code at any alignment.
	mov rbx, rsp
	and rsp, -16
	call hk_trap
	mov rsp, rbx
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
	add rsp, 16                     ; vector and error code
	iretq

; void hk_load_gdt(const struct x86_desc_ptr *gdtr, u16 code_sel, u16 data_sel)
; Loads a GDT and reloads every segment register from it (CS by a far return).
hk_load_gdt:
	lgdt [rdi]
	mov ds, dx
	mov es, dx
	mov ss, dx
	xor eax, eax
	mov fs, ax
	mov gs, ax
	movzx rsi, si
	lea rax, [rel .reloaded]
	push rsi
	push rax
	retfq
.reloaded:
	ret

section .rodata
align 8
hk_isr_table:
%assign v 0
%rep 256
	dq isr_ %+ v
%assign v v + 1
%endrep

section .note.GNU-stack noalloc noexec nowrite progbits
