/*
 * fence.c: the fenced code blocks of a digest (internal to indexer/).
 * parser.c finds them before it reads a file's lines: a line inside a
 * block is code (summary text inside a paper, nothing outside one), never
 * a heading, a date header or a paper's field.
 */
#ifndef PDX_FENCE_H
#define PDX_FENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

/* A fenced block: the offsets of its opening and closing lines. */
typedef struct pdx_fence_block {
    size_t open_at, close_at;
} pdx_fence_block;

/* A line that would open a fence but that no later line closes: text,
 * which the parser warns of. */
typedef struct pdx_fence_unclosed {
    size_t at;
    uint32_t line;
} pdx_fence_unclosed;

typedef struct pdx_fences {
    pdx_fence_block *blocks; /* in order, not overlapping */
    size_t n_blocks;
    pdx_fence_unclosed *unclosed; /* in order */
    size_t n_unclosed;
} pdx_fences;

/* Finds the fenced blocks of data[0..len) into *f (whose previous
 * contents are released). Returns PDX_OK or PDX_ENOMEM (f then empty). */
int pdx_fences_find(pdx_fences *f, const char *data, size_t len);
/* Releases f's arrays and empties it. */
void pdx_fences_clear(pdx_fences *f);

#endif
