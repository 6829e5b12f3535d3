/* pdx_strerror(): the English text for each error code in errors.h; and
 * the helpers that keep a message beside a code (common.h). */
#include <stdio.h>

#include "common.h"
#include "paperdex/errors.h"

int pdx_msgf(char *msg, size_t n, int code, const char *fmt, ...)
{
    if (n) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, n, fmt, ap);
        va_end(ap);
    }
    return code;
}

int pdx_sticky_verr(int *err, char *msg, size_t n, int code, const char *fmt, va_list ap)
{
    if (*err)
        return *err;
    if (n)
        vsnprintf(msg, n, fmt, ap);
    *err = code;
    return code;
}

const char *pdx_strerror(int code)
{
    switch (code) {
    case PDX_OK: return "success";
    case PDX_ENOMEM: return "out of memory";
    case PDX_EIO: return "I/O error";
    case PDX_ECORRUPT: return "index is corrupt";
    case PDX_EVERSION: return "unsupported format or tokenizer version";
    case PDX_ENOTFOUND: return "not found";
    case PDX_EINVAL: return "invalid argument";
    case PDX_ENOTINDEX: return "not a paperdex index";
    case PDX_ELIMIT: return "limit reached";
    case PDX_ESTOP: return "stopped by callback";
    default: return "unknown error";
    }
}
