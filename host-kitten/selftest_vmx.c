/* SPDX-License-Identifier: MIT */
/*
 * Self-tests of the VT-x backend, chosen with hk.test=vmx-NAME:
 *
 *   vmx-bad-guest  a VM whose guest state VM entry must refuse stops with a
 *                  readable diagnostic, and the host carries on: a VM made
 *                  from a built-in tiny image gets invalid guest CS access
 *                  rights through the backend's debug hook and must stop
 *                  with V3_STOP_ERROR naming them; one with an invalid host
 *                  CR4 must stop with VMLAUNCH's VM-instruction error (the
 *                  VMfail path); then the same image, unharmed, must run
 *                  and exit cleanly.
 *   vmx-preempt    the VMX preemption timer: a guest spinning in a loop
 *                  without exits must still leave guest mode when the timer
 *                  is armed (the core has no handler for that exit yet, so
 *                  the VM stops as "unhandled" naming it).
 */
#include <v3/image_format.h>
#include <v3/v3.h>
#include <v3/vm.h>

#include "hk.h"
#include "lib/printf.h"
#include "lib/string.h"

#ifdef CONFIG_V3_VMX
#include "../arch/x86_64/vmx/vmx.h"
#include "vm.h"

/*
 * The guest, real mode at 0x10000 (CS=0x1000, IP=0):
 *	mov dx, 0xe9; mov ax, 0x1000; mov ds, ax; mov si, msg
 *   .l: lodsb; test al, al; jz .done; out dx, al; jmp .l
 *   .done: mov eax, 2 (V3_HC_EXIT); xor ebx, ebx; vmcall; hlt
 *   msg: (at 0x20)
 */
#define GUEST_MSG "vmx-bad-guest: the good guest runs\n"
static const u8 guest_code[32] = {
	0xba, 0xe9, 0x00, 0xb8, 0x00, 0x10, 0x8e, 0xd8, 0xbe, 0x20, 0x00, 0xac,
	0x84, 0xc0, 0x74, 0x03, 0xee, 0xeb, 0xf8, 0x66, 0xb8, 0x02, 0x00, 0x00,
	0x00, 0x66, 0x31, 0xdb, 0x0f, 0x01, 0xc1, 0xf4,
};

#define CONFIG_FMT                                                                              \
	"<vm class=\"PC\" name=\"%s\"><memory>16</memory><cores count=\"1\"/>"                    \
	"<files><file id=\"guest\" filename=\"guest.bin\"/></files>"                              \
	"<boot kind=\"flat\" file=\"guest\" load=\"0x10000\" entry=\"0x10000\" mode=\"real\"/>"   \
	"<devices><device class=\"debug_port\" id=\"dbg\"/></devices></vm>"

static const char *test_name;

/* The image: header, one file entry, the config, the guest at 4 KiB. */
static u8 image[2 * V3_IMAGE_ALIGN] __attribute__((aligned(V3_IMAGE_ALIGN)));

/* CRC-32, IEEE 802.3 reflected (include/v3/image_format.h). */
static u32 crc32(u32 crc, const void *buf, size_t len)
{
	const u8 *p = buf;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

/* Real mode: jmp $ (a guest that never exits by itself). */
static const u8 spin_code[2] = { 0xeb, 0xfe };

static u64 build_image(const char *name, bool spin)
{
	struct v3_image_header *h = (struct v3_image_header *)image;
	struct v3_image_entry *e = (struct v3_image_entry *)(image + sizeof(*h));
	char *config = (char *)(e + 1);
	u8 *guest = image + V3_IMAGE_ALIGN;
	size_t config_len, guest_len = sizeof(guest_code) + sizeof(GUEST_MSG);

	v3_memset(image, 0, sizeof(image));
	v3_snprintf(config, V3_IMAGE_ALIGN - sizeof(*h) - sizeof(*e), CONFIG_FMT, name);
	config_len = v3_strlen(config);
	if (spin) {
		v3_memcpy(guest, spin_code, sizeof(spin_code));
		guest_len = sizeof(spin_code);
	} else {
		v3_memcpy(guest, guest_code, sizeof(guest_code));
		v3_memcpy(guest + sizeof(guest_code), GUEST_MSG, sizeof(GUEST_MSG));
	}

	v3_strlcpy(e->id, "guest", sizeof(e->id));
	e->offset = V3_IMAGE_ALIGN;
	e->size = guest_len;
	e->crc = crc32(0, guest, guest_len);
	v3_memcpy(h->magic, V3_IMAGE_MAGIC, V3_IMAGE_MAGIC_SIZE);
	h->version = V3_IMAGE_VERSION;
	h->header_size = sizeof(*h);
	h->image_size = V3_IMAGE_ALIGN + guest_len;
	h->table_offset = sizeof(*h);
	h->nfiles = 1;
	h->entry_size = sizeof(*e);
	h->config_offset = sizeof(*h) + sizeof(*e);
	h->config_size = config_len;
	h->config_crc = crc32(0, config, config_len);
	h->header_crc = crc32(0, image, sizeof(*h) + sizeof(*e));
	return h->image_size;
}

enum variant { GOOD, BAD_GUEST, BAD_HOST, SPIN_PREEMPTED };

/* Preemption timer budget: 20 ms of a 200 MHz TSC (Bochs), far less on hardware. */
#define PREEMPT_TICKS 4000000UL

/* Creates and runs one VM from the built-in image; its outcome in *out. */
static int run_vm(const char *name, enum variant how, struct v3_vm_outcome *out, bool *ok)
{
	struct v3_vm *vm;
	int rc = v3_vm_create(image, build_image(name, how == SPIN_PREEMPTED), &vm);

	if (rc) {
		hk_printf("hk: %s: FAILED: VM %s not created (%d)\n", test_name, name, rc);
		return rc;
	}
	if (how == BAD_GUEST)
		vmx_debug_corrupt_guest_state(vm);
	if (how == BAD_HOST)
		vmx_debug_corrupt_host_state(vm);
	if (how == SPIN_PREEMPTED) {
		rc = vmx_set_preemption_timer(&vm->vcpus[0], PREEMPT_TICKS);
		if (rc) {
			hk_printf("hk: %s: FAILED: no preemption timer (%d)\n", test_name, rc);
			v3_vm_free(vm);
			return rc;
		}
	}
	if (v3_vm_start(vm) == 0)
		v3_vm_run_here(vm);
	v3_vm_wait(vm);
	v3_vm_report(vm);
	*out = *v3_vm_outcome(vm);
	*ok = v3_vm_outcome_ok(vm);
	v3_vm_free(vm);
	return 0;
}

static int bad_then_good(void)
{
	struct v3_vm_outcome o;
	bool ok;
	int rc = run_vm("bad-guest", BAD_GUEST, &o, &ok);

	if (rc)
		return rc;
	if (o.reason != V3_STOP_ERROR || !v3_strstr(o.detail, "invalid guest state") ||
	    !v3_strstr(o.detail, "CS access rights")) {
		hk_printf("hk: vmx-bad-guest: FAILED: the corrupted VM stopped with \"%s\": %s\n",
			  v3_stop_reason_name(o.reason), o.detail);
		return -V3_EIO;
	}
	hk_printf("hk: vmx-bad-guest: corrupted VM refused: %s\n", o.detail);

	/* VMfail: VMLAUNCH falls through, the host state is untouched. */
	rc = run_vm("bad-host", BAD_HOST, &o, &ok);
	if (rc)
		return rc;
	if (o.reason != V3_STOP_ERROR ||
	    !v3_strstr(o.detail, "VM entry with invalid host-state field(s)")) {
		hk_printf("hk: vmx-bad-guest: FAILED: the VM with bad host state stopped with "
			  "\"%s\": %s\n", v3_stop_reason_name(o.reason), o.detail);
		return -V3_EIO;
	}
	hk_printf("hk: vmx-bad-guest: VMLAUNCH with bad host state refused: %s\n", o.detail);

	rc = run_vm("good-guest", GOOD, &o, &ok);
	if (rc)
		return rc;
	if (!ok) {
		hk_printf("hk: vmx-bad-guest: FAILED: the good VM stopped with \"%s\": %s\n",
			  v3_stop_reason_name(o.reason), o.detail);
		return -V3_EIO;
	}
	hk_printf("hk: vmx-bad-guest: the next VM ran and exited cleanly: the host carries on\n");
	return 0;
}

static int preempt(void)
{
	struct v3_vm_outcome o;
	bool ok;
	int rc = run_vm("spin", SPIN_PREEMPTED, &o, &ok);

	if (rc)
		return rc;
	if (o.reason != V3_STOP_UNHANDLED || !v3_strstr(o.detail, "preemption")) {
		hk_printf("hk: vmx-preempt: FAILED: the spinning VM stopped with \"%s\": %s\n",
			  v3_stop_reason_name(o.reason), o.detail);
		return -V3_EIO;
	}
	hk_printf("hk: vmx-preempt: the spinning guest left guest mode on the timer: %s\n",
		  o.detail);
	return 0;
}

int hk_selftest_vmx(const char *name)
{
	int (*fn)(void) = !v3_strcmp(name, "vmx-bad-guest") ? bad_then_good
			  : !v3_strcmp(name, "vmx-preempt") ? preempt : NULL;
	int rc;

	if (!fn) {
		hk_printf("hk: unknown self-test \"%s\" (VT-x ones: vmx-bad-guest, vmx-preempt)\n",
			  name);
		return -V3_ENOENT;
	}
	test_name = name;
	rc = v3_init(&hk_host_ops);
	if (rc) {
		hk_printf("hk: %s: FAILED: v3_init (%d)\n", name, rc);
		return rc;
	}
	if (v3_strcmp(v3_backend_name(), "VMX")) {
		hk_printf("hk: %s: FAILED: needs the VT-x backend, have %s\n", name,
			  v3_backend_name());
		rc = -V3_ENODEV;
	} else {
		rc = fn();
	}
	v3_deinit();
	return rc;
}

#else /* !CONFIG_V3_VMX */

int hk_selftest_vmx(const char *name)
{
	hk_printf("hk: %s: FAILED: the VMM was built without the VT-x backend\n", name);
	return -V3_ENOTSUP;
}

#endif
