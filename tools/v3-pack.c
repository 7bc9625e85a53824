/* SPDX-License-Identifier: MIT */
/*
 * v3-pack: packs a VM config and the files it names into one VM image
 * (docs/vm-image.md), and inspects images.
 *
 *   v3-pack CONFIG.xml -o IMAGE
 *   v3-pack --inspect IMAGE
 *
 * Hosted C. The config is parsed, and the finished image validated, by the
 * VMM core's own code (palacios/src/config, linked in with a libc-backed
 * v3_host), so the packer refuses exactly what the VMM would refuse, with
 * the VMM's message, and never writes such an image.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <v3/errno.h>
#include <v3/host.h>
#include <v3/image_format.h>

#include "config/config.h"
#include "config/crc32.h"
#include "host_ops.h"
#include "image_build.h"

#define ERR_LEN 512

static const char *prog = "v3-pack";

/* The core only allocates: malloc and free are all of v3_host_ops it uses here. */
static void *pack_malloc(size_t size)
{
	return malloc(size);
}

static void pack_free(void *p)
{
	free(p);
}

static const struct v3_host_ops pack_host = {
	.malloc = pack_malloc,
	.free = pack_free,
};

static void __attribute__((format(printf, 1, 2))) error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s CONFIG.xml -o IMAGE   pack CONFIG and the files it names into IMAGE\n"
		"       %s --inspect IMAGE       print IMAGE's header, files and config; validate it\n"
		"       %s --help\n"
		"\n"
		"Files are named in the config as <file id=\"ID\" filename=\"PATH\"/> inside <files>;\n"
		"a relative PATH is relative to the config's directory. The image is checked with\n"
		"the VMM's own parser before it is written. Exit status: 0 ok, 1 error.\n"
		"See docs/vm-config.md and docs/vm-image.md.\n",
		prog, prog, prog);
}

/* The whole file in a malloc'ed buffer (never NULL on success, even when empty). */
static u8 *read_file(const char *path, u64 *len)
{
	struct stat st;
	FILE *f;
	u8 *buf;

	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (fstat(fileno(f), &st) != 0) {
		fclose(f);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		fclose(f);
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		return NULL;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf || fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		if (buf)
			errno = EIO;
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = (u64)st.st_size;
	return buf;
}

/* path relative to the directory of config (unless absolute); free() the result. */
static char *resolve(const char *config, const char *path)
{
	const char *slash = strrchr(config, '/');
	size_t dir_len = slash ? (size_t)(slash - config) + 1 : 0;
	char *full;

	if (path[0] == '/' || !dir_len)
		return strdup(path);
	full = malloc(dir_len + strlen(path) + 1);
	if (full) {
		memcpy(full, config, dir_len);
		strcpy(full + dir_len, path);
	}
	return full;
}

struct pack_files {
	struct image_build_file files[V3_IMAGE_MAX_FILES];
	u8 *data[V3_IMAGE_MAX_FILES];
	unsigned int n;
};

static void free_files(struct pack_files *pf)
{
	for (unsigned int i = 0; i < pf->n; i++)
		free(pf->data[i]);
}

static bool already_listed(const struct pack_files *pf, const char *id)
{
	for (unsigned int i = 0; i < pf->n; i++)
		if (strcmp(pf->files[i].id, id) == 0)
			return true;
	return false;
}

/*
 * Reads every <file id filename> of <files>. A repeated id is read once: the
 * core's check of the finished image then names the repeated <file>. More
 * files than an image may hold are likewise left for the core to refuse.
 */
static int read_files(const char *config_path, const struct v3_cfg_node *root,
		      struct pack_files *pf)
{
	const struct v3_cfg_node *f;

	for (f = v3_cfg_child(v3_cfg_child(root, "files"), "file"); f; f = v3_cfg_next_named(f)) {
		const char *id = v3_cfg_attr(f, "id"), *name = v3_cfg_attr(f, "filename");
		char *path;

		if (!id) {
			error("%s: config line %u: <file>: id is required", config_path, f->line);
			return -1;
		}
		if (!v3_image_id_valid(id)) {
			error("%s: config line %u: <file>: id \"%s\" is not 1..%d characters of A-Z a-z 0-9 _ . -",
			      config_path, f->line, id, V3_IMAGE_ID_SIZE - 1);
			return -1;
		}
		if (already_listed(pf, id))
			continue;
		if (pf->n == V3_IMAGE_MAX_FILES) {
			error("%s: config line %u: <file id=\"%s\">: more than %d files", config_path,
			      f->line, id, V3_IMAGE_MAX_FILES);
			return -1;
		}
		if (!name) {
			error("%s: config line %u: <file id=\"%s\">: filename is required to pack it",
			      config_path, f->line, id);
			return -1;
		}
		path = resolve(config_path, name);
		if (!path) {
			error("out of memory");
			return -1;
		}
		pf->data[pf->n] = read_file(path, &pf->files[pf->n].size);
		if (!pf->data[pf->n]) {
			error("%s: config line %u: <file id=\"%s\">: cannot read %s: %s", config_path,
			      f->line, id, path, strerror(errno));
			free(path);
			return -1;
		}
		free(path);
		pf->files[pf->n].id = id;
		pf->files[pf->n].data = pf->data[pf->n];
		pf->n++;
	}
	return 0;
}

/* Runs the VMM's checks on a finished image; prints the VMM's message on failure. */
static int validate(const char *what, const u8 *img, u64 len, struct v3_vm_config *cfg)
{
	struct v3_image image;
	char err[ERR_LEN];
	int rc;

	rc = v3_image_open(img, len, &image, err, sizeof(err));
	if (!rc) {
		rc = v3_vm_config_parse(&image, cfg, err, sizeof(err));
		v3_image_close(&image);
	}
	if (rc)
		error("%s: %s", what, err);
	return rc;
}

static int write_image(const char *path, const u8 *img, u64 len)
{
	size_t tmp_len = strlen(path) + 8;
	char *tmp = malloc(tmp_len);
	FILE *f;
	int ok;

	if (!tmp) {
		error("out of memory");
		return -1;
	}
	snprintf(tmp, tmp_len, "%s.tmp", path);
	f = fopen(tmp, "wb");
	if (!f) {
		error("cannot create %s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	ok = fwrite(img, 1, len, f) == len;
	ok = (fclose(f) == 0) && ok;
	if (!ok || rename(tmp, path) != 0) {
		error("cannot write %s: %s", path, strerror(errno));
		remove(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

static int pack(const char *config_path, const char *out_path)
{
	struct pack_files *pf = calloc(1, sizeof(*pf));
	struct v3_cfg_node *root;
	struct v3_vm_config cfg;
	void *storage = NULL;
	char err[ERR_LEN];
	u8 *text, *img = NULL;
	u64 text_len, img_len;
	int rc = -1;

	text = read_file(config_path, &text_len);
	if (!text || !pf) {
		error("cannot read %s: %s", config_path, strerror(errno));
		goto out;
	}
	if (text_len > V3_IMAGE_MAX_CONFIG) {
		error("%s: the config is %llu bytes, more than the limit of %u", config_path,
		      (unsigned long long)text_len, V3_IMAGE_MAX_CONFIG);
		goto out;
	}
	if (v3_cfg_parse((const char *)text, text_len, &root, &storage, err, sizeof(err))) {
		error("%s: %s", config_path, err);
		goto out;
	}
	if (read_files(config_path, root, pf))
		goto out;
	img = image_build((const char *)text, text_len, pf->files, pf->n, &img_len);
	if (!img) {
		error("out of memory building the image");
		goto out;
	}
	if (validate(config_path, img, img_len, &cfg))
		goto out;
	if (write_image(out_path, img, img_len))
		goto out;
	printf("%s: %llu bytes, %u file%s; VM \"%s\", %llu MiB, %u vCPU%s\n", out_path,
	       (unsigned long long)img_len, pf->n, pf->n == 1 ? "" : "s", cfg.name,
	       (unsigned long long)(cfg.mem_size >> 20), cfg.ncores, cfg.ncores == 1 ? "" : "s");
	rc = 0;
out:
	free(img);
	v3_cfg_free(storage);
	if (pf)
		free_files(pf);
	free(pf);
	free(text);
	return rc;
}

static bool in_image(u64 off, u64 size, u64 len)
{
	return off <= len && size <= len - off;
}

static const char *crc_verdict(u32 stored, u32 computed)
{
	return stored == computed ? "ok" : "BAD";
}

static void inspect_files(const u8 *buf, const struct v3_image_header *h)
{
	printf("files:\n  %-3s %-31s %-12s %-12s %s\n", "#", "id", "offset", "size", "crc");
	for (u32 i = 0; i < h->nfiles; i++) {
		u64 off = h->table_offset + (u64)i * sizeof(struct v3_image_entry);
		struct v3_image_entry e;
		char id[V3_IMAGE_ID_SIZE + 1];

		memcpy(&e, buf + off, sizeof(e));
		memcpy(id, e.id, sizeof(e.id));
		id[V3_IMAGE_ID_SIZE] = '\0';
		for (char *c = id; *c; c++)
			if (*c < 0x20 || *c > 0x7e)
				*c = '?';
		printf("  %-3u %-31s 0x%-10llx %-12llu 0x%08x ", i, id, (unsigned long long)e.offset,
		       (unsigned long long)e.size, e.crc);
		if (!in_image(e.offset, e.size, h->image_size))
			printf("out of bounds\n");
		else
			printf("%s\n", crc_verdict(e.crc, v3_crc32(0, buf + e.offset, e.size)));
	}
}

/* Prints whatever of the image lies within its bounds, then validates it like the VMM. */
static int inspect(const char *path)
{
	struct v3_image_header h, zeroed;
	struct v3_vm_config cfg;
	u64 len, table_size;
	bool table_ok;
	u8 *buf;
	int rc = 1;

	buf = read_file(path, &len);
	if (!buf) {
		error("cannot read %s: %s", path, strerror(errno));
		return 1;
	}
	printf("image %s: %llu bytes\n", path, (unsigned long long)len);
	if (len < sizeof(h)) {
		error("%s: %llu bytes is too short for an image header", path, (unsigned long long)len);
		goto out;
	}
	memcpy(&h, buf, sizeof(h));
	table_size = (u64)h.nfiles * sizeof(struct v3_image_entry);
	table_ok = h.nfiles <= V3_IMAGE_MAX_FILES && in_image(h.table_offset, table_size, len);
	printf("header:\n");
	printf("  magic         %s\n",
	       memcmp(h.magic, V3_IMAGE_MAGIC, V3_IMAGE_MAGIC_SIZE) ? "BAD" : "V3VMIMG");
	printf("  version       %u\n", h.version);
	printf("  header_size   %u\n", h.header_size);
	printf("  image_size    0x%llx (%llu)\n", (unsigned long long)h.image_size,
	       (unsigned long long)h.image_size);
	printf("  file table    offset 0x%llx, %u entries of %u bytes\n",
	       (unsigned long long)h.table_offset, h.nfiles, h.entry_size);
	printf("  config        offset 0x%llx, %llu bytes, crc 0x%08x", (unsigned long long)h.config_offset,
	       (unsigned long long)h.config_size, h.config_crc);
	if (in_image(h.config_offset, h.config_size, len))
		printf(" %s\n", crc_verdict(h.config_crc,
					    v3_crc32(0, buf + h.config_offset, h.config_size)));
	else
		printf(" out of bounds\n");
	zeroed = h;
	zeroed.header_crc = 0;
	printf("  header_crc    0x%08x", h.header_crc);
	if (table_ok)
		printf(" %s\n", crc_verdict(h.header_crc,
					    v3_crc32(v3_crc32(0, &zeroed, sizeof(zeroed)),
						     buf + h.table_offset, table_size)));
	else
		printf(" (file table out of bounds)\n");
	if (table_ok && h.image_size <= len)
		inspect_files(buf, &h);
	if (in_image(h.config_offset, h.config_size, len) && h.config_size <= V3_IMAGE_MAX_CONFIG) {
		printf("config:\n");
		fwrite(buf + h.config_offset, 1, h.config_size, stdout);
		if (h.config_size && buf[h.config_offset + h.config_size - 1] != '\n')
			putchar('\n');
	}
	fflush(stdout);
	if (validate(path, buf, len, &cfg) == 0) {
		printf("valid: VM \"%s\", %llu MiB, %u vCPU%s, boot %s at 0x%llx, entry 0x%llx\n",
		       cfg.name, (unsigned long long)(cfg.mem_size >> 20), cfg.ncores,
		       cfg.ncores == 1 ? "" : "s", cfg.boot.file->id,
		       (unsigned long long)cfg.boot.load_gpa, (unsigned long long)cfg.boot.entry);
		rc = 0;
	}
out:
	free(buf);
	return rc;
}

int main(int argc, char **argv)
{
	const char *config = NULL, *out = NULL;

	v3_host = &pack_host;
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--inspect"))
		return inspect(argv[2]);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc && !out) {
			out = argv[++i];
		} else if (argv[i][0] != '-' && !config) {
			config = argv[i];
		} else {
			error("unexpected argument '%s'", argv[i]);
			usage(stderr);
			return 1;
		}
	}
	if (!config || !out) {
		usage(stderr);
		return 1;
	}
	return pack(config, out) ? 1 : 0;
}
