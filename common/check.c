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

#include "segment.h"

static int check_coverage(pdx_index *ix)
{
    /* Sections sorted by offset, then the table and footer, must tile the
     * file after the header with only zero padding (< alignment) between. */
    unsigned order[PDX_SEC_COUNT];
    for (unsigned i = 0; i < PDX_SEC_COUNT; i++)
        order[i] = i + 1;
    for (unsigned i = 1; i < PDX_SEC_COUNT; i++)
        for (unsigned j = i; j > 0 && ix->sec[order[j]].off < ix->sec[order[j - 1]].off; j--) {
            unsigned t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    uint64_t at = PDX_HEADER_SIZE;
    for (unsigned i = 0; i < PDX_SEC_COUNT; i++) {
        const pdx_section *s = &ix->sec[order[i]];
        if (s->off < at || s->off - at >= PDX_SECTION_ALIGN)
            return pdx_index_corrupt(ix, "%s: overlaps another section or leaves a gap",
                                     pdx_section_name(order[i]));
        for (uint64_t b = at; b < s->off; b++)
            if (ix->map[b])
                return pdx_index_corrupt(ix, "padding before %s is not zero",
                                         pdx_section_name(order[i]));
        at = s->off + s->len;
    }
    uint64_t toff = pdx_get_u64(ix->map + PDX_HDR_TABLE_OFF);
    if (toff < at || toff - at >= PDX_SECTION_ALIGN)
        return pdx_index_corrupt(ix, "section table: not right after the last section");
    for (uint64_t b = at; b < toff; b++)
        if (ix->map[b])
            return pdx_index_corrupt(ix, "padding before the section table is not zero");
    if (toff + PDX_SEC_COUNT * PDX_SECTION_ENTRY_SIZE + 8 + PDX_FOOTER_SIZE != ix->size)
        return pdx_index_corrupt(ix, "footer: not right after the section table");
    if (pdx_get_u32(ix->map + PDX_HDR_FLAGS) != 0 || pdx_get_u64(ix->map + PDX_HDR_RESERVED) != 0)
        return pdx_index_corrupt(ix, "header: reserved bytes are not zero");
    return PDX_OK;
}

/* A hash table holds exactly n entries, none past n. (That each entry is
 * found by lookup is checked item by item by the callers.) */
static int check_hash_entries(pdx_index *ix, unsigned sec, uint32_t n_slots, uint32_t n)
{
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

static int check_docs(pdx_index *ix)
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
        expect_off += doc.stored_len;
        if (st.id_len == 0)
            return pdx_index_corrupt(ix, "STORED: document %u has an empty id", d);
        if (doc.date) {
            int m = doc.date / 100 % 100, day = doc.date % 100;
            if (doc.date < 19000101 || doc.date > 99991231 || m < 1 || m > 12 || day < 1 ||
                day > 31)
                return pdx_index_corrupt(ix, "DOCS: document %u has an invalid date %d", d,
                                         doc.date);
            if (!lo || doc.date < lo)
                lo = doc.date;
            if (doc.date > hi)
                hi = doc.date;
        }
        for (int f = 0; f < PDX_NFIELDS; f++)
            sum[f] += doc.len[f];
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

/* Walks one list completely, comparing it with its header and skip table. */
static int check_list(pdx_index *ix, uint32_t ord, unsigned field, uint64_t *n_postings,
                      uint64_t *pos_expect, uint32_t *positions, uint32_t cap)
{
    pdx_postings p;
    int rc = pdx_postings_open(&p, ix, ord, field);
    if (rc)
        return rc == PDX_ENOTFOUND ? pdx_index_corrupt(ix, "TERMS: term %u field list missing",
                                                       ord)
                                   : rc;
    if ((uint64_t)(p.pos - ix->sec[PDX_SEC_POSITIONS].p) != *pos_expect)
        return pdx_index_corrupt(ix, "POSTINGS: term %u positions are not contiguous", ord);
    uint32_t count = 0, max_tf = 0, min_len = UINT32_MAX, prev = 0;
    uint32_t bmax = 0, bmin = UINT32_MAX;
    const uint8_t *pos_after = p.pos;
    while (p.doc != PDX_NO_DOC) {
        if (count && p.doc <= prev)
            return pdx_index_corrupt(ix, "POSTINGS: term %u ids do not increase", ord);
        prev = p.doc;
        uint32_t tf = pdx_postings_tf(&p);
        pdx_doc d;
        if ((rc = pdx_doc_get(ix, p.doc, &d)))
            return rc;
        if (tf > d.len[field] || tf > cap)
            return pdx_index_corrupt(ix, "POSTINGS: term %u tf %u exceeds the field length",
                                     ord, tf);
        if ((rc = pdx_postings_positions(&p, positions)))
            return rc;
        for (uint32_t k = 1; k < tf; k++)
            if (positions[k] <= positions[k - 1])
                return pdx_index_corrupt(ix, "POSITIONS: term %u positions do not increase",
                                         ord);
        pos_after = p.pos_p;
        max_tf = PDX_MAX(max_tf, tf);
        min_len = PDX_MIN(min_len, d.len[field]);
        bmax = PDX_MAX(bmax, tf);
        bmin = PDX_MIN(bmin, d.len[field]);
        count++;
        if (p.i + 1 == p.n) { /* end of block: compare with its skip entry */
            if (pdx_skip_max_tf(&p, p.block) != bmax || pdx_skip_min_len(&p, p.block) != bmin)
                return pdx_index_corrupt(ix, "POSTINGS: term %u block %u bounds are wrong", ord,
                                         p.block);
            bmax = 0;
            bmin = UINT32_MAX;
        }
        uint32_t b = p.block;
        if ((rc = pdx_postings_next(&p)))
            return rc;
        if (p.doc != PDX_NO_DOC && p.block != b) {
            /* Blocks are laid out back to back in both streams. */
            if (p.pos_p != pos_after)
                return pdx_index_corrupt(ix, "POSITIONS: term %u block %u not contiguous", ord,
                                         p.block);
        }
    }
    if (count != p.df || max_tf != p.max_tf || min_len != p.min_len)
        return pdx_index_corrupt(ix, "POSTINGS: term %u header does not match its documents",
                                 ord);
    *n_postings += count;
    *pos_expect = (uint64_t)(pos_after - ix->sec[PDX_SEC_POSITIONS].p);
    return PDX_OK;
}

static int check_terms(pdx_index *ix)
{
    uint64_t n_postings = 0, pos_expect = 0, post_expect = 0, str_expect = 0;
    uint32_t cap = 1;
    for (int f = 0; f < PDX_NFIELDS; f++) {
        /* tf <= field length <= total tokens of the field */
        uint64_t m = ix->sum_len[f];
        if (m > cap)
            cap = m > (1u << 24) ? (1u << 24) : (uint32_t)m;
    }
    uint32_t *positions = malloc((size_t)cap * sizeof *positions);
    if (!positions)
        return PDX_ENOMEM;
    int rc = PDX_OK;
    pdx_term prev = {0};
    for (uint32_t t = 0; t < ix->n_terms && !rc; t++) {
        pdx_term term;
        if ((rc = pdx_term_get(ix, t, &term)))
            break;
        if (term.str - (const char *)ix->sec[PDX_SEC_TERMSTR].p != (ptrdiff_t)str_expect) {
            rc = pdx_index_corrupt(ix, "TERMSTR: term %u is not contiguous", t);
            break;
        }
        str_expect += term.len;
        if (t) {
            int c = memcmp(prev.str, term.str, PDX_MIN(prev.len, term.len));
            if (c > 0 || (c == 0 && prev.len >= term.len)) {
                rc = pdx_index_corrupt(ix, "TERMS: terms %u and %u are not in order", t - 1, t);
                break;
            }
        }
        prev = term;
        if (pdx_get_u16(ix->sec[PDX_SEC_TERMS].p + (size_t)t * PDX_TERM_RECORD_SIZE + 6) != 0) {
            rc = pdx_index_corrupt(ix, "TERMS: term %u reserved bytes are not zero", t);
            break;
        }
        if (term.post_off != post_expect) {
            rc = pdx_index_corrupt(ix, "POSTINGS: term %u is not where the previous ended", t);
            break;
        }
        uint32_t found;
        int frc = pdx_term_find(ix, term.str, term.len, &found);
        if (frc == PDX_ENOTFOUND || (!frc && found != t)) {
            rc = pdx_index_corrupt(ix, "TERMHASH: term %u is not found by lookup", t);
            break;
        }
        if ((rc = frc))
            break;
        pdx_list_header h = {0};
        for (unsigned f = 0; f < PDX_NFIELDS && !rc; f++) {
            if (!(term.fields & (1u << f)))
                continue;
            if (!(rc = check_list(ix, t, f, &n_postings, &pos_expect, positions, cap)))
                rc = pdx_term_list(ix, &term, f, &h);
        }
        if (!rc)
            post_expect = (uint64_t)(h.end - ix->sec[PDX_SEC_POSTINGS].p);
    }
    free(positions);
    if (rc)
        return rc;
    if (str_expect != ix->sec[PDX_SEC_TERMSTR].len)
        return pdx_index_corrupt(ix, "TERMSTR: bytes not owned by any term");
    if (post_expect != ix->sec[PDX_SEC_POSTINGS].len)
        return pdx_index_corrupt(ix, "POSTINGS: bytes not owned by any term");
    if (pos_expect != ix->sec[PDX_SEC_POSITIONS].len)
        return pdx_index_corrupt(ix, "POSITIONS: bytes not owned by any list");
    if (n_postings != ix->n_postings)
        return pdx_index_corrupt(ix, "META: %llu postings counted, %llu recorded",
                                 (unsigned long long)n_postings,
                                 (unsigned long long)ix->n_postings);
    return check_hash_entries(ix, PDX_SEC_TERMHASH, ix->termhash_slots, ix->n_terms);
}

int pdx_index_check(pdx_index *ix)
{
    int rc = check_coverage(ix);
    if (rc)
        return rc;
    for (unsigned id = 1; id <= PDX_SEC_COUNT; id++) {
        const pdx_section *s = &ix->sec[id];
        if (pdx_hash(s->p, s->len) != s->sum)
            return pdx_index_corrupt(ix, "%s: checksum mismatch", pdx_section_name(id));
    }
    if ((rc = check_docs(ix)))
        return rc;
    return check_terms(ix);
}
