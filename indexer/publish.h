/*
 * Internal header of indexer/publish.c and the writer's format-4 half:
 * what a writer of an index of segments needs besides the segment writer
 * (docs/FORMAT.md, "Manifest" and "Writers").
 *
 *   - the writer lock "<INDEX>.lock" (flock LOCK_EX), held by a full
 *     build's commit and by a whole --update / --optimize, and removed
 *     again by a first run that leaves no index;
 *   - reading the current manifest for writing;
 *   - publishing a new manifest atomically (temporary file, fsync,
 *     rename over INDEX, fsync the directory);
 *   - removing, after that, the segment files the manifest no longer
 *     names (and those of killed writers);
 *   - the stamps (size, mtime, XXH3 of the bytes) of the source files a
 *     build read, for MFILES, and a segment written without a manifest
 *     (pdx_writer_commit_segment), for --update and merges.
 */
#ifndef PDX_PUBLISH_H
#define PDX_PUBLISH_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "common.h"
#include "indexer.h"
#include "manifest.h"
#include "paperdex/index.h"

/* How long a writer waits for another one's lock before giving up. */
#define PDX_LOCK_WAIT_MS 60000

/* A writer lock held (pdx_index_lock). */
typedef struct pdx_lock {
    int fd;       /* the locked "<INDEX>.lock"; -1 when none is held */
    bool created; /* this run created the file: it did not exist before */
} pdx_lock;

/* Takes the exclusive writer lock of the index at index_path, creating
 * "<index_path>.lock" if needed. Waits up to PDX_LOCK_WAIT_MS for another
 * writer (checking *cancel, which may be NULL), and says so through
 * on_diag (may be NULL; PDX_DIAG_NOTE) when it starts waiting: a minute
 * of silence looks like a hang. Once it has the flock it checks that the
 * file it locked is still the one at the path, and locks the new one when
 * it is not: that is what lets pdx_index_unlock remove a lock file others
 * may be waiting on without letting two writers in. Returns PDX_OK with
 * *out the held lock, PDX_EIO (cannot create it, or still held by another
 * writer after the wait: the message says so), PDX_ENOMEM or PDX_ESTOP;
 * message in err. */
int pdx_index_lock(const char *index_path, const volatile sig_atomic_t *cancel,
                   pdx_diag_fn on_diag, void *payload, pdx_lock *out, char *err, size_t err_size);
/* Releases the lock (l->fd -1 after; a lock not held is left alone). Its
 * file stays beside an index, but when this run created it and there is
 * still no file at index_path (a first build or update that failed) it is
 * removed first, while still locked, so that a failure leaves no litter.
 * A lock file that existed before the run is never removed. */
void pdx_index_unlock(pdx_lock *l, const char *index_path);
/* Whether the open descriptor fd is still the file at path (a file
 * unlinked or replaced since it was opened is not). */
bool pdx_fd_is_path(int fd, const char *path);
/* Is path (a symlink followed) a regular file that starts with the magic
 * of a manifest or of a segment (a single-file index of an older format
 * has a segment's)? */
bool pdx_starts_like_an_index(const char *path);
/* Refuses path as the INDEX of a writer when it is the lock of another
 * index: "<X>.lock" with an index at X (a manifest, or an index of an
 * older format), or one a writer holds now (X's first build runs). The
 * lock is an empty file, which a writer would
 * otherwise take as a new index and replace with a manifest, leaving X's
 * writers without their lock. Returns PDX_OK, PDX_EINVAL or PDX_ENOMEM
 * with a message in err. */
int pdx_refuse_index_lock(const char *path, char *err, size_t err_size);

/* Reads the manifest at index_path for writing (every section decoded).
 * *exists is false, with *m zeroed and PDX_OK returned, when there is no
 * manifest to continue: no file, an empty file, or an index of an older
 * format version (a full build replaces it). With m NULL, only the
 * file's header is read: *exists says whether a manifest is there, its
 * sections neither read nor checked. Returns PDX_OK,
 * PDX_ENOTINDEX (something else is there), PDX_ECORRUPT, PDX_EVERSION
 * (a newer format), PDX_EIO or PDX_ENOMEM with a message in err. */
int pdx_manifest_read(const char *index_path, pdx_manifest *m, bool *exists, char *err,
                      size_t err_size);

/* Writes m as the new manifest of index_path: encoded into
 * "<tmp_prefix>.mf", fsynced, renamed over index_path, directory fsynced.
 * On an error the old manifest is untouched and the temporary file gone.
 * Returns PDX_OK, PDX_EINVAL (m malformed: a writer bug), PDX_ENOMEM or
 * PDX_EIO with a message in err. */
int pdx_manifest_publish(const char *index_path, const char *tmp_prefix, const pdx_manifest *m,
                         char *err, size_t err_size);

/* Fsyncs the directory holding path, so that a file created or renamed
 * there survives a crash. Returns 0, or -1 with errno set; callers treat
 * it as best effort (some file systems refuse it). */
int pdx_fsync_dir_of(const char *path);

/* The segment journal, in the writer lock file INDEX.lock: the number and
 * identity (header checksum, pdx_frame_identity()) of each segment the
 * current manifest names (pdx_journal_start() writes them), and of each
 * segment a writer made since, recorded and synced before the segment is
 * renamed into place (pdx_journal_segment()). A segment file no manifest
 * names is paperdex's to remove only when the journal or a manifest
 * records it with its identity: a file the user put there under such a
 * name, or a copy of another index's segment, is never removed or
 * replaced (a trial found both removed: they start with the segment
 * magic), while the segments a killed run made, or left after publishing
 * the manifest that replaced them, are. */
int pdx_journal_segment(const char *index_path, uint64_t seq, uint64_t identity, char *err,
                        size_t err_size);

/* Removes, holding the lock, the segment files that `now` does not name
 * and that paperdex can show it wrote: those `before` names (the segments
 * of the manifest `now` replaced; NULL for none), and those the journal
 * records (this run's after a failure), each only when its file's
 * identity is the one recorded. Call it right after `now` was published,
 * or after a failure with the current manifest as `now`. Only unlinks:
 * nothing is written once the manifest is. Returns how many were
 * removed. */
unsigned pdx_remove_orphans(const char *index_path, const pdx_manifest *now,
                            const pdx_manifest *before);
/* At a run's start, holding the lock, with the current manifest as `now`
 * (NULL: no index): removes what a killed run left (the journal's
 * segments `now` does not name, as pdx_remove_orphans() does), then the
 * journal holds `now`'s segments and the records of files it could not
 * remove. Not when the index's manifest could not be read: its segments
 * would be removed and forgotten (then a run only appends). PDX_OK, or an
 * error with a message in err (the run must stop: its segments could not
 * be recorded). */
int pdx_journal_start(const char *index_path, const pdx_manifest *now, char *err,
                      size_t err_size);
/* Removes the one segment seq when its file's identity is `identity`
 * (this run's, after a failure). Returns 1 when it did. */
unsigned pdx_remove_own_segment(const char *index_path, uint64_t seq, uint64_t identity);
/* The first segment number from `from` on with no file of that name: a
 * full build over an index whose manifest cannot be read takes it rather
 * than a number such a file may hold. */
uint64_t pdx_first_free_seq(const char *index_path, uint64_t from);

/* Renames the finished segment tmp to seg_path, never replacing a file
 * there (a killed writer's orphans were removed when the run started:
 * pdx_remove_orphans()). Returns PDX_OK, or PDX_EIO with a message in err
 * naming the file in the way. */
int pdx_rename_segment(const char *tmp, const char *seg_path, char *err, size_t err_size);

/* ---- walk.c: stamps of the files read ---- */

/* What a source file was when it was read (MFILES). */
typedef struct pdx_file_stamp {
    uint64_t size;    /* bytes read */
    int64_t mtime_ns; /* st_mtim when it was opened */
    uint64_t hash;    /* XXH3-64 (pdx_hash) of the bytes read */
} pdx_file_stamp;

/* Called with a file's stamp after it was read and before it is parsed. */
typedef void (*pdx_stamp_fn)(const char *path, const pdx_file_stamp *stamp, void *payload);

/* pdx_read_and_parse, calling on_stamp (when not NULL) between reading
 * and parsing; a file that could not be read gets no stamp. */
int pdx_read_and_parse_stamped(pdx_parser *p, pdx_buf *data, const char *path,
                               pdx_stamp_fn on_stamp, void *payload);

/* ---- writer.c: the format-4 half of the writer ---- */

/* Tells the writer that the papers it is given next, up to the next call,
 * come from file path read as stamp: they get an MFILES record. Papers
 * whose file is not the last one noted (pdx_writer_add without a walk)
 * get none. Returns PDX_OK or PDX_ENOMEM (sticky). */
int pdx_writer_note_file(pdx_writer *w, const char *path, const pdx_file_stamp *stamp);

/* A segment written by pdx_writer_commit_segment. */
typedef struct pdx_segment_out {
    pdx_manifest_segment seg;      /* seq, n_docs, file_size, header_sum (no deletions) */
    uint64_t sum_len[PDX_NFIELDS]; /* tokens per field over its papers */
    int32_t min_date, max_date;    /* range of its known dates, 0 if none */
    uint32_t max_votes;            /* most known votes of one of its papers */
    uint64_t created;              /* its META creation time */
    pdx_manifest_file *files;      /* MFILES records of its papers' files, sorted by path,
                                      seq set; owned (pdx_segment_out_free) */
    uint32_t n_files;              /* entries in files */
    pdx_buf lexicon;               /* LEXICON bytes mined from its papers */
    pdx_buf cand;                  /* MCAND: the miner's candidate table of its papers */
} pdx_segment_out;

/* Commits the writer's papers as segment file "<INDEX>.<seq>.seg" only:
 * no manifest is written and no lock taken (the caller holds it and
 * publishes). On an error no segment file is left. Returns what
 * pdx_writer_commit returns. */
int pdx_writer_commit_segment(pdx_writer *w, uint64_t seq, pdx_segment_out *out,
                              pdx_write_stats *stats);
/* The next commit mines no lexicon (out->lexicon and out->cand stay
 * empty): for the segments of --update and merges, whose manifest's
 * lexicon is computed from all the live papers (update_publish.c). */
void pdx_writer_no_lexicon(pdx_writer *w);
/* Frees what pdx_writer_commit_segment put in *out. */
void pdx_segment_out_free(pdx_segment_out *out);
/* The writer's temporary prefix ("<INDEX>.tmp.<pid>.<random>"), for the
 * caller's own temporary files (a manifest). */
const char *pdx_writer_tmp_prefix(const pdx_writer *w);
/* The index path the writer replaces (a symlink at the path given
 * resolved to its target). */
const char *pdx_writer_target(const pdx_writer *w);

#endif
