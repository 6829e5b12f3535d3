/*
 * What a one-shot paperdex-search pays to open an index (issue 11): the
 * view reads the manifest's lexicon where the manifest is mapped instead
 * of copying it (PDX_MANIFEST_BORROW; a copy at 20x is 0.8 MB of fresh
 * pages, ~190 page faults), and closing the index frees the rest of the
 * manifest, not the borrowed bytes. Also a lexicon lookup through the
 * borrowed bytes gives what a decoded copy gives. The view does not hash
 * the whole LEXICON section at open either (the lexicon checks what a
 * lookup reads): damage to its bytes lets the index open, and --check
 * reports it by the section's name.
 *
 * The index is built from the shared seed digests (their lexicon has a
 * few pairs); the test skips without them.
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
#include "manifest.h"
#include "paperdex/paperdex.h"
#include "segment.h"

#define INDEX_BIN PDX_BIN_DIR "/paperdex-index"

/* Indexes the seed digests with paperdex-index into a fresh *dir; returns
 * the index's path (malloc'd). Skips the test without ../shared. */
static char *seeds_index(char **dir)
{
    const char *shared = fx_shared_dir();
    if (!shared)
        skip();
    *dir = fx_tmpdir();
    char *idx = fx_path(*dir, "s.idx");
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "'%s' -q -o '%s' '%s/seeds' 2>/dev/null", INDEX_BIN, idx, shared);
    assert_int_equal(fx_run(cmd, NULL), 0);
    return idx;
}

static void test_view_borrows_manifest_lexicon(void **state)
{
    (void)state;
    char *dir;
    char *idx = seeds_index(&dir);

    pdx_index *ix = NULL;
    char err[512];
    assert_int_equal(pdx_index_open(&ix, idx, err, sizeof err), PDX_OK);
    const pdx_manifest *m = &ix->manifest;
    assert_true(m->lexicon_len > 0); /* the seeds state a few pairs */
    assert_true(m->borrowed);
    /* the lexicon bytes lie in the mapped manifest, not in a copy */
    assert_true(m->lexicon >= ix->mf_bytes &&
                m->lexicon + m->lexicon_len <= ix->mf_bytes + ix->mf_len);

    /* the same bytes as a full decode's owned copy */
    pdx_manifest full;
    assert_int_equal(pdx_manifest_decode(&full, ix->mf_bytes, ix->mf_len, err, sizeof err),
                     PDX_OK);
    assert_false(full.borrowed);
    assert_int_equal(full.lexicon_len, m->lexicon_len);
    assert_memory_equal(full.lexicon, m->lexicon, m->lexicon_len);
    assert_true(full.lexicon < ix->mf_bytes || full.lexicon >= ix->mf_bytes + ix->mf_len);
    pdx_manifest_free(&full);

    /* a search that expands through the lexicon still works, and closing
     * frees what is owned only (ASan: no free of the mapping) */
    pdx_searcher *s = NULL;
    assert_int_equal(pdx_searcher_new(&s, ix), PDX_OK);
    pdx_query *q = NULL;
    assert_int_equal(pdx_query_parse(&q, s, "모델", strlen("모델")), PDX_OK);
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    pdx_results r = {0};
    assert_int_equal(pdx_search(s, q, &o, &r), PDX_OK);
    pdx_results_clear(&r);
    pdx_query_free(q);
    pdx_searcher_free(s);
    pdx_index_close(ix);
    fx_rmtree(dir);
    free(idx);
}

/* A byte of the manifest's LEXICON section flipped: the open does not
 * hash the section (a search reads a few records of it), --check does. */
static void test_view_leaves_lexicon_checksum_to_check(void **state)
{
    (void)state;
    char *dir;
    char *idx = seeds_index(&dir);
    size_t len;
    unsigned char *b = (unsigned char *)fx_read(idx, &len);
    pdx_section sec[PDX_MSEC_COUNT + 1];
    fx_manifest_sections(b, len, sec);
    assert_true(sec[PDX_MSEC_LEXICON].len > 0);
    /* the last byte: inside the section, past every record header */
    b[sec[PDX_MSEC_LEXICON].off + sec[PDX_MSEC_LEXICON].len - 1] ^= 0x01;
    fx_write(idx, (const char *)b, len);
    free(b);

    pdx_index *ix = NULL;
    char err[512];
    int rc = pdx_index_open(&ix, idx, err, sizeof err);
    if (rc)
        fail_msg("open refused a lexicon byte flipped: %s", err);
    pdx_index_close(ix);
    char *out = NULL, cmd[8192];
    snprintf(cmd, sizeof cmd, "'%s' --check '%s' 2>&1", INDEX_BIN, idx);
    assert_int_not_equal(fx_run(cmd, &out), 0);
    if (!out || !strstr(out, "LEXICON"))
        fail_msg("--check does not name LEXICON: %s", out ? out : "(nothing)");
    free(out);
    fx_rmtree(dir);
    free(idx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_view_borrows_manifest_lexicon),
        cmocka_unit_test(test_view_leaves_lexicon_checksum_to_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
