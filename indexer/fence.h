/*
 * fence.c: the fenced code blocks of a digest (internal to indexer/).
 *
 * parser.c reads a file twice: first it hands every line to
 * pdx_fences_add() and says where each paper heading and date header is
 * (pdx_fences_section(), pdx_fences_date()), then pdx_fences_pair() finds,
 * for each fence line, the line that would close a block opened there;
 * while it reads the lines for papers, it numbers the fence lines again
 * (pdx_fence_kind()) and decides which of them open a block, asking
 * pdx_fences_date_wins() when a block would hold a date header.
 */
#ifndef PDX_FENCE_H
#define PDX_FENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

#define PDX_FENCE_NONE UINT32_MAX

typedef struct pdx_fences {
    /* For fence line k (0-based, in file order): after pdx_fences_pair(),
     * the first fence line after k that closes a block opened at k, or
     * PDX_FENCE_NONE (none does, or k cannot open one). */
    uint32_t *close;
    /* Fence line k's section: the paper headings before it. */
    uint32_t *section;
    /* The date headers before fence line k. */
    uint32_t *day;
    /* Fence line k's run length and kind (fence.c's INFO_* bits). */
    uint32_t *info;
    /* After pdx_fences_pair(): how many fence lines, from k to the end of
     * k's section, are read as text when blocks are opened from k on, each
     * closing in the section (a measure of how well they pair). */
    uint32_t *text;
    size_t n, cap;
    uint32_t sections; /* pdx_fences_section() calls so far */
    uint32_t days;     /* pdx_fences_date() calls so far */
} pdx_fences;

/* The spaces before a block-level line: up to three, as CommonMark allows
 * (four or a tab make an indented code line). A fence line, a paper
 * heading and a date header may have them (parser.c). */
size_t pdx_block_indent(const char *s, size_t n);
/* The length of a list marker at s[i]: "-", "*" or "+", or 1-9 digits then
 * "." or ")"; 0 when there is none. */
size_t pdx_list_marker_len(const char *s, size_t n, size_t i);
/* One list marker at s[i], then at least one space. The index after the
 * spaces, or i when none. parser.c also takes one off a paper heading
 * (wrapped_link()). */
size_t pdx_after_list_marker(const char *s, size_t n, size_t i);
/* What s[0..n) (a line without its '\n') is: not a fence line, a fence
 * line that may open a block, or one that may only close one. */
enum { PDX_FENCE_NOT, PDX_FENCE_OPENER, PDX_FENCE_OTHER };
int pdx_fence_kind(const char *s, size_t n);
/* Records the line s[0..n) when it is a fence line. PDX_OK or
 * PDX_ENOMEM. */
int pdx_fences_add(pdx_fences *f, const char *s, size_t n);
/* A paper heading: the lines after it are a new section. */
void pdx_fences_section(pdx_fences *f);
/* A date header: it starts no section, but a block that would hold one is
 * a guess (pdx_fences_date_wins()). */
void pdx_fences_date(pdx_fences *f);
/* Fills f->close and f->text from the lines added. PDX_OK or
 * PDX_ENOMEM. */
int pdx_fences_pair(pdx_fences *f);
/* Fence line k opens a block (in a paper: whose closing line is in the
 * same section) with a date header between them: either the block is
 * real and the header quoted in it, or k is a stray fence and the header
 * starts the next day. True when the second reading is at least as good
 * (fence.c says how the two are weighed): k should be read as text. */
bool pdx_fences_date_wins(const pdx_fences *f, uint32_t k);
/* Releases f's arrays and empties it. */
void pdx_fences_clear(pdx_fences *f);

#endif
