/* Distribution specs and sampling with GSL. Parameters:
 *   CONST a=value   EXP a=mean   LOGNORMAL a=ln(median) b=sigma
 *   WEIBULL a=scale b=shape   GAMMA a=shape b=scale   PARETO a=shape b=scale
 *   UNIFORM a=min b=max       EMPIRICAL values[n] */
#include "retsim/dist.h"

#include "input.h"

#include <csv.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct arg {
    char key[32];
    char value[128];
} arg;

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t')) {
        *--e = '\0';
    }
    return s;
}

static bool parse_number(const char *text, double *out)
{
    char *end = NULL;
    *out = strtod(text, &end);
    return end != text && *end == '\0' && isfinite(*out);
}

static bool parse_duration(const char *text, double *out)
{
    retsim_time t;
    if (retsim_time_parse(text, &t, NULL) != 0) {
        return false;
    }
    *out = (double)t;
    return true;
}

/* Find the value of `key` (or positional argument `pos`). */
static const char *get(const arg *args, int n, const char *key, int pos)
{
    for (int i = 0; i < n; i++) {
        if (strcmp(args[i].key, key) == 0) {
            return args[i].value;
        }
    }
    return pos < n && args[pos].key[0] == '\0' ? args[pos].value : NULL;
}

typedef struct form {
    const char *name;
    retsim_dist_kind kind;
    const char *k1, *k2; /* argument names; k2 NULL for one-argument forms */
    bool d1, d2;         /* is the argument a duration */
    const char *example;
} form;

static const form forms[] = {
    {"const", RETSIM_DIST_CONST, "value", NULL, true, false, "const(48h)"},
    {"exp", RETSIM_DIST_EXP, "mean", NULL, true, false, "exp(mean=2h)"},
    {"lognormal", RETSIM_DIST_LOGNORMAL, "median", "sigma", true, false, "lognormal(median=24h, sigma=1.0)"},
    {"weibull", RETSIM_DIST_WEIBULL, "scale", "shape", true, false, "weibull(scale=30d, shape=0.7)"},
    {"gamma", RETSIM_DIST_GAMMA, "shape", "scale", false, true, "gamma(shape=2, scale=12h)"},
    {"pareto", RETSIM_DIST_PARETO, "scale", "shape", true, false, "pareto(scale=1h, shape=1.5)"},
    {"uniform", RETSIM_DIST_UNIFORM, "min", "max", true, true, "uniform(min=1h, max=3h)"},
};

static int fail(retsim_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(retsim_error *err, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return retsim_error_set(err, RETSIM_EINPUT, NULL, 0, NULL, "%s", msg);
}

static int bad_form(retsim_error *err, const form *f)
{
    return fail(err, "%s: expected %s", f->name, f->example);
}

/* Argument `text` of form f: a duration when `is_duration`, else a number. */
static int parse_arg(const form *f, const char *key, const char *text, bool is_duration, double *out,
                     retsim_error *err)
{
    if (!is_duration) {
        return parse_number(text, out) ? 0 : bad_form(err, f);
    }
    const char *why = NULL;
    retsim_time t;
    int rc = retsim_time_parse(text, &t, &why);
    if (rc == RETSIM_ERANGE) { /* name the limit, not just the form */
        return fail(err, "%s: %s '%s' is %s", f->name, key, text, why);
    }
    if (rc != 0) {
        return bad_form(err, f);
    }
    *out = (double)t;
    return 0;
}

static int set_params(const form *f, const arg *args, int n, retsim_dist *d, retsim_error *err)
{
    const char *v1 = get(args, n, f->k1, 0);
    const char *v2 = f->k2 != NULL ? get(args, n, f->k2, 1) : NULL;
    double x = 0, y = 0;
    if (v1 == NULL || n != (f->k2 != NULL ? 2 : 1) || (f->k2 != NULL && v2 == NULL)) {
        return bad_form(err, f);
    }
    if (parse_arg(f, f->k1, v1, f->d1, &x, err) != 0 ||
        (v2 != NULL && parse_arg(f, f->k2, v2, f->d2, &y, err) != 0)) {
        return RETSIM_EINPUT;
    }
    d->kind = f->kind;
    switch (f->kind) {
    case RETSIM_DIST_LOGNORMAL:
        if (x <= 0 || y < 0) {
            return fail(err, "%s: the median must be positive and sigma not negative", f->name);
        }
        d->a = log(x);
        d->b = y;
        return 0;
    case RETSIM_DIST_PARETO:
        d->a = y; /* shape */
        d->b = x; /* scale */
        break;
    default:
        d->a = x;
        d->b = y;
        break;
    }
    bool ok = true;
    switch (f->kind) {
    case RETSIM_DIST_EXP:
        ok = x > 0;
        break;
    case RETSIM_DIST_WEIBULL:
    case RETSIM_DIST_GAMMA:
    case RETSIM_DIST_PARETO:
        ok = x > 0 && y > 0;
        break;
    case RETSIM_DIST_UNIFORM:
        ok = y >= x;
        break;
    default:
        break;
    }
    return ok ? 0 : fail(err, "%s: parameters out of range; expected e.g. %s", f->name, f->example);
}

typedef struct sample_reader {
    double *values;
    size_t n, cap;
    size_t field;
    long row;
    long line; /* the line the next byte is on */
    int rc;
    retsim_error *err;
    const char *path;
} sample_reader;

static void sample_field(void *s, size_t len, void *data)
{
    sample_reader *r = data;
    if (r->field++ != 0 || r->row == 0 || r->rc != 0) {
        return; /* first column only, after the header */
    }
    char text[64];
    if (len >= sizeof text) { /* cut, it could read as another value */
        r->rc = retsim_error_set(r->err, RETSIM_EINPUT, NULL, 0, NULL,
                                 "empirical(%s): row %ld: expected a duration such as 90s or 2h, got a "
                                 "field of %zu bytes",
                                 r->path, r->row + 1, len);
        return;
    }
    snprintf(text, sizeof text, "%.*s", (int)len, (const char *)s);
    double v;
    if (!parse_duration(text, &v)) {
        r->rc = retsim_error_set(r->err, RETSIM_EINPUT, NULL, 0, NULL,
                                 "empirical(%s): row %ld: expected a duration such as 90s or 2h, got '%s'",
                                 r->path, r->row + 1, text);
        return;
    }
    if (r->n == RETSIM_EMPIRICAL_MAX_VALUES) {
        r->rc = retsim_error_set(r->err, RETSIM_EINPUT, NULL, 0, NULL,
                                 "empirical(%s): row %ld: more than %d values (the most a sample may hold)",
                                 r->path, r->row + 1, RETSIM_EMPIRICAL_MAX_VALUES);
        return;
    }
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 256;
        double *nv = realloc(r->values, r->cap * sizeof *nv);
        if (nv == NULL) {
            r->rc = RETSIM_ENOMEM;
            return;
        }
        r->values = nv;
    }
    r->values[r->n++] = v;
}

static void sample_row(int c, void *data)
{
    (void)c;
    sample_reader *r = data;
    r->field = 0;
    r->row++;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One block: refused if it holds a NUL (C strings would cut the field there)
 * or leaves a field open past the limit (libcsv would buffer it all). */
static void sample_block(sample_reader *r, struct csv_parser *p, const char *buf, size_t n)
{
    const char *nul = memchr(buf, '\0', n);
    if (nul != NULL) {
        long line = r->line;
        for (const char *c = buf; c < nul; c++) {
            line += *c == '\n';
        }
        r->rc = fail(r->err, "empirical(%s): line %ld: NUL byte: the file must be text", r->path, line);
        return;
    }
    for (const char *c = buf; c < buf + n; c++) {
        r->line += *c == '\n';
    }
    if (csv_parse(p, buf, n, sample_field, sample_row, r) != n && r->rc == 0) {
        r->rc = fail(r->err, "empirical(%s): malformed CSV", r->path);
    }
    if (r->rc == 0 && p->entry_pos > RETSIM_EMPIRICAL_FIELD_MAX) {
        r->rc = fail(r->err, "empirical(%s): row %ld: a field longer than %d bytes", r->path, r->row + 1,
                     RETSIM_EMPIRICAL_FIELD_MAX);
    }
}

static int read_sample(FILE *f, sample_reader *r)
{
    struct csv_parser p;
    if (csv_init(&p, CSV_APPEND_NULL) != 0) {
        return retsim_error_set(r->err, RETSIM_ENOMEM, NULL, 0, NULL, "out of memory");
    }
    csv_set_blk_size(&p, 4096); /* libcsv's default, 128 bytes a time, is quadratic on long fields */
    char buf[8192];
    long long total = 0;
    while (r->rc == 0) {
        size_t n = fread(buf, 1, sizeof buf, f);
        if (n == 0) {
            break;
        }
        total += (long long)n;
        if (total > RETSIM_EMPIRICAL_MAX_BYTES) { /* the file grew after it was measured */
            r->rc = fail(r->err, "empirical(%s): larger than %d bytes", r->path, RETSIM_EMPIRICAL_MAX_BYTES);
            break;
        }
        sample_block(r, &p, buf, n);
    }
    if (r->rc == 0 && ferror(f)) {
        r->rc = fail(r->err, "empirical(%s): read error", r->path);
    }
    if (r->rc == 0) {
        csv_fini(&p, sample_field, sample_row, r);
    }
    csv_free(&p);
    return r->rc;
}

static int load_empirical(const char *file, const char *base_dir, retsim_dist *d, retsim_error *err)
{
    char path[1024];
    if (file[0] == '/' || base_dir == NULL || base_dir[0] == '\0') {
        snprintf(path, sizeof path, "%s", file);
    } else {
        snprintf(path, sizeof path, "%s/%s", base_dir, file);
    }
    FILE *f = NULL;
    long long size = 0;
    char why[128];
    if (input_open(path, false, &f, &size, why, sizeof why) != 0) {
        return fail(err, "empirical: cannot open '%s': %s", path, why);
    }
    if (size > RETSIM_EMPIRICAL_MAX_BYTES) {
        fclose(f);
        return fail(err, "empirical(%s): %lld bytes, more than the %d a sample file may hold", path, size,
                    RETSIM_EMPIRICAL_MAX_BYTES);
    }
    sample_reader r = {.err = err, .path = path, .line = 1};
    read_sample(f, &r);
    fclose(f);
    if (r.rc == 0 && r.n == 0) {
        r.rc = fail(err, "empirical(%s): no values below the header row", path);
    }
    if (r.rc != 0) {
        free(r.values);
        return r.rc;
    }
    qsort(r.values, r.n, sizeof *r.values, cmp_double);
    d->kind = RETSIM_DIST_EMPIRICAL;
    d->values = r.values;
    d->n = r.n;
    return 0;
}

int retsim_dist_parse(const char *spec, const char *base_dir, retsim_dist *out, retsim_error *err)
{
    static const char expected[] =
        "expected a distribution such as const(48h), exp(mean=2h), lognormal(median=24h, sigma=1.0), "
        "weibull(scale=30d, shape=0.7), gamma(shape=2, scale=12h), pareto(scale=1h, shape=1.5), "
        "uniform(1h, 3h) or empirical(file.csv); got '%s'";
    memset(out, 0, sizeof *out);
    char buf[256];
    if (snprintf(buf, sizeof buf, "%s", spec) >= (int)sizeof buf) {
        return fail(err, "distribution spec too long: '%.60s...'", spec);
    }
    snprintf(out->text, sizeof out->text, "%s", spec);
    char *open = strchr(buf, '(');
    char *close = strrchr(buf, ')');
    if (open == NULL || close == NULL || close < open || *trim(close + 1) != '\0') {
        return fail(err, expected, spec);
    }
    *open = '\0';
    *close = '\0';
    const char *name = trim(buf);
    char *inner = open + 1;
    if (strcmp(name, "empirical") == 0) {
        return load_empirical(trim(inner), base_dir, out, err);
    }
    arg args[4];
    int n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(inner, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        if (n == 4) {
            return fail(err, expected, spec);
        }
        char *eq = strchr(tok, '=');
        if (eq != NULL) {
            *eq = '\0';
            snprintf(args[n].key, sizeof args[n].key, "%s", trim(tok));
            snprintf(args[n].value, sizeof args[n].value, "%s", trim(eq + 1));
        } else {
            args[n].key[0] = '\0';
            snprintf(args[n].value, sizeof args[n].value, "%s", trim(tok));
        }
        n++;
    }
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        if (strcmp(name, forms[i].name) == 0) {
            return set_params(&forms[i], args, n, out, err);
        }
    }
    return fail(err, expected, spec);
}

void retsim_dist_free(retsim_dist *d)
{
    if (d != NULL) {
        free(d->values);
        d->values = NULL;
        d->n = 0;
    }
}

static double draw(const retsim_dist *d, gsl_rng *rng)
{
    switch (d->kind) {
    case RETSIM_DIST_CONST:
        return d->a;
    case RETSIM_DIST_EXP:
        return gsl_ran_exponential(rng, d->a);
    case RETSIM_DIST_LOGNORMAL:
        return gsl_ran_lognormal(rng, d->a, d->b);
    case RETSIM_DIST_WEIBULL:
        return gsl_ran_weibull(rng, d->a, d->b);
    case RETSIM_DIST_GAMMA:
        return gsl_ran_gamma(rng, d->a, d->b);
    case RETSIM_DIST_PARETO:
        return gsl_ran_pareto(rng, d->a, d->b);
    case RETSIM_DIST_UNIFORM:
        return gsl_ran_flat(rng, d->a, d->b);
    case RETSIM_DIST_EMPIRICAL: {
        double pos = gsl_rng_uniform(rng) * (double)(d->n - 1);
        size_t i = (size_t)pos;
        return i + 1 < d->n ? d->values[i] + (pos - (double)i) * (d->values[i + 1] - d->values[i])
                            : d->values[d->n - 1];
    }
    case RETSIM_DIST_NONE:
        break;
    }
    return 0;
}

retsim_time retsim_dist_sample(const retsim_dist *d, gsl_rng *rng)
{
    /* clamped to RETSIM_TIME_MAX: a heavy tail (Pareto, lognormal) can draw
     * 1e300 or inf, and the caller adds the draw to the clock */
    return retsim_time_from_double(draw(d, rng));
}

double retsim_dist_mean(const retsim_dist *d)
{
    switch (d->kind) {
    case RETSIM_DIST_CONST:
    case RETSIM_DIST_EXP:
        return d->a;
    case RETSIM_DIST_LOGNORMAL:
        return exp(d->a + d->b * d->b / 2);
    case RETSIM_DIST_WEIBULL:
        return d->a * gsl_sf_gamma(1 + 1 / d->b);
    case RETSIM_DIST_GAMMA:
        return d->a * d->b;
    case RETSIM_DIST_PARETO:
        return d->a > 1 ? d->a * d->b / (d->a - 1) : INFINITY;
    case RETSIM_DIST_UNIFORM:
        return (d->a + d->b) / 2;
    case RETSIM_DIST_EMPIRICAL: {
        if (d->n == 1) {
            return d->values[0];
        }
        double sum = 0; /* mean of the piecewise-linear quantile function */
        for (size_t i = 0; i + 1 < d->n; i++) {
            sum += (d->values[i] + d->values[i + 1]) / 2;
        }
        return sum / (double)(d->n - 1);
    }
    case RETSIM_DIST_NONE:
        break;
    }
    return 0;
}

double retsim_dist_cdf(const retsim_dist *d, double x)
{
    switch (d->kind) {
    case RETSIM_DIST_CONST:
        return x >= d->a ? 1 : 0;
    case RETSIM_DIST_EXP:
        return gsl_cdf_exponential_P(x, d->a);
    case RETSIM_DIST_LOGNORMAL:
        return gsl_cdf_lognormal_P(x, d->a, d->b);
    case RETSIM_DIST_WEIBULL:
        return gsl_cdf_weibull_P(x, d->a, d->b);
    case RETSIM_DIST_GAMMA:
        return gsl_cdf_gamma_P(x, d->a, d->b);
    case RETSIM_DIST_PARETO:
        return gsl_cdf_pareto_P(x, d->a, d->b);
    case RETSIM_DIST_UNIFORM:
        return x < d->a ? 0 : x >= d->b ? 1 : gsl_cdf_flat_P(x, d->a, d->b);
    case RETSIM_DIST_EMPIRICAL: {
        if (x < d->values[0]) {
            return 0;
        }
        if (x >= d->values[d->n - 1] || d->n == 1) {
            return 1;
        }
        size_t i = 0;
        while (i + 1 < d->n && d->values[i + 1] <= x) {
            i++;
        }
        double frac = (x - d->values[i]) / (d->values[i + 1] - d->values[i]);
        return ((double)i + frac) / (double)(d->n - 1);
    }
    case RETSIM_DIST_NONE:
        break;
    }
    return 0;
}
