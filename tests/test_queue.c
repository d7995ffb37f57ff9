/* The pending-event set, every backend through the same cases: declarative
 * cases with hand-worked pop orders, a large case whose order comes from a
 * stable sort, and random operations against a plain reference (a list
 * searched for its (time, seq) minimum). Each test runs once per backend. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdbool.h>
#include <stdlib.h>

#include "retsim/error.h"
#include "retsim/queue.h"

static retsim_queue_kind kinds[] = {RETSIM_QUEUE_CALENDAR, RETSIM_QUEUE_HEAP};

/* One test per backend: the test's state is the backend to build. */
#define FOR_EACH_BACKEND(f)                                                                                  \
    {#f " (calendar)", f, NULL, NULL, &kinds[0]},                                                            \
    {                                                                                                        \
#f " (4-ary heap)", f, NULL, NULL, &kinds[1]                                                         \
    }

static retsim_queue *make(void **state)
{
    retsim_queue *q = retsim_queue_create_kind(*(const retsim_queue_kind *)*state);
    assert_non_null(q);
    return q;
}

/* xorshift64*: the test's own generator, fixed seed. */
static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * UINT64_C(2685821657736338717);
}

/* ---- declarative cases: pushes (some then cancelled), the pop order by data ---- */

typedef struct push_op {
    retsim_time time;
    uint64_t data; /* names the event in `order` */
    bool cancel;   /* cancelled after all pushes, before any pop */
} push_op;

enum { MAX_PUSHES = 16 };

typedef struct queue_case {
    push_op push[MAX_PUSHES];
    size_t n;
    uint64_t order[MAX_PUSHES]; /* worked out by hand from the times */
    size_t n_order;
} queue_case;

#define YEAR (365 * RETSIM_MS_PER_DAY)
#define RING (INT64_C(1) << 36) /* the calendar's coarse ring: 1024 buckets of 2^26 ms (795.4 days) */

static const push_op *find(const queue_case *c, uint64_t data)
{
    for (size_t i = 0; i < c->n; i++) {
        if (c->push[i].data == data) {
            return &c->push[i];
        }
    }
    fail_msg("case names event %llu but never pushes it", (unsigned long long)data);
    return NULL;
}

static void run_case(void **state, const queue_case *c)
{
    retsim_queue *q = make(state);
    retsim_event_id id[MAX_PUSHES];
    for (size_t i = 0; i < c->n; i++) {
        assert_int_equal(retsim_queue_push(q, c->push[i].time, (uint32_t)i, c->push[i].data, &id[i]), 0);
    }
    for (size_t i = 0; i < c->n; i++) {
        if (c->push[i].cancel) {
            assert_int_equal(retsim_queue_cancel(q, id[i]), 0);
            assert_int_equal(retsim_queue_cancel(q, id[i]), RETSIM_ENOTFOUND);
        }
    }
    assert_int_equal(retsim_queue_size(q), c->n_order);
    for (size_t k = 0; k < c->n_order; k++) {
        const push_op *want = find(c, c->order[k]);
        size_t i = (size_t)(want - c->push);
        assert_int_equal(retsim_queue_peek_time(q), want->time);
        retsim_event ev;
        assert_int_equal(retsim_queue_pop(q, &ev), 0);
        assert_int_equal(ev.data, want->data);
        assert_int_equal(ev.time, want->time);
        assert_int_equal(ev.type, i);
        assert_int_equal(ev.seq, i);
        assert_int_equal(ev.id, id[i]);
        assert_int_equal(retsim_queue_cancel(q, id[i]), RETSIM_ENOTFOUND); /* fired: not pending */
        assert_int_equal(retsim_queue_size(q), c->n_order - k - 1);
    }
    retsim_event ev;
    assert_int_equal(retsim_queue_pop(q, &ev), RETSIM_ENOTFOUND);
    assert_int_equal(retsim_queue_peek_time(q), RETSIM_TIME_NEVER);
    retsim_queue_destroy(q);
}

static void test_queue_pops_in_time_order(void **state)
{
    static const queue_case c = {
        .push = {{30, 1, false}, {10, 2, false}, {20, 3, false}, {0, 4, false}, {5, 5, false}},
        .n = 5,
        .order = {4, 5, 2, 3, 1},
        .n_order = 5,
    };
    run_case(state, &c);
}

static void test_queue_equal_times_pop_fifo(void **state)
{
    static const queue_case c = {
        .push = {{7, 1, false}, {7, 2, false}, {3, 3, false}, {7, 4, false}, {3, 5, false}, {0, 6, false}},
        .n = 6,
        .order = {6, 3, 5, 1, 2, 4},
        .n_order = 6,
    };
    run_case(state, &c);
}

/* The earliest, a middle one and the last of a tie: the rest keep their order. */
static void test_queue_cancelled_events_never_pop(void **state)
{
    static const queue_case c = {
        .push = {{1, 1, true}, {2, 2, false}, {4, 3, true}, {4, 4, false}, {9, 5, false}, {9, 6, true}},
        .n = 6,
        .order = {2, 4, 5},
        .n_order = 3,
    };
    run_case(state, &c);
}

/* Beyond the calendar's ring (RING ms from the start) events wait in its far
 * heap; they must come back in order, across the edge and empty years. */
static void test_queue_far_events_beyond_the_ring(void **state)
{
    static const queue_case c = {
        .push = {{5 * YEAR, 1, false},
                 {2 * YEAR, 2, false},
                 {2 * YEAR, 3, false},
                 {3 * YEAR, 4, true},
                 {1, 5, false},
                 {RING, 6, false},
                 {RING - 1, 7, false},
                 {RING + 1, 8, false},
                 {RING, 9, false},
                 {40 * YEAR, 10, false}},
        .n = 10,
        .order = {5, 2, 3, 7, 6, 9, 8, 1, 10},
        .n_order = 9,
    };
    run_case(state, &c);
}

/* ---- pushes while popping ---- */

/* Pushed at the time being popped (the calendar's late heap), just after it,
 * and from a far time back into a bucket the clock has reached. */
static void test_queue_pushes_between_pops(void **state)
{
    retsim_queue *q = make(state);
    retsim_event ev;
    assert_int_equal(retsim_queue_push(q, 2 * YEAR, 0, 1, NULL), 0);
    assert_int_equal(retsim_queue_push(q, 2 * YEAR + 50, 0, 4, NULL), 0);
    assert_int_equal(retsim_queue_pop(q, &ev), 0);
    assert_int_equal(ev.data, 1);
    assert_int_equal(retsim_queue_push(q, 2 * YEAR, 0, 2, NULL), 0);      /* now: before 4 */
    assert_int_equal(retsim_queue_push(q, 2 * YEAR + 10, 0, 3, NULL), 0); /* between */
    assert_int_equal(retsim_queue_push(q, 2 * YEAR + 50, 0, 5, NULL), 0); /* tie with 4: after it */
    assert_int_equal(retsim_queue_push(q, 2 * YEAR + RING, 0, 6, NULL), 0);
    for (uint64_t want = 2; want <= 6; want++) {
        assert_int_equal(retsim_queue_pop(q, &ev), 0);
        assert_int_equal(ev.data, want);
    }
    assert_int_equal(retsim_queue_pop(q, &ev), RETSIM_ENOTFOUND);
    retsim_queue_destroy(q);
}

static void test_queue_pop_until_stops_at_the_bound(void **state)
{
    retsim_queue *q = make(state);
    retsim_event ev;
    assert_int_equal(retsim_queue_push(q, 10, 0, 1, NULL), 0);
    assert_int_equal(retsim_queue_push(q, 20, 0, 2, NULL), 0);
    assert_int_equal(retsim_queue_pop_until(q, 9, &ev), RETSIM_ENOTFOUND);
    assert_int_equal(retsim_queue_pop_until(q, 10, &ev), 0); /* inclusive */
    assert_int_equal(ev.data, 1);
    assert_int_equal(retsim_queue_pop_until(q, 19, &ev), RETSIM_ENOTFOUND);
    assert_int_equal(retsim_queue_size(q), 1);
    assert_int_equal(retsim_queue_peek_time(q), 20);
    retsim_queue_destroy(q);
}

/* ---- a large case: the expected order is a stable sort by time ---- */

typedef struct sorted_ev {
    retsim_time time;
    size_t index; /* push order: breaks ties, as the queue must */
} sorted_ev;

static int by_time_then_index(const void *a, const void *b)
{
    const sorted_ev *x = a, *y = b;
    if (x->time != y->time) {
        return x->time < y->time ? -1 : 1;
    }
    return x->index < y->index ? -1 : x->index > y->index;
}

static void test_queue_order_matches_a_stable_sort(void **state)
{
    enum { N = 5000 };
    retsim_queue *q = make(state);
    sorted_ev *want = calloc(N, sizeof *want);
    retsim_event_id *id = calloc(N, sizeof *id);
    assert_non_null(want);
    assert_non_null(id);
    uint64_t rng = 12345;
    size_t kept = 0;
    for (size_t i = 0; i < N; i++) { /* few distinct times (ties) spread over 4 years (the far heap) */
        retsim_time t = (retsim_time)(next_rand(&rng) % 400) * (4 * YEAR / 400);
        assert_int_equal(retsim_queue_push(q, t, 0, i, &id[i]), 0);
        if (i % 7 != 3) {
            want[kept++] = (sorted_ev){t, i};
        }
    }
    for (size_t i = 3; i < N; i += 7) {
        assert_int_equal(retsim_queue_cancel(q, id[i]), 0);
    }
    qsort(want, kept, sizeof *want, by_time_then_index);
    for (size_t k = 0; k < kept; k++) {
        retsim_event ev;
        assert_int_equal(retsim_queue_pop(q, &ev), 0);
        assert_int_equal(ev.time, want[k].time);
        assert_int_equal(ev.data, want[k].index);
    }
    assert_int_equal(retsim_queue_size(q), 0);
    free(want);
    free(id);
    retsim_queue_destroy(q);
}

/* ---- random operations against a reference ---- */

typedef struct ref_event {
    retsim_time time;
    uint64_t seq;
    uint64_t data;
    retsim_event_id id;
    int live;
} ref_event;

static size_t ref_min(const ref_event *ev, size_t n)
{
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        if (ev[i].live && (best == SIZE_MAX || ev[i].time < ev[best].time ||
                           (ev[i].time == ev[best].time && ev[i].seq < ev[best].seq))) {
            best = i;
        }
    }
    return best;
}

/* A time offset from a mix of scales: ties, milliseconds, days, and years (past the calendar's ring). */
static retsim_time offset(uint64_t *rng)
{
    uint64_t r = next_rand(rng) % 100;
    if (r < 10) {
        return 0;
    }
    if (r < 55) {
        return (retsim_time)(next_rand(rng) % 50);
    }
    if (r < 85) {
        return (retsim_time)(next_rand(rng) % (10 * RETSIM_MS_PER_DAY));
    }
    return (retsim_time)(next_rand(rng) % (730 * RETSIM_MS_PER_DAY));
}

static void test_queue_matches_reference_on_random_ops(void **state)
{
    enum { N = 20000 };
    ref_event *ref = calloc(N, sizeof *ref);
    assert_non_null(ref);
    size_t n = 0, live = 0;
    uint64_t rng = 88172645463325252ull;
    retsim_queue *q = make(state);
    retsim_time now = 0;
    for (int step = 0; step < 3 * N && (n < N || live > 0); step++) {
        uint64_t r = next_rand(&rng) % 10;
        if (r < 5 && n < N) { /* push */
            retsim_time t = now + offset(&rng);
            ref[n] = (ref_event){t, n, next_rand(&rng), 0, 1};
            assert_int_equal(retsim_queue_push(q, t, 7, ref[n].data, &ref[n].id), 0);
            n++;
            live++;
        } else if (r < 7 && live > 0) { /* cancel a random event, pending or not */
            size_t i = next_rand(&rng) % n;
            if (ref[i].live) {
                assert_int_equal(retsim_queue_cancel(q, ref[i].id), 0);
                ref[i].live = 0;
                live--;
            } else {
                assert_int_equal(retsim_queue_cancel(q, ref[i].id), RETSIM_ENOTFOUND);
            }
        } else if (live > 0) { /* pop and compare */
            size_t want = ref_min(ref, n);
            retsim_event ev;
            assert_int_equal(retsim_queue_pop(q, &ev), 0);
            assert_int_equal(ev.time, ref[want].time);
            assert_int_equal(ev.data, ref[want].data);
            assert_int_equal(ev.id, ref[want].id);
            assert_int_equal(ev.type, 7);
            ref[want].live = 0;
            live--;
            now = ev.time;
        }
        assert_int_equal(retsim_queue_size(q), live);
    }
    retsim_event ev;
    assert_int_equal(retsim_queue_pop(q, &ev), RETSIM_ENOTFOUND);
    assert_int_equal(retsim_queue_peek_time(q), RETSIM_TIME_NEVER);
    retsim_queue_destroy(q);
    free(ref);
}

/* ---- ids and arguments ---- */

static void test_queue_stale_ids_do_not_cancel_reused_slots(void **state)
{
    retsim_queue *q = make(state);
    retsim_event_id a, b;
    assert_int_equal(retsim_queue_push(q, 10, 0, 1, &a), 0);
    retsim_event ev;
    assert_int_equal(retsim_queue_pop(q, &ev), 0);
    assert_int_equal(retsim_queue_push(q, 20, 0, 2, &b), 0); /* the heap reuses a's slot */
    assert_true(a != b);
    assert_int_equal(retsim_queue_cancel(q, a), RETSIM_ENOTFOUND);
    assert_int_equal(retsim_queue_size(q), 1);
    assert_int_equal(retsim_queue_cancel(q, b), 0);
    assert_int_equal(retsim_queue_cancel(q, b), RETSIM_ENOTFOUND);
    assert_int_equal(retsim_queue_cancel(q, RETSIM_EVENT_NONE), RETSIM_ENOTFOUND);
    assert_int_equal(retsim_queue_size(q), 0);
    retsim_queue_destroy(q);
}

static void test_queue_rejects_types_past_16_bits(void **state)
{
    retsim_queue *q = make(state);
    retsim_event_id id = 99;
    assert_int_equal(retsim_queue_push(q, 1, 65536, 0, &id), RETSIM_EUSAGE);
    assert_int_equal(id, 99); /* untouched */
    assert_int_equal(retsim_queue_size(q), 0);
    assert_int_equal(retsim_queue_push(q, 1, 65535, 0, NULL), 0);
    retsim_event ev;
    assert_int_equal(retsim_queue_pop(q, &ev), 0);
    assert_int_equal(ev.type, 65535);
    assert_int_equal(ev.seq, 0); /* the rejected push took no sequence number */
    retsim_queue_destroy(q);
}

/* The look-ahead names an event still pending, due no earlier than the one
 * that pops next, and says false with nothing ahead (or, for the heap,
 * always: it keeps no order to look along). */
static void test_queue_ahead_names_a_pending_event(void **state)
{
    retsim_queue_kind kind = *(const retsim_queue_kind *)*state;
    retsim_queue *q = retsim_queue_create_kind(kind);
    uint32_t type;
    uint64_t data;
    assert_false(retsim_queue_ahead(q, 0, &type, &data));
    for (uint64_t t = 1; t <= 40; t++) {
        assert_int_equal(retsim_queue_push(q, (retsim_time)t * 1000, 3, t, NULL), 0);
    }
    retsim_event ev;
    int seen = 0;
    for (int i = 0; i < 40; i++) {
        assert_int_equal(retsim_queue_pop(q, &ev), 0);
        if (retsim_queue_ahead(q, 4, &type, &data)) {
            seen++;
            assert_int_equal(type, 3);
            assert_true(data > ev.data && data <= 40);
        }
    }
    assert_false(retsim_queue_ahead(q, 0, &type, &data));
    if (kind == RETSIM_QUEUE_CALENDAR) {
        assert_true(seen > 0);
    } else {
        assert_int_equal(seen, 0);
    }
    retsim_queue_destroy(q);
}

static void test_queue_create_and_destroy_edges(void **state)
{
    (void)state;
    assert_null(retsim_queue_create_kind((retsim_queue_kind)2));
    assert_null(retsim_queue_create_kind((retsim_queue_kind)-1));
    retsim_queue *q = retsim_queue_create();
    assert_non_null(q);
    assert_int_equal(retsim_queue_peek_time(q), RETSIM_TIME_NEVER);
    assert_int_equal(retsim_queue_push(q, 5, 0, 0, NULL), 0); /* destroyed while not empty */
    retsim_queue_destroy(q);
    retsim_queue_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FOR_EACH_BACKEND(test_queue_pops_in_time_order),
        FOR_EACH_BACKEND(test_queue_equal_times_pop_fifo),
        FOR_EACH_BACKEND(test_queue_cancelled_events_never_pop),
        FOR_EACH_BACKEND(test_queue_far_events_beyond_the_ring),
        FOR_EACH_BACKEND(test_queue_pushes_between_pops),
        FOR_EACH_BACKEND(test_queue_pop_until_stops_at_the_bound),
        FOR_EACH_BACKEND(test_queue_order_matches_a_stable_sort),
        FOR_EACH_BACKEND(test_queue_matches_reference_on_random_ops),
        FOR_EACH_BACKEND(test_queue_stale_ids_do_not_cancel_reused_slots),
        FOR_EACH_BACKEND(test_queue_rejects_types_past_16_bits),
        FOR_EACH_BACKEND(test_queue_ahead_names_a_pending_event),
        cmocka_unit_test(test_queue_create_and_destroy_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
