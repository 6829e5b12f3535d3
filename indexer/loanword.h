/*
 * Loanwords: does a Hangul word sound like an English one?
 *
 * The digests write many English terms in Hangul as they sound -- 로봇
 * (robot), 카메라 (camera), 토큰 (token), 디퓨전 (diffusion) -- and seldom
 * state the pair in parentheses, since a reader hears it. The lexicon
 * miner (lexicon_mine.c) pairs such words when they also occur in the same
 * papers far more often than chance (docs/LEXICON.md, "Loanwords"); this
 * module is the sound test that proposes them.
 *
 * Both words are reduced to their consonants, as classes of the sounds
 * Korean writes English with: K (ㄱ ㅋ: k, c, g, q), T (ㄷ ㅌ: d, t, th), P
 * (ㅂ ㅍ: b, p, f, v, ph), S (ㅅ: s, c before e/i/y, th, sh), J (ㅈ ㅊ: j,
 * ch, g before e/i/y, z, -sion), L (ㄹ: l, r), M, N, H (ㅎ: h), G (a final
 * ㅇ: ng). Vowels are left out: English spells them too freely (image is
 * 이미지), and Korean adds ㅡ to break up clusters (graph is 그래프).
 * A repeated class counts once, vowels between or not (ll, 컬러; memory and
 * 메모리 are both M L). A final ㅅ is T, as loanwords
 * write it (로봇, robot). English letters that Korean may leave unsaid are
 * optional: r before a consonant or at the end (transformer, 트랜스포머),
 * h. The Hangul side is one skeleton; the English side is matched against
 * it letter by letter, trying each reading of an ambiguous letter.
 */
#ifndef PDX_LOANWORD_H
#define PDX_LOANWORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest skeleton kept, in classes (one byte each): two a syllable, for
 * the longest word looked at (12 syllables). */
#define PDX_LOAN_MAX_SKELETON 24

/* The consonant skeleton of a Hangul word w[0, n) (UTF-8, precomposed
 * syllables only) into out (room for PDX_LOAN_MAX_SKELETON bytes).
 * Returns its length, or 0 when w is not such a word, has a tense
 * consonant (ㄲ, ㅆ) or a final other than ㄱ ㄴ ㄹ ㅁ ㅂ ㅅ ㅇ (the
 * loanword orthography writes neither: 있다, 같은, 많은 are no loanwords),
 * or gives fewer than two classes or more than the room (too little to
 * tell a loanword by, or not a word). */
size_t pdx_loan_ko_skeleton(const char *w, size_t n, char *out);

/* Can the English word w[0, n) (lowercase ASCII letters) be read as the
 * skeleton sk[0, skn)? Bounded work whatever the input. */
bool pdx_loan_en_matches(const char *w, size_t n, const char *sk, size_t skn);

/* A quick test before pdx_loan_en_matches(): the English word w[0, n)
 * can match skeleton sk only if pdx_loan_en_first(w) has a bit of
 * pdx_loan_ko_first(sk) (the classes its first consonant may give). */
unsigned pdx_loan_ko_first(const char *sk, size_t skn);
unsigned pdx_loan_en_first(const char *w, size_t n);
/* Likewise every class: w can match sk only if pdx_loan_en_classes(w) has
 * every bit of pdx_loan_ko_classes(sk). */
unsigned pdx_loan_ko_classes(const char *sk, size_t skn);
unsigned pdx_loan_en_classes(const char *w, size_t n);

/* A Hangul word's skeleton, and its pdx_loan_ko_first() and
 * pdx_loan_ko_classes() bits (n 0: none). */
typedef struct pdx_loan_skeleton {
    char c[PDX_LOAN_MAX_SKELETON];
    uint8_t n;
    uint16_t first, all;
} pdx_loan_skeleton;

/* A word of a text, as a byte range of it; a Hangul word also with its
 * pdx_hash() and its skeleton. */
typedef struct pdx_loan_word {
    uint32_t off, len;
    uint64_t hash;
    pdx_loan_skeleton sk;
} pdx_loan_word;

/* Most words of a paper's text that are looked at, per script. */
#define PDX_LOAN_MAX_WORDS 1024

/* What pdx_loan_hangul_words() remembers of the runs it met (a paper's
 * words are mostly words other papers had, with the same particles):
 * pdx_hash() of the run, its length, the bytes kept without its particle,
 * their hash and skeleton. Zeroed, it remembers nothing. */
#define PDX_LOAN_CACHE_SLOTS 65536
typedef struct pdx_loan_cache_entry {
    uint64_t hash;
    uint32_t len, kept;
    uint64_t word_hash;
    pdx_loan_skeleton sk;
} pdx_loan_cache_entry;
typedef struct pdx_loan_cache {
    pdx_loan_cache_entry slot[PDX_LOAN_CACHE_SLOTS];
} pdx_loan_cache;

/* The Hangul words of t[0, n) (n < 4 GiB), at most cap, in text order:
 * each run of syllables less one trailing particle, dropped as a query
 * drops it (pdx_korean_particle_len(): 로봇이 is 로봇), when 2 to 12
 * syllables are left; with their hashes and skeletons. */
size_t pdx_loan_hangul_words(pdx_loan_cache *cache, const char *t, size_t n, pdx_loan_word *out,
                             size_t cap);

/* The English words of t[0, n), at most cap, in text order: runs of 4 to
 * 24 ASCII letters with a vowel, touching no digit, written in lower case
 * or with one capital first (an acronym, NeRF or FVD, is no loanword). */
size_t pdx_loan_latin_words(const char *t, size_t n, pdx_loan_word *out, size_t cap);

/* Are a Hangul word in df_ko papers and an English word in df_en, together
 * in `both` of `papers`, associated far beyond chance: at least twice as
 * often together as independence predicts, together in 30% of the papers
 * of one of them, and a log-likelihood ratio (Dunning 1993) of at least
 * 20 (chance has about 1 in 100,000 of reaching it)? */
bool pdx_loan_associated(uint64_t both, uint64_t df_ko, uint64_t df_en, uint64_t papers);

/* The log-likelihood ratio pdx_loan_associated() compares with
 * PDX_LOAN_MIN_LLR, or 0 when the pair fails its other two tests (the
 * title-summary association, assoc.c, tests its pairs with it). */
#define PDX_LOAN_MIN_LLR 20.0
double pdx_loan_association(uint64_t both, uint64_t df_ko, uint64_t df_en, uint64_t papers);

/* The same without the share test: the company of a pair a summary states
 * (assoc.c), where the statement is the evidence that the words name one
 * thing, and company need only be beyond chance. */
double pdx_loan_beyond_chance(uint64_t both, uint64_t df_ko, uint64_t df_en, uint64_t papers);

#endif
