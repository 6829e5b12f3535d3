/*
 * Helpers shared by the test programs: scratch directories, writing small
 * digest fixtures, reading files back, running the built programs.
 * Every helper fails the current cmocka test on error, so callers need not
 * check results.
 */
#ifndef PDX_TEST_FIXTURES_H
#define PDX_TEST_FIXTURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Creates a fresh directory under $TMPDIR (or /tmp); returns a malloc'd path. */
char *fx_tmpdir(void);
/* Removes a directory tree (best effort) and frees the path. */
void fx_rmtree(char *dir);
/* Whether dir has an entry whose name contains needle (fails the test when
 * dir cannot be read). */
bool fx_has_entry(const char *dir, const char *needle);
/* Joins dir and name into a malloc'd path. */
char *fx_path(const char *dir, const char *name);
/* Writes len bytes (or strlen(data) when len == (size_t)-1) to path,
 * creating parent directories. */
void fx_write(const char *path, const char *data, size_t len);
/* Reads a whole file; returns a malloc'd, NUL-terminated buffer and its
 * length in *len_out (may be NULL). Returns NULL if it cannot be read. */
char *fx_read(const char *path, size_t *len_out);
/* A paper for fx_write_index: NUL-terminated text (authors and summary
 * may be NULL: empty); votes -1 is unknown. */
typedef struct fx_paper {
    const char *id, *title, *authors, *summary;
    int date;       /* YYYYMMDD */
    long long votes;
} fx_paper;
/* Writes an index of papers[0..n) to path with the library's writer, as
 * the digests of "fixture.md" line i+1 (fails the test on error). */
void fx_write_index(const char *path, const fx_paper *papers, size_t n);

/* An index written from fixtures and opened for searching; its file is
 * FX_SEARCH_INDEX in dir. */
#define FX_SEARCH_INDEX "t.idx"
typedef struct fx_search {
    char *dir;                  /* its scratch directory (fx_tmpdir) */
    struct pdx_index *ix;       /* the index in it */
    struct pdx_searcher *s;     /* a searcher on ix */
} fx_search;
/* Writes papers[0..n) as an index in a fresh directory and opens it and a
 * searcher on it into *e (fails the test on error). */
void fx_search_open(fx_search *e, const fx_paper *papers, size_t n);
/* Opens the index FX_SEARCH_INDEX that the caller wrote in e->dir, and a
 * searcher on it (fails the test on error). */
void fx_search_open_dir(fx_search *e);
/* Closes what fx_search_open opened, removes its directory, zeroes *e. */
void fx_search_close(fx_search *e);
/* A cmocka teardown for a state that is a malloc'd fx_search: closes it,
 * then frees it. */
int fx_search_teardown(void **state);
/* query parsed on e's searcher (fails the test, naming it, on error). */
struct pdx_query *fx_search_parse(fx_search *e, const char *query);

/* The file of segment k (in view order) of the index at path (format 4 and later:
 * "<path>.<seq>.seg"), malloc'd; fails the test when there is none. */
char *fx_index_segment(const char *path, unsigned k);
/* Copies the index at src (its manifest and every segment it names) to
 * dst, its segments to "<dst>.<seq>.seg". */
void fx_copy_index(const char *src, const char *dst);

struct pdx_section;
/* Reads the frame of the manifest b[0..len) into sec[1..PDX_MSEC_COUNT]
 * (sec has PDX_MSEC_COUNT + 1 entries); fails the test when the frame
 * reader refuses it. */
void fx_manifest_sections(const unsigned char *b, size_t len, struct pdx_section *sec);
/* Recomputes every section checksum of the manifest b[0..len), then its
 * table, header and footer, after a test patched section bytes: the
 * manifest's checksums hold again and only the patched structure is
 * wrong. The table must be intact. */
void fx_manifest_reseal(unsigned char *b, size_t len);

struct pdx_paper;
/* Deep-copies parsed paper p (whose strings live only during the parser's
 * callback) into *out: every string of *out points into the returned
 * malloc'd buffer, which the caller frees. */
char *fx_paper_copy(struct pdx_paper *out, const struct pdx_paper *p);

/* Path of the shared/ data folder, or NULL when it is not there. */
const char *fx_shared_dir(void);
/* A deterministic xorshift64 step of *state (not 0): the tests' own
 * pseudo-random numbers. */
uint64_t fx_xorshift(uint64_t *state);
/* Runs a shell command, capturing stdout into *out (malloc'd, may be NULL)
 * and returning its exit status (or -1 if it did not exit normally). */
int fx_run(const char *cmd, char **out);

#endif
