/* Test helpers; see fixtures.h. */
#include "fixtures.h"

#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "manifest.h"
#include "paperdex/paperdex.h"

char *fx_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char tmpl[4096];
    snprintf(tmpl, sizeof tmpl, "%s/pdxtest.XXXXXX", base && *base ? base : "/tmp");
    char *dir = mkdtemp(tmpl);
    assert_non_null(dir);
    char *copy = strdup(dir);
    assert_non_null(copy);
    return copy;
}

static void rmtree_rec(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        chmod(path, 0700);
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                    continue;
                char *child = fx_path(path, e->d_name);
                rmtree_rec(child);
                free(child);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

void fx_rmtree(char *dir)
{
    if (!dir)
        return;
    rmtree_rec(dir);
    free(dir);
}

bool fx_has_entry(const char *dir, const char *needle)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    bool found = false;
    struct dirent *e;
    while (!found && (e = readdir(d)) != NULL)
        found = strstr(e->d_name, needle) != NULL;
    closedir(d);
    return found;
}

char *fx_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static void mkparents(const char *path)
{
    char *tmp = strdup(path);
    assert_non_null(tmp);
    for (char *s = tmp + 1; *s; s++) {
        if (*s == '/') {
            *s = 0;
            mkdir(tmp, 0755);
            *s = '/';
        }
    }
    free(tmp);
}

void fx_write(const char *path, const char *data, size_t len)
{
    if (len == (size_t)-1)
        len = strlen(data);
    mkparents(path);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

char *fx_read(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap + 1);
    assert_non_null(buf);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            assert_non_null(buf);
        }
    }
    fclose(f);
    buf[len] = 0;
    if (len_out)
        *len_out = len;
    return buf;
}

const char *fx_shared_dir(void)
{
    static char resolved[4096];
    const char *env = getenv("PAPERDEX_SHARED_DIR");
    const char *dir = env && *env ? env : PDX_SHARED_DIR;
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/seeds", dir);
    struct stat st;
    if (stat(probe, &st) != 0 || !S_ISDIR(st.st_mode))
        return NULL;
    snprintf(resolved, sizeof resolved, "%s", dir);
    return resolved;
}

int fx_run(const char *cmd, char **out)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap + 1);
    assert_non_null(buf);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len, p)) > 0) {
        len += n;
        if (len == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            assert_non_null(buf);
        }
    }
    buf[len] = 0;
    int status = pclose(p);
    if (out)
        *out = buf;
    else
        free(buf);
    if (status == -1 || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

void fx_write_index(const char *path, const fx_paper *papers, size_t n)
{
    pdx_writer *w;
    assert_int_equal(pdx_writer_new(&w, path, NULL), PDX_OK);
    for (size_t i = 0; i < n; i++) {
        const fx_paper *d = &papers[i];
        char url[96];
        snprintf(url, sizeof url, "https://arxiv.org/abs/%s", d->id);
        const char *authors = d->authors ? d->authors : "", *summary = d->summary ? d->summary : "";
        pdx_paper p = {.id = d->id,
                       .id_len = strlen(d->id),
                       .url = url,
                       .url_len = strlen(url),
                       .title = d->title,
                       .title_len = strlen(d->title),
                       .authors = authors,
                       .authors_len = strlen(authors),
                       .summary = summary,
                       .summary_len = strlen(summary),
                       .date = d->date,
                       .votes = d->votes,
                       .file = "fixture.md",
                       .line = (uint32_t)i + 1};
        assert_int_equal(pdx_writer_add(w, &p), PDX_OK);
    }
    assert_int_equal(pdx_writer_commit(w, NULL), PDX_OK);
    pdx_writer_free(w);
}

void fx_search_open(fx_search *e, const fx_paper *papers, size_t n)
{
    e->dir = fx_tmpdir();
    char *idx = fx_path(e->dir, FX_SEARCH_INDEX);
    fx_write_index(idx, papers, n);
    free(idx);
    fx_search_open_dir(e);
}

void fx_search_open_dir(fx_search *e)
{
    char *idx = fx_path(e->dir, FX_SEARCH_INDEX);
    char err[512];
    int rc = pdx_index_open(&e->ix, idx, err, sizeof err);
    if (rc != PDX_OK)
        fail_msg("opening %s: %s", idx, err);
    assert_int_equal(pdx_searcher_new(&e->s, e->ix), PDX_OK);
    free(idx);
}

void fx_search_close(fx_search *e)
{
    pdx_searcher_free(e->s);
    pdx_index_close(e->ix);
    fx_rmtree(e->dir);
    memset(e, 0, sizeof *e);
}

int fx_search_teardown(void **state)
{
    fx_search *e = *state;
    fx_search_close(e);
    free(e);
    return 0;
}

pdx_query *fx_search_parse(fx_search *e, const char *query)
{
    pdx_query *q = NULL;
    if (pdx_query_parse(&q, e->s, query, strlen(query)) != PDX_OK)
        fail_msg("query '%s': %s", query, pdx_searcher_errmsg(e->s));
    return q;
}

/* The manifest at path, decoded (fails the test otherwise). */
static void fx_manifest(const char *path, pdx_manifest *m)
{
    size_t len;
    char *bytes = fx_read(path, &len);
    if (!bytes)
        fail_msg("%s: cannot read", path);
    char err[512];
    if (pdx_manifest_decode(m, (const uint8_t *)bytes, len, err, sizeof err) != PDX_OK)
        fail_msg("%s: %s", path, err);
    free(bytes);
}

void fx_manifest_sections(const unsigned char *b, size_t len, pdx_section *sec)
{
    uint32_t version;
    char msg[256];
    int rc = pdx_frame_read(b, len, &pdx_manifest_kind, sec, &version, msg, sizeof msg);
    if (rc)
        fail_msg("reading a manifest's frame: %s", msg);
}

void fx_manifest_reseal(unsigned char *b, size_t len)
{
    pdx_frame_entry tab[PDX_MSEC_COUNT];
    uint64_t toff = pdx_get_u64(b + PDX_HDR_TABLE_OFF);
    for (unsigned k = 0; k < PDX_MSEC_COUNT; k++) {
        const uint8_t *e = b + toff + k * PDX_SECTION_ENTRY_SIZE;
        tab[k] = (pdx_frame_entry){pdx_get_u32(e), pdx_get_u64(e + 8), pdx_get_u64(e + 16), 0};
        tab[k].sum = pdx_hash(b + tab[k].off, tab[k].len);
    }
    pdx_frame_finish(&pdx_manifest_kind, tab, PDX_MSEC_COUNT, toff, b + toff, b,
                     b + len - PDX_FOOTER_SIZE);
}

/* Copies s[0..len) to *at, NUL-terminated, and moves *at past it. */
static const char *copy_into(char **at, const char *s, size_t len)
{
    char *r = *at;
    if (len)
        memcpy(r, s, len);
    r[len] = 0;
    *at += len + 1;
    return r;
}

char *fx_paper_copy(pdx_paper *out, const pdx_paper *p)
{
    size_t flen = strlen(p->file);
    char *buf = malloc(p->id_len + p->url_len + p->title_len + p->authors_len +
                       p->summary_len + flen + 6);
    assert_non_null(buf);
    char *at = buf;
    *out = *p;
    out->id = copy_into(&at, p->id, p->id_len);
    out->url = copy_into(&at, p->url, p->url_len);
    out->title = copy_into(&at, p->title, p->title_len);
    out->authors = copy_into(&at, p->authors, p->authors_len);
    out->summary = copy_into(&at, p->summary, p->summary_len);
    out->file = copy_into(&at, p->file, flen);
    return buf;
}

char *fx_index_segment(const char *path, unsigned k)
{
    pdx_manifest m;
    fx_manifest(path, &m);
    if (k >= m.n_segs)
        fail_msg("%s: no segment %u", path, k);
    char *seg = pdx_segment_path(path, m.segs[k].seq);
    pdx_manifest_free(&m);
    return seg;
}

void fx_copy_index(const char *src, const char *dst)
{
    pdx_manifest m;
    fx_manifest(src, &m);
    for (uint32_t k = 0; k < m.n_segs; k++) {
        char *from = pdx_segment_path(src, m.segs[k].seq);
        char *to = pdx_segment_path(dst, m.segs[k].seq);
        size_t len;
        char *bytes = fx_read(from, &len);
        if (!bytes)
            fail_msg("%s: cannot read", from);
        fx_write(to, bytes, len);
        free(bytes);
        free(from);
        free(to);
    }
    pdx_manifest_free(&m);
    size_t len;
    char *bytes = fx_read(src, &len);
    fx_write(dst, bytes, len);
    free(bytes);
}

uint64_t fx_xorshift(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}
