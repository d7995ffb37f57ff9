/* Names and their slots: subscriptions, tenants, types and regions
 * interned; resource names interned (traces) or numbered (the generator),
 * with the reuse of numbered names' slots nobody can name again; parent
 * paths resolved. The state machine that fills the slots is registry.c. */
#include "retsim/registry.h"

#include "model/registry_impl.h"
#include "retsim/error.h"

#include <stdlib.h>
#include <string.h>

/* ---- interning ---- */

int retsim_registry_subscription(retsim_registry *r, const char *sub, const char *tenant,
                                 const char *sub_type, uint32_t *id, const char **why)
{
    uint32_t before = retsim_names_count(r->subs);
    if (retsim_names_intern(r->subs, 0, sub, strlen(sub), id) != 0) {
        return RETSIM_ENOMEM;
    }
    uint32_t t, ty;
    /* a subscription with no tenant given is a tenant of its own: the namespace 1 keeps
     * such implicit tenants apart from any tenant named explicitly */
    bool own = tenant[0] == '\0';
    if (retsim_names_intern(r->tenants, own ? 1 : 0, own ? sub : tenant, strlen(own ? sub : tenant), &t) !=
            0 ||
        retsim_names_intern(r->types, 0, sub_type, strlen(sub_type), &ty) != 0) {
        return RETSIM_ENOMEM;
    }
    if (*id < before) {
        const subscription *s = &r->sub_info[*id];
        if (!own && s->tenant != t) {
            *why = "this subscription was given another tenant on an earlier row";
            return RETSIM_EINPUT;
        }
        if (sub_type[0] != '\0' && s->type != ty) {
            *why = "this subscription was given another subscription type on an earlier row";
            return RETSIM_EINPUT;
        }
        return 0;
    }
    if (*id >= r->sub_cap) {
        uint32_t cap = r->sub_cap ? r->sub_cap * 2 : 64;
        subscription *si = realloc(r->sub_info, (size_t)cap * sizeof *si);
        if (si == NULL) {
            return RETSIM_ENOMEM;
        }
        r->sub_info = si;
        uint32_t *sb = realloc(r->soft_by_sub, (size_t)cap * (size_t)r->n_kinds * sizeof *sb);
        if (sb == NULL) {
            return RETSIM_ENOMEM;
        }
        r->soft_by_sub = sb;
        r->sub_cap = cap;
    }
    r->sub_info[*id] = (subscription){t, ty};
    memset(&r->soft_by_sub[(size_t)*id * (size_t)r->n_kinds], 0, (size_t)r->n_kinds * sizeof(uint32_t));
    return 0;
}

int retsim_registry_region(retsim_registry *r, const char *region, uint32_t *id)
{
    return retsim_names_intern(r->regions, 0, region, strlen(region), id);
}

/* The namespace of a name: its kind and its scope. */
static uint64_t name_ns(const retsim_registry *r, int kind, uint32_t sub, uint32_t parent)
{
    uint64_t scope = 0;
    switch (r->policies[kind].name_scope) {
    case RETSIM_SCOPE_GLOBAL:
        break;
    case RETSIM_SCOPE_SUBSCRIPTION:
        scope = (uint64_t)sub + 1;
        break;
    case RETSIM_SCOPE_PARENT:
        scope = (uint64_t)parent + 1;
        break;
    }
    return ((uint64_t)kind << 40) | scope;
}

int retsim_registry_reserve(retsim_registry *r, size_t n)
{
    return retsim_names_reserve(r->names, n);
}

/* A new slot's record: an ABSENT instance of `kind` under `parent`. */
static void slot_init(retsim_registry *r, slot *s, int kind, uint32_t parent)
{
    memset(s, 0, sizeof *s);
    s->kind = (uint8_t)kind;
    s->state = RETSIM_STATE_ABSENT;
    s->parent = r->policies[kind].parent >= 0 ? parent : NONE;
    s->owner_sub = NONE;
    s->lost_owner = NONE;
    s->home_region = NONE;
    s->deletion_time = s->scheduled_purge = RETSIM_TIME_NEVER;
}

int retsim_registry_name(retsim_registry *r, int kind, uint32_t sub, uint32_t parent, const char *name,
                         bool create, uint32_t *out)
{
    uint64_t ns = name_ns(r, kind, sub, parent);
    size_t len = strlen(name);
    if (r->numbered) {
        return RETSIM_EUSAGE; /* numbered and interned names in one registry */
    }
    if (!create) {
        *out = retsim_names_find(r->names, ns, name, len);
        return 0;
    }
    uint32_t before = retsim_names_count(r->names);
    uint32_t id;
    if (retsim_names_intern(r->names, ns, name, len, &id) != 0 ||
        chunks_ensure(&r->slots, (uint64_t)id + 1) != 0) {
        return RETSIM_ENOMEM;
    }
    if (id == before) {
        slot_init(r, slot_at(r, id), kind, parent);
        r->n_slots = id + 1;
    } else if (r->policies[kind].parent >= 0 && r->policies[kind].name_scope != RETSIM_SCOPE_PARENT &&
               (slot_at(r, id)->state == RETSIM_STATE_ABSENT ||
                slot_at(r, id)->state == RETSIM_STATE_PURGED)) {
        /* a child kind with a name scope of its own (KMS aliases per account):
         * a free name may be made again under another parent */
        slot_at(r, id)->parent = parent;
    }
    *out = id;
    return 0;
}

int retsim_registry_new_name(retsim_registry *r, int kind, uint32_t parent, uint64_t n, bool tracked,
                             uint32_t *out)
{
    if (retsim_names_count(r->names) > 0 || n == 0 || kind < 0 || kind >= r->n_kinds) {
        return RETSIM_EUSAGE;
    }
    if (n >= (UINT64_C(1) << 31)) {
        return RETSIM_ERANGE;
    }
    r->numbered = true;
    bool reuse = tracked && r->reusable_kind[kind];
    /* only such names take a released slot: the slots of kinds walked in
     * slot order (cascades, a parent's soft-deleted children) keep the order
     * their names were made in */
    uint32_t id = reuse ? r->free_slot : NONE;
    if (id != NONE) {
        r->free_slot = slot_at(r, id)->reservation;
        if (((uint64_t)id >> r->ext.bits) < r->ext.n_chunks) {
            memset(chunks_at(&r->ext, id), 0, sizeof(slot_ext)); /* the last name's retention, size ... */
        }
    } else {
        if (r->n_slots == NONE - 1 || chunks_ensure(&r->slots, (uint64_t)r->n_slots + 1) != 0 ||
            chunks_ensure(&r->number, (uint64_t)r->n_slots + 1) != 0) {
            return RETSIM_ENOMEM;
        }
        id = r->n_slots++;
    }
    slot *s = slot_at(r, id);
    slot_init(r, s, kind, parent);
    s->holds = reuse ? 2 : 0;
    *(uint32_t *)chunks_at(&r->number, id) = (uint32_t)n;
    *out = id;
    return 0;
}

/* registry_impl.h: the free list runs through `reservation`. */
void registry_slot_free(retsim_registry *r, uint32_t id)
{
    slot *s = slot_at(r, id);
    s->state = RETSIM_STATE_ABSENT;
    s->holds = 0;
    s->flags = 0;
    s->parent = NONE;
    s->reservation = r->free_slot;
    r->free_slot = id;
}

void retsim_registry_hold(retsim_registry *r, uint32_t id)
{
    slot *s = slot_at(r, id);
    if (s->holds >= 2 && s->holds != HOLDS_STUCK) {
        s->holds++;
    }
}

void retsim_registry_release(retsim_registry *r, uint32_t id)
{
    slot *s = slot_at(r, id);
    if (s->holds < 2 || s->holds == HOLDS_STUCK) {
        return;
    }
    if (--s->holds == 1 && (s->state == RETSIM_STATE_ABSENT || s->state == RETSIM_STATE_PURGED)) {
        registry_slot_free(r, id); /* SOFT_DELETED: freed by its automatic purge; ACTIVE: stays */
    }
}

int retsim_registry_parent(retsim_registry *r, int kind, uint32_t sub, const char *path, uint32_t *out,
                           const char **why)
{
    /* The chain of ancestor kinds, top first. */
    int chain[RETSIM_MAX_KINDS];
    int depth = 0;
    for (int k = r->policies[kind].parent; k >= 0; k = r->policies[k].parent) {
        chain[depth++] = k;
    }
    int components = path[0] == '\0' ? 0 : 1;
    for (const char *c = path; *c; c++) {
        components += *c == '/';
    }
    if (components != depth) {
        *why = depth == 0 ? "this kind has no parent: leave 'parent' empty"
                          : "the parent path needs one component per ancestor kind, from the "
                            "top (e.g. gallery/image)";
        return RETSIM_EINPUT;
    }
    uint32_t parent = NONE;
    const char *p = path;
    for (int i = depth - 1; i >= 0; i--) {
        const char *end = strchr(p, '/');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        char component[1024];
        if (len == 0 || len >= sizeof component) {
            *why = len == 0 ? "empty component in the parent path" : "parent path component too long";
            return RETSIM_EINPUT;
        }
        memcpy(component, p, len);
        component[len] = '\0';
        int rc = retsim_registry_name(r, chain[i], sub, parent, component, true, &parent);
        if (rc != 0) {
            return rc;
        }
        p += len + (end != NULL);
    }
    *out = parent;
    return 0;
}
