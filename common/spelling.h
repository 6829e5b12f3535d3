/*
 * British spellings written the American way, before stemming
 * (spelling.c; docs/TOKENIZATION.md "British spellings").
 */
#ifndef PDX_SPELLING_H
#define PDX_SPELLING_H

#include <stddef.h>

/* Room pdx_american_spelling() needs in out for a word of n bytes. */
#define PDX_AMERICAN_ROOM(n) ((n) + 2)

/* The American spelling of the lower-case ASCII word w[0..n), written to
 * out (PDX_AMERICAN_ROOM(n) bytes), as its length; 0 when w is spelled no
 * other way in American English (or is none of the British spellings
 * known here: -ise/-isation, -yse, -our, -tre, and a few words). */
size_t pdx_american_spelling(const char *w, size_t n, char *out);

#endif
