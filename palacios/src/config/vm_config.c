/* SPDX-License-Identifier: MIT */
/*
 * The core's settings from a VM config (docs/vm-config.md): <vm>, <memory>,
 * <cores>, <paging>, <unmapped>, <boot>, and the shape of <devices>. Every
 * element and attribute the core owns is known here, so an unknown one is a
 * typo and refused rather than silently ignored; every value is parsed
 * strictly (no trailing junk, no wrap-around) and range-checked.
 */
#include <stdarg.h>

#include <v3/errno.h>

#include "config/config.h"
#include "lib/printf.h"
#include "lib/string.h"

#define MIB (1ULL << 20)
#define MEM_MAX_MIB 1048576ULL          /* 1 TiB */
#define ALIGN_MIN 4096ULL
#define ALIGN_MAX (1ULL << 30)
#define ALIGN_DEFAULT (2ULL << 20)
#define TARGET_CPU_MAX 1023
#define REAL_MODE_LIMIT (1ULL << 20)

/* Values are quoted in messages up to this many characters. */
#define Q "%.40s"

struct cfg_ctx {
	const struct v3_image *img;
	struct v3_vm_config *cfg;
	char *err;
	size_t err_len;
};

/* The elements <vm> may contain, and where each was found. */
enum { E_MEMORY, E_CORES, E_PAGING, E_UNMAPPED, E_BOOT, E_DEVICES, E_FILES, E_COUNT };
static const char *const vm_children[E_COUNT] = {
	[E_MEMORY] = "memory", [E_CORES] = "cores",     [E_PAGING] = "paging",
	[E_UNMAPPED] = "unmapped", [E_BOOT] = "boot", [E_DEVICES] = "devices",
	[E_FILES] = "files",
};

enum num_result { NUM_OK, NUM_BAD, NUM_TOO_LARGE };

static int __v3_printf(3, 4) fail(struct cfg_ctx *c, const struct v3_cfg_node *n, const char *fmt,
				   ...)
{
	va_list ap;
	int len;

	len = v3_snprintf(c->err, c->err_len, "config line %u: <%s>: ", n->line, n->name);
	if (len >= 0 && (size_t)len < c->err_len) {
		va_start(ap, fmt);
		v3_vsnprintf(c->err + len, c->err_len - len, fmt, ap);
		va_end(ap);
	}
	return -V3_EINVAL;
}

/*
 * A whole string as an unsigned number: decimal digits, or with hex "0x"
 * followed by hex digits. No sign, no spaces, no suffix.
 */
static enum num_result parse_num(const char *s, bool hex, u64 *out)
{
	unsigned int base = 10, d;
	u64 v = 0;

	if (hex && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return NUM_BAD;
	for (; *s; s++) {
		if (v3_isdigit(*s))
			d = (unsigned int)(*s - '0');
		else if (base == 16 && v3_isxdigit(*s))
			d = (unsigned int)(v3_tolower(*s) - 'a' + 10);
		else
			return NUM_BAD;
		if (v > (UINT64_MAX - d) / base) {
			for (s++; *s; s++)
				if (!v3_isxdigit(*s))
					return NUM_BAD;
			return NUM_TOO_LARGE;
		}
		v = v * base + d;
	}
	*out = v;
	return NUM_OK;
}

/* The value of attribute what of n as a number in [min, max]. */
static int attr_num(struct cfg_ctx *c, const struct v3_cfg_node *n, const char *what, bool hex,
		    u64 min, u64 max, u64 *out)
{
	const char *s = v3_cfg_attr(n, what);

	switch (parse_num(s, hex, out)) {
	case NUM_BAD:
		return fail(c, n, "%s \"" Q "\" is not a number", what, s);
	case NUM_TOO_LARGE:
		return fail(c, n, "%s \"" Q "\" is too large", what, s);
	case NUM_OK:
		break;
	}
	if (*out < min || *out > max)
		return fail(c, n, "%s %llu is out of range (%llu .. %llu)", what,
			    (unsigned long long)*out, (unsigned long long)min,
			    (unsigned long long)max);
	return 0;
}

/* Is word one of the space-separated words of list? */
static bool in_list(const char *word, const char *list)
{
	size_t n = v3_strlen(word);

	while (*list) {
		const char *e = list;

		while (*e && *e != ' ')
			e++;
		if ((size_t)(e - list) == n && v3_strncmp(list, word, n) == 0)
			return true;
		list = *e ? e + 1 : e;
	}
	return false;
}

/* What check_shape() lets an element have besides the allowed attributes. */
#define SHAPE_TEXT 1
#define SHAPE_KIDS 2

/* n has only attributes from allowed (space-separated), text and children only if flags say. */
static int check_shape(struct cfg_ctx *c, const struct v3_cfg_node *n, const char *allowed,
		       unsigned int flags)
{
	unsigned int i;

	for (i = 0; i < n->nattrs; i++)
		if (!in_list(n->attrs[i].name, allowed))
			return fail(c, n, "unknown attribute %s (%s%s)", n->attrs[i].name,
				    *allowed ? "expected: " : "it takes none", allowed);
	if (!(flags & SHAPE_TEXT) && n->text[0])
		return fail(c, n, "unexpected text \"" Q "\"", n->text);
	if (!(flags & SHAPE_KIDS) && n->child)
		return fail(c, n, "unexpected element <%s> (line %u)", n->child->name,
			    n->child->line);
	return 0;
}

/* Every child of n is named name. */
static int check_children(struct cfg_ctx *c, const struct v3_cfg_node *n, const char *name)
{
	const struct v3_cfg_node *k;

	for (k = n->child; k; k = k->next)
		if (v3_strcmp(k->name, name) != 0)
			return fail(c, n, "unexpected element <%s> (line %u); only <%s> goes here",
				    k->name, k->line, name);
	return 0;
}

/* A required attribute. */
static int need_attr(struct cfg_ctx *c, const struct v3_cfg_node *n, const char *what,
		     const char **out)
{
	*out = v3_cfg_attr(n, what);
	if (!*out)
		return fail(c, n, "%s is required", what);
	return 0;
}

static bool name_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (i >= V3_CFG_NAME_MAX - 1 ||
		    !(v3_isalpha(s[i]) || v3_isdigit(s[i]) || s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return false;
	return i > 0;
}

static int parse_vm(struct cfg_ctx *c, const struct v3_cfg_node *vm)
{
	const char *cls, *name;
	int rc;

	if (v3_strcmp(vm->name, "vm") != 0)
		return fail(c, vm, "the root element must be <vm>");
	rc = check_shape(c, vm, "class name", SHAPE_KIDS);
	if (!rc)
		rc = need_attr(c, vm, "class", &cls);
	if (rc)
		return rc;
	if (v3_strcmp(cls, "PC") != 0)
		return fail(c, vm, "class \"" Q "\" is not supported (only \"PC\")", cls);
	name = v3_cfg_attr(vm, "name");
	if (!name)
		name = "vm";
	if (!name_ok(name))
		return fail(c, vm, "name \"" Q "\" is not 1..%d characters of A-Z a-z 0-9 _ . -", name,
			    V3_CFG_NAME_MAX - 1);
	v3_strlcpy(c->cfg->name, name, sizeof(c->cfg->name));
	return 0;
}

/* "2MB": decimal digits and a unit KB, MB or GB (any case). */
static bool parse_size_unit(const char *s, u64 *out)
{
	static const struct {
		const char *unit;
		unsigned int shift;
	} units[] = { { "kb", 10 }, { "mb", 20 }, { "gb", 30 } };
	size_t len = v3_strlen(s), i;
	char digits[10];
	u64 v;

	/* At most 9 digits: shifted by 30 that stays far below 2^64. */
	if (len < 3 || len - 2 >= sizeof(digits))
		return false;
	memcpy(digits, s, len - 2);
	digits[len - 2] = '\0';
	if (parse_num(digits, false, &v) != NUM_OK)
		return false;
	for (i = 0; i < V3_ARRAY_SIZE(units); i++) {
		if (v3_tolower(s[len - 2]) == units[i].unit[0] && v3_tolower(s[len - 1]) == 'b') {
			*out = v << units[i].shift;
			return true;
		}
	}
	return false;
}

static int parse_memory(struct cfg_ctx *c, const struct v3_cfg_node *n)
{
	const char *align = v3_cfg_attr(n, "alignment");
	u64 mib;
	int rc;

	rc = check_shape(c, n, "alignment", SHAPE_TEXT);
	if (rc)
		return rc;
	if (!n->text[0])
		return fail(c, n, "size is missing (MiB, e.g. <memory>256</memory>)");
	switch (parse_num(n->text, false, &mib)) {
	case NUM_BAD:
		return fail(c, n, "size \"" Q "\" is not a number", n->text);
	case NUM_TOO_LARGE:
		return fail(c, n, "size \"" Q "\" is too large", n->text);
	case NUM_OK:
		break;
	}
	if (mib < 1 || mib > MEM_MAX_MIB)
		return fail(c, n, "size %llu MiB is out of range (1 .. %llu)", (unsigned long long)mib,
			    MEM_MAX_MIB);
	c->cfg->mem_size = mib * MIB;

	c->cfg->mem_align = ALIGN_DEFAULT;
	if (align) {
		if (!parse_size_unit(align, &c->cfg->mem_align))
			return fail(c, n, "alignment \"" Q "\" is not a size like 4KB, 2MB or 1GB",
				    align);
		if (!V3_IS_POW2(c->cfg->mem_align) || c->cfg->mem_align < ALIGN_MIN ||
		    c->cfg->mem_align > ALIGN_MAX)
			return fail(c, n, "alignment " Q " is not a power of two from 4KB to 1GB",
				    align);
	}
	return 0;
}

static int parse_cores(struct cfg_ctx *c, const struct v3_cfg_node *n)
{
	const struct v3_cfg_node *core;
	unsigned int i = 0;
	const char *s;
	u64 v;
	int rc;

	rc = check_shape(c, n, "count", SHAPE_KIDS);
	if (!rc)
		rc = check_children(c, n, "core");
	if (!rc)
		rc = need_attr(c, n, "count", &s);
	if (!rc)
		rc = attr_num(c, n, "count", false, 1, CONFIG_V3_MAX_VCPUS, &v);
	if (rc)
		return rc;
	c->cfg->ncores = (unsigned int)v;
	for (core = n->child; core; core = core->next, i++) {
		if (i == c->cfg->ncores)
			return fail(c, core, "more <core> elements than count=\"%u\"",
				    c->cfg->ncores);
		rc = check_shape(c, core, "target_cpu", 0);
		if (rc)
			return rc;
		if (!v3_cfg_attr(core, "target_cpu"))
			continue;
		rc = attr_num(c, core, "target_cpu", false, 0, TARGET_CPU_MAX, &v);
		if (rc)
			return rc;
		c->cfg->core_target_cpu[i] = (s32)v;
	}
	return 0;
}

/* The value of a required attribute as the index of one of the names in choices. */
static int attr_choice(struct cfg_ctx *c, const struct v3_cfg_node *n, const char *what,
		       const char *const *choices, unsigned int nchoices, const char *list,
		       unsigned int *out)
{
	const char *s;
	unsigned int i;
	int rc;

	rc = need_attr(c, n, what, &s);
	if (rc)
		return rc;
	for (i = 0; i < nchoices; i++) {
		if (v3_strcmp(s, choices[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	return fail(c, n, "%s \"" Q "\" is not one of %s", what, s, list);
}

static int parse_paging(struct cfg_ctx *c, const struct v3_cfg_node *n)
{
	static const char *const modes[] = { "nested", "shadow" };
	static const char *const onoff[] = { "on", "off" };
	unsigned int i = 0, cache = 1;
	int rc;

	rc = check_shape(c, n, "mode cache", 0);
	if (!rc)
		rc = attr_choice(c, n, "mode", modes, 2, "nested, shadow", &i);
	if (!rc && v3_cfg_attr(n, "cache")) {
		if (i == 0)
			return fail(c, n, "cache applies to shadow paging only");
		rc = attr_choice(c, n, "cache", onoff, 2, "on, off", &cache);
	}
	if (rc)
		return rc;
	c->cfg->paging = i == 0 ? V3_PAGING_NESTED : V3_PAGING_SHADOW;
	c->cfg->shadow_cache = cache == 0;
	return 0;
}

static int parse_unmapped(struct cfg_ctx *c, const struct v3_cfg_node *n)
{
	static const char *const actions[] = { "stop", "ones" };
	unsigned int i = 0;
	int rc;

	rc = check_shape(c, n, "action", 0);
	if (!rc)
		rc = attr_choice(c, n, "action", actions, 2, "stop, ones", &i);
	if (rc)
		return rc;
	c->cfg->unmapped = i == 0 ? V3_UNMAPPED_STOP : V3_UNMAPPED_ONES;
	return 0;
}

/* Only the shape: each <device> has a class and an id, ids are unique. Devices parse the rest. */
static int parse_devices(struct cfg_ctx *c, const struct v3_cfg_node *n)
{
	const struct v3_cfg_node *d, *prev;
	const char *cls, *id;
	int rc;

	rc = check_shape(c, n, "", SHAPE_KIDS);
	if (!rc)
		rc = check_children(c, n, "device");
	if (rc)
		return rc;
	for (d = n->child; d; d = d->next) {
		rc = need_attr(c, d, "class", &cls);
		if (!rc)
			rc = need_attr(c, d, "id", &id);
		if (rc)
			return rc;
		if (!id[0])
			return fail(c, d, "id is empty");
		for (prev = n->child; prev != d; prev = prev->next)
			if (v3_strcmp(v3_cfg_attr(prev, "id"), id) == 0)
				return fail(c, d, "id \"" Q "\" already used on line %u", id,
					    prev->line);
	}
	return 0;
}

/* A required attribute naming one of the image's files. */
static int file_attr(struct cfg_ctx *c, const struct v3_cfg_node *n, const char *what,
		     const struct v3_image_file **out)
{
	const char *id;
	int rc = need_attr(c, n, what, &id);

	if (rc)
		return rc;
	*out = v3_image_file(c->img, id);
	if (!*out)
		return fail(c, n, "%s \"" Q "\" is not one of the image's <files>", what, id);
	return 0;
}

static int parse_boot_flat(struct cfg_ctx *c, const struct v3_cfg_node *n)
{
	static const char *const modes[] = { "real", "protected", "long" };
	static const enum v3_boot_mode mode_values[] = { V3_BOOT_REAL, V3_BOOT_PROTECTED,
							 V3_BOOT_LONG };
	const struct v3_image_file *f;
	u64 mem = c->cfg->mem_size;
	unsigned int mode = 0;
	const char *s;
	int rc;

	rc = check_shape(c, n, "kind file load entry mode", 0);
	if (!rc)
		rc = need_attr(c, n, "file", &s);
	if (!rc)
		rc = need_attr(c, n, "load", &s);
	if (!rc)
		rc = attr_num(c, n, "load", true, 0, UINT64_MAX, &c->cfg->boot.load_gpa);
	if (!rc)
		rc = need_attr(c, n, "entry", &s);
	if (!rc)
		rc = attr_num(c, n, "entry", true, 0, UINT64_MAX, &c->cfg->boot.entry);
	if (!rc)
		rc = attr_choice(c, n, "mode", modes, 3, "real, protected, long", &mode);
	if (!rc)
		rc = file_attr(c, n, "file", &f);
	if (rc)
		return rc;
	c->cfg->boot.kind = V3_BOOT_FLAT;
	c->cfg->boot.file = f;
	c->cfg->boot.mode = mode_values[mode];
	if (c->cfg->boot.load_gpa > mem || f->size > mem - c->cfg->boot.load_gpa)
		return fail(c, n,
			    "file \"%s\" (0x%llx bytes) loaded at 0x%llx does not fit in guest memory (0x%llx bytes)",
			    f->id, (unsigned long long)f->size,
			    (unsigned long long)c->cfg->boot.load_gpa, (unsigned long long)mem);
	if (c->cfg->boot.entry >= mem)
		return fail(c, n, "entry 0x%llx is outside guest memory (0x%llx bytes)",
			    (unsigned long long)c->cfg->boot.entry, (unsigned long long)mem);
	if (c->cfg->boot.mode == V3_BOOT_REAL && c->cfg->boot.entry >= REAL_MODE_LIMIT)
		return fail(c, n, "entry 0x%llx is above 1 MiB, out of reach in real mode",
			    (unsigned long long)c->cfg->boot.entry);
	return 0;
}

/* The kernel's own header is checked when it is loaded (boot/linux.c). */
static int parse_boot_linux(struct cfg_ctx *c, const struct v3_cfg_node *n)
{
	const char *cmdline;
	int rc;

	rc = check_shape(c, n, "kind kernel initrd cmdline", 0);
	if (!rc)
		rc = file_attr(c, n, "kernel", &c->cfg->boot.file);
	if (!rc && v3_cfg_attr(n, "initrd"))
		rc = file_attr(c, n, "initrd", &c->cfg->boot.initrd);
	if (rc)
		return rc;
	cmdline = v3_cfg_attr(n, "cmdline");
	c->cfg->boot.kind = V3_BOOT_LINUX;
	c->cfg->boot.cmdline = cmdline ? cmdline : "";
	c->cfg->boot.mode = V3_BOOT_LONG;
	return 0;
}

/* modules="ID1 ID2 ...": file ids separated by blanks, each loaded as a module. */
static int parse_boot_multiboot(struct cfg_ctx *c, const struct v3_cfg_node *n)
{
	const char *s = v3_cfg_attr(n, "modules"), *cmdline = v3_cfg_attr(n, "cmdline");
	char id[V3_CFG_NAME_MAX];
	int rc;

	rc = check_shape(c, n, "kind kernel cmdline modules", 0);
	if (!rc)
		rc = file_attr(c, n, "kernel", &c->cfg->boot.file);
	if (rc)
		return rc;
	while (s && *s) {
		size_t len = 0;

		while (v3_isspace(*s))
			s++;
		while (s[len] && !v3_isspace(s[len]))
			len++;
		if (!len)
			break;
		if (len >= sizeof(id))
			return fail(c, n, "modules: id \"" Q "\" is too long", s);
		if (c->cfg->boot.nmodules == V3_BOOT_MAX_MODULES)
			return fail(c, n, "modules: more than %u", V3_BOOT_MAX_MODULES);
		v3_memcpy(id, s, len);
		id[len] = '\0';
		c->cfg->boot.modules[c->cfg->boot.nmodules] = v3_image_file(c->img, id);
		if (!c->cfg->boot.modules[c->cfg->boot.nmodules])
			return fail(c, n, "modules: \"" Q "\" is not one of the image's <files>", id);
		c->cfg->boot.nmodules++;
		s += len;
	}
	c->cfg->boot.kind = V3_BOOT_MULTIBOOT;
	c->cfg->boot.cmdline = cmdline ? cmdline : "";
	c->cfg->boot.mode = V3_BOOT_PROTECTED;
	return 0;
}

static int parse_boot(struct cfg_ctx *c, const struct v3_cfg_node *n)
{
	static const char *const kinds[] = { "flat", "linux", "multiboot" };
	static int (*const parsers[])(struct cfg_ctx *, const struct v3_cfg_node *) = {
		parse_boot_flat, parse_boot_linux, parse_boot_multiboot,
	};
	unsigned int kind = 0;
	int rc;

	rc = attr_choice(c, n, "kind", kinds, 3, "flat, linux, multiboot", &kind);
	if (rc)
		return rc;
	return parsers[kind](c, n);
}

/* Finds each element <vm> may contain; refuses unknown and repeated ones. */
static int collect(struct cfg_ctx *c, const struct v3_cfg_node *vm,
		   const struct v3_cfg_node *found[E_COUNT])
{
	const struct v3_cfg_node *k;
	unsigned int i;

	for (k = vm->child; k; k = k->next) {
		for (i = 0; i < E_COUNT; i++)
			if (v3_strcmp(k->name, vm_children[i]) == 0)
				break;
		if (i == E_COUNT)
			return fail(c, k, "unknown element in <vm> (expected memory, cores, paging, "
					  "unmapped, boot, devices, files)");
		if (found[i])
			return fail(c, k, "repeated element (the first is on line %u)",
				    found[i]->line);
		found[i] = k;
	}
	if (!found[E_MEMORY])
		return fail(c, vm, "<memory> is required");
	if (!found[E_BOOT])
		return fail(c, vm, "<boot> is required");
	return 0;
}

static int parse_all(struct cfg_ctx *c, const struct v3_cfg_node *vm)
{
	const struct v3_cfg_node *found[E_COUNT] = { 0 };
	unsigned int i;
	int rc;

	c->cfg->ncores = 1;
	for (i = 0; i < CONFIG_V3_MAX_VCPUS; i++)
		c->cfg->core_target_cpu[i] = -1;
	c->cfg->paging = V3_PAGING_DEFAULT;
	c->cfg->unmapped = V3_UNMAPPED_STOP;

	rc = parse_vm(c, vm);
	if (!rc)
		rc = collect(c, vm, found);
	if (!rc)
		rc = parse_memory(c, found[E_MEMORY]);
	if (!rc && found[E_CORES])
		rc = parse_cores(c, found[E_CORES]);
	if (!rc && found[E_PAGING])
		rc = parse_paging(c, found[E_PAGING]);
	if (!rc && found[E_UNMAPPED])
		rc = parse_unmapped(c, found[E_UNMAPPED]);
	if (!rc && found[E_DEVICES])
		rc = parse_devices(c, found[E_DEVICES]);
	if (!rc)
		rc = parse_boot(c, found[E_BOOT]);
	/* <files> was checked against the file table by v3_image_open(). */
	return rc;
}

int v3_vm_config_parse(const struct v3_image *img, struct v3_vm_config *cfg, char *err,
		       size_t err_len)
{
	struct cfg_ctx c = { .img = img, .cfg = cfg, .err = err, .err_len = err_len };
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if (err_len)
		err[0] = '\0';
	if (!img->root) {
		v3_snprintf(err, err_len, "config: the image has no config");
		return -V3_EINVAL;
	}
	rc = parse_all(&c, img->root);
	if (rc)
		memset(cfg, 0, sizeof(*cfg));
	return rc;
}
