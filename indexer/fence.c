/*
 * Fenced code blocks of a digest, paired before the digest is parsed.
 *
 * A digest's preamble or a paper's summary may quote markdown in a fenced
 * code block: a README showing the heading format, a summary quoting a
 * prompt. Lines inside are code, not headings or fields, or the example
 * "### [Title](https://arxiv.org/abs/...)" of a README would be indexed as
 * a paper. A fence line (fence_line_of()) is CommonMark's, at the top level
 * or after one list marker ("- ```python", whose closing line is the
 * item's "  ```"): up to three spaces, then three or more '`' or '~' (an
 * opening backtick fence's info string holds no backtick); it closes a
 * block when it has at least as many of the same character and nothing but
 * blanks after them, and no list marker.
 *
 * The parser decides, line by line, whether a fence line opens a block
 * (parser.c): one opened in a paper must close within that paper, or a
 * stray "```" in one summary would make code of every paper up to the next
 * one; anywhere, a fence no later line closes is text (CommonMark would run
 * it to the end of the file). So this file computes, for each fence line,
 * the first later fence line that would close a block opened there
 * (pdx_fences.close) and the section it is in, counted in paper headings
 * (pdx_fences.section; which "###" lines count is parser.c's
 * find_fences()), from which the parser tells whether that closing line
 * is in the same paper.
 *
 * A date header starts no paper, so it ends no section: one quoted in a
 * summary's block is code like the rest. But a stray fence at the end of
 * one day's last paper, or in its preamble, pairs as well with a fence of
 * the next day's preamble, and the block would then swallow that day's
 * header and give its papers the day before's date. The two readings are
 * weighed by what each leaves out of place (pdx_fences_date_wins()):
 *
 *   the block is real     the date headers inside it, read as code (one
 *                         count however many: an example of two days'
 *                         headers is one quote), and the fence lines
 *                         after the block, to the end of the section,
 *                         that then read as text
 *   the fence is stray    the opener and any fence line before the
 *                         header, read as text, and the fence lines from
 *                         the first one after the header, to the end of
 *                         the section, that then read as text
 *
 * The stray reading wins ties: a date header is structure every day of a
 * digest has, while quoting one in a code block is rare. So a stray fence
 * before a preamble's "```sh ... ```" (one line out of place either way)
 * or before a bare "``` ... ```" (the block reading would leave the
 * preamble's closing fence as text too) gives way to the header, while a
 * block quoting a header, alone in its paper or followed by other closed
 * blocks, stays code (the stray reading would leave its closing fence
 * unpaired as well). Fence lines alone cannot tell a block that quotes a
 * header from a stray fence before a preamble whose one fence closes it
 * (the lines are the same), so the parser warns of every such choice,
 * naming the reading it took. How many fence lines read as
 * text from each fence line to the end of its section (pdx_fences.text)
 * is counted once, in one pass from the end, so the weighing is O(log n)
 * (a binary search for the first fence line after the header).
 *
 * Time and memory stay linear whatever the input (a file of a million
 * "```a" lines, each opening and none closing): the closing lines are found
 * in one pass from the end with a stack of the candidates no nearer,
 * longer one hides (each query a binary search in it), and each fence line
 * costs 20 bytes, and 8 more while pairing.
 */
#include <stdlib.h>

#include "fence.h"

/* A fence line's run length as stored: longer runs all close alike. */
#define RUN_MAX (UINT32_MAX >> 3)
#define INFO_OPENS 1u
#define INFO_CLOSES 2u
#define INFO_TILDE 4u

size_t pdx_block_indent(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && i < 3 && s[i] == ' ')
        i++;
    return i;
}

size_t pdx_list_marker_len(const char *s, size_t n, size_t i)
{
    size_t k = i;
    if (k < n && (s[k] == '-' || s[k] == '*' || s[k] == '+'))
        return 1;
    while (k < n && k - i < 9 && s[k] >= '0' && s[k] <= '9')
        k++;
    if (k == i || k >= n || (s[k] != '.' && s[k] != ')'))
        return 0;
    return k + 1 - i;
}

size_t pdx_after_list_marker(const char *s, size_t n, size_t i)
{
    size_t k = i + pdx_list_marker_len(s, n, i);
    if (k == i || k >= n || s[k] != ' ')
        return i;
    while (k < n && s[k] == ' ')
        k++;
    return k;
}

/* Is s[0..n) (a line without its '\n') a fence line? Its run length and
 * INFO_* bits in *info. */
static bool fence_line_of(const char *s, size_t n, uint32_t *info)
{
    size_t i = pdx_block_indent(s, n);
    size_t at = pdx_after_list_marker(s, n, i);
    bool item = at != i;
    if (at >= n || (s[at] != '`' && s[at] != '~'))
        return false;
    char c = s[at];
    size_t run = 0;
    while (at + run < n && s[at + run] == c)
        run++;
    if (run < 3)
        return false;
    bool opens = true, closes = !item;
    for (size_t k = at + run; k < n; k++) {
        if (s[k] != ' ' && s[k] != '\t' && s[k] != '\r')
            closes = false;
        if (c == '`' && s[k] == '`')
            opens = false;
    }
    *info = (uint32_t)(run > RUN_MAX ? RUN_MAX : run) << 3 | (opens ? INFO_OPENS : 0) |
            (closes ? INFO_CLOSES : 0) | (c == '~' ? INFO_TILDE : 0);
    return true;
}

int pdx_fence_kind(const char *s, size_t n)
{
    uint32_t info;
    if (!fence_line_of(s, n, &info))
        return PDX_FENCE_NOT;
    return info & INFO_OPENS ? PDX_FENCE_OPENER : PDX_FENCE_OTHER;
}

/* Makes room for one more fence line. PDX_OK or PDX_ENOMEM (f is left
 * as it was, its arrays perhaps larger). */
static int fences_grow(pdx_fences *f)
{
    size_t cap = f->cap ? 2 * f->cap : 16;
    if (cap > UINT32_MAX - 1)
        return PDX_ENOMEM; /* fence lines are numbered in 32 bits */
    uint32_t **arrays[] = {&f->close, &f->section, &f->day, &f->info, &f->text};
    for (size_t a = 0; a < sizeof arrays / sizeof arrays[0]; a++) {
        uint32_t *r = realloc(*arrays[a], cap * sizeof *r);
        if (!r)
            return PDX_ENOMEM;
        *arrays[a] = r;
    }
    f->cap = cap;
    return PDX_OK;
}

int pdx_fences_add(pdx_fences *f, const char *s, size_t n)
{
    uint32_t info;
    if (!fence_line_of(s, n, &info))
        return PDX_OK;
    if (f->n == f->cap && fences_grow(f))
        return PDX_ENOMEM;
    f->info[f->n] = info;
    f->section[f->n] = f->sections;
    f->day[f->n] = f->days;
    f->n++;
    return PDX_OK;
}

void pdx_fences_section(pdx_fences *f)
{
    f->sections++;
}

void pdx_fences_date(pdx_fences *f)
{
    f->days++;
}

/* f->text of the fence line after i when it is in i's section, else 0
 * (the section ends with i). */
static uint32_t text_after(const pdx_fences *f, size_t i)
{
    return i + 1 < f->n && f->section[i + 1] == f->section[i] ? f->text[i + 1] : 0;
}

/* Fills f->text from the end (f->close is set): from fence line i, a
 * line that cannot open goes by; one that opens a block closing in its
 * section skips to the closing line; any other opener is text. */
static void count_text(pdx_fences *f)
{
    for (size_t i = f->n; i-- > 0;) {
        uint32_t c = f->close[i];
        if (!(f->info[i] & INFO_OPENS))
            f->text[i] = text_after(f, i);
        else if (c != PDX_FENCE_NONE && f->section[c] == f->section[i])
            f->text[i] = text_after(f, c);
        else
            f->text[i] = 1 + text_after(f, i);
    }
}

/* The first fence line in (k, c] with a date header between it and k
 * (c has one: the caller knows). The day counts grow with the fence
 * lines, so a binary search finds it. */
static uint32_t first_of_next_day(const pdx_fences *f, uint32_t k, uint32_t c)
{
    uint32_t lo = k + 1, hi = c; /* day[hi] > day[k]; is an earlier one? */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (f->day[mid] > f->day[k])
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

typedef struct closer {
    uint32_t line, run;
} closer;

/* The nearest closer of the stack (nearest on top, runs growing towards
 * the bottom) with a run of at least `run`, or PDX_FENCE_NONE. */
static uint32_t nearest(const closer *st, size_t n, uint32_t run)
{
    size_t lo = 0, hi = n; /* st[lo..hi): bottom .. top */
    if (!n || st[0].run < run)
        return PDX_FENCE_NONE;
    while (hi - lo > 1) { /* st[lo].run >= run; is a nearer one long enough? */
        size_t mid = lo + (hi - lo) / 2;
        if (st[mid].run >= run)
            lo = mid;
        else
            hi = mid;
    }
    return st[lo].line;
}

int pdx_fences_pair(pdx_fences *f)
{
    /* One stack a character, side by side in one array: as many entries
     * as the file has closing lines of that character. */
    size_t cap[2] = {0, 0};
    for (size_t i = 0; i < f->n; i++)
        if (f->info[i] & INFO_CLOSES)
            cap[(f->info[i] & INFO_TILDE) != 0]++;
    if (cap[0] + cap[1] == 0) { /* nothing closes: no block */
        for (size_t i = 0; i < f->n; i++)
            f->close[i] = PDX_FENCE_NONE;
        count_text(f);
        return PDX_OK;
    }
    closer *all = malloc((cap[0] + cap[1]) * sizeof *all);
    if (!all)
        return PDX_ENOMEM;
    closer *st[2] = {all, all + cap[0]};
    size_t depth[2] = {0, 0};
    /* From the end: a closer hides, for every line before it, the farther
     * ones no longer than itself, which leave the stack for good. */
    for (size_t i = f->n; i-- > 0;) {
        uint32_t info = f->info[i], run = info >> 3;
        int c = (info & INFO_TILDE) != 0;
        f->close[i] = info & INFO_OPENS ? nearest(st[c], depth[c], run) : PDX_FENCE_NONE;
        if (info & INFO_CLOSES) {
            while (depth[c] && st[c][depth[c] - 1].run <= run)
                depth[c]--;
            st[c][depth[c]++] = (closer){(uint32_t)i, run};
        }
    }
    free(all);
    count_text(f);
    return PDX_OK;
}

bool pdx_fences_date_wins(const pdx_fences *f, uint32_t k)
{
    uint32_t c = f->close[k];
    uint32_t first = first_of_next_day(f, k, c);
    uint64_t block = 1 + (uint64_t)text_after(f, c); /* the header(s) quoted */
    uint64_t stray = (uint64_t)(first - k) + f->text[first];
    return stray <= block;
}

void pdx_fences_clear(pdx_fences *f)
{
    free(f->close);
    free(f->section);
    free(f->day);
    free(f->info);
    free(f->text);
    *f = (pdx_fences){0};
}
