/*
 * Tests for the tokenizer (common/tokenizer.c, include/paperdex/tokenizer.h).
 *
 * Most tests are tables: an input, flags, and the exact tokens expected
 * (term, position, byte range, kind). Every input is copied into a heap
 * buffer of exactly its length first, so reading past len is caught by
 * AddressSanitizer in the sanitizer build. The sentences are written for
 * these tests; none comes from the corpus.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libstemmer.h>
#include <utf8proc.h>

#include "common.h"
#include "paperdex/tokenizer.h"

/* ---- collecting tokens ---- */

typedef struct got_token {
    char term[PDX_MAX_TERM_BYTES + 1]; /* NUL-terminated copy */
    size_t term_len;
    uint32_t pos;
    size_t start;
    size_t end;
    pdx_token_kind kind;
} got_token;

typedef struct got_list {
    got_token *t;     /* owned array */
    size_t n;         /* tokens collected */
    size_t cap;       /* tokens allocated */
    size_t stop_at;   /* return stop_rc when this many were collected (0: never) */
    int stop_rc;      /* value returned to stop */
} got_list;

static int collect_fn(const pdx_token *tok, void *payload)
{
    got_list *g = payload;
    assert_true(tok->term_len > 0);
    assert_true(tok->term_len <= PDX_MAX_TERM_BYTES);
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 16;
        g->t = realloc(g->t, g->cap * sizeof *g->t);
        assert_non_null(g->t);
    }
    got_token *t = &g->t[g->n++];
    memcpy(t->term, tok->term, tok->term_len);
    t->term[tok->term_len] = '\0';
    t->term_len = tok->term_len;
    t->pos = tok->pos;
    t->start = tok->start;
    t->end = tok->end;
    t->kind = tok->kind;
    if (g->stop_at && g->n == g->stop_at)
        return g->stop_rc;
    return 0;
}

static pdx_tokenizer *new_tokenizer(void)
{
    pdx_tokenizer *tk = NULL;
    assert_int_equal(pdx_tokenizer_new(&tk), PDX_OK);
    assert_non_null(tk);
    return tk;
}

/* Tokenizes a heap copy of text[0, len) of exactly len bytes and checks the
 * invariants every output must satisfy. Returns the rc. */
static int run_into(pdx_tokenizer *tk, int flags, const char *text, size_t len,
                    uint32_t first_pos, uint32_t *next_pos, got_list *g)
{
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    if (len)
        memcpy(copy, text, len);
    uint32_t np = 0xdeadbeef;
    int rc = pdx_tokenize(tk, flags, copy, len, first_pos, &np, collect_fn, g);
    free(copy);
    /* Every token but a whole word takes the next position; a whole word
     * (PDX_TOKENIZE_WHOLE) repeats the position and start of its run's
     * first bigram, which came before it. */
    uint32_t taken = 0;
    for (size_t i = 0; i < g->n; i++) {
        const got_token *t = &g->t[i];
        assert_true(t->start < t->end);
        assert_true(t->end <= len);
        if (t->kind == PDX_TOKEN_WHOLE) {
            assert_true(t->pos < first_pos + taken);
            continue;
        }
        assert_int_equal(t->pos, first_pos + taken++);
        if (i > 0 && g->t[i - 1].kind != PDX_TOKEN_WHOLE)
            assert_true(t->start >= g->t[i - 1].start);
        /* Terms are valid UTF-8. */
        for (size_t k = 0; k < t->term_len;) {
            size_t l = pdx_utf8_decode((const uint8_t *)t->term + k, t->term_len - k, NULL);
            assert_true(l > 0);
            k += l;
        }
    }
    assert_int_equal(np, first_pos + taken);
    if (next_pos)
        *next_pos = np;
    return rc;
}

static void got_free(got_list *g)
{
    free(g->t);
    memset(g, 0, sizeof *g);
}

/* ---- table-driven checks ---- */

typedef struct exp_token {
    const char *term;
    uint32_t pos;
    size_t start;
    size_t end;
    pdx_token_kind kind;
} exp_token;

#define W PDX_TOKEN_WORD
#define N PDX_TOKEN_NUMBER
#define C PDX_TOKEN_CJK
#define B PDX_TOKEN_BRIDGE
#define H PDX_TOKEN_WHOLE

static void print_tokens(const char *text, const got_list *g)
{
    static const char kinds[] = "WNCBH";
    print_message("tokens of \"%s\":\n", text);
    for (size_t i = 0; i < g->n; i++)
        print_message("  {\"%s\", %u, %zu, %zu, %c},\n", g->t[i].term, g->t[i].pos,
                      g->t[i].start, g->t[i].end, kinds[g->t[i].kind & 3]);
}

/* Expects exactly the tokens exp[0..n) for text (NUL-terminated here for
 * convenience; it is tokenized from an exact-size copy). */
static void expect_tokens(pdx_tokenizer *tk, int flags, const char *text,
                          const exp_token *exp, size_t n)
{
    got_list g = {0};
    assert_int_equal(run_into(tk, flags, text, strlen(text), 0, NULL, &g), PDX_OK);
    bool ok = g.n == n;
    for (size_t i = 0; ok && i < n; i++) {
        ok = strcmp(g.t[i].term, exp[i].term) == 0 && g.t[i].pos == exp[i].pos &&
             g.t[i].start == exp[i].start && g.t[i].end == exp[i].end &&
             g.t[i].kind == exp[i].kind;
    }
    if (!ok) {
        print_tokens(text, &g);
        got_free(&g);
        fail_msg("unexpected tokens for \"%s\" (flags %d)", text, flags);
    }
    got_free(&g);
}

#define EXPECT(tk, flags, text, ...)                                           \
    do {                                                                       \
        static const exp_token exp_[] = {__VA_ARGS__};                         \
        expect_tokens(tk, flags, text, exp_, sizeof exp_ / sizeof exp_[0]);    \
    } while (0)

static void expect_none(pdx_tokenizer *tk, int flags, const char *text, size_t len)
{
    got_list g = {0};
    uint32_t np;
    assert_int_equal(run_into(tk, flags, text, len, 5, &np, &g), PDX_OK);
    if (g.n)
        print_tokens(text, &g);
    assert_int_equal(g.n, 0);
    assert_int_equal(np, 5);
    got_free(&g);
}

/* Is x the same term as y, or (bridges allowed) the same two characters
 * with the space of a bridge ("화 학" for "화학")? */
static bool same_term(const char *x, const char *y, bool bridges)
{
    if (strcmp(x, y) == 0)
        return true;
    if (!bridges)
        return false;
    char a[80], b[80];
    size_t na = 0, nb = 0;
    for (; *x && na < sizeof a - 1; x++)
        if (*x != ' ')
            a[na++] = *x;
    for (; *y && nb < sizeof b - 1; y++)
        if (*y != ' ')
            b[nb++] = *y;
    a[na] = b[nb] = 0;
    return strcmp(a, b) == 0;
}

/* Expects a and b to give the same terms and positions (byte ranges may
 * differ: the inputs are different spellings of the same text). Kinds must
 * match too unless a bridge may stand for a bigram ("강화 학습"/"강화학습"):
 * then the bridge's term is the bigram with a space inside. */
static void expect_same_terms_kinds(pdx_tokenizer *tk, bool kinds, int flags_a, const char *a,
                                    size_t alen, int flags_b, const char *b, size_t blen)
{
    got_list ga = {0}, gb = {0};
    assert_int_equal(run_into(tk, flags_a, a, alen, 0, NULL, &ga), PDX_OK);
    assert_int_equal(run_into(tk, flags_b, b, blen, 0, NULL, &gb), PDX_OK);
    bool ok = ga.n == gb.n;
    for (size_t i = 0; ok && i < ga.n; i++)
        ok = same_term(ga.t[i].term, gb.t[i].term, !kinds) && ga.t[i].pos == gb.t[i].pos &&
             (!kinds || ga.t[i].kind == gb.t[i].kind);
    if (!ok) {
        print_tokens(a, &ga);
        print_tokens(b, &gb);
    }
    got_free(&ga);
    got_free(&gb);
    assert_true(ok);
}

static void expect_same_terms(pdx_tokenizer *tk, int flags_a, const char *a, size_t alen,
                              int flags_b, const char *b, size_t blen)
{
    expect_same_terms_kinds(tk, true, flags_a, a, alen, flags_b, b, blen);
}

/* Same terms at the same positions, written with or without a space. */
static void expect_same_compound(pdx_tokenizer *tk, int flags_a, const char *a, int flags_b,
                                 const char *b)
{
    expect_same_terms_kinds(tk, false, flags_a, a, strlen(a), flags_b, b, strlen(b));
}

static int setup(void **state)
{
    *state = new_tokenizer();
    return 0;
}

static int teardown(void **state)
{
    pdx_tokenizer_free(*state);
    return 0;
}

/* ---- api ---- */

static void test_api_describe(void **state)
{
    (void)state;
    assert_string_equal(pdx_tokenizer_stemmer_name(), "english");
    assert_string_equal(pdx_tokenizer_unicode_version(), utf8proc_unicode_version());
    assert_true(strlen(pdx_tokenizer_unicode_version()) >= 5);
    pdx_tokenizer_free(NULL);
}

static void test_api_positions(void **state)
{
    pdx_tokenizer *tk = *state;
    got_list g = {0};
    uint32_t np;
    assert_int_equal(run_into(tk, 0, "alpha beta", 10, 1000, &np, &g), PDX_OK);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.t[0].pos, 1000);
    assert_int_equal(g.t[1].pos, 1001);
    assert_int_equal(np, 1002);
    got_free(&g);

    /* Nothing to tokenize: next position is first_pos. */
    expect_none(tk, 0, "", 0);
    expect_none(tk, 0, " -- ** ## !? ", 13);
    expect_none(tk, PDX_TOKENIZE_QUERY, "", 0);
    assert_int_equal(pdx_tokenize(tk, 0, NULL, 0, 9, &np, collect_fn, &g), PDX_OK);
    assert_int_equal(np, 9);
    assert_int_equal(g.n, 0);
    got_free(&g);
}

static void test_api_einval(void **state)
{
    pdx_tokenizer *tk = *state;
    uint32_t np = 0;
    got_list g = {0};
    assert_int_equal(pdx_tokenize(tk, 0, "a", 1, 3, &np, NULL, NULL), PDX_EINVAL);
    assert_int_equal(np, 3);
    assert_int_equal(pdx_tokenize(NULL, 0, "a", 1, 0, NULL, collect_fn, &g), PDX_EINVAL);
    assert_int_equal(pdx_tokenize(tk, 0, NULL, 4, 0, NULL, collect_fn, &g), PDX_EINVAL);
    assert_int_equal(g.n, 0);
}

static void test_api_stop(void **state)
{
    pdx_tokenizer *tk = *state;
    /* The callback's non-zero value comes back, nothing is emitted after
     * it, and next_pos is the position after the last emitted token. */
    got_list g = {.stop_at = 3, .stop_rc = 7};
    uint32_t np;
    const char *text = "one two three four five";
    assert_int_equal(run_into(tk, 0, text, strlen(text), 10, &np, &g), 7);
    assert_int_equal(g.n, 3);
    assert_string_equal(g.t[2].term, "three");
    assert_int_equal(np, 13);
    got_free(&g);

    /* Negative values too (PDX_ESTOP is what callers are expected to use). */
    g = (got_list){.stop_at = 1, .stop_rc = PDX_ESTOP};
    assert_int_equal(run_into(tk, 0, "강화학습", 12, 0, &np, &g), PDX_ESTOP);
    assert_int_equal(g.n, 1);
    assert_int_equal(np, 1);
    got_free(&g);

    /* Stopping inside a long CJK run (while the run buffer is flushed). */
    char buf[3 * 700];
    for (size_t i = 0; i < 700; i++)
        memcpy(buf + 3 * i, "가", 3);
    g = (got_list){.stop_at = 100, .stop_rc = 42};
    assert_int_equal(run_into(tk, 0, buf, sizeof buf, 0, &np, &g), 42);
    assert_int_equal(g.n, 100);
    assert_int_equal(np, 100);
    got_free(&g);

    /* The tokenizer is usable again after a stop. */
    EXPECT(tk, 0, "다음", {"다음", 0, 0, 6, C});
}

/* ---- Latin ---- */

static void test_latin_sentence(void **state)
{
    pdx_tokenizer *tk = *state;
    EXPECT(tk, 0, "Don't over-fit: GPT4's 70B model scored 1.5 (vs. 2024).",
           {"don't", 0, 0, 5, W}, {"over", 1, 6, 10, W}, {"fit", 2, 11, 14, W},
           {"gpt", 3, 16, 19, W}, {"4", 4, 19, 22, N}, {"70b", 5, 23, 26, N},
           {"model", 6, 27, 32, W}, {"score", 7, 33, 39, W}, {"1", 8, 40, 41, N},
           {"5", 9, 42, 43, N}, {"vs", 10, 45, 47, W}, {"2024", 11, 49, 53, N});
}

static void test_latin_hyphen_phrase(void **state)
{
    pdx_tokenizer *tk = *state;
    EXPECT(tk, 0, "text-to-video", {"text", 0, 0, 4, W}, {"to", 1, 5, 7, W},
           {"video", 2, 8, 13, W});
    /* Other punctuation and underscores split the same way. */
    EXPECT(tk, 0, "snake_case/path.name", {"snake", 0, 0, 5, W}, {"case", 1, 6, 10, W},
           {"path", 2, 11, 15, W}, {"name", 3, 16, 20, W});
}

static void test_latin_apostrophes(void **state)
{
    pdx_tokenizer *tk = *state;
    EXPECT(tk, 0, "What's", {"what", 0, 0, 6, W});
    EXPECT(tk, 0, "What\u2019s", {"what", 0, 0, 8, W});
    EXPECT(tk, 0, "What\u02bcs", {"what", 0, 0, 7, W});
    /* Leading/trailing apostrophes are not part of the word; two in a row
     * split it. */
    EXPECT(tk, 0, "'quoted' models' x''y", {"quot", 0, 1, 7, W}, {"model", 1, 9, 15, W},
           {"x", 2, 17, 18, W}, {"y", 3, 20, 21, W});
    /* A possessive on an alphanumeric word is dropped like the stemmer
     * drops it from a plain word. */
    EXPECT(tk, 0, "GPT4's 1990's", {"gpt", 0, 0, 3, W}, {"4", 1, 3, 6, N}, {"1990", 2, 7, 13, N});
}

static void test_latin_numbers(void **state)
{
    pdx_tokenizer *tk = *state;
    EXPECT(tk, 0, "Llama-3.1 70B gpt4 4o v2 3D 12,000",
           {"llama", 0, 0, 5, W}, {"3", 1, 6, 7, N}, {"1", 2, 8, 9, N},
           {"70b", 3, 10, 13, N}, {"gpt", 4, 14, 17, W}, {"4", 5, 17, 18, N},
           {"4o", 6, 19, 21, N}, {"v2", 7, 22, 24, N}, {"3d", 8, 25, 27, N},
           {"12", 9, 28, 30, N}, {"000", 10, 31, 34, N});
    /* Letters before a digit are a word of their own, stemmed like one;
     * digits are never stemmed. */
    EXPECT(tk, 0, "Tests2 tests", {"test", 0, 0, 5, W}, {"2", 1, 5, 6, N}, {"test", 2, 7, 12, W});
}

/* "GPT-4", "GPT4" and "gpt 4" are one spelling to a reader: each gives the
 * terms gpt, 4 at consecutive positions, as do Llama3/Llama 3 and
 * Qwen2.5/Qwen 2.5. Short model names with one letter or digits first keep
 * their single term. */
static void test_latin_letter_digit(void **state)
{
    pdx_tokenizer *tk = *state;
    static const char *const same[][2] = {
        {"GPT-4", "GPT4"},          {"gpt 4", "GPT4"},         {"Llama3", "Llama 3"},
        {"Qwen2.5", "Qwen 2.5"},    {"GPT-4o", "GPT4o"},       {"Llama-3-8B", "Llama3 8B"},
        {"ResNet50", "ResNet-50"},  {"GPT4's", "GPT-4"},
    };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
        expect_same_terms(tk, 0, same[i][0], strlen(same[i][0]), 0, same[i][1],
                          strlen(same[i][1]));
    EXPECT(tk, 0, "GPT4o", {"gpt", 0, 0, 3, W}, {"4o", 1, 3, 5, N});
    EXPECT(tk, 0, "3D 7B R1 o1 4K x86 A100", {"3d", 0, 0, 2, N}, {"7b", 1, 3, 5, N},
           {"r1", 2, 6, 8, N}, {"o1", 3, 9, 11, N}, {"4k", 4, 12, 14, N},
           {"x86", 5, 15, 18, N}, {"a100", 6, 19, 23, N});
    /* The same in a query: a spelling joined there finds it split in text. */
    EXPECT(tk, PDX_TOKENIZE_QUERY, "Llama3를", {"llama", 0, 0, 5, W}, {"3", 1, 5, 6, N});
}

/* Acronym plurals meet their singular (Snowball leaves words without a
 * vowel alone); lowercase words ending in s and all-capital words are not
 * acronym plurals. */
static void test_latin_acronym_plurals(void **state)
{
    pdx_tokenizer *tk = *state;
    EXPECT(tk, 0, "LLMs LLM GPUs MLLMs VLMs CNNs", {"llm", 0, 0, 4, W}, {"llm", 1, 5, 8, W},
           {"gpu", 2, 9, 13, W}, {"mllm", 3, 14, 19, W}, {"vlm", 4, 20, 24, W},
           {"cnn", 5, 25, 29, W});
    EXPECT(tk, 0, "gas bias class AS Is", {"gas", 0, 0, 3, W}, {"bias", 1, 4, 8, W},
           {"class", 2, 9, 14, W}, {"as", 3, 15, 17, W}, {"is", 4, 18, 20, W});
    /* Typed in lowercase: no English word is consonants and a final s. */
    EXPECT(tk, 0, "llms cnns LLMS bugs", {"llm", 0, 0, 4, W}, {"cnn", 1, 5, 9, W},
           {"llm", 2, 10, 14, W}, {"bug", 3, 15, 19, W});
    /* A plural glued to Hangul (through the general path) folds too. */
    EXPECT(tk, 0, "LLMs는", {"llm", 0, 0, 4, W}, {"는", 1, 4, 7, C});
    EXPECT(tk, PDX_TOKENIZE_QUERY, "LLMs를", {"llm", 0, 0, 4, W});
}

static void test_latin_stemming(void **state)
{
    pdx_tokenizer *tk = *state;
    /* Words go through Snowball English (none of stem_overrides);
     * compare with libstemmer directly,
     * twice, so that the tokenizer's stem cache is exercised on the second
     * pass. */
    static const char *const words[] = {
        "running", "generally", "models", "learned", "diffusion", "attention",
        "transforms", "efficiently", "agents", "reasoning", "benchmarks",
        "the", "evaluation", "scaling", "laws", "fine", "tuning", "instructions",
    };
    struct sb_stemmer *sb = sb_stemmer_new("english", "UTF_8");
    assert_non_null(sb);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
            const sb_symbol *s = sb_stemmer_stem(sb, (const sb_symbol *)words[i],
                                                 (int)strlen(words[i]));
            assert_non_null(s);
            char want[64];
            snprintf(want, sizeof want, "%.*s", sb_stemmer_length(sb), (const char *)s);
            got_list g = {0};
            assert_int_equal(run_into(tk, 0, words[i], strlen(words[i]), 0, NULL, &g), 0);
            assert_int_equal(g.n, 1);
            assert_string_equal(g.t[0].term, want);
            assert_int_equal(g.t[0].kind, W);
            got_free(&g);
        }
    }
    sb_stemmer_delete(sb);
    EXPECT(tk, 0, "Running MODELS generally",
           {"run", 0, 0, 7, W}, {"model", 1, 8, 14, W}, {"general", 2, 15, 24, W});
}

/* Words Snowball joins but whose senses differ get stems of their own;
 * their other inflections still meet (tokenizer.c stem_overrides). */
static void test_latin_stem_overrides(void **state)
{
    pdx_tokenizer *tk = *state;
    EXPECT(tk, 0, "continual continually continuous Continuously continue continuation",
           {"continual", 0, 0, 9, W}, {"continual", 1, 10, 21, W},
           {"continuous", 2, 22, 32, W}, {"continuous", 3, 33, 45, W},
           {"continu", 4, 46, 54, W}, {"continu", 5, 55, 67, W});
    EXPECT(tk, 0, "positive positional objective objects", {"positiv", 0, 0, 8, W},
           {"posit", 1, 9, 19, W}, {"objectiv", 2, 20, 29, W}, {"object", 3, 30, 37, W});
    /* A network apart from what it does: encoder and encoding (so the
     * lexicon's 인코딩 no longer leads to 인코더), transformer and
     * transformation. */
    EXPECT(tk, 0, "encoders encoding Transformers transformation", {"encoder", 0, 0, 8, W},
           {"encod", 1, 9, 17, W}, {"transformer", 2, 18, 30, W}, {"transform", 3, 31, 45, W});
    EXPECT(tk, 0, "generalization general tokenizer token", {"generaliz", 0, 0, 14, W},
           {"general", 1, 15, 22, W}, {"tokeniz", 2, 23, 32, W}, {"token", 3, 33, 38, W});
    EXPECT(tk, 0, "comprehension comprehensive distributed distribution low-rank ranking",
           {"comprehension", 0, 0, 13, W}, {"comprehens", 1, 14, 27, W},
           {"distributed", 2, 28, 39, W}, {"distribut", 3, 40, 52, W}, {"low", 4, 53, 56, W},
           {"rank", 5, 57, 61, W}, {"ranking", 6, 62, 69, W});
    /* Snowball's British spelling (its own stem) meets the American one;
     * an -ism keeps Snowball's stem */
    EXPECT(tk, 0, "normalisation normalization generalisation tokenism",
           {"normaliz", 0, 0, 13, W}, {"normaliz", 1, 14, 27, W}, {"generaliz", 2, 28, 42, W},
           {"token", 3, 43, 51, W});
    /* Snowball stems "experiments" "experi" but "experimental" "experiment". */
    EXPECT(tk, 0, "experiments experimental experience experienced",
           {"experiment", 0, 0, 11, W}, {"experiment", 1, 12, 24, W},
           {"experienc", 2, 25, 35, W}, {"experienc", 3, 36, 47, W});
    /* "math" is short for mathematics: one stem (a user trial: "math
     * reasoning" ranked a "Mathematical Reasoning" title 37th). */
    EXPECT(tk, 0, "math maths mathematical Mathematics", {"math", 0, 0, 4, W},
           {"math", 1, 5, 10, W}, {"math", 2, 11, 23, W}, {"math", 3, 24, 35, W});
    /* The prefix alone does not decide: a word Snowball stems elsewhere
     * keeps its stem ("animalistic" is "animalist", not "animal"). */
    EXPECT(tk, 0, "universal universities differentiable differential animalistic animals",
           {"univers", 0, 0, 9, W}, {"universit", 1, 10, 22, W},
           {"differentiabl", 2, 23, 37, W}, {"differenti", 3, 38, 50, W},
           {"animalist", 4, 51, 62, W}, {"animal", 5, 63, 70, W});
    /* A query meets the text: the same stems with the query's flags. */
    EXPECT(tk, PDX_TOKENIZE_QUERY, "Continual", {"continual", 0, 0, 9, W});
}

/* The term of a one-word text, into out (NUL-terminated). */
static int keep_term(const pdx_token *t, void *payload)
{
    char *out = payload;
    memcpy(out, t->term, t->term_len);
    out[t->term_len] = 0;
    return 0;
}

static void term_of(pdx_tokenizer *tk, const char *word, char *out)
{
    out[0] = 0;
    assert_int_equal(pdx_tokenize(tk, 0, word, strlen(word), 0, NULL, keep_term, out), 0);
}

/* British spellings meet the American ones (common/spelling.c; a trial:
 * "quantised" found nothing), and words whose -ise is no -ize keep what
 * Snowball gives them, with the words they were stemmed with. */
static void test_latin_british(void **state)
{
    pdx_tokenizer *tk = *state;
    static const char *const same[][2] = {
        {"optimisation", "optimization"}, {"quantised", "quantized"},
        {"summarisation", "summarization"}, {"recognise", "recognize"},
        {"parameterisation", "parameterization"}, {"optimiser", "optimizer"},
        {"criticised", "criticized"},      {"analysed", "analyzed"},
        {"randomised", "randomized"},      {"customisation", "customization"},
        {"amortised", "amortized"},
        {"colour", "color"},               {"behavioural", "behavioral"},
        {"favourite", "favorite"},         {"colourisation", "colorization"},
        {"centre", "center"},              {"centred", "centered"},
        {"programme", "program"},          {"dialogues", "dialogs"},
        {"judgement", "judgment"},         {"artefacts", "artifacts"},
        {"normalisation", "normalization"}, {"tokenisation", "tokenization"},
        /* -ise that is no -ize: still stemmed with its own words */
        {"supervised", "supervision"},     {"precise", "precision"},
        {"revised", "revision"},           {"advertised", "advertise"},
    };
    for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
        char a[64], b[64];
        term_of(tk, same[i][0], a);
        term_of(tk, same[i][1], b);
        if (strcmp(a, b))
            fail_msg("%s is '%s' but %s is '%s'", same[i][0], a, same[i][1], b);
    }
    /* joined with no other word: analyses stays the plural of analysis,
     * promise, exercise and otherwise keep their s */
    static const char *const apart[][2] = {
        {"analyses", "analyzes"}, {"promise", "promize"}, {"exercise", "exercize"},
        {"otherwise", "otherwize"}, {"raise", "raize"}, {"four", "for"},
    };
    for (size_t i = 0; i < sizeof apart / sizeof *apart; i++) {
        char a[64], b[64];
        term_of(tk, apart[i][0], a);
        term_of(tk, apart[i][1], b);
        if (!strcmp(a, b))
            fail_msg("%s and %s are both '%s'", apart[i][0], apart[i][1], a);
    }
}

static void test_latin_long_words(void **state)
{
    pdx_tokenizer *tk = *state;
    char buf[4000];
    got_list g = {0};

    /* 1000 letters: the term is the first 64, the range is the whole word,
     * and it is not stemmed. */
    memset(buf, 'a', 1000);
    memcpy(buf + 1000, "s ok", 4);
    assert_int_equal(run_into(tk, 0, buf, 1004, 0, NULL, &g), 0);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.t[0].term_len, PDX_MAX_TERM_BYTES);
    assert_memory_equal(g.t[0].term, buf, PDX_MAX_TERM_BYTES);
    assert_int_equal(g.t[0].start, 0);
    assert_int_equal(g.t[0].end, 1001);
    assert_int_equal(g.t[0].kind, W);
    assert_string_equal(g.t[1].term, "ok");
    assert_int_equal(g.t[1].start, 1002);
    got_free(&g);

    /* A 3-byte letter: the cut falls on a character boundary (21 * 3). */
    for (size_t i = 0; i < 1000; i++)
        memcpy(buf + 3 * i, "\u10d0", 3); /* GEORGIAN LETTER AN */
    assert_int_equal(run_into(tk, 0, buf, 3000, 0, NULL, &g), 0);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.t[0].term_len, 63);
    assert_memory_equal(g.t[0].term, buf, 63);
    assert_int_equal(g.t[0].end, 3000);
    got_free(&g);

    /* 63 ASCII letters then a 2-byte one: the term stops before it. */
    memset(buf, 'b', 63);
    memcpy(buf + 63, "\u0434", 2); /* д */
    assert_int_equal(run_into(tk, 0, buf, 65, 0, NULL, &g), 0);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.t[0].term_len, 63);
    assert_int_equal(g.t[0].end, 65);
    got_free(&g);

    /* A long number is cut the same way and stays a number. */
    memset(buf, '7', 100);
    assert_int_equal(run_into(tk, 0, buf, 100, 0, NULL, &g), 0);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.t[0].term_len, PDX_MAX_TERM_BYTES);
    assert_int_equal(g.t[0].kind, N);
    assert_int_equal(g.t[0].end, 100);
    got_free(&g);
}

static void test_latin_other_scripts(void **state)
{
    pdx_tokenizer *tk = *state;
    EXPECT(tk, 0, "Модели α-β ΣΟΦΊΑ", {"модели", 0, 0, 12, W}, {"α", 1, 13, 15, W},
           {"β", 2, 16, 18, W}, {"σοφια", 3, 19, 29, W});
}

/* ---- normalization ---- */

static void test_normalize_accents(void **state)
{
    pdx_tokenizer *tk = *state;
    EXPECT(tk, 0, "Márton naïve Ångström", {"marton", 0, 0, 7, W}, {"naiv", 1, 8, 14, W},
           {"angstrom", 2, 15, 25, W});
    /* Decomposed accents: same terms, the mark's bytes are in the range
     * (also after the last letter of a word). */
    EXPECT(tk, 0, "Ma\u0301rton cafe\u0301 x", {"marton", 0, 0, 8, W},
           {"cafe", 1, 9, 15, W}, {"x", 2, 16, 17, W});
    /* A mark with nothing before it is dropped. */
    EXPECT(tk, 0, "\u0301abc", {"abc", 0, 2, 5, W});
    const char *nfc = "Márton naïve Ångström";
    char *nfd = (char *)utf8proc_NFD((const utf8proc_uint8_t *)nfc);
    assert_non_null(nfd);
    assert_true(strlen(nfd) > strlen(nfc));
    expect_same_terms(tk, 0, nfc, strlen(nfc), 0, nfd, strlen(nfd));
    free(nfd);
}

static void test_normalize_fullwidth(void **state)
{
    pdx_tokenizer *tk = *state;
    EXPECT(tk, 0, "ＧＰＴ－４ｏ", {"gpt", 0, 0, 9, W}, {"4o", 1, 12, 18, N});
    expect_same_terms(tk, 0, "ＧＰＴ－４ｏ", strlen("ＧＰＴ－４ｏ"), 0, "gpt-4o", 6);
    /* A full-width word with a digit splits as its ASCII spelling does
     * (tokenizer 3 kept "gpt4" whole, which no "GPT4" query finds); each
     * piece covers the whole word, whose bytes are not the term's. */
    EXPECT(tk, 0, "ＧＰＴ４", {"gpt", 0, 0, 12, W}, {"4", 1, 0, 12, N});
    expect_same_terms(tk, 0, "ＧＰＴ４", strlen("ＧＰＴ４"), 0, "GPT4", 4);
    expect_same_terms(tk, 0, "Llama３ ｒ１", strlen("Llama３ ｒ１"), 0, "llama3 r1", 9);
    /* Ligatures, ß and compatibility digits follow NFKC + case folding. */
    EXPECT(tk, 0, "ﬁnd Straße ½", {"find", 0, 0, 5, W}, {"strass", 1, 6, 13, W},
           {"1", 2, 14, 16, N}, {"2", 3, 14, 16, N});
}

static void test_normalize_ignorables(void **state)
{
    pdx_tokenizer *tk = *state;
    /* Soft hyphen, ZWJ and (since tokenizer version 2) the zero-width
     * space vanish inside a word; their bytes join the range. */
    EXPECT(tk, 0, "soft\u00adware zero\u200bwidth", {"softwar", 0, 0, 10, W},
           {"zerowidth", 1, 11, 23, W});
    /* Every zero-width character of issue 9, inside a Korean and a Latin
     * word, in both modes: the same terms and positions as without it. */
    static const char *const zw[] = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
                                     "\u00ad"};
    for (size_t i = 0; i < sizeof zw / sizeof zw[0]; i++) {
        char k[64], l[64];
        snprintf(k, sizeof k, "강화%s학습을", zw[i]);
        snprintf(l, sizeof l, "rein%sforcement", zw[i]);
        for (int flags = 0; flags <= PDX_TOKENIZE_QUERY; flags++) {
            expect_same_terms(tk, flags, k, strlen(k), flags, "강화학습을", strlen("강화학습을"));
            expect_same_terms(tk, flags, l, strlen(l), flags, "reinforcement", 13);
        }
    }
    /* Byte ranges still cover the original bytes: 화 takes the ZWSP's. */
    EXPECT(tk, 0, "강화\u200b학습", {"강화", 0, 0, 9, C}, {"화학", 1, 3, 12, C},
           {"학습", 2, 9, 15, C});
}

/* ---- Hangul and other CJK ---- */

static void test_hangul_bigrams(void **state)
{
    pdx_tokenizer *tk = *state;
    EXPECT(tk, 0, "강화학습", {"강화", 0, 0, 6, C}, {"화학", 1, 3, 9, C},
           {"학습", 2, 6, 12, C});
    EXPECT(tk, 0, "책", {"책", 0, 0, 3, C});
}

static void test_hangul_bridge(void **state)
{
    pdx_tokenizer *tk = *state;
    EXPECT(tk, 0, "강화 학습", {"강화", 0, 0, 6, C}, {"화 학", 1, 3, 10, B},
           {"학습", 2, 7, 13, C});
    expect_same_compound(tk, 0, "강화 학습", 0, "강화학습");
    expect_same_compound(tk, 0, "대규모 언어 모델", 0, "대규모언어모델");
    /* One-syllable runs keep their unigram, and bridges still apply. */
    EXPECT(tk, 0, "이 모델", {"이", 0, 0, 3, C}, {"이 모", 1, 0, 7, B},
           {"모델", 2, 4, 10, C});
    EXPECT(tk, 0, "모델 이", {"모델", 0, 0, 6, C}, {"델 이", 1, 3, 10, B},
           {"이", 2, 7, 10, C});
    /* No-break space and ideographic space are spaces after NFKC. */
    EXPECT(tk, 0, "강화\u00a0학습", {"강화", 0, 0, 6, C}, {"화 학", 1, 3, 11, B},
           {"학습", 2, 8, 14, C});
    EXPECT(tk, 0, "강화\u3000학습", {"강화", 0, 0, 6, C}, {"화 학", 1, 3, 12, B},
           {"학습", 2, 9, 15, C});
}

static void test_hangul_no_bridge(void **state)
{
    pdx_tokenizer *tk = *state;
    static const char *const inputs[] = {
        "강화  학습", "강화\n학습", "강화, 학습", "강화\t학습", "강화 - 학습",
        "강화\xff학습",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        got_list g = {0};
        assert_int_equal(run_into(tk, 0, inputs[i], strlen(inputs[i]), 0, NULL, &g), 0);
        if (g.n != 2)
            print_tokens(inputs[i], &g);
        assert_int_equal(g.n, 2);
        assert_string_equal(g.t[0].term, "강화");
        assert_string_equal(g.t[1].term, "학습");
        assert_int_equal(g.t[1].kind, C);
        got_free(&g);
    }
    /* A Latin word or an emoji between runs: no bridge either. */
    EXPECT(tk, 0, "모델 RL 학습", {"모델", 0, 0, 6, C}, {"rl", 1, 7, 9, W},
           {"학습", 2, 10, 16, C});
    EXPECT(tk, 0, "모델🚀학습 모델 🚀 학습", {"모델", 0, 0, 6, C}, {"학습", 1, 10, 16, C},
           {"습 모", 2, 13, 20, B}, {"모델", 3, 17, 23, C}, {"학습", 4, 29, 35, C});
}

/* PDX_TOKENIZE_WHOLE (issue 11): a run of three or more characters also
 * gives its whole word, less one trailing particle, at the position of its
 * first bigram and taking none; the other tokens are those of the default
 * mode, at the same positions. */
static void test_hangul_whole_words(void **state)
{
    pdx_tokenizer *tk = *state;
    const int WH = PDX_TOKENIZE_WHOLE;
    EXPECT(tk, WH, "벤치마크를 썼다", {"벤치", 0, 0, 6, C}, {"치마", 1, 3, 9, C},
           {"마크", 2, 6, 12, C}, {"크를", 3, 9, 15, C}, {"벤치마크", 0, 0, 12, H},
           {"를 썼", 4, 12, 19, B}, {"썼다", 5, 16, 22, C});
    /* the protected ending stays, and the particle after it goes */
    EXPECT(tk, WH, "정확도를", {"정확", 0, 0, 6, C}, {"확도", 1, 3, 9, C},
           {"도를", 2, 6, 12, C}, {"정확도", 0, 0, 9, H});
    /* two characters left, or two to begin with: the bigram is the word */
    EXPECT(tk, WH, "모델을", {"모델", 0, 0, 6, C}, {"델을", 1, 3, 9, C});
    EXPECT(tk, WH, "강화 학습", {"강화", 0, 0, 6, C}, {"화 학", 1, 3, 10, B},
           {"학습", 2, 7, 13, C});
    /* after a bridge, the word starts at its own first bigram */
    EXPECT(tk, WH, "새 벤치마크", {"새", 0, 0, 3, C}, {"새 벤", 1, 0, 7, B},
           {"벤치", 2, 4, 10, C}, {"치마", 3, 7, 13, C}, {"마크", 4, 10, 16, C},
           {"벤치마크", 2, 4, 16, H});
    /* one syllable and a particle: the syllable as a word, which the
     * query word 팔 (a unigram) looks up; not for a protected noun, a run
     * that is all particle, or no particle at all */
    EXPECT(tk, WH, "팔을", {"팔을", 0, 0, 6, C}, {"팔", 0, 0, 3, H});
    EXPECT(tk, WH, "로봇 손으로", {"로봇", 0, 0, 6, C}, {"봇 손", 1, 3, 10, B},
           {"손으", 2, 7, 13, C}, {"으로", 3, 10, 16, C}, {"손", 2, 7, 10, H});
    EXPECT(tk, WH, "차이", {"차이", 0, 0, 6, C});
    EXPECT(tk, WH, "으로", {"으로", 0, 0, 6, C});
    EXPECT(tk, WH, "팔레", {"팔레", 0, 0, 6, C});
    EXPECT(tk, WH | PDX_TOKENIZE_QUERY, "팔을", {"팔을", 0, 0, 6, C});
    /* a query run is already stripped: its whole word is what is left */
    EXPECT(tk, WH | PDX_TOKENIZE_QUERY, "벤치마크를", {"벤치", 0, 0, 6, C},
           {"치마", 1, 3, 9, C}, {"마크", 2, 6, 12, C}, {"벤치마크", 0, 0, 12, H});
    /* an acronym plural gives its singular and, beside it, the plural as
     * written; other words nothing more */
    EXPECT(tk, WH, "LLMs plan", {"llm", 0, 0, 4, W}, {"llms", 0, 0, 4, H},
           {"plan", 1, 5, 9, W});
    EXPECT(tk, WH, "gas", {"gas", 0, 0, 3, W});
    /* without the flag, nothing changes; the next position is the same */
    uint32_t a = 0, b = 0;
    got_list g = {0};
    const char *text = "멀티모달벤치마크에서 강화학습을";
    assert_int_equal(run_into(tk, WH, text, strlen(text), 0, &a, &g), 0);
    size_t wholes = 0;
    for (size_t i = 0; i < g.n; i++)
        wholes += g.t[i].kind == H;
    assert_int_equal(wholes, 2);
    got_free(&g);
    assert_int_equal(run_into(tk, 0, text, strlen(text), 0, &b, &g), 0);
    for (size_t i = 0; i < g.n; i++)
        assert_int_not_equal(g.t[i].kind, H);
    assert_int_equal(a, b);
    got_free(&g);
    /* a run longer than PDX_MAX_WHOLE_CHARS gets none */
    pdx_buf longrun = {0};
    for (int i = 0; i <= PDX_MAX_WHOLE_CHARS; i++)
        pdx_buf_append(&longrun, "뭐", 3); /* no particle */
    assert_int_equal(run_into(tk, WH, (const char *)longrun.data, longrun.len, 0, NULL, &g), 0);
    for (size_t i = 0; i < g.n; i++)
        assert_int_not_equal(g.t[i].kind, H);
    got_free(&g);
    pdx_buf_free(&longrun);
}

/* One helper turns a bridge into its bigram, for every key that must not
 * tell them apart (issue 11 cleanup). */
static void test_term_unbridge(void **state)
{
    (void)state;
    char out[16];
    assert_int_equal(pdx_term_unbridge("화 학", 7, out), 6);
    assert_memory_equal(out, "화학", 6);
    assert_int_equal(pdx_term_unbridge("학습", 6, out), 6);
    assert_memory_equal(out, "학습", 6);
    char in_place[] = "이 모";
    assert_int_equal(pdx_term_unbridge(in_place, 7, in_place), 6);
    assert_memory_equal(in_place, "이모", 6);
}

static void test_hangul_mixed_sentences(void **state)
{
    pdx_tokenizer *tk = *state;
    EXPECT(tk, 0, "diffusion모델", {"diffus", 0, 0, 9, W}, {"모델", 1, 9, 15, C});
    EXPECT(tk, 0, "새 모델은 diffusion을 쓴다", {"새", 0, 0, 3, C}, {"새 모", 1, 0, 7, B},
           {"모델", 2, 4, 10, C}, {"델은", 3, 7, 13, C}, {"diffus", 4, 14, 23, W},
           {"을", 5, 23, 26, C}, {"을 쓴", 6, 23, 30, B}, {"쓴다", 7, 27, 33, C});
    EXPECT(tk, 0, "GPT-4o보다 작은 LLM 3개를 학습했다.", {"gpt", 0, 0, 3, W},
           {"4o", 1, 4, 6, N}, {"보다", 2, 6, 12, C}, {"다 작", 3, 9, 16, B},
           {"작은", 4, 13, 19, C}, {"llm", 5, 20, 23, W}, {"3", 6, 24, 25, N},
           {"개를", 7, 25, 31, C}, {"를 학", 8, 28, 35, B}, {"학습", 9, 32, 38, C},
           {"습했", 10, 35, 41, C}, {"했다", 11, 38, 44, C});
    EXPECT(tk, 0, "- **Vote**: 12, 검색 품질 향상!", {"vote", 0, 4, 8, W},
           {"12", 1, 12, 14, N}, {"검색", 2, 16, 22, C}, {"색 품", 3, 19, 26, B},
           {"품질", 4, 23, 29, C}, {"질 향", 5, 26, 33, B}, {"향상", 6, 30, 36, C});
}

static void test_hangul_nfd(void **state)
{
    pdx_tokenizer *tk = *state;
    /* Conjoining jamo compose: L V T -> 각, L V -> 가, and a precomposed LV
     * syllable takes a following T. The range covers all the jamo. */
    EXPECT(tk, 0, "\u1100\u1161\u11a8 \u1100\u1161", {"각", 0, 0, 9, C},
           {"각 가", 1, 0, 16, B}, {"가", 2, 10, 16, C});
    EXPECT(tk, 0, "가\u11a8", {"각", 0, 0, 6, C});
    /* Compatibility jamo go through NFKC to conjoining jamo, then compose. */
    EXPECT(tk, 0, "ㄱㅏ", {"가", 0, 0, 6, C});
    /* Whole sentences: NFD gives the same terms and positions as NFC. */
    static const char *const sentences[] = {
        "강화 학습을 위한 새로운 벤치마크에서 GPT-4o는 높은 점수를 받았다.",
        "이 모델 한국어 검색 엔진과 Unicode 정규화",
        "값싼 닭갈비 읽기 젊은 괜찮아 햇빛",
    };
    for (size_t i = 0; i < sizeof sentences / sizeof sentences[0]; i++) {
        const char *nfc = sentences[i];
        char *nfd = (char *)utf8proc_NFD((const utf8proc_uint8_t *)nfc);
        assert_non_null(nfd);
        assert_true(strlen(nfd) > strlen(nfc));
        for (int flags = 0; flags <= PDX_TOKENIZE_QUERY; flags++)
            expect_same_terms(tk, flags, nfc, strlen(nfc), flags, nfd, strlen(nfd));
        free(nfd);
    }
}

static void check_long_run(pdx_tokenizer *tk, size_t run)
{
    static const char syl[] = "가나다라마바사아자차카타파하";
    size_t len = 0;
    char *buf = malloc(3 * run + 64);
    assert_non_null(buf);
    memcpy(buf, "한 ", 4);
    len = 4;
    for (size_t i = 0; i < run; i++) {
        memcpy(buf + len, syl + 3 * (i % 14), 3);
        len += 3;
    }
    memcpy(buf + len, "에서는 끝", 13);
    len += 13;

    for (int flags = 0; flags <= PDX_TOKENIZE_QUERY; flags++) {
        got_list g = {0};
        assert_int_equal(run_into(tk, flags, buf, len, 0, NULL, &g), 0);
        /* unigram, bridge, bigrams of the run (+에서는), then for indexing
         * a bridge and a unigram; for queries 에서는 is stripped and 끝
         * stands alone. */
        size_t run_chars = run + 3 - (flags ? 3 : 0);
        size_t want = 2 + (run_chars - 1) + (flags ? 1 : 2);
        assert_int_equal(g.n, want);
        assert_string_equal(g.t[0].term, "한");
        assert_int_equal(g.t[1].kind, B);
        assert_string_equal(g.t[1].term, "한 가");
        assert_int_equal(g.t[1].start, 0);
        assert_int_equal(g.t[1].end, 7);
        for (size_t i = 0; i + 1 < run_chars; i++) {
            const got_token *t = &g.t[2 + i];
            char term[7];
            memcpy(term, buf + 4 + 3 * i, 6);
            term[6] = '\0';
            assert_string_equal(t->term, term);
            assert_int_equal(t->start, 4 + 3 * i);
            assert_int_equal(t->end, 4 + 3 * i + 6);
            assert_int_equal(t->kind, C);
        }
        const got_token *last = &g.t[g.n - 1];
        assert_string_equal(last->term, "끝");
        assert_int_equal(last->start, len - 3);
        if (!flags) {
            assert_string_equal(g.t[g.n - 2].term, "는 끝");
            assert_int_equal(g.t[g.n - 2].kind, B);
        } else {
            assert_int_equal(g.t[g.n - 2].kind, C);
        }
        got_free(&g);
    }
    free(buf);
}

static void test_hangul_long_run(void **state)
{
    pdx_tokenizer *tk = *state;
    /* Longer than the run buffer (256 characters), so it is flushed while it
     * grows; with a bridge in and out, and the query flag stripping a
     * three-syllable particle at the end. 254 + 3 makes the run end right
     * after a flush, where the fewest characters are left to strip from. */
    for (size_t run = 250; run <= 260; run++)
        check_long_run(tk, run);
    check_long_run(tk, 700);
    check_long_run(tk, 2000);
}

static void test_cjk_han_kana(void **state)
{
    pdx_tokenizer *tk = *state;
    EXPECT(tk, 0, "東京で 機械学習", {"東京", 0, 0, 6, C}, {"京で", 1, 3, 9, C},
           {"で 機", 2, 6, 13, B}, {"機械", 3, 10, 16, C}, {"械学", 4, 13, 19, C},
           {"学習", 5, 16, 22, C});
    /* Half-width katakana and a voicing mark compose; Hangul and Han in one
     * run are one run. */
    EXPECT(tk, 0, "ｶﾞ か\u3099 韓國어", {"ガ", 0, 0, 6, C}, {"ガ が", 1, 0, 13, B},
           {"が", 2, 7, 13, C}, {"が 韓", 3, 7, 17, B}, {"韓國", 4, 14, 20, C},
           {"國어", 5, 17, 23, C});
}

/* ---- query flag ---- */

static void test_query_particles(void **state)
{
    pdx_tokenizer *tk = *state;
    const int Q = PDX_TOKENIZE_QUERY;
    EXPECT(tk, Q, "학습을", {"학습", 0, 0, 6, C});
    EXPECT(tk, Q, "모델의", {"모델", 0, 0, 6, C});
    EXPECT(tk, Q, "벤치마크에서", {"벤치", 0, 0, 6, C}, {"치마", 1, 3, 9, C},
           {"마크", 2, 6, 12, C});
    EXPECT(tk, Q, "연구에서는", {"연구", 0, 0, 6, C});
    EXPECT(tk, Q, "모델들의", {"모델", 0, 0, 6, C});
    /* At least two syllables must remain. */
    EXPECT(tk, Q, "학을", {"학을", 0, 0, 6, C});
    EXPECT(tk, Q, "을", {"을", 0, 0, 3, C});
    /* Protected endings: nouns that end like a particle. */
    EXPECT(tk, Q, "정확도", {"정확", 0, 0, 6, C}, {"확도", 1, 3, 9, C});
    EXPECT(tk, Q, "정확도를", {"정확", 0, 0, 6, C}, {"확도", 1, 3, 9, C});
    /* Degree nouns in -도 a user trial found stripped to another word
     * (기여도 to 기여, "contribute"); 모델도 is still 모델 "too". */
    EXPECT(tk, Q, "기여도", {"기여", 0, 0, 6, C}, {"여도", 1, 3, 9, C});
    EXPECT(tk, Q, "자유도를", {"자유", 0, 0, 6, C}, {"유도", 1, 3, 9, C});
    EXPECT(tk, Q, "모델도", {"모델", 0, 0, 6, C});
    /* Only one particle goes. */
    EXPECT(tk, Q, "학습에서는을", {"학습", 0, 0, 6, C}, {"습에", 1, 3, 9, C},
           {"에서", 2, 6, 12, C}, {"서는", 3, 9, 15, C});
    /* Without the flag nothing is stripped. */
    EXPECT(tk, 0, "학습을", {"학습", 0, 0, 6, C}, {"습을", 1, 3, 9, C});
}

/* A word typed as a predicate looks up its noun: a user trial found
 * "미세조정된 LLM" 27 papers against 278 for "미세조정 LLM". */
static void test_query_endings(void **state)
{
    pdx_tokenizer *tk = *state;
    const int Q = PDX_TOKENIZE_QUERY;
    EXPECT(tk, Q, "정렬된", {"정렬", 0, 0, 6, C});
    EXPECT(tk, Q, "요약하는", {"요약", 0, 0, 6, C}); /* 하는, not the particle 는 */
    EXPECT(tk, Q, "다양한", {"다양", 0, 0, 6, C});
    EXPECT(tk, Q, "사용하여", {"사용", 0, 0, 6, C});
    EXPECT(tk, Q, "향상시키는", {"향상", 0, 0, 6, C});
    EXPECT(tk, Q, "구성되어", {"구성", 0, 0, 6, C});
    /* two syllables remain; nouns ending like one keep it */
    EXPECT(tk, Q, "위한", {"위한", 0, 0, 6, C});
    EXPECT(tk, Q, "무제한", {"무제", 0, 0, 6, C}, {"제한", 1, 3, 9, C});
    /* a particle after an ending goes with it; one glued to a Latin word
     * goes whole, as a particle there does */
    EXPECT(tk, Q, "요약하기를", {"요약", 0, 0, 6, C});
    EXPECT(tk, Q, "사용하기에", {"사용", 0, 0, 6, C});
    EXPECT(tk, Q, "LoRA된", {"lora", 0, 0, 4, W});
    EXPECT(tk, Q, "RLHF하는 모델", {"rlhf", 0, 0, 4, W}, {"모델", 1, 11, 17, C});
    /* indexing keeps them */
    EXPECT(tk, 0, "정렬된", {"정렬", 0, 0, 6, C}, {"렬된", 1, 3, 9, C});
}

static void test_query_bridges(void **state)
{
    pdx_tokenizer *tk = *state;
    const int Q = PDX_TOKENIZE_QUERY;
    /* A run that lost a particle makes no bridge to the next run. */
    EXPECT(tk, Q, "강화 학습을 위한", {"강화", 0, 0, 6, C}, {"화 학", 1, 3, 10, B},
           {"학습", 2, 7, 13, C}, {"위한", 3, 17, 23, C});
    EXPECT(tk, 0, "강화 학습을 위한", {"강화", 0, 0, 6, C}, {"화 학", 1, 3, 10, B},
           {"학습", 2, 7, 13, C}, {"습을", 3, 10, 16, C}, {"을 위", 4, 13, 20, B},
           {"위한", 5, 17, 23, C});
    /* The query finds the compound written either way. */
    expect_same_compound(tk, Q, "강화 학습을", 0, "강화학습");
    expect_same_compound(tk, Q, "강화학습을", 0, "강화 학습");
    /* A particle glued to a Latin word or number is dropped whole. */
    EXPECT(tk, Q, "GPT-4o를 쓴다", {"gpt", 0, 0, 3, W}, {"4o", 1, 4, 6, N},
           {"쓴다", 2, 10, 16, C});
    EXPECT(tk, Q, "새 모델은 diffusion을 쓴다", {"새", 0, 0, 3, C}, {"새 모", 1, 0, 7, B},
           {"모델", 2, 4, 10, C}, {"diffus", 3, 14, 23, W}, {"쓴다", 4, 27, 33, C});
    EXPECT(tk, Q, "GPT-4o보다 작은 LLM 3개를 학습했다.", {"gpt", 0, 0, 3, W},
           {"4o", 1, 4, 6, N}, {"작은", 2, 13, 19, C}, {"llm", 3, 20, 23, W},
           {"3", 4, 24, 25, N}, {"개를", 5, 25, 31, C}, {"를 학", 6, 28, 35, B},
           {"학습", 7, 32, 38, C}, {"습했", 8, 35, 41, C}, {"했다", 9, 38, 44, C});
}

/* ---- robustness ---- */

static void test_robust_invalid_utf8(void **state)
{
    pdx_tokenizer *tk = *state;
    expect_none(tk, 0, "\xff", 1);
    expect_none(tk, 0, "\x80\xbf\xc0", 3);
    EXPECT(tk, 0, "ab\xff" "cd", {"ab", 0, 0, 2, W}, {"cd", 1, 3, 5, W});
    EXPECT(tk, 0, "x\xc3", {"x", 0, 0, 1, W});                  /* truncated at end */
    EXPECT(tk, 0, "모\xeb\xb8", {"모", 0, 0, 3, C});             /* truncated Hangul */
    EXPECT(tk, 0, "a\xc0\xaf" "b", {"a", 0, 0, 1, W}, {"b", 1, 3, 4, W}); /* overlong */
    EXPECT(tk, 0, "a\xe0\x80\xaf" "b", {"a", 0, 0, 1, W}, {"b", 1, 4, 5, W});
    EXPECT(tk, 0, "\xed\xa0\x80z", {"z", 0, 3, 4, W});           /* surrogate */
    EXPECT(tk, 0, "\xf4\x90\x80\x80q", {"q", 0, 4, 5, W});       /* > U+10FFFF */
    EXPECT(tk, 0, "\x80\x80k", {"k", 0, 2, 3, W});               /* stray continuation */
    EXPECT(tk, 0, "모\xff델", {"모", 0, 0, 3, C}, {"델", 1, 4, 7, C});
    EXPECT(tk, 0, "e\xcc", {"e", 0, 0, 1, W}); /* truncated mark after a letter */
}

static void test_robust_emoji(void **state)
{
    pdx_tokenizer *tk = *state;
    EXPECT(tk, 0, "🚀 LLM😀ok 👍🏽 👨‍👩‍👧 end", {"llm", 0, 5, 8, W}, {"ok", 1, 12, 14, W},
           {"end", 2, 43, 46, W});
    expect_none(tk, 0, "😀🎉 ★ → ♥️ ©", strlen("😀🎉 ★ → ♥️ ©"));
}

static void test_robust_latex_markdown(void **state)
{
    pdx_tokenizer *tk = *state;
    EXPECT(tk, 0, "$\\times$ \\textit{HR-ED}", {"time", 0, 2, 7, W},
           {"textit", 1, 10, 16, W}, {"hr", 2, 17, 19, W}, {"ed", 3, 20, 22, W});
    EXPECT(tk, 0, "### [Title](https://x.org/abs/2401.1)",
           {"titl", 0, 5, 10, W}, {"http", 1, 12, 17, W}, {"x", 2, 20, 21, W},
           {"org", 3, 22, 25, W}, {"ab", 4, 26, 29, W}, {"2401", 5, 30, 34, N},
           {"1", 6, 35, 36, N});
}

static void test_robust_prefix(void **state)
{
    pdx_tokenizer *tk = *state;
    /* Tokenize every prefix of a larger buffer (each an exact-size heap copy,
     * so ASan sees any read past len); check a cut through a Hangul
     * character exactly. */
    const char *text = "training 데이터셋 e\xcc\x81 ＧＰＴ 강화 학습";
    size_t full = strlen(text);
    for (size_t len = 0; len <= full; len++) {
        for (int flags = 0; flags <= PDX_TOKENIZE_QUERY; flags++) {
            got_list g = {0};
            assert_int_equal(run_into(tk, flags, text, len, 0, NULL, &g), 0);
            got_free(&g);
        }
    }
    got_list g = {0};
    assert_int_equal(run_into(tk, 0, text, 16, 0, NULL, &g), 0);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.t[0].term, "train");
    assert_string_equal(g.t[1].term, "데이");
    assert_int_equal(g.t[1].start, 9);
    assert_int_equal(g.t[1].end, 15);
    got_free(&g);
    /* Cut between "e" and its combining mark: "e" ends at its own byte. */
    assert_int_equal(run_into(tk, 0, text, 23, 0, NULL, &g), 0);
    assert_int_equal(g.n, 5);
    assert_string_equal(g.t[4].term, "e");
    assert_int_equal(g.t[4].end, 23);
    got_free(&g);
}

/* xorshift64*: deterministic pseudo-random numbers for the fuzz test. */
static uint64_t rnd_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

static void test_robust_fuzz(void **state)
{
    pdx_tokenizer *tk = *state;
    /* Random mixes of pieces that exercise every path; valid UTF-8 only, so
     * that NFC and NFD forms can be compared, then the same with random
     * bytes. The seed is printed on failure. */
    static const char *const pieces[] = {
        "a", "Z", "7", " ", " ", "'", "\u2019", "-", ".", "_", "\n", "가", "각", "학",
        "습", "을", "를", "에서", "는", "\u1100", "\u1161", "\u11a8", "ㄱ", "ㅏ", "日",
        "本", "か", "\u3099", "ｶ", "ﾞ", "\u0301", "é", "Å", "ß", "ＧＰＴ", "😀",
        "\u200d", "\u00ad", "\u00a0", "Ω", "ﬁ", "①", "д",
    };
    enum { PIECES = sizeof pieces / sizeof pieces[0] };
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    char buf[512];
    for (int iter = 0; iter < 3000; iter++) {
        uint64_t s = seed + (uint64_t)iter * 0x2545f4914f6cdd1dull;
        uint64_t r = s | 1;
        size_t len = 0;
        size_t count = (size_t)(rnd_next(&r) % 40);
        for (size_t k = 0; k < count; k++) {
            const char *p = pieces[rnd_next(&r) % PIECES];
            size_t pl = strlen(p);
            if (len + pl > sizeof buf - 1)
                break;
            memcpy(buf + len, p, pl);
            len += pl;
        }
        buf[len] = '\0';
        char *nfd = (char *)utf8proc_NFD((const utf8proc_uint8_t *)buf);
        char *nfc = (char *)utf8proc_NFC((const utf8proc_uint8_t *)buf);
        if (!nfd || !nfc)
            fail_msg("utf8proc failed on seed %llu", (unsigned long long)s);
        for (int flags = 0; flags <= PDX_TOKENIZE_QUERY; flags++) {
            got_list ga = {0}, gb = {0};
            assert_int_equal(run_into(tk, flags, nfc, strlen(nfc), 0, NULL, &ga), 0);
            assert_int_equal(run_into(tk, flags, nfd, strlen(nfd), 0, NULL, &gb), 0);
            bool ok = ga.n == gb.n;
            for (size_t i = 0; ok && i < ga.n; i++)
                ok = strcmp(ga.t[i].term, gb.t[i].term) == 0 &&
                     ga.t[i].kind == gb.t[i].kind;
            if (!ok) {
                print_tokens(nfc, &ga);
                print_tokens(nfd, &gb);
                fail_msg("NFC/NFD differ, seed %llu", (unsigned long long)s);
            }
            got_free(&ga);
            got_free(&gb);
        }
        free(nfd);
        free(nfc);

        /* Random bytes: invariants only (checked in run_into). */
        size_t blen = (size_t)(rnd_next(&r) % 64);
        for (size_t k = 0; k < blen; k++) {
            uint64_t v = rnd_next(&r);
            buf[k] = (v & 3) == 0 ? (char)(0x80 | (v >> 8 & 0x3f))
                                  : (v & 3) == 1 ? (char)(0xe0 | (v >> 8 & 0x0f))
                                                 : (char)(v >> 8);
        }
        got_list g = {0};
        assert_int_equal(run_into(tk, iter & 1, buf, blen, 0, NULL, &g), 0);
        got_free(&g);
    }
}

/* A test named by path, with a fresh tokenizer as its state. */
#define TEST(name, fn) {name, fn, setup, teardown, NULL}

/* Derivational endings are dropped only with PDX_TOKENIZE_DERIVED, only
 * when two syllables remain, and never from a noun of their own. */
static void test_query_derived(void **state)
{
    pdx_tokenizer *tk = *state;
    const int QD = PDX_TOKENIZE_QUERY | PDX_TOKENIZE_DERIVED;
    EXPECT(tk, QD, "효율화", {"효율", 0, 0, 6, C});
    EXPECT(tk, QD, "효율적인", {"효율", 0, 0, 6, C});
    EXPECT(tk, QD, "효율성을", {"효율", 0, 0, 6, C});
    EXPECT(tk, QD, "효율적으로", {"효율", 0, 0, 6, C});
    EXPECT(tk, PDX_TOKENIZE_QUERY, "효율화를", {"효율", 0, 0, 6, C}, {"율화", 1, 3, 9, C});
    EXPECT(tk, QD, "강화", {"강화", 0, 0, 6, C});
    EXPECT(tk, QD, "양자화", {"양자", 0, 0, 6, C}, {"자화", 1, 3, 9, C});
    /* stems that name another idea keep their ending (a black-box probe) */
    EXPECT(tk, QD, "시각화", {"시각", 0, 0, 6, C}, {"각화", 1, 3, 9, C});
    EXPECT(tk, QD, "일반화를", {"일반", 0, 0, 6, C}, {"반화", 1, 3, 9, C});
    EXPECT(tk, QD, "확장성", {"확장", 0, 0, 6, C}, {"장성", 1, 3, 9, C});
    EXPECT(tk, QD, "자동화", {"자동", 0, 0, 6, C});
    EXPECT(tk, QD, "분포변화", {"분포", 0, 0, 6, C}, {"포변", 1, 3, 9, C}, {"변화", 2, 6, 12, C});
    EXPECT(tk, 0, "효율화", {"효율", 0, 0, 6, C}, {"율화", 1, 3, 9, C});
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST("tokenizer/api/describe", test_api_describe),
        TEST("tokenizer/api/positions", test_api_positions),
        TEST("tokenizer/api/einval", test_api_einval),
        TEST("tokenizer/api/stop", test_api_stop),
        TEST("tokenizer/latin/sentence", test_latin_sentence),
        TEST("tokenizer/latin/hyphen_phrase", test_latin_hyphen_phrase),
        TEST("tokenizer/latin/apostrophes", test_latin_apostrophes),
        TEST("tokenizer/latin/numbers", test_latin_numbers),
        TEST("tokenizer/latin/letter_digit", test_latin_letter_digit),
        TEST("tokenizer/latin/acronym_plurals", test_latin_acronym_plurals),
        TEST("tokenizer/latin/stemming", test_latin_stemming),
        TEST("tokenizer/latin/stem_overrides", test_latin_stem_overrides),
        TEST("tokenizer/latin/british", test_latin_british),
        TEST("tokenizer/latin/long_words", test_latin_long_words),
        TEST("tokenizer/latin/other_scripts", test_latin_other_scripts),
        TEST("tokenizer/normalize/accents", test_normalize_accents),
        TEST("tokenizer/normalize/fullwidth", test_normalize_fullwidth),
        TEST("tokenizer/normalize/ignorables", test_normalize_ignorables),
        TEST("tokenizer/hangul/bigrams", test_hangul_bigrams),
        TEST("tokenizer/hangul/bridge", test_hangul_bridge),
        TEST("tokenizer/hangul/no_bridge", test_hangul_no_bridge),
        TEST("tokenizer/hangul/mixed_sentences", test_hangul_mixed_sentences),
        TEST("tokenizer/hangul/whole_words", test_hangul_whole_words),
        TEST("tokenizer/api/term_unbridge", test_term_unbridge),
        TEST("tokenizer/hangul/nfd", test_hangul_nfd),
        TEST("tokenizer/hangul/long_run", test_hangul_long_run),
        TEST("tokenizer/cjk/han_kana", test_cjk_han_kana),
        TEST("tokenizer/query/particles", test_query_particles),
        TEST("tokenizer/query/endings", test_query_endings),
        TEST("tokenizer/query/bridges", test_query_bridges),
        TEST("tokenizer/query/derived", test_query_derived),
        TEST("tokenizer/robust/invalid_utf8", test_robust_invalid_utf8),
        TEST("tokenizer/robust/emoji", test_robust_emoji),
        TEST("tokenizer/robust/latex_markdown", test_robust_latex_markdown),
        TEST("tokenizer/robust/prefix", test_robust_prefix),
        TEST("tokenizer/robust/fuzz", test_robust_fuzz),
    };
    return cmocka_run_group_tests_name("tokenizer", tests, NULL, NULL);
}
