/* Cascades: what a parent's delete, purge and restore do to its children,
 * by the child kind's parent_delete, parent_purge and parent_restore
 * (docs/semantics.md, "Parents and children"). Each child's change is a row
 * of its own, right after the parent's: a delete (soft or hard, as the
 * child's rules say), an auto_purge of what was soft-deleted, a restore.
 * Children are found by a scan of the slots, O(slots), and only when the
 * parent holds children and its kind has child kinds that cascade. */
#include "model/registry_impl.h"

#include "retsim/error.h"
#include "retsim/names.h"

#include <string.h>

static bool any_child_kind(const retsim_registry *r, int kind, int what)
{
    for (int k = 0; k < r->n_kinds; k++) {
        const retsim_policy *c = &r->policies[k];
        if (c->parent == kind && ((what == RETSIM_OP_DELETE && c->parent_delete != RETSIM_CASCADE_NONE) ||
                                  (what == RETSIM_OP_PURGE && c->parent_purge) ||
                                  (what == RETSIM_OP_RESTORE && c->parent_restore))) {
            return true;
        }
    }
    return false;
}

static int child_apply(retsim_registry *r, retsim_op op, uint32_t id)
{
    const slot *c = slot_at(r, id);
    retsim_request rq = retsim_request_make(op, c->kind, c->owner_sub, id);
    rq.cascaded = true;
    rq.region = c->home_region;
    retsim_result res;
    return retsim_registry_apply(r, &rq, &res);
}

/* Gone at once: a live child hard-deleted, a soft-deleted one (and its
 * older generations) purged. */
static int child_gone(retsim_registry *r, uint32_t id)
{
    int rc = registry_gens_purge_slot(r, id, RETSIM_WHY_PARENT_GONE);
    if (rc != 0) {
        return rc;
    }
    const slot *c = slot_at(r, id);
    if (c->state == RETSIM_STATE_SOFT_DELETED) {
        return registry_purge_now(r, id, RETSIM_WHY_PARENT_GONE);
    }
    return c->state == RETSIM_STATE_ACTIVE ? child_apply(r, RETSIM_OP_DELETE, id) : 0;
}

static int cascade_one(retsim_registry *r, uint32_t parent, int what, uint32_t id)
{
    const slot *c = slot_at(r, id);
    const retsim_policy *p = policy_of(r, c);
    switch (what) {
    case RETSIM_OP_DELETE:
        if (p->parent_delete == RETSIM_CASCADE_HARD) {
            return child_gone(r, id);
        }
        if (p->parent_delete == RETSIM_CASCADE_SOFT && c->state == RETSIM_STATE_ACTIVE) {
            slot_ext *x = registry_ext(r, id);
            if (x == NULL) {
                return RETSIM_ENOMEM;
            }
            int rc = child_apply(r, RETSIM_OP_DELETE, id);
            x = chunks_at(&r->ext, id);
            x->xflags |= slot_at(r, id)->state == RETSIM_STATE_SOFT_DELETED ? X_CASCADED : 0;
            return rc;
        }
        return 0;
    case RETSIM_OP_PURGE:
        return p->parent_purge ? child_gone(r, id) : 0;
    default: /* restore: only what went with the parent */
        if (p->parent_restore && c->state == RETSIM_STATE_SOFT_DELETED &&
            c->deletion_time == slot_at(r, parent)->deletion_time &&
            (uint64_t)id < ((uint64_t)r->ext.n_chunks << r->ext.bits) &&
            (((slot_ext *)chunks_at(&r->ext, id))->xflags & X_CASCADED)) {
            ((slot_ext *)chunks_at(&r->ext, id))->xflags &= (uint8_t)~X_CASCADED;
            return child_apply(r, RETSIM_OP_RESTORE, id);
        }
        return 0;
    }
}

int registry_cascade(retsim_registry *r, uint32_t parent, int what)
{
    const slot *s = slot_at(r, parent);
    if (s->active_children + s->soft_children == 0 || !any_child_kind(r, s->kind, what)) {
        return 0;
    }
    uint32_t n = r->n_slots;
    for (uint32_t id = 0; id < n; id++) {
        if (slot_at(r, id)->parent != parent) {
            continue;
        }
        int rc = cascade_one(r, parent, what, id);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

/* What the parent's delete, purge or restore just reported does to its children. */
int registry_cascade_after(retsim_registry *r, const retsim_request *rq, retsim_outcome out, uint32_t id)
{
    int rc = 0;
    if (rq->op == RETSIM_OP_DELETE && (out == RETSIM_OUT_SOFT_DELETED || out == RETSIM_OUT_HARD_DELETED)) {
        rc = registry_cascade(r, id, RETSIM_OP_DELETE);
    }
    if (rc == 0 && ((rq->op == RETSIM_OP_DELETE && out == RETSIM_OUT_HARD_DELETED) ||
                    (rq->op == RETSIM_OP_PURGE && out == RETSIM_OUT_OK))) {
        rc = registry_cascade(r, id, RETSIM_OP_PURGE);
    }
    if (rc == 0 && rq->op == RETSIM_OP_RESTORE && out == RETSIM_OUT_OK) {
        rc = registry_cascade(r, id, RETSIM_OP_RESTORE);
    }
    return rc;
}
