/* retsim/timeseries.h — timeseries.csv: the inventory and what it costs, sampled.
 *
 * Columns: [replication,] time_ms, time (as a duration, e.g. 2d3h), kind,
 * active, soft_deleted, reserved (instances now), replicas_live,
 * replicas_retained (replicas they hold: instances x regions x replicas per
 * region), cost_live_per_hour, cost_retained_per_hour (replicas x price,
 * plus GB x price_per_gb_month / 720 h; a free tail is not billed),
 * gb_active, gb_soft_deleted (GB now: the sizes, size_gb, of the ACTIVE and
 * SOFT_DELETED instances that have one; 0 without sizes).
 * Each sample writes one row per kind, then one for all kinds together when
 * there are several. The only writer of this file, for runs and for
 * experiments (which add the leading replication column).
 * Cost: O(kinds) per sample. */
#ifndef RETSIM_TIMESERIES_H
#define RETSIM_TIMESERIES_H

#include "retsim/inventory.h"
#include "retsim/registry.h"

#include <stdbool.h>
#include <stdio.h>

void retsim_timeseries_write_header(FILE *out, bool replication_column);

/* The rows of the sample at time t (the inventory's current time): the
 * counts from inv, names and prices from the registry's policies.
 * replication: the leading column's value, or NULL for none. */
void retsim_timeseries_write_sample(FILE *out, const uint32_t *replication, retsim_time t,
                                    const retsim_registry *reg, retsim_inventories *inv);

#endif
