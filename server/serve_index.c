/* The index paperdex-serve answers from, and its replacement (serve.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_opt.h"
#include "serve.h"

static long long monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static void snapshot_free(pdx_snapshot *snap)
{
    for (size_t i = 0; i < snap->n_idle; i++)
        pdx_searcher_free(snap->idle[i]);
    free(snap->idle);
    pthread_mutex_destroy(&snap->lock);
    pdx_index_close(snap->ix);
    free(snap);
}

/* Opens path into a new snapshot with one reference (the server's). The
 * identity is taken before opening: if the file is replaced in between,
 * the next check sees another identity and opens it again. */
static int snapshot_open(pdx_snapshot **out, const char *path, uint64_t generation,
                         char *errbuf, size_t errbuf_size)
{
    *out = NULL;
    pdx_snapshot *snap = calloc(1, sizeof *snap);
    if (!snap) {
        snprintf(errbuf, errbuf_size, "out of memory");
        return PDX_ENOMEM;
    }
    if (stat(path, &snap->file) != 0)
        memset(&snap->file, 0, sizeof snap->file);
    int rc = pdx_index_open(&snap->ix, path, errbuf, errbuf_size);
    if (rc) {
        free(snap);
        return rc;
    }
    atomic_init(&snap->refs, 1);
    snap->generation = generation;
    snap->opened_at = (int64_t)time(NULL);
    pthread_mutex_init(&snap->lock, NULL);
    *out = snap;
    return PDX_OK;
}

int pdx_served_open(pdx_served *sv, const char *path, char *errbuf, size_t errbuf_size)
{
    memset(sv, 0, sizeof *sv);
    sv->path = path;
    pthread_mutex_init(&sv->lock, NULL);
    atomic_init(&sv->last_check_ms, monotonic_ms());
    atomic_init(&sv->replacements, 0);
    return snapshot_open(&sv->current, path, 1, errbuf, errbuf_size);
}

void pdx_served_close(pdx_served *sv)
{
    pthread_mutex_lock(&sv->lock);
    pdx_snapshot *old = sv->current;
    sv->current = NULL;
    pthread_mutex_unlock(&sv->lock);
    if (old)
        pdx_snapshot_release(old);
    pthread_mutex_destroy(&sv->lock);
}

/* Whether this thread should look at the file now: the first to claim a
 * check past the interval does, the others go on without waiting. */
static bool claim_check(pdx_served *sv)
{
    long long now = monotonic_ms();
    long long last = atomic_load(&sv->last_check_ms);
    if (now - last < PDX_SERVE_CHECK_MS)
        return false;
    return atomic_compare_exchange_strong(&sv->last_check_ms, &last, now);
}

/* Swaps next in as the current snapshot; the old one is freed once the
 * requests reading it have finished. */
static void swap_in(pdx_served *sv, pdx_snapshot *next)
{
    pthread_mutex_lock(&sv->lock);
    pdx_snapshot *old = sv->current;
    sv->current = next;
    sv->have_failed = false;
    pthread_mutex_unlock(&sv->lock);
    atomic_fetch_add(&sv->replacements, 1);
    pdx_index_info info;
    pdx_index_info_get(next->ix, &info);
    pdx_cli_eprintf(PROG "%s was replaced: now serving %u papers (generation %llu)\n",
            sv->path, info.docs, (unsigned long long)next->generation);
    pdx_snapshot_release(old);
}

/* Reports a replacement that cannot be opened, once per file. */
static void note_failure(pdx_served *sv, const struct stat *st, const char *err)
{
    pthread_mutex_lock(&sv->lock);
    bool known = sv->have_failed && same_file(&sv->failed, st);
    sv->failed = *st;
    sv->have_failed = true;
    pthread_mutex_unlock(&sv->lock);
    if (!known)
        pdx_cli_eprintf(PROG "%s changed but cannot be opened (%s); still serving the previous "
                        "index\n", sv->path, err);
}

void pdx_served_refresh(pdx_served *sv)
{
    if (!claim_check(sv))
        return;
    struct stat st;
    if (stat(sv->path, &st) != 0)
        return; /* removed or being renamed: keep serving what is open */
    pdx_snapshot *cur = pdx_served_acquire(sv);
    bool changed = !same_file(&cur->file, &st);
    uint64_t generation = cur->generation + 1;
    pdx_snapshot_release(cur);
    pthread_mutex_lock(&sv->lock);
    bool failed_before = sv->have_failed && same_file(&sv->failed, &st);
    pthread_mutex_unlock(&sv->lock);
    if (!changed || failed_before)
        return;
    char err[PDX_MSG_MAX];
    pdx_snapshot *next = NULL;
    if (snapshot_open(&next, sv->path, generation, err, sizeof err))
        note_failure(sv, &st, err);
    else
        swap_in(sv, next);
}

pdx_snapshot *pdx_served_acquire(pdx_served *sv)
{
    /* Under the lock: between reading current and counting the reference a
     * swap could otherwise drop the last reference and free it. */
    pthread_mutex_lock(&sv->lock);
    pdx_snapshot *snap = sv->current;
    atomic_fetch_add(&snap->refs, 1);
    pthread_mutex_unlock(&sv->lock);
    return snap;
}

void pdx_snapshot_release(pdx_snapshot *snap)
{
    if (snap && atomic_fetch_sub(&snap->refs, 1) == 1)
        snapshot_free(snap);
}

pdx_searcher *pdx_snapshot_get_searcher(pdx_snapshot *snap)
{
    pdx_searcher *s = NULL;
    pthread_mutex_lock(&snap->lock);
    if (snap->n_idle)
        s = snap->idle[--snap->n_idle];
    pthread_mutex_unlock(&snap->lock);
    if (!s && pdx_searcher_new(&s, snap->ix))
        return NULL;
    return s;
}

void pdx_snapshot_put_searcher(pdx_snapshot *snap, pdx_searcher *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&snap->lock);
    if (snap->n_idle == snap->cap_idle) {
        size_t cap = snap->cap_idle ? snap->cap_idle * 2 : 8;
        pdx_searcher **p = realloc(snap->idle, cap * sizeof *p);
        if (p) {
            snap->idle = p;
            snap->cap_idle = cap;
        }
    }
    if (snap->n_idle < snap->cap_idle) {
        snap->idle[snap->n_idle++] = s;
        s = NULL;
    }
    pthread_mutex_unlock(&snap->lock);
    pdx_searcher_free(s); /* no room to keep it */
}
