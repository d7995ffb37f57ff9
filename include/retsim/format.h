/* retsim/format.h — numbers as CSV files write them and as a person reads
 * them on a terminal.
 *
 * CSV files keep the exact, machine-readable form (retsim_format_csv);
 * terminal tables use the others: fixed decimals, thousands separators, never
 * e-notation, so that 7284110.69 reads "7,284,110.69" and 1.2e+07
 * replica-hours read "12,000,000". All functions are pure and thread-safe;
 * cost O(digits). */
#ifndef RETSIM_FORMAT_H
#define RETSIM_FORMAT_H

#include <stddef.h>

/* Enough for any finite double with up to 9 decimals: 309 integer digits,
 * 102 separators, sign, point, decimals and the NUL. */
#define RETSIM_FORMAT_MAX 432

/* v with `decimals` digits after the point (0 to 9; clamped) and a comma
 * between groups of three integer digits: "1,234,567.89", "-1,000", "0.00".
 * NaN gives "n/a", infinities "inf" and "-inf"; a value that rounds to zero
 * has no minus sign. Writes at most size bytes including the NUL (a buffer
 * of RETSIM_FORMAT_MAX never truncates) and returns buf. */
const char *retsim_format_number(double v, int decimals, char *buf, size_t size);

/* 100 * v with two decimals and a '%' sign ("51.95%"), or "n/a" for NaN. */
const char *retsim_format_percent(double v, char *buf, size_t size);

/* A summary metric by its column name: rates and shares (names ending in
 * _rate or _share) as percentages, whole numbers (not costs) without decimals,
 * anything else with two. */
const char *retsim_format_metric(const char *column, double v, char *buf, size_t size);

/* A relative change in percent with its sign and one decimal ("+20.0%",
 * "-3.5%", "0.0%"), or "n/a" for NaN (a change relative to 0). */
const char *retsim_format_change(double pct, char *buf, size_t size);

/* A value as CSV files write it: an integer without decimals, else 9
 * significant digits (%.9g); "" for NaN. */
const char *retsim_format_csv(double v, char *buf, size_t size);

/* Append printf-formatted text to the NUL-terminated buf of `size` bytes,
 * cutting at its end (never overrunning): the way sentences and table cells
 * are built up piece by piece. */
void retsim_format_append(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
