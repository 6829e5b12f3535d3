/*
 * The manifest's encoder and decoder (common/manifest.c): a round trip of
 * every field, every checksum, every flipped byte refused with its offset,
 * structural damage under good checksums, and what the encoder refuses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixtures.h"
#include "frame.h"
#include "manifest.h"

static uint32_t del0[] = {1, 4, 9};
static pdx_deldf deldf0[] = {
    {"graph", 5, 0, 1},
    {"graph", 5, 2, 2},
    {"학습", 6, 2, 3},
};
static uint32_t del2[] = {0};
static pdx_deldf deldf2[] = {{"x", 1, 1, 1}};
static char *drop0[] = {"2406.00001", "2406.00002"};
static uint8_t lex[] = {1, 2, 3, 4, 5};
static uint8_t cand[] = {9, 8, 7};

/* A manifest with three segments (deletions in two), two files, a
 * lexicon and candidates: every field non-zero somewhere. */
static pdx_manifest sample(pdx_manifest_segment *segs, pdx_manifest_file *files)
{
    segs[0] = (pdx_manifest_segment){7, 10, 4096, 0x1122334455667788ull, del0, 3, deldf0, 3};
    segs[1] = (pdx_manifest_segment){8, 5, 2048, 0x99, NULL, 0, NULL, 0};
    segs[2] = (pdx_manifest_segment){12, 1, 1000, 0xabc, del2, 1, deldf2, 1};
    files[0] = (pdx_manifest_file){"a/2024-06-01.md", 123, 1718000000123456789ll, 0xfeed, 7, 0,
                                   10, drop0, 2};
    files[1] = (pdx_manifest_file){"a/2024-06-02.md", 45, -5, 0xbeef, 8, 1, 4, NULL, 0};
    return (pdx_manifest){
        .tokenizer_version = 9, .generation = 42, .created = 1700000000, .next_seq = 13,
        .n_live = 7 + 5 + 0, .sum_len = {100, 200, 3000}, .max_votes = 77,
        .min_date = 20240601, .max_date = 20240602, .stemmer = "english",
        .unicode_version = "15.1.0", .generator = "paperdex test", .segs = segs, .n_segs = 3,
        .files = files, .n_files = 2, .lexicon = lex, .lexicon_len = sizeof lex,
        .cand = cand, .cand_len = sizeof cand};
}

static void encode_sample(pdx_buf *b)
{
    pdx_manifest_segment segs[3];
    pdx_manifest_file files[2];
    pdx_manifest m = sample(segs, files);
    assert_int_equal(pdx_manifest_encode(b, &m), PDX_OK);
}

static void manifest_round_trip(void **st)
{
    (void)st;
    pdx_manifest_segment segs[3];
    pdx_manifest_file files[2];
    pdx_manifest m = sample(segs, files);
    pdx_buf b = {0};
    assert_int_equal(pdx_manifest_encode(&b, &m), PDX_OK);
    pdx_manifest d;
    char err[256];
    assert_int_equal(pdx_manifest_decode(&d, b.data, b.len, err, sizeof err), PDX_OK);
    assert_int_equal(d.tokenizer_version, 9);
    assert_int_equal(d.generation, 42);
    assert_int_equal(d.created, 1700000000);
    assert_int_equal(d.next_seq, 13);
    assert_int_equal(d.n_live, 12);
    assert_int_equal(d.sum_len[2], 3000);
    assert_int_equal(d.max_votes, 77);
    assert_int_equal(d.min_date, 20240601);
    assert_int_equal(d.max_date, 20240602);
    assert_string_equal(d.stemmer, "english");
    assert_string_equal(d.unicode_version, "15.1.0");
    assert_string_equal(d.generator, "paperdex test");
    assert_int_equal(d.n_segs, 3);
    for (uint32_t i = 0; i < 3; i++) {
        assert_int_equal(d.segs[i].seq, segs[i].seq);
        assert_int_equal(d.segs[i].n_docs, segs[i].n_docs);
        assert_int_equal(d.segs[i].file_size, segs[i].file_size);
        assert_int_equal(d.segs[i].header_sum, segs[i].header_sum);
        assert_int_equal(d.segs[i].n_deleted, segs[i].n_deleted);
        for (uint32_t k = 0; k < segs[i].n_deleted; k++)
            assert_int_equal(d.segs[i].deleted[k], segs[i].deleted[k]);
        assert_int_equal(d.segs[i].n_deldf, segs[i].n_deldf);
        for (uint32_t k = 0; k < segs[i].n_deldf; k++) {
            assert_int_equal(d.segs[i].deldf[k].term_len, segs[i].deldf[k].term_len);
            assert_memory_equal(d.segs[i].deldf[k].term, segs[i].deldf[k].term,
                                segs[i].deldf[k].term_len);
            assert_int_equal(d.segs[i].deldf[k].field, segs[i].deldf[k].field);
            assert_int_equal(d.segs[i].deldf[k].count, segs[i].deldf[k].count);
        }
    }
    assert_int_equal(d.n_files, 2);
    assert_string_equal(d.files[0].path, "a/2024-06-01.md");
    assert_int_equal(d.files[0].mtime_ns, 1718000000123456789ll);
    assert_int_equal(d.files[1].mtime_ns, -5);
    assert_int_equal(d.files[0].hash, 0xfeed);
    assert_int_equal(d.files[1].seq, 8);
    assert_int_equal(d.files[1].first_doc, 1);
    assert_int_equal(d.files[1].n_docs, 4);
    assert_int_equal(d.files[0].n_dropped, 2);
    assert_string_equal(d.files[0].dropped[1], "2406.00002");
    assert_int_equal(d.lexicon_len, sizeof lex);
    assert_memory_equal(d.lexicon, lex, sizeof lex);
    assert_int_equal(d.cand_len, sizeof cand);
    assert_memory_equal(d.cand, cand, sizeof cand);

    /* encode(decode(x)) == x, byte for byte */
    pdx_buf b2 = {0};
    assert_int_equal(pdx_manifest_encode(&b2, &d), PDX_OK);
    assert_int_equal(b2.len, b.len);
    assert_memory_equal(b2.data, b.data, b.len);
    pdx_manifest_free(&d);
    pdx_manifest_free(&d); /* a freed manifest is zeroed: freeing it again is harmless */

    /* the reader's partial decode leaves MFILES and MCAND out */
    assert_int_equal(pdx_manifest_decode_parts(&d, b.data, b.len, PDX_MANIFEST_VIEW, err,
                                               sizeof err),
                     PDX_OK);
    assert_int_equal(d.n_files, 0);
    assert_null(d.cand);
    assert_int_equal(d.segs[0].n_deldf, 3);
    pdx_manifest_free(&d);
    pdx_buf_free(&b);
    pdx_buf_free(&b2);
}

/* Every single byte changed anywhere in the file is refused, and the
 * message names a byte offset (or the header/footer). */
static void manifest_every_byte_flip_refused(void **st)
{
    (void)st;
    pdx_buf b = {0};
    encode_sample(&b);
    char err[256];
    for (size_t at = 0; at < b.len; at++) {
        b.data[at] ^= 0x20;
        pdx_manifest d;
        int rc = pdx_manifest_decode(&d, b.data, b.len, err, sizeof err);
        b.data[at] ^= 0x20;
        if (rc == PDX_OK)
            fail_msg("byte %zu flipped: decoded", at);
        if (!strstr(err, "manifest: "))
            fail_msg("byte %zu flipped: message without the file kind: %s", at, err);
        if (at >= PDX_HEADER_SIZE && !strstr(err, "byte") && !strstr(err, "header"))
            fail_msg("byte %zu flipped: message names no offset: %s", at, err);
    }
    pdx_buf_free(&b);
}

/* Each section's checksum is checked: damage to its bytes is reported by
 * its name and byte range even when the table is rewritten to match. */
static void manifest_every_checksum(void **st)
{
    (void)st;
    pdx_buf b = {0};
    encode_sample(&b);
    pdx_section sec[PDX_MSEC_COUNT + 1];
    fx_manifest_sections(b.data, b.len, sec);
    static const char *const names[] = {"", "MMETA", "MSEGS", "MDELDF", "MFILES", "LEXICON",
                                        "MCAND"};
    for (unsigned id = 1; id <= PDX_MSEC_COUNT; id++) {
        size_t at = (size_t)sec[id].off + sec[id].len / 2;
        b.data[at] ^= 1;
        pdx_manifest d;
        char err[256];
        assert_int_equal(pdx_manifest_decode(&d, b.data, b.len, err, sizeof err), PDX_ECORRUPT);
        if (!strstr(err, names[id]) || !strstr(err, "checksum"))
            fail_msg("%s damaged: %s", names[id], err);
        b.data[at] ^= 1;
    }
    /* the header, table and footer checksums */
    size_t spots[] = {20, b.len - PDX_FOOTER_SIZE - 12, b.len - 4};
    const char *says[] = {"header", "section table", "footer"};
    for (size_t i = 0; i < 3; i++) {
        b.data[spots[i]] ^= 1;
        pdx_manifest d;
        char err[256];
        assert_int_equal(pdx_manifest_decode(&d, b.data, b.len, err, sizeof err), PDX_ECORRUPT);
        if (!strstr(err, says[i]))
            fail_msg("%s damaged: %s", says[i], err);
        b.data[spots[i]] ^= 1;
    }
    pdx_buf_free(&b);
}

/* Damage the encoder would never write, with every checksum right: the
 * decoder's structural checks name the section and byte. */
static void manifest_structure_refused(void **st)
{
    (void)st;
    pdx_manifest_segment segs[3];
    pdx_manifest_file files[2];
    struct {
        const char *what, *says;
    } cases[] = {
        {"deleted id past the segment", "MSEGS"},
        {"n_live wrong", "live papers"},
        {"MDELDF count above the deleted papers", "MDELDF"},
        {"file range outside its segment", "MFILES"},
        {"a deleted count larger than the section", "cannot fit"},
        {"a segment numbered at or past next_seq", "next_seq"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        pdx_manifest m = sample(segs, files);
        /* The encoder refuses these; so write a good manifest and patch
         * the one decoded value by re-encoding around the check. */
        pdx_buf b = {0};
        assert_int_equal(pdx_manifest_encode(&b, &m), PDX_OK);
        pdx_section sec[PDX_MSEC_COUNT + 1];
        fx_manifest_sections(b.data, b.len, sec);
        uint8_t *segp = b.data + sec[PDX_MSEC_SEGS].off;
        switch (i) {
        case 0: /* segment 0 holds 10 papers: its last deleted gap to 12 */
            segp[56 + 2] = 8;
            break;
        case 1:
            pdx_put_u32(b.data + sec[PDX_MSEC_META].off + 4, 99);
            break;
        case 2: /* the count of the first record of segment 0 (1 byte) */
            b.data[sec[PDX_MSEC_DELDF].off + 1 + 5 + 1] = 4;
            break;
        case 3: /* n_docs of file 1: "a/2024-06-02.md" then 44 bytes */
        {
            uint8_t *f = b.data + sec[PDX_MSEC_FILES].off;
            size_t f0 = 1 + 15 + 40 + 1 + 2 * 11;
            pdx_put_u32(f + f0 + 1 + 15 + 36, 5);
            break;
        }
        case 4: /* segment 0: 2^32-1 papers, 2^31-1 deleted (16 GiB of ids) */
            pdx_put_u32(segp + 40, 0xffffffffu);
            pdx_put_u32(segp + 44, 0x7fffffffu);
            break;
        case 5: /* next_seq 12: segment 2 is number 12 */
            pdx_put_u64(b.data + sec[PDX_MSEC_META].off + 24, 12);
            break;
        }
        /* recompute the checksums so only the structure is wrong */
        fx_manifest_reseal(b.data, b.len);
        pdx_manifest d;
        char err[256];
        int rc = pdx_manifest_decode(&d, b.data, b.len, err, sizeof err);
        if (rc != PDX_ECORRUPT || !strstr(err, cases[i].says) || !strstr(err, "byte"))
            fail_msg("%s: rc %d, %s", cases[i].what, rc, err);
        pdx_buf_free(&b);
    }
}

/* The encoder refuses what the decoder would refuse. */
static void manifest_encoder_refuses(void **st)
{
    (void)st;
    pdx_manifest_segment segs[3];
    pdx_manifest_file files[2];
    pdx_buf b = {0};
    pdx_manifest m = sample(segs, files);
    m.n_segs = 0;
    assert_int_equal(pdx_manifest_encode(&b, &m), PDX_EINVAL);
    m = sample(segs, files);
    uint32_t bad[] = {4, 1};
    segs[0].deleted = bad;
    segs[0].n_deleted = 2;
    assert_int_equal(pdx_manifest_encode(&b, &m), PDX_EINVAL);
    m = sample(segs, files);
    files[1].path = "a/2024-05-31.md"; /* before files[0] */
    assert_int_equal(pdx_manifest_encode(&b, &m), PDX_EINVAL);
    m = sample(segs, files);
    m.next_seq = 12; /* a segment's seq is not below it */
    assert_int_equal(pdx_manifest_encode(&b, &m), PDX_EINVAL);
    assert_int_equal(b.len, 0);
    pdx_buf_free(&b);
}

static void manifest_segment_path(void **st)
{
    (void)st;
    char *p = pdx_segment_path("dir/paperdex.idx", 12345678901ull);
    assert_string_equal(p, "dir/paperdex.idx.12345678901.seg");
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(manifest_round_trip),
        cmocka_unit_test(manifest_every_byte_flip_refused),
        cmocka_unit_test(manifest_every_checksum),
        cmocka_unit_test(manifest_structure_refused),
        cmocka_unit_test(manifest_encoder_refuses),
        cmocka_unit_test(manifest_segment_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
