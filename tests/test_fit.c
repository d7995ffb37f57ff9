/* The fits' closed forms: the censored exponential MLE is events / total
 * exposure; the lognormal MLE on uncensored data is the mean and the (1/n)
 * standard deviation of the logs; the gamma MLE against its score equations
 * and a seeded censored sample; the exact Poisson CI against its tables. */
#include "helpers.h"

#include "retsim/fit.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_psi.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void fit(const double *t, const bool *obs, size_t n, retsim_fit_lifetime *out)
{
    retsim_error err;
    retsim_error_clear(&err);
    if (retsim_fit_lifetime_of(t, obs, n, out, &err) != 0) {
        fail_msg("%s", err.msg);
    }
}

/* 3 events over 1+2+3+4+10 = 20 days of exposure: the mean is 20/3 days. */
static void test_exp_censored(void **state)
{
    (void)state;
    const double t[] = {1, 2, 3, 4, 10};
    const bool obs[] = {true, true, false, true, false};
    retsim_fit_lifetime l;
    fit(t, obs, 5, &l);
    assert_int_equal(l.events, 3);
    const retsim_fit_model *m = &l.model[RETSIM_FIT_EXP];
    assert_true(m->ok);
    assert_float_equal(m->p[0], 20.0 / 3.0, 1e-12);
    /* log L = 3 log(3/20) - 3 */
    assert_float_equal(m->loglik, 3 * log(3.0 / 20.0) - 3, 1e-9);
    assert_true(m->lo[0] < m->p[0] && m->p[0] < m->hi[0]);
}

/* Logs 0, 1, 2, 3: mean 1.5, (1/n) sd sqrt(1.25). */
static void test_lognormal_uncensored(void **state)
{
    (void)state;
    const double t[] = {exp(0.0), exp(1.0), exp(2.0), exp(3.0)};
    const bool obs[] = {true, true, true, true};
    retsim_fit_lifetime l;
    fit(t, obs, 4, &l);
    const retsim_fit_model *m = &l.model[RETSIM_FIT_LOGNORMAL];
    assert_true(m->ok);
    assert_float_equal(m->p[0], exp(1.5), 1e-5);
    assert_float_equal(m->p[1], sqrt(1.25), 1e-5);
    /* the observed information of mu is n / sigma^2: se = sigma / 2 */
    assert_float_equal(log(m->hi[0]) - log(m->p[0]), 1.959963984540054 * sqrt(1.25) / 2, 1e-3);
    /* uncensored: KS is the ordinary statistic, here at most 1 */
    assert_true(m->ks > 0 && m->ks <= 1);
}

/* Exact Poisson limits (Garwood): n = 0 over 1 day: 0 to -ln(0.025);
 * n = 10: 4.7954 to 18.3904 (the standard table). */
static void test_poisson_ci(void **state)
{
    (void)state;
    retsim_fit_rate r;
    retsim_error err;
    retsim_error_clear(&err);
    assert_int_equal(retsim_fit_rate_of(0, 1.0, &r, &err), 0);
    assert_float_equal(r.lo, 0.0, 1e-15);
    assert_float_equal(r.hi, -log(0.025), 1e-9);
    assert_int_equal(retsim_fit_rate_of(10, 2.0, &r, &err), 0);
    assert_float_equal(r.per_day, 5.0, 1e-12);
    assert_float_equal(r.lo, 4.7954 / 2, 1e-4);
    assert_float_equal(r.hi, 18.3904 / 2, 1e-4);
    assert_int_equal(retsim_fit_rate_of(10, 0.0, &r, &err), RETSIM_EUSAGE);
}

/* Uncensored gamma: the MLE solves scale = mean / shape and
 * log(shape) - digamma(shape) = log(mean) - mean(log t) (the score equations). */
static void test_gamma_uncensored(void **state)
{
    (void)state;
    const double t[] = {0.5, 1.0, 1.5, 2.0, 3.0, 4.5, 7.0};
    bool obs[7];
    double mean = 0;
    double mlog = 0;
    for (int i = 0; i < 7; i++) {
        obs[i] = true;
        mean += t[i] / 7;
        mlog += log(t[i]) / 7;
    }
    retsim_fit_lifetime l;
    fit(t, obs, 7, &l);
    const retsim_fit_model *m = &l.model[RETSIM_FIT_GAMMA];
    assert_true(m->ok);
    double k = m->p[1];
    assert_float_equal(m->p[0], mean / k, 1e-4 * mean);
    assert_float_equal(log(k) - gsl_sf_psi(k), log(mean) - mlog, 1e-5);
    assert_true(m->lo[1] < k && k < m->hi[1]);
}

/* Censored gamma, seeded: 3000 draws of gamma(shape 2, scale 3 days),
 * censored at 8 days (about 40% censored). The 95% CIs hold the true
 * parameters, not shape 2.3 or scale 3.4 (at n = 3000 the CIs are about
 * +-5% and +-6% wide), and gamma wins by AIC over lognormal. */
static void test_gamma_censored(void **state)
{
    (void)state;
    enum { N = 3000 };
    double *t = malloc(N * sizeof *t);
    bool *obs = malloc(N * sizeof *obs);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(t);
    assert_non_null(obs);
    assert_non_null(r);
    gsl_rng_set(r, 15);
    for (int i = 0; i < N; i++) {
        double x = gsl_ran_gamma(r, 2.0, 3.0);
        obs[i] = x < 8.0;
        t[i] = obs[i] ? x : 8.0;
    }
    retsim_fit_lifetime l;
    fit(t, obs, N, &l);
    const retsim_fit_model *m = &l.model[RETSIM_FIT_GAMMA];
    assert_true(m->ok);
    assert_true(m->lo[1] <= 2.0 && 2.0 <= m->hi[1]);
    assert_true(m->lo[0] <= 3.0 && 3.0 <= m->hi[0]);
    assert_false(m->lo[1] <= 2.3 && 2.3 <= m->hi[1]);
    assert_false(m->lo[0] <= 3.4 && 3.4 <= m->hi[0]);
    assert_true(m->aic < l.model[RETSIM_FIT_LOGNORMAL].aic);
    gsl_rng_free(r);
    free(t);
    free(obs);
}

/* Wilson 95%: 5 of 10 is 0.2366-0.7634, 0 of 20 is 0-0.1611 (the
 * published tables); n = 0 says nothing: 0-1. */
static void test_wilson(void **state)
{
    (void)state;
    retsim_fit_prob p;
    retsim_fit_prob_of(5, 10, &p);
    assert_float_equal(p.p, 0.5, 1e-15);
    assert_float_equal(p.lo, 0.2366, 1e-4);
    assert_float_equal(p.hi, 0.7634, 1e-4);
    retsim_fit_prob_of(0, 20, &p);
    assert_float_equal(p.lo, 0.0, 1e-15);
    assert_float_equal(p.hi, 0.1611, 1e-4);
    retsim_fit_prob_of(0, 0, &p);
    assert_float_equal(p.lo, 0.0, 1e-15);
    assert_float_equal(p.hi, 1.0, 1e-15);
}

/* Exposure: 1.5 days from a Monday 00:00 give Monday 1 day, Tuesday 0.5,
 * the rest none (not estimable); hours 0-11 get 2 hours each, 12-23 one.
 * Starting Sunday 18:00 for 12 hours: Sunday 0.25 day, Monday 0.25. */
static void test_profile_exposure(void **state)
{
    (void)state;
    const int64_t h = 3600000;
    retsim_fit_profile p;
    retsim_fit_profile_exposure(&p, 7, 24 * h, 0, 36 * h);
    assert_float_equal(p.exposure_days[0], 1.0, 1e-12);
    assert_float_equal(p.exposure_days[1], 0.5, 1e-12);
    assert_float_equal(p.exposure_days[2], 0.0, 1e-12);
    p.count[0] = 3;
    retsim_fit_profile_finish(&p);
    assert_false(p.ok);
    retsim_fit_profile_exposure(&p, 24, h, 0, 36 * h);
    assert_float_equal(p.exposure_days[11], 2.0 / 24, 1e-12);
    assert_float_equal(p.exposure_days[12], 1.0 / 24, 1e-12);
    retsim_fit_profile_exposure(&p, 7, 24 * h, 6 * 24 * h + 18 * h, 12 * h);
    assert_float_equal(p.exposure_days[6], 0.25, 1e-12);
    assert_float_equal(p.exposure_days[0], 0.25, 1e-12);
}

/* Counts 10 x 6 and 40 over a day each: expected 100/7 each, so
 * chi-square = 6 (30/7)^2/(100/7) + (180/7)^2/(100/7) = 54 and the weights
 * 0.7 and 2.8. Counts 5 and 10 over 0.5 and 1 day are one rate: flat,
 * chi-square 0, p 1 (the exposure, not the counts alone). */
static void test_profile_chi2(void **state)
{
    (void)state;
    retsim_fit_profile p;
    memset(&p, 0, sizeof p);
    p.n = 7;
    for (int i = 0; i < 7; i++) {
        p.count[i] = i == 6 ? 40 : 10;
        p.exposure_days[i] = 1.0;
    }
    retsim_fit_profile_finish(&p);
    assert_true(p.ok);
    assert_float_equal(p.chi2, 54.0, 1e-9);
    assert_float_equal(p.weight[0], 0.7, 1e-12);
    assert_float_equal(p.weight[6], 2.8, 1e-12);
    assert_true(p.p < 1e-8);
    assert_true(p.lo[6] < 2.8 && 2.8 < p.hi[6]);
    memset(&p, 0, sizeof p);
    p.n = 7;
    for (int i = 0; i < 7; i++) {
        p.count[i] = i == 0 ? 5 : 10;
        p.exposure_days[i] = i == 0 ? 0.5 : 1.0;
    }
    retsim_fit_profile_finish(&p);
    assert_float_equal(p.chi2, 0.0, 1e-12);
    assert_float_equal(p.p, 1.0, 1e-12);
    assert_float_equal(p.weight[0], 1.0, 1e-12);
}

/* A hand-written ISO trace (2026-11-30 was a Monday): a deleted by s1 at
 * 02:00, purged by s1 an hour later and created again by s2 an hour after
 * that; b deleted at 05:00, created again by s1 at 06:00 and, refused,
 * repeated at 12:00 and 18:00. So: 4 new names (Mon Mon Tue Sun; hours 0, 1,
 * 12, 23); purge 1 of 2 deletes, delays 1h; recreate 2 of 2, delays 2h and
 * 1h, 1 of 2 by another subscription; retries: 2 repeats at exactly 6h, the
 * longest run 2 (once). The span is Mon 00:00 to Sun 23:00: Sunday was
 * observed 23 hours, the other days 24. */
static void test_trace_after(void **state)
{
    (void)state;
    static const char trace[] = "time,op,kind,subscription,name\n"
                                "2026-11-30T00:00:00Z,create,apim,s1,a\n"
                                "2026-11-30T01:00:00Z,create,apim,s1,b\n"
                                "2026-11-30T02:00:00Z,delete,apim,s1,a\n"
                                "2026-11-30T03:00:00Z,purge,apim,s1,a\n"
                                "2026-11-30T04:00:00Z,create,apim,s2,a\n"
                                "2026-11-30T05:00:00Z,delete,apim,s1,b\n"
                                "2026-11-30T06:00:00Z,create,apim,s1,b\n"
                                "2026-11-30T12:00:00Z,create,apim,s1,b\n"
                                "2026-11-30T18:00:00Z,create,apim,s1,b\n"
                                "2026-12-01T12:00:00Z,create,apim,s1,c\n"
                                "2026-12-06T23:00:00Z,create,apim,s1,d\n";
    const char *path = put_file("after.csv", trace, sizeof trace - 1);
    retsim_fit_options o = {.kind = NULL};
    retsim_fit_result r;
    retsim_error err;
    retsim_error_clear(&err);
    if (retsim_fit_trace(path, &o, &r, &err) != 0) {
        fail_msg("%s", err.msg);
    }
    assert_int_equal(r.n_kinds, 1);
    const retsim_fit_kind *k = &r.kinds[0];
    assert_int_equal(k->arrivals.n, 4);
    const uint64_t wday[7] = {2, 1, 0, 0, 0, 0, 1};
    for (int i = 0; i < 7; i++) {
        assert_int_equal(k->weekly.count[i], wday[i]);
    }
    assert_float_equal(k->weekly.exposure_days[6], 23.0 / 24, 1e-12);
    assert_float_equal(k->weekly.exposure_days[0], 1.0, 1e-12);
    assert_int_equal(k->daily.count[0] + k->daily.count[1] + k->daily.count[12] + k->daily.count[23], 4);
    assert_int_equal(k->daily.count[12], 1);
    assert_int_equal(k->purge.k, 1);
    assert_int_equal(k->purge.n, 2);
    assert_float_equal(k->purge_window_days, 1.0 / 24, 1e-12);
    assert_int_equal(k->recreate.k, 2);
    assert_int_equal(k->recreate.n, 2);
    assert_float_equal(k->recreate_window_days, 2.0 / 24, 1e-12);
    assert_true(k->has_recreate_delay);
    assert_float_equal(k->recreate_delay.model[RETSIM_FIT_EXP].p[0], 1.5 / 24, 1e-12);
    assert_int_equal(k->recreate_other.k, 1);
    assert_int_equal(k->recreate_other.n, 2);
    assert_true(k->has_retry);
    assert_float_equal(k->retry_interval_days, 0.25, 1e-12);
    assert_int_equal(k->retry_at_interval, 2);
    assert_int_equal(k->retry_repeats, 2);
    assert_int_equal(k->retry_limit, 2);
    assert_int_equal(k->retry_at_limit, 1);
    assert_false(k->has_per_parent);
    retsim_fit_result_free(&r);
}

/* Fewer than 2 events: no fit. */
static void test_too_few(void **state)
{
    (void)state;
    const double t[] = {1, 2};
    const bool obs[] = {true, false};
    retsim_fit_lifetime l;
    retsim_error err;
    retsim_error_clear(&err);
    assert_int_equal(retsim_fit_lifetime_of(t, obs, 2, &l, &err), RETSIM_EINPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exp_censored),     cmocka_unit_test(test_lognormal_uncensored),
        cmocka_unit_test(test_poisson_ci),       cmocka_unit_test(test_too_few),
        cmocka_unit_test(test_gamma_uncensored), cmocka_unit_test(test_gamma_censored),
        cmocka_unit_test(test_wilson),           cmocka_unit_test(test_profile_exposure),
        cmocka_unit_test(test_profile_chi2),     cmocka_unit_test(test_trace_after),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
