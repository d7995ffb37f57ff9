/* ISO-8601 instants written back: known instants by hand, and a round trip
 * through the reader over four centuries. */
#include "retsim/time.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

static void expect_iso(int64_t ms, const char *want)
{
    char buf[64];
    assert_int_equal(retsim_time_format_iso8601(ms, buf, sizeof buf), strlen(want));
    assert_string_equal(buf, want);
}

static void test_iso_known_instants(void **state)
{
    (void)state;
    expect_iso(0, "1970-01-01T00:00:00Z");
    /* 2000-01-01 is day 10957; + 31 (January) + 29 (a leap February) = 11017 days */
    expect_iso(INT64_C(11017) * 86400000, "2000-03-01T00:00:00Z");
    expect_iso(INT64_C(11017) * 86400000 - 1, "2000-02-29T23:59:59.999Z");
    expect_iso(-1000, "1969-12-31T23:59:59Z");
    expect_iso(1234, "1970-01-01T00:00:01.234Z");
    /* the example of the issue: 2026-03-01 is day 20513 (56 years, 14 leap days, + 59) */
    expect_iso(INT64_C(20513) * 86400000 + 10 * 3600000, "2026-03-01T10:00:00Z");
}

static void test_iso_round_trip(void **state)
{
    (void)state;
    /* 1900 to 2300 in steps that are not whole days, hours or seconds */
    for (int64_t ms = INT64_C(-2208988800000); ms < INT64_C(10413792000000);
         ms += INT64_C(7919) * 1000 * 977 + 13) {
        char buf[64];
        int64_t back = 0;
        retsim_time_format_iso8601(ms, buf, sizeof buf);
        if (retsim_time_parse_iso8601(buf, &back, NULL) != 0 || back != ms) {
            fail_msg("%lld -> %s -> %lld", (long long)ms, buf, (long long)back);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iso_known_instants),
        cmocka_unit_test(test_iso_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
