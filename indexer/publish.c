/*
 * Publishing an index of segments (publish.h): the writer lock, reading
 * the current manifest, replacing it atomically, and removing the segment
 * files it no longer names.
 *
 * The order of a commit is what keeps readers safe (docs/FORMAT.md,
 * "Readers"): a new segment is complete and durable before the manifest
 * naming it is renamed into place, and the directory is fsynced before an
 * old segment is unlinked. A reader that read the old manifest and finds
 * a segment gone re-reads INDEX, sees the new manifest, and starts again.
 */
#define _GNU_SOURCE /* renameat2 and RENAME_NOREPLACE */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "format.h"
#include "frame.h"
#include "publish.h"

/* Polling interval while another writer holds the lock. */
#define LOCK_POLL_MS 50

static char *with_suffix(const char *path, const char *suffix)
{
    size_t n = strlen(path) + strlen(suffix) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s", path, suffix);
    return s;
}

/* Says, once, that the lock is held and for how long it will be waited
 * for. */
static void say_waiting(pdx_diag_fn on_diag, void *payload, const char *index_path,
                        const char *lock)
{
    if (!on_diag)
        return;
    char msg[PDX_MSG_MAX];
    snprintf(msg, sizeof msg, "another paperdex writer holds %s: waiting for it (up to %d s)",
             lock, PDX_LOCK_WAIT_MS / 1000);
    pdx_diag d = {PDX_DIAG_NOTE, index_path, 0, msg};
    on_diag(&d, payload);
}

bool pdx_fd_is_path(int fd, const char *path)
{
    struct stat a, b;
    return fstat(fd, &a) == 0 && a.st_nlink > 0 && stat(path, &b) == 0 &&
           a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Bytes of a segment journal record (pdx_journal_segment()). */
#define JOURNAL_RECORD 16

/* Opens the lock file, creating it when there is none; *created says
 * which. Returns the descriptor, or -1 with errno set. */
static int open_lock(const char *lock, bool *created)
{
    for (;;) {
        int fd = open(lock, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
        *created = fd >= 0;
        if (fd >= 0 || errno != EEXIST)
            return fd;
        fd = open(lock, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
        if (fd >= 0 || errno != ENOENT)
            return fd;
        /* removed in between by the run that created it: create it again */
    }
}

/* Waits, up to PDX_LOCK_WAIT_MS, for the flock of the open lock file fd,
 * saying once (*said) that it waits. */
static int wait_for_flock(int fd, const char *index_path, const char *lock,
                          const volatile sig_atomic_t *cancel, pdx_diag_fn on_diag, void *payload,
                          bool *said, char *err, size_t err_size)
{
    struct timespec pause = {0, LOCK_POLL_MS * 1000000L};
    for (int waited = 0; flock(fd, LOCK_EX | LOCK_NB) != 0; waited += LOCK_POLL_MS) {
        if ((errno != EWOULDBLOCK && errno != EINTR) || waited >= PDX_LOCK_WAIT_MS ||
            (cancel && *cancel)) {
            int e = errno;
            return cancel && *cancel
                       ? pdx_msgf(err, err_size, PDX_ESTOP, "%s: interrupted; the index was not "
                                  "written", index_path)
                   : e == EWOULDBLOCK
                       ? pdx_msgf(err, err_size, PDX_EIO,
                                  "%s: another paperdex writer holds %s (waited %d s); try again "
                                  "when it is done",
                                  index_path, lock, PDX_LOCK_WAIT_MS / 1000)
                       : pdx_msgf(err, err_size, PDX_EIO, "%s: cannot lock: %s", lock,
                                  strerror(e));
        }
        if (!*said && errno == EWOULDBLOCK) {
            say_waiting(on_diag, payload, index_path, lock);
            *said = true;
        }
        nanosleep(&pause, NULL);
    }
    return PDX_OK;
}

/* Could the open lock file fd be one a writer left: empty, or segment
 * journal records, each naming a segment number below 2^32 (eight bytes
 * of text read as a number are far above), the last one maybe cut short
 * and zeros where a crash left them (a seq of 0)? A user's file at
 * INDEX.lock (notes, a copy) is not: it would be overwritten by the
 * journal (a user trial). 1 when it is, 0 when not, -1 out of memory. */
static int lock_file_is_ours(int fd)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (1 << 24))
        return 0;
    size_t len = (size_t)st.st_size;
    uint8_t *b = malloc(len ? len : 1);
    if (!b)
        return -1;
    int ours = pread(fd, b, len, 0) == (ssize_t)len;
    /* byte k of a record: bytes 4-7 are the high half of its seq */
    for (size_t i = 0; ours && i < len; i++)
        ours = i % JOURNAL_RECORD < 4 || i % JOURNAL_RECORD >= 8 || b[i] == 0;
    free(b);
    return ours;
}

int pdx_index_lock(const char *index_path, const volatile sig_atomic_t *cancel,
                   pdx_diag_fn on_diag, void *payload, pdx_lock *out, char *err, size_t err_size)
{
    *out = (pdx_lock){-1, false};
    char *lock = with_suffix(index_path, ".lock");
    if (!lock)
        return pdx_msgf(err, err_size, PDX_ENOMEM, "%s: out of memory", index_path);
    bool said = false;
    int rc = PDX_OK;
    while (!rc && out->fd < 0) {
        bool created;
        int fd = open_lock(lock, &created);
        const char *folder = fd < 0 ? pdx_output_folder_problem(index_path, errno) : NULL;
        if (folder) {
            rc = pdx_msgf(err, err_size, PDX_EIO, "%s: %s", index_path, folder);
            break;
        }
        if (fd < 0) {
            rc = pdx_msgf(err, err_size, PDX_EIO, "%s: cannot create the writer lock: %s", lock,
                          strerror(errno));
            break;
        }
        rc = wait_for_flock(fd, index_path, lock, cancel, on_diag, payload, &said, err,
                            err_size);
        /* The file locked may have been removed meanwhile by the run that
         * held it (pdx_index_unlock): then the lock is the next file. */
        if (!rc && pdx_fd_is_path(fd, lock))
            *out = (pdx_lock){fd, created};
        else
            close(fd);
    }
    int ours = !rc && !out->created ? lock_file_is_ours(out->fd) : 1;
    if (ours != 1) {
        close(out->fd);
        *out = (pdx_lock){-1, false};
        rc = ours < 0 ? pdx_msgf(err, err_size, PDX_ENOMEM, "%s: out of memory", lock)
                      : pdx_msgf(err, err_size, PDX_ENOTINDEX,
                                 "%s: exists and is not a paperdex writer lock; refusing to "
                                 "overwrite it (move it away, or choose another output than %s)",
                                 lock, index_path);
    }
    free(lock);
    return rc;
}

void pdx_index_unlock(pdx_lock *l, const char *index_path)
{
    if (l->fd < 0)
        return;
    struct stat st;
    /* No index for the lock to guard (none written, or the output an empty
     * file a failed build left as it was: a trial found its .lock left
     * behind) */
    bool no_index = (lstat(index_path, &st) != 0 && errno == ENOENT) ||
                    !pdx_starts_like_an_index(index_path);
    if (l->created && no_index) {
        /* Removed while still locked: whoever waits on it finds it gone
         * once it has the flock, and locks a new file (pdx_index_lock). */
        char *lock = with_suffix(index_path, ".lock");
        if (lock && pdx_fd_is_path(l->fd, lock))
            unlink(lock);
        free(lock);
    }
    close(l->fd); /* releases the flock */
    l->fd = -1;
}

bool pdx_starts_like_an_index(const char *path)
{
    uint8_t magic[PDX_MAGIC_LEN];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return false;
    struct stat st;
    bool index = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
                 pread(fd, magic, sizeof magic, 0) == (ssize_t)sizeof magic &&
                 (memcmp(magic, PDX_MANIFEST_MAGIC, PDX_MAGIC_LEN) == 0 ||
                  memcmp(magic, PDX_MAGIC, PDX_MAGIC_LEN) == 0);
    close(fd);
    return index;
}

/* Does a writer hold the lock of file path now? The lock of an index
 * whose first build runs has no index beside it yet. A probe that gets
 * the lock lets it go at once (a writer asking then waits 50 ms more). */
static bool lock_is_held(const char *path)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return false;
    bool held = flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    close(fd);
    return held;
}

int pdx_refuse_index_lock(const char *path, char *err, size_t err_size)
{
    static const char suffix[] = ".lock";
    size_t n = strlen(path), sl = sizeof suffix - 1;
    if (n <= sl || strcmp(path + n - sl, suffix) != 0)
        return PDX_OK;
    char *index = strndup(path, n - sl);
    if (!index)
        return pdx_msgf(err, err_size, PDX_ENOMEM, "%s: out of memory", path);
    int rc = PDX_OK;
    if (pdx_starts_like_an_index(index) || lock_is_held(path))
        rc = pdx_msgf(err, err_size, PDX_EINVAL,
                      "%s: is the writer lock of the index %s; refusing to replace it (name "
                      "the index file, not its lock)",
                      path, index);
    free(index);
    return rc;
}

/* Reads a small file, its first max bytes at most. */
static int slurp(const char *path, size_t max, uint8_t **out, size_t *len, char *err, size_t n)
{
    *out = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return e == ENOENT ? PDX_ENOTFOUND
                           : pdx_msgf(err, n, PDX_EIO, "%s: cannot read: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return pdx_msgf(err, n, PDX_ENOTINDEX, "%s: not a regular file", path);
    }
    size_t want = PDX_MIN((size_t)st.st_size, max);
    uint8_t *p = malloc(want + 1);
    size_t got = 0;
    while (p && got < want) {
        ssize_t r = read(fd, p + got, want - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (!p)
        return pdx_msgf(err, n, PDX_ENOMEM, "%s: out of memory", path);
    *out = p;
    *len = got;
    return PDX_OK;
}

int pdx_manifest_read(const char *index_path, pdx_manifest *m, bool *exists, char *err,
                      size_t err_size)
{
    if (m)
        memset(m, 0, sizeof *m);
    *exists = false;
    uint8_t *p;
    size_t len;
    /* Without m only the header decides: the magic and the version. */
    int rc = slurp(index_path, m ? SIZE_MAX : PDX_HEADER_SIZE, &p, &len, err, err_size);
    if (rc == PDX_ENOTFOUND)
        return PDX_OK;
    if (rc)
        return rc;
    if (len == 0 || (len >= PDX_MAGIC_LEN && memcmp(p, PDX_MAGIC, PDX_MAGIC_LEN) == 0 &&
                     (len < PDX_HEADER_SIZE || pdx_get_u32(p + PDX_HDR_VERSION) < 4))) {
        free(p); /* nothing, or a single-file index of version <= 3: replaced whole */
        return PDX_OK;
    }
    if (len < PDX_MAGIC_LEN || memcmp(p, PDX_MANIFEST_MAGIC, PDX_MAGIC_LEN) != 0) {
        free(p);
        return pdx_msgf(err, err_size, PDX_ENOTINDEX, "%s: not the manifest of a paperdex index",
                        index_path);
    }
    if (!m) {
        free(p);
        *exists = true;
        return PDX_OK;
    }
    char dm[400];
    rc = pdx_manifest_decode(m, p, len, dm, sizeof dm);
    free(p);
    if (rc)
        return pdx_msgf(err, err_size, rc, "%s: %s", index_path, dm);
    *exists = true;
    return PDX_OK;
}

int pdx_fsync_dir_of(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return -1;
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(copy);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* Writes len bytes to a new file path (O_EXCL) and fsyncs it. */
static int write_durable(const char *path, const uint8_t *p, size_t len, char *err, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return pdx_msgf(err, n, PDX_EIO, "%s: cannot create: %s", path, strerror(errno));
    int e = pdx_write_all(fd, p, len);
    if (e) {
        close(fd);
        unlink(path);
        return pdx_msgf(err, n, PDX_EIO, "%s: write failed: %s", path,
                        strerror(e < 0 ? ENOSPC : e));
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        e = errno;
        unlink(path);
        return pdx_msgf(err, n, PDX_EIO, "%s: fsync failed: %s", path, strerror(e));
    }
    return PDX_OK;
}

int pdx_manifest_publish(const char *index_path, const char *tmp_prefix, const pdx_manifest *m,
                         char *err, size_t err_size)
{
    pdx_buf b = {0};
    int rc = pdx_manifest_encode(&b, m);
    if (rc) {
        pdx_buf_free(&b);
        return pdx_msgf(err, err_size, rc, "%s: %s", index_path,
                        rc == PDX_ENOMEM ? "out of memory" : "the manifest to write is malformed");
    }
    char *tmp = with_suffix(tmp_prefix, ".mf");
    if (!tmp) {
        pdx_buf_free(&b);
        return pdx_msgf(err, err_size, PDX_ENOMEM, "%s: out of memory", index_path);
    }
    rc = write_durable(tmp, b.data, b.len, err, err_size);
    pdx_buf_free(&b);
    if (!rc && rename(tmp, index_path) != 0) {
        rc = pdx_msgf(err, err_size, PDX_EIO, "%s: cannot replace the index: %s", index_path,
                      strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    if (!rc)
        pdx_fsync_dir_of(index_path); /* best effort: some file systems refuse it */
    return rc;
}

static bool named(const pdx_manifest *m, uint64_t seq)
{
    for (uint32_t i = 0; m && i < m->n_segs; i++)
        if (m->segs[i].seq == seq)
            return true;
    return false;
}

/* Appends the record of segment seq to the journal: its number and
 * identity, little-endian. */
int pdx_journal_segment(const char *index_path, uint64_t seq, uint64_t identity, char *err,
                        size_t err_size)
{
    char *lock = with_suffix(index_path, ".lock");
    if (!lock)
        return pdx_msgf(err, err_size, PDX_ENOMEM, "%s: out of memory", index_path);
    uint8_t rec[JOURNAL_RECORD];
    pdx_put_u64(rec, seq);
    pdx_put_u64(rec + 8, identity);
    int fd = open(lock, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    int rc = PDX_OK;
    if (fd < 0 || write(fd, rec, sizeof rec) != (ssize_t)sizeof rec || fdatasync(fd) != 0)
        rc = pdx_msgf(err, err_size, PDX_EIO, "%s: cannot record the new segment: %s", lock,
                      strerror(errno));
    if (fd >= 0)
        close(fd);
    free(lock);
    return rc;
}

/* Is the file at path a segment whose identity is `identity`? (Not a
 * symbolic link; its header read, not checked: the identity covers it.) */
static bool segment_is(const char *path, uint64_t identity)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return false;
    struct stat st;
    uint8_t h[PDX_HEADER_SIZE];
    bool is = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
              pread(fd, h, sizeof h, 0) == (ssize_t)sizeof h &&
              memcmp(h, PDX_MAGIC, PDX_MAGIC_LEN) == 0 && pdx_frame_identity(h) == identity;
    close(fd);
    return is;
}

/* Removes segment seq of index_path when `now` does not name it and its
 * file's identity is `identity`. */
static unsigned remove_if_ours(const char *index_path, const pdx_manifest *now, uint64_t seq,
                               uint64_t identity)
{
    if (named(now, seq))
        return 0;
    char *path = pdx_segment_path(index_path, seq);
    unsigned removed = path && segment_is(path, identity) && unlink(path) == 0;
    free(path);
    return removed;
}

/* The journal's records (malloc'd, *n of them; NULL when none or on an
 * error: what cannot be read is left, never guessed at). */
static uint8_t *journal_read(int fd, size_t *n)
{
    struct stat st;
    *n = 0;
    if (fstat(fd, &st) != 0 || st.st_size < JOURNAL_RECORD || st.st_size > (1 << 24))
        return NULL;
    size_t len = (size_t)st.st_size / JOURNAL_RECORD * JOURNAL_RECORD;
    uint8_t *b = malloc(len);
    if (b && pread(fd, b, len, 0) == (ssize_t)len) {
        *n = len / JOURNAL_RECORD;
        return b;
    }
    free(b);
    return NULL;
}

/* Removes the segments of the journal's records recs[0..n) that `now`
 * does not name (remove_if_ours()). */
static unsigned remove_recorded(const char *index_path, const pdx_manifest *now,
                                const uint8_t *recs, size_t n)
{
    unsigned removed = 0;
    for (size_t i = 0; i < n; i++)
        removed += remove_if_ours(index_path, now, pdx_get_u64(recs + i * JOURNAL_RECORD),
                                  pdx_get_u64(recs + i * JOURNAL_RECORD + 8));
    return removed;
}

unsigned pdx_remove_orphans(const char *index_path, const pdx_manifest *now,
                            const pdx_manifest *before)
{
    unsigned removed = 0;
    for (uint32_t i = 0; before && i < before->n_segs; i++)
        removed += remove_if_ours(index_path, now, before->segs[i].seq, before->segs[i].header_sum);
    char *lock = with_suffix(index_path, ".lock");
    int fd = lock ? open(lock, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) : -1;
    size_t n = 0;
    uint8_t *recs = fd >= 0 ? journal_read(fd, &n) : NULL;
    removed += remove_recorded(index_path, now, recs, n);
    if (fd >= 0)
        close(fd);
    free(recs);
    free(lock);
    if (removed)
        pdx_fsync_dir_of(index_path);
    return removed;
}

unsigned pdx_remove_own_segment(const char *index_path, uint64_t seq, uint64_t identity)
{
    unsigned removed = remove_if_ours(index_path, NULL, seq, identity);
    if (removed)
        pdx_fsync_dir_of(index_path);
    return removed;
}

uint64_t pdx_first_free_seq(const char *index_path, uint64_t from)
{
    for (uint64_t seq = from; seq < from + (1u << 20); seq++) {
        char *path = pdx_segment_path(index_path, seq);
        struct stat st;
        bool free_name = path && lstat(path, &st) != 0 && errno == ENOENT;
        free(path);
        if (free_name)
            return seq;
    }
    return from;
}

/* The records the journal keeps at a reset (into recs, *n of them, room
 * for now's segments and the old records): now's segments, then the old
 * records whose file `now` does not name but is still there with its
 * identity (pdx_remove_orphans() could not remove it: it stays recorded,
 * for a later run). */
static void journal_keep(const char *index_path, const pdx_manifest *now, const uint8_t *old,
                         size_t n_old, uint8_t *recs, size_t *n)
{
    *n = 0;
    for (uint32_t i = 0; now && i < now->n_segs; i++, (*n)++) {
        pdx_put_u64(recs + *n * JOURNAL_RECORD, now->segs[i].seq);
        pdx_put_u64(recs + *n * JOURNAL_RECORD + 8, now->segs[i].header_sum);
    }
    for (size_t i = 0; i < n_old; i++) {
        uint64_t seq = pdx_get_u64(old + i * JOURNAL_RECORD);
        uint64_t id = pdx_get_u64(old + i * JOURNAL_RECORD + 8);
        char *path = named(now, seq) ? NULL : pdx_segment_path(index_path, seq);
        if (path && segment_is(path, id))
            memcpy(recs + (*n)++ * JOURNAL_RECORD, old + i * JOURNAL_RECORD, JOURNAL_RECORD);
        free(path);
    }
}

int pdx_journal_start(const char *index_path, const pdx_manifest *now, char *err,
                      size_t err_size)
{
    char *lock = with_suffix(index_path, ".lock");
    if (!lock)
        return pdx_msgf(err, err_size, PDX_ENOMEM, "%s: out of memory", index_path);
    int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    size_t n_old = 0, n = 0;
    uint8_t *old = fd >= 0 ? journal_read(fd, &n_old) : NULL;
    if (remove_recorded(index_path, now, old, n_old)) /* a killed run's */
        pdx_fsync_dir_of(index_path);
    size_t room = (now ? now->n_segs : 0) + n_old;
    uint8_t *recs = malloc(room ? room * JOURNAL_RECORD : 1);
    if (recs)
        journal_keep(index_path, now, old, n_old, recs, &n);
    free(old);
    /* over the old records, then cut to length: killed in between, it
     * holds records of removed or named files, which remove nothing */
    size_t len = n * JOURNAL_RECORD;
    int rc = PDX_OK;
    if (!recs && fd >= 0)
        rc = pdx_msgf(err, err_size, PDX_ENOMEM, "%s: out of memory", lock);
    else if (fd < 0 || (len && pwrite(fd, recs, len, 0) != (ssize_t)len) ||
             ftruncate(fd, (off_t)len) != 0 || fdatasync(fd) != 0)
        rc = pdx_msgf(err, err_size, PDX_EIO, "%s: cannot write the segment journal: %s", lock,
                      strerror(errno));
    if (fd >= 0)
        close(fd);
    free(recs);
    free(lock);
    return rc;
}

/* rename() that fails with EEXIST instead of replacing: renameat2's
 * RENAME_NOREPLACE, or where the file system lacks it a hard link and an
 * unlink; where it has no hard links either, a check before the rename. */
static int rename_noreplace(const char *from, const char *to)
{
    if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
        return -1;
    if (link(from, to) == 0) {
        unlink(from);
        return 0;
    }
    if (errno == EEXIST || (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP))
        return -1;
    struct stat st;
    if (lstat(to, &st) == 0) {
        errno = EEXIST;
        return -1;
    }
    return rename(from, to);
}

int pdx_rename_segment(const char *tmp, const char *seg_path, char *err, size_t err_size)
{
    if (rename_noreplace(tmp, seg_path) == 0)
        return PDX_OK;
    if (errno == EEXIST)
        return pdx_msgf(err, err_size, PDX_EIO,
                        "%s: a file the index does not name has the name of its next segment; "
                        "paperdex does not replace what it cannot show it wrote: move it away "
                        "and run again",
                        seg_path);
    return pdx_msgf(err, err_size, PDX_EIO, "%s: cannot create the segment: %s", seg_path,
                    strerror(errno));
}
