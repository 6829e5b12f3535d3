/*
 * Query parsing: text -> groups of clauses of term slots, plus filters.
 * Grammar: include/paperdex/search.h. Structures: searcher.h.
 *
 * Words are split on white space first and each is tokenized on its own
 * with the shared tokenizer in query mode, so:
 *  - a word giving several terms ("text-to-video", "강화학습", "GPT-4o")
 *    becomes a phrase clause: its terms must be at the same relative
 *    positions in one field. As the tokenizer also indexes the bigram that
 *    spans a single space between Hangul runs, "강화학습" finds "강화 학습";
 *  - separate words ("강화 학습") are separate clauses, so they also find
 *    "강화학습" (both bigrams occur there);
 *  - a trailing Korean particle is dropped ("학습을" looks up 학습).
 * Quoted phrases are tokenized in index mode: their particles are part of
 * the phrase and must be matched as written.
 * Terms are resolved to dictionary ordinals here, once; a term missing from
 * the index marks its clause as unable to match.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "searcher.h"

typedef struct qtok {
    uint32_t off;  /* into the term bytes buffer */
    uint32_t len;
    uint32_t pos;
    pdx_token_kind kind;
} qtok;

typedef struct parse_ctx {
    pdx_searcher *s;
    pdx_query *q;
    uint32_t n_words; /* clauses built so far */
    uint32_t n_ords;  /* dictionary terms looked up so far */
    qtok *toks;
    size_t n_toks, cap_toks;
    pdx_buf terms;
} parse_ctx;

static int collect_token(const pdx_token *t, void *payload)
{
    parse_ctx *c = payload;
    if (c->n_toks == c->cap_toks) {
        size_t nc = c->cap_toks ? c->cap_toks * 2 : 16;
        qtok *nt = realloc(c->toks, nc * sizeof *nt);
        if (!nt)
            return PDX_ENOMEM;
        c->toks = nt;
        c->cap_toks = nc;
    }
    c->toks[c->n_toks++] =
        (qtok){(uint32_t)c->terms.len, (uint32_t)t->term_len, t->pos, t->kind};
    pdx_buf_append(&c->terms, t->term, t->term_len);
    return c->terms.err;
}

void pdx_query_free(pdx_query *q)
{
    if (!q)
        return;
    for (uint32_t g = 0; g < q->n_groups; g++) {
        pdx_group *gr = &q->groups[g];
        for (uint32_t c = 0; c < gr->n_clauses; c++) {
            pdx_clause *cl = &gr->clauses[c];
            for (uint32_t i = 0; i < cl->n_slots; i++) {
                free(cl->slots[i].ords);
                free(cl->slots[i].text);
            }
            free(cl->slots);
        }
        free(gr->clauses);
    }
    free(q->groups);
    free(q->id);
    free(q);
}

/* ---- filters ---- */

static bool parse_uint(const char *s, size_t n, int64_t max, int64_t *out)
{
    if (n == 0 || n > 18)
        return false;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    if (v > max)
        return false;
    *out = v;
    return true;
}

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

/* One date bound: YYYY, YYYY-MM or YYYY-MM-DD, as the first (lo) or last
 * (hi) day it covers. */
static bool parse_date_bound(const char *s, size_t n, bool hi, int32_t *out)
{
    int64_t y, m = hi ? 12 : 1, d = 1;
    if (n != 4 && n != 7 && n != 10)
        return false;
    if (!parse_uint(s, 4, 9999, &y) || y < 1000)
        return false;
    if (n >= 7 && (s[4] != '-' || !parse_uint(s + 5, 2, 12, &m) || m < 1))
        return false;
    int dim = days_in_month((int)y, (int)m);
    d = hi ? dim : 1;
    if (n == 10 && (s[7] != '-' || !parse_uint(s + 8, 2, dim, &d) || d < 1))
        return false;
    *out = (int32_t)(y * 10000 + m * 100 + d);
    return true;
}

static int parse_date_filter(pdx_searcher *s, pdx_query *q, const char *v, size_t n)
{
    const char *dots = NULL;
    for (size_t i = 0; i + 1 < n; i++)
        if (v[i] == '.' && v[i + 1] == '.') {
            dots = v + i;
            break;
        }
    int32_t lo = 0, hi = INT32_MAX;
    bool ok;
    if (dots) {
        size_t ln = (size_t)(dots - v), rn = n - ln - 2;
        ok = (ln == 0 || parse_date_bound(v, ln, false, &lo)) &&
             (rn == 0 || parse_date_bound(dots + 2, rn, true, &hi)) && (ln || rn);
    } else {
        ok = parse_date_bound(v, n, false, &lo) && parse_date_bound(v, n, true, &hi);
    }
    if (!ok)
        return pdx_searcher_error(s, PDX_EINVAL,
                                  "malformed date '%.*s': use 2024, 2024-06, 2024-06-01 or "
                                  "a range such as 2024-06-01..2024-08-31",
                                  (int)PDX_MIN(n, 64), v);
    q->date_lo = PDX_MAX(q->date_lo, lo);
    q->date_hi = PDX_MIN(q->date_hi, hi);
    return PDX_OK;
}

static int parse_votes_filter(pdx_searcher *s, pdx_query *q, const char *v, size_t n)
{
    int64_t lo = 0, hi = INT64_MAX, x;
    const int64_t max = 1000000000;
    bool ok = false;
    const char *dots = NULL;
    for (size_t i = 0; i + 1 < n; i++)
        if (v[i] == '.' && v[i + 1] == '.') {
            dots = v + i;
            break;
        }
    if (dots) {
        size_t ln = (size_t)(dots - v), rn = n - ln - 2;
        ok = (ln || rn) && (ln == 0 || parse_uint(v, ln, max, &lo)) &&
             (rn == 0 || parse_uint(dots + 2, rn, max, &hi));
    } else if (n >= 2 && v[0] == '>' && v[1] == '=') {
        ok = parse_uint(v + 2, n - 2, max, &lo);
    } else if (n >= 2 && v[0] == '<' && v[1] == '=') {
        ok = parse_uint(v + 2, n - 2, max, &hi);
    } else if (n >= 1 && v[0] == '>') {
        ok = parse_uint(v + 1, n - 1, max, &x);
        lo = x + 1;
    } else if (n >= 1 && v[0] == '<') {
        ok = parse_uint(v + 1, n - 1, max, &x);
        hi = x - 1; /* votes:<0 is an empty range, not an error */
    } else {
        ok = parse_uint(v, n, max, &lo);
        hi = lo;
    }
    if (!ok)
        return pdx_searcher_error(s, PDX_EINVAL,
                                  "malformed vote filter '%.*s': use votes:50, votes:>=50, "
                                  "votes:<10 or votes:10..100",
                                  (int)PDX_MIN(n, 64), v);
    q->has_votes_filter = true;
    q->votes_lo = PDX_MAX(q->votes_lo, lo);
    q->votes_hi = PDX_MIN(q->votes_hi, hi);
    return PDX_OK;
}

/* ---- clauses ---- */

static int cmp_df_desc(const void *a, const void *b)
{
    const uint64_t *x = a, *y = b; /* (df << 32 | ord) */
    return *x < *y ? 1 : *x > *y ? -1 : 0;
}

/* Fills a slot with the ordinals of the terms starting with prefix, the
 * most frequent first when there are more than the bound. */
static int expand_prefix(parse_ctx *c, pdx_slot *slot, const char *p, size_t n)
{
    pdx_index *ix = c->s->ix;
    uint32_t first, end;
    int rc = pdx_term_prefix(ix, p, n, &first, &end);
    if (rc)
        return pdx_searcher_error(c->s, rc, "%s", pdx_index_errmsg(ix));
    uint32_t count = end - first, keep = PDX_MIN(count, PDX_DEFAULT_MAX_EXPANSIONS);
    slot->ords = malloc((size_t)(keep ? keep : 1) * sizeof *slot->ords);
    if (!slot->ords)
        return PDX_ENOMEM;
    if (count <= keep) {
        for (uint32_t i = 0; i < count; i++)
            slot->ords[i] = first + i;
    } else {
        uint64_t *tmp = malloc((size_t)count * sizeof *tmp);
        if (!tmp)
            return PDX_ENOMEM;
        for (uint32_t i = 0; i < count; i++) {
            pdx_term t;
            pdx_list_header h;
            uint64_t df = 0;
            if ((rc = pdx_term_get(ix, first + i, &t))) {
                free(tmp);
                return pdx_searcher_error(c->s, rc, "%s", pdx_index_errmsg(ix));
            }
            for (unsigned f = 0; f < PDX_NFIELDS; f++)
                if (pdx_term_list(ix, &t, f, &h) == PDX_OK)
                    df += h.df;
            tmp[i] = (PDX_MIN(df, UINT32_MAX) << 32) | (first + i);
        }
        qsort(tmp, count, sizeof *tmp, cmp_df_desc);
        for (uint32_t i = 0; i < keep; i++)
            slot->ords[i] = (uint32_t)tmp[i];
        free(tmp);
        snprintf(c->q->notice, sizeof c->q->notice,
                 "'%.*s*' matches %u terms; searching the %u most frequent", (int)PDX_MIN(n, 64),
                 p, count, keep);
    }
    slot->n_ords = keep;
    return PDX_OK;
}

/* Length of the first UTF-8 character of s[0..n). */
static size_t first_char_len(const char *s, size_t n)
{
    size_t k = 1;
    while (k < n && ((unsigned char)s[k] & 0xc0) == 0x80)
        k++;
    return k;
}

/* Adds the ordinal of term to the slot when the index has it. */
static int slot_add_term(parse_ctx *c, pdx_slot *sl, const char *term, size_t len)
{
    uint32_t ord;
    int rc = pdx_term_find(c->s->ix, term, len, &ord);
    if (rc == PDX_ENOTFOUND)
        return PDX_OK;
    if (rc != PDX_OK)
        return pdx_searcher_error(c->s, rc, "%s", pdx_index_errmsg(c->s->ix));
    uint32_t *n = realloc(sl->ords, (sl->n_ords + 1) * sizeof *n);
    if (!n)
        return PDX_ENOMEM;
    n[sl->n_ords++] = ord;
    sl->ords = n;
    return PDX_OK;
}

/* Fills a slot of a Korean compound: the bigram as written and its bridge
 * form, so that a compound finds itself spelled with or without a space at
 * that point. The slot's text is the bigram without the space. */
static int slot_bigram(parse_ctx *c, pdx_slot *sl)
{
    size_t len = sl->text_len;
    if (memchr(sl->text, ' ', len)) { /* a bridge of a quoted phrase */
        char *sp = memchr(sl->text, ' ', len);
        memmove(sp, sp + 1, (size_t)(sl->text + len - sp - 1));
        sl->text_len = --len;
        sl->text[len] = 0;
    }
    char bridge[PDX_MAX_TERM_BYTES + 2];
    size_t k = first_char_len(sl->text, len);
    memcpy(bridge, sl->text, k);
    bridge[k] = ' ';
    memcpy(bridge + k + 1, sl->text + k, len - k);
    sl->bridge = true;
    int rc = slot_add_term(c, sl, sl->text, len);
    return rc ? rc : slot_add_term(c, sl, bridge, len + 1);
}

/* Is token i a bigram that may be spelled across a space in the text? Only
 * inside a compound or phrase: a lone two-character word must match a word,
 * never the end of one word and the start of the next. */
static bool is_compound_bigram(const parse_ctx *c, size_t i)
{
    if (c->n_toks < 2)
        return false;
    if (c->toks[i].kind == PDX_TOKEN_BRIDGE)
        return true;
    const char *t = (const char *)c->terms.data + c->toks[i].off;
    size_t len = c->toks[i].len;
    return c->toks[i].kind == PDX_TOKEN_CJK && len > first_char_len(t, len);
}

/* Builds a clause from the tokens collected in c (relative positions
 * kept), restricted to `fields`; the last token is a prefix if asked. */
static int build_clause(parse_ctx *c, pdx_clause *cl, uint8_t fields, bool last_prefix)
{
    memset(cl, 0, sizeof *cl);
    cl->fields = fields;
    cl->weight = 1;
    if (++c->n_words > PDX_MAX_QUERY_WORDS)
        return pdx_searcher_error(c->s, PDX_EINVAL,
                                  "query too long: more than %d words and phrases",
                                  PDX_MAX_QUERY_WORDS);
    if (c->n_toks > PDX_MAX_PHRASE_TERMS)
        return pdx_searcher_error(c->s, PDX_EINVAL,
                                  "a word or phrase of the query gives %zu terms (at most %d)",
                                  c->n_toks, PDX_MAX_PHRASE_TERMS);
    uint32_t base = c->toks[0].pos;
    uint32_t span = c->toks[c->n_toks - 1].pos - base + 1;
    /* One slot per position; a position without a query token stays a
     * wildcard (n_ords 0, not missing). Query tokens have consecutive
     * positions, so in practice there are none. */
    cl->slots = calloc(span, sizeof *cl->slots);
    if (!cl->slots)
        return PDX_ENOMEM;
    cl->n_slots = span;
    for (size_t i = 0; i < c->n_toks; i++) {
        pdx_slot *sl = &cl->slots[c->toks[i].pos - base];
        if (sl->text)
            continue;
        const char *term = (const char *)c->terms.data + c->toks[i].off;
        size_t len = c->toks[i].len;
        sl->text = malloc(len + 1);
        if (!sl->text)
            return PDX_ENOMEM;
        memcpy(sl->text, term, len);
        sl->text[len] = 0;
        sl->text_len = len;
        int rc;
        if (last_prefix && i + 1 == c->n_toks) {
            sl->prefix = true;
            rc = expand_prefix(c, sl, term, len);
        } else if (is_compound_bigram(c, i)) {
            rc = slot_bigram(c, sl);
        } else {
            rc = slot_add_term(c, sl, term, len);
        }
        if (rc)
            return rc;
        if (sl->n_ords == 0)
            cl->missing = true;
        c->n_ords += sl->n_ords;
        if (c->n_ords > PDX_MAX_QUERY_TERMS)
            return pdx_searcher_error(c->s, PDX_EINVAL,
                                      "query too broad: its words and prefixes stand for more "
                                      "than %d terms",
                                      PDX_MAX_QUERY_TERMS);
    }
    return PDX_OK;
}

static int add_group(pdx_query *q, bool negated, pdx_clause *cl)
{
    pdx_group *ng = realloc(q->groups, (q->n_groups + 1) * sizeof *ng);
    if (!ng)
        return PDX_ENOMEM;
    q->groups = ng;
    pdx_group *g = &q->groups[q->n_groups++];
    g->clauses = malloc(sizeof *g->clauses);
    if (!g->clauses) {
        q->n_groups--;
        return PDX_ENOMEM;
    }
    g->clauses[0] = *cl;
    g->n_clauses = 1;
    g->negated = negated;
    return PDX_OK;
}

static int add_to_group(pdx_group *g, pdx_clause *cl)
{
    pdx_clause *nc = realloc(g->clauses, (g->n_clauses + 1) * sizeof *nc);
    if (!nc)
        return PDX_ENOMEM;
    g->clauses = nc;
    g->clauses[g->n_clauses++] = *cl;
    return PDX_OK;
}

static void clause_free(pdx_clause *cl)
{
    for (uint32_t i = 0; i < cl->n_slots; i++) {
        free(cl->slots[i].ords);
        free(cl->slots[i].text);
    }
    free(cl->slots);
}

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

/* Field names and what they select. */
static int field_of(const char *name, size_t n, uint8_t *mask)
{
    static const struct {
        const char *name;
        uint8_t mask;
    } f[] = {{"title", 1u << PDX_FIELD_TITLE},    {"author", 1u << PDX_FIELD_AUTHORS},
             {"authors", 1u << PDX_FIELD_AUTHORS}, {"summary", 1u << PDX_FIELD_SUMMARY}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (strlen(f[i].name) == n && memcmp(f[i].name, name, n) == 0) {
            *mask = f[i].mask;
            return 1;
        }
    return 0;
}

static bool name_is(const char *name, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(name, lit, n) == 0;
}

/* Adds to the last group the noun of a derived Korean form ("효율화" ->
 * 효율, which also finds 효율적 and 효율성) as an alternative clause weighing
 * PDX_DERIVED_WEIGHT, when the word has such an ending. */
static int add_derived(parse_ctx *c, const char *w, size_t wn, uint8_t fields, size_t query_toks)
{
    c->n_toks = 0;
    pdx_buf_reset(&c->terms);
    int rc = pdx_tokenize(c->s->tk, PDX_TOKENIZE_QUERY | PDX_TOKENIZE_DERIVED, w, wn, 0, NULL,
                          collect_token, c);
    if (rc || c->n_toks == 0 || c->n_toks >= query_toks)
        return rc;
    pdx_clause cl;
    rc = build_clause(c, &cl, fields, false);
    if (!rc && !cl.missing) {
        cl.weight = PDX_DERIVED_WEIGHT;
        cl.alternative = true;
        rc = add_to_group(&c->q->groups[c->q->n_groups - 1], &cl);
        if (!rc)
            return PDX_OK;
    }
    clause_free(&cl);
    return rc;
}

int pdx_query_parse(pdx_query **out, pdx_searcher *s, const char *text, size_t len)
{
    *out = NULL;
    s->errmsg[0] = 0;
    if (len > PDX_MAX_QUERY_BYTES)
        return pdx_searcher_error(s, PDX_EINVAL, "query too long: %zu bytes (at most %d)", len,
                                  PDX_MAX_QUERY_BYTES);
    pdx_query *q = calloc(1, sizeof *q);
    if (!q)
        return PDX_ENOMEM;
    q->date_hi = INT32_MAX;
    q->votes_hi = INT64_MAX;
    parse_ctx c = {.s = s, .q = q};
    int rc = PDX_OK;
    size_t i = 0;
    bool pending_or = false; /* the previous item was "OR" */
    bool last_was_clause = false;
    bool any_filter = false;
    while (i < len && !rc) {
        while (i < len && is_space(text[i]))
            i++;
        if (i >= len)
            break;
        size_t start = i;
        bool negated = false;
        if (text[i] == '-' && i + 1 < len && !is_space(text[i + 1])) {
            negated = true;
            i++;
        }
        /* field: or filter: prefix */
        uint8_t fields = PDX_FIELDS_ALL;
        size_t name_start = i;
        while (i < len && (isalpha((unsigned char)text[i])))
            i++;
        const char *name = text + name_start;
        size_t name_len = i - name_start;
        bool has_field = false;
        if (name_len && i < len && text[i] == ':' && i + 1 < len && !is_space(text[i + 1])) {
            i++; /* past ':' */
            if (field_of(name, name_len, &fields)) {
                has_field = true;
            } else if (name_is(name, name_len, "date") || name_is(name, name_len, "votes") ||
                       name_is(name, name_len, "vote") || name_is(name, name_len, "id")) {
                size_t vs = i;
                while (i < len && !is_space(text[i]))
                    i++;
                if (negated) {
                    rc = pdx_searcher_error(s, PDX_EINVAL, "a filter cannot be negated: '%.*s'",
                                            (int)PDX_MIN(i - start, 64), text + start);
                } else if (name_is(name, name_len, "date")) {
                    rc = parse_date_filter(s, q, text + vs, i - vs);
                } else if (name_is(name, name_len, "id")) {
                    if (q->id && (q->id_len != i - vs || memcmp(q->id, text + vs, i - vs)))
                        q->date_lo = INT32_MAX; /* two different ids: nothing matches */
                    free(q->id);
                    q->id = malloc(i - vs + 1);
                    if (!q->id) {
                        rc = PDX_ENOMEM;
                    } else {
                        memcpy(q->id, text + vs, i - vs);
                        q->id[i - vs] = 0;
                        q->id_len = i - vs;
                    }
                } else {
                    rc = parse_votes_filter(s, q, text + vs, i - vs);
                }
                any_filter = true;
                last_was_clause = false;
                pending_or = false;
                continue;
            } else {
                rc = pdx_searcher_error(s, PDX_EINVAL,
                                        "unknown field '%.*s:' (fields: title, author, "
                                        "summary; filters: date, votes, id)",
                                        (int)PDX_MIN(name_len, 64), name);
                continue;
            }
        } else {
            i = name_start; /* not a field: the word starts here */
        }

        /* A quoted phrase or a word. */
        const char *w;
        size_t wn;
        bool quoted = false, prefix = false;
        if (i < len && text[i] == '"') {
            quoted = true;
            size_t qs = ++i;
            while (i < len && text[i] != '"')
                i++;
            w = text + qs;
            wn = i - qs;
            if (i < len)
                i++; /* closing quote; an unbalanced one runs to the end */
        } else {
            size_t ws = i;
            while (i < len && !is_space(text[i]))
                i++;
            w = text + ws;
            wn = i - ws;
            if (!negated && !has_field && wn == 2 && memcmp(w, "OR", 2) == 0) {
                pending_or = last_was_clause;
                continue;
            }
            if (wn > 1 && w[wn - 1] == '*') {
                prefix = true;
                wn--;
            }
        }
        c.n_toks = 0;
        pdx_buf_reset(&c.terms);
        int trc = pdx_tokenize(s->tk, quoted ? PDX_TOKENIZE_DEFAULT : PDX_TOKENIZE_QUERY, w, wn,
                               0, NULL, collect_token, &c);
        if (trc) {
            rc = trc == PDX_ENOMEM ? PDX_ENOMEM : trc;
            break;
        }
        if (c.n_toks == 0) { /* punctuation, emoji, a bare '-' or '*' */
            pending_or = false;
            continue;
        }
        size_t query_toks = c.n_toks;
        pdx_clause cl;
        rc = build_clause(&c, &cl, fields, prefix);
        if (rc) {
            clause_free(&cl);
            break;
        }
        if (pending_or && !negated && q->n_groups && !q->groups[q->n_groups - 1].negated)
            rc = add_to_group(&q->groups[q->n_groups - 1], &cl);
        else
            rc = add_group(q, negated, &cl);
        if (rc) {
            clause_free(&cl);
            break;
        }
        last_was_clause = !negated;
        pending_or = false;
        if (quoted || negated || prefix)
            continue;
        /* The noun of a derived form, as a lighter alternative. */
        if ((rc = add_derived(&c, w, wn, fields, query_toks)))
            break;
        /* The word as written, if the query mode dropped a particle. */
        c.n_toks = 0;
        pdx_buf_reset(&c.terms);
        trc = pdx_tokenize(s->tk, PDX_TOKENIZE_DEFAULT, w, wn, 0, NULL, collect_token, &c);
        if (trc) {
            rc = trc;
            break;
        }
        if (c.n_toks <= query_toks)
            continue;
        rc = build_clause(&c, &cl, fields, false);
        if (!rc && !cl.missing) {
            cl.optional = true;
            rc = add_to_group(&q->groups[q->n_groups - 1], &cl);
            if (!rc)
                continue;
        }
        clause_free(&cl);
    }
    free(c.toks);
    pdx_buf_free(&c.terms);
    if (!rc) {
        bool positive = false;
        for (uint32_t g = 0; g < q->n_groups; g++)
            positive |= !q->groups[g].negated;
        if (!positive && !any_filter)
            rc = pdx_searcher_error(s, PDX_EINVAL,
                                    q->n_groups ? "a query needs at least one word that is not "
                                                  "excluded, or a filter"
                                                : "nothing to search for: the query has no "
                                                  "words or filters");
    }
    if (rc) {
        if (rc == PDX_ENOMEM && !s->errmsg[0])
            pdx_searcher_error(s, rc, "out of memory parsing the query");
        pdx_query_free(q);
        return rc;
    }
    *out = q;
    return PDX_OK;
}

bool pdx_slot_accepts(const pdx_slot *sl, const char *term, size_t len)
{
    if (!sl->text)
        return false;
    if (sl->prefix)
        return len >= sl->text_len && memcmp(term, sl->text, sl->text_len) == 0;
    if (len == sl->text_len)
        return memcmp(term, sl->text, len) == 0;
    if (!sl->bridge || len != sl->text_len + 1)
        return false;
    size_t k = first_char_len(sl->text, sl->text_len);
    return term[k] == ' ' && memcmp(term, sl->text, k) == 0 &&
           memcmp(term + k + 1, sl->text + k, sl->text_len - k) == 0;
}

bool pdx_query_highlights(const pdx_query *q, const char *term, size_t len)
{
    for (uint32_t g = 0; g < q->n_groups; g++) {
        const pdx_group *gr = &q->groups[g];
        if (gr->negated)
            continue;
        for (uint32_t c = 0; c < gr->n_clauses; c++) {
            const pdx_clause *cl = &gr->clauses[c];
            for (uint32_t i = 0; i < cl->n_slots; i++)
                if (pdx_slot_accepts(&cl->slots[i], term, len))
                    return true;
        }
    }
    return false;
}
