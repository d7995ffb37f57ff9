/* Shared by the cmocka test programs: a scratch folder, loading a scenario
 * from text, reading a file whole, and checking a scenario error. */
#ifndef RETSIM_TEST_HELPERS_H
#define RETSIM_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "retsim/scenario.h"

static char tmpdir[256];

/* cmocka group setup / teardown: a fresh folder in /tmp, removed afterwards. */
static inline int make_tmpdir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/retsim-test-XXXXXX");
    return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static inline int remove_tmpdir(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* A scenario from text; fails the test with the loader's message if it is bad. */
static inline retsim_scenario *load(const char *text)
{
    retsim_scenario *sc = NULL;
    retsim_error err;
    if (retsim_scenario_load_string(text, "test.ini", &sc, &err) != 0) {
        fail_msg("%ld: %s: %s", err.line, err.field, err.msg);
    }
    return sc;
}

/* dir/name read whole, NUL-terminated; the caller frees. */
static inline char *slurp(const char *dir, const char *name)
{
    char path[512];
    int len = snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_true(len > 0 && (size_t)len < sizeof path); /* a cut path would open another file */
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Write len bytes (NULs allowed) to tmpdir/name; returns the path in a
 * static buffer, valid until the next call. */
static inline const char *put_file(const char *name, const char *text, size_t len)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
    return path;
}

/* Scenario text that must fail with RETSIM_EINPUT at `line`, naming `field`,
 * with `says` in the message (case number i in the failure). */
static inline void expect_scenario_error(size_t i, const char *text, long line, const char *field,
                                         const char *says)
{
    retsim_scenario *sc = NULL;
    retsim_error err;
    retsim_error_clear(&err);
    int rc = retsim_scenario_load_string(text, "bad.ini", &sc, &err);
    if (rc != RETSIM_EINPUT || err.line != line || strcmp(err.field, field) != 0 ||
        strstr(err.msg, says) == NULL || strcmp(err.file, "bad.ini") != 0) {
        fail_msg("case %zu: rc %d line %ld field '%s' msg '%s'", i, rc, err.line, err.field, err.msg);
    }
    assert_null(sc);
}

#endif
