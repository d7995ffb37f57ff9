/* The systems table: cells of two small scenarios written here, each
 * expected value worked out by hand from the keys (docs/semantics.md), and
 * the three table forms' shapes. */
#include "helpers.h"

#include "retsim/systems.h"

/* A vault picked per delete (7d-30d), every switch away from its default,
 * and an item inside it with the issue-12 rules of names, generations,
 * cascades, grace and GB billing. */
static const char vaults[] =
    "[scenario]\nname = vaults\n"
    "[policy.vault]\n"
    "name_scope = subscription\n"
    "soft_delete_can_disable = false\n"
    "retention_set_at = delete\nretention = 30d\n"
    "retention_min = 7d\nretention_max = 30d\nretention_mutable = false\n"
    "force_delete = true\n"
    "reuse_after_purge = nobody\nreservation = forever\n"
    "purge_needs_permission = true\n"
    "purge_protection = true\npurge_protection_can_disable = false\n"
    "restore_needs_permission = true\n"
    "children_block_delete = active\n"
    "replicas_active = 1\nreplicas_soft_deleted = 1\nprice_per_replica_hour = 0.5\n"
    "billing_free_last = 14d\n"
    "[policy.item]\n"
    "parent = vault\nname_scope = parent\nsoft_delete = false\n"
    "soft_deleted_name = free\nname_free_after = 30s\nrestore_when_taken = refuse\n"
    "overwrite = keep\n"
    "parent_delete = hard\nparent_purge = true\nparent_restore = false\n"
    "price_per_gb_month = 0.02\n"
    /* free names take no reservation window nor a late phase: those on a kind of their own */
    "[policy.other]\n"
    "grace = 7d\nreplicas_grace = 2\n"
    "reuse_after_purge = owner_subscription\nreservation = 7d\nreservation.free = 30d\n";

/* No soft delete at all; the name waits a drawn time for everybody. */
static const char buckets[] = "[scenario]\nname = buckets\n"
                              "[policy.bucket]\n"
                              "soft_delete_supported = false\n"
                              "reuse_after_purge = nobody\nreservation = uniform(min=1h, max=72h)\n";

static void expect_cell(const retsim_scenario *s, const char *kind, const char *column, const char *want)
{
    char buf[RETSIM_SYSTEMS_CELL_MAX];
    int k = retsim_scenario_kind(s, kind);
    assert_true(k >= 0);
    assert_int_equal(retsim_systems_cell(s, k, column, buf, sizeof buf), 0);
    if (strcmp(buf, want) != 0) {
        fail_msg("%s.%s: got '%s', want '%s'", kind, column, buf, want);
    }
}

static void test_systems_vault_cells(void **state)
{
    (void)state;
    retsim_scenario *s = load(vaults);
    expect_cell(s, "vault", "system", "vaults");
    expect_cell(s, "vault", "kind", "vault");
    expect_cell(s, "vault", "names", "per subscription");
    expect_cell(s, "vault", "soft_delete", "on, cannot be turned off");
    expect_cell(s, "vault", "retention",
                "30d (7d\xe2\x80\x93"
                "30d, per delete)");
    expect_cell(s, "vault", "retention_change", "fixed");
    expect_cell(s, "vault", "soft_deleted_name", "held");
    expect_cell(s, "vault", "name_after_purge", "never reusable");
    expect_cell(s, "vault", "purge", "needs permission");
    expect_cell(s, "vault", "purge_protection", "on, irreversible once on");
    expect_cell(s, "vault", "restore", "needs permission");
    expect_cell(s, "vault", "force_delete", "yes (hard delete)");
    expect_cell(s, "vault", "children_block_delete", "live ones");
    expect_cell(s, "vault", "with_parent", "\xe2\x80\x94");
    expect_cell(s, "vault", "grace", "none");
    expect_cell(s, "vault", "replicas", "1 / 1");
    expect_cell(s, "vault", "price", "0.5/replica-hour");
    expect_cell(s, "vault", "billing", "live and soft-deleted, last 14d free");
    retsim_scenario_destroy(s);
}

static void test_systems_child_cells(void **state)
{
    (void)state;
    retsim_scenario *s = load(vaults);
    expect_cell(s, "item", "kind", "item (in vault)");
    expect_cell(s, "item", "names", "per parent");
    expect_cell(s, "item", "soft_delete", "off by default");
    expect_cell(s, "item", "retention", "2d"); /* the default 48h, picked by the kind, no range */
    expect_cell(s, "item", "retention_change", "changeable, later deletes only");
    expect_cell(s, "item", "soft_deleted_name", "free after 30s; restore when taken: name_taken");
    expect_cell(s, "item", "overwrite", "keeps the old version");
    expect_cell(s, "other", "name_after_purge", "owner's subscription at once, others after 7d (free: 30d)");
    expect_cell(s, "item", "purge", "allowed");
    expect_cell(s, "item", "children_block_delete", "\xe2\x80\x94"); /* nothing lives in an item */
    expect_cell(s, "item", "with_parent", "hard-deleted with it, purged with it, not restored with it");
    expect_cell(s, "other", "grace", "7d (2 replicas)");
    expect_cell(s, "item", "price", "0.02/GB-month"); /* no replicas: only the GB price */
    expect_cell(s, "item", "billing", "live and soft-deleted");
    retsim_scenario_destroy(s);
}

static void test_systems_no_soft_delete_cells(void **state)
{
    (void)state;
    retsim_scenario *s = load(buckets);
    expect_cell(s, "bucket", "soft_delete", "no");
    expect_cell(s, "bucket", "retention", "\xe2\x80\x94");
    expect_cell(s, "bucket", "purge", "\xe2\x80\x94");
    expect_cell(s, "bucket", "name_after_purge", "nobody for uniform(min=1h, max=72h)");
    expect_cell(s, "bucket", "price", "free");
    expect_cell(s, "bucket", "billing", "\xe2\x80\x94");
    retsim_scenario_destroy(s);
}

static void test_systems_bad_column_and_kind(void **state)
{
    (void)state;
    retsim_scenario *s = load(buckets);
    char buf[64] = "x";
    assert_int_equal(retsim_systems_cell(s, 0, "no_such_rule", buf, sizeof buf), RETSIM_ENOTFOUND);
    assert_string_equal(buf, "");
    assert_int_equal(retsim_systems_cell(s, 1, "kind", buf, sizeof buf), RETSIM_EINPUT);
    assert_int_equal(retsim_systems_cell(s, -1, "kind", buf, sizeof buf), RETSIM_EINPUT);
    char tiny[4];
    assert_int_equal(retsim_systems_cell(s, 0, "kind", tiny, sizeof tiny), 0);
    assert_string_equal(tiny, "buc"); /* cut, NUL-terminated */
    retsim_systems_format f = RETSIM_SYSTEMS_TEXT;
    assert_int_equal(retsim_systems_format_parse("markdown", &f), 0);
    assert_int_equal(f, RETSIM_SYSTEMS_MARKDOWN);
    assert_int_equal(retsim_systems_format_parse("csv", &f), 0);
    assert_int_equal(f, RETSIM_SYSTEMS_CSV);
    assert_int_equal(retsim_systems_format_parse("html", &f), RETSIM_EINPUT);
    assert_int_equal(f, RETSIM_SYSTEMS_CSV);
    retsim_scenario_destroy(s);
}

/* Every column has a distinct name, a header and a meaning for the legend. */
static void test_systems_columns_named_once(void **state)
{
    (void)state;
    size_t n = retsim_systems_n_columns();
    assert_true(n >= 19);
    for (size_t c = 0; c < n; c++) {
        const char *header = NULL, *meaning = NULL;
        const char *name = retsim_systems_column(c, &header, &meaning);
        assert_true(name[0] != '\0' && header[0] != '\0' && meaning[0] != '\0');
        for (size_t d = 0; d < c; d++) {
            assert_string_not_equal(name, retsim_systems_column(d, NULL, NULL));
        }
    }
}

/* The whole table of both scenarios into a temporary file, read back. */
static char *table_of(retsim_systems_format f)
{
    retsim_scenario *s[2] = {load(vaults), load(buckets)};
    FILE *out = tmpfile();
    assert_non_null(out);
    assert_int_equal(retsim_systems_write((const retsim_scenario *const *)s, 2, f, out, NULL), 0);
    long len = ftell(out);
    char *text = calloc((size_t)len + 1, 1);
    rewind(out);
    assert_int_equal(fread(text, 1, (size_t)len, out), (size_t)len);
    fclose(out);
    retsim_scenario_destroy(s[0]);
    retsim_scenario_destroy(s[1]);
    return text;
}

/* Lines of text starting with prefix, and the fewest and most `sep` in them. */
static int count_lines(const char *text, const char *prefix, char sep, int *min_sep, int *max_sep)
{
    int lines = 0;
    *min_sep = 1 << 30;
    *max_sep = 0;
    for (const char *p = text; *p != '\0';) {
        const char *end = strchr(p, '\n');
        assert_non_null(end);
        if (strncmp(p, prefix, strlen(prefix)) == 0) {
            int n = 0;
            for (const char *q = p; q < end; q++) {
                n += *q == sep;
            }
            *min_sep = n < *min_sep ? n : *min_sep;
            *max_sep = n > *max_sep ? n : *max_sep;
            lines++;
        }
        p = end + 1;
    }
    return lines;
}

static void test_systems_table_shapes(void **state)
{
    (void)state;
    int n = (int)retsim_systems_n_columns(), lo = 0, hi = 0;
    char *md = table_of(RETSIM_SYSTEMS_MARKDOWN);
    /* header, |---| row, vault, item, other, bucket: each n + 1 pipes */
    assert_int_equal(count_lines(md, "|", '|', &lo, &hi), 6);
    assert_int_equal(lo, n + 1);
    assert_int_equal(hi, n + 1);
    assert_non_null(strstr(md, "\n| vaults | item (in vault) | per parent |"));
    assert_non_null(strstr(md, "\n- **retention**: "));
    free(md);
    char *csv = table_of(RETSIM_SYSTEMS_CSV);
    assert_int_equal(strncmp(csv, "system,kind,names,", 18), 0);
    assert_int_equal(count_lines(csv, "", ',', &lo, &hi), 5);
    assert_non_null(strstr(csv, "\nbuckets,bucket,global,no,"));
    free(csv);
    char *text = table_of(RETSIM_SYSTEMS_TEXT);
    /* aligned: the kind column starts at the same place on every row */
    const char *row2 = strstr(text, "\nvaults");
    const char *row4 = strstr(text, "\nbuckets");
    assert_non_null(row2);
    assert_non_null(row4);
    assert_int_equal(strstr(row2, "vault ") - row2, strstr(row4, "bucket ") - row4);
    assert_non_null(strstr(text, "\ncolumns:\n  system: "));
    free(text);
}

static void test_systems_write_error_is_eio(void **state)
{
    (void)state;
    retsim_scenario *s = load(buckets);
    FILE *ro = fopen("/dev/null", "r"); /* writes to it fail */
    assert_non_null(ro);
    retsim_error err;
    retsim_error_clear(&err);
    const retsim_scenario *list[1] = {s};
    assert_int_equal(retsim_systems_write(list, 1, RETSIM_SYSTEMS_CSV, ro, &err), RETSIM_EIO);
    assert_int_equal(err.code, RETSIM_EIO);
    fclose(ro);
    assert_int_equal(retsim_systems_write(list, 1, (retsim_systems_format)7, stdout, &err), RETSIM_EUSAGE);
    retsim_scenario_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_systems_vault_cells),
        cmocka_unit_test(test_systems_child_cells),
        cmocka_unit_test(test_systems_no_soft_delete_cells),
        cmocka_unit_test(test_systems_bad_column_and_kind),
        cmocka_unit_test(test_systems_columns_named_once),
        cmocka_unit_test(test_systems_table_shapes),
        cmocka_unit_test(test_systems_write_error_is_eio),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
