/*
 * A list's impacts: the (tf, field length) pairs that bound its BM25.
 *
 * BM25's term weight grows with tf and shrinks with the field's length,
 * so the best a list can add to a score is reached at a posting that no
 * other beats in both: the Pareto frontier of its (tf, length) pairs
 * (what Lucene calls competitive impacts). MaxScore's bound of a list is
 * the largest weight over that frontier, exact for any k1, b and average
 * length, where the corner (largest tf, shortest field) of format 4 was
 * often far above any posting: a long list holds both a paper that
 * repeats the word and one with a three-word title, rarely one paper
 * that does both.
 *
 * To keep the frontier small and its memory fixed, tfs from
 * PDX_MAX_IMPACTS up share one point: their largest tf at their shortest
 * length, which bounds them all (and tf / (tf + norm) is near 1 there).
 * So a frontier has 1..PDX_MAX_IMPACTS points, and the same postings give
 * the same frontier in any order: the writer and --check build it alike.
 *
 * Encoded in a list header (format.h POSTINGS) as:
 *   varint n          points, 1..PDX_MAX_IMPACTS
 *   when n >= 2:
 *     varint tf_1     the first point's tf (its length is the list's
 *                     min_len)
 *     n-1 times: varint tf_i - tf_(i-1) >= 1, varint len_i - len_(i-1) >= 1
 *                     (the last tf is the list's max_tf)
 * n = 1 says the corner itself (max_tf, min_len) is a posting's.
 */
#ifndef PDX_IMPACT_H
#define PDX_IMPACT_H

#include <stdbool.h>
#include <stdint.h>

#include "common.h"

#define PDX_MAX_IMPACTS 32

/* The frontier being built: for each tf 1..PDX_MAX_IMPACTS-1 the shortest
 * length of a posting with that tf, and for tfs from PDX_MAX_IMPACTS up
 * their shortest length and largest tf (UINT32_MAX lengths: none). */
typedef struct pdx_impacts {
    uint32_t min_len[PDX_MAX_IMPACTS];
    uint32_t top_tf;
} pdx_impacts;

void pdx_impacts_reset(pdx_impacts *im);

/* Adds a posting with tf >= 1 in a field of len tokens. */
static inline void pdx_impacts_add(pdx_impacts *im, uint32_t tf, uint32_t len)
{
    uint32_t k = tf < PDX_MAX_IMPACTS ? tf - 1 : PDX_MAX_IMPACTS - 1;
    if (len < im->min_len[k])
        im->min_len[k] = len;
    if (k == PDX_MAX_IMPACTS - 1 && tf > im->top_tf)
        im->top_tf = tf;
}

/* The frontier's points, ascending in tf and in length, into tf[] and
 * len[] (PDX_MAX_IMPACTS each); returns their count (0 when no posting
 * was added). */
uint32_t pdx_impacts_frontier(const pdx_impacts *im, uint32_t *tf, uint32_t *len);

/* Appends the encoded frontier of at least one posting. */
void pdx_impacts_encode(pdx_buf *b, const pdx_impacts *im);

/* Reads an encoded frontier at *p (before end) of a list whose header
 * says max_tf and min_len, into tf[] and len[] when they are not NULL;
 * its count in *n. False when it is malformed or disagrees with the
 * header. */
bool pdx_impacts_read(const uint8_t **p, const uint8_t *end, uint64_t max_tf, uint64_t min_len,
                      uint32_t *n, uint32_t *tf, uint32_t *len);

#endif
