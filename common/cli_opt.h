/*
 * Command-line option matching shared by the programs (paperdex-search,
 * paperdex-serve). Not part of libpaperdex: cli_opt.c is built into the
 * programs' helper library paperdex_cli (programs.cmake), like json.c.
 */
#ifndef PDX_CLI_OPT_H
#define PDX_CLI_OPT_H

#include <stdbool.h>

/* Matches argv[*i] against "--name VALUE" and "--name=VALUE" (and a short
 * alias, which takes only the separate form; alias may be NULL). Sets *val
 * (NULL when the value is missing), advancing *i past a separate value, and
 * returns true when argv[*i] is this option. */
bool pdx_cli_opt_value(int argc, char **argv, int *i, const char *name, const char *alias,
                       const char **val);

#endif
