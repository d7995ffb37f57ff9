/* retsim fit's small statistics (retsim/fit.h): the Wilson interval of a
 * probability, and arrival profiles with their exposure and flatness test. */
#include "retsim/fit.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <string.h>

#define Z95 1.959963984540054

void retsim_fit_prob_of(uint64_t k, uint64_t n, retsim_fit_prob *out)
{
    out->k = k;
    out->n = n;
    if (n == 0) {
        out->p = 0;
        out->lo = 0;
        out->hi = 1;
        return;
    }
    double nn = (double)n;
    double p = (double)k / nn;
    double z2 = Z95 * Z95;
    double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
    double half = Z95 * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / (1 + z2 / nn);
    out->p = p;
    out->lo = fmax(0.0, centre - half);
    out->hi = fmin(1.0, centre + half);
}

void retsim_fit_profile_exposure(retsim_fit_profile *p, int n, int64_t slot_ms, int64_t shift_ms,
                                 int64_t span_ms)
{
    memset(p, 0, sizeof *p);
    p->n = n;
    const double day = 86400000.0;
    int64_t at = shift_ms;
    int64_t end = shift_ms + span_ms;
    while (at < end) {
        int64_t next = (at / slot_ms + 1) * slot_ms; /* the slot's end: shift_ms >= 0 */
        int64_t to = next < end ? next : end;
        p->exposure_days[(at / slot_ms) % n] += (double)(to - at) / day;
        at = to;
    }
}

void retsim_fit_profile_finish(retsim_fit_profile *p)
{
    double total_n = 0;
    double total_e = 0;
    double mean_rate = 0;
    p->ok = true;
    for (int i = 0; i < p->n; i++) {
        p->ok = p->ok && p->exposure_days[i] > 0;
        total_n += (double)p->count[i];
        total_e += p->exposure_days[i];
    }
    p->ok = p->ok && total_n > 0;
    if (!p->ok) {
        return;
    }
    for (int i = 0; i < p->n; i++) {
        mean_rate += (double)p->count[i] / p->exposure_days[i] / p->n;
    }
    p->chi2 = 0;
    /* Bonferroni: each slot's interval at 1 - 0.05 / n, so that all n hold
     * their true weights together with 95% (a profile is one claim) */
    double tail = 0.025 / p->n;
    for (int i = 0; i < p->n; i++) {
        double k = (double)p->count[i];
        double e = p->exposure_days[i] * mean_rate;
        p->weight[i] = k / e;
        /* exact Poisson limits of the count; the mean rate's own error (the
         * other slots' counts) is left out: it is sqrt(n) times smaller, and
         * negatively correlated with the slot's, so this errs wide */
        p->lo[i] = k == 0 ? 0.0 : gsl_cdf_gamma_Pinv(tail, k, 1.0) / e;
        p->hi[i] = gsl_cdf_gamma_Pinv(1 - tail, k + 1.0, 1.0) / e;
        double expected = total_n * p->exposure_days[i] / total_e;
        p->chi2 += (k - expected) * (k - expected) / expected;
    }
    p->p = gsl_cdf_chisq_Q(p->chi2, p->n - 1);
}
