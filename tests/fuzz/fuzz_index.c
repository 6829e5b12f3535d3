/*
 * Fuzz target: the index reader (common/segment.c, postings.c, check.c)
 * and the searcher on top of it, and the manifest decoder
 * (common/manifest.c).
 *
 * Input: the bytes of a segment file (opened with pdx_segment_open), or,
 * when they start with the manifest magic, of a manifest (decoded; what
 * the decoder accepts the encoder must accept too). Each input is tried
 * twice:
 *  1. as is: written to a file, opened, queried, then fully checked;
 *  2. "repaired": the file size fields, the META tokenizer version and
 *     every checksum the mutation broke (header, table, sections, footer)
 *     are recomputed wherever the table still points inside the file, so
 *     that mutations of offsets, counts and postings get past the
 *     checksums and reach the structural code.
 * Oracles: opening fails with one of the documented codes and a message,
 * or succeeds; a search returns OK or PDX_ECORRUPT with a message; hits
 * can be looked up; pdx_index_check returns OK or PDX_ECORRUPT. A file
 * that opens is opened again for a one-shot handle (PDX_OPEN_ONESHOT,
 * records and stored fields read by pread instead of the mapping), which
 * must give the same outcome for every query: codes, totals, hits,
 * scores and the fields of each hit (common/cold.c). And for
 * try 1, where nothing was repaired: an input that differs from a file
 * the writer produced can only pass the full check if it is that file,
 * which the fuzzer cannot know, so that is not asserted here (the
 * single-bit-flip test, tests/test_corrupt.c, asserts it).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "format.h"
#include "manifest.h"
#include "segment.h"
#include "fuzz_fixture.h"
#include "paperdex/search.h"

static char dir[256];
static char path[300];

static void cleanup(void)
{
    unlink(path);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/pdxfuzzi.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        abort();
    snprintf(path, sizeof path, "%s/i.idx", dir);
    atexit(cleanup);
    return 0;
}

/* Queries over the vocabulary of fuzz_fixture.h: terms, phrases,
 * prefixes, fields, exclusion, OR, filters, id lookups. */
static const char *const queries[] = {
    "model",
    "모델 학습",
    "\"sparse attention\"",
    "diffusion OR robot -video",
    "title:graph author:park",
    "summary:\"새로운 효율\"",
    "ret* 평가",
    "a*",
    "date:2024-06-01..2024-06-30 votes:>=10",
    "id:2406.10001",
    "id:2406.10002 model",
    "강화학습 policy",
    "votes:<50 memory",
    "scalable study number",
};

/* Folds v into the outcome digest h (FNV-1a over its bytes). */
static void mix(uint64_t *h, const void *v, size_t n)
{
    const uint8_t *b = v;
    for (size_t i = 0; i < n; i++)
        *h = (*h ^ b[i]) * 0x100000001b3ull;
}

static void mix_int(uint64_t *h, int64_t v)
{
    mix(h, &v, sizeof v);
}

static void mix_hit(uint64_t *h, int rc, const pdx_hit_info *x)
{
    mix_int(h, rc);
    if (rc)
        return;
    const char *f[] = {x->id, x->url, x->title, x->authors, x->summary, x->file};
    size_t n[] = {x->id_len, x->url_len, x->title_len, x->authors_len, x->summary_len,
                  x->file_len};
    for (size_t i = 0; i < 6; i++) {
        mix_int(h, (int64_t)n[i]);
        mix(h, f[i], n[i]);
    }
    mix_int(h, x->n_authors);
    mix_int(h, x->date);
    mix_int(h, x->votes);
    mix_int(h, x->line);
}

/* Runs every query; returns a digest of what they gave (codes, totals,
 * hits, scores, fields), 0 when no searcher could be made. */
static uint64_t query_all(pdx_index *ix)
{
    pdx_searcher *s;
    if (pdx_searcher_new(&s, ix))
        return 0;
    uint64_t digest = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        pdx_query *q;
        int rc = pdx_query_parse(&q, s, queries[i], strlen(queries[i]));
        mix_int(&digest, rc);
        if (rc) {
            /* Term lookups read TERMS/TERMHASH while parsing. */
            if (rc != PDX_ECORRUPT && rc != PDX_EINVAL && rc != PDX_ENOMEM &&
                rc != PDX_ELIMIT)
                abort();
            if (!pdx_searcher_errmsg(s)[0] && rc != PDX_ENOMEM)
                abort();
            continue;
        }
        pdx_search_opts o;
        pdx_search_opts_default(&o);
        o.limit = 4;
        o.sort = (pdx_sort)(i % 3);
        pdx_results r;
        rc = pdx_search(s, q, &o, &r);
        mix_int(&digest, rc);
        if (rc == PDX_OK) {
            mix_int(&digest, (int64_t)r.total);
            mix_int(&digest, (int64_t)r.n);
            for (size_t k = 0; k < r.n; k++) {
                pdx_hit_info h;
                int hrc = pdx_hit_get(s, r.hits[k].doc, &h);
                mix_int(&digest, r.hits[k].doc);
                mix(&digest, &r.hits[k].score, sizeof r.hits[k].score);
                mix_hit(&digest, hrc, &h);
                if (hrc == PDX_OK) {
                    pdx_snippet sn;
                    pdx_snippet_make(s, q, h.summary, h.summary_len, 80, &sn);
                } else if (hrc != PDX_ECORRUPT) {
                    abort();
                }
            }
            pdx_results_clear(&r);
        } else if (rc != PDX_ECORRUPT && rc != PDX_ENOMEM) {
            abort();
        } else if (rc == PDX_ECORRUPT && !pdx_searcher_errmsg(s)[0]) {
            abort();
        }
        pdx_query_free(q);
    }
    pdx_searcher_free(s);
    return digest;
}

/* A manifest: decoded whole, or refused with a documented code and a
 * message; a decoded one encodes again. */
static void try_manifest(const uint8_t *data, size_t size)
{
    pdx_manifest m;
    char err[256];
    int rc = pdx_manifest_decode(&m, data, size, err, sizeof err);
    if (rc) {
        if (rc != PDX_ECORRUPT && rc != PDX_ENOTINDEX && rc != PDX_EVERSION && rc != PDX_ENOMEM)
            abort();
        if (!err[0])
            abort();
        return;
    }
    pdx_buf b = {0};
    rc = pdx_manifest_encode(&b, &m);
    if (rc != PDX_OK && rc != PDX_ENOMEM)
        abort();
    pdx_buf_free(&b);
    pdx_manifest_free(&m);
}

static void try_file(const uint8_t *data, size_t size)
{
    if (size >= PDX_MAGIC_LEN && !memcmp(data, PDX_MANIFEST_MAGIC, PDX_MAGIC_LEN)) {
        try_manifest(data, size);
        return;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        abort();
    size_t done = 0;
    while (done < size) {
        ssize_t k = write(fd, data + done, size - done);
        if (k <= 0)
            abort();
        done += (size_t)k;
    }
    close(fd);
    pdx_index *ix;
    char err[256];
    int rc = pdx_segment_open(&ix, path, err, sizeof err);
    if (rc) {
        if (rc != PDX_ECORRUPT && rc != PDX_ENOTINDEX && rc != PDX_EVERSION &&
            rc != PDX_ENOMEM)
            abort();
        if (!err[0])
            abort();
        return;
    }
    uint64_t mapped = query_all(ix);
    rc = pdx_index_check(ix);
    if (rc != PDX_OK && rc != PDX_ECORRUPT && rc != PDX_ENOMEM)
        abort();
    if (rc == PDX_ECORRUPT && !pdx_index_errmsg(ix)[0])
        abort();
    pdx_index_close(ix);
    /* the same file on a one-shot handle: the same outcome */
    if (pdx_segment_open_flags(&ix, path, PDX_OPEN_ONESHOT, err, sizeof err))
        abort();
    uint64_t oneshot = query_all(ix);
    if (mapped && oneshot && mapped != oneshot)
        abort();
    pdx_index_close(ix);
}

/* Recomputes what a mutation broke, where the structure still allows. */
static void repair(uint8_t *p, size_t size)
{
    if (size < PDX_HEADER_SIZE + PDX_FOOTER_SIZE)
        return;
    pdx_put_u64(p + PDX_HDR_FILE_SIZE, size);
    uint32_t nsec = pdx_get_u32(p + PDX_HDR_NSECTIONS);
    uint64_t toff = pdx_get_u64(p + PDX_HDR_TABLE_OFF);
    uint64_t body_end = size - PDX_FOOTER_SIZE;
    if (nsec <= 64 && toff <= body_end &&
        body_end - toff >= (uint64_t)nsec * PDX_SECTION_ENTRY_SIZE + 8) {
        uint8_t *t = p + toff;
        for (uint32_t i = 0; i < nsec; i++) {
            uint8_t *e = t + (size_t)i * PDX_SECTION_ENTRY_SIZE;
            uint64_t off = pdx_get_u64(e + 8), len = pdx_get_u64(e + 16);
            if (off > size || len > size - off)
                continue;
            if (pdx_get_u32(e) == PDX_SEC_META && len >= 4)
                pdx_put_u32(p + off + PDX_META_TOKENIZER_VERSION, PDX_TOKENIZER_VERSION);
            pdx_put_u64(e + 24, pdx_hash(p + off, len));
        }
        size_t tlen = (size_t)nsec * PDX_SECTION_ENTRY_SIZE;
        pdx_put_u64(t + tlen, pdx_hash(t, tlen));
        pdx_put_u64(p + PDX_HDR_TABLE_SUM, pdx_hash(t, tlen)); /* the header's copy */
    }
    uint64_t hsum = pdx_hash(p, PDX_HDR_CHECKSUM);
    pdx_put_u64(p + PDX_HDR_CHECKSUM, hsum);
    uint8_t *f = p + size - PDX_FOOTER_SIZE;
    memcpy(f + PDX_FTR_MAGIC, PDX_FOOTER_MAGIC, 8);
    pdx_put_u64(f + PDX_FTR_FILE_SIZE, size);
    pdx_put_u64(f + PDX_FTR_HDR_SUM, hsum);
    pdx_put_u64(f + PDX_FTR_CHECKSUM, pdx_hash(f, PDX_FTR_CHECKSUM));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    try_file(data, size);
    if (size >= PDX_HEADER_SIZE + PDX_FOOTER_SIZE) {
        uint8_t *copy = malloc(size);
        if (!copy)
            return 0;
        memcpy(copy, data, size);
        repair(copy, size);
        if (memcmp(copy, data, size) != 0)
            try_file(copy, size);
        free(copy);
    }
    return 0;
}
