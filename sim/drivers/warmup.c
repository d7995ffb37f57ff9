/* MSER-5 truncation point, and the samples it is computed from. */
#include "retsim/warmup.h"

#include "retsim/error.h"

#include <stdlib.h>
#include <string.h>

int retsim_warmup_mser(const double *x, size_t n, size_t batch, retsim_mser *out)
{
    memset(out, 0, sizeof *out);
    size_t k = batch > 0 ? n / batch : 0;
    if (k < 2) {
        return RETSIM_EINPUT;
    }
    out->batches = k;
    size_t limit = k / 2;
    /* Walk d from the last batch back to 0, keeping the mean and the sum of
     * squared deviations of batches d..k-1 (Welford, added from the end). */
    double mean = 0, m2 = 0, best = 0;
    for (size_t j = k; j-- > 0;) {
        double z = 0;
        for (size_t i = 0; i < batch; i++) {
            z += x[j * batch + i];
        }
        z /= (double)batch;
        size_t m = k - j;
        double delta = z - mean;
        mean += delta / (double)m;
        m2 += delta * (z - mean);
        double stat = m2 / ((double)m * (double)m);
        if (j <= limit && (j == limit || stat <= best)) { /* ties: the earlier truncation */
            best = stat;
            out->d = j;
        }
    }
    out->statistic = best;
    out->truncate = out->d * batch;
    out->at_limit = out->d == limit;
    return 0;
}

int retsim_warmup_series_add(retsim_warmup_series *s, int n_rows, const double *values)
{
    if (s->n == s->cap || s->n_rows != n_rows) {
        size_t cap = s->n_rows == n_rows && s->cap > 0 ? 2 * s->cap : 256;
        double *x = malloc(cap * (size_t)n_rows * sizeof *x);
        if (x == NULL) {
            return RETSIM_ENOMEM;
        }
        for (int r = 0; s->n_rows == n_rows && r < n_rows; r++) {
            memcpy(x + (size_t)r * cap, s->x + (size_t)r * s->cap, s->n * sizeof *x);
        }
        if (s->n_rows != n_rows) {
            s->n = 0;
        }
        free(s->x);
        s->x = x;
        s->cap = cap;
        s->n_rows = n_rows;
    }
    for (int r = 0; r < n_rows; r++) {
        s->x[(size_t)r * s->cap + s->n] = values[r];
    }
    s->n++;
    return 0;
}

int retsim_warmup_series_mser5(const retsim_warmup_series *s, int row, retsim_mser *out)
{
    if (row < 0 || row >= s->n_rows) {
        memset(out, 0, sizeof *out);
        return RETSIM_EINPUT;
    }
    return retsim_warmup_mser(s->x + (size_t)row * s->cap, s->n, RETSIM_MSER_BATCH, out);
}

void retsim_warmup_series_free(retsim_warmup_series *s)
{
    if (s != NULL) {
        free(s->x);
        memset(s, 0, sizeof *s);
    }
}
