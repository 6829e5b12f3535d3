/*
 * Error codes shared by every paperdex call.
 *
 * Calls return int: 0 (PDX_OK) on success, one of the negative codes below on
 * an expected failure. Handles that can fail in several ways also keep a
 * human-readable message (see pdx_index_errmsg() and friends); the code says
 * what kind of failure it was, the message says where.
 */
#ifndef PAPERDEX_ERRORS_H
#define PAPERDEX_ERRORS_H

#ifdef __cplusplus
extern "C" {
#endif

enum pdx_error {
    PDX_OK = 0,
    PDX_ENOMEM = -1,    /* an allocation failed */
    PDX_EIO = -2,       /* a read, write, sync or rename failed (errno kept) */
    PDX_ECORRUPT = -3,  /* a file is damaged: bad checksum, offset, length */
    PDX_EVERSION = -4,  /* format or tokenizer version this build cannot use */
    PDX_ENOTFOUND = -5, /* a path, term or document does not exist */
    PDX_EINVAL = -6,    /* bad argument or malformed query/option */
    PDX_ENOTINDEX = -7, /* the file is not a paperdex index at all */
    PDX_ELIMIT = -8,    /* a configured bound was hit (e.g. prefix expansion) */
    PDX_ESTOP = -9      /* a callback asked to stop */
};

/* A static English description of an error code; never NULL. */
const char *pdx_strerror(int code);

#ifdef __cplusplus
}
#endif
#endif
