/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for VM images (palacios/src/config): v3_image_open(),
 * v3_vm_config_parse() and v3_image_close() on arbitrary input. Build and
 * run with `make fuzz-image` (tests/fuzz/fuzz.mk).
 *
 * An input that starts with the image magic is an image. Anything else is
 * taken as config text and packed, with made-up files for the ids its
 * <files> names, into a valid container first, so mutations of the XML
 * reach the parser and the settings instead of dying at a checksum. For the
 * same reason the custom mutator below usually recomputes the checksums of
 * a mutated image (and sometimes its size), keeping the deeper checks in
 * reach; sometimes it leaves them stale so the checksum checks run too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <v3/image_format.h>

#include "config/config.h"
#include "config/crc32.h"
#include "fake_host.h"
#include "image_build.h"
#include "lib/string.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

static u8 file_data[4 * 4096];

static bool is_image(const u8 *data, size_t size)
{
	return size >= V3_IMAGE_MAGIC_SIZE && memcmp(data, V3_IMAGE_MAGIC, V3_IMAGE_MAGIC_SIZE) == 0;
}

static void run_image(const u8 *data, u64 size)
{
	struct v3_vm_config cfg;
	struct v3_image img;
	char err[256];

	if (v3_image_open(data, size, &img, err, sizeof(err)) == 0) {
		v3_vm_config_parse(&img, &cfg, err, sizeof(err));
		v3_image_close(&img);
	}
}

/* Packs config text with a file for each valid, new id in its <files>, then runs it as an image. */
static void run_config(const u8 *data, size_t size)
{
	static struct image_build_file files[V3_IMAGE_MAX_FILES];
	const struct v3_cfg_node *root, *f;
	unsigned int n = 0, i;
	void *storage;
	char err[256];
	u64 len;
	u8 *img;

	if (v3_cfg_parse((const char *)data, size, (struct v3_cfg_node **)&root, &storage, err,
			 sizeof(err)))
		return;
	for (f = v3_cfg_child(v3_cfg_child(root, "files"), "file"); f && n < V3_IMAGE_MAX_FILES;
	     f = v3_cfg_next_named(f)) {
		const char *id = v3_cfg_attr(f, "id");

		if (!id || !v3_image_id_valid(id))
			continue;
		for (i = 0; i < n && strcmp(files[i].id, id); i++)
			;
		if (i < n)
			continue;
		files[n].id = id;
		files[n].data = file_data;
		/* 0 .. 16 KiB, so the "fits in guest memory" checks see both outcomes. */
		files[n].size = v3_crc32(0, id, strlen(id)) % (sizeof(file_data) + 1);
		n++;
	}
	img = image_build((const char *)data, size, files, n, &len);
	v3_cfg_free(storage);
	if (img)
		run_image(img, len);
	free(img);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;

	if (!ready) {
		fake_host_install();
		for (size_t i = 0; i < sizeof(file_data); i++)
			file_data[i] = (u8)(i * 13);
		ready = true;
	}
	if (is_image(data, size))
		run_image(data, size);
	else
		run_config(data, size);
	return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	size = LLVMFuzzerMutate(data, size, max_size);
	if (is_image(data, size) && size >= sizeof(struct v3_image_header) && seed % 8) {
		if (seed % 5 == 0) {
			u64 image_size = size;

			memcpy(data + offsetof(struct v3_image_header, image_size), &image_size, 8);
		}
		image_fix_crcs(data, size);
	}
	return size;
}
