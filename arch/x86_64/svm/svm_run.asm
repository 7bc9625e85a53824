; SPDX-License-Identifier: MIT
; One VMRUN round trip (AMD APM Vol. 2 §15.5). VMRUN itself switches only
; RAX, RSP, RIP, RFLAGS, the control registers and the segment registers
; CS/SS/DS/ES; the other guest GPRs are loaded and saved here, and the state
; VMRUN leaves alone (FS, GS, TR, LDTR, KernelGSBase, STAR/LSTAR/CSTAR/SFMASK,
; SYSENTER) is swapped with VMLOAD/VMSAVE between the guest VMCB and a
; per-CPU host VMCB. GIF is clear from before the guest's segment state is
; loaded until the host's is back, so no host interrupt handler runs with
; the guest's GS base.

section .text
bits 64

%include "gprs.inc"

global svm_vmrun
; void svm_vmrun(u64 vmcb_pa (rdi), struct v3_gprs *gprs (rsi), u64 host_vmcb_pa (rdx))
svm_vmrun:
	push rbp
	push rbx
	push r12
	push r13
	push r14
	push r15
	push rdx                        ; host VMCB
	push rsi                        ; gprs

	clgi
	mov rax, rdx
	vmsave                          ; host FS/GS/TR/LDTR/... -> host VMCB
	mov rax, rdi                    ; guest VMCB, stays in RAX for VMRUN

	mov rcx, [rsi + G_RCX]
	mov rdx, [rsi + G_RDX]
	mov rbx, [rsi + G_RBX]
	mov rbp, [rsi + G_RBP]
	mov rdi, [rsi + G_RDI]
	mov r8,  [rsi + G_R8]
	mov r9,  [rsi + G_R9]
	mov r10, [rsi + G_R10]
	mov r11, [rsi + G_R11]
	mov r12, [rsi + G_R12]
	mov r13, [rsi + G_R13]
	mov r14, [rsi + G_R14]
	mov r15, [rsi + G_R15]
	mov rsi, [rsi + G_RSI]

	vmload
	vmrun
	vmsave                          ; guest FS/GS/... -> guest VMCB (RAX = its address again)

	push rsi                        ; guest RSI, then find gprs above it
	mov rsi, [rsp + 8]
	mov [rsi + G_RCX], rcx
	mov [rsi + G_RDX], rdx
	mov [rsi + G_RBX], rbx
	mov [rsi + G_RBP], rbp
	mov [rsi + G_RDI], rdi
	mov [rsi + G_R8], r8
	mov [rsi + G_R9], r9
	mov [rsi + G_R10], r10
	mov [rsi + G_R11], r11
	mov [rsi + G_R12], r12
	mov [rsi + G_R13], r13
	mov [rsi + G_R14], r14
	mov [rsi + G_R15], r15
	pop rcx
	mov [rsi + G_RSI], rcx

	add rsp, 8                      ; gprs
	pop rax                         ; host VMCB
	vmload                          ; host FS/GS/TR/... back
	stgi

	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
