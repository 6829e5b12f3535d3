/*
 * paperdex-serve's internal header: the served index (serve_index.c), the
 * HTTP API (serve_api.c) and the page compiled into the program
 * (page.html, turned into a C array by embed.cmake). serve_main.c holds
 * main: arguments, the libmicrohttpd daemon, signals.
 */
#ifndef PDX_SERVE_H
#define PDX_SERVE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "common.h"
#include "paperdex/paperdex.h"
#include "paperdex/search.h"

#define PROG "paperdex-serve: "

/* ---- serve_index.c: the index being served, replaced when its file is ---- */

/* One index as opened, with the searchers requests borrow on it. A request
 * holds a reference from before its search until its response is built,
 * so a replacement never closes a mapping a request is reading: the
 * snapshot is freed when its last reference is dropped. It is the unit of
 * replacement: when the index becomes segments + a manifest (issue 12), a
 * snapshot will hold the segments one manifest names, swapped as a whole. */
typedef struct pdx_snapshot {
    atomic_uint refs;        /* the server's own reference, plus one per request */
    pdx_index *ix;           /* the open index (owned) */
    struct stat file;        /* identity of the file it was opened from */
    uint64_t generation;     /* 1 for the first index, +1 per replacement */
    int64_t opened_at;       /* unix seconds */
    pthread_mutex_t lock;    /* guards the idle searchers */
    pdx_searcher **idle;     /* searchers on ix no request is using (owned) */
    size_t n_idle;           /* entries of idle in use */
    size_t cap_idle;         /* entries allocated */
} pdx_snapshot;

/* The path being served and its current snapshot. */
typedef struct pdx_served {
    const char *path;           /* index file (not owned) */
    pthread_mutex_t lock;       /* guards current against a concurrent swap */
    pdx_snapshot *current;      /* what new requests use; never NULL once open */
    atomic_llong last_check_ms; /* monotonic ms of the last look at the file */
    struct stat failed;         /* identity that failed to open (not retried) */
    bool have_failed;           /* failed is set; guarded by lock */
    atomic_ullong replacements; /* snapshots swapped in after the first */
} pdx_served;

/* Opens path as the first snapshot. Returns PDX_OK or the error of
 * pdx_index_open with its message in errbuf. */
int pdx_served_open(pdx_served *sv, const char *path, char *errbuf, size_t errbuf_size);
/* Drops the server's reference (requests in flight keep theirs). */
void pdx_served_close(pdx_served *sv);
/* Looks at the file at most every PDX_SERVE_CHECK_MS: when it is another
 * file (device, inode, size or mtime differ), opens it and swaps it in. A
 * file that cannot be opened is reported once and the old index kept. */
void pdx_served_refresh(pdx_served *sv);
#define PDX_SERVE_CHECK_MS 200

/* A reference to the current snapshot; give it back with pdx_snapshot_release. */
pdx_snapshot *pdx_served_acquire(pdx_served *sv);
void pdx_snapshot_release(pdx_snapshot *snap);
/* A searcher on snap's index for one request (NULL: out of memory); give it
 * back with pdx_snapshot_put_searcher before releasing snap. */
pdx_searcher *pdx_snapshot_get_searcher(pdx_snapshot *snap);
void pdx_snapshot_put_searcher(pdx_snapshot *snap, pdx_searcher *s);

/* ---- serve_reaper.c: a deadline per request ---- */

/* Closes connections whose request is not received and answered within a
 * deadline of the connection opening or of its previous reply. */
typedef struct pdx_reaper pdx_reaper;
typedef struct pdx_reaper_conn pdx_reaper_conn;
/* Starts the reaper's thread. Returns PDX_OK or PDX_ENOMEM. */
int pdx_reaper_start(pdx_reaper **out, unsigned deadline_s);
/* Stops and frees it: after the daemon is stopped (every connection gone). */
void pdx_reaper_stop(pdx_reaper *r);
/* A connection opened on socket fd (NULL when out of memory: no deadline). */
pdx_reaper_conn *pdx_reaper_track(pdx_reaper *r, int fd);
/* The connection is closed, before its socket is: forget and free c. */
void pdx_reaper_untrack(pdx_reaper *r, pdx_reaper_conn *c);
/* A reply was sent: the next request's deadline starts now, and the
 * connection is idle until its request line comes. */
void pdx_reaper_restart(pdx_reaper_conn *c);
/* A request line came: its deadline starts now; the connection is busy. */
void pdx_reaper_begin(pdx_reaper_conn *c);
/* Every idle connection (open, or between requests, with no request line
 * yet) is closed within_ms from now unless a request line comes first:
 * the server is full and clients wait to be accepted. Returns how many
 * were hurried. */
unsigned pdx_reaper_drain_idle(pdx_reaper *r, long long within_ms);
/* The current request's deadline comes within_ms from now (sooner than
 * r's deadline): a request libmicrohttpd may fail to answer. */
void pdx_reaper_hurry(const pdx_reaper *r, pdx_reaper_conn *c, long long within_ms);
/* Connections shut down for missing their deadline so far. */
unsigned long long pdx_reaper_count(const pdx_reaper *r);

/* ---- serve_api.c: requests to responses ---- */

/* What a handler answers: a status, a content type and a body (owned). */
typedef struct pdx_reply {
    unsigned status;          /* HTTP status */
    const char *type;         /* Content-Type (static) */
    pdx_buf body;             /* the body; a static page uses page instead */
    const unsigned char *page; /* a static body (not owned), or NULL */
    size_t page_len;          /* bytes of page */
} pdx_reply;

/* Reads a request's query-string parameter (decoded; NULL when absent). */
typedef bool (*pdx_param_fn)(void *payload, const char *name, const char **value,
                             size_t *len);

/* Answers GET url (path without the query string) into *out, reading
 * parameters through param. */
/* The path of a request target in absolute form ("http://host/api/stats",
 * which HTTP/1.1 servers must accept, RFC 9112 3.2.2): what follows the
 * authority, "/" when nothing does; any other target as it is. */
const char *pdx_serve_origin_path(const char *url);

void pdx_serve_route(pdx_served *sv, const char *url, pdx_param_fn param, void *payload,
                     pdx_reply *out);
/* A JSON error: {"status":N,"error":MESSAGE}. */
void pdx_reply_error(pdx_reply *out, unsigned status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Longest URL the API answers (414 past it) and the largest page size. */
#define PDX_SERVE_MAX_URL (96 * 1024)
#define PDX_SERVE_MAX_N 100
/* Most query-string parameters answered (400 past it). Far more than any
 * request of the API needs, and under what libmicrohttpd's connection
 * memory holds (about 3,800: past it, libmicrohttpd 0.9.75 logs a 431 it
 * cannot send, and such a request's deadline is brought to a second from
 * its start, so the client is not kept waiting until --timeout). */
#define PDX_SERVE_MAX_PARAMS 1000

/* ---- the page (generated from page.html) ---- */
extern const unsigned char pdx_page_html[];
extern const size_t pdx_page_html_len;

#endif
