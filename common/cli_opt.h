/*
 * Command-line option matching and messages shared by the programs
 * (paperdex-index, paperdex-search, paperdex-serve). Not part of
 * libpaperdex: cli_opt.c is built into the programs' helper library
 * paperdex_cli (programs.cmake), like json.c.
 */
#ifndef PDX_CLI_OPT_H
#define PDX_CLI_OPT_H

#include <stdbool.h>
#include <stdio.h>

#include "common.h"

/* Matches argv[*i] against "--name VALUE" and "--name=VALUE" (and a short
 * alias, which takes only the separate form; alias may be NULL). Sets *val
 * (NULL when the value is missing), advancing *i past a separate value, and
 * returns true when argv[*i] is this option. */
bool pdx_cli_opt_value(int argc, char **argv, int *i, const char *name, const char *alias,
                       const char **val);

/* A finite decimal number in [0, max], as every program takes one: digits,
 * a point, an exponent ("1.5", "2e-1"). strtod alone would also take
 * "inf", "nan", hex, leading blanks and a sign, and 1e999 as HUGE_VAL.
 * v is NUL-terminated; *out is set only on success. */
bool pdx_cli_parse_real(const char *v, double max, double *out);

/* fprintf(stderr, fmt, ...) with what could steer the terminal shown
 * escaped: a message names files, and a file's name may hold escape
 * sequences, a newline that forges a message line, or invalid UTF-8. Each
 * control character (pdx_is_control_cp: C0 but a final newline, DEL, C1,
 * bidi overrides) and each byte of invalid UTF-8 is written as \xNN (or
 * \u{NNNN}). */
void pdx_cli_eprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Appends m[0..n) to b escaped as pdx_cli_eprintf() writes it: a byte of
 * invalid UTF-8 or a control character as \xHH (\u{HHHH} past 0xFF), a
 * backslash as \\ (a file named "a\x07" is not one named "a" BEL), the
 * rest as is (a newline ending m kept). */
void pdx_cli_escape(pdx_buf *b, const char *m, size_t n);
/* The same on f (stdout: a summary naming files). */
void pdx_cli_fprintf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* pdx_cli_eprintf after raw, written as is (a progress line's "\r\033[K"). */
void pdx_cli_eprintf_after(const char *raw, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
