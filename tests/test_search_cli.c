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

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fixtures.h"
#include "paperdex/paperdex.h"

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

/* Checks every JSON line: the hits' keys in order, types, highlight ranges
 * inside the snippet's UTF-8 bytes; then the summary line, last, whose
 * counts agree with the hits. Prints the number of hits. */
static const char validate_py[] =
    "import json, re, sys\n"
    "keys = ['type','rank','score','id','url','date','votes','title','authors','authors_total',\n"
    "        'snippet','highlights','title_highlights','partial','missing']\n"
    "skeys = ['type','query','total','total_exact','shown','offset','partial_used',\n"
    "         'took_us','notices','expansions','suggestion','corrected']\n"
    "lines = open(sys.argv[1], encoding='utf-8').read().splitlines()\n"
    "assert lines, 'no summary line'\n"
    "n = 0\n"
    "for line in lines[:-1]:\n"
    "    o = json.loads(line)\n"
    "    assert list(o.keys()) == keys, list(o.keys())\n"
    "    assert o['type'] == 'hit'\n"
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
    "    assert isinstance(o['missing'], list) and all(isinstance(w, str) and w for w in "
    "o['missing'])\n"
    "    assert bool(o['missing']) == o['partial'], (o['missing'], o['partial'])\n"
    "    n += 1\n"
    "s = json.loads(lines[-1])\n"
    "assert list(s.keys()) == skeys, list(s.keys())\n"
    "assert s['type'] == 'summary' and s['shown'] == n, (s, n)\n"
    "assert isinstance(s['query'], str) and s['query']\n"
    "assert isinstance(s['total'], int) and s['total'] >= 0\n"
    "assert isinstance(s['total_exact'], bool) and isinstance(s['partial_used'], bool)\n"
    "assert isinstance(s['offset'], int) and s['offset'] >= 0\n"
    "assert isinstance(s['took_us'], int) and s['took_us'] >= 0\n"
    "assert all(isinstance(x, str) for x in s['notices'])\n"
    "assert s['suggestion'] is None or isinstance(s['suggestion'], str)\n"
    "assert isinstance(s['corrected'], bool) and (s['suggestion'] or not s['corrected'])\n"
    "full = sum(1 for l in lines[:-1] if not json.loads(l)['partial'])\n"
    "assert full <= max(0, s['total'] - s['offset']) or not s['total_exact'], (s, full)\n"
    "assert s['partial_used'] or full == n\n"
    "print(n)\n";

/* Field values of the tricky paper, decoded by python. */
static const char tricky_py[] =
    "import json, sys\n"
    "o = {}\n"
    "for line in open(sys.argv[1], encoding='utf-8'):\n"
    "    x = json.loads(line)\n"
    "    if x['type'] == 'hit':\n"
    "        o[x['id']] = x\n"
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
    /* no hit: only the summary line */
    assert_int_equal(search(&out, "--json qqqzzzxxx"), 1);
    static const char none[] = "{\"type\":\"summary\",\"query\":\"qqqzzzxxx\",\"total\":0,"
                               "\"total_exact\":true,\"shown\":0,\"offset\":0,"
                               "\"partial_used\":false,\"took_us\":";
    assert_memory_equal(out, none, sizeof none - 1);
    assert_int_equal(count_lines(out), 1);
    assert_non_null(strstr(out, ",\"notices\":[],\"expansions\":[],\"suggestion\":null,"
                                "\"corrected\":false}\n"));
    free(out);
    /* a misspelt word: the results of its suggestion, said so, in both
     * outputs; with --no-correct "did you mean" (exit status as for no
     * match) */
    assert_int_equal(search(&out, "difusion"), 0);
    assert_non_null(strstr(out, "no paper matches \"difusion\"; showing results for "
                                "\"diffusion\" (--no-correct: as typed)\n"
                                "5 papers match \"diffusion\""));
    assert_non_null(strstr(out, "  1. "));
    assert_null(strstr(out, "did you mean"));
    free(out);
    assert_int_equal(search(&out, "--no-correct difusion"), 1);
    assert_non_null(strstr(out, "no paper matches \"difusion\""));
    assert_non_null(strstr(out, "\ndid you mean \"diffusion\"?\n"));
    assert_null(strstr(out, "showing results for"));
    free(out);
    assert_int_equal(search(&out, "--json difusion"), 0);
    assert_non_null(strstr(out, "{\"type\":\"summary\",\"query\":\"difusion\",\"total\":5,"));
    assert_non_null(strstr(out, ",\"suggestion\":\"diffusion\",\"corrected\":true}\n"));
    assert_int_equal(count_lines(out), 6);
    free(out);
    /* partial matches of the words as typed give way to the suggestion's
     * full ones */
    assert_int_equal(search(&out, "--json --no-correct 'Difusion 샘플러'"), 0);
    assert_non_null(strstr(out, "\"partial_used\":true"));
    assert_non_null(strstr(out, ",\"suggestion\":\"Diffusion 샘플러\",\"corrected\":false}\n"));
    free(out);
    assert_int_equal(search(&out, "--json 'Difusion 샘플러'"), 0);
    assert_null(strstr(out, "\"total\":0,"));
    assert_non_null(strstr(out, ",\"suggestion\":\"Diffusion 샘플러\",\"corrected\":true}\n"));
    free(out);
    assert_int_equal(search(&out, "diffusion"), 0);
    assert_null(strstr(out, "did you mean"));
    free(out);
    /* a page past the end: papers match, none shown */
    assert_int_equal(search(&out, "--offset 50 diffusion"), 0);
    assert_non_null(strstr(out, "5 papers match \"diffusion\""));
    assert_non_null(strstr(out, "; none after offset 50"));
    assert_null(strstr(out, "  1. "));
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
    /* a match inside a word is marked there: the text between marks is
     * appended in runs, which must stop at each mark */
    assert_int_equal(search(&out, "-n 5 학습"), 0);
    assert_non_null(strstr(out, "강화\xc2\xab" "학습" "\xc2\xbb" "을 묶습니다."));
    free(out);
    /* a paper with no Vote line: votes unknown; matched by its title */
    assert_int_equal(search(&out, "untitled"), 0);
    assert_non_null(strstr(out, "2024-05-20 | votes unknown"));
    assert_non_null(strstr(out, "1 paper matches"));
    free(out);
}

/* The numbers of the listing and of the JSON lines, written without
 * printf: ranks right-aligned in three columns past 9 and 99, page
 * bounds, totals, votes (0, 1, large: "vote" or "votes"), dates with
 * zero-padded months and days. 105 papers of our own words, all matching
 * "widget", in an index of their own. */
static void test_numbers(void **state)
{
    (void)state;
    static const char *const days[] = {"2024/01/02", "2023/12/31", "2024/10/30", "2025/03/05",
                                       "2024/02/09"};
    static const int64_t votes[] = {0, 1, 123456789, 7, 10};
    static char d[16384];
    for (int f = 0; f < 5; f++) {
        size_t n = (size_t)snprintf(d, sizeof d, "## Daily Papers (%.4s-%.2s-%.2s)\n\n", days[f],
                                    days[f] + 5, days[f] + 8);
        for (int i = 0; i < 21; i++) {
            n += (size_t)snprintf(d + n, sizeof d - n,
                                  "### [Widget Study %d](https://arxiv.org/abs/2401.%05d)\n\n"
                                  "Vote: %lld\n\nAuthors: Ann Lee\n\n"
                                  "- A widget that counts to %d.\n\n",
                                  f * 21 + i, f * 21 + i + 1, (long long)votes[f], i);
            assert_true(n < sizeof d);
        }
        char name[64];
        snprintf(name, sizeof name, "many/%s.md", days[f]);
        char *p = fx_path(fx->dir, name);
        fx_write(p, d, n);
        free(p);
    }
    char *idx = fx_path(fx->dir, "many.idx");
    assert_int_equal(sh(NULL, "'%s' -q -o '%s' '%s/many'", INDEX_BIN, idx, fx->dir), 0);
    char *out;
    assert_int_equal(sh(&out, "NO_COLOR= '%s' -i '%s' -n 105 --sort date widget", SEARCH_BIN, idx),
                     0);
    assert_true(!strncmp(out, "105 papers match \"widget\" (", 27));
    assert_non_null(strstr(out, "; showing 1-105\n"));
    assert_non_null(strstr(out, "\n  1. "));
    assert_non_null(strstr(out, "\n  9. "));
    assert_non_null(strstr(out, "\n 10. "));
    assert_non_null(strstr(out, "\n 99. "));
    assert_non_null(strstr(out, "\n100. "));
    assert_non_null(strstr(out, "\n105. "));
    assert_null(strstr(out, "  10. "));
    assert_null(strstr(out, " 100. "));
    assert_non_null(strstr(out, "     2024-01-02 | 0 votes | https://arxiv.org/abs/2401.00001\n"));
    assert_non_null(strstr(out, "     2023-12-31 | 1 vote | https://arxiv.org/abs/2401.00022\n"));
    assert_non_null(strstr(out, "     2024-10-30 | 123456789 votes | "));
    assert_non_null(strstr(out, "     2025-03-05 | 7 votes | "));
    assert_non_null(strstr(out, "     2024-02-09 | 10 votes | "));
    free(out);
    assert_int_equal(
        sh(&out, "NO_COLOR= '%s' -i '%s' -n 3 --offset 100 widget", SEARCH_BIN, idx), 0);
    assert_non_null(strstr(out, "; showing 101-103\n"));
    assert_non_null(strstr(out, "\n101. "));
    assert_non_null(strstr(out, "\n103. "));
    free(out);
    assert_int_equal(sh(&out, "'%s' -i '%s' --json -n 1 --offset 99 --sort date widget",
                        SEARCH_BIN, idx),
                     0);
    assert_true(!strncmp(out, "{\"type\":\"hit\",\"rank\":100,\"score\":", 33));
    assert_non_null(strstr(out, ",\"date\":\"2023-12-31\",\"votes\":1,"));
    assert_non_null(strstr(out, "\"partial\":false,\"missing\":[]}\n"));
    assert_non_null(strstr(out, "\"total\":105,\"total_exact\":true,\"shown\":1,\"offset\":99"));
    free(out);
    assert_int_equal(sh(&out, "'%s' -i '%s' --json -n 105 widget", SEARCH_BIN, idx), 0);
    assert_non_null(strstr(out, ",\"date\":\"2024-10-30\",\"votes\":123456789,"));
    assert_non_null(strstr(out, ",\"date\":\"2024-01-02\",\"votes\":0,"));
    free(out);
    free(idx);
}

/* --explain names a one-way pair (a title-summary pair by company) by the
 * papers its words share: 맥락 in the summaries of the 8 papers with
 * Context in the title, among 100. */
static void test_explain_one_way(void **state)
{
    (void)state;
    static char d[32768];
    size_t n = (size_t)snprintf(d, sizeof d, "## Daily Papers (2024-03-01)\n\n");
    for (int i = 0; i < 100; i++) {
        n += (size_t)snprintf(d + n, sizeof d - n,
                              "### [%s Gadget %d](https://arxiv.org/abs/2403.%05d)\n\n"
                              "Vote: 1\n\nAuthors: Bo Kim\n\n- 이 가젯은 %s 숫자 %d를 센다.\n\n",
                              i < 8 ? "Context" : "Plain", i, i + 1, i < 8 ? "맥락의" : "", i);
        assert_true(n < sizeof d);
    }
    char *p = fx_path(fx->dir, "oneway/2024/03/01.md");
    fx_write(p, d, n);
    free(p);
    char *idx = fx_path(fx->dir, "oneway.idx");
    assert_int_equal(sh(NULL, "'%s' -q -o '%s' '%s/oneway'", INDEX_BIN, idx, fx->dir), 0);
    char *out;
    assert_int_equal(sh(&out, "NO_COLOR= '%s' -i '%s' --explain 맥락", SEARCH_BIN, idx), 0);
    assert_non_null(strstr(out, "\nexpanded: 맥락 -> context (lexicon, found together in 8 "
                                "papers; weight 0.3)\n"));
    assert_null(strstr(out, "as typed only"));
    free(out);
    /* the words searched only as typed are named (a trial could not tell
     * them from the ones the note about common words leaves out) */
    assert_int_equal(sh(&out, "NO_COLOR= '%s' -i '%s' --explain 맥락 qqqzz 'in' -www", SEARCH_BIN,
                        idx),
                     0);
    assert_non_null(strstr(out, "\nas typed only: qqqzz (no equivalent or other form in this "
                                "index)\n"));
    free(out);
    free(idx);
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
    /* each partial match names the words it lacks, as typed (a trial
     * could not tell which of "1 of 2 words" was missing) */
    assert_non_null(strstr(out, "[partial: without qqqzzzxxx] "));
    assert_null(strstr(out, " of 2 words]"));
    free(out);
    /* with --json the parser's note goes to stderr, said to be one (a
     * trial read "paperdex-search: left out: ..." as an error) */
    assert_int_equal(sh(&out, "'%s' -i '%s' --json diffusion for 샘플러 2>&1 >/dev/null",
                        SEARCH_BIN, fx->index),
                     0);
    assert_string_equal(out, "paperdex-search: note: left out: for (function words; quote a "
                             "phrase to keep them)\n");
    free(out);
    assert_int_equal(search(&out, "Diffusion qqqzzzxxx 'wwwyyy OR vvvuuu'"), 0);
    assert_non_null(strstr(out, "[partial: without qqqzzzxxx, wwwyyy OR vvvuuu] "));
    free(out);
    /* the word lacked, not the one at its place among the searched ones:
     * an excluded word and a filter come first */
    assert_int_equal(search(&out, "-zzyyxx '(date:2000 OR votes:>=0)' qqqzzzxxx diffusion"), 0);
    assert_non_null(strstr(out, "[partial: without qqqzzzxxx] "));
    free(out);
    /* a group with a filter has no words to name: counted instead */
    assert_int_equal(search(&out, "diffusion 'qqqzzzxxx OR date:2000'"), 0);
    assert_non_null(strstr(out, "[partial: 1 of 2 words] "));
    free(out);
    /* paged past the partial matches: said, not "showing" (a user trial) */
    assert_int_equal(search(&out, "--offset 5000 diffusion qqqzzzxxx"), 0);
    assert_non_null(strstr(out, "no paper matches every word; the best partial matches end "
                                "before offset 5000\n"));
    assert_null(strstr(out, "showing"));
    free(out);
    /* --explain with nothing to say says why, --no-expand included */
    assert_int_equal(search(&out, "--explain diffusion"), 0);
    assert_non_null(strstr(out, "\nexpanded: nothing (no word of the query has an equivalent or "
                                "another form in this index that the query does not hold "
                                "already; an excluded word is never expanded)\n"));
    free(out);
    assert_int_equal(search(&out, "--explain --no-expand diffusion"), 0);
    assert_non_null(strstr(out, "\nexpanded: nothing (--no-expand)\n"));
    free(out);
    /* a Korean synonym (searcher/synonyms.c) is named as one, no "form" */
    assert_int_equal(search(&out, "--explain 동영상"), 0);
    assert_non_null(strstr(out, "\nexpanded: 동영상 -> 비디오 (synonym; weight 0.5)\n"));
    free(out);
    assert_int_equal(search(&out, "--offset 5000 diffusion 샘플러"), 0);
    assert_non_null(strstr(out, "\nthe papers matching every word and the best partial matches "
                                "end before offset 5000\n"));
    free(out);
    assert_int_equal(search(&out, "--no-partial diffusion qqqzzzxxx"), 1);
    free(out);
    int rc;
    char *ids = json_ids("diffusion qqqzzzxxx", &rc);
    assert_int_equal(rc, 0);
    assert_true(strlen(ids) > 0);
    free(ids);
    assert_int_equal(search(&out, "--json diffusion 샘플러를"), 0);
    assert_non_null(strstr(out, "\"partial\":true,\"missing\":[\"샘플러를\"]}"));
    assert_non_null(strstr(out, "\"partial\":false,\"missing\":[]}"));
    free(out);
}

static void test_json_valid(void **state)
{
    (void)state;
    if (!fx->python)
        skip();
    static const struct {
        const char *args;
        int rc; /* the exit status it must have */
    } queries[] = {
        {"-n 50 diffusion", 0},        {"-n 50 '\"quoted\"'", 0},
        {"-n 50 'path OR file'", 0},   {"-n 50 강화학습", 0},
        {"-n 50 'date:2024'", 0},      {"-n 50 'transf*'", 0},
        {"-n 50 diffusion qqqzzzxxx", 0}, {"-n 50 '탭과 \"diffusion\"'", 0},
        {"-n 50 qqqzzzxxx", 1},        {"-n 2 --offset 3 diffusion", 0},
        {"-n 2 --offset 9 diffusion", 0}};
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        char args[512];
        snprintf(args, sizeof args, "--json %s > '%s'", queries[i].args, fx->out);
        int rc = search(NULL, args);
        if (rc != queries[i].rc)
            fail_msg("query %s: exit %d, want %d", queries[i].args, rc, queries[i].rc);
        /* the brief one-liner, then the thorough check */
        assert_int_equal(sh(NULL, "python3 -c 'import json,sys; [json.loads(l) for l in "
                                  "sys.stdin]' < '%s'",
                            fx->out),
                         0);
        char *n;
        if (sh(&n, "python3 '%s/validate.py' '%s' 2>&1", fx->dir, fx->out) != 0)
            fail_msg("query %s: %s", queries[i].args, n);
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
    /* JSON mode writes nothing but JSON lines on stdout: five hits, then
     * the summary */
    char *out;
    assert_int_equal(search(&out, "--json -n 50 diffusion"), 0);
    assert_int_equal(count_lines(out), 6);
    const char *last = out;
    for (const char *l = out; *l; l = strchr(l, '\n') + 1) {
        assert_true(*l == '{');
        last = l;
    }
    static const char summary[] = "{\"type\":\"summary\",\"query\":\"diffusion\",\"total\":5,"
                                  "\"total_exact\":true,\"shown\":5,\"offset\":0,";
    assert_memory_equal(last, summary, sizeof summary - 1);
    free(out);
}

static void test_paging(void **state)
{
    (void)state;
    int rc;
    char *all = json_ids("-n 5 diffusion", &rc);
    assert_int_equal(rc, 0);
    char *p1 = json_ids("-n 2 diffusion", &rc);
    assert_int_equal(rc, 0);
    char *p2 = json_ids("-n 2 --offset 2 diffusion", &rc);
    assert_int_equal(rc, 0);
    char *p3 = json_ids("--limit=2 --offset=4 diffusion", &rc);
    assert_int_equal(rc, 0);
    char *p4 = json_ids("-n 2 --offset 6 diffusion", &rc);
    assert_int_equal(rc, 0); /* papers match, though none is on that page */
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
    assert_true(!strncmp(out, "{\"type\":\"hit\",\"rank\":4,", 23));
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
    assert_int_equal(rc, 0);
    assert_string_equal(ids, "2407.00002 2406.10001 2405.20001 2407.00001 2406.10002");
    free(ids);
    ids = json_ids("-n 10 --sort date diffusion", &rc);
    assert_int_equal(rc, 0);
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
    static const struct {
        const char *args, *ids;
    } forms[] = {
        {"--no-partial '\"text-to-video\"'", "2407.00002"},
        {"--no-partial 'title:diffusion' 비디오", "2406.10002"},
        {"--no-partial 'author:\"Minji Kim\"'", "2406.10002"},
        {"--no-partial 강화학습 'votes:>=10' --sort votes", "2405.20001"},
        {"--no-partial 'transf*' date:2024-05", "2405.20002"},
    };
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        ids = json_ids(forms[i].args, &rc);
        if (rc != 0 || strcmp(ids, forms[i].ids))
            fail_msg("%s: exit %d, ids '%s' (want 0, '%s')", forms[i].args, rc, ids,
                     forms[i].ids);
        free(ids);
    }
    /* after --, "-n" is a query word: an exclusion alone, which the query
     * parser refuses (not "-n wants a number") */
    char args[512];
    snprintf(args, sizeof args, "-i '%s' -- -n", fx->index);
    expect_error(args, "not excluded");
    /* "-n5" is -n 5, as getopt reads it (it was the exclusion of "n5");
     * "-nlp" is still an exclusion */
    ids = json_ids("-n1 diffusion", &rc);
    assert_int_equal(rc, 0);
    assert_null(strchr(ids, ','));
    free(ids);
    snprintf(args, sizeof args, "-i '%s' -n0 diffusion", fx->index);
    expect_error(args, "-n");
    snprintf(args, sizeof args, "-i '%s' -nlp", fx->index);
    expect_error(args, "not excluded");
    /* a minus and one letter is an unknown option, not the exclusion of a
     * letter that would leave "10" to search for; after -- it excludes */
    snprintf(args, sizeof args, "-i '%s' -k 10 diffusion", fx->index);
    expect_error(args, "unknown option '-k'");
    ids = json_ids("diffusion -- -k", &rc);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(ids, "2407.00001"));
    free(ids);
    /* "-i=PATH" and "-n=3" searched the default index as the exclusion of
     * "i=PATH" (a trial): refused as options written wrong */
    snprintf(args, sizeof args, "-i='%s' diffusion", fx->index);
    expect_error(args, "unknown option '-i=");
    snprintf(args, sizeof args, "-i '%s' -n=3 diffusion", fx->index);
    expect_error(args, "unknown option '-n=3'");
    /* and "--json" is a word too: the listing stays human */
    char *out;
    assert_int_equal(search(&out, "-n 1 diffusion -- --json"), 0);
    assert_true(out[0] != '{' && strstr(out, " \"diffusion --json\" (") != NULL);
    free(out);
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
    /* the command suggested is one shell word however the path is spelled
     * (a trial's path with a space was cut there) */
    snprintf(args, sizeof args, "-i '%s/it'\\''s missing.idx' diffusion", fx->dir);
    char want[600];
    snprintf(want, sizeof want, "paperdex-index -o '%s/it'\"'\"'s missing.idx' DIGESTS", fx->dir);
    expect_error(args, want);
    char *out;
    assert_int_equal(sh(&out, "cd '%s' && PAPERDEX_INDEX= '%s' diffusion 2>&1", fx->dir,
                        SEARCH_BIN),
                     2);
    assert_non_null(strstr(out, "paperdex.idx"));
    free(out);
    assert_int_equal(sh(&out, "PAPERDEX_INDEX='%s' '%s' --json diffusion", fx->index,
                        SEARCH_BIN),
                     0);
    assert_int_equal(count_lines(out), 6); /* 5 hits, the summary */
    free(out);
    /* paperdex-index writes where $PAPERDEX_INDEX says, as the others
     * read it (a trial's build with no -o wrote paperdex.idx beside it) */
    char *envidx = fx_path(fx->dir, "from_env.idx");
    assert_int_equal(sh(&out, "cd '%s' && PAPERDEX_INDEX='%s' '%s' -q '%s/digests' && "
                              "PAPERDEX_INDEX='%s' '%s' --json diffusion",
                        fx->dir, envidx, INDEX_BIN, fx->dir, envidx, SEARCH_BIN),
                     0);
    assert_int_equal(count_lines(out), 6);
    free(out);
    assert_true(access(envidx, F_OK) == 0);
    /* the long options take "=VALUE" as paperdex-search's do */
    assert_int_equal(sh(NULL, "'%s' -q --output='%s' --threads=1 --mem-mb=64 '%s/digests'",
                        INDEX_BIN, envidx, fx->dir),
                     0);
    free(envidx);

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

/* ---- output safety ---- */

/* An index of 2,001 generated papers (our own filler text), built once:
 * 100 a day on 2024-02-01..20, each with a summary long enough that
 * listing them all takes a while, and one paper alone on 2024-01-05, last
 * in a date-ordered listing. Returns its path (owned by the fixture). */
#define MANY_DAYS 20
#define MANY_PER_DAY 100
#define MANY_LAST_ID "2401.00005"
static const char *many_index(void)
{
    static char *idx;
    if (idx)
        return idx;
    size_t cap = 1 << 20;
    char *day = malloc(cap);
    assert_non_null(day);
    for (int d = 0; d <= MANY_DAYS; d++) {
        size_t len = (size_t)snprintf(day, cap, "## Daily Papers (2024-%02d-%02d)\n\n",
                                      d ? 2 : 1, d ? d : 5);
        for (int k = 0; k < (d ? MANY_PER_DAY : 1); k++) {
            unsigned n = (unsigned)(d * MANY_PER_DAY + k);
            char id[16];
            snprintf(id, sizeof id, d ? "2402.%05u" : MANY_LAST_ID, n);
            len += (size_t)snprintf(
                day + len, cap - len,
                "### [Filler Study %u of Sparse Kernels](https://arxiv.org/abs/%s)\n\n"
                "Vote: %u\n\nAuthors: Writer %u, Second Writer, Third Writer\n\n"
                "- **What's New**: 채움 논문 %u번은 희소 커널을 여러 번 다시 잽니다. "
                "The filler text repeats itself so that every record is long enough to "
                "matter, and says nothing else of interest about kernels or sparsity.\n"
                "- **Technical Details**: 같은 문장을 되풀이하여 요약을 길게 만듭니다. "
                "Nothing in this bullet is real; it only fills the stored fields.\n\n",
                n, id, n % 50, n, n);
            assert_true(len < cap - 4096);
        }
        char name[64];
        snprintf(name, sizeof name, "many/2024-%02d-%02d.md", d ? 2 : 1, d ? d : 5);
        char *p = fx_path(fx->dir, name);
        fx_write(p, day, len);
        free(p);
    }
    free(day);
    idx = fx_path(fx->dir, "many.idx");
    assert_int_equal(sh(NULL, "'%s' -q -o '%s' '%s/many'", INDEX_BIN, idx, fx->dir), 0);
    return idx;
}

/* Whether /proc/PID/maps lists a mapping of a file named name. */
static bool maps_file(pid_t pid, const char *name)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    char *maps = fx_read(path, NULL);
    bool found = maps && strstr(maps, name);
    free(maps);
    return found;
}

/* Runs paperdex-search on a copy of the index, stops it as soon as the
 * copy (its segment file `copy`) is mapped, overwrites that in place (with data, or truncates it
 * to 0 bytes when data is NULL, which is what `cp new.idx INDEX` does
 * first), lets it go on and returns its wait status; stdout and stderr go
 * to files in the fixture directory. *mapped says whether the mapping was
 * seen before the search ended. */
static int search_overwritten(const char *index, const char *copy, const char *data, size_t len,
                              bool *mapped)
{
    char *out = fx_path(fx->dir, "bus.out"), *err = fx_path(fx->dir, "bus.err");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
            _exit(99);
        execl(SEARCH_BIN, SEARCH_BIN, "-i", index, "-n", "1000000", "date:2024", (char *)NULL);
        _exit(98);
    }
    *mapped = false;
    int status = 0;
    for (;;) {
        /* the segment's mapping, not the manifest's (mapped first: a stop
         * there would truncate the segment before it is even opened) */
        if (maps_file(pid, strrchr(copy, '/') + 1)) {
            *mapped = true;
            break;
        }
        pid_t w = waitpid(pid, &status, WNOHANG);
        assert_true(w >= 0);
        if (w == pid) {
            free(out);
            free(err);
            return status;
        }
    }
    assert_int_equal(kill(pid, SIGSTOP), 0);
    assert_int_equal(waitpid(pid, &status, WUNTRACED), pid);
    if (data)
        fx_write(copy, data, len); /* truncates, then writes */
    else
        assert_int_equal(truncate(copy, 0), 0);
    assert_int_equal(kill(pid, SIGCONT), 0);
    while (!WIFEXITED(status) && !WIFSIGNALED(status))
        assert_int_equal(waitpid(pid, &status, 0), pid);
    free(out);
    free(err);
    return status;
}

/* The index overwritten in place under a running search: truncated (a
 * read past the new end raises SIGBUS), or rewritten whole with the same
 * bytes before the search reads on (no fault; the file changed all the
 * same). Either way: exit 2, the message, nothing on stdout. */
static void index_overwritten(bool rewrite)
{
    if (access("/proc/self/maps", R_OK) != 0)
        skip();
    size_t len;
    char *seg = fx_index_segment(many_index(), 0);
    char *data = fx_read(seg, &len);
    assert_non_null(data);
    free(seg);
    char *index = fx_path(fx->dir, "bus.idx"), *out = fx_path(fx->dir, "bus.out"),
         *err = fx_path(fx->dir, "bus.err");
    /* the index copied, and its one segment (what a search maps) overwritten */
    fx_copy_index(many_index(), index);
    char *copy = fx_index_segment(index, 0);
    /* The search is stopped right after mmap; it may still win the race
     * to the mapping on a busy machine, so a few tries are allowed. */
    int caught = 0;
    for (int attempt = 0; attempt < 10 && !caught; attempt++) {
        fx_write(copy, data, len);
        /* an old modification time, so that the rewrite changes it even
         * within the file system's timestamp granularity */
        struct timespec old[2] = {{1000000000, 0}, {1000000000, 0}};
        assert_int_equal(utimensat(AT_FDCWD, copy, old, 0), 0);
        bool mapped;
        int st = search_overwritten(index, copy, rewrite ? data : NULL, len, &mapped);
        if (WIFSIGNALED(st))
            fail_msg("paperdex-search died of signal %d", WTERMSIG(st));
        assert_true(WIFEXITED(st));
        char *o = fx_read(out, NULL), *e = fx_read(err, NULL);
        /* exit 0: the search finished before the truncation, which is fine */
        if (WEXITSTATUS(st) != 0) {
            if (WEXITSTATUS(st) != 2 || !strstr(e, "bus.idx changed while being read") ||
                !strstr(e, "replace indexes with paperdex-index") || count_lines(e) != 1)
                fail_msg("exit %d, stderr '%s'", WEXITSTATUS(st), e);
            assert_string_equal(o, ""); /* nothing half printed */
            caught += mapped;
        }
        free(o);
        free(e);
    }
    if (!caught)
        fail_msg("no try overwrote the index while it was being read");
    free(data);
    free(copy);
    free(index);
    free(out);
    free(err);
}

static void test_index_truncated_while_searching(void **state)
{
    (void)state;
    index_overwritten(false);
}

static void test_index_rewritten_while_searching(void **state)
{
    (void)state;
    index_overwritten(true);
}

/* A record that cannot be read, last in the listing: an error, and none of
 * the hundreds of KiB formatted before it on stdout. */
static void test_damaged_record_prints_nothing(void **state)
{
    (void)state;
    size_t len;
    char *seg = fx_index_segment(many_index(), 0);
    char *data = fx_read(seg, &len);
    assert_non_null(data);
    free(seg);
    /* the paper's stored record: its id, then its URL, each after its
     * length; damage the lengths so the record no longer parses */
    char rec[96];
    int n = snprintf(rec, sizeof rec, "%c%s%chttps://arxiv.org/abs/%s", 10, MANY_LAST_ID, 32,
                     MANY_LAST_ID);
    char *at = NULL;
    for (size_t i = 0; i + (size_t)n <= len; i++)
        if (!memcmp(data + i, rec, (size_t)n))
            at = data + i; /* the last one: STORED comes after the dictionary */
    assert_non_null(at);
    memset(at, 0xff, (size_t)n);
    char *bad = fx_path(fx->dir, "damaged.idx");
    fx_copy_index(many_index(), bad);
    char *bad_seg = fx_index_segment(bad, 0);
    fx_write(bad_seg, data, len);
    free(bad_seg);
    for (int json = 0; json < 2; json++) {
        char *out;
        int rc = sh(&out, "'%s' -i '%s' %s -n 100000 date:2024 2>/dev/null", SEARCH_BIN, bad,
                    json ? "--json" : "");
        if (rc != 2 || *out)
            fail_msg("exit %d, %zu bytes on stdout", rc, strlen(out));
        free(out);
        char *err;
        rc = sh(&err, "'%s' -i '%s' %s -n 100000 date:2024 2>&1 >/dev/null", SEARCH_BIN, bad,
                json ? "--json" : "");
        assert_int_equal(rc, 2);
        assert_non_null(strstr(err, "malformed"));
        assert_int_equal(count_lines(err), 1);
        free(err);
        /* the damaged paper alone: the error comes before any output
         * (where the old code passed fwrite a NULL, empty buffer) */
        rc = sh(&out, "'%s' -i '%s' %s id:" MANY_LAST_ID " 2>&1", SEARCH_BIN, bad,
                json ? "--json" : "");
        assert_int_equal(rc, 2);
        assert_int_equal(count_lines(out), 1);
        assert_non_null(strstr(out, "malformed"));
        free(out);
        /* the papers before it still list fine */
        rc = sh(&out, "'%s' -i '%s' %s -n 2000 date:2024 2>&1", SEARCH_BIN, bad,
                json ? "--json" : "");
        assert_int_equal(rc, 0);
        free(out);
    }
    free(bad);
    free(data);
}

/* A write that fails (a full disk) is an error, in every output mode. */
static void test_full_disk(void **state)
{
    (void)state;
    if (access("/dev/full", W_OK) != 0)
        skip();
    static const char *const args[] = {"diffusion", "--json diffusion", "qqqzzzxxx",
                                       "--json qqqzzzxxx", "--help", "--version",
                                       "--json -n 1000 date:2024"};
    for (size_t i = 0; i < sizeof args / sizeof *args; i++) {
        char *err;
        int rc = sh(&err, "'%s' -i '%s' %s 2>&1 >/dev/full", SEARCH_BIN, fx->index, args[i]);
        if (rc != 2 || strcmp(err, "paperdex-search: writing output: No space left on device\n"))
            fail_msg("%s > /dev/full: exit %d, stderr '%s'", args[i], rc, err);
        free(err);
    }
}

/* Control characters (C0, DEL, C1 with U+009B, a one-byte CSI) and bidi
 * overrides and isolates, written straight into an index as an old
 * indexer or a crafted file would hold them. */
#define EVIL_C1 "\xc2\x9b" "31m"        /* U+009B CSI, then "31m" */
#define EVIL_RLO "\xe2\x80\xae"         /* U+202E right-to-left override */
#define EVIL_LRI "\xe2\x81\xa6"         /* U+2066 left-to-right isolate */
#define EVIL_PDI "\xe2\x81\xa9"         /* U+2069 pop directional isolate */
static const char evil_title[] = "Evil " EVIL_C1 " Zebrafinch" EVIL_RLO "txt.exe\x7f\x1b[2J";
static const char evil_authors[] = "Mal " EVIL_LRI "Lory" EVIL_PDI "\nSec\xc2\x85ond";
static const char evil_summary[] =
    "이 요약은 zebrafinch " EVIL_C1 "를 담고 " EVIL_RLO "뒤집힌 글자" EVIL_PDI "와 \x1b]0;title\x07 "
    "zebrafinch 를 또 씁니다.";

static char *evil_index(void)
{
    char *idx = fx_path(fx->dir, "evil.idx");
    pdx_writer *w;
    assert_int_equal(pdx_writer_new(&w, idx, NULL), PDX_OK);
    pdx_paper p = {.id = "2406.66601",
                   .id_len = 10,
                   .url = "https://arxiv.org/abs/2406.66601" EVIL_RLO,
                   .url_len = 35,
                   .title = evil_title,
                   .title_len = sizeof evil_title - 1,
                   .authors = evil_authors,
                   .authors_len = sizeof evil_authors - 1,
                   .n_authors = 2,
                   .summary = evil_summary,
                   .summary_len = sizeof evil_summary - 1,
                   .date = 20240610,
                   .votes = 3,
                   .file = "evil.md",
                   .line = 1};
    assert_int_equal(pdx_writer_add(w, &p), PDX_OK);
    assert_int_equal(pdx_writer_commit(w, NULL), PDX_OK);
    pdx_writer_free(w);
    return idx;
}

/* The first byte offset in s of a character that steers the terminal:
 * C0 other than newline, DEL, C1, bidi override or isolate; -1 if none. */
static long find_control(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; p[i]; i++) {
        if ((p[i] < 0x20 && p[i] != '\n') || p[i] == 0x7f ||
            (p[i] == 0xc2 && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f) ||
            (p[i] == 0xe2 && p[i + 1] == 0x80 && p[i + 2] >= 0xaa && p[i + 2] <= 0xae) ||
            (p[i] == 0xe2 && p[i + 1] == 0x81 && p[i + 2] >= 0xa6 && p[i + 2] <= 0xa9))
            return (long)i;
    }
    return -1;
}

static const char evil_py[] =
    "import json, sys\n"
    "raw = open(sys.argv[1], 'rb').read()\n"
    "for b in (b'\\xc2\\x9b', b'\\xc2\\x85', b'\\xe2\\x80\\xae', b'\\xe2\\x81\\xa6', b'\\x7f'):\n"
    "    assert b not in raw, b\n"
    "lines = raw.decode('utf-8').splitlines()\n"
    "o = json.loads(lines[0])\n"
    "assert o['title'] == sys.argv[2], ascii(o['title'])\n"
    "assert o['authors'] == ['Mal \\u2066Lory\\u2069', 'Sec\\x85ond'], ascii(o['authors'])\n"
    "assert '\\u009b' in o['snippet'] and '\\u202e' in o['snippet'], ascii(o['snippet'])\n"
    "b = o['snippet'].encode('utf-8')\n"
    "words = [b[s:e].decode('utf-8') for s, e in o['highlights']]\n"
    "assert words == ['zebrafinch', 'zebrafinch'], words\n"
    "assert json.loads(lines[1])['type'] == 'summary'\n"
    "print('ok')\n";

/* A paper whose heading had an empty title (warned at build) is listed
 * as "(no title)", not as a rank and a blank (a trial). */
static void test_empty_title(void **state)
{
    (void)state;
    char *dir = fx_path(fx->dir, "untitled"), *out;
    assert_int_equal(mkdir(dir, 0755), 0);
    char *md = fx_path(dir, "2024-03-04.md"), *idx = fx_path(fx->dir, "untitled.idx");
    fx_write(md, "## Daily Papers (2024-03-04)\n\n### [](https://arxiv.org/abs/2403.00001)\n\n"
                 "- 무제 논문의 요약.\n", (size_t)-1);
    assert_int_equal(sh(NULL, "'%s' -q -o '%s' '%s' 2>/dev/null", INDEX_BIN, idx, dir), 0);
    assert_int_equal(sh(&out, "NO_COLOR= '%s' -i '%s' 요약", SEARCH_BIN, idx), 0);
    assert_non_null(strstr(out, "  1. (no title)\n"));
    free(out);
    free(md);
    free(idx);
    free(dir);
}

static void test_terminal_controls(void **state)
{
    (void)state;
    char *idx = evil_index(), *out;
    for (int color = 0; color < 2; color++) {
        assert_int_equal(sh(&out, "'%s' -i '%s' --color %s zebrafinch", SEARCH_BIN, idx,
                            color ? "always" : "never"),
                         0);
        /* colour adds our own SGR escapes: take them out before looking */
        for (char *e; (e = strstr(out, "\033[")) != NULL;) {
            char *m = strchr(e, 'm');
            assert_non_null(m);
            memmove(e, m + 1, strlen(m + 1) + 1);
        }
        long at = find_control(out);
        if (at >= 0)
            fail_msg("control character at byte %ld of: %s", at, out);
        /* what is between them is still shown */
        assert_non_null(strstr(out, "Zebrafinch"));
        assert_non_null(strstr(out, "txt.exe"));
        assert_non_null(strstr(out, "뒤집힌 글자"));
        assert_non_null(strstr(out, "Mal Lory, Sec ond"));
        free(out);
    }
    /* JSON: the same strings, with C1 and bidi controls as \u escapes, and
     * highlight ranges still right in the decoded snippet */
    assert_int_equal(sh(&out, "'%s' -i '%s' --json zebrafinch", SEARCH_BIN, idx), 0);
    assert_non_null(strstr(out, "\\u009b31m"));
    assert_non_null(strstr(out, "\\u202e"));
    assert_non_null(strstr(out, "\\u2066"));
    assert_int_equal(find_control(out), -1);
    free(out);
    if (fx->python) {
        char *py = fx_path(fx->dir, "evil.py"), *res;
        fx_write(py, evil_py, (size_t)-1);
        assert_int_equal(sh(NULL, "'%s' -i '%s' --json zebrafinch > '%s'", SEARCH_BIN, idx,
                            fx->out),
                         0);
        /* the title as the index holds it, passed to python byte for byte */
        int rc = sh(&res, "python3 '%s' '%s' \"$(printf '%s')\" 2>&1", py, fx->out,
                    "Evil \\302\\23331m Zebrafinch\\342\\200\\256txt.exe\\177\\033[2J");
        if (rc)
            fail_msg("%s", res);
        assert_string_equal(res, "ok\n");
        free(res);
        free(py);
    }
    free(idx);
}

/* Ranking options out of range or not plain finite numbers: exit 2, one
 * message naming the option and the value, nothing on stdout. Values the
 * CLI passes on but the library refuses come back in its words. */
static void test_option_ranges(void **state)
{
    (void)state;
    static const struct {
        const char *args, *want;
    } bad[] = {
        {"--k1 1e308", "--k1 wants a number from 0 to 10, got '1e308'"},
        {"--k1 10.5", "--k1 wants a number from 0 to 10, got '10.5'"},
        {"--k1 inf", "--k1 wants"},
        {"--k1 nan", "--k1 wants"},
        {"--k1 0x1p3", "--k1 wants"},
        {"--k1 ' 1'", "--k1 wants"},
        {"--k1 1.2x", "--k1 wants"},
        {"--k1 ''", "--k1 wants"},
        {"--k1=-1", "--k1 wants"},
        {"--vote-weight 1e308", "--vote-weight wants a number from 0 to 100, got '1e308'"},
        {"--vote-weight 1e999", "--vote-weight wants"},
        {"--vote-weight -0.1", "--vote-weight wants"},
        {"--vote-weight", "--vote-weight wants"},
        {"--b 1.5", "--b wants a number from 0 to 1, got '1.5'"},
        {"--b -inf", "--b wants"},
        {"--field-weights 1,1e308,1", "--field-weights wants"},
        {"--field-weights 1,nan,1", "--field-weights wants"},
        {"--field-weights 1,,1", "--field-weights wants"},
        {"--field-weights 1,1,1,1", "--field-weights wants"},
        {"-n 1000000 --offset 1", "offset + limit is too large"}, /* the library's */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char args[512];
        snprintf(args, sizeof args, "-i '%s' %s diffusion", fx->index, bad[i].args);
        expect_error(args, bad[i].want);
    }
    /* the ends of the ranges are accepted */
    char *out;
    assert_int_equal(search(&out, "--k1 10 --b 1 --vote-weight 100 --field-weights 100,0,100 "
                                  "--json diffusion"),
                     0);
    assert_null(strstr(out, "\"score\":null"));
    free(out);
    assert_int_equal(search(&out, "--k1 0 --b 0 --vote-weight 0 --field-weights 0,0,1 diffusion"),
                     0);
    free(out);
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
    "keys = ['type','rank','score','id','url','date','votes','title','authors','authors_total',\n"
    "        'snippet','highlights','title_highlights','partial','missing']\n"
    "lines = 0\n"
    "for q in queries:\n"
    "    r = subprocess.run([search, '-i', idx, '--json', '-n', '20', q],\n"
    "                       capture_output=True)\n"
    "    out = r.stdout.decode('utf-8').splitlines()\n"
    "    s = json.loads(out[-1]) if out else {}\n"
    "    if s.get('type') != 'summary':\n"
    "        sys.exit('no summary line for %r (exit %d): %s' % (q, r.returncode, r.stderr))\n"
    "    want = 0 if s['total'] or s['shown'] else 1\n"
    "    if r.returncode != want or s['shown'] != len(out) - 1:\n"
    "        sys.exit('exit %d, summary %r for %r' % (r.returncode, s, q))\n"
    "    for line in out[:-1]:\n"
    "        o = json.loads(line)\n"
    "        if list(o) != keys: sys.exit('keys %r for %r' % (list(o), q))\n"
    "        # a partial hit names the words it lacks, as the query typed them\n"
    "        if bool(o['missing']) != o['partial'] or any(w not in q for w in o['missing']):\n"
    "            sys.exit('missing %r (partial %r) for %r' % (o['missing'], o['partial'], q))\n"
    "        sn = o['snippet'].encode('utf-8')\n"
    "        for a, b in o['highlights']:\n"
    "            if not (0 <= a < b <= len(sn)): sys.exit('range %d,%d for %r' % (a, b, q))\n"
    "            sn[a:b].decode('utf-8')\n"
    "        lines += 1\n"
    "# the human listing and the JSON summary give the same total, equally\n"
    "# labelled; among these queries some totals are exact and some not\n"
    "import re\n"
    "kinds = set()\n"
    "for q in ['diffusion', '모델 학습', '언어 모델', 'model OR 모델']:\n"
    "    h = subprocess.run([search, '-i', idx, '-n', '1', q], capture_output=True)\n"
    "    j = subprocess.run([search, '-i', idx, '-n', '1', '--json', q], capture_output=True)\n"
    "    head = h.stdout.decode('utf-8').splitlines()[0]\n"
    "    s = json.loads(j.stdout.decode('utf-8').splitlines()[-1])\n"
    "    m = re.match(r'(at least )?(\\d+) papers? match', head)\n"
    "    if not m or int(m.group(2)) != s['total'] or (m.group(1) is None) != s['total_exact']:\n"
    "        sys.exit('%r: %r against %r' % (q, head, s))\n"
    "    kinds.add(s['total_exact'])\n"
    "if kinds != {True, False}: sys.exit('totals exact: %r only' % kinds)\n"
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
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_explain_one_way),
        cmocka_unit_test(test_partial_matches),
        cmocka_unit_test(test_json_valid),
        cmocka_unit_test(test_paging),
        cmocka_unit_test(test_sort),
        cmocka_unit_test(test_query_forms),
        cmocka_unit_test(test_color),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_index_truncated_while_searching),
        cmocka_unit_test(test_index_rewritten_while_searching),
        cmocka_unit_test(test_damaged_record_prints_nothing),
        cmocka_unit_test(test_full_disk),
        cmocka_unit_test(test_terminal_controls),
        cmocka_unit_test(test_option_ranges),
        cmocka_unit_test(test_empty_title),
        cmocka_unit_test(test_quick_start_on_seeds),
        cmocka_unit_test(test_corpus_json),
    };
    return cmocka_run_group_tests_name("search_cli", tests, setup, teardown);
}
