/* Growable byte buffer with a sticky error; see common.h. */
#include <stdlib.h>

#include "common.h"

void pdx_buf_free(pdx_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->err = PDX_OK;
}

void pdx_buf_reset(pdx_buf *b)
{
    b->len = 0;
}

bool pdx_buf_reserve(pdx_buf *b, size_t extra)
{
    if (b->err)
        return false;
    if (extra <= b->cap - b->len)
        return true;
    size_t need = b->len + extra;
    if (need < b->len) {
        b->err = PDX_ENOMEM;
        return false;
    }
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    uint8_t *d = realloc(b->data, cap);
    if (!d) {
        b->err = PDX_ENOMEM;
        return false;
    }
    b->data = d;
    b->cap = cap;
    return true;
}

void pdx_buf_append(pdx_buf *b, const void *p, size_t n)
{
    if (n == 0 || !pdx_buf_reserve(b, n))
        return;
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

void pdx_buf_putc(pdx_buf *b, uint8_t c)
{
    if (!pdx_buf_reserve(b, 1))
        return;
    b->data[b->len++] = c;
}

void pdx_buf_put_u16(pdx_buf *b, uint16_t v)
{
    if (!pdx_buf_reserve(b, 2))
        return;
    pdx_put_u16(b->data + b->len, v);
    b->len += 2;
}

void pdx_buf_put_u32(pdx_buf *b, uint32_t v)
{
    if (!pdx_buf_reserve(b, 4))
        return;
    pdx_put_u32(b->data + b->len, v);
    b->len += 4;
}

void pdx_buf_put_u64(pdx_buf *b, uint64_t v)
{
    if (!pdx_buf_reserve(b, 8))
        return;
    pdx_put_u64(b->data + b->len, v);
    b->len += 8;
}

void pdx_buf_put_varint(pdx_buf *b, uint64_t v)
{
    if (!pdx_buf_reserve(b, 10))
        return;
    uint8_t *p = b->data + b->len;
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    b->len = (size_t)(p - b->data);
}

void pdx_buf_put_str(pdx_buf *b, const void *p, size_t n)
{
    pdx_buf_put_varint(b, n);
    pdx_buf_append(b, p, n);
}
