/*
 * The tokenizer (see include/paperdex/tokenizer.h for the rules and
 * docs/TOKENIZATION.md for the reasons behind them).
 *
 * It is one streaming pass over the bytes, in two stages:
 *
 *   bytes --(normalizer)--> items --(segmenter)--> tokens
 *
 * The normalizer decodes UTF-8 and turns each code point into zero or more
 * normalized code points ("items"), each carrying the byte range of the
 * original character it came from. It applies NFKD + case folding with
 * utf8proc_decompose_char(), drops combining marks and default-ignorable
 * characters (their bytes are added to the range of the item before them, so
 * a highlight covers the whole grapheme), composes conjoining Hangul jamo
 * arithmetically (L+V -> LV, LV+T -> LVT, as NFC would) and composes kana
 * with a following voicing mark (U+3099/U+309A). Once marks are stripped,
 * Hangul and kana are the only compositions NFKC would still make, so the
 * result is NFKC + case folding + STRIPMARK, code point by code point.
 *
 * To compose or extend, the normalizer holds back the last item until it
 * knows that the next input cannot change it. ASCII followed by ASCII (the
 * common case) skips the hold, and precomposed Hangul syllables and kana skip
 * utf8proc entirely: both are already in NFKC case-folded form.
 *
 * The segmenter classifies items (word letter, digit, apostrophe, CJK,
 * space, other separator) and runs two small state machines:
 *  - Latin words: letters and digits, an apostrophe is kept only between two
 *    word characters. The normalized word (at most PDX_MAX_TERM_BYTES) lives
 *    on the stack; its stem comes from a small cache in the tokenizer or
 *    from libstemmer's own buffer.
 *  - CJK runs: the characters of the current run are kept in tk->run, a fixed
 *    array. A run longer than the array is flushed as it grows, keeping only
 *    the tail that particle stripping may look at. Bigrams, unigrams and
 *    bridges are emitted when the run ends.
 *
 * Nothing is allocated per call: the only heap memory is the tokenizer
 * itself and the stemmer.
 */
#include <libstemmer.h>
#include <stdlib.h>
#include <utf8proc.h>

#include "common.h"
#include "paperdex/tokenizer.h"
#include "spelling.h"

/* CJK characters of the current run kept before it is flushed. Must exceed
 * RUN_KEEP. */
#define RUN_CAP 256
/* Characters kept after a flush. Particle stripping may drop the last three
 * characters of a run and a derivational ending two more, looking at most
 * two further back (protected nouns), and a flush happens only when one
 * more character arrives, so keeping seven is enough for no emitted bigram
 * to touch a stripped character; eight leaves a margin. */
#define RUN_KEEP 8

/* Item classes, from the segmenter's point of view. */
enum {
    CLS_SEP = 0,   /* punctuation, symbols, controls, invalid UTF-8, ... */
    CLS_SPACE = 1, /* U+0020 (after NFKC, so also NBSP, U+3000, ...) */
    CLS_WORD = 2,  /* letter of a non-CJK script */
    CLS_DIGIT = 3, /* decimal digit (Nd) */
    CLS_APOS = 4,  /* ' (also U+2019, U+02BC, U+FF07) */
    CLS_CJK = 5    /* Hangul, Han or Kana */
};

/* One normalized code point and the original bytes that produced it. */
typedef struct tk_item {
    int32_t cp;   /* normalized code point */
    int cls;      /* CLS_* */
    size_t start; /* first byte of the original character(s) */
    size_t end;   /* one past the last byte, including stripped marks */
    bool upper;   /* an ASCII capital before case folding (acronym plurals) */
} tk_item;

/* Stem cache: a direct-mapped table from short words to their stems. Paper
 * text repeats its words, and the Snowball stemmer costs more than the rest
 * of the tokenizer per word; the cache gives the same stems, faster. */
#define STEM_CACHE_SLOTS 8192 /* power of two: the largest the table grows */
#define STEM_CACHE_FIRST 256  /* power of two: its size at the first word */
#define STEM_CACHE_WORD 24    /* longer words always go to the stemmer */

typedef struct stem_slot {
    uint8_t word_len;              /* 0: empty slot */
    uint8_t stem_len;              /* bytes of stem[] in use */
    char word[STEM_CACHE_WORD];    /* the normalized word */
    char stem[STEM_CACHE_WORD];    /* its stem (cached only if it fits) */
} stem_slot;

/* The stemmer and its cache are made at the first word that needs a stem,
 * not by pdx_tokenizer_new: a one-shot search pays for nothing its query
 * does not use (a Korean query, no stemmer at all), and a full-size cache
 * would cost a page fault for nearly every word it stores (slots are
 * spread by hash). The cache starts small and grows while it misses, so
 * the indexer's long runs reach the full size after some 43,000 words not
 * found in it (ensure_stem_cache). */
struct pdx_tokenizer {
    struct sb_stemmer *stemmer; /* owned; Snowball English, UTF-8; NULL until needed */
    stem_slot *stems;           /* owned; stems_mask + 1 slots, NULL until needed */
    size_t stems_mask;          /* slots - 1 (a power of two minus one) */
    size_t stems_misses;        /* words stemmed since the table got its size */
    /* The CJK run being collected: run[0..run_cnt) of the current call's
     * state. Only the tail of a long run is here (see flush_run). */
    tk_item run[RUN_CAP];
    /* The last syllables of the particles and of the derivational endings
     * (note_last_syllables()): a run ending with none of them, as most
     * words do, has nothing to drop, and the lists are not searched. */
    int32_t particle_last[48], derived_last[8];
    size_t n_particle_last, n_derived_last;
};

/* Per-call state. Lives on the stack of pdx_tokenize(). */
typedef struct tk_state {
    pdx_tokenizer *tk;
    int flags;          /* PDX_TOKENIZE_* */
    pdx_token_fn fn;    /* the caller's callback */
    void *payload;      /* passed back to fn */
    uint32_t pos;       /* position of the next token */

    /* Normalizer: the item held back for composition/extension. */
    bool held_valid;
    tk_item held;

    /* Class of the last item given to the segmenter (CLS_SEP at start). */
    int prev_cls;

    /* Latin word being collected. */
    bool in_word;
    bool word_digit;    /* contains a digit: PDX_TOKEN_NUMBER */
    bool word_overflow; /* normalized form exceeded PDX_MAX_TERM_BYTES */
    bool apos_pending;  /* an apostrophe followed the last word char */
    size_t word_upper;  /* ASCII capitals in the word as written */
    bool word_last_s;   /* the last word character is a lowercase 's' */
    size_t word_start;  /* byte range of the word so far: first byte ... */
    size_t word_end;    /* ... and one past its last word character */
    size_t word_len;    /* bytes used in word[] */
    char word[PDX_MAX_TERM_BYTES + 4]; /* normalized, unstemmed, cut */

    /* CJK run being collected (characters in tk->run). */
    bool in_run;
    size_t run_cnt;      /* characters in tk->run */
    size_t run_total;    /* characters in the whole run, flushed ones too */
    bool run_bridge_in;  /* emit a bridge from cand to the run's first char */
    bool run_after_word; /* run starts right after a word char (no gap) */

    /* Bridge candidate: last char of the previous run, valid while only
     * nothing or a single space has followed it. */
    bool cand_valid;
    bool cand_space; /* the single space has been seen */
    tk_item cand;
} tk_state;

/* ---- Korean particles (PDX_TOKENIZE_QUERY only) ----
 *
 * Longest match first, one particle per run, and only if at least two
 * syllables remain. Docs: docs/TOKENIZATION.md "Korean particles". */
static const char *const particles3[] = {
    "에서는", "에서도", "에서의", "으로는", "으로도", "으로의", "으로서",
    "으로써", "에게서", "에게는", "까지는", "까지의", "부터는", "이라는",
};
static const char *const particles2[] = {
    "에서", "으로", "에게", "까지", "부터", "처럼", "보다", "이나", "이다",
    "라는", "에는", "에도", "과의", "와의", "들은", "들이", "들을", "들의",
    "로서", "로써", "로는", "과는", "와는", "만큼",
};
static const char *const particles1[] = {
    "을", "를", "이", "가", "은", "는", "의", "에", "와", "과", "도", "로", "만", "들",
};
/* Verb and adjective endings (PDX_TOKENIZE_QUERY only; end_run() says how
 * they combine with a particle): a word typed as a predicate looks up its
 * noun, as one with a particle does ("미세조정된" 미세조정, "요약하는" 요약,
 * "향상시키는" 향상), so that it finds the papers writing the noun in any
 * form, and the lexicon's equivalents of the noun. Two syllables must
 * remain. Indexing keeps them in whole words: a query finds those papers by
 * the bigrams. */
static const char *const endings3[] = {"시키는", "시키고", "시키기", "시키며"};
static const char *const endings2[] = {
    "하는", "하여", "하고", "하기", "하며", "되는", "되어",
    "되고", "되며", "시킨", "시켜", "해서", "했던",
};
static const char *const endings1[] = {"된", "한"};
/* Nouns that end like an ending: a run ending with one keeps it. */
static const char *const ending_nouns[] = {"제한", "권한", "기한", "무한", "유한"};
/* A string literal with its length, for lists scanned on every run or
 * word: a strlen() each time was a tenth of a build. */
typedef struct lit {
    const char *s;
    size_t n;
} lit;
#define LIT(s) {s, sizeof s - 1}
/* Nouns that end like a particle: a run ending with one of these is left
 * alone ("정확도" stays, "정확도를" becomes "정확도"). */
static const lit protected_endings[] = {
    LIT("정확도"), LIT("정밀도"), LIT("유사도"), LIT("해상도"), LIT("복잡도"), LIT("신뢰도"),
    LIT("난이도"), LIT("충실도"), LIT("민감도"), LIT("선호도"), LIT("중요도"), LIT("일치도"),
    LIT("이해도"), LIT("기여도"), LIT("활용도"), LIT("의존도"), LIT("숙련도"), LIT("가능도"),
    LIT("만족도"), LIT("혼란도"), LIT("자유도"), LIT("친화도"), LIT("세밀도"), LIT("확신도"),
    LIT("정렬도"), LIT("인기도"), LIT("상세도"), LIT("중증도"), LIT("집중도"), LIT("투명도"),
    LIT("알베도"), LIT("선명도"), LIT("완성도"), LIT("몰입도"), LIT("적합도"), LIT("다각도"),
    LIT("전문가"), LIT("고양이"), LIT("속도"), LIT("온도"), LIT("강도"), LIT("밀도"), LIT("정도"),
    LIT("평가"), LIT("증가"), LIT("추가"), LIT("참가"), LIT("효과"), LIT("결과"), LIT("성과"),
    LIT("경로"), LIT("회로"), LIT("정의"), LIT("회의"), LIT("차이"), LIT("길이"), LIT("높이"),
    LIT("깊이"), LIT("사이"),
};

/* Derivational endings (PDX_TOKENIZE_DERIVED): -화 (-ization), -적 (-ic),
 * -성 (-ity), and -적인 / -화된 / -화한, whose last syllable is no particle.
 * Dropped only when two syllables remain and the last two syllables are not
 * a noun of their own (derived_nouns). */
static const char *const derived2[] = {"적인", "화된", "화한"};
static const char *const derived1[] = {"화", "적", "성"};
/* Two-syllable nouns that end like a derivational ending: a compound ending
 * with one ("이미지생성", "분포변화") keeps it. */
static const char *const derived_nouns[] = {
    "생성", "합성", "구성", "형성", "작성", "완성", "달성", "음성", "변화", "문화",
    "대화", "진화", "강화", "특화", "심화", "영화", "전화", "목적", "추적", "흔적",
    "누적", "면적", "표적", "지적", "최적", "양자화",
    /* -화 and -성 words whose stem names another idea: generalization is
     * not 일반 (general), visualization not 시각 (vision), tokenization
     * not 토큰, scalability not 확장 (a black-box probe: 시각화 34 papers
     * became 772, 일반화 490 became 867, 확장성 110 became 744) */
    "일반화", "정규화", "초기화", "토큰화", "시각화", "차별화", "동기화",
    "활성화", "개인화", "지역화", "초상화", "확장성",
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- small helpers ---- */

static size_t utf8_put(char *dst, int32_t cp)
{
    uint32_t c = (uint32_t)cp;
    if (c < 0x80) {
        dst[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        dst[0] = (char)(0xc0 | (c >> 6));
        dst[1] = (char)(0x80 | (c & 0x3f));
        return 2;
    }
    if (c < 0x10000) {
        dst[0] = (char)(0xe0 | (c >> 12));
        dst[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        dst[2] = (char)(0x80 | (c & 0x3f));
        return 3;
    }
    dst[0] = (char)(0xf0 | (c >> 18));
    dst[1] = (char)(0x80 | ((c >> 12) & 0x3f));
    dst[2] = (char)(0x80 | ((c >> 6) & 0x3f));
    dst[3] = (char)(0x80 | (c & 0x3f));
    return 4;
}

static bool is_hangul_syllable(int32_t cp)
{
    return cp >= 0xac00 && cp <= 0xd7a3;
}

/* Hiragana and katakana letters that NFKC leaves alone (so they skip
 * utf8proc). U+309F and U+30FF, which NFKC expands, are not in here. */
static bool is_plain_kana(int32_t cp)
{
    return (cp >= 0x3041 && cp <= 0x3096) || (cp >= 0x309d && cp <= 0x309e) ||
           (cp >= 0x30a1 && cp <= 0x30fa) || (cp >= 0x30fc && cp <= 0x30fe);
}

/* Code point blocks of the CJK class (letters and Nl in them only). */
static bool in_cjk_block(int32_t cp)
{
    return (cp >= 0x1100 && cp <= 0x11ff) ||   /* Hangul Jamo */
           (cp >= 0x3005 && cp <= 0x3007) ||   /* 々 〆 〇 */
           (cp >= 0x3021 && cp <= 0x3029) ||   /* Hangzhou numerals */
           (cp >= 0x3031 && cp <= 0x3035) ||   /* kana repeat marks */
           (cp >= 0x3038 && cp <= 0x303c) ||
           (cp >= 0x3040 && cp <= 0x30ff) ||   /* Hiragana, Katakana */
           (cp >= 0x3130 && cp <= 0x318f) ||   /* Hangul compatibility jamo */
           (cp >= 0x31f0 && cp <= 0x31ff) ||   /* Katakana ext. */
           (cp >= 0x3400 && cp <= 0x4dbf) ||   /* Han ext. A */
           (cp >= 0x4e00 && cp <= 0x9fff) ||   /* Han */
           (cp >= 0xa960 && cp <= 0xa97f) ||   /* Hangul Jamo ext. A */
           (cp >= 0xac00 && cp <= 0xd7ff) ||   /* Hangul syllables, jamo ext. B */
           (cp >= 0xf900 && cp <= 0xfaff) ||   /* Han compatibility */
           (cp >= 0xff66 && cp <= 0xffdc) ||   /* half-width kana and Hangul */
           (cp >= 0x1b000 && cp <= 0x1b16f) || /* kana supplement/ext. */
           (cp >= 0x20000 && cp <= 0x3134f);   /* Han ext. B-G */
}

/* Class of a normalized code point. Marks never get here. */
static int classify(int32_t cp)
{
    if (cp < 0x80) {
        if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
            return CLS_WORD;
        if (cp >= '0' && cp <= '9')
            return CLS_DIGIT;
        if (cp == '\'')
            return CLS_APOS;
        return cp == ' ' ? CLS_SPACE : CLS_SEP;
    }
    if (is_hangul_syllable(cp))
        return CLS_CJK;
    if (cp == 0x2019 || cp == 0x02bc)
        return CLS_APOS;
    utf8proc_category_t cat = utf8proc_category(cp);
    switch (cat) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
        return in_cjk_block(cp) ? CLS_CJK : CLS_WORD;
    case UTF8PROC_CATEGORY_NL:
        return in_cjk_block(cp) ? CLS_CJK : CLS_SEP;
    case UTF8PROC_CATEGORY_ND:
        return CLS_DIGIT;
    default:
        return CLS_SEP;
    }
}

/* ---- token output ---- */

static int emit(tk_state *st, const char *term, size_t term_len, size_t start,
                size_t end, pdx_token_kind kind)
{
    pdx_token t;
    /* the position after the last token must still be a uint32_t: NFKC
     * makes several characters of one (U+FDFA is 18), so the check on
     * len up front does not bound the tokens */
    if (st->pos == UINT32_MAX)
        return PDX_ELIMIT;
    t.term = term;
    t.term_len = term_len;
    t.pos = st->pos++;
    t.start = start;
    t.end = end;
    t.kind = kind;
    return st->fn(&t, st->payload);
}

#define TRY(expr)                                                              \
    do {                                                                       \
        int rc_ = (expr);                                                      \
        if (rc_ != 0)                                                          \
            return rc_;                                                        \
    } while (0)

/* Makes the stemmer and sizes the stem cache (see pdx_tokenizer): the
 * first call makes both, later ones quadruple the cache once it has missed
 * eight times as many words as it has slots, up to STEM_CACHE_SLOTS (256,
 * 1,024, 4,096, 8,192: full after some 43,000 misses). Growing drops the
 * cached stems, which only costs their recomputation. */
static int ensure_stem_cache(pdx_tokenizer *tk)
{
    if (!tk->stemmer && !(tk->stemmer = sb_stemmer_new("english", "UTF_8")))
        return PDX_ENOMEM;
    size_t slots = tk->stems ? tk->stems_mask + 1 : 0;
    if (slots && (slots >= STEM_CACHE_SLOTS || tk->stems_misses < slots * 8))
        return PDX_OK;
    size_t want = slots ? PDX_MIN(slots * 4, (size_t)STEM_CACHE_SLOTS) : STEM_CACHE_FIRST;
    stem_slot *t = calloc(want, sizeof *t);
    if (!t)
        return slots ? PDX_OK : PDX_ENOMEM; /* keep the smaller table */
    free(tk->stems);
    tk->stems = t;
    tk->stems_mask = want - 1;
    tk->stems_misses = 0;
    return PDX_OK;
}

/* Snowball's English stemmer joins some words of distinct meaning in one
 * stem: "continual" and "continuous" are both "continu", "positive" and
 * "position" "posit", "objective" and "object" "object", "encoder" and
 * "encoding" "encod". A query for continual learning then ranks
 * "Continuous Vector Representations" first, and one for positional
 * encoding finds every encoder.
 * Such a word gets a stem of its own when Snowball gives it the shared stem
 * and the word as written begins with the prefix (so "continually" is
 * "continual" too, "continuation" stays "continu"). The list is English,
 * not the corpus's: stems whose words have unrelated senses in ordinary
 * technical writing, as a stemmer override (Lucene's
 * StemmerOverrideFilter) would hold them; "experiment" also joins its
 * inflections with "experimental", which Snowball stems apart
 * (docs/TOKENIZATION.md says how the list was made). A linear scan: it
 * runs only on a miss of the stem cache. */
static const struct {
    lit stem, prefix, to;
} stem_overrides[] = {
    {LIT("activ"), LIT("activat"), LIT("activat")},
    {LIT("activ"), LIT("activit"), LIT("activit")},
    {LIT("anim"), LIT("animal"), LIT("animal")},
    {LIT("attribut"), LIT("attribution"), LIT("attribution")},
    {LIT("bound"), LIT("bounding"), LIT("bounding")},
    {LIT("clip"), LIT("clipping"), LIT("clipping")},
    {LIT("collect"), LIT("collectiv"), LIT("collectiv")},
    {LIT("competit"), LIT("competitiv"), LIT("competitiv")},
    {LIT("comprehens"), LIT("comprehension"), LIT("comprehension")},
    {LIT("comput"), LIT("computer"), LIT("computer")},
    {LIT("continu"), LIT("continual"), LIT("continual")},
    {LIT("continu"), LIT("continuous"), LIT("continuous")},
    {LIT("contrast"), LIT("contrastiv"), LIT("contrastiv")},
    {LIT("convers"), LIT("conversion"), LIT("conversion")},
    {LIT("critic"), LIT("critical"), LIT("critical")},
    {LIT("decod"), LIT("decoder"), LIT("decoder")},
    {LIT("differenti"), LIT("differentiab"), LIT("differentiabl")},
    {LIT("direct"), LIT("direction"), LIT("direction")},
    {LIT("distribut"), LIT("distributed"), LIT("distributed")},
    {LIT("effect"), LIT("effectiv"), LIT("effectiv")},
    {LIT("encod"), LIT("encoder"), LIT("encoder")},
    {LIT("engin"), LIT("engineer"), LIT("engineer")},
    {LIT("experi"), LIT("experienc"), LIT("experienc")},
    {LIT("experi"), LIT("experiment"), LIT("experiment")},
    {LIT("extens"), LIT("extensiv"), LIT("extensiv")},
    {LIT("general"), LIT("generaliz"), LIT("generaliz")},
    {LIT("integr"), LIT("integral"), LIT("integral")},
    {LIT("integr"), LIT("integrity"), LIT("integrity")},
    {LIT("intern"), LIT("internation"), LIT("internation")},
    {LIT("local"), LIT("localiz"), LIT("localiz")},
    {LIT("mathemat"), LIT("mathemat"), LIT("math")},
    {LIT("modul"), LIT("modulat"), LIT("modulat")},
    {LIT("multipl"), LIT("multiplicat"), LIT("multiplicat")},
    {LIT("natur"), LIT("natural"), LIT("natural")},
    {LIT("normal"), LIT("normaliz"), LIT("normaliz")},
    {LIT("object"), LIT("objectiv"), LIT("objectiv")},
    {LIT("person"), LIT("personaliz"), LIT("personaliz")},
    {LIT("posit"), LIT("positiv"), LIT("positiv")},
    {LIT("product"), LIT("production"), LIT("production")},
    {LIT("progress"), LIT("progressiv"), LIT("progressiv")},
    {LIT("project"), LIT("projection"), LIT("projection")},
    {LIT("rank"), LIT("ranked"), LIT("ranking")},
    {LIT("rank"), LIT("ranking"), LIT("ranking")},
    {LIT("rate"), LIT("rating"), LIT("rating")},
    {LIT("regress"), LIT("regressiv"), LIT("regressiv")},
    {LIT("relat"), LIT("relativ"), LIT("relativ")},
    {LIT("sens"), LIT("sensing"), LIT("sensing")},
    {LIT("token"), LIT("tokeniz"), LIT("tokeniz")},
    {LIT("transform"), LIT("transformer"), LIT("transformer")},
    {LIT("univers"), LIT("universe"), LIT("universe")},
    {LIT("univers"), LIT("universit"), LIT("universit")},
    {LIT("util"), LIT("utilit"), LIT("utilit")},
    {LIT("variat"), LIT("variational"), LIT("variational")},
    {LIT("visual"), LIT("visualiz"), LIT("visualiz")},
};

/* The override of stem_overrides for word w (n bytes) stemmed to (s, sn),
 * or NULL. */
static const lit *stem_override(const char *w, size_t n, const char *s, size_t sn)
{
    for (size_t i = 0; i < COUNT_OF(stem_overrides); i++) {
        const lit *stem = &stem_overrides[i].stem, *prefix = &stem_overrides[i].prefix;
        if (stem->n == sn && stem->s[0] == s[0] && memcmp(stem->s, s, sn) == 0 &&
            n >= prefix->n && memcmp(w, prefix->s, prefix->n) == 0)
            return &stem_overrides[i].to;
    }
    return NULL;
}

/* Replaces (*term, *n) by the stem of the word, through the cache. The
 * result points into the cache or into the stemmer's buffer: valid until the
 * next call. */
static int stem_word(pdx_tokenizer *tk, const char **term, size_t *n)
{
    stem_slot *slot = NULL;
    TRY(ensure_stem_cache(tk));
    if (*n <= STEM_CACHE_WORD) {
        /* FNV-1a: words are short, and this needs no table or seed. */
        uint32_t h = 2166136261u;
        for (size_t i = 0; i < *n; i++)
            h = (h ^ (uint8_t)(*term)[i]) * 16777619u;
        slot = &tk->stems[(h ^ (h >> 16)) & tk->stems_mask];
        if (slot->word_len == *n && memcmp(slot->word, *term, *n) == 0) {
            *term = slot->stem;
            *n = slot->stem_len;
            return 0;
        }
    }
    tk->stems_misses++;
    /* the word as American English spells it (spelling.c) */
    char us[PDX_AMERICAN_ROOM(PDX_MAX_TERM_BYTES)];
    const char *w = *term;
    size_t wn = *n <= PDX_MAX_TERM_BYTES ? pdx_american_spelling(w, *n, us) : 0;
    if (wn)
        w = us;
    else
        wn = *n;
    const sb_symbol *stem = sb_stemmer_stem(tk->stemmer, (const sb_symbol *)w, (int)wn);
    if (!stem)
        return PDX_ENOMEM;
    int sn = sb_stemmer_length(tk->stemmer);
    if (sn <= 0)
        return 0; /* keep the word itself */
    size_t len = pdx_utf8_cut((const char *)stem, (size_t)sn, PDX_MAX_TERM_BYTES);
    const lit *over = stem_override(w, wn, (const char *)stem, len);
    if (over) {
        stem = (const sb_symbol *)over->s;
        len = over->n;
    }
    if (slot && len <= STEM_CACHE_WORD) {
        slot->word_len = (uint8_t)*n;
        memcpy(slot->word, *term, *n);
        slot->stem_len = (uint8_t)len;
        memcpy(slot->stem, stem, len);
    }
    *term = (const char *)stem;
    *n = len;
    return 0;
}

/* Is the word an acronym plural: two or more capitals and a final
 * lowercase 's' as written ("LLMs", "GPUs", "MLLMs"), or, whatever the case,
 * two or more letters without a vowel and a final 's' ("llms", "cnns": no
 * English word looks like that)? Such words are stemmed as their singular,
 * which Snowball alone does not do for words without a vowel. Lowercase
 * words ("gas", "bias") and all-capital ones with a vowel ("CLIPS", "AS")
 * are not acronym plurals. */
static bool acronym_plural(const tk_state *st)
{
    size_t n = st->word_len;
    if (st->word_overflow || n < 3 || st->word[n - 1] != 's')
        return false;
    if (st->word_last_s && st->word_upper >= 2 && n == st->word_upper + 1)
        return true;
    for (size_t i = 0; i + 1 < n; i++)
        if (!strchr("bcdfghjklmnpqrstvwxz", st->word[i]))
            return false;
    return true;
}

/* Emits one piece of a word: letters only are stemmed, anything with a
 * digit is kept as written. */
static int emit_piece(tk_state *st, const char *term, size_t n, size_t start, size_t end)
{
    bool digit = false;
    for (size_t i = 0; i < n && !digit; i++)
        digit = term[i] >= '0' && term[i] <= '9';
    if (digit)
        return emit(st, term, n, start, end, PDX_TOKEN_NUMBER);
    TRY(stem_word(st->tk, &term, &n));
    return emit(st, term, n, start, end, PDX_TOKEN_WORD);
}

static bool is_letter(char c)
{
    return c >= 'a' && c <= 'z';
}

/* Length of the first piece of w[0..n): a word splits where a run of two or
 * more letters meets a digit, so "gpt4o" is "gpt" "4o" like "GPT-4o",
 * "llama3" is "llama" "3" and "qwen2" "qwen" "2", while "r1", "o1", "x86",
 * "3d", "7b" and "4k" stay whole (one letter, or digits first). */
static size_t first_piece(const char *w, size_t n)
{
    size_t letters = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_letter(w[i]))
            letters++;
        else if (letters >= 2)
            return i;
        else
            letters = 0;
    }
    return n;
}

/* A word with a digit, kept as written but split into pieces at letter-to-
 * digit boundaries (first_piece), when its normalized form is ASCII
 * letters and digits ("ＧＰＴ４" too, which NFKC makes "gpt4", so that it
 * finds what "GPT4" finds). Where a byte of the term is a byte of the text
 * each piece gets its own byte range; else (full-width, ligatures) each
 * covers the whole word. */
static int finish_number(tk_state *st, const char *w, size_t n)
{
    bool alnum = !st->word_overflow;
    for (size_t i = 0; alnum && i < n; i++)
        alnum = is_letter(w[i]) || (w[i] >= '0' && w[i] <= '9');
    if (!alnum)
        return emit(st, w, n, st->word_start, st->word_end, PDX_TOKEN_NUMBER);
    bool exact = st->word_end - st->word_start == st->word_len;
    size_t off = 0;
    while (off < n) {
        size_t k = first_piece(w + off, n - off);
        size_t start = exact ? st->word_start + off : st->word_start;
        size_t end = !exact || off + k == n ? st->word_end : st->word_start + off + k;
        TRY(emit_piece(st, w + off, k, start, end));
        off += k;
    }
    return 0;
}

/* Ends the current Latin word and emits it. A pending apostrophe is not part
 * of the word and is simply forgotten. */
static int finish_word(tk_state *st)
{
    st->in_word = false;
    st->apos_pending = false;
    const char *term = st->word;
    size_t n = st->word_len;
    if (st->word_digit) {
        /* Numbers and alphanumerics stay as written, except a possessive
         * "'s", so that "gpt4's" finds "gpt4" like "model's" finds "model". */
        if (!st->word_overflow && n >= 3 && term[n - 2] == '\'' && term[n - 1] == 's')
            n -= 2;
        return finish_number(st, term, n);
    }
    bool plural = acronym_plural(st);
    if (plural)
        n--;
    /* Words longer than a term are not English words: they are only cut,
     * never stemmed, which also bounds the stemmer's input. */
    if (!st->word_overflow)
        TRY(stem_word(st->tk, &term, &n));
    uint32_t pos = st->pos;
    TRY(emit(st, term, n, st->word_start, st->word_end, PDX_TOKEN_WORD));
    if (!plural || !(st->flags & PDX_TOKENIZE_WHOLE))
        return 0;
    /* The plural as written ("llms" beside "llm"), so that a query can rank
     * the form it typed first, as it does a Korean word's particle. */
    pdx_token t = {st->word, st->word_len, pos, st->word_start, st->word_end, PDX_TOKEN_WHOLE};
    return st->fn(&t, st->payload);
}

/* Appends a word character (or the apostrophe before it) to the word. Once
 * the word is too long nothing more is appended, so the term is its longest
 * prefix of whole characters that fits. */
static void word_put(tk_state *st, int32_t cp)
{
    if (st->word_overflow)
        return;
    if (cp < 0x80 && st->word_len < PDX_MAX_TERM_BYTES) {
        st->word[st->word_len++] = (char)cp;
        return;
    }
    char tmp[4];
    size_t k = utf8_put(tmp, cp);
    if (st->word_len + k > PDX_MAX_TERM_BYTES) {
        st->word_overflow = true;
        return;
    }
    memcpy(st->word + st->word_len, tmp, k);
    st->word_len += k;
}

/* ---- CJK runs ---- */

/* The last (up to) three characters of the run in UTF-8: all that particle
 * stripping looks at. */
typedef struct run_tail {
    char b[12];   /* UTF-8 bytes */
    size_t len;   /* bytes in b */
    size_t chars; /* characters in b */
} run_tail;

/* The last (up to) three characters of run[0..end) into *t. */
static void get_tail_of(const tk_state *st, size_t end, run_tail *t)
{
    size_t k = PDX_MIN(end, 3);
    t->len = 0;
    t->chars = k;
    for (size_t i = end - k; i < end; i++)
        t->len += utf8_put(t->b + t->len, st->tk->run[i].cp);
}

static void get_tail(const tk_state *st, run_tail *t)
{
    get_tail_of(st, st->run_cnt, t);
}

/* Does the tail end with s? Equal bytes that start on a lead byte (s starts
 * with one) are equal whole characters, so a byte compare is enough. */
static bool tail_ends_with_n(const run_tail *t, const char *s, size_t n)
{
    return n <= t->len && memcmp(t->b + t->len - n, s, n) == 0;
}
static bool tail_ends_with(const run_tail *t, const char *s)
{
    return tail_ends_with_n(t, s, strlen(s));
}

/* Number of trailing characters that are a particle to drop (0 if none or if
 * fewer than two syllables would remain). */
static bool cp_in(const int32_t *set, size_t n, int32_t cp)
{
    for (size_t i = 0; i < n; i++)
        if (set[i] == cp)
            return true;
    return false;
}

/* Adds the last character of each word of list to set (once each). */
static void add_last_syllables(int32_t *set, size_t *n, size_t cap, const char *const *list,
                               size_t count)
{
    for (size_t i = 0; i < count; i++) {
        size_t len = strlen(list[i]), k = pdx_utf8_last_len(list[i], len);
        int32_t cp;
        pdx_utf8_decode((const uint8_t *)list[i] + len - k, k, &cp);
        if (!cp_in(set, *n, cp) && *n < cap)
            set[(*n)++] = cp;
    }
}

static void note_last_syllables(pdx_tokenizer *tk)
{
    size_t cap = COUNT_OF(tk->particle_last);
    add_last_syllables(tk->particle_last, &tk->n_particle_last, cap, particles3,
                       COUNT_OF(particles3));
    add_last_syllables(tk->particle_last, &tk->n_particle_last, cap, particles2,
                       COUNT_OF(particles2));
    add_last_syllables(tk->particle_last, &tk->n_particle_last, cap, particles1,
                       COUNT_OF(particles1));
    cap = COUNT_OF(tk->derived_last);
    add_last_syllables(tk->derived_last, &tk->n_derived_last, cap, derived2, COUNT_OF(derived2));
    add_last_syllables(tk->derived_last, &tk->n_derived_last, cap, derived1, COUNT_OF(derived1));
}

/* The particle list of n syllables (1 to 3) and its length. */
static const char *const *particles_of(size_t n, size_t *count)
{
    *count = n == 3 ? COUNT_OF(particles3) : n == 2 ? COUNT_OF(particles2) : COUNT_OF(particles1);
    return n == 3 ? particles3 : n == 2 ? particles2 : particles1;
}

/* Does a word go on at s[0, n) (a Hangul syllable, an ASCII letter or
 * digit)? */
static bool word_goes_on(const char *s, size_t n)
{
    if (!n)
        return false;
    unsigned char c = (unsigned char)(s[0] | 0x20);
    return (c >= 'a' && c <= 'z') || (s[0] >= '0' && s[0] <= '9') || pdx_hangul_at(s, n);
}

/* The ending list of n syllables (1 to 3) and its length. */
static const char *const *endings_of(size_t n, size_t *count)
{
    *count = n == 3 ? COUNT_OF(endings3) : n == 2 ? COUNT_OF(endings2) : COUNT_OF(endings1);
    return n == 3 ? endings3 : n == 2 ? endings2 : endings1;
}

bool pdx_english_function_word(const char *w, size_t n)
{
    static const char *const words[] = {"a",  "an", "and", "as", "at", "by",  "for", "from",
                                        "in", "of", "on",  "or", "the", "to", "via", "with"};
    char low[8];
    if (!w || n == 0 || n >= sizeof low)
        return false;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)(w[i] | 0x20);
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strlen(words[i]) == n && memcmp(low, words[i], n) == 0)
            return true;
    return false;
}

size_t pdx_korean_particle_len(const char *text, size_t len)
{
    if (!text || !len)
        return 0;
    for (size_t n = 6; n >= 1; n--) { /* particles of 3..1 syllables, then endings */
        size_t count;
        const char *const *list = n > 3 ? particles_of(n - 3, &count) : endings_of(n, &count);
        for (size_t i = 0; i < count; i++) {
            /* most entries differ at once: the first two bytes say so
             * before strlen() and memcmp() (Hangul is 3 bytes a syllable) */
            if (list[i][0] != text[0] || (len > 1 && list[i][1] != text[1]))
                continue;
            size_t k = strlen(list[i]);
            if (k <= len && memcmp(text, list[i], k) == 0 && !word_goes_on(text + k, len - k))
                return k;
        }
    }
    return 0;
}

/* The run's tail into *t, when its last character may end a particle and
 * the run does not end with a protected noun ("정확도", "차이"): whether a
 * particle may end it at all. */
static bool particle_may_end(const tk_state *st, run_tail *t)
{
    const pdx_tokenizer *tk = st->tk;
    if (!st->run_cnt ||
        !cp_in(tk->particle_last, tk->n_particle_last, tk->run[st->run_cnt - 1].cp))
        return false;
    get_tail(st, t);
    for (size_t i = 0; i < COUNT_OF(protected_endings); i++)
        if (tail_ends_with_n(t, protected_endings[i].s, protected_endings[i].n))
            return false;
    return true;
}

/* Does the run's tail end with a particle of n syllables? */
static bool ends_with_particle(const run_tail *t, size_t n)
{
    size_t count;
    const char *const *list = particles_of(n, &count);
    for (size_t i = 0; i < count; i++)
        if (tail_ends_with(t, list[i]))
            return true;
    return false;
}

static size_t particle_len(const tk_state *st)
{
    run_tail t;
    if (!particle_may_end(st, &t))
        return 0;
    for (size_t n = 3; n >= 1; n--) /* longest first, two syllables left */
        if (st->run_total >= n + 2 && ends_with_particle(&t, n))
            return n;
    return 0;
}

/* Characters of a verb or adjective ending that ends the run before its
 * last `strip` characters (a particle dropped: "요약하기를"), or 0 (none,
 * fewer than two syllables would remain, or a noun such as 제한). */
static size_t ending_len(const tk_state *st, size_t strip)
{
    if (st->run_total != st->run_cnt || strip >= st->run_cnt)
        return 0;
    size_t left = st->run_cnt - strip;
    run_tail t;
    get_tail_of(st, left, &t);
    for (size_t i = 0; i < COUNT_OF(ending_nouns); i++)
        if (tail_ends_with(&t, ending_nouns[i]))
            return 0;
    for (size_t n = 3; n >= 1; n--) {
        size_t count;
        const char *const *list = endings_of(n, &count);
        for (size_t i = 0; left >= n + 2 && i < count; i++)
            if (tail_ends_with(&t, list[i]))
                return n;
    }
    return 0;
}

/* Is the whole run (three characters at most) one word of the lists that
 * `of` gives by length (particles_of(), endings_of())? */
static bool run_is_one_of(const tk_state *st,
                          const char *const *(*of)(size_t n, size_t *count))
{
    if (st->run_total > 3)
        return false;
    run_tail t;
    get_tail(st, &t);
    size_t count;
    const char *const *list = of(t.chars, &count);
    for (size_t i = 0; i < count; i++)
        if (strlen(list[i]) == t.len && memcmp(list[i], t.b, t.len) == 0)
            return true;
    return false;
}

/* Is the whole run one particle? */
static bool run_is_particle(const tk_state *st)
{
    return run_is_one_of(st, particles_of);
}

/* Does run[0..k) end with the UTF-8 string w? */
static bool run_ends_with(const tk_state *st, size_t k, const char *w)
{
    char buf[16];
    size_t n = 0, chars = 0;
    for (const char *p = w; *p; p++)
        chars += ((unsigned char)*p & 0xc0) != 0x80;
    if (chars > k || chars > 4)
        return false;
    for (size_t i = k - chars; i < k; i++)
        n += utf8_put(buf + n, st->tk->run[i].cp);
    return n == strlen(w) && memcmp(buf, w, n) == 0;
}

/* Number of characters of a derivational ending before the last `strip`
 * characters (a particle already dropped), or 0. */
static size_t derived_len(const tk_state *st, size_t strip)
{
    size_t k = st->run_cnt - strip, left = st->run_total - strip;
    const pdx_tokenizer *tk = st->tk;
    if (!k || !cp_in(tk->derived_last, tk->n_derived_last, tk->run[k - 1].cp))
        return 0;
    for (size_t i = 0; i < COUNT_OF(derived_nouns); i++)
        if (run_ends_with(st, k, derived_nouns[i]))
            return 0;
    for (size_t i = 0; i < COUNT_OF(derived2); i++)
        if (left >= 4 && run_ends_with(st, k, derived2[i]))
            return 2;
    for (size_t i = 0; i < COUNT_OF(derived1); i++)
        if (left >= 3 && run_ends_with(st, k, derived1[i]))
            return 1;
    return 0;
}

/* A bigram, or a bridge: the two characters with the space between them
 * kept, so that a bridge is a term of its own. A phrase of bigrams finds it
 * (the query parser looks up both forms inside a compound), but a lone
 * two-character word does not: "성능" must not match "반성 능력". */
static int emit_pair(tk_state *st, const tk_item *a, const tk_item *b, pdx_token_kind kind)
{
    char term[9];
    size_t n = utf8_put(term, a->cp);
    if (kind == PDX_TOKEN_BRIDGE)
        term[n++] = ' ';
    n += utf8_put(term + n, b->cp);
    return emit(st, term, n, a->start, b->end, kind);
}

static int emit_bridge_in(tk_state *st)
{
    if (!st->run_bridge_in)
        return 0;
    st->run_bridge_in = false;
    return emit_pair(st, &st->cand, &st->tk->run[0], PDX_TOKEN_BRIDGE);
}

/* The particle that ends a run of one syllable and a particle ("팔을",
 * "손으로", "팔에서는"): its length in characters, or 0 (a longer or
 * shorter run, no particle of the query rules at its end, a protected
 * ending such as 차이, or a run that is all particle). */
static size_t syllable_particle_len(const tk_state *st)
{
    size_t want = st->run_total - 1;
    run_tail t;
    if (st->run_total < 2 || st->run_total > 4 || st->run_total != st->run_cnt ||
        !particle_may_end(st, &t) || run_is_particle(st))
        return 0;
    return ends_with_particle(&t, want) ? want : 0;
}

/* The whole word of the run that just emitted its bigrams from first_pos
 * (PDX_TOKENIZE_WHOLE): its characters less the `strip` already dropped
 * (a query) or, when indexing, less one trailing particle, the rule a
 * query applies, so that "벤치마크를" in a paper is the 벤치마크 a query
 * for "벤치마크를" or "벤치마크" looks up. Only runs of 3 to
 * PDX_MAX_WHOLE_CHARS characters that were never flushed: shorter ones are
 * a bigram already, longer ones are no word anyone types. It shares
 * first_pos with the first bigram and takes no position. */
static int emit_whole(tk_state *st, size_t strip, uint32_t first_pos)
{
    /* One syllable and its particle, a bigram the syllable alone (a query's
     * unigram) never finds: the syllable too, as a word. */
    if (!(st->flags & PDX_TOKENIZE_QUERY) && syllable_particle_len(st)) {
        const tk_item *w = &st->tk->run[0];
        char term[4];
        pdx_token t = {term, utf8_put(term, w->cp), first_pos, w->start, w->end,
                       PDX_TOKEN_WHOLE};
        return st->fn(&t, st->payload);
    }
    /* too short or too long whatever a particle is: spare the lookup */
    if (st->run_total != st->run_cnt || st->run_cnt - strip < 3 ||
        st->run_cnt - strip > PDX_MAX_WHOLE_CHARS + 3)
        return 0;
    if (!(st->flags & PDX_TOKENIZE_QUERY))
        strip = particle_len(st);
    size_t cnt = st->run_cnt - strip;
    if (st->run_total != st->run_cnt || cnt < 3 || cnt > PDX_MAX_WHOLE_CHARS)
        return 0;
    const tk_item *run = st->tk->run;
    char term[PDX_MAX_WHOLE_CHARS * 4];
    size_t n = 0;
    for (size_t i = 0; i < cnt; i++)
        n += utf8_put(term + n, run[i].cp);
    pdx_token t = {term, n, first_pos, run[0].start, run[cnt - 1].end, PDX_TOKEN_WHOLE};
    return st->fn(&t, st->payload);
}

/* The run buffer is full: emit the bigrams that no later decision can
 * change and keep the last RUN_KEEP characters. */
static int flush_run(tk_state *st)
{
    tk_item *run = st->tk->run;
    size_t upto = st->run_cnt - RUN_KEEP; /* first chars of pairs to emit */
    TRY(emit_bridge_in(st));
    for (size_t i = 0; i < upto; i++)
        TRY(emit_pair(st, &run[i], &run[i + 1], PDX_TOKEN_CJK));
    memmove(run, run + upto, RUN_KEEP * sizeof *run);
    st->run_cnt = RUN_KEEP;
    return 0;
}

static int add_to_run(tk_state *st, const tk_item *it)
{
    if (!st->in_run) {
        st->in_run = true;
        st->run_cnt = 0;
        st->run_total = 0;
        st->run_bridge_in = st->cand_valid && st->cand_space;
        st->run_after_word = st->prev_cls == CLS_WORD || st->prev_cls == CLS_DIGIT;
    } else if (st->run_cnt == RUN_CAP) {
        TRY(flush_run(st));
    }
    st->tk->run[st->run_cnt++] = *it;
    st->run_total++;
    return 0;
}

/* Ends the current run: bridge into it, then its bigrams (or its unigram),
 * and makes its last character the next bridge candidate. */
static int end_run(tk_state *st)
{
    st->in_run = false;
    tk_item *run = st->tk->run;
    size_t strip = 0;
    if (st->flags & PDX_TOKENIZE_QUERY) {
        if (st->run_after_word && (run_is_particle(st) || run_is_one_of(st, endings_of))) {
            /* "GPT-4o를", "LoRA된": the particle or ending belongs to the
             * Latin word. */
            st->run_bridge_in = false;
            st->cand_valid = false;
            return 0;
        }
        /* "추론하는" ends with the particle 는 and the ending 하는: the
         * longer goes; "요약하기를" with the particle 를 after the ending
         * 하기: both go */
        size_t particle = particle_len(st), ending = ending_len(st, 0);
        strip = ending > particle ? ending : particle + ending_len(st, particle);
        if (st->flags & PDX_TOKENIZE_DERIVED)
            strip += derived_len(st, strip);
    }
    size_t cnt = st->run_cnt - strip;
    TRY(emit_bridge_in(st));
    uint32_t first_pos = st->pos;
    if (st->run_total - strip == 1) {
        char term[4];
        size_t n = utf8_put(term, run[0].cp);
        TRY(emit(st, term, n, run[0].start, run[0].end, PDX_TOKEN_CJK));
    } else {
        for (size_t i = 0; i + 1 < cnt; i++)
            TRY(emit_pair(st, &run[i], &run[i + 1], PDX_TOKEN_CJK));
    }
    if (st->flags & PDX_TOKENIZE_WHOLE)
        TRY(emit_whole(st, strip, first_pos));
    /* A run that lost a particle ended at a real word boundary. */
    st->cand_valid = strip == 0;
    st->cand_space = false;
    st->cand = run[cnt - 1];
    return 0;
}

/* ---- segmenter: one normalized item at a time ---- */

static int feed(tk_state *st, const tk_item *it)
{
    int cls = it->cls;
    switch (cls) {
    case CLS_WORD:
    case CLS_DIGIT:
        if (st->in_run)
            TRY(end_run(st));
        st->cand_valid = false;
        if (!st->in_word) {
            st->in_word = true;
            st->word_digit = false;
            st->word_overflow = false;
            st->word_len = 0;
            st->word_upper = 0;
            st->word_start = it->start;
        } else if (st->apos_pending) {
            st->apos_pending = false;
            word_put(st, '\'');
        }
        word_put(st, it->cp);
        st->word_upper += it->upper;
        st->word_last_s = it->cp == 's' && !it->upper;
        st->word_end = it->end;
        if (cls == CLS_DIGIT)
            st->word_digit = true;
        break;
    case CLS_CJK:
        if (st->in_word)
            TRY(finish_word(st));
        TRY(add_to_run(st, it));
        st->cand_valid = false;
        break;
    case CLS_APOS:
        if (st->in_word && !st->apos_pending) {
            st->apos_pending = true;
            break;
        }
        /* fall through - the apostrophe is a separator */
    default:
        if (st->in_word)
            TRY(finish_word(st));
        if (st->in_run)
            TRY(end_run(st));
        /* A bridge candidate survives exactly one space. */
        if (st->cand_valid) {
            if (cls == CLS_SPACE && !st->cand_space)
                st->cand_space = true;
            else
                st->cand_valid = false;
        }
        break;
    }
    st->prev_cls = cls;
    return 0;
}

/* ---- normalizer ---- */

static int release_held(tk_state *st)
{
    if (!st->held_valid)
        return 0;
    st->held_valid = false;
    return feed(st, &st->held);
}

static int hold(tk_state *st, int32_t cp, int cls, size_t start, size_t end)
{
    TRY(release_held(st));
    st->held_valid = true;
    st->held.cp = cp;
    st->held.cls = cls;
    st->held.start = start;
    st->held.end = end;
    st->held.upper = false;
    return 0;
}

/* Adds a stripped character's bytes to the held item's range. */
static void extend_held(tk_state *st, size_t end)
{
    if (st->held_valid && end > st->held.end)
        st->held.end = end;
}

/* One normalized code point from the original character at [start, end). */
static int push(tk_state *st, int32_t cp, size_t start, size_t end)
{
    tk_item *h = &st->held;
    if (cp >= 0x1161 && cp <= 0x1175) { /* V jamo: L + V -> LV */
        if (st->held_valid && h->cp >= 0x1100 && h->cp <= 0x1112) {
            h->cp = 0xac00 + ((h->cp - 0x1100) * 21 + (cp - 0x1161)) * 28;
            h->cls = CLS_CJK;
            extend_held(st, end);
            return 0;
        }
    } else if (cp >= 0x11a8 && cp <= 0x11c2) { /* T jamo: LV + T -> LVT */
        if (st->held_valid && is_hangul_syllable(h->cp) && (h->cp - 0xac00) % 28 == 0) {
            h->cp += cp - 0x11a7;
            extend_held(st, end);
            return 0;
        }
    } else if (cp >= 0x300) {
        utf8proc_category_t cat = utf8proc_category(cp);
        if (cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
            cat == UTF8PROC_CATEGORY_ME) {
            if ((cp == 0x3099 || cp == 0x309a) && st->held_valid &&
                h->cp >= 0x3040 && h->cp <= 0x30ff) {
                utf8proc_int32_t pair[2] = {h->cp, cp};
                if (utf8proc_normalize_utf32(pair, 2, UTF8PROC_COMPOSE) == 1)
                    h->cp = pair[0];
            }
            extend_held(st, end);
            return 0;
        }
    }
    return hold(st, cp, classify(cp), start, end);
}

/* Options of the per-code-point decomposition: NFKD, case folding, and
 * default-ignorable characters (soft hyphen, ZWJ, variation selectors, ...)
 * removed. Marks are removed by push(), which needs to see the kana voicing
 * marks first. */
#define DECOMPOSE_OPTS                                                         \
    ((utf8proc_option_t)(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT |                \
                         UTF8PROC_CASEFOLD | UTF8PROC_IGNORE))

static int normalize_char(tk_state *st, int32_t cp, size_t start, size_t end)
{
    /* Default-ignorable characters, the zero-width space (U+200B)
     * included, decompose to nothing: ZWSP, ZWNJ, ZWJ, word joiner, BOM and
     * soft hyphen inside a word ("강화\u200b학습", pasted from the web)
     * leave it whole, their bytes added to the range of the character
     * before them. (Until tokenizer version 2, U+200B split words.) */
    utf8proc_int32_t buf[32];
    int boundclass = 0;
    utf8proc_ssize_t n = utf8proc_decompose_char(cp, buf, (utf8proc_ssize_t)COUNT_OF(buf),
                                                 DECOMPOSE_OPTS, &boundclass);
    if (n < 0 || n > (utf8proc_ssize_t)COUNT_OF(buf))
        return hold(st, 0xfffd, CLS_SEP, start, end);
    if (n == 0) {
        extend_held(st, end);
        return 0;
    }
    for (utf8proc_ssize_t i = 0; i < n; i++)
        TRY(push(st, buf[i], start, end));
    return 0;
}

static bool is_ascii_alnum(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The ASCII fast path: appends p[from, to), ASCII letters and digits, to the
 * current word (or starts one). Same effect as feed() on each of them; the
 * caller has released the held item and ended any CJK run. */
static void ascii_word(tk_state *st, const uint8_t *p, size_t from, size_t to)
{
    if (!st->in_word) {
        st->in_word = true;
        st->word_digit = false;
        st->word_overflow = false;
        st->word_len = 0;
        st->word_upper = 0;
        st->word_start = from;
    } else if (st->apos_pending) {
        st->apos_pending = false;
        word_put(st, '\'');
    }
    bool digit = false;
    for (size_t k = from; k < to; k++) {
        uint8_t c = p[k];
        if (c <= '9') {
            digit = true;
        } else if (c <= 'Z') {
            c += 32;
            st->word_upper++;
        }
        if (st->word_len < PDX_MAX_TERM_BYTES && !st->word_overflow)
            st->word[st->word_len++] = (char)c;
        else
            st->word_overflow = true;
    }
    st->word_digit |= digit;
    st->word_last_s = p[to - 1] == 's';
    st->word_end = to;
    st->cand_valid = false;
    st->prev_cls = CLS_WORD;
}

/* The precomposed Hangul syllable encoded at p[i..], or -1. */
static int32_t hangul_at(const uint8_t *p, size_t i, size_t len)
{
    if (len - i < 3 || p[i] < 0xea || p[i] > 0xed)
        return -1;
    if ((p[i + 1] & 0xc0) != 0x80 || (p[i + 2] & 0xc0) != 0x80)
        return -1;
    int32_t cp = ((p[i] & 0x0f) << 12) | ((p[i + 1] & 0x3f) << 6) | (p[i + 2] & 0x3f);
    return is_hangul_syllable(cp) ? cp : -1;
}

static int run_text(tk_state *st, const uint8_t *p, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint8_t c = p[i];
        if (is_ascii_alnum(c)) {
            size_t j = i + 1;
            while (j < len && is_ascii_alnum(p[j]))
                j++;
            /* A mark after the last one would belong to it: leave that one
             * to the general path. */
            size_t stop = (j < len && p[j] >= 0x80) ? j - 1 : j;
            if (stop > i) {
                TRY(release_held(st));
                if (st->in_run)
                    TRY(end_run(st));
                ascii_word(st, p, i, stop);
                i = stop;
                continue;
            }
        }
        if (c >= 0xea && c <= 0xed) {
            /* The Hangul fast path: a syllable followed by another cannot be
             * composed with or extended, so it skips the hold. */
            int32_t cp = hangul_at(p, i, len);
            if (cp >= 0) {
                if (hangul_at(p, i + 3, len) >= 0) {
                    TRY(release_held(st));
                    tk_item it = {cp, CLS_CJK, i, i + 3, false};
                    TRY(feed(st, &it));
                } else {
                    TRY(hold(st, cp, CLS_CJK, i, i + 3));
                }
                i += 3;
                continue;
            }
        }
        if (c < 0x80) {
            bool upper = c >= 'A' && c <= 'Z';
            int32_t cp = upper ? c + 32 : c;
            int cls = classify(cp);
            if (i + 1 == len || p[i + 1] < 0x80) {
                /* Nothing after it can modify it: skip the hold. */
                TRY(release_held(st));
                tk_item it = {cp, cls, i, i + 1, upper};
                TRY(feed(st, &it));
            } else {
                TRY(hold(st, cp, cls, i, i + 1));
                st->held.upper = upper;
            }
            i++;
            continue;
        }
        int32_t cp;
        size_t n = pdx_utf8_decode(p + i, len - i, &cp);
        if (n == 0) { /* invalid: a separator, one byte at a time */
            TRY(hold(st, 0xfffd, CLS_SEP, i, i + 1));
            i++;
            continue;
        }
        if (is_hangul_syllable(cp) || is_plain_kana(cp))
            TRY(hold(st, cp, CLS_CJK, i, i + n));
        else
            TRY(normalize_char(st, cp, i, i + n));
        i += n;
    }
    TRY(release_held(st));
    if (st->in_word)
        TRY(finish_word(st));
    if (st->in_run)
        TRY(end_run(st));
    return 0;
}

/* ---- public API ---- */

int pdx_tokenizer_new(pdx_tokenizer **out)
{
    if (!out)
        return PDX_EINVAL;
    *out = NULL;
    pdx_tokenizer *tk = calloc(1, sizeof *tk); /* the stemmer comes later: stem_word */
    if (!tk)
        return PDX_ENOMEM;
    note_last_syllables(tk);
    *out = tk;
    return PDX_OK;
}

void pdx_tokenizer_free(pdx_tokenizer *tk)
{
    if (!tk)
        return;
    if (tk->stemmer)
        sb_stemmer_delete(tk->stemmer);
    free(tk->stems);
    free(tk);
}

int pdx_tokenize(pdx_tokenizer *tk, int flags, const char *text, size_t len,
                 uint32_t first_pos, uint32_t *next_pos_out, pdx_token_fn fn,
                 void *payload)
{
    if (next_pos_out)
        *next_pos_out = first_pos;
    if (!tk || !fn || (!text && len) ||
        (flags & ~(PDX_TOKENIZE_QUERY | PDX_TOKENIZE_DERIVED | PDX_TOKENIZE_WHOLE)))
        return PDX_EINVAL;
    /* positions must not wrap: refused before any token when the text has
     * more bytes than positions are left (most tokens take a byte of their
     * own), else at the token that would take the last one (emit()) */
    if (len > UINT32_MAX || first_pos > UINT32_MAX - (uint32_t)len)
        return PDX_ELIMIT;
    tk_state st;
    memset(&st, 0, sizeof st);
    st.tk = tk;
    st.flags = flags;
    st.fn = fn;
    st.payload = payload;
    st.pos = first_pos;
    st.prev_cls = CLS_SEP;
    int rc = run_text(&st, (const uint8_t *)text, len);
    if (next_pos_out)
        *next_pos_out = st.pos;
    return rc;
}

size_t pdx_term_unbridge(const char *term, size_t len, char *out)
{
    if (!term || !out)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (term[i] != ' ')
            out[n++] = term[i];
    return n;
}

const char *pdx_tokenizer_stemmer_name(void)
{
    return "english";
}

const char *pdx_tokenizer_unicode_version(void)
{
    return utf8proc_unicode_version();
}
