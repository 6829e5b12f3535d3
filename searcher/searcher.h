/*
 * Internal header for searcher/: the searcher handle, the parsed query and
 * what the searcher's files share. One block per .c file. Nothing here is
 * public; the public API is include/paperdex/search.h.
 *
 * Directory rules: searcher/ depends on common/ only, never on indexer/.
 */
#ifndef PDX_SEARCHER_H
#define PDX_SEARCHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "paperdex/search.h"
#include "paperdex/tokenizer.h"
#include "segment.h"

/* ---- searcher.c: the handle ---- */

/* Counters of the pruning paths of search.c, summed over the searches of
 * one searcher since it was made or the counters reset; tests read them
 * to prove that a path is taken (a pruning that silently stops happening
 * would leave results exact, only slower). */
typedef struct pdx_search_stats {
    /* Ranges of documents passed over by block-max pruning without
     * decoding a block of them: in the conjunctive pass with several
     * cursors (eval_required), in the one-word union (eval_single) and
     * in the partial pass. */
    uint64_t blockmax_and, blockmax_single, blockmax_partial;
    /* Full-match candidates of eval_required passed over unscored once
     * aligned: the bound of their cursors (candidate_excluded()) could not
     * enter. */
    uint64_t candidates_and;
    /* Candidates that could not enter a full heap before PDX_EXACT_TOTAL
     * matches were counted, so only their match was decided (no score,
     * no phrase of an alternative when a one-slot clause decides): in
     * eval_required, and in the union of one word's alternatives
     * (eval_union). */
    uint64_t counted_unscored, counted_union;
    /* Candidates MaxScore drew in eval_required that its essential walk
     * passed over on their bounds (essential_sieve()); papers of one word
     * drawn from one list counted without a score (single_sieve()); and
     * candidates of the partial pass passed over on the list bounds of
     * their groups (eval_partial()), no clause read. */
    uint64_t candidates_essential, candidates_single, candidates_partial;
    /* Runs of the partial pass over the papers that one group holds
     * alone (search.c lone_run()): on a plain word's cursors, and on
     * another group's own seeks (lone_walk()). */
    uint64_t lone_plain, lone_walked;
    /* Candidates the essential walk let through that were passed over
     * once some lists it only probes were moved to them (their bound
     * with what those lists hold there could not enter: probe_excluded()). */
    uint64_t candidates_probed;
    /* Full matches passed over while their proximity was computed: even
     * every pair of words not yet read close could not bring them into
     * the heap, from the tfs alone or after some pairs' positions
     * (proximity_bonus()), though the query's largest proximity factor
     * could. */
    uint64_t proximity_skipped;
    /* Candidates of the partial pass drawn from its essential groups alone
     * (MaxScore over groups: eval_partial()); and the splits of that pass
     * whose probed groups were taken by cost, sparing more than MaxScore's
     * prefix by bound (partial_ms_split()). */
    uint64_t maxscore_partial, partial_by_cost;
    /* Clauses that read the cursors of the same equivalent in the group
     * before instead of opening their own (a span's equivalent, copied
     * into each of its groups by expand.c; search.c share_span_clause()). */
    uint64_t shared_clauses;
    /* Segments of a view not evaluated in a pass because a word the pass
     * needs is in none of their papers (search.c segment_possible()). */
    uint64_t segments_skipped;
} pdx_search_stats;

/* A local ordinal that is none: the segment lacks the term. */
#define PDX_NO_ORD UINT32_MAX

/* The record reads the ties of one search make as a one-shot handle reads
 * its hits' (through its cold cache, pdx_doc_get: a pread each, which the
 * hit's display then reuses), before it reads them through the mapping
 * (pdx_doc_scan: a fault brings in 2,048 records, but costs more than a
 * pread when few of them are read). The 20x corpus's copies tie often:
 * `diffusion 모델` read 23 records on as many pages, and its one-shot
 * search took 1.15 -> 1.08 ms so (300 alternating runs, 2 rounds). Past
 * this many, ties are many (a query of filters alone ties every paper)
 * and their records close together. */
#define PDX_TIE_READS 32

/* Figures of the terms a query asked about, over a view of several
 * segments or with deletions (search_view.c): an open-addressing table
 * over vords, at most half full. */
typedef struct pdx_term_cache {
    uint32_t *vord;   /* cap slots; PDX_NO_ORD (UINT32_MAX) when free */
    uint64_t (*df)[PDX_NFIELDS]; /* live papers of each field's list */
    uint32_t *locals; /* cap x n_segs: each segment's ordinal, or PDX_NO_ORD */
    size_t cap, n;    /* slots (a power of two, or 0) and entries */
    uint32_t n_segs;  /* of the index, for locals */
} pdx_term_cache;

struct pdx_searcher {
    pdx_index *ix;     /* not owned */
    pdx_term_cache terms; /* this query's term figures (search_view.c) */
    pdx_tokenizer *tk; /* owned; shared by query parsing and highlighting */
    char errmsg[PDX_MSG_MAX];
    /* highlight/snippet scratch, reused from call to call */
    pdx_span *spans;
    size_t n_spans, cap_spans;
    pdx_span *snip_spans;
    size_t cap_snip_spans;
    pdx_buf snip;      /* snippet text */
    uint32_t *marks;   /* scratch for snippet window selection */
    size_t cap_marks;
    double *boost_tab;   /* vote boost by vote count (search.c), or NULL */
    double boost_weight; /* the vote weight boost_tab was made for */
    bool exhaustive;     /* score every candidate, prune or share nothing (search.c) */
    /* The cursors of the last query's evaluation, kept for the next
     * (search.c eval_curs()): a query opens dozens, a kilobyte each, and
     * allocating them anew for every query and segment cost more than
     * its smaller lists take to walk. At most PDX_CURSOR_KEEP bytes. */
    void *cursors;
    size_t cursors_bytes;
    pdx_search_stats stats; /* what pruning skipped, summed over searches */
};

/* Records a message (printf-style) and returns code. */
int pdx_searcher_error(pdx_searcher *s, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), cold));

/* ---- search_view.c: the index as the searcher sees it ----
 *
 * An index is a view over segments, or a lone segment (common/segment.h).
 * A view's doc ids are its segments' local ids shifted by each segment's
 * base; its term ordinals are virtual (vords). Every statistic comes from
 * the view's live papers, and a term no live paper has is not found. */

/* Live papers: BM25's N. */
uint32_t pdx_search_n_live(const pdx_index *ix);
/* Segments to evaluate, at least 1 (a lone segment is its own). */
uint32_t pdx_search_n_segs(const pdx_index *ix);
/* Segment i < pdx_search_n_segs() and, in *base, the view doc id of its
 * local doc 0. Not owned; lives as long as ix. */
pdx_index *pdx_search_seg(pdx_index *ix, uint32_t i, uint32_t *base);
/* Whether some paper of the view is deleted. */
bool pdx_search_has_deleted(const pdx_index *ix);
/* (Whether a segment's local doc is deleted: pdx_doc_deleted(),
 * segment.h.) */
/* The ordinal in segment seg of the view's term vord: PDX_OK,
 * PDX_ENOTFOUND (that segment lacks it) or PDX_ECORRUPT. */
int pdx_search_term_local(pdx_index *ix, uint32_t vord, uint32_t seg, uint32_t *local);
/* Empties the searcher's term figures (a new query), and frees them. */
void pdx_search_terms_forget(pdx_searcher *s);
void pdx_search_terms_free(pdx_searcher *s);
/* What a query needs of term vord, found once per query (the searcher
 * keeps it): its local ordinal in each segment (*locals[seg], PDX_NO_ORD
 * where absent) and the live papers of its list in each field over the
 * view ((*df)[f], what idf uses). The pointers are valid until the next
 * call on s. Errors (PDX_ENOMEM, PDX_ECORRUPT) carry their message in s. */
int pdx_search_term_stats(pdx_searcher *s, uint32_t vord, const uint32_t **locals,
                          const uint64_t **df);
/* Live papers of term vord over the view, summed over `fields` (a paper
 * with the term in two fields counts twice): pdx_term_df's figure. */
int pdx_search_term_df(pdx_searcher *s, uint32_t vord, unsigned fields, uint64_t *out);
/* How many live papers hold term vord, as its largest field list counts
 * them: never more than the papers that hold it anywhere, and as many when
 * one field's papers include the others' (a summary repeats its title's
 * words), where pdx_search_term_df over all fields counts those twice. */
int pdx_search_term_papers(pdx_searcher *s, uint32_t vord, uint64_t *out);

/* ---- suggest.c, suggest_ko.c: "did you mean" ---- */

/* Papers the query text t[0..n) matches in full into *total (exact up to
 * PDX_EXACT_TOTAL); 0 for a text of no word. */
int pdx_suggest_papers(pdx_searcher *s, const char *t, size_t n, uint64_t *total);
/* The same for t read as written (PDX_PARSE_NO_EXPAND: no equivalent, no
 * split): how many papers hold a closed compound's syllables as a phrase
 * (query.c). Safe while a query is being parsed: it parses and searches
 * its own query. */
int pdx_papers_as_written(pdx_searcher *s, const char *t, size_t n, uint64_t *total);

/* pdx_query_parse_flags() with the internal flags too: PDX_PARSE_QUICK
 * counts no phrase of a closed compound (query.c compound_cuts()), for the
 * many trial parses a suggestion makes (a review: 940 parses for a query
 * of 64 compounds, each counting its phrases again). */
#define PDX_PARSE_QUICK 0x100u
int pdx_query_parse_any(pdx_query **out, pdx_searcher *s, const char *text, size_t len,
                        unsigned flags);
/* Is w[0..n) a Korean word pdx_suggest_korean() looks at: 2 to 10
 * precomposed Hangul syllables? */
bool pdx_suggest_korean_word(const char *w, size_t n);
/* Papers the Korean word w[0..n) matches into *total: as an author's
 * name (author:) when author, else as a query word. */
int pdx_suggest_korean_papers(pdx_searcher *s, const char *w, size_t n, bool author,
                              uint64_t *total);
/* Calls read(text, len, payload, done) with the fields of up to max (64
 * at most) live papers (text[f], len[f] by field) that hold term vord in
 * one of `fields` (a bit per field), each paper once, until read sets
 * *done or returns an error (returned): how papers write a term's words,
 * for the suggestions and for expand.c's joined words (suggest.c). */
typedef int (*pdx_term_papers_fn)(const char *const text[PDX_NFIELDS],
                                  const size_t len[PDX_NFIELDS], void *payload, bool *done);
int pdx_read_term_papers(pdx_searcher *s, uint32_t vord, unsigned fields, unsigned max,
                         pdx_term_papers_fn read, void *payload);
/* The Korean word w[0..n) with one jamo replaced that most papers match
 * (as an author's name when author), or else, a compound no paper writes
 * closed, split in two words that papers match apart: into out (room for
 * 3 * 10 + 1 bytes), *out_len bytes, with *found; or *found false. */
int pdx_suggest_korean(pdx_searcher *s, const char *w, size_t n, bool author, char *out,
                       size_t *out_len, bool *found);
/* The vord of a term some live paper has: PDX_OK, PDX_ENOTFOUND, or an
 * error with its message in s. */
int pdx_search_term_find(pdx_searcher *s, const char *term, size_t len, uint32_t *out);
/* Every term some live paper has that starts with prefix, in term byte
 * order, into *out (malloc'd, *n of them; the caller frees). Errors as
 * pdx_search_term_find's (PDX_ENOMEM without a message). */
int pdx_search_prefix(pdx_searcher *s, const char *prefix, size_t len, uint32_t **out,
                      size_t *n);

/* ---- search.c ---- */

/* Turns every pruning path of pdx_search off (MaxScore, early exits,
 * skipped positions and proximity, partial-pass pruning) so that each
 * candidate is scored, and every clause reads its own cursors (no span
 * equivalent shared across groups): the reference tests/test_exact.c
 * compares pruned searches with. Same hits, scores and totals, only
 * slower. */
void pdx_search_set_exhaustive(pdx_searcher *s, bool on);
/* The pruning counters of s (pdx_search_stats), and their reset. */
const pdx_search_stats *pdx_search_stats_get(const pdx_searcher *s);
void pdx_search_stats_reset(pdx_searcher *s);

/* ---- query.c: parsing ----
 *
 * A query is a list of groups (conjunctive normal form): every non-negated
 * group must match (AND), no negated group may. Each group is an OR of one
 * or more clauses. The parser brings AND, OR, NOT and parentheses into this
 * form by distributing OR over AND, up to PDX_MAX_QUERY_GROUPS groups.
 *
 * A term clause is a sequence of term slots that must occur at consecutive
 * positions in one field (a single slot for a plain word), restricted to a
 * field mask. A slot is one term, or the terms a prefix expanded to (any of
 * them). A filter clause (date, votes, id) has no slots: it matches the
 * papers that pass it. Filters that stand alone, ANDed with the rest, are
 * folded into the query's own filter fields instead (the fast path). */

#define PDX_FIELDS_ALL 7u
/* Weight of the noun that a derived Korean form stands for (see
 * pdx_clause.weight), chosen on the known-item and topical evaluations in
 * bench/: low enough that the form as written ranks first. */
#define PDX_DERIVED_WEIGHT 0.5
/* Weight of an equivalent from the index's Korean<->English lexicon
 * ("강화학습" -> reinforcement learning, RL), chosen on the topical and
 * cross-language evaluations in bench/ (README "Ranking"). A span of
 * several query words splits it among their groups. */
#define PDX_LEXICON_WEIGHT 0.3
/* Weight, in each of the two groups, of the word two words typed apart
 * are written as ("deep seek": deepseek; expand.c join_words()): so a
 * paper writing the name scores its term once in each group, as a paper
 * writing the two words scores each of theirs (measured, session 24: at
 * 0.5 StoryDiffusion ranked 3rd for `story diffusion`, at 1 first). */
#define PDX_JOINED_WEIGHT 1.0
/* At most this many lexicon equivalents for one word or span of words,
 * the most supported first (one hop, then the same language through the
 * other: LLM -> 대형 언어 모델 -> large language model). */
#define PDX_LEXICON_MAX_ALTS 4
/* A query span looked up in the lexicon has at most this many words: as
 * many as a mined English side (reinforcement learning from human
 * feedback: RLHF; a Korean side has at most 5). */
#define PDX_LEXICON_MAX_SPAN 6
/* At most this many lexicon equivalents in one query: as many as a query
 * of PDX_MAX_QUERY_WORDS words ANDed can get. Each word of an OR group is
 * expanded too, and OR distributed over AND copies a word into several
 * groups ((a b) OR c: c is in two), each copy expanded on its own; past
 * this, words are left unexpanded. It bounds the equivalents, not their
 * terms: an equivalent's clause is built apart from the parse
 * (pdx_clause_from_terms()), whose PDX_MAX_QUERY_TERMS does not count
 * them; at most PDX_MAX_PHRASE_TERMS each. */
#define PDX_LEXICON_MAX_QUERY_ALTS (PDX_MAX_QUERY_WORDS * PDX_LEXICON_MAX_ALTS)
/* A word or span in more than this share of the papers is not expanded,
 * and no equivalent that common is added: the idea is everywhere already,
 * so its other names change little, and they would cost a union over much
 * of the index with a phrase check per paper (LLM -> 대형 언어 모델). */
#define PDX_LEXICON_MAX_DF_SHARE 0.2
/* The same in papers: past this many, the query has far more matches than
 * anyone reads, and the union would grow with the collection (at 20x the
 * corpus a 20% share is 17,000 papers, each checked for a Korean phrase). */
#define PDX_LEXICON_MAX_DF 1000

/* Groups a query may have after OR was distributed over AND: (a b) OR
 * (c d) makes four. A query past it is refused with a message. */
#define PDX_MAX_QUERY_GROUPS 64

typedef struct pdx_slot {
    uint32_t *ords;   /* term ordinals present in the index (may be none) */
    uint32_t n_ords;
    char *text;       /* the normalized query term, for messages/highlight */
    size_t text_len;
    bool prefix;      /* text is a prefix: highlight terms starting with it */
    /* A bigram inside a Korean (CJK) compound or phrase: ords also hold the
     * bridge form of text, the two characters with a space between them, as
     * the tokenizer indexes a bigram that spans one space. So "강화학습"
     * finds "강화 학습"; a lone two-character word never has this set. */
    bool bridge;
    /* A prefix's terms that do not start with text, each NUL-terminated,
     * also_len bytes in all (NULL when none): the stems of the words it
     * starts (optimiz*: optim) and a compound bigram's bridge form, so
     * that they are highlighted too. Owned. */
    char *also;
    size_t also_len;
} pdx_slot;

typedef enum pdx_clause_kind {
    PDX_CLAUSE_TERMS = 0, /* a word or phrase: slots */
    PDX_CLAUSE_DATE = 1,  /* date in [lo, hi] (YYYYMMDD) */
    PDX_CLAUSE_VOTES = 2, /* known votes in [lo, hi] */
    PDX_CLAUSE_ID = 3     /* the paper id_doc */
} pdx_clause_kind;

typedef struct pdx_clause {
    pdx_slot *slots;
    uint32_t n_slots;
    uint8_t fields;   /* PDX_FIELDS_ALL or one bit per field */
    uint8_t kind;     /* pdx_clause_kind; filters have no slots */
    bool missing;     /* some slot has no term in the index: cannot match */
    /* An optional clause only adds to the score of its group when it
     * matches; it never decides whether the group matches. The parser adds
     * one for a word that lost a particle, holding the word as written, so
     * "소개는" matches every 소개 but ranks "소개는" first. */
    bool optional;
    /* author:"Lin Xu": the phrase must be one whole author name, all of
     * its words and no more, compared before stemming (key), so
     * "Lin Xu" is not "Linning Xu" although both stem to "lin xu". */
    bool whole_author;
    /* owned, NUL-terminated (key_len bytes before it): for a whole_author
     * clause pdx_author_key() of the name; for an ID filter the id
     * (version suffix dropped); else NULL */
    char *key;
    size_t key_len;
    int64_t lo, hi;   /* DATE or VOTES filter: inclusive range */
    uint32_t id_doc;  /* ID filter: the paper, PDX_NO_DOC if not indexed */
    /* Scales the clause's BM25 (1 for the words as written). An alternative
     * spelling the parser adds for a word, such as the noun of a derived
     * Korean form ("효율화" -> 효율), weighs less, so papers with the word
     * as written rank first. */
    double weight;
    /* Another form of the group's first clause (the noun of a derived
     * form): it may match instead of it, but the group still stands for
     * one query word (for proximity). */
    bool alternative;
    /* A phrase of chained CJK bigrams (a Korean word of three or more
     * syllables, "벤치마크" = 벤치 치마 마크) whose whole word the index
     * has as a term (PDX_TOKEN_WHOLE): whole_ord is that term. Where a
     * paper has it in a field, the phrase occurs there, so the search
     * knows it without reading positions; elsewhere (a longer compound, a
     * spaced spelling) the positions decide, as before. */
    bool has_whole;
    uint32_t whole_ord;
    /* An acronym plural folded to its singular ("LLMs" -> llm): the
     * alternative of the plural as written, which is the group's first
     * clause. The lexicon knows the word by this form (expand.c). */
    bool folded;
    /* The other spelling of an English compound typed ("pre-training" for
     * "pretraining"): the lexicon may know the word by this form only
     * (expand.c looks it up when the form typed has no pair). */
    bool spelling;
    /* The phrase of a compound typed closed that the parser reads as its
     * words (query.c compound_part()): an alternative of each part, no
     * lexicon span between them (expand.c in_span()). */
    bool compound_phrase;
} pdx_clause;

typedef struct pdx_group {
    pdx_clause *clauses;
    uint32_t n_clauses;
    bool negated;
    /* every clause is a filter: the group is a test on a paper's record
     * (passes when some filter passes), checked like the query's filters */
    bool filters_only;
    /* the group is one English function word typed alone ("in", "for"),
     * left out of the query once the lexicon has read its spans
     * (drop_function_words()) */
    bool function_word;
    /* ... a general word (기법, methods: query.c general_word()), named so
     * in the note that it was left out */
    bool general_word;
    /* a general word typed first, a word unless an English preposition
     * asking what a work is about follows it ("papers about RAG": query.c
     * lead_general_words()) */
    bool lead_general;
    /* Where the group's word was typed, when it is a plain word of its own
     * (not quoted, not an OR's, not excluded): bytes [typed_at, typed_at +
     * typed_len) of the text parsed; typed_len is 0 otherwise. Two such
     * words typed side by side may be a name papers write as one word
     * ("deep seek": DeepSeek; expand.c join_words()). */
    uint32_t typed_at, typed_len;
    /* Part k of a closed compound read as its words (query.c
     * compound_part()) has split_part k + 1 and the compound's bytes
     * [split_at, split_at + split_len) of the text; split_part 0 otherwise.
     * The same compound typed again is searched once (finish()). */
    uint8_t split_part;
    uint32_t split_at, split_len;
    /* What pdx_query_word() names the group by: bytes [label_at, label_at
     * + label_len) of the query's text (pdx_query.text), the word or
     * phrase that made it; or, for a group OR over parentheses made of
     * several, "a OR b" appended there once parsed (name_groups()). */
    uint32_t label_at, label_len;
    bool label_named; /* while parsing: label_at is in the parse's names */
} pdx_group;

struct pdx_query {
    pdx_group *groups;
    uint32_t n_groups;
    /* filters ANDed with the whole query; a range is inclusive */
    int32_t date_lo, date_hi; /* 0 .. INT32_MAX when absent */
    int64_t votes_lo, votes_hi;
    bool has_votes_filter;    /* excludes papers with unknown votes */
    char *id;                 /* id: filter, or NULL */
    size_t id_len;
    char notice[256];         /* e.g. prefix expansions that hit their bound */
    char too_common[128];     /* words too common to expand (expand.c), as typed */
    char as_typed[128];       /* words with no other form (expand.c), as typed */
    /* the text parsed (NFKC), then the names of groups not typed as one
     * piece, each after a NUL: what pdx_group.label_at points into */
    char *text;
    size_t text_len;
    pdx_expansion *exps;      /* what words expanded to (owned strings) */
    size_t n_exps;
    /* the index of the searcher that parsed it: its term ordinals are that
     * index's (pdx_search refuses the query on another) */
    const pdx_index *ix;
};

/* True if an index term should be highlighted for q: it is one of q's
 * positive (non-negated) terms, or starts with one of its prefixes. */
bool pdx_query_highlights(const pdx_query *q, const char *term, size_t len);
/* Does the slot stand for the index term (its text, a term starting with
 * it for a prefix, or its bridge form)? */
bool pdx_slot_accepts(const pdx_slot *sl, const char *term, size_t len);

/* The same, counting only clauses allowed in one of `fields` (a bit per
 * field), so title:video does not light up "video" in a summary. */
bool pdx_query_highlights_in(const pdx_query *q, unsigned fields, const char *term, size_t len);

/* Clause building for expand.c. pdx_clause_from_terms builds a term
 * clause from a sequence of index terms joined by ' ' (the lexicon's form),
 * restricted to fields; the bigrams of a Korean compound also look up their
 * bridge form, as a compound typed in a query does. pdx_clause_dup deep-
 * copies; pdx_group_add_clause moves cl into g (freed on failure). */
int pdx_clause_from_terms(pdx_searcher *s, const char *terms, size_t len, uint8_t fields,
                          pdx_clause *out);
int pdx_clause_dup(pdx_clause *dst, const pdx_clause *src);
/* The other spelling of an English compound an equivalent is written as
 * (surface, one word: "multimodal" -> multi-modal, "pre-training" ->
 * pretraining), as a clause restricted to fields, weighing what the
 * parser's spelling alternative of `as_written` (the equivalent's own
 * clause) weighs relative to it, and the spelling itself in spelling;
 * out->missing when it has none, the index lacks it, or it is a fragment
 * (add_other_spelling()). */
#define PDX_SPELLING_MAX 64 /* bytes of a spelling (and its room), at most */
int pdx_clause_spelling_of(pdx_searcher *s, const char *surface, size_t n, uint8_t fields,
                           const pdx_clause *as_written, pdx_clause *out,
                           char spelling[PDX_SPELLING_MAX], size_t *spelling_len);
/* Copies word w[0..n) to out (room for PDX_SPELLING_MAX bytes) with the
 * hyphens editors and phones make (U+2010, U+2011, the en dash U+2013)
 * written as '-': "pre–training" is pre-training. Returns the bytes
 * written, 0 when it does not fit. */
size_t pdx_ascii_hyphens(const char *w, size_t n, char *out);
/* Is w[0, n) one of words[0..n_words) or, when particle, one of them with
 * a particle the query drops (기법을, 방법으로)? */
bool pdx_word_in(const char *const *words, size_t n_words, const char *w, size_t n,
                 bool particle);
/* The other words of Korean word w[0..n)'s synonym group (synonyms.c),
 * w maybe with a particle the query mode drops after it, as
 * NUL-terminated static strings into out; returns how many, 0 when w is
 * in none. Asked of every Korean word a query types: a scan of a few
 * dozen short strings, no tokenizer pass. */
#define PDX_SYNONYMS_MAX 3
size_t pdx_korean_synonyms(const char *w, size_t n, const char *out[PDX_SYNONYMS_MAX]);
/* The other names of English acronym w[0..n)'s model family (synonyms.c:
 * VLM, LVLM, MLLM, LMM), w in any case or plural, into out; returns how
 * many, 0 when w names none. */
size_t pdx_model_family(const char *w, size_t n, const char *out[PDX_SYNONYMS_MAX]);
/* The words of w[0..n) in the other language by the glossary of everyday
 * research words (glossary.c): an English word (ASCII letters only, not
 * all capitals, maybe inflected: models, evaluating) gives Korean nouns, a
 * Korean word (maybe with a particle the query mode drops) English words,
 * as NUL-terminated static strings into out; returns how many, 0 when w is
 * in no entry. A scan of a few hundred short strings, no tokenizer pass. */
#define PDX_GLOSSARY_MAX 3
size_t pdx_glossary(const char *w, size_t n, const char *out[PDX_GLOSSARY_MAX]);
/* The clause of one word w[0..n) as a query word (stemmed, folded; a
 * phrase when it gives several terms), restricted to fields; out->missing
 * when it gives none or more than max_terms, or the index lacks one. */
int pdx_clause_of_word(pdx_searcher *s, const char *w, size_t n, uint8_t fields,
                       size_t max_terms, pdx_clause *out);
void pdx_clause_free(pdx_clause *cl);
int pdx_group_add_clause(pdx_group *g, pdx_clause *cl);
/* Records what a word expanded to, for pdx_query_expansion(). */
int pdx_query_note_expansion(pdx_query *q, const char *from, size_t from_len, const char *to,
                             size_t to_len, const char *source, uint32_t support, double weight);

/* ---- expand.c: equivalents from the index's lexicon ----
 *
 * Adds to every positive one-word group, and to each span of up to
 * PDX_LEXICON_MAX_SPAN such consecutive groups (longest first), the
 * lexicon's equivalents of its words as alternative clauses weighing
 * PDX_LEXICON_WEIGHT; and to a positive OR group those of each of its
 * words, looked up alone. Before that, two plain words typed side by side
 * in text[0..len) (the text parsed, pdx_group.typed_at) get the word
 * papers write them as, joined, when the index holds it ("deep seek":
 * deepseek), as an alternative of both. Returns PDX_OK, PDX_ENOMEM or the
 * index's error
 * for a damaged lexicon. */
int pdx_query_expand(pdx_searcher *s, pdx_query *q, const char *text, size_t len);
/* Is term clause c past the expansion bounds (PDX_LEXICON_MAX_DF_SHARE of
 * the papers, or PDX_LEXICON_MAX_DF), counted in its rarest slot? Then no
 * equivalent is added for it, nor is it added as one. */
bool pdx_clause_too_common(pdx_searcher *s, const pdx_clause *c);
/* Do term clauses a and b stand for the same terms: the same slots, each
 * holding the same ordinals (fields, weights and flags aside)? */
bool pdx_clause_same_terms(const pdx_clause *a, const pdx_clause *b);

/* Does filter clause cl pass paper doc with record d? */
bool pdx_clause_filter_passes(const pdx_clause *cl, uint32_t doc, const pdx_doc *d);

/* The key a whole-author match compares: the words of name as the
 * tokenizer splits them, each normalized (NFKC, case folded, marks and
 * default-ignorable characters removed) but not stemmed, joined by a
 * separator. Into out (reset first). Returns PDX_OK or PDX_ENOMEM. */
int pdx_author_key(pdx_searcher *s, const char *name, size_t len, pdx_buf *out);

/* Is one of the authors of doc ('\n'-separated in its stored record) the
 * whole name of whole-author clause cl? Returns 1, 0, or a negative error
 * (PDX_ECORRUPT, PDX_ENOMEM) with the message in s. */
int pdx_clause_author_matches(pdx_searcher *s, const pdx_clause *cl, uint32_t doc);

/* ---- snippet.c ---- */

/* pdx_snippet_make, which is this with skip true; skip false tokenizes the
 * whole summary instead of only the chunks that may hold a match, and
 * counts its code points one character at a time to its end instead of
 * sixteen bytes at a time up to the window's reach (the tests compare the
 * two). */
int pdx_snippet_make_scan(pdx_searcher *s, const pdx_query *q, const char *text, size_t len,
                          size_t width, bool skip, pdx_snippet *out);

#endif
