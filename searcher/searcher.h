/*
 * Internal header for searcher/: the searcher handle, the parsed query and
 * what the searcher's files share. One block per .c file. Nothing here is
 * public; the public API is include/paperdex/search.h.
 *
 * Directory rules: searcher/ depends on common/ only, never on indexer/.
 */
#ifndef PDX_SEARCHER_H
#define PDX_SEARCHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "paperdex/search.h"
#include "paperdex/tokenizer.h"
#include "segment.h"

/* ---- searcher.c: the handle ---- */

struct pdx_searcher {
    pdx_index *ix;     /* not owned */
    pdx_tokenizer *tk; /* owned; shared by query parsing and highlighting */
    char errmsg[512];
    /* highlight/snippet scratch, reused from call to call */
    pdx_span *spans;
    size_t n_spans, cap_spans;
    pdx_span *snip_spans;
    size_t cap_snip_spans;
    pdx_buf snip;      /* snippet text */
    uint32_t *marks;   /* scratch for snippet window selection */
    size_t cap_marks;
    double *boost_tab;   /* vote boost by vote count (search.c), or NULL */
    double boost_weight; /* the vote weight boost_tab was made for */
    bool exhaustive;     /* score every candidate, prune nothing (search.c) */
};

/* Records a message (printf-style) and returns code. */
int pdx_searcher_error(pdx_searcher *s, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- search.c ---- */

/* Turns every pruning path of pdx_search off (MaxScore, early exits,
 * skipped positions and proximity, partial-pass pruning) so that each
 * candidate is scored: the reference tests/test_exact.c compares pruned
 * searches with. Same hits, scores and totals, only slower. */
void pdx_search_set_exhaustive(pdx_searcher *s, bool on);

/* ---- query.c: parsing ----
 *
 * A query is a list of groups. Each group is an OR of one or more clauses;
 * every non-negated group must match (AND), no negated group may. A clause
 * is a sequence of term slots that must occur at consecutive positions in
 * one field (a single slot for a plain word), restricted to a field mask.
 * A slot is one term, or the terms a prefix expanded to (any of them). */

#define PDX_FIELDS_ALL 7u
/* Weight of the noun that a derived Korean form stands for (see
 * pdx_clause.weight), chosen on the known-item and topical evaluations in
 * bench/: low enough that the form as written ranks first. */
#define PDX_DERIVED_WEIGHT 0.5

typedef struct pdx_slot {
    uint32_t *ords;   /* term ordinals present in the index (may be none) */
    uint32_t n_ords;
    char *text;       /* the normalized query term, for messages/highlight */
    size_t text_len;
    bool prefix;      /* text is a prefix: highlight terms starting with it */
    /* A bigram inside a Korean (CJK) compound or phrase: ords also hold the
     * bridge form of text, the two characters with a space between them, as
     * the tokenizer indexes a bigram that spans one space. So "강화학습"
     * finds "강화 학습"; a lone two-character word never has this set. */
    bool bridge;
} pdx_slot;

typedef struct pdx_clause {
    pdx_slot *slots;
    uint32_t n_slots;
    uint8_t fields;   /* PDX_FIELDS_ALL or one bit per field */
    bool missing;     /* some slot has no term in the index: cannot match */
    /* An optional clause only adds to the score of its group when it
     * matches; it never decides whether the group matches. The parser adds
     * one for a word that lost a particle, holding the word as written, so
     * "소개는" matches every 소개 but ranks "소개는" first. */
    bool optional;
    /* Scales the clause's BM25 (1 for the words as written). An alternative
     * spelling the parser adds for a word, such as the noun of a derived
     * Korean form ("효율화" -> 효율), weighs less, so papers with the word
     * as written rank first. */
    double weight;
    /* Another form of the group's first clause (the noun of a derived
     * form): it may match instead of it, but the group still stands for
     * one query word (for proximity). */
    bool alternative;
} pdx_clause;

typedef struct pdx_group {
    pdx_clause *clauses;
    uint32_t n_clauses;
    bool negated;
} pdx_group;

struct pdx_query {
    pdx_group *groups;
    uint32_t n_groups;
    /* filters; a range is inclusive */
    int32_t date_lo, date_hi; /* 0 .. INT32_MAX when absent */
    int64_t votes_lo, votes_hi;
    bool has_votes_filter;    /* excludes papers with unknown votes */
    char *id;                 /* id: filter, or NULL */
    size_t id_len;
    char notice[256];         /* e.g. a prefix expansion hit its bound */
};

/* True if an index term should be highlighted for q: it is one of q's
 * positive (non-negated) terms, or starts with one of its prefixes. */
bool pdx_query_highlights(const pdx_query *q, const char *term, size_t len);
/* Does the slot stand for the index term (its text, a term starting with
 * it for a prefix, or its bridge form)? */
bool pdx_slot_accepts(const pdx_slot *sl, const char *term, size_t len);

#endif
