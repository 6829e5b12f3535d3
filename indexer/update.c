/*
 * pdx_index_update: brings an index (a manifest and its segments, see
 * common/manifest.h) up to date with the digest files at some paths,
 * writing only what changed (issue 12).
 *
 * The steps, each a function below, run under the index's writer lock
 * (<INDEX>.lock, flock LOCK_EX, held from the first read to the last
 * unlink):
 *   1. load_index: the current manifest (publish.c's pdx_manifest_read;
 *      none, or an older format: a full build) and every segment it names,
 *      opened and compared with MSEGS; segment files no manifest names and
 *      temporary files of killed runs are removed first.
 *   2. pdx_update_walk (update_walk.c), classify_files: the files the paths
 *      hold now, walked as a full build walks them, each compared with its
 *      MFILES record: size and mtime equal = unchanged; else its content
 *      hash decides. The files indexed under a folder the walk cannot read
 *      now are taken as they were recorded (kept, not gone).
 *   3. delete_stale: the papers of changed and vanished files are deleted
 *      (per-segment deletion flags).
 *   4. resurrect: an unchanged file one of whose papers lost to a duplicate
 *      (its id is in the record's dropped list) is parsed again when that
 *      id has no live paper left, so the paper comes back; repeated until
 *      nothing changes, since parsing a file again deletes its papers.
 *   5. carry the unchanged files' records; add_segment: new, changed and
 *      resurrected files are parsed, in walk order, by the ordinary writer
 *      into one new segment file <INDEX>.<seq>.seg
 *      (pdx_writer_commit_segment: the writer dedups among them exactly as
 *      a full build does, and gives their records: stamps, ranges, ids it
 *      dropped).
 *   6. resolve_duplicates: each paper of the new segment against the live
 *      paper with its id in the older segments, by the full build's rule:
 *      the later date wins, on a tie the one later in walk order. The loser
 *      is deleted (an old paper, or a new one deleted from birth) and its id
 *      is added to its file's dropped list.
 *   7. the lexicon's candidate table (MCAND) follows the deletions and
 *      additions (update_publish.c), then merge.c's policy
 *      (pdx_update_merge) keeps the segment count bounded.
 *   8. publish (update_publish.c): MDELDF recomputed for every segment
 *      whose deletions changed (re-tokenizing the deleted papers with
 *      doc_batch.c, the writer's own per-paper terms), live statistics, the
 *      lexicon finished, the manifest published atomically (publish.c);
 *      only then are the segment files it no longer names removed
 *      (readers retry on a missing segment: docs/FORMAT.md).
 *
 * Nothing is written when nothing changed. On an error the segment files
 * this run wrote are removed and INDEX is left as it was.
 *
 * Invariant kept across updates: in a file's record, every paper of its
 * range that is deleted, and every paper of the file the writer never
 * wrote, has its arXiv id in the record's dropped list; so step 4 finds
 * every paper that may have to come back.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "assoc.h"
#include "indexer.h"
#include "lexicon_mine.h"
#include "manifest.h"
#include "paperdex/index.h"
#include "paperdex/tokenizer.h"
#include "publish.h"
#include "segment.h"
#include "update_int.h"

/* ---- errors ---- */

int pdx_update_fail(pdx_updater *u, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = pdx_sticky_verr(&u->err, u->errmsg, sizeof u->errmsg, code, fmt, ap);
    va_end(ap);
    return rc;
}

int pdx_update_oom(pdx_updater *u)
{
    return pdx_update_fail(u, PDX_ENOMEM, "%s: out of memory while updating", u->path);
}

/* Whether the caller asked to stop (opts.writer.cancel). */
bool pdx_update_cancelled(pdx_updater *u)
{
    const volatile sig_atomic_t *c = u->opts.writer.cancel;
    if (!c || !*c)
        return false;
    pdx_update_fail(u, PDX_ESTOP, "%s: interrupted; the index was not changed", u->path);
    return true;
}

void pdx_update_diag(pdx_updater *u, pdx_diag_level level, const char *file, uint32_t line,
                     const char *fmt, ...)
{
    if (!u->cb.on_diag)
        return;
    char msg[PDX_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pdx_diag d = {level, file, line, msg};
    u->cb.on_diag(&d, u->cb.payload);
}

/* ---- small helpers ---- */

int64_t pdx_stat_mtime_ns(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

/* Opens a digest to read it (O_NONBLOCK: a FIFO must not hang the open);
 * -1 with errno when it cannot be. */
static int open_digest(const char *path)
{
    return open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
}

/* The first bytes of a file, kept by hash_file() for the checks of its
 * content that need no more (unreadable_content()). */
typedef struct file_head {
    char b[128];
    size_t n;
} file_head;

/* XXH3-64 of the file's bytes into *hash, its size, and its first bytes
 * into *head. PDX_EIO (errno kept) when it cannot be read. */
static int hash_file(const char *path, uint64_t *hash, uint64_t *size, file_head *head)
{
    head->n = 0;
    int fd = open_digest(path);
    if (fd < 0)
        return PDX_EIO;
    XXH3_state_t *hs = XXH3_createState();
    if (!hs) {
        close(fd);
        return PDX_ENOMEM;
    }
    XXH3_64bits_reset(hs);
    uint8_t buf[1 << 14];
    uint64_t total = 0;
    int rc = PDX_OK;
    for (;;) {
        ssize_t k = read(fd, buf, sizeof buf);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            rc = PDX_EIO;
            break;
        }
        if (k == 0)
            break;
        XXH3_64bits_update(hs, buf, (size_t)k);
        size_t h = PDX_MIN((size_t)k, sizeof head->b - head->n);
        memcpy(head->b + head->n, buf, h);
        head->n += h;
        total += (uint64_t)k;
    }
    int e = errno;
    *hash = XXH3_64bits_digest(hs);
    *size = total;
    XXH3_freeState(hs);
    close(fd);
    errno = e;
    return rc;
}

char *pdx_strndup0(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

/* ---- step 1: the current index ---- */

/* Opens segment i of the manifest and checks it is the file MSEGS names
 * (size and header checksum). */
static int open_old_segment(pdx_updater *u, const pdx_manifest_segment *ms, useg *s)
{
    s->seq = ms->seq;
    s->n_docs = ms->n_docs;
    char *sp = pdx_segment_path(u->path, ms->seq);
    if (!sp)
        return pdx_update_oom(u);
    char err[PDX_MSG_MAX];
    int rc = pdx_segment_open(&s->ix, sp, err, sizeof err);
    if (rc) {
        free(sp);
        return pdx_update_fail(u, rc, "%s", err);
    }
    if (s->ix->size != ms->file_size || pdx_useg_header_sum(s) != ms->header_sum ||
        s->ix->n_docs != ms->n_docs) {
        pdx_update_fail(u, PDX_ECORRUPT,
                        "%s: is not the segment the index names (size or header checksum "
                        "differ); the index is damaged: rebuild it",
                        sp);
        free(sp);
        return u->err;
    }
    free(sp);
    s->file_size = ms->file_size;
    s->header_sum = ms->header_sum;
    s->deleted = calloc(s->n_docs ? s->n_docs : 1, 1);
    if (!s->deleted)
        return pdx_update_oom(u);
    for (uint32_t k = 0; k < ms->n_deleted; k++)
        s->deleted[ms->deleted[k]] = 1;
    s->n_deleted = ms->n_deleted;
    s->deldf = ms->deldf; /* borrowed from u->old until recomputed */
    s->n_deldf = ms->n_deldf;
    return PDX_OK;
}

uint64_t pdx_useg_header_sum(const useg *s)
{
    return pdx_get_u64(s->ix->map + PDX_HDR_CHECKSUM);
}

/* Follows a symlinked INDEX to its target, as the writer does
 * (pdx_output_target), so that the segments go beside the file the link
 * names. */
static int resolve_index_path(pdx_updater *u, const char *path)
{
    char err[PDX_MSG_MAX];
    int rc = pdx_output_target(path, &u->path, err, sizeof err);
    if (rc)
        return pdx_update_fail(u, rc, "%s", err);
    struct stat st;
    if (stat(u->path, &st) == 0 && !S_ISREG(st.st_mode))
        return pdx_update_fail(u, PDX_EINVAL,
                               "%s: exists and is %s, not a regular file; refusing to "
                               "replace it",
                               u->path, pdx_file_kind(st.st_mode));
    return PDX_OK;
}

/* Reads the manifest at u->path (publish.c) and opens its segments. No
 * manifest (no file, an empty one, an index of an older format) means a
 * full build (u->full_build). Leftovers of killed runs go first. */
static int refuse_foreign(pdx_updater *u)
{
    return pdx_update_fail(u, PDX_ENOTINDEX,
                           "%s: exists and is not a paperdex index; refusing to overwrite "
                           "it (remove it or choose another output)",
                           u->path);
}

/* Refuses, before the lock file is made beside it, an INDEX paperdex did
 * not write, the lock of another index (or, for --optimize, no index at
 * all): the refusal would otherwise leave INDEX.lock as litter.
 * load_index reads the manifest again under the lock, so a race only
 * changes which message comes. */
static int refuse_before_lock(pdx_updater *u, bool must_exist)
{
    bool exists = false;
    char err[PDX_MSG_MAX] = "";
    int rc = pdx_refuse_index_lock(u->path, err, sizeof err);
    if (rc)
        return pdx_update_fail(u, rc, "%s", err);
    rc = pdx_manifest_read(u->path, NULL, &exists, err, sizeof err); /* its header only */
    if (rc == PDX_ENOTINDEX)
        return refuse_foreign(u);
    if (!rc && must_exist && !exists)
        return pdx_update_fail(u, PDX_ENOTFOUND, "%s: no index to optimize", u->path);
    return PDX_OK; /* another problem: load_index reports it */
}

/* An index another tokenizer made is rebuilt, not refused: an update is
 * what a daily job or --watch runs, and a new paperdex would otherwise
 * stop it until someone rebuilt by hand. Nothing of the old index is
 * reused (every file is read, as in a full build); its segment numbering
 * goes on, and its segments are removed once the new manifest is
 * published, as an update removes those it merged. */
static void rebuild_other_tokenizer(pdx_updater *u)
{
    pdx_update_diag(u, PDX_DIAG_NOTE, u->path, 0,
                    "built with tokenizer version %u (stemmer '%s', Unicode %s), this paperdex "
                    "uses %u ('%s', %s): every file is read again, as in a full build",
                    u->old.tokenizer_version, u->old.stemmer ? u->old.stemmer : "",
                    u->old.unicode_version ? u->old.unicode_version : "", PDX_TOKENIZER_VERSION,
                    pdx_tokenizer_stemmer_name(), pdx_tokenizer_unicode_version());
    pdx_manifest_forget_contents(&u->old);
    u->full_build = true;
}

static int load_index(pdx_updater *u)
{
    char err[PDX_MSG_MAX] = "";
    bool exists = false;
    int rc = pdx_manifest_read(u->path, &u->old, &exists, err, sizeof err);
    if (rc == PDX_ENOTINDEX)
        return refuse_foreign(u);
    if (rc)
        return pdx_update_fail(u, rc, "%s", err[0] ? err : pdx_strerror(rc));
    u->segs = calloc(PDX_MAX_SEGMENTS + 1, sizeof *u->segs);
    if (!u->segs)
        return pdx_update_oom(u);
    u->have_old = exists;
    u->full_build = !exists;
    u->next_seq = exists ? u->old.next_seq : 1;
    u->first_new_seq = u->next_seq;
    u->generation = exists ? u->old.generation : 0;
    pdx_writer_remove_stale_temps(u->path);
    char jerr[PDX_MSG_MAX];
    if ((rc = pdx_journal_start(u->path, exists ? &u->old : NULL, jerr, sizeof jerr)))
        return pdx_update_fail(u, rc, "%s", jerr);
    if (exists && !pdx_manifest_tokenizer_is_ours(&u->old)) {
        rebuild_other_tokenizer(u);
        return PDX_OK;
    }
    for (uint32_t i = 0; i < u->old.n_segs; i++) {
        if (open_old_segment(u, &u->old.segs[i], &u->segs[i]))
            return u->err;
        u->n_segs++;
    }
    return PDX_OK;
}

/* ---- step 2: the files the paths hold now (walked: update_walk.c) ---- */

/* The old record of path, or -1 (MFILES is sorted by path). */
static int32_t old_record(const pdx_updater *u, const char *path)
{
    size_t lo = 0, hi = u->have_old ? u->old.n_files : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(u->old.files[mid].path, path);
        if (c < 0)
            lo = mid + 1;
        else if (c > 0)
            hi = mid;
        else
            return (int32_t)mid;
    }
    return -1;
}

/* Takes file f as unchanged, its content as its record r says. */
static void as_recorded(wfile *f, const pdx_manifest_file *r)
{
    f->hash = r->hash;
    f->kind = WF_UNCHANGED;
    f->stamped = true;
}

/* A recorded file that must be read but cannot be now, for want of
 * permission (a sync tool wrote it back mode 600), or whose new content
 * the parser cannot read at all (re-saved as UTF-16, grown past
 * PDX_MAX_DIGEST_BYTES: unreadable_content()): like the files under a
 * folder the walk could not read (update_walk.c), it is not gone, so its
 * papers are kept as recorded, with the record's size and mtime, so that
 * the next update reads it again. why says what stopped the read. */
static void keep_unreadable(pdx_updater *u, wfile *f, const pdx_manifest_file *r,
                            const char *why)
{
    if (r->n_docs)
        pdx_update_diag(u, PDX_DIAG_WARNING, f->path, 0,
                        "could not be read (%s): its %" PRIu32 " indexed paper%s kept as %s "
                        "(a full build would leave %s out)",
                        why, r->n_docs, r->n_docs == 1 ? " is" : "s are",
                        r->n_docs == 1 ? "it was" : "they were", r->n_docs == 1 ? "it" : "them");
    else /* its papers all lost to duplicates: its record stays */
        pdx_update_diag(u, PDX_DIAG_WARNING, f->path, 0,
                        "could not be read (%s): its record is kept as it was", why);
    f->kept = true;
    f->size = r->size;
    f->mtime_ns = r->mtime_ns;
    as_recorded(f, r);
}

static const char too_large[] = "it is larger than a digest can be";

/* Why the parser cannot read a file of size bytes, which begins with head,
 * at all (its papers would all go), or NULL: past PDX_MAX_DIGEST_BYTES
 * (the walk does not read it), or UTF-16 (pdx_utf16_sign()). */
static const char *unreadable_content(uint64_t size, const file_head *head)
{
    if (size > PDX_MAX_DIGEST_BYTES)
        return too_large;
    return pdx_utf16_sign(head->b, head->n) ? "it looks like UTF-16; digests must be UTF-8"
                                            : NULL;
}

/* Can path be opened for reading now (errno says why not)? */
static bool can_open(const char *path)
{
    int fd = open_digest(path);
    if (fd < 0)
        return false;
    close(fd);
    return true;
}

/* Decides, for each walked file, whether it must be parsed: new, changed
 * (size or mtime differ and so does the content hash), or new and
 * unreadable (parsing reports it). A file with the size and mtime of its
 * record is not opened at all (6,000 files at 20x: the stats are the cost
 * of a no-op update), so a permission change alone does not remove its
 * papers; a recorded file that must be read and cannot be for want of
 * permission keeps them too (keep_unreadable()), while one that cannot be
 * read otherwise (gone since the walk, an I/O error) is parsed, reported
 * and its papers go, as a full build would leave them out. An unchanged
 * file whose mtime moved keeps its record with the new mtime. */
static int classify_files(pdx_updater *u)
{
    for (uint32_t i = 0; i < u->n_walk && !pdx_update_cancelled(u); i++) {
        wfile *f = &u->walk[i];
        f->old = old_record(u, f->path); /* size and mtime: the walk's stat */
        const pdx_manifest_file *r = f->old >= 0 ? &u->old.files[f->old] : NULL;
        if (f->kept && r) { /* not read: as recorded (update_walk.c) */
            as_recorded(f, r);
            continue;
        }
        if (r && !r->n_docs && !r->n_dropped) {
            /* a record of nothing, as builds before this one wrote for a
             * file without papers: read it as new, and drop the record */
            r = NULL;
            u->records_changed = true;
        }
        if (r && r->size == f->size && r->mtime_ns == f->mtime_ns) {
            as_recorded(f, r); /* trusted without reading, as make trusts mtimes */
            continue;
        }
        if (r && f->size > PDX_MAX_DIGEST_BYTES) { /* by its stat: not even hashed */
            keep_unreadable(u, f, r, too_large);
            continue;
        }
        file_head head;
        int rc = hash_file(f->path, &f->hash, &f->size, &head);
        if (rc == PDX_ENOMEM)
            return pdx_update_oom(u);
        if (rc && r && (errno == EACCES || errno == EPERM)) {
            keep_unreadable(u, f, r, strerror(errno));
            continue;
        }
        if (rc) {
            f->kind = r ? WF_CHANGED : WF_ADDED;
            continue;
        }
        /* grown since the walk, or re-saved as UTF-16 */
        const char *why = r ? unreadable_content(f->size, &head) : NULL;
        if (why) {
            keep_unreadable(u, f, r, why);
            continue;
        }
        f->stamped = true;
        if (r && r->hash == f->hash && r->size == f->size) {
            f->kind = WF_UNCHANGED;
            u->records_changed = true; /* the new mtime */
        } else {
            f->kind = r ? WF_CHANGED : WF_ADDED;
        }
    }
    return u->err;
}

/* ---- step 3 and 4: deletions ---- */

useg *pdx_update_seg_of(pdx_updater *u, uint64_t seq)
{
    for (uint32_t i = 0; i < u->n_segs; i++)
        if (u->segs[i].seq == seq)
            return &u->segs[i];
    return NULL;
}

void pdx_update_delete(pdx_updater *u, useg *s, uint32_t local)
{
    if (s->deleted[local])
        return;
    s->deleted[local] = 1;
    s->n_deleted++;
    s->del_changed = true;
    u->st.papers_deleted++;
}

/* Deletes every paper of an old file record. */
static int delete_record(pdx_updater *u, const pdx_manifest_file *r)
{
    if (!r->n_docs)
        return PDX_OK;
    useg *s = pdx_update_seg_of(u, r->seq);
    if (!s || (uint64_t)r->first_doc + r->n_docs > s->n_docs)
        return pdx_update_fail(u, PDX_ECORRUPT,
                               "%s: the record of %s names papers its segment does not hold; "
                               "the index is damaged: rebuild it",
                               u->path, r->path);
    for (uint32_t k = 0; k < r->n_docs; k++)
        pdx_update_delete(u, s, r->first_doc + k);
    return PDX_OK;
}

/* Deletes the papers of changed and vanished files. */
static int delete_stale(pdx_updater *u)
{
    if (!u->have_old)
        return PDX_OK;
    u->old_walked = calloc(u->old.n_files ? u->old.n_files : 1, 1);
    if (!u->old_walked)
        return pdx_update_oom(u);
    for (uint32_t i = 0; i < u->n_walk; i++) {
        const wfile *f = &u->walk[i];
        if (f->old < 0)
            continue;
        u->old_walked[f->old] = 1;
        if (f->kind != WF_CHANGED)
            continue;
        /* its record goes or is replaced even when no paper is deleted (a
         * file whose papers were all dropped as duplicates) */
        u->records_changed = true;
        if (delete_record(u, &u->old.files[f->old]))
            return u->err;
    }
    for (uint32_t k = 0; k < u->old.n_files; k++) {
        if (u->old_walked[k])
            continue;
        u->st.files_removed++;
        u->records_changed = true;
        if (delete_record(u, &u->old.files[k]))
            return u->err;
    }
    return PDX_OK;
}

bool pdx_update_find_live(pdx_updater *u, const char *id, size_t len, uint32_t skip_seg,
                          uint32_t *seg_out, uint32_t *local_out)
{
    for (uint32_t i = 0; i < u->n_segs; i++) {
        if (i == skip_seg)
            continue;
        uint32_t local;
        if (pdx_doc_find_id(u->segs[i].ix, id, len, &local) == PDX_OK &&
            !u->segs[i].deleted[local]) {
            *seg_out = i;
            *local_out = local;
            return true;
        }
    }
    return false;
}

/* Step 4: unchanged files that lost a paper to a duplicate which is gone
 * now are parsed again (see the top of the file). */
static int resurrect(pdx_updater *u)
{
    bool again = true;
    while (again) {
        again = false;
        for (uint32_t i = 0; i < u->n_walk; i++) {
            wfile *f = &u->walk[i];
            /* a kept file cannot be read: its paper comes back once it can */
            if (f->kind != WF_UNCHANGED || f->kept)
                continue;
            const pdx_manifest_file *r = &u->old.files[f->old];
            for (uint32_t k = 0; k < r->n_dropped; k++) {
                uint32_t si, local;
                if (pdx_update_find_live(u, r->dropped[k], strlen(r->dropped[k]), UINT32_MAX,
                                         &si, &local))
                    continue;
                /* unchanged, never opened: its permission may have gone
                 * meanwhile, and parsing it would lose all its papers */
                if (!can_open(f->path) && (errno == EACCES || errno == EPERM)) {
                    keep_unreadable(u, f, r, strerror(errno));
                    break;
                }
                f->kind = WF_RESURRECTED;
                if (delete_record(u, r))
                    return u->err;
                again = true;
                break;
            }
        }
    }
    return PDX_OK;
}

/* ---- step 5: the new segment ---- */

/* The parser's diagnostics and progress go to the caller. */
static void forward_diag(const pdx_diag *d, void *payload)
{
    pdx_updater *u = payload;
    if (u->cb.on_diag)
        u->cb.on_diag(d, u->cb.payload);
}

static int forward_paper(const pdx_paper *p, void *payload)
{
    pdx_updater *u = payload;
    u->st.papers_parsed++;
    int32_t k = p->file ? pdx_update_walk_index(u, p->file, strlen(p->file)) : -1;
    if (k >= 0)
        u->walk[k].has_paper = true;
    return u->cb.on_paper ? u->cb.on_paper(p, u->cb.payload) : PDX_OK;
}

/* Takes the writer's records of the files it read (their stamps, ranges
 * and the ids it dropped as duplicates among them). */
static int take_records(pdx_updater *u, pdx_segment_out *out)
{
    for (uint32_t k = 0; k < out->n_files; k++)
        if (pdx_update_copy_record(u, NULL, &out->files[k]))
            return u->err;
    return PDX_OK;
}

/* Commits the writer's papers as this run's new segment and takes its
 * file records. */
static int commit_new_segment(pdx_updater *u, pdx_writer *w)
{
    pdx_segment_out out;
    pdx_write_stats ws = {0};
    int rc = pdx_writer_commit_segment(w, u->next_seq++, &out, &ws);
    if (rc)
        return pdx_update_fail(u, rc, "%s", pdx_writer_errmsg(w));
    u->st.duplicates += ws.duplicates;
    useg *s = NULL;
    rc = pdx_update_push_segment(u, &out.seg, &s);
    if (!rc)
        rc = take_records(u, &out);
    if (!rc)
        u->new_seg = (int32_t)(s - u->segs);
    pdx_segment_out_free(&out);
    return rc;
}

/* Parses files list[0..n) (walk order) with a writer of INDEX into the
 * new segment; a list without any paper writes none, and its files get no
 * record (the writer records only files holding a paper). */
static int parse_into_segment(pdx_updater *u, const char **list, size_t n)
{
    pdx_writer *w = NULL;
    int rc = pdx_update_writer(u, &w);
    if (!rc) {
        pdx_parse_cb cb = {forward_paper, forward_diag, u};
        rc = pdx_writer_add_paths(w, list, n, &cb, &u->parse_stats);
        if (rc > 0) /* no code of paperdex's: the paper callback's value */
            pdx_update_fail(u, rc, "%s: stopped by the paper callback (%d)", u->path, rc);
        else if (rc)
            pdx_update_fail(u, rc, "%s", *pdx_writer_errmsg(w) ? pdx_writer_errmsg(w)
                                                               : pdx_strerror(rc));
    }
    if (!rc)
        rc = u->st.papers_parsed ? commit_new_segment(u, w) : PDX_OK;
    pdx_writer_free(w);
    return rc;
}

/* Counts the files parsed by kind. A new file holding no paper is not
 * added (it gets no record): the parser has reported it skipped, as a
 * build does, and so will the next update. A changed file is counted even
 * so: its papers went. */
static void count_parsed(pdx_updater *u)
{
    for (uint32_t i = 0; i < u->n_walk; i++) {
        const wfile *f = &u->walk[i];
        if (f->kind == WF_ADDED)
            u->st.files_added += f->has_paper;
        else if (f->kind == WF_CHANGED)
            u->st.files_changed++;
        else if (f->kind != WF_UNCHANGED)
            u->st.files_reparsed++;
    }
}

/* Parses the new, changed and resurrected files, in walk order, into one
 * new segment; nothing when there are none or they hold no paper. */
static int add_segment(pdx_updater *u)
{
    size_t n = 0;
    const char **list = malloc((u->n_walk ? u->n_walk : 1) * sizeof *list);
    if (!list)
        return pdx_update_oom(u);
    for (uint32_t i = 0; i < u->n_walk; i++) {
        wfile *f = &u->walk[i];
        if (f->kind == WF_UNCHANGED)
            continue;
        list[n++] = f->path;
    }
    int rc = n ? parse_into_segment(u, list, n) : PDX_OK;
    free(list);
    if (!rc)
        count_parsed(u);
    return rc ? (u->err ? u->err : rc) : PDX_OK;
}

/* ---- step 6: duplicates across segments ---- */

/* Whether paper a (date, walk index) beats paper b under the full build's
 * rule: the later date, on a tie the one later in walk order. */
static bool beats(int32_t date_a, int32_t walk_a, int32_t date_b, int32_t walk_b)
{
    return date_a != date_b ? date_a > date_b : walk_a > walk_b;
}

/* The walk index of the file of local paper doc of segment s (-1 when the
 * file is not walked any more). */
static int32_t walk_of_doc(pdx_updater *u, useg *s, uint32_t doc)
{
    pdx_stored sd;
    if (pdx_stored_get(s->ix, doc, &sd) != PDX_OK)
        return -1;
    return pdx_update_walk_index(u, sd.file, sd.file_len);
}

static int resolve_duplicates(pdx_updater *u)
{
    if (u->new_seg < 0)
        return PDX_OK;
    useg *ns = &u->segs[u->new_seg];
    for (uint32_t d = 0; d < ns->n_docs; d++) {
        pdx_stored sd;
        if (pdx_stored_get(ns->ix, d, &sd))
            return pdx_update_fail(u, PDX_ECORRUPT, "%s", pdx_index_errmsg(ns->ix));
        uint32_t si, od;
        if (!pdx_update_find_live(u, sd.id, sd.id_len, (uint32_t)u->new_seg, &si, &od))
            continue;
        useg *os = &u->segs[si];
        int32_t nd = pdx_doc_date(ns->ix, d), odate = pdx_doc_date(os->ix, od);
        int32_t nw = pdx_update_walk_index(u, sd.file, sd.file_len), ow = walk_of_doc(u, os, od);
        pdx_stored osd;
        if (pdx_stored_get(os->ix, od, &osd))
            return pdx_update_fail(u, PDX_ECORRUPT, "%s", pdx_index_errmsg(os->ix));
        u->st.duplicates++;
        char *file = pdx_strndup0(sd.file, sd.file_len);
        if (!file)
            return pdx_update_oom(u);
        bool new_wins = beats(nd, nw, odate, ow);
        char day[16];
        pdx_update_diag(u, PDX_DIAG_WARNING, file, sd.line,
                        "duplicate %s %.*s (also dated %s in %.*s): %s",
                        pdx_id_kind(sd.id_synthesized), (int)PDX_MIN(sd.id_len, 64), sd.id,
                        pdx_date_text(odate, day), (int)PDX_MIN(osd.file_len, 200), osd.file,
                        new_wins ? "this entry replaces that one"
                                 : "that entry is kept; this one is not indexed");
        free(file);
        /* the loser's file record gets its id in the dropped list; a
         * paper added through pdx_writer_add has no file (no record) and
         * no file to come back from */
        useg *ls = new_wins ? os : ns;
        uint32_t ld = new_wins ? od : d;
        pdx_stored lsd = new_wins ? osd : sd;
        nfile *rec = pdx_update_record_of_doc(u, ls, ld);
        if (!rec && ls == ns)
            return pdx_update_fail(u, PDX_ECORRUPT,
                                   "%s: a paper of segment %" PRIu64 " belongs to no file record",
                                   u->path, ls->seq);
        if (rec && pdx_update_add_dropped(u, rec, lsd.id, lsd.id_len))
            return u->err;
        pdx_update_delete(u, ls, ld);
        if (!new_wins)
            u->st.papers_deleted--; /* never counted as added */
    }
    u->st.papers_added = ns->n_docs - ns->n_deleted;
    return PDX_OK;
}

/* ---- the entry points ---- */

static void updater_free(pdx_updater *u)
{
    pdx_update_assoc_wait(u); /* it reads the segments released below */
    for (uint32_t i = 0; i < u->n_segs; i++)
        pdx_useg_release(&u->segs[i]);
    free(u->segs);
    for (size_t i = 0; i < u->n_walk; i++)
        free(u->walk[i].path);
    free(u->walk);
    free(u->by_path);
    for (size_t i = 0; i < u->n_unwalked; i++)
        free(u->unwalked[i].path);
    free(u->unwalked);
    pdx_update_free_records(u);
    pdx_lexicon_miner_free(u->miner);
    pdx_assoc_free(u->assoc);
    free(u->old_walked);
    if (u->have_old)
        pdx_manifest_free(&u->old);
    pdx_index_unlock(&u->lock, u->path);
    free(u->path);
}

/* Removes the segment files a failed run wrote (no manifest names them;
 * the next run would remove them too, but a full disk wants the room
 * back now): those the journal records, so a file of the user's in the
 * way of a segment stays. */
static void remove_unpublished(pdx_updater *u)
{
    if (u->published || !u->path || !u->first_new_seq)
        return;
    pdx_remove_orphans(u->path, u->have_old ? &u->old : NULL, NULL);
}

/* Copies the updater's message to errbuf and fills the stats. */
static int finish(pdx_updater *u, int rc, pdx_update_stats *st, char *errbuf, size_t errbuf_size)
{
    pdx_update_assoc_wait(u); /* a run that failed while it counted: before segments go */
    if (rc)
        remove_unpublished(u);
    if (rc && !u->err)
        pdx_update_fail(u, rc, "%s: %s", u->path ? u->path : "index", pdx_strerror(rc));
    if (!errbuf)
        errbuf_size = 0;
    if (errbuf_size)
        snprintf(errbuf, errbuf_size, "%s", rc ? u->errmsg : "");
    u->st.segments = u->n_segs;
    u->st.full_build = u->full_build;
    if (st)
        *st = u->st;
    updater_free(u);
    return rc;
}

/* Common set-up: options, the path, the lock. */
static int begin(pdx_updater *u, const char *index_path, const pdx_update_opts *o,
                 const pdx_parse_cb *cb, bool must_exist)
{
    memset(u, 0, sizeof *u);
    u->lock.fd = -1;
    u->new_seg = -1;
    if (o)
        u->opts = *o;
    if (cb)
        u->cb = *cb;
    else
        u->cb.on_diag = u->opts.writer.on_diag, u->cb.payload = u->opts.writer.payload;
    if (!index_path || !*index_path)
        return pdx_update_fail(u, PDX_EINVAL, "no index path given");
    /* checked here, not only when a segment is written: an update with
     * nothing to do would take a bad value silently */
    if (u->opts.writer.threads > PDX_WRITER_MAX_THREADS)
        return pdx_update_fail(u, PDX_EINVAL, "%s: %u threads asked for; at most %d", index_path,
                               u->opts.writer.threads, PDX_WRITER_MAX_THREADS);
    if (!u->opts.max_segments)
        u->opts.max_segments = PDX_UPDATE_DEFAULT_SEGMENTS;
    if (u->opts.max_segments < 2 || u->opts.max_segments > PDX_MAX_SEGMENTS - 2)
        return pdx_update_fail(u, PDX_EINVAL, "%s: max_segments %u is out of range (2..%d)",
                               index_path, u->opts.max_segments, PDX_MAX_SEGMENTS - 2);
    if (resolve_index_path(u, index_path))
        return u->err ? u->err : pdx_update_oom(u);
    if (refuse_before_lock(u, must_exist))
        return u->err;
    char err[PDX_MSG_MAX] = "";
    int rc = pdx_index_lock(u->path, u->opts.writer.cancel, u->cb.on_diag, u->cb.payload,
                            &u->lock, err, sizeof err);
    if (rc)
        return pdx_update_fail(u, rc, "%s", err);
    return PDX_OK;
}

int pdx_index_update(const char *index_path, const char *const *paths, size_t n_paths,
                     const pdx_update_opts *o, const pdx_parse_cb *cb, pdx_update_stats *st,
                     char *errbuf, size_t errbuf_size)
{
    pdx_updater u;
    int rc = begin(&u, index_path, o, cb, false);
    size_t hole = pdx_paths_null_at(paths, n_paths);
    if (!rc && hole < n_paths && !paths)
        rc = pdx_update_fail(&u, PDX_EINVAL, "%s: no paths", index_path);
    else if (!rc && hole < n_paths)
        rc = pdx_update_fail(&u, PDX_EINVAL, "%s: paths[%zu] is NULL", index_path, hole);
    if (!rc)
        rc = load_index(&u);
    if (!rc)
        rc = pdx_update_walk(&u, paths, n_paths);
    if (!rc)
        rc = classify_files(&u);
    if (!rc)
        rc = delete_stale(&u);
    if (!rc)
        rc = resurrect(&u);
    if (!rc)
        rc = pdx_update_carry_records(&u);
    if (!rc)
        rc = add_segment(&u);
    if (!rc)
        rc = resolve_duplicates(&u);
    if (!rc && pdx_update_changed(&u)) /* the live papers are known: count them meanwhile */
        rc = pdx_update_assoc_start(&u);
    if (!rc && pdx_update_changed(&u))
        rc = pdx_update_lexicon_delta(&u);
    if (!rc && pdx_update_changed(&u))
        rc = pdx_update_merge(&u, false);
    /* a missing index with no papers to build it from is an error, as for
     * a full build, not a success that leaves no index */
    if (!rc && (pdx_update_changed(&u) || u.full_build))
        rc = pdx_update_publish(&u);
    for (uint32_t i = 0; i < u.n_walk; i++)
        u.st.files_unchanged += u.walk[i].kind == WF_UNCHANGED;
    return finish(&u, rc, st, errbuf, errbuf_size);
}

int pdx_index_optimize(const char *index_path, const pdx_update_opts *o, pdx_update_stats *st,
                       char *errbuf, size_t errbuf_size)
{
    pdx_updater u;
    int rc = begin(&u, index_path, o, NULL, true);
    if (!rc)
        rc = load_index(&u);
    if (!rc && u.full_build)
        rc = pdx_update_fail(&u, PDX_ENOTFOUND, "%s: no index to optimize", u.path);
    if (!rc)
        rc = pdx_update_carry_records(&u);
    if (!rc && (u.n_segs > 1 || u.segs[0].n_deleted)) {
        rc = pdx_update_lexicon_delta(&u); /* nothing changes: the table as it was */
        if (!rc)
            rc = pdx_update_merge(&u, true);
        if (!rc)
            rc = pdx_update_publish(&u);
    }
    u.full_build = false;
    return finish(&u, rc, st, errbuf, errbuf_size);
}
