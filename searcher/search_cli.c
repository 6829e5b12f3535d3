/*
 * paperdex-search: search an index built by paperdex-index.
 *
 *   paperdex-search [-i INDEX] [-n N] [--offset K] [--json] [--sort KEY]
 *                   [ranking options] QUERY...
 *
 * The query words are joined with spaces into one query (search.h has the
 * language). Output is a human-readable list, or JSON Lines with --json.
 * Exit status follows grep: 0 when papers match, 1 when none do, 2 on an
 * error (bad option, malformed query, unreadable or damaged index).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli_opt.h"
#include "common.h"
#include "hit_json.h"
#include "json.h"
#include "paperdex/paperdex.h"
#include "paperdex/search.h"

/* A printf format: the defaults come from search.h. */
static const char usage[] =
    "usage: paperdex-search [options] QUERY...\n"
    "\n"
    "Searches a paperdex index. The QUERY words are joined with spaces into one\n"
    "query; quote for the shell what the query language should see as quotes.\n"
    "\n"
    "options:\n"
    "  -i, --index INDEX      index to search (default: $PAPERDEX_INDEX, then\n"
    "                         paperdex.idx)\n"
    "  -n, --limit N          show N papers (default 10)\n"
    "      --offset K         skip the first K papers (paging: --offset 10 -n 10\n"
    "                         shows papers 11-20)\n"
    "      --json             print JSON Lines, one object per paper: type (\"hit\"),\n"
    "                         rank, score, id, url, date (\"YYYY-MM-DD\" or null),\n"
    "                         votes (null when unknown), title, authors (array),\n"
    "                         authors_total, snippet, highlights ([start,end]\n"
    "                         UTF-8 byte ranges\n"
    "                         in snippet), title_highlights (the same, in title),\n"
    "                         partial (bool), missing (the words a partial\n"
    "                         match lacks, as typed); then one summary line: type\n"
    "                         (\"summary\"), query, total, total_exact, shown,\n"
    "                         offset, partial_used, took_us, notices,\n"
    "                         expansions (from, to, source: lexicon, head,\n"
    "                         company, composed, derived, synonym, spelling or\n"
    "                         lexicon spelling, as docs/SEARCH_CLI.md says; support,\n"
    "                         weight),\n"
    "                         suggestion (the query with misspelt words\n"
    "                         corrected when no paper matches it, or null),\n"
    "                         corrected (true when the hits are the\n"
    "                         suggestion's: see --no-correct)\n"
    "      --sort KEY         score (default), votes (most first, unknown last)\n"
    "                         or date (newest first)\n"
    "      --color WHEN       auto (default: colour when stdout is a terminal and\n"
    "                         NO_COLOR is unset or empty), always or never.\n"
    "                         Without colour, matches are shown as \xc2\xabword\xc2\xbb\n"
    "      --no-partial       only papers that match every word; by default, when\n"
    "                         too few do, the best partial matches follow them\n"
    "      --no-expand        no equivalents from the index's Korean-English\n"
    "                         lexicon (강화학습 also finds \"reinforcement\n"
    "                         learning\"), no noun for a derived Korean form\n"
    "                         (효율화 also finds 효율적), no other form of an\n"
    "                         English -sis word (synthesis also finds\n"
    "                         synthetic); words are still stemmed (models\n"
    "                         finds model) and lose particles\n"
    "      --no-correct       when no paper matches every word and a spelling\n"
    "                         suggestion does, show the suggestion without\n"
    "                         searching it; by default its results are shown\n"
    "                         (\"showing results for\")\n"
    "      --explain          say what each word also matched, and at what weight\n"
    "\n"
    "ranking: score = (1 + W ln(1 + votes)) * (sum of per-field BM25 * weight\n"
    "         + a bonus for query words found close together, in order;\n"
    "         README.md \"Ranking\" has the formula):\n"
    "      --vote-weight W    vote boost W, 0..100 (default %g; 0 turns it off)\n"
    "      --field-weights T,A,S  weights of title, authors, summary, each\n"
    "                         0..100 (default %g,%g,%g)\n"
    "      --k1 X             BM25 k1, 0..10 (default %g)\n"
    "      --b X              BM25 b, 0..1 (default %g)\n"
    "\n"
    "  -h, --help             show this help\n"
    "      --version          show the version\n"
    "\n"
    "Options may come before or after the query. A word starting with '-' that\n"
    "is not an option above is a query word (an exclusion: -survey), except a\n"
    "minus and one letter (-k), an unknown option; use -- to end the options.\n"
    "\n"
    "query language:\n"
    "  word word        every word must match (AND; also: a AND b)\n"
    "  a OR b           either (OR binds tighter than the implicit AND)\n"
    "  (a b) OR c       parentheses group (at most 64 groups once OR is spread)\n"
    "  -word, NOT word  exclude papers that match; also -\"a b\", -(a OR b)\n"
    "                   (only uppercase AND, OR, NOT are operators)\n"
    "  \"a phrase\"       consecutive terms (also \xe2\x80\x9c...\xe2\x80\x9d, \xc2\xab...\xc2\xbb); a word that\n"
    "                   tokenizes into several terms (\"text-to-video\",\n"
    "                   \"\xea\xb0\x95\xed\x99\x94\xed\x95\x99\xec\x8a\xb5\") is a phrase too\n"
    "  title:w author:w summary:w   restrict a word or \"phrase\" to one field\n"
    "  author:\"Lin Xu\"  one whole author name (not Linning Xu)\n"
    "  transf*          prefix, expanded to the most frequent matching terms;\n"
    "                   also in a phrase (\"video transf*\")\n"
    "  date:2024  date:2024-06  date:2024-06-01..2024-08-31  date:2024..\n"
    "  votes:>=50  votes:>50  votes:<10  votes:10..100  votes:7\n"
    "  id:2406.09414  arXiv:2406.09414v2  https://arxiv.org/abs/2406.09414\n"
    "  filters combine like words: date:2024-06 OR date:2024-07, -date:2024\n"
    "  an unknown word: (Merlin:Empowering) is plain text\n"
    "\n"
    "examples:\n"
    "  paperdex-search 'author:\"Zhiqiu Lin\"'\n"
    "  paperdex-search title:diffusion \xeb\xb9\x84\xeb\x94\x94\xec\x98\xa4\n"
    "  paperdex-search '\"text-to-video\"' -survey\n"
    "  paperdex-search 'transf*' date:2024-06\n"
    "  paperdex-search \xea\xb0\x95\xed\x99\x94\xed\x95\x99\xec\x8a\xb5 'votes:>=20' --sort votes\n"
    "  paperdex-search --json -n 5 diffusion \xeb\xaa\xa8\xeb\x8d\xb8\n"
    "\n"
    "Exit status: 0 papers matched (partial matches too), 1 none did, 2 error.\n";

#define PROG "paperdex-search: "

/* Highlight and style escapes (SGR). */
#define SGR_MATCH "\033[1;33m"
#define SGR_TITLE "\033[1m"
#define SGR_DIM "\033[2m"
#define SGR_RESET "\033[0m"
/* Plain-text highlight markers. */
#define MARK_OPEN "\xc2\xab"  /* « */
#define MARK_CLOSE "\xc2\xbb" /* » */

#define SNIPPET_WIDTH PDX_SNIPPET_WIDTH
#define MAX_LIMIT 1000000u
/* Ranges of the ranking options, the same as the library's bounds in
 * search.h, which it enforces for every caller (PDX_EINVAL); checking here
 * first lets the message name the option as the user typed it. Past them
 * scores overflow or stop meaning anything. */
#define MAX_K1 PDX_MAX_K1
#define MAX_B PDX_MAX_B
#define MAX_FIELD_WEIGHT PDX_MAX_FIELD_WEIGHT
#define MAX_VOTE_WEIGHT PDX_MAX_VOTE_WEIGHT

typedef struct cli {
    const char *index;    /* path of the index to search (not owned) */
    pdx_search_opts opts; /* paging, sort and ranking options */
    bool json;            /* --json: JSON Lines instead of the listing */
    bool color;           /* SGR escapes in the listing */
    bool explain;         /* --explain: say what the query expanded to */
    unsigned parse_flags; /* pdx_parse_flags (--no-expand) */
    bool no_correct;      /* --no-correct: no results for a suggestion */
    pdx_buf query;        /* the QUERY words joined by spaces */
} cli;

/* The "did you mean" of a query no paper matches in full
 * (pdx_query_correct()), and whether the results are that suggestion's. */
typedef struct advice {
    char *suggestion; /* owned; NULL when none */
    bool corrected;
} advice;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- option values ---- */

static bool parse_u32(const char *v, uint32_t max, uint32_t *out)
{
    if (!v || *v < '0' || *v > '9')
        return false;
    errno = 0;
    char *end;
    unsigned long long x = strtoull(v, &end, 10);
    if (errno || *end || x > max)
        return false;
    *out = (uint32_t)x;
    return true;
}

static bool parse_weights(const char *v, double w[3])
{
    char tmp[128];
    if (!v || strlen(v) >= sizeof tmp)
        return false;
    memcpy(tmp, v, strlen(v) + 1);
    char *p = tmp;
    for (int i = 0; i < 3; i++) {
        char *comma = strchr(p, ',');
        if ((i < 2) != (comma != NULL))
            return false;
        if (comma)
            *comma = 0;
        if (!pdx_cli_parse_real(p, MAX_FIELD_WEIGHT, &w[i]))
            return false;
        p = comma ? comma + 1 : p;
    }
    return true;
}

static int bad_value(const char *opt, const char *val, const char *want)
{
    if (val)
        pdx_cli_eprintf(PROG "%s wants %s, got '%s'\n", opt, want, val);
    else
        pdx_cli_eprintf(PROG "%s wants %s\n", opt, want);
    return 2;
}

static void add_word(cli *c, const char *w)
{
    if (c->query.len)
        pdx_buf_putc(&c->query, ' ');
    pdx_buf_append(&c->query, w, strlen(w));
}

/* Is a the short option -opt with its number attached ("-n5", as getopt
 * reads it)? Then *v is the number. Only digits: "-nlp" stays an
 * exclusion, as any word after a minus that is no option. */
static bool attached_number(const char *a, char opt, const char **v)
{
    if (a[0] != '-' || a[1] != opt || !a[2])
        return false;
    for (const char *p = a + 2; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    *v = a + 2;
    return true;
}

/* "-k", "-i=...": a minus and a letter is an option's form. */
static bool ascii_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Parses the command line; returns -1 to go on, else an exit status. */
static int parse_args(cli *c, int argc, char **argv)
{
    const char *color = "auto";
    bool words_only = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (words_only || a[0] != '-' || !a[1]) {
            add_word(c, a);
        } else if (!strcmp(a, "--")) {
            words_only = true;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            printf(usage, PDX_DEFAULT_VOTE_WEIGHT, PDX_DEFAULT_W_TITLE, PDX_DEFAULT_W_AUTHORS,
                   PDX_DEFAULT_W_SUMMARY, PDX_DEFAULT_K1, PDX_DEFAULT_B);
            return 0;
        } else if (!strcmp(a, "--version")) {
            printf("paperdex-search %s\n", PDX_VERSION_STRING);
            return 0;
        } else if (!strcmp(a, "--json")) {
            c->json = true;
        } else if (!strcmp(a, "--no-partial")) {
            c->opts.no_partial = true;
        } else if (!strcmp(a, "--no-expand")) {
            c->parse_flags |= PDX_PARSE_NO_EXPAND;
        } else if (!strcmp(a, "--no-correct")) {
            c->no_correct = true;
        } else if (!strcmp(a, "--explain")) {
            c->explain = true;
        } else if (pdx_cli_opt_value(argc, argv, &i, "--index", "-i", &v)) {
            if (!v || !*v)
                return bad_value("--index", v, "an index file");
            c->index = v;
        } else if (pdx_cli_opt_value(argc, argv, &i, "--limit", "-n", &v) ||
                   attached_number(a, 'n', &v)) {
            if (!parse_u32(v, MAX_LIMIT, &c->opts.limit) || !c->opts.limit)
                return bad_value("-n", v, "a number of papers from 1 to 1000000");
        } else if (pdx_cli_opt_value(argc, argv, &i, "--offset", NULL, &v)) {
            if (!parse_u32(v, MAX_LIMIT, &c->opts.offset))
                return bad_value("--offset", v, "a number of papers from 0 to 1000000");
        } else if (pdx_cli_opt_value(argc, argv, &i, "--sort", NULL, &v)) {
            if (v && !strcmp(v, "score"))
                c->opts.sort = PDX_SORT_SCORE;
            else if (v && !strcmp(v, "votes"))
                c->opts.sort = PDX_SORT_VOTES;
            else if (v && !strcmp(v, "date"))
                c->opts.sort = PDX_SORT_DATE;
            else
                return bad_value("--sort", v, "score, votes or date");
        } else if (pdx_cli_opt_value(argc, argv, &i, "--color", NULL, &v) ||
                   pdx_cli_opt_value(argc, argv, &i, "--colour", NULL, &v)) {
            if (!v || (strcmp(v, "auto") && strcmp(v, "always") && strcmp(v, "never")))
                return bad_value("--color", v, "auto, always or never");
            color = v;
        } else if (pdx_cli_opt_value(argc, argv, &i, "--vote-weight", NULL, &v)) {
            if (!pdx_cli_parse_real(v, MAX_VOTE_WEIGHT, &c->opts.vote_weight))
                return bad_value("--vote-weight", v, "a number from 0 to 100");
        } else if (pdx_cli_opt_value(argc, argv, &i, "--field-weights", NULL, &v)) {
            if (!parse_weights(v, c->opts.field_weight))
                return bad_value("--field-weights", v,
                                 "three numbers from 0 to 100 for title,authors,summary "
                                 "(e.g. 1.5,1,0.8)");
        } else if (pdx_cli_opt_value(argc, argv, &i, "--k1", NULL, &v)) {
            if (!pdx_cli_parse_real(v, MAX_K1, &c->opts.k1))
                return bad_value("--k1", v, "a number from 0 to 10");
        } else if (pdx_cli_opt_value(argc, argv, &i, "--b", NULL, &v)) {
            if (!pdx_cli_parse_real(v, MAX_B, &c->opts.b))
                return bad_value("--b", v, "a number from 0 to 1");
        } else if (a[1] == '-') {
            pdx_cli_eprintf(PROG "unknown option '%s' (see --help)\n", a);
            return 2;
        } else if (a[2] == '=' && ascii_letter(a[1])) {
            /* "-i=PATH" read as the exclusion of "i=PATH" searched another
             * index than the one named (a trial) */
            pdx_cli_eprintf(PROG "unknown option '%s' (see --help): a short option takes its "
                            "value as the next argument (-i PATH, -n 5), a long one after "
                            "'=' (--index=PATH, --limit=5)\n", a);
            return 2;
        } else if (!a[2] && ascii_letter(a[1])) {
            /* "-k 10" is someone's option for the number of papers; read as
             * the exclusion of k it would search for "10" instead */
            pdx_cli_eprintf(PROG "unknown option '%s' (see --help; to exclude the "
                            "word %c, write it after --)\n", a, a[1]);
            return 2;
        } else {
            add_word(c, a); /* "-survey": an exclusion */
        }
    }
    if (c->query.err) {
        pdx_cli_eprintf(PROG "out of memory\n");
        return 2;
    }
    if (!c->query.len) {
        pdx_cli_eprintf(PROG "no query (see --help)\n");
        return 2;
    }
    const char *nc = getenv("NO_COLOR");
    if (!strcmp(color, "always"))
        c->color = true;
    else if (!strcmp(color, "auto"))
        c->color = !c->json && isatty(STDOUT_FILENO) && !(nc && *nc);
    if (!c->index) {
        const char *env = getenv("PAPERDEX_INDEX");
        c->index = env && *env ? env : "paperdex.idx";
    }
    return -1;
}

/* ---- human output ---- */

static void close_mark(pdx_buf *o, bool color, const char *restore)
{
    if (color) {
        pdx_buf_append(o, SGR_RESET, strlen(SGR_RESET));
        pdx_buf_append(o, restore, strlen(restore));
    } else {
        pdx_buf_append(o, MARK_CLOSE, strlen(MARK_CLOSE));
    }
}

/* Appends text with control characters (C0, DEL, C1) as spaces, bidi
 * overrides and isolates dropped and invalid UTF-8 as U+FFFD, so nothing
 * from an index can drive the terminal or reorder what it shows (an old or
 * crafted index may hold them; pdx_is_control_cp has the list). Marks the
 * spans; two spans with only a hyphen or a space between them are marked
 * as one.
 * `restore` is the style to return to after a highlight. */
static void put_text(pdx_buf *o, const char *text, size_t len, const pdx_span *spans,
                     size_t n_spans, bool color, const char *restore)
{
    const uint8_t *p = (const uint8_t *)text;
    size_t k = 0;
    bool open = false;
    for (size_t i = 0; i < len;) {
        if (!open && k < n_spans && spans[k].start <= i && spans[k].end > i) {
            pdx_buf_append(o, color ? SGR_MATCH : MARK_OPEN,
                           strlen(color ? SGR_MATCH : MARK_OPEN));
            open = true;
        }
        /* Up to the next span edge, the characters shown as they are go in
         * one append; anything else takes the step below, one character. */
        size_t stop = open ? spans[k].end : k < n_spans ? spans[k].start : len;
        size_t l = pdx_utf8_plain_run(p, PDX_MIN(stop, len), i, false) - i;
        if (l) {
            pdx_buf_append(o, p + i, l);
        } else {
            int32_t cp = p[i];
            l = p[i] < 0x80 ? 1 : pdx_utf8_decode(p + i, len - i, &cp);
            if (!l) {
                pdx_buf_append(o, "\xef\xbf\xbd", 3);
                l = 1;
            } else if (pdx_is_control_cp(cp)) {
                if (cp <= 0x9f) /* a control stands where a character was */
                    pdx_buf_putc(o, ' ');
            } else {
                pdx_buf_append(o, p + i, l);
            }
        }
        i += l;
        while (k < n_spans && spans[k].end <= i) {
            /* "text-to-video", "강화 학습": one marked run, not several */
            bool joined = open && k + 1 < n_spans && spans[k].end < len &&
                          (p[spans[k].end] == '-' || p[spans[k].end] == ' ') &&
                          spans[k + 1].start == spans[k].end + 1;
            if (open && !joined) {
                close_mark(o, color, restore);
                open = false;
            }
            k++;
        }
    }
    if (open)
        close_mark(o, color, restore);
}

/* The paper's link: the stored URL, else the arXiv page of its id (the
 * same choice as pdx_json_url). */
static void put_url(pdx_buf *o, const pdx_hit_info *h)
{
    bool synth = h->id_len >= 7 && !memcmp(h->id, "nolink-", 7);
    if (h->url_len) {
        put_text(o, h->url, h->url_len, NULL, 0, false, "");
    } else if (!synth && h->id_len) {
        pdx_buf_puts(o, "https://arxiv.org/abs/");
        put_text(o, h->id, h->id_len, NULL, 0, false, "");
    } else {
        pdx_buf_puts(o, "(no link)");
    }
}

/* The first three authors, then every later one the query matches (so
 * author:"Lin Xu" shows Lin Xu when they are the twelfth), each with the
 * query's author highlights; "+ N more" counts the authors not shown. */
static void put_authors(pdx_buf *o, pdx_searcher *s, const pdx_query *q, const cli *c,
                        const pdx_hit_info *h)
{
    const char *a = h->authors, *end = h->authors + h->authors_len;
    uint32_t shown = 0, total = 0;
    for (uint32_t k = 0; a < end; k++) {
        const char *nl = memchr(a, '\n', (size_t)(end - a));
        size_t n = (size_t)((nl ? nl : end) - a);
        const pdx_span *spans = NULL;
        size_t n_spans = 0;
        if (pdx_highlight_field(s, q, PDX_TEXT_AUTHORS, a, n, &spans, &n_spans))
            n_spans = 0;
        if (k < 3 || n_spans) {
            if (shown++)
                pdx_buf_puts(o, ", ");
            put_text(o, a, n, spans, n_spans, c->color, "");
        }
        total++;
        a = nl ? nl + 1 : end;
    }
    total = PDX_MAX(total, h->n_authors);
    if (total > shown) {
        pdx_buf_puts(o, " + ");
        pdx_buf_put_uint(o, total - shown);
        pdx_buf_puts(o, " more");
    }
}

/* The rank that starts a hit, as printf's "%3zu. ": right-aligned in
 * three columns. */
static void put_rank(pdx_buf *o, uint64_t rank)
{
    if (rank < 100)
        pdx_buf_puts(o, rank < 10 ? "  " : " ");
    pdx_buf_put_uint(o, rank);
    pdx_buf_puts(o, ". ");
}

/* A partial match's mark: the words it lacks, as typed ("[partial: without
 * tuning]"), or, when one of them has no name, how many it has. */
static void put_partial(pdx_buf *o, const pdx_query *q, const pdx_hit *hit, uint32_t clauses)
{
    size_t at = o->len;
    pdx_buf_puts(o, "[partial: without ");
    if (hit->missing && !pdx_put_missing(o, q, hit, ", ", false)) {
        pdx_buf_puts(o, "] ");
        return;
    }
    o->len = at;
    pdx_buf_printf(o, "[partial: %u of %u words] ", hit->matched, clauses);
}

static void human_hit(pdx_buf *o, pdx_searcher *s, const pdx_query *q, const cli *c,
                      const pdx_results *r, size_t i, const pdx_hit_info *h)
{
    const pdx_hit *hit = &r->hits[i];
    put_rank(o, (uint64_t)c->opts.offset + i + 1);
    if (hit->partial) {
        if (c->color)
            pdx_buf_puts(o, SGR_DIM);
        put_partial(o, q, hit, r->clauses);
        if (c->color)
            pdx_buf_puts(o, SGR_RESET);
    }
    const pdx_span *spans = NULL;
    size_t n_spans = 0;
    if (pdx_highlight_field(s, q, PDX_TEXT_TITLE, h->title, h->title_len, &spans, &n_spans))
        n_spans = 0;
    if (c->color)
        pdx_buf_puts(o, SGR_TITLE);
    if (!h->title_len) /* a heading with an empty title (warned at build) */
        pdx_buf_puts(o, "(no title)");
    put_text(o, h->title, h->title_len, spans, n_spans, c->color, SGR_TITLE);
    if (c->color)
        pdx_buf_puts(o, SGR_RESET);
    pdx_buf_puts(o, "\n     ");

    char date[16];
    pdx_format_date(date, h->date);
    pdx_buf_puts(o, *date ? date : "unknown date");
    if (h->votes == PDX_VOTES_UNKNOWN) {
        pdx_buf_puts(o, " | votes unknown | ");
    } else {
        pdx_buf_puts(o, " | ");
        pdx_buf_put_int(o, h->votes);
        pdx_buf_puts(o, h->votes == 1 ? " vote | " : " votes | ");
    }
    put_url(o, h);
    pdx_buf_puts(o, "\n     ");

    if (!h->authors_len)
        pdx_buf_puts(o, "authors unknown");
    else
        put_authors(o, s, q, c, h);
    pdx_buf_puts(o, "\n");

    pdx_snippet sn;
    if (h->summary_len && !pdx_snippet_make(s, q, h->summary, h->summary_len, SNIPPET_WIDTH, &sn) &&
        sn.len) {
        pdx_buf_puts(o, "     ");
        put_text(o, sn.text, sn.len, sn.spans, sn.n_spans, c->color, "");
        pdx_buf_puts(o, "\n");
    }
    pdx_buf_puts(o, "\n");
}

/* ---- JSON output (hit_json.c, shared with paperdex-serve) ---- */

/* The last JSON line, after the hits (ripgrep's "summary" message): the
 * total the human listing prints on its first line, so that a script need
 * not count lines to know how many papers match. */
static void json_summary(pdx_buf *o, const cli *c, const pdx_query *q, const pdx_results *r,
                         double secs, const advice *a)
{
    pdx_buf_puts(o, "{\"type\":\"summary\",");
    pdx_json_summary_members(o, (const char *)c->query.data, c->query.len, c->opts.offset, q,
                             r, secs, a->suggestion, a->corrected);
    pdx_buf_puts(o, "}\n");
}

/* --explain: one line per word that also matched something else. */
static void human_expansions(pdx_buf *o, const pdx_query *q, bool no_expand)
{
    size_t n = pdx_query_expansion_count(q);
    const char *common = pdx_query_too_common(q);
    if (*common) {
        pdx_buf_puts(o, "not expanded: ");
        put_text(o, common, strlen(common), NULL, 0, false, "");
        pdx_buf_puts(o, " (in too many papers: an equivalent would add hundreds more)\n");
    }
    if (n == 0) {
        pdx_buf_puts(o, no_expand ? "expanded: nothing (--no-expand)\n"
                        : *common ? "expanded: nothing else (no other word of the query has an "
                                    "equivalent or another form in this index)\n"
                                  : "expanded: nothing (no word of the query has an equivalent "
                                    "or another form in this index that the query does not "
                                    "hold already; an excluded word is never expanded)\n");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        pdx_expansion x;
        pdx_query_expansion(q, i, &x);
        pdx_buf_puts(o, "expanded: ");
        put_text(o, x.from, x.from_len, NULL, 0, false, "");
        pdx_buf_puts(o, " -> ");
        put_text(o, x.to, x.to_len, NULL, 0, false, "");
        if (x.support && !strcmp(x.source, "head"))
            pdx_buf_printf(o, " (lexicon, the head of names stated by %u papers; weight %.2g)\n",
                           x.support, x.weight);
        else if (x.support && !strcmp(x.source, "company")) /* a pair found, not stated */
            pdx_buf_printf(o, " (lexicon, found together in %u papers; weight %.2g)\n",
                           x.support, x.weight);
        else if (x.support)
            pdx_buf_printf(o, " (%s, stated by %u papers; weight %.2g)\n", x.source, x.support,
                       x.weight);
        else if (!strcmp(x.source, "synonym")) /* synonyms.c: no form of the word */
            pdx_buf_printf(o, " (synonym; weight %.2g)\n", x.weight);
        else if (!strcmp(x.source, "glossary")) /* glossary.c: a translation */
            pdx_buf_printf(o, " (glossary, the other language; weight %.2g)\n", x.weight);
        else
            pdx_buf_printf(o, " (%s form; weight %.2g)\n", x.source, x.weight);
    }
    const char *as_typed = pdx_query_as_typed(q);
    if (*as_typed) {
        pdx_buf_puts(o, "as typed only: ");
        put_text(o, as_typed, strlen(as_typed), NULL, 0, false, "");
        pdx_buf_puts(o, " (no equivalent or other form in this index)\n");
    }
}

/* ---- human header ---- */

static void quote_text(pdx_buf *o, const char *t, size_t n)
{
    pdx_buf_putc(o, '"');
    put_text(o, t, n, NULL, 0, false, "");
    pdx_buf_putc(o, '"');
}

/* The lines above the listing: how many papers match (the same total as
 * the JSON summary), the time, which ranks are shown, partial matches, a
 * spelling suggestion and the parser's notice. */
static void human_header(pdx_buf *o, const cli *c, const pdx_query *q, const pdx_results *r,
                         double secs, const advice *a)
{
    const char *shown = (const char *)c->query.data; /* the query whose results these are */
    size_t shown_len = c->query.len;
    if (a->corrected) {
        pdx_buf_puts(o, "no paper matches ");
        quote_text(o, shown, shown_len);
        pdx_buf_puts(o, "; showing results for ");
        shown = a->suggestion;
        shown_len = strlen(shown);
        quote_text(o, shown, shown_len);
        pdx_buf_puts(o, " (--no-correct: as typed)\n");
    }
    /* An estimated total is in practice a lower bound: pruning passed over
     * papers that could not reach the page (search.h). */
    if (r->total) {
        if (r->total_estimated)
            pdx_buf_puts(o, "at least ");
        pdx_buf_put_uint(o, r->total);
        pdx_buf_puts(o, r->total == 1 ? " paper matches " : " papers match ");
    } else {
        pdx_buf_puts(o, "no paper matches ");
    }
    quote_text(o, shown, shown_len);
    pdx_buf_printf(o, " (%.2f ms)", secs * 1e3);
    if (r->n) {
        pdx_buf_puts(o, "; showing ");
        pdx_buf_put_uint(o, (uint64_t)c->opts.offset + 1);
        pdx_buf_putc(o, '-');
        pdx_buf_put_uint(o, (uint64_t)c->opts.offset + r->n);
    } else if (r->total)
        pdx_buf_printf(o, "; none after offset %u", c->opts.offset);
    pdx_buf_puts(o, "\n");
    if (r->partial_used && !r->n) {
        /* paged past them all: say so, not "showing" (a user trial) */
        pdx_buf_printf(o, "%s the best partial matches end before offset %u\n",
                       r->total ? "the papers matching every word and" : "no paper matches every word;",
                       c->opts.offset);
    } else if (r->partial_used) {
        if (r->total)
            pdx_buf_printf(o, "%s %" PRIu64 " paper%s match%s every word; "
                       "showing best partial matches too\n",
                       r->total_estimated ? "at least" : "only", r->total,
                       r->total == 1 ? "" : "s", r->total == 1 ? "es" : "");
        else
            pdx_buf_puts(o, "no paper matches every word; showing best partial matches "
                        "(marked [partial])\n");
    }
    if (a->suggestion && !a->corrected) {
        pdx_buf_puts(o, "did you mean ");
        quote_text(o, a->suggestion, strlen(a->suggestion));
        pdx_buf_puts(o, "?\n");
    }
    if (r->notice[0]) {
        pdx_buf_puts(o, "note: ");
        put_text(o, r->notice, strlen(r->notice), NULL, 0, false, "");
        pdx_buf_puts(o, "\n");
    }
    if (c->explain)
        human_expansions(o, q, (c->parse_flags & PDX_PARSE_NO_EXPAND) != 0);
    pdx_buf_puts(o, "\n");
}

/* ---- the index changing under the search ---- */

/* What the SIGBUS handler writes. Formatted before the index is mapped:
 * a signal handler may only call async-signal-safe functions. */
static char bus_msg[4352];
static size_t bus_msg_len;

/* Reading a page of the mapping past the end of a file that shrank raises
 * SIGBUS: `cp new.idx INDEX` truncates INDEX before writing it again, and
 * the kernel takes the pages away from every process mapping it. Output
 * is built in memory and written only once complete, so nothing has been
 * printed: report and exit with the error status. (siglongjmp back into
 * run() would leave the library mid-call, with its memory and state half
 * updated, to do no more than this.) */
static void on_sigbus(int sig)
{
    (void)sig;
    ssize_t n = write(STDERR_FILENO, bus_msg, bus_msg_len);
    (void)n; /* nothing better to do if stderr is gone */
    _exit(2);
}

/* Sets the SIGBUS handler for reads of the index at path: from before it
 * is opened until it is closed. */
static void guard_mapping(const char *path)
{
    int n = snprintf(bus_msg, sizeof bus_msg,
                     PROG "%s changed while being read (it was overwritten in place; "
                          "replace indexes with paperdex-index, which does it atomically)\n",
                     path);
    bus_msg_len = n < 0 ? 0 : PDX_MIN((size_t)n, sizeof bus_msg - 1);
    if (bus_msg_len && bus_msg[bus_msg_len - 1] != '\n') /* a path too long: cut */
        bus_msg[bus_msg_len - 1] = '\n';
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigbus;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, NULL);
}

/* Once the index is closed a SIGBUS is not about it any more. */
static void unguard_mapping(void)
{
    signal(SIGBUS, SIG_DFL);
}

/* Whether the index file `before` describes was written to since: an
 * overwrite in place that kept the file long enough for every read (`cp`
 * finished before the search read past what it had written) raises no
 * SIGBUS, but the search may have read old and new bytes. A new file
 * renamed over the path (another inode) is an atomic replacement: the
 * search read the old file whole, as it should. */
static bool index_rewritten(const char *path, const struct stat *before)
{
    struct stat now;
    if (stat(path, &now) != 0)
        return false; /* renamed or removed: the mapping was still whole */
    return now.st_dev == before->st_dev && now.st_ino == before->st_ino &&
           (now.st_size != before->st_size || now.st_mtim.tv_sec != before->st_mtim.tv_sec ||
            now.st_mtim.tv_nsec != before->st_mtim.tv_nsec);
}

/* The segment files of the index searched, as opened (a format-4 index
 * is a manifest naming them; the search reads the segments). */
static pdx_segment_info seg_opened[32];
static char seg_paths[32][4200];
static uint32_t n_seg_opened;

static void note_segments(const pdx_index *ix)
{
    n_seg_opened = 0;
    for (uint32_t i = 0; i < 32 && pdx_index_segment_info(ix, i, &seg_opened[i]) == PDX_OK;
         i++, n_seg_opened++)
        snprintf(seg_paths[i], sizeof seg_paths[i], "%s", seg_opened[i].path);
}

/* Whether a segment was written to in place since it was opened. */
static bool segments_rewritten(void)
{
    for (uint32_t i = 0; i < n_seg_opened; i++) {
        struct stat now;
        if (stat(seg_paths[i], &now) != 0)
            continue; /* removed by a writer: the mapping was still whole */
        int64_t m = (int64_t)now.st_mtim.tv_sec * 1000000000 + now.st_mtim.tv_nsec;
        if ((uint64_t)now.st_dev == seg_opened[i].dev && (uint64_t)now.st_ino == seg_opened[i].ino &&
            ((uint64_t)now.st_size != seg_opened[i].file_size || m != seg_opened[i].mtime_ns))
            return true;
    }
    return false;
}

/* The index as stat saw it before the search opened it (index_known:
 * it existed). */
static struct stat index_before;
static bool index_known;

/* Whether the index or a segment of it was overwritten in place while the
 * search ran. */
static bool index_changed(const char *path)
{
    return (index_known && index_rewritten(path, &index_before)) || segments_rewritten();
}

/* Reports error rc of the search, message m: a read that failed (EIO) or
 * met damage (ECORRUPT) while the index was overwritten in place under it
 * is reported as that overwrite (the one-shot handle reads records with
 * pread(), which meets a file that shrank as a short read where the
 * mapping raises SIGBUS). */
static void search_error(const cli *c, int rc, const char *m)
{
    if ((rc == PDX_EIO || rc == PDX_ECORRUPT) && index_changed(c->index))
        fputs(bus_msg, stderr);
    else
        pdx_cli_eprintf(PROG "%s\n", m);
}

/* ---- main ---- */

/* Formats the page of results (header or summary, and the hits) into o.
 * Returns 0, or 2 after printing the error of a record that cannot be
 * read. */
static int format_results(pdx_buf *o, pdx_searcher *s, const pdx_query *q, const cli *c,
                          const pdx_results *r, double secs, const advice *a)
{
    /* A page's worth of room at once, not a dozen doublings of a small
     * buffer (a failure here is the out of memory the appends would meet). */
    pdx_buf_reserve(o, 1024 + PDX_MIN(r->n, (size_t)64) * 1536);
    if (!c->json)
        human_header(o, c, q, r, secs, a);
    for (size_t i = 0; i < r->n && !o->err; i++) {
        pdx_hit_info h;
        int rc = pdx_hit_get(s, r->hits[i].doc, &h);
        if (rc) {
            search_error(c, rc, pdx_searcher_errmsg(s));
            return 2;
        }
        if (c->json) {
            pdx_json_hit(o, s, q, r, i, c->opts.offset, &h);
            pdx_buf_putc(o, '\n');
        } else
            human_hit(o, s, q, c, r, i, &h);
    }
    if (c->json)
        json_summary(o, c, q, r, secs, a);
    return 0;
}

/* path as a shell word into b: as it is when it holds only characters no
 * shell reads, else in single quotes (a quote in it as '"'"': messages
 * double a backslash), so that the command suggested can be pasted (a
 * trial's '색인 폴더/없는.idx' was cut at its space). */
static void shell_word(pdx_buf *b, const char *path)
{
    bool plain = *path != 0;
    for (const char *p = path; *p && plain; p++)
        plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                (*p >= '0' && *p <= '9') || strchr("_./-+:,@%", *p);
    if (plain) {
        pdx_buf_puts(b, path);
        return;
    }
    pdx_buf_putc(b, '\'');
    for (const char *p = path; *p; p++) {
        if (*p == '\'')
            pdx_buf_puts(b, "'\"'\"'");
        else
            pdx_buf_putc(b, *p);
    }
    pdx_buf_putc(b, '\'');
}

/* Opens the index, runs the query and formats the whole output into o
 * (written by the caller only when this succeeds, so an error never
 * leaves half a listing on stdout). Returns the exit status. */
static int search_into(pdx_buf *o, const cli *c)
{
    char err[PDX_MSG_MAX];
    pdx_index *ix = NULL;
    /* one query, then exit: records by pread, not page faults (index.h) */
    int rc = pdx_index_open_flags(&ix, c->index, PDX_OPEN_ONESHOT, err, sizeof err);
    if (rc) {
        pdx_buf word = {0};
        shell_word(&word, c->index);
        if (rc == PDX_ENOTFOUND && !word.err)
            pdx_cli_eprintf(PROG "%s (build one with: paperdex-index -o %.*s DIGESTS...)\n", err,
                            (int)word.len, (const char *)word.data);
        else
            pdx_cli_eprintf(PROG "%s\n", err);
        pdx_buf_free(&word);
        return 2;
    }
    note_segments(ix);
    pdx_searcher *s = NULL;
    pdx_query *q = NULL;
    pdx_results r = {0};
    advice a = {NULL, false};
    int status = 2;
    if (pdx_searcher_new(&s, ix)) {
        pdx_cli_eprintf(PROG "out of memory\n");
        goto done;
    }
    double t0 = now();
    rc = pdx_query_parse_flags(&q, s, (const char *)c->query.data, c->query.len,
                               c->parse_flags);
    if (!rc)
        rc = pdx_search(s, q, &c->opts, &r);
    /* no paper matches every word: a word misspelt? */
    if (!rc)
        pdx_query_correct(s, (const char *)c->query.data, c->query.len, c->parse_flags,
                          &c->opts, !c->no_correct, &q, &r, &a.suggestion, &a.corrected);
    double secs = now() - t0;
    if (rc) {
        /* a bad option value (PDX_EINVAL) is reported in the library's words */
        const char *m = pdx_searcher_errmsg(s);
        search_error(c, rc, *m ? m : pdx_strerror(rc));
        goto done;
    }
    if (c->json && r.notice[0])
        pdx_cli_eprintf(PROG "note: %s\n", r.notice); /* not an error */
    if (format_results(o, s, q, c, &r, secs, &a))
        goto done;
    if (o->err) {
        pdx_cli_eprintf(PROG "out of memory\n");
        goto done;
    }
    status = r.n || r.total || r.partial_used ? 0 : 1; /* matches, if not on this page */
done:
    free(a.suggestion);
    pdx_results_clear(&r);
    pdx_query_free(q);
    pdx_searcher_free(s);
    pdx_index_close(ix);
    return status;
}

/* The first error writing stdout (an errno value), 0 while none. */
static int out_errno;

/* Writes the whole output with write(2), straight from the buffer it was
 * formatted in (stdio would copy it into its own first): one call for
 * any listing the pipe or file takes whole. */
static void write_out(const void *p, size_t n)
{
    int e = out_errno ? 0 : pdx_write_all(STDOUT_FILENO, p, n);
    if (e)
        out_errno = e < 0 ? EIO : e;
}

/* Closes stdout; returns 2 with a message when anything written to it was
 * lost (a full disk, a closed pipe's EPIPE), so that a failed write never
 * passes for success. */
static int close_stdout(void)
{
    if (fflush(stdout) != 0 && !out_errno)
        out_errno = errno ? errno : EIO;
    if (ferror(stdout) && !out_errno)
        out_errno = EIO;
    if (fclose(stdout) != 0 && !out_errno)
        out_errno = errno ? errno : EIO;
    if (!out_errno)
        return 0;
    pdx_cli_eprintf(PROG "writing output: %s\n", strerror(out_errno));
    return 2;
}

static int run(const cli *c)
{
    pdx_buf o = {0};
    index_known = stat(c->index, &index_before) == 0; /* else open reports it */
    guard_mapping(c->index);
    int status = search_into(&o, c);
    unguard_mapping();
    if (status != 2 && index_changed(c->index)) {
        fputs(bus_msg, stderr);
        status = 2;
    }
    if (status != 2)
        write_out(o.data, o.len);
    pdx_buf_free(&o);
    return status;
}

int main(int argc, char **argv)
{
    cli c = {0};
    /* A buffer larger than --help, so that a failed write is seen by the
     * final fflush with its errno (ENOSPC), not only as ferror's EIO. */
    static char outbuf[1 << 14];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    pdx_search_opts_default(&c.opts);
    int status = parse_args(&c, argc, argv);
    if (status < 0)
        status = run(&c);
    pdx_buf_free(&c.query);
    if (close_stdout())
        status = 2;
    return status;
}
