/* Scenario files: values, defaults, overrides, and every class of bad input
 * with the line and key it must name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "helpers.h"
#include "retsim/scenario.h"

static void test_scenario_reads_values_and_defaults(void **state)
{
    (void)state;
    const char *text = "; comment\n"
                       "[scenario]\n"
                       "name = demo\n"
                       "[policy.apim]\n"
                       "retention = 7d ; inline comment\n"
                       "min_api_version = 2020-06-01-preview\n"
                       "reuse_after_purge = owner_tenant\n"
                       "reservation = 7d\n"
                       "reservation.free = 30d\n"
                       "purge_protection = yes\n";
    retsim_scenario *sc = NULL;
    retsim_error err;
    assert_int_equal(retsim_scenario_load_string(text, "demo.ini", &sc, &err), 0);
    assert_string_equal(sc->name, "demo");
    assert_int_equal(sc->n_policies, 1);
    const retsim_policy *p = &sc->policies[0];
    assert_int_equal(p->retention_ms, 7 * RETSIM_MS_PER_DAY);
    assert_int_equal(p->reuse_after_purge, RETSIM_REUSE_OWNER_TENANT);
    assert_true(p->purge_protection);
    assert_true(p->soft_delete); /* default */
    assert_int_equal(p->name_scope, RETSIM_SCOPE_GLOBAL);
    assert_int_equal(retsim_policy_reservation(p, "free"), 30 * RETSIM_MS_PER_DAY);
    assert_int_equal(retsim_policy_reservation(p, "ea"), 7 * RETSIM_MS_PER_DAY);
    int32_t v;
    assert_int_equal(retsim_apiver_parse("2020-06-01", &v, NULL), 0);
    assert_true(v > p->min_api_version);
    assert_int_equal(retsim_apiver_parse("2020-05-31", &v, NULL), 0);
    assert_true(v < p->min_api_version);

    assert_int_equal(retsim_scenario_set(sc, "policy.apim.retention=24h", &err), 0);
    assert_int_equal(retsim_scenario_set(sc, "policy.apim.reservation.free=1d", &err), 0);
    assert_int_equal(sc->policies[0].retention_ms, 24 * RETSIM_MS_PER_HOUR);
    assert_int_equal(retsim_policy_reservation(&sc->policies[0], "free"), RETSIM_MS_PER_DAY);
    assert_int_equal(retsim_scenario_set(sc, "policy.apim.retention=soon", &err), RETSIM_EINPUT);
    assert_int_equal(retsim_scenario_set(sc, "policy.nokind.retention=1d", &err), RETSIM_EINPUT);
    assert_int_equal(retsim_scenario_set(sc, "policy.apim.colour=red", &err), RETSIM_EINPUT);
    assert_string_equal(err.field, "policy.apim.colour");
    assert_int_equal(retsim_scenario_set(sc, "policy.apim.retention=0", &err), RETSIM_EINPUT);
    assert_string_equal(err.field, "policy.apim.retention");
    assert_int_equal(retsim_scenario_set(sc, "noequals", &err), RETSIM_EUSAGE);
    assert_int_equal(sc->policies[0].retention_ms, 24 * RETSIM_MS_PER_HOUR); /* failed sets change nothing */

    /* the resolved scenario reads back to the same policies */
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    assert_int_equal(retsim_scenario_write(sc, mem), 0);
    fclose(mem);
    retsim_scenario *again = NULL;
    assert_int_equal(retsim_scenario_load_string(buf, "resolved", &again, &err), 0);
    assert_memory_equal(&again->policies[0], &sc->policies[0], sizeof(retsim_policy));
    free(buf);
    retsim_scenario_destroy(again);
    retsim_scenario_destroy(sc);
}

typedef struct bad_case {
    const char *text;
    long line;
    const char *field;
    const char *says; /* part of the message */
} bad_case;

static void test_scenario_bad_input_names_line_and_key(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        {"[policy.a]\nretention = 48h\ncolour = red\n", 3, "colour", "unknown key"},
        {"[policy.a]\nretention = 48 hours\n", 2, "retention", "expected a duration"},
        {"[policy.a]\nretention = -5h\n", 2, "retention", "expected a duration"},
        {"[policy.a]\nretention = 0\n", 2, "retention", "must be positive"},
        {"[policy.a]\nname_scope = planet\n", 2, "name_scope", "expected one of global"},
        {"[policy.a]\nsoft_delete = maybe\n", 2, "soft_delete", "expected true or false"},
        {"[policy.a]\nretention = 1h\nretention = 2h\n", 3, "retention", "duplicate key"},
        {"[weather]\nrain = yes\n", 1, "weather", "unknown section"},
        {"[policy.a]\n[policy.b]\nparent = a\n[policy.c]\nretention = 1x\n", 5, "retention", "duration"},
        {"retention = 1h\n", 1, "retention", "outside any section"},
        {"[policy.a]\nparent = b\n", 2, "parent", "no [policy.b]"},
        {"[policy.a]\nparent = b\n[policy.b]\nparent = a\n", 2, "parent", "cycle"},
        {"[policy.a]\nname_scope = parent\n", 2, "name_scope", "needs a parent"},
        {"[policy.a]\nmin_api_version = June\n", 2, "min_api_version", "API version"},
        {"[policy.a]\nreservation.Free = 1d\n", 2, "reservation.Free", "subscription type"},
        {"[policy.a]\nthis line has no equals sign\n", 2, "", "not an INI line"},
        {"[scenario]\nname = x\n", 0, "", "at least one kind"},
        {"[policy.A]\n", 1, "policy.A", "uses a-z"},
        {"[policy.a]\nretention = 1h\n[policy.a]\nretention = 2h\n", 4, "retention", "duplicate key"},
        /* a header without ']' would file its keys under the section before */
        {"[policy.a]\nretention = 1h\n[policy.b\nretention = 2h\n", 3, "",
         "section header '[policy.b' has no closing ']'"},
        {"[policy.a]\nreservation.free = 1d\nreservation.free = 2d\n", 3, "reservation.free",
         "duplicate key (first on line 2)"},
        {"[policy.a]\n[change.later]\nat = 1d\nretention = 2d\n", 0, "kind", "[change.later]: no kind"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        expect_scenario_error(i, cases[i].text, cases[i].line, cases[i].field, cases[i].says);
    }
}

/* Issue 12's policy keys: values read back, and refusals name line and key.
 * A scenario whose own retention lies outside its range is a load error. */
static void test_scenario_retention_rules_and_reservations(void **state)
{
    (void)state;
    const char *text = "[policy.a]\n"
                       "retention = 30d\n"
                       "retention_set_at = delete\n"
                       "retention_min = 7d\n"
                       "retention_max = 30d\n"
                       "force_delete = true\n"
                       "restore_needs_permission = true\n"
                       "reservation = forever\n"
                       "[policy.b]\n"
                       "reservation = uniform(min=1h, max=72h)\n"
                       "[policy.c]\n"
                       "retention_set_at = create\n"
                       "reservation = 90d\n";
    retsim_scenario *sc = NULL;
    retsim_error err;
    assert_int_equal(retsim_scenario_load_string(text, "r.ini", &sc, &err), 0);
    const retsim_policy *a = &sc->policies[0], *b = &sc->policies[1], *c = &sc->policies[2];
    assert_int_equal(a->retention_set_at, RETSIM_RETENTION_AT_DELETE);
    assert_int_equal(a->retention_min, 7 * RETSIM_MS_PER_DAY);
    assert_int_equal(a->retention_max, 30 * RETSIM_MS_PER_DAY);
    assert_true(a->force_delete && a->restore_needs_permission);
    assert_int_equal(a->reservation_ms, RETSIM_RESERVATION_FOREVER);
    assert_false(a->reservation_drawn);
    assert_true(b->reservation_drawn);
    assert_string_equal(b->reservation_draw, "uniform(min=1h, max=72h)");
    assert_int_equal(c->retention_set_at, RETSIM_RETENTION_AT_CREATE);
    assert_int_equal(c->reservation_ms, 90 * RETSIM_MS_PER_DAY);
    assert_false(c->reservation_drawn);
    /* written out and read back: the same rules (forever and the spec survive) */
    char buf[16384];
    FILE *mem = fmemopen(buf, sizeof buf, "w");
    assert_int_equal(retsim_scenario_write(sc, mem), 0);
    fclose(mem);
    assert_non_null(strstr(buf, "reservation = forever"));
    assert_non_null(strstr(buf, "reservation = uniform(min=1h, max=72h)"));
    assert_non_null(strstr(buf, "retention_set_at = delete"));
    retsim_scenario *again = NULL;
    assert_int_equal(retsim_scenario_load_string(buf, "resolved", &again, &err), 0);
    assert_int_equal(again->policies[0].retention_min, 7 * RETSIM_MS_PER_DAY);
    assert_int_equal(again->policies[0].reservation_ms, RETSIM_RESERVATION_FOREVER);
    assert_true(again->policies[1].reservation_drawn);
    retsim_scenario_destroy(again);
    retsim_scenario_destroy(sc);

    /* keys at their defaults are not written: a resolved scenario of today reads as before */
    assert_int_equal(retsim_scenario_load_string("[policy.a]\n", "d.ini", &sc, &err), 0);
    mem = fmemopen(buf, sizeof buf, "w");
    assert_int_equal(retsim_scenario_write(sc, mem), 0);
    fclose(mem);
    assert_null(strstr(buf, "retention_set_at"));
    assert_null(strstr(buf, "retention_min"));
    assert_null(strstr(buf, "force_delete"));
    assert_null(strstr(buf, "restore_needs_permission"));
    retsim_scenario_destroy(sc);

    static const bad_case cases[] = {
        {"[policy.a]\nretention_set_at = caller\n", 2, "retention_set_at", "expected one of kind, create"},
        {"[policy.a]\nretention = 90d\nretention_max = 30d\n", 2, "retention", "between retention_min"},
        {"[policy.a]\nretention = 6d23h59m59s999ms\nretention_min = 7d\n", 2, "retention",
         "got 6d23h59m59s999ms"},
        {"[policy.a]\nretention = 10d\nretention_min = 20d\nretention_max = 15d\n", 4, "retention_max",
         "at least retention_min"},
        {"[policy.a]\nforce_delete = sometimes\n", 2, "force_delete", "expected true or false"},
        {"[policy.a]\nrestore_needs_permission = 2\n", 2, "restore_needs_permission", "true or false"},
        {"[policy.a]\nreservation = always\n", 2, "reservation",
         "expected a duration, forever, or a distribution"},
        {"[policy.a]\nreservation = uniform(min=5h)\n", 2, "reservation", "max"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        expect_scenario_error(i, cases[i].text, cases[i].line, cases[i].field, cases[i].says);
    }
    /* the range's edges are in it */
    assert_int_equal(retsim_scenario_load_string("[policy.a]\nretention = 7d\nretention_min = 7d\n"
                                                 "retention_max = 7d\n",
                                                 "e.ini", &sc, &err),
                     0);
    retsim_scenario_destroy(sc);
}

/* Durations above 365000d (1,000 years) and numbers outside their type are
 * refused with the line and key, however they are written. */
static void test_scenario_refuses_out_of_range_values(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        {"[policy.a]\nretention = 365000d1ms\n", 2, "retention", "365000d"},
        {"[policy.a]\nretention = 106751991167d7h12m55s807ms\n", 2, "retention", "365000d"},
        {"[policy.a]\nretention = 9223372036854775807ms\n", 2, "retention", "365000d"},
        {"[policy.a]\nreservation.free = 52143w\n", 2, "reservation.free", "365000d"},
        {"[policy.a]\n[simulation]\nhorizon = 1000000d\n", 3, "horizon", "365000d"},
        {"[policy.a]\n[workload.a]\nretry_interval = 8760001h\n", 3, "retry_interval", "365000d"},
        {"[policy.a]\n[workload.a]\nlifetime = const(365001d)\n", 3, "lifetime", "365000d"},
        {"[policy.a]\n[workload.a]\nrestore_delay = lognormal(median=106751991167d, sigma=1)\n", 3,
         "restore_delay", "median '106751991167d' is longer than the maximum"},
        {"[policy.a]\n[workload.a]\npurge_delay = uniform(1h, 400000d)\n", 3, "purge_delay", "max"},
        {"[policy.a]\n[workload.a]\naccidental_deletes = 1/365001d\n", 3, "accidental_deletes",
         "the period of a rate is longer than the maximum duration 365000d"},
        {"[policy.a]\n[simulation]\nseed = 99999999999999999999999\n", 3, "seed",
         "from 0 to 18446744073709551615"},
        {"[policy.a]\n[simulation]\nseed = 18446744073709551616\n", 3, "seed", "whole number"},
        {"[policy.a]\n[simulation]\nseed = -1\n", 3, "seed", "whole number"},
        {"[policy.a]\n[simulation]\nseed = +5\n", 3, "seed", "whole number"},
        {"[policy.a]\n[simulation]\nseed = 5x\n", 3, "seed", "whole number"},
        {"[policy.a]\n[population]\nsubscriptions = 99999999999999999999\n", 3, "subscriptions",
         "from 1 to 100000000"},
        {"[policy.a]\n[population]\nsubscriptions = +5\n", 3, "subscriptions", "from 1 to 100000000"},
        {"[policy.a]\nregions = -99999999999999999999\n", 2, "regions", "from 1 to 1000"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        expect_scenario_error(i, cases[i].text, cases[i].line, cases[i].field, cases[i].says);
    }
    /* the largest values are still taken */
    retsim_scenario *sc = load("[policy.a]\nretention = 365000d\n[simulation]\nhorizon = 52142w6d\n"
                               "seed = 18446744073709551615\n");
    assert_int_equal(sc->policies[0].retention_ms, INT64_C(31536000000000));
    assert_int_equal(sc->settings.horizon, INT64_C(31536000000000));
    assert_true(sc->settings.seed == UINT64_MAX);
    /* --set goes through the same rule and changes nothing when it refuses */
    retsim_error err;
    retsim_error_clear(&err);
    assert_int_equal(retsim_scenario_set(sc, "policy.a.retention=106751991167d", &err), RETSIM_EINPUT);
    assert_string_equal(err.field, "policy.a.retention");
    assert_non_null(strstr(err.msg, "365000d"));
    assert_int_equal(sc->policies[0].retention_ms, INT64_C(31536000000000));
    assert_int_equal(retsim_scenario_set(sc, "simulation.seed=99999999999999999999999", &err), RETSIM_EINPUT);
    assert_true(sc->settings.seed == UINT64_MAX);
    retsim_scenario_destroy(sc);
}

/* One bad value of one key type: the text is prefix + "key = value\n", so
 * the key is on the line after the prefix's last. */
typedef struct key_case {
    const char *prefix;
    const char *key;
    const char *value;
    const char *msg; /* the whole message */
} key_case;

static const char in_policy[] = "[policy.a]\n";
static const char in_simulation[] = "[policy.a]\n[simulation]\n";
static const char in_population[] = "[policy.a]\n[population]\n";
static const char in_workload[] = "[policy.a]\n[workload.a]\narrivals = 1/d\n";
static const char in_change[] = "[policy.a]\n[change.c]\nkind = a\n";

static void expect_key_error(size_t i, const key_case *c)
{
    char text[1024];
    snprintf(text, sizeof text, "%s%s = %s\n", c->prefix, c->key, c->value);
    long line = 1;
    for (const char *p = c->prefix; *p; p++) {
        line += *p == '\n';
    }
    retsim_scenario *sc = NULL;
    retsim_error err;
    retsim_error_clear(&err);
    int rc = retsim_scenario_load_string(text, "keys.ini", &sc, &err);
    if (rc != RETSIM_EINPUT || strcmp(err.file, "keys.ini") != 0 || err.line != line ||
        strcmp(err.field, c->key) != 0 || strcmp(err.msg, c->msg) != 0) {
        fail_msg("case %zu (%s = %s): rc %d at %s:%ld '%s': '%s'", i, c->key, c->value, rc, err.file,
                 err.line, err.field, err.msg);
    }
    assert_null(sc);
}

#define PROB_MSG(v)   "expected a probability between 0 and 1, got '" v "'"
#define NONNEG_MSG(v) "expected a number >= 0, got '" v "'"

/* Every key type refuses what it cannot read and says what it expected. */
static void test_scenario_each_key_type_says_what_it_expected(void **state)
{
    (void)state;
    static const key_case cases[] = {
        {in_policy, "soft_delete", "maybe", "expected true or false (also yes/no, on/off), got 'maybe'"},
        {in_policy, "retention", "abc",
         "expected a duration such as 0, 90s, 30m, 48h, 7d, 2w or 1d2h (units w d h m s ms, largest first), "
         "got 'abc'"},
        {in_policy, "name_scope", "planet", "expected one of global, subscription, parent, got 'planet'"},
        {in_policy, "min_api_version", "June",
         "expected an API version YYYY-MM-DD, optionally with a suffix such as -preview, or 'any'; got "
         "'June'"},
        {in_policy, "parent", "a23456789012345678901234567890123456789012345678",
         "too long: 'a234567890123456789012345678901234567890...'"},
        {in_simulation, "currency", "", "expected a non-empty value, got ''"},
        {in_simulation, "currency", "EURO-DOLLAR-YEN!", "too long: 'EURO-DOLLAR-YEN!...'"},
        {in_workload, "accidental_deletes", "abc",
         "expected a rate such as 1000/d, 0.5/h or 1/365d, got 'abc'"},
        {in_workload, "accidental_deletes", "5", "expected a rate such as 1000/d, 0.5/h or 1/365d, got '5'"},
        {in_workload, "accidental_deletes", "-1/d", "a rate cannot be negative, got '-1/d'"},
        /* probabilities: [0, 1], finite, the whole text a number */
        {in_workload, "notice_probability", "-0.1", PROB_MSG("-0.1")},
        {in_workload, "notice_probability", "1.1", PROB_MSG("1.1")},
        {in_workload, "purge_probability", "abc", PROB_MSG("abc")},
        {in_workload, "purge_probability", "1e", PROB_MSG("1e")},
        {in_workload, "recreate_probability", "nan", PROB_MSG("nan")},
        {in_workload, "recreate_probability", "inf", PROB_MSG("inf")},
        {in_workload, "notice_probability", "none", PROB_MSG("none")}, /* only where it is optional */
        {in_workload, "soft_delete_on_probability", "1.1",
         "expected a probability between 0 and 1, or 'none'; got '1.1'"},
        {in_workload, "soft_delete_on_probability", "-1",
         "expected a probability between 0 and 1, or 'none'; got '-1'"},
        /* non-negative numbers: no upper bound, finite, the whole text a number */
        {in_policy, "price_per_replica_hour", "-1", NONNEG_MSG("-1")},
        {in_policy, "price_per_replica_hour", "abc", NONNEG_MSG("abc")},
        {in_policy, "price_per_replica_hour", "1e", NONNEG_MSG("1e")},
        {in_policy, "price_per_replica_hour", "nan", NONNEG_MSG("nan")},
        {in_policy, "price_per_replica_hour", "inf", NONNEG_MSG("inf")},
        {in_simulation, "scale", "-0.1", NONNEG_MSG("-0.1")},
        {in_simulation, "scale", "1e400", NONNEG_MSG("1e400")}, /* overflows to inf */
        {in_policy, "regions", "0", "expected a whole number from 1 to 1000, got '0'"},
        {in_policy, "regions", "1.5", "expected a whole number from 1 to 1000, got '1.5'"},
        {in_simulation, "seed", "abc", "expected a whole number from 0 to 18446744073709551615, got 'abc'"},
        {in_workload, "lifetime", "cauchy(1h)",
         "expected a distribution such as const(48h), exp(mean=2h), lognormal(median=24h, sigma=1.0), "
         "weibull(scale=30d, shape=0.7), gamma(shape=2, scale=12h), pareto(scale=1h, shape=1.5), "
         "uniform(1h, 3h) or empirical(file.csv); got 'cauchy(1h)'"},
        {in_workload, "weekly_profile", "1, 2",
         "expected 7 non-negative weights (not all 0) separated by commas, got '1, 2'"},
        {in_workload, "weekly_profile", "1,1,1,-1,1,1,1",
         "expected 7 non-negative weights separated by commas, got '1,1,1,-1,1,1,1'"},
        {in_workload, "daily_profile", "0",
         "expected 24 non-negative weights (not all 0) separated by commas, got '0'"},
        {in_population, "regions", "east:x",
         "expected name:weight pairs such as ea:0.6, payg:0.4, got 'east:x'"},
        {in_population, "regions", "east:0",
         "expected at least one name with a positive weight, got 'east:0'"},
        {in_change, "soft_delete", "2", "expected true or false (also yes/no, on/off), got '2'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        expect_key_error(i, &cases[i]);
    }
    /* --set says the same, naming the key as typed */
    retsim_scenario *sc = load(in_workload);
    retsim_error err;
    assert_int_equal(retsim_scenario_set(sc, "workload.a.notice_probability=1.1", &err), RETSIM_EINPUT);
    assert_string_equal(err.file, "--set");
    assert_string_equal(err.field, "workload.a.notice_probability");
    assert_string_equal(err.msg, PROB_MSG("1.1"));
    assert_int_equal(retsim_scenario_set(sc, "simulation.scale=-1", &err), RETSIM_EINPUT);
    assert_string_equal(err.field, "simulation.scale");
    assert_string_equal(err.msg, NONNEG_MSG("-1"));
    retsim_scenario_destroy(sc);
}

/* The line "key = value" of the resolved form, value as printed (or NULL). */
static bool writes(const retsim_scenario *sc, const char *key, const char *value)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    assert_int_equal(retsim_scenario_write(sc, mem), 0);
    fclose(mem);
    char want[256];
    snprintf(want, sizeof want, "\n%s = %s ", key, value); /* then the padding before the comment */
    bool found = strstr(buf, want) != NULL;
    free(buf);
    return found;
}

/* The edges of each number type are taken, stored as written and printed back
 * as written: 0 and 1 for a probability, 0 and 1e9 for a price or scale. */
static void test_scenario_number_types_take_their_edges(void **state)
{
    (void)state;
    retsim_scenario *sc = load("[policy.a]\nprice_per_replica_hour = 0\n[policy.b]\n"
                               "price_per_replica_hour = 1e9\n[simulation]\nscale = 0\n[workload.a]\n"
                               "arrivals = 1/d\nnotice_probability = 0\npurge_permission_probability = 1\n"
                               "soft_delete_on_probability = none\n[workload.b]\narrivals = 1/d\n"
                               "soft_delete_on_probability = 1\n");
    assert_true(sc->policies[0].price_per_replica_hour == 0);
    assert_true(sc->policies[1].price_per_replica_hour == 1e9);
    assert_true(sc->settings.scale == 0);
    assert_true(sc->workloads[0].notice_probability == 0);
    assert_true(sc->workloads[0].purge_permission_probability == 1);
    assert_true(sc->workloads[0].soft_delete_on_probability < 0); /* none */
    assert_true(sc->workloads[1].soft_delete_on_probability == 1);
    assert_true(writes(sc, "price_per_replica_hour", "0"));
    assert_true(writes(sc, "price_per_replica_hour", "1000000000"));
    assert_true(writes(sc, "scale", "0"));
    assert_true(writes(sc, "notice_probability", "0"));
    assert_true(writes(sc, "purge_permission_probability", "1"));
    assert_true(writes(sc, "soft_delete_on_probability", "none"));
    assert_true(writes(sc, "soft_delete_on_probability", "1"));
    /* a number >= 0 has no upper bound; a probability does */
    retsim_error err;
    assert_int_equal(retsim_scenario_set(sc, "simulation.scale=1e9", &err), 0);
    assert_true(sc->settings.scale == 1e9);
    assert_true(writes(sc, "scale", "1000000000"));
    assert_int_equal(retsim_scenario_set(sc, "workload.a.notice_probability=1.0000001", &err), RETSIM_EINPUT);
    /* printed in the shortest form that reads back the same: 15 digits would
     * print 0.1 + 0.2 as 0.3, a different double */
    assert_int_equal(retsim_scenario_set(sc, "workload.a.notice_probability=0.30000000000000004", &err), 0);
    assert_true(sc->workloads[0].notice_probability == 0.1 + 0.2);
    assert_true(writes(sc, "notice_probability", "0.30000000000000004"));
    retsim_scenario_destroy(sc);
}

static const char with_workload[] = "[policy.apim]\n"          /* 1 */
                                    "retention = 2d\n"         /* 2 */
                                    "reservation.free = 30d\n" /* 3 */
                                    "[simulation]\n"           /* 4 */
                                    "horizon = 10d\n"          /* 5 */
                                    "warmup = 5d\n"            /* 6 */
                                    "[population]\n"           /* 7 */
                                    "subscription_types = ea:0.9, free:0.1\n"
                                    "[workload.apim]\n"
                                    "arrivals = 10/d\n";

static void test_scenario_overrides_are_validated_together(void **state)
{
    (void)state;
    retsim_scenario *sc = load(with_workload);
    retsim_error err;
    /* either order: validated once both are in (3d < 5d warmup would fail alone) */
    const char *shrink[] = {"simulation.horizon=3d", "simulation.warmup=0"};
    assert_int_equal(retsim_scenario_set_all(sc, shrink, 2, &err), 0);
    assert_int_equal(sc->settings.horizon, 3 * RETSIM_MS_PER_DAY);
    assert_int_equal(sc->settings.warmup, 0);
    const char *grow[] = {"simulation.warmup=4d", "simulation.horizon=8d"};
    assert_int_equal(retsim_scenario_set_all(sc, grow, 2, &err), 0);
    assert_int_equal(sc->settings.warmup, 4 * RETSIM_MS_PER_DAY);
    /* a bad end state fails, names the override as typed, and changes nothing */
    const char *bad[] = {"simulation.warmup=9d", "simulation.horizon=2d"};
    assert_int_equal(retsim_scenario_set_all(sc, bad, 2, &err), RETSIM_EINPUT);
    assert_string_equal(err.file, "--set");
    assert_string_equal(err.field, "simulation.warmup");
    assert_int_equal(sc->settings.horizon, 8 * RETSIM_MS_PER_DAY);
    assert_int_equal(sc->settings.warmup, 4 * RETSIM_MS_PER_DAY);
    /* spaces around '=' as in a scenario file */
    assert_int_equal(retsim_scenario_set(sc, " policy.apim.retention = 7d ", &err), 0);
    assert_int_equal(sc->policies[0].retention_ms, 7 * RETSIM_MS_PER_DAY);
    /* a change added by --set without a kind names its label */
    assert_int_equal(retsim_scenario_set(sc, "change.longr.at=1d", &err), RETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "[change.longr]: no kind"));
    assert_int_equal(sc->n_changes, 0);
    const char *change[] = {"change.longr.at=1d", "change.longr.kind=apim", "change.longr.retention=7d"};
    assert_int_equal(retsim_scenario_set_all(sc, change, 3, &err), 0);
    assert_int_equal(sc->n_changes, 1);
    assert_int_equal(sc->changes[0].kind, 0);
    retsim_scenario_destroy(sc);
}

static void test_scenario_generated_reservations_need_declared_types(void **state)
{
    (void)state;
    retsim_scenario *sc = load(with_workload);
    retsim_error err;
    assert_int_equal(retsim_scenario_check_generated(sc, &err), 0); /* free is declared */
    assert_int_equal(retsim_scenario_set(sc, "policy.apim.reservation.fre=1d", &err), 0);
    assert_int_equal(retsim_scenario_check_generated(sc, &err), RETSIM_EINPUT);
    assert_string_equal(err.file, "--set");
    assert_string_equal(err.field, "reservation.fre");
    retsim_scenario_destroy(sc);

    char text[sizeof with_workload];
    snprintf(text, sizeof text, "%s", with_workload);
    memcpy(strstr(text, "reservation.free"), "reservation.fre ", 16); /* line 3 */
    sc = load(text);
    assert_int_equal(retsim_scenario_check_generated(sc, &err), RETSIM_EINPUT);
    assert_string_equal(err.file, "test.ini");
    assert_int_equal(err.line, 3);
    assert_string_equal(err.field, "reservation.fre");
    assert_non_null(strstr(err.msg, "'fre' is not one of [population] subscription_types"));
    /* declaring the type makes it fine */
    assert_int_equal(retsim_scenario_set(sc, "population.subscription_types=ea, fre", &err), 0);
    assert_int_equal(retsim_scenario_check_generated(sc, &err), 0);
    retsim_scenario_destroy(sc);
}

static void test_scenario_long_line_and_missing_file(void **state)
{
    (void)state;
    char text[600];
    snprintf(text, sizeof text, "[policy.a]\n; %0300d\n", 0);
    retsim_scenario *sc = NULL;
    retsim_error err;
    assert_int_equal(retsim_scenario_load_string(text, "long.ini", &sc, &err), RETSIM_EINPUT);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.msg, "longer than"));
    assert_int_equal(retsim_scenario_load("/nonexistent/x.ini", &sc, &err), RETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "cannot open"));
}

static void test_scenario_bundled_files_load(void **state)
{
    (void)state;
    static const char *files[] = {"apim.ini", "apim-2020-preview.ini", "compute-gallery.ini",
                                  "key-vault.ini"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/scenarios/%s", RETSIM_SOURCE_DIR, files[i]);
        retsim_scenario *sc = NULL;
        retsim_error err;
        if (retsim_scenario_load(path, &sc, &err) != 0) {
            fail_msg("%s:%ld: %s", path, err.line, err.msg);
        }
        retsim_scenario_destroy(sc);
    }
}

/* The resolved scenario (what manifests hold) reads back to the same scenario. */
static void test_scenario_resolved_form_round_trips(void **state)
{
    (void)state;
    static const char *files[] = {"quickstart.ini", "compute-gallery.ini", "retention-48h-vs-7d.ini",
                                  "key-vault.ini", "apim.ini"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/scenarios/%s", RETSIM_SOURCE_DIR, files[i]);
        retsim_scenario *sc = NULL, *again = NULL;
        retsim_error err;
        assert_int_equal(retsim_scenario_load(path, &sc, &err), 0);
        char *buf = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&buf, &len);
        assert_int_equal(retsim_scenario_write(sc, mem), 0);
        fclose(mem);
        if (retsim_scenario_load_string(buf, "resolved", &again, &err) != 0) {
            fail_msg("%s: line %ld: %s: %s", files[i], err.line, err.field, err.msg);
        }
        assert_int_equal(again->n_policies, sc->n_policies);
        assert_memory_equal(again->policies, sc->policies, sizeof sc->policies);
        assert_memory_equal(again->workloads, sc->workloads, sizeof sc->workloads);
        assert_memory_equal(&again->settings, &sc->settings, sizeof sc->settings);
        assert_memory_equal(&again->population, &sc->population, sizeof sc->population);
        assert_int_equal(again->n_changes, sc->n_changes);
        assert_memory_equal(again->changes, sc->changes, sizeof sc->changes);
        free(buf);
        retsim_scenario_destroy(again);
        retsim_scenario_destroy(sc);
    }
}

/* A scenario file is text: "48h\0junk" must not read as 48h. A byte-order
 * mark before the first line is skipped (editors on Windows write one). */
static void test_scenario_file_nul_byte_and_byte_order_mark(void **state)
{
    (void)state;
    static const char nul[] = "[policy.apim]\nretention = 48h\0junk\n";
    retsim_scenario *sc = NULL;
    retsim_error err;
    const char *path = put_file("nul.ini", nul, sizeof nul - 1);
    assert_int_equal(retsim_scenario_load(path, &sc, &err), RETSIM_EINPUT);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.msg, "NUL byte"));
    assert_string_equal(err.file, path);
    assert_null(sc);
    static const char bom[] = "\xef\xbb\xbf[policy.apim]\nretention = 12h\n";
    path = put_file("bom.ini", bom, sizeof bom - 1);
    assert_int_equal(retsim_scenario_load(path, &sc, &err), 0);
    assert_int_equal(sc->n_policies, 1);
    assert_int_equal(sc->policies[0].retention_ms, 12 * 3600 * 1000LL);
    retsim_scenario_destroy(sc);
}

/* A scenario must be a regular file: a folder, a device (/dev/zero would feed
 * NULs forever) or a FIFO (whose open would wait for a writer) is refused at
 * once. */
static void test_scenario_file_must_be_a_regular_file(void **state)
{
    (void)state;
    char fifo[512];
    snprintf(fifo, sizeof fifo, "%s/s.fifo", tmpdir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    const struct {
        const char *path;
        const char *says;
    } cases[] = {{tmpdir, "is a directory"},
                 {"/dev/zero", "is a device"},
                 {"/dev/null", "is a device"},
                 {fifo, "is a pipe"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        retsim_scenario *sc = NULL;
        retsim_error err;
        if (retsim_scenario_load(cases[i].path, &sc, &err) != RETSIM_EINPUT ||
            strstr(err.msg, cases[i].says) == NULL || strcmp(err.file, cases[i].path) != 0) {
            fail_msg("%s: '%s'", cases[i].path, err.msg);
        }
        assert_null(sc);
    }
    unlink(fifo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scenario_reads_values_and_defaults),
        cmocka_unit_test(test_scenario_bad_input_names_line_and_key),
        cmocka_unit_test(test_scenario_refuses_out_of_range_values),
        cmocka_unit_test(test_scenario_retention_rules_and_reservations),
        cmocka_unit_test(test_scenario_each_key_type_says_what_it_expected),
        cmocka_unit_test(test_scenario_number_types_take_their_edges),
        cmocka_unit_test(test_scenario_overrides_are_validated_together),
        cmocka_unit_test(test_scenario_generated_reservations_need_declared_types),
        cmocka_unit_test(test_scenario_long_line_and_missing_file),
        cmocka_unit_test(test_scenario_bundled_files_load),
        cmocka_unit_test(test_scenario_resolved_form_round_trips),
        cmocka_unit_test(test_scenario_file_nul_byte_and_byte_order_mark),
        cmocka_unit_test(test_scenario_file_must_be_a_regular_file),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
