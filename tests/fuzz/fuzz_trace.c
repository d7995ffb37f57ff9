/* libFuzzer harness: the trace reader and a replay of the trace.
 *
 * The input is a trace file (CSV, header row first). It is replayed against
 * a bundled scenario chosen by the kinds it names (compute-gallery,
 * key-vault, the golden reuse-rules case, else apim), exactly as
 * `retsim replay` does, with events.csv and summary.csv written to
 * /dev/null so their formatting runs too. A bad row must come back as an
 * error naming the trace and a line, and a trace holding a NUL byte must be
 * refused (a NUL cut short is a silent wrong answer); anything else is a
 * finding. */
#include "fuzz_common.h"

#include "retsim/events.h"
#include "retsim/replay.h"
#include "retsim/sim.h"
#include "retsim/summary.h"

#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { APIM, GALLERY, KEY_VAULT, REUSE, N_SCENARIOS };

static const char *const scenario_files[N_SCENARIOS] = {
    "scenarios/apim.ini",
    "scenarios/compute-gallery.ini",
    "scenarios/key-vault.ini",
    "tests/golden/reuse_tenant_and_nobody/scenario.ini",
};

/* Loaded once: the scenarios are only read by every replay. */
static retsim_scenario *scenarios[N_SCENARIOS];
static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    gsl_set_error_handler_off();
    for (int i = 0; i < N_SCENARIOS; i++) {
        char path[512];
        retsim_error err;
        retsim_error_clear(&err);
        snprintf(path, sizeof path, "%s/%s", RETSIM_SOURCE_DIR, scenario_files[i]);
        if (retsim_scenario_load(path, &scenarios[i], &err) != 0) {
            fuzz_fail("cannot load", path);
        }
    }
    devnull = fopen("/dev/null", "w");
    if (devnull == NULL) {
        fuzz_fail("cannot open", "/dev/null");
    }
    fuzz_dir();
    return 0;
}

static bool mentions(const uint8_t *data, size_t size, const char *word)
{
    size_t n = strlen(word);
    for (size_t i = 0; i + n <= size; i++) {
        if (memcmp(data + i, word, n) == 0) {
            return true;
        }
    }
    return false;
}

static const retsim_scenario *pick(const uint8_t *data, size_t size)
{
    if (mentions(data, size, "gallery")) {
        return scenarios[GALLERY];
    }
    if (mentions(data, size, "key_vault")) {
        return scenarios[KEY_VAULT];
    }
    if (mentions(data, size, "dns") || mentions(data, size, "locked")) {
        return scenarios[REUSE];
    }
    return scenarios[APIM];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write("trace.csv", data, size);
    const retsim_scenario *sc = pick(data, size);
    retsim_sim *sim = retsim_sim_create(sc);
    if (sim == NULL) {
        fuzz_fail("out of memory", "retsim_sim_create");
    }
    retsim_replay_stats stats;
    memset(&stats, 0, sizeof stats);
    retsim_events_sink sink = {.out = devnull, .clock = &stats.clock};
    retsim_sim_set_sink(sim, retsim_events_sink_observer, &sink);
    retsim_error err;
    retsim_error_clear(&err);
    int rc = retsim_replay_run(sim, path, RETSIM_TIME_NEVER, &stats, &err);
    if (rc == RETSIM_EINPUT && (strcmp(err.file, path) != 0 || err.line < 1)) {
        fuzz_fail("a bad trace is not named with its line", err.msg);
    }
    if (rc == 0 && fuzz_has_nul(data, size) && !fuzz_known("nul")) {
        fuzz_fail("a trace with a NUL byte is accepted", path);
    }
    if (rc == 0) {
        retsim_summary sum;
        if (retsim_summary_compute(&sum, sim, NULL, (double)stats.end_time) == 0) {
            retsim_summary_write_rows(devnull, &sum, sc->name, 0, 0);
        }
        if (stats.end_time < 0) {
            fuzz_fail("the replay clock ends before time 0", "");
        }
    }
    retsim_sim_destroy(sim);
    return 0;
}
