/*
 * The Korean<->English lexicon as bytes: the encoder that turns mined
 * pairs into a self-contained, versioned, checksummed blob (the future
 * LEXICON section of an index) and the reader that validates such a blob
 * and answers lookups in both directions.
 *
 * Both sides of a pair are kept twice: as the normalized term sequence
 * pdx_tokenize() produces (what a query is matched with, term by term) and
 * as a display surface form (what a person reads). A term sequence is
 * written as its terms joined by one space (0x20). Terms never contain a
 * byte below 0x21 (the tokenizer splits on whitespace and control
 * characters), so the joined form is unambiguous and its byte order is the
 * term-by-term lexicographic order.
 *
 * The byte layout is described at the top of common/lexicon.c and in
 * docs/LEXICON.md.
 */
#ifndef PDX_LEXICON_H
#define PDX_LEXICON_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "paperdex/tokenizer.h"

/* Layout version written in the header. A reader accepts it and versions
 * 1 (no flags: every pair read both ways, stated), 2 (one_way in bit 31,
 * no head bit) and 3 (no both_ways bit). */
#define PDX_LEXICON_VERSION 4
/* The most support a pair records (bit 31 of the field is one_way, bit 30
 * head, bit 29 both_ways). */
#define PDX_LEX_MAX_SUPPORT 0x1FFFFFFFu

/* One pair, as the miner hands it to the encoder and the reader hands it
 * back. The reader's pointers point into the blob (valid as long as the
 * blob's memory is); the encoder only reads them during the call. */
typedef struct pdx_lex_pair {
    const char *ko_terms;   /* Korean terms (bigrams), joined by ' ' */
    size_t ko_terms_len;    /* bytes of ko_terms */
    const char *en_terms;   /* English terms (stems), joined by ' ' */
    size_t en_terms_len;    /* bytes of en_terms */
    const char *ko_surface; /* Korean as written, e.g. "강화 학습" */
    size_t ko_surface_len;  /* bytes of ko_surface */
    const char *en_surface; /* English as written, e.g. "Reinforcement Learning" */
    size_t en_surface_len;  /* bytes of en_surface */
    uint32_t support;       /* texts (titles, summaries) that stated the pair,
                               1..PDX_LEX_MAX_SUPPORT */
    /* A pair found by company rather than stated, a loanword's (로봇/robot)
     * or a title-summary one (주행/driving): a query's Korean word gets the
     * English word; an English word gets the Korean one only when the pair
     * is both_ways (the searcher's rule; lookups list the pair on both
     * sides). */
    bool one_way;
    /* The last words of a longer name stated with its translation, each
     * side's (음성 인식/speech recognition, of 자동 음성 인식/Automatic Speech
     * Recognition: docs/LEXICON.md); support is that of the names. The
     * searcher expands the words of a span found through it on their own
     * too: a head is a name no paper stated, and must not hide the
     * equivalents its words have. */
    bool head;
    /* A one_way pair safe both ways, as company alone (분산, variance and
     * distributed) is not: a loanword's, whose Korean word spells the
     * English one as it sounds (로봇/robot, 카메라/camera; docs/LEXICON.md
     * "Loanwords"), or a title-summary pair whose words are mostly each
     * other's (음성/speech: docs/LEXICON.md). Still no stated pair: the
     * words of a head get none (expand.c). */
    bool both_ways;
} pdx_lex_pair;

/* Which side a lookup is keyed by, and which order pdx_lexicon_get()
 * walks: by Korean terms or by English terms. */
typedef enum pdx_lex_side { PDX_LEX_KO = 0, PDX_LEX_EN = 1 } pdx_lex_side;

/* True when s[0..n) is a term sequence in the joined form above (terms of
 * 1 to PDX_MAX_TERM_BYTES bytes, none below 0x20, between single spaces),
 * as pdx_lexicon_encode() requires of every pair: what a miner imports must
 * meet it too. */
bool pdx_lexicon_terms_valid(const char *s, size_t n);

/* Appends the encoded lexicon of pairs[0..n) to out. Pairs may come in any
 * order; the output depends only on the set of pairs. min_support is
 * recorded for --info. Returns PDX_OK, PDX_EINVAL (a term sequence empty or
 * not in the joined form above, a surface empty, support 0 or past
 * PDX_LEX_MAX_SUPPORT, the same
 * (ko_terms, en_terms) twice, or the blob would pass 4 GiB) or PDX_ENOMEM
 * (also when out already carries an error). */
int pdx_lexicon_encode(pdx_buf *out, const pdx_lex_pair *pairs, size_t n,
                       uint32_t min_support);

/* Appends one term to a lookup key being built in key (a ' ' first unless
 * the key is empty; a bridge term such as "화 학" goes in without its space,
 * as the bigram it spans, so a compound keys the same written with or
 * without a space): feed it the terms pdx_tokenize() gives for a query
 * word or phrase, then pass key->data, key->len to pdx_lexicon_find(). */
void pdx_lexicon_key_add(pdx_buf *key, const char *term, size_t len);

/* The key of text t[0, n) as a pair's side is keyed: its pdx_tokenize()
 * terms (with flags: PDX_TOKENIZE_DEFAULT as the miners key a side)
 * through pdx_lexicon_key_add(), into key, emptied first (left empty when
 * the text has no term). PDX_OK, or pdx_tokenize()'s or key's error. */
int pdx_lexicon_key_of(pdx_tokenizer *tk, int flags, const char *t, size_t n, pdx_buf *key);

/* A validated, read-only view of an encoded lexicon. Does not own the
 * bytes: they must stay valid and unchanged until pdx_lexicon_free(). */
typedef struct pdx_lexicon pdx_lexicon;

/* Opens data[0..len). Validates everything before returning PDX_OK: the
 * checksum, the header, every offset and string, the two sort orders
 * (O(n) in the pairs; about 0.1 ms for the corpus's lexicon): what
 * `--check` and the tests use. Returns PDX_OK, PDX_ENOMEM (*out is NULL),
 * or PDX_ECORRUPT / PDX_EVERSION with *out set to a handle whose
 * pdx_lexicon_errmsg() names the byte offset and what is wrong there (free
 * it; every lookup on it fails with the same code). */
int pdx_lexicon_open(pdx_lexicon **out, const void *data, size_t len);

/* Opens data[0..len) checking only the header and that the sizes it gives
 * fit len (O(1)): a search process must not pay O(lexicon) to look up a
 * few keys. Lookups then check every record they read (bounds, UTF-8,
 * the joined form, support, English ordinals) and fail with PDX_ECORRUPT
 * and the byte offset on damage there, which sticks (pdx_lexicon_error()
 * and every later call return it). Damage in records no lookup reads, and
 * the checksum, are left to pdx_lexicon_verify(). Returns as
 * pdx_lexicon_open(). */
int pdx_lexicon_open_lazy(pdx_lexicon **out, const void *data, size_t len);

/* The rest of pdx_lexicon_open()'s checks on a lazily opened lexicon: the
 * checksum, every record, both orders. Returns PDX_OK or the fault (kept
 * in the handle), PDX_ENOMEM, PDX_EINVAL for NULL. */
int pdx_lexicon_verify(const pdx_lexicon *lx);

/* Releases the view (not the bytes); NULL does nothing. */
void pdx_lexicon_free(pdx_lexicon *lx);

/* The message of the failed open ("" after a successful one). Valid until
 * pdx_lexicon_free(). */
const char *pdx_lexicon_errmsg(const pdx_lexicon *lx);

/* The open's result: PDX_OK, PDX_ECORRUPT or PDX_EVERSION (PDX_EINVAL for
 * NULL). */
int pdx_lexicon_error(const pdx_lexicon *lx);

/* Number of pairs (0 when the open failed). */
uint32_t pdx_lexicon_count(const pdx_lexicon *lx);

/* The support threshold the lexicon was mined with. */
uint32_t pdx_lexicon_min_support(const pdx_lexicon *lx);

/* Finds the pairs whose `side` term sequence equals key[0..key_len)
 * (joined form). They are the ranks [*first_out, *first_out + *count_out)
 * of pdx_lexicon_get(lx, side, ...), most supported first (*first_out
 * means nothing when *count_out is 0). One binary search, O(log n)
 * comparisons of the key side's terms only, then a step per match; once a
 * side has served a few lookups, a hash index of that side's keys (built
 * then, O(n) once) names the first match instead, or answers that there is
 * none, in one or two probes. It checks the terms strings and English
 * ordinals it reads (pdx_lexicon_get() checks whole records) and refuses
 * when a rank after the matches sorts below them. Thread-safe on a shared handle. Returns PDX_OK (also when
 * nothing matches: *count_out is 0), PDX_EINVAL (NULL argument) or the
 * open's error code (PDX_ECORRUPT also for damage a lookup finds, which
 * sticks). */
int pdx_lexicon_find(const pdx_lexicon *lx, pdx_lex_side side, const char *key,
                     size_t key_len, uint32_t *first_out, uint32_t *count_out);

/* The pair at `rank` in the order by `side` terms (then support, largest
 * first, then the other side's terms). Returns PDX_OK, PDX_EINVAL (rank out
 * of range, NULL argument) or the open's error code. */
int pdx_lexicon_get(const pdx_lexicon *lx, pdx_lex_side side, uint32_t rank,
                    pdx_lex_pair *out);

#endif
