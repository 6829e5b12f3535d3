/*
 * The index writer: papers in, one segment file out (layout: format.h).
 *
 * Memory is bounded by spilling. Papers are tokenized as they arrive and
 * their postings appended to per-(term, field) buffers in a run-local
 * dictionary. When those buffers pass the memory budget, the run is sorted
 * by term and written to a temporary run file, and the dictionary starts
 * again empty. At commit the runs (the last one kept in memory) are merged
 * term by term: as every run holds a contiguous range of document ids, the
 * lists of one term are concatenated in run order, re-encoded into blocks
 * with skip entries, and streamed into the segment.
 *
 * Run encoding, per term in byte order:
 *   varint term_len, term bytes, u8 fields, then per field present:
 *   varint df, varint nbytes, nbytes of postings: per document
 *   varint (doc + 1 - previous doc + 1, from 0), varint tf, tf varint
 *   position gaps.
 *
 * Duplicates: the same arXiv id added twice keeps the paper with the later
 * date (the later one on a tie). A loser already added is marked deleted
 * and its postings are dropped during the merge, when temporary document
 * ids are renumbered densely.
 *
 * Stored fields go to a temporary file as papers arrive and are copied,
 * without the deleted ones, into the segment at commit. Everything
 * temporary lives beside the target ("<target>.tmp.<pid>*") so the final
 * rename stays on one file system; all of it is removed on success, on
 * error and by pdx_writer_free.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "common.h"
#include "format.h"
#include "paperdex/index.h"
#include "paperdex/tokenizer.h"

#define DEFAULT_BUDGET ((size_t)256 << 20)

/* A term of the current run. */
typedef struct mterm {
    uint32_t str_off; /* into w->term_arena */
    uint8_t len;
    uint32_t hash;    /* low bits of pdx_hash, for rehashing */
    struct {
        pdx_buf b;         /* run encoding of this (term, field) */
        uint32_t last;     /* previous document + 1 (0: none yet) */
        uint32_t df;
    } f[PDX_NFIELDS];
} mterm;

/* A document by temporary id (the order of pdx_writer_add). */
typedef struct mdoc {
    int32_t date;
    uint32_t votes; /* PDX_VOTES_NONE when unknown */
    uint32_t len[PDX_NFIELDS];
    uint64_t stored_off; /* into the stored temp file */
    uint32_t stored_len;
    uint32_t id_off; /* into w->id_arena */
    uint16_t id_len;
    bool deleted;
} mdoc;

/* A sorted run: a mapped temp file, or the last run in memory. */
typedef struct run {
    const uint8_t *p, *end;
    void *map;
    size_t map_len;
    /* merge cursor: the current term */
    const uint8_t *term;
    size_t term_len;
    uint8_t fields;
    const uint8_t *lists; /* the field lists of the current term */
    const uint8_t *released; /* mapped pages before this were given back */
} run;

/* Output file with per-section checksums. */
typedef struct outfile {
    int fd;
    uint64_t off;
    uint8_t *buf;
    size_t len, cap;
    XXH3_state_t *hs;
    uint64_t sec_start;
} outfile;

typedef struct section_entry {
    uint32_t id;
    uint64_t off, len, sum;
} section_entry;

/* Encoder of one final postings list (see format.h POSTINGS). */
typedef struct list_enc {
    uint32_t docs[PDX_BLOCK_SIZE], tfs[PDX_BLOCK_SIZE];
    uint32_t n;          /* documents buffered for the current block */
    pdx_buf blockpos;    /* positions gaps of the buffered documents */
    pdx_buf skip, data;  /* skip table and block data of the list */
    uint64_t df, max_tf, min_len;
    uint64_t pos_base;   /* where this list's positions start */
    uint64_t pos_len;    /* positions bytes written so far for this list */
    uint32_t last_doc;
} list_enc;

struct pdx_writer {
    char *path, *tmp_prefix;
    pdx_writer_opts opts;
    size_t budget;
    pdx_tokenizer *tk;
    int err;
    char errmsg[512];

    /* run-local dictionary */
    mterm *terms;
    uint32_t n_terms, cap_terms;
    uint32_t *slots; /* term index + 1, open addressing */
    uint32_t n_slots;
    pdx_buf term_arena;
    size_t postings_mem; /* bytes allocated by the terms' posting buffers */

    /* per-document scratch: (term index << 32 | position) */
    uint64_t *scratch;
    size_t n_scratch, cap_scratch;
    unsigned cur_field;
    uint32_t cur_tokens;

    mdoc *docs;
    uint32_t n_docs, cap_docs;
    pdx_buf id_arena;
    uint32_t *id_slots; /* doc + 1 */
    uint32_t n_id_slots;
    uint64_t duplicates;

    FILE *stored; /* temp file of stored fields */
    char *stored_path;
    uint64_t stored_off;
    pdx_buf rec; /* scratch for one stored record */

    char **run_paths;
    uint32_t n_runs;
    pdx_buf last_run; /* the final, in-memory run */

    bool committed;
};

/* ---- errors ---- */

static int set_err(pdx_writer *w, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int set_err(pdx_writer *w, int code, const char *fmt, ...)
{
    if (w->err)
        return w->err;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->errmsg, sizeof w->errmsg, fmt, ap);
    va_end(ap);
    w->err = code;
    return code;
}

static int oom(pdx_writer *w)
{
    return set_err(w, PDX_ENOMEM, "%s: out of memory while indexing", w->path);
}

const char *pdx_writer_errmsg(const pdx_writer *w)
{
    return w ? w->errmsg : "";
}

/* ---- creation ---- */

/* Removes "<target>.tmp.<pid>*" files left by a writer that was killed:
 * those whose pid no longer runs. A live writer's files are kept. */
static void remove_stale_temps(const char *path)
{
    char *copy = strdup(path), *copy2 = strdup(path);
    if (!copy || !copy2) {
        free(copy);
        free(copy2);
        return;
    }
    const char *dir = dirname(copy), *base = basename(copy2);
    size_t bl = strlen(base);
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strncmp(e->d_name, base, bl) != 0 || strncmp(e->d_name + bl, ".tmp.", 5) != 0)
                continue;
            char *end;
            long pid = strtol(e->d_name + bl + 5, &end, 10);
            if (end == e->d_name + bl + 5 || (*end && *end != '.') || pid <= 0)
                continue;
            if (pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
                continue;
            size_t n = strlen(dir) + strlen(e->d_name) + 2;
            char *full = malloc(n);
            if (full) {
                snprintf(full, n, "%s/%s", dir, e->d_name);
                unlink(full);
                free(full);
            }
        }
        closedir(d);
    }
    free(copy);
    free(copy2);
}

int pdx_writer_new(pdx_writer **out, const char *path, const pdx_writer_opts *opts)
{
    *out = NULL;
    pdx_writer *w = calloc(1, sizeof *w);
    if (!w)
        return PDX_ENOMEM;
    *out = w;
    if (opts)
        w->opts = *opts;
    w->budget = w->opts.mem_budget ? w->opts.mem_budget : DEFAULT_BUDGET;
    w->path = strdup(path);
    size_t n = strlen(path) + 32;
    w->tmp_prefix = malloc(n);
    w->stored_path = malloc(n + 16);
    if (!w->path || !w->tmp_prefix || !w->stored_path)
        return oom(w);
    snprintf(w->tmp_prefix, n, "%s.tmp.%ld", path, (long)getpid());
    remove_stale_temps(path);
    snprintf(w->stored_path, n + 16, "%s.stored", w->tmp_prefix);
    int rc = pdx_tokenizer_new(&w->tk);
    if (rc)
        return oom(w);
    w->stored = fopen(w->stored_path, "w+be");
    if (!w->stored)
        return set_err(w, PDX_EIO, "%s: cannot create a temporary file beside the index: %s",
                       w->stored_path, strerror(errno));
    return PDX_OK;
}

/* ---- the run-local dictionary ---- */

static bool grow_slots(pdx_writer *w)
{
    uint32_t n = w->n_slots ? w->n_slots * 2 : 1024;
    uint32_t *s = calloc(n, sizeof *s);
    if (!s)
        return false;
    for (uint32_t i = 0; i < w->n_terms; i++) {
        uint32_t k = w->terms[i].hash & (n - 1);
        while (s[k])
            k = (k + 1) & (n - 1);
        s[k] = i + 1;
    }
    free(w->slots);
    w->slots = s;
    w->n_slots = n;
    return true;
}

/* Index of term in the run dictionary, inserting it; UINT32_MAX on OOM. */
static uint32_t term_intern(pdx_writer *w, const char *s, size_t len)
{
    if ((w->n_terms + 1) * 2 > w->n_slots && !grow_slots(w))
        return UINT32_MAX;
    uint32_t h = (uint32_t)pdx_hash(s, len), mask = w->n_slots - 1;
    uint32_t k = h & mask;
    for (; w->slots[k]; k = (k + 1) & mask) {
        mterm *t = &w->terms[w->slots[k] - 1];
        if (t->hash == h && t->len == len &&
            memcmp(w->term_arena.data + t->str_off, s, len) == 0)
            return w->slots[k] - 1;
    }
    if (w->n_terms == w->cap_terms) {
        uint32_t nc = w->cap_terms ? w->cap_terms * 2 : 1024;
        mterm *nt = realloc(w->terms, nc * sizeof *nt);
        if (!nt)
            return UINT32_MAX;
        w->terms = nt;
        w->cap_terms = nc;
    }
    mterm *t = &w->terms[w->n_terms];
    memset(t, 0, sizeof *t);
    t->str_off = (uint32_t)w->term_arena.len;
    t->len = (uint8_t)len;
    t->hash = h;
    pdx_buf_append(&w->term_arena, s, len);
    if (w->term_arena.err)
        return UINT32_MAX;
    w->slots[k] = ++w->n_terms;
    return w->n_terms - 1;
}

static int on_token(const pdx_token *tok, void *payload)
{
    pdx_writer *w = payload;
    size_t len = PDX_MIN(tok->term_len, (size_t)PDX_MAX_TERM_BYTES);
    if (len == 0)
        return 0;
    uint32_t t = term_intern(w, tok->term, len);
    if (t == UINT32_MAX)
        return PDX_ENOMEM;
    if (w->n_scratch == w->cap_scratch) {
        size_t nc = w->cap_scratch ? w->cap_scratch * 2 : 4096;
        uint64_t *ns = realloc(w->scratch, nc * sizeof *ns);
        if (!ns)
            return PDX_ENOMEM;
        w->scratch = ns;
        w->cap_scratch = nc;
    }
    w->scratch[w->n_scratch++] = ((uint64_t)t << 32) | tok->pos;
    w->cur_tokens++;
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Appends the scratch (one field of document doc) to the terms' buffers. */
static int flush_field(pdx_writer *w, uint32_t doc, unsigned field)
{
    if (w->n_scratch > 1) /* scratch is NULL until a paper has a token */
        qsort(w->scratch, w->n_scratch, sizeof *w->scratch, cmp_u64);
    size_t i = 0;
    while (i < w->n_scratch) {
        uint32_t t = (uint32_t)(w->scratch[i] >> 32);
        size_t j = i;
        while (j < w->n_scratch && (uint32_t)(w->scratch[j] >> 32) == t)
            j++;
        mterm *m = &w->terms[t];
        pdx_buf *b = &m->f[field].b;
        size_t before = b->cap;
        pdx_buf_put_varint(b, doc + 1 - m->f[field].last);
        pdx_buf_put_varint(b, j - i);
        uint32_t prev = 0;
        for (size_t k = i; k < j; k++) {
            uint32_t pos = (uint32_t)w->scratch[k];
            pdx_buf_put_varint(b, pos - prev);
            prev = pos;
        }
        if (b->err)
            return PDX_ENOMEM;
        w->postings_mem += b->cap - before;
        m->f[field].last = doc + 1;
        m->f[field].df++;
        i = j;
    }
    w->n_scratch = 0;
    return PDX_OK;
}

static int tokenize_field(pdx_writer *w, const char *s, size_t n, uint32_t first_pos,
                          uint32_t *next)
{
    int rc = pdx_tokenize(w->tk, PDX_TOKENIZE_DEFAULT, s, n, first_pos, next, on_token, w);
    return rc == PDX_ENOMEM ? oom(w) : rc;
}

/* ---- runs ---- */

/* A term to sort: qsort has no context argument in ISO C, so each entry
 * carries its own bytes. */
typedef struct term_ref {
    const uint8_t *s;
    uint32_t len;
    uint32_t idx;
} term_ref;

static int cmp_term_ref(const void *a, const void *b)
{
    const term_ref *x = a, *y = b;
    int c = memcmp(x->s, y->s, PDX_MIN(x->len, y->len));
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Serializes the run dictionary in term order into out, freeing the
 * postings buffers as it goes, and empties the dictionary. */
static int serialize_run(pdx_writer *w, pdx_buf *out, FILE *f)
{
    term_ref *order = malloc((size_t)(w->n_terms ? w->n_terms : 1) * sizeof *order);
    if (!order)
        return oom(w);
    for (uint32_t i = 0; i < w->n_terms; i++)
        order[i] = (term_ref){w->term_arena.data + w->terms[i].str_off, w->terms[i].len, i};
    qsort(order, w->n_terms, sizeof *order, cmp_term_ref);
    for (uint32_t i = 0; i < w->n_terms && !out->err; i++) {
        mterm *t = &w->terms[order[i].idx];
        uint8_t fields = 0;
        for (unsigned fi = 0; fi < PDX_NFIELDS; fi++)
            if (t->f[fi].df)
                fields |= (uint8_t)(1u << fi);
        pdx_buf_put_str(out, w->term_arena.data + t->str_off, t->len);
        pdx_buf_putc(out, fields);
        for (unsigned fi = 0; fi < PDX_NFIELDS; fi++) {
            if (!t->f[fi].df)
                continue;
            pdx_buf_put_varint(out, t->f[fi].df);
            pdx_buf_put_str(out, t->f[fi].b.data, t->f[fi].b.len);
            pdx_buf_free(&t->f[fi].b);
        }
        if (f && out->len >= (1u << 20)) {
            if (fwrite(out->data, 1, out->len, f) != out->len) {
                free(order);
                return set_err(w, PDX_EIO, "%s: writing a sorted run failed: %s",
                               w->tmp_prefix, strerror(errno));
            }
            pdx_buf_reset(out);
        }
    }
    free(order);
    if (out->err)
        return oom(w);
    w->n_terms = 0;
    w->postings_mem = 0;
    if (w->n_slots) /* slots is NULL until the first term */
        memset(w->slots, 0, (size_t)w->n_slots * sizeof *w->slots);
    pdx_buf_reset(&w->term_arena);
    return PDX_OK;
}

static int spill_run(pdx_writer *w)
{
    char **np = realloc(w->run_paths, (w->n_runs + 1) * sizeof *np);
    if (!np)
        return oom(w);
    w->run_paths = np;
    size_t n = strlen(w->tmp_prefix) + 24;
    char *path = malloc(n);
    if (!path)
        return oom(w);
    snprintf(path, n, "%s.run%u", w->tmp_prefix, w->n_runs);
    w->run_paths[w->n_runs++] = path;
    FILE *f = fopen(path, "wbe");
    if (!f)
        return set_err(w, PDX_EIO, "%s: cannot create a sorted run: %s", path, strerror(errno));
    pdx_buf out = {0};
    int rc = serialize_run(w, &out, f);
    if (!rc && out.len && fwrite(out.data, 1, out.len, f) != out.len)
        rc = set_err(w, PDX_EIO, "%s: writing a sorted run failed: %s", path, strerror(errno));
    pdx_buf_free(&out);
    if (fclose(f) != 0 && !rc)
        rc = set_err(w, PDX_EIO, "%s: writing a sorted run failed: %s", path, strerror(errno));
    return rc;
}

/* ---- adding papers ---- */

static uint32_t id_find(pdx_writer *w, const char *id, size_t len, uint32_t h, uint32_t *slot)
{
    uint32_t mask = w->n_id_slots - 1, k = h & mask;
    for (; w->id_slots[k]; k = (k + 1) & mask) {
        mdoc *d = &w->docs[w->id_slots[k] - 1];
        if (d->id_len == len && memcmp(w->id_arena.data + d->id_off, id, len) == 0)
            break;
    }
    *slot = k;
    return w->id_slots[k];
}

static bool grow_id_slots(pdx_writer *w)
{
    uint32_t n = w->n_id_slots ? w->n_id_slots * 2 : 1024;
    uint32_t *s = calloc(n, sizeof *s);
    if (!s)
        return false;
    for (uint32_t i = 0; i < w->n_docs; i++) {
        mdoc *d = &w->docs[i];
        if (d->deleted)
            continue;
        uint32_t k = (uint32_t)pdx_hash(w->id_arena.data + d->id_off, d->id_len) & (n - 1);
        while (s[k])
            k = (k + 1) & (n - 1);
        s[k] = i + 1;
    }
    free(w->id_slots);
    w->id_slots = s;
    w->n_id_slots = n;
    return true;
}

static void report_duplicate(pdx_writer *w, const pdx_paper *p, const mdoc *old, bool replaced)
{
    w->duplicates++;
    if (!w->opts.on_diag)
        return;
    char msg[512];
    snprintf(msg, sizeof msg,
             "duplicate arXiv id %.*s (also dated %d): %s", (int)PDX_MIN(p->id_len, 64),
             p->id, old->date,
             replaced ? "this later entry replaces the earlier one"
                      : "this entry is older and is not indexed");
    pdx_diag d = {PDX_DIAG_WARNING, p->file, p->line, msg};
    w->opts.on_diag(&d, w->opts.payload);
}

static void store_record(pdx_writer *w, const pdx_paper *p)
{
    pdx_buf *r = &w->rec;
    pdx_buf_reset(r);
    pdx_buf_put_str(r, p->id, p->id_len);
    pdx_buf_put_str(r, p->url, p->url_len);
    pdx_buf_put_str(r, p->title, p->title_len);
    pdx_buf_put_str(r, p->authors, p->authors_len);
    pdx_buf_put_str(r, p->summary, p->summary_len);
    pdx_buf_put_str(r, p->file, p->file ? strlen(p->file) : 0);
    pdx_buf_put_varint(r, p->line);
    pdx_buf_putc(r, p->id_synthesized ? 1 : 0);
}

int pdx_writer_add(pdx_writer *w, const pdx_paper *p)
{
    if (w->err)
        return w->err;
    if (w->committed)
        return set_err(w, PDX_EINVAL, "%s: writer already committed", w->path);
    if (p->id_len == 0 || p->id_len > 1024)
        return set_err(w, PDX_EINVAL, "%s:%u: paper id is empty or too long", p->file, p->line);
    if (w->n_docs == UINT32_MAX - 1)
        return set_err(w, PDX_ELIMIT, "%s: too many papers for one segment", w->path);

    /* Duplicates: keep the later date. */
    if ((w->n_docs + 1) * 2 > w->n_id_slots && !grow_id_slots(w))
        return oom(w);
    uint32_t h = (uint32_t)pdx_hash(p->id, p->id_len), slot;
    uint32_t old = id_find(w, p->id, p->id_len, h, &slot);
    if (old) {
        mdoc *od = &w->docs[old - 1];
        bool replace = p->date >= od->date;
        report_duplicate(w, p, od, replace);
        if (!replace)
            return PDX_OK;
        od->deleted = true;
    }

    if (w->n_docs == w->cap_docs) {
        uint32_t nc = w->cap_docs ? w->cap_docs * 2 : 1024;
        mdoc *nd = realloc(w->docs, (size_t)nc * sizeof *nd);
        if (!nd)
            return oom(w);
        w->docs = nd;
        w->cap_docs = nc;
    }
    uint32_t doc = w->n_docs;
    mdoc *d = &w->docs[doc];
    memset(d, 0, sizeof *d);
    d->date = p->date;
    d->votes = p->votes < 0 || p->votes >= (int64_t)PDX_VOTES_NONE ? PDX_VOTES_NONE
                                                                    : (uint32_t)p->votes;
    d->id_off = (uint32_t)w->id_arena.len;
    d->id_len = (uint16_t)p->id_len;
    pdx_buf_append(&w->id_arena, p->id, p->id_len);
    if (w->id_arena.err)
        return oom(w);

    store_record(w, p);
    if (w->rec.err)
        return oom(w);
    if (fwrite(w->rec.data, 1, w->rec.len, w->stored) != w->rec.len)
        return set_err(w, PDX_EIO, "%s: writing stored fields failed: %s", w->stored_path,
                       strerror(errno));
    d->stored_off = w->stored_off;
    d->stored_len = (uint32_t)w->rec.len;
    w->stored_off += w->rec.len;

    /* Tokenize the three fields. Authors are tokenized one by one with a
     * position gap so that a phrase cannot span two names. */
    int rc;
    uint32_t next = 0;
    w->n_scratch = 0;
    w->cur_tokens = 0;
    if ((rc = tokenize_field(w, p->title, p->title_len, 0, &next)))
        return rc == PDX_ENOMEM ? oom(w) : set_err(w, rc, "tokenizer failed");
    d->len[PDX_FIELD_TITLE] = w->cur_tokens;
    if ((rc = flush_field(w, doc, PDX_FIELD_TITLE)))
        return oom(w);

    w->cur_tokens = 0;
    next = 0;
    const char *a = p->authors, *end = p->authors + p->authors_len;
    while (a < end) {
        const char *nl = memchr(a, '\n', (size_t)(end - a));
        const char *stop = nl ? nl : end;
        uint32_t first = next ? next + PDX_AUTHOR_POSITION_GAP : 0;
        if ((rc = tokenize_field(w, a, (size_t)(stop - a), first, &next)))
            return rc == PDX_ENOMEM ? oom(w) : set_err(w, rc, "tokenizer failed");
        a = nl ? nl + 1 : end;
    }
    d->len[PDX_FIELD_AUTHORS] = w->cur_tokens;
    if ((rc = flush_field(w, doc, PDX_FIELD_AUTHORS)))
        return oom(w);

    w->cur_tokens = 0;
    if ((rc = tokenize_field(w, p->summary, p->summary_len, 0, &next)))
        return rc == PDX_ENOMEM ? oom(w) : set_err(w, rc, "tokenizer failed");
    d->len[PDX_FIELD_SUMMARY] = w->cur_tokens;
    if ((rc = flush_field(w, doc, PDX_FIELD_SUMMARY)))
        return oom(w);

    w->n_docs++;
    w->id_slots[slot] = doc + 1;

    size_t mem = w->postings_mem + (size_t)w->n_terms * sizeof(mterm) +
                 (size_t)w->n_slots * 4 + w->term_arena.cap;
    if (mem > w->budget)
        return spill_run(w);
    return PDX_OK;
}

/* ---- output ---- */

static int out_flush(pdx_writer *w, outfile *o)
{
    size_t done = 0;
    while (done < o->len) {
        ssize_t n = write(o->fd, o->buf + done, o->len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return set_err(w, PDX_EIO, "%s: write failed: %s", w->tmp_prefix,
                           n < 0 ? strerror(errno) : "no progress");
        done += (size_t)n;
    }
    o->len = 0;
    return PDX_OK;
}

static int out_write(pdx_writer *w, outfile *o, const void *p, size_t n)
{
    if (w->err)
        return w->err;
    XXH3_64bits_update(o->hs, p, n);
    o->off += n;
    const uint8_t *s = p;
    while (n) {
        if (o->len == o->cap && out_flush(w, o))
            return w->err;
        size_t k = PDX_MIN(n, o->cap - o->len);
        memcpy(o->buf + o->len, s, k);
        o->len += k;
        s += k;
        n -= k;
    }
    return PDX_OK;
}

static void out_begin(outfile *o)
{
    XXH3_64bits_reset(o->hs);
    o->sec_start = o->off;
}

/* Ends a section: records it and pads to the alignment (padding is not
 * part of the section or its checksum). */
static int out_end(pdx_writer *w, outfile *o, uint32_t id, section_entry *tab, unsigned *n)
{
    tab[*n] = (section_entry){id, o->sec_start, o->off - o->sec_start,
                              XXH3_64bits_digest(o->hs)};
    (*n)++;
    static const uint8_t zero[PDX_SECTION_ALIGN];
    size_t pad = (size_t)((PDX_SECTION_ALIGN - o->off % PDX_SECTION_ALIGN) % PDX_SECTION_ALIGN);
    return out_write(w, o, zero, pad);
}

static int out_buf(pdx_writer *w, outfile *o, const pdx_buf *b)
{
    if (b->err)
        return oom(w);
    return out_write(w, o, b->data, b->len);
}

/* ---- merge ---- */

/* Runs are read once, front to back. Pages already merged are handed back
 * to the kernel so that the resident set stays bounded by the memory
 * budget rather than growing with the total size of the runs. */
#define RUN_RELEASE_BYTES ((size_t)32 << 20)

static void run_release(run *r)
{
    if (!r->map || (size_t)(r->p - r->released) < RUN_RELEASE_BYTES)
        return;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    const uint8_t *base = r->map;
    size_t upto = ((size_t)(r->p - base) / page) * page;
    size_t from = (size_t)(r->released - base);
    if (upto > from)
        madvise((void *)(base + from), upto - from, MADV_DONTNEED);
    r->released = base + upto;
}

static bool run_next_term(run *r)
{
    run_release(r);
    if (r->p >= r->end) {
        r->term = NULL;
        return true;
    }
    uint64_t len, v;
    const uint8_t *p = r->p;
    if (!pdx_get_varint(&p, r->end, &len) || len > (uint64_t)(r->end - p) || p + len >= r->end)
        return false;
    r->term = p;
    r->term_len = len;
    p += len;
    r->fields = *p++;
    r->lists = p;
    for (unsigned f = 0; f < PDX_NFIELDS; f++) {
        if (!(r->fields & (1u << f)))
            continue;
        if (!pdx_get_varint(&p, r->end, &v) || !pdx_get_varint(&p, r->end, &len) ||
            len > (uint64_t)(r->end - p))
            return false;
        p += len;
    }
    r->p = p;
    return true;
}

static int term_cmp_bytes(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
    int c = memcmp(a, b, PDX_MIN(al, bl));
    return c ? c : (al > bl) - (al < bl);
}

/* Flushes the buffered block of the list encoder: block data, one skip
 * entry, and the block's positions to the positions file. */
static int enc_flush_block(pdx_writer *w, list_enc *e, FILE *posf, uint32_t min_len)
{
    if (!e->n)
        return PDX_OK;
    uint32_t max_tf = 0;
    size_t doc_off = e->data.len;
    uint32_t prev = e->df ? e->last_doc : 0;
    for (uint32_t i = 0; i < e->n; i++) {
        pdx_buf_put_varint(&e->data, e->docs[i] - prev);
        prev = e->docs[i];
    }
    for (uint32_t i = 0; i < e->n; i++) {
        pdx_buf_put_varint(&e->data, e->tfs[i]);
        max_tf = PDX_MAX(max_tf, e->tfs[i]);
    }
    pdx_buf_put_u32(&e->skip, e->docs[e->n - 1]);
    pdx_buf_put_u32(&e->skip, (uint32_t)doc_off);
    pdx_buf_put_u32(&e->skip, (uint32_t)e->pos_len);
    pdx_buf_put_u32(&e->skip, max_tf);
    pdx_buf_put_u32(&e->skip, min_len);
    if (e->blockpos.err)
        return oom(w);
    if (fwrite(e->blockpos.data, 1, e->blockpos.len, posf) != e->blockpos.len)
        return set_err(w, PDX_EIO, "%s: writing positions failed: %s", w->tmp_prefix,
                       strerror(errno));
    e->pos_len += e->blockpos.len;
    pdx_buf_reset(&e->blockpos);
    e->df += e->n;
    e->last_doc = e->docs[e->n - 1];
    e->max_tf = PDX_MAX(e->max_tf, max_tf);
    e->n = 0;
    return PDX_OK;
}

typedef struct merge_ctx {
    pdx_writer *w;
    const uint32_t *remap;  /* temporary id -> final id, UINT32_MAX if deleted */
    const uint32_t *final_len; /* final id * 3 + field -> field length */
    FILE *posf;             /* positions temp file */
    uint64_t pos_total;     /* bytes in posf */
    list_enc enc;
    uint32_t block_min_len;
} merge_ctx;

/* Encodes the lists of one field of one term from several runs into the
 * encoder; returns the number of documents (0 if all were deleted). */
static int merge_field(merge_ctx *m, run **rs, unsigned nr, unsigned field, uint64_t *df_out)
{
    pdx_writer *w = m->w;
    list_enc *e = &m->enc;
    e->n = 0;
    e->df = 0;
    e->max_tf = 0;
    e->min_len = UINT32_MAX;
    e->pos_base = m->pos_total;
    e->pos_len = 0;
    e->last_doc = 0;
    pdx_buf_reset(&e->skip);
    pdx_buf_reset(&e->data);
    pdx_buf_reset(&e->blockpos);
    m->block_min_len = UINT32_MAX;
    for (unsigned k = 0; k < nr; k++) {
        run *r = rs[k];
        if (!(r->fields & (1u << field)))
            continue;
        const uint8_t *p = r->lists;
        uint64_t df = 0, nbytes = 0;
        for (unsigned f = 0; f < PDX_NFIELDS; f++) {
            if (!(r->fields & (1u << f)))
                continue;
            if (!pdx_get_varint(&p, r->end, &df) || !pdx_get_varint(&p, r->end, &nbytes))
                return set_err(w, PDX_EIO, "%s: sorted run is corrupt", w->tmp_prefix);
            if (f == field)
                break;
            p += nbytes;
        }
        const uint8_t *end = p + nbytes;
        uint64_t doc1 = 0;
        for (uint64_t i = 0; i < df; i++) {
            uint64_t gap, tf, g;
            if (!pdx_get_varint(&p, end, &gap) || !pdx_get_varint(&p, end, &tf))
                return set_err(w, PDX_EIO, "%s: sorted run is corrupt", w->tmp_prefix);
            doc1 += gap;
            uint32_t nd = m->remap[doc1 - 1];
            for (uint64_t j = 0; j < tf; j++) {
                if (!pdx_get_varint(&p, end, &g))
                    return set_err(w, PDX_EIO, "%s: sorted run is corrupt", w->tmp_prefix);
                if (nd != UINT32_MAX)
                    pdx_buf_put_varint(&e->blockpos, g);
            }
            if (nd == UINT32_MAX)
                continue;
            uint32_t len = m->final_len[(size_t)nd * PDX_NFIELDS + field];
            e->docs[e->n] = nd;
            e->tfs[e->n] = (uint32_t)tf;
            e->n++;
            m->block_min_len = PDX_MIN(m->block_min_len, len);
            e->min_len = PDX_MIN(e->min_len, len);
            if (e->n == PDX_BLOCK_SIZE) {
                if (enc_flush_block(w, e, m->posf, m->block_min_len))
                    return w->err;
                m->block_min_len = UINT32_MAX;
            }
        }
    }
    if (e->n && enc_flush_block(w, e, m->posf, m->block_min_len))
        return w->err;
    if (e->skip.err || e->data.err || e->blockpos.err)
        return oom(w);
    m->pos_total += e->pos_len;
    *df_out = e->df;
    return PDX_OK;
}

static int map_run(pdx_writer *w, const char *path, run *r)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0)
            close(fd);
        return set_err(w, PDX_EIO, "%s: cannot reopen sorted run: %s", path, strerror(errno));
    }
    memset(r, 0, sizeof *r);
    if (st.st_size > 0) {
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) {
            close(fd);
            return set_err(w, PDX_EIO, "%s: cannot map sorted run: %s", path, strerror(errno));
        }
        madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
        r->map = m;
        r->map_len = (size_t)st.st_size;
        r->p = m;
        r->released = r->p;
        r->end = r->p + st.st_size;
    }
    close(fd);
    return PDX_OK;
}

static int copy_file_into(pdx_writer *w, outfile *o, FILE *src, uint64_t len)
{
    if (fflush(src) != 0 || fseeko(src, 0, SEEK_SET) != 0)
        return set_err(w, PDX_EIO, "%s: temporary file: %s", w->tmp_prefix, strerror(errno));
    uint8_t buf[1 << 16];
    while (len) {
        size_t k = fread(buf, 1, PDX_MIN(len, sizeof buf), src);
        if (k == 0)
            return set_err(w, PDX_EIO, "%s: reading a temporary file failed", w->tmp_prefix);
        if (out_write(w, o, buf, k))
            return w->err;
        len -= k;
    }
    return PDX_OK;
}

static void build_hash_section(pdx_buf *b, uint32_t n_items, const uint64_t *hashes)
{
    uint32_t slots = 16;
    while (slots < 2 * (uint64_t)n_items)
        slots *= 2;
    pdx_buf_put_u32(b, slots);
    pdx_buf_put_u32(b, 0);
    size_t base = b->len;
    if (!pdx_buf_reserve(b, (size_t)slots * PDX_HASH_SLOT_SIZE))
        return;
    memset(b->data + base, 0, (size_t)slots * PDX_HASH_SLOT_SIZE);
    b->len += (size_t)slots * PDX_HASH_SLOT_SIZE;
    for (uint32_t i = 0; i < n_items; i++) {
        uint32_t k = (uint32_t)hashes[i] & (slots - 1);
        while (pdx_get_u32(b->data + base + (size_t)k * PDX_HASH_SLOT_SIZE))
            k = (k + 1) & (slots - 1);
        uint8_t *e = b->data + base + (size_t)k * PDX_HASH_SLOT_SIZE;
        pdx_put_u32(e, i + 1);
        pdx_put_u32(e + 4, (uint32_t)(hashes[i] >> 32));
    }
}

static int fsync_dir_of(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return -1;
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(copy);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* The body of commit; cleanup is the caller's. */
static int commit_body(pdx_writer *w, pdx_write_stats *st, outfile *o, char *tmp_index,
                       run *runs, uint32_t *remap, uint32_t *final_len, uint32_t n_runs)
{
    /* Final document ids: live documents in the order they were added. */
    uint32_t n_final = 0;
    uint64_t sum_len[PDX_NFIELDS] = {0};
    int32_t min_date = 0, max_date = 0;
    uint32_t max_votes = 0;
    for (uint32_t i = 0; i < w->n_docs; i++) {
        const mdoc *d = &w->docs[i];
        if (d->deleted) {
            remap[i] = UINT32_MAX;
            continue;
        }
        for (unsigned f = 0; f < PDX_NFIELDS; f++) {
            final_len[(size_t)n_final * PDX_NFIELDS + f] = d->len[f];
            sum_len[f] += d->len[f];
        }
        if (d->votes != PDX_VOTES_NONE && d->votes > max_votes)
            max_votes = d->votes;
        if (d->date) {
            if (!min_date || d->date < min_date)
                min_date = d->date;
            if (d->date > max_date)
                max_date = d->date;
        }
        remap[i] = n_final++;
    }

    o->fd = open(tmp_index, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (o->fd < 0)
        return set_err(w, PDX_EIO, "%s: cannot create: %s", tmp_index, strerror(errno));
    section_entry tab[PDX_SEC_COUNT];
    unsigned ntab = 0;
    uint8_t header[PDX_HEADER_SIZE] = {0};
    if (out_write(w, o, header, sizeof header))
        return w->err;

    /* STORED: copy live records, noting their new offsets. */
    uint64_t *new_off = malloc((size_t)(n_final ? n_final : 1) * sizeof *new_off);
    if (!new_off)
        return oom(w);
    out_begin(o);
    if (fflush(w->stored) != 0) {
        free(new_off);
        return set_err(w, PDX_EIO, "%s: %s", w->stored_path, strerror(errno));
    }
    {
        pdx_buf rec = {0};
        uint64_t off = 0;
        for (uint32_t i = 0; i < w->n_docs && !w->err; i++) {
            const mdoc *d = &w->docs[i];
            if (d->deleted)
                continue;
            pdx_buf_reset(&rec);
            if (!pdx_buf_reserve(&rec, d->stored_len)) {
                oom(w);
                break;
            }
            if (pread(fileno(w->stored), rec.data, d->stored_len, (off_t)d->stored_off) !=
                (ssize_t)d->stored_len) {
                set_err(w, PDX_EIO, "%s: reading stored fields failed", w->stored_path);
                break;
            }
            new_off[remap[i]] = off;
            off += d->stored_len;
            out_write(w, o, rec.data, d->stored_len);
        }
        pdx_buf_free(&rec);
    }
    if (w->err || out_end(w, o, PDX_SEC_STORED, tab, &ntab)) {
        free(new_off);
        return w->err;
    }

    /* POSTINGS, merging the runs; positions go to a temp file. */
    merge_ctx m = {.w = w, .remap = remap, .final_len = final_len};
    size_t pn = strlen(w->tmp_prefix) + 16;
    char *pos_path = malloc(pn);
    if (!pos_path) {
        free(new_off);
        return oom(w);
    }
    snprintf(pos_path, pn, "%s.pos", w->tmp_prefix);
    m.posf = fopen(pos_path, "w+be");
    unlink(pos_path); /* anonymous from now on: nothing to clean up */
    free(pos_path);
    if (!m.posf) {
        free(new_off);
        return set_err(w, PDX_EIO, "%s: cannot create positions file: %s", w->tmp_prefix,
                       strerror(errno));
    }
    pdx_buf terms = {0}, termstr = {0}, lists = {0};
    uint64_t *term_hashes = NULL;
    size_t cap_hashes = 0;
    uint32_t n_terms = 0;
    uint64_t n_postings = 0;
    out_begin(o);
    uint64_t post_start = o->off;
    for (uint32_t k = 0; k < n_runs; k++)
        if (!run_next_term(&runs[k]))
            set_err(w, PDX_EIO, "%s: sorted run is corrupt", w->tmp_prefix);
    run **cur = malloc((size_t)(n_runs ? n_runs : 1) * sizeof *cur);
    if (!cur)
        oom(w);
    while (!w->err) {
        /* The smallest current term and the runs holding it, in order. */
        const uint8_t *t = NULL;
        size_t tl = 0;
        for (uint32_t k = 0; k < n_runs; k++) {
            if (runs[k].term &&
                (!t || term_cmp_bytes(runs[k].term, runs[k].term_len, t, tl) < 0)) {
                t = runs[k].term;
                tl = runs[k].term_len;
            }
        }
        if (!t)
            break;
        unsigned nr = 0;
        for (uint32_t k = 0; k < n_runs; k++)
            if (runs[k].term && term_cmp_bytes(runs[k].term, runs[k].term_len, t, tl) == 0)
                cur[nr++] = &runs[k];
        uint8_t fields = 0;
        pdx_buf_reset(&lists);
        for (unsigned f = 0; f < PDX_NFIELDS && !w->err; f++) {
            uint64_t df = 0;
            if (merge_field(&m, cur, nr, f, &df) || df == 0)
                continue;
            fields |= (uint8_t)(1u << f);
            n_postings += df;
            pdx_buf_put_varint(&lists, df);
            pdx_buf_put_varint(&lists, m.enc.max_tf);
            pdx_buf_put_varint(&lists, m.enc.min_len);
            pdx_buf_put_varint(&lists, m.enc.pos_base);
            pdx_buf_put_varint(&lists, m.enc.data.len);
            /* A one-block list needs no skip table: its header has the
             * block's bounds and the block starts at offset 0. */
            if (df > PDX_BLOCK_SIZE)
                pdx_buf_append(&lists, m.enc.skip.data, m.enc.skip.len);
            pdx_buf_append(&lists, m.enc.data.data, m.enc.data.len);
        }
        if (fields && !w->err) {
            pdx_buf_put_u32(&terms, (uint32_t)termstr.len);
            pdx_buf_putc(&terms, (uint8_t)tl);
            pdx_buf_putc(&terms, fields);
            pdx_buf_put_u16(&terms, 0);
            pdx_buf_put_u64(&terms, o->off - post_start);
            pdx_buf_append(&termstr, t, tl);
            if (n_terms == cap_hashes) {
                cap_hashes = cap_hashes ? cap_hashes * 2 : 4096;
                uint64_t *nh = realloc(term_hashes, cap_hashes * sizeof *nh);
                if (!nh) {
                    oom(w);
                    break;
                }
                term_hashes = nh;
            }
            term_hashes[n_terms++] = pdx_hash(t, tl);
            out_buf(w, o, &lists);
        }
        for (unsigned k = 0; k < nr; k++)
            if (!run_next_term(cur[k]))
                set_err(w, PDX_EIO, "%s: sorted run is corrupt", w->tmp_prefix);
    }
    free(cur);
    pdx_buf_free(&lists);
    pdx_buf_free(&m.enc.skip);
    pdx_buf_free(&m.enc.data);
    pdx_buf_free(&m.enc.blockpos);
    if (!w->err)
        out_end(w, o, PDX_SEC_POSTINGS, tab, &ntab);
    if (!w->err) {
        out_begin(o);
        copy_file_into(w, o, m.posf, m.pos_total);
        out_end(w, o, PDX_SEC_POSITIONS, tab, &ntab);
    }
    fclose(m.posf);
    if (!w->err) {
        out_begin(o);
        out_buf(w, o, &terms);
        out_end(w, o, PDX_SEC_TERMS, tab, &ntab);
        out_begin(o);
        out_buf(w, o, &termstr);
        out_end(w, o, PDX_SEC_TERMSTR, tab, &ntab);
    }
    pdx_buf_free(&terms);
    pdx_buf_free(&termstr);
    pdx_buf hb = {0};
    if (!w->err) {
        build_hash_section(&hb, n_terms, term_hashes);
        out_begin(o);
        out_buf(w, o, &hb);
        out_end(w, o, PDX_SEC_TERMHASH, tab, &ntab);
    }
    free(term_hashes);

    /* DOCS and IDHASH */
    uint64_t *id_hashes = malloc((size_t)(n_final ? n_final : 1) * sizeof *id_hashes);
    if (!id_hashes)
        oom(w);
    if (!w->err) {
        out_begin(o);
        uint8_t rec[PDX_DOC_RECORD_SIZE];
        for (uint32_t i = 0; i < w->n_docs && !w->err; i++) {
            const mdoc *d = &w->docs[i];
            if (d->deleted)
                continue;
            pdx_put_u32(rec, (uint32_t)d->date);
            pdx_put_u32(rec + 4, d->votes);
            for (unsigned f = 0; f < PDX_NFIELDS; f++)
                pdx_put_u32(rec + 8 + 4 * f, d->len[f]);
            pdx_put_u32(rec + 20, d->stored_len);
            pdx_put_u64(rec + 24, new_off[remap[i]]);
            out_write(w, o, rec, sizeof rec);
            id_hashes[remap[i]] = pdx_hash(w->id_arena.data + d->id_off, d->id_len);
        }
        out_end(w, o, PDX_SEC_DOCS, tab, &ntab);
    }
    free(new_off);
    if (!w->err) {
        pdx_buf_reset(&hb);
        build_hash_section(&hb, n_final, id_hashes);
        out_begin(o);
        out_buf(w, o, &hb);
        out_end(w, o, PDX_SEC_IDHASH, tab, &ntab);
    }
    free(id_hashes);
    pdx_buf_free(&hb);

    /* META */
    if (!w->err) {
        pdx_buf meta = {0};
        pdx_buf_put_u32(&meta, PDX_TOKENIZER_VERSION);
        pdx_buf_put_u32(&meta, PDX_HASH_ID_XXH3_64);
        pdx_buf_put_u32(&meta, n_final);
        pdx_buf_put_u32(&meta, n_terms);
        pdx_buf_put_u32(&meta, PDX_NFIELDS);
        pdx_buf_put_u32(&meta, PDX_BLOCK_SIZE);
        for (unsigned f = 0; f < PDX_NFIELDS; f++)
            pdx_buf_put_u64(&meta, sum_len[f]);
        pdx_buf_put_u32(&meta, (uint32_t)min_date);
        pdx_buf_put_u32(&meta, (uint32_t)max_date);
        pdx_buf_put_u64(&meta, (uint64_t)time(NULL));
        pdx_buf_put_u64(&meta, n_postings);
        pdx_buf_put_u32(&meta, max_votes);
        pdx_buf_put_u32(&meta, 0);
        const char *stem = pdx_tokenizer_stemmer_name(), *uni = pdx_tokenizer_unicode_version();
        pdx_buf_put_str(&meta, stem, strlen(stem));
        pdx_buf_put_str(&meta, uni, strlen(uni));
        pdx_buf_put_str(&meta, "paperdex " PDX_VERSION_STRING, strlen("paperdex " PDX_VERSION_STRING));
        out_begin(o);
        out_buf(w, o, &meta);
        out_end(w, o, PDX_SEC_META, tab, &ntab);
        pdx_buf_free(&meta);
    }
    if (w->err)
        return w->err;

    /* Section table, footer, then the header that points at them. */
    uint64_t table_off = o->off;
    uint8_t tb[PDX_SEC_COUNT * PDX_SECTION_ENTRY_SIZE + 8];
    for (unsigned i = 0; i < ntab; i++) {
        uint8_t *e = tb + i * PDX_SECTION_ENTRY_SIZE;
        pdx_put_u32(e, tab[i].id);
        pdx_put_u32(e + 4, 0);
        pdx_put_u64(e + 8, tab[i].off);
        pdx_put_u64(e + 16, tab[i].len);
        pdx_put_u64(e + 24, tab[i].sum);
    }
    pdx_put_u64(tb + ntab * PDX_SECTION_ENTRY_SIZE, pdx_hash(tb, ntab * PDX_SECTION_ENTRY_SIZE));
    out_write(w, o, tb, ntab * PDX_SECTION_ENTRY_SIZE + 8);
    uint64_t file_size = o->off + PDX_FOOTER_SIZE;

    memcpy(header + PDX_HDR_MAGIC, PDX_MAGIC, PDX_MAGIC_LEN);
    pdx_put_u32(header + PDX_HDR_VERSION, PDX_FORMAT_VERSION);
    pdx_put_u32(header + PDX_HDR_BOM, PDX_BYTE_ORDER_MARK);
    pdx_put_u32(header + PDX_HDR_HEADER_SIZE, PDX_HEADER_SIZE);
    pdx_put_u32(header + PDX_HDR_NSECTIONS, ntab);
    pdx_put_u64(header + PDX_HDR_TABLE_OFF, table_off);
    pdx_put_u64(header + PDX_HDR_FILE_SIZE, file_size);
    pdx_put_u32(header + PDX_HDR_HASH_ID, PDX_HASH_ID_XXH3_64);
    uint64_t hsum = pdx_hash(header, PDX_HDR_CHECKSUM);
    pdx_put_u64(header + PDX_HDR_CHECKSUM, hsum);

    uint8_t footer[PDX_FOOTER_SIZE] = {0};
    memcpy(footer + PDX_FTR_MAGIC, PDX_FOOTER_MAGIC, 8);
    pdx_put_u64(footer + PDX_FTR_FILE_SIZE, file_size);
    pdx_put_u64(footer + PDX_FTR_HDR_SUM, hsum);
    pdx_put_u64(footer + PDX_FTR_CHECKSUM, pdx_hash(footer, PDX_FTR_CHECKSUM));
    out_write(w, o, footer, sizeof footer);
    if (w->err || out_flush(w, o))
        return w->err;
    if (pwrite(o->fd, header, sizeof header, 0) != (ssize_t)sizeof header)
        return set_err(w, PDX_EIO, "%s: write failed: %s", tmp_index, strerror(errno));
    if (fsync(o->fd) != 0)
        return set_err(w, PDX_EIO, "%s: fsync failed: %s", tmp_index, strerror(errno));
    if (close(o->fd) != 0) {
        o->fd = -1;
        return set_err(w, PDX_EIO, "%s: close failed: %s", tmp_index, strerror(errno));
    }
    o->fd = -1;
    if (rename(tmp_index, w->path) != 0)
        return set_err(w, PDX_EIO, "%s: cannot replace the index: %s", w->path, strerror(errno));
    fsync_dir_of(w->path); /* best effort: some file systems refuse it */

    if (st) {
        st->papers = n_final;
        st->duplicates = w->duplicates;
        st->terms = n_terms;
        st->postings = n_postings;
        st->bytes = file_size;
        st->runs = n_runs;
    }
    return PDX_OK;
}

int pdx_writer_commit(pdx_writer *w, pdx_write_stats *st)
{
    if (w->err)
        return w->err;
    if (w->committed)
        return set_err(w, PDX_EINVAL, "%s: writer already committed", w->path);
    uint32_t live = 0;
    for (uint32_t i = 0; i < w->n_docs; i++)
        live += !w->docs[i].deleted;
    if (live == 0)
        return set_err(w, PDX_EINVAL, "%s: no papers to index; the index was not written",
                       w->path);

    /* The last run stays in memory. */
    if (serialize_run(w, &w->last_run, NULL))
        return w->err;
    uint32_t n_runs = w->n_runs + 1;
    run *runs = calloc(n_runs, sizeof *runs);
    uint32_t *remap = malloc((size_t)w->n_docs * sizeof *remap);
    uint32_t *final_len = malloc((size_t)live * PDX_NFIELDS * sizeof *final_len);
    size_t tn = strlen(w->tmp_prefix) + 8;
    char *tmp_index = malloc(tn);
    outfile o = {.fd = -1, .cap = 1 << 20};
    o.buf = malloc(o.cap);
    o.hs = XXH3_createState();
    if (o.hs)
        XXH3_64bits_reset(o.hs);
    int rc = PDX_OK;
    if (!runs || !remap || !final_len || !tmp_index || !o.buf || !o.hs) {
        rc = oom(w);
    } else {
        snprintf(tmp_index, tn, "%s.idx", w->tmp_prefix);
        for (uint32_t k = 0; k < w->n_runs && !rc; k++)
            rc = map_run(w, w->run_paths[k], &runs[k]);
        runs[w->n_runs].p = w->last_run.data;
        runs[w->n_runs].end = w->last_run.data + w->last_run.len;
        if (!rc)
            rc = commit_body(w, st, &o, tmp_index, runs, remap, final_len, n_runs);
    }
    if (o.fd >= 0)
        close(o.fd);
    if (rc && tmp_index)
        unlink(tmp_index);
    if (runs)
        for (uint32_t k = 0; k < n_runs; k++)
            if (runs[k].map)
                munmap(runs[k].map, runs[k].map_len);
    free(runs);
    free(remap);
    free(final_len);
    free(tmp_index);
    free(o.buf);
    if (o.hs)
        XXH3_freeState(o.hs);
    pdx_buf_free(&w->last_run);
    if (!rc)
        w->committed = true;
    return rc;
}

void pdx_writer_free(pdx_writer *w)
{
    if (!w)
        return;
    for (uint32_t k = 0; k < w->n_runs; k++) {
        unlink(w->run_paths[k]);
        free(w->run_paths[k]);
    }
    free(w->run_paths);
    if (w->stored)
        fclose(w->stored);
    if (w->stored_path)
        unlink(w->stored_path);
    free(w->stored_path);
    for (uint32_t i = 0; i < w->n_terms; i++)
        for (unsigned f = 0; f < PDX_NFIELDS; f++)
            pdx_buf_free(&w->terms[i].f[f].b);
    free(w->terms);
    free(w->slots);
    pdx_buf_free(&w->term_arena);
    free(w->scratch);
    free(w->docs);
    pdx_buf_free(&w->id_arena);
    free(w->id_slots);
    pdx_buf_free(&w->rec);
    pdx_buf_free(&w->last_run);
    pdx_tokenizer_free(w->tk);
    free(w->path);
    free(w->tmp_prefix);
    free(w);
}
