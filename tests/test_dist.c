/* Distribution specs: every form, bad specs, sample means against closed
 * forms (tolerance from the sample's own standard error), empirical files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "retsim/dist.h"
#include "retsim/rng.h"

static const double H = 3600000.0; /* ms per hour */

static void test_dist_sample_means_match_closed_forms(void **state)
{
    (void)state;
    static const struct {
        const char *spec;
        double mean_h; /* worked out by hand from the parameters */
    } cases[] = {
        {"const(48h)", 48},
        {"exp(mean=2h)", 2},
        {"exp(2h)", 2},
        {"lognormal(median=24h, sigma=1.0)", 24 * 1.6487212707001282}, /* e^(1/2) */
        {"weibull(scale=30h, shape=2)", 30 * 0.88622692545275801},     /* Gamma(1.5) */
        {"gamma(shape=2, scale=12h)", 24},
        {"pareto(scale=1h, shape=3)", 1.5},
        {"uniform(1h, 3h)", 2},
        {"uniform(min=1h, max=3h)", 2},
    };
    retsim_rng *rng = retsim_rng_create(42, 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        retsim_dist d;
        retsim_error err;
        if (retsim_dist_parse(cases[i].spec, NULL, &d, &err) != 0) {
            fail_msg("%s: %s", cases[i].spec, err.msg);
        }
        assert_true(fabs(retsim_dist_mean(&d) / H - cases[i].mean_h) < 1e-9 * cases[i].mean_h);
        enum { N = 200000 };
        double sum = 0, sum_sq = 0;
        for (uint64_t k = 0; k < N; k++) {
            double x = (double)retsim_dist_sample(&d, retsim_rng_stream(rng, 1, i, k)) / H;
            assert_true(x >= 0);
            sum += x;
            sum_sq += x * x;
        }
        double mean = sum / N, se = sqrt((sum_sq / N - mean * mean) / N);
        if (fabs(mean - cases[i].mean_h) > 5 * se + 1e-6) {
            fail_msg("%s: sample mean %.5f h, expected %.5f h (se %.5f)", cases[i].spec, mean,
                     cases[i].mean_h, se);
        }
        retsim_dist_free(&d);
    }
    retsim_rng_destroy(rng);
}

static void test_dist_cdf(void **state)
{
    (void)state;
    retsim_dist d;
    retsim_error err;
    assert_int_equal(retsim_dist_parse("exp(mean=1h)", NULL, &d, &err), 0);
    assert_true(fabs(retsim_dist_cdf(&d, H) - (1 - exp(-1))) < 1e-12);
    assert_int_equal(retsim_dist_parse("lognormal(median=24h, sigma=1)", NULL, &d, &err), 0);
    assert_true(fabs(retsim_dist_cdf(&d, 24 * H) - 0.5) < 1e-12); /* the median */
    assert_int_equal(retsim_dist_parse("uniform(1h, 3h)", NULL, &d, &err), 0);
    assert_true(fabs(retsim_dist_cdf(&d, 2.5 * H) - 0.75) < 1e-12);
    assert_true(retsim_dist_cdf(&d, 0.5 * H) == 0 && retsim_dist_cdf(&d, 4 * H) == 1);
}

static void test_dist_bad_specs_say_what_was_expected(void **state)
{
    (void)state;
    static const struct {
        const char *spec, *says;
    } bad[] = {
        {"zipf(2)", "expected a distribution such as"},
        {"exp", "expected a distribution such as"},
        {"exp(mean=soon)", "exp(mean=2h)"},
        {"exp(mean=0)", "out of range"},
        {"lognormal(median=24h)", "lognormal(median=24h, sigma=1.0)"},
        {"lognormal(median=24h, sigma=-1)", "sigma not negative"},
        {"weibull(scale=1d, shape=0)", "out of range"},
        {"uniform(3h, 1h)", "out of range"},
        {"gamma(shape=2, scale=12)", "gamma(shape=2, scale=12h)"},
        {"const(1h) trailing", "expected a distribution such as"},
        {"empirical(/nonexistent/x.csv)", "cannot open"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        retsim_dist d;
        retsim_error err;
        retsim_error_clear(&err);
        if (retsim_dist_parse(bad[i].spec, NULL, &d, &err) != RETSIM_EINPUT ||
            strstr(err.msg, bad[i].says) == NULL) {
            fail_msg("'%s': '%s'", bad[i].spec, err.msg);
        }
    }
}

static void test_dist_empirical_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/retsim-dist-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/delays.csv", dir);
    FILE *f = fopen(path, "w");
    fputs("delay,note\n3h,c\n1h,a\n2h,b\n", f);
    fclose(f);
    retsim_dist d;
    retsim_error err;
    assert_int_equal(retsim_dist_parse("empirical(delays.csv)", dir, &d, &err), 0); /* relative to dir */
    assert_int_equal(d.n, 3);
    assert_true(d.values[0] == H && d.values[2] == 3 * H); /* sorted */
    assert_true(fabs(retsim_dist_mean(&d) - 2 * H) < 1e-9);
    assert_true(fabs(retsim_dist_cdf(&d, 1.5 * H) - 0.25) < 1e-12);
    retsim_rng *rng = retsim_rng_create(1, 0);
    for (uint64_t k = 0; k < 10000; k++) {
        retsim_time t = retsim_dist_sample(&d, retsim_rng_stream(rng, 1, 0, k));
        assert_true(t >= (retsim_time)H && t <= (retsim_time)(3 * H));
    }
    retsim_rng_destroy(rng);
    retsim_dist_free(&d);
    f = fopen(path, "w");
    fputs("delay\n1h\nsoon\n", f);
    fclose(f);
    assert_int_equal(retsim_dist_parse("empirical(delays.csv)", dir, &d, &err), RETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "row 3"));
    assert_non_null(strstr(err.msg, "'soon'"));
    unlink(path);
    rmdir(dir);
}

/* Writes len bytes of text to dir/name. */
static void put(const char *dir, const char *name, const char *text, size_t len)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
}

/* empirical() reads its file whole, so what it accepts is bounded: a regular
 * file (not /dev/zero, which never ends, nor a folder), at most 256 MiB and
 * 10^7 values, no field longer than 64 KiB, no NUL (which would cut "2h\0junk"
 * to "2h"), no first-column value cut to fit (it could read as another). */
static void test_dist_empirical_refuses_hostile_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/retsim-dist-XXXXXX";
    assert_non_null(mkdtemp(dir));
    static const char nul[] = "delay\n1h\n2h\0junk\n";
    put(dir, "nul.csv", nul, sizeof nul - 1);
    char wide[200];
    int n = snprintf(wide, sizeof wide, "delay\n%070d1h\n", 0); /* 72 bytes: 70 zeros, then 1h */
    put(dir, "wide.csv", wide, (size_t)n);
    size_t open_len = 6 + 1 + 70000;
    char *open_field = malloc(open_len);
    memcpy(open_field, "delay\n\"", 7);
    memset(open_field + 7, 'x', open_len - 7);
    put(dir, "open.csv", open_field, open_len);
    free(open_field);
    char sparse[256];
    snprintf(sparse, sizeof sparse, "%s/huge.csv", dir);
    put(dir, "huge.csv", "", 0);
    assert_int_equal(truncate(sparse, 257LL * 1024 * 1024), 0); /* a hole: takes no disk */
    const struct {
        const char *spec;
        const char *says;
    } cases[] = {
        {"empirical(nul.csv)", "line 3: NUL byte"},
        {"empirical(wide.csv)", "row 2: expected a duration such as 90s or 2h, got a field of 72 bytes"},
        {"empirical(open.csv)", "row 2: a field longer than 65536 bytes"},
        {"empirical(huge.csv)", "269484032 bytes, more than the 268435456"},
        {"empirical(/dev/zero)", "is a device, not a regular file"},
        {"empirical(.)", "is a directory"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        retsim_dist d;
        retsim_error err;
        if (retsim_dist_parse(cases[i].spec, dir, &d, &err) != RETSIM_EINPUT ||
            strstr(err.msg, cases[i].says) == NULL) {
            fail_msg("%s: '%s'", cases[i].spec, err.msg);
        }
    }
    static const char *const names[] = {"nul.csv", "wide.csv", "open.csv", "huge.csv"};
    for (size_t i = 0; i < 4; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* 10^7 values load, one more is refused (naming the row). */
static void test_dist_empirical_value_limit(void **state)
{
    (void)state;
    char dir[] = "/tmp/retsim-dist-XXXXXX";
    assert_non_null(mkdtemp(dir));
    const size_t n = RETSIM_EMPIRICAL_MAX_VALUES;
    size_t len = 2 + 3 * (n + 1);
    char *text = malloc(len);
    memcpy(text, "d\n", 2);
    for (size_t i = 0; i <= n; i++) {
        memcpy(text + 2 + 3 * i, "1s\n", 3);
    }
    put(dir, "max.csv", text, len - 3); /* n values */
    put(dir, "over.csv", text, len);    /* n + 1 */
    free(text);
    retsim_dist d;
    retsim_error err;
    assert_int_equal(retsim_dist_parse("empirical(max.csv)", dir, &d, &err), 0);
    assert_int_equal(d.n, n);
    retsim_dist_free(&d);
    assert_int_equal(retsim_dist_parse("empirical(over.csv)", dir, &d, &err), RETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "row 10000002: more than 10000000 values"));
    char path[256];
    snprintf(path, sizeof path, "%s/max.csv", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/over.csv", dir);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dist_sample_means_match_closed_forms),
        cmocka_unit_test(test_dist_cdf),
        cmocka_unit_test(test_dist_bad_specs_say_what_was_expected),
        cmocka_unit_test(test_dist_empirical_file),
        cmocka_unit_test(test_dist_empirical_refuses_hostile_files),
        cmocka_unit_test(test_dist_empirical_value_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
