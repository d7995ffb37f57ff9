/* The inventory on sequences worked by hand: exact integrals and peaks per
 * kind and for all kinds, reservation windows counted out at their own ends
 * (not when they are looked at), windows cut short, and restarts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>

#include "retsim/inventory.h"

#define A RETSIM_INV_ACTIVE
#define S RETSIM_INV_SOFT_DELETED
#define R RETSIM_INV_RESERVED

static void expect(retsim_inventories *v, int kind, retsim_inv which, retsim_time at, uint64_t now,
                   uint64_t peak, double area_ms)
{
    retsim_inventory got = retsim_inventory_get(v, kind, which, at);
    assert_int_equal(got.now, now);
    assert_int_equal(got.peak, peak);
    if (got.area_ms != area_ms) {
        fail_msg("kind %d inventory %d at %lld: area %.17g, expected %.17g", kind, (int)which, (long long)at,
                 got.area_ms, area_ms);
    }
}

/* Two kinds. Kind 0: instance a created at 0, b at 10; a soft-deleted at 30
 * and purged at 60 (reserved 60..160); b soft-deleted at 70 and purged at 80
 * (reserved 80..180). Kind 1: created at 50; a window of another length
 * (20 ms) from 100 to 120, which ends first although it began last. */
static void hand_sequence(retsim_inventories *v)
{
    uint32_t t1, t2, t3;
    retsim_inventory_move(v, 0, -1, A, 0);
    retsim_inventory_move(v, 0, -1, A, 10);
    retsim_inventory_move(v, 0, A, S, 30);
    retsim_inventory_move(v, 1, -1, A, 50);
    retsim_inventory_move(v, 0, S, -1, 60);
    assert_int_equal(retsim_inventory_reserve(v, 0, 100, 160, 60, &t1), 0);
    retsim_inventory_move(v, 0, A, S, 70);
    retsim_inventory_move(v, 0, S, -1, 80);
    assert_int_equal(retsim_inventory_reserve(v, 0, 100, 180, 80, &t2), 0);
    assert_int_equal(retsim_inventory_reserve(v, 1, 20, 120, 100, &t3), 0);
    assert_true(t1 != t2 && t2 != t3 && t1 != t3);
}

static void test_inventory_hand_worked_integrals_and_peaks(void **state)
{
    (void)state;
    retsim_inventories *v = retsim_inventory_create(2);
    assert_non_null(v);
    hand_sequence(v);
    /* kind 0 ACTIVE: 1 on [0,10), 2 on [10,30), 1 on [30,70): 10 + 40 + 40 */
    expect(v, 0, A, 200, 0, 2, 90);
    /* kind 0 SOFT_DELETED: a [30,60), b [70,80) */
    expect(v, 0, S, 200, 0, 1, 40);
    /* kind 0 RESERVED: a [60,160), b [80,180): both on [80,160) */
    expect(v, 0, R, 200, 0, 2, 200);
    /* kind 1: ACTIVE [50,200) and still there; RESERVED [100,120) */
    expect(v, 1, A, 200, 1, 1, 150);
    expect(v, 1, R, 200, 0, 1, 20);
    /* all kinds: ACTIVE 1,2,1,2,1 over [0,10,30,50,70,200): the sum of the kinds */
    expect(v, -1, A, 200, 1, 2, 240);
    /* RESERVED of all: three at once on [100,120) only if kind 1's window
     * ends at 120, before kind 0's that began earlier */
    expect(v, -1, R, 200, 0, 3, 220);
    retsim_inventory_destroy(v);
}

/* Looked at in the middle: windows that ended are out, those open are in,
 * and the integral runs to the instant asked for. */
static void test_inventory_reservation_ends_at_their_own_times(void **state)
{
    (void)state;
    retsim_inventories *v = retsim_inventory_create(2);
    hand_sequence(v);
    expect(v, 1, R, 119, 1, 1, 19);
    expect(v, 1, R, 120, 0, 1, 20); /* half-open: out at its end */
    /* kind 0 at 150: a [60,150) + b [80,150) */
    expect(v, 0, R, 150, 2, 2, 160);
    expect(v, -1, R, 150, 2, 3, 180);
    /* read again much later: the ends at 160 and 180 count as of then */
    expect(v, 0, R, 1000, 0, 2, 200);
    retsim_inventory_destroy(v);
}

/* A window cut short by a re-create is counted out then, and not again at
 * its end; one noticed late (an automatic purge after its time) counts from
 * when it is noticed. */
static void test_inventory_window_cut_short_or_noticed_late(void **state)
{
    (void)state;
    retsim_inventories *v = retsim_inventory_create(1);
    uint32_t t;
    assert_int_equal(retsim_inventory_reserve(v, 0, 50, 350, 300, &t), 0);
    retsim_inventory_unreserve(v, 0, t, 320);
    expect(v, 0, R, 400, 0, 1, 20);
    /* began at 400, noticed at 420, ends at 500: 80 ms counted */
    assert_int_equal(retsim_inventory_reserve(v, 0, 100, 500, 420, &t), 0);
    expect(v, 0, R, 600, 0, 1, 100);
    retsim_inventory_destroy(v);
}

/* With one kind, "all" is that kind. */
static void test_inventory_one_kind_all_is_the_kind(void **state)
{
    (void)state;
    retsim_inventories *v = retsim_inventory_create(1);
    retsim_inventory_move(v, 0, -1, A, 5);
    retsim_inventory_move(v, 0, -1, A, 7);
    retsim_inventory_move(v, 0, A, -1, 9);
    /* 1 on [5,7), 2 on [7,9), 1 on [9,10) */
    expect(v, 0, A, 10, 1, 2, 7);
    expect(v, -1, A, 10, 1, 2, 7);
    retsim_inventory_destroy(v);
}

/* A restart forgets the integral and lowers the peak to what there is now;
 * what comes after counts from the restart. */
static void test_inventory_restart(void **state)
{
    (void)state;
    retsim_inventories *v = retsim_inventory_create(2);
    hand_sequence(v);
    retsim_inventory_restart(v, 150); /* kind 0: a and b reserved; kind 1 one ACTIVE */
    expect(v, 0, A, 150, 0, 0, 0);
    expect(v, 0, R, 150, 2, 2, 0);
    /* after: 2 on [150,160) (a's window ends), 1 on [160,180) (b's) */
    expect(v, 0, R, 300, 0, 2, 40);
    expect(v, 1, A, 300, 1, 1, 150);
    expect(v, -1, A, 300, 1, 1, 150);
    retsim_inventory_destroy(v);
}

/* Many windows of one length: the FIFO grows and reclaims what was read,
 * and every window is counted out exactly once. */
static void test_inventory_many_windows(void **state)
{
    (void)state;
    retsim_inventories *v = retsim_inventory_create(1);
    double area = 0;
    for (int i = 0; i < 5000; i++) {
        uint32_t t;
        retsim_time at = (retsim_time)i * 3;
        assert_int_equal(retsim_inventory_reserve(v, 0, 10, at + 10, at, &t), 0);
        area += 10;
        if (i % 7 == 0) {
            retsim_inventory_unreserve(v, 0, t, at + 1); /* cut after 1 ms */
            area -= 9;
        }
    }
    /* windows 10 ms long, one every 3 ms: at most 4 open at once (e.g. on [9,10)) */
    expect(v, 0, R, 20000, 0, 4, area);
    retsim_inventory_destroy(v);
}

/* ---- GB levels, the late phase, retroactive bills ---- */

static void expect_near(double got, double want, const char *what)
{
    if (fabs(got - want) > 1e-9 * (fabs(want) + 1)) {
        fail_msg("%s: %.17g, expected %.17g", what, got, want);
    }
}

/* Kind 0: a (2.5 GB) created at 0, b (4 GB) at 10; a soft-deleted at 20,
 * in the late phase from 30, purged at 40. Kind 1: c (1 GB) from 5 on. */
static void test_inventory_gb_levels_by_hand(void **state)
{
    (void)state;
    retsim_inventories *v = retsim_inventory_create(2);
    assert_non_null(v);
    retsim_inventory_move_gb(v, 0, -1, A, 2.5, 0);
    retsim_inventory_move_gb(v, 1, -1, A, 1.0, 5);
    retsim_inventory_move_gb(v, 0, -1, A, 4.0, 10);
    retsim_inventory_move_gb(v, 0, A, S, 2.5, 20);
    retsim_inventory_move_gb(v, 0, -1, RETSIM_INV_LATE, 2.5, 30);
    retsim_inventory_move_gb(v, 0, S, -1, 2.5, 40);
    retsim_inventory_move_gb(v, 0, RETSIM_INV_LATE, -1, 2.5, 40);
    /* kind 0 live: 2.5 GB x 20 ms + 4 GB x 40 ms (10..50) */
    expect_near(retsim_inventory_get(v, 0, RETSIM_INV_GB_ACTIVE, 50).area_ms, 50 + 160, "kind 0 GB live");
    expect_near(retsim_inventory_gb_now(v, 0, RETSIM_INV_GB_ACTIVE), 4, "kind 0 GB live now");
    assert_int_equal(retsim_inventory_get(v, 0, RETSIM_INV_GB_ACTIVE, 50).now, 4);
    /* soft-deleted 20..40, of which late 30..40 */
    expect_near(retsim_inventory_get(v, 0, RETSIM_INV_GB_SOFT_DELETED, 50).area_ms, 2.5 * 20, "GB soft");
    expect_near(retsim_inventory_get(v, 0, RETSIM_INV_GB_LATE, 50).area_ms, 2.5 * 10, "GB late");
    expect_near(retsim_inventory_gb_now(v, 0, RETSIM_INV_GB_SOFT_DELETED), 0, "GB soft now");
    /* all kinds: kind 1 adds 1 GB x 45 ms live; the peak is 2.5 + 1 + 4 */
    expect_near(retsim_inventory_get(v, -1, RETSIM_INV_GB_ACTIVE, 50).area_ms, 210 + 45, "all GB live");
    assert_int_equal(retsim_inventory_get(v, -1, RETSIM_INV_GB_ACTIVE, 50).peak, 8); /* 7.5 rounded */
    /* the counts are untouched by GB moves */
    assert_int_equal(retsim_inventory_get(v, 0, A, 50).now, 0);
    /* a retroactive bill: 100 ms of a 2 GB instance, areas only */
    retsim_inventory_bill_retro(v, 0, 100, 2.0, 50);
    retsim_inventory_bill_retro(v, 1, 30, 0.0, 50);
    expect_near(retsim_inventory_get(v, 0, RETSIM_INV_RETRO, 60).area_ms, 100, "retro ms");
    expect_near(retsim_inventory_get(v, 0, RETSIM_INV_GB_RETRO, 60).area_ms, 200, "retro GB-ms");
    expect_near(retsim_inventory_get(v, -1, RETSIM_INV_RETRO, 60).area_ms, 130, "all retro ms");
    assert_int_equal(retsim_inventory_get(v, 0, RETSIM_INV_RETRO, 60).now, 0);
    /* a restart forgets the bills and the GB integrals, keeps the levels */
    retsim_inventory_restart(v, 60);
    expect_near(retsim_inventory_get(v, 0, RETSIM_INV_RETRO, 70).area_ms, 0, "retro after restart");
    expect_near(retsim_inventory_get(v, 0, RETSIM_INV_GB_ACTIVE, 70).area_ms, 40, "GB live after restart");
    assert_int_equal(retsim_inventory_get(v, 0, RETSIM_INV_GB_ACTIVE, 70).peak, 4);
    retsim_inventory_destroy(v);
}

/* A policy of 2 regions, 3 replicas live, 1 soft-deleted, 4 in grace, 0.5 a
 * replica-hour and 7.2 a GB-month (0.01 a GB-hour); and a usage of 10 h
 * live, 6 h soft-deleted of which 2 h late, 720 / 360 / 72 GB-hours, and a
 * retroactive bill of 5 h and 144 GB-hours. */
static retsim_policy billing_policy(void)
{
    retsim_policy p;
    retsim_policy_init(&p, "x");
    p.regions = 2;
    p.replicas_active = 3;
    p.replicas_soft_deleted = 1;
    p.replicas_grace = 4;
    p.price_per_replica_hour = 0.5;
    p.price_per_gb_month = 7.2;
    return p;
}

static const retsim_usage billing_usage = {10, 6, 2, 720, 360, 72, 5, 144};

static void test_inventory_cost_grace_phase(void **state)
{
    (void)state;
    retsim_policy p = billing_policy();
    p.grace_ms = RETSIM_MS_PER_DAY;
    retsim_cost c = retsim_inventory_cost(&p, &billing_usage);
    expect_near(c.replicas_live, 60, "replicas live");          /* 10 x 2 x 3 */
    expect_near(c.replicas_late, 16, "replicas late");          /* 2 x 2 x 4 */
    expect_near(c.replicas_retained, 8 + 16, "replicas kept");  /* (6 - 2) x 2 x 1 + late */
    expect_near(c.gb_months_live, 1, "GB-months live");         /* 720 / 720 */
    expect_near(c.gb_months_retained, 0.5, "GB-months kept");   /* 360 / 720 */
    expect_near(c.cost_live, 30 + 7.2, "cost live");            /* 60 x 0.5 + 1 x 7.2 */
    expect_near(c.cost_late, 8 + 0.72, "cost late");            /* 16 x 0.5 + 0.1 x 7.2 */
    expect_near(c.cost_retained, 4 + 2.88 + 8.72, "cost kept"); /* 8 x 0.5 + 0.4 x 7.2 + late */
    expect_near(c.replicas_retro, 30, "replicas retro");        /* 5 x 2 x 3 */
    expect_near(c.cost_retro, 15 + 1.44, "cost retro");         /* 30 x 0.5 + 0.2 x 7.2 */
    p.replicas_grace = -1;                                      /* as soft-deleted: 1 */
    c = retsim_inventory_cost(&p, &billing_usage);
    expect_near(c.replicas_late, 4, "replicas late as soft-deleted");
    expect_near(c.cost_late, 2 + 0.72, "cost late as soft-deleted");
}

static void test_inventory_cost_free_tail_billed_at_zero(void **state)
{
    (void)state;
    retsim_policy p = billing_policy(); /* replicas_grace is not the tail's: it is soft-deleted time */
    p.billing_free_last = 14 * RETSIM_MS_PER_DAY;
    retsim_cost c = retsim_inventory_cost(&p, &billing_usage);
    expect_near(c.replicas_late, 4, "tail replicas");         /* 2 x 2 x 1: still kept */
    expect_near(c.replicas_retained, 12, "replicas kept");    /* 8 + 4 */
    expect_near(c.gb_months_retained, 0.5, "GB-months kept"); /* the tail's GB too */
    expect_near(c.cost_late, 0, "the tail costs nothing");
    expect_near(c.cost_retained, 4 + 2.88, "cost kept"); /* the 4 h and 288 GB-hours before it */
    expect_near(c.cost_live, 37.2, "cost live");
    expect_near(c.cost_retro, 16.44, "cost retro");
}

/* Without a late phase, sizes or bills, the cost is the replica formula,
 * bit for bit (outputs of scenarios without them must not move). */
static void test_inventory_cost_without_billing_rules_is_replicas_only(void **state)
{
    (void)state;
    retsim_policy p = billing_policy();
    p.price_per_replica_hour = 0.1; /* not a power of two: rounding shows */
    retsim_usage u = {.active = 1234.567, .soft_deleted = 89.1011};
    retsim_cost c = retsim_inventory_cost(&p, &u);
    assert_true(c.replicas_live == 1234.567 * 2 * 3);
    assert_true(c.replicas_retained == 89.1011 * 2 * 1);
    assert_true(c.cost_live == 1234.567 * 2 * 3 * 0.1);
    assert_true(c.cost_retained == 89.1011 * 2 * 1 * 0.1);
    assert_true(c.cost_late == 0 && c.cost_retro == 0 && c.gb_months_live == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inventory_hand_worked_integrals_and_peaks),
        cmocka_unit_test(test_inventory_reservation_ends_at_their_own_times),
        cmocka_unit_test(test_inventory_window_cut_short_or_noticed_late),
        cmocka_unit_test(test_inventory_one_kind_all_is_the_kind),
        cmocka_unit_test(test_inventory_restart),
        cmocka_unit_test(test_inventory_many_windows),
        cmocka_unit_test(test_inventory_gb_levels_by_hand),
        cmocka_unit_test(test_inventory_cost_grace_phase),
        cmocka_unit_test(test_inventory_cost_free_tail_billed_at_zero),
        cmocka_unit_test(test_inventory_cost_without_billing_rules_is_replicas_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
