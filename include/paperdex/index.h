/*
 * Index files: building one (pdx_writer) and opening one (pdx_index).
 *
 * An index is a manifest at <path> naming segment files "<path>.<seq>.seg"
 * beside it (layout and protocols: docs/FORMAT.md). Writing is atomic: a
 * writer holds "<path>.lock", writes each new segment under a temporary
 * name ("<path>.tmp.<pid>.<random>.*"), fsyncs and renames it, then writes
 * the new manifest the same way over <path> and fsyncs the directory, and
 * only then removes the segments no manifest names any more; so a crash at
 * any moment leaves either the old index or the new one. Two writers for
 * the same path never share a temporary file (even with the same pid); the
 * temporary files of a killed writer are removed by the next one, those of
 * a live writer are not (it holds a lock on them). Readers map the segments
 * read-only; a reader keeps using the segments it opened even after a
 * writer replaces the index.
 */
#ifndef PAPERDEX_INDEX_H
#define PAPERDEX_INDEX_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "paperdex/parser.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Writing                                                              */
/* ------------------------------------------------------------------ */

typedef struct pdx_writer pdx_writer;

typedef struct pdx_writer_opts {
    /* Approximate memory for in-memory postings before a sorted run is
     * spilled to a temporary file; 0 means the default (256 MiB). */
    size_t mem_budget;
    /* Receives warnings about duplicates (same arXiv id twice: the later
     * date is kept). May be NULL. */
    pdx_diag_fn on_diag;
    void *payload;
    /* May be NULL. When *cancel becomes non-zero (a signal handler sets
     * it), pdx_writer_add and pdx_writer_commit stop at their next check
     * (every paper, every merged term) with PDX_ESTOP; the target is left
     * as it was and pdx_writer_free removes every temporary file. */
    const volatile sig_atomic_t *cancel;
    /* Threads that read, parse and tokenize papers in
     * pdx_writer_add_paths while the calling thread adds them to the
     * index: 0 means one per online CPU, 1 does everything on the calling
     * thread; at most PDX_WRITER_MAX_THREADS (else PDX_EINVAL). The index
     * is byte-for-byte the same whatever the number. */
    unsigned threads;
    /* The creation time recorded in the index (unix seconds); 0 means
     * now. Fixing it (paperdex-index takes SOURCE_DATE_EPOCH) makes two
     * builds of the same input byte-identical. */
    uint64_t created;
} pdx_writer_opts;

/* The most threads pdx_writer_opts.threads may ask for. */
#define PDX_WRITER_MAX_THREADS 64

typedef struct pdx_write_stats {
    uint64_t papers;     /* documents in the index */
    uint64_t duplicates; /* papers replaced by a later entry with the same id */
    uint64_t terms;      /* distinct terms */
    uint64_t postings;   /* (term, field, document) postings */
    uint64_t bytes;      /* size of the index: its manifest and segment files */
    uint64_t runs;       /* sorted runs spilled to disk */
    uint64_t lexicon_pairs; /* Korean<->English pairs mined (LEXICON) */
} pdx_write_stats;

/* Starts an index that will replace `path` on commit. opts may be NULL.
 * A symlink at `path` is followed: its target is replaced (atomically, in
 * the target's directory) and the link kept. Nothing paperdex did not
 * create is replaced: a directory, device, FIFO or socket at `path` (or a
 * dangling symlink) gives PDX_EINVAL, a non-empty file that is not a
 * paperdex index PDX_ENOTINDEX; an empty file is fine, unless it is the
 * writer lock of another index ("<X>.lock" beside an index X: PDX_EINVAL).
 * Returns PDX_OK, PDX_ENOMEM, PDX_EINVAL (also: opts->threads too large),
 * PDX_ENOTINDEX, or PDX_EIO (target directory not writable); the message
 * is in pdx_writer_errmsg. *out is set even on an error so the message can
 * be read; free it with pdx_writer_free. */
int pdx_writer_new(pdx_writer **out, const char *path, const pdx_writer_opts *opts);

/* The most bytes of text (id, url, title, authors and summary together)
 * one paper may have: its stored record has 32-bit lengths. */
#define PDX_MAX_PAPER_TEXT ((size_t)UINT32_MAX / 4)

/* Adds a paper (copied; the paper's memory may be reused after the call).
 * Document ids follow the order of calls, duplicates aside. Returns PDX_OK,
 * PDX_ENOMEM, PDX_EIO (spilling a run failed), PDX_ESTOP (cancelled),
 * PDX_ELIMIT (too many papers for one index), PDX_EINVAL (an empty id or
 * one over 1024 bytes; the writer already committed), all of them sticky;
 * and, not sticky (the paper is not added, the writer goes on, the
 * message is in pdx_writer_errmsg): PDX_EINVAL for a NULL w (no message)
 * or paper, a string NULL with a non-zero length, a date that is neither 0
 * nor a valid YYYYMMDD from 1900 on, or votes neither PDX_VOTES_UNKNOWN nor
 * 0..2^32-2; PDX_ELIMIT for a paper of more than PDX_MAX_PAPER_TEXT bytes
 * of text. */
int pdx_writer_add(pdx_writer *w, const pdx_paper *paper);

/* Reads the digests at paths (files, or directories walked as
 * pdx_parse_paths walks them) and adds every paper, in the order
 * pdx_parse_paths would deliver them, with opts.threads threads (see
 * there). Diagnostics go to cb->on_diag in that same order, whatever the
 * number of threads; cb->on_paper, when not NULL, is called after each
 * paper was added (for progress; a non-zero value stops); cb may be NULL.
 * Every call runs on the calling thread. Parse statistics
 * are added to *stats (may be NULL). Besides the whole files being read at
 * once, a threaded build holds at most 4 files per thread prepared ahead.
 * Returns PDX_OK, PDX_ENOMEM, PDX_EINVAL (not sticky: a NULL element of
 * paths, nothing read), on_paper's value, or the writer's error (see
 * pdx_writer_add), which is sticky. */
int pdx_writer_add_paths(pdx_writer *w, const char *const *paths, size_t n_paths,
                         const pdx_parse_cb *cb, pdx_parse_stats *stats);

/* Writes the index (one new segment and a manifest naming only it) and
 * atomically replaces the target, holding the target's writer lock
 * "<path>.lock" meanwhile (waiting up to 60 s for another writer); the
 * segments of the index it replaces are removed after. On any error the
 * target is untouched and no temporary file is left (nor the lock file,
 * when this commit created it and there is no index). stats may be NULL.
 * Returns PDX_OK, PDX_EINVAL (no papers), PDX_ENOMEM, PDX_EIO, PDX_ESTOP
 * (cancelled through opts.cancel). */
int pdx_writer_commit(pdx_writer *w, pdx_write_stats *stats);

/* The last error's message ("" if none). Valid until the next call. */
const char *pdx_writer_errmsg(const pdx_writer *w);

/* Frees the writer, deleting its temporary files; NULL does nothing.
 * Without a commit the target is left as it was. */
void pdx_writer_free(pdx_writer *w);

/* ------------------------------------------------------------------ */
/* Updating                                                             */
/* ------------------------------------------------------------------ */

typedef struct pdx_update_opts {
    /* memory, threads, cancel, created and on_diag (duplicates) as for a
     * build; they apply to every segment the update writes */
    pdx_writer_opts writer;
    /* The merge policy's bound on segments: 0 means 10; 2..30 (else
     * PDX_EINVAL). */
    unsigned max_segments;
} pdx_update_opts;

typedef struct pdx_update_stats {
    uint64_t files_unchanged; /* walked files whose record still holds */
    uint64_t files_added;     /* files without a record, parsed */
    uint64_t files_changed;   /* files whose content changed (or cannot be read), parsed */
    uint64_t files_removed;   /* records of files no longer walked, dropped */
    /* unchanged files parsed again because a paper they lost to a
     * duplicate must come back (its winner is gone) */
    uint64_t files_reparsed;
    uint64_t papers_parsed;   /* papers the parsed files hold */
    uint64_t papers_added;    /* of those, live in the index after the update */
    uint64_t papers_deleted;  /* live papers deleted (files changed or gone, duplicates) */
    uint64_t duplicates;      /* same arXiv id twice: the earlier date was dropped */
    uint32_t segments;        /* segments after the update */
    uint32_t merges;          /* segments written by merging */
    bool full_build;          /* built from scratch: INDEX did not exist, or another
                               * tokenizer made it (an older paperdex's) */
} pdx_update_stats;

/* Brings the index at index_path up to date with the digests at paths
 * (walked as pdx_writer_add_paths walks them): new and changed files are
 * parsed into one new segment, papers of changed and vanished files are
 * deleted, duplicates are resolved across segments as a full build
 * resolves them, and the merge policy keeps the segment count bounded
 * (docs/FORMAT.md, README "Keeping an index up to date"). A missing INDEX
 * is built from scratch. Searches give the same answers as after a full
 * build of the same files. The new manifest replaces INDEX atomically; a
 * failure leaves INDEX as it was. A file no longer under paths counts as
 * removed: give the same paths each time. An index of an older format,
 * or one another tokenizer made (an older paperdex's tokenizer version,
 * stemmer or Unicode), is rebuilt whole, with a note. Holds <INDEX>.lock for its whole run (waiting up to 60 s
 * for another writer, then PDX_EIO). o and cb (on_paper: progress;
 * on_diag: what the parser reports) may be NULL; st may be NULL. Returns
 * PDX_OK, PDX_ENOMEM, PDX_EIO, PDX_EINVAL (index_path NULL or empty, a
 * NULL element of paths, bad options (checked even when there is nothing
 * to do), nothing would be
 * left, or INDEX is the writer lock of another index, as for
 * pdx_writer_new), PDX_ENOTINDEX (INDEX is not a paperdex index), PDX_EVERSION
 * (a format this build does not know), PDX_ECORRUPT, PDX_ESTOP
 * (cancelled), or on_paper's non-zero value, with a message in errbuf (when
 * errbuf is not NULL and errbuf_size > 0). */
int pdx_index_update(const char *index_path, const char *const *paths, size_t n_paths,
                     const pdx_update_opts *o, const pdx_parse_cb *cb, pdx_update_stats *st,
                     char *errbuf, size_t errbuf_size);

/* Merges every segment of the index into one, dropping deleted papers,
 * and replaces the manifest atomically (nothing to do for one segment
 * without deletions). Same locking, errors and options as
 * pdx_index_update. */
int pdx_index_optimize(const char *index_path, const pdx_update_opts *o,
                       pdx_update_stats *st, char *errbuf, size_t errbuf_size);

/* ------------------------------------------------------------------ */
/* Reading                                                              */
/* ------------------------------------------------------------------ */

typedef struct pdx_index pdx_index;

/* Opens an index read-only: reads its manifest and maps every segment it
 * names, checking each segment's header, section table, footer, file size
 * and META section and that it is the file the manifest names: O(1) in the
 * index size. A segment that vanished because a writer replaced the index
 * meanwhile makes it start again with the new manifest (docs/FORMAT.md,
 * Readers); one missing otherwise is PDX_ECORRUPT naming the file. Never blocks: a
 * FIFO, socket, device or directory is refused at once. On failure
 * returns PDX_ENOTFOUND/PDX_EIO (cannot open), PDX_ENOTINDEX (not a
 * paperdex index, or not a regular file), PDX_ECORRUPT, PDX_EVERSION
 * (format or tokenizer version, field count or block size this build does
 * not read: rebuild the index), PDX_ENOMEM, or PDX_EINVAL (out NULL, path
 * NULL or empty), and writes a one-line message naming the file into
 * errbuf (if errbuf is not NULL and errbuf_size > 0). */
int pdx_index_open(pdx_index **out, const char *path, char *errbuf, size_t errbuf_size);

/* Flags of pdx_index_open_flags. */
enum pdx_open_flags {
    PDX_OPEN_DEFAULT = 0,
    /* For a handle that answers one query or a few in a process that exits
     * soon after (paperdex-search). The records of the hits shown (their
     * fields, pdx_hit_get), and those the first reads for ties of scores
     * ask for (dates break them), are read with pread() into memory the handle
     * keeps until it is closed, instead of through
     * the mapping: the first touch of a mapped page faults in (and at exit
     * unmaps) the 16 pages around it, about 8 us on the machine of
     * bench/RESULTS.md against 1 us for a read, and a page of hits lies
     * scattered over the file. Results are the same; a record that
     * cannot be read fails the search, with a message naming it. A
     * handle that serves many queries should not set it: a warm mapping
     * costs nothing, and each first read of a record costs a system call. */
    PDX_OPEN_ONESHOT = 1
};
/* pdx_index_open with flags (pdx_open_flags); an unknown flag is
 * PDX_EINVAL. */
int pdx_index_open_flags(pdx_index **out, const char *path, unsigned flags, char *errbuf,
                         size_t errbuf_size);

/* Unmaps and frees; NULL does nothing. Invalidates every pointer obtained
 * from the index. */
void pdx_index_close(pdx_index *ix);

/* The message of the last error returned by a call on ix ("" if none). */
const char *pdx_index_errmsg(const pdx_index *ix);

/* Verifies everything: the whole manifest (checksums, structure, the lexicon),
 * then each segment's section checksums and structure (sorted unique terms
 * of valid UTF-8, hash tables, increasing document ids, positions within
 * their fields, offsets and lengths in range, no bytes owned by nothing,
 * reserved bits zero, counts and statistics consistent), then the manifest
 * against the segments (deleted ids, live statistics, per-list deleted
 * counts, source file ranges); the list is in docs/FORMAT.md, Checks. Returns PDX_OK, PDX_ENOMEM or
 * PDX_ECORRUPT with the first problem in pdx_index_errmsg. */
int pdx_index_check(pdx_index *ix);

typedef struct pdx_index_info {
    uint32_t docs;               /* live papers */
    uint32_t terms;              /* summed over segments (a term in two counts twice) */
    uint64_t postings;           /* summed over segments, deleted papers' included */
    int32_t min_date, max_date;  /* YYYYMMDD over live papers, 0 if unknown */
    uint64_t file_size;          /* manifest and segment files */
    uint32_t format_version;
    uint32_t tokenizer_version;
    const char *stemmer;         /* NUL-terminated copies owned by ix */
    const char *unicode_version;
    const char *generator;
    uint64_t created;            /* unix seconds */
    double avg_len[3];           /* average tokens: title, authors, summary */
    /* Section sizes in bytes, indexed by section id - 1 (see FORMAT.md). */
    uint64_t section_bytes[10];
    /* The Korean<->English lexicon: pairs and the support threshold they
     * were mined with (0 and 0 when the index has none or it is damaged:
     * --check says why). */
    uint32_t lexicon_pairs;
    uint32_t lexicon_min_support;
    uint32_t segments;   /* segment files of the index (0: a lone segment) */
    uint32_t deleted;    /* papers deleted but still held by segments */
    uint64_t generation; /* the manifest's commit count */
} pdx_index_info;

/* Fills *out; pointers in it live as long as ix. */
void pdx_index_info_get(const pdx_index *ix, pdx_index_info *out);

/* One segment of an index, for --info. */
typedef struct pdx_segment_info {
    uint64_t seq;       /* its file: <INDEX>.<seq>.seg */
    uint32_t docs;      /* papers it holds, deleted ones included */
    uint32_t deleted;   /* of those, deleted */
    uint32_t terms;     /* distinct terms */
    uint64_t postings;  /* (term, field, document) postings */
    uint64_t file_size; /* bytes */
    const char *path;   /* its file's path; lives as long as ix */
    /* The file as it was opened (device, inode, modification time in ns):
     * a program can tell afterwards whether it was overwritten in place. */
    uint64_t dev, ino;
    int64_t mtime_ns;
} pdx_segment_info;

/* Segment i (0 .. info.segments - 1, in view order) of ix into *out.
 * Returns PDX_OK or PDX_EINVAL (no such segment). */
int pdx_index_segment_info(const pdx_index *ix, uint32_t i, pdx_segment_info *out);

/* Whether document doc (0 .. pdx_index_n_docs(ix) - 1) is live: not
 * deleted by an update (false also for doc out of range). Deleted papers
 * keep their ids and can still be read (pdx_index_paper_get), but no search
 * returns them. */
bool pdx_index_doc_live(const pdx_index *ix, uint32_t doc);

/* Number of document ids: 0 .. n-1, segment by segment in indexing order,
 * deleted papers included (pdx_index_doc_live; info.docs counts the live
 * ones). */
uint32_t pdx_index_n_docs(const pdx_index *ix);

/* A stored paper, as the index holds it. The pointers point into the
 * read-only mapping: not NUL-terminated, valid until pdx_index_close(ix).
 * The struct owns nothing. */
typedef struct pdx_index_paper {
    const char *id;      /* arXiv id, or a synthesized one (id_synthesized) */
    size_t id_len;       /* bytes */
    const char *url;     /* arXiv URL as written in the digest */
    size_t url_len;      /* bytes */
    const char *title;   /* as parsed: pdx_paper.title */
    size_t title_len;    /* bytes */
    const char *authors; /* author names separated by '\n' */
    size_t authors_len;  /* bytes */
    const char *summary; /* as parsed: pdx_paper.summary */
    size_t summary_len;  /* bytes */
    const char *file;    /* the digest file, as given to the indexer */
    size_t file_len;     /* bytes */
    uint32_t n_authors;  /* names in authors (0 when it is empty) */
    int32_t date;        /* YYYYMMDD, 0 when unknown */
    int64_t votes;       /* PDX_VOTES_UNKNOWN (-1) when unknown */
    uint32_t line;       /* line of the paper's heading in file */
    bool id_synthesized; /* the digest had no arXiv id */
} pdx_index_paper;

/* Reads document doc (0 .. pdx_index_n_docs(ix) - 1) into *out. Returns
 * PDX_OK, PDX_EINVAL (doc out of range) or PDX_ECORRUPT (a malformed
 * record); the message is in pdx_index_errmsg(ix). */
int pdx_index_paper_get(pdx_index *ix, uint32_t doc, pdx_index_paper *out);

/* Name of section id (1..9), e.g. "POSTINGS"; "?" otherwise. */
const char *pdx_section_name(unsigned id);

#ifdef __cplusplus
}
#endif
#endif
