/* SPDX-License-Identifier: MIT */
/*
 * The XML subset VM configs are written in (docs/vm-config.md): elements,
 * attributes in single or double quotes, character data, comments, an
 * optional <?xml ...?> declaration first, self-closing tags, the five
 * predefined entities and numeric character references to printable ASCII.
 * Everything else XML has (DOCTYPE, CDATA, processing instructions,
 * namespaces beyond ':' being a name character) is refused with the line
 * and what was expected, as is any document beyond the limits in config.h.
 *
 * One forward pass, no recursion: open elements are kept on a fixed stack.
 * The tree and every decoded string live in one arena (config/arena.h).
 */
#include <stdarg.h>

#include <v3/errno.h>

#include "config/arena.h"
#include "config/config.h"
#include "host_ops.h"
#include "lib/printf.h"
#include "lib/string.h"

/*
 * A decoded run of character data. An element's text may come in several
 * runs (around child elements); they are joined when the element closes, so
 * the copying stays linear in the size of the config.
 */
struct xml_text {
	struct xml_text *next;
	size_t len;
	char data[];
};

/* An element whose end tag has not been seen yet. */
struct xml_open {
	struct v3_cfg_node *node;
	struct v3_cfg_node *last_child;
	struct xml_text *text, *last_text; /* runs so far, leading whitespace dropped */
	size_t text_len;                   /* their total length */
};

struct xml {
	const char *start, *p, *end;
	const char *line_pos;       /* lines are counted up to here ... */
	u32 line;                   /* ... and this is the line of line_pos */
	void *arena;
	char *err;
	size_t err_len;
	unsigned int nelems, depth;
	struct v3_cfg_node *root;
	struct xml_open open[V3_CFG_MAX_DEPTH];
	struct v3_cfg_attr attrs[V3_CFG_MAX_ATTRS]; /* the start tag being parsed */
};

/* Line of position pos (1-based). Counting resumes from the last position asked about. */
static u32 line_at(struct xml *x, const char *pos)
{
	if (pos < x->line_pos) {
		x->line_pos = x->start;
		x->line = 1;
	}
	for (; x->line_pos < pos; x->line_pos++)
		if (*x->line_pos == '\n')
			x->line++;
	return x->line;
}

static int __v3_printf(3, 4) xml_fail(struct xml *x, const char *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = v3_snprintf(x->err, x->err_len, "config line %u: ", line_at(x, pos));
	if (n >= 0 && (size_t)n < x->err_len) {
		va_start(ap, fmt);
		v3_vsnprintf(x->err + n, x->err_len - n, fmt, ap);
		va_end(ap);
	}
	return -V3_EINVAL;
}

static int xml_nomem(struct xml *x)
{
	v3_snprintf(x->err, x->err_len, "config: out of memory while parsing the XML");
	return -V3_ENOMEM;
}

static bool is_xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_name_start(char c)
{
	return v3_isalpha(c) || c == '_' || c == ':';
}

static bool is_name_char(char c)
{
	return is_name_start(c) || v3_isdigit(c) || c == '.' || c == '-';
}

static bool looking_at(const struct xml *x, const char *s)
{
	size_t n = v3_strlen(s);

	return (size_t)(x->end - x->p) >= n && memcmp(x->p, s, n) == 0;
}

/* Skips whitespace; true if there was any. */
static bool skip_space(struct xml *x)
{
	const char *p = x->p;

	while (x->p < x->end && is_xml_space(*x->p))
		x->p++;
	return x->p != p;
}

/* What is at the current position, for "expected X, found Y" messages. */
static const char *found(const struct xml *x, char *buf)
{
	char c;

	if (x->p >= x->end)
		return "the end of the config";
	c = *x->p;
	if (c == '\n' || c == '\r' || c == '\t')
		return "a line break or tab";
	buf[0] = '\'';
	buf[1] = c;
	buf[2] = '\'';
	buf[3] = '\0';
	return buf;
}

/* Printable characters, tab, LF and CR; bytes >= 0x80 (UTF-8) are allowed in text. */
static int check_chars(struct xml *x)
{
	const char *p;

	for (p = x->start; p < x->end; p++) {
		u8 c = (u8)*p;

		if ((c < 0x20 && !is_xml_space((char)c)) || c == 0x7f)
			return xml_fail(x, p, "control character 0x%02x is not allowed", c);
	}
	return 0;
}

static char *arena_strndup(struct xml *x, const char *s, size_t len)
{
	char *d = v3_arena_alloc(&x->arena, len + 1);

	if (d) {
		memcpy(d, s, len);
		d[len] = '\0';
	}
	return d;
}

/* A name at the current position: its length, 0 (nothing consumed) if there is none. */
static size_t scan_name(struct xml *x)
{
	const char *s = x->p;

	if (x->p >= x->end || !is_name_start(*x->p))
		return 0;
	while (x->p < x->end && is_name_char(*x->p))
		x->p++;
	return (size_t)(x->p - s);
}

/* The entity reference at s (just after the '&', before e): its character or an error. */
static int decode_entity(struct xml *x, const char *s, const char *e, char *out, const char **next)
{
	static const struct {
		const char *name;
		char c;
	} predefined[] = { { "lt", '<' }, { "gt", '>' }, { "amp", '&' }, { "quot", '"' },
			   { "apos", '\'' } };
	const char *semi = s, *q;
	size_t len;
	u64 v = 0;
	unsigned int i;

	while (semi < e && semi - s < 12 && *semi != ';')
		semi++;
	if (semi >= e || *semi != ';')
		return xml_fail(x, s - 1, "'&' starts no entity reference ending in ';' (write & as &amp;)");
	len = (size_t)(semi - s);
	*next = semi + 1;
	for (i = 0; i < V3_ARRAY_SIZE(predefined); i++) {
		if (v3_strlen(predefined[i].name) == len && memcmp(s, predefined[i].name, len) == 0) {
			*out = predefined[i].c;
			return 0;
		}
	}
	if (len < 2 || s[0] != '#')
		return xml_fail(x, s - 1, "unknown entity &%.*s; (known: &lt; &gt; &amp; &quot; &apos; &#N; &#xN;)",
				(int)len, s);
	q = s + 1;
	if (*q == 'x') {
		for (q++; q < semi && v3_isxdigit(*q); q++)
			v = v * 16 + (u64)(v3_isdigit(*q) ? *q - '0' : v3_tolower(*q) - 'a' + 10);
		if (q != semi || semi == s + 2)
			return xml_fail(x, s - 1, "bad character reference &%.*s;", (int)len, s);
	} else {
		for (; q < semi && v3_isdigit(*q); q++)
			v = v * 10 + (u64)(*q - '0');
		if (q != semi)
			return xml_fail(x, s - 1, "bad character reference &%.*s;", (int)len, s);
	}
	/* At most 11 digits fit the 12-character window: v (64 bits) cannot have wrapped. */
	if (v > 0x7e || (v < 0x20 && v != '\t' && v != '\n' && v != '\r'))
		return xml_fail(x, s - 1, "character reference &%.*s; is not printable ASCII", (int)len, s);
	*out = (char)v;
	return 0;
}

/*
 * Decodes [s, e) into out (room for e - s bytes: decoding never grows) and
 * returns the decoded length in *out_len. In attribute values whitespace
 * characters become spaces (XML attribute-value normalization).
 */
static int decode(struct xml *x, const char *s, const char *e, bool attr, char *out, size_t *out_len)
{
	size_t n = 0;
	int rc;

	while (s < e) {
		if (*s == '&') {
			rc = decode_entity(x, s + 1, e, &out[n], &s);
			if (rc)
				return rc;
			n++;
		} else {
			out[n++] = (attr && is_xml_space(*s)) ? ' ' : *s;
			s++;
		}
	}
	*out_len = n;
	return 0;
}

static int parse_comment(struct xml *x)
{
	const char *open = x->p;

	for (x->p += 4; x->end - x->p >= 3; x->p++) {
		if (memcmp(x->p, "-->", 3) == 0) {
			x->p += 3;
			return 0;
		}
	}
	return xml_fail(x, open, "comment <!-- is not closed by -->");
}

/* <?xml version="1.0" ...?>: its pseudo-attributes are not interpreted. */
static int parse_declaration(struct xml *x)
{
	const char *open = x->p;

	for (x->p += 5; x->end - x->p >= 2; x->p++) {
		if (x->p[0] == '?' && x->p[1] == '>') {
			x->p += 2;
			return 0;
		}
	}
	return xml_fail(x, open, "XML declaration <?xml is not closed by ?>");
}

/* Markup starting with "<!" or "<?" that is not a comment. */
static int refuse_markup(struct xml *x)
{
	if (looking_at(x, "<!DOCTYPE"))
		return xml_fail(x, x->p, "DOCTYPE declarations are not supported");
	if (looking_at(x, "<![CDATA["))
		return xml_fail(x, x->p, "CDATA sections are not supported (use &lt; &amp; instead)");
	if (looking_at(x, "<?xml") && x->end - x->p > 5 && (is_xml_space(x->p[5]) || x->p[5] == '?'))
		return xml_fail(x, x->p, "the XML declaration <?xml ...?> must come first in the config");
	if (looking_at(x, "<?"))
		return xml_fail(x, x->p, "processing instructions <?...?> are not supported");
	return xml_fail(x, x->p, "expected a comment <!-- after '<!'");
}

/* Character data [s, e) inside the innermost open element, or outside the root. */
static int add_text(struct xml *x, const char *s, const char *e)
{
	struct xml_text *t;
	struct xml_open *o;
	int rc;

	if (x->depth == 0) {
		for (; s < e; s++)
			if (!is_xml_space(*s))
				return xml_fail(x, s, "text outside the root element");
		return 0;
	}
	o = &x->open[x->depth - 1];
	if (o->text_len == 0)
		while (s < e && is_xml_space(*s))
			s++;
	if (s == e)
		return 0;
	t = v3_arena_alloc(&x->arena, sizeof(*t) + (size_t)(e - s) + 1);
	if (!t)
		return xml_nomem(x);
	rc = decode(x, s, e, false, t->data, &t->len);
	if (rc)
		return rc;
	t->next = NULL;
	if (o->last_text)
		o->last_text->next = t;
	else
		o->text = t;
	o->last_text = t;
	o->text_len += t->len;
	return 0;
}

/* Joins the runs of text of o into its node's text, without trailing whitespace. */
static int finish_text(struct xml *x, struct xml_open *o)
{
	const struct xml_text *t;
	size_t len = 0;
	char *s;

	if (!o->text)
		return 0;
	if (o->text == o->last_text) {
		s = o->text->data; /* one run: room for the NUL was allocated with it */
	} else {
		s = v3_arena_alloc(&x->arena, o->text_len + 1);
		if (!s)
			return xml_nomem(x);
		for (t = o->text; t; t = t->next) {
			memcpy(s + len, t->data, t->len);
			len += t->len;
		}
	}
	len = o->text_len;
	while (len && is_xml_space(s[len - 1]))
		len--;
	s[len] = '\0';
	o->node->text = s;
	return 0;
}

static int parse_text(struct xml *x)
{
	const char *s = x->p;

	while (x->p < x->end && *x->p != '<')
		x->p++;
	return add_text(x, s, x->p);
}

/* One attribute name="value" of element node; the name is at the current position. */
static int parse_attr(struct xml *x, struct v3_cfg_node *node)
{
	const char *name = x->p, *value;
	char q, fbuf[4];
	size_t name_len, n;
	unsigned int i;
	char *v;
	int rc;

	name_len = scan_name(x);
	if (!name_len)
		return xml_fail(x, x->p, "expected an attribute name, '>' or '/>' in <%s>, found %s",
				node->name, found(x, fbuf));
	for (i = 0; i < node->nattrs; i++)
		if (v3_strlen(x->attrs[i].name) == name_len &&
		    memcmp(x->attrs[i].name, name, name_len) == 0)
			return xml_fail(x, name, "<%s>: duplicate attribute %.*s", node->name,
					(int)name_len, name);
	if (node->nattrs == V3_CFG_MAX_ATTRS)
		return xml_fail(x, name, "<%s>: more than %d attributes", node->name,
				V3_CFG_MAX_ATTRS);
	skip_space(x);
	if (x->p >= x->end || *x->p != '=')
		return xml_fail(x, x->p, "<%s>: expected '=' after attribute name %.*s, found %s",
				node->name, (int)name_len, name, found(x, fbuf));
	x->p++;
	skip_space(x);
	if (x->p >= x->end || (*x->p != '"' && *x->p != '\''))
		return xml_fail(x, x->p, "<%s>: expected a quoted value for attribute %.*s, found %s",
				node->name, (int)name_len, name, found(x, fbuf));
	q = *x->p++;
	value = x->p;
	while (x->p < x->end && *x->p != q) {
		if (*x->p == '<')
			return xml_fail(x, x->p, "<%s>: '<' in the value of attribute %.*s (write &lt;)",
					node->name, (int)name_len, name);
		x->p++;
	}
	if (x->p >= x->end)
		return xml_fail(x, value - 1, "<%s>: value of attribute %.*s is not closed by %c",
				node->name, (int)name_len, name, q);
	v = v3_arena_alloc(&x->arena, (size_t)(x->p - value) + 1);
	x->attrs[node->nattrs].name = arena_strndup(x, name, name_len);
	if (!v || !x->attrs[node->nattrs].name)
		return xml_nomem(x);
	rc = decode(x, value, x->p, true, v, &n);
	if (rc)
		return rc;
	v[n] = '\0';
	x->attrs[node->nattrs++].value = v;
	x->p++; /* the closing quote */
	return 0;
}

/* Hangs node under the innermost open element (or makes it the root). */
static void link_node(struct xml *x, struct v3_cfg_node *node)
{
	struct xml_open *parent;

	if (x->depth == 0) {
		x->root = node;
		return;
	}
	parent = &x->open[x->depth - 1];
	node->parent = parent->node;
	if (parent->last_child)
		parent->last_child->next = node;
	else
		parent->node->child = node;
	parent->last_child = node;
}

/* <name attr="v" ...> or <name .../>; x->p is at the '<'. */
static int parse_start_tag(struct xml *x)
{
	const char *lt = x->p, *name;
	struct v3_cfg_node *node;
	bool self_closing = false;
	size_t name_len;
	char fbuf[4];
	int rc;

	x->p++;
	name = x->p;
	name_len = scan_name(x);
	if (!name_len)
		return xml_fail(x, x->p, "expected an element name after '<', found %s", found(x, fbuf));
	if (x->depth == 0 && x->root)
		return xml_fail(x, lt, "second root element <%.*s> (the config has one root, <vm>)",
				(int)name_len, name);
	if (x->nelems == V3_CFG_MAX_ELEMENTS)
		return xml_fail(x, lt, "more than %d elements", V3_CFG_MAX_ELEMENTS);
	if (x->depth == V3_CFG_MAX_DEPTH)
		return xml_fail(x, lt, "<%.*s> is nested deeper than %d elements", (int)name_len, name,
				V3_CFG_MAX_DEPTH);
	node = v3_arena_alloc(&x->arena, sizeof(*node));
	if (!node)
		return xml_nomem(x);
	memset(node, 0, sizeof(*node));
	node->name = arena_strndup(x, name, name_len);
	if (!node->name)
		return xml_nomem(x);
	node->text = "";
	node->line = line_at(x, lt);
	x->nelems++;

	for (;;) {
		bool space = skip_space(x);

		if (x->p >= x->end)
			return xml_fail(x, lt, "start tag <%s> is not closed by '>'", node->name);
		if (*x->p == '>') {
			x->p++;
			break;
		}
		if (*x->p == '/') {
			x->p++;
			if (x->p >= x->end || *x->p != '>')
				return xml_fail(x, x->p, "<%s>: expected '>' after '/', found %s",
						node->name, found(x, fbuf));
			x->p++;
			self_closing = true;
			break;
		}
		if (!space)
			return xml_fail(x, x->p, "<%s>: expected whitespace, '>' or '/>', found %s",
					node->name, found(x, fbuf));
		rc = parse_attr(x, node);
		if (rc)
			return rc;
	}
	if (node->nattrs) {
		node->attrs = v3_arena_alloc(&x->arena, node->nattrs * sizeof(*node->attrs));
		if (!node->attrs)
			return xml_nomem(x);
		memcpy(node->attrs, x->attrs, node->nattrs * sizeof(*node->attrs));
	}
	link_node(x, node);
	if (!self_closing)
		x->open[x->depth++] = (struct xml_open){ .node = node };
	return 0;
}

/* </name>; x->p is at the '<'. */
static int parse_end_tag(struct xml *x)
{
	const char *lt = x->p, *name;
	struct xml_open *o;
	size_t name_len;
	char fbuf[4];
	int rc;

	x->p += 2;
	name = x->p;
	name_len = scan_name(x);
	if (!name_len)
		return xml_fail(x, x->p, "expected an element name after '</', found %s", found(x, fbuf));
	if (x->depth == 0)
		return xml_fail(x, lt, "end tag </%.*s> without a start tag", (int)name_len, name);
	o = &x->open[x->depth - 1];
	if (v3_strlen(o->node->name) != name_len || memcmp(o->node->name, name, name_len) != 0)
		return xml_fail(x, lt, "end tag </%.*s> does not match <%s> (line %u)", (int)name_len,
				name, o->node->name, o->node->line);
	skip_space(x);
	if (x->p >= x->end || *x->p != '>')
		return xml_fail(x, x->p, "expected '>' to end </%s>, found %s", o->node->name,
				found(x, fbuf));
	x->p++;
	rc = finish_text(x, o);
	if (rc)
		return rc;
	x->depth--;
	return 0;
}

static int parse_markup(struct xml *x)
{
	if (looking_at(x, "<!--"))
		return parse_comment(x);
	if (looking_at(x, "<!") || looking_at(x, "<?"))
		return refuse_markup(x);
	if (looking_at(x, "</"))
		return parse_end_tag(x);
	return parse_start_tag(x);
}

static int parse_document(struct xml *x)
{
	int rc;

	rc = check_chars(x);
	if (rc)
		return rc;
	if (looking_at(x, "\xef\xbb\xbf")) /* a UTF-8 byte order mark */
		x->p += 3;
	if (looking_at(x, "<?xml") && x->end - x->p > 5 && (is_xml_space(x->p[5]) || x->p[5] == '?')) {
		rc = parse_declaration(x);
		if (rc)
			return rc;
	}
	while (x->p < x->end) {
		rc = *x->p == '<' ? parse_markup(x) : parse_text(x);
		if (rc)
			return rc;
	}
	if (x->depth) {
		const struct v3_cfg_node *n = x->open[x->depth - 1].node;

		return xml_fail(x, x->end, "<%s> (line %u) is not closed", n->name, n->line);
	}
	if (!x->root)
		return xml_fail(x, x->end, "no root element (expected <vm>)");
	return 0;
}

int v3_cfg_parse(const char *text, size_t len, struct v3_cfg_node **root, void **storage,
		 char *err, size_t err_len)
{
	struct xml *x;
	int rc;

	*root = NULL;
	*storage = NULL;
	if (err_len)
		err[0] = '\0';
	x = v3_malloc(sizeof(*x));
	if (!x) {
		v3_snprintf(err, err_len, "config: out of memory while parsing the XML");
		return -V3_ENOMEM;
	}
	memset(x, 0, sizeof(*x));
	x->start = x->p = x->line_pos = text;
	x->end = text + len;
	x->line = 1;
	x->err = err;
	x->err_len = err_len;
	rc = parse_document(x);
	if (rc) {
		v3_arena_free(x->arena);
	} else {
		*root = x->root;
		*storage = x->arena;
	}
	v3_free(x);
	return rc;
}

void v3_cfg_free(void *storage)
{
	v3_arena_free(storage);
}

const char *v3_cfg_attr(const struct v3_cfg_node *n, const char *name)
{
	unsigned int i;

	if (!n)
		return NULL;
	for (i = 0; i < n->nattrs; i++)
		if (v3_strcmp(n->attrs[i].name, name) == 0)
			return n->attrs[i].value;
	return NULL;
}

struct v3_cfg_node *v3_cfg_child(const struct v3_cfg_node *n, const char *name)
{
	struct v3_cfg_node *c;

	if (!n)
		return NULL;
	for (c = n->child; c; c = c->next)
		if (!name || v3_strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

struct v3_cfg_node *v3_cfg_next_named(const struct v3_cfg_node *n)
{
	struct v3_cfg_node *c;

	if (!n)
		return NULL;
	for (c = n->next; c; c = c->next)
		if (v3_strcmp(c->name, n->name) == 0)
			return c;
	return NULL;
}
