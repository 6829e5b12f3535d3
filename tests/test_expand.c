/*
 * Tests for query expansion through the lexicon (searcher/expand.c), on
 * what a span of several words decides: that the rarest of its words bounds
 * how common it is, whichever word that is (the bounds are read only once
 * the lexicon holds the span), and so do the bigrams joining its Korean
 * words when every word is common, and that a searcher answering query after
 * query (its lexicon then looked up through the in-memory hash index,
 * common/lexicon.c) expands each query exactly as its first parse did; and
 * on the words of an OR group, each expanded as it would be alone, and of
 * an excluded group, not expanded.
 *
 * The papers are written for these tests: one word (데이터, and "data")
 * in more than PDX_LEXICON_MAX_DF_SHARE of them, two phrases each pairing it
 * with a rare word, once before it and once after it, stated with their
 * English names in three papers each (the lexicon's support threshold), and
 * another Korean name of one of them (자료 증강), which the lexicon reaches
 * through the English one (a hop through a phrase whose first word is
 * common but not its second).
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
#include "lexicon.h"
#include "searcher.h"
#include "paperdex/paperdex.h"
#include "paperdex/search.h"

/* Summaries: 0-2 state 데이터 증강 (common word first), 3-5 합성 데이터
 * (common word last), 6-8 자료 증강, 9-11 say 데이터 alone, 12-17 two
 * one-word names of mask, the rest (up to NDOCS) are about other things. */
static const char *const sums[] = {
    "이미지 데이터 증강(data augmentation) 기법을 비교한다",
    "음성 데이터 증강(Data Augmentation)으로 정확도를 올린다",
    "새로운 데이터 증강(data augmentation) 정책을 찾는다",
    "합성 데이터(synthetic data)로 모델을 학습한다",
    "대규모 합성 데이터(Synthetic Data) 생성 파이프라인",
    "합성 데이터(synthetic data)의 품질을 평가한다",
    "자료 증강(data augmentation)의 효과를 본다",
    "텍스트 자료 증강(Data Augmentation) 연구",
    "적은 자료 증강(data augmentation) 비용",
    "데이터 품질 관리",
    "데이터 수집 도구",
    "데이터 정제 방법",
    "얼굴 마스크(mask)를 쓴 사진을 분류한다",
    "마스크(mask) 예측으로 학습한다",
    "이미지 마스크(mask)를 만든다",
    "가면(mask)을 쓴 배우를 찾는다",
    "전통 가면(mask)의 무늬를 분석한다",
    "가면(mask) 제작 과정을 기록한다",
    "로봇 팔이 물체를 잡는다",
    "그래프 신경망으로 분자를 다룬다",
    "음악 생성 모델을 제안한다",
    "번역 품질을 사람이 평가한다",
    "추천 시스템의 공정성을 분석한다",
    "날씨 예측 정확도를 높인다",
    "의료 영상 분할 방법",
    "코드 생성 벤치마크를 만든다",
    "수학 문제 풀이 능력을 본다",
    "자율 주행 경로 계획을 다룬다",
};
#define NSUMS (sizeof sums / sizeof *sums)
/* Papers: the summaries, then more of the last ones, so that 데이터 (9
 * papers) is past the share and 증강 (6) is not. */
#define NDOCS 40

typedef fx_search env;

static int setup(void **state)
{
    env *e = calloc(1, sizeof *e);
    assert_non_null(e);
    static char ids[NDOCS][16];
    fx_paper papers[NDOCS];
    for (size_t i = 0; i < NDOCS; i++) {
        snprintf(ids[i], sizeof ids[i], "2504.%05zu", 10000 + i);
        papers[i] = (fx_paper){ids[i], "Paper", "Kim Lee", sums[i < NSUMS ? i : NSUMS - 1 - i % 4],
                               20250401, 1};
    }
    fx_search_open(e, papers, NDOCS);
    *state = e;
    return 0;
}

/* q's expansions as "from>to;..." into out (to lower-cased). */
static void expansions_of(const pdx_query *q, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = 0;
    for (size_t i = 0; i < pdx_query_expansion_count(q); i++) {
        pdx_expansion x;
        assert_int_equal(pdx_query_expansion(q, i, &x), PDX_OK);
        int n = snprintf(out + used, cap - used, "%.*s>", (int)x.from_len, x.from);
        assert_true(n > 0 && (size_t)n < cap - used);
        used += (size_t)n;
        for (size_t k = 0; k < x.to_len && used + 1 < cap; k++) {
            char c = x.to[k];
            out[used++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
        }
        assert_true(used + 2 < cap);
        out[used++] = ';';
        out[used] = 0;
    }
}

/* The expansions of query, parsed by e's searcher. */
static void expand(env *e, const char *query, char *out, size_t cap)
{
    pdx_query *q;
    assert_int_equal(pdx_query_parse(&q, e->s, query, strlen(query)), PDX_OK);
    expansions_of(q, out, cap);
    pdx_query_free(q);
}

/* The fixture is what the tests need: 데이터 too common to expand alone,
 * the two phrases in the lexicon. */
static void test_expand__fixture(void **state)
{
    env *e = *state;
    pdx_index_info in;
    pdx_index_info_get(e->ix, &in);
    assert_true(in.lexicon_pairs >= 2);
    assert_true(in.docs == NDOCS && NSUMS < NDOCS);
    assert_true(9.0 > PDX_LEXICON_MAX_DF_SHARE * NDOCS && 6.0 < PDX_LEXICON_MAX_DF_SHARE * NDOCS);
}

/* A span is as common as its rarest word: 데이터 is in 9 of 40 papers, past
 * the share, but 증강 and 합성 in fewer, so both phrases expand, the common
 * word first in one and last in the other; and so is an equivalent ("data"
 * is as common as 데이터, augment is not), which is added, and hopped
 * through to the other Korean name. */
static void test_expand__span_bounded_by_its_rarest_word(void **state)
{
    env *e = *state;
    char got[512];
    expand(e, "데이터 증강", got, sizeof got);
    if (!strstr(got, ">data augmentation;") || !strstr(got, ">자료 증강;"))
        fail_msg("데이터 증강 expanded to \"%s\"", got);
    expand(e, "합성 데이터", got, sizeof got);
    if (!strstr(got, ">synthetic data;"))
        fail_msg("합성 데이터 expanded to \"%s\"", got);
    /* the common word alone is not expanded (nor in the lexicon alone) */
    expand(e, "데이터", got, sizeof got);
    assert_string_equal(got, "");
}

/* The same queries parsed over and over by one searcher: past the lookups
 * after which the lexicon answers through its hash index, every parse
 * expands as the first did (phrases, words alone, keys it lacks). */
static void test_expand__same_expansions_query_after_query(void **state)
{
    env *e = *state;
    static const char *const qs[] = {"데이터 증강", "합성 데이터", "증강", "합성",
                                     "data augmentation", "synthetic data", "데이터",
                                     "로봇 팔", "없는 단어"};
    enum { NQ = sizeof qs / sizeof *qs };
    char first[NQ][512], got[512];
    for (size_t i = 0; i < NQ; i++)
        expand(e, qs[i], first[i], sizeof first[i]);
    assert_non_null(strstr(first[4], ">데이터 증강;"));
    for (int round = 0; round < 10; round++)
        for (size_t i = 0; i < NQ; i++) {
            expand(e, qs[i], got, sizeof got);
            if (strcmp(got, first[i]) != 0)
                fail_msg("round %d, \"%s\": \"%s\", first parse \"%s\"", round, qs[i], got,
                         first[i]);
        }
}

/* A word in the title and the summary of the same papers: 6 of 40, under
 * the share (8), though its title and summary lists hold 12 between them.
 * Two more papers say only its Korean name. And an acronym that two ideas
 * share, each stated in three papers. */
static int setup_two_fields(void **state)
{
    env *e = calloc(1, sizeof *e);
    assert_non_null(e);
    static char ids[NDOCS][16], titles[NDOCS][32];
    fx_paper papers[NDOCS];
    for (size_t i = 0; i < NDOCS; i++) {
        snprintf(ids[i], sizeof ids[i], "2504.%05zu", 20000 + i);
        snprintf(titles[i], sizeof titles[i], i < 6 ? "Zeta Method %zu" : "Paper %zu", i);
        const char *sum = i < 6    ? "제타(zeta) 기법을 다룬다"
                          : i < 8  ? "제타 기법만 다룬다"
                          : i < 11 ? "자동 음성 인식(ASR) 오류를 줄인다"
                          : i < 14 ? "공격 성공률(ASR)을 측정한다"
                                   : sums[18 + i % 10];
        papers[i] = (fx_paper){ids[i], titles[i], "Kim Lee", sum, 20250401, 1};
    }
    fx_search_open(e, papers, NDOCS);
    *state = e;
    return 0;
}

/* The full matches of query on e's searcher, the top 10, into *r. */
static void full_matches(env *e, const char *query, pdx_results *r)
{
    pdx_query *q = fx_search_parse(e, query);
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    o.no_partial = true;
    assert_int_equal(pdx_search(e->s, q, &o, r), PDX_OK);
    pdx_query_free(q);
}

static uint64_t total_of(env *e, const char *query)
{
    pdx_results r;
    full_matches(e, query, &r);
    uint64_t total = r.total;
    pdx_results_clear(&r);
    return total;
}

/* How common a word is counts papers, not a paper once per field: zeta
 * (6 papers, in their titles and summaries) is expanded, with or without a
 * field restriction, so "summary:zeta" never matches more than "zeta"
 * (summed over the fields, zeta was 12 of 40, past the share, and only the
 * restricted query was expanded: 8 papers against 6). */
static void test_expand__common_counts_papers_not_fields(void **state)
{
    env *e = *state;
    char got[512];
    expand(e, "zeta", got, sizeof got);
    if (!strstr(got, ">제타;"))
        fail_msg("zeta expanded to \"%s\"", got);
    expand(e, "summary:zeta", got, sizeof got);
    if (!strstr(got, ">제타;"))
        fail_msg("summary:zeta expanded to \"%s\"", got);
    assert_int_equal(total_of(e, "zeta"), 8);
    assert_int_equal(total_of(e, "summary:zeta"), 8);
}

/* No hop goes through an acronym: 자동 음성 인식 finds ASR, but not through
 * it 공격 성공률 (attack success rate, also ASR); ASR typed finds both. */
static void test_expand__no_hop_through_an_acronym(void **state)
{
    env *e = *state;
    char got[512];
    expand(e, "자동 음성 인식", got, sizeof got);
    if (!strstr(got, ">asr;") || strstr(got, "공격"))
        fail_msg("자동 음성 인식 expanded to \"%s\"", got);
    expand(e, "ASR", got, sizeof got);
    if (!strstr(got, ">자동 음성 인식;") || !strstr(got, ">공격 성공률;"))
        fail_msg("ASR expanded to \"%s\"", got);
}

/* No hop from one term through one term: 가면 finds mask, but not through
 * it 마스크, another one-word name of mask (of the stem, often a spelling
 * of the same word: 마스킹, 마스크드), while 자료 증강 still reaches 데이터
 * 증강 through the phrase data augmentation. */
static void test_expand__no_hop_between_single_words(void **state)
{
    env *e = *state;
    char got[512];
    expand(e, "가면", got, sizeof got);
    if (!strstr(got, ">mask;") || strstr(got, "마스크"))
        fail_msg("가면 expanded to \"%s\"", got);
    expand(e, "mask", got, sizeof got);
    if (!strstr(got, ">가면;") || !strstr(got, ">마스크;"))
        fail_msg("mask expanded to \"%s\"", got);
    expand(e, "자료 증강", got, sizeof got);
    if (!strstr(got, ">데이터 증강;"))
        fail_msg("자료 증강 expanded to \"%s\"", got);
}

/* Papers 0-2 about cameras, titled "Camera ..." and saying 카메라 (a
 * loanword no parenthesis states), the rest about other things. */
static int setup_loanword(void **state)
{
    env *e = calloc(1, sizeof *e);
    assert_non_null(e);
    static char ids[NDOCS][16], titles[NDOCS][32], own[3][64];
    fx_paper papers[NDOCS];
    for (size_t i = 0; i < NDOCS; i++) {
        snprintf(ids[i], sizeof ids[i], "2504.%05zu", 30000 + i);
        snprintf(titles[i], sizeof titles[i], i < 3 ? "Camera Rigs %zu" : "Paper %zu", i);
        if (i < 3)
            snprintf(own[i], sizeof own[i], "카메라 %zu대의 각도를 맞춘다", i + 2);
        papers[i] = (fx_paper){ids[i], titles[i], "Kim Lee", i < 3 ? own[i] : sums[18 + i % 10],
                               20250401, 1};
    }
    fx_search_open(e, papers, NDOCS);
    *state = e;
    return 0;
}

/* A loanword's pair is found by sound and company, not stated: the Korean
 * word a query types finds the English one (카메라: camera), and the
 * English word the Korean one, the sound making it safe both ways (a
 * trial: camera found 25 papers, 카메라 131; docs/LEXICON.md,
 * "Loanwords"); a title-summary pair, found by company alone, is one way
 * (test_expand__title_summary_pair). */
static void test_expand__loanword_both_ways(void **state)
{
    env *e = *state;
    char got[512];
    expand(e, "카메라", got, sizeof got);
    if (!strstr(got, "카메라>camera;"))
        fail_msg("카메라 expanded to \"%s\"", got);
    expand(e, "camera", got, sizeof got);
    if (!strstr(got, "camera>카메라;"))
        fail_msg("camera expanded to \"%s\"", got);
    assert_int_equal(total_of(e, "카메라"), 3);
    assert_int_equal(total_of(e, "camera"), 3);
}

/* Query `with_or`, an alternative added to `alone`, expands as `alone`
 * and finds as many papers (a superset: the added word is in none). */
static void expands_as_alone(env *e, const char *alone, const char *with_or)
{
    char a[512], b[512];
    expand(e, alone, a, sizeof a);
    expand(e, with_or, b, sizeof b);
    if (strcmp(a, b) != 0 || !a[0])
        fail_msg("\"%s\" expanded to \"%s\", \"%s\" to \"%s\"", alone, a, with_or, b);
    uint64_t ta = total_of(e, alone), tb = total_of(e, with_or);
    if (ta != tb)
        fail_msg("\"%s\" finds %llu papers, \"%s\" %llu", alone, (unsigned long long)ta,
                 with_or, (unsigned long long)tb);
}

/* A word that is an alternative of an OR group is expanded as it would be
 * alone, so adding an alternative never loses a paper: zeta finds the two
 * papers that say only 제타, and so do "zeta OR <a word no paper has>" and
 * "zeta OR zeta"; a field restriction, an acronym's two names and a quoted
 * phrase likewise. (Words in an OR group were not expanded: "zeta OR
 * qqqzzz" found 6 papers, zeta alone 8.) */
static void test_expand__or_alternative_expanded_as_alone(void **state)
{
    env *e = *state;
    expands_as_alone(e, "zeta", "zeta OR qqqzzz");
    expands_as_alone(e, "zeta", "qqqzzz OR zeta");
    expands_as_alone(e, "zeta", "zeta OR zeta");
    expands_as_alone(e, "title:zeta", "title:(zeta OR qqqzzz)");
    expands_as_alone(e, "ASR", "ASR OR qqqzzz");
    expands_as_alone(e, "\"자동 음성 인식\"", "\"자동 음성 인식\" OR qqqzzz");
    assert_int_equal(total_of(e, "zeta"), 8);
}

/* An equivalent the OR group already has is not added again: in "zeta OR
 * 제타" each word is the other's, and the query is what was typed. */
static void test_expand__or_group_gets_no_equivalent_it_has(void **state)
{
    env *e = *state;
    char got[512];
    expand(e, "zeta OR 제타", got, sizeof got);
    assert_string_equal(got, "");
    assert_int_equal(total_of(e, "zeta OR 제타"), 8);
}

/* An excluded word is not expanded, alone or in an OR group: "-zeta"
 * excludes the papers that write zeta, and keeps the two that say only
 * 제타 (all eight say 기법). */
static void test_expand__excluded_words_not_expanded(void **state)
{
    env *e = *state;
    char got[512];
    static const char *const qs[] = {"기법 -zeta", "기법 -(zeta OR qqqzzz)",
                                     "기법 NOT (qqqzzz OR zeta)"};
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
        expand(e, qs[i], got, sizeof got);
        if (got[0] || total_of(e, qs[i]) != 2)
            fail_msg("\"%s\": expanded to \"%s\", %llu papers", qs[i], got,
                     (unsigned long long)total_of(e, qs[i]));
    }
}

/* Two Korean words each in more than PDX_LEXICON_MAX_DF_SHARE of the
 * papers (음성 in 10 of 40, 합성 in 10), which name an idea together in 3
 * (음성 합성, speech synthesis); and a span as common as its words (영상
 * 분할 in 9, of which 3 give its English name). */
static int setup_common_words(void **state)
{
    env *e = calloc(1, sizeof *e);
    assert_non_null(e);
    static const char *const own[] = {
        "음성 합성(speech synthesis) 품질을 높인다",
        "새로운 음성 합성(Speech Synthesis) 모델",
        "빠른 음성 합성(speech synthesis) 방법",
        "영상 분할(image segmentation) 기법",
        "의료 영상 분할(Image Segmentation) 연구",
        "위성 영상 분할(image segmentation) 데이터",
    };
    static const char *const other[] = {"로봇 팔이 물체를 잡는다", "그래프 신경망으로 분자를 다룬다",
                                        "음악 생성 모델을 제안한다", "날씨 예측 정확도를 높인다"};
    static char ids[NDOCS][16], sum[NDOCS][96];
    fx_paper papers[NDOCS];
    for (size_t i = 0; i < NDOCS; i++) {
        snprintf(ids[i], sizeof ids[i], "2504.%05zu", 30000 + i);
        if (i < 6)
            snprintf(sum[i], sizeof sum[i], "%s", own[i]);
        else if (i < 13)
            snprintf(sum[i], sizeof sum[i], "음성 인식 오류 %zu", i);
        else if (i < 20)
            snprintf(sum[i], sizeof sum[i], "이미지 합성 기법 %zu", i);
        else if (i < 26)
            snprintf(sum[i], sizeof sum[i], "영상 분할 모델 %zu", i);
        else
            snprintf(sum[i], sizeof sum[i], "%s", other[i % 4]);
        papers[i] = (fx_paper){ids[i], "Paper", "Kim Lee", sum[i], 20250401, 1};
    }
    fx_search_open(e, papers, NDOCS);
    *state = e;
    return 0;
}

/* How many pairs e's lexicon has for the Korean terms `key` (joined by
 * spaces, the lexicon's form). */
static uint32_t ko_pairs(env *e, const char *key)
{
    const pdx_lexicon *lx;
    uint32_t first, count;
    assert_int_equal(pdx_index_lexicon(e->ix, &lx), PDX_OK);
    assert_non_null(lx);
    assert_int_equal(pdx_lexicon_find(lx, PDX_LEX_KO, key, strlen(key), &first, &count), PDX_OK);
    return count;
}

/* A span is judged by the papers it is in, not by its commonest word: the
 * spaced 음성 합성 (3 papers) expands as 음성합성 does, though each of its
 * words is past the share. (Judged by its words, the spaced span was not
 * expanded.) A span in too many papers is still not, spaced or not: 영상
 * 분할, in 9 of 40. */
static void test_expand__span_judged_by_its_own_papers(void **state)
{
    env *e = *state;
    char spaced[512], joined[512];
    assert_true(ko_pairs(e, "음성 성합 합성") > 0 && ko_pairs(e, "영상 상분 분할") > 0);
    expand(e, "음성 합성", spaced, sizeof spaced);
    expand(e, "음성합성", joined, sizeof joined);
    if (!strstr(spaced, ">speech synthesis;") || !strstr(joined, ">speech synthesis;"))
        fail_msg("음성 합성 expanded to \"%s\", 음성합성 to \"%s\"", spaced, joined);
    /* 음성 alone is past the share: not its pairs, the glossary's
     * speech, in fewer papers (glossary.c) */
    expand(e, "음성", spaced, sizeof spaced);
    assert_string_equal(spaced, "음성>speech;");
    expand(e, "영상 분할", spaced, sizeof spaced);
    expand(e, "영상분할", joined, sizeof joined);
    /* (typed closed, its hyphenated spelling; spaced, the glossary's words
     * for each word; both, the phrase those compose, which is judged by its
     * own papers (expand.c part_words); not the span's pairs) */
    if (strcmp(spaced, "영상>image;분할>segmentation;영상 분할>image segmentation;") ||
        strcmp(joined, "영상분할>영상-분할;영상분할>image segmentation;"))
        fail_msg("영상 분할 expanded to \"%s\", 영상분할 to \"%s\"", spaced, joined);
    /* --explain names what the lexicon has but would not add, as typed,
     * unless the glossary gave it a word (영상, 분할을: image,
     * segmentation; a word with none is named: test_expand__noun_of_a_derived_form);
     * not a word it has nothing for (분자) nor one it expanded */
    pdx_query *q = fx_search_parse(e, "영상 분할을 분자 음성 합성");
    assert_string_equal(pdx_query_too_common(q), "");
    /* and the words searched as typed only: 분자, not a too common one */
    assert_string_equal(pdx_query_as_typed(q), "분자");
    pdx_query_free(q);
    assert_string_equal(pdx_query_too_common(NULL), "");
    assert_string_equal(pdx_query_as_typed(NULL), "");
}

/* Opens into *state an index of NDOCS papers: the n summaries `own` first,
 * then unrelated ones of sums (from the 13th, cycling over `fill`), the
 * ids counting from id_base. */
static int setup_own(void **state, const char *const *own, size_t n, size_t id_base, size_t fill)
{
    env *e = calloc(1, sizeof *e);
    assert_non_null(e);
    static char ids[NDOCS][16];
    fx_paper papers[NDOCS];
    for (size_t i = 0; i < NDOCS; i++) {
        snprintf(ids[i], sizeof ids[i], "2504.%05zu", id_base + i);
        papers[i] = (fx_paper){ids[i], "Paper", "Kim Lee", i < n ? own[i] : sums[12 + i % fill],
                               20250401, 1};
    }
    fx_search_open(e, papers, NDOCS);
    *state = e;
    return 0;
}

/* Names whose words end like a particle, each stated in three papers:
 * one with 의 inside (문장의 구조), one ending in 주의 (상호 주의). */
static int setup_particles(void **state)
{
    static const char *const own[] = {
        "문장의 구조(sentence structure)를 분석한다", "긴 문장의 구조(Sentence Structure) 연구",
        "문장의 구조(sentence structure) 파서",      "상호 주의(mutual attention) 모듈",
        "새 상호 주의(Mutual Attention) 구조",       "상호 주의(mutual attention)로 정렬한다",
    };
    return setup_own(state, own, sizeof own / sizeof *own, 40000, 6);
}

/* The lexicon keys a name as the digests write it (the miner drops no
 * particle), where the query drops what looks like one from a word: a
 * span is also keyed with those words as written, so spaced, unspaced and
 * with a particle after it, a name is found alike. (Keyed only without
 * them, "문장의 구조" looked up 문장 구조 and "상호주의" 상호주: neither
 * was expanded.) */
static void test_expand__span_keyed_as_written_too(void **state)
{
    env *e = *state;
    static const char *const qs[][2] = {
        {"문장의 구조", ">sentence structure;"}, {"문장의구조", ">sentence structure;"},
        {"문장의 구조를", ">sentence structure;"}, {"상호 주의", ">mutual attention;"},
        {"상호주의", ">mutual attention;"}};
    char got[512];
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
        expand(e, qs[i][0], got, sizeof got);
        if (!strstr(got, qs[i][1]))
            fail_msg("\"%s\" expanded to \"%s\"", qs[i][0], got);
    }
}

/* One Korean name, 시각 정렬, always written with its space, in 9 of 40
 * papers (past the share), stated as two English names in three papers
 * each (visual alignment, image alignment). */
static int setup_spaced_pivot(void **state)
{
    static const char *const own[] = {"시각 정렬(visual alignment) 손실", "시각 정렬(Visual Alignment) 모듈",
                                      "시각 정렬(visual alignment) 평가", "시각 정렬(image alignment) 기법",
                                      "시각 정렬(Image Alignment) 연구", "시각 정렬(image alignment) 방법",
                                      "시각 정렬 오류 분석", "시각 정렬 데이터", "시각 정렬 속도"};
    return setup_own(state, own, sizeof own / sizeof *own, 50000, 6);
}

/* No hop goes through an equivalent too common to be added, counting the
 * papers that write a Korean name with its space: visual alignment's
 * equivalent 시각 정렬 (9 of 40) is not added, nor image alignment through
 * it. (Judged by its terms as the lexicon joins them, 시각 각정 정렬, the
 * pivot's bigram 각정 was in no paper, as all write "각 정", and the hop
 * was taken.) */
static void test_expand__no_hop_through_a_common_spaced_pivot(void **state)
{
    env *e = *state;
    char got[512];
    assert_true(ko_pairs(e, "시각 각정 정렬") >= 2);
    expand(e, "visual alignment", got, sizeof got);
    assert_string_equal(got, "");
}

/* 사전 학습 stated as "pre-training" in three papers, written alone in a
 * fourth, "pretraining" in a fifth; the rest about other things. */
static int setup_spelling(void **state)
{
    static const char *const own[] = {"사전 학습(pre-training) 방법", "사전 학습(Pre-training) 연구",
                                      "사전 학습(pre-training) 분석", "사전 학습 데이터 수집",
                                      "we study pretraining at scale"};
    return setup_own(state, own, sizeof own / sizeof *own, 60000, 10);
}

/* The lexicon may know an English compound by its other spelling only: a
 * check found "pretraining" 160 papers and "pre-training" 382, only the
 * second getting 사전 학습. Each spelling now finds the other's
 * equivalents, with a particle glued to it too. */
static void test_expand__other_spelling_keys_the_lexicon(void **state)
{
    env *e = *state;
    char got[512];
    static const char *const qs[] = {"pretraining", "pre-training", "pretraining을"};
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
        expand(e, qs[i], got, sizeof got);
        if (!strstr(got, ">사전 학습;") || total_of(e, qs[i]) != 5)
            fail_msg("\"%s\": expanded to \"%s\", %llu papers", qs[i], got,
                     (unsigned long long)total_of(e, qs[i]));
    }
    /* an excluded word is listed as expanded in no form; it excludes both
     * spellings, not the Korean name (the paper writing 사전 학습 alone) */
    expand(e, "데이터 -pretraining", got, sizeof got);
    assert_string_equal(got, "");
    assert_int_equal(total_of(e, "데이터 -pretraining"), 1);
}

/* The English equivalent of a Korean name brings its other spelling, as a
 * word typed does: 사전 학습 finds "pre-training" and also the paper that
 * writes "pretraining" (a trial: 멀티모달 RAG missed VisRAG, which writes
 * multi-modality, where multimodal RAG found it). */
static void test_expand__equivalent_brings_its_spelling(void **state)
{
    env *e = *state;
    char got[512];
    expand(e, "사전 학습", got, sizeof got);
    if (!strstr(got, ">pre-training;") || !strstr(got, ">pretraining;"))
        fail_msg("사전 학습 expanded to \"%s\"", got);
    assert_int_equal(total_of(e, "사전 학습"), 5);
    /* not without expansion */
    pdx_query *q;
    assert_int_equal(pdx_query_parse_flags(&q, e->s, "사전 학습", strlen("사전 학습"),
                                           PDX_PARSE_NO_EXPAND),
                     PDX_OK);
    assert_int_equal(pdx_query_expansion_count(q), 0);
    pdx_query_free(q);
}

/* A long form of five words with a function word, stated for its acronym
 * in three papers; a fourth writes the acronym alone. */
static int setup_long_name(void **state)
{
    static const char *const own[] = {
        "Reinforcement Learning from Human Feedback (RLHF) 로 정렬한다",
        "RLHF(Reinforcement Learning from Human Feedback) 분석",
        "Reinforcement Learning from Human Feedback (RLHF) 비용", "we tune with RLHF only"};
    return setup_own(state, own, sizeof own / sizeof *own, 80000, 10);
}

/* A span of five words is looked up (as many as a mined English side: it
 * stopped at four), its function word counted in the span and then left
 * out of the query, the equivalent's weight split among the other four. */
static void test_expand__long_span_with_a_function_word(void **state)
{
    env *e = *state;
    char got[512];
    const char *query = "reinforcement learning from human feedback";
    expand(e, query, got, sizeof got);
    if (!strstr(got, ">rlhf;"))
        fail_msg("expanded to \"%s\"", got);
    assert_int_equal(total_of(e, query), 4);
    pdx_query *q = fx_search_parse(e, query);
    assert_int_equal(q->n_groups, 4);
    double sum = 0;
    for (uint32_t g = 0; g < q->n_groups; g++)
        for (uint32_t k = 0; k < q->groups[g].n_clauses; k++)
            if (q->groups[g].clauses[k].alternative)
                sum += q->groups[g].clauses[k].weight;
    assert_true(sum > PDX_LEXICON_WEIGHT - 1e-9 && sum < PDX_LEXICON_WEIGHT + 1e-9);
    pdx_query_free(q);
}

/* An acronym stated with its long form in three papers, each written
 * alone in one more, and a Korean name of the idea stated once (too few
 * to be a pair) and written alone in a sixth. */
static int setup_acronym(void **state)
{
    static const char *const own[] = {
        "Low-Rank Adaptation (LoRA) 으로 미세 조정한다", "LoRA(Low-Rank Adaptation) 어댑터",
        "저랭크 적응(Low-Rank Adaptation, LoRA) 분석", "we merge many LoRA modules",
        "a study of low-rank adaptation ranks", "저랭크 적응 방법을 비교한다"};
    return setup_own(state, own, sizeof own / sizeof *own, 70000, 10);
}

/* The long form and the acronym find each other's papers (the long form
 * is looked up on the lexicon's Korean side, where its pair keeps it):
 * five each, not the sixth's Korean name. */
static void test_expand__acronym_and_long_form(void **state)
{
    env *e = *state;
    char got[512];
    expand(e, "low-rank adaptation", got, sizeof got);
    if (!strstr(got, ">lora;") || total_of(e, "low-rank adaptation") != 5)
        fail_msg("long form: expanded to \"%s\", %llu papers", got,
                 (unsigned long long)total_of(e, "low-rank adaptation"));
    expand(e, "LoRA", got, sizeof got);
    if (!strstr(got, ">low-rank adaptation;") || total_of(e, "LoRA") != 5)
        fail_msg("acronym: expanded to \"%s\", %llu papers", got,
                 (unsigned long long)total_of(e, "LoRA"));
}

/* An English long form with four Korean names (three papers each) and an
 * acronym (four papers), and a paper that writes only the acronym. */
static int setup_many_names(void **state)
{
    static const char *const own[] = {
        "가나 다라(Chain-of-Thought) 1", "가나 다라(Chain-of-Thought) 2",
        "가나 다라(Chain-of-Thought) 3", "마바 사아(Chain-of-Thought) 1",
        "마바 사아(Chain-of-Thought) 2", "마바 사아(Chain-of-Thought) 3",
        "자차 카타(Chain-of-Thought) 1", "자차 카타(Chain-of-Thought) 2",
        "자차 카타(Chain-of-Thought) 3", "파하 가라(Chain-of-Thought) 1",
        "파하 가라(Chain-of-Thought) 2", "파하 가라(Chain-of-Thought) 3",
        "Chain-of-Thought (CoT) a", "Chain-of-Thought (CoT) b", "Chain-of-Thought (CoT) c",
        "Chain-of-Thought (CoT) d", "we prompt with CoT only"};
    /* 100 papers, so that the 16 holding the long form are under the
     * share past which a word is not expanded */
    enum { N = 100 };
    env *e = calloc(1, sizeof *e);
    assert_non_null(e);
    static char ids[N][16];
    static fx_paper papers[N];
    for (size_t i = 0; i < N; i++) {
        snprintf(ids[i], sizeof ids[i], "2504.%05zu", 90000 + i);
        papers[i] = (fx_paper){ids[i], "Paper", "Kim Lee",
                               i < sizeof own / sizeof *own ? own[i] : sums[12 + i % 10],
                               20250401, 1};
    }
    fx_search_open(e, papers, N);
    *state = e;
    return 0;
}

/* The most stated equivalents are kept, whichever side of the lexicon
 * they were found on: the acronym (4 papers) before the Korean names (3
 * each), so the paper writing only CoT is found (a check found
 * chain-of-thought 95 papers, CoT 113, its four Korean names kept). */
static void test_expand__most_stated_equivalents_kept(void **state)
{
    env *e = *state;
    char got[512];
    expand(e, "chain-of-thought", got, sizeof got);
    if (strncmp(got, "Chain-of-Thought>cot;", strlen("Chain-of-Thought>cot;")) != 0 ||
        total_of(e, "chain-of-thought") != 17)
        fail_msg("expanded to \"%s\", %llu papers", got,
                 (unsigned long long)total_of(e, "chain-of-thought"));
}

/* A Korean name the papers state only with a hyphen, in three papers, its
 * acronym alone in a fourth, the name spaced in a fifth. */
static int setup_hyphened(void **state)
{
    static const char *const own[] = {"시각-언어 모델(VLM)을 평가한다", "작은 시각-언어 모델(VLM) 학습",
                                      "시각-언어 모델(VLM)의 환각", "a VLM for charts",
                                      "시각 언어 모델 조사"};
    return setup_own(state, own, sizeof own / sizeof *own, 80000, 10);
}

/* Typed with the hyphen or spaced, the name finds its pair, keyed
 * without the bridge bigram at the hyphen (a check found `시각 언어 모델`
 * and `시각-언어 모델` 370 papers each without it, 509 with it). */
static void test_expand__hyphened_korean_name(void **state)
{
    env *e = *state;
    char got[512];
    static const char *const qs[] = {"시각-언어 모델", "시각 언어 모델"};
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
        expand(e, qs[i], got, sizeof got);
        if (!strstr(got, ">vlm;") || total_of(e, qs[i]) != 5)
            fail_msg("\"%s\": expanded to \"%s\", %llu papers", qs[i], got,
                     (unsigned long long)total_of(e, qs[i]));
    }
    /* typed closed, it is keyed without one inner bigram too (a trial:
     * 검색증강생성 found 3 papers, 검색 증강 생성 94) */
    expand(e, "시각언어모델", got, sizeof got);
    if (!strstr(got, ">vlm;") || total_of(e, "시각언어모델") < 4)
        fail_msg("\"시각언어모델\": expanded to \"%s\", %llu papers", got,
                 (unsigned long long)total_of(e, "시각언어모델"));
}

/* Two Korean words each stated with an English word in three papers, and
 * never together: a paper that writes their English phrase only, one that
 * writes the Korean words, one that writes the English words apart; a
 * third word, and a span it starts, each stated in three papers. */
static int setup_composed(void **state)
{
    static const char *const own[] = {
        "음악(music)을 만든다",      "새 음악(music) 모음",      "음악(music) 취향 분석",
        "생성(generation) 기법",     "빠른 생성(generation) 연구", "생성(generation) 품질",
        "we study music generation", "음악 생성 도구를 만든다",  "the music of a generation",
        "품질(quality) 관리",         "품질(quality) 기준",        "높은 품질(quality)",
        "품질 평가(quality assessment) 방법", "자동 품질 평가(quality assessment)",
        "품질 평가(quality assessment) 도구", "the generation quality is high",
        "평가(evaluation) 방법",      "평가(evaluation) 기준",      "새 평가(evaluation)",
        "a quality evaluation paper", "음악평가 결과를 본다", "a music evaluation study",
    };
    return setup_own(state, own, sizeof own / sizeof *own, 95000, 10);
}

/* Korean words typed side by side that the lexicon knows one by one get
 * the English phrase they compose (a trial: 음악 생성 music generation,
 * 가우시안 스플래팅 gaussian splatting), as an equivalent of both: the
 * English-only paper is found, and ranks above the one with the English
 * words apart. Not with a word or a filter between them. */
static void test_expand__composed_pair(void **state)
{
    env *e = *state;
    char got[512];
    expand(e, "음악 생성", got, sizeof got);
    if (!strstr(got, "음악 생성>music generation;"))
        fail_msg("\"음악 생성\": expanded to \"%s\"", got);
    pdx_results r;
    full_matches(e, "음악 생성", &r);
    int english = -1, apart = -1;
    for (size_t i = 0; i < r.n; i++) {
        pdx_hit_info h;
        assert_int_equal(pdx_hit_get(e->s, r.hits[i].doc, &h), PDX_OK);
        if (strstr(h.summary, "music generation"))
            english = (int)i;
        if (strstr(h.summary, "music of a generation"))
            apart = (int)i;
    }
    pdx_results_clear(&r);
    assert_true(english >= 0 && (apart < 0 || english < apart));
    /* a word typed twice, with two particles, is noted once */
    expand(e, "음악을 음악이", got, sizeof got);
    if (strcmp(got, "음악>music;"))
        fail_msg("\"음악을 음악이\": expanded to \"%s\"", got);
    expand(e, "음악 새 생성", got, sizeof got);
    assert_null(strstr(got, "music generation"));
    expand(e, "음악 date:2025 생성", got, sizeof got); /* apart, a filter between */
    assert_null(strstr(got, "music generation"));
    /* not across a stated span's boundary: 품질 평가 is quality assessment,
     * and 생성 품질 no name */
    expand(e, "생성 품질 평가", got, sizeof got);
    if (!strstr(got, ">quality assessment;") || strstr(got, "generation quality"))
        fail_msg("\"생성 품질 평가\": expanded to \"%s\"", got);
    expand(e, "생성 품질", got, sizeof got); /* alone, the pair is composed */
    if (!strstr(got, "생성 품질>generation quality;"))
        fail_msg("\"생성 품질\": expanded to \"%s\"", got);
    /* typed closed, the same (a trial: 자율주행 -> autonomous driving), and
     * the English-only paper is found; a compound the lexicon knows whole
     * (품질평가) keeps its own pair only, not its parts' quality evaluation */
    expand(e, "음악생성", got, sizeof got); /* and its hyphenated spelling (query.c) */
    if (strcmp(got, "음악생성>음악-생성;음악생성>music generation;") ||
        total_of(e, "음악생성") < 2)
        fail_msg("\"음악생성\": expanded to \"%s\", %llu papers", got,
                 (unsigned long long)total_of(e, "음악생성"));
    expand(e, "품질평가", got, sizeof got);
    if (strcmp(got, "품질평가>품질-평가;품질 평가>quality assessment;"))
        fail_msg("\"품질평가\": expanded to \"%s\"", got);
    /* a compound some paper writes closed stays one word, and composes,
     * with each glossary sense of a part too (평가: assessment) */
    expand(e, "음악평가", got, sizeof got);
    if (strcmp(got, "음악평가>음악-평가;음악평가>music evaluation;음악평가>music assessment;"))
        fail_msg("\"음악평가\": expanded to \"%s\"", got);
    /* a Korean word beside an English one, in either order, composes too
     * (a trial's mixed queries: 비디오 generation, 코드 generation); the
     * English-only paper is found through it; two English words do not */
    expand(e, "음악 generation", got, sizeof got);
    if (!strstr(got, "음악 generation>music generation;") ||
        total_of(e, "음악 generation") < 2)
        fail_msg("\"음악 generation\": expanded to \"%s\", %llu papers", got,
                 (unsigned long long)total_of(e, "음악 generation"));
    expand(e, "music 평가", got, sizeof got);
    if (!strstr(got, "music 평가>music evaluation;"))
        fail_msg("\"music 평가\": expanded to \"%s\"", got);
    expand(e, "quality music", got, sizeof got);
    assert_null(strstr(got, "quality music"));
    /* nor with a function word, no word of a name (the papers hold "music
     * of") */
    expand(e, "음악 of 생성", got, sizeof got);
    if (strstr(got, "music of") || strstr(got, "of generation"))
        fail_msg("\"음악 of 생성\": expanded to \"%s\"", got);
}

/* Two Korean words and a loanword stated with their English words in
 * three papers each (음악 music, 생성 generation, 캐시 cache), never
 * together; papers that write the English compound with a hyphen, its
 * Korean phrase spaced and with a hyphen, the words the other way round,
 * and "KV 캐시" (an acronym and a Korean word). */
static int setup_hyphened_english(void **state)
{
    static const char *const own[] = {
        "음악(music)을 만든다",        "새 음악(music) 모음",       "음악(music) 취향 분석",
        "생성(generation) 기법",       "빠른 생성(generation) 연구", "생성(generation) 품질",
        "캐시(cache) 크기를 정한다",   "캐시(cache) 관리",          "빠른 캐시(cache) 교체",
        "we study music-generation",   "음악 생성 도구를 만든다",   "음악-생성 과제를 푼다",
        "생성 음악을 듣는다",          "KV 캐시 압축 기법",         "a KV-cache study",
        "캐시 KV 순서",              "a fast cache study",
    };
    return setup_own(state, own, sizeof own / sizeof *own, 96000, 6);
}

/* Has the search for query, full matches only, a paper whose summary holds
 * `text`? */
static bool finds(env *e, const char *query, const char *text)
{
    pdx_results r;
    full_matches(e, query, &r);
    bool found = false;
    for (size_t i = 0; i < r.n && !found; i++) {
        pdx_hit_info h;
        assert_int_equal(pdx_hit_get(e->s, r.hits[i].doc, &h), PDX_OK);
        found = strstr(h.summary, text) != NULL;
    }
    pdx_results_clear(&r);
    return found;
}

/* An English compound typed with hyphens is a phrase the lexicon knows
 * only whole: `KV-cache` found none of the digests' "KV 캐시", which `KV
 * cache` typed apart finds. It gets the Korean phrases its parts compose,
 * written with the hyphens and spaced, an acronym part as typed and a
 * function word dropped: the Korean papers are found, in order, after the
 * English one; not the words the other way round, not when quoted or
 * excluded, nor when a part has no Korean word or one part is left. */
static void test_expand__hyphened_english_composes(void **state)
{
    env *e = *state;
    char got[512];
    expand(e, "music-generation", got, sizeof got);
    if (!strstr(got, "music-generation>음악-생성;") || !strstr(got, "music-generation>음악 생성;"))
        fail_msg("\"music-generation\": expanded to \"%s\"", got);
    assert_true(finds(e, "music-generation", "음악 생성 도구"));
    assert_true(finds(e, "music-generation", "음악-생성 과제"));
    assert_false(finds(e, "music-generation", "생성 음악"));
    assert_int_equal(total_of(e, "music-generation"), 3);
    expand(e, "music-to-generation", got, sizeof got); /* no "to" in Korean */
    if (!strstr(got, "music-to-generation>음악-생성;"))
        fail_msg("\"music-to-generation\": expanded to \"%s\"", got);
    expand(e, "KV-cache", got, sizeof got); /* KV stays as typed */
    if (strcmp(got, "KV-cache>kv-캐시;"))
        fail_msg("\"KV-cache\": expanded to \"%s\"", got);
    assert_true(finds(e, "KV-cache", "KV 캐시 압축"));
    /* an editor's hyphen (U+2010) or en dash is a hyphen too */
    expand(e, "KV\u2010cache", got, sizeof got);
    if (strcmp(got, "KV\u2010cache>kv-캐시;"))
        fail_msg("\"KV\u2010cache\": expanded to \"%s\"", got);
    expand(e, "music\u2013generation", got, sizeof got);
    if (!strstr(got, ">음악 생성;"))
        fail_msg("\"music\u2013generation\": expanded to \"%s\"", got);
    assert_false(finds(e, "KV-cache", "캐시 KV"));
    expand(e, "\"music-generation\"", got, sizeof got); /* quoted: as typed */
    assert_null(strstr(got, "음악"));
    expand(e, "캐시 -music-generation", got, sizeof got);
    assert_null(strstr(got, "음악"));
    expand(e, "fast-cache", got, sizeof got); /* fast has no Korean word */
    assert_null(strstr(got, "캐시"));
    expand(e, "in-music", got, sizeof got); /* one part left: a word, not a phrase */
    assert_null(strstr(got, "in-music>"));
}

/* A title-summary pair one way only (papers titled "Landscape ..." say
 * 풍경, which many other summaries say too: 풍경 is no safe name of
 * landscape both ways), 편집 (editing) and 캐시 (cache) stated, and one paper
 * that writes 풍경 편집. */
static int setup_guessed_pair(void **state)
{
    enum { N = 300, TITLED = 6, LOOSE = 20, STATED = 3 };
    env *e = calloc(1, sizeof *e);
    assert_non_null(e);
    static char ids[N][16], titles[N][40], own[TITLED + LOOSE][64];
    fx_paper papers[N];
    for (size_t i = 0; i < N; i++) {
        snprintf(ids[i], sizeof ids[i], "2508.%05zu", i);
        snprintf(titles[i], sizeof titles[i], "Study %zu", i);
        const char *sum = sums[12 + i % 10];
        if (i < TITLED + LOOSE) {
            if (i < TITLED)
                snprintf(titles[i], sizeof titles[i], "Landscape Work %zu", i);
            snprintf(own[i], sizeof own[i], "풍경 %zu", i);
            sum = own[i];
        } else if (i < TITLED + LOOSE + STATED) {
            sum = "편집(editing) 도구를 비교한다";
        } else if (i < TITLED + LOOSE + 2 * STATED) {
            sum = "캐시(cache) 크기를 정한다";
        } else if (i == TITLED + LOOSE + 2 * STATED) {
            sum = "풍경 편집 도구를 만든다";
        }
        papers[i] = (fx_paper){ids[i], titles[i], "Kim Lee", sum, 20250801, 1};
    }
    fx_search_open(e, papers, N);
    *state = e;
    return 0;
}

/* A part's Korean word from a pair found by company, one way (a guess),
 * places it in a composed phrase only when some paper writes the phrase:
 * `landscape-editing` finds the paper writing 풍경 편집; `landscape-cache`
 * gets no 풍경 캐시, which no paper writes (a review: end-to-end composed
 * 개방형-개방형, end's partner being open-ended's). */
static void test_expand__hyphened_guess_checked(void **state)
{
    env *e = *state;
    char got[512];
    expand(e, "풍경", got, sizeof got);
    if (!strstr(got, "풍경>landscape;"))
        fail_msg("the fixture's pair is missing: 풍경 expanded to \"%s\"", got);
    expand(e, "landscape", got, sizeof got);
    assert_null(strstr(got, "풍경")); /* one way */
    expand(e, "landscape-editing", got, sizeof got);
    if (!strstr(got, "landscape-editing>풍경 편집;"))
        fail_msg("\"landscape-editing\": expanded to \"%s\"", got);
    assert_true(finds(e, "landscape-editing", "풍경 편집 도구"));
    expand(e, "landscape-cache", got, sizeof got);
    assert_null(strstr(got, "풍경"));
}

/* A name of three words stated with its English name in three papers
 * each: 자동 음성 인식 (Automatic Speech Recognition), whose head no
 * parenthesis states, and 대형 다국어 모델 (Large Multilingual Models),
 * whose word 다국어 has a pair of its own (다국어(multilingual), three
 * papers); papers that write the head alone in Korean (음성 인식) and in
 * English (speech recognition). */
static int setup_heads(void **state)
{
    static const char *const own[] = {
        "자동 음성 인식(Automatic Speech Recognition) 오류를 줄인다",
        "잡음 속 자동 음성 인식(automatic speech recognition) 연구",
        "자동 음성 인식(Automatic Speech Recognition) 벤치마크",
        "대형 다국어 모델(Large Multilingual Models)을 평가한다",
        "새 대형 다국어 모델(large multilingual models) 비교",
        "대형 다국어 모델(Large Multilingual Models) 조사",
        "다국어(multilingual) 번역", "다국어(multilingual) 말뭉치", "다국어(multilingual) 검색",
        "방언의 음성 인식 성능을 분석한다", "we study speech recognition on phones",
    };
    return setup_own(state, own, sizeof own / sizeof *own, 90000, 10);
}

/* The head of a stated name is a pair of its own, marked as such: speech
 * recognition finds the paper that writes only 음성 인식 and the other way
 * round; and it hides no equivalent of its words, which the name's pair
 * would (a span's pair is used instead of its words'): 다국어 모델 still
 * gets 다국어's multilingual. (Without heads, speech recognition found 4
 * papers, 음성 인식 4.) */
static void test_expand__head_of_a_stated_name(void **state)
{
    env *e = *state;
    char got[512];
    expand(e, "speech recognition", got, sizeof got);
    if (!strstr(got, ">음성 인식;"))
        fail_msg("speech recognition expanded to \"%s\"", got);
    assert_int_equal(total_of(e, "speech recognition"), 5); /* 0-2, 9, 10 */
    assert_int_equal(total_of(e, "음성 인식"), 5);
    pdx_query *q = fx_search_parse(e, "음성 인식");
    pdx_expansion x;
    assert_int_equal(pdx_query_expansion(q, 0, &x), PDX_OK);
    assert_string_equal(x.source, "head");
    assert_int_equal(x.support, 3);
    pdx_query_free(q);
    expand(e, "다국어 모델", got, sizeof got);
    if (!strstr(got, "다국어 모델>multilingual models;") || !strstr(got, "다국어>multilingual;"))
        fail_msg("다국어 모델 expanded to \"%s\"", got);
    /* the stated name is no head */
    q = fx_search_parse(e, "자동 음성 인식");
    assert_int_equal(pdx_query_expansion(q, 0, &x), PDX_OK);
    assert_string_equal(x.source, "lexicon");
    pdx_query_free(q);
}

/* 250 papers: 0-4 say 탈옥 under the title Jailbreak, 5 says neither
 * but is titled Jailbreaking, 30-33 are titled Jailbreak attacks and say
 * other things; 10-14
 * say 음성 under Speech; 20-22 state 자동 음성 인식(Automatic Speech
 * Recognition), so 음성 인식 is a head; 50-54 say 분산 under Variance,
 * 60-79 say 분산 under other titles; the rest, titled Paper, say other
 * things. */
#define NTITLED 250
static int setup_title_pairs(void **state)
{
    env *e = calloc(1, sizeof *e);
    assert_non_null(e);
    static char ids[NTITLED][16], own[NTITLED][160];
    fx_paper papers[NTITLED];
    for (size_t i = 0; i < NTITLED; i++) {
        const char *fill = sums[18 + i % 10], *title = "Paper";
        snprintf(ids[i], sizeof ids[i], "2504.%05zu", 50000 + i);
        snprintf(own[i], sizeof own[i], "%s", fill);
        if (i < 5)
            snprintf(own[i], sizeof own[i], "탈옥 %s", fill), title = "Jailbreak";
        else if (i == 5)
            snprintf(own[i], sizeof own[i], "보안 모델을 시험한다"), title = "Jailbreaking LLMs";
        else if (i >= 10 && i < 15)
            snprintf(own[i], sizeof own[i], "음성 %s", fill), title = "Speech";
        else if (i >= 30 && i < 34)
            title = "Jailbreak attacks";
        else if (i >= 50 && i < 55)
            snprintf(own[i], sizeof own[i], "분산 %s", fill), title = "Variance";
        else if (i >= 60 && i < 80)
            snprintf(own[i], sizeof own[i], "분산 학습 %s", fill);
        else if (i >= 20 && i < 23)
            snprintf(own[i], sizeof own[i], "자동 음성 인식(Automatic Speech Recognition) %s",
                     fill);
        papers[i] = (fx_paper){ids[i], title, "Kim Lee", own[i], 20250401, 1};
    }
    fx_search_open(e, papers, NTITLED);
    *state = e;
    return 0;
}

/* A Korean word the digests never translate finds the English word of
 * the titles it keeps company with (indexer/assoc.c): 탈옥 finds the
 * paper titled Jailbreaking; one way only, company alone being no proof
 * that the words mean one thing (분산 is variance and distributed: here
 * 5 of the 10 Jailbreak titles say 탈옥). Words mostly each other's
 * are read both ways: speech finds 음성 (5 of the 5 Speech titles say
 * 음성, 5 of the 8 summaries with 음성 are under Speech). The words of a
 * head get no such pair (the expander's stated_only): 음성 인식 is
 * speech recognition, and 음성's speech would rank any speech paper
 * beside it. A Korean word of other senses stays one way: 분산 is in 25
 * summaries, 5 under Variance (variance found distributed training). */
static void test_expand__title_summary_pair(void **state)
{
    env *e = *state;
    char got[512];
    expand(e, "탈옥", got, sizeof got);
    if (!strstr(got, "탈옥>jailbreak;"))
        fail_msg("탈옥 expanded to \"%s\"", got);
    assert_int_equal(total_of(e, "탈옥"), 10);
    pdx_query *q = fx_search_parse(e, "탈옥"); /* found by company, not stated */
    pdx_expansion x;
    assert_int_equal(pdx_query_expansion(q, 0, &x), PDX_OK);
    assert_string_equal(x.source, "company");
    assert_int_equal(x.support, 5);
    pdx_query_free(q);
    expand(e, "jailbreak", got, sizeof got);
    if (got[0])
        fail_msg("jailbreak expanded to \"%s\"", got);
    expand(e, "음성", got, sizeof got);
    if (!strstr(got, "음성>speech;"))
        fail_msg("음성 expanded to \"%s\"", got);
    expand(e, "speech", got, sizeof got);
    if (!strstr(got, "speech>음성;"))
        fail_msg("speech expanded to \"%s\"", got);
    expand(e, "분산", got, sizeof got);
    if (!strstr(got, "분산>variance;"))
        fail_msg("분산 expanded to \"%s\"", got);
    expand(e, "variance", got, sizeof got);
    if (got[0])
        fail_msg("variance expanded to \"%s\"", got);
    expand(e, "음성 인식", got, sizeof got);
    if (!strstr(got, "음성 인식>speech recognition;") || strstr(got, "음성>speech;"))
        fail_msg("음성 인식 expanded to \"%s\"", got);
}

/* Derived Korean forms stated with their English (효율성, 확장성, and
 * 보라화 with an acronym, three papers each), a paper writing the English word alone, and one
 * the noun alone. */
static int setup_derived(void **state)
{
    static const char *const own[] = {
        "모델의 효율성(efficiency)을 높인다", "추론 효율성(efficiency) 분석",
        "학습 효율성(efficiency) 개선", "we improve efficiency only",
        "자원 효율 문제를 다룬다", "시스템 확장성(scalability) 연구",
        "서버 확장성(scalability) 분석", "모델 확장성(scalability) 평가",
        "we measure scalability only", "색상 보라화(EM) 알고리즘", "이미지 보라화(EM) 방법",
        "반복 보라화(EM) 학습", "we run EM only", "종합적인(comprehensive) 평가",
        "종합적인(comprehensive) 분석", "종합적인(comprehensive) 연구", "we are comprehensive",
        "시스템 신뢰성(reliability) 분석", "모델 신뢰성(reliability) 평가",
        "서비스 신뢰성(reliability) 연구", "we test reliability"};
    /* then 신뢰 in more papers than the share past which a word is not
     * expanded */
    enum { N = 100, COMMON = 25 };
    env *e = calloc(1, sizeof *e);
    assert_non_null(e);
    static char ids[N][16];
    static fx_paper papers[N];
    size_t n_own = sizeof own / sizeof *own;
    assert_true(COMMON + 3 > PDX_LEXICON_MAX_DF_SHARE * N);
    for (size_t i = 0; i < N; i++) {
        snprintf(ids[i], sizeof ids[i], "2504.%05zu", 95000 + i);
        const char *sum = i < n_own            ? own[i]
                          : i < n_own + COMMON ? "사용자 신뢰 문제를 다룬다"
                                               : sums[12 + i % 10];
        papers[i] = (fx_paper){ids[i], "Paper", "Kim Lee", sum, 20250401, 1};
    }
    fx_search_open(e, papers, N);
    *state = e;
    return 0;
}

/* A Korean noun the lexicon lacks takes the equivalents of a derived form
 * the tokenizer reads as it (효율 of 효율성: efficiency), not of one whose
 * noun names another idea (확장 is no scalability), nor an acronym (보라화
 * is stated as EM here; the corpus's 최대화 is, expectation maximization,
 * which 최대, maximum, is not). A trial's `diffusion 모델 가속` found no
 * paper saying acceleration. */
static void test_expand__noun_of_a_derived_form(void **state)
{
    env *e = *state;
    char got[512];
    expand(e, "효율", got, sizeof got);
    if (strcmp(got, "효율성>efficiency;") != 0)
        fail_msg("효율 expanded to \"%s\"", got);
    assert_int_equal(total_of(e, "효율"), 5); /* the English-only paper too */
    expand(e, "효율을", got, sizeof got);
    if (strcmp(got, "효율성>efficiency;") != 0)
        fail_msg("효율을 expanded to \"%s\"", got);
    expand(e, "확장", got, sizeof got);
    if (got[0])
        fail_msg("확장 expanded to \"%s\"", got);
    expand(e, "보라화", got, sizeof got);
    if (strcmp(got, "보라화>보라;보라화>em;") != 0)
        fail_msg("보라화 expanded to \"%s\"", got);
    expand(e, "보라", got, sizeof got);
    if (got[0])
        fail_msg("보라 expanded to \"%s\"", got);
    expand(e, "종합", got, sizeof got); /* -적인 */
    if (strcmp(got, "종합적인>comprehensive;") != 0)
        fail_msg("종합 expanded to \"%s\"", got);
    /* a noun too common to expand is not, and --explain says why */
    expand(e, "신뢰", got, sizeof got);
    if (got[0])
        fail_msg("신뢰 expanded to \"%s\"", got);
    pdx_query *q = fx_search_parse(e, "신뢰");
    assert_string_equal(pdx_query_too_common(q), "신뢰");
    pdx_query_free(q);
    expand(e, "신뢰성", got, sizeof got);
    if (!strstr(got, "신뢰성>reliability;"))
        fail_msg("신뢰성 expanded to \"%s\"", got);
    expand(e, "효율성", got, sizeof got); /* its noun and its own pair, as before */
    if (strcmp(got, "효율성>효율;효율성>efficiency;") != 0)
        fail_msg("효율성 expanded to \"%s\"", got);
}

/* Korean synonyms (searcher/synonyms.c): 비디오 stated as video three
 * times, one paper saying 동영상 only, one 동영상을 with a particle, one
 * video in English only. */
static int setup_synonyms(void **state)
{
    static const char *const own[] = {
        "비디오(video) 생성 모델을 만든다", "긴 비디오(video)를 이해한다",
        "비디오(Video) 편집 도구", "동영상 편집을 쉽게 한다",
        "짧은 동영상을 요약한다", "we generate video only",
    };
    return setup_own(state, own, sizeof own / sizeof *own, 96000, 10);
}

/* The source and weight of q's expansion from `from` to `to`; fails the
 * test when q has none. */
static pdx_expansion expansion_to(const pdx_query *q, const char *from, const char *to)
{
    for (size_t i = 0; i < pdx_query_expansion_count(q); i++) {
        pdx_expansion x;
        assert_int_equal(pdx_query_expansion(q, i, &x), PDX_OK);
        if (x.from_len == strlen(from) && !memcmp(x.from, from, x.from_len) &&
            x.to_len == strlen(to) && !memcmp(x.to, to, x.to_len))
            return x;
    }
    fail_msg("no expansion %s -> %s", from, to);
    return (pdx_expansion){0};
}

/* query matches n papers in full, and the first one's summary holds
 * text: the word as typed ranks above its synonyms. */
static void first_holds(env *e, const char *query, size_t n, const char *text)
{
    pdx_results r;
    full_matches(e, query, &r);
    assert_int_equal(r.n, n);
    pdx_hit_info h;
    assert_int_equal(pdx_hit_get(e->s, r.hits[0].doc, &h), PDX_OK);
    assert_non_null(strstr(h.summary, text));
    pdx_results_clear(&r);
}

/* A word of a synonym group finds the papers of the others, at
 * PDX_DERIVED_WEIGHT, and a word the lexicon lacks takes the equivalents
 * of a group word it has (동영상 -> 비디오 -> video); a particle is no
 * part of the word, the paper writing the word typed ranks first, and
 * --no-expand or an excluded word takes none. A trial's `동영상 생성`
 * found 49 papers at 1x, `비디오 생성` 508. */
static void test_expand__korean_synonyms(void **state)
{
    env *e = *state;
    char got[512];
    expand(e, "동영상", got, sizeof got);
    if (strcmp(got, "동영상>비디오;비디오>video;") != 0)
        fail_msg("동영상 expanded to \"%s\"", got);
    pdx_query *q = fx_search_parse(e, "동영상");
    pdx_expansion x = expansion_to(q, "동영상", "비디오");
    assert_string_equal(x.source, "synonym");
    assert_true(x.weight == PDX_DERIVED_WEIGHT);
    pdx_query_free(q);
    expand(e, "동영상을", got, sizeof got);
    if (strcmp(got, "동영상을>비디오;비디오>video;") != 0)
        fail_msg("동영상을 expanded to \"%s\"", got);
    assert_int_equal(total_of(e, "동영상"), 6);
    assert_int_equal(total_of(e, "비디오"), 6);
    assert_int_equal(total_of(e, "편집"), 2); /* in no group */
    /* the word typed first: 동영상 편집 over 비디오 편집 */
    first_holds(e, "동영상 편집", 2, "동영상");
    assert_int_equal(pdx_query_parse_flags(&q, e->s, "동영상", strlen("동영상"),
                                           PDX_PARSE_NO_EXPAND),
                     PDX_OK);
    assert_int_equal(pdx_query_expansion_count(q), 0);
    pdx_query_free(q);
    assert_int_equal(total_of(e, "편집 -동영상"), 1); /* 비디오 편집 stays */
}

/* Renderings of one term (synonyms.c): 자회귀 stated as autoregressive
 * three times, one paper saying 자기회귀 only, one 자동회귀, one
 * autoregressive in English only; 사전학습 stated as pre-training three
 * times, one paper saying 사전훈련 only; one writing 콘텐츠. */
static int setup_renderings(void **state)
{
    static const char *const own[] = {
        "자회귀(autoregressive) 이미지 모델", "새 자회귀(Autoregressive) 디코더",
        "자회귀(autoregressive) 음성 합성",   "자기회귀 방식으로 토큰을 예측한다",
        "자동회귀 생성을 빠르게 한다",        "an autoregressive transformer only",
        "사전학습(pre-training) 데이터",      "사전학습(pre-training) 코퍼스를 고른다",
        "대규모 사전학습(Pre-training) 연구",  "사전훈련 데이터를 거른다",
        "새 콘텐츠를 만든다",
    };
    return setup_own(state, own, sizeof own / sizeof *own, 97000, 10);
}

/* A paper names autoregressive models 자회귀, 자기회귀, 자동회귀 or
 * 자가회귀, and pre-training 사전학습 or 사전훈련, each as it pleases:
 * each finds the papers of the others and the English the lexicon pairs
 * with one of them (a known-item query `비디오로 자기회귀 사전학습한`
 * ranked its paper, which says 자회귀, beyond 10th; 자동회귀 expanded to
 * "automatic regression", its parts' words). */
static void test_expand__renderings(void **state)
{
    env *e = *state;
    char got[512];
    expand(e, "자기회귀", got, sizeof got);
    if (!strstr(got, "자기회귀>자회귀;") || !strstr(got, "자회귀>autoregressive;"))
        fail_msg("자기회귀 expanded to \"%s\"", got);
    assert_int_equal(total_of(e, "자기회귀"), 6);
    assert_int_equal(total_of(e, "자동회귀"), 6);
    assert_int_equal(total_of(e, "자회귀"), 6);
    first_holds(e, "자동회귀", 6, "자동회귀");
    expand(e, "사전훈련", got, sizeof got);
    if (!strstr(got, "사전훈련>사전학습;") || !strstr(got, ">pre-training;"))
        fail_msg("사전훈련 expanded to \"%s\"", got);
    assert_int_equal(total_of(e, "사전훈련"), 4);
    first_holds(e, "사전훈련", 4, "사전훈련");
    assert_int_equal(total_of(e, "사전훈련 -사전학습"), 1); /* excluded: as typed only */
    /* a loanword spelt as many write it finds the spelling of the rules */
    assert_int_equal(total_of(e, "컨텐츠"), 1);
}

/* Composed phrases with glossary words (expand.c part_words): 메모리
 * stated as memory three times, 관리, 추론 and 성능 paired with nothing,
 * 추론성능 written closed once, 관리 a word of its own, the English
 * phrases in papers of their own. */
static int setup_glossary_parts(void **state)
{
    static const char *const own[] = {
        "메모리(memory) 모듈을 쓴다",          "메모리(memory)를 압축한다",
        "메모리(Memory) 검색",                 "we study memory management for agents",
        "추론 성능을 높인다",                  "추론성능을 잰다",
        "the inference performance of servers", "reasoning performance on puzzles",
        "자원 관리 도구",
    };
    return setup_own(state, own, sizeof own / sizeof *own, 99000, 10);
}

/* Two Korean words typed apart, or a compound typed closed, compose the
 * English phrase of their parts' words from the lexicon and from the
 * glossary too, each sense of a part (추론: reasoning, inference), and a
 * Korean word not too common beside an English one does: the
 * glossary gave a word alone its translation only, so `메모리 관리` missed
 * "memory management" and a known-item query `하이퍼파라미터 추론성능`
 * the title "... Inference Performance". */
static void test_expand__glossary_parts(void **state)
{
    env *e = *state;
    char got[512];
    expand(e, "메모리 관리", got, sizeof got);
    if (!strstr(got, "메모리 관리>memory management;"))
        fail_msg("메모리 관리 expanded to \"%s\"", got);
    assert_int_equal(total_of(e, "메모리 관리"), 1);
    expand(e, "memory 관리", got, sizeof got); /* beside English: 관리 is not common */
    if (!strstr(got, "memory 관리>memory management;"))
        fail_msg("memory 관리 expanded to \"%s\"", got);
    expand(e, "메모리관리", got, sizeof got); /* no paper writes it closed: split */
    if (!strstr(got, ">memory management;") || !strstr(got, "관리>management;"))
        fail_msg("메모리관리 expanded to \"%s\"", got);
    expand(e, "추론성능", got, sizeof got); /* one paper writes it closed */
    if (!strstr(got, "추론성능>reasoning performance;") ||
        !strstr(got, "추론성능>inference performance;"))
        fail_msg("추론성능 expanded to \"%s\"", got);
    assert_int_equal(total_of(e, "추론성능"), 4);
    assert_int_equal(total_of(e, "추론 성능"), 4);
    first_holds(e, "추론 성능", 4, "추론"); /* the words typed first */
}

/* Native verbs and adjectives (synonyms.c verb_nouns): papers saying
 * 완화, 감소 or 줄이는 of hallucination, one analysing it, one with 완화
 * alone, a small (소형) model and a small (작은) one, a height (높이). */
static int setup_verbs(void **state)
{
    static const char *const own[] = {
        "환각 완화 방법을 제안한다", "환각을 줄이는 디코딩", "환각 감소를 측정한다",
        "환각을 분석한다",          "완화 전략을 쓴다",     "소형 모델을 만든다",
        "작은 모델을 쓴다",          "물체의 높이를 잰다",
    };
    return setup_own(state, own, sizeof own / sizeof *own, 98000, 10);
}

/* A verb form finds the papers naming its idea with a noun, the form as
 * typed first; the noun does not find the verb, and a noun spelled like
 * a stem (높이, height) is no verb form. A trial's `환각을 줄이는 방법`
 * matched 9 papers and ranked the mitigation papers (완화) 11th to 52nd. */
static void test_expand__korean_verb_forms(void **state)
{
    env *e = *state;
    assert_int_equal(total_of(e, "환각을 줄이는"), 3);
    pdx_query *q = fx_search_parse(e, "환각을 줄이는");
    pdx_expansion x = expansion_to(q, "줄이는", "완화");
    assert_string_equal(x.source, "synonym");
    assert_true(x.weight == PDX_DERIVED_WEIGHT);
    pdx_query_free(q);
    first_holds(e, "환각을 줄이는", 3, "줄이는");
    assert_int_equal(total_of(e, "완화"), 2); /* not the verb's paper */
    assert_int_equal(total_of(e, "작은 모델"), 2);
    assert_int_equal(total_of(e, "높이"), 1);
    q = fx_search_parse(e, "높이");
    assert_int_equal(pdx_query_expansion_count(q), 0);
    pdx_query_free(q);
}

/* An acronym (LLM) stated with its long form, and a name of the long form
 * with a word before it (multimodal large language model, MLLM), in
 * English and in Korean; one paper writes MLLM only. */
static int setup_acronym_span(void **state)
{
    static const char *const own[] = {
        "대형 언어 모델(Large Language Model, LLM)을 쓴다",
        "대형 언어 모델(Large Language Model, LLM) 평가",
        "대형 언어 모델(Large Language Model, LLM) 학습",
        "멀티모달 대형 언어 모델(Multimodal Large Language Models, MLLMs)을 비교한다",
        "멀티모달 대형 언어 모델(Multimodal Large Language Models, MLLMs) 분석",
        "멀티모달 대형 언어 모델(Multimodal Large Language Models, MLLMs) 조사",
        "we test MLLMs on charts",
    };
    return setup_own(state, own, sizeof own / sizeof *own, 97000, 10);
}

/* A span ending in an acronym that is no key of the lexicon is keyed with
 * the acronym's long form in its script in place of it: `multimodal LLM`
 * is multimodal large language model, whose acronym MLLM it finds, and so
 * does `멀티모달 LLM` through 멀티모달 대형 언어 모델; the long form's phrase
 * is an equivalent too. A word that is no acronym is not replaced. */
static void test_expand__acronym_read_as_its_long_form(void **state)
{
    env *e = *state;
    char got[1024];
    expand(e, "multimodal LLM", got, sizeof got);
    if (!strstr(got, ">mllm") || !strstr(got, ">multimodal large language models;"))
        fail_msg("multimodal LLM expanded to \"%s\"", got);
    assert_true(finds(e, "multimodal LLM", "we test MLLMs"));
    expand(e, "멀티모달 LLM", got, sizeof got);
    if (!strstr(got, ">mllm") || !strstr(got, ">멀티모달 대형 언어 모델;"))
        fail_msg("멀티모달 LLM expanded to \"%s\"", got);
    assert_true(finds(e, "멀티모달 LLM", "we test MLLMs"));
    expand(e, "multimodal charts", got, sizeof got);
    if (strstr(got, "mllm"))
        fail_msg("multimodal charts expanded to \"%s\"", got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_expand__fixture, setup, fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_expand__acronym_and_long_form, setup_acronym,
                                        fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_expand__composed_pair, setup_composed,
                                        fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_expand__hyphened_korean_name, setup_hyphened,
                                        fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_expand__hyphened_english_composes,
                                        setup_hyphened_english, fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_expand__hyphened_guess_checked, setup_guessed_pair,
                                        fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_expand__most_stated_equivalents_kept,
                                        setup_many_names, fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_expand__span_bounded_by_its_rarest_word, setup,
                                        fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_expand__same_expansions_query_after_query, setup,
                                        fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_expand__common_counts_papers_not_fields,
                                        setup_two_fields, fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_expand__no_hop_between_single_words, setup,
                                        fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_expand__title_summary_pair, setup_title_pairs,
                                        fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_expand__loanword_both_ways, setup_loanword,
                                        fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_expand__no_hop_through_an_acronym,
                                        setup_two_fields, fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_expand__or_alternative_expanded_as_alone,
                                        setup_two_fields, fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_expand__or_group_gets_no_equivalent_it_has,
                                        setup_two_fields, fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_expand__excluded_words_not_expanded,
                                        setup_two_fields, fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_expand__span_judged_by_its_own_papers,
                                        setup_common_words, fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_expand__span_keyed_as_written_too, setup_particles,
                                        fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_expand__no_hop_through_a_common_spaced_pivot,
                                        setup_spaced_pivot, fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_expand__long_span_with_a_function_word,
                                        setup_long_name, fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_expand__equivalent_brings_its_spelling,
                                        setup_spelling, fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_expand__other_spelling_keys_the_lexicon,
                                        setup_spelling, fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_expand__head_of_a_stated_name, setup_heads,
                                        fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_expand__acronym_read_as_its_long_form,
                                        setup_acronym_span, fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_expand__korean_synonyms, setup_synonyms,
                                        fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_expand__renderings, setup_renderings,
                                        fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_expand__glossary_parts, setup_glossary_parts,
                                        fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_expand__korean_verb_forms, setup_verbs,
                                        fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_expand__noun_of_a_derived_form, setup_derived,
                                        fx_search_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
