/* retsim/generate.h — a scenario's generated workload written as a trace,
 * and nothing else (`retsim generate`).
 *
 * The trace is the one `retsim run --trace-out` writes for the same scenario
 * and seed, byte for byte: the run is simulated (the generated users react
 * to outcomes: a refused re-create retries), but no other output is
 * written. `retsim replay SCENARIO TRACE --until HORIZON` of it gives the
 * run's events.csv.
 *
 * With limit_names N > 0 only the rows on the first N names created are
 * kept: a name is (kind, parent path, name), whoever the subscription (a
 * conflicting create by another subscription is on the same name), and the
 * first N are those of the first N create rows with distinct names, in trace
 * order. The rows on their ancestors (the parent path's instances) come
 * along so that the cut trace replays; in a generated trace a parent is
 * created before its children, so its name is among the N already. Rows
 * with no name (kind-wide set_policy, list_deleted) are always kept.
 *
 * The file is written under a temporary name beside its final one and
 * renamed into place at the end: a failure or an interrupt leaves nothing
 * (see retsim_outfile, retsim/outdir.h). An existing file is refused with
 * RETSIM_EUSAGE unless overwrite is set.
 *
 * Cost: one run of the scenario (retsim/run.h), plus with limit_names one
 * more write and read of the whole trace (a temporary file beside the final
 * one) and O(N) memory for the kept names. The library prints nothing. */
#ifndef RETSIM_GENERATE_H
#define RETSIM_GENERATE_H

#include "retsim/error.h"
#include "retsim/scenario.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct retsim_generate_options {
    uint64_t seed;            /* master seed (a single run: replication 0) */
    const char *trace_out;    /* the trace file to write */
    uint64_t limit_names;     /* 0: every row; else only the rows on the first N names created */
    bool overwrite;           /* replace an existing trace_out (else RETSIM_EUSAGE) */
    bool force;               /* generate even beyond the limits of retsim/estimate.h */
    const volatile int *stop; /* set non-zero to stop early (RETSIM_EINTR, nothing written); may be NULL */
} retsim_generate_options;

typedef struct retsim_generate_stats {
    uint64_t events; /* kernel events of the run */
    /* With limit_names (else 0): data rows written, and names kept (the first
     * N created and their ancestors). */
    uint64_t rows;
    uint64_t names;
} retsim_generate_stats;

/* Write the scenario's generated workload into opt->trace_out. 0, or
 *   RETSIM_EINPUT  the scenario has no [workload.<kind>] section, or is beyond
 *                  the size limits (without force)
 *   RETSIM_EUSAGE  trace_out exists (without overwrite) or is not a regular file
 *   RETSIM_EINTR   stopped; RETSIM_EIO, RETSIM_ENOMEM
 * with err filled; nothing is written then. stats may be NULL. */
int retsim_generate(const retsim_scenario *sc, const retsim_generate_options *opt,
                    retsim_generate_stats *stats, retsim_error *err);

#endif
