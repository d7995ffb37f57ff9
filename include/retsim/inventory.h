/* retsim/inventory.h — how many instances there are, integrated exactly over time.
 *
 * Per kind and for all kinds together: how many ACTIVE, SOFT_DELETED and
 * RESERVED (purged names inside their reservation window) there are now, the
 * most at once, and the time integral (instance-milliseconds) since the start
 * or the last restart. The registry feeds it on every state change; it knows
 * nothing of names or the state machine, only counts, times and reservation
 * windows.
 *
 * Reservation windows end without an event each: windows of one length end
 * in the order they began, so a FIFO per length finds the ends, and each is
 * counted out at the time it ended (not when it is noticed), so integrals and
 * peaks are exact.
 *
 * Costs: _move O(1); _reserve amortised O(1) (plus O(window lengths) to find
 * the earliest end); _get amortised O(1). Memory: about 3 KB, plus 24 bytes
 * per reservation window open at once. Ownership: created and freed by the
 * caller. Thread safety: one per simulation. */
#ifndef RETSIM_INVENTORY_H
#define RETSIM_INVENTORY_H

#include "retsim/policy.h"
#include "retsim/time.h"

#include <stdint.h>

typedef enum { RETSIM_INV_ACTIVE, RETSIM_INV_SOFT_DELETED, RETSIM_INV_RESERVED, RETSIM_INV_COUNT } retsim_inv;

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

/* What `active` ACTIVE and `soft_deleted` SOFT_DELETED instances of a kind
 * hold and cost: replicas = instances x regions x replicas per region
 * (replicas_active, replicas_soft_deleted), cost = replicas x
 * price_per_replica_hour. Given counts, that is replicas and cost per hour;
 * given instance-hours, replica-hours and cost. */
typedef struct retsim_cost {
    double replicas_live, replicas_retained;
    double cost_live, cost_retained;
} retsim_cost;
retsim_cost retsim_inventory_cost(const retsim_policy *p, double active, double soft_deleted);

#endif
