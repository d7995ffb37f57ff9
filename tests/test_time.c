/* Durations and timestamps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "retsim/error.h"
#include "retsim/time.h"

static void test_time_parses_every_unit(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        retsim_time ms;
    } cases[] = {
        {"0", 0},
        {"1ms", 1},
        {"90s", 90000},
        {"30m", 1800000},
        {"48h", 172800000},
        {"7d", 604800000},
        {"2w", 1209600000},
        {"1d2h", 93600000},
        {"48h59m59s999ms", 176399999},
        {"1w1d1h1m1s1ms", 694861001},
        {"0s", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        retsim_time t = -1;
        assert_int_equal(retsim_time_parse(cases[i].text, &t, NULL), 0);
        assert_int_equal(t, cases[i].ms);
    }
}

static void test_time_rejects_malformed(void **state)
{
    (void)state;
    static const char *bad[] = {"",     "5",  "-5h", "1.5h", "h",  "2h1d",    "1h1h",
                                "48 h", "1y", "5hx", " 5h",  "ms", "1m1ms1s", "99999999999999999999d"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        retsim_time t = 0;
        const char *why = NULL;
        assert_int_equal(retsim_time_parse(bad[i], &t, &why), RETSIM_EINPUT);
        assert_non_null(why);
    }
}

static void test_time_format_round_trips(void **state)
{
    (void)state;
    static const retsim_time values[] = {
        0, 1, 999, 1000, 90000, 172800000, 176399999, 694861001, INT64_C(31536000000)};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char buf[64];
        retsim_time_format(values[i], buf, sizeof buf);
        retsim_time back = -1;
        assert_int_equal(retsim_time_parse(buf, &back, NULL), 0);
        assert_int_equal(back, values[i]);
    }
    char buf[64];
    retsim_time_format(93600000, buf, sizeof buf);
    assert_string_equal(buf, "1d2h");
    retsim_time_format(-5000, buf, sizeof buf);
    assert_string_equal(buf, "-5s");
}

static void test_time_iso8601(void **state)
{
    (void)state;
    int64_t ms = 0;
    assert_int_equal(retsim_time_parse_iso8601("1970-01-01T00:00:00Z", &ms, NULL), 0);
    assert_int_equal(ms, 0);
    /* 2024-11-24 is day 20051 since the epoch (2024-01-01 is 19723, + 328 days) */
    assert_int_equal(retsim_time_parse_iso8601("2024-11-24T19:40:50.1Z", &ms, NULL), 0);
    assert_int_equal(ms, INT64_C(20051) * 86400000 + (19 * 3600 + 40 * 60 + 50) * INT64_C(1000) + 100);
    assert_int_equal(retsim_time_parse_iso8601("2024-02-29 00:00:00+00:00", &ms, NULL), 0);
    assert_int_equal(retsim_time_parse_iso8601("2023-02-29T00:00:00Z", &ms, NULL), RETSIM_EINPUT);
    assert_int_equal(retsim_time_parse_iso8601("2024-11-24T19:40:50+01:00", &ms, NULL), RETSIM_EINPUT);
    assert_int_equal(retsim_time_parse_iso8601("2024-11-24", &ms, NULL), RETSIM_EINPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_parses_every_unit),
        cmocka_unit_test(test_time_rejects_malformed),
        cmocka_unit_test(test_time_format_round_trips),
        cmocka_unit_test(test_time_iso8601),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
