/* Shards: K/N is parsed 1-based and checked; a list of 11 tasks in 3 shards
 * (4, 4 and 3 tasks: t mod 3) collected, written, read back and replayed
 * fills every slot with its own value, each landed once, whatever the order
 * of the parts; the part manifest carries arguments with spaces, '%',
 * line breaks and "" unchanged; parts that do not make one run are refused. */
#include "helpers.h"
#include "retsim/shard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_TASKS 11

typedef struct slots {
    uint64_t value[N_TASKS];
    int landed[N_TASKS];
} slots;

/* Task t's result: a value no other task has (t^2 + 7, by hand: 7, 8, 11, ...). */
static int slot_run(void *ctx, uint32_t t, retsim_error *err)
{
    (void)err;
    ((slots *)ctx)->value[t] = (uint64_t)t * t + 7;
    return 0;
}

static int slot_encode(void *ctx, uint32_t t, char **buf, size_t *len)
{
    *buf = malloc(sizeof(uint64_t));
    if (*buf == NULL) {
        return RETSIM_ENOMEM;
    }
    memcpy(*buf, &((slots *)ctx)->value[t], sizeof(uint64_t));
    *len = sizeof(uint64_t);
    return 0;
}

static int slot_decode(void *ctx, uint32_t t, const char *buf, size_t len, retsim_error *err)
{
    if (len != sizeof(uint64_t)) {
        return retsim_error_set(err, RETSIM_EINPUT, "", 0, "", "not 8 bytes");
    }
    memcpy(&((slots *)ctx)->value[t], buf, len);
    return 0;
}

static void slot_landed(void *ctx, uint32_t t)
{
    ((slots *)ctx)->landed[t]++;
}

static retsim_tasks tasks_of(slots *s, uint32_t k, uint32_t n)
{
    return (retsim_tasks){.n = N_TASKS,
                          .shard_k = k,
                          .shard_n = n,
                          .jobs = 2,
                          .run = slot_run,
                          .encode = slot_encode,
                          .decode = slot_decode,
                          .landed = slot_landed,
                          .ctx = s};
}

static void test_shard_parse(void **state)
{
    (void)state;
    uint32_t k = 99, n = 99;
    retsim_error err;
    assert_int_equal(retsim_shard_parse("2/4", &k, &n, &err), 0);
    assert_int_equal(k, 1);
    assert_int_equal(n, 4);
    assert_int_equal(retsim_shard_parse("1/1", &k, &n, &err), 0);
    assert_int_equal(k, 0);
    assert_int_equal(n, 1);
    static const char *const bad[] = {"0/3",  "4/3",  "2-3",  "",     "/3",      "3/",
                                      " 1/2", "1/2x", "+1/2", "1/-2", "1/100001"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(retsim_shard_parse(bad[i], &k, &n, &err), RETSIM_EUSAGE);
    }
}

static char *argv_of[] = {"scen.ini", "--vary", "a b,%41,c", "line\nbreak", "--out", "", "-q"};

/* Shard k of 3 run by the collector and written to tmpdir/NAME. */
static void write_shard(const char *name, uint32_t k, uint32_t n, uint64_t seed)
{
    slots s = {{0}, {0}};
    retsim_tasks ts = tasks_of(&s, k, n);
    retsim_shard_frames frames = {0};
    retsim_executor ex;
    retsim_shard_collector(&frames, &ex);
    retsim_error err;
    assert_int_equal(retsim_tasks_run(&ex, &ts, &err), 0);
    assert_int_equal(frames.count, retsim_tasks_count(&ts));
    assert_int_equal(frames.expected, retsim_tasks_count(&ts));
    retsim_shard_info info = {.command = "sweep",
                              .shard_k = k,
                              .shard_n = n,
                              .tasks = N_TASKS,
                              .replications = 1,
                              .seed = seed,
                              .argc = 7,
                              .argv = argv_of,
                              .out_arg = 5,
                              .out_prefix = "",
                              .scenario = "[simulation]\nhorizon = 1d\n"};
    const char *keys[] = {"vary.1"}, *values[] = {"a b,%41,c"};
    char dir[512];
    snprintf(dir, sizeof dir, "%s/%s", tmpdir, name);
    assert_int_equal(retsim_shard_write(dir, &info, keys, values, 1, &frames, &err), 0);
    retsim_shard_frames_free(&frames);
}

static void read_part(const char *name, retsim_shard_part *p)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/%s", tmpdir, name);
    retsim_error err;
    retsim_error_clear(&err);
    int rc = retsim_shard_read(dir, p, &err);
    char text[600];
    if (rc != 0) {
        fail_msg("%s", retsim_error_format(&err, text, sizeof text));
    }
}

static void test_shard_round_trip(void **state)
{
    (void)state;
    for (uint32_t k = 0; k < 3; k++) {
        char name[16];
        snprintf(name, sizeof name, "p%u", k + 1);
        write_shard(name, k, 3, 42);
    }
    retsim_shard_part parts[3];
    read_part("p3", &parts[0]); /* out of order on purpose */
    read_part("p1", &parts[1]);
    read_part("p2", &parts[2]);
    assert_int_equal(parts[1].n_frames, 4); /* tasks 0, 3, 6, 9 */
    assert_int_equal(parts[2].n_frames, 4); /* 1, 4, 7, 10 */
    assert_int_equal(parts[0].n_frames, 3); /* 2, 5, 8 */
    const retsim_shard_info *in = &parts[1].info;
    assert_string_equal(in->command, "sweep");
    assert_int_equal(in->seed, 42);
    assert_int_equal(in->tasks, N_TASKS);
    assert_int_equal(in->argc, 7);
    for (int i = 0; i < 7; i++) {
        assert_string_equal(in->argv[i], argv_of[i]);
    }
    assert_int_equal(in->out_arg, 5);
    assert_string_equal(in->scenario, "[simulation]\nhorizon = 1d\n");
    retsim_error err;
    assert_int_equal(retsim_shard_check(parts, 3, &err), 0);
    slots s = {{0}, {0}};
    retsim_tasks ts = tasks_of(&s, 0, 0);
    retsim_shard_set set = {parts, 3};
    retsim_executor ex;
    retsim_shard_replayer(&set, &ex);
    assert_int_equal(retsim_tasks_run(&ex, &ts, &err), 0);
    for (uint32_t t = 0; t < N_TASKS; t++) {
        assert_int_equal(s.value[t], (uint64_t)t * t + 7);
        assert_int_equal(s.landed[t], 1);
    }
    ts.n = N_TASKS - 1; /* another run's task list */
    assert_int_equal(retsim_tasks_run(&ex, &ts, &err), RETSIM_EINPUT);
    for (int i = 0; i < 3; i++) {
        retsim_shard_part_free(&parts[i]);
    }
}

/* check fails with RETSIM_EINPUT and a message holding want. */
static void expect_refused(const retsim_shard_part *parts, size_t n, const char *want)
{
    retsim_error err;
    retsim_error_clear(&err);
    assert_int_equal(retsim_shard_check(parts, n, &err), RETSIM_EINPUT);
    char text[1200];
    retsim_error_format(&err, text, sizeof text);
    if (strstr(text, want) == NULL) {
        fail_msg("'%s' does not say '%s'", text, want);
    }
}

static void test_shard_check_refuses(void **state)
{
    (void)state;
    write_shard("q1", 0, 2, 5);
    write_shard("q2", 1, 2, 5);
    write_shard("seed6", 1, 2, 6);
    write_shard("of3", 1, 3, 5);
    retsim_shard_part p[4];
    read_part("q1", &p[0]);
    read_part("q2", &p[1]);
    read_part("q1", &p[2]);
    read_part("seed6", &p[3]);
    expect_refused(p, 1, "shard 2/2 is missing");
    expect_refused(p, 3, "shard 1/2 given twice");
    expect_refused((retsim_shard_part[]){p[0], p[3]}, 2, "seed = 6");
    retsim_shard_part_free(&p[3]);
    read_part("of3", &p[3]);
    expect_refused((retsim_shard_part[]){p[0], p[3]}, 2, "split into 3 shards, not 2");
    p[1].task[0] = 0; /* a task of the other shard */
    expect_refused(p, 2, "holds task 0, not one of shard 2/2's");
    p[1].task[0] = 3; /* q2 holds 1, 3, 5, 7, 9: now 3 twice and 1 missing */
    expect_refused(p, 2, "holds task 3 twice");
    for (int i = 0; i < 4; i++) {
        retsim_shard_part_free(&p[i]);
    }
}

static void test_shard_read_refuses_corrupt(void **state)
{
    (void)state;
    write_shard("c1", 0, 1, 5);
    char path[600];
    snprintf(path, sizeof path, "%s/c1/tasks.bin", tmpdir);
    FILE *fp = fopen(path, "r+b");
    assert_non_null(fp);
    fseek(fp, 8 + 20, SEEK_SET); /* task 0's first byte: after the header and the frame head */
    int c = fgetc(fp);
    fseek(fp, 8 + 20, SEEK_SET);
    fputc(c ^ 0x01, fp);
    fclose(fp);
    snprintf(path, sizeof path, "%s/c1", tmpdir);
    retsim_shard_part p;
    retsim_error err;
    retsim_error_clear(&err);
    assert_int_equal(retsim_shard_read(path, &p, &err), RETSIM_EINPUT);
    char text[1200];
    assert_non_null(strstr(retsim_error_format(&err, text, sizeof text), "task 0's bytes do not match"));
    assert_null(p.data); /* nothing kept to free */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shard_parse),
        cmocka_unit_test(test_shard_round_trip),
        cmocka_unit_test(test_shard_check_refuses),
        cmocka_unit_test(test_shard_read_refuses_corrupt),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
