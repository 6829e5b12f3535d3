/*
 * Shared by the fuzz targets, their replay driver and the robustness tests
 * (test_corrupt.c, test_crash.c): the libFuzzer entry points, a generator
 * of synthetic digests written for these tests (our own words, Korean and
 * English; nothing is copied from the shared corpus), and a helper that
 * indexes such a digest through the public API.
 *
 * Header-only (static inline) so each program takes what it uses without
 * another library target.
 */
#ifndef PDX_FUZZ_FIXTURE_H
#define PDX_FUZZ_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paperdex/paperdex.h"

/* libFuzzer entry points; the replay driver (replay.c) calls the same. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- growable string for the generator ---- */

typedef struct fz_str {
    char *p;
    size_t len, cap;
} fz_str;

static inline void fz_cat(fz_str *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#include <stdarg.h>
static inline void fz_cat(fz_str *s, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = s->cap - s->len;
        int n = vsnprintf(s->p ? s->p + s->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0)
            abort();
        if ((size_t)n < room) {
            s->len += (size_t)n;
            return;
        }
        size_t nc = s->cap ? s->cap * 2 : 4096;
        while (nc - s->len <= (size_t)n)
            nc *= 2;
        char *np = realloc(s->p, nc);
        if (!np)
            abort();
        s->p = np;
        s->cap = nc;
    }
}

/* Words the synthetic papers are made of. Every title has "model" or
 * "모델" often enough that some postings lists pass one block
 * (PDX_BLOCK_SIZE documents) and get a skip table. */
static const char *const fz_en[] = {
    "sparse",   "attention", "diffusion", "robot",      "agent",   "benchmark",
    "retrieval", "video",    "speech",    "reasoning",  "graph",   "policy",
    "token",    "memory",    "compression", "alignment", "planning", "vision"};
static const char *const fz_ko[] = {"모델",   "학습",   "추론",   "데이터", "평가",
                                    "강화학습", "언어",   "영상",   "로봇",   "검색",
                                    "효율",   "압축",   "정렬",   "계획",   "시각"};
static const char *const fz_people[] = {"Mina Park",  "Jonas Weber",  "김하늘",
                                        "Lee Dohyun", "Ana Souza",   "박서준",
                                        "Chen Wei",   "Sofia Rossi", "Omar Haddad"};

#define FZ_N(a) (sizeof(a) / sizeof((a)[0]))

/* Appends one digest day ("## Daily Papers (2024-MM-DD)") with n papers
 * numbered from first. Deterministic in its arguments. Paper k gets arXiv
 * id 24MM.(10000 + k), a vote count (or "Vote: -" every 11th), 1-3 authors
 * and a two-bullet Korean/English summary. */
static inline void fz_digest_day(fz_str *s, unsigned month, unsigned day, unsigned first,
                                 unsigned n)
{
    fz_cat(s, "## Daily Papers (2024-%02u-%02u)\n\n", month, day);
    for (unsigned k = first; k < first + n; k++) {
        const char *a = fz_en[k % FZ_N(fz_en)], *b = fz_en[(k * 7 + 3) % FZ_N(fz_en)];
        const char *ka = fz_ko[k % FZ_N(fz_ko)], *kb = fz_ko[(k * 5 + 1) % FZ_N(fz_ko)];
        fz_cat(s, "### [%s %s %s: study number %u](https://arxiv.org/abs/24%02u.%05u)\n\n",
               k % 3 ? "Model" : "Scalable", a, b, k, month, 10000 + k);
        fz_cat(s, "![](https://example.org/thumbs/%u.png)\n\n", k);
        if (k % 11 == 5)
            fz_cat(s, "Vote: -\n\n");
        else
            fz_cat(s, "Vote: %u\n\n", (k * 37) % 300);
        fz_cat(s, "Authors: %s", fz_people[k % FZ_N(fz_people)]);
        for (unsigned i = 1; i <= k % 3; i++)
            fz_cat(s, ", %s", fz_people[(k + i * 4) % FZ_N(fz_people)]);
        fz_cat(s, "\n\n");
        fz_cat(s, "- **What's New**: 이 연구는 %s %s을 위한 새로운 %s 방법을 제안합니다. "
                  "We study %s with %s.\n",
               ka, kb, ka, a, b);
        fz_cat(s, "- **Technical Details**: %s 단계에서 %s-%s 구조를 사용하며, 실험 %u개에서 "
                  "%s 모델이 기존보다 %u%% 좋아졌습니다.\n\n",
               kb, a, b, k % 17, kb, k % 40 + 1);
    }
}

/* A digest of n papers over several days (as many days as needed, at most
 * 30 papers a day). Returns a malloc'd NUL-terminated text. */
static inline char *fz_digest(unsigned n, size_t *len_out)
{
    fz_str s = {0};
    unsigned k = 0, day = 1;
    while (k < n) {
        unsigned m = n - k < 30 ? n - k : 30;
        fz_digest_day(&s, 6 + (day - 1) / 28, 1 + (day - 1) % 28, k, m);
        k += m;
        day++;
    }
    if (!s.p)
        fz_cat(&s, "%s", "");
    if (len_out)
        *len_out = s.len;
    return s.p;
}

/* ---- indexing a buffer through the public API ---- */

static inline int fz_add_paper(const pdx_paper *p, void *payload)
{
    return pdx_writer_add((pdx_writer *)payload, p);
}

/* Indexes one in-memory digest into `path` (replacing it). Returns a
 * pdx_error code; on failure the message goes to stderr. */
static inline int fz_build_index(const char *path, const char *name, const char *text,
                                 size_t len)
{
    pdx_writer *w;
    int rc = pdx_writer_new(&w, path, NULL);
    if (!rc) {
        pdx_parse_cb cb = {fz_add_paper, NULL, w};
        rc = pdx_parse_buffer(name, text, len, &cb, NULL);
    }
    if (!rc)
        rc = pdx_writer_commit(w, NULL);
    if (rc)
        fprintf(stderr, "fz_build_index: %s: %s\n", path,
                w && *pdx_writer_errmsg(w) ? pdx_writer_errmsg(w) : pdx_strerror(rc));
    pdx_writer_free(w);
    return rc;
}

#endif
