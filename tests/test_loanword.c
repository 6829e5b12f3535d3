/*
 * Tests for the loanword sound test (indexer/loanword.c): Hangul and
 * English consonant skeletons, the quick filters before a match, the words
 * a paper's text gives, and the association test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "loanword.h"

static size_t skeleton(const char *w, char *out)
{
    return pdx_loan_ko_skeleton(w, strlen(w), out);
}

static void test_loanword__hangul_skeletons(void **state)
{
    (void)state;
    static const struct {
        const char *ko, *sk;
    } cases[] = {
        {"로봇", "LPT"},        /* a final ㅅ is T */
        {"비디오", "PT"},       /* ㅇ starts a syllable silently */
        {"그래프", "KLP"},      /* ㅡ breaks a cluster, no class of its own */
        {"메모리", "ML"},       /* a class repeated across a vowel counts once */
        {"컬러", "KL"},         /* final ㄹ and initial ㄹ: one L */
        {"트랜스포머", "TLNSPM"},
        {"스케일링", "SKLG"},   /* a final ㅇ is G */
        {"파이프라인", "PLN"},
    };
    char sk[PDX_LOAN_MAX_SKELETON];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t n = skeleton(cases[i].ko, sk);
        if (n != strlen(cases[i].sk) || memcmp(sk, cases[i].sk, n) != 0)
            fail_msg("%s: skeleton \"%.*s\", want %s", cases[i].ko, (int)n, sk, cases[i].sk);
    }
    /* no loanword: a tense consonant, a final the orthography does not
     * write (ㅆ ㅌ ㄶ ㅎ), one class only, not Hangul, cut UTF-8 */
    static const char *const none[] = {"까지", "있다", "같은", "많은", "좋은", "가", "아이",
                                       "robot", "로\xeb", ""};
    for (size_t i = 0; i < sizeof none / sizeof *none; i++)
        if (skeleton(none[i], sk) != 0)
            fail_msg("%s: a skeleton", none[i]);
    /* the room is bounded: a run too long for it has none */
    char lng[3 * 64 + 1] = "";
    for (int i = 0; i < 64; i++)
        strcat(lng, i % 2 ? "마" : "나");
    assert_int_equal(skeleton(lng, sk), 0);
}

static bool sounds_like(const char *ko, const char *en)
{
    char sk[PDX_LOAN_MAX_SKELETON];
    size_t n = skeleton(ko, sk);
    return n && pdx_loan_en_matches(en, strlen(en), sk, n);
}

/* Pairs found in the digests, and pairs that do not sound alike (some that
 * do are no pair: 그래프 sounds like grape and group, K L P; which pairs
 * hold is the association's to say). */
static const struct {
    const char *ko, *en;
} alike[] = {
    {"로봇", "robot"},         {"비디오", "video"},           {"트랜스포머", "transformer"},
    {"디퓨전", "diffusion"},   {"이미지", "image"},           {"그래프", "graph"},
    {"에이전트", "agent"},     {"토큰", "token"},             {"메모리", "memory"},
    {"카메라", "camera"},      {"스케일링", "scaling"},       {"어텐션", "attention"},
    {"파이프라인", "pipeline"}, {"멀티모달", "multimodal"},   {"프롬프트", "prompt"},
    {"임베딩", "embedding"},   {"컨텍스트", "context"},       {"휴머노이드", "humanoid"},
    {"체인", "chain"},         {"파라미터", "parameter"},     {"피드백", "feedback"},
    {"벤치마크", "benchmark"}, {"데이터셋", "dataset"},       {"렌더링", "rendering"},
};
static const struct {
    const char *ko, *en;
} unlike[] = {
    {"로봇", "token"}, {"비디오", "robot"}, {"모델", "video"},
    {"학습", "learning"}, {"그래프", "green"}, {"토큰", "tokenizer"},
};

static void test_loanword__english_matches(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof alike / sizeof *alike; i++)
        if (!sounds_like(alike[i].ko, alike[i].en))
            fail_msg("%s and %s should sound alike", alike[i].ko, alike[i].en);
    for (size_t i = 0; i < sizeof unlike / sizeof *unlike; i++)
        if (sounds_like(unlike[i].ko, unlike[i].en))
            fail_msg("%s and %s should not", unlike[i].ko, unlike[i].en);
    char sk[PDX_LOAN_MAX_SKELETON];
    size_t n = skeleton("로봇", sk);
    assert_false(pdx_loan_en_matches("", 0, sk, n));
    assert_false(pdx_loan_en_matches("robot", 5, sk, 0));
    assert_false(pdx_loan_en_matches("ro-bot", 6, sk, n)); /* letters only */
}

/* The filters the miner applies before pdx_loan_en_matches() never drop
 * a match: over every pair of the words above, a match passes both. */
static void test_loanword__filters_keep_every_match(void **state)
{
    (void)state;
    const char *ko[sizeof alike / sizeof *alike + sizeof unlike / sizeof *unlike];
    const char *en[sizeof ko / sizeof *ko];
    size_t n = 0;
    for (size_t i = 0; i < sizeof alike / sizeof *alike; i++, n++)
        ko[n] = alike[i].ko, en[n] = alike[i].en;
    for (size_t i = 0; i < sizeof unlike / sizeof *unlike; i++, n++)
        ko[n] = unlike[i].ko, en[n] = unlike[i].en;
    size_t matches = 0;
    for (size_t i = 0; i < n; i++) {
        char sk[PDX_LOAN_MAX_SKELETON];
        size_t skn = skeleton(ko[i], sk);
        for (size_t j = 0; j < n; j++) {
            size_t len = strlen(en[j]);
            if (!skn || !pdx_loan_en_matches(en[j], len, sk, skn))
                continue;
            matches++;
            assert_true(pdx_loan_en_first(en[j], len) & pdx_loan_ko_first(sk, skn));
            assert_int_equal(pdx_loan_ko_classes(sk, skn) & ~pdx_loan_en_classes(en[j], len), 0);
        }
    }
    assert_true(matches >= sizeof alike / sizeof *alike);
}

static void test_loanword__words_of_a_text(void **state)
{
    (void)state;
    pdx_loan_cache *cache = calloc(1, sizeof *cache);
    assert_non_null(cache);
    const char *t = "로봇이 그래프를 본다. 로봇 가 NeRF video Video VIDEO gpt4o robots-on";
    pdx_loan_word w[16];
    /* Hangul: particles dropped as a query drops them, one-syllable runs
     * left out; twice, the second time from the cache */
    for (int round = 0; round < 2; round++) {
        size_t n = pdx_loan_hangul_words(cache, t, strlen(t), w, 16);
        assert_int_equal(n, 4);
        const char *want[] = {"로봇", "그래프", "본다", "로봇"};
        for (size_t i = 0; i < n; i++)
            if (w[i].len != strlen(want[i]) || memcmp(t + w[i].off, want[i], w[i].len))
                fail_msg("word %zu: \"%.*s\", want %s", i, (int)w[i].len, t + w[i].off, want[i]);
    }
    assert_int_equal(pdx_loan_hangul_words(cache, t, strlen(t), w, 2), 2); /* cap */
    /* English: lower case or a capital first, 4+ letters with a vowel, no
     * digit next to it */
    size_t n = pdx_loan_latin_words(t, strlen(t), w, 16);
    assert_int_equal(n, 3);
    assert_memory_equal(t + w[0].off, "video", 5);
    assert_memory_equal(t + w[1].off, "Video", 5);
    assert_memory_equal(t + w[2].off, "robots", 6);
    free(cache);
}

static void test_loanword__association(void **state)
{
    (void)state;
    /* together in every paper of either, a third of the papers each */
    assert_true(pdx_loan_associated(10, 10, 10, 30));
    /* too few papers to tell (G2 16.6) */
    assert_false(pdx_loan_associated(6, 6, 6, 12));
    /* a word in every paper goes with anything: no lift */
    assert_false(pdx_loan_associated(15, 30, 15, 30));
    /* each test on its own: significant and shared, but only 1.4 times
     * chance (half the papers say the Korean word: G2 218); twice chance
     * and significant (G2 86), but together in a quarter of each one's
     * papers */
    assert_false(pdx_loan_associated(700, 2000, 1000, 4000));
    assert_true(pdx_loan_associated(700, 1000, 1000, 4000));
    assert_false(pdx_loan_associated(100, 400, 400, 4000));
    assert_true(pdx_loan_associated(130, 400, 400, 4000));
    /* common words that meet by chance */
    assert_false(pdx_loan_associated(30, 1000, 120, 4000));
    /* a rare English word always with a common Korean one: together in
     * all its papers, but the Korean word's share is small and the lift
     * not twice */
    assert_false(pdx_loan_associated(5, 2000, 5, 4000));
    /* counts that cannot be */
    assert_false(pdx_loan_associated(0, 10, 10, 30));
    assert_false(pdx_loan_associated(11, 10, 20, 30));
    assert_false(pdx_loan_associated(10, 40, 10, 30));
    assert_false(pdx_loan_associated(1, 20, 20, 30));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loanword__hangul_skeletons),
        cmocka_unit_test(test_loanword__english_matches),
        cmocka_unit_test(test_loanword__filters_keep_every_match),
        cmocka_unit_test(test_loanword__words_of_a_text),
        cmocka_unit_test(test_loanword__association),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
