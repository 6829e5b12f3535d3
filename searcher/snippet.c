/*
 * Highlights and snippets: where a query's terms occur in a stored text,
 * and a short window of that text around its densest cluster of matches.
 *
 * Both run the one tokenizer (PDX_TOKENIZE_DEFAULT, as the indexer does)
 * over the text and keep the tokens whose term pdx_query_highlights()
 * accepts, so a highlight covers exactly the bytes that produced an indexed
 * term the query looks up: "models" for the query "model", and for
 * "강화학습" the three bigrams 강화, 화학, 학습, whose overlapping ranges are
 * merged into one span.
 *
 * Snippet, step by step:
 *  1. Collect the highlighted tokens (byte range, code point range, a small
 *     id per distinct term) in s->marks and the merged spans in s->spans.
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

/* A highlighted token, stored in s->marks (a uint32_t array, five per
 * token). Offsets are 32-bit: snippet_make only looks at the first
 * UINT32_MAX bytes of a text. */
typedef struct snip_tok {
    uint32_t bs, be; /* byte range in the text */
    uint32_t cs, ce; /* code point range in the text */
    uint32_t id;     /* distinct-term id, < MAX_TERM_IDS */
} snip_tok;

#define TOK_WORDS (sizeof(snip_tok) / sizeof(uint32_t))

typedef struct hl_state {
    pdx_searcher *s;
    const pdx_query *q;
    bool want_tokens;          /* also fill s->marks (for snippets) */
    size_t n_tok;              /* tokens in s->marks */
    bool spans_unsorted;       /* a span started before the previous one */
    bool toks_unsorted;
    uint64_t ids[MAX_TERM_IDS]; /* term hash of each id */
    uint32_t n_ids;
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
    size_t nc = cap ? cap * 2 : 32;
    while (nc < need)
        nc *= 2;
    uint32_t *nv = realloc(s->marks, nc * sizeof(snip_tok));
    if (!nv)
        return false;
    s->marks = nv;
    s->cap_marks = nc * TOK_WORDS;
    return true;
}

static uint32_t term_id(hl_state *st, const char *term, size_t len)
{
    uint64_t h = pdx_hash(term, len);
    for (uint32_t i = 0; i < st->n_ids; i++)
        if (st->ids[i] == h)
            return i;
    if (st->n_ids == MAX_TERM_IDS)
        return MAX_TERM_IDS - 1;
    st->ids[st->n_ids] = h;
    return st->n_ids++;
}

static int on_token(const pdx_token *t, void *payload)
{
    hl_state *st = payload;
    pdx_searcher *s = st->s;
    if (t->end <= t->start || !pdx_query_highlights(st->q, t->term, t->term_len))
        return 0;
    if (!grow_spans(&s->spans, &s->cap_spans, s->n_spans + 1))
        return PDX_ENOMEM;
    if (s->n_spans && t->start < s->spans[s->n_spans - 1].start)
        st->spans_unsorted = true;
    s->spans[s->n_spans++] = (pdx_span){t->start, t->end};
    if (st->want_tokens) {
        if (!grow_toks(s, st->n_tok + 1))
            return PDX_ENOMEM;
        snip_tok *v = toks_of(s);
        if (st->n_tok && t->start < v[st->n_tok - 1].bs)
            st->toks_unsorted = true;
        v[st->n_tok++] = (snip_tok){(uint32_t)t->start, (uint32_t)t->end, 0, 0,
                                    term_id(st, t->term, t->term_len)};
    }
    return 0;
}

static int cmp_span(const void *a, const void *b)
{
    const pdx_span *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->end > y->end) - (x->end < y->end);
}

static int cmp_tok(const void *a, const void *b)
{
    const snip_tok *x = a, *y = b;
    if (x->bs != y->bs)
        return x->bs < y->bs ? -1 : 1;
    return (x->be > y->be) - (x->be < y->be);
}

/* Tokenizes text, filling s->spans (sorted, merged) and, when asked, the
 * token list in s->marks (sorted by start). */
static int collect(pdx_searcher *s, const pdx_query *q, const char *text, size_t len,
                   bool want_tokens, size_t *n_tok)
{
    s->n_spans = 0;
    if (n_tok)
        *n_tok = 0;
    if (!q || !text || !len)
        return PDX_OK;
    hl_state st = {.s = s, .q = q, .want_tokens = want_tokens};
    int rc = pdx_tokenize(s->tk, PDX_TOKENIZE_DEFAULT, text, len, 0, NULL, on_token, &st);
    if (rc) {
        s->n_spans = 0;
        return rc == PDX_ENOMEM ? pdx_searcher_error(s, rc, "out of memory highlighting")
                                : rc;
    }
    if (st.spans_unsorted)
        qsort(s->spans, s->n_spans, sizeof *s->spans, cmp_span);
    if (want_tokens && st.toks_unsorted)
        qsort(s->marks, st.n_tok, sizeof(snip_tok), cmp_tok);
    /* Merge overlapping and touching spans in place. */
    size_t w = 0;
    for (size_t i = 0; i < s->n_spans; i++) {
        if (w && s->spans[i].start <= s->spans[w - 1].end) {
            if (s->spans[i].end > s->spans[w - 1].end)
                s->spans[w - 1].end = s->spans[i].end;
        } else {
            s->spans[w++] = s->spans[i];
        }
    }
    s->n_spans = w;
    if (n_tok)
        *n_tok = st.n_tok;
    return PDX_OK;
}

int pdx_highlight(pdx_searcher *s, const pdx_query *q, const char *text, size_t len,
                  const pdx_span **spans, size_t *n_spans)
{
    int rc = collect(s, q, text, len, false, NULL);
    *spans = s->spans;
    *n_spans = rc ? 0 : s->n_spans;
    return rc;
}

/* ---- snippets ---- */

/* Bytes of the character at p[0..n): 1 for an invalid byte. */
static size_t char_len(const uint8_t *p, size_t n)
{
    if (p[0] < 0x80)
        return 1;
    size_t l = pdx_utf8_decode(p, n, NULL);
    return l ? l : 1;
}

/* Shown as (part of) one space: ASCII whitespace and control characters. */
static bool is_blank(uint8_t c)
{
    return c <= 0x20 || c == 0x7f;
}

/* Byte offset of code point cp (counting from 0), or len past the end. */
static size_t cp_to_byte(const uint8_t *p, size_t len, size_t cp)
{
    size_t b = 0;
    for (size_t i = 0; i < cp && b < len; i++)
        b += char_len(p + b, len - b);
    return b;
}

/* Fills cs/ce of the tokens (sorted by bs) in one pass over the text and
 * returns the text's length in code points. */
static size_t count_cps(const uint8_t *p, size_t len, snip_tok *tok, size_t n_tok)
{
    size_t b = 0, cp = 0, k = 0;
    while (b < len) {
        while (k < n_tok && tok[k].bs <= b) {
            tok[k].cs = (uint32_t)cp;
            size_t e = tok[k].bs, c = 0;
            while (e < tok[k].be && e < len) {
                e += char_len(p + e, len - e);
                c++;
            }
            tok[k].ce = (uint32_t)(cp + c);
            k++;
        }
        b += char_len(p + b, len - b);
        cp++;
    }
    for (; k < n_tok; k++)
        tok[k].cs = tok[k].ce = (uint32_t)cp;
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

int pdx_snippet_make(pdx_searcher *s, const pdx_query *q, const char *text, size_t len,
                     size_t width, pdx_snippet *out)
{
    *out = (pdx_snippet){"", 0, NULL, 0};
    if (!width)
        width = DEFAULT_WIDTH;
    if (!text)
        len = 0;
    const uint8_t *p = (const uint8_t *)text;
    if (len > UINT32_MAX) {
        len = UINT32_MAX;
        while (len > 0 && (p[len] & 0xc0) == 0x80)
            len--;
    }
    size_t n_tok;
    int rc = collect(s, q, text, len, true, &n_tok);
    if (rc)
        return rc;
    snip_tok *tok = toks_of(s);
    size_t total = count_cps(p, len, tok, n_tok);

    /* Window in code points, then in bytes. */
    size_t start_cp = 0, end_cp = total, a = 0, b = 0;
    if (n_tok) {
        size_t first, last;
        densest(tok, n_tok, width, &first, &last);
        a = tok[first].cs;
        b = tok[first].ce;
        for (size_t k = first; k <= last; k++)
            b = PDX_MAX(b, (size_t)tok[k].ce);
    }
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
    size_t sb = cp_to_byte(p, len, start_cp);
    size_t eb = sb + cp_to_byte(p + sb, len - sb, end_cp - start_cp);
    size_t ab = n_tok ? cp_to_byte(p, len, a) : sb; /* cluster bytes */
    size_t bb = n_tok ? ab + cp_to_byte(p + ab, len - ab, b - a) : sb;
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
    bool open = false, pending_space = false;
    for (size_t i = sb; i < eb;) {
        if (is_blank(p[i])) {
            pending_space = o->len > content0;
            i++;
            continue;
        }
        if (pending_space) {
            pdx_buf_putc(o, ' ');
            pending_space = false;
        }
        size_t l = p[i] < 0x80 ? 1 : pdx_utf8_decode(p + i, len - i, NULL);
        if (l && i + l > eb)
            l = 0; /* cannot happen at a boundary; be safe */
        while (!open && k < s->n_spans && s->spans[k].end <= i)
            k++;
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
