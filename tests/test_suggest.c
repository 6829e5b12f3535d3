/*
 * Tests for spelling suggestions (searcher/suggest.c, pdx_query_suggest):
 * a misspelt Latin word becomes the closest word the papers write (one
 * edit for words of four or five letters, two for longer ones, the same
 * first letter), spelled as a paper spells it and in the typed case; a
 * Korean word one jamo away from one papers hold becomes it; words papers
 * hold, short words, field names and prefixes are left alone, a query
 * whose every word is held has no suggestion, and neither has one whose
 * corrected query no paper matches in full.
 *
 * The papers are written for these tests. "segment" stands for three
 * words (segment, segments, segmentation), so the suggestion must be the
 * word closest to what was typed, not the first one read; "hallucination"
 * stems to "hallucin", which a typo in its suffix ("hallucinaton", no
 * stem rule applies) is close to only as a start of the typed word.
 * "transfer", in three papers, is two edits from the stem of
 * "transfomer" (transfom), and "transformer" (a stem override: a term of
 * its own) one edit from the word typed; transform, transfix and transom
 * are as close to that stem, so that the word is no candidate by its
 * start alone.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixtures.h"
#include "paperdex/paperdex.h"
#include "paperdex/search.h"

static const fx_paper papers[] = {
    {"2401.00001", "Diffusion Models for Video", "Ana Lee",
     "비디오 diffusion 모델을 제안한다. 음성도 다룬다. The diffusion sampler is fast. Style transfer.",
     20240101, 10},
    {"2401.00002", "Fast Diffusion Sampling", "Bo Kim",
     "diffusion 샘플링을 빠르게 한다. 음정을 맞춘다. Transfer too. 실제 시나리오에서 방법을 "
     "제시한다.",
     20240101, 5},
    {"2401.00003", "A Transformer for Speech", "Cy Park",
     "음성을 위한 transformer 구조. Transformers scale well.", 20240102, 7},
    {"2401.00004", "Gaussian Splatting in Real Time", "Dee Han",
     "3D gaussian splatting 렌더링을 다룬다.", 20240102, 3},
    {"2401.00005", "Segment Anything Again", "Eun Seo",
     "We segment images into segments. 이미지를 요소로 나눈다. We transfer.", 20240103, 9},
    {"2401.00006", "Better Segmentation Masks", "Fay Moon",
     "Semantic segmentation 성능을 높인다. Each segment is scored.", 20240103, 2},
    {"2401.00007", "Measuring Hallucination in Language Models", "Gil Yoon",
     "언어 모델의 hallucination 을 측정한다. We transform, transfix, transom.",
     20240104, 4},
    {"2401.00008", "강화학습 로봇", "Ha Jung\n김민수",
     "로봇을 강화학습으로 제어한다. A reinforcement policy.", 20240104, 1},
    {"2401.00009", "Self-Attention Everywhere", "Ira Yoon",
     "self-attention 을 다시 본다. The maskinator model on a point cloud, not a pointclout, "
     "nor dbfusion.",
     20240105, 1},
};

static int setup(void **state)
{
    fx_search *e = calloc(1, sizeof *e);
    assert_non_null(e);
    fx_search_open(e, papers, sizeof papers / sizeof papers[0]);
    *state = e;
    return 0;
}

/* The suggestion for query, or NULL; fails the test on an error. */
static char *suggest(fx_search *e, const char *query)
{
    char *out = (char *)1;
    int rc = pdx_query_suggest(e->s, query, strlen(query), &out);
    if (rc != PDX_OK)
        fail_msg("pdx_query_suggest(\"%s\"): %s", query, pdx_searcher_errmsg(e->s));
    return out;
}

static void expect(fx_search *e, const char *query, const char *want)
{
    char *got = suggest(e, query);
    if (!want && got)
        fail_msg("\"%s\": suggested \"%s\", expected none", query, got);
    if (want && (!got || strcmp(got, want)))
        fail_msg("\"%s\": suggested \"%s\", expected \"%s\"", query, got ? got : "(none)", want);
    free(got);
}

static void test_suggest__misspelt_words_corrected(void **state)
{
    fx_search *e = *state;
    expect(e, "difusion", "diffusion");           /* a letter left out */
    expect(e, "diffsuion", "diffusion");          /* two neighbours swapped */
    /* one edit from the word transformer, a term of its own (a stem
     * override), where its stem transfom is two from transfer (a trial) */
    expect(e, "transfomer", "transformer");
    expect(e, "tranformer", "transformer");
    expect(e, "gaussain splatting", "gaussian splatting");
    expect(e, "segmantation masks", "segmentation masks");
    expect(e, "segmnets", "segments"); /* "Segment" is read first, one edit further */
    expect(e, "hallucinaton", "hallucination");   /* close to a start of the word */
    expect(e, "spech", "speech");                 /* five letters: one edit */
    expect(e, "spehc", NULL);                     /* two edits are too many there */
}

static void test_suggest__typed_case_and_syntax_kept(void **state)
{
    fx_search *e = *state;
    expect(e, "Difusion", "Diffusion");
    expect(e, "DIFUSION models", "DIFFUSION models");
    expect(e, "title:difusion", "title:diffusion");
    expect(e, "-difusion 로봇", "-diffusion 로봇");
    expect(e, "\"fast difusion\" OR speech", "\"fast diffusion\" OR speech");
}

static void test_suggest__no_suggestion(void **state)
{
    fx_search *e = *state;
    expect(e, "diffusion transformer", NULL); /* every word is held */
    expect(e, "zzzzqqq", NULL);               /* nothing close */
    expect(e, "difus*", NULL);                /* a prefix is no word */
    expect(e, "difusion:", NULL);             /* nor a field name */
    expect(e, "ransformer", NULL);            /* the first letter is trusted */
    expect(e, "gpz", NULL);                   /* too short to judge */
    expect(e, "", NULL);
}

/* A word held in another form is no misspelling (pointcloud is point
 * cloud's closed spelling, one edit from a paper's pointclout); two edits away needs a word three
 * papers hold (maskinator is one paper's); author names are suggested for
 * a word of an author: field only. */
static void test_suggest__what_is_no_misspelling(void **state)
{
    fx_search *e = *state;
    expect(e, "pointcloud xqzzydiffusion", NULL); /* point cloud, not pointclout */
    expect(e, "maskinatar", "maskinator"); /* one edit from one paper's word: fine */
    expect(e, "maskinxtxr", NULL);
    expect(e, "Yoonn", NULL);
    /* no operator made of a word (NOTT is one edit from the word "not") */
    expect(e, "diffusion NOTT video", NULL);
    /* as close, the term more papers hold: diffusion (2), not dbfusion (1) */
    expect(e, "dffusion", "diffusion");
    expect(e, "author:Yoonn", "author:Yoon");
    expect(e, "author:\"Ira Yoonn\"", "author:\"Ira Yoon\"");
    expect(e, "author:(Yoonn OR Parkk)", "author:(Yoon OR Park)");
    expect(e, "author:(Yoonn) Ira", "author:(Yoon) Ira");
}

/* A suggestion must match some paper in full: each word corrected alone
 * can make a query of nothing (a user trial: `author:"Mina Park"` became
 * `author:"Ming Park"`, two people's names). */
static void test_suggest__only_what_matches(void **state)
{
    fx_search *e = *state;
    expect(e, "author:\"Ira Yoonn\"", "author:\"Ira Yoon\""); /* one person */
    expect(e, "author:\"Gil Parkk\"", NULL);  /* Park is Cy Park, not Gil */
    expect(e, "author:(Yoonn) Yoonn", NULL);   /* Yoonn outside author: stays, holds nothing */
    expect(e, "\"gaussain segmentation\"", NULL); /* two right words, no paper's phrase */
    expect(e, "gaussain splatting votes:>100", NULL); /* no paper has the votes */
    expect(e, "gaussain splatting votes:>2", "gaussian splatting votes:>2");
}

/* A Korean word is a phrase of bigrams: a wrong jamo makes a bigram no
 * paper holds, and the word with one jamo replaced that papers match is
 * suggested (a user trial: 강화학숩 got none). A particle goes with it;
 * a word held, a prefix and a one-syllable word are left alone, the
 * corrected word must start a word some paper writes, and the corrected
 * query must match a paper. */
static void test_suggest__korean_jamo(void **state)
{
    fx_search *e = *state;
    expect(e, "강화학읍", "강화학습");              /* an initial: ㅇ for ㅅ */
    expect(e, "강화학숩 로봇", "강화학습 로봇");    /* a medial: ㅜ for ㅡ */
    expect(e, "강화학스 로봇", "강화학습 로봇");    /* a final left out */
    expect(e, "강화학숩으로", "강화학습으로");      /* with its particle */
    /* a Latin and a Korean word, either order */
    expect(e, "reinfrocement 강화학숩", "reinforcement 강화학습");
    expect(e, "강화학숩 reinfrocement", "강화학습 reinforcement");
    /* 음정 is held (one paper), though 음성, one jamo away, is in two */
    expect(e, "음정 difusion", "음정 diffusion");
    expect(e, "음청 diffusion", "음성 diffusion"); /* of 음정 and 음성, the one in more */
    expect(e, "강화학숩*", NULL);                  /* a prefix */
    expect(e, "강화학숩:", NULL);                  /* a field name */
    expect(e, "author:김민슈", "author:김민수");   /* an author's name */
    expect(e, "author:강화학숩", NULL);            /* no author is so named */
    expect(e, "숩", NULL);                         /* one syllable */
    expect(e, "difusion 뷁뷁뷁", NULL);            /* nothing one jamo away */
    /* no paper writes the candidate as a word: 제시나이 only across a space
     * (실«제 시나»리오), 소로 only inside one (요소로); a user trial */
    /* a compound papers write spaced is right closed (실제 시나리오) */
    expect(e, "실재시나리오", "실제시나리오");
    expect(e, "제미나이 diffusion", NULL);
    expect(e, "소라 segments", NULL);
    /* a compound no paper writes closed, two words papers write apart (a
     * user trial: 환각완화 matched nothing, 환각 완화 16 papers): the query
     * reads it as the words (query.c compound_part()), so it matches and
     * needs no suggestion; a name is not split either way */
    expect(e, "실제방법", NULL);
    expect(e, "실제방법을 diffusion", NULL);
    expect(e, "author:실제방법", NULL);
}

/* Runs query as a front end does (pdx_query_correct() after the search),
 * correct or not: the suggestion (NULL when none) into *sugg, and the full
 * matches' papers (the last digit of their ids), by rank, joined with ','. */
static char *corrected_hits_with(fx_search *e, const char *query, bool correct, bool partial,
                                 char **sugg, bool *corrected)
{
    pdx_query *q = fx_search_parse(e, query);
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    o.no_partial = !partial;
    pdx_results r;
    assert_int_equal(pdx_search(e->s, q, &o, &r), PDX_OK);
    assert_int_equal(pdx_query_correct(e->s, query, strlen(query), PDX_PARSE_DEFAULT, &o,
                                       correct, &q, &r, sugg, corrected),
                     PDX_OK);
    char *ids = calloc(1, 16 * (r.n + 1));
    assert_non_null(ids);
    for (size_t i = 0; i < r.n; i++) {
        pdx_hit_info h;
        assert_int_equal(pdx_hit_get(e->s, r.hits[i].doc, &h), PDX_OK);
        if (i)
            strcat(ids, ",");
        strncat(ids, h.id + h.id_len - 1, 1); /* the last digit names the paper */
    }
    pdx_results_clear(&r);
    pdx_query_free(q);
    return ids;
}

static char *corrected_hits(fx_search *e, const char *query, bool correct, char **sugg,
                            bool *corrected)
{
    return corrected_hits_with(e, query, correct, false, sugg, corrected);
}

/* A query no paper matches in full is searched as its suggestion when
 * that matches papers ("showing results for"); without correct, or when it
 * matches, or with no suggestion, the results are the query's own. */
static void test_suggest__correct(void **state)
{
    fx_search *e = *state;
    char *sugg, *ids;
    bool corrected;
    ids = corrected_hits(e, "difusion sampler", true, &sugg, &corrected);
    assert_string_equal(sugg, "diffusion sampler");
    assert_true(corrected);
    assert_string_equal(ids, "1"); /* the only paper holding both */
    free(sugg);
    free(ids);
    ids = corrected_hits(e, "difusion sampler", false, &sugg, &corrected);
    assert_string_equal(sugg, "diffusion sampler");
    assert_false(corrected);
    assert_string_equal(ids, "");
    free(sugg);
    free(ids);
    ids = corrected_hits(e, "diffusion", true, &sugg, &corrected);
    assert_null(sugg);
    assert_false(corrected);
    assert_int_equal(strlen(ids), 3); /* 1 and 2, as they rank */
    free(ids);
    ids = corrected_hits(e, "qqqzzzxxx", true, &sugg, &corrected);
    assert_null(sugg);
    assert_false(corrected);
    assert_string_equal(ids, "");
    free(ids);
}

/* A suggestion that changes a Korean word (one jamo away is often another
 * word) replaces partial matches of the words as typed only when 3 papers
 * or more match it in full: `음청 diffusion` stays as typed (partial
 * matches, the two diffusion papers), with partial matches asked for or
 * not, and only suggests `음성 diffusion`, one paper; a Latin correction
 * (`difusion sampler`) and a Korean one where the words as typed show
 * nothing (`강화학숩`) are searched. */
static void test_suggest__korean_correction_borne_out(void **state)
{
    fx_search *e = *state;
    char *sugg, *ids;
    bool corrected;
    ids = corrected_hits_with(e, "음청 diffusion", true, true, &sugg, &corrected);
    assert_string_equal(sugg, "음성 diffusion");
    assert_false(corrected);
    assert_int_equal(strlen(ids), 3); /* the partial matches, papers 1 and 2 */
    free(sugg);
    free(ids);
    /* the same whether the front end asks for partial matches or not
     * (the page's chart asks for full matches only) */
    ids = corrected_hits_with(e, "음청 diffusion", true, false, &sugg, &corrected);
    assert_false(corrected);
    assert_string_equal(ids, "");
    free(sugg);
    free(ids);
    ids = corrected_hits_with(e, "difusion sampler", true, true, &sugg, &corrected);
    assert_true(corrected);
    assert_int_equal(ids[0], '1'); /* the full match first, partial ones after */
    free(sugg);
    free(ids);
    ids = corrected_hits_with(e, "강화학숩", true, true, &sugg, &corrected);
    assert_string_equal(sugg, "강화학습");
    assert_true(corrected);
    assert_string_equal(ids, "8");
    free(sugg);
    free(ids);
}

/* A word one paper holds (a digest's own typo) is corrected when a word 50
 * times as common is within an edit: `gausian splatting`, no full match,
 * suggests `gaussian splatting`; `sampel`, in one paper, is not `sample`,
 * in 11 (too few to call it a typo). */
static void test_suggest__typo_of_a_digest(void **state)
{
    (void)state;
    enum { N = 62 };
    static fx_paper p[N];
    static char ids[N][16];
    for (int i = 0; i < N; i++) {
        snprintf(ids[i], sizeof ids[i], "2403.%05d", i);
        p[i] = (fx_paper){ids[i], "Notes", "Ann Lee",
                          i == 0   ? "a gausian kernel and a sampel"
                          : i < 4  ? "gaussian splatting renders 강화학습 정책"
                          : i < 51 ? "gaussian splatting renders scenes 정책"
                                   : "we sample splatting points",
                          20240301, 1};
    }
    fx_search e = {0};
    fx_search_open(&e, p, N);
    expect(&e, "gausian splatting", "gaussian splatting");
    expect(&e, "sampel splatting", NULL);
    expect(&e, "gausian kernel", NULL); /* matches paper 0 in full */
    /* a Korean correction that 3 papers match in full replaces the
     * partial matches of the words as typed (the papers of 정책) */
    char *sugg;
    bool corrected;
    char *hits = corrected_hits_with(&e, "강화학숩 정책", true, true, &sugg, &corrected);
    assert_string_equal(sugg, "강화학습 정책");
    assert_true(corrected);
    free(sugg);
    free(hits);
    fx_search_close(&e);
}

/* A compound split into its words changes no Korean syllable, so one
 * paper matching it in full replaces the partial matches of the words as
 * typed (a trial: `장문사실성 평가` showed the papers of 평가 alone, before
 * the query read such a compound as its words itself). The query reads
 * compounds of up to 8 syllables so; the suggestion splits one of 9. */
static void test_suggest__compound_split_searched(void **state)
{
    (void)state;
    static const fx_paper p[] = {
        {"2404.00001", "Long Answers", "Ann Lee", "장문 형식의 사실성을 평가하는 지표로 모델을 잰다.",
         20240401, 1},
        {"2404.00002", "Models", "Bo Kim", "모델을 만든다.", 20240401, 9},
        {"2404.00003", "More Models", "Cy Park", "모델과 데이터.", 20240402, 8},
    };
    fx_search e = {0};
    fx_search_open(&e, p, sizeof p / sizeof p[0]);
    char *sugg;
    bool corrected;
    char *ids = corrected_hits_with(&e, "장문사실성평가지표 모델", true, true, &sugg, &corrected);
    assert_non_null(sugg);
    assert_non_null(strchr(sugg, ' ')); /* split, every syllable kept */
    assert_true(corrected);
    assert_int_equal(ids[0], '1'); /* the full match, then the papers of 모델 */
    free(sugg);
    free(ids);
    fx_search_close(&e);
}

static void test_suggest__arguments_checked(void **state)
{
    fx_search *e = *state;
    char *out = (char *)1;
    assert_int_equal(pdx_query_suggest(e->s, "x", 1, NULL), PDX_EINVAL);
    assert_int_equal(pdx_query_suggest(e->s, NULL, 3, &out), PDX_EINVAL);
    assert_null(out);
    assert_int_equal(pdx_query_suggest(e->s, NULL, 0, &out), PDX_OK);
    assert_null(out);
    char *big = malloc(PDX_MAX_QUERY_BYTES + 2);
    assert_non_null(big);
    memset(big, 'a', PDX_MAX_QUERY_BYTES + 1);
    assert_int_equal(pdx_query_suggest(e->s, big, PDX_MAX_QUERY_BYTES + 1, &out), PDX_EINVAL);
    assert_non_null(strstr(pdx_searcher_errmsg(e->s), "too long"));
    free(big);
    pdx_query *q = fx_search_parse(e, "diffusion");
    pdx_results r = {0};
    bool corrected;
    assert_int_equal(pdx_query_correct(NULL, "x", 1, 0, NULL, true, &q, &r, &out, &corrected),
                     PDX_EINVAL);
    assert_int_equal(pdx_query_correct(e->s, "x", 1, 0, NULL, true, NULL, &r, &out, &corrected),
                     PDX_EINVAL);
    assert_int_equal(pdx_query_correct(e->s, "x", 1, 0, NULL, true, &q, NULL, &out, &corrected),
                     PDX_EINVAL);
    assert_int_equal(pdx_query_correct(e->s, "x", 1, 0, NULL, true, &q, &r, NULL, &corrected),
                     PDX_EINVAL);
    assert_int_equal(pdx_query_correct(e->s, "x", 1, 0, NULL, true, &q, &r, &out, NULL),
                     PDX_EINVAL);
    pdx_query_free(q);
    q = NULL;
    assert_int_equal(pdx_query_correct(e->s, "x", 1, 0, NULL, true, &q, &r, &out, &corrected),
                     PDX_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_suggest__misspelt_words_corrected, setup,
                                        fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_suggest__typed_case_and_syntax_kept, setup,
                                        fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_suggest__no_suggestion, setup, fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_suggest__what_is_no_misspelling, setup,
                                        fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_suggest__only_what_matches, setup,
                                        fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_suggest__korean_jamo, setup, fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_suggest__correct, setup, fx_search_teardown),
        cmocka_unit_test_setup_teardown(test_suggest__korean_correction_borne_out, setup,
                                        fx_search_teardown),
        cmocka_unit_test(test_suggest__typo_of_a_digest),
        cmocka_unit_test(test_suggest__compound_split_searched),
        cmocka_unit_test_setup_teardown(test_suggest__arguments_checked, setup,
                                        fx_search_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
