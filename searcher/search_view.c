/*
 * What the searcher asks of the index it searches, in one place: an index
 * is a view over one or more segments (common/segment.h, docs/FORMAT.md
 * "Manifest"), or a lone segment, and these calls answer for both.
 *
 * The searcher's rule (issue 12): every statistic a score depends on is the
 * view's, over its live papers, so an index made of several segments with
 * deleted papers ranks exactly as one segment built from its live papers
 * alone. A term whose every paper is deleted is therefore no term at all
 * here (a build of the live papers would not have it): it is not found,
 * not expanded from a prefix, and counts nowhere.
 */
#include <stdlib.h>

#include "searcher.h"

uint32_t pdx_search_n_live(const pdx_index *ix)
{
    return ix->n_docs;
}

uint32_t pdx_search_n_segs(const pdx_index *ix)
{
    (void)ix;
    return 1;
}

pdx_index *pdx_search_seg(pdx_index *ix, uint32_t i, uint32_t *base)
{
    (void)i;
    *base = 0;
    return ix;
}

bool pdx_search_has_deleted(const pdx_index *ix)
{
    (void)ix;
    return false;
}

int pdx_search_term_local(pdx_index *ix, uint32_t vord, uint32_t seg, uint32_t *local)
{
    (void)ix;
    (void)seg;
    *local = vord;
    return PDX_OK;
}

int pdx_search_list_df(pdx_index *ix, uint32_t vord, unsigned field, uint64_t *out)
{
    pdx_term t;
    *out = 0;
    int rc = pdx_term_get(ix, vord, &t);
    if (rc)
        return rc;
    if (!(t.fields & (1u << field)))
        return PDX_OK;
    pdx_list_header h;
    rc = pdx_term_list(ix, &t, field, &h);
    if (rc)
        return rc;
    *out = h.df;
    return PDX_OK;
}

/* Is vord a term some live paper has? Only a view with deletions can hold
 * a term that none has. */
static int term_is_live(pdx_index *ix, uint32_t vord, bool *out)
{
    *out = true;
    if (!pdx_search_has_deleted(ix))
        return PDX_OK;
    uint64_t df;
    int rc = pdx_term_df(ix, vord, PDX_FIELDS_ALL, &df);
    *out = df > 0;
    return rc;
}

int pdx_search_term_find(pdx_index *ix, const char *term, size_t len, uint32_t *out)
{
    int rc = pdx_term_find(ix, term, len, out);
    if (rc)
        return rc;
    bool live;
    if ((rc = term_is_live(ix, *out, &live)))
        return rc;
    return live ? PDX_OK : PDX_ENOTFOUND;
}

int pdx_search_prefix(pdx_index *ix, const char *prefix, size_t len, uint32_t **out,
                      size_t *n)
{
    *out = NULL;
    *n = 0;
    uint32_t first, end;
    int rc = pdx_term_prefix(ix, prefix, len, &first, &end);
    if (rc)
        return rc;
    uint32_t *v = malloc((size_t)(end > first ? end - first : 1) * sizeof *v);
    if (!v)
        return PDX_ENOMEM;
    size_t k = 0;
    for (uint32_t o = first; o < end; o++) {
        bool live;
        if ((rc = term_is_live(ix, o, &live))) {
            free(v);
            return rc;
        }
        if (live)
            v[k++] = o;
    }
    *out = v;
    *n = k;
    return PDX_OK;
}
