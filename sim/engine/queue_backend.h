/* engine/queue_backend.h — what a pending-event backend implements, and the
 * pieces both backends build on (entries, growing arrays, a 4-ary heap).
 *
 * queue.c owns what every backend shares: the sequence counter, the count of
 * live events, the checks on push's arguments. A backend (queue_calendar.c,
 * queue_heap.c) owns how events are stored and found, behind one table of
 * operations, as Redis's ae_epoll.c / ae_kqueue.c sit behind ae.c. Its state
 * struct begins with `struct retsim_queue`, so the queue pointer the caller
 * holds is the backend's own (no second allocation, no extra load per call).
 * Internal: not installed, not for the command-line tool. */
#ifndef RETSIM_ENGINE_QUEUE_BACKEND_H
#define RETSIM_ENGINE_QUEUE_BACKEND_H

#include "retsim/error.h"
#include "retsim/queue.h"

#include <stdbool.h>
#include <stdlib.h>

#define RETSIM_QUEUE_TYPE_BITS 16 /* event types per queue; seq gets the other 48 bits (2.8e14 events) */
#define RETSIM_QUEUE_NO_POS    UINT32_MAX

/* An event as both backends order it: by time, then by the sequence number in
 * the high bits of `key` (seq << TYPE_BITS | type). `data` is the backend's:
 * the calendar keeps the payload there, the heap a slot index. */
typedef struct retsim_queue_entry {
    retsim_time time;
    uint64_t key;
    uint64_t data;
} retsim_queue_entry;

typedef struct retsim_queue_ops {
    /* A zeroed state of the backend's size with its structures ready; NULL when out of memory. */
    retsim_queue *(*create)(void);
    void (*destroy)(retsim_queue *q); /* never given NULL */
    /* File e (key and time checked by queue.c); *id (may be NULL) receives its id. 0 or RETSIM_ENOMEM. */
    int (*push)(retsim_queue *q, retsim_queue_entry e, retsim_event_id *id);
    /* The earliest live event with time <= until into *out: 0, RETSIM_ENOTFOUND or RETSIM_ENOMEM. */
    int (*pop_until)(retsim_queue *q, retsim_time until, retsim_event *out);
    retsim_time (*peek_time)(retsim_queue *q);
    /* id != RETSIM_EVENT_NONE. 0, or RETSIM_ENOTFOUND if it is not pending. */
    int (*cancel)(retsim_queue *q, retsim_event_id id);
} retsim_queue_ops;

/* The part of every backend's state that queue.c reads and writes. */
struct retsim_queue {
    const retsim_queue_ops *ops;
    uint64_t next_seq; /* the sequence number of the next push */
    size_t live;       /* pending, not cancelled */
};

extern const retsim_queue_ops retsim_queue_calendar_ops;
extern const retsim_queue_ops retsim_queue_heap_ops;

/* The calendar's operations by name, so queue.c can call the default backend
 * directly. Push and pop, and cal_file and cal_top under them, are forced
 * inline (with link-time optimisation, into the kernel's loop), as they were
 * when the calendar and its kind switch were one file: then each had a single
 * caller, but the table's entries give them a second, and GCC's size limits
 * would keep them out of line, for +4% instructions on bench/r1 (callgrind). */
#if defined(__GNUC__) || defined(__clang__)
#define RETSIM_QUEUE_HOT inline __attribute__((always_inline))
#else
#define RETSIM_QUEUE_HOT inline
#endif
int retsim_queue_calendar_push(retsim_queue *q, retsim_queue_entry e, retsim_event_id *id);
int retsim_queue_calendar_pop_until(retsim_queue *q, retsim_time until, retsim_event *out);
retsim_time retsim_queue_calendar_peek_time(retsim_queue *q);
int retsim_queue_calendar_cancel(retsim_queue *q, retsim_event_id id);
bool retsim_queue_calendar_ahead(const retsim_queue *q, size_t distance, uint32_t *type, uint64_t *data);

/* ---- entries ---- */

static inline bool retsim_queue_before(const retsim_queue_entry *a, const retsim_queue_entry *b)
{
    return a->time < b->time || (a->time == b->time && a->key < b->key);
}

static inline uint64_t retsim_queue_seq_of(const retsim_queue_entry *e)
{
    return e->key >> RETSIM_QUEUE_TYPE_BITS;
}

/* The public view of an entry; the backend supplies the payload and the id. */
static inline void retsim_queue_event_of(const retsim_queue_entry *e, uint64_t data, retsim_event_id id,
                                         retsim_event *out)
{
    out->time = e->time;
    out->seq = retsim_queue_seq_of(e);
    out->type = (uint32_t)(e->key & ((1u << RETSIM_QUEUE_TYPE_BITS) - 1));
    out->data = data;
    out->id = id;
}

/* ---- a growing array of entries ---- */

typedef struct retsim_queue_vec {
    retsim_queue_entry *v;
    size_t n, cap;
} retsim_queue_vec;

static inline int retsim_queue_vec_push(retsim_queue_vec *v, retsim_queue_entry e)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        retsim_queue_entry *p = realloc(v->v, cap * sizeof *p);
        if (p == NULL) {
            return RETSIM_ENOMEM;
        }
        v->v = p;
        v->cap = cap;
    }
    v->v[v->n++] = e;
    return 0;
}

/* ---- a 4-ary min-heap over a vec ----
 * pos (may be NULL) tracks where each entry sits: pos[e.data] is e's index,
 * so the heap backend can remove any entry; the calendar passes NULL (a
 * constant, so inlining drops the stores). O(log n) per push and removal. */

#define RETSIM_QUEUE_ARITY 4

static inline void retsim_queue_heap_place(retsim_queue_vec *h, uint32_t *pos, size_t i, retsim_queue_entry e)
{
    h->v[i] = e;
    if (pos != NULL) {
        pos[e.data] = (uint32_t)i;
    }
}

static inline void retsim_queue_heap_sift_up(retsim_queue_vec *h, uint32_t *pos, size_t i)
{
    retsim_queue_entry e = h->v[i];
    while (i > 0) {
        size_t parent = (i - 1) / RETSIM_QUEUE_ARITY;
        if (!retsim_queue_before(&e, &h->v[parent])) {
            break;
        }
        retsim_queue_heap_place(h, pos, i, h->v[parent]);
        i = parent;
    }
    retsim_queue_heap_place(h, pos, i, e);
}

static inline void retsim_queue_heap_sift_down(retsim_queue_vec *h, uint32_t *pos, size_t i)
{
    retsim_queue_entry e = h->v[i];
    for (;;) {
        size_t first = i * RETSIM_QUEUE_ARITY + 1;
        if (first >= h->n) {
            break;
        }
        size_t last = first + RETSIM_QUEUE_ARITY < h->n ? first + RETSIM_QUEUE_ARITY : h->n;
        size_t best = first;
        for (size_t c = first + 1; c < last; c++) {
            if (retsim_queue_before(&h->v[c], &h->v[best])) {
                best = c;
            }
        }
        if (!retsim_queue_before(&h->v[best], &e)) {
            break;
        }
        retsim_queue_heap_place(h, pos, i, h->v[best]);
        i = best;
    }
    retsim_queue_heap_place(h, pos, i, e);
}

static inline int retsim_queue_heap_push(retsim_queue_vec *h, uint32_t *pos, retsim_queue_entry e)
{
    int rc = retsim_queue_vec_push(h, e);
    if (rc == 0) {
        retsim_queue_heap_sift_up(h, pos, h->n - 1);
    }
    return rc;
}

static inline void retsim_queue_heap_remove_at(retsim_queue_vec *h, uint32_t *pos, size_t i)
{
    h->n--;
    if (i == h->n) {
        return;
    }
    retsim_queue_entry moved = h->v[h->n];
    retsim_queue_heap_place(h, pos, i, moved);
    if (i > 0 && retsim_queue_before(&moved, &h->v[(i - 1) / RETSIM_QUEUE_ARITY])) {
        retsim_queue_heap_sift_up(h, pos, i);
    } else {
        retsim_queue_heap_sift_down(h, pos, i);
    }
}

#endif
