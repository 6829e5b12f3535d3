/*
 * Fenced code blocks of a digest, found before the digest is parsed.
 *
 * A digest's preamble or a paper's summary may quote markdown in a fenced
 * code block: a README showing the heading format, a summary quoting a
 * prompt. Lines inside are code, not headings or date headers, or the
 * example "### [Title](https://arxiv.org/abs/...)" of a README would be
 * indexed as a paper. CommonMark's rule, at the top level of a document:
 * a fence is a line of up to three spaces of indentation, then three or
 * more '`' or '~' (an opening backtick fence's info string holds no
 * backtick); it is closed by the next line of up to three spaces, then at
 * least as many of the same character, then blanks only.
 *
 * One departure: CommonMark runs a fence that is never closed to the end
 * of the document, which would make a stray "```" in one summary swallow
 * every paper after it without a word. Here such a line is text, and the
 * parser warns of it (pdx_fences.unclosed).
 *
 * Linear time whatever the input: the fence lines are collected in one
 * pass over the text; for each, the longest closing run of each character
 * at or after it (a suffix maximum) says at once whether a fence opened
 * there closes at all, and when it does, the search for its closing line
 * ends where the next search starts.
 */
#include <stdlib.h>

#include "fence.h"

typedef struct fence_line {
    size_t at;        /* offset of the line in the text */
    uint32_t line;    /* its number, from 1 */
    uint32_t run;     /* fence characters */
    uint8_t ch;       /* 0 for '`', 1 for '~' */
    bool opens;       /* may open a fence */
    bool closes;      /* may close one */
    uint32_t most[2]; /* longest closing run of each character here or later */
} fence_line;

/* Is s[0..n) (a line without its '\n') a fence line? Fills f's run,
 * character and whether it may open or close a fence. */
static bool fence_line_of(const char *s, size_t n, fence_line *f)
{
    size_t i = 0;
    while (i < n && i < 3 && s[i] == ' ')
        i++;
    if (i >= n || (s[i] != '`' && s[i] != '~'))
        return false;
    char c = s[i];
    size_t run = 0;
    while (i + run < n && s[i + run] == c)
        run++;
    if (run < 3)
        return false;
    f->run = run > UINT32_MAX ? UINT32_MAX : (uint32_t)run;
    f->ch = c == '~';
    f->opens = true;
    f->closes = true;
    for (size_t k = i + run; k < n; k++) {
        if (s[k] != ' ' && s[k] != '\t' && s[k] != '\r')
            f->closes = false;
        if (c == '`' && s[k] == '`')
            f->opens = false;
    }
    return true;
}

/* The fence lines of data[0..len), in order, with their suffix maxima. */
static int collect_lines(const char *data, size_t len, fence_line **out, size_t *n_out)
{
    fence_line *v = NULL;
    size_t n = 0, cap = 0;
    uint32_t lineno = 0;
    for (size_t pos = 0; pos < len;) {
        const char *s = data + pos;
        const char *nl = memchr(s, '\n', len - pos);
        size_t raw = nl ? (size_t)(nl - s) : len - pos;
        if (lineno < UINT32_MAX)
            lineno++;
        fence_line f;
        if (fence_line_of(s, raw, &f)) {
            if (n == cap) {
                size_t nc = cap ? 2 * cap : 16;
                fence_line *nv = realloc(v, nc * sizeof *nv);
                if (!nv) {
                    free(v);
                    return PDX_ENOMEM;
                }
                v = nv;
                cap = nc;
            }
            f.at = pos;
            f.line = lineno;
            v[n++] = f;
        }
        pos += raw + (nl ? 1 : 0);
    }
    uint32_t most[2] = {0, 0};
    for (size_t i = n; i-- > 0;) {
        if (v[i].closes && v[i].run > most[v[i].ch])
            most[v[i].ch] = v[i].run;
        v[i].most[0] = most[0];
        v[i].most[1] = most[1];
    }
    *out = v;
    *n_out = n;
    return PDX_OK;
}

static bool push_block(pdx_fences *f, size_t *cap, size_t open_at, size_t close_at)
{
    if (f->n_blocks == *cap) {
        size_t nc = *cap ? 2 * *cap : 8;
        pdx_fence_block *nv = realloc(f->blocks, nc * sizeof *nv);
        if (!nv)
            return false;
        f->blocks = nv;
        *cap = nc;
    }
    f->blocks[f->n_blocks++] = (pdx_fence_block){open_at, close_at};
    return true;
}

static bool push_unclosed(pdx_fences *f, size_t *cap, size_t at, uint32_t line)
{
    if (f->n_unclosed == *cap) {
        size_t nc = *cap ? 2 * *cap : 4;
        pdx_fence_unclosed *nv = realloc(f->unclosed, nc * sizeof *nv);
        if (!nv)
            return false;
        f->unclosed = nv;
        *cap = nc;
    }
    f->unclosed[f->n_unclosed++] = (pdx_fence_unclosed){at, line};
    return true;
}

int pdx_fences_find(pdx_fences *f, const char *data, size_t len)
{
    pdx_fences_clear(f);
    if (!data || !len || (!memchr(data, '`', len) && !memchr(data, '~', len)))
        return PDX_OK; /* no fence character at all: the common case */
    fence_line *v;
    size_t n;
    int rc = collect_lines(data, len, &v, &n);
    if (rc)
        return rc;
    size_t cap_b = 0, cap_u = 0;
    for (size_t i = 0; i < n && !rc;) {
        const fence_line *o = &v[i];
        if (!o->opens || i + 1 >= n || v[i + 1].most[o->ch] < o->run) {
            if (o->opens && !push_unclosed(f, &cap_u, o->at, o->line))
                rc = PDX_ENOMEM;
            i++;
            continue;
        }
        size_t j = i + 1; /* a closing line exists: the first one */
        while (v[j].ch != o->ch || !v[j].closes || v[j].run < o->run)
            j++;
        if (!push_block(f, &cap_b, o->at, v[j].at))
            rc = PDX_ENOMEM;
        i = j + 1;
    }
    free(v);
    if (rc)
        pdx_fences_clear(f);
    return rc;
}

void pdx_fences_clear(pdx_fences *f)
{
    free(f->blocks);
    free(f->unclosed);
    *f = (pdx_fences){0};
}
