/* Policies: the documented defaults, reservation windows by subscription
 * type, API versions (order, parse, print), enum names; and, through a
 * registry made from policies alone, a policy change applied (to the
 * registry's copy only) and the soft-delete switch inherited from a parent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "retsim/error.h"
#include "retsim/registry.h"

static void test_policy_defaults(void **state)
{
    (void)state;
    retsim_policy p;
    memset(&p, 0x5a, sizeof p); /* init must set everything, not rely on zeroed memory */
    retsim_policy_init(&p, "apim");
    assert_string_equal(p.kind, "apim");
    assert_string_equal(p.parent_kind, "");
    assert_int_equal(p.parent, -1);
    assert_int_equal(p.name_scope, RETSIM_SCOPE_GLOBAL);
    assert_true(p.soft_delete_supported && p.soft_delete);
    assert_int_equal(p.retention_ms, 48 * RETSIM_MS_PER_HOUR);
    assert_true(p.retention_mutable);
    assert_int_equal(p.retention_change_applies_to, RETSIM_APPLIES_NEW_DELETES);
    assert_int_equal(p.min_api_version, RETSIM_APIVER_ANY);
    assert_int_equal(p.recover_min_api_version, RETSIM_APIVER_ANY);
    assert_int_equal(p.reuse_after_purge, RETSIM_REUSE_ANYONE);
    assert_int_equal(p.reservation_ms, 0);
    assert_false(p.reservation_drawn);
    assert_int_equal(p.retention_set_at, RETSIM_RETENTION_AT_KIND);
    assert_int_equal(p.retention_min, 0); /* no bound either way */
    assert_int_equal(p.retention_max, RETSIM_TIME_NEVER);
    assert_true(retsim_policy_retention_ok(&p, 1) && retsim_policy_retention_ok(&p, RETSIM_TIME_MAX));
    assert_false(p.force_delete);
    assert_false(p.restore_needs_permission);
    assert_int_equal(p.n_reservations, 0);
    assert_true(p.purge_supported);
    assert_false(p.purge_needs_permission);
    assert_false(p.purge_protection);
    assert_int_equal(p.children_block_delete, RETSIM_CHILDREN_BLOCK_NONE);
    assert_int_equal(p.regions, 1);
    assert_int_equal(p.replicas_active, 0); /* no replicas, so no cost, unless declared */
    assert_int_equal(p.replicas_soft_deleted, 0);
    assert_true(p.price_per_replica_hour == 0);
    /* a kind name longer than the field is cut, and still terminated */
    char longname[2 * RETSIM_KIND_NAME_MAX];
    memset(longname, 'k', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    retsim_policy_init(&p, longname);
    assert_int_equal(strlen(p.kind), RETSIM_KIND_NAME_MAX - 1);
}

static void test_policy_reservation_by_subscription_type(void **state)
{
    (void)state;
    retsim_policy p;
    retsim_policy_init(&p, "apim");
    p.reservation_ms = 7 * RETSIM_MS_PER_DAY;
    snprintf(p.reservations[0].sub_type, sizeof p.reservations[0].sub_type, "free");
    p.reservations[0].ms = 30 * RETSIM_MS_PER_DAY;
    p.n_reservations = 1;
    assert_int_equal(retsim_policy_reservation(&p, "free"), 30 * RETSIM_MS_PER_DAY);
    assert_int_equal(retsim_policy_reservation(&p, "ea"), 7 * RETSIM_MS_PER_DAY);
    assert_int_equal(retsim_policy_reservation(&p, ""), 7 * RETSIM_MS_PER_DAY);
    assert_int_equal(retsim_policy_reservation(&p, NULL), 7 * RETSIM_MS_PER_DAY);
}

static void test_policy_api_versions(void **state)
{
    (void)state;
    int32_t pre, rel, next;
    const char *why = NULL;
    assert_int_equal(retsim_apiver_parse("2020-06-01-preview", &pre, &why), 0);
    assert_int_equal(retsim_apiver_parse("2020-06-01", &rel, &why), 0);
    assert_int_equal(retsim_apiver_parse("2020-06-02-preview", &next, &why), 0);
    assert_int_equal(rel, 20200601 * 2 + 1); /* yyyymmdd x 2 + released */
    assert_true(RETSIM_APIVER_ANY < pre && pre < rel && rel < next && next < RETSIM_APIVER_CURRENT);
    assert_int_equal(retsim_apiver_parse("", &rel, &why), 0);
    assert_int_equal(rel, RETSIM_APIVER_CURRENT);
    const char *bad[] = {"2020-13-01", "2020-06-00", "2020-06-01-", "20-06-01", "2020/06/01", "2020-06-01x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        why = NULL;
        assert_int_equal(retsim_apiver_parse(bad[i], &rel, &why), RETSIM_EINPUT);
        assert_non_null(why);
    }
    char buf[32];
    assert_string_equal(retsim_apiver_format(pre, buf, sizeof buf), "2020-06-01-preview");
    assert_string_equal(retsim_apiver_format(20240303 * 2 + 1, buf, sizeof buf), "2024-03-03");
    assert_string_equal(retsim_apiver_format(RETSIM_APIVER_ANY, buf, sizeof buf), "");
}

static void test_policy_names(void **state)
{
    (void)state;
    assert_string_equal(retsim_scope_name(RETSIM_SCOPE_PARENT), "parent");
    assert_string_equal(retsim_reuse_name(RETSIM_REUSE_OWNER_TENANT), "owner_tenant");
    assert_string_equal(retsim_children_block_name(RETSIM_CHILDREN_BLOCK_SOFT_DELETED), "soft_deleted");
    for (int a = RETSIM_APPLIES_NEW_DELETES; a <= RETSIM_APPLIES_ALL_SOFT_DELETED; a++) {
        retsim_applies_to back;
        assert_int_equal(retsim_applies_to_parse(retsim_applies_to_name((retsim_applies_to)a), &back), 0);
        assert_int_equal(back, a);
    }
    retsim_applies_to x;
    assert_int_equal(retsim_applies_to_parse("all", &x), RETSIM_EINPUT);
}

/* A registry over hand-made policies. */
typedef struct reg_fixture {
    retsim_kernel *k;
    retsim_inventories *inv;
    retsim_registry *reg;
    uint32_t sub;
} reg_fixture;

static void reg_open(reg_fixture *f, const retsim_policy *p, int n)
{
    f->k = retsim_kernel_create();
    f->inv = retsim_inventory_create(n);
    f->reg = retsim_registry_create(p, n, f->k, f->inv);
    assert_non_null(f->reg);
    const char *why = NULL;
    assert_int_equal(retsim_registry_subscription(f->reg, "s", "", "", &f->sub, &why), 0);
}

static void reg_close(reg_fixture *f)
{
    retsim_registry_destroy(f->reg);
    retsim_inventory_destroy(f->inv);
    retsim_kernel_destroy(f->k);
}

static retsim_outcome apply(reg_fixture *f, retsim_request *rq)
{
    retsim_result res;
    assert_int_equal(retsim_registry_apply(f->reg, rq, &res), 0);
    return res.outcome;
}

static retsim_outcome op(reg_fixture *f, retsim_op o, int kind, uint32_t slot, int soft_delete_switch)
{
    retsim_request rq = retsim_request_make(o, kind, f->sub, slot);
    rq.soft_delete_switch = soft_delete_switch;
    return apply(f, &rq);
}

static uint32_t name(reg_fixture *f, int kind, uint32_t parent, const char *text)
{
    uint32_t slot;
    assert_int_equal(retsim_registry_name(f->reg, kind, f->sub, parent, text, true, &slot), 0);
    return slot;
}

/* A kind-wide retention change that applies to every soft-deleted instance
 * moves their purge (deleted at 0 with 48 h, purged at 1 h); the caller's
 * policy is not touched, only the registry's copy. */
static void test_policy_change_applied(void **state)
{
    (void)state;
    retsim_policy p;
    retsim_policy_init(&p, "x");
    reg_fixture f;
    reg_open(&f, &p, 1);
    uint32_t a = name(&f, 0, RETSIM_NAME_NONE, "a");
    assert_int_equal(op(&f, RETSIM_OP_CREATE, 0, a, -1), RETSIM_OUT_OK);
    assert_int_equal(op(&f, RETSIM_OP_DELETE, 0, a, -1), RETSIM_OUT_SOFT_DELETED);
    retsim_request rq = retsim_request_make(RETSIM_OP_SET_POLICY, 0, f.sub, RETSIM_NAME_NONE);
    rq.named = false;
    rq.change.set = RETSIM_CHANGE_RETENTION | RETSIM_CHANGE_APPLIES_TO;
    rq.change.retention_ms = RETSIM_MS_PER_HOUR;
    rq.change.applies_to = RETSIM_APPLIES_ALL_SOFT_DELETED;
    assert_int_equal(apply(&f, &rq), RETSIM_OUT_OK);
    assert_int_equal(retsim_registry_policy(f.reg, 0)->retention_ms, RETSIM_MS_PER_HOUR);
    assert_int_equal(p.retention_ms, 48 * RETSIM_MS_PER_HOUR);
    assert_int_equal(retsim_kernel_run_until(f.k, RETSIM_MS_PER_HOUR - 1), 0);
    assert_int_equal(retsim_registry_state(f.reg, a), RETSIM_STATE_SOFT_DELETED);
    assert_int_equal(retsim_kernel_run_until(f.k, RETSIM_MS_PER_HOUR), 0);
    assert_int_equal(retsim_registry_state(f.reg, a), RETSIM_STATE_PURGED);
    /* a retention that may not change: rejected, and nothing changes */
    reg_close(&f);
    p.retention_mutable = false;
    reg_open(&f, &p, 1);
    assert_int_equal(apply(&f, &rq), RETSIM_OUT_REJECTED);
    assert_int_equal(retsim_registry_policy(f.reg, 0)->retention_ms, 48 * RETSIM_MS_PER_HOUR);
    reg_close(&f);
}

/* An image's delete is soft when its gallery says so, whatever the image
 * kind's own switch; a gallery that says nothing leaves it to the kind. */
static void test_policy_switch_inherited_from_parent(void **state)
{
    (void)state;
    retsim_policy p[2];
    retsim_policy_init(&p[0], "gallery");
    p[0].soft_delete_supported = false;
    p[0].name_scope = RETSIM_SCOPE_SUBSCRIPTION;
    retsim_policy_init(&p[1], "image");
    p[1].parent = 0;
    p[1].name_scope = RETSIM_SCOPE_PARENT;
    p[1].soft_delete = false; /* kind-wide off */
    reg_fixture f;
    reg_open(&f, p, 2);
    const char *galleries[] = {"on", "off", "inherit"};
    const int switches[] = {1, 0, -1};
    const retsim_outcome expected[] = {RETSIM_OUT_SOFT_DELETED, RETSIM_OUT_HARD_DELETED,
                                       RETSIM_OUT_HARD_DELETED};
    for (int i = 0; i < 3; i++) {
        uint32_t g = name(&f, 0, RETSIM_NAME_NONE, galleries[i]);
        assert_int_equal(op(&f, RETSIM_OP_CREATE, 0, g, switches[i]), RETSIM_OUT_OK);
        uint32_t img = name(&f, 1, g, "img");
        assert_int_equal(op(&f, RETSIM_OP_CREATE, 1, img, -1), RETSIM_OUT_OK);
        assert_int_equal(op(&f, RETSIM_OP_DELETE, 1, img, -1), expected[i]);
    }
    /* the kind-wide switch turned on reaches the gallery that says nothing */
    retsim_request rq = retsim_request_make(RETSIM_OP_SET_POLICY, 1, f.sub, RETSIM_NAME_NONE);
    rq.named = false;
    rq.change.set = RETSIM_CHANGE_SOFT_DELETE;
    rq.change.soft_delete = true;
    assert_int_equal(apply(&f, &rq), RETSIM_OUT_OK);
    uint32_t img = name(&f, 1, name(&f, 0, RETSIM_NAME_NONE, "inherit"), "img2");
    assert_int_equal(op(&f, RETSIM_OP_CREATE, 1, img, -1), RETSIM_OUT_OK);
    assert_int_equal(op(&f, RETSIM_OP_DELETE, 1, img, -1), RETSIM_OUT_SOFT_DELETED);
    reg_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy_defaults),
        cmocka_unit_test(test_policy_reservation_by_subscription_type),
        cmocka_unit_test(test_policy_api_versions),
        cmocka_unit_test(test_policy_names),
        cmocka_unit_test(test_policy_change_applied),
        cmocka_unit_test(test_policy_switch_inherited_from_parent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
