/*
 * The lexicon miner (see lexicon_mine.h; docs/LEXICON.md has the why).
 *
 * Mining, one text at a time
 * --------------------------
 * Every parenthetical `LEFT(INSIDE)` (an optional space before the
 * parenthesis, INSIDE without parentheses or line breaks) is one of:
 *
 *   KO(EN)  INSIDE is Latin: split on ',' and ';' ("Entity Linking, EL"
 *           states two names), each piece of 1..6 letter-only words is a
 *           fixed English side. The varying side is the 1..LM_MAX_KO_WORDS
 *           Hangul words that end right before the parenthesis.
 *   EN(KO)  INSIDE is 1..LM_MAX_KO_WORDS Hangul words: the fixed Korean
 *           side. The varying side is the 1..LM_MAX_EN_WORDS Latin words
 *           before the parenthesis.
 *   ACRONYM `Long Form (ACR)`, `ACR(Long Form)`, `(Long Form, ACR)`: the
 *           long form is the fixed side (kept as a pair's Korean side),
 *           the acronym the one-word span; which words are the long form
 *           is lm_long_form_start()'s (the acronym's capitals as initials,
 *           else Schwartz and Hearst's letters), and no tree is walked.
 *
 * Words with digits are not taken (`모델(GPT-4)` names an example, it does
 * not translate). No particle is stripped from the word before the
 * parenthesis: measured on the corpus, the words there that end like a
 * particle are nouns (주의 attention, 평가, 전문가, 깊이); the particle
 * comes after the parenthesis (`모델(LLM)을`).
 *
 * Where the varying side starts is the hard part (`인간 피드백을 통한 강화
 * 학습(RLHF)`, `이 논문은 강화 학습(reinforcement learning)`), so every
 * occurrence counts all its candidate spans: the last word, the last two,
 * and so on. Counts live in one hash table keyed by
 *
 *   0x00 dir fixed-terms 0x00 w1 ' ' w2 ' ' ...   a span, words from the
 *                                                  parenthesis leftwards
 *   0x01 dir fixed-terms 0x00 surface             a spelling of the fixed side
 *
 * where dir is 0 for KO(EN), 1 for EN(KO) and 2 for an acronym, and
 * fixed-terms is the joined pdx_tokenize() output of the fixed side (so
 * `LLM`/`llm` and `강화학습`/`강화 학습` are one side).
 *
 * Alignment, at finish
 * --------------------
 * Sorted by key, the spans of one fixed side form a tree laid out in
 * preorder: a span is followed by its extensions one word further left.
 * From each one-word span we walk down: at a span seen c times, a child
 * (one more word) is "strong" if seen at least max(min_support,
 * LM_STRONG_SHARE * c) times and its new word is not a noise word (이, 최근,
 * 통한, 새로운, 논문은: words that precede terms without being part of
 * them). When the strong children together hold at least a share g of c,
 * the left boundary is further out and we descend into each of them;
 * otherwise the span is a boundary and becomes a pair with support c. g is
 * LM_EXTEND_SHORT while the span has fewer words than the fixed side
 * suggests and LM_EXTEND_LONG once it has enough: an acronym suggests one
 * Korean word per capital letter (RLHF: 4, LLM: 3), an English name one
 * per content word ("Mixture of Experts": 2), a Korean name one English
 * content word per Korean word. Noise on the left varies from one
 * occurrence to the next, so it rarely makes a strong child; a true part
 * of the term recurs.
 *
 * Filters then drop what the descent gets wrong most often:
 *  - a Korean span too short for its English side (lm_long_enough):
 *    `강화 학습` for RLHF, `모델` for "Autoregressive Models";
 *  - a pair whose English contains the English of another pair with the
 *    same Korean (lm_en_inside): `강화 학습` is RL, so `강화 학습` for DRL
 *    lost the word that says "deep";
 *  - an acronym the tokenizer folds onto one a pair writes as it is
 *    (lm_drop_folded(): SDS is the term sd, SD's).
 *
 * Support counts texts, not mentions: a summary that repeats `탈옥
 * (jailbreak)` three times is one vote. Pairs found from both directions or
 * through spellings that normalize alike are merged by their term
 * sequences (supports added).
 *
 * Loanwords, a paper at a time
 * ----------------------------
 * pdx_lexicon_miner_add_loanwords() counts, once per paper (title and
 * summary together), the paper, its Hangul words that have a consonant
 * skeleton, its English words that may be a loanword's, and the pairs of
 * them that sound alike (loanword.h); finish keeps the pairs that keep
 * company beyond chance (lm_loan_pairs(), pdx_loan_associated()). Keys:
 *
 *   0x02 0x02 0x00                     the papers
 *   0x02 0x00 hangul-word 0x00         a Hangul word's papers
 *   0x02 0x01 english-word 0x00        an English word's papers
 *   0x03 0x00 hangul 0x00 english      the papers of a pair that sounds alike
 *
 * They sort after every other key, so a miner of texts and a miner of
 * loanwords read as one table by concatenation (..._with()).
 *
 * The exported candidate table (MCAND, version 4; 1 had no acronyms, 2 no
 * loanwords, 3 no acronyms with a 2 for "to")
 * -----------------------------------------------
 * Little-endian, every byte covered by the checksum at the end:
 *
 *   0  u8[4]  magic "PDXC"
 *   4  u32    version (LM_TABLE_VERSION)
 *   8  u64    texts        \
 *  16  u64    occurrences   | the stats of the table's texts
 *  24  u64    prunes        |
 *  32  u32    prune_floor  /
 *  36  u32    flags (0)
 *  40  u64    entries
 *  48  entries times: varint shared, varint suffix_len, suffix bytes,
 *                     varint count (1..2^32-1)
 *      u64    XXH3-64 (pdx_hash) of every byte before it
 *
 * An entry's key is the first `shared` bytes of the previous key followed
 * by the suffix; keys are strictly ascending in pdx_term_cmp order (the
 * order finish() sorts them in), so a table has exactly one encoding
 * whatever the order of its texts or the layout of the hash table. The
 * importer checks every key's shape (kind, direction, non-empty fixed
 * terms, one 0x00, span words), since finish() relies on it.
 *
 * Un-mining
 * ---------
 * A text adds 1 to each distinct key its parentheticals produce (once per
 * text, see above), so un-mining it scans it the same way and takes 1 from
 * each of those keys, dropping the keys that reach 0 (backward-shift
 * deletion: the table has no tombstones). A first pass only checks that
 * every key is held, so a text that was never mined changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>

#include "lexicon_mine.h"
#include "loanword.h"
#include "paperdex/tokenizer.h"

#define LM_MAX_KO_WORDS 5     /* longest Korean side, in words */
#define LM_MAX_EN_WORDS 6     /* longest English side, in words */
#define LM_MAX_INSIDE 160     /* longest parenthesized text, in bytes */
#define LM_MAX_ACRONYM 10     /* longest acronym, in bytes */
#define LM_STRONG_SHARE 0.10  /* a child with this share of its parent is strong */
#define LM_EXTEND_SHORT 0.50  /* strong share to extend a span shorter than expected */
#define LM_EXTEND_LONG 0.60   /* strong share to extend a span long enough already */

#define LM_TABLE_MAGIC "PDXC"  /* first bytes of an exported table */
/* The table's layout (see the overview); 1 had no acronyms, 2 no
 * loanwords, 3 no acronyms with a 2 for "to" (T2I). Which Hangul words a
 * table may hold follows loanword.c's skeleton rules (lm_key_valid()): a
 * change to them is a new version too, or an older table reads as
 * damaged (an update then mines all again). */
#define LM_TABLE_VERSION 4
#define LM_TABLE_HEADER 48     /* bytes before the first entry */
#define LM_TABLE_MIN_ENTRY 3   /* bytes of the smallest entry */
#define LM_ERRMSG 192          /* bytes of the miner's error message */

enum lm_kind { LM_SPAN = 0, LM_SURFACE = 1, LM_LOAN_COUNT = 2, LM_LOAN_PAIR = 3 };
/* What an LM_LOAN_COUNT key counts the papers of: a Hangul word, an
 * English word, or every paper (the key {2, 2, 0}). */
enum lm_loan_side { LM_LOAN_KO = 0, LM_LOAN_EN = 1, LM_LOAN_PAPERS = 2 };
/* Which side is fixed: the English of KO(EN), the Korean of EN(KO), the
 * long form of an acronym (its span is the acronym, one word). */
enum lm_dir { LM_KO_EN = 0, LM_EN_KO = 1, LM_ACRONYM = 2 };

/* What a scan of a text does with each key it produces. */
enum lm_mode {
    LM_MODE_ADD,   /* count it (pdx_lexicon_miner_add) */
    LM_MODE_CHECK, /* un-mining, first pass: is it held? changes nothing */
    LM_MODE_REMOVE /* un-mining, second pass: uncount it */
};

/* One hash table slot: a candidate key and how often it was seen. */
typedef struct lm_slot {
    uint64_t hash;    /* pdx_hash of the key */
    uint32_t key_off; /* key bytes at arena.data + key_off */
    uint32_t key_len; /* 0: empty slot (keys are never empty) */
    uint32_t count;   /* texts it was seen in */
    uint32_t text;    /* the last scan that counted it (m->serial; 0: none) */
} lm_slot;

/* A candidate during finish: a key in sorted order, with its count. */
typedef struct lm_cand {
    const uint8_t *key; /* into the arena */
    uint32_t key_len;   /* bytes of key */
    uint32_t count;     /* texts it was seen in */
    uint32_t depth;     /* words in the span (kind LM_SPAN) */
    uint32_t weight;    /* content words in the span (stopwords not counted) */
    bool noise;         /* its leftmost word is one that never starts a term */
    /* The key's first 8 bytes, big-endian, zero-padded: most comparisons
     * of the sort end here without reading the arena. */
    uint64_t head;
} lm_cand;

/* A pair being assembled: offsets into the miner's string arena, turned
 * into pointers once the arena stops moving. */
typedef struct lm_pair {
    size_t ko_terms, ko_terms_len;     /* Korean terms: offset, length in strs */
    size_t en_terms, en_terms_len;     /* English terms: offset, length */
    size_t ko_surface, ko_surface_len; /* Korean as written: offset, length */
    size_t en_surface, en_surface_len; /* English as written: offset, length */
    uint32_t support;                  /* texts that stated the pair */
    bool one_way;                      /* a loanword's (pdx_lex_pair.one_way) */
    bool head;                         /* a longer name's last words (lm_heads()) */
    bool loanword;                     /* a loanword's: pdx_lex_pair.both_ways */
} lm_pair;

struct pdx_lexicon_miner {
    pdx_tokenizer *tk;      /* owned; turns each side into terms */
    lm_slot *slots;         /* open addressing, linear probing */
    size_t n_slots;         /* power of two */
    size_t n_used;          /* occupied slots */
    size_t max_entries;     /* prune when a new key would pass this */
    pdx_buf arena;          /* key bytes of the occupied slots */
    size_t dead_bytes;      /* arena bytes of keys un-mined away (compacted when large) */
    uint32_t serial;        /* number of the current scan (add or unmine), never 0 */
    enum lm_mode mode;      /* what the current scan does with its keys */
    uint32_t min_support;   /* pairs below this are dropped */
    int err;                /* sticky PDX_ENOMEM */
    bool finished;          /* finish was called */
    pdx_buf key;            /* scratch: the key being built */
    pdx_buf terms;          /* scratch: joined terms of one side */
    pdx_lexicon_miner_stats stats; /* counters (candidates kept in sync) */
    /* results, filled by finish */
    pdx_buf strs;           /* bytes of every result string */
    lm_pair *work;          /* pairs under assembly */
    size_t n_work, cap_work; /* pairs in work, and allocated */
    pdx_lex_pair *pairs;    /* the final pairs, pointing into strs */
    size_t n_pairs;         /* pairs in pairs */
    char errmsg[LM_ERRMSG]; /* what the last failed export/import/unmine said */
    /* The candidates as export sorted them, kept for finish while no call
     * changes the table (an update exports, then finishes: one sort of
     * the whole table instead of two). NULL when unknown; owned. */
    lm_cand *sorted;
    size_t n_sorted;
    /* scratch of a paper's loanword scan (lm_loan_scan()), allocated at
     * the first one */
    struct lm_loan_scratch *loan;
    pdx_buf loan_en; /* the English words, lower-cased */
};

/* Forgets the sorted candidates export kept: the table is changing. */
static void lm_forget_sorted(pdx_lexicon_miner *m)
{
    free(m->sorted);
    m->sorted = NULL;
    m->n_sorted = 0;
}

/* ---- character classes ---- */

static bool lm_is_hangul_at(const char *t, size_t len, size_t i)
{
    return i <= len && pdx_hangul_at(t + i, len - i);
}

static bool lm_is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool lm_is_alnum(char c)
{
    return lm_is_alpha(c) || (c >= '0' && c <= '9');
}

static bool lm_ends_with(const char *w, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(w + n - k, suffix, k) == 0;
}

static bool lm_is_one_of(const char *w, size_t n, const char *const *list, size_t n_list)
{
    for (size_t i = 0; i < n_list; i++)
        if (strlen(list[i]) == n && memcmp(w, list[i], n) == 0)
            return true;
    return false;
}

/* lm_is_one_of() with ASCII case ignored; the list is lower case and its
 * words shorter than 8 bytes. */
static bool lm_is_one_of_folded(const char *w, size_t n, const char *const *list, size_t n_list)
{
    char low[8];
    if (n >= sizeof low)
        return false;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)(w[i] | 0x20);
    return lm_is_one_of(low, n, list, n_list);
}

/* Words that precede a term without being part of it: determiners and
 * adverbs (이, 최근, 기존), a particle standing alone after a parenthesis
 * or a Latin word (`...(LLM)와 효율성`), adnominal verb forms (통한, 새로운,
 * 효율적인), and topic or object particles on a longer word (논문은,
 * 방법을). The
 * descent never extends a span by such a word: `통한 강화 학습` is noise
 * around `강화 학습`. Short adjectives in -은 (작은, 깊은) are kept: they
 * do start terms (`작은 언어 모델`). */
static bool lm_is_noise_ko(const char *w, size_t n)
{
    static const char *const words[] = {"이",   "본",   "그",   "각",   "더",     "및",   "와",
                                        "과",   "의",   "은",   "는",   "을",     "를",   "가",
                                        "에",   "도",   "로",   "최근", "기존",   "또한", "특히",
                                        "그리고", "여러", "해당", "모든", "대한", "통해", "위해",
                                        "이러한"};
    static const char *const endings[] = {"한",  "운",  "적인", "을",
                                          "를",  "에서", "에게", "으로"};
    if (lm_is_one_of(w, n, words, sizeof words / sizeof *words))
        return true;
    for (size_t i = 0; i < sizeof endings / sizeof *endings; i++)
        if (lm_ends_with(w, n, endings[i]))
            return true;
    return n >= 9 && (lm_ends_with(w, n, "은") || lm_ends_with(w, n, "는"));
}

/* English words that precede a name without being part of it. */
static bool lm_is_noise_en(const char *w, size_t n)
{
    static const char *const words[] = {"a",   "an",  "the",   "our", "this",
                                        "these", "new", "novel", "its", "their"};
    return lm_is_one_of_folded(w, n, words, sizeof words / sizeof *words);
}

/* ---- scanning words leftwards ---- */

/* A word found left of the parenthesis: text[start, end). */
typedef struct lm_word {
    size_t start, end; /* byte range in the text */
} lm_word;

/* Start of the Hangul word (syllables, inner hyphens) ending at end, or end
 * when there is none. */
static size_t lm_hangul_word_start(const char *t, size_t len, size_t end)
{
    size_t s = end;
    for (;;) {
        if (s >= 3 && lm_is_hangul_at(t, len, s - 3))
            s -= 3;
        else if (s >= 4 && s < end && t[s - 1] == '-' && lm_is_hangul_at(t, len, s - 4))
            s -= 1;
        else
            return s;
    }
}

/* Start of the Latin word (letters, inner hyphens and apostrophes) ending
 * at end, or end when there is none. A word with a digit is no word here:
 * model names ("GPT-4") are not translations. */
static size_t lm_latin_word_start(const char *t, size_t end)
{
    size_t s = end;
    while (s > 0 && (lm_is_alnum(t[s - 1]) ||
                     ((t[s - 1] == '-' || t[s - 1] == '\'') && s < end && s >= 2 &&
                      lm_is_alpha(t[s - 2]))))
        s--;
    for (size_t i = s; i < end; i++)
        if (!lm_is_alpha(t[i]) && t[i] != '-' && t[i] != '\'')
            return end;
    return s < end && lm_is_alpha(t[s]) ? s : end;
}

/* Collects up to max words of one script ending at end, right to left,
 * separated by single spaces. A word glued to a letter or digit of another
 * script ("AI모델") ends the run; the first word glued so gives nothing. */
static size_t lm_words_left(const char *t, size_t len, size_t end, bool hangul, lm_word *out,
                            size_t max)
{
    size_t n = 0;
    while (n < max) {
        size_t s = hangul ? lm_hangul_word_start(t, len, end) : lm_latin_word_start(t, end);
        if (s == end)
            break;
        if (s > 0) {
            bool glued = lm_is_alnum(t[s - 1]) ||
                         (!hangul && s >= 3 && lm_is_hangul_at(t, len, s - 3));
            if (glued)
                break;
        }
        out[n].start = s;
        out[n].end = end;
        n++;
        if (s < 2 || t[s - 1] != ' ' || t[s - 2] == ' ')
            break;
        end = s - 1;
    }
    return n;
}

/* True when t[s, e) is 1..max_words words of one script separated by
 * single spaces (Hangul words, or letter-only Latin words). */
static bool lm_is_words(const char *t, size_t len, size_t s, size_t e, bool hangul,
                        size_t max_words)
{
    if (s >= e || t[s] == ' ' || t[e - 1] == ' ')
        return false;
    lm_word w[LM_MAX_EN_WORDS + 1];
    size_t n = lm_words_left(t, len, e, hangul, w, max_words + 1);
    return n >= 1 && n <= max_words && w[n - 1].start == s;
}

/* ---- the candidate table ---- */

static lm_slot *lm_find_slot(lm_slot *slots, size_t n_slots, const pdx_buf *arena,
                             uint64_t h, const uint8_t *key, size_t len)
{
    size_t mask = n_slots - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        lm_slot *s = &slots[i];
        if (s->key_len == 0 ||
            (s->hash == h && s->key_len == len && memcmp(arena->data + s->key_off, key, len) == 0))
            return s;
    }
}

/* Moves the slots with count > floor into a fresh table and arena. */
static int lm_rebuild(pdx_lexicon_miner *m, size_t n_slots, uint32_t floor)
{
    lm_slot *slots = calloc(n_slots, sizeof *slots);
    if (!slots)
        return PDX_ENOMEM;
    pdx_buf arena = {0};
    size_t used = 0;
    for (size_t i = 0; i < m->n_slots; i++) {
        const lm_slot *o = &m->slots[i];
        if (o->key_len == 0 || o->count <= floor)
            continue;
        lm_slot *s = lm_find_slot(slots, n_slots, &arena, o->hash, NULL, 0);
        *s = *o;
        s->key_off = (uint32_t)arena.len;
        pdx_buf_append(&arena, m->arena.data + o->key_off, o->key_len);
        used++;
    }
    if (arena.err) {
        free(slots);
        pdx_buf_free(&arena);
        return PDX_ENOMEM;
    }
    free(m->slots);
    pdx_buf_free(&m->arena);
    m->slots = slots;
    m->n_slots = n_slots;
    m->arena = arena;
    m->n_used = used;
    m->stats.candidates = used;
    m->dead_bytes = 0;
    return PDX_OK;
}

/* Drops the least supported candidates until half the room is free. */
static int lm_prune(pdx_lexicon_miner *m)
{
    uint32_t floor = m->stats.prune_floor;
    size_t keep;
    do {
        floor++;
        keep = 0;
        for (size_t i = 0; i < m->n_slots; i++)
            keep += m->slots[i].key_len && m->slots[i].count > floor;
    } while (keep > m->max_entries / 2);
    m->stats.prunes++;
    m->stats.prune_floor = floor;
    return lm_rebuild(m, m->n_slots, floor);
}

/* Makes room for one more key (pruning or growing the table) and holds it
 * with count, last counted by scan text. */
static int lm_insert(pdx_lexicon_miner *m, uint64_t h, const uint8_t *key, size_t len,
                     uint32_t count, uint32_t text)
{
    int rc = PDX_OK;
    if (m->n_used + 1 > m->max_entries)
        rc = lm_prune(m);
    else if ((m->n_used + 1) * 2 > m->n_slots)
        rc = lm_rebuild(m, m->n_slots * 2, 0);
    if (rc)
        return rc;
    if (m->arena.len + len > UINT32_MAX)
        return PDX_ENOMEM;
    lm_slot *s = lm_find_slot(m->slots, m->n_slots, &m->arena, h, key, len);
    *s = (lm_slot){h, (uint32_t)m->arena.len, (uint32_t)len, count, text};
    pdx_buf_append(&m->arena, key, len);
    m->n_used++;
    m->stats.candidates = m->n_used;
    return m->arena.err;
}

/* Empties slot s and moves the later slots of its probe run back, so that
 * lookups need no tombstones (backward-shift deletion). */
static void lm_remove(pdx_lexicon_miner *m, lm_slot *s)
{
    size_t mask = m->n_slots - 1;
    size_t hole = (size_t)(s - m->slots);
    m->dead_bytes += s->key_len;
    for (size_t j = (hole + 1) & mask; m->slots[j].key_len; j = (j + 1) & mask) {
        size_t home = (size_t)m->slots[j].hash & mask;
        /* slot j may fill the hole when the hole lies on its probe path,
         * i.e. between its home and j (cyclically) */
        if (((j - home) & mask) >= ((j - hole) & mask)) {
            m->slots[hole] = m->slots[j];
            hole = j;
        }
    }
    m->slots[hole] = (lm_slot){0};
    m->n_used--;
    m->stats.candidates = m->n_used;
}

/* Counts one occurrence of key in the current text. */
static int lm_count(pdx_lexicon_miner *m, const uint8_t *key, size_t len)
{
    uint64_t h = pdx_hash(key, len);
    lm_slot *s = lm_find_slot(m->slots, m->n_slots, &m->arena, h, key, len);
    if (!s->key_len)
        return lm_insert(m, h, key, len, 1, m->serial);
    if (s->text != m->serial && s->count < UINT32_MAX)
        s->count++; /* once per text: a summary repeating a pair is one vote */
    s->text = m->serial;
    return PDX_OK;
}

/* Takes back the count the current text gave key (once per text, as
 * lm_count gave it). The check pass made sure the key is held, so a key
 * not found here was taken back and dropped earlier in this text. */
static int lm_uncount(pdx_lexicon_miner *m, const uint8_t *key, size_t len)
{
    lm_slot *s = lm_find_slot(m->slots, m->n_slots, &m->arena, pdx_hash(key, len), key, len);
    if (!s->key_len || s->text == m->serial)
        return PDX_OK;
    s->text = m->serial;
    if (--s->count == 0)
        lm_remove(m, s);
    return PDX_OK;
}

/* Un-mining's check: PDX_ENOTFOUND, with the key in the message, when the
 * table does not hold key (the text was not mined here). */
static int lm_check_held(pdx_lexicon_miner *m, const uint8_t *key, size_t len)
{
    lm_slot *s = lm_find_slot(m->slots, m->n_slots, &m->arena, pdx_hash(key, len), key, len);
    if (s->key_len)
        return PDX_OK;
    const uint8_t *z = memchr(key + 2, 0, len - 2); /* every key has one (lm_key_start) */
    int fixed = (int)PDX_MIN((size_t)(z - key) - 2, 60);
    int rest = (int)PDX_MIN(len - (size_t)(z + 1 - key), 60);
    snprintf(m->errmsg, sizeof m->errmsg,
             "un-mining a text that was not mined: its candidate \"%.*s\" / \"%.*s\" is not "
             "held (it would go below 0)",
             fixed, (const char *)key + 2, rest, (const char *)z + 1);
    return PDX_ENOTFOUND;
}

/* Does what the current scan does with a key its text produced. */
static int lm_key(pdx_lexicon_miner *m, const uint8_t *key, size_t len)
{
    switch (m->mode) {
    case LM_MODE_CHECK:
        return lm_check_held(m, key, len);
    case LM_MODE_REMOVE:
        return lm_uncount(m, key, len);
    case LM_MODE_ADD:
        break;
    }
    return lm_count(m, key, len);
}

/* Adds count to key's (saturating), holding it if new (an import). */
static int lm_add_count(pdx_lexicon_miner *m, const uint8_t *key, size_t len, uint32_t count)
{
    uint64_t h = pdx_hash(key, len);
    lm_slot *s = lm_find_slot(m->slots, m->n_slots, &m->arena, h, key, len);
    if (!s->key_len)
        return lm_insert(m, h, key, len, count, 0);
    s->count = s->count > UINT32_MAX - count ? UINT32_MAX : s->count + count;
    return PDX_OK;
}

/* Starts a new scan of a text. Slots remember the last scan that counted
 * them; when the serial wraps (after 2^32 scans) they forget, so an old
 * mark can never pass for the new scan's. */
static void lm_next_scan(pdx_lexicon_miner *m, enum lm_mode mode)
{
    if (++m->serial == 0) {
        for (size_t i = 0; i < m->n_slots; i++)
            m->slots[i].text = 0;
        m->serial = 1;
    }
    m->mode = mode;
}

/* ---- terms ---- */

/* Leaves the joined terms of t[0, n) in m->terms (empty: no terms). */
static int lm_terms(pdx_lexicon_miner *m, const char *t, size_t n)
{
    return pdx_lexicon_key_of(m->tk, PDX_TOKENIZE_DEFAULT, t, n, &m->terms);
}

/* ---- adding a text ---- */

/* Starts m->key as kind, dir, the fixed side's terms and a 0x00. */
static void lm_key_start(pdx_lexicon_miner *m, enum lm_kind kind, enum lm_dir dir)
{
    pdx_buf_reset(&m->key);
    pdx_buf_putc(&m->key, (uint8_t)kind);
    pdx_buf_putc(&m->key, (uint8_t)dir);
    pdx_buf_append(&m->key, m->terms.data, m->terms.len);
    pdx_buf_putc(&m->key, 0);
}

/* Counts one occurrence of the fixed side t[s, e) (surface) with the
 * spans made of words[0..n) (right to left). */
static int lm_add_occurrence(pdx_lexicon_miner *m, enum lm_dir dir, const char *t, size_t s,
                             size_t e, const lm_word *words, size_t n)
{
    int rc = lm_terms(m, t + s, e - s);
    if (rc || m->terms.len == 0)
        return rc;
    if (m->mode == LM_MODE_ADD)
        m->stats.occurrences++;
    else if (m->mode == LM_MODE_REMOVE)
        m->stats.occurrences--;
    lm_key_start(m, LM_SURFACE, dir);
    pdx_buf_append(&m->key, t + s, e - s);
    if ((rc = m->key.err) || (rc = lm_key(m, m->key.data, m->key.len)))
        return rc;
    lm_key_start(m, LM_SPAN, dir);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            pdx_buf_putc(&m->key, ' ');
        pdx_buf_append(&m->key, t + words[i].start, words[i].end - words[i].start);
        if ((rc = m->key.err) || (rc = lm_key(m, m->key.data, m->key.len)))
            return rc;
    }
    return PDX_OK;
}

/* The ','/';'-separated pieces of t[s, e) (a parenthetical's inside: at
 * most LM_MAX_PIECES), spaces trimmed. */
#define LM_MAX_PIECES (LM_MAX_INSIDE / 2 + 1)
static size_t lm_pieces(const char *t, size_t s, size_t e, lm_word *out)
{
    size_t n = 0;
    while (s < e && n < LM_MAX_PIECES) {
        size_t p = s;
        while (p < e && t[p] != ',' && t[p] != ';')
            p++;
        size_t a = s, b = p;
        while (a < b && t[a] == ' ')
            a++;
        while (b > a && t[b - 1] == ' ')
            b--;
        out[n++] = (lm_word){a, b};
        s = p + 1;
    }
    return n;
}

static bool lm_to_acronym(const char *t, size_t s, size_t e);

/* KO(EN): each ','/';'-separated piece of t[s, e) that is 1..6 Latin
 * words, or an acronym with a 2 for "to" (lm_to_acronym()), is a fixed
 * English side for the Korean words before. */
static int lm_add_ko_en(pdx_lexicon_miner *m, const char *t, size_t len, size_t s, size_t e,
                        size_t left_end)
{
    lm_word words[LM_MAX_KO_WORDS];
    size_t n = lm_words_left(t, len, left_end, true, words, LM_MAX_KO_WORDS);
    if (n == 0)
        return PDX_OK;
    lm_word p[LM_MAX_PIECES];
    size_t k = lm_pieces(t, s, e, p);
    for (size_t i = 0; i < k; i++)
        if (lm_is_words(t, len, p[i].start, p[i].end, false, LM_MAX_EN_WORDS) ||
            lm_to_acronym(t, p[i].start, p[i].end)) {
            int rc = lm_add_occurrence(m, LM_KO_EN, t, p[i].start, p[i].end, words, n);
            if (rc)
                return rc;
        }
    return PDX_OK;
}

/* EN(KO): t[s, e) is the fixed Korean side for the Latin words before. */
static int lm_add_en_ko(pdx_lexicon_miner *m, const char *t, size_t len, size_t s, size_t e,
                        size_t left_end)
{
    lm_word words[LM_MAX_EN_WORDS];
    size_t n = lm_words_left(t, len, left_end, false, words, LM_MAX_EN_WORDS);
    return n ? lm_add_occurrence(m, LM_EN_KO, t, s, e, words, n) : PDX_OK;
}

/* ---- acronyms and their long forms ----
 *
 * `Neural Radiance Fields (NeRF)`, `NeRF(Neural Radiance Fields)` and
 * `신경 방사장(Neural Radiance Fields, NeRF)` each state that an acronym
 * and an English name are one idea, where papers (and readers) use one or
 * the other: the long form is the fixed side, the acronym its one-word
 * span. Which words before a parenthesis are the long form is Schwartz and
 * Hearst's answer ("A simple algorithm for identifying abbreviation
 * definitions in biomedical text", 2003): the acronym's letters found
 * right to left in the words, case ignored, the first one starting a
 * word. */

/* Short English words that papers also write in capitals: as acronyms
 * (`IS` for Inception Score, `IT` for Instruction Tuning) they would give
 * every query with the word a long form it never meant. */
static bool lm_is_common_word(const char *w, size_t n)
{
    static const char *const words[] = {
        "all", "am",  "an",  "and", "any", "are", "as",  "at",  "be",  "but", "by",  "can",
        "do",  "for", "get", "has", "he",  "how", "if",  "in",  "is",  "it",  "its", "may",
        "me",  "my",  "new", "no",  "not", "of",  "on",  "one", "or",  "our", "out", "see",
        "set", "so",  "the", "to",  "two", "up",  "us",  "use", "was", "we",  "who", "why",
        "yes", "you"};
    return lm_is_one_of_folded(w, n, words, sizeof words / sizeof *words);
}

/* A dimension ("3D", "4D": a digit 1-9 and a capital D) leading the
 * acronym a[0, n): how papers name the space a method works in
 * (`3D Gaussian Splatting (3DGS)`, 4DGS, 2DGS), its long form spelling it
 * as its first word. Its length (2), or 0 when a has none. */
static size_t lm_dim_prefix(const char *a, size_t n)
{
    return n >= 2 && a[0] >= '1' && a[0] <= '9' && a[1] == 'D' ? 2 : 0;
}

/* Is t[s, e) a dimension word ("3D", "3d") standing alone? */
static bool lm_is_dim_word(const char *t, size_t s, size_t e)
{
    return e - s == 2 && t[s] >= '1' && t[s] <= '9' && (t[s + 1] | 0x20) == 'd';
}

/* The start of a dimension word and one space right before t[s], a word of
 * its own (no letter, digit, point or hyphen glued to it), or s. */
static size_t lm_dim_word_before(const char *t, size_t s)
{
    if (s < 3 || t[s - 1] != ' ' || !lm_is_dim_word(t, s - 3, s - 1))
        return s;
    if (s > 3 && (lm_is_alnum(t[s - 4]) || t[s - 4] == '.' || t[s - 4] == '-'))
        return s;
    return s - 3;
}

/* Is a[i] the digit 2 standing for "to" between two letters of an
 * acronym (T2I Text-to-Image, I2V Image-to-Video, E2E End-to-End)? */
static bool lm_to_digit(const char *a, size_t n, size_t i)
{
    return a[i] == '2' && i > 0 && i + 1 < n && lm_is_alpha(a[i - 1]) && lm_is_alpha(a[i + 1]);
}

/* The end of the acronym t[s, e) without a plural 's' ("LLMs": LLM,
 * "NeRFs": NeRF), or s when t[s, e) is no acronym: one word of 2 to
 * LM_MAX_ACRONYM ASCII letters, a capital first and another one at least,
 * no common word (lm_is_common_word()), maybe after a dimension (3DGS:
 * lm_dim_prefix(), its D a capital), maybe with a 2 for "to" between two
 * letters (T2I: lm_to_digit()). A lower-case first letter is a word's
 * (`mAP` is also "map"). */
static size_t lm_acronym_end(const char *t, size_t s, size_t e)
{
    size_t dim = lm_dim_prefix(t + s, e - s), r = s + dim, upper = dim != 0;
    if (e - s < 2 || e - s > LM_MAX_ACRONYM || e == r || t[r] < 'A' || t[r] > 'Z')
        return s;
    for (size_t i = r; i < e; i++) {
        if (!lm_is_alpha(t[i]) && !lm_to_digit(t + r, e - r, i - r))
            return s;
        upper += t[i] >= 'A' && t[i] <= 'Z';
    }
    bool plural = e - r > 2 && t[e - 1] == 's' && t[e - 2] >= 'A' && t[e - 2] <= 'Z';
    size_t end = plural ? e - 1 : e;
    return upper < 2 || lm_is_common_word(t + s, end - s) ? s : end;
}

/* Is t[s, e) an acronym with a 2 for "to" (`텍스트-이미지(T2I)`: a word
 * with a digit, which the Latin words of a Korean name's translation
 * otherwise never have)? */
static bool lm_to_acronym(const char *t, size_t s, size_t e)
{
    if (lm_acronym_end(t, s, e) == s)
        return false;
    for (size_t i = s; i < e; i++)
        if (lm_to_digit(t + s, e - s, i - s))
            return true;
    return false;
}

/* The letter of an acronym's letters (lm_acronym_letters()) that stands
 * for the word "to" (its digit 2). */
#define LM_TO_LETTER '>'

/* The letters of acronym a[0, n) that stand for words, into out (at
 * least LM_MAX_ACRONYM bytes): its capitals when it has lower-case
 * letters too (`NeRF`: N R F, `MoE`: M E), else all of them; a leading
 * dimension is its digit (3DGS: 3 G S), which stands for the word "3D";
 * a 2 between letters is LM_TO_LETTER (T2I: T > I). */
static size_t lm_acronym_letters(const char *a, size_t n, char *out)
{
    size_t dim = lm_dim_prefix(a, n), k = 0, lower = 0;
    if (dim)
        out[k++] = a[0];
    for (size_t i = dim; i < n; i++)
        lower += a[i] >= 'a' && a[i] <= 'z';
    for (size_t i = dim; i < n; i++)
        if (lm_to_digit(a, n, i))
            out[k++] = LM_TO_LETTER;
        else if (!lower || (a[i] >= 'A' && a[i] <= 'Z'))
            out[k++] = a[i];
    return k;
}

/* Does letter l of an acronym stand for the part t[s, e): its initial, a
 * dimension's digit for a dimension word, LM_TO_LETTER for "to"? */
static bool lm_letter_of_part(char l, const char *t, size_t s, size_t e)
{
    if (l == LM_TO_LETTER)
        return e - s == 2 && (t[s] | 0x20) == 't' && (t[s + 1] | 0x20) == 'o';
    if (l >= '1' && l <= '9')
        return lm_is_dim_word(t, s, e) && t[s] == l;
    return (t[s] | 0x20) == (l | 0x20);
}

/* The start of the part (a word, or a piece of a hyphenated one) of
 * t[s, e) that ends at end; parts are separated by ' ' and '-'. */
static size_t lm_part_start(const char *t, size_t s, size_t end)
{
    while (end > s && t[end - 1] != ' ' && t[end - 1] != '-')
        end--;
    return end;
}

/* Where the long form of the letters l[0, n) starts in the words t[s, e)
 * when each letter, last to first, is the initial of a part, right to
 * left, with only function words skipped (`Bidirectional Encoder
 * Representations from Transformers`): the start of the first letter's
 * word. e when they are not so, or that part does not start a word. */
static size_t lm_initials_start(const char *t, size_t s, size_t e, const char *l, size_t n)
{
    size_t end = e, start = e;
    for (size_t i = n; i-- > 0;) {
        for (;;) {
            if (end <= s)
                return e;
            start = lm_part_start(t, s, end);
            if (start == end)
                return e;
            bool match = lm_letter_of_part(l[i], t, start, end);
            size_t part_end = end;
            end = start > s ? start - 1 : s;
            if (match)
                break;
            if (!pdx_english_function_word(t + start, part_end - start))
                return e;
        }
    }
    return start == s || t[start - 1] == ' ' ? start : e;
}

/* Where the long form of acronym a[0, n) starts in the words t[s, e), or
 * e when its letters are not all there (Schwartz and Hearst): each letter,
 * last to first, is found leftwards, case ignored; the first one only at
 * the start of a space-separated word, which is where the long form
 * starts. */
static size_t lm_letters_start(const char *t, size_t s, size_t e, const char *a, size_t n)
{
    size_t l = e;
    for (size_t i = n; i-- > 0;) {
        char c = (char)(a[i] | 0x20);
        do {
            if (l == s)
                return e;
            l--;
        } while ((t[l] | 0x20) != c || (i == 0 && l > s && t[l - 1] != ' '));
    }
    return l;
}

/* Where the long form of acronym a[0, n) starts in the words t[s, e), or
 * e when none: its word letters as the initials of the parts
 * (lm_initials_start()), or else, as Schwartz and Hearst find it, its
 * letters anywhere in words (`Sparse Autoencoders` for SAE) when the long
 * form has a part for each word letter but one at least. (Their letters
 * alone take the nearest match: `Policy Optimization` for PPO out of
 * `Proximal Policy Optimization`.) */
static size_t lm_long_form_start(const char *t, size_t s, size_t e, const char *a, size_t n)
{
    char letters[LM_MAX_ACRONYM];
    size_t k = lm_acronym_letters(a, n, letters);
    size_t start = lm_initials_start(t, s, e, letters, k);
    if (start != e || lm_dim_prefix(a, n)) /* "3D" only as a word's initials */
        return start;
    start = lm_letters_start(t, s, e, a, n);
    size_t parts = start < e;
    for (size_t i = start; i < e; i++)
        parts += t[i] == ' ' || t[i] == '-';
    return parts + 1 >= k ? start : e;
}

/* Counts the acronym t[as, ae) (its plural 's' dropped) with the long form
 * t[ls, le): 1..LM_MAX_EN_WORDS letter-only words, two words or hyphenated
 * parts at least (`Vision Transformer`, `Low-Rank Adaptation`), not holding
 * the acronym itself; after a dimension word when the acronym starts with
 * one (`3D Gaussian Splatting`). */
static int lm_add_acronym(pdx_lexicon_miner *m, const char *t, size_t as, size_t ae, size_t ls,
                          size_t le)
{
    size_t words = ls;
    if (lm_dim_prefix(t + as, ae - as)) {
        if (le - ls < 4 || !lm_is_dim_word(t, ls, ls + 2) || t[ls + 2] != ' ')
            return PDX_OK;
        words = ls + 3;
    }
    /* the words of t[words, le) alone: the ones before are not its */
    if (!lm_is_words(t + words, le - words, 0, le - words, false, LM_MAX_EN_WORDS) ||
        (!memchr(t + ls, ' ', le - ls) && !memchr(t + ls, '-', le - ls)))
        return PDX_OK;
    for (size_t i = ls; i + (ae - as) <= le; i++)
        if (memcmp(t + i, t + as, ae - as) == 0)
            return PDX_OK;
    lm_word acronym = {as, ae};
    return lm_add_occurrence(m, LM_ACRONYM, t, ls, le, &acronym, 1);
}

/* `long form (ACRONYM)`: the acronym inside is t[as, ae); the long form is
 * among the Latin words before the parenthesis (at most as many as the
 * acronym has letters plus five, or twice as many: Schwartz and Hearst's
 * bound), starting where its first letter starts a word. */
static int lm_add_long_left(pdx_lexicon_miner *m, const char *t, size_t len, size_t as,
                            size_t ae, size_t left_end)
{
    size_t core = lm_acronym_end(t, as, ae);
    if (core == as)
        return PDX_OK;
    size_t n = core - as;
    lm_word w[LM_MAX_EN_WORDS];
    size_t k = lm_words_left(t, len, left_end, false, w,
                             PDX_MIN(LM_MAX_EN_WORDS, PDX_MIN(n + 5, 2 * n)));
    if (k == 0)
        return PDX_OK;
    size_t first = w[k - 1].start; /* a dimension word is no Latin word of its own */
    if (lm_dim_prefix(t + as, n))
        first = lm_dim_word_before(t, first);
    size_t ls = lm_long_form_start(t, first, left_end, t + as, n);
    return ls == left_end ? PDX_OK : lm_add_acronym(m, t, as, core, ls, left_end);
}

/* `ACRONYM(long form)` and `(long form, ACRONYM)`: the long form is a
 * whole piece t[ls, le), from its first word. */
static int lm_add_long_piece(pdx_lexicon_miner *m, const char *t, size_t as, size_t ae,
                             size_t ls, size_t le)
{
    size_t core = lm_acronym_end(t, as, ae);
    if (core == as || lm_long_form_start(t, ls, le, t + as, core - as) != ls)
        return PDX_OK;
    return lm_add_acronym(m, t, as, core, ls, le);
}

/* The acronyms the parenthetical t[s, e) after t[.., left_end) states. */
static int lm_add_acronyms(pdx_lexicon_miner *m, const char *t, size_t len, size_t s, size_t e,
                           size_t left_end)
{
    lm_word p[LM_MAX_PIECES];
    size_t n = lm_pieces(t, s, e, p);
    int rc = PDX_OK;
    if (n == 1 && lm_acronym_end(t, p[0].start, p[0].end) != p[0].start)
        return lm_add_long_left(m, t, len, p[0].start, p[0].end, left_end);
    for (size_t i = 0; i < n && !rc; i++) /* (long form, ACRONYM) */
        for (size_t j = 0; j < n && !rc; j++)
            if (i != j)
                rc = lm_add_long_piece(m, t, p[j].start, p[j].end, p[i].start, p[i].end);
    size_t as = lm_latin_word_start(t, left_end); /* ACRONYM(long form) */
    if (as == left_end) { /* 3DGS(3D Gaussian Splatting), T2I(...): no Latin words */
        size_t d = left_end;
        while (d > 0 && lm_is_alnum(t[d - 1]))
            d--;
        if (lm_dim_prefix(t + d, left_end - d) || lm_to_acronym(t, d, left_end))
            as = d;
    }
    bool glued = as < left_end && as > 0 && (lm_is_alnum(t[as - 1]) || t[as - 1] == '-');
    if (!rc && n >= 1 && as < left_end && !glued)
        rc = lm_add_long_piece(m, t, as, left_end, p[0].start, p[0].end);
    return rc;
}

/* The parenthetical opening at t[open]: classifies it and counts it. */
static int lm_add_paren(pdx_lexicon_miner *m, const char *t, size_t len, size_t open)
{
    size_t close = open + 1;
    size_t limit = PDX_MIN(len, open + 1 + LM_MAX_INSIDE);
    while (close < limit && t[close] != ')' && t[close] != '(' && t[close] != '\n')
        close++;
    if (close >= limit || t[close] != ')')
        return PDX_OK;
    size_t s = open + 1, e = close;
    size_t left_end = open > 0 && t[open - 1] == ' ' ? open - 1 : open;
    if (left_end == 0)
        return PDX_OK;
    if (lm_is_words(t, len, s, e, true, LM_MAX_KO_WORDS))
        return lm_add_en_ko(m, t, len, s, e, left_end);
    if (s < e && lm_is_alpha(t[s])) {
        int rc = lm_add_ko_en(m, t, len, s, e, left_end);
        return rc ? rc : lm_add_acronyms(m, t, len, s, e, left_end);
    }
    if (lm_dim_prefix(t + s, e - s)) /* (3DGS), (3D Gaussian Splatting, 3DGS) */
        return lm_add_acronyms(m, t, len, s, e, left_end);
    return PDX_OK;
}

/* Feeds every parenthetical of the text to the current scan. */
static int lm_scan(pdx_lexicon_miner *m, const char *text, size_t len)
{
    for (const char *p = text; p && (p = memchr(p, '(', len - (size_t)(p - text))); p++) {
        int rc = lm_add_paren(m, text, len, (size_t)(p - text));
        if (rc)
            return rc;
    }
    return PDX_OK;
}

int pdx_lexicon_miner_add(pdx_lexicon_miner *m, const char *text, size_t len)
{
    if (!m || (!text && len > 0) || m->finished)
        return PDX_EINVAL;
    if (m->err)
        return m->err;
    lm_forget_sorted(m);
    m->stats.texts++;
    lm_next_scan(m, LM_MODE_ADD);
    int rc = lm_scan(m, text, len);
    return rc ? (m->err = rc) : PDX_OK;
}

/* Arena bytes of dropped keys worth a compaction (and at least half the
 * arena): un-mining many texts must not keep their keys forever. */
#define LM_COMPACT_BYTES ((size_t)1 << 20)

/* The texts a scan reads: one text (un-mining a text), or a paper's title
 * and summary and then the paper as a whole (loan, un-mining a paper). */
typedef struct lm_texts {
    const char *t[2];
    size_t len[2];
    int n;     /* texts */
    bool loan; /* the paper's loanword keys too */
} lm_texts;

static int lm_loan_scan(pdx_lexicon_miner *m, const char *const *t, const size_t *len);

/* Runs every scan of x in the given mode. */
static int lm_scan_texts(pdx_lexicon_miner *m, const lm_texts *x, enum lm_mode mode)
{
    int rc = PDX_OK;
    for (int i = 0; i < x->n && !rc; i++) {
        lm_next_scan(m, mode);
        rc = lm_scan(m, x->t[i], x->len[i]);
    }
    if (!rc && x->loan) {
        lm_next_scan(m, mode);
        rc = lm_loan_scan(m, x->t, x->len);
    }
    return rc;
}

/* Takes the texts of x back out: all checked first, then all removed. */
static int lm_unmine(pdx_lexicon_miner *m, const lm_texts *x)
{
    lm_forget_sorted(m);
    m->errmsg[0] = '\0';
    if (m->err)
        return m->err;
    if (m->stats.prunes) {
        snprintf(m->errmsg, sizeof m->errmsg,
                 "the candidate table was pruned %llu times (counts up to %u dropped): "
                 "un-mining cannot be exact; mine the remaining texts again",
                 (unsigned long long)m->stats.prunes, (unsigned)m->stats.prune_floor);
        return PDX_ELIMIT;
    }
    if (m->stats.texts < (uint64_t)x->n) {
        snprintf(m->errmsg, sizeof m->errmsg, "un-mining more texts than the miner holds");
        return PDX_ENOTFOUND;
    }
    int rc = lm_scan_texts(m, x, LM_MODE_CHECK);
    if (rc == PDX_OK)
        rc = lm_scan_texts(m, x, LM_MODE_REMOVE);
    m->mode = LM_MODE_ADD;
    if (rc == PDX_ENOTFOUND)
        return rc; /* found by the check pass: nothing changed */
    if (rc)
        return m->err = rc;
    m->stats.texts -= (uint64_t)x->n;
    if (m->dead_bytes >= LM_COMPACT_BYTES && m->dead_bytes * 2 >= m->arena.len &&
        (rc = lm_rebuild(m, m->n_slots, 0)) != PDX_OK)
        return m->err = rc;
    return PDX_OK;
}

int pdx_lexicon_miner_unmine(pdx_lexicon_miner *m, const char *text, size_t len)
{
    if (!m || (!text && len > 0) || m->finished)
        return PDX_EINVAL;
    lm_texts x = {{text ? text : ""}, {len}, 1, false};
    return lm_unmine(m, &x);
}

/* ---- loanwords: a paper at a time ----
 *
 * A paper (title and summary together: the title says "Robot", the
 * summary 로봇) counts, once each, in LM_LOAN_COUNT keys: itself, each
 * Hangul word whose consonants make a skeleton (loanword.h) and each
 * English word that may be a loanword's; and in LM_LOAN_PAIR keys each
 * pair of its words that sound alike. finish() keeps the pairs far more
 * often together than chance (lm_loan_pairs()). */

/* A word: bytes of a text or of m->loan_en, their pdx_hash(), and
 * for a Hangul word its skeleton (whose first and all bits tell most
 * pairs of a paper's words apart before a match is tried). */
typedef struct lm_ref {
    const char *p;
    uint32_t n;
    uint64_t h;
    const pdx_loan_skeleton *sk;
} lm_ref;

/* Slots of the set that finds a paper's repeated words: a power of two,
 * at least twice PDX_LOAN_MAX_WORDS. */
#define LM_LOAN_SET 2048

/* Drops the repeats of r[0..n) (n <= PDX_LOAN_MAX_WORDS), keeping the
 * first of each in text order, through the set `set` (LM_LOAN_SET
 * slots, cleared here); returns the count left. A summary repeats its
 * words: each is counted and paired once. */
static size_t lm_refs_unique(lm_ref *r, size_t n, uint16_t *set)
{
    memset(set, 0xFF, LM_LOAN_SET * sizeof *set);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        size_t slot = r[i].h & (LM_LOAN_SET - 1);
        for (; set[slot] != 0xFFFF; slot = (slot + 1) & (LM_LOAN_SET - 1)) {
            const lm_ref *o = &r[set[slot]];
            if (o->n == r[i].n && !memcmp(o->p, r[i].p, o->n))
                break;
        }
        if (set[slot] == 0xFFFF) {
            r[k] = r[i];
            set[slot] = (uint16_t)k++;
        }
    }
    return k;
}

/* A paper's loanword scan's scratch (m->loan). */
typedef struct lm_loan_scratch {
    pdx_loan_word words[2 * PDX_LOAN_MAX_WORDS]; /* per script, Hangul first */
    lm_ref ko[PDX_LOAN_MAX_WORDS], en[PDX_LOAN_MAX_WORDS]; /* the distinct words */
    uint16_t set[LM_LOAN_SET];                   /* lm_refs_unique()'s slots */
    uint16_t order[PDX_LOAN_MAX_WORDS];          /* lm_loan_buckets()'s word order */
    pdx_loan_cache cache;                        /* the runs' particles, remembered */
} lm_loan_scratch;

static int lm_loan_alloc(pdx_lexicon_miner *m)
{
    if (!m->loan && !(m->loan = calloc(1, sizeof *m->loan)))
        return PDX_ENOMEM;
    return PDX_OK;
}

/* The distinct Hangul words of the paper's texts into m->loan->ko, with
 * their skeletons; returns their count. */
static size_t lm_loan_ko_words(pdx_lexicon_miner *m, const char *const *t, const size_t *len)
{
    size_t k = 0;
    for (int i = 0; i < 2; i++) {
        /* each text's words after the last's: the refs point at them */
        pdx_loan_word *w = m->loan->words + k;
        size_t n =
            pdx_loan_hangul_words(&m->loan->cache, t[i], len[i], w, PDX_LOAN_MAX_WORDS - k);
        for (size_t j = 0; j < n; j++)
            m->loan->ko[k++] = (lm_ref){t[i] + w[j].off, w[j].len, w[j].hash, &w[j].sk};
    }
    return lm_refs_unique(m->loan->ko, k, m->loan->set);
}

/* The distinct English words of the paper's texts, lower-cased into
 * m->loan_en, into m->loan->en; returns their count. */
static size_t lm_loan_en_words(pdx_lexicon_miner *m, const char *const *t, const size_t *len)
{
    pdx_buf_reset(&m->loan_en);
    size_t k = 0;
    for (int i = 0; i < 2; i++) {
        /* the second half: the first holds the Hangul words' skeletons */
        pdx_loan_word *words = m->loan->words + PDX_LOAN_MAX_WORDS;
        size_t n = pdx_loan_latin_words(t[i], len[i], words, PDX_LOAN_MAX_WORDS - k);
        for (size_t j = 0; j < n; j++) {
            const pdx_loan_word *w = &words[j];
            m->loan->en[k++] = (lm_ref){NULL, w->len, 0, NULL};
            for (uint32_t c = 0; c < w->len; c++)
                pdx_buf_putc(&m->loan_en, (uint8_t)(t[i][w->off + c] | 0x20));
        }
    }
    if (m->loan_en.err)
        return 0;
    /* the words lie end to end: pointers now that the buffer stopped moving */
    for (size_t j = 0, off = 0; j < k; off += m->loan->en[j].n, j++) {
        lm_ref *r = &m->loan->en[j];
        r->p = (const char *)m->loan_en.data + off;
        r->h = pdx_hash(r->p, r->n);
    }
    return lm_refs_unique(m->loan->en, k, m->loan->set);
}

/* Leaves the key {kind, side, a[0, an), 0x00, b[0, bn)} in m->key;
 * returns its buffer's error. */
static int lm_loan_key_build(pdx_lexicon_miner *m, enum lm_kind kind, enum lm_loan_side side,
                             const char *a, size_t an, const char *b, size_t bn)
{
    pdx_buf_reset(&m->key);
    pdx_buf_putc(&m->key, (uint8_t)kind);
    pdx_buf_putc(&m->key, (uint8_t)side);
    pdx_buf_append(&m->key, a, an);
    pdx_buf_putc(&m->key, 0);
    pdx_buf_append(&m->key, b, bn);
    return m->key.err;
}

/* Does what the scan does with the key {kind, side, a, 0x00, b}. */
static int lm_loan_key(pdx_lexicon_miner *m, enum lm_kind kind, enum lm_loan_side side,
                       const lm_ref *a, const lm_ref *b)
{
    int rc = lm_loan_key_build(m, kind, side, a ? a->p : "", a ? a->n : 0, b ? b->p : "",
                               b ? b->n : 0);
    return rc ? rc : lm_key(m, m->key.data, m->key.len);
}

/* Classes a skeleton may start with (the bits of pdx_loan_ko_first()). */
#define LM_LOAN_CLASSES 10

/* m->loan->order: the paper's nk Hangul words that have a skeleton,
 * grouped by the class they start with, group b at [start[b],
 * start[b + 1]): an English word is tried against the groups its first
 * letters may start, not against every word. */
static void lm_loan_buckets(pdx_lexicon_miner *m, size_t nk, size_t *start)
{
    size_t count[LM_LOAN_CLASSES] = {0};
    for (size_t i = 0; i < nk; i++)
        if (m->loan->ko[i].sk->n)
            count[__builtin_ctz(m->loan->ko[i].sk->first)]++;
    start[0] = 0;
    for (unsigned b = 0; b < LM_LOAN_CLASSES; b++)
        start[b + 1] = start[b] + count[b];
    size_t at[LM_LOAN_CLASSES];
    memcpy(at, start, sizeof at);
    for (size_t i = 0; i < nk; i++)
        if (m->loan->ko[i].sk->n)
            m->loan->order[at[__builtin_ctz(m->loan->ko[i].sk->first)]++] = (uint16_t)i;
}

/* Feeds a paper's loanword keys (see above) to the current scan. */
static int lm_loan_scan(pdx_lexicon_miner *m, const char *const *t, const size_t *len)
{
    int rc = lm_loan_alloc(m);
    if (rc || (rc = lm_loan_key(m, LM_LOAN_COUNT, LM_LOAN_PAPERS, NULL, NULL)))
        return rc;
    size_t nk = lm_loan_ko_words(m, t, len), ne = lm_loan_en_words(m, t, len);
    if (m->loan_en.err)
        return m->loan_en.err;
    for (size_t i = 0; i < nk && !rc; i++)
        if (m->loan->ko[i].sk->n)
            rc = lm_loan_key(m, LM_LOAN_COUNT, LM_LOAN_KO, &m->loan->ko[i], NULL);
    for (size_t j = 0; j < ne && !rc; j++)
        rc = lm_loan_key(m, LM_LOAN_COUNT, LM_LOAN_EN, &m->loan->en[j], NULL);
    size_t start[LM_LOAN_CLASSES + 1];
    lm_loan_buckets(m, nk, start);
    for (size_t j = 0; j < ne && !rc; j++) {
        const lm_ref *e = &m->loan->en[j];
        unsigned first = pdx_loan_en_first(e->p, e->n), all = pdx_loan_en_classes(e->p, e->n);
        for (unsigned b = 0; b < LM_LOAN_CLASSES && !rc; b++) {
            for (size_t k = start[b]; (first >> b & 1) && k < start[b + 1] && !rc; k++) {
                size_t i = m->loan->order[k];
                if (!(m->loan->ko[i].sk->all & ~all) &&
                    pdx_loan_en_matches(e->p, e->n, m->loan->ko[i].sk->c, m->loan->ko[i].sk->n))
                    rc = lm_loan_key(m, LM_LOAN_PAIR, LM_LOAN_KO, &m->loan->ko[i], e);
            }
        }
    }
    return rc;
}

static bool lm_paper_args_ok(const pdx_lexicon_miner *m, const char *title, size_t title_len,
                             const char *summary, size_t summary_len)
{
    return m && (title || !title_len) && (summary || !summary_len) && !m->finished;
}

int pdx_lexicon_miner_unmine_paper(pdx_lexicon_miner *m, const char *title, size_t title_len,
                                   const char *summary, size_t summary_len)
{
    if (!lm_paper_args_ok(m, title, title_len, summary, summary_len))
        return PDX_EINVAL;
    lm_texts x = {{title ? title : "", summary ? summary : ""}, {title_len, summary_len}, 2, true};
    return lm_unmine(m, &x);
}

int pdx_lexicon_miner_add_loanwords(pdx_lexicon_miner *m, const char *title, size_t title_len,
                                    const char *summary, size_t summary_len)
{
    if (!lm_paper_args_ok(m, title, title_len, summary, summary_len))
        return PDX_EINVAL;
    if (m->err)
        return m->err;
    lm_forget_sorted(m);
    const char *t[2] = {title ? title : "", summary ? summary : ""};
    size_t len[2] = {title_len, summary_len};
    lm_next_scan(m, LM_MODE_ADD);
    int rc = lm_loan_scan(m, t, len);
    return rc ? (m->err = rc) : PDX_OK;
}

int pdx_lexicon_miner_add_paper(pdx_lexicon_miner *m, const char *title, size_t title_len,
                                const char *summary, size_t summary_len)
{
    if (!lm_paper_args_ok(m, title, title_len, summary, summary_len))
        return PDX_EINVAL;
    int rc = pdx_lexicon_miner_add(m, title, title_len);
    if (!rc)
        rc = pdx_lexicon_miner_add(m, summary, summary_len);
    return rc ? rc : pdx_lexicon_miner_add_loanwords(m, title, title_len, summary, summary_len);
}

/* The first 8 bytes of a key, big-endian, zero-padded (lm_cand.head). */
static uint64_t lm_key_head(const uint8_t *key, size_t len)
{
    uint64_t h = 0;
    for (size_t i = 0; i < 8; i++)
        h = h << 8 | (i < len ? key[i] : 0);
    return h;
}

/* ---- finish: alignment ---- */

static int lm_cand_cmp(const void *a, const void *b)
{
    const lm_cand *x = a, *y = b;
    if (x->head != y->head) /* the order of the first 8 bytes (padding aside) */
        return x->head < y->head ? -1 : 1;
    size_t n = PDX_MIN(x->key_len, y->key_len);
    int c = memcmp(x->key, y->key, n);
    if (c)
        return c;
    return (x->key_len > y->key_len) - (x->key_len < y->key_len);
}

/* Length of the group prefix (kind, dir, fixed terms, 0x00) of a key. */
static size_t lm_group_len(const lm_cand *c)
{
    const uint8_t *z = memchr(c->key + 2, 0, c->key_len - 2);
    return (size_t)(z - c->key) + 1;
}

/* Words, content words and the noise flag of a span path (words separated
 * by ' ', the leftmost last). */
static void lm_span_measure(lm_cand *c, size_t group_len, bool latin)
{
    const char *p = (const char *)c->key + group_len;
    size_t n = c->key_len - group_len;
    c->depth = c->weight = 0;
    size_t i = 0, j = 0;
    while (i < n) {
        j = i;
        while (j < n && p[j] != ' ')
            j++;
        c->depth++;
        c->weight += !(latin && pdx_english_function_word(p + i, j - i));
        if (j == n)
            break;
        i = j + 1;
    }
    c->noise = latin ? lm_is_noise_en(p + i, j - i) : lm_is_noise_ko(p + i, j - i);
}

/* The alignment state of one fixed side. */
typedef struct lm_group {
    const lm_cand *c;     /* the sorted candidates */
    size_t begin, end;    /* its span candidates: [begin, end) */
    size_t group_len;     /* bytes of the group prefix in each key */
    enum lm_dir dir;      /* which side is fixed */
    uint32_t expect;      /* expected content words on the span side */
    bool acronym;         /* the fixed side is an acronym (KO(EN) only) */
    const lm_cand *surface; /* the most frequent spelling of the fixed side */
} lm_group;

/* How many span words the fixed surface suggests (see the overview), and
 * whether it is an acronym (one word with two capitals or more: one
 * Korean word per capital). The parts of a hyphenated compound count
 * (`Chain-of-Thought`: chain, thought); function words do not. */
static void lm_expect(lm_group *g, const char *s, size_t n)
{
    uint32_t words = 0, upper = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && s[j] != ' ' && s[j] != '-')
            j++;
        words += g->dir == LM_EN_KO || !pdx_english_function_word(s + i, j - i);
        for (size_t k = i; k < j; k++)
            upper += s[k] >= 'A' && s[k] <= 'Z';
        i = j + 1;
    }
    g->acronym = g->dir == LM_KO_EN && !memchr(s, ' ', n) && !memchr(s, '-', n) && upper >= 2;
    g->expect = g->acronym ? upper : words ? words : 1;
}

/* False for a Korean span too short for its English side: `강화 학습` for
 * RLHF, `모델` for `Autoregressive Models`, `사고` for `CoT`. Size is the
 * words and hyphenated parts, or half the syllables when that is more
 * (`강화학습` is two words written as one). An acronym may be one word
 * short (`자연어 처리` is NLP) but needs a size of two (`인공지능` is AI). */
static bool lm_long_enough(const lm_group *g, const char *surf, size_t n)
{
    if (g->dir != LM_KO_EN)
        return true;
    uint32_t syllables = 0, parts = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)surf[i];
        syllables += b >= 0xC0;
        parts += b == ' ' || b == '-';
    }
    uint32_t size = PDX_MAX(parts, (syllables + 1) / 2);
    if (g->acronym)
        return parts + 1 >= g->expect && size >= 2;
    return size >= g->expect;
}

/* Records a span chosen as a pair (fixed side + span candidate c). */
static int lm_emit(pdx_lexicon_miner *m, const lm_group *g, const lm_cand *c);

/* A child span worth descending into. */
static bool lm_is_strong(const pdx_lexicon_miner *m, const lm_cand *child, double need)
{
    return !child->noise && child->count >= m->min_support && child->count >= need;
}

/* Walks down from span candidate i (its subtree ends at end). */
static int lm_descend(pdx_lexicon_miner *m, const lm_group *g, size_t i, size_t end)
{
    const lm_cand *node = &g->c[i];
    double need = LM_STRONG_SHARE * node->count;
    size_t strong_sum = 0;
    for (size_t k = i + 1; k < end; k++)
        if (g->c[k].depth == node->depth + 1 && lm_is_strong(m, &g->c[k], need))
            strong_sum += g->c[k].count;
    double share = node->weight < g->expect ? LM_EXTEND_SHORT : LM_EXTEND_LONG;
    if (strong_sum > 0 && (double)strong_sum >= share * node->count) {
        for (size_t k = i + 1; k < end;) {
            size_t sub = k + 1;
            while (sub < end && g->c[sub].depth > node->depth + 1)
                sub++;
            if (lm_is_strong(m, &g->c[k], need)) {
                int rc = lm_descend(m, g, k, sub);
                if (rc)
                    return rc;
            }
            k = sub;
        }
        return PDX_OK;
    }
    return node->count >= m->min_support ? lm_emit(m, g, node) : PDX_OK;
}

/* ---- finish: building the pairs ---- */

static size_t lm_str_put(pdx_lexicon_miner *m, const void *p, size_t n)
{
    size_t off = m->strs.len;
    pdx_buf_append(&m->strs, p, n);
    return off;
}

/* Appends the span words of c in reading order (they are stored from the
 * parenthesis leftwards) to m->key. */
static void lm_span_surface(pdx_lexicon_miner *m, const lm_group *g, const lm_cand *c)
{
    const char *p = (const char *)c->key + g->group_len;
    size_t n = c->key_len - g->group_len;
    pdx_buf_reset(&m->key);
    size_t j = n;
    while (j > 0) {
        size_t i = j;
        while (i > 0 && p[i - 1] != ' ')
            i--;
        if (m->key.len)
            pdx_buf_putc(&m->key, ' ');
        pdx_buf_append(&m->key, p + i, j - i);
        j = i ? i - 1 : 0;
    }
}

/* Makes room for one more work pair. */
static int lm_work_room(pdx_lexicon_miner *m)
{
    if (m->n_work < m->cap_work)
        return PDX_OK;
    size_t cap = m->cap_work ? m->cap_work * 2 : 256;
    lm_pair *w = realloc(m->work, cap * sizeof *w);
    if (!w)
        return PDX_ENOMEM;
    m->work = w;
    m->cap_work = cap;
    return PDX_OK;
}

static int lm_emit(pdx_lexicon_miner *m, const lm_group *g, const lm_cand *c)
{
    if (g->dir == LM_EN_KO) { /* an English side never starts with "of" */
        const char *p = (const char *)c->key + g->group_len;
        size_t n = c->key_len - g->group_len;
        const char *w = p + n;
        while (w > p && w[-1] != ' ')
            w--;
        if (pdx_english_function_word(w, (size_t)(p + n - w)))
            return PDX_OK;
    }
    lm_span_surface(m, g, c);
    if (m->key.err)
        return m->key.err;
    if (!lm_long_enough(g, (const char *)m->key.data, m->key.len))
        return PDX_OK;
    int rc = lm_terms(m, (const char *)m->key.data, m->key.len);
    if (rc || m->terms.len == 0)
        return rc;
    if ((rc = lm_work_room(m)))
        return rc;
    const char *fixed_terms = (const char *)g->c[g->begin].key + 2;
    size_t fixed_len = g->group_len - 3;
    const char *fixed_surf = (const char *)g->surface->key + g->group_len;
    size_t fixed_surf_len = g->surface->key_len - g->group_len;
    lm_pair *w = &m->work[m->n_work++];
    size_t span_terms = lm_str_put(m, m->terms.data, m->terms.len);
    size_t span_surf = lm_str_put(m, m->key.data, m->key.len);
    size_t fix_terms = lm_str_put(m, fixed_terms, fixed_len);
    size_t fix_surf = lm_str_put(m, fixed_surf, fixed_surf_len);
    bool ko_span = g->dir == LM_KO_EN;
    w->ko_terms = ko_span ? span_terms : fix_terms;
    w->ko_terms_len = ko_span ? m->terms.len : fixed_len;
    w->ko_surface = ko_span ? span_surf : fix_surf;
    w->ko_surface_len = ko_span ? m->key.len : fixed_surf_len;
    w->en_terms = ko_span ? fix_terms : span_terms;
    w->en_terms_len = ko_span ? fixed_len : m->terms.len;
    w->en_surface = ko_span ? fix_surf : span_surf;
    w->en_surface_len = ko_span ? fixed_surf_len : m->key.len;
    w->support = c->count;
    w->one_way = false;
    w->head = false;
    w->loanword = false;
    return m->strs.err;
}

/* memcmp order of key against the prefix pre: 0 when key starts with it. */
static int lm_prefix_cmp(const uint8_t *key, size_t key_len, const uint8_t *pre, size_t pre_len)
{
    int c = memcmp(key, pre, PDX_MIN(key_len, pre_len));
    return c ? c : key_len < pre_len ? -1 : 0;
}

/* The most frequent spelling of the group's fixed side among the surface
 * candidates (ties: the bytewise smallest, which sorts first). */
static const lm_cand *lm_best_surface(const lm_cand *c, size_t n, const lm_cand *span0,
                                      size_t group_len)
{
    /* surface keys sort after all span keys: same bytes but kind 1 */
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int k = c[mid].key[0] != LM_SURFACE
                    ? -1
                    : lm_prefix_cmp(c[mid].key + 1, c[mid].key_len - 1, span0->key + 1,
                                    group_len - 1);
        if (k < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    const lm_cand *best = NULL;
    for (size_t i = lo; i < n && c[i].key_len > group_len &&
                        lm_prefix_cmp(c[i].key + 1, c[i].key_len - 1, span0->key + 1,
                                      group_len - 1) == 0;
         i++)
        if (!best || c[i].count > best->count)
            best = &c[i];
    return best;
}

/* Aligns every group of sorted candidates c[0..n). */
static int lm_align(pdx_lexicon_miner *m, lm_cand *c, size_t n)
{
    size_t i = 0;
    while (i < n && c[i].key[0] == LM_SPAN) {
        lm_group g = {.c = c, .begin = i, .group_len = lm_group_len(&c[i])};
        g.dir = (enum lm_dir)c[i].key[1];
        size_t j = i;
        while (j < n && c[j].key[0] == LM_SPAN && c[j].key_len >= g.group_len &&
               memcmp(c[j].key, c[i].key, g.group_len) == 0) {
            lm_span_measure(&c[j], g.group_len, g.dir != LM_KO_EN);
            j++;
        }
        g.end = j;
        g.surface = lm_best_surface(c, n, &c[i], g.group_len);
        if (g.surface) {
            lm_expect(&g, (const char *)g.surface->key + g.group_len,
                      g.surface->key_len - g.group_len);
            for (size_t k = i; k < j;) {
                size_t sub = k + 1;
                while (sub < j && c[sub].depth > 1)
                    sub++;
                int rc = lm_descend(m, &g, k, sub);
                if (rc)
                    return rc;
                k = sub;
            }
        }
        i = j;
    }
    return PDX_OK;
}

/* ---- finish: loanwords ---- */

/* The count of key in the sorted candidates c[0..n), 0 when not held. */
static uint64_t lm_count_of(const lm_cand *c, size_t n, const uint8_t *key, size_t len)
{
    lm_cand want = {key, (uint32_t)len, 0, 0, 0, false, lm_key_head(key, len)};
    const lm_cand *hit = bsearch(&want, c, n, sizeof *c, lm_cand_cmp);
    return hit ? hit->count : 0;
}

/* The papers holding the word w[0, n) on side (m->key is scratch). */
static uint64_t lm_loan_df(pdx_lexicon_miner *m, const lm_cand *c, size_t nc,
                           enum lm_loan_side side, const char *w, size_t n)
{
    if (lm_loan_key_build(m, LM_LOAN_COUNT, side, w, n, "", 0))
        return 0;
    return lm_count_of(c, nc, m->key.data, m->key.len);
}

/* Appends the pair of Hangul word ko and English word en, stated by
 * `support` papers, to the work pairs. */
static int lm_loan_emit(pdx_lexicon_miner *m, const char *ko, size_t ko_n, const char *en,
                        size_t en_n, uint32_t support)
{
    int rc = lm_work_room(m);
    if (rc || (rc = lm_terms(m, ko, ko_n)) || m->terms.len == 0)
        return rc;
    lm_pair *w = &m->work[m->n_work];
    w->ko_terms = lm_str_put(m, m->terms.data, m->terms.len);
    w->ko_terms_len = m->terms.len;
    if ((rc = lm_terms(m, en, en_n)) || m->terms.len == 0)
        return rc;
    w->en_terms = lm_str_put(m, m->terms.data, m->terms.len);
    w->en_terms_len = m->terms.len;
    w->ko_surface = lm_str_put(m, ko, ko_n);
    w->ko_surface_len = ko_n;
    w->en_surface = lm_str_put(m, en, en_n);
    w->en_surface_len = en_n;
    w->support = support;
    w->one_way = true;
    w->head = false;
    w->loanword = true;
    m->n_work++;
    return m->strs.err;
}

/* A loanword in more than this share of the papers is not paired: the
 * search's own bound (PDX_LEXICON_MAX_DF_SHARE), past which it would not
 * expand the word. It was 10% until session 29, which left out 비디오/video
 * (15% and 13%): 208 papers write 비디오 and never video, and an English
 * query missed them all; at 20% the latency queries cost the same, and
 * the changed top tens were judged better blind (docs/LEXICON.md). */
#define LM_LOAN_MAX_SHARE 0.2

/* The loanword pairs of the sorted candidates c[0..n) (the LM_LOAN_*
 * keys, after the others): each pair of words that sound alike, seen in
 * min_support papers or more, associated beyond chance
 * (pdx_loan_associated()) and neither in more than LM_LOAN_MAX_SHARE of
 * the papers. */
static int lm_loan_pairs(pdx_lexicon_miner *m, const lm_cand *c, size_t n)
{
    static const uint8_t papers_key[3] = {LM_LOAN_COUNT, LM_LOAN_PAPERS, 0};
    uint64_t papers = lm_count_of(c, n, papers_key, sizeof papers_key);
    for (size_t i = 0; i < n; i++) {
        if (c[i].key[0] != LM_LOAN_PAIR || c[i].count < m->min_support)
            continue;
        const char *ko = (const char *)c[i].key + 2;
        const char *z = memchr(ko, 0, c[i].key_len - 2); /* lm_key_valid(): one */
        size_t ko_n = (size_t)(z - ko), en_n = c[i].key_len - 3 - ko_n;
        uint64_t df_ko = lm_loan_df(m, c, n, LM_LOAN_KO, ko, ko_n);
        uint64_t df_en = lm_loan_df(m, c, n, LM_LOAN_EN, z + 1, en_n);
        if (!pdx_loan_associated(c[i].count, df_ko, df_en, papers) ||
            (double)PDX_MAX(df_ko, df_en) > LM_LOAN_MAX_SHARE * (double)papers)
            continue;
        int rc = lm_loan_emit(m, ko, ko_n, z + 1, en_n, c[i].count);
        if (rc)
            return rc;
    }
    return PDX_OK;
}

/* ---- finish: merging and ordering ---- */

static int lm_str_cmp(const pdx_buf *s, size_t a, size_t alen, size_t b, size_t blen)
{
    size_t n = PDX_MIN(alen, blen);
    int c = n ? memcmp(s->data + a, s->data + b, n) : 0;
    return c ? c : (alen > blen) - (alen < blen);
}

/* qsort has no context argument, so each item carries the arena its
 * offsets refer to. */
typedef struct lm_sort_item {
    const pdx_buf *strs; /* the arena the offsets refer to */
    lm_pair *p;          /* the pair */
} lm_sort_item;

static int lm_item_cmp_terms(const void *a, const void *b)
{
    const lm_sort_item *x = a, *y = b;
    int c = lm_str_cmp(x->strs, x->p->ko_terms, x->p->ko_terms_len, y->p->ko_terms,
                       y->p->ko_terms_len);
    if (!c)
        c = lm_str_cmp(x->strs, x->p->en_terms, x->p->en_terms_len, y->p->en_terms,
                       y->p->en_terms_len);
    if (!c && x->p->support != y->p->support)
        c = x->p->support > y->p->support ? -1 : 1;
    if (!c)
        c = lm_str_cmp(x->strs, x->p->ko_surface, x->p->ko_surface_len, y->p->ko_surface,
                       y->p->ko_surface_len);
    if (!c)
        c = lm_str_cmp(x->strs, x->p->en_surface, x->p->en_surface_len, y->p->en_surface,
                       y->p->en_surface_len);
    return c;
}

static int lm_final_cmp(const void *a, const void *b)
{
    const pdx_lex_pair *x = a, *y = b;
    if (x->support != y->support)
        return x->support > y->support ? -1 : 1;
    size_t n = PDX_MIN(x->ko_terms_len, y->ko_terms_len);
    int c = memcmp(x->ko_terms, y->ko_terms, n);
    if (!c)
        c = (x->ko_terms_len > y->ko_terms_len) - (x->ko_terms_len < y->ko_terms_len);
    if (!c) {
        n = PDX_MIN(x->en_terms_len, y->en_terms_len);
        c = memcmp(x->en_terms, y->en_terms, n);
        if (!c)
            c = (x->en_terms_len > y->en_terms_len) - (x->en_terms_len < y->en_terms_len);
    }
    return c;
}

/* True when s is a single word with two capitals or more. */
static bool lm_is_acronym(const char *s, size_t n)
{
    uint32_t upper = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ')
            return false;
        upper += s[i] >= 'A' && s[i] <= 'Z';
    }
    return upper >= 2;
}

/* Length of an acronym's term without a plural s ("llms" -> 3). */
static size_t lm_acronym_core(const char *t, size_t n)
{
    return n > 2 && t[n - 1] == 's' ? n - 1 : n;
}

/* True when the English side of `small` is inside that of `big`: whole
 * terms ("reinforc learn" in "reinforc learn from human feedback"), or for
 * two acronyms, letters ("llm" in "mllms"). A Korean span paired with both
 * translates the smaller one; the bigger one lost its left words. */
static bool lm_en_inside(const pdx_lex_pair *small, const pdx_lex_pair *big)
{
    const char *b = big->en_terms, *sm = small->en_terms;
    size_t bn = big->en_terms_len, sn = small->en_terms_len;
    if (lm_is_acronym(small->en_surface, small->en_surface_len) &&
        lm_is_acronym(big->en_surface, big->en_surface_len)) {
        sn = lm_acronym_core(sm, sn);
        bn = lm_acronym_core(b, bn);
        if (sn < 2 || sn >= bn)
            return false;
        for (size_t i = 0; i + sn <= bn; i++)
            if (memcmp(b + i, sm, sn) == 0)
                return true;
        return false;
    }
    if (sn >= bn)
        return false;
    for (size_t i = 0; i + sn <= bn; i++)
        if ((i == 0 || b[i - 1] == ' ') && (i + sn == bn || b[i + sn] == ' ') &&
            memcmp(b + i, sm, sn) == 0)
            return true;
    return false;
}

/* Keeps the pairs[i] whose drop[i] is false, in order, and frees drop.
 * Returns their count. */
static size_t lm_keep_undropped(pdx_lex_pair *pairs, size_t n, bool *drop)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!drop[i])
            pairs[k++] = pairs[i];
    free(drop);
    return k;
}

/* Drops the pairs whose English side contains the English side of another
 * pair with the same Korean side (see lm_en_inside). pairs[0..n) are
 * grouped by Korean terms. Returns the new count. */
static size_t lm_drop_contained(pdx_lex_pair *pairs, size_t n)
{
    bool *drop = calloc(n ? n : 1, sizeof *drop);
    if (!drop)
        return (size_t)-1;
    for (size_t a = 0; a < n;) {
        size_t b = a + 1;
        while (b < n && pairs[b].ko_terms_len == pairs[a].ko_terms_len &&
               memcmp(pairs[b].ko_terms, pairs[a].ko_terms, pairs[a].ko_terms_len) == 0)
            b++;
        for (size_t i = a; i < b; i++)
            for (size_t j = a; j < b && !drop[i]; j++)
                drop[i] = j != i && lm_en_inside(&pairs[j], &pairs[i]);
        a = b;
    }
    return lm_keep_undropped(pairs, n, drop);
}

/* Is the English of pair p written as its terms are (case aside)? An
 * acronym ending in a capital S is not: the tokenizer reads it as a plural
 * (SDS is sd, TTS tt). */
static bool lm_en_as_terms(const pdx_lex_pair *p)
{
    if (p->en_surface_len != p->en_terms_len)
        return false;
    for (size_t i = 0; i < p->en_terms_len; i++)
        if ((p->en_surface[i] | 0x20) != p->en_terms[i])
            return false;
    return true;
}

/* Is the English of pair p an acronym ending in a capital S that the
 * tokenizer reads as a plural (SDS: sd)? Not a plural written so (LLMs). */
static bool lm_capital_plural(const pdx_lex_pair *p)
{
    size_t n = p->en_surface_len;
    return n >= 3 && p->en_surface[n - 1] == 'S' && p->en_surface[n - 2] >= 'A' &&
           p->en_surface[n - 2] <= 'Z' && !lm_en_as_terms(p);
}

/* Drops a pair whose acronym the tokenizer folds onto another acronym
 * that a pair writes as it is: SDS (Score Distillation Sampling, or 점수
 * 증류 샘플링) is the term sd, which SD (Stable Diffusion) is, and the pair
 * would give every query for either the other's meaning (a review, a
 * check). TTS, whose tt no pair writes, stays. Returns the new count. */
static size_t lm_drop_folded(pdx_lex_pair *pairs, size_t n)
{
    bool *drop = calloc(n ? n : 1, sizeof *drop);
    if (!drop)
        return (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        if (!lm_capital_plural(&pairs[i]))
            continue;
        for (size_t j = 0; j < n && !drop[i]; j++)
            drop[i] = j != i && pairs[j].en_terms_len == pairs[i].en_terms_len &&
                      !memcmp(pairs[j].en_terms, pairs[i].en_terms, pairs[i].en_terms_len) &&
                      lm_en_as_terms(&pairs[j]);
    }
    return lm_keep_undropped(pairs, n, drop);
}

/* Merges work pairs with equal term sequences (the first, most supported,
 * spelling wins; supports add up) into m->pairs, sorted for output. */
static int lm_merge(pdx_lexicon_miner *m)
{
    lm_sort_item *items = malloc((m->n_work ? m->n_work : 1) * sizeof *items);
    m->pairs = malloc((m->n_work ? m->n_work : 1) * sizeof *m->pairs);
    if (!items || !m->pairs) {
        free(items);
        return PDX_ENOMEM;
    }
    for (size_t i = 0; i < m->n_work; i++)
        items[i] = (lm_sort_item){&m->strs, &m->work[i]};
    qsort(items, m->n_work, sizeof *items, lm_item_cmp_terms);
    const char *s = (const char *)m->strs.data;
    m->n_pairs = 0;
    for (size_t i = 0; i < m->n_work; i++) {
        const lm_pair *w = items[i].p;
        pdx_lex_pair *last = m->n_pairs ? &m->pairs[m->n_pairs - 1] : NULL;
        if (last && lm_str_cmp(&m->strs, (size_t)(last->ko_terms - s), last->ko_terms_len,
                               w->ko_terms, w->ko_terms_len) == 0 &&
            lm_str_cmp(&m->strs, (size_t)(last->en_terms - s), last->en_terms_len,
                       w->en_terms, w->en_terms_len) == 0) {
            last->support =
                (uint32_t)PDX_MIN((uint64_t)last->support + w->support, PDX_LEX_MAX_SUPPORT);
            /* a loanword's pair also stated in a parenthesis is stated */
            last->one_way = last->one_way && w->one_way;
            last->head = last->head && w->head;
            last->both_ways = last->one_way && (last->both_ways || w->loanword);
            continue;
        }
        m->pairs[m->n_pairs++] = (pdx_lex_pair){
            s + w->ko_terms,   w->ko_terms_len,   s + w->en_terms,   w->en_terms_len,
            s + w->ko_surface, w->ko_surface_len, s + w->en_surface, w->en_surface_len,
            PDX_MIN(w->support, PDX_LEX_MAX_SUPPORT), w->one_way, w->head, w->loanword};
    }
    free(items);
    size_t kept = lm_drop_contained(m->pairs, m->n_pairs);
    if (kept != (size_t)-1)
        kept = lm_drop_folded(m->pairs, kept);
    if (kept == (size_t)-1)
        return PDX_ENOMEM;
    m->n_pairs = kept;
    qsort(m->pairs, m->n_pairs, sizeof *m->pairs, lm_final_cmp);
    return PDX_OK;
}

/* ---- finish: the heads of longer names ----
 *
 * A name of three words or more is stated with its translation
 * (`자동 음성 인식(Automatic Speech Recognition)`); its head, the last words,
 * is an idea of its own that papers write alone (`음성 인식`, `speech
 * recognition`) and rarely state in a parenthesis. Nouns compound head
 * last in both languages, so when both sides have the same number of
 * words, their last m words (2 <= m < n) translate each other: each is a
 * pair, supported by the texts that state the whole name. Not when the
 * English side has a function word (`Reinforcement Learning from Human
 * Feedback` is `인간 피드백 기반 강화 학습`, its words reversed) or a Korean
 * word ends in the possessive 의 (`사고의 연쇄`, chain of thought): there
 * the words do not line up. Nor a loanword's pair (one word each) or an
 * acronym's (its English side one word), nor a head some pair already
 * has. */
#define LM_HEAD_MAX_WORDS 8

/* Starts of the words of surface s[0..n) (split at spaces and hyphens),
 * at most LM_HEAD_MAX_WORDS (SIZE_MAX when more), into at[]. */
static size_t lm_head_words(const char *s, size_t n, size_t *at)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ' || s[i] == '-' || (i && s[i - 1] != ' ' && s[i - 1] != '-'))
            continue;
        if (k == LM_HEAD_MAX_WORDS)
            return SIZE_MAX;
        at[k++] = i;
    }
    return k;
}

/* Is the word of s starting at `from` (to the next space, hyphen or n)
 * one that keeps the words of a name from lining up? */
static bool lm_head_breaks(const char *s, size_t n, size_t from, bool hangul)
{
    size_t e = from;
    while (e < n && s[e] != ' ' && s[e] != '-')
        e++;
    if (!hangul)
        return pdx_english_function_word(s + from, e - from);
    static const char poss[] = "\xec\x9d\x98"; /* 의 */
    return e - from > 3 && !memcmp(s + e - 3, poss, 3);
}

/* Has some pair of the work list the terms of pair w? */
static bool lm_work_has(const pdx_lexicon_miner *m, const lm_pair *w)
{
    for (size_t i = 0; i < m->n_work; i++) {
        const lm_pair *o = &m->work[i];
        if (o != w &&
            lm_str_cmp(&m->strs, o->ko_terms, o->ko_terms_len, w->ko_terms, w->ko_terms_len) ==
                0 &&
            lm_str_cmp(&m->strs, o->en_terms, o->en_terms_len, w->en_terms, w->en_terms_len) == 0)
            return true;
    }
    return false;
}

/* Adds to the work list the head of the last `last` words of pair p (its
 * surfaces at ko/en in m->strs, words starting at ko_at/en_at), unless
 * some pair has it. */
static int lm_head_emit(pdx_lexicon_miner *m, const lm_pair *p, const size_t *ko_at,
                        const size_t *en_at, size_t n_words, size_t last)
{
    size_t kf = ko_at[n_words - last], ef = en_at[n_words - last];
    int rc = lm_work_room(m);
    if (rc)
        return rc;
    lm_pair *w = &m->work[m->n_work];
    *w = (lm_pair){0, 0, 0, 0, p->ko_surface + kf, p->ko_surface_len - kf,
                   p->en_surface + ef, p->en_surface_len - ef, p->support, false, true, false};
    const char *s = (const char *)m->strs.data;
    if ((rc = lm_terms(m, s + w->ko_surface, w->ko_surface_len)) || !m->terms.len)
        return rc;
    w->ko_terms = lm_str_put(m, m->terms.data, m->terms.len);
    w->ko_terms_len = m->terms.len;
    s = (const char *)m->strs.data; /* lm_str_put() may move it */
    if ((rc = lm_terms(m, s + w->en_surface, w->en_surface_len)) || !m->terms.len)
        return rc;
    w->en_terms = lm_str_put(m, m->terms.data, m->terms.len);
    w->en_terms_len = m->terms.len;
    if ((rc = m->strs.err))
        return rc;
    if (!lm_work_has(m, w))
        m->n_work++;
    return PDX_OK;
}

/* The heads of pair p (a work item: offsets), when its words line up. */
static int lm_heads_of(pdx_lexicon_miner *m, const lm_pair *p)
{
    const char *s = (const char *)m->strs.data;
    const char *ko = s + p->ko_surface, *en = s + p->en_surface;
    size_t ko_at[LM_HEAD_MAX_WORDS], en_at[LM_HEAD_MAX_WORDS];
    size_t n = lm_head_words(ko, p->ko_surface_len, ko_at);
    if (p->one_way || p->head || n < 3 || n == SIZE_MAX ||
        !lm_is_hangul_at(ko, p->ko_surface_len, 0) ||
        lm_head_words(en, p->en_surface_len, en_at) != n)
        return PDX_OK;
    for (size_t i = 0; i < n; i++)
        if (lm_head_breaks(ko, p->ko_surface_len, ko_at[i], true) ||
            lm_head_breaks(en, p->en_surface_len, en_at[i], false))
            return PDX_OK;
    lm_pair copy = *p; /* the work list may move */
    for (size_t last = 2; last < n; last++) {
        int rc = lm_head_emit(m, &copy, ko_at, en_at, n, last);
        if (rc)
            return rc;
    }
    return PDX_OK;
}

/* Adds the heads of the merged pairs to the work list and merges again
 * when there are any. */
static int lm_heads(pdx_lexicon_miner *m)
{
    size_t n = m->n_pairs, before = m->n_work;
    lm_pair *parents = malloc((n ? n : 1) * sizeof *parents);
    if (!parents)
        return PDX_ENOMEM;
    const char *s = (const char *)m->strs.data;
    for (size_t i = 0; i < n; i++) { /* as offsets: m->strs grows below */
        const pdx_lex_pair *p = &m->pairs[i];
        parents[i] = (lm_pair){0, 0, 0, 0, (size_t)(p->ko_surface - s), p->ko_surface_len,
                               (size_t)(p->en_surface - s), p->en_surface_len, p->support,
                               p->one_way, p->head, p->both_ways};
    }
    int rc = PDX_OK;
    const uint8_t *strs = m->strs.data;
    for (size_t i = 0; i < n && !rc; i++)
        rc = lm_heads_of(m, &parents[i]);
    free(parents);
    /* merged again when a head was added, or when a head's terms, put
     * before it was found known, moved the strings m->pairs point into */
    if (rc || (m->n_work == before && m->strs.data == strs))
        return rc;
    free(m->pairs);
    m->pairs = NULL;
    return lm_merge(m);
}

/* The held candidates sorted by key (malloc'd; NULL when out of memory):
 * what finish aligns and export writes, in the same order. */
static lm_cand *lm_sorted_cands(const pdx_lexicon_miner *m, size_t *n_out)
{
    lm_cand *c = malloc((m->n_used ? m->n_used : 1) * sizeof *c);
    if (!c)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < m->n_slots; i++)
        if (m->slots[i].key_len) {
            const uint8_t *key = m->arena.data + m->slots[i].key_off;
            c[n++] = (lm_cand){key, m->slots[i].key_len, m->slots[i].count, 0, 0, false,
                               lm_key_head(key, m->slots[i].key_len)};
        }
    qsort(c, n, sizeof *c, lm_cand_cmp);
    *n_out = n;
    return c;
}

/* Sorts m's candidates into m->sorted unless they are already. */
static int lm_sort(pdx_lexicon_miner *m)
{
    if (m->err)
        return m->err;
    if (!m->sorted && !(m->sorted = lm_sorted_cands(m, &m->n_sorted)))
        return m->err = PDX_ENOMEM;
    return PDX_OK;
}

int pdx_lexicon_miner_sort(pdx_lexicon_miner *m)
{
    return !m || m->finished ? PDX_EINVAL : lm_sort(m);
}

/* Candidates of m before the loanword keys (kinds sort in order). */
static size_t lm_align_part(const pdx_lexicon_miner *m)
{
    size_t n = 0;
    while (n < m->n_sorted && m->sorted[n].key[0] <= LM_SURFACE)
        n++;
    return n;
}

/* Can m and loans be read as one table: m's keys, then loans'? (loans
 * NULL: m alone.) Sorts both. */
static int lm_joinable(pdx_lexicon_miner *m, pdx_lexicon_miner *loans)
{
    if (loans == m)
        return PDX_EINVAL;
    int rc = lm_sort(m);
    if (rc || !loans)
        return rc;
    if ((rc = lm_sort(loans)))
        return rc;
    return lm_align_part(m) == m->n_sorted && lm_align_part(loans) == 0 ? PDX_OK : PDX_EINVAL;
}

int pdx_lexicon_miner_finish_with(pdx_lexicon_miner *m, pdx_lexicon_miner *loans,
                                  const pdx_lex_pair **pairs_out, size_t *n_out)
{
    if (!m || !pairs_out || !n_out || m->finished)
        return PDX_EINVAL;
    int rc = lm_joinable(m, loans);
    m->finished = true;
    if (rc)
        return rc == PDX_ENOMEM ? (m->err = rc) : rc;
    lm_cand *c = m->sorted;
    size_t n = m->n_sorted, n_align = lm_align_part(m);
    m->sorted = NULL; /* finish owns it now */
    rc = lm_align(m, c, n_align);
    if (rc == PDX_OK)
        rc = loans ? lm_loan_pairs(m, loans->sorted, loans->n_sorted)
                   : lm_loan_pairs(m, c + n_align, n - n_align);
    free(c);
    if (rc == PDX_OK)
        rc = m->strs.err;
    if (rc == PDX_OK)
        rc = lm_merge(m);
    if (rc == PDX_OK)
        rc = lm_heads(m);
    if (rc)
        return m->err = rc;
    *pairs_out = m->pairs;
    *n_out = m->n_pairs;
    return PDX_OK;
}

int pdx_lexicon_miner_finish(pdx_lexicon_miner *m, const pdx_lex_pair **pairs_out,
                             size_t *n_out)
{
    return pdx_lexicon_miner_finish_with(m, NULL, pairs_out, n_out);
}

/* ---- the exported table (layout in the overview) ---- */

/* Appends the sorted candidates c[0..n) as table entries, each sharing
 * its leading bytes with the key before (*prev, *prev_len: carried from
 * one run of candidates to the next). */
static void lm_put_entries(pdx_buf *out, const lm_cand *c, size_t n, const uint8_t **prev,
                           size_t *prev_len)
{
    for (size_t i = 0; i < n; i++) {
        size_t shared = 0;
        while (shared < *prev_len && shared < c[i].key_len && (*prev)[shared] == c[i].key[shared])
            shared++;
        pdx_buf_put_varint(out, shared);
        pdx_buf_put_str(out, c[i].key + shared, c[i].key_len - shared);
        pdx_buf_put_varint(out, c[i].count);
        *prev = c[i].key;
        *prev_len = c[i].key_len;
    }
}

int pdx_lexicon_miner_export_with(pdx_lexicon_miner *m, pdx_lexicon_miner *loans, pdx_buf *out)
{
    if (!m || !out)
        return PDX_EINVAL;
    if (m->err || (loans && loans->err))
        return m->err ? m->err : loans->err;
    int rc = lm_joinable(m, loans);
    if (rc)
        return rc;
    pdx_lexicon_miner_stats st = m->stats;
    size_t n = m->n_sorted;
    if (loans) { /* one table: the stats of both */
        st.texts += loans->stats.texts;
        st.occurrences += loans->stats.occurrences;
        st.prunes += loans->stats.prunes;
        st.prune_floor = PDX_MAX(st.prune_floor, loans->stats.prune_floor);
        n += loans->n_sorted;
    }
    size_t start = out->len;
    pdx_buf_append(out, LM_TABLE_MAGIC, 4);
    pdx_buf_put_u32(out, LM_TABLE_VERSION);
    pdx_buf_put_u64(out, st.texts);
    pdx_buf_put_u64(out, st.occurrences);
    pdx_buf_put_u64(out, st.prunes);
    pdx_buf_put_u32(out, st.prune_floor);
    pdx_buf_put_u32(out, 0); /* flags */
    pdx_buf_put_u64(out, n);
    const uint8_t *prev = NULL;
    size_t prev_len = 0;
    lm_put_entries(out, m->sorted, m->n_sorted, &prev, &prev_len);
    if (loans)
        lm_put_entries(out, loans->sorted, loans->n_sorted, &prev, &prev_len);
    if (out->err == PDX_OK)
        pdx_buf_put_u64(out, pdx_hash(out->data + start, out->len - start));
    return out->err;
}

int pdx_lexicon_miner_export(pdx_lexicon_miner *m, pdx_buf *out)
{
    return pdx_lexicon_miner_export_with(m, NULL, out);
}

/* The header of an exported table, decoded. */
typedef struct lm_table {
    const uint8_t *p;     /* the whole table */
    size_t len;           /* its bytes, checksum included */
    uint64_t texts;       /* stats.texts of the miner that exported it */
    uint64_t occurrences; /* its stats.occurrences */
    uint64_t prunes;      /* its stats.prunes (0: the counts are exact) */
    uint32_t prune_floor; /* its stats.prune_floor */
    uint64_t entries;     /* entries between the header and the checksum */
} lm_table;

/* Reports damage at byte off of the table (the one place import fails). */
static int lm_corrupt(pdx_lexicon_miner *m, size_t off, const char *what)
{
    snprintf(m->errmsg, sizeof m->errmsg, "lexicon candidate table: byte %zu: %s", off, what);
    return PDX_ECORRUPT;
}

static int lm_table_header(pdx_lexicon_miner *m, const uint8_t *p, size_t len, lm_table *t)
{
    if (len < LM_TABLE_HEADER + 8)
        return lm_corrupt(m, len, "truncated: shorter than its header and checksum");
    if (memcmp(p, LM_TABLE_MAGIC, 4) != 0)
        return lm_corrupt(m, 0, "not a candidate table (bad magic)");
    uint32_t version = pdx_get_u32(p + 4);
    if (version != LM_TABLE_VERSION) {
        snprintf(m->errmsg, sizeof m->errmsg,
                 "lexicon candidate table: byte 4: version %u, this build reads version %u",
                 (unsigned)version, (unsigned)LM_TABLE_VERSION);
        return PDX_EVERSION;
    }
    if (pdx_get_u64(p + len - 8) != pdx_hash(p, len - 8))
        return lm_corrupt(m, len - 8, "checksum mismatch");
    *t = (lm_table){p, len, pdx_get_u64(p + 8), pdx_get_u64(p + 16), pdx_get_u64(p + 24),
                    pdx_get_u32(p + 32), pdx_get_u64(p + 40)};
    if (pdx_get_u32(p + 36) != 0)
        return lm_corrupt(m, 36, "unknown flags");
    if ((t->prunes == 0) != (t->prune_floor == 0))
        return lm_corrupt(m, 24, "prune count and prune floor disagree");
    if (t->entries > (len - 8 - LM_TABLE_HEADER) / LM_TABLE_MIN_ENTRY)
        return lm_corrupt(m, 40, "more entries than bytes to hold them");
    return PDX_OK;
}

/* True when key has the shape lm_key_start and the scans give keys (the
 * alignment relies on it): kind, direction, fixed terms in the joined form
 * (they become a pair's terms as they are, which pdx_lexicon_encode()
 * checks: a table with control bytes there was imported, then failed to
 * encode; fuzz_lexcand), one 0x00, then a non-empty surface or 1..max span
 * words between single spaces. */
/* A Hangul word as the loanword scan keeps it: one with a skeleton. */
static bool lm_loan_ko_valid(const uint8_t *w, size_t n)
{
    char sk[PDX_LOAN_MAX_SKELETON];
    return pdx_loan_ko_skeleton((const char *)w, n, sk) > 0;
}

/* An English word as the loanword scan keeps it: lower-case letters. */
static bool lm_loan_en_valid(const uint8_t *w, size_t n)
{
    if (n < 4 || n > 24)
        return false;
    for (size_t i = 0; i < n; i++)
        if (w[i] < 'a' || w[i] > 'z')
            return false;
    return true;
}

/* The LM_LOAN_* keys lm_loan_scan() gives: {2, 2, 0} (the papers),
 * {2, side, word, 0} and {3, 0, Hangul word, 0, English word}. */
static bool lm_loan_key_valid(const uint8_t *k, size_t len)
{
    if (len < 3 || k[0] > LM_LOAN_PAIR)
        return false;
    const uint8_t *z = memchr(k + 2, 0, len - 2);
    if (!z)
        return false;
    size_t a = (size_t)(z - (k + 2)), b = len - 3 - a;
    if (k[0] == LM_LOAN_PAIR)
        return k[1] == LM_LOAN_KO && lm_loan_ko_valid(k + 2, a) && lm_loan_en_valid(z + 1, b);
    if (b != 0)
        return false;
    switch (k[1]) {
    case LM_LOAN_PAPERS:
        return a == 0;
    case LM_LOAN_KO:
        return lm_loan_ko_valid(k + 2, a);
    case LM_LOAN_EN:
        return lm_loan_en_valid(k + 2, a);
    default:
        return false;
    }
}

static bool lm_key_valid(const uint8_t *k, size_t len)
{
    if (len >= 1 && k[0] >= LM_LOAN_COUNT)
        return lm_loan_key_valid(k, len);
    if (len < 5 || k[0] > LM_SURFACE || k[1] > LM_ACRONYM || k[2] == 0)
        return false;
    const uint8_t *z = memchr(k + 2, 0, len - 2);
    if (!z || z == k + len - 1 ||
        !pdx_lexicon_terms_valid((const char *)k + 2, (size_t)(z - (k + 2))))
        return false;
    const uint8_t *rest = z + 1;
    size_t n = len - (size_t)(rest - k);
    if (memchr(rest, 0, n))
        return false;
    if (k[0] == LM_SURFACE)
        return true;
    size_t max = k[1] == LM_KO_EN ? LM_MAX_KO_WORDS : k[1] == LM_EN_KO ? LM_MAX_EN_WORDS : 1;
    size_t words = 1;
    if (rest[0] == ' ' || rest[n - 1] == ' ')
        return false;
    for (size_t i = 1; i < n; i++) {
        if (rest[i] == ' ' && rest[i - 1] == ' ')
            return false;
        words += rest[i] == ' ';
    }
    return words <= max;
}

/* Walks the entries of t, checking each (order, lengths, key shape); with
 * apply, adds their counts to the miner. Keys are rebuilt in m->key. */
static int lm_table_walk(pdx_lexicon_miner *m, const lm_table *t, bool apply)
{
    const uint8_t *p = t->p + LM_TABLE_HEADER, *end = t->p + t->len - 8;
    pdx_buf_reset(&m->key);
    for (uint64_t i = 0; i < t->entries; i++) {
        size_t off = (size_t)(p - t->p);
        uint64_t shared, suffix_len, count;
        if (!pdx_get_varint(&p, end, &shared) || !pdx_get_varint(&p, end, &suffix_len))
            return lm_corrupt(m, off, "entry truncated");
        if (shared > m->key.len)
            return lm_corrupt(m, off, "entry shares more bytes than the previous key has");
        if (suffix_len > (uint64_t)(end - p) || shared + suffix_len > UINT32_MAX)
            return lm_corrupt(m, off, "entry key runs past the end");
        const uint8_t *suffix = p;
        p += suffix_len;
        if (i > 0 && pdx_term_cmp(suffix, (size_t)suffix_len, m->key.data + shared,
                                  m->key.len - (size_t)shared) <= 0)
            return lm_corrupt(m, off, "entries not in ascending key order");
        m->key.len = (size_t)shared;
        pdx_buf_append(&m->key, suffix, (size_t)suffix_len);
        if (m->key.err)
            return m->key.err;
        if (!pdx_get_varint(&p, end, &count) || count == 0 || count > UINT32_MAX)
            return lm_corrupt(m, off, "entry count missing, 0 or too large");
        if (!lm_key_valid(m->key.data, m->key.len))
            return lm_corrupt(m, off, "malformed candidate key");
        if (apply) {
            int rc = lm_add_count(m, m->key.data, m->key.len, (uint32_t)count);
            if (rc)
                return rc;
        }
    }
    if (p != end)
        return lm_corrupt(m, (size_t)(p - t->p), "bytes after the last entry");
    return PDX_OK;
}

/* Makes room for `more` keys at once (at most the table's bound), so an
 * import of a whole table does not rehash it each time it doubles. */
static int lm_reserve(pdx_lexicon_miner *m, uint64_t more)
{
    uint64_t want = PDX_MIN(m->n_used + more, m->max_entries);
    size_t n_slots = m->n_slots;
    while (want * 2 > n_slots)
        n_slots *= 2;
    return n_slots == m->n_slots ? PDX_OK : lm_rebuild(m, n_slots, 0);
}

int pdx_lexicon_miner_import(pdx_lexicon_miner *m, const uint8_t *p, size_t len)
{
    if (!m || (!p && len > 0) || m->finished)
        return PDX_EINVAL;
    lm_forget_sorted(m);
    m->errmsg[0] = '\0';
    if (m->err)
        return m->err;
    lm_table t;
    int rc = lm_table_header(m, p, len, &t);
    if (rc == PDX_OK)
        rc = lm_table_walk(m, &t, false); /* check it all before changing anything */
    if (rc == PDX_ECORRUPT || rc == PDX_EVERSION)
        return rc;
    if (rc == PDX_OK)
        rc = lm_reserve(m, t.entries);
    if (rc == PDX_OK)
        rc = lm_table_walk(m, &t, true);
    if (rc)
        return m->err = rc;
    m->stats.texts += t.texts;
    m->stats.occurrences += t.occurrences;
    m->stats.prunes += t.prunes;
    m->stats.prune_floor = PDX_MAX(m->stats.prune_floor, t.prune_floor);
    return PDX_OK;
}

const char *pdx_lexicon_miner_errmsg(const pdx_lexicon_miner *m)
{
    return m ? m->errmsg : "";
}

/* ---- lifetime ---- */

int pdx_lexicon_miner_new(pdx_lexicon_miner **out, const pdx_lexicon_miner_opts *opts)
{
    if (!out)
        return PDX_EINVAL;
    *out = NULL;
    pdx_lexicon_miner_opts o = opts ? *opts : (pdx_lexicon_miner_opts){0};
    if (o.max_candidates && o.max_candidates < 16)
        return PDX_EINVAL;
    pdx_lexicon_miner *m = calloc(1, sizeof *m);
    if (!m)
        return PDX_ENOMEM;
    m->min_support = o.min_support ? o.min_support : PDX_LEXICON_MIN_SUPPORT;
    m->max_entries = o.max_candidates ? o.max_candidates : PDX_LEXICON_MAX_CANDIDATES;
    m->n_slots = 1024;
    m->slots = calloc(m->n_slots, sizeof *m->slots);
    int rc = m->slots ? pdx_tokenizer_new(&m->tk) : PDX_ENOMEM;
    if (rc) {
        pdx_lexicon_miner_free(m);
        return rc;
    }
    *out = m;
    return PDX_OK;
}

void pdx_lexicon_miner_free(pdx_lexicon_miner *m)
{
    if (!m)
        return;
    pdx_tokenizer_free(m->tk);
    free(m->slots);
    pdx_buf_free(&m->arena);
    pdx_buf_free(&m->key);
    pdx_buf_free(&m->terms);
    pdx_buf_free(&m->strs);
    free(m->work);
    free(m->pairs);
    free(m->sorted);
    free(m->loan);
    pdx_buf_free(&m->loan_en);
    free(m);
}

void pdx_lexicon_miner_get_stats(const pdx_lexicon_miner *m, pdx_lexicon_miner_stats *out)
{
    if (!m || !out)
        return;
    *out = m->stats;
}
