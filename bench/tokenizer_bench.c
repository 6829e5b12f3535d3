/*
 * tokenizer_bench: measures pdx_tokenize() throughput on a directory of
 * Markdown files (default: ../shared/corpus/paper_logs).
 *
 * Built with the benchmarks (PAPERDEX_BENCH) as build/tokenizer_bench, so
 * the -Werror builds cover it. By hand, after `make build`, from the
 * repository root:
 *
 *   cc -O2 -std=c11 -D_DEFAULT_SOURCE -Iinclude bench/tokenizer_bench.c \
 *      build/libpaperdex.a -lutf8proc -lstemmer -lxxhash -lm -o /tmp/tokenizer_bench
 *   /tmp/tokenizer_bench [dir] [rounds] [query]
 *
 * All files are read into memory first; then every round tokenizes each file
 * once on one thread, in indexing mode (or with PDX_TOKENIZE_QUERY when the
 * third argument is "query"). It prints the best round's MB/s (input
 * bytes, 1 MB = 10^6 bytes) and the token counts, so runs can be compared.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "paperdex/tokenizer.h"

typedef struct file_text {
    char *data;  /* owned file contents */
    size_t len;  /* bytes */
} file_text;

typedef struct corpus {
    file_text *files; /* owned array */
    size_t count;     /* files in use */
    size_t cap;       /* files allocated */
    size_t bytes;     /* total input bytes */
} corpus;

typedef struct counts {
    uint64_t tokens;      /* all tokens */
    uint64_t by_kind[4];  /* indexed by pdx_token_kind */
    uint64_t term_bytes;  /* sum of term lengths (keeps the work observable) */
} counts;

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static void load_file(corpus *c, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc(n > 0 ? (size_t)n : 1);
    if (!data || (n > 0 && fread(data, 1, (size_t)n, f) != (size_t)n)) {
        free(data);
        fclose(f);
        return;
    }
    fclose(f);
    if (c->count == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->files = realloc(c->files, c->cap * sizeof *c->files);
        if (!c->files) {
            perror("realloc");
            exit(1);
        }
    }
    c->files[c->count].data = data;
    c->files[c->count].len = (size_t)n;
    c->count++;
    c->bytes += (size_t)n;
}

static void load_dir(corpus *c, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        char *path = malloc(n);
        if (!path)
            exit(1);
        snprintf(path, n, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) == 0) {
            if (S_ISDIR(st.st_mode))
                load_dir(c, path);
            else if (ends_with(path, ".md"))
                load_file(c, path);
        }
        free(path);
    }
    closedir(d);
}

static int count_token(const pdx_token *t, void *payload)
{
    counts *k = payload;
    k->tokens++;
    k->by_kind[t->kind & 3]++;
    k->term_bytes += t->term_len;
    return 0;
}

static double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "../shared/corpus/paper_logs";
    int rounds = argc > 2 ? atoi(argv[2]) : 5;
    if (rounds < 1)
        rounds = 1;
    int flags = argc > 3 && strcmp(argv[3], "query") == 0 ? PDX_TOKENIZE_QUERY : 0;
    corpus c = {0};
    load_dir(&c, dir);
    if (c.count == 0) {
        fprintf(stderr, "no .md files under %s\n", dir);
        return 1;
    }
    pdx_tokenizer *tk;
    if (pdx_tokenizer_new(&tk) != 0) {
        fprintf(stderr, "pdx_tokenizer_new failed\n");
        return 1;
    }
    double best = 1e30;
    counts k = {0};
    for (int r = 0; r < rounds; r++) {
        memset(&k, 0, sizeof k);
        double t0 = now_sec();
        for (size_t i = 0; i < c.count; i++) {
            int rc = pdx_tokenize(tk, flags, c.files[i].data, c.files[i].len, 0, NULL,
                                  count_token, &k);
            if (rc != 0) {
                fprintf(stderr, "pdx_tokenize failed: %d\n", rc);
                return 1;
            }
        }
        double dt = now_sec() - t0;
        if (dt < best)
            best = dt;
    }
    printf("%zu files, %.2f MB, %s mode, best of %d rounds: %.3f s, %.1f MB/s\n", c.count,
           (double)c.bytes / 1e6, flags ? "query" : "index", rounds, best,
           (double)c.bytes / 1e6 / best);
    printf("tokens %llu (word %llu, number %llu, cjk %llu, bridge %llu), "
           "term bytes %llu\n",
           (unsigned long long)k.tokens, (unsigned long long)k.by_kind[0],
           (unsigned long long)k.by_kind[1], (unsigned long long)k.by_kind[2],
           (unsigned long long)k.by_kind[3], (unsigned long long)k.term_bytes);
    pdx_tokenizer_free(tk);
    for (size_t i = 0; i < c.count; i++)
        free(c.files[i].data);
    free(c.files);
    return 0;
}
