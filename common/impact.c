/*
 * A list's impacts, built by the writer and by --check, read by the
 * searcher for its MaxScore bounds (impact.h has the why and the bytes).
 */
#include "impact.h"

void pdx_impacts_reset(pdx_impacts *im)
{
    for (unsigned k = 0; k < PDX_MAX_IMPACTS; k++)
        im->min_len[k] = UINT32_MAX;
    im->top_tf = 0;
}

/* The tf that bucket k stands for. */
static uint32_t bucket_tf(const pdx_impacts *im, unsigned k)
{
    return k == PDX_MAX_IMPACTS - 1 ? im->top_tf : k + 1;
}

uint32_t pdx_impacts_frontier(const pdx_impacts *im, uint32_t *tf, uint32_t *len)
{
    /* From the largest tf down, a bucket is on the frontier when it is
     * shorter than every larger tf's: the points come out descending in
     * both, and are turned around. */
    uint32_t n = 0, shortest = UINT32_MAX;
    for (unsigned k = PDX_MAX_IMPACTS; k-- > 0;) {
        if (im->min_len[k] >= shortest)
            continue;
        shortest = im->min_len[k];
        tf[n] = bucket_tf(im, k);
        len[n] = shortest;
        n++;
    }
    for (uint32_t i = 0; i < n / 2; i++) {
        uint32_t t = tf[i], l = len[i];
        tf[i] = tf[n - 1 - i];
        len[i] = len[n - 1 - i];
        tf[n - 1 - i] = t;
        len[n - 1 - i] = l;
    }
    return n;
}

void pdx_impacts_encode(pdx_buf *b, const pdx_impacts *im)
{
    uint32_t tf[PDX_MAX_IMPACTS], len[PDX_MAX_IMPACTS];
    uint32_t n = pdx_impacts_frontier(im, tf, len);
    pdx_buf_put_varint(b, n);
    if (n < 2)
        return;
    pdx_buf_put_varint(b, tf[0]);
    for (uint32_t i = 1; i < n; i++) {
        pdx_buf_put_varint(b, tf[i] - tf[i - 1]);
        pdx_buf_put_varint(b, len[i] - len[i - 1]);
    }
}

bool pdx_impacts_read(const uint8_t **p, const uint8_t *end, uint64_t max_tf, uint64_t min_len,
                      uint32_t *n, uint32_t *tf, uint32_t *len)
{
    uint64_t count, t, l = min_len;
    if (!pdx_get_varint(p, end, &count) || count == 0 || count > PDX_MAX_IMPACTS)
        return false;
    *n = (uint32_t)count;
    if (count == 1) {
        t = max_tf;
    } else if (!pdx_get_varint(p, end, &t) || t == 0 || t > max_tf) {
        return false;
    }
    for (uint64_t i = 0;; i++) {
        if (tf) {
            tf[i] = (uint32_t)t;
            len[i] = (uint32_t)l;
        }
        if (i + 1 == count)
            break;
        uint64_t dt, dl;
        if (!pdx_get_varint(p, end, &dt) || !pdx_get_varint(p, end, &dl) || dt == 0 ||
            dl == 0 || dt > max_tf - t || dl > UINT32_MAX - l)
            return false;
        t += dt;
        l += dl;
    }
    return t == max_tf;
}
