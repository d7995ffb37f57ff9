/* Generations: several instances under one name, for kinds whose
 * soft-deleted names are free (a new instance may take the name while the
 * soft-deleted one stays restorable) or whose overwrites keep the previous
 * content (blobs, objects). The newest instance of a name lives in its
 * slot, as for every kind; the older soft-deleted ones are `gen` records
 * hanging off the slot's side record, newest first, each with its own
 * automatic purge. Generations are numbered per name from 1 in creation
 * order (docs/semantics.md, "Generations"). */
#include "model/registry_impl.h"

#include "retsim/error.h"

#include <string.h>

#define GEN_BITS 12

static gen *gen_at(const retsim_registry *r, uint32_t index1)
{
    return chunks_at(&r->gens, index1 - 1);
}

static slot_ext *ext_of(const retsim_registry *r, uint32_t id)
{
    return chunks_at(&r->ext, id);
}

static void on_gen_purge(void *ctx, retsim_kernel *k, uint64_t data);

int registry_gens_init(retsim_registry *r)
{
    for (int k = 0; k < r->n_kinds; k++) {
        r->gens_kind[k] = registry_generations(&r->policies[k]);
        r->phase_kind[k] =
            registry_late_length(&r->policies[k]) > 0 || r->policies[k].bill_restored_retroactive;
        const retsim_policy *c = &r->policies[k];
        if (c->parent >= 0 &&
            (c->parent_delete != RETSIM_CASCADE_NONE || c->parent_purge || c->parent_restore)) {
            r->cascade_kind[c->parent] = true;
        }
    }
    chunks_init(&r->gens, sizeof(gen), GEN_BITS);
    return retsim_kernel_register(r->kernel, on_gen_purge, r, &r->gen_purge_type);
}

uint32_t registry_generation_of(const retsim_registry *r, uint32_t id)
{
    if ((uint64_t)id >= ((uint64_t)r->ext.n_chunks << r->ext.bits)) {
        return 0;
    }
    return ext_of(r, id)->generation;
}

int registry_gen_number(retsim_registry *r, uint32_t id)
{
    slot_ext *x = registry_ext(r, id);
    if (x == NULL) {
        return RETSIM_ENOMEM;
    }
    if (x->generations == UINT32_MAX) {
        return RETSIM_ERANGE;
    }
    x->generation = ++x->generations;
    return 0;
}

/* A fresh gen record (index + 1), or 0 when out of memory. */
static uint32_t gen_alloc(retsim_registry *r)
{
    if (r->gen_free != 0) {
        uint32_t g = r->gen_free;
        r->gen_free = gen_at(r, g)->older;
        return g;
    }
    if (r->gen_used == UINT32_MAX - 1 || chunks_ensure(&r->gens, (uint64_t)r->gen_used + 1) != 0) {
        return 0;
    }
    return ++r->gen_used;
}

static void gen_release(retsim_registry *r, uint32_t g)
{
    gen_at(r, g)->head = NONE; /* unused */
    gen_at(r, g)->older = r->gen_free;
    r->gen_free = g;
}

/* Link gen g in the slot's list of older generations, keeping it newest first. */
static void gen_link(retsim_registry *r, uint32_t id, uint32_t g)
{
    slot_ext *x = ext_of(r, id);
    uint32_t *at = &x->older;
    while (*at != 0 && gen_at(r, *at)->generation > gen_at(r, g)->generation) {
        at = &gen_at(r, *at)->older;
    }
    gen_at(r, g)->older = *at;
    *at = g;
}

static void gen_unlink(retsim_registry *r, uint32_t id, uint32_t g)
{
    uint32_t *at = &ext_of(r, id)->older;
    while (*at != g) {
        at = &gen_at(r, *at)->older;
    }
    *at = gen_at(r, g)->older;
}

static int gen_schedule(retsim_registry *r, uint32_t g)
{
    gen *e = gen_at(r, g);
    return retsim_kernel_schedule(r->kernel, e->scheduled_purge, r->gen_purge_type, g, &e->purge_event);
}

/* A gen record for the instance now in slot id, with the given times. */
static int gen_from_slot(retsim_registry *r, uint32_t id, retsim_time deletion, retsim_time purge,
                         uint32_t *out)
{
    const slot *s = slot_at(r, id);
    uint32_t g = gen_alloc(r);
    if (g == 0) {
        return RETSIM_ENOMEM;
    }
    *gen_at(r, g) = (gen){
        .deletion_time = deletion,
        .scheduled_purge = purge,
        .purge_event = RETSIM_EVENT_NONE,
        .head = id,
        .owner_sub = s->owner_sub,
        .generation = ext_of(r, id)->generation,
        .home_region = s->home_region,
        .size_gb = ext_of(r, id)->size_gb,
        .flags = (uint8_t)(s->flags & (F_PROTECT_SET | F_PROTECT_ON)),
    };
    gen_link(r, id, g);
    *out = g;
    return 0;
}

int registry_gen_spill(retsim_registry *r, uint32_t id)
{
    slot *s = slot_at(r, id);
    uint32_t g;
    int rc = gen_from_slot(r, id, s->deletion_time, s->scheduled_purge, &g);
    if (rc != 0) {
        return rc;
    }
    if (s->purge_event != RETSIM_EVENT_NONE) {
        retsim_kernel_cancel(r->kernel, s->purge_event);
        s->purge_event = RETSIM_EVENT_NONE;
    }
    rc = gen_schedule(r, g);
    if (rc != 0) {
        return rc;
    }
    s->state = RETSIM_STATE_ABSENT; /* the instance lives on in g: no count moves */
    ext_of(r, id)->size_gb = 0;     /* nor its size: it goes with it */
    s->deletion_time = s->scheduled_purge = RETSIM_TIME_NEVER;
    s->flags &= (uint8_t) ~(F_WAS_SOFT_DELETED | F_PROTECT_SET | F_PROTECT_ON);
    return 0;
}

int registry_gen_keep(retsim_registry *r, const retsim_request *rq, uint32_t id)
{
    retsim_time now = retsim_kernel_now(r->kernel);
    retsim_request del = *rq;
    del.retention_ms = RETSIM_TIME_NEVER; /* the kept content's retention is its instance's or kind's */
    uint32_t g;
    int rc = gen_from_slot(r, id, now, retsim_time_add(now, registry_retention_for(r, &del, id)), &g);
    if (rc != 0) {
        return rc;
    }
    const slot *s = slot_at(r, id);
    registry_account(r, s->kind, s->parent, s->owner_sub, RETSIM_STATE_ABSENT, RETSIM_STATE_SOFT_DELETED,
                     gen_at(r, g)->size_gb);
    return gen_schedule(r, g);
}

/* Report and remove gen g: its automatic purge (op auto_purge) or an
 * explicit purge's effect (the caller reports that one). */
static int gen_purge(retsim_registry *r, uint32_t g, bool report, retsim_reason why)
{
    gen *e = gen_at(r, g);
    const slot *s = slot_at(r, e->head);
    if (e->purge_event != RETSIM_EVENT_NONE) {
        retsim_kernel_cancel(r->kernel, e->purge_event);
        e->purge_event = RETSIM_EVENT_NONE;
    }
    registry_account(r, s->kind, s->parent, e->owner_sub, RETSIM_STATE_SOFT_DELETED, RETSIM_STATE_ABSENT,
                     e->size_gb);
    gen_unlink(r, e->head, g);
    retsim_result res;
    registry_fill(r, &res, RETSIM_OP_AUTO_PURGE, s->kind, e->owner_sub, e->head);
    res.named = true;
    res.before = RETSIM_STATE_SOFT_DELETED;
    res.after = RETSIM_STATE_PURGED;
    res.deletion_time = e->deletion_time;
    res.scheduled_purge = e->scheduled_purge;
    res.generation = e->generation;
    res.outcome = RETSIM_OUT_OK;
    res.reason = why;
    gen_release(r, g);
    return report ? registry_notify(r, &res) : 0;
}

static void on_gen_purge(void *ctx, retsim_kernel *k, uint64_t data)
{
    retsim_registry *r = ctx;
    uint32_t g = (uint32_t)data;
    gen_at(r, g)->purge_event = RETSIM_EVENT_NONE; /* it has fired */
    int rc = gen_purge(r, g, true, RETSIM_WHY_RETENTION_ENDED);
    if (rc != 0) {
        retsim_kernel_stop(k, rc);
    }
}

int registry_gens_expire(retsim_registry *r, uint32_t id)
{
    if ((uint64_t)id >= ((uint64_t)r->ext.n_chunks << r->ext.bits)) {
        return 0;
    }
    retsim_time now = retsim_kernel_now(r->kernel);
    /* oldest first, as their events would have run */
    for (;;) {
        uint32_t due = 0;
        for (uint32_t g = ext_of(r, id)->older; g != 0; g = gen_at(r, g)->older) {
            if (gen_at(r, g)->scheduled_purge <= now) {
                due = g;
            }
        }
        if (due == 0) {
            return 0;
        }
        int rc = gen_purge(r, due, true, RETSIM_WHY_RETENTION_ENDED);
        if (rc != 0) {
            return rc;
        }
    }
}

/* The caller's soft-deleted generation the request means: generation=N, or
 * the newest. In the slot: *g = 0 and *in_slot true. */
static void find_target(const retsim_registry *r, const retsim_request *rq, uint32_t *g, bool *in_slot)
{
    const slot *s = slot_at(r, rq->slot);
    const slot_ext *x = ext_of(r, rq->slot);
    *g = 0;
    *in_slot = s->state == RETSIM_STATE_SOFT_DELETED && s->owner_sub == rq->sub &&
               (rq->generation == 0 || rq->generation == x->generation);
    if (*in_slot) {
        return;
    }
    for (uint32_t i = x->older; i != 0; i = gen_at(r, i)->older) {
        const gen *e = gen_at(r, i);
        if (e->owner_sub == rq->sub && (rq->generation == 0 || rq->generation == e->generation)) {
            *g = i;
            return;
        }
    }
}

/* Take gen g back into its slot as the ACTIVE instance; the slot's own
 * instance, if any, moves out first (a live one only where the kind
 * replaces). Decrements come before increments, so no peak is overstated. */
static int gen_take_back(retsim_registry *r, const retsim_request *rq, uint32_t g)
{
    gen *e = gen_at(r, g);
    uint32_t id = e->head;
    slot *s = slot_at(r, id);
    registry_account(r, s->kind, s->parent, e->owner_sub, RETSIM_STATE_SOFT_DELETED, RETSIM_STATE_ABSENT,
                     e->size_gb);
    int rc = 0;
    if (s->state == RETSIM_STATE_ACTIVE) { /* replaced: it becomes a soft-deleted generation */
        registry_account(r, s->kind, s->parent, s->owner_sub, RETSIM_STATE_ACTIVE, RETSIM_STATE_ABSENT,
                         ext_of(r, id)->size_gb);
        rc = registry_gen_keep(r, rq, id);
        s->state = RETSIM_STATE_ABSENT;
        ext_of(r, id)->size_gb = 0;
    } else if (s->state == RETSIM_STATE_SOFT_DELETED) { /* a newer soft-deleted one: it moves aside */
        rc = registry_gen_spill(r, id);
    }
    if (rc != 0) {
        return rc;
    }
    e = gen_at(r, g); /* gen records may have grown */
    if (e->purge_event != RETSIM_EVENT_NONE) {
        retsim_kernel_cancel(r->kernel, e->purge_event);
    }
    s->owner_sub = e->owner_sub;
    s->home_region = e->home_region;
    s->deletion_time = s->scheduled_purge = RETSIM_TIME_NEVER;
    s->flags = (uint8_t)((s->flags & ~(F_WAS_SOFT_DELETED | F_PROTECT_SET | F_PROTECT_ON)) | e->flags);
    ext_of(r, id)->generation = e->generation;
    ext_of(r, id)->size_gb = e->size_gb; /* set_state below counts it ACTIVE */
    gen_unlink(r, id, g);
    gen_release(r, g);
    registry_set_state(r, s, RETSIM_STATE_ACTIVE);
    return 0;
}

static retsim_outcome gen_restore_check(const retsim_registry *r, const retsim_request *rq, const gen *e)
{
    const slot *s = slot_at(r, e->head);
    const retsim_policy *p = policy_of(r, s);
    if (p->restore_needs_permission && !rq->restore_permission) {
        return RETSIM_OUT_FORBIDDEN;
    }
    if (p->restore_requires_home_region && rq->region != e->home_region) {
        return RETSIM_OUT_WRONG_REGION;
    }
    if (s->state == RETSIM_STATE_ACTIVE &&
        (p->restore_when_taken == RETSIM_TAKEN_REFUSE || s->owner_sub != rq->sub)) {
        return RETSIM_OUT_NAME_TAKEN;
    }
    return RETSIM_OUT_OK;
}

/* The outcome of a purge of gen g (the permission was checked before). */
static int gen_purge_request(retsim_registry *r, uint32_t g, retsim_outcome *out)
{
    const gen *e = gen_at(r, g);
    const slot *s = slot_at(r, e->head);
    bool protect =
        (e->flags & F_PROTECT_SET) ? (e->flags & F_PROTECT_ON) != 0 : policy_of(r, s)->purge_protection;
    if (protect) {
        *out = RETSIM_OUT_PURGE_PROTECTED;
        return 0;
    }
    *out = RETSIM_OUT_OK;
    return gen_purge(r, g, false, RETSIM_WHY_NONE);
}

int registry_gen_apply(retsim_registry *r, const retsim_request *rq, retsim_result *res, retsim_outcome *out,
                       bool *handled)
{
    const retsim_policy *p = &r->policies[rq->kind];
    *handled = false;
    if (registry_ext(r, rq->slot) == NULL) {
        return RETSIM_ENOMEM;
    }
    if (rq->op == RETSIM_OP_PURGE &&
        (!p->purge_supported || (p->purge_needs_permission && !rq->purge_permission))) {
        return 0; /* the slot's path answers not_supported or forbidden first */
    }
    uint32_t g;
    bool in_slot;
    find_target(r, rq, &g, &in_slot);
    if (in_slot || (g == 0 && rq->generation == 0)) {
        return 0; /* the slot's instance, or nothing of the caller's: the slot's path */
    }
    *handled = true;
    if (g == 0) {
        *out = RETSIM_OUT_NOT_FOUND; /* no soft-deleted generation N of the caller's */
        res->reason = RETSIM_WHY_NO_SUCH_GENERATION;
        res->generation = rq->generation;
        return 0;
    }
    const gen *e = gen_at(r, g);
    res->generation = e->generation;
    res->deletion_time = e->deletion_time;
    res->scheduled_purge = e->scheduled_purge;
    res->before = RETSIM_STATE_SOFT_DELETED;
    res->after = RETSIM_STATE_SOFT_DELETED;
    switch (rq->op) {
    case RETSIM_OP_RESTORE:
        *out = gen_restore_check(r, rq, e);
        if (*out == RETSIM_OUT_OK) {
            res->after = RETSIM_STATE_ACTIVE;
            res->reason = slot_at(r, e->head)->state == RETSIM_STATE_ACTIVE
                              ? RETSIM_WHY_REPLACED_LIVE_INSTANCE
                              : RETSIM_WHY_NONE;
            return gen_take_back(r, rq, g);
        }
        return 0;
    case RETSIM_OP_PURGE: {
        int rc = gen_purge_request(r, g, out);
        if (*out == RETSIM_OUT_OK) {
            res->after = RETSIM_STATE_PURGED;
        }
        return rc;
    }
    default: /* get_deleted */
        *out = RETSIM_OUT_OK;
        res->count = 1;
        return 0;
    }
}

int registry_gens_purge_all(retsim_registry *r, int kind, uint32_t parent, retsim_reason why)
{
    for (uint32_t g = 1; g <= r->gen_used; g++) {
        const gen *e = gen_at(r, g);
        if (e->head == NONE) {
            continue;
        }
        const slot *s = slot_at(r, e->head);
        if ((kind >= 0 && s->kind != kind) || (parent != NONE && s->parent != parent)) {
            continue;
        }
        int rc = gen_purge(r, g, true, why);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

int registry_gens_reschedule(retsim_registry *r, int kind, retsim_time retention)
{
    retsim_time now = retsim_kernel_now(r->kernel);
    for (uint32_t g = 1; g <= r->gen_used; g++) {
        gen *e = gen_at(r, g);
        if (e->head == NONE || slot_at(r, e->head)->kind != kind) {
            continue;
        }
        retsim_kernel_cancel(r->kernel, e->purge_event);
        retsim_time due = retsim_time_add(e->deletion_time, retention);
        e->scheduled_purge = due > now ? due : now;
        int rc = gen_schedule(r, g);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

int registry_gens_purge_slot(retsim_registry *r, uint32_t id, retsim_reason why)
{
    if ((uint64_t)id >= ((uint64_t)r->ext.n_chunks << r->ext.bits)) {
        return 0;
    }
    while (ext_of(r, id)->older != 0) {
        int rc = gen_purge(r, ext_of(r, id)->older, true, why);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}
