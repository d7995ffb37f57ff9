/* retsim fit: a trace's names followed create -> owner's delete, per kind
 * (retsim/fit.h), and the fitted [workload.<kind>] sections written as INI. */
#include "retsim/fit.h"
#include "retsim/trace.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define MAX_KINDS 64
#define HOUR_MS   INT64_C(3600000)
#define DAY_MS    INT64_C(86400000)

/* What follows each delete of a name, over all its instances (the first
 * instance's lifetime is followed apart, in name_entry). Subscriptions as
 * 64-bit hashes: a collision among a trace's few thousand is negligible. */
typedef struct name_after {
    uint64_t c_sub, d_sub; /* the latest create's and delete's subscriptions */
    retsim_time c_t, d_t;  /* their times; -1: none since a delete (for c_t) or a create or restore (d_t) */
    retsim_time c_gap, d_gap;
    uint32_t c_run, d_run; /* repeats at c_gap / d_gap in a row */
    retsim_time pend;      /* the latest delete not yet resolved; -1: none */
    uint64_t pend_sub;
    retsim_time purge, recreate; /* delays after pend; -1: none (yet) */
    bool other;                  /* the recreate came from another subscription */
} name_after;

/* One intentional delete's outcome, as the trace shows it. */
typedef struct del_rec {
    retsim_time at, purge, recreate; /* delays; -1: none */
    bool other;
} del_rec;

/* One repeat: its spacing and its place in a run of repeats at that spacing. */
typedef struct gap_rec {
    retsim_time gap;
    uint32_t run;
} gap_rec;

/* What the rows after a name's first say, per kind. */
typedef struct kind_acc {
    uint64_t hour[24], wday[7]; /* new names by UTC hour of day and day of week (Monday first) */
    del_rec *dels;
    size_t n_dels, cap_dels;
    gap_rec *gaps;
    size_t n_gaps, cap_gaps;
    uint64_t born_with; /* names created at their parent's first create: per_parent children */
    uint64_t purges, purges_denied, restores, restores_denied; /* requests; denied: permission=false */
    int parent_kind;                                           /* the kind of those parents, + 1; 0: none */
} kind_acc;

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
    name_after a;
    uint32_t spawned; /* children created with it (of spawned_kind) */
    int spawned_kind; /* their kind + 1; 0: none */
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
    kind_acc acc[MAX_KINDS];
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

/* t as an instant whose day number mod 7 is the weekday, Monday 0: a
 * duration trace starts on a Monday 00:00 UTC (as the generator's profiles
 * do), an ISO trace at its first row's instant (1970-01-01 was a Thursday). */
static int64_t instant_of(const fit_state *s, retsim_time t)
{
    int64_t base = s->clock.iso ? s->clock.origin_ms + 3 * DAY_MS : 0;
    return base + t >= 0 ? base + t : 0;
}

/* Room for n + 1 elements of size bytes in *pp (a pointer to the array). */
static int reserve(void *pp, size_t *cap, size_t n, size_t size)
{
    if (n < *cap) {
        return 0;
    }
    void *old = NULL;
    memcpy(&old, pp, sizeof old);
    size_t c = *cap == 0 ? 256 : 2 * *cap;
    void *q = realloc(old, c * size);
    if (q == NULL) {
        return RETSIM_ENOMEM;
    }
    memcpy(pp, &q, sizeof q);
    *cap = c;
    return 0;
}

/* The entry of the parent path "p" or "g/p" (kind unknown: each is tried). */
static name_entry *parent_of(fit_state *s, const char *path)
{
    const char *slash = strrchr(path, '/');
    int len = slash != NULL ? (int)(slash - path) : 0;
    const char *pname = slash != NULL ? slash + 1 : path;
    char key[3 * 256];
    for (size_t j = 0; j < s->n_kinds; j++) {
        snprintf(key, sizeof key, "%s\x1f%.*s\x1f%.255s", s->kinds[j], len > 255 ? 255 : len, path, pname);
        name_entry *p = slot_of(s->slots, s->cap, key);
        if (p->key != NULL) {
            return p;
        }
    }
    return NULL;
}

/* A name's first create: a new name arrives, or a child with its parent. */
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
    e->a = (name_after){.c_sub = hash_of(sub), .c_t = t, .d_t = -1, .pend = -1, .purge = -1, .recreate = -1};
    s->used++;
    s->arrivals[k]++;
    name_entry *p =
        row->field[RETSIM_COL_PARENT][0] != '\0' ? parent_of(s, row->field[RETSIM_COL_PARENT]) : NULL;
    if (p != NULL && p->born == t) { /* the generator makes per_parent children in its parent's instant */
        s->acc[k].born_with++;
        s->acc[k].parent_kind = p->kind + 1;
        if (p->spawned_kind == 0 || p->spawned_kind == k + 1) {
            p->spawned_kind = k + 1;
            p->spawned++;
        }
        return 0;
    }
    int64_t at = instant_of(s, t);
    s->acc[k].hour[(at / HOUR_MS) % 24]++;
    s->acc[k].wday[(at / DAY_MS) % 7]++;
    return 0;
}

/* One restore delay of kind k. 0 or RETSIM_ENOMEM (err filled by the caller). */
static int add_delay(fit_state *s, int k, double days)
{
    if (reserve(&s->delays[k], &s->cap_delays[k], s->n_delays[k], sizeof(double)) != 0) {
        return RETSIM_ENOMEM;
    }
    s->delays[k][s->n_delays[k]++] = days;
    return 0;
}

/* The pending delete of e is over (the name is deleted again, or the trace
 * ends): its outcome joins its kind's. 0 or RETSIM_ENOMEM. */
static int resolve(fit_state *s, name_entry *e)
{
    name_after *a = &e->a;
    kind_acc *k = &s->acc[e->kind];
    if (a->pend < 0) {
        return 0;
    }
    if (reserve(&k->dels, &k->cap_dels, k->n_dels, sizeof *k->dels) != 0) {
        return RETSIM_ENOMEM;
    }
    k->dels[k->n_dels++] = (del_rec){a->pend, a->purge, a->recreate, a->other};
    a->pend = -1;
    return 0;
}

/* A create or delete by sub at t after the latest of the same op (*last_t,
 * by *last_sub): a repeat when the same caller, and its spacing joins the
 * kind's. 1 for a repeat, 0 if not, RETSIM_ENOMEM. */
static int run_step(fit_state *s, int kind, retsim_time *last_t, uint64_t *last_sub, retsim_time *gap,
                    uint32_t *run, uint64_t sub, retsim_time t)
{
    bool repeat = *last_t >= 0 && *last_sub == sub;
    retsim_time g = t - *last_t;
    *last_t = t;
    *last_sub = sub;
    if (!repeat) {
        *run = 0;
        return 0;
    }
    *run = *run > 0 && g == *gap ? *run + 1 : 1;
    *gap = g;
    kind_acc *k = &s->acc[kind];
    if (reserve(&k->gaps, &k->cap_gaps, k->n_gaps, sizeof *k->gaps) != 0) {
        return RETSIM_ENOMEM;
    }
    k->gaps[k->n_gaps++] = (gap_rec){g, *run};
    return 1;
}

/* What one row says about the name's deletes: a restore by the deleter
 * makes the delete an accident (dropped); a purge by the deleter and the
 * next create (by anyone) are its outcome. 0 or RETSIM_ENOMEM. */
static int track(fit_state *s, name_entry *e, const char *op, uint64_t sub, retsim_time t)
{
    name_after *a = &e->a;
    if (strcmp(op, "create") == 0) {
        a->d_t = -1;
        if (a->pend >= 0 && a->recreate < 0) {
            a->recreate = t - a->pend;
            a->other = sub != a->pend_sub;
        }
        return run_step(s, e->kind, &a->c_t, &a->c_sub, &a->c_gap, &a->c_run, sub, t) < 0 ? RETSIM_ENOMEM : 0;
    }
    if (strcmp(op, "delete") == 0) {
        a->c_t = -1;
        int r = run_step(s, e->kind, &a->d_t, &a->d_sub, &a->d_gap, &a->d_run, sub, t);
        if (r == 1 && a->pend >= 0) {
            a->pend = t; /* a refused delete retried: the outcome follows the last */
            return 0;
        }
        int rc = r < 0 ? RETSIM_ENOMEM : resolve(s, e);
        a->pend = t;
        a->pend_sub = sub;
        a->purge = -1;
        a->recreate = -1;
        return rc;
    }
    if (strcmp(op, "restore") == 0) {
        a->d_t = -1;
        if (a->pend >= 0 && sub == a->pend_sub) {
            a->pend = -1;
        }
    } else if (strcmp(op, "purge") == 0 && a->pend >= 0 && sub == a->pend_sub && a->purge < 0) {
        a->purge = t - a->pend;
    }
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

/* A purge or restore request, and whether its caller lacked the permission. */
static void count_permission(kind_acc *k, const char *op, const char *options)
{
    if (strcmp(op, "purge") == 0) {
        k->purges++;
        k->purges_denied += strstr(options, "purge_permission=false") != NULL;
    } else if (strcmp(op, "restore") == 0) {
        k->restores++;
        k->restores_denied += strstr(options, "restore_permission=false") != NULL;
    }
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
    if (name[0] == '\0') {
        return 0; /* every kind is followed, even with a --kind: a child's parent may be of another */
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
    count_permission(&s->acc[e->kind], op, row->field[RETSIM_COL_OPTIONS]);
    if (follow(s, e, op, row->field[RETSIM_COL_SUBSCRIPTION], t) != 0 ||
        track(s, e, op, hash_of(row->field[RETSIM_COL_SUBSCRIPTION]), t) != 0) {
        return retsim_error_set(err, RETSIM_ENOMEM, s->path, row->line, NULL, "out of memory for delays");
    }
    return 0;
}

/* Kind k's restore delays, all observed (a trace has the requests, late ones included). */
static int fit_delays(const fit_state *s, const double *d, size_t n, retsim_fit_lifetime *out,
                      retsim_error *err)
{
    bool *obs = malloc(n * sizeof *obs);
    if (obs == NULL) {
        return retsim_error_set(err, RETSIM_ENOMEM, s->path, 0, NULL, "out of memory for %zu delays", n);
    }
    for (size_t i = 0; i < n; i++) {
        obs[i] = true;
    }
    int rc = retsim_fit_lifetime_of(d, obs, n, out, err);
    free(obs);
    return rc;
}

static int by_gap(const void *a, const void *b)
{
    const gap_rec *x = a;
    const gap_rec *y = b;
    return x->gap != y->gap ? (x->gap < y->gap ? -1 : 1) : 0;
}

/* The retry interval: the most frequent spacing of repeats (the shorter at a
 * tie); the limit: the longest run at it. Sorts acc's repeats. */
static void fit_retry(kind_acc *acc, retsim_fit_kind *out)
{
    if (acc->n_gaps > 0) { /* qsort's array must not be NULL, even empty */
        qsort(acc->gaps, acc->n_gaps, sizeof *acc->gaps, by_gap);
    }
    size_t best = 0;
    size_t best_n = 0;
    for (size_t i = 0; i < acc->n_gaps;) {
        size_t j = i;
        while (j < acc->n_gaps && acc->gaps[j].gap == acc->gaps[i].gap) {
            j++;
        }
        if (j - i > best_n) {
            best = i;
            best_n = j - i;
        }
        i = j;
    }
    out->retry_repeats = acc->n_gaps;
    out->has_retry = best_n >= 2;
    if (!out->has_retry) {
        return;
    }
    out->retry_interval_days = (double)acc->gaps[best].gap / (double)DAY_MS;
    out->retry_at_interval = best_n;
    for (size_t i = best; i < best + best_n; i++) {
        if (acc->gaps[i].run > out->retry_limit) {
            out->retry_limit = acc->gaps[i].run;
            out->retry_at_limit = 0;
        }
        out->retry_at_limit += acc->gaps[i].run == out->retry_limit ? 1 : 0;
    }
}

/* The share of deletes (at least the longest delay before the end) that
 * `which` delay follows, and those delays in days into d (n_d of them). */
static void after_share(const kind_acc *acc, retsim_time last, bool purge, retsim_fit_prob *p, double *window,
                        double *d, size_t *n_d)
{
    retsim_time w = 0;
    *n_d = 0;
    for (size_t i = 0; i < acc->n_dels; i++) {
        retsim_time x = purge ? acc->dels[i].purge : acc->dels[i].recreate;
        if (x >= 0) {
            d[(*n_d)++] = (double)x / (double)DAY_MS;
            w = x > w ? x : w;
        }
    }
    uint64_t n = 0;
    uint64_t k = 0;
    for (size_t i = 0; i < acc->n_dels; i++) {
        retsim_time x = purge ? acc->dels[i].purge : acc->dels[i].recreate;
        if (acc->dels[i].at <= last - w) {
            n++;
            k += x >= 0 ? 1 : 0;
        }
    }
    retsim_fit_prob_of(k, n, p);
    *window = (double)w / (double)DAY_MS;
}

/* Children made with their parent: how many each parent of that kind got. */
static void fit_per_parent(const fit_state *s, int k, retsim_fit_kind *out)
{
    const kind_acc *acc = &s->acc[k];
    out->has_per_parent = acc->born_with > 0;
    if (!out->has_per_parent) {
        return;
    }
    snprintf(out->parent_kind, sizeof out->parent_kind, "%s", s->kinds[acc->parent_kind - 1]);
    out->per_parent_min = UINT32_MAX;
    for (size_t i = 0; i < s->cap; i++) {
        const name_entry *e = &s->slots[i];
        if (e->key == NULL || e->kind != acc->parent_kind - 1) {
            continue;
        }
        uint32_t c = e->spawned_kind == k + 1 ? e->spawned : 0;
        out->parents++;
        out->per_parent_min = c < out->per_parent_min ? c : out->per_parent_min;
        out->per_parent_max = c > out->per_parent_max ? c : out->per_parent_max;
    }
    out->per_parent_mean = (double)acc->born_with / (double)out->parents;
}

/* Profiles, purge, recreate and retry of kind k. */
static int fit_after(fit_state *s, int k, retsim_fit_kind *out, retsim_error *err)
{
    kind_acc *acc = &s->acc[k];
    int64_t shift = instant_of(s, 0);
    retsim_fit_profile_exposure(&out->daily, 24, HOUR_MS, shift, s->last);
    retsim_fit_profile_exposure(&out->weekly, 7, DAY_MS, shift, s->last);
    memcpy(out->daily.count, acc->hour, sizeof acc->hour);
    memcpy(out->weekly.count, acc->wday, sizeof acc->wday);
    retsim_fit_profile_finish(&out->daily);
    retsim_fit_profile_finish(&out->weekly);
    fit_retry(acc, out);
    fit_per_parent(s, k, out);
    double *d = malloc((acc->n_dels + 1) * sizeof *d);
    if (d == NULL) {
        return retsim_error_set(err, RETSIM_ENOMEM, s->path, 0, NULL, "out of memory for %zu deletes",
                                acc->n_dels);
    }
    size_t n_d = 0;
    int rc = 0;
    after_share(acc, s->last, true, &out->purge, &out->purge_window_days, d, &n_d);
    if (n_d >= 2) {
        rc = fit_delays(s, d, n_d, &out->purge_delay, err);
        out->has_purge_delay = rc == 0;
    }
    after_share(acc, s->last, false, &out->recreate, &out->recreate_window_days, d, &n_d);
    if (rc == 0 && n_d >= 2) {
        rc = fit_delays(s, d, n_d, &out->recreate_delay, err);
        out->has_recreate_delay = rc == 0;
    }
    uint64_t other = 0;
    for (size_t i = 0; i < acc->n_dels; i++) {
        other += acc->dels[i].recreate >= 0 && acc->dels[i].other ? 1 : 0;
    }
    retsim_fit_prob_of(other, n_d, &out->recreate_other);
    retsim_fit_prob_of(acc->purges - acc->purges_denied, acc->purges, &out->purge_permission);
    retsim_fit_prob_of(acc->restores - acc->restores_denied, acc->restores, &out->restore_permission);
    free(d);
    return rc;
}

/* Kind k's lifetimes: ended at the owner's last unrestored delete, or
 * censored at the end of the span. */
static int fit_kind(fit_state *s, int k, retsim_fit_kind *out, retsim_error *err)
{
    const double day = (double)RETSIM_MS_PER_DAY;
    snprintf(out->kind, sizeof out->kind, "%s", s->kinds[k]);
    int rc =
        retsim_fit_rate_of(s->arrivals[k] - s->acc[k].born_with, (double)s->last / day, &out->arrivals, err);
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
        rc = fit_delays(s, s->delays[k], s->n_delays[k], &out->restore_delay, err);
        out->has_restore_delay = rc == 0;
    }
    return rc == 0 ? fit_after(s, k, out, err) : rc;
}

static void free_names(fit_state *s)
{
    for (size_t i = 0; i < s->cap; i++) {
        free(s->slots[i].key);
    }
    free(s->slots);
    for (size_t k = 0; k < MAX_KINDS; k++) {
        free(s->delays[k]);
        free(s->acc[k].dels);
        free(s->acc[k].gaps);
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
    for (size_t i = 0; rc == 0 && i < s->cap; i++) {
        if (s->slots[i].key != NULL && resolve(s, &s->slots[i]) != 0) {
            rc = retsim_error_set(err, RETSIM_ENOMEM, path, 0, NULL, "out of memory for deletes");
        }
    }
    bool found = o->kind == NULL;
    for (size_t k = 0; !found && k < s->n_kinds; k++) {
        found = strcmp(o->kind, s->kinds[k]) == 0;
    }
    if (rc == 0 && (s->n_kinds == 0 || !found || s->last <= 0)) {
        rc = retsim_error_set(err, RETSIM_EINPUT, path, 0, "kind", "no create%s%s over a span longer than 0",
                              o->kind != NULL ? " of kind " : "", o->kind != NULL ? o->kind : "");
    }
    if (rc == 0) {
        out->kinds = calloc(s->n_kinds, sizeof *out->kinds);
        rc = out->kinds == NULL ? retsim_error_set(err, RETSIM_ENOMEM, path, 0, NULL, "out of memory") : 0;
    }
    for (size_t k = 0; rc == 0 && k < s->n_kinds; k++) {
        if (o->kind == NULL || strcmp(o->kind, s->kinds[k]) == 0) {
            rc = fit_kind(s, (int)k, &out->kinds[out->n_kinds], err);
            out->n_kinds++;
        }
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
