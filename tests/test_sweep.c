/* Sweeps: --vary parsing, the order of the points (the first --vary varies
 * slowest), common random numbers across points, and sweep.csv's layout.
 * Expected values come from the rules in retsim/sweep.h and from facts of
 * the model that hold exactly (costs are linear in the price; nothing is
 * soft-deleted with soft delete off; the measured period is the horizon
 * without a warm-up), not from what the code printed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "retsim/sweep.h"

static const char tiny[] = "[scenario]\nname = tiny\n"
                           "[policy.apim]\nretention = 48h\nreplicas_active = 1\nreplicas_soft_deleted = 1\n"
                           "price_per_replica_hour = 0.1\n"
                           "[simulation]\nhorizon = 20d\nwarmup = 0\nsample_every = 10d\n"
                           "[population]\nsubscriptions = 10\n"
                           "[workload.apim]\narrivals = 20/d\nlifetime = exp(mean=2d)\n"
                           "accidental_deletes = 1/10d\nnotice_probability = 0.9\n"
                           "restore_delay = exp(mean=12h)\n";

static void test_sweep_vary_values_keep_commas_inside_parentheses(void **state)
{
    (void)state;
    retsim_vary v;
    retsim_error err;
    assert_int_equal(retsim_vary_parse("policy.apim.retention=24h,7d", &v, &err), 0);
    assert_string_equal(v.key, "policy.apim.retention");
    assert_int_equal(v.n, 2);
    assert_string_equal(v.value[0], "24h");
    assert_string_equal(v.value[1], "7d");
    /* spaces around the key and each value go, as with --set */
    assert_int_equal(retsim_vary_parse(" k = a , b c ,d", &v, &err), 0);
    assert_string_equal(v.key, "k");
    assert_int_equal(v.n, 3);
    assert_string_equal(v.value[0], "a");
    assert_string_equal(v.value[1], "b c");
    assert_string_equal(v.value[2], "d");
    /* a comma inside parentheses, nested or not, is part of the value */
    assert_int_equal(
        retsim_vary_parse("workload.apim.lifetime=lognormal(median=24h, sigma=1),f(g(1,2),3),exp(mean=2d)",
                          &v, &err),
        0);
    assert_int_equal(v.n, 3);
    assert_string_equal(v.value[0], "lognormal(median=24h, sigma=1)");
    assert_string_equal(v.value[1], "f(g(1,2),3)");
    assert_string_equal(v.value[2], "exp(mean=2d)");
}

static void expect_bad(const char *spec, const char *message)
{
    retsim_vary v;
    retsim_error err;
    retsim_error_clear(&err);
    assert_int_equal(retsim_vary_parse(spec, &v, &err), RETSIM_EUSAGE);
    assert_string_equal(err.file, "--vary");
    if (strstr(err.msg, message) == NULL) {
        fail_msg("%s: '%s' does not say '%s'", spec, err.msg, message);
    }
}

static void test_sweep_vary_bad_specs_say_what_is_wrong(void **state)
{
    (void)state;
    expect_bad("policy.apim.retention", "expected KEY=v1,v2,...");
    expect_bad("=24h,7d", "expected KEY=v1,v2,...");
    expect_bad("policy.apim.retention=", "expected KEY=v1,v2,...");
    expect_bad("policy.apim.retention=a,,b", "expected 1 to 32 non-empty values");
    expect_bad("policy.apim.retention=a,", "expected 1 to 32 non-empty values");
    char many[200] = "k=";
    for (int i = 0; i < 33; i++) { /* one value more than RETSIM_MAX_VALUES */
        strcat(many, i ? ",v" : "v");
    }
    expect_bad(many, "expected 1 to 32 non-empty values");
    char key[200];
    memset(key, 'k', 150); /* longer than a key can be */
    snprintf(key + 150, sizeof key - 150, "=a");
    expect_bad(key, "expected KEY=v1,v2,...");
}

/* Refused before anything runs: no --vary, a key varied twice, too many points. */
static void test_sweep_refuses_a_grid_it_cannot_run(void **state)
{
    (void)state;
    retsim_scenario *sc = load(tiny);
    retsim_experiment_options o = {.seed = 3, .replications = 1, .jobs = 1};
    retsim_vary v[4];
    retsim_sweep *s = NULL;
    retsim_error err;
    assert_int_equal(retsim_sweep_run(sc, v, 0, &o, &s, &err), RETSIM_EUSAGE);
    assert_int_equal(retsim_vary_parse("policy.apim.retention=1d,2d", &v[0], &err), 0);
    assert_int_equal(retsim_vary_parse("policy.apim.retention=3d", &v[1], &err), 0);
    assert_int_equal(retsim_sweep_run(sc, v, 2, &o, &s, &err), RETSIM_EUSAGE);
    assert_non_null(strstr(err.msg, "varied twice (--vary 1 and 2)"));
    char spec[400] = "policy.apim.retention=";
    for (int i = 0; i < 32; i++) {
        snprintf(spec + strlen(spec), sizeof spec - strlen(spec), "%s%dd", i ? "," : "", i + 1);
    }
    const char *keys[] = {"policy.apim.retention", "policy.apim.reservation", "simulation.horizon",
                          "population.subscriptions"};
    for (int k = 0; k < 4; k++) {
        char one[400];
        snprintf(one, sizeof one, "%s=%s", keys[k], strchr(spec, '=') + 1);
        assert_int_equal(retsim_vary_parse(one, &v[k], &err), 0);
    }
    assert_int_equal(retsim_sweep_run(sc, v, 4, &o, &s, &err), RETSIM_EUSAGE);
    assert_non_null(strstr(err.msg, "1048576 points; a sweep has at most 100000")); /* 32^4 = 2^20 */
    assert_null(s);
    retsim_scenario_destroy(sc);
}

/* 2 x 2: horizon 10d,20d (first, slowest) by soft_delete false,true. Point
 * p is (p / 2, p % 2): 0 = (10d, false), 1 = (10d, true), 2 = (20d, false),
 * 3 = (20d, true). Each point's runs show their values: the measured period
 * is the horizon (no warm-up), and nothing is ever soft-deleted with soft
 * delete off. */
static void test_sweep_first_vary_is_slowest(void **state)
{
    (void)state;
    retsim_scenario *sc = load(tiny);
    retsim_vary v[2];
    retsim_error err;
    assert_int_equal(retsim_vary_parse("simulation.horizon=10d,20d", &v[0], &err), 0);
    assert_int_equal(retsim_vary_parse("policy.apim.soft_delete=false,true", &v[1], &err), 0);
    retsim_experiment_options o = {.seed = 11, .replications = 2, .jobs = 1};
    retsim_sweep *s = NULL;
    assert_int_equal(retsim_sweep_run(sc, v, 2, &o, &s, &err), 0);
    assert_int_equal(s->n_points, 4);
    for (int p = 0; p < 4; p++) {
        assert_int_equal(s->index[p][0], p / 2);
        assert_int_equal(s->index[p][1], p % 2);
        const retsim_experiment *e = s->experiments[p];
        assert_int_equal(e->completed, 2);
        for (uint32_t r = 0; r < 2; r++) {
            const retsim_summary *sum = &e->reps[r].summary;
            assert_float_equal(sum->measured_ms, (p / 2 ? 20 : 10) * 86400000.0, 0);
            double soft = sum->value[0][RETSIM_M_SOFT_DELETED_AVG];
            assert_true(p % 2 ? soft > 0 : soft == 0);
        }
    }
    retsim_sweep_destroy(s);
    retsim_scenario_destroy(sc);
}

/* Common random numbers: every point runs replication r with the same
 * master seed, so a knob that changes no decision (the price) leaves every
 * count and inventory figure of replication r as it was, and costs, linear
 * in the price, exactly double from 0.1 to 0.2. Replications themselves
 * differ (their own streams). */
static void test_sweep_points_share_replication_seeds(void **state)
{
    (void)state;
    retsim_scenario *sc = load(tiny);
    retsim_vary v;
    retsim_error err;
    assert_int_equal(retsim_vary_parse("policy.apim.price_per_replica_hour=0.1,0.2", &v, &err), 0);
    retsim_experiment_options o = {.seed = 7, .replications = 3, .jobs = 2};
    retsim_sweep *s = NULL;
    assert_int_equal(retsim_sweep_run(sc, &v, 1, &o, &s, &err), 0);
    const retsim_experiment *a = s->experiments[0], *b = s->experiments[1];
    assert_true(a->seed == 7 && b->seed == 7);
    for (uint32_t r = 0; r < 3; r++) {
        const double *x = a->reps[r].summary.value[0], *y = b->reps[r].summary.value[0];
        for (int m = 0; m < RETSIM_M_COUNT; m++) {
            const char *name = retsim_metric_name((retsim_metric)m);
            double want = strncmp(name, "cost_", 5) == 0 ? 2 * x[m] : x[m];
            if (isnan(want)) {
                assert_true(isnan(y[m]));
            } else if (fabs(y[m] - want) > 1e-9 * fabs(want)) {
                fail_msg("replication %u, %s: %.17g at 0.2, want %.17g", r, name, y[m], want);
            }
        }
        assert_true(x[RETSIM_M_COST_TOTAL] > 0);
    }
    assert_true(a->reps[0].summary.value[0][RETSIM_M_CREATES] !=
                a->reps[1].summary.value[0][RETSIM_M_CREATES]);
    retsim_sweep_destroy(s);
    retsim_scenario_destroy(sc);
}

/* sweep.csv: the varied keys after `point`, each row's values in them (a
 * value with a comma quoted); sweep_ci.csv the same; the manifest records
 * every --vary. */
static void test_sweep_write_names_each_point(void **state)
{
    (void)state;
    retsim_scenario *sc = load(tiny);
    retsim_vary v[2];
    retsim_error err;
    assert_int_equal(retsim_vary_parse("policy.apim.retention=1d,3d", &v[0], &err), 0);
    assert_int_equal(
        retsim_vary_parse("workload.apim.restore_delay=exp(mean=2h),lognormal(median=1h, sigma=1)", &v[1],
                          &err),
        0);
    retsim_experiment_options o = {.seed = 2, .replications = 1, .jobs = 1};
    retsim_sweep *s = NULL;
    assert_int_equal(retsim_sweep_run(sc, v, 2, &o, &s, &err), 0);
    char dir[300];
    snprintf(dir, sizeof dir, "%s/sweep", tmpdir);
    assert_int_equal(retsim_sweep_write(sc, s, dir, NULL, &err), 0);
    char *csv = slurp(dir, "sweep.csv");
    const char *head = "point,policy.apim.retention,workload.apim.restore_delay,";
    assert_int_equal(strncmp(csv, head, strlen(head)), 0);
    assert_non_null(strstr(csv, "\n0,1d,exp(mean=2h),"));
    assert_non_null(strstr(csv, "\n1,1d,\"lognormal(median=1h, sigma=1)\","));
    assert_non_null(strstr(csv, "\n2,3d,exp(mean=2h),"));
    assert_non_null(strstr(csv, "\n3,3d,\"lognormal(median=1h, sigma=1)\","));
    free(csv);
    char *ci = slurp(dir, "sweep_ci.csv");
    const char *ci_head =
        "point,policy.apim.retention,workload.apim.restore_delay,kind,metric,n,mean,sd,ci95_low,ci95_high\n";
    assert_int_equal(strncmp(ci, ci_head, strlen(ci_head)), 0);
    free(ci);
    char *manifest = slurp(dir, "manifest");
    assert_non_null(strstr(manifest,
                           "\nvary = policy.apim.retention=1d,3d "
                           "workload.apim.restore_delay=exp(mean=2h),lognormal(median=1h, sigma=1)\n"));
    assert_non_null(strstr(manifest, "\nseed = 2\nreplications = 1\n"));
    free(manifest);
    retsim_sweep_destroy(s);
    retsim_scenario_destroy(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sweep_vary_values_keep_commas_inside_parentheses),
        cmocka_unit_test(test_sweep_vary_bad_specs_say_what_is_wrong),
        cmocka_unit_test(test_sweep_refuses_a_grid_it_cannot_run),
        cmocka_unit_test(test_sweep_first_vary_is_slowest),
        cmocka_unit_test(test_sweep_points_share_replication_seeds),
        cmocka_unit_test(test_sweep_write_names_each_point),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
