/*
 * The encoded Korean<->English lexicon: encoder, validating reader, lookups.
 * See lexicon.h for the API and docs/LEXICON.md for how the pairs are mined.
 *
 * Byte layout, version 4 (little-endian, read with the get/put helpers)
 * ----------------------------------------------------------------------
 *
 *   offset  size        field
 *   0       8           magic "PDXLEX\0\0"
 *   8       4           u32 version (PDX_LEXICON_VERSION = 4; 1 to 3 are
 *                       read too)
 *   12      4           u32 n_pairs
 *   16      4           u32 strings_len: bytes of the STRINGS area
 *   20      4           u32 min_support the pairs were mined with
 *   24      8           u64 checksum: pdx_hash() of bytes 32..end
 *   32      16*n_pairs  PAIRS, sorted by (ko terms, support descending,
 *                       en terms); no (ko, en) twice. Each record:
 *                         u32 ko_off    string: Korean terms, joined form
 *                         u32 en_off    string: English terms, joined form
 *                         u32 surf_off  two strings back to back: Korean
 *                                       surface, then English surface
 *                         u32 support   bits 0-28: >= 1; bit 29: both ways
 *                                       (a one-way pair read both ways: a
 *                                       loanword's, or words mostly each
 *                                       other's);
 *                                       bit 30: head (the last words of a
 *                                       longer name); bit 31: one-way (found
 *                                       by company): lexicon.h. Version 3:
 *                                       bits 0-29 the support, no bit 29;
 *                                       version 2: bits 0-30, no head
 *                                       either; version 1: the whole u32 the
 *                                       support
 *           4*n_pairs   EN_ORDER: the pair ordinals sorted by (en terms,
 *                       support descending, ko terms); a permutation
 *           strings_len STRINGS: each string is a varint length (>= 1)
 *                       followed by that many bytes of valid UTF-8.
 *                       Offsets are relative to the start of STRINGS.
 *                       Identical strings may be shared by several pairs.
 *
 * The blob ends exactly after STRINGS (length = 32 + 20*n_pairs +
 * strings_len). A term sequence ("joined form") is its terms separated by
 * single spaces: no leading, trailing or double space, no byte below 0x20,
 * each term at most PDX_MAX_TERM_BYTES bytes.
 *
 * Why this shape: a lookup is a binary search over PAIRS (Korean key) or
 * EN_ORDER (English key) comparing joined strings with memcmp, which is the
 * term-by-term order because the separator sorts below every term byte; the
 * matches are then consecutive, most supported first. Korean sides repeat
 * in consecutive pairs, so the encoder writes each distinct one once.
 * A reader that serves many lookups builds, in memory only, a hash index
 * per side from each run's first rank (lex_index_build() below), so that a lookup
 * reads one slot instead of ~13 records and strings (a searcher looks a
 * query's words up once each, cache-cold).
 */
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "lexicon.h"
#include "paperdex/tokenizer.h"

#define LEX_MAGIC "PDXLEX\0\0"
#define LEX_MAGIC_LEN 8
#define LEX_HDR_VERSION 8
#define LEX_HDR_NPAIRS 12
#define LEX_HDR_STRINGS_LEN 16
#define LEX_HDR_MIN_SUPPORT 20
#define LEX_HDR_CHECKSUM 24
#define LEX_HEADER_SIZE 32
#define LEX_PAIR_SIZE 16
#define LEX_PAIR_KO 0
#define LEX_PAIR_EN 4
#define LEX_PAIR_SURF 8
#define LEX_PAIR_SUPPORT 12
#define LEX_ORDER_SIZE 4

/* Why a lexicon was refused. Kept behind a pointer in the handle: lookups
 * take a const handle (the searcher shares it read-only) and check each
 * record they read, and a fault they find must stick. Searchers on one
 * index may run in several threads (paperdex-serve), so the first fault
 * is claimed atomically and its message written before its code is. */
typedef struct lex_fault {
    _Atomic int err; /* PDX_OK, LEX_WRITING while msg is written, or the code */
    char msg[160];   /* the message naming the byte offset, "" while PDX_OK */
} lex_fault;

/* err while the claiming thread writes msg (no pdx error code is this). */
#define LEX_WRITING INT_MIN

/* A hash index of one side's keys (terms strings): the first rank of each
 * key's run, found in one or two probes where a binary search makes about
 * 13, each a cache miss in a searcher that runs once per query; and most
 * lookups find nothing (the searcher tries every span of up to 4 query
 * words), which the index answers from one slot. Open addressing with
 * linear probing, at most half full. Built from the bytes as they are,
 * unchecked: it only says which rank to compare, and that comparison
 * checks what it reads, as a binary search probe does.
 *
 * An index is its slots alone (lex_index_mask() says how many, from the
 * pair count), so that a lookup reads one cache line of it: each slot is 0
 * (free) or the key's hash's high 32 bits << 32 | its first rank + 1, and a
 * key whose tag differs is passed over without reading its string. When
 * the build meets a string or ordinal out of bounds the side gets
 * lex_unindexed instead: every lookup then searches, so that the key the
 * index would have held does not look absent and the lookups that read the
 * damage report it. */
static uint64_t lex_unindexed[1];

/* Frees a side's index (the marker is not allocated). */
static void lex_index_free(uint64_t *slots)
{
    if (slots != lex_unindexed)
        free(slots);
}

/* Lookups on a side before its index is built: a one-shot search (a few
 * lookups) does not pay the O(n) build; a searcher that serves queries
 * does, once. */
#define LEX_INDEX_AFTER 16

/* What lookups build and keep. Behind a pointer in the handle, as the fault
 * is: written through the const handle that searchers in several threads
 * share. */
typedef struct lex_memo {
    _Atomic(uint64_t *) index[2]; /* per side: NULL, owned slots, or lex_unindexed */
    _Atomic uint32_t lookups[2];  /* lookups per side while it has no index */
} lex_memo;

/* The fields are in the order a lookup reads them: a searcher looks a
 * query's words up once per query, cache-cold, and the handle is allocated
 * on a cache line (LEX_LINE) so that what every lookup reads (the first
 * line: pointers and sizes; the second: the index pointers and the fault's
 * code) costs two misses, not four. */
struct pdx_lexicon {
    const uint8_t *data;     /* the blob; not owned */
    const uint8_t *pairs;    /* PAIRS inside data */
    const uint8_t *en_order; /* EN_ORDER inside data */
    const uint8_t *strings;  /* STRINGS inside data */
    /* n_pairs sets of LEX_CHECKED_* bits: what of record i was read and
     * found valid. The blob is immutable, so a searcher that looks the same
     * words up query after query (paperdex-serve, the benchmarks) checks
     * each string once, not at every lookup; a binary search probe reads
     * only its side's terms, so that side has a bit of its own. Atomic:
     * searchers in several threads share it. */
    _Atomic uint8_t *checked;
    lex_fault *fault;      /* points at fault_store: written through a const handle */
    lex_memo *memo;        /* points at memo_store: written through a const handle */
    uint32_t n_pairs;      /* records in PAIRS (0 after a failed open) */
    uint32_t strings_len;  /* bytes of STRINGS */
    lex_memo memo_store;   /* the keys' indexes and the lookups counted until they exist */
    lex_fault fault_store; /* the first fault found, at open, verify or lookup */
    size_t len;            /* the blob's length */
    uint32_t min_support;  /* from the header */
    uint32_t version;      /* from the header: 1 or PDX_LEXICON_VERSION */
};

/* A cache line: the handle's alignment. */
#define LEX_LINE 64

#define LEX_CHECKED_KO 1u  /* the Korean terms string is valid */
#define LEX_CHECKED_EN 2u  /* the English terms string is valid */
#define LEX_CHECKED_ALL 4u /* the whole record is: all four strings, support */

/* ---- the joined form ---- */

bool pdx_lexicon_terms_valid(const char *s, size_t n)
{
    size_t term = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)s[i];
        if (c < 0x20)
            return false;
        if (c == ' ') {
            if (term == 0)
                return false;
            term = 0;
        } else if (++term > PDX_MAX_TERM_BYTES) {
            return false;
        }
    }
    return term > 0;
}

/* True when s[0..n) is entirely valid UTF-8. */
static bool lex_utf8_valid(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t k = pdx_utf8_decode(s + i, n - i, NULL);
        if (k == 0)
            return false;
        i += k;
    }
    return true;
}

static int lex_bytes_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t n = PDX_MIN(alen, blen);
    int c = n ? memcmp(a, b, n) : 0; /* memcmp may not see NULL, even for 0 */
    if (c)
        return c;
    return (alen > blen) - (alen < blen);
}

/* The order of PAIRS (side KO) or EN_ORDER (side EN): key side, support
 * descending, other side. The one comparator of encoder and validator. */
static int lex_pair_cmp(const pdx_lex_pair *a, const pdx_lex_pair *b, pdx_lex_side side)
{
    int c = side == PDX_LEX_KO
                ? lex_bytes_cmp(a->ko_terms, a->ko_terms_len, b->ko_terms, b->ko_terms_len)
                : lex_bytes_cmp(a->en_terms, a->en_terms_len, b->en_terms, b->en_terms_len);
    if (c)
        return c;
    if (a->support != b->support)
        return a->support > b->support ? -1 : 1;
    return side == PDX_LEX_KO
               ? lex_bytes_cmp(a->en_terms, a->en_terms_len, b->en_terms, b->en_terms_len)
               : lex_bytes_cmp(a->ko_terms, a->ko_terms_len, b->ko_terms, b->ko_terms_len);
}

void pdx_lexicon_key_add(pdx_buf *key, const char *term, size_t len)
{
    if (key->len > 0)
        pdx_buf_putc(key, ' ');
    /* A bridge ("화 학") keys as its bigram, so "강화 학습" and "강화학습"
     * are one key; no other term has a space. */
    size_t at = key->len;
    pdx_buf_append(key, term, len);
    if (!key->err)
        key->len = at + pdx_term_unbridge((char *)key->data + at, len, (char *)key->data + at);
}

static int key_term(const pdx_token *tok, void *payload)
{
    pdx_lexicon_key_add(payload, tok->term, tok->term_len);
    return 0;
}

int pdx_lexicon_key_of(pdx_tokenizer *tk, int flags, const char *t, size_t n, pdx_buf *key)
{
    pdx_buf_reset(key);
    int rc = pdx_tokenize(tk, flags, t, n, 0, NULL, key_term, key);
    return rc ? rc : key->err;
}

/* ---- encoder ---- */

/* qsort has no context argument, so each sort slot carries what it needs. */
typedef struct lex_slot {
    const pdx_lex_pair *p; /* the pair (caller's memory) */
    uint32_t ordinal;      /* its index in PAIRS once sorted by Korean */
} lex_slot;

static int lex_slot_cmp_ko(const void *a, const void *b)
{
    return lex_pair_cmp(((const lex_slot *)a)->p, ((const lex_slot *)b)->p, PDX_LEX_KO);
}

static int lex_slot_cmp_en(const void *a, const void *b)
{
    return lex_pair_cmp(((const lex_slot *)a)->p, ((const lex_slot *)b)->p, PDX_LEX_EN);
}

static bool lex_pair_valid(const pdx_lex_pair *p)
{
    return p->support > 0 && p->support <= PDX_LEX_MAX_SUPPORT && p->ko_surface_len > 0 &&
           p->en_surface_len > 0 &&
           pdx_lexicon_terms_valid(p->ko_terms, p->ko_terms_len) &&
           pdx_lexicon_terms_valid(p->en_terms, p->en_terms_len);
}

static bool lex_same_key(const pdx_lex_pair *a, const pdx_lex_pair *b)
{
    return lex_bytes_cmp(a->ko_terms, a->ko_terms_len, b->ko_terms, b->ko_terms_len) == 0 &&
           lex_bytes_cmp(a->en_terms, a->en_terms_len, b->en_terms, b->en_terms_len) == 0;
}

/* Writes STRINGS into strs and the PAIRS records into recs, sharing a
 * Korean term string with the previous pair when they are equal. */
static void lex_write_pairs(const lex_slot *slots, size_t n, pdx_buf *recs, pdx_buf *strs)
{
    uint32_t ko_off = 0;
    for (size_t i = 0; i < n; i++) {
        const pdx_lex_pair *p = slots[i].p;
        if (i == 0 || lex_bytes_cmp(p->ko_terms, p->ko_terms_len, slots[i - 1].p->ko_terms,
                                    slots[i - 1].p->ko_terms_len) != 0) {
            ko_off = (uint32_t)strs->len;
            pdx_buf_put_str(strs, p->ko_terms, p->ko_terms_len);
        }
        pdx_buf_put_u32(recs, ko_off);
        pdx_buf_put_u32(recs, (uint32_t)strs->len);
        pdx_buf_put_str(strs, p->en_terms, p->en_terms_len);
        pdx_buf_put_u32(recs, (uint32_t)strs->len);
        pdx_buf_put_str(strs, p->ko_surface, p->ko_surface_len);
        pdx_buf_put_str(strs, p->en_surface, p->en_surface_len);
        pdx_buf_put_u32(recs, p->support | (p->both_ways ? 1u << 29 : 0) | (p->head ? 1u << 30 : 0) |
                                  (p->one_way ? 1u << 31 : 0));
    }
}

static void lex_write_header(pdx_buf *out, size_t n, size_t strings_len, uint32_t min_support,
                             const pdx_buf *body)
{
    uint8_t h[LEX_HEADER_SIZE] = {0};
    memcpy(h, LEX_MAGIC, LEX_MAGIC_LEN);
    pdx_put_u32(h + LEX_HDR_VERSION, PDX_LEXICON_VERSION);
    pdx_put_u32(h + LEX_HDR_NPAIRS, (uint32_t)n);
    pdx_put_u32(h + LEX_HDR_STRINGS_LEN, (uint32_t)strings_len);
    pdx_put_u32(h + LEX_HDR_MIN_SUPPORT, min_support);
    pdx_put_u64(h + LEX_HDR_CHECKSUM, pdx_hash(body->data ? body->data : h, body->len));
    pdx_buf_append(out, h, sizeof h);
    pdx_buf_append(out, body->data, body->len);
}

int pdx_lexicon_encode(pdx_buf *out, const pdx_lex_pair *pairs, size_t n,
                       uint32_t min_support)
{
    if (!out || (n > 0 && !pairs))
        return PDX_EINVAL;
    if (out->err)
        return out->err;
    if (n > UINT32_MAX / (LEX_PAIR_SIZE + LEX_ORDER_SIZE))
        return PDX_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (!lex_pair_valid(&pairs[i]))
            return PDX_EINVAL;
    lex_slot *slots = malloc((n ? n : 1) * sizeof *slots);
    if (!slots)
        return PDX_ENOMEM;
    for (size_t i = 0; i < n; i++)
        slots[i].p = &pairs[i];
    qsort(slots, n, sizeof *slots, lex_slot_cmp_ko);
    int rc = PDX_OK;
    for (size_t i = 0; i < n; i++) {
        slots[i].ordinal = (uint32_t)i;
        if (i > 0 && lex_same_key(slots[i - 1].p, slots[i].p))
            rc = PDX_EINVAL;
    }
    pdx_buf body = {0}, strs = {0};
    if (rc == PDX_OK) {
        lex_write_pairs(slots, n, &body, &strs);
        qsort(slots, n, sizeof *slots, lex_slot_cmp_en);
        for (size_t i = 0; i < n; i++)
            pdx_buf_put_u32(&body, slots[i].ordinal);
        pdx_buf_append(&body, strs.data, strs.len);
        if (body.err || strs.err)
            rc = PDX_ENOMEM;
        else if (body.len > UINT32_MAX - LEX_HEADER_SIZE)
            rc = PDX_EINVAL;
    }
    if (rc == PDX_OK) {
        lex_write_header(out, n, strs.len, min_support, &body);
        rc = out->err;
    }
    pdx_buf_free(&body);
    pdx_buf_free(&strs);
    free(slots);
    return rc;
}

/* ---- reader: validation ---- */

/* The lexicon's fault: PDX_OK or a code, once any message is written. */
static int lex_err(const pdx_lexicon *lx)
{
    int e;
    while ((e = atomic_load(&lx->fault->err)) == LEX_WRITING)
        ; /* another thread is writing the message: one snprintf */
    return e;
}

/* The one place a fault is recorded, so a debugger can break here. The
 * first fault sticks: every later call returns it. */
static int lex_corrupt(const pdx_lexicon *lx, int code, size_t offset, const char *what)
{
    lex_fault *f = lx->fault;
    int expected = PDX_OK;
    if (atomic_compare_exchange_strong(&f->err, &expected, LEX_WRITING)) {
        snprintf(f->msg, sizeof f->msg, "lexicon: byte offset %zu: %s", offset, what);
        atomic_store(&f->err, code);
    }
    return lex_err(lx);
}

/* Reads the string at STRINGS offset off: its bytes and the offset just
 * after it. False when it does not fit in STRINGS or is empty. */
static bool lex_string_at(const pdx_lexicon *lx, uint64_t off, const char **s_out,
                          size_t *len_out, uint64_t *next_out)
{
    if (off >= lx->strings_len)
        return false;
    const uint8_t *p = lx->strings + off;
    const uint8_t *end = lx->strings + lx->strings_len;
    uint64_t n;
    if (!pdx_get_varint(&p, end, &n) || n == 0 || n > (uint64_t)(end - p))
        return false;
    *s_out = (const char *)p;
    *len_out = (size_t)n;
    if (next_out)
        *next_out = (uint64_t)(p + n - lx->strings);
    return true;
}

/* The check of a string's bytes that lex_read_string() does until the
 * string is known valid: UTF-8, and the joined form when `joined`. Apart,
 * so that the probes' path (string known valid) stays small. */
static int lex_check_string(const pdx_lexicon *lx, const char *s, size_t n, bool joined,
                            const char *what)
{
    if (!lex_utf8_valid((const uint8_t *)s, n) || (joined && !pdx_lexicon_terms_valid(s, n)))
        return lex_corrupt(lx, PDX_ECORRUPT, (size_t)((const uint8_t *)s - lx->data), what);
    return PDX_OK;
}

/* Reads one string of the pair record at rec_off: in bounds, UTF-8, and
 * in the joined form when `joined` (the bytes checked unless known_valid). */
static inline int lex_read_string(const pdx_lexicon *lx, size_t rec_off, uint64_t off,
                                  bool joined, const char **s_out, size_t *len_out,
                                  uint64_t *next_out, const char *what, bool known_valid)
{
    if (!lex_string_at(lx, off, s_out, len_out, next_out))
        return lex_corrupt(lx, PDX_ECORRUPT, rec_off, what);
    return known_valid ? PDX_OK : lex_check_string(lx, *s_out, *len_out, joined, what);
}

/* The LEX_CHECKED_* bits of record i (none without the array). */
static unsigned lex_checked(const pdx_lexicon *lx, uint32_t i)
{
    return lx->checked ? atomic_load_explicit(&lx->checked[i], memory_order_relaxed) : 0;
}

/* Records that bits of record i were found valid. Relaxed: a bit lost to a
 * race only makes a later read check that string again. */
static void lex_set_checked(const pdx_lexicon *lx, uint32_t i, unsigned bits)
{
    if (lx->checked)
        atomic_fetch_or_explicit(&lx->checked[i], (uint8_t)bits, memory_order_relaxed);
}

/* Byte offset of PAIRS record i in the blob. */
static size_t lex_rec_off(const pdx_lexicon *lx, uint32_t i)
{
    return (size_t)(lx->pairs - lx->data) + (size_t)i * LEX_PAIR_SIZE;
}

/* Byte offset of rank i's slot in the order by side: its PAIRS record
 * (Korean) or its EN_ORDER ordinal (English). */
static size_t lex_rank_off(const pdx_lexicon *lx, pdx_lex_side side, uint32_t i)
{
    if (side == PDX_LEX_KO)
        return lex_rec_off(lx, i);
    return (size_t)(lx->en_order - lx->data) + (size_t)i * LEX_ORDER_SIZE;
}

/* What a broken order by side is reported as. */
static const char *lex_disorder_msg(pdx_lex_side side)
{
    return side == PDX_LEX_KO ? "pairs out of order or repeated" : "English order: out of order";
}

/* Reads the `side` terms string of record i, checked the first time: all
 * a binary search probe needs, so a lookup does not decode (or validate)
 * the other three strings of every record it passes. */
static int lex_key_read(const pdx_lexicon *lx, pdx_lex_side side, uint32_t i, const char **s_out,
                        size_t *len_out)
{
    size_t field = side == PDX_LEX_KO ? LEX_PAIR_KO : LEX_PAIR_EN;
    unsigned bit = side == PDX_LEX_KO ? LEX_CHECKED_KO : LEX_CHECKED_EN;
    size_t rec_off = lex_rec_off(lx, i);
    bool ok = lex_checked(lx, i) & bit;
    int rc = lex_read_string(lx, rec_off + field, pdx_get_u32(lx->data + rec_off + field), true,
                             s_out, len_out, NULL,
                             side == PDX_LEX_KO ? "bad Korean terms string"
                                                : "bad English terms string",
                             ok);
    if (rc == PDX_OK && !ok)
        lex_set_checked(lx, i, bit);
    return rc;
}

/* Decodes pair record i, checking everything it reads: a lookup pays for
 * the records it touches only, and damage there is still an error. */
static int lex_pair_read(const pdx_lexicon *lx, uint32_t i, pdx_lex_pair *out)
{
    size_t rec_off = lex_rec_off(lx, i);
    const uint8_t *r = lx->data + rec_off;
    unsigned bits = lex_checked(lx, i);
    bool ok = bits & LEX_CHECKED_ALL;
    uint64_t next = 0;
    int rc;
    if ((rc = lex_read_string(lx, rec_off + LEX_PAIR_KO, pdx_get_u32(r + LEX_PAIR_KO), true,
                              &out->ko_terms, &out->ko_terms_len, NULL,
                              "bad Korean terms string", bits & LEX_CHECKED_KO)) ||
        (rc = lex_read_string(lx, rec_off + LEX_PAIR_EN, pdx_get_u32(r + LEX_PAIR_EN), true,
                              &out->en_terms, &out->en_terms_len, NULL,
                              "bad English terms string", bits & LEX_CHECKED_EN)) ||
        (rc = lex_read_string(lx, rec_off + LEX_PAIR_SURF, pdx_get_u32(r + LEX_PAIR_SURF),
                              false, &out->ko_surface, &out->ko_surface_len, &next,
                              "bad Korean surface string", ok)) ||
        (rc = lex_read_string(lx, rec_off + LEX_PAIR_SURF, next, false, &out->en_surface,
                              &out->en_surface_len, NULL, "bad English surface string", ok)))
        return rc;
    uint32_t sup = pdx_get_u32(r + LEX_PAIR_SUPPORT);
    /* version 1 has no flags, version 2 no head bit, version 3 no both-ways bit */
    out->one_way = lx->version >= 2 && sup >> 31;
    out->head = lx->version >= 3 && (sup >> 30 & 1);
    out->both_ways = lx->version >= 4 && (sup >> 29 & 1);
    out->support = lx->version >= 4   ? sup & PDX_LEX_MAX_SUPPORT
                   : lx->version == 3 ? sup & 0x3FFFFFFFu
                   : lx->version == 2 ? sup & 0x7FFFFFFFu
                                      : sup;
    if (out->support == 0)
        return lex_corrupt(lx, PDX_ECORRUPT, rec_off + LEX_PAIR_SUPPORT, "support is zero");
    if (!ok)
        lex_set_checked(lx, i, LEX_CHECKED_KO | LEX_CHECKED_EN | LEX_CHECKED_ALL);
    return PDX_OK;
}

/* Every record valid, and PAIRS strictly in KO order. */
static int lex_check_pairs(const pdx_lexicon *lx)
{
    pdx_lex_pair prev = {0}, cur;
    for (uint32_t i = 0; i < lx->n_pairs; i++) {
        int rc = lex_pair_read(lx, i, &cur);
        if (rc)
            return rc;
        if (i > 0 && lex_pair_cmp(&prev, &cur, PDX_LEX_KO) >= 0)
            return lex_corrupt(lx, PDX_ECORRUPT, lex_rec_off(lx, i),
                               lex_disorder_msg(PDX_LEX_KO));
        prev = cur;
    }
    return PDX_OK;
}

/* EN_ORDER is a permutation of the ordinals, strictly in EN order (the
 * records themselves were checked by lex_check_pairs). */
static int lex_check_en_order(const pdx_lexicon *lx)
{
    uint8_t *seen = calloc(lx->n_pairs ? lx->n_pairs : 1, 1);
    if (!seen)
        return PDX_ENOMEM;
    pdx_lex_pair prev = {0}, cur;
    int rc = PDX_OK;
    for (uint32_t i = 0; i < lx->n_pairs && rc == PDX_OK; i++) {
        size_t off = lex_rank_off(lx, PDX_LEX_EN, i);
        uint32_t ord = pdx_get_u32(lx->data + off);
        if (ord >= lx->n_pairs || seen[ord]) {
            rc = lex_corrupt(lx, PDX_ECORRUPT, off, "English order: bad or repeated ordinal");
            break;
        }
        seen[ord] = 1;
        rc = lex_pair_read(lx, ord, &cur);
        if (rc == PDX_OK && i > 0 && lex_pair_cmp(&prev, &cur, PDX_LEX_EN) >= 0)
            rc = lex_corrupt(lx, PDX_ECORRUPT, off, lex_disorder_msg(PDX_LEX_EN));
        prev = cur;
    }
    free(seen);
    return rc;
}

/* The header, and the sizes it gives against the blob's length: what a
 * lookup needs to bound every read. O(1). */
static int lex_check_header(pdx_lexicon *lx)
{
    const uint8_t *d = lx->data;
    if (lx->len < LEX_HEADER_SIZE)
        return lex_corrupt(lx, PDX_ECORRUPT, lx->len, "truncated header");
    if (memcmp(d, LEX_MAGIC, LEX_MAGIC_LEN) != 0)
        return lex_corrupt(lx, PDX_ECORRUPT, 0, "bad magic");
    lx->version = pdx_get_u32(d + LEX_HDR_VERSION);
    if (lx->version < 1 || lx->version > PDX_LEXICON_VERSION)
        return lex_corrupt(lx, PDX_EVERSION, LEX_HDR_VERSION, "unsupported lexicon version");
    uint64_t n = pdx_get_u32(d + LEX_HDR_NPAIRS);
    uint64_t slen = pdx_get_u32(d + LEX_HDR_STRINGS_LEN);
    uint64_t want = LEX_HEADER_SIZE + n * (LEX_PAIR_SIZE + LEX_ORDER_SIZE) + slen;
    if (want != lx->len)
        return lex_corrupt(lx, PDX_ECORRUPT, LEX_HDR_NPAIRS,
                           "pair count and strings length disagree with the size");
    lx->n_pairs = (uint32_t)n;
    lx->strings_len = (uint32_t)slen;
    lx->min_support = pdx_get_u32(d + LEX_HDR_MIN_SUPPORT);
    lx->pairs = d + LEX_HEADER_SIZE;
    lx->en_order = lx->pairs + n * LEX_PAIR_SIZE;
    lx->strings = lx->en_order + n * LEX_ORDER_SIZE;
    return PDX_OK;
}

static int lex_check_checksum(const pdx_lexicon *lx)
{
    const uint8_t *d = lx->data;
    if (pdx_hash(d + LEX_HEADER_SIZE, lx->len - LEX_HEADER_SIZE) !=
        pdx_get_u64(d + LEX_HDR_CHECKSUM))
        return lex_corrupt(lx, PDX_ECORRUPT, LEX_HDR_CHECKSUM, "checksum mismatch");
    return PDX_OK;
}

int pdx_lexicon_open_lazy(pdx_lexicon **out, const void *data, size_t len)
{
    if (!out)
        return PDX_EINVAL;
    *out = NULL;
    size_t size = (sizeof(pdx_lexicon) + LEX_LINE - 1) / LEX_LINE * LEX_LINE;
    pdx_lexicon *lx = aligned_alloc(LEX_LINE, size);
    if (!lx)
        return PDX_ENOMEM;
    memset(lx, 0, size);
    lx->fault = &lx->fault_store;
    atomic_init(&lx->fault_store.err, PDX_OK);
    lx->memo = &lx->memo_store;
    for (int side = 0; side < 2; side++) {
        atomic_init(&lx->memo_store.index[side], NULL);
        atomic_init(&lx->memo_store.lookups[side], 0);
    }
    lx->data = data;
    lx->len = data ? len : 0;
    *out = lx;
    int rc = lex_check_header(lx);
    if (rc == PDX_OK && lx->n_pairs && !(lx->checked = calloc(lx->n_pairs, 1))) {
        free(lx);
        *out = NULL;
        return PDX_ENOMEM;
    }
    return rc;
}

int pdx_lexicon_verify(const pdx_lexicon *lx)
{
    if (!lx)
        return PDX_EINVAL;
    int err = lex_err(lx);
    if (err)
        return err;
    int rc = lex_check_checksum(lx);
    if (rc == PDX_OK)
        rc = lex_check_pairs(lx);
    if (rc == PDX_OK)
        rc = lex_check_en_order(lx);
    return rc;
}

int pdx_lexicon_open(pdx_lexicon **out, const void *data, size_t len)
{
    int rc = pdx_lexicon_open_lazy(out, data, len);
    if (rc == PDX_OK)
        rc = pdx_lexicon_verify(*out);
    if (rc == PDX_ENOMEM) {
        pdx_lexicon_free(*out);
        *out = NULL;
    }
    return rc;
}

void pdx_lexicon_free(pdx_lexicon *lx)
{
    if (lx) {
        free((void *)lx->checked);
        for (int side = 0; side < 2; side++)
            lex_index_free(atomic_load(&lx->memo_store.index[side]));
    }
    free(lx);
}

const char *pdx_lexicon_errmsg(const pdx_lexicon *lx)
{
    return lx && lex_err(lx) ? lx->fault->msg : "";
}

int pdx_lexicon_error(const pdx_lexicon *lx)
{
    return lx ? lex_err(lx) : PDX_EINVAL;
}

uint32_t pdx_lexicon_count(const pdx_lexicon *lx)
{
    return lx && !lex_err(lx) ? lx->n_pairs : 0;
}

uint32_t pdx_lexicon_min_support(const pdx_lexicon *lx)
{
    return lx && !lex_err(lx) ? lx->min_support : 0;
}

/* ---- lookups ---- */

/* Ordinal in PAIRS of rank i in the order by side (bounds-checked: the
 * English order is read, not trusted). */
static int lex_ordinal(const pdx_lexicon *lx, pdx_lex_side side, uint32_t i, uint32_t *out)
{
    if (side == PDX_LEX_KO) {
        *out = i;
        return PDX_OK;
    }
    size_t off = lex_rank_off(lx, side, i);
    *out = pdx_get_u32(lx->data + off);
    if (*out >= lx->n_pairs)
        return lex_corrupt(lx, PDX_ECORRUPT, off, "English order: bad or repeated ordinal");
    return PDX_OK;
}

/* The pair of rank i in the order by side, checked as it is read. */
static int lex_rank_read(const pdx_lexicon *lx, pdx_lex_side side, uint32_t i,
                         pdx_lex_pair *out)
{
    uint32_t ord;
    int rc = lex_ordinal(lx, side, i, &ord);
    return rc ? rc : lex_pair_read(lx, ord, out);
}

/* The `side` key string of rank i, unchecked (the index is built from the
 * bytes as they are): false when its ordinal or string is out of bounds. */
static bool lex_rank_key_raw(const pdx_lexicon *lx, pdx_lex_side side, uint32_t i,
                             const char **s_out, size_t *len_out)
{
    uint32_t ord = i;
    if (side == PDX_LEX_EN &&
        (ord = pdx_get_u32(lx->data + lex_rank_off(lx, side, i))) >= lx->n_pairs)
        return false;
    size_t field = side == PDX_LEX_KO ? LEX_PAIR_KO : LEX_PAIR_EN;
    return lex_string_at(lx, pdx_get_u32(lx->data + lex_rec_off(lx, ord) + field), s_out, len_out,
                         NULL);
}

/* Slots - 1 of an index (slots a power of two, at least twice the pairs,
 * so at most half full), from the pair count alone. */
static uint64_t lex_index_mask(const pdx_lexicon *lx)
{
    uint64_t want = 2 * (uint64_t)lx->n_pairs;
    return want <= 16 ? 15 : (UINT64_MAX >> __builtin_clzll(want - 1));
}

/* A slot's tag: the high 32 bits of the key's hash, in place. */
static uint64_t lex_index_tag(uint64_t h)
{
    return h & ~(uint64_t)UINT32_MAX;
}

/* Adds key s[0..n) of rank r to the index, unless it holds the key already:
 * in a valid lexicon a key's ranks are one run and only its first comes
 * here; in a damaged one the earliest rank is kept. */
static void lex_index_add(const pdx_lexicon *lx, pdx_lex_side side, uint64_t *slots, const char *s,
                          size_t n, uint32_t r)
{
    uint64_t h = pdx_hash(s, n), mask = lex_index_mask(lx);
    for (uint64_t i = h & mask;; i = (i + 1) & mask) {
        uint64_t e = slots[i];
        const char *o;
        size_t on;
        if (e == 0) {
            slots[i] = lex_index_tag(h) | ((uint64_t)r + 1);
            return;
        }
        if (lex_index_tag(e) == lex_index_tag(h) &&
            lex_rank_key_raw(lx, side, (uint32_t)e - 1, &o, &on) && lex_bytes_cmp(o, on, s, n) == 0)
            return;
    }
}

/* The index of side's keys: each run's first rank (a Korean string shared
 * with the previous rank is the same run); lex_unindexed when a string or
 * ordinal is out of bounds. NULL without memory (the lookups then search,
 * and a later one builds). */
__attribute__((cold, noinline)) static uint64_t *lex_index_build(const pdx_lexicon *lx,
                                                                 pdx_lex_side side)
{
    uint64_t *slots = calloc(lex_index_mask(lx) + 1, sizeof *slots);
    if (!slots)
        return NULL;
    const char *prev = NULL;
    size_t prev_len = 0;
    for (uint32_t r = 0; r < lx->n_pairs; r++) {
        const char *s;
        size_t n;
        if (!lex_rank_key_raw(lx, side, r, &s, &n)) {
            free(slots);
            return lex_unindexed;
        }
        if (prev && lex_bytes_cmp(prev, prev_len, s, n) == 0)
            continue; /* the run goes on */
        lex_index_add(lx, side, slots, s, n, r);
        prev = s;
        prev_len = n;
    }
    return slots;
}

/* Side's index: NULL for its first LEX_INDEX_AFTER lookups, then built
 * once (threads that race to build it keep the first one published and
 * free theirs). */
static const uint64_t *lex_index_of(const pdx_lexicon *lx, pdx_lex_side side)
{
    lex_memo *m = lx->memo;
    uint64_t *ix = atomic_load_explicit(&m->index[side], memory_order_acquire);
    if (ix ||
        atomic_fetch_add_explicit(&m->lookups[side], 1, memory_order_relaxed) < LEX_INDEX_AFTER)
        return ix;
    uint64_t *mine = lex_index_build(lx, side);
    if (!mine)
        return NULL;
    if (!atomic_compare_exchange_strong_explicit(&m->index[side], &ix, mine, memory_order_acq_rel,
                                                 memory_order_acquire)) {
        lex_index_free(mine);
        return ix;
    }
    return mine;
}
/* Compares the `side` terms of rank i with key into *cmp_out (as memcmp:
 * the rank's terms against the key). */
static int lex_rank_cmp(const pdx_lexicon *lx, pdx_lex_side side, uint32_t i, const char *key,
                        size_t key_len, int *cmp_out)
{
    uint32_t ord;
    const char *s = NULL;
    size_t n = 0;
    int rc = lex_ordinal(lx, side, i, &ord);
    if (rc == PDX_OK)
        rc = lex_key_read(lx, side, ord, &s, &n);
    if (rc == PDX_OK)
        *cmp_out = lex_bytes_cmp(s, n, key, key_len);
    return rc;
}

/* The first rank whose key is >= key into *out, and whether that rank's
 * key equals key into *equal_out (false when there is no such rank): one
 * binary search, O(log n) probes. The rank it ends on is the last probe
 * that compared >= 0, so the answer to "is there a match at all" costs no
 * further probe -- most lookups find nothing (the searcher tries every span
 * of a query's words). */
__attribute__((noinline)) static int lex_lower_bound(const pdx_lexicon *lx, pdx_lex_side side,
                                                     const char *key, size_t key_len, uint32_t *out,
                                                     bool *equal_out)
{
    uint32_t lo = 0, hi = lx->n_pairs;
    bool equal = false; /* whether rank hi's key equals key; none at n_pairs */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c, rc = lex_rank_cmp(lx, side, mid, key, key_len, &c);
        if (rc)
            return rc;
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
            equal = c == 0;
        }
    }
    *out = lo;
    *equal_out = equal;
    return PDX_OK;
}

/* The end of the run of ranks equal to key that starts at first (whose key
 * equals it) into *end_out: a step per rank, since a key has only a handful
 * of pairs. The order is checked on the way: a rank after the run whose
 * key sorts below key means the order is broken, and the lookup refuses
 * (--check, pdx_lexicon_verify, checks the whole order). */
__attribute__((noinline)) static int lex_run_end(const pdx_lexicon *lx, pdx_lex_side side,
                                                 const char *key, size_t key_len, uint32_t first,
                                                 uint32_t *end_out)
{
    uint32_t i = first + 1;
    for (; i < lx->n_pairs; i++) {
        int c, rc = lex_rank_cmp(lx, side, i, key, key_len, &c);
        if (rc)
            return rc;
        if (c > 0)
            break;
        if (c < 0)
            return lex_corrupt(lx, PDX_ECORRUPT, lex_rank_off(lx, side, i),
                               lex_disorder_msg(side));
    }
    *end_out = i;
    return PDX_OK;
}

/* The first rank of key's run into *out, through the side's index, and
 * whether there is one into *found_out. The rank the index names is
 * compared with the key as a search probe is, its string checked. */
static int lex_index_find(const pdx_lexicon *lx, const uint64_t *slots, pdx_lex_side side,
                          const char *key, size_t key_len, uint32_t *out, bool *found_out)
{
    uint64_t h = pdx_hash(key_len ? key : "", key_len), mask = lex_index_mask(lx);
    *found_out = false;
    for (uint64_t i = h & mask;; i = (i + 1) & mask) {
        uint64_t e = slots[i];
        if (e == 0)
            return PDX_OK; /* at most half full: every probe sequence ends */
        if (lex_index_tag(e) != lex_index_tag(h))
            continue;
        int c, rc = lex_rank_cmp(lx, side, (uint32_t)e - 1, key, key_len, &c);
        if (rc)
            return rc;
        if (c == 0) {
            *out = (uint32_t)e - 1;
            *found_out = true;
            return PDX_OK;
        }
    }
}

int pdx_lexicon_find(const pdx_lexicon *lx, pdx_lex_side side, const char *key,
                     size_t key_len, uint32_t *first_out, uint32_t *count_out)
{
    if (!lx || !first_out || !count_out || (!key && key_len > 0) ||
        (side != PDX_LEX_KO && side != PDX_LEX_EN))
        return PDX_EINVAL;
    int err = lex_err(lx);
    if (err)
        return err;
    uint32_t first = 0, end;
    bool equal;
    const uint64_t *ix = lex_index_of(lx, side);
    int rc = ix && ix != lex_unindexed ? lex_index_find(lx, ix, side, key, key_len, &first, &equal)
                                       : lex_lower_bound(lx, side, key, key_len, &first, &equal);
    if (rc)
        return rc;
    end = first;
    if (equal && (rc = lex_run_end(lx, side, key, key_len, first, &end)))
        return rc;
    *first_out = first;
    *count_out = end - first;
    return PDX_OK;
}

int pdx_lexicon_get(const pdx_lexicon *lx, pdx_lex_side side, uint32_t rank,
                    pdx_lex_pair *out)
{
    if (!lx || !out || (side != PDX_LEX_KO && side != PDX_LEX_EN))
        return PDX_EINVAL;
    int err = lex_err(lx);
    if (err)
        return err;
    if (rank >= lx->n_pairs)
        return PDX_EINVAL;
    return lex_rank_read(lx, side, rank, out);
}
