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

/* The hash reads words and overlapping tails: every prefix of a string
 * (lengths 0 to 40, across each word boundary), strings of NULs that differ
 * only in length, and a byte changed at each position must all be told
 * apart, and each found again. */
static void test_names_tell_apart_prefixes_and_tails(void **state)
{
    (void)state;
    retsim_names *t = retsim_names_create();
    static const char text[] = "abcdefghijklmnopqrstuvwxyz0123456789ABCD";
    static const char zeros[16] = {0};
    enum { L = 40 };
    uint32_t id;
    for (size_t len = 0; len <= L; len++) {
        assert_int_equal(retsim_names_intern(t, 5, text, len, &id), 0);
        assert_int_equal(id, len); /* new each time: ids 0..40 */
    }
    for (size_t len = 1; len <= 16; len++) {
        assert_int_equal(retsim_names_intern(t, 5, zeros, len, &id), 0);
        assert_int_equal(id, L + len);
    }
    char changed[L];
    for (size_t at = 0; at < L; at++) {
        memcpy(changed, text, L);
        changed[at] = '#';
        assert_int_equal(retsim_names_intern(t, 5, changed, L, &id), 0);
        assert_int_equal(id, L + 16 + 1 + at);
    }
    for (size_t len = 0; len <= L; len++) {
        assert_int_equal(retsim_names_find(t, 5, text, len), len);
        assert_int_equal(retsim_names_len(t, (uint32_t)len), len);
    }
    for (size_t len = 1; len <= 16; len++) {
        assert_int_equal(retsim_names_find(t, 5, zeros, len), L + len);
    }
    assert_int_equal(retsim_names_count(t), L + 1 + 16 + L);
    retsim_names_destroy(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_intern_is_idempotent_per_namespace),
        cmocka_unit_test(test_names_survive_growth),
        cmocka_unit_test(test_names_tell_apart_prefixes_and_tails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
