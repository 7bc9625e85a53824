; SPDX-License-Identifier: MIT
;
; The 256 interrupt entry stubs of the test guests' IDT. Each pushes a zero
; where the CPU pushes no error code (SDM 3A 6.13: vectors 8, 10-14, 17, 21,
; 29, 30 have one), then its vector, and joins the common path that saves
; every general register as a struct rt_frame (runtime.h) and calls
; rt_trap(frame). rt_trap may edit the frame (RIP to resume elsewhere); the
; registers are restored from it before IRETQ.
;
; In 64-bit mode the CPU aligns RSP to 16 before pushing SS..RIP (SDM 3A
; 6.14.2); 7 quadwords of frame + 15 registers keep it 16-aligned for the call.

bits 64
extern rt_trap
global rt_isr_table

section .text

%macro stub 1
	align 16
isr_%1:
%if %1 = 8 || (%1 >= 10 && %1 <= 14) || %1 = 17 || %1 = 21 || %1 = 29 || %1 = 30
%else
	push 0
%endif
	push %1
	jmp isr_common
%endmacro

%assign v 0
%rep 256
	stub v
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
	call rt_trap
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
	add rsp, 16			; vector and error code
	iretq

section .rodata
align 8
rt_isr_table:
%assign v 0
%rep 256
	dq isr_ %+ v
%assign v v + 1
%endrep
