/* Numbered names (the generator's): their text, the rule that a registry's
 * names are all numbered or all interned, and the reuse of slots nobody can
 * name again. Each case is worked by hand from the contract in
 * include/retsim/registry.h: which slot a new name gets, and what the
 * counts and the reserved inventory say around a reuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "retsim/error.h"
#include "retsim/sim.h"

#define NONE RETSIM_NAME_NONE

/* apim: 48 h retention, the owner may reuse a purged name, others wait 7 d;
 * hard: no soft delete; gallery and image: a parent and its child. */
static const char scenario_text[] = "[scenario]\n"
                                    "name = t\n"
                                    "[policy.apim]\n"
                                    "retention = 48h\n"
                                    "reuse_after_purge = owner_subscription\n"
                                    "reservation = 7d\n"
                                    "[policy.hard]\n"
                                    "soft_delete = off\n"
                                    "[policy.gallery]\n"
                                    "name_scope = subscription\n"
                                    "soft_delete_supported = false\n"
                                    "[policy.image]\n"
                                    "parent = gallery\n"
                                    "name_scope = parent\n";

enum { APIM, HARD, GALLERY, IMAGE };

typedef struct fixture {
    retsim_scenario *sc;
    retsim_sim *sim;
    retsim_registry *reg;
    retsim_kernel *k;
    uint32_t s1, s2;
} fixture;

static int setup(void **state)
{
    static fixture f;
    memset(&f, 0, sizeof f);
    retsim_error err;
    assert_int_equal(retsim_scenario_load_string(scenario_text, "t.ini", &f.sc, &err), 0);
    assert_int_equal(retsim_scenario_kind(f.sc, "image"), IMAGE);
    f.sim = retsim_sim_create(f.sc);
    assert_non_null(f.sim);
    f.reg = retsim_sim_registry(f.sim);
    f.k = retsim_sim_kernel(f.sim);
    const char *why;
    assert_int_equal(retsim_registry_subscription(f.reg, "s1", "", "", &f.s1, &why), 0);
    assert_int_equal(retsim_registry_subscription(f.reg, "s2", "", "", &f.s2, &why), 0);
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

static uint32_t fresh(fixture *f, int kind, uint64_t n)
{
    uint32_t slot = NONE;
    assert_int_equal(retsim_registry_new_name(f->reg, kind, NONE, n, true, &slot), 0);
    return slot;
}

static retsim_outcome op(fixture *f, retsim_op o, int kind, uint32_t sub, uint32_t slot)
{
    retsim_request rq = retsim_request_make(o, kind, sub, slot);
    rq.purge_permission = true;
    retsim_result res;
    assert_int_equal(retsim_registry_apply(f->reg, &rq, &res), 0);
    return res.outcome;
}

static void run_to(fixture *f, retsim_time t)
{
    assert_int_equal(retsim_kernel_run_until(f->k, t), 0);
}

static void test_text(void **state)
{
    fixture *f = *state;
    char buf[RETSIM_REGISTRY_NAME_MAX], small[6];
    assert_string_equal(retsim_registry_slot_name(f->reg, fresh(f, APIM, 7), buf, sizeof buf), "apim-000007");
    assert_string_equal(retsim_registry_slot_name(f->reg, fresh(f, APIM, 999999), buf, sizeof buf),
                        "apim-999999");
    uint32_t big = fresh(f, HARD, 1234567);
    assert_string_equal(retsim_registry_slot_name(f->reg, big, buf, sizeof buf), "hard-1234567");
    assert_string_equal(retsim_registry_slot_name(f->reg, big, small, sizeof small), ""); /* too small */
    assert_string_equal(retsim_registry_slot_name(f->reg, NONE, buf, sizeof buf), "");
    uint32_t g, img;
    assert_int_equal(retsim_registry_new_name(f->reg, GALLERY, NONE, 3, false, &g), 0);
    assert_int_equal(retsim_registry_new_name(f->reg, IMAGE, g, 12, false, &img), 0);
    assert_string_equal(retsim_registry_slot_name(f->reg, img, buf, sizeof buf), "image-000012");
    assert_string_equal(retsim_registry_parent_path(f->reg, img, buf, sizeof buf), "gallery-000003");
}

static void test_no_mixing(void **state)
{
    fixture *f = *state;
    uint32_t slot;
    fresh(f, APIM, 1);
    assert_int_equal(retsim_registry_name(f->reg, APIM, f->s1, NONE, "apim-000002", true, &slot),
                     RETSIM_EUSAGE);
    assert_int_equal(retsim_registry_new_name(f->reg, APIM, NONE, 0, true, &slot), RETSIM_EUSAGE);
    assert_int_equal(retsim_registry_new_name(f->reg, APIM, NONE, UINT64_C(1) << 31, true, &slot),
                     RETSIM_ERANGE);
    assert_int_equal(retsim_registry_new_name(f->reg, APIM, NONE, (UINT64_C(1) << 31) - 1, true, &slot), 0);
}

static void test_interned_first(void **state)
{
    fixture *f = *state;
    uint32_t slot;
    assert_int_equal(retsim_registry_name(f->reg, APIM, f->s1, NONE, "shop", true, &slot), 0);
    assert_int_equal(retsim_registry_new_name(f->reg, APIM, NONE, 1, true, &slot), RETSIM_EUSAGE);
}

/* A hard delete purges at once: released, the slot is the next name's, and
 * the name made there starts afresh (the old owner's 7-day reservation is
 * the old name's, so s2 may create the new one). The purged count stays. */
static void test_hard_delete_reuse(void **state)
{
    fixture *f = *state;
    uint32_t a = fresh(f, HARD, 1);
    assert_int_equal(op(f, RETSIM_OP_CREATE, HARD, f->s1, a), RETSIM_OUT_OK);
    assert_int_equal(op(f, RETSIM_OP_DELETE, HARD, f->s1, a), RETSIM_OUT_HARD_DELETED);
    uint32_t b = fresh(f, HARD, 2);
    assert_int_not_equal(b, a); /* still held by the caller */
    retsim_registry_release(f->reg, a);
    uint32_t c = fresh(f, HARD, 3);
    assert_int_equal(c, a);
    char buf[RETSIM_REGISTRY_NAME_MAX];
    assert_string_equal(retsim_registry_slot_name(f->reg, c, buf, sizeof buf), "hard-000003");
    assert_int_equal(retsim_registry_state(f->reg, c), RETSIM_STATE_ABSENT);
    assert_int_equal(retsim_registry_count(f->reg, HARD, RETSIM_STATE_PURGED), 1);
    assert_int_equal(op(f, RETSIM_OP_CREATE, HARD, f->s2, c), RETSIM_OUT_OK);
    assert_int_equal(retsim_registry_slot_owner(f->reg, c), f->s2);
}

/* A name soft-deleted at 0 with nobody holding it is reused only after its
 * automatic purge at 48 h; its 7-day reservation is still counted after. */
static void test_soft_deleted_waits_for_purge(void **state)
{
    fixture *f = *state;
    uint32_t a = fresh(f, APIM, 1);
    assert_int_equal(op(f, RETSIM_OP_CREATE, APIM, f->s1, a), RETSIM_OUT_OK);
    assert_int_equal(op(f, RETSIM_OP_DELETE, APIM, f->s1, a), RETSIM_OUT_SOFT_DELETED);
    retsim_registry_release(f->reg, a);
    run_to(f, 48 * RETSIM_MS_PER_HOUR - 1);
    assert_int_not_equal(fresh(f, APIM, 2), a);
    run_to(f, 48 * RETSIM_MS_PER_HOUR);
    assert_int_equal(retsim_registry_count(f->reg, APIM, RETSIM_STATE_PURGED), 1);
    uint32_t c = fresh(f, APIM, 3);
    assert_int_equal(c, a);
    run_to(f, 3 * RETSIM_MS_PER_DAY);
    assert_int_equal(retsim_sim_inventory_now(f->sim, APIM, RETSIM_INV_RESERVED).now, 1);
    assert_int_equal(op(f, RETSIM_OP_CREATE, APIM, f->s2, c), RETSIM_OUT_OK);
    assert_int_equal(retsim_sim_inventory_now(f->sim, APIM, RETSIM_INV_RESERVED).now, 1);
    run_to(f, 9 * RETSIM_MS_PER_DAY); /* the window ran from 2 d to 9 d */
    assert_int_equal(retsim_sim_inventory_now(f->sim, APIM, RETSIM_INV_RESERVED).now, 0);
}

/* Each hold is a reference: two holds and the caller's own need three
 * releases. An ACTIVE name, an untracked name and a parent kind's name are
 * never reused. */
static void test_holds_and_exclusions(void **state)
{
    fixture *f = *state;
    uint32_t a = fresh(f, HARD, 1);
    retsim_registry_hold(f->reg, a);
    retsim_registry_hold(f->reg, a);
    retsim_registry_release(f->reg, a);
    retsim_registry_release(f->reg, a);
    assert_int_not_equal(fresh(f, HARD, 2), a);
    retsim_registry_release(f->reg, a); /* never created: ABSENT, free */
    assert_int_equal(fresh(f, HARD, 3), a);

    uint32_t live = fresh(f, APIM, 1);
    assert_int_equal(op(f, RETSIM_OP_CREATE, APIM, f->s1, live), RETSIM_OUT_OK);
    retsim_registry_release(f->reg, live);
    uint32_t untracked;
    assert_int_equal(retsim_registry_new_name(f->reg, HARD, NONE, 4, false, &untracked), 0);
    retsim_registry_release(f->reg, untracked);
    uint32_t g = fresh(f, GALLERY, 1);
    retsim_registry_release(f->reg, g);
    uint32_t next = fresh(f, HARD, 5);
    assert_int_not_equal(next, live);
    assert_int_not_equal(next, untracked);
    assert_int_not_equal(next, g);
    assert_int_equal(retsim_registry_state(f->reg, live), RETSIM_STATE_ACTIVE);
}

/* A released slot goes only to a tracked name of a reusable kind: a
 * gallery or image made meanwhile (walked in slot order by cascades) and an
 * untracked name get fresh slots, in the order they are made. */
static void test_free_slots_only_for_reusable_kinds(void **state)
{
    fixture *f = *state;
    uint32_t a = fresh(f, HARD, 1);
    retsim_registry_release(f->reg, a); /* ABSENT, nobody holds it: free */
    uint32_t g, img, untracked;
    assert_int_equal(retsim_registry_new_name(f->reg, GALLERY, NONE, 1, true, &g), 0);
    assert_int_equal(retsim_registry_new_name(f->reg, IMAGE, g, 1, true, &img), 0);
    assert_int_equal(retsim_registry_new_name(f->reg, HARD, NONE, 2, false, &untracked), 0);
    assert_int_not_equal(g, a);
    assert_int_not_equal(img, a);
    assert_int_not_equal(untracked, a);
    assert_true(g < img && img < untracked);
    assert_int_equal(fresh(f, APIM, 1), a);
}

/* 254 references and more: the count sticks and the slot is never reused. */
static void test_holds_saturate(void **state)
{
    fixture *f = *state;
    uint32_t a = fresh(f, HARD, 1);
    for (int i = 0; i < 300; i++) {
        retsim_registry_hold(f->reg, a);
    }
    for (int i = 0; i < 301; i++) {
        retsim_registry_release(f->reg, a);
    }
    assert_int_not_equal(fresh(f, HARD, 2), a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_mixing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interned_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hard_delete_reuse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_soft_deleted_waits_for_purge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_holds_and_exclusions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_slots_only_for_reusable_kinds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_holds_saturate, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
