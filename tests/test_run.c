/* Generated runs against closed forms and hand-worked numbers, determinism,
 * common random numbers, and the trace a run writes. Tolerances come from the
 * run's own sampling error (binomial / Poisson standard errors), never tuned. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "retsim/replay.h"
#include "retsim/run.h"
#include "retsim/generator.h"

static retsim_summary run_summary(const retsim_scenario *sc, uint64_t seed)
{
    retsim_run_options opt = {.seed = seed};
    retsim_summary s;
    retsim_error err;
    retsim_error_clear(&err);
    if (retsim_run(sc, &opt, &s, NULL, &err) != 0) {
        fail_msg("run: %s", err.msg);
    }
    return s;
}

/* New names arrive as a Poisson process: N ~ Poisson(lambda T). */
static void test_run_arrivals_are_poisson(void **state)
{
    (void)state;
    retsim_scenario *sc = load("[policy.x]\n[simulation]\nhorizon = 200d\n"
                               "[workload.x]\narrivals = 250/d\n");
    double mean = 250.0 * 200;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        retsim_summary s = run_summary(sc, seed);
        double n = s.value[0][RETSIM_M_CREATES_OK];
        if (fabs(n - mean) > 4 * sqrt(mean)) {
            fail_msg("seed %llu: %.0f arrivals, expected %.0f +- %.0f", (unsigned long long)seed, n, mean,
                     4 * sqrt(mean));
        }
    }
    /* with a daily profile the mean rate is the same: the profile shapes, it does not scale */
    retsim_scenario *shaped = load("[policy.x]\n[simulation]\nhorizon = 200d\n"
                                   "[workload.x]\narrivals = 250/d\n"
                                   "daily_profile = 0,0,0,0,0,0,1,2,4,4,4,4,4,4,4,4,4,2,1,0,0,0,0,0\n");
    retsim_summary s = run_summary(shaped, 7);
    assert_true(fabs(s.value[0][RETSIM_M_CREATES_OK] - mean) <= 4 * sqrt(mean));
    retsim_scenario_destroy(shaped);
    retsim_scenario_destroy(sc);
}

/* No purges, restore delay D, every accident noticed: recovery = P(D < retention). */
static void test_run_recovery_rate_is_the_delay_cdf(void **state)
{
    (void)state;
    retsim_scenario *sc = load("[policy.x]\nretention = 48h\n"
                               "[simulation]\nhorizon = 365d\n"
                               "[workload.x]\narrivals = 40/d\naccidental_deletes = 1/30d\n"
                               "notice_probability = 1\nrestore_delay = lognormal(median=24h, sigma=1.0)\n");
    retsim_summary s = run_summary(sc, 11);
    double n = s.value[0][RETSIM_M_RESTORES];
    double p = gsl_cdf_lognormal_P(48.0 * 3600 * 1000, log(24.0 * 3600 * 1000), 1.0); /* 0.7559 */
    double got = s.value[0][RETSIM_M_RECOVERY_RATE];
    double se = sqrt(p * (1 - p) / n);
    assert_true(n > 1000);
    if (fabs(got - p) > 4 * se) {
        fail_msg("recovery %.4f over %.0f restores, expected %.4f +- %.4f", got, n, p, 4 * se);
    }
    assert_int_equal((long)s.value[0][RETSIM_M_PURGES_EXPLICIT], 0);
    /* every restore either succeeded or came too late */
    assert_true(s.value[0][RETSIM_M_RESTORES_OK] + s.value[0][RETSIM_M_RESTORES_EXPIRED] == n);
    retsim_scenario_destroy(sc);
}

/* Little's law on the soft-deleted population. With lambda counted from the
 * sojourns that ended, L*T = sum of those sojourns + the part of the ones still
 * open at the horizon, so 0 <= L - lambda*W <= open * retention / T exactly:
 * two independent computations (time integral vs per-instance sojourns). */
static void test_run_littles_law(void **state)
{
    (void)state;
    retsim_scenario *sc = load("[policy.x]\nretention = 48h\npurge_needs_permission = false\n"
                               "[simulation]\nhorizon = 180d\n"
                               "[workload.x]\narrivals = 60/d\nlifetime = exp(mean=20d)\n"
                               "accidental_deletes = 1/60d\nnotice_probability = 0.7\n"
                               "restore_delay = exp(mean=20h)\npurge_probability = 0.3\n"
                               "purge_delay = exp(mean=5h)\n");
    retsim_sim *sim = retsim_sim_create(sc);
    retsim_generator *g = NULL;
    assert_int_equal(retsim_generator_create(sim, 5, 0, &g), 0);
    assert_int_equal(retsim_generator_start(g), 0);
    assert_int_equal(retsim_kernel_run_until(retsim_sim_kernel(sim), sc->settings.horizon), 0);
    double T = (double)sc->settings.horizon;
    retsim_inventory inv = retsim_sim_inventory_now(sim, 0, RETSIM_INV_SOFT_DELETED);
    retsim_sojourn so = retsim_metrics_soft_deleted_time(retsim_sim_metrics(sim), 0);
    double L = inv.area_ms / T;
    double lambda = (double)so.n / T;
    double W = so.sum_ms / (double)so.n;
    double bound = (double)inv.now * 48.0 * 3600 * 1000 / T;
    assert_true(so.n > 1000);
    if (!(L - lambda * W >= -1e-9 * L && L - lambda * W <= bound + 1e-9 * L)) {
        fail_msg("L = %.6f, lambda W = %.6f, open at the end %llu (bound %.6f)", L, lambda * W,
                 (unsigned long long)inv.now, bound);
    }
    /* and with lambda from every soft delete, within the sampling error of W */
    double sd = sqrt(so.sum_sq_ms / (double)so.n - W * W);
    retsim_summary s;
    retsim_summary_compute(&s, sim, g, T);
    double lambda_all = s.value[0][RETSIM_M_DELETES_SOFT] / T;
    assert_true(fabs(L - lambda_all * W) <= 4 * lambda_all * sd / sqrt((double)so.n) + bound);
    retsim_generator_destroy(g);
    retsim_sim_destroy(sim);
    retsim_scenario_destroy(sc);
}

/* A trace worked by hand: replica-hours exact to the millisecond. */
static void test_run_replica_hours_of_a_hand_worked_trace(void **state)
{
    (void)state;
    retsim_scenario *sc =
        load("[policy.x]\nretention = 10h\npurge_needs_permission = false\nreservation = 1h\n"
             "regions = 2\nreplicas_active = 3\nreplicas_soft_deleted = 1\n"
             "price_per_replica_hour = 0.5\n");
    char path[512];
    snprintf(path, sizeof path, "%s/hand.csv", tmpdir);
    FILE *f = fopen(path, "w");
    fputs("time,op,kind,subscription,name\n"
          "0,create,x,s,a\n"
          "1h,create,x,s,b\n"
          "3h1ms,delete,x,s,a\n" /* a soft-deleted at 3h + 1 ms */
          "5h,restore,x,s,a\n"
          "7h,delete,x,s,b\n"
          "9h,purge,x,s,b\n", /* b purged: reserved 9h..10h */
          f);
    fclose(f);
    retsim_sim *sim = retsim_sim_create(sc);
    retsim_error err;
    assert_int_equal(retsim_replay_run(sim, path, 20 * RETSIM_MS_PER_HOUR, NULL, &err), 0);
    /* ACTIVE: a [0, 3h+1ms) + [5h, 20h), b [1h, 7h) */
    double active_ms = (3 * 3600000.0 + 1) + 15 * 3600000.0 + 6 * 3600000.0;
    /* SOFT_DELETED: a [3h+1ms, 5h), b [7h, 9h) */
    double soft_ms = (2 * 3600000.0 - 1) + 2 * 3600000.0;
    assert_true(retsim_sim_inventory_now(sim, 0, RETSIM_INV_ACTIVE).area_ms == active_ms);
    assert_true(retsim_sim_inventory_now(sim, 0, RETSIM_INV_SOFT_DELETED).area_ms == soft_ms);
    assert_true(retsim_sim_inventory_now(sim, 0, RETSIM_INV_RESERVED).area_ms == 3600000.0);
    assert_int_equal(retsim_sim_inventory_now(sim, 0, RETSIM_INV_ACTIVE).peak, 2);
    retsim_summary s;
    retsim_summary_compute(&s, sim, NULL, 20 * 3600000.0);
    double live_h = active_ms * 2 * 3 / 3600000.0; /* 144 h + 6 ms */
    double kept_h = soft_ms * 2 * 1 / 3600000.0;   /* 8 h - 2 ms */
    assert_true(fabs(s.value[0][RETSIM_M_REPLICA_HOURS_LIVE] - live_h) < 1e-12);
    assert_true(fabs(s.value[0][RETSIM_M_REPLICA_HOURS_RETAINED] - kept_h) < 1e-12);
    assert_true(fabs(s.value[0][RETSIM_M_COST_TOTAL] - 0.5 * (live_h + kept_h)) < 1e-12);
    assert_true(fabs(s.value[0][RETSIM_M_ACTIVE_AVG] - active_ms / (20 * 3600000.0)) < 1e-15);
    assert_true(fabs(s.value[0][RETSIM_M_SOFT_DELETED_TIME_MEAN_H] - soft_ms / 2 / 3600000.0) < 1e-12);
    retsim_sim_destroy(sim);
    retsim_scenario_destroy(sc);
}

static const char small[] =
    "[scenario]\nname = small\n"
    "[policy.apim]\nretention = 48h\npurge_needs_permission = true\n"
    "reuse_after_purge = owner_subscription\nreservation = 7d\nreservation.free = 30d\n"
    "replicas_active = 1\nreplicas_soft_deleted = 1\nprice_per_replica_hour = 0.1\n"
    "[simulation]\nhorizon = 120d\nsample_every = 7d\nwarmup = 10d\n"
    "[population]\nsubscriptions = 30\ntenants = 10\n"
    "subscription_types = ea:0.5, free:0.5\nregions = a, b\n"
    "delete_api_versions = current:0.9, 2019-12-01:0.1\n"
    "[workload.apim]\narrivals = 30/d\nlifetime = lognormal(median=20d, sigma=1)\n"
    "accidental_deletes = 1/100d\nnotice_probability = 0.8\n"
    "restore_delay = lognormal(median=24h, sigma=1)\npurge_probability = 0.3\n"
    "purge_delay = exp(mean=2h)\npurge_permission_probability = 0.7\n"
    "recreate_probability = 0.4\nrecreate_delay = exp(mean=1h)\n"
    "recreate_other_subscription_probability = 0.2\nretry_interval = 6h\nretry_limit = 4\n"
    "[change.longer]\nat = 60d\nkind = apim\nretention = 7d\napplies_to = all_soft_deleted\n";

static void run_to(const retsim_scenario *sc, uint64_t seed, const char *name, bool events, const char *trace)
{
    char out[512];
    snprintf(out, sizeof out, "%s/%s", tmpdir, name);
    retsim_run_options opt = {.seed = seed, .out_dir = out, .events = events, .trace_out = trace};
    retsim_error err;
    retsim_error_clear(&err);
    if (retsim_run(sc, &opt, NULL, NULL, &err) != 0) {
        fail_msg("run: %s", err.msg);
    }
}

static void test_run_same_seed_same_bytes(void **state)
{
    (void)state;
    retsim_scenario *sc = load(small);
    run_to(sc, 42, "a", true, NULL);
    run_to(sc, 42, "b", true, NULL);
    run_to(sc, 43, "c", false, NULL);
    static const char *files[] = {"summary.csv", "outcomes.csv", "timeseries.csv", "manifest", "events.csv"};
    char da[300], db[300], dc[300];
    snprintf(da, sizeof da, "%s/a", tmpdir);
    snprintf(db, sizeof db, "%s/b", tmpdir);
    snprintf(dc, sizeof dc, "%s/c", tmpdir);
    for (size_t i = 0; i < 5; i++) {
        char *x = slurp(da, files[i]), *y = slurp(db, files[i]);
        assert_string_equal(x, y);
        free(x);
        free(y);
    }
    char *x = slurp(da, "summary.csv"), *z = slurp(dc, "summary.csv");
    assert_string_not_equal(x, z); /* another seed, another year */
    free(x);
    free(z);
    retsim_scenario_destroy(sc);
}

static void test_run_trace_out_replays_to_the_same_outcomes(void **state)
{
    (void)state;
    retsim_scenario *sc = load(small);
    char trace[512], out[512];
    snprintf(trace, sizeof trace, "%s/trace.csv", tmpdir);
    run_to(sc, 9, "gen", true, trace);
    snprintf(out, sizeof out, "%s/replayed", tmpdir);
    retsim_error err;
    retsim_error_clear(&err);
    if (retsim_replay_to_dir(sc, trace, out, sc->settings.horizon, NULL, NULL, &err) != 0) {
        fail_msg("replay: %s:%ld: %s", err.file, err.line, err.msg);
    }
    char gen[300];
    snprintf(gen, sizeof gen, "%s/gen", tmpdir);
    char *a = slurp(gen, "events.csv"), *b = slurp(out, "events.csv");
    assert_true(strlen(a) > 10000);
    assert_string_equal(a, b);
    free(a);
    free(b);
    /* (outcomes.csv is not compared here: the run counts from the end of its 10-day
     * warm-up, the replay from the start; the CLI test compares it without warm-up) */
    retsim_scenario_destroy(sc);
}

/* Common random numbers: a policy change leaves the users' arrivals alone. */
static void test_run_policies_see_the_same_workload(void **state)
{
    (void)state;
    retsim_scenario *a = load(small);
    retsim_scenario *b = load(small);
    retsim_error err;
    assert_int_equal(retsim_scenario_set(b, "policy.apim.retention=14d", &err), 0);
    retsim_summary sa = run_summary(a, 3), sb = run_summary(b, 3);
    /* the same names arrive ... */
    double arrivals_a = sa.value[0][RETSIM_M_CREATES_OK] - sa.value[0][RETSIM_M_RECREATES_OK];
    double arrivals_b = sb.value[0][RETSIM_M_CREATES_OK] - sb.value[0][RETSIM_M_RECREATES_OK];
    assert_true(arrivals_a == arrivals_b);
    /* ... and the policy's effect shows: longer retention, more recoveries */
    assert_true(sb.value[0][RETSIM_M_RECOVERY_RATE] > sa.value[0][RETSIM_M_RECOVERY_RATE]);
    assert_true(sb.value[0][RETSIM_M_COST_RETAINED] > sa.value[0][RETSIM_M_COST_RETAINED]);
    retsim_scenario_destroy(a);
    retsim_scenario_destroy(b);
}

static void test_run_bad_knobs_name_their_line(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        long line;
        const char *field;
        const char *says;
    } cases[] = {
        {"[policy.x]\n[workload.x]\narrivals = 1/d\nnotice_probability = 1.5\n", 4, "notice_probability",
         "between 0 and 1"},
        {"[policy.x]\n[workload.x]\narrivals = -3/d\n", 3, "arrivals", "cannot be negative"},
        {"[policy.x]\n[workload.x]\narrivals = 1/d\nlifetime = zipf(2)\n", 4, "lifetime",
         "expected a distribution"},
        {"[policy.x]\n[workload.x]\narrivals = 1/d\nlifetime = lognormal(median=2d)\n", 4, "lifetime",
         "lognormal(median=24h, sigma=1.0)"},
        {"[policy.x]\n[workload.x]\narrivals = 1/d\npurge_probability = 0.5\n", 4, "purge_probability",
         "needs purge_delay"},
        {"[policy.x]\n[workload.y]\narrivals = 1/d\n", 2, "workload.y", "no [policy.y]"},
        {"[policy.x]\n[workload.x]\n", 0, "arrivals", "set arrivals"},
        {"[policy.x]\n[simulation]\nhorizon = 0\n[workload.x]\narrivals=1/d\n", 3, "horizon", "positive"},
        {"[policy.x]\n[population]\nsubscription_types = ea:x\n", 3, "subscription_types", "name:weight"},
        {"[policy.x]\n[change.c]\nat = 1d\nkind = y\nretention = 1d\n", 4, "kind", "no [policy.y]"},
        {"[policy.x]\n[workload.x]\narrivals = 1/d\ndaily_profile = 1,2,3\n", 4, "daily_profile", "24"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        expect_scenario_error(i, cases[i].text, cases[i].line, cases[i].field, cases[i].says);
    }
}

/* What a progress callback saw. */
typedef struct seen {
    int calls, finished_calls;
    retsim_progress last;
    bool monotonic;      /* done, clock, events and wall time never went back */
    uint32_t stop_after; /* set *stop once `done` reaches it (0: never) */
    volatile int *stop;
} seen;

static void on_progress(void *ctx, const retsim_progress *p)
{
    seen *s = ctx;
    if (s->finished_calls > 0) {
        s->monotonic = false; /* nothing may follow the finished call */
    }
    if (s->calls > 0 && (p->done < s->last.done || p->simulated_ms < s->last.simulated_ms ||
                         p->events < s->last.events || p->wall_seconds < s->last.wall_seconds)) {
        s->monotonic = false;
    }
    s->calls++;
    s->finished_calls += p->finished;
    s->last = *p;
    if (s->stop_after > 0 && p->done == s->stop_after) {
        *s->stop = 1;
    }
}

/* retsim_run into tmpdir/name with stats (may be NULL), and progress when given. */
static void run_with(const retsim_scenario *sc, const char *name, retsim_progress_fn fn, void *ctx,
                     retsim_run_stats *stats)
{
    char out[512];
    snprintf(out, sizeof out, "%s/%s", tmpdir, name);
    retsim_run_options opt = {
        .seed = 42, .out_dir = out, .events = true, .progress = fn, .progress_ctx = ctx};
    retsim_error err;
    retsim_error_clear(&err);
    if (retsim_run(sc, &opt, NULL, stats, &err) != 0) {
        fail_msg("run: %s", err.msg);
    }
}

/* The callback is called after each of 200 slices and once more at the end;
 * it ends at 100% of the horizon with every event the run counted; and the
 * run's files are the bytes of a run without progress (slicing the kernel's
 * run_until changes nothing). */
static void test_run_progress_reports_every_slice_and_changes_nothing(void **state)
{
    (void)state;
    retsim_scenario *sc = load(small);
    seen s = {.monotonic = true};
    retsim_run_stats stats = {0}, plain_stats = {0};
    run_with(sc, "progress", on_progress, &s, &stats);
    assert_int_equal(s.calls, 200 + 1);
    assert_int_equal(s.finished_calls, 1);
    assert_true(s.monotonic);
    assert_true(s.last.finished);
    assert_int_equal(s.last.done, 200);
    assert_int_equal(s.last.total, 200);
    assert_true(s.last.fraction == 1.0);
    assert_int_equal(s.last.simulated_ms, sc->settings.horizon);
    assert_int_equal(s.last.horizon_ms, sc->settings.horizon);
    assert_int_equal(s.last.events, stats.events);

    run_with(sc, "no-progress", NULL, NULL, &plain_stats);
    assert_int_equal(plain_stats.events, stats.events);
    static const char *files[] = {"summary.csv", "outcomes.csv",        "timeseries.csv",       "manifest",
                                  "events.csv",  "summary_by_type.csv", "summary_by_period.csv"};
    /* and without stats: the manifest's warmup_mser5_d is there all the same */
    run_with(sc, "no-stats", NULL, NULL, NULL);
    char a[300], b[300], c[300];
    snprintf(a, sizeof a, "%s/progress", tmpdir);
    snprintf(b, sizeof b, "%s/no-progress", tmpdir);
    snprintf(c, sizeof c, "%s/no-stats", tmpdir);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *x = slurp(a, files[i]), *y = slurp(b, files[i]), *z = slurp(c, files[i]);
        assert_string_equal(x, y);
        assert_string_equal(x, z);
        free(x);
        free(y);
        free(z);
    }
    retsim_scenario_destroy(sc);
}

/* A run stopped from the callback after 50 slices: RETSIM_EINTR within the
 * next slice, no report past 50, and one finished call repeating slice 50. */
static void test_run_progress_of_a_stopped_run(void **state)
{
    (void)state;
    retsim_scenario *sc = load(small);
    volatile int stop = 0;
    seen s = {.monotonic = true, .stop_after = 50, .stop = &stop};
    retsim_run_options opt = {.seed = 1, .progress = on_progress, .progress_ctx = &s, .stop = &stop};
    retsim_error err;
    retsim_error_clear(&err);
    assert_int_equal(retsim_run(sc, &opt, NULL, NULL, &err), RETSIM_EINTR);
    assert_int_equal(s.calls, 50 + 1);
    assert_int_equal(s.finished_calls, 1);
    assert_true(s.monotonic);
    assert_int_equal(s.last.done, 50);
    assert_int_equal(s.last.simulated_ms, sc->settings.horizon / 200 * 50);
    retsim_scenario_destroy(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_arrivals_are_poisson),
        cmocka_unit_test(test_run_recovery_rate_is_the_delay_cdf),
        cmocka_unit_test(test_run_littles_law),
        cmocka_unit_test(test_run_replica_hours_of_a_hand_worked_trace),
        cmocka_unit_test(test_run_same_seed_same_bytes),
        cmocka_unit_test(test_run_trace_out_replays_to_the_same_outcomes),
        cmocka_unit_test(test_run_policies_see_the_same_workload),
        cmocka_unit_test(test_run_bad_knobs_name_their_line),
        cmocka_unit_test(test_run_progress_reports_every_slice_and_changes_nothing),
        cmocka_unit_test(test_run_progress_of_a_stopped_run),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
