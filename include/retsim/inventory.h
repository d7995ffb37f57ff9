/* retsim/inventory.h — how many instances there are, integrated exactly over time.
 *
 * Per kind and for all kinds together: how many ACTIVE, SOFT_DELETED,
 * RESERVED (purged names inside their reservation window) and LATE (the
 * soft-deleted ones in the late phase: a subset of SOFT_DELETED) there are
 * now, the most at once, and the time integral (instance-milliseconds) since
 * the start or the last restart. Beside the counts, GB levels (the sizes of
 * the instances that have one, in GB) of the same phases, and what restores
 * billed retroactively. The registry feeds it on every state change; it
 * knows nothing of names or the state machine, only counts, sizes, times and
 * reservation windows.
 *
 * The late phase is, for a kind with grace_ms > 0, the grace phase (after
 * the retention, still restorable, billed with replicas_grace) and, for a
 * kind with billing_free_last > 0, the unbilled tail (the last
 * billing_free_last of the soft-deleted period, billed at 0). A kind has at
 * most one of them.
 *
 * Reservation windows end without an event each: windows of one length end
 * in the order they began, so a FIFO per length finds the ends, and each is
 * counted out at the time it ended (not when it is noticed), so integrals and
 * peaks are exact.
 *
 * Costs: _move and _move_gb O(1); _reserve amortised O(1) (plus O(window lengths) to find
 * the earliest end); _get amortised O(1). Memory: about 10 KB, plus 24 bytes
 * per reservation window open at once. Ownership: created and freed by the
 * caller. Thread safety: one per simulation. */
#ifndef RETSIM_INVENTORY_H
#define RETSIM_INVENTORY_H

#include "retsim/policy.h"
#include "retsim/time.h"

#include <stdint.h>

/* The order is fixed (outputs iterate it): new indices go last. The GB
 * indices hold GB levels: area_ms in GB-ms, now and peak rounded to whole GB
 * (retsim_inventory_gb_now reads the exact level). RETRO and GB_RETRO hold
 * only an area: the instance-ms and GB-ms that restores billed
 * retroactively (now and peak 0). */
typedef enum {
    RETSIM_INV_ACTIVE,
    RETSIM_INV_SOFT_DELETED,
    RETSIM_INV_RESERVED,
    RETSIM_INV_LATE, /* of SOFT_DELETED, those in the late phase */
    RETSIM_INV_GB_ACTIVE,
    RETSIM_INV_GB_SOFT_DELETED,
    RETSIM_INV_GB_LATE,
    RETSIM_INV_RETRO,
    RETSIM_INV_GB_RETRO,
    RETSIM_INV_COUNT
} retsim_inv;

/* One inventory as of one instant. */
typedef struct retsim_inventory {
    uint64_t now;
    uint64_t peak;
    double area_ms; /* exact while below 2^53 instance-ms (about 285 instance-years) */
} retsim_inventory;

typedef struct retsim_inventories retsim_inventories;

/* Inventories of n_kinds kinds (1 .. RETSIM_MAX_KINDS), all 0 at time 0.
 * NULL when out of memory. */
retsim_inventories *retsim_inventory_create(int n_kinds);
void retsim_inventory_destroy(retsim_inventories *v); /* NULL-safe */

/* One instance of `kind` leaves inventory `from` and enters `to` (ACTIVE or
 * SOFT_DELETED; -1 for neither: it was or becomes absent or purged) at time
 * `now`, never earlier than a previous call's. One call per state change. */
void retsim_inventory_move(retsim_inventories *v, int kind, int from, int to, retsim_time now);

/* The same for the GB levels: gb GB of `kind` leave `from` and enter `to`
 * (RETSIM_INV_ACTIVE, RETSIM_INV_SOFT_DELETED or RETSIM_INV_LATE; -1 for
 * neither) at `now`. LATE is a subset: an instance entering the late phase
 * moves from -1 to LATE and keeps its SOFT_DELETED GB. O(1). */
void retsim_inventory_move_gb(retsim_inventories *v, int kind, int from, int to, double gb, retsim_time now);

/* A restored instance of a kind with bill_restored_retroactive had been
 * soft-deleted for `ms` and has a size of gb GB (0: none): its soft-deleted
 * time is billed as live, `ms` instance-ms (RETRO) and gb x ms GB-ms
 * (GB_RETRO). A restart forgets it like the other integrals. O(1). */
void retsim_inventory_bill_retro(retsim_inventories *v, int kind, retsim_time ms, double gb, retsim_time now);

/* The exact GB level now of kind (-1: all kinds); which is one of the GB
 * indices. */
double retsim_inventory_gb_now(const retsim_inventories *v, int kind, retsim_inv which);

/* A name of `kind` is reserved from now until `until` (a window of `length`
 * ms that began at until - length: an automatic purge may be noticed after
 * its time). It counts as RESERVED from now and is counted out at `until`.
 * *token names the window for _unreserve. 0 or RETSIM_ENOMEM. */
int retsim_inventory_reserve(retsim_inventories *v, int kind, retsim_time length, retsim_time until,
                             retsim_time now, uint32_t *token);

/* The window `token` (still open: now < its end) is cut short at now: the
 * name was taken again. */
void retsim_inventory_unreserve(retsim_inventories *v, int kind, uint32_t token, retsim_time now);

/* As of `now`; kind -1 for all kinds together. Windows that ended by now
 * are counted out first, at the times they ended (hence not const). */
retsim_inventory retsim_inventory_get(retsim_inventories *v, int kind, retsim_inv which, retsim_time now);

/* Forget peaks (down to what there is now) and integrals so far: the end of
 * a warm-up period or the start of a new period. O(kinds). */
void retsim_inventory_restart(retsim_inventories *v, retsim_time now);

/* What a kind holds, per phase: instances (or instance-hours) and GB (or
 * GB-hours). late and gb_late are parts of soft_deleted and gb_soft_deleted;
 * retro and gb_retro are instance-hours and GB-hours billed retroactively. */
typedef struct retsim_usage {
    double active, soft_deleted, late;
    double gb_active, gb_soft_deleted, gb_late;
    double retro, gb_retro;
} retsim_usage;

/* What that holds and costs. Replicas = instances x regions x replicas per
 * region: replicas_active live and retro, replicas_soft_deleted while
 * soft-deleted, in the late phase replicas_grace (-1: as soft-deleted) for a
 * grace phase and replicas_soft_deleted for a free tail. Cost = replicas x
 * price_per_replica_hour + GB-months x price_per_gb_month, GB-months =
 * GB-hours / 720 (30 days). retained covers the whole soft-deleted period,
 * the late phase included; cost_late is the late phase's share of
 * cost_retained, 0 for a free tail, which cost_retained does not bill
 * (its replicas and GB still count as retained). Given counts, that is
 * replicas, GB-months and cost per hour; given instance-hours and GB-hours,
 * replica-hours, GB-months and cost. */
typedef struct retsim_cost {
    double replicas_live, replicas_retained, replicas_late, replicas_retro;
    double gb_months_live, gb_months_retained;
    double cost_live, cost_retained, cost_late, cost_retro;
} retsim_cost;
retsim_cost retsim_inventory_cost(const retsim_policy *p, const retsim_usage *u);

/* The usage in a kind's inventories inv[RETSIM_INV_COUNT] (a tally's):
 * their integrals in hours. */
retsim_usage retsim_inventory_usage_hours(const retsim_inventory *inv);

#endif
