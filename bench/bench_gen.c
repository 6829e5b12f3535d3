/*
 * The scaled-corpus generator of paperdex-bench: N times the real corpus,
 * in the digest format, deterministic and streaming. What a copy changes
 * and how the randomness is seeded is described in bench.h; this file
 * reads the corpus with the public parser (pdx_parse_paths), once to learn
 * the distinct ids and once per generated copy, and writes each paper as
 * soon as it is parsed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"
#include "paperdex/errors.h"
#include "paperdex/parser.h"

uint64_t bench_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A generator state for one (seed, copy, item) triple. */
static uint64_t seeded(uint64_t seed, uint64_t copy, uint64_t item)
{
    uint64_t s = seed;
    s ^= bench_splitmix64(&s) + copy * 0xD1B54A32D192ED03ull;
    s ^= bench_splitmix64(&s) + item * 0x8CB92BA72F3D8DD7ull;
    (void)bench_splitmix64(&s);
    return s;
}

/* Uniform in [0, 1). */
static double unit(uint64_t *state)
{
    return (double)(bench_splitmix64(state) >> 11) * (1.0 / 9007199254740992.0);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil) and back. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

int32_t bench_date_add(int32_t yyyymmdd, int32_t days)
{
    if (yyyymmdd <= 0)
        return yyyymmdd;
    int64_t y;
    unsigned m, d;
    civil_from_days(days_from_civil(yyyymmdd / 10000, (unsigned)(yyyymmdd / 100 % 100),
                                    (unsigned)(yyyymmdd % 100)) +
                        days,
                    &y, &m, &d);
    return (int32_t)(y * 10000 + m * 100 + d);
}

void bench_gen_id(char out[16], uint32_t copy, uint64_t distinct, uint64_t rank)
{
    uint64_t g = (uint64_t)copy * distinct + rank;
    snprintf(out, 16, "9%03u.%05u", (unsigned)(g / 100000 % 1000), (unsigned)(g % 100000));
}

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Emits s[0..n) trimmed, if anything is left. */
static void emit(const char *s, size_t n, bench_sentence_fn fn, void *payload)
{
    while (n && blank(*s)) {
        s++;
        n--;
    }
    while (n && blank(s[n - 1]))
        n--;
    if (n)
        fn(s, n, payload);
}

void bench_split_sentences(const char *text, size_t len, bench_sentence_fn fn, void *payload)
{
    size_t i = 0;
    while (i < len) {
        size_t eol = i;
        while (eol < len && text[eol] != '\n')
            eol++;
        const char *s = text + i;
        size_t n = eol - i;
        i = eol + 1;
        while (n && blank(*s)) {
            s++;
            n--;
        }
        /* Bullet markers: "- ", "* ", "+ ", "1. ", "1) ", or a bare one. */
        if (n == 1 && (s[0] == '-' || s[0] == '*' || s[0] == '+'))
            continue;
        if (n >= 2 && (s[0] == '-' || s[0] == '*' || s[0] == '+') && blank(s[1])) {
            s += 2;
            n -= 2;
        } else {
            size_t d = 0;
            while (d < n && d < 3 && s[d] >= '0' && s[d] <= '9')
                d++;
            if (d && d + 1 < n && (s[d] == '.' || s[d] == ')') && blank(s[d + 1])) {
                s += d + 2;
                n -= d + 2;
            }
        }
        size_t start = 0;
        for (size_t k = 0; k < n; k++) {
            if ((s[k] == '.' || s[k] == '!' || s[k] == '?') && k + 1 < n && blank(s[k + 1])) {
                emit(s + start, k + 1 - start, fn, payload);
                start = k + 1;
            }
        }
        emit(s + start, n - start, fn, payload);
    }
}

/* ---- the run ---- */

typedef struct span {
    const char *s;
    size_t n;
} span;

typedef struct gen {
    const bench_gen_opts *o;
    size_t root_len;       /* strlen(corpus) without trailing '/' */
    /* Pass 1: distinct ids, sorted. */
    char **ids;
    size_t n_ids, cap_ids;
    /* Pass 2. */
    uint32_t copy;
    char *cur_file;        /* source file of the open output, owned */
    FILE *out;
    span *sent;            /* sentences of the current paper */
    size_t n_sent, cap_sent;
    int32_t file_shift;    /* days added to this file's date */
    bench_gen_stats *st;
    int err;
    char *errbuf;
    size_t errbuf_size;
} gen;

static int gen_fail(gen *g, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int gen_fail(gen *g, int code, const char *fmt, ...)
{
    if (!g->err && g->errbuf_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(g->errbuf, g->errbuf_size, fmt, ap);
        va_end(ap);
    }
    if (!g->err)
        g->err = code;
    return code;
}

static int on_id(const pdx_paper *p, void *payload)
{
    gen *g = payload;
    if (g->n_ids == g->cap_ids) {
        size_t nc = g->cap_ids ? g->cap_ids * 2 : 4096;
        char **ni = realloc(g->ids, nc * sizeof *ni);
        if (!ni)
            return gen_fail(g, PDX_ENOMEM, "out of memory");
        g->ids = ni;
        g->cap_ids = nc;
    }
    char *id = malloc(p->id_len + 1);
    if (!id)
        return gen_fail(g, PDX_ENOMEM, "out of memory");
    memcpy(id, p->id, p->id_len);
    id[p->id_len] = '\0';
    g->ids[g->n_ids++] = id;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* mkdir -p of the directory part of path under root_len bytes of it that
 * exist (--out): a part that exists must be a directory, not a symbolic
 * link (which could lead the copies into someone's files). */
static int make_parents(char *path, size_t root_len)
{
    for (char *p = path + root_len + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        struct stat st;
        int rc = mkdir(path, 0777);
        if (rc != 0 && errno == EEXIST && !lstat(path, &st) && !S_ISDIR(st.st_mode)) {
            errno = ENOTDIR;
            rc = -1;
        } else if (rc != 0 && errno == EEXIST) {
            rc = 0;
        }
        *p = '/';
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* The file gen leaves in --out: a directory holding it is one gen wrote
 * before, whose copies it may replace. */
#define GEN_MARK ".paperdex-gen"

/* Is directory `dir` empty or marked as gen's (*ours)? -1 and errno when
 * it cannot be read. */
static int dir_is_ours(const char *dir, bool *ours)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    bool other = false, mark = false;
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (!strcmp(e->d_name, GEN_MARK))
            mark = true;
        else
            other = true;
    }
    closedir(d);
    *ours = mark || !other;
    return 0;
}

/* Makes --out ready for the copies, or refuses: it must be a new or empty
 * directory, or one gen wrote (GEN_MARK), not a symbolic link, and not
 * inside the corpus (whose next build would read the copies). No path
 * makes gen replace files it did not write. */
static int prepare_out(gen *g)
{
    const char *out = g->o->out;
    struct stat st;
    bool made = false;
    char bare[PATH_MAX]; /* out less a trailing "/" or "/.": lstat("link/") follows it */
    size_t n = strlen(out);
    if (n >= sizeof bare)
        return gen_fail(g, PDX_EINVAL, "%s: path too long", out);
    memcpy(bare, out, n + 1);
    while (n > 1 && (bare[n - 1] == '/' || (bare[n - 1] == '.' && bare[n - 2] == '/')))
        bare[--n] = '\0';
    if (lstat(bare, &st) == 0 && S_ISLNK(st.st_mode))
        return gen_fail(g, PDX_EINVAL, "%s: a symbolic link", out);
    if (lstat(out, &st) != 0) {
        if (errno != ENOENT || mkdir(out, 0777) != 0)
            return gen_fail(g, PDX_EIO, "%s: %s", out, strerror(errno));
        made = true;
    } else if (!S_ISDIR(st.st_mode)) { /* (a link was refused above) */
        return gen_fail(g, PDX_EINVAL, "%s: not a directory", out);
    }
    bool ours;
    if (dir_is_ours(out, &ours) != 0)
        return gen_fail(g, PDX_EIO, "%s: %s", out, strerror(errno));
    if (!ours)
        return gen_fail(g, PDX_EINVAL,
                        "%s holds files paperdex-bench gen did not write; give a new or empty "
                        "directory", out);
    char co[PATH_MAX], ou[PATH_MAX];
    if (realpath(g->o->corpus, co) && realpath(out, ou) && (n = strlen(co)) &&
        !strncmp(ou, co, n) && (ou[n] == '/' || ou[n] == '\0')) {
        if (made)
            rmdir(out);
        return gen_fail(g, PDX_EINVAL, "%s is inside the corpus %s", out, g->o->corpus);
    }
    char mark[PATH_MAX];
    if ((size_t)snprintf(mark, sizeof mark, "%s/%s", out, GEN_MARK) >= sizeof mark)
        return gen_fail(g, PDX_EINVAL, "%s: path too long", out);
    int fd = open(mark, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return gen_fail(g, PDX_EIO, "%s: %s", mark, strerror(errno));
    close(fd);
    return 0;
}

/* Removes path and, when it is a directory (not a link to one), all it
 * holds. 0, or -1 with errno. */
static int remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int rc = 0;
    for (struct dirent *e; !rc && (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char sub[PATH_MAX];
        if ((size_t)snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) >= sizeof sub) {
            errno = ENAMETOOLONG;
            rc = -1;
        } else {
            rc = remove_tree(sub);
        }
    }
    closedir(d);
    return rc ? rc : rmdir(path);
}

/* Removes the copy folders cKKK of --out past this scale's last (K >=
 * scale): a gen of a larger scale wrote them into this folder of gen's
 * own, and a build of the folder would index them too, silently at the
 * larger scale. Only names of gen's copies; symbolic links not followed. */
static int remove_stale_copies(gen *g)
{
    DIR *d = opendir(g->o->out);
    if (!d)
        return gen_fail(g, PDX_EIO, "%s: %s", g->o->out, strerror(errno));
    int rc = 0;
    for (struct dirent *e; !rc && (e = readdir(d));) {
        unsigned k;
        char tail;
        if (strlen(e->d_name) < 4 || e->d_name[0] != 'c' ||
            sscanf(e->d_name + 1, "%u%c", &k, &tail) != 1 || k < g->o->scale)
            continue;
        char path[PATH_MAX];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", g->o->out, e->d_name) >= sizeof path)
            continue;
        if (remove_tree(path) != 0)
            rc = gen_fail(g, PDX_EIO, "%s: cannot remove a copy of a larger scale: %s", path,
                          strerror(errno));
    }
    closedir(d);
    return rc;
}

/* fopen(path, "w") that neither follows a symbolic link nor writes through
 * one. */
static FILE *create_file(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
    if (fd >= 0 && !f)
        close(fd);
    return f;
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return h;
}

static int close_out(gen *g)
{
    if (g->out) {
        if (fclose(g->out) != 0)
            gen_fail(g, PDX_EIO, "writing a copy of %s: %s", g->cur_file, strerror(errno));
        g->out = NULL;
    }
    return g->err;
}

static int open_out(gen *g, const pdx_paper *p)
{
    if (close_out(g))
        return g->err;
    free(g->cur_file);
    g->cur_file = strdup(p->file);
    if (!g->cur_file)
        return gen_fail(g, PDX_ENOMEM, "out of memory");
    const char *rel = p->file;
    if (!strncmp(rel, g->o->corpus, g->root_len) && rel[g->root_len] == '/')
        rel += g->root_len + 1;
    else
        while (*rel == '/')
            rel++;
    size_t n = strlen(g->o->out) + strlen(rel) + 16;
    char *path = malloc(n);
    if (!path)
        return gen_fail(g, PDX_ENOMEM, "out of memory");
    snprintf(path, n, "%s/c%03u/%s", g->o->out, g->copy, rel);
    if (make_parents(path, strlen(g->o->out)) != 0 || !(g->out = create_file(path))) {
        gen_fail(g, PDX_EIO, "%s: %s", path, strerror(errno));
        free(path);
        return g->err;
    }
    free(path);
    g->st->files++;
    uint64_t rs = seeded(g->o->seed, g->copy, fnv1a(rel));
    g->file_shift = (int32_t)(bench_splitmix64(&rs) % 1461) - 730;
    int32_t date = bench_date_add(p->date, g->file_shift);
    if (date > 0)
        fprintf(g->out, "## Daily Papers (%04d-%02d-%02d)\n\n", (int)(date / 10000),
                (int)(date / 100 % 100), (int)(date % 100));
    return 0;
}

static void on_sentence(const char *s, size_t n, void *payload)
{
    gen *g = payload;
    if (g->n_sent == g->cap_sent) {
        size_t nc = g->cap_sent ? g->cap_sent * 2 : 64;
        span *ns = realloc(g->sent, nc * sizeof *ns);
        if (!ns) {
            gen_fail(g, PDX_ENOMEM, "out of memory");
            return;
        }
        g->sent = ns;
        g->cap_sent = nc;
    }
    g->sent[g->n_sent++] = (span){s, n};
}

static void write_authors(FILE *f, const pdx_paper *p)
{
    /* A comma list, unless a name has a comma: then a Python-style list,
     * each name quoted with ' (or " when it has a '). */
    bool comma = memchr(p->authors, ',', p->authors_len) != NULL;
    fputs(comma ? "Authors: [" : "Authors: ", f);
    size_t start = 0;
    bool first = true;
    for (size_t i = 0; i <= p->authors_len; i++) {
        if (i < p->authors_len && p->authors[i] != '\n')
            continue;
        const char *name = p->authors + start;
        int nlen = (int)(i - start);
        start = i + 1;
        if (!first)
            fputs(", ", f);
        first = false;
        if (comma) {
            char q = memchr(name, '\'', (size_t)nlen) ? '"' : '\'';
            fprintf(f, "%c%.*s%c", q, nlen, name, q);
        } else {
            fprintf(f, "%.*s", nlen, name);
        }
    }
    fputs(comma ? "]\n\n" : "\n\n", f);
}

static int on_copy(const pdx_paper *p, void *payload)
{
    gen *g = payload;
    if (!g->cur_file || strcmp(g->cur_file, p->file) != 0) {
        if (open_out(g, p))
            return g->err;
    }
    char *key = malloc(p->id_len + 1);
    if (!key)
        return gen_fail(g, PDX_ENOMEM, "out of memory");
    memcpy(key, p->id, p->id_len);
    key[p->id_len] = '\0';
    char **hit = bsearch(&key, g->ids, g->n_ids, sizeof *g->ids, cmp_str);
    free(key);
    if (!hit)
        return gen_fail(g, PDX_EINVAL, "%s:%u: id changed between passes (corpus modified?)",
                    p->file, p->line);
    uint64_t rank = (uint64_t)(hit - g->ids);
    char id[16];
    bench_gen_id(id, g->copy, g->n_ids, rank);
    uint64_t rs = seeded(g->o->seed, g->copy, rank + 1000003);

    FILE *f = g->out;
    long before = ftell(f);
    fprintf(f, "### [%.*s](https://arxiv.org/abs/%s)\n\n", (int)p->title_len, p->title, id);
    if (p->votes != PDX_VOTES_UNKNOWN) {
        double v = (double)p->votes * (0.5 + unit(&rs));
        fprintf(f, "Vote: %" PRId64 "\n\n", (int64_t)(v + 0.5));
    }
    if (p->n_authors && p->authors_len)
        write_authors(f, p);
    g->n_sent = 0;
    bench_split_sentences(p->summary, p->summary_len, on_sentence, g);
    if (g->err)
        return g->err;
    for (size_t i = g->n_sent; i > 1; i--) {
        size_t j = (size_t)(bench_splitmix64(&rs) % i);
        span t = g->sent[i - 1];
        g->sent[i - 1] = g->sent[j];
        g->sent[j] = t;
    }
    for (size_t i = 0; i < g->n_sent; i++)
        fprintf(f, "- %.*s\n", (int)g->sent[i].n, g->sent[i].s);
    fputc('\n', f);
    if (ferror(f))
        return gen_fail(g, PDX_EIO, "writing a copy of %s: %s", p->file, strerror(errno));
    long after = ftell(f);
    if (before >= 0 && after >= before)
        g->st->bytes += (uint64_t)(after - before);
    g->st->papers++;
    return 0;
}

int bench_gen_run(const bench_gen_opts *opts, bench_gen_stats *stats, char *errbuf,
                  size_t errbuf_size)
{
    bench_gen_stats dummy;
    if (!stats)
        stats = &dummy;
    memset(stats, 0, sizeof *stats);
    gen g = {.o = opts, .st = stats, .errbuf = errbuf, .errbuf_size = errbuf_size};
    if (errbuf_size)
        errbuf[0] = '\0';
    if (!opts->corpus || !opts->out || opts->scale < 1 || opts->scale > 999)
        return gen_fail(&g, PDX_EINVAL, "need a corpus, an output directory and a scale 1..999");
    g.root_len = strlen(opts->corpus);
    while (g.root_len > 1 && opts->corpus[g.root_len - 1] == '/')
        g.root_len--;
    const char *paths[] = {opts->corpus};
    pdx_parse_stats ps = {0};
    pdx_parse_cb cb = {on_id, NULL, &g};
    int rc = pdx_parse_paths(paths, 1, &cb, &ps);
    if (!rc && !g.err && g.n_ids == 0)
        gen_fail(&g, PDX_EINVAL, "%s: no papers found", opts->corpus);
    if (rc && !g.err)
        gen_fail(&g, rc, "%s: %s", opts->corpus, pdx_strerror(rc));
    if (!g.err) {
        qsort(g.ids, g.n_ids, sizeof *g.ids, cmp_str);
        size_t w = 0;
        for (size_t i = 0; i < g.n_ids; i++) {
            if (w && !strcmp(g.ids[w - 1], g.ids[i]))
                free(g.ids[i]);
            else
                g.ids[w++] = g.ids[i];
        }
        g.n_ids = w;
        stats->distinct = w;
        if ((uint64_t)opts->scale * w >= 100000000ull)
            gen_fail(&g, PDX_EINVAL, "scale %u x %zu papers does not fit the 8-digit id space",
                 opts->scale, w);
    }
    if (!g.err)
        prepare_out(&g);
    if (!g.err)
        remove_stale_copies(&g);
    for (uint32_t k = 1; k < opts->scale && !g.err; k++) {
        g.copy = k;
        free(g.cur_file);
        g.cur_file = NULL;
        pdx_parse_stats ps2 = {0};
        pdx_parse_cb cb2 = {on_copy, NULL, &g};
        rc = pdx_parse_paths(paths, 1, &cb2, &ps2);
        close_out(&g);
        if (rc && !g.err)
            gen_fail(&g, rc, "%s: %s", opts->corpus, pdx_strerror(rc));
        if (!opts->quiet)
            fprintf(stderr, "\rgenerated copy %u of %u", k, opts->scale - 1);
    }
    if (!opts->quiet && opts->scale > 1)
        fputc('\n', stderr);
    close_out(&g);
    free(g.cur_file);
    for (size_t i = 0; i < g.n_ids; i++)
        free(g.ids[i]);
    free(g.ids);
    free(g.sent);
    return g.err;
}
