; SPDX-License-Identifier: MIT
; AP start-up code. An application processor starts in real mode at
; (SIPI vector << 12); smp.c copies this blob to HK_TRAMPOLINE_PA and fills
; the parameter block (struct hk_trampoline_params in smp.c) before each
; INIT-SIPI-SIPI. The AP climbs to long mode on the kernel's page tables and
; jumps to params.entry(params.arg) on params.stack. Intel SDM Vol. 3A §8.4,
; §9.9.

TRAMPOLINE_PA   equ 0x8000
MSR_EFER        equ 0xc0000080

bits 16
org TRAMPOLINE_PA

start:
	jmp short real_mode
align 8
params:
p_cr3:          dd 0            ; +8   page-table root (below 4 GiB)
p_efer:         dd 0            ; +12  EFER bits to set (LME, NXE)
p_stack:        dq 0            ; +16  stack top
p_entry:        dq 0            ; +24  64-bit entry point
p_arg:          dq 0            ; +32  first argument for entry

real_mode:
	cli
	cld
	xor ax, ax
	mov ds, ax
	mov es, ax
	mov ss, ax
	lgdt [gdt_ptr]
	mov eax, cr0
	or eax, 1
	mov cr0, eax
	jmp dword 0x08:protected_mode

bits 32
protected_mode:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov eax, cr4
	or eax, 1 << 5                  ; PAE
	mov cr4, eax
	mov eax, [p_cr3]
	mov cr3, eax
	mov ecx, MSR_EFER
	rdmsr
	or eax, [p_efer]
	wrmsr
	mov eax, cr0
	or eax, (1 << 31) | (1 << 16) | (1 << 5) | (1 << 0) ; PG, WP, NE, PE
	mov cr0, eax
	jmp 0x18:long_mode

bits 64
long_mode:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov rsp, [p_stack]
	mov rdi, [p_arg]
	mov rax, [p_entry]
	xor ebp, ebp
	push 0                          ; no return address: entry never returns
	jmp rax

align 8
gdt:
	dq 0
	dq 0x00cf9a000000ffff           ; 0x08 32-bit code
	dq 0x00cf92000000ffff           ; 0x10 data
	dq 0x00af9a000000ffff           ; 0x18 64-bit code
gdt_end:
gdt_ptr:
	dw gdt_end - gdt - 1
	dd gdt
