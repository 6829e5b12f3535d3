/*
 * The lexicon miner: finds Korean<->English equivalences that the digests
 * state in parentheses -- `대형 언어 모델(LLMs)`, `Transformer(트랜스포머)`
 * -- and keeps the ones stated often enough. docs/LEXICON.md explains the
 * alignment; common/lexicon.h encodes the result.
 *
 * (Named lexicon_mine.h rather than lexicon.h: file names are unique across
 * the tree, and common/lexicon.h is the encoder's header.)
 *
 * Use: create, add every paper with pdx_lexicon_miner_add_paper() (or
 * texts alone with pdx_lexicon_miner_add(): no loanwords then), call
 * pdx_lexicon_miner_finish() once, hand its pairs to pdx_lexicon_encode(),
 * free.
 *
 * Incremental use (an index update, issue 12): the candidate table -- the
 * counts finish() aligns -- is saved with pdx_lexicon_miner_export() (the
 * manifest's MCAND section) and loaded into a fresh miner with
 * pdx_lexicon_miner_import(); the texts of deleted papers are taken out
 * with pdx_lexicon_miner_unmine_paper() and those of new papers added. finish()
 * depends only on the table, so as long as it never pruned
 * (stats.prunes == 0),
 *
 *   import(export(mine(A + B))), then unmine every text of B
 *
 * holds the same table as mine(A) (export gives the same bytes) and
 * finishes with the same pairs. A pruned table lost counts: unmine()
 * refuses it (PDX_ELIMIT), and the caller re-mines every live text.
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
    uint64_t texts;       /* texts held: add() calls - unmine() calls + imported */
    uint64_t occurrences; /* parentheticals that gave candidates, in those texts */
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

/* Mines a paper: its title and its summary as two texts (as
 * pdx_lexicon_miner_add() each), then the paper as a whole for loanwords
 * (a Hangul word and an English word that sound alike and keep company:
 * 로봇 and robot; docs/LEXICON.md, "Loanwords"), which only a paper at a
 * time shows: the title says "Robot", the summary 로봇. The indexer mines
 * papers this way. Returns what pdx_lexicon_miner_add() does. */
int pdx_lexicon_miner_add_paper(pdx_lexicon_miner *m, const char *title, size_t title_len,
                                const char *summary, size_t summary_len);

/* The second half of pdx_lexicon_miner_add_paper() alone: the paper's
 * loanword counts, not its texts. A build mines the texts and the
 * loanwords into two miners on two threads and reads them as one
 * (pdx_lexicon_miner_export_with(), pdx_lexicon_miner_finish_with()):
 * the table and the pairs add_paper() would give.
 * Returns what pdx_lexicon_miner_add() does. */
int pdx_lexicon_miner_add_loanwords(pdx_lexicon_miner *m, const char *title, size_t title_len,
                                    const char *summary, size_t summary_len);


/* Aligns the candidates and returns the pairs with support >= min_support,
 * sorted by support (largest first), then Korean terms, then English terms
 * (bytes). Both sides carry the terms of pdx_tokenize() and a surface form.
 * The array and its strings belong to the miner and live until
 * pdx_lexicon_miner_free(). Call once. Returns PDX_OK, PDX_EINVAL (already
 * called, NULL argument) or PDX_ENOMEM. */
int pdx_lexicon_miner_finish(pdx_lexicon_miner *m, const pdx_lex_pair **pairs_out,
                             size_t *n_out);

/* Sorts the candidate table as export() and finish() read it, ahead of
 * them (a thread that has mined may do it; the next change to the table
 * forgets it). Returns PDX_OK, PDX_EINVAL (NULL, finished) or PDX_ENOMEM. */
int pdx_lexicon_miner_sort(pdx_lexicon_miner *m);

/* finish() and export() of m and loans read as one table: m's candidates
 * (texts added with pdx_lexicon_miner_add()), then loans' (papers added
 * with pdx_lexicon_miner_add_loanwords() only), counts and stats as if
 * one miner had taken both. loans NULL: m alone, as finish() and
 * export(). PDX_EINVAL also when m holds loanword counts or loans other
 * ones, or loans is m; loans is read, not changed (but sorted). */
int pdx_lexicon_miner_finish_with(pdx_lexicon_miner *m, pdx_lexicon_miner *loans,
                                  const pdx_lex_pair **pairs_out, size_t *n_out);
int pdx_lexicon_miner_export_with(pdx_lexicon_miner *m, pdx_lexicon_miner *loans, pdx_buf *out);

/* Appends the candidate table to out as stable bytes: the same table
 * gives the same bytes whatever the order its texts came in (entries
 * sorted by key, prefix-compressed; a versioned header with the stats;
 * an XXH3-64 checksum last). docs/LEXICON.md ("The candidate table") has the layout.
 * Usable before and after finish(). Returns PDX_OK, PDX_EINVAL (NULL
 * argument) or PDX_ENOMEM (also the miner's sticky error). */
int pdx_lexicon_miner_export(pdx_lexicon_miner *m, pdx_buf *out);

/* Adds the counts of an exported table p[0, len) to the miner's (an empty
 * miner then holds exactly the exported table; the stats are added too,
 * prunes included). The bytes are checked whole before anything is
 * added: on an error the miner is unchanged. Returns PDX_OK, PDX_EINVAL
 * (NULL argument, or finish already called), PDX_ECORRUPT (checksum,
 * order, lengths: the message names the byte offset), PDX_EVERSION (a
 * table version this build does not know) or PDX_ENOMEM (sticky). When
 * the miner fills up while importing it prunes as add() does. */
int pdx_lexicon_miner_import(pdx_lexicon_miner *m, const uint8_t *p, size_t len);

/* Takes one text back out: the exact inverse of pdx_lexicon_miner_add()
 * of the same bytes (every candidate that text counted loses one; those
 * reaching 0 are dropped). Checks first, changes after: on an error the
 * miner is unchanged. Returns PDX_OK, PDX_EINVAL (bad arguments, finish
 * already called), PDX_ENOTFOUND (the text was not mined here: one of
 * its candidates is not held, it would go below 0), PDX_ELIMIT (the table
 * pruned: stats.prunes > 0, counts were lost, so un-mining cannot be
 * exact; re-mine the texts that remain instead) or PDX_ENOMEM (sticky). */
int pdx_lexicon_miner_unmine(pdx_lexicon_miner *m, const char *text, size_t len);

/* Takes a paper back out: the exact inverse of pdx_lexicon_miner_add_paper()
 * of the same bytes, checked whole before anything changes; returns what
 * pdx_lexicon_miner_unmine() does. */
int pdx_lexicon_miner_unmine_paper(pdx_lexicon_miner *m, const char *title, size_t title_len,
                                   const char *summary, size_t summary_len);

/* What the last failed export/import/unmine call said (byte offsets,
 * which candidate); "" when none. Lives until the next call on m. */
const char *pdx_lexicon_miner_errmsg(const pdx_lexicon_miner *m);

/* Counters so far (for the indexer's summary and for tests). */
void pdx_lexicon_miner_get_stats(const pdx_lexicon_miner *m, pdx_lexicon_miner_stats *out);

#endif
