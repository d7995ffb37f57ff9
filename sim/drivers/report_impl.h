/* The pieces of retsim/report.h: CSV tables read whole, HTML text, SVG charts. */
#ifndef RETSIM_REPORT_IMPL_H
#define RETSIM_REPORT_IMPL_H

#include "retsim/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A CSV file read whole: its header and rows of exactly as many fields. */
typedef struct report_table {
    char path[512];
    int n_cols;
    int n_rows;
    char **header;  /* n_cols */
    char **cells;   /* n_rows * n_cols, row-major */
    size_t cap;     /* cells allocated */
    bool truncated; /* stopped after max_rows rows */
} report_table;

/* Read dir/name. A missing file is 0 with t->n_cols == 0 (the section is
 * left out); a file that cannot be read, without a header, or with a row
 * whose fields do not match the header is RETSIM_EINPUT naming it and the
 * line. max_rows: stop after that many rows (0: no limit). */
int report_table_load(report_table *t, const char *dir, const char *name, int max_rows, retsim_error *err);
void report_table_free(report_table *t);
/* The column named `name`, or -1. */
int report_table_col(const report_table *t, const char *name);
/* The field of row r, column c ("" for c < 0). */
const char *report_table_cell(const report_table *t, int r, int c);
/* The field as a number; NaN when empty or not a number. */
double report_table_num(const report_table *t, int r, int c);

/* Text with & < > " ' escaped for XML and HTML alike. */
void report_esc(FILE *out, const char *text);

/* One line or set of points of a chart. */
typedef struct report_series {
    const char *label;
    const double *x, *y;
    const double *lo, *hi; /* CI bars, or NULL */
    int n;
} report_series;

#define REPORT_MAX_SERIES 6
#define REPORT_MAX_MARKS  8

typedef struct report_chart {
    const char *title;
    const char *x_label; /* with its unit */
    const char *y_label;
    bool y_percent; /* y values are fractions, shown as % */
    bool scatter;   /* points joined in x order, each labelled (point_labels) */
    const char *const *point_labels;
    double marks[REPORT_MAX_MARKS]; /* vertical lines at these x */
    const char *mark_labels[REPORT_MAX_MARKS];
    int n_marks;
    report_series series[REPORT_MAX_SERIES];
    int n_series;
} report_chart;

/* The chart as an inline <svg> element (well-formed XML, no external
 * reference). Series with NaN values skip those points. */
void report_svg_chart(FILE *out, const report_chart *c);

/* One output folder as the page sees it. */
typedef struct report_folder {
    const char *dir;
    char manifest[512];
    char command[32];           /* [run] command: run, replay, sweep, compare */
    char command_line[4096];    /* [run] command_line and its continuations */
    char changes[2048];         /* the [change.*] sections in words, one per line */
    bool has_scenario;          /* the manifest holds the resolved scenario */
    struct retsim_scenario *sc; /* loaded from the manifest (or compare's scenario), or NULL */
    char currency[32];
    int max_names;
} report_folder;

/* Units: "%" for rates and shares, the currency for costs, ... */
const char *report_unit(const char *metric, const char *currency, char *buf, size_t size);
/* <td class="num" title="raw">formatted</td> for one metric value. */
void report_num_cell(FILE *out, const char *metric, double v, const char *raw);
/* <td class="num" title="[lo, hi]">[lo, hi] formatted</td>. */
void report_ci_cell(FILE *out, const char *metric, double lo, double hi, const char *raw_lo,
                    const char *raw_hi);
/* What a metric means (summary.h), "" for another column. */
const char *report_meaning(const char *metric);

/* The sections that read tables other than summary.csv (report_sections.c).
 * Each writes nothing when its file is missing. */
int report_timeseries(FILE *out, const report_folder *f, retsim_error *err);
int report_sweep(FILE *out, const report_folder *f, retsim_error *err);
int report_periods(FILE *out, const report_folder *f, retsim_error *err);
int report_compare(FILE *out, const report_folder *f, retsim_error *err);
int report_timeline(FILE *out, const report_folder *f, retsim_error *err);

/* events.csv's name of row r as the timeline keys it: "kind parent/name"
 * (c: the kind, parent and name columns); a kind-wide row ends in a space. */
void report_lane_key(const report_table *t, int r, const int *c, char *buf, size_t size);
/* One SVG lane per name of keys (n of them; kind-wide keys get none): bars
 * for each state after each answer (active, soft-deleted, purged) up to the
 * last time of events.csv, and a marker per answer, refusals in red. */
void report_lanes(FILE *out, const report_table *t, const int *c, char (*keys)[512], int n);

#endif
