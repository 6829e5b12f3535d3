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

typedef fx_paper fdoc;

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

typedef fx_search env;

static int setup(void **state)
{
    env *e = calloc(1, sizeof *e);
    assert_non_null(e);
    fx_search_open(e, docs, NDOCS);
    *state = e;
    return 0;
}

/* Runs a query; returns the hits' indexes in fd (docs by default) as
 * "i,j,k" (partial hits suffixed with 'p'). */
static char *run_flags(env *e, const fdoc *fd, size_t nfd, const char *query, unsigned flags,
                       const pdx_search_opts *o, pdx_results *out)
{
    static char buf[256];
    pdx_query *q;
    int rc = pdx_query_parse_flags(&q, e->s, query, strlen(query), flags);
    if (rc)
        fail_msg("parse '%s': %s", query, pdx_searcher_errmsg(e->s));
    pdx_results r;
    assert_int_equal(pdx_search(e->s, q, o, &r), PDX_OK);
    buf[0] = 0;
    for (size_t i = 0; i < r.n; i++) {
        pdx_hit_info h;
        assert_int_equal(pdx_hit_get(e->s, r.hits[i].doc, &h), PDX_OK);
        int idx = -1;
        for (size_t k = 0; k < nfd; k++)
            if (strlen(fd[k].id) == h.id_len && !memcmp(fd[k].id, h.id, h.id_len))
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

static char *run_in(env *e, const fdoc *fd, size_t nfd, const char *query,
                    const pdx_search_opts *o, pdx_results *out)
{
    return run_flags(e, fd, nfd, query, PDX_PARSE_DEFAULT, o, out);
}

static char *run(env *e, const char *query, const pdx_search_opts *o, pdx_results *out)
{
    return run_in(e, docs, NDOCS, query, o, out);
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
    /* Title lengths in tokens, all 8 documents (Hangul as bigrams). */
    double title_len[] = {2, 2, 1, 2, 5, 3, 1, 1};
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
    assert_true(fabs(r.hits[0].score - s0) < 1e-9);
    assert_true(fabs(r.hits[1].score - s1) < 1e-9);
    pdx_results_clear(&r);

    /* With the vote boost: doc 0 has 10 votes, doc 1 unknown (counts 0). */
    o.vote_weight = 0.3;
    run(e, "alpha", &o, &r);
    assert_true(fabs(r.hits[0].score - s0 * (1 + 0.3 * log(11))) < 1e-9);
    assert_true(fabs(r.hits[1].score - s1) < 1e-9);
    pdx_results_clear(&r);

    /* Field weights change the score as documented: without the title,
     * doc 0 keeps only its summary (tf 1) and falls behind doc 1 (tf 2). */
    pdx_search_opts_default(&o);
    o.vote_weight = 0;
    o.field_weight[0] = 0;
    assert_string_equal(run(e, "alpha", &o, &r), "1,0");
    assert_true(fabs(r.hits[0].score - s1) < 1e-9);
    assert_true(fabs(r.hits[1].score - bm25(1, 3, avg_sum, 2, w_s)) < 1e-9);
    pdx_results_clear(&r);
}

/* ---- the formula, on corpora made for it ---- */

/* Every summary is 10 terms with "alpha" and "beta" once each, so both
 * words score the same BM25 S in every paper; only their distance
 * differs. Dates rise, so a tie goes to the later paper. */
static const fdoc prox_docs[] = {
    {"2402.00001", "paper", "Ann Lee", "alpha beta zz zz zz zz zz zz zz zz", 20240201, 0},
    {"2402.00002", "paper", "Ann Lee", "alpha zz zz zz beta zz zz zz zz zz", 20240202, 0},
    {"2402.00003", "paper", "Ann Lee", "alpha zz zz zz zz beta zz zz zz zz", 20240203, 0},
    {"2402.00004", "paper", "Ann Lee", "alpha zz zz zz zz zz zz beta zz zz", 20240204, 0},
    {"2402.00005", "paper", "Ann Lee", "alpha zz zz zz zz zz zz zz beta zz", 20240205, 0},
    {"2402.00006", "paper", "Ann Lee", "beta zz alpha zz zz zz zz zz zz zz", 20240206, 0},
    {"2402.00007", "paper", "Ann Lee", "zz zz zz zz zz zz zz zz zz zz", 20240101, 0},
    {"2402.00008", "paper", "Ann Lee", "zz zz zz zz zz zz zz zz zz zz", 20240101, 0},
};
#define NPROX (sizeof prox_docs / sizeof prox_docs[0])

/* The pair weight of proximity, w / (w + 0.05) for a pair whose commoner
 * word has idf w (PDX_PROXIMITY_INFO in search.c). */
static double pair_weight(double w)
{
    return w / (w + 0.05);
}

/* In query order within 3 positions: + 0.5 x their BM25 x the pair
 * weight; within 6: half that; further, or out of order: nothing. */
static void search_proximity_bonus(void **state)
{
    (void)state;
    env e = {0};
    fx_search_open(&e, prox_docs, NPROX);
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    o.vote_weight = 0;
    /* summary: N 8, df 6, every length 10 = the average: tf_norm is 1 */
    double idf = log(1 + (8 - 6 + 0.5) / (6 + 0.5)), S = 2 * PDX_DEFAULT_W_SUMMARY * idf;
    double pw = pair_weight(idf);
    static const double bonus[] = {0.5, 0.5, 0.25, 0.25, 0, 0};
    pdx_results r;
    assert_string_equal(run_in(&e, prox_docs, NPROX, "alpha beta", &o, &r), "1,0,3,2,5,4");
    for (size_t i = 0; i < r.n; i++) {
        pdx_hit_info h;
        assert_int_equal(pdx_hit_get(e.s, r.hits[i].doc, &h), PDX_OK);
        int k = h.id[h.id_len - 1] - '1';
        double want = (1 + bonus[k] * pw) * S;
        if (fabs(r.hits[i].score - want) > 1e-9)
            fail_msg("paper %d: score %.17g, want %.17g", k, r.hits[i].score, want);
    }
    pdx_results_clear(&r);
    /* The best paper comes after the heap of one is full: it still gets
     * its bonus (and wins the tie with paper 0 by its newer date). */
    o.limit = 1;
    assert_string_equal(run_in(&e, prox_docs, NPROX, "alpha beta", &o, NULL), "1");
    /* the reverse order earns the bonus only where beta precedes alpha */
    o.limit = 10;
    assert_string_equal(run_in(&e, prox_docs, NPROX, "beta alpha", &o, &r), "5,4,3,2,1,0");
    assert_true(fabs(r.hits[0].score - (1 + 0.5 * pw) * S) < 1e-9);
    assert_true(fabs(r.hits[1].score - S) < 1e-9);
    pdx_results_clear(&r);
    fx_search_close(&e);
}

/* Two rare words ("quasar", "nebula": df 3 of 13) and three common ones
 * ("metric", "model", "result": df 11, 11, 10). Every summary is 10 terms
 * and no title or author has a query word, so a word scores the same in
 * every paper that has it. Paper 0 has the rare pair side by side, paper 1
 * far apart; papers 2-10 the common three side by side, paper 11 "metric"
 * and "model" far apart; paper 12 all five (the only full match of the
 * five-word query), and few votes against paper 0's many. */
static const fdoc weight_docs[] = {
    {"2404.00001", "paper", "Ann Lee", "quasar nebula zz zz zz zz zz zz zz zz", 20240401, 1000},
    {"2404.00002", "paper", "Ann Lee", "quasar zz zz zz zz zz zz zz zz nebula", 20240402, 0},
    {"2404.00003", "paper", "Ann Lee", "metric model result zz zz zz zz zz zz zz", 20240403, 0},
    {"2404.00004", "paper", "Ann Lee", "metric model result zz zz zz zz zz zz zz", 20240404, 0},
    {"2404.00005", "paper", "Ann Lee", "metric model result zz zz zz zz zz zz zz", 20240405, 0},
    {"2404.00006", "paper", "Ann Lee", "metric model result zz zz zz zz zz zz zz", 20240406, 0},
    {"2404.00007", "paper", "Ann Lee", "metric model result zz zz zz zz zz zz zz", 20240407, 0},
    {"2404.00008", "paper", "Ann Lee", "metric model result zz zz zz zz zz zz zz", 20240408, 0},
    {"2404.00009", "paper", "Ann Lee", "metric model result zz zz zz zz zz zz zz", 20240409, 0},
    {"2404.00010", "paper", "Ann Lee", "metric model result zz zz zz zz zz zz zz", 20240410, 0},
    {"2404.00011", "paper", "Ann Lee", "metric model result zz zz zz zz zz zz zz", 20240411, 0},
    {"2404.00012", "paper", "Ann Lee", "metric zz zz zz zz zz zz zz zz model", 20240412, 0},
    {"2404.00013", "paper", "Ann Lee", "quasar nebula metric model result zz zz zz zz zz",
     20240301, 1},
    /* for proximity only: a rare and a common word, side by side and far */
    {"2404.00014", "paper", "Ann Lee", "quasar metric zz zz zz zz zz zz zz zz", 20240414, 0},
    {"2404.00015", "paper", "Ann Lee", "quasar zz zz zz zz zz zz zz zz metric", 20240415, 0},
};
#define NWEIGHT 13 /* the papers for partial matches */
#define NWEIGHT_PROX (sizeof weight_docs / sizeof weight_docs[0])

/* Partial matches rank by the weight of what they match, not by how many
 * words: papers with the two rare words come before those with the three
 * common ones. The full match still ranks first, although paper 0's votes
 * give it the higher score. */
static void search_partial_by_weight(void **state)
{
    (void)state;
    env e = {0};
    fx_search_open(&e, weight_docs, NWEIGHT);
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    o.vote_weight = 10;
    o.limit = 5;
    pdx_results r;
    const char *q5 = "metric model result quasar nebula";
    assert_string_equal(run_in(&e, weight_docs, NWEIGHT, q5, &o, &r), "12,0p,1p,10p,9p");
    assert_int_equal(r.total, 1);
    assert_true(r.hits[1].score > r.hits[0].score);
    assert_int_equal(r.hits[1].matched, 2);
    assert_int_equal(r.hits[3].matched, 3);
    /* paper 1 (no votes, no proximity): its BM25 times its coverage, the
     * square of its words' share of the query's idf^0.1 */
    double idf_rare = log(1 + (13 - 3 + 0.5) / (3 + 0.5));
    double idf_11 = log(1 + (13 - 11 + 0.5) / (11 + 0.5)), idf_10 = log(1 + 3.5 / 10.5);
    double bm25_1 = 2 * PDX_DEFAULT_W_SUMMARY * idf_rare;
    double m_rare = pow(idf_rare, 0.1), m_11 = pow(idf_11, 0.1), m_10 = pow(idf_10, 0.1);
    double want = bm25_1 * pow(2 * m_rare / (2 * m_rare + 2 * m_11 + m_10), 2);
    if (fabs(r.hits[2].score - want) > 1e-9)
        fail_msg("partial score %.17g, want %.17g", r.hits[2].score, want);
    pdx_results_clear(&r);
    /* the same with the words in another order, and through the pruned
     * partial pass (a heap of one, then of two) */
    o.limit = 1;
    assert_string_equal(run_in(&e, weight_docs, NWEIGHT, "quasar metric nebula model result", &o,
                               NULL),
                        "12");
    o.limit = 2;
    assert_string_equal(run_in(&e, weight_docs, NWEIGHT, q5, &o, NULL), "12,0p");
    o.offset = 2;
    assert_string_equal(run_in(&e, weight_docs, NWEIGHT, q5, &o, NULL), "1p,10p");
    fx_search_close(&e);
}

/* Score of paper i of weight_docs for query, no vote boost. */
static double weight_score(env *e, const char *query, size_t want)
{
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    o.vote_weight = 0;
    o.no_partial = true;
    o.limit = NWEIGHT_PROX;
    pdx_results r;
    run_in(e, weight_docs, NWEIGHT_PROX, query, &o, &r);
    double score = -1;
    for (size_t i = 0; i < r.n; i++) {
        pdx_hit_info h;
        assert_int_equal(pdx_hit_get(e->s, r.hits[i].doc, &h), PDX_OK);
        if (h.id_len == strlen(weight_docs[want].id) &&
            !memcmp(h.id, weight_docs[want].id, h.id_len))
            score = r.hits[i].score;
    }
    pdx_results_clear(&r);
    assert_true(score > 0);
    return score;
}

/* A pair of common words side by side earns a smaller share of proximity
 * than a pair of rare ones: (side by side) / (far apart) is 1 + 0.5 x the
 * pair weight of the pair's commoner word, also when the other is rare.
 * (All 15 papers: quasar df 5, nebula 3, metric 13, model 11.) */
static void search_proximity_weighted(void **state)
{
    (void)state;
    env e = {0};
    fx_search_open(&e, weight_docs, NWEIGHT_PROX);
    double rare = weight_score(&e, "quasar nebula", 0) / weight_score(&e, "quasar nebula", 1);
    double common = weight_score(&e, "metric model", 2) / weight_score(&e, "metric model", 11);
    double mixed = weight_score(&e, "quasar metric", 13) / weight_score(&e, "quasar metric", 14);
    double idf_nebula = log(1 + (15 - 3 + 0.5) / (3 + 0.5));
    double idf_quasar = log(1 + (15 - 5 + 0.5) / (5 + 0.5));
    double idf_model = log(1 + (15 - 11 + 0.5) / (11 + 0.5));
    double idf_metric = log(1 + (15 - 13 + 0.5) / (13 + 0.5));
    assert_true(common < rare);
    if (fabs(rare - (1 + 0.5 * pair_weight(PDX_MIN(idf_quasar, idf_nebula)))) > 1e-9 ||
        fabs(common - (1 + 0.5 * pair_weight(PDX_MIN(idf_metric, idf_model)))) > 1e-9 ||
        fabs(mixed - (1 + 0.5 * pair_weight(idf_metric))) > 1e-9)
        fail_msg("proximity ratios %.17g (rare), %.17g (common), %.17g (mixed)", rare, common,
                 mixed);
    fx_search_close(&e);
}

/* "omega" in one field of each of three papers; lengths chosen by hand:
 * title 3,1,2,1 (avg 1.75), authors 2 each, summary 4,2,6,3 (avg 3.75). */
static const fdoc formula_docs[] = {
    {"2403.00001", "omega omega zz", "Ann Lee", "zz zz zz zz", 20240301, 0},
    {"2403.00002", "zz", "Omega Kim", "zz zz", 20240302, 0},
    {"2403.00003", "zz zz", "Bo Ra", "omega zz zz omega omega zz", 20240303, 0},
    {"2403.00004", "zz", "Ann Lee", "zz zz zz", 20240304, 0},
};
#define NFORMULA (sizeof formula_docs / sizeof formula_docs[0])

/* BM25 of "omega" in paper i of formula_docs, by hand (df 1 per field). */
static double formula_score(size_t i, const pdx_search_opts *o)
{
    static const double tf[] = {2, 1, 3}, len[] = {3, 2, 6}, avg[] = {1.75, 2, 3.75};
    double k1 = o->k1, b = o->b, idf1 = log(1 + (4 - 1 + 0.5) / (1 + 0.5));
    return o->field_weight[i] * idf1 * tf[i] * (k1 + 1) /
           (tf[i] + k1 * (1 - b + b * len[i] / avg[i]));
}

static void search_field_weights_k1_b(void **state)
{
    (void)state;
    env e = {0};
    fx_search_open(&e, formula_docs, NFORMULA);
    pdx_index_info info;
    pdx_index_info_get(e.ix, &info);
    assert_true(info.avg_len[0] == 1.75 && info.avg_len[1] == 2 && info.avg_len[2] == 3.75);
    static const double params[][5] = {
        /* k1, b, w_title, w_authors, w_summary */
        {PDX_DEFAULT_K1, PDX_DEFAULT_B, PDX_DEFAULT_W_TITLE, PDX_DEFAULT_W_AUTHORS,
         PDX_DEFAULT_W_SUMMARY},
        {1.2, 0.75, 2, 0.5, 3},   /* field weights */
        {2.0, 0.3, 1.5, 1, 0.8},  /* k1, b */
        {0, 0.75, 1.5, 1, 0.8},   /* k1 0: tf and length ignored */
        {1.2, 0, 1.5, 1, 0.8},    /* b 0: length ignored */
        {1.2, 1, 1.5, 1, 0.8},    /* b 1: fully normalized */
        {10, 0.5, 100, 0, 0.01},  /* the bounds */
    };
    for (size_t t = 0; t < sizeof params / sizeof params[0]; t++) {
        pdx_search_opts o;
        pdx_search_opts_default(&o);
        o.vote_weight = 0;
        o.k1 = params[t][0];
        o.b = params[t][1];
        for (int f = 0; f < 3; f++)
            o.field_weight[f] = params[t][2 + f];
        pdx_results r;
        run_in(&e, formula_docs, NFORMULA, "omega", &o, &r);
        assert_int_equal(r.n, 3);
        for (size_t i = 0; i < r.n; i++) {
            pdx_hit_info h;
            assert_int_equal(pdx_hit_get(e.s, r.hits[i].doc, &h), PDX_OK);
            size_t k = (size_t)(h.id[h.id_len - 1] - '1');
            double want = formula_score(k, &o);
            if (fabs(r.hits[i].score - want) > 1e-9)
                fail_msg("params %zu, paper %zu: score %.17g, want %.17g", t, k, r.hits[i].score,
                         want);
        }
        pdx_results_clear(&r);
    }
    fx_search_close(&e);
}

/* A prefix expands to the 128 most frequent terms: pfx000..pfx127 are in
 * two papers each, pfx128 and pfx129 (the last in term order, so an
 * expansion by term order would keep them) in one each. */
/* The i-th of the prefix test's words: "pfx" and two consonants, no digit
 * (a digit after letters would split the word) and no vowel or s (nothing
 * for the stemmer to change). */
static void pfx_word(char *w, size_t n, int i)
{
    static const char c[] = "bcdfghjklmnpqrtvwxz"; /* 19 */
    snprintf(w, n, "pfx%c%c", c[i / 19], c[i % 19]);
}

static void search_prefix_cap(void **state)
{
    (void)state;
    char w128[8], w129[8];
    pfx_word(w128, sizeof w128, 128);
    pfx_word(w129, sizeof w129, 129);
    fdoc fd[4] = {
        {"2404.00001", "one", "Ann Lee", NULL, 20240401, 0},
        {"2404.00002", "two", "Ann Lee", NULL, 20240402, 0},
        {"2404.00003", "three", "Ann Lee", w128, 20240403, 0},
        {"2404.00004", "four", "Ann Lee", w129, 20240404, 0},
    };
    pdx_buf many = {0};
    for (int i = 0; i < 128; i++) {
        char w[8];
        pfx_word(w, sizeof w, i);
        if (i)
            pdx_buf_putc(&many, ' ');
        pdx_buf_append(&many, w, strlen(w));
    }
    pdx_buf_putc(&many, 0);
    fd[0].summary = fd[1].summary = (const char *)many.data;
    env e = {0};
    fx_search_open(&e, fd, 4);
    assert_int_equal(PDX_DEFAULT_MAX_EXPANSIONS, 128);
    pdx_results r;
    assert_string_equal(run_in(&e, fd, 4, "pfx*", NULL, &r), "1,0");
    assert_string_equal(r.notice, "'pfx*' matches 130 terms; searching the 128 most frequent");
    pdx_results_clear(&r);
    assert_string_equal(run_in(&e, fd, 4, w129, NULL, NULL), "3");
    /* under the bound: every term (papers 0 and 1 have the 14 words from
     * 114 to 127 under "pfxj"), no notice */
    assert_string_equal(run_in(&e, fd, 4, "pfxj*", NULL, &r), "1,0,3,2");
    assert_string_equal(r.notice, "");
    pdx_results_clear(&r);
    /* many prefixes share PDX_MAX_PREFIX_TERMS: 32 runs of stars, 16 terms
     * each (26 one-letter prefixes looked up 3,328 terms, 0.9 s: a trial);
     * 256 runs, 2 each */
    char q32[32 * 8] = "pfx*";
    for (int i = 1; i < 32; i++)
        snprintf(q32 + strlen(q32), sizeof q32 - strlen(q32), " OR zq%c*", 'a' + i % 26);
    assert_int_equal(PDX_MAX_PREFIX_TERMS / 32, 16);
    run_in(&e, fd, 4, q32, NULL, &r);
    assert_string_equal(r.notice, "'pfx*' matches 130 terms; searching the 16 most frequent");
    pdx_results_clear(&r);
    char q256[256 * 8] = "pfx*";
    for (int i = 1; i < 256; i++)
        snprintf(q256 + strlen(q256), sizeof q256 - strlen(q256), " OR z%c%c*", 'a' + i / 26,
                 'a' + i % 26);
    run_in(&e, fd, 4, q256, NULL, &r);
    assert_string_equal(r.notice, "'pfx*' matches 130 terms; searching the 2 most frequent");
    pdx_results_clear(&r);
    fx_search_close(&e);
    pdx_buf_free(&many);
}

/* A plain word typed again is the word once: the same papers, scores and
 * order (256 copies of a common word took 0.3 s at 1x: a trial); another
 * field or spelling is another word. */
static void search_repeated_word(void **state)
{
    env *e = *state;
    pdx_query *one, *many;
    assert_int_equal(pdx_query_parse(&one, e->s, "beta", 4), PDX_OK);
    assert_int_equal(pdx_query_parse(&many, e->s, "beta beta  beta", 15), PDX_OK);
    pdx_results a, b;
    assert_int_equal(pdx_search(e->s, one, NULL, &a), PDX_OK);
    assert_int_equal(pdx_search(e->s, many, NULL, &b), PDX_OK);
    assert_true(a.n > 0);
    assert_int_equal(a.n, b.n);
    assert_int_equal(a.total, b.total);
    for (size_t i = 0; i < a.n; i++) {
        assert_int_equal(a.hits[i].doc, b.hits[i].doc);
        assert_true(a.hits[i].score == b.hits[i].score);
    }
    pdx_results_clear(&a);
    pdx_results_clear(&b);
    pdx_query_free(many);
    assert_string_equal(q(e, "gamma title:gamma"), "2"); /* not gamma anywhere: 0 too */
    pdx_query_free(one);
}

/* pdx_search refuses options outside the bounds of search.h, whoever the
 * caller: a message naming the option, PDX_EINVAL, no hits. */
static void search_option_bounds(void **state)
{
    env *e = *state;
    pdx_query *qq;
    assert_int_equal(pdx_query_parse(&qq, e->s, "alpha", 5), PDX_OK);
    static const struct {
        int what; /* 0 k1, 1 b, 2..4 a field weight, 5 vote weight */
        double v;
        bool ok;
    } cases[] = {
        {0, 0, true},    {0, PDX_MAX_K1, true},    {0, -0.1, false},        {0, 10.001, false},
        {0, NAN, false}, {0, INFINITY, false},     {1, 0, true},            {1, 1, true},
        {1, -0.01, false}, {1, 1.01, false},       {1, NAN, false},         {2, 0, true},
        {2, PDX_MAX_FIELD_WEIGHT, true},           {2, -1, false},          {3, 100.5, false},
        {4, -INFINITY, false}, {4, NAN, false},    {5, 0, true},            {5, PDX_MAX_VOTE_WEIGHT, true},
        {5, -0.1, false}, {5, 100.01, false},      {5, NAN, false},         {5, INFINITY, false},
    };
    static const char *const name[] = {"k1", "b", "title", "authors", "summary", "vote weight"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pdx_search_opts o;
        pdx_search_opts_default(&o);
        double *field = cases[i].what == 0   ? &o.k1
                        : cases[i].what == 1 ? &o.b
                        : cases[i].what == 5 ? &o.vote_weight
                                             : &o.field_weight[cases[i].what - 2];
        *field = cases[i].v;
        pdx_results r;
        int rc = pdx_search(e->s, qq, &o, &r);
        if (cases[i].ok) {
            if (rc != PDX_OK || r.n != 2)
                fail_msg("%s = %g refused: %s", name[cases[i].what], cases[i].v,
                         pdx_searcher_errmsg(e->s));
        } else {
            if (rc != PDX_EINVAL || r.n != 0)
                fail_msg("%s = %g accepted", name[cases[i].what], cases[i].v);
            if (!strstr(pdx_searcher_errmsg(e->s), name[cases[i].what]))
                fail_msg("message '%s' does not name %s", pdx_searcher_errmsg(e->s),
                         name[cases[i].what]);
        }
        pdx_results_clear(&r);
    }
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    o.field_weight[0] = o.field_weight[1] = o.field_weight[2] = 0;
    pdx_results r;
    assert_int_equal(pdx_search(e->s, qq, &o, &r), PDX_EINVAL);
    assert_non_null(strstr(pdx_searcher_errmsg(e->s), "field weight"));
    pdx_search_opts_default(&o);
    o.sort = (pdx_sort)7;
    assert_int_equal(pdx_search(e->s, qq, &o, &r), PDX_EINVAL);
    assert_non_null(strstr(pdx_searcher_errmsg(e->s), "sort"));
    pdx_search_opts_default(&o);
    o.limit = PDX_MAX_OFFSET_LIMIT;
    o.offset = 1;
    assert_int_equal(pdx_search(e->s, qq, &o, &r), PDX_EINVAL);
    assert_non_null(strstr(pdx_searcher_errmsg(e->s), "offset + limit"));
    pdx_query_free(qq);
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
    /* past the stem: "generation" is generat, which generati* does not
     * start (a trial: optimiz* found nothing); the words it starts count */
    assert_string_equal(q(e, "generati*"), "3");
    /* and is highlighted there (a review: the stem did not start it) */
    pdx_query *pq;
    assert_int_equal(pdx_query_parse(&pq, e->s, "generati*", 9), PDX_OK);
    static const char text[] = "a text-to-video generation model";
    const pdx_span *sp;
    size_t n_sp;
    assert_int_equal(pdx_highlight(e->s, pq, text, sizeof text - 1, &sp, &n_sp), PDX_OK);
    assert_int_equal(n_sp, 1);
    assert_int_equal(sp[0].start, 16);
    assert_int_equal(sp[0].end, 26);
    pdx_query_free(pq);
    /* spaced, the compound's prefix is highlighted too */
    assert_int_equal(pdx_query_parse(&pq, e->s, "강화학*", strlen("강화학*")), PDX_OK);
    static const char ko[] = "강화 학습을 쓴다";
    assert_int_equal(pdx_highlight(e->s, pq, ko, sizeof ko - 1, &sp, &n_sp), PDX_OK);
    assert_true(n_sp >= 1 && sp[n_sp - 1].end >= strlen("강화 학"));
    pdx_query_free(pq);
    /* a one-syllable prefix matches no bridge bigram: 화* marked 강«화 학»습
     * (the end of one word and the start of the next) */
    assert_int_equal(pdx_query_parse(&pq, e->s, "화*", strlen("화*")), PDX_OK);
    static const char spaced[] = "강화 학습";
    assert_int_equal(pdx_highlight(e->s, pq, spaced, sizeof spaced - 1, &sp, &n_sp), PDX_OK);
    assert_int_equal(n_sp, 0);
    pdx_query_free(pq);
    /* a Korean compound's prefix finds it spaced too (강화 학습) */
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s", q(e, "강화학*"));
    assert_int_equal(strlen(prefix), 3); /* two papers */
    assert_string_equal(prefix, q(e, "강화학습"));
}

/* Brackets inside a word part words, as pasted from a summary, and a
 * particle right after a closing bracket goes (a trial: 강화학습(RL)을 5
 * papers, 강화학습 RL 249): gamma(delta) is gamma and delta, which paper 2
 * holds in two fields (no phrase); excluded, the word stays whole. */
static void search_brackets(void **state)
{
    env *e = *state;
    assert_string_equal(q(e, "gamma(delta)"), "2");
    assert_string_equal(q(e, "\"gamma delta\""), "");
    char whole[64];
    snprintf(whole, sizeof whole, "%s", q(e, "gamma"));
    assert_string_equal(q(e, "(gamma)을"), whole);
    assert_string_equal(q(e, "[gamma]를"), whole);
    assert_string_equal(q(e, "gamma)을"), whole);
    assert_string_equal(q(e, "강화학습(alpha)을"), "");
    snprintf(whole, sizeof whole, "%s", q(e, "강화학습 diffusion"));
    assert_string_equal(q(e, "강화학습(diffusion)을"), whole);
    assert_string_equal(q(e, "alpha -gamma(delta)"), "0,1");
}

/* An English compound in the other spelling the papers write: a
 * hyphenated word of two parts joined when the index holds that
 * (hyper-parameter: hyperparameter), a closed word no paper holds split
 * where both sides are words papers hold (pointcloud: point-cloud). */
static void search_compound_spellings(void **state)
{
    env *e = *state;
    char want[64];
    snprintf(want, sizeof want, "%s", q(e, "omega"));
    assert_int_equal(strlen(want), 3);
    assert_string_equal(q(e, "ome-ga"), want);
    snprintf(want, sizeof want, "%s", q(e, "\"alpha beta\""));
    assert_true(strlen(want) > 0);
    assert_string_equal(q(e, "alphabeta"), want);
    assert_string_equal(q(e, "alphazzz"), ""); /* one side no paper holds */
}

/* A hyphenated name with a digit also finds the name written closed,
 * where the index holds it: 3D-GS is 3DGS too (a trial: 9 papers against
 * 40); GPT-4o closed is its own terms (gpt 4o), nothing more. */
static void search_hyphenated_name_with_digits(void **state)
{
    (void)state;
    fdoc fd[] = {
        {"2405.00001", "Faster 3DGS training", "Ann Lee", "we speed up 3DGS", 20240501, 0},
        {"2405.00002", "3D GS notes", "Bob Kim", "a 3D scene with GS", 20240502, 0},
        {"2405.00003", "GPT-4o notes", "Cara Diaz", "gpt 4o and 3D", 20240503, 0},
        {"2405.00004", "filler", "Dana Cho", "nothing", 20240504, 0},
    };
    env e = {0};
    fx_search_open(&e, fd, 4);
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    o.no_partial = true;
    pdx_results r;
    const char *got = run_in(&e, fd, 4, "3D-GS", &o, &r);
    assert_int_equal(r.total, 2);
    assert_true(!strcmp(got, "0,1") || !strcmp(got, "1,0"));
    pdx_results_clear(&r);
    assert_string_equal(run_in(&e, fd, 4, "GPT-4o", &o, NULL), "2");
    fx_search_close(&e);
}

/* The joined spelling of a hyphenated word is shown as papers would write
 * it: the part after the hyphen in lower case after a lower-case letter,
 * unless it is an acronym (--explain showed "VideolLM" for Video-LLM). */
static void search_joined_spelling_shown(void **state)
{
    (void)state;
    fdoc fd[] = {
        {"2405.00011", "VideoLLM notes", "Ann Lee", "we study VideoLLM", 20240501, 0},
        {"2405.00012", "Pretraining notes", "Bob Kim", "we study pretraining", 20240502, 0},
    };
    static const struct {
        const char *query, *shown;
    } cases[] = {{"Video-LLM", "VideoLLM"}, {"Pre-Training", "Pretraining"}};
    env e = {0};
    fx_search_open(&e, fd, 2);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        pdx_query *pq = fx_search_parse(&e, cases[i].query);
        bool seen = false;
        for (size_t k = 0; k < pdx_query_expansion_count(pq); k++) {
            pdx_expansion x;
            assert_int_equal(pdx_query_expansion(pq, k, &x), PDX_OK);
            if (strcmp(x.source, "spelling"))
                continue;
            seen = true;
            if (x.to_len != strlen(cases[i].shown) || memcmp(x.to, cases[i].shown, x.to_len))
                fail_msg("%s shown as %.*s", cases[i].query, (int)x.to_len, x.to);
        }
        assert_true(seen);
        pdx_query_free(pq);
    }
    fx_search_close(&e);
}

/* A closed Korean compound no paper writes closed, whose syllables at the
 * cut at most two papers write side by side, is its words, the phrase
 * ranking first: `환각완화` finds 환각을 ... 완화하는 too, after 환각 완화
 * (it matched only that). So is one whose phrase a page of papers at most
 * holds, wherever its syllables stand side by side, when its rarest word
 * is in a tenth of the papers at most: `데이터정제`, 3 papers, finds
 * 데이터를 모아 정제한다 after them, and `인용생성` composes citation
 * generation from its words' equivalents. Not split: a compound some
 * paper writes closed (`모델병합`), one whose phrase more than a page of
 * papers hold (`코드검토`, 11: the phrase finds them), one the lexicon
 * names (`자료정리`, stated as data tidying by 3 papers; `문서요약`, stated
 * with a hyphen, 문서-요약), or one whose words are all common
 * (`채움말문장`: 채움말 and 문장 in 100 papers). Glued to a Latin word
 * (`3D의류생성`), the compound is split after it, and a Korean word no
 * paper writes beside the Latin one is read apart from it (`QRX인버전`).
 * 100 filler papers. */
static const fdoc split_docs[] = {
    {"2406.00001", "환각 완화 기법", "Ann Lee", "모델의 환각 완화 방법을 다룬다", 20240601, 0},
    {"2406.00002", "줄이는 방법", "Bob Kim", "이 논문은 환각을 크게 완화하는 학습을 제안한다",
     20240602, 0},
    {"2406.00003", "불안", "Cara Diaz", "불안을 완화한다", 20240603, 0},
    {"2406.00004", "측정", "Dana Cho", "환각을 측정한다", 20240604, 0},
    {"2406.00005", "기법", "Eun Seo", "모델병합 기법을 보인다", 20240605, 0},
    {"2406.00006", "성능", "Fay Moon", "모델 성능을 높이는 병합", 20240606, 0},
    {"2406.00007", "정제 하나", "Gil Yoon", "데이터 정제 도구", 20240607, 0},
    {"2406.00008", "정제 둘", "Ha Jung", "웹 데이터 정제 방법", 20240608, 0},
    {"2406.00009", "정제 셋", "Ira Yoon", "데이터 정제 비용", 20240609, 0},
    {"2406.00010", "정제 넷", "Jun Park", "데이터를 모아 정제한다", 20240610, 0},
    {"2406.00011", "검토", "Kim Lee", "코드를 받아 검토한다", 20240611, 0},
    {"2406.00012", "자료", "Lee Kim", "자료를 모아 정리한다", 20240612, 0},
    {"2406.00013", "자료 하나", "Min Seo", "자료 정리(data tidying) 도구", 20240613, 0},
    {"2406.00014", "자료 둘", "Nam Seo", "자료 정리(data tidying) 방법", 20240614, 0},
    {"2406.00015", "자료 셋", "Oh Seo", "자료 정리(data tidying) 비용", 20240615, 0},
    {"2406.00016", "검토 1", "Pak Yoon", "코드 검토 일", 20240616, 0},
    {"2406.00017", "검토 2", "Pak Yoon", "코드 검토 이", 20240616, 0},
    {"2406.00018", "검토 3", "Pak Yoon", "코드 검토 삼", 20240616, 0},
    {"2406.00019", "검토 4", "Pak Yoon", "코드 검토 사", 20240616, 0},
    {"2406.00020", "검토 5", "Pak Yoon", "코드 검토 오", 20240616, 0},
    {"2406.00021", "검토 6", "Pak Yoon", "코드 검토 육", 20240616, 0},
    {"2406.00022", "검토 7", "Pak Yoon", "코드 검토 칠", 20240616, 0},
    {"2406.00023", "검토 8", "Pak Yoon", "코드 검토 팔", 20240616, 0},
    {"2406.00024", "검토 9", "Pak Yoon", "코드 검토 구", 20240616, 0},
    {"2406.00025", "검토 10", "Pak Yoon", "코드 검토 십", 20240616, 0},
    {"2406.00026", "검토 11", "Pak Yoon", "코드 검토 백", 20240616, 0},
    {"2406.00027", "문서", "Ryu Han", "문서를 모아 요약한다", 20240617, 0},
    {"2406.00028", "문서 하나", "Ryu Han", "문서-요약(doc digest) 도구", 20240617, 0},
    {"2406.00029", "문서 둘", "Ryu Han", "문서-요약(doc digest) 방법", 20240617, 0},
    {"2406.00030", "문서 셋", "Ryu Han", "문서-요약(doc digest) 비용", 20240617, 0},
    {"2406.00031", "말문", "Seo Yun", "말문이 막힌다", 20240618, 0},
    {"2406.00032", "말문 둘", "Seo Yun", "말문을 연다", 20240618, 0},
    {"2406.00033", "말문 셋", "Seo Yun", "말문을 튼다", 20240618, 0},
    {"2406.00034", "인용", "Tae Kim", "인용(citation)을 단다", 20240619, 0},
    {"2406.00035", "인용 둘", "Tae Kim", "인용(citation) 목록", 20240619, 0},
    {"2406.00036", "인용 셋", "Tae Kim", "새 인용(citation) 규칙", 20240619, 0},
    {"2406.00037", "생성", "Uma Lee", "생성(generation) 기법", 20240620, 0},
    {"2406.00038", "생성 둘", "Uma Lee", "빠른 생성(generation)", 20240620, 0},
    {"2406.00039", "생성 셋", "Uma Lee", "생성(generation) 품질", 20240620, 0},
    {"2406.00040", "Citation generation", "Vic Ro", "we study citation generation", 20240621, 0},
    {"2406.00041", "사용", "Won Ko", "도구 사용 생성 비용", 20240622, 0},
    {"2406.00042", "사용 둘", "Won Ko", "자료 사용 생성 기록", 20240622, 0},
    {"2406.00043", "사용 셋", "Won Ko", "모델 사용 생성 단계", 20240622, 0},
    {"2406.00044", "3D 의류", "Xi Ko", "3D 의류 생성 기법", 20240623, 0},
    {"2406.00045", "의류 모델", "Xi Ko", "3D 장면에서 의류를 빠르게 생성한다", 20240623, 0},
    {"2406.00046", "의류 도구", "Xi Ko", "의류 생성 도구", 20240623, 0},
    {"2406.00047", "QRX 모델", "Yu Na", "QRX 모델의 인버전 기법과 문장 Q", 20240624, 0},
    {"2406.00048", "칠 비트", "Yu Na", "7비트 저장", 20240624, 0},
    {"2406.00049", "칠 개", "Yu Na", "7 개의 비트", 20240624, 0},
};
#define NSPLIT (sizeof split_docs / sizeof split_docs[0])
#define NSPLIT_FILL 100

/* The expansions of query as "from>to;" into out. */
static void expansions_of(env *e, const char *query, char *out, size_t cap)
{
    pdx_query *q = fx_search_parse(e, query);
    out[0] = 0;
    for (size_t i = 0; i < pdx_query_expansion_count(q); i++) {
        pdx_expansion x;
        assert_int_equal(pdx_query_expansion(q, i, &x), PDX_OK);
        snprintf(out + strlen(out), cap - strlen(out), "%.*s>%.*s;", (int)x.from_len, x.from,
                 (int)x.to_len, x.to);
    }
    pdx_query_free(q);
}

static void search_closed_compound_split(void **state)
{
    (void)state;
    static fdoc fd[NSPLIT + NSPLIT_FILL];
    static char ids[NSPLIT_FILL][16], sums[NSPLIT_FILL][48];
    memcpy(fd, split_docs, sizeof split_docs);
    for (size_t i = 0; i < NSPLIT_FILL; i++) {
        snprintf(ids[i], sizeof ids[i], "2406.%05zu", 100 + i);
        snprintf(sums[i], sizeof sums[i], "채움말 그리고 문장 %zu", i);
        fd[NSPLIT + i] = (fdoc){ids[i], "채움", "Zed Kim", sums[i], 20240630, 0};
    }
    const size_t nd = NSPLIT + NSPLIT_FILL;
    env e = {0};
    fx_search_open(&e, fd, nd);
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    o.no_partial = true;
    assert_string_equal(run_in(&e, fd, nd, "환각완화", &o, NULL), "0,1");
    assert_string_equal(run_in(&e, fd, nd, "환각완화를", &o, NULL), "0,1");
    assert_string_equal(run_in(&e, fd, nd, "\"환각완화\"", &o, NULL), "0"); /* a phrase */
    assert_string_equal(run_in(&e, fd, nd, "모델병합", &o, NULL), "4");
    pdx_results r;
    const char *got = run_in(&e, fd, nd, "데이터정제", &o, &r);
    assert_int_equal(r.total, 4);
    assert_string_equal(got + strlen(got) - 2, ",9"); /* the words apart, last */
    pdx_results_clear(&r);
    run_in(&e, fd, nd, "코드검토", &o, &r);
    assert_int_equal(r.total, 11); /* not 2406.00011's 코드를 ... 검토한다 */
    pdx_results_clear(&r);
    got = run_in(&e, fd, nd, "자료정리", &o, &r);
    assert_int_equal(r.total, 3); /* not 2406.00012's 자료를 ... 정리한다 */
    assert_null(strstr(got, "11"));
    pdx_results_clear(&r);
    /* named with a hyphen (문서-요약: no bigram across it) */
    got = run_in(&e, fd, nd, "문서요약", &o, &r);
    assert_int_equal(r.total, 3); /* not 2406.00027's 문서를 ... 요약한다 */
    assert_null(strstr(got, "26"));
    pdx_results_clear(&r);
    /* words in most papers: no reading of it (3 papers write 말문) */
    run_in(&e, fd, nd, "채움말문장", &o, &r);
    assert_int_equal(r.total, 0);
    pdx_results_clear(&r);
    /* its words, typed closed, compose as words typed apart do (3 papers
     * write 용생 across 사용 생성) */
    char ex[512];
    expansions_of(&e, "인용생성", ex, sizeof ex);
    if (!strstr(ex, "인용생성>citation generation;"))
        fail_msg("\"인용생성\": expanded to \"%s\"", ex);
    /* glued to a Latin word before it, it is that word and its words (read
     * whole, the phrase 3D 의류 생성 found 2406.00044 alone) */
    assert_string_equal(run_in(&e, fd, nd, "3D의류생성", &o, NULL), "43,44");
    assert_string_equal(run_in(&e, fd, nd, "3D의류생성을", &o, NULL), "43,44");
    /* a Korean word glued to a Latin one that no paper writes beside it is
     * read apart too; a particle glued to one stays the sentence's, and a
     * number's unit stays one phrase with it */
    assert_string_equal(run_in(&e, fd, nd, "QRX인버전", &o, NULL), "46");
    assert_string_equal(run_in(&e, fd, nd, "QRX를", &o, NULL), "46");
    assert_string_equal(run_in(&e, fd, nd, "7비트", &o, NULL), "47");
    /* the rarer of the two decides (문장 is in 100 papers, QRX in one); one
     * letter is no Latin word to read apart (C언어, K평균 are names) */
    assert_string_equal(run_in(&e, fd, nd, "QRX문장", &o, NULL), "46");
    assert_string_equal(run_in(&e, fd, nd, "Q인버전", &o, NULL), "");
    /* excluded, it is one unit (apart, NOT of two words is refused) */
    got = run_in(&e, fd, nd, "모델 -QRX인버전", &o, &r);
    assert_true(r.total > 0);
    pdx_results_clear(&r);
    /* excluded, it is one unit, the phrase (as -환각-완화 is) */
    got = run_in(&e, fd, nd, "환각 -환각완화", &o, NULL);
    assert_true(!strcmp(got, "1,3") || !strcmp(got, "3,1"));
    /* typed again, it is searched once (256 copies took 209 ms at 1x) */
    uint32_t once;
    run_in(&e, fd, nd, "환각완화", &o, &r);
    once = r.clauses;
    pdx_results_clear(&r);
    assert_string_equal(run_in(&e, fd, nd, "환각완화 환각완화 환각완화", &o, &r), "0,1");
    assert_int_equal(r.clauses, once);
    pdx_results_clear(&r);
    /* whole with --no-expand (the words as written) and in a query with
     * OR, whose groups the words would multiply */
    assert_string_equal(run_flags(&e, fd, nd, "환각완화", PDX_PARSE_NO_EXPAND, &o, NULL), "0");
    assert_string_equal(run_in(&e, fd, nd, "환각완화 OR 불안", &o, NULL), "0,2");
    fx_search_close(&e);
}

/* Two words typed apart that papers write as one name ("deep seek":
 * DeepSeek) also find the name, scored as the two words found (the name
 * ranks first), and as an expansion --explain shows; a version after a
 * name ("weaver 3") ranks the name's phrase higher; not excluded, quoted
 * or with --no-expand, and no join across another word or an OR. */
static const fdoc join_docs[] = {
    {"2402.00001", "StoryWeaver: long videos", "Ann Lee", "StoryWeaver makes a video", 20240201,
     1},
    {"2402.00002", "a story of a weaver", "Bob Kim", "the weaver tells a story", 20240202, 1},
    {"2402.00003", "a story alone", "Cara Diaz", "a story", 20240203, 1},
    {"2402.00004", "weaver notes", "Dana Cho", "weaver and 3 of weaver and 3 times", 20240204, 1},
    /* (a joined word in over 20% of the papers is not added) */
    {"2402.00005", "other things", "Eun Seo", "nothing here but a 4-bit model, 8bit too", 20240205,
     1},
    {"2402.00006", "more things", "Eun Seo", "a model like Weaver-3 there", 20240206, 1},
    {"2402.00007", "filler", "Fay Moon", "nothing", 20240207, 1},
    {"2402.00008", "filler", "Fay Moon", "nothing", 20240207, 1},
    {"2402.00009", "filler", "Fay Moon", "nothing", 20240207, 1},
    {"2402.00010", "filler", "Fay Moon", "nothing", 20240207, 1},
    /* plotline is the stem of Plotlinism, which no paper writes apart */
    {"2402.00011", "A study of Plotlinism", "Gil Yoon", "plot and line", 20240208, 1},
};
#define NJOIN (sizeof join_docs / sizeof join_docs[0])

/* The hits of query among join_docs (indexes), full matches only. */
static const char *join_q(env *e, const char *query, unsigned flags)
{
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    o.no_partial = true;
    return run_flags(e, join_docs, NJOIN, query, flags, &o, NULL);
}

/* The score of join_docs[want] for query, full matches only; fails the
 * test when it is no hit. */
static double join_score(env *e, const char *query, unsigned flags, size_t want)
{
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    o.no_partial = true;
    pdx_results r;
    run_flags(e, join_docs, NJOIN, query, flags, &o, &r);
    double score = -1;
    const char *id = join_docs[want].id;
    for (size_t i = 0; i < r.n; i++) {
        pdx_hit_info h;
        assert_int_equal(pdx_hit_get(e->s, r.hits[i].doc, &h), PDX_OK);
        if (h.id_len == strlen(id) && !memcmp(h.id, id, h.id_len))
            score = r.hits[i].score;
    }
    pdx_results_clear(&r);
    if (score < 0)
        fail_msg("'%s': %s is no hit", query, id);
    return score;
}

static void search_joined_words(void **state)
{
    (void)state;
    env e = {0};
    fx_search_open(&e, join_docs, NJOIN);
    assert_string_equal(join_q(&e, "story weaver", 0), "0,1");
    assert_string_equal(join_q(&e, "Story  Weaver", 0), "0,1");
    assert_string_equal(join_q(&e, "storyweaver", 0), "0");
    /* a version after a name: the name's phrase ("Weaver-3") adds to a
     * paper's score, the words apart hardly (the groups' weights move) */
    double near = join_score(&e, "weaver 3", PDX_PARSE_NO_EXPAND, 5);
    assert_true(join_score(&e, "weaver 3", 0, 5) > 1.5 * near);
    double apart = join_score(&e, "weaver 3", PDX_PARSE_NO_EXPAND, 3);
    assert_true(join_score(&e, "weaver 3", 0, 3) < 1.05 * apart);
    /* the expansion is shown as typed and as joined */
    pdx_query *pq;
    assert_int_equal(pdx_query_parse(&pq, e.s, "Story Weaver", 12), PDX_OK);
    pdx_expansion x;
    assert_int_equal(pdx_query_expansion(pq, 0, &x), PDX_OK);
    assert_true(x.from_len == 12 && !memcmp(x.from, "Story Weaver", 12));
    assert_true(x.to_len == 11 && !memcmp(x.to, "StoryWeaver", 11));
    assert_string_equal(x.source, "spelling");
    pdx_query_free(pq);
    /* not a stem no paper writes as the word joined: "plot line" is not
     * Plotlinism (a review: long term ranked "...Longtermism" first) */
    assert_int_equal(pdx_query_parse(&pq, e.s, "plot line", 9), PDX_OK);
    assert_int_equal(pdx_query_expansion_count(pq), 0);
    pdx_query_free(pq);
    /* any spaces between them: shown with one (a review: 300 overflowed) */
    char gap[400];
    snprintf(gap, sizeof gap, "story%300sweaver", "");
    assert_string_equal(join_q(&e, gap, 0), "0,1");
    assert_int_equal(pdx_query_parse(&pq, e.s, gap, strlen(gap)), PDX_OK);
    assert_int_equal(pdx_query_expansion(pq, 0, &x), PDX_OK);
    assert_true(x.from_len == 12 && !memcmp(x.from, "story weaver", 12));
    pdx_query_free(pq);
    /* no join: expansion off, quoted, excluded, another word between, an
     * OR, a field on one word only */
    assert_string_equal(join_q(&e, "story weaver", PDX_PARSE_NO_EXPAND), "1");
    assert_string_equal(join_q(&e, "\"story weaver\"", 0), "");
    assert_string_equal(join_q(&e, "\"story\" weaver", 0), "1");
    assert_string_equal(join_q(&e, "video -story weaver", 0), "");
    assert_string_equal(join_q(&e, "story video weaver", 0), "");
    assert_string_equal(join_q(&e, "(story OR alone) weaver", 0), "1");
    assert_string_equal(join_q(&e, "title:story weaver", 0), "1");
    fx_search_close(&e);
}

/* A number closed up with a word no paper holds ("4bit") finds the
 * papers writing it apart ("4-bit", "4 bit"): the tokenizer keeps a word
 * starting with digits whole. Not with --no-expand, not a split no paper
 * holds, not a number some paper holds as typed. */
static void search_number_split(void **state)
{
    (void)state;
    env e = {0};
    fx_search_open(&e, join_docs, NJOIN);
    assert_string_equal(join_q(&e, "4bit", 0), "4");
    assert_string_equal(join_q(&e, "4bit model", 0), "4");
    assert_string_equal(join_q(&e, "4bit", PDX_PARSE_NO_EXPAND), "");
    assert_string_equal(join_q(&e, "3bit", 0), "");
    assert_string_equal(join_q(&e, "4-bit", 0), "4");
    /* held as typed: not split */
    pdx_query *pq;
    assert_int_equal(pdx_query_parse(&pq, e.s, "8bit", 4), PDX_OK);
    assert_int_equal(pdx_query_expansion_count(pq), 0);
    pdx_query_free(pq);
    assert_int_equal(pdx_query_parse(&pq, e.s, "4bit", 4), PDX_OK);
    assert_int_equal(pdx_query_expansion_count(pq), 1);
    pdx_query_free(pq);
    fx_search_close(&e);
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
    assert_string_equal(q(e, "강화 학습"), "4,5"); /* doc 4: both in its title too */
    assert_string_equal(q(e, "\"강화 학습\""), "4,5");
    /* a trailing particle does not stop a match: doc 5 says 학습이 (doc 4
     * ranks first: 학습 in its title too, and 학습을 as written) */
    assert_string_equal(q(e, "학습을"), "4,5");
    /* but the word as written ranks first */
    assert_string_equal(q(e, "summary:강화학습이"), "5,4");
    assert_string_equal(q(e, "summary:강화학습을"), "4,5");
    /* mixed Korean and English */
    assert_string_equal(q(e, "diffusion 모델"), "4");
    assert_string_equal(q(e, "title:정책"), "4");
    assert_string_equal(q(e, "보상"), "5");
}

/* Fails unless query reports total (estimated or not) on every page. */
static void assert_total_everywhere(pdx_searcher *s, const char *query, pdx_sort sort,
                                    uint64_t total, bool estimated)
{
    static const uint32_t pages[][2] = {{1, 0}, {10, 0}, {10, 500}, {1000, 0}, {3000, 0},
                                        {5, 1995}};
    pdx_query *qq;
    assert_int_equal(pdx_query_parse(&qq, s, query, strlen(query)), PDX_OK);
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        pdx_search_opts o;
        pdx_search_opts_default(&o);
        o.sort = sort;
        o.limit = pages[i][0];
        o.offset = pages[i][1];
        pdx_results r;
        assert_int_equal(pdx_search(s, qq, &o, &r), PDX_OK);
        if (r.total != total || r.total_estimated != estimated)
            fail_msg("'%s' limit %u offset %u: total %llu%s, want %llu%s", query, o.limit,
                     o.offset, (unsigned long long)r.total, r.total_estimated ? " estimated" : "",
                     (unsigned long long)total, estimated ? " estimated" : "");
        pdx_results_clear(&r);
    }
    pdx_query_free(qq);
}

/* Totals count verified matches exactly up to PDX_EXACT_TOTAL; past it,
 * ranking by score reports PDX_EXACT_TOTAL, estimated, whatever the page.
 * 2000 papers: 1100 with the phrase "omega sigma", 900 with the words the
 * other way round (candidates for the phrase that fail its check); "kappa"
 * in exactly PDX_EXACT_TOTAL papers, "lambda" in one more. */
static void search_totals_stable(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), *idx = fx_path(dir, "tot.idx");
    pdx_writer *w;
    assert_int_equal(pdx_writer_new(&w, idx, NULL), PDX_OK);
    for (int i = 0; i < 2000; i++) {
        char id[32], summary[128];
        snprintf(id, sizeof id, "2405.%05d", i);
        snprintf(summary, sizeof summary, "%s zz%s%s", i < 1100 ? "omega sigma" : "sigma omega",
                 i < PDX_EXACT_TOTAL ? " kappa" : "", i < PDX_EXACT_TOTAL + 1 ? " lambda" : "");
        pdx_paper p = {.id = id, .id_len = strlen(id), .url = "", .title = "t", .title_len = 1,
                       .authors = "", .summary = summary, .summary_len = strlen(summary),
                       .date = 20240501 + i % 28, .votes = i % 13, .file = "tot.md",
                       .line = (uint32_t)i + 1};
        assert_int_equal(pdx_writer_add(w, &p), PDX_OK);
    }
    assert_int_equal(pdx_writer_commit(w, NULL), PDX_OK);
    pdx_writer_free(w);
    char err[256];
    pdx_index *ix;
    pdx_searcher *s;
    assert_int_equal(pdx_index_open(&ix, idx, err, sizeof err), PDX_OK);
    assert_int_equal(pdx_searcher_new(&s, ix), PDX_OK);
    assert_total_everywhere(s, "\"omega sigma\"", PDX_SORT_SCORE, PDX_EXACT_TOTAL, true);
    assert_total_everywhere(s, "\"sigma omega\"", PDX_SORT_SCORE, 900, false);
    assert_total_everywhere(s, "omega", PDX_SORT_SCORE, PDX_EXACT_TOTAL, true);
    assert_total_everywhere(s, "omega sigma", PDX_SORT_SCORE, PDX_EXACT_TOTAL, true);
    assert_total_everywhere(s, "kappa", PDX_SORT_SCORE, PDX_EXACT_TOTAL, false);
    assert_total_everywhere(s, "lambda", PDX_SORT_SCORE, PDX_EXACT_TOTAL, true);
    assert_total_everywhere(s, "kappa omega", PDX_SORT_SCORE, PDX_EXACT_TOTAL, false);
    /* the other orders never prune: exact */
    assert_total_everywhere(s, "\"omega sigma\"", PDX_SORT_VOTES, 1100, false);
    assert_total_everywhere(s, "omega", PDX_SORT_DATE, 2000, false);
    pdx_searcher_free(s);
    pdx_index_close(ix);
    free(idx);
    fx_rmtree(dir);
}

/* Past PDX_EXACT_TOTAL matches the search prunes (MaxScore) and says the
 * total is a lower bound, while the hits stay exactly those of an
 * exhaustive search. */
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
    assert_int_equal(pruned.total, PDX_EXACT_TOTAL);
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
    /* Words are counted as typed: the clauses a word adds beside its own
     * (its spelling before the particle, an acronym plural as written) are
     * not words (a trial found 129 typed words refused as "more than 256
     * words"). The 257th as the second operand of an OR: the error must
     * free the group already built (the sanitizer build reports a leak). */
    big.len -= 6;
    size_t at_254 = big.len;
    pdx_buf_append(&big, " beta OR 모델은", strlen(" beta OR 모델은"));
    assert_int_equal(pdx_query_parse(&qq, e->s, (char *)big.data, big.len), PDX_OK);
    pdx_query_free(qq);
    pdx_buf_append(&big, " LLMs", 5); /* the 257th */
    assert_int_equal(pdx_query_parse(&qq, e->s, (char *)big.data, big.len), PDX_EINVAL);
    assert_non_null(strstr(pdx_searcher_errmsg(e->s), "more than 256 words and phrases"));
    big.len = at_254;
    pdx_buf_append(&big, " alpha beta OR 모델은", strlen(" alpha beta OR 모델은"));
    assert_int_equal(pdx_query_parse(&qq, e->s, (char *)big.data, big.len), PDX_EINVAL);
    pdx_buf_reset(&big);
    for (int i = 0; i < PDX_MAX_QUERY_WORDS; i++)
        pdx_buf_append(&big, i % 2 ? "LLMs " : "모델은 ", i % 2 ? 5 : strlen("모델은 "));
    assert_int_equal(pdx_query_parse(&qq, e->s, (char *)big.data, big.len), PDX_OK);
    pdx_query_free(qq);
    /* a part with no term between words ("|", "·") is no word: a review
     * found 150 words between bars refused as more than 256 */
    pdx_buf_reset(&big);
    for (int i = 0; i < PDX_MAX_QUERY_WORDS; i++)
        pdx_buf_append(&big, i % 2 ? "alpha | " : "beta · ", i % 2 ? 8 : strlen("beta · "));
    assert_int_equal(pdx_query_parse(&qq, e->s, (char *)big.data, big.len), PDX_OK);
    pdx_query_free(qq);
    pdx_buf_append(&big, "gamma", 5); /* the 257th word */
    assert_int_equal(pdx_query_parse(&qq, e->s, (char *)big.data, big.len), PDX_EINVAL);
    /* each side of a hyphen between Korean words is read as a word */
    pdx_buf_reset(&big);
    for (int i = 0; i < PDX_MAX_QUERY_WORDS / 2; i++)
        pdx_buf_append(&big, "모델-학습 ", strlen("모델-학습 "));
    assert_int_equal(pdx_query_parse(&qq, e->s, (char *)big.data, big.len), PDX_OK);
    pdx_query_free(qq);
    pdx_buf_append(&big, "모델", strlen("모델"));
    assert_int_equal(pdx_query_parse(&qq, e->s, (char *)big.data, big.len), PDX_EINVAL);
    assert_non_null(strstr(pdx_searcher_errmsg(e->s), "too long"));
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
        cmocka_unit_test(search_repeated_word),
        cmocka_unit_test(search_hyphenated_name_with_digits),
        cmocka_unit_test(search_joined_spelling_shown),
        cmocka_unit_test(search_closed_compound_split),
        cmocka_unit_test(search_prefix),         cmocka_unit_test(search_joined_words),
        cmocka_unit_test(search_number_split),
        cmocka_unit_test(search_filters),
        cmocka_unit_test(search_brackets),
        cmocka_unit_test(search_compound_spellings),
        cmocka_unit_test(search_sort_and_paging), cmocka_unit_test(search_partial),
        cmocka_unit_test(search_korean),         cmocka_unit_test(search_total_estimate),
        cmocka_unit_test(search_errors),         cmocka_unit_test(search_proximity_bonus),
        cmocka_unit_test(search_partial_by_weight), cmocka_unit_test(search_proximity_weighted),
        cmocka_unit_test(search_field_weights_k1_b), cmocka_unit_test(search_prefix_cap),
        cmocka_unit_test(search_option_bounds),  cmocka_unit_test(search_totals_stable),
    };
    return cmocka_run_group_tests_name("search", tests, setup, fx_search_teardown);
}
