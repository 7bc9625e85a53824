/* SPDX-License-Identifier: MIT */
/*
 * A recorded CPU for unit tests: the CPUID leaves and MSRs that host-kitten's
 * hk.test=cpudump printed on a real or emulated CPU (tests/unit/data/cpus/),
 * replayed through struct x86_cpu_access so the probe and v3_init() can run
 * on the build machine as if on that CPU.
 *
 * The replay is as strict as the hardware, and stricter where hardware would
 * fault: reading an MSR the recording does not hold fails the running test
 * (on the real CPU it would be a #GP), and so does a CPUID leaf/subleaf inside
 * the recorded range that was not recorded. CPUID beyond the maximum basic or
 * extended leaf answers as the vendor's CPUs do: Intel returns the highest
 * basic leaf (SDM Vol. 2A "CPUID": "If a value entered for CPUID.EAX is
 * higher than the maximum input value ... the data for the highest basic
 * information leaf is returned"), AMD and others return zeros.
 *
 * One recording is current at a time (struct x86_cpu_access carries no
 * context); tests may edit it in place to build synthetic variants.
 */
#ifndef CPU_REPLAY_H
#define CPU_REPLAY_H

#include <arch/cpu_features.h>
#include <arch/x86.h>

/* Where the recordings live, relative to the repository root. */
#define CPU_REPLAY_DIR "tests/unit/data/cpus/"

/* Replays the current recording; rdmsr/cpuid fail the test as described above. */
extern const struct x86_cpu_access cpu_replay;

/*
 * Make the recording at path (relative to the repository root, or to
 * $V3_SRCDIR when that is set) the current CPU, replacing any previous one.
 * A missing file or a malformed line fails the test.
 */
void cpu_replay_load(const char *path);
/* Forget the current recording and free it. */
void cpu_replay_unload(void);

/* The recorded value of msr, or fail the test if there is none. */
u64 cpu_replay_msr(u32 msr);
bool cpu_replay_has_msr(u32 msr);
/* Set (or add) an MSR, as if the CPU or its firmware had this value. */
void cpu_replay_set_msr(u32 msr, u64 value);
/* Remove an MSR: the CPU no longer has it, reading it fails the test. */
void cpu_replay_drop_msr(u32 msr);

/*
 * The recorded registers of a leaf/subleaf, to read or change in place; fails
 * the test if it was not recorded.
 */
struct x86_cpuid *cpu_replay_cpuid_entry(u32 leaf, u32 subleaf);

/* How often the replayed CPU executed CPUID / RDMSR since it was loaded. */
unsigned int cpu_replay_cpuid_calls(void);
unsigned int cpu_replay_msr_reads(u32 msr);

#endif /* CPU_REPLAY_H */
