/*
 * The query language as people type it (issue 9): AND, OR, NOT and
 * parentheses; filters inside OR groups and excluded; whole author names;
 * highlights that honor field restrictions; pasted text (unknown "word:",
 * arXiv addresses, versioned ids); prefixes inside phrases and '*' inside
 * words; empty field values and reversed ranges; zero-width characters.
 * Each test runs real queries on a small index of papers written for it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <utf8proc.h>

#include "common.h"
#include "fixtures.h"
#include "paperdex/paperdex.h"
#include "paperdex/search.h"
#include "searcher.h"

typedef fx_paper fdoc;

/* Index 5 gets its summary at setup: many words sharing two prefixes. */
static const fdoc docs[] = {
    {"2401.10001", "Lin Xu studies video transformers", "Lin Xu\nAmy Park",
     "a video transformer model for alpha", 20240601, 10},
    {"2401.10002", "Sparse routing", "Linning Xu\nBo Han", "a survey of diffusion", 20240715, 3},
    {"2401.10003", "Diffusion art", "Lin Xu Wang\nCy Dee",
     "diffusion model with 강화\xe2\x80\x8b" "학습", 20240820, 0},
    {"2401.10004", "Video diffusion survey", "Dee Fox\nEd Gil\nFay Ho\nLin Xu",
     "video diffusion survey", 20240610, -1},
    {"2401.10005", "transformer scaling", "Gus Ive", "we scale transformers and 강화학습",
     20230301, 50},
    {"2401.10006", "prefix zoo", "Hal Jo", NULL, 20230302, 1},
};
#define NDOCS (sizeof docs / sizeof docs[0])
#define ZOO_WORDS 130 /* more than PDX_DEFAULT_MAX_EXPANSIONS per prefix */

typedef fx_search env;

static int setup(void **state)
{
    env *e = calloc(1, sizeof *e);
    assert_non_null(e);
    pdx_buf zoo = {0};
    for (int i = 0; i < ZOO_WORDS; i++) {
        char w[32];
        /* letters only (a digit after letters would split the word), and
         * consonants (nothing for the stemmer to change) */
        static const char cons[] = "bcdfghjklmnpqrtvwxz"; /* 19 */
        snprintf(w, sizeof w, "zooa%c%c zoob%c%c ", cons[i / 19], cons[i % 19], cons[i / 19],
                 cons[i % 19]);
        pdx_buf_append(&zoo, w, strlen(w));
    }
    pdx_buf_putc(&zoo, 0);
    fdoc papers[NDOCS];
    for (size_t i = 0; i < NDOCS; i++) {
        papers[i] = docs[i];
        if (!papers[i].summary)
            papers[i].summary = (const char *)zoo.data;
    }
    fx_search_open(e, papers, NDOCS);
    pdx_buf_free(&zoo);
    *state = e;
    return 0;
}

/* The indexes in papers[0..n) (at most 16) of the papers of e matching
 * query in full (no partial matches), ascending, as "i,j,k". */
static const char *found_in(env *e, const fdoc *papers, size_t n, const char *query)
{
    static char buf[128];
    pdx_query *q = fx_search_parse(e, query);
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    o.no_partial = true;
    o.limit = 100;
    pdx_results r;
    assert_int_equal(pdx_search(e->s, q, &o, &r), PDX_OK);
    bool hit[16] = {false};
    assert_true(n <= 16);
    for (size_t i = 0; i < r.n; i++) {
        pdx_hit_info h;
        assert_int_equal(pdx_hit_get(e->s, r.hits[i].doc, &h), PDX_OK);
        for (size_t k = 0; k < n; k++)
            if (strlen(papers[k].id) == h.id_len && !memcmp(papers[k].id, h.id, h.id_len))
                hit[k] = true;
    }
    assert_int_equal(r.total, r.n);
    buf[0] = 0;
    for (size_t k = 0; k < n; k++)
        if (hit[k])
            snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%zu", *buf ? "," : "", k);
    pdx_results_clear(&r);
    pdx_query_free(q);
    return buf;
}

/* found_in() on the shared fixture. */
static const char *found(env *e, const char *query)
{
    return found_in(e, docs, NDOCS, query);
}

/* Expects query to be refused with PDX_EINVAL and a message holding want. */
static void refused(env *e, const char *query, const char *want)
{
    pdx_query *q = (pdx_query *)1;
    int rc = pdx_query_parse(&q, e->s, query, strlen(query));
    if (rc != PDX_EINVAL || !strstr(pdx_searcher_errmsg(e->s), want))
        fail_msg("'%s' gave %d '%s' (want EINVAL and '%s')", query, rc,
                 pdx_searcher_errmsg(e->s), want);
    assert_null(q);
}

/* ---- 1. filters inside OR groups, excluded filters ---- */

static void query_filters_or(void **state)
{
    env *e = *state;
    assert_string_equal(found(e, "date:2024-06"), "0,3");
    assert_string_equal(found(e, "date:2024-06 OR date:2024-07"), "0,1,3");
    assert_string_equal(found(e, "id:2401.10002 OR id:2401.10005"), "1,4");
    assert_string_equal(found(e, "votes:>=40 OR date:2024-08"), "2,4");
    /* a filter and a word as alternatives */
    assert_string_equal(found(e, "date:2023-03-01 OR survey"), "1,3,4");
    assert_string_equal(found(e, "diffusion (date:2024-07 OR date:2024-08)"), "1,2");
    assert_string_equal(found(e, "video (id:2401.10004 OR alpha)"), "0,3");
    /* excluded filters, alone and in an excluded group */
    assert_string_equal(found(e, "diffusion -date:2024-07"), "2,3");
    assert_string_equal(found(e, "diffusion NOT id:2401.10003"), "1,3");
    assert_string_equal(found(e, "diffusion -(date:2024-07 OR votes:0)"), "3");
    assert_string_equal(found(e, "diffusion -(votes:0 OR survey)"), "");
    assert_string_equal(found(e, "date:2024 -date:2024-06"), "1,2");
    /* partial matches count words, not filter alternatives; an excluded
     * filter excludes partial matches too */
    pdx_query *q = fx_search_parse(e, "routing (date:2023 OR alpha) -(votes:10 OR zzz)");
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    pdx_results r;
    assert_int_equal(pdx_search(e->s, q, &o, &r), PDX_OK);
    assert_int_equal(r.total, 0);
    assert_int_equal(r.n, 1); /* 1 (routing): not 4 nor 5 (2023), nor 0 (10 votes) */
    for (size_t i = 0; i < r.n; i++) {
        pdx_hit_info h;
        assert_int_equal(pdx_hit_get(e->s, r.hits[i].doc, &h), PDX_OK);
        assert_true(r.hits[i].partial);
        assert_true(h.id[9] == '2');
    }
    pdx_results_clear(&r);
    pdx_query_free(q);
    /* ANDed filters still intersect */
    assert_string_equal(found(e, "date:2024-06 date:2024-07"), "");
}

/* ---- 2. AND, NOT, OR, parentheses ---- */

/* An English function word typed between words is not required (the
 * summaries are Korean: "in" or "of" is in a title at most), with a notice;
 * one the user points at is: quoted, in a field, excluded, an alternative,
 * in capitals, or the whole query. */
static void query_function_words(void **state)
{
    env *e = *state;
    assert_string_equal(found(e, "survey of diffusion"), "1,3");
    assert_string_equal(found(e, "\"survey of diffusion\""), "1");
    assert_string_equal(found(e, "title:of diffusion"), "");
    assert_string_equal(found(e, "OF diffusion"), "1");
    assert_string_equal(found(e, "-of diffusion"), "2,3");
    assert_string_equal(found(e, "diffusion (of OR with)"), "1,2");
    /* next to OR with an excluded side (which excludes from the whole
     * query) it is still a word the user asked for */
    assert_string_equal(found(e, "diffusion of OR -routing"), "");
    assert_string_equal(found(e, "of"), "1");
    assert_string_equal(found(e, "of a"), "1");
    pdx_query *q = fx_search_parse(e, "the survey of diffusion");
    assert_non_null(strstr(q->notice, "left out: the, of"));
    pdx_query_free(q);
    q = fx_search_parse(e, "survey diffusion");
    assert_string_equal(q->notice, "");
    pdx_query_free(q);
}

static void query_operators(void **state)
{
    env *e = *state;
    assert_string_equal(found(e, "diffusion"), "1,2,3");
    assert_string_equal(found(e, "diffusion NOT survey"), "2");
    assert_string_equal(found(e, "diffusion AND survey"), "1,3");
    assert_string_equal(found(e, "diffusion survey"), "1,3");
    assert_string_equal(found(e, "routing OR alpha"), "0,1");
    /* lowercase operators are words: "not" is no term here; "and" is an
     * English function word, left out (query_function_words) */
    assert_string_equal(found(e, "diffusion not survey"), "");
    assert_string_equal(found(e, "diffusion and survey"), "1,3");
    /* OR binds tighter than AND; parentheses override */
    assert_string_equal(found(e, "video survey OR alpha"), "0,3");
    assert_string_equal(found(e, "(video survey) OR routing"), "1,3");
    assert_string_equal(found(e, "(art OR routing) (survey OR model)"), "1,2");
    assert_string_equal(found(e, "NOT (survey OR alpha) video"), "");
    assert_string_equal(found(e, "-(survey OR alpha) diffusion"), "2");
    /* an excluded alternative excludes from the whole query */
    assert_string_equal(found(e, "diffusion OR -survey"), "2");
    /* dangling operators and unbalanced parentheses are lenient */
    assert_string_equal(found(e, "OR diffusion AND"), "1,2,3");
    assert_string_equal(found(e, "diffusion NOT"), "1,2,3");
    assert_string_equal(found(e, "(diffusion survey"), "1,3");
    assert_string_equal(found(e, "diffusion survey)"), "1,3");
    assert_string_equal(found(e, "(video survey)) OR routing"), "1,3");
    /* a word glued after ')' is pasted text, not a group: "(Sparse)routing" */
    assert_string_equal(found(e, "(Sparse)routing"), "1");
    /* a plain query keeps its structure: a b OR c is [a] [b c] */
    pdx_query *q = fx_search_parse(e, "video survey OR alpha");
    assert_int_equal(q->n_groups, 2);
    assert_int_equal(q->groups[0].n_clauses, 1);
    assert_int_equal(q->groups[1].n_clauses, 2);
    pdx_query_free(q);
    /* distribution: (a b) OR (c d) is four groups */
    q = fx_search_parse(e, "(video survey) OR (routing sparse)");
    assert_int_equal(q->n_groups, 4);
    pdx_query_free(q);
    refused(e, "(a b c d e f g h) OR (i j k l m n o p) OR (q r)", "too complex");
    refused(e, "video NOT (survey diffusion)", "cannot exclude several words");
    refused(e, "NOT video", "not excluded");
}

/* A run of minus signs before a word is one minus, and the minus sign,
 * the full-width minus and the dashes that editors make of a typed "-" or
 * "--" are minus signs: a trial found "--survey" requiring survey (NOT NOT
 * survey) and "－survey", "−survey", "–survey", "—survey" matching as the
 * plain word. */
static void query_minus_signs(void **state)
{
    env *e = *state;
    static const char *const excluded[] = {
        "diffusion -survey",  "diffusion --survey", "diffusion ---survey",
        "diffusion −survey",  "diffusion －survey", "diffusion –survey",
        "diffusion —survey",  "diffusion -—survey", "diffusion NOT survey",
        "—survey diffusion",  "diffusion **-survey**",
    };
    for (size_t i = 0; i < sizeof excluded / sizeof *excluded; i++)
        if (strcmp(found(e, excluded[i]), "2") != 0)
            fail_msg("'%s' found %s, want 2", excluded[i], found(e, excluded[i]));
    assert_string_equal(found(e, "diffusion --(survey OR art)"), "");
    assert_string_equal(found(e, "diffusion −\"video diffusion\""), "1,2");
    /* a dash alone is no operator, and inside a word it splits it, as a
     * hyphen does */
    assert_string_equal(found(e, "diffusion — survey"), "1,3");
    assert_string_equal(found(e, "video-diffusion"), "3");
    assert_string_equal(found(e, "video–diffusion"), "3");
    assert_string_equal(found(e, "votes:3..3"), "1");
    refused(e, "video title:−robot", "-title:video");
    refused(e, "video title:--robot", "-title:video");
}

/* Typographic quotes make a phrase as '"' does: a trial found
 * “video generation” (macOS, iOS, word processors), „…“ and «…» (and
 * paperdex-search's own marks around a match, pasted back) read as two
 * words. */
static void query_typographic_quotes(void **state)
{
    env *e = *state;
    static const char *const phrases[] = {
        "\"diffusion survey\"", "“diffusion survey”", "„diffusion survey“",
        "„diffusion survey”",   "«diffusion survey»", "»diffusion survey«",
        "\"diffusion survey”",  "“diffusion survey",  "video «diffusion survey»",
        "‟diffusion survey”",   "〝diffusion survey〞", "**\"diffusion survey\"**",
    };
    for (size_t i = 0; i < sizeof phrases / sizeof *phrases; i++)
        if (strcmp(found(e, phrases[i]), "3") != 0)
            fail_msg("'%s' found %s, want 3", phrases[i], found(e, phrases[i]));
    assert_string_equal(found(e, "diffusion survey"), "1,3");
    assert_string_equal(found(e, "diffusion -“diffusion survey”"), "1,2");
    assert_string_equal(found(e, "diffusion -**“diffusion survey”**"), "1,2");
    assert_string_equal(found(e, "author:“Lin Xu”"), "0,3");
    assert_string_equal(found(e, "«Lin Xu» OR «video transformer»"), "0,1,2,3");
    /* single quotes are no phrase quotes: ’ is an apostrophe */
    assert_string_equal(found(e, "‘diffusion survey’"), "1,3");
    refused(e, "title:“”", "'title:' has nothing after it");
    refused(e, "title:«»", "'title:' has nothing after it");
}

/* A word typed as a predicate finds its noun in any form, the papers
 * writing it as typed first (a user trial: "미세조정된 LLM" found 27 papers,
 * "미세조정 LLM" 278). */
static void query_predicate_endings(void **state)
{
    env *e = *state;
    assert_string_equal(found(e, "강화된"), "2,4");
    assert_string_equal(found(e, "강화하는 transformer"), "4");
    assert_string_equal(found(e, "\"강화된\""), "");
}

/* Text glued to a quote, as people type: a quote inside a word opens a
 * phrase there (survey"video diffusion" was the phrase "survey video"),
 * and a Korean particle glued to a closing quote belongs to the sentence,
 * not the query ("강화학습"을 required a word 을). */
static void query_glued_quotes(void **state)
{
    env *e = *state;
    assert_string_equal(found(e, "survey\"video diffusion\""), "3");
    assert_string_equal(found(e, "survey“video diffusion”"), "3");
    assert_string_equal(found(e, "\"강화학습\""), "2,4");
    assert_string_equal(found(e, "\"강화학습\"을"), "2,4");
    assert_string_equal(found(e, "“강화학습”에서는"), "2,4");
    assert_string_equal(found(e, "\"video diffusion\"의 survey"), "3");
    /* only a particle is dropped: other glued text is a word of its own */
    assert_string_equal(found(e, "\"diffusion\"video"), "3");
    assert_string_equal(found(e, "\"diffusion\"을video"), "");
    /* a predicate ending glued to the quote goes as a particle does */
    assert_string_equal(found(e, "“강화학습”된"), "2,4");
    /* not before a minus sign: "…"을-survey is a word, no exclusion */
    assert_string_equal(found(e, "\"diffusion\"을-survey"), "");
    /* a stray quote ending a word opens nothing */
    assert_string_equal(found(e, "diffusion\" survey"), "1,3");
}

/* ---- 3. whole author names ---- */

static void query_whole_author(void **state)
{
    env *e = *state;
    /* Linning Xu stems to "lin xu" and Lin Xu Wang contains it: not them */
    assert_string_equal(found(e, "author:\"Lin Xu\""), "0,3");
    assert_string_equal(found(e, "author:\"lin xu\" video"), "0,3");
    assert_string_equal(found(e, "author:\"Lin Xu Wang\""), "2");
    assert_string_equal(found(e, "author:\"Xu Wang\""), "");
    assert_string_equal(found(e, "-author:\"Lin Xu\" diffusion"), "1,2");
    /* unquoted stays a word match */
    assert_string_equal(found(e, "author:xu"), "0,1,2,3");
    /* highlights: the whole name, only when it is that name */
    pdx_query *q = fx_search_parse(e, "author:\"Lin Xu\"");
    const pdx_span *sp;
    size_t n;
    assert_int_equal(pdx_highlight_field(e->s, q, PDX_TEXT_AUTHORS, "Lin Xu", 6, &sp, &n),
                     PDX_OK);
    assert_int_equal(n, 1); /* the name, as one span */
    assert_int_equal(sp[0].start, 0);
    assert_int_equal(sp[0].end, 6);
    assert_int_equal(
        pdx_highlight_field(e->s, q, PDX_TEXT_AUTHORS, "Linning Xu", 10, &sp, &n), PDX_OK);
    assert_int_equal(n, 0);
    assert_int_equal(
        pdx_highlight_field(e->s, q, PDX_TEXT_AUTHORS, "Lin Xu Wang", 11, &sp, &n), PDX_OK);
    assert_int_equal(n, 0);
    pdx_query_free(q);
    q = fx_search_parse(e, "author:xu");
    assert_int_equal(
        pdx_highlight_field(e->s, q, PDX_TEXT_AUTHORS, "Linning Xu", 10, &sp, &n), PDX_OK);
    assert_int_equal(n, 1);
    assert_int_equal(sp[0].start, 8);
    pdx_query_free(q);
}

/* ---- 4. highlights honor field restrictions ---- */

static void query_highlight_fields(void **state)
{
    env *e = *state;
    static const char summary[] = "a video transformer model";
    static const char title[] = "Video diffusion survey";
    pdx_query *q = fx_search_parse(e, "title:video model");
    const pdx_span *sp;
    size_t n;
    pdx_snippet sn;
    /* the summary: "model" yes, "video" (title only) no */
    assert_int_equal(pdx_snippet_make(e->s, q, summary, strlen(summary), 200, &sn), PDX_OK);
    assert_int_equal(sn.n_spans, 1);
    assert_memory_equal(sn.text + sn.spans[0].start, "model", 5);
    assert_int_equal(
        pdx_highlight_field(e->s, q, PDX_TEXT_SUMMARY, summary, strlen(summary), &sp, &n),
        PDX_OK);
    assert_int_equal(n, 1);
    /* the title: "video" yes */
    assert_int_equal(pdx_highlight_field(e->s, q, PDX_TEXT_TITLE, title, strlen(title), &sp, &n),
                     PDX_OK);
    assert_int_equal(n, 1);
    assert_int_equal(sp[0].start, 0);
    assert_int_equal(sp[0].end, 5);
    /* the field unknown: every clause, as before */
    assert_int_equal(pdx_highlight(e->s, q, summary, strlen(summary), &sp, &n), PDX_OK);
    assert_int_equal(n, 2);
    /* a phrase restricted to the summary does not light up the title */
    pdx_query_free(q);
    q = fx_search_parse(e, "summary:\"video diffusion\"");
    assert_int_equal(pdx_highlight_field(e->s, q, PDX_TEXT_TITLE, title, strlen(title), &sp, &n),
                     PDX_OK);
    assert_int_equal(n, 0);
    assert_int_equal(
        pdx_highlight_field(e->s, q, (pdx_text_field)7, title, strlen(title), &sp, &n),
        PDX_EINVAL);
    pdx_query_free(q);
}

/* ---- 5. pasted text ---- */

static void query_pasted(void **state)
{
    env *e = *state;
    /* an unknown "word:" is plain text */
    assert_string_equal(found(e, "Sparse:Routing"), "1");
    assert_string_equal(found(e, "video:transformer"), "0");
    assert_string_equal(found(e, "N:M"), "");
    /* arXiv addresses and ids, with versions */
    assert_string_equal(found(e, "https://arxiv.org/abs/2401.10002"), "1");
    assert_string_equal(found(e, "http://arxiv.org/pdf/2401.10002v3"), "1");
    assert_string_equal(found(e, "https://www.arxiv.org/pdf/2401.10002v3.pdf"), "1");
    assert_string_equal(found(e, "HTTPS://ARXIV.ORG/ABS/2401.10002"), "1"); /* any case */
    assert_string_equal(found(e, "Http://arxiv.org/abs/2401.10002"), "1");
    assert_string_equal(found(e, "arXiv:2401.10004"), "3");
    assert_string_equal(found(e, "arxiv:2401.10004v1"), "3");
    assert_string_equal(found(e, "id:2401.10005v2"), "4");
    assert_string_equal(found(e, "https://arxiv.org/abs/2401.10002 OR id:2401.10001v1"), "0,1");
    /* as a user pastes them (a trial found each silently matching
     * nothing): a bare id, with a version or the full stop of a sentence,
     * an address without its scheme, id: with an address or "arXiv:" */
    assert_string_equal(found(e, "2401.10002"), "1");
    assert_string_equal(found(e, "2401.10002v2."), "1");
    assert_string_equal(found(e, "2401.10002 routing"), "1");
    assert_string_equal(found(e, "2401.10002 video"), "");
    assert_string_equal(found(e, "arxiv.org/abs/2401.10002"), "1");
    assert_string_equal(found(e, "www.arxiv.org/pdf/2401.10002.pdf"), "1");
    assert_string_equal(found(e, "id:https://arxiv.org/abs/2401.10005"), "4");
    assert_string_equal(found(e, "id:arXiv:2401.10005"), "4");
    assert_string_equal(found(e, "id:2401.10005."), "4");
    assert_string_equal(found(e, "id:https://arxiv.org/abs/2401.10005."), "4");
    assert_string_equal(found(e, "arxiv.org/pdf/2401.10002.pdf."), "1");
    /* numbers that are no arXiv id (a month 13, four digits after 1412,
     * five before 1501) stay words */
    static const char *const numbers[] = {"1234.5678", "2413.12345", "1501.1234", "1412.12345"};
    for (size_t i = 0; i < sizeof numbers / sizeof *numbers; i++) {
        pdx_query *q = fx_search_parse(e, numbers[i]);
        assert_int_equal(q->groups[0].clauses[0].kind, PDX_CLAUSE_TERMS);
        pdx_query_free(q);
    }
    /* a second trial: the paper's Hugging Face page (the digests link
     * there too), arXiv's HTML page, an address with a query string or a
     * fragment, an id or address in brackets as markdown and mail quote
     * them (each matched nothing) */
    assert_string_equal(found(e, "https://huggingface.co/papers/2401.10002"), "1");
    assert_string_equal(found(e, "huggingface.co/papers/2401.10002v2"), "1");
    assert_string_equal(found(e, "https://arxiv.org/html/2401.10002v1"), "1");
    assert_string_equal(found(e, "https://arxiv.org/abs/2401.10002?context=cs"), "1");
    assert_string_equal(found(e, "https://arxiv.org/abs/2401.10002#S2"), "1");
    assert_string_equal(found(e, "https://arxiv.org/abs/2401.10002#S2?x"), "1");
    assert_string_equal(found(e, "[2401.10002]"), "1");
    assert_string_equal(found(e, "<https://arxiv.org/abs/2401.10002>"), "1");
    assert_string_equal(found(e, "id:[2401.10005]"), "4");
    /* arXiv's other hosts: export.arxiv.org, its mirror for scripts, as
     * pasted from API output (a trial found it matching nothing) */
    assert_string_equal(found(e, "http://export.arxiv.org/abs/2401.10002"), "1");
    assert_string_equal(found(e, "export.arxiv.org/pdf/2401.10002v1"), "1");
    assert_string_equal(found(e, "https://browse.arxiv.org/abs/2401.10002"), "1");
    /* other addresses are words */
    assert_string_equal(found(e, "https://notarxiv.org/abs/2401.10002"), "");
    assert_string_equal(found(e, "https://a.b.arxiv.org/abs/2401.10002"), "");
    assert_string_equal(found(e, "https://example.org/video"), "");
    assert_string_equal(found(e, "arxiv.org/list/cs"), "");
    assert_string_equal(found(e, "https://huggingface.co/models/video"), "");
}

/* ---- 5b. field names in any case, a field over a group, Korean words
 * joined by a hyphen (a user trial found each matching the wrong papers
 * or none) ---- */

static void query_fields_and_hyphens(void **state)
{
    env *e = *state;
    assert_string_equal(found(e, "Title:video"), "0,3");
    assert_string_equal(found(e, "TITLE:video"), found(e, "title:video"));
    assert_string_equal(found(e, "SUMMARY:alpha"), "0");
    assert_string_equal(found(e, "Date:2024-06"), "0,3");
    /* the field is each word's of the group, not the first one's only:
     * paper 1 has diffusion in its summary alone */
    assert_string_equal(found(e, "title:(video OR diffusion)"), "0,2,3");
    assert_string_equal(found(e, "title:video OR diffusion"), "0,1,2,3");
    assert_string_equal(found(e, "title:(video -survey)"), "0");
    assert_string_equal(found(e, "-title:(video OR diffusion) transformer"), "4");
    /* a word's own field inside the group is its own */
    assert_string_equal(found(e, "title:(summary:alpha OR art)"), "0,2");
    /* an unclosed group closes at the end, as without a field */
    assert_string_equal(found(e, "title:(video OR diffusion"), "0,2,3");
    /* 강화-학습 finds the papers writing 강화학습 or 강화 학습, as the
     * words without the hyphen do (a phrase of its two sides matched only
     * the hyphenated spelling) */
    assert_string_equal(found(e, "강화-학습"), "2,4");
    assert_string_equal(found(e, "강화 학습"), "2,4");
    assert_string_equal(found(e, "\"강화-학습\""), "");
    assert_string_equal(found(e, "text-to-video"), "");
    /* excluded, it is one compound (query_excluded_compound): two words
     * excluded together would be refused (a review found "video -강화-학습"
     * refused so) */
    assert_string_equal(found(e, "transformer -강화-학습"), "0");
    /* a name not in lower case with nothing after it is text, as a line
     * pasted from a digest ("Vote: 12"); in lower case, an error still */
    assert_string_equal(found(e, "Authors: Lin Xu"), found(e, "authors Lin Xu"));
    assert_string_equal(found(e, "Vote: 10 video"), found(e, "vote 10 video"));
    assert_string_equal(found(e, "Title:-video"), found(e, "title video"));
    refused(e, "votes: 10", "'votes:' has nothing after it");
}

/* An excluded Korean compound written with a hyphen: a trial found
 * "에이전트 -강화-학습" excluding nothing (a phrase of the two sides, which
 * only the hyphenated spelling makes, and the trial's papers wrote
 * 강화학습 or 강화 학습). Papers in my own words. */
static const fdoc compound_docs[] = {
    {"2404.40001", "Joined", "A B", "강화학습 에이전트", 20240101, 1},
    {"2404.40002", "Spaced", "A B", "강화 학습 에이전트", 20240102, 1},
    {"2404.40003", "Hyphen", "A B", "강화-학습 에이전트", 20240103, 1},
    {"2404.40004", "Apart", "A B", "강화 방법과 학습하는 에이전트", 20240104, 1},
    {"2404.40005", "Neither", "A B", "에이전트 설계", 20240105, 1},
};
#define NCOMPOUND (sizeof compound_docs / sizeof compound_docs[0])

static void query_excluded_compound(void **state)
{
    (void)state;
    fx_search fs;
    fx_search_open(&fs, compound_docs, NCOMPOUND);
#define COMPOUND(q) found_in(&fs, compound_docs, NCOMPOUND, q)
    /* positive, the two words, anywhere */
    assert_string_equal(COMPOUND("에이전트 강화-학습"), "0,1,2,3");
    /* excluded, the compound however it is spelled */
    assert_string_equal(COMPOUND("에이전트 -강화-학습"), "3,4");
    assert_string_equal(COMPOUND("에이전트 NOT 강화-학습"), "3,4");
    /* typed closed, the hyphenated spelling too, when few papers write
     * it closed (query_hyphenated_spelling); quoted, as written */
    assert_string_equal(COMPOUND("에이전트 -강화학습"), "3,4");
    assert_string_equal(COMPOUND("에이전트 -\"강화 학습\""), "2,3,4");
    assert_string_equal(COMPOUND("에이전트 -\"강화-학습\""), "0,1,3,4");
    assert_string_equal(COMPOUND("에이전트 -(강화-학습 OR 설계)"), "3");
    assert_string_equal(COMPOUND("에이전트 -summary:강화-학습"), "3,4");
    assert_string_equal(COMPOUND("에이전트 -title:강화-학습"), "0,1,2,3,4");
    /* under two NOTs it is still one unit, so required: the compound
     * however spelled (read as two words, the inner NOT would exclude a
     * conjunction, which is refused) */
    assert_string_equal(COMPOUND("에이전트 NOT -강화-학습"), "0,1,2");
    assert_string_equal(COMPOUND("에이전트 -(-강화-학습)"), "0,1,2");
    /* an editor's dash between the syllables is that hyphen (a trial
     * found 강화–학습 matching nothing), a dash before the word a minus */
    assert_string_equal(COMPOUND("에이전트 강화–학습"), "0,1,2,3");
    assert_string_equal(COMPOUND("에이전트 강화—학습"), "0,1,2,3");
    assert_string_equal(COMPOUND("에이전트 —강화–학습"), "3,4");
    assert_string_equal(COMPOUND("에이전트 -강화‐학습"), "3,4");
    /* emphasis with a particle after it (**강화학습**을), pasted from a
     * digest: the words, not a '*' inside a word; a compound that few
     * papers write closed also finds its hyphenated spelling
     * (query_hyphenated_spelling) */
    assert_string_equal(COMPOUND("강화학습을 에이전트"), "0,1,2");
    assert_string_equal(COMPOUND("**강화학습**을 에이전트"), "0,1,2");
#undef COMPOUND
    fx_search_close(&fs);
}

/* A compound typed closed finds its hyphenated spelling, which the
 * digests use for pairs of words (텍스트-이미지, 비전-언어: a trial's
 * `비전언어` found 20 papers of 148), when few papers write it closed; a
 * word that more do write closed is one of its own (a loanword, 피라미드,
 * is never cut in two). Papers in my own words. */
static const fdoc hyphen_docs[] = {
    {"2405.50001", "Hyphen", "A B", "텍스트-이미지 생성 모델을 제안한다", 20240101, 1},
    {"2405.50002", "Spaced", "A B", "텍스트 이미지 생성을 다룬다", 20240102, 1},
    {"2405.50003", "Closed", "A B", "텍스트이미지 변환", 20240103, 1},
    {"2405.50004", "Apart", "A B", "이미지 안의 텍스트를 읽는다", 20240104, 1},
    {"2405.50005", "Word 1", "A B", "피라미드 구조의 인코더", 20240105, 1},
    {"2405.50006", "Word 2", "A B", "피라미드 풀링을 쓴다", 20240106, 1},
    {"2405.50007", "Word 3", "A B", "특징 피라미드 네트워크", 20240107, 1},
    {"2405.50008", "Word 4", "A B", "이미지 피라미드", 20240108, 1},
    {"2405.50009", "Cut", "A B", "피라-미드 라는 표기", 20240109, 1},
};
#define NHYPHEN (sizeof hyphen_docs / sizeof hyphen_docs[0])

/* The expansions of query as "from>to;..." into out. */
static void notes_of(env *e, const char *query, char *out, size_t cap)
{
    pdx_query *q = fx_search_parse(e, query);
    size_t used = 0;
    out[0] = 0;
    for (size_t i = 0; i < pdx_query_expansion_count(q); i++) {
        pdx_expansion x;
        assert_int_equal(pdx_query_expansion(q, i, &x), PDX_OK);
        int n = snprintf(out + used, cap - used, "%.*s>%.*s;", (int)x.from_len, x.from,
                         (int)x.to_len, x.to);
        assert_true(n > 0 && (size_t)n < cap - used);
        used += (size_t)n;
    }
    pdx_query_free(q);
}

static void query_hyphenated_spelling(void **state)
{
    (void)state;
    fx_search fs;
    fx_search_open(&fs, hyphen_docs, NHYPHEN);
#define HYPHEN(q) found_in(&fs, hyphen_docs, NHYPHEN, q)
    /* closed, spaced and hyphenated; the words apart are another thing */
    assert_string_equal(HYPHEN("텍스트이미지"), "0,1,2");
    assert_string_equal(HYPHEN("텍스트이미지 생성"), "0,1");
    char notes[512];
    notes_of(&fs, "텍스트이미지", notes, sizeof notes);
    assert_string_equal(notes, "텍스트이미지>텍스트-이미지;"); /* a word a side: no 텍스-트이미지 */
    /* with a particle, the compound's; typed with the hyphen, two words */
    assert_string_equal(HYPHEN("텍스트이미지를"), "0,1,2");
    assert_string_equal(HYPHEN("텍스트-이미지"), "0,1,2,3");
    /* quoted, as written; excluded, however it is spelled */
    assert_string_equal(HYPHEN("\"텍스트이미지\""), "1,2");
    assert_string_equal(HYPHEN("이미지 -텍스트이미지"), "3,7");
    assert_string_equal(HYPHEN("이미지 -텍스트-이미지"), "3,7");
    /* written closed by 4 papers: a word of its own, not cut */
    assert_string_equal(HYPHEN("피라미드"), "4,5,6,7");
    notes_of(&fs, "피라미드", notes, sizeof notes);
    assert_string_equal(notes, "");
#undef HYPHEN
    fx_search_close(&fs);
}

/* Parentheses and NOTs nest as deep as PDX_MAX_QUERY_NESTING: 30,000 '('
 * overflowed the parser's stack (a review); past the bound, refused. */
static void query_nesting(void **state)
{
    env *e = *state;
    char q[PDX_MAX_QUERY_BYTES];
    size_t n = 0;
    for (int i = 0; i < PDX_MAX_QUERY_NESTING; i++)
        q[n++] = '(';
    memcpy(q + n, "video", 6);
    assert_string_equal(found(e, q), "0,3");
    n = 0;
    for (int i = 0; i < 30000; i++)
        q[n++] = '(';
    memcpy(q + n, "video", 6);
    refused(e, q, "query too deep");
    n = 0;
    for (int i = 0; i < 10000; i++) {
        memcpy(q + n, "NOT -(", 6);
        n += 6;
    }
    memcpy(q + n, "video", 6);
    refused(e, q, "query too deep");
}

/* ---- 6. prefixes ---- */

static void query_prefixes(void **state)
{
    env *e = *state;
    assert_string_equal(found(e, "\"video transf*\""), "0");
    assert_string_equal(found(e, "\"transf* model\""), "0");
    assert_string_equal(found(e, "\"video transf\""), "");
    assert_string_equal(found(e, "transf*"), "0,4");
    refused(e, "tr*nsformer", "'*' inside a word");
    refused(e, "\"video tr*nsf\"", "'*' inside a word");
    /* markdown emphasis is not a prefix, around one word or several
     * (a review found **What's New** pasted from a digest searching new*);
     * a run pairs only with a run of its length */
    assert_string_equal(found(e, "**routing**"), "1");
    assert_string_equal(found(e, "**video transf**"), "");
    assert_string_equal(found(e, "*video transf**"), "0");
    assert_string_equal(found(e, "*transf*"), "");
    /* a run of '*' ending a word is one: a trial found diff** read as the
     * word diff; between letters, refused as one '*' is */
    assert_string_equal(found(e, "transf**"), "0,4");
    assert_string_equal(found(e, "\"video transf**\""), "0");
    refused(e, "tr**nsformer", "'*' inside a word");
    refused(e, "video**diffusion", "'*' inside a word");
    /* a '*' before a word (a suffix, which cannot be searched) is ignored
     * and the notice says so (a trial found *former silently read as
     * former); not for emphasis */
    static const struct {
        const char *query, *found;
        bool noted;
    } stars[] = {
        {"*routing", "1", true},           {"\"sparse *routing\"", "1", true},
        {"title:*routing", "1", true},     {"**routing**", "1", false},
        {"**sparse routing**", "1", false}, {"**routing**:", "1", false},
        {"routing*", "1", false},           {"\"**sparse routing**\"", "1", false},
        {"“**sparse routing**”", "1", false}, {"«**sparse routing**»", "1", false},
        {"**transf*", "0,4", true},           {"**routing**,", "1", false},
        {"**sparse** routing*", "1", false},
    };
    for (size_t i = 0; i < sizeof stars / sizeof *stars; i++) {
        pdx_query *q = fx_search_parse(e, stars[i].query);
        bool noted = strstr(q->notice, "a '*' before a word is ignored") != NULL;
        pdx_query_free(q);
        if (noted != stars[i].noted)
            fail_msg("'%s': noted %d", stars[i].query, noted);
        assert_string_equal(found(e, stars[i].query), stars[i].found);
    }
    /* every prefix past the bound has its own notice */
    pdx_query *q = fx_search_parse(e, "zooa* zoob* zooa*");
    char notice[sizeof q->notice];
    memcpy(notice, q->notice, sizeof notice);
    pdx_query_free(q);
    assert_non_null(strstr(notice, "'zooa*' matches 130 terms"));
    assert_non_null(strstr(notice, "'zoob*' matches 130 terms"));
    /* the same prefix twice is said once */
    const char *first = strstr(notice, "'zooa*'");
    assert_non_null(first);
    assert_null(strstr(first + 1, "'zooa*'"));
}

/* ---- 7. empty values, reversed ranges ---- */

static void query_bad_values(void **state)
{
    env *e = *state;
    refused(e, "author:", "'author:' has nothing after it");
    refused(e, "video title: x", "'title:' has nothing after it");
    refused(e, "title:\"\"", "'title:' has nothing after it");
    refused(e, "(video summary:)", "'summary:' has nothing after it");
    refused(e, "date: 2024", "'date:' has nothing after it");
    /* each with an example of its own kind (a trial found votes: and id:
     * shown date:2024-06) */
    refused(e, "votes:", "e.g. votes:>=10");
    refused(e, "id: 2406.09414", "e.g. id:2406.09414");
    refused(e, "author:", "e.g. author:xu");
    /* a minus after the field read as the word itself, the opposite of an
     * exclusion: refused, saying where the minus goes */
    refused(e, "video title:-robot", "-title:video");
    refused(e, "video summary:-\"robot arm\"", "'summary:-' excludes nothing");
    refused(e, "votes:10..5", "reversed vote range '10..5'");
    refused(e, "votes:2147483647", "vote filter '2147483647' past 1000000000 votes");
    refused(e, "votes:>=99999999999", "past 1000000000 votes");
    refused(e, "votes:1x", "malformed vote filter '1x'");
    refused(e, "date:2024-08..2024-06", "reversed date range '2024-08..2024-06'");
    refused(e, "date:2024-06-02..2024-06-01", "reversed date range");
    /* equal bounds and open ranges are fine */
    assert_string_equal(found(e, "votes:3..3"), "1");
    assert_string_equal(found(e, "date:2024-06..2024-06"), "0,3");
}

/* ---- 8. zero-width characters, index and query alike ---- */

static void query_zero_width(void **state)
{
    env *e = *state;
    /* paper 2 was indexed with a ZWSP inside 강화학습 */
    assert_string_equal(found(e, "강화학습"), "2,4");
    assert_string_equal(found(e, "강화\xe2\x80\x8b" "학습"), "2,4");
    assert_string_equal(found(e, "\"강화\xe2\x80\x8c" "학습\""), "2,4");
    assert_string_equal(found(e, "trans\xc2\xad" "former"), "0,4");
}

/* ---- 9. the query as keyboards write it: decomposed Hangul (macOS),
 * full-width letters and digits (a Korean IME) ---- */

/* The results of query and of its NFD form, which must differ in bytes. */
static void same_in_nfd(env *e, const char *query, const char *want)
{
    char *d = (char *)utf8proc_NFD((const utf8proc_uint8_t *)query);
    assert_non_null(d);
    assert_string_not_equal(d, query);
    assert_string_equal(found(e, query), want);
    if (strcmp(found(e, d), want) != 0)
        fail_msg("NFD '%s' found %s, NFC %s", query, found(e, d), want);
    free(d);
}

static void query_keyboard_forms(void **state)
{
    env *e = *state;
    /* NFD Hangul reads as NFC everywhere in the query language (a trial
     * found NFD 강화-학습 matching nothing: the hyphen between Korean words
     * was told by precomposed syllables alone) */
    same_in_nfd(e, "강화-학습", "2,4");
    same_in_nfd(e, "summary:강화-학습", "2,4");
    same_in_nfd(e, "title:강화학습", "");
    same_in_nfd(e, "\"강화 학습\"", "2,4");
    same_in_nfd(e, "transformer -강화학습", "0");
    same_in_nfd(e, "transformer -강화-학습", "0");
    same_in_nfd(e, "(강화학습 OR alpha) model", "0,2");
    /* full-width names, digits and punctuation are their ASCII selves, as
     * full-width words already were (ｄｉｆｆｕｓｉｏｎ) */
    assert_string_equal(found(e, "ｄｉｆｆｕｓｉｏｎ"), "1,2,3");
    assert_string_equal(found(e, "ｔｉｔｌｅ:video"), "0,3");
    assert_string_equal(found(e, "ｔｉｔｌｅ：video"), "0,3");
    assert_string_equal(found(e, "ｄａｔｅ:２０２４-０６"), "0,3");
    assert_string_equal(found(e, "ｖｏｔｅｓ:＞＝４０"), "4");
    assert_string_equal(found(e, "ｉｄ:２４０１.１０００２"), "1");
    assert_string_equal(found(e, "２４０１．１０００２"), "1");
    assert_string_equal(found(e, "＂diffusion survey＂"), "3");
    assert_string_equal(found(e, "diffusion survey"), "1,3");
}

/* ---- whole Korean words (issue 11): positions only where needed ---- */

/* Papers of the whole-word test, in my own words. */
static const fdoc whole_docs[] = {
    {"2402.20001", "Plain", "A B", "새 벤치마크를 만들었다", 20240101, 1},
    {"2402.20002", "Inside", "A B", "멀티모달벤치마크 결과", 20240102, 1},
    {"2402.20003", "Spaced", "A B", "벤치 마크 표기", 20240103, 1},
    {"2402.20004", "벤치마크", "A B", "벤치 치마 마크가", 20240104, 1},
    {"2402.20005", "Scattered", "A B", "벤치 치마 마크가", 20240105, 1},
    {"2402.20006", "Suffix", "A B", "벤치마크용 데이터와 벤치마크", 20240106, 1},
};
#define NWHOLE (sizeof whole_docs / sizeof whole_docs[0])

/* The ids of the hits of query on the whole-word index with their scores,
 * as "id:score ...", best first; *has_whole tells whether the first
 * clause knew its whole word. With drop_whole, the clauses forget their
 * whole word before the search (the phrase is checked by positions only). */
static void whole_hits(pdx_searcher *s, const char *query, bool drop_whole, char *out,
                       size_t cap, bool *has_whole)
{
    pdx_query *q = NULL;
    if (pdx_query_parse(&q, s, query, strlen(query)) != PDX_OK)
        fail_msg("parse '%s': %s", query, pdx_searcher_errmsg(s));
    *has_whole = q->n_groups && q->groups[0].clauses[0].has_whole;
    for (uint32_t g = 0; g < q->n_groups && drop_whole; g++)
        for (uint32_t c = 0; c < q->groups[g].n_clauses; c++)
            q->groups[g].clauses[c].has_whole = false;
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    o.no_partial = true;
    o.limit = 100;
    pdx_results r;
    assert_int_equal(pdx_search(s, q, &o, &r), PDX_OK);
    out[0] = 0;
    for (size_t i = 0; i < r.n; i++) {
        pdx_hit_info h;
        assert_int_equal(pdx_hit_get(s, r.hits[i].doc, &h), PDX_OK);
        snprintf(out + strlen(out), cap - strlen(out), "%s%.*s:%a", i ? " " : "", (int)h.id_len,
                 h.id, r.hits[i].score);
    }
    pdx_results_clear(&r);
    pdx_query_free(q);
}

static void query_whole_words(void **state)
{
    (void)state;
    fx_search fs;
    fx_search_open(&fs, whole_docs, NWHOLE);
    pdx_searcher *s = fs.s;
    static const struct {
        const char *query;
        bool whole;        /* the index has the word whole */
        const char *ids;   /* papers found, by the last digit of their id */
    } cases[] = {
        /* whole with a particle, inside a compound, spaced, title only,
         * before a suffix; not where the bigrams are scattered (5) */
        {"벤치마크", true, "12346"},
        {"벤치마크를", true, "12346"},
        {"title:벤치마크", true, "4"},
        {"summary:벤치마크", true, "1236"},
        /* a word no paper has whole: positions alone */
        {"티모달벤", false, "2"},
        {"\"벤치 마크\"", false, "12346"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char with[1024], without[1024];
        bool hw, unused;
        whole_hits(s, cases[i].query, false, with, sizeof with, &hw);
        whole_hits(s, cases[i].query, true, without, sizeof without, &unused);
        if (hw != cases[i].whole)
            fail_msg("'%s': whole word %s", cases[i].query, hw ? "found" : "not found");
        /* the same papers, in the same order, with the same scores */
        if (strcmp(with, without) != 0)
            fail_msg("'%s': with its whole word '%s', by positions '%s'", cases[i].query, with,
                     without);
        char ids[16] = "";
        for (const char *p = with; (p = strstr(p, "2402.2000")) != NULL; p += 9)
            snprintf(ids + strlen(ids), sizeof ids - strlen(ids), "%c", p[9]);
        /* sort the digits: the order is the ranking's business */
        for (size_t a = 0; ids[a]; a++)
            for (size_t b = a + 1; ids[b]; b++)
                if (ids[b] < ids[a]) {
                    char t = ids[a];
                    ids[a] = ids[b];
                    ids[b] = t;
                }
        if (strcmp(ids, cases[i].ids) != 0)
            fail_msg("'%s' found %s, want %s", cases[i].query, ids, cases[i].ids);
    }
    fx_search_close(&fs);
}

/* ---- one-syllable Korean words ----
 *
 * Indexing kept a one-syllable word and its particle as one bigram
 * ("팔을"), so the query word 팔 found only papers where 팔 stood alone:
 * "로봇 팔" found nothing in a paper saying "로봇 팔을" (a user trial). The
 * indexer now also gives such a run's syllable as a word (tokenizer
 * version 5), and nothing else that starts with it matches (팔레트). */
static const fdoc syllable_docs[] = {
    {"2403.30001", "Arm", "A B", "로봇 팔을 움직이는 방법", 20240101, 1},
    {"2403.30002", "Hand", "A B", "손이 작은 로봇", 20240102, 1},
    {"2403.30003", "Palette", "A B", "팔레트 색상 고르기", 20240103, 1},
    {"2403.30004", "With", "A B", "팔로 잡는 로봇", 20240104, 1},
    {"2403.30005", "Written", "A B", "손으로 쓴 글씨", 20240105, 1},
    {"2403.30006", "Alone", "A B", "이 팔 하나", 20240106, 1},
};
#define NSYLLABLE (sizeof syllable_docs / sizeof syllable_docs[0])

static void query_one_syllable(void **state)
{
    (void)state;
    fx_search fs;
    fx_search_open(&fs, syllable_docs, NSYLLABLE);
    assert_string_equal(found_in(&fs, syllable_docs, NSYLLABLE, "팔"), "0,3,5");
    assert_string_equal(found_in(&fs, syllable_docs, NSYLLABLE, "로봇 팔"), "0,3");
    assert_string_equal(found_in(&fs, syllable_docs, NSYLLABLE, "\"로봇 팔\""), "0");
    assert_string_equal(found_in(&fs, syllable_docs, NSYLLABLE, "손"), "1,4");
    assert_string_equal(found_in(&fs, syllable_docs, NSYLLABLE, "팔레트"), "2");
    fx_search_close(&fs);
}

/* Korean words that join others as prepositions do (위한: for, 기반 after
 * a word: -based) are left out as English function words are, with the
 * same notice; 기반 first is a word (기반 모델), and so is one quoted.
 * "diffusion-based" is diffusion, the paper writing it first; quoted or
 * excluded, it is the phrase, and so is one whose first word is in more
 * than a quarter of the papers (video-based: video in 6 of 9). */
static const fdoc joining_docs[] = {
    {"2403.50001", "확산 기반 편집", "A B", "확산 기반 비디오 편집을 위한 방법", 20240101, 1},
    {"2403.50002", "비디오 편집", "A B", "확산 모델로 비디오를 편집한다", 20240102, 1},
    {"2403.50003", "기반 모델", "A B", "기반 모델의 평가", 20240103, 1},
    {"2403.50004", "Diffusion video editing", "A B", "we edit", 20240106, 1},
    {"2403.50005", "Diffusion-based video editing", "A B", "we edit", 20240105, 1},
    {"2403.50006", "Video clips", "A B", "a video clip", 20240107, 1},
    {"2403.50007", "Video frames", "A B", "a video frame", 20240108, 1},
    {"2403.50008", "Video tapes", "A B", "a video tape", 20240109, 1},
    {"2403.50009", "Video games", "A B", "a video game", 20240110, 1},
};
#define NJOINING (sizeof joining_docs / sizeof joining_docs[0])

static void query_korean_function_words(void **state)
{
    (void)state;
    fx_search fs;
    fx_search_open(&fs, joining_docs, NJOINING);
#define JOINING(q) found_in(&fs, joining_docs, NJOINING, q)
    assert_string_equal(JOINING("확산 기반 비디오 편집"), "0,1");
    assert_string_equal(JOINING("비디오 편집을 위한 확산"), "0,1");
    assert_string_equal(JOINING("\"확산 기반\" 비디오"), "0");
    assert_string_equal(JOINING("기반 모델"), "2");
    assert_string_equal(JOINING("title:기반 편집"), "0");
    assert_string_equal(JOINING("diffusion-based video editing"), "3,4");
    assert_string_equal(JOINING("\"diffusion-based\" video"), "4");
    assert_string_equal(JOINING("video editing -diffusion-based"), "3");
    assert_string_equal(JOINING("video-based editing"), "");
    /* an excluded word before it is no word before it */
    assert_string_equal(JOINING("-survey 기반 모델"), "2");
    /* words that join or end a list, or say what a topic is near */
    assert_string_equal(JOINING("확산 및 비디오 편집"), "0,1");
    assert_string_equal(JOINING("비디오 편집 등"), "0,1");
    assert_string_equal(JOINING("확산 같은 모델"), "1");
    assert_string_equal(JOINING("비디오 편집 관련"), "0,1");
    assert_string_equal(JOINING("비디오 중심으로 편집"), "0,1");
    assert_string_equal(JOINING("관련 모델"), ""); /* first: a word */
    assert_string_equal(JOINING("비디오 또는 편집"), ""); /* or: not left out */
#undef JOINING
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    pdx_results r;
    pdx_query *q = fx_search_parse(&fs, "diffusion-based editing");
    assert_int_equal(pdx_search(fs.s, q, &o, &r), PDX_OK);
    assert_int_equal(r.n, 2);
    pdx_hit_info h;
    assert_int_equal(pdx_hit_get(fs.s, r.hits[0].doc, &h), PDX_OK);
    assert_memory_equal(h.id, "2403.50005", 10); /* as written, first */
    pdx_results_clear(&r);
    pdx_query_free(q);
    q = fx_search_parse(&fs, "확산 기반 비디오 편집을 위한");
    assert_non_null(strstr(q->notice, "left out: 기반, 위한"));
    pdx_query_free(q);
    q = fx_search_parse(&fs, "확산을 기반으로 편집"); /* named as typed */
    assert_non_null(strstr(q->notice, "left out: 기반으로 (function words"));
    pdx_query_free(q);
    fx_search_close(&fs);
}

/* General words after a topic (기법, 방법, 현상, methods) are left out as
 * function words are: a trial found `knowledge distillation 기법` matching
 * 11 papers of the corpus and 39 without 기법. First in a query, quoted,
 * in a field, excluded, or with nothing else but function words, they
 * are words. */
static const fdoc general_docs[] = {
    {"2403.60001", "Distillation", "A B", "지식 증류 기법을 제안한다", 20240101, 1},
    {"2403.60002", "Small models", "A B", "지식 증류로 작은 모델을 학습한다", 20240102, 1},
    {"2403.60003", "Ethics", "A B", "연구 윤리를 다룬다", 20240103, 1},
    {"2403.60004", "Knowledge distillation methods", "A B", "we distill", 20240104, 1},
    {"2403.60005", "Knowledge distillation", "A B", "we distill", 20240105, 1},
    {"2403.60006", "Ethics again", "A B", "윤리 문제", 20240106, 1},
    {"2403.60007", "Paper reviewing agents", "A B", "논문 리뷰를 쓰는 에이전트", 20240107, 1},
    {"2403.60008", "Code generation", "A B", "코드 생성 모델을 제안한다", 20240108, 1},
    {"2403.60009", "Video generation at scale", "A B", "비디오 생성", 20240109, 1},
    {"2403.60010", "Movie reviews", "A B", "영화 리뷰를 분석한다", 20240110, 1},
};
#define NGENERAL (sizeof general_docs / sizeof general_docs[0])

static void query_general_words(void **state)
{
    (void)state;
    fx_search fs;
    fx_search_open(&fs, general_docs, NGENERAL);
#define GENERAL(q) found_in(&fs, general_docs, NGENERAL, q)
    assert_string_equal(GENERAL("지식 증류 기법"), "0,1");
    assert_string_equal(GENERAL("지식 증류 기법을"), "0,1");
    assert_string_equal(GENERAL("\"증류 기법\""), "0");
    assert_string_equal(GENERAL("연구 윤리"), "2");
    /* (0 too: its summary says knowledge in Korean, 지식: glossary.c) */
    assert_string_equal(GENERAL("knowledge distillation methods"), "0,3,4");
    assert_string_equal(GENERAL("title:methods distillation"), "3");
    assert_string_equal(GENERAL("distillation -methods"), "0,4");
    assert_string_equal(GENERAL("for methods"), "3");
    assert_string_equal(GENERAL("for methods approaches"), ""); /* both kept */
    assert_string_equal(GENERAL("지식 증류 기법론"), ""); /* 론: no particle */
    /* a paper, what the user looks for, is no topic (a trial: `papers
     * about video generation` matched none in full); first, it is one
     * unless a function word follows it */
    assert_string_equal(GENERAL("코드 생성에 대한 논문"), "7");
    assert_string_equal(GENERAL("video generation papers"), "8");
    assert_string_equal(GENERAL("papers about video generation"), "8");
    assert_string_equal(GENERAL("methods for distillation"), "0,3,4");
    assert_string_equal(GENERAL("paper reviewing"), "6");
    assert_string_equal(GENERAL("논문 리뷰"), "6");
    assert_string_equal(GENERAL("papers about"), "6");
    assert_string_equal(GENERAL("papers OR about generation"), "");
    assert_string_equal(GENERAL("papers OR video about generation"), "8");
    assert_string_equal(GENERAL("코드 생성 논문들"), "7");
    /* the first word typed, whatever is excluded before it; with a
     * capital; not before another preposition (paper with code, method of
     * moments are names); not in Korean, whose particle word follows its
     * object (논문에 대한 리뷰: reviews of papers, not of films) */
    assert_string_equal(GENERAL("-ethics papers about video generation"), "8");
    assert_string_equal(GENERAL("Papers about video generation"), "8");
    assert_string_equal(GENERAL("Methods for distillation"), "0,3,4");
    assert_string_equal(GENERAL("papers with generation"), "");
    assert_string_equal(GENERAL("논문에 대한 리뷰"), "6");
    /* a question's words: how, what, is, do, up (a trial: `how to speed
     * up diffusion sampling` matched no paper in full) */
    assert_string_equal(GENERAL("how to scale up video generation"), "8");
    assert_string_equal(GENERAL("what is knowledge distillation"), "0,3,4");
    assert_string_equal(GENERAL("why does distillation"), "0,3,4");
    assert_string_equal(GENERAL("\"what is\" distillation"), ""); /* quoted: kept */
#undef GENERAL
    pdx_query *q = fx_search_parse(&fs, "지식 증류 기법을");
    assert_string_equal(q->notice, "left out: 기법을 (general words; quote a phrase to keep them)");
    pdx_query_free(q);
    q = fx_search_parse(&fs, "papers about video generation");
    assert_string_equal(q->notice, "left out: about (function words), papers (general "
                                   "words); quote a phrase to keep them");
    pdx_query_free(q);
    q = fx_search_parse(&fs, "how can we scale up video generation");
    assert_string_equal(q->notice,
                        "left out: how, can, up (function words; quote a phrase to keep them)");
    pdx_query_free(q);
    q = fx_search_parse(&fs, "distillation methods for 위한 윤리");
    assert_string_equal(q->notice, "left out: for, 위한 (function words), methods (general "
                                   "words); quote a phrase to keep them");
    pdx_query_free(q);
    fx_search_close(&fs);
}

/* English compounds written closed and hyphenated: a black-box probe found
 * "pretraining" and "pre-training" matching 54 and 346 papers of the
 * corpus, each missing papers of the other. */
static const fdoc spelling_docs[] = {
    {"2403.40001", "Pre-training at scale", "A B", "we study it", 20240101, 1},
    {"2403.40002", "Pretraining recipes", "A B", "we study it", 20240102, 1},
    {"2403.40003", "Multimodal agents", "A B", "we study it", 20240103, 1},
    {"2403.40004", "Multi-modal agents", "A B", "we study it", 20240104, 1},
    {"2403.40005", "Overall results", "A B", "we study it", 20240105, 1},
    {"2403.40006", "Results", "A B", "over all tasks", 20240106, 1},
    {"2403.40007", "Efficiency", "A B", "we study 효율화", 20240107, 1},
    {"2403.40008", "Efficient", "A B", "we study 효율", 20240108, 1},
    {"2403.40009", "3D scenes", "A B", "장면을 복원한다", 20240109, 1},
    {"2403.40010", "Scenes", "A B", "3차원 장면을 복원한다", 20240110, 1},
};
#define NSPELLING (sizeof spelling_docs / sizeof spelling_docs[0])

/* The arXiv id of the first hit of query on fs. */
static char *first_hit(fx_search *fs, const char *query)
{
    static char id[32];
    pdx_query *q = fx_search_parse(fs, query);
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    pdx_results r;
    assert_int_equal(pdx_search(fs->s, q, &o, &r), PDX_OK);
    assert_true(r.n > 0);
    pdx_hit_info h;
    assert_int_equal(pdx_hit_get(fs->s, r.hits[0].doc, &h), PDX_OK);
    snprintf(id, sizeof id, "%.*s", (int)h.id_len, h.id);
    pdx_results_clear(&r);
    pdx_query_free(q);
    return id;
}

static void query_spelling_variants(void **state)
{
    (void)state;
    fx_search fs;
    fx_search_open(&fs, spelling_docs, NSPELLING);
    const fdoc *d = spelling_docs;
    /* a word with another form (a derived noun, the other spelling) is
     * not one searched as typed only (--explain) */
    pdx_query *tq = fx_search_parse(&fs, "효율화 pretraining qqqzz");
    assert_string_equal(pdx_query_as_typed(tq), "qqqzz");
    pdx_query_free(tq);
    assert_string_equal(found_in(&fs, d, NSPELLING, "pretraining"), "0,1");
    assert_string_equal(found_in(&fs, d, NSPELLING, "pre-training"), "0,1");
    assert_string_equal(found_in(&fs, d, NSPELLING, "Multi-Modal"), "2,3");
    assert_string_equal(found_in(&fs, d, NSPELLING, "multimodal agents"), "2,3");
    /* the form typed ranks first */
    assert_string_equal(first_hit(&fs, "pretraining"), "2403.40002");
    assert_string_equal(first_hit(&fs, "pre-training"), "2403.40001");
    /* "over" is no such prefix: "over all" is a phrase of its own */
    assert_string_equal(found_in(&fs, d, NSPELLING, "overall"), "4");
    /* as written only, without expansion, and inside quotes */
    pdx_query *q = NULL;
    assert_int_equal(pdx_query_parse_flags(&q, fs.s, "pretraining", 11, PDX_PARSE_NO_EXPAND),
                     PDX_OK);
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    pdx_results r;
    assert_int_equal(pdx_search(fs.s, q, &o, &r), PDX_OK);
    assert_int_equal(r.total, 1);
    pdx_results_clear(&r);
    pdx_query_free(q);
    assert_string_equal(found_in(&fs, d, NSPELLING, "\"pretraining\""), "1");
    /* 3차원 is 3D, as the digests mostly write it (the form typed first);
     * excluded or quoted, as typed only */
    assert_string_equal(found_in(&fs, d, NSPELLING, "3차원 장면"), "8,9");
    assert_string_equal(found_in(&fs, d, NSPELLING, "3차원의 장면"), "8,9");
    assert_string_equal(first_hit(&fs, "3차원 장면"), "2403.40010");
    assert_string_equal(found_in(&fs, d, NSPELLING, "-3차원 장면"), "8");
    assert_string_equal(found_in(&fs, d, NSPELLING, "\"3차원\" 장면"), "9");
    /* a longer compound, and a hyphen as editors write it (U+2010, the en
     * dash), have the other spelling too */
    assert_string_equal(found_in(&fs, d, NSPELLING, "multi-modal-agents"), "2,3");
    assert_string_equal(found_in(&fs, d, NSPELLING, "multimodal-agents"), "2,3");
    assert_string_equal(found_in(&fs, d, NSPELLING, "pre\u2013training"), "0,1");
    assert_string_equal(found_in(&fs, d, NSPELLING, "pre\u2010training"), "0,1");
    /* a particle glued to the compound keeps the other spelling */
    assert_string_equal(found_in(&fs, d, NSPELLING, "pretraining을"), "0,1");
    assert_string_equal(found_in(&fs, d, NSPELLING, "multi-modal의"), "2,3");
    /* a split looked up weighs per term typed: the closed form ranks first */
    assert_string_equal(first_hit(&fs, "multimodal"), "2403.40003");
    /* an excluded derived form excludes what was typed, not its noun */
    assert_string_equal(found_in(&fs, d, NSPELLING, "study -효율화"), "0,1,2,3,4,7");
    fx_search_close(&fs);
}

/* A closed word that only starts like a compound: "preference" in the
 * titles of the first NPREFERENCE papers, "ference" (a line break's
 * con-ference) in the last one's. */
#define NPREFERENCE 12
#define NFRAGMENT (NPREFERENCE + 1)
static fdoc fragment_docs[NFRAGMENT];

static void fragment_docs_fill(void)
{
    static char ids[NFRAGMENT][16];
    for (size_t i = 0; i < NFRAGMENT; i++) {
        snprintf(ids[i], sizeof ids[i], "2403.%05zu", 41001 + i);
        const char *title = i < NPREFERENCE ? "User preference data" : "A con-ference talk";
        fragment_docs[i] = (fdoc){ids[i], title, "A B", "we study it", 20240101 + (int32_t)i, 1};
    }
}

/* A word split after a joinable prefix into a part far rarer than the word
 * is no compound: "preference" gets no "pre-ference" (which showed in
 * --explain and cost a phrase per query), while "pre-training" still
 * finds "pretraining" (query_spelling_variants). */
static void query_spelling_no_fragment(void **state)
{
    (void)state;
    fx_search fs;
    fragment_docs_fill();
    fx_search_open(&fs, fragment_docs, NFRAGMENT);
    pdx_query *q = fx_search_parse(&fs, "preference");
    assert_int_equal(pdx_query_expansion_count(q), 0);
    pdx_query_free(q);
    assert_string_equal(found_in(&fs, fragment_docs, NFRAGMENT, "preference"),
                        "0,1,2,3,4,5,6,7,8,9,10,11");
    fx_search_close(&fs);
}

/* The Greek nouns in -sis, their adjectives and verbs, which Snowball
 * stems apart: a trial's `데이터 synthesis` missed the synthetic data
 * papers. Not crisis and critic, genesis and genetic (bases too short). */
static const fdoc greek_docs[] = {
    {"2403.43001", "Data synthesis at scale", "A B", "we study it", 20240101, 1},
    {"2403.43002", "Synthetic data for agents", "A B", "we study it", 20240102, 1},
    {"2403.43003", "Synthesizing images", "A B", "we study it", 20240103, 1},
    {"2403.43004", "Crisis response", "A B", "we study it", 20240104, 1},
    {"2403.43005", "Critic models", "A B", "we study it", 20240105, 1},
    {"2403.43006", "Analysis of attention", "A B", "we study it", 20240106, 1},
    {"2403.43007", "Analyzing attention", "A B", "we study it", 20240107, 1},
    {"2403.43008", "Analytical attention", "A B", "we study it", 20240108, 1},
    {"2403.43009", "Genesis of agents", "A B", "we study it", 20240109, 1},
    {"2403.43010", "Genetic algorithms", "A B", "we study it", 20240110, 1},
    {"2403.43011", "Statistical tests", "A B", "we study statistics", 20240111, 1},
    {"2403.43012", "Diagnosis of faults", "A B", "we study it", 20240112, 1},
    {"2403.43013", "Diagnostic probes", "A B", "we study it", 20240113, 1},
    {"2403.43014", "Diagnosing agents", "A B", "we study it", 20240114, 1},
};
#define NGREEK (sizeof greek_docs / sizeof greek_docs[0])

static void query_greek_forms(void **state)
{
    (void)state;
    fx_search fs;
    fx_search_open(&fs, greek_docs, NGREEK);
#define GREEK(q) found_in(&fs, greek_docs, NGREEK, q)
    assert_string_equal(GREEK("synthesis"), "0,1,2");
    assert_string_equal(GREEK("Synthetic"), "0,1,2");
    /* a verb finds its noun, not the adjective (synthesize code is code
     * synthesis, not synthetic code) */
    assert_string_equal(GREEK("synthesized"), "0,2");
    assert_string_equal(GREEK("synthetic data"), "0,1");
    assert_string_equal(GREEK("analysis"), "5,6,7");
    assert_string_equal(GREEK("analyze"), "5,6");
    assert_string_equal(GREEK("analytic"), "5,6,7");
    assert_string_equal(GREEK("crisis"), "3");
    assert_string_equal(GREEK("critic"), "4");
    assert_string_equal(GREEK("\"synthesis\""), "0"); /* as typed */
    assert_string_equal(GREEK("synthetic -synthesis"), "1,2");
    assert_string_equal(GREEK("synthesises"), "0,2"); /* -sises, a verb's */
    assert_string_equal(GREEK("analyses"), "5,6,7");
    assert_string_equal(GREEK("genesis"), "8"); /* gene: a base too short */
    /* diagno-sis takes -se: diagnose, not "diagnosize" (a trial) */
    assert_string_equal(GREEK("diagnosis"), "11,12,13");
    assert_string_equal(GREEK("diagnose"), "11,13");
    assert_string_equal(GREEK("diagnostic"), "11,12,13");
    char dx[512];
    notes_of(&fs, "diagnosis", dx, sizeof dx);
    assert_string_equal(dx, "diagnosis>diagnostic;diagnosis>diagnose;");
#undef GREEK
    /* no alternative of the word's own stem (statistic: statistical) */
    pdx_query *sq = fx_search_parse(&fs, "statistical");
    assert_int_equal(pdx_query_expansion_count(sq), 0);
    pdx_query_free(sq);
    /* a word longer than the forms' buffer is left as it is */
    char longw[80];
    memset(longw, 'a', 70);
    memcpy(longw + 70, "thesis", 7);
    sq = fx_search_parse(&fs, longw);
    assert_int_equal(pdx_query_expansion_count(sq), 0);
    pdx_query_free(sq);
    /* the form typed ranks first */
    assert_string_equal(first_hit(&fs, "synthetic"), "2403.43002");
    assert_string_equal(first_hit(&fs, "analyzing"), "2403.43007");
    pdx_query *q = NULL;
    assert_int_equal(pdx_query_parse_flags(&q, fs.s, "synthesis", 9, PDX_PARSE_NO_EXPAND),
                     PDX_OK);
    assert_int_equal(pdx_query_expansion_count(q), 0);
    pdx_query_free(q);
    fx_search_close(&fs);
}

/* Everyday words said in one language each: titles in English, summaries
 * in Korean (glossary.c). Twelve papers, so that a word in three is past
 * the expansion bounds (20%). */
static const fdoc glossary_docs[] = {
    {"2403.44001", "Jailbreak defense for agents", "A B", "에이전트를 지킨다", 20240101, 1},
    {"2403.44002", "Safe agents", "A B", "탈옥 공격을 방어하는 방법", 20240102, 1},
    {"2403.44003", "Quality filters", "A B", "좋은 자료를 고른다", 20240103, 1},
    {"2403.44004", "Curation", "A B", "품질이 높은 자료", 20240104, 1},
    {"2403.44005", "Portraits", "A B", "얼굴 사진을 만든다", 20240105, 1},
    {"2403.44006", "Robots", "A B", "안전 규칙을 지킨다", 20240106, 1},
    {"2403.44007", "Filler one", "A B", "모델을 학습한다", 20240107, 1},
    {"2403.44008", "Filler two", "A B", "모델이 크다", 20240108, 1},
    {"2403.44009", "Filler three", "A B", "모델 구조", 20240109, 1},
    {"2403.44010", "A model of speech", "A B", "말소리 연구", 20240110, 1},
    {"2403.44011", "Filler four", "A B", "기타 내용", 20240111, 1},
    {"2403.44012", "Filler five", "A B", "기타 내용", 20240112, 1},
};
#define NGLOSSARY (sizeof glossary_docs / sizeof glossary_docs[0])

static void query_glossary(void **state)
{
    (void)state;
    fx_search fs;
    fx_search_open(&fs, glossary_docs, NGLOSSARY);
#define GLOSSARY(q) found_in(&fs, glossary_docs, NGLOSSARY, q)
    /* each language finds the other's papers, inflected or with a particle */
    assert_string_equal(GLOSSARY("defense"), "0,1");
    assert_string_equal(GLOSSARY("defenses"), "0,1");
    assert_string_equal(GLOSSARY("방어"), "0,1");
    assert_string_equal(GLOSSARY("방어를"), "0,1");
    assert_string_equal(GLOSSARY("quality"), "2,3");
    assert_string_equal(GLOSSARY("품질"), "2,3");
    assert_string_equal(GLOSSARY("jailbreak 방어"), "0");
    char notes[256];
    notes_of(&fs, "품질", notes, sizeof notes);
    assert_string_equal(notes, "품질>quality;");
    /* the word as typed ranks first (in the same field) */
    assert_string_equal(first_hit(&fs, "defense"), "2403.44001");
    /* an excluded word excludes what was typed */
    assert_string_equal(GLOSSARY("agents -방어"), "0");
    /* -ing on a noun less its e is no form of it; an acronym no word */
    assert_string_equal(GLOSSARY("facing"), "");
    assert_string_equal(GLOSSARY("safe"), "1,5");
    assert_string_equal(GLOSSARY("SAFE"), "1");
    /* no translation past the bounds: 모델 is in three papers of twelve */
    assert_string_equal(GLOSSARY("model"), "9");
    assert_string_equal(GLOSSARY("모델"), "6,7,8,9");
    /* quoted, as typed */
    assert_string_equal(GLOSSARY("\"방어\""), "1");
#undef GLOSSARY
    pdx_query *q = NULL;
    assert_int_equal(pdx_query_parse_flags(&q, fs.s, "defense", 7, PDX_PARSE_NO_EXPAND), PDX_OK);
    assert_int_equal(pdx_query_expansion_count(q), 0);
    pdx_query_free(q);
    fx_search_close(&fs);
}

/* One family of models, four names (synonyms.c model_families). */
static const fdoc family_docs[] = {
    {"2403.45001", "Hallucination in VLMs", "A B", "we study it", 20240101, 1},
    {"2403.45002", "Hallucination in MLLMs", "A B", "we study it", 20240102, 1},
    {"2403.45003", "An LVLM for charts", "A B", "we study it", 20240103, 1},
    {"2403.45004", "LMM evaluation", "A B", "we study it", 20240104, 1},
    {"2403.45005", "A VLA for robots", "A B", "we study it", 20240105, 1},
    {"2403.45006", "LLM agents", "A B", "we study it", 20240106, 1},
};
#define NFAMILY (sizeof family_docs / sizeof family_docs[0])

static void query_model_family(void **state)
{
    (void)state;
    fx_search fs;
    fx_search_open(&fs, family_docs, NFAMILY);
#define FAMILY(q) found_in(&fs, family_docs, NFAMILY, q)
    assert_string_equal(FAMILY("VLM"), "0,1,2,3");
    assert_string_equal(FAMILY("vlms"), "0,1,2,3");
    assert_string_equal(FAMILY("MLLM hallucination"), "0,1");
    assert_string_equal(FAMILY("VLA"), "4");
    assert_string_equal(FAMILY("LLM"), "5");
    assert_string_equal(FAMILY("hallucination -VLM"), "1"); /* as typed */
    assert_string_equal(FAMILY("\"LVLM\""), "2");
#undef FAMILY
    assert_string_equal(first_hit(&fs, "MLLM hallucination"), "2403.45002");
    char notes[256];
    notes_of(&fs, "LMMs", notes, sizeof notes);
    assert_string_equal(notes, "LMMs>VLM;LMMs>LVLM;LMMs>MLLM;");
    fx_search_close(&fs);
}

/* Dated and undated papers (date 0: the digest gave none). */
static const fdoc dated_docs[] = {
    {"2403.42001", "Early survey", "A B", "a survey", 20230105, 1},
    {"2403.42002", "Undated survey", "A B", "a survey", 0, 1},
    {"2403.42003", "Later survey", "A B", "a survey", 20240801, 1},
};
#define NDATED (sizeof dated_docs / sizeof dated_docs[0])

/* A date range passes no undated paper, open-ended or not, ANDed or in an
 * OR group (a trial found date:..2024-06 matching every undated paper);
 * excluding a range keeps them, as excluding a votes range keeps papers
 * of unknown votes. */
static void query_date_range_not_undated(void **state)
{
    (void)state;
    fx_search fs;
    fx_search_open(&fs, dated_docs, NDATED);
    const fdoc *d = dated_docs;
    assert_string_equal(found_in(&fs, d, NDATED, "date:..2024-06"), "0");
    assert_string_equal(found_in(&fs, d, NDATED, "survey date:..2024-06"), "0");
    assert_string_equal(found_in(&fs, d, NDATED, "date:2024-01.."), "2");
    assert_string_equal(found_in(&fs, d, NDATED, "survey (date:..2024-06 OR later)"), "0,2");
    assert_string_equal(found_in(&fs, d, NDATED, "survey -date:..2024-06"), "1,2");
    assert_string_equal(found_in(&fs, d, NDATED, "survey"), "0,1,2");
    fx_search_close(&fs);
}

/* ---- the command line: matching authors, title highlights ---- */

static void query_cli_display(void **state)
{
    env *e = *state;
    char *idx = fx_path(e->dir, FX_SEARCH_INDEX), cmd[1024], *out = NULL;
    /* Lin Xu is the fourth author of paper 3: shown and highlighted */
    snprintf(cmd, sizeof cmd, "'%s/paperdex-search' -i '%s' --color never 'author:\"Lin Xu\"' "
             "survey", PDX_BIN_DIR, idx);
    assert_int_equal(fx_run(cmd, &out), 0);
    assert_non_null(strstr(out, "Dee Fox, Ed Gil, Fay Ho, \xc2\xabLin Xu\xc2\xbb\n"));
    free(out);
    /* the first three are shown anyway; the others are counted */
    snprintf(cmd, sizeof cmd, "'%s/paperdex-search' -i '%s' --color never survey id:2401.10004",
             PDX_BIN_DIR, idx);
    assert_int_equal(fx_run(cmd, &out), 0);
    assert_non_null(strstr(out, "Dee Fox, Ed Gil, Fay Ho + 1 more\n"));
    free(out);
    /* --json: title highlights for title:video, none in the summary */
    snprintf(cmd, sizeof cmd, "'%s/paperdex-search' -i '%s' --json title:video id:2401.10004",
             PDX_BIN_DIR, idx);
    assert_int_equal(fx_run(cmd, &out), 0);
    assert_non_null(strstr(out, "\"highlights\":[],\"title_highlights\":[[0,5]],"));
    free(out);
    free(idx);
}

/* The words of q, as pdx_query_word() names them, joined by '|' ("-"
 * for one without a name). */
static const char *words_of(const pdx_query *q)
{
    static char buf[256];
    size_t used = 0;
    buf[0] = 0;
    for (uint32_t i = 0; i < q->n_groups; i++) {
        size_t len = 99;
        const char *w = pdx_query_word(q, i, &len);
        if (!w)
            assert_int_equal(len, 0);
        used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%.*s", i ? "|" : "",
                                 w ? (int)len : 1, w ? w : "-");
        assert_true(used < sizeof buf);
    }
    return buf;
}

/* A partial match says which words it lacks, as the user typed them
 * (pdx_query_word): a trial could not tell which of "2 of 3 words" a paper
 * missed. A word keeps its case and particle, a phrase loses its quotes,
 * a OR b is named as typed, and a group the parse made of several pieces
 * ((a b) OR c) by its words. */
static void query_words(void **state)
{
    env *e = *state;
    pdx_query *q = fx_search_parse(e, "Video \"diffusion survey\" 강화학습을 alpha OR routing");
    assert_string_equal(words_of(q), "Video|diffusion survey|강화학습을|alpha OR routing");
    pdx_query_free(q);
    q = fx_search_parse(e, "(video survey) OR routing -sparse votes:>2");
    assert_string_equal(words_of(q), "video OR routing|survey OR routing|sparse");
    pdx_query_free(q);
    /* names OR over parentheses makes of names it made (a review's ASan
     * run found a read of freed memory here) */
    q = fx_search_parse(e, "((aaaa bbbb) OR cccc) OR (dddd eeee)");
    assert_string_equal(words_of(q), "aaaa OR cccc OR dddd|aaaa OR cccc OR eeee|"
                                     "bbbb OR cccc OR dddd|bbbb OR cccc OR eeee");
    pdx_query_free(q);
    /* a OR b with more than OR between: named from its terms, the word
     * before its particle (비디오를: 비디오) and no form the parser adds */
    q = fx_search_parse(e, "video OR title:zebra 비디오를 OR title:zebra");
    assert_string_equal(words_of(q), "video OR zebra|비디오 OR zebra");
    pdx_query_free(q);
    /* a group with a filter has no words to name */
    q = fx_search_parse(e, "(video survey) OR date:2024 alpha OR votes:>2");
    assert_string_equal(words_of(q), "-|-|-");
    pdx_query_free(q);
    q = fx_search_parse(e, "video (date:2024 OR votes:>2)");
    assert_string_equal(words_of(q), "video|-");
    size_t len = 7;
    assert_null(pdx_query_word(q, 2, &len));
    assert_int_equal(len, 0);
    assert_null(pdx_query_word(q, UINT32_MAX, NULL));
    assert_non_null(pdx_query_word(q, 0, NULL));
    pdx_query_free(q);
    assert_null(pdx_query_word(NULL, 0, &len));
    /* the word before its particle names it, not the word as written the
     * parser adds (증류로 is in a paper: an optional clause) */
    fx_search fs;
    fx_search_open(&fs, general_docs, NGENERAL);
    q = fx_search_parse(&fs, "증류로 OR title:zebra");
    assert_string_equal(words_of(q), "증류 OR zebra");
    pdx_query_free(q);
    fx_search_close(&fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(query_filters_or),     cmocka_unit_test(query_operators),
        cmocka_unit_test(query_function_words), cmocka_unit_test(query_korean_function_words),
        cmocka_unit_test(query_whole_author),   cmocka_unit_test(query_highlight_fields),
        cmocka_unit_test(query_pasted),         cmocka_unit_test(query_prefixes),
        cmocka_unit_test(query_bad_values),     cmocka_unit_test(query_zero_width),
        cmocka_unit_test(query_cli_display),    cmocka_unit_test(query_whole_words),
        cmocka_unit_test(query_one_syllable),   cmocka_unit_test(query_fields_and_hyphens),
        cmocka_unit_test(query_nesting),        cmocka_unit_test(query_keyboard_forms),
        cmocka_unit_test(query_excluded_compound), cmocka_unit_test(query_hyphenated_spelling),
        cmocka_unit_test(query_minus_signs),
        cmocka_unit_test(query_typographic_quotes),
        cmocka_unit_test(query_glued_quotes),
        cmocka_unit_test(query_predicate_endings),
        cmocka_unit_test(query_spelling_variants),
        cmocka_unit_test(query_spelling_no_fragment),
        cmocka_unit_test(query_date_range_not_undated),
        cmocka_unit_test(query_words),
        cmocka_unit_test(query_general_words),
        cmocka_unit_test(query_greek_forms), cmocka_unit_test(query_glossary),
        cmocka_unit_test(query_model_family),
    };
    return cmocka_run_group_tests(tests, setup, fx_search_teardown);
}
