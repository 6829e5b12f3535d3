/*
 * pdx_parse_paths(): reads digest files and walks directories, feeding one
 * file at a time to the parser in parser.c.
 *
 * Decisions:
 * - Order: each directory's entries are read in full, sorted byte-wise
 *   (strcmp) and visited in that order, files and subdirectories mixed, so
 *   ".../2024/01/..." comes before ".../2024/02/..." and document order is
 *   stable across file systems.
 * - Filter: inside a walked directory only regular files whose names end in
 *   ".md", ".markdown" or ".txt" (ASCII case-insensitive) are read; other files are
 *   ignored silently. Paths named explicitly are read whatever their name.
 * - Hidden entries (names starting with '.') are skipped inside walked
 *   directories (".git", editor temporaries); an explicitly named hidden
 *   path is still read.
 * - Symlinks are followed, to files and to directories. Every real
 *   directory and every real file, by (device, inode), is visited once in
 *   the whole call: a directory reached again through another link, the
 *   same folder named twice on the command line, a file named and also
 *   inside a named folder, are read the first time only, silently (two
 *   links per level to the next directory would otherwise make the walk
 *   exponential in the depth). A directory that is on the current path (a
 *   symlink loop) is also reported (PDX_DIAG_FILE, "directory loop"), not
 *   counted as unreadable. Nesting deeper than PDX_WALK_MAX_DEPTH is
 *   reported and not entered.
 * - A file larger than PDX_MAX_DIGEST_BYTES is reported (PDX_DIAG_FILE)
 *   and counted as unreadable, not read: it would be held in memory whole.
 * - Errors (stat of any entry, open, read, opendir, readdir, a dangling
 *   link, a path that is neither a regular file nor a directory) are
 *   reported as PDX_DIAG_FILE with strerror, counted in stats->unreadable,
 *   and the walk goes on. A path not walked though it may still be there
 *   (no permission) is also told to an --update (unwalked()), which keeps
 *   what it indexed there.
 *
 * Memory: one read buffer reused from file to file (released after a file
 * over 64 MiB), the name list of each directory on the current path, the
 * parser's per-paper buffers, and 16 bytes (plus hash slots) per file and
 * directory visited.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "indexer.h"
#include "publish.h"

/* Deeper nesting than this is reported and skipped (it is far beyond any
 * digest tree and keeps the recursion bounded). */
#define PDX_WALK_MAX_DEPTH 64

/* A read buffer larger than this is freed after use. */
#define PDX_WALK_KEEP_BUF ((size_t)64 << 20)

/* (device, inode): what a file or directory is, whatever path reached it. */
typedef struct walk_file_id {
    dev_t dev;
    ino_t ino;
} walk_file_id;

typedef struct walker {
    pdx_parser *parser;              /* reports the walk's problems */
    pdx_walk_file_fn on_file;        /* takes each file to read, in order */
    pdx_walk_stat_fn on_file_st;     /* or this one, with the file's stat */
    pdx_walk_unwalked_fn on_unwalked; /* with on_file_st: a path not walked */
    void *payload;                   /* on_file's (or on_file_st's and on_unwalked's) */
    walk_file_id stack[PDX_WALK_MAX_DEPTH]; /* directories on the path */
    size_t depth;                    /* entries in use in stack */
    walk_file_id *seen;              /* every file and directory visited */
    uint32_t n_seen, cap_seen;       /* entries used and allocated in seen */
    pdx_slots seen_slots;            /* hash of seen, by (dev, ino) */
} walker;

static uint32_t file_id_hash(const walk_file_id *id)
{
    uint64_t key[2] = {(uint64_t)id->dev, (uint64_t)id->ino};
    return (uint32_t)pdx_hash(key, sizeof key);
}

static bool seen_rehash(uint32_t item, uint32_t *hash, void *payload)
{
    walker *w = payload;
    *hash = file_id_hash(&w->seen[item]);
    return true;
}

static bool seen_match(uint32_t item, const void *key, void *payload)
{
    const walker *w = payload;
    const walk_file_id *id = key;
    return w->seen[item].dev == id->dev && w->seen[item].ino == id->ino;
}

/* Records the file or directory *st as visited; *first says whether it
 * was new. PDX_OK or PDX_ENOMEM. */
static int mark_visited(walker *w, const struct stat *st, bool *first)
{
    walk_file_id id = {st->st_dev, st->st_ino};
    *first = false;
    if (w->n_seen == UINT32_MAX - 1)
        return PDX_ENOMEM;
    if (!pdx_slots_reserve(&w->seen_slots, w->n_seen + 1, w->n_seen, seen_rehash, w))
        return PDX_ENOMEM;
    uint32_t slot;
    if (pdx_slots_find(&w->seen_slots, file_id_hash(&id), seen_match, &id, w, &slot))
        return PDX_OK;
    if (w->n_seen == w->cap_seen) {
        uint32_t nc = w->cap_seen ? w->cap_seen * 2 : 256;
        walk_file_id *ns = realloc(w->seen, (size_t)nc * sizeof *ns);
        if (!ns)
            return PDX_ENOMEM;
        w->seen = ns;
        w->cap_seen = nc;
    }
    pdx_slots_put(&w->seen_slots, slot, w->n_seen, file_id_hash(&id));
    w->seen[w->n_seen++] = id;
    *first = true;
    return PDX_OK;
}

static void report_errno_to(pdx_parser *p, const char *path, const char *what, int err)
{
    pdx_parser_stats(p)->unreadable++;
    pdx_parser_report(p, PDX_DIAG_FILE, path, 0, "%s: %s", what, strerror(err));
}

/* A FIFO, socket or device among the paths: not read. (The program adds
 * "skipped" to every PDX_DIAG_FILE message; the message does not.) */
static void report_not_regular(pdx_parser *p, const char *path)
{
    pdx_parser_stats(p)->unreadable++;
    pdx_parser_report(p, PDX_DIAG_FILE, path, 0, "not a regular file or directory");
}

/* The read buffer goes after a file that needed more than
 * PDX_WALK_KEEP_BUF, so that one outlier does not pin it for the run. */
static void release_big(pdx_buf *data)
{
    if (data->cap > PDX_WALK_KEEP_BUF)
        pdx_buf_free(data);
}

static void report_too_large(pdx_parser *p, const char *path, uint64_t size)
{
    pdx_parser_stats(p)->unreadable++;
    pdx_parser_report(p, PDX_DIAG_FILE, path, 0,
                      "%" PRIu64 " bytes, more than a digest can hold (%" PRIu64
                      " MiB at most)",
                      size, PDX_MAX_DIGEST_BYTES >> 20);
}

static void report_errno(walker *w, const char *path, const char *what, int err)
{
    report_errno_to(w->parser, path, what, err);
}

/* Tells the caller of pdx_walk_paths_stat() that path, reported already,
 * was not walked though it may be there (err: why; 0 when no errno says):
 * a folder it could not enter, or an entry it could not stat. An --update
 * keeps the papers of the files it indexed there instead of deleting them.
 * A path that is not there (ENOENT, ENOTDIR) or a link that leads nowhere
 * (ELOOP, as a dangling link) is gone, not unreadable. */
static int unwalked(walker *w, const char *path, bool folder, int err)
{
    if (!w->on_unwalked || err == ENOENT || err == ENOTDIR || err == ELOOP)
        return PDX_OK;
    return w->on_unwalked(path, folder, w->payload);
}

bool pdx_digest_name(const char *name)
{
    if (!name || name[0] == '.')
        return false;
    size_t n = strlen(name);
    static const char *const exts[] = {".md", ".markdown", ".txt"};
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        size_t m = strlen(exts[i]);
        if (n <= m)
            continue;
        bool eq = true;
        for (size_t k = 0; k < m && eq; k++) {
            char c = name[n - m + k];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            eq = c == exts[i][k];
        }
        if (eq)
            return true;
    }
    return false;
}

int pdx_read_and_parse(pdx_parser *p, pdx_buf *data, const char *path)
{
    return pdx_read_and_parse_stamped(p, data, path, NULL, NULL);
}

int pdx_read_and_parse_stamped(pdx_parser *p, pdx_buf *data, const char *path,
                               pdx_stamp_fn on_stamp, void *payload)
{
    /* O_NONBLOCK: a FIFO that slipped past stat() must not hang open(). */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        report_errno_to(p, path, "cannot open", errno);
        return PDX_OK;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        report_errno_to(p, path, "cannot stat", errno);
        close(fd);
        return PDX_OK;
    }
    if (!S_ISREG(st.st_mode)) {
        report_not_regular(p, path);
        close(fd);
        return PDX_OK;
    }
    if ((uint64_t)st.st_size > PDX_MAX_DIGEST_BYTES) {
        report_too_large(p, path, (uint64_t)st.st_size);
        close(fd);
        return PDX_OK;
    }
    pdx_buf_reset(data);
    size_t hint = st.st_size > 0 ? (size_t)st.st_size : 0;
    if (!pdx_buf_reserve(data, hint + 1)) {
        close(fd);
        return PDX_ENOMEM;
    }
    for (;;) {
        if (data->cap - data->len < 4096 && !pdx_buf_reserve(data, 65536)) {
            close(fd);
            return PDX_ENOMEM;
        }
        ssize_t r = read(fd, data->data + data->len, data->cap - data->len);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            report_errno_to(p, path, "read error", errno);
            close(fd);
            release_big(data);
            return PDX_OK;
        }
        if (r == 0)
            break;
        data->len += (size_t)r;
        if (data->len > PDX_MAX_DIGEST_BYTES) { /* grew since fstat() */
            report_too_large(p, path, data->len);
            close(fd);
            release_big(data);
            return PDX_OK;
        }
    }
    close(fd);
    if (on_stamp) { /* what MFILES records: these very bytes */
        pdx_file_stamp stamp = {(uint64_t)data->len,
                                (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec,
                                pdx_hash(data->data, data->len)};
        on_stamp(path, &stamp, payload);
    }
    int rc = pdx_parser_parse(p, path, (const char *)data->data, data->len);
    release_big(data);
    return rc;
}

static int walk_path(walker *w, const char *path, const struct stat *st);

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Lists the directory's entries except ".", ".." and hidden ones, sorted.
 * *readable is false when the directory could not be read (reported, and
 * told to the caller: unwalked()). */
static int list_dir(walker *w, const char *path, bool *readable, char ***out_names,
                    size_t *out_n)
{
    *readable = false;
    *out_names = NULL;
    *out_n = 0;
    DIR *d = opendir(path);
    if (!d) {
        int err = errno;
        report_errno(w, path, "cannot open directory", err);
        return unwalked(w, path, true, err);
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = PDX_OK, err = 0;
    for (;;) {
        errno = 0;
        struct dirent *e = readdir(d);
        if (!e) {
            err = errno;
            break;
        }
        if (e->d_name[0] == '.')
            continue; /* ".", ".." and hidden entries */
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 32;
            char **nn = realloc(names, ncap * sizeof *nn);
            if (!nn) {
                rc = PDX_ENOMEM;
                break;
            }
            names = nn;
            cap = ncap;
        }
        names[n] = strdup(e->d_name);
        if (!names[n]) {
            rc = PDX_ENOMEM;
            break;
        }
        n++;
    }
    closedir(d);
    if (rc || err) {
        free_names(names, n);
        if (err && !rc) {
            report_errno(w, path, "cannot read directory", err);
            rc = unwalked(w, path, true, err);
        }
        return rc;
    }
    if (n)
        qsort(names, n, sizeof *names, cmp_names);
    *readable = true;
    *out_names = names;
    *out_n = n;
    return PDX_OK;
}

static char *join_path(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    bool slash = dl > 0 && dir[dl - 1] != '/';
    char *p = malloc(dl + slash + nl + 1);
    if (!p)
        return NULL;
    memcpy(p, dir, dl);
    if (slash)
        p[dl] = '/';
    memcpy(p + dl + slash, name, nl + 1);
    return p;
}

static int walk_dir(walker *w, const char *path, const struct stat *st)
{
    for (size_t i = 0; i < w->depth; i++) {
        if (w->stack[i].dev == st->st_dev && w->stack[i].ino == st->st_ino) {
            pdx_parser_report(w->parser, PDX_DIAG_FILE, path, 0,
                              "directory loop: this directory is already being walked "
                              "(symlink cycle); not entered");
            return PDX_OK;
        }
    }
    if (w->depth == PDX_WALK_MAX_DEPTH) {
        pdx_parser_stats(w->parser)->unreadable++;
        pdx_parser_report(w->parser, PDX_DIAG_FILE, path, 0,
                          "directories nested deeper than %d levels; not entered",
                          PDX_WALK_MAX_DEPTH);
        return unwalked(w, path, true, 0);
    }
    bool first;
    int rc = mark_visited(w, st, &first);
    if (rc || !first)
        return rc; /* walked already, through another path */
    char **names;
    size_t n;
    bool readable;
    rc = list_dir(w, path, &readable, &names, &n);
    if (rc || !readable)
        return rc;
    w->stack[w->depth++] = (walk_file_id){st->st_dev, st->st_ino};
    /* Children are stat'ed by name within the directory: a stat of the
     * joined path would look up every component of it again, the cost of
     * a no-op --update over thousands of files. */
    int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    for (size_t i = 0; i < n && !rc; i++) {
        char *child = join_path(path, names[i]);
        if (!child) {
            rc = PDX_ENOMEM;
            break;
        }
        struct stat cst;
        if ((dfd >= 0 ? fstatat(dfd, names[i], &cst, 0) : stat(child, &cst)) != 0) {
            /* A dangling link, a race, a path too long, no permission: it
             * may have been a directory of digests, so it is always
             * reported. */
            int err = errno;
            struct stat lst;
            bool link = lstat(child, &lst) == 0 && S_ISLNK(lst.st_mode);
            report_errno(w, child, link ? "cannot follow symlink" : "cannot stat", err);
            rc = unwalked(w, child, false, err);
        } else if (S_ISDIR(cst.st_mode)) {
            rc = walk_dir(w, child, &cst);
        } else if (pdx_digest_name(names[i])) {
            rc = walk_path(w, child, &cst);
        }
        free(child);
    }
    if (dfd >= 0)
        close(dfd);
    w->depth--;
    free_names(names, n);
    return rc;
}

/* A path whose stat (following links) is *st. */
static int walk_path(walker *w, const char *path, const struct stat *st)
{
    if (S_ISDIR(st->st_mode))
        return walk_dir(w, path, st);
    if (S_ISREG(st->st_mode)) {
        bool first;
        int rc = mark_visited(w, st, &first);
        if (rc || !first)
            return rc;
        return w->on_file_st ? w->on_file_st(path, st, w->payload) : w->on_file(path, w->payload);
    }
    report_not_regular(w->parser, path);
    return PDX_OK;
}

size_t pdx_paths_null_at(const char *const *paths, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!paths || !paths[i])
            return i;
    return n;
}

static int walk_all(walker *w, const char *const *paths, size_t n_paths)
{
    if (pdx_paths_null_at(paths, n_paths) < n_paths)
        return PDX_EINVAL;
    int rc = PDX_OK;
    for (size_t i = 0; i < n_paths && !rc; i++) {
        const char *path = paths[i];
        struct stat st;
        if (stat(path, &st) != 0) {
            int err = errno;
            report_errno(w, path, "cannot stat", err);
            rc = unwalked(w, path, false, err);
            continue;
        }
        rc = walk_path(w, path, &st);
    }
    free(w->seen);
    pdx_slots_free(&w->seen_slots);
    return rc;
}

int pdx_walk_paths(pdx_parser *p, const char *const *paths, size_t n_paths,
                   pdx_walk_file_fn on_file, void *payload)
{
    walker w = {.parser = p, .on_file = on_file, .payload = payload};
    return walk_all(&w, paths, n_paths);
}

int pdx_walk_paths_stat(pdx_parser *p, const char *const *paths, size_t n_paths,
                        pdx_walk_stat_fn on_file, pdx_walk_unwalked_fn on_unwalked,
                        void *payload)
{
    walker w = {.parser = p, .on_file_st = on_file, .on_unwalked = on_unwalked,
                .payload = payload};
    return walk_all(&w, paths, n_paths);
}

/* pdx_parse_paths reads each file as the walk reaches it. */
typedef struct sequential_read {
    pdx_parser *parser; /* parses every file */
    pdx_buf data;       /* the current file's bytes */
} sequential_read;

static int read_now(const char *path, void *payload)
{
    sequential_read *r = payload;
    return pdx_read_and_parse(r->parser, &r->data, path);
}

int pdx_parse_paths(const char *const *paths, size_t n_paths, const pdx_parse_cb *cb,
                    pdx_parse_stats *stats)
{
    if (pdx_paths_null_at(paths, n_paths) < n_paths)
        return PDX_EINVAL;
    pdx_parse_stats local = {0};
    sequential_read r = {0};
    int rc = pdx_parser_new(&r.parser, cb, stats ? stats : &local);
    if (rc)
        return rc;
    rc = pdx_walk_paths(r.parser, paths, n_paths, read_now, &r);
    pdx_buf_free(&r.data);
    pdx_parser_free(r.parser);
    return rc;
}
