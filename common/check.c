/*
 * pdx_index_check(): full verification of a segment, for
 * `paperdex-index --check`. Opening checks only what is O(1); this walks
 * everything and stops at the first problem, which it names by section.
 *
 * Every byte of the file is covered by something checked here: the header
 * and footer by their checksums, each section by its XXH3-64, the table by
 * its own checksum, and the padding between sections must be zero. So any
 * single flipped bit is reported. Then the structure is checked, because a
 * checksum only proves the bytes are what the writer wrote, not that the
 * writer was right.
 */
#include <stdlib.h>

#include "paperdex/tokenizer.h"
#include "segment.h"

/* Sections, table and footer tile the file with zero padding, and every
 * checksum holds (frame.c, shared with the manifest). */
static int check_coverage(pdx_index *ix)
{
    char msg[PDX_MSG_MAX];
    int rc = pdx_frame_coverage(ix->map, ix->size, &pdx_segment_kind, ix->sec, msg, sizeof msg);
    return rc ? pdx_index_corrupt(ix, "%s", msg) : PDX_OK;
}

/* A hash table's header (its slot count, which the open took from the
 * section's length, and a zero word) and its n entries, none past n.
 * (That each entry is found by lookup is checked item by item by the
 * callers.) */
static int check_hash_entries(pdx_index *ix, unsigned sec, uint32_t n_slots, uint32_t n)
{
    const uint8_t *h = ix->sec[sec].p;
    if (pdx_get_u32(h) != n_slots)
        return pdx_index_corrupt(ix, "%s: bad slot count %u (%u slots)", pdx_section_name(sec),
                                 pdx_get_u32(h), n_slots);
    if (pdx_get_u32(h + 4) != 0)
        return pdx_index_corrupt(ix, "%s: reserved word is not zero", pdx_section_name(sec));
    uint32_t used = 0;
    const uint8_t *slots = ix->sec[sec].p + 8;
    for (uint32_t s = 0; s < n_slots; s++) {
        uint32_t v = pdx_get_u32(slots + (size_t)s * PDX_HASH_SLOT_SIZE);
        if (v > n)
            return pdx_index_corrupt(ix, "%s: slot %u points past the %u entries",
                                     pdx_section_name(sec), s, n);
        used += v != 0;
    }
    if (used != n)
        return pdx_index_corrupt(ix, "%s: %u entries for %u items", pdx_section_name(sec), used,
                                 n);
    return PDX_OK;
}

/* Positions a document's field can hold: one per token, plus the gap the
 * writer leaves between two authors (FORMAT.md, POSITIONS). */
static uint32_t position_limit(const pdx_doc *d, const pdx_stored *st, unsigned field)
{
    if (field != PDX_FIELD_AUTHORS || st->authors_len == 0)
        return d->len[field];
    uint64_t n_authors = 1;
    for (size_t i = 0; i < st->authors_len; i++)
        n_authors += st->authors[i] == '\n';
    uint64_t lim = d->len[field] + (n_authors - 1) * PDX_AUTHOR_POSITION_GAP;
    return lim > UINT32_MAX ? UINT32_MAX : (uint32_t)lim;
}

/* The scoring row of document d must be its record's values (format.h
 * DOCS): the scorer reads the row, everything else the record. */
static int check_doc_row(pdx_index *ix, uint32_t d, const pdx_doc *doc)
{
    const uint8_t *row = pdx_doc_row(ix, d);
    for (unsigned f = 0; f < PDX_NFIELDS; f++) {
        uint32_t want = PDX_MIN(doc->len[f], PDX_DOC_ROW_ESCAPE);
        if (pdx_get_u16(row + 2 * f) != want)
            return pdx_index_corrupt(ix, "DOCS: document %u scoring row length %u is %u, its "
                                     "record says %u", d, f, pdx_get_u16(row + 2 * f),
                                     doc->len[f]);
    }
    uint32_t want = doc->votes < 0                          ? PDX_DOC_ROW_NO_VOTES
                    : doc->votes < (int64_t)PDX_DOC_ROW_NO_VOTES ? (uint32_t)doc->votes
                                                            : PDX_DOC_ROW_ESCAPE;
    if (pdx_get_u16(row + 6) != want)
        return pdx_index_corrupt(ix, "DOCS: document %u scoring row votes do not match its "
                                 "record", d);
    return PDX_OK;
}

/* Checks DOCS, STORED and IDHASH against each other and META, and fills
 * limit[doc * PDX_NFIELDS + field] with position_limit(). */
static int check_docs(pdx_index *ix, uint32_t *limit)
{
    uint64_t sum[PDX_NFIELDS] = {0};
    int32_t lo = 0, hi = 0;
    uint32_t max_votes = 0;
    uint64_t expect_off = 0;
    for (uint32_t d = 0; d < ix->n_docs; d++) {
        pdx_doc doc;
        pdx_stored st;
        int rc = pdx_doc_get(ix, d, &doc);
        if (!rc)
            rc = pdx_stored_get(ix, d, &st);
        if (rc)
            return rc;
        if (doc.stored_off != expect_off)
            return pdx_index_corrupt(ix, "DOCS: document %u stored fields are not contiguous", d);
        if ((rc = check_doc_row(ix, d, &doc)))
            return rc;
        expect_off += doc.stored_len;
        if (st.id_len == 0)
            return pdx_index_corrupt(ix, "STORED: document %u has an empty id", d);
        if (doc.date) {
            if (!pdx_date_valid(doc.date))
                return pdx_index_corrupt(ix, "DOCS: document %u has an invalid date %d", d,
                                         doc.date);
            if (!lo || doc.date < lo)
                lo = doc.date;
            if (doc.date > hi)
                hi = doc.date;
        }
        for (unsigned f = 0; f < PDX_NFIELDS; f++) {
            sum[f] += doc.len[f];
            limit[(size_t)d * PDX_NFIELDS + f] = position_limit(&doc, &st, f);
        }
        if (doc.votes > (int64_t)max_votes)
            max_votes = (uint32_t)doc.votes;
        uint32_t found;
        rc = pdx_doc_find_id(ix, st.id, st.id_len, &found);
        if (rc == PDX_ENOTFOUND || (!rc && found != d))
            return pdx_index_corrupt(ix, "IDHASH: document %u is not found by its id", d);
        if (rc)
            return rc;
    }
    if (expect_off != ix->sec[PDX_SEC_STORED].len)
        return pdx_index_corrupt(ix, "STORED: %llu bytes not owned by any document",
                                 (unsigned long long)(ix->sec[PDX_SEC_STORED].len - expect_off));
    for (int f = 0; f < PDX_NFIELDS; f++)
        if (sum[f] != ix->sum_len[f])
            return pdx_index_corrupt(ix, "META: field length sum %d does not match DOCS", f);
    if (lo != ix->min_date || hi != ix->max_date)
        return pdx_index_corrupt(ix, "META: date range does not match DOCS");
    if (max_votes != ix->max_votes)
        return pdx_index_corrupt(ix, "META: vote maximum does not match DOCS");
    return check_hash_entries(ix, PDX_SEC_IDHASH, ix->idhash_slots, ix->n_docs);
}

/* What check_terms carries from list to list. */
typedef struct list_walk {
    const uint32_t *limit; /* position limits, as filled by check_docs */
    uint64_t n_postings;   /* postings counted so far */
    uint64_t pos_expect;   /* where the next list's positions must start */
    uint32_t *positions;   /* scratch for one document's positions; owned */
    uint32_t cap;          /* entries in positions */
} list_walk;

/* Grows w->positions to hold tf entries. tf is bounded by the POSITIONS
 * bytes (postings.c checks it), so this is bounded by the file size. */
static int reserve_positions(list_walk *w, uint32_t tf)
{
    if (tf <= w->cap)
        return PDX_OK;
    uint32_t *np = realloc(w->positions, (size_t)tf * sizeof *np);
    if (!np)
        return PDX_ENOMEM;
    w->positions = np;
    w->cap = tf;
    return PDX_OK;
}

/* At the first document of block p->block: its data starts where the
 * previous block's ended (data_at) and its positions where the previous
 * block's ended (pos_at): blocks are laid out back to back in both
 * streams, from the start of the list's data and positions. */
static int check_block_start(pdx_index *ix, const pdx_postings *p, uint32_t ord,
                             const uint8_t *data_at, const uint8_t *pos_at)
{
    const uint8_t *e = p->skip + (size_t)p->block * PDX_SKIP_ENTRY_SIZE;
    if (p->data + pdx_get_u32(e + PDX_SKIP_DOC_OFF) != data_at)
        return pdx_index_corrupt(ix, "POSTINGS: term %u block %u data not contiguous", ord,
                                 p->block);
    if (p->pos_p != pos_at)
        return pdx_index_corrupt(ix, "POSITIONS: term %u block %u not contiguous", ord,
                                 p->block);
    return PDX_OK;
}

/* Checks the current document's tf and positions against its field, whose
 * length it returns in *len, with its vote count as the bounds count it
 * (0 when unknown) in *votes. */
static int check_doc_positions(pdx_index *ix, pdx_postings *p, uint32_t ord, list_walk *w,
                               uint32_t *len, uint32_t *votes)
{
    uint32_t tf = pdx_postings_tf(p);
    pdx_doc d;
    int rc = pdx_doc_get(ix, p->doc, &d);
    if (rc)
        return rc;
    *len = d.len[p->field];
    *votes = d.votes > 0 ? (uint32_t)d.votes : 0;
    /* pdx_postings_positions refuses a tf above the field length */
    if ((rc = reserve_positions(w, tf)) || (rc = pdx_postings_positions(p, w->positions)))
        return rc;
    for (uint32_t k = 1; k < tf; k++)
        if (w->positions[k] <= w->positions[k - 1])
            return pdx_index_corrupt(ix, "POSITIONS: term %u positions do not increase", ord);
    uint32_t lim = w->limit[(size_t)p->doc * PDX_NFIELDS + p->field];
    if (w->positions[tf - 1] >= lim)
        return pdx_index_corrupt(ix, "POSITIONS: term %u document %u position %u is past "
                                 "the field's %u positions", ord, p->doc,
                                 w->positions[tf - 1], lim);
    return PDX_OK;
}

/* Are the list's stored impacts the frontier of its postings? */
static bool same_impacts(const pdx_postings *p, const pdx_impacts *im)
{
    uint32_t tf[PDX_MAX_IMPACTS], len[PDX_MAX_IMPACTS], tf2[PDX_MAX_IMPACTS],
        len2[PDX_MAX_IMPACTS];
    uint32_t n = pdx_impacts_frontier(im, tf, len);
    if (pdx_postings_impacts(p, tf2, len2) != n)
        return false;
    for (uint32_t i = 0; i < n; i++)
        if (tf[i] != tf2[i] || len[i] != len2[i])
            return false;
    return true;
}

/* Walks one list completely, comparing it with its header and skip table,
 * and checking that its blocks fill its data and positions exactly. */
static int check_list(pdx_index *ix, uint32_t ord, unsigned field, list_walk *w)
{
    pdx_postings p;
    int rc = pdx_postings_open(&p, ix, ord, field);
    if (rc)
        return rc == PDX_ENOTFOUND ? pdx_index_corrupt(ix, "TERMS: term %u field list missing",
                                                       ord)
                                   : rc;
    if ((uint64_t)(p.pos - ix->sec[PDX_SEC_POSITIONS].p) != w->pos_expect)
        return pdx_index_corrupt(ix, "POSTINGS: term %u positions are not contiguous", ord);
    uint32_t count = 0, max_tf = 0, min_len = UINT32_MAX, max_votes = 0, prev = 0;
    uint32_t bmax = 0, bmin = UINT32_MAX, bvotes = 0;
    pdx_impacts im;
    pdx_impacts_reset(&im);
    const uint8_t *data_at = p.data, *pos_at = p.pos;
    while (p.doc != PDX_NO_DOC) {
        if (p.i == 0 && (rc = check_block_start(ix, &p, ord, data_at, pos_at)))
            return rc;
        if (count && p.doc <= prev)
            return pdx_index_corrupt(ix, "POSTINGS: term %u ids do not increase", ord);
        prev = p.doc;
        uint32_t tf = pdx_postings_tf(&p), len, votes;
        if ((rc = check_doc_positions(ix, &p, ord, w, &len, &votes)))
            return rc;
        pos_at = p.pos_p;
        max_tf = PDX_MAX(max_tf, tf);
        min_len = PDX_MIN(min_len, len);
        pdx_impacts_add(&im, tf, len);
        bmax = PDX_MAX(bmax, tf);
        bmin = PDX_MIN(bmin, len);
        max_votes = PDX_MAX(max_votes, votes);
        bvotes = PDX_MAX(bvotes, votes);
        count++;
        if (p.i + 1 == p.n) { /* end of block: compare with its skip entry */
            if (pdx_skip_max_tf(&p, p.block) != bmax || pdx_skip_min_len(&p, p.block) != bmin ||
                pdx_skip_max_votes(&p, p.block) != bvotes)
                return pdx_index_corrupt(ix, "POSTINGS: term %u block %u bounds are wrong", ord,
                                         p.block);
            bmax = 0;
            bmin = UINT32_MAX;
            bvotes = 0;
            data_at = p.block_end;
        }
        if ((rc = pdx_postings_next(&p)))
            return rc;
    }
    if (count != p.df || max_tf != p.max_tf || min_len != p.min_len ||
        max_votes != p.max_votes)
        return pdx_index_corrupt(ix, "POSTINGS: term %u header does not match its documents",
                                 ord);
    if (!same_impacts(&p, &im))
        return pdx_index_corrupt(ix, "POSTINGS: term %u impacts do not match its documents",
                                 ord);
    if (data_at != p.data_end)
        return pdx_index_corrupt(ix, "POSTINGS: term %u has %td bytes after its last block", ord,
                                 p.data_end - data_at);
    w->n_postings += count;
    w->pos_expect = (uint64_t)(pos_at - ix->sec[PDX_SEC_POSITIONS].p);
    return PDX_OK;
}

/* A term is what the tokenizer can produce: valid UTF-8 without control
 * characters (its length, 1..PDX_MAX_TERM_BYTES, pdx_term_get checks). */
static int check_term_bytes(pdx_index *ix, uint32_t ord, const pdx_term *t)
{
    const uint8_t *b = (const uint8_t *)t->str;
    for (size_t i = 0; i < t->len;) {
        int32_t cp;
        size_t k = pdx_utf8_decode(b + i, t->len - i, &cp);
        if (k == 0)
            return pdx_index_corrupt(ix, "TERMSTR: term %u is not valid UTF-8", ord);
        if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
            return pdx_index_corrupt(ix, "TERMSTR: term %u holds a control character", ord);
        i += k;
    }
    return PDX_OK;
}

/* Where the next term's bytes and postings must start. */
typedef struct term_walk {
    pdx_term prev;        /* the previous term (str NULL before the first) */
    uint64_t str_expect;  /* offset in TERMSTR */
    uint64_t post_expect; /* offset in POSTINGS */
} term_walk;

/* Checks term t's record, bytes, order and hash entry, then its lists. */
static int check_term(pdx_index *ix, uint32_t t, term_walk *tw, list_walk *w)
{
    pdx_term term;
    int rc = pdx_term_get(ix, t, &term);
    if (rc)
        return rc;
    if (term.str - (const char *)ix->sec[PDX_SEC_TERMSTR].p != (ptrdiff_t)tw->str_expect)
        return pdx_index_corrupt(ix, "TERMSTR: term %u is not contiguous", t);
    tw->str_expect += term.len;
    if ((rc = check_term_bytes(ix, t, &term)))
        return rc;
    if (t && pdx_term_cmp(tw->prev.str, tw->prev.len, term.str, term.len) >= 0)
        return pdx_index_corrupt(ix, "TERMS: terms %u and %u are not in order", t - 1, t);
    tw->prev = term;
    if (pdx_get_u16(ix->sec[PDX_SEC_TERMS].p + (size_t)t * PDX_TERM_RECORD_SIZE + 6) != 0)
        return pdx_index_corrupt(ix, "TERMS: term %u reserved bytes are not zero", t);
    if (term.post_off != tw->post_expect)
        return pdx_index_corrupt(ix, "POSTINGS: term %u is not where the previous ended", t);
    uint32_t found;
    rc = pdx_term_find(ix, term.str, term.len, &found);
    if (rc == PDX_ENOTFOUND || (!rc && found != t))
        return pdx_index_corrupt(ix, "TERMHASH: term %u is not found by lookup", t);
    if (rc)
        return rc;
    pdx_list_header h = {0};
    for (unsigned f = 0; f < PDX_NFIELDS; f++) {
        if (!(term.fields & (1u << f)))
            continue;
        if ((rc = check_list(ix, t, f, w)) || (rc = pdx_term_list(ix, &term, f, &h)))
            return rc;
    }
    tw->post_expect = (uint64_t)(h.end - ix->sec[PDX_SEC_POSTINGS].p);
    return PDX_OK;
}

static int check_terms(pdx_index *ix, const uint32_t *limit)
{
    list_walk w = {.limit = limit};
    term_walk tw = {0};
    int rc = PDX_OK;
    for (uint32_t t = 0; t < ix->n_terms && !rc; t++)
        rc = check_term(ix, t, &tw, &w);
    free(w.positions);
    if (rc)
        return rc;
    if (tw.str_expect != ix->sec[PDX_SEC_TERMSTR].len)
        return pdx_index_corrupt(ix, "TERMSTR: bytes not owned by any term");
    if (tw.post_expect != ix->sec[PDX_SEC_POSTINGS].len)
        return pdx_index_corrupt(ix, "POSTINGS: bytes not owned by any term");
    if (w.pos_expect != ix->sec[PDX_SEC_POSITIONS].len)
        return pdx_index_corrupt(ix, "POSITIONS: bytes not owned by any list");
    if (w.n_postings != ix->n_postings)
        return pdx_index_corrupt(ix, "META: %llu postings counted, %llu recorded",
                                 (unsigned long long)w.n_postings,
                                 (unsigned long long)ix->n_postings);
    return check_hash_entries(ix, PDX_SEC_TERMHASH, ix->termhash_slots, ix->n_terms);
}

int pdx_section_verify(pdx_index *ix, unsigned id)
{
    const pdx_section *sec = &ix->sec[id];
    if (pdx_hash(sec->p, sec->len) == sec->sum)
        return PDX_OK;
    return pdx_index_corrupt(ix, "%s (bytes %llu..%llu): checksum mismatch", pdx_section_name(id),
                             (unsigned long long)sec->off,
                             (unsigned long long)(sec->off + sec->len));
}

int pdx_segment_check(pdx_index *ix)
{
    int rc = check_coverage(ix);
    if (rc)
        return rc;
    /* One limit per document and field; n_docs is bounded by the DOCS
     * section's size (checked at open). */
    uint32_t *limit = malloc(((size_t)ix->n_docs * PDX_NFIELDS + 1) * sizeof *limit);
    if (!limit)
        return PDX_ENOMEM;
    rc = check_docs(ix, limit);
    if (!rc)
        rc = check_terms(ix, limit);
    free(limit);
    return rc;
}

int pdx_index_check(pdx_index *ix)
{
    if (!ix)
        return PDX_EINVAL;
    return ix->n_segs ? pdx_view_check(ix) : pdx_segment_check(ix);
}

/* ---- a view: the manifest against its segments ---- */

/* The deleted papers segment seg's (term ord, field) list holds. */
static int count_deleted_in_list(pdx_index *seg, uint32_t ord, unsigned field,
                                 const uint32_t *deleted, uint32_t n_deleted, uint32_t *out)
{
    pdx_postings p;
    *out = 0;
    int rc = pdx_postings_open(&p, seg, ord, field);
    for (uint32_t k = 0; !rc && k < n_deleted && p.doc != PDX_NO_DOC; k++) {
        rc = pdx_postings_seek(&p, deleted[k]);
        *out += !rc && p.doc == deleted[k];
    }
    return rc;
}

/* The entry of deldf[*k] is (t, field): compares and moves on. */
static int match_deldf(pdx_index *view, pdx_index *seg, const pdx_term *t, unsigned field,
                       uint32_t count, uint32_t *k)
{
    const pdx_deldf *d = *k < seg->n_deldf ? &seg->deldf[*k] : NULL;
    int c = d ? pdx_term_cmp(d->term, d->term_len, t->str, t->len) : 1;
    if (c == 0)
        c = (d->field > field) - (d->field < field);
    if (c < 0)
        return pdx_index_corrupt(view, "MDELDF: segment %s: entry '%.*s' field %u names a "
                                 "list the segment does not have", seg->path, (int)d->term_len,
                                 d->term, d->field);
    uint32_t recorded = c == 0 ? d->count : 0;
    if (recorded != count)
        return pdx_index_corrupt(view, "MDELDF: segment %s: the list of '%.*s' field %u holds "
                                 "%u deleted papers, the manifest says %u", seg->path,
                                 (int)t->len, t->str, field, count, recorded);
    *k += c == 0;
    return PDX_OK;
}

/* Every list of a segment with deletions is scanned for its deleted
 * papers; the counts must be MDELDF's, and every list holding one must be
 * in it. */
static int check_deldf(pdx_index *view, pdx_index *seg, const pdx_manifest_segment *ms)
{
    uint32_t k = 0;
    for (uint32_t ord = 0; ms->n_deleted && ord < seg->n_terms; ord++) {
        pdx_term t;
        int rc = pdx_term_get(seg, ord, &t);
        for (unsigned f = 0; !rc && f < PDX_NFIELDS; f++) {
            uint32_t count = 0;
            if (!(t.fields & (1u << f)))
                continue;
            rc = count_deleted_in_list(seg, ord, f, ms->deleted, ms->n_deleted, &count);
            if (rc)
                break;
            if ((rc = match_deldf(view, seg, &t, f, count, &k))) /* message in view */
                return rc;
        }
        if (rc)
            return pdx_view_pass_error(view, seg, rc);
    }
    if (k != seg->n_deldf)
        return pdx_index_corrupt(view, "MDELDF: segment %s: %u entries name lists the segment "
                                 "does not have", seg->path, seg->n_deldf - k);
    return PDX_OK;
}

/* The live statistics of MMETA, recomputed from the segments. */
typedef struct live_stats {
    uint64_t n_live;               /* live papers */
    uint64_t sum_len[PDX_NFIELDS]; /* their tokens per field */
    int32_t min_date, max_date;    /* their known dates, 0 if none */
    uint32_t max_votes;            /* most votes in any segment's META */
} live_stats;

static int add_live_stats(pdx_index *view, pdx_index *seg, live_stats *ls)
{
    ls->max_votes = PDX_MAX(ls->max_votes, seg->max_votes);
    for (uint32_t d = 0; d < seg->n_docs; d++) {
        if (pdx_doc_deleted(seg, d))
            continue;
        pdx_doc doc;
        int rc = pdx_doc_get(seg, d, &doc);
        if (rc)
            return pdx_view_pass_error(view, seg, rc);
        ls->n_live++;
        for (unsigned f = 0; f < PDX_NFIELDS; f++)
            ls->sum_len[f] += doc.len[f];
        if (doc.date && (!ls->min_date || doc.date < ls->min_date))
            ls->min_date = doc.date;
        ls->max_date = PDX_MAX(ls->max_date, doc.date);
    }
    return PDX_OK;
}

static int check_live_stats(pdx_index *view, const pdx_manifest *m, const live_stats *ls)
{
    if (ls->n_live != m->n_live)
        return pdx_index_corrupt(view, "MMETA: %u live papers recorded, the segments hold %llu",
                                 m->n_live, (unsigned long long)ls->n_live);
    for (unsigned f = 0; f < PDX_NFIELDS; f++)
        if (ls->sum_len[f] != m->sum_len[f])
            return pdx_index_corrupt(view, "MMETA: field %u length sum %llu, the live papers "
                                     "hold %llu", f, (unsigned long long)m->sum_len[f],
                                     (unsigned long long)ls->sum_len[f]);
    if (ls->min_date != m->min_date || ls->max_date != m->max_date)
        return pdx_index_corrupt(view, "MMETA: date range %d..%d, the live papers span %d..%d",
                                 m->min_date, m->max_date, ls->min_date, ls->max_date);
    if (m->max_votes < ls->max_votes)
        return pdx_index_corrupt(view, "MMETA: vote maximum %u is below a segment's %u",
                                 m->max_votes, ls->max_votes);
    return PDX_OK;
}

/* A file's papers are the local ids [first, first + n) of its segment,
 * stored with its path, and no two files claim one paper. */
static int check_file(pdx_index *view, const pdx_manifest_file *f, uint8_t **claimed)
{
    uint32_t i = 0;
    while (i < view->n_segs && view->segs[i]->seq != f->seq)
        i++;
    if (i == view->n_segs) /* the decoder refused it already */
        return pdx_index_corrupt(view, "MFILES: %s names no segment", f->path);
    pdx_index *seg = view->segs[i];
    size_t plen = strlen(f->path);
    for (uint32_t d = f->first_doc; d < f->first_doc + f->n_docs; d++) {
        pdx_stored st;
        int rc = pdx_stored_get(seg, d, &st);
        if (rc)
            return pdx_view_pass_error(view, seg, rc);
        if (claimed[i][d]++)
            return pdx_index_corrupt(view, "MFILES: paper %u of segment %s is claimed by two "
                                     "files (one is %s)", d, seg->path, f->path);
        if (st.file_len != plen || memcmp(st.file, f->path, plen) != 0)
            return pdx_index_corrupt(view, "MFILES: paper %u of segment %s is from %.*s, not "
                                     "%s", d, seg->path, (int)st.file_len, st.file, f->path);
    }
    return PDX_OK;
}

static int check_files(pdx_index *view, const pdx_manifest *m)
{
    uint8_t **claimed = calloc(view->n_segs, sizeof *claimed);
    int rc = claimed ? PDX_OK : PDX_ENOMEM;
    for (uint32_t i = 0; !rc && i < view->n_segs; i++)
        if (!(claimed[i] = calloc(view->segs[i]->n_docs + 1, 1)))
            rc = PDX_ENOMEM;
    for (uint32_t k = 0; !rc && k < m->n_files; k++)
        rc = check_file(view, &m->files[k], claimed);
    for (uint32_t i = 0; claimed && i < view->n_segs; i++)
        free(claimed[i]);
    free(claimed);
    return rc;
}

/* The whole manifest (every section's checksum and structure, MFILES and
 * MCAND included), then what the view's open did not check. */
static int check_manifest_sections(pdx_index *view, pdx_manifest *full)
{
    char msg[PDX_MSG_MAX];
    int rc = pdx_manifest_decode(full, view->mf_bytes, view->mf_len, msg, sizeof msg);
    if (rc)
        return rc == PDX_ENOMEM ? rc : pdx_index_error(view, rc, "%s", msg);
    const pdx_lexicon *lx;
    rc = pdx_index_lexicon(view, &lx);
    if (!rc && lx && (rc = pdx_lexicon_verify(lx)) != PDX_OK && rc != PDX_ENOMEM)
        rc = pdx_index_corrupt(view, "manifest: LEXICON: %s", pdx_lexicon_errmsg(lx));
    if (rc)
        pdx_manifest_free(full);
    return rc;
}

int pdx_view_check(pdx_index *view)
{
    pdx_manifest full;
    int rc = check_manifest_sections(view, &full);
    if (rc)
        return rc;
    live_stats ls = {0};
    for (uint32_t i = 0; !rc && i < view->n_segs; i++) {
        pdx_index *seg = view->segs[i];
        rc = pdx_view_pass_error(view, seg, pdx_segment_check(seg));
        if (!rc)
            rc = check_deldf(view, seg, &full.segs[i]);
        if (!rc)
            rc = add_live_stats(view, seg, &ls);
    }
    if (!rc)
        rc = check_live_stats(view, &full, &ls);
    if (!rc)
        rc = check_files(view, &full);
    pdx_manifest_free(&full);
    return rc;
}
