/* CSV fields and rows: bare when they can be, quoted by libcsv when not. */
#include "retsim/csv.h"

#include "retsim/error.h"

#include <csv.h> /* libcsv */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void retsim_csv_field(FILE *out, const char *text)
{
    size_t len = strlen(text);
    /* libcsv trims unquoted spaces on reading, so edge spaces need quotes too */
    bool edge_space =
        len > 0 && (text[0] == ' ' || text[0] == '\t' || text[len - 1] == ' ' || text[len - 1] == '\t');
    if (edge_space || strpbrk(text, ",\"\r\n") != NULL) {
        csv_fwrite(out, text, len);
    } else {
        fputs(text, out);
    }
}

void retsim_csv_row(FILE *out, const char *const *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0) {
            fputc(',', out);
        }
        retsim_csv_field(out, fields[i]);
    }
    fputc('\n', out);
}

/* The CSV to JSON conversion, row by row as libcsv reads them. */
typedef struct to_json {
    FILE *out;
    char **header;
    size_t n_header, cap_header;
    size_t field; /* index in the current row */
    bool in_header, bad, nomem;
    unsigned long rows;
} to_json;

static void json_string(FILE *out, const char *s, size_t len)
{
    fputc('"', out);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            fprintf(out, "\\%c", c);
        } else if (c < 0x20) {
            fprintf(out, "\\u%04x", c);
        } else {
            fputc(c, out);
        }
    }
    fputc('"', out);
}

/* Whether s[0..len) is a number by JSON's grammar: -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)? */
static bool json_number(const char *s, size_t len)
{
    size_t i = 0;
    i += i < len && s[i] == '-';
    if (i >= len || !isdigit((unsigned char)s[i])) {
        return false;
    }
    if (s[i] == '0') {
        i++;
    } else {
        while (i < len && isdigit((unsigned char)s[i])) {
            i++;
        }
    }
    if (i < len && s[i] == '.') {
        size_t start = ++i;
        while (i < len && isdigit((unsigned char)s[i])) {
            i++;
        }
        if (i == start) {
            return false;
        }
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        i += i < len && (s[i] == '+' || s[i] == '-');
        size_t start = i;
        while (i < len && isdigit((unsigned char)s[i])) {
            i++;
        }
        if (i == start) {
            return false;
        }
    }
    return i == len;
}

static void on_field(void *data, size_t len, void *ctx)
{
    to_json *j = ctx;
    const char *s = data != NULL ? data : "";
    if (j->in_header) {
        if (j->n_header == j->cap_header) {
            size_t cap = j->cap_header > 0 ? 2 * j->cap_header : 16;
            char **h = realloc(j->header, cap * sizeof *h);
            if (h == NULL) {
                j->nomem = true;
                return;
            }
            j->header = h;
            j->cap_header = cap;
        }
        j->header[j->n_header] = strndup(s, len);
        j->nomem |= j->header[j->n_header++] == NULL;
        return;
    }
    if (j->field >= j->n_header) {
        j->bad = true;
        return;
    }
    fprintf(j->out, "%s\n    ", j->field == 0 ? (j->rows == 0 ? "\n  {" : ",\n  {") : ",");
    json_string(j->out, j->header[j->field], strlen(j->header[j->field]));
    fputs(": ", j->out);
    if (len == 0) {
        fputs("null", j->out);
    } else if (json_number(s, len)) {
        fwrite(s, 1, len, j->out);
    } else {
        json_string(j->out, s, len);
    }
    j->field++;
}

static void on_row(int c, void *ctx)
{
    (void)c;
    to_json *j = ctx;
    if (j->in_header) {
        j->in_header = false;
        return;
    }
    if (j->field > 0) {
        fputs("\n  }", j->out);
        j->rows++;
    }
    j->field = 0;
}

int retsim_csv_to_json(const char *csv, size_t len, FILE *out)
{
    struct csv_parser p;
    if (csv_init(&p, CSV_APPEND_NULL) != 0) {
        return RETSIM_ENOMEM;
    }
    to_json j = {.out = out, .in_header = true};
    fputc('[', out);
    bool ok = csv_parse(&p, csv, len, on_field, on_row, &j) == len && csv_fini(&p, on_field, on_row, &j) == 0;
    fputs(j.rows > 0 ? "\n]\n" : "]\n", out);
    csv_free(&p);
    for (size_t i = 0; i < j.n_header; i++) {
        free(j.header[i]);
    }
    free(j.header);
    return j.nomem ? RETSIM_ENOMEM : (!ok || j.bad) ? RETSIM_EINPUT : 0;
}
