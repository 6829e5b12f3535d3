/*
 * Matching concepts rather than strings (issue 10): word boundaries in
 * Korean compounds, acronym plurals, letter-digit spellings of model names.
 * Each test indexes a handful of papers written for it and checks which
 * papers a query finds, through the public API, as a user would see it.
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
#include "searcher.h"
#include "segment.h"
#include "paperdex/paperdex.h"
#include "paperdex/search.h"

typedef struct fdoc {
    const char *title, *summary;
} fdoc;

/* Summaries written for these tests. Document i has id 2501.1000i. */
static const fdoc docs[] = {
    /* 0: "성능" only across a word boundary (반성 능력) */
    {"Self reflection", "모델의 반성 능력을 평가한다"},
    /* 1: "성능" as a word */
    {"Faster decoding", "추론 성능 향상을 보인다"},
    /* 2: compound spelled apart */
    {"Policy tuning", "강화 학습 기반 정책 튜닝"},
    /* 3: compound spelled together */
    {"Reward shaping", "강화학습에서 보상을 설계한다"},
    /* 4: acronym plural */
    {"Survey of LLMs", "We study how LLMs plan."},
    /* 5: acronym singular */
    {"An LLM agent", "A single LLM agent acts."},
    /* 6: joined model name */
    {"Distilling GPT4", "Outputs of GPT4 are distilled."},
    /* 7: hyphenated model name */
    {"Probing GPT-4", "We probe GPT-4 with puzzles."},
    /* 8: spaced model name and a short one that must stay whole */
    {"Llama 3 and R1", "Compare Llama 3 with R1 on math."},
    /* 9: a word that only ends like an acronym plural */
    {"Gas prices", "The gas and bias of markets."},
    /* 10-12: derived forms of one noun (효율) */
    {"Lean inference", "효율적인 추론 방법"},
    {"Cost study", "메모리 효율성을 분석한다"},
    {"Pipeline design", "학습 효율화 전략을 제안한다"},
    /* 13-15: three papers state the pair 탈옥 = jailbreak (the lexicon's
     * support threshold is three texts) */
    {"Attack study", "챗봇 탈옥(jailbreak) 공격을 분석한다"},
    {"Defense", "새로운 탈옥(jailbreak) 방어 기법"},
    {"Prompt data", "탈옥(jailbreak) 프롬프트 데이터셋"},
    /* 16: English only; 17: Korean only */
    {"Red teaming", "We red-team chat models with jailbreak prompts."},
    {"Korean only", "멀티모달 탈옥 벤치마크를 만든다"},
    /* 18-20: other topics, so that 탈옥 and jailbreak stay under the share
     * of papers past which a word is too common to expand */
    {"Graph study", "We study graph neural networks on molecules."},
    {"Speech work", "음성 합성 품질을 개선한다"},
    {"Robot arms", "Robot arms grasp unseen objects."},
};
#define NDOCS (sizeof docs / sizeof docs[0])

typedef fx_search env;

static int setup(void **state)
{
    env *e = calloc(1, sizeof *e);
    assert_non_null(e);
    static char ids[NDOCS][16];
    fx_paper papers[NDOCS];
    for (size_t i = 0; i < NDOCS; i++) {
        snprintf(ids[i], sizeof ids[i], "2501.%05zu", 10000 + i);
        papers[i] = (fx_paper){ids[i], docs[i].title, "Kim Lee", docs[i].summary,
                               20250101 + (int)i, 1};
    }
    fx_search_open(e, papers, NDOCS);
    *state = e;
    return 0;
}

/* The fixture numbers of the papers that fully match query, ascending, as
 * "i,j,k" (no partial matches). */
static const char *found(env *e, const char *query)
{
    static char buf[128];
    pdx_query *q;
    if (pdx_query_parse(&q, e->s, query, strlen(query)))
        fail_msg("parse '%s': %s", query, pdx_searcher_errmsg(e->s));
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    o.no_partial = true;
    o.limit = 100;
    pdx_results r;
    assert_int_equal(pdx_search(e->s, q, &o, &r), PDX_OK);
    bool hit[NDOCS] = {false};
    for (size_t i = 0; i < r.n; i++) {
        pdx_hit_info h;
        assert_int_equal(pdx_hit_get(e->s, r.hits[i].doc, &h), PDX_OK);
        int n = atoi(h.id + 5) - 10000;
        assert_true(n >= 0 && (size_t)n < NDOCS);
        hit[n] = true;
    }
    buf[0] = 0;
    for (size_t i = 0; i < NDOCS; i++)
        if (hit[i])
            snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%zu", buf[0] ? "," : "",
                     i);
    pdx_results_clear(&r);
    pdx_query_free(q);
    return buf;
}

/* A two-syllable word never matches through the bigram that spans a space
 * ("반성 능력" is not about 성능), in the query or in a quoted phrase. */
static void relevance_korean_word_boundary(void **state)
{
    env *e = *state;
    assert_string_equal(found(e, "성능"), "1");
    assert_string_equal(found(e, "성능을"), "1");
    assert_string_equal(found(e, "\"성능\""), "1");
    assert_string_equal(found(e, "summary:성능"), "1");
}

/* A compound finds itself with or without the space, in either spelling of
 * the query, as a word, a phrase or two words. */
static void relevance_korean_compounds(void **state)
{
    env *e = *state;
    assert_string_equal(found(e, "강화학습"), "2,3");
    assert_string_equal(found(e, "강화 학습"), "2,3");
    assert_string_equal(found(e, "\"강화 학습\""), "2,3");
    assert_string_equal(found(e, "\"강화학습\""), "2,3");
    assert_string_equal(found(e, "강화학습을"), "2,3");
    /* "반성능력" as a compound spans the space in 반성 능력 */
    assert_string_equal(found(e, "반성능력"), "0");
}

/* LLMs and LLM are one term; real words ending in s are left alone. */
static void relevance_acronym_plurals(void **state)
{
    env *e = *state;
    assert_string_equal(found(e, "LLM"), "4,5");
    assert_string_equal(found(e, "LLMs"), "4,5");
    assert_string_equal(found(e, "llms"), "4,5");
    assert_string_equal(found(e, "gas"), "9");
    assert_string_equal(found(e, "bias"), "9");
}

/* GPT-4, GPT4 and "gpt 4" are one spelling; R1 stays a term of its own. */
static void relevance_letter_digit(void **state)
{
    env *e = *state;
    assert_string_equal(found(e, "GPT4"), "6,7");
    assert_string_equal(found(e, "GPT-4"), "6,7");
    assert_string_equal(found(e, "\"gpt 4\""), "6,7");
    assert_string_equal(found(e, "Llama3"), "8");
    assert_string_equal(found(e, "llama-3"), "8");
    assert_string_equal(found(e, "R1"), "8");
    assert_string_equal(found(e, "r"), "");
}

/* The first hit of a query, as a fixture number. */
static int first(env *e, const char *query)
{
    pdx_query *q;
    if (pdx_query_parse(&q, e->s, query, strlen(query)))
        fail_msg("parse '%s': %s", query, pdx_searcher_errmsg(e->s));
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    pdx_results r;
    assert_int_equal(pdx_search(e->s, q, &o, &r), PDX_OK);
    assert_true(r.n > 0);
    pdx_hit_info h;
    assert_int_equal(pdx_hit_get(e->s, r.hits[0].doc, &h), PDX_OK);
    pdx_results_clear(&r);
    pdx_query_free(q);
    return atoi(h.id + 5) - 10000;
}

/* 효율화, 효율적, 효율성 find each other; the form as written ranks first. */
static void relevance_korean_derived(void **state)
{
    env *e = *state;
    assert_string_equal(found(e, "효율화"), "10,11,12");
    assert_string_equal(found(e, "효율적"), "10,11,12");
    assert_string_equal(found(e, "효율성을"), "10,11,12");
    assert_int_equal(first(e, "효율화"), 12);
    assert_int_equal(first(e, "효율화를"), 12);
    assert_int_equal(first(e, "효율성"), 11);
    assert_int_equal(first(e, "효율적인"), 10);
    /* a quoted phrase is matched as written */
    assert_string_equal(found(e, "\"효율화\""), "12");
}

/* The fixture numbers (an id's number less 10000) of query's full
 * matches, the top 10, in rank order, parsed with flags, into out (room
 * for 10); returns how many. */
static size_t ranked_ids(env *e, const char *query, unsigned flags, int out[10])
{
    pdx_query *q;
    if (pdx_query_parse_flags(&q, e->s, query, strlen(query), flags))
        fail_msg("parse '%s': %s", query, pdx_searcher_errmsg(e->s));
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    o.no_partial = true;
    pdx_results r;
    assert_int_equal(pdx_search(e->s, q, &o, &r), PDX_OK);
    size_t n = r.n < 10 ? r.n : 10;
    for (size_t i = 0; i < n; i++) {
        pdx_hit_info h;
        assert_int_equal(pdx_hit_get(e->s, r.hits[i].doc, &h), PDX_OK);
        out[i] = atoi(h.id + 5) - 10000;
    }
    pdx_results_clear(&r);
    pdx_query_free(q);
    return n;
}

/* ranked_ids() as "i,j,k". */
static const char *ranked(env *e, const char *query, unsigned flags)
{
    static char buf[128];
    int ids[10];
    size_t n = ranked_ids(e, query, flags, ids);
    buf[0] = 0;
    for (size_t i = 0; i < n; i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%d", i ? "," : "", ids[i]);
    return buf;
}

/* Rank (from 0) of fixture paper doc among query's full matches, the top
 * 10; -1 when absent. */
static int rank_of(env *e, const char *query, int doc)
{
    int ids[10];
    size_t n = ranked_ids(e, query, PDX_PARSE_DEFAULT, ids);
    for (size_t i = 0; i < n; i++)
        if (ids[i] == doc)
            return (int)i;
    return -1;
}

/* An acronym plural typed in a query also finds the singular, but ranks
 * the papers that write the plural first (issue 10's known-item loss:
 * "LLMs ..." had fallen behind papers that say "LLM" in their titles).
 * Its own small index: a paper that says "LLM" three times, one that says
 * "LLMs" once in a longer summary. */
static void relevance_plural_as_written(void **state)
{
    (void)state;
    char *dir = fx_tmpdir();
    char *idx = fx_path(dir, "p.idx");
    const fx_paper papers[] = {
        {"2502.10000", "A planner", "Kim Lee",
         "One LLM plans, another LLM checks the plan.", 20250101, 1},
        {"2502.10001", "Language models", "Kim Lee",
         "We let LLMs plan long tasks and check each step of the plan twice over.", 20250102,
         1},
        {"2502.10002", "Rewards", "Kim Lee", "No such model here.", 20250103, 1},
    };
    fx_write_index(idx, papers, 3);
    char err[512];
    pdx_index *ix;
    pdx_searcher *s;
    assert_int_equal(pdx_index_open(&ix, idx, err, sizeof err), PDX_OK);
    assert_int_equal(pdx_searcher_new(&s, ix), PDX_OK);
    env e = {dir, ix, s};
    /* both spellings match either query */
    assert_string_equal(ranked(&e, "LLMs plan", 0), "1,0");
    assert_string_equal(ranked(&e, "llms", 0), "1,0");
    /* the singular query has no form to prefer: the denser paper first */
    assert_string_equal(ranked(&e, "LLM plan", 0), "0,1");
    /* the word as written is the group's first clause, the singular an
     * alternative that the lexicon knows the word by */
    pdx_query *q;
    assert_int_equal(pdx_query_parse(&q, s, "LLMs", 4), PDX_OK);
    assert_int_equal(q->n_groups, 1);
    assert_int_equal(q->groups[0].n_clauses, 2);
    assert_string_equal(q->groups[0].clauses[0].slots[0].text, "llms");
    assert_true(q->groups[0].clauses[1].folded && q->groups[0].clauses[1].alternative);
    assert_string_equal(q->groups[0].clauses[1].slots[0].text, "llm");
    pdx_query_free(q);
    pdx_searcher_free(s);
    pdx_index_close(ix);
    fx_rmtree(dir);
    free(idx);
}

/* A plural typed still expands through the lexicon, which knows the word
 * by its singular: three papers state 대형 언어 모델(LLM), one says only
 * 대형 언어 모델, and "LLMs" finds it. Twenty other papers keep both
 * under the expansion's share bound. */
static void relevance_plural_expands(void **state)
{
    (void)state;
    char *dir = fx_tmpdir();
    char *idx = fx_path(dir, "x.idx");
    enum { N = 25 };
    static char ids[N][16];
    fx_paper papers[N];
    static const char *const text[] = {
        "우리는 대형 언어 모델(LLM)을 평가한다.",
        "대형 언어 모델(LLM) 기반 에이전트를 만든다.",
        "작은 대형 언어 모델(LLM)로 요약한다.",
        "대형 언어 모델만 다루는 연구이다.",
        "We study LLMs that plan.",
    };
    for (int i = 0; i < N; i++) {
        snprintf(ids[i], sizeof ids[i], "2503.%05d", 10000 + i);
        papers[i] = (fx_paper){ids[i], "Paper", "Kim Lee", i < 5 ? text[i] : "Filler text.",
                               20250101 + i, 1};
    }
    fx_write_index(idx, papers, N);
    char err[512];
    pdx_index *ix;
    pdx_searcher *s;
    assert_int_equal(pdx_index_open(&ix, idx, err, sizeof err), PDX_OK);
    assert_int_equal(pdx_searcher_new(&s, ix), PDX_OK);
    env e = {dir, ix, s};
    /* the paper that writes "LLMs" first, then the singular's papers, and
     * the Korean-only paper 3 through the lexicon */
    const char *got = ranked(&e, "LLMs", 0);
    if (strncmp(got, "4,", 2) != 0 || !strstr(got, "3"))
        fail_msg("'LLMs' ranked %s", got);
    got = ranked(&e, "LLMs", PDX_PARSE_NO_EXPAND);
    if (strncmp(got, "4,", 2) != 0 || strstr(got, "3"))
        fail_msg("'LLMs' without expansion ranked %s", got);
    pdx_searcher_free(s);
    pdx_index_close(ix);
    fx_rmtree(dir);
    free(idx);
}

/* The index mines 탈옥 = jailbreak from the papers that state it, and a
 * query in one language also finds the paper that uses only the other,
 * ranked below those that use the word as written. --no-expand
 * (PDX_PARSE_NO_EXPAND) turns it off. */
static void relevance_lexicon_cross_language(void **state)
{
    env *e = *state;
    pdx_index_info in;
    pdx_index_info_get(e->ix, &in);
    assert_int_equal(in.lexicon_pairs, 1);
    assert_int_equal(in.lexicon_min_support, 3);
    assert_string_equal(found(e, "탈옥"), "13,14,15,16,17");
    const char *r = ranked(e, "탈옥", PDX_PARSE_DEFAULT);
    assert_int_equal(r[strlen(r) - 1], '6'); /* 16 last */
    assert_string_equal(found(e, "jailbreak"), "13,14,15,16,17");
    r = ranked(e, "jailbreak", PDX_PARSE_DEFAULT);
    assert_int_equal(r[strlen(r) - 1], '7'); /* 17 last */
    char ko[64], en[64];
    snprintf(ko, sizeof ko, "%s", ranked(e, "탈옥", PDX_PARSE_NO_EXPAND));
    snprintf(en, sizeof en, "%s", ranked(e, "jailbreak", PDX_PARSE_NO_EXPAND));
    assert_null(strstr(ko, "16"));
    assert_null(strstr(en, "17"));
    /* what the query expanded to */
    pdx_query *q;
    assert_int_equal(pdx_query_parse(&q, e->s, "탈옥", strlen("탈옥")), PDX_OK);
    assert_int_equal(pdx_query_expansion_count(q), 1);
    pdx_expansion x;
    assert_int_equal(pdx_query_expansion(q, 0, &x), PDX_OK);
    assert_string_equal(x.source, "lexicon");
    assert_int_equal(x.to_len, strlen("jailbreak"));
    assert_memory_equal(x.to, "jailbreak", x.to_len);
    assert_int_equal(x.support, 3);
    assert_true(x.weight > 0 && x.weight < 1);
    assert_int_equal(pdx_query_expansion(q, 1, &x), PDX_EINVAL);
    pdx_query_free(q);
    assert_int_equal(pdx_query_parse_flags(&q, e->s, "탈옥", strlen("탈옥"), PDX_PARSE_NO_EXPAND),
                     PDX_OK);
    assert_int_equal(pdx_query_expansion_count(q), 0);
    pdx_query_free(q);
}

/* A damaged LEXICON section (the manifest's; its checksum made to match,
 * so the index opens) is refused with a message naming it, by --check and
 * by a query whose lookup reads the damage (a search opens the lexicon
 * lazily: here every record's Korean offset). */
static void relevance_lexicon_damaged(void **state)
{
    env *e = *state;
    char *path = fx_path(e->dir, FX_SEARCH_INDEX), *bad = fx_path(e->dir, "bad.idx");
    size_t len;
    char *bytes = fx_read(path, &len);
    assert_non_null(bytes);
    uint8_t *b = (uint8_t *)bytes;
    pdx_section sec[PDX_MSEC_COUNT + 1];
    fx_manifest_sections(b, len, sec);
    const pdx_section *lex = &sec[PDX_MSEC_LEXICON];
    assert_true(lex->len > 16);
    uint32_t n_pairs = pdx_get_u32(b + lex->off + 12);
    assert_true(n_pairs > 0 && lex->len >= 32 + 20 * (uint64_t)n_pairs);
    for (uint32_t i = 0; i < n_pairs; i++) /* past STRINGS */
        pdx_put_u32(b + lex->off + 32 + 16 * (size_t)i, 0xfffffff0u);
    fx_manifest_reseal(b, len);
    fx_write(bad, bytes, len);
    char *seg = pdx_segment_path(path, e->ix->segs[0]->seq);
    char *bad_seg = pdx_segment_path(bad, e->ix->segs[0]->seq);
    size_t seg_len;
    char *seg_bytes = fx_read(seg, &seg_len);
    assert_non_null(seg_bytes);
    fx_write(bad_seg, seg_bytes, seg_len);
    free(seg_bytes);
    free(seg);
    free(bad_seg);
    pdx_index *ix;
    char err[512];
    assert_int_equal(pdx_index_open(&ix, bad, err, sizeof err), PDX_OK);
    assert_int_equal(pdx_index_check(ix), PDX_ECORRUPT);
    assert_non_null(strstr(pdx_index_errmsg(ix), "LEXICON"));
    pdx_searcher *s;
    assert_int_equal(pdx_searcher_new(&s, ix), PDX_OK);
    pdx_query *q;
    assert_int_equal(pdx_query_parse(&q, s, "탈옥", strlen("탈옥")), PDX_ECORRUPT);
    assert_non_null(strstr(pdx_searcher_errmsg(s), "LEXICON"));
    /* the words as written still work */
    assert_int_equal(pdx_query_parse_flags(&q, s, "탈옥", strlen("탈옥"), PDX_PARSE_NO_EXPAND),
                     PDX_OK);
    pdx_query_free(q);
    pdx_searcher_free(s);
    pdx_index_close(ix);
    free(bytes);
    free(path);
    free(bad);
}

/* A word in more than PDX_LEXICON_MAX_DF_SHARE of the papers is not
 * expanded: its other names would cost a union over most of the index for
 * few new papers. Here 탈옥 is in three of four papers. */
static void relevance_lexicon_common_word(void **state)
{
    (void)state;
    static const char *const sums[] = {"탈옥(jailbreak) 공격", "탈옥(jailbreak) 방어",
                                       "탈옥(jailbreak) 데이터", "A jailbreak prompt study."};
    char *dir = fx_tmpdir(), *path = fx_path(dir, "c.idx");
    fx_paper papers[4];
    char ids[4][16];
    for (size_t i = 0; i < 4; i++) {
        snprintf(ids[i], sizeof ids[i], "2502.%05zu", 10000 + i);
        papers[i] = (fx_paper){ids[i], "T", NULL, sums[i], 20250201, 1};
    }
    fx_write_index(path, papers, 4);
    pdx_index *ix;
    char err[256];
    assert_int_equal(pdx_index_open(&ix, path, err, sizeof err), PDX_OK);
    pdx_index_info in;
    pdx_index_info_get(ix, &in);
    assert_int_equal(in.lexicon_pairs, 1);
    pdx_searcher *s;
    assert_int_equal(pdx_searcher_new(&s, ix), PDX_OK);
    pdx_query *q;
    assert_int_equal(pdx_query_parse(&q, s, "탈옥", strlen("탈옥")), PDX_OK);
    assert_int_equal(pdx_query_expansion_count(q), 0);
    pdx_query_free(q);
    pdx_searcher_free(s);
    pdx_index_close(ix);
    free(path);
    fx_rmtree(dir);
}

/* The same bound in papers (PDX_LEXICON_MAX_DF): in a large collection a
 * word under the share but in more than 1,000 papers is not expanded
 * either, so that the union does not grow with the collection. */
static void relevance_lexicon_common_in_papers(void **state)
{
    (void)state;
    enum { N = 6000, WITH = 1010 }; /* 탈옥 in 16.8% of the papers, 1,010 of them */
    assert_true(WITH > PDX_LEXICON_MAX_DF && WITH < PDX_LEXICON_MAX_DF_SHARE * N);
    char *dir = fx_tmpdir(), *path = fx_path(dir, "n.idx");
    fx_paper *papers = calloc(N, sizeof *papers);
    char(*ids)[16] = calloc(N, sizeof *ids);
    assert_true(papers && ids);
    for (size_t i = 0; i < N; i++) {
        snprintf(ids[i], sizeof ids[i], "2503.%05zu", i);
        papers[i] = (fx_paper){ids[i], "T", NULL,
                               i < 3      ? "탈옥(jailbreak) 연구"
                               : i < WITH ? "탈옥 연구"
                                          : "other words here",
                               20250301, 1};
    }
    fx_write_index(path, papers, N);
    pdx_index *ix;
    char err[256];
    assert_int_equal(pdx_index_open(&ix, path, err, sizeof err), PDX_OK);
    pdx_index_info in;
    pdx_index_info_get(ix, &in);
    assert_int_equal(in.lexicon_pairs, 1);
    assert_int_equal(in.docs, N);
    pdx_searcher *s;
    assert_int_equal(pdx_searcher_new(&s, ix), PDX_OK);
    pdx_query *q;
    assert_int_equal(pdx_query_parse(&q, s, "탈옥", strlen("탈옥")), PDX_OK);
    assert_int_equal(pdx_query_expansion_count(q), 0);
    pdx_query_free(q);
    pdx_searcher_free(s);
    pdx_index_close(ix);
    free(papers);
    free(ids);
    free(path);
    fx_rmtree(dir);
}

/* No second hop through an equivalent too common to add: 추론 is both
 * reasoning and inference, and reasoning must not expand to inference
 * through it. 추론 is in 8 of 20 papers (too common), reasoning and
 * inference in 3 each (expanded). */
static void relevance_lexicon_no_hop_through_common(void **state)
{
    (void)state;
    static const char *const sums[] = {
        "추론(reasoning) 능력", "수학 추론(reasoning)", "추론(reasoning) 벤치마크",
        "빠른 추론(inference) 엔진", "추론(inference) 비용", "추론(inference) 가속",
        "추론 연구", "추론 분석"};
    enum { N = 20 };
    char *dir = fx_tmpdir(), *path = fx_path(dir, "h.idx");
    fx_paper papers[N];
    char ids[N][16];
    for (size_t i = 0; i < N; i++) {
        snprintf(ids[i], sizeof ids[i], "2504.%05zu", 10000 + i);
        papers[i] = (fx_paper){ids[i], "T", NULL, i < 8 ? sums[i] : "other words only",
                               20250401, 1};
    }
    fx_write_index(path, papers, N);
    pdx_index *ix;
    char err[256];
    assert_int_equal(pdx_index_open(&ix, path, err, sizeof err), PDX_OK);
    pdx_index_info in;
    pdx_index_info_get(ix, &in);
    assert_int_equal(in.lexicon_pairs, 2);
    pdx_searcher *s;
    assert_int_equal(pdx_searcher_new(&s, ix), PDX_OK);
    pdx_query *q;
    assert_int_equal(pdx_query_parse(&q, s, "reasoning", 9), PDX_OK);
    for (size_t i = 0; i < pdx_query_expansion_count(q); i++) {
        pdx_expansion x;
        assert_int_equal(pdx_query_expansion(q, i, &x), PDX_OK);
        assert_false(x.to_len == 9 && !memcmp(x.to, "inference", 9));
    }
    pdx_query_free(q);
    pdx_searcher_free(s);
    pdx_index_close(ix);
    free(path);
    fx_rmtree(dir);
}


/* Searches query pruned and exhaustively (pdx_search_set_exhaustive) for
 * the top `limit`, partial matches allowed, and fails unless both give
 * the same papers, scores bit for bit and totals. Returns the top paper's
 * doc (PDX_NO_DOC when none). */
static uint32_t same_pruned_and_exhaustive(pdx_searcher *s, const char *query, uint32_t limit)
{
    pdx_query *q;
    if (pdx_query_parse(&q, s, query, strlen(query)))
        fail_msg("parse '%s': %s", query, pdx_searcher_errmsg(s));
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    o.limit = limit;
    pdx_results pr, ex;
    pdx_search_set_exhaustive(s, true);
    assert_int_equal(pdx_search(s, q, &o, &ex), PDX_OK);
    pdx_search_set_exhaustive(s, false);
    assert_int_equal(pdx_search(s, q, &o, &pr), PDX_OK);
    if (pr.n != ex.n || pr.total != ex.total)
        fail_msg("'%s' top %u: pruned %zu hits of %llu, exhaustive %zu of %llu", query, limit,
                 pr.n, (unsigned long long)pr.total, ex.n, (unsigned long long)ex.total);
    for (size_t i = 0; i < pr.n; i++)
        if (pr.hits[i].doc != ex.hits[i].doc || memcmp(&pr.hits[i].score, &ex.hits[i].score,
                                                       sizeof pr.hits[i].score))
            fail_msg("'%s' top %u, rank %zu: pruned doc %u (%.17g), exhaustive doc %u (%.17g)",
                     query, limit, i + 1, pr.hits[i].doc, pr.hits[i].score, ex.hits[i].doc,
                     ex.hits[i].score);
    uint32_t top = pr.n ? pr.hits[0].doc : PDX_NO_DOC;
    pdx_results_clear(&pr);
    pdx_results_clear(&ex);
    pdx_query_free(q);
    return top;
}

/* The equivalent of a two-word span (reward model -> 보상 모델) is one
 * clause in each word's group, and the search reads its lists once for
 * both (search.c share_span_clause()). A paper that only says 보상 모델
 * still matches both words: in full ("reward model"), and in the partial
 * pass ("reward model" and a word no paper has), where it is the last
 * paper, past the lists of the words as written, so that only the shared
 * lists bound its range (block-max): the bound must count both groups,
 * or the range is passed over and the paper lost. Pruned and exhaustive
 * searches must agree. */
static void relevance_span_equivalent_shared(void **state)
{
    (void)state;
    enum { N = 400, PAIRS = 3, REWARD = 60 };
    char *dir = fx_tmpdir(), *path = fx_path(dir, "s.idx");
    fx_paper *papers = calloc(N, sizeof *papers);
    char(*ids)[16] = calloc(N, sizeof *ids);
    assert_true(papers && ids);
    for (size_t i = 0; i < N; i++) {
        snprintf(ids[i], sizeof ids[i], "2505.%05zu", i);
        const char *title = "T", *sum = "other words only";
        if (i < PAIRS) {
            sum = "보상 모델(reward model) 연구";
        } else if (i < PAIRS + REWARD) {
            title = "Reward shaping with reward";
            sum = "Reward shaping: a reward study of reward.";
        } else if (i == N - 1) {
            sum = "보상 모델 학습을 제안한다";
        }
        papers[i] = (fx_paper){ids[i], title, NULL, sum, 20250501, 1};
    }
    fx_write_index(path, papers, N);
    pdx_index *ix;
    char err[256];
    assert_int_equal(pdx_index_open(&ix, path, err, sizeof err), PDX_OK);
    pdx_searcher *s;
    assert_int_equal(pdx_searcher_new(&s, ix), PDX_OK);
    pdx_query *q;
    assert_int_equal(pdx_query_parse(&q, s, "reward model", 12), PDX_OK);
    assert_int_equal(pdx_query_expansion_count(q), 1);
    pdx_query_free(q);
    /* full matches: the three pairs and the Korean-only paper */
    pdx_search_stats_reset(s);
    for (uint32_t limit = 1; limit <= 5; limit++)
        same_pruned_and_exhaustive(s, "reward model", limit);
    assert_true(pdx_search_stats_get(s)->shared_clauses > 0);
    pdx_results r;
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    o.limit = 10;
    assert_int_equal(pdx_query_parse(&q, s, "reward model", 12), PDX_OK);
    assert_int_equal(pdx_search(s, q, &o, &r), PDX_OK);
    assert_int_equal(r.total, PAIRS + 1);
    pdx_results_clear(&r);
    pdx_query_free(q);
    /* partial matches: every heap size, block-max pruning on */
    for (uint32_t limit = 1; limit <= 8; limit++)
        same_pruned_and_exhaustive(s, "reward model zzqx", limit);
    pdx_searcher_free(s);
    pdx_index_close(ix);
    free(papers);
    free(ids);
    free(path);
    fx_rmtree(dir);
}

/* A title says what a paper is about, and titles are English: a Korean
 * query reaches them through its words' equivalents, which count more
 * there than in a summary (search.c PDX_TITLE_ALT_WEIGHT). A paper named
 * after jailbreaks, whose long summary says 탈옥 once, ranks above one
 * whose short summary says it twice in passing; typed in English, the
 * title's own word ranks it first as before. Pruned and exhaustive
 * searches agree. */
static void relevance_title_names_the_topic(void **state)
{
    (void)state;
    enum { N = 40, NAMED = 3, PASSING = 4 };
    fx_paper papers[N];
    static char ids[N][16];
    for (size_t i = 0; i < N; i++) {
        snprintf(ids[i], sizeof ids[i], "2506.%05zu", 10000 + i);
        const char *title = "Other study", *sum = "other words only";
        if (i < NAMED) {
            title = "Prompt study";
            sum = "탈옥(jailbreak) 사례 연구";
        } else if (i == NAMED) {
            title = "Jailbreak Attacks on Chat Models";
            sum = "여러 공격과 방어 방법을 비교하고 그 가운데 탈옥 사례를 모아 많은 모델에서 "
                  "실험하고 결과를 길게 정리한다";
        } else if (i == PASSING) {
            title = "Chat Model Safety";
            sum = "탈옥 예시와 탈옥 사례";
        }
        papers[i] = (fx_paper){ids[i], title, NULL, sum, 20250601, 1};
    }
    fx_search e;
    fx_search_open(&e, papers, N);
    int named = rank_of(&e, "탈옥", NAMED), passing = rank_of(&e, "탈옥", PASSING);
    if (named < 0 || passing < 0 || named > passing)
        fail_msg("탈옥: the paper named after it ranks %d, the one in passing %d", named, passing);
    assert_int_equal(rank_of(&e, "jailbreak", NAMED), 0);
    for (uint32_t limit = 1; limit <= 6; limit++)
        same_pruned_and_exhaustive(e.s, "탈옥", limit);
    fx_search_close(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(relevance_korean_word_boundary),
        cmocka_unit_test(relevance_korean_compounds),
        cmocka_unit_test(relevance_acronym_plurals),
        cmocka_unit_test(relevance_plural_as_written),
        cmocka_unit_test(relevance_plural_expands),
        cmocka_unit_test(relevance_letter_digit),
        cmocka_unit_test(relevance_korean_derived),
        cmocka_unit_test(relevance_lexicon_cross_language),
        cmocka_unit_test(relevance_lexicon_damaged),
        cmocka_unit_test(relevance_lexicon_common_word),
        cmocka_unit_test(relevance_lexicon_common_in_papers),
        cmocka_unit_test(relevance_lexicon_no_hop_through_common),
        cmocka_unit_test(relevance_span_equivalent_shared),
        cmocka_unit_test(relevance_title_names_the_topic),
    };
    return cmocka_run_group_tests_name("relevance", tests, setup, fx_search_teardown);
}
