/* Terminal number formatting: every expected string is written out by hand. */
#include "retsim/format.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <float.h>
#include <math.h>
#include <string.h>

static void expect_number(double v, int decimals, const char *want)
{
    char buf[RETSIM_FORMAT_MAX];
    assert_string_equal(retsim_format_number(v, decimals, buf, sizeof buf), want);
}

static void test_format_thousands(void **state)
{
    (void)state;
    expect_number(1234567.891, 2, "1,234,567.89");
    expect_number(7284110.69, 2, "7,284,110.69");
    expect_number(123, 0, "123");
    expect_number(1234, 0, "1,234");
    expect_number(100000, 0, "100,000");
    expect_number(999.999, 2, "1,000.00"); /* the rounding carry opens a new group */
    expect_number(0.5, 1, "0.5");
}

static void test_format_negatives_and_zero(void **state)
{
    (void)state;
    expect_number(-1234.5, 2, "-1,234.50");
    expect_number(-999, 0, "-999");
    expect_number(-1000, 0, "-1,000");
    expect_number(0, 2, "0.00");
    expect_number(0, 0, "0");
    expect_number(-0.001, 2, "0.00"); /* no "-0.00" */
    expect_number(-0.0, 0, "0");
}

static void test_format_nan_and_infinity(void **state)
{
    (void)state;
    expect_number(NAN, 2, "n/a");
    expect_number(INFINITY, 2, "inf");
    expect_number(-INFINITY, 0, "-inf");
}

static void test_format_huge_without_e_notation(void **state)
{
    (void)state;
    expect_number(1.2e7, 0, "12,000,000");
    expect_number(1e20, 0, "100,000,000,000,000,000,000"); /* 1e20 is exact in a double */
    char buf[RETSIM_FORMAT_MAX];
    retsim_format_number(-DBL_MAX, 9, buf, sizeof buf);
    assert_null(strchr(buf, 'e'));
    /* 309 integer digits in 103 groups (102 commas), sign, point, 9 decimals */
    assert_int_equal(strlen(buf), 1 + 309 + 102 + 1 + 9);
    assert_memory_equal(buf, "-179,769,313,486,231,570,", 25);
}

static void test_format_small_buffer_truncates(void **state)
{
    (void)state;
    char buf[6];
    assert_string_equal(retsim_format_number(1234567, 0, buf, sizeof buf), "1,234");
    char one[1] = {'x'};
    retsim_format_number(1, 0, one, sizeof one);
    assert_int_equal(one[0], '\0');
}

static void test_format_percent(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(retsim_format_percent(0.5195, buf, sizeof buf), "51.95%");
    assert_string_equal(retsim_format_percent(-0.125, buf, sizeof buf), "-12.50%");
    assert_string_equal(retsim_format_percent(12.3456, buf, sizeof buf), "1,234.56%");
    assert_string_equal(retsim_format_percent(NAN, buf, sizeof buf), "n/a");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_thousands),
        cmocka_unit_test(test_format_negatives_and_zero),
        cmocka_unit_test(test_format_nan_and_infinity),
        cmocka_unit_test(test_format_huge_without_e_notation),
        cmocka_unit_test(test_format_small_buffer_truncates),
        cmocka_unit_test(test_format_percent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
