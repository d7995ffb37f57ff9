/* The workload generator: arrivals, lifecycles, accidents, restores, purges,
 * re-creates and policy changes, as kernel events that issue registry requests. */
#include "retsim/generator.h"

#include "base/chunks.h"
#include "retsim/rng.h"
#include "retsim/trace.h"

#include <gsl/gsl_randist.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NONE RETSIM_NAME_NONE

/* Random sources: each draw's stream is keyed by (source, entity, draw). */
enum {
    SRC_ARRIVAL = 1,
    SRC_THINNING,
    SRC_SUB_TYPE,
    SRC_TENANT,
    SRC_OWNER,
    SRC_PARENT,
    SRC_REGION,
    SRC_LIFETIME,
    SRC_ACCIDENT,
    SRC_NOTICE,
    SRC_RESTORE_DELAY,
    SRC_API_VERSION,
    SRC_PURGE,
    SRC_PURGE_DELAY,
    SRC_PURGE_PERMISSION,
    SRC_RECREATE,
    SRC_RECREATE_DELAY,
    SRC_RECREATE_OTHER,
    SRC_PROVISIONING,
    SRC_SWITCH,
    /* issue 12: new ids go last, so the streams above keep their keys */
    SRC_DELETE_RETENTION,
    SRC_CREATE_RETENTION,
    SRC_FORCE,
    SRC_RESTORE_PERMISSION,
    SRC_SIZE,
    SRC_OVERWRITE,
};

typedef struct life {          /* 64 bytes: one cache line */
    uint64_t entity;           /* stream key of this lifecycle */
    retsim_time end_of_life;   /* RETSIM_TIME_NEVER without a lifetime */
    retsim_time deleted_at;    /* the intentional delete, for re-create delays */
    retsim_event_id eol_event; /* pending end of life */
    retsim_event_id acc_event; /* pending accidental delete */
    uint32_t slot, sub, region;
    uint32_t active_pos; /* index in the kind's active list, NONE if not in it */
    uint16_t kind;
    uint16_t draws;      /* accidents and deletes so far: the draw index */
    uint16_t generation; /* re-creates so far */
    uint16_t retries;
} life;

typedef struct active_list {
    uint32_t *lives;
    uint32_t n, cap;
} active_list;

typedef struct kind_state {
    uint64_t arrivals;   /* candidate arrivals so far (the arrival stream's draw index) */
    uint64_t names;      /* names issued */
    double rate_max;     /* arrival rate bound for thinning, per ms */
    bool is_parent;      /* a workload kind lives inside this one: keep `active` */
    bool rules;          /* a key of issue 12's rules is set: see rule_options */
    bool create_options; /* a new instance's create may carry options: see create_options */
    bool overwrites;     /* the owner creates its live instance again now and then: see overwrite_next */
    active_list active;  /* lives whose instance is ACTIVE: parents to pick from */
    /* counts by the acting subscription's type (population order); the
     * re-create delays live in by_type[0] only (they are not split by type) */
    retsim_generator_stats by_type[RETSIM_MAX_CHOICES];
} kind_state;

struct retsim_generator {
    retsim_sim *sim;
    const retsim_scenario *sc;
    retsim_registry *reg;
    retsim_kernel *k;
    retsim_rng *rng;
    FILE *trace;
    bool trace_sized; /* the trace has the size_gb column: some kind's workload has sizes */
    retsim_time horizon;
    /* population */
    uint32_t n_subs;
    uint32_t *sub_ids;   /* registry subscription ids by population index */
    uint32_t *sub_index; /* population index by registry id */
    uint32_t *sub_tenant, *sub_type;
    uint32_t *region_ids;
    int32_t api_versions[RETSIM_MAX_CHOICES];
    const char *api_version_text[RETSIM_MAX_CHOICES]; /* as a trace writes it: "" for current */
    /* lifecycles */
    chunks lives; /* 64-byte lives in 2 MiB chunks: growth copies nothing */
    uint32_t n_lives, free_head;
    kind_state kinds[RETSIM_MAX_KINDS];
    /* kernel handler ids */
    uint32_t ev_arrival, ev_eol, ev_accident, ev_restore, ev_purge, ev_recreate, ev_change, ev_overwrite;
    /* per life, made only when a kind has overwrites: the epoch of its chain
     * of overwrites (a pending one of an older epoch is dropped) and how many
     * it has had (their draw index) */
    uint32_t (*ow)[2];
    uint32_t cap_ow;
    /* names are tracked (retsim_registry_new_name), so that the registry
     * reuses the slots of names nobody can name again: a scenario without
     * policy changes (a set_policy walks slots in order) */
    bool reuse;
    int error;
};

/* ---- helpers ---- */

static void fail(retsim_generator *g, int rc)
{
    if (rc != 0 && g->error == 0) {
        g->error = rc;
        retsim_kernel_stop(g->k, rc);
    }
}

static double uniform(retsim_generator *g, uint32_t src, uint64_t entity, uint64_t draw)
{
    return retsim_rng_uniform(g->rng, src, entity, draw);
}

/* A decision with probability p. A draw is u in [0, 1), so p <= 0 and p >= 1
 * decide without one: the same answer, without the work. */
static bool chance(retsim_generator *g, double p, uint32_t src, uint64_t entity, uint64_t draw)
{
    return p >= 1 || (p > 0 && uniform(g, src, entity, draw) < p);
}

static retsim_time sample(retsim_generator *g, const retsim_dist *d, uint32_t src, uint64_t entity,
                          uint64_t draw)
{
    return retsim_dist_sample(d, retsim_rng_stream(g->rng, src, entity, draw));
}

static int pick(const retsim_choices *c, double u)
{
    for (int i = 0; i < c->n - 1; i++) {
        if (u < c->weight[i]) {
            return i;
        }
        u -= c->weight[i];
    }
    return c->n - 1;
}

static const retsim_workload *spec_of(const retsim_generator *g, int kind)
{
    return &g->sc->workloads[kind];
}

/* The counters of `kind` for what subscription `sub` (a registry id) does. */
static retsim_generator_stats *stats_of(retsim_generator *g, int kind, uint32_t sub)
{
    return &g->kinds[kind].by_type[g->sub_type[g->sub_index[sub]]];
}

static bool is_conflict(retsim_outcome o)
{
    return o == RETSIM_OUT_CONFLICT_ACTIVE || o == RETSIM_OUT_CONFLICT_SOFT_DELETED ||
           o == RETSIM_OUT_CONFLICT_RESERVED;
}

/* The payload of a lifecycle's event: its life, and its slot for the
 * prefetch hook (on_life_ahead), which then needs no load to find it. */
static uint64_t life_data(const life *l, uint32_t id)
{
    return id | (uint64_t)l->slot << 32;
}

static int schedule(retsim_generator *g, retsim_time at, uint32_t type, uint64_t data, retsim_event_id *id)
{
    if (id != NULL) {
        *id = RETSIM_EVENT_NONE;
    }
    if (at >= g->horizon) {
        return 0; /* never runs: do not hold memory for it */
    }
    return retsim_kernel_schedule(g->k, at, type, data, id);
}

/* ---- the trace of what was issued ---- */

/* The row of a request about to be applied, in the trace's own format. */
static void trace_row(retsim_generator *g, const retsim_request *rq, const char *api_version)
{
    char time[64], parent[512] = "", tenant[32] = "", options[RETSIM_TRACE_OPTIONS_MAX], size[32];
    char name[RETSIM_REGISTRY_NAME_MAX];
    retsim_time_format(retsim_kernel_now(g->k), time, sizeof time);
    uint32_t slot = rq->named ? rq->slot : NONE;
    uint32_t p = rq->sub != NONE ? g->sub_index[rq->sub] : NONE;
    if (p != NONE && g->sc->population.tenants > 0) {
        snprintf(tenant, sizeof tenant, "tenant-%04" PRIu32, g->sub_tenant[p]);
    }
    if (slot != NONE) {
        retsim_registry_parent_path(g->reg, slot, parent, sizeof parent);
    }
    retsim_trace_options_format(rq, options, sizeof options);
    retsim_trace_row row = {.line = 0};
    row.field[RETSIM_COL_TIME] = time;
    row.field[RETSIM_COL_OP] = retsim_op_name(rq->op);
    row.field[RETSIM_COL_KIND] = g->sc->policies[rq->kind].kind;
    row.field[RETSIM_COL_SUBSCRIPTION] = p != NONE ? retsim_registry_subscription_name(g->reg, rq->sub) : "";
    row.field[RETSIM_COL_NAME] =
        slot != NONE ? retsim_registry_slot_name(g->reg, slot, name, sizeof name) : "";
    row.field[RETSIM_COL_TENANT] = tenant;
    row.field[RETSIM_COL_SUB_TYPE] = p != NONE ? g->sc->population.sub_types.name[g->sub_type[p]] : "";
    row.field[RETSIM_COL_PARENT] = parent;
    row.field[RETSIM_COL_REGION] = rq->region != NONE ? g->sc->population.regions.name[rq->region] : "";
    row.field[RETSIM_COL_API_VERSION] = api_version;
    row.field[RETSIM_COL_OPTIONS] = options;
    row.size_column = g->trace_sized;
    if (g->trace_sized) {
        retsim_trace_size_format(rq, size, sizeof size);
        row.field[RETSIM_COL_SIZE_GB] = size;
    }
    retsim_trace_write_row(g->trace, &row);
}

static int issue(retsim_generator *g, const retsim_request *rq, retsim_result *res, const char *api_version)
{
    if (g->trace != NULL) {
        trace_row(g, rq, api_version);
    }
    int rc = retsim_registry_apply(g->reg, rq, res);
    fail(g, rc);
    return rc;
}

/* ---- lives ---- */

#define LIFE_BITS 15 /* 2^15 lives of 64 bytes: a 2 MiB chunk, one huge page */

static inline life *life_at(const retsim_generator *g, uint32_t id)
{
    return (life *)g->lives.chunk[id >> LIFE_BITS] + (id & ((UINT32_C(1) << LIFE_BITS) - 1));
}

_Static_assert(sizeof(life) == 64, "a life is one cache line");

static uint32_t life_new(retsim_generator *g)
{
    if (g->free_head != NONE) {
        uint32_t id = g->free_head;
        g->free_head = life_at(g, id)->slot; /* the free list runs through `slot` */
        return id;
    }
    /* cache-line aligned chunks: a record costs one miss, not two, and
     * growing never holds an old and a new copy of every life at once */
    if (g->n_lives == NONE - 1 || chunks_ensure(&g->lives, (uint64_t)g->n_lives + 1) != 0) {
        fail(g, RETSIM_ENOMEM);
        return NONE;
    }
    return g->n_lives++;
}

static void active_add(retsim_generator *g, uint32_t id)
{
    life *l = life_at(g, id);
    if (!g->kinds[l->kind].is_parent) {
        l->active_pos = NONE;
        return; /* nobody picks from this kind: no list to keep */
    }
    active_list *a = &g->kinds[l->kind].active;
    if (a->n == a->cap) {
        uint32_t cap = a->cap ? a->cap * 2 : 256;
        uint32_t *v = realloc(a->lives, (size_t)cap * sizeof *v);
        if (v == NULL) {
            fail(g, RETSIM_ENOMEM);
            return;
        }
        a->lives = v;
        a->cap = cap;
    }
    l->active_pos = a->n;
    a->lives[a->n++] = id;
}

static void active_remove(retsim_generator *g, uint32_t id)
{
    life *l = life_at(g, id);
    if (l->active_pos == NONE) {
        return;
    }
    active_list *a = &g->kinds[l->kind].active;
    uint32_t last = a->lives[--a->n];
    a->lives[l->active_pos] = last;
    life_at(g, last)->active_pos = l->active_pos;
    l->active_pos = NONE;
}

static void life_free(retsim_generator *g, uint32_t id)
{
    life *l = life_at(g, id);
    if (id < g->cap_ow) {
        g->ow[id][0]++; /* its pending overwrite, if any, is dropped */
    }
    active_remove(g, id);
    retsim_kernel_cancel(g->k, l->eol_event);
    retsim_kernel_cancel(g->k, l->acc_event);
    l->eol_event = l->acc_event = RETSIM_EVENT_NONE;
    retsim_registry_release(g->reg, l->slot);
    l->slot = g->free_head;
    g->free_head = id;
}

static void schedule_accident(retsim_generator *g, uint32_t id)
{
    life *l = life_at(g, id);
    const retsim_workload *w = spec_of(g, l->kind);
    if (w->accidental_deletes.per_ms <= 0) {
        return;
    }
    double mean = 1.0 / w->accidental_deletes.per_ms;
    gsl_rng *r = retsim_rng_stream(g->rng, SRC_ACCIDENT, l->entity, l->draws);
    /* a tiny accident rate has a mean of 1e30 ms or more: clamp before adding */
    retsim_time at = retsim_kernel_now(g->k) + retsim_time_from_double(gsl_ran_exponential(r, mean));
    if (at < l->end_of_life) {
        fail(g, schedule(g, at, g->ev_accident, life_data(l, id), &l->acc_event));
    }
}

static void overwrite_next(retsim_generator *g, uint32_t id, bool fresh);

/* A fresh lifecycle of an ACTIVE instance: end of life and the first accident. */
static void start_life(retsim_generator *g, uint32_t id)
{
    life *l = life_at(g, id);
    const retsim_workload *w = spec_of(g, l->kind);
    l->draws = 0;
    l->retries = 0;
    l->end_of_life = RETSIM_TIME_NEVER;
    l->eol_event = l->acc_event = RETSIM_EVENT_NONE;
    if (w->lifetime.kind != RETSIM_DIST_NONE) {
        l->end_of_life = retsim_kernel_now(g->k) + sample(g, &w->lifetime, SRC_LIFETIME, l->entity, 0);
        fail(g, schedule(g, l->end_of_life, g->ev_eol, life_data(l, id), &l->eol_event));
    }
    schedule_accident(g, id);
    active_add(g, id);
    if (g->kinds[l->kind].overwrites) {
        overwrite_next(g, id, true);
    }
}

static void create_children(retsim_generator *g, uint32_t parent_life);

/* The next overwrite of life id (fresh: a new chain, the old one dropped):
 * an exponential wait at the kind's rate per active instance. Out of line:
 * only kinds with overwrites come here. */
__attribute__((noinline)) static void overwrite_next(retsim_generator *g, uint32_t id, bool fresh)
{
    if (id >= g->cap_ow) {
        uint32_t cap = g->cap_ow ? g->cap_ow * 2 : 1024; /* doubling: a realloc per life would copy */
        if (cap <= id) {
            cap = id + 1;
        }
        void *p = realloc(g->ow, (size_t)cap * sizeof *g->ow);
        if (p == NULL) {
            fail(g, RETSIM_ENOMEM);
            return;
        }
        g->ow = p;
        memset(g->ow + g->cap_ow, 0, (size_t)(cap - g->cap_ow) * sizeof *g->ow);
        g->cap_ow = cap;
    }
    life *l = life_at(g, id);
    g->ow[id][0] += fresh;
    gsl_rng *r = retsim_rng_stream(g->rng, SRC_OVERWRITE, l->entity, g->ow[id][1]);
    double mean = 1.0 / spec_of(g, l->kind)->overwrites.per_ms;
    retsim_time at = retsim_kernel_now(g->k) + retsim_time_from_double(gsl_ran_exponential(r, mean));
    if (at < l->end_of_life) {
        fail(g, schedule(g, at, g->ev_overwrite, id | (uint64_t)g->ow[id][0] << 32, NULL));
    }
}

/* The options of issue 12's rules that request rq carries, drawn from the
 * kind's [workload] keys with draw index `draw` of lifecycle `entity`. Called
 * only for a kind that sets one of those keys (kind_state.rules) and kept out
 * of line, so the requests of every other kind cost what they did. */
__attribute__((noinline)) static void rule_options(retsim_generator *g, retsim_request *rq, uint64_t entity,
                                                   uint64_t draw, bool intentional)
{
    const retsim_workload *w = spec_of(g, rq->kind);
    if (rq->op == RETSIM_OP_CREATE && w->size.kind != RETSIM_DIST_NONE) {
        /* held as 1000 units per GB (retsim/scenario.h) */
        rq->size_gb = (float)((double)sample(g, &w->size, SRC_SIZE, entity, draw) / 1000.0);
    }
    if (rq->op == RETSIM_OP_CREATE && w->create_retention.kind != RETSIM_DIST_NONE) {
        rq->retention_ms = sample(g, &w->create_retention, SRC_CREATE_RETENTION, entity, draw);
    } else if (rq->op == RETSIM_OP_DELETE) {
        if (w->delete_retention.kind != RETSIM_DIST_NONE) {
            rq->retention_ms = sample(g, &w->delete_retention, SRC_DELETE_RETENTION, entity, draw);
        }
        rq->force = intentional && chance(g, w->force_delete_probability, SRC_FORCE, entity, draw);
    } else if (rq->op == RETSIM_OP_RESTORE) {
        rq->restore_permission =
            chance(g, w->restore_permission_probability, SRC_RESTORE_PERMISSION, entity, draw);
    }
}

/* The options of a new instance's create: failed provisioning, its own
 * soft-delete switch, the rules' options. Out of line, for the kinds that set
 * one of their keys (kind_state.create_options): the others skip them all. */
__attribute__((noinline)) static void create_options(retsim_generator *g, retsim_request *rq, uint64_t entity)
{
    const retsim_workload *w = spec_of(g, rq->kind);
    if (chance(g, w->failed_provisioning_probability, SRC_PROVISIONING, entity, 0)) {
        rq->provisioning_failed = true;
    }
    if (w->soft_delete_on_probability >= 0) {
        rq->soft_delete_switch = chance(g, w->soft_delete_on_probability, SRC_SWITCH, entity, 0);
    }
    if (g->kinds[rq->kind].rules) {
        rule_options(g, rq, entity, 0, false);
    }
}

/* Create a new name of `kind` for a new lifecycle. */
static void spawn(retsim_generator *g, int kind, uint64_t entity, uint32_t parent_life)
{
    kind_state *ks = &g->kinds[kind];
    uint32_t sub, parent_slot = NONE;
    int parent_kind = g->sc->policies[kind].parent;
    if (parent_kind >= 0) {
        if (parent_life == NONE) { /* an arrival: into a uniformly chosen active parent */
            active_list *a = &g->kinds[parent_kind].active;
            if (a->n == 0) {
                ks->by_type[0].no_parent++; /* no request, so no subscription to count it by */
                return;
            }
            parent_life = a->lives[(uint32_t)(uniform(g, SRC_PARENT, entity, 0) * a->n)];
        }
        parent_slot = life_at(g, parent_life)->slot;
        sub = life_at(g, parent_life)->sub;
    } else {
        sub = g->sub_ids[(uint32_t)(uniform(g, SRC_OWNER, entity, 0) * g->n_subs)];
    }
    retsim_request rq = retsim_request_make(RETSIM_OP_CREATE, kind, sub, NONE);
    int rc = retsim_registry_new_name(g->reg, kind, parent_slot, ++ks->names, g->reuse, &rq.slot);
    if (rc != 0) {
        fail(g, rc);
        return;
    }
    rq.region = g->region_ids[(uint32_t)(uniform(g, SRC_REGION, entity, 0) * g->sc->population.regions.n)];
    if (ks->create_options) {
        create_options(g, &rq, entity);
    }
    retsim_result res;
    if (issue(g, &rq, &res, "") != 0) {
        return;
    }
    retsim_generator_stats *st = stats_of(g, kind, sub);
    st->create_intents++; /* a new name: an intent at its first (and only) attempt */
    if (is_conflict(res.outcome)) {
        st->intents_refused++;
    }
    if (res.outcome != RETSIM_OUT_OK) {
        retsim_registry_release(g->reg, rq.slot); /* nothing made: nobody names it again */
        return;
    }
    st->arrivals++;
    uint32_t id = life_new(g);
    if (id == NONE) {
        return;
    }
    /* the life takes over the reference new_name gave */
    life *l = life_at(g, id);
    memset(l, 0, sizeof *l);
    l->entity = entity;
    l->slot = rq.slot;
    l->sub = sub;
    l->region = rq.region;
    l->kind = (uint16_t)kind;
    l->active_pos = NONE;
    start_life(g, id);
    if (ks->is_parent) { /* only a kind some workload kind lives in has children to make */
        create_children(g, id);
    }
}

static void create_children(retsim_generator *g, uint32_t parent_life)
{
    int parent_kind = life_at(g, parent_life)->kind;
    for (int k = 0; k < g->sc->n_policies; k++) {
        const retsim_workload *w = spec_of(g, k);
        if (!w->enabled || g->sc->policies[k].parent != parent_kind) {
            continue;
        }
        for (int i = 0; i < w->per_parent; i++) {
            uint64_t entity =
                retsim_rng_mix(life_at(g, parent_life)->entity ^ ((uint64_t)(k + 1) << 32) ^ (uint64_t)i);
            spawn(g, k, entity, parent_life);
        }
    }
}

/* ---- event handlers ---- */

/* Rate at time t relative to the mean, from the daily and weekly profiles. */
static double profile_at(const retsim_workload *w, retsim_time t)
{
    double f = 1;
    if (w->daily.n) {
        f *= w->daily.weight[(t / RETSIM_MS_PER_HOUR) % 24];
    }
    if (w->weekly.n) {
        f *= w->weekly.weight[(t / RETSIM_MS_PER_DAY) % 7];
    }
    return f;
}

static void on_arrival(void *ctx, retsim_kernel *k, uint64_t data)
{
    retsim_generator *g = ctx;
    int kind = (int)data;
    kind_state *ks = &g->kinds[kind];
    const retsim_workload *w = spec_of(g, kind);
    uint64_t n = ks->arrivals++;
    uint64_t entity = ((uint64_t)(kind + 1) << 40) | n;
    double accept =
        profile_at(w, retsim_kernel_now(k)) * w->arrivals.per_ms * g->sc->settings.scale / ks->rate_max;
    if (accept >= 1 || uniform(g, SRC_THINNING, (uint64_t)kind, n) < accept) {
        spawn(g, kind, entity, NONE);
    }
    double gap =
        gsl_ran_exponential(retsim_rng_stream(g->rng, SRC_ARRIVAL, (uint64_t)kind, n + 1), 1 / ks->rate_max);
    fail(g, schedule(g, retsim_kernel_now(k) + retsim_time_from_double(gap), g->ev_arrival, data, NULL));
}

static const char *api_version_for(retsim_generator *g, life *l, int32_t *v)
{
    const retsim_choices *c = &g->sc->population.api_versions;
    int i = c->n > 1 ? pick(c, uniform(g, SRC_API_VERSION, l->entity, l->draws)) : 0;
    *v = g->api_versions[i];
    return g->api_version_text[i]; /* decided once at creation: no string compare per delete */
}

/* A delete of the life's instance: an intentional one may be forced; either
 * may ask for a retention. Draws are keyed by the delete's index (draws). */
__attribute__((always_inline)) static inline retsim_outcome delete_now(retsim_generator *g, uint32_t id,
                                                                       bool intentional)
{
    life *l = life_at(g, id);
    retsim_request rq = retsim_request_make(RETSIM_OP_DELETE, l->kind, l->sub, l->slot);
    const char *api = api_version_for(g, l, &rq.api_version);
    if (g->kinds[l->kind].rules) {
        rule_options(g, &rq, l->entity, l->draws, intentional);
    }
    l->draws++;
    retsim_result res;
    return issue(g, &rq, &res, api) == 0 ? res.outcome : RETSIM_OUT_NOT_FOUND;
}

static void after_intentional_delete(retsim_generator *g, uint32_t id);

static void on_eol(void *ctx, retsim_kernel *k, uint64_t data)
{
    retsim_generator *g = ctx;
    uint32_t id = (uint32_t)data;
    life *l = life_at(g, id);
    const retsim_workload *w = spec_of(g, l->kind);
    l->eol_event = RETSIM_EVENT_NONE;
    retsim_outcome o = delete_now(g, id, true);
    if (o == RETSIM_OUT_SOFT_DELETED || o == RETSIM_OUT_HARD_DELETED) {
        after_intentional_delete(g, id);
    } else if (o == RETSIM_OUT_BLOCKED_CHILDREN || o == RETSIM_OUT_BLOCKED_FAILED_PROVISIONING) {
        if (l->retries < w->retry_limit) {
            l->retries++;
            fail(g, schedule(g, retsim_kernel_now(k) + w->retry_interval, g->ev_eol, life_data(l, id),
                             &l->eol_event));
        } else {
            stats_of(g, l->kind, l->sub)->deletes_abandoned++;
            life_free(g, id); /* the instance stays, nobody acts on it any more */
        }
    } else {
        life_free(g, id);
    }
}

static void after_intentional_delete(retsim_generator *g, uint32_t id)
{
    life *l = life_at(g, id);
    const retsim_workload *w = spec_of(g, l->kind);
    retsim_time now = retsim_kernel_now(g->k);
    active_remove(g, id);
    retsim_kernel_cancel(g->k, l->acc_event);
    l->acc_event = RETSIM_EVENT_NONE;
    l->deleted_at = now;
    if (chance(g, w->purge_probability, SRC_PURGE, l->entity, 0)) {
        retsim_time at = now + sample(g, &w->purge_delay, SRC_PURGE_DELAY, l->entity, 0);
        uint64_t permission = chance(g, w->purge_permission_probability, SRC_PURGE_PERMISSION, l->entity, 0);
        /* the purge acts on the name, not the lifecycle (which may be re-created first),
         * and holds the name until it has run */
        retsim_event_id ev;
        fail(g, schedule(g, at, g->ev_purge, ((uint64_t)l->slot << 32) | ((uint64_t)l->sub << 1) | permission,
                         &ev));
        if (ev != RETSIM_EVENT_NONE) {
            retsim_registry_hold(g->reg, l->slot);
        }
    }
    if (chance(g, w->recreate_probability, SRC_RECREATE, l->entity, 0)) {
        if (g->n_subs > 1 &&
            chance(g, w->recreate_other_subscription_probability, SRC_RECREATE_OTHER, l->entity, 0)) {
            uint32_t other = (uint32_t)(uniform(g, SRC_RECREATE_OTHER, l->entity, 1) * (g->n_subs - 1));
            uint32_t own = g->sub_index[l->sub];
            l->sub = g->sub_ids[other >= own ? other + 1 : other];
        }
        l->retries = 0;
        retsim_time at = now + sample(g, &w->recreate_delay, SRC_RECREATE_DELAY, l->entity, 0);
        fail(g, schedule(g, at, g->ev_recreate, life_data(l, id), &l->eol_event));
        if (l->eol_event == RETSIM_EVENT_NONE) {
            life_free(g, id); /* past the horizon */
        }
        return;
    }
    life_free(g, id);
}

static void on_accident(void *ctx, retsim_kernel *k, uint64_t data)
{
    retsim_generator *g = ctx;
    uint32_t id = (uint32_t)data;
    life *l = life_at(g, id);
    const retsim_workload *w = spec_of(g, l->kind);
    retsim_generator_stats *st = stats_of(g, l->kind, l->sub);
    l->acc_event = RETSIM_EVENT_NONE;
    uint16_t draw = l->draws;
    retsim_outcome o = delete_now(g, id, false);
    if (o == RETSIM_OUT_SOFT_DELETED) {
        st->accidental_deletes++;
        retsim_kernel_cancel(k, l->eol_event);
        l->eol_event = RETSIM_EVENT_NONE;
        active_remove(g, id);
        if (chance(g, w->notice_probability, SRC_NOTICE, l->entity, draw)) {
            retsim_time at =
                retsim_kernel_now(k) + sample(g, &w->restore_delay, SRC_RESTORE_DELAY, l->entity, draw);
            fail(g, schedule(g, at, g->ev_restore, life_data(l, id), &l->acc_event));
            if (l->acc_event != RETSIM_EVENT_NONE) {
                return;
            }
        } else {
            st->unnoticed++;
        }
        life_free(g, id);
    } else if (o == RETSIM_OUT_HARD_DELETED) {
        st->accidental_deletes++;
        st->accidental_hard_deletes++;
        life_free(g, id);
    } else { /* blocked: the accident did not happen; another may */
        schedule_accident(g, id);
    }
}

static void on_restore(void *ctx, retsim_kernel *k, uint64_t data)
{
    retsim_generator *g = ctx;
    uint32_t id = (uint32_t)data;
    life *l = life_at(g, id);
    l->acc_event = RETSIM_EVENT_NONE;
    retsim_request rq = retsim_request_make(RETSIM_OP_RESTORE, l->kind, l->sub, l->slot);
    rq.region = l->region;
    if (g->kinds[l->kind].rules) {
        rule_options(g, &rq, l->entity, l->draws, false);
    }
    retsim_result res;
    if (issue(g, &rq, &res, "") != 0 || res.outcome != RETSIM_OUT_OK) {
        life_free(g, id); /* expired: data loss, counted by the registry's outcome */
        return;
    }
    active_add(g, id);
    if (retsim_kernel_now(k) >= l->end_of_life) {
        on_eol(g, k, id); /* its life ended while it was deleted */
        return;
    }
    if (l->end_of_life != RETSIM_TIME_NEVER) {
        fail(g, schedule(g, l->end_of_life, g->ev_eol, life_data(l, id), &l->eol_event));
    }
    schedule_accident(g, id);
    if (g->kinds[l->kind].overwrites) {
        overwrite_next(g, id, true);
    }
}

/* The owner creates its live instance again: `updated` (with overwrite =
 * keep the registry keeps the old content as a soft-deleted generation). A
 * chain of an older epoch, or of an instance no longer ACTIVE, ends here. */
static void on_overwrite(void *ctx, retsim_kernel *k, uint64_t data)
{
    (void)k;
    retsim_generator *g = ctx;
    uint32_t id = (uint32_t)data;
    life *l = life_at(g, id);
    if ((uint32_t)(data >> 32) != g->ow[id][0] ||
        retsim_registry_state(g->reg, l->slot) != RETSIM_STATE_ACTIVE) {
        return;
    }
    retsim_request rq = retsim_request_make(RETSIM_OP_CREATE, l->kind, l->sub, l->slot);
    rq.region = l->region;
    if (g->kinds[l->kind].rules) { /* draws above any re-create's (1 + retries) */
        rule_options(g, &rq, l->entity, 0x10000u + g->ow[id][1], false);
    }
    g->ow[id][1]++;
    retsim_result res;
    if (issue(g, &rq, &res, "") == 0) {
        overwrite_next(g, id, false);
    }
}

static void on_purge(void *ctx, retsim_kernel *k, uint64_t data)
{
    (void)k;
    retsim_generator *g = ctx;
    uint32_t slot = (uint32_t)(data >> 32);
    uint32_t sub = (uint32_t)(data & 0xffffffffu) >> 1;
    retsim_request rq =
        retsim_request_make(RETSIM_OP_PURGE, retsim_registry_slot_kind(g->reg, slot), sub, slot);
    rq.purge_permission = (data & 1) != 0;
    retsim_result res;
    if (issue(g, &rq, &res, "") == 0) {
        retsim_registry_release(g->reg, slot);
    }
}

/* A successful re-create: its delay, and a fresh lifecycle. */
static void recreated(retsim_generator *g, uint32_t id, retsim_generator_stats *st)
{
    life *l = life_at(g, id);
    retsim_generator_stats *d = &g->kinds[l->kind].by_type[0];
    st->recreates_ok++;
    if (d->n_recreate_delay == d->cap_recreate_delay) {
        size_t cap = d->cap_recreate_delay ? d->cap_recreate_delay * 2 : 256;
        double *v = realloc(d->recreate_delay_h, cap * sizeof *v);
        if (v == NULL) {
            fail(g, RETSIM_ENOMEM);
            return;
        }
        d->recreate_delay_h = v;
        d->cap_recreate_delay = cap;
    }
    d->recreate_delay_h[d->n_recreate_delay++] =
        (double)(retsim_kernel_now(g->k) - l->deleted_at) / (double)RETSIM_MS_PER_HOUR;
    l->generation++;
    l->entity = retsim_rng_mix(l->entity + l->generation);
    start_life(g, id);
}

static void on_recreate(void *ctx, retsim_kernel *k, uint64_t data)
{
    retsim_generator *g = ctx;
    uint32_t id = (uint32_t)data;
    life *l = life_at(g, id);
    const retsim_workload *w = spec_of(g, l->kind);
    l->eol_event = RETSIM_EVENT_NONE;
    retsim_request rq = retsim_request_make(RETSIM_OP_CREATE, l->kind, l->sub, l->slot);
    rq.region = l->region;
    if (g->kinds[l->kind].rules) { /* draw 0 was the first create's */
        rule_options(g, &rq, l->entity, 1u + l->retries, false);
    }
    retsim_result res;
    if (issue(g, &rq, &res, "") != 0) {
        return;
    }
    retsim_generator_stats *st = stats_of(g, l->kind, l->sub);
    bool conflict = is_conflict(res.outcome);
    if (l->retries == 0) { /* the first attempt is the intent; retries are not new ones */
        st->create_intents++;
        st->recreates++;
        st->intents_refused += conflict;
        st->recreates_refused += conflict;
    } else {
        st->create_retries++; /* counted when issued: a retry due after the horizon never happens */
    }
    if (res.outcome == RETSIM_OUT_OK) {
        recreated(g, id, st);
        return;
    }
    if (conflict && l->retries < w->retry_limit) {
        l->retries++;
        fail(g, schedule(g, retsim_kernel_now(k) + w->retry_interval, g->ev_recreate, life_data(l, id),
                         &l->eol_event));
        if (l->eol_event != RETSIM_EVENT_NONE) {
            return;
        }
    } else {
        st->recreates_abandoned++;
    }
    life_free(g, id);
}

static void on_change(void *ctx, retsim_kernel *k, uint64_t data)
{
    (void)k;
    retsim_generator *g = ctx;
    const retsim_change *c = &g->sc->changes[data];
    retsim_request rq = retsim_request_make(RETSIM_OP_SET_POLICY, c->kind, NONE, NONE);
    rq.named = false;
    rq.change = c->change;
    retsim_result res;
    issue(g, &rq, &res, "");
}

/* ---- set-up ---- */

static int make_population(retsim_generator *g)
{
    const retsim_population *p = &g->sc->population;
    g->n_subs = (uint32_t)p->subscriptions;
    g->sub_ids = calloc(g->n_subs, sizeof *g->sub_ids);
    g->sub_index = calloc(g->n_subs, sizeof *g->sub_index);
    g->sub_tenant = calloc(g->n_subs, sizeof *g->sub_tenant);
    g->sub_type = calloc(g->n_subs, sizeof *g->sub_type);
    g->region_ids = calloc((size_t)p->regions.n, sizeof *g->region_ids);
    if (g->sub_ids == NULL || g->sub_index == NULL || g->sub_tenant == NULL || g->sub_type == NULL ||
        g->region_ids == NULL) {
        return RETSIM_ENOMEM;
    }
    for (uint32_t i = 0; i < g->n_subs; i++) {
        if ((i & (RETSIM_KERNEL_POLL - 1)) == 0 && retsim_kernel_interrupted(g->k)) {
            return RETSIM_EINTR; /* millions of subscriptions take seconds: Ctrl-C must not wait */
        }
        char name[32], tenant[32] = "";
        snprintf(name, sizeof name, "sub-%06" PRIu32, i + 1);
        g->sub_type[i] =
            p->sub_types.n > 1 ? (uint32_t)pick(&p->sub_types, uniform(g, SRC_SUB_TYPE, i, 0)) : 0;
        if (p->tenants > 0) {
            g->sub_tenant[i] = 1 + (uint32_t)(uniform(g, SRC_TENANT, i, 0) * (double)p->tenants);
            snprintf(tenant, sizeof tenant, "tenant-%04" PRIu32, g->sub_tenant[i]);
        }
        const char *why = NULL;
        int rc = retsim_registry_subscription(g->reg, name, tenant, p->sub_types.name[g->sub_type[i]],
                                              &g->sub_ids[i], &why);
        if (rc != 0) {
            return rc;
        }
        if (g->sub_ids[i] != i) { /* the registry was empty: ids follow population order */
            return RETSIM_EUSAGE;
        }
        g->sub_index[i] = i;
    }
    for (int i = 0; i < p->regions.n; i++) {
        int rc = retsim_registry_region(g->reg, p->regions.name[i], &g->region_ids[i]);
        if (rc != 0) {
            return rc;
        }
        if (g->region_ids[i] != (uint32_t)i) { /* ids follow population order: trace rows rely on it */
            return RETSIM_EUSAGE;
        }
    }
    for (int i = 0; i < p->api_versions.n; i++) {
        g->api_versions[i] = RETSIM_APIVER_CURRENT;
        g->api_version_text[i] = "";
        if (strcmp(p->api_versions.name[i], "current") != 0) {
            retsim_apiver_parse(p->api_versions.name[i], &g->api_versions[i], NULL);
            g->api_version_text[i] = p->api_versions.name[i];
        }
    }
    return 0;
}

/* Prefetch hooks (retsim_kernel_set_prefetch): a lifecycle's event will
 * read its life and its slot; a purge, its slot. */
static void on_life_ahead(void *ctx, uint64_t data)
{
    const retsim_generator *g = ctx;
    uint32_t id = (uint32_t)data;
    if (id < g->n_lives) {
        __builtin_prefetch(life_at(g, id), 1);
    }
    retsim_registry_prefetch(g->reg, (uint32_t)(data >> 32));
}

static void on_purge_ahead(void *ctx, uint64_t data)
{
    const retsim_generator *g = ctx;
    retsim_registry_prefetch(g->reg, (uint32_t)(data >> 32));
}

int retsim_generator_create(retsim_sim *sim, uint64_t seed, uint32_t replication, retsim_generator **out)
{
    if (out == NULL) {
        return RETSIM_EUSAGE;
    }
    *out = NULL;
    if (sim == NULL) {
        return RETSIM_EUSAGE;
    }
    retsim_generator *g = calloc(1, sizeof *g);
    if (g == NULL) {
        return RETSIM_ENOMEM;
    }
    g->sim = sim;
    g->sc = retsim_sim_scenario(sim);
    g->reg = retsim_sim_registry(sim);
    g->k = retsim_sim_kernel(sim);
    g->horizon = g->sc->settings.horizon;
    g->free_head = NONE;
    chunks_init(&g->lives, sizeof(life), LIFE_BITS);
    g->rng = retsim_rng_create(seed, replication);
    const struct {
        retsim_handler fn;
        uint32_t *type;
    } handlers[] = {{on_arrival, &g->ev_arrival},   {on_eol, &g->ev_eol},
                    {on_accident, &g->ev_accident}, {on_restore, &g->ev_restore},
                    {on_purge, &g->ev_purge},       {on_recreate, &g->ev_recreate},
                    {on_change, &g->ev_change},     {on_overwrite, &g->ev_overwrite}};
    int rc = g->rng == NULL ? RETSIM_ENOMEM : 0;
    for (size_t i = 0; rc == 0 && i < sizeof handlers / sizeof handlers[0]; i++) {
        rc = retsim_kernel_register(g->k, handlers[i].fn, g, handlers[i].type);
    }
    const uint32_t life_types[] = {g->ev_eol, g->ev_accident, g->ev_restore, g->ev_recreate};
    for (size_t i = 0; rc == 0 && i < sizeof life_types / sizeof life_types[0]; i++) {
        rc = retsim_kernel_set_prefetch(g->k, life_types[i], on_life_ahead);
    }
    if (rc == 0) {
        rc = retsim_kernel_set_prefetch(g->k, g->ev_purge, on_purge_ahead);
    }
    if (rc == 0) {
        rc = make_population(g);
    }
    if (rc != 0) {
        retsim_generator_destroy(g);
        return rc;
    }
    *out = g;
    return 0;
}

void retsim_generator_destroy(retsim_generator *g)
{
    if (g == NULL) {
        return;
    }
    for (int k = 0; k < RETSIM_MAX_KINDS; k++) {
        free(g->kinds[k].active.lives);
        free(g->kinds[k].by_type[0].recreate_delay_h);
    }
    chunks_free(&g->lives);
    free(g->ow);
    free(g->sub_ids);
    free(g->sub_index);
    free(g->sub_tenant);
    free(g->sub_type);
    free(g->region_ids);
    retsim_rng_destroy(g->rng);
    free(g);
}

void retsim_generator_set_trace(retsim_generator *g, FILE *trace)
{
    g->trace = trace;
    g->trace_sized = retsim_generator_sized(g);
}

bool retsim_generator_sized(const retsim_generator *g)
{
    for (int kind = 0; kind < g->sc->n_policies; kind++) {
        if (spec_of(g, kind)->enabled && spec_of(g, kind)->size.kind != RETSIM_DIST_NONE) {
            return true;
        }
    }
    return false;
}

int retsim_generator_start(retsim_generator *g)
{
    g->reuse = g->sc->n_changes == 0;
    for (int kind = 0; kind < g->sc->n_policies; kind++) {
        const retsim_workload *w = spec_of(g, kind);
        int parent = g->sc->policies[kind].parent;
        if (w->enabled && parent >= 0) {
            g->kinds[parent].is_parent = true;
        }
        g->kinds[kind].rules = w->delete_retention.kind != RETSIM_DIST_NONE ||
                               w->create_retention.kind != RETSIM_DIST_NONE ||
                               w->force_delete_probability > 0 || w->restore_permission_probability < 1 ||
                               w->size.kind != RETSIM_DIST_NONE;
        g->kinds[kind].overwrites = w->enabled && w->overwrites.per_ms > 0;
        g->kinds[kind].create_options = g->kinds[kind].rules || w->failed_provisioning_probability > 0 ||
                                        w->soft_delete_on_probability >= 0;
    }
    for (int kind = 0; kind < g->sc->n_policies; kind++) {
        const retsim_workload *w = spec_of(g, kind);
        kind_state *ks = &g->kinds[kind];
        if (!w->enabled || w->arrivals.per_ms <= 0 || g->sc->settings.scale <= 0) {
            continue;
        }
        /* thinning: candidates arrive at the peak rate, each kept with rate(t) / peak */
        double peak = (w->daily.n ? w->daily.max : 1) * (w->weekly.n ? w->weekly.max : 1);
        ks->rate_max = w->arrivals.per_ms * g->sc->settings.scale * peak;
        double gap =
            gsl_ran_exponential(retsim_rng_stream(g->rng, SRC_ARRIVAL, (uint64_t)kind, 0), 1 / ks->rate_max);
        int rc = schedule(g, retsim_time_from_double(gap), g->ev_arrival, (uint64_t)kind, NULL);
        if (rc != 0) {
            return rc;
        }
    }
    for (int c = 0; c < g->sc->n_changes; c++) {
        int rc = schedule(g, g->sc->changes[c].at, g->ev_change, (uint64_t)c, NULL);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

void retsim_generator_reset_stats(retsim_generator *g)
{
    for (int k = 0; k < RETSIM_MAX_KINDS; k++) {
        retsim_generator_stats *st = &g->kinds[k].by_type[0];
        double *keep = st->recreate_delay_h;
        size_t cap = st->cap_recreate_delay;
        memset(g->kinds[k].by_type, 0, sizeof g->kinds[k].by_type);
        st->recreate_delay_h = keep;
        st->cap_recreate_delay = cap;
    }
}

static void add_counts(retsim_generator_stats *sum, const retsim_generator_stats *s)
{
    sum->arrivals += s->arrivals;
    sum->create_intents += s->create_intents;
    sum->intents_refused += s->intents_refused;
    sum->accidental_deletes += s->accidental_deletes;
    sum->accidental_hard_deletes += s->accidental_hard_deletes;
    sum->unnoticed += s->unnoticed;
    sum->recreates += s->recreates;
    sum->recreates_refused += s->recreates_refused;
    sum->recreates_ok += s->recreates_ok;
    sum->recreates_abandoned += s->recreates_abandoned;
    sum->create_retries += s->create_retries;
    sum->deletes_abandoned += s->deletes_abandoned;
    sum->no_parent += s->no_parent;
}

retsim_generator_stats retsim_generator_stats_of(const retsim_generator *g, int kind)
{
    retsim_generator_stats sum;
    memset(&sum, 0, sizeof sum);
    for (int k = kind >= 0 ? kind : 0; k < (kind >= 0 ? kind + 1 : g->sc->n_policies); k++) {
        for (int t = 0; t < RETSIM_MAX_CHOICES; t++) {
            add_counts(&sum, &g->kinds[k].by_type[t]);
        }
    }
    if (kind >= 0) {
        sum.recreate_delay_h = g->kinds[kind].by_type[0].recreate_delay_h;
        sum.n_recreate_delay = g->kinds[kind].by_type[0].n_recreate_delay;
    }
    return sum;
}

retsim_generator_stats retsim_generator_stats_of_type(const retsim_generator *g, int kind, int type)
{
    retsim_generator_stats sum;
    memset(&sum, 0, sizeof sum);
    for (int k = kind >= 0 ? kind : 0; k < (kind >= 0 ? kind + 1 : g->sc->n_policies); k++) {
        add_counts(&sum, &g->kinds[k].by_type[type]);
    }
    sum.recreate_delay_h = NULL; /* delays are not split by type */
    sum.n_recreate_delay = 0;
    return sum;
}
