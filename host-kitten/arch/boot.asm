; SPDX-License-Identifier: MIT
; host-kitten entry: the multiboot v1 header (a.out kludge, so a flat image
; loads without ELF64 support) and the climb from 32-bit protected mode to
; long mode. The first 4 GiB are identity-mapped with 2 MiB pages; C code
; extends the map to all RAM later (mm/paging.c). Multiboot spec 0.6.96 §3.1;
; long-mode entry per Intel SDM Vol. 3A §9.8.5.

MB_MAGIC        equ 0x1badb002
MB_FLAGS        equ (1 << 0) | (1 << 1) | (1 << 16) ; page-align modules, memory map, a.out kludge
MSR_EFER        equ 0xc0000080
COM1            equ 0x3f8

extern __kernel_start, __load_end, __bss_start, __bss_end
extern hk_main

global hk_multiboot_header, hk_entry32
global hk_boot_pml4, hk_boot_pdpt, hk_boot_pd, hk_boot_gdt_ptr
global hk_boot_stack_top, hk_efer_boot_bits

section .multiboot progbits alloc noexec nowrite align=4
hk_multiboot_header:
	dd MB_MAGIC
	dd MB_FLAGS
	dd -(MB_MAGIC + MB_FLAGS)
	dd hk_multiboot_header          ; header_addr
	dd __kernel_start               ; load_addr
	dd __load_end                   ; load_end_addr
	dd __bss_end                    ; bss_end_addr
	dd hk_entry32                   ; entry_addr

section .text.boot progbits alloc exec nowrite align=16
bits 32
hk_entry32:
	cli
	cld
	mov ebp, eax                    ; multiboot magic
	mov esi, ebx                    ; multiboot info (physical)

	; The loader zeroes .bss per the spec; do it anyway, some do not.
	mov edi, __bss_start
	mov ecx, __bss_end
	sub ecx, edi
	xor eax, eax
	rep stosb
	mov [boot_mb_magic], ebp
	mov [boot_mb_info], esi
	mov esp, hk_boot_stack_top

	; Long mode (CPUID 0x80000001 EDX bit 29) or a clear message.
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb .no_long_mode
	mov eax, 0x80000001
	cpuid
	test edx, 1 << 29
	jz .no_long_mode
	xor ebx, ebx
	test edx, 1 << 20               ; NX available: set EFER.NXE too
	jz .no_nx
	mov ebx, 1 << 11
.no_nx:
	or ebx, 1 << 8                  ; EFER.LME
	mov [hk_efer_boot_bits], ebx

	; PML4[0] -> PDPT, PDPT[0..3] -> PD[0..3], PD: 2048 x 2 MiB pages.
	mov eax, hk_boot_pdpt
	or eax, 0x3
	mov [hk_boot_pml4], eax
	mov edi, hk_boot_pdpt
	mov eax, hk_boot_pd
	or eax, 0x3
	mov ecx, 4
.fill_pdpt:
	mov [edi], eax
	add eax, 4096
	add edi, 8
	loop .fill_pdpt
	mov edi, hk_boot_pd
	mov eax, 0x83                   ; present, writable, 2 MiB
	xor edx, edx                    ; high dword of the physical address
	mov ecx, 2048
.fill_pd:
	mov [edi], eax
	mov [edi + 4], edx
	add eax, 0x200000
	adc edx, 0
	add edi, 8
	loop .fill_pd

	mov eax, cr4
	or eax, 1 << 5                  ; PAE
	mov cr4, eax
	mov eax, hk_boot_pml4
	mov cr3, eax
	mov ecx, MSR_EFER
	rdmsr
	or eax, [hk_efer_boot_bits]
	wrmsr
	mov eax, cr0
	or eax, (1 << 31) | (1 << 16) | (1 << 5) | (1 << 0) ; PG, WP, NE, PE
	mov cr0, eax
	lgdt [hk_boot_gdt_ptr]
	jmp 0x08:long_mode_entry

.no_long_mode:
	mov esi, msg_no_long_mode
.puts:
	lodsb
	test al, al
	jz .exit
	mov ah, al
	mov dx, COM1 + 5
.wait_thre:
	in al, dx
	test al, 0x20
	jz .wait_thre
	mov al, ah
	mov dx, COM1
	out dx, al
	jmp .puts
.exit:
	mov al, 1                       ; exit status 1 through isa-debug-exit
	out 0xf4, al
	mov esi, msg_shutdown           ; Bochs: "Shutdown" to port 0x8900
	mov dx, 0x8900
	mov ecx, 8
	rep outsb
.halt:
	hlt
	jmp .halt

bits 64
long_mode_entry:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor eax, eax
	mov fs, ax
	mov gs, ax
	mov rsp, hk_boot_stack_top
	xor ebp, ebp
	mov edi, [boot_mb_magic]
	mov esi, [boot_mb_info]
	call hk_main
.hang:
	cli
	hlt
	jmp .hang

section .rodata
msg_no_long_mode:
	db "hk: this CPU has no long mode (x86-64); host-kitten needs it", 13, 10
	db "hk: exit status 1 (no long mode)", 13, 10, 0
msg_shutdown:
	db "Shutdown"

section .data
align 16
; Boot GDT: null, 64-bit code (0x08), data (0x10). Replaced by the per-CPU
; GDT in arch/gdt.c once C runs.
boot_gdt:
	dq 0
	dq 0x00af9a000000ffff
	dq 0x00cf92000000ffff
boot_gdt_end:
hk_boot_gdt_ptr:
	dw boot_gdt_end - boot_gdt - 1
	dq boot_gdt
boot_mb_magic: dd 0
boot_mb_info: dd 0
hk_efer_boot_bits: dd 0

section .bss
alignb 4096
hk_boot_pml4: resb 4096
hk_boot_pdpt: resb 4096
hk_boot_pd: resb 4 * 4096
alignb 16
resb 16384
hk_boot_stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
