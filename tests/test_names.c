/* The interning table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "retsim/names.h"

static void test_names_intern_is_idempotent_per_namespace(void **state)
{
    (void)state;
    retsim_names *t = retsim_names_create();
    uint32_t a, b, c, d;
    assert_int_equal(retsim_names_intern(t, 1, "contoso", 7, &a), 0);
    assert_int_equal(retsim_names_intern(t, 1, "contoso", 7, &b), 0);
    assert_int_equal(retsim_names_intern(t, 2, "contoso", 7, &c), 0);
    assert_int_equal(retsim_names_intern(t, 1, "contos", 6, &d), 0);
    assert_int_equal(a, b);
    assert_int_not_equal(a, c);
    assert_int_not_equal(a, d);
    assert_int_equal(a, 0); /* ids in first-seen order */
    assert_int_equal(c, 1);
    assert_int_equal(retsim_names_find(t, 2, "contoso", 7), c);
    assert_int_equal(retsim_names_find(t, 3, "contoso", 7), RETSIM_NAME_NONE);
    assert_string_equal(retsim_names_str(t, d), "contos");
    assert_int_equal(retsim_names_ns(t, c), 2);
    retsim_names_destroy(t);
}

static void test_names_survive_growth(void **state)
{
    (void)state;
    retsim_names *t = retsim_names_create();
    enum { N = 100000 };
    char buf[32];
    for (uint32_t i = 0; i < N; i++) {
        int len = snprintf(buf, sizeof buf, "name-%u", i);
        uint32_t id;
        assert_int_equal(retsim_names_intern(t, i % 7, buf, (size_t)len, &id), 0);
        assert_int_equal(id, i);
    }
    assert_int_equal(retsim_names_count(t), N);
    for (uint32_t i = 0; i < N; i += 997) {
        int len = snprintf(buf, sizeof buf, "name-%u", i);
        assert_int_equal(retsim_names_find(t, i % 7, buf, (size_t)len), i);
        assert_int_equal(retsim_names_find(t, (i + 1) % 7, buf, (size_t)len), RETSIM_NAME_NONE);
        assert_string_equal(retsim_names_str(t, i), buf);
        assert_int_equal(retsim_names_len(t, i), (size_t)len);
    }
    retsim_names_destroy(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_intern_is_idempotent_per_namespace),
        cmocka_unit_test(test_names_survive_growth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
