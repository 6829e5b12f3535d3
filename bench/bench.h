/*
 * Internal header of paperdex-bench (bench/): statistics, query classes,
 * a tiny JSON reader for the judgment files, and the scaled-corpus
 * generator. One block per .c file. Nothing here is part of the library:
 * the benchmark uses paperdex only through include/paperdex/.
 */
#ifndef PDX_BENCH_H
#define PDX_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "paperdex/tokenizer.h"

/* ---- bench_stats.c: latency summaries, query classes, small JSON ---- */

/* Monotonic clock in seconds. */
double bench_now(void);

/* Summary of a sample of durations (any unit; the caller's). */
typedef struct bench_summary {
    size_t n;       /* samples */
    double p50;     /* nearest-rank percentiles: the smallest sample with at */
    double p95;     /* least p% of the samples at or below it */
    double p99;
    double mean;
    double min, max;
} bench_summary;

/* Sorts samples[0..n) in place and fills *out (all zero when n == 0). */
void bench_summarize(bench_summary *out, double *samples, size_t n);

/* Nearest-rank percentile of sorted[0..n): sorted[ceil(p/100 n) - 1];
 * 0 when n == 0. */
double bench_percentile(const double *sorted, size_t n, double p);

typedef enum bench_script {
    BENCH_SCRIPT_KO = 0,    /* Hangul and no Latin letter */
    BENCH_SCRIPT_EN = 1,    /* Latin letters and no Hangul */
    BENCH_SCRIPT_MIXED = 2, /* both */
    BENCH_SCRIPT_OTHER = 3  /* neither (digits, symbols, other scripts) */
} bench_script;

/* What a query looks like, for the latency breakdown. */
typedef struct bench_qclass {
    bench_script script;
    uint32_t words;  /* whitespace-separated words */
    bool phrase;     /* has a '"', or a word that tokenizes (query mode) into
                        several terms, which paperdex searches as a phrase:
                        "text-to-video", Korean words of 3+ syllables */
} bench_qclass;

/* Classifies q[0..len). tk is used for the phrase test. Returns PDX_OK or
 * the tokenizer's error. */
int bench_classify(bench_qclass *out, pdx_tokenizer *tk, const char *q, size_t len);

/* Writes s[0..n) to f as a JSON string literal (quotes, backslashes and
 * control characters escaped; other bytes copied, so s should be UTF-8). */
void bench_json_str(FILE *f, const char *s, size_t n);

/* Name of a script class: "ko", "en", "mixed", "other". */
const char *bench_script_name(bench_script s);

/* Query terms of each whitespace-separated word of q (tokenized on its own
 * with PDX_TOKENIZE_QUERY), for the peers: calls fn(word_index, term,
 * term_len, payload) for every term. Returns PDX_OK or an error. */
typedef int (*bench_term_fn)(uint32_t word, const char *term, size_t len, void *payload);
int bench_word_terms(pdx_tokenizer *tk, const char *q, size_t len, bench_term_fn fn,
                     void *payload);

/* One line of a known-item judgment file:
 * {"qid": "...", "query": "...", "kind": "...", "relevant": ["id", ...]}.
 * Other keys are skipped. Strings are decoded (escapes, \u with
 * surrogates) into memory owned by the struct. */
typedef struct bench_judgment {
    char *qid, *query, *kind; /* NUL-terminated, owned; "" when absent */
    char **relevant;          /* owned array of owned strings */
    size_t n_relevant;
} bench_judgment;

/* Parses one JSON line. Returns PDX_OK, PDX_EINVAL (not such an object) or
 * PDX_ENOMEM. On error *out is left empty (safe to clear). */
int bench_judgment_parse(bench_judgment *out, const char *line, size_t len);
void bench_judgment_clear(bench_judgment *j);

/* Reciprocal rank and recall of one ranked list against a judgment:
 * ids[0..n) are the returned ids, best first (only the first k count). */
typedef struct bench_rank {
    double rr;       /* 1/rank of the first relevant id within k, else 0 */
    double recall;   /* relevant ids within k / relevant ids (0 if none) */
    uint32_t rank;   /* rank of the first relevant id (1-based), 0 if none */
} bench_rank;
void bench_rank_list(bench_rank *out, const bench_judgment *j, const char *const *ids,
                     const size_t *id_lens, size_t n, size_t k);

/* ---- bench_gen.c: the scaled-corpus generator ----
 *
 * Writes copies 1..scale-1 of a digest corpus; copy 0 is the corpus itself
 * (index it next to the output, so the real papers and ids are kept and
 * the known-item queries still have their answers). Copy k of a paper:
 *  - a new arXiv-shaped id "9CCC.NNNNN" from g = k * D + d, where D is the
 *    number of distinct ids of the corpus and d the rank of the paper's id
 *    among them (so a paper listed on two days stays one paper per copy);
 *  - the same title and authors;
 *  - its summary cut into sentences (bullets, then '.', '!', '?' followed
 *    by a space), shuffled, written one bullet each;
 *  - votes v (when known) become round(v * (0.5 + u)), u uniform in [0,1);
 *  - the date of its digest file moved by a whole number of days drawn
 *    from [-730, 730] per (copy, file).
 * Output: OUT/cKKK/<path of the file under the corpus root>. Every random
 * draw comes from SplitMix64 seeded with (seed, copy, paper or file), so
 * the output depends only on the corpus, the scale and the seed, not on the
 * order of work. Memory: the distinct ids of the corpus, plus one paper. */

#define BENCH_GEN_DEFAULT_SEED 0x5eed2024u

typedef struct bench_gen_opts {
    const char *corpus; /* directory of digests (the real corpus) */
    const char *out;    /* output directory (created) */
    uint32_t scale;     /* total copies including the corpus itself: 1..999 */
    uint64_t seed;
    bool quiet;
} bench_gen_opts;

typedef struct bench_gen_stats {
    uint64_t distinct;  /* distinct ids in the corpus */
    uint64_t papers;    /* papers written (all generated copies) */
    uint64_t files;     /* files written */
    uint64_t bytes;     /* bytes written */
} bench_gen_stats;

/* Generates. Returns PDX_OK, PDX_EINVAL, PDX_ENOMEM or PDX_EIO, with a
 * message in errbuf. */
int bench_gen_run(const bench_gen_opts *opts, bench_gen_stats *stats, char *errbuf,
                  size_t errbuf_size);

/* The pieces, exposed for tests. */
uint64_t bench_splitmix64(uint64_t *state);
/* YYYYMMDD plus days (proleptic Gregorian); 0 stays 0. */
int32_t bench_date_add(int32_t yyyymmdd, int32_t days);
/* Splits a summary into sentences: calls fn for each non-empty sentence,
 * with bullet markers and surrounding blanks removed. */
typedef void (*bench_sentence_fn)(const char *s, size_t n, void *payload);
void bench_split_sentences(const char *text, size_t len, bench_sentence_fn fn, void *payload);
/* Writes the new id of (copy, distinct rank) into out (>= 11 bytes). */
void bench_gen_id(char out[16], uint32_t copy, uint64_t distinct, uint64_t rank);

#endif
