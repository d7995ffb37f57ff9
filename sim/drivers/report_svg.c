/* report: charts drawn as inline SVG, so the page needs nothing outside
 * itself (no script, no font, no image file) and prints as it shows. */
#include "drivers/report_impl.h"
#include "retsim/format.h"

#include <math.h>
#include <string.h>

enum { W = 760, H = 320, LEFT = 86, RIGHT = 24, TOP = 44, BOTTOM = 52 };

/* Colours that stay apart in greyscale print too (dark to light). */
static const char *const colours[REPORT_MAX_SERIES] = {"#1f4e9c", "#c0392b", "#2e8b57",
                                                       "#8e44ad", "#d35400", "#555555"};

typedef struct axis {
    double lo, hi, step;
    int decimals;
} axis;

/* Round ticks (1, 2 or 5 times a power of ten) covering [lo, hi]. */
static axis nice_axis(double lo, double hi)
{
    axis a;
    if (!(hi > lo)) {
        double pad = fabs(lo) > 0 ? fabs(lo) * 0.1 : 1.0;
        lo -= pad;
        hi += pad;
    }
    double raw = (hi - lo) / 5.0, mag = pow(10.0, floor(log10(raw))), f = raw / mag;
    a.step = (f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 5.0 ? 5.0 : 10.0) * mag;
    a.lo = floor(lo / a.step) * a.step;
    a.hi = ceil(hi / a.step) * a.step;
    a.decimals = a.step >= 1.0 ? 0 : (int)ceil(-log10(a.step));
    if (a.decimals > 6) {
        a.decimals = 6;
    }
    return a;
}

static void tick_text(double v, int decimals, bool percent, char *buf, size_t size)
{
    if (percent) {
        char num[RETSIM_FORMAT_MAX];
        int d = decimals > 2 ? decimals - 2 : 0;
        snprintf(buf, size, "%s%%", retsim_format_number(100.0 * v, d, num, sizeof num));
    } else {
        retsim_format_number(v, decimals, buf, size);
    }
}

static void bounds(const report_chart *c, double *x0, double *x1, double *y0, double *y1)
{
    *x0 = *y0 = INFINITY;
    *x1 = *y1 = -INFINITY;
    for (int s = 0; s < c->n_series; s++) {
        const report_series *r = &c->series[s];
        for (int i = 0; i < r->n; i++) {
            if (isnan(r->x[i]) || isnan(r->y[i])) {
                continue;
            }
            *x0 = fmin(*x0, r->x[i]);
            *x1 = fmax(*x1, r->x[i]);
            double lo = r->lo != NULL && !isnan(r->lo[i]) ? r->lo[i] : r->y[i];
            double hi = r->hi != NULL && !isnan(r->hi[i]) ? r->hi[i] : r->y[i];
            *y0 = fmin(*y0, lo);
            *y1 = fmax(*y1, hi);
        }
    }
    if (isinf(*x0)) {
        *x0 = *y0 = 0;
        *x1 = *y1 = 1;
    }
    if (*y0 > 0 && *y0 < 0.5 * *y1) {
        *y0 = 0; /* counts and costs read best from zero */
    }
    if (c->y_percent) { /* a Student-t interval may reach past 0% or 100%: those do not exist */
        *y0 = fmax(*y0, 0.0);
        *y1 = fmin(*y1, 1.0);
    }
}

static void axes(FILE *out, const report_chart *c, const axis *ax, const axis *ay)
{
    double pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
    char t[RETSIM_FORMAT_MAX];
    fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#888\"/>\n",
            LEFT, TOP, pw, ph);
    for (double v = ay->lo; v <= ay->hi + ay->step * 0.5; v += ay->step) {
        double y = TOP + ph - (v - ay->lo) / (ay->hi - ay->lo) * ph;
        tick_text(v, ay->decimals, c->y_percent, t, sizeof t);
        fprintf(out,
                "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                LEFT, y, LEFT + pw, y, LEFT - 6, y + 4, t);
    }
    for (double v = ax->lo; v <= ax->hi + ax->step * 0.5; v += ax->step) {
        double x = LEFT + (v - ax->lo) / (ax->hi - ax->lo) * pw;
        tick_text(v, ax->decimals, false, t, sizeof t);
        fprintf(out, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%s</text>\n", x, TOP + ph + 16, t);
    }
    fprintf(out, "<text x=\"%.0f\" y=\"%d\" text-anchor=\"middle\">", LEFT + pw / 2, H - 10);
    report_esc(out, c->x_label);
    fprintf(out,
            "</text>\n<text x=\"14\" y=\"%.0f\" text-anchor=\"middle\" transform=\"rotate(-90 14 %.0f)\">",
            TOP + ph / 2, TOP + ph / 2);
    report_esc(out, c->y_label);
    fputs("</text>\n", out);
}

static void marks(FILE *out, const report_chart *c, const axis *ax)
{
    double pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
    for (int m = 0; m < c->n_marks; m++) {
        if (c->marks[m] < ax->lo || c->marks[m] > ax->hi) {
            continue;
        }
        double x = LEFT + (c->marks[m] - ax->lo) / (ax->hi - ax->lo) * pw;
        fprintf(
            out,
            "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#444\" stroke-dasharray=\"4 3\"/>"
            "<text x=\"%.1f\" y=\"%d\" class=\"mark\">",
            x, TOP, x, TOP + ph, x + 3, TOP + 12 + 12 * m);
        report_esc(out, c->mark_labels[m] != NULL ? c->mark_labels[m] : "");
        fputs("</text>\n", out);
    }
}

static void series(FILE *out, const report_chart *c, int s, const axis *ax, const axis *ay)
{
    const report_series *r = &c->series[s];
    double pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
    fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\" points=\"", colours[s]);
    for (int i = 0; i < r->n; i++) {
        if (!isnan(r->x[i]) && !isnan(r->y[i])) {
            fprintf(out, "%.1f,%.1f ", LEFT + (r->x[i] - ax->lo) / (ax->hi - ax->lo) * pw,
                    TOP + ph - (r->y[i] - ay->lo) / (ay->hi - ay->lo) * ph);
        }
    }
    fputs("\"/>\n", out);
    for (int i = 0; c->scatter && i < r->n; i++) {
        if (isnan(r->x[i]) || isnan(r->y[i])) {
            continue;
        }
        double x = LEFT + (r->x[i] - ax->lo) / (ax->hi - ax->lo) * pw;
        double y = TOP + ph - (r->y[i] - ay->lo) / (ay->hi - ay->lo) * ph;
        if (r->lo != NULL && r->hi != NULL && !isnan(r->lo[i]) && !isnan(r->hi[i])) {
            double lo = fmax(r->lo[i], ay->lo), hi = fmin(r->hi[i], ay->hi);
            fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", x,
                    TOP + ph - (lo - ay->lo) / (ay->hi - ay->lo) * ph, x,
                    TOP + ph - (hi - ay->lo) / (ay->hi - ay->lo) * ph, colours[s]);
        }
        fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>", x, y, colours[s]);
        if (c->point_labels != NULL) {
            fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">", x + 6, y - 6);
            report_esc(out, c->point_labels[i]);
            fputs("</text>", out);
        }
        fputc('\n', out);
    }
}

static void legend(FILE *out, const report_chart *c)
{
    int x = LEFT;
    for (int s = 0; s < c->n_series; s++) {
        fprintf(out,
                "<rect x=\"%d\" y=\"26\" width=\"14\" height=\"4\" fill=\"%s\"/><text x=\"%d\" y=\"32\">", x,
                colours[s], x + 18);
        report_esc(out, c->series[s].label);
        fputs("</text>\n", out);
        x += 30 + 7 * (int)strlen(c->series[s].label);
    }
}

void report_svg_chart(FILE *out, const report_chart *c)
{
    double x0, x1, y0, y1;
    bounds(c, &x0, &x1, &y0, &y1);
    axis ax = nice_axis(x0, x1), ay = nice_axis(y0, y1);
    fprintf(out,
            "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
            "width=\"%d\" "
            "height=\"%d\" role=\"img\" font-family=\"sans-serif\" font-size=\"11\"><title>",
            W, H, W, H);
    report_esc(out, c->title);
    fprintf(out, "</title>\n<text x=\"%d\" y=\"16\" font-size=\"13\" font-weight=\"bold\">", LEFT);
    report_esc(out, c->title);
    fputs("</text>\n", out);
    axes(out, c, &ax, &ay);
    marks(out, c, &ax);
    for (int s = 0; s < c->n_series; s++) {
        series(out, c, s, &ax, &ay);
    }
    legend(out, c);
    fputs("</svg></figure>\n", out);
}
