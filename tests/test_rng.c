/* Keyed streams: reproducible, independent of the order draws are made in,
 * different per key, and usable by every gsl_ran_* function. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <gsl/gsl_randist.h>
#include <math.h>

#include "retsim/rng.h"

static void test_rng_draws_do_not_depend_on_order(void **state)
{
    (void)state;
    retsim_rng *a = retsim_rng_create(7, 3), *b = retsim_rng_create(7, 3);
    double forward[100], backward[100];
    for (int i = 0; i < 100; i++) {
        forward[i] = retsim_rng_uniform(a, 5, (uint64_t)i, 0);
    }
    for (int i = 99; i >= 0; i--) {
        (void)retsim_rng_uniform(b, 6, 999, (uint64_t)i); /* other draws in between change nothing */
        backward[i] = retsim_rng_uniform(b, 5, (uint64_t)i, 0);
    }
    for (int i = 0; i < 100; i++) {
        assert_true(forward[i] == backward[i]);
    }
    /* another replication, source, entity or draw: another number */
    retsim_rng *c = retsim_rng_create(7, 4);
    assert_true(retsim_rng_uniform(c, 5, 0, 0) != forward[0]);
    assert_true(retsim_rng_uniform(a, 4, 0, 0) != forward[0]);
    assert_true(retsim_rng_uniform(a, 5, 0, 1) != forward[0]);
    retsim_rng_destroy(a);
    retsim_rng_destroy(b);
    retsim_rng_destroy(c);
}

/* Uniform on [0, 1): mean 1/2 and variance 1/12 within 5 standard errors, and
 * a chi-square over 16 cells below the 99.9th percentile of chi2(15) (37.7). */
static void test_rng_is_uniform(void **state)
{
    (void)state;
    retsim_rng *r = retsim_rng_create(1, 0);
    enum { N = 400000, CELLS = 16 };
    double sum = 0, sum_sq = 0;
    long cell[CELLS] = {0};
    for (uint64_t k = 0; k < N; k++) {
        double u = retsim_rng_uniform(r, 1, k / 7, k % 7);
        assert_true(u >= 0 && u < 1);
        sum += u;
        sum_sq += u * u;
        cell[(int)(u * CELLS)]++;
    }
    double mean = sum / N, var = sum_sq / N - mean * mean;
    assert_true(fabs(mean - 0.5) < 5 * sqrt(1.0 / 12 / N));
    assert_true(fabs(var - 1.0 / 12) < 0.002);
    double chi = 0, expect = (double)N / CELLS;
    for (int c = 0; c < CELLS; c++) {
        chi += (cell[c] - expect) * (cell[c] - expect) / expect;
    }
    assert_true(chi < 37.7);
    /* a gsl_ran_* distribution on one stream: Poisson(4) has mean 4 */
    gsl_rng *g = retsim_rng_stream(r, 2, 0, 0);
    double psum = 0;
    for (int k = 0; k < 100000; k++) {
        psum += gsl_ran_poisson(g, 4.0);
    }
    assert_true(fabs(psum / 100000 - 4.0) < 5 * sqrt(4.0 / 100000));
    retsim_rng_destroy(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rng_draws_do_not_depend_on_order),
        cmocka_unit_test(test_rng_is_uniform),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
