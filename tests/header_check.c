/* Compiles the public headers alone, with -pedantic -Werror: they must not
 * depend on anything internal or on compiler extensions. Built, not run. */
#include "paperdex/paperdex.h"

int pdx_header_check(void);
int pdx_header_check(void)
{
    return PDX_OK + (int)sizeof(pdx_paper) + (int)sizeof(pdx_search_opts) +
           (int)sizeof(pdx_token);
}
