/*
 * The manifest's encoder and decoder (manifest.h; docs/FORMAT.md,
 * "Manifest"). The framing is the segments' (frame.c) with the manifest
 * magic; the sections are:
 *
 *   MMETA    u32 tokenizer_version  u32 n_live  u64 generation  u64 created
 *            u64 next_seq  u64 sum_len[3]  u32 max_votes  u32 min_date
 *            u32 max_date  u32 n_segs  u32 n_files  u32 zero (80 bytes),
 *            then str stemmer, str unicode, str generator
 *   MSEGS    per segment, in view order, 56 bytes: u64 seq  u64 file_size
 *            u64 header_sum  u64 deldf_off  u64 deldf_len  u32 n_docs
 *            u32 n_deleted  u32 n_deldf  u32 zero; then n_deleted varints:
 *            the first deleted local id, then the gaps (>= 1) to the next
 *   MDELDF   per segment with deletions, at its deldf_off, n_deldf records
 *            sorted by (term bytes, field): u8 term_len, the term, u8 field,
 *            varint count (1..n_deleted)
 *   MFILES   per file, sorted by path (bytewise, unique): str path, u64 size,
 *            u64 mtime_ns, u64 hash, u64 seq, u32 first_doc, u32 n_docs,
 *            varint n_dropped, n_dropped x str arXiv id
 *   LEXICON  lexicon.c's bytes
 *   MCAND    lexicon_mine.c's bytes, opaque here
 *
 * str = varint length + bytes. Every error names the file offset of the
 * byte it is about.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "frame.h"
#include "manifest.h"
#include "paperdex/tokenizer.h"

#define MMETA_FIXED 80
#define MSEG_FIXED 56
/* Bytes of a string a manifest may hold (paths: PATH_MAX and more). */
#define MSTR_MAX 65536

static const char *const msec_names[] = {"?",      "MMETA",   "MSEGS", "MDELDF",
                                         "MFILES", "LEXICON", "MCAND"};

const pdx_frame_kind pdx_manifest_kind = {PDX_MANIFEST_MAGIC, PDX_FORMAT_VERSION,
                                          PDX_MSEC_COUNT, msec_names};

/* ---- encoding ---- */

static bool deldf_less(const pdx_deldf *a, const pdx_deldf *b)
{
    int c = pdx_term_cmp(a->term, a->term_len, b->term, b->term_len);
    return c < 0 || (c == 0 && a->field < b->field);
}

/* The checks the decoder makes on the structure, made before writing so
 * a writer bug never reaches the disk. */
static bool segment_valid(const pdx_manifest_segment *s)
{
    if (s->n_deleted > s->n_docs || (s->n_deleted && !s->deleted))
        return false;
    for (uint32_t i = 0; i < s->n_deleted; i++)
        if (s->deleted[i] >= s->n_docs || (i && s->deleted[i] <= s->deleted[i - 1]))
            return false;
    for (uint32_t i = 0; i < s->n_deldf; i++) {
        const pdx_deldf *d = &s->deldf[i];
        if (!d->term_len || d->term_len > PDX_MAX_TERM_BYTES || d->field >= PDX_NFIELDS ||
            !d->count || d->count > s->n_deleted || (i && !deldf_less(&s->deldf[i - 1], d)))
            return false;
    }
    return true;
}

static bool manifest_valid(const pdx_manifest *m)
{
    if (m->n_segs < 1 || m->n_segs > PDX_MAX_SEGMENTS)
        return false;
    uint64_t live = 0;
    for (uint32_t i = 0; i < m->n_segs; i++) {
        if (!segment_valid(&m->segs[i]) || m->segs[i].seq >= m->next_seq)
            return false;
        for (uint32_t j = 0; j < i; j++)
            if (m->segs[j].seq == m->segs[i].seq)
                return false;
        live += m->segs[i].n_docs - m->segs[i].n_deleted;
    }
    if (live != m->n_live)
        return false;
    for (uint32_t i = 0; i < m->n_files; i++) {
        const pdx_manifest_file *f = &m->files[i];
        if (!f->path || (i && strcmp(m->files[i - 1].path, f->path) >= 0))
            return false;
    }
    return true;
}

static void put_cstr(pdx_buf *b, const char *s)
{
    s = s ? s : "";
    pdx_buf_put_str(b, s, strlen(s));
}

static void encode_meta(pdx_buf *b, const pdx_manifest *m)
{
    pdx_buf_put_u32(b, m->tokenizer_version);
    pdx_buf_put_u32(b, m->n_live);
    pdx_buf_put_u64(b, m->generation);
    pdx_buf_put_u64(b, m->created);
    pdx_buf_put_u64(b, m->next_seq);
    for (unsigned f = 0; f < PDX_NFIELDS; f++)
        pdx_buf_put_u64(b, m->sum_len[f]);
    pdx_buf_put_u32(b, m->max_votes);
    pdx_buf_put_u32(b, (uint32_t)m->min_date);
    pdx_buf_put_u32(b, (uint32_t)m->max_date);
    pdx_buf_put_u32(b, m->n_segs);
    pdx_buf_put_u32(b, m->n_files);
    pdx_buf_put_u32(b, 0);
    put_cstr(b, m->stemmer);
    put_cstr(b, m->unicode_version);
    put_cstr(b, m->generator);
}

/* MSEGS into segs and MDELDF into deldf together: each segment's entry
 * points at its table. */
static void encode_segs(pdx_buf *segs, pdx_buf *deldf, const pdx_manifest *m)
{
    for (uint32_t i = 0; i < m->n_segs; i++) {
        const pdx_manifest_segment *s = &m->segs[i];
        uint64_t off = deldf->len;
        for (uint32_t k = 0; k < s->n_deldf; k++) {
            const pdx_deldf *d = &s->deldf[k];
            pdx_buf_putc(deldf, d->term_len);
            pdx_buf_append(deldf, d->term, d->term_len);
            pdx_buf_putc(deldf, d->field);
            pdx_buf_put_varint(deldf, d->count);
        }
        pdx_buf_put_u64(segs, s->seq);
        pdx_buf_put_u64(segs, s->file_size);
        pdx_buf_put_u64(segs, s->header_sum);
        pdx_buf_put_u64(segs, off);
        pdx_buf_put_u64(segs, deldf->len - off);
        pdx_buf_put_u32(segs, s->n_docs);
        pdx_buf_put_u32(segs, s->n_deleted);
        pdx_buf_put_u32(segs, s->n_deldf);
        pdx_buf_put_u32(segs, 0);
        for (uint32_t k = 0; k < s->n_deleted; k++)
            pdx_buf_put_varint(segs, k ? s->deleted[k] - s->deleted[k - 1] : s->deleted[0]);
    }
}

static void encode_files(pdx_buf *b, const pdx_manifest *m)
{
    for (uint32_t i = 0; i < m->n_files; i++) {
        const pdx_manifest_file *f = &m->files[i];
        put_cstr(b, f->path);
        pdx_buf_put_u64(b, f->size);
        pdx_buf_put_u64(b, (uint64_t)f->mtime_ns);
        pdx_buf_put_u64(b, f->hash);
        pdx_buf_put_u64(b, f->seq);
        pdx_buf_put_u32(b, f->first_doc);
        pdx_buf_put_u32(b, f->n_docs);
        pdx_buf_put_varint(b, f->n_dropped);
        for (uint32_t k = 0; k < f->n_dropped; k++)
            put_cstr(b, f->dropped[k]);
    }
}

/* Appends section b at out's end (aligned), noting its table entry. */
static void put_section(pdx_buf *out, size_t start, uint32_t id, const pdx_buf *b,
                        pdx_frame_entry *e)
{
    while ((out->len - start) % PDX_SECTION_ALIGN)
        pdx_buf_putc(out, 0);
    *e = (pdx_frame_entry){id, out->len - start, b->len, pdx_hash(b->data, b->len)};
    pdx_buf_append(out, b->data, b->len);
}

int pdx_manifest_encode(pdx_buf *out, const pdx_manifest *m)
{
    if (!manifest_valid(m))
        return PDX_EINVAL;
    pdx_buf b[PDX_MSEC_COUNT + 1] = {{0}};
    encode_meta(&b[PDX_MSEC_META], m);
    encode_segs(&b[PDX_MSEC_SEGS], &b[PDX_MSEC_DELDF], m);
    encode_files(&b[PDX_MSEC_FILES], m);
    pdx_buf_append(&b[PDX_MSEC_LEXICON], m->lexicon, m->lexicon_len);
    pdx_buf_append(&b[PDX_MSEC_CAND], m->cand, m->cand_len);
    size_t start = out->len;
    uint8_t header[PDX_HEADER_SIZE] = {0}, footer[PDX_FOOTER_SIZE];
    pdx_buf_append(out, header, sizeof header);
    pdx_frame_entry tab[PDX_MSEC_COUNT];
    int err = PDX_OK;
    for (unsigned id = 1; id <= PDX_MSEC_COUNT; id++) {
        err = err ? err : b[id].err;
        put_section(out, start, id, &b[id], &tab[id - 1]);
        pdx_buf_free(&b[id]);
    }
    while ((out->len - start) % PDX_SECTION_ALIGN)
        pdx_buf_putc(out, 0);
    uint64_t table_off = out->len - start;
    uint8_t table[PDX_FRAME_TABLE_BYTES(PDX_MSEC_COUNT)];
    pdx_frame_finish(&pdx_manifest_kind, tab, PDX_MSEC_COUNT, table_off, table, header, footer);
    pdx_buf_append(out, table, sizeof table);
    pdx_buf_append(out, footer, sizeof footer);
    if (err || out->err)
        return PDX_ENOMEM;
    memcpy(out->data + start, header, sizeof header);
    return PDX_OK;
}

/* ---- decoding ---- */

/* A read cursor over one section, which knows the file offset of every
 * byte for messages. */
typedef struct mcur {
    const uint8_t *p, *end; /* the unread bytes of the section */
    const uint8_t *file;    /* the file's first byte */
    const char *name;       /* the section's name */
    char *msg;              /* the caller's error buffer */
    size_t msg_size;
} mcur;

static int mcorrupt(const mcur *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int mcorrupt(const mcur *c, const char *fmt, ...)
{
    if (!c->msg_size)
        return PDX_ECORRUPT;
    int n = snprintf(c->msg, c->msg_size, "manifest: %s (byte %td): ", c->name, c->p - c->file);
    if (n >= 0 && (size_t)n < c->msg_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->msg + n, c->msg_size - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return PDX_ECORRUPT;
}

static bool get_u32(mcur *c, uint32_t *v)
{
    if (c->end - c->p < 4)
        return false;
    *v = pdx_get_u32(c->p);
    c->p += 4;
    return true;
}

static bool get_u64(mcur *c, uint64_t *v)
{
    if (c->end - c->p < 8)
        return false;
    *v = pdx_get_u64(c->p);
    c->p += 8;
    return true;
}

static bool get_varint(mcur *c, uint64_t *v)
{
    return pdx_get_varint(&c->p, c->end, v);
}

/* "varint length + bytes" as a NUL-terminated malloc'd copy. *out stays
 * NULL when the bytes are out of range (PDX_ECORRUPT) or memory ran out. */
static int get_str(mcur *c, char **out)
{
    uint64_t n;
    *out = NULL;
    const uint8_t *at = c->p;
    if (!get_varint(c, &n) || n > (uint64_t)(c->end - c->p) || n > MSTR_MAX) {
        c->p = at;
        return mcorrupt(c, "bad string");
    }
    char *s = malloc(n + 1);
    if (!s)
        return PDX_ENOMEM;
    memcpy(s, c->p, n);
    s[n] = 0;
    if (strlen(s) != n) {
        free(s);
        c->p = at;
        return mcorrupt(c, "string holds a NUL byte");
    }
    c->p += n;
    *out = s;
    return PDX_OK;
}

static int decode_meta(pdx_manifest *m, mcur *c, uint32_t *n_files)
{
    if (c->end - c->p < MMETA_FIXED)
        return mcorrupt(c, "section too short (%td bytes)", c->end - c->p);
    uint32_t v[2] = {0, 0}, zero = 0;
    get_u32(c, &m->tokenizer_version);
    get_u32(c, &m->n_live);
    get_u64(c, &m->generation);
    get_u64(c, &m->created);
    get_u64(c, &m->next_seq);
    for (unsigned f = 0; f < PDX_NFIELDS; f++)
        get_u64(c, &m->sum_len[f]);
    get_u32(c, &m->max_votes);
    get_u32(c, &v[0]);
    get_u32(c, &v[1]);
    m->min_date = (int32_t)v[0];
    m->max_date = (int32_t)v[1];
    const uint8_t *at = c->p;
    get_u32(c, &m->n_segs);
    get_u32(c, n_files);
    get_u32(c, &zero);
    if (m->n_segs < 1 || m->n_segs > PDX_MAX_SEGMENTS) {
        c->p = at;
        return mcorrupt(c, "%u segments (1..%d)", m->n_segs, PDX_MAX_SEGMENTS);
    }
    if (zero) {
        c->p -= 4;
        return mcorrupt(c, "reserved word is not zero");
    }
    int rc;
    if ((rc = get_str(c, &m->stemmer)) || (rc = get_str(c, &m->unicode_version)) ||
        (rc = get_str(c, &m->generator)))
        return rc;
    if (c->p != c->end)
        return mcorrupt(c, "%td bytes after the last field", c->end - c->p);
    return PDX_OK;
}

/* Segment s's MDELDF table: n_deldf records in deldf[off, off + len). The
 * terms point into the manifest's own copy of MDELDF (owned). */
static int decode_deldf(pdx_manifest_segment *s, const pdx_section *sec, const uint8_t *copy,
                        uint64_t off, uint64_t len, mcur *outer)
{
    mcur c = *outer;
    c.name = "MDELDF";
    c.p = sec->p + off;
    c.end = c.p + len;
    if (s->n_deldf > len / 3) /* a record is at least 3 bytes */
        return mcorrupt(&c, "%u records cannot fit in %llu bytes", s->n_deldf,
                        (unsigned long long)len);
    s->deldf = calloc(s->n_deldf ? s->n_deldf : 1, sizeof *s->deldf);
    if (!s->deldf)
        return PDX_ENOMEM;
    for (uint32_t i = 0; i < s->n_deldf; i++) {
        pdx_deldf *d = &s->deldf[i];
        const uint8_t *at = c.p;
        uint64_t count;
        if (c.p >= c.end || !*c.p || *c.p > PDX_MAX_TERM_BYTES || c.end - c.p < *c.p + 2)
            return mcorrupt(&c, "record %u: bad term length", i);
        d->term_len = *c.p++;
        d->term = (const char *)copy + (c.p - sec->p);
        c.p += d->term_len;
        d->field = *c.p++;
        if (d->field >= PDX_NFIELDS || !get_varint(&c, &count) || !count ||
            count > s->n_deleted) {
            c.p = at;
            return mcorrupt(&c, "record %u: bad field or count", i);
        }
        d->count = (uint32_t)count;
        if (i && !deldf_less(&s->deldf[i - 1], d)) {
            c.p = at;
            return mcorrupt(&c, "record %u: not sorted by (term, field)", i);
        }
    }
    if (c.p != c.end)
        return mcorrupt(&c, "%td bytes after the segment's last record", c.end - c.p);
    return PDX_OK;
}

static int decode_deleted(pdx_manifest_segment *s, mcur *c, uint32_t i)
{
    /* a varint each: the count is bounded by the bytes left, so damage
     * cannot make it reserve more than the file holds */
    if (s->n_deleted > (uint64_t)(c->end - c->p))
        return mcorrupt(c, "segment %u: %u deleted ids cannot fit", i, s->n_deleted);
    s->deleted = malloc((s->n_deleted ? s->n_deleted : 1) * sizeof *s->deleted);
    if (!s->deleted)
        return PDX_ENOMEM;
    uint64_t prev = 0;
    for (uint32_t k = 0; k < s->n_deleted; k++) {
        uint64_t gap;
        const uint8_t *at = c->p;
        if (!get_varint(c, &gap) || (k && gap == 0) || prev + gap >= s->n_docs) {
            c->p = at;
            return mcorrupt(c, "segment %u: deleted id %u is not ascending or past its %u "
                            "papers", i, k, s->n_docs);
        }
        prev += gap;
        s->deleted[k] = (uint32_t)prev;
    }
    return PDX_OK;
}

static int decode_segs(pdx_manifest *m, mcur *c, const pdx_section *deldf, bool with_deldf)
{
    m->segs = calloc(m->n_segs, sizeof *m->segs);
    if (!m->segs)
        return PDX_ENOMEM;
    if (with_deldf && deldf->len) {
        if (!(m->deldf_bytes = malloc(deldf->len)))
            return PDX_ENOMEM;
        memcpy(m->deldf_bytes, deldf->p, deldf->len);
    }
    uint64_t live = 0, deldf_at = 0;
    for (uint32_t i = 0; i < m->n_segs; i++) {
        pdx_manifest_segment *s = &m->segs[i];
        const uint8_t *at = c->p;
        uint64_t off = 0, len = 0;
        uint32_t zero = 0;
        if (c->end - c->p < MSEG_FIXED)
            return mcorrupt(c, "segment %u: truncated", i);
        get_u64(c, &s->seq);
        get_u64(c, &s->file_size);
        get_u64(c, &s->header_sum);
        get_u64(c, &off);
        get_u64(c, &len);
        get_u32(c, &s->n_docs);
        get_u32(c, &s->n_deleted);
        get_u32(c, &s->n_deldf);
        get_u32(c, &zero);
        c->p = at;
        if (s->seq >= m->next_seq)
            return mcorrupt(c, "segment %u: seq %llu is not below next_seq %llu", i,
                            (unsigned long long)s->seq, (unsigned long long)m->next_seq);
        for (uint32_t j = 0; j < i; j++)
            if (m->segs[j].seq == s->seq)
                return mcorrupt(c, "segment %u: seq %llu named twice", i,
                                (unsigned long long)s->seq);
        if (off != deldf_at || len > deldf->len - off || zero || s->n_deleted > s->n_docs ||
            (s->n_deldf && !s->n_deleted))
            return mcorrupt(c, "segment %u: bad MDELDF range, reserved word or deleted count",
                            i);
        c->p += MSEG_FIXED;
        deldf_at += len;
        int rc = decode_deleted(s, c, i);
        if (!rc && with_deldf)
            rc = decode_deldf(s, deldf, m->deldf_bytes, off, len, c);
        if (rc)
            return rc;
        if (!with_deldf)
            s->n_deldf = 0;
        live += s->n_docs - s->n_deleted;
    }
    if (c->p != c->end)
        return mcorrupt(c, "%td bytes after the last segment", c->end - c->p);
    if (deldf_at != deldf->len) {
        mcur d = *c;
        d.name = "MDELDF";
        d.p = deldf->p + deldf_at;
        return mcorrupt(&d, "bytes owned by no segment");
    }
    if (live != m->n_live) {
        mcur d = *c;
        d.name = "MMETA";
        d.p = c->file + PDX_HEADER_SIZE; /* only for the message */
        return mcorrupt(&d, "%u live papers recorded, the segments hold %llu", m->n_live,
                        (unsigned long long)live);
    }
    return PDX_OK;
}

/* The file's segment seq in m, or false. */
static bool has_seq(const pdx_manifest *m, uint64_t seq, uint32_t *n_docs)
{
    for (uint32_t i = 0; i < m->n_segs; i++)
        if (m->segs[i].seq == seq) {
            *n_docs = m->segs[i].n_docs;
            return true;
        }
    return false;
}

static int decode_file(pdx_manifest *m, pdx_manifest_file *f, mcur *c, uint32_t i)
{
    const uint8_t *at = c->p;
    int rc = get_str(c, &f->path);
    if (rc)
        return rc;
    uint64_t mtime, n_dropped;
    uint32_t seg_docs = 0;
    if (!get_u64(c, &f->size) || !get_u64(c, &mtime) || !get_u64(c, &f->hash) ||
        !get_u64(c, &f->seq) || !get_u32(c, &f->first_doc) || !get_u32(c, &f->n_docs) ||
        !get_varint(c, &n_dropped) || n_dropped > (uint64_t)(c->end - c->p)) {
        c->p = at;
        return mcorrupt(c, "file %u: truncated", i);
    }
    f->mtime_ns = (int64_t)mtime;
    if (!has_seq(m, f->seq, &seg_docs) || f->first_doc > seg_docs ||
        f->n_docs > seg_docs - f->first_doc) {
        c->p = at;
        return mcorrupt(c, "file %u (%s): its papers are not inside a segment of the index", i,
                        f->path);
    }
    if (i && strcmp(m->files[i - 1].path, f->path) >= 0) {
        c->p = at;
        return mcorrupt(c, "file %u (%s): not sorted by path", i, f->path);
    }
    f->dropped = calloc(n_dropped ? n_dropped : 1, sizeof *f->dropped);
    if (!f->dropped)
        return PDX_ENOMEM;
    for (uint32_t k = 0; k < n_dropped; k++, f->n_dropped++)
        if ((rc = get_str(c, &f->dropped[k])))
            return rc;
    return PDX_OK;
}

static int decode_files(pdx_manifest *m, mcur *c, uint32_t n_files)
{
    /* A file record is at least 46 bytes: the count is bounded by the size. */
    if (n_files > (uint64_t)(c->end - c->p) / 46 + 1)
        return mcorrupt(c, "%u files cannot fit", n_files);
    m->files = calloc(n_files ? n_files : 1, sizeof *m->files);
    if (!m->files)
        return PDX_ENOMEM;
    for (uint32_t i = 0; i < n_files; i++, m->n_files++) {
        int rc = decode_file(m, &m->files[i], c, i);
        if (rc) {
            m->n_files++; /* so pdx_manifest_free frees its part */
            return rc;
        }
    }
    if (c->p != c->end)
        return mcorrupt(c, "%td bytes after the last file", c->end - c->p);
    return PDX_OK;
}

/* The section's bytes: where they are when borrowing (even when empty:
 * never NULL), else a copy. */
static uint8_t *take_bytes(const pdx_section *s, bool borrow, size_t *len)
{
    *len = (size_t)s->len;
    static uint8_t none; /* an empty section's bytes */
    if (borrow)
        return s->p ? (uint8_t *)(uintptr_t)s->p : &none;
    uint8_t *p = malloc(s->len ? s->len : 1);
    if (p && s->len)
        memcpy(p, s->p, s->len);
    return p;
}

/* Is section id one whose checksum PDX_MANIFEST_BORROW leaves to its
 * reader? The lexicon checks every record a lookup reads, and a search
 * reads a few of them: hashing the whole section (788 KB at 20x) at each
 * open would read what the search never looks at. --check hashes it. */
static bool borrowed_unchecked(unsigned parts, unsigned id)
{
    return (parts & PDX_MANIFEST_BORROW) && (id == PDX_MSEC_LEXICON || id == PDX_MSEC_CAND);
}

/* Verifies the checksums of the sections in parts (the frame's coverage
 * check does all of them at once when every part is asked for), but for
 * borrowed_unchecked ones. */
static int check_parts(const uint8_t *p, size_t len, const pdx_section *sec, unsigned parts,
                       char *errbuf, size_t errbuf_size)
{
    if ((parts & PDX_MANIFEST_ALL) == PDX_MANIFEST_ALL) {
        char msg[PDX_MSG_MAX];
        int rc = pdx_frame_coverage(p, len, &pdx_manifest_kind, sec, msg, sizeof msg);
        if (rc && errbuf_size)
            snprintf(errbuf, errbuf_size, "manifest: %s", msg);
        return rc;
    }
    for (unsigned id = 1; id <= PDX_MSEC_COUNT; id++)
        if ((parts & (1u << id)) && !borrowed_unchecked(parts, id) &&
            pdx_hash(sec[id].p, sec[id].len) != sec[id].sum) {
            if (errbuf_size)
                snprintf(errbuf, errbuf_size,
                         "manifest: %s (bytes %llu..%llu): checksum mismatch", msec_names[id],
                         (unsigned long long)sec[id].off,
                         (unsigned long long)(sec[id].off + sec[id].len));
            return PDX_ECORRUPT;
        }
    return PDX_OK;
}

static int decode_sections(pdx_manifest *m, const uint8_t *p, const pdx_section *sec,
                           unsigned parts, char *errbuf, size_t errbuf_size)
{
    mcur c = {sec[PDX_MSEC_META].p, sec[PDX_MSEC_META].p + sec[PDX_MSEC_META].len, p, "MMETA",
              errbuf, errbuf_size};
    uint32_t n_files = 0;
    int rc = decode_meta(m, &c, &n_files);
    if (rc)
        return rc;
    c = (mcur){sec[PDX_MSEC_SEGS].p, sec[PDX_MSEC_SEGS].p + sec[PDX_MSEC_SEGS].len, p, "MSEGS",
               errbuf, errbuf_size};
    if ((rc = decode_segs(m, &c, &sec[PDX_MSEC_DELDF], parts & (1u << PDX_MSEC_DELDF))))
        return rc;
    if (parts & (1u << PDX_MSEC_FILES)) {
        c = (mcur){sec[PDX_MSEC_FILES].p, sec[PDX_MSEC_FILES].p + sec[PDX_MSEC_FILES].len, p,
                   "MFILES", errbuf, errbuf_size};
        if ((rc = decode_files(m, &c, n_files)))
            return rc;
    }
    m->borrowed = parts & PDX_MANIFEST_BORROW;
    if ((parts & (1u << PDX_MSEC_LEXICON)) &&
        !(m->lexicon = take_bytes(&sec[PDX_MSEC_LEXICON], m->borrowed, &m->lexicon_len)))
        return PDX_ENOMEM;
    if ((parts & (1u << PDX_MSEC_CAND)) &&
        !(m->cand = take_bytes(&sec[PDX_MSEC_CAND], m->borrowed, &m->cand_len)))
        return PDX_ENOMEM;
    return PDX_OK;
}

int pdx_manifest_decode_parts(pdx_manifest *m, const uint8_t *p, size_t len, unsigned parts,
                              char *errbuf, size_t errbuf_size)
{
    memset(m, 0, sizeof *m);
    if (errbuf_size)
        errbuf[0] = 0;
    parts |= (1u << PDX_MSEC_META) | (1u << PDX_MSEC_SEGS);
    pdx_section sec[PDX_MSEC_COUNT + 1];
    uint32_t version;
    char msg[PDX_MSG_MAX];
    int rc = pdx_frame_read(p, len, &pdx_manifest_kind, sec, &version, msg, sizeof msg);
    if (rc) {
        if (errbuf_size)
            snprintf(errbuf, errbuf_size, "manifest: %s", msg);
        return rc;
    }
    rc = check_parts(p, len, sec, parts, errbuf, errbuf_size);
    if (!rc)
        rc = decode_sections(m, p, sec, parts, errbuf, errbuf_size);
    if (rc == PDX_ENOMEM && errbuf_size)
        snprintf(errbuf, errbuf_size, "manifest: out of memory");
    if (rc)
        pdx_manifest_free(m);
    return rc;
}

int pdx_manifest_decode(pdx_manifest *m, const uint8_t *p, size_t len, char *errbuf,
                        size_t errbuf_size)
{
    return pdx_manifest_decode_parts(m, p, len, PDX_MANIFEST_ALL, errbuf, errbuf_size);
}

/* Frees m's file records and lexicon tables. */
static void free_contents(pdx_manifest *m)
{
    for (uint32_t i = 0; m->files && i < m->n_files; i++) {
        free(m->files[i].path);
        for (uint32_t k = 0; k < m->files[i].n_dropped; k++)
            free(m->files[i].dropped[k]);
        free(m->files[i].dropped);
    }
    free(m->files);
    if (!m->borrowed) {
        free(m->lexicon);
        free(m->cand);
    }
}

void pdx_manifest_free(pdx_manifest *m)
{
    if (!m)
        return;
    for (uint32_t i = 0; m->segs && i < m->n_segs; i++) {
        free(m->segs[i].deleted);
        free(m->segs[i].deldf);
    }
    free(m->segs);
    free_contents(m);
    free(m->stemmer);
    free(m->unicode_version);
    free(m->generator);
    free(m->deldf_bytes);
    memset(m, 0, sizeof *m);
}

void pdx_manifest_forget_contents(pdx_manifest *m)
{
    free_contents(m);
    m->files = NULL;
    m->n_files = 0;
    m->lexicon = m->cand = NULL;
    m->lexicon_len = m->cand_len = 0;
}

bool pdx_manifest_tokenizer_is_ours(const pdx_manifest *m)
{
    return m->tokenizer_version == PDX_TOKENIZER_VERSION &&
           strcmp(m->stemmer ? m->stemmer : "", pdx_tokenizer_stemmer_name()) == 0 &&
           strcmp(m->unicode_version ? m->unicode_version : "",
                  pdx_tokenizer_unicode_version()) == 0;
}

char *pdx_segment_path(const char *index_path, uint64_t seq)
{
    size_t n = strlen(index_path) + 32;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s.%llu.seg", index_path, (unsigned long long)seq);
    return s;
}
