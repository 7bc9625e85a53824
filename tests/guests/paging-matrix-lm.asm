; SPDX-License-Identifier: MIT
;
; The long-mode access primitive of the paging-matrix guest (paging-matrix.c):
; one supervisor (CPL 0) or user (CPL 3) read, write or instruction fetch of
; a linear address, with its outcome.
;
;   u64 pm_run(u64 op, u64 addr, u64 user, u64 ac)
;     op: 0 read (8 bytes), 1 write (8 bytes of pm_wval), 2 fetch (jump to
;     addr, where the caller placed "int 0x81"); user: 0 CPL 0, 1 CPL 3
;     (IRETQ to the user stubs, which paging-matrix.c maps user-accessible at
;     PM_USER_VA); ac: the RFLAGS.AC of a supervisor access (SMAP).
;   Returns 0 when the access completed (pm_val = the value read), 1 on a
;   #PF (pm_err = error code, pm_cr2 = CR2), 2 on a #GP (pm_err).
;
; The access ends in one of three handlers that paging-matrix.c installs in
; its copy of the runtime's IDT: vector 0x81 (an interrupt gate with DPL 3,
; the "system call" back from CPL 3 and the end of a fetch), #PF and #GP.
; While pm_active is set they abandon the interrupt frame and resume pm_run's
; caller from the saved RSP (a longjmp); otherwise they jump to the runtime's
; own handler (pm_orig_*), which reports an unexpected exception as usual.
; A fault from CPL 3 arrives on the TSS's RSP0 stack (paging-matrix.c).

bits 64
default rel

global pm_run, pm_pf_entry, pm_gp_entry, pm_ret_entry
global pm_user_stubs, pm_user_stubs_end
global pm_val, pm_err, pm_cr2, pm_wval, pm_orig_pf, pm_orig_gp, pm_orig_ret, pm_fault_cs

%define PM_USER_VA	0x10000000000	; where paging-matrix.c maps pm_user_stubs (PML4 slot 2)
%define SEL_CODE64	0x18
%define SEL_DATA	0x10
%define SEL_UDATA	0x23		; GDT slot 4, RPL 3
%define SEL_UCODE64	0x2b		; GDT slot 5, RPL 3
%define RFLAGS_AC	(1 << 18)

section .text

pm_run:
	push rbx
	push rbp
	push r12
	push r13
	push r14
	push r15
	mov [pm_saved_rsp], rsp
	mov byte [pm_active], 1
	test rdx, rdx
	jnz .user
	test rcx, rcx
	jz .no_ac
	pushfq
	or qword [rsp], RFLAGS_AC
	popfq
.no_ac:
	cmp rdi, 1
	je .swrite
	ja .sfetch
	mov rax, [rsi]
	jmp .sdone
.swrite:
	mov rax, [pm_wval]
	mov [rsi], rax
	jmp .sdone
.sfetch:
	jmp rsi				; "int 0x81" there ends in pm_ret_entry
.sdone:
	mov [pm_val], rax
	xor eax, eax
	jmp pm_resume

.user:
	mov rax, rdi
	shl rax, 4			; the stubs are 16 bytes apart
	mov rdi, PM_USER_VA
	add rax, rdi
	mov rdi, rsi			; the stubs take the address in RDI
	mov rsi, [pm_wval]
	push SEL_UDATA			; SS
	push 0				; RSP: the stubs use no stack
	push 2				; RFLAGS: IF=0, AC=0
	push SEL_UCODE64		; CS
	push rax			; RIP
	iretq

; Every way back: EAX = the result. Back to CPL 0 segments, RFLAGS clean
; (AC=0, DF=0, IF=0), the caller's stack and callee-saved registers.
pm_resume:
	mov byte [pm_active], 0
	mov rsp, [pm_saved_rsp]
	push 2
	popfq
	mov cx, SEL_DATA
	mov ds, cx
	mov es, cx
	mov ss, cx
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbp
	pop rbx
	ret

pm_ret_entry:
	cmp byte [pm_active], 0
	je .chain
	mov [pm_val], rax
	xor eax, eax
	jmp pm_resume
.chain:
	jmp [pm_orig_ret]

pm_pf_entry:
	cmp byte [pm_active], 0
	je .chain
	mov rax, [rsp]			; error code
	mov [pm_err], rax
	mov rax, [rsp + 16]		; CS of the faulting access
	mov [pm_fault_cs], rax
	mov rax, cr2
	mov [pm_cr2], rax
	mov eax, 1
	jmp pm_resume
.chain:
	jmp [pm_orig_pf]

pm_gp_entry:
	cmp byte [pm_active], 0
	je .chain
	mov rax, [rsp]
	mov [pm_err], rax
	mov rax, [rsp + 16]
	mov [pm_fault_cs], rax
	mov eax, 2
	jmp pm_resume
.chain:
	jmp [pm_orig_gp]

; ---- CPL 3 code: one page, mapped user-accessible at PM_USER_VA ----
section .text.pmuser progbits alloc exec nowrite align=4096
pm_user_stubs:
	mov rax, [rdi]			; +0x00: read
	int 0x81
	align 16, db 0xcc
	mov [rdi], rsi			; +0x10: write
	int 0x81
	align 16, db 0xcc
	jmp rdi				; +0x20: fetch (the target holds "int 0x81")
	align 16, db 0xcc
pm_user_stubs_end:
	align 4096, db 0xcc

section .data
align 8
pm_wval:	dq 0xa5a5a5a55a5a5a5a

section .bss
align 8
pm_saved_rsp:	resq 1
pm_val:		resq 1
pm_err:		resq 1
pm_cr2:		resq 1
pm_fault_cs:	resq 1
pm_orig_pf:	resq 1
pm_orig_gp:	resq 1
pm_orig_ret:	resq 1
pm_active:	resb 1
