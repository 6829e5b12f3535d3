/*
 * Title-summary association: Korean summary words paired with the English
 * title words they keep company with (docs/LEXICON.md, "Title-summary
 * pairs").
 *
 * Every paper of a digest is a parallel text of sorts: an English title
 * over a Korean summary. Many Korean words are never written with their
 * English in parentheses (탈옥, 주행, 가속, 선형), so the miner
 * (lexicon_mine.c) finds no pair for them and a Korean query never reaches
 * a title that says "jailbreak". This module counts, paper by paper, which
 * Korean words of the summaries come with which English words of the
 * titles, and pairs the words that are each other's best partner.
 *
 * Use: pdx_assoc_new() with the number of live papers, pdx_assoc_add_paper()
 * for each of them (any order), then pdx_assoc_pairs() once with the
 * miner's pairs. The result depends only on the set of papers added, so a
 * build and an update that hold the same live papers write the same
 * lexicon.
 */
#ifndef PDX_ASSOC_H
#define PDX_ASSOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lexicon.h"

/* At most about this many papers are counted: beyond it, a sample of
 * about this size, chosen by the tag of each paper's id (the high 32 bits
 * of its pdx_hash(), as IDHASH holds it: the same live papers give the
 * same sample whatever their order, and an update picks it without
 * reading every paper), bounds memory (about 250 bytes a paper) and the
 * time an update spends on it. */
#define PDX_ASSOC_MAX_PAPERS 8192

typedef struct pdx_assoc pdx_assoc;

/* A counter for a collection of n_live papers (the sample's size is worked
 * out from it). PDX_OK or PDX_ENOMEM. */
int pdx_assoc_new(pdx_assoc **out, uint64_t n_live);

/* Is the paper whose id has this tag in the sample? */
bool pdx_assoc_samples(const pdx_assoc *a, uint32_t tag);

/* Counts one paper, when in the sample: its id, its English title and its
 * Korean summary. PDX_OK, PDX_EINVAL (NULL text with a length) or
 * PDX_ENOMEM. */
int pdx_assoc_add_paper(pdx_assoc *a, const char *id, size_t id_len, const char *title,
                        size_t title_len, const char *summary, size_t summary_len);

/* Scores the pairs of the papers added so far (the work of
 * pdx_assoc_pairs() that needs no mined pair: a build does it on the
 * mining thread). PDX_OK or PDX_ENOMEM; pdx_assoc_pairs() scores when this
 * was not called, or papers were added since. */
int pdx_assoc_score(pdx_assoc *a);

/* The miner's pairs mined[0, n_mined) followed by the association's: one
 * for each Korean word and English word that are each other's preferred
 * partner among the pairs pdx_loan_associated() accepts, neither in more
 * than 10% of the papers, the Korean word with no pair in mined (a word
 * the digests translate keeps its stated translations). A word prefers
 * the partner a summary states with it in a parenthesis (`요약
 * (summarization)`), in at least 3 papers together, to one by company
 * alone, in at least 5; among either, the best by the Dice coefficient;
 * an English word passes over a stated partner that has a pair in mined.
 * A pair two papers state, or one does and the words share 5 papers,
 * is used both ways; the others are one-way (the Korean word finds the
 * English one). A Korean word stated alone for an English word (no bare
 * Hangul word before it) also pairs with its preferred partner when that
 * prefers another word, or when their company is beyond chance but fails
 * pdx_loan_associated()'s share test: one way, one of the English word's
 * several renderings. The support is the papers they share.
 * *out stays valid until pdx_assoc_free() (and points into mined's
 * strings). */
int pdx_assoc_pairs(pdx_assoc *a, const pdx_lex_pair *mined, size_t n_mined,
                    const pdx_lex_pair **out, size_t *n_out);

/* Papers counted (the sample) and pairs added by the last pdx_assoc_pairs(). */
uint64_t pdx_assoc_papers(const pdx_assoc *a);
size_t pdx_assoc_added(const pdx_assoc *a);

void pdx_assoc_free(pdx_assoc *a);

#endif
