/*
 * Reads of paper records for a one-shot handle (PDX_OPEN_ONESHOT).
 *
 * A segment is mapped whole, and the first touch of a mapped page costs a
 * fault that maps the 16 pages around it (the kernel's fault-around) and
 * unmaps them again at exit: on the 2-core VM of bench/RESULTS.md about
 * 4 us to fault and 4 us to unmap, against 1 us for a pread() of the same
 * bytes. A warm mapping costs nothing, so a long-lived handle reads
 * through it; a process that answers one query and exits pays the faults
 * of every page it touches, and the records of papers are the scattered
 * part of that: the stored fields and the 32-byte record of each hit
 * shown (one fault each: the hits lie far apart). Reads made for every
 * candidate (filters, the ids that break ties, the dates that break ties
 * past the first PDX_TIE_READS, searcher.h) stay on the mapping,
 * where a fault brings in many papers. A cold cache reads the hits'
 * records, and the first of those ties, with pread()
 * from the segment's file (the same inode as the mapping: a segment is
 * written once) and keeps them until the handle is closed, so a pointer
 * into a record stays valid as long as one into the mapping would; each
 * record is read at most once, so its memory is bounded by the records a
 * handle reads, as the mapping's resident pages would be.
 *
 * Thread-safe: a mutex guards the cache (handles may be shared by the
 * searchers of several threads).
 */
#ifndef PDX_COLD_H
#define PDX_COLD_H

#include <stdint.h>

#include "format.h"

typedef struct pdx_cold pdx_cold;

/* A cache reading from fd, which it owns from now on (closed by
 * pdx_cold_free, also when this fails). PDX_OK or PDX_ENOMEM. */
int pdx_cold_new(pdx_cold **out, int fd);
void pdx_cold_free(pdx_cold *c);

/* Copies document doc's DOCS record (PDX_DOC_RECORD_SIZE bytes), at file
 * offset off, into out (read from the file the first time). PDX_OK,
 * PDX_ENOMEM, or PDX_EIO with errno kept (a short read: errno 0). */
int pdx_cold_record(pdx_cold *c, uint32_t doc, uint64_t off,
                    uint8_t out[PDX_DOC_RECORD_SIZE]);

/* The len bytes of document doc's stored record, at file offset off, into
 * *out: memory the cache keeps until pdx_cold_free. The same doc must
 * always come with the same off and len (the segment's record says them).
 * Errors as pdx_cold_record. */
int pdx_cold_stored(pdx_cold *c, uint32_t doc, uint64_t off, uint32_t len, const uint8_t **out);

/* For tests only (NULL otherwise): asked before each read from the file;
 * a nonzero return is the read's error (errno EIO), as a failing disk. */
extern int (*pdx_cold_read_hook)(uint32_t doc);

#endif
