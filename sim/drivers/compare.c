/* Two policies compared on the same workload: per replication B - A, and a
 * Student-t interval of those differences. */
#include "retsim/compare.h"

#include "retsim/csv.h"
#include "retsim/format.h"
#include "retsim/manifest.h"
#include "retsim/outdir.h"

#include <gsl/gsl_cdf.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The relative change: B - A and its interval as percentages of |mean of A|. */
static void relative_of(retsim_paired *p)
{
    double base = fabs(p->a.mean);
    bool relative = isfinite(base) && base > 0;
    p->rel_pct = relative ? 100 * p->diff.mean / base : NAN;
    p->rel_low_pct = relative ? 100 * p->diff.low / base : NAN;
    p->rel_high_pct = relative ? 100 * p->diff.high / base : NAN;
}

retsim_paired retsim_compare_metric(const retsim_experiment *a, const retsim_experiment *b, int row,
                                    retsim_metric m)
{
    uint32_t n = a->n < b->n ? a->n : b->n;
    double *va = malloc((n ? n : 1) * sizeof *va), *vb = malloc((n ? n : 1) * sizeof *vb),
           *d = malloc((n ? n : 1) * sizeof *d);
    retsim_paired out;
    memset(&out, 0, sizeof out);
    size_t k = 0;
    for (uint32_t r = 0; va != NULL && vb != NULL && d != NULL && r < n; r++) {
        if (!a->reps[r].done || !b->reps[r].done) {
            continue; /* pairs only: the same replication on both sides */
        }
        va[k] = a->reps[r].summary.value[row][m];
        vb[k] = b->reps[r].summary.value[row][m];
        d[k] = isfinite(va[k]) && isfinite(vb[k]) ? vb[k] - va[k] : NAN;
        k++;
    }
    out.a = retsim_ci_of(va, k);
    out.b = retsim_ci_of(vb, k);
    out.diff = retsim_ci_of(d, k);
    out.significant = out.diff.n >= 2 && (out.diff.low > 0 || out.diff.high < 0);
    relative_of(&out);
    free(va);
    free(vb);
    free(d);
    return out;
}

/* One side's finished values of metric m in row `row`, and their interval. */
static retsim_ci side_of(const retsim_experiment *e, int row, retsim_metric m)
{
    double *v = malloc((e->n ? e->n : 1) * sizeof *v);
    if (v == NULL) {
        retsim_ci none = {0, NAN, NAN, NAN, NAN};
        return none;
    }
    size_t k = 0;
    for (uint32_t r = 0; r < e->n; r++) {
        if (e->reps[r].done) {
            v[k++] = e->reps[r].summary.value[row][m];
        }
    }
    retsim_ci ci = retsim_ci_of(v, k); /* leaves out non-finite values */
    free(v);
    return ci;
}

retsim_paired retsim_compare_metric_unpaired(const retsim_experiment *a, const retsim_experiment *b, int row,
                                             retsim_metric m)
{
    retsim_paired out;
    memset(&out, 0, sizeof out);
    out.a = side_of(a, row, m);
    out.b = side_of(b, row, m);
    out.diff.n = out.a.n < out.b.n ? out.a.n : out.b.n;
    out.diff.mean = out.a.n > 0 && out.b.n > 0 ? out.b.mean - out.a.mean : NAN;
    out.diff.sd = out.diff.low = out.diff.high = NAN;
    if (out.diff.n >= 2) {
        double va = out.a.sd * out.a.sd / out.a.n, vb = out.b.sd * out.b.sd / out.b.n;
        double se = sqrt(va + vb), half = 0;
        if (se > 0) { /* Welch-Satterthwaite degrees of freedom */
            double df = (va + vb) * (va + vb) / (va * va / (out.a.n - 1) + vb * vb / (out.b.n - 1));
            half = gsl_cdf_tdist_Pinv(0.975, df) * se;
        }
        out.diff.low = out.diff.mean - half;
        out.diff.high = out.diff.mean + half;
        out.significant = out.diff.low > 0 || out.diff.high < 0;
    }
    relative_of(&out);
    return out;
}

int retsim_compare_unpaired_ok(const char *dir_a, const retsim_experiment *a, const char *dir_b,
                               const retsim_experiment *b, retsim_error *err)
{
    int rc = retsim_experiment_enough(dir_a, a, dir_b, b, err);
    if (rc != 0) {
        return rc;
    }
    const retsim_summary *sa = retsim_experiment_first(a), *sb = retsim_experiment_first(b);
    if (sa->n_rows != sb->n_rows) {
        return retsim_error_set(err, RETSIM_EINPUT, dir_b, 0, "kind",
                                "has %d summary rows but %s has %d: the runs must model the same kinds",
                                sb->n_rows, dir_a, sa->n_rows);
    }
    for (int row = 0; row < sa->n_rows; row++) {
        if (strcmp(sa->kind[row], sb->kind[row]) != 0) {
            return retsim_error_set(err, RETSIM_EINPUT, dir_b, 0, "kind",
                                    "row %d is kind '%s' but '%s' in %s: the runs must model the same kinds "
                                    "in the same order",
                                    row + 1, sb->kind[row], sa->kind[row], dir_a);
        }
    }
    if (strcmp(sa->currency, sb->currency) != 0) {
        return retsim_error_set(err, RETSIM_EINPUT, dir_b, 0, "currency",
                                "costs are in %s but in %s in %s: B - A of a cost needs one currency",
                                sb->currency, sa->currency, dir_a);
    }
    return 0;
}

static retsim_paired metric_of(const retsim_experiment *a, const retsim_experiment *b, int row,
                               retsim_metric m, retsim_compare_design how)
{
    return how == RETSIM_COMPARE_UNPAIRED ? retsim_compare_metric_unpaired(a, b, row, m)
                                          : retsim_compare_metric(a, b, row, m);
}

static retsim_scenario *with_sets(const retsim_scenario *sc, const char *const *sets, int n,
                                  retsim_error *err)
{
    retsim_scenario *c = retsim_scenario_clone(sc);
    if (c != NULL &&
        (retsim_scenario_set_all(c, sets, n, err) != 0 || retsim_scenario_check_generated(c, err) != 0)) {
        retsim_scenario_destroy(c);
        return NULL;
    }
    return c;
}

/* Do two scenarios resolve to the same thing? Compared as retsim check
 * prints them, so a default written out (retention=48h on apim) is no change. */
static bool same_scenario(const retsim_scenario *a, const retsim_scenario *b)
{
    char *ta = NULL, *tb = NULL;
    size_t la = 0, lb = 0;
    FILE *fa = open_memstream(&ta, &la), *fb = open_memstream(&tb, &lb);
    bool same = false;
    if (fa != NULL && fb != NULL) {
        retsim_scenario_write(a, fa);
        retsim_scenario_write(b, fb);
        fflush(fa);
        fflush(fb);
        same = la == lb && memcmp(ta, tb, la) == 0;
    }
    if (fa != NULL) {
        fclose(fa);
    }
    if (fb != NULL) {
        fclose(fb);
    }
    free(ta);
    free(tb);
    return same;
}

int retsim_compare_run(const retsim_scenario *sc, const char *const *sets_a, int n_a,
                       const char *const *sets_b, int n_b, const retsim_experiment_options *opt,
                       retsim_experiment **a, retsim_experiment **b, retsim_error *err)
{
    retsim_scenario *sa = with_sets(sc, sets_a, n_a, err);
    retsim_scenario *sb = sa != NULL ? with_sets(sc, sets_b, n_b, err) : NULL;
    int rc = sb == NULL ? (err != NULL && err->code ? err->code : RETSIM_ENOMEM) : 0;
    *a = *b = NULL;
    if (rc == 0 && same_scenario(sa, sb)) {
        rc = retsim_error_set(
            err, RETSIM_EINPUT, sc->path, 0, "--set-a/--set-b",
            "A and B are the same scenario once the overrides are applied: nothing to "
            "compare (give B the policy that differs, e.g. --set-b policy.KIND.retention=7d)");
    }
    if (rc == 0) {
        rc = retsim_experiment_check_size(sa, opt, err);
    }
    if (rc == 0) {
        rc = retsim_experiment_check_size(sb, opt, err);
    }
    if (rc == 0) { /* both sides' replications as one list of tasks */
        const retsim_scenario *sides[2] = {sa, sb};
        const char *labels[2] = {"A", "B"};
        retsim_experiment *e[2] = {NULL, NULL};
        rc = retsim_experiment_run_many(sides, labels, 2, opt, e, err);
        *a = e[0];
        *b = e[1];
    }
    if (rc != 0) {
        retsim_experiment_destroy(*a);
        retsim_experiment_destroy(*b);
        *a = *b = NULL;
    }
    retsim_scenario_destroy(sa);
    retsim_scenario_destroy(sb);
    return rc;
}

void retsim_compare_write_csv(FILE *out, const retsim_experiment *a, const retsim_experiment *b,
                              retsim_compare_design how)
{
    fputs("kind,metric,n,a_mean,b_mean,diff_mean,diff_ci95_low,diff_ci95_high,significant,rel_change_pct,"
          "rel_ci95_low_pct,rel_ci95_high_pct\n",
          out);
    const retsim_summary *s = retsim_experiment_first(a);
    for (int row = 0; s != NULL && row < s->n_rows; row++) {
        for (int m = 0; m < RETSIM_M_COUNT; m++) {
            retsim_paired p = metric_of(a, b, row, (retsim_metric)m, how);
            char x[64], y[64], z[64], lo[64], hi[64], r[64], rl[64], rh[64];
            retsim_csv_field(out, s->kind[row]);
            fprintf(
                out, ",%s,%" PRIu32 ",%s,%s,%s,%s,%s,%s,%s,%s,%s\n", retsim_metric_name((retsim_metric)m),
                p.diff.n, retsim_format_csv(p.a.mean, x, sizeof x), retsim_format_csv(p.b.mean, y, sizeof y),
                retsim_format_csv(p.diff.mean, z, sizeof z), retsim_format_csv(p.diff.low, lo, sizeof lo),
                retsim_format_csv(p.diff.high, hi, sizeof hi), p.significant ? "yes" : "no",
                retsim_format_csv(p.rel_pct, r, sizeof r), retsim_format_csv(p.rel_low_pct, rl, sizeof rl),
                retsim_format_csv(p.rel_high_pct, rh, sizeof rh));
        }
    }
}

/* One line of the terminal table: A, B, B - A with its CI, then the same as % of A. */
static void print_compare_row(FILE *out, retsim_paired p, retsim_metric m)
{
    const char *name = retsim_metric_name(m);
    char va[RETSIM_FORMAT_MAX], vb[RETSIM_FORMAT_MAX], d[RETSIM_FORMAT_MAX], lo[RETSIM_FORMAT_MAX],
        hi[RETSIM_FORMAT_MAX], ci[2 * RETSIM_FORMAT_MAX + 8], rel[32], rlo[32], rhi[32], rci[80];
    retsim_format_metric(name, p.diff.low, lo, sizeof lo);
    retsim_format_metric(name, p.diff.high, hi, sizeof hi);
    snprintf(ci, sizeof ci, "[%s, %s]", lo, hi);
    if (isnan(p.diff.low)) {
        snprintf(ci, sizeof ci, "n/a");
    }
    retsim_format_change(p.rel_low_pct, rlo, sizeof rlo);
    retsim_format_change(p.rel_high_pct, rhi, sizeof rhi);
    snprintf(rci, sizeof rci, "[%s, %s]", rlo, rhi);
    if (isnan(p.rel_low_pct)) {
        snprintf(rci, sizeof rci, "n/a");
    }
    fprintf(out, "  %-26s %16s %16s %16s  %-28s %8s  %-20s %s\n", name,
            retsim_format_metric(name, p.a.mean, va, sizeof va),
            retsim_format_metric(name, p.b.mean, vb, sizeof vb),
            retsim_format_metric(name, p.diff.mean, d, sizeof d), ci,
            retsim_format_change(p.rel_pct, rel, sizeof rel), rci,
            p.significant ? "differs" : "no clear difference");
}

/* compare.csv and a manifest of the command (no scenario: the folder form
 * has none, and the scenario form's two sides are in the command line). */
static int write_compare_dir(const retsim_experiment *a, const retsim_experiment *b,
                             retsim_compare_design how, const char *dir, const retsim_provenance *prov,
                             retsim_error *err)
{
    enum { CSV, MANIFEST, N };
    static const char *const names[N] = {"compare.csv", "manifest"};
    retsim_outfile f[N];
    retsim_outdir d;
    memset(f, 0, sizeof f);
    int rc = retsim_outdir_begin(&d, dir, err);
    for (int i = 0; rc == 0 && i < N; i++) {
        rc = retsim_outdir_open(&d, &f[i], names[i], err);
    }
    if (rc == 0) {
        retsim_compare_write_csv(f[CSV].fp, a, b, how);
        char seed[32], reps[32], reps_b[32];
        snprintf(seed, sizeof seed, "%" PRIu64, a->seed);
        snprintf(reps, sizeof reps, "%" PRIu32, a->completed < b->completed ? a->completed : b->completed);
        const char *keys[] = {"command", "seed", "pairs"};
        const char *values[] = {"compare", seed, reps};
        if (how == RETSIM_COMPARE_UNPAIRED) { /* two workloads: each side's count, no pairs */
            snprintf(reps, sizeof reps, "%" PRIu32, a->completed);
            snprintf(reps_b, sizeof reps_b, "%" PRIu32, b->completed);
            const char *ukeys[] = {"command", "design", "replications_a", "replications_b"};
            const char *uvalues[] = {"compare", "unpaired", reps, reps_b};
            rc = retsim_manifest_write(f[MANIFEST].fp, ukeys, uvalues, 4, prov, NULL);
        } else {
            rc = retsim_manifest_write(f[MANIFEST].fp, keys, values, 3, prov, NULL);
        }
    }
    rc = retsim_outdir_finish(rc, &d, f, N, err);
    return rc;
}

int retsim_compare_report(const retsim_experiment *a, const retsim_experiment *b, retsim_compare_design how,
                          const char *dir, FILE *out, const retsim_provenance *prov, retsim_error *err)
{
    static const retsim_metric headline[] = {RETSIM_M_RECOVERY_RATE,
                                             RETSIM_M_RESTORES_EXPIRED,
                                             RETSIM_M_DATA_LOSS,
                                             RETSIM_M_NAME_CONFLICT_RATE,
                                             RETSIM_M_CONFLICTS_SOFT_DELETED,
                                             RETSIM_M_CONFLICTS_RESERVED,
                                             RETSIM_M_RECREATES_ABANDONED,
                                             RETSIM_M_SOFT_DELETED_AVG,
                                             RETSIM_M_RESERVED_AVG,
                                             RETSIM_M_COST_RETAINED,
                                             RETSIM_M_COST_TOTAL,
                                             RETSIM_M_COST_TOTAL_PER_30D,
                                             RETSIM_M_RETENTION_COST_SHARE};
    const retsim_summary *s = retsim_experiment_first(a);
    for (int row = 0; out != NULL && s != NULL && row < s->n_rows; row++) {
        if (how == RETSIM_COMPARE_UNPAIRED) {
            fprintf(out,
                    "%s — B minus A, %" PRIu32 " and %" PRIu32
                    " independent replications (Welch's interval; costs in %s):\n",
                    s->kind[row], a->completed, b->completed, s->currency);
        } else {
            fprintf(out,
                    "%s — B minus A, paired over %" PRIu32
                    " replications on the same workload (costs in %s):\n",
                    s->kind[row], a->completed < b->completed ? a->completed : b->completed, s->currency);
        }
        fprintf(out, "  %-26s %16s %16s %16s  %-28s %8s  %s\n", "metric", "A", "B", "B - A",
                "95% CI of B - A", "B vs A", "95% CI (% of A)");
        for (size_t i = 0; i < sizeof headline / sizeof headline[0]; i++) {
            print_compare_row(out, metric_of(a, b, row, headline[i], how), headline[i]);
        }
    }
    if (dir == NULL) {
        return 0;
    }
    return write_compare_dir(a, b, how, dir, prov, err);
}
