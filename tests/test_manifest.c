/* The manifest: the command line quoted as a POSIX shell reads it back, long
 * values continued in KEY.2, KEY.3, ..., and the whole file loading back as
 * the scenario it records. Expected texts are written out by hand from the
 * rules in retsim/manifest.h, not copied from what the code printed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "retsim/manifest.h"

static char *manifest_of(const char *const *keys, const char *const *values, size_t n,
                         const retsim_provenance *p, const retsim_scenario *sc)
{
    char *text = NULL;
    size_t size = 0;
    FILE *m = open_memstream(&text, &size);
    assert_non_null(m);
    assert_int_equal(retsim_manifest_write(m, keys, values, n, p, sc), 0);
    fclose(m);
    return text;
}

static char *scenario_text(const retsim_scenario *sc)
{
    char *text = NULL;
    size_t size = 0;
    FILE *m = open_memstream(&text, &size);
    assert_non_null(m);
    assert_int_equal(retsim_scenario_write(sc, m), 0);
    fclose(m);
    return text;
}

static void test_manifest_records_the_command_line(void **state)
{
    (void)state;
    const char *argv[] = {"s.ini", "--set", "policy.x.retention=7d", "--set", "scenario.description=it's",
                          "--out", "a b"};
    const char *sets[] = {"policy.x.retention=7d", "scenario.description=it's"};
    retsim_provenance p = {"run", 7, argv, sets, 2};
    char *text = manifest_of(NULL, NULL, 0, &p, NULL);
    char want[600];
    snprintf(
        want, sizeof want,
        "; written by retsim: the run and the scenario as resolved\n[run]\nversion = %s\n"
        "command_line = retsim run s.ini --set policy.x.retention=7d --set 'scenario.description=it'\\''s' "
        "--out 'a b'\n"
        "set.1 = policy.x.retention=7d\nset.2 = scenario.description=it's\n\n",
        RETSIM_VERSION);
    assert_string_equal(text, want);
    free(text);
}

/* What a shell treats specially is quoted, and only that: an empty argument
 * is '', a control character is spelled $'\xNN' outside the quotes (a raw
 * newline would end the manifest's line), $ and * are quoted so that no
 * shell expands them; a line break inside a --set becomes a space. The
 * given keys come first, in order, after the version. */
static void test_manifest_quotes_what_a_shell_would_read_otherwise(void **state)
{
    (void)state;
    const char *argv[] = {"", "a\nb", "$HOME", "*.ini", "x_y-1.5/z=2:3,4+5@6%"};
    const char *sets[] = {"scenario.description=one\ntwo\rthree"};
    const char *keys[] = {"command", "seed"};
    const char *values[] = {"replay", "42"};
    retsim_provenance p = {"replay", 5, argv, sets, 1};
    char *text = manifest_of(keys, values, 2, &p, NULL);
    char want[600];
    snprintf(want, sizeof want,
             "; written by retsim: the run and the scenario as resolved\n[run]\nversion = %s\n"
             "command = replay\nseed = 42\n"
             "command_line = retsim replay '' 'a'$'\\x0a''b' '$HOME' '*.ini' x_y-1.5/z=2:3,4+5@6%%\n"
             "set.1 = scenario.description=one two three\n\n",
             RETSIM_VERSION);
    assert_string_equal(text, want);
    free(text);
}

static void test_manifest_long_values_are_continued(void **state)
{
    (void)state;
    /* 60 words "w00".."w59" and a 200-character word: 60*4 + 200 = 440 characters */
    char word[201], value[600] = "";
    memset(word, 'x', 200);
    word[200] = '\0';
    for (int i = 0; i < 60; i++) {
        snprintf(value + strlen(value), sizeof value - strlen(value), "w%02d ", i);
    }
    strcat(value, word);
    const char *sets[] = {value};
    retsim_provenance p = {"run", 0, NULL, sets, 1};
    char *text = manifest_of(NULL, NULL, 0, &p, NULL);
    char joined[800] = "";
    int pieces = 0;
    for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        assert_true(strlen(line) <= 180); /* under the scenario reader's 197 */
        if (strncmp(line, "set.1", 5) == 0) {
            char key[32];
            snprintf(key, sizeof key, pieces == 0 ? "set.1 = " : "set.1.%d = ", pieces + 1);
            assert_int_equal(strncmp(line, key, strlen(key)), 0); /* set.1, set.1.2, set.1.3 ... */
            snprintf(joined + strlen(joined), sizeof joined - strlen(joined), "%s%s", pieces ? " " : "",
                     line + strlen(key));
            pieces++;
        }
    }
    /* the words come back whole; the long word, with no space to break at, is shortened */
    assert_true(pieces >= 3);
    assert_int_equal(strncmp(joined, value, 240), 0);
    assert_int_equal(strcmp(joined + strlen(joined) - 3, "..."), 0);
    free(text);
}

/* The manifest of a run with an override loads as a scenario, [run] and its
 * continued lines included, and that scenario is the one the run used: it
 * prints the same as the original with the override applied. */
static void test_manifest_loads_back_as_the_scenario(void **state)
{
    (void)state;
    retsim_scenario *sc = load("[scenario]\nname = trip\n"
                               "[policy.apim]\nretention = 48h\nreservation = 7d\n"
                               "[simulation]\nhorizon = 30d\n"
                               "[workload.apim]\narrivals = 5/d\nlifetime = exp(mean=10d)\n");
    const char *sets[] = {"policy.apim.retention=7d"};
    retsim_error err;
    assert_int_equal(retsim_scenario_set_all(sc, sets, 1, &err), 0);
    char long_arg[400] = "scenario.description=";
    for (int i = 0; i < 40; i++) {
        strcat(long_arg, "word ");
    }
    const char *argv[] = {"trip.ini", "--set", "policy.apim.retention=7d", "--set", long_arg};
    const char *all_sets[] = {"policy.apim.retention=7d", long_arg};
    retsim_provenance p = {"run", 5, argv, all_sets, 2};
    const char *keys[] = {"command", "scenario"};
    const char *values[] = {"run", "trip.ini"};
    char *text = manifest_of(keys, values, 2, &p, sc);
    assert_non_null(strstr(text, "\ncommand_line.2 = ")); /* the command line needed two lines */
    assert_non_null(strstr(text, "\nset.2.2 = "));
    retsim_scenario *back = NULL;
    assert_int_equal(retsim_scenario_load_string(text, "manifest", &back, &err), 0);
    char *want = scenario_text(sc), *got = scenario_text(back);
    assert_string_equal(got, want);
    assert_non_null(strstr(got, "\nretention = 7d")); /* the override, not the file's 48h */
    free(want);
    free(got);
    free(text);
    retsim_scenario_destroy(back);
    retsim_scenario_destroy(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_manifest_records_the_command_line),
        cmocka_unit_test(test_manifest_quotes_what_a_shell_would_read_otherwise),
        cmocka_unit_test(test_manifest_long_values_are_continued),
        cmocka_unit_test(test_manifest_loads_back_as_the_scenario),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
