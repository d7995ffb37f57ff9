/* retsim/queue.h — the pending-event set.
 *
 * Events are ordered by (time, insertion sequence): events at equal times pop
 * in the order they were pushed (FIFO), so results never depend on heap
 * internals. Any pending event can be cancelled through the id push returned.
 *
 * Structure: an implicit 4-ary min-heap of (time, seq, slot) entries plus a
 * slot array holding each event's payload and heap position. push, pop and
 * cancel are O(log n); peek is O(1). Slots are recycled through a free list,
 * so a steady state allocates nothing. Ids carry a generation, so cancelling
 * an event that already fired or was cancelled is detected, not misapplied.
 * Thread safety: one queue per thread (no internal locking). */
#ifndef RETSIM_QUEUE_H
#define RETSIM_QUEUE_H

#include "retsim/time.h"

#include <stddef.h>
#include <stdint.h>

typedef struct retsim_queue retsim_queue;

/* An event id: 0 never names an event. */
typedef uint64_t retsim_event_id;
#define RETSIM_EVENT_NONE UINT64_C(0)

typedef struct retsim_event {
    retsim_time time;
    uint64_t seq;       /* insertion order, unique per queue */
    uint32_t type;      /* opaque to the queue */
    uint64_t data;      /* opaque to the queue */
    retsim_event_id id; /* the id push returned */
} retsim_event;

/* Returns NULL when out of memory. The caller frees with _destroy. */
retsim_queue *retsim_queue_create(void);
void retsim_queue_destroy(retsim_queue *q); /* NULL-safe */

/* Add an event. *id (may be NULL) receives its id. 0 or RETSIM_ENOMEM. */
int retsim_queue_push(retsim_queue *q, retsim_time time, uint32_t type, uint64_t data, retsim_event_id *id);

/* Remove the earliest event into *out. Returns 0, or RETSIM_ENOTFOUND if empty. */
int retsim_queue_pop(retsim_queue *q, retsim_event *out);

/* Time of the earliest event, or RETSIM_TIME_NEVER when empty. */
retsim_time retsim_queue_peek_time(const retsim_queue *q);

/* Remove a pending event. 0, or RETSIM_ENOTFOUND if it already fired or was cancelled. */
int retsim_queue_cancel(retsim_queue *q, retsim_event_id id);

size_t retsim_queue_size(const retsim_queue *q);

#endif
