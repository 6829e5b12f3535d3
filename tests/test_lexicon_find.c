/*
 * Tests for the lexicon's lookups (pdx_lexicon_find in common/lexicon.c):
 * that they give the answer a scan of every rank gives, on lexicons built to
 * have long runs of one key and keys that are prefixes of others (also once
 * the hash index of a side's keys is built, after a few lookups), and that
 * a lookup on a lazily opened, damaged lexicon still refuses what it reads,
 * through the index too.
 *
 * The fixtures are term sequences made up for these tests; none comes from
 * the corpus.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common.h"
#include "lexicon.h"

/* ---- fixtures ---- */

/* Korean keys (joined terms), prefixes of one another and near misses. */
static const char *const fx_ko[] = {
    "강화", "강화 학습", "강화 학습 방법", "강", "강화학습", "확산", "확산 모델", "가",
};
#define N_KO (sizeof fx_ko / sizeof *fx_ko)

/* English keys: prefixes, and spellings that differ only after a space. */
static const char *const fx_en[] = {
    "languag",     "languag model", "languag modal", "languag mode", "languag model larg",
    "languag modelx", "rl",         "reinforc learn", "a",          "a b",
    "ab",
};
#define N_EN (sizeof fx_en / sizeof *fx_en)

/* Whether the pair (Korean key i, English key j) is in the fixture: English
 * key 0 pairs with every Korean key (a run of N_KO), Korean key 0 with every
 * English key (a run of N_EN), the rest follow a pattern that leaves runs of
 * 1 to several. */
static bool fx_has_pair(size_t i, size_t j)
{
    return i == 0 || j == 0 || (i + 2 * j) % 3 != 0;
}

/* Builds the fixture's pairs into p (room for N_KO * N_EN); returns how
 * many. Supports repeat, so runs also order by the other side's terms. */
static size_t fx_build_pairs(pdx_lex_pair *p)
{
    size_t n = 0;
    for (size_t i = 0; i < N_KO; i++)
        for (size_t j = 0; j < N_EN; j++) {
            if (!fx_has_pair(i, j))
                continue;
            p[n] = (pdx_lex_pair){fx_ko[i], strlen(fx_ko[i]), fx_en[j], strlen(fx_en[j]),
                                  fx_ko[i], strlen(fx_ko[i]), fx_en[j], strlen(fx_en[j]),
                                  (uint32_t)(1 + (i * j) % 3), false, false, false};
            n++;
        }
    return n;
}

static void fx_encode(pdx_buf *out)
{
    pdx_lex_pair p[N_KO * N_EN];
    size_t n = fx_build_pairs(p);
    assert_int_equal(pdx_lexicon_encode(out, p, n, 1), PDX_OK);
}

/* A heap copy of exactly len bytes, so ASan sees an overread. */
static uint8_t *copy_of(const void *d, size_t len)
{
    uint8_t *c = malloc(len ? len : 1);
    assert_non_null(c);
    memcpy(c, d, len);
    return c;
}

/* ---- lookups against a scan ---- */

static int bytes_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    return c ? c : (alen > blen) - (alen < blen);
}

/* The `side` terms of a pair. */
static void side_terms(const pdx_lex_pair *p, pdx_lex_side side, const char **s, size_t *n)
{
    *s = side == PDX_LEX_KO ? p->ko_terms : p->en_terms;
    *n = side == PDX_LEX_KO ? p->ko_terms_len : p->en_terms_len;
}

/* What pdx_lexicon_find must answer, found by reading every rank: the first
 * rank whose terms equal key and how many do. */
static void scan(const pdx_lexicon *lx, pdx_lex_side side, const char *key, size_t key_len,
                 uint32_t *first, uint32_t *count)
{
    *first = 0;
    *count = 0;
    for (uint32_t r = 0; r < pdx_lexicon_count(lx); r++) {
        pdx_lex_pair p;
        assert_int_equal(pdx_lexicon_get(lx, side, r, &p), PDX_OK);
        const char *s;
        size_t n;
        side_terms(&p, side, &s, &n);
        if (bytes_cmp(s, n, key, key_len) == 0 && (*count)++ == 0)
            *first = r;
    }
}

/* Looks key up on side and compares with the scan. */
static void expect_as_scan(const pdx_lexicon *lx, pdx_lex_side side, const char *key,
                           size_t key_len)
{
    uint32_t want_first, want_count, first = 0, count = 0;
    scan(lx, side, key, key_len, &want_first, &want_count);
    assert_int_equal(pdx_lexicon_find(lx, side, key, key_len, &first, &count), PDX_OK);
    if (count != want_count || (want_count && first != want_first))
        fail_msg("%s key \"%.*s\": found [%u, +%u), a scan finds [%u, +%u)",
                 side == PDX_LEX_KO ? "Korean" : "English", (int)key_len, key, first, count,
                 want_first, want_count);
}

/* Every fixture key, and keys next to them: a byte short, a byte longer, a
 * term longer, the last byte one up and one down. */
static void expect_keys_as_scan(const pdx_lexicon *lx, pdx_lex_side side)
{
    const char *const *keys[2] = {fx_ko, fx_en};
    size_t n_keys[2] = {N_KO, N_EN};
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < n_keys[k]; i++) {
            const char *key = keys[k][i];
            size_t len = strlen(key);
            char v[64];
            assert_true(len + 3 <= sizeof v);
            expect_as_scan(lx, side, key, len);
            expect_as_scan(lx, side, key, len - 1);
            memcpy(v, key, len);
            v[len] = 'a';
            expect_as_scan(lx, side, v, len + 1);
            memcpy(v + len, " a", 2);
            expect_as_scan(lx, side, v, len + 2);
            v[len - 1] = (char)(key[len - 1] + 1);
            expect_as_scan(lx, side, v, len);
            v[len - 1] = (char)(key[len - 1] - 1);
            expect_as_scan(lx, side, v, len);
        }
    expect_as_scan(lx, side, "", 0);
    expect_as_scan(lx, side, "!", 1);      /* below every key */
    expect_as_scan(lx, side, "\xff\xff", 2); /* above every key */
}

static void test_lexicon_find__equals_a_scan(void **state)
{
    (void)state;
    pdx_buf b = {0};
    fx_encode(&b);
    uint8_t *d = copy_of(b.data, b.len);
    /* the fixture has the runs it is meant to have */
    pdx_lexicon *lx = NULL;
    assert_int_equal(pdx_lexicon_open(&lx, d, b.len), PDX_OK);
    uint32_t first, count;
    assert_int_equal(pdx_lexicon_find(lx, PDX_LEX_EN, fx_en[0], strlen(fx_en[0]), &first,
                                      &count),
                     PDX_OK);
    assert_int_equal(count, N_KO);
    assert_int_equal(pdx_lexicon_find(lx, PDX_LEX_KO, fx_ko[0], strlen(fx_ko[0]), &first,
                                      &count),
                     PDX_OK);
    assert_int_equal(count, N_EN);
    for (int side = 0; side < 2; side++)
        expect_keys_as_scan(lx, (pdx_lex_side)side);
    pdx_lexicon_free(lx);
    /* lazily opened: the first lookups check the strings they read, the
     * later ones find them checked; same answers */
    assert_int_equal(pdx_lexicon_open_lazy(&lx, d, b.len), PDX_OK);
    for (int round = 0; round < 2; round++)
        for (int side = 0; side < 2; side++)
            expect_keys_as_scan(lx, (pdx_lex_side)side);
    assert_int_equal(pdx_lexicon_error(lx), PDX_OK);
    pdx_lexicon_free(lx);
    free(d);
    pdx_buf_free(&b);
}

/* ---- damage met by a lookup ---- */

#define LEX_HEADER 32 /* bytes of the header */
#define LEX_REC 16    /* bytes of a PAIRS record */

/* Byte offset in blob d (n pairs) of the bytes of the string that the u32
 * at field_off points at (the length varint skipped: strings here are
 * shorter than 128 bytes). */
static size_t string_bytes_at(const uint8_t *d, uint32_t n, size_t field_off)
{
    return LEX_HEADER + (size_t)20 * n + pdx_get_u32(d + field_off) + 1;
}

/* The PAIRS ordinal of English rank r. */
static uint32_t en_ordinal(const uint8_t *d, uint32_t n, uint32_t r)
{
    return pdx_get_u32(d + LEX_HEADER + (size_t)LEX_REC * n + 4 * (size_t)r);
}

/* Asserts that lx's fault is code with exactly "byte offset OFF: WHAT". */
static void expect_fault(const pdx_lexicon *lx, int code, size_t off, const char *what)
{
    char want[160];
    snprintf(want, sizeof want, "lexicon: byte offset %zu: %s", off, what);
    assert_int_equal(pdx_lexicon_error(lx), code);
    assert_string_equal(pdx_lexicon_errmsg(lx), want);
}

/* Every key of the fixture looked up on side, and with near_misses each
 * key less its last byte after it; returns the first failure. */
static int find_keys(const pdx_lexicon *lx, pdx_lex_side side, bool near_misses)
{
    const char *const *keys = side == PDX_LEX_KO ? fx_ko : fx_en;
    size_t n = side == PDX_LEX_KO ? N_KO : N_EN;
    for (size_t i = 0; i < n; i++) {
        uint32_t first, count;
        int rc = pdx_lexicon_find(lx, side, keys[i], strlen(keys[i]), &first, &count);
        if (rc == PDX_OK && near_misses)
            rc = pdx_lexicon_find(lx, side, keys[i], strlen(keys[i]) - 1, &first, &count);
        if (rc)
            return rc;
    }
    return PDX_OK;
}

/* Every key of the fixture looked up on side; returns the first failure. */
static int find_all(const pdx_lexicon *lx, pdx_lex_side side)
{
    return find_keys(lx, side, false);
}

/* A damaged Korean key string at the binary search's first probe (the
 * middle rank): every lookup on either side is refused with the string's
 * byte offset, and the fault sticks. */
static void test_lexicon_find__damaged_korean_key_refused(void **state)
{
    (void)state;
    pdx_buf b = {0};
    fx_encode(&b);
    uint8_t *d = copy_of(b.data, b.len);
    uint32_t n = pdx_get_u32(d + 12);
    size_t at = string_bytes_at(d, n, LEX_HEADER + (size_t)LEX_REC * (n / 2));
    d[at] = 0xff; /* never in UTF-8 */
    pdx_lexicon *lx = NULL;
    assert_int_equal(pdx_lexicon_open_lazy(&lx, d, b.len), PDX_OK);
    uint32_t first, count;
    assert_int_equal(pdx_lexicon_find(lx, PDX_LEX_KO, "확산", strlen("확산"), &first, &count),
                     PDX_ECORRUPT);
    expect_fault(lx, PDX_ECORRUPT, at, "bad Korean terms string");
    /* it sticks: another key, the other side, a get */
    assert_int_equal(pdx_lexicon_find(lx, PDX_LEX_KO, "가", strlen("가"), &first, &count),
                     PDX_ECORRUPT);
    assert_int_equal(find_all(lx, PDX_LEX_EN), PDX_ECORRUPT);
    pdx_lex_pair p;
    assert_int_equal(pdx_lexicon_get(lx, PDX_LEX_EN, 0, &p), PDX_ECORRUPT);
    expect_fault(lx, PDX_ECORRUPT, at, "bad Korean terms string");
    pdx_lexicon_free(lx);
    /* the full open names the same place */
    assert_int_equal(pdx_lexicon_open(&lx, d, b.len), PDX_ECORRUPT);
    pdx_lexicon_free(lx);
    free(d);
    pdx_buf_free(&b);
}

/* An English key string out of the joined form at the English first probe:
 * Korean lookups, which read only Korean strings, pass over it (every
 * record's Korean side checked), and then the first English lookup is
 * refused: a side found valid does not vouch for the other. */
static void test_lexicon_find__damaged_english_key_refused(void **state)
{
    (void)state;
    pdx_buf b = {0};
    fx_encode(&b);
    uint8_t *d = copy_of(b.data, b.len);
    uint32_t n = pdx_get_u32(d + 12);
    uint32_t ord = en_ordinal(d, n, n / 2);
    size_t at = string_bytes_at(d, n, LEX_HEADER + (size_t)LEX_REC * ord + 4);
    d[at] = 0x1f; /* valid UTF-8, but no term has a control byte */
    pdx_lexicon *lx = NULL;
    assert_int_equal(pdx_lexicon_open_lazy(&lx, d, b.len), PDX_OK);
    assert_int_equal(find_all(lx, PDX_LEX_KO), PDX_OK);
    uint32_t first, count;
    assert_int_equal(pdx_lexicon_find(lx, PDX_LEX_EN, "rl", 2, &first, &count), PDX_ECORRUPT);
    expect_fault(lx, PDX_ECORRUPT, at, "bad English terms string");
    assert_int_equal(find_all(lx, PDX_LEX_KO), PDX_ECORRUPT);
    pdx_lexicon_free(lx);
    /* out of STRINGS altogether: the offset named is the record's field */
    memcpy(d, b.data, b.len);
    size_t field = LEX_HEADER + (size_t)LEX_REC * ord + 4;
    pdx_put_u32(d + field, 0xfffffff0u);
    assert_int_equal(pdx_lexicon_open_lazy(&lx, d, b.len), PDX_OK);
    assert_int_equal(find_all(lx, PDX_LEX_EN), PDX_ECORRUPT);
    expect_fault(lx, PDX_ECORRUPT, field, "bad English terms string");
    pdx_lexicon_free(lx);
    free(d);
    pdx_buf_free(&b);
}

/* A damaged surface: lookups, which compare terms only, answer; the record
 * is still checked whole when pdx_lexicon_get reads it, after lookups read
 * its terms. */
static void test_lexicon_find__get_checks_what_find_skipped(void **state)
{
    (void)state;
    pdx_buf b = {0};
    fx_encode(&b);
    uint8_t *d = copy_of(b.data, b.len);
    uint32_t n = pdx_get_u32(d + 12);
    uint32_t i = n / 2;
    size_t at = string_bytes_at(d, n, LEX_HEADER + (size_t)LEX_REC * i + 8);
    d[at] = 0x80; /* a continuation byte first: not UTF-8 */
    pdx_lexicon *lx = NULL;
    assert_int_equal(pdx_lexicon_open_lazy(&lx, d, b.len), PDX_OK);
    assert_int_equal(find_all(lx, PDX_LEX_KO), PDX_OK);
    assert_int_equal(find_all(lx, PDX_LEX_EN), PDX_OK);
    pdx_lex_pair p;
    assert_int_equal(pdx_lexicon_get(lx, PDX_LEX_KO, i, &p), PDX_ECORRUPT);
    expect_fault(lx, PDX_ECORRUPT, at, "bad Korean surface string");
    pdx_lexicon_free(lx);
    free(d);
    pdx_buf_free(&b);
}

/* Points the `side` terms of rank r at those of rank 0 (the smallest key):
 * placed in or right after a later run, that rank sorts below its
 * neighbours. */
static void point_at_rank0(uint8_t *d, uint32_t n, pdx_lex_side side, uint32_t r)
{
    uint32_t ord_r = side == PDX_LEX_KO ? r : en_ordinal(d, n, r);
    uint32_t ord_0 = side == PDX_LEX_KO ? 0 : en_ordinal(d, n, 0);
    size_t field = side == PDX_LEX_KO ? 0 : 4;
    pdx_put_u32(d + LEX_HEADER + (size_t)LEX_REC * ord_r + field,
                pdx_get_u32(d + LEX_HEADER + (size_t)LEX_REC * ord_0 + field));
}

/* A rank in a run's tail, or right after it, that sorts below the run's
 * key: a lookup of that key either does not reach it (its binary search
 * may land elsewhere: only the full check sees every rank) or steps onto it
 * and refuses, naming the rank's slot; some position of the damage is met
 * by the step, and the full check refuses every one. */
static void test_lexicon_find__disorder_after_a_run_refused(void **state)
{
    (void)state;
    pdx_buf b = {0};
    fx_encode(&b);
    uint8_t *d = copy_of(b.data, b.len);
    uint32_t n = pdx_get_u32(d + 12);
    pdx_lexicon *good = NULL;
    assert_int_equal(pdx_lexicon_open(&good, b.data, b.len), PDX_OK);
    for (int side = 0; side < 2; side++) {
        pdx_lex_side sd = (pdx_lex_side)side;
        const char *key = side == PDX_LEX_KO ? fx_ko[0] : fx_en[0]; /* the longest runs */
        uint32_t first, count;
        assert_int_equal(pdx_lexicon_find(good, sd, key, strlen(key), &first, &count), PDX_OK);
        assert_true(first > 0 && count > 2 && first + count < n);
        size_t refused = 0;
        for (uint32_t r = first + 1; r <= first + count; r++) {
            memcpy(d, b.data, b.len);
            point_at_rank0(d, n, sd, r);
            pdx_lexicon *lx = NULL;
            assert_int_equal(pdx_lexicon_open_lazy(&lx, d, b.len), PDX_OK);
            int rc = pdx_lexicon_find(lx, sd, key, strlen(key), &first, &count);
            if (rc != PDX_OK) {
                assert_int_equal(rc, PDX_ECORRUPT);
                size_t slot = side == PDX_LEX_KO
                                  ? LEX_HEADER + (size_t)LEX_REC * r
                                  : LEX_HEADER + (size_t)LEX_REC * n + 4 * (size_t)r;
                expect_fault(lx, PDX_ECORRUPT, slot,
                             side == PDX_LEX_KO ? "pairs out of order or repeated"
                                                : "English order: out of order");
                refused++;
            }
            assert_int_equal(pdx_lexicon_verify(lx), PDX_ECORRUPT);
            pdx_lexicon_free(lx);
            assert_int_equal(pdx_lexicon_open(&lx, d, b.len), PDX_ECORRUPT);
            pdx_lexicon_free(lx);
        }
        assert_true(refused > 0);
    }
    pdx_lexicon_free(good);
    free(d);
    pdx_buf_free(&b);
}

/* After a few lookups on a side, keys are found through a hash index of
 * that side's keys, built from the strings as they are. A key string out
 * of bounds when it is built must not make its key look absent: the lookup
 * of that key still reads the record and refuses it. */
static void test_lexicon_find__index_keeps_damage_visible(void **state)
{
    (void)state;
    pdx_buf b = {0};
    fx_encode(&b);
    uint8_t *d = copy_of(b.data, b.len);
    uint32_t n = pdx_get_u32(d + 12);
    pdx_lexicon *good = NULL;
    assert_int_equal(pdx_lexicon_open(&good, b.data, b.len), PDX_OK);
    for (int side = 0; side < 2; side++) {
        pdx_lex_side sd = (pdx_lex_side)side;
        /* the last key's strings, in every pair that has it, out of bounds */
        pdx_lex_pair last;
        assert_int_equal(pdx_lexicon_get(good, sd, n - 1, &last), PDX_OK);
        const char *key;
        size_t key_len;
        side_terms(&last, sd, &key, &key_len);
        uint32_t first, count;
        assert_int_equal(pdx_lexicon_find(good, sd, key, key_len, &first, &count), PDX_OK);
        assert_int_equal(first + count, n);
        memcpy(d, b.data, b.len);
        for (uint32_t r = first; r < n; r++) {
            uint32_t ord = side == PDX_LEX_KO ? r : en_ordinal(d, n, r);
            pdx_put_u32(d + LEX_HEADER + (size_t)LEX_REC * ord + (side == PDX_LEX_KO ? 0 : 4),
                        0xfffffff0u);
        }
        pdx_lexicon *lx = NULL;
        assert_int_equal(pdx_lexicon_open_lazy(&lx, d, b.len), PDX_OK);
        /* many lookups of a key below all others (which need not read the
         * last ranks): the side's index is built meanwhile */
        for (int i = 0; i < 200; i++) {
            assert_int_equal(pdx_lexicon_find(lx, sd, "!", 1, &first, &count), PDX_OK);
            assert_int_equal(count, 0);
        }
        assert_int_equal(pdx_lexicon_find(lx, sd, key, key_len, &first, &count), PDX_ECORRUPT);
        assert_non_null(strstr(pdx_lexicon_errmsg(lx), side == PDX_LEX_KO
                                                           ? "bad Korean terms string"
                                                           : "bad English terms string"));
        pdx_lexicon_free(lx);
    }
    pdx_lexicon_free(good);
    free(d);
    pdx_buf_free(&b);
}

/* Lookups of a key below all others, enough for the side's index to be
 * built: a binary search for it probes the middle rank, then ever lower
 * ones, never the last. */
static void build_index(const pdx_lexicon *lx, pdx_lex_side side)
{
    for (int i = 0; i < 40; i++) {
        uint32_t first, count;
        assert_int_equal(pdx_lexicon_find(lx, side, "!", 1, &first, &count), PDX_OK);
        assert_int_equal(count, 0);
    }
}

/* The index names a rank; its key string is then read as a search probe
 * reads it, checked. The first rank of each side's last key gets a byte no
 * UTF-8 has (the same length, so the string still fits): looked up as its
 * damaged bytes spell it, the index leads to that rank and the lookup is
 * refused with the string's byte offset. */
static void test_lexicon_find__index_checks_the_rank_it_names(void **state)
{
    (void)state;
    pdx_buf b = {0};
    fx_encode(&b);
    uint8_t *d = copy_of(b.data, b.len);
    uint32_t n = pdx_get_u32(d + 12);
    pdx_lexicon *good = NULL;
    assert_int_equal(pdx_lexicon_open(&good, b.data, b.len), PDX_OK);
    for (int side = 0; side < 2; side++) {
        pdx_lex_side sd = (pdx_lex_side)side;
        pdx_lex_pair p;
        const char *key;
        size_t key_len;
        uint32_t first, count;
        assert_int_equal(pdx_lexicon_get(good, sd, n - 1, &p), PDX_OK);
        side_terms(&p, sd, &key, &key_len);
        assert_int_equal(pdx_lexicon_find(good, sd, key, key_len, &first, &count), PDX_OK);
        assert_int_equal(pdx_lexicon_get(good, sd, first, &p), PDX_OK);
        side_terms(&p, sd, &key, &key_len); /* the first rank's own string */
        char bad[64];
        assert_true(key_len <= sizeof bad);
        memcpy(bad, key, key_len);
        bad[key_len - 1] = (char)0xff;
        memcpy(d, b.data, b.len);
        size_t at = (size_t)((const uint8_t *)key - b.data);
        d[at + key_len - 1] = 0xff;
        pdx_lexicon *lx = NULL;
        assert_int_equal(pdx_lexicon_open_lazy(&lx, d, b.len), PDX_OK);
        build_index(lx, sd);
        assert_int_equal(pdx_lexicon_find(lx, sd, bad, key_len, &first, &count), PDX_ECORRUPT);
        expect_fault(lx, PDX_ECORRUPT, at,
                     side == PDX_LEX_KO ? "bad Korean terms string" : "bad English terms string");
        pdx_lexicon_free(lx);
    }
    pdx_lexicon_free(good);
    free(d);
    pdx_buf_free(&b);
}

/* Every key of the fixture and its near misses looked up on both sides, in
 * rounds, so that each side's index is built from the bytes as they are
 * and then used. Returns the first failure. */
static int find_rounds(const pdx_lexicon *lx)
{
    for (int round = 0; round < 3; round++)
        for (int side = 0; side < 2; side++) {
            int rc = find_keys(lx, (pdx_lex_side)side, true);
            if (rc)
                return rc;
        }
    return PDX_OK;
}

/* Hostile bytes under the index: every byte of the blob set to a few
 * values, no checksum restamped; lookups (the index built from the damaged
 * bytes, then used) answer or fail with PDX_ECORRUPT naming a byte offset,
 * which sticks; never a crash or a read out of bounds (ASan/UBSan run this
 * too). */
static void test_lexicon_find__index_on_hostile_bytes(void **state)
{
    (void)state;
    pdx_buf b = {0};
    fx_encode(&b);
    static const uint8_t vals[] = {0x00, 0x20, 0x80, 0xff};
    size_t refused = 0;
    for (size_t at = 32; at < b.len; at++)
        for (size_t v = 0; v < sizeof vals; v++) {
            uint8_t *d = copy_of(b.data, b.len);
            d[at] = vals[v];
            pdx_lexicon *lx = NULL;
            assert_int_equal(pdx_lexicon_open_lazy(&lx, d, b.len), PDX_OK);
            int rc = find_rounds(lx);
            if (rc != PDX_OK) {
                assert_int_equal(rc, PDX_ECORRUPT);
                assert_non_null(strstr(pdx_lexicon_errmsg(lx), "byte offset"));
                assert_int_equal(find_rounds(lx), PDX_ECORRUPT);
                refused++;
            }
            pdx_lexicon_free(lx);
            free(d);
        }
    assert_true(refused > 0);
    pdx_buf_free(&b);
}

/* One thread's lookups on a shared lexicon, started together with the
 * others so that several of them build a side's index at once. */
typedef struct racer {
    const pdx_lexicon *lx;     /* shared, lazily opened */
    const pdx_lexicon *good;   /* an intact copy, for the answers */
    pthread_barrier_t *start;  /* all threads leave it together */
    int bad;                   /* lookups whose answer differed from good's */
} racer;

static void *race_lookups(void *arg)
{
    racer *r = arg;
    pthread_barrier_wait(r->start);
    for (int round = 0; round < 4; round++)
        for (int side = 0; side < 2; side++) {
            const char *const *keys = side == PDX_LEX_KO ? fx_ko : fx_en;
            size_t n = side == PDX_LEX_KO ? N_KO : N_EN;
            for (size_t i = 0; i < n; i++) {
                uint32_t f1 = 0, c1 = 0, f2 = 0, c2 = 0;
                int rc = pdx_lexicon_find(r->lx, (pdx_lex_side)side, keys[i], strlen(keys[i]),
                                          &f1, &c1);
                pdx_lexicon_find(r->good, (pdx_lex_side)side, keys[i], strlen(keys[i]), &f2,
                                 &c2);
                r->bad += rc != PDX_OK || c1 != c2 || (c1 && f1 != f2);
            }
        }
    return NULL;
}

/* Searchers in several threads share an index's lexicon: threads that
 * build a side's index at the same time keep the first one published and
 * free theirs, and answer as one thread does; on a lexicon whose build
 * meets damage (every thread's build gives the no-index marker) nothing is
 * freed that was not allocated. ASan/UBSan run this too. */
static void test_lexicon_find__index_built_by_racing_threads(void **state)
{
    (void)state;
    pdx_buf b = {0};
    fx_encode(&b);
    uint32_t n = pdx_get_u32(b.data + 12);
    pdx_lexicon *good = NULL;
    assert_int_equal(pdx_lexicon_open(&good, b.data, b.len), PDX_OK);
    uint8_t *d = copy_of(b.data, b.len);
    for (int damaged = 0; damaged < 2; damaged++)
        for (int trial = 0; trial < 20; trial++) {
            memcpy(d, b.data, b.len);
            if (damaged) /* the last Korean rank's string out of bounds */
                pdx_put_u32(d + LEX_HEADER + (size_t)LEX_REC * (n - 1), 0xfffffff0u);
            pdx_lexicon *lx = NULL;
            assert_int_equal(pdx_lexicon_open_lazy(&lx, d, b.len), PDX_OK);
            enum { THREADS = 4 };
            pthread_barrier_t start;
            assert_int_equal(pthread_barrier_init(&start, NULL, THREADS), 0);
            racer r[THREADS];
            pthread_t th[THREADS];
            for (int i = 0; i < THREADS; i++) {
                r[i] = (racer){lx, good, &start, 0};
                assert_int_equal(pthread_create(&th[i], NULL, race_lookups, &r[i]), 0);
            }
            int bad = 0;
            for (int i = 0; i < THREADS; i++) {
                assert_int_equal(pthread_join(th[i], NULL), 0);
                bad += r[i].bad;
            }
            pthread_barrier_destroy(&start);
            if (damaged) /* some lookup reads the damaged rank: refused, and it sticks */
                assert_int_equal(pdx_lexicon_error(lx), PDX_ECORRUPT);
            else
                assert_int_equal(bad, 0);
            pdx_lexicon_free(lx);
        }
    free(d);
    pdx_lexicon_free(good);
    pdx_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lexicon_find__equals_a_scan),
        cmocka_unit_test(test_lexicon_find__damaged_korean_key_refused),
        cmocka_unit_test(test_lexicon_find__damaged_english_key_refused),
        cmocka_unit_test(test_lexicon_find__get_checks_what_find_skipped),
        cmocka_unit_test(test_lexicon_find__disorder_after_a_run_refused),
        cmocka_unit_test(test_lexicon_find__index_keeps_damage_visible),
        cmocka_unit_test(test_lexicon_find__index_checks_the_rank_it_names),
        cmocka_unit_test(test_lexicon_find__index_on_hostile_bytes),
        cmocka_unit_test(test_lexicon_find__index_built_by_racing_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
