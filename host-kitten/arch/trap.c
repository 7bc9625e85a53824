/* SPDX-License-Identifier: MIT */
/*
 * Exceptions end the run with a register dump (Intel SDM Vol. 3A §6.15 for
 * the vector names); interrupts go to the handler registered for their
 * vector and are acknowledged at the local APIC.
 */
#include <arch/x86.h>
#include "arch/trap.h"
#include "apic.h"
#include "hk.h"
#include "smp.h"

static const char *const exception_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor segment overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved (15)", "#MF x87 error", "#AC alignment check",
	"#MC machine check", "#XM SIMD error", "#VE virtualization exception",
	"#CP control protection", "reserved (22)", "reserved (23)", "reserved (24)",
	"reserved (25)", "reserved (26)", "reserved (27)", "#HV hypervisor injection",
	"#VC VMM communication", "#SX security exception", "reserved (31)",
};

static struct {
	hk_vector_fn fn;
	void *arg;
} vector_handlers[256];

void hk_set_vector_handler(unsigned int vector, hk_vector_fn fn, void *arg)
{
	vector_handlers[vector].arg = arg;
	__atomic_store_n(&vector_handlers[vector].fn, fn, __ATOMIC_RELEASE);
}

__attribute__((noreturn)) static void exception_dump(struct hk_trap_frame *f)
{
	hk_console_force_unlock();
	hk_printf("hk: EXCEPTION %s (vector %lu, error code 0x%lx) on cpu %u\n",
		  exception_names[f->vector], f->vector, f->error, hk_cpu_id());
	hk_printf("hk:   faulting RIP %016lx  CS %04lx  RFLAGS %016lx\n", f->rip, f->cs,
		  f->rflags);
	hk_printf("hk:   RSP %016lx  SS %04lx  CR2 %016lx  CR3 %016lx\n", f->rsp, f->ss,
		  x86_read_cr2(), x86_read_cr3());
	hk_printf("hk:   RAX %016lx  RBX %016lx  RCX %016lx  RDX %016lx\n", f->rax, f->rbx,
		  f->rcx, f->rdx);
	hk_printf("hk:   RSI %016lx  RDI %016lx  RBP %016lx\n", f->rsi, f->rdi, f->rbp);
	hk_printf("hk:   R8  %016lx  R9  %016lx  R10 %016lx  R11 %016lx\n", f->r8, f->r9,
		  f->r10, f->r11);
	hk_printf("hk:   R12 %016lx  R13 %016lx  R14 %016lx  R15 %016lx\n", f->r12, f->r13,
		  f->r14, f->r15);
	hk_printf("hk:   CR0 %016lx  CR4 %016lx  EFER %016lx\n", x86_read_cr0(), x86_read_cr4(),
		  x86_rdmsr(MSR_EFER));
	hk_exit(HK_EXIT_PANIC, "exception");
}

void hk_trap(struct hk_trap_frame *f)
{
	hk_vector_fn fn;

	/* hk_exit() stops the other CPUs with an NMI. */
	if (f->vector == 2 && hk_exit_in_progress())
		hk_halt();
	if (f->vector < 32)
		exception_dump(f);
	if (f->vector == HK_VEC_SPURIOUS)
		return;  /* spurious interrupts take no EOI (SDM §10.9) */
	fn = __atomic_load_n(&vector_handlers[f->vector].fn, __ATOMIC_ACQUIRE);
	if (fn)
		fn((unsigned int)f->vector, vector_handlers[f->vector].arg);
	hk_lapic_eoi();
}
