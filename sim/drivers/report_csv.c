/* report: retsim's CSV files read back whole, for the page (libcsv, strict). */
#include "drivers/report_impl.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct reader {
    report_table *t;
    char **row; /* fields of the row being read */
    int n_row;
    int cap_row;
    long line;
    int max_rows;
    bool stop;
    int rc;
    retsim_error *err;
} reader;

static int keep_field(reader *rd, const char *s, size_t len)
{
    if (rd->n_row == rd->cap_row) {
        int cap = rd->cap_row == 0 ? 64 : rd->cap_row * 2;
        char **grown = realloc(rd->row, (size_t)cap * sizeof *grown);
        if (grown == NULL) {
            return RETSIM_ENOMEM;
        }
        rd->row = grown;
        rd->cap_row = cap;
    }
    char *copy = malloc(len + 1);
    if (copy == NULL) {
        return RETSIM_ENOMEM;
    }
    memcpy(copy, s, len);
    copy[len] = '\0';
    rd->row[rd->n_row++] = copy;
    return 0;
}

static void on_field(void *s, size_t len, void *data)
{
    reader *rd = data;
    if (rd->rc == 0 && !rd->stop) {
        rd->rc = keep_field(rd, s, len);
    }
}

static void drop_row(reader *rd)
{
    for (int i = 0; i < rd->n_row; i++) {
        free(rd->row[i]);
    }
    rd->n_row = 0;
}

/* The fields of a data row move into the table's cells. */
static int take_row(reader *rd)
{
    report_table *t = rd->t;
    if (rd->n_row != t->n_cols) {
        return retsim_error_set(rd->err, RETSIM_EINPUT, t->path, rd->line, "",
                                "a row of %d fields under a header of %d columns", rd->n_row, t->n_cols);
    }
    size_t need = (size_t)(t->n_rows + 1) * (size_t)t->n_cols;
    if (need > t->cap) {
        size_t cap = t->cap < 1024 ? 1024 : t->cap;
        while (cap < need) {
            cap *= 2;
        }
        char **grown = realloc(t->cells, cap * sizeof *grown);
        if (grown == NULL) {
            return RETSIM_ENOMEM;
        }
        t->cells = grown;
        t->cap = cap;
    }
    memcpy(t->cells + (size_t)t->n_rows * (size_t)t->n_cols, rd->row, (size_t)t->n_cols * sizeof *rd->row);
    t->n_rows++;
    rd->n_row = 0;
    return 0;
}

static void on_row(int c, void *data)
{
    (void)c;
    reader *rd = data;
    rd->line++;
    if (rd->rc != 0 || rd->stop) {
        drop_row(rd);
        return;
    }
    if (rd->t->header == NULL) {
        rd->t->header = rd->row;
        rd->t->n_cols = rd->n_row;
        rd->row = NULL;
        rd->n_row = rd->cap_row = 0;
        return;
    }
    rd->rc = take_row(rd);
    if (rd->rc != 0) {
        drop_row(rd);
    } else if (rd->max_rows > 0 && rd->t->n_rows >= rd->max_rows) {
        rd->stop = true;
        rd->t->truncated = true;
    }
}

static int parse_file(reader *rd, FILE *f)
{
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        return RETSIM_ENOMEM;
    }
    char buf[65536];
    while (rd->rc == 0 && !rd->stop) {
        size_t n = fread(buf, 1, sizeof buf, f);
        if (n == 0) {
            break;
        }
        if (csv_parse(&p, buf, n, on_field, on_row, rd) != n && rd->rc == 0) {
            rd->rc = retsim_error_set(rd->err, RETSIM_EINPUT, rd->t->path, rd->line + 1, "",
                                      "not a CSV file: %s", csv_strerror(csv_error(&p)));
        }
    }
    if (rd->rc == 0 && ferror(f)) {
        rd->rc =
            retsim_error_set(rd->err, RETSIM_EINPUT, rd->t->path, 0, "", "cannot read: %s", strerror(errno));
    }
    if (rd->rc == 0 && !rd->stop && csv_fini(&p, on_field, on_row, rd) != 0 && rd->rc == 0) {
        rd->rc = retsim_error_set(rd->err, RETSIM_EINPUT, rd->t->path, rd->line + 1, "", "not a CSV file: %s",
                                  csv_strerror(csv_error(&p)));
    }
    csv_free(&p);
    return rd->rc;
}

int report_table_load(report_table *t, const char *dir, const char *name, int max_rows, retsim_error *err)
{
    memset(t, 0, sizeof *t);
    snprintf(t->path, sizeof t->path, "%s/%s", dir, name);
    FILE *f = fopen(t->path, "rb");
    if (f == NULL) {
        if (errno == ENOENT) {
            return 0;
        }
        return retsim_error_set(err, RETSIM_EINPUT, t->path, 0, "", "cannot open: %s", strerror(errno));
    }
    reader rd = {.t = t, .max_rows = max_rows, .err = err};
    int rc = parse_file(&rd, f);
    fclose(f);
    drop_row(&rd);
    free(rd.row);
    if (rc == 0 && t->header == NULL) {
        rc =
            retsim_error_set(err, RETSIM_EINPUT, t->path, 1, "", "empty: a retsim CSV file has a header row");
    }
    if (rc != 0) {
        report_table_free(t);
    }
    return rc;
}

void report_table_free(report_table *t)
{
    if (t == NULL) {
        return;
    }
    for (int c = 0; t->header != NULL && c < t->n_cols; c++) {
        free(t->header[c]);
    }
    for (size_t i = 0; t->cells != NULL && i < (size_t)t->n_rows * (size_t)t->n_cols; i++) {
        free(t->cells[i]);
    }
    free(t->header);
    free(t->cells);
    t->header = NULL;
    t->cells = NULL;
    t->n_cols = t->n_rows = 0;
}

int report_table_col(const report_table *t, const char *name)
{
    for (int c = 0; c < t->n_cols; c++) {
        if (strcmp(t->header[c], name) == 0) {
            return c;
        }
    }
    return -1;
}

const char *report_table_cell(const report_table *t, int r, int c)
{
    if (c < 0 || c >= t->n_cols || r < 0 || r >= t->n_rows) {
        return "";
    }
    return t->cells[(size_t)r * (size_t)t->n_cols + (size_t)c];
}

double report_table_num(const report_table *t, int r, int c)
{
    const char *s = report_table_cell(t, r, c);
    char *end = NULL;
    double v = strtod(s, &end);
    if (s[0] == '\0' || end == NULL || *end != '\0') {
        return NAN;
    }
    return v;
}

void report_esc(FILE *out, const char *text)
{
    for (const char *p = text; *p != '\0'; p++) {
        switch (*p) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\'':
            fputs("&#39;", out);
            break;
        default:
            /* control characters other than tab and newline are not XML */
            if ((unsigned char)*p < 0x20 && *p != '\t' && *p != '\n') {
                fputc(' ', out);
            } else {
                fputc(*p, out);
            }
        }
    }
}
