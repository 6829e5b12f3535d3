/*
 * Fuzz target: the tokenizer (pdx_tokenize).
 *
 * Input: one flag byte (bit 0: PDX_TOKENIZE_QUERY), then the text. The
 * text is copied into a buffer of exactly its length so a read past len
 * is a heap overflow. Oracles from tokenizer.h: positions are consecutive
 * from first_pos, every byte range lies within the text, terms are
 * non-empty valid UTF-8 of at most PDX_MAX_TERM_BYTES, next_pos_out is one
 * past the last position, and the same input gives the same tokens twice.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "fuzz_fixture.h"

static pdx_tokenizer *tk;

typedef struct tstate {
    size_t len;     /* text length */
    uint32_t next;  /* expected next position */
    uint64_t hash;  /* running hash of the token stream */
    size_t count;
} tstate;

static int on_token(const pdx_token *t, void *payload)
{
    tstate *s = payload;
    if (t->pos != s->next)
        abort();
    s->next++;
    if (t->start > t->end || t->end > s->len)
        abort();
    if (t->term_len == 0 || t->term_len > PDX_MAX_TERM_BYTES || !t->term)
        abort();
    for (size_t i = 0; i < t->term_len;) {
        size_t k = pdx_utf8_decode((const uint8_t *)t->term + i, t->term_len - i, NULL);
        if (!k)
            abort();
        i += k;
    }
    uint64_t h[4] = {pdx_hash(t->term, t->term_len), t->start, t->end, t->kind};
    s->hash = pdx_hash(h, sizeof h) ^ (s->hash * 31);
    s->count++;
    return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (pdx_tokenizer_new(&tk))
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    int flags = data[0] & 1 ? PDX_TOKENIZE_QUERY : PDX_TOKENIZE_DEFAULT;
    size_t n = size - 1;
    char *text = malloc(n ? n : 1);
    if (!text)
        return 0;
    memcpy(text, data + 1, n);
    const uint32_t first = 5;
    tstate a = {n, first, 0, 0}, b = {n, first, 0, 0};
    uint32_t next = 0;
    int rc = pdx_tokenize(tk, flags, text, n, first, &next, on_token, &a);
    if (rc != PDX_OK || next != a.next)
        abort();
    rc = pdx_tokenize(tk, flags, text, n, first, NULL, on_token, &b);
    if (rc != PDX_OK || a.hash != b.hash || a.count != b.count)
        abort();
    free(text);
    return 0;
}
