/* The format's hash: XXH3-64 with seed 0 (recorded in the index header as
 * hash id 1, so a future change of hash is a version change). */
#include <xxhash.h>

#include "common.h"

uint64_t pdx_hash(const void *p, size_t n)
{
    return XXH3_64bits(p, n);
}
