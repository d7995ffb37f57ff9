/* The event loop: order, run_until, cancel, stop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include <cmocka.h>

#include "retsim/error.h"
#include "retsim/kernel.h"

typedef struct log {
    uint64_t data[64];
    retsim_time at[64];
    int n;
    uint32_t type;
    int stop_at;
} log;

static void record(void *ctx, retsim_kernel *k, uint64_t data)
{
    log *l = ctx;
    l->data[l->n] = data;
    l->at[l->n++] = retsim_kernel_now(k);
    if (data == 100) { /* schedules a follow-up at the same instant: it runs after those already queued */
        assert_int_equal(retsim_kernel_schedule(k, retsim_kernel_now(k), l->type, 101, NULL), 0);
    }
    if ((int)data == l->stop_at) {
        retsim_kernel_stop(k, RETSIM_EIO);
    }
}

static void test_kernel_runs_in_time_then_fifo_order(void **state)
{
    (void)state;
    retsim_kernel *k = retsim_kernel_create();
    log l = {.stop_at = -1};
    assert_int_equal(retsim_kernel_register(k, record, &l, &l.type), 0);
    retsim_event_id cancelled;
    assert_int_equal(retsim_kernel_schedule(k, 50, l.type, 3, NULL), 0);
    assert_int_equal(retsim_kernel_schedule(k, 10, l.type, 100, NULL), 0);
    assert_int_equal(retsim_kernel_schedule(k, 10, l.type, 2, NULL), 0);
    assert_int_equal(retsim_kernel_schedule(k, 20, l.type, 9, &cancelled), 0);
    assert_int_equal(retsim_kernel_schedule(k, 60, l.type, 4, NULL), 0);
    assert_int_equal(retsim_kernel_cancel(k, cancelled), 0);

    assert_int_equal(retsim_kernel_run_until(k, 50), 0); /* inclusive */
    assert_int_equal(l.n, 4);
    assert_int_equal(l.data[0], 100);
    assert_int_equal(l.data[1], 2);
    assert_int_equal(l.data[2], 101);
    assert_int_equal(l.at[2], 10);
    assert_int_equal(l.data[3], 3);
    assert_int_equal(retsim_kernel_now(k), 50);
    assert_int_equal(retsim_kernel_run_until(k, 55), 0);
    assert_int_equal(retsim_kernel_now(k), 55); /* the clock moves to the horizon */
    assert_int_equal(retsim_kernel_pending(k), 1);
    /* an event scheduled in the past runs now, not before now */
    assert_int_equal(retsim_kernel_schedule(k, 1, l.type, 5, NULL), 0);
    assert_int_equal(retsim_kernel_run_until(k, RETSIM_TIME_NEVER), 0);
    assert_int_equal(l.n, 6);
    assert_int_equal(l.data[4], 5);
    assert_int_equal(l.at[4], 55);
    assert_int_equal(l.data[5], 4);
    assert_int_equal(retsim_kernel_now(k), 60);
    assert_int_equal(retsim_kernel_events_run(k), 6);
    retsim_kernel_destroy(k);
}

/* The prefetch hook sees payloads of events still to come (here every
 * payload is its event's time in ms, so "to come" is checkable), and the
 * events run exactly as without a hook. The hook gets the handler's
 * context: the log first, so record reads it as its own. */
typedef struct ahead_log {
    log l;
    retsim_kernel *k;
    int calls, wrong;
} ahead_log;

static void ahead(void *ctx, uint64_t data)
{
    ahead_log *a = ctx;
    a->calls++;
    a->wrong += (retsim_time)data <= retsim_kernel_now(a->k);
}

static void run_spread(bool hook, ahead_log *a)
{
    retsim_kernel *k = retsim_kernel_create();
    a->k = k;
    a->l.stop_at = -1;
    assert_int_equal(retsim_kernel_register(k, record, a, &a->l.type), 0);
    assert_int_equal(retsim_kernel_set_prefetch(k, a->l.type + 1, ahead), RETSIM_EUSAGE);
    if (hook) {
        assert_int_equal(retsim_kernel_set_prefetch(k, a->l.type, ahead), 0);
    }
    for (uint64_t i = 0; i < 60; i++) {
        uint64_t t = (i * 37) % 60 + 1; /* 1 .. 60 in a scrambled order */
        assert_int_equal(retsim_kernel_schedule(k, (retsim_time)t, a->l.type, t, NULL), 0);
    }
    assert_int_equal(retsim_kernel_run_until(k, RETSIM_TIME_NEVER), 0);
    retsim_kernel_destroy(k);
}

static void test_kernel_prefetch_hook_looks_ahead_only(void **state)
{
    (void)state;
    ahead_log with = {0}, without = {0};
    run_spread(true, &with);
    run_spread(false, &without);
    assert_int_equal(with.l.n, 60);
    assert_memory_equal(with.l.data, without.l.data, sizeof with.l.data);
    assert_true(with.calls > 0);
    assert_int_equal(with.wrong, 0);
    assert_int_equal(without.calls, 0);
}

static void test_kernel_stop_returns_the_handlers_code(void **state)
{
    (void)state;
    retsim_kernel *k = retsim_kernel_create();
    log l = {.stop_at = 7};
    assert_int_equal(retsim_kernel_register(k, record, &l, &l.type), 0);
    for (uint64_t i = 6; i <= 8; i++) {
        assert_int_equal(retsim_kernel_schedule(k, (retsim_time)i, l.type, i, NULL), 0);
    }
    assert_int_equal(retsim_kernel_run_until(k, 100), RETSIM_EIO);
    assert_int_equal(l.n, 2);
    assert_int_equal(retsim_kernel_pending(k), 1);
    assert_int_equal(retsim_kernel_schedule(k, 1, 99, 0, NULL), RETSIM_EUSAGE); /* unknown type */
    retsim_kernel_destroy(k);
    retsim_kernel_destroy(NULL);
}

/* An event that schedules its successor 1 ms later, for ever. */
static void tick(void *ctx, retsim_kernel *k, uint64_t data)
{
    const uint32_t *type = ctx;
    assert_int_equal(retsim_kernel_schedule(k, retsim_kernel_now(k) + 1, *type, data + 1, NULL), 0);
}

/* A set interrupt flag is seen at the first poll: after exactly
 * RETSIM_KERNEL_POLL events, with the rest left pending. */
static void test_kernel_interrupt_is_seen_within_a_poll(void **state)
{
    (void)state;
    retsim_kernel *k = retsim_kernel_create();
    uint32_t type;
    assert_int_equal(retsim_kernel_register(k, tick, &type, &type), 0);
    assert_int_equal(retsim_kernel_schedule(k, 0, type, 0, NULL), 0);
    static volatile int flag = 0;
    retsim_kernel_set_interrupt(k, &flag);
    assert_false(retsim_kernel_interrupted(k));
    assert_int_equal(retsim_kernel_run_until(k, 1000), 0); /* not set: runs to the end */
    assert_int_equal(retsim_kernel_events_run(k), 1001);
    flag = 1;
    assert_true(retsim_kernel_interrupted(k));
    assert_int_equal(retsim_kernel_run_until(k, RETSIM_TIME_NEVER), RETSIM_EINTR);
    uint64_t n = retsim_kernel_events_run(k);
    assert_true(n > 1001 && n <= 1001 + RETSIM_KERNEL_POLL);
    assert_int_equal(n % RETSIM_KERNEL_POLL, 0); /* the poll falls on multiples of the period */
    assert_int_equal(retsim_kernel_pending(k), 1);
    retsim_kernel_destroy(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kernel_runs_in_time_then_fifo_order),
        cmocka_unit_test(test_kernel_prefetch_hook_looks_ahead_only),
        cmocka_unit_test(test_kernel_stop_returns_the_handlers_code),
        cmocka_unit_test(test_kernel_interrupt_is_seen_within_a_poll),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
