/*
 * Cursor over one (term, field) postings list; grammar in format.h.
 *
 * Blocks of PDX_BLOCK_SIZE documents are decoded on demand: seek() walks
 * the skip table (last document id of each block) and decodes only the
 * block that can hold the target, so an AND of a rare and a frequent term
 * touches few blocks of the frequent one. Positions are decoded only for
 * documents whose positions are asked for.
 */
#include "segment.h"

int pdx_list_header_read(pdx_index *ix, const uint8_t *p, pdx_list_header *out)
{
    const pdx_section *ps = &ix->sec[PDX_SEC_POSTINGS];
    const uint8_t *end = ps->p + ps->len;
    if (p < ps->p || p >= end)
        return pdx_index_corrupt(ix, "POSTINGS: list offset out of range");
    if (!pdx_get_varint(&p, end, &out->df) || !pdx_get_varint(&p, end, &out->max_tf) ||
        !pdx_get_varint(&p, end, &out->min_len) || !pdx_get_varint(&p, end, &out->max_votes))
        return pdx_index_corrupt(ix, "POSTINGS: truncated list header");
    out->imp = p;
    if (out->max_tf == 0 || out->max_tf > UINT32_MAX || out->min_len > UINT32_MAX ||
        !pdx_impacts_read(&p, end, out->max_tf, out->min_len, &out->n_imp, NULL, NULL))
        return pdx_index_corrupt(ix, "POSTINGS: bad list impacts (df %llu)",
                                 (unsigned long long)out->df);
    if (!pdx_get_varint(&p, end, &out->pos_base) || !pdx_get_varint(&p, end, &out->data_len))
        return pdx_index_corrupt(ix, "POSTINGS: truncated list header");
    /* Every bound below is one the file itself imposes, so that no count
     * read here can size an allocation beyond what the file could hold:
     * each document of a list takes at least a one-byte gap and a one-byte
     * tf, and each position at least one byte. */
    uint64_t pos_len = ix->sec[PDX_SEC_POSITIONS].len;
    if (out->df == 0 || out->df > ix->n_docs || out->df > out->data_len / 2 ||
        out->max_tf == 0 || out->min_len > UINT32_MAX || out->max_votes > ix->max_votes ||
        out->pos_base > pos_len ||
        out->max_tf > pos_len - out->pos_base)
        return pdx_index_corrupt(ix, "POSTINGS: bad list header (df %llu)",
                                 (unsigned long long)out->df);
    uint64_t nb = out->df > PDX_BLOCK_SIZE ? (out->df + PDX_BLOCK_SIZE - 1) / PDX_BLOCK_SIZE : 0;
    uint64_t avail = (uint64_t)(end - p);
    if (nb * PDX_SKIP_ENTRY_SIZE > avail || out->data_len > avail - nb * PDX_SKIP_ENTRY_SIZE ||
        out->data_len > UINT32_MAX)
        return pdx_index_corrupt(ix, "POSTINGS: list runs past the section");
    out->skip = p;
    out->data = p + nb * PDX_SKIP_ENTRY_SIZE;
    out->end = out->data + out->data_len;
    return PDX_OK;
}

int pdx_term_list(pdx_index *ix, const pdx_term *t, unsigned field, pdx_list_header *out)
{
    if (field >= PDX_NFIELDS || !(t->fields & (1u << field)))
        return PDX_ENOTFOUND;
    if (ix->n_segs > 1) /* lists live in the segments: open them there */
        return pdx_index_error(ix, PDX_EINVAL,
                               "a view of %u segments has no lists of its own: open them on "
                               "each segment (pdx_term_local)",
                               ix->n_segs);
    const uint8_t *p = ix->sec[PDX_SEC_POSTINGS].p + t->post_off;
    for (unsigned f = 0; f < PDX_NFIELDS; f++) {
        if (!(t->fields & (1u << f)))
            continue;
        int rc = pdx_list_header_read(ix, p, out);
        if (rc || f == field)
            return rc;
        p = out->end;
    }
    return PDX_ENOTFOUND;
}

/* Eight one-byte varints at s, none zero, as a little-endian word in *w:
 * the common case of a frequent list's gaps and tfs, decoded without a
 * branch per entry. False when fewer than eight bytes are left or one of
 * them continues a varint or is zero (the scalar loop decides those).
 * Always inlined: gcc split it and called the rest, 1.5% of a query. */
#define SWAR_HIGH 0x8080808080808080ull
#define SWAR_ONES 0x0101010101010101ull
static inline __attribute__((always_inline)) bool eight_small(const uint8_t *s,
                                                              const uint8_t *end, uint64_t *w)
{
    if (end - s < 8)
        return false;
    uint64_t v = (uint64_t)s[0] | (uint64_t)s[1] << 8 | (uint64_t)s[2] << 16 |
                 (uint64_t)s[3] << 24 | (uint64_t)s[4] << 32 | (uint64_t)s[5] << 40 |
                 (uint64_t)s[6] << 48 | (uint64_t)s[7] << 56;
    /* a byte with its high bit set, or a zero byte */
    if ((v & SWAR_HIGH) || ((v - SWAR_ONES) & ~v & SWAR_HIGH))
        return false;
    *w = v;
    return true;
}

/* Decodes block b into docs[] and tfs[] and positions the cursor on its
 * first document. A tf is bounded by the bytes left in POSITIONS (one at
 * least per position), so callers may size buffers by it. */
static int decode_block(pdx_postings *p, uint32_t b)
{
    const uint8_t *e = p->skip + (size_t)b * PDX_SKIP_ENTRY_SIZE;
    uint32_t last = pdx_get_u32(e + PDX_SKIP_LAST_DOC), doc_off = pdx_get_u32(e + PDX_SKIP_DOC_OFF);
    bool single = p->n_blocks == 1;
    uint32_t n = b + 1 < p->n_blocks ? PDX_BLOCK_SIZE : p->df - b * PDX_BLOCK_SIZE;
    if (doc_off > (size_t)(p->data_end - p->data))
        return pdx_index_corrupt(p->ix, "POSTINGS: block offset out of range");
    const uint8_t *s = p->data + doc_off;
    uint64_t doc = b ? pdx_skip_last_doc(p, b - 1) : 0, v;
    const uint8_t *end = p->data_end;
    /* Hot loop: one-byte gaps inline, range checks once at the end (ids
     * only grow, and each gap is at most n_docs, so no overflow). */
    for (uint32_t i = 0; i < n; i++) {
        uint64_t w;
        while (i + 8 <= n && eight_small(s, end, &w)) {
            uint32_t *d = p->docs + i;
            uint64_t base = doc;
            /* prefix sums of the eight gaps, written out: not a loop the
             * compiler keeps rolled */
            d[0] = (uint32_t)(base += w & 0xff);
            d[1] = (uint32_t)(base += w >> 8 & 0xff);
            d[2] = (uint32_t)(base += w >> 16 & 0xff);
            d[3] = (uint32_t)(base += w >> 24 & 0xff);
            d[4] = (uint32_t)(base += w >> 32 & 0xff);
            d[5] = (uint32_t)(base += w >> 40 & 0xff);
            d[6] = (uint32_t)(base += w >> 48 & 0xff);
            d[7] = (uint32_t)(base += w >> 56);
            doc = base;
            s += 8;
            i += 8;
        }
        if (i == n)
            break;
        if (s < end && *s < 0x80) {
            v = *s++;
        } else if (!pdx_get_varint(&s, end, &v) || v > p->ix->n_docs) {
            return pdx_index_corrupt(p->ix, "POSTINGS: truncated block or bad gap");
        }
        /* Ids strictly increase: only the very first gap may be 0. */
        if (v == 0 && (b || i))
            return pdx_index_corrupt(p->ix, "POSTINGS: bad document gap");
        doc += v;
        p->docs[i] = (uint32_t)doc;
    }
    if (doc >= p->ix->n_docs)
        return pdx_index_corrupt(p->ix, "POSTINGS: document id out of range");
    if (single)
        pdx_put_u32(p->skip1 + PDX_SKIP_LAST_DOC, (uint32_t)doc);
    else if (doc != last)
        return pdx_index_corrupt(p->ix, "POSTINGS: block does not end at its skip entry");
    uint32_t pos_off = pdx_get_u32(e + PDX_SKIP_POS_OFF);
    if (pos_off > (size_t)(p->pos_end - p->pos))
        return pdx_index_corrupt(p->ix, "POSTINGS: positions offset out of range");
    uint64_t tf_sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t w;
        while (i + 8 <= n && eight_small(s, end, &w)) {
            uint32_t *t = p->tfs + i;
            t[0] = s[0], t[1] = s[1], t[2] = s[2], t[3] = s[3];
            t[4] = s[4], t[5] = s[5], t[6] = s[6], t[7] = s[7];
            /* the eight bytes summed: pairs into 16-bit lanes, then lanes */
            uint64_t pairs = (w & 0x00ff00ff00ff00ffull) + ((w >> 8) & 0x00ff00ff00ff00ffull);
            tf_sum += (pairs * 0x0001000100010001ull) >> 48;
            s += 8;
            i += 8;
        }
        if (i == n)
            break;
        if (s < end && *s < 0x80 && *s) {
            v = *s++;
        } else if (!pdx_get_varint(&s, end, &v) || v == 0 || v > UINT32_MAX) {
            return pdx_index_corrupt(p->ix, "POSTINGS: bad term frequency");
        }
        p->tfs[i] = (uint32_t)v;
        tf_sum += v;
    }
    if (tf_sum > (uint64_t)(p->pos_end - (p->pos + pos_off)))
        return pdx_index_corrupt(p->ix, "POSTINGS: block frequencies exceed the positions left");
    for (uint32_t k = 0; k < PDX_SCAN_PAD; k++)
        p->docs[n + k] = UINT32_MAX;
    p->block = b;
    p->block_end = s;
    p->n = n;
    p->i = 0;
    p->doc = p->docs[0];
    p->pos_p = p->pos + pos_off;
    p->pos_doc = 0;
    p->again_i = UINT32_MAX;
    return PDX_OK;
}

uint32_t pdx_postings_impacts(const pdx_postings *p, uint32_t *tf, uint32_t *len)
{
    const pdx_section *ps = &p->ix->sec[PDX_SEC_POSTINGS];
    const uint8_t *at = p->imp;
    uint32_t n = 0;
    /* read and checked with the header: cannot fail here */
    (void)pdx_impacts_read(&at, ps->p + ps->len, p->max_tf, p->min_len, &n, tf, len);
    return n;
}

int pdx_postings_open(pdx_postings *out, pdx_index *ix, uint32_t ord, unsigned field)
{
    pdx_term t;
    pdx_list_header h;
    int rc = pdx_term_get(ix, ord, &t);
    if (!rc)
        rc = pdx_term_list(ix, &t, field, &h);
    if (rc)
        return rc;
    out->ix = ix;
    out->field = field;
    out->df = (uint32_t)h.df;
    out->max_tf = (uint32_t)h.max_tf;
    out->min_len = (uint32_t)h.min_len;
    out->max_votes = (uint32_t)h.max_votes;
    out->imp = h.imp;
    out->n_blocks = (uint32_t)((h.df + PDX_BLOCK_SIZE - 1) / PDX_BLOCK_SIZE);
    if (out->n_blocks == 1) {
        /* One-block lists store no skip table; build its entry here. The
         * last document is known only after decoding, so decode_block
         * fills it in. */
        memset(out->skip1, 0, sizeof out->skip1);
        pdx_put_u32(out->skip1 + PDX_SKIP_MAX_TF, out->max_tf);
        pdx_put_u32(out->skip1 + PDX_SKIP_MIN_LEN, out->min_len);
        pdx_put_u32(out->skip1 + PDX_SKIP_MAX_VOTES, out->max_votes);
        out->skip = out->skip1;
    } else {
        out->skip = h.skip;
    }
    out->data = h.data;
    out->data_end = h.end;
    const pdx_section *pos = &ix->sec[PDX_SEC_POSITIONS];
    out->pos = pos->p + h.pos_base;
    out->pos_end = pos->p + pos->len;
    return decode_block(out, 0);
}

int pdx_postings_next_block(pdx_postings *p)
{
    if (p->doc == PDX_NO_DOC)
        return PDX_OK;
    /* pdx_postings_next() took every step inside the block: past its last
     * document, the next block or the end */
    if (p->block + 1 >= p->n_blocks) {
        p->block = p->n_blocks;
        p->doc = PDX_NO_DOC;
        return PDX_OK;
    }
    return decode_block(p, p->block + 1);
}

int pdx_postings_seek_blocks(pdx_postings *p, uint32_t target)
{
    if (p->doc == PDX_NO_DOC || p->doc >= target)
        return PDX_OK;
    uint32_t b = pdx_postings_block_of(p, target);
    if (b >= p->n_blocks) {
        p->block = p->n_blocks;
        p->doc = PDX_NO_DOC;
        return PDX_OK;
    }
    if (b != p->block) {
        int rc = decode_block(p, b);
        if (rc)
            return rc;
    }
    while (p->docs[p->i] < target) {
        if (++p->i >= p->n) /* only if the skip entry lied */
            return pdx_index_corrupt(p->ix, "POSTINGS: block shorter than its skip entry");
    }
    p->doc = p->docs[p->i];
    return PDX_OK;
}

int pdx_postings_positions(pdx_postings *p, uint32_t *out)
{
    if (p->doc == PDX_NO_DOC)
        return PDX_EINVAL;
    uint64_t v;
    /* Skip the positions of the documents between pos_doc and i. */
    if (p->pos_doc > p->i) {
        if (p->again_i == p->i) { /* the same document again */
            p->pos_p = p->again_p;
            p->pos_doc = p->i;
        } else { /* cannot happen going forward; restart the block */
            p->pos_p = p->pos + pdx_skip_field(p, p->block, PDX_SKIP_POS_OFF);
            p->pos_doc = 0;
        }
    }
    /* Skipping needs no decoding: count varint terminators (bytes with the
     * high bit clear). */
    uint64_t skip = 0;
    for (; p->pos_doc < p->i; p->pos_doc++)
        skip += p->tfs[p->pos_doc];
    const uint8_t *q = p->pos_p;
    /* Eight bytes at a time while the word ends fewer varints than are
     * left to skip (a frequent term's block holds hundreds of positions
     * before the document a phrase check asks for); the terminators of a
     * word are counted by summing its inverted high bits. */
    while (skip > 8 && p->pos_end - q >= 8) {
        uint64_t w;
        memcpy(&w, q, sizeof w);
        uint64_t ends = (((~w & 0x8080808080808080ull) >> 7) * 0x0101010101010101ull) >> 56;
        if (ends >= skip)
            break;
        skip -= ends;
        q += 8;
    }
    while (skip) {
        if (q >= p->pos_end)
            return pdx_index_corrupt(p->ix, "POSITIONS: truncated");
        skip -= !(*q++ & 0x80);
    }
    p->pos_p = q;
    const uint8_t *s = p->pos_p;
    p->again_p = s;
    p->again_i = p->i;
    uint64_t pos = 0;
    uint32_t tf = p->tfs[p->i];
    /* A field of len tokens holds at most len occurrences of a term. */
    uint32_t len = pdx_doc_len(p->ix, p->doc, p->field);
    if (tf > len)
        return pdx_index_corrupt(p->ix, "POSTINGS: document %u tf %u exceeds its field length %u",
                                 p->doc, tf, len);
    for (uint32_t k = 0; k < tf; k++) {
        if (!pdx_get_varint(&s, p->pos_end, &v) || (k && v == 0))
            return pdx_index_corrupt(p->ix, "POSITIONS: bad position gap");
        pos += v;
        if (pos > UINT32_MAX)
            return pdx_index_corrupt(p->ix, "POSITIONS: position out of range");
        out[k] = (uint32_t)pos;
    }
    /* Leave the cursor after this document's positions. */
    p->pos_p = s;
    p->pos_doc = p->i + 1;
    return PDX_OK;
}
