/* Pending-event set: indexed 4-ary min-heap ordered by (time, seq). */
#include "retsim/queue.h"

#include "retsim/error.h"

#include <stdbool.h>
#include <stdlib.h>

#define ARITY  4
#define NO_POS UINT32_MAX

typedef struct entry {
    retsim_time time;
    uint64_t seq;
    uint32_t slot;
} entry;

typedef struct slot {
    uint64_t data;
    uint32_t type;
    uint32_t gen;
    uint32_t pos; /* heap index while pending; next free slot while free */
} slot;

struct retsim_queue {
    entry *heap;
    size_t size, cap;
    slot *slots;
    uint32_t nslots, slot_cap;
    uint32_t free_head; /* NO_POS when the free list is empty */
    uint64_t next_seq;
};

retsim_queue *retsim_queue_create(void)
{
    retsim_queue *q = calloc(1, sizeof *q);
    if (q != NULL) {
        q->free_head = NO_POS;
    }
    return q;
}

void retsim_queue_destroy(retsim_queue *q)
{
    if (q != NULL) {
        free(q->heap);
        free(q->slots);
        free(q);
    }
}

static bool before(const entry *a, const entry *b)
{
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static void place(retsim_queue *q, size_t i, entry e)
{
    q->heap[i] = e;
    q->slots[e.slot].pos = (uint32_t)i;
}

static void sift_up(retsim_queue *q, size_t i)
{
    entry e = q->heap[i];
    while (i > 0) {
        size_t parent = (i - 1) / ARITY;
        if (!before(&e, &q->heap[parent])) {
            break;
        }
        place(q, i, q->heap[parent]);
        i = parent;
    }
    place(q, i, e);
}

static void sift_down(retsim_queue *q, size_t i)
{
    entry e = q->heap[i];
    for (;;) {
        size_t first = i * ARITY + 1;
        if (first >= q->size) {
            break;
        }
        size_t last = first + ARITY < q->size ? first + ARITY : q->size;
        size_t best = first;
        for (size_t c = first + 1; c < last; c++) {
            if (before(&q->heap[c], &q->heap[best])) {
                best = c;
            }
        }
        if (!before(&q->heap[best], &e)) {
            break;
        }
        place(q, i, q->heap[best]);
        i = best;
    }
    place(q, i, e);
}

static int grow(retsim_queue *q)
{
    if (q->size == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 64;
        entry *h = realloc(q->heap, cap * sizeof *h);
        if (h == NULL) {
            return RETSIM_ENOMEM;
        }
        q->heap = h;
        q->cap = cap;
    }
    if (q->free_head == NO_POS && q->nslots == q->slot_cap) {
        if (q->slot_cap >= UINT32_MAX / 2) {
            return RETSIM_ENOMEM;
        }
        uint32_t cap = q->slot_cap ? q->slot_cap * 2 : 64;
        slot *s = realloc(q->slots, (size_t)cap * sizeof *s);
        if (s == NULL) {
            return RETSIM_ENOMEM;
        }
        q->slots = s;
        q->slot_cap = cap;
    }
    return 0;
}

static retsim_event_id make_id(uint32_t slot_index, uint32_t gen)
{
    return ((uint64_t)gen << 32) | ((uint64_t)slot_index + 1);
}

int retsim_queue_push(retsim_queue *q, retsim_time time, uint32_t type, uint64_t data, retsim_event_id *id)
{
    int rc = grow(q);
    if (rc != 0) {
        return rc;
    }
    uint32_t s;
    if (q->free_head != NO_POS) {
        s = q->free_head;
        q->free_head = q->slots[s].pos;
    } else {
        s = q->nslots++;
        q->slots[s].gen = 0;
    }
    q->slots[s].data = data;
    q->slots[s].type = type;
    entry e = {time, q->next_seq++, s};
    q->heap[q->size++] = e;
    sift_up(q, q->size - 1);
    if (id != NULL) {
        *id = make_id(s, q->slots[s].gen);
    }
    return 0;
}

static void release(retsim_queue *q, uint32_t s)
{
    q->slots[s].gen++;
    q->slots[s].pos = q->free_head;
    q->free_head = s;
}

/* Take the entry at heap index i out, restoring the heap property. */
static void remove_at(retsim_queue *q, size_t i)
{
    q->size--;
    if (i == q->size) {
        return;
    }
    entry moved = q->heap[q->size];
    place(q, i, moved);
    if (i > 0 && before(&moved, &q->heap[(i - 1) / ARITY])) {
        sift_up(q, i);
    } else {
        sift_down(q, i);
    }
}

int retsim_queue_pop(retsim_queue *q, retsim_event *out)
{
    if (q->size == 0) {
        return RETSIM_ENOTFOUND;
    }
    entry top = q->heap[0];
    slot *sl = &q->slots[top.slot];
    out->time = top.time;
    out->seq = top.seq;
    out->type = sl->type;
    out->data = sl->data;
    out->id = make_id(top.slot, sl->gen);
    remove_at(q, 0);
    release(q, top.slot);
    return 0;
}

retsim_time retsim_queue_peek_time(const retsim_queue *q)
{
    return q->size > 0 ? q->heap[0].time : RETSIM_TIME_NEVER;
}

int retsim_queue_cancel(retsim_queue *q, retsim_event_id id)
{
    if (id == RETSIM_EVENT_NONE) {
        return RETSIM_ENOTFOUND;
    }
    uint64_t index = (id & 0xffffffffu) - 1;
    uint32_t gen = (uint32_t)(id >> 32);
    if (index >= q->nslots || q->slots[index].gen != gen) {
        return RETSIM_ENOTFOUND;
    }
    uint32_t pos = q->slots[index].pos;
    if (pos >= q->size || q->heap[pos].slot != index) {
        return RETSIM_ENOTFOUND; /* free slot whose pos is a free-list link */
    }
    remove_at(q, pos);
    release(q, (uint32_t)index);
    return 0;
}

size_t retsim_queue_size(const retsim_queue *q)
{
    return q->size;
}
