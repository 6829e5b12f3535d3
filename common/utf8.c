/* UTF-8 decoding and sanitizing shared by parser, tokenizer and output. */
#include "common.h"

size_t pdx_utf8_decode(const uint8_t *s, size_t n, int32_t *cp)
{
    if (n == 0)
        return 0;
    uint8_t c = s[0];
    int32_t v;
    size_t len;
    if (c < 0x80) {
        if (cp)
            *cp = c;
        return 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        v = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        v = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        v = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10ffff)) ||
        (v >= 0xd800 && v <= 0xdfff))
        return 0;
    if (cp)
        *cp = v;
    return len;
}

bool pdx_hangul_at(const char *s, size_t n)
{
    int32_t cp;
    return n >= 3 && pdx_utf8_decode((const uint8_t *)s, 3, &cp) == 3 && cp >= 0xAC00 &&
           cp <= 0xD7A3;
}

size_t pdx_utf8_sanitize(pdx_buf *b, const char *s, size_t n)
{
    const uint8_t *p = (const uint8_t *)s;
    size_t replaced = 0, i = 0, run = 0;
    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t l = pdx_utf8_decode(p + i, n - i, NULL);
        if (l) {
            i += l;
            continue;
        }
        pdx_buf_append(b, p + run, i - run);
        pdx_buf_append(b, "\xef\xbf\xbd", 3);
        replaced++;
        i++;
        run = i;
    }
    pdx_buf_append(b, p + run, n - run);
    return replaced;
}
