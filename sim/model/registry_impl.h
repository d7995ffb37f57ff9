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
    /* Generations (kinds where several instances share a name): the number of
     * the instance in the slot, the last number given, and the newest older
     * soft-deleted generation (a gen index + 1; 0: none), newest first. */
    uint32_t generation;
    uint32_t generations;
    uint32_t older;
    float size_gb;  /* the instance's size (a create's size_gb; 0: none), in the GB levels */
    uint8_t xflags; /* X_* */
} slot_ext;

enum {
    X_LATE = 1,      /* in the late phase of soft delete (grace or the unbilled tail) */
    X_ALWAYS_ON = 2, /* soft_delete=always_on: its switch cannot be turned off */
    X_CASCADED = 4,  /* soft-deleted with its parent (parent_delete = soft) */
};

/* An older soft-deleted generation of a name: the instance, moved out of its
 * slot when a new one took the name (or its content was overwritten). */
typedef struct gen {
    retsim_time deletion_time;
    retsim_time scheduled_purge;
    retsim_event_id purge_event;
    uint32_t head;  /* the slot of its name */
    uint32_t older; /* the next older generation (index + 1; 0: none); the free list when unused */
    uint32_t owner_sub;
    uint32_t generation;
    uint32_t home_region;
    float size_gb;  /* its size in the GB levels (0: none) */
    uint8_t flags;  /* F_PROTECT_SET / F_PROTECT_ON of the instance */
    uint8_t xflags; /* X_LATE */
} gen;

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
    uint8_t kind;
    /* The caller's references to a numbered name (retsim_registry_hold):
     * 0 untracked (never reused); n >= 2: n - 1 references; 1: none left,
     * the slot is reused once its instance is gone; HOLDS_STUCK: too many to
     * count, never reused. */
    uint8_t holds;
    uint8_t state;
    uint8_t flags;
    uint32_t reservation; /* token of its reservation window in the inventory; the free list's link */
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
    /* Resource names are either interned (names; id == slot index: traces)
     * or numbered by the caller (number[slot]: the generator), never both. */
    retsim_names *names;
    bool numbered;
    chunks number;      /* uint32_t per slot: a numbered name's number */
    chunks slots;       /* 64-byte slots in 4 MiB chunks: growth moves nothing */
    uint32_t n_slots;   /* slots made */
    uint32_t free_slot; /* released slots of numbered names, a list through `reservation` (NONE: empty) */
    /* per kind: its names' slots may be reused (top level, no children, no
     * generations, no late phase: nothing walks its slots in order or keeps
     * a record of them beyond the slot) */
    bool reusable_kind[RETSIM_MAX_KINDS];
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
    chunks gens;             /* older soft-deleted generations (model/registry_gens.c) */
    uint32_t gen_free;       /* unused gens, a list through `older` (index + 1; 0: none) */
    uint32_t gen_used;       /* gens ever made */
    uint32_t gen_purge_type; /* kernel handler id of a generation's automatic purge */
    /* per kind: registry_generations(its policy), read once per operation
     * (those rules are not changed by set_policy) */
    bool gens_kind[RETSIM_MAX_KINDS];
    /* per kind: a late phase (grace, unbilled tail) or a retroactive bill:
     * its soft deletes and restores take the slow path (registry_rules.c) */
    bool phase_kind[RETSIM_MAX_KINDS];
    /* per kind: some child kind has parent_delete, parent_purge or parent_restore */
    bool cascade_kind[RETSIM_MAX_KINDS];
};

/* Slots are 64 bytes in cache-line aligned chunks: each costs one miss, not two. */
_Static_assert(sizeof(slot) == 64, "a slot is one cache line");

/* Slots come 2^SLOT_BITS to a chunk. The shift, mask and size are
 * constants here rather than read from the chunks header on every access:
 * a slot is looked up several times per operation. */
#define SLOT_BITS 15

#define HOLDS_STUCK UINT8_MAX

static inline slot *slot_at(const retsim_registry *r, uint32_t id)
{
    return (slot *)r->slots.chunk[id >> SLOT_BITS] + (id & ((UINT32_C(1) << SLOT_BITS) - 1));
}

static inline const retsim_policy *policy_of(const retsim_registry *r, const slot *s)
{
    return &r->policies[s->kind];
}

/* Kinds where several instances may share a name, so that their instances
 * are numbered (generations): soft-deleted names free, or overwrite = keep. */
static inline bool registry_generations(const retsim_policy *p)
{
    return p->soft_deleted_name == RETSIM_NAME_FREE || p->overwrite == RETSIM_OVERWRITE_KEEP;
}
/* Kinds whose soft delete has a late phase (grace, or an unbilled tail). */
static inline retsim_time registry_late_length(const retsim_policy *p)
{
    return p->grace_ms > 0 ? p->grace_ms : p->billing_free_last;
}

/* ---- names and slots (model/registry_names.c) ---- */
/* Slot id of a numbered name nobody can name again (no reference is held
 * and its instance is gone) goes to the free list; its counts stay as they
 * were (a purged name is still counted purged, as if it stayed). */
void registry_slot_free(retsim_registry *r, uint32_t id);

/* ---- the state machine's own steps (registry.c), for the rule files ---- */
/* One instance of `kind` under `parent` owned by `owner` moves between
 * states: every counter, the inventory, the parent's child counts. */
void registry_account(retsim_registry *r, int kind, uint32_t parent, uint32_t owner, retsim_state from,
                      retsim_state to, float gb);
void registry_set_state(retsim_registry *r, slot *s, retsim_state to);
int registry_notify(retsim_registry *r, const retsim_result *res);
void registry_fill(const retsim_registry *r, retsim_result *res, retsim_op op, int kind, uint32_t sub,
                   uint32_t id);
/* Whether soft delete is on for instance id (its switch or its ancestors', else the kind's). */
bool registry_switch_on(const retsim_registry *r, uint32_t id);
/* Set an ACTIVE instance's own soft-delete switch, if its kind allows it:
 * turning it on needs enable_min_api_version and, where required, no
 * descendant in another region; turning it off needs
 * soft_delete_can_disable and no always_on lock. `always` sets the lock
 * (the caller made room for the side record). `rejected` changes nothing. */
retsim_outcome registry_switch_change(retsim_registry *r, uint32_t id, bool on, bool always,
                                      int32_t api_version);
/* After soft delete was turned off: the soft-deleted instances (and older
 * generations) of kinds with soft_delete_off_purges for which it is now
 * off, purged at once, each an auto_purge row. O(slots x depth). */
int registry_purge_switched_off(retsim_registry *r);
/* Purge the soft-deleted instance in slot id now, reported as an auto_purge row. */
int registry_purge_now(retsim_registry *r, uint32_t id, retsim_reason why);
/* When the late phase of a soft delete (deleted at `deletion`, purged at
 * `purge`) begins. */
static inline retsim_time registry_late_at(const retsim_policy *p, retsim_time deletion, retsim_time purge)
{
    retsim_time at = purge - registry_late_length(p);
    return at > deletion ? at : deletion;
}

/* ---- generations (model/registry_gens.c) ---- */
int registry_gens_init(retsim_registry *r);
/* The number of the instance in slot id of a kind with generations. */
uint32_t registry_generation_of(const retsim_registry *r, uint32_t id);
/* The same, 0 where the kind has none. */
static inline uint32_t registry_generation(const retsim_registry *r, uint32_t id)
{
    return id != NONE && __builtin_expect(r->gens_kind[slot_at(r, id)->kind], 0)
               ? registry_generation_of(r, id)
               : 0;
}
/* A new instance takes slot id: it gets the next number. 0 or RETSIM_ENOMEM. */
int registry_gen_number(retsim_registry *r, uint32_t id);
/* Move the soft-deleted instance in slot id out to the slot's generations,
 * with its purge (or phase) event; the slot is left ABSENT without a count
 * change (the instance still exists). 0 or RETSIM_ENOMEM. */
int registry_gen_spill(retsim_registry *r, uint32_t id);
/* Copy the ACTIVE instance in slot id out as a soft-deleted generation
 * deleted now (an overwrite that keeps, a restore that replaces), counted
 * as a soft delete. 0 or RETSIM_ENOMEM. */
int registry_gen_keep(retsim_registry *r, const retsim_request *rq, uint32_t id);
/* Automatic purges due now of the older generations of slot id. */
int registry_gens_expire(retsim_registry *r, uint32_t id);
/* restore, purge and get_deleted of a kind with generations, where the
 * request names a generation or the slot's instance is not the newest
 * soft-deleted one of the caller: *handled false leaves it to the slot's path. */
int registry_gen_apply(retsim_registry *r, const retsim_request *rq, retsim_result *res, retsim_outcome *out,
                       bool *handled);
/* Every soft-deleted generation of `kind` (-1: any) under instance `parent`
 * (NONE: anywhere) purged at once, each an auto_purge row. */
int registry_gens_purge_all(retsim_registry *r, int kind, uint32_t parent, retsim_reason why);
/* Every older soft-deleted generation of slot id purged at once, each an auto_purge row. */
int registry_gens_purge_slot(retsim_registry *r, uint32_t id, retsim_reason why);
/* A kind-wide retention change reaching the generations of `kind`. */
int registry_gens_reschedule(retsim_registry *r, int kind, retsim_time retention);

static inline bool owned_by(const retsim_registry *r, uint32_t id, uint32_t sub)
{
    return id != NONE && slot_at(r, id)->owner_sub == sub;
}
/* A set_policy naming an instance: its switch, purge protection, retention. */
int registry_set_instance_policy(retsim_registry *r, const retsim_request *rq, retsim_outcome *out);
/* A create on the caller's own ACTIVE instance: an update, under the rules
 * of a set_policy on it (all or nothing). */
retsim_outcome registry_update(retsim_registry *r, const retsim_request *rq);

/* Whether instance id's children stop its delete (children_block_delete;
 * soft-deleted ones only while soft delete is on for them). */
bool registry_children_block(const retsim_registry *r, uint32_t id);
/* Why a purged name inside its window is refused to another caller. */
retsim_reason registry_reserved_reason(const retsim_registry *r, const slot *s);

/* ---- the late phase and the retroactive bill (registry_rules.c) ---- */
/* A soft delete of slot id of a phase kind, its scheduled_purge set from the
 * retention: the grace is added, and the late phase entered now or its
 * start scheduled (else the purge). 0 or RETSIM_ENOMEM. */
int registry_late_schedule(retsim_registry *r, uint32_t id);
/* The phase event of slot id fired before its purge time: the late phase begins. */
int registry_late_enter(retsim_registry *r, uint32_t id);
/* Slot id leaves SOFT_DELETED (restored: true): out of the late phase, and
 * a restore billed retroactively where the kind says so. */
void registry_soft_exit(retsim_registry *r, uint32_t id, bool restored);

/* ---- cascades (registry_cascade.c) ---- */
/* What a parent's delete, purge or restore just reported does to its children. */
int registry_cascade_after(retsim_registry *r, const retsim_request *rq, retsim_outcome out, uint32_t id);
/* After `parent`'s delete (what = RETSIM_OP_DELETE), purge (PURGE) or
 * restore (RESTORE) was reported: its children follow where their kind
 * says so, each a row of its own. O(slots) when it has such children. */
int registry_cascade(retsim_registry *r, uint32_t parent, int what);

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
