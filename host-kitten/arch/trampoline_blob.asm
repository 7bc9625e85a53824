; SPDX-License-Identifier: MIT
; The flat AP start-up code (flat/ap_trampoline.asm), embedded so smp.c can
; copy it to its low page.
global hk_trampoline_start, hk_trampoline_end
section .rodata
align 16
hk_trampoline_start:
	incbin "trampoline.bin"
hk_trampoline_end:

section .note.GNU-stack noalloc noexec nowrite progbits
