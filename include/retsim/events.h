/* retsim/events.h — events.csv: one row per operation and automatic purge.
 *
 * Columns: time_ms, time (the same as a duration, e.g. 2d3h, or, for a
 * trace written with ISO-8601 timestamps, the UTC instant: first row's
 * instant + time_ms, e.g. 2026-03-01T10:00:00Z), op, kind,
 * subscription, sub_type, parent, name, outcome, state_before, state_after,
 * deletion_time_ms, scheduled_purge_ms (empty when the instance has not been
 * soft-deleted), count (list_deleted / get_deleted: instances returned).
 * Cost: one formatted row per result; only paid when events are asked for. */
#ifndef RETSIM_EVENTS_H
#define RETSIM_EVENTS_H

#include "retsim/registry.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* How the human `time` column reads: a duration since time 0, or (iso) the
 * UTC instant origin_ms + time_ms, as retsim_time_format_iso8601 writes it. */
typedef struct retsim_events_clock {
    bool iso;
    int64_t origin_ms; /* milliseconds since 1970 of time 0, when iso */
} retsim_events_clock;

void retsim_events_write_header(FILE *out);
void retsim_events_write_row(FILE *out, const retsim_registry *r, const retsim_result *res);
/* The same with the time column as clock says (NULL: a duration). */
void retsim_events_write_row_at(FILE *out, const retsim_registry *r, const retsim_result *res,
                                const retsim_events_clock *clock);

/* A time as the `time` column writes it (clock NULL: a duration); returns buf. */
const char *retsim_events_time(retsim_time t, const retsim_events_clock *clock, char *buf, size_t size);
/* The `detail` column of res: the facts behind its reason in words (who
 * holds the name, until when), read from r as it is right after res; ""
 * where the reason says it all. Built only when asked: never on a plain
 * run's path. */
void retsim_events_detail(const retsim_registry *r, const retsim_result *res,
                          const retsim_events_clock *clock, char *buf, size_t size);

/* A retsim_observer that writes rows to the FILE * given as ctx. */
int retsim_events_observer(void *ctx, const retsim_registry *r, const retsim_result *res);

/* A retsim_observer writing to out with times as *clock says; the clock may
 * change while rows are written (a replay learns it from its first row). */
typedef struct retsim_events_sink {
    FILE *out;
    const retsim_events_clock *clock;
} retsim_events_sink;
int retsim_events_sink_observer(void *ctx, const retsim_registry *r, const retsim_result *res);

#endif
