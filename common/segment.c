/*
 * Opening a segment and the random-access lookups on it: terms, documents,
 * stored fields. Layout: format.h and docs/FORMAT.md.
 *
 * Opening is O(1) in the file size: it refuses anything but a regular file
 * (without blocking on a FIFO), maps the file and checks header, section
 * table, footer and META. Everything else is checked on the way as
 * queries touch it (every read is bounds-checked against its section), and
 * in full by pdx_index_check() (check.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paperdex/tokenizer.h"
#include "segment.h"

static void vset_msg(pdx_index *ix, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
static void vset_msg(pdx_index *ix, const char *fmt, va_list ap)
{
    int n = snprintf(ix->errmsg, sizeof ix->errmsg, "%s: ", ix->path ? ix->path : "index");
    if (n < 0 || (size_t)n >= sizeof ix->errmsg)
        return;
    vsnprintf(ix->errmsg + n, sizeof ix->errmsg - (size_t)n, fmt, ap);
}

int pdx_index_corrupt(pdx_index *ix, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset_msg(ix, fmt, ap);
    va_end(ap);
    return PDX_ECORRUPT;
}

int pdx_index_error(pdx_index *ix, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset_msg(ix, fmt, ap);
    va_end(ap);
    return code;
}

const char *pdx_index_errmsg(const pdx_index *ix)
{
    return ix ? ix->errmsg : "";
}

static const char *const section_names[] = {"?",        "META",      "TERMS", "TERMSTR",
                                            "TERMHASH", "POSTINGS",  "POSITIONS",
                                            "DOCS",     "STORED",    "IDHASH",
                                            "LEXICON" /* the manifest's, for --info */};

const char *pdx_section_name(unsigned id)
{
    return id <= PDX_SEC_COUNT + 1 ? section_names[id] : "?";
}

/* Reads "varint length + bytes" at *p within [*, end) into a NUL-terminated
 * malloc'd copy. */
static int meta_string(pdx_index *ix, const uint8_t **p, const uint8_t *end, char **out)
{
    uint64_t n;
    if (!pdx_get_varint(p, end, &n) || n > (uint64_t)(end - *p) || n > 256)
        return pdx_index_corrupt(ix, "META: bad string");
    char *s = malloc(n + 1);
    if (!s)
        return PDX_ENOMEM;
    memcpy(s, *p, n);
    s[n] = 0;
    *p += n;
    *out = s;
    return PDX_OK;
}

static int read_meta(pdx_index *ix)
{
    const pdx_section *m = &ix->sec[PDX_SEC_META];
    if (m->len < PDX_META_STRINGS)
        return pdx_index_corrupt(ix, "META: section too short (%llu bytes)",
                                 (unsigned long long)m->len);
    if (pdx_hash(m->p, m->len) != m->sum)
        return pdx_index_corrupt(ix, "META: checksum mismatch");
    const uint8_t *p = m->p;
    ix->tokenizer_version = pdx_get_u32(p + PDX_META_TOKENIZER_VERSION);
    ix->n_docs = pdx_get_u32(p + PDX_META_NDOCS);
    ix->n_terms = pdx_get_u32(p + PDX_META_NTERMS);
    for (int f = 0; f < PDX_NFIELDS; f++)
        ix->sum_len[f] = pdx_get_u64(p + PDX_META_SUM_LEN + 8 * f);
    ix->min_date = (int32_t)pdx_get_u32(p + PDX_META_MIN_DATE);
    ix->max_date = (int32_t)pdx_get_u32(p + PDX_META_MAX_DATE);
    ix->created = pdx_get_u64(p + PDX_META_CREATED);
    ix->n_postings = pdx_get_u64(p + PDX_META_NPOSTINGS);
    ix->max_votes = pdx_get_u32(p + PDX_META_MAX_VOTES);
    if (pdx_get_u32(p + PDX_META_RESERVED) != 0 || ix->max_votes == PDX_VOTES_NONE)
        return pdx_index_corrupt(ix, "META: bad reserved field or vote maximum");
    if (pdx_get_u32(p + PDX_META_HASH_ID) != PDX_HASH_ID_XXH3_64)
        return pdx_index_corrupt(ix, "META: unexpected hash id");
    /* The META checksum held, so these were written on purpose: by a
     * paperdex built with other layout constants, not by damage. */
    uint32_t nfields = pdx_get_u32(p + PDX_META_NFIELDS);
    uint32_t block = pdx_get_u32(p + PDX_META_BLOCK_SIZE);
    if (nfields != PDX_NFIELDS || block != PDX_BLOCK_SIZE)
        return pdx_index_error(ix, PDX_EVERSION,
                               "built by another version of paperdex (%u fields, blocks of "
                               "%u; this one uses %u and %u): rebuild the index",
                               nfields, block, PDX_NFIELDS, PDX_BLOCK_SIZE);
    const uint8_t *s = p + PDX_META_STRINGS, *end = p + m->len;
    int rc;
    if ((rc = meta_string(ix, &s, end, &ix->stemmer)) ||
        (rc = meta_string(ix, &s, end, &ix->unicode_version)) ||
        (rc = meta_string(ix, &s, end, &ix->generator)))
        return rc;
    if (s != end)
        return pdx_index_corrupt(ix, "META: %zu bytes after the last field", (size_t)(end - s));

    /* An index whose terms this build would not reproduce is refused: the
     * query terms would silently miss. */
    if (ix->tokenizer_version != PDX_TOKENIZER_VERSION)
        return pdx_index_error(ix, PDX_EVERSION,
                               "built with tokenizer version %u, this paperdex uses %u: "
                               "rebuild the index",
                               ix->tokenizer_version, PDX_TOKENIZER_VERSION);
    if (strcmp(ix->stemmer, pdx_tokenizer_stemmer_name()) != 0)
        return pdx_index_error(ix, PDX_EVERSION,
                               "built with stemmer '%s', this paperdex uses '%s': rebuild "
                               "the index",
                               ix->stemmer, pdx_tokenizer_stemmer_name());
    if (strcmp(ix->unicode_version, pdx_tokenizer_unicode_version()) != 0)
        return pdx_index_error(ix, PDX_EVERSION,
                               "built with Unicode %s, this paperdex's utf8proc has %s: "
                               "rebuild the index",
                               ix->unicode_version, pdx_tokenizer_unicode_version());

    /* Sizes of the fixed-width sections follow from the counts. */
    if (ix->sec[PDX_SEC_TERMS].len != (uint64_t)ix->n_terms * PDX_TERM_RECORD_SIZE)
        return pdx_index_corrupt(ix, "TERMS: length does not match %u terms", ix->n_terms);
    if (ix->sec[PDX_SEC_DOCS].len !=
        (uint64_t)ix->n_docs * (PDX_DOC_RECORD_SIZE + PDX_DOC_ROW_SIZE))
        return pdx_index_corrupt(ix, "DOCS: length does not match %u documents", ix->n_docs);
    for (int f = 0; f < PDX_NFIELDS; f++) {
        double avg = ix->n_docs ? (double)ix->sum_len[f] / ix->n_docs : 1.0;
        ix->avg_len[f] = avg > 0 ? avg : 1.0;
    }
    return PDX_OK;
}

/* A hash table is u32 n_slots (a power of two), u32 zero, n_slots x 8
 * bytes. Its slot count, from its section's length alone: the
 * open reads no byte of the table (a one-shot search would fault its first
 * page in for nothing; its header words are --check's, check.c). */
static int hash_table_size(pdx_index *ix, unsigned id, uint32_t *slots)
{
    const pdx_section *s = &ix->sec[id];
    uint64_t n = s->len > 8 ? (s->len - 8) / PDX_HASH_SLOT_SIZE : 0;
    if (n == 0 || n > UINT32_MAX || (n & (n - 1)) != 0 ||
        s->len != 8 + n * PDX_HASH_SLOT_SIZE)
        return pdx_index_corrupt(ix, "%s: %llu bytes is no hash table's length",
                                 pdx_section_name(id), (unsigned long long)s->len);
    *slots = (uint32_t)n;
    return PDX_OK;
}


const pdx_frame_kind pdx_segment_kind = {PDX_MAGIC, PDX_FORMAT_VERSION, PDX_SEC_COUNT,
                                         section_names};

/* Header, footer and section table (frame.c, shared with the manifest). */
static int check_frame(pdx_index *ix)
{
    char msg[PDX_MSG_MAX];
    int rc = pdx_frame_read(ix->map, ix->size, &pdx_segment_kind, ix->sec, &ix->format_version,
                            msg, sizeof msg);
    return rc ? pdx_index_error(ix, rc, "%s", msg) : PDX_OK;
}

/* Opens path for reading, refusing anything but a regular file. O_NONBLOCK
 * makes opening a FIFO return at once instead of waiting for a writer (and
 * a device not wait for a carrier); it has no effect on a regular file's
 * reads, so it is not cleared. O_NOCTTY keeps a terminal from becoming the
 * controlling one. A socket cannot be opened at all (ENXIO): stat then
 * says what it is. */
int pdx_open_regular(pdx_index *ix, const char *path, int *fd_out, struct stat *st)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    *fd_out = fd;
    if (fd < 0 || fstat(fd, st) != 0) {
        int e = errno;
        if (fd < 0 && stat(path, st) == 0 && !S_ISREG(st->st_mode))
            return pdx_index_error(ix, PDX_ENOTINDEX, "not a regular file (%s)",
                                   pdx_file_kind(st->st_mode));
        return pdx_index_error(ix, e == ENOENT ? PDX_ENOTFOUND : PDX_EIO, "cannot open: %s",
                               strerror(e));
    }
    if (!S_ISREG(st->st_mode))
        return pdx_index_error(ix, PDX_ENOTINDEX, "not a regular file (%s)",
                               pdx_file_kind(st->st_mode));
    return PDX_OK;
}

/* Maps the open file fd of `size` bytes and checks what opening checks:
 * header, table, footer, META and hash table sizes. */
int pdx_map_segment(pdx_index *ix, int fd, int64_t size)
{
    if (size < PDX_HEADER_SIZE) {
        /* Too short to map a header: only the magic number tells a
         * truncated index from some other small file. */
        char magic[PDX_MAGIC_LEN];
        bool ours = size >= PDX_MAGIC_LEN && pread(fd, magic, PDX_MAGIC_LEN, 0) == PDX_MAGIC_LEN &&
                    memcmp(magic, PDX_MAGIC, PDX_MAGIC_LEN) == 0;
        return ours ? pdx_index_corrupt(ix, "truncated: %lld bytes", (long long)size)
                    : pdx_index_error(ix, PDX_ENOTINDEX, "not a paperdex index (%lld bytes)",
                                      (long long)size);
    }
    void *m = mmap(NULL, (size_t)size, PROT_READ, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED)
        return pdx_index_error(ix, PDX_EIO, "cannot map: %s", strerror(errno));
    ix->map = m;
    ix->size = (uint64_t)size;
    int rc = check_frame(ix);
    if (!rc)
        rc = read_meta(ix);
    if (!rc)
        rc = hash_table_size(ix, PDX_SEC_TERMHASH, &ix->termhash_slots);
    if (!rc)
        rc = hash_table_size(ix, PDX_SEC_IDHASH, &ix->idhash_slots);
    return rc;
}

int pdx_segment_open(pdx_index **out, const char *path, char *errbuf, size_t errbuf_size)
{
    return pdx_segment_open_flags(out, path, PDX_OPEN_DEFAULT, errbuf, errbuf_size);
}

int pdx_segment_open_flags(pdx_index **out, const char *path, unsigned flags, char *errbuf,
                           size_t errbuf_size)
{
    *out = NULL;
    if (errbuf_size)
        errbuf[0] = 0;
    pdx_index *ix = calloc(1, sizeof *ix);
    if (!ix || !(ix->path = strdup(path))) {
        free(ix);
        if (errbuf_size)
            snprintf(errbuf, errbuf_size, "%s: out of memory", path);
        return PDX_ENOMEM;
    }
    int fd;
    struct stat st;
    int rc = pdx_open_regular(ix, path, &fd, &st);
    if (!rc) {
        ix->file_dev = (uint64_t)st.st_dev;
        ix->file_ino = (uint64_t)st.st_ino;
        ix->file_mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
        rc = pdx_map_segment(ix, fd, st.st_size);
        ix->n_live = ix->n_docs; /* alone, a segment has no deletions */
    }
    if (!rc && (flags & PDX_OPEN_ONESHOT)) {
        rc = pdx_cold_new(&ix->cold, fd); /* it owns fd now */
        fd = -1;
        if (rc)
            pdx_index_error(ix, rc, "out of memory");
    }
    if (fd >= 0)
        close(fd); /* the mapping keeps the file alive, even once replaced */
    if (rc) {
        if (errbuf_size)
            snprintf(errbuf, errbuf_size, "%s", ix->errmsg);
        pdx_index_close(ix);
        return rc;
    }
    ix->errmsg[0] = 0;
    *out = ix;
    return PDX_OK;
}

void pdx_index_close(pdx_index *ix)
{
    if (!ix)
        return;
    if (ix->map && !ix->map_borrowed)
        munmap((void *)ix->map, (size_t)ix->size);
    for (uint32_t i = 0; ix->segs && i < ix->n_segs; i++)
        pdx_index_close(ix->segs[i]);
    free(ix->segs);
    free(ix->base);
    if (!ix->map_borrowed)
        free(ix->deleted);
    pdx_manifest_free(&ix->manifest);
    if (ix->mf_bytes)
        munmap((void *)ix->mf_bytes, ix->mf_len);
    free(ix->stemmer);
    free(ix->unicode_version);
    free(ix->generator);
    free(ix->path);
    pdx_lexicon_free(ix->lexicon);
    pdx_cold_free(ix->cold);
    free(ix);
}

int pdx_index_lexicon(pdx_index *ix, const pdx_lexicon **out)
{
    *out = NULL;
    if (!ix->lexicon)
        return PDX_OK; /* an empty section */
    /* The lexicon's layout comes with the index's format version, so any
     * failure here, a version field included, is damage. */
    if (pdx_lexicon_error(ix->lexicon))
        return pdx_index_corrupt(ix, "LEXICON: %s", pdx_lexicon_errmsg(ix->lexicon));
    *out = ix->lexicon;
    return PDX_OK;
}

/* The figures of one segment's own sections. */
static void add_segment_info(const pdx_index *seg, pdx_index_info *out)
{
    out->terms += seg->n_terms;
    out->postings += seg->n_postings;
    out->file_size += seg->size;
    for (unsigned id = 1; id <= PDX_SEC_COUNT; id++)
        out->section_bytes[id - 1] += seg->sec[id].len;
}

void pdx_index_info_get(const pdx_index *ix, pdx_index_info *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    if (!ix)
        return;
    out->docs = ix->n_live;
    out->deleted = ix->n_docs - ix->n_live;
    out->segments = ix->n_segs;
    out->generation = ix->manifest.generation;
    out->min_date = ix->min_date;
    out->max_date = ix->max_date;
    out->format_version = ix->format_version;
    out->tokenizer_version = ix->tokenizer_version;
    out->stemmer = ix->stemmer;
    out->unicode_version = ix->unicode_version;
    out->generator = ix->generator;
    out->created = ix->created;
    for (int f = 0; f < PDX_NFIELDS; f++)
        out->avg_len[f] = ix->avg_len[f];
    if (!ix->n_segs)
        add_segment_info(ix, out);
    out->file_size += ix->mf_len;
    for (uint32_t i = 0; i < ix->n_segs; i++)
        add_segment_info(ix->segs[i], out);
    /* The lexicon is the manifest's (section_bytes' last entry, as when
     * it was a segment's section 10). */
    out->section_bytes[PDX_SEC_COUNT] = ix->manifest.lexicon_len;
    pdx_lexicon *lx = NULL;
    if (ix->manifest.lexicon_len &&
        pdx_lexicon_open(&lx, ix->manifest.lexicon, ix->manifest.lexicon_len) == PDX_OK) {
        out->lexicon_pairs = pdx_lexicon_count(lx);
        out->lexicon_min_support = pdx_lexicon_min_support(lx);
    }
    pdx_lexicon_free(lx);
}

int pdx_index_segment_info(const pdx_index *ix, uint32_t i, pdx_segment_info *out)
{
    if (!out)
        return PDX_EINVAL;
    memset(out, 0, sizeof *out);
    if (!ix || i >= ix->n_segs)
        return PDX_EINVAL;
    const pdx_index *seg = ix->segs[i];
    *out = (pdx_segment_info){
        .seq = seg->seq,
        .docs = seg->n_docs,
        .deleted = seg->n_deleted,
        .terms = seg->n_terms,
        .postings = seg->n_postings,
        .file_size = seg->size,
        .path = seg->path,
        .dev = seg->file_dev,
        .ino = seg->file_ino,
        .mtime_ns = seg->file_mtime_ns,
    };
    return PDX_OK;
}

/* ---- terms ---- */

int pdx_term_get(pdx_index *ix, uint32_t ord, pdx_term *out)
{
    if (ix->n_segs)
        return pdx_view_term_get(ix, ord, out);
    if (ord >= ix->n_terms)
        return pdx_index_corrupt(ix, "TERMS: ordinal %u out of range", ord);
    const uint8_t *r = ix->sec[PDX_SEC_TERMS].p + (size_t)ord * PDX_TERM_RECORD_SIZE;
    uint32_t off = pdx_get_u32(r);
    uint8_t len = r[4];
    const pdx_section *ts = &ix->sec[PDX_SEC_TERMSTR];
    if (len == 0 || len > PDX_MAX_TERM_BYTES || off > ts->len || len > ts->len - off)
        return pdx_index_corrupt(ix, "TERMS: term %u string out of range", ord);
    out->str = (const char *)ts->p + off;
    out->len = len;
    out->fields = r[5];
    out->post_off = pdx_get_u64(r + 8);
    if (out->fields == 0 || out->fields >= (1u << PDX_NFIELDS) ||
        out->post_off >= ix->sec[PDX_SEC_POSTINGS].len)
        return pdx_index_corrupt(ix, "TERMS: term %u has bad fields or postings offset", ord);
    return PDX_OK;
}

int pdx_term_field_dfs(pdx_index *ix, uint32_t ord, unsigned fields, uint64_t df[PDX_NFIELDS])
{
    for (unsigned f = 0; f < PDX_NFIELDS; f++)
        df[f] = 0;
    pdx_term t;
    int rc = pdx_term_get(ix, ord, &t);
    if (rc)
        return rc;
    /* the term's lists lie back to back in field order (pdx_term_list) */
    const uint8_t *p = ix->sec[PDX_SEC_POSTINGS].p + t.post_off;
    for (unsigned f = 0; f < PDX_NFIELDS && (fields >> f); f++) {
        if (!(t.fields & (1u << f)))
            continue;
        pdx_list_header h;
        if (pdx_list_header_read(ix, p, &h))
            break; /* nor can the lists after it be found */
        if (fields & (1u << f))
            df[f] = h.df;
        p = h.end;
    }
    return PDX_OK;
}

int pdx_term_df(pdx_index *ix, uint32_t ord, unsigned fields, uint64_t *out)
{
    if (ix->n_segs)
        return pdx_view_term_df(ix, ord, fields, out);
    uint64_t df[PDX_NFIELDS];
    int rc = pdx_term_field_dfs(ix, ord, fields, df);
    *out = 0;
    for (unsigned f = 0; f < PDX_NFIELDS; f++)
        *out += df[f];
    return rc;
}

/* The key stored for a hash-table value: a term's bytes or a document's
 * arXiv id. */
typedef int (*key_of_fn)(pdx_index *ix, uint32_t value, const char **key, size_t *len);

static int term_key(pdx_index *ix, uint32_t ord, const char **key, size_t *len)
{
    pdx_term t = {0}; /* gcc -O2 cannot tell that pdx_index_corrupt never returns 0 */
    int rc = pdx_term_get(ix, ord, &t);
    if (rc)
        return rc;
    *key = t.str;
    *len = t.len;
    return PDX_OK;
}

static int doc_key(pdx_index *ix, uint32_t doc, const char **key, size_t *len)
{
    pdx_stored st;
    int rc = pdx_stored_get(ix, doc, &st);
    if (rc)
        return rc;
    *key = st.id;
    *len = st.id_len;
    return PDX_OK;
}

/* Looks key up in a TERMHASH/IDHASH table (layout in format.h). Probing is
 * bounded by the slot count, so a corrupt table full of occupied slots
 * cannot loop. */
static int hash_lookup(pdx_index *ix, unsigned sec, uint32_t n_slots, key_of_fn key_of,
                       const char *key, size_t len, uint32_t *out)
{
    uint64_t h = pdx_hash(key, len);
    uint32_t mask = n_slots - 1, tag = (uint32_t)(h >> 32);
    const uint8_t *slots = ix->sec[sec].p + 8;
    for (uint32_t i = 0, s = (uint32_t)h & mask; i < n_slots; i++, s = (s + 1) & mask) {
        const uint8_t *e = slots + (size_t)s * PDX_HASH_SLOT_SIZE;
        uint32_t v = pdx_get_u32(e);
        if (v == 0)
            return PDX_ENOTFOUND;
        if (pdx_get_u32(e + 4) != tag)
            continue;
        const char *k;
        size_t kl;
        int rc = key_of(ix, v - 1, &k, &kl);
        if (rc)
            return rc;
        if (kl == len && memcmp(k, key, len) == 0) {
            *out = v - 1;
            return PDX_OK;
        }
    }
    return PDX_ENOTFOUND;
}

int pdx_term_find(pdx_index *ix, const char *term, size_t len, uint32_t *out)
{
    if (ix->n_segs)
        return pdx_view_term_find(ix, term, len, out);
    if (len == 0 || len > PDX_MAX_TERM_BYTES)
        return PDX_ENOTFOUND;
    return hash_lookup(ix, PDX_SEC_TERMHASH, ix->termhash_slots, term_key, term, len, out);
}

/* First ordinal whose term is >= key; with past_prefix, the first whose
 * term is > key and does not start with key (the end of key's prefix
 * range). */
static int term_lower_bound(pdx_index *ix, const char *key, size_t len, bool past_prefix,
                            uint32_t *out)
{
    uint32_t lo = 0, hi = ix->n_terms;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        pdx_term t = {0}; /* set by pdx_term_get; gcc -O3 cannot tell */
        int rc = pdx_term_get(ix, mid, &t);
        if (rc)
            return rc;
        bool before;
        if (past_prefix)
            before = pdx_term_cmp(t.str, PDX_MIN(t.len, len), key, len) <= 0;
        else
            before = pdx_term_cmp(t.str, t.len, key, len) < 0;
        if (before)
            lo = mid + 1;
        else
            hi = mid;
    }
    *out = lo;
    return PDX_OK;
}

int pdx_term_prefix(pdx_index *ix, const char *prefix, size_t len, uint32_t *first,
                    uint32_t *end)
{
    if (ix->n_segs > 1)
        return pdx_index_error(ix, PDX_EINVAL,
                               "a view of %u segments has no ordinal ranges: use "
                               "pdx_term_prefix_list",
                               ix->n_segs);
    int rc = term_lower_bound(ix, prefix, len, false, first);
    if (!rc)
        rc = term_lower_bound(ix, prefix, len, true, end);
    if (!rc && *end < *first)
        *end = *first;
    return rc;
}

/* ---- documents ---- */

/* A failed read of a cold cache (cold.h), named on ix. */
__attribute__((cold)) static int cold_error(pdx_index *ix, int rc, const char *section,
                                            uint32_t doc)
{
    if (rc == PDX_EIO)
        return pdx_index_error(ix, rc, "%s: cannot read document %u: %s", section, doc,
                               errno ? strerror(errno) : "the file is shorter than its header says");
    return pdx_index_error(ix, rc, "out of memory");
}

/* pdx_doc_get (scan false: through a one-shot handle's cold cache) and
 * pdx_doc_scan (scan true: through the mapping). */
static int doc_read(pdx_index *ix, uint32_t doc, pdx_doc *out, bool scan)
{
    if (ix->n_segs)
        return pdx_view_doc_get(ix, doc, out, scan);
    if (doc >= ix->n_docs)
        return pdx_index_corrupt(ix, "DOCS: document %u out of range", doc);
    const uint8_t *r = pdx_doc_record(ix, doc);
    uint8_t copy[PDX_DOC_RECORD_SIZE];
    if (ix->cold && !scan) {
        int rc = pdx_cold_record(ix->cold, doc, (uint64_t)(r - ix->map), copy);
        if (rc)
            return cold_error(ix, rc, "DOCS", doc);
        r = copy;
    }
    out->date = (int32_t)pdx_get_u32(r);
    uint32_t v = pdx_get_u32(r + 4);
    out->votes = v == PDX_VOTES_NONE ? PDX_VOTES_UNKNOWN : (int64_t)v;
    for (int f = 0; f < PDX_NFIELDS; f++)
        out->len[f] = pdx_get_u32(r + 8 + 4 * f);
    out->stored_len = pdx_get_u32(r + 20);
    out->stored_off = pdx_get_u64(r + 24);
    return PDX_OK;
}

int pdx_doc_get(pdx_index *ix, uint32_t doc, pdx_doc *out)
{
    return doc_read(ix, doc, out, false);
}

int pdx_doc_scan(pdx_index *ix, uint32_t doc, pdx_doc *out)
{
    return doc_read(ix, doc, out, true);
}

static bool stored_str(const uint8_t **p, const uint8_t *end, const char **s, size_t *n)
{
    uint64_t len;
    if (!pdx_get_varint(p, end, &len) || len > (uint64_t)(end - *p))
        return false;
    *s = (const char *)*p;
    *n = (size_t)len;
    *p += len;
    return true;
}

void pdx_stored_prefetch(const pdx_index *ix, uint32_t doc)
{
    if (ix->n_segs) {
        uint32_t local;
        const pdx_index *seg = pdx_view_locate(ix, doc, &local);
        if (seg)
            pdx_stored_prefetch(seg, local);
        return;
    }
    if (doc >= ix->n_docs || ix->cold) /* a cold cache reads records when asked */
        return;
    const uint8_t *r = pdx_doc_record(ix, doc);
    uint64_t off = pdx_get_u64(r + 24), len = pdx_get_u32(r + 20);
    const pdx_section *st = &ix->sec[PDX_SEC_STORED];
    if (!len || off > st->len || len > st->len - off)
        return;
    /* the id, url and title at the start; the file and line at the end */
    __builtin_prefetch(st->p + off);
    if (len > 64)
        __builtin_prefetch(st->p + off + 64);
    __builtin_prefetch(st->p + off + len - 1);
}

/* pdx_stored_get (scan false) and pdx_stored_scan (scan true), as
 * doc_read. */
static int stored_read(pdx_index *ix, uint32_t doc, pdx_stored *out, bool scan)
{
    if (ix->n_segs)
        return pdx_view_stored_get(ix, doc, out, scan);
    pdx_doc d;
    int rc = doc_read(ix, doc, &d, scan);
    if (rc)
        return rc;
    const pdx_section *s = &ix->sec[PDX_SEC_STORED];
    if (d.stored_off > s->len || d.stored_len > s->len - d.stored_off)
        return pdx_index_corrupt(ix, "DOCS: document %u stored fields out of range", doc);
    const uint8_t *p = s->p + d.stored_off;
    if (ix->cold && !scan &&
        (rc = pdx_cold_stored(ix->cold, doc, (uint64_t)(p - ix->map), d.stored_len, &p)))
        return cold_error(ix, rc, "STORED", doc);
    const uint8_t *end = p + d.stored_len;
    uint64_t line;
    if (!stored_str(&p, end, &out->id, &out->id_len) ||
        !stored_str(&p, end, &out->url, &out->url_len) ||
        !stored_str(&p, end, &out->title, &out->title_len) ||
        !stored_str(&p, end, &out->authors, &out->authors_len) ||
        !stored_str(&p, end, &out->summary, &out->summary_len) ||
        !stored_str(&p, end, &out->file, &out->file_len) || !pdx_get_varint(&p, end, &line) ||
        p >= end || line > UINT32_MAX)
        return pdx_index_corrupt(ix, "STORED: document %u is malformed", doc);
    /* The flags byte ends the record; its unused bits are zero (FORMAT.md,
     * Versioning). */
    if (end - p != 1)
        return pdx_index_corrupt(ix, "STORED: document %u has %td bytes after its flags", doc,
                                 end - p - 1);
    if (*p & ~PDX_STORED_ID_SYNTHESIZED)
        return pdx_index_corrupt(ix, "STORED: document %u has reserved flag bits set", doc);
    out->line = (uint32_t)line;
    out->id_synthesized = (*p & PDX_STORED_ID_SYNTHESIZED) != 0;
    return PDX_OK;
}

int pdx_stored_get(pdx_index *ix, uint32_t doc, pdx_stored *out)
{
    return stored_read(ix, doc, out, false);
}

int pdx_stored_scan(pdx_index *ix, uint32_t doc, pdx_stored *out)
{
    return stored_read(ix, doc, out, true);
}

uint32_t pdx_index_n_docs(const pdx_index *ix)
{
    return ix ? ix->n_docs : 0;
}

int pdx_index_paper_get(pdx_index *ix, uint32_t doc, pdx_index_paper *out)
{
    if (!ix)
        return PDX_EINVAL;
    if (!out)
        return pdx_index_error(ix, PDX_EINVAL, "out is NULL");
    if (doc >= ix->n_docs)
        return pdx_index_error(ix, PDX_EINVAL, "document %u out of range (%u documents)", doc,
                               ix->n_docs);
    pdx_doc d;
    pdx_stored st;
    int rc = pdx_doc_get(ix, doc, &d);
    if (!rc)
        rc = pdx_stored_get(ix, doc, &st);
    if (rc)
        return rc;
    *out = (pdx_index_paper){
        .id = st.id, .id_len = st.id_len,
        .url = st.url, .url_len = st.url_len,
        .title = st.title, .title_len = st.title_len,
        .authors = st.authors, .authors_len = st.authors_len,
        .summary = st.summary, .summary_len = st.summary_len,
        .file = st.file, .file_len = st.file_len,
        .n_authors = 0,
        .date = d.date,
        .votes = d.votes,
        .line = st.line,
        .id_synthesized = st.id_synthesized,
    };
    if (st.authors_len) {
        out->n_authors = 1;
        for (size_t i = 0; i < st.authors_len; i++)
            out->n_authors += st.authors[i] == '\n';
    }
    return PDX_OK;
}

void pdx_stored_release(pdx_index *ix)
{
    if (!ix->map || ix->n_segs)
        return;
    long page = sysconf(_SC_PAGESIZE);
    const pdx_section *st = &ix->sec[PDX_SEC_STORED];
    uintptr_t from = (uintptr_t)st->p, to = from + st->len, mask = (uintptr_t)(page > 0 ? page : 4096) - 1;
    from = (from + mask) & ~mask; /* whole pages inside the section only */
    to &= ~mask;
    if (to > from)
        madvise((void *)from, to - from, MADV_DONTNEED); /* a hint: refaults read the file */
}

int pdx_doc_id_tags(pdx_index *ix, uint32_t *tags)
{
    if (ix->n_segs)
        return PDX_EINVAL; /* one segment's table */
    const uint8_t *slots = ix->sec[PDX_SEC_IDHASH].p + 8;
    uint32_t found = 0;
    for (uint32_t d = 0; d < ix->n_docs; d++)
        tags[d] = 0;
    for (uint32_t s = 0; s < ix->idhash_slots; s++) {
        const uint8_t *e = slots + (size_t)s * PDX_HASH_SLOT_SIZE;
        uint32_t v = pdx_get_u32(e);
        if (v == 0)
            continue;
        if (v > ix->n_docs)
            return pdx_index_corrupt(ix, "IDHASH: slot %u names document %u of %u", s, v - 1,
                                     ix->n_docs);
        tags[v - 1] = pdx_get_u32(e + 4);
        found++;
    }
    if (found != ix->n_docs)
        return pdx_index_corrupt(ix, "IDHASH: %u entries for %u documents", found, ix->n_docs);
    return PDX_OK;
}

int pdx_doc_find_id(pdx_index *ix, const char *id, size_t len, uint32_t *out)
{
    if (ix->n_segs)
        return pdx_view_doc_find_id(ix, id, len, out);
    return hash_lookup(ix, PDX_SEC_IDHASH, ix->idhash_slots, doc_key, id, len, out);
}
