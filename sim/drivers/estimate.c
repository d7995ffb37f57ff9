/* The expected size of a run, from the scenario alone (see estimate.h). */
#include "retsim/estimate.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* snprintf that may cut: a reason is for a person, and a cut one still names its key */
static void put(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void put(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
}

const char *retsim_estimate_format(double x, char *buf, size_t size)
{
    if (!isfinite(x)) {
        snprintf(buf, size, "infinitely many");
        return buf;
    }
    if (x < 1e6) {
        snprintf(buf, size, "%.0f", x);
        return buf;
    }
    char raw[32];
    snprintf(raw, sizeof raw, "%.2g", x); /* "1.5e+08" */
    char *e = strchr(raw, 'e');
    if (e == NULL) {
        snprintf(buf, size, "%s", raw);
        return buf;
    }
    const char *exp = e + 1;
    while (*exp == '+' || *exp == '0') {
        exp++;
    }
    snprintf(buf, size, "%.*se%s", (int)(e - raw), raw, exp);
    return buf;
}

/* Names of each kind one replication creates: its own arrivals, and
 * per_parent with every new name of its parent (a chain of parents is
 * resolved by going round once per level). */
static void names_of(const retsim_scenario *sc, double *names, double *arrivals)
{
    double h = (double)sc->settings.horizon;
    for (int k = 0; k < sc->n_policies; k++) {
        const retsim_workload *w = &sc->workloads[k];
        arrivals[k] = w->enabled ? w->arrivals.per_ms * sc->settings.scale * h : 0;
        names[k] = arrivals[k];
    }
    for (int level = 0; level < sc->n_policies; level++) {
        for (int k = 0; k < sc->n_policies; k++) {
            int p = sc->policies[k].parent;
            const retsim_workload *w = &sc->workloads[k];
            if (w->enabled && p >= 0 && w->per_parent > 0) {
                names[k] = arrivals[k] + w->per_parent * names[p];
            }
        }
    }
}

/* Kernel events of one name's lifecycles after its create: the end of life,
 * the automatic purge, an explicit purge and a re-create when the end falls
 * inside the run; accidents with their automatic purge and restore while it
 * lives; and a re-create starting all that again. A name arrives on average
 * half way through the run, so it has half the horizon left. */
static double events_per_name(const retsim_workload *w, double horizon, double *lives_out)
{
    double life = w->lifetime.kind == RETSIM_DIST_NONE ? INFINITY : retsim_dist_mean(&w->lifetime);
    double half = horizon / 2;
    double lived = fmin(life, half);
    double ends = isfinite(life) ? fmin(1.0, half / fmax(life, 1)) : 0;
    double accidents = w->accidental_deletes.per_ms * lived;
    double per_life =
        ends * (2 + w->purge_probability + w->recreate_probability) + accidents * (2 + w->notice_probability);
    double q = w->recreate_probability * ends;
    double cycle = (isfinite(life) ? life : half) +
                   (w->recreate_delay.kind == RETSIM_DIST_NONE ? 0 : retsim_dist_mean(&w->recreate_delay));
    double lives = fmin(q < 1 ? 1 / (1 - q) : INFINITY, 1 + half / fmax(cycle, 1));
    *lives_out = lives;
    return lives * per_life;
}

/* A plain number as a person writes it: 1, 0.25, 1e30 (not 1e+30). */
static const char *number(double x, char *buf, size_t size)
{
    char raw[32];
    snprintf(raw, sizeof raw, "%.3g", x);
    size_t j = 0;
    for (size_t i = 0; raw[i] != '\0' && j + 1 < size; i++) {
        bool skip = (raw[i] == '+' || (raw[i] == '0' && i > 0 && (raw[i - 1] == 'e' || raw[i - 1] == '+'))) &&
                    raw[i + 1] != '\0';
        if (!skip) {
            buf[j++] = raw[i];
        }
    }
    buf[j] = '\0';
    return buf;
}

static void why_kind(const retsim_scenario *sc, int k, double per_name, double lives, bool by_parent,
                     retsim_estimate_why *y)
{
    const retsim_workload *w = &sc->workloads[k];
    const char *kind = sc->policies[k].kind;
    char h[64], scale[32], x[32];
    retsim_time_format(sc->settings.horizon, h, sizeof h);
    number(sc->settings.scale, scale, sizeof scale);
    size_t n = 0;
    if (by_parent) {
        int p = sc->policies[k].parent;
        put(y->key, sizeof y->key, "workload.%s.per_parent", kind);
        put(y->text, sizeof y->text,
            "workload.%s.per_parent=%d x the new names of %s (workload.%s.arrivals=%s x simulation.scale=%s "
            "x "
            "simulation.horizon=%s)",
            kind, w->per_parent, sc->policies[p].kind, sc->policies[p].kind, sc->workloads[p].arrivals.text,
            scale, h);
    } else {
        put(y->key, sizeof y->key, "workload.%s.arrivals", kind);
        put(y->text, sizeof y->text, "workload.%s.arrivals=%s x simulation.scale=%s x simulation.horizon=%s",
            kind, w->arrivals.text, scale, h);
    }
    n = strlen(y->text);
    if (lives > 10) { /* re-creates that start a lifecycle again and again: name them too */
        put(y->text + n, sizeof y->text - n,
            " x about %s lifecycles a name (workload.%s.recreate_probability=%s, lifetime=%s), %s events a "
            "name",
            number(lives, x, sizeof x), kind, number(w->recreate_probability, scale, sizeof scale),
            w->lifetime.text, number(per_name, h, sizeof h));
    } else {
        put(y->text + n, sizeof y->text - n, ", about %s events after each create",
            number(per_name, x, sizeof x));
    }
}

static void why_samples(const retsim_scenario *sc, int per_sample, retsim_estimate_why *y)
{
    char h[64], s[64];
    retsim_time_format(sc->settings.horizon, h, sizeof h);
    retsim_time_format(sc->settings.sample_every, s, sizeof s);
    put(y->key, sizeof y->key, "simulation.sample_every");
    put(y->text, sizeof y->text, "simulation.horizon=%s / simulation.sample_every=%s x %d row%s a sample", h,
        s, per_sample, per_sample == 1 ? "" : "s");
}

/* " x 10 replications x 4 sweep points" after a reason, when they apply. */
static void why_runs(retsim_estimate_why *y, double reps, double points)
{
    size_t n = strlen(y->text);
    if (reps > 1 && n < sizeof y->text) {
        n += (size_t)snprintf(y->text + n, sizeof y->text - n, " x %.0f replications", reps);
    }
    if (points > 1 && n < sizeof y->text) {
        snprintf(y->text + n, sizeof y->text - n, " x %.0f sweep points", points);
    }
}

void retsim_estimate_of(const retsim_scenario *sc, const retsim_estimate_options *o, retsim_estimate *out)
{
    memset(out, 0, sizeof *out);
    double names[RETSIM_MAX_KINDS], arrivals[RETSIM_MAX_KINDS];
    names_of(sc, names, arrivals);
    double h = (double)sc->settings.horizon, work = 0, top = -1, top_names = -1;
    for (int k = 0; k < sc->n_policies; k++) {
        const retsim_workload *w = &sc->workloads[k];
        if (!w->enabled) {
            continue;
        }
        /* candidates arrive at the peak rate of the daily and weekly profiles and are thinned */
        double peak = (w->daily.n ? w->daily.max : 1) * (w->weekly.n ? w->weekly.max : 1);
        double lives = 1;
        double per_name = events_per_name(w, h, &lives);
        double e = arrivals[k] * peak + names[k] * per_name;
        bool by_parent = names[k] - arrivals[k] > arrivals[k];
        work += e;
        out->names += names[k];
        if (e > top) {
            top = e;
            why_kind(sc, k, per_name, lives, by_parent, &out->events_why);
        }
        if (names[k] > top_names) {
            top_names = names[k];
            why_kind(sc, k, per_name, lives, by_parent, &out->names_why);
        }
    }
    int per_sample = sc->n_policies > 1 ? sc->n_policies + 1 : sc->n_policies;
    double samples = floor(h / (double)sc->settings.sample_every) + 1;
    double reps = o != NULL && o->replications > 1 ? o->replications : 1;
    double points = o != NULL && o->points > 1 ? o->points : 1;
    double logged = o != NULL ? work * ((o->events_csv ? 1 : 0) + (o->trace ? 1 : 0)) : 0;
    out->events = (work + samples + sc->n_changes) * reps * points;
    out->rows = (samples * per_sample + logged) * reps * points;
    if (samples > top) {
        why_samples(sc, per_sample, &out->events_why);
    }
    if (logged > samples * per_sample) {
        out->rows_why = out->events_why;
        put(out->rows_why.text, sizeof out->rows_why.text, "a row per operation in %s: %s",
            o->events_csv ? "events.csv (--events)" : "the trace (--trace-out)", out->events_why.text);
        put(out->rows_why.key, sizeof out->rows_why.key, "%s", o->events_csv ? "--events" : "--trace-out");
    } else {
        why_samples(sc, per_sample, &out->rows_why);
    }
    why_runs(&out->events_why, reps, points);
    why_runs(&out->rows_why, reps, points);
}

void retsim_estimate_add(retsim_estimate *sum, const retsim_estimate *point)
{
    sum->events += point->events;
    sum->rows += point->rows;
    if (point->events >= sum->largest_events) {
        sum->largest_events = point->events;
        sum->events_why = point->events_why;
    }
    if (point->rows >= sum->largest_rows) {
        sum->largest_rows = point->rows;
        sum->rows_why = point->rows_why;
    }
    if (point->names >= sum->names) {
        sum->names = point->names;
        sum->names_why = point->names_why;
    }
    sum->points++;
}

static int refuse(const retsim_scenario *sc, const char *what, double x, double limit,
                  const retsim_estimate_why *y, int sums, retsim_error *err)
{
    char a[32], b[32];
    char points[64] = "";
    if (sums > 1) {
        snprintf(points, sizeof points, " (the largest of %d sweep points)", sums);
    }
    return retsim_error_set(err, RETSIM_EINPUT, sc->path, 0, y->key,
                            "too large to run: about %s %s (limit %s): %s%s; use --force to run it anyway",
                            retsim_estimate_format(x, a, sizeof a), what,
                            retsim_estimate_format(limit, b, sizeof b), y->text, points);
}

int retsim_estimate_check(const retsim_scenario *sc, const retsim_estimate *e, retsim_error *err)
{
    if (!(e->events <= RETSIM_LIMIT_EVENTS)) {
        return refuse(sc, "events", e->events, RETSIM_LIMIT_EVENTS, &e->events_why, e->points, err);
    }
    if (!(e->names <= RETSIM_LIMIT_NAMES)) {
        return refuse(sc, "names in one replication", e->names, RETSIM_LIMIT_NAMES, &e->names_why, e->points,
                      err);
    }
    if (!(e->rows <= RETSIM_LIMIT_ROWS)) {
        return refuse(sc, "output rows", e->rows, RETSIM_LIMIT_ROWS, &e->rows_why, e->points, err);
    }
    return 0;
}
