/*
 * End-to-end tests of paperdex-search (searcher/search_cli.c): the built
 * paperdex-index and paperdex-search run through the shell on digests the
 * group setup writes (our own Korean and English text, with quotes,
 * backslashes, tabs and control characters in titles, authors and
 * summaries). Checks exit codes, the JSON Lines output (validated by
 * python3 when it is installed), paging, sort orders, colour, error lines
 * and the README quick start on the shared seeds (skipped without them).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixtures.h"

#define INDEX_BIN PDX_BIN_DIR "/paperdex-index"
#define SEARCH_BIN PDX_BIN_DIR "/paperdex-search"

/* Five papers match "diffusion":
 *   2406.10001  2024-06-10  40 votes  (quotes, backslashes, tab, ESC, ^A)
 *   2406.10002  2024-06-10  votes unknown ("Vote: -")
 *   2407.00001  2024-07-01   5 votes  (a survey)
 *   2407.00002  2024-07-01 100 votes
 *   2405.20001  2024-05-20  12 votes
 * and 2405.20002 (no Vote line) does not. */
static const char day_0610[] =
    "## Daily Papers (2024-06-10)\n"
    "\n"
    "### [Quoted \"Diffusion\" Models with \\back\\slashes and\ttabs]"
    "(https://arxiv.org/abs/2406.10001)\n"
    "\n"
    "Vote: 40\n"
    "\n"
    "Authors: Ana \"Q\" Lee, Bo Back\\slash, Cy\tTab, Dee Four, Eun Five\n"
    "\n"
    "- **What's New**: 이 논문은 따옴표 \"diffusion\" 모델과 백슬래시 \\ 문자를 다룹니다.\t"
    "탭과 제어 문자\x01\x1b[31m도 들어 있습니다.\n"
    "- **Technical Details**: The diffusion sampler reads C:\\path\\to\\file and a \"quoted\" "
    "schedule.\n"
    "\n"
    "### [Video Diffusion for Walking Robots](https://arxiv.org/abs/2406.10002)\n"
    "\n"
    "Vote: -\n"
    "\n"
    "Authors: Minji Kim, Jae Park\n"
    "\n"
    "- **What's New**: 걷는 로봇을 위해 비디오 diffusion 모델과 강화학습을 묶습니다.\n";

static const char day_0701[] =
    "## Daily Papers (2024-07-01)\n"
    "\n"
    "### [A Survey of Diffusion Samplers](https://arxiv.org/abs/2407.00001)\n"
    "\n"
    "Vote: 5\n"
    "\n"
    "Authors: Sora Han\n"
    "\n"
    "- **What's New**: diffusion 샘플러를 정리한 서베이입니다.\n"
    "\n"
    "### [Text-to-Video Generation at Scale](https://arxiv.org/abs/2407.00002)\n"
    "\n"
    "Vote: 100\n"
    "\n"
    "Authors: Ha Eun, Jun Seo, Kai Moon\n"
    "\n"
    "- **What's New**: text-to-video 생성 모델을 크게 키워 학습합니다. A diffusion backbone "
    "does the work.\n";

static const char day_0520[] =
    "## Daily Papers (2024-05-20)\n"
    "\n"
    "### [Robots Learn with Reinforcement](https://arxiv.org/abs/2405.20001)\n"
    "\n"
    "Vote: 12\n"
    "\n"
    "Authors: Yuna Choi\n"
    "\n"
    "- **What's New**: 로봇이 강화학습으로 diffusion 정책을 배웁니다.\n"
    "\n"
    "### [An Untitled Transfer Study](https://arxiv.org/abs/2405.20002)\n"
    "\n"
    "Authors: Min Ho\n"
    "\n"
    "- **What's New**: transformer transfer 실험입니다. There is no vote line here.\n";

/* Checks every JSON line: keys in order, types, highlight ranges inside
 * the snippet's UTF-8 bytes. Prints the number of lines. */
static const char validate_py[] =
    "import json, re, sys\n"
    "keys = ['rank','score','id','url','date','votes','title','authors','snippet',\n"
    "        'highlights','title_highlights','partial']\n"
    "n = 0\n"
    "for line in open(sys.argv[1], encoding='utf-8'):\n"
    "    o = json.loads(line)\n"
    "    assert list(o.keys()) == keys, list(o.keys())\n"
    "    assert isinstance(o['rank'], int) and o['rank'] >= 1\n"
    "    assert isinstance(o['score'], (int, float))\n"
    "    assert isinstance(o['id'], str) and o['id']\n"
    "    assert o['url'] is None or isinstance(o['url'], str)\n"
    "    assert o['date'] is None or re.fullmatch(r'\\d{4}-\\d{2}-\\d{2}', o['date'])\n"
    "    assert o['votes'] is None or (isinstance(o['votes'], int) and o['votes'] >= 0)\n"
    "    assert isinstance(o['title'], str)\n"
    "    assert isinstance(o['authors'], list) and all(isinstance(a, str) for a in "
    "o['authors'])\n"
    "    b = o['snippet'].encode('utf-8')\n"
    "    last = 0\n"
    "    for s, e in o['highlights']:\n"
    "        assert last <= s < e <= len(b), (s, e, len(b))\n"
    "        b[s:e].decode('utf-8')\n"
    "        last = e\n"
    "    t, last = o['title'].encode('utf-8'), 0\n"
    "    for s, e in o['title_highlights']:\n"
    "        assert last <= s < e <= len(t), (s, e, len(t))\n"
    "        t[s:e].decode('utf-8')\n"
    "        last = e\n"
    "    assert isinstance(o['partial'], bool)\n"
    "    n += 1\n"
    "print(n)\n";

/* Field values of the tricky paper, decoded by python. */
static const char tricky_py[] =
    "import json, sys\n"
    "o = {}\n"
    "for line in open(sys.argv[1], encoding='utf-8'):\n"
    "    x = json.loads(line)\n"
    "    o[x['id']] = x\n"
    "t = o['2406.10001']\n"
    "assert t['title'] == 'Quoted \"Diffusion\" Models with \\\\back\\\\slashes and\\ttabs', "
    "repr(t['title'])\n"
    "assert t['authors'][0] == 'Ana \"Q\" Lee', t['authors']\n"
    "assert t['authors'][1] == 'Bo Back\\\\slash', t['authors']\n"
    "assert len(t['authors']) == 5\n"
    "assert t['votes'] == 40 and t['date'] == '2024-06-10'\n"
    "assert t['url'] == 'https://arxiv.org/abs/2406.10001'\n"
    "b = t['snippet'].encode('utf-8')\n"
    "words = [b[s:e].decode('utf-8').lower() for s, e in t['highlights']]\n"
    "assert words and all(w == 'diffusion' for w in words), words\n"
    "assert not any(ord(c) < 32 for c in t['snippet']), repr(t['snippet'])\n"
    "assert o['2406.10002']['votes'] is None\n"
    "print('ok')\n";

typedef struct fixture {
    char *dir;
    char *index;
    char *out; /* scratch file for outputs */
    bool python;
} fixture;

static fixture *fx;

/* Runs a printf-formatted shell command; returns its exit status and, if
 * out is not NULL, its stdout (malloc'd). */
static int sh(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int sh(char **out, const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    assert_true(n > 0 && (size_t)n < sizeof cmd);
    return fx_run(cmd, out);
}

static int setup(void **state)
{
    (void)state;
    fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    fx->dir = fx_tmpdir();
    char *p = fx_path(fx->dir, "digests/2024/06/10.md");
    fx_write(p, day_0610, (size_t)-1);
    free(p);
    p = fx_path(fx->dir, "digests/2024/07/01.md");
    fx_write(p, day_0701, (size_t)-1);
    free(p);
    p = fx_path(fx->dir, "digests/2024/05/20.md");
    fx_write(p, day_0520, (size_t)-1);
    free(p);
    p = fx_path(fx->dir, "validate.py");
    fx_write(p, validate_py, (size_t)-1);
    free(p);
    p = fx_path(fx->dir, "tricky.py");
    fx_write(p, tricky_py, (size_t)-1);
    free(p);
    fx->index = fx_path(fx->dir, "t.idx");
    fx->out = fx_path(fx->dir, "out.txt");
    assert_int_equal(sh(NULL, "'%s' -q -o '%s' '%s/digests'", INDEX_BIN, fx->index, fx->dir), 0);
    fx->python = sh(NULL, "command -v python3 >/dev/null 2>&1") == 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fx_rmtree(fx->dir);
    free(fx->index);
    free(fx->out);
    free(fx);
    return 0;
}

/* paperdex-search on the fixture index with args; stdout in *out. */
static int search(char **out, const char *args)
{
    return sh(out, "NO_COLOR= '%s' -i '%s' %s 2>/dev/null", SEARCH_BIN, fx->index, args);
}

/* The ids of the JSON lines, in order, joined with spaces. */
static char *json_ids(const char *args, int *rc)
{
    char *out;
    char full[1024];
    snprintf(full, sizeof full, "--json %s", args);
    *rc = search(&out, full);
    size_t cap = strlen(out) + 1;
    char *ids = calloc(1, cap);
    assert_non_null(ids);
    for (const char *l = out; (l = strstr(l, "\"id\":\"")) != NULL;) {
        l += 6;
        const char *e = strchr(l, '"');
        assert_non_null(e);
        if (*ids)
            strcat(ids, " ");
        strncat(ids, l, (size_t)(e - l));
        l = e;
    }
    free(out);
    return ids;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Runs args and checks: exit 2, nothing on stdout, exactly one stderr line
 * starting with "paperdex-search: " and containing want. */
static void expect_error(const char *args, const char *want)
{
    char *err;
    int rc = sh(&err, "'%s' %s 2>&1 >/dev/null", SEARCH_BIN, args);
    if (rc != 2 || strncmp(err, "paperdex-search: ", 17) || count_lines(err) != 1 ||
        !strstr(err, want))
        fail_msg("'%s': exit %d, stderr '%s' (want 2 and one line with '%s')", args, rc, err,
                 want);
    free(err);
    char *out;
    rc = sh(&out, "'%s' %s 2>/dev/null", SEARCH_BIN, args);
    assert_int_equal(rc, 2);
    assert_string_equal(out, "");
    free(out);
}

/* ---- tests ---- */

static void test_exit_codes(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(search(&out, "diffusion"), 0);
    assert_non_null(strstr(out, "5 papers match \"diffusion\""));
    free(out);
    assert_int_equal(search(&out, "qqqzzzxxx"), 1);
    assert_non_null(strstr(out, "no paper matches"));
    free(out);
    assert_int_equal(search(&out, "--json qqqzzzxxx"), 1);
    assert_string_equal(out, "");
    free(out);
    /* a page past the end: papers match, none shown */
    assert_int_equal(search(&out, "--offset 50 diffusion"), 0);
    free(out);
    assert_int_equal(search(&out, "--help"), 0);
    assert_non_null(strstr(out, "query language"));
    assert_non_null(strstr(out, "author:\"Zhiqiu Lin\""));
    assert_non_null(strstr(out, "--sort votes"));
    free(out);
}

static void test_human_output(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(search(&out, "-n 5 diffusion"), 0);
    /* the first line: count, query, time */
    assert_true(!strncmp(out, "5 papers match \"diffusion\" (", 28));
    assert_non_null(strstr(strtok(out, "\n"), " ms)"));
    free(out);
    assert_int_equal(search(&out, "-n 5 diffusion"), 0);
    assert_non_null(strstr(out, "https://arxiv.org/abs/2406.10001"));
    assert_non_null(strstr(out, "2024-06-10 | 40 votes"));
    assert_non_null(strstr(out, "votes unknown"));
    assert_non_null(strstr(out, "Ana \"Q\" Lee, Bo Back\\slash, Cy Tab + 2 more"));
    /* plain markers around matches, in titles and snippets */
    assert_non_null(strstr(out, "\xc2\xab" "Diffusion" "\xc2\xbb"));
    assert_non_null(strstr(out, "\xc2\xab" "diffusion" "\xc2\xbb"));
    /* no control character from the index reaches the terminal */
    for (const char *c = out; *c; c++)
        if ((unsigned char)*c < 0x20 && *c != '\n')
            fail_msg("control character 0x%02x in output", (unsigned char)*c);
    free(out);
    /* a paper with no Vote line: votes unknown; matched by its title */
    assert_int_equal(search(&out, "untitled"), 0);
    assert_non_null(strstr(out, "2024-05-20 | votes unknown"));
    assert_non_null(strstr(out, "1 paper matches"));
    free(out);
}

static void test_partial_matches(void **state)
{
    (void)state;
    char *out;
    /* one paper has both words; the others only one */
    assert_int_equal(search(&out, "diffusion 샘플러"), 0);
    assert_non_null(strstr(out, "only 1 paper matches every word"));
    assert_non_null(strstr(out, "[partial"));
    free(out);
    /* nothing matches both: partial matches only */
    assert_int_equal(search(&out, "diffusion qqqzzzxxx"), 0);
    assert_non_null(strstr(out, "no paper matches every word; showing best partial matches"));
    assert_non_null(strstr(out, "[partial: 1 of 2 words]"));
    free(out);
    assert_int_equal(search(&out, "--no-partial diffusion qqqzzzxxx"), 1);
    free(out);
    int rc;
    char *ids = json_ids("diffusion qqqzzzxxx", &rc);
    assert_int_equal(rc, 0);
    assert_true(strlen(ids) > 0);
    free(ids);
    assert_int_equal(search(&out, "--json diffusion 샘플러"), 0);
    assert_non_null(strstr(out, "\"partial\":true"));
    assert_non_null(strstr(out, "\"partial\":false"));
    free(out);
}

static void test_json_valid(void **state)
{
    (void)state;
    if (!fx->python)
        skip();
    static const char *const queries[] = {
        "-n 50 diffusion", "-n 50 '\"quoted\"'", "-n 50 'path OR file'", "-n 50 강화학습",
        "-n 50 'date:2024'", "-n 50 'transf*'", "-n 50 diffusion qqqzzzxxx",
        "-n 50 '탭과 \"diffusion\"'"};
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        char args[512];
        snprintf(args, sizeof args, "--json %s > '%s'", queries[i], fx->out);
        int rc = search(NULL, args);
        assert_true(rc == 0 || rc == 1);
        /* the brief one-liner, then the thorough check */
        assert_int_equal(sh(NULL, "python3 -c 'import json,sys; [json.loads(l) for l in "
                                  "sys.stdin]' < '%s'",
                            fx->out),
                         0);
        char *n;
        if (sh(&n, "python3 '%s/validate.py' '%s' 2>&1", fx->dir, fx->out) != 0)
            fail_msg("query %s: %s", queries[i], n);
        free(n);
    }
    /* the tricky paper's fields round-trip */
    char args[512];
    snprintf(args, sizeof args, "--json -n 50 diffusion > '%s'", fx->out);
    assert_int_equal(search(NULL, args), 0);
    char *res;
    if (sh(&res, "python3 '%s/tricky.py' '%s' 2>&1", fx->dir, fx->out) != 0)
        fail_msg("tricky paper: %s", res);
    assert_string_equal(res, "ok\n");
    free(res);
    /* JSON mode writes nothing but JSON lines on stdout */
    char *out;
    assert_int_equal(search(&out, "--json -n 50 diffusion"), 0);
    assert_int_equal(count_lines(out), 5);
    for (const char *l = out; *l; l = strchr(l, '\n') + 1)
        assert_true(*l == '{');
    free(out);
}

static void test_paging(void **state)
{
    (void)state;
    int rc;
    char *all = json_ids("-n 5 diffusion", &rc);
    assert_int_equal(rc, 0);
    char *p1 = json_ids("-n 2 diffusion", &rc);
    char *p2 = json_ids("-n 2 --offset 2 diffusion", &rc);
    char *p3 = json_ids("--limit=2 --offset=4 diffusion", &rc);
    char *p4 = json_ids("-n 2 --offset 6 diffusion", &rc);
    char joined[512];
    snprintf(joined, sizeof joined, "%s %s %s", p1, p2, p3);
    assert_string_equal(joined, all);
    assert_string_equal(p4, "");
    assert_null(strchr(all, '\n'));
    free(all);
    free(p1);
    free(p2);
    free(p3);
    free(p4);
    /* ranks continue across pages */
    char *out;
    assert_int_equal(search(&out, "--json -n 1 --offset 3 diffusion"), 0);
    assert_true(!strncmp(out, "{\"rank\":4,", 10));
    free(out);
    assert_int_equal(search(&out, "-n 2 --offset 2 diffusion"), 0);
    assert_non_null(strstr(out, "showing 3-4"));
    assert_non_null(strstr(out, "  3. "));
    free(out);
}

static void test_sort(void **state)
{
    (void)state;
    int rc;
    char *ids = json_ids("-n 10 --sort votes diffusion", &rc);
    assert_string_equal(ids, "2407.00002 2406.10001 2405.20001 2407.00001 2406.10002");
    free(ids);
    ids = json_ids("-n 10 --sort date diffusion", &rc);
    /* newest first; within a day by score, so only check the days */
    assert_true(!strncmp(ids, "2407.0000", 9));
    assert_true(!strncmp(ids + 11, "2407.0000", 9));
    assert_true(!strncmp(ids + 22, "2406.1000", 9));
    assert_true(!strncmp(ids + 33, "2406.1000", 9));
    assert_string_equal(ids + 44, "2405.20001");
    free(ids);
    ids = json_ids("-n 10 --sort=score --vote-weight 0 --field-weights 1,1,1 --k1 1.5 --b 0.5 "
                   "diffusion",
                   &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(strlen(ids), 5 * 10 + 4);
    free(ids);
}

static void test_query_forms(void **state)
{
    (void)state;
    int rc;
    /* an exclusion given as its own argument is a query word, not an option */
    char *ids = json_ids("diffusion -survey", &rc);
    assert_int_equal(rc, 0);
    assert_null(strstr(ids, "2407.00001"));
    free(ids);
    ids = json_ids("--no-partial '\"text-to-video\"'", &rc);
    assert_string_equal(ids, "2407.00002");
    free(ids);
    ids = json_ids("--no-partial 'title:diffusion' 비디오", &rc);
    assert_string_equal(ids, "2406.10002");
    free(ids);
    ids = json_ids("--no-partial 'author:\"Minji Kim\"'", &rc);
    assert_string_equal(ids, "2406.10002");
    free(ids);
    ids = json_ids("--no-partial 강화학습 'votes:>=10' --sort votes", &rc);
    assert_string_equal(ids, "2405.20001");
    free(ids);
    ids = json_ids("--no-partial 'transf*' date:2024-05", &rc);
    assert_string_equal(ids, "2405.20002");
    free(ids);
    ids = json_ids("-- -n", &rc); /* after --, "-n" is a query word */
    assert_true(rc == 0 || rc == 1 || rc == 2);
    free(ids);
}

static void test_color(void **state)
{
    (void)state;
    char *out;
    /* not a terminal: no escapes, with or without NO_COLOR */
    assert_int_equal(sh(&out, "env -u NO_COLOR '%s' -i '%s' diffusion", SEARCH_BIN, fx->index),
                     0);
    assert_null(strchr(out, '\033'));
    free(out);
    assert_int_equal(sh(&out, "NO_COLOR=1 '%s' -i '%s' diffusion", SEARCH_BIN, fx->index), 0);
    assert_null(strchr(out, '\033'));
    free(out);
    /* forced colour: highlights are SGR sequences, the index's own ESC is
     * still not passed through (it became a space) */
    assert_int_equal(
        sh(&out, "'%s' -i '%s' --color always -n 5 diffusion", SEARCH_BIN, fx->index), 0);
    assert_non_null(strstr(out, "\033[1;33m"));
    assert_null(strstr(out, "\033[31m"));
    free(out);
    /* NO_COLOR wins over a terminal; `script` is not assumed, so only the
     * option is checked */
    assert_int_equal(sh(&out, "NO_COLOR=1 '%s' -i '%s' --color never diffusion", SEARCH_BIN,
                        fx->index),
                     0);
    assert_null(strchr(out, '\033'));
    free(out);
}

static void test_errors(void **state)
{
    (void)state;
    char args[1024];
    snprintf(args, sizeof args, "-i '%s' 'author:'", fx->index);
    expect_error(args, "nothing after");
    snprintf(args, sizeof args, "-i '%s' date:2024-13", fx->index);
    expect_error(args, "date");
    snprintf(args, sizeof args, "-i '%s' 'votes:>=abc'", fx->index);
    expect_error(args, "vote");
    snprintf(args, sizeof args, "-i '%s' -n abc diffusion", fx->index);
    expect_error(args, "-n");
    snprintf(args, sizeof args, "-i '%s' -n 0 diffusion", fx->index);
    expect_error(args, "-n");
    snprintf(args, sizeof args, "-i '%s' --sort foo diffusion", fx->index);
    expect_error(args, "--sort");
    snprintf(args, sizeof args, "-i '%s' --sort", fx->index);
    expect_error(args, "--sort");
    snprintf(args, sizeof args, "-i '%s' --offset -3 diffusion", fx->index);
    expect_error(args, "--offset");
    snprintf(args, sizeof args, "-i '%s' --field-weights 1,2 diffusion", fx->index);
    expect_error(args, "--field-weights");
    snprintf(args, sizeof args, "-i '%s' --b 2 diffusion", fx->index);
    expect_error(args, "--b");
    snprintf(args, sizeof args, "-i '%s' --k1 nan diffusion", fx->index);
    expect_error(args, "--k1");
    snprintf(args, sizeof args, "-i '%s' --bogus diffusion", fx->index);
    expect_error(args, "unknown option");
    snprintf(args, sizeof args, "-i '%s'", fx->index);
    expect_error(args, "no query");

    /* missing index, also through $PAPERDEX_INDEX */
    snprintf(args, sizeof args, "-i '%s/missing.idx' diffusion", fx->dir);
    expect_error(args, "missing.idx");
    char *out;
    assert_int_equal(sh(&out, "cd '%s' && PAPERDEX_INDEX= '%s' diffusion 2>&1", fx->dir,
                        SEARCH_BIN),
                     2);
    assert_non_null(strstr(out, "paperdex.idx"));
    free(out);
    assert_int_equal(sh(&out, "PAPERDEX_INDEX='%s' '%s' --json diffusion", fx->index,
                        SEARCH_BIN),
                     0);
    assert_int_equal(count_lines(out), 5);
    free(out);

    /* not an index, and a truncated copy */
    char *junk = fx_path(fx->dir, "junk.idx");
    fx_write(junk, "this is not an index\n", (size_t)-1);
    snprintf(args, sizeof args, "-i '%s' diffusion", junk);
    expect_error(args, "junk.idx");
    size_t len;
    char *data = fx_read(fx->index, &len);
    assert_non_null(data);
    char *cut = fx_path(fx->dir, "cut.idx");
    size_t lens[] = {0, 8, len / 3, len / 2, len - 1};
    for (size_t i = 0; i < sizeof lens / sizeof *lens; i++) {
        fx_write(cut, data, lens[i]);
        snprintf(args, sizeof args, "-i '%s' diffusion", cut);
        expect_error(args, "cut.idx");
    }
    free(data);
    free(cut);
    free(junk);
}

static void test_quick_start_on_seeds(void **state)
{
    (void)state;
    const char *shared = fx_shared_dir();
    if (!shared)
        skip();
    char *idx = fx_path(fx->dir, "seeds.idx");
    assert_int_equal(sh(NULL, "'%s' -q -o '%s' '%s/seeds' 2>/dev/null", INDEX_BIN, idx, shared),
                     0);
    char *out;
    assert_int_equal(sh(&out, "'%s' -i '%s' -n 3 'diffusion 모델'", SEARCH_BIN, idx), 0);
    assert_non_null(strstr(out, "papers match \"diffusion 모델\""));
    assert_non_null(strstr(out, "  1. "));
    assert_non_null(strstr(out, "https://arxiv.org/abs/"));
    free(out);
    if (fx->python) {
        assert_int_equal(sh(NULL, "'%s' -i '%s' --json -n 100 'diffusion 모델' > '%s'",
                            SEARCH_BIN, idx, fx->out),
                         0);
        char *n;
        assert_int_equal(sh(&n, "python3 '%s/validate.py' '%s' 2>&1", fx->dir, fx->out), 0);
        assert_true(atoi(n) >= 1);
        free(n);
    }
    free(idx);
}

/* --json over the whole corpus, for every latency query and a few with
 * quotes, backslashes and operators: every line parses with python3's json
 * module, has the documented keys, and its highlights are in-bounds byte
 * ranges of its snippet that fall on UTF-8 character boundaries. */
static const char corpus_json_py[] =
    "import json, subprocess, sys\n"
    "search, idx, qfile = sys.argv[1:4]\n"
    "queries = [l.strip() for l in open(qfile, encoding='utf-8') if l.strip()]\n"
    "queries += ['\"text to video\"', 'back\\\\slash', 'quote\"d', 'a -b OR c', 'transf*',\n"
    "            'author:\"Zhiqiu Lin\"', '강화학습 date:2024', 'votes:>=50 diffusion']\n"
    "keys = ['rank','score','id','url','date','votes','title','authors','snippet',\n"
    "        'highlights','title_highlights','partial']\n"
    "lines = 0\n"
    "for q in queries:\n"
    "    r = subprocess.run([search, '-i', idx, '--json', '-n', '20', q],\n"
    "                       capture_output=True)\n"
    "    if r.returncode not in (0, 1):\n"
    "        sys.exit('exit %d for %r: %s' % (r.returncode, q, r.stderr))\n"
    "    for line in r.stdout.decode('utf-8').splitlines():\n"
    "        o = json.loads(line)\n"
    "        if list(o) != keys: sys.exit('keys %r for %r' % (list(o), q))\n"
    "        sn = o['snippet'].encode('utf-8')\n"
    "        for a, b in o['highlights']:\n"
    "            if not (0 <= a < b <= len(sn)): sys.exit('range %d,%d for %r' % (a, b, q))\n"
    "            sn[a:b].decode('utf-8')\n"
    "        lines += 1\n"
    "print(len(queries), lines)\n";

static void test_corpus_json(void **state)
{
    (void)state;
    const char *shared = fx_shared_dir();
    if (!shared || !fx->python)
        skip();
    char *idx = fx_path(fx->dir, "corpus.idx"), *py = fx_path(fx->dir, "corpus_json.py");
    fx_write(py, corpus_json_py, (size_t)-1);
    assert_int_equal(sh(NULL, "'%s' -q -o '%s' '%s/corpus/paper_logs' 2>/dev/null", INDEX_BIN,
                        idx, shared),
                     0);
    char *out;
    int rc = sh(&out, "python3 '%s' '%s' '%s' '%s/eval/latency_queries.txt' 2>&1", py,
                SEARCH_BIN, idx, shared);
    if (rc)
        fail_msg("%s", out);
    unsigned nq = 0, nl = 0;
    assert_int_equal(sscanf(out, "%u %u", &nq, &nl), 2);
    print_message("corpus --json: %u queries, %u objects\n", nq, nl);
    assert_true(nq >= 500 && nl >= 1000);
    free(out);
    free(py);
    free(idx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exit_codes),
        cmocka_unit_test(test_human_output),
        cmocka_unit_test(test_partial_matches),
        cmocka_unit_test(test_json_valid),
        cmocka_unit_test(test_paging),
        cmocka_unit_test(test_sort),
        cmocka_unit_test(test_query_forms),
        cmocka_unit_test(test_color),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_quick_start_on_seeds),
        cmocka_unit_test(test_corpus_json),
    };
    return cmocka_run_group_tests_name("search_cli", tests, setup, teardown);
}
