/*
 * The segment file format: every constant of the on-disk layout lives here,
 * and docs/FORMAT.md describes the same bytes in prose. Change one, change
 * both, and bump PDX_FORMAT_VERSION for any change an older reader would
 * misread.
 *
 * Overview
 * --------
 * A segment is one self-contained file: its own document ids (0..n_docs-1),
 * dictionary, postings, statistics and stored fields. Everything is
 * little-endian and read through the get/put helpers in common.h, never by
 * overlaying structs on the mapping.
 *
 *   header        64 bytes at offset 0 (magic, version, table offset,
 *                 file size, header checksum)
 *   section table n entries of 32 bytes, then an 8-byte checksum of them
 *   sections      each starting on an 8-byte boundary, zero padding between
 *   footer        32 bytes at the very end (magic, file size, copy of the
 *                 header checksum, footer checksum)
 *
 * Sections (one of each, any order, located through the table):
 *
 *   META      fixed fields (counts, BM25 length sums, date range) and the
 *             strings that shaped the terms (stemmer, Unicode version)
 *   TERMS     n_terms records of 16 bytes, sorted by term bytes:
 *               u32 str_off   into TERMSTR
 *               u8  str_len   1..PDX_MAX_TERM_BYTES
 *               u8  fields    bit f set: the term occurs in field f
 *               u16 zero
 *               u64 post_off  into POSTINGS
 *   TERMSTR   the term bytes, concatenated in TERMS order
 *   TERMHASH  u32 n_slots (power of two), u32 zero, then n_slots slots of
 *             8 bytes: u32 ordinal+1 (0 = empty), u32 high half of the hash.
 *             Slot = pdx_hash(term) & (n_slots-1), linear probing.
 *   POSTINGS  per term, at post_off, one list per field present, fields in
 *             ascending order:
 *               varint df          documents in the list (>= 1)
 *               varint max_tf      largest tf in the list
 *               varint min_len     smallest field length among its documents
 *               varint max_votes   largest known vote count among them (0
 *                                  if none is known)
 *               impacts            the list's (tf, length) frontier, which
 *                                  bounds its BM25 (impact.h): varint n
 *                                  (1..32), then when n >= 2 varint tf_1
 *                                  and n-1 pairs of varint increases of
 *                                  tf and length (>= 1 each)
 *               varint pos_base    offset of its positions in POSITIONS
 *               varint data_len    bytes of block data after the skip table
 *               skip table         when df > 128, ceil(df/128) entries
 *                                  of 24 bytes (a one-block list has none:
 *                                  its bounds are max_tf, min_len and
 *                                  max_votes):
 *                 u32 last_doc  last document id of the block
 *                 u32 doc_off   offset of the block in the block data
 *                 u32 pos_off   offset of the block's positions from pos_base
 *                 u32 max_tf    largest tf in the block
 *                 u32 min_len   smallest field length in the block
 *                 u32 max_votes largest known vote count in the block (0
 *                               if none is known)
 *               block data         per block of n (<= 128) documents:
 *                 n varints  document gaps: the first from the previous
 *                            block's last_doc (from 0 in block 0, where it
 *                            is the id itself), then from the previous id
 *                 n varints  tf (>= 1)
 *   POSITIONS per block, per document in order, tf varints: position gaps
 *             (the first is the position itself)
 *   DOCS      n_docs records of 32 bytes:
 *               u32 date (YYYYMMDD, 0 unknown)   u32 votes (0xffffffff unknown)
 *               u32 len[3] (tokens per field)    u32 stored_len
 *               u64 stored_off (into STORED)
 *             then n_docs scoring rows of 8 bytes, what the scorer reads of
 *             every candidate, 8 papers to a cache line:
 *               u16 len[3]  the record's lengths; 0xffff: 0xffff or more,
 *                           read the record
 *               u16 votes   0..0xfffd the record's votes, 0xfffe unknown,
 *                           0xffff: 0xfffe or more, read the record
 *   STORED    per document: str id, str url, str title, str authors
 *             ('\n'-separated), str summary, str file, varint line,
 *             u8 flags (bit 0: id synthesized, bits 1-7 zero), which ends
 *             the record. str = varint length + bytes.
 *   IDHASH    like TERMHASH, keyed by arXiv id, u32 doc+1 per slot.
 *
 * The index the user names is not a segment but a manifest (manifest.h,
 * manifest.c: the same framing with the magic "\x89PDM\r\n\x1a\n") that
 * names its segments "<INDEX>.<seq>.seg", their deleted papers and the
 * live statistics, and holds the Korean<->English LEXICON (which segments
 * of version 3 carried as their section 10).
 *
 * Checks: the header checksum covers bytes 0..55, the table checksum's copy
 * at 48 included; the table checksum covers the table entries; every section
 * has an XXH3-64 of its bytes in the table. So the header checksum changes
 * whenever any byte of any section does: it is the file's identity.
 * Opening verifies header, table, footer, file size, section bounds and the
 * META checksum (all O(1)); `paperdex-index --check` verifies every section
 * checksum and every structural invariant (docs/FORMAT.md, Checks). An empty
 * section may share its offset with the next; non-empty ones never overlap.
 */
#ifndef PDX_FORMAT_H
#define PDX_FORMAT_H

#include <stdint.h>

/* "\x89PDX\r\n\x1a\n": non-ASCII first byte and CR/LF/EOF bytes catch text
 * mode transfers, as PNG's signature does. */
#define PDX_MAGIC "\x89PDX\r\n\x1a\n"
#define PDX_FOOTER_MAGIC "PDXEND\0\0"
#define PDX_MAGIC_LEN 8

/* Version 5: an index is a manifest naming segments of the layout above
 * (version 4 had no impacts in list headers; version 3 was one file: a
 * segment with a LEXICON section 10; version 2 had no max_votes in list
 * headers and skip entries, version 1 no LEXICON). A reader accepts exactly the version it knows; a writer always
 * writes the newest. */
#define PDX_FORMAT_VERSION 5
/* Written as u32; reads back as this value only if written little-endian. */
#define PDX_BYTE_ORDER_MARK 0x01020304u
#define PDX_HASH_ID_XXH3_64 1

#define PDX_HEADER_SIZE 64
#define PDX_FOOTER_SIZE 32
#define PDX_SECTION_ENTRY_SIZE 32
#define PDX_SECTION_ALIGN 8

/* header field offsets */
#define PDX_HDR_MAGIC 0
#define PDX_HDR_VERSION 8      /* u32 */
#define PDX_HDR_BOM 12         /* u32 */
#define PDX_HDR_HEADER_SIZE 16 /* u32 */
#define PDX_HDR_NSECTIONS 20   /* u32 */
#define PDX_HDR_TABLE_OFF 24   /* u64 */
#define PDX_HDR_FILE_SIZE 32   /* u64 */
#define PDX_HDR_FLAGS 40       /* u32, zero */
#define PDX_HDR_HASH_ID 44     /* u32 */
#define PDX_HDR_TABLE_SUM 48   /* u64: copy of the section table's checksum, so that
                                  the header checksum identifies the whole content
                                  (MSEGS keeps it to refuse a swapped segment) */
#define PDX_HDR_CHECKSUM 56    /* u64: pdx_hash(bytes 0..55) */

/* footer field offsets (from the footer's start) */
#define PDX_FTR_MAGIC 0
#define PDX_FTR_FILE_SIZE 8   /* u64 */
#define PDX_FTR_HDR_SUM 16    /* u64: same as PDX_HDR_CHECKSUM */
#define PDX_FTR_CHECKSUM 24   /* u64: pdx_hash(footer bytes 0..23) */

/* section table entry: u32 id, u32 flags (zero), u64 offset, u64 length,
 * u64 checksum */
enum pdx_section_id {
    PDX_SEC_META = 1,
    PDX_SEC_TERMS = 2,
    PDX_SEC_TERMSTR = 3,
    PDX_SEC_TERMHASH = 4,
    PDX_SEC_POSTINGS = 5,
    PDX_SEC_POSITIONS = 6,
    PDX_SEC_DOCS = 7,
    PDX_SEC_STORED = 8,
    PDX_SEC_IDHASH = 9
};
#define PDX_SEC_COUNT 9

/* Fields, in the order of DOCS len[] and the TERMS fields bits. */
enum pdx_field { PDX_FIELD_TITLE = 0, PDX_FIELD_AUTHORS = 1, PDX_FIELD_SUMMARY = 2 };
#define PDX_NFIELDS 3

#define PDX_BLOCK_SIZE 128
#define PDX_TERM_RECORD_SIZE 16
#define PDX_SKIP_ENTRY_SIZE 24
/* skip entry field offsets */
#define PDX_SKIP_LAST_DOC 0  /* u32 */
#define PDX_SKIP_DOC_OFF 4   /* u32 */
#define PDX_SKIP_POS_OFF 8   /* u32 */
#define PDX_SKIP_MAX_TF 12   /* u32 */
#define PDX_SKIP_MIN_LEN 16  /* u32 */
#define PDX_SKIP_MAX_VOTES 20 /* u32 */
#define PDX_DOC_RECORD_SIZE 32
#define PDX_DOC_ROW_SIZE 8         /* DOCS scoring row */
#define PDX_DOC_ROW_ESCAPE 0xffffu /* row value: read the record */
#define PDX_DOC_ROW_NO_VOTES 0xfffeu /* row votes: unknown */
#define PDX_HASH_SLOT_SIZE 8
#define PDX_VOTES_NONE 0xffffffffu
/* STORED flags byte: bit 0 set when the arXiv id was synthesized; the
 * other bits are zero. */
#define PDX_STORED_ID_SYNTHESIZED 0x01u

/* Position gap inserted between two authors, so a phrase cannot match
 * across the end of one name and the start of the next. */
#define PDX_AUTHOR_POSITION_GAP 1

/* META layout */
#define PDX_META_TOKENIZER_VERSION 0 /* u32 */
#define PDX_META_HASH_ID 4           /* u32 */
#define PDX_META_NDOCS 8             /* u32 */
#define PDX_META_NTERMS 12           /* u32 */
#define PDX_META_NFIELDS 16          /* u32 = PDX_NFIELDS */
#define PDX_META_BLOCK_SIZE 20       /* u32 = PDX_BLOCK_SIZE */
#define PDX_META_SUM_LEN 24          /* u64 x 3: tokens per field, all docs */
#define PDX_META_MIN_DATE 48         /* u32 */
#define PDX_META_MAX_DATE 52         /* u32 */
#define PDX_META_CREATED 56          /* u64, unix seconds */
#define PDX_META_NPOSTINGS 64        /* u64: (term, field, doc) postings */
#define PDX_META_MAX_VOTES 72        /* u32: largest known vote count (0 if none) */
#define PDX_META_RESERVED 76         /* u32, zero */
#define PDX_META_STRINGS 80          /* str stemmer, str unicode, str generator */

#endif
