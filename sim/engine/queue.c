/* The pending-event set: what every backend shares (sequence numbers, the
 * live count, argument checks) and the dispatch to the backend's table. The
 * backends are queue_calendar.c (default) and queue_heap.c. */
#include "retsim/queue.h"

#include "engine/queue_backend.h"

static const retsim_queue_ops *const backends[] = {
    [RETSIM_QUEUE_CALENDAR] = &retsim_queue_calendar_ops,
    [RETSIM_QUEUE_HEAP] = &retsim_queue_heap_ops,
};

/* The default backend is called by name, the others through their table: a
 * pointer compare instead of an indirect call lets link-time optimisation
 * inline the calendar into the kernel's event loop (one push and one pop per
 * event). Backends themselves never ask which backend they are. */
static bool is_calendar(const retsim_queue *q)
{
    return q->ops == &retsim_queue_calendar_ops;
}

retsim_queue *retsim_queue_create_kind(retsim_queue_kind kind)
{
    if ((unsigned)kind >= sizeof backends / sizeof *backends) {
        return NULL;
    }
    retsim_queue *q = backends[kind]->create();
    if (q != NULL) {
        q->ops = backends[kind];
    }
    return q;
}

retsim_queue *retsim_queue_create(void)
{
    return retsim_queue_create_kind(RETSIM_QUEUE_CALENDAR);
}

void retsim_queue_destroy(retsim_queue *q)
{
    if (q != NULL) {
        q->ops->destroy(q);
    }
}

int retsim_queue_push(retsim_queue *q, retsim_time time, uint32_t type, uint64_t data, retsim_event_id *id)
{
    if (type >= (1u << RETSIM_QUEUE_TYPE_BITS) || q->next_seq >> (64 - RETSIM_QUEUE_TYPE_BITS)) {
        return RETSIM_EUSAGE;
    }
    retsim_queue_entry e = {time, q->next_seq << RETSIM_QUEUE_TYPE_BITS | type, data};
    int rc = is_calendar(q) ? retsim_queue_calendar_push(q, e, id) : q->ops->push(q, e, id);
    if (rc != 0) {
        return rc;
    }
    q->next_seq++;
    q->live++;
    return 0;
}

int retsim_queue_pop_until(retsim_queue *q, retsim_time until, retsim_event *out)
{
    int rc =
        is_calendar(q) ? retsim_queue_calendar_pop_until(q, until, out) : q->ops->pop_until(q, until, out);
    if (rc == 0) {
        q->live--;
    }
    return rc;
}

int retsim_queue_pop(retsim_queue *q, retsim_event *out)
{
    return retsim_queue_pop_until(q, RETSIM_TIME_NEVER, out);
}

bool retsim_queue_ahead(const retsim_queue *q, size_t distance, uint32_t *type, uint64_t *data)
{
    return is_calendar(q) && retsim_queue_calendar_ahead(q, distance, type, data);
}

retsim_time retsim_queue_peek_time(retsim_queue *q)
{
    return is_calendar(q) ? retsim_queue_calendar_peek_time(q) : q->ops->peek_time(q);
}

int retsim_queue_cancel(retsim_queue *q, retsim_event_id id)
{
    if (id == RETSIM_EVENT_NONE) {
        return RETSIM_ENOTFOUND;
    }
    int rc = is_calendar(q) ? retsim_queue_calendar_cancel(q, id) : q->ops->cancel(q, id);
    if (rc == 0) {
        q->live--;
    }
    return rc;
}

size_t retsim_queue_size(const retsim_queue *q)
{
    return q->live;
}
