/*
 * The JSON form of a page of results, shared by paperdex-search --json and
 * paperdex-serve so that both print exactly the same keys. Program-only,
 * like common/json.h: hit_json.c is built into paperdex_cli
 * (PDX_PROGRAM_ONLY_SOURCES), not into libpaperdex, and only programs
 * include this header.
 */
#ifndef PDX_HIT_JSON_H
#define PDX_HIT_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common.h"
#include "paperdex/search.h"

/* Width of a hit's summary snippet, in characters. */
#define PDX_SNIPPET_WIDTH 200

/* Appends the NUL-terminated s (inline: for a literal, its length is
 * known when compiling); appends printf-formatted text (cut at 511 bytes).
 * Errors are left in o->err, as for every pdx_buf append. */
static inline void pdx_buf_puts(pdx_buf *o, const char *s)
{
    pdx_buf_append(o, s, strlen(s));
}
void pdx_buf_printf(pdx_buf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append v in decimal, as printf's %llu and %lld would, without their
 * cost: a page of hits prints dozens of numbers. */
void pdx_buf_put_uint(pdx_buf *o, uint64_t v);
void pdx_buf_put_int(pdx_buf *o, int64_t v);

/* Appends the paper's link as a JSON string: the stored URL, else the arXiv
 * page of its id; null for a synthesized id without a link. */
void pdx_json_url(pdx_buf *o, const pdx_hit_info *h);

/* The most authors a search hit lists (the paper's own record, /api/paper,
 * lists them all): a digest may name 100,000 authors of one paper (1 MiB,
 * the indexer's bound), and a page of 100 such hits was 25 MB that a
 * server kept for each slow client (an adversarial review found 1 GB for
 * 40 of them). authors_total says how many there are. */
#define PDX_JSON_HIT_AUTHORS 100
/* ... and at most this many bytes of names (a name may be long: 100 names
 * of 9,000 bytes made a hit of 1 MB, a review found); the list stops
 * before the name that would pass it, the first name cut to fit. */
#define PDX_JSON_HIT_AUTHOR_BYTES 8192

/* Appends the paper's authors ('\n'-separated in h) as a JSON array of
 * names: the first max of them and no more than `limit` bytes of names
 * (the list stops before a name that would pass it; the first name is cut
 * to fit, at a character). Returns how many the paper has. */
size_t pdx_json_authors(pdx_buf *o, const pdx_hit_info *h, size_t max, size_t limit);

/* Appends the members (no braces) naming a paper: id, url, date, votes,
 * title, authors (all of them, or as a hit lists them: PDX_JSON_HIT_*)
 * and authors_total. */
void pdx_json_paper_members(pdx_buf *o, const pdx_hit_info *h, bool all_authors);

/* Appends to o the words of q that hit lacks (pdx_hit.missing), as
 * pdx_query_word() names them, joined by sep, each as a JSON string when
 * json; returns how many had no name (a group with a filter), left out. */
size_t pdx_put_missing(pdx_buf *o, const pdx_query *q, const pdx_hit *hit, const char *sep,
                       bool json);

/* Appends hit i of r (shown at rank offset + i + 1) as one JSON object, no
 * newline: type ("hit"), rank, score, id, url, date, votes, title, authors
 * (at most PDX_JSON_HIT_AUTHORS), authors_total, snippet, highlights,
 * title_highlights, partial, missing. Uses s's scratch space:
 * earlier snippets and highlights of s are invalidated. */
void pdx_json_hit(pdx_buf *o, pdx_searcher *s, const pdx_query *q, const pdx_results *r,
                  size_t i, uint32_t offset, const pdx_hit_info *h);

/* Appends the expansions of q as a JSON array (from, to, source, support,
 * weight). */
void pdx_json_expansions(pdx_buf *o, const pdx_query *q);

/* Appends the members (no braces) that describe a page of results: query,
 * total, total_exact, shown, offset, partial_used, took_us, notices,
 * expansions, suggestion (pdx_query_suggest()'s, or null), corrected
 * (whether r and q are the suggestion's: pdx_query_correct()).
 * query[0..query_len) is the query as the user wrote it. */
void pdx_json_summary_members(pdx_buf *o, const char *query, size_t query_len, uint32_t offset,
                              const pdx_query *q, const pdx_results *r, double secs,
                              const char *suggestion, bool corrected);

#endif
