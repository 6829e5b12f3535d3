/*
 * The digest parser: one in-memory markdown digest in, papers out.
 *
 * Role: the first stage of indexing. walk.c reads files and hands each one
 * to pdx_parser_parse(); papers go to the caller's callback one at a time
 * (the index writer copies what it keeps and deduplicates ids).
 *
 * Algorithm. The text is cut into lines at '\n' (a '\r' before it and any
 * trailing blanks are dropped, so CRLF and a missing final newline work),
 * or at '\r' in a file whose first line ends with a CR alone (old Mac
 * files, line_end_of()). Lines have no length limit, as nothing is copied
 * into fixed buffers, but a paper keeps at most PDX_MAX_SUMMARY_BYTES of
 * summary, PDX_MAX_TITLE_BYTES of title and PDX_MAX_AUTHORS_BYTES of
 * authors, warned (memory). Each line is classified by its ASCII prefix,
 * after up to three spaces for the two headers (CommonMark's; four make an
 * indented code line, which is text):
 *
 *   "## Daily Papers (YYYY-MM-DD)"   sets the date of the papers after it and
 *                                    ends the current paper
 *   "### ..." (or a bare "###")      a paper heading: ends the current paper
 *                                    and starts the next one
 *   outside a paper                  ignored (preamble, a README's text)
 *   "Vote: N" / "Authors: ..."       the paper's fields
 *   blank                            skipped
 *   "![...", "[Watch Video]...",     thumbnail, video and HTML lines: not
 *   "<" + letter, '/' or '!'         summary text (indentation ignored)
 *   anything else                    a summary line, indentation and bullet
 *                                    markers kept, "**"/"***" removed (this
 *                                    includes "#", "##" and "####" lines:
 *                                    only "###" starts a paper, and "> ###"
 *                                    lines: a blockquote is quoted text; one
 *                                    that links a paper like a heading,
 *                                    "#### [T](arxiv)", "###[T](arxiv)",
 *                                    "- ### [T](arxiv)" or "> ### [T](arxiv)",
 *                                    is warned:
 *                                    near_heading())
 *
 * An HTML comment, from a line that starts with "<!--" (after up to three
 * spaces) to the line holding the first "-->" after it, is none of these
 * either: a reader of the rendered digest does not see it, so a paper
 * commented out is not indexed, its heading reported as skipped; one that
 * nothing closes is warned and the lines after it read as usual (CommonMark
 * would hide the rest of the file). Text after the "-->" on the comment's
 * last line is shown by a browser (CommonMark passes the line on as raw
 * HTML): in a paper it is summary text (comment_tail()). Inside a fenced
 * block "<!--" is code.
 *
 * Lines inside a fenced code block (fence.c pairs the fence lines first)
 * are none of these: code, which is summary text as written inside a paper
 * and ignored outside one (a heading there is reported as skipped); the
 * fence lines themselves are dropped. A fence opened in a paper must close
 * before the next paper heading, and any fence must close somewhere:
 * otherwise it is text, with a warning (opens_block()). Paper heading
 * here means one that looks like a paper's (find_fences()): other "###"
 * lines in a paper's block are code (code_line()). A date header
 * inside a block, opened in a paper or in a preamble, is code or read, as
 * the fences around it pair best (fence.c), with a warning either way.
 *
 * A paper is delivered when the next heading, date header or the end of the
 * buffer arrives. Only text that ends up in a paper is checked for UTF-8:
 * invalid sequences and NUL bytes are replaced with U+FFFD (one per bad
 * byte, like pdx_utf8_sanitize) and reported once per line, so the output
 * is always valid UTF-8 and never silently shortened.
 *
 * Decisions (the header documents the contract, these are the details):
 * - Heading: markdown's closing '#'s are taken off ("### [T](url) ###").
 *   The title is the text of the heading's first link when its brackets
 *   balance ("[[IDK] x](...)"), else everything between the first '[' and
 *   the last "](" whose link closes (heading_link()), so titles may hold
 *   brackets and parentheses. The paper's link is the title link when it
 *   holds an arXiv id, else the first link after it that does
 *   ("[Project](github) [paper](arXiv)": find_paper_link()). Text after
 *   the title link ends the title ("(ICML 2024)"), links in it left out
 *   and the separators around them ("- [Code](...) | [Page](...)"), see
 *   append_title_tail(). The arXiv id comes from the paper's link (see
 *   pdx_arxiv_id_from_url); "vN" is stripped so versions dedup. A list
 *   number or emphasis around the title link ("1. [T](...)",
 *   "**[T](...)** (NeurIPS)", "**[T](...) (ICML)**") is taken off when the
 *   heading links a paper (wrapped_link()). A heading without a usable id gets "nolink-" + 16
 *   hex digits of XXH3-64 of the paper's title, authors and summary
 *   (synthesize_id()), plus a warning; an empty title without an id is
 *   skipped.
 * - Date: the last "## Daily Papers (...)" header above the paper, else the
 *   YYYY/MM/DD in the path. An invalid header date is a warning. A file
 *   whose papers have no date at all gets one warning (first paper's line).
 * - Votes: digits only, at most 10^9, maybe in groups of three after
 *   commas ("1,234"). "-", empty, or no line is unknown without a warning;
 *   anything else is unknown with a warning. The labels are "Vote:" and
 *   "Authors:", as the digests write them, or "Votes:" and "Author:" (a
 *   hand-written digest's; field_label()), all one way.
 * - A second Vote or Authors line in one paper is ignored with a warning.
 * - Authors: a comma list, or a Python-style list ['a', "O'B"] with '
 *   or " quotes and backslash escapes; a leading "and " is removed from each
 *   name, empty names are dropped and a name already listed is dropped (the
 *   first occurrence keeps its place).
 * - Terminal controls (C0 but tab, DEL, C1, bidi overrides and isolates)
 *   are removed from every field, with one warning per paper: stored text
 *   is printed to terminals by paperdex-search.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "fence.h"
#include "indexer.h"

/* After this many lines with replaced bytes in one file, further ones are
 * counted and reported once at the end of the file (a binary file would
 * otherwise flood the caller). */
#define PDX_PARSE_UTF8_WARN_MAX 16

/* The same for the parser's guesses between two readings of a file's
 * markup (a block holding a date header), each of which is warned, and
 * for the code fences that nothing closes (a trial's file of 20 was told
 * of its first alone, by line). */
#define PDX_PARSE_GUESS_WARN_MAX 16

/* A per-file limit on one kind of warning: the first ones are reported,
 * the others counted and reported as one line at the end of the file
 * (quota_take()). */
typedef struct quota {
    uint32_t said;  /* reported */
    uint32_t quiet; /* counted, not reported */
} quota;

/* Votes above this are not believable and are treated as unknown. */
#define PDX_VOTES_MAX INT64_C(1000000000)

enum section {
    SEC_NONE,   /* before the first heading, or after a date header */
    SEC_PAPER,  /* inside a paper that will be delivered */
    SEC_SKIPPED /* inside a heading reported as skipped: lines ignored */
};

struct pdx_parser {
    pdx_parse_cb cb;        /* the caller's callbacks (copied) */
    pdx_parse_stats *stats; /* added to; not owned */

    /* Per file. */
    const char *file;        /* name given to pdx_parser_parse; not owned */
    int32_t path_date;       /* fallback date from the path, or 0 */
    int32_t header_date;     /* date of the last valid header, or 0 */
    bool warned_no_date;     /* the "no date" warning was given */
    quota utf8;              /* lines with replaced bytes */
    uint64_t headings;       /* headings in this file */

    /* The paper being assembled (SEC_PAPER). The bufs are reused from paper
     * to paper, so their memory is bounded by the largest paper. */
    enum section sec;
    uint32_t line;       /* heading line */
    bool have_vote;      /* a Vote line was seen */
    bool have_authors;   /* an Authors line was seen */
    bool id_synthesized; /* id is "nolink-...", made when the paper ends */
    const char *synth_why; /* why it has none, for the warning */
    int64_t votes;       /* PDX_VOTES_UNKNOWN or >= 0 */
    uint32_t n_authors;  /* names in `authors` */
    uint32_t stripped;   /* terminal controls removed from this paper */
    uint32_t stripped_line; /* the line of the first, 0 until one is */
    bool summary_cut;    /* its summary reached PDX_MAX_SUMMARY_BYTES */
    uint32_t authors_cut; /* names left out past PDX_MAX_AUTHORS_BYTES */
    pdx_slots author_slots; /* hash of the names in `authors`, for dedup */
    uint32_t *author_off;   /* start of each name in `authors`... */
    uint32_t *author_len;   /* ...and its length; n_authors of each */
    uint32_t cap_author;    /* entries allocated in author_off/_len */
    pdx_buf id;          /* arXiv id or synthesized id */
    pdx_buf url;         /* link target, sanitized */
    pdx_buf title;       /* title, sanitized */
    pdx_buf authors;     /* names joined by '\n' */
    pdx_buf summary;     /* summary lines joined by '\n' */
    pdx_buf scratch;     /* a sanitized Authors line */
    pdx_fences fences;   /* the file's fence lines, paired (fence.c) */
    quota fence_text;    /* fences read as text */
    quota guesses;       /* guesses between two readings (weigh_date_header()) */
    /* Reports made inside the paper, held until it ends (pending_flush()):
     * what is said of the paper as a whole (no date, a synthesized id) is
     * known only then and points at its heading, before them. Records:
     * u8 level, u32 line, u32 length, the message. */
    pdx_buf pending;
    bool pending_off; /* held no more for this paper (PDX_PENDING_MAX passed) */
};

/* Held reports past this are delivered at once (a paper with a warning on
 * each of a million lines keeps no million messages). */
#define PDX_PENDING_MAX (64u << 10)

/* ---- small text helpers ---- */

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static size_t rtrim_len(const char *s, size_t n)
{
    while (n > 0 && is_blank(s[n - 1]))
        n--;
    return n;
}

/* Advances *s past blanks, shrinking *n. */
static void ltrim(const char **s, size_t *n)
{
    while (*n > 0 && is_blank(**s)) {
        (*s)++;
        (*n)--;
    }
}

static void trim(const char **s, size_t *n)
{
    ltrim(s, n);
    *n = rtrim_len(*s, *n);
}

static bool has_prefix(const char *s, size_t n, const char *pre)
{
    size_t m = strlen(pre);
    return n >= m && memcmp(s, pre, m) == 0;
}

static bool has_prefix_ci(const char *s, size_t n, const char *pre)
{
    size_t m = strlen(pre);
    if (n < m)
        return false;
    for (size_t i = 0; i < m; i++) {
        char a = s[i], b = pre[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (a != b)
            return false;
    }
    return true;
}

/* Length of the longest prefix of s[0..n) that ends on a UTF-8 character
 * boundary (assumes s is valid UTF-8 up to there). */
static size_t utf8_cut(const char *s, size_t n)
{
    const uint8_t *u = (const uint8_t *)s;
    size_t i = n;
    while (i > 0 && (u[i - 1] & 0xc0) == 0x80)
        i--;
    if (i == 0)
        return 0;
    size_t lead = i - 1;
    size_t l = pdx_utf8_decode(u + lead, n - lead, NULL);
    return l && lead + l == n ? n : lead;
}

/* Whether code point cp may reach a terminal from stored text: C0
 * controls other than tab (newlines never occur inside a line), DEL, C1
 * controls (U+0080-U+009F, e.g. U+009B, a one-character CSI) and the bidi
 * embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) that
 * reorder what a terminal shows. */
static bool is_terminal_control(int32_t cp)
{
    return (cp < 0x20 && cp != '\t') || (cp >= 0x7f && cp <= 0x9f) ||
           (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Appends s[0..n) to b with NUL bytes and invalid UTF-8 replaced by U+FFFD
 * (one per bad byte) and terminal controls (is_terminal_control) removed;
 * returns the number of replacements and adds the removals to *stripped. */
static size_t append_sanitized(pdx_buf *b, const char *s, size_t n, uint32_t *stripped)
{
    const uint8_t *u = (const uint8_t *)s;
    size_t i = 0, run = 0, bad = 0;
    while (i < n) {
        uint8_t c = u[i];
        int32_t cp = c;
        size_t l;
        if (c >= 0x20 && c < 0x7f) {
            i++;
            continue;
        } else if (c == 0) {
            l = 0;
        } else if (c < 0x80) {
            l = 1;
        } else {
            l = pdx_utf8_decode(u + i, n - i, &cp);
        }
        if (l && !is_terminal_control(cp)) {
            i += l;
            continue;
        }
        pdx_buf_append(b, u + run, i - run);
        if (l) {
            if (*stripped < UINT32_MAX)
                (*stripped)++;
            i += l;
        } else {
            pdx_buf_append(b, "\xef\xbf\xbd", 3);
            bad++;
            i++;
        }
        run = i;
    }
    pdx_buf_append(b, u + run, n - run);
    return bad;
}

/* ---- dates ---- */

int32_t pdx_parse_date10(const char *s, size_t n)
{
    if (n < 10)
        return 0;
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7)
            continue;
        if (!is_digit(s[i]))
            return 0;
    }
    char sep = s[4];
    if ((sep != '-' && sep != '/') || s[7] != sep)
        return 0;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return 0;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && d == 29 && !leap)
        return 0;
    return (int32_t)(y * 10000 + m * 100 + d);
}

int32_t pdx_date_from_path(const char *path)
{
    size_t n = strlen(path);
    int32_t found = 0;
    for (size_t i = 0; i + 10 <= n; i++) {
        if (i > 0 && is_digit(path[i - 1]))
            continue;
        if (i + 10 < n && is_digit(path[i + 10]))
            continue;
        int32_t d = pdx_parse_date10(path + i, 10);
        if (d)
            found = d; /* keep the last one: the file name beats a folder */
    }
    return found;
}

/* ---- arXiv ids ---- */

/* "YYMM.NNNN" or "YYMM.NNNNN" */
static bool is_new_style_id(const char *s, size_t n)
{
    if (n != 9 && n != 10)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (i == 4 ? s[i] != '.' : !is_digit(s[i]))
            return false;
    }
    return true;
}

/* Is the new-style id s[0..n) (is_new_style_id()) one arXiv assigns: a
 * month 01 to 12, four digits after the point until 1412 and five from
 * 1501? The query parser takes a bare id only then (searcher/query.c), so
 * a paper with another is found by id: alone, which the indexer says. */
static bool new_style_id_assigned(const char *s, size_t n)
{
    int yymm = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int month = yymm % 100;
    return month >= 1 && month <= 12 && (n == 10 ? yymm >= 1501 : yymm <= 1412);
}

/* "archive/NNNNNNN" or "archive.XX/NNNNNNN", e.g. "hep-th/9901001",
 * "math.AG/0309136". */
static bool is_old_style_id(const char *s, size_t n)
{
    const char *slash = memchr(s, '/', n);
    if (!slash)
        return false;
    size_t a = (size_t)(slash - s), num = n - a - 1;
    if (a == 0 || num != 7 || !(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    for (size_t i = a + 1; i < n; i++) {
        if (!is_digit(s[i]))
            return false;
    }
    size_t i = 0;
    while (i < a && ((s[i] >= 'a' && s[i] <= 'z') || s[i] == '-'))
        i++;
    if (i == a)
        return true;
    return a - i == 3 && s[i] == '.' && s[i + 1] >= 'A' && s[i + 1] <= 'Z' &&
           s[i + 2] >= 'A' && s[i + 2] <= 'Z';
}

/* Strips a trailing "vN" that follows a digit. */
static size_t strip_version(const char *s, size_t n)
{
    size_t i = n;
    while (i > 0 && is_digit(s[i - 1]))
        i--;
    if (i < n && i >= 2 && (s[i - 1] == 'v' || s[i - 1] == 'V') && is_digit(s[i - 2]))
        return i - 1;
    return n;
}

bool pdx_arxiv_id_from_url(const char *url, size_t url_len, const char **id_out,
                           size_t *id_len_out, bool *empty_out)
{
    const char *s = url;
    size_t n = url_len;
    if (empty_out)
        *empty_out = false;
    trim(&s, &n);
    /* A bare id, e.g. "(2408.04619)". */
    size_t bare = strip_version(s, n);
    if (is_new_style_id(s, bare) || is_old_style_id(s, bare)) {
        *id_out = s;
        *id_len_out = bare;
        return true;
    }
    if (has_prefix_ci(s, n, "https://")) {
        s += 8;
        n -= 8;
    } else if (has_prefix_ci(s, n, "http://")) {
        s += 7;
        n -= 7;
    }
    if (has_prefix_ci(s, n, "www.")) {
        s += 4;
        n -= 4;
    } else if (has_prefix_ci(s, n, "export.")) {
        s += 7;
        n -= 7;
    }
    bool pdf = false;
    if (has_prefix_ci(s, n, "arxiv.org/abs/")) {
        s += 14;
        n -= 14;
    } else if (has_prefix_ci(s, n, "arxiv.org/pdf/")) {
        s += 14;
        n -= 14;
        pdf = true;
    } else if (has_prefix_ci(s, n, "arxiv.org/html/")) { /* as a query takes it */
        s += 15;
        n -= 15;
    } else if (has_prefix_ci(s, n, "huggingface.co/papers/")) {
        s += 22;
        n -= 22;
    } else {
        return false;
    }
    /* Cut a query or fragment and a trailing slash. */
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '?' || s[i] == '#') {
            n = i;
            break;
        }
    }
    while (n > 0 && s[n - 1] == '/')
        n--;
    if (pdf && n >= 4 && has_prefix_ci(s + n - 4, 4, ".pdf"))
        n -= 4;
    if (n == 0) {
        if (empty_out)
            *empty_out = true;
        return false;
    }
    n = strip_version(s, n);
    if (!is_new_style_id(s, n) && !is_old_style_id(s, n))
        return false;
    *id_out = s;
    *id_len_out = n;
    return true;
}

const char *pdx_id_kind(bool id_synthesized)
{
    return id_synthesized ? "synthesized id" : "arXiv id";
}

/* ---- diagnostics ---- */

pdx_parse_stats *pdx_parser_stats(pdx_parser *p)
{
    return p->stats;
}

static void pending_flush(pdx_parser *p);

void pdx_parser_report(pdx_parser *p, pdx_diag_level level, const char *file,
                       uint32_t line, const char *fmt, ...)
{
    if (level == PDX_DIAG_WARNING)
        p->stats->warnings++;
    else if (level == PDX_DIAG_SKIPPED)
        p->stats->skipped++;
    if (!p->cb.on_diag)
        return;
    char msg[PDX_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (r < 0)
        msg[0] = 0;
    else if ((size_t)r >= sizeof msg)
        msg[utf8_cut(msg, sizeof msg - 1)] = 0;
    size_t n = strlen(msg);
    if (p->sec == SEC_PAPER && file == p->file && !p->pending_off) {
        size_t held = p->pending.len;
        if (held + n + 9 <= PDX_PENDING_MAX) {
            pdx_buf_putc(&p->pending, (uint8_t)level);
            pdx_buf_put_u32(&p->pending, line);
            pdx_buf_put_u32(&p->pending, (uint32_t)n);
            pdx_buf_append(&p->pending, msg, n);
            if (!p->pending.err)
                return;
            p->pending.len = held; /* no memory to hold it: the record is not kept */
            p->pending.err = 0;
        }
        /* past the bound, or out of memory: what is held first, then the
         * rest of the paper's reports as they come */
        pending_flush(p);
        p->pending_off = true;
    }
    pdx_diag d = {level, file, line, msg};
    p->cb.on_diag(&d, p->cb.payload);
}

/* Delivers the reports held for the paper that ends, in the order made. */
static void pending_flush(pdx_parser *p)
{
    char msg[PDX_MSG_MAX];
    for (size_t at = 0; at + 9 <= p->pending.len;) {
        const uint8_t *r = p->pending.data + at;
        uint32_t line = pdx_get_u32(r + 1), n = pdx_get_u32(r + 5);
        memcpy(msg, r + 9, n);
        msg[n] = 0;
        pdx_diag d = {(pdx_diag_level)r[0], p->file, line, msg};
        p->cb.on_diag(&d, p->cb.payload);
        at += 9 + (size_t)n;
    }
    pdx_buf_reset(&p->pending);
    p->pending_off = false;
}

/* Whether one more warning of q's kind may be reported, at most max a
 * file; if not, it is counted in q->quiet. */
static bool quota_take(quota *q, uint32_t max)
{
    if (q->said >= max) {
        q->quiet++;
        return false;
    }
    q->said++;
    return true;
}

/* After line was sanitized into the paper: reports its replaced bytes
 * (bad), rate-limited per file, and notes the line of the paper's first terminal control, which
 * the paper's warning names (a trial: it named the heading). */
static void report_sanitized(pdx_parser *p, uint32_t line, size_t bad)
{
    if (p->stripped && !p->stripped_line)
        p->stripped_line = line;
    if (bad == 0 || !quota_take(&p->utf8, PDX_PARSE_UTF8_WARN_MAX))
        return;
    pdx_parser_report(p, PDX_DIAG_WARNING, p->file, line,
                      "invalid UTF-8 or NUL: %zu byte%s replaced with U+FFFD", bad,
                      bad == 1 ? "" : "s");
}

/* A short, printable, valid-UTF-8 excerpt of s for messages. */
static void excerpt(char *out, size_t cap, const char *s, size_t n)
{
    pdx_buf b = {0};
    uint32_t stripped = 0;
    append_sanitized(&b, s, PDX_MIN(n, cap - 1), &stripped);
    size_t len = b.err ? 0 : utf8_cut((const char *)b.data, PDX_MIN(b.len, cap - 1));
    if (len)
        memcpy(out, b.data, len);
    out[len] = 0;
    pdx_buf_free(&b);
}

/* ---- building a paper ---- */

static void paper_reset(pdx_parser *p)
{
    pdx_buf_reset(&p->id);
    pdx_buf_reset(&p->url);
    pdx_buf_reset(&p->title);
    pdx_buf_reset(&p->authors);
    pdx_buf_reset(&p->summary);
    p->have_vote = p->have_authors = p->id_synthesized = false;
    p->votes = PDX_VOTES_UNKNOWN;
    p->n_authors = 0;
    p->stripped = p->stripped_line = 0;
    p->summary_cut = false;
    p->authors_cut = 0;
    if (p->author_slots.n > (1u << 16))
        pdx_slots_free(&p->author_slots); /* one huge list must not slow every paper */
    else
        pdx_slots_clear(&p->author_slots);
}

static int buf_err(const pdx_parser *p)
{
    const pdx_buf *bs[] = {&p->id, &p->url, &p->title, &p->authors, &p->summary, &p->scratch};
    for (size_t i = 0; i < sizeof bs / sizeof bs[0]; i++) {
        if (bs[i]->err)
            return bs[i]->err;
    }
    return PDX_OK;
}

static const char *buf_str(const pdx_buf *b)
{
    return b->data ? (const char *)b->data : "";
}

/* The id of a paper without one: "nolink-" and the XXH3-64 of all it
 * says, its title, authors (one a line) and summary, each ended by a NUL
 * (which none holds), with the warning. Only the paper's own text: two
 * papers differing in any of it are two papers (two "Untitled"s), the same
 * section repeated word for word is one, and its id does not move when
 * another paper, in its file or another, is edited, added or removed, nor
 * with the path the file is read under. Votes and date are left out: they
 * change when a digest lists the paper again. */
static void synthesize_id(pdx_parser *p)
{
    pdx_buf key = {0};
    pdx_buf_append(&key, p->title.data, p->title.len);
    pdx_buf_putc(&key, 0);
    pdx_buf_append(&key, p->authors.data, p->authors.len);
    pdx_buf_putc(&key, 0);
    pdx_buf_append(&key, p->summary.data, p->summary.len);
    pdx_buf_putc(&key, 0);
    char hex[17];
    snprintf(hex, sizeof hex, "%016" PRIx64, pdx_hash(key.data, key.len));
    if (key.err)
        p->id.err = key.err; /* seen by buf_err() */
    pdx_buf_free(&key);
    pdx_buf_append(&p->id, "nolink-", 7);
    pdx_buf_append(&p->id, hex, 16);
    pdx_parser_report(p, PDX_DIAG_WARNING, p->file, p->line, "%s; using synthesized id %.*s",
                      p->synth_why, (int)p->id.len, buf_str(&p->id));
}

/* Delivers the paper being assembled, if any (the reports held for it
 * first), and leaves the section; finish_paper() also delivers the held
 * reports of a paper that is not delivered. */
static int deliver_paper(pdx_parser *p)
{
    enum section sec = p->sec;
    p->sec = SEC_NONE;
    if (sec != SEC_PAPER)
        return PDX_OK;
    if (p->id_synthesized)
        synthesize_id(p);
    int rc = buf_err(p);
    if (rc)
        return rc;
    size_t id_core = strip_version(buf_str(&p->id), p->id.len);
    if (!p->id_synthesized && is_new_style_id(buf_str(&p->id), id_core) &&
        !new_style_id_assigned(buf_str(&p->id), id_core))
        pdx_parser_report(p, PDX_DIAG_WARNING, p->file, p->line,
                          "arXiv id %.*s is not one arXiv assigns (a month 01-12, four digits "
                          "after the point to 1412, five from 1501): kept as written; a search "
                          "finds it with id:%.*s",
                          (int)p->id.len, buf_str(&p->id), (int)p->id.len, buf_str(&p->id));
    if (p->stripped)
        pdx_parser_report(p, PDX_DIAG_WARNING, p->file,
                          p->stripped_line ? p->stripped_line : p->line,
                          "%" PRIu32 " terminal control character%s (C0/C1 controls, DEL, bidi "
                          "overrides or isolates) removed from this paper, the first on this "
                          "line",
                          p->stripped, p->stripped == 1 ? "" : "s");
    int32_t date = p->header_date ? p->header_date : p->path_date;
    if (!date && !p->warned_no_date) {
        p->warned_no_date = true;
        pdx_parser_report(p, PDX_DIAG_WARNING, p->file, p->line,
                          "no date: no valid '## Daily Papers (YYYY-MM-DD)' header above "
                          "this paper and no YYYY/MM/DD in the path");
    }
    pdx_paper paper = {
        .id = buf_str(&p->id),
        .id_len = p->id.len,
        .url = buf_str(&p->url),
        .url_len = p->url.len,
        .title = buf_str(&p->title),
        .title_len = p->title.len,
        .authors = buf_str(&p->authors),
        .authors_len = p->authors.len,
        .n_authors = p->n_authors,
        .summary = buf_str(&p->summary),
        .summary_len = p->summary.len,
        .date = date,
        .votes = p->votes,
        .file = p->file,
        .line = p->line,
        .id_synthesized = p->id_synthesized,
    };
    pending_flush(p); /* before the paper, as reports made while reading it */
    p->stats->papers++;
    return p->cb.on_paper(&paper, p->cb.payload);
}

/* Delivers the paper being assembled, if any, and leaves the section; the
 * reports held for it are delivered whatever becomes of it. */
static int finish_paper(pdx_parser *p)
{
    int rc = deliver_paper(p);
    pending_flush(p);
    return rc;
}

/* A heading's parts: the text of its title link, the paper's link target
 * (trimmed, without "<>" or a "title" after it) and the text after the
 * title link. */
typedef struct heading_parts {
    const char *title, *url, *after;
    size_t title_len, url_len, after_len;
} heading_parts;

/* The link's URL of h[0..n) once "](" at `at` opens it: it runs to its
 * ')' (parentheses inside it balanced, as Markdown reads them). Fills *hp
 * with the title before `at` and returns true; false when it is never
 * closed. */
static bool link_at(const char *h, size_t n, size_t at, heading_parts *hp)
{
    size_t depth = 0, k = at + 2;
    for (; k < n; k++) {
        if (h[k] == '(')
            depth++;
        else if (h[k] == ')' && depth-- == 0)
            break;
    }
    if (k == n)
        return false;
    hp->title = h + 1;
    hp->title_len = at - 1;
    hp->url = h + at + 2;
    hp->url_len = k - (at + 2);
    hp->after = h + k + 1;
    hp->after_len = n - (k + 1);
    trim(&hp->title, &hp->title_len);
    trim(&hp->url, &hp->url_len);
    /* Markdown "<url>" and "url "title"" forms. */
    if (hp->url_len >= 2 && hp->url[0] == '<' && hp->url[hp->url_len - 1] == '>') {
        hp->url++;
        hp->url_len -= 2;
    }
    for (size_t i = 0; i < hp->url_len; i++)
        if (is_blank(hp->url[i])) {
            hp->url_len = i;
            break;
        }
    trim(&hp->after, &hp->after_len);
    return true;
}

/* Where the ']' that closes the '[' at h[0] is, brackets inside balanced
 * ("[[x] y]"); n when none does. */
static size_t bracket_end(const char *h, size_t n)
{
    size_t depth = 0;
    for (size_t k = 0; k < n; k++) {
        if (h[k] == '[')
            depth++;
        else if (h[k] == ']' && --depth == 0)
            return k;
    }
    return n;
}

/* Where the first "[title]" of h ends when "(" follows it; 0 when it does
 * not. */
static size_t first_title_end(const char *h, size_t n)
{
    size_t k = n && h[0] == '[' ? bracket_end(h, n) : n;
    return k + 1 < n && h[k + 1] == '(' ? k : 0;
}

/* The next link "[text](url)" of s[0..n) from *pos: fills *l, sets *start
 * to its '[' and *pos past it. False when there is none, or when a '[' or
 * a "](" from *pos is never closed: the rest is text (markdown reads it
 * so), and stopping there keeps a line of many '[' linear. */
static bool next_link(const char *s, size_t n, size_t *pos, size_t *start, heading_parts *l)
{
    for (size_t i = *pos; i < n; i++) {
        if (s[i] != '[')
            continue;
        size_t k = bracket_end(s + i, n - i);
        if (k == n - i)
            return false;
        if (i + k + 1 < n && s[i + k + 1] == '(') {
            if (!link_at(s + i, n - i, k, l))
                return false;
            *start = i;
            *pos = (size_t)(l->after - s);
            return true;
        }
        i += k; /* bracketed text, not a link: what it holds is text too */
    }
    return false;
}

static bool holds_arxiv_id(const heading_parts *hp)
{
    const char *id;
    size_t id_len;
    bool empty;
    return hp->url_len && pdx_arxiv_id_from_url(hp->url, hp->url_len, &id, &id_len, &empty);
}

/* Makes hp->url the paper's link: the title link's when it holds an arXiv
 * id, else the first link after it that does ("[Project](github)
 * [paper](arXiv)"). Returns whether one does; when none does, hp->url
 * stays the title link's. */
static bool find_paper_link(heading_parts *hp)
{
    if (holds_arxiv_id(hp))
        return true;
    size_t pos = 0, start;
    heading_parts l;
    while (next_link(hp->after, hp->after_len, &pos, &start, &l))
        if (holds_arxiv_id(&l)) {
            hp->url = l.url;
            hp->url_len = l.url_len;
            return true;
        }
    return false;
}

/* The link at the last "](" of heading h[0..n), which starts with '[':
 * the title before it may hold "](" and unbalanced brackets, the URL never
 * does. Fills *hp and returns true when that link closes. */
static bool last_link(const char *h, size_t n, heading_parts *hp)
{
    for (size_t j = n >= 2 && h[0] == '[' ? n - 1 : 0; j-- > 1;)
        if (h[j] == ']' && h[j + 1] == '(')
            return link_at(h, n, j, hp);
    return false;
}

/* Reads the title link of heading h[0..n) into *hp; returns whether it
 * has one. It is the heading's first link when its text's brackets
 * balance ("[[IDK] x](...)"), else the link at the last "](" (titles may
 * hold "](" and unbalanced brackets, the URL never does); a link never
 * closed is no link, and a "[title]" alone is the title. Each is found in
 * one pass: a line of many "](" costs no more than its length. */
static bool heading_link(const char *h, size_t n, heading_parts *hp)
{
    memset(hp, 0, sizeof *hp);
    hp->title = h;
    hp->title_len = n;
    size_t fe = first_title_end(h, n);
    if ((fe && link_at(h, n, fe, hp)) || last_link(h, n, hp))
        return true;
    if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
        hp->title = h + 1;
        hp->title_len = n - 2;
    }
    trim(&hp->title, &hp->title_len);
    return false;
}

/* The length of the emphasis run ("*" to "***", or '_') at h[i..n). */
static size_t emphasis_run(const char *h, size_t i, size_t n)
{
    char em = i < n ? h[i] : 0;
    size_t run = 0;
    while ((em == '*' || em == '_') && run < 3 && i + run < n && h[i + run] == em)
        run++;
    return run;
}

/* Whether the text after a link opens with exactly `run` of `em`, the run
 * that closes emphasis opened before the link; takes it off hp->after. */
static bool closes_emphasis(heading_parts *hp, char em, size_t run)
{
    if (!run)
        return true; /* no emphasis (em is what follows the list marker) */
    size_t k = 0;
    while (k < hp->after_len && hp->after[k] == em)
        k++;
    if (k != run)
        return false;
    hp->after += run;
    hp->after_len -= run;
    ltrim(&hp->after, &hp->after_len);
    return true;
}

/* heading_link() with the paper's link found (find_paper_link()): fills
 * *hp, sets *paper to whether the heading links a paper and returns
 * whether it has a link. When no link after a balanced title link holds
 * an arXiv id, the link at the last "](" may ("[T](x) more](arXiv)",
 * unbalanced): the paper's link, as it was before balanced titles. */
static bool title_and_paper_link(const char *h, size_t n, heading_parts *hp, bool *paper)
{
    *paper = false;
    if (!heading_link(h, n, hp))
        return false;
    heading_parts last;
    *paper = find_paper_link(hp);
    if (!*paper && last_link(h, n, &last) && holds_arxiv_id(&last)) {
        *hp = last;
        *paper = true;
    }
    return true;
}

/* Whether h[from..n) ends with exactly `run` of `em` after some text: the
 * run that closes emphasis opened before `from` at the end of the heading
 * ("**[T](url) (ICML)**"). */
static bool emphasis_ends(const char *h, size_t from, size_t n, char em, size_t run)
{
    if (n - from <= run || h[n - run - 1] == em)
        return false;
    for (size_t k = 1; k <= run; k++)
        if (h[n - k] != em)
            return false;
    return true;
}

/* h[at..end) read as a title link that links a paper, the emphasis run
 * of `run` `em`s that opened before it closed right after the link (run
 * 0: nothing to close there). Fills *hp and returns true when it is. */
static bool wrapped_paper_link(const char *h, size_t at, size_t end, char em, size_t run,
                               heading_parts *hp)
{
    heading_parts w;
    bool paper;
    if (at == 0 || at >= end || h[at] != '[' ||
        !title_and_paper_link(h + at, end - at, &w, &paper) || !paper ||
        !closes_emphasis(&w, em, run))
        return false; /* nothing taken off, or no paper link */
    *hp = w;
    return true;
}

/* The link of a heading h[0..n) that wraps its title link in markup: a
 * list marker ("1. ", "- ") and emphasis around the link, either or
 * both. The emphasis closes right after the link ("**[T](url)**
 * (NeurIPS)") or at the end of the heading, around the text after the
 * link too ("**[T](url) (ICML)**"): digests write both. Fills *hp and
 * returns true when the heading then links a paper. Otherwise the heading
 * reads as written (a title that merely starts with "2024. " keeps it,
 * and so does the id synthesized from it). */
static bool wrapped_link(const char *h, size_t n, heading_parts *hp)
{
    size_t i = pdx_after_list_marker(h, n, 0);
    size_t run = emphasis_run(h, i, n), at = i + run;
    char em = run ? h[i] : 0;
    if (wrapped_paper_link(h, at, n, em, run, hp))
        return true;
    return run && emphasis_ends(h, at, n, em, run) &&
           wrapped_paper_link(h, at, n - run, em, 0, hp);
}

/* Reads heading h[0..n) (trimmed, closing '#'s taken off) into *hp: the
 * title link, markup around it taken off (wrapped_link()), and the
 * paper's link among the heading's. Returns whether it has a link. */
static bool read_heading(const char *h, size_t n, heading_parts *hp)
{
    bool paper;
    return wrapped_link(h, n, hp) || title_and_paper_link(h, n, hp, &paper);
}

/* Takes markdown's optional closing sequence off heading h[0..*n),
 * trimmed: '#'s after a blank ("### [T](url) ###"), or a heading of '#'s
 * alone ("### ###", an empty heading). A '#' ending a word ("C#") stays. */
static void strip_closing_hashes(const char *h, size_t *n)
{
    size_t k = *n;
    while (k > 0 && h[k - 1] == '#')
        k--;
    if (k == *n || (k > 0 && !is_blank(h[k - 1])))
        return;
    *n = rtrim_len(h, k);
}

/* The separators that stand between a heading's links ("[Code](...) |
 * [Project](...)", "- [Code](...)"): ASCII ones and the UTF-8 en dash, em
 * dash and middle dot. */
static const char *const TITLE_SEPARATORS[] = {"-", "|", "/", ",", ":", "\xe2\x80\x93",
                                               "\xe2\x80\x94", "\xc2\xb7"};

/* The length of the separator s[0..n) starts with (from_end: ends with),
 * or 0. */
static size_t separator_len(const char *s, size_t n, bool from_end)
{
    for (size_t i = 0; i < sizeof TITLE_SEPARATORS / sizeof TITLE_SEPARATORS[0]; i++) {
        size_t m = strlen(TITLE_SEPARATORS[i]);
        if (n >= m && memcmp(from_end ? s + n - m : s, TITLE_SEPARATORS[i], m) == 0)
            return m;
    }
    return 0;
}

/* Trims blanks and separators off the start of s[0..*n) (lead) and its
 * end (trail); blanks alone off the other side. */
static void trim_separators(const char **s, size_t *n, bool lead, bool trail)
{
    trim(s, n);
    for (size_t m; lead && (m = separator_len(*s, *n, false)) != 0;) {
        *s += m;
        *n -= m;
        trim(s, n);
    }
    for (size_t m; trail && (m = separator_len(*s, *n, true)) != 0;) {
        *n -= m;
        trim(s, n);
    }
}

/* Appends the text after the title link, s[0..n), to the title: "(ICML
 * 2024)" ends the title, but links there (code, project page, another
 * arXiv link) are not title words, and neither are the separators that
 * stood between them ("- [Code](...) | [Project](...)" leaves nothing).
 * Each run of text between links is appended after a space, trimmed of
 * blanks and of separators at its ends; only a separator between the
 * title link and text right after it stays (a reader sees "T - Oral").
 * Returns the bytes replaced. */
static size_t append_title_tail(pdx_parser *p, const char *s, size_t n)
{
    size_t pos = 0, start = 0, bad = 0;
    heading_parts l;
    if (!n)
        return 0; /* s may be NULL: a heading without a link has no text after one */
    for (bool more = true; more;) {
        size_t from = pos;
        more = next_link(s, n, &pos, &start, &l);
        const char *t = s + from;
        size_t tn = (more ? start : n) - from;
        trim_separators(&t, &tn, from > 0, true);
        if (!tn)
            continue;
        if (p->title.len)
            pdx_buf_putc(&p->title, ' ');
        bad += append_sanitized(&p->title, t, tn, &p->stripped);
    }
    return bad;
}

/* Does the link u[0..n) name a scheme other than http and https
 * ("javascript:", "data:", "file:")? Front ends put a paper's link in an
 * <a href>, where such a scheme runs script or reads local files; JSON
 * hands it to them as it is. A link without a scheme is a path. */
static bool foreign_scheme(const char *u, size_t n)
{
    if (n == 0 || !is_alpha(u[0]))
        return false;
    size_t i = 0; /* the scheme: a letter, then letters, digits, + - . */
    while (i < n && (is_alpha(u[i]) || is_digit(u[i]) || u[i] == '+' || u[i] == '-' || u[i] == '.'))
        i++;
    if (i >= n || u[i] != ':')
        return false;
    return !(i == 4 && has_prefix_ci(u, n, "http")) && !(i == 5 && has_prefix_ci(u, n, "https"));
}

/* A "### " line: h[0..n) is its text (heading_text()). */
/* A title is a line of words; one past this is no digest's (a trial's 30
 * MB heading took five times that to index). */
#define PDX_MAX_TITLE_BYTES ((size_t)1 << 14)

static void start_paper(pdx_parser *p, uint32_t lineno, const char *h, size_t n)
{
    paper_reset(p);
    p->line = lineno;
    p->headings++;
    p->stats->headings++;

    heading_parts hp;
    bool have_link = read_heading(h, n, &hp);
    size_t bad = append_sanitized(&p->title, hp.title, hp.title_len, &p->stripped);
    bad += append_title_tail(p, hp.after, hp.after_len);
    if (hp.url_len)
        bad += append_sanitized(&p->url, hp.url, hp.url_len, &p->stripped);
    report_sanitized(p, lineno, bad);
    bool foreign = foreign_scheme(buf_str(&p->url), p->url.len);
    if (foreign) {
        pdx_parser_report(p, PDX_DIAG_WARNING, p->file, lineno,
                          "the link '%.*s' is no web address (http or https): the paper has "
                          "no link",
                          (int)PDX_MIN(p->url.len, 64), buf_str(&p->url));
        pdx_buf_reset(&p->url);
    }
    if (p->title.len > PDX_MAX_TITLE_BYTES) {
        pdx_parser_report(p, PDX_DIAG_WARNING, p->file, lineno,
                          "the title passes %zu bytes: the rest of it is not indexed",
                          PDX_MAX_TITLE_BYTES);
        p->title.len = utf8_cut(buf_str(&p->title), PDX_MAX_TITLE_BYTES);
    }

    const char *id = NULL;
    size_t id_len = 0;
    bool empty = false;
    if (p->url.len && pdx_arxiv_id_from_url(buf_str(&p->url), p->url.len, &id, &id_len, &empty)) {
        pdx_buf_append(&p->id, id, id_len);
    } else if (p->title.len == 0) {
        pdx_parser_report(p, PDX_DIAG_SKIPPED, p->file, lineno,
                          "paper heading with an empty title and no arXiv id");
        p->sec = SEC_SKIPPED;
        return;
    } else {
        p->id_synthesized = true; /* made from the title and authors at the end */
        p->synth_why = !have_link ? "heading has no link"
                       : foreign  ? "link is no web address"
                       : empty    ? "link has an empty arXiv id"
                       : p->url.len == 0 ? "link is empty"
                                         : "link holds no arXiv id";
    }
    if (p->title.len == 0)
        pdx_parser_report(p, PDX_DIAG_WARNING, p->file, lineno, "paper heading has an empty title");
    p->sec = SEC_PAPER;
}

/* "## Daily Papers (...)": rest[0..n) is the text after "## Daily Papers". */
static void date_header(pdx_parser *p, uint32_t lineno, const char *rest, size_t n)
{
    trim(&rest, &n);
    int32_t d = 0;
    if (n >= 12 && rest[0] == '(' && rest[11] == ')')
        d = pdx_parse_date10(rest + 1, 10);
    if (!d) {
        char ex[64], day[16];
        excerpt(ex, sizeof ex, rest, n);
        if (p->path_date)
            pdx_parser_report(p, PDX_DIAG_WARNING, p->file, lineno,
                              "invalid date \"%s\" in the Daily Papers header; using the "
                              "date from the path, %s",
                              ex, pdx_date_text(p->path_date, day));
        else
            pdx_parser_report(p, PDX_DIAG_WARNING, p->file, lineno,
                              "invalid date \"%s\" in the Daily Papers header, and the path "
                              "has none",
                              ex);
    }
    p->header_date = d;
}

/* A vote count v[0..n): digits, maybe grouped by three after commas
 * ("1,234"), into *val; false when it is none or past 10 digits. */
static bool vote_count(const char *v, size_t n, int64_t *val)
{
    size_t digits = 0, group = 0;
    bool grouped = false;
    *val = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] == ',') {
            if (i == 0 || i + 1 == n || (grouped && group != 3) || group > 3 || group == 0)
                return false;
            grouped = true;
            group = 0;
            continue;
        }
        if (!is_digit(v[i]) || ++digits > 10)
            return false;
        *val = *val * 10 + (v[i] - '0');
        group++;
    }
    return digits > 0 && (!grouped || group == 3);
}

/* "Vote: ..."; v[0..n) is the text after the colon. */
static void vote_line(pdx_parser *p, uint32_t lineno, const char *v, size_t n)
{
    if (p->have_vote) {
        pdx_parser_report(p, PDX_DIAG_WARNING, p->file, lineno, "second Vote line ignored");
        return;
    }
    p->have_vote = true;
    trim(&v, &n);
    if (n == 0 || (n == 1 && v[0] == '-'))
        return; /* documented "unknown" */
    int64_t val = 0;
    bool ok = vote_count(v, n, &val);
    if (ok && val <= PDX_VOTES_MAX) {
        p->votes = val;
        return;
    }
    char ex[48];
    excerpt(ex, sizeof ex, v, n);
    bool neg = v[0] == '-', digits = true;
    for (size_t i = neg ? 1 : 0; i < n; i++)
        digits = digits && is_digit(v[i]);
    const char *why = !digits ? "not a number" : neg ? "negative" : "too large";
    pdx_parser_report(p, PDX_DIAG_WARNING, p->file, lineno,
                      "vote count \"%s\" is %s; votes unknown", ex, why);
}

/* ---- authors: names kept once ---- */

static bool author_rehash(uint32_t item, uint32_t *hash, void *payload)
{
    const pdx_parser *p = payload;
    *hash = (uint32_t)pdx_hash(p->authors.data + p->author_off[item], p->author_len[item]);
    return true;
}

/* The key of a name being added: its bytes. */
typedef struct author_key {
    const char *s; /* the name, not owned */
    size_t n;      /* its length */
} author_key;

static bool author_match(uint32_t item, const void *key, void *payload)
{
    const pdx_parser *p = payload;
    const author_key *k = key;
    return p->author_len[item] == k->n &&
           memcmp(p->authors.data + p->author_off[item], k->s, k->n) == 0;
}

/* Records name n_authors at authors[off..off+len) in the dedup table;
 * false when out of memory (authors.err is set). */
static bool remember_author(pdx_parser *p, size_t off, size_t len, uint32_t slot,
                            uint32_t hash)
{
    if (p->n_authors == p->cap_author) {
        uint32_t nc = p->cap_author ? p->cap_author * 2 : 64;
        uint32_t *no = realloc(p->author_off, (size_t)nc * sizeof *no);
        if (no)
            p->author_off = no;
        uint32_t *nl = no ? realloc(p->author_len, (size_t)nc * sizeof *nl) : NULL;
        if (!nl) {
            p->authors.err = PDX_ENOMEM;
            return false;
        }
        p->author_len = nl;
        p->cap_author = nc;
    }
    p->author_off[p->n_authors] = (uint32_t)off;
    p->author_len[p->n_authors] = (uint32_t)len;
    pdx_slots_put(&p->author_slots, slot, p->n_authors++, hash);
    return true;
}

/* An author list is a few hundred bytes, a big collaboration's some
 * thousand names; a trial's 50 MB line of three million names took 1.4 GB
 * to index. Names past this (some 50,000) are left out, warned. */
#define PDX_MAX_AUTHORS_BYTES ((size_t)1 << 20)

/* Adds one author name (trimmed, leading "and " removed, empty dropped). A
 * name already in the list is dropped: the first occurrence keeps its
 * place, so the order is otherwise kept. */
static void add_author(pdx_parser *p, const char *s, size_t n)
{
    trim(&s, &n);
    if (has_prefix(s, n, "and ") || has_prefix(s, n, "and\t")) {
        s += 4;
        n -= 4;
        trim(&s, &n);
    }
    if (n == 0 || p->authors.err)
        return;
    if (p->authors.len + n + 1 > PDX_MAX_AUTHORS_BYTES) {
        p->authors_cut++;
        return;
    }
    if (p->n_authors == UINT32_MAX - 1 || p->authors.len + n + 1 > UINT32_MAX) {
        p->authors.err = PDX_ENOMEM; /* beyond any real list */
        return;
    }
    if (!pdx_slots_reserve(&p->author_slots, p->n_authors + 1, p->n_authors, author_rehash, p)) {
        p->authors.err = PDX_ENOMEM;
        return;
    }
    author_key key = {s, n};
    uint32_t slot, hash = (uint32_t)pdx_hash(s, n);
    if (pdx_slots_find(&p->author_slots, hash, author_match, &key, p, &slot))
        return; /* a duplicate */
    if (p->authors.len)
        pdx_buf_putc(&p->authors, '\n');
    size_t off = p->authors.len;
    pdx_buf_append(&p->authors, s, n);
    if (!p->authors.err)
        remember_author(p, off, n, slot, hash);
}

/* A Python-style list body (between the brackets): quoted items with
 * backslash escapes, or bare items up to the next comma. */
static void python_authors(pdx_parser *p, uint32_t lineno, const char *s, size_t n)
{
    pdx_buf name = {0};
    bool unterminated = false;
    size_t i = 0;
    while (i < n) {
        while (i < n && (is_blank(s[i]) || s[i] == ','))
            i++;
        if (i >= n)
            break;
        pdx_buf_reset(&name);
        if (s[i] == '\'' || s[i] == '"') {
            char q = s[i++];
            bool closed = false;
            while (i < n) {
                char c = s[i++];
                if (c == q) {
                    closed = true;
                    break;
                }
                if (c == '\\' && i < n) {
                    char e = s[i++];
                    if (e == '\\' || e == '\'' || e == '"')
                        pdx_buf_putc(&name, (uint8_t)e);
                    else if (e == 'n' || e == 't' || e == 'r')
                        pdx_buf_putc(&name, ' ');
                    else {
                        pdx_buf_putc(&name, '\\');
                        pdx_buf_putc(&name, (uint8_t)e);
                    }
                    continue;
                }
                pdx_buf_putc(&name, (uint8_t)c);
            }
            if (!closed)
                unterminated = true;
            /* Anything between the closing quote and the comma is noise. */
            while (i < n && s[i] != ',')
                i++;
        } else {
            size_t start = i;
            while (i < n && s[i] != ',')
                i++;
            pdx_buf_append(&name, s + start, i - start);
        }
        if (name.err)
            p->authors.err = name.err;
        else
            add_author(p, name.data ? (const char *)name.data : "", name.len);
    }
    pdx_buf_free(&name);
    if (unterminated)
        pdx_parser_report(p, PDX_DIAG_WARNING, p->file, lineno,
                          "unterminated quote in the Authors list; kept to the end of the line");
}


/* "Authors: ..."; a[0..n) is the text after the colon. */
static void authors_line(pdx_parser *p, uint32_t lineno, const char *a, size_t n)
{
    if (p->have_authors) {
        pdx_parser_report(p, PDX_DIAG_WARNING, p->file, lineno, "second Authors line ignored");
        return;
    }
    p->have_authors = true;
    pdx_buf_reset(&p->scratch);
    report_sanitized(p, lineno, append_sanitized(&p->scratch, a, n, &p->stripped));
    if (p->scratch.err)
        return;
    const char *s = buf_str(&p->scratch);
    n = p->scratch.len;
    trim(&s, &n);
    if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
        python_authors(p, lineno, s + 1, n - 2);
    } else {
        size_t start = 0;
        for (size_t i = 0; i <= n; i++) {
            if (i == n || s[i] == ',') {
                add_author(p, s + start, i - start);
                start = i + 1;
            }
        }
    }
    if (p->authors_cut)
        pdx_parser_report(p, PDX_DIAG_WARNING, p->file, lineno,
                          "the authors pass %zu bytes: %" PRIu32 " names after them are not "
                          "indexed",
                          PDX_MAX_AUTHORS_BYTES, p->authors_cut);
}

/* A summary is a few kilobytes; one of megabytes is no digest's (a trial
 * indexed a 99 MB bullet line: four times that in memory whatever
 * --mem-mb said, since one paper's postings cannot be spilled in parts).
 * Past it the rest is left out, warned once a paper. */
#define PDX_MAX_SUMMARY_BYTES ((size_t)4 << 20)

/* Says, once a paper, that its summary was cut. */
static void summary_cut(pdx_parser *p, uint32_t lineno)
{
    if (!p->summary_cut)
        pdx_parser_report(p, PDX_DIAG_WARNING, p->file, lineno,
                          "the paper's summary passes %zu bytes: the rest of it is not indexed",
                          PDX_MAX_SUMMARY_BYTES);
    p->summary_cut = true;
}

/* Cuts line s[0..*n) so that the summary stays under PDX_MAX_SUMMARY_BYTES
 * (on a character boundary), warning the first time; false when nothing
 * of it goes in. */
static bool summary_room(pdx_parser *p, uint32_t lineno, const char *s, size_t *n)
{
    size_t old = p->summary.len;
    if (old + 1 + *n <= PDX_MAX_SUMMARY_BYTES)
        return true;
    summary_cut(p, lineno);
    size_t keep = old + 1 < PDX_MAX_SUMMARY_BYTES ? PDX_MAX_SUMMARY_BYTES - old - 1 : 0;
    while (keep > 0 && ((unsigned char)s[keep] & 0xc0) == 0x80)
        keep--;
    *n = keep;
    return keep > 0;
}

/* Appends a summary line (right-trimmed, indentation kept), with runs of
 * two or more '*' removed unless the line is code (`code`: a line of a
 * fenced block, kept as written). */
static void summary_append(pdx_parser *p, uint32_t lineno, const char *s, size_t n, bool code)
{
    pdx_buf *b = &p->summary;
    size_t old = b->len;
    if (!summary_room(p, lineno, s, &n))
        return;
    if (old)
        pdx_buf_putc(b, '\n');
    size_t start = b->len;
    report_sanitized(p, lineno, append_sanitized(b, s, n, &p->stripped));
    if (b->err || !b->data) /* nothing was ever appended: no line to clean */
        return;
    char *t = (char *)b->data;
    size_t w = start;
    for (size_t r = start; r < b->len;) {
        if (!code && t[r] == '*' && r + 1 < b->len && t[r + 1] == '*') {
            while (r < b->len && t[r] == '*')
                r++;
            continue;
        }
        t[w++] = t[r++];
    }
    /* Removing emphasis can leave trailing blanks or an empty line. */
    size_t end = start + rtrim_len(t + start, w - start);
    bool only_blanks = true;
    for (size_t i = start; i < end; i++) {
        if (!is_blank(t[i])) {
            only_blanks = false;
            break;
        }
    }
    b->len = only_blanks ? old : end;
    /* an invalid byte becomes U+FFFD, three: the line may have grown */
    if (b->len > PDX_MAX_SUMMARY_BYTES) {
        summary_cut(p, lineno);
        b->len = utf8_cut(t, PDX_MAX_SUMMARY_BYTES);
    }
}

static void summary_line(pdx_parser *p, uint32_t lineno, const char *s, size_t n)
{
    summary_append(p, lineno, s, n, false);
}

/* The '<' of an HTML line: followed by a tag name, "/" or "!". */
static bool is_html_line(const char *s, size_t n)
{
    return n >= 2 && s[0] == '<' && (is_alpha(s[1]) || s[1] == '/' || s[1] == '!');
}

/* The first "-->" in s[0..n), or NULL. */
static const char *comment_close(const char *s, size_t n)
{
    for (size_t i = 0; i + 3 <= n; i++)
        if (s[i] == '-' && s[i + 1] == '-' && s[i + 2] == '>')
            return s + i;
    return NULL;
}

/* The text after the "-->" that closes an HTML comment, t[0..n), on the
 * comment's last line. CommonMark ends the comment's HTML block with that
 * line and passes the whole line on as raw HTML, so a browser shows the
 * text after "-->": in a paper it is summary text, as a reader sees it
 * (a "###" there is text too, not a heading); an HTML tag or image there
 * is not, as on a line of its own. */
static void comment_tail(pdx_parser *p, uint32_t lineno, const char *t, size_t n)
{
    ltrim(&t, &n);
    if (p->sec != SEC_PAPER || n == 0 || has_prefix(t, n, "![") ||
        has_prefix(t, n, "[Watch Video]") || is_html_line(t, n))
        return;
    summary_line(p, lineno, t, n);
}

enum { FIELD_VOTE, FIELD_AUTHORS };

/* Bytes of the field label t[0..n) starts with ("Vote:", "Votes:",
 * "Authors:", "Author:"), its field into *field; 0 when none. */
static size_t field_label(const char *t, size_t n, int *field)
{
    static const struct {
        const char *label;
        int field;
    } labels[] = {{"Vote:", FIELD_VOTE},
                  {"Votes:", FIELD_VOTE},
                  {"Authors:", FIELD_AUTHORS},
                  {"Author:", FIELD_AUTHORS}};
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (has_prefix(t, n, labels[i].label)) {
            *field = labels[i].field;
            return strlen(labels[i].label);
        }
    return 0;
}

/* One line inside a paper. */
static void paper_line(pdx_parser *p, uint32_t lineno, const char *s, size_t n)
{
    const char *t = s, *close;
    size_t tn = n, label;
    int field;
    ltrim(&t, &tn);
    if (tn == 0)
        return;
    /* from the second '-': "<!-->" closes itself */
    if (has_prefix(t, tn, "<!--") && (close = comment_close(t + 2, tn - 2)) != NULL) {
        comment_tail(p, lineno, close + 3, (size_t)(t + tn - (close + 3)));
    } else if ((label = field_label(t, tn, &field)) && field == FIELD_VOTE) {
        vote_line(p, lineno, t + label, tn - label);
    } else if (label) {
        authors_line(p, lineno, t + label, tn - label);
    } else if (has_prefix(t, tn, "![") || has_prefix(t, tn, "[Watch Video]") ||
               is_html_line(t, tn)) {
        /* thumbnail, video or HTML: not summary text */
    } else {
        summary_line(p, lineno, s, n);
    }
}

/* ---- the driver ---- */

int pdx_parser_new(pdx_parser **out, const pdx_parse_cb *cb, pdx_parse_stats *stats)
{
    *out = NULL;
    if (!cb || !cb->on_paper || !stats)
        return PDX_EINVAL;
    pdx_parser *p = calloc(1, sizeof *p);
    if (!p)
        return PDX_ENOMEM;
    p->cb = *cb;
    p->stats = stats;
    p->votes = PDX_VOTES_UNKNOWN;
    *out = p;
    return PDX_OK;
}

void pdx_parser_free(pdx_parser *p)
{
    if (!p)
        return;
    pdx_buf_free(&p->id);
    pdx_buf_free(&p->url);
    pdx_buf_free(&p->title);
    pdx_buf_free(&p->authors);
    pdx_buf_free(&p->summary);
    pdx_buf_free(&p->scratch);
    pdx_buf_free(&p->pending);
    pdx_slots_free(&p->author_slots);
    pdx_fences_clear(&p->fences);
    free(p->author_off);
    free(p->author_len);
    free(p);
}

/* A line that starts a paper: "###" then a blank or the end of the line. */
static bool is_heading(const char *s, size_t n)
{
    size_t i = pdx_block_indent(s, n);
    return n - i >= 3 && s[i] == '#' && s[i + 1] == '#' && s[i + 2] == '#' &&
           (n - i == 3 || is_blank(s[i + 3]));
}

/* The text of heading line s[0..n) (is_heading()): after its "###",
 * trimmed, markdown's closing '#'s taken off. Its length in *len. */
static const char *heading_text(const char *s, size_t n, size_t *len)
{
    size_t i = pdx_block_indent(s, n) + 3;
    const char *h = s + i;
    *len = n - i;
    trim(&h, len);
    strip_closing_hashes(h, len);
    return h;
}

/* The line end of data[0..len): '\n' (and "\r\n"), or '\r' when its
 * first line ends with a CR alone, as old Mac editors save (CommonMark's
 * line end too; a trial's such file was "not a digest", and one LF that a
 * tool appended must not make it so again). A CR alone inside a line of a
 * file of LF lines stays a control character, removed as the others are. */
static char line_end_of(const char *data, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (data[i] == '\n' || data[i] == '\r')
            return data[i] == '\r' && (i + 1 == len || data[i + 1] != '\n') ? '\r' : '\n';
    return '\n';
}

/* The line at data[*pos..len) (its end `end`, and a '\r' before it, not
 * counted, trailing blanks trimmed into *n), *pos moved past it. */
static const char *next_line(const char *data, size_t len, char end, size_t *pos, size_t *n)
{
    const char *s = data + *pos;
    const char *nl = memchr(s, end, len - *pos);
    if (end == '\r') { /* CommonMark's ends, each: CR, LF, CR LF */
        const char *lf = memchr(s, '\n', nl ? (size_t)(nl - s) : len - *pos);
        nl = lf ? lf : nl;
    }
    size_t raw = nl ? (size_t)(nl - s) : len - *pos;
    *pos += raw + (nl ? 1 : 0);
    if (end == '\r' && nl && *nl == '\r' && *pos < len && data[*pos] == '\n')
        (*pos)++; /* CR LF is one end */
    *n = rtrim_len(s, raw);
    /* a byte-order mark where a file joined with `cat` started: the line
     * it opens is read as if the mark were not there (a robustness trial:
     * a second day's header after one was ignored, its papers dated by
     * the first day's) */
    if (*n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
        s += 3;
        *n -= 3;
    }
    return s;
}

static bool is_date_header(const char *s, size_t n)
{
    size_t i = pdx_block_indent(s, n);
    return has_prefix(s + i, n - i, "## Daily Papers");
}

/* Does the heading line s[0..n) (is_heading()) link a paper: a link whose
 * URL holds an arXiv id (arxiv.org, huggingface.co/papers), as
 * start_paper() would take it? */
static bool links_a_paper(const char *s, size_t n)
{
    size_t hn;
    const char *h = heading_text(s, n, &hn);
    heading_parts hp;
    return read_heading(h, hn, &hp) && holds_arxiv_id(&hp);
}

/* A paper's Vote or Authors line (paper_line()'s test). */
static bool is_field_line(const char *s, size_t n)
{
    int field;
    ltrim(&s, &n);
    return field_label(s, n, &field) > 0;
}

/* The first pass: the file's fence lines, paired (fence.h), and where its
 * papers start and its date headers are. Only a paper heading ends the
 * stretch a fence opened in a paper must close in: a stray fence then
 * makes code of no paper after it, while a date header quoted in a
 * summary's block stays code (a date header starts no paper) unless the
 * fences around it pair better with it read as a header
 * (pdx_fences_date_wins()).
 *
 * A paper heading, here, is a "###" line at the margin that looks like a
 * paper's: it links an arXiv or Hugging Face paper (as every heading of
 * the corpus does), or a Vote or Authors line follows it before any fence
 * line (a paper without a link, after a stray fence). Any other "###" line
 * does not cut a block opened in a paper: a script's "### step 1" comment
 * in a summary's code is code (code_line() warns, since a bare-titled
 * paper after a stray fence would read the same). A "###" line that links
 * a paper inside a summary's block (a sample of the digest format) still
 * ends it: it reads exactly like a real paper after a stray fence, and
 * losing that paper into code would be worse than breaking the sample
 * (which is warned: the fence is read as text). Files without a '`' or '~'
 * (nearly all) are not read. */
static int find_fences(pdx_parser *p, const char *data, size_t len)
{
    pdx_fences *f = &p->fences;
    pdx_fences_clear(f);
    if (!len || (!memchr(data, '`', len) && !memchr(data, '~', len)))
        return PDX_OK;
    int rc = PDX_OK;
    bool pending = false; /* a heading not yet known to be a paper's */
    char end = line_end_of(data, len);
    for (size_t pos = 0, n; pos < len && !rc;) {
        const char *s = next_line(data, len, end, &pos, &n);
        /* only a heading at the margin ends a section: an indented one may
         * be a line of a block in a list item ("   ### load the data" in
         * its Python), which must not cut the block in two (a review) */
        if (n && s[0] == '#' && is_heading(s, n)) {
            pending = !links_a_paper(s, n);
            if (!pending)
                pdx_fences_section(f);
        } else if (is_date_header(s, n)) {
            pending = false;
            pdx_fences_date(f);
        } else if (pending && is_field_line(s, n)) {
            pending = false; /* no fence line since the heading: a section from it */
            pdx_fences_section(f);
        }
        size_t had = f->n;
        rc = pdx_fences_add(f, s, n);
        if (f->n != had)
            pending = false;
    }
    return rc ? rc : pdx_fences_pair(f);
}

/* The fenced block being read: the fence line that closes it
 * (PDX_FENCE_NONE: none is open), where it opened, and whether in a
 * paper. */
typedef struct open_block {
    uint32_t close, line;
    bool in_paper;
} open_block;

/* Whether a guess (a choice between two readings of the markup) may be
 * reported: the first PDX_PARSE_GUESS_WARN_MAX of a file are. */
static bool guess_reportable(pdx_parser *p)
{
    return quota_take(&p->guesses, PDX_PARSE_GUESS_WARN_MAX);
}

/* A block that would hold a date header, opened in a paper or a
 * preamble: read as code with the header quoted, or the fence read as
 * text and the header read (pdx_fences_date_wins()). Either is a guess,
 * so it is always said: a misread header moves a whole day's papers to
 * another date. Whether to open the block. */
static bool weigh_date_header(pdx_parser *p, uint32_t k, uint32_t lineno)
{
    bool header = pdx_fences_date_wins(&p->fences, k);
    if (guess_reportable(p))
        pdx_parser_report(p, PDX_DIAG_WARNING, p->file, lineno,
                          header ? "a code fence whose block would hold a date header: read as "
                                   "text and the header read (a guess: the fences around it "
                                   "pair as well or better so)"
                                 : "a code block that holds a date header: read as code, the "
                                   "header quoted (a guess: the fences around it pair better "
                                   "so)");
    return !header;
}

/* Does fence line k open a block here? When a later fence line closes
 * it, and, for a block opened in a paper (or a skipped heading's
 * section), before the next paper heading: a stray fence in one summary
 * must not make code of the papers after it. Else the line is text, with one warning a
 * file and a count of the others. A block that would hold a date header
 * is weighed against the header (fence.c), wherever it opens: a
 * preamble's stray "```" pairs with the next day's preamble's as easily
 * as a paper's does. */
static bool opens_block(pdx_parser *p, uint32_t k, bool opener, uint32_t lineno,
                        open_block *ob)
{
    const pdx_fences *f = &p->fences;
    uint32_t c = f->close[k];
    bool in_paper = p->sec != SEC_NONE;
    if (c != PDX_FENCE_NONE && (!in_paper || f->section[c] == f->section[k])) {
        if (f->day[c] != f->day[k] && !weigh_date_header(p, k, lineno))
            return false;
        *ob = (open_block){c, lineno, in_paper};
        return true;
    }
    if (!opener)
        return false; /* cannot open one: nothing to say */
    if (quota_take(&p->fence_text, PDX_PARSE_GUESS_WARN_MAX))
        pdx_parser_report(p, PDX_DIAG_WARNING, p->file, lineno,
                          in_paper ? "a code fence that no line of this paper closes: read as text"
                                   : "a code fence that no later line closes: read as text");
    return false;
}

/* A line inside a fenced block: the paper's text, kept as written. A
 * heading there is reported, not read, when the block opened outside a
 * paper (a preamble's example) or it links a paper (an indented one,
 * which ends no section). In a paper's block, one that links no paper
 * ended no section (find_fences()): code, like a "### step 1" comment of
 * a script; at the margin, where it could also have been a paper after a
 * stray fence, that is a guess, warned. */
static void code_line(pdx_parser *p, const open_block *ob, uint32_t lineno, const char *s,
                      size_t n)
{
    bool heading = is_heading(s, n);
    if (heading && (!ob->in_paper || links_a_paper(s, n))) {
        p->stats->headings++; /* every heading is read or reported */
        pdx_parser_report(p, PDX_DIAG_SKIPPED, p->file, lineno,
                          "heading inside the code block that opens at line %" PRIu32
                          ": code, not a paper",
                          ob->line);
        return;
    }
    if (heading && s[0] == '#' && guess_reportable(p))
        pdx_parser_report(p, PDX_DIAG_WARNING, p->file, lineno,
                          "'###' line inside the code block that opens at line %" PRIu32
                          ": read as code, not a paper (a guess: it links no arXiv or Hugging "
                          "Face paper and no Vote or Authors line follows it)",
                          ob->line);
    if (p->sec == SEC_PAPER)
        summary_append(p, lineno, s, n, true);
}

/* The length of a list item's marker and the blanks after it at s[0..n)
 * ("- ", "* ", "+ ", "1. ", "2) ", "-\t"), 0 when none: 1 to 4 columns
 * of blanks, as CommonMark has it (more make the item's text code). (A
 * block quote's heading is a quotation: see the top of the file.) */
static size_t list_marker(const char *s, size_t n)
{
    size_t k = pdx_list_marker_len(s, n, 0);
    if (!k)
        return 0;
    size_t sp = k, cols = 0;
    while (sp < n && (s[sp] == ' ' || s[sp] == '\t'))
        cols += s[sp++] == '\t' ? 4 - (k + cols) % 4 : 1;
    return cols >= 1 && cols <= 4 ? sp : 0;
}

/* The end of the run of 1 to 6 '#' at s[i..n), a full-width '＃' counted
 * as one (an input method's), or 0 when there is none. */
static size_t hash_run(const char *s, size_t n, size_t i)
{
    size_t k = i;
    unsigned count = 0;
    for (;; count++) {
        if (k < n && s[k] == '#')
            k++;
        else if (n - k >= 3 && memcmp(s + k, "\xef\xbc\x83", 3) == 0)
            k += 3;
        else
            break;
    }
    return count >= 1 && count <= 6 ? k : 0;
}

/* Bytes of the Unicode space at s[0..n) that is no ASCII blank (U+00A0,
 * U+2000..U+200B, U+3000), 0 if none. */
static size_t wide_space_len(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n >= 2 && u[0] == 0xc2 && u[1] == 0xa0)
        return 2;
    if (n >= 3 && u[0] == 0xe2 && u[1] == 0x80 && u[2] <= 0x8b)
        return 3;
    if (n >= 3 && u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80)
        return 3;
    return 0;
}

/* trim(), then any Unicode spaces before the text too. */
static void trim_wide(const char **s, size_t *n)
{
    trim(s, n);
    for (size_t w; (w = wide_space_len(*s, *n)) != 0; trim(s, n)) {
        *s += w;
        *n -= w;
    }
}

/* Is the line s[0..n), not a date header, one that was surely meant as
 * one: '#'s then "Daily Papers", at another level, without the space or
 * in other case ("# Daily Papers (...)", "##Daily Papers", "## daily
 * papers")? Ignored, its papers would keep the date of the header before
 * it unsaid (a robustness trial). */
static bool near_date_header(const char *s, size_t n)
{
    size_t k = hash_run(s, n, pdx_block_indent(s, n));
    if (!k)
        return false;
    const char *h = s + k;
    size_t hn = n - k;
    trim_wide(&h, &hn);
    return has_prefix_ci(h, hn, "daily papers");
}

/* The end of the blockquote markers ("> ", ">>", "> > ") at s[i..n). */
static size_t quote_markers(const char *s, size_t n, size_t i)
{
    while (i < n && s[i] == '>') {
        i++;
        while (i < n && s[i] == ' ')
            i++;
    }
    return i;
}

/* Is the line s[0..n), not a paper heading, one that was surely meant as
 * one: '#'s then a link to a paper, at another level ("#### [T](arxiv)"),
 * without the space ("###[T](arxiv)"), inside a list item ("- ###
 * [T](arxiv)", which CommonMark shows as a heading) or a blockquote (">
 * ### [T](arxiv)")? Read as the summary's text (a digest's own "####"
 * notes are that), its paper would vanish into the one before it unsaid
 * (user trials; a docs trial for the blockquote). */
static bool near_heading(const char *s, size_t n)
{
    size_t i = quote_markers(s, n, pdx_block_indent(s, n));
    i += list_marker(s + i, n - i);
    size_t k = hash_run(s, n, i);
    if (!k)
        return false;
    const char *h = s + k;
    size_t hn = n - k;
    trim_wide(&h, &hn);
    strip_closing_hashes(h, &hn);
    heading_parts hp;
    return hn && h[0] == '[' && read_heading(h, hn, &hp) && holds_arxiv_id(&hp);
}

/* One line outside fenced code. */
static int plain_line(pdx_parser *p, uint32_t lineno, const char *s, size_t n)
{
    int rc = PDX_OK;
    bool heading = is_heading(s, n);
    if (!heading && near_heading(s, n) && guess_reportable(p))
        pdx_parser_report(p, PDX_DIAG_WARNING, p->file, lineno,
                          "a line linking a paper like a heading, but not '### ': read as %s, "
                          "not a paper (write '### [Title](link)')",
                          p->sec == SEC_PAPER ? "the summary of the paper before it"
                                              : "text outside any paper");
    if (heading) {
        rc = finish_paper(p);
        size_t hn;
        const char *h = heading_text(s, n, &hn);
        if (!rc)
            start_paper(p, lineno, h, hn);
    } else if (is_date_header(s, n)) {
        size_t in = pdx_block_indent(s, n);
        rc = finish_paper(p);
        if (!rc)
            date_header(p, lineno, s + in + 15, n - in - 15);
    } else {
        if (near_date_header(s, n) && guess_reportable(p))
            pdx_parser_report(p, PDX_DIAG_WARNING, p->file, lineno,
                              "a line like a date header, but not '## Daily Papers (': "
                              "ignored, the papers after it keep the date before it (write "
                              "'## Daily Papers (YYYY-MM-DD)')");
        if (p->sec == SEC_PAPER)
            paper_line(p, lineno, s, n);
    }
    return rc ? rc : buf_err(p);
}

/* An HTML comment being read (CommonMark's HTML block of kind 2: a line
 * that starts with "<!--" after up to three spaces, to the line holding
 * the first "-->" after it). */
typedef struct open_comment {
    size_t end;       /* offset in the file of the "-->" that closes it */
    size_t last;      /* offset of the file's last "-->", SIZE_MAX if none;
                       * found at the first "<!--", so that a file of
                       * unclosed ones is read in linear time */
    bool last_known;  /* `last` is set */
    uint32_t line;    /* the line it opened on */
    bool open;        /* a comment is being read */
} open_comment;

/* The offset of the last "-->" in data[0..len), or SIZE_MAX. */
static size_t last_comment_close(const char *data, size_t len)
{
    for (size_t i = len; i >= 3; i--)
        if (data[i - 3] == '-' && data[i - 2] == '-' && data[i - 1] == '>')
            return i - 3;
    return SIZE_MAX;
}

/* Does the line s[0..n) (outside code), which ends before data[pos],
 * open an HTML comment that ends on a later line? Then *cm is filled.
 * One that no later line closes is text, warned: CommonMark would hide the
 * rest of the file, and a stray "<!--" must not make every paper after it
 * disappear. A comment that closes on its own line is an HTML line. */
static bool opens_comment(pdx_parser *p, const char *data, size_t len, size_t pos,
                          const char *s, size_t n, uint32_t lineno, open_comment *cm)
{
    size_t i = pdx_block_indent(s, n);
    /* from the second '-': "<!-->" and "<!--->" close themselves too */
    if (!has_prefix(s + i, n - i, "<!--") || comment_close(s + i + 2, n - i - 2))
        return false;
    if (!cm->last_known) {
        cm->last = last_comment_close(data, len);
        cm->last_known = true;
    }
    if (cm->last == SIZE_MAX || cm->last < pos) {
        if (guess_reportable(p))
            pdx_parser_report(p, PDX_DIAG_WARNING, p->file, lineno,
                              "an HTML comment that no later line closes: the lines after it "
                              "are read as usual");
        return false;
    }
    cm->end = (size_t)(comment_close(data + pos, len - pos) - data);
    cm->line = lineno;
    cm->open = true;
    return true;
}

/* A line of an HTML comment: nothing of a paper. A heading there was
 * commented out: reported, so every heading is still read or
 * reported. */
static void comment_line(pdx_parser *p, const open_comment *cm, uint32_t lineno, const char *s,
                         size_t n)
{
    if (!is_heading(s, n))
        return;
    p->stats->headings++;
    pdx_parser_report(p, PDX_DIAG_SKIPPED, p->file, lineno,
                      "heading inside the HTML comment that opens at line %" PRIu32
                      ": commented out, not a paper",
                      cm->line);
}

/* Reads the lines of data[0..len), a file without its byte-order mark.
 * Fence lines are numbered as find_fences() numbered them, also inside
 * an HTML comment (where they open no block). */
static int parse_lines(pdx_parser *p, const char *data, size_t len)
{
    int rc = find_fences(p, data, len);
    open_block ob = {PDX_FENCE_NONE, 0, false};
    open_comment cm = {0};
    uint32_t lineno = 0, fence = 0;
    char end = line_end_of(data, len);
    for (size_t pos = 0, n; pos < len && !rc;) {
        const char *s = next_line(data, len, end, &pos, &n);
        if (lineno < UINT32_MAX)
            lineno++;
        int kind = p->fences.n ? pdx_fence_kind(s, n) : PDX_FENCE_NOT;
        uint32_t k = kind != PDX_FENCE_NOT ? fence++ : PDX_FENCE_NONE;
        if (ob.close != PDX_FENCE_NONE) {
            if (k == ob.close)
                ob.close = PDX_FENCE_NONE; /* the closing line, dropped */
            else
                code_line(p, &ob, lineno, s, n);
            rc = buf_err(p);
        } else if (cm.open) {
            comment_line(p, &cm, lineno, s, n);
            cm.open = cm.end >= pos; /* the "-->" is on a later line */
            if (!cm.open)
                comment_tail(p, lineno, data + cm.end + 3, (size_t)(s + n - (data + cm.end + 3)));
            rc = buf_err(p);
        } else if ((k == PDX_FENCE_NONE ||
                    !opens_block(p, k, kind == PDX_FENCE_OPENER, lineno, &ob)) &&
                   !opens_comment(p, data, len, pos, s, n, lineno, &cm)) {
            rc = plain_line(p, lineno, s, n);
        }
    }
    pdx_fences_clear(&p->fences);
    return rc;
}

/* How data shows it is UTF-16, for the message, or NULL: its byte-order
 * mark, or without one, ASCII as UTF-16 writes it, a zero byte beside
 * every character (a digest starts with "## Daily Papers": at least 8
 * zeros in the first 64 pairs, all on one side). Such a file (Windows
 * editors save "Unicode" text so) has no line the parser could read:
 * "### " is "#\0#\0#\0 \0" in it. */
const char *pdx_utf16_sign(const char *data, size_t len)
{
    if (len < 2)
        return NULL;
    if (!memcmp(data, "\xff\xfe", 2))
        return "byte order mark FF FE";
    if (!memcmp(data, "\xfe\xff", 2))
        return "byte order mark FE FF";
    size_t pairs = PDX_MIN(len / 2, 64), zero[2] = {0, 0};
    for (size_t i = 0; i < pairs; i++)
        for (int k = 0; k < 2; k++)
            zero[k] += data[2 * i + k] == 0;
    bool le = zero[1] >= 8 && zero[0] == 0, be = zero[0] >= 8 && zero[1] == 0;
    return le ? "no byte order mark; a zero byte after each ASCII letter"
           : be ? "no byte order mark; a zero byte before each ASCII letter"
                : NULL;
}

int pdx_parser_parse(pdx_parser *p, const char *file, const char *data, size_t len)
{
    p->file = file ? file : "";
    p->path_date = pdx_date_from_path(p->file);
    p->header_date = 0;
    p->warned_no_date = false;
    p->utf8 = p->fence_text = p->guesses = (quota){0, 0};
    p->headings = 0;
    p->sec = SEC_NONE;
    p->stats->files++;
    p->stats->bytes += len;
    if (!data)
        len = 0;
    if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
        data += 3; /* byte-order mark */
        len -= 3;
    }

    /* not parsed line by line: each line would only warn of NUL bytes */
    const char *bom16 = pdx_utf16_sign(data, len);
    int rc = bom16 ? PDX_OK : parse_lines(p, data, len);
    if (!rc)
        rc = finish_paper(p);
    p->sec = SEC_NONE;
    pending_flush(p); /* a paper the parse stopped in (out of memory, a stop) */
    if (p->fence_text.quiet)
        pdx_parser_report(p, PDX_DIAG_WARNING, p->file, 0,
                          "%" PRIu32 " more code fences that nothing closes, read as text",
                          p->fence_text.quiet);
    if (p->guesses.quiet)
        pdx_parser_report(p, PDX_DIAG_WARNING, p->file, 0,
                          "%" PRIu32 " more guesses between two readings of the markup "
                          "not reported one by one",
                          p->guesses.quiet);
    if (p->utf8.quiet)
        pdx_parser_report(p, PDX_DIAG_WARNING, p->file, 0,
                          "%" PRIu32 " more lines with invalid UTF-8 or NUL bytes "
                          "(replaced with U+FFFD) not reported one by one",
                          p->utf8.quiet);
    if (!rc && p->headings == 0) {
        p->stats->not_digest++;
        if (bom16)
            pdx_parser_report(p, PDX_DIAG_FILE, p->file, 0,
                              "not a digest: it looks like UTF-16 (%s); digests must be UTF-8",
                              bom16);
        else
            pdx_parser_report(p, PDX_DIAG_FILE, p->file, 0,
                              "not a digest: no '### ' paper headings");
    }
    /* Give back memory after a huge file so one outlier does not pin it. */
    if (p->summary.cap > ((size_t)16 << 20) || p->authors.cap > ((size_t)16 << 20) ||
        p->scratch.cap > ((size_t)16 << 20) || p->title.cap > ((size_t)16 << 20) ||
        p->url.cap > ((size_t)16 << 20)) {
        pdx_buf_free(&p->summary);
        pdx_buf_free(&p->authors);
        pdx_buf_free(&p->scratch);
        pdx_buf_free(&p->title);
        pdx_buf_free(&p->url);
    }
    return rc;
}

int pdx_parse_buffer(const char *file, const char *data, size_t len, const pdx_parse_cb *cb,
                     pdx_parse_stats *stats)
{
    pdx_parse_stats local = {0};
    if (!data && len)
        return PDX_EINVAL;
    pdx_parser *p;
    int rc = pdx_parser_new(&p, cb, stats ? stats : &local);
    if (rc)
        return rc;
    rc = pdx_parser_parse(p, file, data, len);
    pdx_parser_free(p);
    return rc;
}
