/* The comparison pending-event backend: an indexed 4-ary min-heap. Payloads
 * live in slots that do not move (entries do); pos[slot] follows each entry
 * through the heap, so cancel removes it at once. Push, pop and cancel are
 * O(log n). */
#include "engine/queue_backend.h"

typedef struct slot {
    uint64_t data;
    uint32_t gen; /* bumped when the slot is freed: stale ids no longer match */
} slot;

typedef struct heapq {
    retsim_queue base; /* first: a retsim_queue * is a heapq * */
    retsim_queue_vec heap;
    slot *slots;
    uint32_t *pos; /* heap index of the slot's entry while pending; next free slot while free */
    uint32_t nslots, slot_cap;
    uint32_t free_head; /* RETSIM_QUEUE_NO_POS when the free list is empty */
} heapq;

static heapq *heap_of(retsim_queue *q)
{
    return (heapq *)q;
}

/* Ids are (gen << 32) | (slot + 1): never 0. */
static retsim_event_id id_of(const heapq *h, uint32_t s)
{
    return ((uint64_t)h->slots[s].gen << 32) | ((uint64_t)s + 1);
}

static int slots_grow(heapq *h)
{
    if (h->slot_cap >= UINT32_MAX / 2) {
        return RETSIM_ENOMEM;
    }
    uint32_t cap = h->slot_cap ? h->slot_cap * 2 : 64;
    slot *s = realloc(h->slots, (size_t)cap * sizeof *s);
    if (s == NULL) {
        return RETSIM_ENOMEM;
    }
    h->slots = s;
    uint32_t *p = realloc(h->pos, (size_t)cap * sizeof *p);
    if (p == NULL) {
        return RETSIM_ENOMEM; /* the larger slots array is kept: slot_cap still bounds both */
    }
    h->pos = p;
    h->slot_cap = cap;
    return 0;
}

static int slot_new(heapq *h, uint32_t *out)
{
    if (h->free_head != RETSIM_QUEUE_NO_POS) {
        *out = h->free_head;
        h->free_head = h->pos[*out];
        return 0;
    }
    if (h->nslots == h->slot_cap) {
        int rc = slots_grow(h);
        if (rc != 0) {
            return rc;
        }
    }
    *out = h->nslots++;
    h->slots[*out].gen = 0;
    return 0;
}

static void slot_release(heapq *h, uint32_t s)
{
    h->slots[s].gen++;
    h->pos[s] = h->free_head;
    h->free_head = s;
}

static retsim_queue *heap_create(void)
{
    heapq *h = calloc(1, sizeof *h);
    if (h == NULL) {
        return NULL;
    }
    h->free_head = RETSIM_QUEUE_NO_POS;
    return &h->base;
}

static void heap_destroy(retsim_queue *q)
{
    heapq *h = heap_of(q);
    free(h->heap.v);
    free(h->slots);
    free(h->pos);
    free(h);
}

static int heap_push(retsim_queue *q, retsim_queue_entry e, retsim_event_id *id)
{
    heapq *h = heap_of(q);
    uint32_t s;
    int rc = slot_new(h, &s);
    if (rc != 0) {
        return rc;
    }
    h->slots[s].data = e.data;
    e.data = s;
    rc = retsim_queue_heap_push(&h->heap, h->pos, e);
    if (rc != 0) {
        slot_release(h, s);
        return rc;
    }
    if (id != NULL) {
        *id = id_of(h, s);
    }
    return 0;
}

static int heap_pop_until(retsim_queue *q, retsim_time until, retsim_event *out)
{
    heapq *h = heap_of(q);
    if (h->heap.n == 0 || h->heap.v[0].time > until) {
        return RETSIM_ENOTFOUND;
    }
    retsim_queue_entry top = h->heap.v[0];
    uint32_t s = (uint32_t)top.data;
    retsim_queue_event_of(&top, h->slots[s].data, id_of(h, s), out);
    retsim_queue_heap_remove_at(&h->heap, h->pos, 0);
    slot_release(h, s);
    return 0;
}

static retsim_time heap_peek_time(retsim_queue *q)
{
    const heapq *h = heap_of(q);
    return h->heap.n > 0 ? h->heap.v[0].time : RETSIM_TIME_NEVER;
}

static int heap_cancel(retsim_queue *q, retsim_event_id id)
{
    heapq *h = heap_of(q);
    uint64_t index = (id & 0xffffffffu) - 1;
    uint32_t gen = (uint32_t)(id >> 32);
    if (index >= h->nslots || h->slots[index].gen != gen) {
        return RETSIM_ENOTFOUND; /* fired, cancelled, or the slot serves another event now */
    }
    retsim_queue_heap_remove_at(&h->heap, h->pos, h->pos[index]);
    slot_release(h, (uint32_t)index);
    return 0;
}

const retsim_queue_ops retsim_queue_heap_ops = {
    .create = heap_create,
    .destroy = heap_destroy,
    .push = heap_push,
    .pop_until = heap_pop_until,
    .peek_time = heap_peek_time,
    .cancel = heap_cancel,
};
