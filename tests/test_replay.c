/* Trace replay: bad rows name their line and column; outputs are all or nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "retsim/replay.h"

static const char scenario_text[] =
    "[policy.apim]\nretention = 48h\n"
    "[policy.gallery]\nname_scope = subscription\nsoft_delete_supported = false\n"
    "[policy.image]\nparent = gallery\nname_scope = parent\n"
    "[policy.plain]\n";

static int replay_text(const char *trace, size_t len, retsim_error *err, retsim_replay_stats *st)
{
    retsim_scenario *sc = NULL;
    assert_int_equal(retsim_scenario_load_string(scenario_text, "s.ini", &sc, err), 0);
    retsim_sim *sim = retsim_sim_create(sc);
    const char *path = put_file("trace.csv", trace, len);
    retsim_error_clear(err);
    int rc = retsim_replay_run(sim, path, RETSIM_TIME_NEVER, st, err);
    retsim_sim_destroy(sim);
    retsim_scenario_destroy(sc);
    return rc;
}

typedef struct bad_row {
    const char *trace;
    long line;
    const char *field;
    const char *says;
} bad_row;

static void test_replay_bad_rows_name_line_and_column(void **state)
{
    (void)state;
    static const bad_row cases[] = {
        {"time,op,kind,subscription,name\n0,create,apim,s1,a\n1h,launch,apim,s1,a\n", 3, "op",
         "unknown operation"},
        {"time,op,kind,subscription,name\n0,create,dragon,s1,a\n", 2, "kind", "unknown kind"},
        {"time,op,kind,subscription,name\nsoon,create,apim,s1,a\n", 2, "time", "expected a duration"},
        {"time,op,kind,subscription,name\n2h,create,apim,s1,a\n1h,create,apim,s1,b\n", 3, "time",
         "backwards"},
        {"time,op,kind,name\n0,create,apim,a\n", 1, "subscription", "missing column"},
        {"time,op,kind,subscription,name\n0,create,apim,s1\n", 2, "name", "missing required field"},
        {"time,op,kind,subscription,name,tenant,options\n0,create,apim,s1\n", 2, "name",
         "missing required field"},
        {"time,op,kind,subscription,name\n0,create,apim,s1,a,extra\n", 2, "", "at most 5 fields"},
        {"time,op,kind,subscription,name\n0,create,apim,s1,a\xff\xfe\n", 2, "name", "UTF-8"},
        {"time,op,kind,subscription,name\n0,create,apim,s1,\"a\n", 2, "", "never closed"},
        {"time,op,kind,subscription,name,options\n0,restore,apim,s1,a,retention=1d\n", 2, "options",
         "does not apply"},
        {"time,op,kind,subscription,name,options\n0,set_policy,apim,,,retention=forever\n", 2, "options",
         "retention"},
        {"time,op,kind,subscription,name,options\n0,set_policy,apim,,,\n", 2, "options", "at least one"},
        {"time,op,kind,subscription,name,options\n0,set_policy,apim,s1,,soft_delete=on\n", 2, "subscription",
         "kind-wide"},
        {"time,op,kind,subscription,name\n0,create,apim,,a\n", 2, "subscription", "needs a subscription"},
        {"time,op,kind,subscription,name\n0,delete,apim,s1,\n", 2, "name", "needs a name"},
        {"time,op,kind,subscription,name\n0,list_deleted,apim,s1,a\n", 2, "name", "no name"},
        {"time,op,kind,subscription,name,api_version\n0,delete,apim,s1,a,latest\n", 2, "api_version",
         "API version"},
        {"time,op,kind,subscription,name,parent\n0,create,image,s1,i,\n", 2, "parent", "one component"},
        {"time,op,kind,subscription,name,tenant\n0,create,apim,s1,a,t1\n1s,create,apim,s1,b,t2\n", 3,
         "tenant", "another tenant"},
        {"time,op,kind,subscription,name\n2024-01-01T00:00:00Z,create,apim,s1,a\n1h,create,apim,s1,b\n", 3,
         "time", "earlier rows use ISO-8601"},
        {"time,op,kind,subscription,name,name\n", 1, "name", "twice"},
        {"", 1, "", "empty trace"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        retsim_error err;
        int rc = replay_text(cases[i].trace, strlen(cases[i].trace), &err, NULL);
        if (rc != RETSIM_EINPUT || err.line != cases[i].line || strcmp(err.field, cases[i].field) != 0 ||
            strstr(err.msg, cases[i].says) == NULL || strstr(err.file, "trace.csv") == NULL) {
            fail_msg("case %zu: rc %d line %ld field '%s' msg '%s'", i, rc, err.line, err.field, err.msg);
        }
    }
}

static void test_replay_accepts_iso_times_quotes_and_extra_columns(void **state)
{
    (void)state;
    const char trace[] = "note,time,op,kind,subscription,name\r\n"
                         "\"hello, world\",2024-11-24T19:40:50Z,create,apim,s1,\"a\"\r\n"
                         "x,2024-11-24T21:40:50Z,delete,apim,s1,a\r\n"
                         "\n"
                         "y,2024-11-24T22:40:50Z,create,plain,s1,p\r\n";
    retsim_error err;
    retsim_replay_stats st;
    assert_int_equal(replay_text(trace, sizeof trace - 1, &err, &st), 0);
    assert_int_equal(st.rows, 3);
    assert_int_equal(st.events, 1); /* the automatic purge after the last row */
    assert_int_equal(st.end_time, 2 * RETSIM_MS_PER_HOUR + 48 * RETSIM_MS_PER_HOUR);
}

/* The options column reaches the registry: a retention change moves the
 * automatic purge of an instance already soft-deleted only with
 * applies_to=all_soft_deleted, and soft_delete=off on create makes the
 * delete hard. Deleted at 1h with 48h retention, the purge is due at 49h;
 * retention 3h for all soft-deleted ones moves it to 1h + 3h = 4h. */
static void test_replay_options_reach_the_registry(void **state)
{
    (void)state;
    static const struct {
        const char *trace;
        uint64_t auto_purges;
        retsim_time end_time;
    } cases[] = {
        {"time,op,kind,subscription,name,options\n0,create,apim,s1,a,\n1h,delete,apim,s1,a,\n"
         "2h,set_policy,apim,,,retention=3h;applies_to=all_soft_deleted\n",
         1, 4 * RETSIM_MS_PER_HOUR},
        {"time,op,kind,subscription,name,options\n0,create,apim,s1,a,\n1h,delete,apim,s1,a,\n"
         "2h,set_policy,apim,,,retention=3h;applies_to=new_deletes\n",
         1, 49 * RETSIM_MS_PER_HOUR},
        {"time,op,kind,subscription,name,options\n0,create,apim,s1,a,soft_delete=off\n1h,delete,apim,s1,a\n",
         0, RETSIM_MS_PER_HOUR},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        retsim_error err;
        retsim_replay_stats st = {0};
        if (replay_text(cases[i].trace, strlen(cases[i].trace), &err, &st) != 0) {
            fail_msg("case %zu: %ld %s: %s", i, err.line, err.field, err.msg);
        }
        if (st.auto_purges != cases[i].auto_purges || st.end_time != cases[i].end_time) {
            fail_msg("case %zu: %llu auto purges, end %lld ms", i, (unsigned long long)st.auto_purges,
                     (long long)st.end_time);
        }
    }
}

/* A trace is text: a NUL byte would cut a C string ("a\0b" read as "a",
 * "0\0" as "0"), so it is refused on its own line. */
static void test_replay_refuses_nul_bytes(void **state)
{
    (void)state;
    static const char name_nul[] = "time,op,kind,subscription,name\n0,create,apim,s1,a\0b\n";
    static const char time_nul[] = "time,op,kind,subscription,name\n0,create,apim,s1,a\n1h,delete,apim,s1,a\n"
                                   "0\0,create,apim,s1,b\n";
    static const char quoted_nul[] = "time,op,kind,subscription,name\n0,create,apim,s1,\"x\n\0\"\n";
    const struct {
        const char *text;
        size_t len;
        long line;
    } cases[] = {
        {name_nul, sizeof name_nul - 1, 2},
        {time_nul, sizeof time_nul - 1, 4},
        {quoted_nul, sizeof quoted_nul - 1, 3}, /* the line the NUL is on, inside a row of two lines */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        retsim_error err;
        retsim_replay_stats st = {0};
        int rc = replay_text(cases[i].text, cases[i].len, &err, &st);
        if (rc != RETSIM_EINPUT || err.line != cases[i].line || strstr(err.msg, "NUL byte") == NULL) {
            fail_msg("case %zu: rc %d line %ld msg '%s'", i, rc, err.line, err.msg);
        }
    }
}

/* A UTF-8 byte-order mark before the header is skipped, as in scenario files;
 * the same bytes anywhere else are data (here: not a column name). */
static void test_replay_accepts_a_byte_order_mark(void **state)
{
    (void)state;
    const char bom[] =
        "\xef\xbb\xbftime,op,kind,subscription,name\n0,create,apim,s1,a\n1h,delete,apim,s1,a\n";
    retsim_error err;
    retsim_replay_stats st = {0};
    assert_int_equal(replay_text(bom, sizeof bom - 1, &err, &st), 0);
    assert_int_equal(st.rows, 2);
    const char late[] = "op,\xef\xbb\xbftime,kind,subscription,name\ncreate,0,apim,s1,a\n";
    assert_int_equal(replay_text(late, sizeof late - 1, &err, &st), RETSIM_EINPUT);
    assert_string_equal(err.field, "time");
    assert_non_null(strstr(err.msg, "missing column"));
}

/* A trace whose header adds n_extra ignored columns, and one create row whose
 * extra fields hold `each` bytes ('x') apiece (in quotes spanning lines if
 * `lines`). The caller frees. */
static char *wide_trace(int n_extra, size_t each, bool lines, size_t *len)
{
    size_t cap = 256 + (size_t)n_extra * (each + 16);
    char *t = malloc(cap);
    size_t n = (size_t)snprintf(t, cap, "time,op,kind,subscription,name");
    for (int i = 0; i < n_extra; i++) {
        n += (size_t)snprintf(t + n, cap - n, ",note%d", i);
    }
    n += (size_t)snprintf(t + n, cap - n, "\n0,create,apim,s1,a");
    for (int i = 0; i < n_extra; i++) {
        t[n++] = ',';
        t[n++] = '"';
        for (size_t k = 0; k < each; k++) {
            t[n++] = lines && k % 64 == 63 ? '\n' : 'x';
        }
        t[n++] = '"';
    }
    t[n++] = '\n';
    *len = n;
    return t;
}

/* Memory stays bounded: a field may hold RETSIM_TRACE_FIELD_MAX bytes (65536),
 * not one more, whether it ends on its line or runs on over many; a row may
 * hold RETSIM_TRACE_ROW_MAX bytes (1 MiB) of fields. */
static void test_replay_limits_a_field_and_a_row(void **state)
{
    (void)state;
    const struct {
        int n_extra;
        size_t each;
        bool lines;
        int rc;
        const char *says;
    } cases[] = {
        {1, 65536, false, 0, NULL},
        {1, 65537, false, RETSIM_EINPUT, "field 6 is longer than 65536 bytes"},
        {1, 65536, true, 0, NULL},
        {1, 65537, true, RETSIM_EINPUT, "field 6 is longer than 65536 bytes"},
        {1, 10 * 1000 * 1000, false, RETSIM_EINPUT, "field 6 is longer than 65536 bytes"},
        /* each field counts its bytes + 1 (its NUL); the first five take 19: 19 + 16 x 64001 - 1 = 1024034
         * bytes fit in 1048576, 19 + 17 x 64001 - 1 = 1088035 do not */
        {16, 64000, false, 0, NULL},
        {17, 64000, false, RETSIM_EINPUT, "the row is longer than 1048576 bytes"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len = 0;
        char *t = wide_trace(cases[i].n_extra, cases[i].each, cases[i].lines, &len);
        retsim_error err;
        retsim_replay_stats st = {0};
        int rc = replay_text(t, len, &err, &st);
        free(t);
        if (rc != cases[i].rc || (rc == 0 && st.rows != 1) ||
            (rc != 0 && (err.line != 2 || strstr(err.msg, cases[i].says) == NULL))) {
            fail_msg("case %zu: rc %d line %ld msg '%s'", i, rc, err.line, err.msg);
        }
    }
}

/* A directory or a device is refused before it is read (/dev/zero would never
 * end); a pipe is read like a file, since the trace is streamed once. */
static void test_replay_refuses_what_is_not_a_file_or_a_pipe(void **state)
{
    (void)state;
    retsim_scenario *sc = NULL;
    retsim_error err;
    assert_int_equal(retsim_scenario_load_string(scenario_text, "s.ini", &sc, &err), 0);
    const struct {
        const char *path;
        const char *says;
    } cases[] = {{tmpdir, "is a directory"}, {"/dev/zero", "is a device"}, {"/dev/null", "is a device"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        retsim_sim *sim = retsim_sim_create(sc);
        int rc = retsim_replay_run(sim, cases[i].path, RETSIM_TIME_NEVER, NULL, &err);
        retsim_sim_destroy(sim);
        if (rc != RETSIM_EINPUT || strstr(err.msg, cases[i].says) == NULL ||
            strcmp(err.file, cases[i].path) != 0) {
            fail_msg("%s: rc %d msg '%s'", cases[i].path, rc, err.msg);
        }
    }
    char fifo[600];
    snprintf(fifo, sizeof fifo, "%s/trace.fifo", tmpdir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) { /* the writer: the reader's open waits for it */
        FILE *w = fopen(fifo, "w");
        fputs("time,op,kind,subscription,name\n0,create,apim,s1,a\n", w);
        fclose(w);
        _exit(0);
    }
    retsim_sim *sim = retsim_sim_create(sc);
    retsim_replay_stats st = {0};
    assert_int_equal(retsim_replay_run(sim, fifo, RETSIM_TIME_NEVER, &st, &err), 0);
    assert_int_equal(st.rows, 1);
    int status = 0;
    assert_int_equal(waitpid(child, &status, 0), child);
    retsim_sim_destroy(sim);
    retsim_scenario_destroy(sc);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        n += e->d_name[0] != '.' || (e->d_name[1] != '\0' && strcmp(e->d_name, "..") != 0);
    }
    closedir(d);
    return n;
}

static char *slurp_path(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = calloc(1, 1 << 20);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_replay_outputs_are_all_or_nothing_and_repeatable(void **state)
{
    (void)state;
    retsim_scenario *sc = NULL;
    retsim_error err;
    assert_int_equal(retsim_scenario_load_string(scenario_text, "s.ini", &sc, &err), 0);
    char out[512], events[600];
    snprintf(out, sizeof out, "%s/out/nested", tmpdir);
    snprintf(events, sizeof events, "%s/events.csv", out);
    const char good[] = "time,op,kind,subscription,name\n0,create,apim,s1,a\n1h,delete,apim,s1,a\n";
    char good_path[512];
    snprintf(good_path, sizeof good_path, "%s", put_file("good.csv", good, sizeof good - 1));
    assert_int_equal(retsim_replay_to_dir(sc, good_path, out, RETSIM_TIME_NEVER, NULL, NULL, &err), 0);
    char *first = slurp_path(events);
    assert_non_null(strstr(first, "auto_purge"));
    assert_int_equal(count_entries(out), 5); /* events, outcomes, summary, manifest, .retsim-files */
    /* a second run gives the same bytes */
    assert_int_equal(retsim_replay_to_dir(sc, good_path, out, RETSIM_TIME_NEVER, NULL, NULL, &err), 0);
    char *second = slurp_path(events);
    assert_string_equal(first, second);
    /* a bad trace fails on its third row, after output was written: the folder stays as it was */
    const char bad[] = "time,op,kind,subscription,name\n0,create,apim,s9,z\n1h,nonsense,apim,s1,a\n";
    const char *bad_path = put_file("bad.csv", bad, sizeof bad - 1);
    assert_int_equal(retsim_replay_to_dir(sc, bad_path, out, RETSIM_TIME_NEVER, NULL, NULL, &err),
                     RETSIM_EINPUT);
    assert_int_equal(err.line, 3);
    char *third = slurp_path(events);
    assert_string_equal(first, third);
    assert_int_equal(count_entries(out), 5); /* the 4 files and .retsim-files: no temporary left behind */
    free(first);
    free(second);
    free(third);
    retsim_scenario_destroy(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay_bad_rows_name_line_and_column),
        cmocka_unit_test(test_replay_accepts_iso_times_quotes_and_extra_columns),
        cmocka_unit_test(test_replay_options_reach_the_registry),
        cmocka_unit_test(test_replay_outputs_are_all_or_nothing_and_repeatable),
        cmocka_unit_test(test_replay_refuses_nul_bytes),
        cmocka_unit_test(test_replay_accepts_a_byte_order_mark),
        cmocka_unit_test(test_replay_limits_a_field_and_a_row),
        cmocka_unit_test(test_replay_refuses_what_is_not_a_file_or_a_pipe),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
