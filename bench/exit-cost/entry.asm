; SPDX-License-Identifier: MIT
; Entry of the bench guest: flat 32-bit protected mode, paging off.
bits 32
extern guest_main
global _start
section .text.entry
_start:
	mov esp, 0x80000
	call guest_main
.hang:
	hlt
	jmp .hang
section .note.GNU-stack noalloc noexec nowrite progbits
