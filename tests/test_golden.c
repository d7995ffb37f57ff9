/* Golden traces: hand-worked expected results for every case directory in
 * tests/golden/. Each case has
 *   scenario.ini, or `scenario` holding a path relative to the source root
 *   trace.csv     the operations
 *   expected.csv  time,op,subscription,name,outcome,state_after,count[,generation] — one row per
 *                 result the replay must produce, in order (auto_purge rows
 *                 included); lines starting with '#' explain the reasoning.
 * Afterwards, every row of the outcome table in docs/semantics.md must have been
 * exercised by some case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <csv.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "retsim/replay.h"
#include "retsim/sim.h"

#ifndef RETSIM_SOURCE_DIR
#error "RETSIM_SOURCE_DIR must be defined"
#endif

/* The 8th field, generation, is optional per file: "-" where not given. */
typedef struct row {
    char f[8][128];
} row;

typedef struct rows {
    row *v;
    size_t n, cap;
    size_t field;
} rows;

static bool covered[RETSIM_OP_COUNT][RETSIM_OUT_COUNT];
static bool reason_seen[RETSIM_WHY_COUNT];

static void on_field(void *s, size_t len, void *data)
{
    rows *r = data;
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->v = realloc(r->v, r->cap * sizeof *r->v);
        assert_non_null(r->v);
    }
    if (r->field < 8) {
        snprintf(r->v[r->n].f[r->field], 128, "%.*s", (int)len, (const char *)s);
    }
    r->field++;
}

static void on_row(int c, void *data)
{
    (void)c;
    rows *r = data;
    assert_true(r->field == 7 || r->field == 8);
    if (r->field == 7) {
        snprintf(r->v[r->n].f[7], 128, "-");
    }
    r->field = 0;
    r->n++;
}

/* expected.csv without its comment lines, parsed with libcsv; drops the header. */
static rows read_expected(const char *path)
{
    rows r = {0};
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    struct csv_parser p;
    assert_int_equal(csv_init(&p, CSV_STRICT), 0);
    char line[1024];
    while (fgets(line, sizeof line, f) != NULL) {
        if (line[0] == '#' || line[0] == '\n') {
            continue;
        }
        size_t len = strlen(line);
        assert_int_equal(csv_parse(&p, line, len, on_field, on_row, &r), len);
    }
    csv_fini(&p, on_field, on_row, &r);
    csv_free(&p);
    fclose(f);
    assert_true(r.n >= 1);
    assert_string_equal(r.v[0].f[0], "time");
    memmove(r.v, r.v + 1, (r.n - 1) * sizeof *r.v);
    r.n--;
    return r;
}

typedef struct got {
    retsim_result *v;
    size_t n, cap;
} got;

static int record(void *ctx, const retsim_registry *reg, const retsim_result *res)
{
    (void)reg;
    got *g = ctx;
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 64;
        g->v = realloc(g->v, g->cap * sizeof *g->v);
        assert_non_null(g->v);
    }
    g->v[g->n++] = *res;
    return 0;
}

static void scenario_path(const char *dir, char *out, size_t size)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/scenario", dir);
    FILE *f = fopen(p, "r");
    if (f == NULL) {
        snprintf(out, size, "%s/scenario.ini", dir);
        return;
    }
    char rel[512] = "";
    assert_non_null(fgets(rel, sizeof rel, f));
    fclose(f);
    rel[strcspn(rel, "\r\n")] = '\0';
    snprintf(out, size, "%s/%s", RETSIM_SOURCE_DIR, rel);
}

static void run_case(void **state)
{
    const char *dir = *state;
    char scen[1200], trace[1200], expected[1200], buf[1400];
    scenario_path(dir, scen, sizeof scen);
    snprintf(trace, sizeof trace, "%s/trace.csv", dir);
    snprintf(expected, sizeof expected, "%s/expected.csv", dir);

    retsim_error err;
    retsim_error_clear(&err);
    retsim_scenario *sc = NULL;
    if (retsim_scenario_load(scen, &sc, &err) != 0) {
        fail_msg("%s", retsim_error_format(&err, buf, sizeof buf));
    }
    retsim_sim *sim = retsim_sim_create(sc);
    assert_non_null(sim);
    got g = {0};
    retsim_sim_set_sink(sim, record, &g);
    if (retsim_replay_run(sim, trace, RETSIM_TIME_NEVER, NULL, &err) != 0) {
        fail_msg("%s", retsim_error_format(&err, buf, sizeof buf));
    }
    rows exp = read_expected(expected);
    const retsim_registry *reg = retsim_sim_registry(sim);
    for (size_t i = 0; i < exp.n || i < g.n; i++) {
        if (i >= exp.n || i >= g.n) {
            fail_msg("%s: expected %zu results, got %zu", dir, exp.n, g.n);
        }
        const row *e = &exp.v[i];
        const retsim_result *r = &g.v[i];
        retsim_time t;
        assert_int_equal(retsim_time_parse(e->f[0], &t, NULL), 0);
        const char *state_after = r->named ? retsim_state_name(r->after) : "";
        char count[16], generation[16] = "", name[RETSIM_REGISTRY_NAME_MAX];
        snprintf(count, sizeof count, "%u", (unsigned)r->count);
        if (r->generation != 0) {
            snprintf(generation, sizeof generation, "%u", (unsigned)r->generation);
        }
        if (t != r->time || strcmp(e->f[1], retsim_op_name(r->op)) != 0 ||
            strcmp(e->f[2], retsim_registry_subscription_name(reg, r->sub)) != 0 ||
            strcmp(e->f[3], retsim_registry_slot_name(reg, r->slot, name, sizeof name)) != 0 ||
            strcmp(e->f[4], retsim_outcome_name(r->outcome)) != 0 || strcmp(e->f[5], state_after) != 0 ||
            strcmp(e->f[6], count) != 0 || (strcmp(e->f[7], "-") != 0 && strcmp(e->f[7], generation) != 0)) {
            char tb[64];
            retsim_time_format(r->time, tb, sizeof tb);
            fail_msg("%s: result %zu: expected %s,%s,%s,%s,%s,%s,%s,%s got %s,%s,%s,%s,%s,%s,%s,%s", dir,
                     i + 1, e->f[0], e->f[1], e->f[2], e->f[3], e->f[4], e->f[5], e->f[6], e->f[7], tb,
                     retsim_op_name(r->op), retsim_registry_subscription_name(reg, r->sub),
                     retsim_registry_slot_name(reg, r->slot, name, sizeof name),
                     retsim_outcome_name(r->outcome), state_after, count, generation);
        }
        covered[r->op][r->outcome] = true;
        reason_seen[retsim_result_reason(r)] = true;
    }
    free(exp.v);
    free(g.v);
    retsim_sim_destroy(sim);
    retsim_scenario_destroy(sc);
}

/* The reason codes of docs/semantics.md ("Reasons") are the registry's, both
 * ways, and every one is shown by some golden case (run before this test). */
static void test_reasons_documented(void **state)
{
    (void)state;
    char path[1200];
    snprintf(path, sizeof path, "%s/docs/semantics.md", RETSIM_SOURCE_DIR);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    bool in_table = false, seen[RETSIM_WHY_COUNT] = {false};
    int n_rows = 0;
    char line[2048];
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "### Reasons", 11) == 0) {
            in_table = true;
        } else if (in_table && strncmp(line, "###", 3) == 0) {
            break;
        } else if (in_table && strncmp(line, "| `", 3) == 0) {
            char code[128];
            size_t n = strcspn(line + 3, "`");
            snprintf(code, sizeof code, "%.*s", (int)n, line + 3);
            int found = -1;
            for (int w = 1; w < RETSIM_WHY_COUNT; w++) {
                if (strcmp(code, retsim_reason_name((retsim_reason)w)) == 0) {
                    found = w;
                }
            }
            if (found < 0) {
                fail_msg("docs/semantics.md lists reason '%s' the registry does not have", code);
            }
            seen[found] = true;
            n_rows++;
        }
    }
    fclose(f);
    for (int w = 1; w < RETSIM_WHY_COUNT; w++) {
        if (!seen[w]) {
            fail_msg("reason '%s' is not documented in docs/semantics.md (Reasons)",
                     retsim_reason_name((retsim_reason)w));
        }
    }
    assert_int_equal(n_rows, RETSIM_WHY_COUNT - 1);
    for (int w = 1; w < RETSIM_WHY_COUNT; w++) {
        if (!reason_seen[w]) {
            fail_msg("no golden case shows reason %s", retsim_reason_name((retsim_reason)w));
        }
    }
}

/* Every row of the outcome table in docs/semantics.md. */
static void test_golden_covers_outcome_table(void **state)
{
    (void)state;
    static const struct {
        retsim_op op;
        retsim_outcome o;
    } table[] = {
        {RETSIM_OP_CREATE, RETSIM_OUT_OK},
        {RETSIM_OP_CREATE, RETSIM_OUT_UPDATED},
        {RETSIM_OP_CREATE, RETSIM_OUT_CONFLICT_ACTIVE},
        {RETSIM_OP_CREATE, RETSIM_OUT_CONFLICT_SOFT_DELETED},
        {RETSIM_OP_CREATE, RETSIM_OUT_CONFLICT_RESERVED},
        {RETSIM_OP_DELETE, RETSIM_OUT_SOFT_DELETED},
        {RETSIM_OP_DELETE, RETSIM_OUT_HARD_DELETED},
        {RETSIM_OP_DELETE, RETSIM_OUT_NOT_FOUND},
        {RETSIM_OP_DELETE, RETSIM_OUT_BLOCKED_CHILDREN},
        {RETSIM_OP_DELETE, RETSIM_OUT_BLOCKED_FAILED_PROVISIONING},
        {RETSIM_OP_RESTORE, RETSIM_OUT_OK},
        {RETSIM_OP_RESTORE, RETSIM_OUT_WRONG_REGION},
        {RETSIM_OP_RESTORE, RETSIM_OUT_EXPIRED},
        {RETSIM_OP_RESTORE, RETSIM_OUT_NOT_FOUND},
        {RETSIM_OP_RESTORE, RETSIM_OUT_NAME_TAKEN},
        {RETSIM_OP_PURGE, RETSIM_OUT_OK},
        {RETSIM_OP_PURGE, RETSIM_OUT_FORBIDDEN},
        {RETSIM_OP_PURGE, RETSIM_OUT_PURGE_PROTECTED},
        {RETSIM_OP_PURGE, RETSIM_OUT_NOT_SUPPORTED},
        {RETSIM_OP_CREATE, RETSIM_OUT_NOT_FOUND},
        {RETSIM_OP_CREATE, RETSIM_OUT_REJECTED},
        {RETSIM_OP_RESTORE, RETSIM_OUT_NOT_SUPPORTED},
        {RETSIM_OP_GET_DELETED, RETSIM_OUT_OK},
        {RETSIM_OP_GET_DELETED, RETSIM_OUT_NOT_FOUND},
        {RETSIM_OP_GET_DELETED, RETSIM_OUT_NOT_SUPPORTED},
        {RETSIM_OP_LIST_DELETED, RETSIM_OUT_OK},
        {RETSIM_OP_LIST_DELETED, RETSIM_OUT_NOT_SUPPORTED},
        {RETSIM_OP_SET_POLICY, RETSIM_OUT_OK},
        {RETSIM_OP_SET_POLICY, RETSIM_OUT_NOT_FOUND},
        {RETSIM_OP_SET_POLICY, RETSIM_OUT_REJECTED},
        {RETSIM_OP_AUTO_PURGE, RETSIM_OUT_OK},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (!covered[table[i].op][table[i].o]) {
            fail_msg("no golden case exercises %s -> %s", retsim_op_name(table[i].op),
                     retsim_outcome_name(table[i].o));
        }
    }
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct CMUnitTest *)a)->name, ((const struct CMUnitTest *)b)->name);
}

int main(void)
{
    char root[1024];
    snprintf(root, sizeof root, "%s/tests/golden", RETSIM_SOURCE_DIR);
    DIR *d = opendir(root);
    if (d == NULL) {
        fprintf(stderr, "cannot open %s\n", root);
        return 1;
    }
    struct CMUnitTest tests[256];
    char *dirs[256];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 255) {
        if (e->d_name[0] == '.') {
            continue;
        }
        dirs[n] = malloc(strlen(root) + strlen(e->d_name) + 2);
        sprintf(dirs[n], "%s/%s", root, e->d_name);
        tests[n] = (struct CMUnitTest){strdup(e->d_name), run_case, NULL, NULL, dirs[n]};
        n++;
    }
    closedir(d);
    qsort(tests, n, sizeof tests[0], by_name); /* deterministic order */
    tests[n++] = (struct CMUnitTest){"test_golden_covers_outcome_table", test_golden_covers_outcome_table,
                                     NULL, NULL, NULL};
    tests[n++] = (struct CMUnitTest){"test_reasons_documented", test_reasons_documented, NULL, NULL, NULL};
    int failed = _cmocka_run_group_tests("golden", tests, n, NULL, NULL);
    for (size_t i = 0; i + 2 < n; i++) {
        free((void *)tests[i].name);
        free(tests[i].initial_state);
    }
    return failed;
}
