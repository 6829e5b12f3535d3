/*
 * paperdex-index --update and --optimize (indexer/update.c, merge.c,
 * update_publish.c): an index brought up to date one change at a time
 * must hold exactly the papers, statistics and lexicon that a build from
 * scratch of the same files holds.
 *
 * Each test writes small digests (in tests' own words) into a scratch
 * folder, updates an index through pdx_index_update, and compares it with
 * a build from scratch of the same folder by the ordinary writer
 * (pdx_writer_commit: one segment, nothing deleted):
 *   - the reader's full check (pdx_index_check) of the updated index;
 *   - the live papers (id, date, votes, file, line, title, authors,
 *     summary) of every segment minus its deleted ones;
 *   - MMETA's live statistics and the LEXICON bytes;
 *   - MDELDF, against a scan of every postings list of the segment (the
 *     count of deleted papers in each (term, field) list);
 *   - every file record's range: its live papers name that file.
 * Search-level exactness (hit by hit, scores) over the corpus is
 * tests/update_exact.* (the uptest engineer's).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "assoc.h"
#include "fixtures.h"
#include "manifest.h"
#include "segment.h"
#include "publish.h"
#include "update_int.h"

/* ---- digests ---- */

/* One paper of a fixture digest. */
typedef struct tpaper {
    const char *id;    /* arXiv id */
    const char *title; /* title line */
    int votes;         /* Vote: line */
} tpaper;

/* Summaries cycle through these (written for these tests); each states
 * the same three pairs in parentheses, so any three live papers give the
 * lexicon its three pairs. */
static const char *const summaries[] = {
    "- 이 논문은 강화 학습(Reinforcement Learning)으로 로봇 제어를 개선합니다.\n"
    "- 대형 언어 모델(Large Language Model)의 추론과 확산 모델(Diffusion Model)을 함께 "
    "평가합니다.",
    "- 확산 모델(Diffusion Model)로 영상을 생성하는 방법을 제안합니다.\n"
    "- 강화 학습(Reinforcement Learning) 보상을 대형 언어 모델(Large Language Model)이 "
    "설계합니다.",
    "- 대형 언어 모델(Large Language Model)에 검색을 더한 시스템입니다.\n"
    "- 확산 모델(Diffusion Model), 강화 학습(Reinforcement Learning)과 비교한 벤치마크를 "
    "공개합니다.",
};

/* Writes the digest of one day (YYYY-MM-DD) holding papers[0..n). */
static void write_day(const char *dir, const char *name, const char *date, const tpaper *papers,
                      size_t n)
{
    size_t cap = 4096 + n * 1024, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    len += (size_t)snprintf(buf + len, cap - len, "## Daily Papers (%s)\n\n", date);
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(buf + len, cap - len,
                                "### [%s](https://arxiv.org/abs/%s)\n\nVote: %d\n\n"
                                "Authors: Ada Kim, Bo Lee\n\n%s\n\n",
                                papers[i].title, papers[i].id, papers[i].votes,
                                summaries[(papers[i].votes + i) % 3]);
    char *path = fx_path(dir, name);
    fx_write(path, buf, len);
    free(path);
    free(buf);
}

static const tpaper day1[] = {
    {"2401.00001", "Robot control with rewards", 5},
    {"2401.00002", "Sparse attention for long text", 12},
    {"2401.00003", "A survey of video generation", 3},
};
static const tpaper day2[] = {
    {"2401.00011", "Retrieval helps language models", 40},
    {"2401.00012", "Graph networks for molecules", 7},
};
static const tpaper day3[] = {
    {"2401.00021", "Diffusion for audio", 9},
    {"2401.00022", "Benchmarks of reasoning", 21},
    {"2401.00023", "Robot hands that grasp", 2},
};

/* ---- state ---- */

typedef struct tstate {
    char *dir;  /* scratch */
    char *in;   /* the digests: dir/in */
    char *idx;  /* the updated index: dir/out/x.idx */
    char *ref;  /* the reference built from scratch: dir/ref/r.idx */
    char diag[8192]; /* diagnostics received, one a line */
    size_t fresh_diag; /* where assert_same_as_fresh()'s build began writing diag */
    bool own_pairs;    /* the digests are not write_day()'s: their lexicon is their own */
} tstate;

static int setup(void **st)
{
    tstate *t = calloc(1, sizeof *t);
    assert_non_null(t);
    t->dir = fx_tmpdir();
    t->in = fx_path(t->dir, "in");
    char *out = fx_path(t->dir, "out"), *ref = fx_path(t->dir, "ref");
    assert_int_equal(mkdir(t->in, 0755), 0);
    assert_int_equal(mkdir(out, 0755), 0);
    assert_int_equal(mkdir(ref, 0755), 0);
    t->idx = fx_path(out, "x.idx");
    t->ref = fx_path(ref, "r.idx");
    free(out);
    free(ref);
    *st = t;
    return 0;
}

static int teardown(void **st)
{
    tstate *t = *st;
    fx_rmtree(t->dir);
    free(t->in);
    free(t->idx);
    free(t->ref);
    free(t);
    return 0;
}

static void on_diag(const pdx_diag *d, void *payload)
{
    tstate *t = payload;
    size_t n = strlen(t->diag);
    snprintf(t->diag + n, sizeof t->diag - n, "%s:%u: %s\n", d->file, d->line, d->message);
}

/* Updates index with the input folder; returns the stats. */
static pdx_update_stats update_index(tstate *t, const char *index, unsigned max_segments)
{
    const char *paths[] = {t->in};
    pdx_update_opts o = {.writer = {.threads = 1, .on_diag = on_diag, .payload = t,
                                    .created = 1700000000},
                         .max_segments = max_segments};
    pdx_parse_cb cb = {NULL, on_diag, t};
    pdx_update_stats st;
    char err[800];
    int rc = pdx_index_update(index, paths, 1, &o, &cb, &st, err, sizeof err);
    if (rc)
        fail_msg("update of %s failed: %s", index, err);
    return st;
}

/* ---- what an index holds ---- */

/* An updated index, decoded: its manifest and its segments. */
typedef struct view {
    pdx_manifest m;                     /* decoded manifest */
    pdx_index *seg[PDX_MAX_SEGMENTS];   /* its segments, open */
    uint8_t *deleted[PDX_MAX_SEGMENTS]; /* per segment: n_docs flags */
} view;

static void view_open(const char *index, view *v)
{
    memset(v, 0, sizeof *v);
    size_t len;
    char *bytes = fx_read(index, &len);
    assert_non_null(bytes);
    char err[600];
    int rc = pdx_manifest_decode(&v->m, (const uint8_t *)bytes, len, err, sizeof err);
    free(bytes);
    if (rc)
        fail_msg("%s: %s", index, err);
    for (uint32_t i = 0; i < v->m.n_segs; i++) {
        char *sp = pdx_segment_path(index, v->m.segs[i].seq);
        assert_non_null(sp);
        if (pdx_segment_open(&v->seg[i], sp, err, sizeof err))
            fail_msg("%s", err);
        free(sp);
        assert_int_equal(v->seg[i]->n_docs, v->m.segs[i].n_docs);
        v->deleted[i] = calloc(v->m.segs[i].n_docs + 1, 1);
        for (uint32_t k = 0; k < v->m.segs[i].n_deleted; k++)
            v->deleted[i][v->m.segs[i].deleted[k]] = 1;
    }
}

static void view_close(view *v)
{
    for (uint32_t i = 0; i < v->m.n_segs; i++) {
        pdx_index_close(v->seg[i]);
        free(v->deleted[i]);
    }
    pdx_manifest_free(&v->m);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The live papers of an index, one sorted line each, joined. */
static char *live_papers(const char *index)
{
    view v;
    view_open(index, &v);
    char **rows = NULL;
    size_t n = 0, total = 1;
    for (uint32_t i = 0; i < v.m.n_segs; i++) {
        for (uint32_t d = 0; d < v.m.segs[i].n_docs; d++) {
            if (v.deleted[i][d])
                continue;
            pdx_index_paper h;
            assert_int_equal(pdx_index_paper_get(v.seg[i], d, &h), PDX_OK);
            size_t cap = h.id_len + h.file_len + h.title_len + h.authors_len + h.summary_len + 128;
            char *row = malloc(cap);
            snprintf(row, cap, "%.*s|%d|%lld|%.*s:%u|%.*s|%.*s|%.*s", (int)h.id_len, h.id,
                     h.date, (long long)h.votes, (int)h.file_len, h.file, h.line,
                     (int)h.title_len, h.title, (int)h.authors_len, h.authors,
                     (int)h.summary_len, h.summary);
            rows = realloc(rows, (n + 1) * sizeof *rows);
            rows[n++] = row;
            total += strlen(row) + 1;
        }
    }
    qsort(rows, n, sizeof *rows, cmp_str);
    char *all = malloc(total);
    all[0] = 0;
    for (size_t k = 0; k < n; k++) {
        strcat(all, rows[k]);
        strcat(all, "\n");
        free(rows[k]);
    }
    free(rows);
    view_close(&v);
    return all;
}

/* MDELDF of every segment equals the count of deleted papers in each of
 * its (term, field) lists; every record's live papers name its file. */
static void assert_consistent(const char *index)
{
    view v;
    view_open(index, &v);
    for (uint32_t i = 0; i < v.m.n_segs; i++) {
        pdx_index *ix = v.seg[i];
        const pdx_manifest_segment *ms = &v.m.segs[i];
        uint32_t found = 0;
        for (uint32_t ord = 0; ms->n_deleted && ord < ix->n_terms; ord++) {
            pdx_term term;
            assert_int_equal(pdx_term_get(ix, ord, &term), PDX_OK);
            for (unsigned f = 0; f < PDX_NFIELDS; f++) {
                if (!(term.fields & (1u << f)))
                    continue;
                pdx_postings p;
                assert_int_equal(pdx_postings_open(&p, ix, ord, f), PDX_OK);
                uint32_t count = 0;
                for (; p.doc != PDX_NO_DOC; pdx_postings_next(&p))
                    count += v.deleted[i][p.doc];
                if (!count)
                    continue;
                found++;
                bool listed = false;
                for (uint32_t k = 0; k < ms->n_deldf; k++)
                    if (ms->deldf[k].field == f && ms->deldf[k].term_len == term.len &&
                        memcmp(ms->deldf[k].term, term.str, term.len) == 0) {
                        assert_int_equal(ms->deldf[k].count, count);
                        listed = true;
                    }
                if (!listed)
                    fail_msg("segment %u: list (%.*s, %u) holds %u deleted papers; MDELDF "
                             "does not say so", i, (int)term.len, term.str, f, count);
            }
        }
        assert_int_equal(found, ms->n_deldf);
    }
    for (uint32_t r = 0; r < v.m.n_files; r++) {
        const pdx_manifest_file *f = &v.m.files[r];
        uint32_t si = UINT32_MAX;
        for (uint32_t i = 0; i < v.m.n_segs; i++)
            if (v.m.segs[i].seq == f->seq)
                si = i;
        assert_int_not_equal(si, UINT32_MAX);
        assert_true((uint64_t)f->first_doc + f->n_docs <= v.m.segs[si].n_docs);
        for (uint32_t d = f->first_doc; d < f->first_doc + f->n_docs; d++) {
            pdx_stored sd;
            assert_int_equal(pdx_stored_get(v.seg[si], d, &sd), PDX_OK);
            assert_int_equal(sd.file_len, strlen(f->path));
            assert_memory_equal(sd.file, f->path, sd.file_len);
        }
    }
    view_close(&v);
}

/* The updated index passes the reader's full check and holds what a
 * build from scratch (the ordinary writer) of the same input holds:
 * papers, live statistics, lexicon. */
static void assert_same_as_fresh(tstate *t)
{
    unlink(t->ref);
    char *dir = strdup(t->ref);
    *strrchr(dir, '/') = 0;
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -f %s/r.idx*", dir);
    assert_int_equal(system(cmd), 0);
    free(dir);
    pdx_writer *w = NULL;
    pdx_writer_opts wo = {.threads = 1, .created = 1700000000, .on_diag = on_diag, .payload = t};
    t->fresh_diag = strlen(t->diag); /* where the fresh build's messages start */
    assert_int_equal(pdx_writer_new(&w, t->ref, &wo), PDX_OK);
    const char *paths[] = {t->in};
    assert_int_equal(pdx_writer_add_paths(w, paths, 1, NULL, NULL), PDX_OK);
    assert_int_equal(pdx_writer_commit(w, NULL), PDX_OK);
    pdx_writer_free(w);
    pdx_index *ix = NULL; /* the reader's own checks of the updated index */
    char err[600];
    if (pdx_index_open(&ix, t->idx, err, sizeof err))
        fail_msg("%s", err);
    if (pdx_index_check(ix))
        fail_msg("check: %s", pdx_index_errmsg(ix));
    pdx_index_close(ix);
    char *a = live_papers(t->idx), *b = live_papers(t->ref);
    assert_string_equal(a, b);
    free(a);
    free(b);
    view va, vb;
    view_open(t->idx, &va);
    view_open(t->ref, &vb);
    assert_int_equal(va.m.n_live, vb.m.n_live);
    for (unsigned f = 0; f < PDX_NFIELDS; f++)
        assert_int_equal(va.m.sum_len[f], vb.m.sum_len[f]);
    assert_int_equal(va.m.min_date, vb.m.min_date);
    assert_int_equal(va.m.max_date, vb.m.max_date);
    assert_int_equal(va.m.lexicon_len, vb.m.lexicon_len);
    assert_memory_equal(va.m.lexicon, vb.m.lexicon, va.m.lexicon_len);
    /* the fixtures state their three pairs often enough; 대형 언어 모델
     * (Large Language Model) has a head, 언어 모델/Language Model */
    pdx_lexicon *lx = NULL;
    assert_int_equal(pdx_lexicon_open(&lx, va.m.lexicon, va.m.lexicon_len), PDX_OK);
    if (!t->own_pairs)
        assert_int_equal(pdx_lexicon_count(lx), va.m.n_live >= 3 ? 4 : 0);
    pdx_lexicon_free(lx);
    view_close(&va);
    view_close(&vb);
    assert_consistent(t->idx);
}

static uint32_t n_segments(const char *index)
{
    view v;
    view_open(index, &v);
    uint32_t n = v.m.n_segs;
    view_close(&v);
    return n;
}

/* ---- tests ---- */

static void update_adds_a_day(void **st)
{
    tstate *t = *st;
    write_day(t->in, "2024-01-01.md", "2024-01-01", day1, 3);
    write_day(t->in, "2024-01-02.md", "2024-01-02", day2, 2);
    pdx_update_stats s = update_index(t, t->idx, 0);
    assert_true(s.full_build);
    assert_int_equal(s.files_added, 2);
    assert_int_equal(s.papers_added, 5);
    write_day(t->in, "2024-01-03.md", "2024-01-03", day3, 3);
    s = update_index(t, t->idx, 0);
    assert_false(s.full_build);
    assert_int_equal(s.files_unchanged, 2);
    assert_int_equal(s.files_added, 1);
    assert_int_equal(s.papers_added, 3);
    assert_int_equal(s.papers_deleted, 0);
    assert_int_equal(s.segments, 2);
    assert_same_as_fresh(t);
}

/* Title-summary pairs (indexer/assoc.h) past PDX_ASSOC_MAX_PAPERS live
 * papers, where both a build and an update count a sample: DAYS days of
 * PER_DAY papers, paper i titled with English word i % 30 and saying
 * Korean word i % 30 (300 papers each, 30 pairs). The update, which picks
 * its sample by the ids' tags in IDHASH among the live papers, must write
 * the lexicon a build that hashes the ids writes, after papers are added
 * and after some are deleted. */
#define ASSOC_DAYS 30
#define ASSOC_PER_DAY 300
static void write_assoc_day(const char *dir, int day)
{
    static const char *const ko[] = {
        "탈옥", "주행", "가속", "선형", "동영", "공간", "보안", "오염", "어휘", "음악",
        "분자", "단백", "의료", "금융", "번역", "요약", "추천", "탐지", "추적", "분할",
        "압축", "정렬", "검색", "편집", "조작", "합성", "증류", "병합", "양자", "회로"};
    static const char *const en[] = {
        "Jailbreak",   "Driving",      "Acceleration", "Linear",      "Video",
        "Space",       "Security",     "Contamination", "Vocabulary", "Music",
        "Molecule",    "Protein",      "Medical",      "Finance",     "Translation",
        "Summary",     "Recommender",  "Detection",    "Tracking",    "Segmentation",
        "Compression", "Alignment",    "Retrieval",    "Editing",     "Manipulation",
        "Synthesis",   "Distillation", "Merging",      "Quantum",     "Circuit"};
    size_t cap = (size_t)ASSOC_PER_DAY * 256 + 64, len = 0;
    char *buf = malloc(cap), name[32];
    assert_non_null(buf);
    len += (size_t)snprintf(buf, cap, "## Daily Papers (2024-02-%02d)\n\n", day + 1);
    for (int k = 0; k < ASSOC_PER_DAY; k++) {
        int i = day * ASSOC_PER_DAY + k;
        len += (size_t)snprintf(buf + len, cap - len,
                                "### [%s Study](https://arxiv.org/abs/2402.%05d)\n\n"
                                "- %s 문제를 다룬다.\n\n",
                                en[i % 30], i, ko[i % 30]);
    }
    snprintf(name, sizeof name, "2024-02-%02d.md", day + 1);
    char *path = fx_path(dir, name);
    fx_write(path, buf, len);
    free(path);
    free(buf);
}

static void update_title_summary_pairs_sampled(void **st)
{
    tstate *t = *st;
    t->own_pairs = true;
    for (int d = 0; d < ASSOC_DAYS - 1; d++)
        write_assoc_day(t->in, d);
    update_index(t, t->idx, 0);
    write_assoc_day(t->in, ASSOC_DAYS - 1);
    pdx_update_stats s = update_index(t, t->idx, 0);
    assert_int_equal(s.papers_added, ASSOC_PER_DAY);
    assert_true(ASSOC_DAYS * ASSOC_PER_DAY > PDX_ASSOC_MAX_PAPERS); /* a sample */
    assert_same_as_fresh(t);
    char *gone = fx_path(t->in, "2024-02-03.md"); /* deleted papers: the sample follows */
    assert_int_equal(unlink(gone), 0);
    free(gone);
    s = update_index(t, t->idx, 0);
    assert_int_equal(s.papers_deleted, ASSOC_PER_DAY);
    assert_true((ASSOC_DAYS - 1) * ASSOC_PER_DAY > PDX_ASSOC_MAX_PAPERS);
    assert_same_as_fresh(t);
    view v;
    view_open(t->idx, &v);
    pdx_lexicon *lx = NULL;
    assert_int_equal(pdx_lexicon_open(&lx, v.m.lexicon, v.m.lexicon_len), PDX_OK);
    assert_int_equal(pdx_lexicon_count(lx), 30);
    pdx_lexicon_free(lx);
    view_close(&v);
}

/* A damaged IDHASH met while counting the title-summary pairs fails the
 * update with what the segment said. (The counting reads IDHASH whole; a
 * search reads a slot at a time.) */
static void update_names_damage_met_counting(void **st)
{
    tstate *t = *st;
    write_day(t->in, "2024-01-01.md", "2024-01-01", day1, 3);
    update_index(t, t->idx, 0);
    char *seg = fx_index_segment(t->idx, 0);
    size_t size;
    uint8_t *p = (uint8_t *)fx_read(seg, &size);
    assert_non_null(p);
    uint64_t table = pdx_get_u64(p + PDX_HDR_TABLE_OFF);
    uint8_t *slots = NULL;
    for (unsigned i = 0; i < PDX_SEC_COUNT; i++) {
        const uint8_t *e = p + table + (size_t)i * PDX_SECTION_ENTRY_SIZE;
        if (pdx_get_u32(e) == PDX_SEC_IDHASH)
            slots = p + pdx_get_u64(e + 8) + 8;
    }
    assert_non_null(slots);
    while (pdx_get_u32(slots) == 0) /* the first document named */
        slots += PDX_HASH_SLOT_SIZE;
    pdx_put_u32(slots, 999999);
    fx_write(seg, (const char *)p, size);
    write_day(t->in, "2024-01-02.md", "2024-01-02", day2, 2);
    const char *paths[] = {t->in};
    pdx_update_opts o = {.writer = {.threads = 1, .created = 1700000000}};
    char err[800];
    assert_int_equal(pdx_index_update(t->idx, paths, 1, &o, NULL, NULL, err, sizeof err),
                     PDX_ECORRUPT);
    if (!strstr(err, "title-summary pairs") || !strstr(err, "IDHASH"))
        fail_msg("the update said \"%s\"", err);
    free(p);
    free(seg);
}

static void update_edits_and_deletes_a_day(void **st)
{
    tstate *t = *st;
    write_day(t->in, "2024-01-01.md", "2024-01-01", day1, 3);
    write_day(t->in, "2024-01-02.md", "2024-01-02", day2, 2);
    write_day(t->in, "2024-01-03.md", "2024-01-03", day3, 3);
    update_index(t, t->idx, 0);
    tpaper edited[3];
    memcpy(edited, day3, sizeof edited);
    edited[1].title = "Benchmarks of careful reasoning, corrected";
    write_day(t->in, "2024-01-03.md", "2024-01-03", edited, 3);
    pdx_update_stats s = update_index(t, t->idx, 0);
    assert_int_equal(s.files_changed, 1);
    assert_int_equal(s.files_unchanged, 2);
    assert_int_equal(s.papers_deleted, 3);
    assert_int_equal(s.papers_added, 3);
    assert_same_as_fresh(t);

    char *gone = fx_path(t->in, "2024-01-02.md");
    assert_int_equal(unlink(gone), 0);
    free(gone);
    s = update_index(t, t->idx, 0);
    assert_int_equal(s.files_removed, 1);
    assert_int_equal(s.papers_deleted, 2);
    assert_int_equal(s.papers_added, 0);
    assert_same_as_fresh(t);
}

/* An update that finds nothing changed writes nothing; a file touched
 * but not changed is recognized by its hash. */
static void update_unchanged_does_nothing(void **st)
{
    tstate *t = *st;
    write_day(t->in, "2024-01-01.md", "2024-01-01", day1, 3);
    update_index(t, t->idx, 0);
    size_t len1, len2;
    char *before = fx_read(t->idx, &len1);
    struct stat a, b;
    assert_int_equal(stat(t->idx, &a), 0);
    pdx_update_stats s = update_index(t, t->idx, 0);
    assert_int_equal(s.files_unchanged, 1);
    assert_int_equal(s.files_added + s.files_changed + s.papers_added + s.papers_deleted, 0);
    assert_int_equal(stat(t->idx, &b), 0);
    assert_int_equal(a.st_ino, b.st_ino); /* not replaced */
    char *after = fx_read(t->idx, &len2);
    assert_int_equal(len1, len2);
    assert_memory_equal(before, after, len1);
    free(after);

    /* touched: same bytes, new mtime: unchanged, the record learns the mtime */
    char *p = fx_path(t->in, "2024-01-01.md");
    struct timespec times[2] = {{0, UTIME_OMIT}, {1800000000, 5}};
    assert_int_equal(utimensat(AT_FDCWD, p, times, 0), 0);
    s = update_index(t, t->idx, 0);
    assert_int_equal(s.files_unchanged, 1);
    assert_int_equal(s.papers_added + s.papers_deleted, 0);
    assert_int_equal(n_segments(t->idx), 1);
    view v;
    view_open(t->idx, &v);
    assert_int_equal(v.m.files[0].mtime_ns, (int64_t)1800000000 * 1000000000 + 5);
    view_close(&v);
    free(p);
    free(before);
}

/* The same arXiv id on two days, the second added by an update: a later
 * date wins whichever segment holds it; on the same date the file later
 * in walk order wins. */
static void update_duplicate_later_day(void **st)
{
    tstate *t = *st;
    write_day(t->in, "2024-01-01.md", "2024-01-01", day1, 3);
    update_index(t, t->idx, 0);
    tpaper again[] = {{"2401.00002", "Sparse attention, the journal version", 30}};
    write_day(t->in, "2024-01-05.md", "2024-01-05", again, 1);
    t->diag[0] = 0;
    pdx_update_stats s = update_index(t, t->idx, 0);
    assert_int_equal(s.duplicates, 1);
    assert_int_equal(s.papers_deleted, 1); /* the old one */
    assert_int_equal(s.papers_added, 1);
    assert_non_null(strstr(t->diag, "2024-01-05.md:3: duplicate arXiv id 2401.00002"));
    assert_non_null(strstr(t->diag, "(also dated 2024-01-01 in ")); /* not 20240101 */
    assert_same_as_fresh(t);
    /* a full build words it the same, naming the other file (a trial) */
    const char *fresh = t->diag + t->fresh_diag;
    assert_non_null(strstr(fresh, "2024-01-05.md:3: duplicate arXiv id 2401.00002 (also dated "
                                  "2024-01-01 in "));
    assert_non_null(strstr(fresh, "2024-01-01.md): this entry replaces that one"));
}

static void update_duplicate_earlier_day(void **st)
{
    tstate *t = *st;
    write_day(t->in, "2024-01-05.md", "2024-01-05", day1, 3);
    update_index(t, t->idx, 0);
    tpaper again[] = {{"2401.00002", "Sparse attention, the preprint", 30},
                      {"2401.00099", "Something else", 1}};
    write_day(t->in, "2024-01-01.md", "2024-01-01", again, 2);
    pdx_update_stats s = update_index(t, t->idx, 0);
    assert_int_equal(s.duplicates, 1);
    assert_int_equal(s.papers_deleted, 0);
    assert_int_equal(s.papers_added, 1); /* the earlier copy is not indexed */
    assert_same_as_fresh(t);
    /* and it comes back when the later day goes */
    char *p = fx_path(t->in, "2024-01-05.md");
    assert_int_equal(unlink(p), 0);
    free(p);
    s = update_index(t, t->idx, 0);
    assert_int_equal(s.files_removed, 1);
    assert_int_equal(s.files_reparsed, 1);
    assert_same_as_fresh(t);
}

static void update_duplicate_same_day(void **st)
{
    tstate *t = *st;
    /* "b" sorts after "a": on a tie, b's copy wins in a full build */
    write_day(t->in, "b.md", "2024-01-05", day1, 3);
    update_index(t, t->idx, 0);
    tpaper again[] = {{"2401.00001", "Robot control, the copy in a", 8}};
    write_day(t->in, "a.md", "2024-01-05", again, 1);
    pdx_update_stats s = update_index(t, t->idx, 0);
    assert_int_equal(s.duplicates, 1);
    assert_int_equal(s.papers_added, 0);
    assert_same_as_fresh(t);
    write_day(t->in, "c.md", "2024-01-05", again, 1);
    s = update_index(t, t->idx, 0);
    assert_int_equal(s.duplicates, 1);
    assert_int_equal(s.papers_added, 1);
    assert_int_equal(s.papers_deleted, 1);
    assert_same_as_fresh(t);
}

/* Papers without a link, all titled "Untitled": the id was the title's
 * hash, so the build kept one of them and called the others duplicates of
 * an "arXiv id". Different summaries are different papers now; a section
 * repeated word for word on a later day is one paper, reported as a
 * duplicate synthesized id, by a build and by an update alike. */
static void update_linkless_papers_same_title(void **st)
{
    tstate *t = *st;
    /* summaries[] (which give the lexicon its pairs), then what tells the papers apart */
    char a[2048], b[2048], c[1024];
    snprintf(a, sizeof a,
             "## Daily Papers (2024-01-01)\n\n### [Untitled]\n\n%s\n- 첫 번째 논문.\n\n"
             "### [Untitled]\n\n%s\n- 두 번째 논문.\n",
             summaries[0], summaries[1]);
    snprintf(b, sizeof b,
             "## Daily Papers (2024-01-02)\n\n### [Untitled]\n\n%s\n- 세 번째 논문.\n\n"
             "### [Untitled]\n\nVote: 3\n\n%s\n- 첫 번째 논문.\n",
             summaries[2], summaries[0]);
    snprintf(c, sizeof c, "## Daily Papers (2024-01-03)\n\n### [Untitled]\n\n%s\n- 두 번째 논문.\n",
             summaries[1]);
    char *pa = fx_path(t->in, "a.md"), *pb = fx_path(t->in, "b.md"), *pc = fx_path(t->in, "c.md");
    fx_write(pa, a, (size_t)-1);
    fx_write(pb, b, (size_t)-1);
    t->diag[0] = 0;
    pdx_update_stats s = update_index(t, t->idx, 0); /* a full build */
    assert_int_equal(s.duplicates, 1);
    assert_non_null(strstr(t->diag, "b.md:9: duplicate synthesized id nolink-"));
    assert_null(strstr(t->diag, "arXiv id nolink"));
    assert_same_as_fresh(t);
    fx_write(pc, c, (size_t)-1);
    t->diag[0] = 0;
    s = update_index(t, t->idx, 0);
    assert_int_equal(s.duplicates, 1);
    assert_int_equal(s.papers_added, 1);
    assert_int_equal(s.papers_deleted, 1);
    assert_non_null(strstr(t->diag, "c.md:3: duplicate synthesized id nolink-"));
    assert_null(strstr(t->diag, "arXiv id nolink"));
    assert_same_as_fresh(t);
    view v;
    view_open(t->idx, &v);
    assert_int_equal(v.m.n_live, 3);
    view_close(&v);
    free(pa);
    free(pb);
    free(pc);
}

/* A paper that lost to a later copy comes back when that copy's file is
 * edited so that it no longer wins, or removed. */
static void update_resurrects_dropped_duplicate(void **st)
{
    tstate *t = *st;
    tpaper later[] = {{"2401.00003", "Video generation survey, revised", 11}};
    write_day(t->in, "2024-01-01.md", "2024-01-01", day1, 3);
    write_day(t->in, "2024-01-09.md", "2024-01-09", later, 1);
    update_index(t, t->idx, 0); /* a full build: day 1's copy dropped */
    assert_same_as_fresh(t);
    write_day(t->in, "2024-01-09.md", "2024-01-09", day2, 2); /* the copy is edited out */
    pdx_update_stats s = update_index(t, t->idx, 0);
    assert_int_equal(s.files_changed, 1);
    assert_int_equal(s.files_reparsed, 1);
    assert_same_as_fresh(t);
    /* in another update: the copy comes back on a later day, wins, goes again */
    write_day(t->in, "2024-01-10.md", "2024-01-10", later, 1);
    s = update_index(t, t->idx, 0);
    assert_int_equal(s.duplicates, 1);
    assert_same_as_fresh(t);
    char *p = fx_path(t->in, "2024-01-10.md");
    assert_int_equal(unlink(p), 0);
    free(p);
    s = update_index(t, t->idx, 0);
    assert_int_equal(s.files_reparsed, 1);
    assert_same_as_fresh(t);
}

/* An index made by a full build (paperdex-index without --update) is
 * updated the same way: its file records, the ids its build dropped as
 * duplicates and its candidate table (MCAND) are the writer's. */
static void update_after_full_build(void **st)
{
    tstate *t = *st;
    tpaper later[] = {{"2401.00003", "Video generation survey, revised", 11}};
    write_day(t->in, "2024-01-01.md", "2024-01-01", day1, 3);
    write_day(t->in, "2024-01-02.md", "2024-01-02", day2, 2);
    write_day(t->in, "2024-01-09.md", "2024-01-09", later, 1);
    pdx_writer *w = NULL;
    pdx_writer_opts wo = {.threads = 1, .created = 1700000000};
    assert_int_equal(pdx_writer_new(&w, t->idx, &wo), PDX_OK);
    const char *paths[] = {t->in};
    assert_int_equal(pdx_writer_add_paths(w, paths, 1, NULL, NULL), PDX_OK);
    assert_int_equal(pdx_writer_commit(w, NULL), PDX_OK);
    pdx_writer_free(w);
    view v;
    view_open(t->idx, &v);
    assert_true(v.m.cand_len > 0);
    view_close(&v);
    pdx_update_stats s = update_index(t, t->idx, 0);
    assert_int_equal(s.files_unchanged, 3);
    assert_int_equal(s.segments, 1);
    char *p = fx_path(t->in, "2024-01-09.md");
    assert_int_equal(unlink(p), 0);
    free(p);
    write_day(t->in, "2024-01-03.md", "2024-01-03", day3, 3);
    s = update_index(t, t->idx, 0);
    assert_int_equal(s.files_removed, 1);
    assert_int_equal(s.files_added, 1);
    assert_int_equal(s.files_reparsed, 1); /* day 1 gets its survey back */
    assert_same_as_fresh(t);
}

/* Many small updates: the segment count stays within the bound, merges
 * happen, and --optimize leaves one segment without deletions. */
static void update_merges_and_optimize(void **st)
{
    tstate *t = *st;
    for (int day = 1; day <= 14; day++) {
        char name[32], date[16], id[3][16], title[3][48];
        tpaper ps[3];
        for (int k = 0; k < 3; k++) {
            snprintf(id[k], sizeof id[k], "2402.%05d", day * 10 + k);
            snprintf(title[k], sizeof title[k], "Day %d paper %d on robot learning", day, k);
            ps[k] = (tpaper){id[k], title[k], day + k};
        }
        snprintf(name, sizeof name, "2024-02-%02d.md", day);
        snprintf(date, sizeof date, "2024-02-%02d", day);
        write_day(t->in, name, date, ps, 3);
        if (day == 9) { /* an edit on the way */
            ps[0].title = "Day one, corrected";
            write_day(t->in, "2024-02-01.md", "2024-02-01", ps, 3);
        }
        pdx_update_stats s = update_index(t, t->idx, 4);
        assert_true(s.segments <= 4);
    }
    view v;
    view_open(t->idx, &v);
    assert_true(v.m.n_segs <= 4);
    view_close(&v);
    assert_same_as_fresh(t);

    pdx_update_opts o = {.writer = {.threads = 1, .created = 1700000000}};
    pdx_update_stats s;
    char err[800];
    assert_int_equal(pdx_index_optimize(t->idx, &o, &s, err, sizeof err), PDX_OK);
    assert_int_equal(s.segments, 1);
    assert_int_equal(s.merges, 1);
    view_open(t->idx, &v);
    assert_int_equal(v.m.n_segs, 1);
    assert_int_equal(v.m.segs[0].n_deleted, 0);
    view_close(&v);
    assert_same_as_fresh(t);
    /* no file but the manifest, its lock and its one segment is left */
    char *out = strdup(t->idx);
    *strrchr(out, '/') = 0;
    char cmd[4200], *ls = NULL;
    snprintf(cmd, sizeof cmd, "ls %s | wc -l", out);
    assert_int_equal(fx_run(cmd, &ls), 0);
    assert_int_equal(atoi(ls), 3);
    free(ls);
    free(out);
}

/* A merge reads its segments' stored papers and writes them into a new
 * segment with checksums of its own: a damaged input must be refused, not
 * carried into a segment that --check would then accept. */
static void update_merge_refuses_damaged_segment(void **st)
{
    tstate *t = *st;
    write_day(t->in, "2024-01-01.md", "2024-01-01", day1, 3);
    update_index(t, t->idx, 0);
    write_day(t->in, "2024-01-02.md", "2024-01-02", day2, 2);
    update_index(t, t->idx, 0);
    assert_int_equal(n_segments(t->idx), 2);
    /* one byte of the first segment's STORED section flipped */
    char *seg = fx_index_segment(t->idx, 0), err[800];
    pdx_index *ix;
    assert_int_equal(pdx_segment_open(&ix, seg, err, sizeof err), PDX_OK);
    uint64_t at = ix->sec[PDX_SEC_STORED].off + ix->sec[PDX_SEC_STORED].len / 2;
    pdx_index_close(ix);
    int fd = open(seg, O_RDWR);
    assert_true(fd >= 0);
    uint8_t b;
    assert_int_equal(pread(fd, &b, 1, (off_t)at), 1);
    b ^= 0x20;
    assert_int_equal(pwrite(fd, &b, 1, (off_t)at), 1);
    close(fd);

    pdx_update_opts o = {.writer = {.threads = 1, .created = 1700000000}};
    pdx_update_stats s;
    assert_int_equal(pdx_index_optimize(t->idx, &o, &s, err, sizeof err), PDX_ECORRUPT);
    if (!strstr(err, "STORED") || !strstr(err, "checksum mismatch") || !strstr(err, ".seg"))
        fail_msg("unclear refusal: %s", err);
    /* the index is as it was: two segments, the damage still reported */
    assert_int_equal(n_segments(t->idx), 2);
    assert_int_equal(pdx_index_open(&ix, t->idx, err, sizeof err), PDX_OK);
    assert_int_equal(pdx_index_check(ix), PDX_ECORRUPT);
    pdx_index_close(ix);
    free(seg);
}

/* A digest replaced by a directory of the same name (holding a digest)
 * and a digest that cannot be read any more (a dangling link): the old
 * papers go, the new ones come, the unreadable path is reported. */
static void update_file_becomes_directory_or_unreadable(void **st)
{
    tstate *t = *st;
    write_day(t->in, "2024-01-01.md", "2024-01-01", day1, 3);
    write_day(t->in, "2024-01-02.md", "2024-01-02", day2, 2);
    update_index(t, t->idx, 0);
    char *p = fx_path(t->in, "2024-01-02.md");
    assert_int_equal(unlink(p), 0);
    assert_int_equal(mkdir(p, 0755), 0);
    write_day(p, "inner.md", "2024-01-02", day3, 3);
    pdx_update_stats s = update_index(t, t->idx, 0);
    assert_int_equal(s.files_removed, 1);
    assert_int_equal(s.files_added, 1);
    assert_same_as_fresh(t);

    char *q = fx_path(t->in, "2024-01-01.md");
    assert_int_equal(unlink(q), 0);
    assert_int_equal(symlink("/nonexistent/paperdex-test", q), 0);
    t->diag[0] = 0;
    s = update_index(t, t->idx, 0);
    assert_int_equal(s.papers_deleted, 3);
    assert_non_null(strstr(t->diag, q));
    assert_same_as_fresh(t);
    free(p);
    free(q);
}

/* An index another tokenizer made (an older paperdex's) is rebuilt by an
 * update, not refused: a daily update would stop after an upgrade until
 * someone rebuilt by hand. Its segments go; the index is a full build's,
 * and a note says why every file was read. */
static void update_rebuilds_other_tokenizer(void **st)
{
    tstate *t = *st;
    write_day(t->in, "2024-01-01.md", "2024-01-01", day1, 3);
    write_day(t->in, "2024-01-02.md", "2024-01-02", day2, 2);
    update_index(t, t->idx, 0);
    /* the manifest as an older tokenizer would have written it */
    size_t len;
    char *bytes = fx_read(t->idx, &len), err[600];
    pdx_manifest m;
    assert_int_equal(pdx_manifest_decode(&m, (const uint8_t *)bytes, len, err, sizeof err),
                     PDX_OK);
    free(bytes);
    uint64_t old_seq = m.segs[0].seq;
    m.tokenizer_version = PDX_TOKENIZER_VERSION - 1;
    pdx_buf b = {0};
    assert_int_equal(pdx_manifest_encode(&b, &m), PDX_OK);
    fx_write(t->idx, (const char *)b.data, b.len);
    pdx_buf_free(&b);
    pdx_manifest_free(&m);
    char *old_seg = pdx_segment_path(t->idx, old_seq);
    t->diag[0] = 0;
    pdx_update_stats s = update_index(t, t->idx, 0);
    assert_true(s.full_build);
    assert_int_equal(s.files_added, 2);
    assert_int_equal(s.papers_added, 5);
    if (!strstr(t->diag, "every file is read again"))
        fail_msg("no note of the rebuild in:\n%s", t->diag);
    assert_int_equal(access(old_seg, F_OK), -1); /* the old segment is gone */
    assert_same_as_fresh(t);
    s = update_index(t, t->idx, 0); /* and the next update has nothing to do */
    assert_false(s.full_build);
    assert_int_equal(s.files_unchanged, 2);
    free(old_seg);
}

/* ---- a folder the walk cannot read ---- */

/* What an update without permission on a folder saw (no cmocka: it may
 * run in a child). */
typedef struct blind_run {
    pdx_update_stats st;
    int rc;
    char err[800];
} blind_run;

/* Reads up to n bytes of fd, to its end. */
static ssize_t read_full(int fd, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = read(fd, (char *)buf + got, n - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    return (ssize_t)got;
}

/* Takes the permission of folder dir away, updates, gives it back. */
static void update_blind(tstate *t, const char *dir, blind_run *r)
{
    const char *paths[] = {t->in};
    pdx_update_opts o = {.writer = {.threads = 1, .on_diag = on_diag, .payload = t,
                                    .created = 1700000000}};
    pdx_parse_cb cb = {NULL, on_diag, t};
    r->rc = chmod(dir, 0) == 0 ? PDX_OK : PDX_EIO;
    if (!r->rc)
        r->rc = pdx_index_update(t->idx, paths, 1, &o, &cb, &r->st, r->err, sizeof r->err);
    if (chmod(dir, 0755) != 0 && !r->rc)
        r->rc = PDX_EIO;
}

/* update_blind() as a user whom permissions bind: root runs it in a child
 * as nobody, over the scratch folder handed to nobody, and gets back what
 * it saw and said. */
static void update_blind_as_user(tstate *t, const char *dir, blind_run *r)
{
    t->diag[0] = 0;
    if (geteuid() != 0) {
        update_blind(t, dir, r);
        return;
    }
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "chown -R 65534:65534 '%s'", t->dir);
    assert_int_equal(system(cmd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fd[0]);
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(3);
        update_blind(t, dir, r);
        size_t n = strlen(t->diag) + 1;
        ssize_t a = write(fd[1], r, sizeof *r), b = write(fd[1], t->diag, n);
        _exit(a == (ssize_t)sizeof *r && b == (ssize_t)n ? 0 : 4);
    }
    close(fd[1]);
    assert_int_equal(read_full(fd[0], r, sizeof *r), (ssize_t)sizeof *r);
    ssize_t n = read_full(fd[0], t->diag, sizeof t->diag - 1);
    t->diag[n > 0 ? n : 0] = 0;
    close(fd[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* A folder the walk cannot read is not gone: an update keeps the papers
 * of the files it indexed there, and says so (a user trial: chmod 000 on
 * a folder deleted its papers until the next update). Back as it was, the
 * index is a full build's. A link that leads nowhere, a loop as a dangling
 * one, is gone. */
static void update_keeps_papers_under_unreadable_folder(void **st)
{
    tstate *t = *st;
    char *sub = fx_path(t->in, "sub"), *aside = fx_path(t->dir, "aside");
    assert_int_equal(mkdir(sub, 0755), 0);
    write_day(t->in, "2024-01-01.md", "2024-01-01", day1, 3);
    write_day(sub, "2024-01-02.md", "2024-01-02", day2, 2);
    update_index(t, t->idx, 0);
    char *before = live_papers(t->idx);

    blind_run r;
    update_blind_as_user(t, sub, &r);
    if (r.rc)
        fail_msg("update without permission on %s: %d %s", sub, r.rc, r.err);
    assert_int_equal(r.st.papers_deleted + r.st.papers_added + r.st.files_removed, 0);
    assert_int_equal(r.st.files_unchanged, 2);
    if (!strstr(t->diag, "the papers of the 1 indexed file under it are kept as they were"))
        fail_msg("no warning of the kept papers in:\n%s", t->diag);
    char *now = live_papers(t->idx);
    assert_string_equal(now, before);
    free(now);
    pdx_update_stats s = update_index(t, t->idx, 0); /* readable: nothing to do */
    assert_int_equal(s.papers_deleted + s.papers_added + s.files_removed, 0);
    assert_same_as_fresh(t);

    assert_int_equal(rename(sub, aside), 0);
    assert_int_equal(symlink("sub", sub), 0); /* ELOOP */
    s = update_index(t, t->idx, 0);
    assert_int_equal(s.papers_deleted, 2);
    assert_int_equal(s.files_removed, 1);
    assert_int_equal(unlink(sub), 0);
    assert_int_equal(rename(aside, sub), 0);
    s = update_index(t, t->idx, 0);
    assert_int_equal(s.papers_added, 2);
    assert_same_as_fresh(t);
    free(before);
    free(sub);
    free(aside);
}

/* A digest whose size and mtime moved and that cannot be read now, for
 * want of permission (a sync tool wrote it back mode 600), keeps its
 * papers as a folder's do, with a warning (a user trial: its papers were
 * deleted); readable again, it is read, and the index is a full build's. */
static void update_keeps_papers_of_unreadable_file(void **st)
{
    tstate *t = *st;
    write_day(t->in, "2024-01-01.md", "2024-01-01", day1, 3);
    write_day(t->in, "2024-01-02.md", "2024-01-02", day2, 2);
    update_index(t, t->idx, 0);
    char *before = live_papers(t->idx), *p = fx_path(t->in, "2024-01-02.md");
    write_day(t->in, "2024-01-02.md", "2024-01-02", day3, 3);
    blind_run r;
    update_blind_as_user(t, p, &r);
    if (r.rc)
        fail_msg("update without permission on %s: %d %s", p, r.rc, r.err);
    assert_int_equal(r.st.papers_deleted + r.st.papers_added, 0);
    if (!strstr(t->diag, "its 2 indexed papers are kept as they were"))
        fail_msg("no warning of the kept papers in:\n%s", t->diag);
    char *now = live_papers(t->idx);
    assert_string_equal(now, before);
    free(now);
    pdx_update_stats s = update_index(t, t->idx, 0); /* readable: read now */
    assert_int_equal(s.papers_deleted, 2);
    assert_int_equal(s.papers_added, 3);
    assert_same_as_fresh(t);
    free(before);
    free(p);
}

/* A kept file holds its place in the walk, which breaks a tie between
 * duplicates of one date (the later file wins): a new copy in z.md, after
 * the unreadable asub/, wins as in a full build. And a kept file whose
 * dropped duplicate lost its winner is not parsed again while unreadable
 * (its papers would go): the paper comes back once it can be read. */
static void update_kept_file_keeps_its_place(void **st)
{
    tstate *t = *st;
    static const tpaper ties[] = {{"2401.00002", "Sparse attention again", 4}};
    char *asub = fx_path(t->in, "asub"), *z = fx_path(t->in, "z.md");
    assert_int_equal(mkdir(asub, 0755), 0);
    write_day(asub, "k.md", "2024-01-01", day1, 3);
    update_index(t, t->idx, 0);
    write_day(t->in, "z.md", "2024-01-01", ties, 1);
    blind_run r;
    update_blind_as_user(t, asub, &r);
    if (r.rc)
        fail_msg("update without permission on %s: %d %s", asub, r.rc, r.err);
    assert_int_equal(r.st.duplicates, 1);
    assert_int_equal(r.st.papers_deleted, 1); /* k.md's copy: z.md is later in the walk */
    update_index(t, t->idx, 0);
    assert_same_as_fresh(t);

    assert_int_equal(unlink(z), 0); /* the winner goes while asub cannot be read */
    update_blind_as_user(t, asub, &r);
    if (r.rc)
        fail_msg("update without permission on %s: %d %s", asub, r.rc, r.err);
    assert_int_equal(r.st.papers_deleted, 1); /* z.md's, none of k.md's */
    assert_int_equal(r.st.files_reparsed, 0);
    pdx_update_stats s = update_index(t, t->idx, 0); /* readable: it comes back */
    assert_int_equal(s.files_reparsed, 1);
    assert_same_as_fresh(t);
    free(asub);
    free(z);
}

/* An unchanged file that cannot be read now (chmod leaves its size and
 * mtime), whose paper dropped as a duplicate lost its winner, is not parsed
 * again while it cannot be read: parsing it lost all its papers (a trial).
 * It is kept, with a warning; readable, the paper comes back. */
static void update_unreadable_loser_keeps_papers(void **st)
{
    tstate *t = *st;
    static const tpaper ties[] = {{"2401.00002", "Sparse attention again", 4}};
    char *k = fx_path(t->in, "k.md"), *z = fx_path(t->in, "z.md");
    write_day(t->in, "k.md", "2024-01-01", day1, 3);
    write_day(t->in, "z.md", "2024-01-01", ties, 1); /* later in the walk: it wins */
    update_index(t, t->idx, 0);
    assert_int_equal(unlink(z), 0);
    blind_run r;
    update_blind_as_user(t, k, &r);
    if (r.rc)
        fail_msg("update without permission on %s: %d %s", k, r.rc, r.err);
    assert_int_equal(r.st.papers_deleted, 1); /* z.md's only */
    assert_int_equal(r.st.files_reparsed, 0);
    if (!strstr(t->diag, "its 2 indexed papers are kept as they were"))
        fail_msg("no warning of the kept papers in:\n%s", t->diag);
    pdx_update_stats s = update_index(t, t->idx, 0); /* readable: it comes back */
    assert_int_equal(s.files_reparsed, 1);
    assert_same_as_fresh(t);
    free(k);
    free(z);
}

/* A digest whose new content the parser cannot read at all keeps its
 * papers as an unreadable one does, with a warning (a trial: re-saved as
 * UTF-16, a day's papers went); so does one grown past what a digest can
 * hold, which is not even read. Readable again, it is read. */
static void update_keeps_papers_of_unparsable_file(void **st)
{
    tstate *t = *st;
    write_day(t->in, "2024-01-01.md", "2024-01-01", day1, 3);
    write_day(t->in, "2024-01-02.md", "2024-01-02", day2, 2);
    update_index(t, t->idx, 0);
    char *before = live_papers(t->idx), *p = fx_path(t->in, "2024-01-02.md");
    size_t n;
    char *text = fx_read(p, &n);
    FILE *f = fopen(p, "wb"); /* UTF-16LE, as Windows editors save "Unicode" */
    assert_non_null(f);
    fputs("\xff\xfe", f);
    for (size_t i = 0; i < n; i++) {
        fputc(text[i], f);
        fputc(0, f);
    }
    assert_int_equal(fclose(f), 0);
    t->diag[0] = 0;
    pdx_update_stats s = update_index(t, t->idx, 0);
    assert_int_equal(s.papers_deleted + s.papers_added, 0);
    if (!strstr(t->diag, "could not be read (it looks like UTF-16; digests must be UTF-8): "
                         "its 2 indexed papers are kept as they were"))
        fail_msg("no warning of the kept papers in:\n%s", t->diag);
    char *now = live_papers(t->idx);
    assert_string_equal(now, before);
    free(now);
    /* past the bound: a sparse file, never read */
    assert_int_equal(truncate(p, (off_t)PDX_MAX_DIGEST_BYTES + 1), 0);
    t->diag[0] = 0;
    s = update_index(t, t->idx, 0);
    assert_int_equal(s.papers_deleted + s.papers_added, 0);
    if (!strstr(t->diag, "could not be read (it is larger than a digest can be)"))
        fail_msg("no warning of the kept papers in:\n%s", t->diag);
    now = live_papers(t->idx);
    assert_string_equal(now, before);
    free(now);
    write_day(t->in, "2024-01-02.md", "2024-01-02", day3, 3); /* UTF-8 again */
    s = update_index(t, t->idx, 0);
    assert_int_equal(s.papers_deleted, 2);
    assert_int_equal(s.papers_added, 3);
    assert_same_as_fresh(t);
    free(text);
    free(before);
    free(p);
}

/* The waiting updater's diagnostics: a byte down the pipe (payload: its
 * write end) when it says it waits. */
static void note_waiting(const pdx_diag *d, void *payload)
{
    if (d->level == PDX_DIAG_NOTE && strstr(d->message, "waiting for it (up to 60 s)"))
        (void)!write(*(int *)payload, "w", 1);
}

/* Two updaters of one index: the second waits for the first's lock, then
 * does its work. (The child is given time to reach the lock; whether or
 * not it did, it cannot finish before the lock is released.) The waiting
 * one says so at once (a user trial sat through a silent minute). */
static void update_waits_for_another_writer(void **st)
{
    tstate *t = *st;
    write_day(t->in, "2024-01-01.md", "2024-01-01", day1, 3);
    update_index(t, t->idx, 0);
    pdx_lock lock;
    char err[600];
    assert_int_equal(pdx_index_lock(t->idx, NULL, NULL, NULL, &lock, err, sizeof err), PDX_OK);
    write_day(t->in, "2024-01-02.md", "2024-01-02", day2, 2);
    int said[2];
    assert_int_equal(pipe(said), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(lock.fd); /* the parent's lock stays: it holds its own descriptor */
        close(said[0]);
        const char *paths[] = {t->in};
        pdx_update_opts o = {.writer = {.threads = 1}};
        pdx_parse_cb cb = {NULL, note_waiting, &said[1]};
        int rc = pdx_index_update(t->idx, paths, 1, &o, &cb, NULL, err, sizeof err);
        _exit(rc == PDX_OK ? 0 : 1);
    }
    close(said[1]);
    /* it says it waits (at once; a minute is its limit), and does */
    struct pollfd pf = {said[0], POLLIN, 0};
    assert_int_equal(poll(&pf, 1, 50000), 1);
    char w;
    assert_int_equal(read(said[0], &w, 1), 1);
    close(said[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, WNOHANG), 0);
    assert_int_equal(n_segments(t->idx), 1);
    pdx_index_unlock(&lock, t->idx);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(n_segments(t->idx), 2);
    assert_same_as_fresh(t);
}

/* The cancel flag, set by the paper callback of the cancelled update. */
static volatile sig_atomic_t cancel_flag;

static int cancel_on_paper(const pdx_paper *p, void *payload)
{
    (void)p;
    (void)payload;
    cancel_flag = 1;
    return 0;
}

/* A cancelled update (a signal in paperdex-index) leaves the index as it
 * was and no file behind; the next update does the work. */
static void update_cancelled_changes_nothing(void **st)
{
    tstate *t = *st;
    write_day(t->in, "2024-01-01.md", "2024-01-01", day1, 3);
    update_index(t, t->idx, 0);
    size_t len1, len2;
    char *before = fx_read(t->idx, &len1);
    write_day(t->in, "2024-01-02.md", "2024-01-02", day2, 2);
    cancel_flag = 0;
    const char *paths[] = {t->in};
    pdx_update_opts o = {.writer = {.threads = 1, .cancel = &cancel_flag}};
    pdx_parse_cb cb = {cancel_on_paper, NULL, NULL};
    char err[800];
    assert_int_equal(pdx_index_update(t->idx, paths, 1, &o, &cb, NULL, err, sizeof err),
                     PDX_ESTOP);
    char *after = fx_read(t->idx, &len2);
    assert_int_equal(len1, len2);
    assert_memory_equal(before, after, len1);
    free(before);
    free(after);
    char *out = strdup(t->idx);
    *strrchr(out, '/') = 0;
    assert_false(fx_has_entry(out, ".tmp."));
    assert_false(fx_has_entry(out, ".2.seg"));
    free(out);
    pdx_update_stats s = update_index(t, t->idx, 0);
    assert_int_equal(s.files_added, 1);
    assert_same_as_fresh(t);
}

/* INDEX that is not an index is never replaced; an old single-file index
 * is refused with a message saying to rebuild. */
/* No index yet and no papers in the inputs (a file that is not a
 * digest): an error, as a full build gives, and still no index -- not a
 * success that says it built one. */
static void update_of_nothing_builds_nothing(void **st)
{
    tstate *t = *st;
    char *notes = fx_path(t->in, "notes.md");
    fx_write(notes, "# My notes\n\nNot a digest.\n", (size_t)-1);
    const char *paths[] = {t->in};
    char err[800];
    pdx_update_stats s;
    assert_int_equal(pdx_index_update(t->idx, paths, 1, NULL, NULL, &s, err, sizeof err),
                     PDX_EINVAL);
    assert_non_null(strstr(err, "no papers to index"));
    assert_int_equal(access(t->idx, F_OK), -1);
    /* nor the lock file it created (a user trial found it left behind) */
    char lock[4200];
    snprintf(lock, sizeof lock, "%s.lock", t->idx);
    assert_int_equal(access(lock, F_OK), -1);
    free(notes);
}

/* One byte from fd within 50 s (the test fails if none comes). */
static char read_byte(int fd)
{
    struct pollfd pf = {fd, POLLIN, 0};
    char c = 0;
    assert_int_equal(poll(&pf, 1, 50000), 1);
    assert_int_equal(read(fd, &c, 1), 1);
    return c;
}

/* A first run that fails removes the lock file it created, while still
 * holding it (pdx_index_unlock). A writer that was waiting on that file
 * then gets its flock; if it kept it, it would hold a lock on a file no
 * longer at the path while the next writer created and locked a new one:
 * two writers at once. It must lock the file at the path instead. */
static void update_lock_removed_while_another_waits(void **st)
{
    tstate *t = *st;
    char err[600], lock_path[4200];
    snprintf(lock_path, sizeof lock_path, "%s.lock", t->idx);
    pdx_lock first;
    assert_int_equal(pdx_index_lock(t->idx, NULL, NULL, NULL, &first, err, sizeof err), PDX_OK);
    assert_true(first.created);
    int said[2], done[2];
    assert_int_equal(pipe(said), 0);
    assert_int_equal(pipe(done), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(first.fd);
        close(said[0]);
        close(done[1]);
        pdx_lock second;
        int rc = pdx_index_lock(t->idx, NULL, note_waiting, &said[1], &second, err, sizeof err);
        (void)!write(said[1], rc ? "e" : "l", 1);
        char c;
        (void)!read(done[0], &c, 1); /* held until the parent has looked */
        _exit(rc ? 1 : second.created ? 0 : 2);
    }
    close(said[1]);
    close(done[0]);
    assert_int_equal(read_byte(said[0]), 'w'); /* it waits on the file */
    pdx_index_unlock(&first, t->idx);         /* no index: the file goes */
    assert_int_equal(read_byte(said[0]), 'l');
    int fd = open(lock_path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        fail_msg("%s: gone while a writer holds a lock: %s", lock_path, strerror(errno));
    assert_int_not_equal(flock(fd, LOCK_EX | LOCK_NB), 0); /* the waiter's lock is this file */
    close(fd);
    (void)!write(done[1], "x", 1);
    close(done[1]);
    close(said[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0); /* it created the file it locked */
}

static void update_refuses_foreign_files(void **st)
{
    tstate *t = *st;
    write_day(t->in, "2024-01-01.md", "2024-01-01", day1, 3);
    fx_write(t->idx, "my notes\n", (size_t)-1);
    const char *paths[] = {t->in};
    char err[800];
    assert_int_equal(pdx_index_update(t->idx, paths, 1, NULL, NULL, NULL, err, sizeof err),
                     PDX_ENOTINDEX);
    assert_non_null(strstr(err, "not a paperdex index"));
    size_t len;
    char *still = fx_read(t->idx, &len);
    assert_string_equal(still, "my notes\n");
    free(still);
    /* refused before the lock: no INDEX.lock left beside the user's file,
     * nor beside a path --optimize finds nothing at */
    char lock[4200];
    snprintf(lock, sizeof lock, "%s.lock", t->idx);
    assert_int_equal(access(lock, F_OK), -1);
    char *none = fx_path(t->dir, "none.idx");
    pdx_update_stats s;
    assert_int_equal(pdx_index_optimize(none, NULL, &s, err, sizeof err), PDX_ENOTFOUND);
    snprintf(lock, sizeof lock, "%s.lock", none);
    assert_int_equal(access(lock, F_OK), -1);
    free(none);
}

/* A small deterministic generator (xorshift64*), so a failing sequence
 * can be replayed from its printed seed. */
static uint64_t rnd_next(uint64_t *x)
{
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return *x * 2685821657736338717ull;
}

/* Random sequences of writes (few ids, few dates: many duplicates and
 * ties), edits, deletions, touches and --optimize over a handful of files,
 * each followed by an update and the comparison with a full build. (The
 * sequence of this seed meets 78 duplicates, re-parses 29 files to bring
 * dropped duplicates back and merges 11 times.) */
static void update_random_sequences(void **st)
{
    tstate *t = *st;
    static const char *const names[] = {"a.md", "b.md", "c.md", "d.md", "e.md", "f.md"};
    enum { N_NAMES = 6, STEPS = 36 };
    bool present[N_NAMES] = {false};
    uint64_t seed = 0x9e3779b97f4a7c15ull, x = seed;
    print_message("update_random_sequences: seed 0x%llx\n", (unsigned long long)seed);
    for (int step = 0; step < STEPS; step++) {
        unsigned k = (unsigned)(rnd_next(&x) % N_NAMES), op = (unsigned)(rnd_next(&x) % 10);
        unsigned n_present = 0;
        for (unsigned i = 0; i < N_NAMES; i++)
            n_present += present[i];
        char *p = fx_path(t->in, names[k]);
        if (op < 6 || n_present <= 1 || !present[k]) { /* write (add or edit) */
            char date[16], ids[4][16], titles[4][48];
            tpaper ps[4];
            unsigned n = 1 + (unsigned)(rnd_next(&x) % 4);
            snprintf(date, sizeof date, "2024-01-0%u", 1 + (unsigned)(rnd_next(&x) % 3));
            for (unsigned i = 0; i < n; i++) {
                snprintf(ids[i], sizeof ids[i], "2403.%05u", (unsigned)(rnd_next(&x) % 7));
                snprintf(titles[i], sizeof titles[i], "Step %d paper %u about robots", step, i);
                ps[i] = (tpaper){ids[i], titles[i], (int)(rnd_next(&x) % 50)};
            }
            write_day(t->in, names[k], date, ps, n);
            present[k] = true;
        } else if (op < 8) { /* delete */
            assert_int_equal(unlink(p), 0);
            present[k] = false;
        } else if (op < 9) { /* touch: same bytes, another mtime */
            struct timespec times[2] = {{0, UTIME_OMIT}, {1700000000 + step, 0}};
            assert_int_equal(utimensat(AT_FDCWD, p, times, 0), 0);
        } else {
            pdx_update_opts o = {.writer = {.threads = 1, .created = 1700000000}};
            char err[800];
            if (pdx_index_optimize(t->idx, &o, NULL, err, sizeof err) != PDX_OK &&
                !strstr(err, "no index"))
                fail_msg("seed 0x%llx step %d: optimize: %s", (unsigned long long)seed, step,
                         err);
        }
        free(p);
        update_index(t, t->idx, 3);
        assert_same_as_fresh(t);
    }
}

/* paperdex-index --update, --optimize and --max-segments: the JSON
 * summary, the text summary, usage errors. */
static void update_cli(void **st)
{
    tstate *t = *st;
    write_day(t->in, "2024-01-01.md", "2024-01-01", day1, 3);
    char cmd[8192], *out = NULL;
    snprintf(cmd, sizeof cmd, "%s/paperdex-index --update --json -o %s %s", PDX_BIN_DIR, t->idx,
             t->in);
    assert_int_equal(fx_run(cmd, &out), 0);
    assert_non_null(strstr(out, "\"full_build\":true"));
    assert_non_null(strstr(out, "\"files_added\":1,"));
    assert_non_null(strstr(out, "\"papers_added\":3,"));
    free(out);
    write_day(t->in, "2024-01-02.md", "2024-01-02", day2, 2);
    snprintf(cmd, sizeof cmd, "%s/paperdex-index --update --max-segments 5 -o %s %s",
             PDX_BIN_DIR, t->idx, t->in);
    assert_int_equal(fx_run(cmd, &out), 0);
    assert_non_null(strstr(out, "files unchanged:   1\n"));
    assert_non_null(strstr(out, "papers added:      2\n"));
    assert_non_null(strstr(out, "segments:          2 "));
    free(out);
    snprintf(cmd, sizeof cmd, "%s/paperdex-index --optimize %s", PDX_BIN_DIR, t->idx);
    assert_int_equal(fx_run(cmd, &out), 0);
    assert_non_null(strstr(out, "segments:          1 (1 written by merging)"));
    free(out);
    assert_int_equal(n_segments(t->idx), 1);
    /* options between a mode and its INDEX, or before the mode */
    snprintf(cmd, sizeof cmd, "%s/paperdex-index --optimize --json --mem-mb 8 %s", PDX_BIN_DIR,
             t->idx);
    assert_int_equal(fx_run(cmd, &out), 0);
    /* its own keys: a trial read "update":true and an update's file counts */
    static const char opt_json[] = "{\"optimize\":true,\"segments\":1,\"merges\":";
    assert_memory_equal(out, opt_json, sizeof opt_json - 1);
    assert_null(strstr(out, "update"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s/paperdex-index --check %s", PDX_BIN_DIR, t->idx);
    assert_int_equal(fx_run(cmd, &out), 0);
    assert_non_null(strstr(out, ": ok ("));
    free(out);
    /* quiet: the exit status says it (it printed the verdict all the same:
     * an adversarial review) */
    snprintf(cmd, sizeof cmd, "%s/paperdex-index --check --quiet %s 2>&1", PDX_BIN_DIR, t->idx);
    assert_int_equal(fx_run(cmd, &out), 0);
    assert_string_equal(out, "");
    free(out);
    snprintf(cmd, sizeof cmd, "%s/paperdex-index --check %s %s 2>/dev/null", PDX_BIN_DIR, t->idx,
             t->in);
    assert_int_equal(fx_run(cmd, NULL), 2); /* one INDEX, not two */
    snprintf(cmd, sizeof cmd, "%s/paperdex-index --optimize %s %s 2>/dev/null", PDX_BIN_DIR,
             t->idx, t->in);
    assert_int_equal(fx_run(cmd, NULL), 2);
    snprintf(cmd, sizeof cmd, "%s/paperdex-index --update --max-segments 1 -o %s %s 2>/dev/null",
             PDX_BIN_DIR, t->idx, t->in);
    assert_int_equal(fx_run(cmd, NULL), 2);
    /* two modes, or an option the mode would ignore: a usage error that
     * says which (a user trial: --update --check only checked, --info
     * --json printed no JSON, --max-segments without --update did nothing) */
    static const struct {
        const char *args, *says;
    } misuse[] = {
        {"--update --check", "--check and --update are two modes"},
        {"--watch --check", "--check and --watch are two modes"},
        {"--info --check", "--check and --info are two modes"},
        {"--optimize --update", "--optimize and --update are two modes"},
        {"--info --json", "--info INDEX takes no --json"},
        {"--check --threads 2", "--check INDEX takes no --threads"},
        {"-q --info", "--info INDEX takes no --quiet"},
        {"--optimize --max-segments 5", "--max-segments goes with --update or --watch"},
        {"-o other.idx --optimize", "--optimize INDEX takes no -o"},
    };
    for (size_t i = 0; i < sizeof misuse / sizeof *misuse; i++) {
        snprintf(cmd, sizeof cmd, "%s/paperdex-index %s %s 2>&1", PDX_BIN_DIR, misuse[i].args,
                 t->idx);
        assert_int_equal(fx_run(cmd, &out), 2);
        if (!strstr(out, misuse[i].says))
            fail_msg("'%s' said '%s', want '%s'", misuse[i].args, out, misuse[i].says);
        free(out);
    }
    snprintf(cmd, sizeof cmd, "%s/paperdex-index --max-segments 5 -o %s %s 2>&1", PDX_BIN_DIR,
             t->idx, t->in);
    assert_int_equal(fx_run(cmd, &out), 2);
    assert_non_null(strstr(out, "--max-segments goes with --update or --watch"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s/paperdex-index --optimize %s/none.idx 2>&1", PDX_BIN_DIR,
             t->dir);
    assert_int_equal(fx_run(cmd, &out), 1);
    assert_non_null(strstr(out, "no index to optimize"));
    free(out);
    assert_same_as_fresh(t);
}

/* A paper the parser skips is listed, with its file, line and reason, in
 * the JSON and text summaries of both a full build and an --update (one
 * helper writes each list for both). */
static void cli_summaries_list_skipped_papers(void **st)
{
    tstate *t = *st;
    write_day(t->in, "2024-01-01.md", "2024-01-01", day1, 3);
    char *bad = fx_path(t->in, "2024-01-02.md");
    static const char day[] = "## Daily Papers (2024-01-02)\n\n### []()\n";
    fx_write(bad, day, sizeof day - 1);
    char json[4096], text[4096];
    snprintf(json, sizeof json,
             "\"skipped\":[{\"file\":\"%s\",\"line\":3,\"reason\":\"paper heading with an "
             "empty title and no arXiv id\"}],\"paths_skipped\":0,\"warnings\":0,",
             bad);
    snprintf(text, sizeof text,
             "papers skipped:    1\n  %s:3: paper heading with an empty title and no arXiv "
             "id\npaths skipped:     0\nwarnings:          0\n",
             bad);
    static const char *const modes[] = {"--json", "", "--update --json", "--update"};
    for (size_t i = 0; i < sizeof modes / sizeof *modes; i++) {
        /* a new index each time: an --update of unchanged files reads none */
        char cmd[8192], *out = NULL;
        snprintf(cmd, sizeof cmd, "%s/paperdex-index %s -o %s.%zu %s 2>/dev/null", PDX_BIN_DIR,
                 modes[i], t->idx, i, t->in);
        assert_int_equal(fx_run(cmd, &out), 0);
        const char *want = strstr(modes[i], "--json") ? json : text;
        if (!out || !strstr(out, want))
            fail_msg("paperdex-index %s: no \"%s\" in:\n%s", modes[i], want, out ? out : "");
        free(out);
    }
    free(bad);
}

/* Does the manifest of index hold a record of path? */
static bool has_record(const char *index, const char *path)
{
    view v;
    view_open(index, &v);
    bool found = false;
    for (uint32_t r = 0; r < v.m.n_files; r++)
        found |= strcmp(v.m.files[r].path, path) == 0;
    view_close(&v);
    return found;
}

/* Runs `paperdex-index --update --json` of t->in and checks the counters
 * and that the file without headings was reported skipped. */
static void update_says(tstate *t, const char *notes, const char *counters)
{
    char cmd[8192], *out = NULL;
    snprintf(cmd, sizeof cmd, "%s/paperdex-index --update --json -o %s %s 2>&1", PDX_BIN_DIR,
             t->idx, t->in);
    assert_int_equal(fx_run(cmd, &out), 0);
    char said[4300];
    snprintf(said, sizeof said, "%s: skipped: not a digest", notes);
    if (!out || !strstr(out, counters) || !strstr(out, "\"paths_skipped\":1,") ||
        !strstr(out, said))
        fail_msg("want %s, paths_skipped 1 and '%s' in:\n%s", counters, said, out ? out : "");
    free(out);
}

/* A file without paper headings is skipped, with its message, by every
 * update as by every build, and counted only as a skipped path: it gets
 * no record (an update that wrote nothing used to count it added each
 * time; once another change wrote its empty record it became unchanged
 * and silent). */
static void update_skips_a_file_without_papers_every_time(void **st)
{
    tstate *t = *st;
    write_day(t->in, "2024-01-01.md", "2024-01-01", day1, 3);
    update_index(t, t->idx, 0);
    char *notes = fx_path(t->in, "notes.md");
    static const char text[] = "plain notes, no paper headings\n";
    fx_write(notes, text, sizeof text - 1);
    for (int i = 0; i < 2; i++)
        update_says(t, notes, "\"files_unchanged\":1,\"files_added\":0,");
    write_day(t->in, "2024-01-02.md", "2024-01-02", day2, 2); /* a change that writes */
    update_says(t, notes, "\"files_unchanged\":1,\"files_added\":1,");
    update_says(t, notes, "\"files_unchanged\":2,\"files_added\":0,");
    assert_false(has_record(t->idx, notes));
    assert_same_as_fresh(t);
    assert_false(has_record(t->ref, notes)); /* nor does a build record it */
    free(notes);
}

/* A changed file whose only paper is dropped as a duplicate (the same id
 * on a later day elsewhere) still gets a new record with its new size and
 * hash, though no paper of it is deleted or added: the next update finds
 * it unchanged instead of parsing it again at every run. */
static void update_changed_file_of_duplicates_only(void **st)
{
    tstate *t = *st;
    write_day(t->in, "2024-01-05.md", "2024-01-05", day1, 3);
    tpaper dup[] = {{"2401.00002", "Sparse attention, the preprint", 30}};
    write_day(t->in, "2024-01-01.md", "2024-01-01", dup, 1);
    pdx_update_stats s = update_index(t, t->idx, 0);
    assert_int_equal(s.duplicates, 1);
    tpaper edited[] = {{"2401.00002", "Sparse attention, the preprint, edited", 31}};
    write_day(t->in, "2024-01-01.md", "2024-01-01", edited, 1);
    s = update_index(t, t->idx, 0);
    assert_int_equal(s.files_changed, 1);
    assert_int_equal(s.papers_added, 0);
    assert_int_equal(s.papers_deleted, 0);
    s = update_index(t, t->idx, 0);
    assert_int_equal(s.files_changed, 0);
    assert_int_equal(s.files_unchanged, 2);
    assert_same_as_fresh(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(update_adds_a_day, setup, teardown),
        cmocka_unit_test_setup_teardown(update_title_summary_pairs_sampled, setup, teardown),
        cmocka_unit_test_setup_teardown(update_names_damage_met_counting, setup, teardown),
        cmocka_unit_test_setup_teardown(update_edits_and_deletes_a_day, setup, teardown),
        cmocka_unit_test_setup_teardown(update_unchanged_does_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(update_duplicate_later_day, setup, teardown),
        cmocka_unit_test_setup_teardown(update_duplicate_earlier_day, setup, teardown),
        cmocka_unit_test_setup_teardown(update_duplicate_same_day, setup, teardown),
        cmocka_unit_test_setup_teardown(update_resurrects_dropped_duplicate, setup, teardown),
        cmocka_unit_test_setup_teardown(update_linkless_papers_same_title, setup, teardown),
        cmocka_unit_test_setup_teardown(update_after_full_build, setup, teardown),
        cmocka_unit_test_setup_teardown(update_merges_and_optimize, setup, teardown),
        cmocka_unit_test_setup_teardown(update_merge_refuses_damaged_segment, setup, teardown),
        cmocka_unit_test_setup_teardown(update_rebuilds_other_tokenizer, setup, teardown),
        cmocka_unit_test_setup_teardown(update_keeps_papers_of_unreadable_file, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(update_keeps_papers_under_unreadable_folder, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(update_kept_file_keeps_its_place, setup, teardown),
        cmocka_unit_test_setup_teardown(update_unreadable_loser_keeps_papers, setup, teardown),
        cmocka_unit_test_setup_teardown(update_keeps_papers_of_unparsable_file, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(update_file_becomes_directory_or_unreadable, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(update_waits_for_another_writer, setup, teardown),
        cmocka_unit_test_setup_teardown(update_cancelled_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(update_refuses_foreign_files, setup, teardown),
        cmocka_unit_test_setup_teardown(update_of_nothing_builds_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(update_lock_removed_while_another_waits, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(update_cli, setup, teardown),
        cmocka_unit_test_setup_teardown(cli_summaries_list_skipped_papers, setup, teardown),
        cmocka_unit_test_setup_teardown(update_skips_a_file_without_papers_every_time, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(update_changed_file_of_duplicates_only, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(update_random_sequences, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
