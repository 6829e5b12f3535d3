/*
 * Test fixture: an index made of several segments with deleted papers,
 * put together by hand so that a test decides exactly which papers are in
 * which segment and which are deleted (tests/test_multiseg.c,
 * tests/test_exact.c). Included (#include "view_fixture.c") by the tests
 * that use it, as test_exact.c includes bench_gen.c.
 *
 * Each segment is written by the writer (a full build of its papers into a
 * scratch index, whose one segment file is then renamed into place); the
 * manifest naming them is encoded with pdx_manifest_encode, with each
 * segment's deleted ids, its MDELDF table (counted here by walking every
 * list of the segment: how many deleted papers each (term, field) list
 * holds), and the live papers' statistics computed from the segments'
 * records. The lexicon is taken from a reference index (the full build of
 * the live papers), as an update re-finishes it from the live papers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixtures.h"
#include "manifest.h"
#include "paperdex/paperdex.h"
#include "segment.h"

/* One segment of a view: its papers in order, and which are deleted. */
typedef struct vf_segment {
    const pdx_paper *papers;
    size_t n;
    const bool *deleted; /* n flags, or NULL: none deleted */
} vf_segment;

/* Builds index path from the papers with the writer (a full build). */
static void vf_build(const char *path, const pdx_paper *papers, size_t n)
{
    pdx_writer *w;
    assert_int_equal(pdx_writer_new(&w, path, NULL), PDX_OK);
    for (size_t i = 0; i < n; i++)
        if (pdx_writer_add(w, &papers[i]) != PDX_OK)
            fail_msg("adding paper %zu to %s failed", i, path);
    if (pdx_writer_commit(w, NULL) != PDX_OK)
        fail_msg("building %s failed", path);
    pdx_writer_free(w);
}

/* Reads and decodes the manifest of index path into m. */
static void vf_read_manifest(const char *path, pdx_manifest *m)
{
    size_t len;
    uint8_t *bytes = (uint8_t *)fx_read(path, &len);
    assert_non_null(bytes);
    char err[512];
    if (pdx_manifest_decode(m, bytes, len, err, sizeof err) != PDX_OK)
        fail_msg("decode %s: %s", path, err);
    free(bytes);
}

/* The deleted papers' local ids in seg, ascending, into ms. */
static void vf_deleted_ids(pdx_index *seg, const vf_segment *vs, pdx_manifest_segment *ms)
{
    ms->deleted = calloc(vs->n ? vs->n : 1, sizeof *ms->deleted);
    assert_non_null(ms->deleted);
    for (uint32_t d = 0; d < seg->n_docs; d++) {
        pdx_stored st;
        assert_int_equal(pdx_stored_get(seg, d, &st), PDX_OK);
        for (size_t i = 0; vs->deleted && i < vs->n; i++)
            if (vs->deleted[i] && vs->papers[i].id_len == st.id_len &&
                memcmp(vs->papers[i].id, st.id, st.id_len) == 0)
                ms->deleted[ms->n_deleted++] = d;
    }
}

static bool vf_is_deleted(const pdx_manifest_segment *ms, uint32_t doc)
{
    for (uint32_t i = 0; i < ms->n_deleted; i++)
        if (ms->deleted[i] == doc)
            return true;
    return false;
}

/* ms's MDELDF table: for every (term, field) list of seg, in (term bytes,
 * field) order, how many of the deleted papers it holds. */
static void vf_deldf(pdx_index *seg, pdx_manifest_segment *ms)
{
    size_t cap = 16;
    ms->deldf = malloc(cap * sizeof *ms->deldf);
    assert_non_null(ms->deldf);
    for (uint32_t ord = 0; ms->n_deleted && ord < seg->n_terms; ord++) {
        pdx_term t;
        assert_int_equal(pdx_term_get(seg, ord, &t), PDX_OK);
        for (unsigned f = 0; f < PDX_NFIELDS; f++) {
            pdx_postings p;
            if (pdx_postings_open(&p, seg, ord, f) != PDX_OK)
                continue;
            uint32_t count = 0;
            while (p.doc != PDX_NO_DOC) {
                count += vf_is_deleted(ms, p.doc);
                assert_int_equal(pdx_postings_next(&p), PDX_OK);
            }
            if (!count)
                continue;
            if (ms->n_deldf == cap) {
                cap *= 2;
                ms->deldf = realloc(ms->deldf, cap * sizeof *ms->deldf);
                assert_non_null(ms->deldf);
            }
            char *term = malloc(t.len);
            assert_non_null(term);
            memcpy(term, t.str, t.len);
            ms->deldf[ms->n_deldf++] =
                (pdx_deldf){.term = term, .term_len = (uint8_t)t.len, .field = (uint8_t)f,
                            .count = count};
        }
    }
}

/* Adds the live papers of seg to the manifest's statistics. */
static void vf_live_stats(pdx_index *seg, const pdx_manifest_segment *ms, pdx_manifest *m)
{
    for (uint32_t d = 0; d < seg->n_docs; d++) {
        if (vf_is_deleted(ms, d))
            continue;
        pdx_doc doc;
        assert_int_equal(pdx_doc_get(seg, d, &doc), PDX_OK);
        m->n_live++;
        for (unsigned f = 0; f < PDX_NFIELDS; f++)
            m->sum_len[f] += doc.len[f];
        if (doc.date && (!m->min_date || doc.date < m->min_date))
            m->min_date = doc.date;
        if (doc.date > m->max_date)
            m->max_date = doc.date;
    }
    if (seg->max_votes > m->max_votes)
        m->max_votes = seg->max_votes;
}

/* Makes in dir the index "<dir>/<name>" of n segments, segment i holding
 * segs[i]'s papers with those flagged deleted, its lexicon (and metadata
 * strings) copied from the index ref_path. Returns the index path
 * (malloc'd). */
static char *vf_make_view(const char *dir, const char *name, const vf_segment *segs, size_t n,
                          const char *ref_path)
{
    char *path = fx_path(dir, name);
    pdx_manifest ref, m;
    vf_read_manifest(ref_path, &ref);
    memset(&m, 0, sizeof m);
    m.tokenizer_version = ref.tokenizer_version;
    m.generation = 1;
    m.created = ref.created;
    m.next_seq = n + 1;
    m.stemmer = ref.stemmer;
    m.unicode_version = ref.unicode_version;
    m.generator = ref.generator;
    m.lexicon = ref.lexicon;
    m.lexicon_len = ref.lexicon_len;
    m.n_segs = (uint32_t)n;
    m.segs = calloc(n, sizeof *m.segs);
    assert_non_null(m.segs);
    for (size_t i = 0; i < n; i++) {
        char part_name[64];
        snprintf(part_name, sizeof part_name, "%s.part%zu", name, i);
        char *part = fx_path(dir, part_name);
        vf_build(part, segs[i].papers, segs[i].n);
        pdx_manifest pm;
        vf_read_manifest(part, &pm);
        assert_int_equal(pm.n_segs, 1);
        char *from = pdx_segment_path(part, pm.segs[0].seq);
        char *to = pdx_segment_path(path, i + 1);
        assert_int_equal(rename(from, to), 0);
        pdx_manifest_segment *ms = &m.segs[i];
        ms->seq = i + 1;
        ms->n_docs = pm.segs[0].n_docs;
        ms->file_size = pm.segs[0].file_size;
        ms->header_sum = pm.segs[0].header_sum;
        pdx_index *seg;
        char err[512];
        if (pdx_segment_open(&seg, to, err, sizeof err) != PDX_OK)
            fail_msg("open segment %s: %s", to, err);
        vf_deleted_ids(seg, &segs[i], ms);
        vf_deldf(seg, ms);
        vf_live_stats(seg, ms, &m);
        pdx_index_close(seg);
        pdx_manifest_free(&pm);
        unlink(part);
        char lock[4200];
        snprintf(lock, sizeof lock, "%s.lock", part);
        unlink(lock);
        free(from);
        free(to);
        free(part);
    }
    pdx_buf out = {0};
    assert_int_equal(pdx_manifest_encode(&out, &m), PDX_OK);
    fx_write(path, (const char *)out.data, out.len);
    pdx_buf_free(&out);
    for (size_t i = 0; i < n; i++) {
        free(m.segs[i].deleted);
        for (uint32_t k = 0; k < m.segs[i].n_deldf; k++)
            free((char *)m.segs[i].deldf[k].term);
        free(m.segs[i].deldf);
    }
    free(m.segs);
    pdx_manifest_free(&ref);
    return path;
}
