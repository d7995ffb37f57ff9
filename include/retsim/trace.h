/* retsim/trace.h — reading operation traces (CSV, libcsv), streamed.
 *
 * A trace has a header row. Required columns: time, op, kind, subscription,
 * name. Optional: tenant, sub_type, parent, region, api_version, options.
 * Other columns are ignored; a column named twice is an error. A row has at
 * most as many fields as the header; it may leave off trailing fields of
 * optional columns (they read as ""), never a required one. Fields must be
 * valid UTF-8 with no NUL byte; a UTF-8 byte-order mark at the start of the
 * file is skipped.
 *
 * Limits, so that memory stays bounded whatever the input (a row that never
 * ends included): a field holds at most RETSIM_TRACE_FIELD_MAX bytes, a row at
 * most RETSIM_TRACE_ROW_MAX bytes of fields, a row at most 256 fields.
 *
 * The trace may be a regular file or a pipe (a FIFO, or /dev/stdin when stdin
 * is one): it is read once, front to back. A directory, a device (/dev/zero, a
 * terminal) or a socket is refused before it is opened.
 *
 * The file is read in 64 KiB blocks and handed to the callback row by row, so
 * memory does not grow with the trace. Cost: O(bytes). */
#ifndef RETSIM_TRACE_H
#define RETSIM_TRACE_H

#include "retsim/error.h"

#include <stdio.h>

typedef enum {
    RETSIM_COL_TIME,
    RETSIM_COL_OP,
    RETSIM_COL_KIND,
    RETSIM_COL_SUBSCRIPTION,
    RETSIM_COL_NAME,
    RETSIM_COL_TENANT,
    RETSIM_COL_SUB_TYPE,
    RETSIM_COL_PARENT,
    RETSIM_COL_REGION,
    RETSIM_COL_API_VERSION,
    RETSIM_COL_OPTIONS,
    RETSIM_COL_COUNT
} retsim_trace_col;

#define RETSIM_TRACE_REQUIRED_COLS 5 /* the first five above */

#define RETSIM_TRACE_FIELD_MAX (64 * 1024)   /* bytes in one field */
#define RETSIM_TRACE_ROW_MAX   (1024 * 1024) /* bytes in one row's fields */

/* The name of a column as written in the header. */
const char *retsim_trace_col_name(retsim_trace_col c);

typedef struct retsim_trace_row {
    long line;                           /* line the row starts on, 1-based */
    const char *field[RETSIM_COL_COUNT]; /* "" for absent optional columns */
} retsim_trace_row;

/* Called once per data row; the strings live until it returns. Return 0 to go
 * on, or an error code (with err filled) to stop reading. */
typedef int (*retsim_trace_fn)(void *ctx, const retsim_trace_row *row, retsim_error *err);

/* Read `path`, calling fn for each row in file order. */
int retsim_trace_read(const char *path, retsim_trace_fn fn, void *ctx, retsim_error *err);

/* Write the header row for the full column set. */
void retsim_trace_write_header(FILE *out);

#endif
