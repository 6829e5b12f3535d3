/*
 * The view: an index as its manifest names it (docs/FORMAT.md, "Manifest"
 * and "Readers"). pdx_index_open reads the manifest, opens every segment
 * it names (each checked like a lone segment: O(1)), compares each with
 * the manifest's record of it, and joins them into one handle whose doc
 * ids run segment after segment (base[i] + local id) and whose term
 * ordinals are "virtual": (segment index << PDX_VORD_SHIFT) | the ord in
 * the first segment, in view order, that has the term.
 *
 * Everything here is stateless after open, so a view is shared by
 * threads as a segment is.
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

void (*pdx_view_open_hook)(const char *path, int attempt) = NULL;

/* Attempts at opening an index whose manifest keeps being replaced while
 * a segment it named disappears (a writer finishing its commits). */
#define OPEN_ATTEMPTS 10
#define VORD_MASK (PDX_MAX_SEGMENT_TERMS - 1u)

int pdx_view_pass_error(pdx_index *view, const pdx_index *seg, int rc)
{
    if (rc && rc != PDX_ENOTFOUND && view != seg)
        snprintf(view->errmsg, sizeof view->errmsg, "%s", seg->errmsg);
    return rc;
}

/* ---- opening ---- */

/* Maps the regular file fd of size bytes (read-only): opening touches only
 * the pages of the sections it decodes, not MFILES or the (large) MCAND. */
static int map_manifest(pdx_index *ix, int fd, size_t size)
{
    if (size == 0)
        return pdx_index_error(ix, PDX_ENOTINDEX, "not a paperdex index (0 bytes)");
    void *m = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED)
        return pdx_index_error(ix, PDX_EIO, "cannot map: %s", strerror(errno));
    ix->mf_bytes = m;
    ix->mf_len = size;
    return PDX_OK;
}

/* The index file a segment path "<INDEX>.<seq>.seg" belongs to, for the
 * message that says to open that instead (NULL when the name is not
 * one). */
static char *index_of_segment(const char *path)
{
    size_t n = strlen(path);
    if (n < 6 || strcmp(path + n - 4, ".seg") != 0)
        return NULL;
    size_t i = n - 4;
    while (i > 0 && path[i - 1] >= '0' && path[i - 1] <= '9')
        i--;
    if (i == n - 4 || i < 2 || path[i - 1] != '.')
        return NULL;
    char *s = strndup(path, i - 1);
    return s;
}

/* A file that starts with the segment magic: an index of version 3 (or
 * another), or a segment (version 4 and later) named instead of its index. */
static int refuse_segment(pdx_index *ix)
{
    pdx_section sec[PDX_SEC_COUNT + 1];
    uint32_t version;
    char msg[PDX_MSG_MAX];
    int rc = pdx_frame_read(ix->mf_bytes, ix->mf_len, &pdx_segment_kind, sec, &version, msg,
                            sizeof msg);
    if (rc == PDX_EVERSION || (version && version != PDX_FORMAT_VERSION))
        return pdx_index_error(ix, PDX_EVERSION,
                               "format version %u, this paperdex reads version %u: rebuild the "
                               "index (paperdex-index -o INDEX PATH)",
                               version, PDX_FORMAT_VERSION);
    if (rc)
        return pdx_index_error(ix, rc, "%s", msg);
    char *index = index_of_segment(ix->path);
    rc = pdx_index_error(ix, PDX_ENOTINDEX,
                         "this is a segment of an index; open the index file%s%s%s",
                         index ? " " : "", index ? index : " (the manifest beside it)",
                         index ? "" : "");
    free(index);
    return rc;
}

/* Reads and decodes the manifest at path into ix (view parts only). */
static int read_manifest(pdx_index *ix, const char *path, struct stat *st)
{
    int fd;
    int rc = pdx_open_regular(ix, path, &fd, st);
    if (!rc)
        rc = map_manifest(ix, fd, (size_t)st->st_size);
    if (fd >= 0)
        close(fd);
    if (rc)
        return rc;
    const uint8_t *p = ix->mf_bytes;
    size_t n = ix->mf_len;
    if (n >= PDX_MAGIC_LEN && memcmp(p, PDX_MAGIC, PDX_MAGIC_LEN) == 0)
        return refuse_segment(ix);
    if (n < PDX_HEADER_SIZE) {
        bool ours = n >= PDX_MAGIC_LEN && memcmp(p, PDX_MANIFEST_MAGIC, PDX_MAGIC_LEN) == 0;
        return ours ? pdx_index_corrupt(ix, "truncated: %zu bytes", n)
                    : pdx_index_error(ix, PDX_ENOTINDEX, "not a paperdex index (%zu bytes)", n);
    }
    char msg[PDX_MSG_MAX];
    /* The manifest stays mapped as long as ix: its lexicon is read
     * where it lies. */
    rc = pdx_manifest_decode_parts(&ix->manifest, p, n, PDX_MANIFEST_VIEW | PDX_MANIFEST_BORROW,
                                   msg, sizeof msg);
    if (rc)
        return pdx_index_error(ix, rc, "%s", msg);
    return PDX_OK;
}

/* The tokenizer figures of the manifest match this build's (as a
 * segment's META must). */
static int check_tokenizer(pdx_index *ix)
{
    const pdx_manifest *m = &ix->manifest;
    if (pdx_manifest_tokenizer_is_ours(m))
        return PDX_OK;
    if (m->tokenizer_version != PDX_TOKENIZER_VERSION)
        return pdx_index_error(ix, PDX_EVERSION,
                               "built with tokenizer version %u, this paperdex uses %u: "
                               "rebuild the index",
                               m->tokenizer_version, PDX_TOKENIZER_VERSION);
    return pdx_index_error(ix, PDX_EVERSION,
                           "built with stemmer '%s' and Unicode %s, this paperdex uses '%s' "
                           "and %s: rebuild the index",
                           m->stemmer, m->unicode_version, pdx_tokenizer_stemmer_name(),
                           pdx_tokenizer_unicode_version());
}

/* The bitmap of seg's deleted local ids (MSEGS), or none. */
static int set_deleted(pdx_index *seg, const pdx_manifest_segment *ms)
{
    seg->n_deleted = ms->n_deleted;
    seg->deldf = ms->deldf;
    seg->n_deldf = ms->n_deldf;
    seg->n_live = seg->n_docs - ms->n_deleted;
    if (!ms->n_deleted)
        return PDX_OK;
    seg->deleted = calloc(((size_t)seg->n_docs + 63) / 64, sizeof *seg->deleted);
    if (!seg->deleted)
        return PDX_ENOMEM;
    for (uint32_t k = 0; k < ms->n_deleted; k++)
        seg->deleted[ms->deleted[k] >> 6] |= (uint64_t)1 << (ms->deleted[k] & 63);
    return PDX_OK;
}

/* The segment file is the one the manifest names: size, header checksum,
 * paper count. */
static int check_identity(pdx_index *ix, const pdx_index *seg, const pdx_manifest_segment *ms)
{
    if (seg->size != ms->file_size)
        return pdx_index_corrupt(ix,
                                 "segment %s is %llu bytes, the manifest says %llu (truncated, "
                                 "extended or replaced)",
                                 seg->path, (unsigned long long)seg->size,
                                 (unsigned long long)ms->file_size);
    if (pdx_frame_identity(seg->map) != ms->header_sum)
        return pdx_index_corrupt(ix,
                                 "segment %s is not the file the manifest names (its "
                                 "checksums differ: swapped or replaced)",
                                 seg->path);
    if (seg->n_docs != ms->n_docs)
        return pdx_index_corrupt(ix, "segment %s holds %u papers, the manifest says %u",
                                 seg->path, seg->n_docs, ms->n_docs);
    if (seg->n_terms > PDX_MAX_SEGMENT_TERMS)
        return pdx_index_corrupt(ix, "segment %s has %u terms, more than a view can number",
                                 seg->path, seg->n_terms);
    return PDX_OK;
}

/* Whether the manifest at path is still the one ix read (same file and
 * generation): if not, a writer replaced it and the open starts again. */
static bool manifest_replaced(const char *path, const struct stat *was, uint64_t generation)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return true;
    if (st.st_ino != was->st_ino || st.st_dev != was->st_dev)
        return true;
    PDX_UNUSED(generation); /* same inode: written once, never changed in place */
    return false;
}

/* Opens segment i of the manifest. *retry is set when it is missing
 * because the manifest was replaced meanwhile. */
static int open_one_segment(pdx_index *ix, const char *seg_base, const struct stat *st,
                            uint32_t i, unsigned flags, bool *retry)
{
    const pdx_manifest_segment *ms = &ix->manifest.segs[i];
    char *sp = pdx_segment_path(seg_base, ms->seq);
    if (!sp)
        return pdx_index_error(ix, PDX_ENOMEM, "out of memory");
    char err[PDX_MSG_MAX];
    int rc = pdx_segment_open_flags(&ix->segs[i], sp, flags, err, sizeof err);
    if (rc == PDX_ENOTFOUND) {
        if (manifest_replaced(ix->path, st, ix->manifest.generation))
            *retry = true;
        rc = pdx_index_corrupt(ix, "segment file %s named by the manifest is missing", sp);
    } else if (rc) {
        snprintf(ix->errmsg, sizeof ix->errmsg, "%s", err);
    }
    free(sp);
    if (rc)
        return rc;
    ix->segs[i]->seq = ms->seq;
    rc = check_identity(ix, ix->segs[i], ms);
    if (!rc && set_deleted(ix->segs[i], ms))
        rc = pdx_index_error(ix, PDX_ENOMEM, "out of memory");
    return rc;
}

/* A one-segment view reads its segment's sections directly (segment.h). */
static void mirror_segment(pdx_index *ix)
{
    const pdx_index *seg = ix->segs[0];
    ix->map = seg->map;
    ix->size = seg->size;
    ix->map_borrowed = true;
    memcpy(ix->sec, seg->sec, sizeof ix->sec);
    ix->n_terms = seg->n_terms;
    ix->termhash_slots = seg->termhash_slots;
    ix->idhash_slots = seg->idhash_slots;
    ix->deleted = seg->deleted;
    ix->n_deleted = seg->n_deleted;
    ix->deldf = seg->deldf;
    ix->n_deldf = seg->n_deldf;
}

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

/* The view's own figures: the manifest's live statistics. */
static int fill_view(pdx_index *ix)
{
    const pdx_manifest *m = &ix->manifest;
    ix->base = malloc(((size_t)m->n_segs + 1) * sizeof *ix->base);
    if (!ix->base)
        return pdx_index_error(ix, PDX_ENOMEM, "out of memory");
    uint64_t n = 0;
    for (uint32_t i = 0; i < m->n_segs; i++) {
        ix->base[i] = (uint32_t)n;
        n += ix->segs[i]->n_docs;
        ix->n_postings += ix->segs[i]->n_postings;
        if (ix->segs[i]->max_votes > ix->max_votes)
            ix->max_votes = ix->segs[i]->max_votes;
    }
    if (n > UINT32_MAX - 1)
        return pdx_index_corrupt(ix, "the segments hold more than 2^32 papers");
    ix->base[m->n_segs] = (uint32_t)n;
    ix->n_docs = (uint32_t)n;
    ix->n_live = m->n_live;
    ix->format_version = PDX_FORMAT_VERSION;
    ix->tokenizer_version = m->tokenizer_version;
    ix->created = m->created;
    ix->min_date = m->min_date;
    ix->max_date = m->max_date;
    if (m->max_votes > ix->max_votes)
        ix->max_votes = m->max_votes;
    for (int f = 0; f < PDX_NFIELDS; f++) {
        ix->sum_len[f] = m->sum_len[f];
        double avg = ix->n_live ? (double)m->sum_len[f] / ix->n_live : 1.0;
        ix->avg_len[f] = avg > 0 ? avg : 1.0;
    }
    if (!(ix->stemmer = dup_or_empty(m->stemmer)) ||
        !(ix->unicode_version = dup_or_empty(m->unicode_version)) ||
        !(ix->generator = dup_or_empty(m->generator)))
        return pdx_index_error(ix, PDX_ENOMEM, "out of memory");
    if (m->lexicon_len) {
        int rc = pdx_lexicon_open_lazy(&ix->lexicon, m->lexicon, m->lexicon_len);
        if (rc == PDX_ENOMEM || !ix->lexicon)
            return pdx_index_error(ix, PDX_ENOMEM, "out of memory reading the lexicon");
    }
    if (m->n_segs == 1)
        mirror_segment(ix);
    return PDX_OK;
}

/* Where the segments of the index at path live: beside the file a
 * symlink at path points to (the writer replaces the link's target). */
static char *segment_base(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        char *real = realpath(path, NULL);
        if (real)
            return real;
    }
    return strdup(path);
}

static int open_view_once(pdx_index *ix, int attempt, unsigned flags, bool *retry)
{
    struct stat st;
    int rc = read_manifest(ix, ix->path, &st);
    if (!rc)
        rc = check_tokenizer(ix);
    if (rc)
        return rc;
    if (pdx_view_open_hook)
        pdx_view_open_hook(ix->path, attempt);
    char *base = segment_base(ix->path);
    ix->segs = calloc(ix->manifest.n_segs, sizeof *ix->segs);
    if (!base || !ix->segs) {
        free(base);
        return pdx_index_error(ix, PDX_ENOMEM, "out of memory");
    }
    ix->n_segs = ix->manifest.n_segs;
    for (uint32_t i = 0; !rc && i < ix->n_segs; i++)
        rc = open_one_segment(ix, base, &st, i, flags, retry);
    free(base);
    return rc ? rc : fill_view(ix);
}

static pdx_index *new_handle(const char *path)
{
    pdx_index *ix = calloc(1, sizeof *ix);
    if (ix && !(ix->path = strdup(path))) {
        free(ix);
        ix = NULL;
    }
    return ix;
}

int pdx_index_open(pdx_index **out, const char *path, char *errbuf, size_t errbuf_size)
{
    return pdx_index_open_flags(out, path, PDX_OPEN_DEFAULT, errbuf, errbuf_size);
}

int pdx_index_open_flags(pdx_index **out, const char *path, unsigned flags, char *errbuf,
                         size_t errbuf_size)
{
    if (!errbuf)
        errbuf_size = 0; /* no room for a message: only the code */
    if (errbuf_size)
        errbuf[0] = 0;
    if (out)
        *out = NULL;
    if (!out || !path || !*path) {
        if (errbuf_size)
            snprintf(errbuf, errbuf_size, "%s", !out ? "out is NULL" : "no index path given");
        return PDX_EINVAL;
    }
    if (flags & ~(unsigned)PDX_OPEN_ONESHOT) {
        if (errbuf_size)
            snprintf(errbuf, errbuf_size, "%s: unknown open flags 0x%x", path,
                     flags & ~(unsigned)PDX_OPEN_ONESHOT);
        return PDX_EINVAL;
    }
    for (int attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
        pdx_index *ix = new_handle(path);
        if (!ix) {
            if (errbuf_size)
                snprintf(errbuf, errbuf_size, "%s: out of memory", path);
            return PDX_ENOMEM;
        }
        bool retry = false;
        int rc = open_view_once(ix, attempt, flags, &retry);
        if (!rc) {
            ix->errmsg[0] = 0;
            *out = ix;
            return PDX_OK;
        }
        if (errbuf_size)
            snprintf(errbuf, errbuf_size, "%s", ix->errmsg);
        pdx_index_close(ix);
        if (!retry)
            return rc;
    }
    return PDX_ECORRUPT; /* errbuf holds the last attempt's message */
}

/* ---- documents ---- */

pdx_index *pdx_view_locate(const pdx_index *ix, uint32_t doc, uint32_t *local)
{
    if (!ix->n_segs) {
        *local = doc;
        return (pdx_index *)ix;
    }
    uint32_t lo = 0, hi = ix->n_segs - 1;
    while (lo < hi) { /* the last segment whose base is <= doc */
        uint32_t mid = lo + (hi - lo + 1) / 2;
        if (ix->base[mid] <= doc)
            lo = mid;
        else
            hi = mid - 1;
    }
    *local = doc - ix->base[lo];
    return ix->segs[lo];
}

bool pdx_index_doc_live(const pdx_index *ix, uint32_t doc)
{
    if (!ix || doc >= ix->n_docs)
        return false;
    uint32_t local;
    const pdx_index *seg = pdx_view_locate(ix, doc, &local);
    return !pdx_doc_deleted(seg, local);
}

/* pdx_view_locate for a doc id read from the file: out of range is
 * corruption, reported on the view (NULL returned), not a broken promise. */
static pdx_index *locate_checked(pdx_index *ix, uint32_t doc, uint32_t *local)
{
    if (doc >= ix->n_docs) {
        pdx_index_corrupt(ix, "DOCS: document %u out of range", doc);
        return NULL;
    }
    return pdx_view_locate(ix, doc, local);
}

int pdx_view_doc_get(pdx_index *ix, uint32_t doc, pdx_doc *out, bool scan)
{
    uint32_t local;
    pdx_index *seg = locate_checked(ix, doc, &local);
    if (!seg)
        return PDX_ECORRUPT;
    int rc = scan ? pdx_doc_scan(seg, local, out) : pdx_doc_get(seg, local, out);
    return pdx_view_pass_error(ix, seg, rc);
}

int pdx_view_stored_get(pdx_index *ix, uint32_t doc, pdx_stored *out, bool scan)
{
    uint32_t local;
    pdx_index *seg = locate_checked(ix, doc, &local);
    if (!seg)
        return PDX_ECORRUPT;
    int rc = scan ? pdx_stored_scan(seg, local, out) : pdx_stored_get(seg, local, out);
    return pdx_view_pass_error(ix, seg, rc);
}

/* The live paper with the arXiv id: at most one segment holds it live
 * (an update deletes the loser of a duplicate). */
int pdx_view_doc_find_id(pdx_index *ix, const char *id, size_t len, uint32_t *out)
{
    for (uint32_t i = 0; i < ix->n_segs; i++) {
        pdx_index *seg = ix->segs[i];
        uint32_t local;
        int rc = pdx_doc_find_id(seg, id, len, &local);
        if (rc == PDX_ENOTFOUND || (!rc && pdx_doc_deleted(seg, local)))
            continue;
        if (rc)
            return pdx_view_pass_error(ix, seg, rc);
        *out = ix->base[i] + local;
        return PDX_OK;
    }
    return PDX_ENOTFOUND;
}

/* ---- terms ---- */

int pdx_view_term_find(pdx_index *ix, const char *term, size_t len, uint32_t *out)
{
    for (uint32_t i = 0; i < ix->n_segs; i++) {
        uint32_t ord;
        int rc = pdx_term_find(ix->segs[i], term, len, &ord);
        if (rc == PDX_ENOTFOUND)
            continue;
        if (rc)
            return pdx_view_pass_error(ix, ix->segs[i], rc);
        *out = (i << PDX_VORD_SHIFT) | ord;
        return PDX_OK;
    }
    return PDX_ENOTFOUND;
}

int pdx_view_term_get(pdx_index *ix, uint32_t vord, pdx_term *out)
{
    uint32_t i = vord >> PDX_VORD_SHIFT;
    if (i >= ix->n_segs)
        return pdx_index_corrupt(ix, "TERMS: ordinal %u names no segment", vord);
    return pdx_view_pass_error(ix, ix->segs[i], pdx_term_get(ix->segs[i], vord & VORD_MASK, out));
}

uint32_t pdx_deldf_count(const pdx_index *seg, const char *term, size_t len, unsigned field)
{
    uint32_t lo = 0, hi = seg->n_deldf;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const pdx_deldf *d = &seg->deldf[mid];
        int c = pdx_term_cmp(d->term, d->term_len, term, len);
        if (c < 0 || (c == 0 && d->field < field))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < seg->n_deldf) {
        const pdx_deldf *d = &seg->deldf[lo];
        if (d->field == field && pdx_term_cmp(d->term, d->term_len, term, len) == 0)
            return d->count;
    }
    return 0;
}

/* The df of segment seg's (term, field) list as written (its deleted
 * papers included); 0 when it has no such list. */
static int segment_list_df(pdx_index *seg, const char *term, size_t len, unsigned field,
                           uint64_t *out)
{
    *out = 0;
    uint32_t ord;
    pdx_term t;
    pdx_list_header h;
    int rc = pdx_term_find(seg, term, len, &ord);
    if (rc == PDX_ENOTFOUND)
        return PDX_OK;
    if (!rc)
        rc = pdx_term_get(seg, ord, &t);
    if (rc || !(t.fields & (1u << field)))
        return rc;
    if (!(rc = pdx_term_list(seg, &t, field, &h)))
        *out = h.df;
    return rc;
}

int pdx_term_list_df(pdx_index *ix, const char *term, size_t len, unsigned field,
                     uint64_t *out)
{
    *out = 0;
    if (field >= PDX_NFIELDS)
        return PDX_EINVAL;
    if (!ix->n_segs) /* a segment handle: its list's df, as written */
        return segment_list_df(ix, term, len, field, out);
    for (uint32_t i = 0; i < ix->n_segs; i++) {
        uint64_t df;
        int rc = segment_list_df(ix->segs[i], term, len, field, &df);
        if (rc)
            return pdx_view_pass_error(ix, ix->segs[i], rc);
        uint32_t gone = pdx_deldf_count(ix->segs[i], term, len, field);
        *out += df >= gone ? df - gone : 0;
    }
    return PDX_OK;
}

int pdx_view_term_df(pdx_index *ix, uint32_t vord, unsigned fields, uint64_t *out)
{
    *out = 0;
    pdx_term t;
    int rc = pdx_view_term_get(ix, vord, &t);
    for (unsigned f = 0; !rc && f < PDX_NFIELDS; f++) {
        uint64_t df = 0;
        if ((fields & (1u << f)) && pdx_term_list_df(ix, t.str, t.len, f, &df) == PDX_OK)
            *out += df;
    }
    return rc;
}

int pdx_term_local(pdx_index *ix, uint32_t vord, uint32_t seg, uint32_t *local)
{
    if (!ix->n_segs) {
        if (seg != 0)
            return PDX_ENOTFOUND;
        *local = vord;
        return PDX_OK;
    }
    if (seg >= ix->n_segs)
        return pdx_index_error(ix, PDX_EINVAL, "segment %u of %u", seg, ix->n_segs);
    if (vord >> PDX_VORD_SHIFT == seg) {
        *local = vord & VORD_MASK;
        return PDX_OK;
    }
    pdx_term t;
    int rc = pdx_view_term_get(ix, vord, &t);
    if (rc)
        return rc;
    return pdx_view_pass_error(ix, ix->segs[seg], pdx_term_find(ix->segs[seg], t.str, t.len, local));
}

/* A term of one segment's prefix range, for the merge. */
typedef struct prefix_term {
    const char *str; /* into the segment's mapping */
    size_t len;      /* bytes */
    uint32_t vord;   /* (segment << PDX_VORD_SHIFT) | ord */
} prefix_term;

static int cmp_prefix_term(const void *a, const void *b)
{
    const prefix_term *x = a, *y = b;
    int c = pdx_term_cmp(x->str, x->len, y->str, y->len);
    return c ? c : (x->vord > y->vord) - (x->vord < y->vord);
}

/* Every segment's terms of the prefix, sorted by (term, segment). */
static int collect_prefix(pdx_index *ix, const char *prefix, size_t len, prefix_term **out,
                          size_t *n)
{
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    for (uint32_t i = 0; i < ix->n_segs; i++) {
        pdx_index *seg = ix->segs[i];
        uint32_t first, end;
        int rc = pdx_term_prefix(seg, prefix, len, &first, &end);
        if (rc)
            return pdx_view_pass_error(ix, seg, rc);
        if (*n + (end - first) > cap) {
            cap = *n + (end - first) + cap;
            prefix_term *nt = realloc(*out, (cap ? cap : 1) * sizeof *nt);
            if (!nt)
                return PDX_ENOMEM;
            *out = nt;
        }
        for (uint32_t o = first; o < end; o++) {
            pdx_term t;
            if ((rc = pdx_term_get(seg, o, &t)))
                return pdx_view_pass_error(ix, seg, rc);
            (*out)[(*n)++] = (prefix_term){t.str, t.len, (i << PDX_VORD_SHIFT) | o};
        }
    }
    if (*n > 1)
        qsort(*out, *n, sizeof **out, cmp_prefix_term);
    return PDX_OK;
}

int pdx_term_prefix_list(pdx_index *ix, const char *prefix, size_t len, uint32_t **vords,
                         size_t *n)
{
    *vords = NULL;
    *n = 0;
    if (!ix->n_segs) {
        uint32_t first, end;
        int rc = pdx_term_prefix(ix, prefix, len, &first, &end);
        if (rc || end == first)
            return rc;
        if (!(*vords = malloc((size_t)(end - first) * sizeof **vords)))
            return PDX_ENOMEM;
        for (uint32_t o = first; o < end; o++)
            (*vords)[(*n)++] = o;
        return PDX_OK;
    }
    prefix_term *all;
    size_t n_all;
    int rc = collect_prefix(ix, prefix, len, &all, &n_all);
    if (!rc && n_all && !(*vords = malloc(n_all * sizeof **vords)))
        rc = PDX_ENOMEM;
    for (size_t k = 0; !rc && k < n_all; k++) /* the first segment's of each term */
        if (k == 0 || pdx_term_cmp(all[k].str, all[k].len, all[k - 1].str, all[k - 1].len))
            (*vords)[(*n)++] = all[k].vord;
    free(all);
    if (rc) {
        free(*vords);
        *vords = NULL;
        *n = 0;
    }
    return rc;
}
