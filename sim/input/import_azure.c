/* The Azure Activity Log, streamed with yajl's SAX parser: a record's fields
 * land in one fixed import_record, handed over when its object closes. */
#include "retsim/import.h"

#include "import_record.h"

#include <stdlib.h>
#include <string.h>
#include <yajl_parse.h>

typedef struct azure_ctx {
    retsim_import *im;
    const char *path;
    retsim_error *err;
    import_record *rec;
    int d0;       /* depth of a record object: 1 in an array, 0 in JSON lines */
    int depth;    /* containers open */
    int top, sub; /* the field of the key at depth d0+1, and whether d0+2's key is the wanted one */
    int top_obj;  /* top is an object whose .value (or .statusCode) is the field */
    uint64_t recno;
    int rc;
} azure_ctx;

static const struct {
    const char *key;
    int field;
} fields[] = {
    {"time", REC_TIME},
    {"eventTimestamp", REC_EVENT_TS},
    {"operationName", REC_OPERATION},
    {"resourceId", REC_RESOURCE},
    {"status", REC_STATUS},
    {"resultType", REC_RESULT_TYPE},
    {"subStatus", REC_SUB_STATUS},
    {"subscriptionId", REC_SUBSCRIPTION},
    {"caller", REC_CALLER},
    {"correlationId", REC_CORRELATION},
    {"operationId", REC_OPERATION_ID},
    {"properties", -2}, /* properties.statusCode: the failure's code when subStatus is empty */
};

static int key_is(const unsigned char *k, size_t len, const char *want)
{
    return strlen(want) == len && memcmp(k, want, len) == 0;
}

/* A record ends: hand it over; a malformed one stops the parse unless skip_bad. */
static int finish(azure_ctx *c)
{
    int rc;
    if (c->rec->bad != NULL) {
        rc = retsim_error_set(c->err, RETSIM_EINPUT, c->path, 0, c->rec->bad_field, "record %llu: %s",
                              (unsigned long long)c->recno, c->rec->bad);
    } else {
        rc = retsim_import_add(c->im, c->rec, c->recno, c->path, c->err);
    }
    if (rc == RETSIM_EINPUT && retsim_import_opts(c->im)->skip_bad) {
        retsim_import_count_bad(c->im);
        retsim_error_clear(c->err);
        return 1;
    }
    c->rc = rc;
    return rc == 0;
}

static void mark_bad(azure_ctx *c, const char *field, const char *why)
{
    if (c->rec->bad == NULL) {
        c->rec->bad = why;
        c->rec->bad_field = field;
    }
}

/* A new record: every field "" (the first byte is enough). */
static void clear(azure_ctx *c)
{
    for (int i = 0; i < REC_COUNT; i++) {
        c->rec->f[i][0] = '\0';
    }
    c->rec->bad = NULL;
    c->rec->bad_field = "";
    c->recno++;
}

/* A value that is not an object where a record should be: a malformed record. */
static int not_a_record(azure_ctx *c)
{
    clear(c);
    mark_bad(c, "", "a record must be a JSON object");
    return finish(c);
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
    azure_ctx *c = ctx;
    int field = -1;
    if (c->depth == c->d0) {
        return not_a_record(c);
    }
    if (c->depth == c->d0 + 1 && c->top >= 0) {
        field = c->top;
    } else if (c->depth == c->d0 + 2 && c->sub) {
        field = c->top_obj;
    }
    if (field < 0) {
        return 1;
    }
    if (len >= RETSIM_IMPORT_FIELD_MAX) {
        mark_bad(c, "", "a field is longer than 1023 bytes");
        return 1;
    }
    memcpy(c->rec->f[field], s, len);
    c->rec->f[field][len] = '\0';
    return 1;
}

static int on_scalar(azure_ctx *c)
{
    if (c->depth == c->d0) {
        return not_a_record(c);
    }
    if (c->depth == c->d0 + 1 && c->top >= 0) {
        mark_bad(c, "", "a field the import reads must be a string (or an object with a value)");
    }
    return 1;
}

static int on_null(void *ctx)
{
    azure_ctx *c = ctx;
    return c->depth == c->d0 ? not_a_record(c) : 1; /* a null field reads as absent */
}

static int on_bool(void *ctx, int b)
{
    (void)b;
    return on_scalar(ctx);
}

static int on_number(void *ctx, const char *s, size_t len)
{
    (void)s;
    (void)len;
    return on_scalar(ctx);
}

static int on_start_map(void *ctx)
{
    azure_ctx *c = ctx;
    if (c->depth == c->d0) {
        clear(c);
        c->top = -1;
    } else if (c->depth == c->d0 + 1 && c->top >= 0) {
        c->top_obj = c->top; /* {value, localizedValue}: the field is .value */
        c->top = -1;
        c->sub = 0;
    } else if (c->depth == c->d0 + 1 && c->top == -2) {
        c->top_obj = REC_STATUS_CODE;
        c->top = -1;
        c->sub = 0;
    }
    c->depth++;
    return 1;
}

static int on_map_key(void *ctx, const unsigned char *k, size_t len)
{
    azure_ctx *c = ctx;
    if (c->depth == c->d0 + 1) {
        c->top = -1;
        c->top_obj = -1;
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
            if (key_is(k, len, fields[i].key)) {
                c->top = fields[i].field;
            }
        }
    } else if (c->depth == c->d0 + 2 && c->top_obj >= 0) {
        c->sub = key_is(k, len, c->top_obj == REC_STATUS_CODE ? "statusCode" : "value");
    }
    return 1;
}

static int on_end_map(void *ctx)
{
    azure_ctx *c = ctx;
    c->depth--;
    if (c->depth == c->d0 + 1) {
        c->top_obj = -1;
        c->sub = 0;
    }
    return c->depth == c->d0 ? finish(c) : 1;
}

static int on_start_array(void *ctx)
{
    azure_ctx *c = ctx;
    if (c->depth == c->d0) {
        c->depth++;
        return not_a_record(c) ? 1 : 0;
    }
    if (c->depth == c->d0 + 1 && c->top >= 0) {
        mark_bad(c, "", "a field the import reads must be a string (or an object with a value)");
    }
    c->depth++;
    return 1;
}

static int on_end_array(void *ctx)
{
    azure_ctx *c = ctx;
    c->depth--;
    return 1;
}

static const yajl_callbacks callbacks = {
    .yajl_null = on_null,
    .yajl_boolean = on_bool,
    .yajl_number = on_number,
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_map_key,
    .yajl_end_map = on_end_map,
    .yajl_start_array = on_start_array,
    .yajl_end_array = on_end_array,
};

/* A JSON syntax error (or a callback's stop) as an error naming the record. */
static int parse_failed(azure_ctx *c, yajl_handle h, const unsigned char *buf, size_t len)
{
    if (c->rc != 0) {
        return c->rc;
    }
    unsigned char *msg = yajl_get_error(h, 0, buf, len);
    int rc = retsim_error_set(c->err, RETSIM_EINPUT, c->path, 0, "", "record %llu: JSON syntax: %s",
                              (unsigned long long)(c->depth > c->d0 ? c->recno : c->recno + 1),
                              msg != NULL ? (const char *)msg : "malformed");
    yajl_free_error(h, msg);
    return rc;
}

/* The whole file is one array: one parser from the first byte to the last. */
static int read_array(azure_ctx *c, FILE *in, unsigned char *buf, size_t n)
{
    yajl_handle h = yajl_alloc(&callbacks, NULL, c);
    if (h == NULL) {
        return retsim_error_set(c->err, RETSIM_ENOMEM, c->path, 0, "", "out of memory");
    }
    int rc = 0;
    while (rc == 0 && n > 0) {
        if (yajl_parse(h, buf, n) != yajl_status_ok) {
            rc = parse_failed(c, h, buf, n);
        } else {
            n = fread(buf, 1, 65536, in);
        }
    }
    if (rc == 0 && ferror(in)) {
        rc = retsim_error_set(c->err, RETSIM_EIO, c->path, 0, "", "cannot read the log");
    }
    if (rc == 0 && yajl_complete_parse(h) != yajl_status_ok) {
        rc = parse_failed(c, h, buf, 0);
    }
    yajl_free(h);
    return rc;
}

/* One line ends: finish its parser; a syntax error is one bad record (line-th). */
static int line_end(azure_ctx *c, yajl_handle *h, uint64_t line, bool syntax_bad)
{
    if (c->rc != 0) {
        return c->rc;
    }
    int rc = 0;
    if (syntax_bad || yajl_complete_parse(*h) != yajl_status_ok) {
        rc = c->rc != 0 ? c->rc
                        : retsim_error_set(c->err, RETSIM_EINPUT, c->path, 0, "",
                                           "record %llu: JSON syntax error (one record per line)",
                                           (unsigned long long)line);
        if (c->rc == 0 && retsim_import_opts(c->im)->skip_bad) {
            retsim_import_count_bad(c->im);
            retsim_error_clear(c->err);
            rc = 0;
        }
    }
    yajl_free(*h);
    *h = yajl_alloc(&callbacks, NULL, c);
    c->depth = 0;
    c->recno = line; /* the next record is line + 1, whatever this line held */
    if (rc == 0 && *h == NULL) {
        rc = retsim_error_set(c->err, RETSIM_ENOMEM, c->path, 0, "", "out of memory");
    }
    return rc;
}

typedef struct line_state {
    uint64_t line;   /* non-blank lines begun */
    bool content;    /* this line has a byte that is not white space */
    bool syntax_bad; /* its parser failed: ignore the rest of the line */
} line_state;

/* Feed buf[0..n) to the line parsers, ending one at every newline. */
static int feed_lines(azure_ctx *c, yajl_handle *h, line_state *ls, const unsigned char *buf, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        bool nl = i < n && buf[i] == '\n';
        if (i < n && !nl) {
            if (!ls->content && buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r') {
                ls->content = true;
                ls->line++;
            }
            continue;
        }
        if (ls->content && !ls->syntax_bad && i > start &&
            yajl_parse(*h, buf + start, i - start) != yajl_status_ok) {
            ls->syntax_bad = true;
        }
        start = i + 1;
        if (nl && ls->content) {
            int rc = line_end(c, h, ls->line, ls->syntax_bad);
            if (rc != 0) {
                return rc;
            }
            ls->content = ls->syntax_bad = false;
        }
    }
    return 0;
}

static int read_lines(azure_ctx *c, FILE *in, unsigned char *buf, size_t n)
{
    yajl_handle h = yajl_alloc(&callbacks, NULL, c);
    line_state ls = {0, false, false};
    int rc = h == NULL ? retsim_error_set(c->err, RETSIM_ENOMEM, c->path, 0, "", "out of memory") : 0;
    while (rc == 0 && n > 0) {
        rc = feed_lines(c, &h, &ls, buf, n);
        n = rc == 0 ? fread(buf, 1, 65536, in) : 0;
    }
    if (rc == 0 && ferror(in)) {
        rc = retsim_error_set(c->err, RETSIM_EIO, c->path, 0, "", "cannot read the log");
    }
    if (rc == 0 && ls.content) {
        rc = line_end(c, &h, ls.line, ls.syntax_bad); /* a last line without its newline */
    }
    yajl_free(h);
    return rc;
}

int retsim_import_read_azure(retsim_import *im, FILE *in, const char *path, retsim_error *err)
{
    unsigned char *buf = malloc(65536);
    import_record *rec = malloc(sizeof *rec);
    int rc = 0;
    if (buf == NULL || rec == NULL) {
        rc = retsim_error_set(err, RETSIM_ENOMEM, path, 0, "", "out of memory");
    }
    size_t n = rc == 0 ? fread(buf, 1, 65536, in) : 0;
    size_t p = n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0; /* a UTF-8 byte-order mark */
    while (p < n && (buf[p] == ' ' || buf[p] == '\t' || buf[p] == '\r' || buf[p] == '\n')) {
        p++;
    }
    azure_ctx c = {im, path, err, rec, 1, 0, -1, 0, -1, 0, 0};
    bool array = p < n && buf[p] == '[';
    if (rc == 0 && p < n) {
        memmove(buf, buf + p, n - p);
        c.d0 = array ? 1 : 0;
        rc = array ? read_array(&c, in, buf, n - p) : read_lines(&c, in, buf, n - p);
    }
    free(buf);
    free(rec);
    return rc;
}
