/* Option matching and messages for the programs (cli_opt.h). Not part of
 * the library. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_opt.h"
#include "common.h"

bool pdx_cli_parse_real(const char *v, double max, double *out)
{
    if (!v || !((*v >= '0' && *v <= '9') || *v == '.'))
        return false;
    errno = 0;
    char *end;
    double x = strtod(v, &end);
    if (errno || *end || !isfinite(x) || x > max || strpbrk(v, "xXpP"))
        return false;
    *out = x;
    return true;
}

bool pdx_cli_opt_value(int argc, char **argv, int *i, const char *name, const char *alias,
                       const char **val)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (!strncmp(a, name, n) && a[n] == '=') {
        *val = a + n + 1;
        return true;
    }
    if (strcmp(a, name) && !(alias && !strcmp(a, alias)))
        return false;
    *val = *i + 1 < argc ? argv[++*i] : NULL;
    return true;
}

void pdx_cli_escape(pdx_buf *b, const char *m, size_t n)
{
    const uint8_t *p = (const uint8_t *)m;
    size_t i = 0;
    while (i < n) {
        int32_t cp;
        size_t k = pdx_utf8_decode(p + i, n - i, &cp);
        char esc[16];
        if (k == 0) {
            snprintf(esc, sizeof esc, "\\x%02X", p[i]);
            pdx_buf_append(b, esc, strlen(esc));
            k = 1;
        } else if (pdx_is_control_cp(cp) && !(cp == '\n' && i + 1 == n)) {
            snprintf(esc, sizeof esc, cp < 0x100 ? "\\x%02X" : "\\u{%04X}", (unsigned)cp);
            pdx_buf_append(b, esc, strlen(esc));
        } else if (cp == '\\') { /* so a name with "\x07" is not one with a BEL */
            pdx_buf_append(b, "\\\\", 2);
        } else {
            pdx_buf_append(b, p + i, k);
        }
        i += k;
    }
}

/* Formats, escapes and writes the message with one write, so that it is
 * not split among other processes' lines on a shared stderr. */
__attribute__((format(printf, 3, 0))) static void vput(FILE *f, const char *raw,
                                                       const char *fmt, va_list ap)
{
    char small[1024], *m = small;
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n >= 0 && (size_t)n >= sizeof small && (m = malloc((size_t)n + 1)) != NULL)
        vsnprintf(m, (size_t)n + 1, fmt, again);
    va_end(again);
    if (n < 0)
        return;
    pdx_buf b = {0};
    if (raw)
        pdx_buf_append(&b, raw, strlen(raw));
    pdx_cli_escape(&b, m ? m : small, m && m != small ? (size_t)n : strlen(small));
    if (!b.err)
        fwrite(b.data, 1, b.len, f);
    fflush(f);
    pdx_buf_free(&b);
    if (m != small)
        free(m);
}

void pdx_cli_eprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vput(stderr, NULL, fmt, ap);
    va_end(ap);
}

void pdx_cli_fprintf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vput(f, NULL, fmt, ap);
    va_end(ap);
}

void pdx_cli_eprintf_after(const char *raw, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vput(stderr, raw, fmt, ap);
    va_end(ap);
}
