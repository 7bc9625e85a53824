// SPDX-License-Identifier: MIT
/*
 * Hypercalls (palacios/include/v3/hypercall.h): PING through VMMCALL and
 * through VMCALL (the VMM accepts both on both vendors), an unknown number
 * returns -ENOSYS and the guest continues, and a hypercall changes no
 * register but RAX and RBX.
 */
#include "runtime.h"

#define UNKNOWN_HC 0x7777

/* RCX, RDX, RSI, RDI, RBP, R8..R15 after the hypercall, and RAX, RBX. */
enum { R_RCX, R_RDX, R_RSI, R_RDI, R_RBP, R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15,
       R_RAX, R_RBX, R_COUNT };
static const char *const reg_names[R_COUNT] = {
	"rcx", "rdx", "rsi", "rdi", "rbp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
	"rax", "rbx",
};
u64 regs_after[R_COUNT];

static u64 pattern(unsigned int i)
{
	return 0x0101010101010101ULL * (0x10 + i) ^ 0x8000000000000000ULL;
}

/*
 * Every register but RSP holds a pattern across the instruction; they are
 * stored RIP-relative, so no register is needed to address the buffer.
 * RBP and RBX are saved by hand (the compiler may use them).
 */
#define PRESERVE_TEST(insn)                                                                    \
	asm volatile("push %%rbp\n\t"                                                          \
		     "push %%rbx\n\t"                                                          \
		     "movabs $0x9010101010101010, %%rcx\n\t"                                    \
		     "movabs $0x9111111111111111, %%rdx\n\t"                                    \
		     "movabs $0x9212121212121212, %%rsi\n\t"                                    \
		     "movabs $0x9313131313131313, %%rdi\n\t"                                    \
		     "movabs $0x9414141414141414, %%rbp\n\t"                                    \
		     "movabs $0x9515151515151515, %%r8\n\t"                                     \
		     "movabs $0x9616161616161616, %%r9\n\t"                                     \
		     "movabs $0x9717171717171717, %%r10\n\t"                                    \
		     "movabs $0x9818181818181818, %%r11\n\t"                                    \
		     "movabs $0x9919191919191919, %%r12\n\t"                                    \
		     "movabs $0x9a1a1a1a1a1a1a1a, %%r13\n\t"                                    \
		     "movabs $0x9b1b1b1b1b1b1b1b, %%r14\n\t"                                    \
		     "movabs $0x9c1c1c1c1c1c1c1c, %%r15\n\t"                                    \
		     "movabs $0x0000000055555555, %%rbx\n\t"                                    \
		     "mov $1, %%eax\n\t" insn "\n\t"                                           \
		     "mov %%rcx, regs_after+0(%%rip)\n\t"                                      \
		     "mov %%rdx, regs_after+8(%%rip)\n\t"                                      \
		     "mov %%rsi, regs_after+16(%%rip)\n\t"                                     \
		     "mov %%rdi, regs_after+24(%%rip)\n\t"                                     \
		     "mov %%rbp, regs_after+32(%%rip)\n\t"                                     \
		     "mov %%r8, regs_after+40(%%rip)\n\t"                                      \
		     "mov %%r9, regs_after+48(%%rip)\n\t"                                      \
		     "mov %%r10, regs_after+56(%%rip)\n\t"                                     \
		     "mov %%r11, regs_after+64(%%rip)\n\t"                                     \
		     "mov %%r12, regs_after+72(%%rip)\n\t"                                     \
		     "mov %%r13, regs_after+80(%%rip)\n\t"                                     \
		     "mov %%r14, regs_after+88(%%rip)\n\t"                                     \
		     "mov %%r15, regs_after+96(%%rip)\n\t"                                     \
		     "mov %%rax, regs_after+104(%%rip)\n\t"                                    \
		     "mov %%rbx, regs_after+112(%%rip)\n\t"                                    \
		     "pop %%rbx\n\t"                                                           \
		     "pop %%rbp"                                                               \
		     :                                                                         \
		     :                                                                         \
		     : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12",     \
		       "r13", "r14", "r15", "memory", "cc")

static void check_preserved(const char *insn)
{
	char what[96];
	unsigned int bad = 0;

	for (unsigned int i = 0; i < R_RAX; i++) {
		if (regs_after[i] != pattern(i)) {
			rt_printf("hypercall: %s: %s is 0x%lx, was 0x%lx\n", insn, reg_names[i],
				  regs_after[i], pattern(i));
			bad++;
		}
	}
	rt_snprintf(what, sizeof(what), "%s: PING keeps rcx rdx rsi rdi rbp r8-r15", insn);
	rt_check(bad == 0, what, "%u registers changed", bad);
	rt_snprintf(what, sizeof(what), "%s: PING with every register set: RAX = 0", insn);
	CHECK_EQ(regs_after[R_RAX], 0, what);
	rt_snprintf(what, sizeof(what), "%s: PING with every register set: RBX = 1", insn);
	CHECK_EQ(regs_after[R_RBX], HC_ABI_VERSION, what);
}

int guest_main(void)
{
	struct rt_hcall h;

	h = (struct rt_hcall){ .rax = HC_PING };
	rt_vmmcall(&h);
	CHECK_EQ(h.rax, 0, "vmmcall: PING returns RAX = 0");
	CHECK_EQ(h.rbx, HC_ABI_VERSION, "vmmcall: PING returns RBX = 1 (ABI version)");

	h = (struct rt_hcall){ .rax = HC_PING };
	rt_vmcall(&h);
	CHECK_EQ(h.rax, 0, "vmcall: PING returns RAX = 0");
	CHECK_EQ(h.rbx, HC_ABI_VERSION, "vmcall: PING returns RBX = 1 (ABI version)");

	h = (struct rt_hcall){ .rax = UNKNOWN_HC, .rbx = 0x1234 };
	rt_vmmcall(&h);
	CHECK_EQ(h.rax, (u64)(s64)HC_ENOSYS, "vmmcall: unknown hypercall 0x7777 returns -38");
	h = (struct rt_hcall){ .rax = UNKNOWN_HC, .rbx = 0x1234 };
	rt_vmcall(&h);
	CHECK_EQ(h.rax, (u64)(s64)HC_ENOSYS, "vmcall: unknown hypercall 0x7777 returns -38");
	CHECK(true, "execution continues after unknown hypercalls");

	PRESERVE_TEST("vmmcall");
	check_preserved("vmmcall");
	PRESERVE_TEST("vmcall");
	check_preserved("vmcall");
	return 0;
}
