/* The streaming JSON reader of retsim import: yajl's SAX parser, the dotted
 * path of the value being read kept in a fixed buffer, and a record's wanted
 * fields copied into one fixed import_raw that the format turns into an
 * import_record when the record's object closes. Memory does not grow with
 * the log: a big array of records is never held. */
#include "retsim/import.h"

#include "import_record.h"

#include <stdlib.h>
#include <string.h>
#include <yajl_parse.h>

#define PATH_DEPTH 32 /* deeper values are read past, never captured */
#define BUF_SIZE   65536

typedef struct json_ctx {
    retsim_import *im;
    const import_spec *spec;
    const char *path;
    retsim_error *err;
    import_raw *raw;
    import_record *rec;
    int d0;       /* depth of a record object: 1 in an array, 0 in JSON lines, 2 under "Records" */
    int depth;    /* containers open */
    bool other;   /* {"Records": ...} file: inside a top-level key that is not Records */
    char kp[512]; /* the dotted path of the current value inside the record */
    size_t kp_len;
    size_t plen[PATH_DEPTH + 2]; /* kp's length at the start of each container */
    bool kp_over;                /* kp is too long or too deep: nothing matches */
    uint64_t recno;
    int rc;
} json_ctx;

/* The path entry matching kp, or NULL. */
static const import_path *match(const json_ctx *c)
{
    if (c->depth <= c->d0 || c->kp_over || c->other) {
        return NULL;
    }
    for (size_t i = 0; i < c->spec->n_paths; i++) {
        if (strcmp(c->spec->paths[i].path, c->kp) == 0) {
            return &c->spec->paths[i];
        }
    }
    return NULL;
}

/* Every field of r "" or zero (not a memset: r is ~10 kB, a record is a few hundred bytes). */
static void clear_record(import_record *r)
{
    r->t = 0;
    r->status = IMPORT_PENDING;
    r->operation[0] = r->sub[0] = r->parent[0] = r->name[0] = r->caller[0] = '\0';
    r->key[0] = r->code[0] = r->options[0] = '\0';
    r->bad = r->bad_field = r->late_bad = r->late_field = NULL;
}

/* A record ends: hand it over; a malformed one stops the parse unless skip_bad. */
static int finish(json_ctx *c)
{
    int rc;
    if (c->raw->bad != NULL) {
        rc = retsim_error_set(c->err, RETSIM_EINPUT, c->path, 0, c->raw->bad_field, "record %llu: %s",
                              (unsigned long long)c->recno, c->raw->bad);
    } else {
        clear_record(c->rec);
        c->spec->convert(c->raw, c->rec);
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

static void mark_bad(json_ctx *c, const char *field, const char *why)
{
    if (c->raw->bad == NULL) {
        c->raw->bad = why;
        c->raw->bad_field = field;
    }
}

/* A new record: every field "" (the first byte is enough). */
static void clear(json_ctx *c)
{
    for (int i = 0; i < IMPORT_RAW_MAX; i++) {
        c->raw->f[i][0] = '\0';
    }
    c->raw->bad = NULL;
    c->raw->bad_field = "";
    c->kp[0] = '\0';
    c->kp_len = 0;
    c->kp_over = false;
    c->recno++;
}

/* A value that is not an object where a record should be: a malformed record. */
static int not_a_record(json_ctx *c)
{
    clear(c);
    mark_bad(c, "", "a record must be a JSON object");
    return finish(c);
}

/* In a {"Records": ...} file, a value at the top that is not a record container. */
static int records_shape(json_ctx *c)
{
    c->rc = retsim_error_set(c->err, RETSIM_EINPUT, c->path, 0, "Records",
                             "expected {\"Records\": [ records ]}: Records must be an array");
    return 0;
}

static void store(json_ctx *c, const import_path *p, const char *s, size_t len)
{
    if (len >= RETSIM_IMPORT_FIELD_MAX) {
        mark_bad(c, "", "a field is longer than 1023 bytes");
        return;
    }
    memcpy(c->raw->f[p->slot], s, len);
    c->raw->f[p->slot][len] = '\0';
}

/* A scalar value: s its text (a string's bytes), or NULL for null. */
static int on_value(json_ctx *c, const char *s, size_t len, bool is_string)
{
    if (c->other) {
        return 1;
    }
    if (c->depth == c->d0) {
        return not_a_record(c);
    }
    if (c->depth < c->d0) {
        return records_shape(c);
    }
    const import_path *p = match(c);
    if (p == NULL || s == NULL) {
        return 1; /* a null field reads as absent */
    }
    if (is_string || p->mode == IMPORT_ANY) {
        store(c, p, s, len);
    } else if (p->mode == IMPORT_STRICT) {
        mark_bad(c, "", "a field the import reads must be a string (or an object with a value)");
    }
    return 1;
}

static int on_null(void *ctx)
{
    return on_value(ctx, NULL, 0, false);
}

static int on_bool(void *ctx, int b)
{
    return on_value(ctx, b ? "true" : "false", b ? 4 : 5, false);
}

static int on_number(void *ctx, const char *s, size_t len)
{
    return on_value(ctx, s, len, false);
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
    return on_value(ctx, (const char *)s, len, true);
}

/* A container opens at depth (before the increment): remember where its path starts. */
static void push(json_ctx *c, const char *mark)
{
    c->depth++;
    if (c->depth > PATH_DEPTH) {
        c->kp_over = true;
        return;
    }
    size_t add = strlen(mark);
    if (c->kp_len + add >= sizeof c->kp) {
        c->kp_over = true;
    } else {
        memcpy(c->kp + c->kp_len, mark, add + 1);
        c->kp_len += add;
    }
    c->plen[c->depth] = c->kp_len;
}

static void pop(json_ctx *c)
{
    if (c->depth <= PATH_DEPTH && c->depth > c->d0 + 1) {
        c->kp_len = c->plen[c->depth];
        c->kp[c->kp_len] = '\0';
    }
    c->depth--;
    if (c->depth <= PATH_DEPTH && c->depth >= c->d0 + 1) {
        c->kp_over = false;
    }
}

static int on_start_map(void *ctx)
{
    json_ctx *c = ctx;
    if (c->depth < c->d0 && !c->other && c->depth > 0) {
        return records_shape(c);
    }
    if (c->depth == c->d0 && !c->other) {
        clear(c);
    }
    push(c, "");
    return 1;
}

static int on_map_key(void *ctx, const unsigned char *k, size_t len)
{
    json_ctx *c = ctx;
    if (c->d0 == 2 && c->depth == 1) {
        c->other = !(len == 7 && memcmp(k, "Records", 7) == 0);
        return 1;
    }
    if (c->depth <= c->d0 || c->depth > PATH_DEPTH) {
        return 1;
    }
    size_t base = c->plen[c->depth];
    size_t sep = base > 0 ? 1 : 0;
    if (base + sep + len >= sizeof c->kp) {
        c->kp_over = true;
        return 1;
    }
    c->kp_over = false;
    if (sep) {
        c->kp[base] = '.';
    }
    memcpy(c->kp + base + sep, k, len);
    c->kp_len = base + sep + len;
    c->kp[c->kp_len] = '\0';
    return 1;
}

static int on_end_map(void *ctx)
{
    json_ctx *c = ctx;
    pop(c);
    if (c->d0 == 2 && c->depth == 0) {
        c->other = false;
    }
    return c->depth == c->d0 && !c->other ? finish(c) : 1;
}

static int on_start_array(void *ctx)
{
    json_ctx *c = ctx;
    if (c->other || c->depth < c->d0) {
        push(c, "[]");
        return 1;
    }
    if (c->depth == c->d0) {
        push(c, "[]");
        return not_a_record(c) ? 1 : 0;
    }
    const import_path *p = match(c);
    if (p != NULL && p->mode == IMPORT_STRICT) {
        mark_bad(c, "", "a field the import reads must be a string (or an object with a value)");
    }
    push(c, "[]"); /* values in arrays are never fields */
    return 1;
}

static int on_end_array(void *ctx)
{
    pop(ctx);
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
static int parse_failed(json_ctx *c, yajl_handle h, const unsigned char *buf, size_t len)
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
static int read_array(json_ctx *c, FILE *in, unsigned char *buf, size_t n)
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
            n = fread(buf, 1, BUF_SIZE, in);
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
static int line_end(json_ctx *c, yajl_handle *h, uint64_t line, bool syntax_bad)
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
static int feed_lines(json_ctx *c, yajl_handle *h, line_state *ls, const unsigned char *buf, size_t n)
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

static int read_lines(json_ctx *c, FILE *in, unsigned char *buf, size_t n)
{
    yajl_handle h = yajl_alloc(&callbacks, NULL, c);
    line_state ls = {0, false, false};
    int rc = h == NULL ? retsim_error_set(c->err, RETSIM_ENOMEM, c->path, 0, "", "out of memory") : 0;
    while (rc == 0 && n > 0) {
        rc = feed_lines(c, &h, &ls, buf, n);
        n = rc == 0 ? fread(buf, 1, BUF_SIZE, in) : 0;
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

/* After '{' and white space, does the object begin with the key "Records"? */
static bool starts_records(const unsigned char *buf, size_t n)
{
    size_t p = 1;
    while (p < n && (buf[p] == ' ' || buf[p] == '\t' || buf[p] == '\r' || buf[p] == '\n')) {
        p++;
    }
    return n - p >= 9 && memcmp(buf + p, "\"Records\"", 9) == 0;
}

int retsim_import_read_json(retsim_import *im, const import_spec *spec, FILE *in, const char *path,
                            retsim_error *err)
{
    unsigned char *buf = malloc(BUF_SIZE);
    import_raw *raw = malloc(sizeof *raw);
    import_record *rec = malloc(sizeof *rec);
    int rc = 0;
    if (buf == NULL || raw == NULL || rec == NULL) {
        rc = retsim_error_set(err, RETSIM_ENOMEM, path, 0, "", "out of memory");
    }
    size_t n = rc == 0 ? fread(buf, 1, BUF_SIZE, in) : 0;
    size_t p = n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0; /* a UTF-8 byte-order mark */
    while (p < n && (buf[p] == ' ' || buf[p] == '\t' || buf[p] == '\r' || buf[p] == '\n')) {
        p++;
    }
    json_ctx c = {.im = im, .spec = spec, .path = path, .err = err, .raw = raw, .rec = rec};
    bool array = p < n && buf[p] == '[';
    bool records = p < n && spec->records_key && buf[p] == '{' && starts_records(buf + p, n - p);
    if (rc == 0 && p < n) {
        memmove(buf, buf + p, n - p);
        c.d0 = records ? 2 : (array ? 1 : 0);
        rc = array || records ? read_array(&c, in, buf, n - p) : read_lines(&c, in, buf, n - p);
    }
    free(buf);
    free(raw);
    free(rec);
    return rc;
}
