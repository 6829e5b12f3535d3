/*
 * paperdex-index --watch (see watch.h for the behaviour). Named *_cli.c:
 * program code, kept out of libpaperdex (it logs, and uses the JSON helpers).
 *
 * Watches are kept in a small table, one entry per watched directory:
 * its inotify descriptor, its real path (to recognise the index's own
 * directory and to compare a directory reached twice), and whether every
 * name in it counts (a watched tree) or only the names of file PATHs in
 * it. A directory reached twice (a symlink, the same folder given twice)
 * gets the same descriptor back from inotify, so the walk stops there:
 * loops end. The table is refreshed from the PATHs before every update,
 * which also catches directories created before their parent's watch
 * reported them.
 */
#define _GNU_SOURCE /* realpath, strdup with -std=c11 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli_opt.h"
#include "common.h"
#include "json.h"
#include "watch.h"

/* Directory levels a watched tree may have (deeper ones are not watched:
 * the walk must end on any tree). */
#define WATCH_MAX_DEPTH 64
/* How long one poll waits when nothing is pending: a stop is noticed
 * within this even if its signal came just before the poll. */
#define WATCH_IDLE_POLL_MS 250
/* What a watched directory reports: every way a digest can appear, change
 * or go, and the directory itself going. */
#define WATCH_EVENTS                                                                      \
    (IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO |   \
     IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)

/* One watched directory. */
typedef struct watch_dir {
    int wd;        /* inotify watch descriptor */
    char *path;    /* real path (owned) */
    bool whole;    /* every name counts (a tree), not only file PATHs' names */
    char **names;  /* base names of the file PATHs in it (owned) */
    size_t n_names; /* entries in names */
    bool seen;     /* reached by the current refresh (stale entries are dropped) */
} watch_dir;

/* The loop's state. */
typedef struct watch_state {
    const pdx_watch_opts *o; /* the caller's options */
    int fd;                  /* the inotify instance */
    watch_dir *dirs;         /* watched directories */
    size_t n_dirs;           /* entries in dirs */
    size_t cap_dirs;         /* entries allocated */
    char *index_dir;         /* real path of INDEX's directory (owned) */
    char *index_base;        /* INDEX's base name (owned) */
    bool pending;            /* a change came in since the last update */
    double first, last;      /* when the first and the last pending event came (s) */
    bool warned_limit;       /* the inotify watch limit was reported once */
} watch_state;

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Writes "YYYY-MM-DD HH:MM:SS" (UTC) of now into buf. */
static void wall_clock(char *buf, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%d %H:%M:%SZ", &tm);
}

/* Logs one line: "<time> <text>", or {"time":..., "message":...} with
 * --json. */
static void log_line(const watch_state *s, const char *text)
{
    char when[32];
    wall_clock(when, sizeof when);
    if (!s->o->json) { /* paths in text may hold control characters */
        pdx_cli_fprintf(s->o->log, "%s %s\n", when, text);
        return;
    }
    pdx_buf b = {0};
    pdx_buf_append(&b, "{\"time\":", 8);
    pdx_json_str(&b, when, strlen(when));
    pdx_buf_append(&b, ",\"message\":", 11);
    pdx_json_str(&b, text, strlen(text));
    pdx_buf_putc(&b, '}');
    if (!b.err) {
        fprintf(s->o->log, "%.*s\n", (int)b.len, (const char *)b.data);
        fflush(s->o->log);
    }
    pdx_buf_free(&b);
}

/* ---- the watch table ---- */

static watch_dir *dir_by_wd(watch_state *s, int wd)
{
    for (size_t i = 0; i < s->n_dirs; i++)
        if (s->dirs[i].wd == wd)
            return &s->dirs[i];
    return NULL;
}

static void dir_free(watch_dir *d)
{
    free(d->path);
    for (size_t i = 0; i < d->n_names; i++)
        free(d->names[i]);
    free(d->names);
}

/* Watches directory path (its real path real, malloc'd and owned by the
 * callee from here on; NULL when the caller could not resolve it) and
 * returns its entry, new or known; NULL when it cannot be resolved or
 * watched (reported once for the watch limit) or out of memory. *fresh
 * says whether this refresh had not reached it yet. */
static watch_dir *watch_add(watch_state *s, char *real, bool *fresh)
{
    *fresh = false;
    if (!real)
        return NULL;
    int wd = inotify_add_watch(s->fd, real, WATCH_EVENTS);
    if (wd < 0) {
        if (errno == ENOSPC && !s->warned_limit) {
            char msg[PATH_MAX + 160];
            snprintf(msg, sizeof msg,
                     "cannot watch %s: inotify watch limit reached "
                     "(raise fs.inotify.max_user_watches); changes there are missed",
                     real);
            log_line(s, msg);
            s->warned_limit = true;
        }
        free(real);
        return NULL;
    }
    watch_dir *d = dir_by_wd(s, wd);
    if (d) {
        /* the same directory at another path: it was moved (a rename
         * inside the tree keeps its watch); the walk below it and the
         * index's own names go by where it is now */
        if (strcmp(d->path, real) != 0) {
            free(d->path);
            d->path = real;
        } else {
            free(real);
        }
        *fresh = !d->seen;
        d->seen = true;
        return d;
    }
    if (s->n_dirs == s->cap_dirs) {
        size_t cap = s->cap_dirs ? s->cap_dirs * 2 : 16;
        watch_dir *nd = realloc(s->dirs, cap * sizeof *nd);
        if (!nd) {
            free(real);
            return NULL;
        }
        s->dirs = nd;
        s->cap_dirs = cap;
    }
    d = &s->dirs[s->n_dirs++];
    *d = (watch_dir){.wd = wd, .path = real, .seen = true};
    *fresh = true;
    return d;
}

/* Watches the tree at dir (a real path) and every subdirectory below,
 * hidden entries skipped as the indexer's walk skips them. */
static void watch_tree(watch_state *s, const char *dir, unsigned depth)
{
    bool fresh;
    watch_dir *d = watch_add(s, realpath(dir, NULL), &fresh);
    if (!d)
        return;
    d->whole = true;
    if (!fresh || depth >= WATCH_MAX_DEPTH)
        return; /* reached already in this refresh: a loop or a second path */
    char *path = strdup(d->path); /* d moves when the table grows */
    DIR *dh = path ? opendir(path) : NULL;
    struct dirent *e;
    while (dh && (e = readdir(dh)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        size_t n = strlen(path) + strlen(e->d_name) + 2;
        char *sub = malloc(n);
        struct stat st;
        if (sub) {
            snprintf(sub, n, "%s/%s", path, e->d_name);
            if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
                watch_tree(s, sub, depth + 1);
        }
        free(sub);
    }
    if (dh)
        closedir(dh);
    free(path);
}

/* The real path of path's directory (malloc'd; NULL when it cannot be
 * resolved, errno set) and where path's base name starts. */
static char *real_dir_of(const char *path, const char **base)
{
    const char *slash = strrchr(path, '/');
    *base = slash ? slash + 1 : path;
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    char *real = dir ? realpath(dir, NULL) : NULL;
    free(dir);
    return real;
}

/* Watches the directory of file PATH for the file's own name. */
static void watch_file(watch_state *s, const char *file)
{
    const char *base;
    bool fresh;
    watch_dir *d = watch_add(s, real_dir_of(file, &base), &fresh);
    if (!d)
        return;
    for (size_t i = 0; i < d->n_names; i++)
        if (!strcmp(d->names[i], base))
            return;
    char **nn = realloc(d->names, (d->n_names + 1) * sizeof *nn);
    if (!nn)
        return;
    d->names = nn;
    if ((d->names[d->n_names] = strdup(base)) != NULL)
        d->n_names++;
}

/* Brings the table in line with the PATHs as they are now: new
 * directories watched, directories gone forgotten. */
static void watch_refresh(watch_state *s)
{
    for (size_t i = 0; i < s->n_dirs; i++)
        s->dirs[i].seen = false;
    for (size_t i = 0; i < s->o->n_paths; i++) {
        struct stat st;
        const char *p = s->o->paths[i];
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
            watch_tree(s, p, 0);
        else
            watch_file(s, p); /* a file, or a PATH not there (yet): its directory */
    }
    size_t k = 0;
    for (size_t i = 0; i < s->n_dirs; i++) {
        if (s->dirs[i].seen) {
            s->dirs[k++] = s->dirs[i];
            continue;
        }
        inotify_rm_watch(s->fd, s->dirs[i].wd); /* may be gone already: no matter */
        dir_free(&s->dirs[i]);
    }
    s->n_dirs = k;
}

/* ---- events ---- */

/* True when name, in directory d, is one of the index's own files:
 * INDEX itself or a name starting with INDEX's base name and a dot. */
static bool is_index_file(const watch_state *s, const watch_dir *d, const char *name)
{
    if (strcmp(d->path, s->index_dir) != 0)
        return false;
    size_t n = strlen(s->index_base);
    return strncmp(name, s->index_base, n) == 0 && (name[n] == '\0' || name[n] == '.');
}

/* True when an event about name in d may change what the index holds. */
static bool event_counts(const watch_state *s, const watch_dir *d, const struct inotify_event *e)
{
    if (e->mask & (IN_DELETE_SELF | IN_MOVE_SELF))
        return true; /* a watched directory went: its papers go too */
    if (!e->len || e->name[0] == '\0')
        return d->whole;
    if (e->name[0] == '.' || is_index_file(s, d, e->name))
        return false;
    if (d->whole)
        return true;
    for (size_t i = 0; i < d->n_names; i++)
        if (!strcmp(d->names[i], e->name))
            return true;
    return false;
}

/* Drops the entry of a watch the kernel removed. */
static void forget_wd(watch_state *s, int wd)
{
    watch_dir *d = dir_by_wd(s, wd);
    if (!d)
        return;
    dir_free(d);
    *d = s->dirs[--s->n_dirs];
}

/* Reads every queued event; marks a change pending when one counts and
 * watches new subdirectories of watched trees at once. */
static void read_events(watch_state *s)
{
    _Alignas(struct inotify_event) char buf[16384];
    for (;;) {
        ssize_t n = read(s->fd, buf, sizeof buf);
        if (n <= 0)
            return; /* EAGAIN: drained (the descriptor is non-blocking) */
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *e = (const struct inotify_event *)(void *)p;
            p += sizeof *e + e->len;
            bool counts = false;
            if (e->mask & IN_Q_OVERFLOW) {
                counts = true; /* events were lost: look at everything */
            } else if (e->mask & IN_IGNORED) {
                forget_wd(s, e->wd); /* its directory went (or was unwatched) */
            } else {
                watch_dir *d = dir_by_wd(s, e->wd);
                counts = d && event_counts(s, d, e);
                if (counts && d->whole && (e->mask & IN_ISDIR) &&
                    (e->mask & (IN_CREATE | IN_MOVED_TO))) {
                    size_t len = strlen(d->path) + strlen(e->name) + 2;
                    char *sub = malloc(len);
                    if (sub) {
                        snprintf(sub, len, "%s/%s", d->path, e->name);
                        watch_tree(s, sub, 0);
                        free(sub);
                    }
                }
            }
            if (counts) {
                double t = mono_now();
                if (!s->pending)
                    s->first = t;
                s->pending = true;
                s->last = t;
            }
        }
    }
}

/* ---- updates ---- */

/* Logs what one update did. */
static void log_update(const watch_state *s, const pdx_update_stats *st, int rc,
                       const char *err, double ms)
{
    char line[1200];
    if (s->o->errors_only && !rc)
        return;
    if (s->o->json) {
        pdx_buf b = {0};
        char when[32];
        wall_clock(when, sizeof when);
        pdx_buf_append(&b, "{\"time\":", 8);
        pdx_json_str(&b, when, strlen(when));
        if (rc) {
            pdx_buf_append(&b, ",\"ok\":false,\"error\":", 20);
            pdx_json_str(&b, err, strlen(err));
            snprintf(line, sizeof line, ",\"ms\":%.1f}", ms);
        } else {
            snprintf(line, sizeof line,
                     ",\"ok\":true,\"full_build\":%s,\"files_unchanged\":%" PRIu64
                     ",\"files_added\":%" PRIu64 ",\"files_changed\":%" PRIu64
                     ",\"files_removed\":%" PRIu64 ",\"files_reparsed\":%" PRIu64
                     ",\"papers_added\":%" PRIu64
                     ",\"papers_deleted\":%" PRIu64 ",\"duplicates\":%" PRIu64
                     ",\"segments\":%u,\"merges\":%u,\"ms\":%.1f}",
                     st->full_build ? "true" : "false", st->files_unchanged, st->files_added,
                     st->files_changed, st->files_removed, st->files_reparsed, st->papers_added,
                     st->papers_deleted, st->duplicates, st->segments, st->merges, ms);
        }
        pdx_buf_append(&b, line, strlen(line));
        if (!b.err) {
            fprintf(s->o->log, "%.*s\n", (int)b.len, (const char *)b.data);
            fflush(s->o->log);
        }
        pdx_buf_free(&b);
        return;
    }
    if (rc)
        snprintf(line, sizeof line, "update failed (%.0f ms): %s; index not changed", ms, err);
    else
        snprintf(line, sizeof line,
                 "%s: files %" PRIu64 " added, %" PRIu64 " changed, %" PRIu64
                 " removed, %" PRIu64 " unchanged; papers %" PRIu64 " added, %" PRIu64
                 " deleted; %u segment%s (%u merged); %.0f ms",
                 st->full_build ? "built" : "updated", st->files_added, st->files_changed,
                 st->files_removed, st->files_unchanged, st->papers_added, st->papers_deleted,
                 st->segments, st->segments == 1 ? "" : "s", st->merges, ms);
    log_line(s, line);
}

/* Runs one update and logs it; returns its code. */
static int run_update(watch_state *s, char *err, size_t err_size)
{
    pdx_update_stats st = {0};
    err[0] = '\0';
    double t0 = mono_now();
    int rc = pdx_index_update(s->o->index_path, s->o->paths, s->o->n_paths, s->o->update,
                              s->o->cb, &st, err, err_size);
    if (rc == PDX_ESTOP && *s->o->stop)
        return rc; /* a stop cancelled it: the caller says so */
    if (rc && !err[0])
        snprintf(err, err_size, "%s", pdx_strerror(rc));
    log_update(s, &st, rc, err, (mono_now() - t0) * 1e3);
    return rc;
}

/* Milliseconds poll may wait: until the pending update is due, or idle. */
static int poll_timeout(const watch_state *s)
{
    if (!s->pending)
        return WATCH_IDLE_POLL_MS;
    unsigned quiet = s->o->quiet_ms ? s->o->quiet_ms : PDX_WATCH_QUIET_MS;
    unsigned cap = s->o->max_delay_ms ? s->o->max_delay_ms : PDX_WATCH_MAX_DELAY_MS;
    double due = PDX_MIN(s->last + quiet / 1e3, s->first + cap / 1e3);
    double wait = (due - mono_now()) * 1e3;
    return wait <= 0 ? 0 : wait > WATCH_IDLE_POLL_MS ? WATCH_IDLE_POLL_MS : (int)wait + 1;
}

/* Sets up the state; returns a pdx error with a message in err. */
static int watch_init(watch_state *s, const pdx_watch_opts *o, char *err, size_t n)
{
    *s = (watch_state){.o = o, .fd = -1};
    /* where the writer puts its files: beside INDEX, or beside the target
     * of a symlink at INDEX (it replaces the target) */
    char *target = realpath(o->index_path, NULL);
    const char *base;
    s->index_dir = real_dir_of(target ? target : o->index_path, &base);
    int saved = errno;
    s->index_base = strdup(base);
    free(target);
    if (!s->index_dir) {
        snprintf(err, n, "%s: cannot resolve the index's directory: %s", o->index_path,
                 strerror(saved));
        return PDX_EIO;
    }
    if (!s->index_base)
        return PDX_ENOMEM;
    s->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (s->fd < 0) {
        snprintf(err, n, "inotify unavailable: %s", strerror(errno));
        return PDX_EIO;
    }
    watch_refresh(s);
    if (s->n_dirs == 0) {
        snprintf(err, n, "none of the paths can be watched");
        return PDX_EIO;
    }
    return PDX_OK;
}

static void watch_free(watch_state *s)
{
    for (size_t i = 0; i < s->n_dirs; i++)
        dir_free(&s->dirs[i]);
    free(s->dirs);
    if (s->fd >= 0)
        close(s->fd);
    free(s->index_dir);
    free(s->index_base);
}

int pdx_watch_run(const pdx_watch_opts *o, char *errbuf, size_t errbuf_size)
{
    if (!o || !o->index_path || !o->paths || !o->n_paths || !o->stop || !o->log ||
        !errbuf || !errbuf_size)
        return PDX_EINVAL;
    errbuf[0] = '\0';
    watch_state s;
    int rc = watch_init(&s, o, errbuf, errbuf_size);
    char err[PDX_MSG_MAX];
    if (rc == PDX_OK && !*o->stop) {
        /* watches first, then the update: a change during it is not lost */
        int first = run_update(&s, err, sizeof err);
        if (first == PDX_ENOTINDEX || first == PDX_EVERSION) {
            snprintf(errbuf, errbuf_size, "%s", err);
            rc = first;
        }
    }
    while (rc == PDX_OK && !*o->stop) {
        struct pollfd pfd = {.fd = s.fd, .events = POLLIN};
        int ready = poll(&pfd, 1, poll_timeout(&s));
        if (*o->stop)
            break;
        if (ready > 0)
            read_events(&s);
        if (s.pending && poll_timeout(&s) == 0) {
            s.pending = false;
            watch_refresh(&s);
            run_update(&s, err, sizeof err);
        }
    }
    if (rc == PDX_OK && !o->errors_only)
        log_line(&s, "stopped");
    watch_free(&s);
    return rc;
}
