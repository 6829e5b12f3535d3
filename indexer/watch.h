/*
 * paperdex-index --watch: keeps an index up to date with folders of
 * digests as they change (issue 12). Program-only (indexer/watch_cli.c is
 * built into paperdex-index, not libpaperdex): it owns a loop, a log and
 * Linux's inotify, none of which a library user wants forced on them.
 *
 * The loop: one pdx_index_update at the start (it builds INDEX when there
 * is none), then inotify on every PATH -- a directory with all its
 * subdirectories, new ones as they appear; a file through its directory,
 * only its own name counting -- and one more pdx_index_update once the
 * events have been quiet for quiet_ms (or max_delay_ms after the first
 * of a steady stream), so a file being written in several steps is read
 * once. Events on hidden names (editor swap files) and on the index's own
 * files (INDEX, INDEX.<seq>.seg, INDEX.lock, INDEX.tmp.*) do not count:
 * otherwise every update would trigger the next. One log line per update.
 */
#ifndef PDX_WATCH_H
#define PDX_WATCH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "paperdex/paperdex.h"

/* Quiet time after the last event before an update runs, in ms. */
#define PDX_WATCH_QUIET_MS 300
/* An update runs at the latest this long after the first pending event. */
#define PDX_WATCH_MAX_DELAY_MS 1500

typedef struct pdx_watch_opts {
    const char *index_path;      /* INDEX (the manifest) */
    const char *const *paths;    /* the PATHs indexed and watched */
    size_t n_paths;              /* >= 1 */
    /* Options for every update. Its writer.cancel should be stop: a
     * signal then also cancels an update under way (the index stays as
     * it was, its temporary files are removed). */
    const pdx_update_opts *update;
    const pdx_parse_cb *cb;      /* the parser's reports for every update; may be NULL */
    /* The loop ends (returning 0) soon after *stop becomes non-zero (a
     * SIGINT/SIGTERM handler sets it): within ~250 ms when idle. */
    const volatile sig_atomic_t *stop;
    FILE *log;                   /* one line per update, flushed; errors too */
    bool json;                   /* log lines as JSON objects instead of text */
    bool errors_only;            /* --quiet: log failed updates only */
    unsigned quiet_ms;           /* 0: PDX_WATCH_QUIET_MS */
    unsigned max_delay_ms;       /* 0: PDX_WATCH_MAX_DELAY_MS */
} pdx_watch_opts;

/* Runs the watch until *o->stop. An update that fails is logged (with its
 * message; the index stays as it was) and the watch goes on: the next
 * change tries again. Returns 0 after a stop; PDX_EINVAL (bad options),
 * PDX_EIO (inotify unavailable, no PATH could be watched),
 * PDX_ENOTINDEX or PDX_EVERSION (the first update found at INDEX
 * something it will not update: retrying cannot help) or PDX_ENOMEM,
 * with a message in errbuf. */
int pdx_watch_run(const pdx_watch_opts *o, char *errbuf, size_t errbuf_size);

#endif
