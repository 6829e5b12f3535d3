/*
 * Tests for the benchmark's own logic (bench/): percentiles, query classes,
 * the judgment reader, MRR/recall, date arithmetic, sentence splitting and
 * the scaled-corpus generator end to end on a small fixture corpus that
 * the test writes itself.
 *
 * The bench sources are not part of the library, so they are compiled into
 * this test directly (tests/CMakeLists.txt links every test_*.c with the
 * library and fixtures.c only).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "../bench/bench_gen.c"
#include "../bench/bench_stats.c"
#include "fixtures.h"
#include "paperdex/parser.h"

/* ---- statistics ---- */

static void test_bench_percentile_nearest_rank(void **state)
{
    (void)state;
    double s[] = {5, 1, 4, 2, 3, 10, 9, 8, 7, 6};
    bench_summary m;
    bench_summarize(&m, s, 10);
    assert_int_equal(m.n, 10);
    assert_true(m.p50 == 5);  /* ceil(0.5 * 10) = 5th smallest */
    assert_true(m.p95 == 10); /* ceil(9.5) = 10th */
    assert_true(m.p99 == 10);
    assert_true(m.mean == 5.5);
    assert_true(m.min == 1 && m.max == 10);
    double one[] = {42};
    bench_summarize(&m, one, 1);
    assert_true(m.p50 == 42 && m.p99 == 42);
    bench_summarize(&m, NULL, 0);
    assert_int_equal(m.n, 0);
    double big[200];
    for (int i = 0; i < 200; i++)
        big[i] = 200 - i; /* 1..200 */
    bench_summarize(&m, big, 200);
    assert_true(m.p50 == 100 && m.p95 == 190 && m.p99 == 198);
}

/* ---- query classes ---- */

static void test_bench_classify(void **state)
{
    (void)state;
    pdx_tokenizer *tk;
    assert_int_equal(pdx_tokenizer_new(&tk), PDX_OK);
    bench_qclass c;
    assert_int_equal(bench_classify(&c, tk, "모델", strlen("모델")), PDX_OK);
    assert_int_equal(c.script, BENCH_SCRIPT_KO);
    assert_int_equal(c.words, 1);
    assert_false(c.phrase);
    const char *q = "language model";
    bench_classify(&c, tk, q, strlen(q));
    assert_int_equal(c.script, BENCH_SCRIPT_EN);
    assert_int_equal(c.words, 2);
    assert_false(c.phrase);
    q = "  diffusion   모델 ";
    bench_classify(&c, tk, q, strlen(q));
    assert_int_equal(c.script, BENCH_SCRIPT_MIXED);
    assert_int_equal(c.words, 2);
    q = "text-to-video";
    bench_classify(&c, tk, q, strlen(q));
    assert_true(c.phrase); /* one word, several terms */
    q = "\"a b\"";
    bench_classify(&c, tk, q, strlen(q));
    assert_true(c.phrase);
    q = "멀티모달"; /* 4 syllables: 3 bigrams */
    bench_classify(&c, tk, q, strlen(q));
    assert_true(c.phrase);
    q = "2024";
    bench_classify(&c, tk, q, strlen(q));
    assert_int_equal(c.script, BENCH_SCRIPT_OTHER);
    pdx_tokenizer_free(tk);
}

/* ---- judgments and ranks ---- */

static void test_bench_judgment_parse(void **state)
{
    (void)state;
    bench_judgment j;
    const char *l = "{\"qid\": \"v-1\", \"query\": \"a \\\"b\\\" \\uD55C\\uAE00 \\ud83d\\ude00\","
                    " \"kind\": \"mixed\", \"extra\": {\"x\": [1, 2, {\"y\": null}]},"
                    " \"relevant\": [\"2402.05140\", \"2404.08801\"], \"n\": -1.5e3}";
    assert_int_equal(bench_judgment_parse(&j, l, strlen(l)), PDX_OK);
    assert_string_equal(j.qid, "v-1");
    assert_string_equal(j.query, "a \"b\" 한글 \xF0\x9F\x98\x80");
    assert_string_equal(j.kind, "mixed");
    assert_int_equal(j.n_relevant, 2);
    assert_string_equal(j.relevant[1], "2404.08801");
    bench_judgment_clear(&j);

    const char *bad[] = {"", "[]", "{\"qid\": \"x\"}", "{\"query\": \"x\"", "{\"query\": 3}",
                         "{\"query\": \"x\", \"relevant\": [\"a\",]}", "{\"query\": \"\\u12\"}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(bench_judgment_parse(&j, bad[i], strlen(bad[i])), PDX_EINVAL);
    /* Only the first len bytes count. */
    const char *cut = "{\"query\": \"x\"} trailing";
    assert_int_equal(bench_judgment_parse(&j, cut, 14), PDX_OK);
    assert_string_equal(j.qid, "");
    bench_judgment_clear(&j);
}

static void test_bench_rank_list(void **state)
{
    (void)state;
    char *rel[] = {"b", "zz"};
    bench_judgment j = {.relevant = rel, .n_relevant = 2};
    const char *ids[] = {"a", "zz", "b", "c"};
    size_t lens[] = {1, 2, 1, 1};
    bench_rank r;
    bench_rank_list(&r, &j, ids, lens, 4, 10);
    assert_int_equal(r.rank, 2);
    assert_true(r.rr == 0.5);
    assert_true(r.recall == 1.0);
    bench_rank_list(&r, &j, ids, lens, 4, 2); /* only the top 2 count */
    assert_true(r.recall == 0.5);
    bench_rank_list(&r, &j, ids, lens, 1, 10);
    assert_int_equal(r.rank, 0);
    assert_true(r.rr == 0 && r.recall == 0);
}

/* ---- generator pieces ---- */

static void test_bench_date_add(void **state)
{
    (void)state;
    assert_int_equal(bench_date_add(20240228, 1), 20240229);
    assert_int_equal(bench_date_add(20240228, 2), 20240301);
    assert_int_equal(bench_date_add(20230228, 1), 20230301);
    assert_int_equal(bench_date_add(20231231, 1), 20240101);
    assert_int_equal(bench_date_add(20240101, -1), 20231231);
    assert_int_equal(bench_date_add(20240615, 730), 20260615);
    assert_int_equal(bench_date_add(20240615, -730), 20220616);
    assert_int_equal(bench_date_add(0, 5), 0);
}

typedef struct sents {
    char buf[16][64];
    int n;
} sents;

static void collect(const char *s, size_t n, void *payload)
{
    sents *c = payload;
    assert_true(c->n < 16 && n < 64);
    memcpy(c->buf[c->n], s, n);
    c->buf[c->n++][n] = '\0';
}

static void test_bench_split_sentences(void **state)
{
    (void)state;
    sents c = {0};
    const char *t = "- 첫 문장입니다. 둘째 문장! 3.5배 빠름\n  * nested? yes\n12. numbered\n\n-\n"
                    "no bullet";
    bench_split_sentences(t, strlen(t), collect, &c);
    const char *want[] = {"첫 문장입니다.", "둘째 문장!", "3.5배 빠름", "nested?", "yes",
                          "numbered", "no bullet"};
    assert_int_equal(c.n, 7);
    for (int i = 0; i < 7; i++)
        assert_string_equal(c.buf[i], want[i]);
}

static void test_bench_gen_id(void **state)
{
    (void)state;
    char a[16], b[16];
    bench_gen_id(a, 1, 4342, 0);
    assert_string_equal(a, "9000.04342");
    bench_gen_id(b, 199, 4342, 4341);
    assert_string_equal(b, "9008.68399");
    /* Every (copy, rank) gives a distinct id. */
    bench_gen_id(a, 2, 10, 0);
    bench_gen_id(b, 1, 10, 9);
    assert_string_not_equal(a, b);
}

/* ---- the generator end to end ---- */

/* Two small digests written by the test (own text, not corpus text). */
static const char day1[] =
    "## Daily Papers (2024-06-03)\n\n"
    "### [Fast Sparse Attention](https://arxiv.org/abs/2406.00001)\n\n"
    "Vote: 10\n\n"
    "Authors: ['Kim Minsu', 'Lee, Jr.', 'Park']\n\n"
    "- 희소 어텐션을 제안합니다. 속도가 두 배입니다.\n"
    "- Benchmarks show gains! More in the paper.\n\n"
    "### [Old Paper Without Votes](https://arxiv.org/abs/2406.00002)\n\n"
    "- 한 문장.\n";
static const char day2[] =
    "## Daily Papers (2024-06-04)\n\n"
    "### [Fast Sparse Attention](https://arxiv.org/abs/2406.00001v2)\n\n"
    "Vote: -\n\n"
    "- 같은 논문이 다음 날에도 나옵니다.\n";

typedef struct gpaper {
    char id[32];
    char title[64];
    int64_t votes;
    int32_t date;
    uint32_t n_authors;
    size_t summary_len;
} gpaper;

typedef struct gcoll {
    gpaper p[64];
    int n;
} gcoll;

static int on_gpaper(const pdx_paper *p, void *payload)
{
    gcoll *c = payload;
    assert_true(c->n < 64);
    gpaper *g = &c->p[c->n++];
    snprintf(g->id, sizeof g->id, "%.*s", (int)p->id_len, p->id);
    snprintf(g->title, sizeof g->title, "%.*s", (int)p->title_len, p->title);
    g->votes = p->votes;
    g->date = p->date;
    g->n_authors = p->n_authors;
    g->summary_len = p->summary_len;
    return 0;
}

static void test_bench_gen_corpus(void **state)
{
    (void)state;
    char *dir = fx_tmpdir();
    char *corpus = fx_path(dir, "corpus");
    char *f1 = fx_path(corpus, "2024/06/03.md"), *f2 = fx_path(corpus, "2024/06/04.md");
    fx_write(f1, day1, (size_t)-1);
    fx_write(f2, day2, (size_t)-1);
    char *out1 = fx_path(dir, "out1"), *out2 = fx_path(dir, "out2");
    char err[256];
    bench_gen_opts o = {.corpus = corpus, .out = out1, .scale = 3,
                        .seed = BENCH_GEN_DEFAULT_SEED, .quiet = true};
    bench_gen_stats st;
    assert_int_equal(bench_gen_run(&o, &st, err, sizeof err), PDX_OK);
    assert_int_equal(st.distinct, 2);
    assert_int_equal(st.papers, 6); /* 3 headings x 2 generated copies */
    assert_int_equal(st.files, 4);
    o.out = out2;
    assert_int_equal(bench_gen_run(&o, NULL, err, sizeof err), PDX_OK);
    const char *rel[] = {"c001/2024/06/03.md", "c001/2024/06/04.md", "c002/2024/06/03.md",
                         "c002/2024/06/04.md"};
    for (int i = 0; i < 4; i++) {
        char *a = fx_path(out1, rel[i]), *b = fx_path(out2, rel[i]);
        size_t la, lb;
        char *da = fx_read(a, &la), *db = fx_read(b, &lb);
        assert_non_null(da);
        assert_non_null(db);
        assert_true(la == lb && !memcmp(da, db, la)); /* deterministic */
        free(da);
        free(db);
        free(a);
        free(b);
    }
    /* The copies parse back into papers with new ids, the same titles,
     * authors and summary length (give or take bullet markup), and votes
     * within [0.5 v, 1.5 v]. */
    gcoll c = {0};
    const char *paths[] = {out1};
    pdx_parse_cb cb = {on_gpaper, NULL, &c};
    pdx_parse_stats ps = {0};
    assert_int_equal(pdx_parse_paths(paths, 1, &cb, &ps), PDX_OK);
    assert_int_equal(ps.skipped, 0);
    assert_int_equal(c.n, 6);
    int fast = 0;
    for (int i = 0; i < c.n; i++) {
        assert_int_equal(c.p[i].id[0], '9');
        assert_int_equal(strlen(c.p[i].id), 10);
        assert_true(c.p[i].date >= 20220601 && c.p[i].date <= 20260701);
        if (!strcmp(c.p[i].title, "Fast Sparse Attention")) {
            fast++;
            if (c.p[i].votes != PDX_VOTES_UNKNOWN) {
                assert_int_equal(c.p[i].n_authors, 3); /* "Lee, Jr." survives */
                assert_true(c.p[i].votes >= 5 && c.p[i].votes <= 15);
            }
        } else {
            assert_string_equal(c.p[i].title, "Old Paper Without Votes");
            assert_int_equal(c.p[i].votes, PDX_VOTES_UNKNOWN);
        }
    }
    assert_int_equal(fast, 4);
    /* The same paper on two days keeps one id per copy. */
    for (int i = 0; i < c.n; i++) {
        int same = 0;
        for (int k = 0; k < c.n; k++)
            same += !strcmp(c.p[i].id, c.p[k].id);
        assert_int_equal(same, !strcmp(c.p[i].title, "Fast Sparse Attention") ? 2 : 1);
    }
    /* Another seed gives other bytes. */
    char *out3 = fx_path(dir, "out3");
    o.out = out3;
    o.seed = 7;
    assert_int_equal(bench_gen_run(&o, NULL, err, sizeof err), PDX_OK);
    char *a = fx_path(out1, rel[0]), *b = fx_path(out3, rel[0]);
    size_t la, lb;
    char *da = fx_read(a, &la), *db = fx_read(b, &lb);
    assert_false(la == lb && !memcmp(da, db, la));
    free(da);
    free(db);
    free(a);
    free(b);
    /* A smaller scale into the same folder leaves no copy of the larger:
     * a build of the folder would index them too (a trial). */
    o.seed = BENCH_GEN_DEFAULT_SEED;
    o.out = out1;
    o.scale = 2;
    assert_int_equal(bench_gen_run(&o, NULL, err, sizeof err), PDX_OK);
    char *c1 = fx_path(out1, "c001"), *c2 = fx_path(out1, "c002");
    struct stat cst;
    assert_int_equal(stat(c1, &cst), 0);
    assert_int_not_equal(stat(c2, &cst), 0);
    free(c1);
    free(c2);
    /* Bad options. */
    o.scale = 0;
    assert_int_equal(bench_gen_run(&o, NULL, err, sizeof err), PDX_EINVAL);
    free(out1);
    free(out2);
    free(out3);
    free(f1);
    free(f2);
    free(corpus);
    fx_rmtree(dir);
}

/* gen writes only where it may: a new or empty --out, or one it wrote
 * before; never over files it did not write, through a symbolic link, or
 * inside the corpus (an attack found it replacing a file planted at a
 * copy's path, and writing through a link into another directory). */
static void test_bench_gen_out_safety(void **state)
{
    (void)state;
    char *dir = fx_tmpdir();
    char *corpus = fx_path(dir, "corpus");
    char *f1 = fx_path(corpus, "2024/06/03.md");
    fx_write(f1, day1, (size_t)-1);
    char err[256];
    bench_gen_opts o = {.corpus = corpus, .scale = 2, .seed = BENCH_GEN_DEFAULT_SEED,
                        .quiet = true};
    /* a directory holding someone's file: refused, the file kept */
    char *mine = fx_path(dir, "mine/c001/2024/06/03.md");
    fx_write(mine, "precious", 8);
    char *mine_dir = fx_path(dir, "mine");
    o.out = mine_dir;
    assert_int_equal(bench_gen_run(&o, NULL, err, sizeof err), PDX_EINVAL);
    assert_non_null(strstr(err, "did not write"));
    size_t n;
    char *kept = fx_read(mine, &n);
    assert_true(n == 8 && !memcmp(kept, "precious", 8));
    free(kept);
    /* a file, or a symbolic link to a directory: refused */
    o.out = f1;
    assert_int_equal(bench_gen_run(&o, NULL, err, sizeof err), PDX_EINVAL);
    char *link = fx_path(dir, "link");
    assert_int_equal(symlink(mine_dir, link), 0);
    o.out = link;
    assert_int_equal(bench_gen_run(&o, NULL, err, sizeof err), PDX_EINVAL);
    char *empty = fx_path(dir, "empty"), *link2 = fx_path(dir, "link2");
    assert_int_equal(mkdir(empty, 0755), 0);
    assert_int_equal(symlink(empty, link2), 0);
    char *link_slash = fx_path(dir, "link2/"), *link_dot = fx_path(dir, "link2/.");
    o.out = link_slash; /* lstat("link2/") follows the link (a review) */
    assert_int_equal(bench_gen_run(&o, NULL, err, sizeof err), PDX_EINVAL);
    o.out = link_dot;
    assert_int_equal(bench_gen_run(&o, NULL, err, sizeof err), PDX_EINVAL);
    assert_false(fx_has_entry(empty, "paperdex"));
    free(link_slash);
    free(link_dot);
    free(link2);
    free(empty);
    /* inside the corpus: refused, and nothing left there */
    char *inside = fx_path(corpus, "gen");
    o.out = inside;
    assert_int_equal(bench_gen_run(&o, NULL, err, sizeof err), PDX_EINVAL);
    struct stat st;
    assert_int_equal(lstat(inside, &st), -1);
    /* its own output, again: fine; a link planted at a copy's path is not
     * written through */
    char *out = fx_path(dir, "out");
    o.out = out;
    assert_int_equal(bench_gen_run(&o, NULL, err, sizeof err), PDX_OK);
    assert_int_equal(bench_gen_run(&o, NULL, err, sizeof err), PDX_OK);
    char *copy = fx_path(out, "c001/2024/06/03.md");
    assert_int_equal(unlink(copy), 0);
    assert_int_equal(symlink(mine, copy), 0);
    assert_int_equal(bench_gen_run(&o, NULL, err, sizeof err), PDX_EIO);
    kept = fx_read(mine, &n);
    assert_true(n == 8 && !memcmp(kept, "precious", 8));
    free(kept);
    fx_rmtree(dir);
    free(copy);
    free(out);
    free(inside);
    free(link);
    free(mine_dir);
    free(mine);
    free(f1);
    free(corpus);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bench_percentile_nearest_rank),
        cmocka_unit_test(test_bench_classify),
        cmocka_unit_test(test_bench_judgment_parse),
        cmocka_unit_test(test_bench_rank_list),
        cmocka_unit_test(test_bench_date_add),
        cmocka_unit_test(test_bench_split_sentences),
        cmocka_unit_test(test_bench_gen_id),
        cmocka_unit_test(test_bench_gen_corpus),
        cmocka_unit_test(test_bench_gen_out_safety),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
