/*
 * Query expansion through the index's Korean<->English lexicon (issue 10).
 *
 * The digests say the same idea in two languages all the time, and state
 * the equivalence in parentheses: "강화 학습(Reinforcement Learning)". The
 * indexer mines those pairs into the LEXICON section (common/lexicon.c).
 * Here a parsed query's words are looked up there and each equivalent is
 * added to the word's group as an alternative clause: a paper that says
 * only "reinforcement learning" then matches "강화학습", scored at
 * PDX_LEXICON_WEIGHT of what the words as written would give, so papers
 * with the words as typed still rank first.
 *
 * Which words: positive groups that stand for one plain word or phrase
 * (its clause, plus the optional and alternative clauses the parser adds),
 * not restricted to authors, without a prefix. Consecutive such groups are
 * looked up as a span, longest first (up to PDX_LEXICON_MAX_SPAN words:
 * "diffusion model" before "diffusion"), with the key built as the lexicon
 * builds its own: the words' terms in order, and between two Korean words
 * the bigram that spans them ("확산 모델" keys as 확산 산모 모델, like
 * "확산모델"). A span's equivalents go into each of its groups, so a paper
 * with the equivalent phrase satisfies them all; the weight is split among
 * them so that it is not counted once per word.
 *
 * Equivalents: the pairs of the key, most supported first, then (one more
 * hop) the other spellings of the key's language that those pairs lead to
 * (LLM -> 대형 언어 모델 -> large language model), at most
 * PDX_LEXICON_MAX_ALTS per span, without repeats.
 */
#include "searcher.h"

/* Is a document frequency past the expansion bounds
 * (PDX_LEXICON_MAX_DF_SHARE of the papers, or PDX_LEXICON_MAX_DF)? The
 * answer grows with df: a set of bounds is past them only when its least
 * one is, which lets the callers below stop at the first one that is not. */
static bool df_too_common(const pdx_index *ix, uint64_t df)
{
    return (double)df > PDX_LEXICON_MAX_DF_SHARE * pdx_search_n_live(ix) ||
           df > PDX_LEXICON_MAX_DF;
}

/* Is clause c too common to expand, or to be added as an equivalent? A
 * phrase matches no more papers than its rarest slot (a slot's papers
 * summed over its terms), so it is not as soon as one slot is under the
 * bounds, and the other slots' list headers are not read: each is a cache
 * miss, and often a TLB miss, in a parse that runs cold. Papers are
 * counted in the term's largest field list (pdx_search_term_papers()):
 * summed over the fields, a word in the title and the summary of 12% of
 * the papers counted as 24% and was never expanded. And whatever fields
 * the query allows: how common a word is does not depend on where the
 * query looks for it, so "summary:word" is expanded exactly when "word"
 * is, and a field restriction never widens a query's matches. */
static bool too_common(pdx_searcher *s, const pdx_clause *c)
{
    for (uint32_t i = 0; i < c->n_slots; i++) {
        uint64_t df = 0, one;
        for (uint32_t o = 0; o < c->slots[i].n_ords; o++)
            if (pdx_search_term_papers(s, c->slots[i].ords[o], &one) == PDX_OK)
                df += one;
        if (!df_too_common(s->ix, df))
            return false;
    }
    return c->n_slots > 0;
}

/* The clause of group g that holds its words in the lexicon's form: the
 * first, or the folded singular of an acronym plural typed ("LLMs": llm). */
static const pdx_clause *lexicon_clause(const pdx_group *g)
{
    for (uint32_t i = 1; i < g->n_clauses; i++)
        if (g->clauses[i].folded)
            return &g->clauses[i];
    return &g->clauses[0];
}

/* A group that stands for one word or phrase the lexicon may know. */
static bool expandable(const pdx_group *g)
{
    if (g->negated || g->filters_only || g->n_clauses == 0)
        return false;
    const pdx_clause *c = lexicon_clause(g);
    if (c->kind != PDX_CLAUSE_TERMS || c->whole_author || c->optional || c->n_slots == 0 ||
        !(c->fields & ((1u << PDX_FIELD_TITLE) | (1u << PDX_FIELD_SUMMARY))))
        return false;
    for (uint32_t i = 0; i < c->n_slots; i++)
        if (!c->slots[i].text || c->slots[i].prefix)
            return false;
    for (uint32_t i = 1; i < g->n_clauses; i++)
        if (!g->clauses[i].optional && !g->clauses[i].alternative)
            return false; /* an OR of several words */
    return true;
}

static bool is_korean(const char *t)
{
    return (unsigned char)t[0] >= 0x80;
}

/* Appends group g's words to key (lexicon form), with the bigram spanning
 * the previous Korean word when there is one. Returns false when the span
 * mixes scripts (no pair of the lexicon does). */
static bool key_add_group(pdx_buf *key, const pdx_group *g, const char **last, size_t *last_len,
                          int *side)
{
    const pdx_clause *c = lexicon_clause(g);
    int s = is_korean(c->slots[0].text) ? PDX_LEX_KO : PDX_LEX_EN;
    if (*side >= 0 && s != *side)
        return false;
    *side = s;
    const pdx_slot *first = &c->slots[0];
    if (s == PDX_LEX_KO && *last) {
        /* last character of the previous word, first of this one */
        size_t k = pdx_utf8_last_len(*last, *last_len);
        char span[16];
        size_t f = pdx_utf8_first_len(first->text, first->text_len);
        if (k + f <= sizeof span) {
            memcpy(span, *last + *last_len - k, k);
            memcpy(span + k, first->text, f);
            pdx_lexicon_key_add(key, span, k + f);
        }
    }
    for (uint32_t i = 0; i < c->n_slots; i++)
        pdx_lexicon_key_add(key, c->slots[i].text, c->slots[i].text_len);
    const pdx_slot *lastsl = &c->slots[c->n_slots - 1];
    *last = lastsl->text;
    *last_len = lastsl->text_len;
    return true;
}

/* The equivalents found for one span, before they become clauses. */
typedef struct alt {
    const char *terms; /* other side's terms, joined (into the lexicon) */
    size_t terms_len;
    const char *surface; /* as papers write it */
    size_t surface_len;
    uint32_t support;
} alt;

typedef struct alt_list {
    alt a[PDX_LEXICON_MAX_ALTS];
    size_t n;
    const char *key_terms; /* the span's own terms, never an alternative */
    size_t key_len;
} alt_list;

static void alt_add(alt_list *l, const char *t, size_t tn, const char *s, size_t sn,
                    uint32_t support)
{
    if (l->n == PDX_LEXICON_MAX_ALTS || (tn == l->key_len && !memcmp(t, l->key_terms, tn)))
        return;
    for (size_t i = 0; i < l->n; i++)
        if (l->a[i].terms_len == tn && !memcmp(l->a[i].terms, t, tn))
            return;
    l->a[l->n++] = (alt){t, tn, s, sn, support};
}

/* Is a term sequence (joined by ' ') too common: is each of its terms
 * (its papers as pdx_search_term_papers() counts them) past the bounds (a
 * term the index lacks is not)? Stops at the first term under them, as
 * too_common() does. */
static bool terms_too_common(pdx_searcher *s, const char *terms, size_t len)
{
    for (size_t i = 0; i < len;) {
        const char *sp = memchr(terms + i, ' ', len - i);
        size_t n = sp ? (size_t)(sp - terms) - i : len - i;
        uint32_t ord;
        uint64_t df = 0;
        if (n && pdx_search_term_find(s, terms + i, n, &ord) == PDX_OK &&
            pdx_search_term_papers(s, ord, &df) != PDX_OK)
            df = 0;
        if (!df_too_common(s->ix, df))
            return false;
        i += n + 1;
    }
    return len > 0;
}

/* Is surface an acronym ("ASR", "LLMs", "GPT4"): one word of capitals and
 * digits, two capitals at least, maybe a plural 's'? An acronym names
 * several ideas (ASR is automatic speech recognition and attack success
 * rate), so no hop goes through one. */
static bool is_acronym(const char *surface, size_t len)
{
    if (len > 1 && surface[len - 1] == 's')
        len--;
    unsigned caps = 0;
    for (size_t i = 0; i < len; i++) {
        char c = surface[i];
        if (c >= 'A' && c <= 'Z')
            caps++;
        else if (c < '0' || c > '9')
            return false;
    }
    return caps >= 2 && len <= 8;
}

/* The pairs of key on `side`, ranks [first, first + count): the other
 * side's terms into l, then the same side's other spellings through them
 * (one hop). Not inlined, nor is add_alts(): most spans are not in the
 * lexicon, and the code every query runs (the loop over the groups and
 * their keys) stays small and in few cache lines, as it is run cold. */
__attribute__((noinline)) static int find_alts(pdx_searcher *s, const pdx_lexicon *lx, int side,
                                               const char *key, size_t key_len, uint32_t first,
                                               uint32_t count, alt_list *l,
                                               const char **key_surface, size_t *key_surface_len)
{
    int rc = PDX_OK;
    l->key_terms = key;
    l->key_len = key_len;
    size_t direct = 0;
    for (uint32_t r = first; r < first + count && !rc; r++) {
        pdx_lex_pair p;
        rc = pdx_lexicon_get(lx, (pdx_lex_side)side, r, &p);
        if (rc)
            break;
        if (r == first) {
            *key_surface = side == PDX_LEX_KO ? p.ko_surface : p.en_surface;
            *key_surface_len = side == PDX_LEX_KO ? p.ko_surface_len : p.en_surface_len;
        }
        if (side == PDX_LEX_KO)
            alt_add(l, p.en_terms, p.en_terms_len, p.en_surface, p.en_surface_len, p.support);
        else
            alt_add(l, p.ko_terms, p.ko_terms_len, p.ko_surface, p.ko_surface_len, p.support);
    }
    direct = l->n;
    int other = side == PDX_LEX_KO ? PDX_LEX_EN : PDX_LEX_KO;
    for (size_t i = 0; i < direct && !rc; i++) {
        /* Hop only through an equivalent the query will use: a pivot too
         * common to add is often an ambiguous word (추론 is reasoning and
         * inference), and hopping through it drifts off the idea; so is an
         * acronym (자동 음성 인식 -> ASR -> 공격 성공률). */
        if (terms_too_common(s, l->a[i].terms, l->a[i].terms_len) ||
            is_acronym(l->a[i].surface, l->a[i].surface_len))
            continue;
        uint32_t f2, c2;
        rc = pdx_lexicon_find(lx, (pdx_lex_side)other, l->a[i].terms, l->a[i].terms_len, &f2,
                              &c2);
        for (uint32_t r = f2; !rc && r < f2 + c2; r++) {
            pdx_lex_pair p;
            rc = pdx_lexicon_get(lx, (pdx_lex_side)other, r, &p);
            if (rc)
                break;
            if (side == PDX_LEX_KO)
                alt_add(l, p.ko_terms, p.ko_terms_len, p.ko_surface, p.ko_surface_len, p.support);
            else
                alt_add(l, p.en_terms, p.en_terms_len, p.en_surface, p.en_surface_len, p.support);
        }
    }
    return rc;
}

/* Adds each alternative of l to groups [g0, g0 + n) as a clause. */
__attribute__((noinline)) static int add_alts(pdx_searcher *s, pdx_query *q, uint32_t g0,
                                              uint32_t n, const alt_list *l, const char *from,
                                              size_t from_len)
{
    uint8_t fields = q->groups[g0].clauses[0].fields;
    double w = PDX_LEXICON_WEIGHT / n;
    for (size_t i = 0; i < l->n; i++) {
        pdx_clause cl;
        int rc = pdx_clause_from_terms(s, l->a[i].terms, l->a[i].terms_len, fields, &cl);
        if (rc == PDX_EINVAL) /* no terms: nothing to add */
            continue;
        if (rc)
            return rc;
        if (cl.missing || too_common(s, &cl)) { /* cannot match, or too common */
            pdx_clause_free(&cl);
            continue;
        }
        cl.weight = w;
        cl.alternative = true;
        for (uint32_t g = g0 + 1; g < g0 + n && !rc; g++) {
            pdx_clause copy;
            rc = pdx_clause_dup(&copy, &cl);
            if (rc)
                pdx_clause_free(&copy);
            else
                rc = pdx_group_add_clause(&q->groups[g], &copy);
        }
        if (rc || (rc = pdx_group_add_clause(&q->groups[g0], &cl)))
            return rc;
        rc = pdx_query_note_expansion(q, from, from_len, l->a[i].surface, l->a[i].surface_len,
                                      "lexicon", l->a[i].support, w);
        if (rc)
            return rc;
    }
    return PDX_OK;
}

/* Whether each group of a span starting at g0 is too common to expand,
 * found when a span is first in the lexicon: most spans are not, and
 * reading a word's list headers for nothing costs cache misses (data and
 * the code that reads them) in every query. */
typedef struct span_df {
    bool common[PDX_LEXICON_MAX_SPAN]; /* group g0 + i's too_common(), once known[i] */
    bool known[PDX_LEXICON_MAX_SPAN];  /* whether common[i] was found */
} span_df;

/* Do the span's words, together, occur in too many papers to expand? The
 * rarest word bounds them: not when one of them is not (the later ones are
 * then not read). */
__attribute__((noinline)) static bool span_too_common(pdx_searcher *s, const pdx_query *q,
                                                      span_df *d, uint32_t g0, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (!d->known[i]) {
            d->common[i] = too_common(s, lexicon_clause(&q->groups[g0 + i]));
            d->known[i] = true;
        }
        if (!d->common[i])
            return false;
    }
    return true;
}

/* Looks up the longest span starting at group g0 (at most `avail` groups)
 * and expands it; *used receives the groups it covered (1 if none). */
static int expand_at(pdx_searcher *s, pdx_query *q, const pdx_lexicon *lx, uint32_t g0,
                     uint32_t avail, pdx_buf *key, uint32_t *used)
{
    span_df d = {{false}, {false}};
    *used = 1;
    for (uint32_t n = PDX_MIN(avail, PDX_LEXICON_MAX_SPAN); n >= 1; n--) {
        pdx_buf_reset(key);
        const char *last = NULL;
        size_t last_len = 0;
        int side = -1;
        bool ok = true;
        for (uint32_t g = g0; g < g0 + n && ok; g++)
            ok = key_add_group(key, &q->groups[g], &last, &last_len, &side);
        if (!ok || key->err)
            continue;
        uint32_t first, count;
        int rc = pdx_lexicon_find(lx, (pdx_lex_side)side, (const char *)key->data, key->len, &first,
                                  &count);
        if (rc)
            return rc;
        if (count == 0 || span_too_common(s, q, &d, g0, n))
            continue;
        alt_list l = {0};
        const char *surface = NULL;
        size_t surface_len = 0;
        rc = find_alts(s, lx, side, (const char *)key->data, key->len, first, count, &l, &surface,
                       &surface_len);
        if (rc)
            return rc;
        if (l.n == 0)
            continue;
        *used = n;
        return add_alts(s, q, g0, n, &l, surface, surface_len);
    }
    return key->err;
}

int pdx_query_expand(pdx_searcher *s, pdx_query *q)
{
    const pdx_lexicon *lx;
    int rc = pdx_index_lexicon(s->ix, &lx);
    if (rc)
        return pdx_searcher_error(s, rc, "%s", pdx_index_errmsg(s->ix));
    if (!lx)
        return PDX_OK;
    pdx_buf key = {0};
    /* Only the groups the parser made: expansion adds clauses, not groups. */
    uint32_t n_groups = q->n_groups;
    for (uint32_t g = 0; g < n_groups && !rc;) {
        uint32_t run = 0;
        while (g + run < n_groups && expandable(&q->groups[g + run]))
            run++;
        if (run == 0) {
            g++;
            continue;
        }
        for (uint32_t end = g + run; g < end && !rc;) {
            uint32_t used;
            rc = expand_at(s, q, lx, g, end - g, &key, &used);
            g += used;
        }
    }
    pdx_buf_free(&key);
    if (rc == PDX_ENOMEM)
        pdx_searcher_error(s, rc, "out of memory expanding the query");
    else if (rc && pdx_lexicon_error(lx)) /* damage found by a lookup (opened lazily) */
        pdx_searcher_error(s, pdx_index_corrupt(s->ix, "LEXICON: %s", pdx_lexicon_errmsg(lx)),
                           "%s", pdx_index_errmsg(s->ix));
    return rc;
}
