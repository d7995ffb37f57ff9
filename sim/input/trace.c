/* Streaming trace reader over libcsv. */
#include "retsim/trace.h"

#include "retsim/csv.h"

#include "input.h"

#include <csv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const col_names[RETSIM_COL_COUNT] = {
    "time",     "op",     "kind",   "subscription", "name",    "tenant",
    "sub_type", "parent", "region", "api_version",  "options",
};

const char *retsim_trace_col_name(retsim_trace_col c)
{
    return col_names[c];
}

void retsim_trace_write_header(FILE *out)
{
    retsim_csv_row(out, col_names, RETSIM_COL_COUNT);
}

#define MAX_FIELDS 256

/* libcsv grows its field buffer by a fixed block (128 bytes by default, so a
 * long field costs a realloc every 128 bytes: quadratic copying). With fields
 * capped at RETSIM_TRACE_FIELD_MAX, 16 KiB blocks mean at most a dozen. */
#define CSV_BLOCK (16 * 1024)

typedef struct reader {
    const char *path;
    retsim_trace_fn fn;
    void *ctx;
    retsim_error *err;
    int rc;
    long line;     /* lines fully fed so far */
    long row_line; /* the line the current row starts on */
    size_t col;    /* bytes of the current line fed so far */
    bool header_done;
    int map[MAX_FIELDS]; /* file column -> retsim_trace_col, or -1 */
    size_t ncols;
    /* the row being assembled */
    char *buf;
    size_t buf_len, buf_cap;
    size_t offsets[MAX_FIELDS];
    size_t nfields;
    bool too_many;
} reader;

/* The column of the field being read, "" before the header is known. */
static const char *column_of(const reader *rd)
{
    return rd->header_done && rd->nfields < rd->ncols && rd->map[rd->nfields] >= 0
               ? col_names[rd->map[rd->nfields]]
               : "";
}

/* Is the field being read (len bytes so far) past a limit? True, with rd->rc
 * set, if so: memory stays bounded whatever the input, a row that never ends
 * included. */
static bool too_long(reader *rd, size_t len)
{
    if (len > RETSIM_TRACE_FIELD_MAX) {
        rd->rc = retsim_error_set(rd->err, RETSIM_EINPUT, rd->path, rd->row_line, column_of(rd),
                                  "field %zu is longer than %d bytes (the most a field may hold)",
                                  rd->nfields + 1, RETSIM_TRACE_FIELD_MAX);
    } else if (rd->buf_len + len > RETSIM_TRACE_ROW_MAX) {
        rd->rc = retsim_error_set(rd->err, RETSIM_EINPUT, rd->path, rd->row_line, column_of(rd),
                                  "the row is longer than %d bytes (the most a row may hold)",
                                  RETSIM_TRACE_ROW_MAX);
    }
    return rd->rc != 0;
}

static void on_field(void *s, size_t len, void *data)
{
    reader *rd = data;
    if (rd->rc != 0) {
        return;
    }
    if (rd->nfields == MAX_FIELDS) {
        rd->too_many = true;
        return;
    }
    if (too_long(rd, len)) {
        return;
    }
    if (!input_utf8_valid(s, len)) {
        rd->rc = retsim_error_set(rd->err, RETSIM_EINPUT, rd->path, rd->row_line, column_of(rd),
                                  "field %zu is not valid UTF-8", rd->nfields + 1);
        return;
    }
    if (rd->buf_len + len + 1 > rd->buf_cap) {
        size_t cap = rd->buf_cap ? rd->buf_cap : 1024;
        while (cap < rd->buf_len + len + 1) {
            cap *= 2;
        }
        char *b = realloc(rd->buf, cap);
        if (b == NULL) {
            rd->rc = retsim_error_set(rd->err, RETSIM_ENOMEM, rd->path, rd->row_line, "", "out of memory");
            return;
        }
        rd->buf = b;
        rd->buf_cap = cap;
    }
    memcpy(rd->buf + rd->buf_len, s, len);
    rd->buf[rd->buf_len + len] = '\0';
    rd->offsets[rd->nfields++] = rd->buf_len;
    rd->buf_len += len + 1;
}

static void read_header(reader *rd)
{
    bool seen[RETSIM_COL_COUNT] = {false};
    rd->ncols = rd->nfields;
    for (size_t i = 0; i < rd->nfields; i++) {
        const char *name = rd->buf + rd->offsets[i];
        rd->map[i] = -1;
        for (int c = 0; c < RETSIM_COL_COUNT; c++) {
            if (strcmp(name, col_names[c]) == 0) {
                if (seen[c]) {
                    rd->rc = retsim_error_set(rd->err, RETSIM_EINPUT, rd->path, rd->row_line, name,
                                              "column named twice in the header");
                    return;
                }
                seen[c] = true;
                rd->map[i] = c;
            }
        }
    }
    for (int c = 0; c < RETSIM_TRACE_REQUIRED_COLS; c++) {
        if (!seen[c]) {
            rd->rc = retsim_error_set(rd->err, RETSIM_EINPUT, rd->path, rd->row_line, col_names[c],
                                      "missing column: the header needs time, op, kind, "
                                      "subscription and name");
            return;
        }
    }
    rd->header_done = true;
}

/* A row may leave off trailing optional fields (they read as ""), not a
 * required one. True (and rd->rc set) if it does. */
/* The row's op, if it has one yet ("" otherwise). */
static const char *row_op(const reader *rd)
{
    for (size_t i = 0; i < rd->nfields; i++) {
        if (rd->map[i] == RETSIM_COL_OP) {
            return rd->buf + rd->offsets[i];
        }
    }
    return "";
}

/* Is a column the row leaves off one it cannot do without? time, op and kind
 * always; subscription and name as the op needs them: list_deleted names no
 * instance, and a kind-wide set_policy names neither. */
static bool required_for(const char *op, int col)
{
    if (col == RETSIM_COL_NAME && strcmp(op, "list_deleted") == 0) {
        return false;
    }
    if ((col == RETSIM_COL_NAME || col == RETSIM_COL_SUBSCRIPTION) && strcmp(op, "set_policy") == 0) {
        return false;
    }
    return col >= 0 && col < RETSIM_TRACE_REQUIRED_COLS;
}

static bool missing_required(reader *rd)
{
    const char *op = row_op(rd);
    for (size_t i = rd->nfields; i < rd->ncols; i++) {
        int col = rd->map[i];
        if (required_for(op, col)) {
            rd->rc = retsim_error_set(rd->err, RETSIM_EINPUT, rd->path, rd->row_line, col_names[col],
                                      "missing required field: the row has %zu fields and %s is column %zu "
                                      "of the header",
                                      rd->nfields, col_names[col], i + 1);
            return true;
        }
    }
    return false;
}

static void on_row(int c, void *data)
{
    (void)c;
    reader *rd = data;
    if (rd->rc == 0) {
        if (rd->too_many) {
            rd->rc = retsim_error_set(rd->err, RETSIM_EINPUT, rd->path, rd->row_line, "",
                                      "more than %d fields", MAX_FIELDS);
        } else if (!rd->header_done) {
            read_header(rd);
        } else if (rd->nfields > rd->ncols) {
            rd->rc = retsim_error_set(rd->err, RETSIM_EINPUT, rd->path, rd->row_line, "",
                                      "expected at most %zu fields as in the header, got %zu", rd->ncols,
                                      rd->nfields);
        } else if (!missing_required(rd)) {
            retsim_trace_row row = {.line = rd->row_line};
            for (int k = 0; k < RETSIM_COL_COUNT; k++) {
                row.field[k] = "";
            }
            for (size_t i = 0; i < rd->nfields; i++) {
                if (rd->map[i] >= 0) {
                    row.field[rd->map[i]] = rd->buf + rd->offsets[i];
                }
            }
            rd->rc = rd->fn(rd->ctx, &row, rd->err);
        }
    }
    rd->nfields = 0;
    rd->buf_len = 0;
    rd->too_many = false;
}

/* Feed one block to the parser line by line, so that rows know their line. */
static void feed(reader *rd, struct csv_parser *p, const char *data, size_t len)
{
    while (len > 0 && rd->rc == 0) {
        const char *nl = memchr(data, '\n', len);
        size_t n = nl != NULL ? (size_t)(nl - data) + 1 : len;
        if (p->pstate == 0) { /* libcsv's ROW_NOT_BEGUN: this line starts a row */
            rd->row_line = rd->line + 1;
        }
        /* C strings would cut a field at a NUL ("a\0b" read as "a"): refuse it. */
        const char *nul = memchr(data, '\0', n);
        if (nul != NULL) {
            rd->rc = retsim_error_set(rd->err, RETSIM_EINPUT, rd->path, rd->line + 1, "",
                                      "NUL byte at column %zu of the line: a trace is text",
                                      (size_t)(nul - data) + 1 + rd->col);
            return;
        }
        if (csv_parse(p, data, n, on_field, on_row, rd) != n && rd->rc == 0) {
            rd->rc = retsim_error_set(rd->err, RETSIM_EINPUT, rd->path, rd->row_line, "", "malformed CSV: %s",
                                      csv_strerror(csv_error(p)));
        }
        if (rd->rc == 0) { /* a field still open: libcsv holds p->entry_pos bytes of it */
            too_long(rd, p->entry_pos);
        }
        rd->col = nl != NULL ? 0 : rd->col + n;
        rd->line += nl != NULL;
        data += n;
        len -= n;
    }
}

/* Feed the whole stream, skipping a UTF-8 byte-order mark at its start (as
 * scenario files may have one: editors on Windows write it). */
static void feed_stream(reader *rd, struct csv_parser *p, FILE *f)
{
    enum { BLOCK = 1 << 16 };
    char *block = malloc(BLOCK);
    if (block == NULL) {
        rd->rc = retsim_error_set(rd->err, RETSIM_ENOMEM, rd->path, 0, "", "out of memory");
        return;
    }
    bool first = true;
    size_t n;
    while (rd->rc == 0 && (n = fread(block, 1, BLOCK, f)) > 0) {
        size_t skip = first && n >= 3 && memcmp(block, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
        first = false;
        feed(rd, p, block + skip, n - skip);
    }
    free(block);
    if (rd->rc == 0 && ferror(f)) {
        rd->rc = retsim_error_set(rd->err, RETSIM_EIO, rd->path, 0, "", "read error");
    }
}

int retsim_trace_read(const char *path, retsim_trace_fn fn, void *ctx, retsim_error *err)
{
    FILE *f = NULL;
    long long size = 0;
    char why[128];
    if (input_open(path, true, &f, &size, why, sizeof why) != 0) {
        return retsim_error_set(err, RETSIM_EINPUT, path, 0, "", "cannot open the trace file: %s", why);
    }
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        fclose(f);
        return retsim_error_set(err, RETSIM_ENOMEM, path, 0, "", "out of memory");
    }
    csv_set_blk_size(&p, CSV_BLOCK);
    reader rd = {.path = path, .fn = fn, .ctx = ctx, .err = err};
    feed_stream(&rd, &p, f);
    if (rd.rc == 0 && csv_fini(&p, on_field, on_row, &rd) != 0 && rd.rc == 0) {
        rd.rc = retsim_error_set(err, RETSIM_EINPUT, path, rd.row_line, "",
                                 "malformed CSV: a quoted field is never closed");
    }
    if (rd.rc == 0 && !rd.header_done) {
        rd.rc = retsim_error_set(err, RETSIM_EINPUT, path, 1, "", "empty trace: expected a header row");
    }
    csv_free(&p);
    free(rd.buf);
    fclose(f);
    return rd.rc;
}
