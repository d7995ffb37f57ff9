/* The trace format both ways: rows written and read back equal, options
 * text to request fields and back, and the reader's errors naming line and
 * field. Every expectation below is worked out by hand from the format
 * (retsim/trace.h), not copied from what the code printed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "retsim/registry.h"
#include "retsim/trace.h"

/* ---- rows ---- */

#define MAX_ROWS 8

/* What the reader handed over, copied (its strings die with the callback). */
typedef struct seen {
    int n;
    long line[MAX_ROWS];
    char field[MAX_ROWS][RETSIM_COL_COUNT][64];
} seen;

static int keep(void *ctx, const retsim_trace_row *row, retsim_error *err)
{
    (void)err;
    seen *s = ctx;
    assert_true(s->n < MAX_ROWS);
    s->line[s->n] = row->line;
    for (int c = 0; c < RETSIM_COL_COUNT; c++) {
        snprintf(s->field[s->n][c], sizeof s->field[s->n][c], "%s", row->field[c]);
    }
    s->n++;
    return 0;
}

static void test_trace_columns_in_order(void **state)
{
    (void)state;
    static const char *const names[RETSIM_COL_COUNT] = {
        "time",   "op",     "kind",        "subscription", "name",    "tenant",           "sub_type",
        "parent", "region", "api_version", "options",      "size_gb", "recorded_outcome",
    };
    for (int c = 0; c < RETSIM_COL_COUNT; c++) {
        assert_string_equal(retsim_trace_col_name((retsim_trace_col)c), names[c]);
        assert_int_equal(retsim_trace_col_required((retsim_trace_col)c), c <= RETSIM_COL_NAME);
    }
}

/* Rows with every column set, one with a comma, a quote, edge spaces and a
 * newline in its fields: written, then read back field for field. */
static void test_trace_rows_round_trip(void **state)
{
    (void)state;
    retsim_trace_row rows[3] = {
        {.field = {"0", "create", "gallery", "sub-000001", "g1", "tenant-0001", "free", "", "westeurope",
                   "2024-03-03", "provisioning=failed;soft_delete=on"}},
        {.field = {"1d2h", "create", "image", "sub-000001", "img,1", "tenant-0001", "free", "g1",
                   "westeurope", "2020-06-01-preview", ""}},
        {.field = {"2d", "set_policy", "image", "", "", "", "", "", "", "",
                   "retention=7d;applies_to=all_soft_deleted"}},
    };
    rows[1].field[RETSIM_COL_TENANT] = " say \"hi\"\nthere ";
    char path[300];
    snprintf(path, sizeof path, "%s/rows.csv", tmpdir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    retsim_trace_write_header(f);
    for (int i = 0; i < 3; i++) {
        retsim_trace_write_row(f, &rows[i]);
    }
    fclose(f);

    seen s = {0};
    retsim_error err;
    retsim_error_clear(&err);
    assert_int_equal(retsim_trace_read(path, keep, &s, &err), 0);
    assert_int_equal(s.n, 3);
    /* header on line 1; the second row's tenant holds a newline, so the third
     * row starts two lines after the second */
    assert_int_equal(s.line[0], 2);
    assert_int_equal(s.line[1], 3);
    assert_int_equal(s.line[2], 5);
    for (int i = 0; i < 3; i++) {
        for (int c = 0; c < RETSIM_COL_COUNT; c++) {
            /* size_gb is not written without its column: it reads as "" */
            assert_string_equal(s.field[i][c], rows[i].field[c] != NULL ? rows[i].field[c] : "");
        }
    }
}

/* The bytes a writer puts down: quotes only where CSV needs them. */
static void test_trace_writer_quotes_a_name_with_a_comma(void **state)
{
    (void)state;
    char path[300];
    snprintf(path, sizeof path, "%s/quote.csv", tmpdir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    retsim_trace_write_header(f);
    retsim_trace_row row = {.field = {"5s", "delete", "apim", "s1", "a,b"}}; /* the rest NULL: "" */
    retsim_trace_write_row(f, &row);
    fclose(f);
    char *text = slurp(tmpdir, "quote.csv");
    assert_string_equal(text,
                        "time,op,kind,subscription,name,tenant,sub_type,parent,region,api_version,options\n"
                        "5s,delete,apim,s1,\"a,b\",,,,,,\n");
    free(text);
}

/* ---- options ---- */

static retsim_request parsed(retsim_op op, const char *text)
{
    retsim_request rq = retsim_request_make(op, 0, 0, 0);
    retsim_error err;
    retsim_error_clear(&err);
    if (retsim_trace_options_parse(text, &rq, "t.csv", 7, &err) != 0) {
        fail_msg("'%s': %s", text, err.msg);
    }
    return rq;
}

static void test_trace_options_parse_into_fields(void **state)
{
    (void)state;
    retsim_request rq = parsed(RETSIM_OP_CREATE, "provisioning=failed;soft_delete=off");
    assert_true(rq.provisioning_failed);
    assert_int_equal(rq.soft_delete_switch, 0);

    rq = parsed(RETSIM_OP_CREATE, "provisioning=succeeded");
    assert_false(rq.provisioning_failed);
    assert_int_equal(rq.soft_delete_switch, -1); /* not given: inherit */

    rq = parsed(RETSIM_OP_PURGE, "purge_permission=false");
    assert_false(rq.purge_permission);

    /* spaces around a key and before a value, and empty items, are ignored */
    rq = parsed(RETSIM_OP_SET_POLICY, " soft_delete = on;; retention=1d12h;applies_to=all_soft_deleted;"
                                      "purge_protection=off");
    assert_int_equal(rq.change.set, RETSIM_CHANGE_SOFT_DELETE | RETSIM_CHANGE_RETENTION |
                                        RETSIM_CHANGE_APPLIES_TO | RETSIM_CHANGE_PURGE_PROTECTION);
    assert_true(rq.change.soft_delete);
    assert_int_equal(rq.change.retention_ms, 36 * 3600 * 1000LL);
    assert_int_equal(rq.change.applies_to, RETSIM_APPLIES_ALL_SOFT_DELETED);
    assert_false(rq.change.purge_protection);

    /* issue 12: retention per create or delete, force delete, restore permission */
    rq = parsed(RETSIM_OP_CREATE, "retention=7d;purge_protection=on");
    assert_int_equal(rq.retention_ms, 7 * 86400 * 1000LL);
    assert_int_equal(rq.change.set, RETSIM_CHANGE_PURGE_PROTECTION);
    assert_true(rq.change.purge_protection);
    rq = parsed(RETSIM_OP_DELETE, "retention=30d;force=true");
    assert_int_equal(rq.retention_ms, 30 * 86400 * 1000LL);
    assert_true(rq.force);
    rq = parsed(RETSIM_OP_DELETE, "");
    assert_int_equal(rq.retention_ms, RETSIM_TIME_NEVER); /* not given */
    assert_false(rq.force);
    rq = parsed(RETSIM_OP_RESTORE, "restore_permission=false");
    assert_false(rq.restore_permission);
    rq = parsed(RETSIM_OP_RESTORE, "");
    assert_true(rq.restore_permission); /* the default: permitted */
}

/* Canonical text (only non-defaults, in the documented order) survives
 * text -> fields -> text unchanged. */
static void test_trace_options_text_round_trip(void **state)
{
    (void)state;
    static const struct {
        retsim_op op;
        const char *text;
    } cases[] = {
        {RETSIM_OP_CREATE, ""},
        {RETSIM_OP_CREATE, "provisioning=failed"},
        {RETSIM_OP_CREATE, "soft_delete=off"},
        {RETSIM_OP_CREATE, "provisioning=failed;soft_delete=on"},
        {RETSIM_OP_PURGE, "purge_permission=false"},
        {RETSIM_OP_PURGE, ""},
        {RETSIM_OP_DELETE, ""},
        {RETSIM_OP_SET_POLICY, "soft_delete=off"},
        {RETSIM_OP_SET_POLICY, "retention=2d1h30m"},
        {RETSIM_OP_SET_POLICY, "retention=7d;applies_to=new_deletes"},
        {RETSIM_OP_SET_POLICY,
         "soft_delete=on;retention=90d;applies_to=all_soft_deleted;purge_protection=on"},
        {RETSIM_OP_SET_POLICY, "purge_protection=off"},
        {RETSIM_OP_CREATE, "purge_protection=on"},
        {RETSIM_OP_CREATE, "soft_delete=on;purge_protection=off;retention=90d"},
        {RETSIM_OP_DELETE, "retention=7d"},
        {RETSIM_OP_DELETE, "force=true"},
        {RETSIM_OP_DELETE, "retention=1d1ms;force=true"},
        {RETSIM_OP_RESTORE, "restore_permission=false"},
        {RETSIM_OP_RESTORE, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        retsim_request rq = parsed(cases[i].op, cases[i].text);
        char buf[RETSIM_TRACE_OPTIONS_MAX];
        assert_int_equal(retsim_trace_options_format(&rq, buf, sizeof buf), 0);
        if (strcmp(buf, cases[i].text) != 0) {
            fail_msg("case %zu: '%s' came back as '%s'", i, cases[i].text, buf);
        }
    }
}

/* Fields set by hand (as the workload does) -> the text a reader expects. */
static void test_trace_options_format_from_fields(void **state)
{
    (void)state;
    char buf[RETSIM_TRACE_OPTIONS_MAX];
    retsim_request rq = retsim_request_make(RETSIM_OP_CREATE, 0, 0, 0);
    rq.provisioning_failed = true;
    rq.soft_delete_switch = 1;
    assert_int_equal(retsim_trace_options_format(&rq, buf, sizeof buf), 0);
    assert_string_equal(buf, "provisioning=failed;soft_delete=on");

    rq = retsim_request_make(RETSIM_OP_SET_POLICY, 0, 0, 0);
    rq.change.set = RETSIM_CHANGE_RETENTION | RETSIM_CHANGE_PURGE_PROTECTION;
    rq.change.retention_ms = 90 * 60 * 1000LL; /* 90 minutes: 1h30m */
    rq.change.purge_protection = true;
    assert_int_equal(retsim_trace_options_format(&rq, buf, sizeof buf), 0);
    assert_string_equal(buf, "retention=1h30m;purge_protection=on");

    /* set_policy's switch lives in change, not in create's soft_delete_switch */
    rq = retsim_request_make(RETSIM_OP_SET_POLICY, 0, 0, 0);
    rq.soft_delete_switch = 1;
    assert_int_equal(retsim_trace_options_format(&rq, buf, sizeof buf), 0);
    assert_string_equal(buf, "");

    /* the defaults of the issue-12 fields write nothing, so today's traces stay as they were */
    rq = retsim_request_make(RETSIM_OP_DELETE, 0, 0, 0);
    assert_int_equal(retsim_trace_options_format(&rq, buf, sizeof buf), 0);
    assert_string_equal(buf, "");
    rq.force = true;
    rq.retention_ms = 36 * 3600 * 1000LL;
    assert_int_equal(retsim_trace_options_format(&rq, buf, sizeof buf), 0);
    assert_string_equal(buf, "retention=1d12h;force=true");
    /* "force=false" parses but is the default: written as nothing */
    rq = parsed(RETSIM_OP_DELETE, "force=false");
    assert_int_equal(retsim_trace_options_format(&rq, buf, sizeof buf), 0);
    assert_string_equal(buf, "");
    rq = retsim_request_make(RETSIM_OP_RESTORE, 0, 0, 0);
    rq.restore_permission = false;
    assert_int_equal(retsim_trace_options_format(&rq, buf, sizeof buf), 0);
    assert_string_equal(buf, "restore_permission=false");

    /* "retention=1h30m" is 15 bytes: 16 with the NUL fit, 15 do not */
    rq = retsim_request_make(RETSIM_OP_SET_POLICY, 0, 0, 0);
    rq.change.set = RETSIM_CHANGE_RETENTION;
    rq.change.retention_ms = 90 * 60 * 1000LL;
    assert_int_equal(retsim_trace_options_format(&rq, buf, 16), 0);
    assert_string_equal(buf, "retention=1h30m");
    assert_int_equal(retsim_trace_options_format(&rq, buf, 15), RETSIM_ERANGE);
}

static void test_trace_options_errors_name_line_and_field(void **state)
{
    (void)state;
    static const struct {
        retsim_op op;
        const char *text;
        const char *msg; /* the whole message */
    } cases[] = {
        {RETSIM_OP_RESTORE, "retention=1d",
         "option 'retention' does not apply to restore (see retsim replay --help)"},
        {RETSIM_OP_CREATE, "force=true",
         "option 'force' does not apply to create (see retsim replay --help)"},
        {RETSIM_OP_PURGE, "restore_permission=false",
         "option 'restore_permission' does not apply to purge (see retsim replay --help)"},
        {RETSIM_OP_DELETE, "retention=0", "retention: expected a duration (and more than 0)"},
        {RETSIM_OP_DELETE, "force=maybe", "force: expected true or false"},
        {RETSIM_OP_RESTORE, "restore_permission=no", "restore_permission: expected true or false"},
        {RETSIM_OP_CREATE, "purge_protection=2", "purge_protection: expected on or off"},
        {RETSIM_OP_DELETE, "soft_delete=on",
         "option 'soft_delete' does not apply to delete (see retsim replay --help)"},
        {RETSIM_OP_CREATE, "colour=blue",
         "option 'colour' does not apply to create (see retsim replay --help)"},
        {RETSIM_OP_CREATE, "soft_delete=maybe", "soft_delete: expected on, off or always_on"},
        {RETSIM_OP_CREATE, "provisioning=pending", "provisioning: expected succeeded or failed"},
        {RETSIM_OP_PURGE, "purge_permission=yes", "purge_permission: expected true or false"},
        {RETSIM_OP_SET_POLICY, "applies_to=everything;retention=1d",
         "applies_to: expected new_deletes or all_soft_deleted"},
        {RETSIM_OP_SET_POLICY, "purge_protection=2", "purge_protection: expected on or off"},
        {RETSIM_OP_SET_POLICY, "retention=0", "retention: expected a duration (and more than 0)"},
        {RETSIM_OP_CREATE, "soft_delete", "expected key=value pairs separated by ';', got 'soft_delete'"},
        {RETSIM_OP_SET_POLICY, "",
         "set_policy needs at least one of soft_delete, retention, purge_protection"},
        {RETSIM_OP_SET_POLICY, "applies_to=new_deletes;soft_delete=on", "applies_to goes with retention"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        retsim_request rq = retsim_request_make(cases[i].op, 0, 0, 0);
        retsim_error err;
        retsim_error_clear(&err);
        int rc = retsim_trace_options_parse(cases[i].text, &rq, "t.csv", 7, &err);
        if (rc != RETSIM_EINPUT || err.line != 7 || strcmp(err.file, "t.csv") != 0 ||
            strcmp(err.field, "options") != 0 || strcmp(err.msg, cases[i].msg) != 0) {
            fail_msg("case %zu: rc %d %s:%ld field '%s' msg '%s'", i, rc, err.file, err.line, err.field,
                     err.msg);
        }
    }
    /* a bad duration says what a duration is, after the key */
    retsim_request rq = retsim_request_make(RETSIM_OP_SET_POLICY, 0, 0, 0);
    retsim_error err;
    assert_int_equal(retsim_trace_options_parse("retention=forever", &rq, "t.csv", 3, &err), RETSIM_EINPUT);
    assert_int_equal(strncmp(err.msg, "retention: ", 11), 0);
    assert_non_null(strstr(err.msg, "(and more than 0)"));
}

/* ---- the time column ---- */

static int time_of(retsim_trace_clock *c, const char *text, long line, retsim_time *t, retsim_error *err)
{
    retsim_trace_row row = {.line = line};
    row.field[RETSIM_COL_TIME] = text;
    retsim_error_clear(err);
    return retsim_trace_time(c, "t.csv", &row, t, err);
}

static void test_trace_time_durations_and_timestamps(void **state)
{
    (void)state;
    retsim_trace_clock c = {0};
    retsim_time t = -1;
    retsim_error err;
    assert_int_equal(time_of(&c, "0", 2, &t, &err), 0);
    assert_int_equal(t, 0);
    assert_int_equal(time_of(&c, "1d2h", 3, &t, &err), 0);
    assert_int_equal(t, 26 * 3600 * 1000LL);
    assert_false(c.iso);

    retsim_trace_clock iso = {0};
    assert_int_equal(time_of(&iso, "2024-01-01T00:00:00Z", 2, &t, &err), 0);
    assert_int_equal(t, 0); /* the first timestamp is time 0 */
    assert_true(iso.iso);
    assert_int_equal(iso.origin_ms, 1704067200000LL); /* 19723 days after 1970-01-01 */
    assert_int_equal(time_of(&iso, "2024-01-02T01:00:00Z", 3, &t, &err), 0);
    assert_int_equal(t, 25 * 3600 * 1000LL);
}

static void test_trace_time_errors_name_line_and_field(void **state)
{
    (void)state;
    retsim_time t;
    retsim_error err;
    retsim_trace_clock c = {0};
    assert_int_equal(time_of(&c, "soon", 4, &t, &err), RETSIM_EINPUT);
    assert_int_equal(err.line, 4);
    assert_string_equal(err.field, "time");
    assert_string_equal(err.file, "t.csv");
    assert_non_null(strstr(err.msg, "ISO-8601 UTC timestamp (2024-11-24T19:40:50Z); got 'soon'"));

    assert_int_equal(time_of(&c, "2h", 5, &t, &err), 0);
    assert_int_equal(time_of(&c, "1h", 6, &t, &err), RETSIM_EINPUT);
    assert_int_equal(err.line, 6);
    assert_string_equal(err.msg,
                        "time goes backwards: rows must be in time order (this row is before the one above)");
    assert_int_equal(time_of(&c, "2024-01-01T00:00:00Z", 7, &t, &err), RETSIM_EINPUT);
    assert_string_equal(
        err.msg, "'2024-01-01T00:00:00Z' is a timestamp but earlier rows use durations since the start");

    retsim_trace_clock iso = {0};
    assert_int_equal(time_of(&iso, "2024-01-01T00:00:00Z", 2, &t, &err), 0);
    assert_int_equal(time_of(&iso, "1h", 3, &t, &err), RETSIM_EINPUT);
    assert_string_equal(err.msg, "'1h' is a duration but earlier rows use ISO-8601 timestamps");
}

/* ---- the reader's errors ---- */

static void expect_read_error(const char *text, long line, const char *field, const char *msg)
{
    const char *path = put_file("bad.csv", text, strlen(text));
    seen s = {0};
    retsim_error err;
    retsim_error_clear(&err);
    int rc = retsim_trace_read(path, keep, &s, &err);
    if (rc != RETSIM_EINPUT || err.line != line || strcmp(err.field, field) != 0 ||
        strcmp(err.msg, msg) != 0) {
        fail_msg("'%s': rc %d line %ld field '%s' msg '%s'", text, rc, err.line, err.field, err.msg);
    }
}

static void test_trace_reader_errors_name_line_and_field(void **state)
{
    (void)state;
    /* a misspelt column is an unknown (ignored) one, so the real one is missing */
    expect_read_error("tme,op,kind,subscription,name\n0,create,apim,s1,a\n", 1, "time",
                      "missing column: the header needs time, op, kind, subscription and name");
    expect_read_error("time,op,kind,subscription,name,name\n", 1, "name", "column named twice in the header");
    expect_read_error("time,op,kind,subscription,name\n0,create,apim,s1,a\n1h,create,apim,s1\n", 3, "name",
                      "missing required field: the row has 4 fields and name is column 5 of the header");
    /* list_deleted names no instance: leaving name off is fine, so no error */
    const char ok[] = "time,op,kind,subscription,name\n0,list_deleted,apim,s1\n";
    seen s = {0};
    retsim_error err;
    assert_int_equal(retsim_trace_read(put_file("ok.csv", ok, strlen(ok)), keep, &s, &err), 0);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.field[0][RETSIM_COL_NAME], "");
    expect_read_error("time,op,kind,subscription,name\n0,create,apim,s1,a,extra\n", 2, "",
                      "expected at most 5 fields as in the header, got 6");
}

/* ---- the size_gb column ---- */

static void expect_size_error(retsim_op op, const char *text, const char *msg)
{
    retsim_request rq = retsim_request_make(op, 0, 0, 0);
    retsim_error err;
    assert_int_equal(retsim_trace_size_parse(text, &rq, "t.csv", 7, &err), RETSIM_EINPUT);
    assert_string_equal(err.file, "t.csv");
    assert_int_equal(err.line, 7);
    assert_string_equal(err.field, "size_gb");
    if (strstr(err.msg, msg) == NULL) {
        fail_msg("size '%s': message '%s' lacks '%s'", text, err.msg, msg);
    }
}

static void test_trace_size_errors_name_file_line_field(void **state)
{
    (void)state;
    expect_size_error(RETSIM_OP_DELETE, "4", "only a create gives a size; delete takes none, got '4'");
    expect_size_error(RETSIM_OP_RESTORE, "0", "only a create gives a size; restore takes none");
    static const char *const bad[] = {"-1", "-0.5", "inf", "nan", "1e40", "four", "4GB", "4 x", ""};
    for (size_t i = 0; i + 1 < sizeof bad / sizeof bad[0]; i++) {
        expect_size_error(RETSIM_OP_CREATE, bad[i], "expected a size in GB, a finite number >= 0");
    }
    /* empty: no size, on any op */
    retsim_request rq = retsim_request_make(RETSIM_OP_DELETE, 0, 0, 0);
    retsim_error err;
    assert_int_equal(retsim_trace_size_parse("", &rq, "t.csv", 1, &err), 0);
    assert_true(rq.size_gb == 0);
}

/* Sizes read into the request and written back with the fewest digits that
 * read back as the same float; a trace written with the column reads back
 * the same, and one without it has the columns it had before. */
static void test_trace_size_round_trip(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {{"4", "4"},      {"1.5", "1.5"}, {"0.1", "0.1"},
                 {"1e3", "1000"}, {"0", ""},      {"1048576", "1048576"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        retsim_request rq = retsim_request_make(RETSIM_OP_CREATE, 0, 0, 0);
        retsim_error err;
        assert_int_equal(retsim_trace_size_parse(cases[i].in, &rq, "t.csv", 1, &err), 0);
        assert_true(rq.size_gb == strtof(cases[i].in, NULL));
        char buf[32];
        retsim_trace_size_format(&rq, buf, sizeof buf);
        assert_string_equal(buf, cases[i].out);
    }
    char path[] = "/tmp/retsim-test-size-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    retsim_trace_write_header_sized(f, true);
    retsim_trace_row row = {.line = 0, .size_column = true};
    row.field[RETSIM_COL_TIME] = "1h";
    row.field[RETSIM_COL_OP] = "create";
    row.field[RETSIM_COL_KIND] = "blob";
    row.field[RETSIM_COL_SUBSCRIPTION] = "s1";
    row.field[RETSIM_COL_NAME] = "b";
    row.field[RETSIM_COL_SIZE_GB] = "2.5";
    retsim_trace_write_row(f, &row);
    row.size_column = false;
    fclose(f);
    seen s = {0};
    retsim_error err;
    assert_int_equal(retsim_trace_read(path, keep, &s, &err), 0);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.field[0][RETSIM_COL_SIZE_GB], "2.5");
    assert_string_equal(s.field[0][RETSIM_COL_NAME], "b");
    /* without the column: the header and rows of before */
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    retsim_trace_write_header(m);
    retsim_trace_write_row(m, &row);
    fclose(m);
    assert_string_equal(text,
                        "time,op,kind,subscription,name,tenant,sub_type,parent,region,api_version,options\n"
                        "1h,create,blob,s1,b,,,,,,\n");
    free(text);
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trace_columns_in_order),
        cmocka_unit_test(test_trace_rows_round_trip),
        cmocka_unit_test(test_trace_writer_quotes_a_name_with_a_comma),
        cmocka_unit_test(test_trace_options_parse_into_fields),
        cmocka_unit_test(test_trace_options_text_round_trip),
        cmocka_unit_test(test_trace_options_format_from_fields),
        cmocka_unit_test(test_trace_options_errors_name_line_and_field),
        cmocka_unit_test(test_trace_time_durations_and_timestamps),
        cmocka_unit_test(test_trace_time_errors_name_line_and_field),
        cmocka_unit_test(test_trace_reader_errors_name_line_and_field),
        cmocka_unit_test(test_trace_size_errors_name_file_line_field),
        cmocka_unit_test(test_trace_size_round_trip),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
