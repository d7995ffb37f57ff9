/* libFuzzer harness: scenario loading, then a short generated run.
 *
 * The input is a scenario file. It is loaded from a file (so the file
 * reader, not only the parser, sees every byte), and when it loads and
 * describes a workload, it runs once with every output written to
 * /dev/null, as `retsim run` does. The generated trace must then replay
 * against the same scenario: what the generator writes, the reader reads.
 * A file holding a NUL byte must be refused, never read cut short.
 *
 * Bounds, so each input runs in milliseconds: a horizon over 14 days is cut
 * to 14 days (with --set, as a user would), and inputs whose expected work
 * is large (names, samples, subscriptions, retries) are skipped. These
 * bounds are the harness's, not the library's: issue 10 item 11 asks the
 * library to refuse implausible sizes itself. */
#include "fuzz_common.h"

#include "retsim/replay.h"
#include "retsim/run.h"
#include "retsim/sim.h"

#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HORIZON_MAX   (14 * RETSIM_MS_PER_DAY)
#define NAMES_MAX     5000.0
#define SAMPLES_MAX   2000
#define SUBS_MAX      100000
#define ATTEMPTS_MAX  50000.0
#define ACCIDENTS_MAX 1000.0

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    gsl_set_error_handler_off();
    devnull = fopen("/dev/null", "w");
    if (devnull == NULL) {
        fuzz_fail("cannot open", "/dev/null");
    }
    fuzz_dir();
    return 0;
}

/* Cut the horizon the way `--set simulation.horizon=14d` would; false when that does not validate. */
static bool clamp_horizon(retsim_scenario *sc)
{
    if (sc->settings.horizon <= HORIZON_MAX) {
        return true;
    }
    const char *sets[] = {"simulation.horizon=14d", "simulation.warmup=0"};
    retsim_error err;
    retsim_error_clear(&err);
    return retsim_scenario_set_all(sc, sets, 2, &err) == 0;
}

/* Is the run small enough for a fuzzing iteration? Mirrors retsim_generator_start's estimate. */
static bool small_enough(const retsim_scenario *sc)
{
    const retsim_settings *st = &sc->settings;
    if (sc->population.subscriptions > SUBS_MAX || sc->population.tenants > SUBS_MAX) {
        return false;
    }
    if (st->sample_every > 0 && st->horizon / st->sample_every > SAMPLES_MAX) {
        return false;
    }
    double names = 0;
    double horizon = (double)st->horizon;
    for (int k = 0; k < sc->n_policies; k++) {
        const retsim_workload *w = &sc->workloads[k];
        if (!w->enabled) {
            continue;
        }
        double n = w->arrivals.per_ms * st->scale * horizon;
        int parent = sc->policies[k].parent;
        if (parent >= 0) {
            n += w->per_parent * sc->workloads[parent].arrivals.per_ms * st->scale * horizon;
        }
        if (!(n <= NAMES_MAX) || !(w->accidental_deletes.per_ms * horizon <= ACCIDENTS_MAX)) {
            return false;
        }
        if (!(n * (w->retry_limit + 1.0) <= ATTEMPTS_MAX)) {
            return false;
        }
        names += n;
    }
    return names <= NAMES_MAX;
}

/* The generated trace replays against the scenario that generated it. */
static void replay_generated(const retsim_scenario *sc, const char *trace_path)
{
    retsim_sim *sim = retsim_sim_create(sc);
    if (sim == NULL) {
        fuzz_fail("out of memory", "retsim_sim_create");
    }
    retsim_replay_stats stats;
    memset(&stats, 0, sizeof stats);
    retsim_error err;
    retsim_error_clear(&err);
    if (retsim_replay_run(sim, trace_path, RETSIM_TIME_NEVER, &stats, &err) != 0) {
        char buf[1024];
        fuzz_fail("the generated trace does not replay", retsim_error_format(&err, buf, sizeof buf));
    }
    retsim_sim_destroy(sim);
}

static void run_once(const retsim_scenario *sc)
{
    char trace_path[512];
    snprintf(trace_path, sizeof trace_path, "%s/generated.csv", fuzz_dir());
    FILE *trace = fopen(trace_path, "w");
    if (trace == NULL) {
        fuzz_fail("cannot write", trace_path);
    }
    retsim_run_sinks sinks = {.timeseries = devnull,
                              .outcomes = devnull,
                              .events = devnull,
                              .trace = trace,
                              .by_period = devnull,
                              .by_type = devnull};
    retsim_run_options opt = {.seed = sc->settings.seed};
    retsim_summary *summary = malloc(sizeof *summary);
    retsim_run_stats stats;
    retsim_error err;
    retsim_error_clear(&err);
    if (summary == NULL) {
        fuzz_fail("out of memory", "summary");
    }
    int rc = retsim_run_replication(sc, &sinks, &opt, summary, &stats, &err);
    if (fclose(trace) != 0) {
        fuzz_fail("cannot write", trace_path);
    }
    if (rc == 0) {
        retsim_summary_write_header(devnull);
        retsim_summary_write_rows(devnull, summary, sc->name, 0, opt.seed);
        replay_generated(sc, trace_path);
    }
    free(summary);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fuzz_empirical_ok(data, size)) {
        return -1; /* never read files outside the harness's folder (see fuzz_common.h) */
    }
    const char *path = fuzz_write("fuzz.ini", data, size);
    retsim_scenario *sc = NULL;
    retsim_error err;
    retsim_error_clear(&err);
    if (retsim_scenario_load(path, &sc, &err) != 0) {
        if (err.code == RETSIM_EINPUT && strcmp(err.file, path) != 0) {
            fuzz_fail("a bad scenario is not named", err.msg);
        }
        return 0;
    }
    if (fuzz_has_nul(data, size) && !fuzz_known("nul")) {
        fuzz_fail("a scenario with a NUL byte is accepted", path);
    }
    retsim_scenario_write(sc, devnull);
    if (retsim_scenario_has_workload(sc) && retsim_scenario_check_generated(sc, &err) == 0 &&
        clamp_horizon(sc) && small_enough(sc)) {
        run_once(sc);
    }
    retsim_scenario_destroy(sc);
    return 0;
}
