/*
 * `paperdex-index --export-jsonl` (indexer/index_cli.c), which reads the
 * papers back from the index it wrote through the public reading API
 * (pdx_index_paper_get, include/paperdex/index.h): one JSON line per
 * indexed document in document-id order, duplicates merged the way the
 * writer merged them, every stored field and each field's terms.
 *
 * The digests are our own text: two days, a paper repeated on the later
 * day with more votes, one with unknown votes, one without authors.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixtures.h"

static const char day1[] = "## Daily Papers (2024-02-01)\n"
                           "\n"
                           "### [Sparse Routers for Tiny Models](https://arxiv.org/abs/2402.00011)\n"
                           "\n"
                           "Vote: 7\n"
                           "\n"
                           "Authors: Hana Seo, Ivo \"Q\" Petrov\n"
                           "\n"
                           "- **What's New**: 작은 모델을 위한 희소 라우터를 제안합니다.\n"
                           "\n"
                           "### [Quiet Paper](https://arxiv.org/abs/2402.00012)\n"
                           "\n"
                           "Vote: -\n"
                           "\n"
                           "- 저자 줄이 없는 논문입니다.\n"
                           "\n"
                           "### Untitled Notes Without A Link\n"
                           "\n"
                           "- 링크가 없는 논문입니다.\n";

static const char day2[] = "## Daily Papers (2024-02-02)\n"
                           "\n"
                           "### [Sparse Routers for Tiny Models](https://arxiv.org/abs/2402.00011)\n"
                           "\n"
                           "Vote: 9\n"
                           "\n"
                           "Authors: Hana Seo, Ivo \"Q\" Petrov\n"
                           "\n"
                           "- **What's New**: 작은 모델을 위한 희소 라우터를 제안합니다.\n";

/* The line of out that holds needle (NUL-terminated copy), or fails. */
static char *line_with(const char *out, const char *needle)
{
    const char *at = strstr(out, needle);
    if (!at)
        fail_msg("no exported line holds %s in:\n%s", needle, out);
    const char *start = at, *end = strchr(at, '\n');
    while (start > out && start[-1] != '\n')
        start--;
    size_t n = end ? (size_t)(end - start) : strlen(start);
    char *l = malloc(n + 1);
    assert_non_null(l);
    memcpy(l, start, n);
    l[n] = 0;
    return l;
}

/* Runs paperdex-index --quiet -o idx --export-jsonl jsonl input, with
 * stderr into *out; returns its exit status. */
static int run_export(const char *idx, const char *jsonl, const char *input, char **out)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s/paperdex-index' --quiet -o '%s' --export-jsonl '%s' '%s' 2>&1",
             PDX_BIN_DIR, idx, jsonl, input);
    return fx_run(cmd, out);
}

static void export_reads_back_every_indexed_paper(void **state)
{
    (void)state;
    char *dir = fx_tmpdir();
    char *d1 = fx_path(dir, "digests/2024-02-01.md"), *d2 = fx_path(dir, "digests/2024-02-02.md");
    fx_write(d1, day1, (size_t)-1);
    fx_write(d2, day2, (size_t)-1);
    char *idx = fx_path(dir, "x.idx"), *jsonl = fx_path(dir, "x.jsonl");
    char *digests = fx_path(dir, "digests");
    char *out;
    int rc = run_export(idx, jsonl, digests, &out);
    if (rc != 0)
        fail_msg("export: exit %d: %s", rc, out);
    free(out);
    size_t len;
    char *text = fx_read(jsonl, &len);
    assert_non_null(text);
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    assert_int_equal(lines, 3); /* the repeated paper once */

    char *a = line_with(text, "\"id\":\"2402.00011\"");
    assert_non_null(strstr(a, "\"title\":\"Sparse Routers for Tiny Models\""));
    assert_non_null(strstr(a, "\"authors\":[\"Hana Seo\",\"Ivo \\\"Q\\\" Petrov\"]"));
    assert_non_null(strstr(a, "\"date\":\"2024-02-02\"")); /* the later day kept */
    assert_non_null(strstr(a, "\"votes\":9"));
    assert_non_null(strstr(a, "\"url\":\"https://arxiv.org/abs/2402.00011\""));
    assert_non_null(strstr(a, "\"title_terms\":\"spars router for tini model\""));
    assert_non_null(strstr(a, "\"authors_terms\":\"hana seo ivo q petrov\""));
    char *b = line_with(text, "\"id\":\"2402.00012\"");
    assert_non_null(strstr(b, "\"authors\":[]"));
    assert_non_null(strstr(b, "\"votes\":null"));
    assert_non_null(strstr(b, "\"authors_terms\":\"\""));
    /* no link: null, as paperdex-search --json and the API have it */
    char *c = line_with(text, "\"id\":\"nolink-");
    assert_non_null(strstr(c, "\"url\":null"));
    free(a);
    free(b);
    free(c);
    free(text);
    free(d1);
    free(d2);
    free(idx);
    free(jsonl);
    free(digests);
    fx_rmtree(dir);
}

/* The export replaces an earlier export atomically (a temporary file
 * renamed over it, none left behind), an empty file too, and a target it
 * cannot write is an error naming it. */
static void export_replaces_its_target_atomically(void **state)
{
    (void)state;
    char *dir = fx_tmpdir();
    char *d1 = fx_path(dir, "d/2024-02-01.md"), *d2 = fx_path(dir, "e/2024-02-02.md");
    char *idx = fx_path(dir, "x.idx"), *jsonl = fx_path(dir, "out/x.jsonl");
    fx_write(d1, day1, (size_t)-1);
    fx_write(d2, day2, (size_t)-1);
    fx_write(jsonl, "", 0);
    char *out;
    int rc = run_export(idx, jsonl, d1, &out);
    if (rc != 0)
        fail_msg("export over an empty file: exit %d: %s", rc, out);
    free(out);
    char *text = fx_read(jsonl, NULL);
    assert_non_null(strstr(text, "2402.00012"));
    free(text);
    rc = run_export(idx, jsonl, d2, &out);
    if (rc != 0)
        fail_msg("export over an earlier export: exit %d: %s", rc, out);
    free(out);
    text = fx_read(jsonl, NULL);
    assert_non_null(text);
    assert_null(strstr(text, "2402.00012"));
    assert_non_null(strstr(text, "\"votes\":9"));
    free(text);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "ls -A '%s/out'", dir);
    assert_int_equal(fx_run(cmd, &out), 0);
    assert_string_equal(out, "x.jsonl\n");
    free(out);

    char *missing = fx_path(dir, "missing/x.jsonl");
    rc = run_export(idx, missing, d1, &out);
    if (rc != 1 || !strstr(out, "missing/x.jsonl"))
        fail_msg("export into a missing directory: exit %d: %s", rc, out);
    free(out);
    free(missing);
    free(d1);
    free(d2);
    free(idx);
    free(jsonl);
    fx_rmtree(dir);
}

/* A user trial: `--export-jsonl thesis.md` replaced the thesis with JSON
 * Lines and exited 0. A file that is not an earlier export (its first line
 * is not an object with the export's keys, in order) is refused, by name,
 * before the index is written, and keeps its bytes. */
static void export_refuses_files_it_did_not_write(void **state)
{
    (void)state;
    char *dir = fx_tmpdir();
    char *digest = fx_path(dir, "d/2024-02-01.md"), *idx = fx_path(dir, "x.idx");
    fx_write(digest, day1, (size_t)-1);
    static const char *const theirs[][2] = {
        {"thesis.md", "my thesis\n"},
        {"precious.txt", "precious"},
        {"other.jsonl", "{\"id\":\"2402.00011\",\"title\":\"someone else's\"}\n"},
        {"keys_then_more.jsonl", "{\"id\":\"a\",\"url\":\"\",\"title\":\"\",\"authors\":[],"
                                 "\"summary\":\"\",\"date\":null,\"votes\":null,"
                                 "\"title_terms\":\"\",\"authors_terms\":\"\","
                                 "\"summary_terms\":\"\",\"mine\":1}\n"},
    };
    for (size_t i = 0; i < sizeof theirs / sizeof theirs[0]; i++) {
        char *victim = fx_path(dir, theirs[i][0]), *out;
        fx_write(victim, theirs[i][1], (size_t)-1);
        int rc = run_export(idx, victim, digest, &out);
        if (rc != 1 || !strstr(out, theirs[i][0]) || !strstr(out, "not an export"))
            fail_msg("--export-jsonl %s: exit %d: %s", theirs[i][0], rc, out);
        char *after = fx_read(victim, NULL);
        assert_string_equal(after, theirs[i][1]);
        assert_int_not_equal(access(idx, F_OK), 0); /* refused before the build */
        free(after);
        free(out);
        free(victim);
    }
    /* another index's writer lock, an empty file an export may replace
     * otherwise: replaced, it would let two writers into that index (a
     * review); and a lock a writer holds with no index beside it yet */
    char *other = fx_path(dir, "y.idx"), *other_lock = fx_path(dir, "y.idx.lock"), *out;
    char *held = fx_path(dir, "z.idx.lock");
    fx_write(other, "", 0);
    fx_write(other_lock, "", 0);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s/paperdex-index' --quiet -o '%s' '%s' 2>&1", PDX_BIN_DIR, other,
             digest);
    assert_int_equal(fx_run(cmd, &out), 0);
    free(out);
    int rc = run_export(idx, other_lock, digest, &out);
    if (rc != 1 || !strstr(out, "writer lock"))
        fail_msg("--export-jsonl y.idx.lock: exit %d: %s", rc, out);
    free(out);
    fx_write(held, "", 0);
    int fd = open(held, O_RDONLY);
    assert_true(fd >= 0 && flock(fd, LOCK_EX) == 0);
    rc = run_export(idx, held, digest, &out);
    close(fd);
    if (rc != 1 || !strstr(out, "writer lock"))
        fail_msg("--export-jsonl of a held lock: exit %d: %s", rc, out);
    assert_int_not_equal(access(idx, F_OK), 0);
    free(out);
    free(held);
    free(other);
    free(other_lock);
    free(digest);
    free(idx);
    fx_rmtree(dir);
}

/* A symlink given to --export-jsonl was replaced by a regular file: it is
 * followed now, as -o follows one (the link stays, its target is
 * replaced), and a dangling one is refused as -o refuses it. */
static void export_follows_a_symlink(void **state)
{
    (void)state;
    char *dir = fx_tmpdir();
    char *digest = fx_path(dir, "d/2024-02-01.md"), *idx = fx_path(dir, "x.idx");
    char *target = fx_path(dir, "lnk/target.jsonl"), *link = fx_path(dir, "link.jsonl");
    fx_write(digest, day1, (size_t)-1);
    fx_write(target, "", 0);
    assert_int_equal(symlink("lnk/target.jsonl", link), 0);
    char *out;
    int rc = run_export(idx, link, digest, &out);
    if (rc != 0)
        fail_msg("export through a symlink: exit %d: %s", rc, out);
    free(out);
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    char *text = fx_read(target, NULL);
    assert_non_null(strstr(text, "2402.00012"));
    free(text);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "ls -A '%s/lnk'", dir);
    assert_int_equal(fx_run(cmd, &out), 0);
    assert_string_equal(out, "target.jsonl\n"); /* the temporary file went beside it */
    free(out);

    char *dangling = fx_path(dir, "dangling.jsonl"), *idx2 = fx_path(dir, "y.idx");
    assert_int_equal(symlink("lnk/none.jsonl", dangling), 0);
    rc = run_export(idx2, dangling, digest, &out);
    if (rc != 1 || !strstr(out, "dangling.jsonl") || !strstr(out, "symlink"))
        fail_msg("export through a dangling symlink: exit %d: %s", rc, out);
    free(out);
    assert_int_equal(lstat(dangling, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_not_equal(access(idx2, F_OK), 0);
    free(dangling);
    free(idx2);
    free(link);
    free(target);
    free(digest);
    free(idx);
    fx_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(export_reads_back_every_indexed_paper),
        cmocka_unit_test(export_replaces_its_target_atomically),
        cmocka_unit_test(export_refuses_files_it_did_not_write),
        cmocka_unit_test(export_follows_a_symlink),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
