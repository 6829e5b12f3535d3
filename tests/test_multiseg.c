/*
 * Search over an index of several segments with deleted papers (issue 12):
 * it must answer exactly as one segment built from the live papers alone.
 *
 * The papers of a synthetic corpus (Korean and English words, stated
 * Korean<->English pairs for the lexicon, shared dates, unknown and large
 * vote counts) go into three segments, each with deleted papers mixed in:
 * older versions of live papers (same arXiv id, other text), papers deleted
 * outright, papers whose words no live paper has, a paper with far more
 * votes than any live one and dates outside the live range. The reference
 * is a full build of the live papers alone, in another order. Every query
 * (Korean, English, phrases, prefixes, OR, NOT, field restrictions, whole
 * authors, date/votes/id filters, partial matches, lexicon expansions and
 * derived forms, words and prefixes only deleted papers have) is run on
 * both with many options (pages, offsets, sorts, vote weights, no
 * expansion, no partial pass), and the two must agree on every hit (by
 * arXiv id), its score to the bit, partial flag and clauses matched, the
 * totals, partial_used, the notice, the expansions and the snippets. The
 * same on one segment with deleted papers, and on the real digests in
 * three segments (older versions of edited papers, papers deleted) over
 * the latency and known-item queries of ../shared/eval.
 *
 * The view is put together by tests/view_fixture.c (segments written by
 * the writer, a manifest encoded by hand with the deleted ids and MDELDF
 * counted by walking the lists), so this tests the searcher alone, not the
 * updater (tests/test_update.c, tests/update_exact.*).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../bench/bench_gen.c"
#include "searcher.h"
#include "view_fixture.c"

/* ---- the corpus ---- */

/* A paper's text, NUL-terminated. */
typedef struct tpaper {
    char id[24];
    char title[160];
    char authors[96];
    char summary[1200];
    int32_t date;
    int64_t votes;
} tpaper;

static const char *const ko_words[] = {
    "모델",   "학습",   "데이터", "성능",   "추론",   "벤치마크", "에이전트", "비디오",
    "생성",   "언어",   "평가",   "효율화", "효율성", "방법",     "제안",     "실험",
    "결과",   "멀티모달", "정렬",  "강화학습", "최적화", "검색",   "로봇",     "확산"};
static const char *const particles[] = {"", "", "은", "을", "이", "의", "에서", "를"};
static const char *const en_words[] = {
    "transformer", "diffusion", "reasoning", "agents",   "benchmark", "video",
    "vision",      "language",  "model",     "models",   "learning",  "LLMs",
    "GPT-4",       "training",  "efficient", "retrieval", "robot",    "alignment",
    "tokens",      "sparse",    "attention", "scaling"};
/* Pairs the lexicon miner finds (stated in parentheses). */
static const char *const pairs[] = {
    "강화 학습(reinforcement learning)", "확산 모델(diffusion model)",
    "대형 언어 모델(LLM)", "트랜스포머(Transformer)", "검색 증강 생성(retrieval augmented generation)"};
static const char *const names[] = {"Ann Lee", "Bob Kim",  "Cara Diaz", "Dana Cho",
                                    "Eun Seo", "Lin Xu",   "Linning Xu", "Hana Yoo"};
#define COUNT(a) (sizeof a / sizeof a[0])

static uint32_t below(uint64_t *rng, uint32_t n)
{
    return (uint32_t)(bench_splitmix64(rng) % n);
}

/* Appends sep then w to buf (cap bytes). */
static void append(char *buf, size_t cap, const char *sep, const char *w)
{
    size_t len = strlen(buf);
    snprintf(buf + len, cap - len, "%s%s", sep, w);
}

/* Fills p with random text. Common words are drawn from the front of the
 * lists more often (min of two draws), so document frequencies spread. */
static void random_text(tpaper *p, uint64_t *rng)
{
    p->title[0] = p->authors[0] = p->summary[0] = 0;
    uint32_t nt = 2 + below(rng, 5);
    for (uint32_t i = 0; i < nt; i++) {
        uint32_t a = below(rng, COUNT(en_words)), b = below(rng, COUNT(en_words));
        append(p->title, sizeof p->title, i ? " " : "", en_words[a < b ? a : b]);
    }
    if (below(rng, 3) == 0)
        append(p->title, sizeof p->title, " ", ko_words[below(rng, COUNT(ko_words))]);
    uint32_t na = 1 + below(rng, 3);
    for (uint32_t i = 0; i < na; i++)
        append(p->authors, sizeof p->authors, i ? "\n" : "", names[below(rng, COUNT(names))]);
    uint32_t ns = 8 + below(rng, 40);
    for (uint32_t i = 0; i < ns; i++) {
        uint32_t r = below(rng, 10);
        if (r < 6) {
            uint32_t a = below(rng, COUNT(ko_words)), b = below(rng, COUNT(ko_words));
            append(p->summary, sizeof p->summary, " ", ko_words[a < b ? a : b]);
            append(p->summary, sizeof p->summary, "", particles[below(rng, COUNT(particles))]);
        } else if (r < 9) {
            uint32_t a = below(rng, COUNT(en_words)), b = below(rng, COUNT(en_words));
            append(p->summary, sizeof p->summary, " ", en_words[a < b ? a : b]);
        } else {
            append(p->summary, sizeof p->summary, " ", pairs[below(rng, COUNT(pairs))]);
        }
        if (below(rng, 8) == 0)
            append(p->summary, sizeof p->summary, "", ".\n-");
    }
}

/* Paper p, the i-th of its array, with random text (or, one in five, the
 * text of one of the 4 papers before it). */
static void random_paper(tpaper *p, size_t i, uint64_t *rng, uint32_t serial, int32_t day)
{
    snprintf(p->id, sizeof p->id, "2402.%05u", (unsigned)serial);
    p->date = bench_date_add(20240201, day);
    uint32_t r = below(rng, 100);
    p->votes = r < 8    ? (int64_t)PDX_VOTES_UNKNOWN
               : r < 12 ? (int64_t)100 + below(rng, 400)
                        : (int64_t)below(rng, 30);
    random_text(p, rng);
    /* one paper in five shares an earlier one's text: equal scores */
    if (i % 5 == 4) {
        const tpaper *src = p - 1 - below(rng, 4);
        memcpy(p->title, src->title, sizeof p->title);
        memcpy(p->authors, src->authors, sizeof p->authors);
        memcpy(p->summary, src->summary, sizeof p->summary);
    }
}

static pdx_paper as_paper(const tpaper *t)
{
    return (pdx_paper){.id = t->id,
                       .id_len = strlen(t->id),
                       .url = "",
                       .title = t->title,
                       .title_len = strlen(t->title),
                       .authors = t->authors,
                       .authors_len = strlen(t->authors),
                       .n_authors = 1,
                       .summary = t->summary,
                       .summary_len = strlen(t->summary),
                       .date = t->date,
                       .votes = t->votes,
                       .file = "multiseg.md",
                       .line = 1};
}

/* The k-th of a family of rare words with one prefix ("zq" and two
 * letters the stemmer leaves alone): live papers have ZQ_LIVE of them,
 * more than a prefix expands to (PDX_DEFAULT_MAX_EXPANSIONS), deleted
 * papers ZQ_DEAD more, so the notice's count of "zq*" tells whether
 * terms only deleted papers have were counted. */
#define ZQ_LIVE 150
#define ZQ_DEAD 40
static const char *zq_word(uint32_t k, char out[8])
{
    static const char letters[] = "bcfhjkmpqtvwxz";
    snprintf(out, 8, "zq%c%c", letters[k / 14 % 14], letters[k % 14]);
    return out;
}

#define N_LIVE 900
#define N_SEGS 3
/* Live papers [seg_first(i, n), seg_first(i + 1, n)) are in segment i of
 * n: unequal parts, as updates leave them. */
static uint32_t seg_first(uint32_t i, uint32_t n)
{
    return i >= n ? N_LIVE : (uint32_t)((uint64_t)N_LIVE * i * (n + i) / (2 * n * n));
}

typedef struct world {
    uint32_t n_segs; /* of the view */
    char *dir;
    tpaper *live;            /* N_LIVE */
    tpaper *dead;            /* deleted papers */
    size_t n_dead;
    pdx_index *view, *ref;   /* the 3-segment index; the live papers alone */
    pdx_searcher *sv, *sr;
} world;

/* The deleted papers of segment i, appended to w->dead: older versions of
 * live papers of later segments (an edited digest moves its papers to a
 * new segment), papers deleted outright, some with words no live paper
 * has, large votes or dates outside the live range. */
static void make_dead(world *w, uint64_t *rng, uint32_t seg, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        tpaper *p = &w->dead[w->n_dead++];
        uint32_t kind = (uint32_t)(k % 4);
        random_paper(p, w->n_dead - 1, rng, 60000 + (uint32_t)w->n_dead, (int32_t)below(rng, 40));
        char zq[8];
        append(p->summary, sizeof p->summary, " ", zq_word(ZQ_LIVE + (uint32_t)k % ZQ_DEAD, zq));
        if (kind == 0 && seg + 1 < w->n_segs) { /* an older version of a later live paper */
            uint32_t from = seg_first(seg + 1, w->n_segs), to = N_LIVE;
            const tpaper *later = &w->live[from + below(rng, to - from)];
            memcpy(p->id, later->id, sizeof p->id);
            p->date = later->date;
        } else if (kind == 1) { /* words only deleted papers have */
            append(p->summary, sizeof p->summary, " ", "유령단어 phantomword 유령단어를");
            append(p->title, sizeof p->title, " ", "zzdeleted");
        } else if (kind == 2) { /* votes and dates no live paper has */
            p->votes = 50000;
            p->date = k % 8 == 2 ? 20231201 : 20250101;
        }
    }
}

/* Is some earlier dead paper of the list the same id (two old versions of
 * one paper must not land in one segment: the writer keeps one)? */
static bool dead_id_taken(const world *w, size_t upto, const char *id)
{
    for (size_t i = 0; i < upto; i++)
        if (strcmp(w->dead[i].id, id) == 0)
            return true;
    return false;
}

/* The corpus in n_segs segments (1..N_SEGS), and the reference. */
static void world_open(world *w, uint32_t n_segs)
{
    memset(w, 0, sizeof *w);
    w->n_segs = n_segs;
    w->dir = fx_tmpdir();
    uint64_t rng = 0x5e65eedULL;
    w->live = calloc(N_LIVE, sizeof *w->live);
    w->dead = calloc(400, sizeof *w->dead);
    assert_non_null(w->live);
    assert_non_null(w->dead);
    for (uint32_t i = 0; i < N_LIVE; i++) {
        random_paper(&w->live[i], i, &rng, i + 1, (int32_t)(i / 25));
        char zq[8];
        append(w->live[i].summary, sizeof w->live[i].summary, " ", zq_word(i % ZQ_LIVE, zq));
    }
    /* each segment: its live papers with its deleted ones interleaved */
    static const size_t n_dead[N_SEGS] = {60, 50, 30};
    pdx_paper *segp[N_SEGS];
    bool *segd[N_SEGS];
    vf_segment vs[N_SEGS];
    for (uint32_t s = 0; s < n_segs; s++) {
        size_t first_dead = w->n_dead;
        make_dead(w, &rng, s, n_dead[s]);
        for (size_t k = first_dead; k < w->n_dead; k++)
            if (dead_id_taken(w, k, w->dead[k].id))
                snprintf(w->dead[k].id, sizeof w->dead[k].id, "2312.%05u", (unsigned)k);
        size_t nl = seg_first(s + 1, n_segs) - seg_first(s, n_segs), nd = w->n_dead - first_dead;
        segp[s] = calloc(nl + nd, sizeof *segp[s]);
        segd[s] = calloc(nl + nd, sizeof *segd[s]);
        size_t n = 0, l = 0, d = 0;
        while (l < nl || d < nd) {
            bool dead = d < nd && (l == nl || (n % 7) == 3);
            segd[s][n] = dead;
            segp[s][n++] = as_paper(dead ? &w->dead[first_dead + d++]
                                         : &w->live[seg_first(s, n_segs) + l++]);
        }
        vs[s] = (vf_segment){segp[s], n, segd[s]};
    }
    /* the reference: the live papers alone, segments in another order */
    pdx_paper *refp = calloc(N_LIVE, sizeof *refp);
    size_t n = 0;
    for (uint32_t s = 0; s < n_segs; s++) {
        uint32_t from = seg_first((s + 2) % n_segs, n_segs),
                 to = seg_first((s + 2) % n_segs + 1, n_segs);
        for (uint32_t i = from; i < to; i++)
            refp[n++] = as_paper(&w->live[i]);
    }
    char *ref_path = fx_path(w->dir, "ref.idx");
    vf_build(ref_path, refp, n);
    char *view_path = vf_make_view(w->dir, "view.idx", vs, n_segs, ref_path);
    char err[512];
    if (pdx_index_open(&w->ref, ref_path, err, sizeof err) != PDX_OK)
        fail_msg("open %s: %s", ref_path, err);
    if (pdx_index_open(&w->view, view_path, err, sizeof err) != PDX_OK)
        fail_msg("open %s: %s", view_path, err);
    assert_int_equal(pdx_searcher_new(&w->sr, w->ref), PDX_OK);
    assert_int_equal(pdx_searcher_new(&w->sv, w->view), PDX_OK);
    assert_int_equal(pdx_search_n_segs(w->view), n_segs);
    assert_int_equal(pdx_search_n_live(w->view), N_LIVE);
    for (uint32_t s = 0; s < n_segs; s++) {
        free(segp[s]);
        free(segd[s]);
    }
    free(refp);
    free(ref_path);
    free(view_path);
}

static void world_close(world *w)
{
    pdx_searcher_free(w->sv);
    pdx_searcher_free(w->sr);
    pdx_index_close(w->view);
    pdx_index_close(w->ref);
    fx_rmtree(w->dir);
    free(w->live);
    free(w->dead);
    memset(w, 0, sizeof *w);
}

/* ---- comparing ---- */

typedef struct run {
    pdx_query *q;
    pdx_results r;
    int rc;
} run;

static void run_query(pdx_searcher *s, const char *query, unsigned flags,
                      const pdx_search_opts *o, run *out)
{
    memset(out, 0, sizeof *out);
    out->rc = pdx_query_parse_flags(&out->q, s, query, strlen(query), flags);
    if (out->rc == PDX_OK)
        out->rc = pdx_search(s, out->q, o, &out->r);
}

static void run_free(run *r)
{
    pdx_results_clear(&r->r);
    pdx_query_free(r->q);
}

/* Fails unless the expansions of the two queries are the same. */
static void assert_same_expansions(const pdx_query *a, const pdx_query *b, const char *what)
{
    size_t n = pdx_query_expansion_count(a);
    if (n != pdx_query_expansion_count(b))
        fail_msg("%s: %zu expansions on the view, %zu on the reference", what, n,
                 pdx_query_expansion_count(b));
    for (size_t i = 0; i < n; i++) {
        pdx_expansion x, y;
        assert_int_equal(pdx_query_expansion(a, i, &x), PDX_OK);
        assert_int_equal(pdx_query_expansion(b, i, &y), PDX_OK);
        if (x.to_len != y.to_len || memcmp(x.to, y.to, x.to_len) || x.from_len != y.from_len ||
            memcmp(x.from, y.from, x.from_len) || x.weight != y.weight ||
            x.support != y.support)
            fail_msg("%s: expansion %zu differs", what, i);
    }
}

/* Fails unless hit a of the view and hit b of the reference are the same
 * paper with the same snippet. */
static void assert_same_paper(world *w, const run *v, const run *r, size_t i, const char *what)
{
    pdx_hit_info a, b;
    assert_int_equal(pdx_hit_get(w->sv, v->r.hits[i].doc, &a), PDX_OK);
    assert_int_equal(pdx_hit_get(w->sr, r->r.hits[i].doc, &b), PDX_OK);
    if (a.id_len != b.id_len || memcmp(a.id, b.id, a.id_len))
        fail_msg("%s: hit %zu is %.*s on the view, %.*s on the reference (scores %.17g, "
                 "%.17g)",
                 what, i, (int)a.id_len, a.id, (int)b.id_len, b.id, v->r.hits[i].score,
                 r->r.hits[i].score);
    if (a.summary_len != b.summary_len || memcmp(a.summary, b.summary, a.summary_len))
        fail_msg("%s: hit %zu (%.*s) has another summary on the view", what, i, (int)a.id_len,
                 a.id);
    pdx_snippet sa, sb;
    assert_int_equal(pdx_snippet_make(w->sv, v->q, a.summary, a.summary_len, 200, &sa), PDX_OK);
    char *text = malloc(sa.len + 1);
    pdx_span *spans = malloc((sa.n_spans + 1) * sizeof *spans);
    memcpy(text, sa.text, sa.len);
    memcpy(spans, sa.spans, sa.n_spans * sizeof *spans);
    size_t len = sa.len, n_spans = sa.n_spans;
    assert_int_equal(pdx_snippet_make(w->sr, r->q, b.summary, b.summary_len, 200, &sb), PDX_OK);
    if (len != sb.len || memcmp(text, sb.text, len) || n_spans != sb.n_spans ||
        memcmp(spans, sb.spans, n_spans * sizeof *spans))
        fail_msg("%s: hit %zu (%.*s): snippets differ", what, i, (int)a.id_len, a.id);
    free(text);
    free(spans);
}

/* Runs query with o on both indexes and fails at the first difference. */
static void compare(world *w, const char *query, unsigned flags, const pdx_search_opts *o)
{
    char what[512];
    snprintf(what, sizeof what, "'%s' flags %u limit %u offset %u sort %d vote weight %g%s",
             query, flags, o->limit, o->offset, (int)o->sort, o->vote_weight,
             o->no_partial ? " no partial" : "");
    run v, r;
    run_query(w->sv, query, flags, o, &v);
    run_query(w->sr, query, flags, o, &r);
    if (v.rc != r.rc)
        fail_msg("%s: view %d (%s), reference %d (%s)", what, v.rc, pdx_searcher_errmsg(w->sv),
                 r.rc, pdx_searcher_errmsg(w->sr));
    if (v.rc == PDX_OK) {
        assert_same_expansions(v.q, r.q, what);
        if (v.r.n != r.r.n)
            fail_msg("%s: %zu hits on the view, %zu on the reference", what, v.r.n, r.r.n);
        for (size_t i = 0; i < v.r.n; i++) {
            const pdx_hit *a = &v.r.hits[i], *b = &r.r.hits[i];
            assert_same_paper(w, &v, &r, i, what);
            if (memcmp(&a->score, &b->score, sizeof a->score) || a->partial != b->partial ||
                a->matched != b->matched)
                fail_msg("%s: hit %zu: view score %.17g%s matched %u, reference %.17g%s "
                         "matched %u",
                         what, i, a->score, a->partial ? " partial" : "", a->matched, b->score,
                         b->partial ? " partial" : "", b->matched);
        }
        if (v.r.total != r.r.total || v.r.total_estimated != r.r.total_estimated ||
            v.r.partial_used != r.r.partial_used || v.r.clauses != r.r.clauses)
            fail_msg("%s: total %llu%s partial_used %d clauses %u on the view, %llu%s %d %u "
                     "on the reference",
                     what, (unsigned long long)v.r.total, v.r.total_estimated ? "+" : "",
                     v.r.partial_used, v.r.clauses, (unsigned long long)r.r.total,
                     r.r.total_estimated ? "+" : "", r.r.partial_used, r.r.clauses);
        if (strcmp(v.r.notice, r.r.notice))
            fail_msg("%s: notice '%s' on the view, '%s' on the reference", what, v.r.notice,
                     r.r.notice);
    }
    run_free(&v);
    run_free(&r);
}

/* The option sets every query is compared with. */
static void compare_all(world *w, const char *query)
{
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    compare(w, query, PDX_PARSE_DEFAULT, &o);
    compare(w, query, PDX_PARSE_NO_EXPAND, &o);
    o.limit = 100;
    compare(w, query, PDX_PARSE_DEFAULT, &o);
    o.limit = 10;
    o.offset = 7;
    compare(w, query, PDX_PARSE_DEFAULT, &o);
    o.offset = 0;
    o.sort = PDX_SORT_VOTES;
    compare(w, query, PDX_PARSE_DEFAULT, &o);
    o.sort = PDX_SORT_DATE;
    compare(w, query, PDX_PARSE_DEFAULT, &o);
    o.sort = PDX_SORT_SCORE;
    o.vote_weight = 0;
    compare(w, query, PDX_PARSE_DEFAULT, &o);
    o.vote_weight = 2;
    o.limit = 30;
    compare(w, query, PDX_PARSE_DEFAULT, &o);
    o.vote_weight = PDX_DEFAULT_VOTE_WEIGHT;
    o.no_partial = true;
    compare(w, query, PDX_PARSE_DEFAULT, &o);
}

/* Queries of every kind the language has. */
static const char *const fixed_queries[] = {
    "모델", "강화학습", "강화 학습", "모델은", "학습을 성능", "벤치마크 추론", "효율화",
    "언어 모델", "대형 언어 모델", "transformer", "diffusion model", "reasoning agents",
    "LLMs", "llm", "GPT4", "\"language model\"", "\"강화 학습\"", "\"reasoning agents\"",
    "trans*", "강화*", "re*", "t*", "phantom*", "유령*", "video OR 비디오", "모델 -diffusion",
    "모델 NOT 학습", "(video survey) OR 강화학습", "title:transformer 모델", "summary:벤치마크",
    "author:xu", "author:\"Lin Xu\"", "author:\"Linning Xu\" 모델", "모델 date:2024-02",
    "transformer date:2024-03..", "votes:>=100 transformer", "votes:10..50 학습",
    "date:2024-02-05", "votes:>=100", "date:2024-02 OR date:2024-03", "-date:2024-02 모델",
    "id:2402.00017", "id:2402.00430 OR id:2402.00701", "id:2312.00002", "phantomword",
    "유령단어 모델", "유령화", "유령성 모델", "효율화 유령적", "zzdeleted transformer", "강화학습 nosuchword transformer",
    "transformer diffusion reasoning agents video", "모델 학습 데이터 성능 추론 nosuchword",
    "\"video transf*\"", "zq*", "zqb* 모델", "retrieval augmented generation", "검색 증강 생성 모델",
    "트랜스포머", "reinforcement learning", "RL 모델", "멀티모달 정렬 OR alignment"};

/* Runs every fixed query and n_random random ones (1-4 words of either
 * language, some as phrases) on the corpus in n_segs segments and on the
 * reference, with every option set. */
static void compare_world(uint32_t n_segs, int n_random)
{
    world w;
    world_open(&w, n_segs);
    pdx_search_stats_reset(w.sv);
    for (size_t i = 0; i < COUNT(fixed_queries); i++)
        compare_all(&w, fixed_queries[i]);
    uint64_t rng = 0xfeedULL;
    for (int i = 0; i < n_random; i++) {
        char q[256] = "";
        uint32_t nw = 1 + below(&rng, 4);
        bool phrase = below(&rng, 5) == 0;
        for (uint32_t k = 0; k < nw; k++) {
            const char *word = below(&rng, 2) ? ko_words[below(&rng, COUNT(ko_words))]
                                               : en_words[below(&rng, COUNT(en_words))];
            append(q, sizeof q, k ? " " : (phrase ? "\"" : ""), word);
        }
        if (phrase)
            append(q, sizeof q, "", "\"");
        compare_all(&w, q);
    }
    /* segments without a word the query needs were passed over (and the
     * answers above are still the same) */
    printf("multiseg: %u segments: %llu segment passes skipped\n", n_segs,
           (unsigned long long)pdx_search_stats_get(w.sv)->segments_skipped);
    if (n_segs > 1)
        assert_true(pdx_search_stats_get(w.sv)->segments_skipped > 0);
    world_close(&w);
}

static void multiseg_matches_one_segment_of_the_live_papers(void **state)
{
    (void)state;
    compare_world(N_SEGS, 120);
}

/* One segment with deleted papers (an update that removed or changed a
 * file of a one-segment index): the segment's own figures are no longer
 * the index's. */
static void multiseg_one_segment_with_deletions(void **state)
{
    (void)state;
    compare_world(1, 40);
}

/* The view's own figures: live papers, and an id of a deleted paper (an
 * old version of an edited one, or a paper deleted outright) finds the
 * live paper or nothing. */
static void multiseg_deleted_papers_are_not_found(void **state)
{
    (void)state;
    world w;
    world_open(&w, N_SEGS);
    for (size_t i = 0; i < w.n_dead; i++) {
        char q[64];
        snprintf(q, sizeof q, "id:%s", w.dead[i].id);
        pdx_query *qq;
        assert_int_equal(pdx_query_parse(&qq, w.sv, q, strlen(q)), PDX_OK);
        pdx_results r;
        assert_int_equal(pdx_search(w.sv, qq, NULL, &r), PDX_OK);
        bool live = false;
        for (size_t k = 0; k < N_LIVE; k++)
            live |= strcmp(w.live[k].id, w.dead[i].id) == 0;
        assert_int_equal(r.n, live ? 1 : 0);
        if (live) {
            pdx_hit_info h;
            assert_int_equal(pdx_hit_get(w.sv, r.hits[0].doc, &h), PDX_OK);
            assert_true(pdx_index_doc_live(w.view, r.hits[0].doc));
            assert_false(h.summary_len == strlen(w.dead[i].summary) &&
                         memcmp(h.summary, w.dead[i].summary, h.summary_len) == 0);
        }
        pdx_results_clear(&r);
        pdx_query_free(qq);
    }
    world_close(&w);
}

/* ---- the real digests ---- */

/* A deep copy of a parsed paper (the parser's strings live only during
 * its callback). */
typedef struct kept {
    pdx_paper p;
    char *buf; /* owns every string of p */
} kept;

typedef struct kept_list {
    kept *a;
    size_t n, cap;
} kept_list;

static void keep_paper(kept *k, const pdx_paper *p)
{
    k->buf = fx_paper_copy(&k->p, p);
}

/* Keeps each paper, the later of two with one arXiv id (a full build's
 * rule; the tie goes to the later in walk order). */
static int collect_paper(const pdx_paper *p, void *payload)
{
    kept_list *l = payload;
    for (size_t i = 0; i < l->n; i++) {
        pdx_paper *q = &l->a[i].p;
        if (q->id_len == p->id_len && memcmp(q->id, p->id, p->id_len) == 0) {
            if (p->date >= q->date) {
                free(l->a[i].buf);
                keep_paper(&l->a[i], p);
            }
            return 0;
        }
    }
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 1024;
        l->a = realloc(l->a, l->cap * sizeof *l->a);
        assert_non_null(l->a);
    }
    keep_paper(&l->a[l->n++], p);
    return 0;
}

/* The real digests in three segments, with one paper in 25 deleted
 * outright and one in 25 of the later segments edited (its older version,
 * with another paper's summary, deleted in an earlier segment), against a
 * full build of the live papers, over the latency and known-item queries
 * (skipped without ../shared). */
static void multiseg_real_digests_match_one_segment(void **state)
{
    (void)state;
    const char *shared = fx_shared_dir();
    char corpus[4200], lq[4200], kq[4200];
    snprintf(corpus, sizeof corpus, "%s/corpus/paper_logs", shared ? shared : "");
    snprintf(lq, sizeof lq, "%s/eval/latency_queries.txt", shared ? shared : "");
    snprintf(kq, sizeof kq, "%s/eval/queries_visible.jsonl", shared ? shared : "");
    char *latency = shared ? fx_read(lq, NULL) : NULL;
    char *known = shared ? fx_read(kq, NULL) : NULL;
    if (!latency || !known) {
        printf("multiseg: no ../shared corpus and queries; skipped\n");
        free(latency);
        free(known);
        skip();
    }
    kept_list all = {0};
    const char *paths[] = {corpus};
    pdx_parse_cb cb = {collect_paper, NULL, &all};
    assert_int_equal(pdx_parse_paths(paths, 1, &cb, NULL), PDX_OK);
    assert_true(all.n > 1000);
    /* edited older versions: copies of later papers with another summary */
    size_t n_edit = all.n / 25;
    kept_list edits = {.a = calloc(n_edit, sizeof(kept)), .cap = n_edit};
    pdx_paper *segp[N_SEGS];
    bool *segd[N_SEGS];
    vf_segment vs[N_SEGS];
    pdx_paper *refp = calloc(all.n, sizeof *refp);
    size_t n_ref = 0;
    uint64_t rng = 0x4ea1ULL;
    for (uint32_t s = 0; s < N_SEGS; s++) {
        size_t from = all.n * s / N_SEGS, to = all.n * (s + 1) / N_SEGS;
        segp[s] = calloc((to - from) + n_edit, sizeof *segp[s]);
        segd[s] = calloc((to - from) + n_edit, sizeof *segd[s]);
        size_t n = 0;
        for (size_t i = from; i < to; i++) {
            bool gone = below(&rng, 25) == 0;
            if (!gone)
                refp[n_ref++] = all.a[i].p;
            segd[s][n] = gone;
            segp[s][n++] = all.a[i].p;
            if (s + 1 < N_SEGS && below(&rng, 25) == 0 && edits.n < n_edit) {
                /* an older version of a paper of the last segment */
                size_t later = all.n * (N_SEGS - 1) / N_SEGS +
                               below(&rng, (uint32_t)(all.n - all.n * (N_SEGS - 1) / N_SEGS));
                kept *e = &edits.a[edits.n++];
                keep_paper(e, &all.a[later].p);
                const pdx_paper *other = &all.a[below(&rng, (uint32_t)all.n)].p;
                e->p.summary = other->summary;
                e->p.summary_len = other->summary_len;
                bool taken = false;
                for (size_t k = 0; k + 1 < edits.n; k++)
                    taken |= strcmp(edits.a[k].p.id, e->p.id) == 0;
                if (taken)
                    continue; /* one older version per paper */
                segd[s][n] = true;
                segp[s][n++] = e->p;
            }
        }
        vs[s] = (vf_segment){segp[s], n, segd[s]};
    }
    char *dir = fx_tmpdir();
    char *ref_path = fx_path(dir, "ref.idx");
    vf_build(ref_path, refp, n_ref);
    char *view_path = vf_make_view(dir, "view.idx", vs, N_SEGS, ref_path);
    world w = {.dir = dir};
    char err[512];
    assert_int_equal(pdx_index_open(&w.ref, ref_path, err, sizeof err), PDX_OK);
    if (pdx_index_open(&w.view, view_path, err, sizeof err) != PDX_OK)
        fail_msg("open %s: %s", view_path, err);
    assert_int_equal(pdx_searcher_new(&w.sr, w.ref), PDX_OK);
    assert_int_equal(pdx_searcher_new(&w.sv, w.view), PDX_OK);
    assert_int_equal(pdx_search_n_live(w.view), n_ref);
    size_t n_queries = 0;
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    for (char *line = strtok(latency, "\n"); line; line = strtok(NULL, "\n")) {
        compare(&w, line, PDX_PARSE_DEFAULT, &o);
        n_queries++;
    }
    for (char *line = strtok(known, "\n"); line; line = strtok(NULL, "\n")) {
        char *q = strstr(line, "\"query\": \"");
        if (!q)
            continue;
        q += 10;
        char *end = strchr(q, '"');
        if (!end)
            continue;
        *end = 0;
        compare(&w, q, PDX_PARSE_DEFAULT, &o);
        n_queries++;
    }
    printf("multiseg: %zu real queries compared (%zu live papers, %zu deleted)\n", n_queries,
           n_ref, all.n - n_ref + edits.n);
    assert_true(n_queries >= 500);
    world_close(&w);
    for (uint32_t s = 0; s < N_SEGS; s++) {
        free(segp[s]);
        free(segd[s]);
    }
    for (size_t i = 0; i < all.n; i++)
        free(all.a[i].buf);
    for (size_t i = 0; i < edits.n; i++)
        free(edits.a[i].buf);
    free(all.a);
    free(edits.a);
    free(refp);
    free(ref_path);
    free(view_path);
    free(latency);
    free(known);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(multiseg_matches_one_segment_of_the_live_papers),
        cmocka_unit_test(multiseg_one_segment_with_deletions),
        cmocka_unit_test(multiseg_deleted_papers_are_not_found),
        cmocka_unit_test(multiseg_real_digests_match_one_segment),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
