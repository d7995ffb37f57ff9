/* retsim/replay.h — replaying a recorded trace operation by operation.
 *
 * Each row runs at its time: first every automatic purge due at or before
 * that time, then the row's operation. Rows must be in time order; rows at
 * the same time run in file order. After the last row the automatic purges
 * still pending run too, so every soft-deleted instance ends purged or
 * restored. The trace's format — columns, the time column (durations since
 * the start or ISO-8601 timestamps, not both) and the `options` column's
 * key=value pairs per operation — is retsim/trace.h's, which reads it.
 * Cost: O(rows + purges) on top of the registry's costs; memory does not
 * grow with the trace, only with the names it mentions. */
#ifndef RETSIM_REPLAY_H
#define RETSIM_REPLAY_H

#include "retsim/error.h"
#include "retsim/events.h"
#include "retsim/sim.h"
#include "retsim/validate.h"

#include <stdint.h>

/* A per-type reservation key of the scenario that no subscription in the trace matched. */
typedef struct retsim_unmatched_reservation {
    char kind[RETSIM_KIND_NAME_MAX];
    char sub_type[RETSIM_KIND_NAME_MAX];
    long line; /* of reservation.<sub_type> in the scenario file; 0: --set */
} retsim_unmatched_reservation;

#define RETSIM_REPLAY_MAX_UNMATCHED 16

typedef struct retsim_replay_stats {
    uint64_t rows;             /* trace rows replayed */
    uint64_t rows_after_until; /* rows later than `until`: read, not applied */
    int n_unmatched;           /* reservation.<type> keys no trace subscription had (first 16 below) */
    retsim_unmatched_reservation unmatched[RETSIM_REPLAY_MAX_UNMATCHED];
    uint64_t events;      /* kernel events run (automatic purges, ends of reservation windows) */
    uint64_t auto_purges; /* instances purged when their retention ran out */
    retsim_time end_time; /* the clock at the end */
    /* Set as soon as the first row is read (so an events sink can point at
     * it): iso when the trace's times are ISO-8601, with that row's instant. */
    retsim_events_clock clock;
    /* Rows with a recorded_outcome, compared with retsim's answers
     * (retsim/validate.h); compared 0 when the trace has none. */
    retsim_validation validation;
} retsim_replay_stats;

/* Replay `trace_path` into sim, then run the automatic purges still pending up
 * to `until` (RETSIM_TIME_NEVER: all of them). The clock stops at `until`:
 * rows after it are read (their time must still be valid and in order) but
 * not applied, and counted in stats->rows_after_until. Bad rows:
 * RETSIM_EINPUT with file, line and column. */
int retsim_replay_run(retsim_sim *sim, const char *trace_path, retsim_time until, retsim_replay_stats *stats,
                      retsim_error *err);

/* Replay and write events.csv, outcomes.csv, summary.csv and manifest (with
 * prov, may be NULL) into out_dir, and when rows have a recorded_outcome
 * validation.csv and disagreements.csv too (retsim/validate.h), all or nothing: the folder is staged and
 * swapped in whole (retsim/outdir.h), so on any error out_dir is as it was, and on
 * success it holds this replay's files only. */
struct retsim_provenance;
int retsim_replay_to_dir(const retsim_scenario *sc, const char *trace_path, const char *out_dir,
                         retsim_time until, const struct retsim_provenance *prov, retsim_replay_stats *stats,
                         retsim_error *err);
/* The same, stopping before the next row once *stop (a signal handler's
 * flag; NULL: never) is non-zero: RETSIM_EINTR, and out_dir as it was. */
int retsim_replay_to_dir_stop(const retsim_scenario *sc, const char *trace_path, const char *out_dir,
                              retsim_time until, const volatile int *stop,
                              const struct retsim_provenance *prov, retsim_replay_stats *stats,
                              retsim_error *err);

#endif
