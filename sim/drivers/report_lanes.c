/* The report's picture of each name's life: one lane per name, from events.csv. */
#include "report_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { LANE_W = 900, LANE_LEFT = 230, LANE_RIGHT = 20, LANE_TOP = 34, LANE_H = 18, LANE_AXIS = 40 };

/* The outcomes that refuse what was asked (red triangles). */
static bool refused(const char *outcome)
{
    static const char *const refusals[] = {"conflict_",       "blocked_",     "forbidden", "rejected",
                                           "expired",         "name_taken",   "not_found", "wrong_region",
                                           "purge_protected", "not_supported"};
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        if (strncmp(outcome, refusals[i], strlen(refusals[i])) == 0) {
            return true;
        }
    }
    return false;
}

static const char *state_fill(const char *state)
{
    if (strcmp(state, "active") == 0) {
        return "#5cb85c";
    }
    if (strcmp(state, "soft_deleted") == 0) {
        return "#f0ad4e";
    }
    if (strcmp(state, "purged") == 0) {
        return "url(#released)";
    }
    return NULL; /* absent: nothing drawn */
}

typedef struct lane_scale {
    double t1; /* the last time, ms */
    double px_per_ms;
} lane_scale;

static double x_of(const lane_scale *s, double t)
{
    return LANE_LEFT + t * s->px_per_ms;
}

/* The state bars of one name: each row's state_after holds until the next row of the name. */
static void lane_bars(FILE *out, const report_table *t, const int *c, const char *key, int lane,
                      const lane_scale *s)
{
    int tcol = report_table_col(t, "time_ms"), scol = report_table_col(t, "state_after");
    double from = 0;
    const char *state = "absent";
    char k[512];
    double y = LANE_TOP + lane * LANE_H + 3;
    for (int r = 0; r <= t->n_rows; r++) {
        bool end = r == t->n_rows;
        if (!end) {
            report_lane_key(t, r, c, k, sizeof k);
            if (strcmp(k, key) != 0 || report_table_cell(t, r, scol)[0] == '\0') {
                continue;
            }
        }
        double at = end ? s->t1 : report_table_num(t, r, tcol);
        const char *fill = state_fill(state);
        if (fill != NULL && at > from) {
            fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n",
                    x_of(s, from), y, (at - from) * s->px_per_ms, LANE_H - 6, fill);
        }
        if (!end) {
            from = at;
            state = report_table_cell(t, r, scol);
        }
    }
}

/* A marker per operation of the name: refusals as red triangles, the rest as dots. */
static void lane_marks(FILE *out, const report_table *t, const int *c, const char *key, int lane,
                       const lane_scale *s)
{
    int tcol = report_table_col(t, "time_ms"), ocol = report_table_col(t, "outcome"),
        opcol = report_table_col(t, "op");
    double y = LANE_TOP + lane * LANE_H + LANE_H / 2.0;
    char k[512];
    for (int r = 0; r < t->n_rows; r++) {
        report_lane_key(t, r, c, k, sizeof k);
        if (strcmp(k, key) != 0) {
            continue;
        }
        double x = x_of(s, report_table_num(t, r, tcol));
        const char *outcome = report_table_cell(t, r, ocol);
        fputs("<g><title>", out);
        report_esc(out, report_table_cell(t, r, report_table_col(t, "time")));
        fputs(" ", out);
        report_esc(out, report_table_cell(t, r, opcol));
        fputs(": ", out);
        report_esc(out, outcome);
        fputs("</title>", out);
        if (refused(outcome)) {
            fprintf(out, "<path d=\"M%.1f %.1f l4 7 h-8 z\" fill=\"#c0392b\"/>", x, y - 4);
        } else {
            fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"#1f2d4d\"/>", x, y);
        }
        fputs("</g>\n", out);
    }
}

static void lane_axis(FILE *out, int n, const lane_scale *s)
{
    double days = s->t1 / 86400000.0;
    double step = days <= 10 ? 1 : days <= 70 ? 10 : days <= 400 ? 50 : days <= 2000 ? 365 : 1000;
    double y = LANE_TOP + n * LANE_H + 4;
    fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#555\"/>\n", LANE_LEFT, y,
            LANE_W - LANE_RIGHT, y);
    for (double d = 0; d <= days + 1e-9; d += step) {
        double x = x_of(s, d * 86400000.0);
        fprintf(out,
                "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%.1f\" "
                "y=\"%.1f\" "
                "text-anchor=\"middle\">%g</text>\n",
                x, LANE_TOP, x, y, x, y + 14, d);
    }
    fprintf(out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\">days since the start</text>\n",
            (LANE_LEFT + LANE_W - LANE_RIGHT) / 2, y + 30);
}

static void lane_legend(FILE *out)
{
    fputs(
        "<text x=\"10\" y=\"16\" font-size=\"13\" font-weight=\"bold\">Each name's life</text>\n"
        "<rect x=\"230\" y=\"7\" width=\"14\" height=\"10\" fill=\"#5cb85c\"/><text x=\"248\" "
        "y=\"16\">active</text>\n"
        "<rect x=\"300\" y=\"7\" width=\"14\" height=\"10\" fill=\"#f0ad4e\"/>"
        "<text x=\"318\" y=\"16\">soft-deleted</text>\n"
        "<rect x=\"400\" y=\"7\" width=\"14\" height=\"10\" fill=\"url(#released)\"/>"
        "<text x=\"418\" y=\"16\">purged (the name may be reserved)</text>\n"
        "<path d=\"M640 8 l4 7 h-8 z\" fill=\"#c0392b\"/><text x=\"650\" y=\"16\">refused</text>\n"
        "<circle cx=\"712\" cy=\"12\" r=\"2.5\" fill=\"#1f2d4d\"/><text x=\"720\" y=\"16\">answered</text>\n",
        out);
}

void report_lanes(FILE *out, const report_table *t, const int *c, char (*keys)[512], int n)
{
    int tcol = report_table_col(t, "time_ms");
    lane_scale s = {0, 0};
    for (int r = 0; r < t->n_rows; r++) {
        double v = report_table_num(t, r, tcol);
        s.t1 = isnan(v) || v < s.t1 ? s.t1 : v;
    }
    int lanes = 0;
    for (int i = 0; i < n; i++) {
        lanes += keys[i][strlen(keys[i]) - 1] != ' '; /* kind-wide rows have no lane */
    }
    if (tcol < 0 || lanes == 0) {
        return;
    }
    s.t1 = s.t1 > 0 ? s.t1 : 1;
    s.px_per_ms = (LANE_W - LANE_LEFT - LANE_RIGHT) / s.t1;
    int h = LANE_TOP + lanes * LANE_H + LANE_AXIS + 4;
    fprintf(
        out,
        "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
        "width=\"%d\" "
        "height=\"%d\" role=\"img\" font-family=\"sans-serif\" font-size=\"11\"><title>Each name's "
        "life</title>\n"
        "<defs><pattern id=\"released\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
        "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#eee\"/>"
        "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#999\" stroke-width=\"2\"/></pattern></defs>\n",
        LANE_W, h, LANE_W, h);
    lane_legend(out);
    int lane = 0;
    for (int i = 0; i < n; i++) {
        if (keys[i][strlen(keys[i]) - 1] == ' ') {
            continue;
        }
        fprintf(out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">", LANE_LEFT - 6,
                LANE_TOP + lane * LANE_H + LANE_H / 2.0 + 4);
        char label[40];
        size_t len = strlen(keys[i]);
        snprintf(label, sizeof label, "%s%s", len > 36 ? "\xe2\x80\xa6" : "",
                 keys[i] + (len > 36 ? len - 36 : 0));
        report_esc(out, label); /* the end of a long name: it is what tells names apart */
        fputs("</text>\n", out);
        lane_bars(out, t, c, keys[i], lane, &s);
        lane_marks(out, t, c, keys[i], lane, &s);
        lane++;
    }
    lane_axis(out, lanes, &s);
    fputs("</svg></figure>\n", out);
}
