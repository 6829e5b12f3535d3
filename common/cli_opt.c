/* Option matching for the programs (cli_opt.h). Not part of the library. */
#include <string.h>

#include "cli_opt.h"

bool pdx_cli_opt_value(int argc, char **argv, int *i, const char *name, const char *alias,
                       const char **val)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (!strncmp(a, name, n) && a[n] == '=') {
        *val = a + n + 1;
        return true;
    }
    if (strcmp(a, name) && !(alias && !strcmp(a, alias)))
        return false;
    *val = *i + 1 < argc ? argv[++*i] : NULL;
    return true;
}
