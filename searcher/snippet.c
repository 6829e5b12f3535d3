/*
 * Highlights and snippets: where a query's terms occur in a stored text,
 * and a short window of that text around its densest cluster of matches.
 *
 * Both run the one tokenizer (PDX_TOKENIZE_DEFAULT, as the indexer does)
 * over the text and keep the tokens whose term the query looks up
 * (pdx_query_highlights), so a highlight covers exactly the bytes that
 * produced an indexed term: "models" for the query "model", and for
 * "강화학습" the three bigrams 강화, 화학, 학습, whose overlapping ranges are
 * merged into one span. A clause of several terms (a quoted phrase, or a
 * word such as "강화학습" or "text-to-video" that tokenizes into several)
 * is highlighted only where its terms occur at consecutive positions, as
 * the search matches it: a 3-syllable Korean word does not light up every
 * 2-syllable bigram it contains, nor "text-to-video" every "to". A text
 * is highlighted for one field (pdx_highlight_field; the snippet is the
 * summary's): clauses restricted to another field (title:video) do not
 * light it up. For the authors field the text is one author name, and a
 * whole-author clause (author:"Lin Xu") lights it up whole, only when it
 * is that name: "Linning Xu" has the stem of "Lin" but is not Lin Xu.
 * pdx_highlight, the field unknown, accepts every clause.
 *
 * Most of a summary cannot hold a highlighted token, and tokenizing it
 * (normalizing, stemming, making bigrams) is most of a snippet's cost, so
 * the text is cut into chunks at ASCII punctuation and control bytes
 * (classified CLS_SEP by the tokenizer: each ends any word, run and bridge,
 * so the tokens of a chunk are the same whether it is tokenized alone or
 * inside the whole text) and a chunk is tokenized only when a token of it
 * may pass may_match: when it has a character other than ASCII and
 * precomposed Hangul syllables (which may normalize into anything), or a
 * token start whose first bytes the query's slots accept (see
 * chunk_may_match for why raw bytes tell a term's first bytes). A skipped
 * chunk with tokens ends every phrase run, as its failing tokens would.
 * tests/test_snippet_scan.c compares this with tokenizing the whole text.
 *
 * Snippet, step by step:
 *  1. Collect the highlighted tokens (byte range, code point range, a small
 *     id per distinct term) in s->marks and the merged spans in s->spans.
 *     Code points are counted from the text's start to the last token,
 *     and past it only as far as the window can reach (count_total);
 *     sixteen bytes at a time where the text is ASCII and valid two- and
 *     three-byte characters (count_plain), one character at a time
 *     elsewhere, so invalid bytes count as the copy in step 4 treats
 *     them.
 *  2. Slide a window of `width` code points over the tokens (two pointers)
 *     and keep the one with the most distinct terms, then the most tokens;
 *     ties go to the earliest. Distinct terms come first so that a window
 *     with both "diffusion" and "모델" beats one that repeats "모델" thrice.
 *  3. Place the window: a third of the spare room before the cluster as
 *     context, clamped to the text; then move each cut to the nearest ASCII
 *     whitespace within SNAP_BYTES (an ASCII byte is always a character
 *     boundary, valid UTF-8 or not) and never inside the cluster.
 *  4. Copy the window: runs of ASCII whitespace and control characters
 *     become one space (the summary's '\n' between bullets included),
 *     invalid UTF-8 becomes U+FFFD, "…" marks a cut with text beyond it.
 *     Spans are translated to snippet offsets while copying; since matched
 *     tokens hold no control characters or invalid bytes, the snippet bytes
 *     under a span are the original matched bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "searcher.h"

/* A snippet's width when the caller passes 0. */
#define DEFAULT_WIDTH 200
/* How far (bytes) a cut may move to reach whitespace. */
#define SNAP_BYTES 48
/* Distinct terms told apart when scoring windows; more share the last id. */
#define MAX_TERM_IDS 256

static const char ellipsis[] = "\xe2\x80\xa6"; /* U+2026 */
static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */

/* A token of the text, stored in s->marks (a uint32_t array, five words
 * per token). collect() records every token, then keeps the highlighted
 * ones at the front. Offsets are 32-bit: only the first UINT32_MAX bytes of
 * a text are looked at. */
typedef struct snip_tok {
    uint32_t bs, be; /* byte range in the text */
    uint32_t cs, ce; /* code point range in the text (filled by count_cps);
                        while collecting, cs holds a hash of the term */
    uint32_t id;     /* distinct-term id (< MAX_TERM_IDS) once highlighted;
                        while collecting, HL_YES or HL_NO */
    uint32_t cb;     /* byte where code point cs starts, as byte_at_cp
                        counts (filled by count_cps) */
} snip_tok;

#define TOK_WORDS (sizeof(snip_tok) / sizeof(uint32_t))
#define HL_NO UINT32_MAX
#define HL_YES 0u

/* A positive clause of several slots (a phrase, "text-to-video", "강화학습"):
 * its tokens are highlighted only where all its slots match at consecutive
 * positions, as the search requires, so "강화학습" does not light up every
 * lone 학습 and "text-to-video" does not light up every "to". run[k] says
 * that the tokens ending at the previous one matched slots 0..k. */
typedef struct phrase {
    const pdx_clause *cl;
    uint8_t *run; /* n_slots flags */
} phrase;

typedef struct hl_state {
    pdx_searcher *s;
    const pdx_query *q;
    unsigned fields;    /* clauses allowed in one of these fields count */
    bool whole;         /* a whole-author clause matched: every token */
    size_t n_tok;       /* tokens recorded in s->marks */
    phrase *phrases;    /* owned; the slot flags follow the array */
    size_t n_phrases;
    bool any_run;       /* some run[] flag is set */
    bool any_term;      /* a counted slot accepts every term (empty prefix) */
    uint8_t one[32];    /* bit c: a counted slot accepts a term starting with
                           byte c whatever follows (one known byte) */
    uint8_t two[128];   /* bit pair_bit(c, d): a counted slot accepts terms
                           starting with bytes c d (see first_bytes_of) */
    uint8_t cjk[128];   /* bit cp_bit(cp): a counted slot's text starts with
                           code point cp, of three bytes (a syllable) */
    uint8_t cjk1[128];  /* bit cp_bit(cp): ... and is that character alone,
                           so a term of any second character may pass */
    uint8_t cjk2[128];  /* bit cp_pair_bit(cp, next): ... followed by code
                           point next (see second_cp) */
    size_t base;        /* where in the text the part being tokenized starts
                           (tokens' offsets are relative to it) */
} hl_state;

static snip_tok *toks_of(pdx_searcher *s)
{
    return (snip_tok *)(void *)s->marks;
}

static bool grow_spans(pdx_span **v, size_t *cap, size_t need)
{
    if (need <= *cap)
        return true;
    size_t nc = *cap ? *cap * 2 : 32;
    while (nc < need)
        nc *= 2;
    pdx_span *nv = realloc(*v, nc * sizeof *nv);
    if (!nv)
        return false;
    *v = nv;
    *cap = nc;
    return true;
}

static bool grow_toks(pdx_searcher *s, size_t need)
{
    size_t cap = s->cap_marks / TOK_WORDS;
    if (need <= cap)
        return true;
    size_t nc = cap ? cap * 2 : 64;
    while (nc < need)
        nc *= 2;
    uint32_t *nv = realloc(s->marks, nc * sizeof(snip_tok));
    if (!nv)
        return false;
    s->marks = nv;
    s->cap_marks = nc * TOK_WORDS;
    return true;
}

static bool slot_matches(const pdx_slot *sl, const char *term, size_t len)
{
    return pdx_slot_accepts(sl, term, len);
}

/* Does clause cl take part in highlighting a text of `fields`? A
 * whole-author clause does not, for one author's name: it is compared
 * whole (whole_author_hit). */
static bool clause_counts(const pdx_clause *cl, unsigned fields)
{
    return (cl->fields & fields) && !(cl->whole_author && fields == 1u << PDX_FIELD_AUTHORS);
}

/* Does a single-slot positive clause accept the term? */
static bool single_matches(const hl_state *st, const char *term, size_t len)
{
    const pdx_query *q = st->q;
    for (uint32_t g = 0; g < q->n_groups; g++) {
        const pdx_group *gr = &q->groups[g];
        if (gr->negated)
            continue;
        for (uint32_t c = 0; c < gr->n_clauses; c++)
            if (gr->clauses[c].n_slots == 1 && clause_counts(&gr->clauses[c], st->fields) &&
                slot_matches(gr->clauses[c].slots, term, len))
                return true;
    }
    return false;
}

/* Is text, one author's name, the whole name of a positive whole-author
 * clause of q? Returns 1, 0 or PDX_ENOMEM. */
static int whole_author_hit(pdx_searcher *s, const pdx_query *q, const char *text, size_t len)
{
    pdx_buf key = {0};
    int hit = 0;
    bool made = false;
    for (uint32_t g = 0; g < q->n_groups && !hit; g++)
        for (uint32_t c = 0; c < q->groups[g].n_clauses && !hit && !q->groups[g].negated; c++) {
            const pdx_clause *cl = &q->groups[g].clauses[c];
            if (!cl->whole_author)
                continue;
            if (!made && (hit = pdx_author_key(s, text, len, &key)))
                break;
            made = true;
            hit = key.len == cl->key_len && key.len && memcmp(key.data, cl->key, key.len) == 0;
        }
    pdx_buf_free(&key);
    return hit;
}

/* A bit of hl_state.two for the term's first two bytes (a hash: several
 * pairs share a bit, which only lets more terms through to the exact
 * test). */
static unsigned pair_bit(uint8_t c, uint8_t d)
{
    return ((unsigned)c * 31u + d) & 1023u;
}

/* A bit of hl_state.cjk for a term's first character, a three-byte one
 * (a hash: its code point's low ten bits). */
static unsigned cp_bit(int32_t cp)
{
    return (unsigned)cp & 1023u;
}

/* Does t[0..n) start with a valid three-byte character led by E1..ED
 * (ED below the surrogates): every Hangul syllable, the common case
 * after ASCII, told without pdx_utf8_len's general rules? */
static inline bool common_three(const uint8_t *t, size_t n)
{
    return n >= 3 && t[0] >= 0xe1 && t[0] <= 0xed && (t[1] & 0xc0) == 0x80 &&
           (t[2] & 0xc0) == 0x80 && (t[0] != 0xed || t[1] < 0xa0);
}

/* The code point at t[0..n), or -1 when it is not valid UTF-8: inline
 * for ASCII and three-byte characters (terms here are mostly Hangul),
 * pdx_utf8_decode for the rest. */
static inline int32_t cp_at(const uint8_t *t, size_t n)
{
    if (t[0] < 0x80)
        return t[0];
    if (common_three(t, n))
        return (t[0] & 0x0f) << 12 | (t[1] & 0x3f) << 6 | (t[2] & 0x3f);
    int32_t cp = -1;
    return pdx_utf8_decode(t, n, &cp) ? cp : -1;
}

/* A bit of hl_state.cjk2 for a term's first two characters (a hash). */
static unsigned cp_pair_bit(int32_t a, int32_t b)
{
    return ((uint32_t)a * 0x9e3779b1u + (uint32_t)b * 0x85ebca6bu) >> 22;
}

/* The character after the first (three bytes) of t[0..len), past one
 * space (a bridge term "X Y" stands for the slot text "XY"), or -1. */
static int32_t second_cp(const uint8_t *t, size_t len)
{
    size_t at = len > 3 && t[3] == ' ' ? 4 : 3;
    return at < len ? cp_at(t + at, len - at) : -1;
}

static void set_bit(uint8_t *bits, unsigned i)
{
    bits[i >> 3] |= (uint8_t)(1u << (i & 7));
}

static bool has_bit(const uint8_t *bits, unsigned i)
{
    return (bits[i >> 3] >> (i & 7)) & 1;
}

/* Sets st's filters from the slots of the positive clauses counted for
 * st->fields: the first bytes a term must start with to be accepted.
 * Every way pdx_slot_accepts takes a term keeps bytes of the slot's text
 * at the term's start: equal (text), prefix (text), bridge form (the
 * text's first character, then a space); a text of one byte fixes one
 * byte, an empty prefix none. Most of a summary's tokens then fail on a
 * bit test (the Korean ones too, which share their first byte). */
static void first_bytes_of(hl_state *st)
{
    const pdx_query *q = st->q;
    for (uint32_t g = 0; g < q->n_groups; g++)
        for (uint32_t c = 0; c < q->groups[g].n_clauses && !q->groups[g].negated; c++) {
            const pdx_clause *cl = &q->groups[g].clauses[c];
            if (!(cl->fields & st->fields) ||
                (st->fields == 1u << PDX_FIELD_AUTHORS && cl->whole_author))
                continue; /* the clauses pdx_query_highlights_in skips */
            for (uint32_t i = 0; i < cl->n_slots; i++) {
                const pdx_slot *sl = &cl->slots[i];
                if (!sl->text)
                    continue;
                const uint8_t *t = (const uint8_t *)sl->text;
                if (sl->text_len >= 3 && pdx_utf8_first_len(sl->text, sl->text_len) == 3) {
                    int32_t cp = cp_at(t, 3), next = second_cp(t, sl->text_len);
                    set_bit(st->cjk, cp_bit(cp));
                    if (sl->text_len == 3 || next < 0)
                        set_bit(st->cjk1, cp_bit(cp));
                    else
                        set_bit(st->cjk2, cp_pair_bit(cp, next));
                }
                if (sl->text_len == 0)
                    st->any_term = true;
                else if (sl->text_len == 1)
                    set_bit(st->one, t[0]);
                else
                    set_bit(st->two, pair_bit(t[0], t[1]));
                /* The bridge form starts with the text's first character
                 * then a space: a new pair only when that character is
                 * one byte (the parser sets bridge on CJK bigrams only). */
                if (sl->bridge && sl->text_len > 1 &&
                    pdx_utf8_first_len(sl->text, sl->text_len) == 1)
                    set_bit(st->two, pair_bit(t[0], (uint8_t)' '));
            }
        }
}

/* Could a counted slot accept a term whose first character, t[0..3), is
 * three bytes (a Korean bigram, unigram or bridge)? Every way a slot
 * accepts a term (equal, prefix, bridge form) keeps the slot text's first
 * character at the term's start, and its second next (past the bridge's
 * space), unless the text is one character: so the first character, then
 * the pair, must be one of a slot's. */
static bool cjk_may(const hl_state *st, const uint8_t *t, size_t len)
{
    if (len < 3)
        return false;
    int32_t cp = cp_at(t, len);
    if (!has_bit(st->cjk, cp_bit(cp)))
        return false;
    if (has_bit(st->cjk1, cp_bit(cp)))
        return true;
    int32_t next = second_cp(t, len);
    return next >= 0 && has_bit(st->cjk2, cp_pair_bit(cp, next));
}

/* Could some counted slot accept a term of len bytes starting at term?
 * False only when none can. */
static bool may_match(const hl_state *st, const char *term, size_t len)
{
    const uint8_t *t = (const uint8_t *)term;
    if (st->any_term || (len >= 1 && has_bit(st->one, t[0])))
        return true;
    if (len < 2 || !has_bit(st->two, pair_bit(t[0], t[1])))
        return false;
    return pdx_utf8_first_len(term, len) != 3 || cjk_may(st, t, len);
}

/* Records the token t (term hash in cs, HL_NO) in s->marks; its index in
 * *me. */
static int record(hl_state *st, const pdx_token *t, size_t *me)
{
    pdx_searcher *s = st->s;
    if (!grow_toks(s, st->n_tok + 1))
        return PDX_ENOMEM;
    *me = st->n_tok++;
    toks_of(s)[*me] = (snip_tok){(uint32_t)(st->base + t->start), (uint32_t)(st->base + t->end),
                                 (uint32_t)pdx_hash(t->term, t->term_len), 0, HL_NO, 0};
    return 0;
}

/* A token no slot accepts: no phrase run goes on past it. */
static void break_runs(hl_state *st)
{
    if (!st->any_run)
        return;
    for (size_t p = 0; p < st->n_phrases; p++)
        memset(st->phrases[p].run, 0, st->phrases[p].cl->n_slots);
    st->any_run = false;
}

/* Only tokens a slot accepts are recorded (most of a summary's are not,
 * and the snippet keeps only highlighted ones): a phrase's tokens are
 * consecutive accepted tokens, so they are the last ones recorded when
 * its run completes. */
static int on_token(const pdx_token *t, void *payload)
{
    hl_state *st = payload;
    size_t me;
    if (st->whole) {
        int rc = record(st, t, &me);
        if (!rc)
            toks_of(st->s)[me].id = HL_YES;
        return rc;
    }
    /* Cheap filters first: a term that no positive slot accepts breaks
     * every phrase run. */
    if (!may_match(st, t->term, t->term_len) ||
        !pdx_query_highlights_in(st->q, st->fields, t->term, t->term_len)) {
        break_runs(st);
        return 0;
    }
    int rc = record(st, t, &me);
    if (rc)
        return rc;
    snip_tok *v = toks_of(st->s);
    if (single_matches(st, t->term, t->term_len))
        v[me].id = HL_YES;
    st->any_run = false;
    for (size_t p = 0; p < st->n_phrases; p++) {
        const pdx_clause *cl = st->phrases[p].cl;
        uint8_t *run = st->phrases[p].run;
        uint32_t n = cl->n_slots;
        for (uint32_t k = n - 1; k > 0; k--)
            run[k] = run[k - 1] && slot_matches(&cl->slots[k], t->term, t->term_len);
        run[0] = slot_matches(&cl->slots[0], t->term, t->term_len);
        if (run[n - 1] && me + 1 >= n) {
            for (size_t i = me + 1 - n; i <= me; i++)
                v[i].id = HL_YES;
        }
        for (uint32_t k = 0; k < n && !st->any_run; k++)
            st->any_run = run[k];
    }
    return 0;
}

/* ---- skipping chunks that cannot match (see the top comment) ---- */

static inline bool is_ascii_alnum(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static uint8_t ascii_lower(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* The code point of the precomposed Hangul syllable at p[i..end), or -1.
 * The tokenizer takes such a syllable as it is: NFKC leaves it alone, and
 * only a following jamo (neither ASCII nor a syllable, so its chunk is
 * tokenized) could compose with it. */
static inline int32_t syllable_at(const uint8_t *p, size_t i, size_t end)
{
    return pdx_utf8_syllable(p + i, end - i);
}

/* Could the ASCII word (or number piece) token starting at p[i], a letter
 * or digit, pass may_match? Its term is the word lowercased, and stemmed
 * when it has no digit. The Snowball English stemmer keeps a word's first
 * letter and, when the stem has two or more, its first two: it rewrites
 * the end of a word, after a vowel it keeps ("aing" -> "a", "ties" ->
 * "tie"), except for its whole-word exceptions, of which only dying,
 * lying and tying change their second letter (y -> i). A term of one byte
 * is caught by the one-byte test. tests/test_snippet_scan.c checks this
 * on such words. */
static bool ascii_start_may(const hl_state *st, const uint8_t *p, size_t i, size_t end)
{
    uint8_t c = ascii_lower(p[i]);
    if (has_bit(st->one, c))
        return true;
    if (i + 1 >= end || !(is_ascii_alnum(p[i + 1]) || p[i + 1] == '\''))
        return false;
    uint8_t d = ascii_lower(p[i + 1]);
    return has_bit(st->two, pair_bit(c, d)) || (d == 'y' && has_bit(st->two, pair_bit(c, 'i')));
}

/* May a chunk end after the space p[k - 1] (and the next start at p[k])?
 * Besides resetting at punctuation, the tokenizer carries nothing across a
 * space but a bridge candidate, the last character of a CJK run, whose
 * bigram with the next run's first character is emitted at that run. So
 * yes when an ASCII character stands before the space or after it (no
 * bridge), or when the character before it is a syllable no slot's text
 * starts with (the bridge is highlighted by no slot, so leaving it out
 * only loses a token that would have ended every phrase run, and the
 * caller ends them when it skips a chunk; two chunks tokenized alike are
 * tokenized in one piece, bridge included). */
static bool may_split_at(const hl_state *st, const uint8_t *p, size_t k, size_t len)
{
    if (k >= len)
        return false;
    if (p[k] < 0x80 || (k >= 2 && p[k - 2] < 0x80))
        return true;
    int32_t cp = k >= 4 ? syllable_at(p, k - 4, k - 1) : -1;
    return cp >= 0 && !has_bit(st->cjk, cp_bit(cp));
}

/* Could a term starting at the syllable cp at p[i] pass cjk_may? Such
 * terms are its bigram with the next character, its bridge with the
 * syllable after one space, and itself alone (a one-syllable run): so yes
 * when a one-character slot text is cp, or the pair with what follows is a
 * slot's, or what follows is neither ASCII nor a syllable (it may compose
 * with cp or be a CJK character of another kind). */
static bool syllable_may(const hl_state *st, const uint8_t *p, size_t i, size_t len, int32_t cp)
{
    if (!has_bit(st->cjk, cp_bit(cp)))
        return false;
    if (has_bit(st->cjk1, cp_bit(cp)))
        return true;
    size_t at = i + 3;
    if (at + 1 < len && p[at] == ' ' && p[at + 1] >= 0x80)
        at++; /* a bridge over one space */
    if (at >= len || p[at] < 0x80)
        return false; /* the run ends: a unigram, which no cjk1 bit wants */
    int32_t next = syllable_at(p, at, len);
    return next < 0 || has_bit(st->cjk2, cp_pair_bit(cp, next));
}

enum { CHUNK_EMPTY, CHUNK_SKIP, CHUNK_MAY };

/* What a byte is to the chunk scan. CL_SEP: an ASCII byte the tokenizer
 * classifies CLS_SEP (neither a letter, a digit, a space nor an
 * apostrophe), which ends every word, run and bridge, and to which no
 * combining character can join a token: it ends a chunk. The classes
 * after CL_SPACE never do, so a chunk already known to hold a candidate is
 * read to its end by one comparison a byte (chunk_end). */
enum { CL_SEP, CL_SPACE, CL_APOS, CL_LETTER, CL_DIGIT, CL_HIGH };

#define CL_H16 CL_HIGH, CL_HIGH, CL_HIGH, CL_HIGH, CL_HIGH, CL_HIGH, CL_HIGH, CL_HIGH, \
               CL_HIGH, CL_HIGH, CL_HIGH, CL_HIGH, CL_HIGH, CL_HIGH, CL_HIGH, CL_HIGH
#define CL_L5 CL_LETTER, CL_LETTER, CL_LETTER, CL_LETTER, CL_LETTER
#define CL_D5 CL_DIGIT, CL_DIGIT, CL_DIGIT, CL_DIGIT, CL_DIGIT
static const uint8_t byte_class[256] = {
    [' '] = CL_SPACE, ['\''] = CL_APOS,
    ['0'] = CL_D5, CL_D5,
    ['A'] = CL_L5, CL_L5, CL_L5, CL_L5, CL_L5, CL_LETTER,
    ['a'] = CL_L5, CL_L5, CL_L5, CL_L5, CL_L5, CL_LETTER,
    [0x80] = CL_H16, CL_H16, CL_H16, CL_H16, CL_H16, CL_H16, CL_H16, CL_H16,
};

/* Where the chunk containing p[i] ends, for a chunk that already may
 * match: its tokens are tokenized whatever else it holds, so only the
 * end is looked for (a CL_SEP byte, a space where may_split_at
 * allows a new chunk, or len). */
static size_t chunk_end(const hl_state *st, const uint8_t *p, size_t i, size_t len)
{
    for (;; i++) {
        while (i < len && byte_class[p[i]] > CL_SPACE)
            i++;
        if (i >= len || p[i] != ' ' || may_split_at(st, p, i + 1, len))
            return i;
    }
}

/* Past the letters from p[i]: the rest of a word whose start was looked
 * at. A digit is not passed: every digit may start a number piece. */
static size_t skip_letters(const uint8_t *p, size_t i, size_t len)
{
    while (i < len && byte_class[p[i]] == CL_LETTER)
        i++;
    return i;
}

/* Passes the syllables from p[*i] while none may start a highlighted
 * term (syllable_may): false at the first character that is not such a
 * syllable but may (a syllable of the query, or what is not a syllable),
 * with *i there; true when it stopped at an ASCII byte or the end, with
 * *i there, after at least one syllable. Korean text is mostly runs of
 * syllables, looked at here without going back to chunk_kind's switch. */
static bool skip_syllables(const hl_state *st, const uint8_t *p, size_t *i, size_t len)
{
    size_t at = *i;
    do {
        int32_t cp = syllable_at(p, at, len);
        if (cp < 0 || syllable_may(st, p, at, len, cp)) {
            *i = at;
            return false;
        }
        at += 3;
    } while (at < len && p[at] >= 0x80);
    *i = at;
    return true;
}

/* Reads the chunk starting at p[from] up to its end (a CL_SEP byte,
 * part of neither chunk, or a space after which may_split_at allows a new
 * chunk; *next is where the next chunk starts, len + 1 after the last)
 * and says what it holds: CHUNK_MAY when a token of it may be highlighted,
 * else CHUNK_SKIP (tokens, none highlighted) or CHUNK_EMPTY (no token).
 * Every letter or digit after a byte that is not one starts a word, and
 * every digit may start a piece of one ("gpt4o": gpt, 4o); every syllable
 * starts a bigram, a unigram or a bridge ("모 델"), whose first character
 * is that syllable. One pass, as cheap per byte as can be: it reads the
 * whole summary. Once a start may match, the rest of the chunk is only
 * searched for its end (chunk_end); a word's start is looked at and the
 * rest of its letters passed over (skip_letters). */
static int chunk_kind(const hl_state *st, const uint8_t *p, size_t from, size_t len,
                      size_t *next)
{
    int kind = CHUNK_EMPTY;
    size_t i = from;
    while (i < len) {
        switch (byte_class[p[i]]) {
        case CL_HIGH:
            if (!skip_syllables(st, p, &i, len)) {
                /* a match, or who knows what it normalizes to */
                *next = chunk_end(st, p, i, len) + 1;
                return CHUNK_MAY;
            }
            kind = CHUNK_SKIP;
            if (i < len && p[i] == ' ' && i + 1 < len && p[i + 1] >= 0x80 &&
                !has_bit(st->cjk, cp_bit(syllable_at(p, i - 3, i)))) {
                *next = i + 1; /* may_split_at(i + 1), knowing the syllable */
                return kind;
            }
            continue;
        case CL_LETTER:
        case CL_DIGIT: /* a word's or a number piece's start */
            if (ascii_start_may(st, p, i, len)) {
                *next = chunk_end(st, p, i, len) + 1;
                return CHUNK_MAY;
            }
            kind = CHUNK_SKIP;
            i = skip_letters(p, i + 1, len);
            continue;
        case CL_SPACE:
            if (may_split_at(st, p, i + 1, len))
                break;
            i++;
            continue;
        case CL_APOS:
            i++;
            continue;
        default: /* CL_SEP */
            break;
        }
        break;
    }
    *next = i + 1; /* past the space or the CL_SEP byte */
    return kind;
}

/* Tokenizes text[from, to) into st (offsets made relative to text). */
static int tokenize_part(hl_state *st, const char *text, size_t from, size_t to)
{
    st->base = from;
    return pdx_tokenize(st->s->tk, PDX_TOKENIZE_DEFAULT, text + from, to - from, 0, NULL,
                        on_token, st);
}

/* Tokenizes the chunks of text that may hold a highlighted token, each
 * run of them in one call; with `skip` false, or when any term may match,
 * the whole text. */
static int tokenize_text(hl_state *st, const char *text, size_t len, bool skip)
{
    if (!skip || st->whole || st->any_term)
        return tokenize_part(st, text, 0, len);
    const uint8_t *p = (const uint8_t *)text;
    size_t pending = SIZE_MAX; /* start of the chunks still to tokenize */
    int rc = PDX_OK;
    for (size_t from = 0, next; from <= len && !rc; from = next) {
        int kind = chunk_kind(st, p, from, len, &next);
        if (kind == CHUNK_MAY && pending == SIZE_MAX) {
            pending = from;
        } else if (kind == CHUNK_SKIP) {
            if (pending != SIZE_MAX)
                rc = tokenize_part(st, text, pending, from);
            pending = SIZE_MAX;
            break_runs(st);
        }
    }
    if (!rc && pending != SIZE_MAX)
        rc = tokenize_part(st, text, pending, len);
    return rc;
}

static int cmp_tok(const void *a, const void *b)
{
    const snip_tok *x = a, *y = b;
    if (x->bs != y->bs)
        return x->bs < y->bs ? -1 : 1;
    return (x->be > y->be) - (x->be < y->be);
}

/* Sets up the phrase matchers of q's positive multi-slot clauses. */
static int phrases_new(hl_state *st, const pdx_query *q)
{
    size_t n = 0, flags = 0;
    for (uint32_t g = 0; g < q->n_groups; g++)
        for (uint32_t c = 0; c < q->groups[g].n_clauses && !q->groups[g].negated; c++)
            if (q->groups[g].clauses[c].n_slots > 1 &&
                clause_counts(&q->groups[g].clauses[c], st->fields)) {
                n++;
                flags += q->groups[g].clauses[c].n_slots;
            }
    if (!n)
        return PDX_OK;
    st->phrases = calloc(1, n * sizeof *st->phrases + flags);
    if (!st->phrases)
        return PDX_ENOMEM;
    uint8_t *f = (uint8_t *)(st->phrases + n);
    for (uint32_t g = 0; g < q->n_groups; g++)
        for (uint32_t c = 0; c < q->groups[g].n_clauses && !q->groups[g].negated; c++) {
            const pdx_clause *cl = &q->groups[g].clauses[c];
            if (cl->n_slots > 1 && clause_counts(cl, st->fields)) {
                st->phrases[st->n_phrases++] = (phrase){cl, f};
                f += cl->n_slots;
            }
        }
    return PDX_OK;
}

/* Distinct-term ids for the highlighted tokens, from their term hashes. */
static void assign_ids(snip_tok *v, size_t n)
{
    uint32_t seen[MAX_TERM_IDS];
    uint32_t n_seen = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t h = v[i].cs, id = 0;
        while (id < n_seen && seen[id] != h)
            id++;
        if (id == n_seen) {
            if (n_seen < MAX_TERM_IDS)
                seen[n_seen++] = h;
            else
                id = MAX_TERM_IDS - 1;
        }
        v[i].id = id;
    }
}

/* Is text[a, b) one or two of the punctuation marks that join the parts
 * of one name ("Qwen2.5", "GPT-4o", "text_to_video")? Highlights that
 * only such marks separate are shown as one span, the name whole. */
static bool joins_name(const char *text, size_t a, size_t b)
{
    if (b <= a || b - a > 2)
        return false;
    for (size_t i = a; i < b; i++)
        if (text[i] != '.' && text[i] != '-' && text[i] != '_' && text[i] != '/')
            return false;
    return true;
}

/* Tokenizes text and fills s->spans with the merged highlights (sorted)
 * and s->marks with the highlighted tokens (sorted by start, *n_tok of
 * them); `skip`: tokenize only the chunks that may hold one. */
static int collect(pdx_searcher *s, const pdx_query *q, unsigned fields, const char *text,
                   size_t len, bool skip, size_t *n_tok)
{
    s->n_spans = 0;
    *n_tok = 0;
    if (!q || !text || !len)
        return PDX_OK;
    hl_state st = {.s = s, .q = q, .fields = fields};
    int rc = PDX_OK;
    if (fields == 1u << PDX_FIELD_AUTHORS) {
        int hit = whole_author_hit(s, q, text, len);
        if (hit < 0)
            rc = hit;
        st.whole = hit > 0;
    }
    if (!rc)
        rc = phrases_new(&st, q);
    first_bytes_of(&st);
    if (!rc)
        rc = tokenize_text(&st, text, len, skip);
    free(st.phrases);
    if (rc)
        return rc == PDX_ENOMEM ? pdx_searcher_error(s, rc, "out of memory highlighting") : rc;

    /* Keep the highlighted tokens, in order of their start. */
    snip_tok *v = toks_of(s);
    size_t n = 0;
    bool unsorted = false;
    for (size_t i = 0; i < st.n_tok; i++) {
        if (v[i].id == HL_NO || v[i].be <= v[i].bs)
            continue;
        if (n && v[i].bs < v[n - 1].bs)
            unsorted = true;
        v[n++] = v[i];
    }
    if (unsorted)
        qsort(v, n, sizeof *v, cmp_tok);
    assign_ids(v, n);

    /* Spans: merge overlapping and touching token ranges, and those a
     * name's punctuation joins; a whole author name is one span. */
    if (!grow_spans(&s->spans, &s->cap_spans, n ? n : 1))
        return pdx_searcher_error(s, PDX_ENOMEM, "out of memory highlighting");
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        if (w && (v[i].bs <= s->spans[w - 1].end || st.whole ||
                  joins_name(text, s->spans[w - 1].end, v[i].bs))) {
            if (v[i].be > s->spans[w - 1].end)
                s->spans[w - 1].end = v[i].be;
        } else {
            s->spans[w++] = (pdx_span){v[i].bs, v[i].be};
        }
    }
    s->n_spans = w;
    *n_tok = n;
    return PDX_OK;
}

/* Texts longer than 32-bit offsets allow are looked at up to that point,
 * cut at a character boundary. */
static size_t clamp_len(const char *text, size_t len)
{
    if (len <= UINT32_MAX)
        return len;
    len = UINT32_MAX;
    while (len > 0 && ((uint8_t)text[len] & 0xc0) == 0x80)
        len--;
    return len;
}

/* Highlights for a text of `fields` (a bit per field). */
static int highlight_in(pdx_searcher *s, const pdx_query *q, unsigned fields, const char *text,
                        size_t len, const pdx_span **spans, size_t *n_spans)
{
    if (!s || !spans || !n_spans)
        return s ? pdx_searcher_error(s, PDX_EINVAL, "spans or n_spans is NULL") : PDX_EINVAL;
    size_t n_tok;
    int rc = collect(s, q, fields, text, text ? clamp_len(text, len) : 0, true, &n_tok);
    *spans = s->spans;
    *n_spans = rc ? 0 : s->n_spans;
    return rc;
}

int pdx_highlight(pdx_searcher *s, const pdx_query *q, const char *text, size_t len,
                  const pdx_span **spans, size_t *n_spans)
{
    return highlight_in(s, q, PDX_FIELDS_ALL, text, len, spans, n_spans);
}

int pdx_highlight_field(pdx_searcher *s, const pdx_query *q, pdx_text_field field,
                        const char *text, size_t len, const pdx_span **spans, size_t *n_spans)
{
    if (s && spans && n_spans && (unsigned)field >= PDX_NFIELDS) {
        *spans = s->spans;
        *n_spans = 0;
        return pdx_searcher_error(s, PDX_EINVAL, "no such field: %d", (int)field);
    }
    return highlight_in(s, q, 1u << field, text, len, spans, n_spans);
}

/* ---- snippets ---- */

/* pdx_utf8_len with the common cases first: ASCII and common_three. */
static inline size_t utf8_len_fast(const uint8_t *p, size_t n)
{
    if (p[0] < 0x80)
        return 1;
    return common_three(p, n) ? 3 : pdx_utf8_len(p, n);
}

/* Bytes of the character at p[0..n): 1 for an invalid byte. */
static inline size_t char_len(const uint8_t *p, size_t n)
{
    size_t l = utf8_len_fast(p, n);
    return l ? l : 1;
}

/* Shown as (part of) one space: ASCII whitespace and control characters. */
static bool is_blank(uint8_t c)
{
    return c <= 0x20 || c == 0x7f;
}

/* Byte offset of code point cp (counting from 0), or the end (>= len)
 * past it, walking from code point from_cp at byte from_b: a point of the
 * same walk from 0, so the answer is the walk's from 0. */
static size_t walk_cps(const uint8_t *p, size_t len, size_t from_cp, size_t from_b, size_t cp)
{
    size_t b = from_b;
    for (size_t i = from_cp; i < cp && b < len; i++)
        b += char_len(p + b, len - b);
    return b;
}

/* Byte offset of code point cp, walking from the last token (sorted, with
 * cs/cb filled by count_cps) that starts at or before it. */
static size_t byte_at_cp(const uint8_t *p, size_t len, const snip_tok *tok, size_t n_tok,
                         size_t cp)
{
    size_t lo = 0, hi = n_tok; /* first token with cs > cp */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (tok[mid].cs <= cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? walk_cps(p, len, tok[lo - 1].cs, tok[lo - 1].cb, cp) : walk_cps(p, len, 0, 0, cp);
}

/* ---- counting characters sixteen bytes at a time ---- */

/* Sixteen bytes as one value (GCC and Clang vector extensions: the
 * operations are per byte, lane k being p[k]; a comparison gives -1 in a
 * lane where it holds, else 0). */
typedef uint8_t lanes16 __attribute__((vector_size(16)));
typedef int8_t mask16 __attribute__((vector_size(16)));

static inline lanes16 load16(const uint8_t *p)
{
    lanes16 v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Does a lane of m hold -1? */
static inline bool any_lane(mask16 m)
{
    uint64_t u[2];
    memcpy(u, &m, sizeof u);
    return (u[0] | u[1]) != 0;
}

/* How many lanes of m hold -1. */
static inline size_t count_lanes(mask16 m)
{
    uint64_t u[2];
    m &= 1;
    memcpy(u, &m, sizeof u);
    return (size_t)((u[0] * 0x0101010101010101ull) >> 56) +
           (size_t)((u[1] * 0x0101010101010101ull) >> 56);
}

/* Counts the characters of p[b..stop) sixteen bytes at a time, as
 * char_len walks them from b (a boundary of that walk, at least 2), while
 * they are plain: ASCII and valid UTF-8 of two or three bytes. Adds their
 * number to *cp and returns where it stopped, a boundary of the walk: b
 * when the sixteen bytes at b are not plain (the caller walks them).
 * Each lane is compared with the byte before it (p1) and the one before
 * that (p2): the bytes are well formed when the continuation bytes
 * (10xxxxxx) are exactly those after a lead (11xxxxxx) and the second
 * after a three-byte lead (111xxxxx); then the walk passes every lead and
 * nothing else starts a character, and the count is the bytes that are
 * not continuation bytes. They are valid (pdx_utf8_len's rules) when no
 * byte is C0, C1 or F0-FF (four-byte characters are left to the walk),
 * none after E0 is below A0 (overlong) and none after ED is A0 or above (a
 * surrogate). The bytes before b belong to characters already walked
 * (some perhaps invalid): the first block does not look at them. A
 * character the last block cuts is left to the walk. */
static size_t count_plain(const uint8_t *p, size_t b, size_t stop, size_t *cp)
{
    size_t n = 0, from = b;
    for (; b + 16 <= stop; b += 16) {
        lanes16 v = load16(p + b), p1 = load16(p + b - 1), p2 = load16(p + b - 2);
        if (b == from) {
            p1[0] = 0;
            p2[0] = p2[1] = 0;
        }
        mask16 cont = (mask16)((v & 0xc0) == 0x80);
        mask16 want = (mask16)(p1 >= 0xc0) | (mask16)(p2 >= 0xe0);
        mask16 bad = (cont ^ want) | (mask16)(v >= 0xf0) | (mask16)((v & 0xfe) == 0xc0) |
                     ((mask16)(p1 == 0xe0) & (mask16)(v < 0xa0)) |
                     ((mask16)(p1 == 0xed) & (mask16)(v >= 0xa0));
        if (any_lane(bad))
            break;
        n += 16 - count_lanes(cont);
    }
    if (b > from && (p[b - 1] >= 0xc0 || p[b - 2] >= 0xe0)) {
        b -= p[b - 1] >= 0xc0 ? 1 : 2; /* back to the lead of the character cut */
        n--;
    }
    *cp += n;
    return b;
}

/* Walks the characters from byte *b (a boundary of char_len's walk from
 * the text's start) until stop or past it, as char_len steps; returns
 * how many it passed, and *b where it stopped. `bulk`: count_plain where
 * it can (false: one character at a time, the reference the tests
 * compare it with). */
static size_t walk_to(const uint8_t *p, size_t len, size_t *b, size_t stop, bool bulk)
{
    size_t at = *b, cp = 0;
    while (at < stop) {
        size_t nb = bulk && at >= 2 && at + 16 <= stop ? count_plain(p, at, stop, &cp) : at;
        if (nb > at) {
            at = nb;
            continue;
        }
        /* Not plain here: the next sixteen bytes one character at a
         * time. */
        size_t until = PDX_MIN(at + 16, stop);
        do {
            at += char_len(p + at, len - at);
            cp++;
        } while (at < until);
    }
    *b = at;
    return cp;
}

/* Fills cs/ce/cb of the tokens (sorted by bs) in one pass over the text
 * up to the last token; returns the code points before byte *at, where
 * it stopped (the text's end when a token is there or beyond). */
static size_t count_cps(const uint8_t *p, size_t len, snip_tok *tok, size_t n_tok, bool bulk,
                        size_t *at)
{
    size_t b = 0, cp = 0, k = 0;
    while (b < len) {
        while (k < n_tok && tok[k].bs <= b) {
            tok[k].cs = (uint32_t)cp;
            tok[k].cb = (uint32_t)b;
            size_t e = tok[k].bs, c = 0;
            while (e < tok[k].be && e < len) {
                e += char_len(p + e, len - e);
                c++;
            }
            tok[k].ce = (uint32_t)(cp + c);
            k++;
        }
        if (k == n_tok)
            break; /* the rest only tells the total: count_total */
        /* Up to the next token's start no token is due. */
        cp += walk_to(p, len, &b, tok[k].bs < len ? tok[k].bs : len, bulk);
    }
    for (; k < n_tok; k++) {
        tok[k].cs = tok[k].ce = (uint32_t)cp;
        tok[k].cb = (uint32_t)b;
    }
    *at = b;
    return cp;
}

/* The text's length in code points, counting on from cp at byte b (a
 * boundary of the walk), or any number >= limit once it is known to be
 * that long: past the window's farthest end, the rest of a long summary
 * need not be read. Each code point is at least a byte, so limit - cp
 * more bytes hold at most limit - cp more code points. */
static size_t count_total(const uint8_t *p, size_t len, size_t b, size_t cp, size_t limit,
                          bool bulk)
{
    while (b < len && cp < limit)
        cp += walk_to(p, len, &b, b + PDX_MIN(len - b, limit - cp), bulk);
    return cp;
}

/* Picks tokens [*first, *last] of the densest window (see the top comment). */
static void densest(const snip_tok *tok, size_t n, size_t width, size_t *first, size_t *last)
{
    uint32_t counts[MAX_TERM_IDS] = {0};
    size_t distinct = 0, best_d = 0, best_c = 0;
    size_t j = 0; /* tokens [i, j) are in the window */
    *first = *last = 0;
    for (size_t i = 0; i < n; i++) {
        if (j < i)
            j = i;
        while (j < n && (size_t)tok[j].ce - tok[i].cs <= width) {
            if (counts[tok[j].id]++ == 0)
                distinct++;
            j++;
        }
        /* A token wider than the whole window stands alone. */
        size_t d = j > i ? distinct : 1, c = j > i ? j - i : 1;
        if (d > best_d || (d == best_d && c > best_c)) {
            best_d = d;
            best_c = c;
            *first = i;
            *last = j > i ? j - 1 : i;
        }
        if (j > i && --counts[tok[i].id] == 0)
            distinct--;
    }
}

/* End of the run of characters from p[i] (not blank) that a snippet
 * copies as they are and that end by stop: neither blank nor invalid
 * UTF-8, or one space between two characters of the run (a run of blanks
 * becomes one space, so a lone ' ' is itself; taking it in the run makes
 * one append of a stretch of words rather than one a word). */
static size_t plain_run(const uint8_t *p, size_t len, size_t i, size_t stop)
{
    size_t from = i;
    while (i < stop) {
        size_t l;
        if (p[i] >= 0x80)
            l = utf8_len_fast(p + i, len - i);
        else if (p[i] == ' ')
            l = i > from && i + 1 < stop && !is_blank(p[i + 1]);
        else
            l = !is_blank(p[i]);
        if (!l || i + l > stop)
            break;
        i += l;
    }
    return i;
}

static bool all_blank(const uint8_t *p, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (!is_blank(p[i]))
            return false;
    return true;
}

/* Moves a window start at byte b (0 < b) to just after ASCII whitespace:
 * backwards first (more context), else forwards but not past limit. */
static size_t snap_start(const uint8_t *p, size_t b, size_t limit)
{
    for (size_t i = b, n = 0; i > 0 && n < SNAP_BYTES; i--, n++)
        if (is_blank(p[i - 1]))
            return i;
    for (size_t i = b; i < limit && i - b < SNAP_BYTES; i++)
        if (is_blank(p[i]))
            return i + 1;
    return b;
}

/* Moves a window end at byte b (b < len) onto ASCII whitespace: backwards
 * first (not below floor), else forwards. */
static size_t snap_end(const uint8_t *p, size_t len, size_t b, size_t floor)
{
    for (size_t i = b, n = 0;; i--, n++) {
        if (is_blank(p[i]))
            return i;
        if (i <= floor || n >= SNAP_BYTES)
            break;
    }
    for (size_t i = b; i < len && i - b < SNAP_BYTES; i++)
        if (is_blank(p[i]))
            return i;
    return b;
}

/* Is byte b at the start of a line, after its indentation (only blanks
 * between it and the text's start or a '\n')? */
static bool at_line_start(const uint8_t *p, size_t b)
{
    while (b > 0 && (p[b - 1] == ' ' || p[b - 1] == '\t'))
        b--;
    return b == 0 || p[b - 1] == '\n';
}

int pdx_snippet_make(pdx_searcher *s, const pdx_query *q, const char *text, size_t len,
                     size_t width, pdx_snippet *out)
{
    return pdx_snippet_make_scan(s, q, text, len, width, true, out);
}

int pdx_snippet_make_scan(pdx_searcher *s, const pdx_query *q, const char *text, size_t len,
                          size_t width, bool skip, pdx_snippet *out)
{
    if (!s || !out)
        return s ? pdx_searcher_error(s, PDX_EINVAL, "the snippet is NULL") : PDX_EINVAL;
    *out = (pdx_snippet){"", 0, NULL, 0};
    if (!width)
        width = DEFAULT_WIDTH;
    if (!text)
        len = 0;
    else
        len = clamp_len(text, len);
    const uint8_t *p = (const uint8_t *)text;
    size_t n_tok;
    int rc = collect(s, q, 1u << PDX_FIELD_SUMMARY, text, len, skip, &n_tok);
    if (rc)
        return rc;
    snip_tok *tok = toks_of(s);
    size_t at, cp_at = count_cps(p, len, tok, n_tok, skip, &at);

    /* Window in code points, then in bytes. */
    size_t a = 0, b = 0;
    if (n_tok) {
        size_t first, last;
        densest(tok, n_tok, width, &first, &last);
        a = tok[first].cs;
        b = tok[first].ce;
        for (size_t k = first; k <= last; k++)
            b = PDX_MAX(b, (size_t)tok[k].ce);
    }
    /* The window ends by start_cp + width <= a + width, or at b (<= cp_at):
     * the total matters only when it is no longer than a + width (skip
     * false, or a width too large to add: the whole text is counted, the
     * tests' reference). */
    bool reach = skip && width < SIZE_MAX - 1 - a;
    size_t total = count_total(p, len, at, cp_at, reach ? a + width + 1 : SIZE_MAX, skip);
    size_t start_cp = 0, end_cp = total;
    if (total > width) {
        size_t slack = width > b - a ? width - (b - a) : 0;
        size_t lead = n_tok ? slack / 3 : 0;
        start_cp = a > lead ? a - lead : 0;
        end_cp = start_cp + width;
        if (end_cp > total) {
            end_cp = total;
            start_cp = total - width;
        }
        if (end_cp < b)
            end_cp = b;
    }
    size_t sb = byte_at_cp(p, len, tok, n_tok, start_cp);
    size_t eb = byte_at_cp(p, len, tok, n_tok, end_cp);
    size_t ab = n_tok ? byte_at_cp(p, len, tok, n_tok, a) : sb; /* cluster bytes */
    size_t bb = n_tok ? byte_at_cp(p, len, tok, n_tok, b) : sb;
    if (sb > 0)
        sb = snap_start(p, sb, ab);
    if (eb < len)
        eb = snap_end(p, len, eb, bb);
    bool cut_start = sb > 0 && !all_blank(p, 0, sb);
    bool cut_end = eb < len && !all_blank(p, eb, len);

    /* Copy, translating spans. */
    pdx_buf *o = &s->snip;
    pdx_buf_reset(o);
    o->err = 0;
    size_t n_out = 0;
    if (!grow_spans(&s->snip_spans, &s->cap_snip_spans, s->n_spans ? s->n_spans : 1))
        return pdx_searcher_error(s, PDX_ENOMEM, "out of memory making a snippet");
    if (cut_start)
        pdx_buf_append(o, ellipsis, 3);
    size_t content0 = o->len; /* where the window's text starts */
    size_t k = 0;
    while (k < s->n_spans && s->spans[k].end <= sb)
        k++;
    bool open = false, pending_space = false, line_start = at_line_start(p, sb);
    for (size_t i = sb; i < eb;) {
        if (is_blank(p[i])) {
            pending_space = o->len > content0;
            line_start |= p[i] == '\n';
            i++;
            continue;
        }
        /* the summary's bullets, joined into one line, lose their markers */
        if (line_start && (p[i] == '-' || p[i] == '*' || p[i] == '+') && i + 1 < len &&
            (p[i + 1] == ' ' || p[i + 1] == '\t')) {
            i += 2;
            line_start = false;
            pending_space = o->len > content0;
            continue;
        }
        line_start = false;
        if (pending_space) {
            pdx_buf_putc(o, ' ');
            pending_space = false;
        }
        while (!open && k < s->n_spans && s->spans[k].end <= i)
            k++;
        /* Up to the next span edge, the characters copied as they are go
         * in one append; a span opening here, a blank or an invalid byte
         * take the step below, one character. */
        if (open || k == s->n_spans || s->spans[k].start > i) {
            size_t stop = open || k == s->n_spans ? eb : PDX_MIN(eb, s->spans[k].start);
            if (open)
                stop = PDX_MIN(stop, s->spans[k].end);
            size_t j = plain_run(p, len, i, stop);
            if (j > i) {
                pdx_buf_append(o, p + i, j - i);
                i = j;
                if (open && s->spans[k].end <= i) {
                    s->snip_spans[n_out++].end = o->len;
                    open = false;
                    k++;
                }
                continue;
            }
        }
        size_t l = pdx_utf8_len(p + i, len - i);
        if (l && i + l > eb)
            l = 0; /* cannot happen at a boundary; be safe */
        if (!open && k < s->n_spans && s->spans[k].start < i + (l ? l : 1)) {
            open = true;
            s->snip_spans[n_out].start = o->len;
        }
        if (l) {
            pdx_buf_append(o, p + i, l);
            i += l;
        } else {
            pdx_buf_append(o, replacement, 3);
            i++;
        }
        if (open && s->spans[k].end <= i) {
            s->snip_spans[n_out++].end = o->len;
            open = false;
            k++;
        }
    }
    if (open)
        s->snip_spans[n_out++].end = o->len;
    if (cut_end)
        pdx_buf_append(o, ellipsis, 3);
    if (o->err)
        return pdx_searcher_error(s, PDX_ENOMEM, "out of memory making a snippet");
    out->text = o->len ? (const char *)o->data : "";
    out->len = o->len;
    out->spans = s->snip_spans;
    out->n_spans = n_out;
    return PDX_OK;
}
