/* retsim/kernel.h — the discrete-event loop. It knows nothing of retention.
 *
 * Clients register handlers, schedule events (time, handler type, 64-bit
 * payload) and run the clock forward. Events at the same time run in the order
 * they were scheduled. A handler may schedule and cancel events and may stop
 * the run with an error code. One kernel per simulation; no global state.
 * Thread safety: one kernel per thread. Costs: those of retsim_queue. */
#ifndef RETSIM_KERNEL_H
#define RETSIM_KERNEL_H

#include "retsim/queue.h"
#include "retsim/time.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct retsim_kernel retsim_kernel;

/* Handles one event. `data` is the payload given to schedule. */
typedef void (*retsim_handler)(void *ctx, retsim_kernel *k, uint64_t data);

retsim_kernel *retsim_kernel_create(void);    /* NULL when out of memory */
void retsim_kernel_destroy(retsim_kernel *k); /* NULL-safe */

/* Register a handler; *type receives the id to schedule it with. */
int retsim_kernel_register(retsim_kernel *k, retsim_handler fn, void *ctx, uint32_t *type);

/* Touches what an event of its type will read, without changing anything:
 * called with the payload of an event a few places ahead of the one running. */
typedef void (*retsim_prefetch)(void *ctx, uint64_t data);

/* Give events of `type` a prefetch hook (NULL: none), so that the records
 * they will touch are on their way from memory while earlier events run:
 * with millions of names, most of an event's time is cache misses on them.
 * Results never depend on it. 0, or RETSIM_EUSAGE for an unknown type. */
int retsim_kernel_set_prefetch(retsim_kernel *k, uint32_t type, retsim_prefetch fn);

/* Schedule at absolute time `at` (clamped to now if earlier). *id may be NULL. */
int retsim_kernel_schedule(retsim_kernel *k, retsim_time at, uint32_t type, uint64_t data,
                           retsim_event_id *id);

/* Cancel a pending event: 0, or RETSIM_ENOTFOUND if it already ran or was cancelled. */
int retsim_kernel_cancel(retsim_kernel *k, retsim_event_id id);

retsim_time retsim_kernel_now(const retsim_kernel *k);

/* Run every event with time <= until, then set the clock to `until` (unless
 * `until` is RETSIM_TIME_NEVER, which drains the queue and leaves the clock at
 * the last event). Returns 0, or the first code a handler passed to _stop. */
int retsim_kernel_run_until(retsim_kernel *k, retsim_time until);

/* Events between two looks at the interrupt flag: a power of two. */
#define RETSIM_KERNEL_POLL 65536u

/* Watch *flag (set from a signal handler; NULL: nothing to watch): once it
 * is non-zero, run_until returns RETSIM_EINTR within RETSIM_KERNEL_POLL
 * events, leaving the rest pending. The flag must outlive the kernel's runs. */
void retsim_kernel_set_interrupt(retsim_kernel *k, const volatile int *flag);
/* Has the watched flag been set? For long set-up loops outside run_until. O(1). */
bool retsim_kernel_interrupted(const retsim_kernel *k);

/* Called from a handler: stop the current run and make it return code (< 0). */
void retsim_kernel_stop(retsim_kernel *k, int code);

uint64_t retsim_kernel_events_run(const retsim_kernel *k);
size_t retsim_kernel_pending(const retsim_kernel *k);

#endif
