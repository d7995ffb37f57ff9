/* retsim/time.h — simulation time: int64 milliseconds since the start.
 *
 * Durations are written as one or more number+unit pairs, largest unit first,
 * each unit at most once: "0", "90s", "48h", "7d", "1d2h", "48h59m59s999ms".
 * Units: w (7 days), d, h, m, s, ms. No sign, no fractions, no spaces inside.
 *
 * Limit: every duration and every instant read from input is at most
 * RETSIM_TIME_MAX, 365000d (1,000 years of 365 days, 3.15e13 ms), whatever the
 * units it is written in. Sums of a few such values (now + retention,
 * purge + reservation, now + retry interval) stay below 1e15 ms, far from
 * INT64_MAX (9.2e18), so they cannot overflow; random draws are clamped to
 * RETSIM_TIME_MAX by retsim_time_from_double before they are added.
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
#define RETSIM_TIME_MAX      (365000 * RETSIM_MS_PER_DAY) /* 1,000 years of 365 days */

/* Parse a duration. Returns 0; RETSIM_EINPUT with *why set to a static
 * explanation of what was expected (why may be NULL); or RETSIM_ERANGE for a
 * well-formed duration above RETSIM_TIME_MAX ("longer than the maximum
 * duration 365000d (1,000 years)"). *out is only written on success. */
int retsim_time_parse(const char *text, retsim_time *out, const char **why);

/* A duration in ms from a double, such as a random draw: rounded to the
 * nearest ms; NaN and values <= 0 give 0; values above RETSIM_TIME_MAX
 * (lognormal or Pareto tails, infinity) give RETSIM_TIME_MAX. The clamp is
 * what keeps now + draw inside int64: a draw that long is past any horizon. */
retsim_time retsim_time_from_double(double ms);

/* a + b, saturating at RETSIM_TIME_NEVER (or INT64_MIN) instead of wrapping.
 * With inputs within RETSIM_TIME_MAX it never saturates; it is the guard for
 * library callers who fill structs by hand. O(1). */
static inline retsim_time retsim_time_add(retsim_time a, retsim_time b)
{
    retsim_time sum;
    if (__builtin_add_overflow(a, b, &sum)) {
        return b > 0 ? RETSIM_TIME_NEVER : INT64_MIN;
    }
    return sum;
}

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
