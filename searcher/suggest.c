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
 * A Korean word is a phrase of bigrams, and its typing errors (a wrong
 * jamo) are not edits of terms: suggest_ko.c tries the word with one jamo
 * replaced. Of Latin text, only words of letters are looked at; not a
 * field name (`title:`), a prefix (`transf*`) or a word the query
 * matches in another form (`pointcloud`: point cloud). Two edits away, the
 * word must be one three papers hold; spellings are read in titles and
 * summaries, or the authors for a word of an author: field. The cost (a
 * scan of the terms of one first letter, a few papers read) is paid only
 * when a front end asks, which it does when no paper matches every word.
 * A word that only one paper holds is looked at as well, for a word far
 * commoner (SUGGEST_RARE_RATIO): the digests misspell too.
 * A suggestion is offered only when it matches some paper in full: the
 * words are corrected one at a time, and two right words can make a
 * query of nothing (two people's names in one quoted author).
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
#define SUGGEST_PAPERS 64
#define SUGGEST_WORDS 64      /* words of a query looked at, the first ones */
/* Papers a term two edits away must be in: a word rare in the papers is
 * seldom what a misspelling of a word they do not hold meant (`mankind`
 * was "corrected" to the name of a method of one paper). */
#define SUGGEST_FAR_PAPERS 3
/* A word one paper holds is a misspelling too when a word at least
 * SUGGEST_RARE_RATIO times as common is within the edits allowed: digests
 * have typos of their own (`gausian`, in one summary, left `gausian
 * splatting` with no match and no suggestion; `gaussian` is in 150). */
#define SUGGEST_RARE_PAPERS 1
#define SUGGEST_RARE_RATIO 50

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
    bool author; /* in an author: (or authors:) field */
} word;

typedef struct words {
    const char *text;
    size_t len;
    word w[SUGGEST_WORDS];
    size_t n;
} words;

static bool has_prefix_ci(const char *s, size_t n, const char *p)
{
    size_t k = strlen(p);
    if (n < k)
        return false;
    for (size_t i = 0; i < k; i++)
        if ((s[i] | 0x20) != p[i])
            return false;
    return true;
}

/* Is byte `at` of text[0..len) in an author: field: its word, a quote
 * that such a word opens (author:"Lin Xu") or a group it opens
 * (author:(Smtih OR Bengoi))? Quotes counted as '"'. */
static bool in_author_field(const char *text, size_t at)
{
    bool field = false, quoted = false; /* field: the word at i is an author: one */
    unsigned depth = 0, group = 0;     /* group: the depth of an author:( group, or 0 */
    for (size_t i = 0; i < at; i++) {
        char ch = text[i];
        if (ch == '"') {
            quoted = !quoted;
            field = field && quoted;
        } else if (quoted) {
            continue;
        } else if (ch == ' ' || ch == '\t') {
            field = false;
        } else if (ch == '(') {
            depth++;
            if (field && !group)
                group = depth;
        } else if (ch == ')') {
            if (group == depth)
                group = 0;
            depth -= depth > 0;
            field = false;
        } else if (i == 0 || strchr(" \t(-", text[i - 1])) {
            field = has_prefix_ci(text + i, at - i, "author:") ||
                   has_prefix_ci(text + i, at - i, "authors:");
        }
    }
    return field || group;
}

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
    w->author = in_author_field(ws->text, t->start);
    return 0;
}

/* The fields a word's spellings are looked for in: the authors for a word
 * of an author: field, else titles and summaries (a surname is no
 * suggestion for `carpet`). */
static unsigned word_fields(const word *w)
{
    return w->author ? 1u << PDX_FIELD_AUTHORS
                     : (1u << PDX_FIELD_TITLE) | (1u << PDX_FIELD_SUMMARY);
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

/* Terms close to the term first, then the fewer edits, then the more
 * papers (`agnet`: agent, 322 papers, not a name in 3); among terms close
 * to a start of the word, the longer first (`hallucin` before `hall`). */
static bool better(const candidate *a, const candidate *b)
{
    if (a->by_prefix != b->by_prefix)
        return !a->by_prefix;
    if (a->edits != b->edits)
        return a->edits < b->edits;
    if (a->by_prefix && a->len != b->len)
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
    /* or to the word as typed: a term the stemmer keeps whole (a stem
     * override, docs/TOKENIZATION.md: `transformer`) is three edits from
     * the stem of `transfomer` (transfom) and one from the word, which
     * was "corrected" to transfer, two edits from that stem */
    unsigned typed = edit_distance(text + w->start, w->end - w->start, t->str, t->len, bound);
    c->edits = PDX_MIN(c->edits, typed);
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
        if (!(t.fields & word_fields(w)) || !closeness(w, text, &t, bound, &c))
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
    pdx_tokenizer *tk;
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

/* Reads a paper's fields where the typed word's spellings are looked for
 * (word_fields()) for spellings of sf's term; done once a spelling one
 * edit away is found. */
static int read_paper(const char *const text[PDX_NFIELDS], const size_t len[PDX_NFIELDS],
                      void *payload, bool *done)
{
    surface *sf = payload;
    unsigned fields = word_fields(sf->typed);
    int rc = PDX_OK;
    for (unsigned f = 0; f < PDX_NFIELDS && !rc; f++) {
        if (!(fields & 1u << f))
            continue;
        sf->src = text[f];
        rc = pdx_tokenize(sf->tk, PDX_TOKENIZE_DEFAULT, text[f], len[f], 0, NULL,
                          closer_surface, sf);
    }
    *done = sf->edits <= 1;
    return rc;
}

/* Calls read() with the fields of view paper doc. */
static int read_fields(pdx_searcher *s, uint32_t doc, pdx_term_papers_fn read, void *payload,
                       bool *done)
{
    pdx_hit_info h;
    int rc = pdx_hit_get(s, doc, &h);
    if (rc)
        return rc;
    const char *text[PDX_NFIELDS] = {h.title, h.authors, h.summary};
    const size_t len[PDX_NFIELDS] = {h.title_len, h.authors_len, h.summary_len};
    return read(text, len, payload, done);
}

int pdx_read_term_papers(pdx_searcher *s, uint32_t vord, unsigned fields, unsigned max,
                         pdx_term_papers_fn read, void *payload)
{
    uint32_t seen_docs[SUGGEST_PAPERS];
    unsigned n_read = 0;
    bool done = false;
    int rc = PDX_OK;
    max = PDX_MIN(max, SUGGEST_PAPERS);
    for (uint32_t g = 0; g < pdx_search_n_segs(s->ix) && n_read < max && !done && !rc; g++) {
        uint32_t base, local;
        pdx_index *seg = pdx_search_seg(s->ix, g, &base);
        rc = pdx_search_term_local(s->ix, vord, g, &local);
        if (rc == PDX_ENOTFOUND) {
            rc = PDX_OK;
            continue;
        }
        for (unsigned f = 0; f < PDX_NFIELDS && n_read < max && !done && !rc; f++) {
            pdx_postings p;
            if (!(fields & 1u << f) || (rc = pdx_postings_open(&p, seg, local, f))) {
                rc = rc == PDX_ENOTFOUND ? PDX_OK : rc;
                continue;
            }
            while (!rc && p.doc != PDX_NO_DOC && n_read < max && !done) {
                bool seen = pdx_doc_deleted(seg, p.doc);
                for (unsigned i = 0; i < n_read && !seen; i++)
                    seen = seen_docs[i] == base + p.doc;
                if (!seen) {
                    seen_docs[n_read++] = base + p.doc;
                    rc = read_fields(s, base + p.doc, read, payload, &done);
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

/* Reads up to SUGGEST_PAPERS live papers holding term vord in the typed
 * word's fields for the spelling closest to the typed word. */
static int find_surface(pdx_searcher *s, uint32_t vord, surface *sf)
{
    return pdx_read_term_papers(s, vord, word_fields(sf->typed), SUGGEST_PAPERS, read_paper, sf);
}

/* The replacement of word w into *out (into the index mapping) and its
 * length, or NULL when no term close to it reads close to it. */
static int correct_word(pdx_searcher *s, const char *text, const word *w, uint64_t min_papers,
                        const char **out, size_t *out_len)
{
    *out = NULL;
    unsigned bound = max_edits(w->end - w->start);
    candidate best[SUGGEST_CANDIDATES];
    size_t n;
    int rc = close_terms(s, text, w, bound, best, &n);
    unsigned edits = bound + 1; /* of *out's spelling from the typed word */
    uint64_t papers = 0;        /* of its term */
    /* Every candidate is read: the closest spelling wins, then the term
     * more papers hold (dffusion: diffusion, 854 papers, not a method's
     * name in one, both one edit away). */
    for (size_t i = 0; i < n && !rc; i++) {
        pdx_term t;
        if (best[i].papers < min_papers)
            continue;
        if ((rc = pdx_term_get(s->ix, best[i].vord, &t)))
            return pdx_searcher_error(s, rc, "%s", pdx_index_errmsg(s->ix));
        surface sf = {s->tk, w, text, t.str, t.len, NULL, NULL, 0, bound + 1, bound};
        rc = find_surface(s, best[i].vord, &sf);
        if (!rc && sf.best && sf.best_len >= SUGGEST_MIN_LETTERS &&
            (sf.edits < edits || (sf.edits == edits && best[i].papers > papers))) {
            *out = sf.best;
            *out_len = sf.best_len;
            edits = sf.edits;
            papers = best[i].papers;
        }
    }
    if (rc || (edits >= 2 && papers < SUGGEST_FAR_PAPERS))
        *out = NULL;
    return rc;
}

/* Appends replacement r to o in the case pattern of typed word t: all
 * capitals or all lower case as typed; a word typed with capitals and
 * lower case as the paper writes it (ChatGTP: ChatGPT), its first letter a
 * capital if typed so (Difusion: Diffusion). */
static void put_in_case(pdx_buf *o, const char *r, size_t n, const char *t, size_t tn)
{
    size_t upper = 0;
    for (size_t i = 0; i < tn; i++)
        upper += isupper((unsigned char)t[i]) != 0;
    bool first = isupper((unsigned char)t[0]);
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)r[i];
        if (upper == tn)
            c = toupper(c);
        else if (upper == 0 || (upper == 1 && first && i > 0))
            c = tolower(c);
        else if (i == 0 && first)
            c = toupper(c);
        pdx_buf_putc(o, (uint8_t)c);
    }
}

/* Papers the query text t[0..n) parsed with flags matches in full. */
static int papers_matching(pdx_searcher *s, const char *t, size_t n, unsigned flags,
                           uint64_t *total)
{
    pdx_query *q;
    *total = 0;
    int rc = pdx_query_parse_any(&q, s, t, n, flags);
    if (rc)
        return rc == PDX_EINVAL ? PDX_OK : rc; /* no word of its own: nothing held */
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    o.limit = 1;
    o.no_partial = true;
    pdx_results r;
    if (!(rc = pdx_search(s, q, &o, &r))) {
        *total = r.total;
        pdx_results_clear(&r);
    }
    pdx_query_free(q);
    return rc;
}

int pdx_suggest_papers(pdx_searcher *s, const char *t, size_t n, uint64_t *total)
{
    return papers_matching(s, t, n, PDX_PARSE_QUICK, total);
}

int pdx_papers_as_written(pdx_searcher *s, const char *t, size_t n, uint64_t *total)
{
    return papers_matching(s, t, n, PDX_PARSE_NO_EXPAND, total);
}

/* Does the query text t[0..n) match some paper in full (into *held)? */
static int matches_in_full(pdx_searcher *s, const char *t, size_t n, bool *held)
{
    uint64_t total;
    int rc = pdx_suggest_papers(s, t, n, &total);
    *held = !rc && total > 0;
    return rc;
}

/* The query rebuilt with its corrections, o (not NUL-terminated), into
 * *out when it matches some paper in full: words corrected one at a time
 * may make a query of nothing (a user trial: `author:"Mina Park"` became
 * `author:"Ming Park"`, two names of two people, no author), and a "did
 * you mean" that finds nothing misleads more than none. */
static int suggestion_checked(pdx_searcher *s, pdx_buf *o, char **out)
{
    bool held;
    int rc = matches_in_full(s, (const char *)o->data, o->len, &held);
    s->errmsg[0] = 0; /* a check's refusal is no error of the caller's */
    if (rc || !held)
        return rc;
    pdx_buf_putc(o, '\0');
    if (o->err)
        return PDX_ENOMEM;
    *out = (char *)o->data;
    return PDX_OK;
}

/* A correction of the query: bytes [start, end) of the text become r. */
typedef struct fix {
    size_t start, end;
    const char *r; /* a Latin word's spelling, in the index mapping */
    size_t rn;     /* bytes of r, or of own */
    bool korean;   /* the word is own: a Korean word with one jamo replaced */
    char own[32];  /* 3 bytes a syllable, at most 10, and a space (suggest_ko.c) */
} fix;

typedef struct fixes {
    fix f[2 * SUGGEST_WORDS];
    size_t n;
} fixes;

/* The corrections of the Latin words of ws into fx. */
static int fix_latin(pdx_searcher *s, const char *text, const words *ws, fixes *fx)
{
    int rc = PDX_OK;
    for (size_t i = 0; i < ws->n && !rc; i++) {
        const word *w = &ws->w[i];
        uint32_t ord;
        uint64_t own = 0, min = 0;
        bool held = false;
        rc = pdx_search_term_find(s, w->term, w->term_len, &ord);
        if (!rc && !(rc = pdx_search_term_papers(s, ord, &own)) && own <= SUGGEST_RARE_PAPERS)
            min = own * SUGGEST_RARE_RATIO; /* a typo some paper made too */
        else if (rc != PDX_ENOTFOUND)
            continue; /* a word papers hold (rc 0), or an error */
        rc = PDX_OK;
        /* Searched alone as the parser reads a word, does it match papers
         * in some form? Its term is not in the index, but another spelling
         * may be ("selfattention": self-attention) or a lexicon
         * equivalent: a review found `selfattention xqzzy` "corrected" to
         * a word of one paper. Searched, not only looked up: a split of a
         * typo into two words papers hold (datset: "dat set") is a form no
         * paper has. */
        if (!min && ((rc = matches_in_full(s, text + w->start, w->end - w->start, &held)) || held))
            continue;
        const char *r;
        size_t rn;
        if ((rc = correct_word(s, text, w, min, &r, &rn)) || !r)
            continue;
        fx->f[fx->n++] = (fix){w->start, w->end, r, rn, false, {0}};
    }
    return rc;
}

/* The next Hangul syllable of s[*i, n), at *i; false when there is none. */
static bool next_syllable(const char *s, size_t n, size_t *i)
{
    while (*i < n && !pdx_hangul_at(s + *i, n - *i))
        ++*i;
    return *i < n;
}

/* The next run of Hangul syllables of s[*i, n), as [*start, *i); false
 * when there is none. */
static bool next_hangul_run(const char *s, size_t n, size_t *i, size_t *start)
{
    next_syllable(s, n, i);
    *start = *i;
    while (*i < n && pdx_hangul_at(s + *i, n - *i))
        *i += 3;
    return *i > *start;
}

/* The corrections of the Korean words of text[0..len) into fx (suggest_ko.c):
 * runs of syllables, not prefixes nor field names, that match no paper as
 * they are (a word of an author: field as an author's name). */
static int fix_korean(pdx_searcher *s, const char *text, size_t len, fixes *fx)
{
    int rc = PDX_OK;
    size_t seen = 0, i = 0, start;
    while (!rc && seen < SUGGEST_WORDS && next_hangul_run(text, len, &i, &start)) {
        seen++;
        uint64_t held;
        bool author = in_author_field(text, start), found;
        if (!pdx_suggest_korean_word(text + start, i - start) ||
            (i < len && (text[i] == '*' || text[i] == ':')) ||
            (rc = pdx_suggest_korean_papers(s, text + start, i - start, author, &held)) || held)
            continue;
        char own[sizeof fx->f[0].own];
        size_t own_len = 0;
        if (!(rc = pdx_suggest_korean(s, text + start, i - start, author, own, &own_len,
                                      &found)) &&
            found) {
            fix *f = &fx->f[fx->n++];
            *f = (fix){start, i, NULL, own_len, true, {0}};
            memcpy(f->own, own, own_len);
        }
    }
    return rc;
}

int pdx_query_suggest(pdx_searcher *s, const char *text, size_t len, char **out)
{
    if (!s || !out)
        return s ? pdx_searcher_error(s, PDX_EINVAL, "out is NULL") : PDX_EINVAL;
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
    fixes fx;
    fx.n = 0;
    rc = fix_latin(s, text, &ws, &fx);
    if (!rc)
        rc = fix_korean(s, text, len, &fx);
    /* in text order (insertion sort: few corrections) */
    for (size_t i = 1; i < fx.n; i++)
        for (size_t j = i; j > 0 && fx.f[j - 1].start > fx.f[j].start; j--) {
            fix t = fx.f[j];
            fx.f[j] = fx.f[j - 1];
            fx.f[j - 1] = t;
        }
    pdx_buf o = {0};
    size_t done = 0; /* text before it is in o */
    for (size_t i = 0; i < fx.n && !rc; i++) {
        const fix *f = &fx.f[i];
        if (f->start < done)
            continue; /* cannot overlap: a Latin word is ASCII, a Korean one Hangul */
        pdx_buf_append(&o, text + done, f->start - done);
        if (f->korean)
            pdx_buf_append(&o, f->own, f->rn);
        else
            put_in_case(&o, f->r, f->rn, text + f->start, f->end - f->start);
        done = f->end;
    }
    if (!rc && fx.n) {
        pdx_buf_append(&o, text + done, len - done);
        rc = o.err ? PDX_ENOMEM : suggestion_checked(s, &o, out);
    }
    if (rc || !*out)
        pdx_buf_free(&o);
    if (rc == PDX_ENOMEM)
        pdx_searcher_error(s, rc, "out of memory making a suggestion");
    return rc;
}

/* A one-jamo change of a Korean word lands on another word the papers
 * write far more often than an edit of a Latin word of four letters or
 * more does: `파국적 망각` (catastrophic forgetting; the digests write
 * 치명적) was searched as `다국적 망각`, "multinational forgetting", one
 * paper about neither, where the words as typed showed the papers of
 * 망각. So a suggestion that changes the Korean words replaces the results
 * only when its context bears it out, this many papers matching it in
 * full, or when the words as typed show no paper at all. A compound
 * split into its words changes none: `장문사실성 평가` (long-form
 * factuality) showed the partial matches of 평가 over the one paper of
 * `장문 사실성 평가`, which holds every syllable typed. */
#define CORRECT_KO_MIN_PAPERS 3

/* Do text[0, len) and sug differ in their Hangul syllables (a syllable
 * changed), where spaces and other words between them do not count (a
 * compound split)? */
static bool changes_korean(const char *text, size_t len, const char *sug)
{
    size_t i = 0, j = 0, m = strlen(sug);
    for (;; i += 3, j += 3) {
        bool x = next_syllable(text, len, &i), y = next_syllable(sug, m, &j);
        if (x != y || (x && memcmp(text + i, sug + j, 3)))
            return true;
        if (!x)
            return false;
    }
}

/* Do the words as typed, q, show some paper on a first page with partial
 * matches (r: their results with opts, on whatever page and whether
 * partial or not)? So the choice is the same on every page, and for a
 * front end that asks for full matches only (the page's chart). */
static bool shows_papers(pdx_searcher *s, const pdx_query *q, const pdx_search_opts *opts,
                         const pdx_results *r)
{
    if (r->n)
        return true;
    pdx_search_opts o;
    if (opts)
        o = *opts;
    else
        pdx_search_opts_default(&o);
    o.no_partial = false;
    o.offset = 0;
    o.limit = 1;
    pdx_results x;
    bool any = !pdx_search(s, q, &o, &x) && x.n > 0;
    pdx_results_clear(&x);
    return any;
}

/* Searches the suggestion sug with flags and opts; into *q and *r when it
 * matches min papers in full or more. */
static bool search_suggestion(pdx_searcher *s, const char *sug, unsigned flags,
                              const pdx_search_opts *opts, uint64_t min, pdx_query **q,
                              pdx_results *r)
{
    pdx_query *cq;
    pdx_results cr;
    if (pdx_query_parse_flags(&cq, s, sug, strlen(sug), flags))
        return false;
    if (pdx_search(s, cq, opts, &cr)) {
        pdx_results_clear(&cr);
        pdx_query_free(cq);
        return false;
    }
    if (cr.total < min) { /* min is 1 at least */
        pdx_results_clear(&cr);
        pdx_query_free(cq);
        return false;
    }
    pdx_results_clear(r);
    pdx_query_free(*q);
    *q = cq;
    *r = cr;
    return true;
}

int pdx_query_correct(pdx_searcher *s, const char *text, size_t len, unsigned flags,
                      const pdx_search_opts *opts, bool correct, pdx_query **q, pdx_results *r,
                      char **suggestion, bool *corrected)
{
    if (!s || !q || !*q || !r || !suggestion || !corrected)
        return s ? pdx_searcher_error(s, PDX_EINVAL, "q, *q, r, suggestion or corrected is NULL")
                 : PDX_EINVAL;
    *suggestion = NULL;
    *corrected = false;
    if (r->total)
        return PDX_OK;
    if (pdx_query_suggest(s, text, len, suggestion)) {
        *suggestion = NULL; /* only advice */
        return PDX_OK;
    }
    if (correct && *suggestion) {
        bool bear_out = changes_korean(text, len, *suggestion) && shows_papers(s, *q, opts, r);
        *corrected = search_suggestion(s, *suggestion, flags, opts,
                                       bear_out ? CORRECT_KO_MIN_PAPERS : 1, q, r);
    }
    s->errmsg[0] = 0;
    return PDX_OK;
}
