/* Money: the currency key, and compare's relative change on hand-computed numbers. */
#include "helpers.h"

#include "retsim/compare.h"

#include <math.h>

/* Three finished replications whose summary row 0 holds cost_total a[r] (A) or b[r] (B). */
static retsim_experiment *fake(const double *v, const char *currency)
{
    retsim_experiment *e = calloc(1, sizeof *e);
    e->n = e->completed = 3;
    e->reps = calloc(3, sizeof *e->reps);
    for (int r = 0; r < 3; r++) {
        retsim_summary *s = &e->reps[r].summary;
        e->reps[r].done = true;
        s->n_rows = 1;
        snprintf(s->kind[0], sizeof s->kind[0], "apim");
        snprintf(s->currency, sizeof s->currency, "%s", currency);
        for (int m = 0; m < RETSIM_M_COUNT; m++) {
            s->value[0][m] = 0; /* every other metric: A's mean 0, no relative change */
        }
        s->value[0][RETSIM_M_COST_TOTAL] = v[r];
        s->value[0][RETSIM_M_RECOVERY_RATE] = 0.5 + 0.1 * r;
    }
    return e;
}

/* t quantile of Student's t with 2 degrees of freedom, closed form:
 * t = (2p - 1) sqrt(2 / (4 p (1 - p))); p = 0.975 gives 4.302652... */
static double t2(double p)
{
    return (2 * p - 1) * sqrt(2 / (4 * p * (1 - p)));
}

static void test_money_relative_change_by_hand(void **state)
{
    (void)state;
    /* differences 21, 22, 23: mean 22, sd 1; A's mean 110 */
    const double a[] = {100, 110, 120}, b[] = {121, 132, 143};
    retsim_experiment *ea = fake(a, "EUR"), *eb = fake(b, "EUR");
    retsim_paired p = retsim_compare_metric(ea, eb, 0, RETSIM_M_COST_TOTAL);
    double half = t2(0.975) / sqrt(3.0);
    assert_float_equal(p.diff.mean, 22, 1e-9);
    assert_float_equal(p.rel_pct, 20, 1e-9); /* 22 / 110 */
    assert_float_equal(p.rel_low_pct, 100 * (22 - half) / 110, 1e-9);
    assert_float_equal(p.rel_high_pct, 100 * (22 + half) / 110, 1e-9);
    assert_float_equal(p.rel_low_pct, 17.7417, 1e-4); /* the same, worked on paper */
    /* A's mean is 0: there is no relative change to give */
    p = retsim_compare_metric(ea, eb, 0, RETSIM_M_DATA_LOSS);
    assert_true(isnan(p.rel_pct) && isnan(p.rel_low_pct) && isnan(p.rel_high_pct));
    /* a fall is negative, relative to |A| */
    p = retsim_compare_metric(eb, ea, 0, RETSIM_M_COST_TOTAL);
    assert_float_equal(p.rel_pct, -100 * 22 / 132.0, 1e-9);
    retsim_experiment_destroy(ea);
    retsim_experiment_destroy(eb);
}

static void test_money_compare_table(void **state)
{
    (void)state;
    const double a[] = {100, 110, 120}, b[] = {121, 132, 143};
    const double big_a[] = {1e7, 1.1e7, 1.2e7}, big_b[] = {1.21e7, 1.32e7, 1.43e7};
    retsim_experiment *ea = fake(a, "EUR"), *eb = fake(b, "EUR");
    retsim_experiment *ba = fake(big_a, "EUR"), *bb = fake(big_b, "EUR");
    char *text = NULL, *big = NULL;
    size_t len = 0, big_len = 0;
    FILE *out = open_memstream(&text, &len);
    retsim_error err;
    assert_int_equal(retsim_compare_report(ea, eb, RETSIM_COMPARE_PAIRED, NULL, out, NULL, &err), 0);
    fclose(out);
    out = open_memstream(&big, &big_len);
    assert_int_equal(retsim_compare_report(ba, bb, RETSIM_COMPARE_PAIRED, NULL, out, NULL, &err), 0);
    fclose(out);
    assert_non_null(strstr(text, "(costs in EUR)"));
    const char *line = strstr(text, "  cost_total ");
    assert_non_null(line);
    /* A 110.00, B 132.00, B - A 22.00, +20.0% with CI 17.7% to 22.3% of A */
    assert_non_null(strstr(line, "110.00"));
    assert_non_null(strstr(line, "132.00"));
    assert_non_null(strstr(line, "22.00"));
    assert_non_null(strstr(line, "+20.0%  [+17.7%, +22.3%]"));
    line = strstr(text, "  data_loss ");
    assert_non_null(line);
    assert_non_null(strstr(line, "n/a")); /* A's mean is 0 */
    assert_null(strstr(text, "nan"));
    /* millions: separators, never e-notation */
    line = strstr(big, "  cost_total ");
    assert_non_null(strstr(line, "11,000,000.00"));
    assert_non_null(strstr(line, "2,200,000.00"));
    assert_null(strstr(big, "e+"));
    free(text);
    free(big);
    retsim_experiment_destroy(ea);
    retsim_experiment_destroy(eb);
    retsim_experiment_destroy(ba);
    retsim_experiment_destroy(bb);
}

static void test_money_currency_key(void **state)
{
    (void)state;
    retsim_scenario *sc = load("[policy.apim]\nretention = 48h\n");
    assert_string_equal(sc->settings.currency, RETSIM_CURRENCY_DEFAULT);
    assert_string_equal(sc->settings.currency, "USD");
    retsim_error err;
    assert_int_equal(retsim_scenario_set(sc, "simulation.currency=EUR", &err), 0);
    assert_string_equal(sc->settings.currency, "EUR");
    retsim_scenario_destroy(sc);
    sc = load("[policy.apim]\nretention = 48h\n[simulation]\ncurrency = CHF\n");
    assert_string_equal(sc->settings.currency, "CHF");
    retsim_scenario_destroy(sc);
    expect_scenario_error(0, "[policy.apim]\nretention = 48h\n[simulation]\ncurrency =\n", 4, "currency",
                          "non-empty");
    expect_scenario_error(1, "[policy.apim]\nretention = 48h\n[simulation]\ncurrency = EUROS-OF-ATLANTIS\n",
                          4, "currency", "too long");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_money_relative_change_by_hand),
        cmocka_unit_test(test_money_compare_table),
        cmocka_unit_test(test_money_currency_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
