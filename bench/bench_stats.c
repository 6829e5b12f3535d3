/*
 * Statistics and query handling for paperdex-bench: percentiles, query
 * classes, per-word query terms for the peers, and a small JSON reader
 * for known-item judgment lines. See bench.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "paperdex/errors.h"

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_percentile(const double *sorted, size_t n, double p)
{
    if (n == 0)
        return 0;
    double r = ceil(p / 100.0 * (double)n);
    size_t i = r < 1 ? 0 : (size_t)r - 1;
    return sorted[i < n ? i : n - 1];
}

void bench_summarize(bench_summary *out, double *samples, size_t n)
{
    memset(out, 0, sizeof *out);
    if (n == 0)
        return;
    qsort(samples, n, sizeof *samples, cmp_double);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += samples[i];
    out->n = n;
    out->p50 = bench_percentile(samples, n, 50);
    out->p95 = bench_percentile(samples, n, 95);
    out->p99 = bench_percentile(samples, n, 99);
    out->mean = sum / (double)n;
    out->min = samples[0];
    out->max = samples[n - 1];
}

void bench_json_str(FILE *f, const char *s, size_t n)
{
    putc('"', f);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            putc('\\', f);
            putc(c, f);
        } else if (c == '\n') {
            fputs("\\n", f);
        } else if (c == '\t') {
            fputs("\\t", f);
        } else if (c < 0x20) {
            fprintf(f, "\\u%04x", c);
        } else {
            putc(c, f);
        }
    }
    putc('"', f);
}

/* ---- query classes ---- */

const char *bench_script_name(bench_script s)
{
    switch (s) {
    case BENCH_SCRIPT_KO:
        return "ko";
    case BENCH_SCRIPT_EN:
        return "en";
    case BENCH_SCRIPT_MIXED:
        return "mixed";
    default:
        return "other";
    }
}

/* Decodes one UTF-8 code point at s[0..n); returns its length (1 for an
 * invalid byte, with *cp = 0xFFFD). Enough for classifying scripts. */
static size_t decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || len > n) {
        *cp = 0xFFFD;
        return 1;
    }
    uint32_t v = len == 1 ? c : len == 2 ? (c & 0x1fu) : len == 3 ? (c & 0x0fu) : (c & 0x07u);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3fu);
    }
    *cp = v;
    return len;
}

static bool is_hangul(uint32_t c)
{
    return (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0x1100 && c <= 0x11FF) ||
           (c >= 0x3130 && c <= 0x318F) || (c >= 0xA960 && c <= 0xA97F) ||
           (c >= 0xD7B0 && c <= 0xD7FF);
}

static bool is_latin(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) || (c >= 0xFF21 && c <= 0xFF5A);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int count_term(const pdx_token *t, void *payload)
{
    (void)t;
    (*(uint32_t *)payload)++;
    return 0;
}

int bench_classify(bench_qclass *out, pdx_tokenizer *tk, const char *q, size_t len)
{
    memset(out, 0, sizeof *out);
    bool ko = false, en = false;
    const unsigned char *s = (const unsigned char *)q;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += decode(s + i, len - i, &cp);
        if (is_hangul(cp))
            ko = true;
        else if (is_latin(cp))
            en = true;
        if (cp == '"')
            out->phrase = true;
    }
    out->script = ko && en ? BENCH_SCRIPT_MIXED
                  : ko     ? BENCH_SCRIPT_KO
                  : en     ? BENCH_SCRIPT_EN
                           : BENCH_SCRIPT_OTHER;
    for (size_t i = 0; i < len;) {
        while (i < len && is_space(q[i]))
            i++;
        if (i == len)
            break;
        size_t start = i;
        while (i < len && !is_space(q[i]))
            i++;
        out->words++;
        uint32_t terms = 0;
        int rc = pdx_tokenize(tk, PDX_TOKENIZE_QUERY, q + start, i - start, 0, NULL, count_term,
                              &terms);
        if (rc)
            return rc;
        if (terms > 1)
            out->phrase = true;
    }
    return PDX_OK;
}

typedef struct word_ctx {
    bench_term_fn fn;
    uint32_t word;
    void *payload;
} word_ctx;

static int on_word_term(const pdx_token *t, void *payload)
{
    word_ctx *c = payload;
    return c->fn(c->word, t->term, t->term_len, c->payload);
}

int bench_word_terms(pdx_tokenizer *tk, const char *q, size_t len, bench_term_fn fn,
                     void *payload)
{
    word_ctx c = {fn, 0, payload};
    for (size_t i = 0; i < len;) {
        while (i < len && is_space(q[i]))
            i++;
        if (i == len)
            break;
        size_t start = i;
        while (i < len && !is_space(q[i]))
            i++;
        int rc = pdx_tokenize(tk, PDX_TOKENIZE_QUERY, q + start, i - start, 0, NULL,
                              on_word_term, &c);
        if (rc)
            return rc;
        c.word++;
    }
    return PDX_OK;
}

/* ---- judgments: a JSON reader just big enough for one object a line ---- */

typedef struct jr {
    const char *s, *end;
    int err;
} jr;

static void jr_ws(jr *r)
{
    while (r->s < r->end && is_space(*r->s))
        r->s++;
}

static bool jr_lit(jr *r, char c)
{
    jr_ws(r);
    if (r->s < r->end && *r->s == c) {
        r->s++;
        return true;
    }
    return false;
}

static void put_utf8(char *out, size_t *n, uint32_t cp)
{
    if (cp < 0x80) {
        out[(*n)++] = (char)cp;
    } else if (cp < 0x800) {
        out[(*n)++] = (char)(0xC0 | (cp >> 6));
        out[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out[(*n)++] = (char)(0xE0 | (cp >> 12));
        out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else {
        out[(*n)++] = (char)(0xF0 | (cp >> 18));
        out[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[(*n)++] = (char)(0x80 | (cp & 0x3F));
    }
}

static int hex4(const char *s, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (uint32_t)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

/* Reads a string literal; returns a malloc'ed NUL-terminated copy (or
 * NULL with r->err set). The decoded text is never longer than the
 * literal, so the literal's length bounds the allocation. */
static char *jr_string(jr *r)
{
    if (!jr_lit(r, '"')) {
        r->err = PDX_EINVAL;
        return NULL;
    }
    const char *p = r->s;
    while (p < r->end && *p != '"')
        p += (*p == '\\' && p + 1 < r->end) ? 2 : 1;
    if (p >= r->end) {
        r->err = PDX_EINVAL;
        return NULL;
    }
    char *out = malloc((size_t)(p - r->s) + 1);
    if (!out) {
        r->err = PDX_ENOMEM;
        return NULL;
    }
    size_t n = 0;
    const char *s = r->s;
    while (s < p) {
        if (*s != '\\') {
            out[n++] = *s++;
            continue;
        }
        s++;
        char c = *s++;
        uint32_t cp, lo;
        switch (c) {
        case 'n': out[n++] = '\n'; break;
        case 't': out[n++] = '\t'; break;
        case 'r': out[n++] = '\r'; break;
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'u':
            if (p - s < 4 || hex4(s, &cp)) {
                free(out);
                r->err = PDX_EINVAL;
                return NULL;
            }
            s += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF && p - s >= 6 && s[0] == '\\' && s[1] == 'u' &&
                !hex4(s + 2, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                s += 6;
            } else if (cp >= 0xD800 && cp <= 0xDFFF) {
                cp = 0xFFFD;
            }
            put_utf8(out, &n, cp);
            break;
        default: out[n++] = c; break; /* \" \\ \/ */
        }
    }
    out[n] = '\0';
    r->s = p + 1;
    return out;
}

/* Skips any JSON value. */
static void jr_skip(jr *r, int depth)
{
    jr_ws(r);
    if (r->s >= r->end || depth > 32) {
        r->err = PDX_EINVAL;
        return;
    }
    char c = *r->s;
    if (c == '"') {
        free(jr_string(r));
    } else if (c == '[' || c == '{') {
        char close = c == '[' ? ']' : '}';
        r->s++;
        if (jr_lit(r, close))
            return;
        do {
            if (c == '{') {
                free(jr_string(r));
                if (!r->err && !jr_lit(r, ':'))
                    r->err = PDX_EINVAL;
            }
            if (!r->err)
                jr_skip(r, depth + 1);
        } while (!r->err && jr_lit(r, ','));
        if (!r->err && !jr_lit(r, close))
            r->err = PDX_EINVAL;
    } else {
        while (r->s < r->end && *r->s != ',' && *r->s != '}' && *r->s != ']' && !is_space(*r->s))
            r->s++;
    }
}

void bench_judgment_clear(bench_judgment *j)
{
    free(j->qid);
    free(j->query);
    free(j->kind);
    for (size_t i = 0; i < j->n_relevant; i++)
        free(j->relevant[i]);
    free(j->relevant);
    memset(j, 0, sizeof *j);
}

static char *empty_string(void)
{
    char *s = malloc(1);
    if (s)
        *s = '\0';
    return s;
}

int bench_judgment_parse(bench_judgment *out, const char *line, size_t len)
{
    memset(out, 0, sizeof *out);
    jr r = {line, line + len, 0};
    if (!jr_lit(&r, '{'))
        return PDX_EINVAL;
    if (!jr_lit(&r, '}')) {
        do {
            char *key = jr_string(&r);
            if (!key)
                break;
            if (!jr_lit(&r, ':')) {
                free(key);
                r.err = PDX_EINVAL;
                break;
            }
            char **slot = !strcmp(key, "qid")     ? &out->qid
                          : !strcmp(key, "query") ? &out->query
                          : !strcmp(key, "kind")  ? &out->kind
                                                  : NULL;
            if (slot) {
                jr_ws(&r);
                if (r.s < r.end && *r.s == '"') {
                    free(*slot);
                    *slot = jr_string(&r);
                } else {
                    jr_skip(&r, 0);
                }
            } else if (!strcmp(key, "relevant")) {
                if (jr_lit(&r, '[') && !jr_lit(&r, ']')) {
                    do {
                        char *id = jr_string(&r);
                        if (!id)
                            break;
                        char **nr = realloc(out->relevant, (out->n_relevant + 1) * sizeof *nr);
                        if (!nr) {
                            free(id);
                            r.err = PDX_ENOMEM;
                            break;
                        }
                        out->relevant = nr;
                        out->relevant[out->n_relevant++] = id;
                    } while (jr_lit(&r, ','));
                    if (!r.err && !jr_lit(&r, ']'))
                        r.err = PDX_EINVAL;
                }
            } else {
                jr_skip(&r, 0);
            }
            free(key);
        } while (!r.err && jr_lit(&r, ','));
        if (!r.err && !jr_lit(&r, '}'))
            r.err = PDX_EINVAL;
    }
    if (!r.err) {
        if (!out->query)
            r.err = PDX_EINVAL;
        else if ((!out->qid && !(out->qid = empty_string())) ||
                 (!out->kind && !(out->kind = empty_string())))
            r.err = PDX_ENOMEM;
    }
    if (r.err) {
        bench_judgment_clear(out);
        return r.err;
    }
    return PDX_OK;
}

void bench_rank_list(bench_rank *out, const bench_judgment *j, const char *const *ids,
                     const size_t *id_lens, size_t n, size_t k)
{
    memset(out, 0, sizeof *out);
    size_t found = 0;
    if (n > k)
        n = k;
    for (size_t i = 0; i < n; i++) {
        for (size_t r = 0; r < j->n_relevant; r++) {
            if (strlen(j->relevant[r]) == id_lens[i] &&
                !memcmp(j->relevant[r], ids[i], id_lens[i])) {
                if (!out->rank) {
                    out->rank = (uint32_t)i + 1;
                    out->rr = 1.0 / (double)(i + 1);
                }
                found++;
                break;
            }
        }
    }
    out->recall = j->n_relevant ? (double)found / (double)j->n_relevant : 0;
}
