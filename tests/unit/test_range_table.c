/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for palacios/src/lib/range_table.c: boundaries of half-open ranges, overlap
 * rejection, growth and its failure, and a long random run checked against a brute-force model.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include <v3/errno.h>

#include "fake_host.h"
#include "lib/range_table.h"
#include "lib/string.h"

static u64 rng_state = 0x2545f4914f6cdd1dULL;

static u64 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static int setup(void **state)
{
	(void)state;
	fake_host_install();
	return 0;
}

/* Any pointer will do as priv; these make each range's identity visible. */
static void *tag(u64 n)
{
	return (void *)(uintptr_t)(0x1000 + n);
}

/* The table's invariants: sorted, non-empty ranges, disjoint, count within capacity. */
static void check_invariants(const struct v3_range_table *t)
{
	assert_true(t->count <= t->capacity);
	for (size_t i = 0; i < t->count; i++) {
		assert_true(t->ranges[i].start < t->ranges[i].end);
		if (i)
			assert_true(t->ranges[i - 1].end <= t->ranges[i].start);
	}
}

static void test_empty(void **state)
{
	struct v3_range_table t;

	(void)state;
	/* Init allocates nothing: it works even when the host would refuse. */
	fake_host_fail_alloc_after(0);
	v3_range_table_init(&t);
	assert_null(t.ranges);
	assert_int_equal(t.count, 0);
	assert_null(v3_range_table_find(&t, 0));
	assert_null(v3_range_table_find(&t, UINT64_MAX));
	assert_null(v3_range_table_find_overlap(&t, 0, UINT64_MAX));
	assert_int_equal(v3_range_table_remove(&t, 0), -V3_ENOENT);
	v3_range_table_destroy(&t);
	v3_range_table_destroy(&t); /* destroying an empty table twice is fine */
}

static void test_invalid_ranges(void **state)
{
	struct v3_range_table t;

	(void)state;
	v3_range_table_init(&t);
	assert_int_equal(v3_range_table_insert(&t, 5, 5, NULL), -V3_EINVAL);
	assert_int_equal(v3_range_table_insert(&t, 6, 5, NULL), -V3_EINVAL);
	assert_int_equal(v3_range_table_insert(&t, 0, 0, NULL), -V3_EINVAL);
	assert_int_equal(v3_range_table_insert(&t, UINT64_MAX, UINT64_MAX, NULL), -V3_EINVAL);
	assert_int_equal(v3_range_table_insert(&t, UINT64_MAX, 0, NULL), -V3_EINVAL);
	assert_int_equal(t.count, 0);
	v3_range_table_destroy(&t);
}

static void test_adjacent_and_boundaries(void **state)
{
	struct v3_range_table t;
	const struct v3_range *r;

	(void)state;
	v3_range_table_init(&t);
	assert_int_equal(v3_range_table_insert(&t, 10, 20, tag(2)), 0);
	assert_int_equal(v3_range_table_insert(&t, 0, 10, tag(1)), 0);
	assert_int_equal(v3_range_table_insert(&t, 20, 21, tag(3)), 0);
	check_invariants(&t);
	assert_int_equal(t.count, 3);

	r = v3_range_table_find(&t, 0);
	assert_non_null(r);
	assert_ptr_equal(r->priv, tag(1));
	assert_ptr_equal(v3_range_table_find(&t, 9)->priv, tag(1));
	assert_ptr_equal(v3_range_table_find(&t, 10)->priv, tag(2));
	assert_ptr_equal(v3_range_table_find(&t, 19)->priv, tag(2));
	assert_ptr_equal(v3_range_table_find(&t, 20)->priv, tag(3));
	assert_null(v3_range_table_find(&t, 21));
	assert_null(v3_range_table_find(&t, UINT64_MAX));

	r = v3_range_table_find(&t, 15);
	assert_int_equal(r->start, 10);
	assert_int_equal(r->end, 20);
	v3_range_table_destroy(&t);
}

static void test_top_of_address_space(void **state)
{
	struct v3_range_table t;

	(void)state;
	v3_range_table_init(&t);
	/* The largest range possible: everything but the last address. */
	assert_int_equal(v3_range_table_insert(&t, 0, UINT64_MAX, tag(0)), 0);
	assert_ptr_equal(v3_range_table_find(&t, 0)->priv, tag(0));
	assert_ptr_equal(v3_range_table_find(&t, UINT64_MAX - 1)->priv, tag(0));
	assert_null(v3_range_table_find(&t, UINT64_MAX));
	assert_int_equal(v3_range_table_insert(&t, UINT64_MAX - 1, UINT64_MAX, NULL), -V3_EEXIST);
	assert_int_equal(v3_range_table_remove(&t, 0), 0);

	assert_int_equal(v3_range_table_insert(&t, UINT64_MAX - 1, UINT64_MAX, tag(1)), 0);
	assert_int_equal(v3_range_table_insert(&t, UINT64_MAX - 3, UINT64_MAX - 1, tag(2)), 0);
	assert_ptr_equal(v3_range_table_find(&t, UINT64_MAX - 1)->priv, tag(1));
	assert_ptr_equal(v3_range_table_find(&t, UINT64_MAX - 2)->priv, tag(2));
	assert_null(v3_range_table_find(&t, UINT64_MAX));
	assert_null(v3_range_table_find(&t, UINT64_MAX - 4));
	assert_ptr_equal(v3_range_table_find_overlap(&t, UINT64_MAX - 1, UINT64_MAX)->priv, tag(1));
	check_invariants(&t);
	v3_range_table_destroy(&t);
}

static void test_overlaps_rejected(void **state)
{
	struct v3_range_table t;
	struct v3_range before[2];
	/* Each overlaps [100, 200) or [300, 400) in a different way. */
	static const u64 bad[][2] = {
		{ 100, 200 }, /* identical */
		{ 150, 160 }, /* inside */
		{ 50, 250 },  /* around */
		{ 50, 101 },  /* tail over the start */
		{ 199, 250 }, /* head over the end */
		{ 100, 101 }, { 199, 200 }, { 0, UINT64_MAX },
		{ 150, 350 }, /* across both */
		{ 200, 301 }, /* fills the gap and one more */
		{ 399, 1000 },
	};
	static const u64 good[][2] = { { 0, 100 }, { 200, 300 }, { 400, 401 } };

	(void)state;
	v3_range_table_init(&t);
	assert_int_equal(v3_range_table_insert(&t, 300, 400, tag(2)), 0);
	assert_int_equal(v3_range_table_insert(&t, 100, 200, tag(1)), 0);
	v3_memcpy(before, t.ranges, sizeof(before));
	for (size_t i = 0; i < V3_ARRAY_SIZE(bad); i++) {
		assert_int_equal(v3_range_table_insert(&t, bad[i][0], bad[i][1], NULL), -V3_EEXIST);
		assert_int_equal(t.count, 2);
		assert_memory_equal(t.ranges, before, sizeof(before));
	}
	/* The gaps, exactly, are free. */
	for (size_t i = 0; i < V3_ARRAY_SIZE(good); i++)
		assert_int_equal(v3_range_table_insert(&t, good[i][0], good[i][1], NULL), 0);
	assert_int_equal(t.count, 5);
	check_invariants(&t);
	v3_range_table_destroy(&t);
}

static void test_find_overlap(void **state)
{
	struct v3_range_table t;
	const struct v3_range *r;

	(void)state;
	v3_range_table_init(&t);
	assert_int_equal(v3_range_table_insert(&t, 10, 20, tag(1)), 0);
	assert_int_equal(v3_range_table_insert(&t, 30, 40, tag(2)), 0);

	/* Touching is not overlapping. */
	assert_null(v3_range_table_find_overlap(&t, 0, 10));
	assert_null(v3_range_table_find_overlap(&t, 20, 30));
	assert_null(v3_range_table_find_overlap(&t, 40, UINT64_MAX));
	/* Empty or inverted intervals intersect nothing. */
	assert_null(v3_range_table_find_overlap(&t, 15, 15));
	assert_null(v3_range_table_find_overlap(&t, 35, 15));
	/* The lowest intersecting range is returned. */
	r = v3_range_table_find_overlap(&t, 0, UINT64_MAX);
	assert_ptr_equal(r->priv, tag(1));
	assert_ptr_equal(v3_range_table_find_overlap(&t, 19, 31)->priv, tag(1));
	assert_ptr_equal(v3_range_table_find_overlap(&t, 20, 31)->priv, tag(2));
	assert_ptr_equal(v3_range_table_find_overlap(&t, 9, 11)->priv, tag(1));
	assert_ptr_equal(v3_range_table_find_overlap(&t, 39, 40)->priv, tag(2));
	assert_ptr_equal(v3_range_table_find_overlap(&t, 12, 13)->priv, tag(1));
	v3_range_table_destroy(&t);
}

static void test_remove(void **state)
{
	struct v3_range_table t;

	(void)state;
	v3_range_table_init(&t);
	for (u64 i = 0; i < 5; i++)
		assert_int_equal(v3_range_table_insert(&t, i * 10, i * 10 + 5, tag(i)), 0);

	/* Only an exact start matches. */
	assert_int_equal(v3_range_table_remove(&t, 21), -V3_ENOENT);
	assert_int_equal(v3_range_table_remove(&t, 25), -V3_ENOENT);
	assert_int_equal(v3_range_table_remove(&t, 100), -V3_ENOENT);
	assert_int_equal(t.count, 5);

	/* Middle, first, last. */
	assert_int_equal(v3_range_table_remove(&t, 20), 0);
	assert_null(v3_range_table_find(&t, 22));
	assert_int_equal(v3_range_table_remove(&t, 20), -V3_ENOENT);
	assert_int_equal(v3_range_table_remove(&t, 0), 0);
	assert_int_equal(v3_range_table_remove(&t, 40), 0);
	assert_int_equal(t.count, 2);
	check_invariants(&t);
	assert_ptr_equal(v3_range_table_find(&t, 10)->priv, tag(1));
	assert_ptr_equal(v3_range_table_find(&t, 34)->priv, tag(3));

	/* The space is free again, and can be taken by a differently shaped range. */
	assert_int_equal(v3_range_table_insert(&t, 15, 30, tag(9)), 0);
	assert_ptr_equal(v3_range_table_find(&t, 20)->priv, tag(9));
	check_invariants(&t);

	/* Removing never allocates. */
	fake_host_fail_alloc_after(0);
	assert_int_equal(v3_range_table_remove(&t, 10), 0);
	assert_int_equal(v3_range_table_remove(&t, 15), 0);
	assert_int_equal(v3_range_table_remove(&t, 30), 0);
	assert_int_equal(t.count, 0);
	assert_null(v3_range_table_find(&t, 10));
	v3_range_table_destroy(&t);
}

static void test_growth_and_enomem(void **state)
{
	struct v3_range_table t;
	struct v3_range *saved, *old_array;
	size_t cap;

	(void)state;
	v3_range_table_init(&t);

	/* The very first insert allocates; if that fails the table stays empty. */
	fake_host_fail_alloc_after(0);
	assert_int_equal(v3_range_table_insert(&t, 0, 1, NULL), -V3_ENOMEM);
	assert_null(t.ranges);
	assert_int_equal(t.count, 0);
	assert_int_equal(t.capacity, 0);

	fake_host_fail_alloc_after(1);
	assert_int_equal(v3_range_table_insert(&t, 0, 1, tag(0)), 0);
	cap = t.capacity;
	assert_true(cap >= 1);
	/* Fill to capacity without another allocation (allocations still refused). */
	for (u64 i = 1; i < cap; i++)
		assert_int_equal(v3_range_table_insert(&t, i * 2, i * 2 + 1, tag(i)), 0);
	assert_int_equal(t.count, cap);

	/* The next one needs to grow: refused, and nothing in the table changed. */
	saved = malloc(cap * sizeof(*saved));
	assert_non_null(saved);
	memcpy(saved, t.ranges, cap * sizeof(*saved));
	old_array = t.ranges;
	assert_int_equal(v3_range_table_insert(&t, 1, 2, NULL), -V3_ENOMEM);
	assert_int_equal(v3_range_table_insert(&t, 1000, 2000, NULL), -V3_ENOMEM);
	assert_ptr_equal(t.ranges, old_array);
	assert_int_equal(t.count, cap);
	assert_int_equal(t.capacity, cap);
	assert_memory_equal(t.ranges, saved, cap * sizeof(*saved));
	assert_null(v3_range_table_find(&t, 1));
	/* Validation still comes first: errors other than ENOMEM need no memory. */
	assert_int_equal(v3_range_table_insert(&t, 0, 1, NULL), -V3_EEXIST);
	assert_int_equal(v3_range_table_insert(&t, 3, 3, NULL), -V3_EINVAL);

	/* Once memory is back, growth doubles and keeps everything. */
	fake_host_fail_alloc_after(-1);
	assert_int_equal(v3_range_table_insert(&t, 1, 2, tag(100)), 0);
	assert_int_equal(t.capacity, cap * 2);
	assert_int_equal(t.count, cap + 1);
	check_invariants(&t);
	for (u64 i = 0; i < cap; i++)
		assert_ptr_equal(v3_range_table_find(&t, i * 2)->priv, tag(i));
	assert_ptr_equal(v3_range_table_find(&t, 1)->priv, tag(100));
	free(saved);
	v3_range_table_destroy(&t);
	assert_null(t.ranges);
	assert_int_equal(t.count, 0);
	assert_int_equal(t.capacity, 0);
}

/* Many disjoint ranges inserted in random order come out sorted and all findable. */
static void test_random_order_insert(void **state)
{
	enum { N = 2000 };
	struct v3_range_table t;
	u64 *order = malloc(N * sizeof(*order));

	(void)state;
	assert_non_null(order);
	for (u64 i = 0; i < N; i++)
		order[i] = i;
	for (u64 i = N - 1; i > 0; i--) {
		u64 j = rng() % (i + 1), tmp = order[i];

		order[i] = order[j];
		order[j] = tmp;
	}

	v3_range_table_init(&t);
	/* Range i is [i*16, i*16 + 1 + i%16): some adjacent to the next, most with a gap. */
	for (u64 k = 0; k < N; k++) {
		u64 i = order[k];

		assert_int_equal(v3_range_table_insert(&t, i * 16, i * 16 + 1 + i % 16, tag(i)), 0);
		/* And its overlapping twin is refused at every stage. */
		assert_int_equal(v3_range_table_insert(&t, i * 16 + i % 16, i * 16 + 17, NULL),
				 -V3_EEXIST);
	}
	check_invariants(&t);
	assert_int_equal(t.count, N);
	for (u64 i = 0; i < N; i++) {
		assert_int_equal(t.ranges[i].start, i * 16);
		assert_ptr_equal(v3_range_table_find(&t, i * 16)->priv, tag(i));
		assert_ptr_equal(v3_range_table_find(&t, i * 16 + i % 16)->priv, tag(i));
		if (i % 16 != 15)
			assert_null(v3_range_table_find(&t, i * 16 + 1 + i % 16));
	}
	free(order);
	v3_range_table_destroy(&t);
}

/* ---- randomized against a brute-force model ---- */

#define MODEL_MAX 256

struct model {
	struct v3_range r[MODEL_MAX];
	size_t n;
};

static const struct v3_range *model_find(const struct model *m, u64 addr)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->r[i].start <= addr && addr < m->r[i].end)
			return &m->r[i];
	return NULL;
}

static const struct v3_range *model_overlap(const struct model *m, u64 start, u64 end)
{
	const struct v3_range *best = NULL;

	if (start >= end)
		return NULL;
	for (size_t i = 0; i < m->n; i++)
		if (m->r[i].start < end && start < m->r[i].end &&
		    (!best || m->r[i].start < best->start))
			best = &m->r[i];
	return best;
}

static int model_insert(struct model *m, u64 start, u64 end, void *priv)
{
	if (start >= end)
		return -V3_EINVAL;
	if (model_overlap(m, start, end))
		return -V3_EEXIST;
	if (m->n == MODEL_MAX)
		return -V3_ENOMEM;
	m->r[m->n++] = (struct v3_range){ .start = start, .end = end, .priv = priv };
	return 0;
}

static int model_remove(struct model *m, u64 start)
{
	for (size_t i = 0; i < m->n; i++) {
		if (m->r[i].start == start) {
			m->r[i] = m->r[--m->n];
			return 0;
		}
	}
	return -V3_ENOENT;
}

static void same_range(const struct v3_range *a, const struct v3_range *b, const char *what,
		       u64 x)
{
	if (!a != !b || (a && (a->start != b->start || a->end != b->end || a->priv != b->priv)))
		fail_msg("%s(%#llx): table [%#llx,%#llx) model [%#llx,%#llx)", what,
			 (unsigned long long)x, a ? (unsigned long long)a->start : 0,
			 a ? (unsigned long long)a->end : 0, b ? (unsigned long long)b->start : 0,
			 b ? (unsigned long long)b->end : 0);
}

/* An address in the small window [base, base + 600), so that ranges collide often. */
static u64 rand_addr(u64 base)
{
	return base + rng() % 600;
}

static void random_run(u64 base, u64 iters)
{
	struct v3_range_table t;
	struct model *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	v3_range_table_init(&t);
	for (u64 it = 0; it < iters; it++) {
		u64 op = rng() % 16, a = rand_addr(base), b;

		if (op < 6) {
			/* Mostly short ranges so the window fills up and overlaps are common. */
			b = a + (rng() % 4 ? rng() % 12 : rng() % 80);
			if (b < a)
				b = UINT64_MAX; /* wrapped past the top */
			if (m->n == MODEL_MAX && !model_overlap(m, a, b) && a < b)
				continue;
			if (rng() % 8 == 0) {
				/* Occasionally refuse memory: must fail cleanly or not need it. */
				size_t count = t.count;

				fake_host_fail_alloc_after(0);
				int ret = v3_range_table_insert(&t, a, b, tag(it));

				fake_host_fail_alloc_after(-1);
				if (ret == -V3_ENOMEM) {
					assert_int_equal(t.count, count);
					assert_int_equal(t.count, t.capacity);
					continue;
				}
				assert_int_equal(ret, model_insert(m, a, b, tag(it)));
			} else {
				assert_int_equal(v3_range_table_insert(&t, a, b, tag(it)),
						 model_insert(m, a, b, tag(it)));
			}
		} else if (op < 9) {
			/* Remove: half the time a start that exists. */
			if (m->n && rng() % 2)
				a = m->r[rng() % m->n].start;
			assert_int_equal(v3_range_table_remove(&t, a), model_remove(m, a));
		} else if (op < 13) {
			same_range(v3_range_table_find(&t, a), model_find(m, a), "find", a);
		} else {
			b = a + rng() % 40;
			if (b < a)
				b = UINT64_MAX;
			same_range(v3_range_table_find_overlap(&t, a, b), model_overlap(m, a, b),
				   "find_overlap", a);
		}
		assert_int_equal(t.count, m->n);
		if (it % 64 == 0)
			check_invariants(&t);
	}
	/* A full sweep of the window at the end. */
	for (u64 k = 0; k < 600; k++)
		same_range(v3_range_table_find(&t, base + k), model_find(m, base + k), "find",
			   base + k);
	v3_range_table_destroy(&t);
	free(m);
}

static void test_random_vs_model(void **state)
{
	(void)state;
	random_run(0, 200000);
	/* Near the top, where end saturates at UINT64_MAX and addresses can be UINT64_MAX. */
	random_run(UINT64_MAX - 599, 200000);
	random_run(0x100000000ULL, 50000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_empty, setup),
		cmocka_unit_test_setup(test_invalid_ranges, setup),
		cmocka_unit_test_setup(test_adjacent_and_boundaries, setup),
		cmocka_unit_test_setup(test_top_of_address_space, setup),
		cmocka_unit_test_setup(test_overlaps_rejected, setup),
		cmocka_unit_test_setup(test_find_overlap, setup),
		cmocka_unit_test_setup(test_remove, setup),
		cmocka_unit_test_setup(test_growth_and_enomem, setup),
		cmocka_unit_test_setup(test_random_order_insert, setup),
		cmocka_unit_test_setup(test_random_vs_model, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
