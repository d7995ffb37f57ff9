/* The registry through its API: transitions, counters, the half-open window
 * when an operation runs before the purge event of the same instant, and two
 * simulations side by side. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "retsim/error.h"
#include "retsim/sim.h"

static const char scenario_text[] = "[scenario]\n"
                                    "name = t\n"
                                    "[policy.apim]\n"
                                    "retention = 48h\n"
                                    "reuse_after_purge = owner_subscription\n"
                                    "reservation = 7d\n"
                                    "[policy.gallery]\n"
                                    "name_scope = subscription\n"
                                    "soft_delete_supported = false\n"
                                    "[policy.image]\n"
                                    "parent = gallery\n"
                                    "name_scope = parent\n";

typedef struct fixture {
    retsim_scenario *sc;
    retsim_sim *sim;
    retsim_registry *reg;
    retsim_kernel *k;
    retsim_result log[64];
    int n;
} fixture;

static int record(void *ctx, const retsim_registry *r, const retsim_result *res)
{
    (void)r;
    fixture *f = ctx;
    if (f->n < 64) {
        f->log[f->n++] = *res;
    }
    return 0;
}

static int setup(void **state)
{
    static fixture f;
    memset(&f, 0, sizeof f);
    retsim_error err;
    assert_int_equal(retsim_scenario_load_string(scenario_text, "t.ini", &f.sc, &err), 0);
    f.sim = retsim_sim_create(f.sc);
    f.reg = retsim_sim_registry(f.sim);
    f.k = retsim_sim_kernel(f.sim);
    retsim_sim_set_sink(f.sim, record, &f);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    retsim_sim_destroy(f->sim);
    retsim_scenario_destroy(f->sc);
    return 0;
}

static retsim_outcome op(fixture *f, retsim_op o, uint32_t sub, uint32_t slot)
{
    retsim_request rq = retsim_request_make(o, retsim_scenario_kind(f->sc, "apim"), sub, slot);
    retsim_result res;
    assert_int_equal(retsim_registry_apply(f->reg, &rq, &res), 0);
    return res.outcome;
}

static uint32_t sub_of(fixture *f, const char *name)
{
    uint32_t id;
    const char *why;
    assert_int_equal(retsim_registry_subscription(f->reg, name, "", "", &id, &why), 0);
    return id;
}

static uint32_t apim_name(fixture *f, const char *name)
{
    uint32_t slot;
    assert_int_equal(retsim_registry_name(f->reg, 0, 0, RETSIM_NAME_NONE, name, true, &slot), 0);
    return slot;
}

/* The kernel runs a same-instant event scheduled before the delete (so before
 * its purge event) at exactly scheduled_purge: the window is still closed. */
typedef struct late_restore {
    fixture *f;
    uint32_t sub, slot;
    retsim_outcome outcome;
} late_restore;

static void do_late_restore(void *ctx, retsim_kernel *k, uint64_t data)
{
    (void)k;
    (void)data;
    late_restore *lr = ctx;
    lr->outcome = op(lr->f, RETSIM_OP_RESTORE, lr->sub, lr->slot);
}

static void test_registry_window_is_half_open_whatever_the_event_order(void **state)
{
    fixture *f = *state;
    uint32_t s1 = sub_of(f, "s1");
    uint32_t a = apim_name(f, "a");
    late_restore lr = {f, s1, a, RETSIM_OUT_COUNT};
    uint32_t type;
    assert_int_equal(retsim_kernel_register(f->k, do_late_restore, &lr, &type), 0);
    assert_int_equal(op(f, RETSIM_OP_CREATE, s1, a), RETSIM_OUT_OK);
    retsim_time purge_at = 48 * RETSIM_MS_PER_HOUR;
    assert_int_equal(retsim_kernel_schedule(f->k, purge_at, type, 0, NULL), 0); /* queued first */
    assert_int_equal(op(f, RETSIM_OP_DELETE, s1, a), RETSIM_OUT_SOFT_DELETED);
    assert_int_equal(retsim_kernel_run_until(f->k, RETSIM_TIME_NEVER), 0);
    assert_int_equal(lr.outcome, RETSIM_OUT_EXPIRED);
    /* create, delete, auto_purge (reported when the restore looked), restore; the
     * purge event that ran after found nothing left to do */
    assert_int_equal(f->n, 4);
    assert_int_equal(f->log[2].op, RETSIM_OP_AUTO_PURGE);
    assert_int_equal(f->log[2].time, purge_at);
    assert_int_equal(f->log[3].op, RETSIM_OP_RESTORE);
    assert_int_equal(retsim_registry_count(f->reg, 0, RETSIM_STATE_PURGED), 1);
}

static void test_registry_counts_follow_every_transition(void **state)
{
    fixture *f = *state;
    uint32_t s1 = sub_of(f, "s1"), s2 = sub_of(f, "s2");
    uint32_t a = apim_name(f, "a"), b = apim_name(f, "b");
    assert_int_equal(op(f, RETSIM_OP_CREATE, s1, a), RETSIM_OUT_OK);
    assert_int_equal(op(f, RETSIM_OP_CREATE, s2, b), RETSIM_OUT_OK);
    assert_int_equal(retsim_registry_count(f->reg, 0, RETSIM_STATE_ACTIVE), 2);
    assert_int_equal(op(f, RETSIM_OP_DELETE, s1, a), RETSIM_OUT_SOFT_DELETED);
    assert_int_equal(retsim_registry_count(f->reg, 0, RETSIM_STATE_ACTIVE), 1);
    assert_int_equal(retsim_registry_count(f->reg, 0, RETSIM_STATE_SOFT_DELETED), 1);
    retsim_request list = retsim_request_make(RETSIM_OP_LIST_DELETED, 0, s1, RETSIM_NAME_NONE);
    retsim_result res;
    assert_int_equal(retsim_registry_apply(f->reg, &list, &res), 0);
    assert_int_equal(res.count, 1);
    assert_int_equal(op(f, RETSIM_OP_RESTORE, s1, a), RETSIM_OUT_OK);
    assert_int_equal(retsim_registry_count(f->reg, 0, RETSIM_STATE_SOFT_DELETED), 0);
    assert_int_equal(retsim_registry_apply(f->reg, &list, &res), 0);
    assert_int_equal(res.count, 0);
    assert_int_equal(op(f, RETSIM_OP_DELETE, s2, b), RETSIM_OUT_SOFT_DELETED);
    assert_int_equal(op(f, RETSIM_OP_PURGE, s2, b), RETSIM_OUT_OK);
    assert_int_equal(retsim_registry_count(f->reg, 0, RETSIM_STATE_PURGED), 1);
    assert_int_equal(retsim_registry_count(f->reg, 0, RETSIM_STATE_ACTIVE), 1);
    /* restore and purge cancelled their automatic purges; b's name stays reserved for 7 days
     * (half-open: 1 ms before the end it still is, at the end it is not) */
    assert_int_equal(retsim_kernel_pending(f->k), 0);
    assert_int_equal(retsim_sim_inventory_now(f->sim, 0, RETSIM_INV_RESERVED).now, 1);
    assert_int_equal(retsim_kernel_run_until(f->k, 7 * RETSIM_MS_PER_DAY - 1), 0);
    assert_int_equal(retsim_sim_inventory_now(f->sim, 0, RETSIM_INV_RESERVED).now, 1);
    assert_int_equal(retsim_kernel_run_until(f->k, 7 * RETSIM_MS_PER_DAY), 0);
    assert_int_equal(retsim_sim_inventory_now(f->sim, 0, RETSIM_INV_RESERVED).now, 0);
    /* counted out at the time the window ended, not when it was looked at */
    assert_int_equal(retsim_kernel_run_until(f->k, 9 * RETSIM_MS_PER_DAY), 0);
    assert_true(retsim_sim_inventory_now(f->sim, 0, RETSIM_INV_RESERVED).area_ms == 7.0 * RETSIM_MS_PER_DAY);
    assert_int_equal(retsim_sim_inventory_now(f->sim, 0, RETSIM_INV_RESERVED).peak, 1);
    uint64_t outcomes = 0;
    for (int o = 0; o < RETSIM_OUT_COUNT; o++) {
        outcomes += retsim_metrics_total(retsim_sim_metrics(f->sim), 0, RETSIM_OP_DELETE, (retsim_outcome)o);
    }
    assert_int_equal(outcomes, 2);
}

/* A reservation window the owner cuts short by re-creating the name is counted
 * out then, and not again when the window would have ended. */
static void test_registry_reservation_cut_short(void **state)
{
    fixture *f = *state;
    uint32_t s1 = sub_of(f, "s1");
    uint32_t a = apim_name(f, "a");
    assert_int_equal(op(f, RETSIM_OP_CREATE, s1, a), RETSIM_OUT_OK);
    assert_int_equal(op(f, RETSIM_OP_DELETE, s1, a), RETSIM_OUT_SOFT_DELETED);
    assert_int_equal(op(f, RETSIM_OP_PURGE, s1, a), RETSIM_OUT_OK); /* reserved 0 .. 7d for others */
    assert_int_equal(retsim_kernel_run_until(f->k, 2 * RETSIM_MS_PER_DAY), 0);
    assert_int_equal(op(f, RETSIM_OP_CREATE, s1, a), RETSIM_OUT_OK); /* the owner takes it back at 2d */
    assert_int_equal(retsim_sim_inventory_now(f->sim, 0, RETSIM_INV_RESERVED).now, 0);
    assert_int_equal(retsim_kernel_run_until(f->k, 10 * RETSIM_MS_PER_DAY), 0);
    retsim_inventory inv = retsim_sim_inventory_now(f->sim, 0, RETSIM_INV_RESERVED);
    assert_int_equal(inv.now, 0);
    assert_int_equal(inv.peak, 1);
    assert_true(inv.area_ms == 2.0 * RETSIM_MS_PER_DAY);
}

/* The release-draw hook: asked at each release of a drawn kind (here a hard
 * delete), with the name's release number counting 1, 2, ...; its window
 * is the reservation. A forever window stays counted as reserved. */
typedef struct draws {
    int n;
    uint32_t slot[4], release[4];
} draws;

static retsim_time hour_per_release(void *ctx, int kind, uint32_t slot, uint32_t release)
{
    draws *d = ctx;
    assert_int_equal(kind, 0);
    if (d->n < 4) {
        d->slot[d->n] = slot;
        d->release[d->n++] = release;
    }
    return (retsim_time)release * RETSIM_MS_PER_HOUR;
}

static retsim_outcome at(retsim_registry *reg, retsim_kernel *k, retsim_time t, retsim_op o, int kind,
                         uint32_t sub, uint32_t slot)
{
    assert_int_equal(retsim_kernel_run_until(k, t), 0);
    retsim_request rq = retsim_request_make(o, kind, sub, slot);
    retsim_result res;
    assert_int_equal(retsim_registry_apply(reg, &rq, &res), 0);
    return res.outcome;
}

static void test_registry_release_draw_and_forever(void **state)
{
    (void)state;
    retsim_policy p[2];
    retsim_policy_init(&p[0], "bucket");
    p[0].soft_delete_supported = false;
    p[0].reuse_after_purge = RETSIM_REUSE_NOBODY;
    p[0].reservation_drawn = true;
    retsim_policy_init(&p[1], "project");
    p[1].soft_delete_supported = false;
    p[1].reuse_after_purge = RETSIM_REUSE_NOBODY;
    p[1].reservation_ms = RETSIM_RESERVATION_FOREVER;
    retsim_kernel *k = retsim_kernel_create();
    retsim_inventories *inv = retsim_inventory_create(2);
    retsim_registry *reg = retsim_registry_create(p, 2, k, inv);
    assert_non_null(reg);
    draws d = {0};
    retsim_registry_set_release_draw(reg, hour_per_release, &d);
    uint32_t s1, s2, b, pr;
    const char *why;
    assert_int_equal(retsim_registry_subscription(reg, "s1", "", "", &s1, &why), 0);
    assert_int_equal(retsim_registry_subscription(reg, "s2", "", "", &s2, &why), 0);
    assert_int_equal(retsim_registry_name(reg, 0, s1, RETSIM_NAME_NONE, "b", true, &b), 0);
    assert_int_equal(retsim_registry_name(reg, 1, s1, RETSIM_NAME_NONE, "p", true, &pr), 0);
    const retsim_time h = RETSIM_MS_PER_HOUR;
    assert_int_equal(at(reg, k, 0, RETSIM_OP_CREATE, 0, s1, b), RETSIM_OUT_OK);
    assert_int_equal(at(reg, k, 0, RETSIM_OP_CREATE, 1, s1, pr), RETSIM_OUT_OK);
    /* release 1 at 1h: a window of 1h */
    assert_int_equal(at(reg, k, h, RETSIM_OP_DELETE, 0, s1, b), RETSIM_OUT_HARD_DELETED);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.slot[0], b);
    assert_int_equal(d.release[0], 1);
    assert_int_equal(at(reg, k, 2 * h - 1, RETSIM_OP_CREATE, 0, s1, b), RETSIM_OUT_CONFLICT_RESERVED);
    assert_int_equal(at(reg, k, 2 * h, RETSIM_OP_CREATE, 0, s2, b), RETSIM_OUT_OK);
    /* release 2 at 3h: a window of 2h, to 5h */
    assert_int_equal(at(reg, k, 3 * h, RETSIM_OP_DELETE, 0, s2, b), RETSIM_OUT_HARD_DELETED);
    assert_int_equal(d.n, 2);
    assert_int_equal(d.release[1], 2);
    assert_int_equal(at(reg, k, 5 * h - 1, RETSIM_OP_CREATE, 0, s1, b), RETSIM_OUT_CONFLICT_RESERVED);
    assert_int_equal(at(reg, k, 5 * h, RETSIM_OP_CREATE, 0, s1, b), RETSIM_OUT_OK);
    /* the forever kind does not draw; its name stays reserved, counted as such */
    assert_int_equal(at(reg, k, 6 * h, RETSIM_OP_DELETE, 1, s1, pr), RETSIM_OUT_HARD_DELETED);
    assert_int_equal(d.n, 2);
    assert_int_equal(at(reg, k, 1000 * RETSIM_MS_PER_DAY, RETSIM_OP_CREATE, 1, s1, pr),
                     RETSIM_OUT_CONFLICT_RESERVED);
    assert_int_equal(retsim_inventory_get(inv, 1, RETSIM_INV_RESERVED, 1000 * RETSIM_MS_PER_DAY).now, 1);
    assert_int_equal(retsim_inventory_get(inv, 0, RETSIM_INV_RESERVED, 1000 * RETSIM_MS_PER_DAY).now, 0);
    retsim_registry_destroy(reg);
    retsim_inventory_destroy(inv);
    retsim_kernel_destroy(k);
}

static void test_registry_subscription_attributes_are_fixed(void **state)
{
    fixture *f = *state;
    uint32_t id, again;
    const char *why = NULL;
    assert_int_equal(retsim_registry_subscription(f->reg, "s9", "t1", "ea", &id, &why), 0);
    assert_int_equal(retsim_registry_subscription(f->reg, "s9", "", "", &again, &why), 0);
    assert_int_equal(id, again);
    assert_int_equal(retsim_registry_subscription(f->reg, "s9", "t2", "", &again, &why), RETSIM_EINPUT);
    assert_non_null(why);
    assert_int_equal(retsim_registry_subscription(f->reg, "s9", "", "free", &again, &why), RETSIM_EINPUT);
    assert_string_equal(retsim_registry_sub_type_name(f->reg, retsim_registry_sub_type(f->reg, id)), "ea");
}

static void test_registry_parent_paths(void **state)
{
    fixture *f = *state;
    int image = retsim_scenario_kind(f->sc, "image");
    uint32_t s1 = sub_of(f, "s1"), parent, slot;
    const char *why = NULL;
    assert_int_equal(retsim_registry_parent(f->reg, image, s1, "g1/extra", &parent, &why), RETSIM_EINPUT);
    assert_int_equal(retsim_registry_parent(f->reg, image, s1, "", &parent, &why), RETSIM_EINPUT);
    assert_int_equal(retsim_registry_parent(f->reg, 0, s1, "g1", &parent, &why), RETSIM_EINPUT);
    assert_int_equal(retsim_registry_parent(f->reg, image, s1, "g1", &parent, &why), 0);
    assert_int_equal(retsim_registry_name(f->reg, image, s1, parent, "img", true, &slot), 0);
    char buf[64];
    assert_string_equal(retsim_registry_parent_path(f->reg, slot, buf, sizeof buf), "g1");
    /* the gallery was never created: the image cannot be */
    retsim_request rq = retsim_request_make(RETSIM_OP_CREATE, image, s1, slot);
    retsim_result res;
    assert_int_equal(retsim_registry_apply(f->reg, &rq, &res), 0);
    assert_int_equal(res.outcome, RETSIM_OUT_NOT_FOUND);
}

/* Two simulations fed the same requests in lock step give the same results. */
static void test_registry_two_sims_side_by_side(void **state)
{
    (void)state;
    retsim_error err;
    retsim_scenario *sc = NULL;
    assert_int_equal(retsim_scenario_load_string(scenario_text, "t.ini", &sc, &err), 0);
    retsim_sim *sims[2] = {retsim_sim_create(sc), retsim_sim_create(sc)};
    uint64_t rng = 12345;
    for (int step = 0; step < 20000; step++) {
        rng = rng * 6364136223846793005ull + 1442695040888963407ull;
        retsim_op o = (retsim_op)((rng >> 33) % 6);
        char name[16], sub[16];
        snprintf(name, sizeof name, "n%u", (unsigned)((rng >> 40) % 50));
        snprintf(sub, sizeof sub, "s%u", (unsigned)((rng >> 50) % 3));
        retsim_time t = (retsim_time)step * 17 * RETSIM_MS_PER_MINUTE;
        retsim_result res[2];
        for (int i = 0; i < 2; i++) {
            retsim_registry *reg = retsim_sim_registry(sims[i]);
            uint32_t s, slot;
            const char *why;
            assert_int_equal(retsim_registry_subscription(reg, sub, "", "", &s, &why), 0);
            assert_int_equal(retsim_registry_name(reg, 0, s, RETSIM_NAME_NONE, name, true, &slot), 0);
            assert_int_equal(retsim_kernel_run_until(retsim_sim_kernel(sims[i]), t), 0);
            retsim_request rq = retsim_request_make(o, 0, s, slot);
            assert_int_equal(retsim_registry_apply(reg, &rq, &res[i]), 0);
        }
        assert_int_equal(res[0].outcome, res[1].outcome);
        assert_int_equal(res[0].after, res[1].after);
        assert_int_equal(res[0].scheduled_purge, res[1].scheduled_purge);
    }
    for (int o = 0; o < RETSIM_OUT_COUNT; o++) {
        assert_int_equal(
            retsim_metrics_total(retsim_sim_metrics(sims[0]), 0, RETSIM_OP_CREATE, (retsim_outcome)o),
            retsim_metrics_total(retsim_sim_metrics(sims[1]), 0, RETSIM_OP_CREATE, (retsim_outcome)o));
    }
    assert_true(retsim_metrics_total(retsim_sim_metrics(sims[0]), 0, RETSIM_OP_AUTO_PURGE, RETSIM_OUT_OK) >
                0);
    retsim_sim_destroy(sims[0]);
    retsim_sim_destroy(sims[1]);
    retsim_scenario_destroy(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_registry_window_is_half_open_whatever_the_event_order, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_registry_counts_follow_every_transition, setup, teardown),
        cmocka_unit_test_setup_teardown(test_registry_subscription_attributes_are_fixed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_registry_reservation_cut_short, setup, teardown),
        cmocka_unit_test(test_registry_release_draw_and_forever),
        cmocka_unit_test_setup_teardown(test_registry_parent_paths, setup, teardown),
        cmocka_unit_test(test_registry_two_sims_side_by_side),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
