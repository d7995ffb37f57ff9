/* The trace format, both ways: one column table for the reader and the
 * writer, the time column, and one options codec for the options column. */
#include "retsim/trace.h"

#include "retsim/csv.h"
#include "retsim/registry.h"

#include "input.h"

#include <csv.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the columns ---- */

typedef struct column {
    const char *name;
    bool required; /* a header must have it */
} column;

/* In retsim_trace_col order, which is the order a written trace has. */
static const column columns[RETSIM_COL_COUNT] = {
    {"time", true},
    {"op", true},
    {"kind", true},
    {"subscription", true},
    {"name", true},
    {"tenant", false},
    {"sub_type", false},
    {"parent", false},
    {"region", false},
    {"api_version", false},
    {"options", false},
    {"size_gb", false},
    {"recorded_outcome", false},
};

/* The columns a trace without sizes has: all but size_gb, so that traces of
 * workloads without sizes are what they were before the column existed. */
#define N_UNSIZED RETSIM_COL_SIZE_GB

const char *retsim_trace_col_name(retsim_trace_col c)
{
    return columns[c].name;
}

bool retsim_trace_col_required(retsim_trace_col c)
{
    return columns[c].required;
}

/* The fields of a written row: the unsized columns, then size_gb and
 * recorded_outcome as asked for; returns how many. */
static int written_fields(const char *const *all, bool size_column, bool outcome_column, const char **out)
{
    int n = 0;
    for (int c = 0; c < N_UNSIZED; c++) {
        out[n++] = all[c];
    }
    if (size_column) {
        out[n++] = all[RETSIM_COL_SIZE_GB];
    }
    if (outcome_column) {
        out[n++] = all[RETSIM_COL_RECORDED_OUTCOME];
    }
    return n;
}

void retsim_trace_write_header_cols(FILE *out, bool size_column, bool outcome_column)
{
    const char *names[RETSIM_COL_COUNT];
    const char *fields[RETSIM_COL_COUNT];
    for (int c = 0; c < RETSIM_COL_COUNT; c++) {
        names[c] = columns[c].name;
    }
    retsim_csv_row(out, fields, (size_t)written_fields(names, size_column, outcome_column, fields));
}

void retsim_trace_write_header_sized(FILE *out, bool size_column)
{
    retsim_trace_write_header_cols(out, size_column, false);
}

void retsim_trace_write_header(FILE *out)
{
    retsim_trace_write_header_sized(out, false);
}

void retsim_trace_write_row(FILE *out, const retsim_trace_row *row)
{
    const char *all[RETSIM_COL_COUNT];
    const char *fields[RETSIM_COL_COUNT];
    for (int c = 0; c < RETSIM_COL_COUNT; c++) {
        all[c] = row->field[c] != NULL ? row->field[c] : "";
    }
    int n = written_fields(all, row->size_column, row->outcome_column, fields);
    retsim_csv_row(out, fields, (size_t)n);
}

/* An input error at path:line in `field`. The message is formatted into 400
 * bytes first, as replay always has, so long quoted input cuts at one place. */
static int bad(retsim_error *err, const char *path, long line, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int bad(retsim_error *err, const char *path, long line, const char *field, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return retsim_error_set(err, RETSIM_EINPUT, path, line, field, "%s", msg);
}

/* ---- the time column ---- */

/* A timestamp row: its time since the first row's instant. */
static int iso_time(retsim_trace_clock *c, const char *path, const retsim_trace_row *row, int64_t epoch,
                    retsim_time *t, retsim_error *err)
{
    const char *text = row->field[RETSIM_COL_TIME];
    if (c->started && !c->iso) {
        return bad(err, path, row->line, "time",
                   "'%s' is a timestamp but earlier rows use durations since the start", text);
    }
    if (!c->started) {
        c->iso = true;
        c->origin_ms = epoch;
    }
    *t = epoch - c->origin_ms;
    if (*t > RETSIM_TIME_MAX) { /* the same limit as a duration written with units */
        return bad(err, path, row->line, "time",
                   "'%s' is more than the maximum 365000d (1,000 years) after the first row", text);
    }
    return 0;
}

int retsim_trace_time(retsim_trace_clock *c, const char *path, const retsim_trace_row *row, retsim_time *t,
                      retsim_error *err)
{
    const char *text = row->field[RETSIM_COL_TIME];
    const char *why = NULL;
    retsim_time d;
    int64_t epoch;
    int rc = retsim_time_parse(text, &d, &why);
    if (rc == RETSIM_ERANGE) {
        return bad(err, path, row->line, "time", "%s, got '%s'", why, text);
    }
    if (rc == 0) {
        if (c->started && c->iso) {
            return bad(err, path, row->line, "time",
                       "'%s' is a duration but earlier rows use ISO-8601 timestamps", text);
        }
        *t = d;
    } else if (retsim_time_parse_iso8601(text, &epoch, NULL) == 0) {
        rc = iso_time(c, path, row, epoch, t, err);
        if (rc != 0) {
            return rc;
        }
    } else {
        return bad(err, path, row->line, "time",
                   "%s, or an ISO-8601 UTC timestamp (2024-11-24T19:40:50Z); got '%s'", why, text);
    }
    if (c->started && *t < c->last) {
        return bad(err, path, row->line, "time",
                   "time goes backwards: rows must be in time order (this row is before the one above)");
    }
    c->started = true;
    c->last = *t;
    return 0;
}

/* ---- the size_gb column ---- */

int retsim_trace_size_parse(const char *text, retsim_request *rq, const char *path, long line,
                            retsim_error *err)
{
    if (text[0] == '\0') {
        return 0;
    }
    if (rq->op != RETSIM_OP_CREATE) {
        return bad(err, path, line, "size_gb", "only a create gives a size; %s takes none, got '%s'",
                   retsim_op_name(rq->op), text);
    }
    char *end = NULL;
    float v = strtof(text, &end);
    /* strtof reads "inf" and "nan" too: only finite sizes mean anything */
    if (end == text || *end != '\0' || !isfinite(v) || v < 0) {
        return bad(err, path, line, "size_gb", "expected a size in GB, a finite number >= 0, got '%s'", text);
    }
    rq->size_gb = v;
    return 0;
}

void retsim_trace_size_format(const retsim_request *rq, char *buf, size_t size)
{
    buf[0] = '\0';
    if (rq->op != RETSIM_OP_CREATE || !(rq->size_gb > 0)) {
        return;
    }
    /* the fewest digits that read back as the same float: 1.5, not 1.50000000 */
    for (int digits = 6; digits <= 9; digits++) {
        snprintf(buf, size, "%.*g", digits, (double)rq->size_gb);
        if (strtof(buf, NULL) == rq->size_gb) {
            return;
        }
    }
}

/* ---- the recorded_outcome column ---- */

int retsim_trace_recorded_parse(const char *text, retsim_trace_recorded *out, const char *path, long line,
                                retsim_error *err)
{
    static const char prefix[] = "failed:";
    out->text = text;
    if (text[0] == '\0') {
        out->cls = RETSIM_RECORDED_UNKNOWN;
    } else if (strcmp(text, "succeeded") == 0) {
        out->cls = RETSIM_RECORDED_SUCCEEDED;
    } else if (strcmp(text, "failed") == 0) {
        out->cls = RETSIM_RECORDED_FAILED;
    } else if (strncmp(text, prefix, sizeof prefix - 1) == 0 && text[sizeof prefix - 1] != '\0' &&
               strchr(text, ',') == NULL) {
        out->cls = RETSIM_RECORDED_FAILED;
    } else {
        return bad(err, path, line, "recorded_outcome",
                   "expected succeeded, failed or failed:<code> (a code without ','), or empty; got '%s'",
                   text);
    }
    return 0;
}

/* ---- the options column ---- */

static bool on_off(const char *v, bool *out)
{
    if (strcmp(v, "on") == 0 || strcmp(v, "true") == 0) {
        *out = true;
    } else if (strcmp(v, "off") == 0 || strcmp(v, "false") == 0) {
        *out = false;
    } else {
        return false;
    }
    return true;
}

/* Each option reads its value into a request (false, with *why set when it
 * has more to say than the table's `expected`, if the value is bad) and
 * writes it back (NULL when the request holds the default, so it is left
 * out). */
typedef bool (*option_read)(const char *value, retsim_request *rq, const char **why);
typedef const char *(*option_write)(const retsim_request *rq, char *tmp, size_t size);

static bool read_purge_permission(const char *v, retsim_request *rq, const char **why)
{
    (void)why;
    return on_off(v, &rq->purge_permission);
}

static const char *write_purge_permission(const retsim_request *rq, char *tmp, size_t size)
{
    (void)tmp;
    (void)size;
    return rq->purge_permission ? NULL : "false";
}

static bool read_provisioning(const char *v, retsim_request *rq, const char **why)
{
    (void)why;
    if (strcmp(v, "failed") != 0 && strcmp(v, "succeeded") != 0) {
        return false;
    }
    rq->provisioning_failed = strcmp(v, "failed") == 0;
    return true;
}

static const char *write_provisioning(const retsim_request *rq, char *tmp, size_t size)
{
    (void)tmp;
    (void)size;
    return rq->provisioning_failed ? "failed" : NULL;
}

/* create's switch for the new instance, set_policy's for the kind or instance:
 * read into both, as either op may look at its own. */
static bool read_soft_delete(const char *v, retsim_request *rq, const char **why)
{
    (void)why;
    bool b;
    bool always = strcmp(v, "always_on") == 0;
    if (!always && !on_off(v, &b)) {
        return false;
    }
    rq->soft_delete_switch = always ? 2 : b;
    rq->change.soft_delete = always || b;
    rq->change.set |= RETSIM_CHANGE_SOFT_DELETE | (always ? RETSIM_CHANGE_ALWAYS_ON : 0);
    return true;
}

static const char *write_soft_delete(const retsim_request *rq, char *tmp, size_t size)
{
    (void)tmp;
    (void)size;
    if (rq->op == RETSIM_OP_CREATE) {
        return rq->soft_delete_switch < 0    ? NULL
               : rq->soft_delete_switch == 2 ? "always_on"
               : rq->soft_delete_switch      ? "on"
                                             : "off";
    }
    if (!(rq->change.set & RETSIM_CHANGE_SOFT_DELETE)) {
        return NULL;
    }
    return (rq->change.set & RETSIM_CHANGE_ALWAYS_ON) ? "always_on" : rq->change.soft_delete ? "on" : "off";
}

static bool read_retention(const char *v, retsim_request *rq, const char **why)
{
    if (retsim_time_parse(v, &rq->change.retention_ms, why) != 0 || rq->change.retention_ms <= 0) {
        return false;
    }
    rq->change.set |= RETSIM_CHANGE_RETENTION;
    return true;
}

static const char *write_retention(const retsim_request *rq, char *tmp, size_t size)
{
    if (!(rq->change.set & RETSIM_CHANGE_RETENTION)) {
        return NULL;
    }
    retsim_time_format(rq->change.retention_ms, tmp, size);
    return tmp;
}

static bool read_applies_to(const char *v, retsim_request *rq, const char **why)
{
    (void)why;
    if (retsim_applies_to_parse(v, &rq->change.applies_to) != 0) {
        return false;
    }
    rq->change.set |= RETSIM_CHANGE_APPLIES_TO;
    return true;
}

static const char *write_applies_to(const retsim_request *rq, char *tmp, size_t size)
{
    (void)tmp;
    (void)size;
    return rq->change.set & RETSIM_CHANGE_APPLIES_TO ? retsim_applies_to_name(rq->change.applies_to) : NULL;
}

static bool read_purge_protection(const char *v, retsim_request *rq, const char **why)
{
    (void)why;
    if (!on_off(v, &rq->change.purge_protection)) {
        return false;
    }
    rq->change.set |= RETSIM_CHANGE_PURGE_PROTECTION;
    return true;
}

static const char *write_purge_protection(const retsim_request *rq, char *tmp, size_t size)
{
    (void)tmp;
    (void)size;
    if (!(rq->change.set & RETSIM_CHANGE_PURGE_PROTECTION)) {
        return NULL;
    }
    return rq->change.purge_protection ? "on" : "off";
}

/* create's and delete's retention= (set_policy's is read_retention) */
static bool read_request_retention(const char *v, retsim_request *rq, const char **why)
{
    retsim_time t;
    if (retsim_time_parse(v, &t, why) != 0 || t <= 0) {
        return false;
    }
    rq->retention_ms = t;
    return true;
}

static const char *write_request_retention(const retsim_request *rq, char *tmp, size_t size)
{
    if (rq->retention_ms == RETSIM_TIME_NEVER) {
        return NULL;
    }
    retsim_time_format(rq->retention_ms, tmp, size);
    return tmp;
}

static bool read_force(const char *v, retsim_request *rq, const char **why)
{
    (void)why;
    return on_off(v, &rq->force);
}

static const char *write_force(const retsim_request *rq, char *tmp, size_t size)
{
    (void)tmp;
    (void)size;
    return rq->force ? "true" : NULL;
}

static bool read_restore_permission(const char *v, retsim_request *rq, const char **why)
{
    (void)why;
    return on_off(v, &rq->restore_permission);
}

static const char *write_restore_permission(const retsim_request *rq, char *tmp, size_t size)
{
    (void)tmp;
    (void)size;
    return rq->restore_permission ? NULL : "false";
}

static bool read_generation(const char *v, retsim_request *rq, const char **why)
{
    (void)why;
    char *end = NULL;
    errno = 0;
    unsigned long n = strtoul(v, &end, 10);
    if (v[0] < '1' || v[0] > '9' || *end != '\0' || errno != 0 || n > UINT32_MAX) {
        return false;
    }
    rq->generation = (uint32_t)n;
    return true;
}

static const char *write_generation(const retsim_request *rq, char *tmp, size_t size)
{
    if (rq->generation == 0) {
        return NULL;
    }
    snprintf(tmp, size, "%" PRIu32, rq->generation);
    return tmp;
}

#define OP_BIT(op) (1u << (op))

typedef struct option {
    const char *key;
    unsigned ops;         /* OP_BIT of each op that takes it */
    const char *expected; /* after "key: " when the value is bad */
    const char *suffix;   /* after a parser's own why */
    option_read read;
    option_write write;
} option;

/* In the order an options field is written. */
static const option options[] = {
    {"purge_permission", OP_BIT(RETSIM_OP_PURGE), "expected true or false", "", read_purge_permission,
     write_purge_permission},
    {"provisioning", OP_BIT(RETSIM_OP_CREATE), "expected succeeded or failed", "", read_provisioning,
     write_provisioning},
    {"soft_delete", OP_BIT(RETSIM_OP_CREATE) | OP_BIT(RETSIM_OP_SET_POLICY), "expected on, off or always_on",
     "", read_soft_delete, write_soft_delete},
    {"retention", OP_BIT(RETSIM_OP_SET_POLICY), "expected a duration", " (and more than 0)", read_retention,
     write_retention},
    {"applies_to", OP_BIT(RETSIM_OP_SET_POLICY), "expected new_deletes or all_soft_deleted", "",
     read_applies_to, write_applies_to},
    {"purge_protection", OP_BIT(RETSIM_OP_CREATE) | OP_BIT(RETSIM_OP_SET_POLICY), "expected on or off", "",
     read_purge_protection, write_purge_protection},
    {"retention", OP_BIT(RETSIM_OP_CREATE) | OP_BIT(RETSIM_OP_DELETE), "expected a duration",
     " (and more than 0)", read_request_retention, write_request_retention},
    {"force", OP_BIT(RETSIM_OP_DELETE), "expected true or false", "", read_force, write_force},
    {"restore_permission", OP_BIT(RETSIM_OP_RESTORE), "expected true or false", "", read_restore_permission,
     write_restore_permission},
    {"generation", OP_BIT(RETSIM_OP_RESTORE) | OP_BIT(RETSIM_OP_PURGE) | OP_BIT(RETSIM_OP_GET_DELETED),
     "expected a generation number 1, 2, ...", "", read_generation, write_generation},
};
#define N_OPTIONS (sizeof options / sizeof options[0])

_Static_assert(RETSIM_OP_COUNT <= 32, "an option's ops fit one unsigned");

/* One key=value of the options field, for request rq. */
static int apply_option(retsim_request *rq, const char *key, const char *value, const char *path, long line,
                        retsim_error *err)
{
    for (size_t i = 0; i < N_OPTIONS; i++) {
        const option *o = &options[i];
        if (strcmp(key, o->key) != 0 || !(o->ops & OP_BIT(rq->op))) {
            continue;
        }
        const char *why = NULL;
        if (!o->read(value, rq, &why)) {
            return bad(err, path, line, "options", "%s: %s%s", o->key, why != NULL ? why : o->expected,
                       o->suffix);
        }
        return 0;
    }
    return bad(err, path, line, "options", "option '%s' does not apply to %s (see retsim replay --help)", key,
               retsim_op_name(rq->op));
}

/* Split one ';'-separated item at '=' and trim the spaces around key and
 * value (in place), then apply it. An empty item is skipped. */
static int apply_item(retsim_request *rq, char *item, const char *path, long line, retsim_error *err)
{
    while (*item == ' ') {
        item++;
    }
    if (*item == '\0') {
        return 0;
    }
    char *eq = strchr(item, '=');
    if (eq == NULL) {
        return bad(err, path, line, "options", "expected key=value pairs separated by ';', got '%s'", item);
    }
    *eq = '\0';
    char *end = eq;
    while (end > item && end[-1] == ' ') {
        *--end = '\0';
    }
    char *value = eq + 1;
    while (*value == ' ') {
        value++;
    }
    return apply_option(rq, item, value, path, line, err);
}

int retsim_trace_options_parse(const char *text, retsim_request *rq, const char *path, long line,
                               retsim_error *err)
{
    char buf[1024];
    size_t len = strlen(text);
    if (len >= sizeof buf) {
        return bad(err, path, line, "options", "options field too long");
    }
    memcpy(buf, text, len + 1); /* nearly always empty: snprintf's setup was most of this function */
    char *save = NULL;
    for (char *item = strtok_r(buf, ";", &save); item != NULL; item = strtok_r(NULL, ";", &save)) {
        int rc = apply_item(rq, item, path, line, err);
        if (rc != 0) {
            return rc;
        }
    }
    if (rq->op == RETSIM_OP_SET_POLICY && rq->change.set == 0) {
        return bad(err, path, line, "options",
                   "set_policy needs at least one of soft_delete, retention, purge_protection");
    }
    if ((rq->change.set & RETSIM_CHANGE_APPLIES_TO) && !(rq->change.set & RETSIM_CHANGE_RETENTION)) {
        return bad(err, path, line, "options", "applies_to goes with retention");
    }
    return 0;
}

int retsim_trace_options_format(const retsim_request *rq, char *buf, size_t size)
{
    size_t n = 0;
    if (size == 0) {
        return RETSIM_ERANGE;
    }
    buf[0] = '\0';
    for (size_t i = 0; i < N_OPTIONS; i++) {
        char tmp[64];
        const char *value = options[i].ops & OP_BIT(rq->op) ? options[i].write(rq, tmp, sizeof tmp) : NULL;
        if (value == NULL) {
            continue;
        }
        int w = snprintf(buf + n, size - n, "%s%s=%s", n > 0 ? ";" : "", options[i].key, value);
        if (w < 0 || (size_t)w >= size - n) {
            buf[n] = '\0';
            return RETSIM_ERANGE;
        }
        n += (size_t)w;
    }
    return 0;
}

/* ---- reading ---- */

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
    char *buf; /* RETSIM_TRACE_ROW_MAX + 1 bytes, from the start */
    size_t buf_len;
    size_t offsets[MAX_FIELDS];
    size_t nfields;
    bool too_many;
} reader;

/* The column of the field being read, "" before the header is known. */
static const char *column_of(const reader *rd)
{
    return rd->header_done && rd->nfields < rd->ncols && rd->map[rd->nfields] >= 0
               ? columns[rd->map[rd->nfields]].name
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

/* Whether s[0..len) is all ASCII, 8 bytes a step: nearly every trace field
 * is, and then the byte-by-byte UTF-8 check is not needed. */
static bool all_ascii(const unsigned char *s, size_t len)
{
    uint64_t high = 0;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, sizeof w);
        high |= w;
    }
    for (; i < len; i++) {
        high |= s[i];
    }
    return (high & UINT64_C(0x8080808080808080)) == 0;
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
    if (!all_ascii(s, len) && !input_utf8_valid(s, len)) {
        rd->rc = retsim_error_set(rd->err, RETSIM_EINPUT, rd->path, rd->row_line, column_of(rd),
                                  "field %zu is not valid UTF-8", rd->nfields + 1);
        return;
    }
    /* libcsv ends the field with a NUL (CSV_APPEND_NULL): one copy takes
     * it too; too_long kept buf_len + len <= RETSIM_TRACE_ROW_MAX, and the
     * row arena holds that plus the terminator, so it never grows. */
    memcpy(rd->buf + rd->buf_len, s, len + 1);
    rd->offsets[rd->nfields++] = rd->buf_len;
    rd->buf_len += len + 1;
}

/* "time, op, kind, subscription and name": the required columns, from the table. */
static void required_list(char *buf, size_t size)
{
    int last = -1;
    for (int c = 0; c < RETSIM_COL_COUNT; c++) {
        last = columns[c].required ? c : last;
    }
    size_t len = 0;
    buf[0] = '\0';
    for (int c = 0, k = 0; c < RETSIM_COL_COUNT && len < size; c++) {
        if (!columns[c].required) {
            continue;
        }
        const char *sep = k == 0 ? "" : c == last ? " and " : ", ";
        len += (size_t)snprintf(buf + len, size - len, "%s%s", sep, columns[c].name);
        k++;
    }
}

static void read_header(reader *rd)
{
    bool seen[RETSIM_COL_COUNT] = {false};
    rd->ncols = rd->nfields;
    for (size_t i = 0; i < rd->nfields; i++) {
        const char *name = rd->buf + rd->offsets[i];
        rd->map[i] = -1;
        for (int c = 0; c < RETSIM_COL_COUNT; c++) {
            if (strcmp(name, columns[c].name) != 0) {
                continue;
            }
            if (seen[c]) {
                rd->rc = retsim_error_set(rd->err, RETSIM_EINPUT, rd->path, rd->row_line, name,
                                          "column named twice in the header");
                return;
            }
            seen[c] = true;
            rd->map[i] = c;
        }
    }
    for (int c = 0; c < RETSIM_COL_COUNT; c++) {
        if (columns[c].required && !seen[c]) {
            char list[128];
            required_list(list, sizeof list);
            rd->rc = retsim_error_set(rd->err, RETSIM_EINPUT, rd->path, rd->row_line, columns[c].name,
                                      "missing column: the header needs %s", list);
            return;
        }
    }
    rd->header_done = true;
}

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
    return col >= 0 && columns[col].required;
}

/* A row may leave off trailing optional fields (they read as ""), not a
 * required one. True (and rd->rc set) if it does. */
static bool missing_required(reader *rd)
{
    const char *op = row_op(rd);
    for (size_t i = rd->nfields; i < rd->ncols; i++) {
        int col = rd->map[i];
        if (required_for(op, col)) {
            rd->rc = retsim_error_set(rd->err, RETSIM_EINPUT, rd->path, rd->row_line, columns[col].name,
                                      "missing required field: the row has %zu fields and %s is column %zu "
                                      "of the header",
                                      rd->nfields, columns[col].name, i + 1);
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
    while (rd->rc == 0) {
        size_t n = fread(block, 1, BLOCK, f);
        if (n == 0) {
            break;
        }
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
    rd.buf = malloc(RETSIM_TRACE_ROW_MAX + 1); /* pages are touched only as rows need them */
    if (rd.buf == NULL) {
        csv_free(&p);
        fclose(f);
        return retsim_error_set(err, RETSIM_ENOMEM, path, 0, "", "out of memory");
    }
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
