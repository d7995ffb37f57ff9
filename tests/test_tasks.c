/* Tasks and where they run: every task of a shard exactly once, shards that
 * together are the whole list, the first error stops the rest; an experiment
 * run as one list of tasks equals its points run apart, and sharded halves
 * put together equal the whole; a replication's bytes decode to the same
 * results, and bytes that are not a record are refused. */
#include "helpers.h"
#include "retsim/experiment.h"
#include "retsim/tasks.h"

#include <math.h>
#include <pthread.h>

#define N_TASKS 23

typedef struct counter {
    pthread_mutex_t lock;
    int ran[N_TASKS];
    int landed[N_TASKS];
    uint32_t fail_at; /* N_TASKS: none */
} counter;

static int count_run(void *ctx, uint32_t t, retsim_error *err)
{
    counter *c = ctx;
    pthread_mutex_lock(&c->lock);
    c->ran[t]++;
    pthread_mutex_unlock(&c->lock);
    if (t == c->fail_at) {
        return retsim_error_set(err, RETSIM_EINPUT, "", 0, "task", "task %u fails", t);
    }
    return 0;
}

static void count_landed(void *ctx, uint32_t t)
{
    counter *c = ctx;
    c->landed[t]++; /* one call at a time: no lock needed */
}

/* Shards k of n for n = 1..5 and jobs 1..3: each task runs and lands once in
 * exactly one shard, and retsim_tasks_count says how many a shard holds. */
static void test_tasks_shards_cover_the_list_once(void **state)
{
    (void)state;
    for (uint32_t n = 1; n <= 5; n++) {
        for (int jobs = 1; jobs <= 3; jobs++) {
            counter c = {.fail_at = N_TASKS};
            pthread_mutex_init(&c.lock, NULL);
            for (uint32_t k = 0; k < n; k++) {
                retsim_tasks ts = {.n = N_TASKS,
                                   .shard_k = k,
                                   .shard_n = n,
                                   .jobs = jobs,
                                   .run = count_run,
                                   .landed = count_landed,
                                   .ctx = &c};
                int before = 0, after = 0;
                for (int t = 0; t < N_TASKS; t++) {
                    before += c.landed[t];
                }
                assert_int_equal(retsim_tasks_run(NULL, &ts, NULL), 0);
                for (int t = 0; t < N_TASKS; t++) {
                    after += c.landed[t];
                }
                /* tasks k, k + n, ...: ceil((23 - k) / n) of them */
                assert_int_equal(after - before, (N_TASKS - (int)k + (int)n - 1) / (int)n);
                assert_int_equal(retsim_tasks_count(&ts), (uint32_t)(after - before));
            }
            for (int t = 0; t < N_TASKS; t++) {
                assert_int_equal(c.ran[t], 1);
                assert_int_equal(c.landed[t], 1);
            }
            pthread_mutex_destroy(&c.lock);
        }
    }
}

/* A failing task's error comes back, and it never lands. */
static void test_tasks_first_error_is_returned(void **state)
{
    (void)state;
    counter c = {.fail_at = 3};
    pthread_mutex_init(&c.lock, NULL);
    retsim_tasks ts = {.n = N_TASKS, .jobs = 1, .run = count_run, .landed = count_landed, .ctx = &c};
    retsim_error err;
    retsim_error_clear(&err);
    assert_int_equal(retsim_tasks_run(NULL, &ts, &err), RETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "task 3 fails"));
    assert_int_equal(c.landed[3], 0);
    for (int t = 4; t < N_TASKS; t++) { /* one thread, in order: nothing after the failure started */
        assert_int_equal(c.ran[t], 0);
    }
    pthread_mutex_destroy(&c.lock);
}

static const char scenario[] = "[policy.apim]\nretention = 48h\nreservation = 7d\n"
                               "[simulation]\nhorizon = 60d\nsample_every = 10d\n"
                               "[population]\nsubscriptions = 20\n"
                               "[workload.apim]\narrivals = 30/d\nlifetime = exp(mean=10d)\n"
                               "accidental_deletes = 1/30d\nnotice_probability = 0.8\n"
                               "restore_delay = exp(mean=24h)\nrecreate_probability = 0.3\n"
                               "recreate_delay = exp(mean=1h)\nretry_interval = 6h\nretry_limit = 2\n"
                               "[change.longer]\nat = 30d\nkind = apim\nretention = 7d\n";

static void same_replication(const retsim_replication *x, const retsim_replication *y)
{
    assert_true(x->done && y->done);
    assert_int_equal(x->summary.n_rows, y->summary.n_rows);
    /* the same bits: NaN metrics too */
    assert_memory_equal(x->summary.value, y->summary.value, sizeof x->summary.value);
    assert_string_equal(x->summary.kind[0], y->summary.kind[0]);
    assert_string_equal(x->summary.currency, y->summary.currency);
    assert_int_equal(x->events, y->events);
    const char *a[] = {x->timeseries, x->outcomes, x->by_type, x->by_period};
    const char *b[] = {y->timeseries, y->outcomes, y->by_type, y->by_period};
    for (int i = 0; i < 4; i++) {
        assert_true((a[i] == NULL) == (b[i] == NULL));
        if (a[i] != NULL) {
            assert_string_equal(a[i], b[i]);
        }
    }
    assert_true((x->periods == NULL) == (y->periods == NULL));
    if (x->periods != NULL) {
        assert_int_equal(x->periods->n, y->periods->n);
        for (int i = 0; i < x->periods->n; i++) {
            assert_int_equal(x->periods->from_ms[i], y->periods->from_ms[i]);
            assert_memory_equal(x->periods->summary[i].value, y->periods->summary[i].value,
                                sizeof x->periods->summary[i].value);
        }
    }
}

/* Two points run as one list (a sweep) equal each run apart; and the two
 * halves of a 2-shard run, put together, equal the whole. */
static void test_tasks_run_many_equals_points_apart(void **state)
{
    (void)state;
    retsim_scenario *a = load(scenario), *b = load(scenario);
    const char *set[] = {"policy.apim.retention=7d"};
    assert_int_equal(retsim_scenario_set_all(b, set, 1, NULL), 0);
    const retsim_scenario *points[2] = {a, b};
    retsim_experiment_options o = {.seed = 7, .replications = 3, .jobs = 2, .keep_rows = true};
    retsim_experiment *many[2], *apart[2], *half0[2], *half1[2];
    assert_int_equal(retsim_experiment_run_many(points, NULL, 2, &o, many, NULL), 0);
    assert_int_equal(retsim_experiment_run(a, &o, &apart[0], NULL), 0);
    assert_int_equal(retsim_experiment_run(b, &o, &apart[1], NULL), 0);
    retsim_experiment_options s0 = o, s1 = o;
    s0.shard_n = s1.shard_n = 2;
    s1.shard_k = 1;
    assert_int_equal(retsim_experiment_run_many(points, NULL, 2, &s0, half0, NULL), 0);
    assert_int_equal(retsim_experiment_run_many(points, NULL, 2, &s1, half1, NULL), 0);
    for (int p = 0; p < 2; p++) {
        assert_int_equal(many[p]->completed, 3);
        assert_int_equal(half0[p]->completed + half1[p]->completed, 3);
        for (uint32_t r = 0; r < 3; r++) {
            same_replication(&many[p]->reps[r], &apart[p]->reps[r]);
            uint32_t t = (uint32_t)p * 3 + r; /* task t is in shard t % 2 only */
            const retsim_experiment *h = t % 2 == 0 ? half0[p] : half1[p];
            const retsim_experiment *other = t % 2 == 0 ? half1[p] : half0[p];
            same_replication(&many[p]->reps[r], &h->reps[r]);
            assert_false(other->reps[r].done);
        }
        retsim_experiment_destroy(many[p]);
        retsim_experiment_destroy(apart[p]);
        retsim_experiment_destroy(half0[p]);
        retsim_experiment_destroy(half1[p]);
    }
    retsim_scenario_destroy(a);
    retsim_scenario_destroy(b);
}

/* encode then decode gives the same results (periods and rows included);
 * every truncation, a wrong marker and trailing bytes are refused. */
static void test_tasks_replication_bytes_round_trip(void **state)
{
    (void)state;
    retsim_scenario *sc = load(scenario);
    retsim_experiment_options o = {.seed = 3, .replications = 2, .jobs = 1, .keep_rows = true};
    retsim_experiment *e = NULL;
    assert_int_equal(retsim_experiment_run(sc, &o, &e, NULL), 0);
    assert_non_null(e->reps[1].periods); /* the change makes two periods */
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(retsim_replication_encode(&e->reps[1], &buf, &len), 0);
    retsim_replication back;
    memset(&back, 0, sizeof back);
    retsim_error err;
    assert_int_equal(retsim_replication_decode(&back, buf, len, &err), 0);
    same_replication(&e->reps[1], &back);
    free(back.timeseries);
    free(back.outcomes);
    free(back.by_type);
    free(back.by_period);
    free(back.periods);
    for (size_t cut = 0; cut < len; cut += 1 + cut / 16) {
        memset(&back, 0, sizeof back);
        retsim_error_clear(&err);
        assert_int_equal(retsim_replication_decode(&back, buf, cut, &err), RETSIM_EINPUT);
        assert_false(back.done);
        assert_null(back.periods);
    }
    char *longer = malloc(len + 1);
    memcpy(longer, buf, len);
    longer[len] = 'x';
    memset(&back, 0, sizeof back);
    assert_int_equal(retsim_replication_decode(&back, longer, len + 1, &err), RETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "follow"));
    longer[0] = 'X';
    assert_int_equal(retsim_replication_decode(&back, longer, len, &err), RETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "does not start"));
    free(longer);
    free(buf);
    retsim_experiment_destroy(e);
    retsim_scenario_destroy(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tasks_shards_cover_the_list_once),
        cmocka_unit_test(test_tasks_first_error_is_returned),
        cmocka_unit_test(test_tasks_run_many_equals_points_apart),
        cmocka_unit_test(test_tasks_replication_bytes_round_trip),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
