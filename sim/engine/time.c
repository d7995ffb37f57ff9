/* Duration and timestamp parsing and printing. */
#include "retsim/time.h"

#include "retsim/error.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *unit;
    retsim_time ms;
} units[] = {
    {"w", RETSIM_MS_PER_WEEK},   {"d", RETSIM_MS_PER_DAY},    {"h", RETSIM_MS_PER_HOUR},
    {"m", RETSIM_MS_PER_MINUTE}, {"s", RETSIM_MS_PER_SECOND}, {"ms", 1},
};
enum { N_UNITS = sizeof units / sizeof units[0] };

static int fail_code(const char **why, const char *text, int code)
{
    if (why != NULL) {
        *why = text;
    }
    return code;
}

static int fail(const char **why, const char *text)
{
    return fail_code(why, text, RETSIM_EINPUT);
}

/* Which unit starts at p; "ms" must win over "m". Returns N_UNITS if none. */
static int match_unit(const char *p, size_t *len)
{
    if (p[0] == 'm' && p[1] == 's') {
        *len = 2;
        return N_UNITS - 1;
    }
    for (int i = 0; i < N_UNITS - 1; i++) {
        if (p[0] == units[i].unit[0]) {
            *len = 1;
            return i;
        }
    }
    return N_UNITS;
}

static const char too_long[] = "longer than the maximum duration 365000d (1,000 years)";

/* The digits at *p as a number, or -1 when it alone is above RETSIM_TIME_MAX
 * (no unit is shorter than 1 ms, so the whole duration would be too). */
static int64_t read_number(const char **p)
{
    int64_t value = 0;
    while (**p >= '0' && **p <= '9') {
        if (value > RETSIM_TIME_MAX) {
            return -1; /* keeps value * 10 + 9 far inside int64 */
        }
        value = value * 10 + (**p - '0');
        (*p)++;
    }
    return value > RETSIM_TIME_MAX ? -1 : value;
}

int retsim_time_parse(const char *text, retsim_time *out, const char **why)
{
    static const char expected[] =
        "expected a duration such as 0, 90s, 30m, 48h, 7d, 2w or 1d2h (units w d h m s ms, "
        "largest first)";
    if (text == NULL || text[0] == '\0') {
        return fail(why, expected);
    }
    if (strcmp(text, "0") == 0) {
        *out = 0;
        return 0;
    }
    const char *p = text;
    retsim_time total = 0;
    int last_unit = -1;
    while (*p != '\0') {
        if (*p < '0' || *p > '9') {
            return fail(why, expected);
        }
        int64_t value = read_number(&p);
        if (value < 0) {
            return fail_code(why, too_long, RETSIM_ERANGE);
        }
        size_t len = 0;
        int u = match_unit(p, &len);
        if (u == N_UNITS) {
            return fail(why, expected);
        }
        if (u <= last_unit) {
            return fail(why, "units must go from largest to smallest, each at most once (1d2h, not 2h1d)");
        }
        last_unit = u;
        /* one rule for every spelling: the same maximum whatever the units */
        if (value > (RETSIM_TIME_MAX - total) / units[u].ms) {
            return fail_code(why, too_long, RETSIM_ERANGE);
        }
        total += value * units[u].ms;
        p += len;
    }
    *out = total;
    return 0;
}

retsim_time retsim_time_from_double(double ms)
{
    if (!(ms > 0)) { /* NaN too */
        return 0;
    }
    if (ms >= (double)RETSIM_TIME_MAX) {
        return RETSIM_TIME_MAX;
    }
    /* llround(ms), without the call (2% of R1's instructions, callgrind):
     * the truncation is exact, and so is ms - i (for ms >= 1, i <= ms < 2i:
     * Sterbenz; below 1, i = 0), so the half-way test is that of llround */
    retsim_time i = (retsim_time)ms;
    return i + (ms - (double)i >= 0.5);
}

static bool read_digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9') {
            return false;
        }
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The date of a day count since 1970-01-01 (the inverse, same source). */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

int retsim_time_parse_iso8601(const char *text, int64_t *epoch_ms, const char **why)
{
    static const char expected[] = "expected an ISO-8601 UTC timestamp such as 2024-11-24T19:40:50Z";
    const char *p = text;
    int y, mo, d, h, mi, s, ms = 0;
    if (!read_digits(&p, 4, &y) || *p++ != '-' || !read_digits(&p, 2, &mo) || *p++ != '-' ||
        !read_digits(&p, 2, &d) || (*p != 'T' && *p != ' ')) {
        return fail(why, expected);
    }
    p++;
    if (!read_digits(&p, 2, &h) || *p++ != ':' || !read_digits(&p, 2, &mi) || *p++ != ':' ||
        !read_digits(&p, 2, &s)) {
        return fail(why, expected);
    }
    if (*p == '.') {
        p++;
        int scale = 100, digits = 0;
        while (*p >= '0' && *p <= '9') {
            ms += scale * (*p - '0');
            scale /= 10;
            p++;
            digits++;
        }
        if (digits == 0) {
            return fail(why, expected);
        }
    }
    if (strcmp(p, "Z") != 0 && strcmp(p, "+00:00") != 0) {
        return fail(why, "expected a UTC timestamp ending in Z or +00:00");
    }
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59) {
        return fail(why, "date or time of day out of range");
    }
    int64_t days = days_from_civil(y, mo, d);
    *epoch_ms = ((days * 24 + h) * 60 + mi) * RETSIM_MS_PER_MINUTE + s * RETSIM_MS_PER_SECOND + ms;
    return 0;
}

size_t retsim_time_format_iso8601(int64_t epoch_ms, char *buf, size_t size)
{
    int64_t days = epoch_ms / RETSIM_MS_PER_DAY, rest = epoch_ms % RETSIM_MS_PER_DAY;
    if (rest < 0) { /* before 1970: floor, so the time of day stays positive */
        rest += RETSIM_MS_PER_DAY;
        days--;
    }
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    int h = (int)(rest / RETSIM_MS_PER_HOUR), mi = (int)(rest / RETSIM_MS_PER_MINUTE % 60);
    int s = (int)(rest / RETSIM_MS_PER_SECOND % 60), ms = (int)(rest % RETSIM_MS_PER_SECOND);
    char frac[8] = "";
    if (ms != 0) {
        snprintf(frac, sizeof frac, ".%03d", ms);
    }
    int n = snprintf(buf, size, "%04lld-%02d-%02dT%02d:%02d:%02d%sZ", (long long)y, m, d, h, mi, s, frac);
    return n > 0 ? (size_t)n : 0;
}

size_t retsim_time_format(retsim_time t, char *buf, size_t size)
{
    char tmp[64];
    size_t n = 0;
    uint64_t v;
    if (t < 0) {
        tmp[n++] = '-';
        v = (uint64_t)(-(t + 1)) + 1;
    } else {
        v = (uint64_t)t;
    }
    if (v == 0) {
        tmp[n++] = '0';
    }
    for (int i = 1; i < N_UNITS && v > 0; i++) { /* skip weeks: days read better */
        uint64_t q = v / (uint64_t)units[i].ms;
        if (q > 0) {
            n += (size_t)snprintf(tmp + n, sizeof tmp - n, "%llu%s", (unsigned long long)q, units[i].unit);
            v -= q * (uint64_t)units[i].ms;
        }
    }
    tmp[n] = '\0';
    if (size > 0) {
        snprintf(buf, size, "%s", tmp);
    }
    return n;
}
