/*
 * The lexicon miner: finds Korean<->English equivalences that the digests
 * state in parentheses -- `대형 언어 모델(LLMs)`, `Transformer(트랜스포머)`
 * -- and keeps the ones stated often enough. docs/LEXICON.md explains the
 * alignment; common/lexicon.h encodes the result.
 *
 * (Named lexicon_mine.h rather than lexicon.h: file names are unique across
 * the tree, and common/lexicon.h is the encoder's header.)
 *
 * Use: create, add every paper's title and summary with
 * pdx_lexicon_miner_add(), call pdx_lexicon_miner_finish() once, hand its
 * pairs to pdx_lexicon_encode(), free.
 */
#ifndef PDX_LEXICON_MINE_H
#define PDX_LEXICON_MINE_H

#include <stddef.h>
#include <stdint.h>

#include "lexicon.h"

/* Default support threshold: a pair must be stated this many times. */
#define PDX_LEXICON_MIN_SUPPORT 3
/* Default bound on distinct candidate entries kept while mining (about
 * 60 bytes each); the corpus needs about 60,000. */
#define PDX_LEXICON_MAX_CANDIDATES ((size_t)1 << 19)

typedef struct pdx_lexicon_miner_opts {
    uint32_t min_support;  /* >= 1; 0 means PDX_LEXICON_MIN_SUPPORT */
    size_t max_candidates; /* >= 16; 0 means PDX_LEXICON_MAX_CANDIDATES */
} pdx_lexicon_miner_opts;

typedef struct pdx_lexicon_miner_stats {
    uint64_t texts;       /* pdx_lexicon_miner_add() calls */
    uint64_t occurrences; /* parentheticals that gave candidates */
    uint64_t candidates;  /* distinct candidate entries held now */
    uint64_t prunes;      /* times the candidate table was pruned */
    uint32_t prune_floor; /* largest count pruned away (0: never pruned) */
} pdx_lexicon_miner_stats;

typedef struct pdx_lexicon_miner pdx_lexicon_miner;

/* Creates a miner (it owns a tokenizer). opts may be NULL (defaults).
 * Returns PDX_OK, PDX_EINVAL (max_candidates below 16) or PDX_ENOMEM. */
int pdx_lexicon_miner_new(pdx_lexicon_miner **out, const pdx_lexicon_miner_opts *opts);

/* Frees the miner and the pairs it returned; NULL does nothing. */
void pdx_lexicon_miner_free(pdx_lexicon_miner *m);

/* Mines one text (a title or a summary; no NUL needed). Any bytes are
 * accepted. When the candidate table is full, the least supported
 * candidates are dropped (all with count <= k, k = 1, 2, ... until half the
 * room is free): deterministic for a given input order, and order-
 * independent as long as no pruning happened (stats.prunes == 0). Returns
 * PDX_OK, PDX_EINVAL (m NULL, text NULL with len > 0, or finish already
 * called) or PDX_ENOMEM (sticky: later calls return it too). */
int pdx_lexicon_miner_add(pdx_lexicon_miner *m, const char *text, size_t len);

/* Aligns the candidates and returns the pairs with support >= min_support,
 * sorted by support (largest first), then Korean terms, then English terms
 * (bytes). Both sides carry the terms of pdx_tokenize() and a surface form.
 * The array and its strings belong to the miner and live until
 * pdx_lexicon_miner_free(). Call once. Returns PDX_OK, PDX_EINVAL (already
 * called, NULL argument) or PDX_ENOMEM. */
int pdx_lexicon_miner_finish(pdx_lexicon_miner *m, const pdx_lex_pair **pairs_out,
                             size_t *n_out);

/* Counters so far (for the indexer's summary and for tests). */
void pdx_lexicon_miner_get_stats(const pdx_lexicon_miner *m, pdx_lexicon_miner_stats *out);

#endif
