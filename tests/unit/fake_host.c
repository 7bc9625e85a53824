/* SPDX-License-Identifier: MIT */
/* libc-backed implementation of the host interface for unit tests. */
#include <stdlib.h>
#include <string.h>

#include "fake_host.h"
#include "host_ops.h"

static char log_buf[1 << 16];
static size_t log_len;
static char console_buf[1 << 12];
static size_t console_len;
static unsigned int kicks;
static long allocs_left = -1;
static unsigned int ncpus = 1;
static unsigned int current_cpu;
static int failing_cpu = -1;

static bool alloc_allowed(void)
{
	if (allocs_left < 0)
		return true;
	if (allocs_left == 0)
		return false;
	allocs_left--;
	return true;
}

static u64 fh_alloc_pages(u64 npages, u64 align, int node)
{
	(void)node;
	if (!alloc_allowed())
		return 0;
	if (align < 4096)
		align = 4096;
	void *p = aligned_alloc(align, npages * 4096);
	return (u64)(uintptr_t)p;
}

static void fh_free_pages(u64 paddr, u64 npages)
{
	(void)npages;
	free((void *)(uintptr_t)paddr);
}

static void *fh_malloc(size_t size)
{
	return alloc_allowed() ? malloc(size) : NULL;
}

static void fh_free(void *p)
{
	free(p);
}

static void *fh_p2v(u64 pa)
{
	return (void *)(uintptr_t)pa;
}

static u64 fh_v2p(const void *va)
{
	return (u64)(uintptr_t)va;
}

static unsigned int fh_cpu_count(void)
{
	return ncpus;
}

static unsigned int fh_cpu_id(void)
{
	return current_cpu;
}

/* Runs fn right here, with cpu_id() answering cpu while it runs. */
static int fh_call_on_cpu(unsigned int cpu, v3_cpu_fn fn, void *arg)
{
	unsigned int caller = current_cpu;

	if (cpu >= ncpus)
		return -V3_EINVAL;
	if (failing_cpu >= 0 && cpu == (unsigned int)failing_cpu)
		return -V3_EIO;
	current_cpu = cpu;
	fn(arg);
	current_cpu = caller;
	return 0;
}

static int fh_start_on_cpu(unsigned int cpu, v3_cpu_fn fn, void *arg)
{
	return fh_call_on_cpu(cpu, fn, arg);
}

static void fh_yield(void)
{
}

static int fh_kick_cpu(unsigned int cpu)
{
	(void)cpu;
	kicks++;
	return 0;
}

static int fh_hook_irq(unsigned int irq, v3_irq_fn fn, void *arg)
{
	(void)irq;
	(void)fn;
	(void)arg;
	return -95;
}

static void fh_ack_irq(unsigned int irq)
{
	(void)irq;
}

static u64 fh_tsc_khz(void)
{
	return 1000000;
}

static int fh_timer_arm(u64 deadline, v3_cpu_fn fn, void *arg)
{
	(void)deadline;
	(void)fn;
	(void)arg;
	return 0;
}

static void fh_timer_cancel(void)
{
}

static void fh_print(const char *line)
{
	size_t n = strlen(line);

	if (log_len + n + 2 > sizeof(log_buf))
		return;
	memcpy(log_buf + log_len, line, n);
	log_len += n;
	log_buf[log_len++] = '\n';
	log_buf[log_len] = '\0';
}

static void fh_console_write(const char *buf, size_t n)
{
	if (console_len + n + 1 > sizeof(console_buf))
		return;
	memcpy(console_buf + console_len, buf, n);
	console_len += n;
	console_buf[console_len] = '\0';
}

struct v3_host_ops fake_host_ops = {
	.alloc_pages = fh_alloc_pages,
	.free_pages = fh_free_pages,
	.malloc = fh_malloc,
	.free = fh_free,
	.paddr_to_vaddr = fh_p2v,
	.vaddr_to_paddr = fh_v2p,
	.cpu_count = fh_cpu_count,
	.cpu_id = fh_cpu_id,
	.call_on_cpu = fh_call_on_cpu,
	.start_on_cpu = fh_start_on_cpu,
	.yield = fh_yield,
	.kick_cpu = fh_kick_cpu,
	.hook_irq = fh_hook_irq,
	.ack_irq = fh_ack_irq,
	.tsc_khz = fh_tsc_khz,
	.timer_arm = fh_timer_arm,
	.timer_cancel = fh_timer_cancel,
	.print = fh_print,
	.console_write = fh_console_write,
};

void fake_host_install(void)
{
	v3_host = &fake_host_ops;
	allocs_left = -1;
	ncpus = 1;
	current_cpu = 0;
	failing_cpu = -1;
	fake_host_reset_log();
}

const char *fake_host_log(void)
{
	return log_buf;
}

void fake_host_reset_log(void)
{
	log_len = 0;
	log_buf[0] = '\0';
	console_len = 0;
	console_buf[0] = '\0';
	kicks = 0;
}

const char *fake_host_console(size_t *len)
{
	*len = console_len;
	return console_buf;
}

unsigned int fake_host_kicks(void)
{
	return kicks;
}

void fake_host_fail_alloc_after(long n)
{
	allocs_left = n;
}

void fake_host_set_cpus(unsigned int n)
{
	ncpus = n;
}

void fake_host_fail_call_on_cpu(int cpu)
{
	failing_cpu = cpu;
}
