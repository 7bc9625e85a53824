; SPDX-License-Identifier: MIT
; One VMLAUNCH/VMRESUME round trip (Intel SDM Vol. 3C §27 "VM entries",
; §28.5 "Loading host state"). VM entry loads the guest's RSP, RIP, RFLAGS,
; control, segment and descriptor-table registers from the VMCS; the other
; guest GPRs are loaded and saved here. VM exit loads the host state from
; the VMCS: RSP is this function's stack (written to HOST_RSP just before
; entering), RIP is vmx_exit_entry, RFLAGS is 0x2 (interrupts off: the
; caller enters with interrupts disabled anyway and restores them).
;
; int vmx_enter(struct v3_gprs *gprs (rdi), u64 launched (rsi))
;   0  the guest ran and exited (the exit reason is in the VMCS)
;   1  VMfailValid (ZF=1): the VMCS's VM-instruction error field says why
;   2  VMfailInvalid (CF=1): no valid current VMCS

section .text
bits 64

%include "gprs.inc"

%define VMCS_HOST_RSP 0x6c14
%define VMX_FAIL_VALID 1                ; vmx.h VMX_ENTER_FAIL_*
%define VMX_FAIL_INVALID 2

global vmx_enter
global vmx_exit_entry

vmx_enter:
	push rbp
	push rbx
	push r12
	push r13
	push r14
	push r15
	push rdi                        ; gprs: [rsp] when the exit lands below

	mov rax, VMCS_HOST_RSP
	vmwrite rax, rsp

	mov rax, rdi
	test rsi, rsi                   ; launched? the flags survive the loads below
	mov rcx, [rax + G_RCX]
	mov rdx, [rax + G_RDX]
	mov rbx, [rax + G_RBX]
	mov rbp, [rax + G_RBP]
	mov rsi, [rax + G_RSI]
	mov rdi, [rax + G_RDI]
	mov r8,  [rax + G_R8]
	mov r9,  [rax + G_R9]
	mov r10, [rax + G_R10]
	mov r11, [rax + G_R11]
	mov r12, [rax + G_R12]
	mov r13, [rax + G_R13]
	mov r14, [rax + G_R14]
	mov r15, [rax + G_R15]
	mov rax, [rax + G_RAX]
	jnz .resume
	vmlaunch
	jmp .failed
.resume:
	vmresume

	; Falling through means the entry did not happen: CF=1 VMfailInvalid,
	; ZF=1 VMfailValid. The guest registers in the struct are unchanged.
.failed:
	mov eax, VMX_FAIL_INVALID
	jc .out
	mov eax, VMX_FAIL_VALID
.out:
	add rsp, 8                      ; gprs
	jmp vmx_return

vmx_exit_entry:
	push rax                        ; guest RAX; gprs is just above it
	mov rax, [rsp + 8]
	mov [rax + G_RCX], rcx
	mov [rax + G_RDX], rdx
	mov [rax + G_RBX], rbx
	mov [rax + G_RBP], rbp
	mov [rax + G_RSI], rsi
	mov [rax + G_RDI], rdi
	mov [rax + G_R8], r8
	mov [rax + G_R9], r9
	mov [rax + G_R10], r10
	mov [rax + G_R11], r11
	mov [rax + G_R12], r12
	mov [rax + G_R13], r13
	mov [rax + G_R14], r14
	mov [rax + G_R15], r15
	pop rcx
	mov [rax + G_RAX], rcx
	add rsp, 8                      ; gprs
	xor eax, eax

vmx_return:
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
