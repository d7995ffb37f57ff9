/* The precision mode: spec parsing, the stopping rule on hand-made
 * replications, and batches on a real scenario. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "retsim/precision.h"

/* Student t quantile t(0.975, 4 degrees of freedom), from a printed table. */
#define T975_4 2.7764

static const char apim[] =
    "[scenario]\nname = t\n"
    "[policy.apim]\nretention = 48h\nreuse_after_purge = owner_subscription\n"
    "reservation = 7d\nreplicas_active = 1\nreplicas_soft_deleted = 1\nprice_per_replica_hour = 0.1\n"
    "[simulation]\nhorizon = 60d\nsample_every = 10d\n"
    "[population]\nsubscriptions = 30\n"
    "[workload.apim]\narrivals = 30/d\nlifetime = lognormal(median=20d, sigma=1)\n"
    "accidental_deletes = 1/60d\nnotice_probability = 0.9\n"
    "restore_delay = lognormal(median=24h, sigma=1)\npurge_probability = 0.2\n"
    "purge_delay = exp(mean=2h)\nrecreate_probability = 0.3\nrecreate_delay = exp(mean=1h)\n"
    "retry_interval = 6h\nretry_limit = 3\n";

/* An experiment of n finished replications with rows rows; metric m of row
 * j in replication r is v[j][r]; every other metric 1. */
static retsim_experiment *made(uint32_t n, int rows, retsim_metric m, const double v[][5])
{
    retsim_experiment *e = calloc(1, sizeof *e);
    assert_non_null(e);
    e->n = n;
    e->completed = n;
    e->reps = calloc(n, sizeof *e->reps);
    assert_non_null(e->reps);
    for (uint32_t r = 0; r < n; r++) {
        e->reps[r].done = true;
        e->reps[r].summary.n_rows = rows;
        for (int j = 0; j < rows; j++) {
            snprintf(e->reps[r].summary.kind[j], RETSIM_KIND_NAME_MAX, "k%d", j);
            for (int k = 0; k < RETSIM_M_COUNT; k++) {
                e->reps[r].summary.value[j][k] = k == (int)m ? v[j][r] : 1.0;
            }
        }
    }
    return e;
}

static retsim_precision_spec spec_of(const char *text)
{
    retsim_precision_spec s;
    retsim_error err;
    retsim_error_clear(&err);
    if (retsim_precision_parse(text, &s, &err) != 0) {
        fail_msg("parse %s: %s", text, err.msg);
    }
    return s;
}

static void test_precision_parse(void **state)
{
    (void)state;
    retsim_precision_spec s = spec_of("recovery_rate=0.01");
    assert_int_equal(s.n, 1);
    assert_int_equal(s.metric[0], RETSIM_M_RECOVERY_RATE);
    assert_float_equal(s.rel[0], 0.01, 1e-15);
    s = spec_of("recovery_rate=1%,cost_total=0.5%");
    assert_int_equal(s.n, 2);
    assert_float_equal(s.rel[0], 0.01, 1e-15);
    assert_int_equal(s.metric[1], RETSIM_M_COST_TOTAL);
    assert_float_equal(s.rel[1], 0.005, 1e-15);
    char buf[128];
    retsim_precision_format(&s, buf, sizeof buf);
    assert_string_equal(buf, "recovery_rate=0.01,cost_total=0.005");
}

static void test_precision_parse_errors(void **state)
{
    (void)state;
    static const char *const bad[] = {"",
                                      "recovery_rate",
                                      "=0.01",
                                      "recovery_rate=",
                                      "recovery_rate=0",
                                      "recovery_rate=-1%",
                                      "recovery_rate=1%x",
                                      "recovery_rate=abc",
                                      "recovery_rate=inf",
                                      "recovery_rate=1%,",
                                      "recovery_rate=1%,recovery_rate=2%",
                                      "no_such_metric_at_all=1%"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        retsim_precision_spec s;
        retsim_error err;
        retsim_error_clear(&err);
        assert_int_equal(retsim_precision_parse(bad[i], &s, &err), RETSIM_EUSAGE);
        assert_string_equal(err.field, "--precision");
    }
    retsim_precision_spec s;
    retsim_error err;
    retsim_error_clear(&err);
    assert_int_equal(retsim_precision_parse("recovery_rat=1%", &s, &err), RETSIM_EUSAGE);
    assert_non_null(strstr(err.msg, "did you mean recovery_rate?"));
}

/* 10, 11, 9, 10, 10: mean 10, sd sqrt(2/4), so the half-width is
 * t(0.975, 4) x sqrt(0.5) / sqrt(5) = 0.8780, 8.78% of the mean. */
static void test_precision_rule_by_hand(void **state)
{
    (void)state;
    const double v[1][5] = {{10, 11, 9, 10, 10}};
    double rel = T975_4 * sqrt(0.5) / sqrt(5.0) / 10.0;
    retsim_experiment *e = made(5, 1, RETSIM_M_RECOVERY_RATE, v);
    retsim_precision_verdict verdict;
    retsim_precision_spec s = spec_of("recovery_rate=9%");
    retsim_precision_judge(e, &s, &verdict);
    assert_true(verdict.met);
    assert_false(verdict.unjudgeable);
    assert_float_equal(verdict.worst[0], rel, 1e-4);
    s = spec_of("recovery_rate=8.5%");
    retsim_precision_judge(e, &s, &verdict);
    assert_false(verdict.met);
    /* a metric that is 1 in every replication has half-width 0: always met */
    s = spec_of("cost_total=1e-9");
    retsim_precision_judge(e, &s, &verdict);
    assert_true(verdict.met);
    assert_float_equal(verdict.worst[0], 0.0, 0.0);
    retsim_experiment_destroy(e);
}

/* Every row must hold: the wider row decides, and names itself. */
static void test_precision_rule_every_row(void **state)
{
    (void)state;
    const double v[2][5] = {{10, 10.1, 9.9, 10, 10}, {10, 11, 9, 10, 10}};
    retsim_experiment *e = made(5, 2, RETSIM_M_DATA_LOSS, v);
    retsim_precision_verdict verdict;
    retsim_precision_spec s = spec_of("data_loss=5%");
    retsim_precision_judge(e, &s, &verdict);
    assert_false(verdict.met); /* row 0 holds (0.88%), row 1 does not (8.78%) */
    assert_int_equal(verdict.worst_row[0], 1);
    s = spec_of("data_loss=10%");
    retsim_precision_judge(e, &s, &verdict);
    assert_true(verdict.met);
    retsim_experiment_destroy(e);
}

/* Mean 0, or all NaN, or a single value: cannot be judged, never met. */
static void test_precision_rule_unjudgeable(void **state)
{
    (void)state;
    const double zero[1][5] = {{-1, 1, -1, 1, 0}};
    const double nan[1][5] = {{NAN, NAN, NAN, NAN, NAN}};
    const double one[1][5] = {{NAN, NAN, 3, NAN, NAN}};
    const double(*cases[])[5] = {zero, nan, one};
    for (size_t i = 0; i < 3; i++) {
        retsim_experiment *e = made(5, 1, RETSIM_M_RECOVERY_RATE, cases[i]);
        retsim_precision_verdict verdict;
        retsim_precision_spec s = spec_of("recovery_rate=1e9");
        retsim_precision_judge(e, &s, &verdict);
        assert_false(verdict.met);
        assert_true(verdict.unjudgeable);
        assert_true(isinf(verdict.worst[0]));
        retsim_experiment_destroy(e);
    }
}

static retsim_experiment *precise(const retsim_scenario *sc, const char *spec, uint32_t batch,
                                  uint32_t ceiling, int jobs, retsim_precision_result *res)
{
    retsim_experiment_options o = {.seed = 11, .jobs = jobs};
    retsim_precision_options po = {.spec = spec_of(spec), .batch = batch, .ceiling = ceiling};
    retsim_experiment *e = NULL;
    retsim_error err;
    retsim_error_clear(&err);
    if (retsim_precision_run(sc, &o, &po, &e, res, &err) != 0) {
        fail_msg("precision: %s", err.msg);
    }
    return e;
}

/* Loose: one batch. Impossible: batches up to the ceiling, the last one cut
 * short, not reached. Either way replication r is the plain run's r. */
static void test_precision_batches_and_ceiling(void **state)
{
    (void)state;
    retsim_scenario *sc = load(apim);
    retsim_precision_result res;
    retsim_experiment *e = precise(sc, "creates=1e6", 4, 50, 2, &res);
    assert_true(res.reached);
    assert_int_equal(res.batches, 1);
    assert_int_equal(res.replications, 4);
    assert_int_equal(e->n, 4);
    assert_int_equal(e->completed, 4);
    retsim_experiment_destroy(e);
    e = precise(sc, "creates=1e-12", 4, 10, 2, &res);
    assert_false(res.reached);
    assert_int_equal(res.batches, 3); /* 4 + 4 + 2 */
    assert_int_equal(res.replications, 10);
    retsim_experiment_options o = {.seed = 11, .replications = 10, .jobs = 1};
    retsim_experiment *plain = NULL;
    retsim_error err;
    assert_int_equal(retsim_experiment_run(sc, &o, &plain, &err), 0);
    for (uint32_t r = 0; r < 10; r++) {
        assert_true(e->reps[r].done);
        assert_memory_equal(&e->reps[r].summary, &plain->reps[r].summary, sizeof(retsim_summary));
    }
    retsim_experiment_destroy(plain);
    retsim_experiment_destroy(e);
    retsim_scenario_destroy(sc);
}

/* The stopping point comes from a plain run's values: the first batch
 * count b where the half-width of replications 0 .. 3b-1 is within REL
 * (not the last batch's, nor the narrowest: the first). Same for 1 or 2 jobs. */
static void test_precision_stops_where_predicted(void **state)
{
    (void)state;
    retsim_scenario *sc = load(apim);
    retsim_experiment_options o = {.seed = 11, .replications = 30, .jobs = 2};
    retsim_experiment *plain = NULL;
    retsim_error err;
    assert_int_equal(retsim_experiment_run(sc, &o, &plain, &err), 0);
    double x[30], rel = 0.0;
    for (uint32_t r = 0; r < 30; r++) {
        x[r] = plain->reps[r].summary.value[0][RETSIM_M_CREATES];
    }
    { /* REL: just above the relative half-width after 5 batches of 3, so it holds by then at last */
        retsim_ci c15 = retsim_ci_of(x, 15), c3 = retsim_ci_of(x, 3);
        rel = 1.001 * (c15.high - c15.low) / 2 / fabs(c15.mean);
        assert_true((c3.high - c3.low) / 2 / fabs(c3.mean) > rel); /* not after the first batch */
    }
    char spec[64];
    snprintf(spec, sizeof spec, "creates=%.17g", rel);
    uint32_t want = 0;
    for (uint32_t b = 1; b * 3 <= 30 && want == 0; b++) {
        retsim_ci c = retsim_ci_of(x, b * 3);
        if ((c.high - c.low) / 2 <= rel * fabs(c.mean)) {
            want = b;
        }
    }
    assert_true(want >= 2 && want <= 5);
    retsim_precision_result r1, r2;
    retsim_experiment *e1 = precise(sc, spec, 3, 30, 1, &r1), *e2 = precise(sc, spec, 3, 30, 2, &r2);
    assert_true(r1.reached);
    assert_int_equal(r1.batches, want);
    assert_int_equal(r1.replications, 3 * want);
    assert_int_equal(r2.replications, r1.replications);
    for (uint32_t r = 0; r < r1.replications; r++) {
        assert_memory_equal(&e1->reps[r].summary, &e2->reps[r].summary, sizeof(retsim_summary));
    }
    retsim_experiment_destroy(e1);
    retsim_experiment_destroy(e2);
    retsim_experiment_destroy(plain);
    retsim_scenario_destroy(sc);
}

/* A stop request before any batch is judged: RETSIM_EINTR, no decision. */
static void test_precision_stop_request(void **state)
{
    (void)state;
    retsim_scenario *sc = load(apim);
    volatile int stop = 1;
    retsim_experiment_options o = {.seed = 1, .jobs = 2, .stop = &stop};
    retsim_precision_options po = {.spec = spec_of("creates=1e-12"), .ceiling = 20};
    retsim_precision_result res;
    retsim_experiment *e = NULL;
    retsim_error err;
    retsim_error_clear(&err);
    assert_int_equal(retsim_precision_run(sc, &o, &po, &e, &res, &err), RETSIM_EINTR);
    assert_true(res.stopped);
    assert_false(res.reached);
    assert_int_equal(res.batches, 0);
    assert_non_null(e);
    assert_int_equal(e->completed, 0);
    retsim_experiment_destroy(e);
    retsim_scenario_destroy(sc);
}

static void test_precision_refuses_shards(void **state)
{
    (void)state;
    retsim_scenario *sc = load(apim);
    retsim_experiment_options o = {.seed = 1, .jobs = 1, .shard_k = 0, .shard_n = 2};
    retsim_precision_options po = {.spec = spec_of("creates=1%")};
    retsim_precision_result res;
    retsim_experiment *e = NULL;
    retsim_error err;
    retsim_error_clear(&err);
    assert_int_equal(retsim_precision_run(sc, &o, &po, &e, &res, &err), RETSIM_EUSAGE);
    assert_null(e);
    retsim_scenario_destroy(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_precision_parse),
        cmocka_unit_test(test_precision_parse_errors),
        cmocka_unit_test(test_precision_rule_by_hand),
        cmocka_unit_test(test_precision_rule_every_row),
        cmocka_unit_test(test_precision_rule_unjudgeable),
        cmocka_unit_test(test_precision_batches_and_ceiling),
        cmocka_unit_test(test_precision_stops_where_predicted),
        cmocka_unit_test(test_precision_stop_request),
        cmocka_unit_test(test_precision_refuses_shards),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
