/* retsim/metrics.h — what a simulation counts.
 *
 * Outcome counts by kind x operation x outcome x subscription type (the type
 * of the caller, or of the owner for automatic purges). Fed by the registry's
 * observer; O(1) per operation, growing only when a new subscription type
 * appears. Ownership: created and freed by the caller. Thread safety: one per
 * simulation. */
#ifndef RETSIM_METRICS_H
#define RETSIM_METRICS_H

#include "retsim/registry.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct retsim_metrics retsim_metrics;

retsim_metrics *retsim_metrics_create(int n_kinds); /* NULL when out of memory */
void retsim_metrics_destroy(retsim_metrics *m);     /* NULL-safe */

/* Count one result. 0 or RETSIM_ENOMEM. */
int retsim_metrics_observe(retsim_metrics *m, const retsim_registry *r, const retsim_result *res);

uint64_t retsim_metrics_count(const retsim_metrics *m, int kind, retsim_op op, retsim_outcome o,
                              uint32_t sub_type);
/* Summed over subscription types. */
uint64_t retsim_metrics_total(const retsim_metrics *m, int kind, retsim_op op, retsim_outcome o);

/* Time spent soft-deleted by instances that left SOFT_DELETED (restored or
 * purged) since the start or the last reset, per kind (-1: all). */
typedef struct retsim_sojourn {
    uint64_t n;
    double sum_ms, sum_sq_ms;
} retsim_sojourn;
retsim_sojourn retsim_metrics_soft_deleted_time(const retsim_metrics *m, int kind);

/* Zero every count (the end of a warm-up period). */
void retsim_metrics_reset(retsim_metrics *m);

/* outcomes.csv, written only here: [replication,]kind,op,outcome,sub_type,count
 * — non-zero rows, in kind (scenario order), op, outcome (SEMANTICS order),
 * type (by name) order. Experiments add the leading replication column. */
void retsim_metrics_write_outcomes_header(FILE *out, bool replication_column);
/* The rows; replication: the leading column's value, or NULL for none.
 * 0, RETSIM_ENOMEM or RETSIM_EIO. */
int retsim_metrics_write_outcome_rows(const retsim_metrics *m, const retsim_registry *r, FILE *out,
                                      const uint32_t *replication);
/* Header (no replication column) and rows. */
int retsim_metrics_write_outcomes(const retsim_metrics *m, const retsim_registry *r, FILE *out);

#endif
