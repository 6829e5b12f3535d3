/*
 * The view over several segments (common/view.c, check.c): an index made
 * here by hand from two segments the writer wrote (pdx_writer_commit_segment)
 * and a manifest (pdx_manifest_encode) with deletions in both, a duplicate
 * across them, MDELDF computed from the deleted papers' own terms
 * (doc_batch.c, as --update does) and MFILES records. Its statistics must
 * be those of a single-segment build of the live papers, its lookups must
 * dispatch, and --check must name each kind of damage: a deleted id out of
 * range, an MDELDF count wrong or missing, MMETA sums wrong, a file's range
 * wrong, a swapped segment file, a missing one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixtures.h"
#include "fuzz/fuzz_fixture.h"
#include "indexer.h"
#include "manifest.h"
#include "paperdex/tokenizer.h"
#include "publish.h"
#include "segment.h"

#define N_A 30 /* papers of segment A */
#define N_B 26 /* papers of segment B; its first has the id of A's paper DUP */
#define DUP 4
/* Deleted local ids (ascending): A's DUP (replaced by B's first), and two
 * more of A; one of B. */
static const uint32_t del_a[] = {1, DUP, 17};
static const uint32_t del_b[] = {9};

/* A paper copied out of the parser's callback. */
typedef struct cpaper {
    pdx_paper p;  /* pointing into buf */
    char *buf;    /* owned */
} cpaper;

typedef struct papers {
    cpaper *v;
    size_t n;
} papers;

static int collect(const pdx_paper *p, void *payload)
{
    papers *ps = payload;
    ps->v = realloc(ps->v, (ps->n + 1) * sizeof *ps->v);
    assert_non_null(ps->v);
    cpaper *c = &ps->v[ps->n++];
    c->buf = fx_paper_copy(&c->p, p);
    return PDX_OK;
}

static void papers_free(papers *ps)
{
    for (size_t i = 0; i < ps->n; i++)
        free(ps->v[i].buf);
    free(ps->v);
}

/* ---- MDELDF from the deleted papers' terms ---- */

typedef struct dterm {
    char term[PDX_MAX_TERM_BYTES];
    uint8_t len, field;
} dterm;

static int cmp_dterm(const void *a, const void *b)
{
    const dterm *x = a, *y = b;
    int c = pdx_term_cmp(x->term, x->len, y->term, y->len);
    return c ? c : x->field - y->field;
}

/* The sorted (term, field, count) table of the papers del[0..n) of ps:
 * each paper's distinct terms per field, as the writer indexed them. */
static pdx_deldf *deldf_of(const papers *ps, const uint32_t *del, size_t n, uint32_t *n_out,
                           dterm **store)
{
    pdx_doc_batch *b;
    assert_int_equal(pdx_doc_batch_new(&b), PDX_OK);
    dterm *all = NULL;
    size_t n_all = 0;
    for (size_t k = 0; k < n; k++) {
        assert_int_equal(pdx_doc_batch_add(b, &ps->v[del[k]].p), PDX_OK);
        for (unsigned f = 0; f < PDX_NFIELDS; f++)
            for (uint32_t t = 0; t < pdx_doc_batch_n_terms(b, k, f); t++) {
                pdx_doc_term dt;
                pdx_doc_batch_term(b, k, f, t, &dt);
                all = realloc(all, (n_all + 1) * sizeof *all);
                assert_non_null(all);
                memcpy(all[n_all].term, dt.s, dt.len);
                all[n_all].len = (uint8_t)dt.len;
                all[n_all++].field = (uint8_t)f;
            }
    }
    pdx_doc_batch_free(b);
    qsort(all, n_all, sizeof *all, cmp_dterm);
    pdx_deldf *out = calloc(n_all + 1, sizeof *out);
    assert_non_null(out);
    uint32_t m = 0;
    for (size_t i = 0; i < n_all; i++) {
        if (m && !cmp_dterm(&all[i], &all[i - 1])) {
            out[m - 1].count++;
            continue;
        }
        out[m++] = (pdx_deldf){all[i].term, all[i].len, all[i].field, 1};
    }
    *n_out = m;
    *store = all;
    return out;
}

/* ---- the fixture ---- */

typedef struct fixture {
    char *dir, *idx, *ref;    /* the two-segment index, a one-segment build */
    papers a, b;              /* the papers of each segment, in order */
    pdx_segment_out out[2];   /* what the writer said of each segment */
    dterm *store[2];          /* MDELDF term bytes */
    pdx_manifest_segment segs[2];
    pdx_manifest_file *files;
    pdx_manifest m;           /* the good manifest */
} fixture;

static void write_segment(fixture *fx, const papers *ps, uint64_t seq, const char *file,
                          pdx_segment_out *out)
{
    pdx_writer *w;
    pdx_writer_opts o = {.created = 1700000000, .threads = 1};
    assert_int_equal(pdx_writer_new(&w, fx->idx, &o), PDX_OK);
    pdx_file_stamp stamp = {1234, 5678, 0x42};
    assert_int_equal(pdx_writer_note_file(w, file, &stamp), PDX_OK);
    for (size_t i = 0; i < ps->n; i++)
        assert_int_equal(pdx_writer_add(w, &ps->v[i].p), PDX_OK);
    int rc = pdx_writer_commit_segment(w, seq, out, NULL);
    if (rc)
        fail_msg("commit_segment: %s", pdx_writer_errmsg(w));
    pdx_writer_free(w);
}

static bool deleted_in(const uint32_t *del, size_t n, uint32_t d)
{
    for (size_t k = 0; k < n; k++)
        if (del[k] == d)
            return true;
    return false;
}

/* n_live, sum_len, dates of the live papers, from the segments' DOCS. */
static void live_stats(fixture *fx)
{
    const uint32_t *dels[2] = {del_a, del_b};
    size_t nd[2] = {sizeof del_a / sizeof *del_a, sizeof del_b / sizeof *del_b};
    for (int s = 0; s < 2; s++) {
        char *path = pdx_segment_path(fx->idx, fx->out[s].seg.seq);
        pdx_index *seg;
        char err[512];
        assert_int_equal(pdx_segment_open(&seg, path, err, sizeof err), PDX_OK);
        for (uint32_t d = 0; d < seg->n_docs; d++) {
            if (deleted_in(dels[s], nd[s], d))
                continue;
            pdx_doc doc;
            assert_int_equal(pdx_doc_get(seg, d, &doc), PDX_OK);
            fx->m.n_live++;
            for (unsigned f = 0; f < PDX_NFIELDS; f++)
                fx->m.sum_len[f] += doc.len[f];
            if (doc.date && (!fx->m.min_date || doc.date < fx->m.min_date))
                fx->m.min_date = doc.date;
            if (doc.date > fx->m.max_date)
                fx->m.max_date = doc.date;
        }
        fx->m.max_votes = PDX_MAX(fx->m.max_votes, fx->out[s].max_votes);
        pdx_index_close(seg);
        free(path);
    }
}

static void make_manifest(fixture *fx)
{
    uint32_t nd;
    fx->segs[0] = fx->out[0].seg;
    fx->segs[0].deleted = (uint32_t *)del_a;
    fx->segs[0].n_deleted = sizeof del_a / sizeof *del_a;
    fx->segs[0].deldf = deldf_of(&fx->a, del_a, fx->segs[0].n_deleted, &nd, &fx->store[0]);
    fx->segs[0].n_deldf = nd;
    fx->segs[1] = fx->out[1].seg;
    fx->segs[1].deleted = (uint32_t *)del_b;
    fx->segs[1].n_deleted = sizeof del_b / sizeof *del_b;
    fx->segs[1].deldf = deldf_of(&fx->b, del_b, fx->segs[1].n_deleted, &nd, &fx->store[1]);
    fx->segs[1].n_deldf = nd;
    /* a.md (seq 1), b.md (seq 2): sorted by path */
    fx->files = calloc(2, sizeof *fx->files);
    fx->files[0] = fx->out[0].files[0];
    fx->files[1] = fx->out[1].files[0];
    fx->m = (pdx_manifest){
        .tokenizer_version = PDX_TOKENIZER_VERSION, .generation = 3, .created = 1700000000,
        .next_seq = 3, .stemmer = (char *)pdx_tokenizer_stemmer_name(),
        .unicode_version = (char *)pdx_tokenizer_unicode_version(), .generator = "test_view",
        .segs = fx->segs, .n_segs = 2, .files = fx->files, .n_files = 2,
        .lexicon = fx->out[1].lexicon.data, .lexicon_len = fx->out[1].lexicon.len};
    live_stats(fx);
}

static void write_manifest(const fixture *fx, const pdx_manifest *m, const char *path)
{
    pdx_buf b = {0};
    assert_int_equal(pdx_manifest_encode(&b, m), PDX_OK);
    fx_write(path, (const char *)b.data, b.len);
    pdx_buf_free(&b);
    (void)fx;
}

/* The reference: one segment of the live papers in view order. */
static void write_reference(fixture *fx)
{
    pdx_writer *w;
    pdx_writer_opts o = {.created = 1700000000, .threads = 1};
    assert_int_equal(pdx_writer_new(&w, fx->ref, &o), PDX_OK);
    for (uint32_t i = 0; i < fx->a.n; i++)
        if (!deleted_in(del_a, sizeof del_a / sizeof *del_a, i))
            assert_int_equal(pdx_writer_add(w, &fx->a.v[i].p), PDX_OK);
    for (uint32_t i = 0; i < fx->b.n; i++)
        if (!deleted_in(del_b, sizeof del_b / sizeof *del_b, i))
            assert_int_equal(pdx_writer_add(w, &fx->b.v[i].p), PDX_OK);
    assert_int_equal(pdx_writer_commit(w, NULL), PDX_OK);
    pdx_writer_free(w);
}

static void parse_into(papers *ps, const char *file, unsigned first, unsigned n, unsigned day)
{
    fz_str s = {0};
    fz_digest_day(&s, 6, day, first, n);
    pdx_parse_cb cb = {collect, NULL, ps};
    assert_int_equal(pdx_parse_buffer(file, s.p, s.len, &cb, NULL), PDX_OK);
    free(s.p);
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    fx->dir = fx_tmpdir();
    fx->idx = fx_path(fx->dir, "v.idx");
    fx->ref = fx_path(fx->dir, "ref.idx");
    parse_into(&fx->a, "a.md", 0, N_A, 3);
    parse_into(&fx->b, "b.md", N_A, N_B, 9);
    assert_int_equal(fx->a.n, N_A);
    assert_int_equal(fx->b.n, N_B);
    /* B's first paper is A's paper DUP, on a later day */
    free(fx->b.v[0].buf);
    fx->b.v[0].buf = NULL;
    papers one = {0};
    collect(&fx->a.v[DUP].p, &one);
    one.v[0].p.date = fx->b.v[1].p.date;
    one.v[0].p.file = fx->b.v[1].p.file;
    fx->b.v[0] = one.v[0];
    free(one.v);
    /* a deleted paper with words no other paper has */
    fx->a.v[17].p.title = "Quixotic Zymurgy of Sparse Kernels";
    fx->a.v[17].p.title_len = strlen(fx->a.v[17].p.title);
    write_segment(fx, &fx->a, 1, "a.md", &fx->out[0]);
    write_segment(fx, &fx->b, 2, "b.md", &fx->out[1]);
    make_manifest(fx);
    write_manifest(fx, &fx->m, fx->idx);
    write_reference(fx);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    for (int s = 0; s < 2; s++) {
        free(fx->segs[s].deldf);
        free(fx->store[s]);
        pdx_segment_out_free(&fx->out[s]);
    }
    free(fx->files);
    papers_free(&fx->a);
    papers_free(&fx->b);
    fx_rmtree(fx->dir);
    free(fx->idx);
    free(fx->ref);
    free(fx);
    return 0;
}

static pdx_index *open_ok(const char *path)
{
    pdx_index *ix;
    char err[512];
    if (pdx_index_open(&ix, path, err, sizeof err))
        fail_msg("open %s: %s", path, err);
    return ix;
}

/* ---- tests ---- */

/* The view opens, passes the full check, and has the live statistics a
 * one-segment build of the same live papers has. */
static void view_statistics_match_a_full_build(void **state)
{
    fixture *fx = *state;
    pdx_index *v = open_ok(fx->idx), *r = open_ok(fx->ref);
    if (pdx_index_check(v))
        fail_msg("check: %s", pdx_index_errmsg(v));
    assert_int_equal(v->n_segs, 2);
    assert_int_equal(v->n_docs, N_A + N_B);
    assert_int_equal(v->n_live, r->n_live);
    assert_int_equal(v->n_live, N_A + N_B - 4);
    for (unsigned f = 0; f < PDX_NFIELDS; f++) {
        assert_int_equal(v->sum_len[f], r->sum_len[f]);
        assert_true(v->avg_len[f] == r->avg_len[f]);
    }
    assert_int_equal(v->min_date, r->min_date);
    assert_int_equal(v->max_date, r->max_date);
    pdx_index_info info;
    pdx_index_info_get(v, &info);
    assert_int_equal(info.docs, v->n_live);
    assert_int_equal(info.deleted, 4);
    assert_int_equal(info.segments, 2);
    pdx_index_close(v);
    pdx_index_close(r);
}

/* Live df of every list: the view's (list df - MDELDF, summed over the
 * segments) equals the reference's list df, for every term either has. */
static void view_live_df_matches_a_full_build(void **state)
{
    fixture *fx = *state;
    pdx_index *v = open_ok(fx->idx), *r = open_ok(fx->ref);
    size_t compared = 0, gone = 0, with_deleted = 0;
    for (uint32_t s = 0; s < v->n_segs; s++) {
        pdx_index *seg = v->segs[s];
        for (uint32_t o = 0; o < seg->n_terms; o++) {
            pdx_term t;
            assert_int_equal(pdx_term_get(seg, o, &t), PDX_OK);
            uint32_t vord, rord;
            assert_int_equal(pdx_term_find(v, t.str, t.len, &vord), PDX_OK);
            bool in_ref = pdx_term_find(r, t.str, t.len, &rord) == PDX_OK;
            uint64_t vtotal = 0, rtotal = 0;
            for (unsigned f = 0; f < PDX_NFIELDS; f++) {
                uint64_t vdf, rdf;
                assert_int_equal(pdx_term_list_df(v, t.str, t.len, f, &vdf), PDX_OK);
                assert_int_equal(pdx_term_list_df(r, t.str, t.len, f, &rdf), PDX_OK);
                /* on the segment handle: its list's df as written, deleted
                 * papers included (segment.h) */
                uint64_t sdf, want = 0;
                pdx_list_header h;
                assert_int_equal(pdx_term_list_df(seg, t.str, t.len, f, &sdf), PDX_OK);
                if ((t.fields & (1u << f)) && pdx_term_list(seg, &t, f, &h) == PDX_OK)
                    want = h.df;
                if (sdf != want)
                    fail_msg("'%.*s' field %u: df %llu on segment %u's handle, its list has %llu",
                             (int)t.len, t.str, f, (unsigned long long)sdf, s,
                             (unsigned long long)want);
                with_deleted += sdf > vdf; /* this segment's deletions count */
                if (vdf != rdf)
                    fail_msg("'%.*s' field %u: live df %llu in the view, %llu in a full build",
                             (int)t.len, t.str, f, (unsigned long long)vdf,
                             (unsigned long long)rdf);
                compared++;
            }
            assert_int_equal(pdx_term_df(v, vord, 7, &vtotal), PDX_OK);
            if (in_ref)
                assert_int_equal(pdx_term_df(r, rord, 7, &rtotal), PDX_OK);
            assert_int_equal(vtotal, rtotal);
            gone += !in_ref;
            /* the vord names the first segment that has the term */
            uint32_t first = vord >> PDX_VORD_SHIFT, local;
            assert_true(first <= s);
            assert_int_equal(pdx_term_local(v, vord, s, &local), PDX_OK);
            assert_int_equal(local, o);
        }
    }
    /* every reference term is found in the view */
    for (uint32_t o = 0; o < r->n_terms; o++) {
        pdx_term t;
        uint32_t vord;
        assert_int_equal(pdx_term_get(r, o, &t), PDX_OK);
        assert_int_equal(pdx_term_find(v, t.str, t.len, &vord), PDX_OK);
    }
    print_message("%zu lists compared; %zu terms held only by deleted papers (df 0)\n",
                  compared, gone);
    assert_true(gone > 0); /* the deletions removed some terms entirely */
    assert_true(with_deleted > 0); /* a segment handle's df kept deleted papers */
    pdx_index_close(v);
    pdx_index_close(r);
}

/* The prefix list is every distinct term of the prefix over the segments,
 * in term order, each once; with the deleted-only terms taken out it is
 * the reference's prefix range. */
static void view_prefix_list(void **state)
{
    fixture *fx = *state;
    pdx_index *v = open_ok(fx->idx), *r = open_ok(fx->ref);
    const char *prefixes[] = {"m", "s", "2406", "모", "", "zzzz"};
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
        const char *px = prefixes[i];
        size_t pl = strlen(px);
        uint32_t *vords;
        size_t n;
        assert_int_equal(pdx_term_prefix_list(v, px, pl, &vords, &n), PDX_OK);
        size_t live = 0;
        pdx_term prev = {0};
        for (size_t k = 0; k < n; k++) {
            pdx_term t;
            assert_int_equal(pdx_term_get(v, vords[k], &t), PDX_OK);
            assert_true(t.len >= pl && !memcmp(t.str, px, pl));
            if (k)
                assert_true(pdx_term_cmp(prev.str, prev.len, t.str, t.len) < 0);
            prev = t;
            uint64_t df;
            assert_int_equal(pdx_term_df(v, vords[k], 7, &df), PDX_OK);
            live += df > 0;
        }
        uint32_t first, end;
        assert_int_equal(pdx_term_prefix(r, px, pl, &first, &end), PDX_OK);
        if (live != end - first)
            fail_msg("prefix '%s': %zu live terms in the view, %u in a full build", px, live,
                     end - first);
        free(vords);
    }
    pdx_index_close(v);
    pdx_index_close(r);
}

/* Documents dispatch to their segment; deleted ones are not live and not
 * found by id; the duplicate's id finds B's copy. */
static void view_documents_dispatch(void **state)
{
    fixture *fx = *state;
    pdx_index *v = open_ok(fx->idx);
    for (uint32_t d = 0; d < v->n_docs; d++) {
        bool in_a = d < N_A;
        uint32_t local = in_a ? d : d - N_A;
        const pdx_paper *want = in_a ? &fx->a.v[local].p : &fx->b.v[local].p;
        pdx_index_paper p;
        assert_int_equal(pdx_index_paper_get(v, d, &p), PDX_OK);
        assert_int_equal(p.id_len, want->id_len);
        assert_memory_equal(p.id, want->id, p.id_len);
        assert_int_equal(p.date, want->date);
        bool dead = in_a ? deleted_in(del_a, 3, local) : deleted_in(del_b, 1, local);
        assert_int_equal(pdx_index_doc_live(v, d), !dead);
        uint32_t found;
        int rc = pdx_doc_find_id(v, want->id, want->id_len, &found);
        if (dead && !(in_a && local == DUP)) {
            assert_int_equal(rc, PDX_ENOTFOUND);
        } else {
            assert_int_equal(rc, PDX_OK);
            assert_int_equal(found, in_a && local == DUP ? N_A : d);
        }
    }
    assert_false(pdx_index_doc_live(v, v->n_docs));
    /* a doc id past the view (as a corrupt list could give) is corruption */
    pdx_doc doc;
    pdx_stored stored;
    assert_int_equal(pdx_doc_get(v, v->n_docs, &doc), PDX_ECORRUPT);
    assert_non_null(strstr(pdx_index_errmsg(v), "out of range"));
    assert_int_equal(pdx_stored_get(v, v->n_docs, &stored), PDX_ECORRUPT);
    assert_non_null(strstr(pdx_index_errmsg(v), "out of range"));
    /* the prefetch hint reads a paper's record only for a doc id it has:
     * any id, on the view or on a segment, is harmless */
    for (uint32_t d = 0; d < v->n_docs; d++)
        pdx_stored_prefetch(v, d);
    pdx_stored_prefetch(v, v->n_docs);
    pdx_stored_prefetch(v, UINT32_MAX);
    pdx_stored_prefetch(v->segs[0], v->segs[0]->n_docs);
    pdx_stored_prefetch(v->segs[1], UINT32_MAX);
    /* lists are opened on the segments, not on a view of several */
    uint32_t vord;
    pdx_term t;
    assert_int_equal(pdx_term_get(v->segs[1], 0, &t), PDX_OK);
    assert_int_equal(pdx_term_find(v, t.str, t.len, &vord), PDX_OK);
    unsigned field = 0;
    while (!(t.fields & (1u << field)))
        field++;
    pdx_postings p;
    assert_int_equal(pdx_postings_open(&p, v, vord, field), PDX_EINVAL);
    assert_non_null(strstr(pdx_index_errmsg(v), "segment"));
    pdx_index_close(v);
}

/* Runs paperdex-index --check on path: the exit status, its output in *out. */
static int check_cli(const char *path, char **out)
{
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "'%s/paperdex-index' --check '%s' 2>&1", PDX_BIN_DIR, path);
    return fx_run(cmd, out);
}

static void expect_check_fails(const char *path, const char *what, const char *says1,
                               const char *says2)
{
    char *out;
    int rc = check_cli(path, &out);
    if (rc != 1 || !strstr(out, says1) || (says2 && !strstr(out, says2)))
        fail_msg("%s: exit %d, expected a message with '%s'%s%s: %s", what, rc, says1,
                 says2 ? " and " : "", says2 ? says2 : "", out);
    char *nl = strchr(out, '\n');
    if (!nl || nl[1])
        fail_msg("%s: not one line: %s", what, out);
    free(out);
}

/* A manifest variant written to a copy of the index (its segments
 * copied beside it). */
static char *variant(fixture *fx, const char *name, const pdx_manifest *m)
{
    char *path = fx_path(fx->dir, name);
    fx_copy_index(fx->idx, path);
    write_manifest(fx, m, path);
    return path;
}

static void view_check_names_each_damage(void **state)
{
    fixture *fx = *state;
    char *out;
    assert_int_equal(check_cli(fx->idx, &out), 0);
    assert_non_null(strstr(out, "2 segments, 4 deleted papers"));
    free(out);

    /* an MDELDF count one off */
    pdx_manifest m = fx->m;
    pdx_manifest_segment segs[2] = {fx->segs[0], fx->segs[1]};
    pdx_deldf *dd = malloc(segs[0].n_deldf * sizeof *dd);
    memcpy(dd, segs[0].deldf, segs[0].n_deldf * sizeof *dd);
    uint32_t k = 0;
    while (dd[k].count != 1)
        k++;
    dd[k].count = 2;
    segs[0].deldf = dd;
    m.segs = segs;
    char *p = variant(fx, "count.idx", &m);
    expect_check_fails(p, "MDELDF count wrong", "MDELDF", "the manifest says 2");
    free(p);

    /* an MDELDF entry missing */
    memmove(dd + k, dd + k + 1, (segs[0].n_deldf - k - 1) * sizeof *dd);
    segs[0].n_deldf--;
    p = variant(fx, "missing_entry.idx", &m);
    expect_check_fails(p, "MDELDF entry missing", "MDELDF", "the manifest says 0");
    free(p);
    free(dd);

    /* MMETA sums that are not the live papers' */
    m = fx->m;
    m.sum_len[2]++;
    p = variant(fx, "sums.idx", &m);
    expect_check_fails(p, "summary length sum wrong", "MMETA", "length sum");
    free(p);
    m = fx->m;
    m.max_date = 20991231;
    p = variant(fx, "dates.idx", &m);
    expect_check_fails(p, "date range wrong", "MMETA", "date range");
    free(p);

    /* a file claiming papers that are not its own */
    m = fx->m;
    pdx_manifest_file files[2] = {fx->files[0], fx->files[1]};
    files[1].seq = 1; /* b.md's range, in a's segment: a.md's papers */
    m.files = files;
    p = variant(fx, "files.idx", &m);
    expect_check_fails(p, "two files claim a paper", "MFILES", "claimed by two files");
    free(p);
    m.files = files + 1; /* b.md's range alone in a's segment */
    m.n_files = 1;
    p = variant(fx, "files1.idx", &m);
    expect_check_fails(p, "file range wrong", "MFILES", "is from a.md, not b.md");
    free(p);
}

/* A deleted id past its segment, with every checksum right: the decoder
 * refuses it at open, naming MSEGS and the byte. */
static void view_deleted_id_out_of_range(void **state)
{
    fixture *fx = *state;
    char *p = variant(fx, "range.idx", &fx->m);
    size_t len;
    uint8_t *b = (uint8_t *)fx_read(p, &len);
    pdx_section sec[PDX_MSEC_COUNT + 1];
    fx_manifest_sections(b, len, sec);
    /* segment 0's last deleted gap (56 fixed bytes, then 1, 3, 13) */
    uint8_t *gap = b + sec[PDX_MSEC_SEGS].off + 56 + 2;
    assert_int_equal(*gap, del_a[2] - del_a[1]);
    *gap = 100;
    fx_manifest_reseal(b, len);
    fx_write(p, (const char *)b, len);
    free(b);
    expect_check_fails(p, "deleted id out of range", "MSEGS", "past its");
    pdx_index *ix;
    char err[512];
    assert_int_equal(pdx_index_open(&ix, p, err, sizeof err), PDX_ECORRUPT);
    assert_non_null(strstr(err, "(byte "));
    free(p);
}

/* A segment file swapped for another, and one missing. */
static void view_swapped_and_missing_segment(void **state)
{
    fixture *fx = *state;
    char *p = variant(fx, "swap.idx", &fx->m);
    char *s1 = pdx_segment_path(p, 1), *s2 = pdx_segment_path(p, 2);
    size_t len;
    char *bytes = fx_read(s2, &len);
    fx_write(s1, bytes, len);
    free(bytes);
    expect_check_fails(p, "swapped segment", s1, "manifest");
    /* the same layout, other content: A rebuilt with one paper changed */
    pdx_index *ix;
    char err[512];
    assert_int_equal(unlink(s1), 0);
    expect_check_fails(p, "missing segment", s1, "is missing");
    assert_int_equal(pdx_index_open(&ix, p, err, sizeof err), PDX_ECORRUPT);
    assert_null(ix);
    free(s1);
    free(s2);
    free(p);
}

/* A segment of the same size and layout but another content (a paper's
 * vote count changed) is refused: the header checksum MSEGS keeps covers
 * the header's copy of the table checksum, not only sizes and offsets. */
static void view_same_layout_other_content(void **state)
{
    fixture *fx = *state;
    char *p = fx_path(fx->dir, "same.idx");
    fx_copy_index(fx->idx, p);
    papers a2 = {0};
    for (size_t i = 0; i < fx->a.n; i++)
        collect(&fx->a.v[i].p, &a2);
    a2.v[3].p.votes = a2.v[3].p.votes == 7 ? 8 : 7; /* same digits: same layout */
    fixture tmp = *fx;
    tmp.idx = p;
    pdx_segment_out out;
    char *s1 = pdx_segment_path(p, 1);
    assert_int_equal(unlink(s1), 0); /* a writer replaces no file: make room */
    write_segment(&tmp, &a2, 1, "a.md", &out);
    pdx_index *seg;
    char err[512];
    assert_int_equal(pdx_segment_open(&seg, s1, err, sizeof err), PDX_OK);
    char *orig = pdx_segment_path(fx->idx, 1);
    pdx_index *oseg;
    assert_int_equal(pdx_segment_open(&oseg, orig, err, sizeof err), PDX_OK);
    /* same sizes and offsets: only the header's copy of the table
     * checksum makes the header checksums (the identity) differ */
    assert_int_equal(seg->size, oseg->size);
    assert_int_equal(pdx_get_u64(seg->map + PDX_HDR_TABLE_OFF),
                     pdx_get_u64(oseg->map + PDX_HDR_TABLE_OFF));
    assert_int_not_equal(pdx_frame_identity(seg->map), pdx_frame_identity(oseg->map));
    pdx_index_close(oseg);
    pdx_index_close(seg);
    free(orig);
    expect_check_fails(p, "same layout, other content", s1, "checksums differ");
    pdx_segment_out_free(&out);
    papers_free(&a2);
    free(s1);
    free(p);
}

/* A writer refuses to put a manifest over a segment (its index would lose
 * it); a lone segment opened on its own has all its papers live. */
static void view_segment_is_not_a_target(void **state)
{
    fixture *fx = *state;
    char *seg = pdx_segment_path(fx->idx, 1);
    pdx_writer *w;
    assert_int_equal(pdx_writer_new(&w, seg, NULL), PDX_EINVAL);
    assert_non_null(strstr(pdx_writer_errmsg(w), "is a segment of an index"));
    pdx_writer_free(w);
    pdx_index *ix;
    char err[512];
    assert_int_equal(pdx_segment_open(&ix, seg, err, sizeof err), PDX_OK);
    pdx_index_info info;
    pdx_index_info_get(ix, &info);
    assert_int_equal(info.docs, N_A);
    assert_int_equal(info.deleted, 0);
    assert_true(pdx_index_doc_live(ix, 0));
    pdx_index_close(ix);
    free(seg);
}

/* ---- the reader's retry rule ---- */

static int hook_calls;
static const char *hook_mode; /* "replace" or "unlink" */

static const fx_paper old_papers[] = {
    {"2406.00001", "Old Paper on Sparse Kernels", "Kim A", "희소 커널 연구.", 20240601, 3},
    {"2406.00002", "Another Old Paper", "Lee B", "두 번째 논문.", 20240601, 4},
};
static const fx_paper new_papers[] = {
    {"2406.00003", "New Paper on Diffusion", "Park C", "확산 모델 연구.", 20240602, 5},
};

/* Between the reader's manifest read and its segment opens: a writer
 * replaces the index (its old segment removed), or the segment vanishes
 * with no new manifest. */
static void replace_during_open(const char *path, int attempt)
{
    hook_calls++;
    if (attempt != 0)
        return;
    if (!strcmp(hook_mode, "replace")) {
        pdx_view_open_hook = NULL; /* the writer's own opens are not watched */
        fx_write_index(path, new_papers, 1);
        pdx_view_open_hook = replace_during_open;
    } else {
        char *seg = fx_index_segment(path, 0);
        assert_int_equal(unlink(seg), 0);
        free(seg);
    }
}

static void view_open_retries_when_the_index_was_replaced(void **state)
{
    fixture *fx = *state;
    char *path = fx_path(fx->dir, "retry.idx");
    fx_write_index(path, old_papers, 2);
    pdx_index *ix;
    char err[512];
    hook_mode = "replace";
    hook_calls = 0;
    pdx_view_open_hook = replace_during_open;
    int rc = pdx_index_open(&ix, path, err, sizeof err);
    pdx_view_open_hook = NULL;
    if (rc)
        fail_msg("open while replaced: %s", err);
    assert_int_equal(hook_calls, 2); /* read the old manifest, then the new one */
    assert_int_equal(ix->n_live, 1);
    pdx_index_paper p;
    assert_int_equal(pdx_index_paper_get(ix, 0, &p), PDX_OK);
    assert_memory_equal(p.id, "2406.00003", 10);
    pdx_index_close(ix);

    /* the segment gone and the manifest the same: corruption, named */
    hook_mode = "unlink";
    hook_calls = 0;
    pdx_view_open_hook = replace_during_open;
    rc = pdx_index_open(&ix, path, err, sizeof err);
    pdx_view_open_hook = NULL;
    assert_int_equal(rc, PDX_ECORRUPT);
    assert_int_equal(hook_calls, 1);
    assert_null(ix);
    if (!strstr(err, "is missing") || !strstr(err, ".seg"))
        fail_msg("missing segment: %s", err);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(view_statistics_match_a_full_build),
        cmocka_unit_test(view_live_df_matches_a_full_build),
        cmocka_unit_test(view_prefix_list),
        cmocka_unit_test(view_documents_dispatch),
        cmocka_unit_test(view_check_names_each_damage),
        cmocka_unit_test(view_deleted_id_out_of_range),
        cmocka_unit_test(view_swapped_and_missing_segment),
        cmocka_unit_test(view_same_layout_other_content),
        cmocka_unit_test(view_open_retries_when_the_index_was_replaced),
        cmocka_unit_test(view_segment_is_not_a_target),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
