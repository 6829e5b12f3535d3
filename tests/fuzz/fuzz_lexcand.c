/*
 * Fuzz target: the lexicon miner's candidate table as an index update uses
 * it (indexer/lexicon_mine.c: export, import, unmine).
 *
 * Input: texts, one per line. Oracles, checked with abort():
 *  - exactness: every text mined into one miner (A + B), its table
 *    exported and imported into a fresh miner, the texts of B (every third
 *    line) un-mined, gives the same table bytes and the same encoded
 *    lexicon as a fresh miner fed A only; when the table pruned, unmine
 *    refuses with PDX_ELIMIT instead (the bound here is small, so both
 *    ways are reached);
 *  - the same with papers (two lines a paper: title, summary) mined with
 *    their loanwords (add_paper, unmine_paper); and a miner of the texts
 *    with one of the loanwords, read as one (export_with, finish_with),
 *    gives the table and the lexicon of one miner fed the papers;
 *  - round trip: import(export(x)) exports the same bytes;
 *  - the input bytes taken as a table, with its checksum recomputed so
 *    mutations reach the structural checks: import refuses with
 *    PDX_ECORRUPT or PDX_EVERSION and a message, or takes it, and then
 *    finish and the lexicon encoder succeed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "fuzz_fixture.h"
#include "lexicon.h"
#include "lexicon_mine.h"

/* Candidates a miner may hold here: small, so the pruned path is fuzzed. */
#define FUZZ_MAX_CANDIDATES 64
/* Support threshold of the lexicons compared (low: more pairs). */
#define FUZZ_MIN_SUPPORT 1

static pdx_lexicon_miner *new_miner(void)
{
    pdx_lexicon_miner_opts o = {FUZZ_MIN_SUPPORT, FUZZ_MAX_CANDIDATES};
    pdx_lexicon_miner *m = NULL;
    if (pdx_lexicon_miner_new(&m, &o) != PDX_OK)
        abort();
    return m;
}

/* Calls fn on line i (a heap copy of exactly its bytes) of data. */
typedef int (*line_fn)(pdx_lexicon_miner *m, const char *text, size_t len);

static void each_line(const uint8_t *data, size_t size, pdx_lexicon_miner *m, line_fn fn,
                      int keep_mod /* -1: every line; else lines with i % 3 == keep_mod */,
                      int want)
{
    size_t start = 0, i = 0;
    while (start <= size) {
        const uint8_t *nl = memchr(data + start, '\n', size - start);
        size_t end = nl ? (size_t)(nl - data) : size;
        if (keep_mod < 0 || (int)(i % 3) == keep_mod) {
            char *copy = malloc(end - start + 1);
            if (!copy)
                abort();
            memcpy(copy, data + start, end - start);
            if (fn(m, copy, end - start) != want)
                abort();
            free(copy);
        }
        i++;
        if (!nl)
            break;
        start = end + 1;
    }
}

static void export_to(pdx_lexicon_miner *m, pdx_buf *out)
{
    pdx_buf_reset(out);
    if (pdx_lexicon_miner_export(m, out) != PDX_OK)
        abort();
}

static void finish_encoded(pdx_lexicon_miner *m, pdx_buf *out)
{
    const pdx_lex_pair *p;
    size_t n;
    if (pdx_lexicon_miner_finish(m, &p, &n) != PDX_OK)
        abort();
    pdx_buf_reset(out);
    if (pdx_lexicon_encode(out, p, n, FUZZ_MIN_SUPPORT) != PDX_OK)
        abort();
}

static bool same(const pdx_buf *a, const pdx_buf *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

/* A + B mined, exported, imported, B un-mined == A mined. */
static void check_unmine(const uint8_t *data, size_t size)
{
    pdx_lexicon_miner *all = new_miner(), *a = new_miner(), *m = new_miner();
    each_line(data, size, all, pdx_lexicon_miner_add, -1, PDX_OK);
    each_line(data, size, a, pdx_lexicon_miner_add, 1, PDX_OK);
    each_line(data, size, a, pdx_lexicon_miner_add, 2, PDX_OK);
    pdx_buf t = {0}, t2 = {0}, l1 = {0}, l2 = {0};
    export_to(all, &t);
    if (pdx_lexicon_miner_import(m, t.data, t.len) != PDX_OK)
        abort();
    export_to(m, &t2);
    if (!same(&t, &t2)) /* round trip */
        abort();
    pdx_lexicon_miner_stats st;
    pdx_lexicon_miner_get_stats(all, &st);
    if (st.prunes == 0) {
        each_line(data, size, m, pdx_lexicon_miner_unmine, 0, PDX_OK);
        export_to(m, &t);
        export_to(a, &t2);
        if (!same(&t, &t2))
            abort();
        finish_encoded(m, &l1);
        finish_encoded(a, &l2);
        if (!same(&l1, &l2))
            abort();
    } else if (pdx_lexicon_miner_unmine(m, "", 0) != PDX_ELIMIT) {
        abort();
    }
    pdx_lexicon_miner_free(all);
    pdx_lexicon_miner_free(a);
    pdx_lexicon_miner_free(m);
    pdx_buf_free(&t);
    pdx_buf_free(&t2);
    pdx_buf_free(&l1);
    pdx_buf_free(&l2);
}

/* The papers of data (lines 2j and 2j + 1: a title, a summary) through
 * op: papers with j % 3 == keep_mod, or all (keep_mod < 0). */
typedef enum { PAPER_ADD, PAPER_UNMINE, PAPER_TEXTS, PAPER_LOANS } paper_op;

static void each_paper(const uint8_t *data, size_t size, pdx_lexicon_miner *m, paper_op op,
                       int keep_mod)
{
    const uint8_t *line[2];
    size_t len[2], i = 0, start = 0;
    while (start <= size) {
        const uint8_t *nl = memchr(data + start, '\n', size - start);
        size_t end = nl ? (size_t)(nl - data) : size;
        line[i % 2] = data + start;
        len[i % 2] = end - start;
        size_t j = i / 2;
        if (i % 2 == 1 && (keep_mod < 0 || (int)(j % 3) == keep_mod)) {
            char *t = malloc(len[0] + 1), *s = malloc(len[1] + 1);
            if (!t || !s)
                abort();
            memcpy(t, line[0], len[0]);
            memcpy(s, line[1], len[1]);
            int rc = op == PAPER_ADD      ? pdx_lexicon_miner_add_paper(m, t, len[0], s, len[1])
                     : op == PAPER_UNMINE ? pdx_lexicon_miner_unmine_paper(m, t, len[0], s, len[1])
                     : op == PAPER_LOANS
                         ? pdx_lexicon_miner_add_loanwords(m, t, len[0], s, len[1])
                         : pdx_lexicon_miner_add(m, t, len[0]) ||
                               pdx_lexicon_miner_add(m, s, len[1]);
            if (rc != PDX_OK)
                abort();
            free(t);
            free(s);
        }
        i++;
        if (!nl)
            break;
        start = end + 1;
    }
}

/* Papers: A + B mined, exported, imported, B un-mined == A mined; a texts
 * miner and a loanwords miner read as one == one miner fed both. */
static void check_papers(const uint8_t *data, size_t size)
{
    pdx_lexicon_miner *all = new_miner(), *a = new_miner(), *m = new_miner();
    pdx_lexicon_miner *texts = new_miner(), *loans = new_miner();
    each_paper(data, size, all, PAPER_ADD, -1);
    each_paper(data, size, a, PAPER_ADD, 1);
    each_paper(data, size, a, PAPER_ADD, 2);
    each_paper(data, size, texts, PAPER_TEXTS, -1);
    each_paper(data, size, loans, PAPER_LOANS, -1);
    pdx_buf t = {0}, t2 = {0}, l1 = {0}, l2 = {0};
    export_to(all, &t);
    pdx_lexicon_miner_stats st, st2, st3;
    pdx_lexicon_miner_get_stats(all, &st);
    pdx_lexicon_miner_get_stats(texts, &st2);
    pdx_lexicon_miner_get_stats(loans, &st3);
    if (st.prunes == 0 && st2.prunes == 0 && st3.prunes == 0) {
        if (pdx_lexicon_miner_export_with(texts, loans, &t2) != PDX_OK || !same(&t, &t2))
            abort();
        const pdx_lex_pair *p;
        size_t n;
        if (pdx_lexicon_miner_finish_with(texts, loans, &p, &n) != PDX_OK ||
            pdx_lexicon_encode(&l1, p, n, FUZZ_MIN_SUPPORT) != PDX_OK)
            abort();
    }
    if (pdx_lexicon_miner_import(m, t.data, t.len) != PDX_OK)
        abort();
    if (st.prunes == 0) {
        each_paper(data, size, m, PAPER_UNMINE, 0);
        export_to(m, &t);
        export_to(a, &t2);
        if (!same(&t, &t2))
            abort();
        pdx_buf_reset(&l2);
        finish_encoded(all, &l2);
        if (l1.len && !same(&l1, &l2))
            abort();
    }
    pdx_lexicon_miner *ms[] = {all, a, m, texts, loans};
    for (size_t i = 0; i < sizeof ms / sizeof *ms; i++)
        pdx_lexicon_miner_free(ms[i]);
    pdx_buf_free(&t);
    pdx_buf_free(&t2);
    pdx_buf_free(&l1);
    pdx_buf_free(&l2);
}

/* The input as a table, checksum repaired. */
static void check_import(const uint8_t *data, size_t size)
{
    if (size < 8)
        return;
    uint8_t *copy = malloc(size);
    if (!copy)
        abort();
    memcpy(copy, data, size);
    pdx_put_u64(copy + size - 8, pdx_hash(copy, size - 8));
    pdx_lexicon_miner *m = new_miner();
    int rc = pdx_lexicon_miner_import(m, copy, size);
    if (rc == PDX_OK) {
        pdx_buf l = {0};
        finish_encoded(m, &l);
        pdx_buf_free(&l);
    } else if ((rc != PDX_ECORRUPT && rc != PDX_EVERSION) ||
               !pdx_lexicon_miner_errmsg(m)[0]) {
        abort();
    }
    pdx_lexicon_miner_free(m);
    free(copy);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 16))
        return 0; /* long inputs only slow the fuzzer down */
    check_unmine(data, size);
    check_papers(data, size);
    check_import(data, size);
    return 0;
}
