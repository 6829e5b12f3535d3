/*
 * Spelling suggestions for a Korean word (pdx_query_suggest(), suggest.c).
 *
 * A Korean word is indexed as its bigrams, so its typing error is no edit
 * of a term: one wrong jamo (강화학숩 for 강화학습: ㅜ for ㅡ) makes a
 * bigram no paper holds (학숩). The candidates are the word with one jamo
 * of one syllable replaced (an initial, a medial, or a final, which may
 * be none: the errors a Korean keyboard makes), each kept only when the
 * bigrams it changes are terms of the index. The few whose rarest changed
 * bigram most papers hold are searched as the word, and of those some
 * paper writes at the start of a word (written_as_word()), the one most
 * papers match wins. A word of 2 to SUGGEST_KO_MAX syllables as typed,
 * a particle included; a word of an author: field is searched as an
 * author's name. The caller skips a prefix, a field name and a word the
 * papers hold in some form.
 */
#include "searcher.h"

#define SUGGEST_KO_MIN 2
#define SUGGEST_KO_MAX 10
#define SUGGEST_KO_TRIES 8 /* candidates searched as the word */

/* Hangul syllables: U+AC00 + (initial * 21 + medial) * 28 + final. */
#define HANGUL_FIRST 0xAC00u
#define N_INITIALS 19u
#define N_MEDIALS 21u
#define N_FINALS 28u

/* A candidate: syllable pos replaced by cp, the papers of its rarest
 * changed bigram. */
typedef struct ko_candidate {
    size_t pos;
    uint32_t cp;
    uint64_t papers;
} ko_candidate;

static uint32_t syllable(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    return (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
}

static void put_syllable(char *p, uint32_t cp)
{
    p[0] = (char)(0xE0 | cp >> 12);
    p[1] = (char)(0x80 | (cp >> 6 & 0x3F));
    p[2] = (char)(0x80 | (cp & 0x3F));
}

/* Is w[0..n) a run of 2 to SUGGEST_KO_MAX precomposed Hangul syllables? */
bool pdx_suggest_korean_word(const char *w, size_t n)
{
    if (n % 3 || n / 3 < SUGGEST_KO_MIN || n / 3 > SUGGEST_KO_MAX)
        return false;
    for (size_t i = 0; i < n; i += 3)
        if (!pdx_hangul_at(w + i, n - i))
            return false;
    return true;
}

/* The papers of the rarest bigram of word (k syllables) that holds
 * syllable pos, into *papers: 0 when one is no term of the index. */
/* The term of the bigram at b (two syllables, 6 bytes) into *ord and the
 * papers holding it into *df; PDX_ENOTFOUND when the index lacks it. */
static int bigram_papers(pdx_searcher *s, const char *b, uint32_t *ord, uint64_t *df)
{
    int rc = pdx_search_term_find(s, b, 6, ord);
    return rc ? rc : pdx_search_term_papers(s, *ord, df);
}

static int changed_bigrams(pdx_searcher *s, const char *word, size_t k, size_t pos,
                           uint64_t *papers)
{
    *papers = UINT64_MAX;
    for (size_t b = pos ? pos - 1 : 0; b <= pos && b + 1 < k; b++) {
        uint32_t ord;
        uint64_t df = 0;
        int rc = bigram_papers(s, word + 3 * b, &ord, &df);
        if (rc == PDX_ENOTFOUND) {
            *papers = 0;
            return PDX_OK;
        }
        if (rc)
            return rc;
        *papers = PDX_MIN(*papers, df);
    }
    return PDX_OK;
}

/* Keeps c among the best n (at most SUGGEST_KO_TRIES), most papers first. */
static void keep_candidate(ko_candidate *best, size_t *n, const ko_candidate *c)
{
    size_t at = *n < SUGGEST_KO_TRIES ? (*n)++ : SUGGEST_KO_TRIES;
    for (; at > 0 && best[at - 1].papers < c->papers; at--)
        if (at < SUGGEST_KO_TRIES)
            best[at] = best[at - 1];
    if (at < SUGGEST_KO_TRIES)
        best[at] = *c;
}

/* The candidates of syllable pos of word (k syllables, changed in place
 * and restored) into best[0..*n). */
static int syllable_candidates(pdx_searcher *s, char *word, size_t k, size_t pos,
                               ko_candidate *best, size_t *n)
{
    uint32_t cp = syllable(word + 3 * pos), v = cp - HANGUL_FIRST;
    uint32_t jamo[3] = {v / (N_MEDIALS * N_FINALS), v / N_FINALS % N_MEDIALS, v % N_FINALS};
    const uint32_t count[3] = {N_INITIALS, N_MEDIALS, N_FINALS};
    int rc = PDX_OK;
    for (unsigned slot = 0; slot < 3 && !rc; slot++) {
        uint32_t was = jamo[slot];
        for (uint32_t x = 0; x < count[slot] && !rc; x++) {
            if (x == was)
                continue;
            jamo[slot] = x;
            ko_candidate c = {pos, HANGUL_FIRST + (jamo[0] * N_MEDIALS + jamo[1]) * N_FINALS +
                                       jamo[2], 0};
            put_syllable(word + 3 * pos, c.cp);
            if (!(rc = changed_bigrams(s, word, k, pos, &c.papers)) && c.papers)
                keep_candidate(best, n, &c);
        }
        jamo[slot] = was;
    }
    put_syllable(word + 3 * pos, cp);
    return rc;
}

/* ---- a candidate some paper writes as a word ----
 *
 * A candidate is searched as a phrase of bigrams, which also finds it
 * across a space or inside a longer word: 제미나이 (Gemini) became
 * 제시나이, matched only by 실«제 시나»리오, and 소라 (Sora) 소로, inside
 * 요소로 (a user trial). So a candidate must start a word in some paper,
 * less a trailing particle (강화학숩을 is right as 강화학습 written with
 * any), particles and compounds after it allowed, and a space between
 * its syllables too: papers write 확산 모델 691 times, 확산모델 twice,
 * and 확산모댈 is right as 확산모델. The papers holding its rarest
 * bigram are read, SUGGEST_KO_READ at most (평가, its first, is in 2,287
 * papers, 평가지표 in 3). */
#define SUGGEST_KO_READ 64

typedef struct word_start {
    const char *w; /* the candidate, less a trailing particle */
    size_t n;
    unsigned fields;
    bool found;
} word_start;

/* Does t[i..tn) spell w[0..n), a space allowed between two syllables? */
static bool spelled_at(const char *t, size_t tn, size_t i, const char *w, size_t n)
{
    for (size_t k = 0; k < n; k += 3) {
        if (k && i < tn && t[i] == ' ')
            i++;
        if (i + 3 > tn || memcmp(t + i, w + k, 3))
            return false;
        i += 3;
    }
    return true;
}

/* Does t[0..tn) spell w[0..n) (spelled_at()) where no Hangul syllable is
 * before it? */
static bool starts_word_in(const char *t, size_t tn, const char *w, size_t n)
{
    for (size_t i = 0; i + n <= tn; i++)
        if (t[i] == w[0] && (i < 3 || !pdx_hangul_at(t + i - 3, 3)) && spelled_at(t, tn, i, w, n))
            return true;
    return false;
}

static int read_word_start(const char *const text[PDX_NFIELDS], const size_t len[PDX_NFIELDS],
                           void *payload, bool *done)
{
    word_start *ws = payload;
    for (unsigned f = 0; f < PDX_NFIELDS && !ws->found; f++)
        ws->found = (ws->fields & 1u << f) && starts_word_in(text[f], len[f], ws->w, ws->n);
    *done = ws->found;
    return PDX_OK;
}

/* The bigram of w[0..n) (whole syllables) that fewest papers hold, among
 * those the index has, into *ord; PDX_ENOTFOUND when none. */
static int rarest_bigram(pdx_searcher *s, const char *w, size_t n, uint32_t *ord)
{
    uint64_t fewest = UINT64_MAX;
    int rc = PDX_ENOTFOUND;
    for (size_t i = 0; i + 6 <= n; i += 3) {
        uint32_t o;
        uint64_t df;
        int r = bigram_papers(s, w + i, &o, &df);
        if (r == PDX_ENOTFOUND)
            continue;
        if (r)
            return r;
        if (df < fewest) {
            fewest = df;
            *ord = o;
            rc = PDX_OK;
        }
    }
    return rc;
}

/* Does some paper write the candidate w[0..n) at the start of a word, in
 * the authors when author, else a title or summary (*out)? */
static int written_as_word(pdx_searcher *s, const char *w, size_t n, bool author, bool *out)
{
    word_start ws = {w, n,
                     author ? 1u << PDX_FIELD_AUTHORS
                            : (1u << PDX_FIELD_TITLE) | (1u << PDX_FIELD_SUMMARY),
                     false};
    for (size_t i = 3 * SUGGEST_KO_MIN; i < n; i += 3)
        if (pdx_korean_particle_len(w + i, n - i) == n - i) {
            ws.n = i;
            break;
        }
    *out = false;
    uint32_t ord;
    int rc = rarest_bigram(s, ws.w, ws.n, &ord);
    if (rc)
        return rc == PDX_ENOTFOUND ? PDX_OK : rc;
    rc = pdx_read_term_papers(s, ord, ws.fields, SUGGEST_KO_READ, read_word_start, &ws);
    *out = ws.found;
    return rc;
}

int pdx_suggest_korean_papers(pdx_searcher *s, const char *w, size_t n, bool author,
                              uint64_t *total)
{
    char q[sizeof "author:" - 1 + 3 * SUGGEST_KO_MAX];
    size_t k = author ? sizeof "author:" - 1 : 0;
    if (n > 3 * SUGGEST_KO_MAX) /* not a word pdx_suggest_korean_word() takes */
        return PDX_EINVAL;
    memcpy(q, "author:", k);
    memcpy(q + k, w, n);
    return pdx_suggest_papers(s, q, k + n, total);
}

/* A compound typed closed that no paper writes so may be two words papers
 * write apart: `환각완화` matched nothing, `환각 완화` 16 papers (the closed
 * form is a phrase of its bigrams, which must stand together; apart, the
 * words only need to be in one paper). The split into two words of two
 * syllables or more that most papers match, with a space, into out. */
static int split_compound(pdx_searcher *s, const char *w, size_t n, char *out, size_t *out_len,
                          bool *found)
{
    char two[3 * SUGGEST_KO_MAX + 1];
    uint64_t most = 0;
    int rc = PDX_OK;
    for (size_t at = 3 * SUGGEST_KO_MIN; at + 3 * SUGGEST_KO_MIN <= n && !rc; at += 3) {
        memcpy(two, w, at);
        two[at] = ' ';
        memcpy(two + at + 1, w + at, n - at);
        uint64_t total;
        if (!(rc = pdx_suggest_papers(s, two, n + 1, &total)) && total > most) {
            most = total;
            memcpy(out, two, n + 1);
            *out_len = n + 1;
            *found = true;
        }
    }
    return rc;
}

int pdx_suggest_korean(pdx_searcher *s, const char *w, size_t n, bool author, char *out,
                       size_t *out_len, bool *found)
{
    char word[3 * SUGGEST_KO_MAX];
    *found = false;
    if (!pdx_suggest_korean_word(w, n) || n > sizeof word) /* (the second for the compiler) */
        return PDX_OK;
    memcpy(word, w, n);
    size_t k = n / 3, nb = 0;
    ko_candidate best[SUGGEST_KO_TRIES];
    int rc = PDX_OK;
    for (size_t pos = 0; pos < k && !rc; pos++)
        rc = syllable_candidates(s, word, k, pos, best, &nb);
    uint64_t most = 0;
    for (size_t i = 0; i < nb && !rc; i++) {
        uint64_t total;
        bool written;
        put_syllable(word + 3 * best[i].pos, best[i].cp);
        if (!(rc = written_as_word(s, word, n, author, &written)) && written &&
            !(rc = pdx_suggest_korean_papers(s, word, n, author, &total)) && total > most) {
            most = total;
            memcpy(out, word, n);
            *out_len = n;
            *found = true;
        }
        memcpy(word, w, n);
    }
    if (!rc && !*found && !author)
        rc = split_compound(s, w, n, out, out_len, found);
    return rc;
}
