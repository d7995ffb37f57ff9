/* The event loop: a queue, a clock, and a table of handlers. */
#include "retsim/kernel.h"

#include "retsim/error.h"

#include <stdlib.h>

typedef struct handler {
    retsim_handler fn;
    void *ctx;
    retsim_prefetch prefetch;
} handler;

/* How many events ahead the prefetch hooks look: far enough for a miss to
 * DRAM (a few hundred ns) to be hidden behind the events before it. */
#define PREFETCH_DISTANCE 8

struct retsim_kernel {
    retsim_queue *queue;
    retsim_time now;
    handler *handlers;
    uint32_t nhandlers;
    uint64_t events_run;
    int stop_code;
    const volatile int *interrupt; /* polled every RETSIM_KERNEL_POLL events; may be NULL */
    bool prefetching;              /* some type has a prefetch hook */
};

retsim_kernel *retsim_kernel_create(void)
{
    retsim_kernel *k = calloc(1, sizeof *k);
    if (k == NULL) {
        return NULL;
    }
    k->queue = retsim_queue_create();
    if (k->queue == NULL) {
        free(k);
        return NULL;
    }
    return k;
}

void retsim_kernel_destroy(retsim_kernel *k)
{
    if (k != NULL) {
        retsim_queue_destroy(k->queue);
        free(k->handlers);
        free(k);
    }
}

int retsim_kernel_register(retsim_kernel *k, retsim_handler fn, void *ctx, uint32_t *type)
{
    handler *h = realloc(k->handlers, (k->nhandlers + 1) * sizeof *h);
    if (h == NULL) {
        return RETSIM_ENOMEM;
    }
    k->handlers = h;
    h[k->nhandlers] = (handler){fn, ctx, NULL};
    *type = k->nhandlers++;
    return 0;
}

int retsim_kernel_set_prefetch(retsim_kernel *k, uint32_t type, retsim_prefetch fn)
{
    if (type >= k->nhandlers) {
        return RETSIM_EUSAGE;
    }
    k->handlers[type].prefetch = fn;
    k->prefetching = k->prefetching || fn != NULL;
    return 0;
}

int retsim_kernel_schedule(retsim_kernel *k, retsim_time at, uint32_t type, uint64_t data,
                           retsim_event_id *id)
{
    if (type >= k->nhandlers) {
        return RETSIM_EUSAGE;
    }
    return retsim_queue_push(k->queue, at < k->now ? k->now : at, type, data, id);
}

int retsim_kernel_cancel(retsim_kernel *k, retsim_event_id id)
{
    return retsim_queue_cancel(k->queue, id);
}

retsim_time retsim_kernel_now(const retsim_kernel *k)
{
    return k->now;
}

int retsim_kernel_run_until(retsim_kernel *k, retsim_time until)
{
    k->stop_code = 0;
    retsim_event ev;
    int rc;
    for (;;) {
        rc = retsim_queue_pop_until(k->queue, until, &ev);
        if (rc != 0) {
            break;
        }
        k->now = ev.time;
        k->events_run++;
        uint32_t type;
        uint64_t data;
        if (k->prefetching && retsim_queue_ahead(k->queue, PREFETCH_DISTANCE, &type, &data) &&
            k->handlers[type].prefetch != NULL) {
            k->handlers[type].prefetch(k->handlers[type].ctx, data);
        }
        const handler *h = &k->handlers[ev.type];
        h->fn(h->ctx, k, ev.data);
        if (k->stop_code != 0) {
            return k->stop_code;
        }
        /* a load and a branch every 2^16 events (tens of milliseconds): Ctrl-C
         * is seen at once however long the slice the caller asked for */
        if ((k->events_run & (RETSIM_KERNEL_POLL - 1)) == 0 && k->interrupt != NULL && *k->interrupt) {
            return RETSIM_EINTR;
        }
    }
    if (rc != RETSIM_ENOTFOUND) {
        return rc; /* out of memory */
    }
    if (until != RETSIM_TIME_NEVER && until > k->now) {
        k->now = until;
    }
    return 0;
}

void retsim_kernel_set_interrupt(retsim_kernel *k, const volatile int *flag)
{
    k->interrupt = flag;
}

bool retsim_kernel_interrupted(const retsim_kernel *k)
{
    return k->interrupt != NULL && *k->interrupt != 0;
}

void retsim_kernel_stop(retsim_kernel *k, int code)
{
    k->stop_code = code < 0 ? code : RETSIM_EUSAGE;
}

uint64_t retsim_kernel_events_run(const retsim_kernel *k)
{
    return k->events_run;
}

size_t retsim_kernel_pending(const retsim_kernel *k)
{
    return retsim_queue_size(k->queue);
}
