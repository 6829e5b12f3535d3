/*
 * paperdex-index: build an index from digest files, or inspect one.
 *
 *   paperdex-index [-o INDEX] [--quiet] [--json] [--export-jsonl FILE] PATH...
 *   paperdex-index --check INDEX
 *   paperdex-index --info INDEX
 *
 * Exit status: 0 when the index was written (or checks out), 1 when it was
 * not (or is damaged), 2 on a usage error.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "format.h"
#include "json.h"
#include "paperdex/paperdex.h"
#include "paperdex/search.h"

static const char usage[] =
    "usage: paperdex-index [options] PATH...\n"
    "       paperdex-index --check INDEX\n"
    "       paperdex-index --info INDEX\n"
    "\n"
    "Indexes daily-paper digests (files, or directories searched recursively for\n"
    "*.md and *.txt) into one index file, replacing it atomically.\n"
    "\n"
    "options:\n"
    "  -o, --output INDEX   index file to write (default: paperdex.idx)\n"
    "  -q, --quiet          print nothing but errors and skipped papers\n"
    "      --json           print the summary as one JSON object on stdout\n"
    "                       (keys: files, papers, duplicates, skipped, warnings,\n"
    "                       terms, bytes, seconds)\n"
    "      --mem-mb N       memory for in-memory postings before spilling sorted\n"
    "                       runs to disk (default 256)\n"
    "      --export-jsonl FILE  after writing the index, write every paper in it\n"
    "                       (duplicates already merged) to FILE, one JSON object\n"
    "                       a line: id, url, title, authors (array), summary,\n"
    "                       date (\"YYYY-MM-DD\" or null), votes (null when\n"
    "                       unknown), and title_terms, authors_terms,\n"
    "                       summary_terms: the paperdex terms of each field,\n"
    "                       space-separated (used by bench/peers/)\n"
    "      --check INDEX    verify every checksum and structural invariant;\n"
    "                       report the first problem and exit 1 if there is one\n"
    "      --info INDEX     print document count, date range, term count and\n"
    "                       section sizes\n"
    "  -h, --help           show this help\n"
    "      --version        show the version\n"
    "\n"
    "Every paper heading in the input is either indexed or reported on stderr as\n"
    "FILE:LINE: skipped: REASON. Warnings (FILE:LINE: warning: ...) do not stop\n"
    "indexing. Exit status: 0 index written, 1 not written, 2 usage error.\n";

typedef struct skipped {
    char *file;
    uint32_t line;
    char *reason;
} skipped;

typedef struct run_state {
    pdx_writer *w;
    bool quiet, json, progress;
    pdx_parse_stats stats;
    skipped *skips;
    size_t n_skips, cap_skips;
    uint64_t warnings;
    double t0, last_progress;
    int err;
} run_state;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_diag(const pdx_diag *d, void *payload)
{
    run_state *s = payload;
    if (s->progress)
        fputs("\r\033[K", stderr);
    if (d->level == PDX_DIAG_SKIPPED) {
        if (s->n_skips == s->cap_skips) {
            size_t nc = s->cap_skips ? s->cap_skips * 2 : 16;
            skipped *ns = realloc(s->skips, nc * sizeof *ns);
            if (!ns) {
                s->err = PDX_ENOMEM;
                return;
            }
            s->skips = ns;
            s->cap_skips = nc;
        }
        s->skips[s->n_skips++] = (skipped){strdup(d->file), d->line, strdup(d->message)};
        fprintf(stderr, "%s:%u: skipped: %s\n", d->file, d->line, d->message);
        return;
    }
    s->warnings++;
    if (s->quiet)
        return;
    if (d->line)
        fprintf(stderr, "%s:%u: warning: %s\n", d->file, d->line, d->message);
    else
        fprintf(stderr, "%s: warning: %s\n", d->file, d->message);
}

static int on_paper(const pdx_paper *p, void *payload)
{
    run_state *s = payload;
    int rc = pdx_writer_add(s->w, p);
    if (rc)
        return rc;
    if (s->progress && s->stats.papers % 256 == 0) {
        double t = now();
        if (t - s->last_progress > 0.25) {
            fprintf(stderr, "\r\033[Kindexing: %" PRIu64 " files, %" PRIu64 " papers, %.1f s",
                    s->stats.files, s->stats.papers, t - s->t0);
            s->last_progress = t;
        }
    }
    return 0;
}

static void print_json_summary(const run_state *s, const pdx_write_stats *ws, double secs)
{
    pdx_buf b = {0};
    char num[64];
    snprintf(num, sizeof num, "{\"files\":%" PRIu64 ",\"papers\":%" PRIu64
             ",\"duplicates\":%" PRIu64 ",\"skipped\":[",
             s->stats.files, ws->papers, ws->duplicates);
    pdx_buf_append(&b, num, strlen(num));
    for (size_t i = 0; i < s->n_skips; i++) {
        if (i)
            pdx_buf_putc(&b, ',');
        pdx_buf_append(&b, "{\"file\":", 8);
        pdx_json_str(&b, s->skips[i].file, s->skips[i].file ? strlen(s->skips[i].file) : 0);
        snprintf(num, sizeof num, ",\"line\":%u,\"reason\":", s->skips[i].line);
        pdx_buf_append(&b, num, strlen(num));
        pdx_json_str(&b, s->skips[i].reason,
                     s->skips[i].reason ? strlen(s->skips[i].reason) : 0);
        pdx_buf_putc(&b, '}');
    }
    char tail[256];
    snprintf(tail, sizeof tail,
             "],\"warnings\":%" PRIu64 ",\"terms\":%" PRIu64 ",\"bytes\":%" PRIu64
             ",\"seconds\":%.3f}\n",
             s->warnings, ws->terms, ws->bytes, secs);
    pdx_buf_append(&b, tail, strlen(tail));
    if (!b.err)
        fwrite(b.data, 1, b.len, stdout);
    pdx_buf_free(&b);
}

/* ---- --export-jsonl ----
 *
 * The papers are read back from the index just written, through the public
 * search API (pdx_hit_get), so the export holds exactly the indexed
 * documents in document-id order: duplicates merged the way the writer
 * merged them, nothing that was skipped. The terms come from the public
 * tokenizer with the indexing flags, i.e. the terms the index holds for
 * each field. */

static void put_lit(pdx_buf *b, const char *s)
{
    pdx_buf_append(b, s, strlen(s));
}

typedef struct terms_ctx {
    pdx_buf *b;
    bool first;
} terms_ctx;

static int on_export_term(const pdx_token *t, void *payload)
{
    terms_ctx *c = payload;
    if (!c->first)
        pdx_buf_putc(c->b, ' ');
    c->first = false;
    pdx_buf_append(c->b, t->term, t->term_len);
    return 0;
}

/* Appends ,"key":"term term ..." for text[0..len). */
static int export_terms(pdx_buf *b, pdx_buf *scratch, pdx_tokenizer *tk, const char *key,
                        const char *text, size_t len)
{
    terms_ctx c = {scratch, true};
    pdx_buf_reset(scratch);
    int rc = pdx_tokenize(tk, PDX_TOKENIZE_DEFAULT, text, len, 0, NULL, on_export_term, &c);
    if (rc)
        return rc;
    if (scratch->err)
        return scratch->err;
    put_lit(b, ",\"");
    pdx_buf_append(b, key, strlen(key));
    put_lit(b, "\":");
    pdx_json_str(b, (const char *)scratch->data, scratch->len);
    return 0;
}

static int export_one(pdx_buf *b, pdx_buf *scratch, pdx_tokenizer *tk, const pdx_hit_info *h)
{
    char num[64];
    pdx_buf_reset(b);
    put_lit(b, "{\"id\":");
    pdx_json_str(b, h->id, h->id_len);
    put_lit(b, ",\"url\":");
    pdx_json_str(b, h->url, h->url_len);
    put_lit(b, ",\"title\":");
    pdx_json_str(b, h->title, h->title_len);
    put_lit(b, ",\"authors\":[");
    for (size_t i = 0, start = 0; i <= h->authors_len && h->authors_len; i++) {
        if (i == h->authors_len || h->authors[i] == '\n') {
            if (start)
                pdx_buf_putc(b, ',');
            pdx_json_str(b, h->authors + start, i - start);
            start = i + 1;
        }
    }
    put_lit(b, "],\"summary\":");
    pdx_json_str(b, h->summary, h->summary_len);
    if (h->date)
        snprintf(num, sizeof num, ",\"date\":\"%04d-%02d-%02d\"", (int)(h->date / 10000),
                 (int)(h->date / 100 % 100), (int)(h->date % 100));
    else
        snprintf(num, sizeof num, ",\"date\":null");
    pdx_buf_append(b, num, strlen(num));
    if (h->votes == PDX_VOTES_UNKNOWN)
        snprintf(num, sizeof num, ",\"votes\":null");
    else
        snprintf(num, sizeof num, ",\"votes\":%" PRId64, h->votes);
    pdx_buf_append(b, num, strlen(num));
    int rc = export_terms(b, scratch, tk, "title_terms", h->title, h->title_len);
    if (!rc)
        rc = export_terms(b, scratch, tk, "authors_terms", h->authors, h->authors_len);
    if (!rc)
        rc = export_terms(b, scratch, tk, "summary_terms", h->summary, h->summary_len);
    put_lit(b, "}\n");
    return rc ? rc : b->err;
}

/* Writes every paper of the index at ix_path to out_path. Returns 0 or 1
 * (after a message on stderr). */
static int do_export(const char *ix_path, const char *out_path)
{
    char err[600];
    pdx_index *ix = NULL;
    pdx_searcher *s = NULL;
    pdx_tokenizer *tk = NULL;
    pdx_buf b = {0}, scratch = {0};
    FILE *f = NULL;
    int rc = pdx_index_open(&ix, ix_path, err, sizeof err);
    if (rc) {
        fprintf(stderr, "paperdex-index: export: %s\n", err);
        return 1;
    }
    rc = pdx_searcher_new(&s, ix);
    if (!rc)
        rc = pdx_tokenizer_new(&tk);
    if (!rc && !(f = fopen(out_path, "w"))) {
        fprintf(stderr, "paperdex-index: export: %s: %s\n", out_path, strerror(errno));
        rc = PDX_EIO;
    } else if (!rc) {
        pdx_index_info info;
        pdx_index_info_get(ix, &info);
        for (uint32_t doc = 0; doc < info.docs && !rc; doc++) {
            pdx_hit_info h;
            rc = pdx_hit_get(s, doc, &h);
            if (!rc)
                rc = export_one(&b, &scratch, tk, &h);
            if (!rc && fwrite(b.data, 1, b.len, f) != b.len)
                rc = PDX_EIO;
        }
        if (fclose(f) != 0 && !rc)
            rc = PDX_EIO;
        if (rc)
            fprintf(stderr, "paperdex-index: export to %s failed: %s\n", out_path,
                    rc == PDX_EIO ? strerror(errno) : pdx_strerror(rc));
    } else {
        fprintf(stderr, "paperdex-index: export: %s\n", pdx_strerror(rc));
    }
    pdx_buf_free(&b);
    pdx_buf_free(&scratch);
    pdx_tokenizer_free(tk);
    pdx_searcher_free(s);
    pdx_index_close(ix);
    return rc ? 1 : 0;
}

static int do_check(const char *path)
{
    char err[600];
    pdx_index *ix;
    int rc = pdx_index_open(&ix, path, err, sizeof err);
    if (rc) {
        fprintf(stderr, "paperdex-index: %s\n", err);
        return 1;
    }
    rc = pdx_index_check(ix);
    if (rc) {
        fprintf(stderr, "paperdex-index: check failed: %s\n",
                rc == PDX_ECORRUPT ? pdx_index_errmsg(ix) : pdx_strerror(rc));
        pdx_index_close(ix);
        return 1;
    }
    pdx_index_info info;
    pdx_index_info_get(ix, &info);
    printf("%s: ok (%u documents, %u terms, %" PRIu64 " bytes)\n", path, info.docs, info.terms,
           info.file_size);
    pdx_index_close(ix);
    return 0;
}

static int do_info(const char *path)
{
    char err[600];
    pdx_index *ix;
    if (pdx_index_open(&ix, path, err, sizeof err)) {
        fprintf(stderr, "paperdex-index: %s\n", err);
        return 1;
    }
    pdx_index_info in;
    pdx_index_info_get(ix, &in);
    printf("index:        %s\n", path);
    printf("format:       version %u, tokenizer version %u, stemmer %s, Unicode %s\n",
           in.format_version, in.tokenizer_version, in.stemmer, in.unicode_version);
    printf("written by:   %s\n", in.generator);
    printf("documents:    %u\n", in.docs);
    if (in.min_date)
        printf("dates:        %04d-%02d-%02d .. %04d-%02d-%02d\n", in.min_date / 10000,
               in.min_date / 100 % 100, in.min_date % 100, in.max_date / 10000,
               in.max_date / 100 % 100, in.max_date % 100);
    else
        printf("dates:        unknown\n");
    printf("terms:        %u\n", in.terms);
    printf("postings:     %" PRIu64 "\n", in.postings);
    printf("avg length:   title %.1f, authors %.1f, summary %.1f tokens\n", in.avg_len[0],
           in.avg_len[1], in.avg_len[2]);
    printf("size:         %" PRIu64 " bytes\n", in.file_size);
    for (unsigned id = 1; id <= PDX_SEC_COUNT; id++)
        printf("  %-10s  %12" PRIu64 " bytes\n", pdx_section_name(id), in.section_bytes[id - 1]);
    pdx_index_close(ix);
    return 0;
}

int main(int argc, char **argv)
{
    const char *out = "paperdex.idx";
    const char *export_path = NULL;
    run_state s = {0};
    size_t mem_mb = 0;
    const char **paths = calloc((size_t)argc, sizeof *paths);
    size_t n_paths = 0;
    if (!paths)
        return 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            free(paths);
            return 0;
        } else if (!strcmp(a, "--version")) {
            printf("paperdex-index %s\n", PDX_VERSION_STRING);
            free(paths);
            return 0;
        } else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && more) {
            out = argv[++i];
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            s.quiet = true;
        } else if (!strcmp(a, "--json")) {
            s.json = true;
        } else if (!strcmp(a, "--mem-mb") && more) {
            char *end;
            unsigned long v = strtoul(argv[++i], &end, 10);
            if (*end || v == 0 || v > (1ul << 20)) {
                fprintf(stderr, "paperdex-index: --mem-mb wants a number of MiB, got '%s'\n",
                        argv[i]);
                free(paths);
                return 2;
            }
            mem_mb = v;
        } else if (!strcmp(a, "--export-jsonl") && more) {
            export_path = argv[++i];
        } else if (!strcmp(a, "--check") && more) {
            free(paths);
            return do_check(argv[i + 1]);
        } else if (!strcmp(a, "--info") && more) {
            free(paths);
            return do_info(argv[i + 1]);
        } else if (!strcmp(a, "--")) {
            while (++i < argc)
                paths[n_paths++] = argv[i];
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "paperdex-index: unknown or incomplete option '%s' (see --help)\n", a);
            free(paths);
            return 2;
        } else {
            paths[n_paths++] = a;
        }
    }
    if (!n_paths) {
        fprintf(stderr, "paperdex-index: no input paths (see --help)\n");
        free(paths);
        return 2;
    }
    /* A path named on the command line that cannot be read is an error, not
     * a warning: the user would get an index missing what they asked for. */
    for (size_t i = 0; i < n_paths; i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0 || access(paths[i], R_OK) != 0) {
            fprintf(stderr, "paperdex-index: %s: %s; index not written\n", paths[i],
                    strerror(errno));
            free(paths);
            return 1;
        }
    }

    /* Past a file-size limit (ulimit -f) the default SIGXFSZ would kill us
     * mid-write; ignored, the write fails with EFBIG and is reported like a
     * full disk, leaving the old index in place. */
    signal(SIGXFSZ, SIG_IGN);
    s.t0 = now();
    s.progress = !s.quiet && !s.json && isatty(2);
    pdx_writer_opts wo = {.mem_budget = mem_mb << 20, .on_diag = on_diag, .payload = &s};
    int rc = pdx_writer_new(&s.w, out, &wo);
    if (!rc) {
        pdx_parse_cb cb = {on_paper, on_diag, &s};
        rc = pdx_parse_paths(paths, n_paths, &cb, &s.stats);
    }
    pdx_write_stats ws = {0};
    if (!rc && s.err)
        rc = s.err;
    if (!rc)
        rc = pdx_writer_commit(s.w, &ws);
    if (s.progress)
        fputs("\r\033[K", stderr);
    int status = 0;
    if (rc) {
        const char *msg = s.w ? pdx_writer_errmsg(s.w) : "";
        fprintf(stderr, "paperdex-index: %s; index not written\n",
                *msg ? msg : pdx_strerror(rc));
        status = 1;
    } else {
        double secs = now() - s.t0;
        if (s.json) {
            print_json_summary(&s, &ws, secs);
        } else if (!s.quiet) {
            printf("files read:        %" PRIu64 "\n", s.stats.files);
            printf("papers indexed:    %" PRIu64 "\n", ws.papers);
            printf("duplicates merged: %" PRIu64 "\n", ws.duplicates);
            printf("papers skipped:    %zu\n", s.n_skips);
            for (size_t i = 0; i < s.n_skips; i++)
                printf("  %s:%u: %s\n", s.skips[i].file, s.skips[i].line, s.skips[i].reason);
            printf("warnings:          %" PRIu64 "\n", s.warnings);
            printf("distinct terms:    %" PRIu64 "\n", ws.terms);
            printf("index:             %s, %" PRIu64 " bytes\n", out, ws.bytes);
            printf("seconds:           %.3f\n", secs);
        }
        if (export_path && do_export(out, export_path))
            status = 1;
    }
    pdx_writer_free(s.w);
    for (size_t i = 0; i < s.n_skips; i++) {
        free(s.skips[i].file);
        free(s.skips[i].reason);
    }
    free(s.skips);
    free(paths);
    return status;
}
