/*
 * JSON output helpers for the programs (paperdex-index --json and
 * --export-jsonl, paperdex-search --json). Not part of libpaperdex: json.c
 * is built into the programs' helper library paperdex_cli (programs.cmake),
 * so library code that included this header would not link. Only *_cli.c
 * files include it.
 */
#ifndef PDX_JSON_H
#define PDX_JSON_H

#include <stddef.h>

#include "common.h"

/* Appends s[0..n) to b as a JSON string literal (quotes included). Control
 * characters, quotes and backslashes are escaped; invalid UTF-8 becomes
 * U+FFFD, so the output is always valid JSON. */
void pdx_json_str(pdx_buf *b, const char *s, size_t n);

#endif
