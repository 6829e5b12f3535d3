/*
 * A deadline per request (serve.h): libmicrohttpd's connection timeout is
 * an idle timeout, which a client sending one byte per interval never
 * reaches (slowloris). The reaper holds every open connection with the
 * time its current request began (the connection opened, or the previous
 * reply finished) and shuts down the socket of any whose request is still
 * not answered after the deadline; libmicrohttpd then sees the connection
 * end and closes it as usual.
 *
 * The socket is shut down, never closed, and only while libmicrohttpd has
 * not yet announced the connection closed (it announces before closing the
 * socket, and the announcement removes the entry under the same lock), so
 * the descriptor cannot belong to another connection by then.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "serve.h"

/* One open connection. */
struct pdx_reaper_conn {
    struct pdx_reaper_conn *prev, *next; /* the reaper's list */
    int fd;                              /* its socket (owned by libmicrohttpd) */
    atomic_llong since_ms;               /* when its current request began */
    atomic_bool idle;                    /* no request line yet */
    bool reaped;                         /* shut down already */
};

struct pdx_reaper {
    pthread_mutex_t lock;          /* guards the list and stop */
    pthread_cond_t wake;           /* signalled to stop */
    pthread_t thread;              /* the reaping loop */
    struct pdx_reaper_conn *head;  /* open connections */
    long long deadline_ms;         /* time a request may take */
    bool stop;                     /* the thread should end */
    atomic_ullong reaped;          /* connections shut down so far */
};

/* How often the list is swept: a late request lives at most this much
 * past its deadline. */
#define SWEEP_MS 250

static long long monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sweep(pdx_reaper *r)
{
    long long now = monotonic_ms();
    for (struct pdx_reaper_conn *c = r->head; c; c = c->next) {
        if (!c->reaped && now - atomic_load(&c->since_ms) > r->deadline_ms) {
            shutdown(c->fd, SHUT_RDWR);
            c->reaped = true;
            atomic_fetch_add(&r->reaped, 1);
        }
    }
}

static void *reaper_main(void *arg)
{
    pdx_reaper *r = arg;
    pthread_mutex_lock(&r->lock);
    while (!r->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += SWEEP_MS * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&r->wake, &r->lock, &until);
        if (!r->stop)
            sweep(r);
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

int pdx_reaper_start(pdx_reaper **out, unsigned deadline_s)
{
    pdx_reaper *r = calloc(1, sizeof *r);
    if (!r)
        return PDX_ENOMEM;
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->wake, NULL);
    r->deadline_ms = (long long)deadline_s * 1000;
    atomic_init(&r->reaped, 0);
    if (pthread_create(&r->thread, NULL, reaper_main, r) != 0) {
        pthread_cond_destroy(&r->wake);
        pthread_mutex_destroy(&r->lock);
        free(r);
        return PDX_ENOMEM;
    }
    *out = r;
    return PDX_OK;
}

void pdx_reaper_stop(pdx_reaper *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->lock);
    r->stop = true;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->lock);
    pthread_join(r->thread, NULL);
    /* entries left are the daemon's to announce closed (pdx_reaper_untrack
     * frees them), so the daemon must be stopped before the reaper is freed */
    pthread_cond_destroy(&r->wake);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

pdx_reaper_conn *pdx_reaper_track(pdx_reaper *r, int fd)
{
    pdx_reaper_conn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL; /* this connection goes without a deadline */
    c->fd = fd;
    atomic_init(&c->since_ms, monotonic_ms());
    atomic_init(&c->idle, true);
    pthread_mutex_lock(&r->lock);
    c->next = r->head;
    if (r->head)
        r->head->prev = c;
    r->head = c;
    pthread_mutex_unlock(&r->lock);
    return c;
}

void pdx_reaper_untrack(pdx_reaper *r, pdx_reaper_conn *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&r->lock);
    if (c->prev)
        c->prev->next = c->next;
    else
        r->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    pthread_mutex_unlock(&r->lock);
    free(c);
}

void pdx_reaper_restart(pdx_reaper_conn *c)
{
    if (c) {
        atomic_store(&c->since_ms, monotonic_ms());
        atomic_store(&c->idle, true);
    }
}

void pdx_reaper_begin(pdx_reaper_conn *c)
{
    if (c) {
        atomic_store(&c->since_ms, monotonic_ms());
        atomic_store(&c->idle, false);
    }
}

unsigned pdx_reaper_drain_idle(pdx_reaper *r, long long within_ms)
{
    unsigned n = 0;
    long long soon = monotonic_ms() - r->deadline_ms + within_ms;
    pthread_mutex_lock(&r->lock);
    for (pdx_reaper_conn *c = r->head; c; c = c->next) {
        if (c->reaped || !atomic_load(&c->idle) || atomic_load(&c->since_ms) <= soon)
            continue;
        atomic_store(&c->since_ms, soon);
        n++;
    }
    pthread_mutex_unlock(&r->lock);
    return n;
}

void pdx_reaper_hurry(const pdx_reaper *r, pdx_reaper_conn *c, long long within_ms)
{
    if (r && c && within_ms < r->deadline_ms)
        atomic_store(&c->since_ms, monotonic_ms() - r->deadline_ms + within_ms);
}

unsigned long long pdx_reaper_count(const pdx_reaper *r)
{
    return atomic_load(&r->reaped);
}
