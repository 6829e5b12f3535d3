/*
 * The build on several threads (indexer/build_pool.c, doc_batch.c):
 *
 *  - the index built with 1, 2 and 4 threads is byte-identical, on a tree
 *    of digests with duplicates across days, a skipped heading, a bad
 *    byte, a file that is not a digest, a dangling link and a symlink
 *    loop, with a tiny memory budget so that sorted runs are spilled;
 *  - diagnostics arrive identically and in the same order (file and line,
 *    in input order), the walk's own among the files' in their place;
 *  - a cancellation asked for after paper N stops every build at paper N
 *    with PDX_ESTOP and leaves no temporary file;
 *  - paperdex-index --threads N writes the same bytes (SOURCE_DATE_EPOCH
 *    fixes the creation time) and the same stderr for every N, refuses
 *    a bad N, and SIGINT mid-build removes its temporary files;
 *  - the library refuses more than PDX_WRITER_MAX_THREADS threads.
 *
 * Digests are synthetic (tests/fuzz/fuzz_fixture.h), written in our words.
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common.h"
#include "fixtures.h"
#include "fuzz/fuzz_fixture.h"
#include "paperdex/index.h"

/* Days in the small tree, papers a day, and papers repeated from the day
 * before (duplicates with a later date). */
#define DAYS 60
#define PER_DAY 25
#define OVERLAP 4

typedef struct state {
    char *dir;   /* scratch directory */
    char *tree;  /* the digest tree */
    char *big;   /* a larger tree, for the interruption */
} state;

/* Writes day d of the tree: papers numbered so that the first OVERLAP of
 * each day repeat the last of the day before (same arXiv id, later date). */
static void write_day(const char *tree, unsigned d, unsigned per_day, unsigned overlap)
{
    fz_str s = {0};
    unsigned month = 6 + d / 28, day = 1 + d % 28;
    unsigned first = d * (per_day - overlap);
    fz_digest_day(&s, month, day, first, per_day);
    if (d % 7 == 3) /* a heading with neither title nor id: skipped */
        fz_cat(&s, "### [](https://example.org/nothing)\n\nVote: 3\n\n");
    if (d % 11 == 5) /* a byte that is not UTF-8: a warning */
        fz_cat(&s, "### [Broken \xff byte %u](https://arxiv.org/abs/2499.%05u)\n\n- 요약\n\n", d,
               d);
    char name[64];
    snprintf(name, sizeof name, "2024/%02u/%02u.md", month, day);
    char *path = fx_path(tree, name);
    fx_write(path, s.p, s.len);
    free(path);
    free(s.p);
}

static void write_tree(const char *tree, unsigned days, unsigned per_day, unsigned overlap)
{
    for (unsigned d = 0; d < days; d++)
        write_day(tree, d, per_day, overlap);
}

static int setup(void **st)
{
    state *s = calloc(1, sizeof *s);
    assert_non_null(s);
    s->dir = fx_tmpdir();
    s->tree = fx_path(s->dir, "tree");
    write_tree(s->tree, DAYS, PER_DAY, OVERLAP);
    /* a file that is not a digest, a dangling link and a loop, between
     * the months so that the walk reports them between files */
    char *p = fx_path(s->tree, "2024/06b-notes.md");
    fx_write(p, "just notes, no paper headings\n", (size_t)-1);
    free(p);
    p = fx_path(s->tree, "2024/07/15-gone.md");
    assert_int_equal(symlink("/nonexistent/paperdex-test", p), 0);
    free(p);
    p = fx_path(s->tree, "2024/07/loop");
    assert_int_equal(symlink("..", p), 0);
    free(p);
    s->big = fx_path(s->dir, "big");
    write_tree(s->big, 320, 25, 0);
    *st = s;
    return 0;
}

static int teardown(void **st)
{
    state *s = *st;
    fx_rmtree(s->dir);
    free(s->tree);
    free(s->big);
    free(s);
    return 0;
}

/* ---- building through the library ---- */

/* What a build reported, to compare between thread counts. */
typedef struct build_log {
    pdx_buf diags;            /* "level|file|line|message\n" in order */
    uint64_t papers;          /* on_paper calls */
    uint64_t stop_after;      /* set cancel after this many papers (0: never) */
    volatile sig_atomic_t cancel; /* the writer's cancel flag */
} build_log;

static void log_diag(const pdx_diag *d, void *payload)
{
    build_log *l = payload;
    char head[64];
    snprintf(head, sizeof head, "%d|", (int)d->level);
    pdx_buf_append(&l->diags, head, strlen(head));
    pdx_buf_append(&l->diags, d->file, strlen(d->file));
    snprintf(head, sizeof head, "|%u|", d->line);
    pdx_buf_append(&l->diags, head, strlen(head));
    pdx_buf_append(&l->diags, d->message, strlen(d->message));
    pdx_buf_putc(&l->diags, '\n');
}

static int log_paper(const pdx_paper *p, void *payload)
{
    (void)p;
    build_log *l = payload;
    if (++l->papers == l->stop_after)
        l->cancel = 1;
    return 0;
}

/* Builds the tree into out with `threads` threads and a 64 KiB budget.
 * Returns add_paths' result (or commit's); fills *ws and *ps. */
static int build(const char *tree, const char *out, unsigned threads, build_log *l,
                 pdx_write_stats *ws, pdx_parse_stats *ps)
{
    pdx_writer_opts o = {.mem_budget = 64 << 10, .on_diag = log_diag, .payload = l,
                         .cancel = &l->cancel, .threads = threads, .created = 1700000000};
    pdx_writer *w;
    int rc = pdx_writer_new(&w, out, &o);
    assert_int_equal(rc, PDX_OK);
    pdx_parse_cb cb = {log_paper, log_diag, l};
    const char *paths[] = {tree};
    memset(ps, 0, sizeof *ps);
    rc = pdx_writer_add_paths(w, paths, 1, &cb, ps);
    if (!rc)
        rc = pdx_writer_commit(w, ws);
    pdx_writer_free(w);
    return rc;
}

static bool diags_contain(const build_log *l, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= l->diags.len; i++)
        if (memcmp(l->diags.data + i, needle, n) == 0)
            return true;
    return false;
}

static void threads_index_is_byte_identical(void **st)
{
    state *s = *st;
    static const unsigned counts[] = {1, 2, 4};
    char *ref = NULL;
    size_t ref_len = 0;
    build_log ref_log = {0};
    pdx_write_stats ref_ws = {0};
    pdx_parse_stats ref_ps = {0};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "t%u.idx", counts[i]);
        char *out = fx_path(s->dir, name);
        build_log l = {0};
        pdx_write_stats ws = {0};
        pdx_parse_stats ps;
        assert_int_equal(build(s->tree, out, counts[i], &l, &ws, &ps), PDX_OK);
        size_t len;
        char *bytes = fx_read(out, &len);
        assert_non_null(bytes);
        if (i == 0) {
            /* the fixture exercises what it should */
            assert_true(ws.runs > 2);
            /* (ids repeat across days within a month, not across months) */
            assert_true(ws.duplicates >= (DAYS - 3) * OVERLAP);
            assert_true(diags_contain(&l, "|skipped: ") || diags_contain(&l, "empty title"));
            assert_true(diags_contain(&l, "cannot follow symlink"));
            assert_true(diags_contain(&l, "not a digest"));
            assert_true(diags_contain(&l, "duplicate arXiv id"));
            assert_true(diags_contain(&l, "directory loop"));
            ref = bytes;
            ref_len = len;
            ref_log = l;
            ref_ws = ws;
            ref_ps = ps;
        } else {
            if (len != ref_len || memcmp(bytes, ref, len) != 0)
                fail_msg("the index built with %u threads differs from the one built with 1",
                         counts[i]);
            if (l.diags.len != ref_log.diags.len ||
                memcmp(l.diags.data, ref_log.diags.data, l.diags.len) != 0)
                fail_msg("the diagnostics with %u threads differ from those with 1:\n%.*s\n"
                         "---- with 1:\n%.*s",
                         counts[i], (int)PDX_MIN(l.diags.len, 3000), (char *)l.diags.data,
                         (int)PDX_MIN(ref_log.diags.len, 3000), (char *)ref_log.diags.data);
            assert_int_equal(l.papers, ref_log.papers);
            assert_memory_equal(&ws, &ref_ws, sizeof ws);
            assert_memory_equal(&ps, &ref_ps, sizeof ps);
            free(bytes);
            pdx_buf_free(&l.diags);
        }
        free(out);
    }
    free(ref);
    pdx_buf_free(&ref_log.diags);
}

/* Whether dir holds a writer's temporary file. */
static bool has_temporaries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    bool found = false;
    struct dirent *e;
    while (!found && (e = readdir(d)) != NULL)
        found = strstr(e->d_name, ".tmp.") != NULL;
    closedir(d);
    return found;
}

static void threads_cancel_stops_at_the_same_paper(void **st)
{
    state *s = *st;
    char *out = fx_path(s->dir, "cancel.idx");
    pdx_buf ref = {0};
    for (unsigned threads = 1; threads <= 4; threads *= 2) {
        build_log l = {.stop_after = 700};
        pdx_write_stats ws;
        pdx_parse_stats ps;
        assert_int_equal(build(s->tree, out, threads, &l, &ws, &ps), PDX_ESTOP);
        /* the writer stops at the first paper after the flag: no more
         * papers, and the same diagnostics up to there */
        assert_int_equal(l.papers, 700);
        assert_false(has_temporaries(s->dir));
        struct stat sb;
        assert_int_not_equal(stat(out, &sb), 0);
        if (threads == 1) {
            ref = l.diags;
        } else {
            assert_int_equal(l.diags.len, ref.len);
            assert_memory_equal(l.diags.data, ref.data, ref.len);
            pdx_buf_free(&l.diags);
        }
    }
    pdx_buf_free(&ref);
    free(out);
}

static void threads_option_is_validated(void **st)
{
    state *s = *st;
    char *out = fx_path(s->dir, "bad.idx");
    pdx_writer_opts o = {.threads = PDX_WRITER_MAX_THREADS + 1};
    pdx_writer *w;
    assert_int_equal(pdx_writer_new(&w, out, &o), PDX_EINVAL);
    assert_non_null(strstr(pdx_writer_errmsg(w), "threads"));
    pdx_writer_free(w);
    o.threads = PDX_WRITER_MAX_THREADS;
    assert_int_equal(pdx_writer_new(&w, out, &o), PDX_OK);
    pdx_writer_free(w);
    free(out);
}

/* ---- the command line ---- */

static int run_cli(const char *args, char **err_out)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "%s/paperdex-index %s 2>&1 >/dev/null", PDX_BIN_DIR, args);
    return fx_run(cmd, err_out);
}

static void threads_cli_writes_the_same_bytes(void **st)
{
    state *s = *st;
    char *ref = NULL, *ref_err = NULL;
    size_t ref_len = 0;
    for (unsigned threads = 1; threads <= 3; threads++) {
        char name[32], args[4096];
        snprintf(name, sizeof name, "cli%u.idx", threads);
        char *out = fx_path(s->dir, name);
        snprintf(args, sizeof args, "--threads %u --mem-mb 1 -o '%s' '%s'", threads, out,
                 s->tree);
        char *err = NULL;
        setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
        int status = run_cli(args, &err);
        unsetenv("SOURCE_DATE_EPOCH");
        assert_int_equal(status, 0);
        size_t len;
        char *bytes = fx_read(out, &len);
        assert_non_null(bytes);
        if (threads == 1) {
            ref = bytes;
            ref_len = len;
            ref_err = err;
            assert_non_null(strstr(err, "cannot follow symlink"));
        } else {
            if (len != ref_len || memcmp(bytes, ref, len) != 0)
                fail_msg("paperdex-index --threads %u wrote other bytes than --threads 1",
                         threads);
            assert_string_equal(err, ref_err);
            free(bytes);
            free(err);
        }
        free(out);
    }
    free(ref);
    free(ref_err);

    static const char *const bad[] = {"0", "65", "-1", "two", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char args[4096];
        snprintf(args, sizeof args, "--threads '%s' -o '%s/x.idx' '%s'", bad[i], s->dir,
                 s->tree);
        char *err = NULL;
        assert_int_equal(run_cli(args, &err), 2);
        assert_non_null(strstr(err, "--threads"));
        free(err);
    }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void threads_sigint_removes_temporaries(void **st)
{
    state *s = *st;
    char *out_dir = fx_path(s->dir, "sigint");
    assert_int_equal(mkdir(out_dir, 0755), 0);
    char *out = fx_path(out_dir, "papers.idx");
    char prog[4096];
    snprintf(prog, sizeof prog, "%s/paperdex-index", PDX_BIN_DIR);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) {
            dup2(devnull, 1);
            dup2(devnull, 2);
        }
        execl(prog, prog, "-q", "--threads", "4", "--mem-mb", "1", "-o", out, s->big,
              (char *)NULL);
        _exit(127);
    }
    /* wait for the first spilled run: the build is under way */
    double t0 = now();
    int status = 0;
    bool running = true;
    while (!fx_has_entry(out_dir, ".run")) {
        if (waitpid(pid, &status, WNOHANG) == pid) {
            running = false;
            break;
        }
        if (now() - t0 > 60) {
            kill(pid, SIGKILL);
            fail_msg("no sorted run appeared within 60 s");
        }
        struct timespec ts = {0, 100 * 1000};
        nanosleep(&ts, NULL);
    }
    if (running) {
        kill(pid, SIGINT);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGINT)
            fail_msg("expected death by SIGINT, got status %#x", status);
        assert_false(has_temporaries(out_dir));
        struct stat sb;
        assert_int_not_equal(stat(out, &sb), 0);
    } else {
        print_message("the run ended before it could be interrupted; skipped\n");
    }
    free(out);
    free(out_dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(threads_index_is_byte_identical),
        cmocka_unit_test(threads_cancel_stops_at_the_same_paper),
        cmocka_unit_test(threads_option_is_validated),
        cmocka_unit_test(threads_cli_writes_the_same_bytes),
        cmocka_unit_test(threads_sigint_removes_temporaries),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
