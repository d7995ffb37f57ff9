/* report: the sections read from timeseries.csv, sweep_ci.csv,
 * summary_by_period_ci.csv, compare.csv and events.csv. */
#include "drivers/report_impl.h"
#include "retsim/format.h"
#include "retsim/narrate.h"
#include "retsim/registry.h"
#include "retsim/report.h"
#include "retsim/scenario.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_GROUPS 64

/* The distinct values of column c, in order of first appearance (at most max). */
static int distinct(const report_table *t, int c, const char **out, int max)
{
    int n = 0;
    for (int r = 0; r < t->n_rows; r++) {
        const char *v = report_table_cell(t, r, c);
        bool seen = false;
        for (int i = 0; i < n && !seen; i++) {
            seen = strcmp(out[i], v) == 0;
        }
        if (!seen && n < max) {
            out[n++] = v;
        }
    }
    return n;
}

/* ---- inventory and cost over time ------------------------------------------ */

typedef struct curves {
    int n;
    double *x, *y[5];
} curves;

static const char *const ts_cols[5] = {"active", "soft_deleted", "reserved", "cost_live_per_hour",
                                       "cost_retained_per_hour"};

/* The mean over replications of each column at each sample time of kind. */
static int mean_curves(const report_table *t, const char *kind, curves *cv)
{
    int ck = report_table_col(t, "kind"), ct = report_table_col(t, "time_ms"),
        cr = report_table_col(t, "replication");
    int ci[5];
    for (int j = 0; j < 5; j++) {
        ci[j] = report_table_col(t, ts_cols[j]);
    }
    memset(cv, 0, sizeof *cv);
    double *count = calloc((size_t)t->n_rows + 1, sizeof *count);
    cv->x = calloc((size_t)t->n_rows + 1, sizeof *cv->x);
    for (int j = 0; j < 5; j++) {
        cv->y[j] = calloc((size_t)t->n_rows + 1, sizeof *cv->y[j]);
    }
    if (count == NULL || cv->x == NULL || cv->y[4] == NULL || cv->y[0] == NULL || cv->y[1] == NULL ||
        cv->y[2] == NULL || cv->y[3] == NULL) {
        free(count);
        return RETSIM_ENOMEM;
    }
    const char *first_rep = report_table_cell(t, 0, cr);
    for (int r = 0; r < t->n_rows; r++) {
        if (strcmp(report_table_cell(t, r, ck), kind) == 0 &&
            strcmp(report_table_cell(t, r, cr), first_rep) == 0) {
            cv->x[cv->n++] = report_table_num(t, r, ct);
        }
    }
    for (int r = 0; r < t->n_rows; r++) {
        if (strcmp(report_table_cell(t, r, ck), kind) != 0) {
            continue;
        }
        double x = report_table_num(t, r, ct);
        int lo = 0, hi = cv->n - 1;
        while (lo < hi) { /* sample times are ascending within a replication */
            int mid = (lo + hi) / 2;
            if (cv->x[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (cv->n > 0 && cv->x[lo] == x) {
            for (int j = 0; j < 5; j++) {
                cv->y[j][lo] += ci[j] >= 0 ? report_table_num(t, r, ci[j]) : NAN;
            }
            count[lo] += 1;
        }
    }
    for (int i = 0; i < cv->n; i++) {
        cv->x[i] /= 86400000.0; /* days */
        for (int j = 0; j < 5; j++) {
            cv->y[j][i] = count[i] > 0 ? cv->y[j][i] / count[i] : NAN;
        }
    }
    free(count);
    return 0;
}

static void free_curves(curves *cv)
{
    free(cv->x);
    for (int j = 0; j < 5; j++) {
        free(cv->y[j]);
    }
}

static void time_marks(report_chart *ch, const report_folder *f, char labels[][96])
{
    if (f->sc == NULL) {
        return;
    }
    if (f->sc->settings.warmup > 0) {
        ch->marks[ch->n_marks] = (double)f->sc->settings.warmup / 86400000.0;
        ch->mark_labels[ch->n_marks++] = "end of warm-up";
    }
    for (int i = 0; i < f->sc->n_changes && ch->n_marks < REPORT_MAX_MARKS; i++) {
        snprintf(labels[i], 96, "change %s", f->sc->changes[i].label);
        ch->marks[ch->n_marks] = (double)f->sc->changes[i].at / 86400000.0;
        ch->mark_labels[ch->n_marks++] = labels[i];
    }
}

static void kind_charts(FILE *out, const report_folder *f, const char *kind, const curves *cv)
{
    char title[192], ylabel[96], labels[REPORT_MAX_MARKS][96];
    report_chart ch;
    memset(&ch, 0, sizeof ch);
    snprintf(title, sizeof title, "%s: inventory over time (mean over replications)", kind);
    ch.title = title;
    ch.x_label = "simulated time (days)";
    ch.y_label = "instances / names";
    const char *names[3] = {"ACTIVE instances", "SOFT_DELETED instances", "reserved names"};
    for (int j = 0; j < 3; j++) {
        ch.series[ch.n_series++] = (report_series){.label = names[j], .x = cv->x, .y = cv->y[j], .n = cv->n};
    }
    time_marks(&ch, f, labels);
    report_svg_chart(out, &ch);
    snprintf(title, sizeof title, "%s: cost per hour over time (mean over replications)", kind);
    snprintf(ylabel, sizeof ylabel, "%s per hour", f->currency);
    ch.y_label = ylabel;
    ch.n_series = 0;
    ch.series[ch.n_series++] = (report_series){.label = "live", .x = cv->x, .y = cv->y[3], .n = cv->n};
    ch.series[ch.n_series++] =
        (report_series){.label = "retained (soft-deleted)", .x = cv->x, .y = cv->y[4], .n = cv->n};
    report_svg_chart(out, &ch);
}

int report_timeseries(FILE *out, const report_folder *f, retsim_error *err)
{
    report_table t;
    int rc = report_table_load(&t, f->dir, "timeseries.csv", 0, err);
    if (rc != 0 || t.n_cols == 0 || t.n_rows == 0) {
        report_table_free(&t);
        return rc;
    }
    fputs("<h3>Inventory and cost over time (timeseries.csv)</h3>\n", out);
    const char *kinds[MAX_GROUPS];
    int n = distinct(&t, report_table_col(&t, "kind"), kinds, MAX_GROUPS);
    for (int k = 0; k < n && rc == 0; k++) {
        curves cv;
        rc = mean_curves(&t, kinds[k], &cv);
        if (rc == 0) {
            kind_charts(out, f, kinds[k], &cv);
        }
        free_curves(&cv);
    }
    report_table_free(&t);
    return rc;
}

/* ---- tables of mean and CI by group: sweep points, periods ---------------- */

typedef struct grid {
    const report_table *t;
    int n_key; /* the group's columns: 0 .. n_key-1 */
    int n_groups;
    int group_row[MAX_GROUPS];   /* a row of each group */
    char label[MAX_GROUPS][160]; /* key=value, ... */
    char value[MAX_GROUPS][160]; /* value, ...: a chart's point labels */
} grid;

static bool same_group(const report_table *t, int a, int b, int n_key)
{
    for (int c = 0; c < n_key; c++) {
        if (strcmp(report_table_cell(t, a, c), report_table_cell(t, b, c)) != 0) {
            return false;
        }
    }
    return true;
}

/* Groups are the distinct values of the key columns; `from` is the first
 * key column shown in the label (sweep: after "point"). */
static void grid_groups(grid *g, int from, int upto)
{
    g->n_groups = 0;
    for (int r = 0; r < g->t->n_rows && g->n_groups < MAX_GROUPS; r++) {
        bool seen = false;
        for (int i = 0; i < g->n_groups && !seen; i++) {
            seen = same_group(g->t, g->group_row[i], r, g->n_key);
        }
        if (seen) {
            continue;
        }
        char *l = g->label[g->n_groups], *v = g->value[g->n_groups];
        l[0] = v[0] = '\0';
        for (int c = from; c < upto; c++) {
            retsim_format_append(l, sizeof g->label[0], "%s%s%s%s", l[0] != '\0' ? ", " : "",
                                 from > 0 ? g->t->header[c] : "", from > 0 ? "=" : "",
                                 report_table_cell(g->t, r, c));
            retsim_format_append(v, sizeof g->value[0], "%s%s", v[0] != '\0' ? ", " : "",
                                 report_table_cell(g->t, r, c));
        }
        g->group_row[g->n_groups++] = r;
    }
}

/* The row of (group, kind, metric), or -1. */
static int grid_row(const grid *g, int group, const char *kind, const char *metric)
{
    int ck = report_table_col(g->t, "kind"), cm = report_table_col(g->t, "metric");
    for (int r = 0; r < g->t->n_rows; r++) {
        if (same_group(g->t, r, g->group_row[group], g->n_key) &&
            strcmp(report_table_cell(g->t, r, ck), kind) == 0 &&
            strcmp(report_table_cell(g->t, r, cm), metric) == 0) {
            return r;
        }
    }
    return -1;
}

static void grid_table(FILE *out, const grid *g, const char *kind, const char *currency)
{
    const report_table *t = g->t;
    int cm = report_table_col(t, "metric"), cmean = report_table_col(t, "mean");
    int clo = report_table_col(t, "ci95_low"), chi = report_table_col(t, "ci95_high");
    const char *metrics[128];
    int n = distinct(t, cm, metrics, 128);
    fputs("<table class=\"grid\"><thead><tr><th>metric</th><th>unit</th>", out);
    for (int i = 0; i < g->n_groups; i++) {
        fputs("<th colspan=\"2\">", out);
        report_esc(out, g->label[i]);
        fputs(": mean, 95% CI</th>", out);
    }
    fputs("</tr></thead><tbody>\n", out);
    for (int m = 0; m < n; m++) {
        char unit[64];
        fputs("<tr><th>", out);
        report_esc(out, metrics[m]);
        fputs("</th><td>", out);
        report_esc(out, report_unit(metrics[m], currency, unit, sizeof unit));
        fputs("</td>", out);
        for (int i = 0; i < g->n_groups; i++) {
            int r = grid_row(g, i, kind, metrics[m]);
            report_num_cell(out, metrics[m], report_table_num(t, r, cmean), report_table_cell(t, r, cmean));
            report_ci_cell(out, metrics[m], report_table_num(t, r, clo), report_table_num(t, r, chi),
                           report_table_cell(t, r, clo), report_table_cell(t, r, chi));
        }
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table>\n", out);
}

/* Trade-off: y against retained cost per 30 days, one point per group. */
static void tradeoff(FILE *out, const grid *g, const char *kind, const char *y_metric, const char *currency)
{
    double x[MAX_GROUPS], y[MAX_GROUPS], lo[MAX_GROUPS], hi[MAX_GROUPS];
    const char *labels[MAX_GROUPS];
    int cmean = report_table_col(g->t, "mean");
    int clo = report_table_col(g->t, "ci95_low"), chi = report_table_col(g->t, "ci95_high");
    for (int i = 0; i < g->n_groups; i++) {
        int rx = grid_row(g, i, kind, "cost_retained_per_30d"), ry = grid_row(g, i, kind, y_metric);
        x[i] = report_table_num(g->t, rx, cmean);
        y[i] = report_table_num(g->t, ry, cmean);
        lo[i] = report_table_num(g->t, ry, clo);
        hi[i] = report_table_num(g->t, ry, chi);
        labels[i] = g->value[i];
    }
    char title[192], xlabel[96];
    snprintf(title, sizeof title, "%s: %s against the cost of retention (95%% CI bars)", kind, y_metric);
    snprintf(xlabel, sizeof xlabel, "cost_retained_per_30d (%s per 30 days)", currency);
    report_chart ch;
    memset(&ch, 0, sizeof ch);
    ch.title = title;
    ch.x_label = xlabel;
    ch.y_label = y_metric;
    ch.y_percent = true;
    ch.scatter = true;
    ch.point_labels = labels;
    ch.series[ch.n_series++] =
        (report_series){.label = y_metric, .x = x, .y = y, .lo = lo, .hi = hi, .n = g->n_groups};
    report_svg_chart(out, &ch);
}

static int grid_section(FILE *out, const report_folder *f, const char *file, const char *heading, bool sweep,
                        retsim_error *err)
{
    report_table t;
    int rc = report_table_load(&t, f->dir, file, 0, err);
    int ck = report_table_col(&t, "kind");
    if (rc != 0 || t.n_rows == 0 || ck < 0 || report_table_col(&t, "metric") < 0) {
        report_table_free(&t);
        return rc;
    }
    grid g = {.t = &t, .n_key = ck};
    grid_groups(&g, sweep ? 1 : 0, sweep ? ck : 1); /* a period is named by its first column */
    fprintf(out, "<h3>%s (%s)</h3>\n", heading, file);
    const char *kinds[MAX_GROUPS];
    int n = distinct(&t, ck, kinds, MAX_GROUPS);
    for (int k = 0; k < n; k++) {
        fputs("<h4>", out);
        report_esc(out, kinds[k]);
        fputs("</h4>\n", out);
        if (sweep) {
            tradeoff(out, &g, kinds[k], "recovery_rate", f->currency);
            tradeoff(out, &g, kinds[k], "name_conflict_rate", f->currency);
        }
        grid_table(out, &g, kinds[k], f->currency);
    }
    report_table_free(&t);
    return 0;
}

int report_sweep(FILE *out, const report_folder *f, retsim_error *err)
{
    return grid_section(out, f, "sweep_ci.csv", "The sweep: every point, and the trade-off curves", true,
                        err);
}

int report_periods(FILE *out, const report_folder *f, retsim_error *err)
{
    return grid_section(out, f, "summary_by_period_ci.csv",
                        "Metrics per period, around each policy change (measured time only)", false, err);
}

/* ---- compare ------------------------------------------------------------------ */

static void compare_row(FILE *out, const report_table *t, int r, const char *currency)
{
    const char *metric = report_table_cell(t, r, report_table_col(t, "metric"));
    char unit[64], buf[RETSIM_FORMAT_MAX];
    fputs("<tr><th>", out);
    report_esc(out, metric);
    fputs("</th><td>", out);
    report_esc(out, report_unit(metric, currency, unit, sizeof unit));
    fputs("</td>", out);
    const char *cols[3] = {"a_mean", "b_mean", "diff_mean"};
    for (int i = 0; i < 3; i++) {
        int c = report_table_col(t, cols[i]);
        report_num_cell(out, metric, report_table_num(t, r, c), report_table_cell(t, r, c));
    }
    int lo = report_table_col(t, "diff_ci95_low"), hi = report_table_col(t, "diff_ci95_high");
    report_ci_cell(out, metric, report_table_num(t, r, lo), report_table_num(t, r, hi),
                   report_table_cell(t, r, lo), report_table_cell(t, r, hi));
    int rel = report_table_col(t, "rel_change_pct");
    fputs("<td class=\"num\" title=\"", out);
    report_esc(out, report_table_cell(t, r, rel));
    fprintf(out, "\">%s</td>", retsim_format_change(report_table_num(t, r, rel), buf, sizeof buf));
    int rlo = report_table_col(t, "rel_ci95_low_pct"), rhi = report_table_col(t, "rel_ci95_high_pct");
    double vlo = report_table_num(t, r, rlo), vhi = report_table_num(t, r, rhi);
    char b2[RETSIM_FORMAT_MAX];
    fputs("<td class=\"num\">", out);
    if (isnan(vlo) || isnan(vhi)) {
        fputs("n/a", out);
    } else {
        fprintf(out, "[%s, %s]", retsim_format_change(vlo, buf, sizeof buf),
                retsim_format_change(vhi, b2, sizeof b2));
    }
    bool differs = strcmp(report_table_cell(t, r, report_table_col(t, "significant")), "yes") == 0;
    fprintf(out, "</td><td>%s</td></tr>\n", differs ? "differs" : "no clear difference");
}

/* The values after --set-a and --set-b on the command line, for the heading. */
static void sides(const char *command_line, const char *option, char *buf, size_t size)
{
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", command_line);
    buf[0] = '\0';
    bool take = false;
    char *save = NULL;
    for (char *tok = strtok_r(copy, " ", &save); tok != NULL; tok = strtok_r(NULL, " ", &save)) {
        if (take) {
            retsim_format_append(buf, size, "%s%s", buf[0] != '\0' ? ", " : "", tok);
        }
        take = strcmp(tok, option) == 0;
    }
    if (buf[0] == '\0') {
        snprintf(buf, size, "the scenario as it is");
    }
}

int report_compare(FILE *out, const report_folder *f, retsim_error *err)
{
    report_table t;
    int rc = report_table_load(&t, f->dir, "compare.csv", 0, err);
    int ck = report_table_col(&t, "kind");
    if (rc != 0 || t.n_rows == 0 || ck < 0) {
        report_table_free(&t);
        return rc;
    }
    char a[1024], b[1024];
    sides(f->command_line, "--set-a", a, sizeof a);
    sides(f->command_line, "--set-b", b, sizeof b);
    fputs("<h3>The comparison: B − A, paired over the same workload (compare.csv)</h3>\n<p>A: <code>", out);
    report_esc(out, a);
    fputs("</code>. B: <code>", out);
    report_esc(out, b);
    fputs(
        "</code>. Relative change is (B − A) / A; a difference \"differs\" when its 95% CI excludes 0.</p>\n",
        out);
    const char *kinds[MAX_GROUPS];
    int n = distinct(&t, ck, kinds, MAX_GROUPS);
    for (int k = 0; k < n; k++) {
        fputs("<h4>", out);
        report_esc(out, kinds[k]);
        fputs("</h4>\n<table class=\"compare\"><thead><tr><th>metric</th><th>unit</th><th>A</th><th>B</th>"
              "<th>B − A</th><th>95% CI of B − A</th><th>B vs A</th><th>95% CI (% of A)</th><th>verdict</th>"
              "</tr></thead><tbody>\n",
              out);
        for (int r = 0; r < t.n_rows; r++) {
            if (strcmp(report_table_cell(&t, r, ck), kinds[k]) == 0) {
                compare_row(out, &t, r, f->currency);
            }
        }
        fputs("</tbody></table>\n", out);
    }
    report_table_free(&t);
    return 0;
}

/* ---- the timeline of names ------------------------------------------------------ */

void report_lane_key(const report_table *t, int r, const int *c, char *buf, size_t size)
{
    snprintf(buf, size, "%s %s%s%s", report_table_cell(t, r, c[0]), report_table_cell(t, r, c[1]),
             report_table_cell(t, r, c[1])[0] != '\0' ? "/" : "", report_table_cell(t, r, c[2]));
}

/* The reason code's rule in words, or "". */
static const char *reason_words(const char *code)
{
    for (int w = 1; w < RETSIM_WHY_COUNT; w++) {
        if (strcmp(retsim_reason_name((retsim_reason)w), code) == 0) {
            return retsim_narrate_reason((retsim_reason)w);
        }
    }
    return "";
}

static void event_row(FILE *out, const report_table *t, int r)
{
    static const char *const cols[] = {"time",    "op",           "subscription",
                                       "outcome", "state_before", "state_after"};
    fputs("<tr>", out);
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        fputs("<td>", out);
        report_esc(out, report_table_cell(t, r, report_table_col(t, cols[i])));
        fputs("</td>", out);
    }
    const char *reason = report_table_cell(t, r, report_table_col(t, "reason"));
    const char *detail = report_table_cell(t, r, report_table_col(t, "detail"));
    fputs("<td>", out);
    report_esc(out, reason_words(reason));
    if (detail[0] != '\0') {
        fputs(reason_words(reason)[0] != '\0' ? " (" : "(", out);
        report_esc(out, detail);
        fputs(")", out);
    }
    fputs("</td></tr>\n", out);
}

static void name_table(FILE *out, const report_table *t, const int *c, const char *key)
{
    fputs("<h4>", out);
    report_esc(out, key);
    fputs(key[strlen(key) - 1] == ' ' ? "(kind-wide rule changes)" : "", out);
    fputs("</h4>\n<table class=\"timeline\"><thead><tr><th>time</th><th>operation</th><th>subscription</th>"
          "<th>outcome</th><th>before</th><th>after</th><th>why</th></tr></thead><tbody>\n",
          out);
    char k2[512];
    for (int r = 0; r < t->n_rows; r++) {
        report_lane_key(t, r, c, k2, sizeof k2);
        if (strcmp(k2, key) == 0) {
            event_row(out, t, r);
        }
    }
    fputs("</tbody></table>\n", out);
}

int report_timeline(FILE *out, const report_folder *f, retsim_error *err)
{
    report_table t;
    int rc = report_table_load(&t, f->dir, "events.csv", RETSIM_REPORT_MAX_EVENT_ROWS, err);
    int c[3] = {report_table_col(&t, "kind"), report_table_col(&t, "parent"), report_table_col(&t, "name")};
    if (rc != 0 || t.n_rows == 0 || c[0] < 0 || c[2] < 0) {
        report_table_free(&t);
        return rc;
    }
    fputs("<h3>The timeline of names (events.csv)</h3>\n<p class=\"note\">Each name's answers in time order "
          "(kind, parent path and name; empty names are kind-wide rule changes), with the rule behind each "
          "answer.</p>\n",
          out);
    char(*keys)[512] = calloc((size_t)f->max_names, sizeof *keys);
    if (keys == NULL) {
        report_table_free(&t);
        return RETSIM_ENOMEM;
    }
    int n = 0, more = 0;
    for (int r = 0; r < t.n_rows; r++) {
        char key[512];
        report_lane_key(&t, r, c, key, sizeof key);
        bool seen = false;
        for (int i = 0; i < n && !seen; i++) {
            seen = strcmp(keys[i], key) == 0;
        }
        if (!seen && n < f->max_names) {
            snprintf(keys[n++], sizeof keys[0], "%s", key);
        } else if (!seen) {
            more++; /* counts rows of names beyond the limit, an upper bound of names */
        }
    }
    report_lanes(out, &t, c, keys, n);
    for (int i = 0; i < n; i++) {
        name_table(out, &t, c, keys[i]);
    }
    if (more > 0 || t.truncated) {
        fprintf(out, "<p class=\"note\">Only the first %d names%s are shown.</p>\n", n,
                t.truncated ? " of the first rows of events.csv" : "");
    }
    free(keys);
    report_table_free(&t);
    return 0;
}
