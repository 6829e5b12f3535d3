/* pdx_strerror(): the English text for each error code in errors.h. */
#include "paperdex/errors.h"

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
