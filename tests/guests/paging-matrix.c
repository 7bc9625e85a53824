// SPDX-License-Identifier: MIT
/*
 * paging-matrix: the page-permission matrix of 4-level paging (docs/testing.md).
 *
 * The guest builds its own page tables for one test page under PML4 slot 1
 * (4 KiB page, 2 MiB page, and 1 GiB page when CPUID says so) and, for
 * every combination of
 *   - the U/S, R/W and XD bits of each level's entry (each level alone, and
 *     mixes), not-present entries, reserved bits (above MAXPHYADDR, PS in a
 *     PML4E, bit 13 of a large-page entry, XD with EFER.NXE=0),
 *   - CR0.WP, EFER.NXE, CR4.SMEP, CR4.SMAP with RFLAGS.AC (SMEP and SMAP only
 *     if CPUID 7.EBX has them),
 *   - a supervisor (CPL 0) or user (CPL 3) read, write and instruction fetch,
 * performs the access (paging-matrix-lm.asm) and records whether it faulted,
 * the #PF error code, CR2, the data read or written, and the A and D bits of
 * every entry of the walk (cleared before each case). Each record is compared
 * with the answer the guest computes from the SDM (Vol. 3A 4.6 access rights,
 * 4.7 error code, 4.8 A/D flags); a mismatch prints a FAIL line with the case.
 *
 * A/D bits on a faulting walk are not architectural (the SDM does not say
 * whether the entries walked before the fault get A set): the checks only
 * require that no D bit is set by a faulting access and that no entry below
 * the one that ended the walk is touched. The "digest" covers only what the
 * SDM defines and must be the same under nested and shadow paging on any
 * CPU with the same features; the "full digest" also covers the A bits of
 * faulting walks (the same under nested and shadow paging on one emulator,
 * if the shadow pager copies the hardware's choice, which it need not).
 *
 * Output: one PASS line per group of cases, then
 *   paging-matrix: mode 4-level: N cases, F failed, digest 0x..., full digest 0x...
 */
#include "runtime.h"

#define PTE_P (1UL << 0)
#define PTE_W (1UL << 1)
#define PTE_U (1UL << 2)
#define PTE_A (1UL << 5)
#define PTE_D (1UL << 6)
#define PTE_PS (1UL << 7)
#define PTE_NX (1UL << 63)
#define PTE_RWX (PTE_P | PTE_W | PTE_U)

#define PF_P 1U
#define PF_W 2U
#define PF_U 4U
#define PF_RSVD 8U
#define PF_I 16U

#define CR0_WP (1UL << 16)
#define CR4_SMEP (1UL << 20)
#define CR4_SMAP (1UL << 21)
#define MSR_EFER 0xc0000080
#define EFER_NXE (1UL << 11)

#define TEST_VA 0x8000000000UL    /* PML4 slot 1: the test mappings */
#define USER_VA 0x10000000000UL   /* PML4 slot 2: the CPL 3 stubs (paging-matrix-lm.asm) */
#define DATA_OFF 0x800            /* the data word in the test page; the code is at 0 */
#define PATTERN 0x0123456789abcdefUL
#define MAX_PRINTED_FAILS 40

enum { SZ_4K, SZ_2M, SZ_1G };
enum { ACC_READ, ACC_WRITE, ACC_FETCH };
static const char *const size_name[] = { "4K", "2M", "1G" };
static const char *const acc_name[] = { "read", "write", "fetch" };

/* paging-matrix-lm.asm */
u64 pm_run(u64 op, u64 addr, u64 user, u64 ac);
void pm_pf_entry(void), pm_gp_entry(void), pm_ret_entry(void);
extern char pm_user_stubs[];
extern u64 pm_val, pm_err, pm_cr2, pm_wval, pm_orig_pf, pm_orig_gp, pm_orig_ret;
extern u64 rt_gdt[];

static u64 pdpt_t[512] __attribute__((aligned(4096)));
static u64 pd_t[512] __attribute__((aligned(4096)));
static u64 pt_t[512] __attribute__((aligned(4096)));
static u64 pdpt_u[512] __attribute__((aligned(4096)));
static u64 pd_u[512] __attribute__((aligned(4096)));
static u64 pt_u[512] __attribute__((aligned(4096)));
static u8 tpage[4096] __attribute__((aligned(4096)));
static u8 rsp0_stack[8192] __attribute__((aligned(16)));
static u64 *pml4;

/* ---- CPU state ---- */

static bool has_nx, has_smep, has_smap, has_1g;
static unsigned int maxphy;
static u64 maxphy_rsvd; /* address bits MAXPHYADDR..51 */

static inline void write_cr0(u64 v)
{
	asm volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline void write_cr3(u64 v)
{
	asm volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline void write_cr4(u64 v)
{
	asm volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline void invlpg(u64 va)
{
	asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}

struct env {
	bool wp, nxe, smep, smap, ac;
};

static void set_env(const struct env *e)
{
	u64 cr0 = read_cr0(), cr4 = read_cr4(), efer = rdmsr(MSR_EFER);

	cr0 = e->wp ? cr0 | CR0_WP : cr0 & ~CR0_WP;
	cr4 &= ~(CR4_SMEP | CR4_SMAP);
	cr4 |= (e->smep ? CR4_SMEP : 0) | (e->smap ? CR4_SMAP : 0);
	efer = e->nxe ? efer | EFER_NXE : efer & ~EFER_NXE;
	write_cr0(cr0);
	wrmsr(MSR_EFER, efer);
	write_cr4(cr4);
}

/* ---- GDT with user segments and a TSS, IDT with the test handlers ---- */

struct tss64 {
	u32 reserved0;
	u64 rsp0, rsp1, rsp2, reserved1, ist[7], reserved2;
	u16 reserved3, iomap_base;
} __attribute__((packed));

struct gate64 {
	u16 offset_low, selector;
	u8 ist, type_attr;
	u16 offset_mid;
	u32 offset_high, zero;
} __attribute__((packed));

struct table_ptr {
	u16 limit;
	u64 base;
} __attribute__((packed));

static struct tss64 tss __attribute__((aligned(16)));
static u64 gdt[8] __attribute__((aligned(16)));
static struct gate64 idt[256] __attribute__((aligned(16)));

static u64 gate_target(const struct gate64 *g)
{
	return g->offset_low | ((u64)g->offset_mid << 16) | ((u64)g->offset_high << 32);
}

static void set_gate(unsigned int v, void (*fn)(void), u8 type_attr)
{
	u64 a = (u64)fn;

	idt[v].offset_low = (u16)a;
	idt[v].offset_mid = (u16)(a >> 16);
	idt[v].offset_high = (u32)(a >> 32);
	idt[v].selector = 0x18;
	idt[v].ist = 0;
	idt[v].type_attr = type_attr;
}

static void setup_cpl3(void)
{
	struct table_ptr p;
	u64 base = (u64)&tss, limit = sizeof(tss) - 1;

	for (int i = 0; i < 4; i++)
		gdt[i] = rt_gdt[i];
	gdt[4] = 0x00cff2000000ffffUL; /* 0x20: data, DPL 3 */
	gdt[5] = 0x00affa000000ffffUL; /* 0x28: code, 64-bit, DPL 3 */
	gdt[6] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89UL << 40) |
		 (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[7] = base >> 32; /* 0x30: available 64-bit TSS (16 bytes) */
	tss.rsp0 = (u64)(rsp0_stack + sizeof(rsp0_stack));
	tss.iomap_base = sizeof(tss);
	p = (struct table_ptr){ sizeof(gdt) - 1, (u64)gdt };
	asm volatile("lgdt %0" : : "m"(p) : "memory");
	asm volatile("ltr %w0" : : "r"(0x30) : "memory");

	asm volatile("sidt %0" : "=m"(p));
	memcpy(idt, (void *)p.base, sizeof(idt));
	pm_orig_pf = gate_target(&idt[EXC_PF]);
	pm_orig_gp = gate_target(&idt[EXC_GP]);
	pm_orig_ret = gate_target(&idt[0x81]);
	set_gate(EXC_PF, pm_pf_entry, 0x8e);
	set_gate(EXC_GP, pm_gp_entry, 0x8e);
	set_gate(0x81, pm_ret_entry, 0xee); /* DPL 3: INT 0x81 from CPL 3 */
	rt_lidt(idt, sizeof(idt) - 1);

	/* The user stubs: present, user, read-only at every level. */
	pml4 = (u64 *)(read_cr3() & ~0xfffUL);
	pdpt_u[0] = (u64)pd_u | PTE_RWX;
	pd_u[0] = (u64)pt_u | PTE_RWX;
	pt_u[0] = (u64)pm_user_stubs | PTE_P | PTE_U;
	pml4[USER_VA >> 39] = (u64)pdpt_u | PTE_RWX;
	pml4[TEST_VA >> 39] = 0;
	write_cr3(read_cr3());
}

/* ---- the cases ---- */

struct cfg {
	u8 size, group;
	u64 f[4]; /* the flag bits of each level's entry: PML4E, PDPTE, PDE, PTE */
};

enum { G_SINGLE, G_MIXED, G_NOTPRESENT, G_RSVD, G_COUNT };
static const char *const group_name[] = {
	"U/S, R/W, XD of one level", "U/S, R/W, XD mixed over the levels",
	"not-present entries", "reserved bits",
};

static struct cfg cfgs[160];
static unsigned int ncfg;

static void add_cfg(u8 size, u8 group, u64 f0, u64 f1, u64 f2, u64 f3)
{
	cfgs[ncfg++] = (struct cfg){ size, group, { f0, f1, f2, f3 } };
}

static int leaf_level(u8 size)
{
	return 3 - size;
}

static u32 lcg_state = 12345;

static u32 lcg(void)
{
	lcg_state = lcg_state * 1103515245 + 12345;
	return lcg_state >> 16;
}

static u64 flags3(unsigned int c)
{
	return PTE_P | ((c & 1) ? PTE_U : 0) | ((c & 2) ? PTE_W : 0) | ((c & 4) ? PTE_NX : 0);
}

static void build_cfgs(void)
{
	u8 nsizes = has_1g ? 3 : 2;

	for (u8 s = 0; s < nsizes; s++) {
		int leaf = leaf_level(s);

		for (int l = 0; l <= leaf; l++)
			for (unsigned int c = 0; c < 8; c++) {
				u64 f[4] = { PTE_RWX, PTE_RWX, PTE_RWX, PTE_RWX };

				if (c == 3 && l) /* U|W, no XD: the permissive entry, once */
					continue;
				f[l] = flags3(c);
				add_cfg(s, G_SINGLE, f[0], f[1], f[2], f[3]);
			}
	}
	for (unsigned int i = 0; i < 32; i++) {
		u8 s = i < 20 ? SZ_4K : i < 28 ? SZ_2M : (has_1g ? SZ_1G : SZ_2M);

		add_cfg(s, G_MIXED, flags3(lcg()), flags3(lcg()), flags3(lcg()), flags3(lcg()));
	}
	for (u8 s = 0; s < nsizes; s++)
		for (int l = 0; l <= leaf_level(s); l++) {
			u64 f[4] = { PTE_RWX, PTE_RWX, PTE_RWX, PTE_RWX };

			f[l] = PTE_W | PTE_U;
			add_cfg(s, G_NOTPRESENT, f[0], f[1], f[2], f[3]);
		}
	/* Not present wins over reserved bits (which are ignored when P=0). */
	add_cfg(SZ_4K, G_NOTPRESENT, PTE_RWX, PTE_RWX, PTE_RWX,
		PTE_W | PTE_U | PTE_NX | (1UL << 51) | maxphy_rsvd);
	for (int l = 0; l < 4; l++) {
		u64 f[4] = { PTE_RWX, PTE_RWX, PTE_RWX, PTE_RWX };

		if (maxphy >= 52)
			break;
		f[l] |= 1UL << maxphy;
		add_cfg(SZ_4K, G_RSVD, f[0], f[1], f[2], f[3]);
		f[l] = PTE_RWX | (1UL << 51);
		add_cfg(SZ_4K, G_RSVD, f[0], f[1], f[2], f[3]);
	}
	add_cfg(SZ_4K, G_RSVD, PTE_RWX | PTE_PS, PTE_RWX, PTE_RWX, PTE_RWX);
	add_cfg(SZ_2M, G_RSVD, PTE_RWX | PTE_PS, PTE_RWX, PTE_RWX, 0);
	add_cfg(SZ_2M, G_RSVD, PTE_RWX, PTE_RWX, PTE_RWX | (1UL << 13), 0);
	if (maxphy < 52)
		add_cfg(SZ_2M, G_RSVD, PTE_RWX, PTE_RWX, PTE_RWX | (1UL << maxphy), 0);
	if (has_1g) {
		add_cfg(SZ_1G, G_RSVD, PTE_RWX, PTE_RWX | (1UL << 13), 0, 0);
		add_cfg(SZ_1G, G_RSVD, PTE_RWX, PTE_RWX | (1UL << 29), 0, 0);
	}
	/* A reserved bit in a level above a restrictive one: RSVD wins over U/S, R/W. */
	add_cfg(SZ_4K, G_RSVD, PTE_P | PTE_NX, PTE_RWX | (1UL << 51), PTE_P, PTE_P);
}

/* The entry of level l the walk of a size-s case uses, its physical target and the VA. */
static u64 *entry_ptr(u8 s, int l)
{
	switch (l) {
	case 0: return &pml4[TEST_VA >> 39];
	case 1: return &pdpt_t[s == SZ_1G ? 1 : 0];
	case 2: return &pd_t[s == SZ_2M ? 1 : 0];
	default: return &pt_t[0];
	}
}

static u64 entry_target(u8 s, int l)
{
	u64 tp = (u64)tpage;

	switch (l) {
	case 0: return (u64)pdpt_t;
	case 1: return s == SZ_1G ? tp & ~0x3fffffffUL : (u64)pd_t;
	case 2: return s == SZ_2M ? tp & ~0x1fffffUL : (u64)pt_t;
	default: return tp;
	}
}

static u64 case_va(u8 s)
{
	u64 tp = (u64)tpage;

	switch (s) {
	case SZ_4K: return TEST_VA;
	case SZ_2M: return TEST_VA + 0x200000 + (tp & 0x1fffff);
	default: return TEST_VA + 0x40000000 + (tp & 0x3fffffff);
	}
}

static u64 rsvd_mask(int l, u64 e, const struct env *env)
{
	u64 m = maxphy_rsvd;

	if (!env->nxe)
		m |= PTE_NX;
	if (l == 0)
		m |= PTE_PS;
	else if (l == 1 && (e & PTE_PS))
		m |= has_1g ? 0x3fffe000UL : PTE_PS;
	else if (l == 2 && (e & PTE_PS))
		m |= 0x1fe000UL;
	return m;
}

struct outcome {
	bool fault;
	u32 err;
	int stop; /* the last level the walk used */
};

/* SDM Vol. 3A 4.5 (walk), 4.6 (access rights), 4.7 (error code). */
static struct outcome expect(const struct cfg *c, const u64 *e, int acc, bool user,
			     const struct env *env)
{
	u32 base = (acc == ACC_WRITE ? PF_W : 0) | (user ? PF_U : 0) |
		   (acc == ACC_FETCH && (env->smep || env->nxe) ? PF_I : 0);
	int leaf = leaf_level(c->size);
	bool u = true, w = true, x = true, ok;

	for (int l = 0; l <= leaf; l++) {
		if (!(e[l] & PTE_P))
			return (struct outcome){ true, base, l };
		if (e[l] & rsvd_mask(l, e[l], env))
			return (struct outcome){ true, base | PF_P | PF_RSVD, l };
		u = u && (e[l] & PTE_U);
		w = w && (e[l] & PTE_W);
		if (env->nxe && (e[l] & PTE_NX))
			x = false;
	}
	if (user)
		ok = acc == ACC_READ ? u : acc == ACC_WRITE ? u && w : u && x;
	else if (acc == ACC_FETCH)
		ok = !(u && env->smep) && x;
	else if (u && env->smap && !env->ac)
		ok = false;
	else
		ok = acc == ACC_READ || !env->wp || w;
	return (struct outcome){ !ok, ok ? 0 : base | PF_P, leaf };
}

/* ---- digests ---- */

static u32 crc32_update(u32 crc, const void *data, size_t n)
{
	const u8 *p = data;

	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320U & -(crc & 1));
	}
	return ~crc;
}

struct record {
	u32 index, fault, err, ad;
	u64 cr2, data;
};

static u32 digest, sdm_digest, full_digest, all_digest;
static unsigned int ncases, nfailed, printed_fails, group_cases[G_COUNT], group_fails[G_COUNT];
static unsigned int faulting_walks, faulting_walks_with_a, rsvd_without_p;

static void describe(char *buf, size_t n, const struct cfg *c, int acc, bool user,
		     const struct env *env)
{
	rt_snprintf(buf, n, "%c-%s %s WP%d NXE%d SMEP%d SMAP%d AC%d %lx,%lx,%lx,%lx",
		    user ? 'U' : 'S', acc_name[acc], size_name[c->size], env->wp, env->nxe,
		    env->smep, env->smap, env->ac, c->f[0], c->f[1], c->f[2], c->f[3]);
}

static void run_case(const struct cfg *c, int acc, bool user, const struct env *env)
{
	int leaf = leaf_level(c->size);
	u64 e[4] = { 0 }, va = case_va(c->size) + (acc == ACC_FETCH ? 0 : DATA_OFF);
	u64 st, data_after;
	u32 ad = 0, want_ad = 0, ad_mask = 0;
	struct outcome want;
	struct record r, w;
	char what[200];

	for (int l = 0; l <= leaf; l++) {
		e[l] = entry_target(c->size, l) | c->f[l] | (l == leaf && leaf < 3 ? PTE_PS : 0);
		*entry_ptr(c->size, l) = e[l];
	}
	*(volatile u64 *)(tpage + DATA_OFF) = PATTERN;
	tpage[0] = 0xcd; /* int 0x81 */
	tpage[1] = 0x81;
	/* Both ways are architectural (SDM 4.10.4.1): INVLPG also drops every
	 * paging-structure-cache entry; alternate to exercise both paths. */
	if (ncases & 1)
		invlpg(va);
	else
		write_cr3(read_cr3());

	st = pm_run((u64)acc, va, user, env->ac);
	data_after = *(volatile u64 *)(tpage + DATA_OFF);
	for (int l = 0; l <= leaf; l++)
		ad |= (u32)((*entry_ptr(c->size, l) >> 5) & 3) << (2 * l);
	want = expect(c, e, acc, user, env);

	/* A/D (SDM 4.8): a completed access sets A in every entry of the walk and D in
	 * the leaf if it wrote. A fault sets no D; entries below the end of the walk
	 * are untouched; A of the entries walked before a fault is not defined. */
	for (int l = 0; l <= leaf; l++) {
		if (!want.fault) {
			want_ad |= 1U << (2 * l);
			if (l == leaf && acc == ACC_WRITE)
				want_ad |= 2U << (2 * l);
			ad_mask |= 3U << (2 * l);
		} else {
			ad_mask |= (l > want.stop ? 3U : 2U) << (2 * l);
		}
	}
	/* The record of what happened and the one the SDM predicts: the error code,
	 * CR2 relative to the address, the defined A/D bits, and the data word after
	 * the access (XOR the value read, so 0 for a correct read). */
	r = (struct record){ ncases, (u32)st, st ? (u32)pm_err : 0, ad & ad_mask,
			     st ? pm_cr2 - va : 0,
			     data_after ^ (!st && acc == ACC_READ ? pm_val : 0) };
	w = (struct record){ ncases, want.fault, want.err, want_ad, 0,
			     acc == ACC_WRITE && !want.fault ? pm_wval
			     : acc == ACC_READ && !want.fault ? 0 : PATTERN };
	digest = crc32_update(digest, &r, sizeof(r));
	sdm_digest = crc32_update(sdm_digest, &w, sizeof(w));
	r.ad = ad;
	full_digest = crc32_update(full_digest, &r, sizeof(r));
	r.ad = ad & ad_mask;

	if (want.fault) {
		faulting_walks++;
		if (ad & 0x55)
			faulting_walks_with_a++;
	}
	ncases++;
	group_cases[c->group]++;
	if (!memcmp(&r, &w, sizeof(r)))
		return;
	nfailed++;
	/* A reserved-bit fault whose error code lacks P (and nothing else wrong) is
	 * counted apart: QEMU 7.2 TCG reports RSVD without P (see docs/testing.md). */
	w.err &= ~PF_P;
	if ((want.err & PF_RSVD) && !memcmp(&r, &w, sizeof(r))) {
		rsvd_without_p++;
		if (rsvd_without_p > 3)
			return;
	} else {
		group_fails[c->group]++;
	}
	if (printed_fails++ < MAX_PRINTED_FAILS) {
		describe(what, sizeof(what), c, acc, user, env);
		rt_check(false, what, "got %lu err %lx cr2 %s ad %x data %lx; want %d err %x ad %x/%x",
			 st, pm_err, pm_cr2 == va ? "ok" : "bad", ad, r.data, want.fault, want.err,
			 want_ad, ad_mask);
	}
	pm_err = pm_cr2 = pm_val = 0;
}

static void run_4level(void)
{
	char what[120];

	for (unsigned int m = 0; m < 32; m++) {
		struct env env = {
			.wp = m & 1, .nxe = (m >> 1) & 1, .smep = (m >> 2) & 1,
			.smap = (m >> 3) & 1, .ac = (m >> 4) & 1,
		};

		if ((env.nxe && !has_nx) || (env.smep && !has_smep) ||
		    (env.smap && !has_smap) || (env.ac && !env.smap))
			continue;
		set_env(&env);
		for (unsigned int i = 0; i < ncfg; i++)
			for (int user = 0; user < 2; user++)
				for (int acc = 0; acc < 3; acc++)
					run_case(&cfgs[i], acc, user, &env);
	}
	set_env(&(struct env){ .nxe = has_nx });
	for (int g = 0; g < G_COUNT; g++) {
		rt_snprintf(what, sizeof(what), "4-level: %s: every case matches the SDM",
			    group_name[g]);
		rt_check(group_cases[g] && !group_fails[g], what, "%u of %u cases differ",
			 group_fails[g], group_cases[g]);
	}
	rt_check(!rsvd_without_p, "4-level: reserved-bit #PF error codes have P=1 (SDM 4.7)",
		 "%u reserved-bit faults reported RSVD without P", rsvd_without_p);
	rt_printf("paging-matrix: 4-level: %u of %u faulting walks left A set in an entry "
		  "(not architectural)\n", faulting_walks_with_a, faulting_walks);
	rt_printf("paging-matrix: mode 4-level: %u cases, %u failed, digest 0x%08x, "
		  "SDM digest 0x%08x, full digest 0x%08x\n", ncases, nfailed, digest, sdm_digest,
		  full_digest);
	all_digest = crc32_update(all_digest, &digest, sizeof(digest));
}

int guest_main(void)
{
	struct rt_cpuid id7 = cpuid(0, 0).eax >= 7 ? cpuid(7, 0) : (struct rt_cpuid){ 0 };
	struct rt_cpuid ext = cpuid(0x80000001, 0);
	u32 max_ext = cpuid(0x80000000, 0).eax;

	has_nx = ext.edx & (1U << 20);
	has_1g = ext.edx & (1U << 26);
	has_smep = id7.ebx & (1U << 7);
	has_smap = id7.ebx & (1U << 20);
	maxphy = max_ext >= 0x80000008 ? cpuid(0x80000008, 0).eax & 0xff : 36;
	maxphy_rsvd = maxphy < 52 ? ((1UL << 52) - 1) & ~((1UL << maxphy) - 1) : 0;
	rt_printf("paging-matrix: features: NX %s, SMEP %s, SMAP %s, 1G pages %s, MAXPHYADDR %u\n",
		  has_nx ? "yes" : "no", has_smep ? "yes" : "no", has_smap ? "yes" : "no",
		  has_1g ? "yes" : "no", maxphy);

	setup_cpl3();
	build_cfgs();
	run_4level();

	rt_printf("paging-matrix: all modes: %u cases, %u failed, digest 0x%08x\n", ncases, nfailed,
		  all_digest);
	return 0;
}
