/* Writing a whole buffer to a file descriptor (common.h): the index
 * writer's output files, a published manifest, a search's listing. */
#include <errno.h>
#include <unistd.h>

#include "common.h"

int pdx_write_all(int fd, const void *p, size_t n)
{
    const uint8_t *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return errno;
        if (w == 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}
