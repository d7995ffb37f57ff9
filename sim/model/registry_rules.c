/* The issue-12 rules of the registry that are not the state machine itself:
 * where a soft delete's retention comes from (the kind, the instance or an
 * ancestor, the delete request) and its range, purge protection per
 * instance, the side records of the few slots that need them, and the
 * reservation window of a release (fixed, forever, or drawn through the
 * simulation's hook). */
#include "model/registry_impl.h"

#include "retsim/error.h"

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

void registry_set_retention(retsim_registry *r, uint32_t id, retsim_time t)
{
    ((slot_ext *)chunks_at(&r->ext, id))->retention = t;
    slot_at(r, id)->flags |= F_RETENTION_SET;
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

bool registry_protected(const retsim_registry *r, const slot *s)
{
    return (s->flags & F_PROTECT_SET) ? (s->flags & F_PROTECT_ON) != 0 : policy_of(r, s)->purge_protection;
}

bool registry_protect_allowed(const retsim_registry *r, const slot *s, bool on)
{
    return on || !registry_protected(r, s) || policy_of(r, s)->purge_protection_can_disable;
}

void registry_protect_set(slot *s, bool on)
{
    s->flags = (uint8_t)((s->flags & ~F_PROTECT_ON) | F_PROTECT_SET | (on ? F_PROTECT_ON : 0));
}

int registry_release_window(retsim_registry *r, uint32_t id, retsim_time *window)
{
    const slot *s = slot_at(r, id);
    const retsim_policy *p = policy_of(r, s);
    if (p->reservation_drawn && r->draw != NULL) { /* the release's number: 1, 2, ... per name */
        slot_ext *x = registry_ext(r, id);
        if (x == NULL) {
            return RETSIM_ENOMEM;
        }
        *window = r->draw(r->draw_ctx, s->kind, id, ++x->releases);
        return 0;
    }
    *window = retsim_policy_reservation(p, retsim_names_str(r->types, r->sub_info[s->owner_sub].type));
    return 0;
}
