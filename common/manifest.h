/*
 * The manifest: the small file the user names as the index (INDEX), which
 * names the segment files beside it (<INDEX>.<seq>.seg), the papers
 * deleted from each, the source files the index was built from, and the
 * statistics and lexicon of the live papers (docs/FORMAT.md, "Manifest").
 *
 * It is written whole and replaced atomically (write a temporary file,
 * fsync, rename over INDEX, fsync the directory): a reader sees the old
 * manifest or the new one, never a mix. The encoder and the decoder live
 * here, in common/, because the writer (indexer/) and the reader
 * (common/segment.c) both need them and must agree byte for byte.
 *
 * The framing is a segment's (header, section table, footer, XXH3-64
 * checksums; format.h) with its own magic, PDX_MANIFEST_MAGIC, so one
 * cannot be mistaken for the other.
 */
#ifndef PDX_MANIFEST_H
#define PDX_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "format.h"
#include "frame.h"

/* "\x89PDM\r\n\x1a\n": like the segment magic, with M for manifest. */
#define PDX_MANIFEST_MAGIC "\x89PDM\r\n\x1a\n"
/* Segments a manifest may name; the merge policy keeps far fewer. */
#define PDX_MAX_SEGMENTS 32
/* A view's term ordinal: (segment index << PDX_VORD_SHIFT) | local ord. */
#define PDX_VORD_SHIFT 27
#define PDX_MAX_SEGMENT_TERMS (1u << PDX_VORD_SHIFT)

/* Manifest section ids (they share the table format of format.h). */
enum pdx_manifest_section_id {
    PDX_MSEC_META = 1,    /* MMETA */
    PDX_MSEC_SEGS = 2,    /* MSEGS */
    PDX_MSEC_DELDF = 3,   /* MDELDF */
    PDX_MSEC_FILES = 4,   /* MFILES */
    PDX_MSEC_LEXICON = 5, /* LEXICON: common/lexicon.c encoding */
    PDX_MSEC_CAND = 6     /* MCAND: indexer/lexicon_mine.c encoding, opaque here */
};
#define PDX_MSEC_COUNT 6

/* How many of a segment's deleted papers one (term, field) list holds. */
typedef struct pdx_deldf {
    const char *term; /* not NUL-terminated; into the manifest or owned by the builder */
    uint8_t term_len; /* 1..PDX_MAX_TERM_BYTES */
    uint8_t field;    /* enum pdx_field */
    uint32_t count;   /* >= 1 */
} pdx_deldf;

typedef struct pdx_manifest_segment {
    uint64_t seq;        /* file <INDEX>.<seq>.seg */
    uint32_t n_docs;     /* papers in the segment, deleted ones included */
    uint64_t file_size;  /* of the segment file */
    /* The segment header's checksum (pdx_frame_identity): the header holds
     * a copy of the section table's checksum, so this covers every section
     * and a swapped or replaced file is refused. */
    uint64_t header_sum;
    uint32_t *deleted;   /* ascending local doc ids; n_deleted of them */
    uint32_t n_deleted;
    pdx_deldf *deldf;    /* sorted by (term bytes, field); n_deldf of them */
    uint32_t n_deldf;
} pdx_manifest_segment;

typedef struct pdx_manifest_file {
    char *path;           /* as walked (NUL-terminated) */
    uint64_t size;        /* bytes when indexed */
    int64_t mtime_ns;     /* modification time when indexed */
    uint64_t hash;        /* XXH3-64 of its bytes when indexed */
    uint64_t seq;         /* the segment holding its papers */
    uint32_t first_doc;   /* its papers: local ids [first_doc, first_doc + n_docs) */
    uint32_t n_docs;
    char **dropped;       /* arXiv ids of its papers dropped as duplicates when added */
    uint32_t n_dropped;
} pdx_manifest_file;

/* The whole manifest in memory. Decoded strings and arrays point into the
 * mapping (const) or are owned (after pdx_manifest_decode they are owned
 * copies; see there). */
typedef struct pdx_manifest {
    uint32_t tokenizer_version;
    uint64_t generation; /* +1 per commit */
    uint64_t created;    /* unix seconds */
    uint64_t next_seq;   /* the next segment file number */
    uint32_t n_live;     /* live papers: N of BM25 */
    uint64_t sum_len[PDX_NFIELDS]; /* tokens per field, live papers */
    uint32_t max_votes;  /* largest known vote count over every segment (a bound) */
    int32_t min_date, max_date; /* over live papers; 0 when unknown */
    char *stemmer, *unicode_version, *generator;
    pdx_manifest_segment *segs;
    uint32_t n_segs;     /* 1..PDX_MAX_SEGMENTS */
    pdx_manifest_file *files;
    uint32_t n_files;
    uint8_t *lexicon;    /* LEXICON bytes (may be empty) */
    size_t lexicon_len;
    uint8_t *cand;       /* MCAND bytes (may be empty) */
    size_t cand_len;
    /* After pdx_manifest_decode: a copy of the MDELDF bytes, which the
     * segments' deldf terms point into (owned; NULL for a builder's). */
    uint8_t *deldf_bytes;
    /* lexicon and cand point into the bytes decoded (PDX_MANIFEST_BORROW),
     * not owned */
    bool borrowed;
} pdx_manifest;

/* The manifest's framing: its magic, version and section names. */
extern const pdx_frame_kind pdx_manifest_kind;

/* Appends the encoded manifest (whole file: header, sections, table,
 * footer) to out. Returns PDX_OK, PDX_EINVAL (a field out of range: no
 * segment or more than PDX_MAX_SEGMENTS, deleted ids not ascending or
 * >= n_docs, files not sorted by path, ...) or PDX_ENOMEM. */
int pdx_manifest_encode(pdx_buf *out, const pdx_manifest *m);

/* Decodes a whole manifest file's bytes into *m (every string and array
 * an owned copy; free with pdx_manifest_free). Verifies the framing and
 * every checksum and the structure. Returns PDX_OK, PDX_ENOTINDEX (not a
 * manifest: wrong magic), PDX_EVERSION, PDX_ECORRUPT or PDX_ENOMEM, with a
 * message naming the byte offset in errbuf. */
int pdx_manifest_decode(pdx_manifest *m, const uint8_t *p, size_t len, char *errbuf,
                        size_t errbuf_size);

/* Frees and clears the file records and the lexicon tables of m, keeping
 * its segments and counters: what an update keeps of an index another
 * tokenizer made, whose segments go once a new manifest is published. */
void pdx_manifest_forget_contents(pdx_manifest *m);

/* Did this build's tokenizer make the index of manifest m: the same
 * tokenizer version, stemmer and Unicode version? A reader refuses one it
 * did not ("rebuild the index"); an update rebuilds it. */
bool pdx_manifest_tokenizer_is_ours(const pdx_manifest *m);

/* Which sections pdx_manifest_decode_parts decodes: a bit per
 * PDX_MSEC_* id. A reader opening the index needs only PDX_MANIFEST_VIEW
 * (the others' checksums are then not verified: pdx_index_check does). */
#define PDX_MANIFEST_ALL 0x7eu
#define PDX_MANIFEST_VIEW                                                                  \
    ((1u << PDX_MSEC_META) | (1u << PDX_MSEC_SEGS) | (1u << PDX_MSEC_DELDF) |              \
     (1u << PDX_MSEC_LEXICON))
/* Also in parts: LEXICON and MCAND are not copied but point into the
 * bytes decoded, which must then outlive the manifest (a view's mapped
 * manifest does), and unless every part is asked for their checksums are
 * left to their readers (the lexicon checks each record a lookup reads;
 * --check hashes them): a one-shot search neither copies nor reads whole
 * a lexicon of most of a megabyte. */
#define PDX_MANIFEST_BORROW 0x1u
/* pdx_manifest_decode of the sections in parts only (META and SEGS always);
 * the others stay empty. */
int pdx_manifest_decode_parts(pdx_manifest *m, const uint8_t *p, size_t len, unsigned parts,
                              char *errbuf, size_t errbuf_size);

/* Frees what pdx_manifest_decode (or a builder using the same ownership)
 * allocated and zeroes *m. */
void pdx_manifest_free(pdx_manifest *m);

/* The file name of segment seq of index path: "<path>.<seq>.seg"
 * (malloc'd; NULL when out of memory). */
char *pdx_segment_path(const char *index_path, uint64_t seq);

#endif
