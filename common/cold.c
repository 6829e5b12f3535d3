/*
 * The cold cache of a one-shot handle (cold.h): paper records read with
 * pread() once each, kept until the handle is closed.
 *
 * An entry per document read, found through an open-addressing table of
 * entry numbers (at most half full); the stored bytes of an entry have an
 * allocation of their own, so they never move when the entries grow.
 */
#include "cold.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paperdex/errors.h"

typedef struct cold_entry {
    uint32_t doc;
    bool has_rec;
    uint8_t rec[PDX_DOC_RECORD_SIZE];
    uint8_t *stored; /* NULL until read */
} cold_entry;

struct pdx_cold {
    int fd;
    pthread_mutex_t lock;
    cold_entry *e;
    uint32_t n, cap;
    uint32_t *slots; /* entry number + 1, 0 empty; mask + 1 of them */
    uint32_t mask;
};

int pdx_cold_new(pdx_cold **out, int fd)
{
    pdx_cold *c = calloc(1, sizeof *c);
    if (!c || pthread_mutex_init(&c->lock, NULL)) {
        free(c);
        close(fd);
        return PDX_ENOMEM;
    }
    c->fd = fd;
    *out = c;
    return PDX_OK;
}

void pdx_cold_free(pdx_cold *c)
{
    if (!c)
        return;
    for (uint32_t i = 0; i < c->n; i++)
        free(c->e[i].stored);
    free(c->e);
    free(c->slots);
    pthread_mutex_destroy(&c->lock);
    close(c->fd);
    free(c);
}

static uint32_t slot_of(uint32_t doc, uint32_t mask)
{
    return (doc * 2654435761u) & mask; /* Knuth's multiplicative hash */
}

/* Doubles the table and puts every entry back. */
static int grow_slots(pdx_cold *c)
{
    uint32_t mask = c->slots ? 2 * c->mask + 1 : 63;
    uint32_t *slots = calloc((size_t)mask + 1, sizeof *slots);
    if (!slots)
        return PDX_ENOMEM;
    for (uint32_t i = 0; i < c->n; i++) {
        uint32_t s = slot_of(c->e[i].doc, mask);
        while (slots[s])
            s = (s + 1) & mask;
        slots[s] = i + 1;
    }
    free(c->slots);
    c->slots = slots;
    c->mask = mask;
    return PDX_OK;
}

/* Document doc's entry, added (empty) when it has none; NULL without
 * memory. */
static cold_entry *entry_of(pdx_cold *c, uint32_t doc)
{
    if ((!c->slots || 2 * (c->n + 1) > c->mask + 1) && grow_slots(c))
        return NULL;
    uint32_t s = slot_of(doc, c->mask);
    for (; c->slots[s]; s = (s + 1) & c->mask)
        if (c->e[c->slots[s] - 1].doc == doc)
            return &c->e[c->slots[s] - 1];
    if (c->n == c->cap) {
        uint32_t cap = c->cap ? 2 * c->cap : 16;
        cold_entry *e = realloc(c->e, (size_t)cap * sizeof *e);
        if (!e)
            return NULL;
        c->e = e;
        c->cap = cap;
    }
    c->slots[s] = c->n + 1;
    c->e[c->n] = (cold_entry){.doc = doc};
    return &c->e[c->n++];
}

int (*pdx_cold_read_hook)(uint32_t doc) = NULL;

/* len bytes at off into buf (document doc's); a short read (the file
 * shrank) is PDX_EIO with errno 0. */
static int read_at(int fd, uint32_t doc, uint8_t *buf, size_t len, uint64_t off)
{
    if (pdx_cold_read_hook && pdx_cold_read_hook(doc)) {
        errno = EIO;
        return PDX_EIO;
    }
    while (len) {
        ssize_t r = pread(fd, buf, len, (off_t)off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            if (r == 0)
                errno = 0;
            return PDX_EIO;
        }
        buf += r;
        len -= (size_t)r;
        off += (uint64_t)r;
    }
    return PDX_OK;
}

int pdx_cold_record(pdx_cold *c, uint32_t doc, uint64_t off,
                    uint8_t out[PDX_DOC_RECORD_SIZE])
{
    pthread_mutex_lock(&c->lock);
    cold_entry *e = entry_of(c, doc);
    int rc = e ? PDX_OK : PDX_ENOMEM;
    if (e && !e->has_rec && !(rc = read_at(c->fd, doc, e->rec, sizeof e->rec, off)))
        e->has_rec = true;
    if (!rc)
        memcpy(out, e->rec, sizeof e->rec);
    pthread_mutex_unlock(&c->lock);
    return rc;
}

int pdx_cold_stored(pdx_cold *c, uint32_t doc, uint64_t off, uint32_t len, const uint8_t **out)
{
    pthread_mutex_lock(&c->lock);
    cold_entry *e = entry_of(c, doc);
    int rc = e ? PDX_OK : PDX_ENOMEM;
    if (e && !e->stored) {
        uint8_t *b = malloc(len ? len : 1);
        if (!b)
            rc = PDX_ENOMEM;
        else if ((rc = read_at(c->fd, doc, b, len, off)))
            free(b);
        else
            e->stored = b;
    }
    if (!rc)
        *out = e->stored;
    pthread_mutex_unlock(&c->lock);
    return rc;
}
