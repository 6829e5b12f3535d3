/*
 * The digest parser: markdown daily-paper digests in, papers out.
 *
 * A digest is one day: a "## Daily Papers (YYYY-MM-DD)" header, then one
 * "### [Title](https://arxiv.org/abs/ID)" section per paper with optional
 * thumbnail/video lines, "Vote: N", "Authors: ..." and summary bullets.
 *
 * The parser streams: it reads one file at a time and hands each paper to a
 * callback, so memory does not grow with the number of files. Every "### "
 * heading is accounted for: it is either delivered as a paper or reported
 * through the diagnostic callback as skipped, with file, line and reason
 * (in a fenced code block or an HTML comment too); a "### " line the
 * parser reads as a summary's code without a paper's link or fields is
 * reported as a warning instead, as is each other guess it makes between
 * two readings of the markup (README "Indexing" lists them).
 *
 * Deduplication of the same arXiv id across days is not done here (a
 * streaming parser cannot know the future); the index writer does it.
 */
#ifndef PAPERDEX_PARSER_H
#define PAPERDEX_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* votes value for "Vote: -" or no Vote line; distinct from 0 votes. */
#define PDX_VOTES_UNKNOWN (-1)

/* One paper. Every pointer points into parser-owned memory that is valid
 * only while the paper callback runs: copy what you keep. Strings are not
 * NUL-terminated; all are valid UTF-8 (invalid input bytes were replaced
 * by U+FFFD and reported). */
typedef struct pdx_paper {
    const char *id; /* arXiv id ("2408.04619"), or a synthesized stable id
                       "nolink-<16 hex>" (XXH3-64 of the title, authors and
                       summary: the paper's own text only) when the heading
                       links no paper */
    size_t id_len;
    const char *url; /* the paper's link target as written (the first
                        arXiv link, else the heading's first link); may be
                        empty */
    size_t url_len;
    const char *title; /* the first link's text as written, markup kept,
                          then the text after that link without its links
                          (README "Indexing") */
    size_t title_len;
    const char *authors; /* names separated by '\n', quotes and a leading
                            "and " removed; empty when there is no line */
    size_t authors_len;
    uint32_t n_authors;
    const char *summary; /* summary lines joined by '\n' as written, with
                            "**"/"***" emphasis removed; thumbnail, video and
                            HTML lines left out; the lines of a fenced code
                            block kept as written, its fence lines left out */
    size_t summary_len;
    int32_t date;      /* YYYYMMDD; 0 when unknown */
    int64_t votes;     /* >= 0, or PDX_VOTES_UNKNOWN */
    const char *file;  /* path as given, or as built by the directory walk
                          (dir + "/" + name); NUL-terminated */
    uint32_t line;     /* 1-based line of the "### " heading */
    bool id_synthesized;
} pdx_paper;

typedef enum pdx_diag_level {
    PDX_DIAG_WARNING = 0, /* paper kept, something was odd (bad UTF-8, ...) */
    PDX_DIAG_SKIPPED = 1, /* a paper heading produced no paper */
    PDX_DIAG_FILE = 2,    /* a whole file was not read or is not a digest */
    PDX_DIAG_NOTE = 3     /* nothing wrong with the input: what the writer is
                             doing, worth showing (waiting for another
                             writer's lock); file is the index */
} pdx_diag_level;

/* A diagnostic. Pointers valid only during the callback. */
typedef struct pdx_diag {
    pdx_diag_level level;
    const char *file;    /* NUL-terminated path */
    uint32_t line;       /* 1-based; 0 when about the whole file */
    const char *message; /* NUL-terminated reason, no trailing newline */
} pdx_diag;

/* Return 0 to go on; non-zero stops parsing and is returned by the parse
 * call. */
typedef int (*pdx_paper_fn)(const pdx_paper *paper, void *payload);
typedef void (*pdx_diag_fn)(const pdx_diag *diag, void *payload);

typedef struct pdx_parse_stats {
    uint64_t files;    /* files read (or buffers parsed), not_digest
                          ones included */
    uint64_t bytes;    /* bytes read */
    uint64_t headings; /* "### " paper headings seen */
    uint64_t papers;   /* papers delivered */
    uint64_t skipped;  /* headings reported as skipped */
    uint64_t warnings; /* warnings reported */
    uint64_t not_digest; /* files read that had no "### " heading */
    uint64_t unreadable; /* files or directories that could not be read */
} pdx_parse_stats;

typedef struct pdx_parse_cb {
    pdx_paper_fn on_paper; /* required */
    pdx_diag_fn on_diag;   /* may be NULL */
    void *payload;
} pdx_parse_cb;

/* Parses one in-memory digest. `file` names it in papers and diagnostics
 * and supplies the fallback date from a ".../YYYY/MM/DD..." path. Stats are
 * added to *stats (which the caller zeroes; NULL: not wanted). Returns
 * PDX_OK, PDX_EINVAL (cb or cb->on_paper NULL, data NULL with a non-zero
 * len), PDX_ENOMEM or the paper callback's non-zero value. */
int pdx_parse_buffer(const char *file, const char *data, size_t len,
                     const pdx_parse_cb *cb, pdx_parse_stats *stats);

/* Parses files and directories. Directories are walked recursively in
 * byte-wise sorted name order, taking files ending in ".md" or ".txt"
 * (ASCII case-insensitive) and skipping hidden entries (names starting
 * with '.'); a path given explicitly is parsed whatever its name.
 * Symlinks are followed; each real file and directory (device, inode) is
 * read once per call, however many paths lead to it; a directory already
 * on the current walk path (a symlink loop) is reported and not entered.
 * Unreadable entries, including any entry whose stat fails, are reported
 * (PDX_DIAG_FILE, with strerror), counted in stats->unreadable and
 * skipped. Returns PDX_OK (even
 * when some files were reported), PDX_EINVAL (cb or cb->on_paper NULL, or
 * a NULL element of paths),
 * PDX_ENOMEM, or the paper callback's value. */
int pdx_parse_paths(const char *const *paths, size_t n_paths,
                    const pdx_parse_cb *cb, pdx_parse_stats *stats);

/* Whether walking a directory reads a file of this name (not hidden, ends in
 * ".md", ".markdown" or ".txt", ASCII case-insensitive): what pdx_parse_paths takes.
 * NULL is no such name. */
bool pdx_digest_name(const char *name);

#ifdef __cplusplus
}
#endif
#endif
