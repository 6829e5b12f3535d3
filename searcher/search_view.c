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
 *
 * A term's figures over a view take a lookup of the term in every segment
 * (its local ordinal, then the list headers of its fields less their
 * deleted papers). Parsing, lexicon expansion and the search ask for the
 * same terms again and again (a word's df to decide whether to expand it,
 * then its idf), so the answers are kept per query in the searcher
 * (term_cache), emptied when the next query is parsed. A lone segment
 * without deletions needs none of it: its own figures are the view's.
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

/* Whether the index's own term figures are the view's: one segment, no
 * deleted paper. */
static bool is_plain(const pdx_index *ix)
{
    return pdx_search_n_segs(ix) == 1 && !pdx_search_has_deleted(ix);
}

int pdx_search_term_local(pdx_index *ix, uint32_t vord, uint32_t seg, uint32_t *local)
{
    return pdx_term_local(ix, vord, seg, local);
}

/* The live papers of each field's list of term vord in segment seg (df[f];
 * 0 where it has none: the list's df less its deleted papers, MDELDF),
 * and the term's local ordinal there. PDX_ENOTFOUND when the segment
 * lacks the term. */
static int segment_dfs(pdx_index *ix, uint32_t vord, uint32_t seg, uint32_t *local,
                       uint64_t df[PDX_NFIELDS])
{
    uint32_t base;
    pdx_index *sg = pdx_search_seg(ix, seg, &base);
    pdx_term t;
    int rc = pdx_term_local(ix, vord, seg, local);
    if (!rc)
        rc = pdx_term_get(sg, *local, &t);
    for (unsigned f = 0; !rc && f < PDX_NFIELDS; f++) {
        pdx_list_header h;
        df[f] = 0;
        if (!(t.fields & (1u << f)))
            continue;
        if ((rc = pdx_term_list(sg, &t, f, &h)))
            break;
        uint32_t gone = pdx_deldf_count(sg, t.str, t.len, f);
        df[f] = h.df > gone ? h.df - gone : 0;
    }
    if (rc && rc != PDX_ENOTFOUND && sg != ix)
        return pdx_view_pass_error(ix, sg, rc);
    return rc;
}

/* Computes entry e of the cache for vord: every segment's ordinal and the
 * live df of each field over the view. */
static int term_stats_compute(pdx_searcher *s, size_t e, uint32_t vord)
{
    pdx_term_cache *tc = &s->terms;
    uint32_t *locals = &tc->locals[e * tc->n_segs];
    uint64_t *df = tc->df[e];
    for (unsigned f = 0; f < PDX_NFIELDS; f++)
        df[f] = 0;
    for (uint32_t i = 0; i < tc->n_segs; i++) {
        uint64_t one[PDX_NFIELDS];
        int rc = segment_dfs(s->ix, vord, i, &locals[i], one);
        if (rc == PDX_ENOTFOUND) {
            locals[i] = PDX_NO_ORD;
            continue;
        }
        if (rc)
            return rc;
        for (unsigned f = 0; f < PDX_NFIELDS; f++)
            df[f] += one[f];
    }
    tc->vord[e] = vord;
    tc->n++;
    return PDX_OK;
}

/* Makes room for one more entry: the table, kept at most half full,
 * doubles (re-placing the entries). */
static int term_cache_grow(pdx_searcher *s)
{
    pdx_term_cache *tc = &s->terms;
    if (tc->cap && (tc->n + 1) * 2 <= tc->cap)
        return PDX_OK;
    pdx_term_cache old = *tc;
    size_t cap = old.cap ? old.cap * 2 : 64;
    tc->n_segs = pdx_search_n_segs(s->ix);
    tc->vord = malloc(cap * sizeof *tc->vord);
    tc->df = malloc(cap * sizeof *tc->df);
    tc->locals = malloc(cap * tc->n_segs * sizeof *tc->locals);
    if (!tc->vord || !tc->df || !tc->locals) {
        free(tc->vord);
        free(tc->df);
        free(tc->locals);
        *tc = old;
        return PDX_ENOMEM;
    }
    tc->cap = cap;
    tc->n = 0;
    for (size_t i = 0; i < cap; i++)
        tc->vord[i] = PDX_NO_ORD;
    for (size_t i = 0; i < old.cap; i++) {
        if (old.vord[i] == PDX_NO_ORD)
            continue;
        size_t e = old.vord[i] & (cap - 1);
        while (tc->vord[e] != PDX_NO_ORD)
            e = (e + 1) & (cap - 1);
        tc->vord[e] = old.vord[i];
        memcpy(tc->df[e], old.df[i], sizeof tc->df[e]);
        memcpy(&tc->locals[e * tc->n_segs], &old.locals[i * tc->n_segs],
               tc->n_segs * sizeof *tc->locals);
        tc->n++;
    }
    free(old.vord);
    free(old.df);
    free(old.locals);
    return PDX_OK;
}

int pdx_search_term_stats(pdx_searcher *s, uint32_t vord, const uint32_t **locals,
                          const uint64_t **df)
{
    pdx_term_cache *tc = &s->terms;
    size_t e = tc->cap ? vord & (tc->cap - 1) : 0;
    while (tc->cap && tc->vord[e] != PDX_NO_ORD && tc->vord[e] != vord)
        e = (e + 1) & (tc->cap - 1);
    if (!tc->cap || tc->vord[e] != vord) {
        if (term_cache_grow(s))
            return pdx_searcher_error(s, PDX_ENOMEM, "out of memory");
        e = vord & (tc->cap - 1);
        while (tc->vord[e] != PDX_NO_ORD)
            e = (e + 1) & (tc->cap - 1);
        int rc = term_stats_compute(s, e, vord);
        if (rc)
            return pdx_searcher_error(s, rc, "%s", pdx_index_errmsg(s->ix));
    }
    *locals = &tc->locals[e * tc->n_segs];
    *df = tc->df[e];
    return PDX_OK;
}

void pdx_search_terms_forget(pdx_searcher *s)
{
    pdx_term_cache *tc = &s->terms;
    if (!tc->n)
        return;
    for (size_t i = 0; i < tc->cap; i++)
        tc->vord[i] = PDX_NO_ORD;
    tc->n = 0;
}

void pdx_search_terms_free(pdx_searcher *s)
{
    free(s->terms.vord);
    free(s->terms.df);
    free(s->terms.locals);
    memset(&s->terms, 0, sizeof s->terms);
}

/* Live papers of term vord over the view in each field of fields, into
 * df[] (0 for the others): what pdx_search_term_df sums and
 * pdx_search_term_papers takes the largest of. */
static int term_field_dfs(pdx_searcher *s, uint32_t vord, unsigned fields,
                          uint64_t df[PDX_NFIELDS])
{
    for (unsigned f = 0; f < PDX_NFIELDS; f++)
        df[f] = 0;
    if (is_plain(s->ix)) { /* the segment's own figures, asked of it directly */
        uint32_t base, local;
        pdx_index *sg = pdx_search_seg(s->ix, 0, &base);
        int rc = pdx_term_local(s->ix, vord, 0, &local);
        if (!rc)
            rc = pdx_term_field_dfs(sg, local, fields, df);
        if (rc && sg != s->ix)
            pdx_view_pass_error(s->ix, sg, rc);
        return rc ? pdx_searcher_error(s, rc, "%s", pdx_index_errmsg(s->ix)) : PDX_OK;
    }
    const uint32_t *locals;
    const uint64_t *live;
    int rc = pdx_search_term_stats(s, vord, &locals, &live);
    for (unsigned f = 0; !rc && f < PDX_NFIELDS; f++)
        if (fields & (1u << f))
            df[f] = live[f];
    return rc;
}

int pdx_search_term_df(pdx_searcher *s, uint32_t vord, unsigned fields, uint64_t *out)
{
    uint64_t df[PDX_NFIELDS];
    int rc = term_field_dfs(s, vord, fields, df);
    *out = 0;
    for (unsigned f = 0; !rc && f < PDX_NFIELDS; f++)
        *out += df[f];
    return rc;
}

int pdx_search_term_papers(pdx_searcher *s, uint32_t vord, uint64_t *out)
{
    uint64_t df[PDX_NFIELDS];
    int rc = term_field_dfs(s, vord, PDX_FIELDS_ALL, df);
    *out = 0;
    for (unsigned f = 0; !rc && f < PDX_NFIELDS; f++)
        *out = PDX_MAX(*out, df[f]);
    return rc;
}

/* Is vord a term some live paper has? Only an index with deletions can
 * hold a term that none has. */
static int term_is_live(pdx_searcher *s, uint32_t vord, bool *out)
{
    *out = true;
    if (!pdx_search_has_deleted(s->ix))
        return PDX_OK;
    uint64_t df;
    int rc = pdx_search_term_df(s, vord, PDX_FIELDS_ALL, &df);
    *out = df > 0;
    return rc;
}

int pdx_search_term_find(pdx_searcher *s, const char *term, size_t len, uint32_t *out)
{
    int rc = pdx_term_find(s->ix, term, len, out);
    if (rc == PDX_ENOTFOUND)
        return rc;
    if (rc)
        return pdx_searcher_error(s, rc, "%s", pdx_index_errmsg(s->ix));
    bool live;
    if ((rc = term_is_live(s, *out, &live)))
        return rc;
    return live ? PDX_OK : PDX_ENOTFOUND;
}

int pdx_search_prefix(pdx_searcher *s, const char *prefix, size_t len, uint32_t **out,
                      size_t *n)
{
    int rc = pdx_term_prefix_list(s->ix, prefix, len, out, n);
    if (rc)
        return rc == PDX_ENOMEM ? rc : pdx_searcher_error(s, rc, "%s", pdx_index_errmsg(s->ix));
    size_t k = 0;
    for (size_t i = 0; i < *n; i++) {
        bool live;
        if ((rc = term_is_live(s, (*out)[i], &live))) {
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
