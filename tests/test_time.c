/* Durations and timestamps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
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
    static const char *bad[] = {"",     "5",  "-5h", "1.5h", "h",  "2h1d",   "1h1h",
                                "48 h", "1y", "5hx", " 5h",  "ms", "1m1ms1s"};
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

/* 1,000 years of 365 days: 365000 * 86400000 ms, worked by hand. */
#define THOUSAND_YEARS_MS INT64_C(31536000000000)

static void test_time_max_is_one_rule_for_every_unit(void **state)
{
    (void)state;
    assert_int_equal(RETSIM_TIME_MAX, THOUSAND_YEARS_MS);
    static const struct {
        const char *text;
        retsim_time ms;
    } ok[] = {
        {"365000d", THOUSAND_YEARS_MS},
        {"31536000000000ms", THOUSAND_YEARS_MS},
        {"8760000h", THOUSAND_YEARS_MS},
        {"52142w6d", THOUSAND_YEARS_MS}, /* 52142 * 7 + 6 = 365000 days */
        {"364999d23h59m59s999ms", THOUSAND_YEARS_MS - 1},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        retsim_time t = -1;
        assert_int_equal(retsim_time_parse(ok[i].text, &t, NULL), 0);
        assert_int_equal(t, ok[i].ms);
    }
    /* one past the maximum, however it is spelt, and INT64_MAX both ways */
    static const char *too_long[] = {"365000d1ms",
                                     "31536000000001ms",
                                     "52143w",
                                     "8760000h0m0s1ms",
                                     "106751991167d7h12m55s807ms",
                                     "9223372036854775807ms",
                                     "9223372036854775808ms",
                                     "99999999999999999999999999999999d",
                                     "1w99999999999999999999999999999999ms"};
    for (size_t i = 0; i < sizeof too_long / sizeof too_long[0]; i++) {
        retsim_time t = 7;
        const char *why = NULL;
        assert_int_equal(retsim_time_parse(too_long[i], &t, &why), RETSIM_ERANGE);
        assert_int_equal(t, 7);
        assert_non_null(why);
        assert_non_null(strstr(why, "365000d"));
    }
}

static void test_time_from_double_clamps(void **state)
{
    (void)state;
    assert_int_equal(retsim_time_from_double(0.0), 0);
    assert_int_equal(retsim_time_from_double(-3.0), 0);
    assert_int_equal(retsim_time_from_double(NAN), 0);
    assert_int_equal(retsim_time_from_double(1.4), 1);
    assert_int_equal(retsim_time_from_double(2.5), 3); /* halves round away from zero */
    assert_int_equal(retsim_time_from_double(86400000.0), 86400000);
    assert_int_equal(retsim_time_from_double(3.2e13), THOUSAND_YEARS_MS);
    assert_int_equal(retsim_time_from_double(1e300), THOUSAND_YEARS_MS);
    assert_int_equal(retsim_time_from_double(INFINITY), THOUSAND_YEARS_MS);
}

/* The rounding is llround's (half away from zero) for every value in range,
 * the libm function being the reference: the half-way points, their
 * neighbours either side, tiny values, and log-uniform draws up to the cap. */
static void check_round(double ms)
{
    if (ms > 0 && ms < 3.0e13 && retsim_time_from_double(ms) != (retsim_time)llround(ms)) {
        fail_msg("%.17g: got %lld, llround %lld", ms, (long long)retsim_time_from_double(ms),
                 (long long)llround(ms));
    }
}

static void test_time_from_double_rounds_as_llround(void **state)
{
    (void)state;
    assert_int_equal(retsim_time_from_double(nextafter(0.5, 0)), 0);
    assert_int_equal(retsim_time_from_double(0.5), 1);
    assert_int_equal(retsim_time_from_double(nextafter(2.5, 0)), 2);
    assert_int_equal(retsim_time_from_double(1e-300), 0);
    uint64_t x = UINT64_C(88172645463325252);
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13; /* xorshift64 */
        x ^= x >> 7;
        x ^= x << 17;
        double ms = exp((double)(x >> 11) / 9007199254740992.0 * log(3.0e13) - 5.0);
        double half = floor(ms) + 0.5;
        check_round(ms);
        check_round(half);
        check_round(nextafter(half, 0));
        check_round(nextafter(half, INFINITY));
    }
}

static void test_time_add_saturates(void **state)
{
    (void)state;
    assert_int_equal(retsim_time_add(5, 7), 12);
    assert_int_equal(retsim_time_add(THOUSAND_YEARS_MS, THOUSAND_YEARS_MS), 2 * THOUSAND_YEARS_MS);
    assert_int_equal(retsim_time_add(RETSIM_TIME_NEVER, 1), RETSIM_TIME_NEVER);
    assert_int_equal(retsim_time_add(1, RETSIM_TIME_NEVER), RETSIM_TIME_NEVER);
    assert_int_equal(retsim_time_add(RETSIM_TIME_NEVER - 10, 10), RETSIM_TIME_NEVER);
    assert_int_equal(retsim_time_add(-5, INT64_MIN), INT64_MIN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_parses_every_unit),
        cmocka_unit_test(test_time_rejects_malformed),
        cmocka_unit_test(test_time_format_round_trips),
        cmocka_unit_test(test_time_iso8601),
        cmocka_unit_test(test_time_max_is_one_rule_for_every_unit),
        cmocka_unit_test(test_time_from_double_clamps),
        cmocka_unit_test(test_time_from_double_rounds_as_llround),
        cmocka_unit_test(test_time_add_saturates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
