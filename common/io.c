/* Writing a whole buffer to a file descriptor, and the file an output
 * path names (common.h): the index writer's output files, a published
 * manifest, a search's listing, the indexer's export. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

int pdx_output_target(const char *path, char **out, char *err, size_t err_size)
{
    struct stat st;
    bool link = lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
    *out = link ? realpath(path, NULL) : strdup(path);
    if (*out)
        return PDX_OK;
    if (!link || errno == ENOMEM)
        return pdx_msgf(err, err_size, PDX_ENOMEM, "%s: out of memory", path);
    return pdx_msgf(err, err_size, PDX_EINVAL,
                    "%s: is a symlink whose target cannot be resolved (%s); refusing to write "
                    "through it",
                    path, strerror(errno));
}

const char *pdx_output_folder_problem(const char *path, int e)
{
    size_t n = strlen(path);
    if (n && path[n - 1] == '/')
        return "names a folder (it ends in '/'): give the index's own file, such as "
               "FOLDER/paperdex.idx";
    if (e != ENOENT && e != ENOTDIR)
        return NULL;
    char *dir = strdup(path);
    if (!dir)
        return NULL;
    char *slash = strrchr(dir, '/');
    bool missing = false;
    if (slash && slash != dir) { /* "x.idx" and "/x.idx" have a folder */
        *slash = 0;
        struct stat st;
        missing = stat(dir, &st) != 0 || !S_ISDIR(st.st_mode);
    }
    free(dir);
    return missing ? "its folder does not exist (create it first)" : NULL;
}

const char *pdx_file_kind(mode_t mode)
{
    if (S_ISREG(mode))
        return "a regular file";
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "another kind of file";
}
