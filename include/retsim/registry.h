/* retsim/registry.h — resource instances, their names, and the lifecycle
 * state machine of docs/semantics.md. Every operation returns one outcome.
 *
 * Each name is a "slot" that holds the one instance that name can have at
 * a time, including what is left of it after purge (owner, purge time,
 * reservation), so that a late restore is told `expired` and another
 * subscription `conflict_reserved`. A trace's names are interned once per
 * (kind, scope) — global, the owner's subscription, or the parent instance
 * (retsim_registry_name); the generator's are numbered instead
 * (retsim_registry_new_name), and the slot of a numbered name nobody can
 * name any more is reused for a later one.
 *
 * The registry schedules automatic purges on the kernel it is given. Time is
 * the kernel's clock. The retention window is half-open: any operation at or
 * after scheduled_purge first sees the instance purged (whatever the order of
 * same-instant events), and the purge is reported then as `auto_purge`.
 *
 * Every operation, and every automatic purge, is reported to the observer
 * (if set) in the order it happens.
 *
 * Costs: apply is O(1) expected (hash lookups are done by the caller through
 * _name/_parent, O(length)), except a kind-wide retention change applied to
 * all soft-deleted instances, which is O(slots). Memory: one 64-byte record
 * per slot (per interned name; per numbered name alive, where slots are
 * reused), plus the name table for interned names and 4 bytes per slot for
 * numbered ones. Thread safety: one registry per simulation.
 * Every state change is counted in the inventory it is given (the time
 * integrals, peaks and reservation windows live there, not here).
 *
 * Ownership: the caller keeps the kernel and the inventory alive while the
 * registry lives; the registry copies the policies (set_policy changes the
 * copy, never the caller's). */
#ifndef RETSIM_REGISTRY_H
#define RETSIM_REGISTRY_H

#include "retsim/inventory.h"
#include "retsim/kernel.h"
#include "retsim/names.h"
#include "retsim/policy.h"

#include <stdbool.h>
#include <stdint.h>

#define RETSIM_OPS(X)                                                                                        \
    X(CREATE, "create")                                                                                      \
    X(DELETE, "delete")                                                                                      \
    X(RESTORE, "restore")                                                                                    \
    X(PURGE, "purge")                                                                                        \
    X(GET_DELETED, "get_deleted")                                                                            \
    X(LIST_DELETED, "list_deleted")                                                                          \
    X(SET_POLICY, "set_policy")                                                                              \
    X(AUTO_PURGE, "auto_purge")

#define RETSIM_OUTCOMES(X)                                                                                   \
    X(OK, "ok")                                                                                              \
    X(UPDATED, "updated")                                                                                    \
    X(CONFLICT_ACTIVE, "conflict_active")                                                                    \
    X(CONFLICT_SOFT_DELETED, "conflict_soft_deleted")                                                        \
    X(CONFLICT_RESERVED, "conflict_reserved")                                                                \
    X(SOFT_DELETED, "soft_deleted")                                                                          \
    X(HARD_DELETED, "hard_deleted")                                                                          \
    X(NOT_FOUND, "not_found")                                                                                \
    X(BLOCKED_CHILDREN, "blocked_children")                                                                  \
    X(BLOCKED_FAILED_PROVISIONING, "blocked_failed_provisioning")                                            \
    X(WRONG_REGION, "wrong_region")                                                                          \
    X(EXPIRED, "expired")                                                                                    \
    X(FORBIDDEN, "forbidden")                                                                                \
    X(PURGE_PROTECTED, "purge_protected")                                                                    \
    X(NOT_SUPPORTED, "not_supported")                                                                        \
    X(REJECTED, "rejected")                                                                                  \
    X(NAME_TAKEN, "name_taken")

/* Why an operation got its outcome: a short stable code of the rule that
 * decided (docs/semantics.md, "Reasons", lists every one with its outcome). */
#define RETSIM_REASONS(X)                                                                                    \
    X(NONE, "")                                                                                              \
    X(NAME_FREE, "name_free")                                                                                \
    X(REUSE_ALLOWED, "reuse_allowed")                                                                        \
    X(SOFT_DELETED_NAME_FREE, "soft_deleted_name_free")                                                      \
    X(OWN_INSTANCE, "own_instance")                                                                          \
    X(OVERWRITE_KEPT, "overwrite_kept")                                                                      \
    X(HELD_BY_OTHER_SUBSCRIPTION, "held_by_other_subscription")                                              \
    X(HELD_WHILE_SOFT_DELETED, "held_while_soft_deleted")                                                    \
    X(BEING_DELETED, "being_deleted")                                                                        \
    X(RESERVED_FOR_OWNER_SUBSCRIPTION, "reserved_for_owner_subscription")                                    \
    X(RESERVED_FOR_OWNER_TENANT, "reserved_for_owner_tenant")                                                \
    X(RESERVED_FOR_NOBODY, "reserved_for_nobody")                                                            \
    X(RESERVED_FOREVER, "reserved_forever")                                                                  \
    X(PARENT_NOT_FOUND, "parent_not_found")                                                                  \
    X(REQUEST_NOT_ALLOWED, "request_not_allowed")                                                            \
    X(FORCE_DELETE_NOT_ALLOWED, "force_delete_not_allowed")                                                  \
    X(RETENTION_NOT_TAKEN, "retention_not_taken")                                                            \
    X(SOFT_DELETE_ON, "soft_delete_on")                                                                      \
    X(SOFT_DELETE_OFF, "soft_delete_off")                                                                    \
    X(API_VERSION_BEFORE_MINIMUM, "api_version_before_minimum")                                              \
    X(FORCE_DELETE, "force_delete")                                                                          \
    X(DELETED_WITH_PARENT, "deleted_with_parent")                                                            \
    X(NO_ACTIVE_INSTANCE, "no_active_instance")                                                              \
    X(CHILDREN_SOFT_DELETED, "children_soft_deleted")                                                        \
    X(CHILDREN_ACTIVE, "children_active")                                                                    \
    X(FAILED_PROVISIONING, "failed_provisioning")                                                            \
    X(WITHIN_RETENTION, "within_retention")                                                                  \
    X(WITHIN_GRACE, "within_grace")                                                                          \
    X(RESTORED_WITH_PARENT, "restored_with_parent")                                                          \
    X(REPLACED_LIVE_INSTANCE, "replaced_live_instance")                                                      \
    X(DATA_PURGED, "data_purged")                                                                            \
    X(PERMISSION_MISSING, "permission_missing")                                                              \
    X(HOME_REGION_REQUIRED, "home_region_required")                                                          \
    X(NOTHING_SOFT_DELETED, "nothing_soft_deleted")                                                          \
    X(NO_SUCH_GENERATION, "no_such_generation")                                                              \
    X(NAME_TAKEN_BY_LIVE_INSTANCE, "name_taken_by_live_instance")                                            \
    X(API_VERSION_BEFORE_RECOVER_MINIMUM, "api_version_before_recover_minimum")                              \
    X(PURGE_UNSUPPORTED, "purge_unsupported")                                                                \
    X(PURGE_PROTECTION_ON, "purge_protection_on")                                                            \
    X(PURGED_ON_REQUEST, "purged_on_request")                                                                \
    X(FOUND, "found")                                                                                        \
    X(CHANGE_ALLOWED, "change_allowed")                                                                      \
    X(RETENTION_ENDED, "retention_ended")                                                                    \
    X(GRACE_ENDED, "grace_ended")                                                                            \
    X(PARENT_GONE, "parent_gone")                                                                            \
    X(SOFT_DELETE_TURNED_OFF, "soft_delete_turned_off")

#define RETSIM_STATES(X)                                                                                     \
    X(ABSENT, "absent")                                                                                      \
    X(ACTIVE, "active")                                                                                      \
    X(SOFT_DELETED, "soft_deleted")                                                                          \
    X(PURGED, "purged")

typedef enum {
#define RETSIM_X_(id, text) RETSIM_OP_##id,
    RETSIM_OPS(RETSIM_X_)
#undef RETSIM_X_
        RETSIM_OP_COUNT
} retsim_op;

typedef enum {
#define RETSIM_X_(id, text) RETSIM_OUT_##id,
    RETSIM_OUTCOMES(RETSIM_X_)
#undef RETSIM_X_
        RETSIM_OUT_COUNT
} retsim_outcome;

typedef enum {
#define RETSIM_X_(id, text) RETSIM_WHY_##id,
    RETSIM_REASONS(RETSIM_X_)
#undef RETSIM_X_
        RETSIM_WHY_COUNT
} retsim_reason;

typedef enum {
#define RETSIM_X_(id, text) RETSIM_STATE_##id,
    RETSIM_STATES(RETSIM_X_)
#undef RETSIM_X_
        RETSIM_STATE_COUNT
} retsim_state;

const char *retsim_op_name(retsim_op op);
const char *retsim_outcome_name(retsim_outcome o);
const char *retsim_state_name(retsim_state s);
const char *retsim_reason_name(retsim_reason w);
/* Parse an operation name as written in traces (not auto_purge). 0 or RETSIM_EINPUT. */
int retsim_op_parse(const char *text, retsim_op *out);

typedef struct retsim_request {
    retsim_op op;
    int kind;
    uint32_t sub;              /* from _subscription; RETSIM_NAME_NONE for a kind-wide set_policy */
    uint32_t slot;             /* from _name; RETSIM_NAME_NONE when it could not be resolved */
    uint32_t region;           /* from _region; RETSIM_NAME_NONE when the request names none */
    int32_t api_version;       /* RETSIM_APIVER_CURRENT unless the caller uses an older one */
    bool named;                /* the request names an instance (false: list_deleted, kind-wide set_policy) */
    bool purge_permission;     /* the caller holds the purge permission */
    bool provisioning_failed;  /* create: the instance ends in failed provisioning */
    int8_t soft_delete_switch; /* create: -1 inherit, 0 off, 1 on (a gallery created with soft delete on),
                                  2 always_on (on, and never turned off again) */
    bool force;                /* delete: force=true, bypass soft delete where force_delete allows */
    bool restore_permission;   /* restore: the caller holds the restore permission (default true) */
    bool cascaded;             /* a parent's delete or restore acting on its child (delete: hard where the
                                  child's parent_delete = hard; no blocking checks) */
    retsim_time retention_ms;  /* create or delete: the retention= it asks for; RETSIM_TIME_NEVER: none */
    uint32_t generation;       /* restore, purge, get_deleted: generation=N; 0: the newest soft-deleted */
    float size_gb;             /* create: the instance's size (size_gb); 0: none given */
    /* set_policy; a create's purge_protection=on|off sets its PURGE_PROTECTION bit */
    retsim_policy_change change;
} retsim_request;

/* 64 bytes, one cache line: a request is made and copied on every operation. */
_Static_assert(sizeof(retsim_request) == 64, "a request is one cache line");

/* A request with the defaults above for op, kind, sub and slot. */
retsim_request retsim_request_make(retsim_op op, int kind, uint32_t sub, uint32_t slot);

typedef struct retsim_result {
    retsim_time time;
    retsim_op op;
    int kind;
    uint32_t sub;  /* caller, or the owner for auto_purge; NONE for kind-wide requests */
    uint32_t slot; /* NONE when the request named nothing or nothing resolvable */
    bool named;    /* the request named an instance (false: list_deleted, kind-wide set_policy) */
    retsim_outcome outcome;
    retsim_state before, after;
    retsim_time deletion_time;   /* RETSIM_TIME_NEVER unless the instance is or was soft-deleted */
    retsim_time scheduled_purge; /* likewise */
    uint32_t count;              /* list_deleted: how many instances it returned */
    /* which instance of the name (1, 2, ... in creation order) the result is
     * about, for kinds whose soft-deleted names are free (several instances
     * may then share a name); 0 elsewhere: the name has one instance at a time */
    uint32_t generation;
    /* the rule that decided the outcome where a finer one than its usual
     * applies; NONE otherwise: read it with retsim_result_reason */
    retsim_reason reason;
} retsim_result;

/* Why res got its outcome: the rule set on the way, else the outcome's
 * usual reason (a table lookup, kept off the operation's path). */
retsim_reason retsim_result_reason(const retsim_result *res);

typedef struct retsim_registry retsim_registry;

/* Return 0, or a negative code that aborts the operation's caller. */
typedef int (*retsim_observer)(void *ctx, const retsim_registry *r, const retsim_result *res);

/* A registry of n kinds (1 .. RETSIM_MAX_KINDS) with these policies, in
 * this order (a kind's index is its place here, and policies[i].parent an
 * index), automatic purges on k, every state change counted in inv (made
 * with n kinds; not NULL). NULL when out of memory. */
retsim_registry *retsim_registry_create(const retsim_policy *policies, int n, retsim_kernel *k,
                                        retsim_inventories *inv);
void retsim_registry_destroy(retsim_registry *r); /* NULL-safe */
void retsim_registry_set_observer(retsim_registry *r, retsim_observer fn, void *ctx);

/* The reservation window of a name of `kind` released for the
 * `release`-th time (1, 2, ... per name), in ms, for kinds whose policy says
 * reservation_drawn: the registry knows no distributions, the simulation
 * samples them. Called at each release (a purge, automatic or not, and a hard
 * delete). Without a hook a drawn kind uses reservation_ms. */
typedef retsim_time (*retsim_release_draw)(void *ctx, int kind, uint32_t slot, uint32_t release);
void retsim_registry_set_release_draw(retsim_registry *r, retsim_release_draw fn, void *ctx);

/* Intern a subscription. tenant "" means its own tenant; sub_type "" means
 * none. A subscription's tenant and type are fixed by the first call that
 * names it: a later call with another non-empty value fails with
 * RETSIM_EINPUT and *why (static text) set. */
int retsim_registry_subscription(retsim_registry *r, const char *sub, const char *tenant,
                                 const char *sub_type, uint32_t *id, const char **why);
int retsim_registry_region(retsim_registry *r, const char *region, uint32_t *id);

/* Resolve a parent path ("g1/img1": one component per ancestor kind, from
 * the top) for an instance of `kind` owned by `sub`, interning each component
 * (a parent never created is an ABSENT slot, and operations under it answer
 * not_found). *slot is NONE for kinds without a parent. RETSIM_EINPUT (*why
 * set) when the path has the wrong number of components for the kind. */
int retsim_registry_parent(retsim_registry *r, int kind, uint32_t sub, const char *path, uint32_t *slot,
                           const char **why);

/* The slot of `name` of `kind` in its scope (owner sub, or parent slot for
 * parent-scoped kinds). With create false, NONE when never interned, which
 * costs nothing; with create true it is interned. RETSIM_EUSAGE in a
 * registry of numbered names (retsim_registry_new_name). */
int retsim_registry_name(retsim_registry *r, int kind, uint32_t sub, uint32_t parent, const char *name,
                         bool create, uint32_t *slot);

/* Expect about n names in all: sizes the name table once, so it is never
 * rebuilt as it grows (a hint: more names still work). */
int retsim_registry_reserve(retsim_registry *r, size_t n);

/* The longest text retsim_registry_slot_name writes for a numbered name, NUL included. */
#define RETSIM_REGISTRY_NAME_MAX (RETSIM_KIND_NAME_MAX + 24)

/* A fresh name of `kind` (under slot `parent`; NONE for top-level kinds)
 * that the caller numbers itself: number n >= 1, read back as "<kind>-<n>"
 * with n zero-padded to six digits, never given twice for one kind. No text
 * is stored and nothing is looked up, so a name costs its slot and four
 * bytes (the generator's names; a trace's are interned). A registry's names
 * are all numbered or all interned (retsim_registry_name): mixing them is
 * RETSIM_EUSAGE; n of 2^31 or more (the 2^31st name of a kind) is RETSIM_ERANGE.
 *
 * tracked: the caller now holds one reference to the slot, and reports each
 * further one it takes (retsim_registry_hold: a pending event that names
 * it) and drops (retsim_registry_release). Once it holds none and the
 * instance is gone (purged, at once or when its retention ends, or never
 * made), nobody can name it again, so the slot is reused for a later name:
 * memory follows the names alive, not all names ever made. Only kinds that
 * nothing walks in slot order are reused (top level, no child kinds, no
 * generations, no late phase); for the others tracked changes nothing. A
 * name still reserved is counted in the reserved inventory until its window
 * ends whether or not its slot was reused. Released slots go only to new
 * tracked names of reusable kinds, so the slots of the others keep the
 * order their names were made in. 0, RETSIM_ENOMEM, RETSIM_EUSAGE or RETSIM_ERANGE. */
int retsim_registry_new_name(retsim_registry *r, int kind, uint32_t parent, uint64_t n, bool tracked,
                             uint32_t *slot);
/* One more / one fewer reference of the caller to a tracked slot (no-ops
 * for one not tracked). A count past 254 stops the slot's reuse. O(1). */
void retsim_registry_hold(retsim_registry *r, uint32_t slot);
void retsim_registry_release(retsim_registry *r, uint32_t slot);
/* Start loading slot's record into the cache (a hint; any slot id). O(1). */
void retsim_registry_prefetch(const retsim_registry *r, uint32_t slot);

/* Perform one operation at the kernel's current time. *res gets its result.
 * 0, or a negative code (out of memory, or an observer's error). */
int retsim_registry_apply(retsim_registry *r, const retsim_request *rq, retsim_result *res);

/* Read access for observers and reports. */
const retsim_policy *retsim_registry_policy(const retsim_registry *r, int kind);
int retsim_registry_kinds(const retsim_registry *r);
retsim_state retsim_registry_state(const retsim_registry *r, uint32_t slot);
int retsim_registry_slot_kind(const retsim_registry *r, uint32_t slot);
/* The name of a slot ("" for NONE): an interned name's own text, or a
 * numbered one written into buf (RETSIM_REGISTRY_NAME_MAX bytes suffice). */
const char *retsim_registry_slot_name(const retsim_registry *r, uint32_t slot, char *buf, size_t size);
/* The subscription owning (or that last owned) the instance in a slot; NONE if never created. */
uint32_t retsim_registry_slot_owner(const retsim_registry *r, uint32_t slot);
/* A purged name's reservation end (RETSIM_TIME_NEVER: never free again); 0 otherwise. */
retsim_time retsim_registry_reserved_until(const retsim_registry *r, uint32_t slot);
/* Write the parent path of a slot ("g1/img1", "" for none) into buf. */
const char *retsim_registry_parent_path(const retsim_registry *r, uint32_t slot, char *buf, size_t size);
const char *retsim_registry_subscription_name(const retsim_registry *r, uint32_t sub);
/* Subscription types are small dense ids; 0 is "" (none given / no subscription). */
uint32_t retsim_registry_sub_type(const retsim_registry *r, uint32_t sub);
uint32_t retsim_registry_sub_type_count(const retsim_registry *r);
const char *retsim_registry_sub_type_name(const retsim_registry *r, uint32_t type);
/* Instances of `kind` in `state` right now (ABSENT is not counted). O(1). */
uint64_t retsim_registry_count(const retsim_registry *r, int kind, retsim_state state);

#endif
