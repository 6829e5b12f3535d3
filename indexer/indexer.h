/*
 * Internal header for indexer/: what the indexer's .c files share besides
 * the public API in include/paperdex/. One block per .c file (or per group
 * of files that work together); nothing here is public.
 *
 * Directory rules: indexer/ depends on common/ only, never on searcher/.
 */
#ifndef PDX_INDEXER_H
#define PDX_INDEXER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "paperdex/parser.h"

/* ---- parser.c + walk.c: the digest parser ----
 *
 * parser.c turns one in-memory digest into papers (pdx_parse_buffer is a
 * thin wrapper over pdx_parser_parse); walk.c reads files and walks
 * directories (pdx_parse_paths) and feeds each file to the same parser
 * state, so buffers are reused from file to file and memory does not grow
 * with the number of files. */

#if defined(__GNUC__) || defined(__clang__)
#define PDX_PRINTF_LIKE(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define PDX_PRINTF_LIKE(fmt, args)
#endif

/* Parser state: the callbacks, the stats to add to, and the scratch
 * buffers of the paper being assembled. Opaque outside parser.c. */
typedef struct pdx_parser pdx_parser;

/* Creates a parser that reports to *cb (copied) and adds to *stats (not
 * owned; must outlive the parser). Returns PDX_OK, PDX_EINVAL when cb or
 * cb->on_paper or stats is NULL, or PDX_ENOMEM. */
int pdx_parser_new(pdx_parser **out, const pdx_parse_cb *cb, pdx_parse_stats *stats);
/* Releases the parser; NULL does nothing. */
void pdx_parser_free(pdx_parser *p);

/* A digest file larger than this is not read (reported, counted as
 * unreadable; an --update keeps the papers it held): a day's digest is tens
 * of KB, a year's in one file a few MB, and reading a multi-GB file whole
 * (a disk image, a log with a digest's name) would exhaust memory and stop
 * the whole run. */
#define PDX_MAX_DIGEST_BYTES ((uint64_t)256 << 20)

/* How data[0..len) shows it is UTF-16, for a message ("byte order mark FF
 * FE"), or NULL: such a file holds no line the parser can read. */
const char *pdx_utf16_sign(const char *data, size_t len);

/* Parses one digest held in data[0..len) (no NUL needed). `file` is
 * NUL-terminated, names the digest in papers and diagnostics, and gives the
 * fallback date. Counts one file and len bytes in the stats. Returns PDX_OK,
 * PDX_ENOMEM, or the paper callback's non-zero value (parsing stops there).
 * Paper and diagnostic pointers die when the callback returns. */
int pdx_parser_parse(pdx_parser *p, const char *file, const char *data, size_t len);

/* Sends a diagnostic through the parser's callback (if any) and counts it:
 * PDX_DIAG_WARNING in stats->warnings, PDX_DIAG_SKIPPED in stats->skipped.
 * PDX_DIAG_FILE is not counted here: the caller knows whether it was an
 * unreadable file or a non-digest. The message is formatted into a bounded
 * buffer (long messages are cut at a UTF-8 character boundary). */
void pdx_parser_report(pdx_parser *p, pdx_diag_level level, const char *file,
                       uint32_t line, const char *fmt, ...) PDX_PRINTF_LIKE(5, 6);

/* The stats the parser adds to (walk.c counts unreadable entries here). */
pdx_parse_stats *pdx_parser_stats(pdx_parser *p);

/* Extracts the arXiv id from a link target: "http(s)://(www.|export.)
 * arxiv.org/abs/ID", ".../pdf/ID[.pdf]", ".../html/ID",
 * "huggingface.co/papers/ID" or a bare id. A trailing version "vN" is stripped so that the same paper
 * dedups across days. ID is new-style "YYMM.NNNN(N)" or old-style
 * "archive(.XX)/NNNNNNN". Returns true and sets *id_out and *id_len_out to a
 * slice of url on success; false when the link holds no valid id. When
 * `empty_out` is not NULL it is set to true if the link is an arXiv abs/pdf
 * link whose id part is empty. */
bool pdx_arxiv_id_from_url(const char *url, size_t url_len, const char **id_out,
                           size_t *id_len_out, bool *empty_out);

/* What a paper's id is, for messages: "arXiv id", or "synthesized id"
 * for a "nolink-" id, which no arXiv id is. */
const char *pdx_id_kind(bool id_synthesized);

/* Parses "YYYY-MM-DD" or "YYYY/MM/DD" at s[0..10) into YYYYMMDD; 0 when the
 * text is not a valid calendar date (month 1-12, day within the month,
 * leap years honoured, year 1900-9999). */
int32_t pdx_parse_date10(const char *s, size_t n);

/* The date of the last ".../YYYY/MM/DD..." (or YYYY-MM-DD) group in a path
 * whose numbers are not part of longer digit runs; 0 when there is none. */
int32_t pdx_date_from_path(const char *path);

/* walk.c's two halves, used apart by the threaded build (build_pool.c). */

/* The first i < n with paths[i] NULL, or n when there is none (paths may
 * be NULL only when n is 0): a list with a hole is a caller's mistake,
 * refused by every public call that walks paths before anything is read. */
size_t pdx_paths_null_at(const char *const *paths, size_t n);

/* Called for each file the walk reads, in walk order; a non-zero return
 * stops the walk and is returned by pdx_walk_paths. */
typedef int (*pdx_walk_file_fn)(const char *path, void *payload);

/* Walks paths as pdx_parse_paths does (order, filter, links, loops) but
 * hands each file to on_file instead of reading it. Problems of the walk
 * itself (a stat that fails, a loop, an unreadable directory) are reported
 * through p and counted in its stats. Returns PDX_OK, PDX_ENOMEM or
 * on_file's value. */
int pdx_walk_paths(pdx_parser *p, const char *const *paths, size_t n_paths,
                   pdx_walk_file_fn on_file, void *payload);

/* The same walk, handing each file's stat (links followed) along, so a
 * caller that needs its size and mtime (--update) does not stat it again:
 * over 6,000 files the path lookups are a third of a one-day update.
 * A path the walk could not read though it may still be there comes to
 * on_unwalked, if not NULL, after it is reported: a folder it could not
 * open or list or that is nested too deep (folder true), an entry it could
 * not stat for another reason than ENOENT, ENOTDIR or ELOOP (a path that
 * is not there, a link that leads nowhere: gone). */
struct stat;
typedef int (*pdx_walk_stat_fn)(const char *path, const struct stat *st, void *payload);
typedef int (*pdx_walk_unwalked_fn)(const char *path, bool folder, void *payload);
int pdx_walk_paths_stat(pdx_parser *p, const char *const *paths, size_t n_paths,
                        pdx_walk_stat_fn on_file, pdx_walk_unwalked_fn on_unwalked,
                        void *payload);

/* Reads the file at path into *data (reused; released when it grew past
 * 64 MiB) and parses it with p; open and read errors are reported through
 * p. Returns PDX_OK, PDX_ENOMEM or the paper callback's value. */
int pdx_read_and_parse(pdx_parser *p, pdx_buf *data, const char *path);

/* ---- doc_batch.c: papers prepared for the writer on any thread ----
 *
 * A batch holds papers tokenized and encoded as far as the writer's state
 * allows (see doc_batch.c); pdx_writer_add_prepared adds one to the index.
 * One thread uses a batch at a time. */

typedef struct pdx_doc_batch pdx_doc_batch;

/* One distinct term of one field of a prepared paper. Pointers into the
 * batch: valid until it is reset or freed. */
typedef struct pdx_doc_term {
    const char *s;          /* the term's bytes */
    size_t len;             /* 1..PDX_MAX_TERM_BYTES */
    uint32_t hash;          /* low bits of pdx_hash(s, len) */
    const uint8_t *post;    /* varint tf, then tf varint position gaps */
    size_t post_len;        /* bytes at post */
} pdx_doc_term;

/* A new empty batch with its own tokenizer. PDX_OK or PDX_ENOMEM. */
int pdx_doc_batch_new(pdx_doc_batch **out);
/* Frees it; NULL does nothing. */
void pdx_doc_batch_free(pdx_doc_batch *b);
/* Empties it, keeping its memory; invalidates every pointer read from it. */
void pdx_doc_batch_reset(pdx_doc_batch *b);
/* Appends paper p (copied). A failure to tokenize or to allocate for this
 * paper is kept with it (pdx_doc_batch_error), to be reported by the writer
 * in input order; PDX_ENOMEM is returned only when the paper could not be
 * recorded at all. */
int pdx_doc_batch_add(pdx_doc_batch *b, const pdx_paper *p);
/* Does paper p's text (id, url, title, authors, summary together) fit
 * PDX_MAX_PAPER_TEXT, the writer's 32-bit record lengths? The sum cannot
 * wrap. */
bool pdx_paper_text_fits(const pdx_paper *p);
/* Papers in the batch. */
size_t pdx_doc_batch_count(const pdx_doc_batch *b);
/* Paper i as a pdx_paper pointing into the batch. */
void pdx_doc_batch_paper(const pdx_doc_batch *b, size_t i, pdx_paper *out);
/* Why preparing paper i failed: PDX_OK, PDX_ENOMEM or a tokenizer error. */
int pdx_doc_batch_error(const pdx_doc_batch *b, size_t i);
/* Paper i's stored record (format.h STORED). */
void pdx_doc_batch_record(const pdx_doc_batch *b, size_t i, const uint8_t **rec, size_t *len);
/* Tokens in field `field` of paper i. */
uint32_t pdx_doc_batch_field_len(const pdx_doc_batch *b, size_t i, unsigned field);
/* Distinct terms in that field, and the k-th of them. */
uint32_t pdx_doc_batch_n_terms(const pdx_doc_batch *b, size_t i, unsigned field);
void pdx_doc_batch_term(const pdx_doc_batch *b, size_t i, unsigned field, uint32_t k,
                        pdx_doc_term *out);

/* ---- writer.c: what build_pool.c needs of the writer ---- */

typedef struct pdx_writer pdx_writer;
typedef struct pdx_writer_opts pdx_writer_opts;

/* Adds paper i of batch b exactly as pdx_writer_add adds that paper (same
 * checks, duplicates, errors and messages). */
int pdx_writer_add_prepared(pdx_writer *w, const pdx_doc_batch *b, size_t i);
/* A call's argument refused: the message into w's, PDX_EINVAL returned,
 * and the writer goes on (the error is not sticky). */
int pdx_writer_usage_error(pdx_writer *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The options the writer was created with (threads resolved: >= 1). */
const pdx_writer_opts *pdx_writer_options(const pdx_writer *w);
/* Sets the writer's sticky error (if none yet) to code with a message
 * naming the index; returns the writer's error. */
int pdx_writer_fail(pdx_writer *w, int code, const char *what);
/* Removes "<path>.tmp.*" files of writers of path that were killed (their
 * lock file is gone or unlocked); a live writer's files are kept. */
void pdx_writer_remove_stale_temps(const char *path);

/* ---- slot_table.c: the open-addressing hash table ----
 *
 * Maps hashes to item numbers of a caller-owned array (see slot_table.c).
 * Zero-initialize; reserve before every insertion; insert with
 * pdx_slots_put at the slot pdx_slots_find returned for a missing key. */

/* One slot of a table. */
typedef struct pdx_slot {
    uint32_t item; /* item + 1, 0 when empty */
    uint32_t hash; /* the item's hash, compared before the key */
} pdx_slot;

typedef struct pdx_slots {
    pdx_slot *slot; /* n entries */
    uint32_t n;     /* slots: a power of two, 0 before the first reserve */
} pdx_slots;

/* Sets *hash to item's hash (the one it was put with) when the item is
 * still in the table, returns false to leave it out when rehashing. */
typedef bool (*pdx_slot_rehash_fn)(uint32_t item, uint32_t *hash, void *payload);
/* Whether item's key equals key. */
typedef bool (*pdx_slot_match_fn)(uint32_t item, const void *key, void *payload);

/* Makes the table big enough for `items` items at most half full (first
 * size 1024 slots, doubling), rehashing items 0..n_items-1. False when out
 * of memory; the table is then unchanged. */
bool pdx_slots_reserve(pdx_slots *s, uint32_t items, uint32_t n_items,
                       pdx_slot_rehash_fn rehash, void *payload);

/* Looks key up along hash's probe sequence: returns item + 1 when found,
 * 0 when not; *slot_out is the slot of the match, or the empty slot where
 * the key belongs. The table must have been reserved. */
uint32_t pdx_slots_find(const pdx_slots *s, uint32_t hash, pdx_slot_match_fn match,
                        const void *key, void *payload, uint32_t *slot_out);

/* Puts item, whose key hashes to hash, in slot (from pdx_slots_find). */
void pdx_slots_put(pdx_slots *s, uint32_t slot, uint32_t item, uint32_t hash);

/* Empties the table, keeping its size. */
void pdx_slots_clear(pdx_slots *s);
/* Frees the slots; the table is empty and may be reused. */
void pdx_slots_free(pdx_slots *s);

#endif
