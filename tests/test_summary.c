/* The summary: the one cost function on hand values, and every inventory
 * and cost metric of a tiny run worked by hand (three instances, each
 * active 4 h, soft-deleted 10 h, reserved 1 h), where Little's law holds
 * exactly. */
#include "helpers.h"

#include <math.h>

#include "retsim/summary.h"

static void test_summary_cost_is_replicas_times_regions_times_price(void **state)
{
    (void)state;
    retsim_policy p;
    retsim_policy_init(&p, "x");
    retsim_usage u = {.active = 4, .soft_deleted = 6};
    retsim_cost c = retsim_inventory_cost(&p, &u); /* the defaults hold no replicas */
    assert_true(c.replicas_live == 0 && c.replicas_retained == 0 && c.cost_live == 0 && c.cost_retained == 0);
    p.regions = 2;
    p.replicas_active = 3;
    p.replicas_soft_deleted = 1;
    p.price_per_replica_hour = 0.5;
    c = retsim_inventory_cost(&p, &u);
    assert_true(c.replicas_live == 24);     /* 4 x 2 regions x 3 */
    assert_true(c.replicas_retained == 12); /* 6 x 2 x 1 */
    assert_true(c.cost_live == 12);         /* 24 x 0.5 */
    assert_true(c.cost_retained == 6);
}

static const double H = (double)RETSIM_MS_PER_HOUR;

typedef struct tiny {
    retsim_scenario *sc;
    retsim_sim *sim;
    uint32_t sub;
} tiny;

static retsim_outcome request(tiny *t, retsim_op op, const char *name)
{
    retsim_registry *reg = retsim_sim_registry(t->sim);
    uint32_t slot;
    assert_int_equal(retsim_registry_name(reg, 0, t->sub, RETSIM_NAME_NONE, name, true, &slot), 0);
    retsim_request rq = retsim_request_make(op, 0, t->sub, slot);
    retsim_result res;
    assert_int_equal(retsim_registry_apply(reg, &rq, &res), 0);
    return res.outcome;
}

static void at(tiny *t, double hours)
{
    assert_int_equal(retsim_kernel_run_until(retsim_sim_kernel(t->sim), (retsim_time)(hours * H)), 0);
}

/* a, b, c created at 0, 1 h, 2 h; each deleted 4 h later (soft: retention
 * 10 h), purged automatically at 14, 15, 16 h, reserved 1 h after; the
 * run ends at 20 h. */
static void tiny_run(tiny *t, retsim_summary *s)
{
    t->sc =
        load("[scenario]\nname = tiny\n"
             "[policy.x]\nretention = 10h\nreservation = 1h\n"
             "regions = 2\nreplicas_active = 3\nreplicas_soft_deleted = 1\nprice_per_replica_hour = 0.5\n");
    t->sim = retsim_sim_create(t->sc);
    assert_non_null(t->sim);
    const char *why = NULL;
    assert_int_equal(retsim_registry_subscription(retsim_sim_registry(t->sim), "s", "", "", &t->sub, &why),
                     0);
    const char *names[] = {"a", "b", "c"};
    for (int i = 0; i < 3; i++) {
        at(t, i);
        assert_int_equal(request(t, RETSIM_OP_CREATE, names[i]), RETSIM_OUT_OK);
    }
    for (int i = 0; i < 3; i++) {
        at(t, 4 + i);
        assert_int_equal(request(t, RETSIM_OP_DELETE, names[i]), RETSIM_OUT_SOFT_DELETED);
    }
    at(t, 20);
    assert_int_equal(retsim_summary_compute(s, t->sim, NULL, 20 * H), 0);
}

static void tiny_free(tiny *t)
{
    retsim_sim_destroy(t->sim);
    retsim_scenario_destroy(t->sc);
}

static void test_summary_tiny_run_inventory(void **state)
{
    (void)state;
    tiny t;
    retsim_summary s;
    tiny_run(&t, &s);
    assert_int_equal(s.n_rows, 1);
    assert_string_equal(s.kind[0], "x");
    const double *v = s.value[0];
    assert_true(v[RETSIM_M_CREATES] == 3 && v[RETSIM_M_CREATES_OK] == 3);
    assert_true(v[RETSIM_M_DELETES_SOFT] == 3 && v[RETSIM_M_PURGES_AUTOMATIC] == 3);
    /* active: 3 x 4 h over 20 h; all three at once on [2 h, 4 h) */
    assert_true(v[RETSIM_M_ACTIVE_AVG] == 12.0 / 20.0);
    assert_true(v[RETSIM_M_ACTIVE_PEAK] == 3);
    /* soft-deleted: 3 x 10 h; all three on [6 h, 14 h) */
    assert_true(v[RETSIM_M_SOFT_DELETED_AVG] == 30.0 / 20.0);
    assert_true(v[RETSIM_M_SOFT_DELETED_PEAK] == 3);
    /* reserved: [14,15), [15,16), [16,17): back to back, never two at once */
    assert_true(v[RETSIM_M_RESERVED_AVG] == 3.0 / 20.0);
    assert_true(v[RETSIM_M_RESERVED_PEAK] == 1);
    assert_true(v[RETSIM_M_SOFT_DELETED_TIME_MEAN_H] == 10);
    assert_true(fabs(v[RETSIM_M_SOFT_DELETES_PER_DAY] - 3.0 / (20.0 / 24.0)) < 1e-12);
    /* Little's law, every window closed inside the run: L = lambda W */
    double lambda_per_h = v[RETSIM_M_PURGES_AUTOMATIC] / 20.0;
    assert_true(fabs(v[RETSIM_M_SOFT_DELETED_AVG] - lambda_per_h * v[RETSIM_M_SOFT_DELETED_TIME_MEAN_H]) <
                1e-12);
    /* a replay: no generator, so its metrics are NaN */
    assert_true(isnan(v[RETSIM_M_CREATE_INTENTS]));
    tiny_free(&t);
}

static void test_summary_tiny_run_costs(void **state)
{
    (void)state;
    tiny t;
    retsim_summary s;
    tiny_run(&t, &s);
    const double *v = s.value[0];
    /* 12 instance-hours active x 2 regions x 3 replicas; 30 soft-deleted x 2 x 1 */
    assert_true(v[RETSIM_M_REPLICA_HOURS_LIVE] == 72);
    assert_true(v[RETSIM_M_REPLICA_HOURS_RETAINED] == 60);
    assert_true(v[RETSIM_M_COST_LIVE] == 36);
    assert_true(v[RETSIM_M_COST_RETAINED] == 30);
    assert_true(v[RETSIM_M_COST_TOTAL] == 66);
    assert_true(fabs(v[RETSIM_M_RETENTION_COST_SHARE] - 30.0 / 66.0) < 1e-15);
    /* 20 h is 1/36 of 30 days */
    assert_true(fabs(v[RETSIM_M_COST_TOTAL_PER_30D] - 66.0 * 36) < 1e-9);
    assert_true(fabs(v[RETSIM_M_COST_RETAINED_PER_30D] - 30.0 * 36) < 1e-9);
    tiny_free(&t);
}

/* A tally taken at 10 h and subtracted from one at 20 h gives the counts of
 * the second half only: the three automatic purges, none of the creates. */
static void test_summary_tally_difference(void **state)
{
    (void)state;
    tiny t;
    retsim_summary s;
    tiny_run(&t, &s);
    retsim_tally *late = calloc(1, sizeof *late), *early = calloc(1, sizeof *early);
    assert_non_null(late);
    assert_non_null(early);
    retsim_tally_take(late, t.sim, NULL, -1);
    memset(early, 0, sizeof *early);
    early->counts[0][RETSIM_OP_CREATE][RETSIM_OUT_OK] = 3;
    early->counts[0][RETSIM_OP_DELETE][RETSIM_OUT_SOFT_DELETED] = 3;
    retsim_tally_subtract(late, early);
    retsim_summary half;
    retsim_summary_from_tally(&half, t.sc, late, 10 * H);
    assert_true(half.value[0][RETSIM_M_CREATES] == 0);
    assert_true(half.value[0][RETSIM_M_DELETES_SOFT] == 0);
    assert_true(half.value[0][RETSIM_M_PURGES_AUTOMATIC] == 3);
    free(late);
    free(early);
    tiny_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary_cost_is_replicas_times_regions_times_price),
        cmocka_unit_test(test_summary_tiny_run_inventory),
        cmocka_unit_test(test_summary_tiny_run_costs),
        cmocka_unit_test(test_summary_tally_difference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
