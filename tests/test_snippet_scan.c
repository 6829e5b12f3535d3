/*
 * Tests for the snippet's chunk skipping (searcher/snippet.c): a summary
 * is tokenized only in the chunks that may hold a highlighted token, and
 * that must give the very snippet, spans included, that tokenizing the
 * whole summary gives (pdx_snippet_make_scan with skip false).
 *
 * The differential tests run many queries over texts built from fragments
 * that sit on the rules the skipping relies on: chunk ends at punctuation
 * and at spaces, bridges across one space ("모 델"), words whose stem
 * changes their second byte ("aing" -> "ae"), number pieces ("gpt4o"),
 * apostrophes, and characters that are neither ASCII nor precomposed
 * syllables (conjoining jamo, combining marks, a zero-width space,
 * full-width Latin, invalid UTF-8), which must never be skipped. A width
 * larger than the text shows every span, so a token missed anywhere shows.
 * Then the snippets the brief of issue 11 names: the best window at the end
 * of a long summary, a word only in the title, Korean particle forms.
 * The randomized test prints its seed on failure.
 */
#include <dirent.h>
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
#include "fuzz/fuzz_fixture.h"
#include "hit_json.h"
#include "json.h"
#include "paperdex/paperdex.h"
#include "paperdex/search.h"
#include "searcher.h"

/* Our own words; the index only gives the queries a dictionary. */
static const char digest[] =
    "## Daily Papers (2024-05-02)\n"
    "\n"
    "### [Diffusion Models for Tiny Robots](https://arxiv.org/abs/2405.00101)\n"
    "\n"
    "Vote: 7\n"
    "\n"
    "Authors: Hana Seo, Tom Reed\n"
    "\n"
    "- 확산 모델과 강화학습으로 작은 로봇을 훈련합니다. GPT-4o를 평가에 씁니다.\n"
    "- We train many models with a transformer; text-to-video aing eing using.\n";

typedef fx_search fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->dir = fx_tmpdir();
    char *idx = fx_path(f->dir, FX_SEARCH_INDEX);
    assert_int_equal(fz_build_index(idx, "2024/05/02.md", digest, strlen(digest)), PDX_OK);
    free(idx);
    fx_search_open_dir(f);
    *state = f;
    return 0;
}

/* A snippet as one string: its text with the spans marked by [ ]. */
static char *render(const pdx_snippet *sn)
{
    pdx_buf b = {0};
    size_t k = 0;
    for (size_t i = 0; i <= sn->len; i++) {
        for (size_t j = k; j < sn->n_spans; j++) {
            if (sn->spans[j].end == i) {
                pdx_buf_putc(&b, ']');
                k = j + 1;
            }
        }
        for (size_t j = k; j < sn->n_spans; j++)
            if (sn->spans[j].start == i)
                pdx_buf_putc(&b, '[');
        if (i < sn->len)
            pdx_buf_putc(&b, sn->text[i]);
    }
    pdx_buf_putc(&b, 0);
    assert_int_equal(b.err, 0);
    return (char *)b.data;
}

static char *snippet_of(fixture *f, const pdx_query *q, const char *text, size_t len,
                        size_t width, bool skip)
{
    pdx_snippet sn;
    assert_int_equal(pdx_snippet_make_scan(f->s, q, text, len, width, skip, &sn), PDX_OK);
    return render(&sn);
}

/* The skipping snippet equals the whole-text one, at the usual width and
 * at one that shows every span. */
static void check_same(fixture *f, const char *query, const char *text, size_t len,
                       unsigned seed)
{
    pdx_query *q = fx_search_parse(f, query);
    static const size_t widths[] = {PDX_SNIPPET_WIDTH, 40, 1u << 20};
    for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++) {
        char *fast = snippet_of(f, q, text, len, widths[w], true);
        char *whole = snippet_of(f, q, text, len, widths[w], false);
        if (strcmp(fast, whole))
            fail_msg("seed %u, query '%s', width %zu, text '%.*s':\nskipping '%s'\nwhole    '%s'",
                     seed, query, widths[w], (int)len, text, fast, whole);
        free(fast);
        free(whole);
    }
    pdx_query_free(q);
}

static const char *const queries[] = {
    "diffusion 모델",  "모델",          "모 델",        "강화학습",   "\"강화 학습\"",
    "학습",            "로봇을",        "ae",           "ee",         "a",
    "gpt4o",           "4o",            "gpt",          "model*",     "t*",
    "text-to-video",   "\"train many\"", "transformer", "title:모델", "d",
    "using",           "modeling",      "die",          "강화학",     "\"train many\"",      "훈련 -로봇",   "확산 OR aing", "s",
};

/* Fragments joined at random: punctuation and spaces between them. */
static const char *const fragments[] = {
    "확산 모델",   "모델을",      "모델의 성능",  "강화학습",      "강화 학습",
    "학습",        "작은 로봇",   "diffusion",    "Diffusion",     "models",
    "aing",        "eing",        "using",        "eed",           "ties",
    "d's",         "model's",     "o'clock",      "gpt4o",         "GPT-4o를",
    "4o",          "text-to-video", "transformer", "train many",   "a",
    "\xe1\x84\x86\xe1\x85\xa9\xe1\x84\x83\xe1\x85\xa6\xe1\x86\xaf", /* 모델 as conjoining jamo */
    "모\xe1\x86\xaf",               /* 모 + a final jamo: 몰 */
    "e\xcc\x81",                     /* e + combining acute */
    "모\xe2\x80\x8b델",              /* a zero-width space inside 모델 */
    "\xef\xbd\x84iffusion",          /* a full-width d */
    "\xed\x95",                      /* a syllable cut short */
    "\xff",                          /* not UTF-8 */
    "성능을 향상시킵니다",
    "Model",       "dying",       "lying",        "train",         "many",
    "xyz",         "강화 학생",
};
static const char *const joins[] = {" ", "  ", ". ", ", ", "\n- ", "", "-", " (", ") ", "'", ":"};

static void test_snippet_scan_equals_whole_text(void **state)
{
    fixture *f = *state;
    unsigned seed = (unsigned)time(NULL);
    srand(seed);
    pdx_buf text = {0};
    for (int round = 0; round < 400; round++) {
        pdx_buf_reset(&text);
        int n = 1 + rand() % 30;
        for (int i = 0; i < n; i++) {
            const char *j = joins[rand() % (int)(sizeof joins / sizeof joins[0])];
            const char *w = fragments[rand() % (int)(sizeof fragments / sizeof fragments[0])];
            if (i)
                pdx_buf_append(&text, j, strlen(j));
            pdx_buf_append(&text, w, strlen(w));
        }
        assert_int_equal(text.err, 0);
        const char *q = queries[rand() % (int)(sizeof queries / sizeof queries[0])];
        check_same(f, q, (const char *)text.data, text.len, seed);
    }
    pdx_buf_free(&text);
}

/* Pieces of UTF-8, valid and not, for the code point counting: the
 * snippet counts sixteen bytes at a time where the text is ASCII and
 * valid two- and three-byte characters, and one character at a time
 * elsewhere, and counts the text's end only as far as the window can
 * reach. Every piece the sixteen-byte count must tell from those is here:
 * two- and four-byte characters, E0 (valid, and overlong), ED (valid, and
 * a surrogate), stray and missing continuation bytes, C0/C1. */
static const char *const utf8_pieces[] = {
    "a",           " ",           "x",           "model",       "\n",
    "모델",        "가나다라마바사", "한국어 힣",   "\x7f",        "'",
    "\xc3\xa9",                     /* e acute, two bytes */
    "\xe0\xa4\x85",                 /* E0, valid (Devanagari a) */
    "\xe0\x80\x80",                 /* E0, overlong */
    "\xed\x9f\xbf",                 /* ED, valid (U+D7FF) */
    "\xed\xa0\x80",                 /* ED, a surrogate */
    "\xf0\x9f\x98\x80",             /* four bytes */
    "\xf0\x9f\x98",                 /* four bytes cut short: three, like a three-byte one */
    "\x80",                         /* a stray continuation byte */
    "\xc0\x80",   "\xc1\xbf",       /* overlong two-byte forms */
    "\xe2\x82",                     /* a three-byte character cut short */
    "\xea\xb0",                     /* a syllable cut short */
    "\xef\xbf\xbd", "\xee\x80\x80", /* EF and EE: valid */
    "\xf4\x90\x80\x80",             /* past U+10FFFF */
};

/* Snippets of texts made of those pieces, at widths from one character
 * to more than the text, with the matches anywhere, at the very end or
 * nowhere: counting sixteen bytes at a time and only up to the window's
 * reach gives the snippet that counting every character gives. */
static void test_snippet_scan_counts_code_points(void **state)
{
    fixture *f = *state;
    unsigned seed = (unsigned)time(NULL);
    srand(seed);
    static const char *const qs[] = {"모델", "model x", "가나다", "zzz"};
    pdx_query *q[4];
    for (size_t i = 0; i < 4; i++)
        q[i] = fx_search_parse(f, qs[i]);
    static const size_t widths[] = {1, 2, 3, 7, 10, 25, 40, PDX_SNIPPET_WIDTH, SIZE_MAX};
    pdx_buf text = {0};
    for (int round = 0; round < 1500; round++) {
        pdx_buf_reset(&text);
        int n = rand() % 60;
        for (int i = 0; i < n; i++) {
            /* long plain runs most of the time, so that sixteen-byte blocks
             * form, and every odd piece now and then */
            int n_pieces = (int)(sizeof utf8_pieces / sizeof utf8_pieces[0]);
            int k = rand() % 4 ? rand() % 10 : rand() % n_pieces;
            pdx_buf_append(&text, utf8_pieces[k], strlen(utf8_pieces[k]));
        }
        if (rand() % 3 == 0)
            pdx_buf_append(&text, "모델", strlen("모델")); /* a match at the very end */
        assert_int_equal(text.err, 0);
        const char *t = text.len ? (const char *)text.data : "";
        for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++) {
            size_t qi = (size_t)rand() % 4;
            char *fast = snippet_of(f, q[qi], t, text.len, widths[w], true);
            char *whole = snippet_of(f, q[qi], t, text.len, widths[w], false);
            if (strcmp(fast, whole)) {
                pdx_buf hex = {0};
                for (size_t i = 0; i < text.len; i++) {
                    char h[4];
                    snprintf(h, sizeof h, "%02x ", text.data[i]);
                    pdx_buf_append(&hex, h, 3);
                }
                pdx_buf_putc(&hex, 0);
                fail_msg("seed %u, query '%s', width %zu, text %s:\ncounted '%s'\nwalked  '%s'",
                         seed, qs[qi], widths[w], (const char *)hex.data, fast, whole);
            }
            free(fast);
            free(whole);
        }
    }
    pdx_buf_free(&text);
    for (size_t i = 0; i < 4; i++)
        pdx_query_free(q[i]);
}

/* Each piece, repeated and shifted across the sixteen-byte blocks, before
 * and after a match inside long runs without whitespace: there a cut is
 * not moved to a space, so a code point miscounted anywhere before the
 * match or before the text's end moves the snippet's ends. */
static void test_snippet_scan_counts_every_piece(void **state)
{
    fixture *f = *state;
    pdx_query *q = fx_search_parse(f, "모델");
    static const char run[] = "가나다라마바사아자차카타파하거너더러머버서어저처커터퍼허";
    pdx_buf text = {0};
    for (size_t pi = 0; pi < sizeof utf8_pieces / sizeof utf8_pieces[0]; pi++)
        for (int shift = 0; shift < 16; shift++)
            for (int reps = 1; reps <= 9; reps += 4)
                for (int after = 0; after < 2; after++) {
                    pdx_buf_reset(&text);
                    for (int i = 0; i < shift; i++)
                        pdx_buf_putc(&text, 'a');
                    for (int i = 0; i < reps && !after; i++)
                        pdx_buf_append(&text, utf8_pieces[pi], strlen(utf8_pieces[pi]));
                    pdx_buf_append(&text, run, strlen(run));
                    pdx_buf_append(&text, "모델", strlen("모델"));
                    pdx_buf_append(&text, run, strlen(run));
                    for (int i = 0; i < reps && after; i++)
                        pdx_buf_append(&text, utf8_pieces[pi], strlen(utf8_pieces[pi]));
                    for (size_t w = 10; w <= 70; w += 12) {
                        char *fast = snippet_of(f, q, (const char *)text.data, text.len, w, true);
                        char *whole = snippet_of(f, q, (const char *)text.data, text.len, w, false);
                        if (strcmp(fast, whole))
                            fail_msg("piece %zu x%d %s, shift %d, width %zu:\n"
                                     "counted '%s'\nwalked  '%s'",
                                     pi, reps, after ? "after" : "before", shift, w, fast, whole);
                        free(fast);
                        free(whole);
                    }
                }
    pdx_buf_free(&text);
    pdx_query_free(q);
}

/* pdx_utf8_syllable, which the scan, the CLI and the JSON writer call
 * for most characters (one range test on the three bytes), against the
 * decoder on every three-byte string: a syllable's code point exactly
 * when the bytes are valid UTF-8 for U+AC00..U+D7A3, else -1; and -1 for
 * fewer than three bytes. */
static void test_snippet_scan_syllable_decoder(void **state)
{
    (void)state;
    for (uint32_t v = 0; v < 1u << 24; v++) {
        const uint8_t b[3] = {(uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
        int32_t cp = -1;
        bool syl = pdx_utf8_decode(b, 3, &cp) == 3 && cp >= 0xac00 && cp <= 0xd7a3;
        int32_t got = pdx_utf8_syllable(b, 3);
        if (got != (syl ? cp : -1))
            fail_msg("%02x %02x %02x: %d, want %d", b[0], b[1], b[2], got, syl ? cp : -1);
        if (syl && (pdx_utf8_syllable(b, 2) != -1 || pdx_utf8_syllable(b, 0) != -1))
            fail_msg("%02x %02x %02x cut short is still a syllable", b[0], b[1], b[2]);
    }
}

/* Every query over fixed texts that sit on each rule. */
static void test_snippet_scan_rules(void **state)
{
    fixture *f = *state;
    static const char *const texts[] = {
        "작은 로봇을 위한 모 델. 확산 모델과 강화 학습",
        "aing eing. using, eed ties d's model's o'clock",
        "the gpt4o and GPT-4o를 보다 4o",
        "train, many. train many. train xyz many",
        "dying, lying. tying skies",
        "강화 학생. 강화 학습",
        "\xe1\x84\x86\xe1\x85\xa9\xe1\x84\x83\xe1\x85\xa6\xe1\x86\xaf 모\xe2\x80\x8b델 \xef\xbd\x84iffusion",
        "강화 \n학습 강화. 학습 강화  학습",
    };
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++)
        for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++)
            check_same(f, queries[i], texts[t], strlen(texts[t]), 0);
}

/* The shared seed digests, each whole as one text, for every query. */
static void test_snippet_scan_seed_digests(void **state)
{
    fixture *f = *state;
    const char *shared = fx_shared_dir();
    if (!shared)
        skip();
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/seeds", shared);
    DIR *d = opendir(dir);
    if (!d)
        skip();
    size_t read = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t nl = strlen(e->d_name);
        if (nl < 4 || strcmp(e->d_name + nl - 4, ".txt"))
            continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t len;
        char *text = fx_read(path, &len);
        read++;
        for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++)
            check_same(f, queries[i], text, len, 0);
        free(text);
    }
    closedir(d);
    if (!read)
        skip();
}

/* Every summary of the shared corpus (a part of them under the
 * sanitizers), for queries of each kind: the real text the skipping must
 * not change, at a width that shows every span and at the usual one (where
 * the text's end is counted only as far as the window reaches). Read, never copied. */
typedef struct corpus_run {
    fixture *f;
    pdx_query *q[8];
    size_t n_q;
    size_t papers, stride;
} corpus_run;

static int corpus_paper(const pdx_paper *p, void *payload)
{
    corpus_run *cr = payload;
    if (cr->papers++ % cr->stride)
        return 0;
    static const size_t widths[] = {1u << 20, PDX_SNIPPET_WIDTH};
    for (size_t i = 0; i < cr->n_q; i++)
        for (size_t w = 0; w < 2; w++) {
            char *fast = snippet_of(cr->f, cr->q[i], p->summary, p->summary_len, widths[w], true);
            char *whole =
                snippet_of(cr->f, cr->q[i], p->summary, p->summary_len, widths[w], false);
            if (strcmp(fast, whole))
                fail_msg("%s:%u, query %zu, width %zu: skipping and whole-text snippets differ",
                         p->file, p->line, i, widths[w]);
            free(fast);
            free(whole);
        }
    return 0;
}

static void test_snippet_scan_corpus(void **state)
{
    fixture *f = *state;
    const char *shared = fx_shared_dir();
    if (!shared)
        skip();
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/corpus/paper_logs", shared);
    DIR *d = opendir(dir);
    if (!d)
        skip();
    closedir(d);
    static const char *const qs[] = {"diffusion 모델", "멀티모달 벤치마크", "diffusion transformer",
                                     "강화학습",       "\"language model\"", "gpt4o 성능을",
                                     "a",              "transf*"};
    corpus_run cr = {.f = f, .stride = 1};
#if defined(__SANITIZE_ADDRESS__)
    cr.stride = 8; /* a few seconds there too */
#endif
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++)
        cr.q[cr.n_q++] = fx_search_parse(f, qs[i]);
    const char *paths[] = {dir};
    pdx_parse_cb cb = {corpus_paper, NULL, &cr};
    pdx_parse_stats st = {0};
    assert_int_equal(pdx_parse_paths(paths, 1, &cb, &st), PDX_OK);
    assert_true(cr.papers > 1000);
    for (size_t i = 0; i < cr.n_q; i++)
        pdx_query_free(cr.q[i]);
}

static int first_term(const pdx_token *t, void *payload)
{
    char *out = payload;
    if (!*out) {
        memcpy(out, t->term, t->term_len);
        out[t->term_len] = 0;
    }
    return 0;
}

/* What ascii_start_may assumes of the stemmer: a word's term starts with
 * its first letter and, when it has two or more bytes, with its first two
 * letters, but for dying, lying and tying (y -> i). Words of every ending
 * Snowball rewrites, and its whole-word exceptions. */
static void test_snippet_scan_stems_keep_first_letters(void **state)
{
    (void)state;
    static const char *const words[] = {
        "dying", "lying", "tying", "skies", "skis", "idly", "gently", "ugly", "early",
        "only", "singly", "news", "bias", "aing", "eing", "oing", "using", "aed", "eed",
        "ied", "ies", "ties", "cries", "sses", "being", "seeing", "agreed", "exceed",
        "hopping", "hoping", "generously", "communism", "happy", "by", "yes", "eying",
        "Models", "LLMs", "d's", "o'clock", "aingly", "oed", "inning", "outing",
    };
    pdx_tokenizer *tk;
    assert_int_equal(pdx_tokenizer_new(&tk), PDX_OK);
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        char term[PDX_MAX_TERM_BYTES + 1] = {0};
        const char *w = words[i];
        assert_int_equal(pdx_tokenize(tk, PDX_TOKENIZE_DEFAULT, w, strlen(w), 0, NULL,
                                      first_term, term),
                         PDX_OK);
        char w0 = (char)(w[0] | 0x20), w1 = (char)(w[1] == '\'' ? '\'' : w[1] | 0x20);
        bool ok = term[0] == w0 && (!term[1] || term[1] == w1 || (w1 == 'y' && term[1] == 'i'));
        if (!ok)
            fail_msg("'%s' gives the term '%s'", w, term);
    }
    pdx_tokenizer_free(tk);
}

static char *make(fixture *f, const char *query, const char *text)
{
    pdx_query *q = fx_search_parse(f, query);
    pdx_snippet sn;
    assert_int_equal(pdx_snippet_make(f->s, q, text, strlen(text), PDX_SNIPPET_WIDTH, &sn), PDX_OK);
    char *r = render(&sn);
    pdx_query_free(q);
    return r;
}

/* A long summary whose only matches are at its end: the snippet ends
 * there, with them highlighted (the chunks before are skipped, not lost). */
static void test_snippet_scan_best_window_at_end(void **state)
{
    fixture *f = *state;
    pdx_buf t = {0};
    static const char line[] = "- 작은 로봇이 걷습니다. We train a policy.\n";
    static const char last[] = "- 끝으로 확산 모델을 씁니다.";
    for (int i = 0; i < 60; i++)
        pdx_buf_append(&t, line, strlen(line));
    pdx_buf_append(&t, last, strlen(last));
    pdx_buf_putc(&t, 0);
    char *got = make(f, "확산 모델", (const char *)t.data);
    const char *want_end = "끝으로 [확산] [모델]을 씁니다.";
    size_t gl = strlen(got), wl = strlen(want_end);
    if (gl < wl || strcmp(got + gl - wl, want_end) || strncmp(got, "\xe2\x80\xa6", 3))
        fail_msg("snippet '%s' should be cut before and end with '%s'", got, want_end);
    free(got);
    check_same(f, "확산 모델", (const char *)t.data, t.len - 1, 0);
    pdx_buf_free(&t);
}

/* A word found only in the title: the summary has nothing to highlight,
 * and the snippet is its beginning, unmarked. */
static void test_snippet_scan_title_only_word(void **state)
{
    fixture *f = *state;
    char *got = make(f, "robots", "- 작은 기계가 걷습니다. We train a policy with care.");
    assert_string_equal(got, "작은 기계가 걷습니다. We train a policy with care.");
    free(got);
    got = make(f, "title:모델", "- 확산 모델을 씁니다.");
    assert_string_equal(got, "확산 모델을 씁니다.");
    free(got);
}

/* Korean particle forms: the query's particle is dropped, the text's
 * particle is not highlighted, and the bigram across one space counts. */
static void test_snippet_scan_particles(void **state)
{
    fixture *f = *state;
    char *got2;
    char *got = make(f, "모델을", "- 확산 모델을 쓰고, 모델의 성능과 모델이 좋습니다.");
    assert_string_equal(got, "확산 [모델]을 쓰고, [모델]의 성능과 [모델]이 좋습니다.");
    free(got);
    got = make(f, "로봇이", "- 작은 로봇을 훈련하고, 로봇의 팔과 로봇이 걷습니다.");
    assert_string_equal(got, "작은 [로봇]을 훈련하고, [로봇]의 팔과 [로봇]이 걷습니다.");
    got2 = make(f, "강화학습을", "- 강화 학습을 하고, 강화학습이 좋습니다.");
    assert_string_equal(got2, "[강화 학습]을 하고, [강화학습]이 좋습니다.");
    free(got2);
    free(got);
}

/* A match inside a word: the copy, which appends whole runs of plain
 * characters at once, still stops where the span starts and ends. */
static void test_snippet_scan_span_inside_word(void **state)
{
    fixture *f = *state;
    char *got = make(f, "학습", "- 강화학습을 씁니다. 그리고 RL학습도.");
    assert_string_equal(got, "강화[학습]을 씁니다. 그리고 RL[학습]도.");
    free(got);
    got = make(f, "video", "- text-to-video와 videos를");
    assert_string_equal(got, "text-to-[video]와 [videos]를");
    free(got);
}

/* A one-syllable query word: its term is that syllable alone, whatever
 * follows it in the text (the filters' one-character case). */
static void test_snippet_scan_one_syllable(void **state)
{
    fixture *f = *state;
    char *got = make(f, "팔", "- 로봇의 팔 하나와 팔과 다리.");
    assert_string_equal(got, "로봇의 [팔] 하나와 팔과 다리.");
    free(got);
    /* a prefix of one syllable: every term starting with it but a bridge
     * ("팔 하", the end of one word and the start of the next) */
    got = make(f, "팔*", "- 로봇의 팔 하나와 팔과 다리.");
    assert_string_equal(got, "로봇의 [팔] 하나와 [팔과] 다리.");
    free(got);
    check_same(f, "팔", "- 로봇의 팔 하나와 팔과 다리.", strlen("- 로봇의 팔 하나와 팔과 다리."), 0);
}

/* A search hit lists the first PDX_JSON_HIT_AUTHORS authors and how many
 * there are (a digest of 100,000 authors a paper made 25 MB pages that a
 * server kept per slow client); the paper's own record lists them all. */
static void json_hit_authors_bounded(void **state)
{
    (void)state;
    pdx_buf names = {0};
    for (int i = 0; i < 150; i++)
        pdx_buf_printf(&names, "%sAuthor %d", i ? "\n" : "", i);
    pdx_hit_info h = {.id = "2401.00001", .id_len = 10, .title = "T", .title_len = 1,
                      .authors = (const char *)names.data, .authors_len = names.len};
    for (int all = 0; all < 2; all++) {
        pdx_buf o = {0};
        pdx_buf_putc(&o, '{');
        pdx_json_paper_members(&o, &h, all);
        pdx_buf_puts(&o, "}");
        pdx_buf_putc(&o, 0);
        const char *j = (const char *)o.data;
        assert_non_null(strstr(j, "\"Author 99\""));
        assert_true(!strstr(j, "\"Author 100\"") == !all);
        assert_non_null(strstr(j, "\"Author 149\"") ? (all ? j : NULL) : (all ? NULL : j));
        assert_non_null(strstr(j, ",\"authors_total\":150}"));
        pdx_buf_free(&o);
    }
    pdx_hit_info none = {.id = "2401.00002", .id_len = 10};
    pdx_buf o = {0};
    pdx_json_paper_members(&o, &none, false);
    pdx_buf_putc(&o, 0);
    assert_non_null(strstr((const char *)o.data, "\"authors\":[],\"authors_total\":0"));
    pdx_buf_free(&o);
    /* long names: as many whole names as fit the bytes, the first cut at a
     * character (a review: 100 names of 9,000 bytes made a 1 MB hit) */
    pdx_buf_reset(&names);
    for (int i = 0; i < 100; i++) {
        pdx_buf_puts(&names, i ? "\n" : "");
        for (int k = 0; k < 3000; k++)
            pdx_buf_puts(&names, "가");
    }
    h.authors = (const char *)names.data;
    h.authors_len = names.len;
    o = (pdx_buf){0};
    pdx_json_paper_members(&o, &h, false);
    assert_true(o.len < PDX_JSON_HIT_AUTHOR_BYTES + 256);
    pdx_buf_putc(&o, 0);
    assert_non_null(strstr((const char *)o.data, ",\"authors_total\":100"));
    assert_non_null(strstr((const char *)o.data, "가가\"],")); /* cut after a whole 가 */
    pdx_buf_free(&o);
    o = (pdx_buf){0};
    pdx_json_paper_members(&o, &h, true);
    assert_true(o.len > names.len);
    pdx_buf_free(&o);
    pdx_buf_free(&names);
}

/* A file name in JSON: invalid UTF-8 as \xHH text, as in every message,
 * so that two names differing there stay two (U+FFFD made them one). */
static void json_name_escapes_invalid_bytes(void **state)
{
    (void)state;
    pdx_buf a = {0}, b = {0};
    pdx_json_name(&a, "fn/bad\xff\xfename.md", 15);
    pdx_json_name(&b, "fn/bad\xfe\xffname.md", 15);
    pdx_buf_putc(&a, 0);
    pdx_buf_putc(&b, 0);
    assert_string_equal((const char *)a.data, "\"fn/bad\\\\xFF\\\\xFEname.md\"");
    assert_string_not_equal((const char *)a.data, (const char *)b.data);
    pdx_buf_reset(&a);
    pdx_json_name(&a, "2024/06/강화.md", strlen("2024/06/강화.md"));
    pdx_buf_putc(&a, 0);
    assert_string_equal((const char *)a.data, "\"2024/06/강화.md\"");
    pdx_buf_free(&a);
    pdx_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snippet_scan_equals_whole_text),
        cmocka_unit_test(test_snippet_scan_rules),
        cmocka_unit_test(test_snippet_scan_counts_code_points),
        cmocka_unit_test(test_snippet_scan_counts_every_piece),
        cmocka_unit_test(test_snippet_scan_syllable_decoder),
        cmocka_unit_test(test_snippet_scan_stems_keep_first_letters),
        cmocka_unit_test(test_snippet_scan_seed_digests),
        cmocka_unit_test(test_snippet_scan_corpus),
        cmocka_unit_test(test_snippet_scan_best_window_at_end),
        cmocka_unit_test(test_snippet_scan_title_only_word),
        cmocka_unit_test(test_snippet_scan_particles),
        cmocka_unit_test(test_snippet_scan_span_inside_word),
        cmocka_unit_test(test_snippet_scan_one_syllable),
        cmocka_unit_test(json_hit_authors_bounded),
        cmocka_unit_test(json_name_escapes_invalid_bytes),
    };
    return cmocka_run_group_tests(tests, setup, fx_search_teardown);
}
