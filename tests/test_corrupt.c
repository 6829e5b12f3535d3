/*
 * Corrupt index files (common/segment.c, postings.c, check.c and the
 * searcher over them): the reader must refuse a damaged file with one
 * clear message or answer from it, never crash, read out of bounds, hang
 * or grow without bound; and the full check must report every single-bit
 * flip, naming the part of the file it is in.
 *
 * The index is built from a synthetic digest (tests/fuzz/fuzz_fixture.h,
 * own text) of 150 papers, so some postings lists have skip tables. Every
 * damaged copy is probed in a forked child with an alarm, so a crash or a
 * hang is reported with the case that caused it instead of killing the
 * test; the child reports what happened on a pipe:
 *   open=<rc> check=<rc> [q=<rc>]... msg=<first error message>
 *
 * Cases, after SQLite's fts5corrupt*.test (STYLE.md 25):
 *   truncate   every length up to 256 and the last 256, and 400 lengths
 *              spread over the rest
 *   bitflip    single bits in every region: header, each section, the
 *              section table, padding, footer (all bytes of small regions,
 *              48 spread over big ones), plus random ones (the seed is
 *              printed; PDX_TEST_SEED=N repeats a run)
 *   stamp      table entries, header fields, counts, offsets and lengths
 *              overwritten with hostile values, then every checksum
 *              recomputed so the damage reaches the structural code
 *   forged     files the writer never writes, rebuilt section by section
 *              (laid out again, checksums recomputed) so that each breaks
 *              one rule only: reserved words and flag bits, bytes after a
 *              stored record or a list's last block, positions past the
 *              field, terms too long or not clean UTF-8, a tf of
 *              0xffffffff; and layout constants of another build, which
 *              are a version mismatch
 *   notindex   files that are not indexes at all, and paths that are not
 *              regular files (FIFO, socket, device, directory)
 *   noterms    the writer's own index of a paper without a single term
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common.h"
#include "fixtures.h"
#include "format.h"
#include "fuzz/fuzz_fixture.h"
#include "paperdex/search.h"
#include "segment.h"

/* Seconds a child may take for one damaged file (open, queries, check). */
#define CASE_ALARM 20
/* Memory a child may add to what it inherited. */
#define CASE_EXTRA_KB (768L * 1024)

typedef struct state {
    char *dir;
    char *path;      /* the good index (its manifest) */
    char *seg;       /* its one segment file: what is damaged here */
    char *bad;       /* an index (a copy of the manifest) whose segment ... */
    char *bad_seg;   /* ... is where damaged copies of the segment are written */
    uint8_t *orig;   /* bytes of the good segment */
    size_t size;
    uint64_t sec_off[PDX_SEC_COUNT + 1], sec_len[PDX_SEC_COUNT + 1];
    uint64_t table_off;
} state;

static const char *const queries[] = {
    "model",
    "모델 학습",
    "\"sparse attention\"",
    "diffusion OR robot -video",
    "title:graph author:park",
    "summary:\"새로운 방법을\"",
    "ret* 평가",
    "date:2024-06-01..2024-06-30 votes:>=10",
    "id:2406.10001",
    "강화학습 policy scalable",
};
#define N_QUERIES (sizeof queries / sizeof *queries)

/* ---- the probe (runs in the child) ---- */

typedef struct outcome {
    int open_rc, check_rc;
    int q_rc[N_QUERIES]; /* 1 when not run */
    char msg[600];       /* open's or check's message */
    char qmsg[600];      /* first query error message */
    bool ok_proto;       /* every call kept its documented contract */
    char proto[200];     /* what broke it */
} outcome;

static void proto_fail(outcome *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void proto_fail(outcome *o, const char *fmt, ...)
{
    if (!o->ok_proto)
        return;
    o->ok_proto = false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->proto, sizeof o->proto, fmt, ap);
    va_end(ap);
}

static void probe_queries(pdx_index *ix, outcome *o)
{
    pdx_searcher *s;
    if (pdx_searcher_new(&s, ix)) {
        proto_fail(o, "searcher_new failed");
        return;
    }
    for (size_t i = 0; i < N_QUERIES; i++) {
        pdx_query *q;
        int rc = pdx_query_parse(&q, s, queries[i], strlen(queries[i]));
        if (rc == PDX_OK) {
            pdx_search_opts opts;
            pdx_search_opts_default(&opts);
            opts.limit = 5;
            opts.sort = (pdx_sort)(i % 3);
            pdx_results r;
            rc = pdx_search(s, q, &opts, &r);
            if (rc == PDX_OK) {
                for (size_t k = 0; k < r.n; k++) {
                    pdx_hit_info h;
                    int hrc = pdx_hit_get(s, r.hits[k].doc, &h);
                    if (hrc == PDX_OK) {
                        /* Touch every byte: a bad pointer trips ASan or faults. */
                        volatile unsigned sum = 0;
                        for (size_t b = 0; b < h.title_len; b++)
                            sum += (unsigned char)h.title[b];
                        for (size_t b = 0; b < h.summary_len; b++)
                            sum += (unsigned char)h.summary[b];
                        (void)sum; /* read only for its side effect (clang) */
                        pdx_snippet sn;
                        pdx_snippet_make(s, q, h.summary, h.summary_len, 100, &sn);
                    } else if (hrc != PDX_ECORRUPT) {
                        proto_fail(o, "pdx_hit_get returned %d", hrc);
                    }
                }
                pdx_results_clear(&r);
            }
            pdx_query_free(q);
        }
        o->q_rc[i] = rc;
        if (rc != PDX_OK && rc != PDX_ECORRUPT && rc != PDX_EINVAL && rc != PDX_ELIMIT)
            proto_fail(o, "query '%s' returned %d", queries[i], rc);
        if (rc != PDX_OK && !pdx_searcher_errmsg(s)[0])
            proto_fail(o, "query '%s' failed (%d) without a message", queries[i], rc);
        if (rc != PDX_OK && !o->qmsg[0])
            snprintf(o->qmsg, sizeof o->qmsg, "%s", pdx_searcher_errmsg(s));
    }
    pdx_searcher_free(s);
}

static void probe(const char *path, outcome *o)
{
    memset(o, 0, sizeof *o);
    o->ok_proto = true;
    o->check_rc = 1;
    for (size_t i = 0; i < N_QUERIES; i++)
        o->q_rc[i] = 1;
    pdx_index *ix;
    char err[600];
    o->open_rc = pdx_segment_open(&ix, path, err, sizeof err);
    if (o->open_rc) {
        snprintf(o->msg, sizeof o->msg, "%s", err);
        if (o->open_rc != PDX_ECORRUPT && o->open_rc != PDX_ENOTINDEX &&
            o->open_rc != PDX_EVERSION)
            proto_fail(o, "open returned %d", o->open_rc);
        if (!err[0] || strchr(err, '\n'))
            proto_fail(o, "open's message is empty or not one line");
        if (ix)
            proto_fail(o, "open failed but set *out");
        return;
    }
    probe_queries(ix, o);
    o->check_rc = pdx_index_check(ix);
    if (o->check_rc) {
        snprintf(o->msg, sizeof o->msg, "%s", pdx_index_errmsg(ix));
        if (o->check_rc != PDX_ECORRUPT)
            proto_fail(o, "check returned %d", o->check_rc);
        if (!o->msg[0] || strchr(o->msg, '\n'))
            proto_fail(o, "check's message is empty or not one line");
    }
    pdx_index_close(ix);
}

/* Forks, probes `path` in the child and returns the outcome; fails the test
 * (naming the case) on a crash, a sanitizer report, a hang or too much
 * memory. */
static void probe_child(const char *path, const char *what, outcome *out)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        alarm(CASE_ALARM);
        struct rusage ru0;
        getrusage(RUSAGE_SELF, &ru0);
        outcome o;
        probe(path, &o);
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        if (ru.ru_maxrss - ru0.ru_maxrss > CASE_EXTRA_KB)
            proto_fail(&o, "memory grew by %ld KB", ru.ru_maxrss - ru0.ru_maxrss);
        ssize_t w = write(fds[1], &o, sizeof o);
        _exit(w == (ssize_t)sizeof o ? 0 : 3);
    }
    close(fds[1]);
    outcome o;
    size_t got = 0;
    while (got < sizeof o) {
        ssize_t k = read(fds[0], (char *)&o + got, sizeof o - got);
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    close(fds[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status))
        fail_msg("%s: the reader was killed by signal %d%s", what, WTERMSIG(status),
                 WTERMSIG(status) == SIGALRM ? " (a hang: more than the alarm)" : "");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || got != sizeof o)
        fail_msg("%s: the reader exited with status %d (a sanitizer report above?)", what,
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    if (!o.ok_proto)
        fail_msg("%s: %s", what, o.proto);
    *out = o;
}

/* ---- fixture ---- */

static void write_bytes(const char *path, const uint8_t *p, size_t n)
{
    fx_write(path, (const char *)p, n);
}

static int setup(void **st)
{
    state *s = calloc(1, sizeof *s);
    assert_non_null(s);
    s->dir = fx_tmpdir();
    s->path = fx_path(s->dir, "good.idx");
    s->bad = fx_path(s->dir, "bad.idx");
    size_t len;
    char *text = fz_digest(150, &len);
    assert_int_equal(fz_build_index(s->path, "fixtures/2024/06/01.md", text, len), PDX_OK);
    free(text);
    s->seg = fx_index_segment(s->path, 0);
    s->orig = (uint8_t *)fx_read(s->seg, &s->size);
    fx_copy_index(s->path, s->bad);
    s->bad_seg = fx_index_segment(s->bad, 0);
    assert_non_null(s->orig);
    s->table_off = pdx_get_u64(s->orig + PDX_HDR_TABLE_OFF);
    for (unsigned i = 0; i < PDX_SEC_COUNT; i++) {
        const uint8_t *e = s->orig + s->table_off + (size_t)i * PDX_SECTION_ENTRY_SIZE;
        uint32_t id = pdx_get_u32(e);
        assert_true(id >= 1 && id <= PDX_SEC_COUNT);
        s->sec_off[id] = pdx_get_u64(e + 8);
        s->sec_len[id] = pdx_get_u64(e + 16);
    }
    *st = s;
    return 0;
}

static int teardown(void **st)
{
    state *s = *st;
    free(s->orig);
    free(s->path);
    free(s->seg);
    free(s->bad);
    free(s->bad_seg);
    fx_rmtree(s->dir);
    free(s);
    return 0;
}

/* The part of the file byte `at` is in, as messages name it. */
static const char *region_of(const state *s, uint64_t at)
{
    if (at < PDX_HEADER_SIZE)
        return "header";
    if (at >= s->size - PDX_FOOTER_SIZE)
        return "footer";
    if (at >= s->table_off)
        return "section table";
    for (unsigned id = 1; id <= PDX_SEC_COUNT; id++)
        if (at >= s->sec_off[id] && at < s->sec_off[id] + s->sec_len[id])
            return pdx_section_name(id);
    return "padding";
}

/* Recomputes every checksum (sections, table, header, footer), so damage
 * made on purpose reaches the structural checks. Uses the table as it now
 * is, skipping entries that point outside the file. */
static void fix_checksums(uint8_t *p, size_t size)
{
    uint32_t nsec = pdx_get_u32(p + PDX_HDR_NSECTIONS);
    uint64_t toff = pdx_get_u64(p + PDX_HDR_TABLE_OFF);
    uint64_t body_end = size - PDX_FOOTER_SIZE;
    if (nsec <= 64 && toff <= body_end &&
        body_end - toff >= (uint64_t)nsec * PDX_SECTION_ENTRY_SIZE + 8) {
        uint8_t *t = p + toff;
        for (uint32_t i = 0; i < nsec; i++) {
            uint8_t *e = t + (size_t)i * PDX_SECTION_ENTRY_SIZE;
            uint64_t off = pdx_get_u64(e + 8), len = pdx_get_u64(e + 16);
            if (off <= size && len <= size - off)
                pdx_put_u64(e + 24, pdx_hash(p + off, len));
        }
        size_t tlen = (size_t)nsec * PDX_SECTION_ENTRY_SIZE;
        pdx_put_u64(t + tlen, pdx_hash(t, tlen));
        pdx_put_u64(p + PDX_HDR_TABLE_SUM, pdx_hash(t, tlen)); /* the header's copy */
    }
    uint64_t hsum = pdx_hash(p, PDX_HDR_CHECKSUM);
    pdx_put_u64(p + PDX_HDR_CHECKSUM, hsum);
    uint8_t *f = p + size - PDX_FOOTER_SIZE;
    pdx_put_u64(f + PDX_FTR_HDR_SUM, hsum);
    pdx_put_u64(f + PDX_FTR_CHECKSUM, pdx_hash(f, PDX_FTR_CHECKSUM));
}

/* ---- the good file ---- */

static void corrupt_good_index_answers_and_checks(void **st)
{
    state *s = *st;
    outcome o;
    probe_child(s->seg, "the undamaged index", &o);
    assert_int_equal(o.open_rc, PDX_OK);
    assert_int_equal(o.check_rc, PDX_OK);
    for (size_t i = 0; i < N_QUERIES; i++)
        if (o.q_rc[i] != PDX_OK)
            fail_msg("query '%s' fails on the good index: %s", queries[i], o.qmsg);
    /* and the fixing helper is a no-op on it */
    uint8_t *copy = malloc(s->size);
    assert_non_null(copy);
    memcpy(copy, s->orig, s->size);
    fix_checksums(copy, s->size);
    assert_memory_equal(copy, s->orig, s->size);
    free(copy);
}

/* ---- (a) truncation ---- */

static void truncate_case(state *s, size_t len)
{
    char what[128];
    snprintf(what, sizeof what, "truncated to %zu of %zu bytes", len, s->size);
    write_bytes(s->bad_seg, s->orig, len);
    outcome o;
    probe_child(s->bad_seg, what, &o);
    /* The header records the file size: every truncation is refused at open. */
    if (o.open_rc == PDX_OK)
        fail_msg("%s: opened", what);
    if (len >= PDX_MAGIC_LEN && !strstr(o.msg, "truncated"))
        fail_msg("%s: message does not say truncated: %s", what, o.msg);
    if (len < PDX_MAGIC_LEN && o.open_rc != PDX_ENOTINDEX)
        fail_msg("%s: expected 'not an index', got %d: %s", what, o.open_rc, o.msg);
}

static void corrupt_truncate_everywhere(void **st)
{
    state *s = *st;
    size_t n = 0;
    for (size_t len = 0; len < 256 && len < s->size; len++, n++)
        truncate_case(s, len);
    for (size_t k = 1; k <= 400; k++, n++)
        truncate_case(s, 256 + (s->size - 512) * k / 401);
    for (size_t len = s->size - 256; len < s->size; len++, n++)
        truncate_case(s, len);
    print_message("truncation: %zu lengths of a %zu-byte index, all refused\n", n, s->size);
}

static void corrupt_truncate_check_cli(void **st)
{
    state *s = *st;
    /* --check: exit 1, one line on stderr naming the file, saying why. */
    size_t lens[] = {0, 5, 40, 64, s->size / 2, s->size - 1};
    for (size_t i = 0; i < sizeof lens / sizeof *lens; i++) {
        write_bytes(s->bad_seg, s->orig, lens[i]);
        char cmd[1024];
        snprintf(cmd, sizeof cmd, "'%s/paperdex-index' --check '%s' 2>&1", PDX_BIN_DIR, s->bad);
        char *out;
        int rc = fx_run(cmd, &out);
        if (rc != 1 || !strstr(out, s->bad) ||
            (!strstr(out, "truncated") && !strstr(out, "not a paperdex index")))
            fail_msg("--check on a file truncated to %zu bytes: exit %d, output: %s", lens[i],
                     rc, out);
        char *nl = strchr(out, '\n');
        if (!nl || nl[1])
            fail_msg("--check output is not one line: %s", out);
        free(out);
    }
}

/* ---- (b) single-bit flips ---- */

static size_t flip_case(state *s, uint64_t at, unsigned bit)
{
    const char *region = region_of(s, at);
    char what[160];
    snprintf(what, sizeof what, "bit %u of byte %llu (%s) flipped", bit,
             (unsigned long long)at, region);
    s->orig[at] ^= (uint8_t)(1u << bit);
    write_bytes(s->bad_seg, s->orig, s->size);
    s->orig[at] ^= (uint8_t)(1u << bit);
    outcome o;
    probe_child(s->bad_seg, what, &o);
    if (o.open_rc == PDX_OK && o.check_rc == PDX_OK)
        fail_msg("%s: pdx_index_check did not report it", what);
    /* The message names the part of the file. A flip in the magic number
     * makes the file "not a paperdex index"; a flip in the header is found
     * by its checksum, which also covers the version and sizes. */
    bool named = strstr(o.msg, region) != NULL;
    if (!strcmp(region, "header") && at < PDX_MAGIC_LEN)
        named = o.open_rc == PDX_ENOTINDEX && strstr(o.msg, "not a paperdex index");
    if (!named)
        fail_msg("%s: the message does not name the %s: %s", what, region, o.msg);
    return 1;
}

static void flip_region(state *s, uint64_t off, uint64_t len, size_t *n)
{
    if (len == 0)
        return;
    if (len <= 96) {
        for (uint64_t i = 0; i < len; i++)
            *n += flip_case(s, off + i, (unsigned)((off + i) * 3 % 8));
        return;
    }
    for (uint64_t i = 0; i < 8; i++) /* both ends, where lengths and counts live */
        *n += flip_case(s, off + i, (unsigned)i);
    for (uint64_t i = len - 8; i < len; i++)
        *n += flip_case(s, off + i, (unsigned)(i % 8));
    for (uint64_t k = 1; k <= 48; k++)
        *n += flip_case(s, off + len * k / 49, (unsigned)(k % 8));
}

static void corrupt_bitflip_every_region(void **st)
{
    state *s = *st;
    size_t n = 0;
    flip_region(s, 0, PDX_HEADER_SIZE, &n);
    for (unsigned id = 1; id <= PDX_SEC_COUNT; id++) {
        size_t before = n;
        flip_region(s, s->sec_off[id], s->sec_len[id], &n);
        assert_true(n > before);
    }
    /* padding: every byte not in a section, header, table or footer */
    for (uint64_t at = PDX_HEADER_SIZE; at < s->table_off; at++)
        if (!strcmp(region_of(s, at), "padding"))
            n += flip_case(s, at, (unsigned)(at % 8));
    flip_region(s, s->table_off, s->size - PDX_FOOTER_SIZE - s->table_off, &n);
    for (uint64_t at = s->table_off; at < s->size - PDX_FOOTER_SIZE; at += 5)
        n += flip_case(s, at, (unsigned)(at % 8)); /* the table is small: most of it */
    flip_region(s, s->size - PDX_FOOTER_SIZE, PDX_FOOTER_SIZE, &n);
    print_message("bit flips: %zu, all reported by the check and named\n", n);
}

static void corrupt_bitflip_random(void **st)
{
    state *s = *st;
    const char *env = getenv("PDX_TEST_SEED");
    unsigned seed = env && *env ? (unsigned)strtoul(env, NULL, 10) : (unsigned)time(NULL);
    print_message("random bit flips: seed %u (PDX_TEST_SEED=%u repeats this run)\n", seed, seed);
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
    for (int i = 0; i < 300; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        flip_case(s, x % s->size, (unsigned)(x >> 40) % 8);
    }
}

static void corrupt_bitflip_check_cli(void **st)
{
    state *s = *st;
    /* One flip in the middle of each section, through paperdex-index --check:
     * exit 1 and a message naming the section. */
    for (unsigned id = 1; id <= PDX_SEC_COUNT; id++) {
        uint64_t at = s->sec_off[id] + s->sec_len[id] / 2;
        s->orig[at] ^= 0x10;
        write_bytes(s->bad_seg, s->orig, s->size);
        s->orig[at] ^= 0x10;
        char cmd[1024];
        snprintf(cmd, sizeof cmd, "'%s/paperdex-index' --check '%s' 2>&1", PDX_BIN_DIR, s->bad);
        char *out;
        int rc = fx_run(cmd, &out);
        if (rc != 1 || !strstr(out, pdx_section_name(id)) || !strstr(out, s->bad))
            fail_msg("--check with a flip in %s: exit %d, output: %s", pdx_section_name(id), rc,
                     out);
        free(out);
    }
}

/* ---- (c) section table, header fields, lengths, offsets, counts ---- */

typedef struct stamp {
    const char *what;
    bool must_fail; /* the result is not a valid index: check must say so */
} stamp;

/* Damaged files that passed the check though they should not have; all are
 * listed before the test fails. */
static char undetected[4096];

/* Recomputes the checksums of the size-byte file p, writes it and probes
 * it; a file that must fail but opened and checked is listed. */
static void stamp_sized(state *s, uint8_t *p, size_t size, const char *what, bool must_fail,
                        size_t *n)
{
    fix_checksums(p, size);
    write_bytes(s->bad_seg, p, size);
    outcome o;
    probe_child(s->bad_seg, what, &o);
    if (must_fail && o.open_rc == PDX_OK && o.check_rc == PDX_OK) {
        size_t k = strlen(undetected);
        snprintf(undetected + k, sizeof undetected - k, "  %s\n", what);
    }
    (*n)++;
}

static void stamp_case(state *s, uint8_t *p, const char *what, bool must_fail, size_t *n)
{
    stamp_sized(s, p, s->size, what, must_fail, n);
}

static void report_undetected(void)
{
    if (undetected[0]) {
        print_error("damaged files that opened and passed pdx_index_check:\n%s", undetected);
        undetected[0] = 0;
        fail();
    }
}

static uint8_t *entry_of(state *s, uint8_t *p, unsigned id)
{
    for (unsigned i = 0; i < PDX_SEC_COUNT; i++) {
        uint8_t *e = p + s->table_off + (size_t)i * PDX_SECTION_ENTRY_SIZE;
        if (pdx_get_u32(e) == id)
            return e;
    }
    fail_msg("section %u not in the table", id);
    return NULL;
}

static void corrupt_section_table_and_header(void **st)
{
    state *s = *st;
    uint8_t *p = malloc(s->size);
    assert_non_null(p);
    size_t n = 0;
    char what[200];
#define RESET() memcpy(p, s->orig, s->size)

    /* header fields */
    const struct {
        unsigned off, width;
        uint64_t v;
        bool must_fail;
    } hdr[] = {
        {PDX_HDR_VERSION, 4, 0, true},          {PDX_HDR_VERSION, 4, 1, true},
        {PDX_HDR_BOM, 4, 0x04030201u, true},    {PDX_HDR_HEADER_SIZE, 4, 32, true},
        {PDX_HDR_NSECTIONS, 4, 0, true},        {PDX_HDR_NSECTIONS, 4, PDX_SEC_COUNT - 1, true},
        {PDX_HDR_NSECTIONS, 4, PDX_SEC_COUNT + 1, true},       {PDX_HDR_NSECTIONS, 4, 0xffffffffu, true},
        {PDX_HDR_TABLE_OFF, 8, 0, true},        {PDX_HDR_TABLE_OFF, 8, 63, true},
        {PDX_HDR_TABLE_OFF, 8, 64, true},       {PDX_HDR_TABLE_OFF, 8, UINT64_MAX, true},
        {PDX_HDR_TABLE_OFF, 8, UINT64_MAX - 300, true},
        {PDX_HDR_FILE_SIZE, 8, 0, true},        {PDX_HDR_FILE_SIZE, 8, UINT64_MAX, true},
        {PDX_HDR_FLAGS, 4, 1, true},            {PDX_HDR_HASH_ID, 4, 2, true},
    };
    for (size_t i = 0; i < sizeof hdr / sizeof *hdr; i++) {
        RESET();
        if (hdr[i].width == 4)
            pdx_put_u32(p + hdr[i].off, (uint32_t)hdr[i].v);
        else
            pdx_put_u64(p + hdr[i].off, hdr[i].v);
        snprintf(what, sizeof what, "header byte %u set to %llu", hdr[i].off,
                 (unsigned long long)hdr[i].v);
        stamp_case(s, p, what, hdr[i].must_fail, &n);
    }
    /* table offset moved by a few bytes either way, and onto each section */
    for (int d = -24; d <= 24; d += 8) {
        if (!d)
            continue;
        RESET();
        pdx_put_u64(p + PDX_HDR_TABLE_OFF, s->table_off + (uint64_t)(int64_t)d);
        snprintf(what, sizeof what, "table offset moved by %d", d);
        stamp_case(s, p, what, true, &n);
    }
    for (unsigned id = 1; id <= PDX_SEC_COUNT; id++) {
        RESET();
        pdx_put_u64(p + PDX_HDR_TABLE_OFF, s->sec_off[id]);
        snprintf(what, sizeof what, "table offset pointing at %s", pdx_section_name(id));
        stamp_case(s, p, what, true, &n);
    }

    /* every table entry: id, flags, offset, length */
    for (unsigned id = 1; id <= PDX_SEC_COUNT; id++) {
        const char *name = pdx_section_name(id);
        uint64_t off = s->sec_off[id], len = s->sec_len[id];
        const struct {
            unsigned field; /* 0 id, 4 flags, 8 offset, 16 length */
            uint64_t v;
            const char *label;
            bool must_fail;
        } ent[] = {
            {0, 0, "id 0", true},
            {0, PDX_SEC_COUNT + 1, "id past the last", true},
            {0, id % PDX_SEC_COUNT + 1, "id of another section (repeated)", true},
            {4, 1, "flags 1", true},
            {8, 0, "offset 0", true},
            {8, off + 1, "offset unaligned", true},
            {8, off + 8, "offset +8", true},
            {8, off >= 8 ? off - 8 : 0, "offset -8", true},
            {8, s->size, "offset at the end of the file", true},
            {8, s->table_off, "offset on the table", true},
            {8, UINT64_MAX & ~7ull, "offset huge", true},
            {16, 0, "length 0", true},
            {16, len + 8, "length +8", true},
            {16, len >= 8 ? len - 8 : 0, "length -8", true},
            {16, s->size, "length the whole file", true},
            {16, UINT64_MAX, "length huge", true},
            {16, UINT64_MAX - off + 1, "length wrapping the offset to 0", true},
        };
        for (size_t i = 0; i < sizeof ent / sizeof *ent; i++) {
            RESET();
            uint8_t *e = entry_of(s, p, id);
            if (ent[i].field < 8)
                pdx_put_u32(e + ent[i].field, (uint32_t)ent[i].v);
            else
                pdx_put_u64(e + ent[i].field, ent[i].v);
            snprintf(what, sizeof what, "%s table entry: %s", name, ent[i].label);
            stamp_case(s, p, what, ent[i].must_fail, &n);
        }
    }
    /* two entries swapped: the table's order does not matter, so this one
     * is still a good index and must answer */
    {
        RESET();
        uint8_t tmp[PDX_SECTION_ENTRY_SIZE];
        uint8_t *a = p + s->table_off, *b = a + 3 * PDX_SECTION_ENTRY_SIZE;
        memcpy(tmp, a, sizeof tmp);
        memcpy(a, b, sizeof tmp);
        memcpy(b, tmp, sizeof tmp);
        stamp_case(s, p, "table entries 0 and 3 swapped", false, &n);
    }
    /* two sections' offsets and lengths exchanged */
    for (unsigned id = 1; id < PDX_SEC_COUNT; id++) {
        RESET();
        uint8_t *a = entry_of(s, p, id), *b = entry_of(s, p, id + 1);
        uint8_t tmp[16];
        memcpy(tmp, a + 8, 16);
        memcpy(a + 8, b + 8, 16);
        memcpy(b + 8, tmp, 16);
        snprintf(what, sizeof what, "%s and %s exchanged", pdx_section_name(id),
                 pdx_section_name(id + 1));
        stamp_case(s, p, what, true, &n);
    }
    free(p);
    print_message("section table and header: %zu damaged files, none crashed\n", n);
    report_undetected();
#undef RESET
}

static void corrupt_counts_and_offsets_inside_sections(void **st)
{
    state *s = *st;
    uint8_t *p = malloc(s->size);
    assert_non_null(p);
    size_t n = 0;
    char what[200];
#define RESET() memcpy(p, s->orig, s->size)
#define AT(id, o) (p + s->sec_off[id] + (o))
    uint32_t n_docs = pdx_get_u32(s->orig + s->sec_off[PDX_SEC_META] + PDX_META_NDOCS);
    uint32_t n_terms = pdx_get_u32(s->orig + s->sec_off[PDX_SEC_META] + PDX_META_NTERMS);

    /* META counts */
    const struct {
        unsigned off, width;
        uint64_t v;
        bool must_fail;
    } meta[] = {
        {PDX_META_NDOCS, 4, 0, true},
        {PDX_META_NDOCS, 4, n_docs + 1, true},
        {PDX_META_NDOCS, 4, n_docs - 1, true},
        {PDX_META_NDOCS, 4, 0xffffffffu, true},
        {PDX_META_NTERMS, 4, 0, true},
        {PDX_META_NTERMS, 4, n_terms + 1, true},
        {PDX_META_NTERMS, 4, 0xffffffffu, true},
        {PDX_META_NFIELDS, 4, 4, true},
        {PDX_META_BLOCK_SIZE, 4, 64, true},
        {PDX_META_HASH_ID, 4, 7, true},
        {PDX_META_TOKENIZER_VERSION, 4, PDX_TOKENIZER_VERSION + 1, true},
        {PDX_META_SUM_LEN, 8, 0, true},
        {PDX_META_SUM_LEN + 8, 8, UINT64_MAX, true},
        {PDX_META_NPOSTINGS, 8, 0, true},
        {PDX_META_MIN_DATE, 4, 99999999, true},
        {PDX_META_STRINGS, 1, 0xff, true},  /* stemmer length: a varint that runs on */
        {PDX_META_STRINGS, 1, 0x7f, true},  /* stemmer length past the section */
        {PDX_META_STRINGS, 1, 0, true},     /* empty stemmer name */
    };
    for (size_t i = 0; i < sizeof meta / sizeof *meta; i++) {
        RESET();
        uint8_t *f = AT(PDX_SEC_META, meta[i].off);
        if (meta[i].width == 1)
            f[0] = (uint8_t)meta[i].v;
        else if (meta[i].width == 4)
            pdx_put_u32(f, (uint32_t)meta[i].v);
        else
            pdx_put_u64(f, meta[i].v);
        snprintf(what, sizeof what, "META byte %u set to %llu", meta[i].off,
                 (unsigned long long)meta[i].v);
        stamp_case(s, p, what, meta[i].must_fail, &n);
    }

    /* TERMS records: the first, one in the middle, the last */
    uint32_t recs[] = {0, n_terms / 2, n_terms - 1};
    for (size_t r = 0; r < 3; r++) {
        size_t base = (size_t)recs[r] * PDX_TERM_RECORD_SIZE;
        const struct {
            unsigned off, width;
            uint64_t v;
            const char *label;
        } tr[] = {
            {0, 4, 0xffffffffu, "string offset huge"},
            {0, 4, (uint32_t)s->sec_len[PDX_SEC_TERMSTR], "string offset at the end"},
            {4, 1, 0, "string length 0"},
            {4, 1, 255, "string length 255"},
            {5, 1, 0, "no fields"},
            {5, 1, 0xff, "every field bit"},
            {8, 8, UINT64_MAX, "postings offset huge"},
            {8, 8, s->sec_len[PDX_SEC_POSTINGS] - 1, "postings offset at the last byte"},
            {8, 8, 1, "postings offset 1"},
        };
        for (size_t i = 0; i < sizeof tr / sizeof *tr; i++) {
            RESET();
            uint8_t *f = AT(PDX_SEC_TERMS, base + tr[i].off);
            if (tr[i].width == 1)
                f[0] = (uint8_t)tr[i].v;
            else if (tr[i].width == 2)
                pdx_put_u16(f, (uint16_t)tr[i].v);
            else if (tr[i].width == 4)
                pdx_put_u32(f, (uint32_t)tr[i].v);
            else
                pdx_put_u64(f, tr[i].v);
            snprintf(what, sizeof what, "TERMS record %u: %s", recs[r], tr[i].label);
            stamp_case(s, p, what, true, &n);
        }
    }

    /* DOCS records: stored offsets and lengths, dates, votes */
    uint32_t docs[] = {0, n_docs / 2, n_docs - 1};
    for (size_t r = 0; r < 3; r++) {
        size_t base = (size_t)docs[r] * PDX_DOC_RECORD_SIZE;
        const struct {
            unsigned off, width;
            uint64_t v;
            const char *label;
            bool must_fail;
        } dr[] = {
            {0, 4, 20241399, "date with month 13", true},
            {0, 4, 0xffffffffu, "date -1", true},
            {4, 4, 0xfffffffeu, "four billion votes", false},
            {8, 4, 0, "title length 0", true},
            {16, 4, 0xffffffffu, "summary length huge", true},
            {20, 4, 0, "stored length 0", true},
            {20, 4, 0xffffffffu, "stored length huge", true},
            {24, 8, UINT64_MAX, "stored offset huge", true},
            {24, 8, s->sec_len[PDX_SEC_STORED], "stored offset at the end", true},
        };
        for (size_t i = 0; i < sizeof dr / sizeof *dr; i++) {
            RESET();
            uint8_t *f = AT(PDX_SEC_DOCS, base + dr[i].off);
            if (dr[i].width == 4)
                pdx_put_u32(f, (uint32_t)dr[i].v);
            else
                pdx_put_u64(f, dr[i].v);
            snprintf(what, sizeof what, "DOCS record %u: %s", docs[r], dr[i].label);
            stamp_case(s, p, what, dr[i].must_fail, &n);
        }
    }

    /* hash tables: slot counts, and every slot filled (probing must stop) */
    unsigned hashes[] = {PDX_SEC_TERMHASH, PDX_SEC_IDHASH};
    for (size_t h = 0; h < 2; h++) {
        unsigned id = hashes[h];
        uint32_t slots = pdx_get_u32(s->orig + s->sec_off[id]);
        uint32_t bad_counts[] = {0, 3, slots / 2, slots * 2, 0x80000000u, 0xffffffffu};
        for (size_t i = 0; i < sizeof bad_counts / sizeof *bad_counts; i++) {
            RESET();
            pdx_put_u32(AT(id, 0), bad_counts[i]);
            snprintf(what, sizeof what, "%s slot count %u", pdx_section_name(id),
                     bad_counts[i]);
            stamp_case(s, p, what, true, &n);
        }
        const uint8_t fills[] = {0xff, 0x01};
        for (size_t i = 0; i < 2; i++) {
            RESET();
            memset(AT(id, 8), fills[i], s->sec_len[id] - 8);
            snprintf(what, sizeof what, "%s slots all 0x%02x", pdx_section_name(id), fills[i]);
            stamp_case(s, p, what, true, &n);
        }
        /* every slot pointing at entry 1 with a matching tag is not knowable
         * here; a full table of ordinal 1 is the next worst */
        RESET();
        for (uint32_t k = 0; k < slots; k++)
            pdx_put_u32(AT(id, 8 + (size_t)k * PDX_HASH_SLOT_SIZE), 1);
        snprintf(what, sizeof what, "%s: every slot holds entry 1", pdx_section_name(id));
        stamp_case(s, p, what, true, &n);
    }

    /* variable-length sections: fixed bytes stamped over their starts, their
     * middles and their ends (list headers, varints, stored strings) */
    unsigned vsecs[] = {PDX_SEC_POSTINGS, PDX_SEC_POSITIONS, PDX_SEC_STORED, PDX_SEC_TERMSTR};
    const uint8_t fills[] = {0x00, 0xff, 0x80, 0x7f};
    for (size_t v = 0; v < sizeof vsecs / sizeof *vsecs; v++) {
        unsigned id = vsecs[v];
        uint64_t len = s->sec_len[id];
        uint64_t starts[] = {0, 16, len / 3, len / 2, len > 32 ? len - 32 : 0};
        for (size_t a = 0; a < sizeof starts / sizeof *starts; a++)
            for (size_t f = 0; f < sizeof fills; f++) {
                RESET();
                uint64_t k = PDX_MIN((uint64_t)32, len - starts[a]);
                memset(AT(id, starts[a]), fills[f], k);
                snprintf(what, sizeof what, "%s: %llu bytes of 0x%02x at %llu",
                         pdx_section_name(id), (unsigned long long)k, fills[f],
                         (unsigned long long)starts[a]);
                /* Stamped positions and stored text can form a consistent
                 * file (other positions, other text): only "no crash" holds
                 * there. Stamped list headers and term bytes cannot. */
                bool must_fail = (id == PDX_SEC_POSTINGS || id == PDX_SEC_TERMSTR) &&
                                 memcmp(p, s->orig, s->size) != 0;
                stamp_case(s, p, what, must_fail, &n);
            }
    }
    free(p);
    print_message("counts, offsets and lengths: %zu damaged files, none crashed\n", n);
    report_undetected();
#undef RESET
#undef AT
}

/* Bytes the format fixes (zero reserved fields, sections exactly as long
 * as their contents) that the check does not yet verify: each forged file
 * below (checksums recomputed) cannot come from the writer. */
static void corrupt_check_reserved_and_trailing_bytes(void **st)
{
    state *s = *st;
    uint8_t *p = malloc(s->size);
    assert_non_null(p);
    size_t n = 0;
    /* format.h TERMS: "u16 zero" after the fields byte. */
    memcpy(p, s->orig, s->size);
    pdx_put_u16(p + s->sec_off[PDX_SEC_TERMS] + 6, 0xffff);
    stamp_case(s, p, "TERMS record 0: reserved u16 not zero", true, &n);
    /* META one byte longer, taking a zero padding byte: nothing in META
     * says where its strings end, so the extra byte goes unnoticed. */
    memcpy(p, s->orig, s->size);
    uint8_t *e = entry_of(s, p, PDX_SEC_META);
    if (s->sec_len[PDX_SEC_META] % PDX_SECTION_ALIGN) {
        pdx_put_u64(e + 16, s->sec_len[PDX_SEC_META] + 1);
        stamp_case(s, p, "META table entry: length +1 (a padding byte)", true, &n);
    }
    free(p);
    report_undetected();
}

/* ---- forging files the writer never writes ----
 *
 * Some damage cannot be stamped in place: it makes a section longer. These
 * helpers rebuild the good index with some sections replaced, laid out
 * again (aligned, table and footer moved, checksums recomputed), so that
 * the only thing wrong with the result is the forged content. */

typedef struct forged {
    uint8_t *sec[PDX_SEC_COUNT + 1]; /* replacement bytes (owned), or NULL to keep */
    uint64_t len[PDX_SEC_COUNT + 1]; /* their lengths */
} forged;

static void forged_set(forged *f, unsigned id, const void *p, uint64_t len)
{
    free(f->sec[id]);
    f->sec[id] = malloc(len ? len : 1);
    assert_non_null(f->sec[id]);
    memcpy(f->sec[id], p, len);
    f->len[id] = len;
}

/* A copy of section id of the good index, to edit and put back. */
static uint8_t *section_copy(const state *s, unsigned id)
{
    uint8_t *c = malloc(s->sec_len[id] + 1);
    assert_non_null(c);
    memcpy(c, s->orig + s->sec_off[id], s->sec_len[id]);
    return c;
}

/* The good index with f's sections in place of its own, in the same order;
 * returns the bytes (malloc'd, checksums fixed) and their size. */
static uint8_t *forged_file(const state *s, forged *f, size_t *size_out)
{
    unsigned order[PDX_SEC_COUNT];
    for (unsigned i = 0; i < PDX_SEC_COUNT; i++)
        order[i] = i + 1;
    for (unsigned i = 1; i < PDX_SEC_COUNT; i++)
        for (unsigned j = i; j > 0 && s->sec_off[order[j]] < s->sec_off[order[j - 1]]; j--) {
            unsigned t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    size_t cap = s->size;
    for (unsigned id = 1; id <= PDX_SEC_COUNT; id++)
        cap += (size_t)f->len[id] + PDX_SECTION_ALIGN;
    uint8_t *p = calloc(1, cap);
    assert_non_null(p);
    memcpy(p, s->orig, PDX_HEADER_SIZE);
    uint64_t at = PDX_HEADER_SIZE, off[PDX_SEC_COUNT + 1], len[PDX_SEC_COUNT + 1];
    for (unsigned i = 0; i < PDX_SEC_COUNT; i++) {
        unsigned id = order[i];
        at = (at + PDX_SECTION_ALIGN - 1) / PDX_SECTION_ALIGN * PDX_SECTION_ALIGN;
        off[id] = at;
        len[id] = f->sec[id] ? f->len[id] : s->sec_len[id];
        memcpy(p + at, f->sec[id] ? f->sec[id] : s->orig + s->sec_off[id], len[id]);
        at += len[id];
    }
    uint64_t toff = (at + PDX_SECTION_ALIGN - 1) / PDX_SECTION_ALIGN * PDX_SECTION_ALIGN;
    size_t tlen = (size_t)PDX_SEC_COUNT * PDX_SECTION_ENTRY_SIZE;
    memcpy(p + toff, s->orig + s->table_off, tlen);
    for (unsigned i = 0; i < PDX_SEC_COUNT; i++) {
        uint8_t *e = p + toff + (size_t)i * PDX_SECTION_ENTRY_SIZE;
        unsigned id = pdx_get_u32(e);
        pdx_put_u64(e + 8, off[id]);
        pdx_put_u64(e + 16, len[id]);
    }
    size_t size = (size_t)toff + tlen + 8 + PDX_FOOTER_SIZE;
    assert_true(size <= cap);
    memcpy(p + size - PDX_FOOTER_SIZE, s->orig + s->size - PDX_FOOTER_SIZE, PDX_FOOTER_SIZE);
    pdx_put_u64(p + PDX_HDR_TABLE_OFF, toff);
    pdx_put_u64(p + PDX_HDR_FILE_SIZE, size);
    pdx_put_u64(p + size - PDX_FOOTER_SIZE + PDX_FTR_FILE_SIZE, size);
    fix_checksums(p, size);
    for (unsigned id = 1; id <= PDX_SEC_COUNT; id++)
        free(f->sec[id]);
    memset(f, 0, sizeof *f);
    *size_out = size;
    return p;
}

/* The good index with its last term's bytes replaced by term[0..len) and
 * TERMHASH rebuilt for it, so that the term is still found by lookup and
 * only the bytes themselves are wrong. term must sort after every other. */
static uint8_t *forge_last_term(const state *s, const char *term, size_t len, size_t *size_out)
{
    uint32_t n_terms = pdx_get_u32(s->orig + s->sec_off[PDX_SEC_META] + PDX_META_NTERMS);
    uint8_t *terms = section_copy(s, PDX_SEC_TERMS);
    uint8_t *last = terms + (size_t)(n_terms - 1) * PDX_TERM_RECORD_SIZE;
    uint32_t str_off = pdx_get_u32(last);
    assert_true(len <= 255);
    last[4] = (uint8_t)len;
    uint8_t *str = malloc(str_off + len);
    assert_non_null(str);
    memcpy(str, s->orig + s->sec_off[PDX_SEC_TERMSTR], str_off);
    memcpy(str + str_off, term, len);
    uint8_t *hash = section_copy(s, PDX_SEC_TERMHASH);
    uint32_t n_slots = pdx_get_u32(hash), mask = n_slots - 1;
    memset(hash + 8, 0, (size_t)n_slots * PDX_HASH_SLOT_SIZE);
    for (uint32_t t = 0; t < n_terms; t++) {
        const uint8_t *r = terms + (size_t)t * PDX_TERM_RECORD_SIZE;
        uint64_t h = pdx_hash(str + pdx_get_u32(r), r[4]);
        uint32_t k = (uint32_t)h & mask;
        while (pdx_get_u32(hash + 8 + (size_t)k * PDX_HASH_SLOT_SIZE))
            k = (k + 1) & mask;
        pdx_put_u32(hash + 8 + (size_t)k * PDX_HASH_SLOT_SIZE, t + 1);
        pdx_put_u32(hash + 12 + (size_t)k * PDX_HASH_SLOT_SIZE, (uint32_t)(h >> 32));
    }
    forged f = {0};
    forged_set(&f, PDX_SEC_TERMS, terms, s->sec_len[PDX_SEC_TERMS]);
    forged_set(&f, PDX_SEC_TERMSTR, str, str_off + len);
    forged_set(&f, PDX_SEC_TERMHASH, hash, s->sec_len[PDX_SEC_TERMHASH]);
    free(terms);
    free(str);
    free(hash);
    return forged_file(s, &f, size_out);
}

/* Where the last list of POSTINGS (the last term's last field) is. */
typedef struct last_list {
    uint32_t ord;        /* the last term */
    unsigned field;      /* its last field */
    uint64_t start;      /* offset of the list header in POSTINGS */
    pdx_list_header h;   /* the header as read from the good index */
    uint64_t skip_off;   /* offsets in POSTINGS of the skip table and data */
    uint64_t data_off;
} last_list;

static void find_last_list(pdx_index *ix, last_list *out)
{
    pdx_term t;
    out->ord = ix->n_terms - 1;
    assert_int_equal(pdx_term_get(ix, out->ord, &t), PDX_OK);
    const uint8_t *base = ix->sec[PDX_SEC_POSTINGS].p;
    uint64_t at = t.post_off;
    for (unsigned f = 0; f < PDX_NFIELDS; f++) {
        if (!(t.fields & (1u << f)))
            continue;
        assert_int_equal(pdx_term_list(ix, &t, f, &out->h), PDX_OK);
        out->field = f;
        out->start = at;
        at = (uint64_t)(out->h.end - base);
    }
    assert_int_equal(at, ix->sec[PDX_SEC_POSTINGS].len); /* it ends the section */
    out->skip_off = (uint64_t)(out->h.skip - base);
    out->data_off = (uint64_t)(out->h.data - base);
}

/* Bytes of the impacts (common/impact.h) of the list whose header is h. */
static size_t impacts_len(pdx_index *ix, const pdx_list_header *h)
{
    const pdx_section *ps = &ix->sec[PDX_SEC_POSTINGS];
    const uint8_t *p = h->imp;
    uint32_t n;
    assert_true(pdx_impacts_read(&p, ps->p + ps->len, h->max_tf, h->min_len, &n, NULL, NULL));
    return (size_t)(p - h->imp);
}

/* A list of the good index whose impacts have two points or more and end
 * in a one-byte length increase below 0x7f: the file offsets of its
 * impacts' count byte and of that last byte. */
static void find_wide_impacts(const state *s, uint64_t *count_at, uint64_t *last_at)
{
    pdx_index *ix;
    char err[600];
    assert_int_equal(pdx_segment_open(&ix, s->seg, err, sizeof err), PDX_OK);
    const uint8_t *base = ix->sec[PDX_SEC_POSTINGS].p;
    for (uint32_t o = 0; o < ix->n_terms; o++) {
        pdx_term t;
        assert_int_equal(pdx_term_get(ix, o, &t), PDX_OK);
        for (unsigned f = 0; f < PDX_NFIELDS; f++) {
            pdx_list_header h;
            if (!(t.fields & (1u << f)))
                continue;
            assert_int_equal(pdx_term_list(ix, &t, f, &h), PDX_OK);
            size_t len = impacts_len(ix, &h);
            if (h.n_imp < 2 || h.imp[len - 1] >= 0x7f || h.imp[len - 2] >= 0x80)
                continue;
            *count_at = s->sec_off[PDX_SEC_POSTINGS] + (uint64_t)(h.imp - base);
            *last_at = *count_at + len - 1;
            pdx_index_close(ix);
            return;
        }
    }
    fail_msg("no list of the fixture has two impacts");
}

/* The good index with the last list's first tf replaced by tf and
 * `trailing` zero bytes added after its block data (the header's data_len
 * and later skip entries follow), and its header's max_votes replaced by
 * votes unless that is KEEP_VOTES. */
#define KEEP_VOTES UINT64_MAX
static uint8_t *forge_last_list_votes(const state *s, uint64_t tf, size_t trailing,
                                      uint64_t votes, size_t *size_out)
{
    pdx_index *ix;
    char err[600];
    assert_int_equal(pdx_segment_open(&ix, s->seg, err, sizeof err), PDX_OK);
    last_list L;
    find_last_list(ix, &L);
    const uint8_t *data = L.h.data, *q = data, *end = L.h.end;
    uint64_t v;
    uint32_t n0 = L.h.df < PDX_BLOCK_SIZE ? (uint32_t)L.h.df : PDX_BLOCK_SIZE;
    for (uint32_t i = 0; i < n0; i++) /* block 0's gaps */
        assert_true(pdx_get_varint(&q, end, &v));
    const uint8_t *tf_at = q;
    assert_true(pdx_get_varint(&q, end, &v));
    pdx_buf tfb = {0};
    pdx_buf_put_varint(&tfb, tf);
    int64_t delta = (int64_t)tfb.len - (int64_t)(q - tf_at);

    pdx_buf b = {0};
    const uint8_t *post = s->orig + s->sec_off[PDX_SEC_POSTINGS];
    pdx_buf_append(&b, post, (size_t)L.start);
    pdx_buf_put_varint(&b, L.h.df);
    pdx_buf_put_varint(&b, L.h.max_tf);
    pdx_buf_put_varint(&b, L.h.min_len);
    pdx_buf_put_varint(&b, votes == KEEP_VOTES ? L.h.max_votes : votes);
    pdx_buf_append(&b, L.h.imp, impacts_len(ix, &L.h)); /* as they were */
    pdx_buf_put_varint(&b, L.h.pos_base);
    pdx_buf_put_varint(&b, (uint64_t)((int64_t)L.h.data_len + delta) + trailing);
    size_t skip_at = b.len;
    pdx_buf_append(&b, post + L.skip_off, (size_t)(L.data_off - L.skip_off));
    for (size_t e = skip_at + PDX_SKIP_ENTRY_SIZE; e < b.len; e += PDX_SKIP_ENTRY_SIZE)
        pdx_put_u32(b.data + e + PDX_SKIP_DOC_OFF,
                    (uint32_t)((int64_t)pdx_get_u32(b.data + e + PDX_SKIP_DOC_OFF) + delta));
    pdx_buf_append(&b, data, (size_t)(tf_at - data));
    pdx_buf_append(&b, tfb.data, tfb.len);
    pdx_buf_append(&b, q, (size_t)(end - q));
    for (size_t i = 0; i < trailing; i++)
        pdx_buf_putc(&b, 0);
    assert_int_equal(b.err, PDX_OK);
    forged f = {0};
    forged_set(&f, PDX_SEC_POSTINGS, b.data, b.len);
    pdx_buf_free(&b);
    pdx_buf_free(&tfb);
    pdx_index_close(ix);
    return forged_file(s, &f, size_out);
}

static uint8_t *forge_last_list(const state *s, uint64_t tf, size_t trailing, size_t *size_out)
{
    return forge_last_list_votes(s, tf, trailing, KEEP_VOTES, size_out);
}

/* The tf of the last list's first document in the good index. */
static uint32_t last_list_first_tf(const state *s)
{
    pdx_index *ix;
    char err[600];
    assert_int_equal(pdx_segment_open(&ix, s->seg, err, sizeof err), PDX_OK);
    last_list L;
    find_last_list(ix, &L);
    pdx_postings cur;
    assert_int_equal(pdx_postings_open(&cur, ix, L.ord, L.field), PDX_OK);
    uint32_t tf = pdx_postings_tf(&cur);
    pdx_index_close(ix);
    return tf;
}

/* A tf that claims more positions than the whole file holds must be refused
 * when its block is decoded: the searcher sizes position buffers by tf
 * (search.c slot_positions), so 0xffffffff would reserve 16 GiB first. */
static void corrupt_huge_tf_refused_before_use(void **st)
{
    state *s = *st;
    size_t size;
    uint8_t *p = forge_last_list(s, 0xffffffffu, 0, &size);
    write_bytes(s->bad_seg, p, size);
    free(p);
    pdx_index *ix;
    char err[600];
    assert_int_equal(pdx_segment_open(&ix, s->bad_seg, err, sizeof err), PDX_OK);
    last_list L;
    find_last_list(ix, &L);
    pdx_postings cur;
    int rc = pdx_postings_open(&cur, ix, L.ord, L.field);
    if (rc == PDX_OK)
        fail_msg("a tf of 0xffffffff was decoded (tf now %u)", pdx_postings_tf(&cur));
    assert_int_equal(rc, PDX_ECORRUPT);
    assert_non_null(strstr(pdx_index_errmsg(ix), "POSTINGS"));
    assert_int_equal(pdx_index_check(ix), PDX_ECORRUPT);
    pdx_index_close(ix);
    outcome o;
    probe_child(s->bad_seg, "tf 0xffffffff", &o);
}

/* A list whose first block starts with at least 16 one-byte gaps and 16
 * one-byte tfs: the run decode_block() reads eight entries at a time. Its
 * header into *h, the offset of its data in the file into *data_at. */
static bool find_byte_run_list(const state *s, pdx_index *ix, pdx_list_header *h,
                               uint32_t *ord, unsigned *field, uint64_t *data_at)
{
    const uint8_t *base = ix->sec[PDX_SEC_POSTINGS].p;
    for (uint32_t o = 0; o < ix->n_terms; o++) {
        pdx_term t;
        assert_int_equal(pdx_term_get(ix, o, &t), PDX_OK);
        for (unsigned f = 0; f < PDX_NFIELDS; f++) {
            if (!(t.fields & (1u << f)) || pdx_term_list(ix, &t, f, h) != PDX_OK ||
                h->df < 16)
                continue;
            uint32_t n0 = h->df < PDX_BLOCK_SIZE ? (uint32_t)h->df : PDX_BLOCK_SIZE;
            bool ok = (size_t)(h->end - h->data) >= 2 * (size_t)n0;
            for (uint32_t i = 1; ok && i < 16; i++) /* gaps 1..15 and tfs 0..15 */
                ok = h->data[i] && h->data[i] < 0x80 && h->data[n0 + i] &&
                     h->data[n0 + i] < 0x80 && h->data[n0] && h->data[n0] < 0x80;
            for (uint32_t i = 0; ok && i < n0; i++) /* every gap one byte */
                ok = h->data[i] < 0x80;
            if (ok) {
                *ord = o;
                *field = f;
                *data_at = s->sec_off[PDX_SEC_POSTINGS] + (uint64_t)(h->data - base);
                return true;
            }
        }
    }
    return false;
}

/* The good segment with byte `at` set to v and byte `at2` (unless 0) to v2,
 * checksums fixed, opened; the list (ord, field) must be refused when its
 * first block is decoded, with a message holding `want`. */
static void assert_block_refused(const state *s, uint64_t at, uint8_t v, uint64_t at2,
                                 uint8_t v2, uint32_t ord, unsigned field, const char *want)
{
    uint8_t *p = malloc(s->size);
    assert_non_null(p);
    memcpy(p, s->orig, s->size);
    p[at] = v;
    if (at2)
        p[at2] = v2;
    fix_checksums(p, s->size);
    write_bytes(s->bad_seg, p, s->size);
    free(p);
    pdx_index *ix;
    char err[600];
    assert_int_equal(pdx_segment_open(&ix, s->bad_seg, err, sizeof err), PDX_OK);
    pdx_postings cur;
    int rc = pdx_postings_open(&cur, ix, ord, field);
    if (rc == PDX_OK)
        fail_msg("a block with a zero entry was decoded (want \"%s\")", want);
    assert_int_equal(rc, PDX_ECORRUPT);
    if (!strstr(pdx_index_errmsg(ix), want))
        fail_msg("message '%s' lacks '%s'", pdx_index_errmsg(ix), want);
    pdx_index_close(ix);
}

/* A zero document gap inside a run of one-byte gaps (a paper listed twice,
 * the next gap grown by as much so the block still ends where its skip
 * entry says) and a zero tf inside a run of one-byte tfs are refused, also
 * where decode_block() reads eight entries at once. */
static void corrupt_zero_inside_a_run_of_small_entries(void **st)
{
    state *s = *st;
    pdx_index *ix;
    char err[600];
    assert_int_equal(pdx_segment_open(&ix, s->seg, err, sizeof err), PDX_OK);
    pdx_list_header h;
    uint32_t ord = 0;
    unsigned field = 0;
    uint64_t data_at = 0;
    bool found = find_byte_run_list(s, ix, &h, &ord, &field, &data_at);
    uint32_t n0 = found && h.df < PDX_BLOCK_SIZE ? (uint32_t)h.df : PDX_BLOCK_SIZE;
    pdx_index_close(ix);
    if (!found)
        fail_msg("the fixture has no list of 16 one-byte gaps and tfs");
    for (uint32_t i = 1; i < 15; i++) {
        uint32_t gap = s->orig[data_at + i], next = s->orig[data_at + i + 1];
        if (gap + next >= 0x80)
            continue;
        assert_block_refused(s, data_at + i, 0, data_at + i + 1, (uint8_t)(gap + next), ord,
                             field, "bad document gap");
    }
    for (uint32_t i = 0; i < 16; i++)
        assert_block_refused(s, data_at + n0 + i, 0, 0, 0, ord, field, "bad term frequency");
}

/* Within the file's bounds but past the document: a tf above the field's
 * token count (here the count in DOCS lowered under it) is refused when
 * positions are asked for, before they are decoded into a buffer sized by
 * that count. */
static void corrupt_tf_above_field_length(void **st)
{
    state *s = *st;
    pdx_index *ix;
    char err[600];
    assert_int_equal(pdx_segment_open(&ix, s->seg, err, sizeof err), PDX_OK);
    last_list L;
    find_last_list(ix, &L);
    pdx_postings cur;
    assert_int_equal(pdx_postings_open(&cur, ix, L.ord, L.field), PDX_OK);
    uint32_t doc = cur.doc, tf = pdx_postings_tf(&cur);
    pdx_index_close(ix);
    uint8_t *p = malloc(s->size);
    assert_non_null(p);
    memcpy(p, s->orig, s->size);
    pdx_put_u32(p + s->sec_off[PDX_SEC_DOCS] + (size_t)doc * PDX_DOC_RECORD_SIZE + 8 +
                    4 * L.field,
                tf - 1);
    /* and in its scoring row, which the positions check reads */
    uint32_t n_docs = pdx_get_u32(s->orig + s->sec_off[PDX_SEC_META] + PDX_META_NDOCS);
    pdx_put_u16(p + s->sec_off[PDX_SEC_DOCS] + (size_t)n_docs * PDX_DOC_RECORD_SIZE +
                    (size_t)doc * PDX_DOC_ROW_SIZE + 2 * L.field,
                (uint16_t)(tf - 1));
    fix_checksums(p, s->size);
    write_bytes(s->bad_seg, p, s->size);
    free(p);
    assert_int_equal(pdx_segment_open(&ix, s->bad_seg, err, sizeof err), PDX_OK);
    assert_int_equal(pdx_postings_open(&cur, ix, L.ord, L.field), PDX_OK);
    uint32_t *pos = calloc(tf, sizeof *pos);
    assert_non_null(pos);
    assert_int_equal(pdx_postings_positions(&cur, pos), PDX_ECORRUPT);
    assert_non_null(strstr(pdx_index_errmsg(ix), "exceeds its field length"));
    free(pos);
    pdx_index_close(ix);
}

/* The position gap that ends some title or summary list's document, changed
 * in place so the document's last position is its field length: one past
 * the last token. Returns the byte offset in the file, or 0 if none fits. */
static uint64_t position_past_field(const state *s, uint8_t *out_byte)
{
    pdx_index *ix;
    char err[600];
    assert_int_equal(pdx_segment_open(&ix, s->seg, err, sizeof err), PDX_OK);
    uint64_t found = 0;
    uint32_t pos[4096];
    for (uint32_t t = 0; t < ix->n_terms && !found; t++) {
        for (unsigned f = 0; f < PDX_NFIELDS && !found; f += 2) { /* title, summary */
            pdx_postings cur;
            if (pdx_postings_open(&cur, ix, t, f) != PDX_OK)
                continue;
            uint32_t tf = pdx_postings_tf(&cur);
            pdx_doc d;
            assert_int_equal(pdx_doc_get(ix, cur.doc, &d), PDX_OK);
            if (tf > 4096 || pdx_postings_positions(&cur, pos) != PDX_OK)
                continue;
            uint32_t prev = tf > 1 ? pos[tf - 2] : 0, gap = pos[tf - 1] - prev;
            uint32_t ngap = d.len[f] - prev;
            if (gap < 0x80 && ngap > 0 && ngap < 0x80) {
                found = s->sec_off[PDX_SEC_POSITIONS] +
                        (uint64_t)(cur.pos_p - 1 - ix->sec[PDX_SEC_POSITIONS].p);
                *out_byte = (uint8_t)ngap;
            }
        }
    }
    pdx_index_close(ix);
    return found;
}

/* Rules of the format the writer always keeps and --check must enforce:
 * each forged file (checksums recomputed) differs from the good one only
 * in the rule it breaks. */
static void corrupt_check_format_rules(void **st)
{
    state *s = *st;
    size_t n = 0, size;
    uint8_t *p = malloc(s->size);
    assert_non_null(p);
    /* hash tables: the u32 after the slot count is zero */
    unsigned hashes[] = {PDX_SEC_TERMHASH, PDX_SEC_IDHASH};
    for (size_t h = 0; h < 2; h++) {
        memcpy(p, s->orig, s->size);
        pdx_put_u32(p + s->sec_off[hashes[h]] + 4, 1);
        char what[100];
        snprintf(what, sizeof what, "%s: reserved word 1", pdx_section_name(hashes[h]));
        stamp_case(s, p, what, true, &n);
        /* the slot count, which the open takes from the length instead */
        memcpy(p, s->orig, s->size);
        uint8_t *count = p + s->sec_off[hashes[h]];
        pdx_put_u32(count, pdx_get_u32(count) * 2);
        snprintf(what, sizeof what, "%s: slot count doubled", pdx_section_name(hashes[h]));
        stamp_case(s, p, what, true, &n);
    }
    /* STORED: the flags byte ends a record; bits 1..7 are zero */
    memcpy(p, s->orig, s->size);
    const uint8_t *doc0 = s->orig + s->sec_off[PDX_SEC_DOCS];
    uint64_t flags_at = s->sec_off[PDX_SEC_STORED] + pdx_get_u64(doc0 + 24) +
                        pdx_get_u32(doc0 + 20) - 1;
    p[flags_at] |= 0x02;
    stamp_case(s, p, "STORED record 0: reserved flag bit 1 set", true, &n);
    /* a position equal to the field length (positions are 0..len-1) */
    uint8_t gap;
    uint64_t at = position_past_field(s, &gap);
    assert_true(at > 0);
    memcpy(p, s->orig, s->size);
    p[at] = gap;
    stamp_case(s, p, "POSITIONS: a position at the field length", true, &n);
    free(p);

    /* STORED: one byte after the last record's flags, owned by its record */
    {
        uint32_t n_docs = pdx_get_u32(s->orig + s->sec_off[PDX_SEC_META] + PDX_META_NDOCS);
        uint8_t *docs = section_copy(s, PDX_SEC_DOCS);
        uint8_t *rec = docs + (size_t)(n_docs - 1) * PDX_DOC_RECORD_SIZE;
        pdx_put_u32(rec + 20, pdx_get_u32(rec + 20) + 1);
        uint8_t *stored = section_copy(s, PDX_SEC_STORED);
        stored[s->sec_len[PDX_SEC_STORED]] = 0;
        forged f = {0};
        forged_set(&f, PDX_SEC_DOCS, docs, s->sec_len[PDX_SEC_DOCS]);
        forged_set(&f, PDX_SEC_STORED, stored, s->sec_len[PDX_SEC_STORED] + 1);
        free(docs);
        free(stored);
        p = forged_file(s, &f, &size);
        stamp_sized(s, p, size, "STORED: a byte after the last record's flags", true, &n);
        free(p);
    }
    /* POSTINGS: impacts that are well formed but are not the frontier of
     * the list's postings (a longest length one longer: MaxScore would
     * bound the list too low), and impacts with no point */
    uint64_t count_at = 0, last_at = 0;
    find_wide_impacts(s, &count_at, &last_at);
    p = malloc(s->size);
    assert_non_null(p);
    memcpy(p, s->orig, s->size);
    p[last_at]++;
    stamp_case(s, p, "POSTINGS: impacts that are not the list's frontier", true, &n);
    memcpy(p, s->orig, s->size);
    p[count_at] = 0;
    stamp_case(s, p, "POSTINGS: impacts with no point", true, &n);
    free(p);

    /* POSTINGS: a byte after the last block of a list, inside its data_len.
     * The forging with nothing changed gives the good index back: the
     * helper itself breaks nothing. */
    uint32_t tf0 = last_list_first_tf(s);
    p = forge_last_list(s, tf0, 0, &size);
    assert_int_equal(size, s->size);
    assert_memory_equal(p, s->orig, size);
    free(p);
    p = forge_last_list(s, tf0, 1, &size);
    stamp_sized(s, p, size, "POSTINGS: a byte after the last list's last block", true, &n);
    free(p);

    /* TERMSTR: terms are what the tokenizer makes. Each forged last term
     * sorts after every real one (U+10FFFF's bytes lead). */
    static const struct {
        const char *what, *bytes;
    } terms[] = {
        {"TERMSTR: a term of 68 bytes (over PDX_MAX_TERM_BYTES)",
         "\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf"
         "\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf"
         "\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf"
         "\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf"},
        {"TERMSTR: a term with a control byte", "\xf4\x8f\xbf\xbf\x01x"},
        {"TERMSTR: a term that is not UTF-8 (above U+10FFFF)", "\xf4\x90\x80\x80"},
        {"TERMSTR: a term that is not UTF-8 (a lone continuation byte)", "\xf4\x8f\xbf\xbf\x80"},
    };
    for (size_t i = 0; i < sizeof terms / sizeof *terms; i++) {
        p = forge_last_term(s, terms[i].bytes, strlen(terms[i].bytes), &size);
        stamp_sized(s, p, size, terms[i].what, true, &n);
        free(p);
    }
    /* and a valid last term forged the same way is a good index */
    p = forge_last_term(s, "\xf4\x8f\xbf\xbf", 4, &size);
    write_bytes(s->bad_seg, p, size);
    free(p);
    outcome o;
    probe_child(s->bad_seg, "a valid forged last term", &o);
    if (o.open_rc || o.check_rc)
        fail_msg("a valid forged last term is refused: %s", o.msg);
    print_message("format rules: %zu forged files\n", n);
    report_undetected();
}

/* Layout constants an index records that another build of paperdex could
 * have written differently: a version problem ("rebuild"), not damage. */
static void corrupt_layout_constants_are_a_version_mismatch(void **st)
{
    state *s = *st;
    const struct {
        unsigned off;
        uint32_t v;
    } cases[] = {{PDX_META_BLOCK_SIZE, 64}, {PDX_META_BLOCK_SIZE, 256}, {PDX_META_NFIELDS, 4},
                 {PDX_META_NFIELDS, 2}};
    uint8_t *p = malloc(s->size);
    assert_non_null(p);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        memcpy(p, s->orig, s->size);
        pdx_put_u32(p + s->sec_off[PDX_SEC_META] + cases[i].off, cases[i].v);
        fix_checksums(p, s->size);
        write_bytes(s->bad_seg, p, s->size);
        outcome o;
        char what[100];
        snprintf(what, sizeof what, "META byte %u set to %u", cases[i].off, cases[i].v);
        probe_child(s->bad_seg, what, &o);
        if (o.open_rc != PDX_EVERSION || !strstr(o.msg, "rebuild the index") ||
            !strstr(o.msg, s->bad))
            fail_msg("%s: expected a version mismatch, got %d: %s", what, o.open_rc, o.msg);
    }
    free(p);
}

/* A version-2 index (before the block vote bounds) is not misread: it is
 * refused as another version, with the advice to rebuild it. */
static void corrupt_format_version_2_asks_for_a_rebuild(void **st)
{
    state *s = *st;
    uint8_t *p = malloc(s->size);
    assert_non_null(p);
    memcpy(p, s->orig, s->size);
    pdx_put_u32(p + PDX_HDR_VERSION, 2);
    fix_checksums(p, s->size);
    write_bytes(s->bad_seg, p, s->size);
    free(p);
    outcome o;
    probe_child(s->bad_seg, "format version 2", &o);
    if (o.open_rc != PDX_EVERSION || !strstr(o.msg, "rebuild the index") ||
        !strstr(o.msg, "format version 2"))
        fail_msg("version 2: expected a version mismatch, got %d: %s", o.open_rc, o.msg);
}

/* The header's copy of the table checksum (what makes the header checksum
 * the file's identity, kept in MSEGS) must match the table: set wrong with
 * the header and footer checksums right, the segment is refused at open. */
static void corrupt_header_table_sum_copy(void **st)
{
    state *s = *st;
    uint8_t *p = malloc(s->size);
    assert_non_null(p);
    memcpy(p, s->orig, s->size);
    pdx_put_u64(p + PDX_HDR_TABLE_SUM, pdx_get_u64(p + PDX_HDR_TABLE_SUM) ^ 1);
    uint64_t hsum = pdx_hash(p, PDX_HDR_CHECKSUM);
    pdx_put_u64(p + PDX_HDR_CHECKSUM, hsum);
    uint8_t *f = p + s->size - PDX_FOOTER_SIZE;
    pdx_put_u64(f + PDX_FTR_HDR_SUM, hsum);
    pdx_put_u64(f + PDX_FTR_CHECKSUM, pdx_hash(f, PDX_FTR_CHECKSUM));
    write_bytes(s->bad_seg, p, s->size);
    free(p);
    outcome o;
    probe_child(s->bad_seg, "header's table checksum copy wrong", &o);
    if (o.open_rc != PDX_ECORRUPT || !strstr(o.msg, "section table's checksum"))
        fail_msg("table checksum copy wrong: %d: %s", o.open_rc, o.msg);
}

/* A single-file index of version 3 (a segment file with the version
 * before manifests) named as the index: a clear "rebuild" message. A
 * segment of a version-4 index named as the index: told to open the index
 * file instead. */
static void corrupt_old_version_and_segment_named_as_index(void **st)
{
    state *s = *st;
    uint8_t *p = malloc(s->size);
    assert_non_null(p);
    memcpy(p, s->orig, s->size);
    pdx_put_u32(p + PDX_HDR_VERSION, 3);
    fix_checksums(p, s->size);
    char *v3 = fx_path(s->dir, "v3.idx");
    write_bytes(v3, p, s->size);
    free(p);
    pdx_index *ix;
    char err[600];
    assert_int_equal(pdx_index_open(&ix, v3, err, sizeof err), PDX_EVERSION);
    if (!strstr(err, "format version 3") || !strstr(err, "rebuild the index") ||
        !strstr(err, "paperdex-index -o") || !strstr(err, v3))
        fail_msg("version 3 index: %s", err);
    assert_null(ix);
    assert_int_equal(pdx_index_open(&ix, s->seg, err, sizeof err), PDX_ENOTINDEX);
    if (!strstr(err, "this is a segment of an index") || !strstr(err, s->path))
        fail_msg("segment named as the index: %s", err);
    assert_null(ix);
    /* and a manifest given where a segment is expected is not one */
    assert_int_equal(pdx_segment_open(&ix, s->path, err, sizeof err), PDX_ENOTINDEX);
    free(v3);
}

/* The vote bounds of a list (header max_votes; a one-block list has no
 * skip entry, so the header is its block's bound) must match its papers:
 * block-max pruning trusts them. One too low is caught by the check, one
 * above the index's largest vote count as soon as the list is read. */
static void corrupt_list_vote_bound_wrong(void **st)
{
    state *s = *st;
    pdx_index *ix;
    char err[600];
    assert_int_equal(pdx_segment_open(&ix, s->seg, err, sizeof err), PDX_OK);
    last_list L;
    find_last_list(ix, &L);
    uint64_t votes = L.h.max_votes, top = ix->max_votes;
    pdx_index_close(ix);
    assert_true(top > 0); /* the fixture has voted papers */
    uint64_t cases[] = {votes ? votes - 1 : 1, votes + 1, top + 1};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        if (cases[i] == votes)
            continue;
        size_t size;
        uint8_t *p = forge_last_list_votes(s, last_list_first_tf(s), 0, cases[i], &size);
        write_bytes(s->bad_seg, p, size);
        free(p);
        outcome o;
        char what[100];
        snprintf(what, sizeof what, "last list max_votes %llu instead of %llu",
                 (unsigned long long)cases[i], (unsigned long long)votes);
        probe_child(s->bad_seg, what, &o);
        if (o.open_rc == PDX_OK && o.check_rc == PDX_OK)
            fail_msg("%s: passed the check", what);
        if (!strstr(o.msg, "POSTINGS"))
            fail_msg("%s: the message does not name POSTINGS: %s", what, o.msg);
    }
}

/* The scoring rows of DOCS repeat the records' lengths and votes for the
 * scorer; a row that disagrees with its record is reported by the check,
 * naming DOCS. */
static void corrupt_doc_row_disagrees_with_record(void **st)
{
    state *s = *st;
    uint32_t n_docs = pdx_get_u32(s->orig + s->sec_off[PDX_SEC_META] + PDX_META_NDOCS);
    uint64_t rows = s->sec_off[PDX_SEC_DOCS] + (uint64_t)n_docs * PDX_DOC_RECORD_SIZE;
    uint8_t *p = malloc(s->size);
    assert_non_null(p);
    for (uint32_t doc = 0; doc < n_docs; doc += n_docs > 1 ? n_docs - 1 : 1) {
        for (unsigned at = 0; at < PDX_DOC_ROW_SIZE; at += 2) {
            memcpy(p, s->orig, s->size);
            uint8_t *v = p + rows + (size_t)doc * PDX_DOC_ROW_SIZE + at;
            pdx_put_u16(v, (uint16_t)(pdx_get_u16(v) + 1));
            fix_checksums(p, s->size);
            write_bytes(s->bad_seg, p, s->size);
            outcome o;
            char what[100];
            snprintf(what, sizeof what, "document %u scoring row byte %u", doc, at);
            probe_child(s->bad_seg, what, &o);
            if (o.open_rc == PDX_OK && o.check_rc == PDX_OK)
                fail_msg("%s: passed the check", what);
            if (!strstr(o.msg, "DOCS"))
                fail_msg("%s: the message does not name DOCS: %s", what, o.msg);
        }
    }
    free(p);
}

/* A digest whose only paper has no indexable character: the writer leaves
 * TERMS, TERMSTR, POSTINGS and POSITIONS empty, sharing one offset. That is
 * the writer's own output and --check must accept it. */
static void corrupt_check_accepts_an_index_without_terms(void **st)
{
    state *s = *st;
    static const char digest[] = "## Daily Papers (2024-03-04)\n\n"
                                 "### [?! -- ...](https://arxiv.org/abs/2403.00042)\n\n"
                                 "Vote: 2\n\n"
                                 "Authors: ..\n\n"
                                 "- !! -- ?\n";
    char *path = fx_path(s->dir, "no_terms.idx");
    assert_int_equal(fz_build_index(path, "fixtures/2024/03/04.md", digest, strlen(digest)),
                     PDX_OK);
    pdx_index *ix;
    char err[600];
    assert_int_equal(pdx_index_open(&ix, path, err, sizeof err), PDX_OK);
    pdx_index_info info;
    pdx_index_info_get(ix, &info);
    assert_int_equal(info.docs, 1);
    assert_int_equal(info.terms, 0);
    assert_int_equal(info.section_bytes[PDX_SEC_POSTINGS - 1], 0);
    assert_int_equal(ix->sec[PDX_SEC_POSTINGS].off, ix->sec[PDX_SEC_POSITIONS].off);
    if (pdx_index_check(ix) != PDX_OK)
        fail_msg("the writer's own index without terms fails the check: %s",
                 pdx_index_errmsg(ix));
    pdx_index_paper paper;
    assert_int_equal(pdx_index_paper_get(ix, 0, &paper), PDX_OK);
    assert_int_equal(paper.votes, 2);
    assert_int_equal(paper.date, 20240304);
    assert_int_equal(paper.n_authors, 1);
    pdx_index_close(ix);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s/paperdex-index' --check '%s' 2>&1", PDX_BIN_DIR, path);
    char *out;
    int rc = fx_run(cmd, &out);
    if (rc != 0 || !strstr(out, "ok"))
        fail_msg("--check on an index without terms: exit %d: %s", rc, out);
    free(out);
    free(path);
}

/* pdx_index_paper_get reads what was indexed, and refuses ids past the
 * last document with PDX_EINVAL and a message. */
static void corrupt_index_paper_get_bounds(void **st)
{
    state *s = *st;
    pdx_index *ix;
    char err[600];
    assert_int_equal(pdx_segment_open(&ix, s->seg, err, sizeof err), PDX_OK);
    uint32_t n = pdx_index_n_docs(ix);
    assert_int_equal(n, 150);
    pdx_index_paper p;
    for (uint32_t d = 0; d < n; d++) {
        assert_int_equal(pdx_index_paper_get(ix, d, &p), PDX_OK);
        assert_true(p.id_len > 0 && p.title_len > 0);
        uint32_t found;
        assert_int_equal(pdx_doc_find_id(ix, p.id, p.id_len, &found), PDX_OK);
        assert_int_equal(found, d);
    }
    assert_int_equal(pdx_index_paper_get(ix, n, &p), PDX_EINVAL);
    assert_non_null(strstr(pdx_index_errmsg(ix), "out of range"));
    pdx_index_close(ix);
}

/* An index path that is a FIFO, a socket, a device or a directory: refused
 * at once with the path and what it is. A FIFO used to block open() until a
 * writer came (forever); each probe runs under an alarm, and the programs
 * under timeout(1), so a hang fails the test instead of stalling it. */
static void corrupt_not_a_regular_file(void **st)
{
    state *s = *st;
    char *fifo = fx_path(s->dir, "fifo.idx");
    char *sock = fx_path(s->dir, "sock.idx");
    unlink(fifo);
    unlink(sock);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    int sfd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(sfd >= 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    assert_true(strlen(sock) < sizeof sa.sun_path);
    strcpy(sa.sun_path, sock);
    assert_int_equal(bind(sfd, (struct sockaddr *)&sa, sizeof sa), 0);
    const struct {
        const char *path, *kind;
    } files[] = {{fifo, "a FIFO"}, {sock, "a socket"}, {"/dev/null", "a character device"},
                 {s->dir, "a directory"}};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        outcome o;
        probe_child(files[i].path, files[i].kind, &o);
        if (o.open_rc != PDX_ENOTINDEX || !strstr(o.msg, files[i].path) ||
            !strstr(o.msg, "not a regular file") || !strstr(o.msg, files[i].kind))
            fail_msg("%s: expected 'not a regular file (%s)', got %d: %s", files[i].path,
                     files[i].kind, o.open_rc, o.msg);
    }
    char cmds[3][2048];
    snprintf(cmds[0], sizeof cmds[0], "timeout 20 '%s/paperdex-index' --check '%s' 2>&1",
             PDX_BIN_DIR, fifo);
    snprintf(cmds[1], sizeof cmds[1], "timeout 20 '%s/paperdex-index' --info '%s' 2>&1",
             PDX_BIN_DIR, fifo);
    snprintf(cmds[2], sizeof cmds[2],
             "PAPERDEX_INDEX='%s' timeout 20 '%s/paperdex-search' model 2>&1", fifo,
             PDX_BIN_DIR);
    const int status[3] = {1, 1, 2};
    for (size_t i = 0; i < 3; i++) {
        char *out;
        int rc = fx_run(cmds[i], &out);
        if (rc != status[i] || !strstr(out, fifo) || !strstr(out, "a FIFO"))
            fail_msg("%s: exit %d (124: it hung): %s", cmds[i], rc, out ? out : "");
        free(out);
    }
    close(sfd);
    unlink(sock);
    unlink(fifo);
    free(sock);
    free(fifo);
}

/* ---- files that are not indexes ---- */

static void corrupt_not_an_index(void **st)
{
    state *s = *st;
    static const uint8_t png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
    const struct {
        const char *name;
        const void *data;
        size_t len;
    } files[] = {
        {"empty.idx", "", 0},
        {"text.idx", "## Daily Papers (2024-01-01)\n\n### [A](https://arxiv.org/abs/2401.1)\n",
         (size_t)-1},
        {"png.idx", png, sizeof png},
        {"magic_only.idx", PDX_MAGIC, PDX_MAGIC_LEN},
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char *p = fx_path(s->dir, files[i].name);
        fx_write(p, files[i].data, files[i].len);
        outcome o;
        probe_child(p, files[i].name, &o);
        assert_int_not_equal(o.open_rc, PDX_OK);
        if (i < 3 && (o.open_rc != PDX_ENOTINDEX || !strstr(o.msg, "not a paperdex index")))
            fail_msg("%s: expected 'not a paperdex index', got %d: %s", files[i].name,
                     o.open_rc, o.msg);
        char cmd[1024];
        snprintf(cmd, sizeof cmd, "'%s/paperdex-index' --check '%s' 2>&1", PDX_BIN_DIR, p);
        char *out;
        int rc = fx_run(cmd, &out);
        if (rc != 1 || !strstr(out, p))
            fail_msg("--check %s: exit %d: %s", files[i].name, rc, out);
        free(out);
        free(p);
    }
    /* a big file of random bytes, a directory, and a missing path */
    char *big = fx_path(s->dir, "random.idx");
    uint8_t *junk = malloc(1 << 20);
    assert_non_null(junk);
    uint64_t x = 88172645463325252ull;
    for (size_t i = 0; i < (1 << 20); i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        junk[i] = (uint8_t)x;
    }
    write_bytes(big, junk, 1 << 20);
    free(junk);
    outcome o;
    probe_child(big, "1 MB of random bytes", &o);
    assert_int_equal(o.open_rc, PDX_ENOTINDEX);
    free(big);
    probe_child(s->dir, "a directory", &o);
    assert_int_equal(o.open_rc, PDX_ENOTINDEX);
    char *missing = fx_path(s->dir, "missing.idx");
    pdx_index *ix;
    char err[600];
    assert_int_equal(pdx_index_open(&ix, missing, err, sizeof err), PDX_ENOTFOUND);
    assert_non_null(strstr(err, "missing.idx"));
    free(missing);
}

/* ---- the search program on a damaged index ---- */

static void corrupt_search_cli_refuses_or_answers(void **st)
{
    state *s = *st;
    /* A damaged header: refused, exit 2, one line naming the file. A flip in
     * POSTINGS: the search answers or refuses, never crashes. */
    uint64_t spots[] = {20, s->sec_off[PDX_SEC_POSTINGS] + 3,
                        s->sec_off[PDX_SEC_POSTINGS] + s->sec_len[PDX_SEC_POSTINGS] / 2};
    for (size_t i = 0; i < 3; i++) {
        s->orig[spots[i]] ^= 0x04;
        write_bytes(s->bad_seg, s->orig, s->size);
        s->orig[spots[i]] ^= 0x04;
        char cmd[1024];
        snprintf(cmd, sizeof cmd, "'%s/paperdex-search' -i '%s' model 모델 2>&1 >/dev/null",
                 PDX_BIN_DIR, s->bad);
        char *out;
        int rc = fx_run(cmd, &out);
        if (i == 0 && (rc != 2 || !strstr(out, s->bad)))
            fail_msg("search on a damaged header: exit %d: %s", rc, out);
        if (rc < 0 || rc > 2)
            fail_msg("search with byte %llu flipped: exit %d: %s",
                     (unsigned long long)spots[i], rc, out);
        free(out);
    }
}

/* A damaged list read while a query is expanded fails the query, never
 * the process: a robustness trial's one-bit flip in a list header of a
 * lexicon equivalent's term, in an index with deleted papers (where
 * looking a term up reads its lists: a term may be in deleted papers
 * only), made pdx_clause_from_terms() free the clause its caller,
 * terms_too_common(), then freed again; paperdex-search and
 * paperdex-serve died. Here three papers state 대형 언어 모델(large
 * language model), so `large language model` is expanded to the Korean
 * name, the list headers of whose terms are flipped bit by bit (the
 * checksums left as they are: an open does not hash POSTINGS, and the
 * manifest names each segment's header sum); a day of the index is
 * deleted by an update. */
static void corrupt_list_read_while_expanding(void **st)
{
    (void)st;
    enum { N = 40, IMPACT_BYTES = 2 };
    char *dir = fx_tmpdir(), *day = fx_path(dir, "d/2024/06/01.md"),
         *gone = fx_path(dir, "d/2024/06/02.md"), *idx = fx_path(dir, "x.idx");
    static char text[16384];
    size_t n = (size_t)snprintf(text, sizeof text, "## Daily Papers (2024-06-01)\n\n");
    for (int i = 0; i < N; i++)
        n += (size_t)snprintf(text + n, sizeof text - n,
                              "### [%s %d](https://arxiv.org/abs/2406.%05d)\n\nVote: 1\n\n"
                              "Authors: Bo Kim\n\n- %s\n\n",
                              i == 3 || i == 4 ? "Large language model evaluation" : "Robots", i,
                              20000 + i,
                              i < 3 ? "대형 언어 모델(large language model)을 평가한다"
                                    : "로봇 팔을 학습한다");
    assert_true(n < sizeof text);
    fx_write(day, text, n);
    static const char other[] = "## Daily Papers (2024-06-02)\n\n### [Gone](https://arxiv.org/"
                                "abs/2406.30000)\n\nVote: 1\n\nAuthors: Bo Kim\n\n- 로봇\n";
    fx_write(gone, other, sizeof other - 1);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s/paperdex-index' -q -o '%s' '%s/d'", PDX_BIN_DIR, idx, dir);
    assert_int_equal(fx_run(cmd, NULL), 0);
    assert_int_equal(unlink(gone), 0);
    snprintf(cmd, sizeof cmd, "'%s/paperdex-index' -q --update -o '%s' '%s/d'", PDX_BIN_DIR, idx,
             dir);
    assert_int_equal(fx_run(cmd, NULL), 0);
    char *seg = fx_index_segment(idx, 0);
    size_t size;
    uint8_t *b = (uint8_t *)fx_read(seg, &size);
    pdx_index *ix;
    char err[600];
    assert_int_equal(pdx_segment_open(&ix, seg, err, sizeof err), PDX_OK);
    /* the list headers of the equivalent's terms (its bigrams and the
     * bridges between its words), from each list's start to IMPACT_BYTES
     * into its impacts */
    static const char *const terms[] = {"대형", "형 언", "언어", "어 모", "모델"};
    enum { N_TERMS = sizeof terms / sizeof *terms };
    size_t from[N_TERMS * PDX_NFIELDS], to[N_TERMS * PDX_NFIELDS], n_at = 0;
    for (size_t k = 0; k < N_TERMS; k++) {
        uint32_t ord;
        pdx_term t;
        assert_int_equal(pdx_term_find(ix, terms[k], strlen(terms[k]), &ord), PDX_OK);
        assert_int_equal(pdx_term_get(ix, ord, &t), PDX_OK);
        const uint8_t *list = ix->sec[PDX_SEC_POSTINGS].p + t.post_off;
        for (unsigned f = 0; f < PDX_NFIELDS; f++) {
            pdx_list_header h;
            if (!(t.fields & (1u << f)))
                continue;
            assert_int_equal(pdx_term_list(ix, &t, f, &h), PDX_OK);
            from[n_at] = (size_t)(list - ix->map);
            to[n_at++] = (size_t)(h.imp - ix->map) + IMPACT_BYTES;
            list = h.end;
        }
    }
    pdx_index_close(ix);
    unsigned refused = 0;
    snprintf(cmd, sizeof cmd, "'%s/paperdex-search' -i '%s' 'large language model' 2>&1 >/dev/null",
             PDX_BIN_DIR, idx);
    for (size_t k = 0; k < n_at; k++)
        for (size_t i = from[k]; i < to[k]; i++)
            for (unsigned bit = 0; bit < 8; bit++) {
                uint8_t *c = malloc(size);
                assert_non_null(c);
                memcpy(c, b, size);
                c[i] ^= (uint8_t)(1u << bit);
                write_bytes(seg, c, size);
                free(c);
                char *out;
                int rc = fx_run(cmd, &out);
                /* a signal is 128 + its number through sh; a sanitizer
                 * exits 1, as a search finding nothing does */
                if (rc < 0 || rc > 2 || strstr(out, "Sanitizer"))
                    fail_msg("a list header of the equivalent, byte %zu bit %u flipped: exit "
                             "%d: %s",
                             i, bit, rc, out);
                refused += rc == 2;
                free(out);
            }
    write_bytes(seg, b, size);
    if (!refused)
        fail_msg("no flip of the equivalent's list headers failed the expanded query");
    free(b);
    free(seg);
    free(idx);
    free(gone);
    free(day);
    fx_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(corrupt_good_index_answers_and_checks),
        cmocka_unit_test(corrupt_truncate_everywhere),
        cmocka_unit_test(corrupt_truncate_check_cli),
        cmocka_unit_test(corrupt_bitflip_every_region),
        cmocka_unit_test(corrupt_bitflip_random),
        cmocka_unit_test(corrupt_bitflip_check_cli),
        cmocka_unit_test(corrupt_section_table_and_header),
        cmocka_unit_test(corrupt_counts_and_offsets_inside_sections),
        cmocka_unit_test(corrupt_check_reserved_and_trailing_bytes),
        cmocka_unit_test(corrupt_check_format_rules),
        cmocka_unit_test(corrupt_huge_tf_refused_before_use),
        cmocka_unit_test(corrupt_tf_above_field_length),
        cmocka_unit_test(corrupt_layout_constants_are_a_version_mismatch),
        cmocka_unit_test(corrupt_format_version_2_asks_for_a_rebuild),
        cmocka_unit_test(corrupt_old_version_and_segment_named_as_index),
        cmocka_unit_test(corrupt_header_table_sum_copy),
        cmocka_unit_test(corrupt_list_vote_bound_wrong),
        cmocka_unit_test(corrupt_doc_row_disagrees_with_record),
        cmocka_unit_test(corrupt_check_accepts_an_index_without_terms),
        cmocka_unit_test(corrupt_index_paper_get_bounds),
        cmocka_unit_test(corrupt_not_an_index),
        cmocka_unit_test(corrupt_not_a_regular_file),
        cmocka_unit_test(corrupt_search_cli_refuses_or_answers),
        cmocka_unit_test(corrupt_zero_inside_a_run_of_small_entries),
        cmocka_unit_test(corrupt_list_read_while_expanding),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
