/*
 * Segments and file records of an update: writing a new segment file,
 * the merge policy, merging adjacent segments, and keeping every file
 * record (MFILES) pointing at its papers as segments come and go.
 *
 * Merge policy (logarithmic, after Lucene's LogMergePolicy, on adjacent
 * segments only so that view order, and with it each file's contiguous
 * range, is kept):
 *   - A segment's level is log4 of its live papers. Going from the oldest
 *     segment, a band is the run of consecutive segments whose levels are
 *     within LEVEL_SPAN (0.75) of the largest level among those left;
 *     whenever a band holds MERGE_FACTOR (4) segments, the first 4 of them
 *     are merged into one (about 4 times bigger: the next level), and the
 *     policy looks again. A paper is so rewritten about once per level it
 *     climbs, log4(N / papers per update) times over its life (4-6 times
 *     for one day at a time on 1x-20x): the write amplification is
 *     logarithmic, and at most 3 segments stay at each level.
 *   - A segment more than half of whose papers are deleted is rewritten
 *     alone (its deleted papers are dropped), so deletions cost at most
 *     twice their segment's live size on disk.
 *   - A segment left with no live paper is dropped.
 *   - Then, while there are more than max_segments (default 10), the two
 *     adjacent segments with the fewest live papers together are merged.
 * --optimize (all) merges every segment into one without deleted papers.
 *
 * A merged segment is written by the ordinary writer from the live stored
 * papers of its inputs, in view order, read back from the segments
 * (pdx_index_paper_get) and tokenized again: the same papers give the same
 * terms, so the merged segment holds exactly the postings its inputs held
 * for those papers.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "publish.h"
#include "update_int.h"

/* Segments of one level merged at a time, and the base of the levels. */
#define MERGE_FACTOR 4
/* Levels within this much of a band's largest are in the band. */
#define LEVEL_SPAN 0.75

/* ---- new segments ---- */

int pdx_update_writer(pdx_updater *u, pdx_writer **out)
{
    *out = NULL;
    if (u->n_segs >= PDX_MAX_SEGMENTS)
        return pdx_update_fail(u, PDX_ELIMIT, "%s: too many segments", u->path);
    int rc = pdx_writer_new(out, u->path, &u->opts.writer);
    if (!rc) /* the manifest's lexicon is the live papers', not the segment's */
        pdx_writer_no_lexicon(*out);
    if (rc) {
        pdx_update_fail(u, rc, "%s", *out ? pdx_writer_errmsg(*out) : pdx_strerror(rc));
        pdx_writer_free(*out);
        *out = NULL;
    }
    return rc;
}

int pdx_update_push_segment(pdx_updater *u, const pdx_manifest_segment *ms, useg **out)
{
    char *sp = pdx_segment_path(u->path, ms->seq);
    if (!sp)
        return pdx_update_oom(u);
    useg *s = &u->segs[u->n_segs];
    memset(s, 0, sizeof *s);
    char err[PDX_MSG_MAX];
    int rc = pdx_segment_open(&s->ix, sp, err, sizeof err);
    free(sp);
    if (rc)
        return pdx_update_fail(u, rc, "%s", err);
    s->seq = ms->seq;
    s->n_docs = ms->n_docs;
    s->file_size = ms->file_size;
    s->header_sum = ms->header_sum;
    s->deleted = calloc(s->n_docs ? s->n_docs : 1, 1);
    if (!s->deleted || s->ix->n_docs != ms->n_docs) {
        pdx_index_close(s->ix);
        free(s->deleted);
        return s->deleted ? pdx_update_fail(u, PDX_EIO, "%s: the segment just written does "
                                            "not read back", u->path)
                          : pdx_update_oom(u);
    }
    u->n_segs++;
    *out = s;
    return PDX_OK;
}

void pdx_useg_release(useg *s)
{
    pdx_index_close(s->ix);
    free(s->deleted);
    if (s->deldf_owned)
        free(s->deldf);
    pdx_buf_free(&s->deldf_terms);
    memset(s, 0, sizeof *s);
}

/* ---- file records ---- */

nfile *pdx_update_new_record(pdx_updater *u, const wfile *f)
{
    if (u->n_recs == u->cap_recs) {
        size_t nc = u->cap_recs ? u->cap_recs * 2 : 256;
        nfile *nr = realloc(u->recs, nc * sizeof *nr);
        if (!nr)
            return NULL;
        u->recs = nr;
        u->cap_recs = nc;
    }
    nfile *r = &u->recs[u->n_recs];
    memset(r, 0, sizeof *r);
    r->m.path = strdup(f->path);
    if (!r->m.path)
        return NULL;
    r->m.size = f->size;
    r->m.mtime_ns = f->mtime_ns;
    r->m.hash = f->hash;
    u->n_recs++;
    return r;
}

int pdx_update_add_dropped(pdx_updater *u, nfile *r, const char *id, size_t len)
{
    for (uint32_t k = 0; k < r->m.n_dropped; k++)
        if (strlen(r->m.dropped[k]) == len && memcmp(r->m.dropped[k], id, len) == 0)
            return PDX_OK;
    if (r->m.n_dropped == r->cap_dropped) {
        uint32_t nc = r->cap_dropped ? r->cap_dropped * 2 : 4;
        char **nd = realloc(r->m.dropped, nc * sizeof *nd);
        if (!nd)
            return pdx_update_oom(u);
        r->m.dropped = nd;
        r->cap_dropped = nc;
    }
    r->m.dropped[r->m.n_dropped] = pdx_strndup0(id, len);
    if (!r->m.dropped[r->m.n_dropped])
        return pdx_update_oom(u);
    r->m.n_dropped++;
    return PDX_OK;
}

int pdx_update_copy_record(pdx_updater *u, const wfile *f, const pdx_manifest_file *o)
{
    wfile own = {.path = o->path, .size = o->size, .mtime_ns = o->mtime_ns, .hash = o->hash};
    nfile *r = pdx_update_new_record(u, f ? f : &own);
    if (!r)
        return pdx_update_oom(u);
    r->m.seq = o->seq;
    r->m.first_doc = o->first_doc;
    r->m.n_docs = o->n_docs;
    for (uint32_t k = 0; k < o->n_dropped; k++)
        if (pdx_update_add_dropped(u, r, o->dropped[k], strlen(o->dropped[k])))
            return u->err;
    return PDX_OK;
}

int pdx_update_carry_records(pdx_updater *u)
{
    for (size_t i = 0; i < u->n_walk; i++) {
        const wfile *f = &u->walk[i];
        if (f->kind == WF_UNCHANGED && pdx_update_copy_record(u, f, &u->old.files[f->old]))
            return u->err;
    }
    /* --optimize walks nothing: every old record is carried as it is */
    if (!u->n_walk && u->have_old && !u->old_walked) {
        for (uint32_t k = 0; k < u->old.n_files; k++)
            if (pdx_update_copy_record(u, NULL, &u->old.files[k]))
                return u->err;
    }
    return PDX_OK;
}

nfile *pdx_update_record_of_doc(pdx_updater *u, const useg *s, uint32_t doc)
{
    for (size_t i = 0; i < u->n_recs; i++) {
        const pdx_manifest_file *m = &u->recs[i].m;
        if (m->seq == s->seq && doc >= m->first_doc && doc - m->first_doc < m->n_docs)
            return &u->recs[i];
    }
    return NULL;
}

void pdx_update_free_records(pdx_updater *u)
{
    for (size_t i = 0; i < u->n_recs; i++) {
        free(u->recs[i].m.path);
        for (uint32_t k = 0; k < u->recs[i].m.n_dropped; k++)
            free(u->recs[i].m.dropped[k]);
        free(u->recs[i].m.dropped);
    }
    free(u->recs);
    u->recs = NULL;
    u->n_recs = 0;
}

bool pdx_update_changed(const pdx_updater *u)
{
    if (u->records_changed || u->new_seg >= 0)
        return true;
    for (uint32_t i = 0; i < u->n_segs; i++)
        if (u->segs[i].del_changed)
            return true;
    return false;
}

/* ---- merging ---- */

int pdx_update_paper_of(pdx_index *ix, uint32_t doc, pdx_paper *out, char **file)
{
    *file = NULL;
    pdx_index_paper h;
    int rc = pdx_index_paper_get(ix, doc, &h);
    if (rc)
        return rc;
    *file = pdx_strndup0(h.file, h.file_len);
    if (!*file)
        return PDX_ENOMEM;
    *out = (pdx_paper){
        .id = h.id, .id_len = h.id_len, .url = h.url, .url_len = h.url_len,
        .title = h.title, .title_len = h.title_len, .authors = h.authors,
        .authors_len = h.authors_len, .n_authors = h.n_authors, .summary = h.summary,
        .summary_len = h.summary_len, .date = h.date, .votes = h.votes, .file = *file,
        .line = h.line, .id_synthesized = h.id_synthesized};
    return PDX_OK;
}

/* log4 of the live papers (a segment with none is level 0). */
static double level_of(const useg *s)
{
    uint32_t live = pdx_useg_live(s);
    return live ? log((double)live) / log((double)MERGE_FACTOR) : 0.0;
}

/* The first MERGE_FACTOR segments of a band (see the top of the file):
 * sets *lo and returns true, or false when no band holds that many. */
static bool find_level_merge(const pdx_updater *u, uint32_t *lo)
{
    for (uint32_t start = 0; start < u->n_segs;) {
        double top = 0;
        for (uint32_t k = start; k < u->n_segs; k++)
            top = PDX_MAX(top, level_of(&u->segs[k]));
        uint32_t end = start; /* the band: [start, end] */
        for (uint32_t k = start; k < u->n_segs; k++)
            if (level_of(&u->segs[k]) >= top - LEVEL_SPAN)
                end = k;
        if (end - start + 1 >= MERGE_FACTOR) {
            *lo = start;
            return true;
        }
        start = end + 1;
    }
    return false;
}

/* Papers copied between two releases of the source segment's pages. */
#define RELEASE_EVERY 2048

/* Adds the live papers of s, in order, to w. The segment's mapped pages
 * are handed back to the kernel every RELEASE_EVERY papers (they are read
 * once, front to back): without that a merge's resident set grows by the
 * stored text of everything it copies, past the writer's --mem-mb. */
static int copy_live(pdx_updater *u, pdx_writer *w, useg *s)
{
    /* What is copied is checked first: damage would otherwise come out
     * in a new segment with checksums of its own that --check accepts. */
    static const unsigned read_sections[] = {PDX_SEC_DOCS, PDX_SEC_STORED};
    for (size_t i = 0; i < sizeof read_sections / sizeof read_sections[0]; i++) {
        int rc = pdx_section_verify(s->ix, read_sections[i]);
        if (rc)
            return pdx_update_fail(u, rc, "%s", pdx_index_errmsg(s->ix));
    }
    for (uint32_t d = 0; d < s->n_docs; d++) {
        if (d % RELEASE_EVERY == RELEASE_EVERY - 1)
            madvise((void *)s->ix->map, (size_t)s->ix->size, MADV_DONTNEED);
        if (s->deleted[d])
            continue;
        pdx_paper p;
        char *file;
        int rc = pdx_update_paper_of(s->ix, d, &p, &file);
        if (rc) {
            free(file);
            return rc == PDX_ENOMEM ? pdx_update_oom(u)
                                    : pdx_update_fail(u, rc, "%s", pdx_index_errmsg(s->ix));
        }
        rc = pdx_writer_add(w, &p);
        free(file);
        if (rc)
            return pdx_update_fail(u, rc, "%s", pdx_writer_errmsg(w));
    }
    return PDX_OK;
}

/* Points the records of segments [lo, hi) at the merged segment seq,
 * whose papers are their live papers in view order. */
static int remap_records(pdx_updater *u, uint32_t lo, uint32_t hi, uint64_t seq)
{
    for (size_t i = 0; i < u->n_recs; i++) {
        pdx_manifest_file *m = &u->recs[i].m;
        uint32_t base = 0;
        for (uint32_t k = lo; k < hi; k++) {
            const useg *s = &u->segs[k];
            if (s->seq != m->seq) {
                base += pdx_useg_live(s);
                continue;
            }
            if ((uint64_t)m->first_doc + m->n_docs > s->n_docs)
                return pdx_update_fail(u, PDX_ECORRUPT,
                                       "%s: the record of %s is outside its segment", u->path,
                                       m->path);
            uint32_t before = 0, in = 0;
            for (uint32_t d = 0; d < m->first_doc; d++)
                before += !s->deleted[d];
            for (uint32_t d = m->first_doc; d < m->first_doc + m->n_docs; d++)
                in += !s->deleted[d];
            m->seq = seq;
            m->first_doc = base + before;
            m->n_docs = in;
            break;
        }
    }
    return PDX_OK;
}

/* Replaces segments [lo, hi) of the view by `with` (a segment pushed at
 * the end of segs, or NULL: they are dropped). */
static int replace_range(pdx_updater *u, uint32_t lo, uint32_t hi, useg *with)
{
    useg repl;
    if (with)
        repl = *with;
    for (uint32_t k = lo; k < hi; k++) {
        if (u->new_seg == (int32_t)k)
            u->new_seg = -1;
        pdx_useg_release(&u->segs[k]);
    }
    uint32_t n = u->n_segs - (with ? 1 : 0); /* the pushed one leaves the end */
    uint32_t put = with ? 1 : 0;
    memmove(&u->segs[lo + put], &u->segs[hi], (size_t)(n - hi) * sizeof *u->segs);
    if (with)
        u->segs[lo] = repl;
    u->n_segs = n - (hi - lo) + put;
    u->records_changed = true;
    return PDX_OK;
}

/* Merges segments [lo, hi) into one new segment from their live papers. */
static int merge_range(pdx_updater *u, uint32_t lo, uint32_t hi)
{
    if (pdx_update_assoc_result(u)) /* it reads u->segs, which this changes */
        return u->err;
    uint32_t live = 0;
    for (uint32_t k = lo; k < hi; k++)
        live += pdx_useg_live(&u->segs[k]);
    if (!live) { /* nothing to keep: records of the range become empty */
        for (size_t i = 0; i < u->n_recs; i++)
            for (uint32_t k = lo; k < hi; k++)
                if (u->recs[i].m.seq == u->segs[k].seq)
                    u->recs[i].m.n_docs = 0;
        return replace_range(u, lo, hi, NULL);
    }
    uint64_t seq = u->next_seq++;
    pdx_writer *w = NULL;
    int rc = pdx_update_writer(u, &w);
    for (uint32_t k = lo; !rc && k < hi; k++)
        rc = copy_live(u, w, &u->segs[k]);
    pdx_segment_out out = {0};
    if (!rc) {
        rc = pdx_writer_commit_segment(w, seq, &out, NULL);
        if (rc)
            pdx_update_fail(u, rc, "%s", pdx_writer_errmsg(w));
    }
    pdx_writer_free(w);
    useg *s = NULL;
    if (!rc)
        rc = pdx_update_push_segment(u, &out.seg, &s);
    pdx_segment_out_free(&out);
    if (rc || remap_records(u, lo, hi, seq))
        return u->err ? u->err : rc;
    u->st.merges++;
    return replace_range(u, lo, hi, s);
}

/* The smallest adjacent pair by live papers (the policy's last rule). */
static uint32_t smallest_pair(const pdx_updater *u)
{
    uint32_t best = 0;
    uint64_t best_sum = UINT64_MAX;
    for (uint32_t k = 0; k + 1 < u->n_segs; k++) {
        uint64_t sum = (uint64_t)pdx_useg_live(&u->segs[k]) + pdx_useg_live(&u->segs[k + 1]);
        if (sum < best_sum) {
            best_sum = sum;
            best = k;
        }
    }
    return best;
}

/* One step of the policy; *done when nothing is left to merge. */
static int policy_step(pdx_updater *u, bool *done)
{
    *done = false;
    for (uint32_t k = 0; k < u->n_segs; k++) {
        const useg *s = &u->segs[k];
        if (u->n_segs > 1 && pdx_useg_live(s) == 0)
            return merge_range(u, k, k + 1); /* drops it */
        if (s->n_deleted && s->n_deleted * 2 > s->n_docs && pdx_useg_live(s) > 0)
            return merge_range(u, k, k + 1);
    }
    uint32_t n = u->n_segs, lo;
    if (find_level_merge(u, &lo))
        return merge_range(u, lo, lo + MERGE_FACTOR);
    if (n > u->opts.max_segments) {
        uint32_t k = smallest_pair(u);
        return merge_range(u, k, k + 2);
    }
    *done = true;
    return PDX_OK;
}

int pdx_update_merge(pdx_updater *u, bool all)
{
    if (u->n_segs == 0)
        return PDX_OK;
    if (all) {
        uint32_t live = 0;
        for (uint32_t k = 0; k < u->n_segs; k++)
            live += pdx_useg_live(&u->segs[k]);
        if (!live)
            return pdx_update_fail(u, PDX_EINVAL, "%s: the index has no live paper", u->path);
        return merge_range(u, 0, u->n_segs);
    }
    bool done = false;
    while (!done && !u->err && !pdx_update_cancelled(u))
        if (policy_step(u, &done))
            return u->err;
    return u->err;
}
