/* retsim/queue.h — the pending-event set.
 *
 * Events are ordered by (time, insertion sequence): events at equal times pop
 * in the order they were pushed (FIFO), so results never depend on the
 * structure's internals. Any pending event can be cancelled through the id
 * push returned; ids are opaque and differ between backends, and cancelling
 * an event that already fired or was cancelled is detected, not misapplied.
 *
 * Two backends, same behaviour (tests run every case on both), each in a file
 * of its own behind one table of operations (sim/engine/queue_*.c):
 *   RETSIM_QUEUE_CALENDAR (default) — two levels. Time is cut into coarse
 *     buckets 2^26 ms (about 18.6 hours) wide, in a ring of 1024 covering
 *     2^36 ms (about 795 days) ahead; a push appends to its coarse bucket (a
 *     list of 4 KiB blocks from a free list), and events beyond the ring wait
 *     in a heap of their own until the ring reaches them. When the clock
 *     reaches a coarse bucket it is cut into fine buckets sized to hold about
 *     8 events each (at most 2^16), from the larger of its own count and the
 *     count popped from the bucket before; each fine bucket is sorted into a
 *     run when reached (insertion sort up to 64 events). An event pushed into
 *     the fine bucket being drained goes to a small "late" heap merged with
 *     the run. Entries carry their payload, so a pop touches no other memory
 *     but one bit: cancel and pop mark the event's sequence number done in a
 *     bitmap (one bit per event ever pushed, grown by doubling: about 125 MB
 *     per 10^9 events), and dead entries are dropped when they reach the
 *     front. Costs: push O(1) into the ring, O(log n) into the late or far
 *     heap; cancel O(1); pop and peek O(1) amortised plus the sort of the
 *     ~8 events of each fine bucket. Create allocates about 1.6 MB of bucket
 *     headers; destroy walks them.
 *   RETSIM_QUEUE_HEAP — an indexed 4-ary min-heap: push, pop and cancel
 *     O(log n), peek O(1). Kept for comparison (bench/hold).
 * Slots and blocks are recycled through free lists: a steady state allocates
 * nothing. Thread safety: one queue per thread (no internal locking). */
#ifndef RETSIM_QUEUE_H
#define RETSIM_QUEUE_H

#include "retsim/time.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct retsim_queue retsim_queue;

/* An event id: 0 never names an event. */
typedef uint64_t retsim_event_id;
#define RETSIM_EVENT_NONE UINT64_C(0)

typedef enum { RETSIM_QUEUE_CALENDAR, RETSIM_QUEUE_HEAP } retsim_queue_kind;

typedef struct retsim_event {
    retsim_time time;
    uint64_t seq;       /* insertion order, unique per queue */
    uint32_t type;      /* opaque to the queue */
    uint64_t data;      /* opaque to the queue */
    retsim_event_id id; /* the id push returned */
} retsim_event;

/* Returns NULL when out of memory (or kind is not a backend). The caller frees with _destroy. */
retsim_queue *retsim_queue_create(void); /* RETSIM_QUEUE_CALENDAR */
retsim_queue *retsim_queue_create_kind(retsim_queue_kind kind);
void retsim_queue_destroy(retsim_queue *q); /* NULL-safe */

/* Add an event. *id (may be NULL) receives its id. 0; RETSIM_ENOMEM; RETSIM_EUSAGE
 * if type >= 65536 or after 2^48 pushes (nothing is added). Times must not go
 * below the time of the last event popped. */
int retsim_queue_push(retsim_queue *q, retsim_time time, uint32_t type, uint64_t data, retsim_event_id *id);

/* Remove the earliest event into *out. 0; RETSIM_ENOTFOUND if empty;
 * RETSIM_ENOMEM if the calendar could not grow to take in its next bucket. */
int retsim_queue_pop(retsim_queue *q, retsim_event *out);
/* The same, but only an event with time <= until (else RETSIM_ENOTFOUND). */
int retsim_queue_pop_until(retsim_queue *q, retsim_time until, retsim_event *out);

/* Time of the earliest event, or RETSIM_TIME_NEVER when empty (or out of
 * memory: pop says which). Amortised O(1); may reorganise the calendar's
 * buckets (hence not const). */
retsim_time retsim_queue_peek_time(retsim_queue *q);

/* An event due soon, about `distance` places after the earliest, into
 * *type and *data: a hint for prefetching what it will touch, nothing more
 * (it may have been cancelled, and it need not be exactly the one so many
 * places on: the calendar looks in the bucket it pops from and the next
 * one; the heap has no hint). false when there is none. O(1). */
bool retsim_queue_ahead(const retsim_queue *q, size_t distance, uint32_t *type, uint64_t *data);

/* Remove a pending event. 0, or RETSIM_ENOTFOUND if it already fired or was cancelled. */
int retsim_queue_cancel(retsim_queue *q, retsim_event_id id);

/* Pending (not cancelled) events. O(1). */
size_t retsim_queue_size(const retsim_queue *q);

#endif
