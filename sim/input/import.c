/* retsim import: the mapping table, the request rows (collapse, sort,
 * restores) and the trace they make. The formats' parsers are beside it
 * (import_azure.c). */
#include "retsim/import.h"
#include "retsim/csv.h"
#include "retsim/registry.h"
#include "retsim/time.h"

#include "import_record.h"

#include <ini.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct map_entry {
    char *operation; /* operationName, compared case-insensitively */
    char op[32];     /* a trace op, or "create_or_restore" */
    char kind[64];
    char *options;
} map_entry;

/* Open addressing from a string to a row index (or a state). */
typedef struct strindex {
    char **keys;
    size_t *vals;
    size_t cap, n;
} strindex;

struct retsim_import {
    retsim_import_options o;
    map_entry *maps;
    size_t n_maps, cap_maps;
    import_row *rows; /* in memory: since the last spill */
    size_t n_rows, cap_rows;
    uint64_t next_seq;     /* requests seen */
    strindex by_key;       /* request key -> index in rows */
    import_hashes written; /* hashes of the keys of requests spilled to a run */
    import_runs runs;
    retsim_import_stats st;
};

/* The slot of key: where it is, or the empty one where it would go. */
static size_t strindex_slot(const strindex *x, const char *key)
{
    size_t i = (size_t)retsim_import_hash(key) & (x->cap - 1);
    while (x->keys[i] != NULL && strcmp(x->keys[i], key) != 0) {
        i = (i + 1) & (x->cap - 1);
    }
    return i;
}

static int strindex_grow(strindex *x)
{
    strindex y = {calloc(x->cap == 0 ? 64 : x->cap * 2, sizeof(char *)), NULL, x->cap == 0 ? 64 : x->cap * 2,
                  x->n};
    y.vals = calloc(y.cap, sizeof(size_t));
    if (y.keys == NULL || y.vals == NULL) {
        free(y.keys);
        free(y.vals);
        return RETSIM_ENOMEM;
    }
    for (size_t i = 0; i < x->cap; i++) {
        if (x->keys[i] != NULL) {
            size_t j = strindex_slot(&y, x->keys[i]);
            y.keys[j] = x->keys[i];
            y.vals[j] = x->vals[i];
        }
    }
    free(x->keys);
    free(x->vals);
    *x = y;
    return 0;
}

/* The value of key, or SIZE_MAX. */
static size_t strindex_get(const strindex *x, const char *key)
{
    if (x->cap == 0) {
        return SIZE_MAX;
    }
    size_t i = strindex_slot(x, key);
    return x->keys[i] != NULL ? x->vals[i] : SIZE_MAX;
}

/* Set key to val; the index keeps its own copy of key. */
static int strindex_put(strindex *x, const char *key, size_t val)
{
    if ((x->n + 1) * 2 > x->cap && strindex_grow(x) != 0) {
        return RETSIM_ENOMEM;
    }
    size_t i = strindex_slot(x, key);
    if (x->keys[i] == NULL) {
        x->keys[i] = strdup(key);
        if (x->keys[i] == NULL) {
            return RETSIM_ENOMEM;
        }
        x->n++;
    }
    x->vals[i] = val;
    return 0;
}

static void strindex_free(strindex *x)
{
    for (size_t i = 0; i < x->cap; i++) {
        free(x->keys[i]);
    }
    free(x->keys);
    free(x->vals);
    memset(x, 0, sizeof *x);
}

/* In retsim_import_format order. */
static const char *const format_names[] = {"azure-activity", "aws-cloudtrail", "gcp-audit"};

int retsim_import_format_parse(const char *text, retsim_import_format *out)
{
    for (size_t i = 0; text != NULL && i < sizeof format_names / sizeof format_names[0]; i++) {
        if (strcmp(text, format_names[i]) == 0) {
            *out = (retsim_import_format)i;
            return 0;
        }
    }
    return RETSIM_EUSAGE;
}

const char *retsim_import_format_name(retsim_import_format f)
{
    return (size_t)f < sizeof format_names / sizeof format_names[0] ? format_names[f] : "azure-activity";
}

retsim_import *retsim_import_create(const retsim_import_options *o)
{
    retsim_import *im = calloc(1, sizeof *im);
    if (im != NULL) {
        im->o = *o;
    }
    return im;
}

void retsim_import_destroy(retsim_import *im)
{
    if (im == NULL) {
        return;
    }
    for (size_t i = 0; i < im->n_maps; i++) {
        free(im->maps[i].operation);
        free(im->maps[i].options);
    }
    for (size_t i = 0; i < im->n_rows; i++) {
        retsim_import_row_free(&im->rows[i]);
    }
    free(im->maps);
    free(im->rows);
    strindex_free(&im->by_key);
    retsim_import_hashes_free(&im->written);
    retsim_import_runs_free(&im->runs);
    free(im);
}

const retsim_import_options *retsim_import_opts(const retsim_import *im)
{
    return &im->o;
}

void retsim_import_count_bad(retsim_import *im)
{
    im->st.bad++;
}

static size_t map_find(const retsim_import *im, const char *operation)
{
    for (size_t i = 0; i < im->n_maps; i++) {
        if (strcasecmp(im->maps[i].operation, operation) == 0) {
            return i;
        }
    }
    return SIZE_MAX;
}

/* ---- the mapping table ---- */

typedef struct map_load {
    retsim_import *im;
    const char *why; /* the first problem, or NULL */
    int rc;
} map_load;

/* "OP KIND [OPTIONS]" into e; a message when it is not that. */
static const char *map_parse_value(const char *value, map_entry *e, char *options, size_t size)
{
    char op[64] = "", kind[96] = "";
    int used = 0;
    if (sscanf(value, "%63s %95s %n", op, kind, &used) < 2) {
        return "expected OP KIND [OPTIONS], e.g. 'delete apim'";
    }
    retsim_op parsed;
    if (strcmp(op, "create_or_restore") != 0 && retsim_op_parse(op, &parsed) != 0) {
        return "OP is not a trace op (create, delete, restore, purge, get_deleted, list_deleted, "
               "set_policy) nor create_or_restore";
    }
    if (strlen(op) >= sizeof e->op || strlen(kind) >= sizeof e->kind || strlen(value + used) >= size) {
        return "OP, KIND or OPTIONS is too long";
    }
    strcpy(e->op, op);
    strcpy(e->kind, kind);
    strcpy(options, value + used);
    return NULL;
}

static int map_add(retsim_import *im, const char *operation, const map_entry *e, const char *options)
{
    size_t i = map_find(im, operation);
    if (i == SIZE_MAX) {
        if (im->n_maps == im->cap_maps) {
            size_t cap = im->cap_maps == 0 ? 32 : im->cap_maps * 2;
            map_entry *m = realloc(im->maps, cap * sizeof *m);
            if (m == NULL) {
                return RETSIM_ENOMEM;
            }
            im->maps = m;
            im->cap_maps = cap;
        }
        i = im->n_maps++;
        im->maps[i] = (map_entry){.operation = strdup(operation)};
    }
    free(im->maps[i].options);
    map_entry *m = &im->maps[i];
    memcpy(m->op, e->op, sizeof m->op);
    memcpy(m->kind, e->kind, sizeof m->kind);
    m->options = strdup(options);
    return m->operation == NULL || m->options == NULL ? RETSIM_ENOMEM : 0;
}

static int map_handler(void *user, const char *section, const char *name, const char *value)
{
    map_load *ml = user;
    if (strcmp(section, "operations") != 0) {
        ml->why = "mappings go in the [operations] section";
        return 0;
    }
    map_entry e;
    char options[512];
    ml->why = map_parse_value(value, &e, options, sizeof options);
    if (ml->why != NULL) {
        return 0;
    }
    ml->rc = map_add(ml->im, name, &e, options);
    return ml->rc == 0;
}

int retsim_import_map_load(retsim_import *im, const char *path, retsim_error *err)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return retsim_error_set(err, RETSIM_EIO, path, 0, "", "cannot open the mapping file");
    }
    map_load ml = {im, NULL, 0};
    int line = ini_parse_file(f, map_handler, &ml);
    fclose(f);
    if (ml.rc != 0) {
        return retsim_error_set(err, ml.rc, path, line, "", "out of memory");
    }
    if (line != 0) {
        return retsim_error_set(err, RETSIM_EINPUT, path, line, "",
                                "%s (a line reads operationName = OP KIND [OPTIONS])",
                                ml.why != NULL ? ml.why : "not an INI line");
    }
    return 0;
}

/* ---- records into rows ---- */

static int bad(retsim_error *err, const char *path, uint64_t recno, const char *field, const char *why)
{
    return retsim_error_set(err, RETSIM_EINPUT, path, 0, field, "record %llu: %s", (unsigned long long)recno,
                            why);
}

/* Azure writes up to seven fraction digits (".1234567Z"), Google nine; retsim reads milliseconds. */
int retsim_import_parse_time(const char *text, int64_t *t)
{
    char buf[64];
    const char *dot = strchr(text, '.');
    if (dot == NULL || strlen(text) >= sizeof buf) {
        return retsim_time_parse_iso8601(text, t, NULL);
    }
    size_t head = (size_t)(dot - text);
    memcpy(buf, text, head);
    size_t n = head;
    buf[n++] = '.';
    const char *p = dot + 1;
    for (int i = 0; i < 3; i++) {
        buf[n++] = (*p >= '0' && *p <= '9') ? *p++ : '0';
    }
    while (*p >= '0' && *p <= '9') {
        p++;
    }
    snprintf(buf + n, sizeof buf - n, "%s", p);
    return retsim_time_parse_iso8601(buf, t, NULL);
}

static void set_outcome(import_row *w, const import_record *r)
{
    if (r->status == IMPORT_SUCCEEDED) {
        snprintf(w->outcome, sizeof w->outcome, "succeeded");
    } else if (r->status == IMPORT_FAILED) {
        snprintf(w->outcome, sizeof w->outcome, "failed%s%.120s", r->code[0] != '\0' ? ":" : "", r->code);
    }
}

/* Unknown operations: counted, and the first RETSIM_IMPORT_UNKNOWN_MAX listed. */
static void count_unknown(retsim_import *im, const char *operation)
{
    retsim_import_stats *st = &im->st;
    st->unknown++;
    /* names longer than the list's field are kept cut ("..."): compared on what is kept */
    const size_t keep = sizeof st->unknowns[0].operation - 4;
    for (size_t i = 0; i < st->n_unknown; i++) {
        const char *known = st->unknowns[i].operation;
        bool cut = strlen(known) == keep + 3 && strcmp(known + keep, "...") == 0;
        if (cut ? strncasecmp(known, operation, keep) == 0 : strcasecmp(known, operation) == 0) {
            st->unknowns[i].count++;
            return;
        }
    }
    if (st->n_unknown == RETSIM_IMPORT_UNKNOWN_MAX) {
        st->unknown_more++;
        return;
    }
    retsim_import_unknown *u = &st->unknowns[st->n_unknown++];
    if (snprintf(u->operation, sizeof u->operation, "%s", operation) >= (int)sizeof u->operation) {
        memcpy(u->operation + keep, "...", 4);
    }
    u->count = 1;
}

/* "a;b": the map's options, then the record's (a record's retention= after a map's force=). */
static char *join_options(const char *map, const char *rec)
{
    size_t n = strlen(map) + strlen(rec) + 2;
    char *s = malloc(n);
    if (s != NULL) {
        snprintf(s, n, "%s%s%s", map, map[0] != '\0' ? ";" : "", rec);
    }
    return s;
}

/* The rows in memory reached the budget: the final ones (most: a request's
 * records come close together) are sorted and written out as a run, their
 * keys remembered by hash; the pending stay. When fewer than one in eight is
 * final, all go (else the pending alone would hold memory, and every new
 * request would spill a run of one): a later record of a pending request
 * written out is then late (counted, its row keeps the answer it had). */
static int spill(retsim_import *im)
{
    size_t n_final = 0;
    for (size_t i = 0; i < im->n_rows; i++) {
        n_final += im->rows[i].outcome[0] != '\0';
    }
    bool all = n_final * 8 < im->n_rows;
    import_row *out = malloc((all ? im->n_rows : n_final) * sizeof *out + 1);
    if (out == NULL) {
        return RETSIM_ENOMEM;
    }
    size_t n_out = 0, kept = 0;
    int rc = 0;
    for (size_t i = 0; i < im->n_rows; i++) {
        import_row *w = &im->rows[i];
        if (all || w->outcome[0] != '\0') {
            if (w->key != NULL && rc == 0) {
                rc = retsim_import_hashes_put(&im->written, retsim_import_hash(w->key), 1);
            }
            out[n_out++] = *w;
        } else {
            im->rows[kept++] = *w;
        }
    }
    retsim_import_rows_sort(out, n_out);
    rc = rc == 0 ? retsim_import_runs_spill(&im->runs, out, n_out) : rc;
    for (size_t i = 0; i < n_out; i++) {
        retsim_import_row_free(&out[i]);
    }
    free(out);
    im->n_rows = kept;
    strindex_free(&im->by_key); /* the pending rows moved: index them again */
    for (size_t i = 0; i < kept && rc == 0; i++) {
        rc = im->rows[i].key != NULL ? strindex_put(&im->by_key, im->rows[i].key, i) : 0;
    }
    return rc;
}

static int new_row(retsim_import *im, size_t map, const import_record *res)
{
    size_t budget = im->o.buffer_rows > 0 ? im->o.buffer_rows : RETSIM_IMPORT_BUFFER_ROWS;
    if (im->n_rows >= budget) {
        int rc = spill(im);
        if (rc != 0) {
            return rc;
        }
    }
    if (im->n_rows == im->cap_rows) {
        size_t cap = im->cap_rows == 0 ? 256 : im->cap_rows * 2;
        import_row *r = realloc(im->rows, cap * sizeof *r);
        if (r == NULL) {
            return RETSIM_ENOMEM;
        }
        im->rows = r;
        im->cap_rows = cap;
    }
    import_row *w = &im->rows[im->n_rows];
    *w = (import_row){.t = res->t, .seq = im->next_seq++, .map = map};
    w->sub = strdup(res->sub);
    w->name = strdup(res->name);
    w->parent = strdup(res->parent);
    const char *key = res->key;
    w->key = key[0] != '\0' ? strdup(key) : NULL;
    w->options = res->options[0] != '\0' ? join_options(im->maps[map].options, res->options) : NULL;
    im->n_rows++;
    if (w->sub == NULL || w->name == NULL || w->parent == NULL || (key[0] != '\0' && w->key == NULL) ||
        (res->options[0] != '\0' && w->options == NULL)) {
        return RETSIM_ENOMEM;
    }
    return key[0] != '\0' ? strindex_put(&im->by_key, key, im->n_rows - 1) : 0;
}

bool retsim_import_maps_kind(const retsim_import *im, const char *kind)
{
    for (size_t i = 0; i < im->n_maps; i++) {
        if (strcmp(im->maps[i].kind, kind) == 0) {
            return true;
        }
    }
    return false;
}

/* Is the record's kind one of those asked for (all when none are)? */
static bool kind_wanted(const retsim_import *im, const char *kind)
{
    for (size_t i = 0; i < im->o.n_kinds; i++) {
        if (strcmp(im->o.kinds[i], kind) == 0) {
            return true;
        }
    }
    return im->o.n_kinds == 0;
}

int retsim_import_add(retsim_import *im, const import_record *r, uint64_t recno, const char *path,
                      retsim_error *err)
{
    im->st.records++;
    if (r->bad != NULL) {
        return bad(err, path, recno, r->bad_field, r->bad);
    }
    size_t map = map_find(im, r->operation);
    if (map == SIZE_MAX) {
        count_unknown(im, r->operation);
        return 0;
    }
    if (r->late_bad != NULL) {
        return bad(err, path, recno, r->late_field, r->late_bad);
    }
    if (!kind_wanted(im, im->maps[map].kind)) {
        im->st.other_kinds++;
        return 0;
    }
    size_t at = r->key[0] != '\0' ? strindex_get(&im->by_key, r->key) : SIZE_MAX;
    if (at == SIZE_MAX && r->key[0] != '\0' &&
        retsim_import_hashes_get(&im->written, retsim_import_hash(r->key)) >= 0) {
        im->st.collapsed++; /* its request's row is in a run already, final: kept as it was */
        im->st.late++;
        return 0;
    }
    if (at == SIZE_MAX) {
        int rc = new_row(im, map, r);
        if (rc != 0) {
            return retsim_error_set(err, rc, path, 0, "",
                                    rc == RETSIM_EIO ? "cannot write a temporary file" : "out of memory");
        }
        at = im->n_rows - 1;
    } else {
        im->st.collapsed++;
        im->rows[at].t = r->t < im->rows[at].t ? r->t : im->rows[at].t;
    }
    set_outcome(&im->rows[at], r);
    return 0;
}

/* ---- sort, restores, write ---- */

typedef struct writer {
    retsim_import *im;
    FILE *out;
    import_hashes deleted; /* per name (hash of kind, subscription, parent, name): 1 soft-deleted */
} writer;

/* One row, in time order: a create_or_restore on a name whose last
 * successful request was a delete (soft-deleted) is a restore; otherwise a
 * create. Then the row is written. */
static int write_row(void *ctx, const import_row *w)
{
    writer *wr = ctx;
    retsim_import *im = wr->im;
    const map_entry *m = &im->maps[w->map];
    char key[4 * RETSIM_IMPORT_FIELD_MAX];
    snprintf(key, sizeof key, "%s|%s|%s|%s", m->kind, w->sub, w->parent, w->name);
    uint64_t h = retsim_import_hash(key);
    bool gone = retsim_import_hashes_get(&wr->deleted, h) == 1;
    bool succeeded = strcmp(w->outcome, "succeeded") == 0;
    const char *op = m->op;
    if (strcmp(m->op, "create_or_restore") == 0) {
        op = gone && succeeded ? "restore" : "create";
        im->st.restores += strcmp(op, "restore") == 0;
    }
    if (succeeded && retsim_import_hashes_put(&wr->deleted, h, strcmp(op, "delete") == 0 ? 1 : 0) != 0) {
        return RETSIM_ENOMEM;
    }
    char when[40];
    retsim_time_format_iso8601(w->t, when, sizeof when);
    const char *options = w->options != NULL ? w->options : m->options;
    const char *f[] = {when, op, m->kind, w->sub, w->name, w->parent, options, w->outcome};
    retsim_csv_row(wr->out, f, 8);
    im->st.rows++;
    return 0;
}

int retsim_import_write(retsim_import *im, FILE *out, retsim_import_stats *st, retsim_error *err)
{
    retsim_import_rows_sort(im->rows, im->n_rows);
    static const char *const header[] = {"time", "op",     "kind",    "subscription",
                                         "name", "parent", "options", "recorded_outcome"};
    retsim_csv_row(out, header, 8);
    writer wr = {.im = im, .out = out};
    im->st.rows = 0;
    int rc = retsim_import_runs_merge(&im->runs, im->rows, im->n_rows, write_row, &wr);
    retsim_import_hashes_free(&wr.deleted);
    if (rc != 0) {
        return retsim_error_set(err, rc, "", 0, "",
                                rc == RETSIM_EIO ? "cannot read a temporary file back" : "out of memory");
    }
    *st = im->st;
    return 0;
}

int retsim_import_read(retsim_import *im, const char *path, retsim_error *err)
{
    FILE *in = fopen(path, "rb");
    if (in == NULL) {
        return retsim_error_set(err, RETSIM_EIO, path, 0, "", "cannot open the log");
    }
    int rc = 0;
    switch (im->o.format) {
    case RETSIM_IMPORT_AWS_CLOUDTRAIL:
        rc = retsim_import_read_cloudtrail(im, in, path, err);
        break;
    case RETSIM_IMPORT_GCP_AUDIT:
        rc = retsim_import_read_gcp(im, in, path, err);
        break;
    default:
        rc = retsim_import_read_azure(im, in, path, err);
        break;
    }
    fclose(in);
    return rc;
}
