/*
 * Title-summary association (see assoc.h; docs/LEXICON.md has the why and
 * the measurements).
 *
 * Words
 * -----
 *  - Korean: the Hangul words of the summary, each less the particle a
 *    query drops, 2 to 12 syllables (pdx_loan_hangul_words(), the
 *    loanwords' words), keyed as written.
 *  - English: the title's words of ASCII letters only, at least
 *    ASSOC_MIN_LETTERS of them, no function word, keyed by their term (the
 *    stem: "Driving" and "drives" are one word); the surface shown is the
 *    one titles write most often, lower-cased unless it has two capitals
 *    (an acronym), the bytewise least among equals, so it does not depend
 *    on the order.
 *
 * A paper is the distinct ids of its Korean words and of its English words
 * (two lists, so the scoring reads the English ones from few cache lines).
 * Each word has its df (papers).
 *
 * Pairs, in pdx_assoc_pairs()
 * ---------------------------
 * A word is eligible when its df is at least PDX_LEXICON_MIN_SUPPORT and at
 * most ASSOC_MAX_SHARE of the papers (the loanwords' bound: a word that
 * common matches hundreds of papers as it is). The papers of each eligible
 * Korean word are gathered (compressed rows), and for each Korean word the
 * English words of its papers are counted in one dense array (reset
 * through the list of the ids it touched). A pair that shares
 * ASSOC_MIN_SUPPORT papers or more and passes pdx_loan_association() (lift,
 * share, Dunning's G2 of at least PDX_LOAN_MIN_LLR) is a candidate; each
 * word keeps its best candidate partner by the Dice coefficient (G2 favours
 * common words: it made 공격, attack, the partner of jailbreak; ties go to
 * the partner's bytes, least first), and a pair is made when the best is
 * mutual and the Korean word has no pair the miner found. A pair a
 * summary states in a parenthesis (below, "pairs a parenthesis states")
 * needs fewer papers, is preferred, may be used both ways, and may be
 * one of several Korean renderings of its English word. Counting
 * is exact: 4,342 papers at 1x give about 3 million
 * (word, paper, word) steps.
 */
#include <stdlib.h>
#include <string.h>

#include "assoc.h"
#include "common.h"
#include "indexer.h"
#include "lexicon_mine.h"
#include "loanword.h"
#include "paperdex/tokenizer.h"

#define ASSOC_MIN_LETTERS 3   /* shortest English title word counted */
#define ASSOC_MAX_SHARE 0.1   /* most papers, as a share, a word may be in */
/* Fewest papers a pair must share. A guessed pair needs more than a
 * stated one (PDX_LEXICON_MIN_SUPPORT, 3): judged blind on the corpus, 26%
 * of the pairs sharing 3 papers were wrong, 18% of those sharing 4, 9% of
 * those sharing 5 to 9, 1% of those sharing 10 or more; the evaluations
 * were the same with 3, 4 or 5. */
#define ASSOC_MIN_SUPPORT 5
#define ASSOC_MAX_TITLE_WORDS 256

/* Korean words, English words (terms), and the English words' surfaces as
 * titles write them (lower-cased unless acronyms), which count their
 * occurrences in df and name their word in term. */
enum { SIDE_KO = 0, SIDE_EN = 1, SIDE_SURFACE = 2 };

typedef struct aword {
    uint32_t hash;     /* pdx_hash of the key, side mixed in, high half (pdx_slots) */
    uint32_t key_off;  /* the key (Korean word; English term) in bytes */
    uint32_t key_len;
    uint32_t surf_off; /* English: the surface shown (choose_surfaces()), in bytes */
    uint32_t surf_len;
    uint32_t surf_count; /* English: the occurrences of that surface */
    uint32_t term;     /* a surface's English word */
    uint32_t df;       /* papers counted that hold it */
    uint32_t seen;     /* the last paper that held it, + 1 (repeats skipped) */
    uint8_t side;      /* SIDE_KO or SIDE_EN */
} aword;

/* Lists of word ids, one per paper: paper p's are
 * ids[start[p] .. start[p + 1]). */
typedef struct id_lists {
    uint32_t *ids;
    size_t n, cap;
    size_t *start; /* n_papers + 1 */
    size_t cap_start;
} id_lists;

/* A word's best partner so far. */
typedef struct best {
    double dice;   /* 2 both / (df + df of the partner); 0: none */
    uint32_t id;   /* the partner */
    uint32_t both; /* papers shared */
    uint32_t stated; /* papers whose summary states the two (parentheses) */
    uint32_t alone;  /* of those, papers stating it of a word alone (statements) */
    bool shared;     /* passes the share test (pdx_loan_association()) */
} best;

/* Statements, (Korean id << 32 | English id), once per paper that makes
 * one: keys[paper .. n) are the paper being added's. */
typedef struct statements {
    uint64_t *keys;
    size_t n, cap, paper;
} statements;

struct pdx_assoc {
    pdx_tokenizer *tk;
    pdx_loan_cache *cache;  /* pdx_loan_hangul_words()'s memory of the runs */
    pdx_loan_word *ko;      /* a summary's Hangul words, PDX_LOAN_MAX_WORDS */
    uint64_t n_live;        /* the collection's papers (the sample rate) */
    pdx_buf bytes;          /* word keys and surfaces */
    aword *words;
    uint32_t n_words, cap_words;
    pdx_slots slots;        /* key -> index into words */
    id_lists ko_of, en_of;  /* each paper's Korean words, its English words */
    uint32_t *scratch;      /* one paper's ids while it is being added */
    size_t n_scratch, cap_scratch;
    uint64_t n_papers;      /* papers counted */
    pdx_buf terms;          /* joined terms being built */
    pdx_buf out_strs;       /* the new pairs' strings */
    statements stated;      /* what parentheses state */
    statements alone;       /* of those, of a Korean word alone (statements) */
    best *bests;            /* each word's best partner, then its best stated
                             * one, by pdx_assoc_score() (score_word()) */
    uint64_t scored;        /* n_papers + 1 when bests was computed (0: never) */
    pdx_lex_pair *out;      /* mined pairs, then the new ones */
    size_t n_out, n_added;
    int err;                /* sticky: PDX_ENOMEM */
};

/* ---- words ---- */

static bool grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * elem);
    if (!q)
        return false;
    *p = q;
    *cap = c;
    return true;
}

static const char *word_key(const pdx_assoc *a, const aword *w)
{
    return (const char *)a->bytes.data + w->key_off;
}

/* A word looked up: its side and bytes (pdx_slots' key). */
typedef struct word_ref {
    uint8_t side;
    const char *k;
    size_t n;
} word_ref;

static bool word_matches(uint32_t item, const void *key, void *payload)
{
    const pdx_assoc *a = payload;
    const word_ref *r = key;
    const aword *w = &a->words[item];
    return w->side == r->side && w->key_len == r->n && !memcmp(word_key(a, w), r->k, r->n);
}

static bool word_rehash(uint32_t item, uint32_t *hash, void *payload)
{
    *hash = ((const pdx_assoc *)payload)->words[item].hash;
    return true;
}

/* The id of word k[0, n) on side, whose pdx_hash() is h, added when new
 * (in the indexer's one hash table, pdx_slots); UINT32_MAX: no memory. */
static uint32_t word_id(pdx_assoc *a, uint8_t side, uint64_t h, const char *k, size_t n)
{
    uint32_t h32 = (uint32_t)((h ^ (uint64_t)side * 0x9E3779B97F4A7C15ull) >> 32), slot;
    word_ref r = {side, k, n};
    size_t cap = a->cap_words;
    if (a->n_words == UINT32_MAX - 1 ||
        !pdx_slots_reserve(&a->slots, a->n_words + 1, a->n_words, word_rehash, a))
        return UINT32_MAX;
    uint32_t found = pdx_slots_find(&a->slots, h32, word_matches, &r, a, &slot);
    if (found)
        return found - 1;
    if (!grow((void **)&a->words, &cap, a->n_words + 1, sizeof *a->words))
        return UINT32_MAX;
    a->cap_words = (uint32_t)cap;
    a->words[a->n_words] = (aword){.hash = h32, .key_off = (uint32_t)a->bytes.len,
                                   .key_len = (uint32_t)n, .side = side};
    pdx_buf_append(&a->bytes, k, n);
    if (a->bytes.err || a->bytes.len > UINT32_MAX)
        return UINT32_MAX;
    pdx_slots_put(&a->slots, slot, a->n_words, h32);
    return a->n_words++;
}

/* Is s[0, n) an acronym as written (two capitals or more)? */
static bool two_capitals(const char *s, size_t n)
{
    size_t caps = 0;
    for (size_t i = 0; i < n; i++)
        caps += s[i] >= 'A' && s[i] <= 'Z';
    return caps >= 2;
}

/* Counts s[0, n) as a surface of English word id (lower-cased unless an
 * acronym: "Driving" and "driving" are one surface, "LLMs" stays). */
static int count_surface(pdx_assoc *a, uint32_t id, const char *s, size_t n)
{
    char low[PDX_MAX_TERM_BYTES * 4];
    if (n > sizeof low)
        return PDX_OK;
    bool acronym = two_capitals(s, n);
    for (size_t i = 0; i < n; i++)
        low[i] = acronym || s[i] < 'A' || s[i] > 'Z' ? s[i] : (char)(s[i] | 0x20);
    uint32_t sid = word_id(a, SIDE_SURFACE, pdx_hash(low, n), low, n);
    if (sid == UINT32_MAX)
        return PDX_ENOMEM;
    a->words[sid].term = id;
    a->words[sid].df++;
    return PDX_OK;
}

/* ---- adding a paper ---- */

/* Adds word id to the paper being added, unless it has it already. */
static int push_id(pdx_assoc *a, uint32_t id)
{
    if (id == UINT32_MAX ||
        !grow((void **)&a->scratch, &a->cap_scratch, a->n_scratch + 1, sizeof *a->scratch))
        return PDX_ENOMEM;
    if (a->words[id].seen == a->n_papers + 1)
        return PDX_OK;
    a->words[id].seen = (uint32_t)(a->n_papers + 1);
    a->scratch[a->n_scratch++] = id;
    return PDX_OK;
}

static bool is_letter(char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static bool letters_only(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_letter(s[i]))
            return false;
    return true;
}

/* The id of the English word whose term token t holds (UINT32_MAX: no
 * memory), as titles and statements key it. */
static uint32_t en_id(pdx_assoc *a, const pdx_token *t)
{
    return word_id(a, SIDE_EN, pdx_hash(t->term, t->term_len), t->term, t->term_len);
}

typedef struct title_ctx {
    pdx_assoc *a;
    const char *title;
    size_t words; /* English words taken */
    int rc;
} title_ctx;

static int title_token(const pdx_token *t, void *payload)
{
    title_ctx *c = payload;
    const char *s = c->title + t->start;
    size_t n = t->end - t->start;
    if (t->kind != PDX_TOKEN_WORD || n < ASSOC_MIN_LETTERS || !letters_only(s, n) ||
        pdx_english_function_word(t->term, t->term_len) || c->words >= ASSOC_MAX_TITLE_WORDS)
        return 0;
    uint32_t id = en_id(c->a, t);
    if ((c->rc = push_id(c->a, id)) || (c->rc = count_surface(c->a, id, s, n)))
        return 1;
    c->words++;
    return 0;
}

/* Adds the Korean words of summary[0, len) to the paper, leaving them in
 * a->ko[0, *n). */
static int korean_words(pdx_assoc *a, const char *summary, size_t len, size_t *n_words)
{
    size_t n = pdx_loan_hangul_words(a->cache, summary, len, a->ko, PDX_LOAN_MAX_WORDS);
    *n_words = n;
    for (size_t i = 0; i < n; i++) {
        int rc = push_id(a, word_id(a, SIDE_KO, a->ko[i].hash, summary + a->ko[i].off,
                                    a->ko[i].len));
        if (rc)
            return rc;
    }
    return PDX_OK;
}

/* Appends ids[0, n) to l as the list of paper p. */
static int list_put(id_lists *l, size_t p, const uint32_t *ids, size_t n)
{
    if (!grow((void **)&l->ids, &l->cap, l->n + n, sizeof *l->ids) ||
        !grow((void **)&l->start, &l->cap_start, p + 2, sizeof *l->start))
        return PDX_ENOMEM;
    l->start[p] = l->n;
    if (n) /* l->ids may still be NULL */
        memcpy(l->ids + l->n, ids, n * sizeof *ids);
    l->n += n;
    l->start[p + 1] = l->n;
    return PDX_OK;
}

/* Keeps scratch (n_ko Korean ids, then English ones) as a paper. */
static int keep_paper(pdx_assoc *a, size_t n_ko)
{
    size_t p = (size_t)a->n_papers;
    if (list_put(&a->ko_of, p, a->scratch, n_ko) ||
        list_put(&a->en_of, p, a->scratch + n_ko, a->n_scratch - n_ko))
        return PDX_ENOMEM;
    for (size_t i = 0; i < a->n_scratch; i++)
        a->words[a->scratch[i]].df++;
    a->n_papers++;
    return PDX_OK;
}

/* ---- pairs a parenthesis states ----
 *
 * A pair found by company alone is used one way (docs/LEXICON.md): its
 * Korean word may name other ideas too (분산 is variance as much as
 * distributed), and an English query that found it would drift. When some
 * summary also states the two words, `요약(summarization)` or
 * `summarization(요약)`, the pair needs the stated pairs' support (3
 * papers, not 5) and is preferred to a partner by company alone (jailbreak
 * keeps closer company with 방어, defense, than with 탈옥, stated twice);
 * stated by ASSOC_TWO_WAY_PAPERS papers (the miner wants 3 for a pair of
 * its own), or stated once of a pair whose company alone would make it
 * (ASSOC_MIN_SUPPORT papers together: `도구(tool)`, 15), the Korean word
 * is known to mean the English one, and the pair is used both ways. A
 * pair that only one statement lets in is not: `분산(variance)`, stated
 * once, 3 papers together, made `variance` find every paper on
 * distributed training. A statement is
 * one word for one word: an English word of letters only, no acronym (LLM
 * abbreviates a name longer than the Korean word before it) and no part of
 * a hyphenated name, next to a Hangul word (less its particle) with the
 * parenthesis between them. The last word of a longer name (`음성
 * (text-to-speech)`, `자기 회귀(autoregressive)`) still slips through now and
 * then; the association test is what keeps it out.
 *
 * One English word has several Korean renderings (context: 문맥, 맥락), and
 * each English word keeps one partner. So a Korean word stated *alone*
 * (no Hangul word without a particle right before it: in `환각
 * 현상(hallucinations)` the name is both words) takes its best partner
 * even when that partner prefers another word, and needs company only
 * beyond chance (pdx_loan_beyond_chance(): the statement says the words
 * name one idea; the share test guards pairs by company alone). Such a pair
 * is one way, and only pairs that pass the share test are offered to the
 * English word: its own partner does not change. */

#define ASSOC_PAREN_MAX 160 /* bytes of a parenthesis looked into */
#define ASSOC_TWO_WAY_PAPERS 2

typedef struct word_ctx {
    pdx_assoc *a;
    uint32_t id;
    int rc;
} word_ctx;

static int word_token(const pdx_token *t, void *payload)
{
    word_ctx *c = payload; /* letters only: one token */
    c->id = en_id(c->a, t);
    c->rc = c->id == UINT32_MAX ? PDX_ENOMEM : PDX_OK;
    return c->rc != PDX_OK;
}

/* The id of the English word s[0, n) (letters only, keyed by its term as
 * title_token() keys a title's) into *id; UINT32_MAX when s is no such
 * word. */
static int english_word(pdx_assoc *a, const char *s, size_t n, uint32_t *id)
{
    word_ctx c = {a, UINT32_MAX, PDX_OK};
    *id = UINT32_MAX;
    if (n < ASSOC_MIN_LETTERS || !letters_only(s, n) || two_capitals(s, n))
        return PDX_OK; /* an acronym: of a longer name than its Korean word */
    int rc = pdx_tokenize(a->tk, PDX_TOKENIZE_DEFAULT, s, n, 0, NULL, word_token, &c);
    *id = c.id;
    return c.rc ? c.rc : rc;
}

static int statement_add(statements *l, uint64_t key)
{
    for (size_t i = l->paper; i < l->n; i++)
        if (l->keys[i] == key)
            return PDX_OK; /* this paper said so already */
    if (!grow((void **)&l->keys, &l->cap, l->n + 1, sizeof *l->keys))
        return PDX_ENOMEM;
    l->keys[l->n++] = key;
    return PDX_OK;
}

/* Records that a summary states Korean word ko for English word en, of ko
 * alone or not. */
static int add_stated(pdx_assoc *a, uint32_t ko, uint32_t en, bool alone)
{
    if (ko == UINT32_MAX)
        return PDX_ENOMEM;
    if (en == UINT32_MAX)
        return PDX_OK; /* no English word */
    uint64_t key = (uint64_t)ko << 32 | en;
    int rc = statement_add(&a->stated, key);
    return rc || !alone ? rc : statement_add(&a->alone, key);
}

/* s[from, to) less the spaces at either end. */
static void trim(const char *s, size_t *from, size_t *to)
{
    while (*from < *to && s[*from] == ' ')
        ++*from;
    while (*to > *from && s[*to - 1] == ' ')
        --*to;
}

static uint32_t ko_id(pdx_assoc *a, const char *s, const pdx_loan_word *w)
{
    return word_id(a, SIDE_KO, w->hash, s + w->off, w->len);
}

/* Is s[at - 3, at) one of the dashes an editor makes of a hyphen
 * (U+2010 to U+2015)? */
static bool dash_before(const char *s, size_t at)
{
    return at >= 3 && (unsigned char)s[at - 3] == 0xE2 && (unsigned char)s[at - 2] == 0x80 &&
           (unsigned char)s[at - 1] >= 0x90 && (unsigned char)s[at - 1] <= 0x95;
}

/* Does a Hangul word with no particle stand right before ko[i] in s, one
 * space between (`환각 현상`, hallucination phenomenon)? Then a
 * parenthesis after ko[i] may name both words. */
static bool after_bare_word(const char *s, const pdx_loan_word *ko, size_t i)
{
    return i > 0 && ko[i - 1].off + ko[i - 1].len + 1 == ko[i].off && s[ko[i].off - 1] == ' ';
}

/* The statement of the parenthesis s[open] .. s[close] (ASCII brackets)
 * of a summary, if it makes one: one Korean word and one English word,
 * either inside. ko[*at, n_ko) are the summary's Korean words from the
 * first that does not end before the parenthesis (text order); *at moves
 * past the parenthesis, so a summary's parentheses cost a walk of its
 * words, not one each. */
static int paren_stated(pdx_assoc *a, const char *s, size_t open, size_t close,
                        const pdx_loan_word *ko, size_t n_ko, size_t *at)
{
    size_t before = open > 0 && s[open - 1] == ' ' ? open - 1 : open;
    size_t in = open + 1, end = close;
    trim(s, &in, &end);
    const pdx_loan_word *k = NULL;
    size_t from = in, to = end; /* where the English word is */
    bool alone = true;
    while (*at < n_ko && ko[*at].off + ko[*at].len < before)
        ++*at;
    if (*at < n_ko && ko[*at].off + ko[*at].len == before) { /* 요약(summarization) */
        k = &ko[*at];
        alone = !after_bare_word(s, ko, *at);
    } else if (*at < n_ko && ko[*at].off == in && ko[*at].off + ko[*at].len == end) {
        k = &ko[*at]; /* summarization(요약) */
        for (to = from = before; from > 0 && is_letter(s[from - 1]); from--)
            ;
        if ((from > 0 && s[from - 1] == '-') || dash_before(s, from))
            return PDX_OK; /* the end of a longer name */
    }
    while (*at < n_ko && ko[*at].off < close)
        ++*at;
    uint32_t en;
    int rc = k ? english_word(a, s + from, to - from, &en) : PDX_OK;
    return rc || !k ? rc : add_stated(a, ko_id(a, s, k), en, alone);
}

/* Records the pairs summary s[0, n) states in its parentheses. */
static int stated_pairs(pdx_assoc *a, const char *s, size_t n, size_t n_ko)
{
    int rc = PDX_OK;
    size_t at = 0;
    a->stated.paper = a->stated.n;
    a->alone.paper = a->alone.n;
    for (const char *o = n && n_ko ? memchr(s, '(', n) : NULL; o && !rc;
         o = memchr(o + 1, '(', n - (size_t)(o + 1 - s))) {
        size_t open = (size_t)(o - s), look = PDX_MIN(ASSOC_PAREN_MAX, n - open);
        const char *c = memchr(o, ')', look);
        if (c)
            rc = paren_stated(a, s, open, (size_t)(c - s), a->ko, n_ko, &at);
    }
    return rc;
}

bool pdx_assoc_samples(const pdx_assoc *a, uint32_t tag)
{
    return a && (a->n_live <= PDX_ASSOC_MAX_PAPERS || tag % a->n_live < PDX_ASSOC_MAX_PAPERS);
}

int pdx_assoc_add_paper(pdx_assoc *a, const char *id, size_t id_len, const char *title,
                        size_t title_len, const char *summary, size_t summary_len)
{
    if (!a || (!id && id_len) || (!title && title_len) || (!summary && summary_len))
        return PDX_EINVAL;
    if (a->err)
        return a->err;
    if (!pdx_assoc_samples(a, (uint32_t)(pdx_hash(id ? id : "", id_len) >> 32)))
        return PDX_OK;
    a->n_scratch = 0;
    size_t n_words = 0;
    int rc = korean_words(a, summary ? summary : "", summary_len, &n_words);
    size_t n_ko = a->n_scratch;
    if (!rc)
        rc = stated_pairs(a, summary, summary_len, n_words);
    title_ctx c = {a, title, 0, PDX_OK};
    if (!rc) {
        rc = pdx_tokenize(a->tk, PDX_TOKENIZE_DEFAULT, title ? title : "", title_len, 0, NULL,
                          title_token, &c);
        rc = c.rc ? c.rc : rc;
    }
    if (!rc)
        rc = keep_paper(a, n_ko);
    if (rc == PDX_ENOMEM)
        a->err = rc;
    return rc;
}

/* ---- pairs ---- */

static bool eligible(const pdx_assoc *a, const aword *w)
{
    return w->df >= PDX_LEXICON_MIN_SUPPORT &&
           (double)w->df <= ASSOC_MAX_SHARE * (double)a->n_papers;
}

/* The papers of each eligible Korean word, as compressed rows: the
 * papers of word k are rows[start[k] .. start[k + 1]). */
typedef struct korean_rows {
    size_t *start; /* n_words + 1 */
    uint32_t *rows;
} korean_rows;

static int gather_rows(const pdx_assoc *a, korean_rows *r)
{
    r->start = calloc((size_t)a->n_words + 1, sizeof *r->start);
    if (!r->start)
        return PDX_ENOMEM;
    for (uint32_t k = 0; k < a->n_words; k++)
        r->start[k + 1] = r->start[k] + (eligible(a, &a->words[k]) &&
                                         a->words[k].side == SIDE_KO ? a->words[k].df : 0);
    r->rows = malloc((r->start[a->n_words] ? r->start[a->n_words] : 1) * sizeof *r->rows);
    size_t *fill = malloc(((size_t)a->n_words + 1) * sizeof *fill);
    if (!r->rows || !fill) {
        free(fill);
        return PDX_ENOMEM;
    }
    memcpy(fill, r->start, ((size_t)a->n_words + 1) * sizeof *fill);
    const id_lists *ko = &a->ko_of;
    for (size_t p = 0; p < a->n_papers; p++)
        for (size_t i = ko->start[p]; i < ko->start[p + 1]; i++) {
            uint32_t k = ko->ids[i];
            if (fill[k] < r->start[k + 1])
                r->rows[fill[k]++] = (uint32_t)p;
        }
    free(fill);
    return PDX_OK;
}

/* Does partner id with this Dice beat the best b (higher; as high, the
 * partner's key less)? */
static bool beats(const pdx_assoc *a, double dice, uint32_t id, const best *b)
{
    if (dice != b->dice)
        return dice > b->dice;
    const aword *x = &a->words[id], *y = &a->words[b->id];
    int c = memcmp(word_key(a, x), word_key(a, y), PDX_MIN(x->key_len, y->key_len));
    return c ? c < 0 : x->key_len < y->key_len;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t p = *(const uint64_t *)x, q = *(const uint64_t *)y;
    return (p > q) - (p < q);
}

/* Sorts the statements, for stated(). */
static void sort_stated(statements *l)
{
    if (l->n)
        qsort(l->keys, l->n, sizeof *l->keys, cmp_u64);
}

/* Papers of l that state Korean word k and English word e. */
static uint32_t stated(const statements *l, uint32_t k, uint32_t e)
{
    uint64_t key = (uint64_t)k << 32 | e;
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->keys[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint32_t n = 0;
    while (lo < l->n && l->keys[lo++] == key)
        n++;
    return n;
}

/* Offers partner id, as good as cand, to the word whose best is *b. */
static void offer(const pdx_assoc *a, best *b, best cand, uint32_t id)
{
    cand.id = id;
    if (beats(a, cand.dice, id, b))
        *b = cand;
}

/* Scores Korean word k against every English word of its papers, keeping
 * each side's best partner (bests[w]) and best stated partner
 * (bests[n_words + w]). count and touched: n_words each, count 0; elig:
 * eligible() of each word. */
static void score_word(const pdx_assoc *a, const korean_rows *r, uint32_t k, uint32_t *count,
                       uint32_t *touched, const uint8_t *elig, best *bests)
{
    best *by_statement = bests + a->n_words;
    size_t n_touched = 0;
    for (size_t i = r->start[k]; i < r->start[k + 1]; i++) {
        const id_lists *en = &a->en_of;
        for (size_t j = en->start[r->rows[i]]; j < en->start[r->rows[i] + 1]; j++) {
            uint32_t e = en->ids[j];
            if (elig[e] && count[e]++ == 0)
                touched[n_touched++] = e;
        }
    }
    for (size_t i = 0; i < n_touched; i++) {
        uint32_t e = touched[i], both = count[e];
        count[e] = 0;
        if (both < PDX_LEXICON_MIN_SUPPORT)
            continue; /* too few even for a stated pair: no lookup */
        uint32_t st = stated(&a->stated, k, e), alone = st ? stated(&a->alone, k, e) : 0;
        if (both < (st ? PDX_LEXICON_MIN_SUPPORT : ASSOC_MIN_SUPPORT))
            continue;
        uint64_t dk = a->words[k].df, de = a->words[e].df;
        bool shared = pdx_loan_association(both, dk, de, a->n_papers) >= PDX_LOAN_MIN_LLR;
        if (!shared && !(alone && pdx_loan_beyond_chance(both, dk, de, a->n_papers) >=
                                      PDX_LOAN_MIN_LLR))
            continue; /* no company beyond chance */
        best cand = {2.0 * both / ((double)dk + de), 0, both, st, alone, shared};
        offer(a, &bests[k], cand, e);
        if (st)
            offer(a, &by_statement[k], cand, e);
        if (!shared)
            continue; /* the English word keeps the partners it had */
        offer(a, &bests[e], cand, k);
        if (st)
            offer(a, &by_statement[e], cand, k);
    }
}

static int score_all(pdx_assoc *a, best *bests)
{
    sort_stated(&a->stated);
    sort_stated(&a->alone);
    korean_rows r = {0};
    uint32_t *count = calloc((size_t)a->n_words + 1, sizeof *count);
    uint32_t *touched = malloc(((size_t)a->n_words + 1) * sizeof *touched);
    uint8_t *elig = malloc((size_t)a->n_words + 1);
    int rc = count && touched && elig ? gather_rows(a, &r) : PDX_ENOMEM;
    for (uint32_t w = 0; !rc && w < a->n_words; w++)
        elig[w] = eligible(a, &a->words[w]);
    for (uint32_t k = 0; !rc && k < a->n_words; k++)
        if (r.start[k + 1] > r.start[k])
            score_word(a, &r, k, count, touched, elig, bests);
    free(elig);
    free(r.start);
    free(r.rows);
    free(count);
    free(touched);
    return rc;
}

/* ---- the pairs out ---- */

typedef struct span {
    const char *s;
    size_t n;
} span;

static int span_cmp(const void *x, const void *y)
{
    const span *p = x, *q = y;
    int c = memcmp(p->s, q->s, PDX_MIN(p->n, q->n));
    return c ? c : (p->n > q->n) - (p->n < q->n);
}

/* The Korean sides of the mined pairs, sorted (for bsearch). */
static span *mined_korean(const pdx_lex_pair *mined, size_t n)
{
    span *s = malloc((n ? n : 1) * sizeof *s);
    for (size_t i = 0; s && i < n; i++)
        s[i] = (span){mined[i].ko_terms, mined[i].ko_terms_len};
    if (s)
        qsort(s, n, sizeof *s, span_cmp);
    return s;
}

/* A new pair's strings go to out_strs as offsets; pointers are set once
 * every string is written (the buffer moves while it grows). */
typedef struct new_pair {
    size_t ko_terms, ko_terms_len, en_terms, en_terms_len;
    uint32_t ko, en, support;
    uint32_t stated; /* papers stating it */
    bool one_way;    /* one way whatever its statements (make_pairs()) */
} new_pair;

static size_t put_str(pdx_assoc *a, const void *p, size_t n)
{
    size_t off = a->out_strs.len;
    pdx_buf_append(&a->out_strs, p, n);
    return off;
}

/* Is Korean word k one of the miner's (a word the digests translate), or
 * has it no terms? Leaves its terms in a->terms. */
static int is_mined(pdx_assoc *a, const span *mined_ko, size_t n_mined, uint32_t k, bool *mined)
{
    const aword *ko = &a->words[k];
    int rc = pdx_lexicon_key_of(a->tk, PDX_TOKENIZE_DEFAULT, word_key(a, ko), ko->key_len,
                                &a->terms);
    span key = {(const char *)a->terms.data, a->terms.len};
    *mined = !key.n || bsearch(&key, mined_ko, n_mined, sizeof *mined_ko, span_cmp);
    return rc;
}

/* Records the pair (k, b) when k has no mined pair. */
static int add_pair(pdx_assoc *a, const span *mined_ko, size_t n_mined, uint32_t k,
                    const best *b, bool one_way, new_pair *np)
{
    const aword *en = &a->words[b->id];
    bool mined;
    int rc = is_mined(a, mined_ko, n_mined, k, &mined);
    if (rc || mined || !en->surf_len)
        return rc;
    span key = {(const char *)a->terms.data, a->terms.len};
    *np = (new_pair){.ko_terms = put_str(a, key.s, key.n), .ko_terms_len = key.n,
                     .en_terms = put_str(a, word_key(a, en), en->key_len),
                     .en_terms_len = en->key_len, .ko = k, .en = b->id, .support = b->both,
                     .stated = b->stated, .one_way = one_way};
    a->n_added++;
    return a->out_strs.err;
}

/* The partner word w takes: its best stated one, if any, else its best.
 * An English word passes over a stated partner the miner has paired (its
 * Korean words reach that one already): autoregressive is stated as
 * `오토레그레시브`, a loanword pair, and keeps company with `자회귀`. */
static int preferred(pdx_assoc *a, const best *bests, const span *mined_ko, size_t n_mined,
                     uint32_t w, const best **out)
{
    const best *s = &bests[a->n_words + w];
    *out = &bests[w];
    if (s->dice <= 0)
        return PDX_OK;
    bool mined = false;
    int rc = a->words[w].side == SIDE_EN ? is_mined(a, mined_ko, n_mined, s->id, &mined) : 0;
    if (!mined)
        *out = s;
    return rc;
}

/* A pair by company alone is read both ways (pdx_lex_pair.both_ways) when
 * each word is mostly the other's: ASSOC_TWO_WAY_EN_SHARE of the titles
 * with the English word have the Korean one in their summary, and
 * ASSOC_TWO_WAY_KO_SHARE of the summaries with the Korean word have the
 * English one in their title (a summary names many things its title does
 * not). An English query then finds the papers that write the idea in
 * Korean only (a trial: `protein` 6 papers, `단백질` 12; `speech
 * synthesis` 12, `음성 합성` 35). A Korean word with other meanings fails
 * the second share: 분산 (variance, distributed) is in 64 summaries, 3 of
 * them with variance in the title; so does a word that rides along
 * (시리즈 with qwen: 6 of 84). The pair stays one_way, so the words of a
 * head still get none (`음성 인식` is not any speech paper). */
#define ASSOC_TWO_WAY_EN_SHARE 0.6
#define ASSOC_TWO_WAY_KO_SHARE 0.25

static bool mostly_each_other(const pdx_assoc *a, const new_pair *np)
{
    double both = np->support, dk = a->words[np->ko].df, de = a->words[np->en].df;
    return !np->one_way && both >= ASSOC_MIN_SUPPORT && both >= ASSOC_TWO_WAY_EN_SHARE * de &&
           both >= ASSOC_TWO_WAY_KO_SHARE * dk;
}

/* Is the stated pair np used both ways (above, "pairs a parenthesis
 * states")? */
static bool two_way(const new_pair *np)
{
    return !np->one_way && (np->stated >= ASSOC_TWO_WAY_PAPERS ||
                            (np->stated && np->support >= ASSOC_MIN_SUPPORT));
}

static void point_pairs(pdx_assoc *a, const new_pair *np, size_t n)
{
    const char *s = (const char *)a->out_strs.data, *b = (const char *)a->bytes.data;
    for (size_t i = 0; i < n; i++) {
        const aword *ko = &a->words[np[i].ko], *en = &a->words[np[i].en];
        bool one_way = !two_way(&np[i]);
        a->out[a->n_out++] = (pdx_lex_pair){
            .ko_terms = s + np[i].ko_terms, .ko_terms_len = np[i].ko_terms_len,
            .en_terms = s + np[i].en_terms, .en_terms_len = np[i].en_terms_len,
            .ko_surface = b + ko->key_off, .ko_surface_len = ko->key_len,
            .en_surface = b + en->surf_off, .en_surface_len = en->surf_len,
            .support = np[i].support, .one_way = one_way,
            .both_ways = one_way && mostly_each_other(a, &np[i])};
    }
}

/* Gives each English word the surface titles write most often (as often:
 * the bytewise least), whatever the order of the papers. */
static void choose_surfaces(pdx_assoc *a)
{
    for (uint32_t i = 0; i < a->n_words; i++)
        if (a->words[i].side == SIDE_EN)
            a->words[i].surf_len = a->words[i].surf_count = 0;
    for (uint32_t i = 0; i < a->n_words; i++) {
        const aword *sf = &a->words[i];
        if (sf->side != SIDE_SURFACE)
            continue;
        aword *w = &a->words[sf->term];
        const char *mine = word_key(a, sf), *had = (const char *)a->bytes.data + w->surf_off;
        int c = w->surf_len ? memcmp(mine, had, PDX_MIN(sf->key_len, w->surf_len)) : -1;
        bool less = c ? c < 0 : sf->key_len < w->surf_len;
        if (sf->df > w->surf_count || (sf->df == w->surf_count && less)) {
            w->surf_off = sf->key_off;
            w->surf_len = sf->key_len;
            w->surf_count = sf->df;
        }
    }
}

/* The pairs of words that are each other's preferred partner, after the
 * mined ones, into a->out. */
static int make_pairs(pdx_assoc *a, const best *bests, const pdx_lex_pair *mined,
                      size_t n_mined)
{
    span *mined_ko = mined_korean(mined, n_mined);
    new_pair *np = malloc(((size_t)a->n_words + 1) * sizeof *np);
    int rc = mined_ko && np ? PDX_OK : PDX_ENOMEM;
    a->n_added = 0;
    pdx_buf_reset(&a->out_strs);
    choose_surfaces(a);
    for (uint32_t k = 0; !rc && k < a->n_words; k++) {
        const best *b, *back;
        if (a->words[k].side != SIDE_KO ||
            (rc = preferred(a, bests, mined_ko, n_mined, k, &b)) || b->dice <= 0 ||
            (rc = preferred(a, bests, mined_ko, n_mined, b->id, &back)) ||
            (back->id != k && !b->alone))
            continue;
        rc = add_pair(a, mined_ko, n_mined, k, b, back->id != k || !b->shared,
                      &np[a->n_added]);
    }
    free(a->out);
    a->out = rc ? NULL : malloc((n_mined + a->n_added + 1) * sizeof *a->out);
    if (!rc && !a->out)
        rc = PDX_ENOMEM;
    if (!rc) {
        if (n_mined)
            memcpy(a->out, mined, n_mined * sizeof *mined);
        a->n_out = n_mined;
        point_pairs(a, np, a->n_added);
    }
    free(mined_ko);
    free(np);
    return rc;
}

int pdx_assoc_score(pdx_assoc *a)
{
    if (!a)
        return PDX_EINVAL;
    if (a->err)
        return a->err;
    free(a->bests);
    a->bests = calloc(2 * (size_t)a->n_words + 1, sizeof *a->bests);
    int rc = a->bests ? score_all(a, a->bests) : PDX_ENOMEM;
    a->scored = rc ? 0 : a->n_papers + 1;
    return rc;
}

int pdx_assoc_pairs(pdx_assoc *a, const pdx_lex_pair *mined, size_t n_mined,
                    const pdx_lex_pair **out, size_t *n_out)
{
    if (!a || !out || !n_out || (n_mined && !mined))
        return PDX_EINVAL;
    if (a->err)
        return a->err;
    int rc = a->scored == a->n_papers + 1 ? PDX_OK : pdx_assoc_score(a);
    if (!rc)
        rc = make_pairs(a, a->bests, mined, n_mined);
    if (rc)
        return rc;
    *out = a->out;
    *n_out = a->n_out;
    return PDX_OK;
}

uint64_t pdx_assoc_papers(const pdx_assoc *a)
{
    return a ? a->n_papers : 0;
}

size_t pdx_assoc_added(const pdx_assoc *a)
{
    return a ? a->n_added : 0;
}

int pdx_assoc_new(pdx_assoc **out, uint64_t n_live)
{
    if (!out)
        return PDX_EINVAL;
    *out = NULL;
    pdx_assoc *a = calloc(1, sizeof *a);
    if (!a)
        return PDX_ENOMEM;
    a->n_live = n_live;
    a->cache = calloc(1, sizeof *a->cache);
    a->ko = malloc(PDX_LOAN_MAX_WORDS * sizeof *a->ko);
    int rc = a->cache && a->ko ? pdx_tokenizer_new(&a->tk) : PDX_ENOMEM;
    if (rc) {
        pdx_assoc_free(a);
        return rc;
    }
    *out = a;
    return PDX_OK;
}

void pdx_assoc_free(pdx_assoc *a)
{
    if (!a)
        return;
    pdx_tokenizer_free(a->tk);
    free(a->cache);
    free(a->ko);
    pdx_buf_free(&a->bytes);
    free(a->words);
    pdx_slots_free(&a->slots);
    free(a->ko_of.ids);
    free(a->ko_of.start);
    free(a->en_of.ids);
    free(a->en_of.start);
    free(a->scratch);
    pdx_buf_free(&a->terms);
    pdx_buf_free(&a->out_strs);
    free(a->stated.keys);
    free(a->alone.keys);
    free(a->bests);
    free(a->out);
    free(a);
}
