/*
 * paperdex-bench: measure paperdex (build speed and size, query latency,
 * known-item effectiveness) and make the inputs of the peer benchmarks.
 *
 *   paperdex-bench build   --index OUT [--runs R] [--json] PATH...
 *   paperdex-bench latency --index I --queries F [--rounds R] [--json]
 *   paperdex-bench eval    --index I --judgments F [--no-correct] [--json]
 *   paperdex-bench process --index I [--runs N] [--searcher BIN]... [--json] QUERY...
 *   paperdex-bench gen     --corpus DIR --scale N --out DIR [--seed S]
 *   paperdex-bench tokenize (--queries F | --judgments F)
 *
 * Everything goes through the public API (include/paperdex/); the build and
 * whole-process measurements run the real programs, paperdex-index and
 * paperdex-search, found next to this binary unless named. bench/README.md
 * describes the method; bench/run.sh runs it all.
 *
 * Exit status: 0 measured, 1 failed (message on stderr), 2 usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <inttypes.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "paperdex/paperdex.h"
#include "paperdex/search.h"

extern char **environ;

static const char usage[] =
    "usage: paperdex-bench COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  build --index OUT [--runs R] [--mem-mb N] [--indexer BIN] [--json] PATH...\n"
    "      run paperdex-index on PATH... R times (default 1); report the median\n"
    "      wall time, input MB/s, papers/s, peak RSS of the child (wait4) and the\n"
    "      index size as a ratio to the input (*.md/*.txt bytes under PATH)\n"
    "      JSON keys: papers, input_bytes, index_bytes, size_ratio, seconds,\n"
    "      runs, input_mb_s, papers_s, peak_rss_kb\n"
    "  latency --index I --queries F [--rounds R] [--warmup W] [--no-partial]\n"
    "          [--per-query OUT] [--json]\n"
    "      run every query of F (one a line) for the top 10 in this process, one\n"
    "      thread: W untimed passes (default 1), then R timed rounds (default 5);\n"
    "      each sample is parse + search + fetching the hits; --no-partial: full\n"
    "      matches only, as paperdex-search --no-partial (what a plain AND does);\n"
    "      --per-query: write OUT, a TSV line a query: query, median us,\n"
    "      papers matching in full, required clauses, partial used (0/1)\n"
    "      JSON keys: p50_us, p95_us, p99_us, mean_us, max_us, qps, queries,\n"
    "      rounds, samples, errors, hits_mean, by_class {ko, en, mixed, other,\n"
    "      one_word, multi_word, phrase, no_phrase: {queries, p50_us, p95_us,\n"
    "      p99_us, mean_us}}, slowest (the slowest 1%, at least 5) [{query,\n"
    "      p50_us, max_us, total, clauses, partial_used, words [{word, papers}]}]\n"
    "  eval --index I --judgments F [--verbose] [--no-correct] [--json]\n"
    "      known-item queries, one JSON object a line {qid, query, kind,\n"
    "      relevant: [ids]}: MRR@10 and Recall@10 overall and per kind; a\n"
    "      query no paper matches in full is corrected as paperdex-search\n"
    "      corrects it, unless --no-correct\n"
    "      JSON keys: mrr10, recall10, queries, errors, by_kind {KIND: {queries,\n"
    "      mrr10, recall10}}\n"
    "  process --index I [--runs N] [--searcher BIN]... [--baseline BIN] [--json]\n"
    "          QUERY...\n"
    "      run paperdex-search -i I -n 10 QUERY as a whole process N times\n"
    "      (default 50) after 3 untimed rounds, alternating with the baseline\n"
    "      (default /bin/true, run without arguments) and each other --searcher\n"
    "      (A B A B); report the medians and the ratio to the baseline\n"
    "      JSON keys: query, runs, p50_ms, p95_ms, mean_ms, min_ms (the first\n"
    "      searcher), baseline, baseline_p50_ms, baseline_min_ms, ratio_p50,\n"
    "      pair_ratio_p50, programs [{searcher, p50_ms, min_ms, ratio_p50,\n"
    "      pair_ratio_p50}]\n"
    "  gen --corpus DIR --scale N --out DIR [--seed S] [--quiet]\n"
    "      write copies 1..N-1 of the corpus under DIR/cKKK/ (copy 0 is the\n"
    "      corpus itself: index both); deterministic, see bench/README.md;\n"
    "      DIR: new, empty or gen's own, not inside the corpus\n"
    "  tokenize --queries F | --judgments F\n"
    "      for the peers: one JSON object a line with the query, its classes and\n"
    "      its paperdex query terms per word {query, classes, terms: [[...]]}\n"
    "      (plus qid, kind, relevant for judgments)\n";

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("paperdex-bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" (see paperdex-bench --help)\n", stderr);
    return 2;
}

/* ---- small helpers ---- */

/* Reads a whole file; NUL-terminated, *len without the NUL. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "paperdex-bench: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    while (b) {
        if (n + 1 >= cap) {
            char *nb = realloc(b, cap *= 2);
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
        }
        size_t r = fread(b + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0)
            break;
    }
    bool bad = ferror(f);
    fclose(f);
    if (!b || bad) {
        fprintf(stderr, "paperdex-bench: %s: %s\n", path, b ? "read error" : "out of memory");
        free(b);
        return NULL;
    }
    b[n] = '\0';
    *len = n;
    return b;
}

typedef struct lines {
    char *data;     /* the file, owned; lines are NUL-terminated in place */
    char **line;    /* non-empty lines, trailing blanks and \r removed */
    size_t n;
} lines;

static int lines_read(lines *out, const char *path)
{
    memset(out, 0, sizeof *out);
    size_t len;
    out->data = read_file(path, &len);
    if (!out->data)
        return 1;
    size_t cap = 0;
    for (char *s = out->data; *s;) {
        char *e = strchr(s, '\n');
        char *next = e ? e + 1 : s + strlen(s);
        if (e)
            *e = '\0';
        size_t n = strlen(s);
        while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
            s[--n] = '\0';
        if (n) {
            if (out->n == cap) {
                cap = cap ? cap * 2 : 256;
                char **nl = realloc(out->line, cap * sizeof *nl);
                if (!nl) {
                    fprintf(stderr, "paperdex-bench: out of memory\n");
                    return 1;
                }
                out->line = nl;
            }
            out->line[out->n++] = s;
        }
        s = next;
    }
    return 0;
}

static void lines_free(lines *l)
{
    free(l->data);
    free(l->line);
}

/* A program next to this one (from /proc/self/exe), or just its name. */
static char *sibling(const char *name)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash) {
            slash[1] = '\0';
            size_t need = strlen(self) + strlen(name) + 1;
            char *p = malloc(need);
            if (p) {
                snprintf(p, need, "%s%s", self, name);
                if (access(p, X_OK) == 0)
                    return p;
                free(p);
            }
        }
    }
    return strdup(name);
}

typedef struct opened {
    pdx_index *ix;
    pdx_searcher *s;
    pdx_tokenizer *tk;
    unsigned parse_flags; /* pdx_parse_flags of every query (--no-expand) */
} opened;

static int open_index(opened *o, const char *path, unsigned parse_flags)
{
    char err[600];
    memset(o, 0, sizeof *o);
    o->parse_flags = parse_flags;
    int rc = pdx_index_open(&o->ix, path, err, sizeof err);
    if (rc) {
        fprintf(stderr, "paperdex-bench: %s\n", err);
        return 1;
    }
    if ((rc = pdx_searcher_new(&o->s, o->ix)) || (rc = pdx_tokenizer_new(&o->tk))) {
        fprintf(stderr, "paperdex-bench: %s\n", pdx_strerror(rc));
        return 1;
    }
    return 0;
}

static void close_index(opened *o)
{
    pdx_tokenizer_free(o->tk);
    pdx_searcher_free(o->s);
    pdx_index_close(o->ix);
}

/* Runs one query for the top `limit` and fetches every hit, as a caller
 * showing results would. ids/id_lens (may be NULL) receive the arXiv ids.
 * Returns the number of hits, or a negative error. */
static long run_query(opened *o, const pdx_search_opts *so, const char *q, bool correct,
                      const char **ids, size_t *id_lens)
{
    pdx_query *pq;
    size_t len = strlen(q);
    int rc = pdx_query_parse_flags(&pq, o->s, q, len, o->parse_flags);
    if (rc)
        return rc;
    pdx_results r;
    rc = pdx_search(o->s, pq, so, &r);
    if (!rc && correct) { /* as paperdex-search does unless --no-correct */
        char *suggestion;
        bool corrected;
        rc = pdx_query_correct(o->s, q, len, o->parse_flags, so, true, &pq, &r, &suggestion,
                               &corrected);
        free(suggestion);
    }
    long n = rc ? rc : (long)r.n;
    for (size_t i = 0; !rc && i < r.n; i++) {
        pdx_hit_info h;
        rc = pdx_hit_get(o->s, r.hits[i].doc, &h);
        if (rc) {
            n = rc;
        } else if (ids) {
            ids[i] = h.id;
            id_lens[i] = h.id_len;
        }
    }
    if (!rc)
        pdx_results_clear(&r);
    pdx_query_free(pq);
    return n;
}

/* ---- latency ---- */

enum { CLASS_KO, CLASS_EN, CLASS_MIXED, CLASS_OTHER, CLASS_ONE, CLASS_MULTI,
       CLASS_PHRASE, CLASS_NOPHRASE, N_CLASSES };
static const char *const class_names[N_CLASSES] = {
    "ko", "en", "mixed", "other", "one_word", "multi_word", "phrase", "no_phrase"};

static unsigned class_mask(const bench_qclass *c)
{
    unsigned m = 1u << (unsigned)c->script;
    m |= 1u << (c->words <= 1 ? CLASS_ONE : CLASS_MULTI);
    m |= 1u << (c->phrase ? CLASS_PHRASE : CLASS_NOPHRASE);
    return m;
}

static void json_summary(FILE *f, const bench_summary *s)
{
    fprintf(f, "\"p50_us\":%.1f,\"p95_us\":%.1f,\"p99_us\":%.1f,\"mean_us\":%.1f", s->p50,
            s->p95, s->p99, s->mean);
}

/* What a slow query matches, to say why it is slow: the papers matching
 * the whole query and each of its words alone (exact counts: sorted by
 * date, the total is never an estimate), and whether partial matches
 * filled the page of the timed run. Untimed. */
typedef struct slow_facts {
    long long total;      /* papers matching the whole query; -1 unknown */
    bool partial_used;    /* the timed search (by score) filled with partial matches */
    uint32_t clauses;     /* required clauses */
} slow_facts;

static long long exact_total(opened *o, const char *text, size_t len)
{
    pdx_query *pq;
    if (pdx_query_parse_flags(&pq, o->s, text, len, o->parse_flags))
        return -1;
    pdx_search_opts so;
    pdx_search_opts_default(&so);
    so.limit = 1;
    so.sort = PDX_SORT_DATE;
    so.no_partial = true;
    pdx_results r;
    long long total = pdx_search(o->s, pq, &so, &r) ? -1 : (long long)r.total;
    pdx_results_clear(&r);
    pdx_query_free(pq);
    return total;
}

static void slow_facts_of(opened *o, const char *q, slow_facts *out)
{
    memset(out, 0, sizeof *out);
    out->total = exact_total(o, q, strlen(q));
    pdx_query *pq;
    if (pdx_query_parse_flags(&pq, o->s, q, strlen(q), o->parse_flags))
        return;
    pdx_search_opts so;
    pdx_search_opts_default(&so);
    so.limit = 10;
    pdx_results r;
    if (!pdx_search(o->s, pq, &so, &r)) {
        out->partial_used = r.partial_used;
        out->clauses = r.clauses;
    }
    pdx_results_clear(&r);
    pdx_query_free(pq);
}

/* Writes path: a TSV line per query with its median time and the facts
 * slow_facts_of() finds (a query the parser rejected has median -1). */
static int write_per_query(opened *o, const char *path, const lines *q, const double *perq)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "paperdex-bench: %s: %s\n", path, strerror(errno));
        return 1;
    }
    for (size_t i = 0; i < q->n; i++) {
        slow_facts sf;
        slow_facts_of(o, q->line[i], &sf);
        for (const char *c = q->line[i]; *c; c++) /* a tab in a query is a space */
            fputc(*c == '\t' ? ' ' : *c, f);
        fprintf(f, "\t%.1f\t%lld\t%u\t%d\n", perq[i], sf.total, sf.clauses, sf.partial_used);
    }
    if (fclose(f)) {
        fprintf(stderr, "paperdex-bench: %s: %s\n", path, strerror(errno));
        return 1;
    }
    return 0;
}

/* The words of q (split at blanks) with the papers each matches alone,
 * as a JSON array [{word, papers}]. */
static void json_word_totals(opened *o, const char *q)
{
    putchar('[');
    bool first = true;
    for (const char *w = q; *w;) {
        while (*w == ' ' || *w == '\t')
            w++;
        size_t n = strcspn(w, " \t");
        if (!n)
            break;
        printf("%s{\"word\":", first ? "" : ",");
        bench_json_str(stdout, w, n);
        printf(",\"papers\":%lld}", exact_total(o, w, n));
        first = false;
        w += n;
    }
    putchar(']');
}

static int cmd_latency(int argc, char **argv)
{
    const char *index = NULL, *queries = NULL, *per_query = NULL;
    unsigned long rounds = 5, warmup = 1;
    bool json = false;
    unsigned parse_flags = PDX_PARSE_DEFAULT;
    bool no_partial = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (!strcmp(a, "--index") && more)
            index = argv[++i];
        else if (!strcmp(a, "--no-partial"))
            no_partial = true;
        else if (!strcmp(a, "--queries") && more)
            queries = argv[++i];
        else if (!strcmp(a, "--rounds") && more)
            rounds = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(a, "--warmup") && more)
            warmup = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(a, "--json"))
            json = true;
        else if (!strcmp(a, "--per-query") && more)
            per_query = argv[++i];
        else if (!strcmp(a, "--no-expand"))
            parse_flags = PDX_PARSE_NO_EXPAND;
        else
            return usage_error("latency: unknown or incomplete option '%s'", a);
    }
    if (!index || !queries)
        return usage_error("latency: %s", "--index and --queries are required");
    if (rounds < 1 || rounds > 1000)
        return usage_error("latency: --rounds wants 1..1000, %s", "got another value");
    lines q;
    opened o;
    if (lines_read(&q, queries))
        return 1;
    if (!q.n) {
        fprintf(stderr, "paperdex-bench: %s: no queries\n", queries);
        lines_free(&q);
        return 1;
    }
    if (open_index(&o, index, parse_flags)) {
        lines_free(&q);
        close_index(&o);
        return 1;
    }
    unsigned *mask = calloc(q.n, sizeof *mask);
    double *samples = calloc(q.n * rounds, sizeof *samples);
    double *scratch = calloc(q.n * rounds, sizeof *scratch);
    double *perq = calloc(q.n, sizeof *perq);
    bool *failed = calloc(q.n, sizeof *failed);
    size_t *slow = NULL; /* the slowest queries, slowest first */
    int status = 0;
    if (!mask || !samples || !scratch || !perq || !failed) {
        fprintf(stderr, "paperdex-bench: out of memory\n");
        status = 1;
        goto done;
    }
    size_t class_count[N_CLASSES] = {0};
    for (size_t i = 0; i < q.n; i++) {
        bench_qclass c;
        if (bench_classify(&c, o.tk, q.line[i], strlen(q.line[i]))) {
            fprintf(stderr, "paperdex-bench: cannot tokenize query %zu\n", i + 1);
            status = 1;
            goto done;
        }
        mask[i] = class_mask(&c);
    }
    pdx_search_opts so;
    pdx_search_opts_default(&so);
    so.limit = 10;
    so.no_partial = no_partial;
    size_t errors = 0;
    for (unsigned long w = 0; w < warmup; w++) {
        for (size_t i = 0; i < q.n; i++) {
            long n = run_query(&o, &so, q.line[i], false, NULL, NULL);
            if (n < 0 && !failed[i]) {
                failed[i] = true;
                errors++;
                if (n != PDX_EINVAL) {
                    fprintf(stderr, "paperdex-bench: query '%s': %s\n", q.line[i],
                            pdx_strerror((int)n));
                    status = 1;
                    goto done;
                }
            }
        }
    }
    /* Timed rounds. A query the parser rejects (PDX_EINVAL) is counted in
     * errors and left out of the samples. */
    size_t ns = 0;
    double hits = 0, busy = 0;
    for (unsigned long r = 0; r < rounds; r++) {
        double round0 = bench_now();
        for (size_t i = 0; i < q.n; i++) {
            double t0 = bench_now();
            long n = run_query(&o, &so, q.line[i], false, NULL, NULL);
            double t1 = bench_now();
            if (n < 0) {
                if (!failed[i]) {
                    failed[i] = true;
                    errors++;
                }
                if (n != PDX_EINVAL) {
                    fprintf(stderr, "paperdex-bench: query '%s': %s\n", q.line[i],
                            pdx_strerror((int)n));
                    status = 1;
                    goto done;
                }
                continue;
            }
            hits += (double)n;
            samples[r * q.n + i] = (t1 - t0) * 1e6;
        }
        busy += bench_now() - round0;
    }
    /* Gather the samples of the queries that ran. */
    double *all = scratch;
    for (size_t i = 0; i < q.n; i++) {
        if (failed[i])
            continue;
        for (unsigned long r = 0; r < rounds; r++)
            all[ns++] = samples[r * q.n + i];
    }
    bench_summary total;
    bench_summarize(&total, all, ns);
    bench_summary by[N_CLASSES];
    for (int c = 0; c < N_CLASSES; c++) {
        size_t k = 0;
        for (size_t i = 0; i < q.n; i++) {
            if (failed[i] || !(mask[i] & (1u << c)))
                continue;
            class_count[c]++;
            for (unsigned long r = 0; r < rounds; r++)
                all[k++] = samples[r * q.n + i];
        }
        bench_summarize(&by[c], all, k);
    }
    /* The slowest queries by their median over the rounds. */
    for (size_t i = 0; i < q.n; i++) {
        if (failed[i]) {
            perq[i] = -1;
            continue;
        }
        for (unsigned long r = 0; r < rounds; r++)
            all[r] = samples[r * q.n + i];
        bench_summary s;
        bench_summarize(&s, all, rounds);
        perq[i] = s.p50;
    }
    if (per_query && write_per_query(&o, per_query, &q, perq))
        status = 1;
    /* The slowest 1% (at least 5): the tail that p99 summarizes. */
    size_t want_slow = (q.n + 99) / 100 > 5 ? (q.n + 99) / 100 : 5;
    slow = calloc(want_slow, sizeof *slow);
    size_t n_slow = 0;
    if (!slow) {
        fprintf(stderr, "paperdex-bench: out of memory\n");
        status = 1;
        goto done;
    }
    for (; n_slow < want_slow && n_slow < q.n; n_slow++) {
        size_t best = SIZE_MAX;
        for (size_t i = 0; i < q.n; i++) {
            bool taken = false;
            for (size_t k = 0; k < n_slow; k++)
                taken |= slow[k] == i;
            if (!taken && perq[i] >= 0 && (best == SIZE_MAX || perq[i] > perq[best]))
                best = i;
        }
        if (best == SIZE_MAX)
            break;
        slow[n_slow] = best;
    }
    double qps = busy > 0 ? (double)ns / busy : 0;
    size_t ok = q.n - errors;
    if (json) {
        printf("{\"index\":");
        bench_json_str(stdout, index, strlen(index));
        printf(",\"queries\":%zu,\"rounds\":%lu,\"samples\":%zu,\"errors\":%zu,", q.n, rounds,
               ns, errors);
        json_summary(stdout, &total);
        printf(",\"max_us\":%.1f,\"qps\":%.1f,\"hits_mean\":%.2f,\"by_class\":{", total.max, qps,
               ns ? hits / (double)ns : 0.0);
        for (int c = 0; c < N_CLASSES; c++) {
            printf("%s\"%s\":{\"queries\":%zu,", c ? "," : "", class_names[c], class_count[c]);
            json_summary(stdout, &by[c]);
            putchar('}');
        }
        printf("},\"slowest\":[");
        for (size_t k = 0; k < n_slow; k++) {
            const char *line = q.line[slow[k]];
            double mx = 0;
            for (unsigned long r = 0; r < rounds; r++)
                mx = samples[r * q.n + slow[k]] > mx ? samples[r * q.n + slow[k]] : mx;
            slow_facts f;
            slow_facts_of(&o, line, &f);
            printf("%s{\"query\":", k ? "," : "");
            bench_json_str(stdout, line, strlen(line));
            printf(",\"p50_us\":%.1f,\"max_us\":%.1f,\"total\":%lld,\"clauses\":%u,"
                   "\"partial_used\":%s,\"words\":",
                   perq[slow[k]], mx, f.total, f.clauses, f.partial_used ? "true" : "false");
            json_word_totals(&o, line);
            putchar('}');
        }
        printf("]}\n");
    } else {
        printf("query latency: %s, %zu queries x %lu rounds (after %lu warm-up pass%s), top 10,"
               " one thread\n",
               index, q.n, rounds, warmup, warmup == 1 ? "" : "es");
        if (errors)
            printf("rejected by the query parser (left out): %zu\n", errors);
        printf("  %-12s %7s %9s %9s %9s %9s\n", "class", "queries", "p50 us", "p95 us",
               "p99 us", "mean us");
        printf("  %-12s %7zu %9.1f %9.1f %9.1f %9.1f\n", "all", ok, total.p50, total.p95,
               total.p99, total.mean);
        for (int c = 0; c < N_CLASSES; c++) {
            if (class_count[c])
                printf("  %-12s %7zu %9.1f %9.1f %9.1f %9.1f\n", class_names[c],
                       class_count[c], by[c].p50, by[c].p95, by[c].p99, by[c].mean);
        }
        printf("  queries/s: %.0f   mean hits: %.2f   max: %.1f us\n", qps,
               ns ? hits / (double)ns : 0.0, total.max);
        printf("  slowest (median of rounds):");
        for (size_t k = 0; k < n_slow; k++)
            printf("%s '%s' %.0f us", k ? "," : "", q.line[slow[k]], perq[slow[k]]);
        putchar('\n');
    }
done:
    free(mask);
    free(samples);
    free(scratch);
    free(perq);
    free(failed);
    free(slow);
    close_index(&o);
    lines_free(&q);
    return status;
}

/* ---- eval ---- */

typedef struct kind_acc {
    char *kind; /* not owned: points into a judgment kept until the end */
    size_t n;
    double rr, recall;
} kind_acc;

static int cmd_eval(int argc, char **argv)
{
    const char *index = NULL, *judgments = NULL;
    bool json = false, verbose = false, correct = true;
    unsigned parse_flags = PDX_PARSE_DEFAULT;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (!strcmp(a, "--index") && more)
            index = argv[++i];
        else if (!strcmp(a, "--judgments") && more)
            judgments = argv[++i];
        else if (!strcmp(a, "--json"))
            json = true;
        else if (!strcmp(a, "--verbose") || !strcmp(a, "-v"))
            verbose = true;
        else if (!strcmp(a, "--no-expand"))
            parse_flags = PDX_PARSE_NO_EXPAND;
        else if (!strcmp(a, "--no-correct"))
            correct = false;
        else
            return usage_error("eval: unknown or incomplete option '%s'", a);
    }
    if (!index || !judgments)
        return usage_error("eval: %s", "--index and --judgments are required");
    lines l;
    opened o;
    if (lines_read(&l, judgments))
        return 1;
    if (open_index(&o, index, parse_flags)) {
        close_index(&o);
        lines_free(&l);
        return 1;
    }
    bench_judgment *js = calloc(l.n ? l.n : 1, sizeof *js);
    kind_acc *kinds = calloc(l.n ? l.n : 1, sizeof *kinds);
    size_t n_kinds = 0, n = 0, errors = 0;
    double rr = 0, recall = 0;
    int status = 0;
    if (!js || !kinds) {
        fprintf(stderr, "paperdex-bench: out of memory\n");
        status = 1;
        goto done;
    }
    pdx_search_opts so;
    pdx_search_opts_default(&so);
    so.limit = 10;
    for (size_t i = 0; i < l.n; i++) {
        int rc = bench_judgment_parse(&js[i], l.line[i], strlen(l.line[i]));
        if (rc) {
            fprintf(stderr, "paperdex-bench: %s:%zu: %s\n", judgments, i + 1,
                    rc == PDX_EINVAL ? "not a judgment object" : pdx_strerror(rc));
            status = 1;
            goto done;
        }
        const char *ids[10];
        size_t lens[10];
        long hits = run_query(&o, &so, js[i].query, correct, ids, lens);
        if (hits < 0 && hits != PDX_EINVAL) {
            fprintf(stderr, "paperdex-bench: query '%s': %s\n", js[i].query,
                    pdx_strerror((int)hits));
            status = 1;
            goto done;
        }
        if (hits < 0)
            errors++;
        bench_rank r;
        bench_rank_list(&r, &js[i], ids, lens, hits < 0 ? 0 : (size_t)hits, 10);
        if (verbose && r.rank != 1)
            fprintf(stderr, "%s\t%s\trank %s%u\t%s\n", js[i].qid, js[i].kind,
                    r.rank ? "" : ">10 ", r.rank, js[i].query);
        n++;
        rr += r.rr;
        recall += r.recall;
        size_t k = 0;
        while (k < n_kinds && strcmp(kinds[k].kind, js[i].kind))
            k++;
        if (k == n_kinds)
            kinds[n_kinds++].kind = js[i].kind;
        kinds[k].n++;
        kinds[k].rr += r.rr;
        kinds[k].recall += r.recall;
    }
    double mrr = n ? rr / (double)n : 0, rec = n ? recall / (double)n : 0;
    if (json) {
        printf("{\"index\":");
        bench_json_str(stdout, index, strlen(index));
        printf(",\"queries\":%zu,\"errors\":%zu,\"mrr10\":%.4f,\"recall10\":%.4f,\"by_kind\":{",
               n, errors, mrr, rec);
        for (size_t k = 0; k < n_kinds; k++) {
            printf("%s", k ? "," : "");
            bench_json_str(stdout, kinds[k].kind, strlen(kinds[k].kind));
            printf(":{\"queries\":%zu,\"mrr10\":%.4f,\"recall10\":%.4f}", kinds[k].n,
                   kinds[k].rr / (double)kinds[k].n, kinds[k].recall / (double)kinds[k].n);
        }
        printf("}}\n");
    } else {
        printf("known-item effectiveness: %s on %s\n", judgments, index);
        if (errors)
            printf("rejected by the query parser (scored 0): %zu\n", errors);
        printf("  %-14s %7s %8s %9s\n", "kind", "queries", "MRR@10", "Recall@10");
        printf("  %-14s %7zu %8.4f %9.4f\n", "all", n, mrr, rec);
        for (size_t k = 0; k < n_kinds; k++)
            printf("  %-14s %7zu %8.4f %9.4f\n", kinds[k].kind, kinds[k].n,
                   kinds[k].rr / (double)kinds[k].n, kinds[k].recall / (double)kinds[k].n);
    }
done:
    for (size_t i = 0; js && i < l.n; i++)
        bench_judgment_clear(&js[i]);
    free(js);
    free(kinds);
    close_index(&o);
    lines_free(&l);
    return status;
}

/* ---- child processes: build and process ---- */

/* Spawns argv with stdin from /dev/null, stdout to out_fd (or /dev/null
 * when -1) and stderr to err_fd (or /dev/null); waits; returns the wait
 * status in *status and the child's rusage in *ru. Returns 0 or -1. */
static int spawn_wait(char *const *argv, int out_fd, int err_fd, int *status, struct rusage *ru)
{
    posix_spawn_file_actions_t fa;
    if (posix_spawn_file_actions_init(&fa))
        return -1;
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (out_fd >= 0)
        posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    else
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    if (err_fd >= 0)
        posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
    else
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc) {
        errno = rc;
        return -1;
    }
    while (wait4(pid, status, 0, ru) < 0) {
        if (errno != EINTR)
            return -1;
    }
    return 0;
}

static bool has_suffix_ci(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && !strcasecmp(s + n - m, suf);
}

/* Adds up what the parser reads under path: a file named explicitly, or
 * *.md and *.txt found in directories, hidden entries skipped. Returns 0
 * or -1 (errno set) when path cannot be read. */
static int input_bytes(const char *path, bool top, uint64_t *total, int depth)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        if (top || has_suffix_ci(path, ".md") || has_suffix_ci(path, ".txt"))
            *total += (uint64_t)st.st_size;
        return 0;
    }
    if (depth > 64)
        return 0;
    DIR *d = opendir(path);
    if (!d)
        return top ? -1 : 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        size_t n = strlen(path) + strlen(e->d_name) + 2;
        char *child = malloc(n);
        if (!child)
            break;
        snprintf(child, n, "%s/%s", path, e->d_name);
        input_bytes(child, false, total, depth + 1);
        free(child);
    }
    closedir(d);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The number after "key": in a JSON text, or -1. */
static double json_number(const char *text, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(text, pat);
    return p ? strtod(p + strlen(pat), NULL) : -1;
}

/* Bytes of the index at path: its manifest and segment files (format 4 and later:
 * the manifest alone is a few hundred kilobytes), or the file's size if
 * it does not open. */
static uint64_t index_file_bytes(const char *path)
{
    pdx_index *ix;
    char err[256];
    if (pdx_index_open(&ix, path, err, sizeof err) == PDX_OK) {
        pdx_index_info info;
        pdx_index_info_get(ix, &info);
        pdx_index_close(ix);
        return info.file_size;
    }
    struct stat st;
    return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static int cmd_build(int argc, char **argv)
{
    const char *index = NULL, *mem = NULL;
    char *indexer = NULL;
    unsigned long runs = 1;
    bool json = false;
    const char **paths = calloc((size_t)argc + 1, sizeof *paths);
    size_t n_paths = 0;
    if (!paths)
        return 1;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (!strcmp(a, "--index") && more) {
            index = argv[++i];
        } else if (!strcmp(a, "--runs") && more) {
            runs = strtoul(argv[++i], NULL, 10);
        } else if (!strcmp(a, "--mem-mb") && more) {
            mem = argv[++i];
        } else if (!strcmp(a, "--indexer") && more) {
            free(indexer);
            indexer = strdup(argv[++i]);
        } else if (!strcmp(a, "--json")) {
            json = true;
        } else if (a[0] == '-' && a[1]) {
            free(paths);
            free(indexer);
            return usage_error("build: unknown or incomplete option '%s'", a);
        } else {
            paths[n_paths++] = a;
        }
    }
    if (!index || !n_paths || runs < 1 || runs > 100) {
        free(paths);
        free(indexer);
        return usage_error("build: %s", "--index OUT and at least one PATH are required");
    }
    if (!indexer)
        indexer = sibling("paperdex-index");
    uint64_t input_bytes_total = 0;
    for (size_t i = 0; i < n_paths; i++) {
        if (input_bytes(paths[i], true, &input_bytes_total, 0) != 0) {
            fprintf(stderr, "paperdex-bench: %s: %s\n", paths[i], strerror(errno));
            free(paths);
            free(indexer);
            return 1;
        }
    }
    /* argv: indexer -q --json -o INDEX [--mem-mb N] PATH... */
    char **cargv = calloc(n_paths + 9, sizeof *cargv);
    double *secs = calloc(runs, sizeof *secs);
    char out_tmpl[] = "/tmp/paperdex-bench-out.XXXXXX";
    char err_tmpl[] = "/tmp/paperdex-bench-err.XXXXXX";
    int out_fd = mkstemp(out_tmpl), err_fd = mkstemp(err_tmpl);
    int status = 0;
    long max_rss = 0;
    double papers = -1;
    if (!cargv || !secs || out_fd < 0 || err_fd < 0) {
        fprintf(stderr, "paperdex-bench: cannot set up the build: %s\n", strerror(errno));
        status = 1;
        goto done;
    }
    size_t k = 0;
    cargv[k++] = indexer;
    cargv[k++] = "-q";
    cargv[k++] = "--json";
    cargv[k++] = "-o";
    cargv[k++] = (char *)index;
    if (mem) {
        cargv[k++] = "--mem-mb";
        cargv[k++] = (char *)mem;
    }
    cargv[k++] = "--";
    for (size_t i = 0; i < n_paths; i++)
        cargv[k++] = (char *)paths[i];
    cargv[k] = NULL;
    for (unsigned long r = 0; r < runs; r++) {
        if (ftruncate(out_fd, 0) || lseek(out_fd, 0, SEEK_SET) < 0 || ftruncate(err_fd, 0) ||
            lseek(err_fd, 0, SEEK_SET) < 0) {
            status = 1;
            goto done;
        }
        struct rusage ru;
        int ws;
        double t0 = bench_now();
        if (spawn_wait(cargv, out_fd, err_fd, &ws, &ru) != 0) {
            fprintf(stderr, "paperdex-bench: cannot run %s: %s\n", indexer, strerror(errno));
            status = 1;
            goto done;
        }
        secs[r] = bench_now() - t0;
        if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
            fprintf(stderr, "paperdex-bench: %s failed (status %d); its messages: %s\n", indexer,
                    WIFEXITED(ws) ? WEXITSTATUS(ws) : -1, err_tmpl);
            status = 1;
            goto done;
        }
        if (ru.ru_maxrss > max_rss)
            max_rss = ru.ru_maxrss;
        size_t len;
        char *text = read_file(out_tmpl, &len);
        if (text) {
            papers = json_number(text, "papers");
            free(text);
        }
    }
    qsort(secs, runs, sizeof *secs, cmp_double);
    double med = secs[(runs - 1) / 2];
    uint64_t ix_bytes = index_file_bytes(index);
    double ratio = input_bytes_total ? (double)ix_bytes / (double)input_bytes_total : 0;
    double mbs = med > 0 ? (double)input_bytes_total / 1e6 / med : 0;
    double pps = med > 0 && papers > 0 ? papers / med : 0;
    if (json) {
        printf("{\"index\":");
        bench_json_str(stdout, index, strlen(index));
        printf(",\"papers\":%.0f,\"input_bytes\":%" PRIu64 ",\"index_bytes\":%" PRIu64
               ",\"size_ratio\":%.3f,\"seconds\":%.3f,\"runs\":[",
               papers, input_bytes_total, ix_bytes, ratio, med);
        for (unsigned long r = 0; r < runs; r++)
            printf("%s%.3f", r ? "," : "", secs[r]);
        printf("],\"input_mb_s\":%.2f,\"papers_s\":%.0f,\"peak_rss_kb\":%ld}\n", mbs, pps,
               max_rss);
    } else {
        printf("build: %s (%lu run%s, median)\n", index, runs, runs == 1 ? "" : "s");
        printf("  papers:      %.0f\n", papers);
        printf("  input:       %.1f MB (*.md, *.txt)\n", (double)input_bytes_total / 1e6);
        printf("  wall time:   %.3f s\n", med);
        printf("  throughput:  %.2f MB/s, %.0f papers/s\n", mbs, pps);
        printf("  peak RSS:    %.1f MB\n", (double)max_rss / 1024.0);
        printf("  index size:  %.1f MB, %.2f x the input\n", (double)ix_bytes / 1e6, ratio);
    }
done:
    if (out_fd >= 0) {
        close(out_fd);
        unlink(out_tmpl);
    }
    if (err_fd >= 0) {
        close(err_fd);
        if (!status)
            unlink(err_tmpl);
    }
    free(cargv);
    free(secs);
    free(paths);
    free(indexer);
    return status;
}

/* The programs `process` alternates, and their samples. */
typedef struct proc_prog {
    char *path;      /* the program (owned) */
    bool baseline;   /* the reference program (/bin/true): no arguments */
    double *ms;      /* wall time of each timed run, in run order */
} proc_prog;

/* Runs prog once with the search arguments (none for the baseline);
 * returns its wall time in seconds, or -1 after a message. */
static double proc_run_once(const proc_prog *p, char **cargv)
{
    char *bargv[] = {p->path, NULL};
    cargv[0] = p->path;
    char *const *argv = p->baseline ? bargv : cargv;
    int ws;
    struct rusage ru;
    double t0 = bench_now();
    if (spawn_wait(argv, -1, -1, &ws, &ru) != 0) {
        fprintf(stderr, "paperdex-bench: cannot run %s: %s\n", p->path, strerror(errno));
        return -1;
    }
    double dt = bench_now() - t0;
    if (!WIFEXITED(ws) || WEXITSTATUS(ws) > (p->baseline ? 0 : 1)) {
        fprintf(stderr, "paperdex-bench: %s failed (status %d)\n", p->path,
                WIFEXITED(ws) ? WEXITSTATUS(ws) : -1);
        return -1;
    }
    return dt;
}

/* The median of per-round ratios a[r] / b[r]: each pair ran back to back,
 * so a change of machine load between rounds moves both alike. */
static double pair_ratio(const double *a, const double *b, unsigned long runs)
{
    double *r = malloc(runs * sizeof *r);
    if (!r)
        return 0;
    for (unsigned long i = 0; i < runs; i++)
        r[i] = b[i] > 0 ? a[i] / b[i] : 0;
    bench_summary s;
    bench_summarize(&s, r, runs);
    free(r);
    return s.p50;
}

/* Summarizes one program's runs (bench_summarize sorts: it works on tmp). */
static void summarize_runs(bench_summary *s, const double *ms, unsigned long runs, double *tmp)
{
    memcpy(tmp, ms, runs * sizeof *tmp);
    bench_summarize(s, tmp, runs);
}

static void proc_json(const proc_prog *progs, size_t n, unsigned long runs, const char *query,
                      size_t qlen)
{
    bench_summary base, s;
    double *tmp = malloc(runs * sizeof *tmp);
    if (!tmp)
        return;
    summarize_runs(&base, progs[0].ms, runs, tmp);
    summarize_runs(&s, progs[1].ms, runs, tmp);
    printf("{\"query\":");
    bench_json_str(stdout, query, qlen);
    printf(",\"runs\":%lu,\"p50_ms\":%.3f,\"p95_ms\":%.3f,\"mean_ms\":%.3f,\"min_ms\":%.3f",
           runs, s.p50, s.p95, s.mean, s.min);
    printf(",\"baseline\":");
    bench_json_str(stdout, progs[0].path, strlen(progs[0].path));
    printf(",\"baseline_p50_ms\":%.3f,\"baseline_min_ms\":%.3f,\"ratio_p50\":%.3f,"
           "\"pair_ratio_p50\":%.3f,\"programs\":[",
           base.p50, base.min, base.p50 > 0 ? s.p50 / base.p50 : 0,
           pair_ratio(progs[1].ms, progs[0].ms, runs));
    for (size_t i = 1; i < n; i++) {
        summarize_runs(&s, progs[i].ms, runs, tmp);
        printf("%s{\"searcher\":", i > 1 ? "," : "");
        bench_json_str(stdout, progs[i].path, strlen(progs[i].path));
        printf(",\"p50_ms\":%.3f,\"min_ms\":%.3f,\"ratio_p50\":%.3f,\"pair_ratio_p50\":%.3f}",
               s.p50, s.min, base.p50 > 0 ? s.p50 / base.p50 : 0,
               pair_ratio(progs[i].ms, progs[0].ms, runs));
    }
    printf("]}\n");
    free(tmp);
}

static void proc_text(const proc_prog *progs, size_t n, unsigned long runs, const char *index,
                      const char *query)
{
    bench_summary base, s;
    double *tmp = malloc(runs * sizeof *tmp);
    if (!tmp)
        return;
    summarize_runs(&base, progs[0].ms, runs, tmp);
    printf("whole process: SEARCHER -i %s -n 10 '%s' against %s, %lu alternating runs\n",
           index, query, progs[0].path, runs);
    printf("  %-40s median %.3f ms, min %.3f ms\n", progs[0].path, base.p50, base.min);
    for (size_t i = 1; i < n; i++) {
        summarize_runs(&s, progs[i].ms, runs, tmp);
        printf("  %-40s median %.3f ms, p95 %.3f ms, min %.3f ms: %.2fx the baseline "
               "(median of pair ratios %.2fx)\n",
               progs[i].path, s.p50, s.p95, s.min, base.p50 > 0 ? s.p50 / base.p50 : 0,
               pair_ratio(progs[i].ms, progs[0].ms, runs));
    }
    free(tmp);
}

/* Whole-process latency: the baseline (/bin/true, the cost of spawning
 * any program) and each searcher run in turn, A B A B, so that the ratio
 * compares runs made under the same load; 3 untimed rounds first. */
static int cmd_process(int argc, char **argv)
{
    const char *index = NULL;
    unsigned long runs = 50;
    bool json = false;
    size_t qcap = 1, qlen = 0, n_progs = 1;
    char *query = malloc(qcap);
    proc_prog *progs = calloc((size_t)argc + 2, sizeof *progs);
    int status = 1;
    if (!query || !progs)
        goto done;
    query[0] = '\0';
    progs[0].baseline = true;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (!strcmp(a, "--index") && more) {
            index = argv[++i];
        } else if (!strcmp(a, "--runs") && more) {
            runs = strtoul(argv[++i], NULL, 10);
        } else if (!strcmp(a, "--searcher") && more) {
            if (!(progs[n_progs++].path = strdup(argv[++i])))
                goto done;
        } else if (!strcmp(a, "--baseline") && more) {
            free(progs[0].path);
            if (!(progs[0].path = strdup(argv[++i])))
                goto done;
        } else if (!strcmp(a, "--json")) {
            json = true;
        } else {
            size_t n = strlen(a);
            char *nq = realloc(query, qcap += n + 1);
            if (!nq)
                goto done;
            query = nq;
            if (qlen)
                query[qlen++] = ' ';
            memcpy(query + qlen, a, n + 1);
            qlen += n;
        }
    }
    if (!index || !qlen || runs < 1 || runs > 100000) {
        status = usage_error("process: %s", "--index and a QUERY are required");
        goto done;
    }
    if (!progs[0].path && !(progs[0].path = strdup("/bin/true")))
        goto done;
    if (n_progs == 1 && !(progs[n_progs++].path = sibling("paperdex-search")))
        goto done;
    for (size_t p = 0; p < n_progs; p++)
        if (!(progs[p].ms = calloc(runs, sizeof *progs[p].ms)))
            goto done;
    char *cargv[] = {NULL, "-i", (char *)index, "-n", "10", "--", query, NULL};
    for (unsigned long r = 0; r < runs + 3; r++) {
        for (size_t p = 0; p < n_progs; p++) {
            double dt = proc_run_once(&progs[p], cargv);
            if (dt < 0)
                goto done;
            if (r >= 3)
                progs[p].ms[r - 3] = dt * 1e3;
        }
    }
    if (json)
        proc_json(progs, n_progs, runs, query, qlen);
    else
        proc_text(progs, n_progs, runs, index, query);
    status = 0;
done:
    if (status == 1 && (!query || !progs))
        fprintf(stderr, "paperdex-bench: out of memory\n");
    for (size_t p = 0; progs && p < n_progs; p++) {
        free(progs[p].path);
        free(progs[p].ms);
    }
    free(progs);
    free(query);
    return status;
}

/* ---- gen ---- */

static int cmd_gen(int argc, char **argv)
{
    bench_gen_opts o = {.seed = BENCH_GEN_DEFAULT_SEED};
    bool json = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (!strcmp(a, "--corpus") && more)
            o.corpus = argv[++i];
        else if (!strcmp(a, "--out") && more)
            o.out = argv[++i];
        else if (!strcmp(a, "--scale") && more)
            o.scale = (uint32_t)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(a, "--seed") && more)
            o.seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(a, "--quiet") || !strcmp(a, "-q"))
            o.quiet = true;
        else if (!strcmp(a, "--json"))
            json = true;
        else
            return usage_error("gen: unknown or incomplete option '%s'", a);
    }
    if (!o.corpus || !o.out || o.scale < 1 || o.scale > 999)
        return usage_error("gen: %s", "--corpus, --out and --scale 1..999 are required");
    char err[512];
    bench_gen_stats st;
    double t0 = bench_now();
    int rc = bench_gen_run(&o, &st, err, sizeof err);
    if (rc) {
        fprintf(stderr, "paperdex-bench: gen: %s\n", err);
        return 1;
    }
    double secs = bench_now() - t0;
    if (json)
        printf("{\"scale\":%u,\"seed\":%" PRIu64 ",\"distinct\":%" PRIu64 ",\"papers\":%" PRIu64
               ",\"files\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"seconds\":%.3f}\n",
               o.scale, o.seed, st.distinct, st.papers, st.files, st.bytes, secs);
    else
        printf("gen: %s x%u (seed %#" PRIx64 "): %" PRIu64 " distinct papers in the corpus, %"
               PRIu64 " papers written to %" PRIu64 " files, %.1f MB, %.1f s\n",
               o.out, o.scale, o.seed, st.distinct, st.papers, st.files, (double)st.bytes / 1e6,
               secs);
    return 0;
}

/* ---- tokenize ---- */

typedef struct term_out {
    uint32_t word; /* word of the last term written */
    bool any;
} term_out;

static int print_term(uint32_t word, const char *term, size_t len, void *payload)
{
    term_out *t = payload;
    if (!t->any)
        fputs("[[", stdout);
    else if (word != t->word)
        fputs("],[", stdout);
    else
        putchar(',');
    /* A word that made no term leaves no list: peers see only words that
     * search for something, as paperdex does. */
    t->any = true;
    t->word = word;
    /* a bridge term ("화 학") as its bigram, as --export-jsonl writes it */
    char buf[PDX_MAX_TERM_BYTES + 8];
    size_t n = pdx_term_unbridge(term, len < sizeof buf ? len : sizeof buf, buf);
    bench_json_str(stdout, buf, n);
    return 0;
}

static int cmd_tokenize(int argc, char **argv)
{
    const char *queries = NULL, *judgments = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (!strcmp(a, "--queries") && more)
            queries = argv[++i];
        else if (!strcmp(a, "--judgments") && more)
            judgments = argv[++i];
        else
            return usage_error("tokenize: unknown or incomplete option '%s'", a);
    }
    if (!queries == !judgments)
        return usage_error("tokenize: %s", "give one of --queries F, --judgments F");
    lines l;
    if (lines_read(&l, queries ? queries : judgments))
        return 1;
    pdx_tokenizer *tk;
    if (pdx_tokenizer_new(&tk)) {
        lines_free(&l);
        return 1;
    }
    int status = 0;
    for (size_t i = 0; i < l.n && !status; i++) {
        bench_judgment j = {0};
        const char *q = l.line[i];
        if (judgments) {
            if (bench_judgment_parse(&j, q, strlen(q))) {
                fprintf(stderr, "paperdex-bench: %s:%zu: not a judgment object\n", judgments,
                        i + 1);
                status = 1;
                break;
            }
            q = j.query;
        }
        bench_qclass c;
        if (bench_classify(&c, tk, q, strlen(q))) {
            status = 1;
            bench_judgment_clear(&j);
            break;
        }
        fputs("{\"query\":", stdout);
        bench_json_str(stdout, q, strlen(q));
        if (judgments) {
            fputs(",\"qid\":", stdout);
            bench_json_str(stdout, j.qid, strlen(j.qid));
            fputs(",\"kind\":", stdout);
            bench_json_str(stdout, j.kind, strlen(j.kind));
            fputs(",\"relevant\":[", stdout);
            for (size_t r = 0; r < j.n_relevant; r++) {
                if (r)
                    putchar(',');
                bench_json_str(stdout, j.relevant[r], strlen(j.relevant[r]));
            }
            putchar(']');
        }
        unsigned m = class_mask(&c);
        fputs(",\"classes\":[", stdout);
        bool first = true;
        for (int k = 0; k < N_CLASSES; k++) {
            if (m & (1u << k)) {
                printf("%s\"%s\"", first ? "" : ",", class_names[k]);
                first = false;
            }
        }
        fputs("],\"terms\":", stdout);
        term_out t = {0, false};
        if (bench_word_terms(tk, q, strlen(q), print_term, &t))
            status = 1;
        fputs(t.any ? "]]}\n" : "[]}\n", stdout);
        bench_judgment_clear(&j);
    }
    pdx_tokenizer_free(tk);
    lines_free(&l);
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("paperdex-bench %s\n", PDX_VERSION_STRING);
        return 0;
    }
    const char *cmd = argv[1];
    int rc;
    if (!strcmp(cmd, "latency"))
        rc = cmd_latency(argc - 2, argv + 2);
    else if (!strcmp(cmd, "eval"))
        rc = cmd_eval(argc - 2, argv + 2);
    else if (!strcmp(cmd, "build"))
        rc = cmd_build(argc - 2, argv + 2);
    else if (!strcmp(cmd, "process"))
        rc = cmd_process(argc - 2, argv + 2);
    else if (!strcmp(cmd, "gen"))
        rc = cmd_gen(argc - 2, argv + 2);
    else if (!strcmp(cmd, "tokenize"))
        rc = cmd_tokenize(argc - 2, argv + 2);
    else
        return usage_error("unknown command '%s'", cmd);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "paperdex-bench: writing the output failed\n");
        return 1;
    }
    return rc;
}
