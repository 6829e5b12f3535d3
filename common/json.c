/* JSON string escaping shared by paperdex-index and paperdex-search; not
 * part of the library (json.h says why). */
#include <stdio.h>

#include "cli_opt.h"
#include "json.h"

void pdx_json_str(pdx_buf *b, const char *s, size_t n)
{
    const uint8_t *p = (const uint8_t *)s;
    pdx_buf_putc(b, '"');
    size_t i = 0;
    while (i < n) {
        /* A run that needs no escape goes in one append: printable ASCII
         * but the two escaped, and Hangul syllables (most of a summary). */
        size_t j = pdx_utf8_plain_run(p, n, i, true);
        if (j > i) {
            pdx_buf_append(b, p + i, j - i);
            i = j;
            continue;
        }
        uint8_t c = p[i];
        if (c >= 0x80) {
            int32_t cp;
            size_t l = pdx_utf8_decode(p + i, n - i, &cp);
            if (l && pdx_is_control_cp(cp)) {
                /* C1 and bidi controls: the same string once decoded, but
                 * harmless when the line itself reaches a terminal */
                char esc[8];
                snprintf(esc, sizeof esc, "\\u%04x", (unsigned)cp);
                pdx_buf_append(b, esc, 6);
                i += l;
            } else if (l) {
                pdx_buf_append(b, p + i, l);
                i += l;
            } else {
                pdx_buf_append(b, "\xef\xbf\xbd", 3);
                i++;
            }
            continue;
        }
        switch (c) {
        case '"': pdx_buf_append(b, "\\\"", 2); break;
        case '\\': pdx_buf_append(b, "\\\\", 2); break;
        case '\n': pdx_buf_append(b, "\\n", 2); break;
        case '\r': pdx_buf_append(b, "\\r", 2); break;
        case '\t': pdx_buf_append(b, "\\t", 2); break;
        default:
            if (c < 0x20 || c == 0x7f) {
                char esc[8];
                snprintf(esc, sizeof esc, "\\u%04x", c);
                pdx_buf_append(b, esc, 6);
            } else {
                pdx_buf_putc(b, c);
            }
        }
        i++;
    }
    pdx_buf_putc(b, '"');
}

void pdx_json_name(pdx_buf *b, const char *s, size_t n)
{
    pdx_buf esc = {0};
    pdx_cli_escape(&esc, s, n);
    if (esc.err)
        pdx_json_str(b, s, n); /* out of memory: U+FFFD then */
    else
        pdx_json_str(b, (const char *)esc.data, esc.len);
    pdx_buf_free(&esc);
}
