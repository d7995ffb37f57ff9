/* MSER-5 on synthetic series whose truncation point is known by construction. */
#include "retsim/error.h"
#include "retsim/warmup.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>

/* x_i = i for i < ramp, then level +1, -1, +1, ... : batch means of the
 * steady part alternate level +- 0.2 (a batch of 5 starts on +1 or -1). */
static double *ramp_then_level(size_t n, size_t ramp, double level)
{
    double *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++) {
        x[i] = i < ramp ? (double)i : level + (i % 2 == 0 ? 1 : -1);
    }
    return x;
}

static void test_warmup_ramp_then_constant(void **state)
{
    (void)state;
    /* 500 samples, 100 batches; the ramp fills samples 0..99 = batches 0..19.
     * Dropping d >= 20 batches leaves only the +-0.2 alternation, whose
     * MSER(d) = 0.04 / (100 - d) is smallest at d = 20; d = 19 keeps a batch
     * mean of 97, three below the level, and costs more than it saves. */
    double *x = ramp_then_level(500, 100, 100);
    retsim_mser m;
    assert_int_equal(retsim_warmup_mser(x, 500, RETSIM_MSER_BATCH, &m), 0);
    assert_int_equal(m.batches, 100);
    assert_int_equal(m.d, 20);
    assert_int_equal(m.truncate, 100);
    assert_false(m.at_limit);
    assert_float_equal(m.statistic, 80 * 0.04 / (80.0 * 80.0), 1e-12);
    free(x);
}

static void test_warmup_steady_from_the_start(void **state)
{
    (void)state;
    double *x = ramp_then_level(500, 0, 7);
    retsim_mser m;
    assert_int_equal(retsim_warmup_mser(x, 500, RETSIM_MSER_BATCH, &m), 0);
    assert_int_equal(m.truncate, 0);
    free(x);
    const double flat[10] = {3, 3, 3, 3, 3, 3, 3, 3, 3, 3}; /* every MSER(d) is 0: the earliest wins */
    assert_int_equal(retsim_warmup_mser(flat, 10, RETSIM_MSER_BATCH, &m), 0);
    assert_int_equal(m.d, 0);
}

static void test_warmup_still_climbing_hits_the_limit(void **state)
{
    (void)state;
    /* a ramp to the end: MSER(d) grows with the batches left, so it is smallest at d = k / 2 */
    double *x = ramp_then_level(503, 503, 0);
    retsim_mser m;
    assert_int_equal(retsim_warmup_mser(x, 503, RETSIM_MSER_BATCH, &m), 0);
    assert_int_equal(m.batches, 100); /* the 3 samples of a partial batch are left out */
    assert_int_equal(m.d, 50);
    assert_true(m.at_limit);
    free(x);
}

static void test_warmup_too_short(void **state)
{
    (void)state;
    const double x[9] = {0};
    retsim_mser m;
    assert_int_equal(retsim_warmup_mser(x, 9, RETSIM_MSER_BATCH, &m), RETSIM_EINPUT);
    assert_int_equal(retsim_warmup_mser(x, 9, 0, &m), RETSIM_EINPUT);
}

static void test_warmup_series_grows_and_keeps_rows_apart(void **state)
{
    (void)state;
    retsim_warmup_series s = {0};
    double *x = ramp_then_level(1000, 300, 300); /* more samples than the first allocation */
    for (size_t i = 0; i < 1000; i++) {
        double v[2] = {x[i], i < 100 ? (double)i : 100};
        assert_int_equal(retsim_warmup_series_add(&s, 2, v), 0);
    }
    retsim_mser a, b;
    assert_int_equal(retsim_warmup_series_mser5(&s, 0, &a), 0);
    assert_int_equal(retsim_warmup_series_mser5(&s, 1, &b), 0);
    assert_int_equal(a.truncate, 300);
    assert_int_equal(b.truncate, 100);
    assert_int_equal(retsim_warmup_series_mser5(&s, 2, &b), RETSIM_EINPUT);
    retsim_warmup_series_free(&s);
    retsim_warmup_series_free(NULL);
    assert_int_equal(s.n, 0);
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_warmup_ramp_then_constant),
        cmocka_unit_test(test_warmup_steady_from_the_start),
        cmocka_unit_test(test_warmup_still_climbing_hits_the_limit),
        cmocka_unit_test(test_warmup_too_short),
        cmocka_unit_test(test_warmup_series_grows_and_keeps_rows_apart),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
