/*
 * A handle opened with PDX_OPEN_ONESHOT (common/cold.c): paper records
 * read with pread() instead of through the mapping must give exactly what
 * the mapping gives -- the same hits, scores, totals and the same fields
 * of every hit -- on an index of two segments, with the strings valid
 * until the handle is closed; a record the file no longer holds is an
 * error naming it (where the mapping would be a SIGBUS: the records are
 * read from the file), the stored fields of a hit are not in the mapping,
 * and an unknown flag is refused.
 *
 * The digests are written here, in the tests' own words.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cold.h"
#include "common.h"
#include "fixtures.h"
#include "paperdex/paperdex.h"
#include "searcher.h"
#include "segment.h"

/* Two days: the second goes in by an update, as a second segment. Ties
 * of score between papers of equal text and votes make the ranking read
 * dates from the records, and arXiv ids for equal dates (listed out of id
 * order, so that the ids decide, not the document order). */
static const char day1[] =
    "## Daily Papers (2025-03-10)\n\n"
    "### [Diffusion Models Are Cheap Now](https://arxiv.org/abs/2503.00003)\n"
    "Vote: 12\n"
    "Authors: Ho Kim\n\n"
    "- 확산 모델(diffusion model)의 연산을 줄이는 희소 어텐션을 제안합니다.\n"
    "- 비디오 생성 품질을 유지하면서 속도를 두 배로 높입니다.\n\n"
    "### [Robot Policies from Language Feedback](https://arxiv.org/abs/2503.00002)\n"
    "Vote: 5\n"
    "Authors: Ana Lee\n\n"
    "- 언어 피드백으로 로봇 정책을 학습하는 강화 학습(reinforcement learning) 방법입니다.\n\n"
    "### [Sparse Diffusion Transformers for Video](https://arxiv.org/abs/2503.00001)\n"
    "Vote: 12\n"
    "Authors: Mina Park, John Doe\n\n"
    "- 확산 모델(diffusion model)의 연산을 줄이는 희소 어텐션을 제안합니다.\n"
    "- 비디오 생성 품질을 유지하면서 속도를 두 배로 높입니다.\n";

static const char day2[] =
    "## Daily Papers (2025-03-11)\n\n"
    "### [Diffusion Models Are Cheap Now, Again](https://arxiv.org/abs/2503.00004)\n"
    "Vote: 12\n"
    "Authors: Ho Kim, Mina Park\n\n"
    "- 확산 모델(diffusion model)의 연산을 줄이는 희소 어텐션을 제안합니다.\n"
    "- 비디오 생성 품질을 유지하면서 속도를 두 배로 높입니다.\n\n"
    "### [Retrieval for Long Context Models](https://arxiv.org/abs/2503.00005)\n"
    "Vote: -\n"
    "Authors: Sam Roe\n\n"
    "- 긴 문맥(long context)에서 검색 증강 생성(RAG)의 정확도를 평가합니다.\n";

/* A third day of 40 short papers (titles "Planner N"), so that a page of
 * 40 hits makes the cold cache grow past its first table and array. */
static char *day3(void)
{
    pdx_buf b = {0};
    const char *head = "## Daily Papers (2025-03-12)\n\n";
    pdx_buf_append(&b, head, strlen(head));
    for (int i = 0; i < 40; i++) {
        char one[400];
        snprintf(one, sizeof one,
                 "### [Planner %d for Household Robots](https://arxiv.org/abs/2503.%05d)\n"
                 "Vote: %d\nAuthors: Robo Author%d\n\n"
                 "- 가정용 로봇의 계획(planner) 문제를 %d단계로 풉니다.\n\n",
                 i, 100 + i, i % 7, i, i + 2);
        pdx_buf_append(&b, one, strlen(one));
    }
    assert_int_equal(b.err, 0);
    pdx_buf_putc(&b, 0);
    return (char *)b.data;
}

static const char *const queries[] = {
    "diffusion",         "확산 모델",       "비디오 생성", "diffusion 모델",
    "강화학습",          "long context",    "Kim",         "\"희소 어텐션\"",
    "diffusion -robot", "title:diffusion", "생성",        "models cheap",
    "planner",           "로봇 planner",    "date:2025-03-11", "votes:>=12 diffusion",
    "id:2503.00002",     "author:\"Ho Kim\"", "planner -votes:<3", "date:2025-03-10 OR votes:5",
    "diffusion OR date:2025-03-11",
};
#define N_QUERIES (sizeof queries / sizeof queries[0])

typedef struct state {
    char *dir, *idx; /* the index: three segments */
    char *one;       /* the first day alone: one segment */
} state;

static void update(const char *idx, const char *input)
{
    const char *paths[] = {input};
    pdx_update_opts o = {.writer = {.threads = 1, .created = 1700000000}, .max_segments = 8};
    char err[600];
    int rc = pdx_index_update(idx, paths, 1, &o, NULL, NULL, err, sizeof err);
    if (rc)
        fail_msg("update of %s failed: %s", idx, err);
}

static int setup(void **st)
{
    state *s = calloc(1, sizeof *s);
    s->dir = fx_tmpdir();
    s->idx = fx_path(s->dir, "p.idx");
    char *in = fx_path(s->dir, "in"), *d1 = fx_path(in, "2025-03-10.md"),
         *d2 = fx_path(in, "2025-03-11.md");
    fx_write(d1, day1, (size_t)-1);
    update(s->idx, in);
    s->one = fx_path(s->dir, "one.idx"); /* one segment: a view that mirrors it */
    fx_copy_index(s->idx, s->one);
    fx_write(d2, day2, (size_t)-1);
    update(s->idx, in);
    char *d3 = fx_path(in, "2025-03-12.md"), *text = day3();
    fx_write(d3, text, (size_t)-1);
    update(s->idx, in);
    free(text);
    free(d3);
    free(in);
    free(d1);
    free(d2);
    *st = s;
    return 0;
}

static int teardown(void **st)
{
    state *s = *st;
    free(s->idx);
    free(s->one);
    fx_rmtree(s->dir);
    free(s);
    return 0;
}

typedef struct opened {
    pdx_index *ix;
    pdx_searcher *s;
} opened;

static void open_index(opened *o, const char *path, unsigned flags)
{
    char err[600];
    int rc = pdx_index_open_flags(&o->ix, path, flags, err, sizeof err);
    if (rc)
        fail_msg("cannot open %s (flags %u): %s", path, flags, err);
    assert_int_equal(pdx_searcher_new(&o->s, o->ix), PDX_OK);
}

static void close_index(opened *o)
{
    pdx_searcher_free(o->s);
    pdx_index_close(o->ix);
}

static void same_bytes(const char *what, const char *a, size_t na, const char *b, size_t nb)
{
    if (na != nb || (na && memcmp(a, b, na)))
        fail_msg("%s differs: '%.*s' against '%.*s'", what, (int)na, a, (int)nb, b);
}

static void same_info(const pdx_hit_info *a, const pdx_hit_info *b)
{
    same_bytes("id", a->id, a->id_len, b->id, b->id_len);
    same_bytes("url", a->url, a->url_len, b->url, b->url_len);
    same_bytes("title", a->title, a->title_len, b->title, b->title_len);
    same_bytes("authors", a->authors, a->authors_len, b->authors, b->authors_len);
    same_bytes("summary", a->summary, a->summary_len, b->summary, b->summary_len);
    same_bytes("file", a->file, a->file_len, b->file, b->file_len);
    assert_int_equal(a->n_authors, b->n_authors);
    assert_int_equal(a->date, b->date);
    assert_int_equal(a->votes, b->votes);
    assert_int_equal(a->line, b->line);
}

/* Every query on both handles: the same hits, scores bit for bit, totals,
 * and fields. Both handles' fields are kept in km[] and kc[] (up to max)
 * for a comparison after every query has run. */
static size_t compare_queries(opened *m, opened *c, const pdx_search_opts *o,
                              pdx_hit_info *km, pdx_hit_info *kc, size_t max)
{
    size_t n_kept = 0, n_hits = 0;
    for (size_t i = 0; i < N_QUERIES; i++) {
        pdx_query *qm, *qc;
        assert_int_equal(pdx_query_parse(&qm, m->s, queries[i], strlen(queries[i])), PDX_OK);
        assert_int_equal(pdx_query_parse(&qc, c->s, queries[i], strlen(queries[i])), PDX_OK);
        pdx_results rm, rc;
        assert_int_equal(pdx_search(m->s, qm, o, &rm), PDX_OK);
        assert_int_equal(pdx_search(c->s, qc, o, &rc), PDX_OK);
        assert_int_equal(rm.n, rc.n);
        assert_int_equal(rm.total, rc.total);
        for (size_t k = 0; k < rm.n; k++) {
            assert_int_equal(rm.hits[k].doc, rc.hits[k].doc);
            assert_memory_equal(&rm.hits[k].score, &rc.hits[k].score, sizeof(double));
            pdx_hit_info hm, hc;
            assert_int_equal(pdx_hit_get(m->s, rm.hits[k].doc, &hm), PDX_OK);
            assert_int_equal(pdx_hit_get(c->s, rc.hits[k].doc, &hc), PDX_OK);
            same_info(&hm, &hc);
            if (n_kept < max) {
                km[n_kept] = hm;
                kc[n_kept++] = hc;
            }
            n_hits++;
        }
        pdx_results_clear(&rm);
        pdx_results_clear(&rc);
        pdx_query_free(qm);
        pdx_query_free(qc);
    }
    assert_true(n_hits >= 10); /* the queries do find papers */
    return n_kept;
}

/* Whether p points into a mapped segment of view ix. */
static bool in_mapping(const pdx_index *ix, const char *p)
{
    for (uint32_t i = 0; i < ix->n_segs; i++) {
        const pdx_index *g = ix->segs[i];
        if ((const uint8_t *)p >= g->map && (const uint8_t *)p < g->map + g->size)
            return true;
    }
    return false;
}

/* Both handles on index path, under each ranking and a page of 40: the
 * same answers; the one-shot handle's stored fields are its own copies,
 * read once (the same pointer when asked again), and still hold after
 * every query. */
static void compare_on(const char *path)
{
    opened m, c;
    open_index(&m, path, PDX_OPEN_DEFAULT);
    open_index(&c, path, PDX_OPEN_ONESHOT);
    enum { MAX_KEPT = 512 };
    pdx_hit_info *km = calloc(MAX_KEPT, sizeof *km), *kc = calloc(MAX_KEPT, sizeof *kc);
    size_t n = 0;
    pdx_sort sorts[] = {PDX_SORT_SCORE, PDX_SORT_DATE, PDX_SORT_VOTES};
    for (size_t i = 0; i < 3; i++) {
        pdx_search_opts o;
        pdx_search_opts_default(&o);
        o.sort = sorts[i];
        o.limit = 40;
        n += compare_queries(&m, &c, &o, km + n, kc + n, MAX_KEPT - n);
    }
    for (size_t i = 0; i < n; i++) {
        same_info(&km[i], &kc[i]);
        assert_true(in_mapping(m.ix, km[i].title) && in_mapping(m.ix, km[i].summary));
        assert_false(in_mapping(c.ix, kc[i].title) || in_mapping(c.ix, kc[i].summary));
    }
    /* a record asked for twice is read once: the same copy */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (km[i].title == km[j].title && kc[i].title != kc[j].title)
                fail_msg("hit %zu's record was read again (%.*s)", i, (int)km[i].id_len,
                         km[i].id);
    free(km);
    free(kc);
    close_index(&m);
    close_index(&c);
}

static void oneshot_answers_as_the_mapping(void **st)
{
    state *s = *st;
    char *seg3 = fx_index_segment(s->idx, 2); /* three segments: a view of several */
    free(seg3);
    compare_on(s->idx);
    compare_on(s->one);
}

/* The file offset of section id of the segment at path (its header and
 * section table, docs/FORMAT.md). */
static uint64_t section_offset(const char *path, uint32_t id)
{
    size_t len;
    unsigned char *b = (unsigned char *)fx_read(path, &len);
    assert_non_null(b);
    uint32_t n;
    uint64_t table, off = 0;
    memcpy(&n, b + 20, 4);
    memcpy(&table, b + 24, 8);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t sid;
        memcpy(&sid, b + table + 32 * i, 4);
        if (sid == id)
            memcpy(&off, b + table + 32 * i + 8, 8);
    }
    free(b);
    assert_true(off > 0);
    return off;
}

/* Opens the index at path with flags into c and parses a query that
 * three papers match with the same score (the same summary and votes,
 * found by words of their summary only). */
static pdx_query *open_with_tie_query(const char *path, unsigned flags, opened *c)
{
    open_index(c, path, flags);
    pdx_query *q;
    const char *text = "비디오 생성";
    assert_int_equal(pdx_query_parse(&q, c->s, text, strlen(text)), PDX_OK);
    return q;
}

/* A tie of scores decided by dates the one-shot handle reads from the
 * file: newer first, then by smaller arXiv id. */
static void ties_break_on_dates_read_from_the_file(void **st)
{
    opened c;
    pdx_query *q = open_with_tie_query(((state *)*st)->idx, PDX_OPEN_ONESHOT, &c);
    pdx_results r;
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    o.no_partial = true; /* (생성 alone is in a fourth paper) */
    assert_int_equal(pdx_search(c.s, q, &o, &r), PDX_OK);
    const char *want[] = {"2503.00004", "2503.00001", "2503.00003"};
    assert_int_equal(r.n, 3);
    assert_memory_equal(&r.hits[0].score, &r.hits[2].score, sizeof(double)); /* a tie */
    for (size_t i = 0; i < 3; i++) {
        pdx_hit_info h;
        assert_int_equal(pdx_hit_get(c.s, r.hits[i].doc, &h), PDX_OK);
        same_bytes("id", h.id, h.id_len, want[i], strlen(want[i]));
    }
    pdx_results_clear(&r);
    pdx_query_free(q);
    close_index(&c);
}

static unsigned n_reads;

static int count_reads(uint32_t doc)
{
    (void)doc;
    n_reads++;
    return 0;
}

/* Ranking reads by pread only the records of ties, at most PDX_TIE_READS
 * of them, whatever it reads of each candidate (filters, whole authors,
 * the dates and ids of ties: a query of filters alone ties every paper);
 * a hit shown reads its record, unless a tie read it, and its stored
 * fields once each, and again not at all. */
static void ranking_reads_by_pread_only_ties(void **st)
{
    state *s = *st;
    opened c;
    open_index(&c, s->idx, PDX_OPEN_ONESHOT);
    const char *texts[] = {"date:2025-03-12", "planner -votes:<3", "author:\"Ho Kim\"",
                           "diffusion OR date:2025-03-11", "비디오 생성"};
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    o.limit = 40;
    pdx_cold_read_hook = count_reads;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        pdx_query *q;
        pdx_results r;
        assert_int_equal(pdx_query_parse(&q, c.s, texts[i], strlen(texts[i])), PDX_OK);
        n_reads = 0;
        assert_int_equal(pdx_search(c.s, q, &o, &r), PDX_OK);
        assert_true(r.n > 0);
        if (n_reads > PDX_TIE_READS)
            fail_msg("'%s': %u reads by pread while ranking", texts[i], n_reads);
        n_reads = 0;
        pdx_hit_info h;
        assert_int_equal(pdx_hit_get(c.s, r.hits[0].doc, &h), PDX_OK);
        assert_true(n_reads <= 2); /* its record and stored fields, unless read before */
        unsigned once = n_reads;
        assert_int_equal(pdx_hit_get(c.s, r.hits[0].doc, &h), PDX_OK);
        assert_int_equal(n_reads, once);
        pdx_results_clear(&r);
        pdx_query_free(q);
    }
    pdx_cold_read_hook = NULL;
    close_index(&c);
}

static int fail_reads(uint32_t doc)
{
    (void)doc;
    return 1;
}

/* A hit whose record cannot be read is an error naming the document. */
static void unreadable_record_fails_the_hit(void **st)
{
    state *s = *st;
    opened c;
    open_index(&c, s->idx, PDX_OPEN_ONESHOT);
    pdx_hit_info h;
    pdx_cold_read_hook = fail_reads;
    int rc = pdx_hit_get(c.s, 1, &h);
    pdx_cold_read_hook = NULL;
    assert_int_equal(rc, PDX_EIO);
    const char *msg = pdx_searcher_errmsg(c.s);
    if (!strstr(msg, "DOCS: cannot read document 1"))
        fail_msg("unexpected message: %s", msg);
    close_index(&c);
}

/* A tie whose record cannot be read fails the search with the document
 * named, rather than ranking on a guessed date; the next search reads
 * again. */
static void unreadable_tie_record_fails_the_search(void **st)
{
    opened c;
    pdx_query *q = open_with_tie_query(((state *)*st)->idx, PDX_OPEN_ONESHOT, &c);
    pdx_results r;
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    o.no_partial = true;
    pdx_cold_read_hook = fail_reads;
    int rc = pdx_search(c.s, q, &o, &r);
    pdx_cold_read_hook = NULL;
    assert_int_equal(rc, PDX_EIO);
    const char *msg = pdx_searcher_errmsg(c.s);
    if (!strstr(msg, "DOCS: cannot read document"))
        fail_msg("unexpected message: %s", msg);
    assert_int_equal(pdx_search(c.s, q, &o, &r), PDX_OK);
    assert_int_equal(r.n, 3);
    pdx_results_clear(&r);
    pdx_query_free(q);
    close_index(&c);
}

/* A damaged stored record of a paper tied on score and date, whose id
 * must break the tie, fails the search with the damage named (it used to
 * fall back to the document order, silently), on either handle. */
static void damaged_tie_record_fails_the_search(void **st)
{
    state *s = *st;
    char *copy = fx_path(s->dir, "tie.idx");
    fx_copy_index(s->idx, copy);
    char *seg = fx_index_segment(copy, 0);
    size_t len;
    unsigned char *b = (unsigned char *)fx_read(seg, &len);
    assert_non_null(b);
    /* paper 0 of the first day (2503.00003): its flags byte, the last of
     * its STORED record (docs/FORMAT.md, DOCS and STORED) */
    uint64_t docs = section_offset(seg, 7), stored = section_offset(seg, 8), off;
    uint32_t n;
    memcpy(&n, b + docs + 20, 4);
    memcpy(&off, b + docs + 24, 8);
    b[stored + off + n - 1] |= 0x02; /* a reserved flag bit */
    fx_write(seg, (const char *)b, len);
    free(b);
    unsigned flags[] = {PDX_OPEN_DEFAULT, PDX_OPEN_ONESHOT};
    for (size_t i = 0; i < 2; i++) {
        opened c;
        pdx_query *q = open_with_tie_query(copy, flags[i], &c);
        pdx_results r;
        assert_int_equal(pdx_search(c.s, q, NULL, &r), PDX_ECORRUPT);
        const char *msg = pdx_searcher_errmsg(c.s);
        if (!strstr(msg, "STORED: document 0 has reserved flag bits set"))
            fail_msg("unexpected message: %s", msg);
        pdx_query_free(q);
        close_index(&c);
    }
    free(seg);
    free(copy);
}

static void unknown_flag_is_refused(void **st)
{
    state *s = *st;
    pdx_index *ix = (pdx_index *)s; /* must be reset */
    char err[300];
    assert_int_equal(pdx_index_open_flags(&ix, s->idx, 2, err, sizeof err), PDX_EINVAL);
    assert_null(ix);
    assert_non_null(strstr(err, "unknown open flags 0x2"));
}

/* Cuts a copy of the index's first segment at byte `at` of section id
 * (after opening it one-shot) and asks for paper 0: the read fails with
 * PDX_EIO and a message naming what it read (through the mapping, the
 * same read would be a SIGBUS). */
static void cut_and_read(state *s, uint32_t id, uint64_t at, const char *want)
{
    char *copy = fx_path(s->dir, "cut.idx");
    fx_copy_index(s->idx, copy);
    opened c;
    open_index(&c, copy, PDX_OPEN_ONESHOT);
    char *seg = fx_index_segment(copy, 0);
    assert_int_equal(truncate(seg, (off_t)(section_offset(seg, id) + at)), 0);
    pdx_hit_info h;
    assert_int_equal(pdx_hit_get(c.s, 0, &h), PDX_EIO);
    const char *msg = pdx_searcher_errmsg(c.s);
    if (!strstr(msg, want) || !strstr(msg, "shorter"))
        fail_msg("expected '%s', got: %s", want, msg);
    close_index(&c);
    free(seg);
    free(copy);
}

static void record_past_the_end_is_an_error(void **st)
{
    cut_and_read(*st, 7, 0, "DOCS: cannot read document 0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(oneshot_answers_as_the_mapping),
        cmocka_unit_test(ties_break_on_dates_read_from_the_file),
        cmocka_unit_test(ranking_reads_by_pread_only_ties),
        cmocka_unit_test(unreadable_record_fails_the_hit),
        cmocka_unit_test(unreadable_tie_record_fails_the_search),
        cmocka_unit_test(damaged_tie_record_fails_the_search),
        cmocka_unit_test(unknown_flag_is_refused),
        cmocka_unit_test(record_past_the_end_is_an_error),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
