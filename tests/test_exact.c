/*
 * Ranking exactness: pruning must never change what a search returns.
 *
 * The reference is the same search with every pruning path turned off
 * (pdx_search_set_exhaustive, searcher.h): pruned and exhaustive searches
 * must give the same papers in the same order, the same scores bit for
 * bit, the same totals and flags, and the order must follow the documented
 * tie-break (score, then newer date, then smaller arXiv id). Two corpora:
 *   - a synthetic one the test generates (no shared data needed): a small
 *     Zipf vocabulary, many papers with identical text and dates, so that
 *     equal scores, MaxScore (more than PDX_EXACT_TOTAL matches), phrase
 *     skipping, proximity and the partial pass are all exercised;
 *   - the real digests scaled up by the benchmark's generator
 *     (bench/bench_gen.c) with the 500 latency queries of ../shared/eval
 *     (skipped without them). 10x in an optimized build, smaller in a
 *     debug or sanitizer build; PDX_EXACT_SCALE overrides.
 * Then the parts of the formula that pruning bounds depend on, checked by
 * hand: the proximity bonus, field weights, k1 and b, the prefix expansion
 * cap, the option bounds and the totals.
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

#include "../bench/bench_gen.c"
#include "fixtures.h"
#include "paperdex/paperdex.h"
#include "searcher.h"
#include "view_fixture.c"

/* ---- building and opening indexes ---- */

typedef struct corpus {
    char *dir;      /* scratch directory, removed by corpus_close */
    pdx_index *ix;  /* the index in dir */
    pdx_searcher *s;
} corpus;

/* A paper of a synthetic corpus, NUL-terminated strings. */
typedef struct fpaper {
    char id[16];
    char title[128];
    char authors[128];
    char summary[1024];
    int32_t date;
    int64_t votes;
} fpaper;

static void corpus_open_index(corpus *c, const char *idx)
{
    char err[512];
    if (pdx_index_open(&c->ix, idx, err, sizeof err) != PDX_OK)
        fail_msg("open %s: %s", idx, err);
    assert_int_equal(pdx_searcher_new(&c->s, c->ix), PDX_OK);
}

/* The writer's view of synthetic paper p, the i-th of its file. */
static pdx_paper as_paper(const fpaper *p, size_t i)
{
    return (pdx_paper){.id = p->id,
                       .id_len = strlen(p->id),
                       .url = "",
                       .title = p->title,
                       .title_len = strlen(p->title),
                       .authors = p->authors,
                       .authors_len = strlen(p->authors),
                       .summary = p->summary,
                       .summary_len = strlen(p->summary),
                       .date = p->date,
                       .votes = p->votes,
                       .file = "synthetic.md",
                       .line = (uint32_t)i + 1};
}

/* Indexes the papers into a fresh scratch directory and opens the index. */
static void corpus_from_papers(corpus *c, const fpaper *p, size_t n)
{
    c->dir = fx_tmpdir();
    char *idx = fx_path(c->dir, "t.idx");
    pdx_writer *w;
    assert_int_equal(pdx_writer_new(&w, idx, NULL), PDX_OK);
    for (size_t i = 0; i < n; i++) {
        pdx_paper pp = as_paper(&p[i], i);
        assert_int_equal(pdx_writer_add(w, &pp), PDX_OK);
    }
    assert_int_equal(pdx_writer_commit(w, NULL), PDX_OK);
    pdx_writer_free(w);
    corpus_open_index(c, idx);
    free(idx);
}

static void corpus_close(corpus *c)
{
    pdx_searcher_free(c->s);
    pdx_index_close(c->ix);
    fx_rmtree(c->dir);
    memset(c, 0, sizeof *c);
}

/* ---- pruned against exhaustive ---- */

static void describe(char *buf, size_t n, const char *query, const pdx_search_opts *o)
{
    snprintf(buf, n, "query '%s' limit %u offset %u vote weight %g", query, o->limit, o->offset,
             o->vote_weight);
}

/* Fails unless consecutive hits follow the documented order: full matches
 * before partial ones, then score (a partial one's includes its
 * coverage), then newer date, then smaller arXiv id. */
static void assert_documented_order(pdx_searcher *s, const pdx_results *r, const char *what)
{
    for (size_t i = 0; i + 1 < r->n; i++) {
        const pdx_hit *a = &r->hits[i], *b = &r->hits[i + 1];
        if (a->partial != b->partial) {
            if (a->partial)
                fail_msg("%s: partial hit %zu before full hit %zu", what, i, i + 1);
            continue;
        }
        if (a->score != b->score) {
            if (a->score < b->score)
                fail_msg("%s: hit %zu scores below hit %zu", what, i, i + 1);
            continue;
        }
        pdx_hit_info ha, hb;
        assert_int_equal(pdx_hit_get(s, a->doc, &ha), PDX_OK);
        assert_int_equal(pdx_hit_get(s, b->doc, &hb), PDX_OK);
        if (ha.date != hb.date) {
            if (ha.date < hb.date)
                fail_msg("%s: tie at hit %zu: older date %d before %d", what, i, ha.date,
                         hb.date);
            continue;
        }
        int c = memcmp(ha.id, hb.id, PDX_MIN(ha.id_len, hb.id_len));
        if (c > 0 || (c == 0 && ha.id_len > hb.id_len))
            fail_msg("%s: tie at hit %zu: arXiv id %.*s before %.*s", what, i, (int)ha.id_len,
                     ha.id, (int)hb.id_len, hb.id);
    }
}

/* Fails unless the pruned results pr of o equal the exhaustive results ex
 * of the same query run with limit o->offset + o->limit or more and offset
 * 0, from o->offset on: the same hits, scores to the bit, totals and
 * flags. (Ranking is a total order, so a page is a slice of any longer
 * one; partial_used then says whether a partial hit is in the slice or
 * before it.) */
static void assert_slice_equal(const pdx_results *pr, const pdx_results *ex,
                               const pdx_search_opts *o, const char *what)
{
    size_t end = PDX_MIN(ex->n, (size_t)o->offset + o->limit);
    size_t want = end > o->offset ? end - o->offset : 0;
    if (pr->n != want)
        fail_msg("%s: %zu hits pruned, %zu exhaustive", what, pr->n, want);
    for (size_t i = 0; i < pr->n; i++) {
        const pdx_hit *a = &pr->hits[i], *b = &ex->hits[o->offset + i];
        if (a->doc != b->doc || memcmp(&a->score, &b->score, sizeof a->score) ||
            a->partial != b->partial || a->matched != b->matched || a->missing != b->missing)
            fail_msg("%s: hit %zu: pruned doc %u score %.17g%s, exhaustive doc %u score "
                     "%.17g%s",
                     what, i, a->doc, a->score, a->partial ? " partial" : "", b->doc, b->score,
                     b->partial ? " partial" : "");
    }
    /* a partial hit names each word it lacks (pdx_query_word), a full one none */
    for (size_t i = 0; i < pr->n; i++) {
        const pdx_hit *a = &pr->hits[i];
        if ((unsigned)__builtin_popcountll(a->missing) + a->matched !=
                (a->partial ? pr->clauses : a->matched) ||
            (a->partial && !a->missing))
            fail_msg("%s: hit %zu: %u words matched of %u, missing mask %llx", what, i,
                     a->matched, pr->clauses, (unsigned long long)a->missing);
    }
    if (pr->total != ex->total || pr->total_estimated != ex->total_estimated)
        fail_msg("%s: total %llu%s pruned, %llu%s exhaustive", what,
                 (unsigned long long)pr->total, pr->total_estimated ? " (estimated)" : "",
                 (unsigned long long)ex->total, ex->total_estimated ? " (estimated)" : "");
    bool partial = false;
    for (size_t i = 0; i < end; i++)
        partial |= ex->hits[i].partial;
    if (pr->partial_used != partial || pr->clauses != ex->clauses)
        fail_msg("%s: partial_used or clauses differ", what);
}

static void search_or_fail(pdx_searcher *s, const pdx_query *q, const pdx_search_opts *o,
                           bool exhaustive, pdx_results *out, const char *what)
{
    pdx_search_set_exhaustive(s, exhaustive);
    int rc = pdx_search(s, q, o, out);
    pdx_search_set_exhaustive(s, false);
    if (rc != PDX_OK)
        fail_msg("%s%s: %s", what, exhaustive ? " (exhaustive)" : "", pdx_searcher_errmsg(s));
}

/* The pages every query is compared on: top 1, 10 and 100, and a page
 * after an offset. */
static const struct {
    uint32_t limit, offset;
} pages[] = {{1, 0}, {10, 0}, {100, 0}, {10, 5}};
#define LONGEST_PAGE 100

/* Runs query pruned on each page, with no vote boost, the default and a
 * strong one, and fails at the first difference from the exhaustive
 * search, whose page the pruned one must be a slice of: run for each page
 * with the same heap size (offset 0, limit offset + limit) when same_opts,
 * else once with the longest page (4x fewer exhaustive searches, for the
 * large corpus). Returns false if the query does not parse (nothing run). */
static bool compare_pages(pdx_searcher *s, const char *query, bool same_opts)
{
    pdx_query *q;
    if (pdx_query_parse(&q, s, query, strlen(query)) != PDX_OK)
        return false;
    static const double vws[] = {0, PDX_DEFAULT_VOTE_WEIGHT, 1};
    for (size_t v = 0; v < sizeof vws / sizeof vws[0]; v++) {
        pdx_search_opts o;
        pdx_search_opts_default(&o);
        o.vote_weight = vws[v];
        o.limit = LONGEST_PAGE;
        char what[512];
        pdx_results ex = {0}, pr;
        if (!same_opts) {
            describe(what, sizeof what, query, &o);
            search_or_fail(s, q, &o, true, &ex, what);
            assert_documented_order(s, &ex, what);
        }
        for (size_t p = 0; p < sizeof pages / sizeof pages[0]; p++) {
            o.limit = pages[p].limit;
            o.offset = pages[p].offset;
            describe(what, sizeof what, query, &o);
            search_or_fail(s, q, &o, false, &pr, what);
            if (same_opts) {
                /* the same options, offset 0 and the limit covering it */
                pdx_search_opts eo = o;
                eo.limit = o.limit + o.offset;
                eo.offset = 0;
                search_or_fail(s, q, &eo, true, &ex, what);
                assert_documented_order(s, &ex, what);
            }
            assert_slice_equal(&pr, &ex, &o, what);
            /* a total past PDX_EXACT_TOTAL is reported as exactly that */
            if (pr.total_estimated && pr.total != PDX_EXACT_TOTAL)
                fail_msg("%s: estimated total %llu", what, (unsigned long long)pr.total);
            pdx_results_clear(&pr);
            if (same_opts)
                pdx_results_clear(&ex);
        }
        pdx_results_clear(&ex);
    }
    pdx_query_free(q);
    return true;
}

/* A sanitizer or -O0 build runs several times slower: fewer queries and
 * a smaller scale there. */
#if defined(__SANITIZE_ADDRESS__)
#define PDX_EXACT_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PDX_EXACT_SANITIZED 1
#endif
#endif
#if defined(PDX_EXACT_SANITIZED) || !defined(NDEBUG)
#define PDX_EXACT_SLOW 1
#endif

/* Paths a corpus is not asked to take (assert_pruning_exercised()): the
 * partial pass's probed groups taken by cost (partial_by_cost), a set
 * that spares more than MaxScore's prefix when a common word has the
 * largest bound, as a Korean word's bigrams give it; the synthetic
 * corpora's words are one term each. The latency queries take every
 * path. */
enum { NEED_ALL = 0, SKIP_BY_COST = 1 };

/* Fails unless every pruning path was taken in the searches since the
 * counters were reset (pdx_search_stats): a bound that silently stopped
 * pruning would keep the results exact and this test green otherwise.
 * Prints the counts. */
static void assert_pruning_exercised(pdx_searcher *s, const char *corpus_name, int skip)
{
    const pdx_search_stats *st = pdx_search_stats_get(s);
    printf("exact: %s: block-max skipped %llu ranges in AND, %llu in one-word unions, %llu in "
           "the partial pass; %llu AND candidates unscored; %llu AND and %llu union "
           "matches counted unscored; %llu partial candidates from essential groups (%llu "
           "splits by cost); %llu "
           "essential, %llu probed, %llu one-list and %llu partial candidates passed over on "
           "bounds; %llu proximities skipped; %llu and %llu partial runs of one group alone on "
           "cursors and on seeks\n",
           corpus_name, (unsigned long long)st->blockmax_and,
           (unsigned long long)st->blockmax_single, (unsigned long long)st->blockmax_partial,
           (unsigned long long)st->candidates_and, (unsigned long long)st->counted_unscored,
           (unsigned long long)st->counted_union, (unsigned long long)st->maxscore_partial,
           (unsigned long long)st->partial_by_cost,
           (unsigned long long)st->candidates_essential, (unsigned long long)st->candidates_probed,
           (unsigned long long)st->candidates_single, (unsigned long long)st->candidates_partial,
           (unsigned long long)st->proximity_skipped, (unsigned long long)st->lone_plain,
           (unsigned long long)st->lone_walked);
    if (!st->blockmax_and || !st->blockmax_single || !st->blockmax_partial ||
        !st->candidates_and || !st->counted_unscored ||
        !st->counted_union || !st->maxscore_partial ||
        (!(skip & SKIP_BY_COST) && !st->partial_by_cost) || !st->candidates_essential ||
        !st->candidates_probed || !st->candidates_single || !st->candidates_partial ||
        !st->proximity_skipped || !st->lone_plain || !st->lone_walked)
        fail_msg("%s: a pruning path was never taken (see the counts above)", corpus_name);
}

/* ---- the synthetic corpus ---- */

#ifdef PDX_EXACT_SLOW
#define SYN_QUERIES 80
#else
#define SYN_QUERIES 300
#endif

#define SYN_PAPERS 3000
#define SYN_SEED 0x5eedULL

static const char *const vocab[] = {
    "alpha", "beta",    "gamma", "delta", "epsilon", "zeta", "theta", "kappa",
    "lambda", "sigma",  "omega", "rho",   "tau",     "phi",  "chi",   "psi",
    "omicron", "upsilon", "iota", "nu",   "xi",      "mu",   "eta",   "pi"};
#define NVOCAB (sizeof vocab / sizeof vocab[0])

static const char *const names[] = {"Ann Lee", "Bob Kim", "Cara Diaz", "Dana Cho",
                                    "Eun Seo", "Fay Wu",  "Gil Park",  "Hana Yoo"};

/* A vocabulary index drawn from a Zipf-like law (exponent about 1), so a
 * few words are in most papers and the rest are rare. */
static size_t zipf(uint64_t *rng)
{
    static double cum[NVOCAB];
    if (cum[NVOCAB - 1] == 0) {
        double t = 0;
        for (size_t i = 0; i < NVOCAB; i++)
            cum[i] = t += 1.0 / (double)(i + 1);
        for (size_t i = 0; i < NVOCAB; i++)
            cum[i] /= t;
    }
    double u = (double)(bench_splitmix64(rng) >> 11) / 9007199254740992.0;
    size_t i = 0;
    while (i + 1 < NVOCAB && cum[i] < u)
        i++;
    return i;
}

static uint32_t below(uint64_t *rng, uint32_t n)
{
    return (uint32_t)(bench_splitmix64(rng) % n);
}

static void append_words(char *buf, size_t cap, uint64_t *rng, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        size_t len = strlen(buf);
        snprintf(buf + len, cap - len, "%s%s", len ? " " : "", vocab[zipf(rng)]);
    }
}

/* SYN_PAPERS papers: dates rising with the index, 30 papers a day (so many
 * share a date and the arXiv id decides), votes small with some unknown and
 * a few large, and one paper in four a copy of an earlier one's text: equal
 * scores, where only the tie-break orders them. */
static fpaper *synthetic_papers(void)
{
    fpaper *p = calloc(SYN_PAPERS, sizeof *p);
    assert_non_null(p);
    uint64_t rng = SYN_SEED;
    for (uint32_t i = 0; i < SYN_PAPERS; i++) {
        snprintf(p[i].id, sizeof p[i].id, "2401.%05u", (unsigned)(SYN_PAPERS - i));
        p[i].date = bench_date_add(20240101, (int32_t)(i / 30));
        uint32_t r = below(&rng, 100);
        p[i].votes = r < 8    ? PDX_VOTES_UNKNOWN
                     : r < 11 ? (int64_t)200 + below(&rng, 800)
                              : (int64_t)below(&rng, 40);
        if (i > 0 && below(&rng, 4) == 0) {
            const fpaper *src = &p[below(&rng, i)];
            memcpy(p[i].title, src->title, sizeof p[i].title);
            memcpy(p[i].authors, src->authors, sizeof p[i].authors);
            memcpy(p[i].summary, src->summary, sizeof p[i].summary);
            if (below(&rng, 2))
                p[i].votes = src->votes;
            continue;
        }
        append_words(p[i].title, sizeof p[i].title, &rng, 1 + below(&rng, 6));
        uint32_t na = 1 + below(&rng, 3);
        for (uint32_t k = 0; k < na; k++) {
            size_t len = strlen(p[i].authors);
            snprintf(p[i].authors + len, sizeof p[i].authors - len, "%s%s", k ? "\n" : "",
                     names[below(&rng, sizeof names / sizeof names[0])]);
        }
        append_words(p[i].summary, sizeof p[i].summary, &rng, 3 + below(&rng, 28));
    }
    return p;
}

/* A random query of one of the shapes the query language has. */
static void synthetic_query(char *q, size_t n, uint64_t *rng)
{
    const char *a = vocab[zipf(rng)], *b = vocab[zipf(rng)], *c = vocab[zipf(rng)];
    switch (below(rng, 12)) {
    case 0: snprintf(q, n, "%s", a); break;
    case 1: snprintf(q, n, "%s %s", a, b); break;
    case 2: snprintf(q, n, "%s %s %s", a, b, c); break;
    case 3: snprintf(q, n, "%s OR %s", a, b); break;
    case 4: snprintf(q, n, "\"%s %s\"", a, b); break;
    case 5: snprintf(q, n, "%s \"%s %s\"", a, b, c); break;
    case 6: snprintf(q, n, "title:%s %s", a, b); break;
    case 7: snprintf(q, n, "%s %s -%s", a, b, c); break;
    case 8: snprintf(q, n, "%.2s*", a); break;
    case 9: snprintf(q, n, "%s %s OR %s", a, b, c); break;
    case 10: snprintf(q, n, "%s %s nosuchword", a, b); break;
    default: snprintf(q, n, "%s %s %s %s", a, b, c, vocab[zipf(rng)]); break;
    }
}

static void exact_synthetic_pruned_equals_exhaustive(void **state)
{
    (void)state;
    fpaper *p = synthetic_papers();
    corpus c = {0};
    corpus_from_papers(&c, p, SYN_PAPERS);
    free(p);
    uint64_t rng = SYN_SEED ^ 0xabcdef;
    size_t parsed = 0;
    pdx_search_stats_reset(c.s);
    /* the shapes that need pruning most: frequent words */
    static const char *const fixed[] = {
        "alpha", "alpha beta", "alpha beta gamma", "\"alpha beta\"", "alpha OR beta",
        "alpha \"beta gamma\"", "a*", "alpha beta nosuchword", "beta \"alpha gamma\" nosuchword",
        "epsilon alpha nosuchword", "alpha \"alpha alpha\"", "beta \"alpha beta\"",
        /* a word twice, quoted or in another field the second time (a
         * plain word typed twice is one group: query.c typed_again()):
         * candidates aligned, then passed over on their bound */
        "delta alpha zeta \"alpha\"", "delta alpha zeta summary:alpha",
        /* filters, which the partial pass asks of a paper only when it
         * could enter: with no full match, every partial match of a
         * two-word query holds one word alone (lone_run()) */
        "alpha nosuchword votes:<10", "beta nosuchword date:2024-01",
        "alpha beta nosuchword date:2024-02..", "alpha beta -gamma date:2024-03"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        parsed += compare_pages(c.s, fixed[i], true);
    for (int i = 0; i < SYN_QUERIES; i++) {
        char q[256];
        synthetic_query(q, sizeof q, &rng);
        parsed += compare_pages(c.s, q, true);
    }
    assert_true(parsed > SYN_QUERIES * 9 / 10);
    assert_pruning_exercised(c.s, "synthetic", SKIP_BY_COST);
    corpus_close(&c);
}

/* The same synthetic papers in three segments, each with deleted papers
 * mixed in (copies of live papers' text under other ids, some with many
 * votes, so that the lists' and blocks' bounds include papers that never
 * match): pruning over several segments, with one heap whose threshold
 * bounds them all, must stay exact, and every pruning path must be taken
 * there too. tests/test_multiseg.c compares such an index with one
 * segment of the live papers. */
#define MULTI_SEGS 3
static void exact_multiseg_pruned_equals_exhaustive(void **state)
{
    (void)state;
    fpaper *p = synthetic_papers();
    fpaper *dead = calloc(SYN_PAPERS / 4, sizeof *dead);
    pdx_paper *sp[MULTI_SEGS];
    bool *sd[MULTI_SEGS];
    vf_segment vs[MULTI_SEGS];
    uint64_t rng = SYN_SEED ^ 0x5e65;
    size_t n_dead = 0;
    for (size_t s = 0; s < MULTI_SEGS; s++) {
        size_t from = SYN_PAPERS * s / MULTI_SEGS, to = SYN_PAPERS * (s + 1) / MULTI_SEGS;
        sp[s] = calloc((to - from) * 2, sizeof *sp[s]);
        sd[s] = calloc((to - from) * 2, sizeof *sd[s]);
        size_t n = 0;
        for (size_t i = from; i < to; i++) {
            sp[s][n++] = as_paper(&p[i], i);
            if (i % 4 != 1)
                continue;
            fpaper *d = &dead[n_dead];
            *d = p[below(&rng, SYN_PAPERS)];
            snprintf(d->id, sizeof d->id, "2312.%05u", (unsigned)n_dead++);
            if (below(&rng, 5) == 0)
                d->votes = 5000;
            sd[s][n] = true;
            sp[s][n++] = as_paper(d, i);
        }
        vs[s] = (vf_segment){sp[s], n, sd[s]};
    }
    corpus c = {0};
    corpus_from_papers(&c, p, SYN_PAPERS); /* the reference, for its lexicon */
    char *view = vf_make_view(c.dir, "view.idx", vs, MULTI_SEGS, c.ix->path);
    pdx_searcher_free(c.s);
    pdx_index_close(c.ix);
    corpus_open_index(&c, view);
    assert_int_equal(pdx_search_n_segs(c.ix), MULTI_SEGS);
    assert_true(pdx_search_has_deleted(c.ix));
    rng = SYN_SEED ^ 0xabcdef;
    size_t parsed = 0;
    pdx_search_stats_reset(c.s);
    static const char *const fixed[] = {"alpha", "alpha beta", "\"alpha beta\"", "alpha OR beta",
                                        "a*", "alpha beta nosuchword", "alpha \"beta gamma\""};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        parsed += compare_pages(c.s, fixed[i], true);
    for (int i = 0; i < SYN_QUERIES / 2; i++) {
        char q[256];
        synthetic_query(q, sizeof q, &rng);
        parsed += compare_pages(c.s, q, true);
    }
    assert_true(parsed > SYN_QUERIES / 2 * 9 / 10);
    assert_pruning_exercised(c.s, "synthetic, three segments", SKIP_BY_COST);
    for (size_t s = 0; s < MULTI_SEGS; s++) {
        free(sp[s]);
        free(sd[s]);
    }
    free(view);
    free(dead);
    free(p);
    corpus_close(&c);
}

/* Block-max bounds can equal a score exactly: when one paper of a block
 * has its largest tf, shortest field and most votes, the bound is computed
 * from the same numbers as that paper's score. 1,500 papers with the same
 * text and votes, one a day: every score ties and the newest paper, the
 * last, must win the tie-break, though every block after the first
 * thousand is bounded by exactly the heap's worst score. A range is passed
 * over only when its bound is below it by the margin (cannot_reach()). */
#define TIE_PAPERS 1500

/* The tie corpus: paper i on day (i * step) % TIE_PAPERS of 2020 on. */
static fpaper *tie_papers(uint32_t step)
{
    fpaper *p = calloc(TIE_PAPERS, sizeof *p);
    assert_non_null(p);
    for (uint32_t i = 0; i < TIE_PAPERS; i++) {
        snprintf(p[i].id, sizeof p[i].id, "2402.%05u", (unsigned)i);
        snprintf(p[i].title, sizeof p[i].title, "A study");
        snprintf(p[i].authors, sizeof p[i].authors, "Ann Lee");
        snprintf(p[i].summary, sizeof p[i].summary, "alpha beta gamma");
        p[i].date = bench_date_add(20200101, (int32_t)((i * step) % TIE_PAPERS));
        p[i].votes = 7;
    }
    return p;
}

static void exact_blockmax_bound_equal_to_heap_reaches_the_tie_break(void **state)
{
    (void)state;
    fpaper *p = tie_papers(1);
    corpus c = {0};
    corpus_from_papers(&c, p, TIE_PAPERS);
    pdx_search_stats_reset(c.s);
    assert_true(compare_pages(c.s, "alpha", true));
    pdx_query *q;
    assert_int_equal(pdx_query_parse(&q, c.s, "alpha", 5), PDX_OK);
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    o.limit = 1;
    pdx_results r;
    assert_int_equal(pdx_search(c.s, q, &o, &r), PDX_OK);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.hits[0].doc, TIE_PAPERS - 1);
    pdx_results_clear(&r);
    pdx_query_free(q);
    free(p);
    corpus_close(&c);
}

/* A one-shot handle (the CLI's) reads the records a tie asks for through
 * its cold cache, then, past PDX_TIE_READS of them, through the mapping:
 * both must break the ties as the long-lived handle does. The tie corpus
 * again, a page of 100 from the 1,500 tied papers: the newest first. */
#define TIE_STEP 7919u /* a prime: days a permutation of the papers */
static void exact_ties_on_a_one_shot_handle(void **state)
{
    (void)state;
    fpaper *p = tie_papers(TIE_STEP); /* dates not in id order: read to break ties */
    corpus c = {0};
    corpus_from_papers(&c, p, TIE_PAPERS);
    char *idx = fx_path(c.dir, "t.idx"), err[512];
    pdx_index *ix;
    pdx_searcher *s;
    if (pdx_index_open_flags(&ix, idx, PDX_OPEN_ONESHOT, err, sizeof err) != PDX_OK)
        fail_msg("open %s: %s", idx, err);
    assert_int_equal(pdx_searcher_new(&s, ix), PDX_OK);
    pdx_query *q;
    assert_int_equal(pdx_query_parse(&q, s, "alpha", 5), PDX_OK);
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    o.limit = 100;
    pdx_results r;
    assert_int_equal(pdx_search(s, q, &o, &r), PDX_OK);
    assert_int_equal(r.n, 100);
    for (size_t k = 0; k < r.n; k++) {
        uint32_t i = r.hits[k].doc, day = (i * TIE_STEP) % TIE_PAPERS;
        if (day != TIE_PAPERS - 1 - k)
            fail_msg("hit %zu: paper %u of day %u, not the %zu-th newest", k, i, day, k);
    }
    pdx_results_clear(&r);
    pdx_query_free(q);
    pdx_searcher_free(s);
    pdx_index_close(ix);
    free(idx);
    free(p);
    corpus_close(&c);
}

/* A bound multiplied out must not pass over a paper when its product
 * overflows (all_on_excluded()). Five one-letter prefixes of 60 words
 * each; a quarter of the 400 papers hold OVF_TERMS of those words once,
 * the others fewer, each summary padded to OVF_LEN words, so that with
 * k1 10 and b 1 every cursor on a paper weighs tf + norm = 11, and
 * 11^297 is the first power past the largest double: the product of the
 * best papers overflows exactly at their last cursor. Tiny field weights
 * keep the scores, and so the heap's threshold, below 1. */
#define OVF_PAPERS 400
#define OVF_WORDS 60 /* words per letter */
#define OVF_TERMS 297
#define OVF_LEN 400

static uint64_t ovf_rng = 0x9e3779b97f4a7c15ull;
static unsigned ovf_rand(unsigned n)
{
    ovf_rng ^= ovf_rng << 13;
    ovf_rng ^= ovf_rng >> 7;
    ovf_rng ^= ovf_rng << 17;
    return (unsigned)(ovf_rng % n);
}

/* Word i of letter l: the letter, three consonants, k. */
static void ovf_word(char *w, unsigned l, unsigned i)
{
    static const char cons[] = "bcdfghjklmnpqrstvwxz";
    unsigned v = i * 7 + 3;
    snprintf(w, 8, "%c%c%c%ck", 'a' + l, cons[v / 400 % 20], cons[v / 20 % 20], cons[v % 20]);
}

/* A summary of m distinct query words, then padding to OVF_LEN words. */
static size_t ovf_summary(char *out, unsigned m)
{
    bool used[5 * OVF_WORDS] = {0};
    size_t off = 0;
    unsigned k = 0;
    while (k < m) {
        unsigned v = ovf_rand(5 * OVF_WORDS);
        if (used[v])
            continue;
        used[v] = true;
        ovf_word(out + off, v / OVF_WORDS, v % OVF_WORDS);
        off += strlen(out + off);
        out[off++] = ' ';
        k++;
    }
    for (; k < OVF_LEN; k++)
        off += (size_t)sprintf(out + off, "z%c%c%ck ", 'b' + ovf_rand(20), 'b' + ovf_rand(20),
                               'b' + ovf_rand(20));
    return off;
}

static void exact_overflowing_bound_passes_nothing_over(void **state)
{
    (void)state;
    corpus c = {0};
    c.dir = fx_tmpdir();
    char *idx = fx_path(c.dir, "t.idx");
    pdx_writer *w;
    assert_int_equal(pdx_writer_new(&w, idx, NULL), PDX_OK);
    char *summary = malloc(OVF_LEN * 8 + 16);
    assert_non_null(summary);
    for (unsigned i = 0; i < OVF_PAPERS; i++) {
        unsigned m = ovf_rand(4) == 0 ? OVF_TERMS : OVF_TERMS - 1 - ovf_rand(40);
        size_t len = ovf_summary(summary, m);
        char id[16], title[32];
        snprintf(id, sizeof id, "2403.%05u", i);
        snprintf(title, sizeof title, "zqk title %u", i);
        pdx_paper pp = {.id = id, .id_len = strlen(id), .url = "", .title = title,
                        .title_len = strlen(title), .authors = "Mo Ro", .authors_len = 5,
                        .summary = summary, .summary_len = len, .date = 20240101,
                        .file = "synthetic.md", .line = i + 1};
        assert_int_equal(pdx_writer_add(w, &pp), PDX_OK);
    }
    free(summary);
    assert_int_equal(pdx_writer_commit(w, NULL), PDX_OK);
    pdx_writer_free(w);
    corpus_open_index(&c, idx);
    free(idx);

    const char *query = "a* b* c* d* e*";
    pdx_query *q;
    assert_int_equal(pdx_query_parse(&q, c.s, query, strlen(query)), PDX_OK);
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    o.k1 = 10;
    o.b = 1;
    o.vote_weight = 0;
    for (unsigned f = 0; f < PDX_NFIELDS; f++)
        o.field_weight[f] = 1e-4;
    pdx_results ex, pr;
    search_or_fail(c.s, q, &o, true, &ex, query);
    search_or_fail(c.s, q, &o, false, &pr, query);
    assert_slice_equal(&pr, &ex, &o, query);
    pdx_results_clear(&ex);
    pdx_results_clear(&pr);
    pdx_query_free(q);
    corpus_close(&c);
}

/* ---- the real digests, scaled ---- */


/* 10 copies of the corpus in an optimized build, fewer in a slow one.
 * PDX_EXACT_SCALE overrides. */
static unsigned real_scale(void)
{
    const char *env = getenv("PDX_EXACT_SCALE");
    if (env && *env)
        return (unsigned)strtoul(env, NULL, 10);
#if defined(PDX_EXACT_SANITIZED)
    return 1;
#elif !defined(NDEBUG)
    return 2;
#else
    return 10;
#endif
}

static int add_to_writer(const pdx_paper *paper, void *payload)
{
    return pdx_writer_add(payload, paper);
}

/* Does query get lexicon equivalents (or other forms) when parsed? */
static bool query_expands(pdx_searcher *s, const char *query)
{
    pdx_query *q;
    if (pdx_query_parse(&q, s, query, strlen(query)) != PDX_OK)
        return false;
    bool any = pdx_query_expansion_count(q) > 0;
    pdx_query_free(q);
    return any;
}

/* An OR variant of a latency query of at least two words, into buf:
 * "a b c" -> "a OR b c". Each word of an OR group gets its lexicon
 * equivalents as further alternatives (searcher/expand.c), so these walk
 * groups of several words, each with its own alternatives. False for a
 * query of one word or one too long for buf. */
static bool or_variant(const char *query, char *buf, size_t n)
{
    const char *sp = strchr(query, ' ');
    if (!sp || !sp[1])
        return false;
    int k = snprintf(buf, n, "%.*s OR %s", (int)(sp - query), query, sp + 1);
    return k > 0 && (size_t)k < n;
}

static void exact_real_pruned_equals_exhaustive(void **state)
{
    (void)state;
    const char *shared = fx_shared_dir();
    char corpus_dir[4200], queries_path[4200];
    if (shared) {
        snprintf(corpus_dir, sizeof corpus_dir, "%s/corpus/paper_logs", shared);
        snprintf(queries_path, sizeof queries_path, "%s/eval/latency_queries.txt", shared);
    }
    char *queries = shared ? fx_read(queries_path, NULL) : NULL;
    if (!queries) {
        printf("exact: no ../shared eval queries; skipped\n");
        skip();
    }
    unsigned scale = real_scale();
    if (scale < 1 || scale > 999)
        fail_msg("PDX_EXACT_SCALE must be 1..999, got %u", scale);
    corpus c = {.dir = fx_tmpdir()};
    char *gen_dir = fx_path(c.dir, "gen");
    char *idx = fx_path(c.dir, "t.idx");
    char err[512];
    bench_gen_opts go = {.corpus = corpus_dir, .out = gen_dir, .scale = scale,
                         .seed = BENCH_GEN_DEFAULT_SEED, .quiet = true};
    if (bench_gen_run(&go, NULL, err, sizeof err) != PDX_OK)
        fail_msg("gen: %s", err);
    /* the corpus is copy 0; the generator writes copies 1..scale-1 */
    const char *paths[] = {corpus_dir, gen_dir};
    pdx_writer *w;
    assert_int_equal(pdx_writer_new(&w, idx, NULL), PDX_OK);
    pdx_parse_cb cb = {add_to_writer, NULL, w};
    assert_int_equal(pdx_parse_paths(paths, scale > 1 ? 2 : 1, &cb, NULL), PDX_OK);
    assert_int_equal(pdx_writer_commit(w, NULL), PDX_OK);
    pdx_writer_free(w);
    fx_rmtree(gen_dir);
    corpus_open_index(&c, idx);
    free(idx);
    size_t n = 0, parsed = 0, n_or = 0, parsed_or = 0, expanded_or = 0;
    pdx_search_stats_reset(c.s);
    for (char *line = strtok(queries, "\n"); line; line = strtok(NULL, "\n")) {
        n++;
        parsed += compare_pages(c.s, line, false);
        char alt[1024];
        if (n % 4 == 0 && or_variant(line, alt, sizeof alt)) {
            n_or++;
            parsed_or += compare_pages(c.s, alt, false);
            expanded_or += query_expands(c.s, alt);
        }
    }
    printf("exact: %zu of %zu latency queries compared at %ux (%u papers), and %zu of %zu OR "
           "variants (%zu with equivalents)\n",
           parsed, n, scale, c.ix->n_docs, parsed_or, n_or, expanded_or);
    assert_true(n >= 500 && parsed >= n - 5);
    assert_true(n_or >= 80 && parsed_or >= n_or - 2 && expanded_or >= 5);
    assert_pruning_exercised(c.s, "latency queries", NEED_ALL);
    /* the equivalents of multi-word spans ("fine tuning": 미세 조정) were
     * read once for the span's groups, and compared above */
    printf("exact: latency queries: %llu span equivalents shared their cursors\n",
           (unsigned long long)pdx_search_stats_get(c.s)->shared_clauses);
    if (!pdx_search_stats_get(c.s)->shared_clauses)
        fail_msg("latency queries: no span equivalent shared its cursors");
    free(queries);
    corpus_close(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exact_synthetic_pruned_equals_exhaustive),
        cmocka_unit_test(exact_multiseg_pruned_equals_exhaustive),
        cmocka_unit_test(exact_blockmax_bound_equal_to_heap_reaches_the_tie_break),
        cmocka_unit_test(exact_ties_on_a_one_shot_handle),
        cmocka_unit_test(exact_overflowing_bound_passes_nothing_over),
        cmocka_unit_test(exact_real_pruned_equals_exhaustive),
    };
    /* PDX_TEST_FILTER=exact_synthetic* runs a subset (e.g. to try a mutant) */
    const char *filter = getenv("PDX_TEST_FILTER");
    if (filter && *filter)
        cmocka_set_test_filter(filter);
    return cmocka_run_group_tests_name("exact", tests, NULL, NULL);
}
