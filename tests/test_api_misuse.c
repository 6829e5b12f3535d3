/*
 * The public API refuses what a caller gets wrong (the headers of include/paperdex):
 * a NULL handle or out-pointer, a string NULL with a length, a paper the
 * index cannot hold, a query parsed for another index, an unknown flag.
 * Each gives PDX_EINVAL (or PDX_ELIMIT) and, where a handle can hold one,
 * a message; none crashes, and none silently stores or searches something
 * else. A review of the API under ASan+UBSan found each of these holes:
 * most calls dereferenced a NULL handle, the writer stored dates its own
 * check calls corruption and turned out-of-range votes into "unknown",
 * and one index's query run on another searched other terms.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixtures.h"
#include "paperdex/paperdex.h"

static const fx_paper robots[] = {
    {"2403.00001", "Robot Arms That Learn", "Ana Lee", "로봇 팔을 학습시킨다. robot arms.",
     20240304, 12},
    {"2403.00002", "Video Diffusion at Scale", "Bo Kim", "비디오 diffusion 모델.", 20240304, 3},
};
static const fx_paper zebras[] = {
    {"2403.00009", "Zebra Stripes and Quokka Smiles", "Cy Park", "zebra quokka 연구.", 20240305,
     1},
};

/* A paper of the caller's own, valid as it is. */
static pdx_paper good_paper(void)
{
    pdx_paper p = {0};
    p.id = "2403.00077";
    p.id_len = strlen(p.id);
    p.title = "Grasping With Tactile Robots";
    p.title_len = strlen(p.title);
    p.authors = "Dee Han";
    p.authors_len = strlen(p.authors);
    p.n_authors = 1;
    p.summary = "촉각 robot grasping.";
    p.summary_len = strlen(p.summary);
    p.date = 20240306;
    p.votes = 4;
    p.file = "mine.md";
    p.line = 3;
    return p;
}

static void expect_refused(pdx_writer *w, const pdx_paper *p, int code, const char *words)
{
    int rc = pdx_writer_add(w, p);
    if (rc != code || !strstr(pdx_writer_errmsg(w), words))
        fail_msg("pdx_writer_add gave %d '%s'; want %d and '%s'", rc, pdx_writer_errmsg(w),
                 code, words);
}

/* Papers the index cannot hold as given are refused, not stored or
 * changed, and the writer goes on: the index it commits has the good
 * paper only and passes its own check. */
static void writer_refuses_bad_papers(void **st)
{
    (void)st;
    char *dir = fx_tmpdir();
    char *path = fx_path(dir, "w.idx");
    pdx_writer *w;
    pdx_writer_opts o = {0};
    o.threads = 1;
    assert_int_equal(pdx_writer_new(&w, path, &o), PDX_OK);
    pdx_paper p = good_paper();
    p.date = 20241340;
    expect_refused(w, &p, PDX_EINVAL, "mine.md:3: invalid date 20241340");
    p.date = -5;
    expect_refused(w, &p, PDX_EINVAL, "invalid date -5");
    p = good_paper();
    p.votes = 5000000000LL;
    expect_refused(w, &p, PDX_EINVAL, "invalid vote count 5000000000");
    p.votes = -77;
    expect_refused(w, &p, PDX_EINVAL, "invalid vote count -77");
    p = good_paper();
    p.title = NULL;
    expect_refused(w, &p, PDX_EINVAL, "the title is NULL with a length");
    p = good_paper();
    p.file = NULL;
    p.summary_len = SIZE_MAX; /* a length no paper has; nothing is read */
    expect_refused(w, &p, PDX_ELIMIT, "paper:3: the paper has more than");
    p = good_paper();
    p.id_len = SIZE_MAX - 10; /* the sum of the lengths would wrap */
    p.url = "u";
    p.url_len = 30;
    expect_refused(w, &p, PDX_ELIMIT, "more than");
    assert_int_equal(pdx_writer_add(w, NULL), PDX_EINVAL);
    assert_int_equal(pdx_writer_add(NULL, &p), PDX_EINVAL);
    p = good_paper();
    p.votes = PDX_VOTES_UNKNOWN;
    p.date = 0;
    assert_int_equal(pdx_writer_add(w, &p), PDX_OK); /* unknown is fine */
    pdx_write_stats ws;
    assert_int_equal(pdx_writer_commit(w, &ws), PDX_OK);
    assert_int_equal(ws.papers, 1);
    pdx_writer_free(w);
    assert_int_equal(pdx_writer_commit(NULL, NULL), PDX_EINVAL);

    pdx_index *ix;
    char err[256];
    assert_int_equal(pdx_index_open(&ix, path, err, sizeof err), PDX_OK);
    assert_int_equal(pdx_index_check(ix), PDX_OK);
    pdx_index_info info;
    pdx_index_info_get(ix, &info);
    assert_int_equal(info.docs, 1);
    pdx_index_close(ix);
    free(path);
    fx_rmtree(dir);
}

/* A query's term ordinals are its index's: run on another index's
 * searcher it is refused, not searched for whatever terms the same
 * ordinals name there. */
static void query_of_another_index_refused(void **st)
{
    (void)st;
    fx_search a = {0}, b = {0};
    fx_search_open(&a, robots, 2);
    fx_search_open(&b, zebras, 1);
    pdx_query *qb = fx_search_parse(&b, "zebra OR quokka");
    pdx_results r;
    assert_int_equal(pdx_search(a.s, qb, NULL, &r), PDX_EINVAL);
    assert_non_null(strstr(pdx_searcher_errmsg(a.s), "another index"));
    assert_int_equal(r.n, 0);
    assert_int_equal(pdx_search(b.s, qb, NULL, &r), PDX_OK); /* its own: fine */
    assert_int_equal(r.n, 1);
    pdx_results_clear(&r);
    /* another searcher of the same index may run it */
    pdx_searcher *b2;
    assert_int_equal(pdx_searcher_new(&b2, b.ix), PDX_OK);
    assert_int_equal(pdx_search(b2, qb, NULL, &r), PDX_OK);
    assert_int_equal(r.n, 1);
    pdx_results_clear(&r);
    pdx_searcher_free(b2);
    pdx_query_free(qb);
    fx_search_close(&b);
    fx_search_close(&a);
}

static int count_token(const pdx_token *t, void *payload)
{
    (void)t;
    ++*(int *)payload;
    return 0;
}

/* NULL where a handle, an out-pointer or text with a length belongs. */
static void null_arguments_refused(void **st)
{
    (void)st;
    fx_search e = {0};
    fx_search_open(&e, robots, 2);
    pdx_query *q = fx_search_parse(&e, "robot");
    char err[128];
    pdx_index *ix = (pdx_index *)1;
    assert_int_equal(pdx_index_open(NULL, "x", err, sizeof err), PDX_EINVAL);
    assert_int_equal(pdx_index_open(&ix, NULL, err, sizeof err), PDX_EINVAL);
    assert_null(ix);
    assert_int_equal(pdx_index_open(&ix, "", err, sizeof err), PDX_EINVAL);
    assert_non_null(strstr(err, "no index path"));
    assert_int_equal(pdx_index_open(&ix, "/nonexistent/x.idx", NULL, 100), PDX_ENOTFOUND);
    assert_int_equal(pdx_index_check(NULL), PDX_EINVAL);
    pdx_index_info info = {.docs = 7};
    pdx_index_info_get(NULL, &info);
    assert_int_equal(info.docs, 0);
    pdx_index_info_get(e.ix, NULL);
    pdx_segment_info si;
    assert_int_equal(pdx_index_segment_info(NULL, 0, &si), PDX_EINVAL);
    assert_int_equal(pdx_index_segment_info(e.ix, 0, NULL), PDX_EINVAL);
    assert_false(pdx_index_doc_live(NULL, 0));
    assert_int_equal(pdx_index_n_docs(NULL), 0);
    pdx_index_paper pp;
    assert_int_equal(pdx_index_paper_get(NULL, 0, &pp), PDX_EINVAL);
    assert_int_equal(pdx_index_paper_get(e.ix, 0, NULL), PDX_EINVAL);

    pdx_searcher *s = (pdx_searcher *)1;
    assert_int_equal(pdx_searcher_new(&s, NULL), PDX_EINVAL);
    assert_null(s);
    assert_int_equal(pdx_searcher_new(NULL, e.ix), PDX_EINVAL);
    pdx_query *q2 = (pdx_query *)1;
    assert_int_equal(pdx_query_parse(&q2, NULL, "robot", 5), PDX_EINVAL);
    assert_null(q2);
    assert_int_equal(pdx_query_parse(NULL, e.s, "robot", 5), PDX_EINVAL);
    assert_int_equal(pdx_query_parse(&q2, e.s, NULL, 5), PDX_EINVAL);
    assert_non_null(strstr(pdx_searcher_errmsg(e.s), "NULL"));
    assert_int_equal(pdx_query_parse(&q2, e.s, NULL, 0), PDX_EINVAL); /* empty */
    assert_int_equal(pdx_query_parse_flags(&q2, e.s, "robot", 5, 0x40), PDX_EINVAL);
    assert_non_null(strstr(pdx_searcher_errmsg(e.s), "unknown parse flags"));

    pdx_results r;
    assert_int_equal(pdx_search(NULL, q, NULL, &r), PDX_EINVAL);
    assert_int_equal(pdx_search(e.s, q, NULL, NULL), PDX_EINVAL);
    assert_int_equal(pdx_search(e.s, NULL, NULL, &r), PDX_EINVAL);
    pdx_results_clear(NULL);
    pdx_search_opts_default(NULL);
    pdx_hit_info hi;
    assert_int_equal(pdx_hit_get(NULL, 0, &hi), PDX_EINVAL);
    assert_int_equal(pdx_hit_get(e.s, 0, NULL), PDX_EINVAL);
    const pdx_span *spans;
    size_t n;
    assert_int_equal(pdx_highlight(NULL, q, "robot", 5, &spans, &n), PDX_EINVAL);
    assert_int_equal(pdx_highlight(e.s, q, "robot", 5, NULL, &n), PDX_EINVAL);
    assert_int_equal(pdx_highlight_field(e.s, q, PDX_TEXT_TITLE, "robot", 5, &spans, NULL),
                     PDX_EINVAL);
    pdx_snippet sn;
    assert_int_equal(pdx_snippet_make(NULL, q, "robot", 5, 80, &sn), PDX_EINVAL);
    assert_int_equal(pdx_snippet_make(e.s, q, "robot", 5, 80, NULL), PDX_EINVAL);
    char *sg;
    assert_int_equal(pdx_query_suggest(NULL, "robt", 4, &sg), PDX_EINVAL);

    pdx_tokenizer *tk;
    assert_int_equal(pdx_tokenizer_new(NULL), PDX_EINVAL);
    assert_int_equal(pdx_tokenizer_new(&tk), PDX_OK);
    assert_int_equal(pdx_tokenize(tk, 0x100, "robot", 5, 0, NULL, NULL, NULL), PDX_EINVAL);
    /* positions near the top would wrap to 0: refused, nothing emitted */
    int n_tok = 0;
    uint32_t next = 0;
    assert_int_equal(pdx_tokenize(tk, 0, "robot 로봇", 12, UINT32_MAX - 3, &next, count_token,
                                  &n_tok),
                     PDX_ELIMIT);
    assert_int_equal(n_tok, 0);
    assert_int_equal(pdx_tokenize(tk, 0, "robot 로봇", 12, UINT32_MAX - 12, &next, count_token,
                                  &n_tok),
                     PDX_OK);
    assert_true(n_tok > 0 && next > UINT32_MAX - 12);
    /* NFKC makes four Arabic words of U+FDFA's three bytes: more tokens
     * than bytes, refused at the token that would take the last position
     * (a review: next wrapped to 0) */
    n_tok = 0;
    assert_int_equal(pdx_tokenize(tk, 0, "\xef\xb7\xba\xef\xb7\xba", 6, UINT32_MAX - 6, &next,
                                  count_token, &n_tok),
                     PDX_ELIMIT);
    assert_true(n_tok <= 6 && next == UINT32_MAX);
    pdx_tokenizer_free(tk);
    char out[8];
    assert_int_equal(pdx_term_unbridge(NULL, 3, out), 0);
    assert_false(pdx_digest_name(NULL));
    pdx_parse_cb cb = {0};
    assert_int_equal(pdx_parse_buffer("x.md", NULL, 100, &cb, NULL), PDX_EINVAL);

    pdx_writer *w = (pdx_writer *)1;
    assert_int_equal(pdx_writer_new(NULL, "x", NULL), PDX_EINVAL);
    assert_int_equal(pdx_writer_new(&w, NULL, NULL), PDX_EINVAL);
    assert_null(w);
    assert_int_equal(pdx_writer_new(&w, "", NULL), PDX_EINVAL);
    assert_null(w);
    pdx_update_stats us;
    assert_int_equal(pdx_index_update(NULL, NULL, 0, NULL, NULL, &us, err, sizeof err),
                     PDX_EINVAL);
    assert_int_equal(pdx_index_update("", NULL, 0, NULL, NULL, &us, NULL, 64), PDX_EINVAL);
    assert_int_equal(pdx_index_optimize(NULL, NULL, &us, err, sizeof err), PDX_EINVAL);
    assert_non_null(strstr(err, "no index path"));
    pdx_query_free(q);
    fx_search_close(&e);
}

static int stop_at_first(const pdx_paper *p, void *payload)
{
    (void)p;
    (void)payload;
    return 5;
}

/* Options an update would take only when it writes a segment are checked
 * even when it has nothing to do; a stop by the paper callback says so. */
static void update_options_and_stops(void **st)
{
    (void)st;
    char *dir = fx_tmpdir();
    char *idx = fx_path(dir, "u.idx");
    fx_write_index(idx, robots, 2);
    char err[256];
    pdx_update_opts o = {0};
    o.writer.threads = PDX_WRITER_MAX_THREADS + 1;
    pdx_update_stats us;
    assert_int_equal(pdx_index_update(idx, NULL, 0, &o, NULL, &us, err, sizeof err),
                     PDX_EINVAL);
    assert_non_null(strstr(err, "threads"));
    assert_int_equal(pdx_index_optimize(idx, &o, &us, err, sizeof err), PDX_EINVAL);

    char *md = fx_path(dir, "new.md");
    fx_write(md,
             "## Daily Papers (2024-03-07)\n\n"
             "### [Robot Arms That Learn](https://arxiv.org/abs/2403.00001)\n\n"
             "Vote: 20\n\nAuthors: Ana Lee\n\n- 로봇 팔의 새 판.\n",
             (size_t)-1);
    const char *paths[] = {md};
    pdx_parse_cb cb = {stop_at_first, NULL, NULL};
    assert_int_equal(pdx_index_update(idx, paths, 1, NULL, &cb, &us, err, sizeof err), 5);
    assert_non_null(strstr(err, "stopped by the paper callback (5)"));
    /* the index fx_write_index wrote through pdx_writer_add has papers of
     * no file; a digest's paper of the same id replaces one, as a later
     * date should (a review found it refused as corruption) */
    assert_int_equal(pdx_index_update(idx, paths, 1, NULL, NULL, &us, err, sizeof err), PDX_OK);
    assert_int_equal(us.duplicates, 1);
    pdx_index *ix;
    assert_int_equal(pdx_index_open(&ix, idx, err, sizeof err), PDX_OK);
    assert_int_equal(pdx_index_check(ix), PDX_OK);
    pdx_index_info info;
    pdx_index_info_get(ix, &info);
    assert_int_equal(info.docs, 2);
    pdx_index_close(ix);
    free(md);
    free(idx);
    fx_rmtree(dir);
}

static int count_paper(const pdx_paper *p, void *payload)
{
    (void)p;
    ++*(int *)payload;
    return 0;
}

/* A list of paths with a NULL in it is refused before anything is read
 * (it was skipped: an update took the missing path's files as deleted). */
static void paths_with_a_hole_refused(void **st)
{
    (void)st;
    char *dir = fx_tmpdir();
    char *md = fx_path(dir, "day.md");
    fx_write(md,
             "## Daily Papers (2024-03-07)\n\n"
             "### [Robot Arms That Learn](https://arxiv.org/abs/2403.00001)\n\n"
             "Vote: 20\n\nAuthors: Ana Lee\n\n- 로봇 팔의 새 판.\n",
             (size_t)-1);
    const char *paths[] = {md, NULL};
    int seen = 0;
    pdx_parse_cb cb = {count_paper, NULL, &seen};
    assert_int_equal(pdx_parse_paths(paths, 2, &cb, NULL), PDX_EINVAL);
    assert_int_equal(seen, 0);

    char *idx = fx_path(dir, "w.idx");
    for (unsigned threads = 1; threads <= 2; threads++) {
        pdx_writer *w;
        pdx_writer_opts o = {0};
        o.threads = threads;
        assert_int_equal(pdx_writer_new(&w, idx, &o), PDX_OK);
        assert_int_equal(pdx_writer_add_paths(w, paths, 2, NULL, NULL), PDX_EINVAL);
        assert_non_null(strstr(pdx_writer_errmsg(w), "paths[1] is NULL"));
        /* not sticky, and nothing was added */
        assert_int_equal(pdx_writer_add_paths(w, paths, 1, NULL, NULL), PDX_OK);
        assert_int_equal(pdx_writer_commit(w, NULL), PDX_OK);
        pdx_writer_free(w);
    }

    char err[256];
    pdx_update_stats us;
    assert_int_equal(pdx_index_update(idx, paths, 2, NULL, NULL, &us, err, sizeof err),
                     PDX_EINVAL);
    assert_non_null(strstr(err, "paths[1] is NULL"));
    pdx_index *ix;
    assert_int_equal(pdx_index_open(&ix, idx, err, sizeof err), PDX_OK);
    pdx_index_info info;
    pdx_index_info_get(ix, &info);
    assert_int_equal(info.docs, 1);
    pdx_index_close(ix);
    free(md);
    free(idx);
    fx_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(writer_refuses_bad_papers),
        cmocka_unit_test(query_of_another_index_refused),
        cmocka_unit_test(null_arguments_refused),
        cmocka_unit_test(update_options_and_stops),
        cmocka_unit_test(paths_with_a_hole_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
