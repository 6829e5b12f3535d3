/*
 * Tests for highlights and snippets (pdx_highlight, pdx_snippet_make in
 * searcher/snippet.c), through the public API only.
 *
 * The group setup writes a small digest (our own Korean and English text),
 * indexes it and opens a searcher, so queries resolve against a real
 * dictionary. Highlights are then asked for arbitrary texts: a highlight
 * depends on the query's terms, not on which paper the text came from.
 * The randomized test prints its seed on failure.
 */
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
#include "paperdex/paperdex.h"
#include "paperdex/search.h"

static const char digest[] =
    "## Daily Papers (2024-05-02)\n"
    "\n"
    "### [Reinforcement Learning for Tiny Robots](https://arxiv.org/abs/2405.00101)\n"
    "\n"
    "Vote: 7\n"
    "\n"
    "Authors: Hana Seo, Tom Reed\n"
    "\n"
    "- **What's New**: 작은 로봇을 위한 강화학습 방법을 제안합니다. 강화 학습 정책은 시뮬레이션에서 훈련됩니다.\n"
    "- **Technical Details**: We train many models with a transformer and transfer them to hardware.\n"
    "\n"
    "### [Diffusion Models Paint Video](https://arxiv.org/abs/2405.00102)\n"
    "\n"
    "Vote: 31\n"
    "\n"
    "Authors: Ilsu Kang\n"
    "\n"
    "- **What's New**: 확산 모델로 비디오를 생성합니다. A diffusion model that paints video frames.\n"
    "- **Performance Highlights**: 학습 속도가 빠릅니다. The modeling is simple.\n";

typedef fx_search fixture;

static int add_paper(const pdx_paper *p, void *payload)
{
    return pdx_writer_add(payload, p);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->dir = fx_tmpdir();
    char *md = fx_path(f->dir, "2024/05/02.md");
    char *idx = fx_path(f->dir, FX_SEARCH_INDEX);
    fx_write(md, digest, (size_t)-1);
    pdx_writer *w;
    assert_int_equal(pdx_writer_new(&w, idx, NULL), PDX_OK);
    pdx_parse_cb cb = {add_paper, NULL, w};
    pdx_parse_stats st = {0};
    const char *paths[] = {md};
    assert_int_equal(pdx_parse_paths(paths, 1, &cb, &st), PDX_OK);
    assert_int_equal(st.papers, 2);
    assert_int_equal(pdx_writer_commit(w, NULL), PDX_OK);
    pdx_writer_free(w);
    free(md);
    free(idx);
    fx_search_open_dir(f);
    *state = f;
    return 0;
}

/* The highlighted substrings of text for query, joined with '|'. */
static char *highlighted(fixture *f, const char *query, const char *text, size_t len)
{
    pdx_query *q = fx_search_parse(f, query);
    const pdx_span *sp;
    size_t n;
    assert_int_equal(pdx_highlight(f->s, q, text, len, &sp, &n), PDX_OK);
    pdx_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        assert_true(sp[i].start < sp[i].end && sp[i].end <= len);
        if (i) {
            assert_true(sp[i].start > sp[i - 1].end); /* merged when touching */
            pdx_buf_putc(&b, '|');
        }
        pdx_buf_append(&b, text + sp[i].start, sp[i].end - sp[i].start);
    }
    pdx_buf_putc(&b, 0);
    pdx_query_free(q);
    assert_int_equal(b.err, 0);
    return (char *)b.data;
}

static void check_hl(fixture *f, const char *query, const char *text, const char *want)
{
    char *got = highlighted(f, query, text, strlen(text));
    if (strcmp(got, want))
        fail_msg("query '%s' on '%s': highlighted '%s', want '%s'", query, text, got, want);
    free(got);
}

static bool valid_utf8_no_controls(const char *s, size_t n)
{
    const uint8_t *u = (const uint8_t *)s;
    for (size_t i = 0; i < n;) {
        if (u[i] < 0x20 || u[i] == 0x7f)
            return false;
        size_t l = pdx_utf8_decode(u + i, n - i, NULL);
        if (!l)
            return false;
        i += l;
    }
    return true;
}

static size_t count_cps(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((uint8_t)s[i] & 0xc0) != 0x80;
    return c;
}

/* Checks what every snippet promises and returns it. */
static pdx_snippet snippet(fixture *f, const pdx_query *q, const char *text, size_t len,
                           size_t width)
{
    pdx_snippet sn;
    assert_int_equal(pdx_snippet_make(f->s, q, text, len, width, &sn), PDX_OK);
    assert_non_null(sn.text);
    assert_true(valid_utf8_no_controls(sn.text, sn.len));
    for (size_t i = 0; i < sn.n_spans; i++) {
        assert_true(sn.spans[i].start < sn.spans[i].end);
        assert_true(sn.spans[i].end <= sn.len);
        if (i)
            assert_true(sn.spans[i].start >= sn.spans[i - 1].end);
    }
    return sn;
}

static bool starts_with(const pdx_snippet *sn, const char *p)
{
    return sn->len >= strlen(p) && !memcmp(sn->text, p, strlen(p));
}

static bool ends_with(const pdx_snippet *sn, const char *p)
{
    size_t n = strlen(p);
    return sn->len >= n && !memcmp(sn->text + sn->len - n, p, n);
}

static bool span_is(const pdx_snippet *sn, size_t i, const char *word)
{
    size_t n = strlen(word);
    return i < sn->n_spans && sn->spans[i].end - sn->spans[i].start == n &&
           !memcmp(sn->text + sn->spans[i].start, word, n);
}

/* memmem, which C11 lacks. */
static const char *find_bytes(const char *h, size_t hn, const char *n, size_t nn)
{
    if (nn == 0)
        return h;
    for (size_t i = 0; i + nn <= hn; i++)
        if (!memcmp(h + i, n, nn))
            return h + i;
    return NULL;
}

#define ELL "\xe2\x80\xa6"

/* ---- highlights ---- */

static void test_highlight_korean_bigram(void **state)
{
    fixture *f = *state;
    check_hl(f, "학습", "강화학습을 한다", "학습");
    check_hl(f, "강화학습", "강화학습을 한다", "강화학습");
    /* the bridge bigram joins the two runs into one span */
    check_hl(f, "강화학습", "이것은 강화 학습 정책", "강화 학습");
    /* a particle on the query word is dropped at query time */
    check_hl(f, "학습을", "빠른 학습이 된다", "학습");
    /* exact byte offsets */
    const char *t = "강화학습을";
    pdx_query *q = fx_search_parse(f, "학습");
    const pdx_span *sp;
    size_t n;
    assert_int_equal(pdx_highlight(f->s, q, t, strlen(t), &sp, &n), PDX_OK);
    assert_int_equal(n, 1);
    assert_int_equal(sp[0].start, 6);
    assert_int_equal(sp[0].end, 12);
    pdx_query_free(q);
}

static void test_highlight_phrases_only_where_they_match(void **state)
{
    fixture *f = *state;
    /* the bigrams of a longer word only count where they follow each other */
    check_hl(f, "강화학습", "강화와 학습을 한다", "");
    check_hl(f, "강화학습", "강화 정책, 학습, 그리고 강화학습", "강화학습");
    check_hl(f, "모델링", "모델과 모델링", "모델링");
    /* a plain word of the query still lights up everywhere */
    check_hl(f, "강화학습 학습", "강화와 학습, 강화학습", "학습|강화학습");
    check_hl(f, "text-to-video", "image-to-video and text-to-video and text to video",
             "text-to-video|text|to|video");
    /* the marks that join a name's parts join its highlights: the name is
     * one span (a trial: «Qwen2».«5»); a space, or more marks, do not */
    check_hl(f, "Qwen2.5", "Qwen2.5-Coder and Qwen2 5", "Qwen2.5|Qwen2|5");
    check_hl(f, "GPT-4o gpt", "GPT-4o, GPT--4o, GPT---4o", "GPT-4o|GPT--4o|GPT|4o");
    check_hl(f, "\"diffusion model\"", "a model of diffusion, a diffusion model", "diffusion|model");
    /* a phrase whose terms repeat: every complete occurrence, overlaps too */
    check_hl(f, "\"model model\"", "model model model x model", "model|model|model");
}

static void test_highlight_english_stem(void **state)
{
    fixture *f = *state;
    check_hl(f, "model", "Two models, one Model and the modeling work.",
             "models|Model|modeling");
    check_hl(f, "models", "a model", "model");
    check_hl(f, "diffusion", "Diffusion-based (diffusion) text", "Diffusion|diffusion");
    check_hl(f, "robot", "tiny robots", "robots");
}

static void test_highlight_query_shapes(void **state)
{
    fixture *f = *state;
    /* excluded words are not highlighted */
    check_hl(f, "diffusion -video", "diffusion makes video", "diffusion");
    /* a prefix highlights every word that starts with it */
    check_hl(f, "transf*", "a transformer can transfer skills", "transformer|transfer");
    /* OR: both sides */
    check_hl(f, "robot OR video", "video of a robot", "video|robot");
    /* field restriction still highlights the word */
    check_hl(f, "title:diffusion", "diffusion", "diffusion");
    /* a phrase's terms */
    check_hl(f, "\"diffusion model\"", "a diffusion model paints", "diffusion|model");
    /* filters alone highlight nothing */
    check_hl(f, "date:2024", "diffusion model", "");
    /* no match */
    check_hl(f, "robot", "nothing here", "");
    /* terms of one byte, and a one-letter prefix: the snippet's first-bytes
     * filter must let them through (a test of that filter, not of search) */
    check_hl(f, "x", "the X model", "X");
    check_hl(f, "r*", "a robot runs", "robot|runs");
    check_hl(f, "x 모델", "X 모델과 모델링", "X|모델|모델");
}

/* The snippet walks text with pdx_utf8_len: it must call exactly the
 * sequences pdx_utf8_decode calls valid, same length (every first and
 * second byte; the later bytes at the edges of the continuation range;
 * every truncation). */
static void test_utf8_len_matches_decode(void **state)
{
    (void)state;
    static const uint8_t tail[] = {0x00, 0x7f, 0x80, 0xbf, 0xc0, 0xff};
    uint8_t b[4];
    for (unsigned c0 = 0; c0 < 256; c0++)
        for (unsigned c1 = 0; c1 < 256; c1++)
            for (size_t i = 0; i < sizeof tail; i++)
                for (size_t j = 0; j < sizeof tail; j++) {
                    b[0] = (uint8_t)c0;
                    b[1] = (uint8_t)c1;
                    b[2] = tail[i];
                    b[3] = tail[j];
                    for (size_t n = 0; n <= 4; n++)
                        if (pdx_utf8_len(b, n) != pdx_utf8_decode(b, n, NULL))
                            fail_msg("%02x %02x %02x %02x n=%zu", c0, c1, tail[i], tail[j], n);
                }
}

static void test_highlight_empty_and_invalid(void **state)
{
    fixture *f = *state;
    pdx_query *q = fx_search_parse(f, "model");
    const pdx_span *sp;
    size_t n = 99;
    assert_int_equal(pdx_highlight(f->s, q, "", 0, &sp, &n), PDX_OK);
    assert_int_equal(n, 0);
    assert_int_equal(pdx_highlight(f->s, q, NULL, 0, &sp, &n), PDX_OK);
    assert_int_equal(n, 0);
    /* invalid bytes separate words and are never inside a span */
    const char t[] = "\xffmodels\xc3(model\xe2\x82 \xed\xa0\x80models";
    char *got = highlighted(f, "model", t, sizeof t - 1);
    assert_string_equal(got, "models|model|models");
    free(got);
    /* a length that cuts a sequence short: nothing read past it */
    const char k[] = "학습 학습";
    got = highlighted(f, "학습", k, 4);
    assert_string_equal(got, "");
    free(got);
    pdx_query_free(q);
}

/* ---- snippets ---- */

/* Filler without any query word: "word0001 word0002 ..." has digits, so no
 * stemming surprises, and no term the tests query. */
static void filler(pdx_buf *b, int from, int n)
{
    char w[32];
    for (int i = from; i < from + n; i++) {
        int k = snprintf(w, sizeof w, "filler%04d ", i);
        pdx_buf_append(b, w, (size_t)k);
    }
}

static void test_snippet_short_text_whole(void **state)
{
    fixture *f = *state;
    pdx_query *q = fx_search_parse(f, "diffusion");
    const char t[] = "- What's New: a diffusion model.\n- Details:\tit\r\nworks.\n";
    pdx_snippet sn = snippet(f, q, t, sizeof t - 1, 200);
    assert_int_equal(sn.len, strlen("What's New: a diffusion model. Details: it works."));
    assert_memory_equal(sn.text, "What's New: a diffusion model. Details: it works.", sn.len);
    assert_int_equal(sn.n_spans, 1);
    assert_true(span_is(&sn, 0, "diffusion"));
    pdx_query_free(q);
}

/* The summary's bullets are joined into one line without their markers
 * (a user trial found "...높입니다. - 기존의..."): "- ", "* " or "+ " opening
 * a line, after its indentation; a dash inside a line or one glued to a
 * word (-5) stays. */
static void test_snippet_drops_bullet_markers(void **state)
{
    fixture *f = *state;
    pdx_query *q = fx_search_parse(f, "diffusion");
    const char t[] = "* one - two\n  + diffusion -5\n-\n- three";
    const char want[] = "one - two diffusion -5 - three";
    pdx_snippet sn = snippet(f, q, t, sizeof t - 1, 200);
    assert_int_equal(sn.len, strlen(want));
    assert_memory_equal(sn.text, want, sn.len);
    assert_true(span_is(&sn, 0, "diffusion"));
    assert_int_equal(sn.spans[0].start, strlen("one - two "));
    /* a tab after the marker, indentation before it (a review) */
    const char t2[] = "  -\tdiffusion one\n\t* two";
    sn = snippet(f, q, t2, sizeof t2 - 1, 200);
    assert_int_equal(sn.len, strlen("diffusion one two"));
    assert_memory_equal(sn.text, "diffusion one two", sn.len);
    pdx_query_free(q);
}

/* Runs of blanks (spaces, tabs, newlines) become one space, lone spaces
 * stay, next to a match too: the copy takes a lone space with the words
 * around it in one append, and must not take a space that starts a run. */
static void test_snippet_blank_runs(void **state)
{
    fixture *f = *state;
    pdx_query *q = fx_search_parse(f, "diffusion");
    const char t[] = "one  two \n three\t \tfour   diffusion  five \r\n six diffusion seven";
    const char want[] = "one two three four diffusion five six diffusion seven";
    pdx_snippet sn = snippet(f, q, t, sizeof t - 1, 200);
    assert_int_equal(sn.len, strlen(want));
    assert_memory_equal(sn.text, want, sn.len);
    assert_int_equal(sn.n_spans, 2);
    assert_true(span_is(&sn, 0, "diffusion"));
    assert_true(span_is(&sn, 1, "diffusion"));
    assert_int_equal(sn.spans[0].start, strlen("one two three four "));
    pdx_query_free(q);
}

static void test_snippet_dense_region(void **state)
{
    fixture *f = *state;
    pdx_buf b = {0};
    pdx_buf_append(&b, "A model here. ", 14); /* one lonely match early */
    filler(&b, 0, 60);
    const char *cluster = "the diffusion model and 강화학습 with diffusion models ";
    size_t cluster_at = b.len;
    pdx_buf_append(&b, cluster, strlen(cluster));
    filler(&b, 100, 60);
    assert_int_equal(b.err, 0);

    pdx_query *q = fx_search_parse(f, "diffusion model 강화학습");
    pdx_snippet sn = snippet(f, q, (const char *)b.data, b.len, 100);
    assert_true(starts_with(&sn, ELL));
    assert_true(ends_with(&sn, ELL));
    /* about width characters: the window, two ellipses, snapping slack */
    size_t cps = count_cps(sn.text, sn.len);
    assert_true(cps >= 60 && cps <= 100 + 2 + 20);
    /* the cluster is inside, with every match highlighted in order */
    assert_non_null(find_bytes(sn.text, sn.len, cluster, strlen(cluster) - 1));
    assert_int_equal(sn.n_spans, 5);
    assert_true(span_is(&sn, 0, "diffusion"));
    assert_true(span_is(&sn, 1, "model"));
    assert_true(span_is(&sn, 2, "강화학습"));
    assert_true(span_is(&sn, 3, "diffusion"));
    assert_true(span_is(&sn, 4, "models"));
    /* the lonely early match is not in the window */
    assert_null(find_bytes(sn.text, sn.len, "A model", 7));
    /* snapped to whitespace: the window starts with a whole filler word */
    assert_memory_equal(sn.text + 3, "filler", 6);
    (void)cluster_at;
    pdx_query_free(q);
    pdx_buf_free(&b);
}

/* Long ASCII words: the window is counted in code points over runs of
 * ASCII the snippet steps over at once. With width 60, "robot" in the
 * middle and the other words 12 letters long, the window starts (60 - 5)
 * / 3 = 18 code points before "robot", inside the second word before it,
 * and snaps back to the space before that word; its end, 60 code points
 * after the unsnapped start, falls in the third word after "robot" and
 * snaps back to the space before it: exactly this text. A miscount of one
 * code point per word moves both cuts. */
static void test_snippet_long_ascii_words(void **state)
{
    fixture *f = *state;
    pdx_buf b = {0};
    for (int i = 0; i < 20; i++) {
        char w[16];
        snprintf(w, sizeof w, "%c%cabcdefghij ", 'a' + i % 26, 'a' + (i * 7) % 26);
        pdx_buf_append(&b, w, strlen(w));
        if (i == 9)
            pdx_buf_append(&b, "robot ", 6);
    }
    pdx_query *q = fx_search_parse(f, "robot");
    pdx_snippet sn = snippet(f, q, (const char *)b.data, b.len, 60);
    const char *want = ELL "ieabcdefghij jlabcdefghij robot ksabcdefghij lzabcdefghij" ELL;
    if (sn.len != strlen(want) || memcmp(sn.text, want, sn.len) != 0)
        fail_msg("snippet: %.*s", (int)sn.len, sn.text);
    assert_int_equal(sn.n_spans, 1);
    assert_true(span_is(&sn, 0, "robot"));
    pdx_query_free(q);
    /* without whitespace no cut moves: the window is exactly code points
     * [a - 18, a - 18 + 60) where "robot" starts at code point a = 300 */
    pdx_buf_reset(&b);
    for (int i = 0; i < 100; i++)
        pdx_buf_append(&b, "ab-", 3);
    pdx_buf_append(&b, "robot", 5);
    for (int i = 0; i < 100; i++)
        pdx_buf_append(&b, "-cd", 3);
    q = fx_search_parse(f, "robot");
    sn = snippet(f, q, (const char *)b.data, b.len, 60);
    assert_int_equal(sn.len, 3 + 60 + 3);
    assert_memory_equal(sn.text + 3, b.data + 300 - 18, 60);
    pdx_query_free(q);
    pdx_buf_free(&b);
}

static void test_snippet_prefers_distinct_terms(void **state)
{
    fixture *f = *state;
    pdx_buf b = {0};
    pdx_buf_append(&b, "model model model model ", 24);
    filler(&b, 0, 80);
    pdx_buf_append(&b, "diffusion model ", 16);
    filler(&b, 100, 80);
    pdx_query *q = fx_search_parse(f, "diffusion model");
    pdx_snippet sn = snippet(f, q, (const char *)b.data, b.len, 80);
    assert_int_equal(sn.n_spans, 2);
    assert_true(span_is(&sn, 0, "diffusion"));
    assert_true(span_is(&sn, 1, "model"));
    pdx_query_free(q);
    pdx_buf_free(&b);
}

static void test_snippet_tie_earliest(void **state)
{
    fixture *f = *state;
    pdx_buf b = {0};
    filler(&b, 0, 40);
    pdx_buf_append(&b, "robot first ", 12);
    filler(&b, 100, 40);
    pdx_buf_append(&b, "robot second ", 13);
    filler(&b, 200, 40);
    pdx_query *q = fx_search_parse(f, "robot");
    pdx_snippet sn = snippet(f, q, (const char *)b.data, b.len, 60);
    assert_non_null(find_bytes(sn.text, sn.len, "robot first", 11));
    assert_null(find_bytes(sn.text, sn.len, "second", 6));
    assert_true(starts_with(&sn, ELL) && ends_with(&sn, ELL));
    pdx_query_free(q);
    pdx_buf_free(&b);
}

static void test_snippet_no_match_starts_at_text(void **state)
{
    fixture *f = *state;
    pdx_buf b = {0};
    filler(&b, 0, 100);
    pdx_query *q = fx_search_parse(f, "robot");
    pdx_snippet sn = snippet(f, q, (const char *)b.data, b.len, 50);
    assert_int_equal(sn.n_spans, 0);
    assert_true(starts_with(&sn, "filler0000 "));
    assert_true(ends_with(&sn, ELL));
    /* cut at a word end */
    assert_memory_equal(sn.text + sn.len - 3 - 10, "filler", 6);
    pdx_query_free(q);
    pdx_buf_free(&b);
}

static void test_snippet_match_at_end(void **state)
{
    fixture *f = *state;
    pdx_buf b = {0};
    filler(&b, 0, 100);
    pdx_buf_append(&b, "the last word is robot.\n\n", 25);
    pdx_query *q = fx_search_parse(f, "robot");
    pdx_snippet sn = snippet(f, q, (const char *)b.data, b.len, 60);
    assert_true(starts_with(&sn, ELL));
    assert_true(ends_with(&sn, "robot."));     /* trailing newlines are no cut */
    assert_true(count_cps(sn.text, sn.len) >= 50); /* the window is filled backwards */
    assert_int_equal(sn.n_spans, 1);
    assert_true(span_is(&sn, 0, "robot"));
    pdx_query_free(q);
    pdx_buf_free(&b);
}

static void test_snippet_korean_spans(void **state)
{
    fixture *f = *state;
    pdx_buf b = {0};
    for (int i = 0; i < 30; i++)
        pdx_buf_append(&b, "오늘은 날씨가 맑고 바람이 분다. ", strlen("오늘은 날씨가 맑고 바람이 분다. "));
    const char *mid = "로봇이 강화 학습으로 걷는 법을 배운다. 비디오 생성도 한다.";
    pdx_buf_append(&b, mid, strlen(mid));
    for (int i = 0; i < 30; i++)
        pdx_buf_append(&b, " 저녁에는 비가 온다고 한다.", strlen(" 저녁에는 비가 온다고 한다."));
    pdx_query *q = fx_search_parse(f, "강화학습 비디오");
    pdx_snippet sn = snippet(f, q, (const char *)b.data, b.len, 60);
    assert_true(starts_with(&sn, ELL) && ends_with(&sn, ELL));
    assert_int_equal(sn.n_spans, 2);
    assert_true(span_is(&sn, 0, "강화 학습"));
    assert_true(span_is(&sn, 1, "비디오"));
    /* Korean words are snapped at spaces: the text after "…" is a whole word */
    assert_true(sn.len > 3 && sn.text[3] != ' ');
    pdx_query_free(q);
    pdx_buf_free(&b);
}

static void test_snippet_long_word_no_space(void **state)
{
    fixture *f = *state;
    /* no whitespace at all: cuts land on character boundaries */
    pdx_buf b = {0};
    for (int i = 0; i < 200; i++)
        pdx_buf_append(&b, "가나다", 9);
    pdx_buf_append(&b, "학습", 6);
    for (int i = 0; i < 200; i++)
        pdx_buf_append(&b, "라마바", 9);
    pdx_query *q = fx_search_parse(f, "학습");
    pdx_snippet sn = snippet(f, q, (const char *)b.data, b.len, 40);
    assert_true(starts_with(&sn, ELL) && ends_with(&sn, ELL));
    /* the window is 40 characters plus the two ellipses; 학습 touches 다 and
     * 라, which form other bigrams, so only 학습 is highlighted */
    assert_int_equal(count_cps(sn.text, sn.len), 42);
    assert_int_equal(sn.n_spans, 1);
    assert_true(span_is(&sn, 0, "학습"));
    pdx_query_free(q);
    pdx_buf_free(&b);
}

static void test_snippet_invalid_utf8(void **state)
{
    fixture *f = *state;
    const char t[] = "\xff\xfe model \xc3\x28 robot \xed\xa0\x80 \xf4\x90\x80\x80 end \xe2\x82";
    pdx_query *q = fx_search_parse(f, "model robot");
    pdx_snippet sn = snippet(f, q, t, sizeof t - 1, 200);
    assert_int_equal(sn.n_spans, 2);
    assert_true(span_is(&sn, 0, "model"));
    assert_true(span_is(&sn, 1, "robot"));
    assert_non_null(find_bytes(sn.text, sn.len, "\xef\xbf\xbd", 3)); /* U+FFFD */
    /* empty and NULL text */
    sn = snippet(f, q, "", 0, 200);
    assert_int_equal(sn.len, 0);
    assert_int_equal(sn.n_spans, 0);
    sn = snippet(f, q, NULL, 0, 200);
    assert_int_equal(sn.len, 0);
    /* blank only */
    sn = snippet(f, q, " \n\t ", 4, 200);
    assert_int_equal(sn.len, 0);
    /* width 0 means the default */
    sn = snippet(f, q, "robot", 5, 0);
    assert_true(span_is(&sn, 0, "robot"));
    pdx_query_free(q);
}

/* Random texts built from pieces that stress the code: query words, Hangul
 * runs, whitespace and controls, invalid and truncated sequences. Every
 * snippet must keep its promises (checked in snippet()) and each span must
 * be a whole highlight of the original text. */
static void test_snippet_random(void **state)
{
    fixture *f = *state;
    static const char *const pieces[] = {
        "model", "models", "diffusion", " ", "\n", "\t", "\r\n", "  ", "강화", "학습",
        "강화학습", " 학습 ", "비디오", "filler", "x", ".", "-", "\xff", "\xc3", "\xe2\x82",
        "\xed\xa0\x80", "\xf0\x9f\x98\x80", "\xcc\x81", "\x01", "\x7f", "Diffusion", "robot",
        "\xe3\x80\x80", "\xc2\xa0"};
    const size_t n_pieces = sizeof pieces / sizeof pieces[0];
    unsigned seed = (unsigned)time(NULL);
    const char *env = getenv("PDX_TEST_SEED");
    if (env && *env)
        seed = (unsigned)strtoul(env, NULL, 10);
    srand(seed);
    pdx_query *q = fx_search_parse(f, "diffusion model 강화학습 robot");
    pdx_buf b = {0};
    for (int iter = 0; iter < 400; iter++) {
        pdx_buf_reset(&b);
        int n = rand() % 120;
        for (int i = 0; i < n; i++) {
            const char *p = pieces[(size_t)rand() % n_pieces];
            pdx_buf_append(&b, p, strlen(p));
        }
        size_t width = (size_t)(rand() % 80);
        const char *text = b.len ? (const char *)b.data : "";
        /* reference: the highlights of the whole text */
        const pdx_span *hs;
        size_t hn;
        assert_int_equal(pdx_highlight(f->s, q, text, b.len, &hs, &hn), PDX_OK);
        pdx_span *ref = malloc((hn + 1) * sizeof *ref);
        assert_non_null(ref);
        memcpy(ref, hs, hn * sizeof *ref);
        pdx_snippet sn;
        if (pdx_snippet_make(f->s, q, text, b.len, width, &sn) != PDX_OK ||
            !valid_utf8_no_controls(sn.text, sn.len))
            fail_msg("seed %u iteration %d: bad snippet", seed, iter);
        for (size_t i = 0; i < sn.n_spans; i++) {
            const char *w = sn.text + sn.spans[i].start;
            size_t wl = sn.spans[i].end - sn.spans[i].start;
            /* some highlight of the text contains these bytes (a span can
             * be clipped at a window edge) */
            bool found = false;
            for (size_t k = 0; k < hn && !found; k++)
                found = find_bytes(text + ref[k].start, ref[k].end - ref[k].start, w, wl) != NULL;
            if (!found || sn.spans[i].end > sn.len ||
                (i && sn.spans[i].start < sn.spans[i - 1].end))
                fail_msg("seed %u iteration %d: span %zu '%.*s' is no highlight", seed, iter, i,
                         (int)wl, w);
        }
        free(ref);
    }
    pdx_buf_free(&b);
    pdx_query_free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_highlight_korean_bigram),
        cmocka_unit_test(test_highlight_phrases_only_where_they_match),
        cmocka_unit_test(test_highlight_english_stem),
        cmocka_unit_test(test_highlight_query_shapes),
        cmocka_unit_test(test_highlight_empty_and_invalid),
        cmocka_unit_test(test_utf8_len_matches_decode),
        cmocka_unit_test(test_snippet_short_text_whole),
        cmocka_unit_test(test_snippet_blank_runs),
        cmocka_unit_test(test_snippet_drops_bullet_markers),
        cmocka_unit_test(test_snippet_dense_region),
        cmocka_unit_test(test_snippet_long_ascii_words),
        cmocka_unit_test(test_snippet_prefers_distinct_terms),
        cmocka_unit_test(test_snippet_tie_earliest),
        cmocka_unit_test(test_snippet_no_match_starts_at_text),
        cmocka_unit_test(test_snippet_match_at_end),
        cmocka_unit_test(test_snippet_korean_spans),
        cmocka_unit_test(test_snippet_long_word_no_space),
        cmocka_unit_test(test_snippet_invalid_utf8),
        cmocka_unit_test(test_snippet_random),
    };
    return cmocka_run_group_tests_name("snippet", tests, setup, fx_search_teardown);
}
