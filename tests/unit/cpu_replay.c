/* SPDX-License-Identifier: MIT */
/*
 * Replays a CPU recorded by hk.test=cpudump (see cpu_replay.h). The file has
 * one fact a line:
 *   cpuid LEAF SUBLEAF: EAX EBX ECX EDX     (hex)
 *   msr MSR: VALUE                          (hex)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cpu_replay.h"

struct cpuid_fact {
	u32 leaf, subleaf;
	struct x86_cpuid r;
};

struct msr_fact {
	u32 msr;
	u64 value;
	unsigned int reads;
};

static struct {
	char path[512];
	struct cpuid_fact *cpuid;
	size_t ncpuid;
	struct msr_fact *msr;
	size_t nmsr;
	unsigned int cpuid_calls;
} rec;

static void *grow(void *array, size_t count, size_t size)
{
	void *p = realloc(array, (count + 1) * size);

	if (!p) {
		fail_msg("cpu_replay: out of memory");
		abort();
	}
	return p;
}

static struct cpuid_fact *find_cpuid(u32 leaf, u32 subleaf)
{
	for (size_t i = 0; i < rec.ncpuid; i++)
		if (rec.cpuid[i].leaf == leaf && rec.cpuid[i].subleaf == subleaf)
			return &rec.cpuid[i];
	return NULL;
}

static struct msr_fact *find_msr(u32 msr)
{
	for (size_t i = 0; i < rec.nmsr; i++)
		if (rec.msr[i].msr == msr)
			return &rec.msr[i];
	return NULL;
}

static void add_cpuid(u32 leaf, u32 subleaf, const struct x86_cpuid *r)
{
	struct cpuid_fact *f = find_cpuid(leaf, subleaf);

	if (!f) {
		rec.cpuid = grow(rec.cpuid, rec.ncpuid, sizeof(*rec.cpuid));
		f = &rec.cpuid[rec.ncpuid++];
	}
	*f = (struct cpuid_fact){ .leaf = leaf, .subleaf = subleaf, .r = *r };
}

static bool parse_line(const char *line)
{
	unsigned int leaf, subleaf, a, b, c, d, msr;
	unsigned long long value;
	char tail;

	if (sscanf(line, "cpuid %x %x: %x %x %x %x %c", &leaf, &subleaf, &a, &b, &c, &d,
		   &tail) == 6) {
		struct x86_cpuid r = { .eax = a, .ebx = b, .ecx = c, .edx = d };

		add_cpuid(leaf, subleaf, &r);
		return true;
	}
	if (sscanf(line, "msr %x: %llx %c", &msr, &value, &tail) == 2) {
		cpu_replay_set_msr(msr, value);
		return true;
	}
	return false;
}

void cpu_replay_load(const char *path)
{
	const char *srcdir = getenv("V3_SRCDIR");
	char line[256];
	unsigned int lineno = 0;
	FILE *f;

	cpu_replay_unload();
	if (srcdir && *srcdir)
		snprintf(rec.path, sizeof(rec.path), "%s/%s", srcdir, path);
	else
		snprintf(rec.path, sizeof(rec.path), "%s", path);
	f = fopen(rec.path, "r");
	if (!f) {
		fail_msg("cpu_replay: cannot open %s (run from the repository root or set "
			 "V3_SRCDIR)", rec.path);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (line[0] == '\n' || line[0] == '#')
			continue;
		if (!parse_line(line)) {
			fclose(f);
			fail_msg("cpu_replay: %s:%u: cannot parse \"%s\"", rec.path, lineno, line);
			return;
		}
	}
	fclose(f);
	if (!find_cpuid(0, 0) || !find_cpuid(0x80000000, 0))
		fail_msg("cpu_replay: %s lacks CPUID leaf 0 or 0x80000000", rec.path);
}

void cpu_replay_unload(void)
{
	free(rec.cpuid);
	free(rec.msr);
	memset(&rec, 0, sizeof(rec));
}

static bool is_intel(void)
{
	const struct cpuid_fact *v = find_cpuid(0, 0);

	/* "GenuineIntel" in EBX, EDX, ECX. */
	return v && v->r.ebx == 0x756e6547 && v->r.edx == 0x49656e69 && v->r.ecx == 0x6c65746e;
}

static bool in_recorded_range(u32 leaf)
{
	u32 max_basic = find_cpuid(0, 0)->r.eax;
	u32 max_ext = find_cpuid(0x80000000, 0)->r.eax;

	if (leaf < 0x80000000)
		return leaf <= max_basic;
	return leaf <= max_ext;
}

static void replay_cpuid(u32 leaf, u32 subleaf, struct x86_cpuid *out)
{
	const struct cpuid_fact *f;

	memset(out, 0, sizeof(*out));
	if (!rec.ncpuid) {
		fail_msg("cpu_replay: CPUID with no recording loaded");
		return;
	}
	rec.cpuid_calls++;
	if (in_recorded_range(leaf)) {
		f = find_cpuid(leaf, subleaf);
		if (!f) {
			fail_msg("cpu_replay: CPUID 0x%x/%u is within the CPU's range but %s does "
				 "not hold it", leaf, subleaf, rec.path);
			return;
		}
		*out = f->r;
		return;
	}
	/* Past the maximum: Intel answers with the highest basic leaf, AMD with zeros. */
	if (is_intel()) {
		u32 max_basic = find_cpuid(0, 0)->r.eax;

		f = find_cpuid(max_basic, subleaf);
		if (!f)
			f = find_cpuid(max_basic, 0);
		if (f)
			*out = f->r;
	}
}

static u64 replay_rdmsr(u32 msr)
{
	struct msr_fact *m = find_msr(msr);

	if (!m) {
		fail_msg("cpu_replay: RDMSR 0x%x: %s has no such MSR (a #GP on that CPU)", msr,
			 rec.path[0] ? rec.path : "(no recording)");
		return 0;
	}
	m->reads++;
	return m->value;
}

const struct x86_cpu_access cpu_replay = {
	.cpuid = replay_cpuid,
	.rdmsr = replay_rdmsr,
};

u64 cpu_replay_msr(u32 msr)
{
	const struct msr_fact *m = find_msr(msr);

	if (!m) {
		fail_msg("cpu_replay: %s has no MSR 0x%x", rec.path, msr);
		return 0;
	}
	return m->value;
}

bool cpu_replay_has_msr(u32 msr)
{
	return find_msr(msr) != NULL;
}

void cpu_replay_set_msr(u32 msr, u64 value)
{
	struct msr_fact *m = find_msr(msr);

	if (!m) {
		rec.msr = grow(rec.msr, rec.nmsr, sizeof(*rec.msr));
		m = &rec.msr[rec.nmsr++];
	}
	*m = (struct msr_fact){ .msr = msr, .value = value };
}

void cpu_replay_drop_msr(u32 msr)
{
	struct msr_fact *m = find_msr(msr);

	if (m)
		*m = rec.msr[--rec.nmsr];
}

struct x86_cpuid *cpu_replay_cpuid_entry(u32 leaf, u32 subleaf)
{
	struct cpuid_fact *f = find_cpuid(leaf, subleaf);

	if (!f) {
		fail_msg("cpu_replay: %s has no CPUID 0x%x/%u", rec.path, leaf, subleaf);
		return NULL;
	}
	return &f->r;
}

unsigned int cpu_replay_cpuid_calls(void)
{
	return rec.cpuid_calls;
}

unsigned int cpu_replay_msr_reads(u32 msr)
{
	const struct msr_fact *m = find_msr(msr);

	return m ? m->reads : 0;
}
