/* retsim/estimate.h — how big a run will be, worked out before it starts.
 *
 * A scenario with arrivals=1e30/d, scale=1e30 or sample_every=1ms over a
 * year is valid key by key but would run until memory or disk runs out. The
 * estimate gives the expected number of kernel events, of names the registry
 * holds and of output rows from the scenario alone (arrival rates x scale x
 * horizon x the operations of a lifecycle, samples = horizon / sample_every
 * per summary row, events.csv and trace rows, replications x sweep points),
 * and retsim_estimate_check refuses what is beyond the limits below. The
 * figures are expectations, meant to be right within a factor of about two
 * for the bundled scenarios (tests/test_estimate.c compares them with runs):
 * a guard against mistakes of orders of magnitude, not a forecast.
 * Cost: O(kinds^2); no allocation. Thread safety: pure functions. */
#ifndef RETSIM_ESTIMATE_H
#define RETSIM_ESTIMATE_H

#include "retsim/error.h"
#include "retsim/scenario.h"

#include <stdbool.h>
#include <stdint.h>

/* Kernel events over all replications and points: about an hour at the
 * 1-2 M events/s of one core (R1 at scale 100 is 1.5e8). */
#define RETSIM_LIMIT_EVENTS 1e10
/* Names one replication creates: about 135 bytes each, so 2e8 is ~27 GB. */
#define RETSIM_LIMIT_NAMES 2e8
/* Rows of timeseries.csv (and the samples kept for MSER-5), events.csv and
 * the trace, over all replications and points: about 10 GB of CSV. */
#define RETSIM_LIMIT_ROWS 1e8

typedef struct retsim_estimate_options {
    uint32_t replications; /* 0 counts as 1 */
    uint32_t points;       /* sweep points; 0 counts as 1 */
    bool events_csv;       /* events.csv is written (--events) */
    bool trace;            /* the generated trace is written (--trace-out) */
} retsim_estimate_options;

/* What drives a figure: "workload.apim.arrivals=1e30/d x simulation.scale=1
 * x simulation.horizon=365d" and the leading key ("workload.apim.arrivals"). */
typedef struct retsim_estimate_why {
    char key[80];
    char text[384];
} retsim_estimate_why;

typedef struct retsim_estimate {
    double events; /* kernel events, every replication and point */
    double names;  /* names created in one replication (the largest point) */
    double rows;   /* output rows, every replication and point */
    retsim_estimate_why events_why, names_why, rows_why;
    /* sweeps (retsim_estimate_add): points added, and the largest point's figures */
    int points;
    double largest_events, largest_rows;
} retsim_estimate;

/* The expected size of running sc with o (NULL: one replication, no
 * events.csv, no trace). Values may be INFINITY; never NaN. */
void retsim_estimate_of(const retsim_scenario *sc, const retsim_estimate_options *o, retsim_estimate *out);

/* Fold the estimate of one more sweep point into sum (events and rows add,
 * names take the larger; each reason is the largest point's). Start from a
 * zeroed sum. */
void retsim_estimate_add(retsim_estimate *sum, const retsim_estimate *point);

/* 0 when every figure is within its limit; otherwise RETSIM_EINPUT with err
 * naming the scenario file, the key that drives the size and the figure:
 * "about 1.1e31 events (limit 1e10): workload.apim.arrivals=1e30/d x ...;
 * use --force to run it anyway". */
int retsim_estimate_check(const retsim_scenario *sc, const retsim_estimate *e, retsim_error *err);

/* "1.1e31", "153000000" style: %.2g for figures of 1e6 and more, no '+'. */
const char *retsim_estimate_format(double x, char *buf, size_t size);

#endif
