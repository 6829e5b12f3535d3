/*
 * Searching an index: parse a query, rank the matching papers, make
 * snippets with highlights.
 *
 * Query language (README.md "Query language" has examples):
 *   word word, a AND b   every word must match (AND)
 *   a OR b           either (OR binds tighter than AND)
 *   (a b) OR c       parentheses group; OR is distributed over AND, refused
 *                    past 64 groups of alternatives. An unmatched ')' is
 *                    ignored, an unclosed '(' closes at the end
 *   -word, NOT word, -"a b", -(a OR b)   exclude papers that match; an
 *                    excluded OR alternative excludes from the whole query;
 *                    NOT (a b) is refused. Lowercase and/or/not are words.
 *                    A run of minus signs is one ("--word"); U+2212, the
 *                    full-width minus and the en and em dashes are minus
 *                    signs before a word
 *   "a phrase"       consecutive terms (“a phrase”, „a phrase“, «a phrase»
 *                    too: any double quote mark opens, the next one of any
 *                    kind closes, an open one runs to the end); a word that
 *                    tokenizes into several terms ("text-to-video",
 *                    "강화학습") is a phrase too. A
 *                    hyphen between Korean words is a space ("강화-학습":
 *                    two words); excluded, such a word is the compound
 *                    spelled with, without the space or with the hyphen
 *   title:w author:w summary:w   restrict a word or "phrase" to one field;
 *                    nothing after the colon is an error
 *   author:"Lin Xu"  one whole author name, its words unstemmed
 *   transf*, "video transf*"   prefix (also in a phrase), expanded through
 *                    the dictionary to at most PDX_DEFAULT_MAX_EXPANSIONS
 *                    terms (the most frequent; fewer when the query has
 *                    more prefixes than PDX_MAX_PREFIX_TERMS allows so
 *                    many for); a notice names each prefix
 *                    that hit the bound. A '*' inside a word is refused;
 *                    "transf**" is "transf*"; "**bold**" and "**What's
 *                    New**" are the words (markdown emphasis); a '*'
 *                    before a word ("*former") is ignored, with a notice
 *   date:2024  date:2024-06  date:2024-06-01..2024-08-31  date:2024..
 *   votes:>=50  votes:>50  votes:<10  votes:10..100  votes:7
 *                    (a reversed range is an error)
 *   id:2406.09414, id:2406.09414v2, arXiv:2406.09414,
 *   https://arxiv.org/abs/2406.09414, http://arxiv.org/pdf/2406.09414v3
 *   Filters combine like words (date:2024-06 OR date:2024-07, -date:2024).
 *   Any other "word:" is plain text (Merlin:Empowering).
 *   The text is read in NFKC (no case folding) before its syntax: NFD
 *   Hangul is syllables, full-width letters, digits and punctuation ASCII.
 *
 * Ranking: BM25 per field (k1, b), fields combined with weights, times a
 * vote boost:  score = (1 + W ln(1 + votes)) * sum over query terms t and
 * fields f of  w_f * idf_f(t) * tf (k1 + 1) / (tf + k1 (1 - b + b len/avg_f)),
 * idf_f(t) = ln(1 + (N - df + 0.5) / (df + 0.5)); unknown votes count as 0.
 * Ties: newer date first, then smaller arXiv id.
 */
#ifndef PAPERDEX_SEARCH_H
#define PAPERDEX_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "paperdex/index.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pdx_sort {
    PDX_SORT_SCORE = 0,
    PDX_SORT_VOTES = 1, /* most votes first (unknown last), then score */
    PDX_SORT_DATE = 2   /* newest first, then score */
} pdx_sort;

#define PDX_DEFAULT_K1 1.2
#define PDX_DEFAULT_B 0.75
#define PDX_DEFAULT_W_TITLE 1.5
#define PDX_DEFAULT_W_AUTHORS 1.0
#define PDX_DEFAULT_W_SUMMARY 0.8
#define PDX_DEFAULT_VOTE_WEIGHT 0.05
#define PDX_DEFAULT_MAX_EXPANSIONS 128
/* Terms the prefixes of one query look up together, at most: with more
 * prefixes than this allows at PDX_DEFAULT_MAX_EXPANSIONS each, each gets
 * an equal share (one at least). A union of thousands of terms is slow to
 * walk (26 one-letter prefixes, 3,328 terms: 0.9 s at 1x, a denial of
 * service for a server; 512: 30 ms). */
#define PDX_MAX_PREFIX_TERMS 512

/* Bounds that keep a query's time and memory small whatever its text; a
 * query past one is refused with PDX_EINVAL and a message. */
#define PDX_MAX_QUERY_BYTES 65536  /* query text */
/* Words and phrases as typed, OR alternatives too, each only when it has a
 * term ("|" between words is none); each side of a hyphen between Korean
 * words is a word, as it is read (an excluded -강화-학습 is one). What a word looks up beside
 * itself is not counted: its spelling before a particle, an acronym plural
 * as written, a derived form's noun, the other spelling of an English
 * compound (at most three clauses more a word,
 * their terms counted by PDX_MAX_QUERY_TERMS) and lexicon equivalents
 * (bounded per span by the lexicon). */
#define PDX_MAX_QUERY_WORDS 256
#define PDX_MAX_PHRASE_TERMS 64    /* terms of one word or phrase */
#define PDX_MAX_QUERY_TERMS 4096   /* dictionary terms after prefix expansion */
#define PDX_MAX_QUERY_NESTING 64   /* parentheses and NOTs open at once */

/* Bounds of pdx_search_opts, checked by pdx_search (PDX_EINVAL and a
 * message naming the option otherwise). Every value must be finite; the
 * pruning that keeps searches fast is exact only inside them (a negative
 * weight would make the most voted paper or the largest tf the worst case
 * rather than the best). */
#define PDX_MAX_K1 10.0            /* k1 in [0, this] */
#define PDX_MAX_B 1.0              /* b in [0, this] */
#define PDX_MAX_FIELD_WEIGHT 100.0 /* each in [0, this], not all 0 */
#define PDX_MAX_VOTE_WEIGHT 100.0  /* vote_weight in [0, this] */
#define PDX_MAX_OFFSET_LIMIT 1000000u /* offset + limit */

/* Totals, as Lucene counts them: when ranking by score, matches are
 * counted exactly up to PDX_EXACT_TOTAL; past it the search may pass over
 * papers that cannot reach the page without counting them, and reports
 * total = PDX_EXACT_TOTAL with total_estimated ("at least 1000"), the
 * same whatever the offset and limit. Sorting by votes or date, and
 * queries of filters alone, always count exactly. */
#define PDX_EXACT_TOTAL 1000

typedef struct pdx_search_opts {
    uint32_t limit;          /* hits to return (after offset); 0 means 10 */
    uint32_t offset;         /* hits to skip, for paging */
    pdx_sort sort;           /* one of pdx_sort */
    double k1, b;            /* BM25 parameters: k1 0..PDX_MAX_K1, b 0..PDX_MAX_B */
    double field_weight[3];  /* title, authors, summary: 0..PDX_MAX_FIELD_WEIGHT */
    double vote_weight;      /* W in the vote boost, 0..PDX_MAX_VOTE_WEIGHT; 0 turns it off */
    bool no_partial;         /* do not fill with partial matches */
} pdx_search_opts;

/* Fills opts with the defaults above. */
void pdx_search_opts_default(pdx_search_opts *opts);

typedef struct pdx_searcher pdx_searcher;
typedef struct pdx_query pdx_query;

/* A searcher holds a tokenizer and scratch space for queries on one index
 * (which it does not own; close the index after freeing the searcher).
 * Not thread-safe: one per thread. Returns PDX_OK, PDX_ENOMEM or
 * PDX_EINVAL (out or ix NULL). */
int pdx_searcher_new(pdx_searcher **out, pdx_index *ix);
void pdx_searcher_free(pdx_searcher *s);
/* Message of the last error of a call on s ("" if none). */
const char *pdx_searcher_errmsg(const pdx_searcher *s);

/* Parses a query. Returns PDX_OK, PDX_EINVAL (malformed: empty field
 * value, bad or reversed date or vote filter, '*' inside a word, NOT of
 * several words, too many groups, nothing to search for; message in
 * pdx_searcher_errmsg), PDX_ENOMEM. A query with no terms but filters
 * (e.g. "date:2024-06") is valid and lists the papers that pass. */
int pdx_query_parse(pdx_query **out, pdx_searcher *s, const char *text, size_t len);
void pdx_query_free(pdx_query *q);

/* Flags of pdx_query_parse_flags. */
enum pdx_parse_flags {
    PDX_PARSE_DEFAULT = 0,
    /* Match the words as written only: no equivalents from the index's
     * Korean<->English lexicon, no noun for a derived Korean form. */
    PDX_PARSE_NO_EXPAND = 1
};
/* pdx_query_parse with flags (pdx_parse_flags; another bit is PDX_EINVAL).
 * Also returns PDX_ECORRUPT when the index's lexicon is damaged (message
 * in pdx_searcher_errmsg). Both return PDX_EINVAL for out or s NULL, and
 * text NULL with len > 0. A query belongs to its searcher's index. */
int pdx_query_parse_flags(pdx_query **out, pdx_searcher *s, const char *text, size_t len,
                          unsigned flags);

/* What a word of the query also matches, at a lower weight: an equivalent
 * in the other language from the index's lexicon ("강화학습" -> reinforcement
 * learning, "LLM" -> 대형 언어 모델) or the noun of a derived Korean form
 * ("효율화" -> 효율). Strings are owned by the query, not NUL-terminated. */
typedef struct pdx_expansion {
    const char *from;   /* the query word(s), as the lexicon or query wrote them */
    size_t from_len;
    const char *to;     /* the equivalent, as papers write it */
    size_t to_len;
    /* "lexicon" (a stated pair), "head" (the last words of a longer name
     * stated: docs/LEXICON.md), "company" (a pair no paper states, found
     * because its words keep company: a loanword's, a title-summary one),
     * "lexicon spelling" (an equivalent's other spelling), "composed" (the
     * English phrase two Korean words' one-word equivalents make), "derived"
     * (the noun of a derived Korean form) or "spelling" (an English
     * compound's other spelling, or two words joined); a static string */
    const char *source;
    uint32_t support;   /* lexicon, head: texts that stated the pair (a head:
                           the names); company: papers holding both words;
                           else 0 */
    double weight;      /* the weight its matches score with (words as written: 1) */
} pdx_expansion;
/* Number of expansions of q, and the i-th (PDX_OK, or PDX_EINVAL when i is
 * out of range). */
size_t pdx_query_expansion_count(const pdx_query *q);
int pdx_query_expansion(const pdx_query *q, size_t i, pdx_expansion *out);

/* The words of q (as typed, joined by ", ") that the lexicon has
 * equivalents of but that are in too many papers to be expanded (an
 * equivalent would add hundreds of papers, often of another sense);
 * "" when none, and for NULL. Valid as long as q. */
const char *pdx_query_too_common(const pdx_query *q);
/* The words of q (as typed, joined by ", ") that match only as typed: no
 * equivalent, no other form (an acronym plural's singular and a word's
 * form before its particle aside), and not too common to expand; "" when
 * none, for a query parsed without expansion, and for NULL. Valid as long
 * as q. */
const char *pdx_query_as_typed(const pdx_query *q);

/* Word i of q as the query typed it, in NFKC as the parser reads it
 * (ＶＩＤＥＯ is VIDEO): a word, a quoted phrase without its quotes, a
 * part of a closed compound read as its words, "a OR b"; "a OR c" and
 * "b OR c" for (a b) OR c; named from its terms when the parse made it of
 * text of its own (an excluded compound's joined halves). *len bytes, not
 * NUL-terminated, valid as long as q. NULL (and *len 0) when i is past
 * q's words, for NULL q, and for a filter or a group with one (date:2024
 * OR video): it has no words to name. Word i is the one bit i of
 * pdx_hit.missing stands for. */
const char *pdx_query_word(const pdx_query *q, uint32_t i, size_t *len);

typedef struct pdx_hit {
    uint32_t doc;     /* document id, for pdx_hit_get / pdx_snippet */
    double score;
    bool partial;     /* did not match every required word */
    uint32_t matched; /* required clauses matched (all, unless partial) */
    /* The words of the query a partial match lacks: bit i is word i
     * (pdx_query_word); 0 for a full match. */
    uint64_t missing;
} pdx_hit;

typedef struct pdx_results {
    pdx_hit *hits;     /* owned by the results; n of them */
    size_t n;
    uint64_t total;    /* papers matching the whole query (not partial) */
    /* true when total is a lower bound: ranking by score, more than
     * PDX_EXACT_TOTAL papers matched and total is PDX_EXACT_TOTAL (papers
     * that could not reach the page may have been passed over uncounted).
     * Never counts a paper whose phrases were not checked. */
    bool total_estimated;
    bool partial_used; /* fewer than offset+limit full matches: partial
                          matches follow the full ones */
    uint32_t clauses;  /* required clauses in the query */
    char notice[256];  /* e.g. a prefix expansion that hit its bound; "" */
} pdx_results;

/* Runs q with opts (NULL: the defaults). *out is filled (zeroed first);
 * free with pdx_results_clear. Hits are ranked by score, then newer date,
 * then smaller arXiv id (or by votes or date first, see pdx_sort).
 * Returns PDX_OK (also with no hits), PDX_EINVAL (an option outside the
 * bounds above; s, q or out NULL; q parsed by a searcher of another
 * index, whose term numbers are not this one's), PDX_ECORRUPT, PDX_ENOMEM; the message is in
 * pdx_searcher_errmsg. */
int pdx_search(pdx_searcher *s, const pdx_query *q, const pdx_search_opts *opts,
               pdx_results *out);
void pdx_results_clear(pdx_results *r);

/* "Did you mean": a word of a query that no paper holds is most often
 * misspelt. Into *out (malloc'd, NUL-terminated; the caller frees), the
 * query text with each such Latin word of four letters or more (of its
 * first 64, none it matches in another form; or one that a single paper
 * holds, for a word 50 times as common) replaced by the closest word
 * papers write: a term of the index with the same first letter within one
 * edit (words of four or five letters) or two (longer, and then one three
 * papers hold), edits being inserts, deletes, replacements and swaps of
 * two neighbours, the more papers the better, as its papers spell it
 * (titles and summaries; authors for an author: word), in the typed
 * word's case; and each Korean word of 2 to 10 syllables that matches no
 * paper by the word with one jamo replaced that most papers match. NULL
 * when no word was replaced. Meant for a query no paper matches in full
 * (pdx_results.total 0): it reads the terms of a letter and a few papers
 * for a Latin word, and for a Korean one looks up some 65 jamo variants a
 * syllable and searches up to 9 of them as the word.
 * PDX_OK, PDX_EINVAL, PDX_ENOMEM or PDX_ECORRUPT (message in s). */
int pdx_query_suggest(pdx_searcher *s, const char *text, size_t len, char **out);

/* What a front end does for a query text that no paper matches in full
 * (r->total 0; otherwise nothing): its "did you mean" into *suggestion
 * (pdx_query_suggest(); NULL when none, the caller frees), and with
 * correct, when the suggestion matches papers in full with these flags
 * and opts, searches it instead, as search engines show "results for" a
 * corrected query: *q and *r become its query and results (the text's
 * freed) and *corrected is true. A suggestion that changes Korean
 * syllables (one jamo away is often another word; a compound split into
 * its words changes none) must match 3 papers in full when the text shows
 * papers (partial matches on a first page, whatever the
 * page and no_partial of opts). Only advice: a suggestion or a search of
 * it that fails leaves *q and *r as they were, with *suggestion NULL or
 * *corrected false. PDX_OK, or PDX_EINVAL when s, q, *q, r, suggestion or
 * corrected is NULL. */
int pdx_query_correct(pdx_searcher *s, const char *text, size_t len, unsigned flags,
                      const pdx_search_opts *opts, bool correct, pdx_query **q, pdx_results *r,
                      char **suggestion, bool *corrected);

/* What a hit shows. Pointers into the index mapping: valid until the index
 * is closed. */
typedef struct pdx_hit_info {
    const char *id, *url, *title, *authors, *summary, *file;
    size_t id_len, url_len, title_len, authors_len, summary_len, file_len;
    uint32_t n_authors; /* authors are separated by '\n' */
    int32_t date;       /* YYYYMMDD or 0 */
    int64_t votes;      /* PDX_VOTES_UNKNOWN when unknown */
    uint32_t line;
} pdx_hit_info;
int pdx_hit_get(pdx_searcher *s, uint32_t doc, pdx_hit_info *out);

/* A highlight: bytes [start, end) of the text it was made for. */
typedef struct pdx_span {
    size_t start, end;
} pdx_span;

/* Highlights of the query's positive terms in text[0..len) (ascending,
 * non-overlapping; overlapping matches such as adjacent Hangul bigrams
 * are merged). *spans is owned by the searcher and valid until the next
 * call on s. */
int pdx_highlight(pdx_searcher *s, const pdx_query *q, const char *text, size_t len,
                  const pdx_span **spans, size_t *n_spans);

/* The fields of a paper, numbered as in the index. */
typedef enum pdx_text_field {
    PDX_TEXT_TITLE = 0,
    PDX_TEXT_AUTHORS = 1,
    PDX_TEXT_SUMMARY = 2
} pdx_text_field;

/* pdx_highlight for a text of one field: clauses restricted to another
 * field (title:video for a summary) light nothing up. For
 * PDX_TEXT_AUTHORS pass one author's name: a quoted author:"Lin Xu"
 * highlights it, whole, only if it is that whole name (not "Linning Xu");
 * other author words highlight as usual. Returns PDX_OK, PDX_EINVAL (no
 * such field), PDX_ENOMEM. Spans as for pdx_highlight. */
int pdx_highlight_field(pdx_searcher *s, const pdx_query *q, pdx_text_field field,
                        const char *text, size_t len, const pdx_span **spans, size_t *n_spans);

/* A snippet of a paper's summary: about `width` characters of text around
 * its densest cluster of matches (clauses restricted to the title or the
 * authors are not highlighted), newlines shown as spaces, "…" where it was cut. text and
 * spans (relative to text) are owned by the searcher, valid until the next
 * call on s. */
typedef struct pdx_snippet {
    const char *text;
    size_t len;
    const pdx_span *spans;
    size_t n_spans;
} pdx_snippet;
int pdx_snippet_make(pdx_searcher *s, const pdx_query *q, const char *text, size_t len,
                     size_t width, pdx_snippet *out);

#ifdef __cplusplus
}
#endif
#endif
