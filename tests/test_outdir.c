/* Output folders staged and swapped in whole. Expected listings are written
 * out by hand from the rules in retsim/outdir.h, not copied from what the
 * code printed. */
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
#include <unistd.h>

#include "helpers.h"
#include "retsim/outdir.h"

/* The entries of dir (hidden ones too), sorted, joined by spaces. */
static void entries(const char *dir, char *out, size_t size)
{
    struct dirent **list = NULL;
    int n = scandir(dir, &list, NULL, alphasort);
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (strcmp(list[i]->d_name, ".") != 0 && strcmp(list[i]->d_name, "..") != 0) {
            size_t len = strlen(out);
            snprintf(out + len, size - len, "%s%s", len > 0 ? " " : "", list[i]->d_name);
        }
        free(list[i]);
    }
    free(list);
}

static void write_text(const char *dir, const char *name, const char *text)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* One command's outputs: the named files, each holding its own name. */
static int write_run(const char *dir, const char *const *names, int n, retsim_error *err)
{
    retsim_outdir d;
    retsim_outfile f[4];
    int rc = retsim_outdir_begin(&d, dir, err);
    for (int i = 0; rc == 0 && i < n; i++) {
        rc = retsim_outdir_open(&d, &f[i], names[i], err);
        if (rc == 0) {
            fputs(names[i], f[i].fp);
            rc = retsim_outfile_commit(&f[i], err);
        }
    }
    if (rc == 0) {
        rc = retsim_outdir_commit(&d, err);
    }
    retsim_outdir_abort(&d);
    return rc;
}

static void test_outdir_a_folder_holds_one_run(void **state)
{
    (void)state;
    char dir[300], got[600];
    snprintf(dir, sizeof dir, "%s/one/out", tmpdir);
    retsim_error err;
    const char *first[] = {"summary.csv", "summary_ci.csv", "manifest"};
    assert_int_equal(write_run(dir, first, 3, &err), 0);
    entries(dir, got, sizeof got);
    assert_string_equal(got, ".retsim-files manifest summary.csv summary_ci.csv");
    char *list = slurp(dir, ".retsim-files");
    assert_non_null(strstr(list, "\nsummary.csv\nsummary_ci.csv\nmanifest\n"));
    free(list);
    const char *second[] = {"summary.csv", "manifest"};
    assert_int_equal(write_run(dir, second, 2, &err), 0);
    entries(dir, got, sizeof got);
    assert_string_equal(got, ".retsim-files manifest summary.csv");
    snprintf(dir, sizeof dir, "%s/one", tmpdir);
    entries(dir, got, sizeof got);
    assert_string_equal(got, "out"); /* no out.tmp-* or out.old-* beside it */
}

static void test_outdir_other_files_are_refused_and_kept(void **state)
{
    (void)state;
    char dir[300], got[600];
    snprintf(dir, sizeof dir, "%s/two/out", tmpdir);
    retsim_error err;
    const char *names[] = {"summary.csv"};
    assert_int_equal(write_run(dir, names, 1, &err), 0);
    write_text(dir, "notes.txt", "mine");
    assert_int_equal(retsim_outdir_check(dir, &err), RETSIM_EUSAGE);
    assert_string_equal(err.field, "--out");
    assert_non_null(strstr(err.msg, "'notes.txt'"));
    assert_int_equal(write_run(dir, names, 1, &err), RETSIM_EUSAGE);
    entries(dir, got, sizeof got);
    assert_string_equal(got, ".retsim-files notes.txt summary.csv");
    /* a file that appears after begin is found by commit: DIR stays, staging goes */
    unlink(strcat(strcpy(got, dir), "/notes.txt"));
    retsim_outdir d;
    retsim_outfile f;
    assert_int_equal(retsim_outdir_begin(&d, dir, &err), 0);
    assert_int_equal(retsim_outdir_open(&d, &f, "other.csv", &err), 0);
    assert_int_equal(retsim_outfile_commit(&f, &err), 0);
    write_text(dir, "late.txt", "mine");
    assert_int_equal(retsim_outdir_commit(&d, &err), RETSIM_EUSAGE);
    assert_non_null(strstr(err.msg, "'late.txt'"));
    entries(dir, got, sizeof got);
    assert_string_equal(got, ".retsim-files late.txt summary.csv");
    snprintf(dir, sizeof dir, "%s/two", tmpdir);
    entries(dir, got, sizeof got);
    assert_string_equal(got, "out");
}

static void test_outdir_abort_leaves_nothing(void **state)
{
    (void)state;
    char dir[300], top[300], got[600];
    snprintf(top, sizeof top, "%s/three", tmpdir);
    snprintf(dir, sizeof dir, "%s/three/a/b/out", tmpdir);
    assert_int_equal(mkdir(top, 0777), 0);
    retsim_error err;
    retsim_outdir d;
    retsim_outfile f, g;
    assert_int_equal(retsim_outdir_begin(&d, dir, &err), 0);
    assert_int_equal(retsim_outdir_open(&d, &f, "summary.csv", &err), 0);
    assert_int_equal(retsim_outdir_open(&d, &g, "summary.csv", &err), RETSIM_EUSAGE); /* each name once */
    assert_int_equal(retsim_outdir_open(&d, &g, RETSIM_OUTDIR_LIST, &err), RETSIM_EUSAGE);
    retsim_outfile_abort(&f);
    retsim_outdir_abort(&d);
    entries(top, got, sizeof got);
    assert_string_equal(got, ""); /* neither the staging folder nor the parents it made */
    assert_int_equal(retsim_outdir_begin(&d, top, &err), 0); /* an empty folder is retsim's to replace */
    assert_int_equal(retsim_outdir_commit(&d, &err), 0);
    entries(top, got, sizeof got);
    assert_string_equal(got, ".retsim-files");
}

static void test_outdir_what_out_cannot_be(void **state)
{
    (void)state;
    char path[300], link[300];
    retsim_error err;
    snprintf(path, sizeof path, "%s/plain", tmpdir);
    write_text(tmpdir, "plain", "x");
    assert_int_equal(retsim_outdir_check(path, &err), RETSIM_EUSAGE);
    assert_non_null(strstr(err.msg, "is not a folder"));
    snprintf(link, sizeof link, "%s/link", tmpdir);
    assert_int_equal(symlink(tmpdir, link), 0);
    assert_int_equal(retsim_outdir_check(link, &err), RETSIM_EUSAGE);
    assert_non_null(strstr(err.msg, "symbolic link"));
    assert_int_equal(retsim_outdir_check(".", &err), RETSIM_EUSAGE);
    assert_int_equal(retsim_outdir_check("a/..", &err), RETSIM_EUSAGE);
    snprintf(path, sizeof path, "%s/absent", tmpdir);
    assert_int_equal(retsim_outdir_check(path, &err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outdir_a_folder_holds_one_run),
        cmocka_unit_test(test_outdir_other_files_are_refused_and_kept),
        cmocka_unit_test(test_outdir_abort_leaves_nothing),
        cmocka_unit_test(test_outdir_what_out_cannot_be),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
