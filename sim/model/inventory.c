/* Inventories integrated over time, and the reservation windows that end
 * without an event. */
#include "retsim/inventory.h"

#include "retsim/error.h"

#include <stdlib.h>
#include <string.h>

/* Signed counts: int64 to double is one instruction, uint64 to double a
 * branch and several (this runs on every state change). */
typedef struct level {
    int64_t count, peak;
    double area_ms;
    retsim_time since; /* area is integrated up to here */
} level;

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
    level lv[RETSIM_MAX_KINDS + 1][RETSIM_INV_COUNT]; /* the last row: all kinds */
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

/* Room for one more entry: reclaim what was read, else grow. */
static int fifo_room(res_fifo *f)
{
    if (f->n < f->cap) {
        return 0;
    }
    if (f->head > 0) {
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
    const level *l = &v->lv[kind >= 0 ? kind : v->n_kinds > 1 ? RETSIM_MAX_KINDS : 0][which];
    retsim_inventory out = {(uint64_t)l->count, (uint64_t)l->peak,
                            l->area_ms + (double)l->count * (double)(now - l->since)};
    return out;
}

void retsim_inventory_restart(retsim_inventories *v, retsim_time now)
{
    catch_up(v, now);
    for (int k = 0; k <= RETSIM_MAX_KINDS; k++) {
        for (int i = 0; i < RETSIM_INV_COUNT; i++) {
            level *l = &v->lv[k][i];
            l->area_ms = 0;
            l->since = now;
            l->peak = l->count;
        }
    }
}

retsim_cost retsim_inventory_cost(const retsim_policy *p, double active, double soft_deleted)
{
    /* in this order ((n x regions) x replicas) x price, as every output has it */
    retsim_cost c;
    c.replicas_live = active * p->regions * p->replicas_active;
    c.replicas_retained = soft_deleted * p->regions * p->replicas_soft_deleted;
    c.cost_live = c.replicas_live * p->price_per_replica_hour;
    c.cost_retained = c.replicas_retained * p->price_per_replica_hour;
    return c;
}
