/* The outcome counters on a hand-built set of results: counts per
 * subscription type, totals over the types, time spent soft-deleted, reset,
 * and outcomes.csv byte for byte, with and without the replication column.
 * The registry is made from policies alone (no scenario). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "retsim/metrics.h"

typedef struct fixture {
    retsim_kernel *k;
    retsim_inventories *inv;
    retsim_registry *reg;
    retsim_metrics *m;
    uint32_t payg, ea, none; /* subscriptions of type payg, ea and none given */
} fixture;

static int setup(void **state)
{
    static fixture f;
    retsim_policy p[2];
    retsim_policy_init(&p[0], "apim");
    retsim_policy_init(&p[1], "vault");
    f.k = retsim_kernel_create();
    f.inv = retsim_inventory_create(2);
    f.reg = retsim_registry_create(p, 2, f.k, f.inv);
    f.m = retsim_metrics_create(2);
    const char *why = NULL;
    if (f.reg == NULL || f.m == NULL ||
        retsim_registry_subscription(f.reg, "s1", "", "payg", &f.payg, &why) != 0 ||
        retsim_registry_subscription(f.reg, "s2", "", "ea", &f.ea, &why) != 0 ||
        retsim_registry_subscription(f.reg, "s3", "", "", &f.none, &why) != 0) {
        return -1;
    }
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    retsim_metrics_destroy(f->m);
    retsim_registry_destroy(f->reg);
    retsim_inventory_destroy(f->inv);
    retsim_kernel_destroy(f->k);
    return 0;
}

static void observe(fixture *f, int kind, retsim_op op, retsim_outcome o, uint32_t sub, retsim_state before,
                    retsim_state after, retsim_time at, retsim_time deleted)
{
    retsim_result res;
    memset(&res, 0, sizeof res);
    res.time = at;
    res.op = op;
    res.kind = kind;
    res.sub = sub;
    res.slot = RETSIM_NAME_NONE;
    res.outcome = o;
    res.before = before;
    res.after = after;
    res.deletion_time = deleted;
    res.scheduled_purge = RETSIM_TIME_NEVER;
    assert_int_equal(retsim_metrics_observe(f->m, f->reg, &res), 0);
}

/* apim: two creates by payg, one by ea, one refused (a subscription without
 * a type); vault: an ea delete that soft-deletes at 2h, the automatic purge
 * at 12h (10 h soft-deleted) and a restore at 5h of another instance
 * soft-deleted at 1h (4 h). */
static void feed(fixture *f)
{
    const retsim_time h = RETSIM_MS_PER_HOUR, never = RETSIM_TIME_NEVER;
    observe(f, 0, RETSIM_OP_CREATE, RETSIM_OUT_OK, f->payg, RETSIM_STATE_ABSENT, RETSIM_STATE_ACTIVE, 0,
            never);
    observe(f, 0, RETSIM_OP_CREATE, RETSIM_OUT_OK, f->payg, RETSIM_STATE_ABSENT, RETSIM_STATE_ACTIVE, 0,
            never);
    observe(f, 0, RETSIM_OP_CREATE, RETSIM_OUT_OK, f->ea, RETSIM_STATE_ABSENT, RETSIM_STATE_ACTIVE, 0, never);
    observe(f, 0, RETSIM_OP_CREATE, RETSIM_OUT_CONFLICT_ACTIVE, f->none, RETSIM_STATE_ACTIVE,
            RETSIM_STATE_ACTIVE, h, never);
    observe(f, 1, RETSIM_OP_DELETE, RETSIM_OUT_SOFT_DELETED, f->ea, RETSIM_STATE_ACTIVE,
            RETSIM_STATE_SOFT_DELETED, 2 * h, 2 * h);
    observe(f, 1, RETSIM_OP_RESTORE, RETSIM_OUT_OK, f->ea, RETSIM_STATE_SOFT_DELETED, RETSIM_STATE_ACTIVE,
            5 * h, 1 * h);
    observe(f, 1, RETSIM_OP_AUTO_PURGE, RETSIM_OUT_OK, f->ea, RETSIM_STATE_SOFT_DELETED, RETSIM_STATE_PURGED,
            12 * h, 2 * h);
}

static void test_metrics_counts_by_type_and_totals(void **state)
{
    fixture *f = *state;
    retsim_metrics_reset(f->m);
    feed(f);
    uint32_t payg = retsim_registry_sub_type(f->reg, f->payg);
    uint32_t ea = retsim_registry_sub_type(f->reg, f->ea);
    assert_int_equal(retsim_registry_sub_type(f->reg, f->none), 0);
    assert_int_equal(retsim_metrics_count(f->m, 0, RETSIM_OP_CREATE, RETSIM_OUT_OK, payg), 2);
    assert_int_equal(retsim_metrics_count(f->m, 0, RETSIM_OP_CREATE, RETSIM_OUT_OK, ea), 1);
    assert_int_equal(retsim_metrics_count(f->m, 0, RETSIM_OP_CREATE, RETSIM_OUT_OK, 0), 0);
    assert_int_equal(retsim_metrics_count(f->m, 0, RETSIM_OP_CREATE, RETSIM_OUT_CONFLICT_ACTIVE, 0), 1);
    assert_int_equal(retsim_metrics_total(f->m, 0, RETSIM_OP_CREATE, RETSIM_OUT_OK), 3);
    assert_int_equal(retsim_metrics_total(f->m, 0, RETSIM_OP_CREATE, RETSIM_OUT_CONFLICT_ACTIVE), 1);
    assert_int_equal(retsim_metrics_total(f->m, 1, RETSIM_OP_CREATE, RETSIM_OUT_OK), 0);
    assert_int_equal(retsim_metrics_total(f->m, 1, RETSIM_OP_AUTO_PURGE, RETSIM_OUT_OK), 1);
    /* a type never met counts nothing (and is not an error) */
    assert_int_equal(retsim_metrics_count(f->m, 0, RETSIM_OP_CREATE, RETSIM_OUT_OK, 99), 0);
}

/* Only results that leave SOFT_DELETED count: the restore (4 h) and the
 * automatic purge (10 h); the delete that enters it does not. */
static void test_metrics_soft_deleted_time(void **state)
{
    fixture *f = *state;
    retsim_metrics_reset(f->m);
    feed(f);
    const double h = (double)RETSIM_MS_PER_HOUR;
    retsim_sojourn v = retsim_metrics_soft_deleted_time(f->m, 1);
    assert_int_equal(v.n, 2);
    assert_true(v.sum_ms == 14 * h);
    assert_true(v.sum_sq_ms == 16 * h * h + 100 * h * h);
    assert_int_equal(retsim_metrics_soft_deleted_time(f->m, 0).n, 0);
    retsim_sojourn all = retsim_metrics_soft_deleted_time(f->m, -1);
    assert_int_equal(all.n, 2);
    assert_true(all.sum_ms == 14 * h);
}

static void test_metrics_reset_zeroes_everything(void **state)
{
    fixture *f = *state;
    feed(f);
    retsim_metrics_reset(f->m);
    for (int k = 0; k < 2; k++) {
        for (int op = 0; op < RETSIM_OP_COUNT; op++) {
            for (int o = 0; o < RETSIM_OUT_COUNT; o++) {
                assert_int_equal(retsim_metrics_total(f->m, k, (retsim_op)op, (retsim_outcome)o), 0);
            }
        }
    }
    assert_int_equal(retsim_metrics_soft_deleted_time(f->m, -1).n, 0);
    assert_true(retsim_metrics_soft_deleted_time(f->m, -1).sum_ms == 0);
}

/* Everything written to a FILE, as a string the caller frees. */
static char *written(fixture *f, int how, long replication)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    assert_non_null(out);
    if (how == 0) {
        assert_int_equal(retsim_metrics_write_outcomes(f->m, f->reg, out), 0);
    } else {
        uint32_t rep = (uint32_t)replication;
        retsim_metrics_write_outcomes_header(out, replication >= 0);
        assert_int_equal(retsim_metrics_write_outcome_rows(f->m, f->reg, out, replication >= 0 ? &rep : NULL),
                         0);
    }
    fclose(out);
    return buf;
}

/* Rows by kind (policy order), op and outcome (declaration order), then type
 * by name ("" < "ea" < "payg"), zero counts left out. */
static void test_metrics_outcomes_csv_bytes(void **state)
{
    fixture *f = *state;
    retsim_metrics_reset(f->m);
    feed(f);
    static const char rows[] = "apim,create,ok,ea,1\n"
                               "apim,create,ok,payg,2\n"
                               "apim,create,conflict_active,,1\n"
                               "vault,delete,soft_deleted,ea,1\n"
                               "vault,restore,ok,ea,1\n"
                               "vault,auto_purge,ok,ea,1\n";
    char *plain = written(f, 0, -1);
    char expected[512];
    snprintf(expected, sizeof expected, "kind,op,outcome,sub_type,count\n%s", rows);
    assert_string_equal(plain, expected);
    free(plain);
    char *rows_only = written(f, 1, -1);
    assert_string_equal(rows_only, expected);
    free(rows_only);
    char *with = written(f, 1, 3);
    assert_string_equal(with, "replication,kind,op,outcome,sub_type,count\n"
                              "3,apim,create,ok,ea,1\n"
                              "3,apim,create,ok,payg,2\n"
                              "3,apim,create,conflict_active,,1\n"
                              "3,vault,delete,soft_deleted,ea,1\n"
                              "3,vault,restore,ok,ea,1\n"
                              "3,vault,auto_purge,ok,ea,1\n");
    free(with);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metrics_counts_by_type_and_totals),
        cmocka_unit_test(test_metrics_soft_deleted_time),
        cmocka_unit_test(test_metrics_reset_zeroes_everything),
        cmocka_unit_test(test_metrics_outcomes_csv_bytes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
