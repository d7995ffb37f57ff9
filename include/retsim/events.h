/* retsim/events.h — events.csv: one row per operation and automatic purge.
 *
 * Columns: time_ms, time (the same as a duration, e.g. 2d3h), op, kind,
 * subscription, sub_type, parent, name, outcome, state_before, state_after,
 * deletion_time_ms, scheduled_purge_ms (empty when the instance has not been
 * soft-deleted), count (list_deleted / get_deleted: instances returned).
 * Cost: one formatted row per result; only paid when events are asked for. */
#ifndef RETSIM_EVENTS_H
#define RETSIM_EVENTS_H

#include "retsim/registry.h"

#include <stdio.h>

void retsim_events_write_header(FILE *out);
void retsim_events_write_row(FILE *out, const retsim_registry *r, const retsim_result *res);

/* A retsim_observer that writes rows to the FILE * given as ctx. */
int retsim_events_observer(void *ctx, const retsim_registry *r, const retsim_result *res);

#endif
