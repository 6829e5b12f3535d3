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
 * Which words: those of positive groups, each a plain word or phrase (its
 * clause, plus the optional and alternative clauses the parser adds for
 * it), not restricted to authors, without a prefix. A group of one such
 * word, and consecutive groups of one, are looked up as a span, longest
 * first (up to PDX_LEXICON_MAX_SPAN words: "diffusion model" before
 * "diffusion"), with the key built as the lexicon builds its own: the
 * words' terms in order, and between two Korean words the bigram that
 * spans them ("확산 모델" keys as 확산 산모 모델, like "확산모델"), a word
 * that lost a particle in the query also as written ("사고의 연쇄"). A span's
 * equivalents go into each of its groups, so a paper with the equivalent
 * phrase satisfies them all; the weight is split among them so that it is
 * not counted once per word. Each word of an OR group ("diffusion OR
 * flow") is looked up alone, as it would be typed alone, its equivalents
 * becoming further alternatives of that group: an OR is the union of its
 * words, each with its other names, so adding an alternative to a word
 * loses none of its papers (`a OR b` finds all of `a`'s). Such a group is
 * no part of a span (its words are alternatives, not a phrase): a span's
 * equivalents are lost when one of its words becomes an OR (`fine tuning`
 * 651 papers at 1x, `fine (tuning OR x)` 184). An excluded group is never
 * expanded: it excludes what was typed, not what the lexicon's mined pairs
 * say it also means.
 *
 * Equivalents: the pairs of the key, most supported first, then (one more
 * hop) the other spellings of the key's language that those pairs lead to
 * (LLM -> 대형 언어 모델 -> large language model), at most
 * PDX_LEXICON_MAX_ALTS per span, without repeats, and none the group has
 * already ("diffusion OR 확산"). At most PDX_LEXICON_MAX_QUERY_ALTS in a
 * query.
 */
#include <stdio.h>
#include <strings.h>

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
bool pdx_clause_too_common(pdx_searcher *s, const pdx_clause *c)
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

/* A word of a group, as the parser made it: its clause `first`, then the
 * optional and alternative clauses it added for that word, up to the next
 * word's clause (an OR group holds one per alternative: "a OR b" is a's,
 * then b's) or clause n. Returns the end of that run. */
static uint32_t word_end(const pdx_group *g, uint32_t first, uint32_t n)
{
    uint32_t i = first + 1;
    while (i < n && (g->clauses[i].optional || g->clauses[i].alternative))
        i++;
    return i;
}

/* The clause of word [first, end) of group g that holds it in the
 * lexicon's form: its first, or the folded singular of an acronym plural
 * typed ("LLMs": llm). */
static uint32_t lexicon_clause(const pdx_group *g, uint32_t first, uint32_t end)
{
    for (uint32_t i = first + 1; i < end; i++)
        if (g->clauses[i].folded)
            return i;
    return first;
}

/* May the group's words be expanded at all? Not when excluded (see the
 * top of the file), nor a test of filters. */
static bool expandable(const pdx_group *g)
{
    return !g->negated && !g->filters_only && g->n_clauses > 0;
}

/* A word or phrase the lexicon may know: terms, looked for in a title or
 * summary, none a prefix. */
static bool lexicon_may_know(const pdx_clause *c)
{
    if (c->kind != PDX_CLAUSE_TERMS || c->whole_author || c->optional || c->n_slots == 0 ||
        !(c->fields & ((1u << PDX_FIELD_TITLE) | (1u << PDX_FIELD_SUMMARY))))
        return false;
    for (uint32_t i = 0; i < c->n_slots; i++)
        if (!c->slots[i].text || c->slots[i].prefix)
            return false;
    return true;
}

/* A word of a span: its group, and clauses of it (indexes, as adding
 * equivalents moves a group's clauses). */
typedef struct span_word {
    uint32_t g;
    uint32_t c;       /* the word in the lexicon's form (lexicon_clause()) */
    /* The word's other form to key it with when c has no pair: as
     * written when the query dropped what looked like a particle from it
     * (its optional clause: "사고의" looks up 사고; the miner drops none:
     * 사고의 연쇄 and 자기 주의 are its keys), or the other spelling of an
     * English compound ("pretraining" is known as pre-training: 사전 학습);
     * else c. */
    uint32_t written;
} span_word;

/* Word [first, end) of group g as a span word *out, when the lexicon may
 * know it. */
static bool span_word_of(const pdx_query *q, uint32_t g, uint32_t first, uint32_t end,
                         span_word *out)
{
    const pdx_group *gr = &q->groups[g];
    uint32_t c = lexicon_clause(gr, first, end);
    *out = (span_word){g, c, c};
    bool spelled = false; /* an English word: its particle is no key's */
    for (uint32_t i = first + 1; i < end; i++)
        if (gr->clauses[i].spelling || (gr->clauses[i].optional && !spelled)) {
            out->written = i;
            spelled |= gr->clauses[i].spelling;
        }
    return lexicon_may_know(&gr->clauses[c]);
}

/* Is group g one word the lexicon may know (into *out), so part of a span? */
static bool one_word_group(const pdx_query *q, uint32_t g, span_word *out)
{
    const pdx_group *gr = &q->groups[g];
    return expandable(gr) && word_end(gr, 0, gr->n_clauses) == gr->n_clauses &&
           span_word_of(q, g, 0, gr->n_clauses, out);
}

static const pdx_clause *word_clause(const pdx_query *q, span_word w)
{
    return &q->groups[w.g].clauses[w.c];
}

static bool is_korean(const char *t)
{
    return (unsigned char)t[0] >= 0x80;
}

/* Appends to key the bigram that bridges Korean text ending in last[0..ln)
 * and Korean text starting with first[0..fn): the last character of one
 * and the first of the other, as the tokenizer indexes a bigram across a
 * space ("확산 모델": 산모). */
static void key_add_bridge(pdx_buf *key, const char *last, size_t ln, const char *first,
                           size_t fn)
{
    size_t k = pdx_utf8_last_len(last, ln), f = pdx_utf8_first_len(first, fn);
    char span[16];
    if (k + f <= sizeof span) {
        memcpy(span, last + ln - k, k);
        memcpy(span + k, first, f);
        pdx_lexicon_key_add(key, span, k + f);
    }
}

/* Appends clause c's words to key (lexicon form), with the bigram spanning
 * the previous Korean word when there is one and `bridge` says so, and
 * without its slot `drop` (UINT32_MAX: none; see closed_hyphen_lookup()).
 * Returns false when the span mixes scripts (no pair of the lexicon
 * does). */
static bool key_add_word(pdx_buf *key, const pdx_clause *c, bool bridge, uint32_t drop,
                         const char **last, size_t *last_len, int *side)
{
    int s = is_korean(c->slots[0].text) ? PDX_LEX_KO : PDX_LEX_EN;
    if (*side >= 0 && s != *side)
        return false;
    *side = s;
    const pdx_slot *first = &c->slots[0];
    if (s == PDX_LEX_KO && *last && bridge)
        key_add_bridge(key, *last, *last_len, first->text, first->text_len);
    for (uint32_t i = 0; i < c->n_slots; i++)
        if (i != drop)
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
    int side;  /* the side of the lexicon the key was found on */
    bool head; /* from a head's pair (pdx_lex_pair.head) */
    bool company; /* from a one-way pair (found by company, or stated once) */
    bool guessed; /* ... and one not safe both ways (pdx_lex_pair.both_ways) */
} alt;

/* Direct equivalents gathered before the most supported are kept: a key
 * found on both sides of the lexicon (an English long form) has its Korean
 * names and its acronym, and the acronym may be the most stated of them
 * (chain-of-thought: CoT, 54 papers, after four Korean names of 4-5). */
#define ALT_GATHER (4 * PDX_LEXICON_MAX_ALTS)

typedef struct alt_list {
    alt a[ALT_GATHER];
    size_t n, cap; /* cap: ALT_GATHER while gathering, then PDX_LEXICON_MAX_ALTS */
    const char *key_terms; /* the span's own terms, never an alternative */
    size_t key_len;
    bool head; /* the key is a head (pdx_lex_pair.head) */
} alt_list;

static void alt_add(alt_list *l, const char *t, size_t tn, const char *s, size_t sn,
                    uint32_t support, int side, const pdx_lex_pair *p)
{
    if (l->n >= l->cap || (tn == l->key_len && !memcmp(t, l->key_terms, tn)))
        return;
    for (size_t i = 0; i < l->n; i++)
        if (l->a[i].terms_len == tn && !memcmp(l->a[i].terms, t, tn))
            return;
    l->a[l->n++] = (alt){t, tn, s, sn, support, side, p->head, p->one_way,
                         p->one_way && !p->both_ways};
}

/* Is a term sequence (joined by ' ', the lexicon's form) too common to
 * add: is its clause, as add_alts() builds it, pdx_clause_too_common()? So the
 * bigrams of a Korean name count the papers that write them across a
 * space too: counted as joined (각정 of 시각 정렬), they were in a few
 * papers where the name was in many, and find_alts() hopped through an
 * equivalent add_alts() then left out ("multimodal llm" reached LM). A
 * term the index lacks is in no paper; a sequence too long for a clause
 * counts as too common. */
static int terms_too_common(pdx_searcher *s, const char *terms, size_t len, bool *out)
{
    pdx_clause cl;
    int rc = pdx_clause_from_terms(s, terms, len, PDX_FIELDS_ALL, &cl);
    *out = rc == PDX_OK ? pdx_clause_too_common(s, &cl) : rc == PDX_EINVAL; /* too long: left out */
    pdx_clause_free(&cl);
    return rc == PDX_EINVAL ? PDX_OK : rc;
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

/* Adds to l the Korean side of pair p (ko) or its English side, found
 * through a key on `side`. */
static void alt_add_side(alt_list *l, const pdx_lex_pair *p, bool ko, int side)
{
    if (ko)
        alt_add(l, p->ko_terms, p->ko_terms_len, p->ko_surface, p->ko_surface_len, p->support,
                side, p);
    else
        alt_add(l, p->en_terms, p->en_terms_len, p->en_surface, p->en_surface_len, p->support,
                side, p);
}

/* Keeps the PDX_LEXICON_MAX_ALTS most supported of the equivalents
 * gathered, in that order (ties in the order found: each lookup's pairs
 * come most supported first), and bounds what the hops may add. */
static void keep_most_supported(alt_list *l)
{
    for (size_t i = 1; i < l->n; i++) { /* insertion sort: stable, a few */
        alt a = l->a[i];
        size_t j = i;
        for (; j > 0 && l->a[j - 1].support < a.support; j--)
            l->a[j] = l->a[j - 1];
        l->a[j] = a;
    }
    l->n = PDX_MIN(l->n, PDX_LEXICON_MAX_ALTS);
    l->cap = PDX_LEXICON_MAX_ALTS;
}

/* Where a key was found in the lexicon: ranks [first, first + count)
 * of one side. */
typedef struct lookup {
    int side;
    uint32_t first, count;
} lookup;

/* Which pairs found by company (pdx_lex_pair.one_way) an equivalent may
 * come from: from English to Korean only one safe both ways, a loanword's
 * or one of words mostly each other's (docs/LEXICON.md: image finds no
 * 이미지, which names any picture); none for the words of a head
 * (expander.stated_only); any, for a word of a composed phrase, which
 * the phrase's other words place. */
typedef enum pair_ways { PAIRS_SAFE, PAIRS_STATED, PAIRS_ANY } pair_ways;

/* The pairs of the key's lookups lk[0..n) (those `ways` allows): the
 * other side's terms of each into l, then, with hop, the key side's other
 * spellings through them (one hop). *key_surface is the key as the first
 * pair writes it. Not inlined, nor is add_alts(): most spans are not in
 * the lexicon, and the code every query runs (the loop over the groups
 * and their keys) stays small and in few cache lines, as it is run cold. */
__attribute__((noinline)) static int find_alts(pdx_searcher *s, const pdx_lexicon *lx,
                                               const char *key, size_t key_len,
                                               const lookup *lk, size_t n, pair_ways ways,
                                               bool hop, alt_list *l, const char **key_surface,
                                               size_t *key_surface_len)
{
    int rc = PDX_OK;
    l->key_terms = key;
    l->key_len = key_len;
    for (size_t k = 0; k < n && !rc; k++) {
        int side = lk[k].side;
        for (uint32_t r = lk[k].first; r < lk[k].first + lk[k].count && !rc; r++) {
            pdx_lex_pair p;
            if ((rc = pdx_lexicon_get(lx, (pdx_lex_side)side, r, &p)))
                break;
            if (!*key_surface) {
                *key_surface = side == PDX_LEX_KO ? p.ko_surface : p.en_surface;
                *key_surface_len = side == PDX_LEX_KO ? p.ko_surface_len : p.en_surface_len;
            }
            if (p.one_way && ways != PAIRS_ANY &&
                (ways == PAIRS_STATED || (side == PDX_LEX_EN && !p.both_ways)))
                continue;
            l->head |= p.head;
            alt_add_side(l, &p, side != PDX_LEX_KO, side); /* the other side */
        }
    }
    keep_most_supported(l);
    size_t direct = l->n;
    for (size_t i = 0; i < direct && !rc; i++) {
        /* Hop only through an equivalent the query will use: a pivot too
         * common to add is often an ambiguous word (추론 is reasoning and
         * inference), and hopping through it drifts off the idea; so is an
         * acronym (자동 음성 인식 -> ASR -> 공격 성공률). */
        /* Nor from one term through one term: the other side's one-word
         * names of a stem are spellings of one word (마스킹, mask: 마스크,
         * 마스크드), each a Korean phrase every candidate checks; the hops
         * that name an idea anew go through a phrase (LLM -> 대형 언어
         * 모델 -> large language model). Measured with the loanword pairs
         * (docs/LEXICON.md): the 500 latency queries' sum -5% at 1x,
         * topical nDCG@10 0.903 -> 0.902. (Asked first: it reads no list
         * header.) */
        bool one_term = !memchr(key, ' ', key_len) &&
                        !memchr(l->a[i].terms, ' ', l->a[i].terms_len);
        if (!hop || one_term || is_acronym(l->a[i].surface, l->a[i].surface_len))
            continue;
        bool common;
        if ((rc = terms_too_common(s, l->a[i].terms, l->a[i].terms_len, &common)))
            break;
        if (common)
            continue;
        int side = l->a[i].side, other = side == PDX_LEX_KO ? PDX_LEX_EN : PDX_LEX_KO;
        uint32_t f2, c2;
        rc = pdx_lexicon_find(lx, (pdx_lex_side)other, l->a[i].terms, l->a[i].terms_len, &f2,
                              &c2);
        for (uint32_t r = f2; !rc && r < f2 + c2; r++) {
            pdx_lex_pair p;
            if ((rc = pdx_lexicon_get(lx, (pdx_lex_side)other, r, &p)))
                break;
            if (p.one_way && other == PDX_LEX_EN)
                continue; /* nor through an English pivot to a Korean loanword */
            alt_add_side(l, &p, side == PDX_LEX_KO, side); /* the key's side */
        }
    }
    return rc;
}

bool pdx_clause_same_terms(const pdx_clause *a, const pdx_clause *b)
{
    if (a->kind != PDX_CLAUSE_TERMS || b->kind != PDX_CLAUSE_TERMS || a->whole_author ||
        b->whole_author || a->n_slots != b->n_slots)
        return false;
    for (uint32_t k = 0; k < a->n_slots; k++) {
        const pdx_slot *x = &a->slots[k], *y = &b->slots[k];
        if (!x->text != !y->text || x->n_ords != y->n_ords ||
            (x->n_ords && memcmp(x->ords, y->ords, x->n_ords * sizeof *x->ords)))
            return false;
    }
    return true;
}

/* Does group g already decide a match on clause cl, in every field cl
 * looks in? Then cl as an equivalent would add no paper, only count again
 * in the score: "diffusion OR 확산" (each word is the other's equivalent),
 * "diffusion OR diffusion" (the second word's equivalent is the first's). */
static bool group_has(const pdx_group *g, const pdx_clause *cl)
{
    for (uint32_t i = 0; i < g->n_clauses; i++) {
        const pdx_clause *o = &g->clauses[i];
        if (!o->optional && !(cl->fields & ~o->fields) && pdx_clause_same_terms(o, cl))
            return true;
    }
    return false;
}

/* What expanding one query needs. */
typedef struct expander {
    pdx_searcher *s;
    pdx_query *q;
    const pdx_lexicon *lx;
    pdx_buf key;        /* the span being looked up, in the lexicon's form */
    uint32_t alts_left; /* equivalents the query may still get */
    /* Only stated pairs, no one-way pair (a loanword's or a title-summary
     * one): set for the words of a head, whose own name the query found
     * already. `음성 인식` is the head of speech recognition; its word 음성
     * with its title-summary pair speech ranked any speech paper beside
     * the recognition ones (topical nDCG@10 of the need 0.83 -> 0.73). */
    bool stated_only;
    /* the groups the lexicon gave an equivalent (add_alt_clause()) */
    bool expanded[PDX_MAX_QUERY_GROUPS];
    /* the words the lexicon has that are too common to expand
     * (expand_span()), for --explain (pdx_query_too_common()) */
    bool common[PDX_MAX_QUERY_GROUPS];
} expander;

static pair_ways ways_of(const expander *x)
{
    return x->stated_only ? PAIRS_STATED : PAIRS_SAFE;
}

/* Adds clause cl (consumed) to every group of span w (n words): a paper
 * with it satisfies them all. */
static int add_to_span(pdx_query *q, const span_word *w, uint32_t n, pdx_clause *cl)
{
    int rc = PDX_OK;
    for (uint32_t k = 1; k < n && !rc; k++) {
        pdx_clause copy;
        rc = pdx_clause_dup(&copy, cl);
        if (rc)
            pdx_clause_free(&copy);
        else
            rc = pdx_group_add_clause(&q->groups[w[k].g], &copy);
    }
    if (rc) {
        pdx_clause_free(cl);
        return rc;
    }
    return pdx_group_add_clause(&q->groups[w[0].g], cl);
}

/* Are cl's slots the terms t[0..n) (joined by ' ', the lexicon's form)? */
static bool clause_is_terms(const pdx_clause *cl, const char *t, size_t n)
{
    size_t at = 0;
    for (uint32_t i = 0; i < cl->n_slots; i++) {
        const pdx_slot *sl = &cl->slots[i];
        if (i > 0 && (at >= n || t[at++] != ' '))
            return false;
        if (!sl->text || sl->text_len > n - at || memcmp(t + at, sl->text, sl->text_len))
            return false;
        at += sl->text_len;
    }
    return at == n;
}

/* The other spelling of the English equivalent a (clause eq) into *sp, as
 * the parser adds it to a word typed: 멀티모달 finds multimodal and, as the
 * query "multimodal" does, multi-modal (a trial: VisRAG, which writes only
 * multi-modal, ranked 9th for "multimodal RAG" and 153rd for "멀티모달
 * RAG"). It weighs the equivalent's weight times the spelling's.
 * sp->missing when there is none to add. */
static int spelling_of(expander *x, const span_word *w, const alt_list *l, const alt *a,
                       const pdx_clause *eq, pdx_clause *sp, alt *sp_alt,
                       char text[PDX_SPELLING_MAX])
{
    memset(sp, 0, sizeof *sp);
    sp->missing = true;
    if (x->alts_left < 2 || a->surface_len == 0 || (unsigned char)a->surface[0] >= 0x80)
        return PDX_OK;
    *sp_alt = *a;
    sp_alt->surface = text;
    int rc = pdx_clause_spelling_of(x->s, a->surface, a->surface_len, eq->fields, eq, sp, text,
                                    &sp_alt->surface_len);
    /* not the span itself ("fine tuning" -> finetuning -> fine-tuning) */
    if (!rc && !sp->missing &&
        (clause_is_terms(sp, l->key_terms, l->key_len) || pdx_clause_too_common(x->s, sp) ||
         group_has(&x->q->groups[w[0].g], sp))) {
        pdx_clause_free(sp);
        memset(sp, 0, sizeof *sp);
        sp->missing = true;
    }
    if (!sp->missing)
        sp->weight *= eq->weight;
    return rc;
}

/* Adds clause cl (consumed) to every group of span w (n words), a paper
 * with it satisfying them all, and notes it. */
static int add_alt_clause(expander *x, const span_word *w, uint32_t n, pdx_clause *cl,
                          const char *from, size_t from_len, const alt *a, const char *source)
{
    double weight = cl->weight;
    int rc = add_to_span(x->q, w, n, cl);
    if (rc)
        return rc;
    for (uint32_t k = 0; k < n; k++)
        if (w[k].g < PDX_MAX_QUERY_GROUPS)
            x->expanded[w[k].g] = true;
    x->alts_left--;
    return pdx_query_note_expansion(x->q, from, from_len, a->surface, a->surface_len, source,
                                    a->support, weight);
}

/* The words of span w (n words) the query keeps: a function word's group
 * is dropped once expansion is done (query.c drop_function_words()), so
 * the equivalent's weight is split among the others. */
static uint32_t kept_words(const pdx_query *q, const span_word *w, uint32_t n)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++)
        k += !q->groups[w[i].g].function_word;
    return k ? k : n;
}

/* Adds each alternative of l to the groups of span w (n words) as a
 * clause, restricted to the fields of its first word, with the other
 * spelling of an English one (spelling_of()). */
__attribute__((noinline)) static int add_alts(expander *x, const span_word *w, uint32_t n,
                                              const alt_list *l, const char *from,
                                              size_t from_len)
{
    pdx_query *q = x->q;
    uint8_t fields = word_clause(q, w[0])->fields;
    for (size_t i = 0; i < l->n && x->alts_left; i++) {
        const alt *a = &l->a[i];
        pdx_clause cl, sp;
        alt sp_alt;
        char sp_text[PDX_SPELLING_MAX];
        int rc = pdx_clause_from_terms(x->s, a->terms, a->terms_len, fields, &cl);
        if (rc == PDX_EINVAL) /* no terms: nothing to add */
            continue;
        if (rc)
            return rc;
        /* cannot match, too common, or there already */
        if (cl.missing || pdx_clause_too_common(x->s, &cl) || group_has(&q->groups[w[0].g], &cl)) {
            pdx_clause_free(&cl);
            continue;
        }
        cl.weight = PDX_LEXICON_WEIGHT / kept_words(q, w, n);
        cl.alternative = true;
        if ((rc = spelling_of(x, w, l, a, &cl, &sp, &sp_alt, sp_text))) {
            pdx_clause_free(&cl);
            return rc;
        }
        rc = add_alt_clause(x, w, n, &cl, from, from_len, a,
                            a->head ? "head" : a->company ? "company" : "lexicon");
        if (!rc && !sp.missing)
            rc = add_alt_clause(x, w, n, &sp, from, from_len, &sp_alt, "lexicon spelling");
        else
            pdx_clause_free(&sp);
        if (rc)
            return rc;
    }
    return PDX_OK;
}

/* Whether each word of a span is too common to expand, found when a span
 * is first in the lexicon: most spans are not, and reading a word's list
 * headers for nothing costs cache misses (data and the code that reads
 * them) in every query. */
typedef struct span_df {
    bool common[PDX_LEXICON_MAX_SPAN]; /* word i's pdx_clause_too_common(), once known[i] */
    bool known[PDX_LEXICON_MAX_SPAN];  /* whether common[i] was found */
} span_df;

/* Does the span of n words w, keyed in x->key, occur in too many papers
 * to expand (*out)? A paper holding it holds each term of its key, so the
 * key's rarest term bounds its papers. First its words' own clauses
 * (their terms looked up already; the later ones not read once one is
 * under the bounds). When each word is too common, a key with terms
 * beyond theirs (key_adds) may still hold a rarer one: the bigrams that
 * bridge Korean words ("대규모 언어 모델": 모언 and 어모, each spaced or
 * not), a particle a word was keyed with. Judged by its whole key, a span
 * is as common as the compound typed without its spaces, whose clause has
 * the same terms. (Judged by its words alone, the spaced 대규모 언어 모델,
 * whose three words 727 of 4,342 papers hold together, counted as common
 * as its rarest word, in over 1,000, and was not expanded, where
 * 대규모언어모델 was.) */
__attribute__((noinline)) static int span_too_common(expander *x, span_df *d, const span_word *w,
                                                     uint32_t n, bool key_adds, bool *out)
{
    *out = false;
    for (uint32_t i = 0; i < n; i++) {
        if (!d->known[i]) {
            d->common[i] = pdx_clause_too_common(x->s, word_clause(x->q, w[i]));
            d->known[i] = true;
        }
        if (!d->common[i])
            return PDX_OK;
    }
    *out = true;
    return key_adds ? terms_too_common(x->s, (const char *)x->key.data, x->key.len, out) : PDX_OK;
}

/* Keys the span of n words w into x->key, the words of bitmask `written`
 * as written (span_word.written), the others in the lexicon's form, and
 * its language into *side. False when the span mixes scripts or memory
 * ran out (x->key.err). */
static bool span_key(expander *x, const span_word *w, uint32_t n, uint32_t written,
                     uint32_t hyphens, uint32_t drop, int *side)
{
    pdx_buf_reset(&x->key);
    const char *last = NULL;
    size_t last_len = 0;
    bool ok = true;
    *side = -1;
    for (uint32_t i = 0; i < n && ok; i++) {
        const pdx_group *g = &x->q->groups[w[i].g];
        const pdx_clause *c = &g->clauses[written >> i & 1 ? w[i].written : w[i].c];
        ok = key_add_word(&x->key, c, !(hyphens >> i & 1), drop, &last, &last_len, side);
    }
    return ok && !x->key.err;
}

/* Looks the key in x->key up (on `side`, and an English one on the Korean
 * side too: an acronym's pair keeps its long form there, docs/LEXICON.md,
 * so "low rank adaptation" finds LoRA) into lk[0..*n_lk). */
static int find_key(expander *x, int side, lookup lk[2], size_t *n_lk)
{
    const char *key = (const char *)x->key.data;
    lk[0] = (lookup){side, 0, 0};
    lk[1] = (lookup){PDX_LEX_KO, 0, 0};
    *n_lk = side == PDX_LEX_EN ? 2 : 1;
    int rc = pdx_lexicon_find(x->lx, (pdx_lex_side)side, key, x->key.len, &lk[0].first,
                              &lk[0].count);
    if (!rc && *n_lk == 2)
        rc = pdx_lexicon_find(x->lx, PDX_LEX_KO, key, x->key.len, &lk[1].first, &lk[1].count);
    return rc;
}

/* Longest span whose hyphenated spellings are looked up (2^(n-1) keys). */
#define HYPHENED_SPAN 3

/* Are clause c's slots the chained bigrams of a compound (each inside a
 * Korean compound or phrase, pdx_slot.bridge)? */
static bool chained_bigrams(const pdx_clause *c)
{
    for (uint32_t i = 0; i < c->n_slots; i++)
        if (!c->slots[i].bridge)
            return false;
    return true;
}

/* A Korean compound typed closed (one word, a phrase of chained bigrams)
 * keys as its bigrams, as the spaced words do with their bridges; but a
 * pair stated with a hyphen has no bigram across it (`검색-증강 생성`: 검색
 * 증강 강생 생성), so `검색증강생성` found none of the equivalents `검색 증강
 * 생성` finds (RAG, Retrieval-Augmented Generation; a trial: 3 papers
 * against 94). When the closed key is not in the lexicon, the key without
 * one inner bigram is tried, for each place a hyphen may stand between two
 * parts of two syllables or more. */
static bool closed_hyphen_lookup(expander *x, const span_word *w, uint32_t written,
                                 lookup lk[2], size_t *n_lk, int *side, int *rc)
{
    const pdx_clause *c = word_clause(x->q, w[0]);
    if (!chained_bigrams(c))
        return false;
    for (uint32_t drop = 1; drop + 2 <= c->n_slots; drop++) {
        if (!span_key(x, w, 1, written, 0, drop, side))
            return false;
        if ((*rc = find_key(x, *side, lk, n_lk)) || lk[0].count + lk[1].count)
            return !*rc;
    }
    return false;
}

/* Keys the span of n words w (the words of `written` as written) and looks
 * it up into lk[0..*n_lk), *side its language. Typed as words apart, a
 * Korean name's key has the bigram bridging each two words; the pairs the
 * digests state with a hyphen (`시각-언어 모델`: 24 papers, never spaced)
 * have none there, so when the spaced key is not in the lexicon, each
 * spelling with hyphens is tried (a bit of *hyphens per word after one),
 * in spans of up to HYPHENED_SPAN words. A closed Korean compound
 * is looked up as closed_hyphen_lookup() says. False when the span has no
 * key. */
static bool span_lookup(expander *x, const span_word *w, uint32_t n, uint32_t written,
                        lookup lk[2], size_t *n_lk, int *side, uint32_t *hyphens, int *rc)
{
    *rc = PDX_OK;
    for (*hyphens = 0;; *hyphens += 2) {
        if (!span_key(x, w, n, written, *hyphens, UINT32_MAX, side))
            return false;
        if ((*rc = find_key(x, *side, lk, n_lk)) || lk[0].count + lk[1].count)
            return !*rc;
        if (*side == PDX_LEX_KO && n == 1) {
            *hyphens = 0;
            return closed_hyphen_lookup(x, w, written, lk, n_lk, side, rc);
        }
        if (*side != PDX_LEX_KO || n > HYPHENED_SPAN || *hyphens + 2 >= 1u << n)
            return false;
    }
}

/* ---- an acronym read as its long form inside a span ----
 *
 * A word before an acronym often names, with the acronym's long form, an
 * idea of its own that has an acronym too: `multimodal LLM` is a
 * multimodal large language model, MLLM (stated by 64 papers), and
 * `멀티모달 LLM` is 멀티모달 대형 언어 모델; neither span is a key of the
 * lexicon, and LLM alone is too common to expand, so a trial's `멀티모달
 * LLM 환각` missed the MLLM hallucination papers. So a span of words in one
 * script whose last word is an acronym the lexicon knows, and which is
 * not a key itself, is also keyed with the acronym's long forms in that
 * script in its place (at most ACRONYM_LONG_FORMS of them, most supported
 * first), a Korean one bridged to the word before as the tokenizer
 * bridges words; the first key the lexicon has is the span's, and its own
 * phrase is an equivalent too. */
#define ACRONYM_LONG_FORMS 4

/* Appends the space-separated terms t[0..n) to key, bridged to the
 * Korean term last[0..ln) before them when `bridge`. */
static void key_add_terms(pdx_buf *key, const char *t, size_t n, bool bridge, const char *last,
                          size_t ln)
{
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && t[j] != ' ')
            j++;
        if (i == 0 && bridge)
            key_add_bridge(key, last, ln, t, j);
        pdx_lexicon_key_add(key, t + i, j - i);
        i = j + 1;
    }
}

/* Keys span w (n >= 2 words, none as written) with each long form of its
 * last word, an acronym, in place of it, until the lexicon has one
 * (into lk, *side); x->key then holds it. */
static bool acronym_span_lookup(expander *x, const span_word *w, uint32_t n, lookup lk[2],
                                size_t *n_lk, int *side, int *rc)
{
    const pdx_clause *a = word_clause(x->q, w[n - 1]), *b = word_clause(x->q, w[n - 2]);
    *rc = PDX_OK;
    if (a->n_slots != 1 || is_korean(a->slots[0].text) ||
        !span_key(x, w, n - 1, 0, 0, UINT32_MAX, side))
        return false;
    size_t head = x->key.len;
    const pdx_slot *last = &b->slots[b->n_slots - 1];
    uint32_t first, count, tried = 0;
    *rc = pdx_lexicon_find(x->lx, PDX_LEX_EN, a->slots[0].text, a->slots[0].text_len, &first,
                           &count);
    for (uint32_t r = first; !*rc && r < first + count && tried < ACRONYM_LONG_FORMS; r++) {
        pdx_lex_pair p;
        if ((*rc = pdx_lexicon_get(x->lx, PDX_LEX_EN, r, &p)))
            break;
        bool korean = is_korean(p.ko_terms);
        if (!is_acronym(p.en_surface, p.en_surface_len) ||
            !memchr(p.ko_terms, ' ', p.ko_terms_len) || korean != (*side == PDX_LEX_KO))
            continue;
        tried++;
        x->key.len = head;
        key_add_terms(&x->key, p.ko_terms, p.ko_terms_len, korean, last->text, last->text_len);
        if (x->key.err)
            return false;
        if ((*rc = find_key(x, *side, lk, n_lk)) || lk[0].count + lk[1].count)
            return !*rc;
    }
    return false;
}

/* Puts the key in x->key, span w's long form (acronym_span_lookup()), as
 * written surface[0..sn), first in l, which find_alts() filled: it is no
 * equivalent of itself there. It points into x->key, as l->key_terms
 * does: nothing keys again until add_alts() is done with l. */
static void add_long_form(expander *x, alt_list *l, const char *surface, size_t sn)
{
    if (l->n == 0)
        return;
    if (l->n == l->cap)
        l->n--;
    memmove(l->a + 1, l->a, l->n * sizeof *l->a);
    l->a[0] = (alt){(const char *)x->key.data, x->key.len, surface, sn, l->a[1].support,
                    l->a[1].side, false, false, false};
    l->n++;
}

/* Expands span w (n words) with the key in x->key, found into lk[0..n_lk)
 * (key_adds: the key holds terms its words lack; long_form: an acronym's
 * long form in it), when it is not too common (*common) and has
 * equivalents (*done). */
static int expand_found(expander *x, span_df *d, const span_word *w, uint32_t n,
                        const lookup lk[2], size_t n_lk, bool key_adds, bool long_form,
                        bool *done, bool *head, bool *common)
{
    int rc;
    if ((rc = span_too_common(x, d, w, n, key_adds, common)) || *common) {
        for (uint32_t i = 0; !rc && i < n; i++)
            if (w[i].g < PDX_MAX_QUERY_GROUPS)
                x->common[w[i].g] = true;
        return rc;
    }
    alt_list l = {.cap = ALT_GATHER};
    const char *surface = NULL;
    size_t surface_len = 0;
    rc = find_alts(x->s, x->lx, (const char *)x->key.data, x->key.len, lk, n_lk, ways_of(x),
                   true, &l, &surface, &surface_len);
    if (!rc && long_form && surface) /* the long form's phrase itself, first */
        add_long_form(x, &l, surface, surface_len);
    if (rc || l.n == 0)
        return rc;
    /* done when some equivalent is added: one too common to add each
     * (multimodal LLM's only pair, 언어 모델) leaves the span to others */
    uint32_t left = x->alts_left;
    rc = add_alts(x, w, n, &l, surface, surface_len);
    *done = x->alts_left < left;
    *head = *done && l.head;
    return rc;
}

/* Expands the span of n words w keyed with the words of `written` as
 * written, when the lexicon has the key, the span is not too common and
 * it has equivalents; *done says whether it was. */
static int expand_span(expander *x, span_df *d, const span_word *w, uint32_t n,
                       uint32_t written, bool *done, bool *head)
{
    int side, rc;
    lookup lk[2];
    size_t n_lk;
    uint32_t hyphens;
    bool common = false;
    *done = false;
    if (span_lookup(x, w, n, written, lk, &n_lk, &side, &hyphens, &rc)) {
        /* an English key holds its words' terms; a Korean one more when
         * it bridges words or a word is keyed as written */
        bool key_adds = side == PDX_LEX_KO && ((n > 1 && hyphens + 2 < 1u << n) || written);
        rc = expand_found(x, d, w, n, lk, n_lk, key_adds, false, done, head, &common);
    }
    /* a key with no equivalent to add (multimodal LLM: only 언어 모델,
     * too common) leaves the long form to try */
    if (rc || *done || common || n < 2 || written ||
        !acronym_span_lookup(x, w, n, lk, &n_lk, &side, &rc))
        return rc;
    return expand_found(x, d, w, n, lk, n_lk, true, true, done, head, &common);
}

/* ---- a Korean noun's derived forms ----
 *
 * The digests state the English of a derived Korean form (효율성
 * (Efficiency), 가속화, 일관성) far more than of its noun, which then has no
 * pair: `MoE 효율` and `diffusion 모델 가속` found no paper saying efficiency
 * or acceleration in English (a trial). The tokenizer reads a derived form
 * as its noun (PDX_TOKENIZE_DERIVED: 효율성 looks up 효율); a noun the
 * lexicon lacks takes, the other way, the equivalents of its derived forms,
 * those the tokenizer would read as that noun (not 확장 from 확장성,
 * scalability, nor 양자 from 양자화: docs/TOKENIZATION.md), no acronym among
 * them (최대화 is stated as EM, expectation maximization, which 최대,
 * maximum, is not). */
static const char *const derived_endings[] = {"성", "적", "화", "적인"};

/* The noun of Korean word c, a clause of chained bigrams (효율: 효율;
 * 불확실: 불확 확실), as written into out (cap bytes); 0 when c is none. */
static size_t korean_noun(const pdx_clause *c, char *out, size_t cap)
{
    size_t n = 0;
    for (uint32_t i = 0; i < c->n_slots; i++) {
        const pdx_slot *sl = &c->slots[i];
        if (sl->text_len != 6 || !pdx_hangul_at(sl->text, 6) || !pdx_hangul_at(sl->text + 3, 3) ||
            (i && memcmp(c->slots[i - 1].text + 3, sl->text, 3) != 0))
            return 0;
        size_t from = i ? 3 : 0;
        if (n + 6 - from > cap)
            return 0;
        memcpy(out + n, sl->text + from, 6 - from);
        n += 6 - from;
    }
    return n;
}

/* Keys Hangul syllables t[0, n) into key as the tokenizer reads a Hangul
 * run: its chain of bigrams. */
static void bigram_key(pdx_buf *key, const char *t, size_t n)
{
    pdx_buf_reset(key);
    for (size_t i = 0; i + 6 <= n; i += 3)
        pdx_lexicon_key_add(key, t + i, 6);
}

/* Does the tokenizer read form[0, fn) as noun[0, nn) (PDX_TOKENIZE_DERIVED
 * drops its ending)? */
static int reads_as_noun(pdx_searcher *s, const char *form, size_t fn, const char *noun,
                         size_t nn, bool *out)
{
    pdx_buf got = {0}, want = {0};
    int rc = pdx_lexicon_key_of(s->tk, PDX_TOKENIZE_QUERY | PDX_TOKENIZE_DERIVED, form, fn, &got);
    bigram_key(&want, noun, nn);
    if (!rc)
        rc = want.err;
    *out = !rc && got.len == want.len && memcmp(got.data, want.data, got.len) == 0;
    pdx_buf_free(&got);
    pdx_buf_free(&want);
    return rc;
}

/* Drops the acronyms from l. */
static void drop_acronyms(alt_list *l)
{
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++)
        if (!is_acronym(l->a[i].surface, l->a[i].surface_len))
            l->a[k++] = l->a[i];
    l->n = k;
}

/* Gives Korean word w (its clause c) the equivalents, less acronyms, of
 * the key in x->key, found into lk[0..n_lk); none when w is too common,
 * which --explain then says. *done false: the key had no equivalent to
 * add, and the caller may try another. */
static int expand_by_key(expander *x, const span_word *w, const pdx_clause *c,
                         const lookup lk[2], size_t n_lk, bool *done)
{
    *done = true;
    if (pdx_clause_too_common(x->s, c)) {
        if (w[0].g < PDX_MAX_QUERY_GROUPS)
            x->common[w[0].g] = true;
        return PDX_OK;
    }
    alt_list l = {.cap = ALT_GATHER};
    const char *surface = NULL;
    size_t surface_len = 0;
    int rc = find_alts(x->s, x->lx, (const char *)x->key.data, x->key.len, lk, n_lk,
                       ways_of(x), true, &l, &surface, &surface_len);
    drop_acronyms(&l);
    if (rc || !l.n) {
        *done = false;
        return rc;
    }
    return add_alts(x, w, 1, &l, surface, surface_len);
}

/* Expands one Korean word w that the lexicon lacks with the equivalents of
 * its first derived form that has some. Each
 * form is looked up first (most are not in the lexicon: a hash probe), its
 * reading by the tokenizer and the noun's papers asked of a form found. */
static int expand_noun(expander *x, const span_word *w)
{
    bool done = false;
    const pdx_clause *c = word_clause(x->q, w[0]);
    char noun[64], form[72];
    size_t nn = c->n_slots ? korean_noun(c, noun, sizeof noun) : 0;
    int rc = PDX_OK;
    for (size_t e = 0; nn && !rc && !done && e < sizeof derived_endings / sizeof *derived_endings;
         e++) {
        size_t en = strlen(derived_endings[e]);
        memcpy(form, noun, nn);
        memcpy(form + nn, derived_endings[e], en);
        bigram_key(&x->key, form, nn + en);
        lookup lk[2];
        size_t n_lk;
        bool derived;
        if (x->key.err)
            return x->key.err;
        if ((rc = find_key(x, PDX_LEX_KO, lk, &n_lk)) || !lk[0].count)
            continue;
        /* a form the tokenizer reads as this noun, of a noun not too common */
        if ((rc = reads_as_noun(x->s, form, nn + en, noun, nn, &derived)) || !derived)
            continue;
        rc = expand_by_key(x, w, c, lk, n_lk, &done);
    }
    return rc;
}

/* Expands one Korean word w that neither the lexicon nor a derived form
 * of it has with the equivalents of the first word of its synonym group
 * that has some (synonyms.c; the parser added the group's words already):
 * 동영상 -> 비디오 -> video, 검출 -> 탐지 -> detection. */
static int expand_synonym(expander *x, const span_word *w)
{
    const pdx_clause *c = word_clause(x->q, w[0]);
    char noun[64];
    const char *syn[PDX_SYNONYMS_MAX];
    size_t nn = c->n_slots ? korean_noun(c, noun, sizeof noun) : 0;
    size_t n = nn ? pdx_korean_synonyms(noun, nn, syn) : 0;
    int rc = PDX_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        lookup lk[2];
        size_t n_lk;
        bigram_key(&x->key, syn[i], strlen(syn[i]));
        if (x->key.err)
            return x->key.err;
        if ((rc = find_key(x, PDX_LEX_KO, lk, &n_lk)) || !lk[0].count)
            continue;
        bool done;
        if ((rc = expand_by_key(x, w, c, lk, n_lk, &done)) || done)
            return rc;
    }
    return rc;
}

/* Looks up the longest span of words w[0..avail) starting at w[0] and
 * expands it; *used receives the words it covered (1 if none), *head
 * whether the span is a head (pdx_lex_pair.head). A span is
 * keyed first with every word in the lexicon's form, then with each set
 * of the words that lost a particle as written: in a compound typed
 * without spaces only the end can lose one (사고의연쇄를 keys as 사고의
 * 연쇄), and a noun may end like one (자기주의: attention, not 자기주). */
static int expand_at(expander *x, const span_word *w, uint32_t avail, uint32_t *used,
                     bool *head)
{
    span_df d = {{false}, {false}};
    *used = 1;
    *head = false;
    for (uint32_t n = PDX_MIN(avail, PDX_LEXICON_MAX_SPAN); n >= 1; n--) {
        uint32_t forms = 0; /* the words with two forms */
        for (uint32_t i = 0; i < n; i++)
            forms |= (uint32_t)(w[i].written != w[i].c) << i;
        /* m goes through the subsets of forms, the empty one first */
        for (uint32_t m = 0;; m = (m - forms) & forms) {
            bool done;
            int rc = expand_span(x, &d, w, n, m, &done, head);
            if (rc || done) {
                *used = done ? n : 1;
                return rc;
            }
            if (m == forms)
                break;
        }
    }
    int rc = x->key.err ? x->key.err : expand_noun(x, w);
    if (rc || w[0].g >= PDX_MAX_QUERY_GROUPS || x->expanded[w[0].g] || x->common[w[0].g])
        return rc;
    return expand_synonym(x, w);
}

/* Expands each word of OR group g alone, as if typed alone: its
 * equivalents become further alternatives of the group, after the words
 * the parser put there (which are all that is looked up). */
static int expand_alternatives(expander *x, uint32_t g)
{
    const pdx_group *gr = &x->q->groups[g];
    if (!expandable(gr))
        return PDX_OK;
    uint32_t n = gr->n_clauses;
    for (uint32_t first = 0, end; first < n; first = end) {
        end = word_end(gr, first, n);
        span_word w;
        uint32_t used;
        bool head;
        int rc;
        if (span_word_of(x->q, g, first, end, &w) && (rc = expand_at(x, &w, 1, &used, &head)))
            return rc;
    }
    return PDX_OK;
}

/* ---- two words typed apart that papers write as one ----
 *
 * Names of models and methods are written closed up, often in CamelCase:
 * DeepSeek, StoryDiffusion, FlashAttention, MiniCPM, OmniGen. A reader
 * who remembers one types it as two words ("deep seek", "story
 * diffusion"), which the index holds as one term (deepseek): before this,
 * `deep seek` matched no paper and `flash attention` six papers that say
 * "flash" and "attention", none of the twelve that say FlashAttention. So
 * two plain words of letters typed side by side (pdx_group.typed_at)
 * whose joined spelling is a term of the index get it as an alternative
 * of both groups, the way a span's lexicon equivalent is added (a paper
 * with it satisfies both). It weighs PDX_JOINED_WEIGHT in each group, so
 * that a paper writing the name scores its term's BM25 once in each, as a
 * paper writing the two words scores each of theirs. So does a version
 * typed after a name ("Llama 3", "qwen 2.5", "gpt 4o"): joined, it is the
 * name's phrase (llama3 is llama 3, docs/TOKENIZATION.md), and papers
 * writing "Llama 3", "Llama-3" or "Llama3" rank above those with a 3
 * anywhere (a user trial: "...LLaMA-1/2, GPT-3.5/4" was 6th). Not for a
 * joined word too common to expand (PDX_LEXICON_MAX_DF_SHARE), one no
 * paper writes (written_joined()), nor one that is either word's own
 * term. */

/* Writes a[0..an), a space and b[0..bn) to out (cap bytes); returns the
 * length, 0 when it does not fit. */
static size_t two_words(char *out, size_t cap, const char *a, size_t an, const char *b, size_t bn)
{
    if (an + 1 + bn > cap)
        return 0;
    memcpy(out, a, an);
    out[an] = ' ';
    memcpy(out + an + 1, b, bn);
    return an + 1 + bn;
}

/* Group b's word was typed right after group a's, with only spaces
 * between them? */
static bool typed_next(const pdx_group *a, const pdx_group *b, const char *text, size_t len)
{
    size_t at = (size_t)a->typed_at + a->typed_len;
    if (!a->typed_len || !b->typed_len || b->typed_at <= at || b->typed_at > len)
        return false;
    for (size_t i = at; i < b->typed_at; i++)
        if (text[i] != ' ' && text[i] != '\t')
            return false;
    return true;
}

/* Were groups a and b typed side by side: words apart (typed_next()), or
 * consecutive parts of one compound typed closed that the parser reads as
 * its words (query.c compound_part())? */
static bool side_by_side(const pdx_group *a, const pdx_group *b, const char *text, size_t len)
{
    if (a->split_part && b->split_part == a->split_part + 1 && a->split_at == b->split_at &&
        a->split_len == b->split_len)
        return true;
    return typed_next(a, b, text, len);
}

static bool ascii_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Is t[0..n) a word of two ASCII letters or more, and nothing else? */
static bool letters_only(const char *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!ascii_letter(t[i]))
            return false;
    return n >= 2;
}

/* Is t[0..n) a version, a digit then digits, letters and points ("3",
 * "2.5", "4o", "70b")? */
static bool version_like(const char *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(t[i] >= '0' && t[i] <= '9') && (i == 0 || (!ascii_letter(t[i]) && t[i] != '.')))
            return false;
    return n >= 1;
}

/* ---- does some paper write the joined word? ----
 *
 * The joined word's term is a stem, which another word may have: "long
 * term" joined is longterm, the stem of Longtermism, and one paper's
 * title ("...with Longtermism") ranked first for `long term` (a review).
 * So the papers of the term are read, JOIN_READ at most, for the joined
 * word written as a word of its own (ASCII case ignored, a plural s or
 * es after it allowed). */
#define JOIN_READ 16

typedef struct joined_word {
    const char *w;
    size_t n;
    bool found;
} joined_word;

static bool is_alnum_byte(char c)
{
    return ascii_letter(c) || (c >= '0' && c <= '9');
}

/* Does t[0..tn) hold w[0..n) as a word (see above)? */
static bool holds_word(const char *t, size_t tn, const char *w, size_t n)
{
    for (size_t i = 0; i + n <= tn; i++) {
        if ((i && is_alnum_byte(t[i - 1])) || strncasecmp(t + i, w, n))
            continue;
        size_t e = i + n;
        if (e < tn && (t[e] == 's' || t[e] == 'S'))
            e++;
        else if (e + 1 < tn && (t[e] | 0x20) == 'e' && (t[e + 1] | 0x20) == 's')
            e += 2;
        if (e == tn || !is_alnum_byte(t[e]))
            return true;
    }
    return false;
}

static int read_joined(const char *const text[PDX_NFIELDS], const size_t len[PDX_NFIELDS],
                       void *payload, bool *done)
{
    joined_word *jw = payload;
    jw->found = holds_word(text[PDX_FIELD_TITLE], len[PDX_FIELD_TITLE], jw->w, jw->n) ||
                holds_word(text[PDX_FIELD_SUMMARY], len[PDX_FIELD_SUMMARY], jw->w, jw->n);
    *done = jw->found;
    return PDX_OK;
}

/* Does some paper holding term vord write w[0..n) as a word (*out)? */
static int written_joined(pdx_searcher *s, uint32_t vord, const char *w, size_t n, bool *out)
{
    joined_word jw = {w, n, false};
    int rc = pdx_read_term_papers(s, vord, (1u << PDX_FIELD_TITLE) | (1u << PDX_FIELD_SUMMARY),
                                  JOIN_READ, read_joined, &jw);
    *out = jw.found;
    return rc;
}

/* Joins the words of groups a and b (span words w[0], w[1]) when papers
 * write them as one (see above). */
static int join_pair(expander *x, const span_word *w, const char *text)
{
    pdx_query *q = x->q;
    const pdx_group *a = &q->groups[w[0].g], *b = &q->groups[w[1].g];
    const pdx_clause *ca = word_clause(q, w[0]), *cb = word_clause(q, w[1]);
    bool version = version_like(text + b->typed_at, b->typed_len);
    if (ca->fields != cb->fields || a->function_word || b->function_word ||
        !letters_only(text + a->typed_at, a->typed_len) ||
        !(version || letters_only(text + b->typed_at, b->typed_len)) ||
        (size_t)a->typed_len + b->typed_len >= PDX_SPELLING_MAX)
        return PDX_OK;
    char joined[PDX_SPELLING_MAX];
    size_t n = a->typed_len + b->typed_len;
    memcpy(joined, text + a->typed_at, a->typed_len);
    memcpy(joined + a->typed_len, text + b->typed_at, b->typed_len);
    pdx_clause cl;
    int rc = pdx_clause_of_word(x->s, joined, n, ca->fields, version ? 4 : 1, &cl);
    bool written = version; /* a version's phrase: no stem can stand for another word */
    if (!rc && !cl.missing && !version && cl.n_slots == 1 && cl.slots[0].n_ords)
        rc = written_joined(x->s, cl.slots[0].ords[0], joined, n, &written);
    if (rc || cl.missing || !written || pdx_clause_same_terms(&cl, ca) ||
        pdx_clause_same_terms(&cl, cb) || pdx_clause_too_common(x->s, &cl) || group_has(a, &cl) ||
        group_has(b, &cl)) {
        pdx_clause_free(&cl);
        return rc;
    }
    cl.weight = PDX_JOINED_WEIGHT;
    cl.alternative = true;
    if ((rc = add_to_span(q, w, 2, &cl)))
        return rc;
    /* the two words as typed, one space between them (a review: the
     * spaces typed, any number, overflowed a buffer) */
    char from[PDX_SPELLING_MAX + 1];
    size_t fn = two_words(from, sizeof from, text + a->typed_at, a->typed_len,
                          text + b->typed_at, b->typed_len);
    return pdx_query_note_expansion(q, from, fn, joined, n, "spelling", 0, PDX_JOINED_WEIGHT);
}

/* Joins each two plain words typed side by side that papers write as one. */
static int join_words(expander *x, const char *text, size_t len)
{
    pdx_query *q = x->q;
    int rc = PDX_OK;
    for (uint32_t i = 0; i < q->n_groups && !rc; i++) {
        span_word w[2];
        if (!q->groups[i].typed_len || !one_word_group(q, i, &w[0]))
            continue;
        for (uint32_t j = 0; j < q->n_groups && !rc; j++)
            if (j != i && typed_next(&q->groups[i], &q->groups[j], text, len) &&
                one_word_group(q, j, &w[1]))
                rc = join_pair(x, w, text);
    }
    return rc;
}

/* ---- two Korean words the lexicon knows one by one ----
 *
 * Korean names of ideas are mostly calques, word for word in the English
 * order (모델 병합: model merging; 월드 모델: world model). When two Korean
 * words typed side by side are no span of the lexicon but each has an
 * English one-word equivalent (the most stated, loanword pairs included,
 * even of a word too common to expand alone; and its glossary words,
 * part_words below), the English phrase they
 * compose is an equivalent of the pair, added to both words' groups like a
 * span's when the index holds the phrase and it is not too common: a
 * paper that writes "world model" then outranks one that writes
 * "open-world" and 모델 (a trial: 월드 모델 ranked LARP, an open-world
 * game agent, third). Source "composed". */

/* A word of the lexicon, English or Korean: its terms and how papers
 * write it (both into the lexicon, or the query's text); terms_len 0 when
 * there is none. */
typedef struct lex_word {
    const char *terms, *surface;
    size_t terms_len, surface_len;
    bool guessed; /* from a pair found by company, not safe both ways (alt.guessed) */
} lex_word;

/* Into *out the most stated equivalent of the key in x->key, found at
 * lk[0..n_lk), that is one word: an English one (no phrase) when korean is
 * false, else a Korean one (its surface one word, 이미지 or 키-값). */
static int word_of_key(expander *x, const lookup *lk, size_t n_lk, bool korean, lex_word *out)
{
    alt_list l = {.cap = ALT_GATHER};
    const char *key_surface = NULL;
    size_t key_surface_len = 0;
    *out = (lex_word){NULL, NULL, 0, 0, false};
    /* no hop: it goes back into the key's language, never to the other */
    int rc = find_alts(x->s, x->lx, (const char *)x->key.data, x->key.len, lk, n_lk,
                       PAIRS_ANY, false, &l, &key_surface, &key_surface_len);
    for (size_t i = 0; !rc && i < l.n; i++) {
        const alt *a = &l.a[i];
        if (is_korean(a->terms) != korean ||
            (korean ? memchr(a->surface, ' ', a->surface_len) != NULL
                    : memchr(a->terms, ' ', a->terms_len) || a->terms_len > PDX_MAX_TERM_BYTES))
            continue; /* the other language, or a phrase */
        *out = (lex_word){a->terms, a->surface, a->terms_len, a->surface_len, a->guessed};
        break;
    }
    return rc;
}

/* word_of_key() in English for Korean word w. */
static int english_word_of(expander *x, const span_word *w, lex_word *out)
{
    int side, rc;
    lookup lk[2];
    size_t n_lk;
    uint32_t hyphens;
    out->terms_len = 0;
    if (!span_lookup(x, w, 1, 0, lk, &n_lk, &side, &hyphens, &rc) || side != PDX_LEX_KO)
        return rc;
    return word_of_key(x, lk, n_lk, false, out);
}

/* word_of_key() for the key built in x->key on `side`, in the other
 * language; out->terms_len 0 when the lexicon lacks the key. */
static int word_of_built_key(expander *x, int side, lex_word *out)
{
    lookup lk[2];
    size_t n_lk;
    out->terms_len = 0;
    if (x->key.err)
        return PDX_ENOMEM;
    int rc = find_key(x, side, lk, &n_lk);
    if (rc || !(lk[0].count + lk[1].count))
        return rc;
    return word_of_key(x, lk, n_lk, side == PDX_LEX_EN, out);
}

/* word_of_key() in English for the part of closed compound clause c made of its
 * bigram slots [from, to): keyed as those bigrams. */
static int english_part_of(expander *x, const pdx_clause *c, uint32_t from, uint32_t to,
                           lex_word *out)
{
    pdx_buf_reset(&x->key);
    for (uint32_t i = from; i < to; i++)
        pdx_lexicon_key_add(&x->key, c->slots[i].text, c->slots[i].text_len);
    return word_of_built_key(x, PDX_LEX_KO, out);
}

/* Do groups a and b share an alternative (a span's equivalent, not the
 * phrase of the compound they were typed as)? */
static bool share_alternative(const pdx_group *a, const pdx_group *b)
{
    for (uint32_t i = 0; i < a->n_clauses; i++)
        if (a->clauses[i].alternative && !a->clauses[i].compound_phrase &&
            group_has(b, &a->clauses[i]))
            return true;
    return false;
}

/* Adds the phrase of terms[0..tn) (the lexicon's form), written to[0..tl),
 * to the n groups of w as their composed equivalent, PDX_LEXICON_WEIGHT
 * split among them, noted as from[0..fn) (no note when fn or tl is 0),
 * when the index holds its terms, it is not too common, and no group has
 * it; *added says whether it was. */
static int add_composed_terms(expander *x, const span_word *w, uint32_t n, const char *terms,
                              size_t tn, const char *to, size_t tl, const char *from, size_t fn,
                              bool bounded, bool *added)
{
    pdx_query *q = x->q;
    *added = false;
    pdx_clause cl;
    int rc = pdx_clause_from_terms(x->s, terms, tn, word_clause(q, w[0])->fields, &cl);
    if (rc)
        return rc == PDX_EINVAL ? PDX_OK : rc;
    bool skip = cl.missing || (bounded && pdx_clause_too_common(x->s, &cl));
    for (uint32_t k = 0; k < n && !skip; k++)
        skip = group_has(&q->groups[w[k].g], &cl);
    if (skip) {
        pdx_clause_free(&cl);
        return PDX_OK;
    }
    double weight = PDX_LEXICON_WEIGHT / n;
    cl.weight = weight;
    cl.alternative = true;
    if ((rc = add_to_span(q, w, n, &cl)))
        return rc;
    x->alts_left--;
    *added = true;
    if (!fn || !tl)
        return PDX_OK;
    return pdx_query_note_expansion(q, from, fn, to, tl, "composed", 0, weight);
}

/* add_composed_terms() for the phrase of English words e[0] e[1] (two
 * words typed apart, or one compound typed closed). */
static int add_composed(expander *x, const span_word *w, uint32_t n, const lex_word e[2],
                        const char *from, size_t fn, bool *added)
{
    char terms[2 * PDX_MAX_TERM_BYTES + 2], to[2 * PDX_SPELLING_MAX + 1];
    size_t tn = two_words(terms, sizeof terms, e[0].terms, e[0].terms_len, e[1].terms,
                          e[1].terms_len);
    size_t tl = two_words(to, sizeof to, e[0].surface, e[0].surface_len, e[1].surface,
                          e[1].surface_len);
    return add_composed_terms(x, w, n, terms, tn, to, tl, from, fn, true, added);
}

/* English word w as a lex_word: its term and the word as typed. */
static bool english_word_as_typed(const pdx_query *q, const span_word *w, const char *text,
                                  lex_word *out)
{
    const pdx_clause *c = word_clause(q, *w);
    const pdx_group *g = &q->groups[w->g];
    if (c->n_slots != 1 || !g->typed_len || !letters_only(c->slots[0].text, c->slots[0].text_len))
        return false;
    *out = (lex_word){c->slots[0].text, text + g->typed_at, c->slots[0].text_len, g->typed_len,
                      false};
    return true;
}

/* The Hangul of closed compound clause c's part made of its bigram slots
 * [from, to) into out (size bytes): the first syllable of each and the
 * last one's second; 0 when a slot is no two Hangul syllables or it does
 * not fit. */
static size_t part_text(const pdx_clause *c, uint32_t from, uint32_t to, char *out, size_t size)
{
    size_t n = 0;
    for (uint32_t i = from; i < to; i++) {
        const pdx_slot *t = &c->slots[i];
        if (t->text_len != 6 || n + 6 > size)
            return 0;
        memcpy(out + n, t->text, 3);
        n += 3;
        if (i + 1 == to) {
            memcpy(out + n, t->text + 3, 3);
            n += 3;
        }
    }
    return n;
}

/* The Korean word of group g (its clause c) as typed in text, *n bytes;
 * a part of a compound split apart was not typed alone (탈옥방어: 방어),
 * and its bigrams spell it into ko (PDX_MAX_TERM_BYTES; *n 0 when they
 * cannot). */
static const char *word_as_typed(const pdx_group *g, const pdx_clause *c, const char *text,
                                 char *ko, size_t *n)
{
    if (g->typed_len) {
        *n = g->typed_len;
        return text + g->typed_at;
    }
    *n = part_text(c, 0, c->n_slots, ko, PDX_MAX_TERM_BYTES);
    return ko;
}

/* The English words a part of a composed phrase may take: its lexicon
 * word and the glossary's (glossary.c: 관리 -> management, 성능 ->
 * performance, even past the bounds that keep it from a word alone: in a
 * phrase it is one word of two). `메모리 관리` then also finds "memory
 * management", `추론성능` "inference performance" (a known-item query
 * naming a title so missed it). terms: each word's term, as the index
 * holds it. */
typedef struct part_words {
    lex_word w[PDX_GLOSSARY_MAX];
    size_t n;
    char terms[PDX_GLOSSARY_MAX][PDX_MAX_TERM_BYTES + 1];
} part_words;

/* Is term t[0, n) one of p's words already? */
static bool part_has(const part_words *p, const char *t, size_t n)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->w[i].terms_len == n && !memcmp(p->w[i].terms, t, n))
            return true;
    return false;
}

/* Adds the glossary's English words of Korean word ko[0, kn) to *p, as
 * many as fit, each one term of the index (not "fine-tuning", not a word
 * no paper has) that p lacks. */
static int glossary_part(expander *x, const char *ko, size_t kn, uint8_t fields, part_words *p)
{
    const char *words[PDX_GLOSSARY_MAX];
    size_t n = pdx_glossary(ko, kn, words);
    for (size_t i = 0; i < n && p->n < PDX_GLOSSARY_MAX; i++) {
        pdx_clause cl;
        int rc = pdx_clause_of_word(x->s, words[i], strlen(words[i]), fields, 1, &cl);
        if (rc)
            return rc;
        const pdx_slot *t = cl.n_slots == 1 ? &cl.slots[0] : NULL;
        if (!cl.missing && t && t->text_len <= PDX_MAX_TERM_BYTES &&
            !part_has(p, t->text, t->text_len)) {
            memcpy(p->terms[p->n], t->text, t->text_len);
            p->w[p->n] = (lex_word){p->terms[p->n], words[i], t->text_len, strlen(words[i]),
                                    false};
            p->n++;
        }
        pdx_clause_free(&cl);
    }
    return PDX_OK;
}

/* *p as the lexicon's word e, if it has one, then with glossary the
 * glossary's words of ko[0, kn) (추론: reasoning, the lexicon's, and
 * inference). */
static int part_of(expander *x, const lex_word *e, const char *ko, size_t kn, uint8_t fields,
                   bool glossary, part_words *p)
{
    p->n = 0;
    if (e->terms_len)
        p->w[p->n++] = *e;
    return glossary ? glossary_part(x, ko, kn, fields, p) : PDX_OK;
}

/* add_composed() for each phrase of a word of p[0] and one of p[1] (a
 * glossary word may have two: 추론 성능 is reasoning or inference
 * performance). */
static int add_composed_parts(expander *x, const span_word *w, uint32_t n,
                              const part_words p[2], const char *from, size_t fn)
{
    int rc = PDX_OK;
    for (size_t i = 0; i < p[0].n && !rc; i++)
        for (size_t j = 0; j < p[1].n && !rc && x->alts_left; j++) {
            bool added;
            lex_word e[2] = {p[0].w[i], p[1].w[j]};
            rc = add_composed(x, w, n, e, from, fn, &added);
        }
    return rc;
}

/* Composes the equivalent of words w[0], w[1], Korean both or one of them
 * beside an English word (see above). */
static int compose_pair(expander *x, const span_word *w, const char *text)
{
    part_words p[2];
    bool korean[2] = {is_korean(word_clause(x->q, w[0])->slots[0].text),
                      is_korean(word_clause(x->q, w[1])->slots[0].text)};
    for (int i = 0; i < 2; i++) {
        const pdx_clause *c = word_clause(x->q, w[i]);
        if (!korean[i]) {
            if (!english_word_as_typed(x->q, &w[i], text, &p[i].w[0]))
                return PDX_OK;
            p[i].n = 1;
            continue;
        }
        /* beside an English word typed, the glossary only for a Korean word
         * not too common to expand: with 언어 or 모델 it composed mostly what
         * no paper names ("meet language" of `meet 언어`) and read the
         * positions of a common word for it */
        bool glossary = korean[!i] || !pdx_clause_too_common(x->s, c);
        char ko[PDX_MAX_TERM_BYTES];
        size_t kn;
        const char *kt = word_as_typed(&x->q->groups[w[i].g], c, text, ko, &kn);
        lex_word e;
        int rc;
        if ((rc = english_word_of(x, &w[i], &e)) ||
            (rc = part_of(x, &e, kt, kn, c->fields, glossary, &p[i])) || !p[i].n)
            return rc;
    }
    const pdx_group *a = &x->q->groups[w[0].g], *b = &x->q->groups[w[1].g];
    char from[2 * PDX_SPELLING_MAX + 1];
    size_t fn = 0;
    if (!a->split_part)
        fn = two_words(from, sizeof from, text + a->typed_at, a->typed_len, text + b->typed_at,
                       b->typed_len);
    else if (a->split_len < sizeof from) /* noted as the compound typed */
        memcpy(from, text + a->split_at, fn = a->split_len);
    return add_composed_parts(x, w, 2, p, from, fn);
}

/* A compound typed closed that the lexicon has no equivalent of, made of
 * two parts of two syllables or more that each has a one-word English
 * equivalent, gets their phrase as its equivalent, as two words typed
 * apart would (`음악생성`: music generation); the first split from the
 * left whose phrase the index holds, not too common. */
static int compose_closed(expander *x, uint32_t g, const char *text)
{
    pdx_query *q = x->q;
    span_word w;
    if (!one_word_group(q, g, &w))
        return PDX_OK;
    const pdx_clause *c = word_clause(q, w);
    if (!is_korean(c->slots[0].text) || c->n_slots < 3 || !chained_bigrams(c))
        return PDX_OK;
    uint32_t n = c->n_slots;
    uint8_t fields = c->fields;
    int rc = PDX_OK;
    /* parts: slots [0, j) and [j + 1, n): the slot j spans the boundary */
    for (uint32_t j = 1; j + 2 <= n && !rc; j++) {
        lex_word e[2];
        part_words p[2];
        char ko[2][PDX_MAX_TERM_BYTES];
        size_t k0 = part_text(c, 0, j, ko[0], sizeof ko[0]);
        size_t k1 = part_text(c, j + 1, n, ko[1], sizeof ko[1]);
        if ((rc = english_part_of(x, c, 0, j, &e[0])) ||
            (rc = part_of(x, &e[0], ko[0], k0, fields, true, &p[0])) || !p[0].n ||
            (rc = english_part_of(x, c, j + 1, n, &e[1])) ||
            (rc = part_of(x, &e[1], ko[1], k1, fields, true, &p[1])) || !p[1].n)
            continue;
        const pdx_group *gr = &q->groups[g];
        uint32_t had = gr->n_clauses;
        rc = add_composed_parts(x, &w, 1, p, text + gr->typed_at, gr->typed_len);
        if (q->groups[g].n_clauses != had) /* c is gone: adding moved the group's clauses */
            break;
    }
    return rc;
}

/* ---- an English compound typed with hyphens ----
 *
 * `KV-cache` is a phrase of its parts (kv cache), and a span the lexicon
 * knows only as a whole: where `KV cache` typed apart takes each word's
 * equivalents (KV: 키-값, cache: 캐시) and found 56 papers, `KV-cache`
 * found 21 and none of the digests' "KV 캐시" (`3D-reconstruction` 18
 * against 63 for `3D reconstruction`, `image-editing` 33 against 79). So
 * a word of hyphenated English parts, typed as a word of its own (not
 * quoted), gets the phrase its parts compose with each part's most stated
 * one-word Korean equivalent in its place, a part with none staying as
 * typed and a function word dropped (Korean joins `text-to-image` as
 * 텍스트-이미지, the digests' spelling in 373 of 375 places): written with
 * the hyphens (no bigram bridging two Korean parts: 텍스트-이미지, 시각-언어)
 * and spaced (with it: 이미지 편집, 비디오 생성), when the index holds the
 * terms, not too common. Each is an equivalent of the word at
 * PDX_LEXICON_WEIGHT (`--explain`: composed), as the lexicon's would be;
 * the phrase decides the match, so parts apart are still no match. */

/* A hyphenated word of at most this many parts is composed. */
#define HYPHENED_PARTS 4

/* Room for the terms of a Korean word less its particle (12 syllables:
 * 11 bigrams of 6 bytes and their spaces). */
#define WORD_TERMS_MAX 80

/* A pair found by company holds its Korean word as a text wrote it, which
 * may end in a particle (image: 이미지로): when word w keys otherwise as a
 * query word (the tokenizer drops the particle), it becomes that key
 * (copied into store) and its surface the word before the particle (the
 * longest particle pdx_korean_particle_len() reads to its end). Uses
 * x->key. */
static int drop_particle(expander *x, lex_word *w, char store[WORD_TERMS_MAX])
{
    int rc = pdx_lexicon_key_of(x->s->tk, PDX_TOKENIZE_QUERY, w->surface, w->surface_len,
                                &x->key);
    if (rc || (x->key.len == w->terms_len && !memcmp(x->key.data, w->terms, w->terms_len)))
        return rc;
    if (!x->key.len || x->key.len > WORD_TERMS_MAX) {
        w->terms_len = 0; /* no word left, or too long: none */
        return PDX_OK;
    }
    memcpy(store, x->key.data, x->key.len);
    w->terms = store;
    w->terms_len = x->key.len;
    for (size_t k = 0, n = w->surface_len; k < n; k += pdx_utf8_first_len(w->surface + k, n - k))
        if (k && pdx_korean_particle_len(w->surface + k, n - k) == n - k) {
            w->surface_len = k;
            break;
        }
    return PDX_OK;
}

/* Into *out the most stated one-word Korean equivalent of English term
 * t[0..n), looked up as a word typed alone, less a particle
 * (drop_particle(), its terms maybe in store); terms_len 0 when none. */
static int korean_of_term(expander *x, const char *t, size_t n, char store[WORD_TERMS_MAX],
                          lex_word *out)
{
    pdx_buf_reset(&x->key);
    pdx_lexicon_key_add(&x->key, t, n);
    int rc = word_of_built_key(x, PDX_LEX_EN, out);
    return rc || !out->terms_len ? rc : drop_particle(x, out, store);
}

/* Is part t[0..n) of a hyphenated word written as typed in Korean text:
 * an acronym or a word with a digit (KV, LLM, 3D, GPT4)? */
static bool kept_as_typed(const char *t, size_t n)
{
    if (is_acronym(t, n))
        return true;
    for (size_t i = 0; i < n; i++)
        if (t[i] >= '0' && t[i] <= '9')
            return true;
    return false;
}

/* Is t[0..n) ASCII letters and digits only? */
static bool alnum_only(const char *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_alnum_byte(t[i]))
            return false;
    return true;
}

/* Splits the typed word t[0..n) at its hyphens into parts (n_parts of them,
 * at most HYPHENED_PARTS, none empty, each ASCII letters and digits: a
 * part is then its own slot, as typed); false when it does not split so. */
static bool hyphen_parts(const char *t, size_t n, lex_word part[HYPHENED_PARTS],
                         uint32_t *n_parts)
{
    *n_parts = 0;
    for (size_t at = 0; at <= n;) {
        const char *h = memchr(t + at, '-', n - at);
        size_t end = h ? (size_t)(h - t) : n;
        if (end == at || *n_parts == HYPHENED_PARTS || !alnum_only(t + at, end - at))
            return false;
        part[(*n_parts)++] = (lex_word){NULL, t + at, 0, end - at, false};
        at = end + 1;
    }
    return *n_parts >= 2;
}

/* Appends a part's terms t[0..tn) and surface to the composed phrase's
 * terms and written form (joined by sep), with the bigram bridging the
 * Korean part before when bridge says so; false when the surface does
 * not fit. */
static bool compose_append(pdx_buf *terms, char *to, size_t *tl, size_t cap, const lex_word *p,
                           bool bridge, char sep)
{
    if (bridge && terms->len)
        key_add_bridge(terms, (const char *)terms->data, terms->len, p->terms, p->terms_len);
    if (terms->len) /* the joined form: several terms of one part keep their spaces */
        pdx_buf_putc(terms, ' ');
    pdx_buf_append(terms, p->terms, p->terms_len);
    if (*tl + 1 + p->surface_len > cap)
        return false;
    if (*tl)
        to[(*tl)++] = sep;
    memcpy(to + *tl, p->surface, p->surface_len);
    *tl += p->surface_len;
    return true;
}

/* Is some part of part[0..n) a guess: a Korean word from a pair found by
 * company, not safe both ways (lex_word.guessed)? */
static bool guessed_part(const lex_word *part, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (part[i].terms_len && part[i].guessed)
            return true;
    return false;
}

/* Does some paper write the phrase t[0..n), quoted (*held)? A part guessed
 * by company may be another word's partner (end: 개방형, of open-ended;
 * time: 실시간; a review found a third of such phrases in no paper), and a
 * phrase no paper writes would only be noted in --explain as if it were
 * searched for something. The check is a search of the phrase, so it is
 * made only when the phrase's rarest term is not common (pdx_clause_too_common()):
 * one whose every bigram is in over a fifth of the papers is made of
 * common words, whose company pairs are their names (text-to-image:
 * 텍스트-이미지), and checking it would cost as much as the query
 * (text-to-image 0.28 -> 0.54 ms). */
static int some_paper_writes(expander *x, const char *t, size_t n, bool *held)
{
    char quoted[2 * PDX_SPELLING_MAX + 3];
    uint64_t total = 0;
    *held = false;
    if (n + 2 > sizeof quoted)
        return PDX_OK;
    quoted[0] = '"';
    memcpy(quoted + 1, t, n);
    quoted[n + 1] = '"';
    int rc = pdx_papers_as_written(x->s, quoted, n + 2, &total);
    *held = !rc && total > 0;
    return rc;
}

/* Adds the phrase of parts part[0..n) (those with terms; a Korean part
 * after a Korean part bridged to it when spaced), written with hyphens or
 * spaced, to group w's word; *two_korean says whether two Korean parts
 * stand side by side (else the spaced phrase is the hyphenated one). */
static int add_hyphen_phrase(expander *x, const span_word *w, const lex_word *part, uint32_t n,
                             bool spaced, const char *from, size_t fn, bool *two_korean)
{
    pdx_buf terms = {0};
    char to[2 * PDX_SPELLING_MAX + 1];
    size_t tl = 0;
    bool fits = true, prev_korean = false;
    *two_korean = false;
    for (uint32_t i = 0; i < n && fits; i++) {
        if (!part[i].terms_len)
            continue;
        bool korean = is_korean(part[i].terms);
        *two_korean |= korean && prev_korean;
        fits = compose_append(&terms, to, &tl, sizeof to, &part[i], spaced && korean && prev_korean,
                              spaced ? ' ' : '-');
        prev_korean = korean;
    }
    int rc = terms.err;
    bool added, held = true, common = false;
    if (!rc && fits && guessed_part(part, n) &&
        !(rc = terms_too_common(x->s, (const char *)terms.data, terms.len, &common)) && !common)
        rc = some_paper_writes(x, to, tl, &held);
    if (!rc && fits && held)
        rc = add_composed_terms(x, w, 1, (const char *)terms.data, terms.len, to, tl, from, fn,
                                false, &added);
    pdx_buf_free(&terms);
    return rc;
}

/* Composes the Korean phrases of the hyphenated English word of group g
 * (see above). */
static int compose_hyphened(expander *x, uint32_t g, const char *text)
{
    pdx_query *q = x->q;
    span_word w;
    if (!one_word_group(q, g, &w))
        return PDX_OK;
    const pdx_group *gr = &q->groups[g];
    const pdx_clause *c = word_clause(q, w);
    const char *typed = text + gr->typed_at;
    lex_word part[HYPHENED_PARTS];
    char store[HYPHENED_PARTS][WORD_TERMS_MAX], ascii[PDX_SPELLING_MAX];
    /* an editor's hyphen (U+2010, the en dash) is one too: KV‐cache */
    size_t an = pdx_ascii_hyphens(typed, gr->typed_len, ascii);
    uint32_t n;
    if (is_korean(c->slots[0].text) || !an || !memchr(ascii, '-', an) ||
        !hyphen_parts(ascii, an, part, &n) || n != c->n_slots)
        return PDX_OK;
    uint32_t content = 0, korean = 0;
    for (uint32_t i = 0; i < n; i++) {
        const pdx_slot *sl = &c->slots[i];
        lex_word ko = {NULL, NULL, 0, 0, false};
        if (pdx_english_function_word(part[i].surface, part[i].surface_len))
            continue; /* dropped: terms_len stays 0 */
        content++;
        if (!kept_as_typed(part[i].surface, part[i].surface_len)) {
            int rc = korean_of_term(x, sl->text, sl->text_len, store[i], &ko);
            if (rc || !ko.terms_len)
                return rc; /* a part Korean would not write as typed */
            korean++;
        }
        part[i] = ko.terms_len ? ko : (lex_word){sl->text, part[i].surface, sl->text_len,
                                                 part[i].surface_len, false};
    }
    if (content < 2 || !korean)
        return PDX_OK;
    bool two_korean;
    int rc = PDX_OK;
    if (x->alts_left)
        rc = add_hyphen_phrase(x, &w, part, n, false, typed, gr->typed_len, &two_korean);
    if (!rc && two_korean && x->alts_left)
        rc = add_hyphen_phrase(x, &w, part, n, true, typed, gr->typed_len, &two_korean);
    return rc;
}

/* Is group g part of a span the lexicon knows: does it share an
 * alternative with the group before or after it? */
static bool in_span(const pdx_query *q, uint32_t g)
{
    return (g > 0 && share_alternative(&q->groups[g - 1], &q->groups[g])) ||
           (g + 1 < q->n_groups && share_alternative(&q->groups[g], &q->groups[g + 1]));
}

/* Composes an equivalent for each two Korean words typed side by side,
 * neither in a span the lexicon knows (`모델링 스케일링 법칙`: 스케일링 법칙
 * is scaling laws, and "modeling scaling" would be no name; see above),
 * then for each compound typed closed the lexicon gave none
 * (compose_closed()). */
static int compose_words(expander *x, const char *text, size_t len)
{
    pdx_query *q = x->q;
    /* the spans found before any is composed (a composed pair is none) */
    bool spanned[PDX_MAX_QUERY_GROUPS];
    if (q->n_groups > PDX_MAX_QUERY_GROUPS)
        return PDX_OK;
    for (uint32_t g = 0; g < q->n_groups; g++)
        spanned[g] = in_span(q, g);
    int rc = PDX_OK;
    for (uint32_t g = 0; g + 1 < q->n_groups && x->alts_left && !rc; g++) {
        span_word w[2];
        const pdx_group *a = &q->groups[g], *b = &q->groups[g + 1];
        /* a function word is no word of a name (join_pair() asks the same):
         * `비디오 and 이미지` is no "video and" */
        if (a->function_word || b->function_word || !side_by_side(a, b, text, len) ||
            !one_word_group(q, g, &w[0]) ||
            !one_word_group(q, g + 1, &w[1]) ||
            (!is_korean(word_clause(q, w[0])->slots[0].text) &&
             !is_korean(word_clause(q, w[1])->slots[0].text)) ||
            spanned[g] || spanned[g + 1])
            continue;
        rc = compose_pair(x, w, text);
    }
    for (uint32_t g = 0; g < q->n_groups && g < PDX_MAX_QUERY_GROUPS && x->alts_left && !rc; g++)
        if (!x->expanded[g] && q->groups[g].typed_len)
            rc = compose_closed(x, g, text);
    for (uint32_t g = 0; g < q->n_groups && x->alts_left && !rc; g++)
        if (q->groups[g].typed_len)
            rc = compose_hyphened(x, g, text);
    return rc;
}

/* Does group g, a plain word (no prefix, no field), match its word only,
 * as typed (its first clause), an acronym plural's singular (LLMs: llm)
 * and the word before its particle aside? Else the parser or the lexicon
 * gave it another form. */
static bool only_as_typed(const pdx_group *g)
{
    /* a prefix's terms and a field's word are no word as typed */
    if (!g->n_clauses)
        return false;
    const pdx_clause *cl = &g->clauses[0];
    if (cl->fields != PDX_FIELDS_ALL || cl->kind != PDX_CLAUSE_TERMS)
        return false;
    for (uint32_t i = 0; i < cl->n_slots; i++)
        if (cl->slots[i].prefix)
            return false;
    for (uint32_t k = 1; k < g->n_clauses; k++)
        if (!g->clauses[k].optional && !g->clauses[k].folded)
            return false;
    return true;
}

/* ---- the glossary: everyday words the lexicon leaves out ----
 *
 * A word the lexicon gave no equivalent (it has none, or the word is too
 * common to expand) takes its words in the other language from the
 * glossary (glossary.c: 품질 -> quality, defense -> 방어), as lexicon
 * equivalents weighing PDX_LEXICON_WEIGHT, when they are not past the
 * bounds themselves: a translation in a fifth of the papers or more would
 * add a union over much of the index to every query with the word (the 500
 * latency queries took 37% longer at 1x with 모델 <-> model, 학습 <->
 * learning and their like) and, being nearly everywhere, it would not tell
 * papers apart. After the lexicon, so that a stated pair keeps its own
 * weight split over a span ("음성 인식": speech recognition, not speech
 * and recognition besides). */

/* Adds word w's translation to[0, tn) to its group, as an equivalent. */
static int add_translation(expander *x, const span_word *w, const char *typed, size_t typed_len,
                           const char *to, size_t tn)
{
    pdx_group *gr = &x->q->groups[w->g];
    pdx_clause cl;
    int rc = pdx_clause_of_word(x->s, to, tn, word_clause(x->q, *w)->fields,
                                PDX_MAX_PHRASE_TERMS, &cl);
    if (rc || cl.missing || pdx_clause_too_common(x->s, &cl) || group_has(gr, &cl)) {
        pdx_clause_free(&cl);
        return rc;
    }
    cl.weight = PDX_LEXICON_WEIGHT;
    cl.alternative = true;
    alt a = {.surface = to, .surface_len = tn};
    return add_alt_clause(x, w, 1, &cl, typed, typed_len, &a, "glossary");
}

/* Gives each one-word group the lexicon left unexpanded its glossary
 * translations. */
static int expand_glossary(expander *x, const char *text, size_t len)
{
    int rc = PDX_OK;
    for (uint32_t g = 0; g < x->q->n_groups && g < PDX_MAX_QUERY_GROUPS && !rc; g++) {
        const pdx_group *gr = &x->q->groups[g];
        span_word w;
        const char *words[PDX_GLOSSARY_MAX];
        if (x->expanded[g] || (!gr->typed_len && !gr->split_part) ||
            (size_t)gr->typed_at + gr->typed_len > len || !one_word_group(x->q, g, &w))
            continue;
        /* (a word in quotes has no typed length either, and takes nothing) */
        char ko[PDX_MAX_TERM_BYTES];
        size_t tn;
        const char *typed = word_as_typed(gr, word_clause(x->q, w), text, ko, &tn);
        size_t n = tn ? pdx_glossary(typed, tn, words) : 0;
        for (size_t i = 0; i < n && !rc && x->alts_left; i++)
            rc = add_translation(x, &w, typed, tn, words[i], strlen(words[i]));
    }
    return rc;
}

/* Names in out (size bytes), as typed and as many as fit, the plain
 * words of q that were not expanded and are: with common, words the
 * lexicon has that were too common to expand and got no equivalent
 * otherwise (`추론`: reasoning and inference, in a third of the papers);
 * without, the others that have no other form at all (for --explain: a
 * trial could not tell the words searched in one language only). */
static void note_unexpanded(const expander *x, const char *text, size_t len, bool common,
                            char *out, size_t size)
{
    const pdx_query *q = x->q;
    size_t used = 0;
    out[0] = 0;
    /* (a query past PDX_MAX_QUERY_GROUPS is refused when searched) */
    for (uint32_t g = 0; g < q->n_groups && g < PDX_MAX_QUERY_GROUPS; g++) {
        const pdx_group *gr = &q->groups[g];
        bool pick = common ? x->common[g]
                           : !x->common[g] && !gr->function_word && !gr->negated &&
                                 only_as_typed(gr);
        if (!pick || x->expanded[g] || !gr->typed_len ||
            (size_t)gr->typed_at + gr->typed_len > len || used + gr->typed_len + 3 > size)
            continue;
        used += (size_t)snprintf(out + used, size - used, "%s%.*s", used ? ", " : "",
                                 (int)gr->typed_len, text + gr->typed_at);
    }
}

/* The lexicon's equivalents of the query's words and spans, then the
 * words typed apart that papers write as one (join_words()). */
static int expand_by_lexicon(expander *x, const char *text, size_t len)
{
    pdx_query *q = x->q;
    int rc = join_words(x, text, len);
    /* Expansion adds clauses, not groups: these are the parser's. */
    for (uint32_t g = 0, used; g < q->n_groups && x->alts_left && !rc; g += used) {
        /* the groups of one word from g, a span's worth at most */
        span_word w[PDX_LEXICON_MAX_SPAN];
        uint32_t n = 0;
        while (n < PDX_LEXICON_MAX_SPAN && g + n < q->n_groups && one_word_group(q, g + n, &w[n]))
            n++;
        used = 1;
        bool head = false;
        rc = n ? expand_at(x, w, n, &used, &head) : expand_alternatives(x, g);
        /* a head hides no stated equivalent of its words (pdx_lex_pair.head) */
        x->stated_only = true;
        for (uint32_t i = 0, one; head && used > 1 && i < used && !rc && x->alts_left; i++) {
            bool word_head;
            rc = expand_at(x, &w[i], 1, &one, &word_head);
        }
        x->stated_only = false;
    }
    return rc;
}

int pdx_query_expand(pdx_searcher *s, pdx_query *q, const char *text, size_t len)
{
    const pdx_lexicon *lx;
    int rc = pdx_index_lexicon(s->ix, &lx);
    if (rc)
        return pdx_searcher_error(s, rc, "%s", pdx_index_errmsg(s->ix));
    expander x = {.s = s, .q = q, .lx = lx, .alts_left = PDX_LEXICON_MAX_QUERY_ALTS};
    rc = lx ? expand_by_lexicon(&x, text, len) : PDX_OK;
    if (!rc)
        rc = expand_glossary(&x, text, len);
    if (!rc && lx)
        rc = compose_words(&x, text, len);
    note_unexpanded(&x, text, len, true, q->too_common, sizeof q->too_common);
    note_unexpanded(&x, text, len, false, q->as_typed, sizeof q->as_typed);
    pdx_buf_free(&x.key);
    if (rc == PDX_ENOMEM)
        pdx_searcher_error(s, rc, "out of memory expanding the query");
    else if (rc && lx && pdx_lexicon_error(lx)) /* damage found by a lookup (opened lazily) */
        pdx_searcher_error(s, pdx_index_corrupt(s->ix, "LEXICON: %s", pdx_lexicon_errmsg(lx)),
                           "%s", pdx_index_errmsg(s->ix));
    return rc;
}
