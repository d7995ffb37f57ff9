/* The paired comparison on hand-made replications: the mean of B - A, its
 * Student-t interval worked by hand (the t quantile from GSL), the relative
 * change, and which replications make a pair. */
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

#define METRIC RETSIM_M_COST_TOTAL

/* An experiment of n finished replications whose one row ("apim") holds
 * x[r] as METRIC. */
static retsim_experiment *made(const double *x, uint32_t n)
{
    retsim_experiment *e = calloc(1, sizeof *e);
    assert_non_null(e);
    e->reps = calloc(n, sizeof *e->reps);
    assert_non_null(e->reps);
    e->n = e->completed = n;
    e->seed = 1;
    for (uint32_t r = 0; r < n; r++) {
        e->reps[r].done = true;
        e->reps[r].summary.n_rows = 1;
        snprintf(e->reps[r].summary.kind[0], sizeof e->reps[r].summary.kind[0], "apim");
        snprintf(e->reps[r].summary.currency, sizeof e->reps[r].summary.currency, "USD");
        for (int m = 0; m < RETSIM_M_COUNT; m++) {
            e->reps[r].summary.value[0][m] = x[r];
        }
    }
    return e;
}

static void unmade(retsim_experiment *e)
{
    free(e->reps);
    free(e);
}

/* A = 10 12 14 16, B = 11 15 14 20: B - A = 1 3 0 4, mean 2; deviations
 * -1 1 -2 2, sum of squares 10, sd sqrt(10/3); half width t(0.975, 3) *
 * sd / sqrt(4), about 3.182 * 0.913 = 2.905: [-0.905, 4.905] holds 0. A's
 * mean is 13, so the change is 200/13 = 15.38% of A. */
static void test_compare_mean_difference_and_its_interval(void **state)
{
    (void)state;
    const double xa[] = {10, 12, 14, 16}, xb[] = {11, 15, 14, 20};
    retsim_experiment *a = made(xa, 4), *b = made(xb, 4);
    retsim_paired p = retsim_compare_metric(a, b, 0, METRIC);
    double half = gsl_cdf_tdist_Pinv(0.975, 3) * sqrt(10.0 / 3) / 2;
    assert_int_equal(p.diff.n, 4);
    assert_float_equal(p.a.mean, 13, 1e-12);
    assert_float_equal(p.b.mean, 15, 1e-12);
    assert_float_equal(p.diff.mean, 2, 1e-12);
    assert_float_equal(p.diff.sd, sqrt(10.0 / 3), 1e-12);
    assert_float_equal(p.diff.low, 2 - half, 1e-12);
    assert_float_equal(p.diff.high, 2 + half, 1e-12);
    assert_float_equal(half, 2.905, 1e-3); /* the quantile is the two-sided 95% one: 3.182 */
    assert_false(p.significant);
    assert_float_equal(p.rel_pct, 200.0 / 13, 1e-12);
    assert_float_equal(p.rel_low_pct, 100 * (2 - half) / 13, 1e-12);
    assert_float_equal(p.rel_high_pct, 100 * (2 + half) / 13, 1e-12);
    /* the other way round: the same interval, negated; relative to B's mean 15 */
    retsim_paired q = retsim_compare_metric(b, a, 0, METRIC);
    assert_float_equal(q.diff.low, -2 - half, 1e-12);
    assert_float_equal(q.rel_pct, -200.0 / 15, 1e-12);
    unmade(a);
    unmade(b);
}

/* Pairing is what makes a small steady effect clear: B = A + 2 3 2 3 has
 * mean 2.5 and sd sqrt(1/3), half width t(0.975, 3) * sqrt(1/3) / 2, about
 * 0.919, so [1.58, 3.42] excludes 0 although A alone spreads over 10..16. */
static void test_compare_a_steady_difference_is_significant(void **state)
{
    (void)state;
    const double xa[] = {10, 12, 14, 16}, xb[] = {12, 15, 16, 19};
    retsim_experiment *a = made(xa, 4), *b = made(xb, 4);
    retsim_paired p = retsim_compare_metric(a, b, 0, METRIC);
    double half = gsl_cdf_tdist_Pinv(0.975, 3) * sqrt(1.0 / 3) / 2;
    assert_float_equal(p.diff.mean, 2.5, 1e-12);
    assert_float_equal(p.diff.low, 2.5 - half, 1e-12);
    assert_float_equal(p.diff.low, 1.581, 1e-3);
    assert_true(p.significant);
    unmade(a);
    unmade(b);
}

/* Only replications finished on both sides pair: with B's fourth not done
 * (or B one replication short) the pairs are 1 3 0: mean 4/3, deviations
 * -1/3 5/3 -4/3, sum of squares 42/9, sd sqrt(7/3), t(0.975, 2). A
 * non-finite value leaves its pair out of the difference only. */
static void test_compare_pairs_only(void **state)
{
    (void)state;
    const double xa[] = {10, 12, 14, 16}, xb[] = {11, 15, 14, 20};
    retsim_experiment *a = made(xa, 4), *b = made(xb, 4);
    b->reps[3].done = false;
    double half = gsl_cdf_tdist_Pinv(0.975, 2) * sqrt(7.0 / 3) / sqrt(3);
    for (int shorter = 0; shorter < 2; shorter++) {
        b->n = shorter ? 3 : 4;
        retsim_paired p = retsim_compare_metric(a, b, 0, METRIC);
        assert_int_equal(p.diff.n, 3);
        assert_int_equal(p.a.n, 3);
        assert_float_equal(p.a.mean, 12, 1e-12); /* A's fourth is left out too */
        assert_float_equal(p.diff.mean, 4.0 / 3, 1e-12);
        assert_float_equal(p.diff.high, 4.0 / 3 + half, 1e-12);
    }
    b->n = 4;
    b->reps[3].done = true;
    b->reps[1].summary.value[0][METRIC] = NAN;
    retsim_paired p = retsim_compare_metric(a, b, 0, METRIC);
    assert_int_equal(p.diff.n, 3); /* 1 0 4 */
    assert_float_equal(p.diff.mean, 5.0 / 3, 1e-12);
    assert_int_equal(p.a.n, 4);
    assert_int_equal(p.b.n, 3);
    unmade(a);
    unmade(b);
}

/* A change relative to nothing has no size; one pair has no interval. */
static void test_compare_no_relative_change_from_zero(void **state)
{
    (void)state;
    const double xa[] = {-1, 1}, xb[] = {1, 2};
    retsim_experiment *a = made(xa, 2), *b = made(xb, 2);
    retsim_paired p = retsim_compare_metric(a, b, 0, METRIC);
    assert_float_equal(p.diff.mean, 1.5, 1e-12);
    assert_true(isnan(p.rel_pct) && isnan(p.rel_low_pct) && isnan(p.rel_high_pct));
    a->n = 1;
    p = retsim_compare_metric(a, b, 0, METRIC);
    assert_int_equal(p.diff.n, 1);
    assert_float_equal(p.diff.mean, 2, 1e-12);
    assert_true(isnan(p.diff.low) && isnan(p.diff.high));
    assert_false(p.significant);
    assert_float_equal(p.rel_pct, 200, 1e-12); /* 2 relative to |-1| */
    unmade(a);
    unmade(b);
}

/* Two sides that resolve to the same scenario are refused before anything
 * runs: writing out a default (retention is 48h already) is no change. */
static void test_compare_same_sides_are_refused(void **state)
{
    (void)state;
    retsim_scenario *sc = load("[policy.apim]\nretention = 48h\n[simulation]\nhorizon = 10d\n");
    const char *sa[] = {"policy.apim.retention=48h"};
    const char *sb[] = {"policy.apim.retention=2d"};
    retsim_experiment_options o = {.seed = 1, .replications = 2, .jobs = 1};
    retsim_experiment *a = NULL, *b = NULL;
    retsim_error err;
    retsim_error_clear(&err);
    assert_int_equal(retsim_compare_run(sc, sa, 1, sb, 1, &o, &a, &b, &err), RETSIM_EINPUT);
    assert_null(a);
    assert_null(b);
    assert_non_null(strstr(err.msg, "same scenario"));
    retsim_scenario_destroy(sc);
}

/* Unpaired, equal sizes and spreads: A = 1 2 3, B = 4 5 6. Each variance is
 * 1, so each squared standard error 1/3, se = sqrt(2/3); Welch's degrees of
 * freedom (2/3)^2 / (2 (1/3)^2 / 2) = 4, as the pooled t test has. The
 * quantile t(0.975, 4) = 2.776445 from a printed table: B - A = 3, half width
 * 2.776445 * 0.816497 = 2.266958, [0.733042, 5.266958] excludes 0. */
static void test_compare_unpaired_welch_equal_spreads(void **state)
{
    (void)state;
    const double xa[] = {1, 2, 3}, xb[] = {4, 5, 6};
    retsim_experiment *a = made(xa, 3), *b = made(xb, 3);
    retsim_paired p = retsim_compare_metric_unpaired(a, b, 0, METRIC);
    assert_int_equal(p.diff.n, 3);
    assert_float_equal(p.a.mean, 2, 1e-12);
    assert_float_equal(p.b.mean, 5, 1e-12);
    assert_float_equal(p.diff.mean, 3, 1e-12);
    assert_float_equal(p.diff.low, 0.733042, 1e-5);
    assert_float_equal(p.diff.high, 5.266958, 1e-5);
    assert_true(p.significant);
    assert_float_equal(p.rel_pct, 150, 1e-9); /* 3 of A's 2 */
    unmade(a);
    unmade(b);
}

/* Unpaired, unequal sizes and spreads (no pairs exist: 2 against 5): A = 0 2
 * (mean 1, variance 2, squared se 1), B = 0 0 0 0 10 (mean 2, variance 20,
 * squared se 4). se = sqrt 5 = 2.236068; degrees of freedom 25 / (1/1 +
 * 16/4) = 5, t(0.975, 5) = 2.570582 (table): half width 5.748001, B - A = 1
 * in [-4.748001, 6.748001]: no clear difference. */
static void test_compare_unpaired_welch_unequal(void **state)
{
    (void)state;
    const double xa[] = {0, 2}, xb[] = {0, 0, 0, 0, 10};
    retsim_experiment *a = made(xa, 2), *b = made(xb, 5);
    retsim_paired p = retsim_compare_metric_unpaired(a, b, 0, METRIC);
    assert_int_equal(p.a.n, 2);
    assert_int_equal(p.b.n, 5);
    assert_int_equal(p.diff.n, 2);
    assert_float_equal(p.diff.mean, 1, 1e-12);
    assert_float_equal(p.diff.low, -4.748001, 1e-5);
    assert_float_equal(p.diff.high, 6.748001, 1e-5);
    assert_false(p.significant);
    /* the paired form would pair only the first two replications */
    assert_int_equal(retsim_compare_metric(a, b, 0, METRIC).diff.n, 2);
    unmade(a);
    unmade(b);
}

/* Folders compared unpaired must model the same kinds in the same order,
 * with one currency and 2 replications a side; the seeds may differ. */
static void test_compare_unpaired_needs_same_kinds(void **state)
{
    (void)state;
    const double x[] = {1, 2, 3};
    retsim_experiment *a = made(x, 3), *b = made(x, 3), *one = made(x, 1);
    retsim_error err;
    b->seed = 99;
    retsim_error_clear(&err);
    assert_int_equal(retsim_compare_unpaired_ok("A", a, "B", b, &err), 0);
    assert_int_equal(retsim_compare_unpaired_ok("A", a, "ONE", one, &err), RETSIM_EINPUT);
    assert_non_null(strstr(err.file, "ONE"));
    for (uint32_t r = 0; r < b->n; r++) {
        snprintf(b->reps[r].summary.kind[0], sizeof b->reps[r].summary.kind[0], "key_vault");
    }
    retsim_error_clear(&err);
    assert_int_equal(retsim_compare_unpaired_ok("A", a, "B", b, &err), RETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "key_vault"));
    for (uint32_t r = 0; r < b->n; r++) {
        snprintf(b->reps[r].summary.kind[0], sizeof b->reps[r].summary.kind[0], "apim");
        snprintf(b->reps[r].summary.currency, sizeof b->reps[r].summary.currency, "EUR");
    }
    retsim_error_clear(&err);
    assert_int_equal(retsim_compare_unpaired_ok("A", a, "B", b, &err), RETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "EUR"));
    unmade(a);
    unmade(b);
    unmade(one);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compare_mean_difference_and_its_interval),
        cmocka_unit_test(test_compare_a_steady_difference_is_significant),
        cmocka_unit_test(test_compare_pairs_only),
        cmocka_unit_test(test_compare_no_relative_change_from_zero),
        cmocka_unit_test(test_compare_same_sides_are_refused),
        cmocka_unit_test(test_compare_unpaired_welch_equal_spreads),
        cmocka_unit_test(test_compare_unpaired_welch_unequal),
        cmocka_unit_test(test_compare_unpaired_needs_same_kinds),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
