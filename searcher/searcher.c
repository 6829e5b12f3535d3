/* The searcher handle and hit lookup; see searcher.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "searcher.h"

int pdx_searcher_new(pdx_searcher **out, pdx_index *ix)
{
    *out = NULL;
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
    free(s->spans);
    free(s->snip_spans);
    free(s->marks);
    free(s->boost_tab);
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

int pdx_hit_get(pdx_searcher *s, uint32_t doc, pdx_hit_info *out)
{
    pdx_doc d;
    pdx_stored st;
    int rc = pdx_doc_get(s->ix, doc, &d);
    if (!rc)
        rc = pdx_stored_get(s->ix, doc, &st);
    if (rc)
        return index_failed(s, rc);
    out->id = st.id;
    out->id_len = st.id_len;
    out->url = st.url;
    out->url_len = st.url_len;
    out->title = st.title;
    out->title_len = st.title_len;
    out->authors = st.authors;
    out->authors_len = st.authors_len;
    out->summary = st.summary;
    out->summary_len = st.summary_len;
    out->file = st.file;
    out->file_len = st.file_len;
    out->line = st.line;
    out->date = d.date;
    out->votes = d.votes;
    out->n_authors = 0;
    if (st.authors_len) {
        out->n_authors = 1;
        for (size_t i = 0; i < st.authors_len; i++)
            out->n_authors += st.authors[i] == '\n';
    }
    return PDX_OK;
}
