/*
 * paperdex-serve's endpoints: one handler per path, each turning the
 * request's parameters into a reply (serve.h). Every string from the index
 * goes out through pdx_json_str, the CLI's escaper; no file is read from
 * disk (the page is compiled in).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli_opt.h"
#include "hit_json.h"
#include "json.h"
#include "serve.h"

#define JSON_TYPE "application/json; charset=utf-8"

/* One request: where its parameters come from and what it answers. */
typedef struct request {
    pdx_served *sv;     /* the server's index */
    pdx_param_fn param; /* reads a query-string parameter */
    void *payload;      /* param's argument */
    pdx_reply *out;     /* the reply being built */
} request;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void pdx_reply_error(pdx_reply *out, unsigned status, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pdx_buf_free(&out->body);
    out->status = status;
    out->type = JSON_TYPE;
    out->page = NULL;
    pdx_buf_printf(&out->body, "{\"status\":%u,\"error\":", status);
    pdx_json_str(&out->body, msg, n < 0 ? 0 : PDX_MIN((size_t)n, sizeof msg - 1));
    pdx_buf_puts(&out->body, "}\n");
}

static void reply_json(request *rq)
{
    rq->out->status = 200;
    rq->out->type = JSON_TYPE;
}

/* ---- parameters ---- */

static bool param(request *rq, const char *name, const char **v, size_t *n)
{
    return rq->param(rq->payload, name, v, n);
}

/* An unsigned integer parameter in [min, max], def when absent. Returns
 * false after a 400 reply naming it. */
static bool param_u32(request *rq, const char *name, uint32_t def, uint32_t min, uint32_t max,
                      uint32_t *out)
{
    const char *v;
    size_t n;
    *out = def;
    if (!param(rq, name, &v, &n))
        return true;
    uint64_t x = 0;
    bool ok = n > 0 && n <= 10;
    for (size_t i = 0; ok && i < n; i++) {
        ok = v[i] >= '0' && v[i] <= '9';
        x = x * 10 + (uint64_t)(v[i] - '0');
    }
    if (!ok || x < min || x > max) {
        pdx_reply_error(rq->out, 400, "%s wants a whole number from %u to %u", name, min, max);
        return false;
    }
    *out = (uint32_t)x;
    return true;
}

/* A finite decimal number in [0, max], as paperdex-search takes one
 * (pdx_cli_parse_real(): "1.5", "2e-1"). */
static bool param_real(request *rq, const char *name, double def, double max, double *out)
{
    const char *v;
    size_t n;
    *out = def;
    if (!param(rq, name, &v, &n))
        return true;
    char tmp[64];
    bool ok = n > 0 && n < sizeof tmp && !memchr(v, 0, n);
    if (ok) {
        memcpy(tmp, v, n);
        tmp[n] = 0;
        ok = pdx_cli_parse_real(tmp, max, out);
    }
    if (!ok) {
        *out = def;
        pdx_reply_error(rq->out, 400, "%s wants a number from 0 to %g", name, max);
        return false;
    }
    return true;
}

/* A flag: absent, "0" or "false" is off; "1", "true" or "" is on. */
static bool param_flag(request *rq, const char *name, bool *out)
{
    const char *v;
    size_t n;
    *out = false;
    if (!param(rq, name, &v, &n))
        return true;
    if ((n == 1 && *v == '1') || (n == 4 && !memcmp(v, "true", 4)) || n == 0)
        *out = true;
    else if (!((n == 1 && *v == '0') || (n == 5 && !memcmp(v, "false", 5)))) {
        pdx_reply_error(rq->out, 400, "%s wants 1 or true (or the name alone), 0 or false",
                        name);
        return false;
    }
    return true;
}

static bool param_sort(request *rq, pdx_sort *out)
{
    const char *v;
    size_t n;
    *out = PDX_SORT_SCORE;
    if (!param(rq, "sort", &v, &n))
        return true;
    if (n == 5 && !memcmp(v, "score", 5))
        *out = PDX_SORT_SCORE;
    else if (n == 5 && !memcmp(v, "votes", 5))
        *out = PDX_SORT_VOTES;
    else if (n == 4 && !memcmp(v, "date", 4))
        *out = PDX_SORT_DATE;
    else {
        pdx_reply_error(rq->out, 400, "sort wants score, votes or date");
        return false;
    }
    return true;
}

/* The query text q: present, not empty, within the parser's byte bound
 * (413 past it: the same bound paperdex-search has). */
static bool param_query(request *rq, const char **q, size_t *n)
{
    if (!param(rq, "q", q, n) || *n == 0) {
        pdx_reply_error(rq->out, 400, "no query: add ?q=WORDS");
        return false;
    }
    if (*n > PDX_MAX_QUERY_BYTES) {
        pdx_reply_error(rq->out, 413, "query of %zu bytes is longer than %d bytes", *n,
                        PDX_MAX_QUERY_BYTES);
        return false;
    }
    return true;
}

/* ---- running a query ---- */

/* What a search needs and leaves behind, released by search_done. */
typedef struct search_run {
    pdx_snapshot *snap;  /* the index it ran on (a reference) */
    pdx_searcher *s;     /* borrowed from snap */
    pdx_query *q;        /* parsed query */
    pdx_results r;       /* the page */
    double secs;         /* parse + search time */
} search_run;

/* Parses and runs text with opts on the current index; with every_match,
 * the limit is that index's paper count (all matches on one page). Returns
 * false after an error reply (400 for a query the parser refuses, 500 for
 * a damaged index, 503 for no memory); search_done must be called either
 * way. */
static bool search_run_query(request *rq, search_run *run, const char *text, size_t len,
                             unsigned flags, pdx_search_opts *opts, bool every_match)
{
    memset(run, 0, sizeof *run);
    run->snap = pdx_served_acquire(rq->sv);
    if (every_match)
        opts->limit = PDX_MAX(1u, PDX_MIN(pdx_index_n_docs(run->snap->ix), PDX_MAX_OFFSET_LIMIT));
    run->s = pdx_snapshot_get_searcher(run->snap);
    if (!run->s) {
        pdx_reply_error(rq->out, 503, "out of memory");
        return false;
    }
    double t0 = now_s();
    int rc = pdx_query_parse_flags(&run->q, run->s, text, len, flags);
    if (!rc)
        rc = pdx_search(run->s, run->q, opts, &run->r);
    run->secs = now_s() - t0;
    if (rc) {
        const char *m = pdx_searcher_errmsg(run->s);
        unsigned status = rc == PDX_EINVAL ? 400 : rc == PDX_ENOMEM ? 503 : 500;
        pdx_reply_error(rq->out, status, "%s", *m ? m : pdx_strerror(rc));
        return false;
    }
    return true;
}

static void search_done(search_run *run)
{
    pdx_results_clear(&run->r);
    pdx_query_free(run->q);
    pdx_snapshot_put_searcher(run->snap, run->s);
    pdx_snapshot_release(run->snap);
}

/* ---- GET /api/search ---- */

static bool search_opts(request *rq, pdx_search_opts *opts, unsigned *flags, bool *no_correct)
{
    pdx_search_opts_default(opts);
    bool no_partial, no_expand;
    if (!param_u32(rq, "n", 10, 1, PDX_SERVE_MAX_N, &opts->limit) ||
        !param_u32(rq, "offset", 0, 0, PDX_MAX_OFFSET_LIMIT - PDX_SERVE_MAX_N, &opts->offset) ||
        !param_sort(rq, &opts->sort) ||
        !param_real(rq, "vote_weight", PDX_DEFAULT_VOTE_WEIGHT, PDX_MAX_VOTE_WEIGHT,
                    &opts->vote_weight) ||
        !param_flag(rq, "no_partial", &no_partial) || !param_flag(rq, "no_expand", &no_expand) ||
        !param_flag(rq, "no_correct", no_correct))
        return false;
    opts->no_partial = no_partial;
    *flags = no_expand ? PDX_PARSE_NO_EXPAND : PDX_PARSE_DEFAULT;
    return true;
}


/* The same object paperdex-search --json ends with (hit_json.c), plus the
 * hits, each with exactly the CLI's keys. */
static void handle_search(request *rq)
{
    const char *text;
    size_t len;
    pdx_search_opts opts;
    unsigned flags;
    bool no_correct;
    if (!param_query(rq, &text, &len) || !search_opts(rq, &opts, &flags, &no_correct))
        return;
    search_run run;
    char *suggestion = NULL;
    bool corrected = false;
    if (search_run_query(rq, &run, text, len, flags, &opts, false)) {
        /* no paper matches every word: "did you mean", and the results of
         * the suggestion unless no_correct, as paperdex-search shows them */
        double t0 = now_s();
        pdx_query_correct(run.s, text, len, flags, &opts, !no_correct, &run.q, &run.r,
                          &suggestion, &corrected);
        run.secs += now_s() - t0;
        pdx_buf *o = &rq->out->body;
        pdx_buf_putc(o, '{');
        pdx_json_summary_members(o, text, len, opts.offset, run.q, &run.r, run.secs,
                                 suggestion, corrected);
        pdx_buf_printf(o, ",\"generation\":%" PRIu64 ",\"hits\":[", run.snap->generation);
        for (size_t i = 0; i < run.r.n; i++) {
            pdx_hit_info h;
            if (pdx_hit_get(run.s, run.r.hits[i].doc, &h)) {
                pdx_reply_error(rq->out, 500, "%s", pdx_searcher_errmsg(run.s));
                break;
            }
            if (i)
                pdx_buf_putc(o, ',');
            pdx_json_hit(o, run.s, run.q, &run.r, i, opts.offset, &h);
        }
        if (rq->out->status != 500) {
            pdx_buf_puts(o, "]}\n");
            reply_json(rq);
        }
    }
    free(suggestion);
    search_done(&run);
}

/* ---- GET /api/histogram ---- */

/* Month counts, YYYYMM -> papers, filled by count_months. */
typedef struct months {
    int32_t *ym;      /* YYYYMM of each listed month, oldest first (owned) */
    uint32_t *count;  /* matches in each (owned) */
    size_t n;         /* months listed */
    uint64_t undated; /* matches without a date */
} months;

static int month_index(int32_t ym)
{
    return (ym / 100) * 12 + (ym % 100 - 1);
}

/* The month (YYYYMM) of hit i, 0 when undated or unreadable. */
static int32_t hit_month(pdx_searcher *s, const pdx_results *r, size_t i)
{
    pdx_hit_info h;
    if (pdx_hit_get(s, r->hits[i].doc, &h) || h.date <= 0)
        return 0;
    return h.date / 100;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* Up to 100 years of months are listed whole, those without a match at 0,
 * for the chart; a wider range (a date typed wrong: a trial's 1924 beside
 * 2024 made the chart a 500) lists only the months with a match. */
#define MONTHS_ZERO_FILLED 1200

/* Counts the hits per month into m (its arrays owned by it). False when
 * out of memory. */
static bool count_months(pdx_searcher *s, const pdx_results *r, months *m)
{
    memset(m, 0, sizeof *m);
    int32_t *dated = malloc((r->n ? r->n : 1) * sizeof *dated);
    size_t n = 0;
    if (!dated)
        return false;
    for (size_t i = 0; i < r->n; i++) {
        int32_t ym = hit_month(s, r, i);
        if (ym)
            dated[n++] = ym;
        else
            m->undated++;
    }
    qsort(dated, n, sizeof *dated, cmp_i32);
    int span = n ? month_index(dated[n - 1]) - month_index(dated[0]) + 1 : 0;
    size_t cap = span <= MONTHS_ZERO_FILLED ? (size_t)span : n;
    m->ym = malloc((cap ? cap : 1) * sizeof *m->ym);
    m->count = calloc(cap ? cap : 1, sizeof *m->count);
    if (!m->ym || !m->count) {
        free(dated);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        int k = month_index(dated[i]) - month_index(dated[0]);
        if (span <= MONTHS_ZERO_FILLED) {
            while (m->n <= (size_t)k) {
                int idx = month_index(dated[0]) + (int)m->n;
                m->ym[m->n++] = (idx / 12) * 100 + idx % 12 + 1;
            }
            m->count[k]++;
        } else {
            if (!m->n || m->ym[m->n - 1] != dated[i])
                m->ym[m->n++] = dated[i];
            m->count[m->n - 1]++;
        }
    }
    free(dated);
    return true;
}

static void json_months(pdx_buf *o, const months *m)
{
    pdx_buf_puts(o, "[");
    for (size_t k = 0; k < m->n; k++)
        pdx_buf_printf(o, "%s{\"month\":\"%04d-%02d\",\"count\":%u}", k ? "," : "",
                       m->ym[k] / 100, m->ym[k] % 100, m->count[k]);
    pdx_buf_puts(o, "]");
}

/* Matching papers per month, for the page's chart: every full match (no
 * partial ones), whatever the page size. */
static void handle_histogram(request *rq)
{
    const char *text;
    size_t len;
    bool no_expand, no_correct;
    if (!param_query(rq, &text, &len) || !param_flag(rq, "no_expand", &no_expand) ||
        !param_flag(rq, "no_correct", &no_correct))
        return;
    pdx_search_opts opts;
    pdx_search_opts_default(&opts);
    opts.sort = PDX_SORT_DATE; /* counts every match exactly */
    opts.no_partial = true;
    unsigned flags = no_expand ? PDX_PARSE_NO_EXPAND : 0;
    search_run run;
    if (search_run_query(rq, &run, text, len, flags, &opts, true)) {
        /* the months of the papers /api/search lists: a misspelt query's
         * suggestion's, unless no_correct */
        char *suggestion;
        bool corrected;
        pdx_query_correct(run.s, text, len, flags, &opts, !no_correct, &run.q, &run.r,
                          &suggestion, &corrected);
        free(suggestion);
        months m;
        if (!count_months(run.s, &run.r, &m)) {
            pdx_reply_error(rq->out, 503, "out of memory");
        } else {
            pdx_buf *o = &rq->out->body;
            pdx_buf_puts(o, "{\"query\":");
            pdx_json_str(o, text, len);
            pdx_buf_printf(o, ",\"corrected\":%s,\"total\":%" PRIu64 ",\"undated\":%" PRIu64
                              ",\"months\":",
                       corrected ? "true" : "false", run.r.total, m.undated);
            json_months(o, &m);
            pdx_buf_puts(o, "}\n");
            reply_json(rq);
        }
        free(m.ym);
        free(m.count);
    }
    search_done(&run);
}

/* ---- GET /api/paper/ID ---- */

/* An arXiv id or a synthesized one: letters, digits, '.', '-', '_', '/'
 * (old-style ids such as hep-th/9901001); nothing the query language would
 * read as an operator. */
static bool valid_id(const char *id, size_t n)
{
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_/", id[i]))
            return false;
    return true;
}

static void json_paper(pdx_buf *o, const pdx_hit_info *h)
{
    pdx_buf_putc(o, '{');
    pdx_json_paper_members(o, h, true);
    pdx_buf_puts(o, ",\"summary\":");
    pdx_json_str(o, h->summary, h->summary_len);
    /* the digest's name only: the server's folders are nobody's business */
    const char *base = h->file;
    for (size_t i = 0; i < h->file_len; i++)
        if (h->file[i] == '/')
            base = h->file + i + 1;
    pdx_buf_puts(o, ",\"digest\":");
    pdx_json_name(o, base, (size_t)(h->file + h->file_len - base));
    pdx_buf_printf(o, ",\"line\":%u}\n", h->line);
}

static void handle_paper(request *rq, const char *id)
{
    /* "arXiv:2401.12345", as papers cite it and id: takes it */
    if (!strncasecmp(id, "arxiv:", 6))
        id += 6;
    size_t n = strlen(id);
    if (!valid_id(id, n)) {
        pdx_reply_error(rq->out, 400, "not a paper id (letters, digits, '.', '-', '_', '/'; "
                                      "at most 64)");
        return;
    }
    char text[80];
    int len = snprintf(text, sizeof text, "id:%s", id);
    pdx_search_opts opts;
    pdx_search_opts_default(&opts);
    opts.limit = 1;
    opts.no_partial = true;
    search_run run;
    if (search_run_query(rq, &run, text, (size_t)len, PDX_PARSE_NO_EXPAND, &opts, false)) {
        pdx_hit_info h;
        if (run.r.n == 0)
            pdx_reply_error(rq->out, 404, "no paper with id %s", id);
        else if (pdx_hit_get(run.s, run.r.hits[0].doc, &h))
            pdx_reply_error(rq->out, 500, "%s", pdx_searcher_errmsg(run.s));
        else {
            json_paper(&rq->out->body, &h);
            reply_json(rq);
        }
    }
    search_done(&run);
}

/* ---- GET /api/stats ---- */

static void handle_stats(request *rq)
{
    pdx_snapshot *snap = pdx_served_acquire(rq->sv);
    pdx_index_info info;
    pdx_index_info_get(snap->ix, &info);
    pdx_buf *o = &rq->out->body;
    char from[16], to[16];
    pdx_format_date(from, info.min_date);
    pdx_format_date(to, info.max_date);
    pdx_buf_printf(o, "{\"papers\":%u,\"first_date\":", info.docs);
    if (*from)
        pdx_buf_printf(o, "\"%s\",\"last_date\":\"%s\"", from, to);
    else
        pdx_buf_puts(o, "null,\"last_date\":null");
    pdx_buf_printf(o, ",\"terms\":%u,\"postings\":%" PRIu64 ",\"index_bytes\":%" PRIu64, info.terms,
               info.postings, info.file_size);
    pdx_buf_printf(o, ",\"format_version\":%u,\"tokenizer_version\":%u,\"lexicon_pairs\":%u",
               info.format_version, info.tokenizer_version, info.lexicon_pairs);
    pdx_buf_printf(o, ",\"created\":%" PRIu64 ",\"opened\":%" PRId64 ",\"generation\":%" PRIu64
                  ",\"version\":\"%s\"}\n",
               info.created, snap->opened_at, snap->generation, PDX_VERSION_STRING);
    pdx_snapshot_release(snap);
    reply_json(rq);
}

/* ---- routing ---- */

const char *pdx_serve_origin_path(const char *url)
{
    static const char *const schemes[] = {"http://", "https://"};
    for (size_t i = 0; i < 2; i++) {
        size_t n = strlen(schemes[i]), k = 0;
        while (k < n && url[k] && (url[k] | 0x20) == schemes[i][k])
            k++;
        if (k == n) {
            const char *path = strchr(url + n, '/');
            return path ? path : "/";
        }
    }
    return url;
}

void pdx_serve_route(pdx_served *sv, const char *url, pdx_param_fn param_fn, void *payload,
                     pdx_reply *out)
{
    memset(out, 0, sizeof *out);
    url = pdx_serve_origin_path(url);
    request rq = {sv, param_fn, payload, out};
    pdx_served_refresh(sv);
    if (!strcmp(url, "/") || !strcmp(url, "/index.html")) {
        out->status = 200;
        out->type = "text/html; charset=utf-8";
        out->page = pdx_page_html;
        out->page_len = pdx_page_html_len;
    } else if (!strcmp(url, "/api/search")) {
        handle_search(&rq);
    } else if (!strcmp(url, "/api/histogram")) {
        handle_histogram(&rq);
    } else if (!strcmp(url, "/api/stats")) {
        handle_stats(&rq);
    } else if (!strncmp(url, "/api/paper/", 11)) {
        handle_paper(&rq, url + 11);
    } else {
        pdx_reply_error(out, 404, "no such page: the API is /api/search, /api/paper/ID, "
                                  "/api/stats and /api/histogram");
    }
    if (!out->status)
        pdx_reply_error(out, 503, "out of memory");
    else if (out->body.err)
        pdx_reply_error(out, 503, "out of memory");
}
