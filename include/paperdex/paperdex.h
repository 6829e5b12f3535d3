/*
 * paperdex: a full-text search engine for daily-paper digests.
 *
 * This is the one header users include. It pulls in the public API, which
 * lives in include/paperdex/ and nowhere else:
 *
 *   errors.h     error codes and pdx_strerror()
 *   tokenizer.h  the one tokenizer shared by indexing, querying, highlighting
 *   parser.h     digest files -> papers (streaming)
 *   index.h      writing a segment file and reading it through mmap
 *   search.h     queries, ranking and snippets
 *
 * Naming: functions pdx_module_verb(), macros PDX_*, opaque handles created
 * by _new or _open functions and released by _free or _close ones (which
 * accept NULL).
 * Out-parameters come first and are named `out`; callbacks take
 * `void *payload` last. Text is passed as (pointer, length) and is never
 * assumed to be NUL-terminated unless a comment says so.
 */
#ifndef PAPERDEX_PAPERDEX_H
#define PAPERDEX_PAPERDEX_H

#include "paperdex/errors.h"
#include "paperdex/tokenizer.h"
#include "paperdex/parser.h"
#include "paperdex/index.h"
#include "paperdex/search.h"

#endif
