/* libFuzzer harness: the small parsers — durations, ISO-8601 timestamps,
 * distribution specs and --set overrides.
 *
 * The first byte of the input picks the parser ('d', 't', 'x', 's', 'S' as
 * below; any other byte by its value modulo 5), the rest is its text. Each
 * parser must refuse or accept without undefined behaviour, and what it
 * accepts must hold up:
 *   d duration   format(parse(x)) parses back to the same value, and so does
 *                the same value written in milliseconds (one parser, one rule)
 *   t timestamp  format_iso8601(parse(x)) parses back to the same instant
 *   x dist       samples are never negative (retsim/dist.h)
 *   s --set      one override on the quickstart scenario; the resolved
 *                scenario, written out, loads again and writes the same bytes
 *   S --set all  up to 8 overrides, one a line, applied together */
#include "fuzz_common.h"

#include "retsim/dist.h"
#include "retsim/scenario.h"
#include "retsim/time.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MODE_DURATION, MODE_TIMESTAMP, MODE_DIST, MODE_SET, MODE_SET_ALL, N_MODES };
#define MAX_SETS 8

/* Loaded once and cloned per input: --set must leave the original alone. */
static retsim_scenario *quickstart;
static gsl_rng *rng;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    gsl_set_error_handler_off();
    char path[512];
    retsim_error err;
    retsim_error_clear(&err);
    snprintf(path, sizeof path, "%s/scenarios/quickstart.ini", RETSIM_SOURCE_DIR);
    if (retsim_scenario_load(path, &quickstart, &err) != 0) {
        fuzz_fail("cannot load", path);
    }
    rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (rng == NULL) {
        fuzz_fail("out of memory", "gsl_rng_alloc");
    }
    fuzz_dir();
    return 0;
}

static void check_duration(const char *text)
{
    retsim_time t = 0;
    retsim_time back = 0;
    char buf[64];
    if (retsim_time_parse(text, &t, NULL) != 0) {
        return;
    }
    if (t < 0) {
        fuzz_fail("a duration parses negative", text);
    }
    if (retsim_time_format(t, buf, sizeof buf) >= sizeof buf || retsim_time_parse(buf, &back, NULL) != 0 ||
        back != t) {
        fuzz_fail("a duration does not survive format and parse", text);
    }
    snprintf(buf, sizeof buf, "%lldms", (long long)t);
    if (t > 0 && !fuzz_known("units") && (retsim_time_parse(buf, &back, NULL) != 0 || back != t)) {
        fuzz_fail("a duration is accepted with units but refused in milliseconds", text);
    }
}

static void check_timestamp(const char *text)
{
    int64_t ms = 0;
    int64_t back = 0;
    char buf[64];
    if (retsim_time_parse_iso8601(text, &ms, NULL) != 0) {
        return;
    }
    if (retsim_time_format_iso8601(ms, buf, sizeof buf) >= sizeof buf ||
        retsim_time_parse_iso8601(buf, &back, NULL) != 0 || back != ms) {
        fuzz_fail("a timestamp does not survive format and parse", text);
    }
}

static void check_dist(const char *text)
{
    retsim_dist d;
    retsim_error err;
    retsim_error_clear(&err);
    if (retsim_dist_parse(text, fuzz_dir(), &d, &err) != 0) {
        return;
    }
    gsl_rng_set(rng, 1);
    for (int i = 0; i < 16; i++) {
        if (retsim_dist_sample(&d, rng) < 0) {
            fuzz_fail("a distribution samples a negative duration", text);
        }
    }
    (void)retsim_dist_mean(&d);
    (void)retsim_dist_cdf(&d, 3600000.0);
    retsim_dist_free(&d);
}

/* The scenario as INI text (malloc'd). */
static char *written(const retsim_scenario *sc)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f == NULL || retsim_scenario_write(sc, f) != 0 || fclose(f) != 0) {
        fuzz_fail("cannot write the scenario", "open_memstream");
    }
    return text;
}

/* A resolved scenario reads back as itself (manifests rely on it). */
static void check_resolved(const retsim_scenario *sc, const char *sets)
{
    char *first = written(sc);
    char path[512];
    snprintf(path, sizeof path, "%s/resolved.ini", fuzz_dir());
    retsim_scenario *again = NULL;
    retsim_error err;
    retsim_error_clear(&err);
    if (retsim_scenario_load_string(first, path, &again, &err) != 0) {
        char buf[1024];
        fprintf(stderr, "%s\n", retsim_error_format(&err, buf, sizeof buf));
        fuzz_fail("the resolved scenario does not load again after", sets);
    }
    char *second = written(again);
    if (strcmp(first, second) != 0) {
        fuzz_fail("the resolved scenario changes when read back after", sets);
    }
    free(first);
    free(second);
    retsim_scenario_destroy(again);
}

static void check_set(char *text, bool all)
{
    const char *sets[MAX_SETS];
    int n = 0;
    sets[n++] = text;
    for (char *nl = strchr(text, '\n'); all && nl != NULL && n < MAX_SETS; nl = strchr(nl + 1, '\n')) {
        *nl = '\0';
        sets[n++] = nl + 1;
    }
    retsim_scenario *sc = retsim_scenario_clone(quickstart);
    if (sc == NULL) {
        fuzz_fail("out of memory", "retsim_scenario_clone");
    }
    retsim_error err;
    retsim_error_clear(&err);
    int rc = all ? retsim_scenario_set_all(sc, sets, n, &err) : retsim_scenario_set(sc, text, &err);
    if (rc == 0) {
        check_resolved(sc, text);
    }
    retsim_scenario_destroy(sc);
}

static int mode_of(uint8_t c)
{
    static const char letters[N_MODES] = {'d', 't', 'x', 's', 'S'};
    for (int m = 0; m < N_MODES; m++) {
        if (c == (uint8_t)letters[m]) {
            return m;
        }
    }
    return c % N_MODES;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    if (!fuzz_empirical_ok(data + 1, size - 1)) {
        return -1; /* never read files outside the harness's folder (see fuzz_common.h) */
    }
    char *text = fuzz_strndup(data + 1, size - 1);
    switch (mode_of(data[0])) {
    case MODE_DURATION:
        check_duration(text);
        break;
    case MODE_TIMESTAMP:
        check_timestamp(text);
        break;
    case MODE_DIST:
        check_dist(text);
        break;
    case MODE_SET:
        check_set(text, false);
        break;
    default:
        check_set(text, true);
        break;
    }
    free(text);
    return 0;
}
