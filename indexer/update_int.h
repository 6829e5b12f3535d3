/*
 * Internal header of the index updater: what update.c (the steps of
 * pdx_index_update), merge.c (the merge policy and merging) and
 * update_publish.c (MDELDF, live statistics, lexicon, the manifest and the
 * removal of what it no longer names) share. Nothing here is public; the
 * API is pdx_index_update / pdx_index_optimize in paperdex/index.h.
 */
#ifndef PDX_UPDATE_INT_H
#define PDX_UPDATE_INT_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "common.h"
#include "indexer.h"
#include "manifest.h"
#include "paperdex/index.h"
#include "publish.h"
#include "segment.h"

/* The segment count the merge policy keeps to when the caller says 0. */
#define PDX_UPDATE_DEFAULT_SEGMENTS 10

/* ---- update.c ---- */

/* What an update does with a walked file. */
typedef enum wfile_kind {
    WF_UNCHANGED,  /* same size and mtime, or same content hash: kept as is */
    WF_ADDED,      /* no record: parsed into the new segment */
    WF_CHANGED,    /* its content differs (or it cannot be read): parsed again */
    WF_RESURRECTED /* unchanged, but a paper it lost to a duplicate must come back */
} wfile_kind;

/* A file the walk of the input paths reached, in walk order. */
typedef struct wfile {
    char *path;       /* as walked (what papers and records name); owned */
    uint64_t size;    /* bytes, when classified */
    int64_t mtime_ns; /* modification time, when classified */
    uint64_t hash;    /* XXH3-64 of its bytes (the record's when size and mtime match) */
    int32_t old;      /* its record in the old manifest's MFILES, -1 when none */
    wfile_kind kind;  /* see wfile_kind */
    bool stamped;     /* size, mtime and hash were read (the file is readable) */
    bool has_paper;   /* parsed this run and a paper of it came out */
    bool kept;        /* under a path the walk could not read: as recorded */
} wfile;

/* A path the walk could not read though it may still be there. */
typedef struct unwalked_path {
    char *path;    /* owned */
    bool folder;   /* a folder (its files are under it), else one entry */
    size_t at;     /* files walked before it: where its kept files go */
} unwalked_path;

/* A segment of the view being updated, in view order. */
typedef struct useg {
    pdx_index *ix;        /* the open segment file; owned */
    uint64_t seq;         /* file <INDEX>.<seq>.seg */
    uint32_t n_docs;      /* papers in it, deleted ones included */
    uint64_t file_size;   /* bytes of the file (MSEGS) */
    uint64_t header_sum;  /* its header checksum (MSEGS) */
    uint8_t *deleted;     /* n_docs flags, 1 = deleted; owned */
    uint32_t n_deleted;   /* flags set */
    bool del_changed;     /* deletions changed: MDELDF must be recomputed */
    /* Its MDELDF table: borrowed from the old manifest until recomputed,
     * then owned (deldf_owned), the terms in deldf_terms. */
    pdx_deldf *deldf;
    uint32_t n_deldf;     /* entries in deldf */
    bool deldf_owned;     /* deldf is malloc'd by update_publish.c */
    pdx_buf deldf_terms;  /* the bytes the owned deldf entries point into */
} useg;

/* The papers of s that are not deleted. */
static inline uint32_t pdx_useg_live(const useg *s)
{
    return s->n_docs - s->n_deleted;
}

/* A file record of the manifest being made. */
typedef struct nfile {
    pdx_manifest_file m;  /* path, dropped and the dropped strings owned */
    uint32_t cap_dropped; /* entries allocated in m.dropped */
} nfile;

/* The whole state of one update (or optimize). */
typedef struct pdx_updater {
    char *path;              /* INDEX, a symlink resolved; owned */
    pdx_update_opts opts;    /* the caller's, defaults filled in */
    pdx_parse_cb cb;         /* diagnostics and progress; the caller's */
    pdx_lock lock;           /* holds <INDEX>.lock; fd -1 before */
    int err;                 /* first error (sticky) */
    char errmsg[PDX_MSG_MAX]; /* its message */
    pdx_update_stats st;     /* what was done */
    pdx_parse_stats parse_stats; /* of the walk and the parsing */

    pdx_manifest old;        /* the manifest read; valid when have_old */
    bool have_old;           /* INDEX held a manifest */
    bool full_build;         /* INDEX did not exist (or was empty) */
    uint64_t next_seq;       /* the next segment file number */
    uint64_t generation;     /* the old manifest's (0 without one) */
    uint64_t first_new_seq;  /* segments numbered from here on are this run's */
    bool published;          /* the new manifest is in place */

    useg *segs;              /* PDX_MAX_SEGMENTS + 1 entries allocated */
    uint32_t n_segs;         /* in use, view order */
    int32_t new_seg;         /* index in segs of the segment this update added, -1 */

    wfile *walk;             /* the files the paths hold, walk order */
    size_t n_walk, cap_walk; /* entries used and allocated */
    uint32_t *by_path;       /* walk indices sorted by path (lookups) */
    unwalked_path *unwalked; /* paths the walk could not read but may be there */
    size_t n_unwalked, cap_unwalked;
    uint8_t *old_walked;     /* per old record: its file was walked */
    bool records_changed;    /* a record changed without a paper changing (mtime, removal) */


    /* The old MCAND table, imported, with this run's deleted papers
     * un-mined and its new papers mined (update_publish.c); NULL when the
     * lexicon must be mined again from every live paper. Owned. */
    struct pdx_lexicon_miner *miner;
    /* The title-summary counts of the live papers (assoc.h), taken on a
     * thread of their own from the moment the live papers are known
     * (pdx_update_assoc_start) until a merge or the lexicon needs them
     * (pdx_update_assoc_wait). Owned; NULL until started. */
    struct pdx_assoc *assoc;
    pthread_t assoc_thread;
    bool assoc_running; /* the thread runs and must be joined */
    int assoc_rc;       /* the counting's result */
    char assoc_why[PDX_MSG_MAX]; /* what a damaged segment said, when it failed */
    bool assoc_reported; /* its failure is the update's error already */

    nfile *recs;             /* the new manifest's file records (any order) */
    size_t n_recs, cap_recs; /* entries used and allocated */

} pdx_updater;

/* Sends a diagnostic to the caller's on_diag, if any. */
void pdx_update_diag(pdx_updater *u, pdx_diag_level level, const char *file, uint32_t line,
                     const char *fmt, ...) PDX_PRINTF_LIKE(5, 6);
/* Step 2's walk (update_walk.c): the files the paths hold now into
 * u->walk, in walk order, with by_path; the files indexed under a path the
 * walk could not read, as recorded (wfile.kept). */
int pdx_update_walk(pdx_updater *u, const char *const *paths, size_t n_paths);
/* Sets the sticky error (if none yet) with a message; returns the error. */
int pdx_update_fail(pdx_updater *u, int code, const char *fmt, ...) PDX_PRINTF_LIKE(3, 4);
int pdx_update_oom(pdx_updater *u);
/* Whether opts.writer.cancel is set; sets PDX_ESTOP then. */
bool pdx_update_cancelled(pdx_updater *u);
/* st_mtim in nanoseconds. */
int64_t pdx_stat_mtime_ns(const struct stat *st);
/* A NUL-terminated malloc'd copy of s[0..n); NULL when out of memory. */
char *pdx_strndup0(const char *s, size_t n);
/* The walk index of the file path[0..len), -1 when not walked. */
int32_t pdx_update_walk_index(const pdx_updater *u, const char *path, size_t len);
/* The segment of file number seq, NULL when the view has none. */
useg *pdx_update_seg_of(pdx_updater *u, uint64_t seq);
/* Marks a paper deleted (counted in st.papers_deleted once). */
void pdx_update_delete(pdx_updater *u, useg *s, uint32_t local);
/* The live paper with id in any segment but skip_seg: its segment index
 * and local id. */
bool pdx_update_find_live(pdx_updater *u, const char *id, size_t len, uint32_t skip_seg,
                          uint32_t *seg_out, uint32_t *local_out);
/* The header checksum of an open segment (bytes PDX_HDR_CHECKSUM..+8). */
uint64_t pdx_useg_header_sum(const useg *s);
/* Closes and frees what a useg owns. */
void pdx_useg_release(useg *s);

/* ---- merge.c: the merge policy, segment writing and the file records ---- */

/* A writer of INDEX with the caller's writer options, for one segment
 * (pdx_writer_commit_segment). */
int pdx_update_writer(pdx_updater *u, pdx_writer **out);
/* Opens the committed segment ms describes and appends it to the view. */
int pdx_update_push_segment(pdx_updater *u, const pdx_manifest_segment *ms, useg **out);
/* Copies the records of the unchanged files into recs (new mtime). */
int pdx_update_carry_records(pdx_updater *u);
/* Appends a record for walked file f (its size, mtime, hash). */
nfile *pdx_update_new_record(pdx_updater *u, const wfile *f);
/* Adds id to the record's dropped list (once). */
int pdx_update_add_dropped(pdx_updater *u, nfile *r, const char *id, size_t len);
/* Appends a record for file f (or, when f is NULL, for the file o names,
 * with o's stamps) with o's place (seq, first_doc, n_docs) and dropped ids:
 * an unchanged file's, one --optimize carries, one a new segment wrote.
 * Returns PDX_OK or the updater's sticky error. */
int pdx_update_copy_record(pdx_updater *u, const wfile *f, const pdx_manifest_file *o);
/* The record whose range holds paper doc of segment s, NULL if none. */
nfile *pdx_update_record_of_doc(pdx_updater *u, const useg *s, uint32_t doc);
/* Frees recs. */
void pdx_update_free_records(pdx_updater *u);
/* Whether the update changes the index at all. */
bool pdx_update_changed(const pdx_updater *u);
/* The stored paper doc of ix as a pdx_paper (pointers into the mapping;
 * its file copied into *file, which the caller frees). */
int pdx_update_paper_of(pdx_index *ix, uint32_t doc, pdx_paper *out, char **file);
/* Runs the merge policy (all: merge everything into one segment without
 * deleted papers, --optimize). */
int pdx_update_merge(pdx_updater *u, bool all);

/* ---- update_publish.c ---- */

/* Brings the old candidate table up to date with this run's deletions
 * and additions (u->miner), or leaves u->miner NULL when it cannot (no
 * table, a pruned one): then publish mines every live paper. Runs before
 * merges, which drop deleted papers. */
int pdx_update_lexicon_delta(pdx_updater *u);
/* Starts counting the live papers for the title-summary pairs: once the
 * live papers are known (after the new segment and the duplicates), on a
 * thread unless the update may use only one. Only the segments and their
 * deletions are read: pdx_update_assoc_wait() before anything changes
 * u->segs. PDX_OK or PDX_ENOMEM (also set as the update's error). */
int pdx_update_assoc_start(pdx_updater *u);
/* Waits for the counting, if it runs; its result. */
int pdx_update_assoc_wait(pdx_updater *u);
/* pdx_update_assoc_wait, a failure made the update's error (once), naming
 * what the damaged segment said. */
int pdx_update_assoc_result(pdx_updater *u);
/* Recomputes what changed (MDELDF, statistics, lexicon), writes the
 * manifest atomically and removes the files it no longer names. */
int pdx_update_publish(pdx_updater *u);


#endif
