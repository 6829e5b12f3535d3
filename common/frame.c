/*
 * The container framing of segments and manifests (frame.h; layout in
 * format.h): read and check it, and write its header, table and footer.
 */
#include <stdio.h>

#include "frame.h"

static const char *sec_name(const pdx_frame_kind *k, unsigned id)
{
    return id >= 1 && id <= k->n_sections ? k->names[id] : "?";
}

/* Header fields other than the magic, checksum and version. */
static int read_header(const uint8_t *h, uint64_t size, char *msg, size_t n)
{
    if (pdx_get_u32(h + PDX_HDR_BOM) != PDX_BYTE_ORDER_MARK ||
        pdx_get_u32(h + PDX_HDR_HEADER_SIZE) != PDX_HEADER_SIZE ||
        pdx_get_u32(h + PDX_HDR_HASH_ID) != PDX_HASH_ID_XXH3_64)
        return pdx_msgf(msg, n, PDX_ECORRUPT,
                        "header: bad byte order mark, header size or hash id");
    uint64_t fsize = pdx_get_u64(h + PDX_HDR_FILE_SIZE);
    if (fsize != size)
        return pdx_msgf(msg, n, PDX_ECORRUPT,
                        "file is %llu bytes but its header says %llu (truncated or extended)",
                        (unsigned long long)size, (unsigned long long)fsize);
    const uint8_t *f = h + size - PDX_FOOTER_SIZE;
    if (size < PDX_HEADER_SIZE + PDX_FOOTER_SIZE || memcmp(f, PDX_FOOTER_MAGIC, 8) != 0 ||
        pdx_hash(f, PDX_FTR_CHECKSUM) != pdx_get_u64(f + PDX_FTR_CHECKSUM) ||
        pdx_get_u64(f + PDX_FTR_FILE_SIZE) != fsize ||
        pdx_get_u64(f + PDX_FTR_HDR_SUM) != pdx_get_u64(h + PDX_HDR_CHECKSUM))
        return pdx_msgf(msg, n, PDX_ECORRUPT,
                        "footer (byte %llu): missing or does not match the header",
                        (unsigned long long)(size - PDX_FOOTER_SIZE));
    return PDX_OK;
}

static int read_table(const uint8_t *h, uint64_t size, const pdx_frame_kind *k,
                      pdx_section *sec, char *msg, size_t n)
{
    uint32_t nsec = pdx_get_u32(h + PDX_HDR_NSECTIONS);
    uint64_t toff = pdx_get_u64(h + PDX_HDR_TABLE_OFF);
    uint64_t body_end = size - PDX_FOOTER_SIZE;
    if (nsec != k->n_sections || toff < PDX_HEADER_SIZE || toff > body_end ||
        (body_end - toff) < PDX_FRAME_TABLE_BYTES(nsec))
        return pdx_msgf(msg, n, PDX_ECORRUPT, "section table: bad count or offset");
    const uint8_t *t = h + toff;
    size_t tlen = (size_t)nsec * PDX_SECTION_ENTRY_SIZE;
    if (pdx_hash(t, tlen) != pdx_get_u64(t + tlen))
        return pdx_msgf(msg, n, PDX_ECORRUPT, "section table (byte %llu): checksum mismatch",
                        (unsigned long long)toff);
    if (pdx_get_u64(h + PDX_HDR_TABLE_SUM) != pdx_get_u64(t + tlen))
        return pdx_msgf(msg, n, PDX_ECORRUPT,
                        "header: its copy of the section table's checksum does not match");
    for (unsigned id = 0; id <= nsec; id++)
        sec[id] = (pdx_section){0};
    for (uint32_t i = 0; i < nsec; i++) {
        const uint8_t *e = t + (size_t)i * PDX_SECTION_ENTRY_SIZE;
        uint32_t id = pdx_get_u32(e);
        uint64_t off = pdx_get_u64(e + 8), len = pdx_get_u64(e + 16);
        if (id < 1 || id > nsec || sec[id].p)
            return pdx_msgf(msg, n, PDX_ECORRUPT,
                            "section table: bad or repeated section id %u", id);
        if (pdx_get_u32(e + 4) != 0 || off % PDX_SECTION_ALIGN != 0 || off > body_end ||
            len > body_end - off || off < PDX_HEADER_SIZE)
            return pdx_msgf(msg, n, PDX_ECORRUPT, "section table: %s out of bounds",
                            sec_name(k, id));
        if (off < toff + tlen + 8 && toff < off + len)
            return pdx_msgf(msg, n, PDX_ECORRUPT, "section table: %s overlaps the table",
                            sec_name(k, id));
        sec[id] = (pdx_section){h + off, off, len, pdx_get_u64(e + 24)};
    }
    return PDX_OK;
}

int pdx_frame_read(const uint8_t *p, uint64_t size, const pdx_frame_kind *kind,
                   pdx_section *sec, uint32_t *version, char *msg, size_t msg_size)
{
    *version = 0;
    if (size < PDX_HEADER_SIZE || memcmp(p, kind->magic, PDX_MAGIC_LEN) != 0)
        return pdx_msgf(msg, msg_size, PDX_ENOTINDEX, "not a paperdex index (no magic number)");
    if (pdx_hash(p, PDX_HDR_CHECKSUM) != pdx_get_u64(p + PDX_HDR_CHECKSUM))
        return pdx_msgf(msg, msg_size, PDX_ECORRUPT, "header: checksum mismatch");
    *version = pdx_get_u32(p + PDX_HDR_VERSION);
    if (*version != kind->version)
        return pdx_msgf(msg, msg_size, PDX_EVERSION,
                        "format version %u, this paperdex reads version %u: rebuild the "
                        "index (paperdex-index -o INDEX PATH)",
                        *version, kind->version);
    int rc = read_header(p, size, msg, msg_size);
    if (!rc)
        rc = read_table(p, size, kind, sec, msg, msg_size);
    return rc;
}

/* Section a comes before section b in the file. Empty sections take no
 * bytes, so one may share its offset with the next section: at equal
 * offsets the empty one comes first. */
static bool section_before(const pdx_section *a, const pdx_section *b)
{
    return a->off < b->off || (a->off == b->off && a->len < b->len);
}

/* The zero padding in [from, to): shorter than the alignment, all zero. */
static int check_padding(const uint8_t *p, uint64_t from, uint64_t to, const char *before,
                         char *msg, size_t n)
{
    if (to < from || to - from >= PDX_SECTION_ALIGN)
        return pdx_msgf(msg, n, PDX_ECORRUPT,
                        "%s (byte %llu): overlaps another section or leaves a gap", before,
                        (unsigned long long)to);
    for (uint64_t b = from; b < to; b++)
        if (p[b])
            return pdx_msgf(msg, n, PDX_ECORRUPT, "padding before %s (byte %llu) is not zero",
                            before, (unsigned long long)b);
    return PDX_OK;
}

int pdx_frame_coverage(const uint8_t *p, uint64_t size, const pdx_frame_kind *kind,
                       const pdx_section *sec, char *msg, size_t msg_size)
{
    unsigned order[32], ns = kind->n_sections;
    for (unsigned i = 0; i < ns; i++)
        order[i] = i + 1;
    for (unsigned i = 1; i < ns; i++)
        for (unsigned j = i; j > 0 && section_before(&sec[order[j]], &sec[order[j - 1]]); j--) {
            unsigned t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    uint64_t at = PDX_HEADER_SIZE;
    int rc;
    for (unsigned i = 0; i < ns; i++) {
        const pdx_section *s = &sec[order[i]];
        if ((rc = check_padding(p, at, s->off, sec_name(kind, order[i]), msg, msg_size)))
            return rc;
        at = s->off + s->len;
    }
    uint64_t toff = pdx_get_u64(p + PDX_HDR_TABLE_OFF);
    if ((rc = check_padding(p, at, toff, "the section table", msg, msg_size)))
        return rc;
    if (toff + PDX_FRAME_TABLE_BYTES(ns) + PDX_FOOTER_SIZE != size)
        return pdx_msgf(msg, msg_size, PDX_ECORRUPT, "footer: not right after the section table");
    if (pdx_get_u32(p + PDX_HDR_FLAGS) != 0)
        return pdx_msgf(msg, msg_size, PDX_ECORRUPT, "header: reserved bytes are not zero");
    for (unsigned id = 1; id <= ns; id++)
        if (pdx_hash(sec[id].p, sec[id].len) != sec[id].sum)
            return pdx_msgf(msg, msg_size, PDX_ECORRUPT, "%s (bytes %llu..%llu): checksum mismatch",
                            sec_name(kind, id), (unsigned long long)sec[id].off,
                            (unsigned long long)(sec[id].off + sec[id].len));
    return PDX_OK;
}

void pdx_frame_finish(const pdx_frame_kind *kind, const pdx_frame_entry *tab, unsigned n,
                      uint64_t table_off, uint8_t *table, uint8_t header[PDX_HEADER_SIZE],
                      uint8_t footer[PDX_FOOTER_SIZE])
{
    for (unsigned i = 0; i < n; i++) {
        uint8_t *e = table + (size_t)i * PDX_SECTION_ENTRY_SIZE;
        pdx_put_u32(e, tab[i].id);
        pdx_put_u32(e + 4, 0);
        pdx_put_u64(e + 8, tab[i].off);
        pdx_put_u64(e + 16, tab[i].len);
        pdx_put_u64(e + 24, tab[i].sum);
    }
    size_t tlen = (size_t)n * PDX_SECTION_ENTRY_SIZE;
    pdx_put_u64(table + tlen, pdx_hash(table, tlen));
    uint64_t file_size = table_off + tlen + 8 + PDX_FOOTER_SIZE;

    memset(header, 0, PDX_HEADER_SIZE);
    memcpy(header + PDX_HDR_MAGIC, kind->magic, PDX_MAGIC_LEN);
    pdx_put_u32(header + PDX_HDR_VERSION, kind->version);
    pdx_put_u32(header + PDX_HDR_BOM, PDX_BYTE_ORDER_MARK);
    pdx_put_u32(header + PDX_HDR_HEADER_SIZE, PDX_HEADER_SIZE);
    pdx_put_u32(header + PDX_HDR_NSECTIONS, n);
    pdx_put_u64(header + PDX_HDR_TABLE_OFF, table_off);
    pdx_put_u64(header + PDX_HDR_FILE_SIZE, file_size);
    pdx_put_u32(header + PDX_HDR_HASH_ID, PDX_HASH_ID_XXH3_64);
    pdx_put_u64(header + PDX_HDR_TABLE_SUM, pdx_get_u64(table + tlen));
    uint64_t hsum = pdx_hash(header, PDX_HDR_CHECKSUM);
    pdx_put_u64(header + PDX_HDR_CHECKSUM, hsum);

    memset(footer, 0, PDX_FOOTER_SIZE);
    memcpy(footer + PDX_FTR_MAGIC, PDX_FOOTER_MAGIC, 8);
    pdx_put_u64(footer + PDX_FTR_FILE_SIZE, file_size);
    pdx_put_u64(footer + PDX_FTR_HDR_SUM, hsum);
    pdx_put_u64(footer + PDX_FTR_CHECKSUM, pdx_hash(footer, PDX_FTR_CHECKSUM));
}
