/* The registry: one instance record per name, the lifecycle
 * state machine and every outcome of docs/semantics.md. How many instances
 * there are over time is the inventory's (model/inventory.c), fed from
 * set_state and purge_at; the names of operations and outcomes are in
 * requests.c; names and slots (interning, numbering, reuse) in
 * registry_names.c; the issue-12 rule helpers in registry_rules.c, read
 * access in registry_read.c. */
#include "retsim/registry.h"

#include "model/registry_impl.h"
#include "retsim/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- life cycle of the registry ---- */

static void on_auto_purge(void *ctx, retsim_kernel *k, uint64_t data);
static void on_auto_purge_ahead(void *ctx, uint64_t data);

retsim_registry *retsim_registry_create(const retsim_policy *policies, int n, retsim_kernel *k,
                                        retsim_inventories *inv)
{
    retsim_registry *r = calloc(1, sizeof *r);
    if (r == NULL) {
        return NULL;
    }
    r->kernel = k;
    r->inv = inv;
    r->n_kinds = n;
    chunks_init(&r->slots, sizeof(slot), SLOT_BITS); /* 2 MiB chunks: one huge page each */
    chunks_init(&r->ext, sizeof(slot_ext), 12);
    chunks_init(&r->number, sizeof(uint32_t), 16);
    r->free_slot = NONE;
    memcpy(r->policies, policies, (size_t)n * sizeof *policies);
    r->names = retsim_names_create();
    r->subs = retsim_names_create();
    r->tenants = retsim_names_create();
    r->types = retsim_names_create();
    r->regions = retsim_names_create();
    uint32_t none_type = 0;
    if (r->names == NULL || r->subs == NULL || r->tenants == NULL || r->types == NULL || r->regions == NULL ||
        retsim_names_intern(r->types, 0, "", 0, &none_type) != 0 ||
        retsim_kernel_register(k, on_auto_purge, r, &r->purge_type) != 0 ||
        retsim_kernel_set_prefetch(k, r->purge_type, on_auto_purge_ahead) != 0 ||
        registry_gens_init(r) != 0) {
        retsim_registry_destroy(r);
        return NULL;
    }
    for (int kind = 0; kind < n; kind++) {
        r->reusable_kind[kind] = policies[kind].parent < 0 && !r->gens_kind[kind] && !r->phase_kind[kind];
    }
    for (int kind = 0; kind < n; kind++) {
        if (policies[kind].parent >= 0) {
            r->reusable_kind[policies[kind].parent] = false;
        }
    }
    return r;
}

void retsim_registry_destroy(retsim_registry *r)
{
    if (r == NULL) {
        return;
    }
    retsim_names_destroy(r->names);
    retsim_names_destroy(r->subs);
    retsim_names_destroy(r->tenants);
    retsim_names_destroy(r->types);
    retsim_names_destroy(r->regions);
    chunks_free(&r->slots);
    chunks_free(&r->ext);
    chunks_free(&r->number);
    chunks_free(&r->gens);
    free(r->sub_info);
    free(r->soft_by_sub);
    free(r);
}

void retsim_registry_set_observer(retsim_registry *r, retsim_observer fn, void *ctx)
{
    r->observer = fn;
    r->observer_ctx = ctx;
}

void retsim_registry_set_release_draw(retsim_registry *r, retsim_release_draw fn, void *ctx)
{
    r->draw = fn;
    r->draw_ctx = ctx;
}

void retsim_registry_prefetch(const retsim_registry *r, uint32_t id)
{
    if (id < r->n_slots) {
        __builtin_prefetch(slot_at(r, id), 1);
    }
}

static void on_auto_purge_ahead(void *ctx, uint64_t data)
{
    retsim_registry_prefetch(ctx, (uint32_t)data);
}

/* ---- state changes; each keeps the counters consistent ---- */

/* Start counting a reservation window of slot s that began at `at`. The
 * inventory keeps one FIFO per window length: a forever window goes to one
 * FIFO (all end never), the drawn windows of a kind to one keyed -1 - kind
 * (kept in end order by insertion). */
static int reservation_start(retsim_registry *r, slot *s, retsim_time at)
{
    const retsim_policy *p = &r->policies[s->kind];
    retsim_time length = s->reserved_until == RETSIM_TIME_NEVER ? RETSIM_TIME_NEVER
                         : p->reservation_drawn                 ? -1 - (retsim_time)s->kind
                                                                : s->reserved_until - at;
    int rc = retsim_inventory_reserve(r->inv, s->kind, length, s->reserved_until,
                                      retsim_kernel_now(r->kernel), &s->reservation);
    if (rc == 0) {
        s->flags |= F_RESERVED;
    }
    return rc;
}

static int inv_of(retsim_state s)
{
    return s == RETSIM_STATE_ACTIVE         ? RETSIM_INV_ACTIVE
           : s == RETSIM_STATE_SOFT_DELETED ? RETSIM_INV_SOFT_DELETED
                                            : -1;
}

/* One instance moves from one state to another: the counts, the inventory,
 * its parent's child counts and its owner's soft-deleted count. ABSENT is
 * not counted (an instance moved aside to the older generations is ABSENT
 * in its slot and counted as itself). */
static inline void account(retsim_registry *r, int kind, uint32_t parent, uint32_t owner, retsim_state from,
                           retsim_state to)
{
    if (from != RETSIM_STATE_ABSENT) {
        r->count[kind][from]--;
    }
    if (to != RETSIM_STATE_ABSENT) {
        r->count[kind][to]++;
    }
    retsim_inventory_move(r->inv, kind, inv_of(from), inv_of(to), retsim_kernel_now(r->kernel));
    if (parent != NONE) {
        slot *p = slot_at(r, parent);
        p->active_children -= from == RETSIM_STATE_ACTIVE;
        p->soft_children -= from == RETSIM_STATE_SOFT_DELETED;
        p->active_children += to == RETSIM_STATE_ACTIVE;
        p->soft_children += to == RETSIM_STATE_SOFT_DELETED;
    }
    if (owner != NONE) {
        uint32_t *soft = &r->soft_by_sub[(size_t)owner * (size_t)r->n_kinds + (size_t)kind];
        *soft -= from == RETSIM_STATE_SOFT_DELETED;
        *soft += to == RETSIM_STATE_SOFT_DELETED;
    }
}

void registry_account(retsim_registry *r, int kind, uint32_t parent, uint32_t owner, retsim_state from,
                      retsim_state to, float gb)
{
    account(r, kind, parent, owner, from, to);
    if (gb > 0) {
        retsim_inventory_move_gb(r->inv, kind, inv_of(from), inv_of(to), gb, retsim_kernel_now(r->kernel));
    }
}

/* The id of slot s: O(slot chunks), for the rare paths that have only the slot. */
static uint32_t slot_id(const retsim_registry *r, const slot *s)
{
    for (uint32_t c = 0;; c++) {
        const slot *first = (const slot *)r->slots.chunk[c];
        if (s >= first && s < first + (UINT32_C(1) << SLOT_BITS)) {
            return (c << SLOT_BITS) + (uint32_t)(s - first);
        }
    }
}

/* The GB levels follow an instance with a size; leaving ACTIVE and
 * SOFT_DELETED it forgets its size (a later create gives its own). */
__attribute__((noinline)) static void sized_move(retsim_registry *r, slot *s, int from, int to)
{
    uint32_t id = slot_id(r, s);
    if (((uint64_t)id >> r->ext.bits) >= r->ext.n_chunks) {
        return; /* no side record: no size */
    }
    slot_ext *x = chunks_at(&r->ext, id);
    if (x->size_gb > 0) {
        retsim_inventory_move_gb(r->inv, s->kind, from, to, x->size_gb, retsim_kernel_now(r->kernel));
    }
    if (to < 0) {
        x->size_gb = 0;
    }
}

/* A create or update that gave a size: the instance has it from now (its
 * side record exists: made before the create). */
__attribute__((noinline)) static void set_size(retsim_registry *r, uint32_t id, float gb)
{
    slot_ext *x = chunks_at(&r->ext, id);
    r->sized = true;
    retsim_time now = retsim_kernel_now(r->kernel);
    if (x->size_gb > 0) { /* an update: the new size replaces the old */
        retsim_inventory_move_gb(r->inv, slot_at(r, id)->kind, RETSIM_INV_ACTIVE, -1, x->size_gb, now);
    }
    x->size_gb = gb;
    retsim_inventory_move_gb(r->inv, slot_at(r, id)->kind, -1, RETSIM_INV_ACTIVE, gb, now);
}

static void set_state(retsim_registry *r, slot *s, retsim_state to)
{
    retsim_state from = (retsim_state)s->state;
    account(r, s->kind, s->parent, s->owner_sub, from, to);
    if (r->sized) {
        sized_move(r, s, inv_of(from), inv_of(to));
    }
    if ((s->flags & F_RESERVED) && to != RETSIM_STATE_PURGED) {
        s->flags &= (uint8_t)~F_RESERVED;
        if (retsim_kernel_now(r->kernel) < s->reserved_until) { /* reused inside the window: cut it short */
            retsim_inventory_unreserve(r->inv, s->kind, s->reservation, retsim_kernel_now(r->kernel));
        }
    }
    s->state = (uint8_t)to;
}

void registry_set_state(retsim_registry *r, slot *s, retsim_state to)
{
    set_state(r, s, to);
}

static int notify(retsim_registry *r, const retsim_result *res)
{
    return r->observer != NULL ? r->observer(r->observer_ctx, r, res) : 0;
}

int registry_notify(retsim_registry *r, const retsim_result *res)
{
    return notify(r, res);
}

static void fill(const retsim_registry *r, retsim_result *res, retsim_op op, int kind, uint32_t sub,
                 uint32_t id)
{
    memset(res, 0, sizeof *res);
    res->time = retsim_kernel_now(r->kernel);
    res->op = op;
    res->kind = kind;
    res->sub = sub;
    res->slot = id;
    res->before = res->after = id != NONE ? (retsim_state)slot_at(r, id)->state : RETSIM_STATE_ABSENT;
    res->deletion_time = res->scheduled_purge = RETSIM_TIME_NEVER;
}

void registry_fill(const retsim_registry *r, retsim_result *res, retsim_op op, int kind, uint32_t sub,
                   uint32_t id)
{
    fill(r, res, op, kind, sub, id);
}

/* Move to PURGED at time `at`: the reservation window starts then. */
static int purge_at(retsim_registry *r, uint32_t id, retsim_time at)
{
    slot *s = slot_at(r, id);
    if (s->purge_event != RETSIM_EVENT_NONE) {
        retsim_kernel_cancel(r->kernel, s->purge_event);
        s->purge_event = RETSIM_EVENT_NONE;
    }
    const retsim_policy *p = policy_of(r, s);
    if (__builtin_expect(r->phase_kind[s->kind], 0) && s->state == RETSIM_STATE_SOFT_DELETED) {
        registry_soft_exit(r, id, false);
    }
    retsim_time window;
    if (__builtin_expect(p->reservation_drawn && r->draw != NULL, 0)) {
        int rc = registry_drawn_window(r, id, &window);
        if (rc != 0) {
            return rc;
        }
    } else {
        window = retsim_policy_reservation(p, retsim_names_str(r->types, r->sub_info[s->owner_sub].type));
    }
    s->reserved_until = retsim_time_add(at, window);
    set_state(r, s, RETSIM_STATE_PURGED);
    if (s->reserved_until > retsim_kernel_now(r->kernel)) {
        return reservation_start(r, s, at);
    }
    return 0;
}

/* The automatic purge of a soft-deleted instance whose window has closed. */
static int auto_purge(retsim_registry *r, uint32_t id)
{
    slot *s = slot_at(r, id);
    retsim_result res;
    fill(r, &res, RETSIM_OP_AUTO_PURGE, s->kind, s->owner_sub, id);
    res.named = true;
    int rc = purge_at(r, id, s->scheduled_purge);
    if (rc != 0) {
        return rc;
    }
    res.outcome = RETSIM_OUT_OK;
    res.after = RETSIM_STATE_PURGED;
    res.deletion_time = s->deletion_time;
    res.scheduled_purge = s->scheduled_purge;
    res.generation = registry_generation(r, id);
    res.reason = policy_of(r, s)->grace_ms > 0 ? RETSIM_WHY_GRACE_ENDED : RETSIM_WHY_RETENTION_ENDED;
    rc = notify(r, &res);
    if (rc == 0 && __builtin_expect(r->cascade_kind[s->kind], 0)) {
        rc = registry_cascade(r, id, RETSIM_OP_PURGE);
    }
    return rc;
}

static void on_auto_purge(void *ctx, retsim_kernel *k, uint64_t data)
{
    retsim_registry *r = ctx;
    slot *s = slot_at(r, (uint32_t)data);
    s->purge_event = RETSIM_EVENT_NONE; /* it has fired */
    int rc = 0;
    if (s->state == RETSIM_STATE_SOFT_DELETED && s->scheduled_purge <= retsim_kernel_now(k)) {
        rc = auto_purge(r, (uint32_t)data);
        if (rc == 0 && s->holds == 1) {
            registry_slot_free(r, (uint32_t)data); /* nobody holds the name any more */
        }
    } else if (__builtin_expect(r->phase_kind[s->kind], 0) && s->state == RETSIM_STATE_SOFT_DELETED) {
        rc = registry_late_enter(r, (uint32_t)data); /* the phase event: retention over, grace begins */
    }
    if (rc != 0) {
        retsim_kernel_stop(k, rc);
    }
}

/* Half-open window: an operation at or after scheduled_purge sees the purge
 * first, even if it runs before the purge event at the same instant. */
static inline int expire_if_due(retsim_registry *r, uint32_t id, bool gens)
{
    if (id == NONE) {
        return 0;
    }
    slot *s = slot_at(r, id);
    if (s->state == RETSIM_STATE_SOFT_DELETED && retsim_kernel_now(r->kernel) >= s->scheduled_purge) {
        int rc = auto_purge(r, id);
        if (rc != 0) {
            return rc;
        }
    }
    return gens ? registry_gens_expire(r, id) : 0;
}

static int schedule_purge(retsim_registry *r, uint32_t id)
{
    slot *s = slot_at(r, id);
    return retsim_kernel_schedule(r->kernel, s->scheduled_purge, r->purge_type, id, &s->purge_event);
}

/* The soft-delete switch in force for an instance: its own or its nearest
 * ancestor's explicit setting, else its kind's. */
static bool switch_on(const retsim_registry *r, uint32_t id)
{
    for (uint32_t i = id; i != NONE; i = slot_at(r, i)->parent) {
        if (slot_at(r, i)->flags & F_SWITCH_SET) {
            return (slot_at(r, i)->flags & F_SWITCH_ON) != 0;
        }
    }
    return r->policies[slot_at(r, id)->kind].soft_delete;
}

bool registry_switch_on(const retsim_registry *r, uint32_t id)
{
    return switch_on(r, id);
}

static bool may_reuse(const retsim_registry *r, const slot *s, uint32_t sub)
{
    switch (policy_of(r, s)->reuse_after_purge) {
    case RETSIM_REUSE_OWNER_SUBSCRIPTION:
        return sub == s->owner_sub;
    case RETSIM_REUSE_OWNER_TENANT:
        return r->sub_info[sub].tenant == r->sub_info[s->owner_sub].tenant;
    case RETSIM_REUSE_ANYONE:
        return true;
    case RETSIM_REUSE_NOBODY:
        return false;
    }
    return false;
}

/* ---- the operations ---- */

/* Whether a create may make a new instance (ok), and if not, its outcome.
 * *spill: the name is free although its instance is soft-deleted, which
 * must first move aside to the older generations. */
static inline retsim_outcome create_check(retsim_registry *r, const retsim_request *rq, retsim_result *res,
                                          bool *spill)
{
    if (rq->slot == NONE) {
        return RETSIM_OUT_NOT_FOUND; /* the parent does not exist */
    }
    slot *s = slot_at(r, rq->slot);
    if (s->parent != NONE &&
        (slot_at(r, s->parent)->state != RETSIM_STATE_ACTIVE || !owned_by(r, s->parent, rq->sub))) {
        return RETSIM_OUT_NOT_FOUND;
    }
    switch ((retsim_state)s->state) {
    case RETSIM_STATE_ACTIVE:
        if (s->owner_sub != rq->sub) {
            return RETSIM_OUT_CONFLICT_ACTIVE;
        }
        return registry_update(r, rq);
    case RETSIM_STATE_SOFT_DELETED:
        if (policy_of(r, s)->soft_deleted_name == RETSIM_NAME_FREE &&
            retsim_kernel_now(r->kernel) >=
                retsim_time_add(s->deletion_time, policy_of(r, s)->name_free_after)) {
            *spill = true; /* free: a new instance, the soft-deleted one stays restorable */
            res->reason = RETSIM_WHY_SOFT_DELETED_NAME_FREE;
            break;
        }
        if (policy_of(r, s)->soft_deleted_name == RETSIM_NAME_FREE) {
            res->reason = RETSIM_WHY_BEING_DELETED;
        }
        res->deletion_time = s->deletion_time;
        res->scheduled_purge = s->scheduled_purge;
        return RETSIM_OUT_CONFLICT_SOFT_DELETED;
    case RETSIM_STATE_PURGED:
        if (retsim_kernel_now(r->kernel) < s->reserved_until) {
            if (!may_reuse(r, s, rq->sub)) {
                res->reason = registry_reserved_reason(r, s);
                return RETSIM_OUT_CONFLICT_RESERVED;
            }
            res->reason = RETSIM_WHY_REUSE_ALLOWED;
        }
        break;
    default:
        break;
    }
    if ((rq->soft_delete_switch == 1 && rq->api_version < policy_of(r, s)->enable_min_api_version) ||
        (rq->soft_delete_switch == 0 && !policy_of(r, s)->soft_delete_can_disable) ||
        (rq->retention_ms != RETSIM_TIME_NEVER && registry_retention_refused(policy_of(r, s), rq))) {
        res->reason = rq->retention_ms != RETSIM_TIME_NEVER && registry_retention_refused(policy_of(r, s), rq)
                          ? RETSIM_WHY_RETENTION_NOT_TAKEN
                          : RETSIM_WHY_REQUEST_NOT_ALLOWED;
        return RETSIM_OUT_REJECTED; /* what it asks for cannot be set: nothing is made */
    }
    return RETSIM_OUT_OK;
}

/* A create that create_check allowed: the instance is made. */
static inline void create_make(retsim_registry *r, const retsim_request *rq)
{
    slot *s = slot_at(r, rq->slot);
    if (s->state == RETSIM_STATE_PURGED && (s->flags & F_WAS_SOFT_DELETED) && s->owner_sub != rq->sub) {
        s->lost_owner = s->owner_sub; /* their data is gone although the name lives on */
    } else if (s->lost_owner == rq->sub) {
        s->lost_owner = NONE; /* the former owner has the name back */
    }
    s->owner_sub = rq->sub;
    s->home_region = rq->region;
    s->deletion_time = s->scheduled_purge = RETSIM_TIME_NEVER;
    s->flags &= F_RESERVED; /* set_state below ends a reservation this create cuts short */
    if (rq->provisioning_failed) {
        s->flags |= F_FAILED_PROVISIONING;
    }
    if (rq->change.set & RETSIM_CHANGE_PURGE_PROTECTION) {
        registry_protect_set(s, rq->change.purge_protection);
    }
    if (rq->soft_delete_switch >= 0) {
        s->flags |= F_SWITCH_SET | (rq->soft_delete_switch ? F_SWITCH_ON : 0);
    }
    set_state(r, s, RETSIM_STATE_ACTIVE);
}

static inline retsim_outcome create(retsim_registry *r, const retsim_request *rq, retsim_result *res)
{
    bool spill = false; /* never for a kind without generations: those come here */
    retsim_outcome out = create_check(r, rq, res, &spill);
    if (out == RETSIM_OUT_OK) {
        create_make(r, rq);
    }
    return out;
}

/* A create that gives its instance a retention= (created or updated), or of
 * a kind with generations (a new number; a free name's soft-deleted
 * instance moves aside; an overwrite may keep the old content). Room for
 * the side record is made first, so that out of memory changes nothing. */
__attribute__((noinline)) static int create_slow(retsim_registry *r, const retsim_request *rq,
                                                 retsim_result *res, retsim_outcome *out)
{
    if (rq->slot != NONE && registry_ext(r, rq->slot) == NULL) {
        return RETSIM_ENOMEM;
    }
    const retsim_policy *p = &r->policies[rq->kind];
    bool spill = false;
    int rc = 0;
    *out = create_check(r, rq, res, &spill);
    if (*out == RETSIM_OUT_OK) {
        rc = spill ? registry_gen_spill(r, rq->slot) : 0;
        if (spill) {
            res->before = RETSIM_STATE_ABSENT; /* a new instance: the soft-deleted one lives on aside */
        }
        if (rc == 0) {
            create_make(r, rq);
            slot_ext *x = chunks_at(&r->ext, rq->slot);
            x->xflags = rq->soft_delete_switch == 2 ? X_ALWAYS_ON : 0;
            rc = registry_generations(p) ? registry_gen_number(r, rq->slot) : 0;
        }
    } else if (*out == RETSIM_OUT_UPDATED && p->overwrite == RETSIM_OVERWRITE_KEEP &&
               p->soft_delete_supported && switch_on(r, rq->slot)) {
        rc = registry_gen_keep(r, rq, rq->slot);
        rc = rc == 0 ? registry_gen_number(r, rq->slot) : rc;
        res->reason = RETSIM_WHY_OVERWRITE_KEPT;
    }
    if (rc == 0 && rq->retention_ms != RETSIM_TIME_NEVER &&
        (*out == RETSIM_OUT_OK || *out == RETSIM_OUT_UPDATED)) {
        rc = registry_set_retention(r, rq->slot, rq->retention_ms);
    }
    if (rc == 0 && rq->size_gb > 0 && (*out == RETSIM_OUT_OK || *out == RETSIM_OUT_UPDATED)) {
        set_size(r, rq->slot, rq->size_gb); /* an update's new size replaces the old */
    }
    return rc;
}

/* Purge the soft-deleted instance in slot id now, reported as an auto_purge
 * row (soft delete turned off under it, its parent gone). */
int registry_purge_now(retsim_registry *r, uint32_t id, retsim_reason why)
{
    slot *c = slot_at(r, id);
    retsim_result res;
    fill(r, &res, RETSIM_OP_AUTO_PURGE, c->kind, c->owner_sub, id);
    res.named = true;
    res.deletion_time = c->deletion_time;
    res.scheduled_purge = c->scheduled_purge;
    int rc = purge_at(r, id, retsim_kernel_now(r->kernel));
    if (rc != 0) {
        return rc;
    }
    res.outcome = RETSIM_OUT_OK;
    res.after = RETSIM_STATE_PURGED;
    res.generation = registry_generation(r, id);
    res.reason = why;
    rc = notify(r, &res);
    if (rc == 0 && __builtin_expect(r->cascade_kind[c->kind], 0)) {
        rc = registry_cascade(r, id, RETSIM_OP_PURGE);
    }
    return rc;
}

/* Purge at once the soft-deleted children of a parent that was just
 * hard-deleted, each reported as an auto_purge row after the delete.
 * O(slots): there is no child list, and this happens only when soft delete
 * was turned off on a parent that still holds soft-deleted children. */
static int purge_soft_children(retsim_registry *r, uint32_t parent)
{
    int rc0 = registry_gens_purge_all(r, -1, parent, RETSIM_WHY_PARENT_GONE);
    if (rc0 != 0) {
        return rc0;
    }
    uint32_t n = r->n_slots;
    for (uint32_t id = 0; id < n && slot_at(r, parent)->soft_children > 0; id++) {
        slot *c = slot_at(r, id);
        if (c->parent != parent || c->state != RETSIM_STATE_SOFT_DELETED) {
            continue;
        }
        int rc = registry_purge_now(r, id, RETSIM_WHY_PARENT_GONE);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

static int do_delete(retsim_registry *r, const retsim_request *rq, retsim_result *res, retsim_outcome *out)
{
    if (!owned_by(r, rq->slot, rq->sub) || slot_at(r, rq->slot)->state != RETSIM_STATE_ACTIVE) {
        *out = RETSIM_OUT_NOT_FOUND;
        return 0;
    }
    slot *s = slot_at(r, rq->slot);
    const retsim_policy *p = policy_of(r, s);
    if ((rq->retention_ms != RETSIM_TIME_NEVER && registry_retention_refused(p, rq)) ||
        (rq->force && !p->force_delete)) {
        res->reason = rq->force && !p->force_delete ? RETSIM_WHY_FORCE_DELETE_NOT_ALLOWED
                                                    : RETSIM_WHY_RETENTION_NOT_TAKEN;
        *out = RETSIM_OUT_REJECTED;
        return 0;
    }
    if (!rq->cascaded && registry_children_block(r, rq->slot)) {
        res->reason = s->active_children > 0 && p->children_block_delete != RETSIM_CHILDREN_BLOCK_SOFT_DELETED
                          ? RETSIM_WHY_CHILDREN_ACTIVE
                          : RETSIM_WHY_CHILDREN_SOFT_DELETED;
        *out = RETSIM_OUT_BLOCKED_CHILDREN;
        return 0;
    }
    /* a parent's delete or purge takes a child hard, unless its kind says soft */
    bool on = p->soft_delete_supported && !rq->force && switch_on(r, rq->slot) &&
              !(rq->cascaded && p->parent_delete != RETSIM_CASCADE_SOFT);
    if (on && p->failed_provisioning_blocks_delete && (s->flags & F_FAILED_PROVISIONING)) {
        *out = RETSIM_OUT_BLOCKED_FAILED_PROVISIONING;
        return 0;
    }
    retsim_time now = retsim_kernel_now(r->kernel);
    if (on && rq->api_version >= p->min_api_version) {
        s->deletion_time = now;
        retsim_time retention =
            __builtin_expect(rq->retention_ms != RETSIM_TIME_NEVER || r->instance_retentions, 0)
                ? registry_retention_for(r, rq, rq->slot)
                : p->retention_ms;
        s->scheduled_purge = retsim_time_add(now, retention);
        s->flags |= F_WAS_SOFT_DELETED;
        set_state(r, s, RETSIM_STATE_SOFT_DELETED);
        res->deletion_time = s->deletion_time;
        res->scheduled_purge = s->scheduled_purge;
        *out = RETSIM_OUT_SOFT_DELETED;
        if (__builtin_expect(r->phase_kind[s->kind], 0)) {
            int rc = registry_late_schedule(r, rq->slot);
            res->scheduled_purge = s->scheduled_purge; /* the grace included */
            return rc;
        }
        return schedule_purge(r, rq->slot);
    }
    s->flags &= (uint8_t)~F_WAS_SOFT_DELETED;
    *out = RETSIM_OUT_HARD_DELETED;
    res->reason = rq->cascaded ? RETSIM_WHY_DELETED_WITH_PARENT
                  : rq->force  ? RETSIM_WHY_FORCE_DELETE
                  : on         ? RETSIM_WHY_API_VERSION_BEFORE_MINIMUM
                               : RETSIM_WHY_SOFT_DELETE_OFF;
    return purge_at(r, rq->slot, now);
}

static retsim_outcome do_restore(retsim_registry *r, const retsim_request *rq, retsim_result *res)
{
    if (!owned_by(r, rq->slot, rq->sub)) {
        /* the caller's soft-deleted instance was purged and the name has a new owner */
        bool lost = rq->slot != NONE && slot_at(r, rq->slot)->lost_owner == rq->sub;
        return lost ? RETSIM_OUT_EXPIRED : RETSIM_OUT_NOT_FOUND;
    }
    slot *s = slot_at(r, rq->slot);
    res->deletion_time = s->deletion_time;
    res->scheduled_purge = s->scheduled_purge;
    if (s->state == RETSIM_STATE_PURGED && (s->flags & F_WAS_SOFT_DELETED)) {
        return RETSIM_OUT_EXPIRED;
    }
    if (s->state != RETSIM_STATE_SOFT_DELETED) {
        res->deletion_time = res->scheduled_purge = RETSIM_TIME_NEVER;
        return RETSIM_OUT_NOT_FOUND;
    }
    if (policy_of(r, s)->restore_needs_permission && !rq->restore_permission) {
        return RETSIM_OUT_FORBIDDEN; /* the instance is there to restore, but not by this caller */
    }
    if (policy_of(r, s)->restore_requires_home_region && rq->region != s->home_region) {
        return RETSIM_OUT_WRONG_REGION;
    }
    retsim_kernel_cancel(r->kernel, s->purge_event);
    s->purge_event = RETSIM_EVENT_NONE;
    s->flags &= (uint8_t)~F_WAS_SOFT_DELETED;
    if (rq->cascaded) {
        res->reason = RETSIM_WHY_RESTORED_WITH_PARENT;
    }
    if (__builtin_expect(r->phase_kind[s->kind], 0)) {
        if (policy_of(r, s)->grace_ms > 0 &&
            retsim_kernel_now(r->kernel) >= s->scheduled_purge - policy_of(r, s)->grace_ms) {
            res->reason = RETSIM_WHY_WITHIN_GRACE;
        }
        registry_soft_exit(r, rq->slot, true);
    }
    set_state(r, s, RETSIM_STATE_ACTIVE);
    return RETSIM_OUT_OK;
}

static int do_purge(retsim_registry *r, const retsim_request *rq, retsim_result *res, retsim_outcome *out)
{
    const retsim_policy *p = &r->policies[rq->kind];
    *out = RETSIM_OUT_NOT_FOUND;
    if (!p->purge_supported) {
        *out = RETSIM_OUT_NOT_SUPPORTED;
        return 0;
    }
    bool mine = owned_by(r, rq->slot, rq->sub) && slot_at(r, rq->slot)->state == RETSIM_STATE_SOFT_DELETED;
    if (mine) { /* a refusal still tells when the instance was deleted and will be purged */
        res->deletion_time = slot_at(r, rq->slot)->deletion_time;
        res->scheduled_purge = slot_at(r, rq->slot)->scheduled_purge;
    }
    if (p->purge_needs_permission && !rq->purge_permission) {
        *out = RETSIM_OUT_FORBIDDEN; /* authorization comes before the resource is looked at */
        return 0;
    }
    if (!mine) {
        return 0;
    }
    if (registry_protected(r, slot_at(r, rq->slot))) {
        *out = RETSIM_OUT_PURGE_PROTECTED;
        return 0;
    }
    *out = RETSIM_OUT_OK;
    return purge_at(r, rq->slot, retsim_kernel_now(r->kernel));
}

static retsim_outcome do_get_deleted(retsim_registry *r, const retsim_request *rq, retsim_result *res)
{
    if (!owned_by(r, rq->slot, rq->sub) || slot_at(r, rq->slot)->state != RETSIM_STATE_SOFT_DELETED) {
        return RETSIM_OUT_NOT_FOUND;
    }
    res->deletion_time = slot_at(r, rq->slot)->deletion_time;
    res->scheduled_purge = slot_at(r, rq->slot)->scheduled_purge;
    res->count = 1;
    return RETSIM_OUT_OK;
}

/* A retention change that reaches instances already soft-deleted: their purge
 * date becomes deletion time + new retention, or now if that has passed.
 * O(slots): a policy change is rare, a per-kind list would cost every delete. */
static int reschedule_soft_deleted(retsim_registry *r, int kind, retsim_time retention)
{
    retsim_time now = retsim_kernel_now(r->kernel);
    uint32_t n = r->n_slots;
    for (uint32_t id = 0; id < n; id++) {
        slot *s = slot_at(r, id);
        if (s->kind != kind || s->state != RETSIM_STATE_SOFT_DELETED) {
            continue;
        }
        retsim_kernel_cancel(r->kernel, s->purge_event);
        s->purge_event = RETSIM_EVENT_NONE;
        retsim_time due = retsim_time_add(s->deletion_time, retention);
        bool phases = r->phase_kind[kind];
        if (phases) {
            registry_soft_exit(r, id, false); /* the late phase starts again from the new dates */
        }
        s->scheduled_purge = due > now || phases ? due : now;
        int rc = phases ? registry_late_schedule(r, id) : schedule_purge(r, id);
        if (rc != 0) {
            return rc;
        }
    }
    return registry_gens_reschedule(r, kind, retention);
}

static int do_set_policy(retsim_registry *r, const retsim_request *rq, retsim_outcome *out)
{
    const retsim_policy_change *c = &rq->change;
    if (rq->named) {
        return registry_set_instance_policy(r, rq, out);
    }
    retsim_policy *p = &r->policies[rq->kind];
    bool retention = (c->set & RETSIM_CHANGE_RETENTION) != 0;
    /* a kind never soft-deleted itself (a gallery) has no kind-wide switch
     * to change: its instances carry their own */
    if (((c->set & RETSIM_CHANGE_SOFT_DELETE) && !p->soft_delete_supported) ||
        (c->set & RETSIM_CHANGE_ALWAYS_ON) ||
        (retention && (!p->retention_mutable || !retsim_policy_retention_ok(p, c->retention_ms))) ||
        ((c->set & RETSIM_CHANGE_SOFT_DELETE) && !c->soft_delete && !p->soft_delete_can_disable) ||
        ((c->set & RETSIM_CHANGE_PURGE_PROTECTION) && !c->purge_protection && p->purge_protection &&
         !p->purge_protection_can_disable)) {
        *out = RETSIM_OUT_REJECTED; /* all or nothing */
        return 0;
    }
    if (c->set & RETSIM_CHANGE_SOFT_DELETE) {
        p->soft_delete = c->soft_delete;
    }
    if (c->set & RETSIM_CHANGE_PURGE_PROTECTION) {
        p->purge_protection = c->purge_protection;
    }
    *out = RETSIM_OUT_OK;
    if (retention) {
        p->retention_ms = c->retention_ms;
        retsim_applies_to applies =
            (c->set & RETSIM_CHANGE_APPLIES_TO) ? c->applies_to : p->retention_change_applies_to;
        if (applies == RETSIM_APPLIES_ALL_SOFT_DELETED) {
            return reschedule_soft_deleted(r, rq->kind, c->retention_ms);
        }
    }
    return 0;
}

/* Restore, purge, get and list deleted with an API version older than the
 * kind's recovery minimum: `not_supported`, before anything is looked up. */
static bool old_api(const retsim_registry *r, const retsim_request *rq)
{
    return rq->api_version < r->policies[rq->kind].recover_min_api_version;
}

/* One operation; `gens`: its kind has generations (a constant in each of
 * the two copies below, so that kinds without pay nothing for them). */
static inline int apply(retsim_registry *r, const retsim_request *rq, retsim_result *res, bool gens)
{
    int rc = expire_if_due(r, rq->named ? rq->slot : NONE, gens);
    if (rc != 0) {
        return rc;
    }
    fill(r, res, rq->op, rq->kind, rq->sub, rq->named ? rq->slot : NONE);
    res->named = rq->named;
    retsim_outcome out = RETSIM_OUT_OK;
    bool handled = false;
    if (gens && rq->named && rq->slot != NONE &&
        (rq->op == RETSIM_OP_RESTORE || rq->op == RETSIM_OP_PURGE || rq->op == RETSIM_OP_GET_DELETED) &&
        !old_api(r, rq)) {
        rc = registry_gen_apply(r, rq, res, &out, &handled);
        if (rc != 0) {
            return rc;
        }
    }
    switch (handled ? RETSIM_OP_COUNT : rq->op) {
    case RETSIM_OP_COUNT: /* done by the generations' path */
        break;
    case RETSIM_OP_CREATE:
        if (__builtin_expect(rq->retention_ms != RETSIM_TIME_NEVER || rq->soft_delete_switch >= 0 || gens ||
                                 rq->size_gb > 0,
                             0)) {
            rc = create_slow(r, rq, res, &out);
        } else {
            out = create(r, rq, res);
        }
        break;
    case RETSIM_OP_DELETE:
        rc = do_delete(r, rq, res, &out);
        break;
    case RETSIM_OP_RESTORE:
        out = old_api(r, rq) ? RETSIM_OUT_NOT_SUPPORTED : do_restore(r, rq, res);
        break;
    case RETSIM_OP_PURGE:
        if (old_api(r, rq)) {
            out = RETSIM_OUT_NOT_SUPPORTED;
            res->reason = RETSIM_WHY_API_VERSION_BEFORE_RECOVER_MINIMUM;
        } else {
            rc = do_purge(r, rq, res, &out);
        }
        break;
    case RETSIM_OP_GET_DELETED:
        out = old_api(r, rq) ? RETSIM_OUT_NOT_SUPPORTED : do_get_deleted(r, rq, res);
        break;
    case RETSIM_OP_LIST_DELETED:
        if (old_api(r, rq)) {
            out = RETSIM_OUT_NOT_SUPPORTED;
        } else if (rq->sub != NONE) {
            res->count = r->soft_by_sub[(size_t)rq->sub * (size_t)r->n_kinds + (size_t)rq->kind];
        }
        break;
    case RETSIM_OP_SET_POLICY:
        rc = do_set_policy(r, rq, &out);
        break;
    default:
        return RETSIM_EUSAGE;
    }
    if (rc != 0) {
        return rc;
    }
    res->outcome = out;
    if (res->slot != NONE && res->generation == 0) { /* a generation's own result says its states */
        res->after = (retsim_state)slot_at(r, res->slot)->state;
        if (gens) {
            res->generation = registry_generation_of(r, res->slot);
        }
    }
    rc = notify(r, res);
    if (rc == 0 && out == RETSIM_OUT_HARD_DELETED && slot_at(r, res->slot)->soft_children > 0) {
        rc = purge_soft_children(r, res->slot);
    }
    if (rc == 0 && __builtin_expect(r->cascade_kind[rq->kind], 0) && res->slot != NONE) {
        rc = registry_cascade_after(r, rq, out, res->slot);
    }
    if (rc == 0 && rq->op == RETSIM_OP_SET_POLICY && out == RETSIM_OUT_OK &&
        (rq->change.set & RETSIM_CHANGE_SOFT_DELETE) && !rq->change.soft_delete) {
        rc = registry_purge_switched_off(r); /* its auto_purge rows come after the set_policy row */
    }
    return rc;
}

__attribute__((noinline)) static int apply_generations(retsim_registry *r, const retsim_request *rq,
                                                       retsim_result *res)
{
    return apply(r, rq, res, true);
}

int retsim_registry_apply(retsim_registry *r, const retsim_request *rq, retsim_result *res)
{
    if (__builtin_expect(r->gens_kind[rq->kind], 0)) {
        return apply_generations(r, rq, res);
    }
    return apply(r, rq, res, false);
}
