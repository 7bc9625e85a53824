/* SPDX-License-Identifier: MIT */
/*
 * The VMM test device: what the system-test guests poke to check the core's
 * hook paths. <device class="vmm_test" id="t" port="0x510" msr="0x56335680"/>
 *
 *   port+0..3   a 32-bit scratch register, readable and writable in 8-, 16-
 *               and 32-bit pieces at each byte offset (little endian)
 *   port+4      a 256-byte FIFO: writes append, reads take the oldest byte
 *               (0xff when empty), for string I/O with REP
 *   port+8      interrupt request: writing (delay_us << 8) | vector raises
 *               that vector in the writing vCPU after delay_us microseconds
 *               (through the host's one-shot timer)
 *   msr         a 64-bit scratch MSR
 */
#include "device.h"
#include "host_ops.h"
#include "io.h"
#include "msr.h"
#include "vcpu.h"
#include "vm.h"

#define FIFO_SIZE 256
#define REG_SCRATCH 0
#define REG_FIFO 4
#define REG_IRQ 8
#define NPORTS 12

struct vmm_test {
	u16 port;
	u32 scratch;
	u64 msr_value;
	u8 fifo[FIFO_SIZE];
	unsigned int head, count;
	struct v3_vcpu *irq_vcpu;
	u8 irq_vector;
};

static int test_read(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 *val, void *priv)
{
	struct vmm_test *t = priv;
	unsigned int off = port - t->port;

	*val = 0;
	if (off < REG_FIFO) {
		*val = (t->scratch >> (8 * off)) & (0xffffffffu >> (32 - 8 * size));
	} else if (off == REG_FIFO) {
		for (unsigned int i = 0; i < size; i++) {
			u32 b = 0xff;

			if (t->count) {
				b = t->fifo[t->head];
				t->head = (t->head + 1) % FIFO_SIZE;
				t->count--;
			}
			*val |= b << (8 * i);
		}
	} else {
		*val = 0xffffffffu >> (32 - 8 * size);
	}
	return 0;
}

static void irq_timer(void *arg)
{
	struct vmm_test *t = arg;

	v3_raise_interrupt(t->irq_vcpu, t->irq_vector);
}

static int test_write(struct v3_vcpu *vcpu, u16 port, unsigned int size, u32 val, void *priv)
{
	struct vmm_test *t = priv;
	unsigned int off = port - t->port;

	if (off < REG_FIFO) {
		for (unsigned int i = 0; i < size && off + i < REG_FIFO; i++) {
			u32 shift = 8 * (off + i);

			t->scratch = (t->scratch & ~(0xffu << shift)) | (((val >> (8 * i)) & 0xff) << shift);
		}
	} else if (off == REG_FIFO) {
		for (unsigned int i = 0; i < size && t->count < FIFO_SIZE; i++) {
			t->fifo[(t->head + t->count) % FIFO_SIZE] = (u8)(val >> (8 * i));
			t->count++;
		}
	} else if (off == REG_IRQ && size == 4) {
		u64 delay_us = val >> 8;

		t->irq_vcpu = vcpu;
		t->irq_vector = (u8)val;
		if (!delay_us)
			v3_raise_interrupt(vcpu, t->irq_vector);
		else
			v3_host->timer_arm(__builtin_ia32_rdtsc() + delay_us * v3_host->tsc_khz() / 1000,
					   irq_timer, t);
	}
	return 0;
}

static int test_msr_read(struct v3_vcpu *vcpu, u32 msr, u64 *val, void *priv)
{
	*val = ((struct vmm_test *)priv)->msr_value;
	return 0;
}

static int test_msr_write(struct v3_vcpu *vcpu, u32 msr, u64 val, void *priv)
{
	((struct vmm_test *)priv)->msr_value = val;
	return 0;
}

static int vmm_test_create(struct v3_vm *vm, const struct v3_cfg_node *cfg, void **priv)
{
	struct vmm_test *t;
	u64 port, msr;
	int rc;

	rc = v3_cfg_u64(cfg, "port", 0x510, 0xffff - NPORTS, &port);
	if (!rc)
		rc = v3_cfg_u64(cfg, "msr", 0, 0xffffffff, &msr);
	if (rc)
		return rc;
	t = v3_zalloc(sizeof(*t));
	if (!t)
		return -V3_ENOMEM;
	t->port = (u16)port;
	rc = v3_hook_io(vm, t->port, t->port + NPORTS - 1, test_read, test_write, t);
	if (!rc && msr)
		rc = v3_hook_msr(vm, (u32)msr, test_msr_read, test_msr_write, t);
	if (rc) {
		v3_free(t);
		return rc;
	}
	*priv = t;
	return 0;
}

static void vmm_test_free(void *priv)
{
	v3_free(priv);
}

const struct v3_device_class vmm_test_class = {
	.name = "vmm_test",
	.create = vmm_test_create,
	.free = vmm_test_free,
};
