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
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
                           "- 저자 줄이 없는 논문입니다.\n";

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

static void export_reads_back_every_indexed_paper(void **state)
{
    (void)state;
    char *dir = fx_tmpdir();
    char *d1 = fx_path(dir, "digests/2024-02-01.md"), *d2 = fx_path(dir, "digests/2024-02-02.md");
    fx_write(d1, day1, (size_t)-1);
    fx_write(d2, day2, (size_t)-1);
    char *idx = fx_path(dir, "x.idx"), *jsonl = fx_path(dir, "x.jsonl");
    char *digests = fx_path(dir, "digests");
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s/paperdex-index' --quiet -o '%s' --export-jsonl '%s' '%s' 2>&1",
             PDX_BIN_DIR, idx, jsonl, digests);
    char *out;
    int rc = fx_run(cmd, &out);
    if (rc != 0)
        fail_msg("%s: exit %d: %s", cmd, rc, out);
    free(out);
    size_t len;
    char *text = fx_read(jsonl, &len);
    assert_non_null(text);
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    assert_int_equal(lines, 2); /* the repeated paper once */

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
    free(a);
    free(b);
    free(text);
    free(d1);
    free(d2);
    free(idx);
    free(jsonl);
    free(digests);
    fx_rmtree(dir);
}

/* The export replaces its target atomically (a temporary file renamed over
 * it, none left behind), and a target it cannot write is an error naming
 * it. */
static void export_replaces_its_target_atomically(void **state)
{
    (void)state;
    char *dir = fx_tmpdir();
    char *digest = fx_path(dir, "d/2024-02-01.md"), *idx = fx_path(dir, "x.idx");
    char *jsonl = fx_path(dir, "out/x.jsonl");
    fx_write(digest, day1, (size_t)-1);
    fx_write(jsonl, "old\n", (size_t)-1);
    char cmd[4096], *out;
    snprintf(cmd, sizeof cmd, "'%s/paperdex-index' --quiet -o '%s' --export-jsonl '%s' '%s' 2>&1",
             PDX_BIN_DIR, idx, jsonl, digest);
    int rc = fx_run(cmd, &out);
    if (rc != 0)
        fail_msg("%s: exit %d: %s", cmd, rc, out);
    free(out);
    char *text = fx_read(jsonl, NULL);
    assert_non_null(text);
    assert_null(strstr(text, "old"));
    assert_non_null(strstr(text, "2402.00012"));
    free(text);
    snprintf(cmd, sizeof cmd, "ls -A '%s/out'", dir);
    assert_int_equal(fx_run(cmd, &out), 0);
    assert_string_equal(out, "x.jsonl\n");
    free(out);

    snprintf(cmd, sizeof cmd,
             "'%s/paperdex-index' --quiet -o '%s' --export-jsonl '%s/missing/x.jsonl' '%s' 2>&1",
             PDX_BIN_DIR, idx, dir, digest);
    rc = fx_run(cmd, &out);
    if (rc != 1 || !strstr(out, "missing/x.jsonl"))
        fail_msg("export into a missing directory: exit %d: %s", rc, out);
    free(out);
    free(digest);
    free(idx);
    free(jsonl);
    fx_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(export_reads_back_every_indexed_paper),
        cmocka_unit_test(export_replaces_its_target_atomically),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
