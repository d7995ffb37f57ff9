/* retsim fit: a trace's names followed create -> owner's delete, per kind
 * (retsim/fit.h), and the fitted [workload.<kind>] sections written as INI. */
#include "retsim/fit.h"
#include "retsim/trace.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define MAX_KINDS 64

/* The first instance of one name, as the trace shows it. */
typedef struct name_entry {
    char *key;         /* kind \x1f parent \x1f name, then \0 and the owner's subscription */
    const char *owner; /* inside key's allocation */
    int kind;
    retsim_time born;
    retsim_time deleted; /* the owner's latest unrestored delete; -1: none */
    retsim_time down;    /* time spent deleted by accidents (delete to the owner's restore) */
    bool ended;          /* the name was created again after that delete: its life is known */
    bool lost;           /* an accident restored too late (options' retention): censored at the delete */
} name_entry;

typedef struct fit_state {
    const char *path;
    const retsim_fit_options *o;
    name_entry *slots; /* open addressing, a power of two, half full at most */
    size_t cap, used;
    char kinds[MAX_KINDS][64];
    uint64_t arrivals[MAX_KINDS];
    double *delays[MAX_KINDS]; /* accident (restored delete) to restore, days */
    size_t n_delays[MAX_KINDS], cap_delays[MAX_KINDS];
    size_t n_kinds;
    retsim_trace_clock clock;
    retsim_time last;
    uint64_t rows;
} fit_state;

static uint64_t hash_of(const char *s)
{
    uint64_t h = UINT64_C(1469598103934665603);
    for (; *s != '\0'; s++) {
        h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
    }
    return h;
}

static name_entry *slot_of(name_entry *slots, size_t cap, const char *key)
{
    size_t i = hash_of(key) & (cap - 1);
    while (slots[i].key != NULL && strcmp(slots[i].key, key) != 0) {
        i = (i + 1) & (cap - 1);
    }
    return &slots[i];
}

static int grow(fit_state *s, retsim_error *err)
{
    size_t cap = s->cap == 0 ? 1024 : s->cap * 2;
    name_entry *slots = calloc(cap, sizeof *slots);
    if (slots == NULL) {
        return retsim_error_set(err, RETSIM_ENOMEM, s->path, 0, NULL, "out of memory for %zu names", s->used);
    }
    for (size_t i = 0; i < s->cap; i++) {
        if (s->slots[i].key != NULL) {
            *slot_of(slots, cap, s->slots[i].key) = s->slots[i];
        }
    }
    free(s->slots);
    s->slots = slots;
    s->cap = cap;
    return 0;
}

static int kind_index(fit_state *s, const char *kind, retsim_error *err)
{
    for (size_t i = 0; i < s->n_kinds; i++) {
        if (strcmp(s->kinds[i], kind) == 0) {
            return (int)i;
        }
    }
    if (s->n_kinds == MAX_KINDS || strlen(kind) >= sizeof s->kinds[0]) {
        return retsim_error_set(err, RETSIM_EINPUT, s->path, 0, "kind",
                                "more than %d kinds, or a kind name of "
                                "63 bytes or more: '%.40s'",
                                MAX_KINDS, kind);
    }
    snprintf(s->kinds[s->n_kinds], sizeof s->kinds[0], "%s", kind);
    return (int)s->n_kinds++;
}

/* A name's first create: a new name arrives. */
static int add_name(fit_state *s, name_entry *e, const char *key, const retsim_trace_row *row, retsim_time t,
                    retsim_error *err)
{
    int k = kind_index(s, row->field[RETSIM_COL_KIND], err);
    if (k < 0) {
        return k;
    }
    const char *sub = row->field[RETSIM_COL_SUBSCRIPTION];
    size_t lk = strlen(key);
    char *mem = malloc(lk + strlen(sub) + 2);
    if (mem == NULL) {
        return retsim_error_set(err, RETSIM_ENOMEM, s->path, row->line, NULL, "out of memory for names");
    }
    memcpy(mem, key, lk + 1);
    strcpy(mem + lk + 1, sub);
    *e = (name_entry){.key = mem, .owner = mem + lk + 1, .kind = k, .born = t, .deleted = -1};
    s->used++;
    s->arrivals[k]++;
    return 0;
}

/* One restore delay of kind k. 0 or RETSIM_ENOMEM (err filled by the caller). */
static int add_delay(fit_state *s, int k, double days)
{
    if (s->n_delays[k] == s->cap_delays[k]) {
        size_t cap = s->cap_delays[k] == 0 ? 256 : 2 * s->cap_delays[k];
        double *d = realloc(s->delays[k], cap * sizeof *d);
        if (d == NULL) {
            return RETSIM_ENOMEM;
        }
        s->delays[k] = d;
        s->cap_delays[k] = cap;
    }
    s->delays[k][s->n_delays[k]++] = days;
    return 0;
}

/* What one row says about its name's first instance. Only the owner's
 * delete, restore and create count: a restore after a delete makes that
 * delete an accident; a create after it ends the life at the delete. */
static int follow(fit_state *s, name_entry *e, const char *op, const char *sub, retsim_time t)
{
    if (e->ended || strcmp(sub, e->owner) != 0) {
        if (!e->ended && e->deleted >= 0 && strcmp(op, "create") == 0) {
            e->ended = true; /* another subscription took the name: the owner's delete was final */
        }
        return 0;
    }
    if (strcmp(op, "delete") == 0 && e->deleted < 0) {
        e->deleted = t;
    } else if (strcmp(op, "restore") == 0 && e->deleted >= 0) {
        int rc = add_delay(s, e->kind, (double)(t - e->deleted) / (double)RETSIM_MS_PER_DAY);
        if (s->o->retention > 0 && t - e->deleted >= s->o->retention) {
            e->lost = true; /* too late: the accident took the instance, not its owner */
            e->ended = true;
            return rc;
        }
        e->down += t - e->deleted;
        e->deleted = -1;
        return rc;
    } else if (strcmp(op, "create") == 0 && e->deleted >= 0) {
        e->ended = true;
    }
    return 0;
}

static int on_row(void *ctx, const retsim_trace_row *row, retsim_error *err)
{
    fit_state *s = ctx;
    retsim_time t = 0;
    int rc = retsim_trace_time(&s->clock, s->path, row, &t, err);
    if (rc != 0) {
        return rc;
    }
    s->rows++;
    s->last = t;
    const char *kind = row->field[RETSIM_COL_KIND];
    const char *name = row->field[RETSIM_COL_NAME];
    if (name[0] == '\0' || (s->o->kind != NULL && strcmp(kind, s->o->kind) != 0)) {
        return 0;
    }
    char key[3 * 256];
    snprintf(key, sizeof key, "%.255s\x1f%.255s\x1f%.255s", kind, row->field[RETSIM_COL_PARENT], name);
    if (2 * (s->used + 1) > s->cap) {
        rc = grow(s, err);
        if (rc != 0) {
            return rc;
        }
    }
    name_entry *e = slot_of(s->slots, s->cap, key);
    const char *op = row->field[RETSIM_COL_OP];
    if (e->key == NULL) {
        return strcmp(op, "create") == 0 ? add_name(s, e, key, row, t, err) : 0;
    }
    if (follow(s, e, op, row->field[RETSIM_COL_SUBSCRIPTION], t) != 0) {
        return retsim_error_set(err, RETSIM_ENOMEM, s->path, row->line, NULL,
                                "out of memory for restore delays");
    }
    return 0;
}

/* Kind k's restore delays, all observed (a trace has the requests, late ones included). */
static int fit_delays(const fit_state *s, int k, retsim_fit_lifetime *out, retsim_error *err)
{
    size_t n = s->n_delays[k];
    bool *obs = malloc(n * sizeof *obs);
    if (obs == NULL) {
        return retsim_error_set(err, RETSIM_ENOMEM, s->path, 0, NULL, "out of memory for %zu delays", n);
    }
    for (size_t i = 0; i < n; i++) {
        obs[i] = true;
    }
    int rc = retsim_fit_lifetime_of(s->delays[k], obs, n, out, err);
    free(obs);
    return rc;
}

/* Kind k's lifetimes: ended at the owner's last unrestored delete, or
 * censored at the end of the span. */
static int fit_kind(const fit_state *s, int k, retsim_fit_kind *out, retsim_error *err)
{
    const double day = (double)RETSIM_MS_PER_DAY;
    snprintf(out->kind, sizeof out->kind, "%s", s->kinds[k]);
    int rc = retsim_fit_rate_of(s->arrivals[k], (double)s->last / day, &out->arrivals, err);
    if (rc != 0) {
        return rc;
    }
    size_t n = s->arrivals[k];
    double *t = malloc((n + 1) * sizeof *t);
    bool *obs = malloc((n + 1) * sizeof *obs);
    if (t == NULL || obs == NULL) {
        free(t);
        free(obs);
        return retsim_error_set(err, RETSIM_ENOMEM, s->path, 0, NULL, "out of memory for %zu lifetimes", n);
    }
    size_t m = 0;
    size_t events = 0;
    double active = 0;
    for (size_t i = 0; i < s->cap; i++) {
        const name_entry *e = &s->slots[i];
        if (e->key == NULL || e->kind != k) {
            continue;
        }
        obs[m] = e->deleted >= 0 && !e->lost;
        t[m] = (double)((e->deleted >= 0 ? e->deleted : s->last) - e->born) / day;
        events += obs[m] ? 1 : 0;
        active += t[m] - (double)e->down / day;
        m++;
    }
    out->has_lifetime = events >= 2;
    rc = out->has_lifetime ? retsim_fit_lifetime_of(t, obs, m, &out->lifetime, err) : 0;
    free(t);
    free(obs);
    if (rc == 0 && active > 0) {
        out->has_accidents = true;
        rc = retsim_fit_rate_of(s->n_delays[k], active, &out->accidents, err);
    }
    if (rc == 0 && s->n_delays[k] >= 2) {
        rc = fit_delays(s, k, &out->restore_delay, err);
        out->has_restore_delay = rc == 0;
    }
    return rc;
}

static void free_names(fit_state *s)
{
    for (size_t i = 0; i < s->cap; i++) {
        free(s->slots[i].key);
    }
    free(s->slots);
    for (size_t k = 0; k < MAX_KINDS; k++) {
        free(s->delays[k]);
    }
}

int retsim_fit_trace(const char *path, const retsim_fit_options *o, retsim_fit_result *out, retsim_error *err)
{
    memset(out, 0, sizeof *out);
    fit_state *s = calloc(1, sizeof *s);
    if (s == NULL) {
        return retsim_error_set(err, RETSIM_ENOMEM, path, 0, NULL, "out of memory");
    }
    s->path = path;
    s->o = o;
    int rc = retsim_trace_read(path, on_row, s, err);
    if (rc == 0 && o->horizon > 0 && o->horizon < s->last) {
        rc = retsim_error_set(err, RETSIM_EINPUT, path, 0, "horizon", "the horizon is before the last row");
    }
    if (rc == 0 && o->horizon > 0) {
        s->last = o->horizon;
    }
    if (rc == 0 && (s->n_kinds == 0 || s->last <= 0)) {
        rc = retsim_error_set(err, RETSIM_EINPUT, path, 0, "kind", "no create%s%s over a span longer than 0",
                              o->kind != NULL ? " of kind " : "", o->kind != NULL ? o->kind : "");
    }
    if (rc == 0) {
        out->kinds = calloc(s->n_kinds, sizeof *out->kinds);
        rc = out->kinds == NULL ? retsim_error_set(err, RETSIM_ENOMEM, path, 0, NULL, "out of memory") : 0;
    }
    for (size_t k = 0; rc == 0 && k < s->n_kinds; k++) {
        rc = fit_kind(s, (int)k, &out->kinds[k], err);
        out->n_kinds = k + 1;
    }
    out->rows = s->rows;
    out->span = s->last;
    free_names(s);
    free(s);
    if (rc != 0) {
        retsim_fit_result_free(out);
    }
    return rc;
}

void retsim_fit_result_free(retsim_fit_result *r)
{
    if (r == NULL) {
        return;
    }
    free(r->kinds);
    r->kinds = NULL;
    r->n_kinds = 0;
}

static const char *const family_name[RETSIM_FIT_FAMILIES] = {"exp", "lognormal", "weibull", "gamma"};

/* A duration in days as the scenario reader takes it: whole ms. */
static void days_text(double days, char *buf, size_t size)
{
    retsim_time_format(retsim_time_from_double(days * (double)RETSIM_MS_PER_DAY), buf, size);
}

static void write_model(FILE *out, const retsim_fit_model *m, bool best)
{
    static const char *const p1[RETSIM_FIT_FAMILIES] = {"", "sigma", "shape", "shape"};
    static const char *const p0[RETSIM_FIT_FAMILIES] = {"mean", "median", "scale", "scale"};
    if (!m->ok) {
        fprintf(out, ";   %s: did not converge\n", family_name[m->family]);
        return;
    }
    fprintf(out, ";   %s: %s = %.6gd, 95%% CI %.6g–%.6gd", family_name[m->family], p0[m->family], m->p[0],
            m->lo[0], m->hi[0]);
    if (m->n_params == 2) {
        fprintf(out, "; %s = %.6g, 95%% CI %.6g–%.6g", p1[m->family], m->p[1], m->lo[1], m->hi[1]);
    }
    fprintf(out, "; AIC %.2f, KS %.4f%s\n", m->aic, m->ks, best ? " (best by AIC)" : "");
}

/* The families' fits as comments and the best as `key = dist`. */
static void write_dist(FILE *out, const char *key, const retsim_fit_lifetime *l)
{
    for (int f = 0; f < RETSIM_FIT_FAMILIES; f++) {
        write_model(out, &l->model[f], f == l->best);
    }
    if (l->best < 0) {
        fprintf(out, "; no family converged: %s left unset\n", key);
        return;
    }
    const retsim_fit_model *m = &l->model[l->best];
    char d[64];
    days_text(m->p[0], d, sizeof d);
    if (m->family == RETSIM_FIT_EXP) {
        fprintf(out, "%s = exp(mean=%s)\n", key, d);
    } else if (m->family == RETSIM_FIT_LOGNORMAL) {
        fprintf(out, "%s = lognormal(median=%s, sigma=%.6g)\n", key, d, m->p[1]);
    } else if (m->family == RETSIM_FIT_WEIBULL) {
        fprintf(out, "%s = weibull(scale=%s, shape=%.6g)\n", key, d, m->p[1]);
    } else {
        fprintf(out, "%s = gamma(shape=%.6g, scale=%s)\n", key, m->p[1], d);
    }
}

static void write_accidents(FILE *out, const retsim_fit_kind *fk)
{
    /* Comment lines stay short: the scenario reader takes lines of at most 197 bytes. */
    const retsim_fit_rate *a = &fk->accidents;
    fprintf(out,
            "; accidents (deletes the owner restored): n = %" PRIu64 " over %.6g active instance-days, "
            "95%% CI %.6g–%.6g/d\n"
            "; (Poisson, exact); an accident never restored looks like the owner's delete, so this is\n"
            "; accidental_deletes x notice_probability\n",
            a->n, a->exposure_days, a->lo, a->hi);
    fprintf(out, "accidental_deletes = %.6g/d\n", a->per_day);
    if (a->n == 0) {
        return;
    }
    fputs("notice_probability = 1\n", out);
    if (fk->has_restore_delay) {
        fprintf(out,
                "; restore delay (accident to restore): n = %zu, none censored (a trace holds late restores "
                "too)\n",
                fk->restore_delay.n);
        write_dist(out, "restore_delay", &fk->restore_delay);
    }
}

void retsim_fit_write_ini(FILE *out, const retsim_fit_result *r, const char *trace_name)
{
    char span[64];
    retsim_time_format(r->span, span, sizeof span);
    fprintf(out, "; fitted by retsim fit from %s: %" PRIu64 " rows observed over %s\n", trace_name, r->rows,
            span);
    for (size_t k = 0; k < r->n_kinds; k++) {
        const retsim_fit_kind *fk = &r->kinds[k];
        fprintf(out, "\n[workload.%s]\n", fk->kind);
        fprintf(out, "; new names: n = %" PRIu64 " over %.6gd, 95%% CI %.6g–%.6g/d (Poisson, exact)\n",
                fk->arrivals.n, fk->arrivals.exposure_days, fk->arrivals.lo, fk->arrivals.hi);
        fprintf(out, "arrivals = %.6g/d\n", fk->arrivals.per_day);
        if (fk->has_lifetime) {
            const retsim_fit_lifetime *l = &fk->lifetime;
            fprintf(
                out,
                "; lifetime: n = %zu instances, %zu ended by the owner's delete, %zu censored at the end\n"
                "; (maximum likelihood; KS against the Kaplan-Meier curve)\n",
                l->n, l->events, l->n - l->events);
            write_dist(out, "lifetime", l);
        } else {
            fputs("; lifetime: fewer than 2 deletes ended a life, not fitted (none: kept)\n", out);
        }
        if (fk->has_accidents) {
            write_accidents(out, fk);
        }
    }
}
