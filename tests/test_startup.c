/*
 * What a one-shot paperdex-search pays before and around its query
 * (issue 11 item 5): the program's link (no shared libstemmer, utf8proc or
 * xxhash to load, no load-time relocation of libstemmer's tables) and the
 * tokenizer set-up (the stemmer and its cache made at the first word that
 * needs them, the cache small until it has missed many words).
 *
 * These tests count things (dynamic dependencies, relocations, page
 * faults), never time: speed is measured by bench/ (paperdex-bench
 * process), not here.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <cmocka.h>

#include "fixtures.h"
#include "paperdex/tokenizer.h"

#ifndef PDX_BIN_DIR
#define PDX_BIN_DIR "."
#endif
/* Set by CMakeLists.txt: 1 when the programs link the static libraries
 * and are not position-independent (the default build). */
#ifndef PDX_EXPECT_LEAN_SEARCH
#define PDX_EXPECT_LEAN_SEARCH 0
#endif

/* ASan's allocator and shadow memory fault pages of their own. */
#if defined(__SANITIZE_ADDRESS__)
#define PDX_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PDX_ASAN 1
#endif
#endif

/* ---- the tokenizer's set-up ---- */

static long minor_faults(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_minflt;
}

/* A lowercase word made from n ("ba" + base-26 digits + "ings"): distinct
 * for distinct n, Latin only, so that each goes to the stemmer. */
static void word_of(unsigned n, char *out)
{
    size_t k = 0;
    out[k++] = 'b'; /* a vowel, so that the stemmer takes the ending off */
    out[k++] = 'a';
    do {
        out[k++] = (char)('a' + n % 26);
        n /= 26;
    } while (n);
    memcpy(out + k, "ings", 5);
}

/* Text of words first..first+count-1, space-separated (malloc'd). */
static char *words_text(unsigned first, unsigned count, size_t *len)
{
    char *t = malloc((size_t)count * 16 + 1); /* words are under 15 bytes */
    assert_non_null(t);
    size_t n = 0;
    for (unsigned i = 0; i < count; i++) {
        word_of(first + i, t + n);
        n += strlen(t + n);
        t[n++] = ' ';
    }
    t[n] = 0;
    *len = n;
    return t;
}

typedef struct terms {
    char *buf;   /* the terms, each followed by '\n' (malloc'd) */
    size_t len;  /* bytes used */
    size_t cap;  /* bytes allocated */
} terms;

static int collect_term(const pdx_token *t, void *payload)
{
    terms *ts = payload;
    if (ts->len + t->term_len + 1 > ts->cap) {
        ts->cap = (ts->cap + t->term_len + 1) * 2;
        ts->buf = realloc(ts->buf, ts->cap);
        assert_non_null(ts->buf);
    }
    memcpy(ts->buf + ts->len, t->term, t->term_len);
    ts->len += t->term_len;
    ts->buf[ts->len++] = '\n';
    return 0;
}

/* Runs first: a fresh process, whose heap holds no pages an earlier test
 * already faulted in. A search stems a few hundred distinct words (query
 * and snippets); a stem cache the size of the indexer's (8,192 slots,
 * spread by hash over about 100 pages) would fault a page for nearly
 * every one of them. */
static void startup_tokenizer_touches_few_pages(void **state)
{
    (void)state;
#ifdef PDX_ASAN
    skip();
#endif
    size_t len;
    char *text = words_text(0, 400, &len);
    terms ts = {0};
    long before = minor_faults();
    pdx_tokenizer *tk;
    assert_int_equal(pdx_tokenizer_new(&tk), 0);
    assert_int_equal(pdx_tokenize(tk, PDX_TOKENIZE_DEFAULT, text, len, 0, NULL, collect_term,
                                  &ts),
                     0);
    pdx_tokenizer_free(tk);
    long faults = minor_faults() - before;
    print_message("400 distinct words: %ld page faults\n", faults);
    assert_true(faults < 40);
    free(ts.buf);
    free(text);
}

/* The terms of text from one tokenizer that has seen `warm` first (so its
 * cache has grown or is full), and from a fresh tokenizer per word. */
static void startup_stems_same_across_cache_growth(void **state)
{
    (void)state;
    size_t len, wlen;
    /* more misses than the cache takes to reach its full size */
    char *warm = words_text(0, 60000, &wlen);
    char *text = words_text(59000, 3000, &len);
    pdx_tokenizer *tk;
    assert_int_equal(pdx_tokenizer_new(&tk), 0);
    terms seen = {0}, grown = {0}, fresh = {0};
    assert_int_equal(pdx_tokenize(tk, 0, warm, wlen, 0, NULL, collect_term, &seen), 0);
    assert_int_equal(pdx_tokenize(tk, 0, text, len, 0, NULL, collect_term, &grown), 0);
    /* and once more: now from the cache */
    terms again = {0};
    assert_int_equal(pdx_tokenize(tk, 0, text, len, 0, NULL, collect_term, &again), 0);
    pdx_tokenizer_free(tk);
    for (const char *w = text; *w;) {
        const char *sp = strchr(w, ' ');
        pdx_tokenizer *one;
        assert_int_equal(pdx_tokenizer_new(&one), 0);
        assert_int_equal(pdx_tokenize(one, 0, w, (size_t)(sp - w), 0, NULL, collect_term, &fresh),
                         0);
        pdx_tokenizer_free(one);
        w = sp + 1;
    }
    assert_int_equal(grown.len, fresh.len);
    assert_memory_equal(grown.buf, fresh.buf, fresh.len);
    assert_int_equal(again.len, fresh.len);
    assert_memory_equal(again.buf, fresh.buf, fresh.len);
    /* the words were stemmed: none keeps its "ing" */
    fresh.buf[fresh.len - 1] = 0;
    assert_null(strstr(fresh.buf, "ing\n"));
    free(seen.buf);
    free(grown.buf);
    free(again.buf);
    free(fresh.buf);
    free(warm);
    free(text);
}

/* A Korean-only text needs no stemmer: tokenizing it works, and so does
 * English afterwards (the stemmer is made then). */
static void startup_stemmer_made_when_needed(void **state)
{
    (void)state;
    pdx_tokenizer *tk;
    assert_int_equal(pdx_tokenizer_new(&tk), 0);
    terms ts = {0};
    const char *ko = "\xeb\xaa\xa8\xeb\x8d\xb8"; /* 모델 */
    assert_int_equal(pdx_tokenize(tk, 0, ko, strlen(ko), 0, NULL, collect_term, &ts), 0);
    assert_int_equal(pdx_tokenize(tk, 0, "models", 6, 0, NULL, collect_term, &ts), 0);
    assert_int_equal(ts.len, strlen("\xeb\xaa\xa8\xeb\x8d\xb8\nmodel\n"));
    assert_memory_equal(ts.buf, "\xeb\xaa\xa8\xeb\x8d\xb8\nmodel\n", ts.len);
    pdx_tokenizer_free(tk);
    pdx_tokenizer_free(NULL);
    free(ts.buf);
}

/* ---- the program's link ---- */

typedef struct elf_facts {
    bool pie;           /* ET_DYN: position-independent */
    bool needs[3];      /* DT_NEEDED libstemmer, libutf8proc, libxxhash */
    uint64_t relative;  /* R_X86_64_RELATIVE-style relocations (DT_RELACOUNT) */
    uint64_t relocs;    /* all dynamic relocations (DT_RELASZ / DT_RELAENT) */
} elf_facts;

/* Reads the facts of a 64-bit little-endian ELF file; fails the test on a
 * file it cannot read. Offsets are checked against the file size. */
static void read_elf(const char *path, elf_facts *out)
{
    memset(out, 0, sizeof *out);
    size_t n;
    unsigned char *f = (unsigned char *)fx_read(path, &n);
    assert_non_null(f);
    assert_true(n >= sizeof(Elf64_Ehdr) && !memcmp(f, ELFMAG, SELFMAG) &&
                f[EI_CLASS] == ELFCLASS64);
    Elf64_Ehdr eh;
    memcpy(&eh, f, sizeof eh);
    out->pie = eh.e_type == ET_DYN;
    assert_true(eh.e_shoff + (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr) <= n);
    for (unsigned i = 0; i < eh.e_shnum; i++) {
        Elf64_Shdr sh;
        memcpy(&sh, f + eh.e_shoff + i * sizeof sh, sizeof sh);
        if (sh.sh_type != SHT_DYNAMIC)
            continue;
        Elf64_Shdr strs;
        assert_true(sh.sh_link < eh.e_shnum && sh.sh_offset + sh.sh_size <= n);
        memcpy(&strs, f + eh.e_shoff + sh.sh_link * sizeof strs, sizeof strs);
        uint64_t relasz = 0, relaent = 0;
        for (uint64_t o = 0; o + sizeof(Elf64_Dyn) <= sh.sh_size; o += sizeof(Elf64_Dyn)) {
            Elf64_Dyn d;
            memcpy(&d, f + sh.sh_offset + o, sizeof d);
            if (d.d_tag == DT_NEEDED && strs.sh_offset + d.d_un.d_val < n) {
                const char *name = (const char *)f + strs.sh_offset + d.d_un.d_val;
                out->needs[0] |= !strncmp(name, "libstemmer", 10);
                out->needs[1] |= !strncmp(name, "libutf8proc", 11);
                out->needs[2] |= !strncmp(name, "libxxhash", 9);
            } else if (d.d_tag == DT_RELACOUNT) {
                out->relative = d.d_un.d_val;
            } else if (d.d_tag == DT_RELASZ) {
                relasz = d.d_un.d_val;
            } else if (d.d_tag == DT_RELAENT) {
                relaent = d.d_un.d_val;
            }
        }
        out->relocs = relaent ? relasz / relaent : 0;
    }
    free(f);
}

/* The loader's work at each start: no small library to map, and not the
 * ~11,000 relocations of libstemmer's tables (a position-independent
 * program carries them even when it links libstemmer.a). */
static void startup_search_program_links_lean(void **state)
{
    (void)state;
    if (!PDX_EXPECT_LEAN_SEARCH)
        skip(); /* PAPERDEX_STATIC_DEPS=OFF, PAPERDEX_PIE=ON or no static library */
    elf_facts e;
    read_elf(PDX_BIN_DIR "/paperdex-search", &e);
    print_message("paperdex-search: pie %d, %llu relocations (%llu relative)\n", e.pie,
                  (unsigned long long)e.relocs, (unsigned long long)e.relative);
    assert_false(e.needs[0]);
    assert_false(e.needs[1]);
    assert_false(e.needs[2]);
    assert_false(e.pie);
    assert_true(e.relocs < 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(startup_tokenizer_touches_few_pages), /* first: see there */
        cmocka_unit_test(startup_stems_same_across_cache_growth),
        cmocka_unit_test(startup_stemmer_made_when_needed),
        cmocka_unit_test(startup_search_program_links_lean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
