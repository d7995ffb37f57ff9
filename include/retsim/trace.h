/* retsim/trace.h — operation traces (CSV): the one owner of their format,
 * read (streamed, libcsv) and written, rows and the options column alike.
 *
 * Columns, in the order a written trace has them: time, op, kind,
 * subscription, name (required in a header), then tenant, sub_type, parent,
 * region, api_version, options, size_gb, recorded_outcome (optional). size_gb is the size of
 * the instance a create makes (or updates), in GB: a finite number >= 0, 0
 * or empty for none, on create rows only. A trace is written with the
 * size_gb column only when asked to (a workload with sizes), so traces
 * without sizes keep the columns they had before it. recorded_outcome is the
 * answer the real service gave to the request (an imported activity log):
 * `succeeded`, `failed` or `failed:<code>` (the code any text without ','),
 * empty when unknown; a replay compares it with retsim's answer
 * (retsim/validate.h) and otherwise ignores it. Like size_gb it is written
 * only when asked for. When reading, other columns are
 * ignored and a column named twice is an error. A row has at most as many
 * fields as the header; it may leave off trailing fields of optional columns
 * (they read as ""), never a required one the op needs (list_deleted names no
 * instance; a kind-wide set_policy names neither subscription nor name).
 * Fields must be valid UTF-8 with no NUL byte; a UTF-8 byte-order mark at the
 * start of the file is skipped.
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
 * memory does not grow with the trace. Cost: O(bytes).
 *
 * The `options` column holds key=value pairs separated by ';' (spaces around
 * a key and before a value are ignored, not after it; an empty item is
 * skipped):
 *   create:     provisioning=succeeded|failed, soft_delete=on|off|always_on,
 *               retention=<duration>, purge_protection=on|off
 *   delete:     retention=<duration>, force=true|false
 *   restore:    restore_permission=true|false, generation=N
 *   purge:      purge_permission=true|false, generation=N
 *   get_deleted: generation=N
 * (generation N >= 1 names one instance of a name; default: the caller's
 * newest soft-deleted one)
 *   set_policy: soft_delete=on|off|always_on, retention=<duration>,
 *               applies_to=new_deletes|all_soft_deleted, purge_protection=on|off
 * (on|off and true|false are interchangeable). A set_policy row needs at least
 * one of soft_delete, retention, purge_protection; applies_to goes with
 * retention. The options codec reads and writes these on a retsim_request
 * (retsim/registry.h): the trace knows requests, nothing of the scenario.
 *
 * Not thread-safe per reader or writer stream; separate ones are independent. */
#ifndef RETSIM_TRACE_H
#define RETSIM_TRACE_H

#include "retsim/error.h"
#include "retsim/time.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
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
    RETSIM_COL_SIZE_GB,
    RETSIM_COL_RECORDED_OUTCOME,
    RETSIM_COL_COUNT
} retsim_trace_col;

#define RETSIM_TRACE_FIELD_MAX   (64 * 1024)   /* bytes in one field */
#define RETSIM_TRACE_ROW_MAX     (1024 * 1024) /* bytes in one row's fields */
#define RETSIM_TRACE_OPTIONS_MAX 256           /* bytes retsim_trace_options_format may need, NUL included */

/* The name of a column as written in the header. */
const char *retsim_trace_col_name(retsim_trace_col c);
/* Must a header have the column? (time, op, kind, subscription, name) */
bool retsim_trace_col_required(retsim_trace_col c);

/* One row, read or to be written: fields by column. */
typedef struct retsim_trace_row {
    long line;                           /* read: the line the row starts on, 1-based; unused in writing */
    const char *field[RETSIM_COL_COUNT]; /* read: "" for absent optional columns; write: NULL reads as "" */
    bool size_column; /* write: the header has size_gb (retsim_trace_write_header_sized); unused in reading */
    bool outcome_column; /* write: the header has recorded_outcome (retsim_trace_write_header_cols) */
} retsim_trace_row;

/* Called once per data row; the strings live until it returns. Return 0 to go
 * on, or an error code (with err filled) to stop reading. */
typedef int (*retsim_trace_fn)(void *ctx, const retsim_trace_row *row, retsim_error *err);

/* Read `path`, calling fn for each row in file order. */
int retsim_trace_read(const char *path, retsim_trace_fn fn, void *ctx, retsim_error *err);

/* Write the header row, in column order: every column but size_gb, or with
 * size_column every column. */
void retsim_trace_write_header(FILE *out); /* retsim_trace_write_header_sized(out, false) */
void retsim_trace_write_header_sized(FILE *out, bool size_column);
/* The same, with recorded_outcome last when outcome_column (an importer's trace). */
void retsim_trace_write_header_cols(FILE *out, bool size_column, bool outcome_column);
/* Write one row under that header (with size_gb when row->size_column, and
 * recorded_outcome when row->outcome_column),
 * quoted as CSV needs (a name with a comma or a quote reads back the same).
 * O(bytes of the row). */
void retsim_trace_write_row(FILE *out, const retsim_trace_row *row);

/* The time column: a duration since the start (48h, 1d2h) or an ISO-8601 UTC
 * timestamp (then the first row's timestamp is time 0), not both in one
 * trace; times never go backwards. Zero-initialise, then read every row's
 * time through it in file order. */
typedef struct retsim_trace_clock {
    bool started;      /* a row's time has been read */
    bool iso;          /* the rows use ISO-8601 timestamps */
    int64_t origin_ms; /* iso: the first row's instant, ms since the epoch */
    retsim_time last;  /* the latest row's time */
} retsim_trace_clock;

/* The time of `row` (its time column) into *t. A bad or out-of-order time:
 * RETSIM_EINPUT with path, the row's line and "time" in err. O(1). */
int retsim_trace_time(retsim_trace_clock *c, const char *path, const retsim_trace_row *row, retsim_time *t,
                      retsim_error *err);

/* The options codec, on the fields of a request that the column carries:
 * create's provisioning_failed and soft_delete_switch, purge's
 * purge_permission, set_policy's change. */
struct retsim_request;

/* Parse `text` (an options field) into rq, whose op is set and whose other
 * fields hold retsim_request_make's defaults. A bad key or value, or a key the
 * op does not take: RETSIM_EINPUT with path, line and "options" in err, the
 * message saying what was expected. O(length of text); at most 1023 bytes. */
int retsim_trace_options_parse(const char *text, struct retsim_request *rq, const char *path, long line,
                               retsim_error *err);

/* Write rq's options into buf (size bytes), only what differs from
 * retsim_request_make's defaults, in the order listed above ("" when nothing
 * does): parsing the text back gives the same fields. Returns 0, or
 * RETSIM_ERANGE when buf is too small (RETSIM_TRACE_OPTIONS_MAX always does). */
int retsim_trace_options_format(const struct retsim_request *rq, char *buf, size_t size);

/* The size_gb column into rq->size_gb (rq's op is set): "" leaves it 0. A
 * size on another op than create, or one that is not a finite number >= 0
 * (negative, inf, nan, text): RETSIM_EINPUT with path, line and "size_gb" in
 * err, the message saying what was expected. O(length of text). */
int retsim_trace_size_parse(const char *text, struct retsim_request *rq, const char *path, long line,
                            retsim_error *err);
/* rq's size as the column has it: "" for none (or not a create), else the
 * fewest digits (at most 9) that read back as the same float. size >= 32. */
void retsim_trace_size_format(const struct retsim_request *rq, char *buf, size_t size);

/* The recorded_outcome column, read. */
typedef enum {
    RETSIM_RECORDED_UNKNOWN,   /* empty: nothing to compare */
    RETSIM_RECORDED_SUCCEEDED, /* "succeeded" */
    RETSIM_RECORDED_FAILED     /* "failed" or "failed:<code>" */
} retsim_recorded_class;

typedef struct retsim_trace_recorded {
    retsim_recorded_class cls;
    const char *text; /* the field as written ("failed:Conflict"); points into the row */
} retsim_trace_recorded;

/* Parse a recorded_outcome field into *out. Anything but "", succeeded,
 * failed and failed:<code> (code not empty, no ','): RETSIM_EINPUT with path,
 * line and "recorded_outcome" in err. O(length of text). */
int retsim_trace_recorded_parse(const char *text, retsim_trace_recorded *out, const char *path, long line,
                                retsim_error *err);

#endif
