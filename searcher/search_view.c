/*
 * What the searcher asks of the index it searches, in one place: an index
 * is a view over one or more segments (common/segment.h, docs/FORMAT.md
 * "Manifest"), or a lone segment handle, and these calls answer for both.
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
    return ix->n_segs ? ix->n_live : ix->n_docs - ix->n_deleted;
}

uint32_t pdx_search_n_segs(const pdx_index *ix)
{
    return ix->n_segs ? ix->n_segs : 1;
}

pdx_index *pdx_search_seg(pdx_index *ix, uint32_t i, uint32_t *base)
{
    if (!ix->n_segs) {
        *base = 0;
        return ix;
    }
    *base = ix->base[i];
    return ix->segs[i];
}

bool pdx_search_has_deleted(const pdx_index *ix)
{
    return ix->n_segs ? ix->n_live < ix->n_docs : ix->n_deleted > 0;
}

int pdx_search_term_local(pdx_index *ix, uint32_t vord, uint32_t seg, uint32_t *local)
{
    return pdx_term_local(ix, vord, seg, local);
}

int pdx_search_list_df(pdx_index *ix, uint32_t vord, unsigned field, uint64_t *out)
{
    pdx_term t;
    *out = 0;
    int rc = pdx_term_get(ix, vord, &t);
    return rc ? rc : pdx_term_list_df(ix, t.str, t.len, field, out);
}

/* Is vord a term some live paper has? Only an index with deletions can
 * hold a term that none has (pdx_term_df counts live papers). */
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
    int rc = pdx_term_prefix_list(ix, prefix, len, out, n);
    if (rc)
        return rc;
    size_t k = 0;
    for (size_t i = 0; i < *n; i++) {
        bool live;
        if ((rc = term_is_live(ix, (*out)[i], &live))) {
            free(*out);
            *out = NULL;
            *n = 0;
            return rc;
        }
        if (live)
            (*out)[k++] = (*out)[i];
    }
    *n = k;
    return PDX_OK;
}
