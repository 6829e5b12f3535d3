/* JSON hits and result summaries for paperdex-search --json and
 * paperdex-serve (hit_json.h). Not part of the library. */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hit_json.h"
#include "json.h"

void pdx_buf_printf(pdx_buf *o, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        pdx_buf_append(o, tmp, PDX_MIN((size_t)n, sizeof tmp - 1));
}

void pdx_buf_put_uint(pdx_buf *o, uint64_t v)
{
    char tmp[24];
    size_t k = sizeof tmp;
    do {
        tmp[--k] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    pdx_buf_append(o, tmp + k, sizeof tmp - k);
}

void pdx_buf_put_int(pdx_buf *o, int64_t v)
{
    if (v < 0)
        pdx_buf_putc(o, '-');
    pdx_buf_put_uint(o, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
}

void pdx_json_url(pdx_buf *o, const pdx_hit_info *h)
{
    bool synth = h->id_len >= 7 && !memcmp(h->id, "nolink-", 7);
    if (h->url_len) {
        pdx_json_str(o, h->url, h->url_len);
    } else if (!synth && h->id_len) {
        pdx_buf_puts(o, "\"https://arxiv.org/abs/");
        pdx_buf b = {0};
        pdx_json_str(&b, h->id, h->id_len); /* id without its quotes */
        if (!b.err && b.len >= 2)
            pdx_buf_append(o, b.data + 1, b.len - 2);
        pdx_buf_free(&b);
        pdx_buf_putc(o, '"');
    } else {
        pdx_buf_puts(o, "null");
    }
}

size_t pdx_json_authors(pdx_buf *o, const pdx_hit_info *h, size_t max, size_t limit)
{
    size_t n = 0, bytes = 0;
    bool listing = true; /* until a name is left out: no later one is listed */
    pdx_buf_puts(o, "[");
    if (h->authors_len) {
        const char *a = h->authors, *end = h->authors + h->authors_len;
        for (;; n++) {
            const char *nl = memchr(a, '\n', (size_t)(end - a));
            const char *e = nl ? nl : end;
            size_t len = (size_t)(e - a);
            listing = listing && n < max && (n == 0 || len <= limit - bytes);
            if (listing) {
                len = pdx_utf8_cut(a, len, limit - bytes);
                if (n)
                    pdx_buf_putc(o, ',');
                pdx_json_str(o, a, len);
                bytes += len;
            }
            if (!nl)
                break;
            a = nl + 1;
        }
        n++;
    }
    pdx_buf_puts(o, "]");
    return n;
}

static void json_spans(pdx_buf *o, const pdx_span *spans, size_t n)
{
    pdx_buf_puts(o, "[");
    for (size_t k = 0; k < n; k++) {
        pdx_buf_puts(o, k ? ",[" : "[");
        pdx_buf_put_uint(o, spans[k].start);
        pdx_buf_putc(o, ',');
        pdx_buf_put_uint(o, spans[k].end);
        pdx_buf_putc(o, ']');
    }
    pdx_buf_puts(o, "]");
}

void pdx_json_paper_members(pdx_buf *o, const pdx_hit_info *h, bool all_authors)
{
    pdx_buf_puts(o, "\"id\":");
    pdx_json_str(o, h->id, h->id_len);
    pdx_buf_puts(o, ",\"url\":");
    pdx_json_url(o, h);
    char date[16];
    pdx_format_date(date, h->date);
    if (*date) {
        pdx_buf_puts(o, ",\"date\":\"");
        pdx_buf_puts(o, date);
        pdx_buf_putc(o, '"');
    } else {
        pdx_buf_puts(o, ",\"date\":null");
    }
    if (h->votes == PDX_VOTES_UNKNOWN || h->votes < 0) {
        pdx_buf_puts(o, ",\"votes\":null");
    } else {
        pdx_buf_puts(o, ",\"votes\":");
        pdx_buf_put_int(o, h->votes);
    }
    pdx_buf_puts(o, ",\"title\":");
    pdx_json_str(o, h->title, h->title_len);
    pdx_buf_puts(o, ",\"authors\":");
    size_t n = all_authors ? pdx_json_authors(o, h, SIZE_MAX, SIZE_MAX)
                           : pdx_json_authors(o, h, PDX_JSON_HIT_AUTHORS, PDX_JSON_HIT_AUTHOR_BYTES);
    pdx_buf_puts(o, ",\"authors_total\":");
    pdx_buf_put_uint(o, n);
}

size_t pdx_put_missing(pdx_buf *o, const pdx_query *q, const pdx_hit *hit, const char *sep,
                       bool json)
{
    size_t shown = 0, nameless = 0;
    for (uint32_t k = 0; k < 64; k++) {
        if (!(hit->missing >> k & 1))
            continue;
        size_t len;
        const char *w = pdx_query_word(q, k, &len);
        if (!w) {
            nameless++;
            continue;
        }
        if (shown++)
            pdx_buf_puts(o, sep);
        if (json)
            pdx_json_str(o, w, len);
        else
            pdx_buf_append(o, w, len);
    }
    return nameless;
}

void pdx_json_hit(pdx_buf *o, pdx_searcher *s, const pdx_query *q, const pdx_results *r,
                  size_t i, uint32_t offset, const pdx_hit_info *h)
{
    const pdx_hit *hit = &r->hits[i];
    pdx_buf_puts(o, "{\"type\":\"hit\",\"rank\":");
    pdx_buf_put_uint(o, (uint64_t)offset + i + 1);
    pdx_buf_puts(o, ",\"score\":");
    if (isfinite(hit->score))
        pdx_buf_printf(o, "%.6g", hit->score);
    else
        pdx_buf_puts(o, "null");
    pdx_buf_putc(o, ',');
    pdx_json_paper_members(o, h, false);
    pdx_buf_puts(o, ",\"snippet\":");
    pdx_snippet sn = {"", 0, NULL, 0};
    if (pdx_snippet_make(s, q, h->summary, h->summary_len, PDX_SNIPPET_WIDTH, &sn))
        sn = (pdx_snippet){"", 0, NULL, 0};
    pdx_json_str(o, sn.text, sn.len);
    pdx_buf_puts(o, ",\"highlights\":");
    json_spans(o, sn.spans, sn.n_spans);
    /* after the snippet's: pdx_highlight_field reuses the span buffer */
    const pdx_span *ts = NULL;
    size_t n_ts = 0;
    if (pdx_highlight_field(s, q, PDX_TEXT_TITLE, h->title, h->title_len, &ts, &n_ts))
        n_ts = 0;
    pdx_buf_puts(o, ",\"title_highlights\":");
    json_spans(o, ts, n_ts);
    pdx_buf_puts(o, hit->partial ? ",\"partial\":true,\"missing\":[" : ",\"partial\":false,\"missing\":[");
    pdx_put_missing(o, q, hit, ",", true);
    pdx_buf_puts(o, "]}");
}

void pdx_json_expansions(pdx_buf *o, const pdx_query *q)
{
    pdx_buf_puts(o, "[");
    for (size_t i = 0; i < pdx_query_expansion_count(q); i++) {
        pdx_expansion x;
        pdx_query_expansion(q, i, &x);
        pdx_buf_puts(o, i ? ",{\"from\":" : "{\"from\":");
        pdx_json_str(o, x.from, x.from_len);
        pdx_buf_puts(o, ",\"to\":");
        pdx_json_str(o, x.to, x.to_len);
        pdx_buf_printf(o, ",\"source\":\"%s\",\"support\":%u,\"weight\":%.4g}", x.source,
                   x.support, x.weight);
    }
    pdx_buf_puts(o, "]");
}

void pdx_json_summary_members(pdx_buf *o, const char *query, size_t query_len, uint32_t offset,
                              const pdx_query *q, const pdx_results *r, double secs,
                              const char *suggestion, bool corrected)
{
    pdx_buf_puts(o, "\"query\":");
    pdx_json_str(o, query, query_len);
    pdx_buf_printf(o, ",\"total\":%" PRIu64 ",\"total_exact\":%s,\"shown\":%zu,\"offset\":%u",
               r->total, r->total_estimated ? "false" : "true", r->n, offset);
    pdx_buf_printf(o, ",\"partial_used\":%s,\"took_us\":%.0f,\"notices\":[",
               r->partial_used ? "true" : "false", secs * 1e6);
    if (r->notice[0])
        pdx_json_str(o, r->notice, strlen(r->notice));
    pdx_buf_puts(o, "],\"expansions\":");
    pdx_json_expansions(o, q);
    pdx_buf_puts(o, ",\"suggestion\":");
    if (suggestion)
        pdx_json_str(o, suggestion, strlen(suggestion));
    else
        pdx_buf_puts(o, "null");
    pdx_buf_printf(o, ",\"corrected\":%s", corrected ? "true" : "false");
}
