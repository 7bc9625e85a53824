/* SPDX-License-Identifier: MIT */
/* Interrupt and exception dispatch (entry.asm builds the frame). */
#ifndef HK_ARCH_TRAP_H
#define HK_ARCH_TRAP_H

#include <v3/types.h>

/* The registers as entry.asm pushed them, lowest address first. */
struct hk_trap_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error;
	u64 rip, cs, rflags, rsp, ss;  /* pushed by the CPU */
};

typedef void (*hk_vector_fn)(unsigned int vector, void *arg);

/* Route an interrupt vector (>= 32) to fn; the LAPIC EOI is done after it. */
void hk_set_vector_handler(unsigned int vector, hk_vector_fn fn, void *arg);
void hk_trap(struct hk_trap_frame *f);

#endif /* HK_ARCH_TRAP_H */
