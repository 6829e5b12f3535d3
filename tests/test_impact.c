/*
 * A list's impacts (common/impact.c): the (tf, length) frontier that
 * bounds its BM25 for MaxScore. The frontier must hold a point at or
 * above every posting in tf and at or below it in length (or pruning
 * would pass over a paper that belongs in the top k), and be no larger
 * than that (or the bound is loose): checked against a brute force over
 * random lists, in any order of the postings, with tfs past the shared
 * last point. Its bytes round-trip, and malformed bytes are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common.h"
#include "fixtures.h"
#include "impact.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t next_rand(uint32_t n)
{
    return (uint32_t)(fx_xorshift(&rng) % n);
}

/* Does point (t, l) dominate the posting (tf, len)? */
static bool dominates(uint32_t t, uint32_t l, uint32_t tf, uint32_t len)
{
    return t >= tf && l <= len;
}

static void assert_frontier_of(const uint32_t *tfs, const uint32_t *lens, size_t n)
{
    pdx_impacts im;
    pdx_impacts_reset(&im);
    for (size_t i = 0; i < n; i++)
        pdx_impacts_add(&im, tfs[i], lens[i]);
    uint32_t ft[PDX_MAX_IMPACTS], fl[PDX_MAX_IMPACTS];
    uint32_t k = pdx_impacts_frontier(&im, ft, fl);
    assert_true(k >= 1 && k <= PDX_MAX_IMPACTS);
    for (uint32_t j = 1; j < k; j++) /* ascending in both: none dominates another */
        assert_true(ft[j] > ft[j - 1] && fl[j] > fl[j - 1]);
    uint32_t top_tf = 0, top_len = UINT32_MAX;
    for (size_t i = 0; i < n; i++) {
        bool covered = false;
        for (uint32_t j = 0; j < k && !covered; j++)
            covered = dominates(ft[j], fl[j], tfs[i], lens[i]);
        assert_true(covered); /* every posting under some point */
        if (tfs[i] >= PDX_MAX_IMPACTS) {
            top_tf = PDX_MAX(top_tf, tfs[i]);
            top_len = PDX_MIN(top_len, lens[i]);
        }
    }
    for (uint32_t j = 0; j < k; j++) {
        if (ft[j] >= PDX_MAX_IMPACTS) { /* the shared point of the large tfs */
            assert_int_equal(ft[j], top_tf);
            assert_int_equal(fl[j], top_len);
            continue;
        }
        /* a point below the shared one is a posting's, and no posting
         * dominates it but itself */
        bool real = false;
        for (size_t i = 0; i < n; i++) {
            real |= tfs[i] == ft[j] && lens[i] == fl[j];
            if (tfs[i] < PDX_MAX_IMPACTS)
                assert_false(dominates(tfs[i], lens[i], ft[j], fl[j]) &&
                             (tfs[i] != ft[j] || lens[i] != fl[j]));
        }
        assert_true(real);
    }
}

static void frontier_is_the_pareto_set(void **st)
{
    (void)st;
    uint32_t tfs[300], lens[300];
    for (int trial = 0; trial < 2000; trial++) {
        size_t n = 1 + next_rand(300);
        uint32_t max_tf = 1 + next_rand(trial % 3 ? 12 : 80); /* some past the last point */
        for (size_t i = 0; i < n; i++) {
            tfs[i] = 1 + next_rand(max_tf);
            lens[i] = tfs[i] + next_rand(400); /* a field holds its tf at least */
        }
        assert_frontier_of(tfs, lens, n);
    }
}

/* The same postings in another order: the same frontier (the writer and
 * --check meet them in document order, but merges renumber papers). */
static void frontier_ignores_order(void **st)
{
    (void)st;
    uint32_t tfs[200], lens[200];
    for (int trial = 0; trial < 200; trial++) {
        size_t n = 2 + next_rand(198);
        for (size_t i = 0; i < n; i++) {
            tfs[i] = 1 + next_rand(40);
            lens[i] = tfs[i] + next_rand(100);
        }
        pdx_impacts a, b;
        pdx_impacts_reset(&a);
        pdx_impacts_reset(&b);
        for (size_t i = 0; i < n; i++)
            pdx_impacts_add(&a, tfs[i], lens[i]);
        for (size_t i = n; i-- > 0;)
            pdx_impacts_add(&b, tfs[i], lens[i]);
        pdx_buf ea = {0}, eb = {0};
        pdx_impacts_encode(&ea, &a);
        pdx_impacts_encode(&eb, &b);
        assert_int_equal(ea.len, eb.len);
        assert_memory_equal(ea.data, eb.data, ea.len);
        pdx_buf_free(&ea);
        pdx_buf_free(&eb);
    }
}

/* A list of three papers: "agent" three times in a long summary, once in
 * a short one, twice in a middling one (dominated by neither); the corner
 * (3, 10) is no paper's. */
static void frontier_of_a_small_list(void **st)
{
    (void)st;
    pdx_impacts im;
    pdx_impacts_reset(&im);
    pdx_impacts_add(&im, 3, 90);
    pdx_impacts_add(&im, 1, 10);
    pdx_impacts_add(&im, 2, 40);
    pdx_impacts_add(&im, 1, 50); /* under (1, 10) */
    pdx_impacts_add(&im, 2, 95); /* under (3, 90) */
    uint32_t ft[PDX_MAX_IMPACTS], fl[PDX_MAX_IMPACTS];
    assert_int_equal(pdx_impacts_frontier(&im, ft, fl), 3);
    assert_int_equal(ft[0], 1);
    assert_int_equal(fl[0], 10);
    assert_int_equal(ft[1], 2);
    assert_int_equal(fl[1], 40);
    assert_int_equal(ft[2], 3);
    assert_int_equal(fl[2], 90);
    /* bytes: n, tf_1, then increases (the first length is min_len) */
    pdx_buf b = {0};
    pdx_impacts_encode(&b, &im);
    const uint8_t want[] = {3, 1, 1, 30, 1, 50};
    assert_int_equal(b.len, sizeof want);
    assert_memory_equal(b.data, want, sizeof want);
    const uint8_t *p = b.data;
    uint32_t n, rt[PDX_MAX_IMPACTS], rl[PDX_MAX_IMPACTS];
    assert_true(pdx_impacts_read(&p, b.data + b.len, 3, 10, &n, rt, rl));
    assert_ptr_equal(p, b.data + b.len);
    assert_int_equal(n, 3);
    assert_memory_equal(rt, ft, 3 * sizeof *ft);
    assert_memory_equal(rl, fl, 3 * sizeof *fl);
    pdx_buf_free(&b);

    /* a corner some posting has: one byte, n = 1 */
    pdx_impacts_reset(&im);
    pdx_impacts_add(&im, 4, 12);
    pdx_impacts_add(&im, 2, 30);
    pdx_impacts_encode(&b, &im);
    assert_int_equal(b.len, 1);
    assert_int_equal(b.data[0], 1);
    p = b.data;
    assert_true(pdx_impacts_read(&p, b.data + 1, 4, 12, &n, rt, rl));
    assert_int_equal(n, 1);
    assert_int_equal(rt[0], 4);
    assert_int_equal(rl[0], 12);
    pdx_buf_free(&b);
}

/* Round trips over random frontiers, as the reader checks them. */
static void encoded_frontiers_read_back(void **st)
{
    (void)st;
    for (int trial = 0; trial < 2000; trial++) {
        pdx_impacts im;
        pdx_impacts_reset(&im);
        size_t n = 1 + next_rand(100);
        for (size_t i = 0; i < n; i++) {
            uint32_t tf = 1 + next_rand(trial % 2 ? 3000 : 40);
            pdx_impacts_add(&im, tf, tf + next_rand(100000));
        }
        uint32_t ft[PDX_MAX_IMPACTS], fl[PDX_MAX_IMPACTS], rt[PDX_MAX_IMPACTS],
            rl[PDX_MAX_IMPACTS];
        uint32_t k = pdx_impacts_frontier(&im, ft, fl), got;
        pdx_buf b = {0};
        pdx_impacts_encode(&b, &im);
        const uint8_t *p = b.data;
        assert_true(pdx_impacts_read(&p, b.data + b.len, ft[k - 1], fl[0], &got, rt, rl));
        assert_ptr_equal(p, b.data + b.len);
        assert_int_equal(got, k);
        assert_memory_equal(rt, ft, k * sizeof *ft);
        assert_memory_equal(rl, fl, k * sizeof *fl);
        pdx_buf_free(&b);
    }
}

static bool reads(const uint8_t *bytes, size_t len, uint64_t max_tf, uint64_t min_len)
{
    const uint8_t *p = bytes;
    uint32_t n, t[PDX_MAX_IMPACTS], l[PDX_MAX_IMPACTS];
    return pdx_impacts_read(&p, bytes + len, max_tf, min_len, &n, t, l);
}

/* What a damaged header may hold is refused, so that the bound the
 * searcher takes from it is at least well formed (that it is the list's
 * frontier is --check's: tests/test_corrupt.c). */
static void malformed_impacts_refused(void **st)
{
    (void)st;
    const uint8_t good[] = {3, 1, 1, 30, 1, 50};
    assert_true(reads(good, sizeof good, 3, 10));
    const uint8_t zero[] = {0};
    assert_false(reads(zero, 1, 3, 10));           /* no point */
    const uint8_t many[] = {PDX_MAX_IMPACTS + 1};
    assert_false(reads(many, 1, 3, 10));           /* too many points */
    assert_false(reads(good, sizeof good - 1, 3, 10)); /* cut short */
    assert_false(reads(good, 0, 3, 10));           /* nothing */
    assert_false(reads(good, sizeof good, 4, 10)); /* last tf is not max_tf */
    assert_false(reads(good, sizeof good, 2, 10)); /* tfs pass max_tf */
    const uint8_t tf0[] = {2, 0, 3, 5};
    assert_false(reads(tf0, sizeof tf0, 3, 10));   /* a tf of 0 */
    const uint8_t flat_tf[] = {2, 3, 0, 5};
    assert_false(reads(flat_tf, sizeof flat_tf, 3, 10)); /* tf does not grow */
    const uint8_t flat_len[] = {2, 1, 2, 0};
    assert_false(reads(flat_len, sizeof flat_len, 3, 10)); /* length does not grow */
    const uint8_t wide[] = {2, 1, 2, 0xff, 0xff, 0xff, 0xff, 0x0f};
    assert_false(reads(wide, sizeof wide, 3, 10)); /* length past 32 bits */
    /* a first tf past max_tf whose increase wraps around to max_tf */
    const uint8_t wrap[] = {0x02, 0x81, 0x80, 0x80, 0x80, 0x10, 0x82, 0x80, 0x80,
                            0x80, 0xf0, 0xff, 0xff, 0xff, 0xff, 0x01, 0xe8, 0x07};
    assert_false(reads(wrap, sizeof wrap, 3, 10));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(frontier_is_the_pareto_set),
        cmocka_unit_test(frontier_ignores_order),
        cmocka_unit_test(frontier_of_a_small_list),
        cmocka_unit_test(encoded_frontiers_read_back),
        cmocka_unit_test(malformed_impacts_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
