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
        if (fz_build_index(path, "seed/2024/06/01.md", text, len))
            return 1;
        free(text);
    }
    /* Title, authors and summary of punctuation only: no terms at all. */
    static const char no_terms[] = "## Daily Papers (2024-03-04)\n\n"
                                   "### [?! -- ...](https://arxiv.org/abs/2403.00042)\n\n"
                                   "Vote: 2\n\nAuthors: ..\n\n- !! -- ?\n";
    snprintf(path, sizeof path, "%s/index/no_terms.index", argv[1]);
    if (fz_build_index(path, "seed/2024/03/04.md", no_terms, strlen(no_terms)))
        return 1;
    return 0;
}
