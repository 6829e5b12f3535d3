/*
 * The index writer: papers in, one segment file out (layout: format.h).
 *
 * Memory is bounded by spilling. Papers arrive tokenized (doc_batch.c:
 * pdx_writer_add prepares each on the caller's thread, the threaded
 * pdx_writer_add_paths on worker threads) and their postings are appended,
 * in the order of arrival, to per-(term, field) buffers in a run-local
 * dictionary. When those buffers pass the memory budget, the run is sorted
 * by term and written to a temporary run file, and the dictionary starts
 * again empty. At commit the runs (the last one kept in memory) are merged
 * term by term: as every run holds a contiguous range of document ids, the
 * lists of one term are concatenated in run order, re-encoded into blocks
 * with skip entries, and streamed into the segment.
 *
 * Run encoding, per term in byte order:
 *   varint term_len, term bytes, u8 fields, then per field present:
 *   varint df, varint nbytes, nbytes of postings: per document
 *   varint (doc + 1 - previous doc + 1, from 0), varint tf, tf varint
 *   position gaps.
 *
 * Duplicates: the same arXiv id added twice keeps the paper with the later
 * date (the later one on a tie). A loser already added is marked deleted
 * and its postings are dropped during the merge, when temporary document
 * ids are renumbered densely.
 *
 * Stored fields go to a temporary file as papers arrive and are copied,
 * without the deleted ones, into the segment at commit. Everything
 * temporary lives beside the target ("<target>.tmp.<pid>.<random>*", see
 * "Temporary names" below) so the final rename stays on one file system;
 * all of it is removed on success, on error and by pdx_writer_free.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <limits.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "assoc.h"
#include "common.h"
#include "format.h"
#include "impact.h"
#include "indexer.h"
#include "lexicon.h"
#include "lexicon_mine.h"
#include "segment.h"
#include "paperdex/index.h"
#include "paperdex/tokenizer.h"
#include "publish.h"
#include "manifest.h"

#define DEFAULT_BUDGET ((size_t)256 << 20)

/* A term of the current run. */
typedef struct mterm {
    uint32_t str_off; /* into w->term_arena */
    uint8_t len;
    uint32_t hash;    /* low bits of pdx_hash, for rehashing */
    struct {
        pdx_buf b;         /* run encoding of this (term, field) */
        uint32_t last;     /* previous document + 1 (0: none yet) */
        uint32_t df;
    } f[PDX_NFIELDS];
} mterm;

/* A document by temporary id (the order of pdx_writer_add). */
typedef struct mdoc {
    int32_t date;
    uint32_t votes; /* PDX_VOTES_NONE when unknown */
    uint32_t len[PDX_NFIELDS];
    uint64_t stored_off; /* into the stored temp file */
    uint32_t stored_len;
    uint32_t id_off; /* into w->id_arena */
    uint16_t id_len;
    bool deleted;
    uint32_t file;   /* index in w->files of its source file, NO_FILE if none */
} mdoc;

/* mdoc.file of a paper given without a file (pdx_writer_add). */
#define NO_FILE UINT32_MAX

/* A source file the build read (pdx_writer_note_file): its MFILES record. */
typedef struct wfile {
    char *path;             /* as walked; owned */
    pdx_file_stamp stamp;   /* size, mtime and hash of the bytes read */
    pdx_buf dropped;        /* arXiv ids of its papers dropped as duplicates, each + NUL */
    uint32_t n_dropped;     /* ids in dropped */
} wfile;

/* A sorted run: a mapped temp file, or the last run in memory. */
typedef struct run {
    const uint8_t *p, *end;
    void *map;
    size_t map_len;
    /* merge cursor: the current term */
    const uint8_t *term;
    size_t term_len;
    uint8_t fields;
    const uint8_t *lists; /* the field lists of the current term */
    const uint8_t *released; /* mapped pages before this were given back */
} run;

/* The segment is written in chunks of 2 MB at offsets that are multiples of
 * 2 MB. Linux keeps the page cache of a file written so in 2 MB folios, which
 * a search's mmap maps with one fault each (one PMD) instead of one fault per
 * 64 KB of fault-around: a one-shot search of the 1x corpus right after the
 * build took 812 us with 1 MB chunks and 747 us with 2 MB (bench/results_notes.md,
 * session 14). */
#define PDX_OUT_CHUNK ((size_t)2 << 20)

/* Output file with per-section checksums. */
typedef struct outfile {
    int fd;
    uint64_t off;
    uint8_t *buf;
    size_t len, cap;
    XXH3_state_t *hs;
    uint64_t sec_start;
} outfile;

/* A section written: its table entry (frame.h). */
typedef pdx_frame_entry section_entry;

/* Encoder of one final postings list (see format.h POSTINGS). */
typedef struct list_enc {
    uint32_t docs[PDX_BLOCK_SIZE], tfs[PDX_BLOCK_SIZE];
    uint32_t n;          /* documents buffered for the current block */
    pdx_buf blockpos;    /* positions gaps of the buffered documents */
    pdx_buf skip, data;  /* skip table and block data of the list */
    uint64_t df, max_tf, min_len;
    uint32_t max_votes;  /* most known votes of a document of the list */
    pdx_impacts impacts; /* the list's (tf, length) frontier (impact.h) */
    uint64_t pos_base;   /* where this list's positions start */
    uint64_t pos_len;    /* positions bytes written so far for this list */
    uint32_t last_doc;
} list_enc;

struct pdx_writer {
    char *path, *tmp_prefix;
    pdx_writer_opts opts;
    size_t budget;
    /* The one paper pdx_writer_add prepares (tokenizes) on the caller's
     * thread; a threaded build prepares papers in its own batches. */
    pdx_doc_batch *one;
    int err;
    char errmsg[PDX_MSG_MAX];

    /* run-local dictionary */
    mterm *terms;
    uint32_t n_terms, cap_terms;
    pdx_slots slots; /* hash of terms, by their bytes */
    pdx_buf term_arena;
    size_t postings_mem; /* bytes allocated by the terms' posting buffers */


    mdoc *docs;
    uint32_t n_docs, cap_docs;
    pdx_buf id_arena;
    pdx_slots id_slots; /* hash of live docs, by arXiv id */
    uint64_t duplicates;

    wfile *files;     /* the files noted, in walk order */
    uint32_t n_files; /* entries in files */
    uint32_t cap_files; /* allocated */

    FILE *stored; /* temp file of stored fields */
    char *stored_path;
    uint64_t stored_off;

    char **run_paths;
    uint32_t n_runs;
    pdx_buf last_run; /* the final, in-memory run */

    bool committed;
    bool no_lexicon; /* pdx_writer_no_lexicon(): mine nothing at commit */
};

/* ---- errors ---- */

static int set_err(pdx_writer *w, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int set_err(pdx_writer *w, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = pdx_sticky_verr(&w->err, w->errmsg, sizeof w->errmsg, code, fmt, ap);
    va_end(ap);
    return rc;
}

static int oom(pdx_writer *w)
{
    return set_err(w, PDX_ENOMEM, "%s: out of memory while indexing", w->path);
}

/* Reallocates a full array of elem-byte elements (terms, files, docs) to
 * twice *cap elements, or to initial when it has none. Returns the new
 * array with *cap updated, or NULL with arr and *cap untouched when out of
 * memory or when the count would pass UINT32_MAX. */
static void *grow_array(void *arr, size_t elem, uint32_t *cap, uint32_t initial)
{
    if (*cap > UINT32_MAX / 2)
        return NULL;
    uint32_t nc = *cap ? *cap * 2 : initial;
    void *na = realloc(arr, (size_t)nc * elem);
    if (na)
        *cap = nc;
    return na;
}

/* Whether the caller asked to stop (opts.cancel); sets the sticky error
 * PDX_ESTOP once it did. Checked per paper and per merged term, so a
 * signal stops even a long merge within moments. */
static bool cancelled(pdx_writer *w)
{
    if (!w->opts.cancel || !*w->opts.cancel)
        return false;
    set_err(w, PDX_ESTOP, "%s: interrupted; the index was not written", w->path);
    return true;
}

const char *pdx_writer_errmsg(const pdx_writer *w)
{
    return w ? w->errmsg : "";
}

/* ---- creation ---- */

/* Temporary names. A writer's files all start with its prefix
 * "<target>.tmp.<pid>.<16 random hex digits>": the pid alone is not unique
 * (two containers sharing a volume both run their indexer as pid 1), so a
 * random part is added and every file is created with O_EXCL. The first
 * file, "<prefix>.stored", is the writer's lock: the writer holds an
 * exclusive flock on it for its whole life. A group of temporary files whose
 * lock file is missing or can be locked belongs to a writer that is gone
 * (killed), and is removed by the next writer for the same target. */

/* Attempts at a fresh random prefix before giving up. */
#define TMP_NAME_ATTEMPTS 16

/* 64 unpredictable bits: getrandom, else /dev/urandom, else the clock and
 * an address (O_EXCL still guarantees uniqueness; randomness only makes a
 * clash unlikely). */
static uint64_t random_u64(void)
{
    uint64_t v = 0;
    if (getrandom(&v, sizeof v, GRND_NONBLOCK) == (ssize_t)sizeof v)
        return v;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = read(fd, &v, sizeof v);
        close(fd);
        if (n == (ssize_t)sizeof v)
            return v;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return pdx_hash(&ts, sizeof ts) ^ (uint64_t)(uintptr_t)&v;
}

/* Whether the temporary files of group (a writer's prefix, a full path)
 * may be removed: its lock file is missing or nobody holds its lock. On
 * true, *lock_fd is the lock file held (or -1); the caller closes it after
 * removing the files, so that no writer can take the group back meanwhile. */
static bool temp_group_is_stale(const char *group, int *lock_fd)
{
    *lock_fd = -1;
    size_t n = strlen(group) + sizeof ".stored";
    char *lock = malloc(n);
    if (!lock)
        return false;
    snprintf(lock, n, "%s.stored", group);
    int fd = open(lock, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    free(lock);
    if (fd < 0)
        return errno == ENOENT;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        return false;
    }
    *lock_fd = fd;
    return true;
}

/* Where the suffix of a writer's temporary file starts in name, the part
 * of a directory entry after the target's name; NULL when name is not
 * ".tmp.<pid>.<16 hex digits>." and one of the writer's suffixes (stored,
 * idx, pos, mf, run<n>), exactly as the writer names them: another file
 * that merely starts with "<target>.tmp." is the user's, and is never
 * removed. */
static const char *temp_suffix(const char *name)
{
    if (strncmp(name, ".tmp.", 5) != 0)
        return NULL;
    const char *p = name + 5, *digits = p;
    while (*p >= '0' && *p <= '9')
        p++;
    if (p == digits || p - digits > 20 || *p++ != '.')
        return NULL;
    for (int i = 0; i < 16; i++, p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return NULL;
    if (*p != '.')
        return NULL;
    const char *sfx = p + 1;
    if (!strcmp(sfx, "stored") || !strcmp(sfx, "idx") || !strcmp(sfx, "pos") ||
        !strcmp(sfx, "mf"))
        return p;
    if (strncmp(sfx, "run", 3) != 0 || !sfx[3])
        return NULL;
    for (const char *q = sfx + 3; *q; q++)
        if (*q < '0' || *q > '9')
            return NULL;
    return p;
}

/* Removes the temporary files of writers for the same target that were
 * killed, recognized by their lock (see above); a live writer's files,
 * whatever its pid, are kept. (Also used by update.c, for segments.) */
void pdx_writer_remove_stale_temps(const char *path)
{
    char *copy = strdup(path), *copy2 = strdup(path);
    if (!copy || !copy2) {
        free(copy);
        free(copy2);
        return;
    }
    const char *dir = dirname(copy), *base = basename(copy2);
    size_t bl = strlen(base);
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strncmp(e->d_name, base, bl) != 0)
                continue;
            const char *suffix = temp_suffix(e->d_name + bl);
            if (!suffix)
                continue;
            size_t n = strlen(dir) + strlen(e->d_name) + 2;
            char *full = malloc(n);
            if (!full)
                break;
            int len = snprintf(full, n, "%s/", dir);
            size_t group_len = (size_t)len + (size_t)(suffix - e->d_name);
            snprintf(full + len, n - (size_t)len, "%s", e->d_name);
            full[group_len] = 0; /* the group, for the lock check */
            int lock_fd;
            bool stale = temp_group_is_stale(full, &lock_fd);
            full[group_len] = '.';
            if (stale)
                unlink(full);
            if (lock_fd >= 0)
                close(lock_fd);
            free(full);
        }
        closedir(d);
    }
    free(copy);
    free(copy2);
}

/* Picks a fresh random prefix and creates "<prefix>.stored" with O_EXCL,
 * holding its lock; retries when the name exists or a cleaner took it. */
static int create_locked_stored(pdx_writer *w, size_t prefix_cap, size_t stored_cap)
{
    for (int attempt = 0; attempt < TMP_NAME_ATTEMPTS; attempt++) {
        snprintf(w->tmp_prefix, prefix_cap, "%s.tmp.%ld.%016" PRIx64, w->path, (long)getpid(),
                 random_u64());
        snprintf(w->stored_path, stored_cap, "%s.stored", w->tmp_prefix);
        int fd = open(w->stored_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 && errno == EEXIST)
            continue;
        const char *folder = fd < 0 ? pdx_output_folder_problem(w->path, errno) : NULL;
        if (folder)
            return set_err(w, PDX_EIO, "%s: %s", w->path, folder);
        if (fd < 0)
            return set_err(w, PDX_EIO, "%s: cannot create a temporary file beside the index: %s",
                           w->stored_path, strerror(errno));
        if (flock(fd, LOCK_EX | LOCK_NB) != 0 || !pdx_fd_is_path(fd, w->stored_path)) {
            close(fd); /* a cleaner holds it and removes it */
            continue;
        }
        w->stored = fdopen(fd, "w+b");
        if (!w->stored) {
            unlink(w->stored_path);
            close(fd);
            return oom(w);
        }
        return PDX_OK;
    }
    return set_err(w, PDX_EIO, "%s: cannot find a free temporary file name beside the index",
                   w->path);
}

/* ---- the target ---- */

/* Follows a symlinked target to the file it names (pdx_output_target: a
 * dangling link is refused), so that the link stays a link and its target
 * is replaced atomically in the target's own directory, where the
 * temporary files then go. */
static int resolve_target(pdx_writer *w)
{
    char err[PDX_MSG_MAX], *target;
    int rc = pdx_output_target(w->path, &target, err, sizeof err);
    if (rc)
        return set_err(w, rc, "%s", err);
    free(w->path);
    w->path = target;
    return PDX_OK;
}

/* A file with the segment magic at the target is an index of an older
 * version (one file: replaced whole) or a segment of a version-4 index,
 * which must not be replaced by a manifest: its index would lose it. */
static int check_not_segment(pdx_writer *w)
{
    uint8_t h[PDX_HDR_VERSION + 4];
    int fd = open(w->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    ssize_t n = fd >= 0 ? pread(fd, h, sizeof h, 0) : -1;
    if (fd >= 0)
        close(fd);
    if (n == (ssize_t)sizeof h && pdx_get_u32(h + PDX_HDR_VERSION) >= 4)
        return set_err(w, PDX_EINVAL,
                       "%s: is a segment of an index; refusing to replace it (name the "
                       "index file, not its segment)",
                       w->path);
    return PDX_OK;
}

/* Refuses to replace anything paperdex did not create: a directory,
 * device, FIFO or socket, or a non-empty regular file that does not start
 * with the index magic (`paperdex-index -o notes.md` must not eat
 * notes.md). A missing target or an empty file is fine, unless it is the
 * lock of another index (pdx_refuse_index_lock). */
static int check_target(pdx_writer *w)
{
    char msg[PDX_MSG_MAX];
    int rc = pdx_refuse_index_lock(w->path, msg, sizeof msg);
    if (rc)
        return set_err(w, rc, "%s", msg);
    struct stat st;
    if (stat(w->path, &st) != 0)
        return errno == ENOENT ? PDX_OK
                               : set_err(w, PDX_EIO, "%s: cannot examine the output: %s",
                                         w->path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return set_err(w, PDX_EINVAL,
                       "%s: exists and is %s, not a regular file; refusing to replace it",
                       w->path, pdx_file_kind(st.st_mode));
    if (st.st_size == 0)
        return PDX_OK;
    char magic[PDX_MAGIC_LEN] = {0};
    int fd = open(w->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    ssize_t n = fd >= 0 ? read(fd, magic, sizeof magic) : -1;
    int err = errno;
    if (fd >= 0)
        close(fd);
    if (n < 0)
        return set_err(w, PDX_EIO, "%s: cannot read the existing output: %s", w->path,
                       strerror(err));
    if (n == (ssize_t)sizeof magic && memcmp(magic, PDX_MAGIC, sizeof magic) == 0)
        return check_not_segment(w);
    if (n != (ssize_t)sizeof magic || memcmp(magic, PDX_MANIFEST_MAGIC, sizeof magic) != 0)
        return set_err(w, PDX_ENOTINDEX,
                       "%s: exists and is not a paperdex index; refusing to overwrite it "
                       "(remove it or choose another output)",
                       w->path);
    return PDX_OK;
}

/* One thread per online CPU, within 1..PDX_WRITER_MAX_THREADS. */
static unsigned online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > PDX_WRITER_MAX_THREADS ? PDX_WRITER_MAX_THREADS : (unsigned)n;
}

const pdx_writer_opts *pdx_writer_options(const pdx_writer *w)
{
    return &w->opts;
}

int pdx_writer_fail(pdx_writer *w, int code, const char *what)
{
    return set_err(w, code, "%s: %s", w->path, what);
}

int pdx_writer_new(pdx_writer **out, const char *path, const pdx_writer_opts *opts)
{
    if (!out)
        return PDX_EINVAL;
    *out = NULL;
    if (!path || !*path)
        return PDX_EINVAL; /* no writer to hold a message: the code alone */
    pdx_writer *w = calloc(1, sizeof *w);
    if (!w)
        return PDX_ENOMEM;
    *out = w;
    if (opts)
        w->opts = *opts;
    w->budget = w->opts.mem_budget ? w->opts.mem_budget : DEFAULT_BUDGET;
    w->path = strdup(path);
    size_t n = strlen(path) + PATH_MAX + 48; /* room for a resolved symlink */
    w->tmp_prefix = malloc(n);
    w->stored_path = malloc(n + 16);
    if (!w->path || !w->tmp_prefix || !w->stored_path)
        return oom(w);
    if (w->opts.threads > PDX_WRITER_MAX_THREADS)
        return set_err(w, PDX_EINVAL, "%s: %u threads asked for; at most %d", w->path,
                       w->opts.threads, PDX_WRITER_MAX_THREADS);
    if (w->opts.threads == 0)
        w->opts.threads = online_cpus();
    w->tmp_prefix[0] = 0;
    w->stored_path[0] = 0;
    int rc = resolve_target(w);
    if (!rc)
        rc = check_target(w);
    if (rc)
        return rc;
    pdx_writer_remove_stale_temps(w->path);
    rc = pdx_doc_batch_new(&w->one);
    if (rc)
        return oom(w);
    return create_locked_stored(w, n, n + 16);
}

/* ---- the run-local dictionary ---- */

/* A term being looked up in the run dictionary. */
typedef struct term_key {
    const char *s; /* its bytes, not owned */
    size_t len;    /* their count */
    uint32_t hash; /* low bits of pdx_hash(s, len) */
} term_key;

static bool term_rehash(uint32_t item, uint32_t *hash, void *payload)
{
    const pdx_writer *w = payload;
    *hash = w->terms[item].hash;
    return true;
}

static bool term_match(uint32_t item, const void *key, void *payload)
{
    const pdx_writer *w = payload;
    const term_key *k = key;
    const mterm *t = &w->terms[item];
    return t->hash == k->hash && t->len == k->len &&
           memcmp(w->term_arena.data + t->str_off, k->s, k->len) == 0;
}

/* Index of term in the run dictionary, inserting it; UINT32_MAX on OOM.
 * hash is the low bits of pdx_hash(s, len), computed by the batch. */
static uint32_t term_intern(pdx_writer *w, const char *s, size_t len, uint32_t hash)
{
    if (!pdx_slots_reserve(&w->slots, w->n_terms + 1, w->n_terms, term_rehash, w))
        return UINT32_MAX;
    term_key key = {s, len, hash};
    uint32_t k, found = pdx_slots_find(&w->slots, key.hash, term_match, &key, w, &k);
    if (found)
        return found - 1;
    if (w->n_terms == w->cap_terms) {
        mterm *nt = grow_array(w->terms, sizeof *nt, &w->cap_terms, 1024);
        if (!nt)
            return UINT32_MAX;
        w->terms = nt;
    }
    mterm *t = &w->terms[w->n_terms];
    memset(t, 0, sizeof *t);
    t->str_off = (uint32_t)w->term_arena.len;
    t->len = (uint8_t)len;
    t->hash = key.hash;
    pdx_buf_append(&w->term_arena, s, len);
    if (w->term_arena.err)
        return UINT32_MAX;
    pdx_slots_put(&w->slots, k, w->n_terms, key.hash);
    return w->n_terms++;
}

/* Appends one document's postings of one term in one field: the gap
 * from the term's previous document in this run, then the bytes the batch
 * prepared (tf and position gaps). */
static int append_posting(pdx_writer *w, uint32_t doc, unsigned field, const pdx_doc_term *dt)
{
    uint32_t t = term_intern(w, dt->s, dt->len, dt->hash);
    if (t == UINT32_MAX)
        return oom(w);
    mterm *m = &w->terms[t];
    pdx_buf *b = &m->f[field].b;
    size_t before = b->cap;
    pdx_buf_put_varint(b, doc + 1 - m->f[field].last);
    pdx_buf_append(b, dt->post, dt->post_len);
    if (b->err)
        return oom(w);
    w->postings_mem += b->cap - before;
    m->f[field].last = doc + 1;
    m->f[field].df++;
    return PDX_OK;
}

/* ---- runs ---- */

/* A term to sort: qsort has no context argument in ISO C, so each entry
 * carries its own bytes. */
typedef struct term_ref {
    const uint8_t *s;
    uint32_t len;
    uint32_t idx;
} term_ref;

/* Byte-wise term order, shorter first on a common prefix: the order of
 * runs and of the dictionary (format.h). */
static int cmp_term_ref(const void *a, const void *b)
{
    const term_ref *x = a, *y = b;
    return pdx_term_cmp(x->s, x->len, y->s, y->len);
}

/* Serializes the run dictionary in term order into out, freeing the
 * postings buffers as it goes, and empties the dictionary. */
static int serialize_run(pdx_writer *w, pdx_buf *out, FILE *f)
{
    term_ref *order = malloc((size_t)(w->n_terms ? w->n_terms : 1) * sizeof *order);
    if (!order)
        return oom(w);
    for (uint32_t i = 0; i < w->n_terms; i++)
        order[i] = (term_ref){w->term_arena.data + w->terms[i].str_off, w->terms[i].len, i};
    qsort(order, w->n_terms, sizeof *order, cmp_term_ref);
    for (uint32_t i = 0; i < w->n_terms && !out->err; i++) {
        mterm *t = &w->terms[order[i].idx];
        uint8_t fields = 0;
        for (unsigned fi = 0; fi < PDX_NFIELDS; fi++)
            if (t->f[fi].df)
                fields |= (uint8_t)(1u << fi);
        pdx_buf_put_str(out, w->term_arena.data + t->str_off, t->len);
        pdx_buf_putc(out, fields);
        for (unsigned fi = 0; fi < PDX_NFIELDS; fi++) {
            if (!t->f[fi].df)
                continue;
            pdx_buf_put_varint(out, t->f[fi].df);
            pdx_buf_put_str(out, t->f[fi].b.data, t->f[fi].b.len);
            pdx_buf_free(&t->f[fi].b);
        }
        if (f && out->len >= (1u << 20)) {
            if (fwrite(out->data, 1, out->len, f) != out->len) {
                free(order);
                return set_err(w, PDX_EIO, "%s: writing a sorted run failed: %s",
                               w->tmp_prefix, strerror(errno));
            }
            pdx_buf_reset(out);
        }
    }
    free(order);
    if (out->err)
        return oom(w);
    w->n_terms = 0;
    w->postings_mem = 0;
    pdx_slots_clear(&w->slots);
    pdx_buf_reset(&w->term_arena);
    return PDX_OK;
}

static int spill_run(pdx_writer *w)
{
    char **np = realloc(w->run_paths, (w->n_runs + 1) * sizeof *np);
    if (!np)
        return oom(w);
    w->run_paths = np;
    size_t n = strlen(w->tmp_prefix) + 24;
    char *path = malloc(n);
    if (!path)
        return oom(w);
    snprintf(path, n, "%s.run%u", w->tmp_prefix, w->n_runs);
    w->run_paths[w->n_runs++] = path;
    FILE *f = fopen(path, "wbxe");
    if (!f)
        return set_err(w, PDX_EIO, "%s: cannot create a sorted run: %s", path, strerror(errno));
    pdx_buf out = {0};
    int rc = serialize_run(w, &out, f);
    if (!rc && out.len && fwrite(out.data, 1, out.len, f) != out.len)
        rc = set_err(w, PDX_EIO, "%s: writing a sorted run failed: %s", path, strerror(errno));
    pdx_buf_free(&out);
    if (fclose(f) != 0 && !rc)
        rc = set_err(w, PDX_EIO, "%s: writing a sorted run failed: %s", path, strerror(errno));
    return rc;
}

/* ---- adding papers ---- */

/* An arXiv id being looked up among the documents. */
typedef struct id_key {
    const char *s; /* its bytes, not owned */
    size_t len;    /* their count */
} id_key;

static uint32_t id_hash(const char *id, size_t len)
{
    return (uint32_t)pdx_hash(id, len);
}

/* Deleted documents (replaced by a later duplicate) leave the table. */
static bool id_rehash(uint32_t item, uint32_t *hash, void *payload)
{
    const pdx_writer *w = payload;
    const mdoc *d = &w->docs[item];
    *hash = id_hash((const char *)w->id_arena.data + d->id_off, d->id_len);
    return !d->deleted;
}

static bool id_match(uint32_t item, const void *key, void *payload)
{
    const pdx_writer *w = payload;
    const id_key *k = key;
    const mdoc *d = &w->docs[item];
    return d->id_len == k->len && memcmp(w->id_arena.data + d->id_off, k->s, k->len) == 0;
}

static void report_duplicate(pdx_writer *w, const pdx_paper *p, const mdoc *old, bool replaced)
{
    w->duplicates++;
    if (!w->opts.on_diag)
        return;
    char msg[PDX_MSG_MAX], day[16];
    /* worded as an update words it (update.c), naming the other file */
    const char *other = old->file != NO_FILE ? w->files[old->file].path : NULL;
    snprintf(msg, sizeof msg, "duplicate %s %.*s (also dated %s%s%.*s): %s",
             pdx_id_kind(p->id_synthesized), (int)PDX_MIN(p->id_len, 64), p->id,
             pdx_date_text(old->date, day), other ? " in " : "",
             other ? (int)PDX_MIN(strlen(other), 200) : 0, other ? other : "",
             replaced ? "this entry replaces that one"
                      : "that entry is kept; this one is not indexed");
    pdx_diag d = {PDX_DIAG_WARNING, p->file, p->line, msg};
    w->opts.on_diag(&d, w->opts.payload);
}

int pdx_writer_usage_error(pdx_writer *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->errmsg, sizeof w->errmsg, fmt, ap);
    va_end(ap);
    return PDX_EINVAL;
}

/* Where a message about paper p points: its file and line, or "paper"
 * for one made by the caller without a file. */
static const char *paper_file(const pdx_paper *p)
{
    return p->file ? p->file : "paper";
}

/* Is paper p one the index can hold as given? A string NULL with a
 * length, a date no digest can have or a vote count that is neither known
 * nor PDX_VOTES_UNKNOWN is the caller's mistake, refused with PDX_EINVAL
 * and a message (not sticky: the writer goes on): stored as given, the
 * date made an index its own check calls corrupt, and a negative or huge
 * vote count was silently made unknown. A paper of more than a quarter of
 * 4 GiB of text does not fit the record's 32-bit lengths: PDX_ELIMIT. */
static int paper_invalid(pdx_writer *w, const pdx_paper *p)
{
    const struct {
        const char *name;
        const char *s;
        size_t n;
    } text[] = {{"id", p->id, p->id_len},
                {"url", p->url, p->url_len},
                {"title", p->title, p->title_len},
                {"authors", p->authors, p->authors_len},
                {"summary", p->summary, p->summary_len}};
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
        if (!text[i].s && text[i].n)
            return pdx_msgf(w->errmsg, sizeof w->errmsg, PDX_EINVAL,
                            "%s:%u: the %s is NULL with a length of %zu", paper_file(p), p->line,
                            text[i].name, text[i].n);
    if (!pdx_paper_text_fits(p))
        return pdx_msgf(w->errmsg, sizeof w->errmsg, PDX_ELIMIT,
                        "%s:%u: the paper has more than %zu bytes of text", paper_file(p),
                        p->line, (size_t)PDX_MAX_PAPER_TEXT);
    if (p->date && !pdx_date_valid(p->date))
        return pdx_msgf(w->errmsg, sizeof w->errmsg, PDX_EINVAL,
                        "%s:%u: invalid date %" PRId32 " (YYYYMMDD from 1900, or 0 when unknown)",
                        paper_file(p), p->line, p->date);
    if (p->votes != PDX_VOTES_UNKNOWN && (p->votes < 0 || p->votes >= (int64_t)PDX_VOTES_NONE))
        return pdx_msgf(w->errmsg, sizeof w->errmsg, PDX_EINVAL,
                        "%s:%u: invalid vote count %" PRId64 " (0 to %u, or PDX_VOTES_UNKNOWN)",
                        paper_file(p), p->line, p->votes, PDX_VOTES_NONE - 1);
    return PDX_OK;
}

int pdx_writer_add(pdx_writer *w, const pdx_paper *p)
{
    if (!w)
        return PDX_EINVAL;
    if (w->err || cancelled(w))
        return w->err;
    if (!p)
        return pdx_msgf(w->errmsg, sizeof w->errmsg, PDX_EINVAL, "the paper is NULL");
    int rc = paper_invalid(w, p);
    if (rc)
        return rc;
    pdx_doc_batch_reset(w->one);
    if (pdx_doc_batch_add(w->one, p))
        return oom(w);
    return pdx_writer_add_prepared(w, w->one, 0);
}

/* Writes the paper's stored record to the stored temp file. */
static int store_record(pdx_writer *w, mdoc *d, const pdx_doc_batch *b, size_t i)
{
    const uint8_t *rec;
    size_t len;
    pdx_doc_batch_record(b, i, &rec, &len);
    if (fwrite(rec, 1, len, w->stored) != len)
        return set_err(w, PDX_EIO, "%s: writing stored fields failed: %s", w->stored_path,
                       strerror(errno));
    d->stored_off = w->stored_off;
    d->stored_len = (uint32_t)len;
    w->stored_off += len;
    return PDX_OK;
}

/* Cache warming. Each posting appended touches four places at random in
 * a dictionary of millions of terms: its hash slot, its mterm, its bytes
 * in the arena and the end of its postings buffer; waiting for each miss
 * in turn was half of the writer's time. Since a paper's terms are known in
 * advance, add_postings asks for the slot PREFETCH_SLOT terms ahead, for
 * the mterm (through the slot, by then in cache) PREFETCH_TERM ahead, and
 * for the bytes and the buffer end (through the mterm) PREFETCH_DATA
 * ahead. Hints only: a slot that holds another term, or a table that grew
 * meanwhile, costs a wasted prefetch, never a wrong result. */
#define PREFETCH_SLOT 12
#define PREFETCH_TERM 6
#define PREFETCH_DATA 3

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

/* The slot where the term hashed to hash would be found first, or NULL
 * before the table exists. */
static const pdx_slot *first_slot(const pdx_writer *w, uint32_t hash)
{
    return w->slots.n ? &w->slots.slot[hash & (w->slots.n - 1)] : NULL;
}

/* Warms the caches for term k of field f of paper i (see above). */
static void prefetch_term(const pdx_writer *w, const pdx_doc_batch *b, size_t i, unsigned f,
                          uint32_t k, uint32_t distance)
{
    pdx_doc_term dt;
    pdx_doc_batch_term(b, i, f, k, &dt);
    const pdx_slot *s = first_slot(w, dt.hash);
    if (!s)
        return;
    if (distance == PREFETCH_SLOT) {
        PREFETCH(s);
        return;
    }
    if (!s->item || s->hash != dt.hash || s->item > w->n_terms)
        return;
    const mterm *m = &w->terms[s->item - 1];
    if (distance == PREFETCH_TERM) {
        PREFETCH(m);
        PREFETCH(&m->f[f]);
        return;
    }
    PREFETCH(w->term_arena.data + m->str_off);
    if (m->f[f].b.data)
        PREFETCH(m->f[f].b.data + m->f[f].b.len);
}

/* Appends the postings of every term of the paper's fields. */
static int add_postings(pdx_writer *w, mdoc *d, uint32_t doc, const pdx_doc_batch *b, size_t i)
{
    static const uint32_t distances[] = {PREFETCH_SLOT, PREFETCH_TERM, PREFETCH_DATA};
    for (unsigned f = 0; f < PDX_NFIELDS; f++) {
        d->len[f] = pdx_doc_batch_field_len(b, i, f);
        uint32_t n = pdx_doc_batch_n_terms(b, i, f);
        for (uint32_t k = 0; k < n; k++) {
            for (size_t j = 0; j < sizeof distances / sizeof distances[0]; j++)
                if (k + distances[j] < n)
                    prefetch_term(w, b, i, f, k + distances[j], distances[j]);
            pdx_doc_term dt;
            pdx_doc_batch_term(b, i, f, k, &dt);
            if (append_posting(w, doc, f, &dt))
                return w->err;
        }
    }
    return PDX_OK;
}

/* ---- source files (MFILES) ---- */

int pdx_writer_note_file(pdx_writer *w, const char *path, const pdx_file_stamp *stamp)
{
    if (w->err)
        return w->err;
    if (w->n_files == w->cap_files) {
        wfile *nf = grow_array(w->files, sizeof *nf, &w->cap_files, 64);
        if (!nf)
            return oom(w);
        w->files = nf;
    }
    wfile *f = &w->files[w->n_files];
    memset(f, 0, sizeof *f);
    if (!(f->path = strdup(path)))
        return oom(w);
    f->stamp = *stamp;
    w->n_files++;
    return PDX_OK;
}

/* The file a paper comes from: the last one noted, when it is the
 * paper's; NO_FILE for a paper given without a walk. */
static uint32_t file_of(const pdx_writer *w, const char *path)
{
    if (!w->n_files || !path || strcmp(w->files[w->n_files - 1].path, path) != 0)
        return NO_FILE;
    return w->n_files - 1;
}

/* Records that file lost its paper with arXiv id to a duplicate. */
static int note_dropped(pdx_writer *w, uint32_t file, const char *id, size_t len)
{
    if (file == NO_FILE)
        return PDX_OK;
    wfile *f = &w->files[file];
    pdx_buf_append(&f->dropped, id, len);
    pdx_buf_putc(&f->dropped, 0);
    f->n_dropped++;
    return f->dropped.err ? oom(w) : PDX_OK;
}

int pdx_writer_add_prepared(pdx_writer *w, const pdx_doc_batch *b, size_t i)
{
    if (w->err || cancelled(w))
        return w->err;
    pdx_paper pv;
    pdx_doc_batch_paper(b, i, &pv);
    const pdx_paper *p = &pv;
    if (w->committed)
        return set_err(w, PDX_EINVAL, "%s: writer already committed", w->path);
    /* before its text is read: a paper the batch refused was not copied */
    int rc = pdx_doc_batch_error(b, i);
    if (rc)
        return rc == PDX_ENOMEM ? oom(w) : set_err(w, rc, "tokenizer failed");
    if (p->id_len == 0 || p->id_len > 1024)
        return set_err(w, PDX_EINVAL, "%s:%u: paper id is empty or too long", paper_file(p),
                       p->line);
    if (w->n_docs == UINT32_MAX - 1)
        return set_err(w, PDX_ELIMIT, "%s: too many papers for one segment", w->path);

    /* Duplicates: keep the later date. */
    if (!pdx_slots_reserve(&w->id_slots, w->n_docs + 1, w->n_docs, id_rehash, w))
        return oom(w);
    id_key key = {p->id, p->id_len};
    uint32_t slot;
    uint32_t old = pdx_slots_find(&w->id_slots, id_hash(p->id, p->id_len), id_match, &key, w,
                                  &slot);
    uint32_t file = file_of(w, p->file);
    if (old) {
        mdoc *od = &w->docs[old - 1];
        bool replace = p->date >= od->date;
        report_duplicate(w, p, od, replace);
        if (note_dropped(w, replace ? od->file : file, p->id, p->id_len))
            return w->err;
        if (!replace)
            return PDX_OK;
        od->deleted = true;
    }

    if (w->n_docs == w->cap_docs) {
        mdoc *nd = grow_array(w->docs, sizeof *nd, &w->cap_docs, 1024);
        if (!nd)
            return oom(w);
        w->docs = nd;
    }
    uint32_t doc = w->n_docs;
    mdoc *d = &w->docs[doc];
    memset(d, 0, sizeof *d);
    d->file = file;
    d->date = p->date;
    d->votes = p->votes < 0 || p->votes >= (int64_t)PDX_VOTES_NONE ? PDX_VOTES_NONE
                                                                    : (uint32_t)p->votes;
    d->id_off = (uint32_t)w->id_arena.len;
    d->id_len = (uint16_t)p->id_len;
    pdx_buf_append(&w->id_arena, p->id, p->id_len);
    if (w->id_arena.err)
        return oom(w);
    if (store_record(w, d, b, i) || add_postings(w, d, doc, b, i))
        return w->err;

    w->n_docs++;
    pdx_slots_put(&w->id_slots, slot, doc, id_hash(p->id, p->id_len));

    size_t mem = w->postings_mem + (size_t)w->n_terms * sizeof(mterm) +
                 (size_t)w->slots.n * sizeof *w->slots.slot + w->term_arena.cap;
    if (mem > w->budget)
        return spill_run(w);
    return PDX_OK;
}

/* ---- output ---- */

static int out_flush(pdx_writer *w, outfile *o)
{
    int e = pdx_write_all(o->fd, o->buf, o->len);
    if (e)
        return set_err(w, PDX_EIO, "%s: write failed: %s", w->tmp_prefix,
                       e < 0 ? "no progress" : strerror(e));
    o->len = 0;
    return PDX_OK;
}

static int out_write(pdx_writer *w, outfile *o, const void *p, size_t n)
{
    if (w->err)
        return w->err;
    XXH3_64bits_update(o->hs, p, n);
    o->off += n;
    const uint8_t *s = p;
    while (n) {
        if (o->len == o->cap && out_flush(w, o))
            return w->err;
        size_t k = PDX_MIN(n, o->cap - o->len);
        memcpy(o->buf + o->len, s, k);
        o->len += k;
        s += k;
        n -= k;
    }
    return PDX_OK;
}

static void out_begin(outfile *o)
{
    XXH3_64bits_reset(o->hs);
    o->sec_start = o->off;
}

/* Ends a section: records it and pads to the alignment (padding is not
 * part of the section or its checksum). */
static int out_end(pdx_writer *w, outfile *o, uint32_t id, section_entry *tab, unsigned *n)
{
    tab[*n] = (section_entry){id, o->sec_start, o->off - o->sec_start,
                              XXH3_64bits_digest(o->hs)};
    (*n)++;
    static const uint8_t zero[PDX_SECTION_ALIGN];
    size_t pad = (size_t)((PDX_SECTION_ALIGN - o->off % PDX_SECTION_ALIGN) % PDX_SECTION_ALIGN);
    return out_write(w, o, zero, pad);
}

static int out_buf(pdx_writer *w, outfile *o, const pdx_buf *b)
{
    if (b->err)
        return oom(w);
    return out_write(w, o, b->data, b->len);
}

/* ---- merge ---- */

/* Runs are read once, front to back. Every RUN_RELEASE_BYTES of a run
 * that the merge has passed are handed back to the kernel (MADV_DONTNEED),
 * so each mapped run adds at most about RUN_RELEASE_BYTES to the resident
 * set, not its whole size. That bound is per run, not the memory budget:
 * with R runs the mapped part can reach R * RUN_RELEASE_BYTES (clean file
 * pages, which the kernel can also reclaim under pressure). */
#define RUN_RELEASE_BYTES ((size_t)32 << 20)

static void run_release(run *r)
{
    if (!r->map || (size_t)(r->p - r->released) < RUN_RELEASE_BYTES)
        return;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    const uint8_t *base = r->map;
    size_t upto = ((size_t)(r->p - base) / page) * page;
    size_t from = (size_t)(r->released - base);
    if (upto > from)
        madvise((void *)(base + from), upto - from, MADV_DONTNEED);
    r->released = base + upto;
}

static bool run_next_term(run *r)
{
    run_release(r);
    if (r->p >= r->end) {
        r->term = NULL;
        return true;
    }
    uint64_t len, v;
    const uint8_t *p = r->p;
    if (!pdx_get_varint(&p, r->end, &len) || len > (uint64_t)(r->end - p) || p + len >= r->end)
        return false;
    r->term = p;
    r->term_len = len;
    p += len;
    r->fields = *p++;
    r->lists = p;
    for (unsigned f = 0; f < PDX_NFIELDS; f++) {
        if (!(r->fields & (1u << f)))
            continue;
        if (!pdx_get_varint(&p, r->end, &v) || !pdx_get_varint(&p, r->end, &len) ||
            len > (uint64_t)(r->end - p))
            return false;
        p += len;
    }
    r->p = p;
    return true;
}


/* Flushes the buffered block of the list encoder: block data, one skip
 * entry (with the block's smallest field length min_len and largest known
 * vote count max_votes, which bound its scores for block-max pruning),
 * and the block's positions to the positions file. */
static int enc_flush_block(pdx_writer *w, list_enc *e, FILE *posf, uint32_t min_len,
                           uint32_t max_votes)
{
    if (!e->n)
        return PDX_OK;
    uint32_t max_tf = 0;
    size_t doc_off = e->data.len;
    uint32_t prev = e->df ? e->last_doc : 0;
    for (uint32_t i = 0; i < e->n; i++) {
        pdx_buf_put_varint(&e->data, e->docs[i] - prev);
        prev = e->docs[i];
    }
    for (uint32_t i = 0; i < e->n; i++) {
        pdx_buf_put_varint(&e->data, e->tfs[i]);
        max_tf = PDX_MAX(max_tf, e->tfs[i]);
    }
    pdx_buf_put_u32(&e->skip, e->docs[e->n - 1]);
    pdx_buf_put_u32(&e->skip, (uint32_t)doc_off);
    pdx_buf_put_u32(&e->skip, (uint32_t)e->pos_len);
    pdx_buf_put_u32(&e->skip, max_tf);
    pdx_buf_put_u32(&e->skip, min_len);
    pdx_buf_put_u32(&e->skip, max_votes);
    if (e->blockpos.err)
        return oom(w);
    if (fwrite(e->blockpos.data, 1, e->blockpos.len, posf) != e->blockpos.len)
        return set_err(w, PDX_EIO, "%s: writing positions failed: %s", w->tmp_prefix,
                       strerror(errno));
    e->pos_len += e->blockpos.len;
    pdx_buf_reset(&e->blockpos);
    e->df += e->n;
    e->last_doc = e->docs[e->n - 1];
    e->max_tf = PDX_MAX(e->max_tf, max_tf);
    e->max_votes = PDX_MAX(e->max_votes, max_votes);
    e->n = 0;
    return PDX_OK;
}

typedef struct merge_ctx {
    pdx_writer *w;
    const uint32_t *remap;  /* temporary id -> final id, UINT32_MAX if deleted */
    const uint32_t *final_len; /* final id * 3 + field -> field length */
    /* final id -> vote count, 0 when unknown (the boost of both is 1) */
    const uint32_t *final_votes;
    FILE *posf;             /* positions temp file */
    uint64_t pos_total;     /* bytes in posf */
    list_enc enc;
    uint32_t block_min_len;   /* of the documents buffered in enc */
    uint32_t block_max_votes; /* of the documents buffered in enc */
} merge_ctx;

/* Encodes the lists of one field of one term from several runs into the
 * encoder; returns the number of documents (0 if all were deleted). */
static int merge_field(merge_ctx *m, run **rs, unsigned nr, unsigned field, uint64_t *df_out)
{
    pdx_writer *w = m->w;
    list_enc *e = &m->enc;
    e->n = 0;
    e->df = 0;
    e->max_tf = 0;
    e->min_len = UINT32_MAX;
    e->max_votes = 0;
    pdx_impacts_reset(&e->impacts);
    e->pos_base = m->pos_total;
    e->pos_len = 0;
    e->last_doc = 0;
    pdx_buf_reset(&e->skip);
    pdx_buf_reset(&e->data);
    pdx_buf_reset(&e->blockpos);
    m->block_min_len = UINT32_MAX;
    m->block_max_votes = 0;
    for (unsigned k = 0; k < nr; k++) {
        run *r = rs[k];
        if (!(r->fields & (1u << field)))
            continue;
        const uint8_t *p = r->lists;
        uint64_t df = 0, nbytes = 0;
        for (unsigned f = 0; f < PDX_NFIELDS; f++) {
            if (!(r->fields & (1u << f)))
                continue;
            if (!pdx_get_varint(&p, r->end, &df) || !pdx_get_varint(&p, r->end, &nbytes))
                return set_err(w, PDX_EIO, "%s: sorted run is corrupt", w->tmp_prefix);
            if (f == field)
                break;
            p += nbytes;
        }
        const uint8_t *end = p + nbytes;
        uint64_t doc1 = 0;
        for (uint64_t i = 0; i < df; i++) {
            uint64_t gap, tf, g;
            if (!pdx_get_varint(&p, end, &gap) || !pdx_get_varint(&p, end, &tf))
                return set_err(w, PDX_EIO, "%s: sorted run is corrupt", w->tmp_prefix);
            doc1 += gap;
            uint32_t nd = m->remap[doc1 - 1];
            for (uint64_t j = 0; j < tf; j++) {
                if (!pdx_get_varint(&p, end, &g))
                    return set_err(w, PDX_EIO, "%s: sorted run is corrupt", w->tmp_prefix);
                if (nd != UINT32_MAX)
                    pdx_buf_put_varint(&e->blockpos, g);
            }
            if (nd == UINT32_MAX)
                continue;
            uint32_t len = m->final_len[(size_t)nd * PDX_NFIELDS + field];
            e->docs[e->n] = nd;
            e->tfs[e->n] = (uint32_t)tf;
            e->n++;
            m->block_min_len = PDX_MIN(m->block_min_len, len);
            e->min_len = PDX_MIN(e->min_len, len);
            pdx_impacts_add(&e->impacts, (uint32_t)tf, len);
            m->block_max_votes = PDX_MAX(m->block_max_votes, m->final_votes[nd]);
            if (e->n == PDX_BLOCK_SIZE) {
                if (enc_flush_block(w, e, m->posf, m->block_min_len, m->block_max_votes))
                    return w->err;
                m->block_min_len = UINT32_MAX;
                m->block_max_votes = 0;
            }
        }
    }
    if (e->n && enc_flush_block(w, e, m->posf, m->block_min_len, m->block_max_votes))
        return w->err;
    if (e->skip.err || e->data.err || e->blockpos.err)
        return oom(w);
    m->pos_total += e->pos_len;
    *df_out = e->df;
    return PDX_OK;
}

static int map_run(pdx_writer *w, const char *path, run *r)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0)
            close(fd);
        return set_err(w, PDX_EIO, "%s: cannot reopen sorted run: %s", path, strerror(errno));
    }
    memset(r, 0, sizeof *r);
    if (st.st_size > 0) {
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) {
            close(fd);
            return set_err(w, PDX_EIO, "%s: cannot map sorted run: %s", path, strerror(errno));
        }
        madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
        r->map = m;
        r->map_len = (size_t)st.st_size;
        r->p = m;
        r->released = r->p;
        r->end = r->p + st.st_size;
    }
    close(fd);
    return PDX_OK;
}

static int copy_file_into(pdx_writer *w, outfile *o, FILE *src, uint64_t len)
{
    if (fflush(src) != 0 || fseeko(src, 0, SEEK_SET) != 0)
        return set_err(w, PDX_EIO, "%s: temporary file: %s", w->tmp_prefix, strerror(errno));
    uint8_t buf[1 << 16];
    while (len) {
        size_t k = fread(buf, 1, PDX_MIN(len, sizeof buf), src);
        if (k == 0)
            return set_err(w, PDX_EIO, "%s: reading a temporary file failed", w->tmp_prefix);
        if (out_write(w, o, buf, k))
            return w->err;
        len -= k;
    }
    return PDX_OK;
}

static void build_hash_section(pdx_buf *b, uint32_t n_items, const uint64_t *hashes)
{
    uint32_t slots = 16;
    while (slots < 2 * (uint64_t)n_items)
        slots *= 2;
    pdx_buf_put_u32(b, slots);
    pdx_buf_put_u32(b, 0);
    size_t base = b->len;
    if (!pdx_buf_reserve(b, (size_t)slots * PDX_HASH_SLOT_SIZE))
        return;
    memset(b->data + base, 0, (size_t)slots * PDX_HASH_SLOT_SIZE);
    b->len += (size_t)slots * PDX_HASH_SLOT_SIZE;
    for (uint32_t i = 0; i < n_items; i++) {
        uint32_t k = (uint32_t)hashes[i] & (slots - 1);
        while (pdx_get_u32(b->data + base + (size_t)k * PDX_HASH_SLOT_SIZE))
            k = (k + 1) & (slots - 1);
        uint8_t *e = b->data + base + (size_t)k * PDX_HASH_SLOT_SIZE;
        pdx_put_u32(e, i + 1);
        pdx_put_u32(e + 4, (uint32_t)(hashes[i] >> 32));
    }
}

/* ---- commit, in named steps ----
 *
 * pdx_writer_commit runs the steps of commit_steps[] in order, each named
 * after the part of the file it produces: number_docs (final ids and
 * statistics), open_output (the temporary index, a placeholder header),
 * write_stored, write_postings (merging the runs; positions go to an
 * anonymous temporary file), write_positions, write_dictionary (TERMS,
 * TERMSTR, TERMHASH), write_docs (DOCS, IDHASH), write_lexicon (the
 * Korean-English pairs mined from the papers write_stored copied), write_meta,
 * write_table_and_footer, and publish (the real header, fsync, rename).
 * META is written last of the sections, the others by id. Every step reads and
 * fills one commit_ctx and returns the writer's sticky error; cleanup,
 * including removing the temporary index after a failure, is
 * commit_ctx_free's alone. */

typedef struct commit_ctx commit_ctx;

/* The commit's lexicon mining passes (commit_ctx.mine): the texts'
 * parentheses, the papers' loanwords (a miner each) and the title-summary
 * association (assoc.h). */
enum mine_kind { MINE_TEXTS, MINE_LOANWORDS, MINE_ASSOC, MINE_PASSES };
typedef struct mine_task {
    commit_ctx *c;
    pdx_lexicon_miner *miner; /* owned; NULL for MINE_ASSOC */
    pdx_assoc *assoc;         /* owned; MINE_ASSOC's only */
    enum mine_kind kind;
    pthread_t thread;
    bool started;             /* thread runs and must be joined */
    const char *why;          /* what failed, when rc is not PDX_OK */
    int rc;                   /* the pass's result */
} mine_task;

struct commit_ctx {
    pdx_writer *w;         /* the writer being committed; not owned */
    outfile o;             /* the temporary index being written */
    char *tmp_index;       /* its path, "<prefix>.idx" */
    run *runs;             /* the spilled runs, then the in-memory one */
    uint32_t n_runs;       /* entries in runs */
    uint32_t *remap;       /* temporary id -> final id, UINT32_MAX if deleted */
    uint32_t *final_len;   /* final id * PDX_NFIELDS + field -> field length */
    uint32_t *final_votes; /* final id -> votes, 0 when unknown (skip entries) */
    uint32_t n_live;       /* live documents, counted before the commit */
    uint32_t n_final;      /* final ids given out (== n_live after number_docs) */
    uint64_t sum_len[PDX_NFIELDS]; /* total length of each field */
    int32_t min_date, max_date;    /* range of the known dates, 0 if none */
    uint32_t max_votes;    /* the most votes of one document */
    uint64_t *stored_off;  /* final id -> offset of its record in STORED */
    /* Mine the lexicon from the title and summary of every paper kept
     * (after deduplication, so a paper listed twice votes once), reading
     * them back from the stored temp file (see mine_stored): the texts'
     * parentheses and the papers' loanwords into a miner each, read as
     * one table at the end (the same table and pairs as one miner fed
     * both), and the title-summary counts, whose pairs join them. On a
     * threaded build each runs on its own thread from write_stored to
     * write_lexicon, beside write_postings (the workers are idle by
     * then); else inline in write_stored. */
    mine_task mine[MINE_PASSES];
    uint64_t lexicon_pairs; /* pairs written to LEXICON */
    merge_ctx m;           /* list encoder and positions file of the merge */
    pdx_buf terms;         /* TERMS entries, built while merging */
    pdx_buf termstr;       /* TERMSTR bytes, built while merging */
    uint64_t *term_hashes; /* pdx_hash of each term written, for TERMHASH */
    size_t cap_hashes;     /* entries allocated in term_hashes */
    uint32_t n_terms;      /* terms written */
    uint64_t n_postings;   /* (term, field, document) postings written */
    section_entry tab[PDX_SEC_COUNT]; /* the sections written so far */
    unsigned ntab;         /* entries used in tab */
    uint8_t header[PDX_HEADER_SIZE]; /* zeros until write_table_and_footer */
    uint64_t file_size;    /* the final size, known after the table */
    uint64_t created;      /* META's creation time */
    uint64_t identity;     /* pdx_frame_identity() of the segment: its header checksum */
    uint64_t seq;          /* the segment's file number */
    char *seg_path;        /* "<INDEX>.<seq>.seg"; owned */
    bool seg_renamed;      /* the segment is at seg_path: removed again on failure */
    pdx_buf lexicon;       /* the LEXICON bytes, for the manifest */
    pdx_buf cand;          /* the miner's candidate table (MCAND), for the manifest */
};

/* Allocates what the steps need and maps the spilled runs. */
static int commit_ctx_init(commit_ctx *c, pdx_writer *w, uint32_t live, uint64_t seq)
{
    memset(c, 0, sizeof *c);
    c->w = w;
    c->n_live = live;
    c->seq = seq;
    c->created = w->opts.created ? w->opts.created : (uint64_t)time(NULL);
    if (!(c->seg_path = pdx_segment_path(w->path, seq)))
        return oom(w);
    c->n_runs = w->n_runs + 1;
    c->o = (outfile){.fd = -1, .cap = PDX_OUT_CHUNK};
    c->runs = calloc(c->n_runs, sizeof *c->runs);
    c->remap = malloc((size_t)w->n_docs * sizeof *c->remap);
    c->final_len = malloc((size_t)live * PDX_NFIELDS * sizeof *c->final_len);
    c->final_votes = malloc(((size_t)live + 1) * sizeof *c->final_votes);
    size_t tn = strlen(w->tmp_prefix) + 8;
    c->tmp_index = malloc(tn);
    c->o.buf = malloc(c->o.cap);
    c->o.hs = XXH3_createState();
    if (!c->runs || !c->remap || !c->final_len || !c->final_votes || !c->tmp_index ||
        !c->o.buf || !c->o.hs)
        return oom(w);
    for (int k = 0; k < MINE_PASSES && !w->no_lexicon; k++) {
        mine_task *t = &c->mine[k];
        *t = (mine_task){.c = c, .kind = (enum mine_kind)k};
        if (k == MINE_ASSOC ? pdx_assoc_new(&t->assoc, live) != PDX_OK
                            : pdx_lexicon_miner_new(&t->miner, NULL) != PDX_OK)
            return oom(w);
    }
    XXH3_64bits_reset(c->o.hs);
    snprintf(c->tmp_index, tn, "%s.idx", w->tmp_prefix);
    for (uint32_t k = 0; k < w->n_runs; k++)
        if (map_run(w, w->run_paths[k], &c->runs[k]))
            return w->err;
    c->runs[w->n_runs].p = w->last_run.data; /* the last run stays in memory */
    c->runs[w->n_runs].end = w->last_run.data + w->last_run.len;
    return PDX_OK;
}

/* Releases everything; after a failure also removes the temporary index. */
static void commit_ctx_free(commit_ctx *c, int rc)
{
    for (int k = 0; k < MINE_PASSES; k++)
        if (c->mine[k].started) /* a step failed before write_lexicon */
            pthread_join(c->mine[k].thread, NULL);
    if (c->o.fd >= 0)
        close(c->o.fd);
    if (rc && c->tmp_index)
        unlink(c->tmp_index);
    if (rc && c->seg_renamed)
        unlink(c->seg_path);
    free(c->seg_path);
    pdx_buf_free(&c->lexicon);
    pdx_buf_free(&c->cand);
    if (c->runs)
        for (uint32_t k = 0; k < c->n_runs; k++)
            if (c->runs[k].map)
                munmap(c->runs[k].map, c->runs[k].map_len);
    if (c->m.posf)
        fclose(c->m.posf);
    pdx_buf_free(&c->m.enc.skip);
    pdx_buf_free(&c->m.enc.data);
    pdx_buf_free(&c->m.enc.blockpos);
    pdx_buf_free(&c->terms);
    pdx_buf_free(&c->termstr);
    free(c->term_hashes);
    free(c->stored_off);
    for (int k = 0; k < MINE_PASSES; k++) {
        pdx_lexicon_miner_free(c->mine[k].miner);
        pdx_assoc_free(c->mine[k].assoc);
    }
    free(c->runs);
    free(c->remap);
    free(c->final_len);
    free(c->final_votes);
    free(c->tmp_index);
    free(c->o.buf);
    if (c->o.hs)
        XXH3_freeState(c->o.hs);
}

/* Writes b as the whole section id. */
static int out_section(commit_ctx *c, uint32_t id, const pdx_buf *b)
{
    out_begin(&c->o);
    out_buf(c->w, &c->o, b);
    return out_end(c->w, &c->o, id, c->tab, &c->ntab);
}

/* Final document ids: the live documents in the order they were added;
 * the field lengths by final id and the META statistics. */
static int number_docs(commit_ctx *c)
{
    const pdx_writer *w = c->w;
    for (uint32_t i = 0; i < w->n_docs; i++) {
        const mdoc *d = &w->docs[i];
        if (d->deleted) {
            c->remap[i] = UINT32_MAX;
            continue;
        }
        for (unsigned f = 0; f < PDX_NFIELDS; f++) {
            c->final_len[(size_t)c->n_final * PDX_NFIELDS + f] = d->len[f];
            c->sum_len[f] += d->len[f];
        }
        c->final_votes[c->n_final] = d->votes == PDX_VOTES_NONE ? 0 : d->votes;
        if (d->votes != PDX_VOTES_NONE && d->votes > c->max_votes)
            c->max_votes = d->votes;
        if (d->date) {
            if (!c->min_date || d->date < c->min_date)
                c->min_date = d->date;
            if (d->date > c->max_date)
                c->max_date = d->date;
        }
        c->remap[i] = c->n_final++;
    }
    return PDX_OK;
}

/* Creates the temporary index and reserves the header's place. */
static int open_output(commit_ctx *c)
{
    c->o.fd = open(c->tmp_index, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (c->o.fd < 0)
        return set_err(c->w, PDX_EIO, "%s: cannot create: %s", c->tmp_index, strerror(errno));
    return out_write(c->w, &c->o, c->header, sizeof c->header);
}

/* Feeds the title and summary of one stored record (format.h: str id, str
 * url, str title, str authors, str summary, ...) to task t: as two texts,
 * or as one paper (its loanwords; its title-summary counts). Touches
 * nothing but t: it may run on its own thread. */
static int mine_record(mine_task *t, const uint8_t *p, size_t n)
{
    const uint8_t *end = p + n, *text[5];
    size_t len[5];
    for (int field = 0; field < 5; field++) {
        uint64_t l;
        if (!pdx_get_varint(&p, end, &l) || l > (uint64_t)(end - p)) {
            t->why = "a stored record is damaged";
            return t->rc = PDX_EIO;
        }
        text[field] = p;
        len[field] = (size_t)l;
        p += l;
    }
    const char *title = (const char *)text[2], *summary = (const char *)text[4];
    int rc;
    if (t->kind == MINE_ASSOC)
        rc = pdx_assoc_add_paper(t->assoc, (const char *)text[0], len[0], title, len[2],
                                 summary, len[4]);
    else if (t->kind == MINE_LOANWORDS)
        rc = pdx_lexicon_miner_add_loanwords(t->miner, title, len[2], summary, len[4]);
    else if (!(rc = pdx_lexicon_miner_add(t->miner, title, len[2])))
        rc = pdx_lexicon_miner_add(t->miner, summary, len[4]);
    if (rc) {
        t->why = "lexicon miner failed";
        return t->rc = rc;
    }
    return PDX_OK;
}

/* Mines every kept paper, in final id order, reading the records back
 * from the stored temp file (flushed by write_stored; nothing writes it
 * any more). Reads only what no commit step changes (the documents, the
 * file); the result is left in the task's rc and why. */
static void *mine_stored(void *arg)
{
    mine_task *t = arg;
    const pdx_writer *w = t->c->w;
    pdx_buf rec = {0};
    for (uint32_t i = 0; i < w->n_docs && !t->rc; i++) {
        const mdoc *d = &w->docs[i];
        if (d->deleted)
            continue;
        pdx_buf_reset(&rec);
        if (!pdx_buf_reserve(&rec, d->stored_len)) {
            t->why = "out of memory while mining the lexicon";
            t->rc = PDX_ENOMEM;
        } else if (pread(fileno(w->stored), rec.data, d->stored_len, (off_t)d->stored_off) !=
                   (ssize_t)d->stored_len) {
            t->why = "reading stored fields failed";
            t->rc = PDX_EIO;
        } else {
            mine_record(t, rec.data, d->stored_len);
        }
    }
    pdx_buf_free(&rec);
    /* the sort write_lexicon's export and finish need, or the counts'
     * scores, here on this thread */
    if (!t->rc && (t->rc = t->miner ? pdx_lexicon_miner_sort(t->miner)
                                    : pdx_assoc_score(t->assoc)))
        t->why = "lexicon miner failed";
    return NULL;
}

/* Starts the mining passes: each on its own thread when the build may
 * use more than one (and a thread can be had), else here and now. */
static void start_mining(commit_ctx *c)
{
    for (int k = 0; k < MINE_PASSES && !c->w->no_lexicon; k++) {
        mine_task *t = &c->mine[k];
        if (c->w->opts.threads > 1 && pthread_create(&t->thread, NULL, mine_stored, t) == 0)
            t->started = true;
        else
            mine_stored(t);
    }
}

/* Waits for the mining; reports a failure as the writer's error. */
static int finish_mining(commit_ctx *c)
{
    for (int k = 0; k < MINE_PASSES; k++)
        if (c->mine[k].started) {
            pthread_join(c->mine[k].thread, NULL);
            c->mine[k].started = false;
        }
    for (int k = 0; k < MINE_PASSES; k++) {
        const mine_task *t = &c->mine[k];
        if (t->rc == PDX_ENOMEM)
            return oom(c->w);
        if (t->rc)
            return set_err(c->w, t->rc, "%s: %s", c->w->stored_path, t->why);
    }
    return PDX_OK;
}

/* STORED: the live records copied from the stored temp file, noting their
 * new offsets for DOCS, while the lexicon mining starts (start_mining). */
static int write_stored(commit_ctx *c)
{
    pdx_writer *w = c->w;
    c->stored_off = malloc((size_t)(c->n_final ? c->n_final : 1) * sizeof *c->stored_off);
    if (!c->stored_off)
        return oom(w);
    out_begin(&c->o);
    if (fflush(w->stored) != 0)
        return set_err(w, PDX_EIO, "%s: %s", w->stored_path, strerror(errno));
    /* the mining reads the flushed records too (pread: no shared offset),
     * the longest task of the commit after the merge: at once */
    start_mining(c);
    pdx_buf rec = {0};
    uint64_t off = 0;
    for (uint32_t i = 0; i < w->n_docs && !w->err && !cancelled(w); i++) {
        const mdoc *d = &w->docs[i];
        if (d->deleted)
            continue;
        pdx_buf_reset(&rec);
        if (!pdx_buf_reserve(&rec, d->stored_len)) {
            oom(w);
            break;
        }
        if (pread(fileno(w->stored), rec.data, d->stored_len, (off_t)d->stored_off) !=
            (ssize_t)d->stored_len) {
            set_err(w, PDX_EIO, "%s: reading stored fields failed", w->stored_path);
            break;
        }
        c->stored_off[c->remap[i]] = off;
        off += d->stored_len;
        out_write(w, &c->o, rec.data, d->stored_len);
    }
    pdx_buf_free(&rec);
    if (w->err)
        return w->err;
    return out_end(w, &c->o, PDX_SEC_STORED, c->tab, &c->ntab);
}

/* The positions file of the merge: anonymous at once, so that nothing is
 * left behind whatever happens. */
static int open_positions(commit_ctx *c)
{
    pdx_writer *w = c->w;
    size_t pn = strlen(w->tmp_prefix) + 16;
    char *pos_path = malloc(pn);
    if (!pos_path)
        return oom(w);
    snprintf(pos_path, pn, "%s.pos", w->tmp_prefix);
    c->m.posf = fopen(pos_path, "w+bxe");
    unlink(pos_path);
    free(pos_path);
    if (!c->m.posf)
        return set_err(w, PDX_EIO, "%s: cannot create positions file: %s", w->tmp_prefix,
                       strerror(errno));
    return PDX_OK;
}

/* The smallest current term of the runs in *t, *tl, and the runs holding
 * it, in run order, in cur; returns how many (0: every run is done). */
static unsigned next_merge_term(commit_ctx *c, run **cur, const uint8_t **t, size_t *tl)
{
    *t = NULL;
    *tl = 0;
    for (uint32_t k = 0; k < c->n_runs; k++) {
        const run *r = &c->runs[k];
        if (r->term && (!*t || pdx_term_cmp(r->term, r->term_len, *t, *tl) < 0)) {
            *t = r->term;
            *tl = r->term_len;
        }
    }
    unsigned nr = 0;
    for (uint32_t k = 0; *t && k < c->n_runs; k++)
        if (c->runs[k].term &&
            pdx_term_cmp(c->runs[k].term, c->runs[k].term_len, *t, *tl) == 0)
            cur[nr++] = &c->runs[k];
    return nr;
}

/* Encodes the term's final list of each field present into lists (see
 * format.h POSTINGS); returns the bits of the fields with documents left
 * after deletions. */
static uint8_t merge_term_lists(commit_ctx *c, run **cur, unsigned nr, pdx_buf *lists)
{
    list_enc *e = &c->m.enc;
    uint8_t fields = 0;
    pdx_buf_reset(lists);
    for (unsigned f = 0; f < PDX_NFIELDS && !c->w->err; f++) {
        uint64_t df = 0;
        if (merge_field(&c->m, cur, nr, f, &df) || df == 0)
            continue;
        fields |= (uint8_t)(1u << f);
        c->n_postings += df;
        pdx_buf_put_varint(lists, df);
        pdx_buf_put_varint(lists, e->max_tf);
        pdx_buf_put_varint(lists, e->min_len);
        pdx_buf_put_varint(lists, e->max_votes);
        pdx_impacts_encode(lists, &e->impacts);
        pdx_buf_put_varint(lists, e->pos_base);
        pdx_buf_put_varint(lists, e->data.len);
        /* A one-block list needs no skip table: its header has the
         * block's bounds and the block starts at offset 0. */
        if (df > PDX_BLOCK_SIZE)
            pdx_buf_append(lists, e->skip.data, e->skip.len);
        pdx_buf_append(lists, e->data.data, e->data.len);
    }
    return fields;
}

/* Adds term t, whose lists start at offset list_off of POSTINGS, to the
 * TERMS, TERMSTR and term-hash material. */
static int add_dictionary_entry(commit_ctx *c, const uint8_t *t, size_t tl, uint8_t fields,
                                uint64_t list_off)
{
    pdx_buf_put_u32(&c->terms, (uint32_t)c->termstr.len);
    pdx_buf_putc(&c->terms, (uint8_t)tl);
    pdx_buf_putc(&c->terms, fields);
    pdx_buf_put_u16(&c->terms, 0);
    pdx_buf_put_u64(&c->terms, list_off);
    pdx_buf_append(&c->termstr, t, tl);
    if (c->n_terms == c->cap_hashes) {
        size_t nc = c->cap_hashes ? c->cap_hashes * 2 : 4096;
        uint64_t *nh = realloc(c->term_hashes, nc * sizeof *nh);
        if (!nh)
            return oom(c->w);
        c->term_hashes = nh;
        c->cap_hashes = nc;
    }
    c->term_hashes[c->n_terms++] = pdx_hash(t, tl);
    return PDX_OK;
}

/* Moves every run holding the term just merged to its next term. */
static void advance_runs(commit_ctx *c, run **cur, unsigned nr)
{
    for (unsigned k = 0; k < nr; k++)
        if (!run_next_term(cur[k]))
            set_err(c->w, PDX_EIO, "%s: sorted run is corrupt", c->w->tmp_prefix);
}

/* POSTINGS: the runs merged term by term in byte order; the dictionary
 * material is collected on the way. */
static int write_postings(commit_ctx *c)
{
    pdx_writer *w = c->w;
    c->m.w = w;
    c->m.remap = c->remap;
    c->m.final_len = c->final_len;
    c->m.final_votes = c->final_votes;
    if (open_positions(c))
        return w->err;
    out_begin(&c->o);
    uint64_t post_start = c->o.off;
    for (uint32_t k = 0; k < c->n_runs; k++)
        if (!run_next_term(&c->runs[k]))
            set_err(w, PDX_EIO, "%s: sorted run is corrupt", w->tmp_prefix);
    run **cur = malloc((size_t)c->n_runs * sizeof *cur);
    if (!cur)
        oom(w);
    pdx_buf lists = {0};
    while (!w->err && !cancelled(w)) {
        const uint8_t *t;
        size_t tl;
        unsigned nr = next_merge_term(c, cur, &t, &tl);
        if (!nr)
            break;
        uint8_t fields = merge_term_lists(c, cur, nr, &lists);
        if (fields && !w->err) {
            if (add_dictionary_entry(c, t, tl, fields, c->o.off - post_start))
                break;
            out_buf(w, &c->o, &lists);
        }
        advance_runs(c, cur, nr);
    }
    free(cur);
    pdx_buf_free(&lists);
    if (w->err)
        return w->err;
    return out_end(w, &c->o, PDX_SEC_POSTINGS, c->tab, &c->ntab);
}

/* POSITIONS: the positions file of the merge, copied. */
static int write_positions(commit_ctx *c)
{
    out_begin(&c->o);
    if (copy_file_into(c->w, &c->o, c->m.posf, c->m.pos_total))
        return c->w->err;
    return out_end(c->w, &c->o, PDX_SEC_POSITIONS, c->tab, &c->ntab);
}

/* TERMS, TERMSTR and TERMHASH. */
static int write_dictionary(commit_ctx *c)
{
    if (out_section(c, PDX_SEC_TERMS, &c->terms) || out_section(c, PDX_SEC_TERMSTR, &c->termstr))
        return c->w->err;
    pdx_buf hb = {0};
    build_hash_section(&hb, c->n_terms, c->term_hashes);
    out_section(c, PDX_SEC_TERMHASH, &hb);
    pdx_buf_free(&hb);
    return c->w->err;
}

/* The 8-byte scoring row of a document (format.h DOCS): its lengths and
 * votes as u16, escaped to the record when they do not fit. */
static void write_doc_row(pdx_writer *w, outfile *o, const mdoc *d)
{
    uint8_t row[PDX_DOC_ROW_SIZE];
    for (unsigned f = 0; f < PDX_NFIELDS; f++)
        pdx_put_u16(row + 2 * f,
                    (uint16_t)(d->len[f] < PDX_DOC_ROW_ESCAPE ? d->len[f] : PDX_DOC_ROW_ESCAPE));
    uint32_t v = d->votes == PDX_VOTES_NONE          ? PDX_DOC_ROW_NO_VOTES
                 : d->votes < PDX_DOC_ROW_NO_VOTES ? d->votes
                                                     : PDX_DOC_ROW_ESCAPE;
    pdx_put_u16(row + 6, (uint16_t)v);
    out_write(w, o, row, sizeof row);
}

/* DOCS (fixed-width records by final id, then their scoring rows) and
 * IDHASH. */
static int write_docs(commit_ctx *c)
{
    pdx_writer *w = c->w;
    uint64_t *id_hashes = malloc((size_t)(c->n_final ? c->n_final : 1) * sizeof *id_hashes);
    if (!id_hashes)
        return oom(w);
    out_begin(&c->o);
    uint8_t rec[PDX_DOC_RECORD_SIZE];
    for (uint32_t i = 0; i < w->n_docs && !w->err; i++) {
        const mdoc *d = &w->docs[i];
        if (d->deleted)
            continue;
        pdx_put_u32(rec, (uint32_t)d->date);
        pdx_put_u32(rec + 4, d->votes);
        for (unsigned f = 0; f < PDX_NFIELDS; f++)
            pdx_put_u32(rec + 8 + 4 * f, d->len[f]);
        pdx_put_u32(rec + 20, d->stored_len);
        pdx_put_u64(rec + 24, c->stored_off[c->remap[i]]);
        out_write(w, &c->o, rec, sizeof rec);
        id_hashes[c->remap[i]] = pdx_hash(w->id_arena.data + d->id_off, d->id_len);
    }
    for (uint32_t i = 0; i < w->n_docs && !w->err; i++)
        if (!w->docs[i].deleted)
            write_doc_row(w, &c->o, &w->docs[i]);
    if (!w->err && !out_end(w, &c->o, PDX_SEC_DOCS, c->tab, &c->ntab)) {
        pdx_buf hb = {0};
        build_hash_section(&hb, c->n_final, id_hashes);
        out_section(c, PDX_SEC_IDHASH, &hb);
        pdx_buf_free(&hb);
    }
    free(id_hashes);
    return w->err;
}

/* LEXICON: the pairs mined from the kept papers, encoded (lexicon.c),
 * for the manifest (a segment of version 4 or later has no LEXICON section). */
static int write_lexicon(commit_ctx *c)
{
    const pdx_lex_pair *pairs;
    size_t n;
    if (finish_mining(c))
        return c->w->err;
    if (c->w->no_lexicon) /* the caller computes its own */
        return PDX_OK;
    pdx_lexicon_miner *texts = c->mine[MINE_TEXTS].miner, *loans = c->mine[MINE_LOANWORDS].miner;
    int rc = pdx_lexicon_miner_export_with(texts, loans, &c->cand); /* MCAND: for --update */
    if (!rc)
        rc = pdx_lexicon_miner_finish_with(texts, loans, &pairs, &n);
    if (!rc) /* and the title-summary pairs (assoc.h) */
        rc = pdx_assoc_pairs(c->mine[MINE_ASSOC].assoc, pairs, n, &pairs, &n);
    if (rc)
        return rc == PDX_ENOMEM ? oom(c->w) : set_err(c->w, rc, "lexicon miner failed");
    rc = pdx_lexicon_encode(&c->lexicon, pairs, n, PDX_LEXICON_MIN_SUPPORT);
    if (rc)
        return rc == PDX_ENOMEM ? oom(c->w) : set_err(c->w, rc, "lexicon encoding failed");
    c->lexicon_pairs = n;
    return PDX_OK;
}

/* META: counts, statistics, versions and the generator. */
static int write_meta(commit_ctx *c)
{
    pdx_buf meta = {0};
    pdx_buf_put_u32(&meta, PDX_TOKENIZER_VERSION);
    pdx_buf_put_u32(&meta, PDX_HASH_ID_XXH3_64);
    pdx_buf_put_u32(&meta, c->n_final);
    pdx_buf_put_u32(&meta, c->n_terms);
    pdx_buf_put_u32(&meta, PDX_NFIELDS);
    pdx_buf_put_u32(&meta, PDX_BLOCK_SIZE);
    for (unsigned f = 0; f < PDX_NFIELDS; f++)
        pdx_buf_put_u64(&meta, c->sum_len[f]);
    pdx_buf_put_u32(&meta, (uint32_t)c->min_date);
    pdx_buf_put_u32(&meta, (uint32_t)c->max_date);
    pdx_buf_put_u64(&meta, c->created);
    pdx_buf_put_u64(&meta, c->n_postings);
    pdx_buf_put_u32(&meta, c->max_votes);
    pdx_buf_put_u32(&meta, 0);
    const char *stem = pdx_tokenizer_stemmer_name(), *uni = pdx_tokenizer_unicode_version();
    static const char generator[] = "paperdex " PDX_VERSION_STRING;
    pdx_buf_put_str(&meta, stem, strlen(stem));
    pdx_buf_put_str(&meta, uni, strlen(uni));
    pdx_buf_put_str(&meta, generator, sizeof generator - 1);
    out_section(c, PDX_SEC_META, &meta);
    pdx_buf_free(&meta);
    return c->w->err;
}

/* The section table and the footer at the end, and the header (written
 * over the placeholder by publish_segment) that points at them (frame.c). */
static int write_table_and_footer(commit_ctx *c)
{
    uint64_t table_off = c->o.off;
    uint8_t tb[PDX_FRAME_TABLE_BYTES(PDX_SEC_COUNT)];
    uint8_t footer[PDX_FOOTER_SIZE];
    pdx_frame_finish(&pdx_segment_kind, c->tab, c->ntab, table_off, tb, c->header, footer);
    c->identity = pdx_frame_identity(c->header);
    out_write(c->w, &c->o, tb, PDX_FRAME_TABLE_BYTES(c->ntab));
    c->file_size = c->o.off + PDX_FOOTER_SIZE;
    return out_write(c->w, &c->o, footer, sizeof footer);
}

/* Makes the segment durable and puts it in place: flush, the real header,
 * fsync, close, rename to "<INDEX>.<seq>.seg", fsync the directory. No
 * manifest names it yet, so no reader sees it. */
static int publish_segment(commit_ctx *c)
{
    pdx_writer *w = c->w;
    if (out_flush(w, &c->o))
        return w->err;
    if (pwrite(c->o.fd, c->header, sizeof c->header, 0) != (ssize_t)sizeof c->header)
        return set_err(w, PDX_EIO, "%s: write failed: %s", c->tmp_index, strerror(errno));
    if (fsync(c->o.fd) != 0)
        return set_err(w, PDX_EIO, "%s: fsync failed: %s", c->tmp_index, strerror(errno));
    int fd = c->o.fd;
    c->o.fd = -1;
    if (close(fd) != 0)
        return set_err(w, PDX_EIO, "%s: close failed: %s", c->tmp_index, strerror(errno));
    if (cancelled(w))
        return w->err;
    char err[PDX_MSG_MAX];
    if (pdx_journal_segment(w->path, c->seq, c->identity, err, sizeof err) ||
        pdx_rename_segment(c->tmp_index, c->seg_path, err, sizeof err))
        return set_err(w, PDX_EIO, "%s", err);
    c->seg_renamed = true;
    pdx_fsync_dir_of(c->seg_path); /* best effort: some file systems refuse it */
    return PDX_OK;
}

typedef int (*commit_step)(commit_ctx *c);

static const commit_step commit_steps[] = {
    number_docs,      open_output, write_stored,  write_postings, write_positions,
    write_dictionary, write_docs,  write_lexicon, write_meta,     write_table_and_footer,
    publish_segment,
};

static int cmp_file_path(const void *a, const void *b)
{
    return strcmp(((const pdx_manifest_file *)a)->path, ((const pdx_manifest_file *)b)->path);
}

/* The dropped ids of f, split from its NUL-separated buffer. */
static int split_dropped(const wfile *f, pdx_manifest_file *mf)
{
    mf->dropped = calloc(f->n_dropped ? f->n_dropped : 1, sizeof *mf->dropped);
    if (!mf->dropped)
        return PDX_ENOMEM;
    const char *p = (const char *)f->dropped.data;
    for (uint32_t k = 0; k < f->n_dropped; k++, mf->n_dropped++) {
        if (!(mf->dropped[k] = strdup(p)))
            return PDX_ENOMEM;
        p += strlen(p) + 1;
    }
    return PDX_OK;
}

/* MFILES records of the files noted that hold a kept or dropped paper:
 * each file's kept papers are consecutive final ids (papers are numbered
 * in the order they came, file after file); sorted by path. */
static int build_files(commit_ctx *c, pdx_segment_out *out)
{
    pdx_writer *w = c->w;
    if (!w->n_files)
        return PDX_OK;
    out->files = calloc(w->n_files, sizeof *out->files);
    if (!out->files)
        return oom(w);
    for (uint32_t i = 0; i < w->n_docs; i++) {
        const mdoc *d = &w->docs[i];
        if (d->deleted || d->file == NO_FILE)
            continue;
        pdx_manifest_file *mf = &out->files[d->file];
        if (!mf->n_docs++)
            mf->first_doc = c->remap[i];
    }
    for (uint32_t k = 0; k < w->n_files; k++) {
        const wfile *f = &w->files[k];
        pdx_manifest_file counted = out->files[k];
        memset(&out->files[k], 0, sizeof counted);
        /* A file of which nothing is indexed (no paper heading, or every
         * paper skipped) gets no record, as an unreadable one: each update
         * reads it again and reports it skipped, as each build does. */
        if (!counted.n_docs && !f->n_dropped)
            continue;
        pdx_manifest_file *mf = &out->files[out->n_files++];
        *mf = counted;
        mf->size = f->stamp.size;
        mf->mtime_ns = f->stamp.mtime_ns;
        mf->hash = f->stamp.hash;
        mf->seq = c->seq;
        if (!(mf->path = strdup(f->path)) || split_dropped(f, mf))
            return oom(w);
    }
    qsort(out->files, out->n_files, sizeof *out->files, cmp_file_path);
    for (uint32_t k = 1; k < out->n_files; k++)
        if (!strcmp(out->files[k].path, out->files[k - 1].path))
            return set_err(w, PDX_EINVAL, "%s: read twice in one build", out->files[k].path);
    return PDX_OK;
}

/* What the caller of pdx_writer_commit_segment learns of the segment. */
static int fill_segment_out(commit_ctx *c, pdx_segment_out *out)
{
    memset(out, 0, sizeof *out);
    out->seg = (pdx_manifest_segment){.seq = c->seq, .n_docs = c->n_final,
                                      .file_size = c->file_size,
                                      .header_sum = c->identity};
    memcpy(out->sum_len, c->sum_len, sizeof out->sum_len);
    out->min_date = c->min_date;
    out->max_date = c->max_date;
    out->max_votes = c->max_votes;
    out->created = c->created;
    out->lexicon = c->lexicon; /* moved */
    c->lexicon = (pdx_buf){0};
    out->cand = c->cand; /* moved */
    c->cand = (pdx_buf){0};
    return build_files(c, out);
}

void pdx_segment_out_free(pdx_segment_out *out)
{
    if (!out)
        return;
    for (uint32_t k = 0; out->files && k < out->n_files; k++) {
        free(out->files[k].path);
        for (uint32_t j = 0; j < out->files[k].n_dropped; j++)
            free(out->files[k].dropped[j]);
        free(out->files[k].dropped);
    }
    free(out->files);
    pdx_buf_free(&out->lexicon);
    pdx_buf_free(&out->cand);
    memset(out, 0, sizeof *out);
}

int pdx_writer_commit_segment(pdx_writer *w, uint64_t seq, pdx_segment_out *out,
                              pdx_write_stats *st)
{
    memset(out, 0, sizeof *out);
    if (w->err)
        return w->err;
    if (w->committed)
        return set_err(w, PDX_EINVAL, "%s: writer already committed", w->path);
    uint32_t live = 0;
    for (uint32_t i = 0; i < w->n_docs; i++)
        live += !w->docs[i].deleted;
    if (live == 0)
        return set_err(w, PDX_EINVAL, "%s: no papers to index",
                       w->path);

    /* The last run stays in memory. */
    if (serialize_run(w, &w->last_run, NULL))
        return w->err;
    commit_ctx c;
    int rc = commit_ctx_init(&c, w, live, seq);
    for (size_t i = 0; !rc && i < sizeof commit_steps / sizeof commit_steps[0]; i++)
        rc = commit_steps[i](&c);
    if (!rc)
        rc = fill_segment_out(&c, out);
    if (!rc && st) {
        st->papers = c.n_final;
        st->duplicates = w->duplicates;
        st->terms = c.n_terms;
        st->postings = c.n_postings;
        st->bytes = c.file_size;
        st->runs = c.n_runs;
        st->lexicon_pairs = c.lexicon_pairs;
    }
    if (rc)
        pdx_segment_out_free(out);
    commit_ctx_free(&c, rc);
    pdx_buf_free(&w->last_run);
    if (!rc)
        w->committed = true;
    return rc;
}

/* The manifest of a full build: the one new segment, its statistics,
 * files and lexicon; generation and next_seq continue the old one's. */
static pdx_manifest full_build_manifest(pdx_segment_out *out, const pdx_manifest *old,
                                        bool had_old)
{
    static const char generator[] = "paperdex " PDX_VERSION_STRING;
    pdx_manifest m = {
        .tokenizer_version = PDX_TOKENIZER_VERSION,
        .generation = had_old ? old->generation + 1 : 1,
        .created = out->created,
        .next_seq = out->seg.seq + 1,
        .n_live = out->seg.n_docs,
        .max_votes = out->max_votes,
        .min_date = out->min_date,
        .max_date = out->max_date,
        .stemmer = (char *)pdx_tokenizer_stemmer_name(),
        .unicode_version = (char *)pdx_tokenizer_unicode_version(),
        .generator = (char *)generator,
        .segs = &out->seg,
        .n_segs = 1,
        .files = out->files,
        .n_files = out->n_files,
        .lexicon = out->lexicon.data,
        .lexicon_len = out->lexicon.len,
        .cand = out->cand.data,
        .cand_len = out->cand.len,
    };
    memcpy(m.sum_len, out->sum_len, sizeof m.sum_len);
    return m;
}

/* After the segment: the manifest naming only it, then the old segments
 * and orphans removed. On an error the new segment is removed again. */
static int publish_full_build(pdx_writer *w, pdx_segment_out *out, const pdx_manifest *old,
                              bool had_old, pdx_write_stats *st)
{
    pdx_manifest m = full_build_manifest(out, old, had_old);
    int rc = cancelled(w) ? w->err : PDX_OK;
    char err[PDX_MSG_MAX];
    if (!rc && (rc = pdx_manifest_publish(w->path, w->tmp_prefix, &m, err, sizeof err)))
        set_err(w, rc, "%s", err);
    if (rc) { /* the new segment is no manifest's: removed */
        pdx_remove_own_segment(w->path, out->seg.seq, out->seg.header_sum);
        return rc;
    }
    pdx_remove_orphans(w->path, &m, had_old ? old : NULL);
    /* the index is its manifest and its segment: a summary naming INDEX
     * with the segment's size alone read as if ls -l were wrong (a docs
     * trial) */
    struct stat sb;
    if (st && stat(w->path, &sb) == 0)
        st->bytes += (uint64_t)sb.st_size;
    return PDX_OK;
}

int pdx_writer_commit(pdx_writer *w, pdx_write_stats *st)
{
    if (!w)
        return PDX_EINVAL;
    if (w->err)
        return w->err;
    pdx_lock lock;
    char err[PDX_MSG_MAX];
    int rc = pdx_index_lock(w->path, w->opts.cancel, w->opts.on_diag, w->opts.payload, &lock,
                            err, sizeof err);
    if (rc)
        return set_err(w, rc, "%s", err);
    pdx_manifest old;
    bool had_old = false;
    /* A damaged or unreadable old manifest is replaced like any index; its
     * segments, unknown, are neither removed (the build may fail, leaving
     * it as it was) nor forgotten by the journal before the new manifest
     * is published, and the new segment takes a free number. */
    bool unreadable = pdx_manifest_read(w->path, &old, &had_old, err, sizeof err) != PDX_OK;
    if (unreadable)
        had_old = false;
    else if ((rc = pdx_journal_start(w->path, had_old ? &old : NULL, err, sizeof err)))
        set_err(w, rc, "%s", err);
    uint64_t seq = had_old ? old.next_seq : unreadable ? pdx_first_free_seq(w->path, 1) : 1;
    pdx_segment_out out = {0};
    if (!rc)
        rc = pdx_writer_commit_segment(w, seq, &out, st);
    if (!rc)
        rc = publish_full_build(w, &out, &old, had_old, st);
    pdx_segment_out_free(&out);
    pdx_manifest_free(&old);
    pdx_index_unlock(&lock, w->path);
    return rc;
}

void pdx_writer_no_lexicon(pdx_writer *w)
{
    if (w)
        w->no_lexicon = true;
}

const char *pdx_writer_tmp_prefix(const pdx_writer *w)
{
    return w->tmp_prefix;
}

const char *pdx_writer_target(const pdx_writer *w)
{
    return w->path;
}

void pdx_writer_free(pdx_writer *w)
{
    if (!w)
        return;
    for (uint32_t k = 0; k < w->n_runs; k++) {
        unlink(w->run_paths[k]);
        free(w->run_paths[k]);
    }
    free(w->run_paths);
    /* The lock file goes last, unlinked while still locked, so that no
     * cleaner takes the group for stale while its files are removed. */
    if (w->stored && w->stored_path)
        unlink(w->stored_path);
    if (w->stored)
        fclose(w->stored);
    free(w->stored_path);
    for (uint32_t i = 0; i < w->n_terms; i++)
        for (unsigned f = 0; f < PDX_NFIELDS; f++)
            pdx_buf_free(&w->terms[i].f[f].b);
    free(w->terms);
    pdx_slots_free(&w->slots);
    pdx_buf_free(&w->term_arena);
    free(w->docs);
    pdx_buf_free(&w->id_arena);
    pdx_slots_free(&w->id_slots);
    pdx_buf_free(&w->last_run);
    pdx_doc_batch_free(w->one);
    for (uint32_t i = 0; i < w->n_files; i++) {
        free(w->files[i].path);
        pdx_buf_free(&w->files[i].dropped);
    }
    free(w->files);
    free(w->path);
    free(w->tmp_prefix);
    free(w);
}
