/* Dates as people read them (common.h). */
#include "common.h"

/* Writes v (< 10^width) in width digits, zeros in front. */
static char *put_digits(char *out, int width, int32_t v)
{
    for (int k = width - 1; k >= 0; k--, v /= 10)
        out[k] = (char)('0' + v % 10);
    return out + width;
}

void pdx_format_date(char out[16], int32_t date)
{
    if (date <= 0) {
        out[0] = 0;
        return;
    }
    /* snprintf's "%04d-%02d-%02d", by hand: it cost more than the rest of
     * a hit's header line. */
    char *o = put_digits(out, 4, date / 10000 % 10000);
    *o++ = '-';
    o = put_digits(o, 2, date / 100 % 100);
    *o++ = '-';
    o = put_digits(o, 2, date % 100);
    *o = 0;
}

const char *pdx_date_text(int32_t date, char out[16])
{
    pdx_format_date(out, date);
    return out[0] ? out : "no date";
}

bool pdx_date_valid(int32_t date)
{
    int m = date / 100 % 100, day = date % 100;
    return date >= 19000101 && date <= 99991231 && m >= 1 && m <= 12 && day >= 1 && day <= 31;
}
