/*
 * Tests for the lexicon miner (indexer/lexicon_mine.c) and the encoded
 * lexicon (common/lexicon.c).
 *
 * The fixtures are short Korean/English sentences written for these tests;
 * none comes from the corpus. The corpus test mines the shared corpus when
 * it is there and skips otherwise.
 *
 * Also a tool: `test_lexicon --dump [N] [PATH...]` mines PATHs (default:
 * the shared corpus), prints the N (default 200) most supported pairs, the
 * support distribution, and the CPU time the miner adds to parsing -- the
 * list docs/LEXICON.md's precision check was made from. Not a test: no
 * timing is asserted anywhere.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "common.h"
#include "fixtures.h"
#include "assoc.h"
#include "lexicon.h"
#include "lexicon_mine.h"
#include "paperdex/parser.h"
#include "paperdex/tokenizer.h"

/* ---- helpers ---- */

static pdx_lexicon_miner *new_miner(uint32_t min_support, size_t max_candidates)
{
    pdx_lexicon_miner_opts o = {min_support, max_candidates};
    pdx_lexicon_miner *m = NULL;
    assert_int_equal(pdx_lexicon_miner_new(&m, &o), PDX_OK);
    return m;
}

/* Adds a heap copy of exactly strlen(text) bytes, so ASan sees overreads. */
static void add_text(pdx_lexicon_miner *m, const char *text)
{
    size_t n = strlen(text);
    char *copy = malloc(n ? n : 1);
    assert_non_null(copy);
    memcpy(copy, text, n);
    assert_int_equal(pdx_lexicon_miner_add(m, copy, n), PDX_OK);
    free(copy);
}

static bool str_is(const char *s, size_t n, const char *want)
{
    return n == strlen(want) && memcmp(s, want, n) == 0;
}

/* The support of the pair with these surfaces, 0 when absent. */
static uint32_t find_surface(const pdx_lex_pair *p, size_t n, const char *ko, const char *en)
{
    for (size_t i = 0; i < n; i++)
        if (str_is(p[i].ko_surface, p[i].ko_surface_len, ko) &&
            str_is(p[i].en_surface, p[i].en_surface_len, en))
            return p[i].support;
    return 0;
}

/* Pairs whose Korean surface is ko. */
static size_t count_ko(const pdx_lex_pair *p, size_t n, const char *ko)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += str_is(p[i].ko_surface, p[i].ko_surface_len, ko);
    return k;
}

static void encode(const pdx_lex_pair *p, size_t n, pdx_buf *out)
{
    pdx_buf_reset(out);
    assert_int_equal(pdx_lexicon_encode(out, p, n, 3), PDX_OK);
}

/* ---- fixtures (our own sentences) ---- */

/* Noisy left boundaries: "강화 학습" is the term, what precedes varies. */
static const char *const fx_rl[] = {
    "- 이 연구는 강화 학습(reinforcement learning)을 로봇 제어에 적용한다.",
    "- 보상 설계를 통한 강화 학습(Reinforcement Learning)으로 정책을 얻는다.",
    "- 새로운 강화 학습(reinforcement learning) 알고리즘을 소개한다.",
    "- 오프라인 데이터로 강화 학습 (reinforcement learning) 을 수행한다.",
    "- 우리는 대형 언어 모델(LLM)의 추론을 개선한다.",
    "- 최근 대형 언어 모델(LLM)이 널리 쓰인다.",
    "- 여러 대형 언어 모델(LLM)을 비교했다.",
    "- 작은 대형 언어 모델(LLM)도 평가했다.",
    "- 기존 탈옥(jailbreak) 공격과 달리, 새로운 탈옥(jailbreak) 기법은 탐지가 어렵다.",
    "- 이 방어는 탈옥(jailbreak) 시도를 막는다.",
    "- 탈옥(jailbreak) 프롬프트를 모았다.",
    "- 인간 피드백을 통한 강화 학습(RLHF)은 정렬에 쓰인다.",
    "- 우리는 인간 피드백을 통한 강화 학습(RLHF)을 대체한다.",
    "- 기존 인간 피드백을 통한 강화 학습(RLHF) 파이프라인은 비싸다.",
    "- Transformer(트랜스포머) 구조를 바꾸었다.",
    "- 표준 Transformer(트랜스포머) 블록을 쓴다.",
    "- 작은 Transformer (트랜스포머) 를 학습했다.",
    "- 검색(retrieval)은 한 번만 나온다.",
    "- 모델(GPT-4)처럼 숫자가 든 이름은 번역이 아니다. 모델(GPT-4), 모델(GPT-4).",
};

static void mine_fixtures(pdx_lexicon_miner *m, const char *const *texts, size_t n,
                          bool reverse)
{
    for (size_t i = 0; i < n; i++)
        add_text(m, texts[reverse ? n - 1 - i : i]);
}

#define N_RL (sizeof fx_rl / sizeof *fx_rl)

/* A miner of threshold min_support fed texts[0..n) and finished: its pairs
 * in *p, *n_pairs. */
static pdx_lexicon_miner *mined(uint32_t min_support, const char *const *texts, size_t n,
                                const pdx_lex_pair **p, size_t *n_pairs)
{
    pdx_lexicon_miner *m = new_miner(min_support, 0);
    mine_fixtures(m, texts, n, false);
    assert_int_equal(pdx_lexicon_miner_finish(m, p, n_pairs), PDX_OK);
    return m;
}

/* ---- miner tests ---- */

static void test_lexicon__mine_expected_pairs(void **state)
{
    (void)state;
    const pdx_lex_pair *p;
    size_t n;
    pdx_lexicon_miner *m = mined(3, fx_rl, N_RL, &p, &n);
    /* the term, not the noisy words before it; the four spellings merge */
    assert_int_equal(find_surface(p, n, "강화 학습", "reinforcement learning"), 4);
    assert_int_equal(find_surface(p, n, "대형 언어 모델", "LLM"), 4);
    /* three texts state it, one of them twice: one vote per text */
    assert_int_equal(find_surface(p, n, "탈옥", "jailbreak"), 3);
    /* RLHF is not 강화 학습: the span is too short for four letters, and
     * the descent does not extend through 통한; no pair beats a wrong one */
    assert_int_equal(count_ko(p, n, "강화 학습"), 1);
    for (size_t i = 0; i < n; i++)
        assert_false(str_is(p[i].en_surface, p[i].en_surface_len, "RLHF"));
    /* the other direction: English before, Korean inside */
    assert_int_equal(find_surface(p, n, "트랜스포머", "Transformer"), 3);
    /* below the threshold, and names with digits, give nothing */
    assert_int_equal(count_ko(p, n, "검색"), 0);
    assert_int_equal(count_ko(p, n, "모델"), 0);
    assert_int_equal(n, 4);
    /* both sides carry the tokenizer's terms */
    for (size_t i = 0; i < n; i++) {
        if (str_is(p[i].ko_surface, p[i].ko_surface_len, "강화 학습")) {
            assert_true(str_is(p[i].ko_terms, p[i].ko_terms_len, "강화 화학 학습"));
            assert_true(str_is(p[i].en_terms, p[i].en_terms_len, "reinforc learn"));
        }
    }
    /* sorted: support descending */
    for (size_t i = 1; i < n; i++)
        assert_true(p[i - 1].support >= p[i].support);
    pdx_lexicon_miner_free(m);
}

/* Words that precede a term without belonging to it, and an acronym that
 * is a longer cousin of another pair's English. */
static const char *const fx_noise[] = {
    "- 이 논문은 새로운 벤치마크(benchmark)를 제안한다.",
    "- 우리는 새로운 벤치마크(benchmark)를 공개한다.",
    "- 저자들은 새로운 벤치마크(Benchmark)를 만들었다.",
    "- 강화 학습(RL)은 보상을 최대화한다.",
    "- 오프라인 강화 학습(RL) 설정을 다룬다.",
    "- 강화 학습(RL) 에이전트가 게임을 한다.",
    "- 강화학습(RL)으로 로봇을 훈련한다.",
    "- 다중 에이전트 강화학습(RL) 문제를 푼다.",
    "- 강화학습(RL)은 탐색이 어렵다.",
    "- 우리는 강화 학습(DRL)을 쓴다.",
    "- 최근 강화 학습(DRL) 연구가 많다.",
    "- 기존 강화 학습(DRL) 방법은 느리다.",
    "- 정확도(accuracy)와 효율성(efficiency)을 함께 본다.",
    "- 모델의 정확도(accuracy)와 효율성(efficiency)이 오른다.",
    "- 정확도(accuracy)와 효율성(Efficiency) 모두 개선된다.",
    "- 멀티 모달 대형 언어 모델(MLLM)은 이미지를 읽는다.",
    "- 작은 멀티 모달 대형 언어 모델(MLLM)을 만든다.",
    "- 공개 멀티 모달 대형 언어 모델(MLLM)을 비교한다.",
    "- 다중 모달 대형 언어 모델(MLLM)의 한계.",
    "- 다중 모달 대형 언어 모델(MLLM) 평가.",
};

static void test_lexicon__mine_noise_and_contained(void **state)
{
    (void)state;
    const pdx_lex_pair *p;
    size_t n;
    pdx_lexicon_miner *m = mined(3, fx_noise, sizeof fx_noise / sizeof *fx_noise, &p, &n);
    /* 새로운 precedes every time, yet is no part of the term */
    assert_int_equal(find_surface(p, n, "벤치마크", "benchmark"), 3);
    assert_int_equal(count_ko(p, n, "새로운 벤치마크"), 0);
    /* 강화 학습 is RL, written with or without the space: one pair (the
     * spellings' supports add up); the same span for DRL lost its first
     * word */
    assert_int_equal(find_surface(p, n, "강화 학습", "RL"), 6);
    /* a particle standing alone after a parenthesis is not part of the
     * next term */
    assert_int_equal(find_surface(p, n, "정확도", "accuracy"), 3);
    assert_int_equal(find_surface(p, n, "효율성", "efficiency"), 3);
    /* a span long enough already still extends when most of its
     * occurrences agree on the next word (3 of 5: 멀티) */
    assert_int_equal(find_surface(p, n, "멀티 모달 대형 언어 모델", "MLLM"), 3);
    assert_int_equal(count_ko(p, n, "모달 대형 언어 모델"), 0);
    assert_int_equal(n, 5);
    pdx_lexicon_miner_free(m);
}

/* Acronyms stated with their long forms, in each way the digests write
 * them (our own sentences). */
static const char *const fx_acronyms[] = {
    "- We propose a new Neural Radiance Fields (NeRF) model.",
    "- 장면을 Neural Radiance Fields(NeRFs)로 표현한다.",
    "- 기존 NeRF(Neural Radiance Field)는 느리다.",
    "- 신경 방사장(Neural Radiance Fields, NeRF)을 빠르게 학습한다.",
    "- 저랭크 적응(Low-Rank Adaptation, LoRA)을 쓴다.",
    "- LoRA (Low-Rank Adaptation) 어댑터를 붙인다.",
    "- 우리는 Low-Rank Adaptation(LoRA)을 확장한다.",
    /* letters anywhere in the words would stop at `Policy Optimization` */
    "- Proximal Policy Optimization (PPO) 대신 DPO를 쓴다.",
    "- 보상 모델과 Proximal Policy Optimization(PPO)을 쓴다.",
    "- 널리 쓰이는 Proximal Policy Optimization (PPO).",
    /* a word in capitals that is also a common word, an acronym starting
     * in lower case, letters that are not all in the words before */
    "- Instruction Tuning (IT) 데이터, Instruction Tuning (IT) 비용.",
    "- 또 Instruction Tuning (IT)을 본다. mean average precision (mAP) 측정.",
    "- 마지막으로 Instruction Tuning (IT). mean average precision (mAP).",
    "- 그리고 mean average precision (mAP)이 오른다. Diffusion Models (LDM) 비교.",
    "- 다시 Diffusion Models (LDM). Diffusion Models (LDM).",
    "- 또 Diffusion Models (LDM)를 쓴다.",
    /* the tokenizer reads SDS as the plural of SD, which Stable Diffusion
     * is: no pair of its own; TTS (tt, nobody's) keeps its pair */
    "- Score Distillation Sampling (SDS) 손실. Stable Diffusion (SD) 모델.",
    "- 또 Score Distillation Sampling (SDS)을 쓴다. Stable Diffusion (SD).",
    "- 마지막 Score Distillation Sampling (SDS). Stable Diffusion(SD).",
    "- 점수 증류 샘플링(SDS) 손실.", "- 점수 증류 샘플링(SDS)을 쓴다.", "- 또 점수 증류 샘플링(SDS).",
    "- Text-to-Speech (TTS) 모델. Text-to-Speech (TTS). 또 Text-to-Speech(TTS).",
    "- 음성 Text-to-Speech (TTS).", "- 합성 Text-to-Speech (TTS).",
    /* an acronym led by a dimension, its long form by the same word;
     * another dimension, or none, is no long form of it */
    "- 우리는 3D Gaussian Splatting(3DGS)을 개선한다.",
    "- 3DGS (3D Gaussian Splatting) 렌더링은 빠르다.",
    "- 장면을 (3D Gaussian Splatting, 3DGS)로 표현한다.",
    "- 2D Gaussian Splatting (4DGS) 하나.", "- 또 2D Gaussian Splatting(4DGS) 둘.",
    "- 2D Gaussian Splatting (4DGS) 셋.",
    "- Gaussian Splatting (5DGS) 하나.", "- 또 Gaussian Splatting(5DGS) 둘.",
    "- Gaussian Splatting (5DGS) 셋.",
    /* a 2 between letters stands for "to", after an English long form and
     * after a Korean name; a 2 that a long form's "to" does not fill, or
     * one that leads or ends the word, gives nothing */
    "- Sketch-to-Video (S2V) 모델.", "- 또 Sketch-to-Video(S2V) 연구.",
    "- S2V (Sketch-to-Video) 생성.", "- 스케치-비디오(S2V) 변환을 본다.",
    "- 새 스케치-비디오(S2V) 기법.", "- 빠른 스케치-비디오(S2V) 모델.",
    "- Sketch and Video (K2V) 하나.", "- 또 Sketch and Video (K2V) 둘.",
    "- Sketch and Video (K2V) 셋.", "- 스케치 그림(2SV) 하나.",
    "- 또 스케치 그림(2SV) 둘.", "- 스케치 그림(2SV) 셋.",
    "- Sketch Transfer Video (S2V) 하나.", "- 또 Sketch Transfer Video (S2V) 둘.",
    "- Sketch Transfer Video (S2V) 셋.", "- Sketch-to-Video (S3V) 하나.",
    "- 또 Sketch-to-Video (S3V) 둘.", "- Sketch-to-Video (S3V) 셋.",
};

/* Acronyms and their long forms: the long form is the words whose
 * initials are the acronym's capitals (not from "new", which also starts
 * with n; not `Policy Optimization` for PPO), a 2 the word "to" (S2V:
 * Sketch-to-Video, and a Korean name), plurals and both orders
 * count alike; common words, lower-case
 * first letters and long forms missing a letter give nothing. */
static void test_lexicon__mine_acronyms(void **state)
{
    (void)state;
    const pdx_lex_pair *p;
    size_t n;
    pdx_lexicon_miner *m = mined(3, fx_acronyms, sizeof fx_acronyms / sizeof *fx_acronyms, &p, &n);
    /* the long form is the Korean side of the pair (docs/LEXICON.md) */
    assert_int_equal(find_surface(p, n, "Neural Radiance Fields", "NeRF"), 4);
    assert_int_equal(find_surface(p, n, "Low-Rank Adaptation", "LoRA"), 3);
    assert_int_equal(count_ko(p, n, "new Neural Radiance Fields"), 0);
    assert_int_equal(find_surface(p, n, "Proximal Policy Optimization", "PPO"), 3);
    assert_int_equal(count_ko(p, n, "Policy Optimization"), 0);
    for (size_t i = 0; i < n; i++) {
        assert_false(str_is(p[i].en_surface, p[i].en_surface_len, "IT"));
        assert_false(str_is(p[i].en_surface, p[i].en_surface_len, "mAP"));
        assert_false(str_is(p[i].en_surface, p[i].en_surface_len, "LDM"));
        assert_false(str_is(p[i].en_surface, p[i].en_surface_len, "SDS"));
    }
    assert_int_equal(find_surface(p, n, "Stable Diffusion", "SD"), 3);
    assert_int_equal(find_surface(p, n, "점수 증류 샘플링", "SDS"), 0); /* a Korean name too */
    assert_int_equal(find_surface(p, n, "Text-to-Speech", "TTS"), 3);
    assert_int_equal(find_surface(p, n, "3D Gaussian Splatting", "3DGS"), 3);
    for (size_t i = 0; i < n; i++) {
        assert_false(str_is(p[i].en_surface, p[i].en_surface_len, "4DGS"));
        assert_false(str_is(p[i].en_surface, p[i].en_surface_len, "5DGS"));
        assert_false(str_is(p[i].en_surface, p[i].en_surface_len, "K2V"));
        assert_false(str_is(p[i].en_surface, p[i].en_surface_len, "2SV"));
    }
    assert_int_equal(find_surface(p, n, "Sketch-to-Video", "S2V"), 3);
    assert_int_equal(count_ko(p, n, "Sketch Transfer Video"), 0); /* the 2 is "to" only */
    for (size_t i = 0; i < n; i++) /* no other digit stands for a word */
        assert_false(str_is(p[i].en_surface, p[i].en_surface_len, "S3V"));
    assert_int_equal(find_surface(p, n, "스케치-비디오", "S2V"), 3);
    for (size_t i = 0; i < n; i++) {
        if (str_is(p[i].en_surface, p[i].en_surface_len, "NeRF"))
            assert_true(str_is(p[i].ko_terms, p[i].ko_terms_len, "neural radianc field") ||
                        str_is(p[i].ko_surface, p[i].ko_surface_len, "신경 방사장"));
    }
    pdx_lexicon_miner_free(m);
}

/* Names of three words and more: a head where the words line up, none
 * where an English function word or a Korean possessive says they may not,
 * and a head some text states keeps that text's support. */
static const char *const fx_heads[] = {
    "- 자동 음성 인식(Automatic Speech Recognition) 오류를 분석한다.",
    "- 잡음 속 자동 음성 인식(automatic speech recognition) 연구.",
    "- 자동 음성 인식(Automatic Speech Recognition) 벤치마크.",
    "- 인간 피드백 기반 강화 학습(Reinforcement Learning from Human Feedback)을 쓴다.",
    "- 인간 피드백 기반 강화 학습(reinforcement learning from human feedback) 비교.",
    "- 인간 피드백 기반 강화 학습(Reinforcement Learning from Human Feedback) 조사.",
    "- 그림의 의미 분할 결과(Image Semantic Segmentation) 비교.",
    "- 그림의 의미 분할 결과(image semantic segmentation) 연구.",
    "- 그림의 의미 분할 결과(Image Semantic Segmentation) 조사.",
    "- 대형 비전 모델(Large Vision Models)을 평가한다.",
    "- 새 대형 비전 모델(large vision models) 비교.",
    "- 대형 비전 모델(Large Vision Models) 조사.",
    "- 비전 모델(vision model) 하나를 쓴다.",
};

static bool is_head(const pdx_lex_pair *p, size_t n, const char *ko, const char *en)
{
    for (size_t i = 0; i < n; i++)
        if (str_is(p[i].ko_surface, p[i].ko_surface_len, ko) &&
            str_is(p[i].en_surface, p[i].en_surface_len, en))
            return p[i].head;
    fail_msg("no pair %s / %s", ko, en);
    return false;
}

static void test_lexicon__mine_heads(void **state)
{
    (void)state;
    const pdx_lex_pair *p;
    size_t n;
    pdx_lexicon_miner *m = mined(3, fx_heads, sizeof fx_heads / sizeof *fx_heads, &p, &n);
    /* the name and its head, supported by the texts that state the name */
    assert_int_equal(find_surface(p, n, "자동 음성 인식", "Automatic Speech Recognition"), 3);
    assert_false(is_head(p, n, "자동 음성 인식", "Automatic Speech Recognition"));
    assert_int_equal(find_surface(p, n, "음성 인식", "Speech Recognition"), 3);
    assert_true(is_head(p, n, "음성 인식", "Speech Recognition"));
    /* words that do not line up: no head */
    assert_int_equal(
        find_surface(p, n, "인간 피드백 기반 강화 학습", "Reinforcement Learning from Human Feedback"),
        3);
    assert_int_equal(count_ko(p, n, "강화 학습"), 0);
    assert_int_equal(count_ko(p, n, "기반 강화 학습"), 0);
    assert_int_equal(find_surface(p, n, "그림의 의미 분할 결과", "Image Semantic Segmentation"), 3);
    assert_int_equal(count_ko(p, n, "분할 결과"), 0);
    /* the head of a name stated in three texts, itself in one: a head */
    assert_int_equal(find_surface(p, n, "비전 모델", "Vision Models"), 3);
    assert_true(is_head(p, n, "비전 모델", "Vision Models"));
    pdx_lexicon_miner_free(m);
    /* a head a text states (enough, at a threshold of 1) is a stated pair:
     * that text's support, not the name's */
    m = mined(1, fx_heads, sizeof fx_heads / sizeof *fx_heads, &p, &n);
    assert_int_equal(find_surface(p, n, "비전 모델", "vision model"), 1);
    assert_false(is_head(p, n, "비전 모델", "vision model"));
    assert_int_equal(count_ko(p, n, "비전 모델"), 1);
    pdx_lexicon_miner_free(m);
}

/* A head some text states is not added, but its terms were put in the
 * miner's strings before it was found known, which could move them: the
 * pairs of the first merge then pointed into freed memory (a review found
 * it with ASan at one length of a third pair; every length is tried). */
static void test_lexicon__mine_known_head_moves_no_pair(void **state)
{
    (void)state;
    char filler[320];
    for (size_t pad = 1; pad < 200; pad++) {
        char word[256];
        memset(word, 'a', pad);
        word[pad] = 0;
        snprintf(filler, sizeof filler, "- 탈옥(%s) 연구.", word);
        const char *texts[] = {"- 자동 음성 인식(Automatic Speech Recognition) 오류를 분석한다.",
                               "- 음성 인식(speech recognition) 연구.", filler};
        const pdx_lex_pair *p;
        size_t n;
        pdx_lexicon_miner *m = mined(1, texts, 3, &p, &n);
        pdx_buf b = {0};
        encode(p, n, &b); /* reads every string of every pair */
        assert_int_equal(find_surface(p, n, "음성 인식", "speech recognition"), 1);
        assert_false(is_head(p, n, "음성 인식", "speech recognition"));
        pdx_buf_free(&b);
        pdx_lexicon_miner_free(m);
    }
}

static void test_lexicon__mine_threshold(void **state)
{
    (void)state;
    pdx_lexicon_miner *m = new_miner(4, 0);
    mine_fixtures(m, fx_rl, N_RL, false);
    const pdx_lex_pair *p;
    size_t n;
    assert_int_equal(pdx_lexicon_miner_finish(m, &p, &n), PDX_OK);
    assert_int_equal(n, 2); /* only the pairs stated four times */
    for (size_t i = 0; i < n; i++)
        assert_true(p[i].support >= 4);
    pdx_lexicon_miner_free(m);
}

/* Same papers in another order: byte-identical encoded lexicon. */
static void test_lexicon__mine_order_independent(void **state)
{
    (void)state;
    pdx_buf a = {0}, b = {0};
    for (int rev = 0; rev < 2; rev++) {
        pdx_lexicon_miner *m = new_miner(2, 0);
        mine_fixtures(m, fx_rl, N_RL, rev);
        const pdx_lex_pair *p;
        size_t n;
        assert_int_equal(pdx_lexicon_miner_finish(m, &p, &n), PDX_OK);
        assert_true(n >= 4);
        encode(p, n, rev ? &b : &a);
        pdx_lexicon_miner_free(m);
    }
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    pdx_buf_free(&a);
    pdx_buf_free(&b);
}

/* Hostile text: unbalanced, nested, truncated UTF-8, giant parentheses. */
static void test_lexicon__mine_hostile_text(void **state)
{
    (void)state;
    pdx_lexicon_miner *m = new_miner(1, 16);
    const char *texts[] = {"(", ")", "((((", "모델(", "(LLM)", "모델 (", " (x)",
                           "모델(\xea\xb0", "\xea\xb0(LLM)", "모델((LLM))", "-(x)", "모-(x)",
                           "모델(a b c d e f g h)", "모델(a,,;;b)", "a(한)", "1(한)"};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        add_text(m, texts[i]);
    char big[4000];
    for (size_t i = 0; i < sizeof big; i += 10)
        memcpy(big + i, "학습(ab) c", 10);
    for (int k = 0; k < 40; k++) { /* many distinct keys: the table prunes */
        big[7] = (char)('a' + k % 26);
        big[8] = (char)('a' + k / 26);
        assert_int_equal(pdx_lexicon_miner_add(m, big, sizeof big), PDX_OK);
    }
    assert_int_equal(pdx_lexicon_miner_add(m, NULL, 0), PDX_OK);
    assert_int_equal(pdx_lexicon_miner_add(m, NULL, 1), PDX_EINVAL);
    pdx_lexicon_miner_stats st;
    pdx_lexicon_miner_get_stats(m, &st);
    assert_true(st.prunes > 0);
    assert_true(st.candidates <= 16);
    const pdx_lex_pair *p;
    size_t n;
    assert_int_equal(pdx_lexicon_miner_finish(m, &p, &n), PDX_OK);
    assert_int_equal(pdx_lexicon_miner_finish(m, &p, &n), PDX_EINVAL);
    assert_int_equal(pdx_lexicon_miner_add(m, "x", 1), PDX_EINVAL);
    pdx_lexicon_miner_free(m);
    pdx_lexicon_miner_free(NULL);
}

/* ---- encoded lexicon ---- */

/* A string literal and its length. */
#define S(lit) lit, sizeof(lit) - 1

static const pdx_lex_pair fx_pairs[] = {
    {S("강화 화학 학습"), S("reinforc learn"), S("강화 학습"), S("reinforcement learning"), 40,
     false, false, false},
    {S("강화 화학 학습"), S("rl"), S("강화 학습"), S("RL"), 25, false, false, false},
    {S("탈옥"), S("jailbreak"), S("탈옥"), S("jailbreak"), 7, true, false, false}, /* company */
    {S("확산 산모 모델"), S("diffus model"), S("확산 모델"), S("diffusion model"), 30, false,
     false, false},
    {S("확산"), S("diffus"), S("확산"), S("diffusion"), 3, false, false, false},
    {S("로봇"), S("robot"), S("로봇"), S("robot"), 5, true, false, true}, /* a loanword's */
    /* the head of 자동 음성 인식 (Automatic Speech Recognition) */
    {S("음성 성인 인식"), S("speech recognit"), S("음성 인식"), S("Speech Recognition"), 4,
     false, true, false},
};
#define N_PAIRS (sizeof fx_pairs / sizeof *fx_pairs)

static pdx_lexicon *open_ok(const pdx_buf *b)
{
    pdx_lexicon *lx = NULL;
    int rc = pdx_lexicon_open(&lx, b->data, b->len);
    if (rc)
        fail_msg("open: %s", pdx_lexicon_errmsg(lx));
    return lx;
}

static void test_lexicon__encode_round_trip(void **state)
{
    (void)state;
    pdx_buf b = {0};
    encode(fx_pairs, N_PAIRS, &b);
    pdx_lexicon *lx = open_ok(&b);
    assert_int_equal(pdx_lexicon_count(lx), N_PAIRS);
    assert_int_equal(pdx_lexicon_min_support(lx), 3);
    /* every pair comes back, in both orders */
    for (int side = 0; side < 2; side++) {
        size_t found = 0;
        for (uint32_t r = 0; r < N_PAIRS; r++) {
            pdx_lex_pair q;
            assert_int_equal(pdx_lexicon_get(lx, (pdx_lex_side)side, r, &q), PDX_OK);
            for (size_t i = 0; i < N_PAIRS; i++)
                found += q.support == fx_pairs[i].support && q.one_way == fx_pairs[i].one_way &&
                         q.head == fx_pairs[i].head && q.both_ways == fx_pairs[i].both_ways &&
                         str_is(q.ko_terms, q.ko_terms_len, fx_pairs[i].ko_terms) &&
                         str_is(q.en_terms, q.en_terms_len, fx_pairs[i].en_terms) &&
                         str_is(q.ko_surface, q.ko_surface_len, fx_pairs[i].ko_surface) &&
                         str_is(q.en_surface, q.en_surface_len, fx_pairs[i].en_surface);
        }
        assert_int_equal(found, N_PAIRS);
    }
    pdx_lex_pair q;
    assert_int_equal(pdx_lexicon_get(lx, PDX_LEX_KO, N_PAIRS, &q), PDX_EINVAL);
    /* input order does not matter */
    pdx_lex_pair rev[N_PAIRS];
    for (size_t i = 0; i < N_PAIRS; i++)
        rev[i] = fx_pairs[N_PAIRS - 1 - i];
    pdx_buf c = {0};
    encode(rev, N_PAIRS, &c);
    assert_int_equal(b.len, c.len);
    assert_memory_equal(b.data, c.data, b.len);
    pdx_lexicon_free(lx);
    pdx_buf_free(&b);
    pdx_buf_free(&c);
}

static void test_lexicon__encode_rejects_bad_pairs(void **state)
{
    (void)state;
    pdx_buf b = {0};
    pdx_lex_pair p[2] = {fx_pairs[0], fx_pairs[0]};
    assert_int_equal(pdx_lexicon_encode(&b, p, 2, 3), PDX_EINVAL); /* twice */
    const char *bad_keys[] = {"", " a", "a ", "a  b", "a\tb"};
    for (size_t i = 0; i < sizeof bad_keys / sizeof *bad_keys; i++) {
        p[0] = fx_pairs[0];
        p[0].en_terms = bad_keys[i];
        p[0].en_terms_len = strlen(bad_keys[i]);
        assert_int_equal(pdx_lexicon_encode(&b, p, 1, 3), PDX_EINVAL);
    }
    p[0] = fx_pairs[0];
    p[0].support = 0;
    assert_int_equal(pdx_lexicon_encode(&b, p, 1, 3), PDX_EINVAL);
    p[0].support = PDX_LEX_MAX_SUPPORT + 1; /* bit 29 is both_ways', 30 head's, 31 one_way's */
    assert_int_equal(pdx_lexicon_encode(&b, p, 1, 3), PDX_EINVAL);
    assert_int_equal(b.len, 0);
    /* an empty lexicon is valid */
    assert_int_equal(pdx_lexicon_encode(&b, NULL, 0, 3), PDX_OK);
    pdx_lexicon *lx = open_ok(&b);
    uint32_t first, count;
    assert_int_equal(pdx_lexicon_find(lx, PDX_LEX_EN, "x", 1, &first, &count), PDX_OK);
    assert_int_equal(count, 0);
    pdx_lexicon_free(lx);
    pdx_buf_free(&b);
}

/* Looks key up on side and checks the equivalents' surfaces, in order. */
static void expect_lookup(pdx_lexicon *lx, pdx_lex_side side, const char *key,
                          size_t key_len, const char *const *want, size_t n_want)
{
    uint32_t first, count;
    assert_int_equal(pdx_lexicon_find(lx, side, key, key_len, &first, &count), PDX_OK);
    assert_int_equal(count, n_want);
    for (uint32_t i = 0; i < count; i++) {
        pdx_lex_pair q;
        assert_int_equal(pdx_lexicon_get(lx, side, first + i, &q), PDX_OK);
        const char *s = side == PDX_LEX_KO ? q.en_surface : q.ko_surface;
        size_t sl = side == PDX_LEX_KO ? q.en_surface_len : q.ko_surface_len;
        if (!str_is(s, sl, want[i]))
            fail_msg("lookup %.*s: #%u is %.*s, want %s", (int)key_len, key, i, (int)sl, s,
                     want[i]);
    }
}

/* expect_lookup() with a literal key and the wanted surfaces inline. */
#define EXPECT_LOOKUP(lx, side, key, n, ...) \
    expect_lookup(lx, side, S(key), (const char *const[]){__VA_ARGS__}, n)

static void test_lexicon__lookup_both_directions(void **state)
{
    (void)state;
    pdx_buf b = {0};
    encode(fx_pairs, N_PAIRS, &b);
    pdx_lexicon *lx = open_ok(&b);
    /* a key built from terms, as a query would build it */
    pdx_buf key = {0};
    pdx_lexicon_key_add(&key, "강화", 6);
    pdx_lexicon_key_add(&key, "화학", 6);
    pdx_lexicon_key_add(&key, "학습", 6);
    assert_true(str_is((const char *)key.data, key.len, "강화 화학 학습"));
    EXPECT_LOOKUP(lx, PDX_LEX_KO, "강화 화학 학습", 2, "reinforcement learning", "RL");
    EXPECT_LOOKUP(lx, PDX_LEX_EN, "jailbreak", 1, "탈옥");
    EXPECT_LOOKUP(lx, PDX_LEX_EN, "diffus", 1, "확산");
    EXPECT_LOOKUP(lx, PDX_LEX_EN, "diffus model", 1, "확산 모델");
    EXPECT_LOOKUP(lx, PDX_LEX_KO, "확산", 1, "diffusion");
    /* prefixes and near misses find nothing */
    EXPECT_LOOKUP(lx, PDX_LEX_KO, "강화", 0, NULL);
    EXPECT_LOOKUP(lx, PDX_LEX_EN, "diffus mode", 0, NULL);
    EXPECT_LOOKUP(lx, PDX_LEX_EN, "", 0, NULL);
    EXPECT_LOOKUP(lx, PDX_LEX_EN, "zzz", 0, NULL);
    uint32_t first, count;
    assert_int_equal(pdx_lexicon_find(lx, (pdx_lex_side)7, "x", 1, &first, &count),
                     PDX_EINVAL);
    pdx_buf_free(&key);
    pdx_lexicon_free(lx);
    pdx_buf_free(&b);
}

static int key_term_fn(const pdx_token *tok, void *payload)
{
    pdx_lexicon_key_add(payload, tok->term, tok->term_len);
    return 0;
}

/* Mined, encoded, then looked up the way the searcher will: the query's
 * words through pdx_tokenize() in query mode, spelled differently from the
 * digests. */
static void test_lexicon__lookup_from_query_terms(void **state)
{
    (void)state;
    const pdx_lex_pair *p;
    size_t n;
    pdx_lexicon_miner *m = mined(3, fx_rl, N_RL, &p, &n);
    pdx_buf b = {0};
    encode(p, n, &b);
    pdx_lexicon *lx = open_ok(&b);
    pdx_tokenizer *tk = NULL;
    assert_int_equal(pdx_tokenizer_new(&tk), PDX_OK);
    static const struct {
        const char *query;  /* as a user types it */
        pdx_lex_side side;  /* the side it is looked up on */
        const char *want;   /* the equivalent's surface */
    } cases[] = {
        {"강화학습", PDX_LEX_KO, "reinforcement learning"}, /* no space */
        {"강화 학습을", PDX_LEX_KO, "reinforcement learning"}, /* particle */
        {"REINFORCEMENT learnings", PDX_LEX_EN, "강화 학습"},
        {"llm", PDX_LEX_EN, "대형 언어 모델"},
        {"트랜스포머", PDX_LEX_KO, "Transformer"},
        {"transformers", PDX_LEX_EN, "트랜스포머"},
    };
    pdx_buf key = {0};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        pdx_buf_reset(&key);
        assert_int_equal(pdx_tokenize(tk, PDX_TOKENIZE_QUERY, cases[i].query,
                                      strlen(cases[i].query), 0, NULL, key_term_fn, &key),
                         PDX_OK);
        expect_lookup(lx, cases[i].side, (const char *)key.data, key.len, &cases[i].want, 1);
    }
    pdx_buf_free(&key);
    pdx_tokenizer_free(tk);
    pdx_lexicon_free(lx);
    pdx_buf_free(&b);
    pdx_lexicon_miner_free(m);
}

/* Restamps the checksum so that structural checks are reached. */
static void restamp(uint8_t *d, size_t len)
{
    if (len >= 32)
        pdx_put_u64(d + 24, pdx_hash(d + 32, len - 32));
}

/* Opens d[0..len) expecting failure with a message, or success with every
 * pair readable; never a crash (ASan/UBSan run this too). */
static void open_any(const uint8_t *d, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, d, len);
    pdx_lexicon *lx = NULL;
    int rc = pdx_lexicon_open(&lx, copy, len);
    assert_non_null(lx);
    if (rc == PDX_OK) {
        for (uint32_t i = 0; i < pdx_lexicon_count(lx); i++) {
            pdx_lex_pair q;
            assert_int_equal(pdx_lexicon_get(lx, PDX_LEX_EN, i, &q), PDX_OK);
            uint32_t first, count;
            assert_int_equal(pdx_lexicon_find(lx, PDX_LEX_EN, q.en_terms, q.en_terms_len,
                                              &first, &count), PDX_OK);
            assert_true(count >= 1);
        }
    } else {
        assert_true(rc == PDX_ECORRUPT || rc == PDX_EVERSION);
        assert_non_null(strstr(pdx_lexicon_errmsg(lx), "byte offset"));
        uint32_t first, count;
        assert_int_equal(pdx_lexicon_find(lx, PDX_LEX_KO, "x", 1, &first, &count), rc);
    }
    pdx_lexicon_free(lx);
    free(copy);
}

static void test_lexicon__corrupt_rejected(void **state)
{
    (void)state;
    pdx_buf b = {0};
    encode(fx_pairs, N_PAIRS, &b);
    /* every truncation fails cleanly */
    for (size_t len = 0; len < b.len; len++) {
        pdx_lexicon *lx = NULL;
        uint8_t *copy = malloc(len ? len : 1);
        memcpy(copy, b.data, len);
        assert_int_equal(pdx_lexicon_open(&lx, copy, len), PDX_ECORRUPT);
        pdx_lexicon_free(lx);
        free(copy);
    }
    /* a flipped byte anywhere is caught by the checksum */
    uint8_t *d = malloc(b.len);
    for (size_t i = 32; i < b.len; i++) {
        memcpy(d, b.data, b.len);
        d[i] ^= 0x40;
        pdx_lexicon *lx = NULL;
        assert_int_equal(pdx_lexicon_open(&lx, d, b.len), PDX_ECORRUPT);
        assert_non_null(strstr(pdx_lexicon_errmsg(lx), "checksum"));
        pdx_lexicon_free(lx);
    }
    /* with the checksum restamped, structure checks catch the rest: every
     * byte set to a few hostile values */
    static const uint8_t vals[] = {0x00, 0x01, 0x20, 0x7f, 0x80, 0xff};
    for (size_t i = 0; i < b.len; i++)
        for (size_t v = 0; v < sizeof vals; v++) {
            memcpy(d, b.data, b.len);
            d[i] = vals[v];
            restamp(d, b.len);
            open_any(d, b.len);
        }
    /* the version is named as such */
    memcpy(d, b.data, b.len);
    pdx_put_u32(d + 8, PDX_LEXICON_VERSION + 1);
    pdx_lexicon *lx = NULL;
    assert_int_equal(pdx_lexicon_open(&lx, d, b.len), PDX_EVERSION);
    pdx_lexicon_free(lx);
    /* version 1 is read, every pair both ways and stated (it had no
     * flags): the flag bits are the support's */
    memcpy(d, b.data, b.len);
    pdx_put_u32(d + 8, 1);
    restamp(d, b.len);
    assert_int_equal(pdx_lexicon_open(&lx, d, b.len), PDX_OK);
    for (uint32_t r = 0; r < N_PAIRS; r++) {
        pdx_lex_pair q;
        assert_int_equal(pdx_lexicon_get(lx, PDX_LEX_KO, r, &q), PDX_OK);
        assert_false(q.one_way);
        assert_false(q.head);
    }
    pdx_lexicon_free(lx);
    /* version 2 has one_way in bit 31 and no head bit: bit 30 is support */
    memcpy(d, b.data, b.len);
    pdx_put_u32(d + 8, 2);
    restamp(d, b.len);
    assert_int_equal(pdx_lexicon_open(&lx, d, b.len), PDX_OK);
    size_t one_way = 0, big = 0;
    for (uint32_t r = 0; r < N_PAIRS; r++) {
        pdx_lex_pair q;
        assert_int_equal(pdx_lexicon_get(lx, PDX_LEX_KO, r, &q), PDX_OK);
        assert_false(q.head);
        one_way += q.one_way;
        big += q.support == (1u << 30) + 4; /* the head's, read as version 2 */
    }
    assert_int_equal(one_way, 2);
    assert_int_equal(big, 1);
    pdx_lexicon_free(lx);
    /* version 3 has no both_ways bit: bit 29 is support */
    memcpy(d, b.data, b.len);
    pdx_put_u32(d + 8, 3);
    restamp(d, b.len);
    assert_int_equal(pdx_lexicon_open(&lx, d, b.len), PDX_OK);
    size_t heads = 0, loan_big = 0;
    for (uint32_t r = 0; r < N_PAIRS; r++) {
        pdx_lex_pair q;
        assert_int_equal(pdx_lexicon_get(lx, PDX_LEX_KO, r, &q), PDX_OK);
        assert_false(q.both_ways);
        heads += q.head;
        loan_big += q.one_way && q.support == (1u << 29) + 5; /* 로봇's */
    }
    assert_int_equal(heads, 1);
    assert_int_equal(loan_big, 1);
    pdx_lexicon_free(lx);
    /* offsets pointing outside the strings, out of order pairs */
    memcpy(d, b.data, b.len);
    pdx_put_u32(d + 32 + 4, 0xfffffff0u);
    restamp(d, b.len);
    assert_int_equal(pdx_lexicon_open(&lx, d, b.len), PDX_ECORRUPT);
    assert_non_null(strstr(pdx_lexicon_errmsg(lx), "English terms"));
    pdx_lexicon_free(lx);
    memcpy(d, b.data, b.len);
    memcpy(d + 32, b.data + 48, 16); /* pair 0 := pair 1 */
    restamp(d, b.len);
    assert_int_equal(pdx_lexicon_open(&lx, d, b.len), PDX_ECORRUPT);
    assert_non_null(strstr(pdx_lexicon_errmsg(lx), "order"));
    pdx_lexicon_free(lx);
    /* pairs 0 and 1 swapped, and their ordinals in the English order too,
     * so that only the Korean order is wrong */
    memcpy(d, b.data, b.len);
    memcpy(d + 32, b.data + 48, 16);
    memcpy(d + 48, b.data + 32, 16);
    size_t en_order = 32 + 16 * N_PAIRS;
    for (size_t i = 0; i < N_PAIRS; i++) {
        uint32_t ord = pdx_get_u32(d + en_order + 4 * i);
        if (ord < 2)
            pdx_put_u32(d + en_order + 4 * i, 1 - ord);
    }
    restamp(d, b.len);
    assert_int_equal(pdx_lexicon_open(&lx, d, b.len), PDX_ECORRUPT);
    assert_non_null(strstr(pdx_lexicon_errmsg(lx), "pairs out of order"));
    pdx_lexicon_free(lx);
    free(d);
    pdx_buf_free(&b);
}
/* Looks up every key of an intact copy in a lazily opened, possibly
 * damaged one: each lookup either answers or fails with PDX_ECORRUPT and a
 * message with the byte offset, which then sticks; never a crash or an
 * out-of-bounds read (ASan/UBSan run this too). Returns true when a lookup
 * found damage. */
static bool lookup_all_lazy(const uint8_t *d, size_t len, const pdx_lexicon *good)
{
    uint8_t *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, d, len);
    pdx_lexicon *lx = NULL;
    int rc = pdx_lexicon_open_lazy(&lx, copy, len);
    assert_non_null(lx);
    bool found = rc != PDX_OK;
    for (uint32_t i = 0; rc == PDX_OK && i < pdx_lexicon_count(good); i++) {
        pdx_lex_pair g, q;
        assert_int_equal(pdx_lexicon_get(good, PDX_LEX_KO, i, &g), PDX_OK);
        uint32_t first = 0, count = 0;
        rc = pdx_lexicon_find(lx, PDX_LEX_KO, g.ko_terms, g.ko_terms_len, &first, &count);
        if (rc == PDX_OK)
            rc = pdx_lexicon_find(lx, PDX_LEX_EN, g.en_terms, g.en_terms_len, &first, &count);
        for (uint32_t r = first; rc == PDX_OK && r < first + count; r++)
            rc = pdx_lexicon_get(lx, PDX_LEX_EN, r, &q);
    }
    if (rc != PDX_OK) {
        found = true;
        assert_true(rc == PDX_ECORRUPT || rc == PDX_EVERSION);
        assert_int_equal(pdx_lexicon_error(lx), rc);
        assert_non_null(strstr(pdx_lexicon_errmsg(lx), "byte offset"));
        uint32_t first, count;
        assert_int_equal(pdx_lexicon_find(lx, PDX_LEX_KO, "x", 1, &first, &count), rc);
        assert_int_equal(pdx_lexicon_verify(lx), rc);
    }
    pdx_lexicon_free(lx);
    free(copy);
    return found;
}

/* One thread's lookups on a shared, damaged lexicon: every Korean key of
 * the intact copy, from a different start per thread, so threads find
 * different damaged records first. */
typedef struct lazy_thread {
    const pdx_lexicon *lx;   /* shared, lazily opened, damaged */
    const pdx_lexicon *good; /* the intact copy: the keys */
    uint32_t start;          /* first key looked up */
    int rc;                  /* the first failing lookup's code */
    char msg[200];           /* pdx_lexicon_errmsg() right after it */
} lazy_thread;

static void *lazy_lookups(void *arg)
{
    lazy_thread *t = arg;
    uint32_t n = pdx_lexicon_count(t->good);
    t->rc = PDX_OK;
    for (uint32_t i = 0; i < n && t->rc == PDX_OK; i++) {
        pdx_lex_pair g;
        uint32_t first, count;
        if (pdx_lexicon_get(t->good, PDX_LEX_KO, (t->start + i) % n, &g) == PDX_OK)
            t->rc = pdx_lexicon_find(t->lx, PDX_LEX_KO, g.ko_terms, g.ko_terms_len, &first,
                                     &count);
    }
    snprintf(t->msg, sizeof t->msg, "%s", pdx_lexicon_errmsg(t->lx));
    return NULL;
}

/* Searchers on one index may share its lexicon across threads: the first
 * fault found sticks whole, and every thread reports that one. */
static void test_lexicon__lazy_fault_shared_by_threads(void **state)
{
    (void)state;
    pdx_buf b = {0};
    encode(fx_pairs, N_PAIRS, &b);
    pdx_lexicon *good = open_ok(&b);
    uint8_t *d = malloc(b.len);
    assert_non_null(d);
    for (int round = 0; round < 20; round++) {
        memcpy(d, b.data, b.len);
        /* every Korean offset past STRINGS but the middle record's, the
         * binary search's first probe: keys below and above it then find
         * different damaged records first */
        for (size_t i = 0; i < N_PAIRS; i++)
            if (i != N_PAIRS / 2)
                pdx_put_u32(d + 32 + 16 * i, 0xfffffff0u);
        pdx_lexicon *lx = NULL;
        assert_int_equal(pdx_lexicon_open_lazy(&lx, d, b.len), PDX_OK);
        lazy_thread t[4];
        pthread_t th[4];
        for (int i = 0; i < 4; i++) {
            t[i] = (lazy_thread){.lx = lx, .good = good, .start = (uint32_t)(i * N_PAIRS / 4)};
            assert_int_equal(pthread_create(&th[i], NULL, lazy_lookups, &t[i]), 0);
        }
        for (int i = 0; i < 4; i++)
            assert_int_equal(pthread_join(th[i], NULL), 0);
        for (int i = 0; i < 4; i++) {
            assert_int_equal(t[i].rc, PDX_ECORRUPT);
            assert_string_equal(t[i].msg, pdx_lexicon_errmsg(lx));
        }
        assert_non_null(strstr(pdx_lexicon_errmsg(lx), "bad Korean terms string"));
        pdx_lexicon_free(lx);
    }
    free(d);
    pdx_lexicon_free(good);
    pdx_buf_free(&b);
}

/* A search opens the lexicon lazily (header only) and checks each record a
 * lookup reads; the checksum and the records no lookup reads are left to
 * pdx_lexicon_verify (--check). */
static void test_lexicon__lazy_open_checks_what_it_reads(void **state)
{
    (void)state;
    pdx_buf b = {0};
    encode(fx_pairs, N_PAIRS, &b);
    pdx_lexicon *good = open_ok(&b);
    uint8_t *d = malloc(b.len);
    assert_non_null(d);
    /* a flipped checksum byte: the lazy open and every lookup are fine,
     * verify names the checksum */
    memcpy(d, b.data, b.len);
    d[24] ^= 0x40;
    pdx_lexicon *lx = NULL;
    assert_int_equal(pdx_lexicon_open_lazy(&lx, d, b.len), PDX_OK);
    assert_false(lookup_all_lazy(d, b.len, good));
    assert_int_equal(pdx_lexicon_verify(lx), PDX_ECORRUPT);
    assert_non_null(strstr(pdx_lexicon_errmsg(lx), "checksum"));
    assert_int_equal(pdx_lexicon_count(lx), 0);
    pdx_lexicon_free(lx);
    /* a record's offset out of the strings: the lookup reading it fails,
     * naming the record's byte offset */
    memcpy(d, b.data, b.len);
    pdx_put_u32(d + 32 + 4, 0xfffffff0u);
    assert_int_equal(pdx_lexicon_open_lazy(&lx, d, b.len), PDX_OK);
    pdx_lex_pair p;
    assert_int_equal(pdx_lexicon_get(lx, PDX_LEX_KO, 0, &p), PDX_ECORRUPT);
    assert_non_null(strstr(pdx_lexicon_errmsg(lx), "byte offset 36: bad English terms"));
    assert_int_equal(pdx_lexicon_error(lx), PDX_ECORRUPT);
    pdx_lexicon_free(lx);
    /* an English ordinal past the pairs */
    memcpy(d, b.data, b.len);
    for (size_t i = 0; i < N_PAIRS; i++)
        pdx_put_u32(d + 32 + 16 * N_PAIRS + 4 * i, 0xffffu);
    assert_true(lookup_all_lazy(d, b.len, good));
    /* the sizes are still checked at open */
    memcpy(d, b.data, b.len);
    pdx_put_u32(d + 12, N_PAIRS + 1);
    assert_int_equal(pdx_lexicon_open_lazy(&lx, d, b.len), PDX_ECORRUPT);
    pdx_lexicon_free(lx);
    /* every byte set to a few hostile values, no checksum restamped: every
     * lookup answers or fails cleanly; damage to a string, a support or an
     * ordinal that the lookups read is found */
    static const uint8_t vals[] = {0x00, 0x01, 0x20, 0x7f, 0x80, 0xff};
    size_t strings = 32 + 20 * (size_t)N_PAIRS, found = 0;
    for (size_t i = 0; i < b.len; i++)
        for (size_t v = 0; v < sizeof vals; v++) {
            memcpy(d, b.data, b.len);
            d[i] = vals[v];
            if (lookup_all_lazy(d, b.len, good) && i >= strings)
                found++;
        }
    assert_true(found > 0);
    free(d);
    pdx_lexicon_free(good);
    pdx_buf_free(&b);
}


/* ---- the corpus ---- */

/* Feeding the corpus to a miner, each arXiv id once (the index keeps one
 * copy of a paper listed on two days, so the miner sees one). */
typedef struct corpus_run {
    pdx_lexicon_miner *m; /* the miner fed; NULL: parse only */
    uint64_t *seen;       /* hashes of the ids fed (open addressing, 0 empty) */
    size_t seen_slots;    /* power of two */
    uint64_t papers;      /* papers fed */
    pdx_assoc *a;         /* also fed, when not NULL: its pairs are added */
} corpus_run;

/* True the first time an id is seen. */
static bool first_sighting(corpus_run *r, const char *id, size_t len)
{
    if (!r->seen) {
        r->seen_slots = 1 << 16;
        r->seen = calloc(r->seen_slots, sizeof *r->seen);
        assert_non_null(r->seen);
    }
    uint64_t h = pdx_hash(id, len) | 1;
    size_t i = (size_t)h & (r->seen_slots - 1);
    while (r->seen[i] && r->seen[i] != h)
        i = (i + 1) & (r->seen_slots - 1);
    bool first = r->seen[i] == 0;
    r->seen[i] = h;
    return first && r->papers < r->seen_slots / 2;
}

static int feed_paper(const pdx_paper *p, void *payload)
{
    corpus_run *r = payload;
    if (!first_sighting(r, p->id, p->id_len) || !r->m)
        return 0;
    int rc = pdx_lexicon_miner_add_paper(r->m, p->title, p->title_len, p->summary,
                                         p->summary_len);
    if (!rc && r->a)
        rc = pdx_assoc_add_paper(r->a, p->id, p->id_len, p->title, p->title_len, p->summary,
                                 p->summary_len);
    r->papers++;
    return rc;
}

/* Mines paths (r->m NULL: parses only); returns the pairs (owned by
 * r->m). */
static int mine_paths(const char *const *paths, size_t n_paths, corpus_run *r,
                      const pdx_lex_pair **p, size_t *n)
{
    pdx_parse_cb cb = {feed_paper, NULL, r};
    pdx_parse_stats st = {0};
    int rc = pdx_parse_paths(paths, n_paths, &cb, &st);
    free(r->seen);
    r->seen = NULL;
    if (rc || !r->m)
        return rc;
    rc = pdx_lexicon_miner_finish(r->m, p, n);
    return rc || !r->a ? rc : pdx_assoc_pairs(r->a, *p, *n, p, n);
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char *corpus_dir(char *buf, size_t size)
{
    const char *shared = fx_shared_dir();
    if (!shared)
        return NULL;
    snprintf(buf, size, "%s/corpus/paper_logs", shared);
    return buf;
}

/* The support of the pair with these term sequences, 0 when absent. */
static uint32_t find_terms(const pdx_lex_pair *p, size_t n, const char *ko, const char *en)
{
    for (size_t i = 0; i < n; i++)
        if (str_is(p[i].ko_terms, p[i].ko_terms_len, ko) &&
            str_is(p[i].en_terms, p[i].en_terms_len, en))
            return p[i].support;
    return 0;
}

static void test_lexicon__corpus_known_pairs(void **state)
{
    (void)state;
    char dir[4200];
    if (!corpus_dir(dir, sizeof dir))
        skip();
    corpus_run r = {new_miner(0, 0), NULL, 0, 0, NULL};
    const pdx_lex_pair *p;
    size_t n;
    const char *paths[] = {dir};
    assert_int_equal(mine_paths(paths, 1, &r, &p, &n), PDX_OK);
    assert_true(r.papers > 4000);
    /* well-known pairs, each stated many times in the corpus (checked
     * with grep first; 탈옥(jailbreak) is there only twice, below the
     * threshold) */
    assert_true(find_terms(p, n, "강화 화학 학습", "reinforc learn") >= 20);
    assert_true(find_terms(p, n, "확산 산모 모델", "diffus model") >= 20);
    assert_true(find_terms(p, n, "대형 형언 언어 어모 모델", "llm") >= 100);
    assert_true(find_terms(p, n, "환각", "hallucin") >= 10);
    assert_true(find_terms(p, n, "데이 이터 터증 증강", "data augment") >= 10);
    /* loanwords, which no parenthesis states (they are heard): the
     * title says "Robot", the summary 로봇 */
    assert_true(find_terms(p, n, "로봇", "robot") >= 20);
    assert_true(find_terms(p, n, "카메 메라", "camera") >= 20);
    assert_true(find_terms(p, n, "그래 래프", "graph") >= 20);
    assert_true(find_terms(p, n, "컨텍 텍스 스트", "context") >= 20);
    /* common ones too (비디오 is in 15% of the papers, video in 13%: 208
     * papers write 비디오 and never video, and an English query missed
     * them), but not a loanword in more than a fifth of the papers
     * (이미지): the search would not expand it (PDX_LEXICON_MAX_DF_SHARE) */
    assert_true(find_terms(p, n, "비디 디오", "video") >= 100);
    assert_true(find_terms(p, n, "토큰", "token") >= 20);
    assert_int_equal(find_terms(p, n, "이미 미지", "imag"), 0);
    /* and not a common word with a sound-alike: 연구 (research, in a
     * third of the papers) is N K, like "young" or "link" */
    for (size_t i = 0; i < n; i++)
        assert_false(p[i].ko_terms_len == strlen("연구") &&
                     memcmp(p[i].ko_terms, "연구", p[i].ko_terms_len) == 0);
    /* and no noisy left boundary among the most supported */
    assert_int_equal(find_terms(p, n, "학습", "reinforc learn"), 0);
    assert_int_equal(find_terms(p, n, "통한 한강 강화 화학 학습", "rlhf"), 0);
    /* a sane size: hundreds to a few thousand pairs, none below the
     * threshold, the encoded form well under a megabyte */
    assert_in_range(n, 200, 5000);
    for (size_t i = 0; i < n; i++)
        assert_true(p[i].support >= PDX_LEXICON_MIN_SUPPORT);
    pdx_buf b = {0};
    encode(p, n, &b);
    assert_true(b.len < 1024 * 1024);
    pdx_lexicon *lx = open_ok(&b);
    assert_int_equal(pdx_lexicon_count(lx), n);
    pdx_lexicon_free(lx);
    pdx_buf_free(&b);
    pdx_lexicon_miner_free(r.m);
}

/* ---- --dump: the precision list ---- */

static int dump(int argc, char **argv)
{
    size_t top = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 200;
    char dir[4200];
    const char *def[] = {corpus_dir(dir, sizeof dir)};
    const char *const *paths = argc > 3 ? (const char *const *)argv + 3 : def;
    size_t n_paths = argc > 3 ? (size_t)argc - 3 : 1;
    if (!paths[0]) {
        fprintf(stderr, "no shared corpus; give PATHs\n");
        return 2;
    }
    /* PDX_LEXICON_MAX_CANDIDATES shrinks the candidate table, to see how
     * pruning (what a 200x corpus would hit) changes the result;
     * PDX_LEXICON_MIN_SUPPORT changes the threshold */
    const char *cap = getenv("PDX_LEXICON_MAX_CANDIDATES");
    const char *min = getenv("PDX_LEXICON_MIN_SUPPORT"); /* and the threshold */
    pdx_lexicon_miner_opts o = {min ? (uint32_t)strtoul(min, NULL, 10) : 0,
                                cap ? (size_t)strtoull(cap, NULL, 10) : 0};
    pdx_lexicon_miner *m = NULL;
    if (pdx_lexicon_miner_new(&m, &o))
        return 1;
    /* CPU time, not wall time: the machine is shared. Parse alone, then
     * parse and mine; the difference is the miner's cost. */
    corpus_run r0 = {NULL, NULL, 0, 0, NULL};
    double t0 = cpu_s();
    mine_paths(paths, n_paths, &r0, NULL, NULL);
    double parse_only = cpu_s() - t0;
    corpus_run r = {m, NULL, 0, 0, NULL};
    if (pdx_assoc_new(&r.a, 0))
        return 1;
    const pdx_lex_pair *p;
    size_t n;
    t0 = cpu_s();
    int rc = mine_paths(paths, n_paths, &r, &p, &n);
    double total = cpu_s() - t0;
    if (rc) {
        fprintf(stderr, "mining failed: %s\n", pdx_strerror(rc));
        pdx_lexicon_miner_free(m);
        return 1;
    }
    size_t n_mined = n - pdx_assoc_added(r.a); /* the title-summary pairs come last */
    for (size_t i = 0; i < n && i < top; i++)
        printf("%zu\t%s%u\t%.*s\t%.*s\t[%.*s | %.*s]\n", i + 1,
               i < n_mined ? "" : p[i].one_way ? "A" : "AS",
               p[i].support,
               (int)p[i].ko_surface_len, p[i].ko_surface, (int)p[i].en_surface_len,
               p[i].en_surface, (int)p[i].ko_terms_len, p[i].ko_terms,
               (int)p[i].en_terms_len, p[i].en_terms);
    static const uint32_t bounds[] = {3, 5, 10, 20, 50, 100, 1000};
    printf("pairs: %zu\nsupport:", n);
    for (size_t b = 0; b < sizeof bounds / sizeof *bounds; b++) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            k += p[i].support >= bounds[b];
        printf(" >=%u: %zu", bounds[b], k);
    }
    pdx_buf enc = {0};
    pdx_lexicon_encode(&enc, p, n, o.min_support ? o.min_support : PDX_LEXICON_MIN_SUPPORT);
    pdx_lexicon_miner_stats st;
    pdx_lexicon_miner_get_stats(m, &st);
    printf("\npapers: %llu, occurrences: %llu, candidates: %llu, prunes: %llu, "
           "encoded: %zu bytes\n"
           "CPU: parse %.1f ms, parse + mine %.1f ms: the miner costs %.1f ms\n",
           (unsigned long long)r.papers, (unsigned long long)st.occurrences,
           (unsigned long long)st.candidates, (unsigned long long)st.prunes, enc.len,
           parse_only * 1e3, total * 1e3,
           (total - parse_only) * 1e3);
    pdx_buf_free(&enc);
    pdx_lexicon_miner_free(m);
    pdx_assoc_free(r.a);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--dump") == 0)
        return dump(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lexicon__mine_expected_pairs),
        cmocka_unit_test(test_lexicon__mine_noise_and_contained),
        cmocka_unit_test(test_lexicon__mine_acronyms),
        cmocka_unit_test(test_lexicon__mine_heads),
        cmocka_unit_test(test_lexicon__mine_known_head_moves_no_pair),
        cmocka_unit_test(test_lexicon__mine_threshold),
        cmocka_unit_test(test_lexicon__mine_order_independent),
        cmocka_unit_test(test_lexicon__mine_hostile_text),
        cmocka_unit_test(test_lexicon__encode_round_trip),
        cmocka_unit_test(test_lexicon__encode_rejects_bad_pairs),
        cmocka_unit_test(test_lexicon__lookup_both_directions),
        cmocka_unit_test(test_lexicon__lookup_from_query_terms),
        cmocka_unit_test(test_lexicon__corrupt_rejected),
        cmocka_unit_test(test_lexicon__lazy_open_checks_what_it_reads),
        cmocka_unit_test(test_lexicon__lazy_fault_shared_by_threads),
        cmocka_unit_test(test_lexicon__corpus_known_pairs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
