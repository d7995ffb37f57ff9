/* One replication's results as bytes and back (retsim/experiment.h): what
 * an MPI rank sends the root and what a shard's partial folder holds. Every
 * double goes as its 8 bytes, so a decoded summary is the same bits and the
 * outputs written from it are the same bytes as a single-process run's. */
#include "retsim/experiment.h"

#include <stdlib.h>
#include <string.h>

#define MAGIC "RSR1"
#define ORDER UINT32_C(0x01020304) /* reads back differently on a machine of the other byte order */

typedef struct out_buf {
    char *p;
    size_t len, cap;
    bool failed;
} out_buf;

static void put(out_buf *b, const void *v, size_t n)
{
    if (b->failed) {
        return;
    }
    if (b->len + n > b->cap) {
        size_t cap = b->cap == 0 ? 4096 : b->cap;
        while (cap < b->len + n) {
            cap *= 2;
        }
        char *p = realloc(b->p, cap);
        if (p == NULL) {
            b->failed = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, v, n);
    b->len += n;
}

static void put_u32(out_buf *b, uint32_t v)
{
    put(b, &v, sizeof v);
}

static void put_u64(out_buf *b, uint64_t v)
{
    put(b, &v, sizeof v);
}

static void put_f64(out_buf *b, double v)
{
    put(b, &v, sizeof v);
}

/* A string, NULL told apart from "": length + 1 (0: NULL), then the bytes. */
static void put_str(out_buf *b, const char *s)
{
    uint64_t n = s != NULL ? strlen(s) : 0;
    put_u64(b, s != NULL ? n + 1 : 0);
    if (s != NULL) {
        put(b, s, (size_t)n);
    }
}

static void put_summary(out_buf *b, const retsim_summary *s)
{
    put_u32(b, (uint32_t)s->n_rows);
    put_u32(b, RETSIM_M_COUNT);
    for (int row = 0; row < s->n_rows; row++) {
        put_str(b, s->kind[row]);
        for (int m = 0; m < RETSIM_M_COUNT; m++) {
            put_f64(b, s->value[row][m]);
        }
    }
    put_f64(b, s->measured_ms);
    put_str(b, s->currency);
}

int retsim_replication_encode(const retsim_replication *rep, char **buf, size_t *len)
{
    out_buf b = {0};
    put(&b, MAGIC, 4);
    put_u32(&b, ORDER);
    put_u64(&b, rep->events);
    put_f64(&b, rep->wall_seconds);
    put_u32(&b, rep->warmup_mser5_at_limit ? 1 : 0);
    put_summary(&b, &rep->summary);
    put_u32(&b, rep->periods != NULL ? (uint32_t)rep->periods->n : UINT32_MAX);
    for (int i = 0; rep->periods != NULL && i < rep->periods->n; i++) {
        put_u64(&b, (uint64_t)rep->periods->from_ms[i]);
        put_u64(&b, (uint64_t)rep->periods->to_ms[i]);
        put_summary(&b, &rep->periods->summary[i]);
    }
    const char *rows[] = {rep->timeseries, rep->outcomes, rep->by_type, rep->by_period};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        put_str(&b, rows[i]);
    }
    if (b.failed) {
        free(b.p);
        return RETSIM_ENOMEM;
    }
    *buf = b.p;
    *len = b.len;
    return 0;
}

typedef struct in_buf {
    const char *p;
    size_t len, at;
    const char *bad; /* why the bytes are not a record, or NULL */
} in_buf;

static void get(in_buf *b, void *v, size_t n)
{
    if (b->bad != NULL || n > b->len - b->at) {
        b->bad = b->bad != NULL ? b->bad : "the record ends early";
        memset(v, 0, n);
        return;
    }
    memcpy(v, b->p + b->at, n);
    b->at += n;
}

static uint32_t get_u32(in_buf *b)
{
    uint32_t v;
    get(b, &v, sizeof v);
    return v;
}

static uint64_t get_u64(in_buf *b)
{
    uint64_t v;
    get(b, &v, sizeof v);
    return v;
}

static double get_f64(in_buf *b)
{
    double v;
    get(b, &v, sizeof v);
    return v;
}

/* A string into a fixed buffer of size (NULL is refused there). */
static void get_fixed(in_buf *b, char *out, size_t size)
{
    uint64_t n = get_u64(b);
    if (b->bad == NULL && (n == 0 || n > size)) {
        b->bad = "a name is missing or too long";
    }
    if (b->bad != NULL) {
        out[0] = '\0';
        return;
    }
    get(b, out, (size_t)(n - 1));
    out[n - 1] = '\0';
}

/* A string of any length, malloc'd (NULL stays NULL). */
static char *get_str(in_buf *b)
{
    uint64_t n = get_u64(b);
    if (b->bad != NULL || n == 0) {
        return NULL;
    }
    if (n - 1 > b->len - b->at) {
        b->bad = "the record ends early";
        return NULL;
    }
    char *s = malloc((size_t)n);
    if (s == NULL) {
        b->bad = "out of memory";
        return NULL;
    }
    get(b, s, (size_t)(n - 1));
    s[n - 1] = '\0';
    return s;
}

static void get_summary(in_buf *b, retsim_summary *s)
{
    uint32_t rows = get_u32(b), metrics = get_u32(b);
    if (b->bad == NULL && (rows > RETSIM_MAX_KINDS + 1 || metrics != RETSIM_M_COUNT)) {
        b->bad = "its summary has another shape (a record of another retsim version?)";
    }
    if (b->bad != NULL) {
        return;
    }
    s->n_rows = (int)rows;
    for (int row = 0; row < s->n_rows; row++) {
        get_fixed(b, s->kind[row], sizeof s->kind[row]);
        for (int m = 0; m < RETSIM_M_COUNT; m++) {
            s->value[row][m] = get_f64(b);
        }
    }
    s->measured_ms = get_f64(b);
    get_fixed(b, s->currency, sizeof s->currency);
}

static void get_periods(in_buf *b, retsim_replication *rep)
{
    uint32_t n = get_u32(b);
    if (b->bad != NULL || n == UINT32_MAX) {
        return;
    }
    if (n > RETSIM_MAX_CHANGES + 1) {
        b->bad = "it holds too many periods";
        return;
    }
    rep->periods = calloc(1, sizeof *rep->periods);
    if (rep->periods == NULL) {
        b->bad = "out of memory";
        return;
    }
    rep->periods->n = (int)n;
    for (uint32_t i = 0; i < n; i++) {
        rep->periods->from_ms[i] = (retsim_time)get_u64(b);
        rep->periods->to_ms[i] = (retsim_time)get_u64(b);
        get_summary(b, &rep->periods->summary[i]);
    }
}

int retsim_replication_decode(retsim_replication *rep, const char *buf, size_t len, retsim_error *err)
{
    in_buf b = {.p = buf, .len = len};
    char magic[4];
    get(&b, magic, 4);
    if (b.bad == NULL && memcmp(magic, MAGIC, 4) != 0) {
        b.bad = "it does not start as a retsim replication record";
    }
    if (b.bad == NULL && get_u32(&b) != ORDER) {
        b.bad = "it was written on a machine of the other byte order";
    }
    rep->events = get_u64(&b);
    rep->wall_seconds = get_f64(&b);
    rep->warmup_mser5_at_limit = get_u32(&b) != 0;
    get_summary(&b, &rep->summary);
    get_periods(&b, rep);
    char **rows[] = {&rep->timeseries, &rep->outcomes, &rep->by_type, &rep->by_period};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        *rows[i] = get_str(&b);
    }
    if (b.bad == NULL && b.at != b.len) {
        b.bad = "bytes follow the record";
    }
    if (b.bad != NULL) {
        free(rep->periods);
        for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
            free(*rows[i]);
        }
        memset(rep, 0, sizeof *rep);
        return retsim_error_set(err, RETSIM_EINPUT, "", 0, "replication", "not a replication record: %s",
                                b.bad);
    }
    rep->done = true;
    return 0;
}
