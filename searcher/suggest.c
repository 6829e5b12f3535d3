/*
 * Spelling suggestions: "did you mean" for a query no paper matches in
 * full (pdx_query_suggest()).
 *
 * A word that no paper holds is most often misspelt: `difusion`,
 * `transfomer`, `gaussain splatting` find nothing (or only partial
 * matches), where one edit away is a word thousands of papers hold. As
 * Lucene's DirectSpellChecker does, the candidates are the index's own
 * terms that share the word's first letter and are within one edit
 * (words of four or five letters) or two (longer words), edits counted
 * as optimal string alignment (insert, delete, replace, swap two
 * neighbours); among them the closest, then the most frequent, wins.
 *
 * The index holds stems (`diffus`), not words a person types, so the
 * suggestion is a word as papers write it: a few papers holding the
 * chosen term are read, and of the words there that give the term, the
 * one closest to what was typed (`diffusion`, not `diffusing`) replaces
 * it, in the typed word's case pattern. A replacement further from the
 * typed word than the edits allowed is no suggestion: the stem was
 * close, the word is not (`pretraning` is not `pertaining`).
 *
 * Only Latin words of letters are looked at: a Korean word is a phrase of
 * bigrams, and its typing errors (a wrong jamo) are not edits of terms.
 * Nor is a field name (`title:`) or a prefix (`transf*`). The cost (a
 * scan of the terms of one first letter, a few papers read) is paid only
 * when a front end asks, which it does when no paper matches every word.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "searcher.h"

#define SUGGEST_MIN_LETTERS 4 /* shorter words are too often right */
#define SUGGEST_CANDIDATES 4  /* terms whose papers are read for a surface */
/* Papers read per term: a stem stands for many words (`segment`:
 * segments, segmentation; `token`: tokenizer, tokenization), and the one
 * typed may be in few of its papers. */
#define SUGGEST_PAPERS 16
#define SUGGEST_WORDS 16      /* words of a query looked at */

/* Edits allowed for a word of n letters. */
static unsigned max_edits(size_t n)
{
    return n < SUGGEST_MIN_LETTERS ? 0 : n < 6 ? 1 : 2;
}

/* The optimal string alignment distances of a and each prefix of b
 * (ASCII, case ignored): into *whole that of a and b, and the return
 * value the least over b's prefixes; each is bound + 1 when more than
 * bound. Both at most PDX_MAX_TERM_BYTES. */
static unsigned edit_distances(const char *a, size_t na, const char *b, size_t nb, unsigned bound,
                               unsigned *whole)
{
    unsigned rows[3][PDX_MAX_TERM_BYTES + 1];
    unsigned *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    *whole = bound + 1;
    if (na > PDX_MAX_TERM_BYTES || nb > PDX_MAX_TERM_BYTES)
        return bound + 1;
    for (size_t j = 0; j <= nb; j++)
        prev[j] = (unsigned)j;
    for (size_t i = 1; i <= na; i++) {
        unsigned row_min = cur[0] = (unsigned)i;
        int ca = tolower((unsigned char)a[i - 1]);
        for (size_t j = 1; j <= nb; j++) {
            int cb = tolower((unsigned char)b[j - 1]);
            unsigned d = prev[j - 1] + (ca != cb);
            d = PDX_MIN(d, prev[j] + 1);
            d = PDX_MIN(d, cur[j - 1] + 1);
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb)
                d = PDX_MIN(d, prev2[j - 2] + 1);
            cur[j] = d;
            row_min = PDX_MIN(row_min, d);
        }
        if (row_min > bound)
            return bound + 1; /* every later row is at least as far */
        unsigned *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    unsigned least = bound + 1;
    for (size_t j = 0; j <= nb; j++)
        least = PDX_MIN(least, prev[j]);
    *whole = PDX_MIN(prev[nb], bound + 1);
    return least;
}

static unsigned edit_distance(const char *a, size_t na, const char *b, size_t nb, unsigned bound)
{
    unsigned whole;
    if ((na > nb ? na - nb : nb - na) > bound)
        return bound + 1;
    edit_distances(a, na, b, nb, bound, &whole);
    return whole;
}

static bool all_letters(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isalpha((unsigned char)s[i]))
            return false;
    return n > 0;
}

/* A word of the query that may be misspelt: its bytes in the text and
 * its term. */
typedef struct word {
    size_t start, end;
    char term[PDX_MAX_TERM_BYTES];
    size_t term_len;
} word;

typedef struct words {
    const char *text;
    size_t len;
    word w[SUGGEST_WORDS];
    size_t n;
} words;

/* Keeps a stemmed word of letters only, long enough, that is no field
 * name ("title:") nor prefix ("transf*"). */
static int collect_word(const pdx_token *t, void *payload)
{
    words *ws = payload;
    size_t n = t->end - t->start;
    const char *s = ws->text + t->start;
    if (ws->n == SUGGEST_WORDS || t->kind != PDX_TOKEN_WORD || n < SUGGEST_MIN_LETTERS ||
        n > PDX_MAX_TERM_BYTES || !all_letters(s, n) ||
        (t->end < ws->len && (ws->text[t->end] == ':' || ws->text[t->end] == '*')))
        return 0;
    word *w = &ws->w[ws->n++];
    w->start = t->start;
    w->end = t->end;
    w->term_len = t->term_len;
    memcpy(w->term, t->term, t->term_len);
    return 0;
}

/* A term close to a word: its view ordinal, edits, length and papers.
 * Close to the word's term (`difus` and `diffus`), or else to the start
 * of the word as typed: a typo in a suffix the stemmer would drop makes
 * another stem (`hallucinaton` stays whole; `hallucination` is
 * `hallucin`), so the term is as close to the word's first letters. */
typedef struct candidate {
    uint32_t vord;
    bool by_prefix; /* close only to a start of the typed word */
    unsigned edits;
    size_t len;
    uint64_t papers;
} candidate;

/* Terms close to the term first, then the fewer edits, the longer term
 * (`hallucin` before `hall`), the more papers. */
static bool better(const candidate *a, const candidate *b)
{
    if (a->by_prefix != b->by_prefix)
        return !a->by_prefix;
    if (a->edits != b->edits)
        return a->edits < b->edits;
    if (a->len != b->len)
        return a->len > b->len;
    return a->papers > b->papers;
}

/* Puts c among the best SUGGEST_CANDIDATES of best[0..*n), best first. */
static void keep_best(candidate *best, size_t *n, const candidate *c)
{
    size_t i = *n;
    if (i == SUGGEST_CANDIDATES) {
        if (!better(c, &best[i - 1]))
            return;
        i--;
    } else {
        (*n)++;
    }
    while (i > 0 && better(c, &best[i - 1])) {
        best[i] = best[i - 1];
        i--;
    }
    best[i] = *c;
}

/* How close term t is to word w (typed in text), into *c; false when
 * neither its term nor a start of the word is within bound. */
static bool closeness(const word *w, const char *text, const pdx_term *t, unsigned bound,
                      candidate *c)
{
    if (!all_letters(t->str, t->len))
        return false;
    c->len = t->len;
    c->by_prefix = false;
    c->edits = edit_distance(w->term, w->term_len, t->str, t->len, bound);
    if (c->edits <= bound)
        return true;
    if (t->len < SUGGEST_MIN_LETTERS)
        return false;
    unsigned whole;
    c->edits = edit_distances(t->str, t->len, text + w->start, w->end - w->start, bound, &whole);
    c->by_prefix = true;
    return c->edits <= bound;
}

/* The terms some live paper holds that start with w's first letter and
 * are close to it (closeness()), the best into best[0..*n). */
static int close_terms(pdx_searcher *s, const char *text, const word *w, unsigned bound,
                       candidate *best, size_t *n)
{
    uint32_t *vords;
    size_t n_vords;
    *n = 0;
    int rc = pdx_term_prefix_list(s->ix, w->term, 1, &vords, &n_vords);
    if (rc)
        return rc == PDX_ENOMEM ? rc : pdx_searcher_error(s, rc, "%s", pdx_index_errmsg(s->ix));
    for (size_t i = 0; i < n_vords && !rc; i++) {
        pdx_term t;
        candidate c = {.vord = vords[i]};
        if ((rc = pdx_term_get(s->ix, vords[i], &t))) {
            rc = pdx_searcher_error(s, rc, "%s", pdx_index_errmsg(s->ix));
            break;
        }
        if (!closeness(w, text, &t, bound, &c))
            continue;
        if ((rc = pdx_search_term_papers(s, c.vord, &c.papers)))
            break;
        if (c.papers)
            keep_best(best, n, &c);
    }
    free(vords);
    return rc;
}

/* The spelling of a term as papers write it that is closest to the
 * typed word, over the texts read so far. */
typedef struct surface {
    const word *typed;
    const char *typed_text;
    const char *term; /* the term a spelling must give */
    size_t term_len;
    const char *src; /* the text being read */
    const char *best; /* into the index mapping, or NULL */
    size_t best_len;
    unsigned edits; /* best's from the typed word; bound + 1 when none */
    unsigned bound;
} surface;

static int closer_surface(const pdx_token *t, void *payload)
{
    surface *sf = payload;
    size_t n = t->end - t->start;
    const char *s = sf->src + t->start;
    if (t->kind != PDX_TOKEN_WORD || t->term_len != sf->term_len ||
        memcmp(t->term, sf->term, t->term_len) || !all_letters(s, n))
        return 0;
    unsigned e = edit_distance(sf->typed_text + sf->typed->start,
                               sf->typed->end - sf->typed->start, s, n, sf->bound);
    if (e < sf->edits) {
        sf->best = s;
        sf->best_len = n;
        sf->edits = e;
    }
    return 0;
}

/* Reads the title, authors and summary of view paper doc for spellings
 * of sf's term. */
static int read_paper(pdx_searcher *s, uint32_t doc, surface *sf)
{
    pdx_hit_info h;
    int rc = pdx_hit_get(s, doc, &h);
    const char *texts[3] = {h.title, h.authors, h.summary};
    size_t lens[3] = {h.title_len, h.authors_len, h.summary_len};
    for (int i = 0; i < 3 && !rc; i++) {
        sf->src = texts[i];
        rc = pdx_tokenize(s->tk, PDX_TOKENIZE_DEFAULT, texts[i], lens[i], 0, NULL,
                          closer_surface, sf);
    }
    return rc;
}

/* Reads up to `papers` live papers holding term vord, segment after
 * segment, for the spelling closest to the typed
 * word. */
static int find_surface(pdx_searcher *s, uint32_t vord, unsigned papers, surface *sf)
{
    unsigned read = 0;
    int rc = PDX_OK;
    for (uint32_t g = 0; g < pdx_search_n_segs(s->ix) && read < papers && !rc; g++) {
        uint32_t base, local;
        pdx_index *seg = pdx_search_seg(s->ix, g, &base);
        rc = pdx_search_term_local(s->ix, vord, g, &local);
        if (rc == PDX_ENOTFOUND) {
            rc = PDX_OK;
            continue;
        }
        for (unsigned f = 0; f < PDX_NFIELDS && read < papers && !rc; f++) {
            pdx_postings p;
            rc = pdx_postings_open(&p, seg, local, f);
            if (rc == PDX_ENOTFOUND) {
                rc = PDX_OK;
                continue;
            }
            while (!rc && p.doc != PDX_NO_DOC && read < papers && sf->edits > 1) {
                if (!pdx_doc_deleted(seg, p.doc)) {
                    read++;
                    rc = read_paper(s, base + p.doc, sf);
                }
                if (!rc)
                    rc = pdx_postings_next(&p);
            }
        }
    }
    if (rc && rc != PDX_ENOMEM && !s->errmsg[0])
        pdx_searcher_error(s, rc, "%s", pdx_index_errmsg(s->ix));
    return rc;
}

/* The replacement of word w into *out (into the index mapping) and its
 * length, or NULL when no term close to it reads close to it. */
static int correct_word(pdx_searcher *s, const char *text, const word *w, const char **out,
                        size_t *out_len)
{
    *out = NULL;
    unsigned bound = max_edits(w->end - w->start);
    candidate best[SUGGEST_CANDIDATES];
    size_t n;
    int rc = close_terms(s, text, w, bound, best, &n);
    surface sf = {w, text, NULL, 0, NULL, NULL, 0, bound + 1, bound};
    /* one edit is as close as a word papers write can be to one they
     * do not (the same word would have the typed word's term) */
    for (size_t i = 0; i < n && !rc && sf.edits > 1; i++) {
        pdx_term t;
        if ((rc = pdx_term_get(s->ix, best[i].vord, &t)))
            return pdx_searcher_error(s, rc, "%s", pdx_index_errmsg(s->ix));
        sf.term = t.str;
        sf.term_len = t.len;
        rc = find_surface(s, best[i].vord,
                          SUGGEST_PAPERS, &sf);
    }
    if (!rc && sf.best) {
        *out = sf.best;
        *out_len = sf.best_len;
    }
    return rc;
}

/* Appends replacement r to o in the case pattern of typed word t: all
 * capitals, a capital first, or lower case. */
static void put_in_case(pdx_buf *o, const char *r, size_t n, const char *t, size_t tn)
{
    bool upper = tn > 1 && isupper((unsigned char)t[0]) && isupper((unsigned char)t[1]);
    bool first = isupper((unsigned char)t[0]);
    for (size_t i = 0; i < n; i++) {
        int c = tolower((unsigned char)r[i]);
        pdx_buf_putc(o, (uint8_t)(upper || (first && i == 0) ? toupper(c) : c));
    }
}

int pdx_query_suggest(pdx_searcher *s, const char *text, size_t len, char **out)
{
    if (!out)
        return PDX_EINVAL;
    *out = NULL;
    s->errmsg[0] = 0;
    if (!text && len)
        return pdx_searcher_error(s, PDX_EINVAL, "query text is NULL");
    if (len > PDX_MAX_QUERY_BYTES)
        return pdx_searcher_error(s, PDX_EINVAL, "query too long: %zu bytes (at most %d)", len,
                                  PDX_MAX_QUERY_BYTES);
    words ws = {text, len, {{0}}, 0};
    int rc = pdx_tokenize(s->tk, PDX_TOKENIZE_QUERY, text, len, 0, NULL, collect_word, &ws);
    if (rc)
        return pdx_searcher_error(s, rc, "out of memory reading the query");
    pdx_buf o = {0};
    size_t done = 0; /* text before it is in o */
    bool changed = false;
    for (size_t i = 0; i < ws.n && !rc; i++) {
        const word *w = &ws.w[i];
        uint32_t ord;
        rc = pdx_search_term_find(s, w->term, w->term_len, &ord);
        if (rc != PDX_ENOTFOUND)
            continue; /* a word papers hold (rc 0), or an error */
        const char *r;
        size_t rn;
        if ((rc = correct_word(s, text, w, &r, &rn)) || !r)
            continue;
        pdx_buf_append(&o, text + done, w->start - done);
        put_in_case(&o, r, rn, text + w->start, w->end - w->start);
        done = w->end;
        changed = true;
    }
    if (!rc && changed) {
        pdx_buf_append(&o, text + done, len - done);
        pdx_buf_putc(&o, '\0');
        if (o.err)
            rc = PDX_ENOMEM;
        else
            *out = (char *)o.data;
    }
    if (rc || !changed)
        pdx_buf_free(&o);
    if (rc == PDX_ENOMEM)
        pdx_searcher_error(s, rc, "out of memory making a suggestion");
    return rc;
}
