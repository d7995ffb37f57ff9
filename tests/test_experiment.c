/* Replications, confidence intervals, sweeps and paired comparisons. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "retsim/compare.h"
#include "retsim/sweep.h"

static const char apim[] =
    "[scenario]\nname = t\n"
    "[policy.apim]\nretention = 48h\nreuse_after_purge = owner_subscription\n"
    "reservation = 7d\nreplicas_active = 1\nreplicas_soft_deleted = 1\nprice_per_replica_hour = 0.1\n"
    "[simulation]\nhorizon = 90d\nsample_every = 10d\n"
    "[population]\nsubscriptions = 40\n"
    "[workload.apim]\narrivals = 40/d\nlifetime = lognormal(median=20d, sigma=1)\n"
    "accidental_deletes = 1/60d\nnotice_probability = 0.9\n"
    "restore_delay = lognormal(median=24h, sigma=1)\npurge_probability = 0.2\n"
    "purge_delay = exp(mean=2h)\nrecreate_probability = 0.3\nrecreate_delay = exp(mean=1h)\n"
    "retry_interval = 6h\nretry_limit = 3\n";

static retsim_experiment *run(const retsim_scenario *sc, uint64_t seed, uint32_t n, int jobs, bool rows)
{
    retsim_experiment_options o = {.seed = seed, .replications = n, .jobs = jobs, .keep_rows = rows};
    retsim_experiment *e = NULL;
    retsim_error err;
    retsim_error_clear(&err);
    if (retsim_experiment_run(sc, &o, &e, &err) != 0) {
        fail_msg("experiment: %s", err.msg);
    }
    return e;
}

static void test_experiment_results_do_not_depend_on_jobs(void **state)
{
    (void)state;
    retsim_scenario *sc = load(apim);
    retsim_experiment *e1 = run(sc, 7, 6, 1, true), *e2 = run(sc, 7, 6, 2, true),
                      *e4 = run(sc, 7, 6, 4, true);
    for (uint32_t r = 0; r < 6; r++) {
        assert_true(e1->reps[r].done && e2->reps[r].done && e4->reps[r].done);
        assert_memory_equal(&e1->reps[r].summary, &e2->reps[r].summary, sizeof(retsim_summary));
        assert_memory_equal(&e1->reps[r].summary, &e4->reps[r].summary, sizeof(retsim_summary));
        assert_string_equal(e1->reps[r].timeseries, e4->reps[r].timeseries);
        assert_string_equal(e1->reps[r].outcomes, e2->reps[r].outcomes);
    }
    /* replications are independent draws: not all the same */
    assert_true(e1->reps[0].summary.value[0][RETSIM_M_CREATES] !=
                e1->reps[1].summary.value[0][RETSIM_M_CREATES]);
    retsim_experiment_destroy(e1);
    retsim_experiment_destroy(e2);
    retsim_experiment_destroy(e4);
    retsim_scenario_destroy(sc);
}

/* Mean, sd and the Student-t interval against numbers from the formula:
 * x = 1..5: mean 3, sd sqrt(2.5), t(0.975; 4) = 2.7764451051977987. */
static void test_experiment_ci_by_hand(void **state)
{
    (void)state;
    double x[] = {1, 2, NAN, 3, 4, 5};
    retsim_ci ci = retsim_ci_of(x, 6);
    double half = 2.7764451051977987 * sqrt(2.5) / sqrt(5.0);
    assert_int_equal(ci.n, 5);
    assert_true(fabs(ci.mean - 3) < 1e-12);
    assert_true(fabs(ci.sd - sqrt(2.5)) < 1e-12);
    assert_true(fabs(ci.low - (3 - half)) < 1e-9 && fabs(ci.high - (3 + half)) < 1e-9);
    double one[] = {4};
    retsim_ci c1 = retsim_ci_of(one, 1);
    assert_true(c1.n == 1 && c1.mean == 4 && isnan(c1.low) && isnan(c1.sd));
}

/* The 95% CI of a Poisson count over 5 replications covers the true mean in
 * about 95% of 200 independent trials: Binomial(200, 0.95) has mean 190 and
 * sd 3.08, so anything outside 190 +- 3 sd says the interval is wrong. */
static void test_experiment_ci_covers_the_true_mean(void **state)
{
    (void)state;
    retsim_scenario *sc = load("[policy.x]\n[simulation]\nhorizon = 50d\nsample_every = 50d\n"
                               "[workload.x]\narrivals = 2/d\n");
    const double truth = 100; /* 2/d x 50d */
    int covered = 0, trials = 200;
    for (int t = 0; t < trials; t++) {
        retsim_experiment *e = run(sc, 1000 + (uint64_t)t, 5, 1, false);
        double v[5];
        retsim_ci ci = retsim_ci_of(v, retsim_experiment_values(e, 0, RETSIM_M_CREATES_OK, v));
        covered += ci.low <= truth && truth <= ci.high;
        retsim_experiment_destroy(e);
    }
    double sd = sqrt(trials * 0.95 * 0.05);
    if (fabs(covered - 0.95 * trials) > 3 * sd) {
        fail_msg("covered %d of %d", covered, trials);
    }
    retsim_scenario_destroy(sc);
}

/* Common random numbers at work: the paired CI of B - A is narrower than the
 * unpaired (two independent samples) CI computed from the same runs. */
static void test_experiment_pairing_narrows_the_interval(void **state)
{
    (void)state;
    retsim_scenario *sc = load(apim);
    const char *a_sets[] = {"policy.apim.retention=48h"};
    const char *b_sets[] = {"policy.apim.retention=72h"};
    retsim_experiment_options o = {.seed = 3, .replications = 12, .jobs = 2};
    retsim_experiment *a = NULL, *b = NULL;
    retsim_error err;
    assert_int_equal(retsim_compare_run(sc, a_sets, 1, b_sets, 1, &o, &a, &b, &err), 0);
    static const retsim_metric metrics[] = {RETSIM_M_RECOVERY_RATE, RETSIM_M_DATA_LOSS,
                                            RETSIM_M_COST_RETAINED, RETSIM_M_SOFT_DELETED_AVG};
    for (size_t i = 0; i < sizeof metrics / sizeof metrics[0]; i++) {
        retsim_paired p = retsim_compare_metric(a, b, 0, metrics[i]);
        double n = p.a.n;
        double unpaired =
            gsl_cdf_tdist_Pinv(0.975, 2 * n - 2) * sqrt(p.a.sd * p.a.sd / n + p.b.sd * p.b.sd / n);
        double paired = (p.diff.high - p.diff.low) / 2;
        if (!(paired < unpaired)) {
            fail_msg("%s: paired half-width %g, unpaired %g", retsim_metric_name(metrics[i]), paired,
                     unpaired);
        }
        assert_true(fabs(p.diff.mean - (p.b.mean - p.a.mean)) < 1e-9 * (1 + fabs(p.a.mean)));
    }
    /* longer retention: more recoveries, more retained cost, and the test says so */
    assert_true(retsim_compare_metric(a, b, 0, RETSIM_M_RECOVERY_RATE).significant);
    assert_true(retsim_compare_metric(a, b, 0, RETSIM_M_COST_RETAINED).diff.low > 0);
    retsim_experiment_destroy(a);
    retsim_experiment_destroy(b);
    retsim_scenario_destroy(sc);
}

static void test_experiment_sweep_points_share_the_workload(void **state)
{
    (void)state;
    retsim_scenario *sc = load(apim);
    retsim_vary v[2];
    retsim_error err;
    assert_int_equal(retsim_vary_parse("policy.apim.retention=24h,7d", &v[0], &err), 0);
    assert_int_equal(
        retsim_vary_parse("workload.apim.restore_delay=exp(mean=1d), lognormal(median=1d, sigma=2)", &v[1],
                          &err),
        0);
    assert_int_equal(v[1].n, 2);
    assert_string_equal(v[1].value[1], "lognormal(median=1d, sigma=2)");
    retsim_experiment_options o = {.seed = 5, .replications = 3, .jobs = 2};
    retsim_sweep *s = NULL;
    assert_int_equal(retsim_sweep_run(sc, v, 2, &o, &s, &err), 0);
    assert_int_equal(s->n_points, 4);
    assert_int_equal(s->index[1][0], 0); /* the first key varies slowest */
    assert_int_equal(s->index[1][1], 1);
    assert_int_equal(s->index[2][0], 1);
    for (int p = 1; p < 4; p++) { /* the same names arrive at every point */
        for (uint32_t r = 0; r < 3; r++) {
            const double *x = s->experiments[0]->reps[r].summary.value[0];
            const double *y = s->experiments[p]->reps[r].summary.value[0];
            assert_true(x[RETSIM_M_CREATES_OK] - x[RETSIM_M_RECREATES_OK] ==
                        y[RETSIM_M_CREATES_OK] - y[RETSIM_M_RECREATES_OK]);
        }
    }
    double v0[3], v2[3];
    retsim_ci c0 =
        retsim_ci_of(v0, retsim_experiment_values(s->experiments[0], 0, RETSIM_M_RECOVERY_RATE, v0));
    retsim_ci c2 =
        retsim_ci_of(v2, retsim_experiment_values(s->experiments[2], 0, RETSIM_M_RECOVERY_RATE, v2));
    assert_true(c2.mean > c0.mean); /* 7d recovers more than 24h */
    retsim_sweep_destroy(s);
    /* a bad value fails before anything runs */
    assert_int_equal(retsim_vary_parse("policy.apim.retention=24h,soon", &v[0], &err), 0);
    assert_int_equal(retsim_sweep_run(sc, v, 1, &o, &s, &err), RETSIM_EINPUT);
    assert_int_equal(retsim_vary_parse("policy.apim.retention", &v[0], &err), RETSIM_EUSAGE);
    assert_int_equal(retsim_vary_parse("policy.apim.retention=a,,b", &v[0], &err), RETSIM_EUSAGE);
    retsim_scenario_destroy(sc);
}

static void test_experiment_stop_keeps_what_finished(void **state)
{
    (void)state;
    retsim_scenario *sc = load(apim);
    volatile int stop = 1;
    retsim_experiment_options o = {.seed = 1, .replications = 4, .jobs = 2, .stop = &stop};
    retsim_experiment *e = NULL;
    retsim_error err;
    retsim_error_clear(&err);
    assert_int_equal(retsim_experiment_run(sc, &o, &e, &err), RETSIM_EINTR);
    assert_non_null(e);
    assert_int_equal(e->completed, 0);
    assert_non_null(strstr(err.msg, "0 of 4"));
    retsim_experiment_destroy(e);
    retsim_scenario_destroy(sc);
}

/* What the progress callback saw of an experiment. */
typedef struct tally {
    int calls, finished_calls;
    bool in_order; /* done went 1, 2, ..., n, then the finished call repeated n */
    retsim_progress last;
} tally;

static void on_progress(void *ctx, const retsim_progress *p)
{
    tally *t = ctx; /* no lock here: the experiment calls one at a time */
    uint32_t want = p->finished ? (uint32_t)t->calls : (uint32_t)t->calls + 1;
    if (t->finished_calls > 0 || p->done != want || p->wall_seconds < t->last.wall_seconds) {
        t->in_order = false;
    }
    t->calls++;
    t->finished_calls += p->finished;
    t->last = *p;
}

/* One call per finished replication, counting up to n of n, and a last one;
 * the events are the replications' own; the results are those without progress. */
static void test_experiment_progress_counts_to_n_of_n(void **state)
{
    (void)state;
    retsim_scenario *sc = load(apim);
    tally t = {.in_order = true};
    retsim_experiment_options o = {.seed = 7,
                                   .replications = 5,
                                   .jobs = 2,
                                   .keep_rows = true,
                                   .progress = on_progress,
                                   .progress_ctx = &t};
    retsim_experiment *e = NULL;
    retsim_error err;
    retsim_error_clear(&err);
    assert_int_equal(retsim_experiment_run(sc, &o, &e, &err), 0);
    assert_int_equal(t.calls, 5 + 1);
    assert_int_equal(t.finished_calls, 1);
    assert_true(t.in_order);
    assert_true(t.last.finished);
    assert_int_equal(t.last.done, 5);
    assert_int_equal(t.last.total, 5);
    assert_true(t.last.fraction == 1.0);
    uint64_t events = 0;
    for (uint32_t r = 0; r < 5; r++) {
        events += e->reps[r].events;
    }
    assert_int_equal(t.last.events, events);
    retsim_experiment *plain = run(sc, 7, 5, 2, true);
    for (uint32_t r = 0; r < 5; r++) {
        assert_memory_equal(&e->reps[r].summary, &plain->reps[r].summary, sizeof(retsim_summary));
        assert_string_equal(e->reps[r].timeseries, plain->reps[r].timeseries);
        assert_string_equal(e->reps[r].outcomes, plain->reps[r].outcomes);
    }
    retsim_experiment_destroy(plain);
    retsim_experiment_destroy(e);
    retsim_scenario_destroy(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_experiment_results_do_not_depend_on_jobs),
        cmocka_unit_test(test_experiment_ci_by_hand),
        cmocka_unit_test(test_experiment_ci_covers_the_true_mean),
        cmocka_unit_test(test_experiment_pairing_narrows_the_interval),
        cmocka_unit_test(test_experiment_sweep_points_share_the_workload),
        cmocka_unit_test(test_experiment_stop_keeps_what_finished),
        cmocka_unit_test(test_experiment_progress_counts_to_n_of_n),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
