/* The size estimate: closed forms, the bundled scenarios against real runs,
 * the limits, and a stop request seen in the middle of a run. */
#include "helpers.h"

#include "retsim/estimate.h"
#include "retsim/experiment.h"
#include "retsim/kernel.h"
#include "retsim/run.h"

#include <math.h>
#include <time.h>

/* Nothing is ever deleted: the only events are the arrivals (100/d x 10 d)
 * and the samples (10d / 1d + 1). */
static const char forever[] = "[scenario]\nname = forever\n"
                              "[policy.apim]\nretention = 48h\n"
                              "[simulation]\nhorizon = 10d\nsample_every = 1d\n"
                              "[population]\nsubscriptions = 10\n"
                              "[workload.apim]\narrivals = 100/d\n";

static double events_of_run(const retsim_scenario *sc)
{
    retsim_run_options opt = {.seed = 7};
    retsim_run_stats stats = {0};
    retsim_error err;
    retsim_error_clear(&err);
    if (retsim_run(sc, &opt, NULL, &stats, &err) != 0) {
        fail_msg("%s: %s", err.field, err.msg);
    }
    return (double)stats.events;
}

static void test_estimate_arrivals_and_samples_closed_form(void **state)
{
    (void)state;
    retsim_scenario *sc = load(forever);
    retsim_estimate e;
    retsim_estimate_of(sc, NULL, &e);
    assert_float_equal(e.events, 1000 + 11, 1e-6);
    assert_float_equal(e.names, 1000, 1e-6);
    assert_float_equal(e.rows, 11, 1e-6); /* one kind: a timeseries row a sample */
    /* Poisson(1000) arrivals: 1000 +- 3 sd is 905..1095, plus 11 samples */
    double ran = events_of_run(sc);
    assert_true(ran >= 905 + 11 && ran <= 1095 + 11);
    retsim_estimate_options o = {.replications = 10, .events_csv = true, .trace = true};
    retsim_estimate_of(sc, &o, &e);
    assert_float_equal(e.events, 10 * 1011.0, 1e-6);
    assert_float_equal(e.names, 1000, 1e-6);                  /* per replication */
    assert_float_equal(e.rows, 10 * (11 + 2 * 1000.0), 1e-6); /* samples, events.csv and trace rows */
    retsim_scenario_destroy(sc);
}

/* const(1d) lifetimes over 10 days: every name (5 days left on average) is
 * deleted (1 event) and purged automatically 48 h later (1 event). */
static void test_estimate_lifecycle_closed_form(void **state)
{
    (void)state;
    retsim_scenario *sc = load(forever);
    retsim_error err;
    assert_int_equal(retsim_scenario_set(sc, "workload.apim.lifetime=const(1d)", &err), 0);
    retsim_estimate e;
    retsim_estimate_of(sc, NULL, &e);
    assert_float_equal(e.events, 1000 + 1000 * 2 + 11, 1e-6);
    /* the run: names of the last day are not deleted, those of the last 3
     * days not purged, within the horizon: about 1000 + 900 + 700 + 11 */
    double ran = events_of_run(sc);
    assert_true(ran > e.events / 1.5 && ran < e.events);
    retsim_scenario_destroy(sc);
}

/* Each bundled scenario (and R1 at a tenth of its size) against its run:
 * the estimate is a guard, good within a factor of 2. */
static void test_estimate_tracks_the_bundled_scenarios(void **state)
{
    (void)state;
    static const char *files[] = {"scenarios/quickstart.ini",
                                  "scenarios/apim.ini",
                                  "scenarios/apim-2020-preview.ini",
                                  "scenarios/compute-gallery.ini",
                                  "scenarios/key-vault.ini",
                                  "scenarios/retention-48h-vs-7d.ini",
                                  "scenarios/aws-secrets-manager.ini",
                                  "scenarios/app-configuration.ini",
                                  "scenarios/gcp-project.ini",
                                  "scenarios/aws-s3-bucket.ini",
                                  "bench/r1.ini"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", RETSIM_SOURCE_DIR, files[i]);
        retsim_scenario *sc = NULL;
        retsim_error err;
        assert_int_equal(retsim_scenario_load(path, &sc, &err), 0);
        if (strstr(files[i], "r1") != NULL) {
            assert_int_equal(retsim_scenario_set(sc, "simulation.scale=0.1", &err), 0);
        }
        retsim_estimate e;
        retsim_estimate_of(sc, NULL, &e);
        double ran = events_of_run(sc);
        print_message("%-36s estimate %10.0f  run %10.0f  ratio %.2f\n", files[i], e.events, ran,
                      e.events / ran);
        assert_true(e.events > ran / 2 && e.events < ran * 2);
        assert_int_equal(retsim_estimate_check(sc, &e, &err), 0);
        retsim_scenario_destroy(sc);
    }
}

/* bench/r1.ini with one override (its scale). */
static retsim_scenario *load_r1(const char *set)
{
    char path[512];
    snprintf(path, sizeof path, "%s/bench/r1.ini", RETSIM_SOURCE_DIR);
    retsim_scenario *sc = NULL;
    retsim_error err;
    assert_int_equal(retsim_scenario_load(path, &sc, &err), 0);
    assert_int_equal(retsim_scenario_set(sc, set, &err), 0);
    return sc;
}

/* R1 at scale 100 is 153 M events (README, measured) and must run as it is. */
static void test_estimate_r1_scale_100_is_within_the_limits(void **state)
{
    (void)state;
    retsim_error err;
    retsim_scenario *sc = load_r1("simulation.scale=100");
    retsim_estimate e;
    retsim_estimate_of(sc, NULL, &e);
    assert_true(e.events > 1.53e8 / 2 && e.events < 1.53e8 * 2);
    assert_true(e.names > 3.65e7 * 0.99 && e.names < 3.65e7 * 1.01); /* 1000/d x 100 x 365 d */
    assert_int_equal(retsim_estimate_check(sc, &e, &err), 0);
    retsim_scenario_destroy(sc);
}

/* The three examples: refused at once, naming the key and the figure. */
static void test_estimate_refuses_implausible_sizes(void **state)
{
    (void)state;
    static const struct {
        const char *set, *field, *figure;
    } cases[] = {
        /* 1e30/d x 365 d = 3.65e32 names, each over 4 events */
        {"workload.apim.arrivals=1e30/d", "workload.apim.arrivals", "events (limit 1e10)"},
        {"simulation.scale=1e30", "workload.apim.arrivals", "simulation.scale=1e30"},
        /* quickstart's 730 d / 1 ms = 6.31e10 samples, each a kernel event */
        {"simulation.sample_every=1ms", "simulation.sample_every", "about 6.3e10 events"},
    };
    char path[512];
    snprintf(path, sizeof path, "%s/scenarios/quickstart.ini", RETSIM_SOURCE_DIR);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        retsim_scenario *sc = NULL;
        retsim_error err;
        assert_int_equal(retsim_scenario_load(path, &sc, &err), 0);
        assert_int_equal(retsim_scenario_set(sc, cases[i].set, &err), 0);
        retsim_run_options opt = {.seed = 1};
        retsim_error_clear(&err);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        assert_int_equal(retsim_run(sc, &opt, NULL, NULL, &err), RETSIM_EINPUT);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        assert_true((double)(t1.tv_sec - t0.tv_sec) < 1.0);
        assert_string_equal(err.field, cases[i].field);
        assert_string_equal(err.file, path);
        assert_non_null(strstr(err.msg, cases[i].figure));
        assert_non_null(strstr(err.msg, "use --force"));
        /* replications are refused before they are allocated, too */
        retsim_experiment_options xo = {.seed = 1, .replications = 3};
        retsim_experiment *x = NULL;
        assert_int_equal(retsim_experiment_run(sc, &xo, &x, &err), RETSIM_EINPUT);
        assert_null(x);
        retsim_scenario_destroy(sc);
    }
}

/* Sweep points add up; the reason is the largest point's. */
static void test_estimate_add_sums_points(void **state)
{
    (void)state;
    retsim_scenario *a = load(forever), *b = load(forever);
    retsim_error err;
    assert_int_equal(retsim_scenario_set(b, "workload.apim.arrivals=1e12/d", &err), 0);
    retsim_estimate ea, eb, sum = {0};
    retsim_estimate_of(a, NULL, &ea);
    retsim_estimate_of(b, NULL, &eb);
    retsim_estimate_add(&sum, &eb);
    retsim_estimate_add(&sum, &ea);
    assert_float_equal(sum.events, ea.events + eb.events, 1);
    assert_float_equal(sum.names, 1e13, 1); /* the larger point's, not the sum */
    assert_int_equal(retsim_estimate_check(a, &sum, &err), RETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "arrivals=1e12/d"));
    assert_non_null(strstr(err.msg, "the largest of 2 sweep points"));
    retsim_scenario_destroy(a);
    retsim_scenario_destroy(b);
}

static void test_estimate_format(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(retsim_estimate_format(1011, buf, sizeof buf), "1011");
    assert_string_equal(retsim_estimate_format(1.53e8, buf, sizeof buf), "1.5e8");
    assert_string_equal(retsim_estimate_format(3.2e12, buf, sizeof buf), "3.2e12");
    assert_string_equal(retsim_estimate_format(INFINITY, buf, sizeof buf), "infinitely many");
}

/* A stop request already set when a long run starts (R1 at scale 10, 15 M
 * events): seen before the first event, while the population is made (the
 * kernel's own poll comes every 2^16 events), not at the horizon. */
static void test_run_stop_is_seen_within_a_poll(void **state)
{
    (void)state;
    retsim_error err;
    retsim_scenario *sc = load_r1("simulation.scale=10");
    static volatile int stop = 1;
    retsim_run_options opt = {.seed = 1, .stop = &stop};
    retsim_run_stats stats = {0};
    assert_int_equal(retsim_run(sc, &opt, NULL, &stats, &err), RETSIM_EINTR);
    assert_true(stats.events <= RETSIM_KERNEL_POLL);
    retsim_scenario_destroy(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_estimate_arrivals_and_samples_closed_form),
        cmocka_unit_test(test_estimate_lifecycle_closed_form),
        cmocka_unit_test(test_estimate_tracks_the_bundled_scenarios),
        cmocka_unit_test(test_estimate_r1_scale_100_is_within_the_limits),
        cmocka_unit_test(test_estimate_refuses_implausible_sizes),
        cmocka_unit_test(test_estimate_add_sums_points),
        cmocka_unit_test(test_estimate_format),
        cmocka_unit_test(test_run_stop_is_seen_within_a_poll),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
