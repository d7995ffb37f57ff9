/* Maximum-likelihood lifetime fits with right-censoring (retsim/fit.h):
 * exponential in closed form, lognormal, Weibull and gamma by the GSL simplex, CIs
 * from the observed information, KS against the Kaplan-Meier curve. */
#include "retsim/fit.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_sf_erf.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define Z95       1.959963984540054
#define MIN_DAYS  (1.0 / 86400000.0) /* one millisecond: a zero lifetime has no log */
#define MAX_ITERS 5000

int retsim_fit_rate_of(uint64_t n, double exposure_days, retsim_fit_rate *out, retsim_error *err)
{
    if (!(exposure_days > 0) || !isfinite(exposure_days)) {
        return retsim_error_set(err, RETSIM_EUSAGE, NULL, 0, NULL, "a rate needs a positive exposure");
    }
    double k = (double)n;
    out->n = n;
    out->exposure_days = exposure_days;
    out->per_day = k / exposure_days;
    /* The exact (Garwood) interval: gamma quantiles of the Poisson count. */
    out->lo = n == 0 ? 0.0 : gsl_cdf_gamma_Pinv(0.025, k, 1.0) / exposure_days;
    out->hi = gsl_cdf_gamma_Pinv(0.975, k + 1.0, 1.0) / exposure_days;
    return 0;
}

/* The sample the likelihoods read: logs of the times, and which are events. */
typedef struct sample {
    const double *t;
    const double *logt;
    const bool *obs;
    size_t n;
} sample;

/* -log L of lognormal(mu = v[0], sigma = exp(v[1])). */
static double nll_lognormal(const gsl_vector *v, void *ctx)
{
    const sample *s = ctx;
    double mu = gsl_vector_get(v, 0);
    double ls = gsl_vector_get(v, 1);
    double sigma = exp(ls);
    double sum = 0;
    for (size_t i = 0; i < s->n; i++) {
        double z = (s->logt[i] - mu) / sigma;
        if (s->obs[i]) {
            sum += -s->logt[i] - ls - 0.5 * log(2 * M_PI) - 0.5 * z * z;
        } else {
            sum += gsl_sf_log_erfc(z / M_SQRT2) - M_LN2; /* log P(X > t) */
        }
    }
    return -sum;
}

/* -log L of Weibull(scale = exp(v[0]), shape = exp(v[1])). */
static double nll_weibull(const gsl_vector *v, void *ctx)
{
    const sample *s = ctx;
    double ll = gsl_vector_get(v, 0);
    double lk = gsl_vector_get(v, 1);
    double k = exp(lk);
    double sum = 0;
    for (size_t i = 0; i < s->n; i++) {
        double y = s->logt[i] - ll;
        double u = exp(k * y);
        sum -= u;
        if (s->obs[i]) {
            sum += lk - ll + (k - 1) * y;
        }
    }
    return -sum;
}

/* -log L of gamma(scale = exp(v[0]), shape = exp(v[1])): an event adds the
 * log density, a censored time log Q(shape, t / scale), the upper tail. */
static double nll_gamma(const gsl_vector *v, void *ctx)
{
    const sample *s = ctx;
    double lth = gsl_vector_get(v, 0);
    double k = exp(gsl_vector_get(v, 1));
    if (!(k < 1e6) || !(k > 1e-6)) {
        return HUGE_VAL; /* outside where the special functions are accurate: not a minimum */
    }
    double theta = exp(lth);
    double lg = gsl_sf_lngamma(k);
    double sum = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (s->obs[i]) {
            sum += (k - 1) * s->logt[i] - s->t[i] / theta - k * lth - lg;
        } else {
            gsl_sf_result q;
            /* Q underflows far in the tail: that point is as unlikely as any the simplex avoids */
            if (gsl_sf_gamma_inc_Q_e(k, s->t[i] / theta, &q) != GSL_SUCCESS || !(q.val > 0)) {
                return HUGE_VAL;
            }
            sum += log(q.val);
        }
    }
    return -sum;
}

/* Minimise f from x0 (2 parameters); the minimum goes back in x0. 0 or -1. */
static int minimise(double (*f)(const gsl_vector *, void *), sample *s, double x0[2], double *fmin)
{
    gsl_multimin_function fn = {.f = f, .n = 2, .params = s};
    gsl_vector *x = gsl_vector_alloc(2);
    gsl_vector *step = gsl_vector_alloc(2);
    gsl_multimin_fminimizer *m = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, 2);
    int rc = -1;
    if (x != NULL && step != NULL && m != NULL) {
        gsl_vector_set(x, 0, x0[0]);
        gsl_vector_set(x, 1, x0[1]);
        gsl_vector_set_all(step, 0.3);
        gsl_multimin_fminimizer_set(m, &fn, x, step);
        /* The simplex stops when it is small, or when it can no longer
         * improve (GSL_ENOPROG, as from a start at the minimum): small is
         * what counts. */
        for (int it = 0; it < MAX_ITERS; it++) {
            if (gsl_multimin_fminimizer_iterate(m) != 0 ||
                gsl_multimin_test_size(gsl_multimin_fminimizer_size(m), 1e-9) == GSL_SUCCESS) {
                break;
            }
        }
        rc = gsl_multimin_fminimizer_size(m) < 1e-6 ? 0 : -1;
        x0[0] = gsl_vector_get(m->x, 0);
        x0[1] = gsl_vector_get(m->x, 1);
        *fmin = m->fval;
    }
    gsl_multimin_fminimizer_free(m);
    gsl_vector_free(step);
    gsl_vector_free(x);
    return rc;
}

/* Standard errors of the two parameters at the minimum x of f: the inverse
 * of the observed information (central-difference Hessian). 0 or -1. */
static int std_errors(double (*f)(const gsl_vector *, void *), sample *s, const double x[2], double se[2])
{
    double h = 1e-4;
    double buf[2];
    gsl_vector_view v = gsl_vector_view_array(buf, 2);
    double hess[2][2];
    for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
            double acc = 0;
            for (int a = -1; a <= 1; a += 2) {
                for (int b = -1; b <= 1; b += 2) {
                    buf[0] = x[0] + (i == 0 ? a * h : 0) + (j == 0 ? b * h : 0);
                    buf[1] = x[1] + (i == 1 ? a * h : 0) + (j == 1 ? b * h : 0);
                    acc += a * b * f(&v.vector, s);
                }
            }
            hess[i][j] = acc / (4 * h * h);
        }
    }
    double det = hess[0][0] * hess[1][1] - hess[0][1] * hess[1][0];
    if (!(det > 0) || !(hess[0][0] > 0)) {
        return -1;
    }
    se[0] = sqrt(hess[1][1] / det);
    se[1] = sqrt(hess[0][0] / det);
    return 0;
}

/* A two-parameter family on log-parameters: fit, CIs, AIC. p[0] is exp(x[0])
 * for both (median or scale); p[1] is exp(x[1]) (sigma or shape). */
static void fit_two(retsim_fit_model *m, double (*f)(const gsl_vector *, void *), sample *s, double x0[2])
{
    double fmin = 0;
    double se[2];
    m->n_params = 2;
    m->ok = minimise(f, s, x0, &fmin) == 0 && std_errors(f, s, x0, se) == 0;
    if (!m->ok) {
        return;
    }
    for (int i = 0; i < 2; i++) {
        m->p[i] = exp(x0[i]);
        m->lo[i] = exp(x0[i] - Z95 * se[i]);
        m->hi[i] = exp(x0[i] + Z95 * se[i]);
    }
    m->loglik = -fmin;
    m->aic = 2 * m->n_params - 2 * m->loglik;
}

static void fit_exp(retsim_fit_model *m, const double *t, const bool *obs, size_t n, size_t events)
{
    double exposure = 0;
    for (size_t i = 0; i < n; i++) {
        exposure += t[i];
    }
    /* lambda = events / exposure; log-likelihood d log(lambda) - lambda E. */
    double d = (double)events;
    double mean = exposure / d;
    (void)obs;
    m->n_params = 1;
    m->ok = true;
    m->p[0] = mean;
    m->lo[0] = mean * exp(-Z95 / sqrt(d));
    m->hi[0] = mean * exp(Z95 / sqrt(d));
    m->loglik = -d * log(mean) - d;
    m->aic = 2 * m->n_params - 2 * m->loglik;
}

static double model_cdf(const retsim_fit_model *m, double t)
{
    switch (m->family) {
    case RETSIM_FIT_EXP:
        return -expm1(-t / m->p[0]);
    case RETSIM_FIT_LOGNORMAL:
        return gsl_cdf_lognormal_P(t, log(m->p[0]), m->p[1]);
    case RETSIM_FIT_GAMMA:
        return gsl_cdf_gamma_P(t, m->p[1], m->p[0]);
    default:
        return gsl_cdf_weibull_P(t, m->p[0], m->p[1]);
    }
}

/* An observation for the Kaplan-Meier sort. */
typedef struct obs_t {
    double t;
    bool event;
} obs_t;

static int by_time(const void *a, const void *b)
{
    const obs_t *x = a;
    const obs_t *y = b;
    if (x->t != y->t) {
        return x->t < y->t ? -1 : 1;
    }
    return (int)y->event - (int)x->event; /* events before censorings at a tie: the usual convention */
}

/* sup |F_KM - F| over the KM jumps, on both sides of each. */
static double ks_distance(const retsim_fit_model *m, const obs_t *o, size_t n)
{
    double surv = 1.0;
    double worst = 0;
    size_t at_risk = n;
    size_t i = 0;
    while (i < n) {
        size_t deaths = 0;
        size_t j = i;
        while (j < n && o[j].t == o[i].t) {
            deaths += o[j].event ? 1 : 0;
            j++;
        }
        if (deaths > 0) {
            double f = model_cdf(m, o[i].t);
            double before = 1.0 - surv;
            surv *= 1.0 - (double)deaths / (double)at_risk;
            double after = 1.0 - surv;
            worst = fmax(worst, fmax(fabs(before - f), fabs(after - f)));
        }
        at_risk -= j - i;
        i = j;
    }
    return worst;
}

/* The gamma's start: the events' moments (shape mean^2 / var, scale var / mean). */
static void gamma_start(const double *t, const bool *obs, size_t n, double x[2])
{
    double s = 0;
    double ss = 0;
    double k = 0;
    for (size_t i = 0; i < n; i++) {
        if (obs[i]) {
            s += t[i];
            ss += t[i] * t[i];
            k += 1;
        }
    }
    double mean = s / k;
    double var = ss / k - mean * mean;
    if (!(var > 1e-12 * mean * mean)) {
        var = 1e-4 * mean * mean;
    }
    x[0] = log(var / mean);
    x[1] = log(mean * mean / var);
}

/* Starting points from the events' logs: mean and sd. */
static void log_moments(const double *logt, const bool *obs, size_t n, double *mean, double *sd)
{
    double s = 0;
    double ss = 0;
    double k = 0;
    for (size_t i = 0; i < n; i++) {
        if (obs[i]) {
            s += logt[i];
            ss += logt[i] * logt[i];
            k += 1;
        }
    }
    *mean = s / k;
    double var = ss / k - *mean * *mean;
    *sd = var > 1e-4 ? sqrt(var) : 0.01;
}

static void fit_all(retsim_fit_lifetime *out, const double *t, const double *logt, const bool *observed,
                    obs_t *sorted)
{
    size_t n = out->n;
    sample s = {t, logt, observed, n};
    double mean = 0;
    double sd = 0;
    log_moments(logt, observed, n, &mean, &sd);
    out->model[RETSIM_FIT_EXP].family = RETSIM_FIT_EXP;
    fit_exp(&out->model[RETSIM_FIT_EXP], t, observed, n, out->events);
    out->model[RETSIM_FIT_LOGNORMAL].family = RETSIM_FIT_LOGNORMAL;
    double x_ln[2] = {mean, log(sd)};
    fit_two(&out->model[RETSIM_FIT_LOGNORMAL], nll_lognormal, &s, x_ln);
    out->model[RETSIM_FIT_WEIBULL].family = RETSIM_FIT_WEIBULL;
    double x_wb[2] = {mean + 0.5 * sd, -log(sd > 0.1 ? sd : 0.1) + log(1.28)};
    fit_two(&out->model[RETSIM_FIT_WEIBULL], nll_weibull, &s, x_wb);
    out->model[RETSIM_FIT_GAMMA].family = RETSIM_FIT_GAMMA;
    double x_gm[2];
    gamma_start(t, observed, n, x_gm);
    fit_two(&out->model[RETSIM_FIT_GAMMA], nll_gamma, &s, x_gm);
    qsort(sorted, n, sizeof sorted[0], by_time);
    out->best = -1;
    for (int f = 0; f < RETSIM_FIT_FAMILIES; f++) {
        retsim_fit_model *m = &out->model[f];
        if (!m->ok) {
            continue;
        }
        m->ks = ks_distance(m, sorted, n);
        if (out->best < 0 || m->aic < out->model[out->best].aic) {
            out->best = f;
        }
    }
}

int retsim_fit_lifetime_of(const double *t_days, const bool *observed, size_t n, retsim_fit_lifetime *out,
                           retsim_error *err)
{
    memset(out, 0, sizeof *out);
    out->n = n;
    for (size_t i = 0; i < n; i++) {
        out->events += observed[i] ? 1 : 0;
    }
    if (out->events < 2) {
        return retsim_error_set(err, RETSIM_EINPUT, NULL, 0, "lifetime",
                                "a lifetime fit needs at least 2 deletes, got %zu", out->events);
    }
    double *t = malloc(n * sizeof *t);
    double *logt = malloc(n * sizeof *logt);
    obs_t *sorted = malloc(n * sizeof *sorted);
    if (t == NULL || logt == NULL || sorted == NULL) {
        free(t);
        free(logt);
        free(sorted);
        return retsim_error_set(err, RETSIM_ENOMEM, NULL, 0, NULL, "out of memory fitting %zu lifetimes", n);
    }
    for (size_t i = 0; i < n; i++) {
        t[i] = t_days[i] > MIN_DAYS ? t_days[i] : MIN_DAYS;
        logt[i] = log(t[i]);
        sorted[i] = (obs_t){t[i], observed[i]};
    }
    fit_all(out, t, logt, observed, sorted);
    free(t);
    free(logt);
    free(sorted);
    return 0;
}
