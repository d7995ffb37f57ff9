/* report: the page, the folders' manifests, the scenario in words and the
 * headline metrics. The other sections are in report_sections.c. */
#include "retsim/report.h"
#include "drivers/report_impl.h"
#include "retsim/format.h"
#include "retsim/narrate.h"
#include "retsim/scenario.h"
#include "retsim/summary.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MANIFEST_FIRST_LINE "; written by retsim"

static const char css[] =
    "body{font-family:sans-serif;color:#111;background:#fff;max-width:70em;margin:1em auto;padding:0 1em;"
    "line-height:1.4}\n"
    "h1{font-size:1.6em}h2{border-bottom:2px solid #1f4e9c;padding-bottom:.2em;margin-top:2em}\n"
    "table{border-collapse:collapse;margin:.5em 0 1.2em;font-size:.9em}\n"
    "th,td{border:1px solid #bbb;padding:.15em .5em;vertical-align:top}\n"
    "th{background:#eef1f6;text-align:left}td.num{text-align:right;white-space:nowrap;"
    "font-variant-numeric:tabular-nums}\n"
    "code{font-size:.9em;overflow-wrap:anywhere}p.note{color:#444;font-size:.9em}\n"
    "figure.chart{margin:.5em 0 1.2em}figure.chart svg{max-width:100%;height:auto}\n"
    "svg text{fill:#111}svg text.mark{fill:#444}\n"
    "tr,figure,li{break-inside:avoid;page-break-inside:avoid}thead{display:table-header-group}\n"
    "@media print{body{max-width:none;margin:0;font-size:10pt}h2,h3,h4{break-after:avoid;"
    "page-break-after:avoid}section.folder{break-before:page;page-break-before:always}"
    "section.folder:first-of-type{break-before:auto;page-break-before:auto}}\n";

/* ---- units and cells ---------------------------------------------------- */

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && strcmp(s + n - m, tail) == 0;
}

static bool starts_with(const char *s, const char *head)
{
    return strncmp(s, head, strlen(head)) == 0;
}

const char *report_unit(const char *metric, const char *currency, char *buf, size_t size)
{
    const char *u = "requests";
    if (ends_with(metric, "_rate") || ends_with(metric, "_share")) {
        u = "%";
    } else if (starts_with(metric, "cost_") && ends_with(metric, "_per_hour")) {
        snprintf(buf, size, "%s per hour", currency);
        return buf;
    } else if (starts_with(metric, "cost_")) {
        snprintf(buf, size, "%s%s", currency, ends_with(metric, "_per_30d") ? " per 30 days" : "");
        return buf;
    } else if (ends_with(metric, "_h")) {
        u = "hours";
    } else if (ends_with(metric, "_d")) {
        u = "days";
    } else if (starts_with(metric, "replica_hours")) {
        u = "replica-hours";
    } else if (starts_with(metric, "gb_months")) {
        u = "GB-months";
    } else if (ends_with(metric, "_per_day")) {
        u = "per day";
    } else if (starts_with(metric, "reserved")) {
        u = "names";
    } else if (ends_with(metric, "_avg") || ends_with(metric, "_peak") || strcmp(metric, "data_loss") == 0 ||
               strcmp(metric, "purges_automatic") == 0) {
        u = "instances";
    } else if (ends_with(metric, "intents")) {
        u = "intents";
    }
    snprintf(buf, size, "%s", u);
    return buf;
}

void report_num_cell(FILE *out, const char *metric, double v, const char *raw)
{
    char t[RETSIM_FORMAT_MAX];
    fputs("<td class=\"num\" title=\"", out);
    report_esc(out, raw);
    fputs("\">", out);
    report_esc(out, isnan(v) ? "n/a" : retsim_format_metric(metric, v, t, sizeof t));
    fputs("</td>", out);
}

void report_ci_cell(FILE *out, const char *metric, double lo, double hi, const char *raw_lo,
                    const char *raw_hi)
{
    char a[RETSIM_FORMAT_MAX], b[RETSIM_FORMAT_MAX];
    fputs("<td class=\"num\" title=\"[", out);
    report_esc(out, raw_lo);
    fputs(", ", out);
    report_esc(out, raw_hi);
    fputs("]\">", out);
    if (isnan(lo) || isnan(hi)) {
        fputs("n/a", out);
    } else {
        fprintf(out, "[%s, %s]", retsim_format_metric(metric, lo, a, sizeof a),
                retsim_format_metric(metric, hi, b, sizeof b));
    }
    fputs("</td>", out);
}

const char *report_meaning(const char *metric)
{
    for (int m = 0; m < RETSIM_M_COUNT; m++) {
        if (strcmp(retsim_metric_name((retsim_metric)m), metric) == 0) {
            return retsim_metric_meaning((retsim_metric)m);
        }
    }
    return "";
}

/* ---- manifests ------------------------------------------------------------ */

/* "key = value ; comment" -> key and value, trimmed. false for other lines. */
static bool key_value(char *line, char **key, char **value)
{
    char *eq = strchr(line, '=');
    if (line[0] == ';' || line[0] == '#' || line[0] == '[' || eq == NULL) {
        return false;
    }
    char *comment = strstr(eq, " ; ");
    if (comment != NULL) {
        *comment = '\0';
    }
    *eq = '\0';
    char *v = eq + 1;
    while (*v == ' ') {
        v++;
    }
    for (char *end = eq - 1; end >= line && *end == ' '; end--) {
        *end = '\0';
    }
    for (size_t n = strlen(v); n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\n' || v[n - 1] == '\r'); n--) {
        v[n - 1] = '\0';
    }
    *key = line;
    *value = v;
    return true;
}

static void manifest_line(report_folder *f, const char *section, char *line)
{
    char *key, *value;
    if (!key_value(line, &key, &value)) {
        return;
    }
    if (strcmp(section, "run") == 0 && strcmp(key, "command") == 0) {
        snprintf(f->command, sizeof f->command, "%s", value);
    } else if (strcmp(section, "run") == 0 && strcmp(key, "command_line") == 0) {
        snprintf(f->command_line, sizeof f->command_line, "%s", value);
    } else if (strcmp(section, "run") == 0 && starts_with(key, "command_line.")) {
        /* a long command line is cut into continuation keys at spaces */
        retsim_format_append(f->command_line, sizeof f->command_line, " %s", value);
    } else if (starts_with(section, "change.")) {
        bool first = f->changes[0] == '\0' || ends_with(f->changes, "\n");
        retsim_format_append(f->changes, sizeof f->changes, "%s%s%s%s = %s", first ? section + 7 : "",
                             first ? ": " : ", ", "", key, value);
    }
}

static int read_manifest(report_folder *f, retsim_error *err)
{
    snprintf(f->manifest, sizeof f->manifest, "%s/manifest", f->dir);
    FILE *in = fopen(f->manifest, "r");
    if (in == NULL) {
        return retsim_error_set(err, RETSIM_EINPUT, f->manifest, 0, "", "not a retsim output folder (%s)",
                                strerror(errno));
    }
    char line[4096], section[128] = "";
    bool first = true, ok = false;
    while (fgets(line, sizeof line, in) != NULL) {
        if (first) {
            ok = starts_with(line, MANIFEST_FIRST_LINE);
            first = false;
            if (!ok) {
                break;
            }
        } else if (line[0] == '[') {
            char *end = strchr(line, ']');
            if (end != NULL) {
                *end = '\0';
            }
            if (starts_with(line + 1, "change.") && f->changes[0] != '\0') {
                retsim_format_append(f->changes, sizeof f->changes, "\n");
            }
            if (snprintf(section, sizeof section, "%s", line + 1) >= (int)sizeof section) {
                section[0] = '\0'; /* longer than any section a scenario can have: none we read */
            }
            f->has_scenario |= strcmp(section, "scenario") == 0;
        } else {
            manifest_line(f, section, line);
        }
    }
    fclose(in);
    if (!ok) {
        return retsim_error_set(err, RETSIM_EINPUT, f->manifest, 1, "",
                                "not a retsim manifest: it does not begin with '%s'", MANIFEST_FIRST_LINE);
    }
    return 0;
}

/* compare's manifest holds no scenario: its command line names the file. */
static void compare_scenario(const char *command_line, char *path, size_t size)
{
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", command_line);
    path[0] = '\0';
    bool after_command = false, skip = false;
    for (char *tok = strtok(copy, " "); tok != NULL; tok = strtok(NULL, " ")) {
        if (!after_command) {
            after_command = strcmp(tok, "compare") == 0;
        } else if (skip) {
            skip = false;
        } else if (tok[0] == '-') {
            skip = strchr(tok, '=') == NULL && strcmp(tok, "--force") != 0 && strcmp(tok, "--events") != 0;
        } else {
            snprintf(path, size, "%s", tok);
            return;
        }
    }
}

static int load_folder(report_folder *f, retsim_error *err)
{
    int rc = read_manifest(f, err);
    if (rc != 0) {
        return rc;
    }
    snprintf(f->currency, sizeof f->currency, "(currency not recorded)");
    retsim_error ignored;
    retsim_error_clear(&ignored);
    if (f->has_scenario) {
        rc = retsim_scenario_load(f->manifest, &f->sc, err);
        if (rc != 0) {
            return rc;
        }
    } else if (strcmp(f->command, "compare") == 0) {
        char path[1024];
        compare_scenario(f->command_line, path, sizeof path);
        /* best effort: the scenario file as it reads today, for currency and rules */
        if (path[0] != '\0' && retsim_scenario_load(path, &f->sc, &ignored) != 0) {
            f->sc = NULL;
        }
    }
    if (f->sc != NULL) {
        snprintf(f->currency, sizeof f->currency, "%s", f->sc->settings.currency);
    }
    return 0;
}

int retsim_report_check(const retsim_report_options *o, retsim_error *err)
{
    if (o->n_folders < 1 || o->n_folders > RETSIM_REPORT_MAX_FOLDERS) {
        return retsim_error_set(err, RETSIM_EUSAGE, "", 0, "", "expected 1 to %d output folders",
                                RETSIM_REPORT_MAX_FOLDERS);
    }
    for (int i = 0; i < o->n_folders; i++) {
        report_folder f;
        memset(&f, 0, sizeof f);
        f.dir = o->folders[i];
        int rc = read_manifest(&f, err);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

/* ---- the scenario in words ------------------------------------------------ */

static void setting(FILE *out, const char *what, const char *value)
{
    fputs("<tr><th>", out);
    report_esc(out, what);
    fputs("</th><td>", out);
    report_esc(out, value);
    fputs("</td></tr>\n", out);
}

static void settings_table(FILE *out, const retsim_scenario *sc)
{
    char t[64];
    fputs("<table class=\"settings\"><tbody>\n", out);
    setting(out, "scenario", sc->name);
    setting(out, "description", sc->description);
    retsim_time_format(sc->settings.horizon, t, sizeof t);
    setting(out, "simulated time (horizon)", t);
    retsim_time_format(sc->settings.warmup, t, sizeof t);
    setting(out, "warm-up left out of averages, rates and counts", t);
    retsim_time_format(sc->settings.sample_every, t, sizeof t);
    setting(out, "time between inventory samples", t);
    snprintf(t, sizeof t, "%llu", (unsigned long long)sc->settings.seed);
    setting(out, "master seed", t);
    snprintf(t, sizeof t, "%g", sc->settings.scale);
    setting(out, "workload scale (multiplies every arrival rate)", t);
    setting(out, "currency of every cost", sc->settings.currency);
    fputs("</tbody></table>\n", out);
}

static int kind_rules(FILE *out, const retsim_scenario *sc, int k)
{
    char *text = retsim_narrate_rules_text(sc, k);
    if (text == NULL) {
        return RETSIM_ENOMEM;
    }
    fputs("<h4>", out);
    report_esc(out, sc->policies[k].kind);
    fputs("</h4>\n<ul>\n", out);
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        fputs("<li>", out);
        report_esc(out, line);
        fputs("</li>\n", out);
    }
    fputs("</ul>\n", out);
    free(text);
    return 0;
}

static int rules_section(FILE *out, const report_folder *f)
{
    if (f->sc == NULL) {
        return 0;
    }
    fputs("<h3>The scenario and its rules</h3>\n", out);
    if (!f->has_scenario) {
        fputs(
            "<p class=\"note\">This folder's manifest does not hold the scenario: these are the rules of the "
            "scenario file its command line names, as that file reads now, before the --set-a and --set-b "
            "of each side.</p>\n",
            out);
    }
    settings_table(out, f->sc);
    for (int k = 0; k < f->sc->n_policies; k++) {
        int rc = kind_rules(out, f->sc, k);
        if (rc != 0) {
            return rc;
        }
    }
    if (f->changes[0] != '\0') {
        fputs("<p>Policy changes during the run ([change.*] sections):</p>\n<ul>\n", out);
        char copy[sizeof f->changes], *save = NULL;
        snprintf(copy, sizeof copy, "%s", f->changes);
        for (char *line = strtok_r(copy, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
            fputs("<li>", out);
            report_esc(out, line);
            fputs("</li>\n", out);
        }
        fputs("</ul>\n", out);
    }
    return 0;
}

/* ---- the metrics of summary.csv ------------------------------------------- */

static const char *const headline[] = {
    "name_conflict_rate", "recreate_conflict_rate", "attempt_conflict_rate", "recovery_rate", "data_loss",
    "conflicts_reserved", "soft_deleted_avg",       "reserved_avg",          "cost_retained", "cost_total",
    "cost_total_per_30d", "retention_cost_share"};

/* The CI row of (kind, metric) in summary_ci.csv, or -1. */
static int ci_row(const report_table *ci, const char *kind, const char *metric)
{
    int ck = report_table_col(ci, "kind"), cm = report_table_col(ci, "metric");
    for (int r = 0; r < ci->n_rows; r++) {
        if (strcmp(report_table_cell(ci, r, ck), kind) == 0 &&
            strcmp(report_table_cell(ci, r, cm), metric) == 0) {
            return r;
        }
    }
    return -1;
}

/* One metric's row: its mean and CI from summary_ci.csv, else the value of
 * the one row of summary.csv (a replay), else the mean of its rows. */
static void metric_row(FILE *out, const report_table *s, const report_table *ci, const char *kind, int col,
                       const char *currency)
{
    const char *metric = s->header[col];
    char unit[64], raw[64];
    fputs("<tr><th>", out);
    report_esc(out, metric);
    fputs("</th><td>", out);
    report_esc(out, report_unit(metric, currency, unit, sizeof unit));
    fputs("</td>", out);
    int r = ci->n_cols > 0 ? ci_row(ci, kind, metric) : -1;
    int cmean = report_table_col(ci, "mean");
    if (r >= 0) {
        report_num_cell(out, metric, report_table_num(ci, r, cmean), report_table_cell(ci, r, cmean));
        int lo = report_table_col(ci, "ci95_low"), hi = report_table_col(ci, "ci95_high");
        report_ci_cell(out, metric, report_table_num(ci, r, lo), report_table_num(ci, r, hi),
                       report_table_cell(ci, r, lo), report_table_cell(ci, r, hi));
    } else {
        int ck = report_table_col(s, "kind"), n = 0, rows = 0, last = -1;
        double sum = 0;
        for (int i = 0; i < s->n_rows; i++) {
            if (strcmp(report_table_cell(s, i, ck), kind) != 0) {
                continue;
            }
            rows++;
            last = i;
            if (!isnan(report_table_num(s, i, col))) {
                sum += report_table_num(s, i, col);
                n++;
            }
        }
        double v = n > 0 ? sum / n : NAN;
        snprintf(raw, sizeof raw, "%.9g", v);
        report_num_cell(out, metric, v, rows == 1 ? report_table_cell(s, last, col) : n > 0 ? raw : "");
        fputs("<td>n/a (one replication)</td>", out);
    }
    fputs("<td>", out);
    report_esc(out, report_meaning(metric));
    fputs("</td></tr>\n", out);
}

static void metrics_table(FILE *out, const report_table *s, const report_table *ci, const char *kind,
                          const char *currency, bool headline_only)
{
    fputs("<table class=\"metrics\"><thead><tr><th>metric</th><th>unit</th><th>mean</th><th>95% CI</th>"
          "<th>meaning</th></tr></thead><tbody>\n",
          out);
    int first = report_table_col(s, "kind") + 1;
    if (headline_only) { /* in the order the terminal prints them */
        for (size_t h = 0; h < sizeof headline / sizeof headline[0]; h++) {
            int c = report_table_col(s, headline[h]);
            if (c >= first && first > 0) {
                metric_row(out, s, ci, kind, c, currency);
            }
        }
    }
    for (int c = first; !headline_only && c > 0 && c < s->n_cols; c++) {
        metric_row(out, s, ci, kind, c, currency);
    }
    fputs("</tbody></table>\n", out);
}

static int metrics_section(FILE *out, const report_folder *f, retsim_error *err)
{
    report_table s, ci;
    int rc = report_table_load(&s, f->dir, "summary.csv", 0, err);
    if (rc == 0 && s.n_cols > 0) {
        rc = report_table_load(&ci, f->dir, "summary_ci.csv", 0, err);
        if (rc == 0) {
            int ck = report_table_col(&s, "kind");
            fprintf(out, "<h3>Metrics (summary.csv%s)</h3>\n", ci.n_cols > 0 ? ", summary_ci.csv" : "");
            fputs(
                "<p class=\"note\">Counts, rates and averages cover the measured period (after the warm-up). "
                "Hover over a number for its exact value as the CSV file has it.</p>\n",
                out);
            for (int r = 0; r < s.n_rows; r++) {
                const char *kind = report_table_cell(&s, r, ck);
                bool seen = false;
                for (int e = 0; e < r; e++) {
                    seen |= strcmp(report_table_cell(&s, e, ck), kind) == 0;
                }
                if (seen) {
                    continue;
                }
                fputs("<h4>Headline metrics: ", out);
                report_esc(out, kind);
                fputs("</h4>\n", out);
                metrics_table(out, &s, &ci, kind, f->currency, true);
                fputs("<h4>Every metric: ", out);
                report_esc(out, kind);
                fputs("</h4>\n", out);
                metrics_table(out, &s, &ci, kind, f->currency, false);
            }
            report_table_free(&ci);
        }
    }
    report_table_free(&s);
    return rc;
}

/* ---- the page -------------------------------------------------------------- */

static int folder_section(FILE *out, report_folder *f, retsim_error *err)
{
    fputs("<section class=\"folder\">\n<h2>", out);
    report_esc(out, f->dir);
    fputs(" — retsim ", out);
    report_esc(out, f->command[0] != '\0' ? f->command : "(unknown command)");
    fputs("</h2>\n", out);
    if (f->command_line[0] != '\0') {
        fputs("<p>Made by <code>", out);
        report_esc(out, f->command_line);
        fputs("</code></p>\n", out);
    }
    int rc = rules_section(out, f);
    int (*const sections[])(FILE *, const report_folder *, retsim_error *) = {
        metrics_section, report_timeseries, report_periods, report_sweep, report_compare, report_timeline};
    for (size_t i = 0; rc == 0 && i < sizeof sections / sizeof sections[0]; i++) {
        rc = sections[i](out, f, err);
    }
    if (rc == RETSIM_ENOMEM) {
        retsim_error_set(err, rc, "", 0, "", "out of memory");
    }
    fputs("</section>\n", out);
    return rc;
}

static void page_head(FILE *out, const retsim_report_options *o)
{
    const char *title = o->title != NULL ? o->title : "retsim report";
    fputs("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
          "<meta charset=\"utf-8\"/>\n<meta name=\"generator\" content=\"retsim " RETSIM_VERSION "\"/>\n"
          "<title>",
          out);
    report_esc(out, title);
    fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", css);
    report_esc(out, title);
    fputs("</h1>\n<p>From ", out);
    for (int i = 0; i < o->n_folders; i++) {
        fputs(i == 0 ? "<code>" : ", <code>", out);
        report_esc(out, o->folders[i]);
        fputs("</code>", out);
    }
    fputs(". Every cost is in the currency of its scenario ([simulation] currency); rates and shares are "
          "percentages; intervals are 95% confidence intervals over replications.</p>\n",
          out);
}

int retsim_report_write(const retsim_report_options *o, FILE *out, retsim_error *err)
{
    int rc = retsim_report_check(o, err);
    if (rc != 0) {
        return rc;
    }
    page_head(out, o);
    for (int i = 0; rc == 0 && i < o->n_folders; i++) {
        report_folder f;
        memset(&f, 0, sizeof f);
        f.dir = o->folders[i];
        f.max_names = o->max_names > 0 ? o->max_names : 40;
        rc = load_folder(&f, err);
        if (rc == 0) {
            rc = folder_section(out, &f, err);
        }
        retsim_scenario_destroy(f.sc);
    }
    fputs("<p class=\"note\">Written by retsim " RETSIM_VERSION " (retsim report).</p>\n</body>\n</html>\n",
          out);
    if (rc == 0 && ferror(out)) {
        rc = retsim_error_set(err, RETSIM_EIO, "", 0, "", "cannot write the report");
    }
    return rc;
}
