/* Inventories integrated over time, and the reservation windows that end
 * without an event. */
#include "retsim/inventory.h"

#include "retsim/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Signed counts: int64 to double is one instruction, uint64 to double a
 * branch and several (this runs on every state change). */
typedef struct level {
    int64_t count, peak;
    double area_ms;
    retsim_time since; /* area is integrated up to here */
} level;

/* A GB level (or, for RETRO and GB_RETRO, a bill accumulated straight into
 * area_ms): sizes are fractional, so doubles. */
typedef struct gb_level {
    double now, peak, area_ms;
    retsim_time since;
} gb_level;

#define N_COUNTED (RETSIM_INV_LATE + 1)                     /* indices counted in instances */
#define N_GB      (RETSIM_INV_COUNT - RETSIM_INV_GB_ACTIVE) /* the GB levels and the bills */

/* Reservation windows of one length end in the order they began (purges come
 * in time order), so a FIFO per length finds the ends without an event each.
 * A window cut short by a re-create sets its token's bit in `cut`. */
typedef struct res_entry {
    retsim_time until;
    uint32_t token;
    uint16_t kind;
} res_entry;

typedef struct res_fifo {
    retsim_time length;
    res_entry *v;
    size_t head, n, cap;
} res_fifo;

#define MAX_RES_FIFOS (RETSIM_MAX_KINDS * (RETSIM_MAX_RESERVATIONS + 1))

struct retsim_inventories {
    int n_kinds;
    level lv[RETSIM_MAX_KINDS + 1][N_COUNTED]; /* the last row: all kinds */
    gb_level gb[RETSIM_MAX_KINDS + 1][N_GB];   /* [which - RETSIM_INV_GB_ACTIVE] */
    res_fifo res[MAX_RES_FIFOS];
    int n_res;
    uint64_t *cut; /* bit per reservation token */
    uint32_t cut_words, next_token;
};

retsim_inventories *retsim_inventory_create(int n_kinds)
{
    retsim_inventories *v = calloc(1, sizeof *v);
    if (v != NULL) {
        v->n_kinds = n_kinds;
    }
    return v;
}

void retsim_inventory_destroy(retsim_inventories *v)
{
    if (v == NULL) {
        return;
    }
    for (int i = 0; i < v->n_res; i++) {
        free(v->res[i].v);
    }
    free(v->cut);
    free(v);
}

/* Integrate a level up to now, then move it by delta (+1 / -1). */
static void level_move(level *l, retsim_time now, int delta)
{
    l->area_ms += (double)l->count * (double)(now - l->since);
    l->since = now;
    l->count += delta;
    if (l->count > l->peak) {
        l->peak = l->count;
    }
}

/* Move one inventory of kind (and of all kinds) by delta. */
static void inventory_add(retsim_inventories *v, int kind, retsim_inv which, int delta, retsim_time now)
{
    level_move(&v->lv[kind][which], now, delta);
    if (v->n_kinds > 1) { /* with one kind, "all" is that kind: read from it */
        level_move(&v->lv[RETSIM_MAX_KINDS][which], now, delta);
    }
}

void retsim_inventory_move(retsim_inventories *v, int kind, int from, int to, retsim_time now)
{
    if (from >= 0) {
        inventory_add(v, kind, (retsim_inv)from, -1, now);
    }
    if (to >= 0) {
        inventory_add(v, kind, (retsim_inv)to, +1, now);
    }
}

/* Integrate a GB level up to now, then move it by delta GB. */
static void gb_level_move(gb_level *l, retsim_time now, double delta)
{
    l->area_ms += l->now * (double)(now - l->since);
    l->since = now;
    l->now += delta;
    if (l->now > l->peak) {
        l->peak = l->now;
    }
}

static void gb_add(retsim_inventories *v, int kind, int which, double delta, retsim_time now)
{
    int g = which - RETSIM_INV_GB_ACTIVE;
    gb_level_move(&v->gb[kind][g], now, delta);
    if (v->n_kinds > 1) {
        gb_level_move(&v->gb[RETSIM_MAX_KINDS][g], now, delta);
    }
}

/* ACTIVE, SOFT_DELETED or LATE to its GB index. */
static int gb_index(int which)
{
    return which == RETSIM_INV_ACTIVE ? RETSIM_INV_GB_ACTIVE
           : which == RETSIM_INV_LATE ? RETSIM_INV_GB_LATE
                                      : RETSIM_INV_GB_SOFT_DELETED;
}

void retsim_inventory_move_gb(retsim_inventories *v, int kind, int from, int to, double gb, retsim_time now)
{
    if (from >= 0) {
        gb_add(v, kind, gb_index(from), -gb, now);
    }
    if (to >= 0) {
        gb_add(v, kind, gb_index(to), +gb, now);
    }
}

void retsim_inventory_bill_retro(retsim_inventories *v, int kind, retsim_time ms, double gb, retsim_time now)
{
    (void)now; /* a bill, not a level: nothing to integrate up to now */
    for (int k = kind;; k = RETSIM_MAX_KINDS) {
        v->gb[k][RETSIM_INV_RETRO - RETSIM_INV_GB_ACTIVE].area_ms += (double)ms;
        v->gb[k][RETSIM_INV_GB_RETRO - RETSIM_INV_GB_ACTIVE].area_ms += gb * (double)ms;
        if (k == RETSIM_MAX_KINDS || v->n_kinds == 1) {
            return;
        }
    }
}

static int row_of(const retsim_inventories *v, int kind)
{
    return kind >= 0 ? kind : v->n_kinds > 1 ? RETSIM_MAX_KINDS : 0;
}

double retsim_inventory_gb_now(const retsim_inventories *v, int kind, retsim_inv which)
{
    return v->gb[row_of(v, kind)][which - RETSIM_INV_GB_ACTIVE].now;
}

/* Count out every reservation window that ended at or before now, at the
 * time it ended, earliest first, so integrals and peaks are exact. Amortised
 * O(1) per window, plus O(window lengths) per call. */
static void catch_up(retsim_inventories *v, retsim_time now)
{
    for (;;) {
        res_fifo *first = NULL;
        for (int i = 0; i < v->n_res; i++) {
            res_fifo *f = &v->res[i];
            if (f->head < f->n && f->v[f->head].until <= now &&
                (first == NULL || f->v[f->head].until < first->v[first->head].until)) {
                first = f;
            }
        }
        if (first == NULL) {
            return;
        }
        const res_entry *e = &first->v[first->head++];
        if (!((v->cut[e->token >> 6] >> (e->token & 63)) & 1)) {
            inventory_add(v, e->kind, RETSIM_INV_RESERVED, -1, e->until);
        }
        if (first->head == first->n) {
            first->head = first->n = 0;
        }
    }
}

/* The FIFO of windows of this length, made on first use. NULL when full. */
static res_fifo *fifo_of(retsim_inventories *v, retsim_time length)
{
    for (int i = 0; i < v->n_res; i++) {
        if (v->res[i].length == length) {
            return &v->res[i];
        }
    }
    if (v->n_res == MAX_RES_FIFOS) {
        return NULL;
    }
    res_fifo *f = &v->res[v->n_res++];
    f->length = length;
    return f;
}

/* Room for one more entry: reclaim what was read when that is at least
 * half, else grow, so each entry is moved O(1) times (reclaiming a few dead
 * entries from a nearly live FIFO moved all of them on every few pushes:
 * the largest memmove of R1, cachegrind). */
static int fifo_room(res_fifo *f)
{
    if (f->n < f->cap) {
        return 0;
    }
    if (f->head > 0 && f->head >= f->n / 2) {
        memmove(f->v, f->v + f->head, (f->n - f->head) * sizeof *f->v);
        f->n -= f->head;
        f->head = 0;
        return 0;
    }
    size_t cap = f->cap ? f->cap * 2 : 256;
    res_entry *e = realloc(f->v, cap * sizeof *e);
    if (e == NULL) {
        return RETSIM_ENOMEM;
    }
    f->v = e;
    f->cap = cap;
    return 0;
}

/* A bit for the next token in `cut`. */
static int cut_room(retsim_inventories *v)
{
    if ((v->next_token >> 6) < v->cut_words) {
        return 0;
    }
    uint32_t words = v->cut_words ? v->cut_words * 2 : 1024;
    uint64_t *c = realloc(v->cut, (size_t)words * sizeof *c);
    if (c == NULL) {
        return RETSIM_ENOMEM;
    }
    memset(c + v->cut_words, 0, (size_t)(words - v->cut_words) * sizeof *c);
    v->cut = c;
    v->cut_words = words;
    return 0;
}

int retsim_inventory_reserve(retsim_inventories *v, int kind, retsim_time length, retsim_time until,
                             retsim_time now, uint32_t *token)
{
    res_fifo *f = fifo_of(v, length);
    if (f == NULL || fifo_room(f) != 0 || cut_room(v) != 0) {
        return RETSIM_ENOMEM;
    }
    *token = v->next_token++;
    /* purges come in time order, so this appends; were one ever earlier, it is
     * inserted in order rather than counted out late */
    size_t at = f->n++;
    while (at > f->head && f->v[at - 1].until > until) {
        f->v[at] = f->v[at - 1];
        at--;
    }
    f->v[at] = (res_entry){until, *token, (uint16_t)kind};
    catch_up(v, now);
    inventory_add(v, kind, RETSIM_INV_RESERVED, +1, now);
    return 0;
}

void retsim_inventory_unreserve(retsim_inventories *v, int kind, uint32_t token, retsim_time now)
{
    v->cut[token >> 6] |= UINT64_C(1) << (token & 63);
    catch_up(v, now);
    inventory_add(v, kind, RETSIM_INV_RESERVED, -1, now);
}

retsim_inventory retsim_inventory_get(retsim_inventories *v, int kind, retsim_inv which, retsim_time now)
{
    catch_up(v, now);
    if (which >= RETSIM_INV_GB_ACTIVE) {
        const gb_level *g = &v->gb[row_of(v, kind)][which - RETSIM_INV_GB_ACTIVE];
        retsim_inventory out = {(uint64_t)llround(g->now), (uint64_t)llround(g->peak),
                                g->area_ms + g->now * (double)(now - g->since)};
        return out;
    }
    const level *l = &v->lv[row_of(v, kind)][which];
    retsim_inventory out = {(uint64_t)l->count, (uint64_t)l->peak,
                            l->area_ms + (double)l->count * (double)(now - l->since)};
    return out;
}

void retsim_inventory_restart(retsim_inventories *v, retsim_time now)
{
    catch_up(v, now);
    for (int k = 0; k <= RETSIM_MAX_KINDS; k++) {
        for (int i = 0; i < N_COUNTED; i++) {
            level *l = &v->lv[k][i];
            l->area_ms = 0;
            l->since = now;
            l->peak = l->count;
        }
        for (int i = 0; i < N_GB; i++) {
            gb_level *g = &v->gb[k][i];
            g->area_ms = 0;
            g->since = now;
            g->peak = g->now;
        }
    }
}

/* Hours in the 30 days a GB-month price is for. */
#define HOURS_PER_30D (30.0 * 24.0)

retsim_cost retsim_inventory_cost(const retsim_policy *p, const retsim_usage *u)
{
    /* in this order ((n x regions) x replicas) x price, as every output has
     * it; with no late phase, sizes or bills every added term is +0, so the
     * replica costs are what they were before those existed */
    bool free_tail = p->billing_free_last > 0;
    int grace = p->replicas_grace >= 0 ? p->replicas_grace : p->replicas_soft_deleted;
    double price = p->price_per_replica_hour, gb_price = p->price_per_gb_month;
    double kept_early = (u->soft_deleted - u->late) * p->regions * p->replicas_soft_deleted;
    double gb_late_months = u->gb_late / HOURS_PER_30D;
    retsim_cost c;
    c.replicas_live = u->active * p->regions * p->replicas_active;
    c.replicas_late = u->late * p->regions * (free_tail ? p->replicas_soft_deleted : grace);
    c.replicas_retained = kept_early + c.replicas_late;
    c.replicas_retro = u->retro * p->regions * p->replicas_active;
    c.gb_months_live = u->gb_active / HOURS_PER_30D;
    c.gb_months_retained = u->gb_soft_deleted / HOURS_PER_30D;
    c.cost_live = c.replicas_live * price + c.gb_months_live * gb_price;
    c.cost_late = free_tail ? 0.0 : c.replicas_late * price + gb_late_months * gb_price;
    c.cost_retained = kept_early * price + (c.gb_months_retained - gb_late_months) * gb_price + c.cost_late;
    c.cost_retro = c.replicas_retro * price + u->gb_retro / HOURS_PER_30D * gb_price;
    return c;
}

retsim_usage retsim_inventory_usage_hours(const retsim_inventory *inv)
{
    const double h = (double)RETSIM_MS_PER_HOUR;
    retsim_usage u = {inv[RETSIM_INV_ACTIVE].area_ms / h,
                      inv[RETSIM_INV_SOFT_DELETED].area_ms / h,
                      inv[RETSIM_INV_LATE].area_ms / h,
                      inv[RETSIM_INV_GB_ACTIVE].area_ms / h,
                      inv[RETSIM_INV_GB_SOFT_DELETED].area_ms / h,
                      inv[RETSIM_INV_GB_LATE].area_ms / h,
                      inv[RETSIM_INV_RETRO].area_ms / h,
                      inv[RETSIM_INV_GB_RETRO].area_ms / h};
    return u;
}
