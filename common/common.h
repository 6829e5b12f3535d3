/*
 * Internal header for common/: what the indexer and the searcher share
 * besides the public API. One block per .c file. Nothing here is public.
 *
 * Directory rules: common/ depends on nothing else in the tree; indexer/ and
 * searcher/ depend on common/ but not on each other.
 */
#ifndef PDX_COMMON_H
#define PDX_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "paperdex/errors.h"

#define PDX_UNUSED(x) ((void)(x))
#define PDX_MIN(a, b) ((a) < (b) ? (a) : (b))
#define PDX_MAX(a, b) ((a) > (b) ? (a) : (b))

/* ---- buf.c: growable byte buffer with a sticky error ----
 *
 * Appends never fail visibly: on allocation failure `err` becomes
 * PDX_ENOMEM and later appends do nothing, so a multi-step writer checks
 * once at the end (the fts5_buffer idiom). */
typedef struct pdx_buf {
    uint8_t *data; /* owned; NULL until the first append */
    size_t len;    /* bytes in use */
    size_t cap;    /* bytes allocated */
    int err;       /* PDX_OK, or the first error hit */
} pdx_buf;

void pdx_buf_free(pdx_buf *b);              /* releases memory, keeps nothing */
void pdx_buf_reset(pdx_buf *b);             /* len = 0, keeps memory and err */
bool pdx_buf_reserve(pdx_buf *b, size_t extra);
void pdx_buf_append(pdx_buf *b, const void *p, size_t n);
void pdx_buf_putc(pdx_buf *b, uint8_t c);
void pdx_buf_put_u16(pdx_buf *b, uint16_t v); /* little-endian */
void pdx_buf_put_u32(pdx_buf *b, uint32_t v); /* little-endian */
void pdx_buf_put_u64(pdx_buf *b, uint64_t v); /* little-endian */
void pdx_buf_put_varint(pdx_buf *b, uint64_t v);
/* A varint length followed by the bytes. */
void pdx_buf_put_str(pdx_buf *b, const void *p, size_t n);

/* ---- endian.h-style helpers (inline): fixed little-endian integers ----
 * The on-disk format is little-endian whatever the host; never overlay
 * structs on the mapping. */
static inline uint16_t pdx_get_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t pdx_get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}
static inline uint64_t pdx_get_u64(const uint8_t *p)
{
    return (uint64_t)pdx_get_u32(p) | ((uint64_t)pdx_get_u32(p + 4) << 32);
}
static inline void pdx_put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void pdx_put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}
static inline void pdx_put_u64(uint8_t *p, uint64_t v)
{
    pdx_put_u32(p, (uint32_t)v);
    pdx_put_u32(p + 4, (uint32_t)(v >> 32));
}

/* Decodes a LEB128 varint (at most 10 bytes) from [*p, end). Returns false,
 * leaving *p unchanged, when it runs past end or is longer than 10 bytes:
 * callers turn that into PDX_ECORRUPT. */
static inline bool pdx_get_varint(const uint8_t **p, const uint8_t *end, uint64_t *out)
{
    const uint8_t *s = *p;
    if (s < end && *s < 0x80) { /* most gaps and frequencies fit one byte */
        *out = *s;
        *p = s + 1;
        return true;
    }
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 70 && s < end; shift += 7) {
        uint8_t c = *s++;
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *p = s;
            *out = v;
            return true;
        }
    }
    return false;
}

/* ---- the term order of the format ----
 * Terms sort bytewise, a term before every longer term it is a prefix of.
 * TERMS is written in this order, binary-searched in it and checked
 * against it; there is one comparator so the three cannot disagree.
 * Returns <0, 0 or >0 like memcmp. */
static inline int pdx_term_cmp(const void *a, size_t alen, const void *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    return c ? c : (alen > blen) - (alen < blen);
}

/* ---- errors.c: messages kept beside an error code ---- */

/* Bytes of a message that names files: a path may be PATH_MAX (4096)
 * bytes, and the reason must not be cut off after it (a trial's 600-byte
 * path lost it from 512-byte buffers). */
#define PDX_MSG_MAX 8192

/* Formats fmt into msg[0..n) (nothing when n is 0) and returns code, so a
 * failing call reads `return pdx_msgf(err, err_size, PDX_EIO, ...);`. */
int pdx_msgf(char *msg, size_t n, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The sticky error of a handle (its err and errmsg[n]): when *err is set
 * already, returns it and keeps its message (the first error is the one
 * reported); otherwise formats fmt into msg, sets *err to code and returns
 * code. */
int pdx_sticky_verr(int *err, char *msg, size_t n, int code, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

/* ---- io.c: writing a whole buffer; the file an output path names ---- */

/* Writes p[0..n) to fd, going on after a short write or EINTR. Returns 0,
 * the errno of the write that failed, or -1 when a write wrote nothing (a
 * full file system can), so that each caller words its own message. */
int pdx_write_all(int fd, const void *p, size_t n);

/* The file an output named path is written to: the target of a symlink
 * at path, resolved (so that the link stays a link and its target is
 * replaced atomically in the target's own directory), else path itself.
 * Used by every program output that replaces a file (-o, --update,
 * --export-jsonl). Returns PDX_OK with *out malloc'd, PDX_ENOMEM, or
 * PDX_EINVAL with a message in err for a symlink whose target cannot be
 * resolved (dangling, a loop): following it would create a file somewhere
 * the user did not name. */
int pdx_output_target(const char *path, char **out, char *err, size_t err_size);

/* Why no file beside the output named path could be created, the creation
 * having failed with errno e: path names a folder (it ends in '/'), or its
 * folder does not exist. NULL when neither: the caller says strerror(e).
 * So `-o newdir/` is not reported by the name of a temporary file. */
const char *pdx_output_folder_problem(const char *path, int e);

/* What a file that is not a regular one is, for a message: "a directory",
 * "a FIFO", "a character device", ... */
const char *pdx_file_kind(mode_t mode);

/* ---- hash.c: the one hash function of the format (XXH3-64, seed 0) ---- */
uint64_t pdx_hash(const void *p, size_t n);

/* ---- date.c ---- */

/* Writes date (YYYYMMDD) as "YYYY-MM-DD" into out; "" when unknown (<= 0):
 * hits shown by the programs and the server, the indexer's messages. */
void pdx_format_date(char out[16], int32_t date);
/* The same for a message: out, or "no date" when unknown. */
const char *pdx_date_text(int32_t date, char out[16]);
/* Is date (YYYYMMDD, not 0) one an index may hold: from 1900 to 9999, a
 * month 1-12 and a day 1-31? The writer refuses others, the check
 * (check.c) calls them corruption. */
bool pdx_date_valid(int32_t date);

/* ---- utf8.c: UTF-8 helpers shared by parser, tokenizer and output ---- */

/* Length of the valid UTF-8 sequence at s[0..n) (1-4), or 0 when the bytes
 * there are not valid UTF-8 (overlong, surrogate, > U+10FFFF, truncated).
 * If cp is not NULL it receives the code point. */
size_t pdx_utf8_decode(const uint8_t *s, size_t n, int32_t *cp);
/* Is the character at s[0..n) a precomposed Hangul syllable (U+AC00 to
 * U+D7A3, three bytes)? */
bool pdx_hangul_at(const char *s, size_t n);
/* pdx_utf8_decode's length without the code point, inline: the same
 * sequences are valid (the bounds on the second byte after E0, ED, F0 and
 * F4 are its overlong, surrogate and > U+10FFFF rules), for loops that walk
 * text character by character (snippets). */
static inline size_t pdx_utf8_len(const uint8_t *s, size_t n)
{
    if (n == 0)
        return 0;
    uint8_t c = s[0];
    if (c < 0x80)
        return 1;
    size_t len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
                                            : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (len == 0 || n < len)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    uint8_t lo = 0x80, hi = 0xbf; /* the second byte's range */
    if (c == 0xe0)
        lo = 0xa0;
    else if (c == 0xed)
        hi = 0x9f;
    else if (c == 0xf0)
        lo = 0x90;
    else if (c == 0xf4)
        hi = 0x8f;
    return s[1] >= lo && s[1] <= hi ? len : 0;
}
/* True for the code points that steer a terminal or the text direction
 * without being seen: C0 controls, DEL, C1 controls (U+0080-U+009F; U+009B
 * is a one-byte CSI to some terminals) and the bidi embeddings, overrides
 * and isolates (U+202A-U+202E, U+2066-U+2069), which can make a line read
 * as something it is not. Text from an index shows none of them raw. */
static inline bool pdx_is_control_cp(int32_t cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

/* Longest prefix of s[0..n) that is at most max bytes and ends on a UTF-8
 * character boundary (s is valid UTF-8). */
static inline size_t pdx_utf8_cut(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    size_t cut = max;
    while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
        cut--;
    return cut;
}

/* Bytes of the first character of s[0..n) (its lead byte and the
 * continuation bytes after it), and of the last one: for text already known
 * to be valid UTF-8, such as index terms. */
static inline size_t pdx_utf8_first_len(const char *s, size_t n)
{
    size_t k = 1;
    while (k < n && ((unsigned char)s[k] & 0xc0) == 0x80)
        k++;
    return k;
}
static inline size_t pdx_utf8_last_len(const char *s, size_t n)
{
    size_t k = 1;
    while (k < n && ((unsigned char)s[n - k] & 0xc0) == 0x80)
        k++;
    return k;
}
/* The precomposed Hangul syllable (U+AC00..U+D7A3, three bytes of valid
 * UTF-8) p[0..n) starts with, or -1. Most of a summary's non-ASCII text is
 * such syllables, so writers copy runs of them and the snippet scan reads
 * them without decoding each character in general. */
static inline int32_t pdx_utf8_syllable(const uint8_t *p, size_t n)
{
    if (n < 3)
        return -1;
    /* UTF-8 keeps code point order: the syllables are the three bytes
     * EA B0 80 (U+AC00) to ED 9E A3 (U+D7A3) whose last two are
     * continuation bytes. One range test and one mask test. */
    uint32_t v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
    if (v - 0xeab080u > 0xed9ea3u - 0xeab080u || (v & 0xc0c0u) != 0x8080u)
        return -1;
    return (int32_t)((v >> 4 & 0xf000u) | (v >> 2 & 0x0fc0u) | (v & 0x3fu));
}
/* End of the run from p[i] (i <= n) of the characters a writer copies as
 * they are: printable ASCII and precomposed Hangul syllables, most of a
 * summary (the rest goes one character at a time); with `json`, '"' and
 * '\\' end it too, as JSON escapes them. */
static inline size_t pdx_utf8_plain_run(const uint8_t *p, size_t n, size_t i, bool json)
{
    while (i < n) {
        uint8_t c = p[i];
        if (c >= 0x20 && c < 0x7f && !(json && (c == '"' || c == '\\')))
            i++;
        else if (pdx_utf8_syllable(p + i, n - i) >= 0)
            i += 3;
        else
            break;
    }
    return i;
}
/* Appends text to b with every invalid sequence replaced by U+FFFD; returns
 * how many replacements were made. */
size_t pdx_utf8_sanitize(pdx_buf *b, const char *s, size_t n);

#endif
