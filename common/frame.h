/*
 * The container framing shared by segment files and the manifest
 * (format.h, Overview): a 64-byte header, sections on 8-byte boundaries, a
 * section table with its checksum, and a 32-byte footer. The two kinds of
 * file differ only in their magic, version and section ids, so one reader
 * (pdx_frame_read, pdx_frame_coverage) and one writer (pdx_frame_finish)
 * serve both and cannot drift apart.
 */
#ifndef PDX_FRAME_H
#define PDX_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "format.h"

/* One section of a mapped container. */
typedef struct pdx_section {
    const uint8_t *p; /* into the mapping */
    uint64_t off;     /* file offset */
    uint64_t len;     /* bytes; 0 for an empty section */
    uint64_t sum;     /* expected XXH3-64 */
} pdx_section;

/* What a container of one kind looks like. */
typedef struct pdx_frame_kind {
    const char *magic;       /* PDX_MAGIC_LEN bytes */
    uint32_t version;        /* the only header version accepted */
    unsigned n_sections;     /* the table has exactly ids 1..n_sections */
    const char *const *names; /* section names by id (0: "?"), for messages */
} pdx_frame_kind;

/* Checks the header (magic, checksum, version, constants, file size), the
 * footer and the section table of the whole file p[0..size), and fills
 * sec[1..kind->n_sections] (bounds checked, checksums not yet verified).
 * *version receives the header's version once its checksum held (0 before).
 * Returns PDX_OK, PDX_ENOTINDEX (no magic), PDX_EVERSION (another version:
 * "format version V, this paperdex reads version W: rebuild the index")
 * or PDX_ECORRUPT, with a message (no file name) in msg. */
int pdx_frame_read(const uint8_t *p, uint64_t size, const pdx_frame_kind *kind,
                   pdx_section *sec, uint32_t *version, char *msg, size_t msg_size);

/* The full-check half: sections, table and footer tile the file after the
 * header with only zero padding (< PDX_SECTION_ALIGN) between them, the
 * reserved header bytes are zero, and every section's checksum holds. So
 * with pdx_frame_read, any flipped byte of the file is found. Returns
 * PDX_OK or PDX_ECORRUPT with a message naming the byte offset. */
int pdx_frame_coverage(const uint8_t *p, uint64_t size, const pdx_frame_kind *kind,
                       const pdx_section *sec, char *msg, size_t msg_size);

/* One table entry the writer collected. */
typedef struct pdx_frame_entry {
    uint32_t id;             /* section id */
    uint64_t off, len, sum;  /* file offset, bytes, XXH3-64 of the bytes */
} pdx_frame_entry;

/* Bytes of the section table for n entries, its checksum included. */
#define PDX_FRAME_TABLE_BYTES(n) ((size_t)(n) * PDX_SECTION_ENTRY_SIZE + 8)

/* Encodes the table of tab[0..n) into table (PDX_FRAME_TABLE_BYTES(n)
 * bytes), and the header and footer of a file whose table starts at
 * table_off: the file is table_off + table + PDX_FOOTER_SIZE bytes. */
void pdx_frame_finish(const pdx_frame_kind *kind, const pdx_frame_entry *tab, unsigned n,
                      uint64_t table_off, uint8_t *table, uint8_t header[PDX_HEADER_SIZE],
                      uint8_t footer[PDX_FOOTER_SIZE]);

/* The identity of a container the frame reader accepted: its header
 * checksum, which covers the copy of the section table's checksum (and so
 * every section's XXH3-64): two files that differ in content differ here. */
static inline uint64_t pdx_frame_identity(const uint8_t *p)
{
    return pdx_get_u64(p + PDX_HDR_CHECKSUM);
}

#endif
