/*
 * Loanwords: the consonant skeletons of loanword.h.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "common.h"
#include "loanword.h"
#include "paperdex/tokenizer.h"

/* Class of each initial consonant (ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ ㅅ ㅆ ㅇ ㅈ ㅉ ㅊ ㅋ
 * ㅌ ㅍ ㅎ); ㅇ starts a syllable silently; '?' a tense consonant, which
 * the loanword orthography (외래어 표기법, 1986, chapter 1, article 4)
 * does not write. */
static const char ko_initial[19] = {'K', '?', 'N', 'T', '?', 'L', 'M', 'P', '?', 'S',
                                    '?', 0,   'J', '?', 'J', 'K', 'T', 'P', 'H'};
/* Class of each final (none, ㄱ ㄲ ㄳ ㄴ ㄵ ㄶ ㄷ ㄹ ㄺ ㄻ ㄼ ㄽ ㄾ ㄿ ㅀ ㅁ ㅂ ㅄ
 * ㅅ ㅆ ㅇ ㅈ ㅊ ㅋ ㅌ ㅍ ㅎ): '-' none; the orthography's article 3 writes
 * only ㄱ ㄴ ㄹ ㅁ ㅂ ㅅ ㅇ as finals, '?' the others (no loanword), and
 * a final ㅅ sounds as T (로봇, robot). */
static const char ko_final[28] = {'-', 'K', '?', '?', 'N', '?', '?', '?', 'L', '?',
                                  '?', '?', '?', '?', '?', '?', 'M', 'P', '?', 'T',
                                  '?', 'G', '?', '?', '?', '?', '?', '?'};

/* Appends class c to out[*n] unless it repeats the last one; false when
 * there is no room. */
static bool put_class(char *out, size_t *n, char c)
{
    if (*n && out[*n - 1] == c)
        return true;
    if (*n == PDX_LOAN_MAX_SKELETON)
        return false;
    out[(*n)++] = c;
    return true;
}

size_t pdx_loan_ko_skeleton(const char *w, size_t n, char *out)
{
    size_t k = 0;
    if (n == 0 || n % 3)
        return 0;
    for (size_t i = 0; i < n; i += 3) {
        int32_t cp;
        if (!pdx_hangul_at(w + i, n - i) || pdx_utf8_decode((const uint8_t *)w + i, 3, &cp) != 3)
            return 0;
        uint32_t s = (uint32_t)cp - 0xAC00;
        char ini = ko_initial[s / 588], fin = ko_final[s % 28];
        if (fin == '?' || ini == '?' || (ini && !put_class(out, &k, ini)) ||
            (fin != '-' && !put_class(out, &k, fin)))
            return 0;
    }
    return k >= 2 ? k : 0;
}

/* ---- English ---- */

typedef struct en_match {
    const char *w, *sk;
    size_t n, skn;
    unsigned budget; /* calls left: the readings multiply, the work must not */
} en_match;

static bool is_vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

static bool match_at(en_match *m, size_t i, size_t j, char last);

/* Emits the classes of `cls` (merging a repeat of the last one), then goes
 * on matching at letter i. */
static bool emit(en_match *m, const char *cls, size_t i, size_t j, char last)
{
    for (; *cls; cls++) {
        if (*cls == last)
            continue;
        if (j == m->skn || m->sk[j] != *cls)
            return false;
        last = m->sk[j++];
    }
    return match_at(m, i, j, last);
}

/* Does the rest of the word, from letter i, read as the rest of the
 * skeleton, from class j (last: the class emitted last)? */
static bool match_at(en_match *m, size_t i, size_t j, char last)
{
    if (m->budget == 0)
        return false;
    m->budget--;
    const char *w = m->w;
    size_t n = m->n;
    if (i == n)
        return j == m->skn;
    char c = w[i], nx = i + 1 < n ? w[i + 1] : 0;
    bool soft = nx == 'e' || nx == 'i' || nx == 'y';
    if (is_vowel(c) || c == 'w') /* a class repeated across a vowel counts once, as in Hangul */
        return match_at(m, i + 1, j, last);
    if ((c == 't' || c == 's') && n - i >= 4 && !memcmp(w + i + 1, "ion", 3))
        return emit(m, "SN", i + 4, j, last) || emit(m, "JN", i + 4, j, last);
    switch (c) {
    case 'p':
        return emit(m, "P", i + (nx == 'h' ? 2 : 1), j, last);
    case 't':
        if (nx == 'h')
            return emit(m, "T", i + 2, j, last) || emit(m, "S", i + 2, j, last);
        return emit(m, "T", i + 1, j, last);
    case 's':
        return emit(m, "S", i + (nx == 'h' ? 2 : 1), j, last);
    case 'c':
        if (nx == 'h')
            return emit(m, "J", i + 2, j, last) || emit(m, "K", i + 2, j, last);
        if (nx == 'k')
            return emit(m, "K", i + 2, j, last);
        return emit(m, soft ? "S" : "K", i + 1, j, last);
    case 'n':
        if (nx == 'g')
            return emit(m, "G", i + 2, j, last) || emit(m, "GK", i + 2, j, last) ||
                   emit(m, "N", i + 1, j, last);
        return emit(m, "N", i + 1, j, last);
    case 'g':
        return emit(m, "K", i + 1, j, last) || (soft && emit(m, "J", i + 1, j, last));
    case 'b':
    case 'f':
    case 'v':
        return emit(m, "P", i + 1, j, last);
    case 'd':
        return emit(m, "T", i + 1, j, last);
    case 'k':
    case 'q':
        return emit(m, "K", i + 1, j, last);
    case 'x':
        return emit(m, "KS", i + 1, j, last);
    case 'z':
        return emit(m, "J", i + 1, j, last) || emit(m, "S", i + 1, j, last);
    case 'j':
        return emit(m, "J", i + 1, j, last);
    case 'l':
        return emit(m, "L", i + 1, j, last);
    case 'r':
        return emit(m, "L", i + 1, j, last) ||
               ((!nx || !is_vowel(nx)) && match_at(m, i + 1, j, last));
    case 'm':
        return emit(m, "M", i + 1, j, last);
    case 'h':
        return emit(m, "H", i + 1, j, last) || match_at(m, i + 1, j, last);
    default:
        return false;
    }
}

/* The bit of class c in a pdx_loan_en_first() mask. */
static unsigned class_bit(char c)
{
    static const char classes[] = "KTPSJLMNHG";
    const char *p = memchr(classes, c, sizeof classes - 1);
    return p ? 1u << (p - classes) : 0;
}

unsigned pdx_loan_ko_first(const char *sk, size_t skn)
{
    return skn ? class_bit(sk[0]) : 0;
}

unsigned pdx_loan_en_first(const char *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = w[i], nx = i + 1 < n ? w[i + 1] : 0;
        if (is_vowel(c) || c == 'w')
            continue;
        /* the classes match_at() may emit first for letter c; h and an r
         * before a consonant may also be silent: then what follows */
        switch (c) {
        case 'p': case 'b': case 'f': case 'v':
            return class_bit('P');
        case 't':
            return class_bit('T') | class_bit('S') | class_bit('J');
        case 's':
            return class_bit('S') | class_bit('J');
        case 'c':
            return class_bit('K') | class_bit('S') | class_bit('J');
        case 'n':
            return class_bit('N') | class_bit('G');
        case 'g':
            return class_bit('K') | class_bit('J');
        case 'd':
            return class_bit('T');
        case 'k': case 'q': case 'x':
            return class_bit('K');
        case 'z': case 'j':
            return class_bit('J') | class_bit('S');
        case 'l':
            return class_bit('L');
        case 'm':
            return class_bit('M');
        case 'r':
            if (!nx || !is_vowel(nx))
                return class_bit('L') | pdx_loan_en_first(w + i + 1, n - i - 1);
            return class_bit('L');
        case 'h':
            return class_bit('H') | pdx_loan_en_first(w + i + 1, n - i - 1);
        default:
            return 0;
        }
    }
    return 0;
}

unsigned pdx_loan_ko_classes(const char *sk, size_t skn)
{
    unsigned mask = 0;
    for (size_t i = 0; i < skn; i++)
        mask |= class_bit(sk[i]);
    return mask;
}

unsigned pdx_loan_en_classes(const char *w, size_t n)
{
    unsigned mask = 0;
    for (size_t i = 0; i < n; i++) {
        /* every class match_at() may emit for the letter (and after it) */
        switch (w[i]) {
        case 'p': case 'b': case 'f': case 'v':
            mask |= class_bit('P');
            break;
        case 't':
            mask |= class_bit('T') | class_bit('S') | class_bit('J') | class_bit('N');
            break;
        case 's':
            mask |= class_bit('S') | class_bit('J') | class_bit('N');
            break;
        case 'c':
            mask |= class_bit('K') | class_bit('S') | class_bit('J');
            break;
        case 'n':
            mask |= class_bit('N') | class_bit('G') | class_bit('K');
            break;
        case 'g': case 'x':
            mask |= class_bit('K') | class_bit('J') | class_bit('S');
            break;
        case 'd':
            mask |= class_bit('T');
            break;
        case 'k': case 'q':
            mask |= class_bit('K');
            break;
        case 'z': case 'j':
            mask |= class_bit('J') | class_bit('S');
            break;
        case 'l': case 'r':
            mask |= class_bit('L');
            break;
        case 'm':
            mask |= class_bit('M');
            break;
        case 'h':
            mask |= class_bit('H');
            break;
        default:
            break;
        }
    }
    return mask;
}

bool pdx_loan_en_matches(const char *w, size_t n, const char *sk, size_t skn)
{
    en_match m = {w, sk, n, skn, 4096};
    return n > 0 && skn > 0 && match_at(&m, 0, 0, 0);
}

/* ---- the words of a text ---- */

#define LOAN_MIN_SYLLABLES 2
#define LOAN_MAX_SYLLABLES 12
#define LOAN_MIN_LETTERS 4
#define LOAN_MAX_LETTERS 24

/* Bytes of the run t[s, e) once a trailing particle (at most three
 * syllables) is dropped, when at least LOAN_MIN_SYLLABLES are left (the
 * longest particle: the earliest start that reads as one to the end). */
static size_t without_particle(const char *t, size_t s, size_t e)
{
    size_t from = s + 3 * LOAN_MIN_SYLLABLES;
    if (e >= 9 && e - 9 > from)
        from = e - 9;
    for (size_t k = from; k < e; k += 3)
        if (pdx_korean_particle_len(t + k, e - k) == e - k)
            return k - s;
    return e - s;
}

/* The run t[s, e) as a word: through the cache, else worked out (and
 * remembered). */
static const pdx_loan_cache_entry *run_word(pdx_loan_cache *c, const char *t, size_t s, size_t e)
{
    uint64_t h = pdx_hash(t + s, e - s);
    pdx_loan_cache_entry *slot = &c->slot[h & (PDX_LOAN_CACHE_SLOTS - 1)];
    if (slot->hash == h && slot->len == e - s)
        return slot;
    slot->hash = h;
    slot->len = (uint32_t)(e - s);
    slot->kept = (uint32_t)without_particle(t, s, e);
    slot->word_hash = pdx_hash(t + s, slot->kept);
    pdx_loan_skeleton *sk = &slot->sk;
    sk->n = (uint8_t)pdx_loan_ko_skeleton(t + s, slot->kept, sk->c);
    sk->first = (uint16_t)pdx_loan_ko_first(sk->c, sk->n);
    sk->all = (uint16_t)pdx_loan_ko_classes(sk->c, sk->n);
    return slot;
}

/* pdx_hangul_at(t + i, n - i), inline: it is asked of every syllable of
 * every summary (a precomposed syllable U+AC00..U+D7A3 is EA B0 80 ..
 * ED 9E A3 in UTF-8). */
static inline bool syllable_at(const char *t, size_t n, size_t i)
{
    const unsigned char *p = (const unsigned char *)t + i;
    if (n - i < 3 || p[0] < 0xEA || p[0] > 0xED || (p[1] & 0xC0) != 0x80 ||
        (p[2] & 0xC0) != 0x80)
        return false;
    uint32_t cp = (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
    return cp >= 0xAC00 && cp <= 0xD7A3;
}

size_t pdx_loan_hangul_words(pdx_loan_cache *cache, const char *t, size_t n, pdx_loan_word *out,
                             size_t cap)
{
    size_t k = 0, i = 0;
    while (i < n && k < cap) {
        if (!syllable_at(t, n, i)) {
            i++;
            continue;
        }
        size_t s = i;
        while (i < n && syllable_at(t, n, i))
            i += 3;
        if (i - s > 3 * LOAN_MAX_SYLLABLES + 9) /* a particle leaves too many */
            continue;
        const pdx_loan_cache_entry *w = run_word(cache, t, s, i);
        if (w->kept >= 3 * LOAN_MIN_SYLLABLES && w->kept <= 3 * LOAN_MAX_SYLLABLES)
            out[k++] = (pdx_loan_word){(uint32_t)s, w->kept, w->word_hash, w->sk};
    }
    return k;
}

static bool is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A loanword candidate: lower case, or one capital first, and a vowel. */
static bool latin_candidate(const char *w, size_t n)
{
    bool vowel = false;
    for (size_t i = 0; i < n; i++) {
        char c = w[i] | 0x20;
        if (i > 0 && !(w[i] & 0x20))
            return false;
        vowel = vowel || (is_vowel(c) && c != 'y');
    }
    return vowel;
}

size_t pdx_loan_latin_words(const char *t, size_t n, pdx_loan_word *out, size_t cap)
{
    size_t k = 0, i = 0;
    while (i < n && k < cap) {
        if (!is_letter(t[i])) {
            i++;
            continue;
        }
        size_t s = i;
        while (i < n && is_letter(t[i]))
            i++;
        bool digit = (s > 0 && is_digit(t[s - 1])) || (i < n && is_digit(t[i]));
        size_t len = i - s;
        if (!digit && len >= LOAN_MIN_LETTERS && len <= LOAN_MAX_LETTERS &&
            latin_candidate(t + s, len))
            out[k++] = (pdx_loan_word){(uint32_t)s, (uint32_t)len, 0, {{0}, 0, 0, 0}};
    }
    return k;
}

/* ---- association ---- */

#define LOAN_MIN_LIFT 2.0
#define LOAN_MIN_SHARE 0.3

static double xlogx_over(double k, double n)
{
    return k > 0 ? k * log(k / n) : 0;
}

/* Dunning's G2 of the 2x2 table [a b; c d]. */
static double llr(double a, double b, double c, double d)
{
    double n = a + b + c + d;
    double cells = xlogx_over(a, n) + xlogx_over(b, n) + xlogx_over(c, n) + xlogx_over(d, n);
    double rows = xlogx_over(a + b, n) + xlogx_over(c + d, n);
    double cols = xlogx_over(a + c, n) + xlogx_over(b + d, n);
    return 2 * (cells - rows - cols);
}

/* The G2 of a pair at least LOAN_MIN_LIFT times as often together as
 * independence predicts, and with share, together in LOAN_MIN_SHARE of
 * the papers of one of them; 0 otherwise. */
static double association(uint64_t both, uint64_t df_ko, uint64_t df_en, uint64_t papers,
                          bool share)
{
    if (both == 0 || both > df_ko || both > df_en || df_ko > papers || df_en > papers ||
        df_ko + df_en - both > papers)
        return 0;
    double a = (double)both, k = (double)df_ko, e = (double)df_en, n = (double)papers;
    if (a * n < LOAN_MIN_LIFT * k * e ||
        (share && a < LOAN_MIN_SHARE * k && a < LOAN_MIN_SHARE * e))
        return 0;
    return llr(a, k - a, e - a, n - k - e + a);
}

double pdx_loan_association(uint64_t both, uint64_t df_ko, uint64_t df_en, uint64_t papers)
{
    return association(both, df_ko, df_en, papers, true);
}

double pdx_loan_beyond_chance(uint64_t both, uint64_t df_ko, uint64_t df_en, uint64_t papers)
{
    return association(both, df_ko, df_en, papers, false);
}

bool pdx_loan_associated(uint64_t both, uint64_t df_ko, uint64_t df_en, uint64_t papers)
{
    return pdx_loan_association(both, df_ko, df_en, papers) >= PDX_LOAN_MIN_LLR;
}
