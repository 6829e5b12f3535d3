/*
 * The last step of an update: what the new manifest holds besides its
 * segments and records, computed from the live papers, then the manifest
 * itself, written atomically, then the removal of the files it no longer
 * names.
 *
 * - MDELDF: for each segment whose deletions changed, the deleted papers'
 *   stored fields are tokenized again by doc_batch.c, the code that gave
 *   the writer each paper's terms, so the (term, field) pairs counted are
 *   exactly the lists those papers are in. Recomputed from all the
 *   segment's deleted papers, not patched: it is small (tens of papers).
 * - MMETA: live papers, per-field token sums and the date range, summed
 *   over the live papers of every segment (integers, so exactly what one
 *   full build of the same papers records); max_votes is the largest of
 *   the segments' (a bound, deleted papers included).
 * - LEXICON and MCAND: the old candidate table (MCAND) is imported into a
 *   miner, the title and summary of every paper this run deleted are
 *   un-mined and those of the new segment's live papers mined
 *   (pdx_update_lexicon_delta, before merges drop deleted papers); the
 *   table is exported as the new MCAND and finished into the LEXICON. While
 *   the table was never pruned this is exactly the table, and so the
 *   lexicon, of a miner fed the live papers afresh (lexicon_mine.h). Without
 *   a table (a full build that wrote none), or when it cannot be used
 *   (pruned: un-mining is refused; damaged), every live paper is mined
 *   again, in view order.
 * - The manifest goes to "<INDEX>.tmp.<pid>.<random>.mf" (publish.c), is
 *   fsynced, renamed over INDEX, and the directory fsynced. Only then are
 *   segment files that are no longer named unlinked: a reader that read
 *   the old manifest and then misses a segment re-reads INDEX (FORMAT.md).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "assoc.h"
#include "lexicon.h"
#include "lexicon_mine.h"
#include "paperdex/tokenizer.h"
#include "publish.h"
#include "update_int.h"

/* ---- MDELDF ---- */

/* One (term, field) of one deleted paper, its term in the segment's
 * deldf_terms buffer (by offset while the buffer grows). */
typedef struct del_term {
    size_t off;    /* into deldf_terms */
    uint8_t len;   /* term bytes */
    uint8_t field; /* enum pdx_field */
    const uint8_t *s; /* set once the buffer is complete */
} del_term;

static int cmp_del_term(const void *a, const void *b)
{
    const del_term *x = a, *y = b;
    int c = pdx_term_cmp(x->s, x->len, y->s, y->len);
    return c ? c : (x->field > y->field) - (x->field < y->field);
}

/* Appends the (term, field) pairs of deleted paper d of s to *v. */
static int collect_deleted_terms(pdx_updater *u, useg *s, uint32_t d, pdx_doc_batch *b,
                                 del_term **v, size_t *n, size_t *cap)
{
    pdx_paper p;
    char *file;
    int rc = pdx_update_paper_of(s->ix, d, &p, &file);
    if (!rc) {
        pdx_doc_batch_reset(b);
        rc = pdx_doc_batch_add(b, &p);
        if (!rc)
            rc = pdx_doc_batch_error(b, 0);
    }
    free(file);
    if (rc)
        return rc == PDX_ENOMEM ? pdx_update_oom(u)
                                : pdx_update_fail(u, rc, "%s: paper %u cannot be tokenized again",
                                                  u->path, d);
    for (unsigned f = 0; f < PDX_NFIELDS; f++) {
        uint32_t nt = pdx_doc_batch_n_terms(b, 0, f);
        for (uint32_t k = 0; k < nt; k++) {
            pdx_doc_term t;
            pdx_doc_batch_term(b, 0, f, k, &t);
            if (*n == *cap) {
                size_t nc = *cap ? *cap * 2 : 1024;
                del_term *nv = realloc(*v, nc * sizeof *nv);
                if (!nv)
                    return pdx_update_oom(u);
                *v = nv;
                *cap = nc;
            }
            (*v)[(*n)++] = (del_term){s->deldf_terms.len, (uint8_t)t.len, (uint8_t)f, NULL};
            pdx_buf_append(&s->deldf_terms, t.s, t.len);
        }
    }
    return s->deldf_terms.err ? pdx_update_oom(u) : PDX_OK;
}

/* Recomputes s's MDELDF table from its deleted papers. */
static int compute_deldf(pdx_updater *u, useg *s, pdx_doc_batch *b)
{
    if (s->deldf_owned)
        free(s->deldf);
    s->deldf = NULL;
    s->n_deldf = 0;
    s->deldf_owned = true;
    pdx_buf_reset(&s->deldf_terms);
    del_term *v = NULL;
    size_t n = 0, cap = 0;
    for (uint32_t d = 0; d < s->n_docs && !u->err; d++)
        if (s->deleted[d])
            collect_deleted_terms(u, s, d, b, &v, &n, &cap);
    if (u->err) {
        free(v);
        return u->err;
    }
    for (size_t i = 0; i < n; i++)
        v[i].s = s->deldf_terms.data + v[i].off;
    qsort(v, n, sizeof *v, cmp_del_term);
    s->deldf = malloc((n ? n : 1) * sizeof *s->deldf);
    if (!s->deldf) {
        free(v);
        return pdx_update_oom(u);
    }
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && cmp_del_term(&v[i], &v[j]) == 0)
            j++;
        s->deldf[s->n_deldf++] = (pdx_deldf){(const char *)v[i].s, v[i].len, v[i].field,
                                             (uint32_t)(j - i)};
        i = j;
    }
    free(v);
    return PDX_OK;
}

static int compute_all_deldf(pdx_updater *u)
{
    pdx_doc_batch *b = NULL;
    if (pdx_doc_batch_new(&b))
        return pdx_update_oom(u);
    for (uint32_t i = 0; i < u->n_segs && !u->err; i++)
        if (u->segs[i].del_changed)
            compute_deldf(u, &u->segs[i], b);
    pdx_doc_batch_free(b);
    return u->err;
}

/* ---- MMETA and LEXICON ---- */

static int live_statistics(pdx_updater *u, pdx_manifest *m)
{
    for (uint32_t i = 0; i < u->n_segs; i++) {
        useg *s = &u->segs[i];
        m->max_votes = PDX_MAX(m->max_votes, s->ix->max_votes);
        for (uint32_t d = 0; d < s->n_docs; d++) {
            if (s->deleted[d])
                continue;
            pdx_doc doc;
            if (pdx_doc_get(s->ix, d, &doc))
                return pdx_update_fail(u, PDX_ECORRUPT, "%s", pdx_index_errmsg(s->ix));
            m->n_live++;
            for (unsigned f = 0; f < PDX_NFIELDS; f++)
                m->sum_len[f] += doc.len[f];
            if (doc.date) {
                if (!m->min_date || doc.date < m->min_date)
                    m->min_date = doc.date;
                if (doc.date > m->max_date)
                    m->max_date = doc.date;
            }
        }
    }
    if (!m->n_live)
        return pdx_update_fail(u, PDX_EINVAL,
                               "%s: no papers would be left (every input file is gone or "
                               "empty)",
                               u->path);
    return PDX_OK;
}

/* Feeds (add) or takes back (unmine) the title and summary of paper d. */
static int mine_paper(pdx_lexicon_miner *m, pdx_index *ix, uint32_t d, bool add)
{
    pdx_stored sd;
    int rc = pdx_stored_get(ix, d, &sd);
    if (!rc)
        rc = add ? pdx_lexicon_miner_add_paper(m, sd.title, sd.title_len, sd.summary,
                                               sd.summary_len)
                 : pdx_lexicon_miner_unmine_paper(m, sd.title, sd.title_len, sd.summary,
                                                  sd.summary_len);
    return rc;
}

/* Un-mines the papers of old segment i deleted by this run. */
static int unmine_deleted(pdx_updater *u, pdx_lexicon_miner *m, uint32_t i)
{
    const useg *s = &u->segs[i];
    const pdx_manifest_segment *os = &u->old.segs[i];
    int rc = PDX_OK;
    for (uint32_t d = 0, k = 0; !rc && d < s->n_docs; d++) {
        while (k < os->n_deleted && os->deleted[k] < d)
            k++;
        bool was = k < os->n_deleted && os->deleted[k] == d;
        if (s->deleted[d] && !was)
            rc = mine_paper(m, s->ix, d, false);
    }
    return rc;
}

int pdx_update_lexicon_delta(pdx_updater *u)
{
    if (!u->have_old || !u->old.cand_len)
        return PDX_OK;
    pdx_lexicon_miner *m = NULL;
    int rc = pdx_lexicon_miner_new(&m, NULL);
    if (!rc)
        rc = pdx_lexicon_miner_import(m, u->old.cand, u->old.cand_len);
    for (uint32_t i = 0; !rc && i < u->old.n_segs; i++)
        rc = unmine_deleted(u, m, i);
    const useg *ns = u->new_seg >= 0 ? &u->segs[u->new_seg] : NULL;
    for (uint32_t d = 0; !rc && ns && d < ns->n_docs; d++)
        if (!ns->deleted[d])
            rc = mine_paper(m, ns->ix, d, true);
    if (rc == PDX_ENOMEM) {
        pdx_lexicon_miner_free(m);
        return pdx_update_oom(u);
    }
    if (rc) { /* pruned, damaged, or not this table's texts: mine all again */
        pdx_lexicon_miner_free(m);
        return PDX_OK;
    }
    u->miner = m;
    return PDX_OK;
}

/* Records read between two releases of the pages they mapped in. */
#define COUNT_RELEASE_EVERY 1024

/* Counts the title and summary of every live paper of segment s in the
 * sample into a (assoc.h); the sample is picked by the ids' tags in
 * IDHASH, so the other papers' records are not read, and the pages read
 * are let go as it goes (peak RSS at 20x: 183 MB without, as much as
 * before the association with). */
static int count_segment(useg *s, pdx_assoc *a)
{
    uint32_t *tags = malloc(((size_t)s->n_docs + 1) * sizeof *tags);
    int rc = tags ? pdx_doc_id_tags(s->ix, tags) : PDX_ENOMEM;
    for (uint32_t d = 0, read = 0; !rc && d < s->n_docs; d++) {
        pdx_stored sd;
        if (s->deleted[d] || !pdx_assoc_samples(a, tags[d]) ||
            (rc = pdx_stored_get(s->ix, d, &sd)))
            continue;
        rc = pdx_assoc_add_paper(a, sd.id, sd.id_len, sd.title, sd.title_len, sd.summary,
                                 sd.summary_len);
        if (++read % COUNT_RELEASE_EVERY == 0)
            pdx_stored_release(s->ix);
    }
    pdx_stored_release(s->ix);
    free(tags);
    return rc;
}

/* Counts the live papers of every segment into a: its pairs need all of
 * them (or the sample), not a delta. What a damaged segment says is kept
 * in u->assoc_why (read once the thread is joined). */
static int count_live(pdx_updater *u, pdx_assoc *a)
{
    int rc = PDX_OK;
    for (uint32_t i = 0; !rc && i < u->n_segs; i++)
        if ((rc = count_segment(&u->segs[i], a)) && rc != PDX_ENOMEM)
            snprintf(u->assoc_why, sizeof u->assoc_why, "%s", pdx_index_errmsg(u->segs[i].ix));
    return rc;
}

static void *count_and_score(void *arg)
{
    pdx_updater *u = arg;
    u->assoc_rc = count_live(u, u->assoc);
    if (!u->assoc_rc)
        u->assoc_rc = pdx_assoc_score(u->assoc);
    return NULL;
}

int pdx_update_assoc_start(pdx_updater *u)
{
    uint64_t live = 0;
    for (uint32_t i = 0; i < u->n_segs; i++)
        live += pdx_useg_live(&u->segs[i]);
    if (u->assoc) /* started already */
        return PDX_OK;
    if ((u->assoc_rc = pdx_assoc_new(&u->assoc, live)))
        return u->assoc_rc == PDX_ENOMEM ? pdx_update_oom(u) : u->assoc_rc;
    if (u->opts.writer.threads != 1 &&
        pthread_create(&u->assoc_thread, NULL, count_and_score, u) == 0)
        u->assoc_running = true;
    else
        count_and_score(u);
    return PDX_OK;
}

int pdx_update_assoc_wait(pdx_updater *u)
{
    if (u->assoc_running)
        pthread_join(u->assoc_thread, NULL);
    u->assoc_running = false;
    return u->assoc_rc;
}

int pdx_update_assoc_result(pdx_updater *u)
{
    int rc = pdx_update_assoc_wait(u);
    if (!rc || u->assoc_reported)
        return rc;
    u->assoc_reported = true;
    if (rc == PDX_ENOMEM)
        return pdx_update_oom(u);
    return pdx_update_fail(u, rc, "%s: counting the title-summary pairs: %s", u->path,
                           u->assoc_why[0] ? u->assoc_why : pdx_strerror(rc));
}
/* The lexicon of the live papers (LEXICON bytes) and the candidate
 * table it was finished from (MCAND bytes): from u->miner, else mined
 * from every live paper; with the title-summary pairs of u->assoc. */
static int finish_lexicon(pdx_updater *u, pdx_buf *lex, pdx_buf *cand)
{
    int rc = PDX_OK;
    if (!u->miner) {
        rc = pdx_lexicon_miner_new(&u->miner, NULL);
        for (uint32_t i = 0; !rc && i < u->n_segs; i++)
            for (uint32_t d = 0; !rc && d < u->segs[i].n_docs; d++)
                if (!u->segs[i].deleted[d])
                    rc = mine_paper(u->miner, u->segs[i].ix, d, true);
    }
    const pdx_lex_pair *pairs = NULL;
    size_t n = 0;
    if (!rc)
        rc = pdx_lexicon_miner_export(u->miner, cand);
    if (!rc)
        rc = pdx_lexicon_miner_finish(u->miner, &pairs, &n);
    if (!rc) /* started by pdx_update_publish at the latest */
        rc = pdx_update_assoc_result(u);
    if (rc && u->assoc_reported)
        return rc;
    if (!rc)
        rc = pdx_assoc_pairs(u->assoc, pairs, n, &pairs, &n);
    if (!rc)
        rc = pdx_lexicon_encode(lex, pairs, n, PDX_LEXICON_MIN_SUPPORT);
    if (rc)
        return rc == PDX_ENOMEM ? pdx_update_oom(u)
                                : pdx_update_fail(u, rc, "%s: mining the lexicon failed",
                                                  u->path);
    return PDX_OK;
}

/* ---- the manifest ---- */

static int cmp_record(const void *a, const void *b)
{
    return strcmp(((const nfile *)a)->m.path, ((const nfile *)b)->m.path);
}

/* A record whose papers are all gone (deleted, or their segment dropped)
 * points at an empty range of the first segment; its dropped ids stay. */
static void normalize_records(pdx_updater *u)
{
    for (size_t i = 0; i < u->n_recs; i++) {
        pdx_manifest_file *r = &u->recs[i].m;
        const useg *s = pdx_update_seg_of(u, r->seq);
        uint32_t live = 0;
        for (uint32_t k = 0; s && k < r->n_docs && r->first_doc + k < s->n_docs; k++)
            live += !s->deleted[r->first_doc + k];
        if (!live) {
            r->seq = u->segs[0].seq;
            r->first_doc = 0;
            r->n_docs = 0;
        }
    }
    qsort(u->recs, u->n_recs, sizeof *u->recs, cmp_record);
}

/* Fills m's segments (deleted lists allocated) and files (shallow). */
static int fill_manifest(pdx_updater *u, pdx_manifest *m, pdx_manifest_segment *ms,
                         pdx_manifest_file *mf)
{
    m->tokenizer_version = PDX_TOKENIZER_VERSION;
    m->generation = u->generation + 1;
    m->created = u->opts.writer.created ? u->opts.writer.created : (uint64_t)time(NULL);
    m->next_seq = u->next_seq;
    m->stemmer = (char *)pdx_tokenizer_stemmer_name();
    m->unicode_version = (char *)pdx_tokenizer_unicode_version();
    m->generator = (char *)"paperdex " PDX_VERSION_STRING;
    m->n_segs = u->n_segs;
    m->segs = ms;
    for (uint32_t i = 0; i < u->n_segs; i++) {
        const useg *s = &u->segs[i];
        ms[i] = (pdx_manifest_segment){.seq = s->seq, .n_docs = s->n_docs,
                                       .file_size = s->file_size, .header_sum = s->header_sum,
                                       .n_deleted = s->n_deleted, .deldf = s->deldf,
                                       .n_deldf = s->n_deldf};
        ms[i].deleted = malloc((s->n_deleted ? s->n_deleted : 1) * sizeof *ms[i].deleted);
        if (!ms[i].deleted)
            return pdx_update_oom(u);
        uint32_t k = 0;
        for (uint32_t d = 0; d < s->n_docs; d++)
            if (s->deleted[d])
                ms[i].deleted[k++] = d;
    }
    m->n_files = (uint32_t)u->n_recs;
    m->files = mf;
    for (size_t i = 0; i < u->n_recs; i++)
        mf[i] = u->recs[i].m;
    return PDX_OK;
}

/* Publishes m (publish.c: temporary file, fsync, rename, directory
 * fsync) under the locked temporary prefix of a writer made for it, so
 * that the temporary file of a killed run is recognized and removed. */
static int write_manifest(pdx_updater *u, const pdx_manifest *m)
{
    pdx_writer *w = NULL;
    int rc = pdx_update_writer(u, &w);
    char err[PDX_MSG_MAX];
    if (!rc && !pdx_update_cancelled(u)) {
        rc = pdx_manifest_publish(u->path, pdx_writer_tmp_prefix(w), m, err, sizeof err);
        if (rc)
            pdx_update_fail(u, rc, "%s", err);
    }
    pdx_writer_free(w);
    return u->err;
}

int pdx_update_publish(pdx_updater *u)
{
    if (u->n_segs == 0)
        return pdx_update_fail(u, PDX_EINVAL,
                               "%s: no papers to index", u->path);
    pdx_manifest m = {0};
    pdx_buf lex = {0}, cand = {0};
    pdx_manifest_segment *ms = calloc(u->n_segs, sizeof *ms);
    pdx_manifest_file *mf = NULL;
    int rc = ms ? PDX_OK : pdx_update_oom(u);
    if (!rc && !u->assoc) /* not started yet (--optimize): here, beside the rest */
        rc = pdx_update_assoc_start(u);
    if (!rc)
        rc = compute_all_deldf(u);
    if (!rc)
        rc = live_statistics(u, &m);
    if (!rc)
        rc = finish_lexicon(u, &lex, &cand);
    if (!rc) {
        normalize_records(u);
        mf = malloc((u->n_recs ? u->n_recs : 1) * sizeof *mf);
        rc = mf ? fill_manifest(u, &m, ms, mf) : pdx_update_oom(u);
    }
    if (!rc) {
        m.lexicon = lex.data;
        m.lexicon_len = lex.len;
        m.cand = cand.data;
        m.cand_len = cand.len;
        rc = write_manifest(u, &m);
    }
    if (!rc) {
        u->published = true;
        pdx_remove_orphans(u->path, &m, &u->old);
    }
    for (uint32_t i = 0; ms && i < u->n_segs; i++)
        free(ms[i].deleted);
    free(ms);
    free(mf);
    pdx_buf_free(&lex);
    pdx_buf_free(&cand);
    return rc;
}
