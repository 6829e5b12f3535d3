/*
 * Fuzz target: the query parser and evaluation (pdx_query_parse,
 * pdx_search, pdx_highlight, pdx_snippet_make, pdx_hit_get).
 *
 * Input: the query text. The index is built once, at start-up, from a
 * synthetic digest of 300 papers (fuzz_fixture.h), large enough for
 * postings lists with skip tables. Each input is parsed; when it parses it
 * is run twice (score order with paging, then votes order) and the hits'
 * stored fields are highlighted and cut into snippets. Oracles: the
 * documented error codes only, a message for every refusal, hits within
 * the requested limit, valid document ids, highlight spans ascending and
 * within the text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_fixture.h"
#include "paperdex/search.h"

static pdx_index *ix;
static pdx_searcher *srch;
static char dir[256];
static char path[300];

static void cleanup(void)
{
    pdx_searcher_free(srch);
    pdx_index_close(ix);
    unlink(path);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/pdxfuzzq.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        abort();
    snprintf(path, sizeof path, "%s/q.idx", dir);
    size_t len;
    char *text = fz_digest(300, &len);
    if (fz_build_index(path, "fuzz/digest.md", text, len))
        abort();
    free(text);
    char err[512];
    if (pdx_index_open(&ix, path, err, sizeof err) || pdx_searcher_new(&srch, ix))
        abort();
    atexit(cleanup);
    return 0;
}

static void check_spans(const pdx_span *sp, size_t n, size_t len)
{
    size_t prev = 0;
    for (size_t i = 0; i < n; i++) {
        if (sp[i].start >= sp[i].end || sp[i].end > len || sp[i].start < prev)
            abort();
        prev = sp[i].end;
    }
}

static void run(const pdx_query *q, const pdx_search_opts *o)
{
    pdx_results r;
    int rc = pdx_search(srch, q, o, &r);
    if (rc == PDX_ENOMEM)
        return;
    if (rc != PDX_OK)
        abort(); /* the index is sound: only OK is acceptable */
    uint32_t limit = o->limit ? o->limit : 10;
    if (r.n > limit || (r.n && !r.hits))
        abort();
    for (size_t i = 0; i < r.n && i < 3; i++) {
        pdx_hit_info h;
        if (pdx_hit_get(srch, r.hits[i].doc, &h))
            abort();
        const pdx_span *sp;
        size_t n;
        if (pdx_highlight(srch, q, h.title, h.title_len, &sp, &n) == PDX_OK)
            check_spans(sp, n, h.title_len);
        pdx_snippet snip;
        if (pdx_snippet_make(srch, q, h.summary, h.summary_len, 120, &snip) == PDX_OK)
            check_spans(snip.spans, snip.n_spans, snip.len);
    }
    pdx_results_clear(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Exact-length copy: a read past len is a heap overflow. */
    char *text = malloc(size ? size : 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    pdx_query *q = NULL;
    int rc = pdx_query_parse(&q, srch, text, size);
    if (rc == PDX_OK) {
        pdx_search_opts o;
        pdx_search_opts_default(&o);
        o.limit = 5;
        o.offset = size % 4;
        run(q, &o);
        o.sort = PDX_SORT_VOTES;
        o.offset = 0;
        o.no_partial = size & 1;
        run(q, &o);
    } else if (rc == PDX_EINVAL || rc == PDX_ELIMIT) {
        if (!pdx_searcher_errmsg(srch)[0])
            abort(); /* a refusal must say why */
    } else if (rc != PDX_ENOMEM) {
        abort();
    }
    pdx_query_free(q);
    free(text);
    return 0;
}
