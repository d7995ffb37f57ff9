/* Terminal number formatting: fixed decimals, thousands separators. */
#include "retsim/format.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Copy digits (and what follows them) from `plain` into buf, a comma before
 * every group of three integer digits. */
static void group(const char *plain, char *buf, size_t size)
{
    const char *p = plain;
    size_t n = 0;
    if (*p == '-') {
        if (n + 1 < size) {
            buf[n++] = '-';
        }
        p++;
    }
    size_t int_digits = strcspn(p, ".");
    for (size_t i = 0; p[i] != '\0' && n + 1 < size; i++) {
        if (i > 0 && i < int_digits && (int_digits - i) % 3 == 0) {
            buf[n++] = ',';
            if (n + 1 >= size) {
                break;
            }
        }
        buf[n++] = p[i];
    }
    buf[n] = '\0';
}

/* Does the plain form show only zeros ("-0.00")? */
static int all_zero(const char *plain)
{
    return strspn(plain, "-0.") == strlen(plain);
}

const char *retsim_format_number(double v, int decimals, char *buf, size_t size)
{
    if (size == 0) {
        return buf;
    }
    if (isnan(v)) {
        snprintf(buf, size, "n/a");
        return buf;
    }
    if (isinf(v)) {
        snprintf(buf, size, "%s", v < 0 ? "-inf" : "inf");
        return buf;
    }
    decimals = decimals < 0 ? 0 : decimals > 9 ? 9 : decimals;
    char plain[RETSIM_FORMAT_MAX];
    snprintf(plain, sizeof plain, "%.*f", decimals, v); /* %f never uses e-notation */
    group(all_zero(plain) && plain[0] == '-' ? plain + 1 : plain, buf, size);
    return buf;
}

const char *retsim_format_percent(double v, char *buf, size_t size)
{
    if (isnan(v)) {
        snprintf(buf, size, "n/a");
        return buf;
    }
    char num[RETSIM_FORMAT_MAX];
    snprintf(buf, size, "%s%%", retsim_format_number(100 * v, 2, num, sizeof num));
    return buf;
}
