/*
 * The tokenizer: one function that turns text into index terms.
 *
 * The indexer, the query parser and the snippet highlighter all call
 * pdx_tokenize(), so a term written at index time is exactly the term a
 * query looks up and the byte range it highlights.
 *
 * Rules (docs/TOKENIZATION.md explains the why and lists the details):
 *  - Text is normalized per code point with utf8proc: NFKC, case folding,
 *    combining marks stripped (Márton -> marton); full-width Latin becomes
 *    ASCII; conjoining Hangul jamo (NFD) are composed into syllables.
 *  - Latin (and every other non-CJK script): a word is a run of letters,
 *    digits and inner apostrophes (' U+2019 U+02BC, all written as ').
 *    Hyphens, underscores and other punctuation split words but positions
 *    stay consecutive. Words with no digit are stemmed with Snowball English
 *    (libstemmer); words with a digit ("4o", "gpt4", "70b") and numbers
 *    are kept lowercased, unstemmed (only a final "'s" is dropped), split
 *    where two letters or more meet a digit ("gpt4o": gpt, 4o; "r1", "7b"
 *    whole), full-width ones too ("ＧＰＴ４" as "GPT4"). A word
 *    whose normalized form is longer than PDX_MAX_TERM_BYTES is cut, not
 *    stemmed.
 *  - Hangul, Han and Kana: a run of such characters gives overlapping
 *    bigrams (a one-character run gives a unigram). When two runs are
 *    separated by exactly one space, the bigram spanning the space (last
 *    char of the first run + first char of the second) is emitted between
 *    them, so "강화 학습" and "강화학습" yield the same sequence of terms at
 *    the same relative positions.
 *  - With PDX_TOKENIZE_QUERY, one trailing Korean particle (을, 를, 이, 가,
 *    은, 는, 의, 에, 에서, 으로, ...; longest match first) is dropped from a
 *    Hangul run that keeps at least two syllables, so "학습을" looks up what
 *    "학습이" indexed; a run that lost a particle makes no bridge. A run that
 *    is only a particle glued to a Latin word or number ("GPT-4o를") is
 *    dropped whole. Indexing never drops anything. PDX_TOKENIZE_DERIVED
 *    also drops a derivational ending (below).
 *  - Default-ignorable characters produce nothing and do not split a word:
 *    zero-width space, ZWNJ, ZWJ, word joiner, BOM, soft hyphen
 *    ("강화\u200b학습" is "강화학습"); their bytes join the range of the
 *    character before them.
 *  - Emoji, symbols and markdown punctuation produce no terms. Invalid UTF-8
 *    is treated as U+FFFD (a separator, no term), one byte at a time; the
 *    text is never read past len.
 */
#ifndef PAPERDEX_TOKENIZER_H
#define PAPERDEX_TOKENIZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bump when any rule above changes the terms produced for some input: an
 * index records it and a searcher refuses an index built with another. */
#define PDX_TOKENIZER_VERSION 8

/* Longest term, in bytes, that is emitted; longer words are cut at a UTF-8
 * boundary (the byte range still covers the whole word). */
#define PDX_MAX_TERM_BYTES 64

typedef enum pdx_token_kind {
    PDX_TOKEN_WORD = 0,   /* stemmed Latin word */
    PDX_TOKEN_NUMBER = 1, /* word containing a digit, unstemmed */
    PDX_TOKEN_CJK = 2,    /* Hangul/Han/Kana bigram, or unigram of a 1-char run */
    PDX_TOKEN_BRIDGE = 3, /* CJK bigram spanning one space between two runs */
    /* A word as written beside the terms it gave (PDX_TOKENIZE_WHOLE): a
     * whole CJK word of three or more characters beside its bigrams, the
     * syllable of a one-syllable word before its particle, or an acronym
     * plural ("llms") beside its singular. It shares the position
     * of the first of those terms and takes none of its own. */
    PDX_TOKEN_WHOLE = 4
} pdx_token_kind;

typedef struct pdx_token {
    /* Normalized term bytes (UTF-8, not NUL-terminated). Points into the
     * tokenizer's own buffer: valid only until the callback returns. */
    const char *term;
    size_t term_len;
    /* Position: first_pos for the first token, +1 for each following token
     * (a bridge bigram takes a position of its own). */
    uint32_t pos;
    /* Byte range [start, end) in the original text that produced the term. */
    size_t start;
    size_t end;
    pdx_token_kind kind;
} pdx_token;

/* Called once per token, in order. Return 0 to go on; any other value stops
 * tokenizing and is returned by pdx_tokenize(). */
typedef int (*pdx_token_fn)(const pdx_token *token, void *payload);

typedef struct pdx_tokenizer pdx_tokenizer;

enum pdx_tokenize_flags {
    PDX_TOKENIZE_DEFAULT = 0,
    PDX_TOKENIZE_QUERY = 1, /* drop trailing Korean particles (see above) */
    /* With PDX_TOKENIZE_QUERY: also drop a derivational ending 화, 적, 성
     * (or 적인, 화된, 화한) from a Hangul run that keeps at least two
     * syllables, so "효율화" looks up 효율 and finds 효율적 and 효율성.
     * Two-syllable nouns that end that way (생성, 변화, 목적, ...) are
     * left alone, so "이미지생성" is not cut. */
    PDX_TOKENIZE_DERIVED = 2,
    /* Also emit, after the bigrams of a CJK run, the run itself as one
     * PDX_TOKEN_WHOLE term when it has three to PDX_MAX_WHOLE_CHARS
     * characters once one trailing particle is dropped (the query rule):
     * "벤치마크를" gives 벤치 치마 마크 크를 and the whole word 벤치마크 at
     * the position of 벤치. A query word that is a whole indexed word then
     * knows where its phrase of bigrams occurs without reading positions.
     * A run of one syllable and a particle ("팔을", "손으로") gives the
     * syllable that way (팔, 손), which the query word 팔 looks up: the
     * bigram 팔을 alone is found by no one-syllable query.
     * Likewise an acronym plural folded to its singular ("LLMs" -> llm)
     * also gives the plural as written, lowercased ("llms"), so a query
     * can rank the form it typed first. The indexer sets it; field
     * lengths count only the other tokens. */
    PDX_TOKENIZE_WHOLE = 4
};

/* Longest run, in characters, that gets a PDX_TOKEN_WHOLE term. */
#define PDX_MAX_WHOLE_CHARS 16

/* The bigram a bridge term stands for: term[0, len) without its space
 * ("화 학" -> "화학"), written to out (room for len bytes; out may be term
 * itself); any other term is copied as it is. Returns the bytes written.
 * Index and query code use it wherever a bridge and its bigram must be one
 * key. */
size_t pdx_term_unbridge(const char *term, size_t len, char *out);

/* Bytes of the Korean particle or predicate ending that text[0, len)
 * starts with, of those the query mode drops ("을", "에서", "으로는", "된",
 * "하는"; the longest particle, else the longest ending), when no Hangul
 * syllable, ASCII letter or digit follows it there; 0 otherwise. The query
 * parser drops such a particle glued to a closing quote ("강화 학습"을). */
size_t pdx_korean_particle_len(const char *text, size_t len);

/* Is w[0, n) an English function word (a, an, and, as, at, by, for, from,
 * in, of, on, or, the, to, via, with; ASCII case ignored)? They join the
 * words of a name without naming anything: the lexicon miner does not
 * count them as content words, and the query parser does not require
 * them (docs/TOKENIZATION.md). */
bool pdx_english_function_word(const char *w, size_t n);

/* Creates a tokenizer (owns a Snowball stemmer, a stem cache and scratch
 * buffers: about 420 KB, allocated once; tokenizing allocates nothing).
 * Not thread-safe: use one per thread. Returns PDX_OK, PDX_ENOMEM or
 * PDX_EINVAL (out NULL). */
int pdx_tokenizer_new(pdx_tokenizer **out);

/* Frees a tokenizer; NULL does nothing. */
void pdx_tokenizer_free(pdx_tokenizer *tk);

/* Tokenizes text[0, len) (no NUL terminator needed). Positions start at
 * first_pos; if next_pos_out is not NULL it receives the position after the
 * last token emitted (first_pos if there was none), also when the callback
 * stopped the call. Returns PDX_OK, PDX_ENOMEM, PDX_EINVAL (tk or fn NULL,
 * text NULL with len > 0, or a flag not in pdx_tokenize_flags), PDX_ELIMIT
 * (positions would pass UINT32_MAX: refused before any token when
 * first_pos + len does, else at the token that would take the last one,
 * NFKC making several characters of one), or the callback's non-zero
 * value. The
 * callback must not call pdx_tokenize() on the same tokenizer. */
int pdx_tokenize(pdx_tokenizer *tk, int flags, const char *text, size_t len,
                 uint32_t first_pos, uint32_t *next_pos_out, pdx_token_fn fn,
                 void *payload);

/* Describes what shapes the terms, for the index header: the stemmer name
 * ("english") and utf8proc's Unicode version string (e.g. "15.0.0").
 * Static strings. */
const char *pdx_tokenizer_stemmer_name(void);
const char *pdx_tokenizer_unicode_version(void);

#ifdef __cplusplus
}
#endif
#endif
