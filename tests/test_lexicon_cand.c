/*
 * Tests for the lexicon miner's candidate table as an index update uses
 * it (indexer/lexicon_mine.c: export, import, unmine; issue 12): the
 * table saved in a manifest, loaded into a fresh miner, the texts of
 * deleted papers taken back out, must give exactly the lexicon a fresh
 * miner gives the papers that remain.
 *
 * The fixtures are short sentences written for these tests; none comes
 * from the corpus. The corpus test mines the shared corpus when it is
 * there and skips otherwise.
 */
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
#include "lexicon.h"
#include "lexicon_mine.h"
#include "paperdex/parser.h"

/* ---- fixtures (our own sentences) ---- */

/* A: pairs stated often enough to pass a support of 2, with noisy left
 * words, both directions, a text repeating its pair, a text without any. */
static const char *const fx_a[] = {
    "- 이 연구는 강화 학습(reinforcement learning)으로 로봇을 움직인다.",
    "- 보상 모델을 쓰는 강화 학습(Reinforcement Learning)을 다룬다.",
    "- 새로운 강화 학습(RL) 기법. 강화 학습(RL)은 다시 나온다. 강화 학습(RL).",
    "- 오프라인 강화 학습(RL)은 데이터만 쓴다.",
    "- 우리는 대형 언어 모델(LLM)의 추론을 살핀다.",
    "- 여러 대형 언어 모델(LLM)을 비교했다.",
    "- Transformer(트랜스포머) 층을 줄였다.",
    "- 표준 Transformer(트랜스포머) 블록이다.",
    "- 괄호가 없는 문장도 섞여 있다.",
    "- 지식 증류(knowledge distillation)로 작은 모델을 얻는다.",
    "- 그리고 지식 증류(knowledge distillation)는 비용이 낮다.",
};

/* B: more of A's pairs (their supports change), pairs of its own (they
 * appear and must vanish again), and A's texts once more (the same text
 * on two days). */
static const char *const fx_b[] = {
    "- 기존 강화 학습(reinforcement learning) 방법과 비교한다.",
    "- 최근 대형 언어 모델(LLM)이 쓰인다. 이 대형 언어 모델(LLM)은 크다.",
    "- 검색 증강 생성(RAG)으로 답한다. 다시 말해 검색 증강 생성(RAG)이다.",
    "- 검색 증강 생성(RAG)은 문서를 찾는다.",
    "- 여러 검색 증강 생성(RAG) 변형을 보았다.",
    "- Diffusion Model(확산 모델)을 쓴다.",
    "- 새로운 Diffusion Model(확산 모델)이다.",
    "- 표준 Transformer(트랜스포머) 블록이다.",
    "- 여러 대형 언어 모델(LLM)을 비교했다.",
    "- 모델(GPT-4)처럼 숫자가 든 이름은 번역이 아니다.",
};

/* Bytes before an exported table's first entry (lexicon_mine.c). */
#define LM_TEST_HEADER 48

#define N_A (sizeof fx_a / sizeof *fx_a)
#define N_B (sizeof fx_b / sizeof *fx_b)

/* ---- helpers ---- */

static pdx_lexicon_miner *new_miner(uint32_t min_support, size_t max_candidates)
{
    pdx_lexicon_miner_opts o = {min_support, max_candidates};
    pdx_lexicon_miner *m = NULL;
    assert_int_equal(pdx_lexicon_miner_new(&m, &o), PDX_OK);
    return m;
}

/* A heap copy of exactly strlen(text) bytes, so ASan sees overreads. */
static char *heap_copy(const char *text, size_t *n)
{
    *n = strlen(text);
    char *copy = malloc(*n ? *n : 1);
    assert_non_null(copy);
    memcpy(copy, text, *n);
    return copy;
}

static void add_text(pdx_lexicon_miner *m, const char *text)
{
    size_t n;
    char *copy = heap_copy(text, &n);
    assert_int_equal(pdx_lexicon_miner_add(m, copy, n), PDX_OK);
    free(copy);
}

static int unmine_text(pdx_lexicon_miner *m, const char *text)
{
    size_t n;
    char *copy = heap_copy(text, &n);
    int rc = pdx_lexicon_miner_unmine(m, copy, n);
    free(copy);
    return rc;
}

static void add_all(pdx_lexicon_miner *m, const char *const *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        add_text(m, t[i]);
}

/* The miner's table, exported into out (reset first). */
static void export_to(pdx_lexicon_miner *m, pdx_buf *out)
{
    pdx_buf_reset(out);
    assert_int_equal(pdx_lexicon_miner_export(m, out), PDX_OK);
}

/* Imports b into a heap copy of exactly its length (ASan sees overreads). */
static int import_copy(pdx_lexicon_miner *m, const uint8_t *p, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    if (len)
        memcpy(copy, p, len);
    int rc = pdx_lexicon_miner_import(m, copy, len);
    free(copy);
    return rc;
}

/* Finishes m and leaves the encoded lexicon in out; returns the pairs. */
static size_t finish_encoded(pdx_lexicon_miner *m, uint32_t min_support, pdx_buf *out)
{
    const pdx_lex_pair *p;
    size_t n;
    assert_int_equal(pdx_lexicon_miner_finish(m, &p, &n), PDX_OK);
    pdx_buf_reset(out);
    assert_int_equal(pdx_lexicon_encode(out, p, n, min_support), PDX_OK);
    return n;
}

static void assert_buf_equal(const pdx_buf *a, const pdx_buf *b)
{
    assert_int_equal(a->len, b->len);
    if (a->len)
        assert_memory_equal(a->data, b->data, a->len);
}

static bool buf_equal(const pdx_buf *a, const pdx_buf *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

/* Rewrites the checksum after a test edited a table on purpose, so the
 * edit reaches the structural checks. */
static void reseal(uint8_t *p, size_t len)
{
    pdx_put_u64(p + len - 8, pdx_hash(p, len - 8));
}

/* ---- loanwords: papers, not texts ---- */

/* Paper i of a made-up collection of LOAN_PAPERS: titles in English,
 * summaries in Korean, as the digests are. Papers 0-7 are about robots
 * (로봇 in the summary, "Robot" in the title), 8-15 about graphs (그래프,
 * "Graph"), the rest about other things; every summary says 연구, and half
 * the papers' titles say "Young" (a sound-alike of 연구, N K, that keeps
 * company with it only by chance). */
#define LOAN_PAPERS 100
static void loan_paper(size_t i, char *title, size_t tn, char *summary, size_t sn)
{
    const char *young = i % 2 ? " for Young Readers" : "";
    if (i < 8) {
        snprintf(title, tn, "Robot Hands %zu%s", i, young);
        snprintf(summary, sn, "- 이 연구는 로봇이 물건을 집는 방법 %zu을 보인다.", i);
    } else if (i < 16) {
        snprintf(title, tn, "Graph Walks %zu%s", i, young);
        snprintf(summary, sn, "- 이 연구는 그래프를 걷는 방법 %zu을 다룬다.", i);
    } else {
        snprintf(title, tn, "Quiet Lakes %zu%s", i, young);
        snprintf(summary, sn, "- 이 연구는 호수의 물결 %zu을 잰다.", i);
    }
}

static int loan_paper_op(pdx_lexicon_miner *m, size_t i, bool add)
{
    char title[96], summary[160];
    loan_paper(i, title, sizeof title, summary, sizeof summary);
    return add ? pdx_lexicon_miner_add_paper(m, title, strlen(title), summary, strlen(summary))
               : pdx_lexicon_miner_unmine_paper(m, title, strlen(title), summary,
                                                strlen(summary));
}

static size_t count_pair(const pdx_lex_pair *p, size_t n, const char *ko, const char *en)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += p[i].ko_terms_len == strlen(ko) && !memcmp(p[i].ko_terms, ko, p[i].ko_terms_len) &&
             p[i].en_terms_len == strlen(en) && !memcmp(p[i].en_terms, en, p[i].en_terms_len);
    return k;
}

/* The papers' loanwords become pairs (로봇/robot, 그래프/graph, each
 * stated in no parenthesis), a sound-alike that meets its word only by
 * chance does not (연구/young); the two-miner split of a build gives the
 * table and the pairs add_paper() gives; and un-mining papers leaves
 * exactly the table of a fresh mine of the others. */
static void test_lexicon_cand__loanwords_of_papers(void **state)
{
    (void)state;
    pdx_lexicon_miner *all = new_miner(3, 0), *texts = new_miner(3, 0),
                      *loans = new_miner(3, 0), *rest = new_miner(3, 0);
    for (size_t i = 0; i < LOAN_PAPERS; i++) {
        char title[96], summary[160];
        loan_paper(i, title, sizeof title, summary, sizeof summary);
        assert_int_equal(loan_paper_op(all, i, true), PDX_OK);
        assert_int_equal(pdx_lexicon_miner_add(texts, title, strlen(title)), PDX_OK);
        assert_int_equal(pdx_lexicon_miner_add(texts, summary, strlen(summary)), PDX_OK);
        assert_int_equal(pdx_lexicon_miner_add_loanwords(loans, title, strlen(title), summary,
                                                         strlen(summary)),
                         PDX_OK);
        if (i % 4 != 3)
            assert_int_equal(loan_paper_op(rest, i, true), PDX_OK);
    }
    pdx_buf t = {0}, want = {0};
    assert_int_equal(pdx_lexicon_miner_export_with(texts, loans, &t), PDX_OK);
    export_to(all, &want);
    assert_buf_equal(&t, &want);
    /* not two halves of one table: refused */
    pdx_buf_reset(&t);
    assert_int_equal(pdx_lexicon_miner_export_with(texts, texts, &t), PDX_EINVAL);
    assert_int_equal(pdx_lexicon_miner_export_with(loans, texts, &t), PDX_EINVAL);
    assert_int_equal(pdx_lexicon_miner_export_with(all, loans, &t), PDX_EINVAL);

    /* a tenth of the papers out again: the table of the others */
    pdx_lexicon_miner *m = new_miner(3, 0);
    assert_int_equal(import_copy(m, want.data, want.len), PDX_OK);
    for (size_t i = 3; i < LOAN_PAPERS; i += 4)
        assert_int_equal(loan_paper_op(m, i, false), PDX_OK);
    export_to(m, &t);
    export_to(rest, &want);
    assert_buf_equal(&t, &want);
    /* a paper never mined (its words are not held) is refused, and
     * changes nothing, though its title's and summary's keys (none) and
     * some of its words' are held */
    static const char zt[] = "Zebra Robot", zs[] = "- 로봇이 얼룩말을 센다.";
    assert_int_equal(pdx_lexicon_miner_unmine_paper(m, zt, sizeof zt - 1, zs, sizeof zs - 1),
                     PDX_ENOTFOUND);
    assert_non_null(strstr(pdx_lexicon_miner_errmsg(m), "not held"));
    export_to(m, &t);
    assert_buf_equal(&t, &want);

    /* the two halves finish with the pairs of the whole */
    const pdx_lex_pair *p, *q;
    size_t n, nq;
    assert_int_equal(pdx_lexicon_miner_finish_with(texts, loans, &q, &nq), PDX_OK);
    assert_int_equal(pdx_lexicon_miner_finish(all, &p, &n), PDX_OK);
    pdx_buf_reset(&t);
    pdx_buf_reset(&want);
    assert_int_equal(pdx_lexicon_encode(&t, q, nq, 3), PDX_OK);
    assert_int_equal(pdx_lexicon_encode(&want, p, n, 3), PDX_OK);
    assert_buf_equal(&t, &want);
    assert_int_equal(count_pair(p, n, "로봇", "robot"), 1);
    assert_int_equal(count_pair(p, n, "그래 래프", "graph"), 1);
    assert_int_equal(count_pair(p, n, "연구", "young"), 0);
    for (size_t i = 0; i < n; i++)
        if (p[i].en_terms_len == 5 && !memcmp(p[i].en_terms, "robot", 5))
            assert_memory_equal(p[i].ko_surface, "로봇", p[i].ko_surface_len);
    pdx_lexicon_miner *pm[] = {all, texts, loans, rest, m};
    for (size_t i = 0; i < sizeof pm / sizeof *pm; i++)
        pdx_lexicon_miner_free(pm[i]);
    pdx_buf_free(&t);
    pdx_buf_free(&want);
}

/* ---- the property ---- */

/* Mined A and B interleaved, exported, imported into a fresh miner, B
 * un-mined in another order: the same table bytes and the same lexicon
 * bytes as a fresh miner fed A. */
/* Export keeps its sorted table for finish only while nothing changes
 * the table: finishing right after an export, and after an export and
 * more texts, gives what a miner that never exported gives. */
static void test_lexicon_cand__export_then_finish_is_plain_finish(void **state)
{
    (void)state;
    pdx_buf table = {0}, got = {0}, want = {0};
    pdx_lexicon_miner *x = new_miner(2, 0), *plain = new_miner(2, 0);
    add_all(x, fx_a, N_A);
    add_all(plain, fx_a, N_A);
    export_to(x, &table);
    finish_encoded(x, 2, &got);
    finish_encoded(plain, 2, &want);
    assert_buf_equal(&got, &want);
    pdx_lexicon_miner_free(x);
    pdx_lexicon_miner_free(plain);

    x = new_miner(2, 0);
    plain = new_miner(2, 0);
    add_all(x, fx_a, N_A);
    export_to(x, &table);     /* sorted A ... */
    add_all(x, fx_b, N_B);    /* ... then the table changes */
    add_all(plain, fx_a, N_A);
    add_all(plain, fx_b, N_B);
    finish_encoded(x, 2, &got);
    finish_encoded(plain, 2, &want);
    assert_buf_equal(&got, &want);
    pdx_lexicon_miner_free(x);
    pdx_lexicon_miner_free(plain);
    pdx_buf_free(&table);
    pdx_buf_free(&got);
    pdx_buf_free(&want);
}

static void test_lexicon_cand__unmine_gives_fresh_mine(void **state)
{
    (void)state;
    pdx_lexicon_miner *ab = new_miner(2, 0);
    for (size_t i = 0; i < N_A || i < N_B; i++) {
        if (i < N_B)
            add_text(ab, fx_b[i]);
        if (i < N_A)
            add_text(ab, fx_a[i]);
    }
    pdx_buf table = {0}, got_table = {0}, want_table = {0}, got = {0}, want = {0}, both = {0};
    export_to(ab, &table);

    pdx_lexicon_miner *m = new_miner(2, 0);
    assert_int_equal(import_copy(m, table.data, table.len), PDX_OK);
    for (size_t i = N_B; i-- > 0;)
        assert_int_equal(unmine_text(m, fx_b[i]), PDX_OK);
    export_to(m, &got_table);

    pdx_lexicon_miner *a = new_miner(2, 0);
    add_all(a, fx_a, N_A);
    export_to(a, &want_table);
    assert_buf_equal(&got_table, &want_table);

    pdx_lexicon_miner_stats sg, sa;
    pdx_lexicon_miner_get_stats(m, &sg);
    pdx_lexicon_miner_get_stats(a, &sa);
    assert_int_equal(sg.texts, N_A);
    assert_int_equal(sg.occurrences, sa.occurrences);
    assert_int_equal(sg.candidates, sa.candidates);
    assert_int_equal(sg.prunes, 0);

    size_t n_got = finish_encoded(m, 2, &got);
    size_t n_want = finish_encoded(a, 2, &want);
    assert_true(n_want >= 3); /* the fixtures do make pairs */
    assert_int_equal(n_got, n_want);
    assert_buf_equal(&got, &want);
    /* and B mattered: A+B gives another lexicon (RAG, supports) */
    finish_encoded(ab, 2, &both);
    assert_false(buf_equal(&both, &want));

    pdx_lexicon_miner_free(ab);
    pdx_lexicon_miner_free(m);
    pdx_lexicon_miner_free(a);
    pdx_buf_free(&table);
    pdx_buf_free(&got_table);
    pdx_buf_free(&want_table);
    pdx_buf_free(&got);
    pdx_buf_free(&want);
    pdx_buf_free(&both);
}

/* import(export(x)) is x: the same bytes again, the same lexicon; and two
 * tables imported into one miner are the table of both text sets. */
static void test_lexicon_cand__export_import_round_trip(void **state)
{
    (void)state;
    pdx_lexicon_miner *x = new_miner(2, 0);
    add_all(x, fx_a, N_A);
    add_all(x, fx_b, N_B);
    pdx_buf t1 = {0}, t2 = {0}, l1 = {0}, l2 = {0};
    export_to(x, &t1);

    pdx_lexicon_miner *y = new_miner(2, 0);
    assert_int_equal(import_copy(y, t1.data, t1.len), PDX_OK);
    export_to(y, &t2);
    assert_buf_equal(&t1, &t2);
    pdx_lexicon_miner_stats sx, sy;
    pdx_lexicon_miner_get_stats(x, &sx);
    pdx_lexicon_miner_get_stats(y, &sy);
    assert_memory_equal(&sx, &sy, sizeof sx);
    assert_int_equal(finish_encoded(x, 2, &l1), finish_encoded(y, 2, &l2));
    assert_buf_equal(&l1, &l2);
    /* export still works after finish, and gives the same bytes */
    export_to(y, &t2);
    assert_buf_equal(&t1, &t2);
    assert_int_equal(pdx_lexicon_miner_import(y, t1.data, t1.len), PDX_EINVAL);

    /* two tables into one miner: the union of their texts */
    pdx_lexicon_miner *a = new_miner(2, 0), *b = new_miner(2, 0), *u = new_miner(2, 0);
    add_all(a, fx_a, N_A);
    add_all(b, fx_b, N_B);
    export_to(a, &t1);
    assert_int_equal(import_copy(u, t1.data, t1.len), PDX_OK);
    export_to(b, &t1);
    assert_int_equal(import_copy(u, t1.data, t1.len), PDX_OK);
    export_to(u, &t1);
    pdx_lexicon_miner *ab = new_miner(2, 0);
    add_all(ab, fx_b, N_B);
    add_all(ab, fx_a, N_A);
    export_to(ab, &t2);
    assert_buf_equal(&t1, &t2);

    /* an empty miner exports a valid empty table */
    pdx_lexicon_miner *e = new_miner(0, 0), *e2 = new_miner(0, 0);
    export_to(e, &t1);
    assert_int_equal(import_copy(e2, t1.data, t1.len), PDX_OK);
    pdx_lexicon_miner_get_stats(e2, &sy);
    assert_int_equal(sy.candidates, 0);
    assert_int_equal(sy.texts, 0);

    pdx_lexicon_miner *ms[] = {x, y, a, b, u, ab, e, e2};
    for (size_t i = 0; i < sizeof ms / sizeof *ms; i++)
        pdx_lexicon_miner_free(ms[i]);
    pdx_buf_free(&t1);
    pdx_buf_free(&t2);
    pdx_buf_free(&l1);
    pdx_buf_free(&l2);
}

/* Taking out a text that is not there is refused with a message, and
 * leaves the miner as it was; a text without candidates comes out. */
static void test_lexicon_cand__unmine_refuses_below_zero(void **state)
{
    (void)state;
    pdx_lexicon_miner *m = new_miner(2, 0);
    add_all(m, fx_a, N_A);
    pdx_buf before = {0}, after = {0};
    export_to(m, &before);
    /* never mined; its first candidates (강화 학습) are held, RAG is not:
     * the check must not take the first ones out before it meets RAG */
    const char *alien = "- 강화 학습(RL)과 검색 증강 생성(RAG)을 합쳤다.";
    assert_int_equal(unmine_text(m, alien), PDX_ENOTFOUND);
    assert_non_null(strstr(pdx_lexicon_miner_errmsg(m), "not mined"));
    assert_non_null(strstr(pdx_lexicon_miner_errmsg(m), "rag"));
    export_to(m, &after);
    assert_buf_equal(&before, &after);

    /* once in, once out; the second time it is below zero */
    add_text(m, alien);
    assert_int_equal(unmine_text(m, alien), PDX_OK);
    assert_string_equal(pdx_lexicon_miner_errmsg(m), "");
    export_to(m, &after);
    assert_buf_equal(&before, &after);
    assert_int_equal(unmine_text(m, alien), PDX_ENOTFOUND);

    /* a text that gave no candidate: only the text count changes */
    pdx_lexicon_miner_stats st;
    pdx_lexicon_miner_get_stats(m, &st);
    assert_int_equal(unmine_text(m, "괄호가 없다"), PDX_OK);
    pdx_lexicon_miner_stats st2;
    pdx_lexicon_miner_get_stats(m, &st2);
    assert_int_equal(st2.texts, st.texts - 1);
    assert_int_equal(st2.candidates, st.candidates);

    /* arguments */
    assert_int_equal(pdx_lexicon_miner_unmine(NULL, "x", 1), PDX_EINVAL);
    assert_int_equal(pdx_lexicon_miner_unmine(m, NULL, 1), PDX_EINVAL);
    pdx_lexicon_miner *empty = new_miner(0, 0);
    assert_int_equal(pdx_lexicon_miner_unmine(empty, NULL, 0), PDX_ENOTFOUND);
    const pdx_lex_pair *p;
    size_t n;
    assert_int_equal(pdx_lexicon_miner_finish(m, &p, &n), PDX_OK);
    assert_int_equal(pdx_lexicon_miner_unmine(m, alien, strlen(alien)), PDX_EINVAL);
    pdx_lexicon_miner_free(m);
    pdx_lexicon_miner_free(empty);
    pdx_buf_free(&before);
    pdx_buf_free(&after);
}

/* Un-mining many texts drops their keys from the hash table (backward
 * shift): what stays is found, what went is gone, the arena is compacted. */
static void test_lexicon_cand__unmine_many_keeps_table_sound(void **state)
{
    (void)state;
    pdx_lexicon_miner *m = new_miner(1, 0), *keep = new_miner(1, 0);
    char text[160];
    for (int i = 0; i < 3000; i++) {
        /* distinct made-up pairs: many keys, probe runs that collide */
        snprintf(text, sizeof text, "- 표본 나다(alpha%c%c%c beta)를 보았다.", 'a' + i % 26,
                 'a' + (i / 26) % 26, 'a' + (i / 676) % 26);
        add_text(m, text);
        if (i % 3 == 0)
            add_text(keep, text);
    }
    pdx_lexicon_miner_stats st;
    pdx_lexicon_miner_get_stats(m, &st);
    assert_true(st.candidates > 3000);
    for (int i = 0; i < 3000; i++) {
        if (i % 3 == 0)
            continue;
        snprintf(text, sizeof text, "- 표본 나다(alpha%c%c%c beta)를 보았다.", 'a' + i % 26,
                 'a' + (i / 26) % 26, 'a' + (i / 676) % 26);
        assert_int_equal(unmine_text(m, text), PDX_OK);
    }
    pdx_buf a = {0}, b = {0};
    export_to(m, &a);
    export_to(keep, &b);
    assert_buf_equal(&a, &b);
    /* every kept text is still found (a lost key would refuse it) */
    for (int i = 0; i < 3000; i += 3) {
        snprintf(text, sizeof text, "- 표본 나다(alpha%c%c%c beta)를 보았다.", 'a' + i % 26,
                 'a' + (i / 26) % 26, 'a' + (i / 676) % 26);
        assert_int_equal(unmine_text(m, text), PDX_OK);
    }
    pdx_lexicon_miner_get_stats(m, &st);
    assert_int_equal(st.candidates, 0);
    assert_int_equal(st.texts, 0);
    assert_int_equal(st.occurrences, 0);
    pdx_lexicon_miner_free(m);
    pdx_lexicon_miner_free(keep);
    pdx_buf_free(&a);
    pdx_buf_free(&b);
}

/* A table that pruned lost counts: the export says so, the import
 * carries it over, and un-mining refuses (the caller re-mines). */
static void test_lexicon_cand__pruned_table_refuses_unmine(void **state)
{
    (void)state;
    pdx_lexicon_miner *m = new_miner(1, 16);
    add_all(m, fx_a, N_A);
    add_all(m, fx_b, N_B);
    pdx_lexicon_miner_stats st;
    pdx_lexicon_miner_get_stats(m, &st);
    assert_true(st.prunes > 0);
    assert_int_equal(unmine_text(m, fx_b[0]), PDX_ELIMIT);
    assert_non_null(strstr(pdx_lexicon_miner_errmsg(m), "pruned"));

    pdx_buf t = {0};
    export_to(m, &t);
    pdx_lexicon_miner *y = new_miner(1, 0);
    assert_int_equal(import_copy(y, t.data, t.len), PDX_OK);
    pdx_lexicon_miner_stats sy;
    pdx_lexicon_miner_get_stats(y, &sy);
    assert_int_equal(sy.prunes, st.prunes);
    assert_int_equal(sy.prune_floor, st.prune_floor);
    assert_int_equal(unmine_text(y, fx_b[0]), PDX_ELIMIT);

    /* a miner with less room prunes while importing a bigger table */
    pdx_lexicon_miner *big = new_miner(1, 0), *small = new_miner(1, 16);
    add_all(big, fx_a, N_A);
    export_to(big, &t);
    assert_int_equal(import_copy(small, t.data, t.len), PDX_OK);
    pdx_lexicon_miner_get_stats(small, &sy);
    assert_true(sy.prunes > 0);
    assert_true(sy.candidates <= 16);
    pdx_lexicon_miner_free(m);
    pdx_lexicon_miner_free(y);
    pdx_lexicon_miner_free(big);
    pdx_lexicon_miner_free(small);
    pdx_buf_free(&t);
}

/* ---- damaged tables ---- */

/* Every truncation and every single-byte change is refused (the
 * checksum), with the byte offset, and leaves the miner unchanged. */
static void test_lexicon_cand__import_refuses_damage(void **state)
{
    (void)state;
    pdx_lexicon_miner *src = new_miner(2, 0);
    add_all(src, fx_a, N_A);
    pdx_buf t = {0}, before = {0}, after = {0};
    export_to(src, &t);
    pdx_lexicon_miner *m = new_miner(2, 0);
    add_all(m, fx_b, N_B);
    export_to(m, &before);

    for (size_t len = 0; len < t.len; len++)
        assert_int_equal(import_copy(m, t.data, len), PDX_ECORRUPT);
    uint8_t *copy = malloc(t.len);
    assert_non_null(copy);
    for (size_t i = 0; i < t.len; i++) {
        memcpy(copy, t.data, t.len);
        copy[i] ^= 0x20;
        int rc = pdx_lexicon_miner_import(m, copy, t.len);
        assert_int_equal(rc, i >= 4 && i < 8 ? PDX_EVERSION : PDX_ECORRUPT);
        assert_non_null(strstr(pdx_lexicon_miner_errmsg(m), "byte "));
    }
    export_to(m, &after);
    assert_buf_equal(&before, &after);

    /* what the message says for a bad checksum */
    memcpy(copy, t.data, t.len);
    copy[t.len - 1] ^= 1;
    assert_int_equal(pdx_lexicon_miner_import(m, copy, t.len), PDX_ECORRUPT);
    char want[64];
    snprintf(want, sizeof want, "byte %zu: checksum", t.len - 8);
    assert_non_null(strstr(pdx_lexicon_miner_errmsg(m), want));
    assert_int_equal(pdx_lexicon_miner_import(m, NULL, 0), PDX_ECORRUPT);
    assert_int_equal(pdx_lexicon_miner_import(m, NULL, 1), PDX_EINVAL);
    assert_int_equal(pdx_lexicon_miner_import(NULL, t.data, t.len), PDX_EINVAL);
    free(copy);
    pdx_lexicon_miner_free(src);
    pdx_lexicon_miner_free(m);
    pdx_buf_free(&t);
    pdx_buf_free(&before);
    pdx_buf_free(&after);
}

/* A hand-made table: header, then entries given as (shared, suffix,
 * count), then the checksum. */
typedef struct hand_entry {
    uint64_t shared;     /* bytes shared with the previous key */
    const char *suffix;  /* the rest of the key */
    size_t suffix_len;   /* its bytes (may hold 0x00) */
    uint64_t count;      /* the entry's count */
} hand_entry;

static void hand_table(pdx_buf *out, const hand_entry *e, size_t n, uint64_t n_claimed,
                       const char *tail)
{
    pdx_buf_reset(out);
    pdx_buf_append(out, "PDXC", 4);
    pdx_buf_put_u32(out, 4);
    pdx_buf_put_u64(out, 3);
    pdx_buf_put_u64(out, 3);
    pdx_buf_put_u64(out, 0);
    pdx_buf_put_u32(out, 0);
    pdx_buf_put_u32(out, 0);
    pdx_buf_put_u64(out, n_claimed);
    for (size_t i = 0; i < n; i++) {
        pdx_buf_put_varint(out, e[i].shared);
        pdx_buf_put_str(out, e[i].suffix, e[i].suffix_len);
        pdx_buf_put_varint(out, e[i].count);
    }
    pdx_buf_append(out, tail, strlen(tail));
    pdx_buf_put_u64(out, 0);
    assert_int_equal(out->err, PDX_OK);
    reseal(out->data, out->len);
}

#define S(lit) lit, sizeof lit - 1

/* Sealed tables (the checksum matches) whose structure is wrong: each
 * refused with the offset of the entry at fault. */
static void test_lexicon_cand__import_refuses_bad_structure(void **state)
{
    (void)state;
    /* a valid one first: a span and a surface of the fixed side "rl" */
    const hand_entry good[] = {{0, S("\x00\x00rl\x00학습"), 2},
                               {11, S(" 강화"), 2},
                               {0, S("\x01\x00rl\x00RL"), 3}};
    pdx_buf t = {0};
    pdx_lexicon_miner *m = new_miner(2, 0);
    hand_table(&t, good, 3, 3, "");
    assert_int_equal(import_copy(m, t.data, t.len), PDX_OK);
    pdx_lexicon_miner_stats st;
    pdx_lexicon_miner_get_stats(m, &st);
    assert_int_equal(st.candidates, 3);
    pdx_lexicon_miner_free(m);
    /* and the loanword counts: the papers, a Hangul word, an English
     * word, the pair */
    const hand_entry loans[] = {{0, S("\x02\x00로봇\x00"), 3},
                                {0, S("\x02\x01robot\x00"), 3},
                                {0, S("\x02\x02\x00"), 9},
                                {0, S("\x03\x00로봇\x00robot"), 3}};
    m = new_miner(2, 0);
    hand_table(&t, loans, 4, 4, "");
    assert_int_equal(import_copy(m, t.data, t.len), PDX_OK);
    pdx_lexicon_miner_get_stats(m, &st);
    assert_int_equal(st.candidates, 4);
    pdx_lexicon_miner_free(m);

    struct {
        hand_entry e[3];
        size_t n;
        uint64_t claimed;
        const char *tail;
        const char *want; /* in the message */
    } bad[] = {
        {{{0, S("\x00\x00rl\x00학습"), 2}, {50, S("x"), 1}}, 2, 2, "", "shares more"},
        {{{0, S("\x00\x00rl\x00학습"), 2}, {0, S("\x00\x00rl\x00가"), 1}}, 2, 2, "", "order"},
        {{{0, S("\x00\x00rl\x00학습"), 2}, {0, S("\x00\x00rl\x00학습"), 1}}, 2, 2, "", "order"},
        {{{0, S("\x00\x00rl\x00학습"), 0}}, 1, 1, "", "count"},
        {{{0, S("\x00\x00rl\x00학습"), (uint64_t)1 << 32}}, 1, 1, "", "count"},
        {{{0, S("\x02\x00rl\x00학습"), 1}}, 1, 1, "", "malformed"},
        {{{0, S("\x00\x03rl\x00학습"), 1}}, 1, 1, "", "malformed"},
        /* an acronym's span is one word */
        {{{0, S("\x00\x02reinforc learn\x00R L"), 1}}, 1, 1, "", "malformed"},
        {{{0, S("\x00\x00\x00학습"), 1}}, 1, 1, "", "malformed"},
        {{{0, S("\x00\x00rl\x00"), 1}}, 1, 1, "", "malformed"},
        {{{0, S("\x00\x00rlhf"), 1}}, 1, 1, "", "malformed"},
        {{{0, S("\x00\x00rl\x00학 \x00습"), 1}}, 1, 1, "", "malformed"},
        {{{0, S("\x00\x00rl\x00 학습"), 1}}, 1, 1, "", "malformed"},
        /* fixed terms not in the joined form, which pdx_lexicon_encode()
         * refuses: a control byte, an empty term (fuzz_lexcand) */
        {{{0, S("\x00\x00r\x02l\x00학습"), 1}}, 1, 1, "", "malformed"},
        {{{0, S("\x00\x00rl  hf\x00학습"), 1}}, 1, 1, "", "malformed"},
        {{{0, S("\x00\x00rl\x00학  습"), 1}}, 1, 1, "", "malformed"},
        {{{0, S("\x00\x00rl\x00가 나 다 라 마 바"), 1}}, 1, 1, "", "malformed"},
        {{{0, S("\x00\x00rl\x00학습"), 2}}, 1, 1, "junk", "after the last"},
        {{{0, S("\x00\x00rl\x00학습"), 2}}, 1, 2, "", "truncated"},
        {{{0, S("\x00\x00rl\x00학습"), 2}}, 1, 1000, "", "more entries"},
        /* loanword counts: a Hangul word with no skeleton or not Hangul,
         * an English word in capitals or short, a side or kind unknown,
         * the papers' key with a word, a pair without its English */
        {{{0, S("\x02\x00가\x00"), 1}}, 1, 1, "", "malformed"},
        {{{0, S("\x02\x00robot\x00"), 1}}, 1, 1, "", "malformed"},
        {{{0, S("\x02\x01Robot\x00"), 1}}, 1, 1, "", "malformed"},
        {{{0, S("\x02\x01rob\x00"), 1}}, 1, 1, "", "malformed"},
        {{{0, S("\x02\x03robot\x00"), 1}}, 1, 1, "", "malformed"},
        {{{0, S("\x02\x02x\x00"), 1}}, 1, 1, "", "malformed"},
        {{{0, S("\x02\x01robot\x00x"), 1}}, 1, 1, "", "malformed"},
        {{{0, S("\x03\x00로봇\x00"), 1}}, 1, 1, "", "malformed"},
        {{{0, S("\x03\x01로봇\x00robot"), 1}}, 1, 1, "", "malformed"},
        {{{0, S("\x04\x00로봇\x00robot"), 1}}, 1, 1, "", "malformed"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        m = new_miner(2, 0);
        hand_table(&t, bad[i].e, bad[i].n, bad[i].claimed, bad[i].tail);
        assert_int_equal(import_copy(m, t.data, t.len), PDX_ECORRUPT);
        const char *msg = pdx_lexicon_miner_errmsg(m);
        if (!strstr(msg, bad[i].want) || !strstr(msg, "byte "))
            fail_msg("case %zu: message \"%s\" lacks \"%s\"", i, msg, bad[i].want);
        pdx_lexicon_miner_get_stats(m, &st);
        assert_int_equal(st.candidates, 0);
        assert_int_equal(st.texts, 0);
        pdx_lexicon_miner_free(m);
    }
    /* the entry at fault is named by its offset: the second starts at 48 +
     * the first's bytes */
    m = new_miner(2, 0);
    hand_table(&t, bad[0].e, 2, 2, "");
    char want[32];
    snprintf(want, sizeof want, "byte %zu:", (size_t)48 + 1 + 1 + bad[0].e[0].suffix_len + 1);
    assert_int_equal(import_copy(m, t.data, t.len), PDX_ECORRUPT);
    assert_non_null(strstr(pdx_lexicon_miner_errmsg(m), want));
    /* a version this build does not read: a later one, version 1, whose
     * texts were mined without acronyms, 2, without loanwords, or 3,
     * without acronyms with a 2 for "to" (an update mines them all
     * again) */
    for (uint32_t v = 1; v <= 5; v += v == 3 ? 2 : 1) {
        hand_table(&t, good, 3, 3, "");
        pdx_put_u32(t.data + 4, v);
        reseal(t.data, t.len);
        assert_int_equal(import_copy(m, t.data, t.len), PDX_EVERSION);
        char msg[32];
        snprintf(msg, sizeof msg, "version %u,", (unsigned)v);
        assert_non_null(strstr(pdx_lexicon_miner_errmsg(m), msg));
    }
    pdx_lexicon_miner_free(m);
    pdx_buf_free(&t);
}

/* Sealed random damage: import refuses it or takes it, and what it takes
 * finishes without a crash (ASan run). Seeded; the seed is printed on
 * failure. */
static void test_lexicon_cand__import_sealed_random_damage(void **state)
{
    (void)state;
    pdx_lexicon_miner *src = new_miner(1, 0);
    add_all(src, fx_a, N_A);
    add_all(src, fx_b, N_B);
    pdx_buf t = {0};
    export_to(src, &t);
    uint8_t *copy = malloc(t.len);
    assert_non_null(copy);
    uint64_t seed = 0x9e3779b97f4a7c15u;
    int taken = 0, refused = 0;
    for (int round = 0; round < 2000; round++) {
        memcpy(copy, t.data, t.len);
        uint64_t round_seed = seed;
        for (int k = 0; k < 1 + round % 4; k++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            size_t at = LM_TEST_HEADER + (size_t)(seed >> 33) % (t.len - 8 - LM_TEST_HEADER);
            copy[at] = (uint8_t)(seed >> 17);
        }
        reseal(copy, t.len);
        pdx_lexicon_miner *m = new_miner(1, 0);
        int rc = pdx_lexicon_miner_import(m, copy, t.len);
        if (rc != PDX_OK && rc != PDX_ECORRUPT)
            fail_msg("round %d seed %llu: rc %d", round, (unsigned long long)round_seed, rc);
        taken += rc == PDX_OK;
        refused += rc == PDX_ECORRUPT;
        if (rc == PDX_OK) {
            const pdx_lex_pair *p;
            size_t n;
            pdx_buf enc = {0};
            assert_int_equal(pdx_lexicon_miner_finish(m, &p, &n), PDX_OK);
            assert_int_equal(pdx_lexicon_encode(&enc, p, n, 1), PDX_OK);
            pdx_buf_free(&enc);
        }
        pdx_lexicon_miner_free(m);
    }
    /* both ways were exercised: damage that still parses reached finish */
    assert_true(taken > 50);
    assert_true(refused > 50);
    free(copy);
    pdx_lexicon_miner_free(src);
    pdx_buf_free(&t);
}

/* ---- the corpus ---- */

/* Every paper's title and summary, in walk order (owned copies). */
typedef struct corpus_texts {
    char **t;     /* the texts */
    size_t *len;  /* their bytes */
    size_t n;     /* texts held */
    size_t cap;   /* allocated */
} corpus_texts;

static void keep_text(corpus_texts *c, const char *p, size_t len)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 4096;
        c->t = realloc(c->t, c->cap * sizeof *c->t);
        c->len = realloc(c->len, c->cap * sizeof *c->len);
        assert_true(c->t && c->len);
    }
    c->t[c->n] = malloc(len ? len : 1);
    assert_non_null(c->t[c->n]);
    memcpy(c->t[c->n], p, len);
    c->len[c->n++] = len;
}

static int keep_paper(const pdx_paper *p, void *payload)
{
    keep_text(payload, p->title, p->title_len);
    keep_text(payload, p->summary, p->summary_len);
    return 0;
}

/* The real corpus: every paper mined (texts and loanwords), the last
 * ~10% of the days' papers (the newest) un-mined from the imported table,
 * against a fresh mine of the rest. Without pruning (the corpus needs ~39k of 512k candidates)
 * the lexicons are byte-identical. */
static void test_lexicon_cand__corpus_unmine_newest_days(void **state)
{
    (void)state;
    const char *shared = fx_shared_dir();
    if (!shared)
        skip();
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/corpus/paper_logs", shared);
    corpus_texts c = {0};
    pdx_parse_cb cb = {keep_paper, NULL, &c};
    pdx_parse_stats ps = {0};
    const char *paths[] = {dir};
    assert_int_equal(pdx_parse_paths(paths, 1, &cb, &ps), PDX_OK);
    assert_true(c.n > 8000);
    size_t cut = c.n - c.n / 10;

    cut &= ~(size_t)1; /* texts come in pairs: a paper's title, its summary */
    pdx_lexicon_miner *all = new_miner(0, 0), *rest = new_miner(0, 0);
    for (size_t i = 0; i + 1 < c.n; i += 2) {
        assert_int_equal(pdx_lexicon_miner_add_paper(all, c.t[i], c.len[i], c.t[i + 1],
                                                     c.len[i + 1]),
                         PDX_OK);
        if (i < cut)
            assert_int_equal(pdx_lexicon_miner_add_paper(rest, c.t[i], c.len[i], c.t[i + 1],
                                                         c.len[i + 1]),
                             PDX_OK);
    }
    pdx_lexicon_miner_stats st;
    pdx_lexicon_miner_get_stats(all, &st);
    assert_int_equal(st.prunes, 0);
    pdx_buf t = {0}, want_t = {0}, got = {0}, want = {0}, whole = {0};
    export_to(all, &t);
    pdx_lexicon_miner *m = new_miner(0, 0);
    assert_int_equal(import_copy(m, t.data, t.len), PDX_OK);
    for (size_t i = cut; i + 1 < c.n; i += 2)
        assert_int_equal(pdx_lexicon_miner_unmine_paper(m, c.t[i], c.len[i], c.t[i + 1],
                                                        c.len[i + 1]),
                         PDX_OK);
    export_to(m, &t);
    export_to(rest, &want_t);
    assert_buf_equal(&t, &want_t);
    size_t n = finish_encoded(m, PDX_LEXICON_MIN_SUPPORT, &got);
    assert_true(n > 200);
    finish_encoded(rest, PDX_LEXICON_MIN_SUPPORT, &want);
    assert_buf_equal(&got, &want);
    finish_encoded(all, PDX_LEXICON_MIN_SUPPORT, &whole);
    assert_false(buf_equal(&whole, &want)); /* the newest days did matter */

    for (size_t i = 0; i < c.n; i++)
        free(c.t[i]);
    free(c.t);
    free(c.len);
    pdx_lexicon_miner_free(all);
    pdx_lexicon_miner_free(rest);
    pdx_lexicon_miner_free(m);
    pdx_buf_free(&t);
    pdx_buf_free(&want_t);
    pdx_buf_free(&got);
    pdx_buf_free(&want);
    pdx_buf_free(&whole);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lexicon_cand__unmine_gives_fresh_mine),
        cmocka_unit_test(test_lexicon_cand__export_then_finish_is_plain_finish),
        cmocka_unit_test(test_lexicon_cand__export_import_round_trip),
        cmocka_unit_test(test_lexicon_cand__unmine_refuses_below_zero),
        cmocka_unit_test(test_lexicon_cand__unmine_many_keeps_table_sound),
        cmocka_unit_test(test_lexicon_cand__pruned_table_refuses_unmine),
        cmocka_unit_test(test_lexicon_cand__import_refuses_damage),
        cmocka_unit_test(test_lexicon_cand__import_refuses_bad_structure),
        cmocka_unit_test(test_lexicon_cand__import_sealed_random_damage),
        cmocka_unit_test(test_lexicon_cand__corpus_unmine_newest_days),
        cmocka_unit_test(test_lexicon_cand__loanwords_of_papers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
