/* Replay validation's parts: the recorded_outcome codec, retsim's outcomes
 * mapped to succeeded/failed, the counting, and the trace writer with the
 * column. Expectations are worked out by hand from retsim/trace.h and
 * retsim/validate.h, not copied from what the code printed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "retsim/trace.h"
#include "retsim/validate.h"

static void test_recorded_values_read(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        retsim_recorded_class cls;
    } good[] = {
        {"", RETSIM_RECORDED_UNKNOWN},
        {"succeeded", RETSIM_RECORDED_SUCCEEDED},
        {"failed", RETSIM_RECORDED_FAILED},
        {"failed:Conflict", RETSIM_RECORDED_FAILED},
        {"failed:InvalidRequestException", RETSIM_RECORDED_FAILED},
        {"failed:a b:c", RETSIM_RECORDED_FAILED}, /* any text without ',' */
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        retsim_trace_recorded rec;
        retsim_error err;
        retsim_error_clear(&err);
        assert_int_equal(retsim_trace_recorded_parse(good[i].text, &rec, "t.csv", 3, &err), 0);
        assert_int_equal(rec.cls, good[i].cls);
        assert_ptr_equal(rec.text, good[i].text);
    }
}

static void test_recorded_bad_values_name_line_and_column(void **state)
{
    (void)state;
    static const char *const bad[] = {"success", "failed:",    "Succeeded", "failed:a,b", "ok",
                                      "failed ", " succeeded", "failedX",   "succeeded:x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        retsim_trace_recorded rec;
        retsim_error err;
        retsim_error_clear(&err);
        assert_int_equal(retsim_trace_recorded_parse(bad[i], &rec, "t.csv", 7, &err), RETSIM_EINPUT);
        assert_string_equal(err.file, "t.csv");
        assert_int_equal(err.line, 7);
        assert_string_equal(err.field, "recorded_outcome");
    }
}

/* The mapping of docs/semantics.md, "Validation", outcome by outcome. */
static void test_outcome_classes(void **state)
{
    (void)state;
    for (int o = 0; o < RETSIM_OUT_COUNT; o++) {
        bool want = o == RETSIM_OUT_OK || o == RETSIM_OUT_UPDATED || o == RETSIM_OUT_SOFT_DELETED ||
                    o == RETSIM_OUT_HARD_DELETED;
        assert_int_equal(retsim_validate_succeeded((retsim_outcome)o), want);
    }
    assert_false(retsim_validate_succeeded(RETSIM_OUT_EXPIRED));
    assert_false(retsim_validate_succeeded(RETSIM_OUT_CONFLICT_RESERVED));
}

/* Five rows: two agree, three do not; the summary keeps the first
 * disagreements with their lines and reasons (the outcome's usual one). */
static void test_counting_and_first_disagreements(void **state)
{
    (void)state;
    retsim_validate *v = retsim_validate_create();
    assert_non_null(v);
    static const struct {
        retsim_op op;
        retsim_outcome out;
        const char *recorded;
    } rows[] = {
        {RETSIM_OP_CREATE, RETSIM_OUT_OK, "succeeded"},                 /* agree */
        {RETSIM_OP_CREATE, RETSIM_OUT_CONFLICT_ACTIVE, "succeeded"},    /* differ */
        {RETSIM_OP_DELETE, RETSIM_OUT_SOFT_DELETED, "failed:Conflict"}, /* differ */
        {RETSIM_OP_RESTORE, RETSIM_OUT_EXPIRED, "failed"},              /* agree */
        {RETSIM_OP_PURGE, RETSIM_OUT_PURGE_PROTECTED, "succeeded"},     /* differ */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        retsim_trace_row row = {.line = (long)i + 2};
        for (int c = 0; c < RETSIM_COL_COUNT; c++) {
            row.field[c] = "";
        }
        row.field[RETSIM_COL_KIND] = "apim";
        row.field[RETSIM_COL_NAME] = "n1";
        retsim_result res = {.op = rows[i].op, .kind = 0, .outcome = rows[i].out};
        retsim_trace_recorded rec;
        retsim_error err;
        assert_int_equal(retsim_trace_recorded_parse(rows[i].recorded, &rec, "t.csv", row.line, &err), 0);
        retsim_validate_add(v, NULL, &res, &row, &rec, NULL, NULL);
    }
    const retsim_validation *s = retsim_validate_summary(v);
    assert_int_equal(s->compared, 5);
    assert_int_equal(s->agreed, 2);
    assert_int_equal(s->n_first, 3);
    assert_int_equal(s->first[0].line, 3);
    assert_string_equal(s->first[0].outcome, "conflict_active");
    assert_string_equal(s->first[0].reason, "held_by_other_subscription");
    assert_int_equal(s->first[1].line, 4);
    assert_string_equal(s->first[1].reason, "soft_delete_on");
    assert_string_equal(s->first[1].recorded, "failed:Conflict");
    assert_int_equal(s->first[2].line, 6);
    assert_string_equal(s->first[2].op, "purge");
    assert_string_equal(s->first[2].reason, "purge_protection_on");
    retsim_validate_destroy(v);
}

/* Written with the column, read back with it; the header as asked for. */
static int keep_outcome(void *ctx, const retsim_trace_row *row, retsim_error *err)
{
    (void)err;
    char *out = ctx;
    strcat(out, row->field[RETSIM_COL_RECORDED_OUTCOME]);
    strcat(out, "|");
    return 0;
}

static void test_writer_with_the_column(void **state)
{
    (void)state;
    char path[300];
    snprintf(path, sizeof path, "%s/rec.csv", tmpdir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    retsim_trace_write_header_cols(f, false, true);
    retsim_trace_row row = {.field = {"0", "create", "apim", "s1", "n1"}, .outcome_column = true};
    row.field[RETSIM_COL_RECORDED_OUTCOME] = "failed:Conflict";
    retsim_trace_write_row(f, &row);
    row.field[RETSIM_COL_RECORDED_OUTCOME] = NULL; /* unknown: empty */
    retsim_trace_write_row(f, &row);
    fclose(f);
    char *text = slurp(tmpdir, "rec.csv");
    assert_string_equal(text,
                        "time,op,kind,subscription,name,tenant,sub_type,parent,region,api_version,options,"
                        "recorded_outcome\n0,create,apim,s1,n1,,,,,,,failed:Conflict\n"
                        "0,create,apim,s1,n1,,,,,,,\n");
    free(text);
    char got[64] = "";
    retsim_error err;
    retsim_error_clear(&err);
    assert_int_equal(retsim_trace_read(path, keep_outcome, got, &err), 0);
    assert_string_equal(got, "failed:Conflict||");

    /* the plain header is what it was: no recorded_outcome */
    f = fopen(path, "wb");
    assert_non_null(f);
    retsim_trace_write_header(f);
    fclose(f);
    text = slurp(tmpdir, "rec.csv");
    assert_string_equal(text,
                        "time,op,kind,subscription,name,tenant,sub_type,parent,region,api_version,options\n");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recorded_values_read),
        cmocka_unit_test(test_recorded_bad_values_name_line_and_column),
        cmocka_unit_test(test_outcome_classes),
        cmocka_unit_test(test_counting_and_first_disagreements),
        cmocka_unit_test(test_writer_with_the_column),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
