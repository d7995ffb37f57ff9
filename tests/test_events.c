/* events.csv's hand-made number text, against printf's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "retsim/events.h"

/* Every digit count from 1 to 12 at its edges (10^k - 1, 10^k, 10^k + 1)
 * as a whole number of days, "<n>d": the digits are counted, not looped
 * for, so each edge is where a count could be one off. */
static void test_events_time_days_at_every_digit_edge(void **state)
{
    (void)state;
    char got[64], want[64];
    uint64_t p = 1;
    for (int k = 0; k <= 11; k++, p *= 10) {
        for (int d = -1; d <= 1; d++) {
            uint64_t days = p + (uint64_t)(int64_t)d;
            if (days == 0) {
                continue;
            }
            snprintf(want, sizeof want, "%" PRIu64 "d", days);
            retsim_events_time((retsim_time)days * RETSIM_MS_PER_DAY, NULL, got, sizeof got);
            assert_string_equal(got, want);
            snprintf(want, sizeof want, "-%" PRIu64 "d", days);
            retsim_events_time(-(retsim_time)days * RETSIM_MS_PER_DAY, NULL, got, sizeof got);
            assert_string_equal(got, want);
        }
    }
}

/* Each unit under a second, and one of each unit together. */
static void test_events_time_units(void **state)
{
    (void)state;
    char got[64], want[64];
    for (int ms = 1; ms < 1000; ms++) {
        snprintf(want, sizeof want, "%dms", ms);
        assert_string_equal(retsim_events_time(ms, NULL, got, sizeof got), want);
    }
    assert_string_equal(retsim_events_time(0, NULL, got, sizeof got), "0");
    retsim_time t = 3 * RETSIM_MS_PER_DAY + 4 * RETSIM_MS_PER_HOUR + 5 * RETSIM_MS_PER_MINUTE +
                    59 * RETSIM_MS_PER_SECOND + 10;
    assert_string_equal(retsim_events_time(t, NULL, got, sizeof got), "3d4h5m59s10ms");
}

/* A buffer too small cuts the text as snprintf would: size - 1 bytes. */
static void test_events_time_cut_like_snprintf(void **state)
{
    (void)state;
    char got[5];
    retsim_time t = 123456 * RETSIM_MS_PER_DAY; /* "123456d" */
    assert_string_equal(retsim_events_time(t, NULL, got, sizeof got), "1234");
    assert_string_equal(retsim_events_time(t, NULL, got, 1), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_events_time_days_at_every_digit_edge),
        cmocka_unit_test(test_events_time_units),
        cmocka_unit_test(test_events_time_cut_like_snprintf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
