/* retsim/policy.h — the retention rules of one resource kind.
 *
 * Every rule of docs/semantics.md is a field here, set from a scenario file's
 * [policy.<kind>] section (see retsim/scenario.h) and changed at run time only
 * through the registry's set_policy operation. Plain data: copy freely. */
#ifndef RETSIM_POLICY_H
#define RETSIM_POLICY_H

#include "retsim/time.h"

#include <stdbool.h>
#include <stdint.h>

#define RETSIM_KIND_NAME_MAX    48
#define RETSIM_MAX_KINDS        32
#define RETSIM_MAX_RESERVATIONS 16

/* Where a name must be unique. */
typedef enum {
    RETSIM_SCOPE_GLOBAL,       /* a DNS host name: one owner worldwide (APIM, Key Vault) */
    RETSIM_SCOPE_SUBSCRIPTION, /* unique within the owner's subscription */
    RETSIM_SCOPE_PARENT,       /* unique within the parent instance (image versions) */
} retsim_name_scope;

/* Who may take a purged name again before the reservation window ends. */
typedef enum {
    RETSIM_REUSE_OWNER_SUBSCRIPTION,
    RETSIM_REUSE_OWNER_TENANT,
    RETSIM_REUSE_ANYONE,
    RETSIM_REUSE_NOBODY,
} retsim_reuse;

/* What a retention change does to instances already soft-deleted. */
typedef enum {
    RETSIM_APPLIES_NEW_DELETES,      /* they keep the purge date set at deletion */
    RETSIM_APPLIES_ALL_SOFT_DELETED, /* purge date becomes deletion time + new retention */
} retsim_applies_to;

/* Which children stop their parent from being deleted. */
typedef enum {
    RETSIM_CHILDREN_BLOCK_NONE,
    RETSIM_CHILDREN_BLOCK_SOFT_DELETED,
    RETSIM_CHILDREN_BLOCK_ANY,    /* ACTIVE or SOFT_DELETED */
    RETSIM_CHILDREN_BLOCK_ACTIVE, /* ACTIVE only (a bucket with live objects) */
} retsim_children_block;

/* Whether a soft-deleted instance keeps its name from others and from a new
 * create (held), or the name is free for a new instance while the
 * soft-deleted one stays restorable as an older generation (free). */
typedef enum {
    RETSIM_NAME_HELD,
    RETSIM_NAME_FREE,
} retsim_soft_name;

/* A restore of a generation while a live instance holds the name. */
typedef enum {
    RETSIM_TAKEN_REFUSE,  /* name_taken */
    RETSIM_TAKEN_REPLACE, /* the live one becomes a soft-deleted generation */
} retsim_when_taken;

/* A create on the caller's own ACTIVE instance. */
typedef enum {
    RETSIM_OVERWRITE_UPDATE, /* updated in place */
    RETSIM_OVERWRITE_KEEP,   /* updated; the previous content stays as a soft-deleted generation */
} retsim_overwrite;

/* What a delete of its parent does to an instance of a child kind. */
typedef enum {
    RETSIM_CASCADE_NONE, /* nothing: it stays as it is */
    RETSIM_CASCADE_SOFT, /* it is deleted with its parent as its own delete would (soft where on) */
    RETSIM_CASCADE_HARD, /* it is gone at once, soft-deleted generations included */
} retsim_cascade;

/* API versions compare by date; "-preview" (any suffix) sorts before the
 * release of the same date. Encoded as yyyymmdd * 2 + (released ? 1 : 0). */
#define RETSIM_APIVER_ANY     0         /* as a minimum: every version qualifies */
#define RETSIM_APIVER_CURRENT INT32_MAX /* an empty version in a request */

/* Where the retention of a soft delete comes from. */
typedef enum {
    RETSIM_RETENTION_AT_KIND,   /* the kind's retention (set_policy changes it kind-wide) */
    RETSIM_RETENTION_AT_CREATE, /* a create may give retention=: the instance's own */
    RETSIM_RETENTION_AT_DELETE, /* a delete may give retention=: this deletion's */
} retsim_retention_at;

/* reservation_ms of a name never free again (for those the reuse rule excludes). */
#define RETSIM_RESERVATION_FOREVER RETSIM_TIME_NEVER
#define RETSIM_DRAW_SPEC_MAX       128

typedef struct retsim_reservation {
    char sub_type[RETSIM_KIND_NAME_MAX];
    retsim_time ms;
} retsim_reservation;

typedef struct retsim_policy {
    char kind[RETSIM_KIND_NAME_MAX];
    char parent_kind[RETSIM_KIND_NAME_MAX]; /* as written; "" for none */
    int parent;                             /* its index, resolved at load; -1 for none */
    retsim_name_scope name_scope;
    bool soft_delete_supported; /* deletes of this kind can be soft at all */
    bool soft_delete;           /* the kind-wide switch (instances may override) */
    retsim_time retention_ms;
    bool retention_mutable;
    retsim_retention_at retention_set_at; /* kind, create or delete (docs/semantics.md) */
    retsim_time retention_min;            /* a retention asked for below this is rejected (0: no bound) */
    retsim_time retention_max;            /* ... or above this (RETSIM_TIME_NEVER: no bound) */
    bool force_delete;                    /* a delete with force=true is hard (false: rejected) */
    bool restore_needs_permission;        /* a restore without restore_permission is forbidden */
    retsim_applies_to retention_change_applies_to; /* default for set_policy */
    int32_t min_api_version;                       /* for a soft delete */
    int32_t recover_min_api_version;  /* restore, purge, get/list deleted: older is not_supported */
    bool soft_delete_can_disable;     /* set_policy may turn soft delete off (Key Vault: no) */
    int32_t enable_min_api_version;   /* turning soft delete on for an instance: older is rejected */
    bool enable_requires_same_region; /* ... rejected while it holds a descendant in another region */
    retsim_reuse reuse_after_purge;
    retsim_time reservation_ms; /* default window after a release for everyone else; FOREVER: never free */
    /* The window is drawn per release instead (reservation_ms unused): the
     * registry asks the hook set with retsim_registry_set_release_draw. The
     * spec is the distribution as written, for the scenario's input layer. */
    bool reservation_drawn;
    char reservation_draw[RETSIM_DRAW_SPEC_MAX];
    retsim_reservation reservations[RETSIM_MAX_RESERVATIONS]; /* by owner's subscription type */
    int n_reservations;
    bool purge_supported;
    bool purge_needs_permission;
    bool purge_protection;
    bool purge_protection_can_disable;
    bool restore_requires_home_region;
    retsim_children_block children_block_delete;
    bool failed_provisioning_blocks_delete;
    /* names while soft-deleted, generations, overwrite (docs/semantics.md) */
    retsim_soft_name soft_deleted_name;
    retsim_time name_free_after; /* free names: held this long after the delete (conflict_soft_deleted) */
    retsim_when_taken restore_when_taken;
    retsim_overwrite overwrite;
    /* turning soft delete off (kind-wide or on an instance) purges what it
     * held soft-deleted at once, each an auto_purge row */
    bool soft_delete_off_purges;
    /* after the retention, a grace phase this long: still restorable,
     * purged at its end, billed with replicas_grace */
    retsim_time grace_ms;
    /* the last part of the soft-deleted period that is not billed (Backup: 14 d) */
    retsim_time billing_free_last;
    /* a restore bills the soft-deleted time as if it had been live (KMS) */
    bool bill_restored_retroactive;
    /* what the parent's delete, purge and restore do to instances of this kind */
    retsim_cascade parent_delete;
    bool parent_purge;   /* purged (hard-deleted) with the parent */
    bool parent_restore; /* restored with the parent, where deleted with it */
    /* cost: replicas per region, times the regions an instance spans */
    int regions;
    int replicas_active;
    int replicas_soft_deleted;
    int replicas_grace; /* per region, in the grace phase; -1: as replicas_soft_deleted */
    double price_per_replica_hour;
    double price_per_gb_month; /* per GB of instance size (size_gb) per 30 days, live and retained */
} retsim_policy;

/* A set_policy request: which settings it changes (bits) and their values. */
enum {
    RETSIM_CHANGE_SOFT_DELETE = 1,
    RETSIM_CHANGE_RETENTION = 2,
    RETSIM_CHANGE_APPLIES_TO = 4,
    RETSIM_CHANGE_PURGE_PROTECTION = 8,
    RETSIM_CHANGE_ALWAYS_ON = 16, /* with SOFT_DELETE on: soft_delete=always_on, never off again */
};
typedef struct retsim_policy_change {
    retsim_time retention_ms;
    retsim_applies_to applies_to;
    uint8_t set; /* RETSIM_CHANGE_* bits */
    bool soft_delete;
    bool purge_protection;
} retsim_policy_change;

/* A policy with the defaults documented in scenarios/README: soft delete
 * supported and on, 48h retention, global names, purge supported without
 * permission checks, names free to anyone right after purge, no replicas
 * (so no cost) unless the kind declares them. */
void retsim_policy_init(retsim_policy *p, const char *kind);

/* The reservation window for a name whose owner has subscription type
 * sub_type (NULL or unknown type: the default). O(number of types). */
retsim_time retsim_policy_reservation(const retsim_policy *p, const char *sub_type);

/* Parse "2020-06-01-preview" / "2024-03-03"; "" gives RETSIM_APIVER_CURRENT. */
int retsim_apiver_parse(const char *text, int32_t *out, const char **why);
/* Print an encoded version back ("" for ANY/CURRENT); returns buf. */
const char *retsim_apiver_format(int32_t v, char *buf, size_t size);

const char *retsim_scope_name(retsim_name_scope s);
const char *retsim_reuse_name(retsim_reuse r);
const char *retsim_applies_to_name(retsim_applies_to a);
const char *retsim_children_block_name(retsim_children_block c);
const char *retsim_retention_at_name(retsim_retention_at a);
/* Whether retention t lies in the kind's [retention_min, retention_max]. */
bool retsim_policy_retention_ok(const retsim_policy *p, retsim_time t);
/* Parse the names above; 0 or RETSIM_EINPUT. */
int retsim_applies_to_parse(const char *text, retsim_applies_to *out);

#endif
