/*
 * Documents prepared for the index writer: the part of adding a paper that
 * needs nothing of the writer's state, so that it can run on any thread.
 *
 * For each paper a batch holds the stored record (the bytes STORED will
 * hold), the field lengths, and per field the paper's distinct terms, each
 * with its hash and its postings bytes for this document: varint tf, then
 * tf varint position gaps (the run encoding of writer.c without the
 * document gap, which depends on the run). The writer then only looks each
 * distinct term up in its run dictionary and appends those bytes: no
 * tokenizing, hashing or sorting on its thread. The bytes are the same
 * whichever thread prepared them and in whatever order, so the index does
 * not depend on the number of threads.
 *
 * A batch is used by one thread at a time: filled by one (a worker, or the
 * writer itself in pdx_writer_add), then read by the writer. All offsets
 * point into the batch's arena, which moves as it grows; pointers are
 * made only when reading.
 */
#include <stdlib.h>

#include "format.h"
#include "indexer.h"
#include "paperdex/index.h"
#include "paperdex/tokenizer.h"

/* One distinct term of one field of one prepared document. */
typedef struct prep_term {
    size_t str_off;    /* the term's bytes, in arena */
    size_t post_off;   /* varint tf and position gaps, in arena */
    uint32_t post_len; /* their byte count */
    uint32_t hash;     /* low bits of pdx_hash(term): the writer's key */
    uint8_t len;       /* term bytes, 1..PDX_MAX_TERM_BYTES */
} prep_term;

/* One prepared document. Strings are (offset in arena, length). */
typedef struct prep_doc {
    size_t id_off, id_len;           /* arXiv or synthesized id */
    size_t url_off, url_len;         /* link as written */
    size_t title_off, title_len;     /* title as parsed */
    size_t authors_off, authors_len; /* names separated by '\n' */
    size_t summary_off, summary_len; /* summary as parsed */
    size_t file_off;                 /* NUL-terminated; SIZE_MAX: NULL */
    size_t rec_off, rec_len;         /* the stored record (format.h STORED) */
    uint32_t line;                     /* line of the heading */
    uint32_t n_authors;                /* names in authors */
    int32_t date;                      /* YYYYMMDD, 0 when unknown */
    int64_t votes;                     /* as in pdx_paper */
    bool id_synthesized;               /* the digest had no arXiv id */
    uint32_t len[PDX_NFIELDS];         /* tokens per field */
    /* The terms of field f are terms[first[f] .. first[f + 1]). */
    uint32_t first[PDX_NFIELDS + 1];
    /* PDX_OK, or why preparing failed (PDX_ENOMEM, a tokenizer error):
     * the writer reports it when it reaches this document, so a failure
     * stops the build at the same paper whatever thread hit it. */
    int err;
} prep_doc;

/* A term of the document being prepared (the per-field dictionary). */
typedef struct local_term {
    size_t str_off;   /* into words */
    uint32_t hash;    /* low bits of pdx_hash */
    uint8_t len;      /* bytes */
} local_term;

struct pdx_doc_batch {
    pdx_tokenizer *tk;        /* owned; one per batch, so one per thread */
    prep_doc *docs;           /* the prepared documents, in order */
    size_t n_docs, cap_docs;  /* used and allocated */
    prep_term *terms;         /* every document's terms, in order */
    size_t n_terms, cap_terms; /* used and allocated */
    pdx_buf arena;            /* all strings, records and postings bytes */
    /* Scratch of the field being tokenized: (local term << 32 | position)
     * per token, sorted to group each term's positions. */
    uint64_t *scratch;
    size_t n_scratch, cap_scratch; /* used and allocated */
    local_term *local;        /* the field's distinct terms */
    uint32_t n_local, cap_local; /* used and allocated */
    pdx_buf words;            /* bytes of local's terms */
    pdx_slots slots;          /* hash of local, by bytes */
    uint32_t cur_tokens;      /* tokens of the field so far */
};

int pdx_doc_batch_new(pdx_doc_batch **out)
{
    *out = NULL;
    pdx_doc_batch *b = calloc(1, sizeof *b);
    if (!b)
        return PDX_ENOMEM;
    if (pdx_tokenizer_new(&b->tk) != PDX_OK) {
        free(b);
        return PDX_ENOMEM;
    }
    *out = b;
    return PDX_OK;
}

void pdx_doc_batch_free(pdx_doc_batch *b)
{
    if (!b)
        return;
    pdx_tokenizer_free(b->tk);
    free(b->docs);
    free(b->terms);
    pdx_buf_free(&b->arena);
    free(b->scratch);
    free(b->local);
    pdx_buf_free(&b->words);
    pdx_slots_free(&b->slots);
    free(b);
}

void pdx_doc_batch_reset(pdx_doc_batch *b)
{
    b->n_docs = 0;
    b->n_terms = 0;
    pdx_buf_reset(&b->arena);
    b->arena.err = PDX_OK;
}

size_t pdx_doc_batch_count(const pdx_doc_batch *b)
{
    return b->n_docs;
}

/* ---- the per-field dictionary ---- */

static bool local_rehash(uint32_t item, uint32_t *hash, void *payload)
{
    const pdx_doc_batch *b = payload;
    *hash = b->local[item].hash;
    return true;
}

/* A term being looked up in the per-field dictionary. */
typedef struct local_key {
    const char *s; /* its bytes, not owned */
    size_t len;    /* their count */
    uint32_t hash; /* low bits of pdx_hash(s, len) */
} local_key;

static bool local_match(uint32_t item, const void *key, void *payload)
{
    const pdx_doc_batch *b = payload;
    const local_key *k = key;
    const local_term *t = &b->local[item];
    return t->hash == k->hash && t->len == k->len &&
           memcmp(b->words.data + t->str_off, k->s, k->len) == 0;
}

/* Index of the term in the field's dictionary, inserting it; UINT32_MAX
 * when out of memory. */
static uint32_t local_intern(pdx_doc_batch *b, const char *s, size_t len)
{
    if (!pdx_slots_reserve(&b->slots, b->n_local + 1, b->n_local, local_rehash, b))
        return UINT32_MAX;
    local_key key = {s, len, (uint32_t)pdx_hash(s, len)};
    uint32_t k, found = pdx_slots_find(&b->slots, key.hash, local_match, &key, b, &k);
    if (found)
        return found - 1;
    if (b->n_local == b->cap_local) {
        uint32_t nc = b->cap_local ? b->cap_local * 2 : 256;
        local_term *nl = realloc(b->local, (size_t)nc * sizeof *nl);
        if (!nl)
            return UINT32_MAX;
        b->local = nl;
        b->cap_local = nc;
    }
    b->local[b->n_local] = (local_term){b->words.len, key.hash, (uint8_t)len};
    pdx_buf_append(&b->words, s, len);
    if (b->words.err)
        return UINT32_MAX;
    pdx_slots_put(&b->slots, k, b->n_local, key.hash);
    return b->n_local++;
}

/* The tokenizer's callback: one token of the field being prepared. Terms
 * longer than PDX_MAX_TERM_BYTES are cut (format.h), empty ones dropped
 * and not counted in the field length. */
static int on_token(const pdx_token *tok, void *payload)
{
    pdx_doc_batch *b = payload;
    size_t len = PDX_MIN(tok->term_len, (size_t)PDX_MAX_TERM_BYTES);
    if (len == 0)
        return 0;
    uint32_t t = local_intern(b, tok->term, len);
    if (t == UINT32_MAX)
        return PDX_ENOMEM;
    if (b->n_scratch == b->cap_scratch) {
        size_t nc = b->cap_scratch ? b->cap_scratch * 2 : 4096;
        uint64_t *ns = realloc(b->scratch, nc * sizeof *ns);
        if (!ns)
            return PDX_ENOMEM;
        b->scratch = ns;
        b->cap_scratch = nc;
    }
    b->scratch[b->n_scratch++] = ((uint64_t)t << 32) | tok->pos;
    b->cur_tokens += tok->kind != PDX_TOKEN_WHOLE; /* a whole word adds no word */
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Turns the scratch (one field) into the document's prep_terms: one per
 * distinct term, its positions ascending. */
static int finish_field(pdx_doc_batch *b)
{
    if (b->n_scratch > 1)
        qsort(b->scratch, b->n_scratch, sizeof *b->scratch, cmp_u64);
    size_t i = 0;
    while (i < b->n_scratch) {
        uint32_t t = (uint32_t)(b->scratch[i] >> 32);
        size_t j = i;
        while (j < b->n_scratch && (uint32_t)(b->scratch[j] >> 32) == t)
            j++;
        if (b->n_terms == b->cap_terms) {
            size_t nc = b->cap_terms ? b->cap_terms * 2 : 1024;
            prep_term *nt = realloc(b->terms, nc * sizeof *nt);
            if (!nt)
                return PDX_ENOMEM;
            b->terms = nt;
            b->cap_terms = nc;
        }
        const local_term *lt = &b->local[t];
        prep_term *pt = &b->terms[b->n_terms++];
        pt->hash = lt->hash;
        pt->len = lt->len;
        pt->str_off = b->arena.len;
        pdx_buf_append(&b->arena, b->words.data + lt->str_off, lt->len);
        pt->post_off = b->arena.len;
        pdx_buf_put_varint(&b->arena, j - i);
        uint32_t prev = 0;
        for (size_t k = i; k < j; k++) {
            uint32_t pos = (uint32_t)b->scratch[k];
            pdx_buf_put_varint(&b->arena, pos - prev);
            prev = pos;
        }
        pt->post_len = (uint32_t)(b->arena.len - pt->post_off);
        i = j;
    }
    b->n_scratch = 0;
    b->n_local = 0;
    pdx_buf_reset(&b->words);
    pdx_slots_clear(&b->slots);
    return b->arena.err ? PDX_ENOMEM : PDX_OK;
}

/* Tokenizes s[0..n) into the current field from position first_pos. */
static int tokenize_into(pdx_doc_batch *b, const char *s, size_t n, uint32_t first_pos,
                         uint32_t *next)
{
    /* The index alone holds whole Korean words (TOKENIZATION.md). */
    return pdx_tokenize(b->tk, PDX_TOKENIZE_WHOLE, s, n, first_pos, next, on_token, b);
}

/* Tokenizes the three fields of p into d. Authors are tokenized one by one
 * with a position gap so that a phrase cannot span two names. */
static int prepare_fields(pdx_doc_batch *b, prep_doc *d, const pdx_paper *p)
{
    int rc;
    uint32_t next = 0;
    b->n_scratch = 0;
    b->n_local = 0;
    pdx_buf_reset(&b->words);
    pdx_slots_clear(&b->slots);

    d->first[PDX_FIELD_TITLE] = (uint32_t)b->n_terms;
    b->cur_tokens = 0;
    if ((rc = tokenize_into(b, p->title, p->title_len, 0, &next)) || (rc = finish_field(b)))
        return rc;
    d->len[PDX_FIELD_TITLE] = b->cur_tokens;

    d->first[PDX_FIELD_AUTHORS] = (uint32_t)b->n_terms;
    b->cur_tokens = 0;
    next = 0;
    const char *a = p->authors, *end = p->authors + p->authors_len;
    while (a < end) {
        const char *nl = memchr(a, '\n', (size_t)(end - a));
        const char *stop = nl ? nl : end;
        uint32_t first = next ? next + PDX_AUTHOR_POSITION_GAP : 0;
        if ((rc = tokenize_into(b, a, (size_t)(stop - a), first, &next)))
            return rc;
        a = nl ? nl + 1 : end;
    }
    if ((rc = finish_field(b)))
        return rc;
    d->len[PDX_FIELD_AUTHORS] = b->cur_tokens;

    d->first[PDX_FIELD_SUMMARY] = (uint32_t)b->n_terms;
    b->cur_tokens = 0;
    if ((rc = tokenize_into(b, p->summary, p->summary_len, 0, &next)) || (rc = finish_field(b)))
        return rc;
    d->len[PDX_FIELD_SUMMARY] = b->cur_tokens;
    d->first[PDX_NFIELDS] = (uint32_t)b->n_terms;
    return PDX_OK;
}

/* Appends a stored-record string (varint length, bytes) and returns the
 * offset of its bytes. */
static size_t put_record_str(pdx_buf *arena, const char *s, size_t n)
{
    pdx_buf_put_varint(arena, n);
    size_t off = arena->len;
    pdx_buf_append(arena, s, n);
    return off;
}

/* The stored record (format.h STORED): str id, str url, str title, str
 * authors, str summary, str file, varint line, u8 synthesized. The strings
 * of the paper view point into it. */
static void prepare_record(pdx_doc_batch *b, prep_doc *d, const pdx_paper *p)
{
    pdx_buf *r = &b->arena;
    size_t file_len = p->file ? strlen(p->file) : 0;
    d->rec_off = r->len;
    d->id_off = put_record_str(r, p->id, p->id_len);
    d->url_off = put_record_str(r, p->url, p->url_len);
    d->title_off = put_record_str(r, p->title, p->title_len);
    d->authors_off = put_record_str(r, p->authors, p->authors_len);
    d->summary_off = put_record_str(r, p->summary, p->summary_len);
    put_record_str(r, p->file, file_len);
    pdx_buf_put_varint(r, p->line);
    pdx_buf_putc(r, p->id_synthesized ? 1 : 0);
    d->rec_len = r->len - d->rec_off;
    d->file_off = SIZE_MAX;
    if (p->file) {
        d->file_off = r->len;
        pdx_buf_append(r, p->file, file_len + 1);
    }
}

bool pdx_paper_text_fits(const pdx_paper *p)
{
    size_t total = 0;
    const size_t lens[] = {p->id_len, p->url_len, p->title_len, p->authors_len, p->summary_len};
    for (size_t k = 0; k < sizeof lens / sizeof lens[0] && total <= PDX_MAX_PAPER_TEXT; k++)
        total = lens[k] > PDX_MAX_PAPER_TEXT ? SIZE_MAX : total + lens[k];
    return total <= PDX_MAX_PAPER_TEXT;
}

int pdx_doc_batch_add(pdx_doc_batch *b, const pdx_paper *p)
{
    if (b->n_docs == b->cap_docs) {
        size_t nc = b->cap_docs ? b->cap_docs * 2 : 64;
        prep_doc *nd = realloc(b->docs, nc * sizeof *nd);
        if (!nd)
            return PDX_ENOMEM;
        b->docs = nd;
        b->cap_docs = nc;
    }
    prep_doc *d = &b->docs[b->n_docs++];
    memset(d, 0, sizeof *d);
    d->id_len = p->id_len;
    d->url_len = p->url_len;
    d->title_len = p->title_len;
    d->authors_len = p->authors_len;
    d->summary_len = p->summary_len;
    d->line = p->line;
    d->n_authors = p->n_authors;
    d->date = p->date;
    d->votes = p->votes;
    d->id_synthesized = p->id_synthesized;
    /* A paper of over 1 GiB of text would not fit the writer's 32-bit
     * record lengths: refused like an allocation failure, whatever the
     * batch holds besides. */
    if (!pdx_paper_text_fits(p)) {
        d->err = PDX_ENOMEM;
        return PDX_OK;
    }
    prepare_record(b, d, p);
    int rc = b->arena.err ? PDX_ENOMEM : prepare_fields(b, d, p);
    if (rc) {
        /* Kept for the writer to report when it reaches this paper, in
         * input order. */
        d->err = rc;
        for (unsigned f = 0; f <= PDX_NFIELDS; f++)
            d->first[f] = (uint32_t)b->n_terms;
    }
    return PDX_OK;
}

/* ---- reading, for the writer ---- */

static const char *arena_str(const pdx_doc_batch *b, size_t off)
{
    return (const char *)b->arena.data + off;
}

void pdx_doc_batch_paper(const pdx_doc_batch *b, size_t i, pdx_paper *out)
{
    const prep_doc *d = &b->docs[i];
    *out = (pdx_paper){
        .id = arena_str(b, d->id_off),
        .id_len = d->id_len,
        .url = arena_str(b, d->url_off),
        .url_len = d->url_len,
        .title = arena_str(b, d->title_off),
        .title_len = d->title_len,
        .authors = arena_str(b, d->authors_off),
        .authors_len = d->authors_len,
        .n_authors = d->n_authors,
        .summary = arena_str(b, d->summary_off),
        .summary_len = d->summary_len,
        .date = d->date,
        .votes = d->votes,
        .file = d->file_off == SIZE_MAX ? NULL : arena_str(b, d->file_off),
        .line = d->line,
        .id_synthesized = d->id_synthesized,
    };
}

int pdx_doc_batch_error(const pdx_doc_batch *b, size_t i)
{
    return b->docs[i].err;
}

void pdx_doc_batch_record(const pdx_doc_batch *b, size_t i, const uint8_t **rec, size_t *len)
{
    *rec = b->arena.data + b->docs[i].rec_off;
    *len = b->docs[i].rec_len;
}

uint32_t pdx_doc_batch_field_len(const pdx_doc_batch *b, size_t i, unsigned field)
{
    return b->docs[i].len[field];
}

uint32_t pdx_doc_batch_n_terms(const pdx_doc_batch *b, size_t i, unsigned field)
{
    return b->docs[i].first[field + 1] - b->docs[i].first[field];
}

void pdx_doc_batch_term(const pdx_doc_batch *b, size_t i, unsigned field, uint32_t k,
                        pdx_doc_term *out)
{
    const prep_term *t = &b->terms[b->docs[i].first[field] + k];
    *out = (pdx_doc_term){(const char *)b->arena.data + t->str_off, t->len, t->hash,
                          b->arena.data + t->post_off, t->post_len};
}
