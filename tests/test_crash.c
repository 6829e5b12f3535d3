/*
 * Crash safety and concurrency of index replacement (indexer/writer.c's
 * temp file + fsync + rename, common/segment.c's mmap reader):
 *
 *  - paperdex-index is killed with SIGKILL at many moments while it
 *    replaces an existing index; afterwards the index at the target path is
 *    whole (the old one, or the new one if the rename was done), opens,
 *    passes the full check and answers exactly as that index did; the next
 *    successful run leaves no temporary file behind.
 *  - SIGINT or SIGTERM in the middle of a build leaves no temporary file,
 *    the old index as it was, and the program dead by that signal.
 *  - A file-size limit (RLIMIT_FSIZE) and a full file system (a 1 MiB
 *    tmpfs, when this process may mount one) make the run fail with a
 *    message and exit status 1, and leave the old index as it was.
 *  - A search open on the old index while it is replaced, in this process
 *    or in another, keeps answering from the old one; the next open sees
 *    the new one; readers opening in a loop during repeated replacements
 *    never see a missing or partial file.
 *
 * Digests are synthetic (tests/fuzz/fuzz_fixture.h): A has 40 papers, B
 * enough (12,000, ~5.5 MB) that a run takes long enough to be killed in
 * the middle, with --mem-mb 1 so it also spills sorted runs to disk.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixtures.h"
#include "fuzz/fuzz_fixture.h"
#include "manifest.h"
#include "paperdex/search.h"

#define B_PAPERS 12000

typedef struct state {
    char *dir;
    char *a_dir, *b_dir; /* input directories */
    char *idx;           /* the index being replaced */
    char *ans_a, *ans_b; /* answers of index A and index B */
    double t_b;          /* seconds a full run on B takes */
} state;

static const char *const queries[] = {
    "model", "모델 학습", "\"sparse attention\"", "diffusion OR robot -video",
    "title:graph", "id:2406.10003", "votes:>=100 추론",
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- answers: what an index says to the queries, as one string ---- */

static void cat(char **s, size_t *len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void cat(char **s, size_t *len, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < sizeof tmp);
    *s = realloc(*s, *len + (size_t)n + 1);
    assert_non_null(*s);
    memcpy(*s + *len, tmp, (size_t)n + 1);
    *len += (size_t)n;
}

/* Answers of an open index; NULL (with the reason in err) on any error. */
static char *answers_of(pdx_index *ix, char *err, size_t errlen)
{
    pdx_searcher *s;
    if (pdx_searcher_new(&s, ix)) {
        snprintf(err, errlen, "searcher: out of memory");
        return NULL;
    }
    char *out = NULL;
    size_t len = 0;
    pdx_index_info info;
    pdx_index_info_get(ix, &info);
    cat(&out, &len, "docs=%u terms=%u\n", info.docs, info.terms);
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        pdx_query *q;
        pdx_results r;
        int rc = pdx_query_parse(&q, s, queries[i], strlen(queries[i]));
        if (!rc) {
            pdx_search_opts o;
            pdx_search_opts_default(&o);
            o.limit = 8;
            rc = pdx_search(s, q, &o, &r);
            pdx_query_free(q);
        }
        if (rc) {
            snprintf(err, errlen, "query '%s': %s", queries[i], pdx_searcher_errmsg(s));
            free(out);
            pdx_searcher_free(s);
            return NULL;
        }
        cat(&out, &len, "%s: %llu:", queries[i], (unsigned long long)r.total);
        for (size_t k = 0; k < r.n; k++) {
            pdx_hit_info h;
            if (pdx_hit_get(s, r.hits[k].doc, &h)) {
                snprintf(err, errlen, "hit: %s", pdx_searcher_errmsg(s));
                free(out);
                pdx_results_clear(&r);
                pdx_searcher_free(s);
                return NULL;
            }
            cat(&out, &len, " %.*s/%.4f", (int)h.id_len, h.id, r.hits[k].score);
        }
        cat(&out, &len, "\n");
        pdx_results_clear(&r);
    }
    pdx_searcher_free(s);
    return out;
}

/* Opens, fully checks and queries path. Fails the test on any error. */
static char *answers(const char *path, const char *when)
{
    pdx_index *ix;
    char err[600];
    if (pdx_index_open(&ix, path, err, sizeof err))
        fail_msg("%s: cannot open the index: %s", when, err);
    if (pdx_index_check(ix))
        fail_msg("%s: the index fails the check: %s", when, pdx_index_errmsg(ix));
    char *a = answers_of(ix, err, sizeof err);
    if (!a)
        fail_msg("%s: %s", when, err);
    pdx_index_close(ix);
    return a;
}

/* ---- running paperdex-index ---- */

typedef struct limits {
    long fsize;       /* RLIMIT_FSIZE in bytes, or -1 */
    bool ignore_xfsz; /* start with SIGXFSZ ignored (as `trap '' XFSZ` would) */
} limits;

static int wait_status(pid_t pid)
{
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}

/* Starts paperdex-index -q --mem-mb 1 -o idx input. With errfd, its
 * stderr is a pipe whose read end is stored there (a pipe, not a file: a
 * file would itself be cut by the file-size limit). */
static pid_t start_index(const char *idx, const char *input, const limits *lim, int *errfd)
{
    char prog[4096];
    snprintf(prog, sizeof prog, "%s/paperdex-index", PDX_BIN_DIR);
    int p[2] = {-1, -1};
    if (errfd)
        assert_int_equal(pipe(p), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (errfd) {
            close(p[0]);
            dup2(p[1], 2);
            close(p[1]);
        }
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0)
            dup2(devnull, 1);
        if (lim && lim->fsize >= 0) {
            struct rlimit rl = {(rlim_t)lim->fsize, (rlim_t)lim->fsize};
            setrlimit(RLIMIT_FSIZE, &rl);
        }
        signal(SIGXFSZ, lim && lim->ignore_xfsz ? SIG_IGN : SIG_DFL);
        execl(prog, prog, "-q", "--mem-mb", "1", "-o", idx, input, (char *)NULL);
        _exit(127);
    }
    if (errfd) {
        close(p[1]);
        *errfd = p[0];
    }
    return pid;
}

/* Runs paperdex-index to the end; returns its wait status and stderr. */
static int run_index(const char *idx, const char *input, const limits *lim, char **err)
{
    int fd;
    pid_t pid = start_index(idx, input, lim, &fd);
    char *buf = NULL;
    size_t len = 0;
    char chunk[4096];
    ssize_t k;
    while ((k = read(fd, chunk, sizeof chunk)) > 0) {
        buf = realloc(buf, len + (size_t)k + 1);
        assert_non_null(buf);
        memcpy(buf + len, chunk, (size_t)k);
        len += (size_t)k;
    }
    close(fd);
    if (!buf)
        buf = calloc(1, 1);
    buf[len] = 0;
    *err = buf;
    return wait_status(pid);
}

static void run_index_ok(const char *idx, const char *input)
{
    int st = wait_status(start_index(idx, input, NULL, NULL));
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("paperdex-index -o %s %s failed (status %d)", idx, input, st);
}

/* Whether name is one of the files of index `keep` in dir: its manifest,
 * its writer lock "<keep>.lock", or a segment its manifest names. */
static bool index_file(const char *dir, const char *keep, const char *name)
{
    size_t kl = strlen(keep);
    if (!strcmp(name, keep) || (!strncmp(name, keep, kl) && !strcmp(name + kl, ".lock")))
        return true;
    char *idx = fx_path(dir, keep);
    size_t len;
    char *bytes = fx_read(idx, &len);
    pdx_manifest m;
    bool named = false;
    if (bytes && pdx_manifest_decode(&m, (const uint8_t *)bytes, len, NULL, 0) == PDX_OK) {
        for (uint32_t i = 0; i < m.n_segs && !named; i++) {
            char *seg = pdx_segment_path(keep, m.segs[i].seq);
            named = !strcmp(seg, name);
            free(seg);
        }
        pdx_manifest_free(&m);
    }
    free(bytes);
    free(idx);
    return named;
}

/* Names in dir other than the files of index `keep` (a space-separated
 * list, or ""). */
static char *leftovers(const char *dir, const char *keep)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    char *out = NULL;
    size_t len = 0;
    cat(&out, &len, "%s", "");
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
            index_file(dir, keep, e->d_name))
            continue;
        cat(&out, &len, "%s ", e->d_name);
    }
    closedir(d);
    return out;
}

/* ---- fixture ---- */

static int setup(void **st)
{
    state *s = calloc(1, sizeof *s);
    assert_non_null(s);
    s->dir = fx_tmpdir();
    s->a_dir = fx_path(s->dir, "in-a");
    s->b_dir = fx_path(s->dir, "in-b");
    char *idx_dir = fx_path(s->dir, "out");
    assert_int_equal(mkdir(idx_dir, 0755), 0);
    s->idx = fx_path(idx_dir, "papers.idx");
    free(idx_dir);
    size_t len;
    char *text = fz_digest(40, &len);
    char *p = fx_path(s->a_dir, "2024-06.md");
    fx_write(p, text, len);
    free(p);
    free(text);
    text = fz_digest(B_PAPERS, &len);
    p = fx_path(s->b_dir, "big.md");
    fx_write(p, text, len);
    free(p);
    free(text);

    char *tmp = fx_path(s->dir, "b-only.idx");
    double t0 = now();
    run_index_ok(tmp, s->b_dir);
    s->t_b = now() - t0;
    s->ans_b = answers(tmp, "index B");
    unlink(tmp);
    free(tmp);
    run_index_ok(s->idx, s->a_dir);
    s->ans_a = answers(s->idx, "index A");
    assert_string_not_equal(s->ans_a, s->ans_b);
    *st = s;
    return 0;
}

static int teardown(void **st)
{
    state *s = *st;
    free(s->a_dir);
    free(s->b_dir);
    free(s->idx);
    free(s->ans_a);
    free(s->ans_b);
    fx_rmtree(s->dir);
    free(s);
    return 0;
}

/* Puts index A back at s->idx (if B replaced it). */
static void restore_a(state *s)
{
    run_index_ok(s->idx, s->a_dir);
    char *a = answers(s->idx, "restored index A");
    assert_string_equal(a, s->ans_a);
    free(a);
}

/* ---- SIGKILL at many moments ---- */

static void crash_sigkill_during_replace(void **st)
{
    state *s = *st;
    char *out_dir = strdup(s->idx);
    assert_non_null(out_dir);
    *strrchr(out_dir, '/') = 0;
    const int moments = 24;
    int old_seen = 0, new_seen = 0;
    print_message("a full run on B takes %.3f s; killing at %d moments across it\n", s->t_b,
                  moments);
    for (int k = 0; k < moments; k++) {
        /* Spread over the whole run, a little past its measured end, with
         * the last third of the moments packed near the end, where the
         * final file is written and renamed. */
        double frac = k < moments * 2 / 3 ? (double)k / (moments * 2 / 3)
                                          : 0.85 + 0.3 * (k - moments * 2 / 3) / (moments / 3);
        double delay = s->t_b * frac;
        pid_t pid = start_index(s->idx, s->b_dir, NULL, NULL);
        struct timespec ts = {(time_t)delay, (long)((delay - (time_t)delay) * 1e9)};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        int status = wait_status(pid);
        char when[128];
        snprintf(when, sizeof when, "after SIGKILL at %.3f s (moment %d)", delay, k);
        char *got = answers(s->idx, when);
        if (!strcmp(got, s->ans_a)) {
            old_seen++;
        } else if (!strcmp(got, s->ans_b)) {
            new_seen++; /* the rename was done (or the run finished) */
            restore_a(s);
        } else {
            fail_msg("%s: the index answers neither as the old nor as the new one", when);
        }
        free(got);
        (void)status;
    }
    print_message("after the kills: old index %d times, new index %d times\n", old_seen,
                  new_seen);
    assert_true(old_seen > 0);
    /* The next successful run cleans up what the killed ones left. */
    run_index_ok(s->idx, s->a_dir);
    char *left = leftovers(out_dir, "papers.idx");
    if (left[0])
        fail_msg("temporary files left after a successful run: %s", left);
    free(left);
    free(out_dir);
}


/* ---- SIGINT and SIGTERM: no temporary file left ---- */


/* A build interrupted mid-way used to leave its temporary files behind
 * (20-36 of them, gigabytes on a large input). Now they are removed, the
 * old index is intact, and the program ends by the signal it got. */
static void crash_interrupt_removes_temporaries(void **st)
{
    state *s = *st;
    char *out_dir = strdup(s->idx);
    assert_non_null(out_dir);
    *strrchr(out_dir, '/') = 0;
    const int sigs[] = {SIGINT, SIGTERM};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        pid_t pid = start_index(s->idx, s->b_dir, NULL, NULL);
        /* wait for the first spilled run: the build is under way */
        double t0 = now();
        bool running = true;
        while (!fx_has_entry(out_dir, ".run")) {
            int status;
            if (waitpid(pid, &status, WNOHANG) == pid) {
                running = false;
                break;
            }
            if (now() - t0 > 60) {
                kill(pid, SIGKILL);
                fail_msg("no sorted run appeared within 60 s");
            }
            struct timespec ts = {0, 200 * 1000};
            nanosleep(&ts, NULL);
        }
        if (!running) {
            /* finished before we saw it mid-way: nothing to interrupt */
            restore_a(s);
            print_message("the run ended before it could be interrupted; skipped\n");
            continue;
        }
        kill(pid, sigs[i]);
        int status = wait_status(pid);
        if (!WIFSIGNALED(status) || WTERMSIG(status) != sigs[i])
            fail_msg("%s: expected death by the signal, got status %#x", strsignal(sigs[i]),
                     status);
        char *left = leftovers(out_dir, "papers.idx");
        if (left[0])
            fail_msg("after %s: temporary files left: %s", strsignal(sigs[i]), left);
        free(left);
        char *got = answers(s->idx, "after an interrupted run");
        assert_string_equal(got, s->ans_a);
        free(got);
    }
    free(out_dir);
}

/* ---- disk full ---- */

static void expect_clean_failure(state *s, const char *what, int status, char *err,
                                 const char *idx, const char *ans_before)
{
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 1)
        fail_msg("%s: expected exit status 1, got %s %d; stderr: %s", what,
                 WIFSIGNALED(status) ? "signal" : "status",
                 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
                 err ? err : "");
    if (!err || !strstr(err, "not written"))
        fail_msg("%s: no 'index not written' message; stderr: %s", what, err ? err : "");
    free(err);
    char *got = answers(idx, what);
    if (strcmp(got, ans_before))
        fail_msg("%s: the old index changed", what);
    free(got);
    (void)s;
}

static void crash_file_size_limit(void **st)
{
    state *s = *st;
    char *out_dir = strdup(s->idx);
    assert_non_null(out_dir);
    *strrchr(out_dir, '/') = 0;
    struct stat sb;
    char *bidx = fx_path(s->dir, "b-size.idx");
    run_index_ok(bidx, s->b_dir);
    char *bseg = fx_index_segment(bidx, 0); /* the big file: the segment */
    assert_int_equal(stat(bseg, &sb), 0);
    unlink(bseg);
    free(bseg);
    unlink(bidx);
    free(bidx);
    /* Limits from tiny (the first temporary file fails) to just under the
     * final size (the last write of the index fails). */
    long sizes[] = {0, 4096, 1L << 16, 1L << 20, (long)sb.st_size / 2, (long)sb.st_size - 4096,
                    (long)sb.st_size - 1};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        limits lim = {sizes[i], true};
        char what[128];
        snprintf(what, sizeof what, "file-size limit %ld bytes (SIGXFSZ ignored)", sizes[i]);
        char *err;
        int status = run_index(s->idx, s->b_dir, &lim, &err);
        expect_clean_failure(s, what, status, err, s->idx, s->ans_a);
        char *left = leftovers(out_dir, "papers.idx");
        if (left[0])
            fail_msg("%s: temporary files left: %s", what, left);
        free(left);
    }
    free(out_dir);
}

/* `ulimit -f` in a shell leaves SIGXFSZ at its default, which kills the
 * process at the first write past the limit: paperdex-index must fail with
 * its own message instead (by ignoring SIGXFSZ and handling EFBIG). */
static void crash_file_size_limit_default_sigxfsz(void **st)
{
    state *s = *st;
    limits lim = {1L << 20, false};
    char *err;
    int status = run_index(s->idx, s->b_dir, &lim, &err);
    /* Whatever happens, the old index is intact. */
    char *got = answers(s->idx, "after SIGXFSZ");
    assert_string_equal(got, s->ans_a);
    free(got);
    expect_clean_failure(s, "file-size limit 1 MiB (SIGXFSZ at its default, as ulimit -f)",
                         status, err, s->idx, s->ans_a);
}

static void crash_disk_full_tmpfs(void **st)
{
    state *s = *st;
    char *mnt = fx_path(s->dir, "small-fs");
    assert_int_equal(mkdir(mnt, 0755), 0);
    if (mount("tmpfs", mnt, "tmpfs", 0, "size=1m") != 0) {
        print_message("cannot mount a small tmpfs here (%s): skipped; the file-size limit "
                      "tests cover ENOSPC-like failures\n",
                      strerror(errno));
        rmdir(mnt);
        free(mnt);
        skip();
    }
    char *idx = fx_path(mnt, "papers.idx");
    run_index_ok(idx, s->a_dir); /* A fits in 1 MiB */
    char *before = answers(idx, "index A on the small file system");
    char *err;
    int status = run_index(idx, s->b_dir, NULL, &err);
    expect_clean_failure(s, "a full file system (1 MiB tmpfs)", status, err, idx, before);
    char *left = leftovers(mnt, "papers.idx");
    if (left[0])
        fail_msg("full file system: temporary files left: %s", left);
    free(left);
    free(before);
    umount(mnt);
    rmdir(mnt);
    free(idx);
    free(mnt);
}

/* ---- searching while the index is replaced ---- */

static void crash_open_index_survives_replace_in_process(void **st)
{
    state *s = *st;
    pdx_index *ix;
    char err[600];
    assert_int_equal(pdx_index_open(&ix, s->idx, err, sizeof err), PDX_OK);
    char *before = answers_of(ix, err, sizeof err);
    assert_non_null(before);
    assert_string_equal(before, s->ans_a);
    run_index_ok(s->idx, s->b_dir);
    /* The open handle keeps the old file: same answers, stored fields. */
    char *during = answers_of(ix, err, sizeof err);
    if (!during)
        fail_msg("old handle after replace: %s", err);
    assert_string_equal(during, s->ans_a);
    assert_int_equal(pdx_index_check(ix), PDX_OK);
    /* The next open sees the new index. */
    char *next = answers(s->idx, "reopened after replace");
    assert_string_equal(next, s->ans_b);
    pdx_index_close(ix);
    free(before);
    free(during);
    free(next);
    restore_a(s);
}

static void crash_open_index_survives_replace_in_other_process(void **st)
{
    state *s = *st;
    int go[2], res[2];
    assert_int_equal(pipe(go), 0);
    assert_int_equal(pipe(res), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(go[1]);
        close(res[0]);
        pdx_index *ix;
        char err[600], c;
        int ok = pdx_index_open(&ix, s->idx, err, sizeof err) == PDX_OK;
        if (write(res[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
            _exit(2);
        char *a = ok ? answers_of(ix, err, sizeof err) : NULL;
        const char *msg = a ? a : err;
        size_t n = strlen(msg);
        _exit(write(res[1], msg, n) == (ssize_t)n && a ? 0 : 1);
    }
    close(go[0]);
    close(res[1]);
    char c;
    assert_int_equal(read(res[0], &c, 1), 1); /* the other process has it open */
    run_index_ok(s->idx, s->b_dir);
    assert_int_equal(write(go[1], "g", 1), 1);
    close(go[1]);
    char buf[1 << 14];
    size_t got = 0;
    ssize_t k;
    while ((k = read(res[0], buf + got, sizeof buf - 1 - got)) > 0)
        got += (size_t)k;
    buf[got] = 0;
    close(res[0]);
    int status = wait_status(pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("the other process failed after the replace: %s", buf);
    assert_string_equal(buf, s->ans_a);
    restore_a(s);
}

static void crash_readers_during_repeated_replace(void **st)
{
    state *s = *st;
    int res[2];
    assert_int_equal(pipe(res), 0);
    char *stop = fx_path(s->dir, "stop-readers");
    unlink(stop);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* Open, answer, close in a loop until told to stop; every open must
         * see a whole index, A or B. */
        close(res[0]);
        long n = 0, a = 0, b = 0;
        char msg[700] = "";
        while (access(stop, F_OK) != 0) {
            pdx_index *ix;
            char err[600];
            if (pdx_index_open(&ix, s->idx, err, sizeof err)) {
                snprintf(msg, sizeof msg, "open %ld failed: %s", n, err);
                break;
            }
            char *ans = answers_of(ix, err, sizeof err);
            pdx_index_close(ix);
            if (!ans) {
                snprintf(msg, sizeof msg, "search %ld failed: %s", n, err);
                break;
            }
            if (!strcmp(ans, s->ans_a))
                a++;
            else if (!strcmp(ans, s->ans_b))
                b++;
            else {
                snprintf(msg, sizeof msg, "search %ld: answers of neither index", n);
                free(ans);
                break;
            }
            free(ans);
            n++;
        }
        char line[800];
        int len = snprintf(line, sizeof line, "%ld %ld %ld %s", n, a, b, msg);
        _exit(write(res[1], line, (size_t)len) == len && !msg[0] ? 0 : 1);
    }
    close(res[1]);
    for (int r = 0; r < 6; r++)
        run_index_ok(s->idx, r % 2 ? s->a_dir : s->b_dir);
    fx_write(stop, "", 0);
    char buf[1024];
    ssize_t k = read(res[0], buf, sizeof buf - 1);
    buf[k > 0 ? k : 0] = 0;
    close(res[0]);
    int status = wait_status(pid);
    unlink(stop);
    free(stop);
    long n = 0, a = 0, b = 0;
    sscanf(buf, "%ld %ld %ld", &n, &a, &b);
    print_message("reader: %ld searches during 6 replacements (%ld on A, %ld on B)\n", n, a, b);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("reader failed: %s", buf);
    assert_true(n > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crash_sigkill_during_replace),
        cmocka_unit_test(crash_interrupt_removes_temporaries),
        cmocka_unit_test(crash_file_size_limit),
        cmocka_unit_test(crash_file_size_limit_default_sigxfsz),
        cmocka_unit_test(crash_disk_full_tmpfs),
        cmocka_unit_test(crash_open_index_survives_replace_in_process),
        cmocka_unit_test(crash_open_index_survives_replace_in_other_process),
        cmocka_unit_test(crash_readers_during_repeated_replace),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
