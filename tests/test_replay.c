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
#include <unistd.h>

#include "helpers.h"
#include "retsim/replay.h"

static const char scenario_text[] =
    "[policy.apim]\nretention = 48h\n"
    "[policy.gallery]\nname_scope = subscription\nsoft_delete_supported = false\n"
    "[policy.image]\nparent = gallery\nname_scope = parent\n"
    "[policy.plain]\n";

static const char *write_file(const char *name, const char *text, size_t len)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
    return path;
}

static int replay_text(const char *trace, size_t len, retsim_error *err, retsim_replay_stats *st)
{
    retsim_scenario *sc = NULL;
    assert_int_equal(retsim_scenario_load_string(scenario_text, "s.ini", &sc, err), 0);
    retsim_sim *sim = retsim_sim_create(sc);
    const char *path = write_file("trace.csv", trace, len);
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
        {"time,op,kind,subscription,name,options\n0,create,apim,s1,a,retention=1d\n", 2, "options",
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
    snprintf(good_path, sizeof good_path, "%s", write_file("good.csv", good, sizeof good - 1));
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
    const char *bad_path = write_file("bad.csv", bad, sizeof bad - 1);
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
        cmocka_unit_test(test_replay_outputs_are_all_or_nothing_and_repeatable),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
