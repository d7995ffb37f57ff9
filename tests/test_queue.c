/* The pending-event set against a plain reference: a list searched for its
 * (time, seq) minimum. Random input with many equal times and cancels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>

#include "retsim/error.h"
#include "retsim/queue.h"

typedef struct ref_event {
    retsim_time time;
    uint64_t seq;
    uint64_t data;
    retsim_event_id id;
    int live;
} ref_event;

/* xorshift64*: the test's own generator, fixed seed. */
static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * UINT64_C(2685821657736338717);
}

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

static void matches_reference(retsim_queue_kind kind)
{
    enum { N = 20000 };
    ref_event *ref = calloc(N, sizeof *ref);
    size_t n = 0, live = 0;
    uint64_t rng = 88172645463325252ull;
    retsim_queue *q = retsim_queue_create_kind(kind);
    assert_non_null(q);
    retsim_time now = 0;
    for (int step = 0; step < 3 * N && (n < N || live > 0); step++) {
        uint64_t r = next_rand(&rng) % 10;
        if (r < 5 && n < N) { /* push */
            retsim_time t = now + offset(&rng);
            ref[n] = (ref_event){t, n, next_rand(&rng), 0, 1};
            assert_int_equal(retsim_queue_push(q, t, 7, ref[n].data, &ref[n].id), 0);
            n++;
            live++;
        } else if (r < 7 && live > 0) { /* cancel a random live event */
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

static void test_queue_matches_reference_on_random_ops(void **state)
{
    (void)state;
    matches_reference(RETSIM_QUEUE_CALENDAR);
    matches_reference(RETSIM_QUEUE_HEAP);
}

/* The calendar jumps over empty years and across its ring's edge. */
static void test_queue_calendar_far_events(void **state)
{
    (void)state;
    retsim_queue *q = retsim_queue_create();
    const retsim_time year = 365 * RETSIM_MS_PER_DAY;
    retsim_event_id dead;
    assert_int_equal(retsim_queue_push(q, 5 * year, 0, 5, NULL), 0);
    assert_int_equal(retsim_queue_push(q, 2 * year, 0, 2, NULL), 0);
    assert_int_equal(retsim_queue_push(q, 2 * year, 0, 3, NULL), 0); /* tie: after the one above */
    assert_int_equal(retsim_queue_push(q, 3 * year, 0, 9, &dead), 0);
    assert_int_equal(retsim_queue_push(q, 1, 0, 1, NULL), 0);
    assert_int_equal(retsim_queue_cancel(q, dead), 0);
    assert_int_equal(retsim_queue_size(q), 4);
    retsim_event ev;
    static const uint64_t order[] = {1, 2, 3, 5};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(retsim_queue_pop(q, &ev), 0);
        assert_int_equal(ev.data, order[i]);
        if (i == 1) { /* pushed while the clock stands at year 2: lands in the ring */
            assert_int_equal(retsim_queue_push(q, 2 * year + 10, 0, 4, NULL), 0);
        }
        if (i == 2) {
            assert_int_equal(retsim_queue_pop(q, &ev), 0);
            assert_int_equal(ev.data, 4);
        }
    }
    assert_int_equal(retsim_queue_pop(q, &ev), RETSIM_ENOTFOUND);
    assert_int_equal(retsim_queue_pop_until(q, 10 * year, &ev), RETSIM_ENOTFOUND);
    retsim_queue_destroy(q);
}

static void test_queue_equal_times_pop_fifo(void **state)
{
    (void)state;
    retsim_queue *q = retsim_queue_create();
    for (uint64_t i = 0; i < 1000; i++) {
        assert_int_equal(retsim_queue_push(q, (retsim_time)(i % 3), 0, i, NULL), 0);
    }
    retsim_event ev;
    uint64_t last[3] = {0, 0, 0};
    int seen[3] = {0, 0, 0};
    retsim_time prev = 0;
    while (retsim_queue_pop(q, &ev) == 0) {
        assert_true(ev.time >= prev);
        int t = (int)ev.time;
        if (seen[t]) {
            assert_true(ev.data > last[t]); /* pushed earlier, popped earlier */
        }
        seen[t] = 1;
        last[t] = ev.data;
        prev = ev.time;
    }
    retsim_queue_destroy(q);
}

static void test_queue_stale_ids_do_not_cancel_reused_slots(void **state)
{
    (void)state;
    retsim_queue *q = retsim_queue_create();
    retsim_event_id a, b;
    assert_int_equal(retsim_queue_push(q, 10, 0, 1, &a), 0);
    retsim_event ev;
    assert_int_equal(retsim_queue_pop(q, &ev), 0);
    assert_int_equal(retsim_queue_push(q, 20, 0, 2, &b), 0); /* reuses a's slot */
    assert_int_equal(retsim_queue_cancel(q, a), RETSIM_ENOTFOUND);
    assert_int_equal(retsim_queue_size(q), 1);
    assert_int_equal(retsim_queue_cancel(q, b), 0);
    assert_int_equal(retsim_queue_cancel(q, b), RETSIM_ENOTFOUND);
    assert_int_equal(retsim_queue_cancel(q, RETSIM_EVENT_NONE), RETSIM_ENOTFOUND);
    retsim_queue_destroy(q);
    retsim_queue_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_queue_matches_reference_on_random_ops),
        cmocka_unit_test(test_queue_equal_times_pop_fifo),
        cmocka_unit_test(test_queue_stale_ids_do_not_cancel_reused_slots),
        cmocka_unit_test(test_queue_calendar_far_events),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
