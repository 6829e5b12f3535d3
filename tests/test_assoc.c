/*
 * The title-summary association (indexer/assoc.c): which Korean summary
 * words are paired with which English title words, and what keeps a pair
 * out. Fixtures are made-up papers: filler titles and summaries of words
 * no other paper has, and a few papers about one idea.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "assoc.h"
#include "common.h"
#include "lexicon.h"

#define NPAPERS 80

/* Paper i of the fixture: id, title, summary (static buffers). */
typedef struct fpaper {
    char id[16], title[128], summary[256];
} fpaper;

/* A filler word of letters only, its own to paper i. */
static void filler_en(char *out, size_t cap, size_t i)
{
    snprintf(out, cap, "zq%c%c%c", 'a' + (int)(i % 26), 'a' + (int)(i / 26 % 26), 'k');
}

/* Two Hangul syllables of paper i's own (UTF-8). */
static void filler_ko(char *out, size_t cap, size_t i)
{
    unsigned a = 0xB098 + (unsigned)i * 29 % 2000, b = 0xC0AC + (unsigned)i * 31 % 2000;
    snprintf(out, cap, "%c%c%c%c%c%c", 0xE0 | (a >> 12), 0x80 | ((a >> 6) & 0x3F),
             0x80 | (a & 0x3F), 0xE0 | (b >> 12), 0x80 | ((b >> 6) & 0x3F), 0x80 | (b & 0x3F));
}

/* Paper i of a fixture with ids PREFIX.NNNNN: title t and summary s, each
 * with paper i's own filler word. */
static void put_paper(fpaper *p, const char *prefix, size_t i, const char *t, const char *s)
{
    char en[16], ko[16];
    filler_en(en, sizeof en, i);
    filler_ko(ko, sizeof ko, i);
    snprintf(p->id, sizeof p->id, "%s.%05zu", prefix, i);
    snprintf(p->title, sizeof p->title, "%s %s", t, en);
    snprintf(p->summary, sizeof p->summary, "- 이 논문은 %s을 다룬다. %s", ko, s);
}

/* The fixture: papers 0-5 say 탈옥 and have Jailbreak in the title (as
 * written two ways, Jailbreaking in four of them), 6-7 say 탈옥 only; 10-14 say 주행 under Driving;
 * 20-23 say 양자 under Quantum (four papers: too few for a guessed pair);
 * 40-44 say 감마 under Alpha and Zulu, a tie (Zulu comes first in paper
 * 40, so the first word seen depends on the order); every paper says 논문
 * under Paper (all of them: too common); the rest is filler. */
static void make_papers(fpaper *p)
{
    static const char *const jail[] = {"Jailbreak Attacks", "Jailbreaking Chatbots",
                                       "Jailbreaking Agents"};
    for (size_t i = 0; i < NPAPERS; i++) {
        char en[16], ko[16];
        filler_en(en, sizeof en, i);
        filler_ko(ko, sizeof ko, i);
        const char *t = i < 6 ? jail[i % 3] : i >= 10 && i < 15 ? "Driving"
                                          : i >= 20 && i < 24 ? "Quantum"
                                          : i == 40           ? "Zulu Alpha"
                                          : i > 40 && i < 45  ? "Alpha Zulu" : "";
        const char *s = i < 8 ? "탈옥을" : i >= 10 && i < 15 ? "주행"
                                          : i >= 20 && i < 24 ? "양자"
                                          : i >= 40 && i < 45 ? "감마" : "";
        snprintf(p[i].id, sizeof p[i].id, "2501.%05zu", i);
        snprintf(p[i].title, sizeof p[i].title, "%s Paper %s", t, en);
        snprintf(p[i].summary, sizeof p[i].summary, "- 이 논문은 %s을 다룬다. %s", ko, s);
    }
}

/* A counter fed p[0, n), in reverse when asked, scored half way then
 * (a score that papers added later must make stale). */
static pdx_assoc *fed(const fpaper *p, size_t n, bool reverse)
{
    pdx_assoc *a = NULL;
    assert_int_equal(pdx_assoc_new(&a, n), PDX_OK);
    for (size_t k = 0; k < n; k++) {
        if (reverse && k == n / 2)
            assert_int_equal(pdx_assoc_score(a), PDX_OK);
        const fpaper *x = &p[reverse ? n - 1 - k : k];
        assert_int_equal(pdx_assoc_add_paper(a, x->id, strlen(x->id), x->title, strlen(x->title),
                                             x->summary, strlen(x->summary)),
                         PDX_OK);
    }
    return a;
}

static bool is(const char *s, size_t n, const char *want)
{
    return n == strlen(want) && !memcmp(s, want, n);
}

/* The pair with Korean terms ko in p[0, n), or NULL. */
static const pdx_lex_pair *find_ko(const pdx_lex_pair *p, size_t n, const char *ko)
{
    for (size_t i = 0; i < n; i++)
        if (is(p[i].ko_terms, p[i].ko_terms_len, ko))
            return &p[i];
    return NULL;
}

/* 탈옥 gets jailbreak (the term of both spellings, shown as the one most
 * titles write), 주행 gets drive, 감마 alpha (of two as good); one way, supported by the papers shared; no
 * other word is paired: 양자 and Quantum share four papers, 논문 and Paper
 * are in every paper, the filler words in one. */
static void test_assoc__words_that_keep_company(void **state)
{
    (void)state;
    static fpaper p[NPAPERS];
    make_papers(p);
    pdx_assoc *a = fed(p, NPAPERS, false);
    const pdx_lex_pair *out;
    size_t n;
    assert_int_equal(pdx_assoc_pairs(a, NULL, 0, &out, &n), PDX_OK);
    assert_int_equal(n, 3);
    assert_int_equal(pdx_assoc_added(a), 3);
    assert_int_equal(pdx_assoc_papers(a), NPAPERS);
    const pdx_lex_pair *j = find_ko(out, n, "탈옥"), *d = find_ko(out, n, "주행");
    assert_non_null(j);
    assert_non_null(d);
    assert_true(is(j->en_terms, j->en_terms_len, "jailbreak"));
    assert_true(is(j->en_surface, j->en_surface_len, "jailbreaking"));
    assert_true(is(j->ko_surface, j->ko_surface_len, "탈옥"));
    assert_int_equal(j->support, 6);
    assert_true(j->one_way);
    assert_false(j->head);
    assert_true(is(d->en_terms, d->en_terms_len, "drive"));
    assert_true(is(d->en_surface, d->en_surface_len, "driving"));
    assert_int_equal(d->support, 5);
    const pdx_lex_pair *g = find_ko(out, n, "감마"); /* a tie: the least word */
    assert_non_null(g);
    assert_true(is(g->en_terms, g->en_terms_len, "alpha"));
    pdx_buf enc = {0}; /* what the lexicon encoder takes */
    assert_int_equal(pdx_lexicon_encode(&enc, out, n, 3), PDX_OK);
    pdx_buf_free(&enc);
    pdx_assoc_free(a);
}

/* A Korean word with a pair of the miner's keeps only that: the digests
 * translate it. The miner's pairs come first, unchanged. */
static void test_assoc__stated_word_keeps_its_pairs(void **state)
{
    (void)state;
    static fpaper p[NPAPERS];
    make_papers(p);
    pdx_assoc *a = fed(p, NPAPERS, false);
    pdx_lex_pair mined = {"탈옥", strlen("탈옥"), "prison break", 12, "탈옥", strlen("탈옥"),
                          "prison break", 12, 3, false, false, false};
    const pdx_lex_pair *out;
    size_t n;
    assert_int_equal(pdx_assoc_pairs(a, &mined, 1, &out, &n), PDX_OK);
    assert_int_equal(n, 3);
    assert_true(is(out[0].en_terms, out[0].en_terms_len, "prison break"));
    assert_false(out[0].one_way);
    assert_null(find_ko(out + 1, 2, "탈옥"));
    assert_non_null(find_ko(out + 1, 2, "주행"));
    pdx_assoc_free(a);
}

/* The fixture of statements, filler elsewhere:
 *  - 50-53 say 요약 under Summarization, 50 and 51 as `요약(summarization)`:
 *    four papers, too few for a pair by company alone, enough for a stated
 *    one, and two statements;
 *  - 10-15 say 도구 under Tool, 12 as `도구(tool)`: six papers, a pair by
 *    company alone, stated once;
 *  - 60-66 have Refusal in the title; 60-63 say 거부, 61 as `refusal(거부)`
 *    (four papers, one statement), and 60-65 say 방패, which keeps closer
 *    company (Dice) but is stated by none;
 *  - 70-76 have Decoder in the title; 70-73 say 디코더 (the miner's, when
 *    given), 70 as `디코더(decoder)`, and 70-75 say 복호;
 *  - 30-35 say 음성, 30-34 under Speech, 30 as `음성(text-to-speech)` and 31
 *    as `text-to-speech(음성)`: the last word of a longer name, no
 *    statement. */
static void make_stated_papers(fpaper *p)
{
    for (size_t i = 0; i < NPAPERS; i++) {
        const char *t = i >= 50 && i < 54   ? "Summarization"
                        : i >= 10 && i < 16 ? "Tool"
                        : i >= 60 && i < 67 ? "Refusal"
                        : i >= 70 && i < 77 ? "Decoder"
                        : i >= 30 && i < 35 ? "Speech" : "";
        const char *s = i == 50 || i == 51  ? "요약(summarization)"
                        : i > 51 && i < 54  ? "요약"
                        : i == 12           ? "도구(tool)"
                        : i >= 10 && i < 16 ? "도구"
                        : i == 61           ? "refusal(거부) 방패"
                        : i >= 60 && i < 64 ? "거부 방패"
                        : i >= 64 && i < 66 ? "방패"
                        : i == 70           ? "디코더(decoder) 복호"
                        : i > 70 && i < 74  ? "디코더 복호"
                        : i >= 74 && i < 76 ? "복호"
                        : i == 30           ? "음성(text-to-speech)"
                        : i == 31           ? "text-to-speech(음성)"
                        : i > 31 && i < 36  ? "음성" : "";
        put_paper(&p[i], "2502", i, t, s);
    }
}

/* A pair a summary states needs the stated pairs' support (요약, 4
 * papers) and is preferred to a closer one by company alone (refusal
 * takes 거부, not 방패), unless the miner paired it (decoder keeps 복호
 * when 디코더 is the miner's). Stated by two papers (요약), or once of a
 * pair company alone would make (도구, 6 papers), it is used both ways;
 * one statement that lets a pair in (거부, 4 papers) is not enough for
 * that. The last word of a longer name states nothing (음성 stays one
 * way, though it keeps company with Speech in 5 papers). */
static void test_assoc__stated(void **state)
{
    (void)state;
    static fpaper p[NPAPERS];
    make_stated_papers(p);
    pdx_assoc *a = fed(p, NPAPERS, false);
    pdx_lex_pair mined = {"디코 코더", strlen("디코 코더"), "decoder", 7, "디코더", strlen("디코더"),
                          "decoder", 7, 3, false, false, false};
    const pdx_lex_pair *out;
    size_t n;
    assert_int_equal(pdx_assoc_pairs(a, &mined, 1, &out, &n), PDX_OK);
    const pdx_lex_pair *sum = find_ko(out, n, "요약"), *ref = find_ko(out, n, "거부"),
                       *dec = find_ko(out, n, "복호"), *tool = find_ko(out, n, "도구"),
                       *speech = find_ko(out, n, "음성");
    assert_non_null(sum);
    assert_true(is(sum->en_terms, sum->en_terms_len, "summar"));
    assert_false(sum->one_way);
    assert_int_equal(sum->support, 4);
    assert_non_null(tool);
    assert_false(tool->one_way);
    assert_non_null(ref);
    assert_true(is(ref->en_terms, ref->en_terms_len, "refus"));
    assert_true(ref->one_way);
    assert_null(find_ko(out, n, "방패"));
    assert_non_null(dec);
    assert_true(is(dec->en_terms, dec->en_terms_len, "decoder"));
    assert_true(dec->one_way);
    assert_non_null(speech);
    assert_true(speech->one_way);
    assert_int_equal(n, 6);
    pdx_assoc_free(a);
}

/* The fixture of renderings, RPAPERS papers (enough for 10 shared papers
 * to be company beyond chance), filler elsewhere:
 *  - 0-39 have Context in the title; 0-19 say 문맥, 0 and 1 as
 *    `문맥(context)`; 20-29 and 100-129 say 맥락, 20 as `맥락(context)`:
 *    10 of 맥락's 40 papers, too few for the share test of a pair by
 *    company alone;
 *  - 200-239 have Hallucination in the title; 200-219 say 환각, 200 and
 *    201 as `환각(hallucination)`; 220-229 and 300-329 say 현상, 220 as
 *    `오류 현상(hallucination)`, where the name is both words. */
#define RPAPERS 1000
static void make_renderings(fpaper *p)
{
    for (size_t i = 0; i < RPAPERS; i++) {
        const char *t = i < 40 ? "Context" : i >= 200 && i < 240 ? "Hallucination" : "";
        const char *s = i < 2                                   ? "문맥(context)"
                        : i < 20                                ? "문맥"
                        : i == 20                               ? "맥락(context)"
                        : (i > 20 && i < 30) || (i >= 100 && i < 130) ? "맥락"
                        : i < 202 && i >= 200                   ? "환각(hallucination)"
                        : i >= 200 && i < 220                   ? "환각"
                        : i == 220                              ? "오류 현상(hallucination)"
                        : (i > 220 && i < 230) || (i >= 300 && i < 330) ? "현상" : "";
        put_paper(&p[i], "2503", i, t, s);
    }
}

/* One English word, several Korean renderings: a Korean word a summary
 * states alone for an English word (맥락(context)) is paired with it when
 * their company is beyond chance, though too rare for the share test and
 * though the English word takes another partner (문맥); one way, since the
 * English word keeps that partner. A word stated after a bare Hangul word
 * (오류 현상(hallucination)) is not: the name may be both words. */
static void test_assoc__renderings(void **state)
{
    (void)state;
    static fpaper p[RPAPERS];
    make_renderings(p);
    pdx_assoc *a = fed(p, RPAPERS, false);
    const pdx_lex_pair *out;
    size_t n;
    assert_int_equal(pdx_assoc_pairs(a, NULL, 0, &out, &n), PDX_OK);
    const pdx_lex_pair *mun = find_ko(out, n, "문맥"), *maek = find_ko(out, n, "맥락"),
                       *hw = find_ko(out, n, "환각");
    assert_non_null(mun);
    assert_true(is(mun->en_terms, mun->en_terms_len, "context"));
    assert_false(mun->one_way);
    assert_non_null(maek);
    assert_true(is(maek->en_terms, maek->en_terms_len, "context"));
    assert_true(maek->one_way);
    assert_int_equal(maek->support, 10);
    assert_non_null(hw);
    assert_false(hw->one_way);
    assert_null(find_ko(out, n, "현상"));
    assert_int_equal(n, 3);
    pdx_assoc_free(a);
}

/* A weak stated pair does not take the English word from its partner:
 * among WPAPERS papers, 24 have Zeta in the title; 알파 is in 100 papers,
 * 8 of those (its partner by company: the share test passes, Dice 0.13);
 * 베타 is in 30, 6 of those, one stating `베타(zeta)` (beyond chance, not
 * the share test, Dice 0.22). 베타 pairs one way; zeta keeps 알파, which
 * the stated pair would have taken had it been offered to zeta (a
 * review's mutant). */
#define WPAPERS 3000
static void make_weak(fpaper *p)
{
    for (size_t i = 0; i < WPAPERS; i++) {
        const char *t = i < 24 ? "Zeta" : "";
        const char *s = i < 8 || (i >= 100 && i < 192) ? "알파"
                        : i == 8                         ? "베타(zeta)"
                        : (i > 8 && i < 14) || (i >= 200 && i < 224) ? "베타" : "";
        put_paper(&p[i], "2504", i, t, s);
    }
}

static void test_assoc__weak_stated_pair(void **state)
{
    (void)state;
    static fpaper p[WPAPERS];
    make_weak(p);
    pdx_assoc *a = fed(p, WPAPERS, false);
    const pdx_lex_pair *out;
    size_t n;
    assert_int_equal(pdx_assoc_pairs(a, NULL, 0, &out, &n), PDX_OK);
    const pdx_lex_pair *alpha = find_ko(out, n, "알파"), *beta = find_ko(out, n, "베타");
    assert_non_null(alpha);
    assert_true(is(alpha->en_terms, alpha->en_terms_len, "zeta"));
    assert_int_equal(alpha->support, 8);
    assert_non_null(beta);
    assert_true(is(beta->en_terms, beta->en_terms_len, "zeta"));
    assert_true(beta->one_way);
    pdx_assoc_free(a);
}

/* The pairs depend on the papers, not on their order (a build and an
 * update feed them in different orders), nor on a score taken before the
 * last paper (a build scores on the mining thread). */
static void test_assoc__order_free(void **state)
{
    (void)state;
    static fpaper p[NPAPERS];
    for (int f = 0; f < 2; f++) {
        if (f == 0)
            make_papers(p);
        else
            make_stated_papers(p);
        pdx_assoc *a = fed(p, NPAPERS, false), *b = fed(p, NPAPERS, true);
        const pdx_lex_pair *x, *y;
        size_t nx, ny;
        assert_int_equal(pdx_assoc_pairs(a, NULL, 0, &x, &nx), PDX_OK);
        assert_int_equal(pdx_assoc_pairs(b, NULL, 0, &y, &ny), PDX_OK);
        pdx_buf ex = {0}, ey = {0};
        assert_int_equal(pdx_lexicon_encode(&ex, x, nx, 3), PDX_OK);
        assert_int_equal(pdx_lexicon_encode(&ey, y, ny, 3), PDX_OK);
        assert_int_equal(ex.len, ey.len);
        assert_memory_equal(ex.data, ey.data, ex.len);
        pdx_buf_free(&ex);
        pdx_buf_free(&ey);
        pdx_assoc_free(a);
        pdx_assoc_free(b);
    }
}

/* Words in more than a tenth of the papers are not paired: with half the
 * papers, 탈옥 (8 of 40 papers), jailbreak (6) and 주행 (5) are out. */
static void test_assoc__common_words_unpaired(void **state)
{
    (void)state;
    static fpaper p[NPAPERS];
    make_papers(p);
    pdx_assoc *a = fed(p, 40, false);
    const pdx_lex_pair *out;
    size_t n;
    assert_int_equal(pdx_assoc_pairs(a, NULL, 0, &out, &n), PDX_OK);
    assert_int_equal(n, 0);
    pdx_assoc_free(a);
}

/* Past PDX_ASSOC_MAX_PAPERS live papers a sample is counted, chosen by
 * the ids' tags; and bad arguments are refused. */
static void test_assoc__sample_and_arguments(void **state)
{
    (void)state;
    pdx_assoc *a = NULL;
    assert_int_equal(pdx_assoc_new(&a, 10 * (uint64_t)PDX_ASSOC_MAX_PAPERS), PDX_OK);
    char id[32];
    for (int i = 0; i < 2000; i++) {
        snprintf(id, sizeof id, "2502.%05d", i);
        uint64_t before = pdx_assoc_papers(a);
        assert_int_equal(pdx_assoc_add_paper(a, id, strlen(id), "A Title", 7, "요약", 6),
                         PDX_OK);
        /* counted exactly when its tag is sampled: an update asks by tag */
        uint32_t tag = (uint32_t)(pdx_hash(id, strlen(id)) >> 32);
        assert_int_equal(pdx_assoc_papers(a) - before, pdx_assoc_samples(a, tag) ? 1 : 0);
    }
    uint64_t kept = pdx_assoc_papers(a);
    assert_true(kept > 100 && kept < 300); /* about a tenth */
    assert_int_equal(pdx_assoc_add_paper(a, NULL, 3, "", 0, "", 0), PDX_EINVAL);
    assert_int_equal(pdx_assoc_add_paper(a, "x", 1, NULL, 2, "", 0), PDX_EINVAL);
    assert_int_equal(pdx_assoc_add_paper(NULL, "x", 1, "", 0, "", 0), PDX_EINVAL);
    const pdx_lex_pair *out;
    size_t n;
    assert_int_equal(pdx_assoc_pairs(a, NULL, 2, &out, &n), PDX_EINVAL);
    assert_int_equal(pdx_assoc_pairs(a, NULL, 0, NULL, &n), PDX_EINVAL);
    assert_int_equal(pdx_assoc_new(NULL, 1), PDX_EINVAL);
    pdx_assoc_free(a);
    pdx_assoc_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assoc__words_that_keep_company),
        cmocka_unit_test(test_assoc__stated_word_keeps_its_pairs),
        cmocka_unit_test(test_assoc__stated),
        cmocka_unit_test(test_assoc__renderings),
        cmocka_unit_test(test_assoc__weak_stated_pair),
        cmocka_unit_test(test_assoc__order_free),
        cmocka_unit_test(test_assoc__common_words_unpaired),
        cmocka_unit_test(test_assoc__sample_and_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
