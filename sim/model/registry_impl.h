/* Internal to the model layer: the registry's records, shared by
 * registry.c (the state machine), registry_rules.c (the issue-12 rules:
 * where retention comes from, purge protection per instance, the side
 * records) and registry_read.c (read access). Not a public header. */
#ifndef RETSIM_REGISTRY_IMPL_H
#define RETSIM_REGISTRY_IMPL_H

#include "retsim/registry.h"

#include "base/chunks.h"

#define NONE RETSIM_NAME_NONE

enum {
    F_FAILED_PROVISIONING = 1, /* cannot be deleted while soft delete is on (gallery) */
    F_WAS_SOFT_DELETED = 2,    /* PURGED after a soft delete: a restore is `expired` */
    F_SWITCH_SET = 4,          /* this instance sets the soft-delete switch itself */
    F_SWITCH_ON = 8,           /* ... and this is its value */
    F_RESERVED = 16,           /* PURGED and counted as reserved until reserved_until */
    F_RETENTION_SET = 32,      /* the instance has a retention of its own (in its slot_ext) */
    F_PROTECT_SET = 64,        /* the instance sets purge protection itself */
    F_PROTECT_ON = 128,        /* ... and this is its value */
};

/* What a few instances need beyond their slot, in a side array made only
 * when first needed (a scenario without instance retention or drawn
 * reservations never touches it, so the slot stays one cache line). */
typedef struct slot_ext {
    retsim_time retention; /* valid with F_RETENTION_SET */
    uint32_t releases;     /* how many times the name was released (drawn reservations) */
    float size_gb;         /* the instance's size (a create's size_gb; 0: none), in the GB levels */
} slot_ext;

typedef struct slot {
    retsim_time deletion_time;
    retsim_time scheduled_purge;
    retsim_time reserved_until; /* PURGED: others may not reuse before this */
    retsim_event_id purge_event;
    uint32_t owner_sub;
    uint32_t parent; /* slot of the parent instance, NONE for top-level kinds */
    uint32_t home_region;
    uint32_t active_children;
    uint32_t soft_children;
    uint16_t kind;
    uint8_t state;
    uint8_t flags;
    uint32_t reservation; /* token of its reservation window in the inventory */
    /* The owner of the last soft-deleted instance under this name that was
     * purged and whose name another subscription has since taken: their
     * restore is `expired` (data lost), not `not_found`. NONE otherwise. */
    uint32_t lost_owner;
} slot;

typedef struct subscription {
    uint32_t tenant;
    uint32_t type;
} subscription;

struct retsim_registry {
    retsim_kernel *kernel;
    retsim_inventories *inv; /* fed on every state change; the caller's */
    uint32_t purge_type;     /* kernel handler id of the automatic purge */
    retsim_policy policies[RETSIM_MAX_KINDS];
    int n_kinds;
    retsim_names *names; /* resource names; id == slot index */
    chunks slots;        /* 64-byte slots in 4 MiB chunks: growth moves nothing */
    retsim_names *subs, *tenants, *types, *regions;
    subscription *sub_info;
    uint32_t sub_cap;
    uint32_t *soft_by_sub; /* [sub * n_kinds + kind]: soft-deleted instances, for list_deleted */
    uint64_t count[RETSIM_MAX_KINDS][RETSIM_STATE_COUNT];
    retsim_observer observer;
    void *observer_ctx;
    chunks ext;               /* slot_ext per slot, ensured up to a slot when it is first written */
    bool instance_retentions; /* some instance has had a retention of its own: deletes look */
    bool sized;               /* some create has given a size: state changes feed the GB levels */
    retsim_release_draw draw;
    void *draw_ctx;
};

/* Slots are 64 bytes in cache-line aligned chunks: each costs one miss, not two. */
_Static_assert(sizeof(slot) == 64, "a slot is one cache line");

/* Slots come 2^SLOT_BITS to a chunk. The shift, mask and size are
 * constants here rather than read from the chunks header on every access:
 * a slot is looked up several times per operation. */
#define SLOT_BITS 15

static inline slot *slot_at(const retsim_registry *r, uint32_t id)
{
    return (slot *)r->slots.chunk[id >> SLOT_BITS] + (id & ((UINT32_C(1) << SLOT_BITS) - 1));
}

static inline const retsim_policy *policy_of(const retsim_registry *r, const slot *s)
{
    return &r->policies[s->kind];
}

/* The side record of slot id, made (zeroed) on first use. NULL: out of memory. */
slot_ext *registry_ext(retsim_registry *r, uint32_t id);

/* A retention= on a create or delete is refused where the kind does not
 * take it on that operation (retention_set_at) or it lies outside the
 * kind's [retention_min, retention_max]. */
bool registry_retention_refused(const retsim_policy *p, const retsim_request *rq);
/* Give instance id a retention of its own. 0 or RETSIM_ENOMEM. */
int registry_set_retention(retsim_registry *r, uint32_t id, retsim_time t);
/* The retention of a soft delete of instance id by request rq: the delete's
 * own retention=, else that of the instance or of its nearest ancestor that
 * set one, else the kind's. O(depth). */
retsim_time registry_retention_for(const retsim_registry *r, const retsim_request *rq, uint32_t id);
/* Purge protection in force for an instance: its own setting, else its kind's. */
static inline bool registry_protected(const retsim_registry *r, const slot *s)
{
    return (s->flags & F_PROTECT_SET) ? (s->flags & F_PROTECT_ON) != 0 : policy_of(r, s)->purge_protection;
}
/* Whether an instance may set its purge protection to `on`: turning it off
 * where it is on needs purge_protection_can_disable. */
bool registry_protect_allowed(const retsim_registry *r, const slot *s, bool on);
void registry_protect_set(slot *s, bool on);
/* The drawn reservation window of slot id released now (its kind says
 * reservation_drawn and the hook is set). 0 or RETSIM_ENOMEM. */
int registry_drawn_window(retsim_registry *r, uint32_t id, retsim_time *window);

#endif
