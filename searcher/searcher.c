/* The searcher handle and hit lookup; see searcher.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "searcher.h"

int pdx_searcher_new(pdx_searcher **out, pdx_index *ix)
{
    if (!out)
        return PDX_EINVAL;
    *out = NULL;
    if (!ix)
        return PDX_EINVAL;
    pdx_searcher *s = calloc(1, sizeof *s);
    if (!s)
        return PDX_ENOMEM;
    s->ix = ix;
    if (pdx_tokenizer_new(&s->tk)) {
        free(s);
        return PDX_ENOMEM;
    }
    *out = s;
    return PDX_OK;
}

void pdx_searcher_free(pdx_searcher *s)
{
    if (!s)
        return;
    pdx_tokenizer_free(s->tk);
    pdx_search_terms_free(s);
    free(s->spans);
    free(s->snip_spans);
    free(s->marks);
    free(s->boost_tab);
    free(s->cursors);
    pdx_buf_free(&s->snip);
    free(s);
}

const char *pdx_searcher_errmsg(const pdx_searcher *s)
{
    return s ? s->errmsg : "";
}

int pdx_searcher_error(pdx_searcher *s, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap);
    va_end(ap);
    return code;
}

/* Index errors carry their own message; copy it so callers read one place. */
static int index_failed(pdx_searcher *s, int rc)
{
    return pdx_searcher_error(s, rc, "%s", pdx_index_errmsg(s->ix));
}

/* A thin layer over pdx_index_paper_get, which does the decoding; kept
 * for API users who hold a searcher. */
int pdx_hit_get(pdx_searcher *s, uint32_t doc, pdx_hit_info *out)
{
    if (!s || !out)
        return s ? pdx_searcher_error(s, PDX_EINVAL, "out is NULL") : PDX_EINVAL;
    pdx_index_paper p;
    int rc = pdx_index_paper_get(s->ix, doc, &p);
    if (rc)
        return index_failed(s, rc);
    *out = (pdx_hit_info){
        .id = p.id, .id_len = p.id_len,
        .url = p.url, .url_len = p.url_len,
        .title = p.title, .title_len = p.title_len,
        .authors = p.authors, .authors_len = p.authors_len,
        .summary = p.summary, .summary_len = p.summary_len,
        .file = p.file, .file_len = p.file_len,
        .n_authors = p.n_authors,
        .date = p.date,
        .votes = p.votes,
        .line = p.line,
    };
    return PDX_OK;
}
