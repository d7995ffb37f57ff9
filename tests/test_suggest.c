/* "Did you mean": edit distances worked by hand, and the choice of the nearest word. */
#include "helpers.h"

#include "retsim/suggest.h"

static void test_edit_distance(void **state)
{
    (void)state;
    assert_int_equal(retsim_edit_distance("abc", "abc"), 0);
    assert_int_equal(retsim_edit_distance("", "abc"), 3);                /* three insertions */
    assert_int_equal(retsim_edit_distance("abc", ""), 3);                /* three deletions */
    assert_int_equal(retsim_edit_distance("kitten", "sitting"), 3);      /* k->s, e->i, +g */
    assert_int_equal(retsim_edit_distance("retnetion", "retention"), 1); /* one swap of neighbours */
    assert_int_equal(retsim_edit_distance("rnu", "run"), 1);
    assert_int_equal(retsim_edit_distance("--otu", "--out"), 1);
    /* optimal string alignment, not full Damerau: no edit of a swapped pair ("ca" -> "ac" -> "abc") */
    assert_int_equal(retsim_edit_distance("ca", "abc"), 3);
    char longer[RETSIM_SUGGEST_MAX + 2];
    memset(longer, 'a', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    assert_int_equal(retsim_edit_distance(longer, "a"), RETSIM_SUGGEST_MAX + 1);
}

static void test_suggest(void **state)
{
    (void)state;
    const char *const options[] = {"--out", "--seed", "--set", "--force"};
    assert_string_equal(retsim_suggest("--otu", options, 4, 2), "--out");
    assert_string_equal(retsim_suggest("--froce", options, 4, 2), "--force");
    assert_null(retsim_suggest("--replications", options, 4, 2)); /* nothing near */
    assert_null(retsim_suggest("--out", options, 4, 2));          /* it is one of them */
    /* "--se" is 1 from "--set" (one insertion) and 2 from "--seed" */
    assert_string_equal(retsim_suggest("--se", options, 4, 2), "--set");
    const char *const tie[] = {"ab", "ba"};
    assert_string_equal(retsim_suggest("aa", tie, 2, 2), "ab"); /* equally near: the first */
    assert_null(retsim_suggest("x", NULL, 0, 2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edit_distance),
        cmocka_unit_test(test_suggest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
