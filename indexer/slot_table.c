/*
 * pdx_slots: the one open-addressing hash table of the indexer.
 *
 * The table maps hashes to item numbers of an array the caller owns
 * (terms, documents, visited directories); it stores item + 1 per slot, 0
 * meaning empty, with the item's hash beside it, probes linearly, has a
 * power-of-two size and is kept at most half full. The stored hash is
 * compared before the caller's callback is asked: a probe past another
 * key then costs no look into the caller's array (a cache miss per probe
 * in a dictionary of millions of terms, which was a fifth of a build). Keys are compared by the caller's callback, so one
 * implementation serves every key type, and growing rehashes through a
 * second callback that can also leave items out (a deleted document).
 */
#include <stdlib.h>
#include <string.h>

#include "indexer.h"

/* Slots of a table's first allocation. */
#define PDX_SLOTS_INITIAL 1024

bool pdx_slots_reserve(pdx_slots *s, uint32_t items, uint32_t n_items,
                       pdx_slot_rehash_fn rehash, void *payload)
{
    if ((uint64_t)items * 2 <= s->n)
        return true;
    uint32_t n = s->n ? s->n * 2 : PDX_SLOTS_INITIAL;
    while ((uint64_t)items * 2 > n)
        n *= 2;
    pdx_slot *slot = calloc(n, sizeof *slot);
    if (!slot)
        return false;
    for (uint32_t i = 0; i < n_items; i++) {
        uint32_t h;
        if (!rehash(i, &h, payload))
            continue;
        uint32_t k = h & (n - 1);
        while (slot[k].item)
            k = (k + 1) & (n - 1);
        slot[k] = (pdx_slot){i + 1, h};
    }
    free(s->slot);
    s->slot = slot;
    s->n = n;
    return true;
}

uint32_t pdx_slots_find(const pdx_slots *s, uint32_t hash, pdx_slot_match_fn match,
                        const void *key, void *payload, uint32_t *slot_out)
{
    uint32_t mask = s->n - 1, k = hash & mask;
    for (; s->slot[k].item; k = (k + 1) & mask)
        if (s->slot[k].hash == hash && match(s->slot[k].item - 1, key, payload))
            break;
    *slot_out = k;
    return s->slot[k].item;
}

void pdx_slots_put(pdx_slots *s, uint32_t slot, uint32_t item, uint32_t hash)
{
    s->slot[slot] = (pdx_slot){item + 1, hash};
}

void pdx_slots_clear(pdx_slots *s)
{
    if (s->slot)
        memset(s->slot, 0, (size_t)s->n * sizeof *s->slot);
}

void pdx_slots_free(pdx_slots *s)
{
    free(s->slot);
    s->slot = NULL;
    s->n = 0;
}
