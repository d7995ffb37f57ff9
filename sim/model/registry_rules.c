/* The issue-12 rules of the registry that are not the state machine itself:
 * where a soft delete's retention comes from (the kind, the instance or an
 * ancestor, the delete request) and its range, purge protection per
 * instance, the side records of the few slots that need them, and the
 * reservation window of a release (fixed, forever, or drawn through the
 * simulation's hook). */
#include "model/registry_impl.h"

#include "retsim/error.h"

#include "retsim/names.h"

#include <string.h>

slot_ext *registry_ext(retsim_registry *r, uint32_t id)
{
    uint32_t before = r->ext.n_chunks;
    if (chunks_ensure(&r->ext, (uint64_t)id + 1) != 0) {
        return NULL;
    }
    for (uint32_t c = before; c < r->ext.n_chunks; c++) { /* chunks come uninitialised */
        memset(r->ext.chunk[c], 0, r->ext.elem << r->ext.bits);
    }
    return chunks_at(&r->ext, id);
}

bool registry_retention_refused(const retsim_policy *p, const retsim_request *rq)
{
    if (rq->retention_ms == RETSIM_TIME_NEVER) {
        return false;
    }
    retsim_retention_at here =
        rq->op == RETSIM_OP_CREATE ? RETSIM_RETENTION_AT_CREATE : RETSIM_RETENTION_AT_DELETE;
    return p->retention_set_at != here || !retsim_policy_retention_ok(p, rq->retention_ms);
}

int registry_set_retention(retsim_registry *r, uint32_t id, retsim_time t)
{
    slot_ext *x = registry_ext(r, id);
    if (x == NULL) {
        return RETSIM_ENOMEM;
    }
    x->retention = t;
    slot_at(r, id)->flags |= F_RETENTION_SET;
    r->instance_retentions = true;
    return 0;
}

retsim_time registry_retention_for(const retsim_registry *r, const retsim_request *rq, uint32_t id)
{
    if (rq->retention_ms != RETSIM_TIME_NEVER) {
        return rq->retention_ms;
    }
    for (uint32_t i = id; i != NONE; i = slot_at(r, i)->parent) {
        if (slot_at(r, i)->flags & F_RETENTION_SET) {
            return ((const slot_ext *)chunks_at(&r->ext, i))->retention;
        }
    }
    return r->policies[slot_at(r, id)->kind].retention_ms;
}

bool registry_protect_allowed(const retsim_registry *r, const slot *s, bool on)
{
    return on || !registry_protected(r, s) || policy_of(r, s)->purge_protection_can_disable;
}

void registry_protect_set(slot *s, bool on)
{
    s->flags = (uint8_t)((s->flags & ~F_PROTECT_ON) | F_PROTECT_SET | (on ? F_PROTECT_ON : 0));
}

int registry_drawn_window(retsim_registry *r, uint32_t id, retsim_time *window)
{
    slot_ext *x = registry_ext(r, id);
    if (x == NULL) {
        return RETSIM_ENOMEM;
    }
    *window = r->draw(r->draw_ctx, slot_at(r, id)->kind, id, ++x->releases); /* releases 1, 2, ... per name */
    return 0;
}

/* ---- the soft-delete switch of an instance ---- */

/* Whether instance id holds an ACTIVE or SOFT_DELETED descendant whose home
 * region differs from its own (regions not given count as no difference).
 * O(slots x depth): only a request that turns soft delete on asks. */
static bool descendant_elsewhere(const retsim_registry *r, uint32_t id)
{
    uint32_t home = slot_at(r, id)->home_region;
    uint32_t n = r->n_slots;
    for (uint32_t d = 0; d < n && home != NONE; d++) {
        const slot *c = slot_at(r, d);
        if ((c->state != RETSIM_STATE_ACTIVE && c->state != RETSIM_STATE_SOFT_DELETED) ||
            c->home_region == NONE || c->home_region == home) {
            continue;
        }
        for (uint32_t a = c->parent; a != NONE; a = slot_at(r, a)->parent) {
            if (a == id) {
                return true;
            }
        }
    }
    return false;
}

/* Whether instance id was made or set soft_delete=always_on. */
static bool always_on(const retsim_registry *r, uint32_t id)
{
    /* the lock is valid while the instance's own switch is: every create
     * that sets a switch rewrites it (create_slow) */
    return (slot_at(r, id)->flags & F_SWITCH_SET) &&
           (uint64_t)id < ((uint64_t)r->ext.n_chunks << r->ext.bits) &&
           (((const slot_ext *)chunks_at(&r->ext, id))->xflags & X_ALWAYS_ON);
}

/* `always`: soft_delete=always_on, which locks it on (the caller made room
 * for the side record). */
retsim_outcome registry_switch_change(retsim_registry *r, uint32_t id, bool on, bool always,
                                      int32_t api_version)
{
    slot *s = slot_at(r, id);
    const retsim_policy *p = policy_of(r, s);
    if (on ? api_version < p->enable_min_api_version ||
                 (p->enable_requires_same_region && descendant_elsewhere(r, id))
           : !p->soft_delete_can_disable || always_on(r, id)) {
        return RETSIM_OUT_REJECTED;
    }
    s->flags = (uint8_t)((s->flags & ~F_SWITCH_ON) | F_SWITCH_SET | (on ? F_SWITCH_ON : 0));
    if (always) {
        ((slot_ext *)chunks_at(&r->ext, id))->xflags |= X_ALWAYS_ON;
    }
    return RETSIM_OUT_OK;
}

/* After soft delete was turned off somewhere: the soft-deleted instances
 * (and older generations) of kinds with soft_delete_off_purges for which it
 * is now off are purged at once, each an auto_purge row. O(slots x depth):
 * a switch change is rare. */
int registry_purge_switched_off(retsim_registry *r)
{
    bool any = false;
    for (int k = 0; k < r->n_kinds; k++) {
        any |= r->policies[k].soft_delete_off_purges;
    }
    uint32_t n = any ? r->n_slots : 0;
    for (uint32_t id = 0; id < n; id++) {
        slot *c = slot_at(r, id);
        if (!policy_of(r, c)->soft_delete_off_purges || registry_switch_on(r, id)) {
            continue;
        }
        int rc = registry_gens_purge_slot(r, id, RETSIM_WHY_SOFT_DELETE_TURNED_OFF);
        if (rc == 0 && c->state == RETSIM_STATE_SOFT_DELETED) {
            rc = registry_purge_now(r, id, RETSIM_WHY_SOFT_DELETE_TURNED_OFF);
        }
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

/* ---- the late phase (grace, unbilled tail) and the retroactive bill ---- */

static float size_of(const retsim_registry *r, uint32_t id)
{
    return (uint64_t)id < ((uint64_t)r->ext.n_chunks << r->ext.bits)
               ? ((slot_ext *)chunks_at(&r->ext, id))->size_gb
               : 0;
}

static void late_move(retsim_registry *r, uint32_t id, int from, int to)
{
    const slot *s = slot_at(r, id);
    retsim_time now = retsim_kernel_now(r->kernel);
    retsim_inventory_move(r->inv, s->kind, from, to, now);
    float gb = size_of(r, id);
    if (gb > 0) {
        retsim_inventory_move_gb(r->inv, s->kind, from, to, gb, now);
    }
}

int registry_late_enter(retsim_registry *r, uint32_t id)
{
    slot *s = slot_at(r, id);
    slot_ext *x = chunks_at(&r->ext, id); /* made at the soft delete */
    x->xflags |= X_LATE;
    late_move(r, id, -1, RETSIM_INV_LATE);
    return retsim_kernel_schedule(r->kernel, s->scheduled_purge, r->purge_type, id, &s->purge_event);
}

int registry_late_schedule(retsim_registry *r, uint32_t id)
{
    slot *s = slot_at(r, id);
    const retsim_policy *p = policy_of(r, s);
    slot_ext *x = registry_ext(r, id);
    if (x == NULL) {
        return RETSIM_ENOMEM;
    }
    x->xflags &= (uint8_t)~X_LATE;
    retsim_time now = retsim_kernel_now(r->kernel);
    s->scheduled_purge = retsim_time_add(s->scheduled_purge, p->grace_ms); /* restorable through the grace */
    if (s->scheduled_purge < now) {
        s->scheduled_purge = now; /* a retention change that has already run out */
    }
    if (registry_late_length(p) == 0) {
        return retsim_kernel_schedule(r->kernel, s->scheduled_purge, r->purge_type, id, &s->purge_event);
    }
    retsim_time at = registry_late_at(p, s->deletion_time, s->scheduled_purge);
    if (at <= now) {
        return registry_late_enter(r, id);
    }
    return retsim_kernel_schedule(r->kernel, at, r->purge_type, id, &s->purge_event);
}

void registry_soft_exit(retsim_registry *r, uint32_t id, bool restored)
{
    const slot *s = slot_at(r, id);
    if ((uint64_t)id < ((uint64_t)r->ext.n_chunks << r->ext.bits)) {
        slot_ext *x = chunks_at(&r->ext, id);
        if (x->xflags & X_LATE) {
            x->xflags &= (uint8_t)~X_LATE;
            late_move(r, id, RETSIM_INV_LATE, -1);
        }
    }
    if (restored && policy_of(r, s)->bill_restored_retroactive) {
        retsim_time now = retsim_kernel_now(r->kernel);
        retsim_inventory_bill_retro(r->inv, s->kind, now - s->deletion_time, size_of(r, id), now);
    }
}

/* ---- set_policy naming an instance, and a create that updates one ---- */

/* A named set_policy: one instance's soft-delete switch (a gallery), its
 * purge protection, its retention (where the create sets it). */
static retsim_outcome instance_policy(retsim_registry *r, const retsim_request *rq)
{
    const retsim_policy_change *c = &rq->change;
    if (!owned_by(r, rq->slot, rq->sub) || slot_at(r, rq->slot)->state != RETSIM_STATE_ACTIVE) {
        return RETSIM_OUT_NOT_FOUND;
    }
    slot *s = slot_at(r, rq->slot);
    const retsim_policy *p = policy_of(r, s);
    bool retention = (c->set & RETSIM_CHANGE_RETENTION) != 0;
    bool protect = (c->set & RETSIM_CHANGE_PURGE_PROTECTION) != 0;
    /* an instance's retention exists where the create sets it; all or nothing */
    if ((c->set & RETSIM_CHANGE_APPLIES_TO) ||
        (retention && (p->retention_set_at != RETSIM_RETENTION_AT_CREATE || !p->retention_mutable ||
                       !retsim_policy_retention_ok(p, c->retention_ms))) ||
        (protect && !registry_protect_allowed(r, s, c->purge_protection))) {
        return RETSIM_OUT_REJECTED;
    }
    if ((c->set & RETSIM_CHANGE_SOFT_DELETE) &&
        registry_switch_change(r, rq->slot, c->soft_delete, (c->set & RETSIM_CHANGE_ALWAYS_ON) != 0,
                               rq->api_version) != RETSIM_OUT_OK) {
        return RETSIM_OUT_REJECTED;
    }
    if (protect) {
        registry_protect_set(s, c->purge_protection);
    }
    return RETSIM_OUT_OK;
}

int registry_set_instance_policy(retsim_registry *r, const retsim_request *rq, retsim_outcome *out)
{
    /* room for the retention or the lock first, so that out of memory changes nothing */
    if ((rq->change.set & (RETSIM_CHANGE_RETENTION | RETSIM_CHANGE_ALWAYS_ON)) && rq->slot != NONE &&
        registry_ext(r, rq->slot) == NULL) {
        return RETSIM_ENOMEM;
    }
    *out = instance_policy(r, rq);
    if (*out == RETSIM_OUT_OK && (rq->change.set & RETSIM_CHANGE_RETENTION)) {
        return registry_set_retention(r, rq->slot, rq->change.retention_ms);
    }
    return 0;
}

/* A create on the caller's own ACTIVE instance: an update, under the rules
 * of a set_policy on it (a retention only where mutable; all or nothing). */
retsim_outcome registry_update(retsim_registry *r, const retsim_request *rq)
{
    slot *s = slot_at(r, rq->slot);
    bool protect = (rq->change.set & RETSIM_CHANGE_PURGE_PROTECTION) != 0;
    if (registry_retention_refused(policy_of(r, s), rq) ||
        (rq->retention_ms != RETSIM_TIME_NEVER && !policy_of(r, s)->retention_mutable) ||
        (protect && !registry_protect_allowed(r, s, rq->change.purge_protection))) {
        return RETSIM_OUT_REJECTED;
    }
    /* create-or-update that sets the switch: the same rules */
    if (rq->soft_delete_switch >= 0 &&
        registry_switch_change(r, rq->slot, rq->soft_delete_switch >= 1, rq->soft_delete_switch == 2,
                               rq->api_version) != RETSIM_OUT_OK) {
        return RETSIM_OUT_REJECTED;
    }
    if (protect) {
        registry_protect_set(s, rq->change.purge_protection);
    }
    return RETSIM_OUT_UPDATED; /* a retention= is set by do_create */
}

/* ---- which children block a delete; why a name is reserved ---- */

/* Whether soft delete is in force for the children of instance id: its own
 * or its nearest ancestor's explicit switch, else on when any child kind has
 * it on kind-wide. */
static bool children_switch_on(const retsim_registry *r, uint32_t id)
{
    for (uint32_t i = id; i != NONE; i = slot_at(r, i)->parent) {
        if (slot_at(r, i)->flags & F_SWITCH_SET) {
            return (slot_at(r, i)->flags & F_SWITCH_ON) != 0;
        }
    }
    int kind = slot_at(r, id)->kind;
    for (int k = 0; k < r->n_kinds; k++) {
        if (r->policies[k].parent == kind && r->policies[k].soft_delete) {
            return true;
        }
    }
    return false;
}

/* Soft-deleted children block their parent's delete only while soft delete
 * is on for them; with it off they are purged with the parent (the Compute
 * Gallery FAQ's "disable soft delete on the Gallery to delete the image
 * definition"). Active children block as the policy says. */
bool registry_children_block(const retsim_registry *r, uint32_t id)
{
    const slot *s = slot_at(r, id);
    retsim_children_block rule = policy_of(r, s)->children_block_delete;
    if (rule == RETSIM_CHILDREN_BLOCK_NONE) {
        return false;
    }
    if (rule == RETSIM_CHILDREN_BLOCK_ACTIVE) {
        /* live children only: a bucket holding only soft-deleted objects may go */
        return s->active_children > 0;
    }
    if (rule == RETSIM_CHILDREN_BLOCK_ANY && s->active_children > 0) {
        return true;
    }
    return s->soft_children > 0 && children_switch_on(r, id);
}

/* Why a purged name inside its window is refused to this caller. */
retsim_reason registry_reserved_reason(const retsim_registry *r, const slot *s)
{
    if (s->reserved_until == RETSIM_TIME_NEVER) {
        return RETSIM_WHY_RESERVED_FOREVER;
    }
    switch (policy_of(r, s)->reuse_after_purge) {
    case RETSIM_REUSE_OWNER_SUBSCRIPTION:
        return RETSIM_WHY_RESERVED_FOR_OWNER_SUBSCRIPTION;
    case RETSIM_REUSE_OWNER_TENANT:
        return RETSIM_WHY_RESERVED_FOR_OWNER_TENANT;
    default:
        return RETSIM_WHY_RESERVED_FOR_NOBODY;
    }
}
