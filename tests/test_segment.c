/*
 * Segment writer and reader: round trips against the tokenizer's own view
 * of each document, spilled runs, duplicates, the seeds and the corpus,
 * atomic replacement, and refusing files that are not indexes.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "common.h"
#include "fixtures.h"
#include "format.h"
#include "paperdex/paperdex.h"
#include "segment.h"

/* ---- an in-memory paper set ---- */

typedef struct mpaper {
    char *id, *url, *title, *authors, *summary, *file;
    int32_t date;
    int64_t votes;
    uint32_t line;
} mpaper;

typedef struct corpus {
    mpaper *p;
    size_t n, cap;
} corpus;

static char *dupn(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    assert_non_null(d);
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

static void corpus_add(corpus *c, const pdx_paper *p)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->p = realloc(c->p, c->cap * sizeof *c->p);
        assert_non_null(c->p);
    }
    mpaper *m = &c->p[c->n++];
    m->id = dupn(p->id, p->id_len);
    m->url = dupn(p->url, p->url_len);
    m->title = dupn(p->title, p->title_len);
    m->authors = dupn(p->authors, p->authors_len);
    m->summary = dupn(p->summary, p->summary_len);
    m->file = strdup(p->file ? p->file : "");
    m->date = p->date;
    m->votes = p->votes;
    m->line = p->line;
}

static void corpus_free(corpus *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->p[i].id);
        free(c->p[i].url);
        free(c->p[i].title);
        free(c->p[i].authors);
        free(c->p[i].summary);
        free(c->p[i].file);
    }
    free(c->p);
    memset(c, 0, sizeof *c);
}

static pdx_paper as_paper(const mpaper *m)
{
    pdx_paper p = {0};
    p.id = m->id;
    p.id_len = strlen(m->id);
    p.url = m->url;
    p.url_len = strlen(m->url);
    p.title = m->title;
    p.title_len = strlen(m->title);
    p.authors = m->authors;
    p.authors_len = strlen(m->authors);
    p.summary = m->summary;
    p.summary_len = strlen(m->summary);
    p.date = m->date;
    p.votes = m->votes;
    p.file = m->file;
    p.line = m->line;
    return p;
}

static int collect(const pdx_paper *p, void *payload)
{
    corpus_add(payload, p);
    return 0;
}

static void write_index(const corpus *c, const char *path, size_t budget, pdx_write_stats *st)
{
    pdx_writer *w;
    pdx_writer_opts o = {.mem_budget = budget};
    assert_int_equal(pdx_writer_new(&w, path, &o), PDX_OK);
    for (size_t i = 0; i < c->n; i++) {
        pdx_paper p = as_paper(&c->p[i]);
        assert_int_equal(pdx_writer_add(w, &p), PDX_OK);
    }
    int rc = pdx_writer_commit(w, st);
    if (rc)
        fail_msg("commit: %s", pdx_writer_errmsg(w));
    pdx_writer_free(w);
}

/* ---- verification: every token of every field is in the index at its
 * position, and the index holds no posting or position more ---- */

typedef struct verify_ctx {
    pdx_index *ix;
    uint32_t doc;
    unsigned field;
    uint64_t tokens;
    uint64_t wholes; /* PDX_TOKEN_WHOLE tokens: postings, but no length */
    uint32_t *pos;
} verify_ctx;

static int verify_token(const pdx_token *t, void *payload)
{
    verify_ctx *v = payload;
    size_t len = t->term_len > PDX_MAX_TERM_BYTES ? PDX_MAX_TERM_BYTES : t->term_len;
    uint32_t ord;
    int rc = pdx_term_find(v->ix, t->term, len, &ord);
    if (rc)
        fail_msg("term '%.*s' of doc %u field %u not found (%d)", (int)len, t->term, v->doc,
                 v->field, rc);
    pdx_postings p;
    assert_int_equal(pdx_postings_open(&p, v->ix, ord, v->field), PDX_OK);
    assert_int_equal(pdx_postings_seek(&p, v->doc), PDX_OK);
    assert_int_equal(p.doc, v->doc);
    uint32_t tf = pdx_postings_tf(&p);
    assert_int_equal(pdx_postings_positions(&p, v->pos), PDX_OK);
    bool found = false;
    for (uint32_t i = 0; i < tf; i++)
        found |= v->pos[i] == t->pos;
    if (!found)
        fail_msg("term '%.*s' of doc %u field %u lacks position %u", (int)len, t->term, v->doc,
                 v->field, t->pos);
    if (t->kind == PDX_TOKEN_WHOLE)
        v->wholes++;
    else
        v->tokens++;
    return 0;
}

/* Tokenizes one field as the writer does (authors one by one, with a
 * position gap, whole Korean words too) and checks its tokens; returns the
 * token count (whole words are not counted: they add no length). */
static uint64_t verify_field(pdx_tokenizer *tk, verify_ctx *v, const char *text, bool authors)
{
    uint64_t before = v->tokens;
    if (!authors) {
        assert_int_equal(
            pdx_tokenize(tk, PDX_TOKENIZE_WHOLE, text, strlen(text), 0, NULL, verify_token, v), 0);
        return v->tokens - before;
    }
    uint32_t next = 0;
    const char *a = text;
    while (*a) {
        const char *nl = strchr(a, '\n');
        size_t n = nl ? (size_t)(nl - a) : strlen(a);
        uint32_t first = next ? next + PDX_AUTHOR_POSITION_GAP : 0;
        assert_int_equal(pdx_tokenize(tk, PDX_TOKENIZE_WHOLE, a, n, first, &next, verify_token, v),
                         0);
        a += n + (nl ? 1 : 0);
    }
    return v->tokens - before;
}

/* Checks the index against the papers expected, in document order. */
static void verify_index(const char *path, const corpus *expect)
{
    char err[512];
    pdx_index *ix;
    int rc = pdx_index_open(&ix, path, err, sizeof err);
    if (rc)
        fail_msg("open: %s", err);
    assert_int_equal(pdx_index_check(ix), PDX_OK);
    assert_int_equal(ix->n_docs, expect->n);
    pdx_tokenizer *tk;
    assert_int_equal(pdx_tokenizer_new(&tk), PDX_OK);
    verify_ctx v = {.ix = ix};
    v.pos = malloc(1 << 20);
    assert_non_null(v.pos);
    uint64_t total_tokens = 0;
    for (uint32_t d = 0; d < expect->n; d++) {
        const mpaper *m = &expect->p[d];
        pdx_doc doc;
        pdx_stored st;
        assert_int_equal(pdx_doc_get(ix, d, &doc), PDX_OK);
        assert_int_equal(pdx_stored_get(ix, d, &st), PDX_OK);
        assert_int_equal(st.id_len, strlen(m->id));
        assert_memory_equal(st.id, m->id, st.id_len);
        assert_int_equal(st.title_len, strlen(m->title));
        assert_memory_equal(st.title, m->title, st.title_len);
        assert_int_equal(st.url_len, strlen(m->url));
        assert_memory_equal(st.url, m->url, st.url_len);
        assert_int_equal(st.authors_len, strlen(m->authors));
        assert_memory_equal(st.authors, m->authors, st.authors_len);
        assert_int_equal(st.summary_len, strlen(m->summary));
        assert_memory_equal(st.summary, m->summary, st.summary_len);
        assert_int_equal(st.file_len, strlen(m->file));
        assert_int_equal(st.line, m->line);
        assert_int_equal(doc.date, m->date);
        assert_int_equal(doc.votes, m->votes < 0 ? PDX_VOTES_UNKNOWN : m->votes);
        /* the scorer's compact row says the same, escapes included */
        pdx_doc_score ds;
        pdx_doc_score_get(ix, d, &ds);
        assert_int_equal(ds.votes, doc.votes);
        for (unsigned f = 0; f < PDX_NFIELDS; f++)
            assert_int_equal(ds.len[f], doc.len[f]);
        uint32_t found;
        assert_int_equal(pdx_doc_find_id(ix, m->id, strlen(m->id), &found), PDX_OK);
        assert_int_equal(found, d);

        v.doc = d;
        v.field = PDX_FIELD_TITLE;
        assert_int_equal(verify_field(tk, &v, m->title, false), doc.len[PDX_FIELD_TITLE]);
        v.field = PDX_FIELD_AUTHORS;
        assert_int_equal(verify_field(tk, &v, m->authors, true), doc.len[PDX_FIELD_AUTHORS]);
        v.field = PDX_FIELD_SUMMARY;
        assert_int_equal(verify_field(tk, &v, m->summary, false), doc.len[PDX_FIELD_SUMMARY]);
        total_tokens += doc.len[0] + doc.len[1] + doc.len[2];
    }
    /* No extras: the tf of every posting adds up to the token count. */
    uint64_t tf_sum = 0;
    for (uint32_t t = 0; t < ix->n_terms; t++) {
        for (unsigned f = 0; f < PDX_NFIELDS; f++) {
            pdx_postings p;
            rc = pdx_postings_open(&p, ix, t, f);
            if (rc == PDX_ENOTFOUND)
                continue;
            assert_int_equal(rc, PDX_OK);
            while (p.doc != PDX_NO_DOC) {
                tf_sum += pdx_postings_tf(&p);
                assert_int_equal(pdx_postings_next(&p), PDX_OK);
            }
        }
    }
    assert_int_equal(tf_sum, total_tokens + v.wholes);
    assert_int_equal(v.tokens, total_tokens);
    free(v.pos);
    pdx_tokenizer_free(tk);
    pdx_index_close(ix);
}

/* ---- fixtures ---- */

static const char fixture_a[] =
    "## Daily Papers (2024-05-02)\n"
    "\n"
    "### [Sparse Mixture Routing for Small Models](https://arxiv.org/abs/2405.00001)\n"
    "\n"
    "Vote: 12\n"
    "\n"
    "Authors: Mina Park, Joon Lee, and Ada Stone\n"
    "\n"
    "- **What's New**: 작은 모델에서 전문가 혼합(Mixture of Experts) 라우팅을 단순화합니다.\n"
    "- **Technical Details**: 라우터는 text-to-video 데이터와 강화 학습 보상으로 학습됩니다.\n"
    "  - 중첩된 항목: GPT-4o 대비 2.5배 빠릅니다.\n"
    "\n"
    "### [Graph Diffusion Models for Molecules](https://arxiv.org/abs/2405.00002)\n"
    "\n"
    "Vote: -\n"
    "\n"
    "Authors: ['Ola Berg', 'Ha-eun Kim']\n"
    "\n"
    "- 분자 그래프를 위한 diffusion 모델을 제안합니다. 강화학습은 쓰지 않습니다.\n"
    "1. 첫째, 노드 잡음을 줄입니다.\n";

static const char fixture_b[] =
    "## Daily Papers (2024-05-03)\n"
    "\n"
    "### [Graph Diffusion Models for Molecules, Revised](https://arxiv.org/abs/2405.00002)\n"
    "\n"
    "Vote: 30\n"
    "\n"
    "Authors: Ola Berg\n"
    "\n"
    "- 개정판: 분자 생성 품질이 좋아졌습니다.\n"
    "\n"
    "### [Reading Korean Particles Robustly](https://arxiv.org/abs/2405.00003)\n"
    "\n"
    "Vote: 0\n"
    "\n"
    "Authors: Seo Yun\n"
    "\n"
    "- 학습이 잘 되도록 조사(particle)를 다룹니다.\n";

/* ---- tests ---- */

static void segment_roundtrip_fixtures(void **state)
{
    (void)state;
    char *dir = fx_tmpdir();
    char *a = fx_path(dir, "in/2024/05/02.md"), *b = fx_path(dir, "in/2024/05/03.md");
    fx_write(a, fixture_a, (size_t)-1);
    fx_write(b, fixture_b, (size_t)-1);
    char *in = fx_path(dir, "in");
    corpus c = {0};
    pdx_parse_cb cb = {collect, NULL, &c};
    pdx_parse_stats ps = {0};
    const char *paths[] = {in};
    assert_int_equal(pdx_parse_paths(paths, 1, &cb, &ps), PDX_OK);
    assert_int_equal(c.n, 4);

    char *idx = fx_path(dir, "x.idx");
    pdx_write_stats st;
    write_index(&c, idx, 0, &st);
    assert_int_equal(st.papers, 3);
    assert_int_equal(st.duplicates, 1);
    /* its size is its manifest's and its segment's (a docs trial: the
     * summary gave the segment's alone, against ls -l INDEX) */
    char seg[4096];
    snprintf(seg, sizeof seg, "%s.1.seg", idx);
    struct stat sm, ss;
    assert_int_equal(stat(idx, &sm), 0);
    assert_int_equal(stat(seg, &ss), 0);
    assert_int_equal(st.bytes, (uint64_t)sm.st_size + (uint64_t)ss.st_size);

    /* Expected: the 2024-05-03 entry of 2405.00002 replaces the earlier one;
     * order is input order without the loser. */
    corpus e = {0};
    pdx_paper p;
    p = as_paper(&c.p[0]);
    corpus_add(&e, &p);
    p = as_paper(&c.p[2]);
    corpus_add(&e, &p);
    p = as_paper(&c.p[3]);
    corpus_add(&e, &p);
    verify_index(idx, &e);

    /* The same with a tiny memory budget: every paper spills a run. */
    write_index(&c, idx, 1, &st);
    assert_true(st.runs >= 3);
    verify_index(idx, &e);

    /* An older duplicate arriving later is not indexed. */
    corpus r = {0};
    p = as_paper(&c.p[2]);
    corpus_add(&r, &p);
    p = as_paper(&c.p[1]);
    corpus_add(&r, &p);
    write_index(&r, idx, 0, &st);
    assert_int_equal(st.papers, 1);
    assert_int_equal(st.duplicates, 1);
    corpus e2 = {0};
    p = as_paper(&c.p[2]);
    corpus_add(&e2, &p);
    verify_index(idx, &e2);

    corpus_free(&c);
    corpus_free(&e);
    corpus_free(&r);
    corpus_free(&e2);
    free(a);
    free(b);
    free(in);
    free(idx);
    fx_rmtree(dir);
}

/* Random documents from a small mixed vocabulary, fixed seeds. */
static uint64_t rng_state;
static uint32_t rnd(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng_state >> 33);
}

static void random_text(pdx_buf *b, unsigned words)
{
    static const char *const vocab[] = {
        "model",  "models", "diffusion", "transformer", "LLaVA-1.5", "GPT-4o", "강화",
        "학습",   "강화학습", "모델의",   "벤치마크",   "데이터셋",  "text-to-video",
        "Márton", "ＧＰＴ",   "3D",       "$\\times$",  "🙂",        "what's", "1.5",
        "a",      "of",     "the",      "비디오",     "생성",      "x"};
    for (unsigned i = 0; i < words; i++) {
        const char *w = vocab[rnd() % (sizeof vocab / sizeof vocab[0])];
        if (i)
            pdx_buf_putc(b, rnd() % 7 ? ' ' : '\n');
        pdx_buf_append(b, w, strlen(w));
    }
    pdx_buf_putc(b, 0);
}

static void segment_roundtrip_random(void **state)
{
    (void)state;
    /* around the scoring row's u16 votes: exact, unknown's code, escaped */
    static const int64_t big_votes[] = {65533, 65534, 65535, 65536, 4000000000, 0};
    char *dir = fx_tmpdir();
    char *idx = fx_path(dir, "r.idx");
    for (uint64_t seed = 1; seed <= 3; seed++) {
        rng_state = seed;
        corpus c = {0};
        unsigned n = 150 + rnd() % 200; /* more than a block for frequent terms */
        for (unsigned i = 0; i < n; i++) {
            char id[32], url[64];
            snprintf(id, sizeof id, "2401.%05u", i);
            snprintf(url, sizeof url, "https://arxiv.org/abs/%s", id);
            pdx_buf title = {0}, authors = {0}, summary = {0};
            random_text(&title, 1 + rnd() % 8);
            unsigned na = rnd() % 4;
            for (unsigned k = 0; k < na; k++) {
                if (k)
                    pdx_buf_putc(&authors, '\n');
                static const char *const names[] = {"Mina Park", "Joon Lee", "Ola Berg",
                                                    "김하늘", "Zoë Ångström"};
                const char *nm = names[rnd() % 5];
                pdx_buf_append(&authors, nm, strlen(nm));
            }
            pdx_buf_putc(&authors, 0);
            /* one summary too long for the scoring row's u16 (escaped) */
            random_text(&summary, seed == 1 && i == 7 ? 80000 : rnd() % 300);
            pdx_paper p = {.id = id,
                           .id_len = strlen(id),
                           .url = url,
                           .url_len = strlen(url),
                           .title = (char *)title.data,
                           .title_len = strlen((char *)title.data),
                           .authors = (char *)authors.data,
                           .authors_len = strlen((char *)authors.data),
                           .summary = (char *)summary.data,
                           .summary_len = strlen((char *)summary.data),
                           .date = (int32_t)(20240101 + rnd() % 28),
                           .votes = i % 7 == 3 ? big_votes[rnd() % 6]
                                               : (int64_t)(rnd() % 50) - 1,
                           .file = "random.md",
                           .line = i + 1};
            corpus_add(&c, &p);
            pdx_buf_free(&title);
            pdx_buf_free(&authors);
            pdx_buf_free(&summary);
        }
        pdx_write_stats st;
        write_index(&c, idx, seed == 2 ? 4096 : 0, &st); /* seed 2 spills often */
        print_message("seed %llu: %u docs, %llu terms, %llu runs\n", (unsigned long long)seed,
                      n, (unsigned long long)st.terms, (unsigned long long)st.runs);
        verify_index(idx, &c);
        if (seed == 1) { /* the escapes of the scoring row were taken */
            pdx_index *ix;
            char err[512];
            assert_int_equal(pdx_index_open(&ix, idx, err, sizeof err), PDX_OK);
            pdx_doc d;
            assert_int_equal(pdx_doc_get(ix, 7, &d), PDX_OK);
            assert_true(d.len[PDX_FIELD_SUMMARY] >= PDX_DOC_ROW_ESCAPE);
            assert_int_equal(pdx_doc_get(ix, 3, &d), PDX_OK);
            assert_true(d.votes >= PDX_DOC_ROW_NO_VOTES || d.votes == 0);
            pdx_index_close(ix);
        }
        corpus_free(&c);
    }
    free(idx);
    fx_rmtree(dir);
}

static void segment_seeds(void **state)
{
    (void)state;
    const char *shared = fx_shared_dir();
    if (!shared)
        skip();
    char *seeds = fx_path(shared, "seeds");
    char *dir = fx_tmpdir();
    char *idx = fx_path(dir, "s.idx");
    corpus c = {0};
    pdx_parse_cb cb = {collect, NULL, &c};
    pdx_parse_stats ps = {0};
    const char *paths[] = {seeds};
    assert_int_equal(pdx_parse_paths(paths, 1, &cb, &ps), PDX_OK);
    pdx_write_stats st;
    write_index(&c, idx, 0, &st);
    assert_int_equal(st.papers, 87);
    verify_index(idx, &c);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s/paperdex-index --check '%s'", PDX_BIN_DIR, idx);
    assert_int_equal(fx_run(cmd, NULL), 0);
    corpus_free(&c);
    free(seeds);
    free(idx);
    fx_rmtree(dir);
}

static void segment_corpus_check(void **state)
{
    (void)state;
    const char *shared = fx_shared_dir();
    if (!shared)
        skip();
    char *dir = fx_tmpdir();
    char cmd[8192], *out = NULL;
    snprintf(cmd, sizeof cmd,
             "%s/paperdex-index --json -o '%s/c.idx' '%s/corpus/paper_logs' 2>/dev/null && "
             "%s/paperdex-index --check '%s/c.idx'",
             PDX_BIN_DIR, dir, shared, PDX_BIN_DIR, dir);
    assert_int_equal(fx_run(cmd, &out), 0);
    /* 4343 headings, one id on two days */
    assert_non_null(strstr(out, "\"papers\":4342,\"duplicates\":1,\"skipped\":[]"));
    assert_non_null(strstr(out, ": ok (4342 documents"));
    free(out);
    fx_rmtree(dir);
}

/* pdx_doc_id_tags() gives each document its id's tag (the high half of
 * its pdx_hash(), what an update samples title-summary papers by) from
 * IDHASH alone, and records read after pdx_stored_release() are the same;
 * a view has no one table. */
static void segment_id_tags(void **state)
{
    (void)state;
    char *dir = fx_tmpdir(), *idx = fx_path(dir, "t.idx");
    static const char *const ids[] = {"2401.00001", "2401.00002", "2401.00003", "2401.00004"};
    fx_paper papers[4];
    for (size_t i = 0; i < 4; i++)
        papers[i] = (fx_paper){ids[i], "A Title", "Kim Lee", "요약 문장", 20240101, 1};
    fx_write_index(idx, papers, 4);
    char err[512], seg[4200];
    pdx_index *view = NULL, *ix = NULL;
    assert_int_equal(pdx_index_open(&view, idx, err, sizeof err), PDX_OK);
    uint32_t tags[4];
    assert_int_equal(pdx_doc_id_tags(view, tags), PDX_EINVAL);
    pdx_index_close(view);
    for (unsigned seq = 1; seq < 8 && !ix; seq++) {
        snprintf(seg, sizeof seg, "%s.%u.seg", idx, seq);
        if (access(seg, F_OK) == 0)
            assert_int_equal(pdx_segment_open(&ix, seg, err, sizeof err), PDX_OK);
    }
    assert_non_null(ix);
    assert_int_equal(pdx_doc_id_tags(ix, tags), PDX_OK);
    for (uint32_t d = 0; d < 4; d++) {
        pdx_stored st;
        assert_int_equal(pdx_stored_get(ix, d, &st), PDX_OK);
        assert_int_equal(tags[d], (uint32_t)(pdx_hash(st.id, st.id_len) >> 32));
        pdx_stored_release(ix);
        pdx_stored again;
        assert_int_equal(pdx_stored_get(ix, d, &again), PDX_OK);
        assert_int_equal(again.id_len, st.id_len);
        assert_memory_equal(again.id, ids[d], st.id_len);
    }
    pdx_index_close(ix);
    free(idx);
    fx_rmtree(dir);
}

static void segment_open_refuses(void **state)
{
    (void)state;
    char *dir = fx_tmpdir();
    char *txt = fx_path(dir, "notes.txt"), *missing = fx_path(dir, "missing.idx");
    fx_write(txt, "just some text, not an index at all, long enough to have a header..........."
                  "..............................", (size_t)-1);
    char err[512];
    pdx_index *ix;
    assert_int_equal(pdx_index_open(&ix, txt, err, sizeof err), PDX_ENOTINDEX);
    assert_null(ix);
    assert_non_null(strstr(err, "not a paperdex index"));
    assert_non_null(strstr(err, txt));
    assert_int_equal(pdx_index_open(&ix, missing, err, sizeof err), PDX_ENOTFOUND);
    assert_non_null(strstr(err, "missing.idx"));
    assert_int_equal(pdx_index_open(&ix, dir, err, sizeof err), PDX_ENOTINDEX);
    free(txt);
    free(missing);
    fx_rmtree(dir);
}

/* Small corruptions are detected: truncation at open, a flipped bit by
 * --check, each naming the section. (tests/test_corrupt.c does this
 * exhaustively.) */
static void segment_check_names_section(void **state)
{
    (void)state;
    char *dir = fx_tmpdir();
    char *src = fx_path(dir, "2024/05/02.md"), *idx = fx_path(dir, "x.idx");
    fx_write(src, fixture_a, (size_t)-1);
    corpus c = {0};
    pdx_parse_cb cb = {collect, NULL, &c};
    assert_int_equal(pdx_parse_buffer(src, fixture_a, strlen(fixture_a), &cb, NULL), PDX_OK);
    write_index(&c, idx, 0, NULL);
    /* the damage is done to the index's segment file */
    char *seg = fx_index_segment(idx, 0);
    size_t len;
    char *data = fx_read(seg, &len);
    assert_non_null(data);

    char err[512];
    pdx_index *ix;
    fx_write(seg, data, len - 1);
    assert_int_equal(pdx_index_open(&ix, idx, err, sizeof err), PDX_ECORRUPT);
    assert_non_null(strstr(err, "truncated"));

    /* flip a bit inside POSTINGS: open succeeds, check names the section */
    fx_write(seg, data, len);
    assert_int_equal(pdx_index_open(&ix, idx, err, sizeof err), PDX_OK);
    uint64_t off = ix->sec[PDX_SEC_POSTINGS].off + ix->sec[PDX_SEC_POSTINGS].len / 2;
    pdx_index_close(ix);
    data[off] ^= 0x10;
    fx_write(seg, data, len);
    assert_int_equal(pdx_index_open(&ix, idx, err, sizeof err), PDX_OK);
    assert_int_equal(pdx_index_check(ix), PDX_ECORRUPT);
    assert_non_null(strstr(pdx_index_errmsg(ix), "POSTINGS"));
    assert_non_null(strstr(pdx_index_errmsg(ix), seg)); /* the file named */
    pdx_index_close(ix);

    free(seg);
    free(data);
    corpus_free(&c);
    free(src);
    free(idx);
    fx_rmtree(dir);
}

/* Replacing the index leaves a reader that has it open working, and no
 * temporary file behind. */
static void segment_replace_while_open(void **state)
{
    (void)state;
    char *dir = fx_tmpdir();
    char *idx = fx_path(dir, "x.idx");
    corpus c = {0};
    pdx_parse_cb cb = {collect, NULL, &c};
    assert_int_equal(pdx_parse_buffer("a/2024/05/02.md", fixture_a, strlen(fixture_a), &cb, NULL),
                     PDX_OK);
    write_index(&c, idx, 0, NULL);
    char err[512];
    pdx_index *ix;
    assert_int_equal(pdx_index_open(&ix, idx, err, sizeof err), PDX_OK);
    assert_int_equal(ix->n_docs, 2);
    corpus c2 = {0};
    pdx_parse_cb cb2 = {collect, NULL, &c2};
    assert_int_equal(pdx_parse_buffer("b/2024/05/03.md", fixture_b, strlen(fixture_b), &cb2, NULL),
                     PDX_OK);
    write_index(&c2, idx, 0, NULL);
    /* the old mapping still reads the old index in full */
    assert_int_equal(pdx_index_check(ix), PDX_OK);
    pdx_stored st;
    assert_int_equal(pdx_stored_get(ix, 0, &st), PDX_OK);
    assert_memory_equal(st.id, "2405.00001", 10);
    pdx_index_close(ix);
    assert_int_equal(pdx_index_open(&ix, idx, err, sizeof err), PDX_OK);
    assert_int_equal(pdx_stored_get(ix, 0, &st), PDX_OK);
    assert_memory_equal(st.id, "2405.00002", 10);
    pdx_index_close(ix);
    char cmd[4096], *out = NULL;
    snprintf(cmd, sizeof cmd, "LC_ALL=C ls -A '%s'", dir);
    assert_int_equal(fx_run(cmd, &out), 0);
    /* the manifest, the new segment (the old one is gone) and the lock */
    assert_string_equal(out, "x.idx\nx.idx.2.seg\nx.idx.lock\n");
    free(out);
    corpus_free(&c);
    corpus_free(&c2);
    free(idx);
    fx_rmtree(dir);
}

/* Counts the entries of dir whose names start with prefix. */
static size_t count_prefixed(const char *dir, const char *prefix)
{
    char cmd[4096], *out = NULL;
    snprintf(cmd, sizeof cmd, "ls -A '%s'", dir);
    assert_int_equal(fx_run(cmd, &out), 0);
    size_t n = 0, pl = strlen(prefix);
    for (char *line = out; line && *line;) {
        char *nl = strchr(line, '\n');
        if (!strncmp(line, prefix, pl))
            n++;
        line = nl ? nl + 1 : NULL;
    }
    free(out);
    return n;
}

/* Two writers for the same target in one process have the same pid, which
 * is what two containers sharing a volume look like (both indexers are pid
 * 1). Each must get its own temporary files: both commits succeed and each
 * index is whole, the second one the survivor. Creating the second writer
 * must not remove the first one's files as stale, while the files of a
 * writer that is gone (an unlocked group) are removed. */
static void segment_same_pid_writers(void **state)
{
    (void)state;
    char *dir = fx_tmpdir();
    char *idx = fx_path(dir, "x.idx");
    corpus ca = {0}, cb_ = {0};
    pdx_parse_cb cb1 = {collect, NULL, &ca}, cb2 = {collect, NULL, &cb_};
    assert_int_equal(pdx_parse_buffer("a/2024/05/02.md", fixture_a, strlen(fixture_a), &cb1, NULL),
                     PDX_OK);
    assert_int_equal(pdx_parse_buffer("b/2024/05/03.md", fixture_b, strlen(fixture_b), &cb2, NULL),
                     PDX_OK);
    /* a killed writer's leftovers: a group whose lock nobody holds */
    char *stale1 = fx_path(dir, "x.idx.tmp.1.00000000deadbeef.stored");
    char *stale2 = fx_path(dir, "x.idx.tmp.1.00000000deadbeef.run0");
    fx_write(stale1, "stale", (size_t)-1);
    fx_write(stale2, "stale", (size_t)-1);
    /* budget 1: every paper spills a sorted run, so run files exist too */
    pdx_writer_opts o = {.mem_budget = 1};
    pdx_writer *w1, *w2;
    assert_int_equal(pdx_writer_new(&w1, idx, &o), PDX_OK);
    assert_int_not_equal(access(stale1, F_OK), 0);
    assert_int_not_equal(access(stale2, F_OK), 0);
    for (size_t i = 0; i < ca.n; i++) {
        pdx_paper p = as_paper(&ca.p[i]);
        assert_int_equal(pdx_writer_add(w1, &p), PDX_OK);
    }
    size_t w1_files = count_prefixed(dir, "x.idx.tmp.");
    assert_true(w1_files >= 2); /* lock + stored, and runs */
    assert_int_equal(pdx_writer_new(&w2, idx, &o), PDX_OK);
    assert_int_equal(count_prefixed(dir, "x.idx.tmp."), w1_files + 1);
    for (size_t i = 0; i < cb_.n; i++) {
        pdx_paper p = as_paper(&cb_.p[i]);
        assert_int_equal(pdx_writer_add(w2, &p), PDX_OK);
    }
    int rc = pdx_writer_commit(w1, NULL);
    if (rc)
        fail_msg("first commit: %s", pdx_writer_errmsg(w1));
    verify_index(idx, &ca);
    rc = pdx_writer_commit(w2, NULL);
    if (rc)
        fail_msg("second commit: %s", pdx_writer_errmsg(w2));
    verify_index(idx, &cb_);
    pdx_writer_free(w1);
    pdx_writer_free(w2);
    assert_int_equal(count_prefixed(dir, "x.idx.tmp."), 0);
    corpus_free(&ca);
    corpus_free(&cb_);
    free(stale1);
    free(stale2);
    free(idx);
    fx_rmtree(dir);
}

/* A cancel flag (what paperdex-index's signal handler sets) stops adding
 * and committing with PDX_ESTOP; the target stays as it was and freeing the
 * writer leaves no temporary file. */
static void segment_writer_cancel(void **state)
{
    (void)state;
    char *dir = fx_tmpdir();
    char *idx = fx_path(dir, "x.idx");
    corpus c = {0};
    pdx_parse_cb cb = {collect, NULL, &c};
    assert_int_equal(pdx_parse_buffer("a/2024/05/02.md", fixture_a, strlen(fixture_a), &cb, NULL),
                     PDX_OK);
    write_index(&c, idx, 0, NULL);
    size_t before_len;
    char *before = fx_read(idx, &before_len);
    for (int at_commit = 0; at_commit < 2; at_commit++) {
        volatile sig_atomic_t stop = 0;
        pdx_writer_opts o = {.mem_budget = 1, .cancel = &stop};
        pdx_writer *w;
        assert_int_equal(pdx_writer_new(&w, idx, &o), PDX_OK);
        pdx_paper p = as_paper(&c.p[0]);
        assert_int_equal(pdx_writer_add(w, &p), PDX_OK); /* spills a run */
        stop = 1;
        if (at_commit) {
            assert_int_equal(pdx_writer_commit(w, NULL), PDX_ESTOP);
        } else {
            p = as_paper(&c.p[1]);
            assert_int_equal(pdx_writer_add(w, &p), PDX_ESTOP);
            assert_int_equal(pdx_writer_commit(w, NULL), PDX_ESTOP);
        }
        assert_non_null(strstr(pdx_writer_errmsg(w), "interrupted"));
        pdx_writer_free(w);
        assert_int_equal(count_prefixed(dir, "x.idx.tmp."), 0);
        size_t after_len;
        char *after = fx_read(idx, &after_len);
        assert_int_equal(after_len, before_len);
        assert_memory_equal(after, before, before_len);
        free(after);
    }
    free(before);
    corpus_free(&c);
    free(idx);
    fx_rmtree(dir);
}

static void segment_writer_errors(void **state)
{
    (void)state;
    char *dir = fx_tmpdir();
    char *idx = fx_path(dir, "x.idx");
    /* no papers: nothing written */
    pdx_writer *w;
    assert_int_equal(pdx_writer_new(&w, idx, NULL), PDX_OK);
    assert_int_equal(pdx_writer_commit(w, NULL), PDX_EINVAL);
    assert_non_null(strstr(pdx_writer_errmsg(w), "no papers"));
    pdx_writer_free(w);
    struct stat st;
    assert_int_not_equal(stat(idx, &st), 0);
    /* a directory that does not exist */
    char *bad = fx_path(dir, "nope/x.idx");
    assert_int_equal(pdx_writer_new(&w, bad, NULL), PDX_EIO);
    assert_non_null(strstr(pdx_writer_errmsg(w), "nope"));
    pdx_writer_free(w);
    free(bad);
    free(idx);
    fx_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(segment_roundtrip_fixtures),
        cmocka_unit_test(segment_roundtrip_random),
        cmocka_unit_test(segment_seeds),
        cmocka_unit_test(segment_corpus_check),
        cmocka_unit_test(segment_open_refuses),
        cmocka_unit_test(segment_id_tags),
        cmocka_unit_test(segment_check_names_section),
        cmocka_unit_test(segment_replace_while_open),
        cmocka_unit_test(segment_writer_errors),
        cmocka_unit_test(segment_same_pid_writers),
        cmocka_unit_test(segment_writer_cancel),
    };
    return cmocka_run_group_tests_name("segment", tests, NULL, NULL);
}
