/* retsim/explain.h — a trace's story in words: what retsim answered, and why.
 *
 * Replays a trace (as retsim/replay.h does, the same answers as events.csv)
 * and tells it: first the rules in force for the kinds involved, in plain
 * words (retsim/narrate.h), then one entry per answer — when (in the trace's
 * own time style), who did what, the outcome, and the rule behind it with the
 * facts (events.csv's reason and detail). Automatic purges are entries of
 * their own, and so is the end of each reservation window a purge started
 * ("the reservation of 'shop' ends: any subscription may now create it").
 * Kind-wide policy changes are told with what they changed.
 *
 * Everything is built in memory and written only when the replay succeeded:
 * on any error nothing reaches `out`. Cost: the replay's, plus the text of
 * every entry told (a few hundred bytes each), held until the end — explain
 * is for traces a person reads, not for millions of rows. */
#ifndef RETSIM_EXPLAIN_H
#define RETSIM_EXPLAIN_H

#include "retsim/error.h"
#include "retsim/scenario.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct retsim_explain_options {
    /* Tell only these names (events.csv's `name` column, any kind), grouped
     * by name in order of first appearance, each with the kind-wide changes
     * of its kind; n_names 0: every answer, in time order. */
    const char *const *names;
    size_t n_names;
    const char *subscription; /* only this subscription's answers (its automatic purges too); NULL: all */
    retsim_time until;        /* stop the clock here, as replay --until; RETSIM_TIME_NEVER: the whole trace */
    const char *scenario_label; /* how the header names the scenario (the path as given) */
    const char *trace_label;    /* ... and the trace */
    int width;                  /* wrap sentences at this column; 0: 100 */
    /* Called once per name told, after the replay, in order of first
     * appearance, as "kind/name" or "kind/parent/name" (what
     * analysis/plot-timeline takes); NULL: not called. */
    void (*on_name)(void *ctx, const char *key);
    void *ctx;
} retsim_explain_options;

typedef struct retsim_explain_stats {
    uint64_t rows;             /* trace rows replayed */
    uint64_t told;             /* answers told (automatic purges included) */
    uint64_t auto_purges;      /* of those, automatic purges */
    uint64_t reservation_ends; /* reservation ends told */
    uint64_t names;            /* names told */
} retsim_explain_stats;

/* Replay trace_path under sc and write its story to out. RETSIM_EINPUT for
 * a bad trace (file, line, column) and for a name or subscription that no
 * row of the trace has (nothing to explain is an error, not an empty
 * story); RETSIM_ENOMEM; RETSIM_EIO when out reports a write error. stats
 * may be NULL. */
int retsim_explain_write(const retsim_scenario *sc, const char *trace_path, const retsim_explain_options *o,
                         FILE *out, retsim_explain_stats *stats, retsim_error *err);

#endif
