/*
 * Hostile input, end to end through the programs (paperdex-index and
 * paperdex-search, found in PDX_BIN_DIR).
 *
 * The indexer gets binary files, NUL bytes, invalid UTF-8, a 10 MB line,
 * a 50 MB file of papers, headings without links, links without ids,
 * absurd vote values, thousands of authors, an empty directory, an
 * unreadable file, a dangling symlink, a directory symlink loop, and paths
 * with spaces and non-ASCII names. It must index what is indexable, report
 * the rest as FILE:LINE: reason, and account for every paper heading:
 * indexed + duplicates merged + skipped == headings, the headings counted
 * here independently of the parser.
 *
 * The searcher gets a 10,000-word query, a 1 MB query, unbalanced quotes, a
 * bare -, * alone and filters with impossible ranges: it answers (exit 0
 * or 1) or refuses with one line on stderr (exit 2), each within a time
 * and a memory bound (measured with wait4).
 *
 * Every fixture is written here, in our own words.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixtures.h"
#include "paperdex/paperdex.h"
#include "paperdex/search.h"

/* Bounds for one program run. Generous, as sanitizer builds (-O0, about
 * ten times slower) run these too: a search must end within
 * SEARCH_SECONDS, an indexing run within INDEX_SECONDS. */
#define SEARCH_SECONDS 30
#define INDEX_SECONDS 120
#define RUN_MAX_RSS_KB (1536L * 1024)

/* ---- running a program with time and memory measured ---- */

typedef struct run_result {
    int status;    /* exit status, or 128 + signal */
    char *out;     /* stdout (malloc'd) */
    char *err;     /* stderr (malloc'd) */
    double secs;
    long maxrss_kb;
} run_result;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Runs argv (argv[0] a program in PDX_BIN_DIR) with stdout and stderr
 * captured through files in dir; kills it and fails the test when it runs
 * past its time bound or its peak RSS passes RUN_MAX_RSS_KB. */
static run_result run_prog(const char *dir, const char *const *argv)
{
    char prog[4096], outp[4200], errp[4200];
    snprintf(prog, sizeof prog, "%s/%s", PDX_BIN_DIR, argv[0]);
    snprintf(outp, sizeof outp, "%s/.stdout", dir);
    snprintf(errp, sizeof errp, "%s/.stderr", dir);
    fflush(NULL);
    double t0 = now();
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int o = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (o < 0 || e < 0)
            _exit(126);
        dup2(o, 1);
        dup2(e, 2);
        execv(prog, (char *const *)argv);
        _exit(127);
    }
    run_result r = {0};
    int status;
    double limit = strcmp(argv[0], "paperdex-search") ? INDEX_SECONDS : SEARCH_SECONDS;
    struct rusage ru;
    for (;;) {
        pid_t w = wait4(pid, &status, WNOHANG, &ru);
        assert_true(w >= 0);
        if (w == pid)
            break;
        if (now() - t0 > limit) {
            kill(pid, SIGKILL);
            wait4(pid, &status, 0, &ru);
            fail_msg("%s %s: still running after %.0f s (a hang?)", argv[0],
                     argv[1] ? argv[1] : "", limit);
        }
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    r.secs = now() - t0;
    r.maxrss_kb = ru.ru_maxrss;
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = fx_read(outp, NULL);
    r.err = fx_read(errp, NULL);
    assert_non_null(r.out);
    assert_non_null(r.err);
    unlink(outp);
    unlink(errp);
    if (r.maxrss_kb > RUN_MAX_RSS_KB)
        fail_msg("%s: peak memory %ld KB passes the bound %ld KB", argv[0], r.maxrss_kb,
                 RUN_MAX_RSS_KB);
    return r;
}

static void run_free(run_result *r)
{
    free(r->out);
    free(r->err);
}

/* ---- counting headings, independently of the parser ---- */

/* A line that starts a paper, per parser.h: "###" then a blank or the end
 * of the line (a '\r' before the '\n' is not part of the line). */
static size_t count_headings(const char *p, size_t n)
{
    size_t count = 0, i = 0;
    if (n >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
        i = 3;
    while (i < n) {
        const char *nl = memchr(p + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - p) : n, len = end - i;
        if (len && p[end - 1] == '\r')
            len--;
        if (len >= 3 && !memcmp(p + i, "###", 3) &&
            (len == 3 || p[i + 3] == ' ' || p[i + 3] == '\t'))
            count++;
        i = end + 1;
    }
    return count;
}

static uint64_t json_u64(const char *json, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *k = strstr(json, pat);
    if (!k)
        fail_msg("no \"%s\" in %s", key, json);
    return strtoull(k + strlen(pat), NULL, 10);
}

static size_t count_str(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* Every "FILE:LINE: skipped: REASON" line names a real heading. */
static size_t check_skipped_lines(const char *err, size_t *paths)
{
    size_t n = 0;
    *paths = 0;
    for (const char *line = err; *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        const char *sk = strstr(line, ": skipped: ");
        if (sk && sk < line + len) {
            /* FILE:LINE before it */
            const char *colon = sk;
            const char *c = colon - 1;
            while (c > line && *c >= '0' && *c <= '9')
                c--;
            if (*c != ':' || c == colon - 1) {
                /* "PATH: skipped: REASON": a file or directory not read;
                 * the path exists (perhaps as a dangling link) */
                char path[4096];
                struct stat lst;
                snprintf(path, sizeof path, "%.*s", (int)(sk - line), line);
                if (lstat(path, &lst) != 0 || sk + 11 >= line + len)
                    fail_msg("skipped line naming no path or no reason: %.*s", (int)len, line);
                (*paths)++;
                line += len + (nl ? 1 : 0);
                continue;
            }
            char file[4096];
            snprintf(file, sizeof file, "%.*s", (int)(c - line), line);
            long lineno = strtol(c + 1, NULL, 10);
            size_t flen;
            char *text = fx_read(file, &flen);
            if (!text)
                fail_msg("skipped line names a file that cannot be read: %s", file);
            /* The line it names is a heading. */
            const char *q = text;
            for (long k = 1; k < lineno && q; k++) {
                q = memchr(q, '\n', flen - (size_t)(q - text));
                if (q)
                    q++;
            }
            if (!q || strncmp(q, "###", 3))
                fail_msg("%s:%ld is not a heading", file, lineno);
            free(text);
            if (sk + 11 >= line + len)
                fail_msg("skipped line without a reason: %.*s", (int)len, line);
            n++;
        }
        line += len + (nl ? 1 : 0);
    }
    return n;
}

/* ---- fixtures ---- */

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static const char nul_digest[] =
    "## Daily Papers (2024-02-02)\n\n"
    "### [Null\0Bytes In A Title](https://arxiv.org/abs/2402.00101)\n\n"
    "Vote: 4\n\n"
    "Authors: Ko\0Eun, Tomas Ruiz\n\n"
    "- 요약 문장에 \0 널 바이트가 들어 있습니다. nulls everywhere\0\n";

static const char bad_utf8_digest[] =
    "## Daily Papers (2024-02-03)\n\n"
    "### [Broken \xc0\xaf Overlong \xed\xa0\x80 Surrogate](https://arxiv.org/abs/2402.00102)\n\n"
    "Vote: 8\n\n"
    "Authors: \xff\xfe Weird Name, 정상 이름\n\n"
    "- 잘린 글자 \xea\xb0 그리고 외톨이 \x80\x80 바이트. truncated \xf0\x9f\x98\n";

static const char odd_headings[] =
    "## Daily Papers (2024-02-04)\n\n"
    "### A heading with no link at all\n\nVote: 2\n\n- 링크가 없는 제목입니다.\n\n"
    "### [Link to a blog](https://example.com/blog/post)\n\nVote: 3\n\n- 블로그 링크.\n\n"
    "### [Empty id](https://arxiv.org/abs/)\n\n- 빈 아이디.\n\n"
    "### [Empty link]()\n\n- 빈 링크.\n\n"
    "### []()\n\n- 제목도 링크도 없습니다.\n\n"
    "###\n\n- 아무것도 없는 제목 줄.\n\n"
    "### [](https://arxiv.org/abs/2402.00103)\n\nVote: 1\n\n- 제목 없는 논문.\n\n"
    "### [Huge votes](https://arxiv.org/abs/2402.00104)\n\nVote: 99999999999999999999999999\n\n- 많다.\n\n"
    "### [Negative votes](https://arxiv.org/abs/2402.00105)\n\nVote: -12\n\n- 음수.\n\n"
    "### [Float votes](https://arxiv.org/abs/2402.00106)\n\nVote: 1e6\n\n- 지수.\n\n"
    "### [Word votes](https://arxiv.org/abs/2402.00107)\n\nVote: many\n\n- 단어.\n\n"
    "### [Edge votes](https://arxiv.org/abs/2402.00108)\n\nVote: 4294967295\n\n- 경계.\n\n"
    "### [Two vote lines](https://arxiv.org/abs/2402.00109)\n\nVote: 5\n\nVote: 6\n\n- 두 줄.\n";

static char *many_authors(size_t n, size_t *len)
{
    size_t cap = n * 24 + 512, l = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    l += (size_t)snprintf(s, cap,
                          "## Daily Papers (2024-02-05)\n\n"
                          "### [A Paper By A Crowd](https://arxiv.org/abs/2402.00110)\n\n"
                          "Vote: 77\n\nAuthors: ");
    for (size_t i = 0; i < n; i++)
        l += (size_t)snprintf(s + l, cap - l, "%sAuthor%zu Crowdson", i ? ", " : "", i);
    l += (size_t)snprintf(s + l, cap - l, "\n\n- 저자가 아주 많은 논문입니다.\n");
    *len = l;
    return s;
}

/* A paper whose one summary line is `bytes` long. */
static char *long_line(size_t bytes, size_t *len)
{
    static const char head[] = "## Daily Papers (2024-02-06)\n\n"
                               "### [One Very Long Line](https://arxiv.org/abs/2402.00111)\n\n"
                               "Vote: 9\n\n- ";
    static const char unit[] = "긴 문장 longline repeated words 반복됩니다 ";
    size_t cap = sizeof head + bytes + 64;
    char *s = malloc(cap);
    assert_non_null(s);
    size_t l = sizeof head - 1;
    memcpy(s, head, l);
    l += (size_t)snprintf(s + l, cap - l, "zebrafinchmarker ");
    while (l + sizeof unit < sizeof head + bytes) {
        memcpy(s + l, unit, sizeof unit - 1);
        l += sizeof unit - 1;
    }
    l += (size_t)snprintf(s + l, cap - l, " zebrafinchtail\n");
    *len = l;
    return s;
}

/* A paper whose heading is "[" and n times "](", with a marker in its
 * summary. */
static char *many_link_starts(size_t n, size_t *len)
{
    static const char head[] = "## Daily Papers (2024-02-06)\n\n### [";
    static const char tail[] = "\n\n- 괄호가 닫히지 않는 제목. linkstartsmarker\n";
    size_t cap = sizeof head + 2 * n + sizeof tail;
    char *s = malloc(cap);
    assert_non_null(s);
    size_t l = sizeof head - 1;
    memcpy(s, head, l);
    for (size_t i = 0; i < n; i++, l += 2)
        memcpy(s + l, "](", 2);
    memcpy(s + l, tail, sizeof tail - 1);
    *len = l + sizeof tail - 1;
    return s;
}

static char *binary_blob(size_t n)
{
    char *s = malloc(n);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)next_rand();
        s[i] = (char)(c == '#' ? 0 : c);
    }
    return s;
}

/* papers of own text, valid ids "24MM.NNNNN" unique for k < 1,080,000. */
static void append_papers(char **s, size_t *len, size_t *cap, size_t first, size_t n)
{
    static const char *const topics[] = {"graph", "speech", "robot", "retrieval", "vision",
                                         "memory", "agent", "planning"};
    static const char *const ko[] = {"그래프", "음성", "로봇", "검색", "시각", "기억", "계획"};
    for (size_t k = first; k < first + n; k++) {
        if (*cap - *len < 2048) {
            *cap = *cap * 2 + 4096;
            *s = realloc(*s, *cap);
            assert_non_null(*s);
        }
        if (k % 40 == 0)
            *len += (size_t)snprintf(*s + *len, *cap - *len, "## Daily Papers (2024-%02zu-%02zu)\n\n",
                                     1 + (k / 40) % 12, 1 + (k / 480) % 28);
        *len += (size_t)snprintf(
            *s + *len, *cap - *len,
            "### [Bulk %s study %zu](https://arxiv.org/abs/24%02zu.%05zu)\n\n"
            "Vote: %zu\n\nAuthors: Writer %zu, 작가 %zu\n\n"
            "- **What's New**: 대량 %s 논문 %zu번은 %s 문제를 다룹니다. bulk text for %s.\n"
            "- **Technical Details**: 반복되는 %s 설명과 숫자 %zu 를 포함합니다.\n\n",
            topics[k % 8], k, 1 + k / 90000, 10000 + k % 90000, k % 500, k % 97, k % 89,
            ko[k % 7], k, ko[(k + 3) % 7], topics[(k + 1) % 8], ko[(k + 5) % 7], k * 7);
    }
}

typedef struct state {
    char *dir; /* scratch root */
    char *in;  /* input tree */
    char *idx;
    size_t headings; /* headings in every file the walk reads */
} state;

static void put(state *s, const char *name, const char *data, size_t len)
{
    char *p = fx_path(s->in, name);
    fx_write(p, data, len);
    free(p);
    s->headings += count_headings(data, len);
}

static int setup(void **st)
{
    state *s = calloc(1, sizeof *s);
    assert_non_null(s);
    s->dir = fx_tmpdir();
    s->in = fx_path(s->dir, "in put");
    s->idx = fx_path(s->dir, "hostile.idx");
    size_t len;
    char *b;

    b = binary_blob(1 << 16);
    put(s, "binary.md", b, 1 << 16);
    free(b);
    /* binary with real headings among the junk */
    b = binary_blob(1 << 14);
    memcpy(b + 4000, "\n### [Inside Junk](https://arxiv.org/abs/2402.00120)\n", 53);
    memcpy(b + 9000, "\n### [Also Junk](https://arxiv.org/abs/2402.00121)\n", 51);
    put(s, "binary_with_headings.txt", b, 1 << 14);
    free(b);
    put(s, "nul.md", nul_digest, sizeof nul_digest - 1);
    put(s, "bad_utf8.md", bad_utf8_digest, sizeof bad_utf8_digest - 1);
    put(s, "odd_headings.md", odd_headings, sizeof odd_headings - 1);
    b = many_authors(5000, &len);
    put(s, "crowd.md", b, len);
    free(b);
    b = long_line(10u << 20, &len);
    put(s, "long_line.md", b, len);
    free(b);
    /* a 2 MB heading of a million "](" none of which closes: each was
     * tried as the link's start and scanned to the line's end (hours) */
    b = many_link_starts(1000000, &len);
    put(s, "link_starts.md", b, len);
    free(b);
    /* names with spaces and non-ASCII, in a directory with both */
    static const char named[] = "## Daily Papers (2024-02-07)\n\n"
                                "### [Spaces And 한글 In The Path](https://arxiv.org/abs/2402.00112)\n\n"
                                "Vote: 11\n\n- 경로에 공백과 한글이 있습니다. pathmarker\n\n"
                                "### []()\n\n- 건너뛰는 제목.\n";
    put(s, "논문 모음/요약 파일 (2월).md", named, sizeof named - 1);
    /* duplicates across files */
    static const char dup[] = "## Daily Papers (2024-02-08)\n\n"
                              "### [Tiny Experts Again](https://arxiv.org/abs/2402.00101)\n\n"
                              "Vote: 5\n\n- 같은 아이디가 다시 나옵니다.\n";
    put(s, "zz_duplicate.md", dup, sizeof dup - 1);
    /* ignored: hidden, and not .md/.txt */
    char *p = fx_path(s->in, ".hidden.md");
    fx_write(p, "### [Hidden](https://arxiv.org/abs/2402.00199)\n", (size_t)-1);
    free(p);
    p = fx_path(s->in, "notes.json");
    fx_write(p, "### [Not a digest name](https://arxiv.org/abs/2402.00198)\n", (size_t)-1);
    free(p);
    /* a dangling symlink, a directory loop, an empty directory */
    p = fx_path(s->in, "gone.md");
    assert_int_equal(symlink("/nonexistent/paperdex/gone.md", p), 0);
    free(p);
    p = fx_path(s->in, "loop/inner");
    char *f = fx_path(p, "x.md");
    fx_write(f, "## Daily Papers (2024-02-09)\n\n### [Loop Paper](https://arxiv.org/abs/2402.00113)\n\n- 루프 안의 논문.\n", (size_t)-1);
    s->headings += 1;
    free(f);
    char *l1 = fx_path(p, "up");
    assert_int_equal(symlink("..", l1), 0);
    free(l1);
    l1 = fx_path(p, "self");
    assert_int_equal(symlink(".", l1), 0);
    free(l1);
    free(p);
    p = fx_path(s->in, "empty dir");
    assert_int_equal(mkdir(p, 0755), 0);
    free(p);
    *st = s;
    return 0;
}

static int teardown(void **st)
{
    state *s = *st;
    free(s->in);
    free(s->idx);
    fx_rmtree(s->dir);
    free(s);
    return 0;
}

/* ---- the indexer ---- */

static void hostile_index_accounts_for_every_heading(void **st)
{
    state *s = *st;
    /* unreadable file: only meaningful when not root */
    char *locked = fx_path(s->in, "locked.md");
    static const char lk[] = "## Daily Papers (2024-02-10)\n\n"
                             "### [Locked Away](https://arxiv.org/abs/2402.00114)\n\n- 읽을 수 없는 파일.\n";
    fx_write(locked, lk, sizeof lk - 1);
    chmod(locked, 0);
    bool root = geteuid() == 0;
    if (root) /* root reads it anyway: it counts */
        s->headings += count_headings(lk, sizeof lk - 1);

    const char *argv[] = {"paperdex-index", "--json", "-o", s->idx, s->in, NULL};
    run_result r = run_prog(s->dir, argv);
    chmod(locked, 0644);
    if (r.status != 0)
        fail_msg("paperdex-index failed (%d): %s", r.status, r.err);
    uint64_t papers = json_u64(r.out, "papers"), dups = json_u64(r.out, "duplicates");
    size_t skipped_json = count_str(r.out, "\"line\":");
    size_t paths_err;
    size_t skipped_err = check_skipped_lines(r.err, &paths_err);
    /* files and directories not read: each reported, all counted */
    assert_true(paths_err >= 3); /* binary.md (not a digest), gone.md, the loop */
    assert_int_equal(json_u64(r.out, "paths_skipped"), paths_err);
    print_message("headings %zu: indexed %llu + duplicates %llu + skipped %zu (%.2f s, %ld MB)\n",
                  s->headings, (unsigned long long)papers, (unsigned long long)dups,
                  skipped_json, r.secs, r.maxrss_kb / 1024);
    assert_int_equal(skipped_json, skipped_err);
    assert_int_equal(papers + dups + skipped_json, s->headings);
    assert_int_equal(dups, 1);
    /* What could not be read or entered is reported by file. */
    if (!strstr(r.err, "gone.md"))
        fail_msg("the dangling symlink is not reported: %s", r.err);
    if (!root && !strstr(r.err, "locked.md"))
        fail_msg("the unreadable file is not reported: %s", r.err);
    if (!strstr(r.err, "loop/inner/up") && !strstr(r.err, "loop/inner/self"))
        fail_msg("the symlink loop is not reported: %s", r.err);
    /* Every line on stderr is FILE:LINE: ... or FILE: ... */
    for (const char *line = r.err; *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        if (strncmp(line, s->in, strlen(s->in)) && strncmp(line, "paperdex-index:", 15))
            fail_msg("stderr line does not start with a path: %.*s", (int)len, line);
        line += len + (nl ? 1 : 0);
    }
    run_free(&r);
    free(locked);

    const char *check[] = {"paperdex-index", "--check", s->idx, NULL};
    r = run_prog(s->dir, check);
    if (r.status != 0)
        fail_msg("--check on the hostile index: %s", r.err);
    run_free(&r);
}

static run_result search(state *s, const char *const *words)
{
    const char *argv[64] = {"paperdex-search", "--json", "-i", s->idx};
    size_t n = 4;
    for (; *words && n < 63; words++)
        argv[n++] = *words;
    argv[n] = NULL;
    return run_prog(s->dir, argv);
}

static void hostile_index_content_is_searchable(void **st)
{
    state *s = *st;
    if (access(s->idx, F_OK) != 0)
        skip();
    struct {
        const char *const q[4];
        const char *expect; /* in the JSON output */
    } cases[] = {
        {{"zebrafinchmarker", NULL}, "2402.00111"},     /* the 10 MB line's start */
        {{"author:Author4999", NULL}, "2402.00110"},    /* the 5000th author */
        {{"pathmarker", NULL}, "2402.00112"},           /* path with spaces, 한글 */
        {{"id:2402.00102", NULL}, "2402.00102"},        /* invalid UTF-8 paper */
        {{"id:2402.00101", NULL}, "2402.00101"},        /* NUL paper (duplicate kept) */
        {{"블로그", NULL}, "nolink-"},                    /* link without id */
        {{"링크가", NULL}, "nolink-"},                    /* heading without link */
        {{"id:2402.00104", NULL}, "\"votes\":null"},    /* absurd votes: unknown */
        {{"id:2402.00105", NULL}, "\"votes\":null"},
        {{"\"Inside Junk\"", NULL}, "2402.00120"},      /* headings inside binary */
        {{"linkstartsmarker", NULL}, "nolink-"},         /* a million "](" */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        run_result r = search(s, cases[i].q);
        if (r.status != 0 || !strstr(r.out, cases[i].expect))
            fail_msg("search %s: exit %d, expected %s in: %.400s %s", cases[i].q[0], r.status,
                     cases[i].expect, r.out, r.err);
        run_free(&r);
    }
    /* past the summary's 4 MiB: left out (warned), not searchable */
    const char *const tail[] = {"zebrafinchtail", NULL};
    run_result rt = search(s, tail);
    if (rt.status != 1)
        fail_msg("search zebrafinchtail: exit %d: %.400s", rt.status, rt.out);
    run_free(&rt);
    /* The stored file name is the path as walked, spaces and Hangul kept. */
    pdx_index *ix;
    pdx_searcher *sr;
    char err[600];
    assert_int_equal(pdx_index_open(&ix, s->idx, err, sizeof err), PDX_OK);
    assert_int_equal(pdx_searcher_new(&sr, ix), PDX_OK);
    pdx_query *pq;
    assert_int_equal(pdx_query_parse(&pq, sr, "id:2402.00112", 13), PDX_OK);
    pdx_search_opts o;
    pdx_search_opts_default(&o);
    pdx_results res;
    assert_int_equal(pdx_search(sr, pq, &o, &res), PDX_OK);
    assert_int_equal(res.n, 1);
    pdx_hit_info h;
    assert_int_equal(pdx_hit_get(sr, res.hits[0].doc, &h), PDX_OK);
    char *want = fx_path(s->in, "논문 모음/요약 파일 (2월).md");
    if (h.file_len != strlen(want) || memcmp(h.file, want, h.file_len))
        fail_msg("stored file '%.*s', expected '%s'", (int)h.file_len, h.file, want);
    free(want);
    pdx_results_clear(&res);
    pdx_query_free(pq);
    pdx_searcher_free(sr);
    pdx_index_close(ix);

    /* Votes past 10^9 are not stored as numbers near the "unknown" mark. */
    const char *const q[] = {"id:2402.00108", NULL};
    run_result r = search(s, q);
    assert_int_equal(r.status, 0);
    if (strstr(r.out, "4294967295"))
        fail_msg("4294967295 votes stored as is: %s", r.out);
    run_free(&r);
}

static void hostile_index_empty_directory_keeps_old_index(void **st)
{
    state *s = *st;
    if (access(s->idx, F_OK) != 0)
        skip();
    size_t before_len;
    char *before = fx_read(s->idx, &before_len);
    char *empty = fx_path(s->in, "empty dir");
    const char *argv[] = {"paperdex-index", "-o", s->idx, empty, NULL};
    run_result r = run_prog(s->dir, argv);
    if (r.status != 1 || !strstr(r.err, "not written"))
        fail_msg("empty directory: exit %d: %s", r.status, r.err);
    size_t after_len;
    char *after = fx_read(s->idx, &after_len);
    assert_int_equal(before_len, after_len);
    assert_memory_equal(before, after, before_len);
    run_free(&r);
    /* a file with no papers at all, and a path that does not exist */
    char *nothing = fx_path(s->dir, "nothing.md");
    fx_write(nothing, "just some words, no headings\n", (size_t)-1);
    const char *argv2[] = {"paperdex-index", "-o", s->idx, nothing, NULL};
    r = run_prog(s->dir, argv2);
    if (r.status != 1 || !strstr(r.err, "not written"))
        fail_msg("no papers: exit %d: %s", r.status, r.err);
    run_free(&r);
    const char *argv3[] = {"paperdex-index", "-o", s->idx, "/nonexistent/paperdex", NULL};
    r = run_prog(s->dir, argv3);
    if (r.status != 1 || !strstr(r.err, "/nonexistent/paperdex"))
        fail_msg("missing path: exit %d: %s", r.status, r.err);
    run_free(&r);
    free(after);
    free(before);
    free(empty);
    free(nothing);
}

/* A user trial: `paperdex-index -o ee.idx emptydir` ("no papers to
 * index") left ee.idx.lock behind where there had been nothing. A build or
 * an update that fails before any index exists removes the lock file it
 * created; one that was there before the run stays. */
static void hostile_index_failed_first_build_leaves_no_lock(void **st)
{
    (void)st;
    char *dir = fx_tmpdir();
    char *empty = fx_path(dir, "emptydir"), *idx = fx_path(dir, "ee.idx");
    char *lock = fx_path(dir, "ee.idx.lock");
    assert_int_equal(mkdir(empty, 0755), 0);
    const char *build[] = {"paperdex-index", "-q", "-o", idx, empty, NULL};
    const char *update[] = {"paperdex-index", "-q", "--update", "-o", idx, empty, NULL};
    const char *const *runs[] = {build, update};
    for (size_t i = 0; i < 2; i++) {
        run_result r = run_prog(dir, runs[i]);
        if (r.status != 1 || !strstr(r.err, "no papers to index"))
            fail_msg("%s: exit %d: %s", runs[i][2], r.status, r.err);
        run_free(&r);
        if (fx_has_entry(dir, "ee.idx"))
            fail_msg("%s left a file named ee.idx* behind", runs[i][2]);
    }
    /* an empty file as the output: kept as it is, and no lock beside it
     * (a trial found ee.idx.lock left behind) */
    fx_write(idx, "", 0);
    for (size_t i = 0; i < 2; i++) {
        run_result r = run_prog(dir, runs[i]);
        assert_int_equal(r.status, 1);
        run_free(&r);
        size_t len;
        char *kept = fx_read(idx, &len);
        assert_non_null(kept);
        assert_int_equal(len, 0);
        free(kept);
        if (access(lock, F_OK) == 0)
            fail_msg("%s left ee.idx.lock beside an empty output", runs[i][2]);
    }
    unlink(idx);
    fx_write(lock, "", 0);
    for (size_t i = 0; i < 2; i++) {
        run_result r = run_prog(dir, runs[i]);
        assert_int_equal(r.status, 1);
        run_free(&r);
        assert_int_equal(access(lock, F_OK), 0); /* not this run's to remove */
    }
    free(lock);
    free(idx);
    free(empty);
    fx_rmtree(dir);
}

static void hostile_index_50mb_file(void **st)
{
    state *s = *st;
    char *dir = fx_path(s->dir, "big");
    char *file = fx_path(dir, "fifty megabytes.md");
    char *idx = fx_path(s->dir, "big.idx");
    size_t len = 0, cap = 0, n = 0;
    char *text = NULL;
    while (len < (50u << 20)) {
        append_papers(&text, &len, &cap, n, 1000);
        n += 1000;
    }
    fx_write(file, text, len);
    size_t headings = count_headings(text, len);
    free(text);
    assert_int_equal(headings, n);
    const char *argv[] = {"paperdex-index", "--json", "--mem-mb", "32", "-o", idx, dir, NULL};
    run_result r = run_prog(s->dir, argv);
    if (r.status != 0)
        fail_msg("50 MB file: exit %d: %s", r.status, r.err);
    print_message("50 MB file: %zu papers in %.2f s, peak RSS %ld MB\n", n, r.secs,
                  r.maxrss_kb / 1024);
    assert_int_equal(json_u64(r.out, "papers"), n);
    run_free(&r);
    const char *q[] = {"paperdex-search", "-i", idx, "-n", "3", "bulk", "로봇", NULL};
    r = run_prog(s->dir, q);
    assert_int_equal(r.status, 0);
    run_free(&r);
    unlink(idx);
    unlink(file);
    free(idx);
    free(file);
    free(dir);
}

/* ---- the searcher ---- */

/* exit 0/1 with JSON on stdout, or exit 2 with one line on stderr. */
static void expect_answer_or_refusal(const char *what, run_result *r)
{
    if (r->status == 0 || r->status == 1)
        return;
    if (r->status != 2)
        fail_msg("%s: exit status %d: %s", what, r->status, r->err);
    size_t len = strlen(r->err);
    if (len == 0 || r->err[len - 1] != '\n' || strchr(r->err, '\n') != r->err + len - 1)
        fail_msg("%s: refusal is not one line: %s", what, r->err);
    if (r->out[0])
        fail_msg("%s: refusal also printed results: %.200s", what, r->out);
}

static void hostile_search_odd_queries(void **st)
{
    state *s = *st;
    if (access(s->idx, F_OK) != 0)
        skip();
    const char *const qs[][4] = {
        {"\"unbalanced quote", NULL},
        {"a \"b", NULL},
        {"\"", NULL},
        {"\"\"", NULL},
        {"-", NULL},
        {"-", "model", NULL},
        {"*", NULL},
        {"**", NULL},
        {"b*", NULL},
        {"-*", NULL},
        {"OR", NULL},
        {"OR", "OR", "OR", NULL},
        {"date:2024-13", NULL},
        {"date:2024-02-30", NULL},
        {"date:2025..2020", NULL},
        {"date:0000", NULL},
        {"date:..", NULL},
        {"votes:>99999999999999999999999", NULL},
        {"votes:10..5", NULL},
        {"votes:<0", NULL},
        {"votes:-5", NULL},
        {"votes:>=", NULL},
        {"id:", NULL},
        {"title:", NULL},
        {"nofield:word", NULL},
        {"-model", NULL},
        {"\xff\xfe\xc0", NULL},
        {"😀🙂", NULL},
    };
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
        run_result r = search(s, qs[i]);
        char what[128];
        snprintf(what, sizeof what, "query '%s%s%s'", qs[i][0], qs[i][1] ? " " : "",
                 qs[i][1] ? qs[i][1] : "");
        expect_answer_or_refusal(what, &r);
        run_free(&r);
    }
}

static void hostile_search_huge_queries(void **st)
{
    state *s = *st;
    if (access(s->idx, F_OK) != 0)
        skip();
    static const char *const vocab[] = {"model", "모델", "graph", "zebra", "\"a", "b\"",
                                        "-x",    "OR",   "c*",    "학습을", "title:y",
                                        "date:2024", "votes:>1", "Author1", "논문"};
    /* 10,000 words, split over a few arguments (one argument may hold at
     * most 128 KiB). The arguments are static so that a failure (which
     * leaves the function) does not also report them as leaked. */
    static char *args[20];
    size_t n_args = 0;
    for (int a = 0; a < 10; a++) {
        size_t cap = 16384, len = 0;
        char *q = malloc(cap);
        assert_non_null(q);
        for (int w = 0; w < 1000; w++) {
            const char *v = vocab[next_rand() % (sizeof vocab / sizeof *vocab)];
            len += (size_t)snprintf(q + len, cap - len, "%s%s", w ? " " : "", v);
            assert_true(len < cap - 32);
        }
        args[n_args++] = q;
    }
    const char *argv[32] = {"paperdex-search", "--json", "-i", s->idx};
    for (size_t i = 0; i < n_args; i++)
        argv[4 + i] = args[i];
    argv[4 + n_args] = NULL;
    run_result r = run_prog(s->dir, argv);
    print_message("10,000-word query: exit %d in %.2f s, peak RSS %ld MB\n", r.status, r.secs,
                  r.maxrss_kb / 1024);
    expect_answer_or_refusal("10,000-word query", &r);
    run_free(&r);
    for (size_t i = 0; i < n_args; i++) {
        free(args[i]);
        args[i] = NULL;
    }

    /* A long query that stays within the parser's bounds (a few hundred
     * words, all operators) is answered, not refused. */
    {
        size_t cap = 8192, len = 0;
        char *q = malloc(cap);
        assert_non_null(q);
        for (int w = 0; w < 200; w++) {
            const char *v = vocab[next_rand() % (sizeof vocab / sizeof *vocab)];
            if (v[0] == '"')
                v = "graph"; /* keep quotes out: one open quote would swallow the rest */
            len += (size_t)snprintf(q + len, cap - len, "%s%s", w ? " " : "", v);
        }
        args[0] = q;
        argv[4] = q;
        argv[5] = NULL;
        r = run_prog(s->dir, argv);
        print_message("200-word query: exit %d in %.2f s\n", r.status, r.secs);
        if (r.status != 0 && r.status != 1)
            fail_msg("200-word query refused (%d): %s", r.status, r.err);
        run_free(&r);
        free(q);
        args[0] = NULL;
    }

    /* 1 MB query: ten arguments of 100 KB (words of Latin and Hangul). */
    n_args = 0;
    for (int a = 0; a < 10; a++) {
        size_t cap = 100 * 1024, len = 0;
        char *q = malloc(cap + 64);
        assert_non_null(q);
        while (len < cap) {
            static const char *const parts[] = {"longquery", "질의어", "x", "모델을"};
            const char *v = parts[next_rand() % 4];
            len += (size_t)snprintf(q + len, cap + 64 - len, "%s%s", len ? " " : "", v);
        }
        args[n_args++] = q;
    }
    for (size_t i = 0; i < n_args; i++)
        argv[4 + i] = args[i];
    argv[4 + n_args] = NULL;
    r = run_prog(s->dir, argv);
    print_message("1 MB query: exit %d in %.2f s, peak RSS %ld MB\n", r.status, r.secs,
                  r.maxrss_kb / 1024);
    expect_answer_or_refusal("1 MB query", &r);
    run_free(&r);

    /* One 1 MB word and one 1 MB quoted phrase, through the library (no
     * argument length limit there). */
    pdx_index *ix;
    pdx_searcher *sr;
    char err[600];
    assert_int_equal(pdx_index_open(&ix, s->idx, err, sizeof err), PDX_OK);
    assert_int_equal(pdx_searcher_new(&sr, ix), PDX_OK);
    size_t big = 1u << 20;
    char *text = malloc(big);
    assert_non_null(text);
    for (int variant = 0; variant < 3; variant++) {
        for (size_t i = 0; i < big; i++)
            text[i] = variant == 0 ? 'a' : variant == 1 ? "모델"[i % 6] : "ab "[i % 3];
        if (variant == 1)
            big -= big % 6;
        if (variant == 2)
            text[0] = '"';
        double t0 = now();
        pdx_query *q;
        int rc = pdx_query_parse(&q, sr, text, big);
        if (!rc) {
            pdx_search_opts o;
            pdx_search_opts_default(&o);
            pdx_results res;
            rc = pdx_search(sr, q, &o, &res);
            if (!rc)
                pdx_results_clear(&res);
            pdx_query_free(q);
        }
        double t = now() - t0;
        print_message("1 MB query variant %d: rc %d in %.2f s\n", variant, rc, t);
        if (rc != PDX_OK && rc != PDX_EINVAL && rc != PDX_ELIMIT)
            fail_msg("1 MB query variant %d: %d (%s)", variant, rc, pdx_searcher_errmsg(sr));
        if (rc && !pdx_searcher_errmsg(sr)[0])
            fail_msg("1 MB query variant %d refused without a message", variant);
        if (t > SEARCH_SECONDS)
            fail_msg("1 MB query variant %d took %.1f s", variant, t);
    }
    free(text);
    pdx_searcher_free(sr);
    pdx_index_close(ix);
    for (size_t i = 0; i < n_args; i++) {
        free(args[i]);
        args[i] = NULL;
    }
}

/* ---- outputs that must not be written (issue 9) ---- */

static const char small_digest[] = "## Daily Papers (2024-03-04)\n\n"
                                   "### [Careful Output Paths](https://arxiv.org/abs/2403.00501)\n\n"
                                   "Vote: 3\n\nAuthors: Ana Ruiz\n\n- 출력 경로를 조심스럽게 다룹니다.\n";

/* Runs paperdex-index with argv and expects a refusal: exit 1 or 2 (not a
 * signal), a message on stderr naming `names`, and `victim` holding
 * exactly `before` afterwards. */
static void expect_refusal(const char *dir, const char *const *argv, const char *names,
                           const char *victim, const char *before, size_t before_len)
{
    run_result r = run_prog(dir, argv);
    if (r.status != 1 || !strstr(r.err, names))
        fail_msg("%s: expected a refusal naming %s, got exit %d: %s", victim, names, r.status,
                 r.err);
    if (before) {
        size_t len;
        char *after = fx_read(victim, &len);
        assert_non_null(after);
        assert_int_equal(len, before_len);
        assert_memory_equal(after, before, len);
        free(after);
    }
    run_free(&r);
}

static void hostile_index_refuses_unsafe_outputs(void **st)
{
    (void)st;
    char *dir = fx_tmpdir();
    char *in = fx_path(dir, "in/a.md"), *indir = fx_path(dir, "in");
    fx_write(in, small_digest, sizeof small_digest - 1);
    char *idx = fx_path(dir, "x.idx");
    const char *build[] = {"paperdex-index", "-q", "-o", idx, in, NULL};
    run_result r = run_prog(dir, build);
    assert_int_equal(r.status, 0);
    run_free(&r);
    size_t idx_len;
    char *idx_bytes = fx_read(idx, &idx_len);

    /* --export-jsonl naming the index being written: SIGBUS and a 0-byte
     * index before; now a refusal with the index untouched */
    const char *exp_same[] = {"paperdex-index", "-q", "-o", idx, "--export-jsonl", idx, in, NULL};
    expect_refusal(dir, exp_same, "x.idx", idx, idx_bytes, idx_len);
    char *fresh = fx_path(dir, "fresh.idx");
    const char *exp_new[] = {"paperdex-index", "-q", "-o", fresh, "--export-jsonl", fresh, in, NULL};
    expect_refusal(dir, exp_new, "fresh.idx", fresh, NULL, 0);
    assert_int_not_equal(access(fresh, F_OK), 0);

    /* -o naming the lock of an index, the file a build of x.idx made
     * beside it (empty then; now its segment journal): taken as a new
     * index and replaced by a manifest, exit 0; now refused by a build and
     * by an update, nothing written */
    char *lock = fx_path(dir, "x.idx.lock");
    size_t lock_len;
    char *lock_bytes = fx_read(lock, &lock_len);
    assert_non_null(lock_bytes);
    const char *o_lock[] = {"paperdex-index", "-q", "-o", lock, in, NULL};
    expect_refusal(dir, o_lock, "writer lock of the index", lock, lock_bytes, lock_len);
    const char *u_lock[] = {"paperdex-index", "-q", "--update", "-o", lock, in, NULL};
    expect_refusal(dir, u_lock, "writer lock of the index", lock, lock_bytes, lock_len);
    assert_false(fx_has_entry(dir, "x.idx.lock."));
    free(lock_bytes);
    free(lock);

    /* a file of the user's where an index's lock goes (notes.idx.lock):
     * overwritten by the segment journal, exit 0 (a user trial); now the
     * build and the update refuse, the file as it was and no index made.
     * Text a whole number of journal records long too, and one shorter
     * than a record. */
    static const char *const user_notes[] = {
        "IMPORTANT NOTES\nIMPORTANT NOTES\n", /* 32 bytes: two "records" */
        "todo\n",
    };
    char *nidx = fx_path(dir, "notes.idx"), *nlock = fx_path(dir, "notes.idx.lock");
    for (size_t i = 0; i < sizeof user_notes / sizeof *user_notes; i++) {
        fx_write(nlock, user_notes[i], strlen(user_notes[i]));
        const char *n_build[] = {"paperdex-index", "-q", "-o", nidx, in, NULL};
        expect_refusal(dir, n_build, "not a paperdex writer lock", nlock, user_notes[i],
                       strlen(user_notes[i]));
        const char *n_update[] = {"paperdex-index", "-q", "--update", "-o", nidx, in, NULL};
        expect_refusal(dir, n_update, "not a paperdex writer lock", nlock, user_notes[i],
                       strlen(user_notes[i]));
        assert_int_not_equal(access(nidx, F_OK), 0);
    }
    /* what a crash may leave of a journal is a lock: a record cut short,
     * zeros (a review found both refused for good) */
    static const char cut[] = "\x01\0\0\0\0", zeros[16] = {0};
    const char *const leftovers[] = {cut, zeros};
    const size_t leftover_len[] = {sizeof cut - 1, sizeof zeros};
    for (size_t i = 0; i < 2; i++) {
        fx_write(nlock, leftovers[i], leftover_len[i]);
        const char *n_build[] = {"paperdex-index", "-q", "-o", nidx, in, NULL};
        r = run_prog(dir, n_build);
        if (r.status != 0)
            fail_msg("a lock left by a crash (%zu): exit %d: %s", i, r.status, r.err);
        run_free(&r);
    }
    free(nidx);
    free(nlock);

    /* -o '' is a usage error (status 2), as paperdex-search -i '' is: it
     * was "invalid argument", status 1 */
    const char *o_blank[] = {"paperdex-index", "-q", "-o", "", in, NULL};
    r = run_prog(dir, o_blank);
    if (r.status != 2 || !strstr(r.err, "-o wants an index file"))
        fail_msg("-o '': exit %d: %s", r.status, r.err);
    run_free(&r);
    /* a size out of range says the range (a trial: "wants a number" of 0) */
    const char *mem0[] = {"paperdex-index", "-q", "--mem-mb", "0", "-o", "", in, NULL};
    r = run_prog(dir, mem0);
    if (r.status != 2 || !strstr(r.err, "--mem-mb wants a number of MiB from 1 to 1048576, got '0'"))
        fail_msg("--mem-mb 0: exit %d: %s", r.status, r.err);
    run_free(&r);

    /* what a file that is no regular one is, said (a trial: "(a directory,
     * device, FIFO or socket)" for /dev/null) */
    const char *o_null[] = {"paperdex-index", "-q", "-o", "/dev/null", in, NULL};
    r = run_prog(dir, o_null);
    if (r.status != 1 || !strstr(r.err, "/dev/null: exists and is a character device"))
        fail_msg("-o /dev/null: exit %d: %s", r.status, r.err);
    run_free(&r);
    const char *u_dir[] = {"paperdex-index", "-q", "--update", "-o", indir, in, NULL};
    r = run_prog(dir, u_dir);
    if (r.status != 1 || !strstr(r.err, "exists and is a directory"))
        fail_msg("--update -o DIR: exit %d: %s", r.status, r.err);
    run_free(&r);

    /* -o naming an input digest, explicitly or inside an input folder */
    const char *o_input[] = {"paperdex-index", "-q", "-o", in, in, NULL};
    expect_refusal(dir, o_input, "a.md", in, small_digest, sizeof small_digest - 1);
    const char *o_in_dir[] = {"paperdex-index", "-q", "-o", in, indir, NULL};
    expect_refusal(dir, o_in_dir, "a.md", in, small_digest, sizeof small_digest - 1);
    /* --export-jsonl naming a digest found by walking an input folder
     * (it was overwritten with JSON Lines, exit 0), and an empty one that
     * -o would have taken: refused as inputs */
    const char *exp_in_dir[] = {"paperdex-index", "-q", "-o", idx, "--export-jsonl", in, indir,
                                NULL};
    expect_refusal(dir, exp_in_dir, "inside the input folder", in, small_digest,
                   sizeof small_digest - 1);
    char *empty_md = fx_path(dir, "in/empty.md");
    fx_write(empty_md, "", 0);
    const char *o_empty_md[] = {"paperdex-index", "-q", "-o", empty_md, indir, NULL};
    expect_refusal(dir, o_empty_md, "inside the input folder", empty_md, "", 0);
    unlink(empty_md);
    free(empty_md);
    /* a new file there: refused, without the claim that a file is
     * overwritten (there was none) */
    char *new_txt = fx_path(dir, "in/out.txt");
    const char *o_new_txt[] = {"paperdex-index", "-q", "-o", new_txt, indir, NULL};
    r = run_prog(dir, o_new_txt);
    if (r.status != 1 || !strstr(r.err, "would be written inside the input folder") ||
        strstr(r.err, "overwrite"))
        fail_msg("-o in/out.txt: exit %d: %s", r.status, r.err);
    run_free(&r);
    assert_int_not_equal(access(new_txt, F_OK), 0);
    free(new_txt);

    /* -o naming a file that is not an index */
    char *notes = fx_path(dir, "notes.md");
    fx_write(notes, "my own notes\n", (size_t)-1);
    const char *o_notes[] = {"paperdex-index", "-q", "-o", notes, in, NULL};
    expect_refusal(dir, o_notes, "notes.md", notes, "my own notes\n", 13);

    /* a FIFO and a directory are refused and stay what they were */
    char *fifo = fx_path(dir, "fifo"), *sub = fx_path(dir, "sub");
    assert_int_equal(mkfifo(fifo, 0644), 0);
    assert_int_equal(mkdir(sub, 0755), 0);
    const char *o_fifo[] = {"paperdex-index", "-q", "-o", fifo, in, NULL};
    expect_refusal(dir, o_fifo, "fifo", fifo, NULL, 0);
    const char *o_dir[] = {"paperdex-index", "-q", "-o", sub, in, NULL};
    expect_refusal(dir, o_dir, "sub", sub, NULL, 0);
    /* a device node (only root may make one: a copy of /dev/null) */
    char *dev = fx_path(dir, "null-device");
    if (mknod(dev, S_IFCHR | 0644, makedev(1, 3)) == 0) {
        const char *o_dev[] = {"paperdex-index", "-q", "-o", dev, in, NULL};
        expect_refusal(dir, o_dev, "null-device", dev, NULL, 0);
        struct stat db;
        assert_int_equal(lstat(dev, &db), 0);
        assert_true(S_ISCHR(db.st_mode));
    }
    free(dev);
    struct stat sb;
    assert_int_equal(lstat(fifo, &sb), 0);
    assert_true(S_ISFIFO(sb.st_mode));
    assert_int_equal(lstat(sub, &sb), 0);
    assert_true(S_ISDIR(sb.st_mode));

    /* a dangling symlink is refused; a symlink to an index is followed:
     * the link stays, its target is replaced */
    char *dangling = fx_path(dir, "dangling.idx");
    assert_int_equal(symlink("nowhere/x.idx", dangling), 0);
    const char *o_dangling[] = {"paperdex-index", "-q", "-o", dangling, in, NULL};
    expect_refusal(dir, o_dangling, "dangling.idx", dangling, NULL, 0);
    char *realdir = fx_path(dir, "real"), *real = fx_path(dir, "real/t.idx");
    assert_int_equal(mkdir(realdir, 0755), 0);
    fx_write(real, idx_bytes, idx_len);
    char *link = fx_path(dir, "link.idx");
    assert_int_equal(symlink(real, link), 0);
    char *in2 = fx_path(dir, "in2/b.md");
    fx_write(in2, "## Daily Papers (2024-03-05)\n\n### [Another Paper](https://arxiv.org/abs/"
                  "2403.00502)\n\n- 두 번째.\n\n### [Third Paper](https://arxiv.org/abs/"
                  "2403.00503)\n\n- 세 번째.\n",
             (size_t)-1);
    const char *o_link[] = {"paperdex-index", "-q", "-o", link, in2, NULL};
    r = run_prog(dir, o_link);
    if (r.status != 0)
        fail_msg("-o through a symlink: exit %d: %s", r.status, r.err);
    run_free(&r);
    assert_int_equal(lstat(link, &sb), 0);
    assert_true(S_ISLNK(sb.st_mode));
    char err[512];
    pdx_index *ix;
    assert_int_equal(pdx_index_open(&ix, real, err, sizeof err), PDX_OK);
    pdx_index_info info;
    pdx_index_info_get(ix, &info);
    assert_int_equal(info.docs, 2);
    pdx_index_close(ix);
    char cmd[4200], *ls = NULL;
    snprintf(cmd, sizeof cmd, "LC_ALL=C ls -A '%s'", realdir);
    assert_int_equal(fx_run(cmd, &ls), 0);
    /* the manifest, its one segment and the writer lock (format 4 and later) */
    char *seg = fx_index_segment(real, 0), want[600];
    snprintf(want, sizeof want, "t.idx\n%s\nt.idx.lock\n", strrchr(seg, '/') + 1);
    assert_string_equal(ls, want);
    free(seg);
    free(ls);

    /* an empty file is taken (nothing to lose) */
    char *empty = fx_path(dir, "empty.idx");
    fx_write(empty, "", 0);
    const char *o_empty[] = {"paperdex-index", "-q", "-o", empty, in, NULL};
    r = run_prog(dir, o_empty);
    assert_int_equal(r.status, 0);
    run_free(&r);

    free(empty);
    free(in2);
    free(link);
    free(real);
    free(realdir);
    free(dangling);
    free(fifo);
    free(sub);
    free(notes);
    free(fresh);
    free(idx_bytes);
    free(idx);
    free(indir);
    free(in);
    fx_rmtree(dir);
}

/* Asserts that file path holds exactly text. */
static void assert_holds(const char *path, const char *text)
{
    size_t len;
    char *got = fx_read(path, &len);
    if (!got || len != strlen(text) || memcmp(got, text, len) != 0)
        fail_msg("%s no longer holds '%s'", path, text);
    free(got);
}

/* How many "lib.idx.<n>.seg" files dir holds. */
static size_t segment_files(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        n += !strncmp(e->d_name, "lib.idx.", 8) && len > 12 && !strcmp(e->d_name + len - 4, ".seg");
    }
    closedir(d);
    return n;
}

/* A build over an index whose manifest cannot be read (damaged) removed,
 * at its start, every segment the journal recorded: the index's own, so a
 * build that then failed (no papers, a full disk, Ctrl-C) left a manifest
 * naming files that were gone (a review). Its segments now stay until a
 * new manifest is published, and the new segment takes a free number. */
static void hostile_build_over_damaged_manifest_keeps_segments(void **st)
{
    (void)st;
    char *dir = fx_tmpdir();
    char *in = fx_path(dir, "a.md"), *in2 = fx_path(dir, "b.md"), *idx = fx_path(dir, "lib.idx");
    char *empty = fx_path(dir, "empty");
    fx_write(in, small_digest, sizeof small_digest - 1);
    fx_write(in2, "## Daily Papers (2024-03-05)\n\n### [Second Paper](https://arxiv.org/abs/"
                  "2403.00502)\n\n- 두 번째 논문입니다.\n",
             (size_t)-1);
    assert_int_equal(mkdir(empty, 0755), 0);
    const char *build[] = {"paperdex-index", "-q", "-o", idx, in, NULL};
    const char *update[] = {"paperdex-index", "-q", "--update", "-o", idx, in, in2, NULL};
    const char *nothing[] = {"paperdex-index", "-q", "-o", idx, empty, NULL};
    run_result r = run_prog(dir, build);
    assert_int_equal(r.status, 0);
    run_free(&r);
    r = run_prog(dir, update);
    assert_int_equal(r.status, 0);
    run_free(&r);
    size_t before = segment_files(dir);
    assert_true(before >= 2);
    /* a byte of the manifest past its header: its checksum fails */
    size_t len;
    char *m = fx_read(idx, &len);
    assert_true(m && len > 200);
    m[len - 40] ^= 0x55;
    fx_write(idx, m, len);
    r = run_prog(dir, nothing);
    assert_int_equal(r.status, 1); /* no papers: the index is not written */
    run_free(&r);
    assert_int_equal(segment_files(dir), before);
    /* a build that succeeds replaces it: one segment left */
    r = run_prog(dir, build);
    if (r.status != 0)
        fail_msg("rebuild: exit %d: %s", r.status, r.err);
    run_free(&r);
    assert_int_equal(segment_files(dir), 1);
    free(m);
    free(empty);
    free(idx);
    free(in2);
    free(in);
    fx_rmtree(dir);
}

/* Files of the user's that are named like paperdex's own files beside an
 * index ("<INDEX>.<n>.seg", "<INDEX>.tmp.*") were overwritten or deleted
 * by a build or an update, which exited 0: a file in the way of the next
 * segment now stops the run with a message naming it, and the others are
 * left alone. A file that merely starts with the segment magic, or a copy
 * of a segment (of this index or another), was removed too, which only
 * the magic told from a killed run's segment: now only a segment the
 * journal in the lock file records (pdx_journal_segment()), by its number
 * and identity, is removed. */
static void hostile_index_keeps_files_named_like_its_own(void **st)
{
    (void)st;
    char *dir = fx_tmpdir();
    char *in = fx_path(dir, "a.md"), *idx = fx_path(dir, "lib.idx");
    fx_write(in, small_digest, sizeof small_digest - 1);
    char *next = fx_path(dir, "lib.idx.1.seg"), *far = fx_path(dir, "lib.idx.5.seg");
    char *tmp1 = fx_path(dir, "lib.idx.tmp.1.2.txt");
    char *tmp2 = fx_path(dir, "lib.idx.tmp.77.0123456789abcdef.txt");
    fx_write(next, "my notes", (size_t)-1);
    fx_write(far, "my thesis", (size_t)-1);
    fx_write(tmp1, "my draft", (size_t)-1);
    fx_write(tmp2, "my plan", (size_t)-1);
    const char *build[] = {"paperdex-index", "-q", "-o", idx, in, NULL};
    expect_refusal(dir, build, "lib.idx.1.seg", next, "my notes", 8);
    assert_int_not_equal(access(idx, F_OK), 0); /* no index was written */
    char *moved = fx_path(dir, "notes.txt");
    assert_int_equal(rename(next, moved), 0);
    run_result r = run_prog(dir, build);
    if (r.status != 0)
        fail_msg("build: exit %d: %s", r.status, r.err);
    run_free(&r);
    assert_holds(far, "my thesis");
    assert_holds(tmp1, "my draft");
    assert_holds(tmp2, "my plan");

    /* --update: the next segment's name taken, then a far one and a
     * killed run's segment (a copy of a real one) */
    char *in2 = fx_path(dir, "b.md");
    fx_write(in2, "## Daily Papers (2024-03-05)\n\n### [Second Paper](https://arxiv.org/abs/"
                  "2403.00502)\n\n- 두 번째 논문입니다.\n",
             (size_t)-1);
    char *seg2 = fx_path(dir, "lib.idx.2.seg"), *orphan = fx_path(dir, "lib.idx.42.seg");
    fx_write(seg2, "user", (size_t)-1);
    const char *update[] = {"paperdex-index", "-q", "-o", idx, "--update", in, in2, NULL};
    expect_refusal(dir, update, "lib.idx.2.seg", seg2, "user", 4);
    assert_int_equal(unlink(seg2), 0);
    char *seg1 = fx_index_segment(idx, 0);
    size_t seg_len;
    char *seg_bytes = fx_read(seg1, &seg_len);
    fx_write(orphan, seg_bytes, seg_len);
    /* a killed run's: its journal record, number and identity */
    uint8_t rec[16] = {42}; /* u64 little-endian 42, then the header checksum */
    memcpy(rec + 8, seg_bytes + 56, 8);
    char *lock = fx_path(dir, "lib.idx.lock");
    FILE *lf = fopen(lock, "ab");
    assert_non_null(lf);
    assert_int_equal(fwrite(rec, 1, sizeof rec, lf), sizeof rec);
    fclose(lf);
    /* not paperdex's: a copy of the segment no journal records, and a note
     * that starts with the segment magic */
    char *copy = fx_path(dir, "lib.idx.43.seg"), *magic = fx_path(dir, "lib.idx.44.seg");
    fx_write(copy, seg_bytes, seg_len);
    static const char magic_note[] = "\x89PDX\r\n\x1a\nMY THESIS NOTES";
    fx_write(magic, magic_note, sizeof magic_note - 1);
    r = run_prog(dir, update);
    if (r.status != 0)
        fail_msg("update: exit %d: %s", r.status, r.err);
    run_free(&r);
    assert_holds(far, "my thesis");
    assert_holds(tmp1, "my draft");
    assert_int_not_equal(access(orphan, F_OK), 0); /* paperdex's own: removed */
    assert_holds(magic, magic_note);
    size_t copy_len;
    char *copy_bytes = fx_read(copy, &copy_len);
    assert_true(copy_bytes && copy_len == seg_len && !memcmp(copy_bytes, seg_bytes, seg_len));
    free(copy_bytes);
    /* nor by a full build over the index, whose old segments it removes */
    r = run_prog(dir, build);
    if (r.status != 0)
        fail_msg("rebuild: exit %d: %s", r.status, r.err);
    run_free(&r);
    assert_holds(magic, magic_note);
    assert_int_equal(access(copy, F_OK), 0);

    free(magic);
    free(copy);
    free(lock);
    free(seg_bytes);
    free(seg1);
    free(orphan);
    free(seg2);
    free(in2);
    free(moved);
    free(tmp2);
    free(tmp1);
    free(far);
    free(next);
    free(idx);
    free(in);
    fx_rmtree(dir);
}

/* The index path a user typed is printed escaped by every program that
 * cannot open it (a review found paperdex-search and paperdex-serve
 * writing it raw, an escape sequence and all, where paperdex-index
 * escaped it). */
static void hostile_programs_escape_index_path(void **st)
{
    (void)st;
    char *dir = fx_tmpdir();
    char *idx = fx_path(dir, "no\033[31m.idx");
    const char *search[] = {"paperdex-search", "-i", idx, "robot", NULL};
    const char *serve[] = {"paperdex-serve", "-i", idx, "--listen", "127.0.0.1:0", NULL};
    const char *const *argvs[] = {search, serve};
    for (size_t i = 0; i < 2; i++) {
        run_result r = run_prog(dir, argvs[i]);
        assert_true(r.status != 0);
        if (strchr(r.err, '\033') || strchr(r.out, '\033'))
            fail_msg("%s: a raw escape reached the terminal: %s", argvs[i][0], r.err);
        if (!strstr(r.err, "no\\x1B[31m.idx"))
            fail_msg("%s: the path is not named escaped: %s", argvs[i][0], r.err);
        run_free(&r);
    }
    free(idx);
    fx_rmtree(dir);
}

/* A long path must not push the reason out of a message: a trial's
 * 600-byte path lost it ("paperdex-index: /d/d/.../d; index not written")
 * from 512-byte message buffers. Paths of ~1,500 bytes here. */
static void hostile_long_paths_keep_the_reason(void **st)
{
    (void)st;
    char *dir = fx_tmpdir();
    char *deep = strdup(dir), seg[201];
    memset(seg, 'd', 200);
    seg[200] = 0;
    for (int i = 0; i < 7; i++) {
        char *next = fx_path(deep, seg);
        assert_true(mkdir(next, 0755) == 0);
        free(deep);
        deep = next;
    }
    char *idx = fx_path(deep, "nope.idx"), *missing = fx_path(deep, "missing");
    const char *search[] = {"paperdex-search", "-i", idx, "robot", NULL};
    const char *serve[] = {"paperdex-serve", "-i", idx, "--listen", "127.0.0.1:0", NULL};
    const char *check[] = {"paperdex-index", "--check", idx, NULL};
    const char *build[] = {"paperdex-index", "-o", idx, missing, NULL};
    const char *empty[] = {"paperdex-index", "-o", idx, deep, NULL};
    const char *const *argvs[] = {search, serve, check, build, empty};
    const char *reasons[] = {"No such file or directory", "No such file or directory",
                             "No such file or directory", "No such file or directory",
                             "no papers to index"};
    for (size_t i = 0; i < 5; i++) {
        run_result r = run_prog(dir, argvs[i]);
        assert_true(r.status != 0);
        if (!strstr(r.err, reasons[i]))
            fail_msg("%s %s: the reason is cut: ...%s", argvs[i][0], argvs[i][1],
                     r.err + (strlen(r.err) > 80 ? strlen(r.err) - 80 : 0));
        run_free(&r);
    }
    free(idx);
    free(missing);
    free(deep);
    fx_rmtree(dir);
}

/* An output whose folder is missing, or a folder name, is said so by the
 * name typed: a trial's `-o newdir/` was reported as
 * "newdir/.tmp.29474.e0097f71cc564ffe.stored: cannot create a temporary
 * file beside the index", and --update's as "newdir/.lock: cannot
 * create the writer lock". */
static void hostile_output_folder_missing(void **st)
{
    (void)st;
    char *dir = fx_tmpdir();
    char *digests = fx_path(dir, "d");
    assert_int_equal(mkdir(digests, 0755), 0);
    char *digest = fx_path(digests, "2024-03-04.md");
    fx_write(digest,
             "## Daily Papers (2024-03-04)\n\n"
             "### [A robot paper](https://arxiv.org/abs/2403.00001)\n\n- 로봇 학습.\n",
             (size_t)-1);
    char *slash = fx_path(dir, "newdir/"), *nodir = fx_path(dir, "nodir/x.idx");
    const char *outs[] = {slash, nodir, slash, nodir};
    const char *whys[] = {"names a folder", "its folder does not exist",
                          "names a folder", "its folder does not exist"};
    for (size_t i = 0; i < 4; i++) {
        const char *build[] = {"paperdex-index", "-o", outs[i], digests, NULL};
        const char *update[] = {"paperdex-index", "--update", "-o", outs[i], digests, NULL};
        run_result r = run_prog(dir, i < 2 ? build : update);
        assert_int_not_equal(r.status, 0);
        if (!strstr(r.err, whys[i]) || strstr(r.err, ".tmp.") || strstr(r.err, ".lock"))
            fail_msg("%s -o %s: %s", i < 2 ? "build" : "--update", outs[i], r.err);
        run_free(&r);
    }
    free(slash);
    free(nodir);
    free(digest);
    free(digests);
    fx_rmtree(dir);
}

/* File names are the user's data too: a digest named with a terminal
 * escape (a title change, a screen clear) or a newline (a forged message
 * line) was printed as is in the indexer's messages and summary. They are
 * escaped now, on stderr and stdout alike; plain names are not touched. */
static void hostile_index_escapes_file_names(void **st)
{
    (void)st;
    char *dir = fx_tmpdir();
    char *sub = fx_path(dir, "d");
    assert_int_equal(mkdir(sub, 0755), 0);
    char *evil = fx_path(dir, "d/x\033]0;pwned\a\033[2J.md");
    char *forged = fx_path(dir, "d/a\nfake.md:1: skipped: forged.md");
    char *plain = fx_path(dir, "d/평범한 이름.md");
    /* a backslash: not to be read as the BEL of another name (an attack) */
    char *slash = fx_path(dir, "d/lit\\x07.md");
    const char *no_link = "## Daily Papers (2024-03-04)\n\n### Heading without a link\n\n- 본문.\n";
    fx_write(evil, no_link, (size_t)-1);
    fx_write(forged, no_link, (size_t)-1);
    fx_write(plain, no_link, (size_t)-1);
    fx_write(slash, no_link, (size_t)-1);
    char *idx = fx_path(dir, "x.idx");
    const char *build[] = {"paperdex-index", "-o", idx, sub, NULL};
    run_result r = run_prog(dir, build);
    assert_int_equal(r.status, 0);
    if (strchr(r.err, '\033') || strchr(r.out, '\033') || strchr(r.err, '\a'))
        fail_msg("a raw escape reached the terminal: %s", r.err);
    assert_non_null(strstr(r.err, "x\\x1B]0;pwned\\x07\\x1B[2J.md:3: warning:"));
    assert_non_null(strstr(r.err, "a\\x0Afake.md:1: skipped: forged.md:3: warning:"));
    assert_non_null(strstr(r.err, "평범한 이름.md:3: warning:"));
    assert_non_null(strstr(r.err, "lit\\\\x07.md:3: warning:"));
    for (const char *l = r.err; *l; l = strchr(l, '\n') + 1) { /* no forged line */
        if (!strncmp(l, "fake.md", 7))
            fail_msg("a forged message line: %s", r.err);
        if (!strchr(l, '\n'))
            break;
    }
    run_free(&r);
    free(idx);
    free(slash);
    free(plain);
    free(forged);
    free(evil);
    free(sub);
    fx_rmtree(dir);
}

/* --export-jsonl replaced a segment of another index, or the new index's
 * own next segment, and exited 0; an export into a folder or a missing
 * folder failed only after the index had been replaced, with the exit
 * status that says it was not. */
static void hostile_export_refuses_index_files(void **st)
{
    (void)st;
    char *dir = fx_tmpdir();
    char *in = fx_path(dir, "a.md"), *keep = fx_path(dir, "keep.idx");
    fx_write(in, small_digest, sizeof small_digest - 1);
    const char *build[] = {"paperdex-index", "-q", "-o", keep, in, NULL};
    run_result r = run_prog(dir, build);
    assert_int_equal(r.status, 0);
    run_free(&r);
    char *seg = fx_index_segment(keep, 0), *other = fx_path(dir, "other.idx");
    size_t seg_len, keep_len;
    char *seg_bytes = fx_read(seg, &seg_len), *keep_bytes = fx_read(keep, &keep_len);
    const char *over_seg[] = {"paperdex-index", "-q", "-o", other, "--export-jsonl", seg, in,
                              NULL};
    expect_refusal(dir, over_seg, "paperdex index", seg, seg_bytes, seg_len);
    const char *over_mf[] = {"paperdex-index", "-q", "-o", other, "--export-jsonl", keep, in,
                             NULL};
    expect_refusal(dir, over_mf, "paperdex index", keep, keep_bytes, keep_len);
    char *own = fx_path(dir, "keep.idx.7.seg");
    const char *own_seg[] = {"paperdex-index", "-q", "-o", keep, "--export-jsonl", own, in,
                             NULL};
    expect_refusal(dir, own_seg, "keep.idx.7.seg", keep, keep_bytes, keep_len);
    assert_int_not_equal(access(own, F_OK), 0);

    /* an export that cannot be written stops the run before the index */
    char *in2 = fx_path(dir, "b.md"), *sub = fx_path(dir, "sub"),
         *nowhere = fx_path(dir, "no/such/dir/p.jsonl");
    fx_write(in2, "## Daily Papers (2024-03-05)\n\n### [Second Paper](https://arxiv.org/abs/"
                  "2403.00502)\n\n- 두 번째 논문입니다.\n",
             (size_t)-1);
    assert_int_equal(mkdir(sub, 0755), 0);
    const char *to_dir[] = {"paperdex-index", "-q", "-o", keep, "--export-jsonl", sub, in, in2,
                            NULL};
    expect_refusal(dir, to_dir, "sub", keep, keep_bytes, keep_len);
    const char *to_nowhere[] = {"paperdex-index", "-q",    "-o", keep, "--export-jsonl",
                                nowhere,          in,      in2,  NULL};
    expect_refusal(dir, to_nowhere, "index not written", keep, keep_bytes, keep_len);
    /* and one that can is written beside the new index, also under a
     * name that starts with the index's (only its own files' are taken) */
    char *ok = fx_path(dir, "keep.idx.jsonl");
    const char *good[] = {"paperdex-index", "-q", "-o", keep, "--export-jsonl", ok, in, in2, NULL};
    r = run_prog(dir, good);
    if (r.status != 0)
        fail_msg("export: exit %d: %s", r.status, r.err);
    run_free(&r);
    size_t n;
    char *lines = fx_read(ok, &n);
    assert_non_null(strstr(lines, "2403.00502"));
    free(lines);
    char cmd[4200], *ls = NULL;
    snprintf(cmd, sizeof cmd, "ls -A '%s' | grep -c tmp", dir);
    fx_run(cmd, &ls);
    assert_string_equal(ls, "0\n"); /* no temporary file left */
    free(ls);

    free(ok);
    free(nowhere);
    free(sub);
    free(in2);
    free(own);
    free(keep_bytes);
    free(seg_bytes);
    free(other);
    free(seg);
    free(keep);
    free(in);
    fx_rmtree(dir);
}

/* Output to a full disk (/dev/full) for --json, --info and --check used to
 * exit 0 with nothing written: now exit 1 and say why. */
static void hostile_index_stdout_full(void **st)
{
    (void)st;
    if (access("/dev/full", W_OK) != 0)
        skip();
    char *dir = fx_tmpdir();
    char *in = fx_path(dir, "in/a.md"), *idx = fx_path(dir, "x.idx");
    char *errp = fx_path(dir, "err.txt");
    fx_write(in, small_digest, sizeof small_digest - 1);
    const char *modes[][2] = {{"--json -o", "in"}, {"-o", "in"}, {"--info", NULL},
                              {"--check", NULL}};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        char cmd[8192];
        snprintf(cmd, sizeof cmd, "'%s/paperdex-index' %s '%s' %s%s%s >/dev/full 2>'%s'",
                 PDX_BIN_DIR, modes[i][0], idx, modes[i][1] ? "'" : "",
                 modes[i][1] ? in : "", modes[i][1] ? "'" : "", errp);
        int status = fx_run(cmd, NULL);
        char *err = fx_read(errp, NULL);
        assert_non_null(err);
        if (status != 1 || !strstr(err, "standard output"))
            fail_msg("%s > /dev/full: exit %d: %s", modes[i][0], status, err);
        /* a build wrote the index all the same, and says so (it said only
         * that standard output failed, as if nothing had been written) */
        if (!strstr(err, "was written") != (modes[i][1] == NULL))
            fail_msg("%s > /dev/full: %s", modes[i][0], err);
        free(err);
    }
    free(errp);
    free(idx);
    free(in);
    fx_rmtree(dir);
}

/* Counts the occurrences of needle in s. */
static size_t count_in(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* A user trial: a FIFO input was "skipped: not a regular file or
 * directory; skipped", an update with no inputs left said "the index was
 * not changed; index not changed". Each says it once. */
static void hostile_index_messages_say_it_once(void **st)
{
    (void)st;
    char *dir = fx_tmpdir();
    char *in = fx_path(dir, "in/a.md"), *indir = fx_path(dir, "in"), *idx = fx_path(dir, "x.idx");
    char *fifo = fx_path(dir, "pipe.md");
    fx_write(in, small_digest, sizeof small_digest - 1);
    assert_int_equal(mkfifo(fifo, 0644), 0);
    const char *build[] = {"paperdex-index", "-q", "-o", idx, fifo, indir, NULL};
    run_result r = run_prog(dir, build);
    if (r.status != 0 || !strstr(r.err, "pipe.md: skipped: not a regular file") ||
        count_in(r.err, "skipped") != 1)
        fail_msg("FIFO input: exit %d: %s", r.status, r.err);
    run_free(&r);
    assert_int_equal(unlink(in), 0);
    const char *update[] = {"paperdex-index", "-q", "--update", "-o", idx, indir, NULL};
    r = run_prog(dir, update);
    if (r.status != 1 || !strstr(r.err, "no papers would be left") ||
        count_in(r.err, "not changed") != 1)
        fail_msg("update with no inputs left: exit %d: %s", r.status, r.err);
    run_free(&r);
    free(fifo);
    free(idx);
    free(indir);
    free(in);
    fx_rmtree(dir);
}

/* A file with a warning on every line shows 100 of them and one line for
 * the rest, which the summary still counts (a user trial: 50,000 headings
 * with one arXiv id and a bad vote printed 100,000 lines); its skipped
 * papers are all shown. */
static void hostile_index_warnings_capped_per_file(void **st)
{
    (void)st;
    char *dir = fx_tmpdir();
    char *in = fx_path(dir, "in/a.md"), *indir = fx_path(dir, "in"), *idx = fx_path(dir, "x.idx");
    size_t cap = 1 << 15, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    len += (size_t)snprintf(text, cap, "## Daily Papers (2024-05-17)\n");
    for (int i = 0; i < 150; i++)
        len += (size_t)snprintf(text + len, cap - len,
                                "### [P%d](https://arxiv.org/abs/2405.%05d)\nVote: x\n- 요약.\n", i,
                                i + 1);
    len += (size_t)snprintf(text + len, cap - len, "### [](https://example.org/x)\n");
    assert_true(len < cap);
    fx_write(in, text, len);
    free(text);
    const char *argv[] = {"paperdex-index", "--json", "-o", idx, indir, NULL};
    run_result r = run_prog(dir, argv);
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    assert_int_equal(json_u64(r.out, "warnings"), 150);
    assert_int_equal(count_in(r.err, ": warning: vote count"), 100);
    if (!strstr(r.err, "a.md: warning: 50 more warnings not shown (100 shown)") ||
        count_in(r.err, ": skipped: ") != 1)
        fail_msg("warnings of one file: %s", r.err);
    run_free(&r);
    free(idx);
    free(indir);
    free(in);
    fx_rmtree(dir);
}

/* The same folder named twice and a file named beside its folder are read
 * once: no duplicate warnings (the corpus twice gave 4,344 of them). */
static void hostile_index_same_input_twice(void **st)
{
    (void)st;
    char *dir = fx_tmpdir();
    char *in = fx_path(dir, "in/a.md"), *indir = fx_path(dir, "in"), *idx = fx_path(dir, "x.idx");
    fx_write(in, small_digest, sizeof small_digest - 1);
    const char *argv[] = {"paperdex-index", "--json", "-o", idx, indir, indir, in, NULL};
    run_result r = run_prog(dir, argv);
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    assert_int_equal(json_u64(r.out, "files"), 1);
    assert_int_equal(json_u64(r.out, "papers"), 1);
    assert_int_equal(json_u64(r.out, "duplicates"), 0);
    assert_int_equal(json_u64(r.out, "warnings"), 0);
    assert_null(strstr(r.err, "duplicate"));
    run_free(&r);
    free(idx);
    free(indir);
    free(in);
    fx_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hostile_index_accounts_for_every_heading),
        cmocka_unit_test(hostile_index_content_is_searchable),
        cmocka_unit_test(hostile_index_empty_directory_keeps_old_index),
        cmocka_unit_test(hostile_index_failed_first_build_leaves_no_lock),
        cmocka_unit_test(hostile_search_odd_queries),
        cmocka_unit_test(hostile_search_huge_queries),
        cmocka_unit_test(hostile_index_50mb_file),
        cmocka_unit_test(hostile_index_refuses_unsafe_outputs),
        cmocka_unit_test(hostile_index_keeps_files_named_like_its_own),
        cmocka_unit_test(hostile_build_over_damaged_manifest_keeps_segments),
        cmocka_unit_test(hostile_export_refuses_index_files),
        cmocka_unit_test(hostile_index_escapes_file_names),
        cmocka_unit_test(hostile_programs_escape_index_path),
        cmocka_unit_test(hostile_long_paths_keep_the_reason),
        cmocka_unit_test(hostile_output_folder_missing),
        cmocka_unit_test(hostile_index_stdout_full),
        cmocka_unit_test(hostile_index_same_input_twice),
        cmocka_unit_test(hostile_index_messages_say_it_once),
        cmocka_unit_test(hostile_index_warnings_capped_per_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
