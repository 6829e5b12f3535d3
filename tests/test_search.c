/*
 * Searching: BM25 scores equal hand-computed values, the vote boost
 * reorders as the formula says, and every operator of the query language
 * (AND, OR, exclusion, phrases, fields, prefixes, filters, sorting,
 * paging, partial matches, Korean compounds and particles) finds exactly
 * the papers it should.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common.h"
#include "fixtures.h"
#include "paperdex/paperdex.h"
#include "paperdex/search.h"

typedef struct fdoc {
    const char *id, *title, *authors, *summary;
    int32_t date;
    int64_t votes;
} fdoc;

/* Tokens are chosen so the stemmer leaves them alone. */
static const fdoc docs[] = {
    {"2401.00001", "alpha beta", "Ann Lee", "alpha gamma gamma", 20240101, 10},
    {"2401.00002", "beta delta", "Bob Kim", "alpha alpha beta", 20240102, -1},
    {"2401.00003", "gamma", "Ann Lee\nCara Diaz", "delta epsilon", 20240103, 0},
    {"2401.00004", "video work", "Dana Cho", "a text-to-video generation model", 20240104, 3},
    {"2401.00005", "강화 학습 정책", "Eun Seo", "강화 학습을 사용하는 diffusion 모델입니다", 20240105,
     7},
    {"2401.00006", "보상 설계", "Eun Seo", "강화학습이 어렵다는 점을 다룹니다", 20240106, 1},
    {"2401.00007", "twin", "Zed Roe", "omega omega", 20240107, 5},
    {"2401.00008", "twin", "Zed Roe", "omega omega", 20240107, 50},
};
#define NDOCS (sizeof docs / sizeof docs[0])

typedef struct env {
    char *dir;
    pdx_index *ix;
    pdx_searcher *s;
} env;

static int setup(void **state)
{
    env *e = calloc(1, sizeof *e);
    assert_non_null(e);
    e->dir = fx_tmpdir();
    char *idx = fx_path(e->dir, "t.idx");
    pdx_writer *w;
    assert_int_equal(pdx_writer_new(&w, idx, NULL), PDX_OK);
    for (size_t i = 0; i < NDOCS; i++) {
        const fdoc *d = &docs[i];
        char url[64];
        snprintf(url, sizeof url, "https://arxiv.org/abs/%s", d->id);
        pdx_paper p = {.id = d->id,
                       .id_len = strlen(d->id),
                       .url = url,
                       .url_len = strlen(url),
                       .title = d->title,
                       .title_len = strlen(d->title),
                       .authors = d->authors,
                       .authors_len = strlen(d->authors),
                       .summary = d->summary,
                       .summary_len = strlen(d->summary),
                       .date = d->date,
                       .votes = d->votes,
                       .file = "fixture.md",
                       .line = (uint32_t)i + 1};
        assert_int_equal(pdx_writer_add(w, &p), PDX_OK);
    }
    assert_int_equal(pdx_writer_commit(w, NULL), PDX_OK);
    pdx_writer_free(w);
    char err[512];
    assert_int_equal(pdx_index_open(&e->ix, idx, err, sizeof err), PDX_OK);
    assert_int_equal(pdx_searcher_new(&e->s, e->ix), PDX_OK);
    free(idx);
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    env *e = *state;
    pdx_searcher_free(e->s);
    pdx_index_close(e->ix);
    fx_rmtree(e->dir);
    free(e);
    return 0;
}

/* Runs a query; returns the hits' fixture indexes as "i,j,k" (partial hits
 * suffixed with 'p'). */
static char *run(env *e, const char *query, const pdx_search_opts *o, pdx_results *out)
{
    static char buf[256];
    pdx_query *q;
    int rc = pdx_query_parse(&q, e->s, query, strlen(query));
    if (rc)
        fail_msg("parse '%s': %s", query, pdx_searcher_errmsg(e->s));
    pdx_results r;
    assert_int_equal(pdx_search(e->s, q, o, &r), PDX_OK);
    buf[0] = 0;
    for (size_t i = 0; i < r.n; i++) {
        pdx_hit_info h;
        assert_int_equal(pdx_hit_get(e->s, r.hits[i].doc, &h), PDX_OK);
        int idx = -1;
        for (size_t k = 0; k < NDOCS; k++)
            if (strlen(docs[k].id) == h.id_len && !memcmp(docs[k].id, h.id, h.id_len))
                idx = (int)k;
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%d%s", i ? "," : "", idx,
                 r.hits[i].partial ? "p" : "");
    }
    if (out)
        *out = r;
    else
        pdx_results_clear(&r);
    pdx_query_free(q);
    return buf;
}

/* Exact matching only: no partial matches to fill the page. */
static const char *q(env *e, const char *query)
{
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    o.no_partial = true;
    return run(e, query, &o, NULL);
}

/* ---- BM25 by hand ---- */

static double idf(double N, double df)
{
    return log(1 + (N - df + 0.5) / (df + 0.5));
}

static double bm25(double tf, double len, double avg, double df, double w)
{
    const double k1 = 1.2, b = 0.75, N = NDOCS;
    return w * idf(N, df) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avg));
}

static void search_bm25_by_hand(void **state)
{
    env *e = *state;
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    assert_true(o.k1 == 1.2 && o.b == 0.75);
    /* Field lengths in tokens, all 8 documents. */
    double title_len[] = {2, 2, 1, 2, 5, 3, 1, 1};
    double summ_len[] = {3, 3, 2, 6, 0, 0, 2, 2};
    (void)summ_len;
    double avg_title = 0;
    for (size_t i = 0; i < NDOCS; i++)
        avg_title += title_len[i];
    avg_title /= NDOCS;
    pdx_index_info info;
    pdx_index_info_get(e->ix, &info);
    assert_true(fabs(info.avg_len[0] - avg_title) < 1e-9);
    double avg_sum = info.avg_len[2];

    /* "alpha": title df 1 (doc 0), summary df 2 (doc 0 tf 1, doc 1 tf 2). */
    double w_t = o.field_weight[0], w_s = o.field_weight[2];
    double s0 = bm25(1, 2, avg_title, 1, w_t) + bm25(1, 3, avg_sum, 2, w_s);
    double s1 = bm25(2, 3, avg_sum, 2, w_s);
    o.vote_weight = 0;
    pdx_results r;
    run(e, "alpha", &o, &r);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.total, 2);
    assert_true(fabs(r.hits[0].score - s0) < 1e-6);
    assert_true(fabs(r.hits[1].score - s1) < 1e-6);
    pdx_results_clear(&r);

    /* With the vote boost: doc 0 has 10 votes, doc 1 unknown (counts 0). */
    o.vote_weight = 0.3;
    run(e, "alpha", &o, &r);
    assert_true(fabs(r.hits[0].score - s0 * (1 + 0.3 * log(11))) < 1e-6);
    assert_true(fabs(r.hits[1].score - s1) < 1e-6);
    pdx_results_clear(&r);

    /* Field weights change the score as documented. */
    pdx_search_opts_default(&o);
    o.vote_weight = 0;
    o.field_weight[0] = 0;
    run(e, "alpha", &o, &r);
    assert_true(fabs(r.hits[0].score - s1) < 1e-6 || fabs(r.hits[1].score - s1) < 1e-6);
    pdx_results_clear(&r);
}

static void search_vote_boost_order(void **state)
{
    env *e = *state;
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    /* Docs 6 and 7 are identical but for votes (5 and 50). */
    o.vote_weight = 0;
    pdx_results r;
    run(e, "twin", &o, &r);
    assert_int_equal(r.n, 2);
    assert_true(r.hits[0].score == r.hits[1].score);
    pdx_results_clear(&r);
    /* Same score and date: the tie goes to the smaller arXiv id. */
    assert_string_equal(run(e, "twin", &o, NULL), "6,7");
    o.vote_weight = 0.1;
    assert_string_equal(run(e, "twin", &o, NULL), "7,6");
    run(e, "twin", &o, &r);
    assert_true(fabs(r.hits[0].score / r.hits[1].score - (1 + 0.1 * log(51)) / (1 + 0.1 * log(6))) <
                1e-9);
    pdx_results_clear(&r);
}

static void search_operators(void **state)
{
    env *e = *state;
    assert_string_equal(q(e, "alpha delta"), "1");        /* AND */
    assert_string_equal(q(e, "epsilon OR omega"), "7,2,6"); /* OR */
    assert_string_equal(q(e, "alpha -gamma"), "1");       /* exclusion */
    assert_string_equal(q(e, "alpha -\"gamma gamma\""), "1");
    assert_string_equal(q(e, "\"gamma gamma\""), "0"); /* phrase */
    assert_string_equal(q(e, "\"alpha beta\""), "0,1"); /* title of 0, summary of 1 */
    assert_string_equal(q(e, "\"beta alpha\""), "");
    assert_string_equal(q(e, "\"text to video\""), "3"); /* across hyphens */
    assert_string_equal(q(e, "text-to-video"), "3");
    assert_string_equal(q(e, "\"to text\""), "");
}

static void search_fields(void **state)
{
    env *e = *state;
    assert_string_equal(q(e, "title:beta"), "0,1"); /* same BM25: votes decide */
    assert_string_equal(q(e, "summary:beta"), "1");
    assert_string_equal(q(e, "title:gamma"), "2");
    assert_string_equal(q(e, "author:\"Ann Lee\""), "0,2"); /* shorter field first */
    assert_string_equal(q(e, "author:\"Lee Cara\""), ""); /* not across two authors */
    assert_string_equal(q(e, "author:cara"), "2");
    assert_string_equal(q(e, "authors:kim"), "1");
    assert_string_equal(q(e, "title:alpha summary:delta"), "");
}

static void search_prefix(void **state)
{
    env *e = *state;
    assert_string_equal(q(e, "eps*"), "2");
    assert_string_equal(q(e, "gam*"), "2,0");
    assert_string_equal(q(e, "zzz*"), "");
}

static void search_filters(void **state)
{
    env *e = *state;
    assert_string_equal(q(e, "date:2024-01-02"), "1");
    assert_string_equal(q(e, "date:2024-01-02..2024-01-03"), "2,1"); /* newest first */
    assert_string_equal(q(e, "alpha date:2024-01"), "0,1");
    assert_string_equal(q(e, "alpha date:2023"), "");
    assert_string_equal(q(e, "votes:>=10"), "7,0");
    assert_string_equal(q(e, "votes:0"), "2");
    assert_string_equal(q(e, "alpha votes:>0"), "0"); /* unknown votes never pass */
    assert_string_equal(q(e, "votes:2..6"), "6,3");
    assert_string_equal(q(e, "votes:<1"), "2");
    assert_string_equal(q(e, "id:2401.00003"), "2");
    assert_string_equal(q(e, "gamma id:2401.00003"), "2");
    assert_string_equal(q(e, "alpha id:2401.00003"), "");
    assert_string_equal(q(e, "id:9999.99999"), "");
}

static void search_sort_and_paging(void **state)
{
    env *e = *state;
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    o.sort = PDX_SORT_VOTES; /* 50, 10, 7, 5, 3, 1, 0, unknown */
    assert_string_equal(run(e, "date:2024", &o, NULL), "7,0,4,6,3,5,2,1");
    o.sort = PDX_SORT_DATE;
    /* 6 and 7 share a date: the smaller arXiv id first */
    assert_string_equal(run(e, "date:2024", &o, NULL), "6,7,5,4,3,2,1,0");
    o.limit = 3;
    assert_string_equal(run(e, "date:2024", &o, NULL), "6,7,5");
    o.offset = 3;
    assert_string_equal(run(e, "date:2024", &o, NULL), "4,3,2");
    o.offset = 7;
    pdx_results r;
    assert_string_equal(run(e, "date:2024", &o, &r), "0");
    assert_int_equal(r.total, 8);
    pdx_results_clear(&r);
    o.offset = 20;
    assert_string_equal(run(e, "date:2024", &o, NULL), "");
}

static void search_partial(void **state)
{
    env *e = *state;
    pdx_results r;
    /* nothing has both: best partial matches, marked */
    assert_string_equal(run(e, "gamma zzzz", NULL, &r), "2p,0p");
    assert_int_equal(r.total, 0);
    assert_true(r.partial_used);
    pdx_results_clear(&r);
    /* full matches rank before partial ones */
    assert_string_equal(run(e, "alpha beta delta", NULL, &r), "1,0p,2p");
    assert_int_equal(r.total, 1);
    pdx_results_clear(&r);
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    o.no_partial = true;
    assert_string_equal(run(e, "gamma zzzz", &o, NULL), "");
}

static void search_korean(void **state)
{
    env *e = *state;
    /* compound with and without a space find the same papers */
    assert_string_equal(q(e, "강화학습"), "4,5");
    const char *spaced = q(e, "강화 학습");
    assert_true(!strcmp(spaced, "4,5") || !strcmp(spaced, "5,4"));
    assert_string_equal(q(e, "\"강화 학습\""), "4,5");
    /* a trailing particle does not stop a match: doc 5 says 학습이 */
    const char *part = q(e, "학습을");
    assert_true(!strcmp(part, "4,5") || !strcmp(part, "5,4"));
    /* but the word as written ranks first */
    assert_string_equal(q(e, "summary:강화학습이"), "5,4");
    assert_string_equal(q(e, "summary:강화학습을"), "4,5");
    /* mixed Korean and English */
    assert_string_equal(q(e, "diffusion 모델"), "4");
    assert_string_equal(q(e, "title:정책"), "4");
    assert_string_equal(q(e, "보상"), "5");
}

/* Small result sets get exact totals; past PDX_EXACT_TOTAL matches the
 * search may prune (MaxScore) and then says the total is an estimate, while
 * the hits stay exactly those of an exhaustive search. */
static void search_total_estimate(void **state)
{
    env *e = *state;
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    o.no_partial = true;
    o.limit = 1;
    pdx_results r;
    assert_string_equal(run(e, "강화학습", &o, &r), "4");
    assert_int_equal(r.total, 2);
    assert_false(r.total_estimated);
    pdx_results_clear(&r);

    /* 10 papers with "omega" in the title, then 1500 with it only in a
     * long summary: once 1000 are counted, the summary list cannot beat
     * the best title match and is only probed. */
    char *dir = fx_tmpdir(), *idx = fx_path(dir, "big.idx");
    pdx_writer *w;
    assert_int_equal(pdx_writer_new(&w, idx, NULL), PDX_OK);
    for (int i = 0; i < 1510; i++) {
        char id[32], title[64];
        snprintf(id, sizeof id, "2402.%05d", i);
        snprintf(title, sizeof title, i < 10 ? "omega %d" : "paper %d", i);
        const char *summary = i < 10 ? "short" : "omega and many other words in a summary";
        pdx_paper p = {.id = id, .id_len = strlen(id), .url = "", .title = title,
                       .title_len = strlen(title), .authors = "", .summary = summary,
                       .summary_len = strlen(summary), .date = 20240201, .votes = i % 7,
                       .file = "big.md", .line = (uint32_t)i + 1};
        assert_int_equal(pdx_writer_add(w, &p), PDX_OK);
    }
    assert_int_equal(pdx_writer_commit(w, NULL), PDX_OK);
    pdx_writer_free(w);
    char err[256];
    pdx_index *ix;
    pdx_searcher *s;
    assert_int_equal(pdx_index_open(&ix, idx, err, sizeof err), PDX_OK);
    assert_int_equal(pdx_searcher_new(&s, ix), PDX_OK);
    pdx_query *qq;
    assert_int_equal(pdx_query_parse(&qq, s, "omega", 5), PDX_OK);
    pdx_results pruned, all;
    assert_int_equal(pdx_search(s, qq, &o, &pruned), PDX_OK);
    assert_true(pruned.total_estimated);
    assert_true(pruned.total >= PDX_EXACT_TOTAL && pruned.total < 1510);
    o.sort = PDX_SORT_VOTES; /* sorting by votes never prunes */
    o.limit = 1510;
    assert_int_equal(pdx_search(s, qq, &o, &all), PDX_OK);
    assert_false(all.total_estimated);
    assert_int_equal(all.total, 1510);
    /* the pruned top hit is the best by score of all */
    double best = 0;
    uint32_t best_doc = 0;
    for (size_t i = 0; i < all.n; i++)
        if (all.hits[i].score > best)
            best = all.hits[i].score, best_doc = all.hits[i].doc;
    assert_int_equal(pruned.hits[0].doc, best_doc);
    pdx_results_clear(&pruned);
    pdx_results_clear(&all);
    pdx_query_free(qq);
    pdx_searcher_free(s);
    pdx_index_close(ix);
    free(idx);
    fx_rmtree(dir);
}

static void search_errors(void **state)
{
    env *e = *state;
    static const char *const bad[] = {"author:",       "date:2024-13", "date:20x4",
                                      "votes:>=abc",   "",             "-alpha",
                                      "date:2024-02-30", "alpha date:2024-02..2024-01"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pdx_query *qq;
        int rc = pdx_query_parse(&qq, e->s, bad[i], strlen(bad[i]));
        if (rc != PDX_EINVAL)
            fail_msg("'%s' gave %d", bad[i], rc);
        assert_null(qq);
        assert_true(strlen(pdx_searcher_errmsg(e->s)) > 10);
    }
    pdx_query *qq;
    assert_int_equal(pdx_query_parse(&qq, e->s, "foo:bar", 7), PDX_OK); /* plain text */
    pdx_query_free(qq);
    /* the bounds on a query's size */
    pdx_buf big = {0};
    for (int i = 0; i < PDX_MAX_QUERY_WORDS + 1; i++)
        pdx_buf_append(&big, "alpha ", 6);
    assert_int_equal(pdx_query_parse(&qq, e->s, (char *)big.data, big.len), PDX_EINVAL);
    assert_non_null(strstr(pdx_searcher_errmsg(e->s), "too long"));
    big.len -= 12; /* 255 words: fine */
    assert_int_equal(pdx_query_parse(&qq, e->s, (char *)big.data, big.len), PDX_OK);
    pdx_query_free(qq);
    pdx_buf_reset(&big);
    pdx_buf_putc(&big, '"');
    for (int i = 0; i < PDX_MAX_PHRASE_TERMS + 1; i++)
        pdx_buf_append(&big, "beta ", 5);
    pdx_buf_putc(&big, '"');
    assert_int_equal(pdx_query_parse(&qq, e->s, (char *)big.data, big.len), PDX_EINVAL);
    assert_non_null(strstr(pdx_searcher_errmsg(e->s), "terms"));
    pdx_buf_reset(&big);
    while (big.len <= PDX_MAX_QUERY_BYTES)
        pdx_buf_append(&big, "gamma", 5);
    assert_int_equal(pdx_query_parse(&qq, e->s, (char *)big.data, big.len), PDX_EINVAL);
    pdx_buf_free(&big);
    /* punctuation-only words and unbalanced quotes are not errors */
    assert_string_equal(q(e, "alpha - * \"gamma"), "0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(search_bm25_by_hand),   cmocka_unit_test(search_vote_boost_order),
        cmocka_unit_test(search_operators),      cmocka_unit_test(search_fields),
        cmocka_unit_test(search_prefix),         cmocka_unit_test(search_filters),
        cmocka_unit_test(search_sort_and_paging), cmocka_unit_test(search_partial),
        cmocka_unit_test(search_korean),         cmocka_unit_test(search_total_estimate),
        cmocka_unit_test(search_errors),
    };
    return cmocka_run_group_tests_name("search", tests, setup, teardown);
}
