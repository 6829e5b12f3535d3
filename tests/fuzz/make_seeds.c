/*
 * Writes the generated part of the seed corpora (README.md says when to
 * rerun it): a synthetic digest for the parser and three index files for
 * the index reader, two built from synthetic digests and one from a paper
 * without a single term (its empty sections share an offset). The hand-written seeds sit
 * beside them and are not touched. (Index seeds are named *.index: the
 * repository ignores *.idx.)
 *
 *   fuzz_make_seeds tests/fuzz/corpus
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_fixture.h"

/* Not a fuzz target: these satisfy the prototypes in fuzz_fixture.h. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)data;
    (void)size;
    return 0;
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "make_seeds: cannot write %s\n", path);
        exit(1);
    }
}

/* Moves file from to path. */
static int move_file(const char *from, const char *to)
{
    FILE *f = fopen(from, "rb");
    if (!f)
        return 1;
    static char buf[1 << 22];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    write_file(to, buf, n);
    return unlink(from);
}

/* An index seed: the segment file of an index built from text (the
 * manifest, which names it, goes to "<path>.manifest.index" when
 * with_manifest). */
static int build_seed(const char *path, const char *name, const char *text, size_t len,
                      bool with_manifest)
{
    char tmp[4200], seg[4300], lock[4300], mf[4300];
    snprintf(tmp, sizeof tmp, "%s.build", path);
    if (fz_build_index(tmp, name, text, len))
        return 1;
    snprintf(seg, sizeof seg, "%s.1.seg", tmp);
    snprintf(lock, sizeof lock, "%s.lock", tmp);
    snprintf(mf, sizeof mf, "%.*s.manifest.index", (int)(strlen(path) - 6), path);
    unlink(lock);
    if (move_file(seg, path))
        return 1;
    return with_manifest ? move_file(tmp, mf) : unlink(tmp);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fuzz_make_seeds CORPUS_DIR\n");
        return 2;
    }
    char path[4096];
    size_t len;
    char *text = fz_digest(4, &len);
    snprintf(path, sizeof path, "%s/digest/gen_four_papers.md", argv[1]);
    write_file(path, text, len);
    free(text);

    static const struct {
        const char *name;
        unsigned papers;
    } idx[] = {{"small.index", 3}, {"skiptable.index", 140}};
    for (size_t i = 0; i < sizeof idx / sizeof *idx; i++) {
        text = fz_digest(idx[i].papers, &len);
        snprintf(path, sizeof path, "%s/index/%s", argv[1], idx[i].name);
        if (build_seed(path, "seed/2024/06/01.md", text, len, i == 0))
            return 1;
        free(text);
    }
    /* Title, authors and summary of punctuation only: no terms at all. */
    static const char no_terms[] = "## Daily Papers (2024-03-04)\n\n"
                                   "### [?! -- ...](https://arxiv.org/abs/2403.00042)\n\n"
                                   "Vote: 2\n\nAuthors: ..\n\n- !! -- ?\n";
    snprintf(path, sizeof path, "%s/index/no_terms.index", argv[1]);
    if (build_seed(path, "seed/2024/03/04.md", no_terms, strlen(no_terms), false))
        return 1;
    return 0;
}
