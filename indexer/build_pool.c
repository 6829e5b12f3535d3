/*
 * pdx_writer_add_paths: the build on several threads.
 *
 * The calling thread walks the paths (walk.c, cheap: directory listings and
 * stats) and turns each file to read into a job in a ring of 4 per thread.
 * Worker threads take the jobs in order, read and parse the file and
 * prepare its papers for the writer (doc_batch.c: tokenizing, grouping
 * positions, encoding), keeping the parser's diagnostics and papers as one
 * list of events in the order the parser produced them. The calling thread
 * consumes the jobs strictly in walk order, replaying each job's events:
 * diagnostics to the caller's callback, papers to pdx_writer_add_prepared.
 * So the writer sees exactly the sequence of papers, diagnostics and
 * duplicates a single-threaded build sees, and the index is byte-identical.
 *
 * A problem of the walk itself (a stat that fails, a loop) is reported
 * only once every job before it was replayed, which keeps it in its place.
 * When the ring is full the calling thread replays the oldest job before
 * adding one, which bounds the memory held ahead (4 files per thread).
 *
 * Errors: a job's own failure (out of memory while parsing) is reported
 * when its turn comes, after the events before it; a writer error or a
 * cancellation stops the walk, and the workers finish their current file
 * and are joined before returning.
 */
#include <pthread.h>
#include <stdlib.h>

#include "indexer.h"
#include "publish.h"
#include "paperdex/index.h"

/* Jobs in the ring per worker thread: enough that a worker rarely waits
 * for the writer to free a slot, few enough that little is held ahead. */
#define JOBS_PER_THREAD 4

/* One thing the parser produced for a job, in order. */
typedef struct job_event {
    bool is_paper;          /* a paper (index in the batch) or a diagnostic */
    pdx_diag_level level;   /* the diagnostic's level */
    uint32_t line;          /* the diagnostic's line */
    uint32_t index;         /* the paper's index in the job's batch */
    size_t file_off;        /* the diagnostic's file, NUL-terminated in text */
    size_t msg_off;         /* its message, NUL-terminated in text */
} job_event;

/* Where a job is: filled by the walk, taken by a worker, done. */
typedef enum job_state { JOB_FREE, JOB_PENDING, JOB_TAKEN, JOB_DONE } job_state;

/* A file to read and what reading it produced. */
typedef struct job {
    char *path;             /* owned; NULL while the slot is free */
    job_state state;        /* read and written under the pool's mutex */
    pdx_doc_batch *batch;   /* the file's papers, prepared; owned, reused */
    job_event *ev;          /* events in the parser's order */
    size_t n_ev, cap_ev;    /* used and allocated */
    pdx_buf text;           /* diagnostic strings */
    pdx_parse_stats stats;  /* what parsing this file counted */
    int rc;                 /* the parse's own failure (PDX_ENOMEM), or 0 */
    bool stamped;           /* the file was read: stamp is set */
    pdx_file_stamp stamp;   /* what was read, for the writer's MFILES */
} job;

typedef struct pool {
    pdx_writer *w;          /* not owned */
    const pdx_parse_cb *cb; /* the caller's callbacks; not owned */
    pdx_parse_stats *stats; /* the caller's totals; not owned */
    job *jobs;              /* the ring; owned */
    size_t n_jobs;          /* its size */
    /* Jobs are numbered from 0 in walk order; job k lives in slot
     * k % n_jobs. head: the next to replay; next_take: the next a worker
     * takes; tail: the next the walk fills. head <= next_take <= tail. */
    uint64_t head, next_take, tail;
    pthread_mutex_t mu;     /* guards the counters, states and stop */
    pthread_cond_t work;    /* a job was added, or stop */
    pthread_cond_t done;    /* a job is done */
    bool stop;              /* workers leave after their current job */
    /* The writer's cancel flag, may be NULL; read on the calling thread
     * only. */
    const volatile sig_atomic_t *cancel;
    int rc;                 /* the first error; the walk stops on it */
} pool;

/* A worker thread's own state. */
typedef struct worker {
    pool *pl;               /* not owned */
    pthread_t thread;       /* its id, once started */
    pdx_parser *parser;     /* owned; reports to the worker's callbacks */
    pdx_parse_stats stats;  /* the parser's counts for the current job */
    pdx_buf data;           /* the file being parsed */
    job *cur;               /* the job being worked on; not owned */
} worker;

/* ---- jobs ---- */

static job_event *push_event(job *j)
{
    if (j->n_ev == j->cap_ev) {
        size_t nc = j->cap_ev ? j->cap_ev * 2 : 64;
        job_event *ne = realloc(j->ev, nc * sizeof *ne);
        if (!ne)
            return NULL;
        j->ev = ne;
        j->cap_ev = nc;
    }
    job_event *e = &j->ev[j->n_ev++];
    memset(e, 0, sizeof *e);
    return e;
}

/* The parser's paper callback on a worker: prepare it for the writer. */
static int worker_on_paper(const pdx_paper *p, void *payload)
{
    worker *wk = payload;
    job *j = wk->cur;
    size_t index = pdx_doc_batch_count(j->batch);
    if (index >= UINT32_MAX || pdx_doc_batch_add(j->batch, p))
        return PDX_ENOMEM;
    job_event *e = push_event(j);
    if (!e)
        return PDX_ENOMEM;
    e->is_paper = true;
    e->index = (uint32_t)index;
    return PDX_OK;
}

/* The parser's diagnostic callback on a worker: keep it for the replay. */
static void worker_on_diag(const pdx_diag *d, void *payload)
{
    worker *wk = payload;
    job *j = wk->cur;
    job_event *e = push_event(j);
    if (!e) {
        j->rc = PDX_ENOMEM;
        return;
    }
    e->level = d->level;
    e->line = d->line;
    e->file_off = j->text.len;
    pdx_buf_append(&j->text, d->file, strlen(d->file) + 1);
    e->msg_off = j->text.len;
    pdx_buf_append(&j->text, d->message, strlen(d->message) + 1);
    if (j->text.err)
        j->rc = PDX_ENOMEM;
}

static bool is_cancelled(const pool *pl)
{
    return pl->cancel && *pl->cancel;
}

/* Reads, parses and prepares one file. The cancel flag is not looked at
 * here: it is written by a signal handler or the caller's thread, and read
 * only by the calling thread (enqueue_file, the writer), which stops at its
 * next file or paper; the workers finish the file they hold. */
static void on_job_stamp(const char *path, const pdx_file_stamp *stamp, void *payload)
{
    job *j = payload;
    PDX_UNUSED(path);
    j->stamp = *stamp;
    j->stamped = true;
}

static void work_on(worker *wk, job *j)
{
    memset(&wk->stats, 0, sizeof wk->stats);
    wk->cur = j;
    int rc = pdx_read_and_parse_stamped(wk->parser, &wk->data, j->path, on_job_stamp, j);
    if (rc && !j->rc)
        j->rc = rc;
    j->stats = wk->stats;
    wk->cur = NULL;
}

static void *worker_main(void *arg)
{
    worker *wk = arg;
    pool *pl = wk->pl;
    pthread_mutex_lock(&pl->mu);
    for (;;) {
        while (!pl->stop && pl->next_take == pl->tail)
            pthread_cond_wait(&pl->work, &pl->mu);
        if (pl->stop)
            break;
        job *j = &pl->jobs[pl->next_take++ % pl->n_jobs];
        j->state = JOB_TAKEN;
        pthread_mutex_unlock(&pl->mu);
        work_on(wk, j);
        pthread_mutex_lock(&pl->mu);
        j->state = JOB_DONE;
        pthread_cond_broadcast(&pl->done);
    }
    pthread_mutex_unlock(&pl->mu);
    return NULL;
}

/* ---- the calling thread ---- */

static void add_stats(pdx_parse_stats *to, const pdx_parse_stats *s)
{
    to->files += s->files;
    to->bytes += s->bytes;
    to->headings += s->headings;
    to->papers += s->papers;
    to->skipped += s->skipped;
    to->warnings += s->warnings;
    to->not_digest += s->not_digest;
    to->unreadable += s->unreadable;
}

/* Sends job j's events to the caller and the writer, in order. */
static int replay(pool *pl, job *j)
{
    add_stats(pl->stats, &j->stats);
    int rc = j->stamped ? pdx_writer_note_file(pl->w, j->path, &j->stamp) : PDX_OK;
    if (rc)
        return rc; /* the writer's error, sticky (an earlier one, or memory) */
    for (size_t k = 0; k < j->n_ev; k++) {
        const job_event *e = &j->ev[k];
        if (!e->is_paper) {
            const char *text = (const char *)j->text.data;
            pdx_diag d = {e->level, text + e->file_off, e->line, text + e->msg_off};
            if (pl->cb->on_diag)
                pl->cb->on_diag(&d, pl->cb->payload);
            continue;
        }
        rc = pdx_writer_add_prepared(pl->w, j->batch, e->index);
        if (!rc && pl->cb->on_paper) {
            pdx_paper p;
            pdx_doc_batch_paper(j->batch, e->index, &p);
            rc = pl->cb->on_paper(&p, pl->cb->payload);
        }
        if (rc)
            return rc;
    }
    return j->rc;
}

/* Frees the job's slot for the next file, keeping its memory. */
static void clear_job(job *j)
{
    free(j->path);
    j->path = NULL;
    pdx_doc_batch_reset(j->batch);
    j->n_ev = 0;
    pdx_buf_reset(&j->text);
    j->text.err = PDX_OK;
    memset(&j->stats, 0, sizeof j->stats);
    j->rc = PDX_OK;
    j->stamped = false;
}

/* Waits for the oldest job and replays it. */
static int replay_oldest(pool *pl)
{
    job *j = &pl->jobs[pl->head % pl->n_jobs];
    pthread_mutex_lock(&pl->mu);
    while (j->state != JOB_DONE)
        pthread_cond_wait(&pl->done, &pl->mu);
    pthread_mutex_unlock(&pl->mu);
    int rc = replay(pl, j);
    clear_job(j);
    pthread_mutex_lock(&pl->mu);
    j->state = JOB_FREE;
    pl->head++;
    pthread_mutex_unlock(&pl->mu);
    return rc;
}

/* Replays every job given out so far (stopping at the first error). */
static int replay_all(pool *pl)
{
    while (!pl->rc && pl->head < pl->tail)
        pl->rc = replay_oldest(pl);
    return pl->rc;
}

/* The walk's file callback: one more job, after replaying the oldest when
 * the ring is full. */
static int enqueue_file(const char *path, void *payload)
{
    pool *pl = payload;
    if (!pl->rc && is_cancelled(pl))
        pl->rc = pdx_writer_fail(pl->w, PDX_ESTOP, "interrupted; the index was not written");
    while (!pl->rc && pl->tail - pl->head == pl->n_jobs)
        pl->rc = replay_oldest(pl);
    if (pl->rc)
        return pl->rc;
    job *j = &pl->jobs[pl->tail % pl->n_jobs];
    j->path = strdup(path);
    if (!j->path)
        return pl->rc = PDX_ENOMEM;
    pthread_mutex_lock(&pl->mu);
    j->state = JOB_PENDING;
    pl->tail++;
    pthread_cond_signal(&pl->work);
    pthread_mutex_unlock(&pl->mu);
    return PDX_OK;
}

/* The walk's own diagnostics wait for the jobs before them. */
static void walk_on_diag(const pdx_diag *d, void *payload)
{
    pool *pl = payload;
    if (replay_all(pl))
        return; /* the build stops here, as a single thread would */
    if (pl->cb->on_diag)
        pl->cb->on_diag(d, pl->cb->payload);
}

/* The walk parses nothing; its parser only reports. */
static int walk_on_paper(const pdx_paper *p, void *payload)
{
    (void)p;
    (void)payload;
    return PDX_OK;
}

/* ---- single-threaded ---- */

/* With one thread, papers go straight from the parser to pdx_writer_add. */
typedef struct direct {
    pdx_writer *w;          /* not owned */
    const pdx_parse_cb *cb; /* the caller's; not owned */
    pdx_parser *parser;     /* the walk's and the reads'; owned */
    pdx_buf data;           /* the file being parsed */
} direct;

static int direct_on_paper(const pdx_paper *p, void *payload)
{
    direct *d = payload;
    int rc = pdx_writer_add(d->w, p);
    if (!rc && d->cb->on_paper)
        rc = d->cb->on_paper(p, d->cb->payload);
    return rc;
}

static void direct_on_diag(const pdx_diag *diag, void *payload)
{
    direct *d = payload;
    if (d->cb->on_diag)
        d->cb->on_diag(diag, d->cb->payload);
}

/* Each file read is noted with the writer before its papers come. */
static void direct_on_stamp(const char *path, const pdx_file_stamp *stamp, void *payload)
{
    direct *d = payload;
    pdx_writer_note_file(d->w, path, stamp); /* an error is sticky in the writer */
}

/* The walk of pdx_parse_paths, reading each file in turn. */
static int direct_read(const char *path, void *payload)
{
    direct *d = payload;
    return pdx_read_and_parse_stamped(d->parser, &d->data, path, direct_on_stamp, d);
}

static int add_paths_direct(pdx_writer *w, const char *const *paths, size_t n_paths,
                            const pdx_parse_cb *cb, pdx_parse_stats *stats)
{
    direct d = {w, cb, NULL, {0}};
    pdx_parse_cb dcb = {direct_on_paper, direct_on_diag, &d};
    int rc = pdx_parser_new(&d.parser, &dcb, stats);
    if (rc)
        return rc;
    rc = pdx_walk_paths(d.parser, paths, n_paths, direct_read, &d);
    pdx_buf_free(&d.data);
    pdx_parser_free(d.parser);
    return rc;
}

/* ---- set-up and tear-down ---- */

static void free_jobs(pool *pl)
{
    for (size_t k = 0; pl->jobs && k < pl->n_jobs; k++) {
        free(pl->jobs[k].path);
        pdx_doc_batch_free(pl->jobs[k].batch);
        free(pl->jobs[k].ev);
        pdx_buf_free(&pl->jobs[k].text);
    }
    free(pl->jobs);
}

static int alloc_jobs(pool *pl, unsigned threads)
{
    pl->n_jobs = (size_t)threads * JOBS_PER_THREAD;
    pl->jobs = calloc(pl->n_jobs, sizeof *pl->jobs);
    if (!pl->jobs)
        return PDX_ENOMEM;
    for (size_t k = 0; k < pl->n_jobs; k++)
        if (pdx_doc_batch_new(&pl->jobs[k].batch))
            return PDX_ENOMEM;
    return PDX_OK;
}

/* Starts up to n workers; returns how many run. */
static unsigned start_workers(pool *pl, worker *wks, unsigned n)
{
    unsigned started = 0;
    for (; started < n; started++) {
        worker *wk = &wks[started];
        wk->pl = pl;
        pdx_parse_cb wcb = {worker_on_paper, worker_on_diag, wk};
        if (pdx_parser_new(&wk->parser, &wcb, &wk->stats))
            break;
        if (pthread_create(&wk->thread, NULL, worker_main, wk) != 0) {
            pdx_parser_free(wk->parser);
            wk->parser = NULL;
            break;
        }
    }
    return started;
}

static void stop_workers(pool *pl, worker *wks, unsigned n)
{
    pthread_mutex_lock(&pl->mu);
    pl->stop = true;
    pthread_cond_broadcast(&pl->work);
    pthread_mutex_unlock(&pl->mu);
    for (unsigned k = 0; k < n; k++) {
        pthread_join(wks[k].thread, NULL);
        pdx_parser_free(wks[k].parser);
        pdx_buf_free(&wks[k].data);
    }
}

/* Walks with the workers running; returns the first error. */
static int run_pool(pool *pl, const char *const *paths, size_t n_paths)
{
    pdx_parser *walk_parser;
    pdx_parse_cb wcb = {walk_on_paper, walk_on_diag, pl};
    int rc = pdx_parser_new(&walk_parser, &wcb, pl->stats);
    if (rc)
        return rc;
    rc = pdx_walk_paths(walk_parser, paths, n_paths, enqueue_file, pl);
    if (!rc)
        rc = replay_all(pl);
    pdx_parser_free(walk_parser);
    return rc ? rc : pl->rc;
}

int pdx_writer_add_paths(pdx_writer *w, const char *const *paths, size_t n_paths,
                         const pdx_parse_cb *cb, pdx_parse_stats *stats)
{
    static const pdx_parse_cb no_cb = {0};
    pdx_parse_stats local = {0};
    if (!w)
        return PDX_EINVAL;
    size_t hole = pdx_paths_null_at(paths, n_paths);
    if (hole < n_paths && !paths)
        return pdx_writer_usage_error(w, "paths is NULL with %zu paths", n_paths);
    if (hole < n_paths)
        return pdx_writer_usage_error(w, "paths[%zu] is NULL", hole);
    cb = cb ? cb : &no_cb;
    stats = stats ? stats : &local;
    const pdx_writer_opts *o = pdx_writer_options(w);
    unsigned threads = o->threads;
    if (threads <= 1)
        return add_paths_direct(w, paths, n_paths, cb, stats);

    pool pl = {.w = w, .cb = cb, .stats = stats, .cancel = o->cancel};
    worker *wks = calloc(threads, sizeof *wks);
    int rc = wks ? alloc_jobs(&pl, threads) : PDX_ENOMEM;
    if (rc) {
        free_jobs(&pl);
        free(wks);
        return rc;
    }
    pthread_mutex_init(&pl.mu, NULL);
    pthread_cond_init(&pl.work, NULL);
    pthread_cond_init(&pl.done, NULL);
    unsigned started = start_workers(&pl, wks, threads);
    if (started == 0) /* no thread to be had: the same build on this one */
        rc = add_paths_direct(w, paths, n_paths, cb, stats);
    else
        rc = run_pool(&pl, paths, n_paths);
    stop_workers(&pl, wks, started);
    pthread_cond_destroy(&pl.done);
    pthread_cond_destroy(&pl.work);
    pthread_mutex_destroy(&pl.mu);
    free_jobs(&pl);
    free(wks);
    return rc;
}
