/*
 * paperdex-index: build an index from digest files, or inspect one.
 *
 *   paperdex-index [-o INDEX] [--quiet] [--json] [--mem-mb N] [--threads N]
 *                  [--export-jsonl FILE] PATH...
 *   paperdex-index --update [options] PATH...
 *   paperdex-index --optimize INDEX
 *   paperdex-index --watch [options] PATH...   (indexer/watch_cli.c)
 *   paperdex-index --check INDEX
 *   paperdex-index --info INDEX
 *
 * Exit status: 0 when the index was written (or checks out), 1 when it was
 * not (or is damaged), 2 on a usage error; killed by the signal itself
 * after SIGINT, SIGTERM or SIGHUP, once the temporary files are removed.
 * Standard output that cannot be written (a full disk) makes the status 1,
 * and the message says when the index was written all the same.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli_opt.h"
#include "common.h"
#include "format.h"
#include "json.h"
#include "manifest.h"
#include "paperdex/paperdex.h"
#include "publish.h"
#include "watch.h"

/* The largest --mem-mb: 1 TiB of buffers is beyond any machine that runs this. */
#define MEM_MB_MAX (1ul << 20)

static const char usage[] =
    "usage: paperdex-index [options] PATH...\n"
    "       paperdex-index --update [options] PATH...\n"
    "       paperdex-index --optimize [options] INDEX\n"
    "       paperdex-index --watch [options] PATH...\n"
    "       paperdex-index --check INDEX\n"
    "       paperdex-index --info INDEX\n"
    "\n"
    "Indexes daily-paper digests (files, or directories searched recursively for\n"
    "*.md, *.markdown and *.txt) into an index: the file INDEX (a manifest, replaced\n"
    "atomically) and its segment files INDEX.<n>.seg beside it.\n"
    "\n"
    "options:\n"
    "  -o, --output INDEX   index file to write (default: $PAPERDEX_INDEX, then\n"
    "                       paperdex.idx); a symlink is followed; an input, a\n"
    "                       non-regular file, a non-empty file that is not an\n"
    "                       index and another index's lock (X.lock beside\n"
    "                       index X) are refused\n"
    "  -q, --quiet          print nothing but errors and skipped papers (with\n"
    "                       --check, nothing when the index is sound)\n"
    "      --json           print the summary as one JSON object on stdout\n"
    "                       (keys: files, papers, duplicates, skipped (the\n"
    "                       skipped papers: [{file, line, reason}]),\n"
    "                       paths_skipped, warnings, terms, lexicon_pairs,\n"
    "                       bytes, seconds; --update: update, full_build,\n"
    "                       files_unchanged, files_added, files_changed,\n"
    "                       files_removed, files_reparsed, papers_added,\n"
    "                       papers_deleted, duplicates, skipped,\n"
    "                       paths_skipped, warnings, segments, merges, seconds;\n"
    "                       --optimize: optimize, segments, merges, seconds;\n"
    "                       --watch: one object an update, in README.md)\n"
    "      --mem-mb N       memory for in-memory postings before spilling sorted\n"
    "                       runs to disk (default 256)\n"
    "      --threads N      threads that read, parse and tokenize the digests\n"
    "                       while one more writes the index (default: one per\n"
    "                       online CPU; 1: all on one thread); the index is the\n"
    "                       same byte for byte whatever N\n"
    "      --export-jsonl FILE  after writing the index, write every paper in it\n"
    "                       (duplicates already merged) to FILE, one JSON object\n"
    "                       a line: id, url, title, authors (array), summary,\n"
    "                       date (\"YYYY-MM-DD\" or null), votes (null when\n"
    "                       unknown), and title_terms, authors_terms,\n"
    "                       summary_terms: the paperdex terms of each field,\n"
    "                       space-separated (used by bench/peers/); an existing\n"
    "                       FILE must be an earlier export or empty; a symlink\n"
    "                       is followed\n"
    "      --update         bring INDEX up to date with PATHs: only new and changed\n"
    "                       files are parsed (into one new segment), papers of\n"
    "                       changed and vanished files are deleted, segments are\n"
    "                       merged when needed; a missing INDEX is built whole\n"
    "      --max-segments N with --update: the merge policy's bound (2-30,\n"
    "                       default 10)\n"
    "      --optimize INDEX merge every segment of INDEX into one, dropping\n"
    "                       deleted papers\n"
    "      --watch          --update, then keep running: watch PATHs (inotify,\n"
    "                       new subdirectories too) and update INDEX within 2 s\n"
    "                       of the last change; one log line per update (JSON\n"
    "                       with --json; failed ones only with --quiet);\n"
    "                       SIGINT/SIGTERM stop it (status 0)\n"
    "      --check INDEX    verify every checksum and structural invariant;\n"
    "                       report the first problem and exit 1 if there is one\n"
    "      --info INDEX     print document count, date range, term count and\n"
    "                       section sizes\n"
    "  -h, --help           show this help\n"
    "      --version        show the version\n"
    "\n"
    "Every paper heading in the input is either indexed or reported on stderr as\n"
    "FILE:LINE: skipped: REASON; a file or directory not read as PATH: skipped:\n"
    "REASON. Warnings (FILE:LINE: warning: ...) do not stop\n"
    "indexing. Exit status: 0 index written, 1 not written, 2 usage error. On\n"
    "SIGINT, SIGTERM or SIGHUP the temporary files are removed, the old index is\n"
    "kept and the program ends by that signal (status 130, 143 or 129).\n"
    "SOURCE_DATE_EPOCH, when set, is the creation time recorded in the index\n"
    "(for reproducible builds).\n";

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
    /* The file of the last warnings in a row, how many it had and how many
     * of them were not shown (WARNINGS_SHOWN_PER_FILE). */
    char *warn_file;
    uint64_t warn_run, warn_hidden;
    bool warn_all; /* --watch: a run of one update per change, all shown */
    uint64_t paths_skipped; /* files and directories not read (PDX_DIAG_FILE) */
    double t0, last_progress;
    int err;
} run_state;

/* ---- interruption ----
 *
 * SIGINT, SIGTERM and SIGHUP set `interrupted`; the writer polls it (its
 * cancel option) and stops, main frees the writer, which removes every
 * temporary file, then re-raises the signal with its default action so the
 * caller sees the usual status (130 for SIGINT, 143 for SIGTERM in a
 * shell). Nothing but the flag is touched in the handler. */

static volatile sig_atomic_t interrupted; /* the signal number, 0 if none */

static void on_interrupt(int sig)
{
    interrupted = sig;
}

static void catch_interrupts(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

static const char *signal_name(int sig)
{
    return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP";
}

/* Ends the process the way the signal would have. */
static void die_of(int sig)
{
    signal(sig, SIG_DFL);
    raise(sig);
    _exit(128 + sig); /* not reached unless the signal is blocked */
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Warnings of one file in a row shown at most: the rest are counted
 * (the summary's warnings) and one line says how many were not shown. A
 * user trial's file of 50,000 headings with one arXiv id and a bad vote
 * line each printed 100,000 lines. Skipped papers are always shown. */
#define WARNINGS_SHOWN_PER_FILE 100

/* Says how many warnings of the run of s->warn_file were not shown. */
static void end_warning_run(run_state *s)
{
    if (s->warn_hidden)
        pdx_cli_eprintf("%s: warning: %" PRIu64 " more warnings not shown (%d shown)\n",
                        s->warn_file, s->warn_hidden, WARNINGS_SHOWN_PER_FILE);
    free(s->warn_file);
    s->warn_file = NULL;
    s->warn_run = s->warn_hidden = 0;
}

/* Whether a warning of file may be shown (see WARNINGS_SHOWN_PER_FILE). */
static bool warning_shown(run_state *s, const char *file)
{
    if (s->warn_all)
        return true;
    if (!s->warn_file || strcmp(s->warn_file, file)) {
        end_warning_run(s);
        s->warn_file = strdup(file);
    }
    if (++s->warn_run <= WARNINGS_SHOWN_PER_FILE)
        return true;
    s->warn_hidden++;
    return false;
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
        pdx_cli_eprintf("%s:%u: skipped: %s\n", d->file, d->line, d->message);
        return;
    }
    if (d->level == PDX_DIAG_NOTE) { /* not about the digests: not counted */
        if (!s->quiet)
            pdx_cli_eprintf("%s: %s\n", d->file, d->message);
        return;
    }
    if (d->level == PDX_DIAG_FILE) {
        /* a whole file or directory was not read: as visible as a paper */
        s->paths_skipped++;
        pdx_cli_eprintf("%s: skipped: %s\n", d->file, d->message);
        return;
    }
    s->warnings++;
    if (s->quiet || (d->file && !warning_shown(s, d->file)))
        return;
    if (d->line)
        pdx_cli_eprintf("%s:%u: warning: %s\n", d->file, d->line, d->message);
    else
        pdx_cli_eprintf("%s: warning: %s\n", d->file, d->message);
}

/* Called after each paper was added: the progress line. */
static int on_paper(const pdx_paper *p, void *payload)
{
    (void)p;
    run_state *s = payload;
    if (s->progress && s->stats.papers % 256 == 0) {
        double t = now();
        if (t - s->last_progress > 0.25) {
            pdx_cli_eprintf_after("\r\033[K", "indexing: %" PRIu64 " files, %" PRIu64
                                  " papers, %.1f s", s->stats.files, s->stats.papers,
                                  t - s->t0);
            s->last_progress = t;
        }
    }
    return 0;
}

/* The papers skipped, as the JSON array's elements (without brackets),
 * shared by the build's and the update's --json summaries. */
static void append_json_skips(pdx_buf *b, const run_state *s)
{
    char num[64];
    for (size_t i = 0; i < s->n_skips; i++) {
        if (i)
            pdx_buf_putc(b, ',');
        pdx_buf_append(b, "{\"file\":", 8);
        pdx_json_name(b, s->skips[i].file, s->skips[i].file ? strlen(s->skips[i].file) : 0);
        snprintf(num, sizeof num, ",\"line\":%u,\"reason\":", s->skips[i].line);
        pdx_buf_append(b, num, strlen(num));
        pdx_json_str(b, s->skips[i].reason,
                     s->skips[i].reason ? strlen(s->skips[i].reason) : 0);
        pdx_buf_putc(b, '}');
    }
}

/* The skipped papers and paths and the warning count, as lines of the
 * build's and the update's text summaries. */
static void print_text_skips(const run_state *s)
{
    printf("papers skipped:    %zu\n", s->n_skips);
    for (size_t i = 0; i < s->n_skips; i++)
        pdx_cli_fprintf(stdout, "  %s:%u: %s\n", s->skips[i].file, s->skips[i].line,
                        s->skips[i].reason);
    printf("paths skipped:     %" PRIu64 "\n", s->paths_skipped);
    printf("warnings:          %" PRIu64 "\n", s->warnings);
}

static void print_json_summary(const run_state *s, const pdx_write_stats *ws, double secs)
{
    pdx_buf b = {0};
    char num[64];
    snprintf(num, sizeof num, "{\"files\":%" PRIu64 ",\"papers\":%" PRIu64
             ",\"duplicates\":%" PRIu64 ",\"skipped\":[",
             s->stats.files, ws->papers, ws->duplicates);
    pdx_buf_append(&b, num, strlen(num));
    append_json_skips(&b, s);
    char tail[256];
    snprintf(tail, sizeof tail,
             "],\"paths_skipped\":%" PRIu64 ",\"warnings\":%" PRIu64 ",\"terms\":%" PRIu64
             ",\"lexicon_pairs\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"seconds\":%.3f}\n",
             s->paths_skipped, s->warnings, ws->terms, ws->lexicon_pairs, ws->bytes, secs);
    pdx_buf_append(&b, tail, strlen(tail));
    if (!b.err)
        fwrite(b.data, 1, b.len, stdout);
    pdx_buf_free(&b);
}

/* ---- --export-jsonl ----
 *
 * The papers are read back from the index just written, through the public
 * reading API (pdx_index_paper_get; indexer/ does not depend on the
 * searcher), so the export holds exactly the indexed documents in
 * document-id order: duplicates merged the way the writer merged them,
 * nothing that was skipped. The terms come from the public
 * tokenizer with the indexing flags, i.e. the terms the index holds for
 * each field. */

static void put_lit(pdx_buf *b, const char *s)
{
    pdx_buf_append(b, s, strlen(s));
}

/* The keys of an exported line, in the order it has them. They are also
 * how an earlier export is recognised (export_target_problem): a file
 * whose first line has exactly these keys may be replaced. */
enum export_key {
    EK_ID, EK_URL, EK_TITLE, EK_AUTHORS, EK_SUMMARY, EK_DATE, EK_VOTES,
    EK_TITLE_TERMS, EK_AUTHORS_TERMS, EK_SUMMARY_TERMS, EK_COUNT
};
static const char *const export_keys[EK_COUNT] = {
    "id", "url", "title", "authors", "summary", "date", "votes",
    "title_terms", "authors_terms", "summary_terms"};

/* Appends key k with what goes before it: {"id": or ,"url": ... */
static void put_key(pdx_buf *b, enum export_key k)
{
    put_lit(b, k == EK_ID ? "{\"" : ",\"");
    put_lit(b, export_keys[k]);
    put_lit(b, "\":");
}

typedef struct terms_ctx {
    pdx_buf *b;
    bool first;
} terms_ctx;

/* Terms are joined by spaces, so a bridge term ("화 학", the bigram that
 * spans a space) is written as its bigram ("화학"): a peer that splits the
 * list on spaces sees one term, which a compound in its queries matches
 * whether the papers wrote it with the space or without. */
static int on_export_term(const pdx_token *t, void *payload)
{
    terms_ctx *c = payload;
    if (!c->first)
        pdx_buf_putc(c->b, ' ');
    c->first = false;
    char buf[PDX_MAX_TERM_BYTES];
    if (t->term_len > sizeof buf) /* not a bridge: bridges are two characters */
        pdx_buf_append(c->b, t->term, t->term_len);
    else
        pdx_buf_append(c->b, buf, pdx_term_unbridge(t->term, t->term_len, buf));
    return 0;
}

/* Appends ,"key":"term term ..." for text[0..len). */
static int export_terms(pdx_buf *b, pdx_buf *scratch, pdx_tokenizer *tk, enum export_key key,
                        const char *text, size_t len)
{
    terms_ctx c = {scratch, true};
    pdx_buf_reset(scratch);
    int rc = pdx_tokenize(tk, PDX_TOKENIZE_DEFAULT, text, len, 0, NULL, on_export_term, &c);
    if (rc)
        return rc;
    if (scratch->err)
        return scratch->err;
    put_key(b, key);
    pdx_json_str(b, (const char *)scratch->data, scratch->len);
    return 0;
}

static int export_one(pdx_buf *b, pdx_buf *scratch, pdx_tokenizer *tk, const pdx_index_paper *h)
{
    char num[64];
    pdx_buf_reset(b);
    put_key(b, EK_ID);
    pdx_json_str(b, h->id, h->id_len);
    put_key(b, EK_URL); /* null without a link, as --json and the API have it */
    if (h->url_len)
        pdx_json_str(b, h->url, h->url_len);
    else
        put_lit(b, "null");
    put_key(b, EK_TITLE);
    pdx_json_str(b, h->title, h->title_len);
    put_key(b, EK_AUTHORS);
    pdx_buf_putc(b, '[');
    for (size_t i = 0, start = 0; i <= h->authors_len && h->authors_len; i++) {
        if (i == h->authors_len || h->authors[i] == '\n') {
            if (start)
                pdx_buf_putc(b, ',');
            pdx_json_str(b, h->authors + start, i - start);
            start = i + 1;
        }
    }
    pdx_buf_putc(b, ']');
    put_key(b, EK_SUMMARY);
    pdx_json_str(b, h->summary, h->summary_len);
    put_key(b, EK_DATE);
    if (h->date)
        snprintf(num, sizeof num, "\"%04d-%02d-%02d\"", (int)(h->date / 10000),
                 (int)(h->date / 100 % 100), (int)(h->date % 100));
    else
        snprintf(num, sizeof num, "null");
    put_lit(b, num);
    put_key(b, EK_VOTES);
    if (h->votes == PDX_VOTES_UNKNOWN)
        snprintf(num, sizeof num, "null");
    else
        snprintf(num, sizeof num, "%" PRId64, h->votes);
    put_lit(b, num);
    int rc = export_terms(b, scratch, tk, EK_TITLE_TERMS, h->title, h->title_len);
    if (!rc)
        rc = export_terms(b, scratch, tk, EK_AUTHORS_TERMS, h->authors, h->authors_len);
    if (!rc)
        rc = export_terms(b, scratch, tk, EK_SUMMARY_TERMS, h->summary, h->summary_len);
    put_lit(b, "}\n");
    return rc ? rc : b->err;
}

/* Writes one JSON line per document of ix into f. Returns a pdx_error
 * code (PDX_EIO with errno set when a write failed). */
static int export_papers(pdx_index *ix, FILE *f)
{
    pdx_tokenizer *tk = NULL;
    pdx_buf b = {0}, scratch = {0};
    int rc = pdx_tokenizer_new(&tk);
    uint32_t n_docs = pdx_index_n_docs(ix);
    for (uint32_t doc = 0; doc < n_docs && !rc; doc++) {
        pdx_index_paper h;
        rc = pdx_index_paper_get(ix, doc, &h);
        if (!rc)
            rc = export_one(&b, &scratch, tk, &h);
        if (!rc && fwrite(b.data, 1, b.len, f) != b.len)
            rc = PDX_EIO;
    }
    pdx_buf_free(&b);
    pdx_buf_free(&scratch);
    pdx_tokenizer_free(tk);
    return rc;
}

/* The export under way: its temporary file "<path>.tmp.<pid>", created
 * before the index is written (so that an export that cannot be made
 * stops the run before the index is replaced), renamed over path at the
 * end. */
typedef struct export_out {
    const char *path;
    char *tmp;
    FILE *f;
} export_out;

/* Creates x's temporary file. Returns 0, or 1 after a message. */
static int export_begin(export_out *x, const char *path)
{
    x->path = path;
    size_t n = strlen(path) + 32;
    if (!(x->tmp = malloc(n))) {
        pdx_cli_eprintf("paperdex-index: out of memory\n");
        return 1;
    }
    snprintf(x->tmp, n, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(x->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 || !(x->f = fdopen(fd, "w"))) {
        pdx_cli_eprintf("paperdex-index: --export-jsonl %s: cannot create %s: %s; index not "
                "written\n", path, x->tmp, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(x->tmp);
        }
        free(x->tmp);
        x->tmp = NULL;
        return 1;
    }
    return 0;
}

/* Drops an export that will not be written. */
static void export_abandon(export_out *x)
{
    if (x->f) {
        fclose(x->f);
        unlink(x->tmp);
    }
    free(x->tmp);
    memset(x, 0, sizeof *x);
}

static bool export_refused(const char *path);

/* Writes every paper of the index at ix_path to x, synced, then renames
 * it over x->path, so a failure leaves x->path as it was. Returns 0 or 1
 * (after a message on stderr: the index itself was written). */
static int do_export(const char *ix_path, export_out *x)
{
    char err[PDX_MSG_MAX];
    pdx_index *ix = NULL;
    int rc = pdx_index_open(&ix, ix_path, err, sizeof err);
    if (rc) {
        pdx_cli_eprintf("paperdex-index: the index was written; export: %s\n", err);
        export_abandon(x);
        return 1;
    }
    FILE *f = x->f;
    x->f = NULL;
    rc = export_papers(ix, f);
    if (!rc && (fflush(f) != 0 || fsync(fileno(f)) != 0))
        rc = PDX_EIO;
    if (fclose(f) != 0 && !rc)
        rc = PDX_EIO;
    if (!rc && export_refused(x->path)) {
        unlink(x->tmp);
        free(x->tmp);
        x->tmp = NULL;
        pdx_index_close(ix);
        pdx_cli_eprintf("paperdex-index: the index was written; the export was not\n");
        return 1;
    }
    if (!rc && rename(x->tmp, x->path) != 0)
        rc = PDX_EIO;
    if (rc) {
        int e = errno;
        pdx_cli_eprintf("paperdex-index: the index was written; export to %s failed: %s\n",
                x->path,
                rc == PDX_EIO              ? strerror(e)
                : pdx_index_errmsg(ix)[0] ? pdx_index_errmsg(ix)
                                          : pdx_strerror(rc));
        unlink(x->tmp);
    }
    free(x->tmp);
    x->tmp = NULL;
    pdx_index_close(ix);
    return rc ? 1 : 0;
}

/* --check: the verdict on stdout (none with --quiet when it holds: the
 * exit status says it), a failure on stderr. */
static int do_check(const char *path, bool quiet)
{
    char err[PDX_MSG_MAX];
    pdx_index *ix;
    int rc = pdx_index_open(&ix, path, err, sizeof err);
    if (rc) {
        pdx_cli_eprintf("paperdex-index: %s\n", err);
        return 1;
    }
    rc = pdx_index_check(ix);
    if (rc) {
        pdx_cli_eprintf("paperdex-index: check failed: %s\n",
                rc == PDX_ECORRUPT ? pdx_index_errmsg(ix) : pdx_strerror(rc));
        pdx_index_close(ix);
        return 1;
    }
    if (quiet) {
        pdx_index_close(ix);
        return 0;
    }
    pdx_index_info info;
    pdx_index_info_get(ix, &info);
    pdx_cli_fprintf(stdout, "%s: ok (%u documents, %u terms, %" PRIu64 " bytes", path, info.docs,
                    info.terms, info.file_size);
    if (info.segments > 1 || info.deleted)
        printf("; %u segments, %u deleted papers", info.segments, info.deleted);
    printf(")\n");
    pdx_index_close(ix);
    return 0;
}

static int do_info(const char *path)
{
    char err[PDX_MSG_MAX];
    pdx_index *ix;
    if (pdx_index_open(&ix, path, err, sizeof err)) {
        pdx_cli_eprintf("paperdex-index: %s\n", err);
        return 1;
    }
    pdx_index_info in;
    pdx_index_info_get(ix, &in);
    pdx_cli_fprintf(stdout, "index:        %s\n", path);
    printf("format:       version %u, tokenizer version %u, stemmer %s, Unicode %s\n",
           in.format_version, in.tokenizer_version, in.stemmer, in.unicode_version);
    pdx_cli_fprintf(stdout, "written by:   %s\n", in.generator);
    printf("documents:    %u live, %u deleted\n", in.docs, in.deleted);
    printf("generation:   %" PRIu64 "\n", in.generation);
    if (in.min_date)
        printf("dates:        %04d-%02d-%02d .. %04d-%02d-%02d\n", in.min_date / 10000,
               in.min_date / 100 % 100, in.min_date % 100, in.max_date / 10000,
               in.max_date / 100 % 100, in.max_date % 100);
    else
        printf("dates:        unknown\n");
    /* Summed over the segments as stored: a term in two segments counts
     * twice, and deleted papers' postings count until a merge drops them. */
    const char *stored = in.segments > 1 || in.deleted ? " (summed over segments as stored)" : "";
    printf("terms:        %u%s\n", in.terms, stored);
    printf("postings:     %" PRIu64 "%s\n", in.postings, stored);
    printf("avg length:   title %.1f, authors %.1f, summary %.1f tokens\n", in.avg_len[0],
           in.avg_len[1], in.avg_len[2]);
    printf("lexicon:      %u pairs, Korean-English and acronym-long form (each stated by at "
           "least %u papers)\n",
           in.lexicon_pairs, in.lexicon_min_support);
    printf("size:         %" PRIu64 " bytes (manifest and segments)\n", in.file_size);
    for (unsigned id = 1; id <= PDX_SEC_COUNT + 1; id++)
        printf("  %-10s  %12" PRIu64 " bytes\n", pdx_section_name(id), in.section_bytes[id - 1]);
    printf("segments:     %u\n", in.segments);
    for (uint32_t i = 0; i < in.segments; i++) {
        pdx_segment_info sg;
        pdx_index_segment_info(ix, i, &sg);
        printf("  %2u. seq %-6" PRIu64 " %8u papers %8u deleted %10u terms %12" PRIu64
               " bytes  %s\n",
               i + 1, sg.seq, sg.docs, sg.deleted, sg.terms, sg.file_size, sg.path);
    }
    pdx_index_close(ix);
    return 0;
}

/* ---- outputs that must not be written ---- */

/* The canonical form of a path that may not exist yet: realpath of the
 * path, else of its parent plus its last component. NULL when even the
 * parent cannot be resolved. */
static char *canonical_path(const char *path)
{
    char *real = realpath(path, NULL);
    if (real)
        return real;
    const char *slash = strrchr(path, '/');
    char *parent = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : strdup(".");
    const char *name = slash ? slash + 1 : path;
    char *rp = parent ? realpath(parent, NULL) : NULL;
    free(parent);
    if (!rp)
        return NULL;
    size_t n = strlen(rp) + strlen(name) + 2;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%s/%s", rp, name);
    free(rp);
    return out;
}

/* Whether a and b name the same file: the same (device, inode) when both
 * exist, the same canonical path when neither does. */
static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    bool ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;
    if (ea || eb)
        return ea && eb && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    char *ca = canonical_path(a), *cb = canonical_path(b);
    bool same = ca && cb && strcmp(ca, cb) == 0;
    free(ca);
    free(cb);
    return same;
}

/* Would walking the input directory dir read the output path (a digest
 * name somewhere below dir)? Such an output would overwrite an input that
 * was not named on the command line. */
static bool inside_input_dir(const char *path, const char *dir)
{
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return false;
    char *cp = canonical_path(path), *cd = realpath(dir, NULL);
    const char *base = cp ? strrchr(cp, '/') : NULL;
    size_t n = cd ? strlen(cd) : 0;
    bool in = cp && cd && base && pdx_digest_name(base + 1) && strncmp(cp, cd, n) == 0 &&
              (cp[n] == '/' || (n == 1 && cd[0] == '/'));
    free(cp);
    free(cd);
    return in;
}

/* Says why output (of option opt), a digest's name inside the input
 * folder dir, is refused: an existing file there is an input, a new one
 * would be read as a digest by the next run over dir. */
static void refuse_inside_input_dir(const char *opt, const char *output, const char *dir)
{
    struct stat st;
    if (lstat(output, &st) == 0)
        pdx_cli_eprintf("paperdex-index: %s %s is a digest inside the input folder %s (an "
                "input); refusing to overwrite it\n", opt, output, dir);
    else
        pdx_cli_eprintf("paperdex-index: %s %s would be written inside the input folder %s "
                "with a digest's name (*.md, *.markdown, *.txt), and would be read as a digest the next "
                "time; choose another name or folder\n", opt, output, dir);
}

/* Is rest, what follows "<out>" in a name, that of one of the index's
 * own files: ".<digits>.seg" (a segment), ".lock" or ".tmp.<...>"? */
static bool index_file_suffix(const char *rest)
{
    if (!strcmp(rest, ".lock") || !strncmp(rest, ".tmp.", 5))
        return true;
    if (rest[0] != '.' || rest[1] < '0' || rest[1] > '9')
        return false;
    const char *p = rest + 1;
    while (*p >= '0' && *p <= '9')
        p++;
    return !strcmp(p, ".seg");
}

/* Is path named like a file of the index at out (in its folder: its
 * segments, lock and temporary files)? Other names that start with the
 * index's ("papers.idx.json") are not. */
static bool in_index_namespace(const char *path, const char *out)
{
    char *cp = canonical_path(path), *co = canonical_path(out);
    size_t n = co ? strlen(co) : 0;
    bool in = cp && co && strncmp(cp, co, n) == 0 && !strchr(cp + n, '/') &&
              index_file_suffix(cp + n);
    free(cp);
    free(co);
    return in;
}

/* Does the next of f's bytes spell "key": (a key of a JSON object)? */
static bool json_key_is(FILE *f, const char *key)
{
    if (getc(f) != '"')
        return false;
    for (; *key; key++)
        if (getc(f) != (unsigned char)*key)
            return false;
    return getc(f) == '"' && getc(f) == ':';
}

/* Skips a value of an exported line (a string, an array of strings, a
 * number or null) and returns the character after it: ',' or '}' where
 * the object goes on or ends, EOF at the end of the line or the file. */
static int skip_json_value(FILE *f)
{
    bool in_string = false;
    int depth = 0;
    for (int c; (c = getc(f)) != EOF && c != '\n';) {
        if (in_string && c == '\\')
            (void)getc(f); /* the escaped character, a quote or not */
        else if (c == '"')
            in_string = !in_string;
        else if (!in_string && (c == '[' || c == ']'))
            depth += c == '[' ? 1 : -1;
        else if (!in_string && depth == 0 && (c == ',' || c == '}'))
            return c;
    }
    return EOF;
}

/* Is f's first line a JSON object with export_keys as its keys, in order?
 * Then it is an earlier export (the values are skipped, not checked). At
 * most that line is read, and a file that is not an export is given up on
 * at its first byte out of place. */
static bool first_line_is_export(FILE *f)
{
    if (getc(f) != '{')
        return false;
    for (size_t k = 0; k < EK_COUNT; k++)
        if (!json_key_is(f, export_keys[k]) ||
            skip_json_value(f) != (k + 1 < EK_COUNT ? ',' : '}'))
            return false;
    int c = getc(f);
    return c == '\n' || c == EOF;
}

/* Why an export must not replace the existing file at path, or NULL when
 * it may: nothing is there, an empty file, or an earlier export (its first
 * line has the export's keys). Anything else is not paperdex's to drop:
 * the user's own file (`--export-jsonl thesis.md`), a file of a paperdex
 * index (a segment or a manifest, by their magic), a directory, device,
 * FIFO or socket, or a file it cannot read to tell. */
static const char *export_target_problem(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return NULL;
    if (!S_ISREG(st.st_mode)) {
        static char kind[64]; /* (the program's one thread) */
        snprintf(kind, sizeof kind, "exists and is %s, not a regular file",
                 pdx_file_kind(st.st_mode));
        return kind;
    }
    if (st.st_size == 0)
        return NULL;
    if (pdx_starts_like_an_index(path))
        return "is a file of a paperdex index";
    FILE *f = fopen(path, "rbe");
    if (!f)
        return "exists and cannot be read to tell whether it is an earlier export";
    bool export = first_line_is_export(f);
    fclose(f);
    return export ? NULL
                  : "exists and is not an export paperdex wrote (its first line is not a "
                    "paper's JSON object)";
}

/* Says why an export may not replace the file at path (export_target_problem,
 * or another index's writer lock, which is an empty file too) and returns
 * true, or returns false. Asked before the index is written, and again
 * before the export is renamed into place: the file may have come, or
 * changed, while the index was written. */
static bool export_refused(const char *path)
{
    char err[PDX_MSG_MAX];
    if (pdx_refuse_index_lock(path, err, sizeof err)) {
        pdx_cli_eprintf("paperdex-index: --export-jsonl %s\n", err);
        return true;
    }
    const char *problem = export_target_problem(path);
    if (problem)
        pdx_cli_eprintf("paperdex-index: --export-jsonl %s %s; refusing to replace it "
                "(remove it or choose another file)\n", path, problem);
    return problem != NULL;
}

/* The file --export-jsonl path replaces, into *out (malloc'd): a symlink
 * is followed as -o follows one (pdx_output_target), so the link stays.
 * Returns 0, or 1 after a message (out of memory, a dangling link: not
 * written, as for -o). */
static int export_target(const char *path, char **out)
{
    char err[PDX_MSG_MAX];
    int rc = pdx_output_target(path, out, err, sizeof err);
    if (rc)
        pdx_cli_eprintf("paperdex-index: --export-jsonl %s\n", err);
    return rc ? 1 : 0;
}

/* Refuses, before anything is written, an export file that is the index
 * being written (it is mapped while the export runs: writing it would
 * truncate the mapping under the reader, SIGBUS) or one of its files, a
 * file of another index, something not a regular file, a file that is not
 * an earlier export (export_target_problem), and outputs that are inputs.
 * export_path is the file to replace (export_target), or NULL. Returns 0,
 * or 1 after a message: not written, as -o onto a file that is no index
 * (README: one status for every refusal to overwrite; a trial found 1
 * there and 2 here). */
static int refuse_conflicting_outputs(const char *out, const char *export_path,
                                      const char *const *paths, size_t n_paths)
{
    if (export_path && (same_file(export_path, out) || in_index_namespace(export_path, out))) {
        pdx_cli_eprintf(
                "paperdex-index: --export-jsonl %s is the index being written or one of its "
                "files (-o %s); choose another file\n",
                export_path, out);
        return 1;
    }
    for (size_t i = 0; i < n_paths; i++) {
        if (same_file(out, paths[i])) {
            pdx_cli_eprintf("paperdex-index: -o %s is also an input (%s); refusing to overwrite "
                    "it\n", out, paths[i]);
            return 1;
        }
        if (export_path && same_file(export_path, paths[i])) {
            pdx_cli_eprintf("paperdex-index: --export-jsonl %s is also an input (%s); refusing "
                    "to overwrite it\n", export_path, paths[i]);
            return 1;
        }
        const char *const outs[] = {out, export_path};
        for (size_t k = 0; k < 2; k++)
            if (outs[k] && inside_input_dir(outs[k], paths[i])) {
                refuse_inside_input_dir(k ? "--export-jsonl" : "-o", outs[k], paths[i]);
                return 1;
            }
    }
    /* after the inputs: their messages say more than that it is no export */
    return export_path && export_refused(export_path) ? 1 : 0;
}

/* What a run did to an index, for finish_stdout: a summary lost to a full
 * disk must not make a written index look unwritten. */
typedef struct index_done {
    const char *path; /* the index written or updated; NULL when none was */
    const char *what; /* what became of it: "was written", "is up to date" */
} index_done;

/* Flushes and closes stdout: a summary, check or info lost to a full disk
 * or a closed pipe must not look like success. Returns status, or 1 after
 * a message when stdout could not be written; the message says so when
 * the index was written all the same (done). */
static int finish_stdout(int status, const index_done *done)
{
    errno = 0;
    int bad = fflush(stdout) != 0;
    int err = errno;
    bad |= ferror(stdout) != 0;
    if (fclose(stdout) != 0 && !bad) {
        bad = 1;
        err = errno;
    }
    if (!bad)
        return status;
    const char *why = err ? strerror(err) : "I/O error";
    if (done->path)
        pdx_cli_eprintf("paperdex-index: writing to standard output failed: %s; the index %s "
                "%s all the same (only what was printed is lost)\n", why, done->path,
                done->what);
    else
        pdx_cli_eprintf("paperdex-index: writing to standard output failed: %s\n", why);
    return status ? status : 1;
}

/* ---- --update and --optimize ---- */

static void print_update_summary(const run_state *s, const char *out, bool optimize,
                                 const pdx_update_stats *st, double secs)
{
    if (s->json && optimize) { /* the keys of its text summary, no update's */
        printf("{\"optimize\":true,\"segments\":%u,\"merges\":%u,\"seconds\":%.3f}\n",
               st->segments, st->merges, secs);
        return;
    }
    if (s->json) {
        pdx_buf b = {0};
        char num[640];
        snprintf(num, sizeof num,
                 "{\"update\":true,\"full_build\":%s,\"files_unchanged\":%" PRIu64
                 ",\"files_added\":%" PRIu64 ",\"files_changed\":%" PRIu64
                 ",\"files_removed\":%" PRIu64 ",\"files_reparsed\":%" PRIu64
                 ",\"papers_added\":%" PRIu64 ",\"papers_deleted\":%" PRIu64
                 ",\"duplicates\":%" PRIu64 ",\"skipped\":[",
                 st->full_build ? "true" : "false", st->files_unchanged, st->files_added,
                 st->files_changed, st->files_removed, st->files_reparsed, st->papers_added,
                 st->papers_deleted, st->duplicates);
        pdx_buf_append(&b, num, strlen(num));
        append_json_skips(&b, s);
        snprintf(num, sizeof num,
                 "],\"paths_skipped\":%" PRIu64 ",\"warnings\":%" PRIu64
                 ",\"segments\":%u,\"merges\":%u,\"seconds\":%.3f}\n",
                 s->paths_skipped, s->warnings, st->segments, st->merges, secs);
        pdx_buf_append(&b, num, strlen(num));
        if (!b.err)
            fwrite(b.data, 1, b.len, stdout);
        pdx_buf_free(&b);
        return;
    }
    if (s->quiet)
        return;
    if (optimize) {
        printf("segments:          %u (%u written by merging)\n", st->segments, st->merges);
        pdx_cli_fprintf(stdout, "index:             %s\n", out);
        printf("seconds:           %.3f\n", secs);
        return;
    }
    if (st->full_build)
        pdx_cli_fprintf(stdout, "(%s built from scratch: there was no index, or one another "
                                "tokenizer made)\n",
                        out);
    printf("files unchanged:   %" PRIu64 "\n", st->files_unchanged);
    printf("files added:       %" PRIu64 "\n", st->files_added);
    printf("files changed:     %" PRIu64 "\n", st->files_changed);
    printf("files removed:     %" PRIu64 "\n", st->files_removed);
    if (st->files_reparsed)
        printf("files reparsed:    %" PRIu64 " (a duplicate they lost to is gone)\n",
               st->files_reparsed);
    printf("papers added:      %" PRIu64 "\n", st->papers_added);
    printf("papers deleted:    %" PRIu64 "\n", st->papers_deleted);
    printf("duplicates merged: %" PRIu64 "\n", st->duplicates);
    print_text_skips(s);
    printf("segments:          %u (%u written by merging)\n", st->segments, st->merges);
    pdx_cli_fprintf(stdout, "index:             %s\n", out);
    printf("seconds:           %.3f\n", secs);
}

/* The progress line of an update counts the papers itself (the build's
 * reads the writer's parse statistics). */
static int on_update_paper(const pdx_paper *p, void *payload)
{
    run_state *s = payload;
    s->stats.papers++;
    return on_paper(p, payload);
}

/* Runs pdx_index_update (paths) or pdx_index_optimize (paths NULL) and
 * prints the summary. Returns the exit status; dies of the signal when
 * interrupted. */
static int do_update(run_state *s, const char *out, const char *const *paths, size_t n_paths,
                     const pdx_update_opts *uo)
{
    pdx_update_stats st = {0};
    char err[PDX_MSG_MAX];
    pdx_parse_cb cb = {on_update_paper, on_diag, s};
    int rc = paths ? pdx_index_update(out, paths, n_paths, uo, &cb, &st, err, sizeof err)
                   : pdx_index_optimize(out, uo, &st, err, sizeof err);
    if (!rc && s->err)
        rc = s->err;
    if (s->progress)
        fputs("\r\033[K", stderr);
    end_warning_run(s);
    if (rc && interrupted) {
        pdx_cli_eprintf("paperdex-index: interrupted by %s; index not changed, temporary "
                "files removed\n", signal_name(interrupted));
        die_of(interrupted);
    }
    if (rc) {
        pdx_cli_eprintf("paperdex-index: %s; index not changed\n",
                err[0] ? err : pdx_strerror(rc));
        return 1;
    }
    print_update_summary(s, out, !paths, &st, now() - s->t0);
    return 0;
}

/* --watch (indexer/watch_cli.c) until SIGINT, SIGTERM or SIGHUP: 0 after
 * such a stop, 1 when the watch could not start. */
static int run_watch(run_state *s, const char *out, const char *const *paths, size_t n_paths,
                     const pdx_update_opts *uo)
{
    s->progress = false; /* a log, not a progress line */
    s->warn_all = true;   /* a long run: no file's run of warnings ends */
    pdx_parse_cb cb = {NULL, on_diag, s};
    pdx_watch_opts wo = {.index_path = out, .paths = paths, .n_paths = n_paths, .update = uo,
                         .cb = &cb, .stop = &interrupted, .log = stdout, .json = s->json,
                         .errors_only = s->quiet};
    char err[PDX_MSG_MAX];
    int rc = pdx_watch_run(&wo, err, sizeof err);
    if (rc)
        pdx_cli_eprintf("paperdex-index: --watch: %s\n", err[0] ? err : pdx_strerror(rc));
    return rc ? 1 : 0;
}

static void free_skips(run_state *s)
{
    for (size_t i = 0; i < s->n_skips; i++) {
        free(s->skips[i].file);
        free(s->skips[i].reason);
    }
    free(s->skips);
}

static int index_main(int argc, char **argv, index_done *done);

/* SOURCE_DATE_EPOCH (reproducible-builds.org): the creation time to record
 * instead of now; 0 when unset. Returns 2 after a message when it is set
 * but not a number of seconds. */
static int source_date_epoch(uint64_t *out)
{
    *out = 0;
    const char *v = getenv("SOURCE_DATE_EPOCH");
    if (!v || !*v)
        return 0;
    char *end;
    errno = 0;
    unsigned long long t = strtoull(v, &end, 10);
    if (*end || errno || v[0] == '-' || t == 0) {
        pdx_cli_eprintf("paperdex-index: SOURCE_DATE_EPOCH wants a positive number of "
                "seconds, got '%s'\n", v);
        return 2;
    }
    *out = t;
    return 0;
}

/* Stands for a mode's INDEX that other options came between
 * (--optimize --json INDEX): main takes it from the paths. */
static const char MODE_INDEX_LATER[] = "";

/* The INDEX of --check, --info or --optimize at argv[*i]: the next
 * argument unless it is an option (then MODE_INDEX_LATER). */
static const char *mode_index(int argc, char **argv, int *i)
{
    if (*i + 1 < argc && (argv[*i + 1][0] != '-' || !argv[*i + 1][1]))
        return argv[++*i];
    return MODE_INDEX_LATER;
}

/* The options given besides the mode's own, for mode_conflicts(). */
typedef struct opts_seen {
    bool out, json, mem_mb, threads, max_segments, export_jsonl, quiet;
} opts_seen;

/* A usage error (2, after the message) when the command line asks for two
 * modes at once or gives a mode an option it would silently ignore (a
 * user trial: --update --check only checked, --info --json printed no
 * JSON); else 0. */
static int mode_conflicts(const char *check, const char *info, const char *optimize, bool update,
                          bool watch, const opts_seen *o)
{
    const char *modes[4];
    size_t n = 0;
    if (check)
        modes[n++] = "--check";
    if (info)
        modes[n++] = "--info";
    if (optimize)
        modes[n++] = "--optimize";
    if (update)
        modes[n++] = watch ? "--watch" : "--update";
    if (n > 1) {
        pdx_cli_eprintf("paperdex-index: %s and %s are two modes: give one (see --help)\n",
                        modes[0], modes[1]);
        return 2;
    }
    const char *extra = o->out ? "-o" : o->json ? "--json" : o->mem_mb ? "--mem-mb"
                      : o->threads ? "--threads" : o->max_segments ? "--max-segments"
                      : o->export_jsonl ? "--export-jsonl" : NULL;
    if ((check || info) && extra) {
        pdx_cli_eprintf("paperdex-index: %s INDEX takes no %s (see --help)\n", modes[0], extra);
        return 2;
    }
    if (info && o->quiet) { /* what it prints is all it does */
        pdx_cli_eprintf("paperdex-index: --info INDEX takes no --quiet (see --help)\n");
        return 2;
    }
    if (optimize && o->out) { /* it rewrites INDEX itself */
        pdx_cli_eprintf("paperdex-index: --optimize INDEX takes no -o: it rewrites INDEX "
                        "(see --help)\n");
        return 2;
    }
    if (o->max_segments && !update) {
        pdx_cli_eprintf("paperdex-index: --max-segments goes with --update or --watch "
                        "(see --help)\n");
        return 2;
    }
    return 0;
}

int main(int argc, char **argv)
{
    index_done done = {NULL, NULL};
    int status = index_main(argc, argv, &done);
    return finish_stdout(status, &done);
}

/* Is argv[*i] option name (or alias) with its value, as "--name V",
 * "-o V" or "--name=V" (paperdex-search's forms)? Then *v is the value.
 * One without its value is not: it is reported as incomplete. */
static bool opt_value(int argc, char **argv, int *i, const char *name, const char *alias,
                      const char **v)
{
    return pdx_cli_opt_value(argc, argv, i, name, alias, v) && *v;
}

/* The program; *done says what it did to an index (finish_stdout). */
static int index_main(int argc, char **argv, index_done *done)
{
    /* as paperdex-search and paperdex-serve open it: a trial set the
     * variable, built with no -o, and searched another index than built */
    const char *env = getenv("PAPERDEX_INDEX");
    const char *out = env && *env ? env : "paperdex.idx";
    const char *export_path = NULL;
    run_state s = {0};
    size_t mem_mb = 0;
    unsigned threads = 0;
    bool update = false;
    bool watch = false;
    const char *optimize = NULL;
    unsigned max_segments = 0;
    const char *check = NULL, *info = NULL;
    bool out_given = false;
    const char **paths = calloc((size_t)argc, sizeof *paths);
    size_t n_paths = 0;
    if (!paths)
        return 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            free(paths);
            return 0;
        } else if (!strcmp(a, "--version")) {
            printf("paperdex-index %s\n", PDX_VERSION_STRING);
            free(paths);
            return 0;
        } else if (opt_value(argc, argv, &i, "--output", "-o", &v)) {
            out = v;
            out_given = true;
            if (!*out) { /* as paperdex-search says of -i '' */
                pdx_cli_eprintf("paperdex-index: -o wants an index file, got ''\n");
                free(paths);
                return 2;
            }
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            s.quiet = true;
        } else if (!strcmp(a, "--json")) {
            s.json = true;
        } else if (opt_value(argc, argv, &i, "--mem-mb", NULL, &v)) {
            char *end;
            unsigned long n = strtoul(v, &end, 10);
            if (*end || n == 0 || n > MEM_MB_MAX) {
                pdx_cli_eprintf("paperdex-index: --mem-mb wants a number of MiB from 1 to %lu, "
                                "got '%s'\n",
                                MEM_MB_MAX, v);
                free(paths);
                return 2;
            }
            mem_mb = n;
        } else if (opt_value(argc, argv, &i, "--threads", NULL, &v)) {
            char *end;
            unsigned long n = strtoul(v, &end, 10);
            if (*end || n == 0 || n > PDX_WRITER_MAX_THREADS || v[0] == '-') {
                pdx_cli_eprintf("paperdex-index: --threads wants a number from 1 to %d, got "
                        "'%s'\n", PDX_WRITER_MAX_THREADS, v);
                free(paths);
                return 2;
            }
            threads = (unsigned)n;
        } else if (!strcmp(a, "--update")) {
            update = true;
        } else if (!strcmp(a, "--watch")) {
            watch = update = true; /* a watch is a loop of updates */
        } else if (!strcmp(a, "--optimize")) {
            optimize = mode_index(argc, argv, &i);
        } else if (opt_value(argc, argv, &i, "--max-segments", NULL, &v)) {
            char *end;
            unsigned long n = strtoul(v, &end, 10);
            if (*end || n < 2 || n > 30 || v[0] == '-') {
                pdx_cli_eprintf("paperdex-index: --max-segments wants a number from 2 to 30, "
                        "got '%s'\n", v);
                free(paths);
                return 2;
            }
            max_segments = (unsigned)n;
        } else if (opt_value(argc, argv, &i, "--export-jsonl", NULL, &v)) {
            export_path = v;
        } else if (!strcmp(a, "--check")) {
            check = mode_index(argc, argv, &i);
        } else if (!strcmp(a, "--info")) {
            info = mode_index(argc, argv, &i);
        } else if (!strcmp(a, "--")) {
            while (++i < argc)
                paths[n_paths++] = argv[i];
        } else if (a[0] == '-' && a[1]) {
            pdx_cli_eprintf("paperdex-index: unknown or incomplete option '%s' (see --help)\n", a);
            free(paths);
            return 2;
        } else {
            paths[n_paths++] = a;
        }
    }
    opts_seen seen = {out_given,         s.json,          mem_mb != 0, threads != 0,
                      max_segments != 0, export_path != NULL, s.quiet};
    int conflicting = mode_conflicts(check, info, optimize, update, watch, &seen);
    if (conflicting) {
        free(paths);
        return conflicting;
    }
    /* A mode whose INDEX did not follow it (other options came first)
     * takes the one path given anywhere else: --optimize --json INDEX. */
    const char **modes[] = {&check, &info, &optimize};
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++)
        if (*modes[m] == MODE_INDEX_LATER && n_paths == 1) {
            *modes[m] = paths[0];
            n_paths = 0;
        }
    if (check == MODE_INDEX_LATER || info == MODE_INDEX_LATER || optimize == MODE_INDEX_LATER ||
        ((check || info) && n_paths)) {
        pdx_cli_eprintf("paperdex-index: --check, --info and --optimize take one INDEX "
                "(see --help)\n");
        free(paths);
        return 2;
    }
    if (check || info) {
        free(paths);
        return check ? do_check(check, s.quiet) : do_info(info);
    }
    if (optimize && (update || n_paths || export_path)) {
        pdx_cli_eprintf("paperdex-index: --optimize INDEX takes no input paths, --update or "
                "--export-jsonl (see --help)\n");
        free(paths);
        return 2;
    }
    if (update && export_path) {
        pdx_cli_eprintf("paperdex-index: --export-jsonl goes with a full build, not %s "
                "(see --help)\n", watch ? "--watch" : "--update");
        free(paths);
        return 2;
    }
    if (!n_paths && !optimize) {
        pdx_cli_eprintf("paperdex-index: no input paths (see --help)\n");
        free(paths);
        return 2;
    }
    /* A path named on the command line that cannot be read is an error, not
     * a warning: the user would get an index missing what they asked for. */
    for (size_t i = 0; i < n_paths; i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0 || access(paths[i], R_OK) != 0) {
            pdx_cli_eprintf("paperdex-index: %s: %s; index not written\n", paths[i],
                    strerror(errno));
            free(paths);
            return 1;
        }
    }

    char *export_file = NULL; /* the file --export-jsonl replaces: a symlink followed */
    int conflict = export_path ? export_target(export_path, &export_file) : 0;
    if (!conflict)
        conflict = refuse_conflicting_outputs(out, export_file, paths, n_paths);
    if (conflict) {
        free(export_file);
        free(paths);
        return conflict;
    }

    /* Past a file-size limit (ulimit -f) the default SIGXFSZ would kill us
     * mid-write; ignored, the write fails with EFBIG and is reported like a
     * full disk, leaving the old index in place. */
    signal(SIGXFSZ, SIG_IGN);
    s.t0 = now();
    s.progress = !s.quiet && !s.json && isatty(2);
    catch_interrupts();
    uint64_t created;
    if (source_date_epoch(&created)) {
        free(export_file);
        free(paths);
        return 2;
    }
    pdx_writer_opts wo = {.mem_budget = mem_mb << 20, .on_diag = on_diag, .payload = &s,
                          .cancel = &interrupted, .threads = threads, .created = created};
    if (watch) {
        pdx_update_opts uo = {.writer = wo, .max_segments = max_segments};
        int status = run_watch(&s, out, paths, n_paths, &uo);
        free_skips(&s);
        free(paths);
        return status;
    }
    if (update || optimize) {
        pdx_update_opts uo = {.writer = wo, .max_segments = max_segments};
        int status = optimize ? do_update(&s, optimize, NULL, 0, &uo)
                              : do_update(&s, out, paths, n_paths, &uo);
        if (status == 0)
            *done = (index_done){optimize ? optimize : out, "is up to date"};
        free_skips(&s);
        free(paths);
        return status;
    }
    export_out x = {0};
    if (export_file && export_begin(&x, export_file)) {
        free(export_file);
        free_skips(&s);
        free(paths);
        return 1;
    }
    int rc = pdx_writer_new(&s.w, out, &wo);
    if (!rc) {
        pdx_parse_cb cb = {on_paper, on_diag, &s};
        rc = pdx_writer_add_paths(s.w, paths, n_paths, &cb, &s.stats);
    }
    pdx_write_stats ws = {0};
    if (!rc && s.err)
        rc = s.err;
    if (!rc)
        rc = pdx_writer_commit(s.w, &ws);
    if (s.progress)
        fputs("\r\033[K", stderr);
    end_warning_run(&s);
    int status = 0;
    if (rc)
        export_abandon(&x);
    if (rc && interrupted) {
        int sig = interrupted;
        pdx_writer_free(s.w); /* removes the temporary files */
        pdx_cli_eprintf("paperdex-index: interrupted by %s; index not written, temporary "
                "files removed\n", signal_name(sig));
        die_of(sig);
    }
    if (rc) {
        const char *msg = s.w ? pdx_writer_errmsg(s.w) : "";
        pdx_cli_eprintf("paperdex-index: %s; index not written\n",
                *msg ? msg : pdx_strerror(rc));
        status = 1;
    } else {
        *done = (index_done){out, "was written"};
        double secs = now() - s.t0;
        if (s.json) {
            print_json_summary(&s, &ws, secs);
        } else if (!s.quiet) {
            printf("files read:        %" PRIu64 "\n", s.stats.files);
            printf("papers indexed:    %" PRIu64 "\n", ws.papers);
            printf("duplicates merged: %" PRIu64 "\n", ws.duplicates);
            print_text_skips(&s);
            printf("distinct terms:    %" PRIu64 "\n", ws.terms);
            printf("lexicon pairs:     %" PRIu64 " (Korean-English and acronyms, mined)\n", ws.lexicon_pairs);
            pdx_cli_fprintf(stdout, "index:             %s, %" PRIu64 " bytes (manifest and segment)\n",
                            out, ws.bytes);
            printf("seconds:           %.3f\n", secs);
        }
        if (export_file && do_export(out, &x))
            status = 1;
    }
    pdx_writer_free(s.w);
    free(export_file);
    free_skips(&s);
    free(paths);
    return status;
}
