/* The workload generator: the error codes of retsim_generator_create, and
 * structural facts of a tiny workload (a constant lifetime, no accidents, no
 * purges, no re-creates) that hold for every draw: each name is deleted
 * exactly one lifetime after its create, every request it issued is counted
 * by the registry's metrics, and the end state follows from the trace by
 * hand. The arrival count itself is Poisson noise and is not checked here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "retsim/sim.h"
#include "retsim/trace.h"
#include "retsim/generator.h"

#define DAY RETSIM_MS_PER_DAY

/* 3 names a day for 60 days, each deleted 10 days after its create; a soft
 * delete is kept 1 day, then purged automatically (not a request). */
static const char tiny[] = "[policy.x]\nretention = 1d\n"
                           "[simulation]\nhorizon = 60d\n"
                           "[workload.x]\narrivals = 3/d\nlifetime = const(10d)\n";

/* The requests a generator issued, read back from its trace. */
typedef struct row {
    retsim_time t;
    char op[16];
    char key[96]; /* subscription/name */
} row;

typedef struct rows {
    row *r;
    size_t n;
} rows;

/* Split one trace line (no quoting: generated names and subscriptions have no commas). */
static void parse_row(const char *line, row *out)
{
    char time[64] = "", kind[32] = "", sub[40] = "", name[48] = "";
    assert_int_equal(
        sscanf(line, "%63[^,],%15[^,],%31[^,],%39[^,],%47[^,\n]", time, out->op, kind, sub, name), 5);
    const char *why = NULL;
    assert_int_equal(retsim_time_parse(time, &out->t, &why), 0);
    snprintf(out->key, sizeof out->key, "%s/%s", sub, name);
}

static rows parse_trace(const char *text)
{
    rows rs = {calloc(strlen(text) / 10 + 1, sizeof(row)), 0};
    assert_non_null(rs.r);
    const char *line = strchr(text, '\n'); /* past the header */
    assert_non_null(line);
    for (line++; *line != '\0'; line = strchr(line, '\n') + 1) {
        parse_row(line, &rs.r[rs.n++]);
    }
    return rs;
}

/* Run sc with a generator for (seed, replication) to the horizon; the trace
 * it wrote (malloc'd), and the sim when keep is set (else destroyed). */
static char *generate(const retsim_scenario *sc, uint64_t seed, uint32_t replication, retsim_sim **keep,
                      retsim_generator **keep_gen)
{
    retsim_sim *sim = retsim_sim_create(sc);
    assert_non_null(sim);
    retsim_generator *g = NULL;
    assert_int_equal(retsim_generator_create(sim, seed, replication, &g), 0);
    assert_non_null(g);
    char *text = NULL;
    size_t len = 0;
    FILE *trace = open_memstream(&text, &len);
    assert_non_null(trace);
    retsim_trace_write_header(trace);
    retsim_generator_set_trace(g, trace);
    assert_int_equal(retsim_generator_start(g), 0);
    assert_int_equal(retsim_kernel_run_until(retsim_sim_kernel(sim), sc->settings.horizon), 0);
    fclose(trace);
    if (keep != NULL) {
        *keep = sim;
        *keep_gen = g;
    } else {
        retsim_generator_destroy(g);
        retsim_sim_destroy(sim);
    }
    return text;
}

static void test_generator_create_error_codes(void **state)
{
    (void)state;
    retsim_scenario *sc = load(tiny);
    retsim_generator *g = (retsim_generator *)sc; /* any non-NULL value: create must clear it */
    assert_int_equal(retsim_generator_create(NULL, 1, 0, &g), RETSIM_EUSAGE);
    assert_null(g);
    retsim_sim *sim = retsim_sim_create(sc);
    assert_int_equal(retsim_generator_create(sim, 1, 0, NULL), RETSIM_EUSAGE);

    /* a stop request seen while the population is made */
    volatile int stop = 1;
    retsim_kernel_set_interrupt(retsim_sim_kernel(sim), &stop);
    g = (retsim_generator *)sc;
    assert_int_equal(retsim_generator_create(sim, 1, 0, &g), RETSIM_EINTR);
    assert_null(g);
    retsim_sim_destroy(sim);

    /* a subscription that is not the population's first takes id 0: the ids
     * the generator's population relies on would be off by one */
    sim = retsim_sim_create(sc);
    uint32_t id = 0;
    const char *why = NULL;
    assert_int_equal(
        retsim_registry_subscription(retsim_sim_registry(sim), "someone-else", "", "", &id, &why), 0);
    g = (retsim_generator *)sc;
    assert_int_equal(retsim_generator_create(sim, 1, 0, &g), RETSIM_EUSAGE);
    assert_null(g);
    retsim_sim_destroy(sim);

    sim = retsim_sim_create(sc);
    assert_int_equal(retsim_generator_create(sim, 1, 0, &g), 0);
    assert_non_null(g);
    retsim_generator_destroy(g);
    retsim_generator_destroy(NULL); /* NULL-safe */
    retsim_sim_destroy(sim);
    retsim_scenario_destroy(sc);
}

/* The index of the row with this key and op, or n. */
static size_t find(const rows *rs, const char *key, const char *op)
{
    for (size_t i = 0; i < rs->n; i++) {
        if (strcmp(rs->r[i].key, key) == 0 && strcmp(rs->r[i].op, op) == 0) {
            return i;
        }
    }
    return rs->n;
}

/* Every create is followed by its delete exactly 10 days later, unless that
 * falls after the horizon; nothing else is issued. */
static void check_lifetimes(const rows *rs, retsim_time horizon, uint64_t *creates, uint64_t *deletes)
{
    *creates = *deletes = 0;
    for (size_t i = 0; i < rs->n; i++) {
        const row *r = &rs->r[i];
        if (strcmp(r->op, "create") == 0) {
            (*creates)++;
            assert_int_equal(find(rs, r->key, "create"), i); /* each name is created once */
            size_t d = find(rs, r->key, "delete");
            if (r->t + 10 * DAY <= horizon) {
                assert_true(d < rs->n);
                assert_int_equal(rs->r[d].t, r->t + 10 * DAY);
            } else {
                assert_int_equal(d, rs->n);
            }
        } else {
            assert_string_equal(r->op, "delete");
            (*deletes)++;
            assert_true(find(rs, r->key, "create") < i);
        }
    }
}

static uint64_t total(const retsim_metrics *m, retsim_op op)
{
    uint64_t n = 0;
    for (int o = 0; o < RETSIM_OUT_COUNT; o++) {
        n += retsim_metrics_total(m, 0, op, (retsim_outcome)o);
    }
    return n;
}

static void test_generator_constant_lifetime_is_exact_and_counted(void **state)
{
    (void)state;
    retsim_scenario *sc = load(tiny);
    retsim_time horizon = sc->settings.horizon;
    retsim_sim *sim = NULL;
    retsim_generator *g = NULL;
    char *text = generate(sc, 7, 0, &sim, &g);
    rows rs = parse_trace(text);
    uint64_t creates = 0, deletes = 0;
    check_lifetimes(&rs, horizon, &creates, &deletes);
    assert_true(creates > 0 && deletes > 0);

    /* every request issued was answered and counted by the registry's metrics */
    const retsim_metrics *m = retsim_sim_metrics(sim);
    assert_int_equal(total(m, RETSIM_OP_CREATE), creates);
    assert_int_equal(retsim_metrics_total(m, 0, RETSIM_OP_CREATE, RETSIM_OUT_OK), creates);
    assert_int_equal(total(m, RETSIM_OP_DELETE), deletes);
    retsim_generator_stats st = retsim_generator_stats_of(g, 0);
    assert_int_equal(st.arrivals, creates);
    assert_int_equal(st.create_intents, creates);
    assert_int_equal(st.accidental_deletes, 0);
    assert_int_equal(st.recreates, 0);

    /* the end state, by hand from the trace: active = created within the last
     * 10 days; soft-deleted = deleted within the last day (1d retention) */
    uint64_t active = 0, soft = 0;
    for (size_t i = 0; i < rs.n; i++) {
        bool create = strcmp(rs.r[i].op, "create") == 0;
        active += create && rs.r[i].t + 10 * DAY > horizon;
        soft += !create && rs.r[i].t + DAY > horizon;
    }
    retsim_registry *reg = retsim_sim_registry(sim);
    assert_int_equal(retsim_registry_count(reg, 0, RETSIM_STATE_ACTIVE), active);
    assert_int_equal(retsim_registry_count(reg, 0, RETSIM_STATE_SOFT_DELETED), soft);
    assert_int_equal(total(m, RETSIM_OP_AUTO_PURGE), deletes - soft);

    free(rs.r);
    free(text);
    retsim_generator_destroy(g);
    retsim_sim_destroy(sim);
    retsim_scenario_destroy(sc);
}

/* Same seed and replication: the same trace, byte for byte, from a fresh sim.
 * Another replication or another seed: other streams, another trace. */
static void test_generator_seed_and_replication_key_the_streams(void **state)
{
    (void)state;
    retsim_scenario *sc = load(tiny);
    char *a = generate(sc, 7, 0, NULL, NULL);
    char *b = generate(sc, 7, 0, NULL, NULL);
    char *rep1 = generate(sc, 7, 1, NULL, NULL);
    char *seed8 = generate(sc, 8, 0, NULL, NULL);
    assert_string_equal(a, b);
    assert_string_not_equal(a, rep1);
    assert_string_not_equal(a, seed8);
    assert_string_not_equal(rep1, seed8);
    free(a);
    free(b);
    free(rep1);
    free(seed8);
    retsim_scenario_destroy(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generator_create_error_codes),
        cmocka_unit_test(test_generator_constant_lifetime_is_exact_and_counted),
        cmocka_unit_test(test_generator_seed_and_replication_key_the_streams),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
