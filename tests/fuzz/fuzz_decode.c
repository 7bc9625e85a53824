/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the MMIO emulator's decoder (palacios/src/decode.c):
 * v3_decode() on arbitrary bytes in every CPU mode, then v3_insn_ea() with
 * registers taken from the rest of the input. Besides not crashing (ASan,
 * UBSan), a decoded instruction must be at most 15 bytes, within the input,
 * with consistent sizes, and as long as the general length decoder
 * (insn_len.c) says. Build and run with `make fuzz-decode` (tests/fuzz/decode.mk).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <v3/errno.h>

#include "decode.h"
#include "insn_len.h"
#include "vcpu.h"

static void check(bool ok)
{
	if (!ok)
		abort();
}

static bool size_ok(unsigned int s)
{
	return s == 1 || s == 2 || s == 4 || s == 8;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum v3_cpu_mode modes[] = { V3_MODE_REAL, V3_MODE_PROT16, V3_MODE_PROT32,
						  V3_MODE_LONG64 };
	unsigned int n = size < 16 ? (unsigned int)size : 16;
	struct v3_gprs g;
	u64 rip = 0;

	/* Registers from what follows the instruction bytes, a pattern where it runs out. */
	for (unsigned int i = 0; i < sizeof(g); i++)
		((u8 *)&g)[i] = 16 + i < size ? data[16 + i] : (u8)(0x5a ^ i * 37);
	if (size > 16 + sizeof(g) + 8)
		memcpy(&rip, data + 16 + sizeof(g), 8);

	for (unsigned int m = 0; m < 4; m++) {
		struct v3_insn in;
		int rc = v3_decode(data, n, modes[m], &in);
		u64 ea;

		if (rc) {
			check(rc == -V3_EINVAL || rc == -V3_ENOTSUP || rc == -V3_EPERM);
			continue;
		}
		check(in.len >= 1 && in.len <= V3_INSN_MAX_LEN && in.len <= n);
		check(v3_insn_length(data, n, modes[m]) == in.len);
		check(size_ok(in.op_size) && size_ok(in.addr_size) && in.addr_size > 1);
		check(in.kind != V3_INSN_MOV_LOAD ||
		      (size_ok(in.src_size) && in.src_size <= in.op_size));
		check(in.mem.seg < V3_SEG_MAX && size_ok(in.mem.scale));
		check(in.reg == V3_REG_NONE || in.reg < 16);
		check(in.mem.base == V3_REG_NONE || in.mem.base < 16);
		check(in.mem.index == V3_REG_NONE || in.mem.index < 16);
		check(modes[m] == V3_MODE_LONG64 || (in.rex == 0 && in.op_size < 8));
		check(!in.lock || in.kind == V3_INSN_ALU || in.kind == V3_INSN_XCHG ||
		      in.kind == V3_INSN_BT);
		ea = v3_insn_ea(&in, &g, rip);
		check((ea & ~v3_size_mask(in.addr_size)) == 0);
	}
	return 0;
}
