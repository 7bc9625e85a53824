/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for palacios/src/config/xml.c: the tree built from valid
 * documents (attributes, text, entities, comments, line numbers), a table
 * of malformed documents each with the message and line it must produce,
 * the limits, and allocation failure at every allocation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include <v3/errno.h>

#include "config/config.h"
#include "fake_host.h"
#include "lib/string.h"

static char err[256];

static int setup(void **state)
{
	(void)state;
	fake_host_install();
	return 0;
}

static int parse(const char *doc, struct v3_cfg_node **root, void **storage)
{
	return v3_cfg_parse(doc, strlen(doc), root, storage, err, sizeof(err));
}

static void test_tree(void **state)
{
	static const char doc[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<!-- a comment before the root -->\n"
		"<vm class=\"PC\" name='test vm'>\n"
		"  <memory alignment=\"2MB\">  256  </memory>\n"
		"  <!-- <memory>not parsed</memory> -->\n"
		"  <cores count = \"2\" >\n"
		"    <core target_cpu=\"1\"/>\n"
		"    <core target_cpu=\"3\" />\n"
		"  </cores>\n"
		"  <empty></empty>\n"
		"</vm >\n"
		"<!-- and one after -->\n";
	struct v3_cfg_node *root, *mem, *cores, *core, *empty;
	void *storage;

	(void)state;
	assert_int_equal(parse(doc, &root, &storage), 0);
	assert_string_equal(err, "");
	assert_non_null(storage);
	assert_string_equal(root->name, "vm");
	assert_int_equal(root->line, 3);
	assert_null(root->parent);
	assert_null(root->next);
	assert_string_equal(root->text, "");
	assert_int_equal(root->nattrs, 2);
	assert_string_equal(v3_cfg_attr(root, "class"), "PC");
	assert_string_equal(v3_cfg_attr(root, "name"), "test vm");
	assert_null(v3_cfg_attr(root, "nonexistent"));
	assert_null(v3_cfg_attr(NULL, "class"));

	mem = v3_cfg_child(root, "memory");
	assert_non_null(mem);
	assert_ptr_equal(v3_cfg_child(root, NULL), mem);
	assert_ptr_equal(mem->parent, root);
	assert_int_equal(mem->line, 4);
	assert_string_equal(mem->text, "256");
	assert_string_equal(v3_cfg_attr(mem, "alignment"), "2MB");
	assert_null(v3_cfg_next_named(mem)); /* the commented-out one is not there */
	assert_null(mem->child);

	cores = v3_cfg_child(root, "cores");
	assert_non_null(cores);
	assert_ptr_equal(mem->next, cores);
	assert_string_equal(v3_cfg_attr(cores, "count"), "2");
	assert_string_equal(cores->text, "");
	core = v3_cfg_child(cores, "core");
	assert_non_null(core);
	assert_int_equal(core->line, 7);
	assert_string_equal(v3_cfg_attr(core, "target_cpu"), "1");
	core = v3_cfg_next_named(core);
	assert_non_null(core);
	assert_int_equal(core->line, 8);
	assert_string_equal(v3_cfg_attr(core, "target_cpu"), "3");
	assert_null(v3_cfg_next_named(core));
	assert_null(v3_cfg_child(cores, "memory"));

	empty = v3_cfg_child(root, "empty");
	assert_non_null(empty);
	assert_string_equal(empty->text, "");
	assert_int_equal(empty->nattrs, 0);
	assert_null(empty->attrs);
	assert_null(empty->next);
	assert_null(v3_cfg_child(NULL, NULL));
	assert_null(v3_cfg_next_named(NULL));
	v3_cfg_free(storage);
	v3_cfg_free(NULL);
}

static void test_entities(void **state)
{
	static const char doc[] =
		"<a v=\"&lt;&gt;&amp;&quot;&apos;\" w='&#65;&#x42;' t=\"a\tb\nc\" "
		"r=\"x&#10;y\" q='say \"hi\"'>"
		"x &lt; y &amp;&amp; &#x7e;&#126; <b/> tail &#32;"
		"</a>";
	struct v3_cfg_node *root;
	void *storage;

	(void)state;
	assert_int_equal(parse(doc, &root, &storage), 0);
	assert_string_equal(v3_cfg_attr(root, "v"), "<>&\"'");
	assert_string_equal(v3_cfg_attr(root, "w"), "AB");
	/* Whitespace in attribute values is normalized to spaces, character references are not. */
	assert_string_equal(v3_cfg_attr(root, "t"), "a b c");
	assert_string_equal(v3_cfg_attr(root, "r"), "x\ny");
	assert_string_equal(v3_cfg_attr(root, "q"), "say \"hi\"");
	/* Text around a child element is joined; trailing whitespace is trimmed after decoding. */
	assert_string_equal(root->text, "x < y && ~~  tail");
	v3_cfg_free(storage);
}

static void test_minimal_forms(void **state)
{
	static const char *const docs[] = {
		"<vm/>",
		"<vm />",
		"\xef\xbb\xbf<vm/>",             /* UTF-8 byte order mark */
		"<?xml version='1.0'?><vm/>",
		"\xef\xbb\xbf<?xml version='1.0'?>\r\n<vm></vm>\r\n",
		"<!----><vm/><!---->",
		"<vm>\xc3\xa9t\xc3\xa9</vm>",    /* UTF-8 text is kept as bytes */
		"<a:b-c.d_e1/>",
		"<_x/>",
		"\n\n  <vm\n\ta='1'\n/>\n",
		"<vm>&gt;</vm>",
		"<vm>a > b</vm>",
	};
	struct v3_cfg_node *root;
	void *storage;

	(void)state;
	for (size_t i = 0; i < V3_ARRAY_SIZE(docs); i++) {
		int rc = parse(docs[i], &root, &storage);

		if (rc)
			fail_msg("doc %zu: %s", i, err);
		assert_non_null(root);
		v3_cfg_free(storage);
	}
	assert_int_equal(parse("<vm>\xc3\xa9t\xc3\xa9</vm>", &root, &storage), 0);
	assert_string_equal(root->text, "\xc3\xa9t\xc3\xa9");
	v3_cfg_free(storage);
	assert_int_equal(parse("\n\n  <vm\n\ta='1'\n/>\n", &root, &storage), 0);
	assert_int_equal(root->line, 3);
	assert_string_equal(v3_cfg_attr(root, "a"), "1");
	v3_cfg_free(storage);
}

/* The text does not need a NUL: the parser must not read past len. */
static void test_not_nul_terminated(void **state)
{
	struct v3_cfg_node *root;
	void *storage;
	char *buf;

	(void)state;
	buf = malloc(5);
	memcpy(buf, "<vm/>", 5);
	assert_int_equal(v3_cfg_parse(buf, 5, &root, &storage, err, sizeof(err)), 0);
	v3_cfg_free(storage);
	/* Each shorter prefix is refused, without reading past it (ASan). */
	for (size_t n = 0; n < 5; n++) {
		char *p = malloc(n ? n : 1);

		memcpy(p, buf, n);
		assert_int_equal(v3_cfg_parse(p, n, &root, &storage, err, sizeof(err)), -V3_EINVAL);
		assert_null(root);
		assert_null(storage);
		free(p);
	}
	free(buf);
}

struct bad_doc {
	const char *doc;
	const char *msg; /* expected substring, including the "config line N:" */
};

static const struct bad_doc bad_docs[] = {
	{ "", "config line 1: no root element" },
	{ "  \n  ", "config line 2: no root element" },
	{ "<!-- only a comment -->", "no root element" },
	{ "<vm>", "config line 1: <vm> (line 1) is not closed" },
	{ "<vm>\n<a>\n</vm>", "config line 3: end tag </vm> does not match <a> (line 2)" },
	{ "<vm></VM>", "end tag </VM> does not match <vm>" },
	{ "<vm></vm></vm>", "end tag </vm> without a start tag" },
	{ "</vm>", "config line 1: end tag </vm> without a start tag" },
	{ "<vm/><vm/>", "second root element <vm>" },
	{ "<vm/>\n\n<x>", "config line 3: second root element <x>" },
	{ "text<vm/>", "config line 1: text outside the root element" },
	{ "<vm/>\n tail", "config line 2: text outside the root element" },
	{ "<vm/>&amp;", "text outside the root element" },
	{ "<vm a='1' a='2'/>", "<vm>: duplicate attribute a" },
	{ "<vm a='1'\n b='2' a=\"3\"/>", "config line 2: <vm>: duplicate attribute a" },
	{ "<!DOCTYPE vm><vm/>", "DOCTYPE declarations are not supported" },
	{ "<vm><![CDATA[x]]></vm>", "CDATA sections are not supported" },
	{ "<vm><?pi x?></vm>", "processing instructions <?...?> are not supported" },
	{ "<?xml-stylesheet href='a'?><vm/>", "processing instructions" },
	{ "<vm/><?xml version='1.0'?>", "the XML declaration <?xml ...?> must come first" },
	{ " <?xml version='1.0'?><vm/>", "must come first" },
	{ "<?xml version='1.0'", "XML declaration <?xml is not closed by ?>" },
	{ "<vm><!x></vm>", "expected a comment <!-- after '<!'" },
	{ "<vm>\n<!-- x -- ></vm>", "config line 2: comment <!-- is not closed by -->" },
	{ "<vm", "start tag <vm> is not closed by '>'" },
	{ "<vm a='1'", "start tag <vm> is not closed" },
	{ "<vm a='1", "<vm>: value of attribute a is not closed by '" },
	{ "<vm a=\"1'/>", "value of attribute a is not closed by \"" },
	{ "<vm a='<'/>", "<vm>: '<' in the value of attribute a" },
	{ "<vm a=1/>", "<vm>: expected a quoted value for attribute a, found '1'" },
	{ "<vm a/>", "<vm>: expected '=' after attribute name a, found '/'" },
	{ "<vm a=", "expected a quoted value for attribute a, found the end of the config" },
	{ "<vm a='1'b='2'/>", "<vm>: expected whitespace, '>' or '/>', found 'b'" },
	{ "<vm 1a='1'/>", "expected an attribute name, '>' or '/>' in <vm>, found '1'" },
	{ "<vm / >", "<vm>: expected '>' after '/', found ' '" },
	{ "< vm/>", "expected an element name after '<', found ' '" },
	{ "<1vm/>", "expected an element name after '<', found '1'" },
	{ "<vm>\n<-x/></vm>", "config line 2: expected an element name after '<', found '-'" },
	{ "<vm></ vm>", "expected an element name after '</', found ' '" },
	{ "<vm></vm x>", "expected '>' to end </vm>, found 'x'" },
	{ "<vm></vm", "expected '>' to end </vm>, found the end of the config" },
	{ "<v\xc3\xa9/>", "<v>: expected whitespace, '>' or '/>'" },
	{ "<vm>&unknown;</vm>", "unknown entity &unknown;" },
	{ "<vm>&lt</vm>", "'&' starts no entity reference ending in ';'" },
	{ "<vm>a & b</vm>", "'&' starts no entity reference" },
	{ "<vm>&</vm>", "'&' starts no entity reference" },
	{ "<vm a='&'/>", "'&' starts no entity reference" },
	{ "<vm>&#;</vm>", "unknown entity &#;" },
	{ "<vm>&#x;</vm>", "bad character reference &#x;" },
	{ "<vm>&#12a;</vm>", "bad character reference &#12a;" },
	{ "<vm>&#xg;</vm>", "bad character reference &#xg;" },
	{ "<vm>&#X41;</vm>", "bad character reference &#X41;" },
	{ "<vm>&#0;</vm>", "character reference &#0; is not printable ASCII" },
	{ "<vm>&#x80;</vm>", "character reference &#x80; is not printable ASCII" },
	{ "<vm>&#127;</vm>", "is not printable ASCII" },
	{ "<vm>&#4294967361;</vm>", "is not printable ASCII" }, /* 2^32 + 'A' must not wrap */
	{ "<vm>&#xffffffff41;</vm>", "is not printable ASCII" },
	{ "<vm>&#0000000000065;</vm>", "'&' starts no entity reference" }, /* too long */
	{ "<vm>\n\n\x01</vm>", "config line 3: control character 0x01 is not allowed" },
	{ "<vm>\x7f</vm>", "control character 0x7f" },
	{ "<vm a='\x1b'/>", "control character 0x1b" },
};

static void test_bad_docs(void **state)
{
	struct v3_cfg_node *root;
	void *storage;

	(void)state;
	for (size_t i = 0; i < V3_ARRAY_SIZE(bad_docs); i++) {
		int rc = parse(bad_docs[i].doc, &root, &storage);

		if (rc != -V3_EINVAL)
			fail_msg("doc %zu (%s): rc %d, expected -V3_EINVAL", i, bad_docs[i].doc, rc);
		if (!strstr(err, bad_docs[i].msg))
			fail_msg("doc %zu (%s):\n  message  %s\n  expected %s", i, bad_docs[i].doc,
				 err, bad_docs[i].msg);
		if (strncmp(err, "config line ", 12) != 0)
			fail_msg("doc %zu: message without a line: %s", i, err);
		assert_null(root);
		assert_null(storage);
	}
}

/* A NUL byte inside the text is a control character, not the end of the document. */
static void test_embedded_nul(void **state)
{
	struct v3_cfg_node *root;
	void *storage;

	(void)state;
	assert_int_equal(v3_cfg_parse("<vm>\0</vm>", 10, &root, &storage, err, sizeof(err)),
			 -V3_EINVAL);
	assert_non_null(strstr(err, "control character 0x00"));
}

static char *nested(unsigned int depth)
{
	char *doc = malloc(depth * 8 + 1), *p = doc;

	for (unsigned int i = 0; i < depth; i++)
		p += sprintf(p, "<a>");
	for (unsigned int i = 0; i < depth; i++)
		p += sprintf(p, "</a>");
	return doc;
}

static void test_depth_limit(void **state)
{
	struct v3_cfg_node *root, *n;
	void *storage;
	char *doc;
	unsigned int depth = 0;

	(void)state;
	doc = nested(V3_CFG_MAX_DEPTH);
	assert_int_equal(parse(doc, &root, &storage), 0);
	for (n = root; n; n = n->child)
		depth++;
	assert_int_equal(depth, V3_CFG_MAX_DEPTH);
	v3_cfg_free(storage);
	free(doc);

	doc = nested(V3_CFG_MAX_DEPTH + 1);
	assert_int_equal(parse(doc, &root, &storage), -V3_EINVAL);
	assert_string_equal(err, "config line 1: <a> is nested deeper than 32 elements");
	free(doc);
}

static char *many(unsigned int n)
{
	char *doc = malloc(n * 8 + 32), *p = doc;

	p += sprintf(p, "<vm>\n");
	for (unsigned int i = 1; i < n; i++)
		p += sprintf(p, "<e/>\n");
	sprintf(p, "</vm>");
	return doc;
}

static void test_element_limit(void **state)
{
	struct v3_cfg_node *root, *n;
	void *storage;
	unsigned int count = 1;
	char *doc;

	(void)state;
	doc = many(V3_CFG_MAX_ELEMENTS);
	assert_int_equal(parse(doc, &root, &storage), 0);
	for (n = v3_cfg_child(root, "e"); n; n = v3_cfg_next_named(n))
		count++;
	assert_int_equal(count, V3_CFG_MAX_ELEMENTS);
	v3_cfg_free(storage);
	free(doc);

	doc = many(V3_CFG_MAX_ELEMENTS + 1);
	assert_int_equal(parse(doc, &root, &storage), -V3_EINVAL);
	assert_string_equal(err, "config line 4097: more than 4096 elements");
	free(doc);
}

static void test_attr_limit(void **state)
{
	struct v3_cfg_node *root;
	void *storage;
	char doc[1024], *p;

	(void)state;
	p = doc + sprintf(doc, "<vm");
	for (int i = 0; i < V3_CFG_MAX_ATTRS; i++)
		p += sprintf(p, " a%d='%d'", i, i);
	sprintf(p, "/>");
	assert_int_equal(parse(doc, &root, &storage), 0);
	assert_int_equal(root->nattrs, V3_CFG_MAX_ATTRS);
	assert_string_equal(v3_cfg_attr(root, "a31"), "31");
	v3_cfg_free(storage);

	sprintf(p, " x='y'/>");
	assert_int_equal(parse(doc, &root, &storage), -V3_EINVAL);
	assert_string_equal(err, "config line 1: <vm>: more than 32 attributes");
}

/*
 * Text interrupted by many children is joined once at the end: memory and time stay linear
 * (a copy per run would allocate gigabytes for this megabyte-sized document).
 */
static void test_text_runs_linear(void **state)
{
	const int runs = V3_CFG_MAX_ELEMENTS - 1, run_len = 250;
	char *doc = malloc((size_t)runs * (run_len + 4) + 16), *p = doc;
	struct v3_cfg_node *root;
	void *storage;

	(void)state;
	p += sprintf(p, "<vm>");
	for (int i = 0; i < runs; i++) {
		memset(p, 'a' + i % 26, run_len);
		p += run_len;
		p += sprintf(p, "<e/>");
	}
	sprintf(p, "</vm>");
	assert_int_equal(parse(doc, &root, &storage), 0);
	assert_int_equal(strlen(root->text), (size_t)runs * run_len);
	assert_int_equal(root->text[run_len], 'b');
	v3_cfg_free(storage);
	free(doc);
}

/* A small or absent error buffer truncates the message and never overflows. */
static void test_error_buffer(void **state)
{
	struct v3_cfg_node *root;
	void *storage;
	char small[8];

	(void)state;
	memset(small, 'x', sizeof(small));
	assert_int_equal(v3_cfg_parse("<a>", 3, &root, &storage, small, sizeof(small)), -V3_EINVAL);
	assert_string_equal(small, "config ");
	assert_int_equal(v3_cfg_parse("<a>", 3, &root, &storage, NULL, 0), -V3_EINVAL);
	assert_int_equal(v3_cfg_parse("<a/>", 4, &root, &storage, NULL, 0), 0);
	v3_cfg_free(storage);
}

/* A document big enough to need several arena chunks and text copies. */
static char *big_doc(void)
{
	char *doc = malloc(200000), *p = doc;

	p += sprintf(p, "<vm class='PC'>\n");
	for (int i = 0; i < 2000; i++)
		p += sprintf(p, "<device class='c%d' id='id%d'>text %d<x/>more</device>\n", i, i, i);
	p += sprintf(p, "<long>");
	for (int i = 0; i < 3000; i++)
		p += sprintf(p, "0123456789 &amp; ");
	sprintf(p, "</long></vm>");
	return doc;
}

static void test_alloc_failure(void **state)
{
	struct v3_cfg_node *root;
	void *storage;
	char *doc = big_doc();
	long n;
	int rc;

	(void)state;
	for (n = 0;; n++) {
		fake_host_fail_alloc_after(n);
		rc = parse(doc, &root, &storage);
		if (rc == 0)
			break;
		assert_int_equal(rc, -V3_ENOMEM);
		assert_null(root);
		assert_null(storage);
		assert_non_null(strstr(err, "out of memory"));
	}
	fake_host_fail_alloc_after(-1);
	assert_true(n > 5); /* several chunks were needed */
	assert_string_equal(v3_cfg_child(root, "device")->text, "text 0more");
	v3_cfg_free(storage);
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_tree, setup),
		cmocka_unit_test_setup(test_entities, setup),
		cmocka_unit_test_setup(test_minimal_forms, setup),
		cmocka_unit_test_setup(test_not_nul_terminated, setup),
		cmocka_unit_test_setup(test_bad_docs, setup),
		cmocka_unit_test_setup(test_embedded_nul, setup),
		cmocka_unit_test_setup(test_depth_limit, setup),
		cmocka_unit_test_setup(test_element_limit, setup),
		cmocka_unit_test_setup(test_attr_limit, setup),
		cmocka_unit_test_setup(test_text_runs_linear, setup),
		cmocka_unit_test_setup(test_error_buffer, setup),
		cmocka_unit_test_setup(test_alloc_failure, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
