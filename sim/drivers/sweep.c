/* Sweeps: one experiment per point of a grid of --vary values. */
#include "retsim/sweep.h"

#include "retsim/csv.h"
#include "retsim/estimate.h"
#include "retsim/format.h"
#include "retsim/manifest.h"
#include "retsim/outdir.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

int retsim_vary_parse(const char *spec, retsim_vary *out, retsim_error *err)
{
    memset(out, 0, sizeof *out);
    const char *eq = strchr(spec, '=');
    if (eq == NULL || eq == spec || (size_t)(eq - spec) >= sizeof out->key || eq[1] == '\0') {
        return retsim_error_set(err, RETSIM_EUSAGE, "--vary", 0, spec,
                                "expected KEY=v1,v2,... e.g. policy.apim.retention=24h,48h,7d");
    }
    size_t key_len = (size_t)(eq - spec);
    while (key_len > 0 && spec[key_len - 1] == ' ') { /* "K = a,b" reads as K=a,b, as --set does */
        key_len--;
    }
    while (key_len > 0 && *spec == ' ') {
        spec++;
        key_len--;
    }
    snprintf(out->key, sizeof out->key, "%.*s", (int)key_len, spec);
    const char *p = eq + 1;
    for (;;) { /* a value after every comma: "K=a," has an empty second value */
        int depth = 0;
        const char *start = p;
        while (*p != '\0' && (*p != ',' || depth > 0)) {
            depth += (*p == '(') - (*p == ')');
            p++;
        }
        size_t len = (size_t)(p - start);
        while (len > 0 && *start == ' ') {
            start++;
            len--;
        }
        while (len > 0 && start[len - 1] == ' ') {
            len--;
        }
        if (len == 0 || len >= sizeof out->value[0] || out->n == RETSIM_MAX_VALUES) {
            return retsim_error_set(err, RETSIM_EUSAGE, "--vary", 0, out->key,
                                    "expected 1 to %d non-empty values separated by commas",
                                    RETSIM_MAX_VALUES);
        }
        snprintf(out->value[out->n++], sizeof out->value[0], "%.*s", (int)len, start);
        if (*p != ',') {
            return 0;
        }
        p++;
    }
}

/* The scenario of one point: sc with each varied key set to its value. */
static retsim_scenario *point_scenario(const retsim_scenario *sc, const retsim_vary *vary, int n_vary,
                                       const int *index, retsim_error *err)
{
    retsim_scenario *p = retsim_scenario_clone(sc);
    if (p == NULL) {
        retsim_error_set(err, RETSIM_ENOMEM, "", 0, "", "out of memory");
        return NULL;
    }
    char set[RETSIM_MAX_VARY][300];
    const char *sets[RETSIM_MAX_VARY];
    for (int v = 0; v < n_vary; v++) {
        snprintf(set[v], sizeof set[v], "%s=%s", vary[v].key, vary[v].value[index[v]]);
        sets[v] = set[v];
    }
    /* all at once, so that --vary simulation.horizon=3d --vary simulation.warmup=0 is fine */
    if (retsim_scenario_set_all(p, sets, n_vary, err) != 0 || retsim_scenario_check_generated(p, err) != 0) {
        retsim_scenario_destroy(p);
        return NULL;
    }
    return p;
}

void retsim_sweep_destroy(retsim_sweep *s)
{
    if (s == NULL) {
        return;
    }
    for (int i = 0; s->experiments != NULL && i < s->n_points; i++) {
        retsim_experiment_destroy(s->experiments[i]);
    }
    free(s->experiments);
    free(s->index);
    free(s);
}

/* The --vary options as a sweep takes them: 1 to RETSIM_MAX_VARY of them,
 * each key once, each with 1 to RETSIM_MAX_VALUES values, at most
 * RETSIM_MAX_POINTS points in all. The number of points, or an error. */
static int count_points(const retsim_vary *vary, int n_vary, retsim_error *err)
{
    if (n_vary < 1 || n_vary > RETSIM_MAX_VARY) {
        return retsim_error_set(err, RETSIM_EUSAGE, "--vary", 0, "", "expected 1 to %d --vary options",
                                RETSIM_MAX_VARY);
    }
    double points = 1; /* in double: 8 keys of 32 values are 2^40 points, past any int */
    for (int v = 0; v < n_vary; v++) {
        for (int w = 0; w < v; w++) {
            if (strcmp(vary[v].key, vary[w].key) == 0) { /* the later one would win at every point */
                return retsim_error_set(err, RETSIM_EUSAGE, "--vary", 0, vary[v].key,
                                        "varied twice (--vary %d and %d); give all its values in one --vary "
                                        "KEY=v1,v2,...",
                                        w + 1, v + 1);
            }
        }
        if (vary[v].n < 1 || vary[v].n > RETSIM_MAX_VALUES) { /* only a retsim_vary not from _parse */
            return retsim_error_set(err, RETSIM_EUSAGE, "--vary", 0, vary[v].key,
                                    "expected 1 to %d non-empty values separated by commas",
                                    RETSIM_MAX_VALUES);
        }
        points *= vary[v].n;
    }
    if (points > RETSIM_MAX_POINTS) {
        return retsim_error_set(err, RETSIM_EUSAGE, "--vary", 0, "", "%.0f points; a sweep has at most %d",
                                points, RETSIM_MAX_POINTS);
    }
    return (int)points;
}

/* A sweep of n_points points, none run yet, with each point's value
 * indices: point p is p written in the mixed radix of the value counts, the
 * last key its lowest digit, so the first key varies slowest. NULL when out
 * of memory. */
static retsim_sweep *sweep_create(const retsim_vary *vary, int n_vary, int n_points)
{
    retsim_sweep *s = calloc(1, sizeof *s);
    if (s == NULL) {
        return NULL;
    }
    s->n_vary = n_vary;
    memcpy(s->vary, vary, (size_t)n_vary * sizeof *vary);
    s->n_points = n_points;
    s->index = calloc((size_t)n_points, sizeof *s->index);
    s->experiments = calloc((size_t)n_points, sizeof *s->experiments);
    if (s->index == NULL || s->experiments == NULL) {
        retsim_sweep_destroy(s);
        return NULL;
    }
    for (int p = 0; p < n_points; p++) {
        int rest = p;
        for (int v = n_vary - 1; v >= 0; v--) {
            s->index[p][v] = rest % vary[v].n;
            rest /= vary[v].n;
        }
    }
    return s;
}

/* Every point's scenario built and checked before anything runs, so that a
 * bad value fails in seconds, not after the points before it; and unless
 * opt->force, the size of the whole sweep, not of each point alone, held
 * against the limits of retsim/estimate.h. */
static int check_points(const retsim_scenario *sc, const retsim_sweep *s,
                        const retsim_experiment_options *opt, retsim_error *err)
{
    int rc = 0;
    retsim_estimate size = {0};
    retsim_estimate_options eo = {.replications = opt->replications};
    for (int p = 0; rc == 0 && p < s->n_points; p++) {
        retsim_scenario *ps = point_scenario(sc, s->vary, s->n_vary, s->index[p], err);
        rc = ps == NULL ? (err != NULL && err->code ? err->code : RETSIM_ENOMEM) : 0;
        if (ps != NULL) {
            retsim_estimate one;
            retsim_estimate_of(ps, &eo, &one);
            retsim_estimate_add(&size, &one);
        }
        retsim_scenario_destroy(ps);
        if (rc == 0 && opt->stop != NULL && *opt->stop) {
            rc = retsim_error_set(err, RETSIM_EINTR, "", 0, "", "interrupted");
        }
    }
    if (rc == 0 && !opt->force) {
        rc = retsim_estimate_check(sc, &size, err);
    }
    return rc;
}

int retsim_sweep_run(const retsim_scenario *sc, const retsim_vary *vary, int n_vary,
                     const retsim_experiment_options *opt, retsim_sweep **out, retsim_error *err)
{
    int points = count_points(vary, n_vary, err);
    if (points < 0) {
        return points;
    }
    retsim_sweep *s = sweep_create(vary, n_vary, points);
    int rc = s == NULL ? retsim_error_set(err, RETSIM_ENOMEM, "", 0, "", "out of memory") : 0;
    if (rc == 0) {
        rc = check_points(sc, s, opt, err);
    }
    retsim_scenario **ps = NULL;
    char(*labels)[256] = NULL;
    const char **names = NULL;
    if (rc == 0) {
        ps = calloc((size_t)s->n_points, sizeof *ps);
        labels = calloc((size_t)s->n_points, sizeof *labels);
        names = calloc((size_t)s->n_points, sizeof *names);
        rc = ps == NULL || labels == NULL || names == NULL ? RETSIM_ENOMEM : 0;
    }
    for (int p = 0; rc == 0 && p < s->n_points; p++) {
        for (int v = 0; v < n_vary; v++) {
            retsim_format_append(labels[p], sizeof labels[p], "%s%s=%s", v > 0 ? " " : "", vary[v].key,
                                 vary[v].value[s->index[p][v]]);
        }
        names[p] = labels[p];
        ps[p] = point_scenario(sc, vary, n_vary, s->index[p], err);
        rc = ps[p] == NULL ? RETSIM_ENOMEM : 0;
    }
    if (rc == 0) { /* every point's replications as one list of tasks */
        rc = retsim_experiment_run_many((const retsim_scenario *const *)ps, names, (uint32_t)s->n_points, opt,
                                        s->experiments, err);
    }
    for (int p = 0; ps != NULL && p < s->n_points; p++) {
        retsim_scenario_destroy(ps[p]);
    }
    free(ps);
    free(labels);
    free(names);
    if (rc != 0) {
        retsim_sweep_destroy(s);
        return rc;
    }
    *out = s;
    return 0;
}

static void point_prefix(FILE *out, const retsim_sweep *s, int p)
{
    fprintf(out, "%d", p);
    for (int v = 0; v < s->n_vary; v++) {
        fputc(',', out);
        retsim_csv_field(out, s->vary[v].value[s->index[p][v]]);
    }
}

static void keys_header(FILE *out, const retsim_sweep *s)
{
    fputs("point", out);
    for (int v = 0; v < s->n_vary; v++) {
        fputc(',', out);
        retsim_csv_field(out, s->vary[v].key);
    }
}

static void write_ci_row(FILE *out, const char *kind, const char *metric, retsim_ci ci)
{
    char a[64], b[64], c[64], d[64];
    retsim_csv_field(out, kind);
    fprintf(out, ",%s,%" PRIu32 ",%s,%s,%s,%s\n", metric, ci.n, retsim_format_csv(ci.mean, a, sizeof a),
            retsim_format_csv(ci.sd, b, sizeof b), retsim_format_csv(ci.low, c, sizeof c),
            retsim_format_csv(ci.high, d, sizeof d));
}

static void write_point(FILE *long_out, FILE *ci_out, const retsim_sweep *s, int p, const char *name,
                        double *v)
{
    const retsim_experiment *e = s->experiments[p];
    for (uint32_t r = 0; r < e->n; r++) {
        const retsim_summary *sum = &e->reps[r].summary;
        for (int row = 0; e->reps[r].done && row < sum->n_rows; row++) {
            point_prefix(long_out, s, p);
            fputc(',', long_out);
            retsim_summary_write_row(long_out, sum, row, name, r, e->seed);
        }
    }
    const retsim_summary *first = retsim_experiment_first(e);
    for (int row = 0; first != NULL && row < first->n_rows; row++) {
        for (int m = 0; m < RETSIM_M_COUNT; m++) {
            point_prefix(ci_out, s, p);
            fputc(',', ci_out);
            retsim_ci ci = retsim_ci_of(v, retsim_experiment_values(e, row, (retsim_metric)m, v));
            write_ci_row(ci_out, first->kind[row], retsim_metric_name((retsim_metric)m), ci);
        }
    }
}

/* The manifest: the sweep's seed, replications and every --vary in full
 * ("KEY=v1,v2 KEY2=..."; a long one is continued in vary.2, ... by the
 * manifest writer), then the scenario the points vary. */
static int write_manifest(FILE *out, const retsim_scenario *sc, const retsim_sweep *s,
                          const retsim_provenance *prov, retsim_error *err)
{
    char seed[32], reps[32], *vary = NULL;
    size_t size = 0;
    FILE *m = open_memstream(&vary, &size);
    if (m == NULL) {
        return retsim_error_set(err, RETSIM_ENOMEM, "", 0, "", "out of memory");
    }
    for (int i = 0; i < s->n_vary; i++) {
        fprintf(m, "%s%s=", i ? " " : "", s->vary[i].key);
        for (int k = 0; k < s->vary[i].n; k++) {
            fprintf(m, "%s%s", k ? "," : "", s->vary[i].value[k]);
        }
    }
    int rc = fclose(m) != 0 ? retsim_error_set(err, RETSIM_ENOMEM, "", 0, "", "out of memory") : 0;
    snprintf(seed, sizeof seed, "%" PRIu64, s->experiments[0]->seed);
    snprintf(reps, sizeof reps, "%" PRIu32, s->experiments[0]->n);
    const char *keys[] = {"command", "scenario", "seed", "replications", "vary"};
    const char *values[] = {"sweep", sc->path, seed, reps, vary != NULL ? vary : ""};
    if (rc == 0) {
        rc = retsim_manifest_write(out, keys, values, 5, prov, sc);
    }
    free(vary);
    return rc;
}

int retsim_sweep_write(const retsim_scenario *sc, const retsim_sweep *s, const char *dir,
                       const retsim_provenance *prov, retsim_error *err)
{
    enum { LONG, CI, MANIFEST, N };
    static const char *const names[N] = {"sweep.csv", "sweep_ci.csv", "manifest"};
    retsim_outfile f[N];
    retsim_outdir d;
    memset(f, 0, sizeof f);
    memset(&d, 0, sizeof d);
    double *v = malloc((s->experiments[0]->n ? s->experiments[0]->n : 1) * sizeof *v);
    int rc = v == NULL ? retsim_error_set(err, RETSIM_ENOMEM, "", 0, "", "out of memory") : 0;
    if (rc == 0) {
        rc = retsim_outdir_begin(&d, dir, err);
    }
    for (int i = 0; rc == 0 && i < N; i++) {
        rc = retsim_outdir_open(&d, &f[i], names[i], err);
    }
    if (rc == 0) {
        keys_header(f[LONG].fp, s);
        fputc(',', f[LONG].fp);
        retsim_summary_write_header(f[LONG].fp);
        keys_header(f[CI].fp, s);
        fputs(",kind,metric,n,mean,sd,ci95_low,ci95_high\n", f[CI].fp);
        for (int p = 0; p < s->n_points; p++) {
            write_point(f[LONG].fp, f[CI].fp, s, p, sc->name[0] ? sc->name : sc->path, v);
        }
        rc = write_manifest(f[MANIFEST].fp, sc, s, prov, err);
    }
    rc = retsim_outdir_finish(rc, &d, f, N, err);
    free(v);
    return rc;
}
