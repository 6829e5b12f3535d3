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

/* A file name as a JSON string literal: its invalid UTF-8 and control
 * characters written \xHH as in every message (pdx_cli_escape()), then
 * quoted as pdx_json_str() does ("bad\xFF.md" is "bad\\xFF.md"): two
 * names that differ in such bytes stay two names, where U+FFFD made them
 * one (a review). */
void pdx_json_name(pdx_buf *b, const char *s, size_t n);

#endif
