/*
 * Step 2 of pdx_index_update (update.c): the files the paths hold now.
 *
 * The paths are walked as a full build walks them (walk.c), each file with
 * its size and mtime, in walk order, and indexed by path (by_path) for the
 * lookups of later steps. A file no longer walked is gone and its papers
 * are deleted (update.c delete_stale), but a path the walk could not read
 * though it may still be there (a folder without permission, an entry it
 * cannot stat for that reason) is not gone: the files the index recorded
 * there are walked as recorded, at the place in the walk where the path
 * was met, so that they count unchanged, keep their papers and keep the
 * walk order a later tie between duplicates is broken by (update.c
 * beats()). A full build leaves them out, so the update says so, once per
 * path. (A user trial: chmod 000 on a folder deleted its papers until the
 * next update.)
 */
#include <stdlib.h>
#include <sys/stat.h>

#include "indexer.h"
#include "update_int.h"

/* Appends a file to the walk with its size and mtime. */
static int add_walked(pdx_updater *u, const char *path, uint64_t size, int64_t mtime_ns)
{
    if (u->n_walk == u->cap_walk) {
        size_t nc = u->cap_walk ? u->cap_walk * 2 : 256;
        wfile *nw = realloc(u->walk, nc * sizeof *nw);
        if (!nw)
            return PDX_ENOMEM;
        u->walk = nw;
        u->cap_walk = nc;
    }
    wfile *f = &u->walk[u->n_walk];
    memset(f, 0, sizeof *f);
    f->path = strdup(path);
    f->old = -1;
    if (!f->path)
        return PDX_ENOMEM;
    f->size = size; /* the walk's stat: classify_files compares it */
    f->mtime_ns = mtime_ns;
    u->n_walk++;
    return PDX_OK;
}

static int collect_file(const char *path, const struct stat *st, void *payload)
{
    pdx_updater *u = payload;
    return add_walked(u, path, (uint64_t)st->st_size, pdx_stat_mtime_ns(st));
}

/* Notes a path the walk could not read, where the walk was. */
static int note_unwalked(const char *path, bool folder, void *payload)
{
    pdx_updater *u = payload;
    if (u->n_unwalked == u->cap_unwalked) {
        size_t nc = u->cap_unwalked ? u->cap_unwalked * 2 : 8;
        unwalked_path *nu = realloc(u->unwalked, nc * sizeof *nu);
        if (!nu)
            return PDX_ENOMEM;
        u->unwalked = nu;
        u->cap_unwalked = nc;
    }
    unwalked_path *w = &u->unwalked[u->n_unwalked];
    *w = (unwalked_path){strdup(path), folder, u->n_walk};
    if (!w->path)
        return PDX_ENOMEM;
    u->n_unwalked++;
    return PDX_OK;
}

static int cmp_walk_path(const void *a, const void *b, void *payload)
{
    const pdx_updater *u = payload;
    return strcmp(u->walk[*(const uint32_t *)a].path, u->walk[*(const uint32_t *)b].path);
}

/* qsort_r is a GNU extension; the walk order index is sorted with a small
 * merge sort instead so the code stays ISO C + POSIX. */
static void sort_idx(uint32_t *a, uint32_t *tmp, size_t n,
                     int (*cmp)(const void *, const void *, void *), void *payload)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    sort_idx(a, tmp, h, cmp, payload);
    sort_idx(a + h, tmp, n - h, cmp, payload);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = cmp(&a[j], &a[i], payload) < 0 ? a[j++] : a[i++];
    while (i < h)
        tmp[k++] = a[i++];
    while (j < n)
        tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

/* Was the file at path indexed where w could not be read: inside the
 * folder, or the entry itself? (A file where a folder now is was another
 * thing: it is gone.) */
static bool recorded_in(const char *path, const unwalked_path *w)
{
    size_t n = strlen(w->path);
    if (!w->folder)
        return strcmp(path, w->path) == 0;
    if (strncmp(path, w->path, n) != 0)
        return false;
    return (path[n] == '/' && path[n + 1]) || (n > 0 && w->path[n - 1] == '/' && path[n]);
}

/* A byte of a path in walk order: '/' below every other byte. */
static unsigned walk_byte(char c)
{
    return c == '/' ? 1u : c ? (unsigned char)c + 1u : 0u;
}

/* strcmp in walk order: the order in which the walk meets the files of
 * one folder (walk.c sorts each folder's entries, so "b" and the files in
 * it come before "b.md"). */
static int walk_order_cmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (int)walk_byte(*a) - (int)walk_byte(*b);
}

static int cmp_record_walk_order(const void *a, const void *b, void *payload)
{
    const pdx_updater *u = payload;
    return walk_order_cmp(u->old.files[*(const uint32_t *)a].path,
                          u->old.files[*(const uint32_t *)b].path);
}

/* The old records that w holds and that nothing walked or took before
 * (taken[] marks them), in walk order into rec[] (tmp: as much room, for
 * the sort); their count. A folder may hold every file of the index. */
static size_t records_in(pdx_updater *u, const unwalked_path *w, uint8_t *taken, uint32_t *rec,
                         uint32_t *tmp)
{
    size_t n = 0;
    for (uint32_t k = 0; k < u->old.n_files; k++) {
        if (taken[k] || !recorded_in(u->old.files[k].path, w))
            continue;
        taken[k] = 1;
        rec[n++] = k;
    }
    sort_idx(rec, tmp, n, cmp_record_walk_order, u);
    return n;
}

/* Rebuilds the walk with the old records kept[0, n) in it, each walked as
 * recorded before the file walked at pos[i] (ascending; the walk's length:
 * at the end). */
static int insert_kept(pdx_updater *u, const uint32_t *kept, const size_t *pos, size_t n)
{
    wfile *w = malloc((u->n_walk + n) * sizeof *w);
    if (!w)
        return PDX_ENOMEM;
    size_t m = 0, j = 0;
    for (size_t i = 0; i <= u->n_walk; i++) {
        for (; j < n && pos[j] == i; j++) {
            const pdx_manifest_file *r = &u->old.files[kept[j]];
            w[m] = (wfile){.path = strdup(r->path), .size = r->size, .mtime_ns = r->mtime_ns,
                           .old = -1, .kept = true};
            if (!w[m].path) {
                for (size_t k = 0; k < m; k++)
                    if (w[k].kept)
                        free(w[k].path);
                free(w);
                return PDX_ENOMEM;
            }
            m++;
        }
        if (i < u->n_walk)
            w[m++] = u->walk[i];
    }
    free(u->walk);
    u->walk = w;
    u->n_walk = u->cap_walk = m;
    return PDX_OK;
}

/* Takes the files recorded under the paths the walk could not read (see
 * the top of the file), saying so once per path. */
static int keep_unwalked(pdx_updater *u)
{
    if (!u->n_unwalked || !u->have_old || !u->old.n_files)
        return PDX_OK;
    size_t nf = u->old.n_files;
    uint8_t *taken = calloc(nf, 1);
    uint32_t *kept = malloc(nf * sizeof *kept), *tmp = malloc(nf * sizeof *tmp);
    size_t *pos = malloc(nf * sizeof *pos), n = 0;
    int rc = taken && kept && tmp && pos ? PDX_OK : PDX_ENOMEM;
    for (size_t k = 0; !rc && k < nf; k++)
        taken[k] = pdx_update_walk_index(u, u->old.files[k].path,
                                         strlen(u->old.files[k].path)) >= 0;
    for (size_t i = 0; !rc && i < u->n_unwalked; i++) {
        const unwalked_path *w = &u->unwalked[i];
        size_t c = records_in(u, w, taken, kept + n, tmp);
        for (size_t k = 0; k < c; k++)
            pos[n + k] = w->at;
        n += c;
        if (c)
            pdx_update_diag(u, PDX_DIAG_WARNING, w->path, 0,
                            "could not be read: the papers of the %zu indexed file%s %s are kept "
                            "as they were (a full build would leave them out)",
                            c, c == 1 ? "" : "s", w->folder ? "under it" : "it names");
    }
    if (!rc && n)
        rc = insert_kept(u, kept, pos, n);
    free(taken);
    free(kept);
    free(tmp);
    free(pos);
    return rc;
}

/* The walk reports its own problems (a loop, an unreadable directory) to
 * the caller; it never parses, so no paper arrives here. */
static int no_paper(const pdx_paper *p, void *payload)
{
    (void)p;
    (void)payload;
    return PDX_OK;
}

/* Sorts the walk's indices by path into by_path (lookups). */
static int sort_walk(pdx_updater *u)
{
    free(u->by_path);
    u->by_path = malloc((u->n_walk ? u->n_walk : 1) * sizeof *u->by_path);
    uint32_t *tmp = malloc((u->n_walk ? u->n_walk : 1) * sizeof *tmp);
    if (!u->by_path || !tmp) {
        free(tmp);
        return PDX_ENOMEM;
    }
    for (uint32_t i = 0; i < u->n_walk; i++)
        u->by_path[i] = i;
    sort_idx(u->by_path, tmp, u->n_walk, cmp_walk_path, u);
    free(tmp);
    return PDX_OK;
}

int pdx_update_walk(pdx_updater *u, const char *const *paths, size_t n_paths)
{
    pdx_parser *p = NULL;
    pdx_parse_cb cb = {no_paper, u->cb.on_diag, u->cb.payload};
    int rc = pdx_parser_new(&p, &cb, &u->parse_stats);
    if (!rc)
        rc = pdx_walk_paths_stat(p, paths, n_paths, collect_file, note_unwalked, u);
    pdx_parser_free(p);
    if (rc)
        return rc == PDX_ENOMEM ? pdx_update_oom(u) : pdx_update_fail(u, rc, "%s: walk failed",
                                                                       u->path);
    size_t walked = u->n_walk;
    if (sort_walk(u) || keep_unwalked(u) || (u->n_walk != walked && sort_walk(u)))
        return pdx_update_oom(u);
    return PDX_OK;
}

int32_t pdx_update_walk_index(const pdx_updater *u, const char *path, size_t len)
{
    size_t lo = 0, hi = u->n_walk;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *q = u->walk[u->by_path[mid]].path;
        int c = strncmp(q, path, len);
        if (c == 0)
            c = q[len] != 0;
        if (c < 0)
            lo = mid + 1;
        else if (c > 0)
            hi = mid;
        else
            return (int32_t)u->by_path[mid];
    }
    return -1;
}
