/* retsim/time.h — simulation time: int64 milliseconds since the start.
 *
 * Durations are written as one or more number+unit pairs, largest unit first,
 * each unit at most once: "0", "90s", "48h", "7d", "1d2h", "48h59m59s999ms".
 * Units: w (7 days), d, h, m, s, ms. No sign, no fractions, no spaces inside.
 * All functions are pure and thread-safe; all are O(length of the text). */
#ifndef RETSIM_TIME_H
#define RETSIM_TIME_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t retsim_time; /* milliseconds */

#define RETSIM_TIME_NEVER    INT64_MAX
#define RETSIM_MS_PER_SECOND INT64_C(1000)
#define RETSIM_MS_PER_MINUTE (60 * RETSIM_MS_PER_SECOND)
#define RETSIM_MS_PER_HOUR   (60 * RETSIM_MS_PER_MINUTE)
#define RETSIM_MS_PER_DAY    (24 * RETSIM_MS_PER_HOUR)
#define RETSIM_MS_PER_WEEK   (7 * RETSIM_MS_PER_DAY)

/* Parse a duration. Returns 0, or RETSIM_EINPUT with *why set to a static
 * explanation of what was expected (why may be NULL). */
int retsim_time_parse(const char *text, retsim_time *out, const char **why);

/* Parse an ISO-8601 UTC timestamp "YYYY-MM-DDTHH:MM:SS[.fff]Z" (the 'T' may
 * be a space, "Z" may be "+00:00") to milliseconds since 1970-01-01. */
int retsim_time_parse_iso8601(const char *text, int64_t *epoch_ms, const char **why);

/* Format milliseconds since 1970-01-01 as ISO-8601 UTC, the form
 * retsim_time_parse_iso8601 reads: "2026-03-01T10:00:00Z", with ".mmm"
 * before the Z only when the instant has milliseconds. Writes at most size
 * bytes including the NUL; returns the length it needed. */
size_t retsim_time_format_iso8601(int64_t epoch_ms, char *buf, size_t size);

/* Format a duration the way retsim_time_parse reads it, largest unit first
 * without weeks ("2d1h30m", "0", "-5s" for negatives). Writes at most size
 * bytes including the NUL; returns the length it needed. */
size_t retsim_time_format(retsim_time t, char *buf, size_t size);

#endif
