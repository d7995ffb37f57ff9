/* Number formatting: fixed decimals and thousands separators for the terminal, the exact form for CSV. */
#include "retsim/format.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
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

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && strcmp(s + n - t, tail) == 0;
}

const char *retsim_format_metric(const char *column, double v, char *buf, size_t size)
{
    if (ends_with(column, "_rate") || ends_with(column, "_share")) {
        return retsim_format_percent(v, buf, size);
    }
    /* a whole number (a count, or a mean that happens to be one) reads without
     * ".00"; money keeps its cents */
    bool whole = strncmp(column, "cost", 4) != 0 && isfinite(v) && fabs(v) < 1e15 && v == floor(v);
    return retsim_format_number(v, whole ? 0 : 2, buf, size);
}

const char *retsim_format_change(double pct, char *buf, size_t size)
{
    char num[RETSIM_FORMAT_MAX];
    retsim_format_number(pct, 1, num, sizeof num);
    bool positive = isfinite(pct) && strcmp(num, "0.0") != 0 && num[0] != '-';
    snprintf(buf, size, "%s%s%s", positive ? "+" : "", num, isnan(pct) ? "" : "%");
    return buf;
}

const char *retsim_format_csv(double v, char *buf, size_t size)
{
    if (isnan(v)) {
        buf[0] = '\0';
    } else if (v == floor(v) && fabs(v) < 9e15) {
        snprintf(buf, size, "%.0f", v);
    } else {
        snprintf(buf, size, "%.9g", v);
    }
    return buf;
}

void retsim_format_append(char *buf, size_t size, const char *fmt, ...)
{
    size_t len = strlen(buf);
    if (len + 1 >= size) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, size - len, fmt, ap);
    va_end(ap);
}
