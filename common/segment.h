/*
 * Internal reader API of a segment (common/segment.c, common/postings.c,
 * common/check.c), for the searcher and the index tools. The public half
 * is in include/paperdex/index.h. Layout constants: format.h.
 *
 * Lifetimes: every pointer handed out (term bytes, stored strings) points
 * into the read-only mapping and stays valid until pdx_index_close().
 *
 * Errors: a decode that finds bytes out of range calls pdx_index_corrupt(),
 * which records "file: section: what" in the handle and returns
 * PDX_ECORRUPT. It is the one place to put a breakpoint on corruption.
 */
#ifndef PDX_SEGMENT_H
#define PDX_SEGMENT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "cold.h"
#include "common.h"
#include "format.h"
#include "frame.h"
#include "impact.h"
#include "lexicon.h"
#include "manifest.h"
#include "paperdex/index.h"

#define PDX_NO_DOC UINT32_MAX

/* A segment's framing: its magic, version and section names. */
extern const pdx_frame_kind pdx_segment_kind;

struct pdx_index {
    const uint8_t *map; /* read-only mapping of the whole file */
    uint64_t size;      /* of the file and the mapping */
    pdx_section sec[PDX_SEC_COUNT + 1]; /* indexed by section id */
    uint32_t format_version;    /* header */
    uint32_t tokenizer_version; /* META: the terms' tokenizer */
    uint32_t n_docs;            /* META; DOCS holds exactly this many */
    uint32_t n_terms;           /* META; TERMS holds exactly this many */
    uint64_t n_postings;        /* META: (term, field, document) postings */
    uint64_t sum_len[PDX_NFIELDS]; /* META: tokens per field, all documents */
    double avg_len[PDX_NFIELDS]; /* sum_len / n_docs, at least 1 */
    int32_t min_date, max_date; /* META: YYYYMMDD, 0 when no date is known */
    uint32_t max_votes; /* bounds the vote boost, for pruning */
    uint64_t created;   /* META: unix seconds */
    uint32_t termhash_slots; /* power of two */
    uint32_t idhash_slots;   /* power of two */
    char *stemmer, *unicode_version, *generator; /* owned copies */
    char *path;                                  /* owned */
    char errmsg[PDX_MSG_MAX]; /* last error, "path: what"; "" after a good open */
    /* The lexicon's view (a view's: the manifest's LEXICON), made at open
     * from its header alone (O(1)); lookups check what they read, --check
     * the whole. NULL when there is none (always for a segment handle).
     * Owned; never written after open. */
    pdx_lexicon *lexicon;
    /* A segment opened for a one-shot handle (PDX_OPEN_ONESHOT): its paper
     * records are read through this (cold.h) instead of the mapping. NULL
     * otherwise, and always for a view. Owned. */
    pdx_cold *cold;

    /* ---- a view over segments (n_segs >= 1; pdx_index_open) ----
     * A handle is a segment (n_segs == 0: the fields above are its own) or
     * a view of the segments its manifest names. A view's doc ids are
     * base[i] + local id in segment i; n_docs is their count (deleted
     * papers included), sum_len/avg_len/min_date/max_date/max_votes are
     * the live figures of the manifest. A view of ONE segment also mirrors
     * that segment's sections, term and hash counts and map (not owned), so
     * the code that reads sections directly (postings, scoring rows) runs on
     * it unchanged: its ords and doc ids are the segment's. A view of
     * several has no sections of its own (sec[] zero, n_terms 0). */
    uint32_t n_segs;       /* segments (0: this handle is a segment) */
    pdx_index **segs;      /* n_segs segment handles, in view order; owned */
    uint32_t *base;        /* n_segs + 1 first view ids; base[n_segs] = n_docs; owned */
    uint32_t n_live;       /* live papers: BM25's N (a segment: n_docs - n_deleted) */
    pdx_manifest manifest; /* the view's manifest, decoded (PDX_MANIFEST_VIEW parts) */
    const uint8_t *mf_bytes; /* the manifest file, mapped read-only (for --check); owned */
    size_t mf_len;         /* their count */
    bool map_borrowed;     /* map belongs to segs[0] (a one-segment view) */

    /* ---- a segment inside a view: its deletions (from MSEGS/MDELDF) ---- */
    uint64_t *deleted;     /* bitmap of deleted local ids, NULL when none; owned
                              (a one-segment view borrows its segment's) */
    uint32_t n_deleted;    /* bits set in deleted */
    const pdx_deldf *deldf; /* its MDELDF table, sorted; into the view's manifest */
    uint32_t n_deldf;      /* entries in deldf */
    uint64_t seq;          /* its file number (0 for a lone segment) */
    /* Its file when opened (fstat before the mapping), so a program can
     * tell later whether it was overwritten in place. */
    uint64_t file_dev, file_ino;
    int64_t file_mtime_ns;
};

/* Whether local id `local` of segment `seg` (or of a one-segment view) is
 * deleted. local < n_docs is the caller's promise. */
static inline bool pdx_doc_deleted(const pdx_index *seg, uint32_t local)
{
    return seg->deleted && (seg->deleted[local >> 6] >> (local & 63) & 1);
}



/* ---- segment.c ---- */

struct stat;
/* Opens path read-only, refusing anything but a regular file without
 * blocking (a FIFO, device, socket or directory: PDX_ENOTINDEX); *fd_out
 * is the descriptor (or -1), st its stat. Messages go to ix. */
int pdx_open_regular(pdx_index *ix, const char *path, int *fd_out, struct stat *st);
/* Maps the open segment file fd of size bytes into ix and checks what
 * opening checks: header, table, footer, META and hash table sizes. */
int pdx_map_segment(pdx_index *ix, int fd, int64_t size);

/* Records a corruption message (printf-style, prefixed by the path) and
 * returns PDX_ECORRUPT. */
int pdx_index_corrupt(pdx_index *ix, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), cold));
/* Records another kind of error message and returns code. */
int pdx_index_error(pdx_index *ix, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), cold));

/* The index's Korean<->English lexicon (header checked at open):
 * PDX_OK with *out set (NULL when the section is empty), or PDX_ECORRUPT
 * with the lexicon's message (byte offset) in the handle. The
 * view lives until pdx_index_close(). */
int pdx_index_lexicon(pdx_index *ix, const pdx_lexicon **out);

/* Documents of term ord, summed over the fields whose bit is set in fields
 * (a paper with the term in two fields counts twice: an upper bound of the
 * papers); a list that cannot be read counts 0 (--check reports it).
 * Returns pdx_term_get's result. */
int pdx_term_df(pdx_index *ix, uint32_t ord, unsigned fields, uint64_t *out);
/* The same per field, into df[] (0 for a field not in fields, or whose
 * list the term lacks or that cannot be read), for a segment: its list
 * headers are read once, in one walk up to the last field asked for. */
int pdx_term_field_dfs(pdx_index *ix, uint32_t ord, unsigned fields, uint64_t df[PDX_NFIELDS]);

/* Term ordinal of an exact term: PDX_OK, PDX_ENOTFOUND or PDX_ECORRUPT. */
int pdx_term_find(pdx_index *ix, const char *term, size_t len, uint32_t *out);
/* Ordinals [*first, *end) of the terms starting with prefix (sorted). */
int pdx_term_prefix(pdx_index *ix, const char *prefix, size_t len, uint32_t *first,
                    uint32_t *end);

typedef struct pdx_term {
    const char *str; /* into the mapping */
    size_t len;      /* 1..PDX_MAX_TERM_BYTES */
    uint8_t fields;    /* bit f: postings for field f exist */
    uint64_t post_off; /* into POSTINGS */
} pdx_term;
int pdx_term_get(pdx_index *ix, uint32_t ord, pdx_term *out);

typedef struct pdx_doc {
    int32_t date;   /* YYYYMMDD or 0 */
    int64_t votes;  /* PDX_VOTES_UNKNOWN (-1) when unknown */
    uint32_t len[PDX_NFIELDS]; /* tokens per field */
    uint64_t stored_off;       /* of the STORED record (not yet range-checked) */
    uint32_t stored_len;       /* its bytes */
} pdx_doc;
/* A paper's record, for a read of a few scattered papers (the hits
 * shown): through the cold cache of a one-shot handle. */
int pdx_doc_get(pdx_index *ix, uint32_t doc, pdx_doc *out);
/* The same, for reads made per candidate (a filter checked on every
 * candidate or scanned for, a tie's date): always through the mapping,
 * where one fault brings in 2,048 records and a pread would cost a system
 * call each. */
int pdx_doc_scan(pdx_index *ix, uint32_t doc, pdx_doc *out);

/* What the scorer reads of a candidate: its field lengths and votes. */
typedef struct pdx_doc_score {
    uint32_t len[PDX_NFIELDS]; /* tokens per field */
    int64_t votes;             /* PDX_VOTES_UNKNOWN (-1) when unknown */
} pdx_doc_score;
/* A document's 8-byte scoring row in DOCS, after the records: its field
 * lengths and votes, falling back to its 32-byte record for a value too
 * large for the row (rare): one cache line shared by 8 papers instead of
 * a record each. doc < n_docs is the caller's promise (ids from postings
 * are checked when decoded). */
static inline const uint8_t *pdx_doc_row(const pdx_index *ix, uint32_t doc)
{
    return ix->sec[PDX_SEC_DOCS].p + (size_t)ix->n_docs * PDX_DOC_RECORD_SIZE +
           (size_t)doc * PDX_DOC_ROW_SIZE;
}
static inline const uint8_t *pdx_doc_record(const pdx_index *ix, uint32_t doc)
{
    return ix->sec[PDX_SEC_DOCS].p + (size_t)doc * PDX_DOC_RECORD_SIZE;
}
/* Field f's length and the votes (PDX_VOTES_UNKNOWN when unknown) from a
 * document's row, or its record past what the row holds. */
static inline uint32_t pdx_row_len(const uint8_t *row, const uint8_t *rec, unsigned f)
{
    uint32_t v = pdx_get_u16(row + 2 * f);
    return v != PDX_DOC_ROW_ESCAPE ? v : pdx_get_u32(rec + 8 + 4 * f);
}
static inline int64_t pdx_row_votes(const uint8_t *row, const uint8_t *rec)
{
    uint32_t v = pdx_get_u16(row + 6);
    if (v == PDX_DOC_ROW_ESCAPE) {
        v = pdx_get_u32(rec + 4);
        return v == PDX_VOTES_NONE ? PDX_VOTES_UNKNOWN : (int64_t)v;
    }
    return v == PDX_DOC_ROW_NO_VOTES ? PDX_VOTES_UNKNOWN : (int64_t)v;
}
/* Length in tokens of field f of document doc. */
static inline uint32_t pdx_doc_len(const pdx_index *ix, uint32_t doc, unsigned f)
{
    return pdx_row_len(pdx_doc_row(ix, doc), pdx_doc_record(ix, doc), f);
}
/* Votes of document doc, PDX_VOTES_UNKNOWN when unknown. */
static inline int64_t pdx_doc_votes(const pdx_index *ix, uint32_t doc)
{
    return pdx_row_votes(pdx_doc_row(ix, doc), pdx_doc_record(ix, doc));
}
/* Fills out from the document's row (every field and the votes). */
static inline void pdx_doc_score_get(const pdx_index *ix, uint32_t doc, pdx_doc_score *out)
{
    const uint8_t *row = pdx_doc_row(ix, doc), *rec = pdx_doc_record(ix, doc);
    for (unsigned f = 0; f < PDX_NFIELDS; f++)
        out->len[f] = pdx_row_len(row, rec, f);
    out->votes = pdx_row_votes(row, rec);
}
/* The date of document doc < n_docs (YYYYMMDD, 0 unknown), from its record. */
static inline int32_t pdx_doc_date(const pdx_index *ix, uint32_t doc)
{
    return (int32_t)pdx_get_u32(pdx_doc_record(ix, doc));
}

typedef struct pdx_stored {
    const char *id, *url, *title, *authors, *summary, *file; /* into the map */
    size_t id_len, url_len, title_len, authors_len, summary_len, file_len; /* bytes */
    uint32_t line;       /* of the paper's heading in file */
    bool id_synthesized; /* flags bit 0 */
} pdx_stored;
int pdx_stored_get(pdx_index *ix, uint32_t doc, pdx_stored *out);
/* pdx_stored_get for a check made on every candidate (a whole-author
 * clause): through the mapping, as pdx_doc_scan. */
int pdx_stored_scan(pdx_index *ix, uint32_t doc, pdx_stored *out);
/* Asks the CPU to start loading what pdx_stored_get(ix, doc) will read
 * (the record's first and last cache lines): the hits of a page are
 * fetched one after another, each a chain of dependent reads. Only a
 * hint: doc is not checked beyond staying inside the mapping. */
void pdx_stored_prefetch(const pdx_index *ix, uint32_t doc);

/* The tag of each document's id in IDHASH (the high 32 bits of its
 * pdx_hash()) into tags[0, n_docs), without reading STORED: what the
 * title-summary association samples papers by (indexer/assoc.h). One
 * segment only (PDX_EINVAL for a view); PDX_ECORRUPT when a slot names no
 * document or the entries are not one per document (a table naming one
 * document twice and missing another passes this count: --check's IDHASH
 * check finds it). */
int pdx_doc_id_tags(pdx_index *ix, uint32_t *tags);

/* Lets go of the pages of STORED this process has mapped in (the file
 * stays in the page cache; reading a record again maps it back in): a
 * pass over scattered records (an update's sample, above) would otherwise
 * end up mapping nearly all of it, as each fault maps the pages around
 * it. One segment only; no effect on a view. */
void pdx_stored_release(pdx_index *ix);

/* Document with arXiv id: PDX_OK, PDX_ENOTFOUND or PDX_ECORRUPT. */
int pdx_doc_find_id(pdx_index *ix, const char *id, size_t len, uint32_t *out);

/* ---- postings.c: a cursor over one (term, field) list ----
 *
 * Document-at-a-time: doc is the current document (PDX_NO_DOC at the end).
 * Blocks are decoded lazily: seek() uses the skip table to jump over whole
 * blocks without decoding them. */

/* Documents pdx_postings_seek() compares at once in a decoded block. */
#define PDX_SCAN_PAD 4

typedef struct pdx_postings {
    pdx_index *ix;     /* not owned */
    unsigned field;    /* the list's field (enum pdx_field) */
    uint32_t df;       /* documents in the list */
    uint32_t max_tf;   /* list-wide bound, for MaxScore */
    uint32_t min_len;  /* list-wide bound */
    uint32_t max_votes; /* list-wide: most known votes of one of its papers */
    /* list-wide: its (tf, length) frontier, encoded at imp and checked
     * when the header was read (pdx_postings_impacts()) */
    const uint8_t *imp;
    uint32_t n_blocks;
    const uint8_t *skip;     /* n_blocks entries of PDX_SKIP_ENTRY_SIZE */
    const uint8_t *data;     /* block data start */
    const uint8_t *data_end;
    const uint8_t *pos;      /* this list's positions (pos_base) */
    const uint8_t *pos_end;  /* end of POSITIONS */
    uint32_t block;          /* current block; n_blocks when exhausted */
    uint32_t n;              /* documents in the current block */
    uint32_t i;              /* index of the current document in the block */
    uint32_t doc;            /* current document, PDX_NO_DOC at the end */
    const uint8_t *block_end; /* after the current block's data (tf varints) */
    /* Positions cursor: positions of documents before pos_doc in the
     * current block have been skipped; pos_p points at document pos_doc's. */
    const uint8_t *pos_p;
    uint32_t pos_doc;
    /* Where the positions of document again_i of the block start, so that
     * asking twice for one document (phrase check, then proximity) does
     * not rescan the block. UINT32_MAX when unset. */
    const uint8_t *again_p;
    uint32_t again_i;
    /* the block's documents, then PDX_SCAN_PAD copies of UINT32_MAX
     * (pdx_postings_seek() reads PDX_SCAN_PAD at a time) */
    uint32_t docs[PDX_BLOCK_SIZE + PDX_SCAN_PAD];
    uint32_t tfs[PDX_BLOCK_SIZE];
    /* The skip entry of a one-block list, which has none on disk; `skip`
     * then points here, so a cursor must not be copied once opened. */
    uint8_t skip1[PDX_SKIP_ENTRY_SIZE];
} pdx_postings;

/* Opens the list of (term ord, field) on its first document. Returns
 * PDX_ENOTFOUND when the term does not occur in that field. */
int pdx_postings_open(pdx_postings *out, pdx_index *ix, uint32_t ord, unsigned field);
/* The list's impacts (impact.h): its points into tf[] and len[] (each
 * PDX_MAX_IMPACTS long), ascending in both; returns their count. */
uint32_t pdx_postings_impacts(const pdx_postings *p, uint32_t *tf, uint32_t *len);
/* Moves to the next document. The common case, a next document in the
 * decoded block, is inline; the rest is pdx_postings_next_block. */
int pdx_postings_next_block(pdx_postings *p);
static inline int pdx_postings_next(pdx_postings *p)
{
    if (p->i + 1 < p->n && p->doc != PDX_NO_DOC) {
        p->doc = p->docs[++p->i];
        return PDX_OK;
    }
    return pdx_postings_next_block(p);
}
/* Moves to the first document >= target (never backwards). The common
 * case, a target inside the decoded block, is inline; the rest is
 * pdx_postings_seek_blocks. */
int pdx_postings_seek_blocks(pdx_postings *p, uint32_t target);
static inline int pdx_postings_seek(pdx_postings *p, uint32_t target)
{
    if (p->doc >= target) /* also at the end: PDX_NO_DOC */
        return PDX_OK;
    if (p->docs[p->n - 1] < target)
        return pdx_postings_seek_blocks(p, target);
    /* The answer is in [i + 1, n) (docs[n - 1] >= target). The block is
     * sorted, so how many of the next four are below target is how far
     * to move: counted without a branch per document, since a scan of
     * varying length mispredicts its exit at nearly every seek (the
     * padding past n is never below target). A longer way on is scanned
     * as before: there the loop predicts well, and four more compares
     * cost less than eight (measured) or a binary search's chain of
     * loads (slower by 13% at 20x, where copies of a paper make long runs). */
    uint32_t i = p->i + 1;
    const uint32_t *d = p->docs + i;
    uint32_t c = (d[0] < target) + (d[1] < target) + (d[2] < target) + (d[3] < target);
    i += c;
    if (c == PDX_SCAN_PAD)
        while (p->docs[i] < target)
            i++;
    p->i = i;
    p->doc = p->docs[i];
    return PDX_OK;
}
/* tf of the current document: at least 1, and at most the POSITIONS bytes
 * left after its block's start, so it can size a buffer. */
static inline uint32_t pdx_postings_tf(const pdx_postings *p)
{
    return p->tfs[p->i];
}
/* Positions of the current document, ascending, into out[0..tf). `out`
 * must hold pdx_postings_tf(p) entries. PDX_ECORRUPT when tf exceeds the
 * document's field length or the positions are malformed. */
int pdx_postings_positions(pdx_postings *p, uint32_t *out);
/* Skip entry fields of block b (for block-max bounds). A one-block list's
 * last_doc is known only once its block is decoded (at open). */
static inline uint32_t pdx_skip_field(const pdx_postings *p, uint32_t b, unsigned off)
{
    return pdx_get_u32(p->skip + (size_t)b * PDX_SKIP_ENTRY_SIZE + off);
}
static inline uint32_t pdx_skip_last_doc(const pdx_postings *p, uint32_t b)
{
    return pdx_skip_field(p, b, PDX_SKIP_LAST_DOC);
}
static inline uint32_t pdx_skip_max_tf(const pdx_postings *p, uint32_t b)
{
    return pdx_skip_field(p, b, PDX_SKIP_MAX_TF);
}
static inline uint32_t pdx_skip_min_len(const pdx_postings *p, uint32_t b)
{
    return pdx_skip_field(p, b, PDX_SKIP_MIN_LEN);
}
static inline uint32_t pdx_skip_max_votes(const pdx_postings *p, uint32_t b)
{
    return pdx_skip_field(p, b, PDX_SKIP_MAX_VOTES);
}
/* The block that holds the list's first document >= target, found
 * without decoding anything or moving the cursor ("shallow" seek):
 * p->block when the cursor's current document is >= target, else the
 * first later block whose last document is >= target; n_blocks when the
 * list has none. Block-max pruning reads that block's bounds. */
static inline uint32_t pdx_postings_block_of(const pdx_postings *p, uint32_t target)
{
    if (p->doc == PDX_NO_DOC)
        return p->n_blocks;
    if (p->doc >= target || pdx_skip_last_doc(p, p->block) >= target)
        return p->block;
    uint32_t lo = p->block + 1, hi = p->n_blocks;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (pdx_skip_last_doc(p, mid) < target)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Reads one list header at *p (within POSTINGS); used by postings.c and
 * check.c so both agree on the grammar. */
typedef struct pdx_list_header {
    /* the header's varints (format.h POSTINGS) */
    uint64_t df, max_tf, min_len, max_votes, pos_base, data_len;
    const uint8_t *imp; /* the encoded impacts (impact.h), checked */
    uint32_t n_imp;
    const uint8_t *skip; /* skip table */
    const uint8_t *data; /* block data */
    const uint8_t *end;  /* after block data: next field's list */
} pdx_list_header;
int pdx_list_header_read(pdx_index *ix, const uint8_t *p, pdx_list_header *out);
/* Pointer to the list of `field` of a term, walking earlier fields. */
int pdx_term_list(pdx_index *ix, const pdx_term *t, unsigned field, pdx_list_header *out);

/* ---- view.c: the view over segments ---- */

/* Opens one segment file (format version 5) as a segment handle: the
 * checks pdx_index_open made of the single file of version 3. Returns
 * what pdx_index_open returns; a manifest given here is PDX_ENOTINDEX. */
int pdx_segment_open(pdx_index **out, const char *path, char *errbuf, size_t errbuf_size);
/* pdx_segment_open with pdx_open_flags (pdx_index_open_flags). */
int pdx_segment_open_flags(pdx_index **out, const char *path, unsigned flags, char *errbuf,
                           size_t errbuf_size);

/* The segment holding view doc id doc, and its local id there. doc <
 * n_docs is the caller's promise. On a segment handle: itself. */
pdx_index *pdx_view_locate(const pdx_index *ix, uint32_t doc, uint32_t *local);

/* Live documents of the (term, field) list over every segment of a view
 * (list df minus the MDELDF counts): what idf uses. On a segment handle
 * its list's df. PDX_OK (0 when no segment has the term) or PDX_ECORRUPT. */
int pdx_term_list_df(pdx_index *ix, const char *term, size_t len, unsigned field,
                     uint64_t *out);
/* The ord of view term vord in segment seg (on a segment handle: vord
 * itself when seg == 0): PDX_OK, PDX_ENOTFOUND or PDX_ECORRUPT. */
int pdx_term_local(pdx_index *ix, uint32_t vord, uint32_t seg, uint32_t *local);
/* Every distinct term starting with prefix over all segments, as view
 * ords in term byte order: *vords is malloc'd (the caller frees it; NULL
 * when *n is 0). PDX_OK, PDX_ENOMEM or PDX_ECORRUPT. */
int pdx_term_prefix_list(pdx_index *ix, const char *prefix, size_t len, uint32_t **vords,
                         size_t *n);
/* How many of segment seg's deleted papers hold the (term, field) list
 * (its MDELDF entry; 0 when none). */
uint32_t pdx_deldf_count(const pdx_index *seg, const char *term, size_t len, unsigned field);

/* The dispatching halves of the public lookups (segment.c calls these for
 * a view). */
int pdx_view_term_find(pdx_index *ix, const char *term, size_t len, uint32_t *out);
int pdx_view_term_get(pdx_index *ix, uint32_t vord, pdx_term *out);
int pdx_view_term_df(pdx_index *ix, uint32_t vord, unsigned fields, uint64_t *out);
int pdx_view_doc_get(pdx_index *ix, uint32_t doc, pdx_doc *out, bool scan);
int pdx_view_stored_get(pdx_index *ix, uint32_t doc, pdx_stored *out, bool scan);
int pdx_view_doc_find_id(pdx_index *ix, const char *id, size_t len, uint32_t *out);
/* pdx_index_check of a view (check.c checks each segment). */
int pdx_view_check(pdx_index *ix);
/* pdx_index_check of one segment (check.c). */
int pdx_segment_check(pdx_index *ix);
/* Verifies the checksum of section id of segment ix (check.c): PDX_OK, or
 * PDX_ECORRUPT naming the section and its bytes. What copies a section's
 * contents elsewhere (a merge) calls it first, so damage is refused, not
 * carried into a segment whose own checksums would then be right. */
int pdx_section_verify(pdx_index *ix, unsigned id);
/* For tests only (NULL otherwise): called by pdx_index_open between reading
 * the manifest and opening its segments, with the attempt number (0, then
 * 1.. when the open starts over), so a test can replace or damage the index
 * at that very moment. Not thread-safe to set while indexes are opened. */
extern void (*pdx_view_open_hook)(const char *path, int attempt);

/* Copies seg's last error message into the view's and returns rc. */
int pdx_view_pass_error(pdx_index *view, const pdx_index *seg, int rc);

#endif
