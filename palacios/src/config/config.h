/* SPDX-License-Identifier: MIT */
/*
 * A VM's configuration, parsed and validated from the XML config inside a VM
 * image (docs/vm-config.md). The XML stays available as a tree so devices
 * can read their own elements; the settings the core needs are extracted
 * into struct v3_vm_config once, with every value range-checked.
 */
#ifndef V3_CONFIG_H
#define V3_CONFIG_H

#include <v3/types.h>

/* ---- the XML tree (config/xml.c) ---- */

struct v3_cfg_attr {
	const char *name, *value;
};

struct v3_cfg_node {
	const char *name;
	const char *text;            /* character data, whitespace-trimmed, "" if none */
	struct v3_cfg_attr *attrs;
	unsigned int nattrs;
	struct v3_cfg_node *parent, *child, *next;  /* first child, next sibling */
	u32 line;                    /* where the element starts, for error messages */
};

/* Attribute value or NULL. */
const char *v3_cfg_attr(const struct v3_cfg_node *n, const char *name);
/* First child element named name (NULL name: any), or NULL. */
struct v3_cfg_node *v3_cfg_child(const struct v3_cfg_node *n, const char *name);
/* Next sibling after n with the same name as n, or NULL. */
struct v3_cfg_node *v3_cfg_next_named(const struct v3_cfg_node *n);

/* Limits of the parser; a document beyond them is refused. */
#define V3_CFG_MAX_DEPTH 32        /* nesting of elements, the root is depth 1 */
#define V3_CFG_MAX_ELEMENTS 4096
#define V3_CFG_MAX_ATTRS 32        /* attributes of one element */

/*
 * Parses len bytes of XML text (no terminating NUL needed) into a tree.
 * Everything is allocated in one arena returned in *storage, freed with
 * v3_cfg_free(). Returns 0, -V3_EINVAL for a malformed document (message
 * "config line N: ..." in err) or -V3_ENOMEM; on error *root and *storage
 * are NULL and nothing stays allocated.
 */
int v3_cfg_parse(const char *text, size_t len, struct v3_cfg_node **root, void **storage,
		 char *err, size_t err_len);
void v3_cfg_free(void *storage);

/* ---- the image (config/image.c) ---- */

struct v3_image_file {
	const char *id;    /* as in <file id="..."> */
	const u8 *data;
	u64 size;
};

struct v3_image {
	struct v3_cfg_node *root;      /* the <vm> element */
	struct v3_image_file *files;
	unsigned int nfiles;
	void *storage;                 /* everything allocated for the tree, freed at once */
};

/*
 * Opens a VM image in memory: checks the container (magic, version, sizes,
 * offsets, checksums), parses the XML. data must stay valid while img is
 * used (files point into it). On error returns a negative code and writes a
 * message naming the problem (offset, element, attribute) into err.
 */
int v3_image_open(const void *data, u64 len, struct v3_image *img, char *err, size_t err_len);
void v3_image_close(struct v3_image *img);
const struct v3_image_file *v3_image_file(const struct v3_image *img, const char *id);
/* A valid file id: 1..31 characters of [A-Za-z0-9_.-] (v3-pack checks ids with it too). */
bool v3_image_id_valid(const char *id);

/* ---- the typed configuration (config/vm_config.c) ---- */

enum v3_paging_mode { V3_PAGING_DEFAULT, V3_PAGING_NESTED, V3_PAGING_SHADOW };
enum v3_boot_kind { V3_BOOT_FLAT, V3_BOOT_LINUX, V3_BOOT_MULTIBOOT };
#define V3_BOOT_MAX_MODULES 16
enum v3_boot_mode { V3_BOOT_REAL, V3_BOOT_PROTECTED, V3_BOOT_LONG };
/* What a guest access to guest-physical memory that nothing maps does. */
enum v3_unmapped_action { V3_UNMAPPED_STOP, V3_UNMAPPED_ONES };

#define V3_CFG_NAME_MAX 32

struct v3_vm_config {
	char name[V3_CFG_NAME_MAX];
	u64 mem_size;                  /* bytes, multiple of 4 KiB */
	u64 mem_align;                 /* bytes, power of two >= 4 KiB */
	unsigned int ncores;
	s32 core_target_cpu[CONFIG_V3_MAX_VCPUS];  /* host CPU per vCPU, -1 = any */
	enum v3_paging_mode paging;
	bool shadow_cache;             /* <paging mode="shadow" cache="on">: keep address spaces */
	enum v3_unmapped_action unmapped;
	struct {
		enum v3_boot_kind kind;
		const struct v3_image_file *file;  /* flat: the binary; linux, multiboot: the kernel */
		u64 load_gpa;              /* flat: where the file is copied */
		u64 entry;                 /* flat: entry point (guest-physical) */
		enum v3_boot_mode mode;    /* flat */
		const struct v3_image_file *initrd;  /* linux: NULL if none */
		const char *cmdline;       /* linux, multiboot: "" if none; lives in the image's tree */
		const struct v3_image_file *modules[V3_BOOT_MAX_MODULES];  /* multiboot */
		unsigned int nmodules;
	} boot;
};

/* Extracts and validates the core's settings from img (messages as for open). */
int v3_vm_config_parse(const struct v3_image *img, struct v3_vm_config *cfg, char *err,
		       size_t err_len);

#endif /* V3_CONFIG_H */
