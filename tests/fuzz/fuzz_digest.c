/*
 * Fuzz target: the digest parser (pdx_parse_buffer).
 *
 * Input: the bytes of one digest file. Oracles beyond the sanitizers:
 * every field of every paper is read in full (so a dangling or short
 * pointer trips ASan), strings are valid UTF-8 as parser.h promises,
 * votes are >= 0 or PDX_VOTES_UNKNOWN, n_authors matches the '\n'
 * separators, diagnostics carry a message, and every "### " heading is
 * accounted for: papers + skipped == headings.
 */
#include <stdint.h>
#include <stdlib.h>

#include "common.h"
#include "fuzz_fixture.h"

static void check_utf8(const char *s, size_t n)
{
    if (n && !s)
        abort();
    size_t i = 0;
    while (i < n) {
        size_t k = pdx_utf8_decode((const uint8_t *)s + i, n - i, NULL);
        if (k == 0)
            abort(); /* parser.h: all strings are valid UTF-8 */
        i += k;
    }
}

static int on_paper(const pdx_paper *p, void *payload)
{
    (void)payload;
    check_utf8(p->id, p->id_len);
    check_utf8(p->url, p->url_len);
    check_utf8(p->title, p->title_len);
    check_utf8(p->authors, p->authors_len);
    check_utf8(p->summary, p->summary_len);
    if (p->id_len == 0 || !p->file || p->line == 0)
        abort();
    if (p->votes < 0 && p->votes != PDX_VOTES_UNKNOWN)
        abort();
    uint32_t n = p->authors_len ? 1 : 0;
    for (size_t i = 0; i < p->authors_len; i++)
        n += p->authors[i] == '\n';
    if (n != p->n_authors)
        abort();
    if (p->date && (p->date < 10000101 || p->date > 99991231))
        abort();
    return 0;
}

static void on_diag(const pdx_diag *d, void *payload)
{
    (void)payload;
    if (!d->message || !d->message[0] || !d->file)
        abort();
    volatile size_t n = strlen(d->message) + strlen(d->file);
    (void)n;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pdx_parse_cb cb = {on_paper, on_diag, NULL};
    pdx_parse_stats st = {0};
    /* The name supplies a fallback date, so keep one in it. */
    int rc = pdx_parse_buffer("fuzz/2024/06/01.md", (const char *)data, size, &cb, &st);
    if (rc == PDX_ENOMEM)
        return 0;
    if (rc != PDX_OK)
        abort();
    if (st.papers + st.skipped != st.headings)
        abort();
    return 0;
}
