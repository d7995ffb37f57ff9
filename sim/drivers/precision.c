/* Replications in fixed-size batches until every target's CI is narrow enough. */
#include "retsim/precision.h"

#include "retsim/suggest.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The metric named by name[0 .. len), or -1 with err saying which (and the nearest). */
static int metric_of(const char *name, size_t len, retsim_error *err)
{
    char word[RETSIM_SUGGEST_MAX + 1];
    const char *names[RETSIM_M_COUNT];
    size_t n = len < sizeof word - 1 ? len : sizeof word - 1;
    memcpy(word, name, n);
    word[n] = '\0';
    for (int m = 0; m < RETSIM_M_COUNT; m++) {
        names[m] = retsim_metric_name((retsim_metric)m);
        if (len == strlen(names[m]) && strncmp(name, names[m], len) == 0) {
            return m;
        }
    }
    const char *near = retsim_suggest(word, names, RETSIM_M_COUNT, 3);
    retsim_error_set(err, RETSIM_EUSAGE, "", 0, "--precision", "unknown metric '%s'%s%s%s", word,
                     near != NULL ? " (did you mean " : "", near != NULL ? near : "",
                     near != NULL ? "?)" : "");
    return -1;
}

/* REL of "0.01" or "1%": > 0 and finite, or RETSIM_EUSAGE. */
static int rel_of(const char *text, size_t len, double *out, retsim_error *err)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf) {
        return retsim_error_set(err, RETSIM_EUSAGE, "", 0, "--precision",
                                "expected METRIC=REL, REL as 0.01 or 1%%");
    }
    memcpy(buf, text, len);
    buf[len] = '\0';
    char *end = NULL;
    errno = 0;
    double v = strtod(buf, &end);
    bool percent = end != buf && *end == '%';
    if (percent) {
        end++;
        v /= 100.0;
    }
    if (end == buf || *end != '\0' || errno != 0 || !isfinite(v) || v <= 0) {
        return retsim_error_set(err, RETSIM_EUSAGE, "", 0, "--precision",
                                "'%s' is not a relative precision > 0 (e.g. 0.01 or 1%%)", buf);
    }
    *out = v;
    return 0;
}

/* One "METRIC=REL" of text[0 .. len) into spec's next place. */
static int parse_one(const char *text, size_t len, retsim_precision_spec *spec, retsim_error *err)
{
    const char *eq = memchr(text, '=', len);
    if (eq == NULL || eq == text) {
        return retsim_error_set(err, RETSIM_EUSAGE, "", 0, "--precision",
                                "expected METRIC=REL, e.g. recovery_rate=0.01 or recovery_rate=1%%");
    }
    if (spec->n == RETSIM_PRECISION_MAX) {
        return retsim_error_set(err, RETSIM_EUSAGE, "", 0, "--precision", "at most %d metrics",
                                RETSIM_PRECISION_MAX);
    }
    int m = metric_of(text, (size_t)(eq - text), err);
    if (m < 0) {
        return RETSIM_EUSAGE;
    }
    for (size_t i = 0; i < spec->n; i++) {
        if (spec->metric[i] == (retsim_metric)m) {
            return retsim_error_set(err, RETSIM_EUSAGE, "", 0, "--precision", "metric '%s' named twice",
                                    retsim_metric_name((retsim_metric)m));
        }
    }
    int rc = rel_of(eq + 1, len - (size_t)(eq + 1 - text), &spec->rel[spec->n], err);
    if (rc == 0) {
        spec->metric[spec->n++] = (retsim_metric)m;
    }
    return rc;
}

int retsim_precision_parse(const char *text, retsim_precision_spec *out, retsim_error *err)
{
    memset(out, 0, sizeof *out);
    if (text == NULL || *text == '\0') {
        return retsim_error_set(err, RETSIM_EUSAGE, "", 0, "--precision",
                                "expected METRIC=REL[,METRIC=REL...]");
    }
    const char *p = text;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
        int rc = parse_one(p, len, out, err);
        if (rc != 0) {
            return rc;
        }
        if (comma == NULL) {
            return 0;
        }
        p = comma + 1;
    }
}

/* Half-width / |mean| of metric m on row over the finished ones of e's
 * replications 0 .. k-1; +inf when it cannot be judged (mean 0 or NaN,
 * under 2 finite values). values: room for k. */
static double relative_half(const retsim_experiment *e, uint32_t k, int row, retsim_metric m, double *values)
{
    size_t n = 0;
    for (uint32_t r = 0; r < k; r++) {
        if (e->reps[r].done) {
            values[n++] = e->reps[r].summary.value[row][m];
        }
    }
    retsim_ci ci = retsim_ci_of(values, n);
    if (ci.n < 2 || !isfinite(ci.mean) || ci.mean == 0 || !isfinite(ci.high)) {
        return INFINITY;
    }
    return (ci.high - ci.low) / 2.0 / fabs(ci.mean);
}

/* The verdict on replications 0 .. k-1 (their finished ones). */
static void judge_first(const retsim_experiment *e, uint32_t k, const retsim_precision_spec *spec,
                        retsim_precision_verdict *out)
{
    memset(out, 0, sizeof *out);
    const retsim_summary *first = retsim_experiment_first(e);
    double *values = malloc((k ? k : 1) * sizeof *values);
    bool can = first != NULL && values != NULL;
    out->met = can;
    out->unjudgeable = first == NULL;
    for (size_t i = 0; i < spec->n; i++) {
        out->worst[i] = can ? 0.0 : INFINITY;
        out->worst_row[i] = first == NULL ? -1 : 0;
        for (int row = 0; can && row < first->n_rows; row++) {
            double h = relative_half(e, k, row, spec->metric[i], values);
            out->unjudgeable |= isinf(h);
            if (h > out->worst[i] || isinf(h)) {
                out->worst[i] = h;
                out->worst_row[i] = row;
            }
            out->met &= h <= spec->rel[i];
        }
    }
    free(values);
}

void retsim_precision_judge(const retsim_experiment *e, const retsim_precision_spec *spec,
                            retsim_precision_verdict *out)
{
    judge_first(e, e->n, spec, out);
}

void retsim_precision_format(const retsim_precision_spec *spec, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < spec->n && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%s=%g", i > 0 ? "," : "",
                         retsim_metric_name(spec->metric[i]), spec->rel[i]);
        used += w > 0 ? (size_t)w : 0;
    }
}

/* Can the batches be decided here? A shard sees only some results. */
static int check_options(const retsim_experiment_options *opt, retsim_error *err)
{
    if (opt->shard_n > 1) {
        return retsim_error_set(err, RETSIM_EUSAGE, "", 0, "--precision",
                                "not with --shard: deciding when to stop needs every replication's results");
    }
    return 0;
}

/* The stopping rule's state as replications land (in any order). */
typedef struct watch {
    const retsim_precision_spec *spec;
    uint32_t batch, ceiling;
    uint32_t prefix;   /* replications 0 .. prefix-1 are all done */
    uint32_t boundary; /* the next batch's end: judged once the prefix reaches it */
    uint32_t batches;
    bool decided; /* enough said no more: met, or the ceiling judged */
    bool reached;
    retsim_precision_verdict verdict;
} watch;

/* After each landing: judge every batch boundary the finished prefix has
 * reached, in order; true (no more) once one holds or the ceiling is judged. */
static bool enough(void *ctx, const retsim_experiment *e)
{
    watch *w = ctx;
    while (w->prefix < w->ceiling && e->reps[w->prefix].done) {
        w->prefix++;
    }
    while (w->prefix >= w->boundary) {
        w->batches++;
        judge_first(e, w->boundary, w->spec, &w->verdict);
        if (w->verdict.met || w->boundary == w->ceiling) {
            w->reached = w->verdict.met;
            w->decided = true;
            return true;
        }
        w->boundary = w->ceiling - w->boundary > w->batch ? w->boundary + w->batch : w->ceiling;
    }
    return false;
}

/* Empty slot r: its rows freed, not done. */
static void drop(retsim_experiment *e, uint32_t r)
{
    retsim_replication *rep = &e->reps[r];
    e->completed -= rep->done ? 1 : 0;
    free(rep->timeseries);
    free(rep->outcomes);
    free(rep->by_type);
    free(rep->by_period);
    free(rep->periods);
    memset(rep, 0, sizeof *rep);
}

/* Keep what the rule decided on: replications 0 .. boundary-1 when it
 * stopped (those of the next batch already under way are dropped), else
 * every finished one (a stop request). */
static void keep(retsim_experiment *e, const watch *w, bool decided)
{
    uint32_t n = 0;
    for (uint32_t r = 0; r < e->n; r++) {
        if (decided && r >= w->boundary) {
            drop(e, r);
        } else if (e->reps[r].done) {
            n = r + 1;
        }
    }
    e->n = decided ? w->boundary : n;
}

int retsim_precision_run(const retsim_scenario *sc, const retsim_experiment_options *opt,
                         const retsim_precision_options *po, retsim_experiment **out,
                         retsim_precision_result *res, retsim_error *err)
{
    memset(res, 0, sizeof *res);
    *out = NULL;
    retsim_experiment_options o = *opt;
    o.replications = po->ceiling > 0 ? po->ceiling : RETSIM_PRECISION_CEILING;
    int rc = check_options(opt, err);
    if (rc == 0) {
        rc = retsim_experiment_check_size(sc, &o, err);
    }
    if (rc == 0) {
        rc = retsim_experiment_create(&o, out, err);
    }
    if (rc != 0) {
        return rc;
    }
    watch w = {.spec = &po->spec,
               .batch = po->batch > 0 ? po->batch : RETSIM_PRECISION_BATCH,
               .ceiling = o.replications};
    w.boundary = w.ceiling > w.batch ? w.batch : w.ceiling;
    rc = retsim_experiment_run_until(sc, &o, *out, enough, &w, err);
    if (rc != 0 && rc != RETSIM_EINTR) {
        retsim_experiment_destroy(*out);
        *out = NULL;
        return rc;
    }
    if (w.decided) { /* a stop request after the decision changes nothing */
        rc = 0;
    }
    keep(*out, &w, w.decided);
    res->batches = w.batches;
    res->replications = (*out)->n;
    res->reached = w.reached;
    res->stopped = rc == RETSIM_EINTR;
    res->verdict = w.verdict;
    return rc;
}
