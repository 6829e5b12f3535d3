/*
 * Tests of common/errors.c: the helpers every handle uses to keep a
 * message beside its error code (pdx_msgf, pdx_sticky_verr), and
 * pdx_strerror.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common.h"

/* A handle's error state, as the writer and the updater keep it. */
typedef struct handle {
    int err;         /* the first error, PDX_OK until one */
    char errmsg[32]; /* its message */
} handle;

static int handle_fail(handle *h, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int handle_fail(handle *h, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = pdx_sticky_verr(&h->err, h->errmsg, sizeof h->errmsg, code, fmt, ap);
    va_end(ap);
    return rc;
}

/* The first error and its message stay: a later failure (often a
 * consequence of the first) returns the first code and keeps its text. */
static void errors_sticky_keeps_the_first(void **st)
{
    (void)st;
    handle h = {0};
    assert_int_equal(handle_fail(&h, PDX_EIO, "%s: write failed", "a.idx"), PDX_EIO);
    assert_int_equal(h.err, PDX_EIO);
    assert_string_equal(h.errmsg, "a.idx: write failed");
    assert_int_equal(handle_fail(&h, PDX_ENOMEM, "out of memory"), PDX_EIO);
    assert_int_equal(h.err, PDX_EIO);
    assert_string_equal(h.errmsg, "a.idx: write failed");
}

/* A long message is cut to the buffer, NUL-terminated. */
static void errors_sticky_cuts_long_messages(void **st)
{
    (void)st;
    handle h = {0};
    memset(h.errmsg, 'x', sizeof h.errmsg);
    handle_fail(&h, PDX_ECORRUPT, "%s", "0123456789012345678901234567890123456789");
    assert_int_equal(strlen(h.errmsg), sizeof h.errmsg - 1);
    assert_memory_equal(h.errmsg, "0123456789", 10);
}

/* pdx_msgf formats and returns the code; with no room it writes nothing. */
static void errors_msgf_formats_and_returns_the_code(void **st)
{
    (void)st;
    char msg[64] = "untouched";
    assert_int_equal(pdx_msgf(msg, sizeof msg, PDX_ENOTINDEX, "%s: not an index (%d)", "x", 3),
                     PDX_ENOTINDEX);
    assert_string_equal(msg, "x: not an index (3)");
    char none[4] = "abc";
    assert_int_equal(pdx_msgf(none, 0, PDX_EIO, "%s", "ignored"), PDX_EIO);
    assert_string_equal(none, "abc");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(errors_sticky_keeps_the_first),
        cmocka_unit_test(errors_sticky_cuts_long_messages),
        cmocka_unit_test(errors_msgf_formats_and_returns_the_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
