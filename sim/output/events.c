/* events.csv rows. */
#include "retsim/events.h"

#include "retsim/error.h"
#include "retsim/csv.h"

#include <csv.h> /* libcsv */
#include <inttypes.h>
#include <string.h>

static const char *const header[] = {
    "time_ms",
    "time",
    "op",
    "kind",
    "subscription",
    "sub_type",
    "parent",
    "name",
    "outcome",
    "state_before",
    "state_after",
    "deletion_time_ms",
    "scheduled_purge_ms",
    "count",
    "generation",
    "reason",
    "detail",
};
enum { N_COLS = sizeof header / sizeof header[0] };

void retsim_events_write_header(FILE *out)
{
    retsim_csv_row(out, header, N_COLS);
}

/* Text built by hand into a fixed buffer, cut at size - 1 bytes as
 * snprintf would cut it: one row of events.csv costs a few hundred bytes,
 * and printf's parsing of a format was most of a replay's time. The
 * terminator is written once, by text_end, when the text is a C string (a
 * row goes to the FILE by its length and never needs one). */
typedef struct text {
    char *buf;
    size_t size, len; /* len < size always: room for the terminator */
} text;

static text text_on(char *buf, size_t size)
{
    buf[0] = '\0';
    return (text){buf, size, 0};
}

static void text_end(text *t)
{
    t->buf[t->len] = '\0';
}

static void put(text *t, const char *s, size_t n)
{
    size_t room = t->size - 1 - t->len;
    if (n > room) {
        n = room;
    }
    memcpy(t->buf + t->len, s, n);
    t->len += n;
}

static void puts_(text *t, const char *s)
{
    put(t, s, strlen(s));
}

/* How many decimal digits v has (1 for 0): the bit length times log10(2)
 * (1233 / 4096) is the count or one short, and one comparison tells which.
 * A loop over powers of ten took a dozen steps for a time in ms. */
static size_t n_digits(uint64_t v)
{
    static const uint64_t pow10[20] = {1,
                                       10,
                                       100,
                                       1000,
                                       10000,
                                       100000,
                                       1000000,
                                       10000000,
                                       100000000,
                                       1000000000,
                                       10000000000,
                                       100000000000,
                                       1000000000000,
                                       10000000000000,
                                       100000000000000,
                                       1000000000000000,
                                       10000000000000000,
                                       100000000000000000,
                                       1000000000000000000,
                                       UINT64_C(10000000000000000000)};
    unsigned bits = 64 - (unsigned)__builtin_clzll(v | 1);
    size_t n = (bits * 1233) >> 12; /* digits of 2^(bits-1), less one */
    n += v >= pow10[n];
    return n > 0 ? n : 1; /* 0 has no bits but one digit */
}

/* Two digits a step from a table (half the divisions), back to front,
 * ending just before end. */
static void digits_before(char *end, uint64_t v)
{
    static const char pairs[] =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
        "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
        "8081828384858687888990919293949596979899";
    while (v >= 100) {
        size_t k = (size_t)(v % 100) * 2;
        v /= 100;
        *--end = pairs[k + 1];
        *--end = pairs[k];
    }
    if (v >= 10) {
        *--end = pairs[v * 2 + 1];
        *--end = pairs[v * 2];
    } else {
        *--end = (char)('0' + v);
    }
}

/* Straight into the buffer when the digits fit (always, in a row), with no
 * copy from a scratch buffer. */
static void put_u64(text *t, uint64_t v)
{
    size_t n = n_digits(v);
    if (n <= t->size - 1 - t->len) {
        digits_before(t->buf + t->len + n, v);
        t->len += n;
        return;
    }
    char digits[24];
    digits_before(digits + sizeof digits, v);
    put(t, digits + sizeof digits - n, n); /* cut, as snprintf would */
}

static void put_i64(text *t, int64_t v)
{
    if (v < 0) {
        put(t, "-", 1);
        put_u64(t, (uint64_t)(-(v + 1)) + 1);
    } else {
        put_u64(t, (uint64_t)v);
    }
}

/* q units of ms at the front of *u, when q > 0; inlined with ms a constant
 * so the division is a multiplication (the loop over a table was not). */
static inline void put_unit(text *t, uint64_t *u, uint64_t ms, const char *unit, size_t len)
{
    uint64_t q = *u / ms;
    if (q > 0) {
        put_u64(t, q);
        put(t, unit, len);
        *u -= q * ms;
    }
}

/* The same text as retsim_time_format: days, hours, minutes, seconds and
 * milliseconds, each only when not zero (weeks skipped: days read better). */
static void put_duration(text *t, retsim_time v)
{
    uint64_t u = (uint64_t)v;
    if (v < 0) {
        put(t, "-", 1);
        u = (uint64_t)(-(v + 1)) + 1;
    }
    if (u == 0) {
        put(t, "0", 1);
        return;
    }
    put_unit(t, &u, (uint64_t)RETSIM_MS_PER_DAY, "d", 1);
    put_unit(t, &u, (uint64_t)RETSIM_MS_PER_HOUR, "h", 1);
    put_unit(t, &u, (uint64_t)RETSIM_MS_PER_MINUTE, "m", 1);
    put_unit(t, &u, (uint64_t)RETSIM_MS_PER_SECOND, "s", 1);
    if (u > 0) {
        put_u64(t, u);
        put(t, "ms", 2);
    }
}

static void put_time(text *t, retsim_time v, const retsim_events_clock *clock)
{
    if (clock != NULL && clock->iso) {
        char iso[64];
        retsim_time_format_iso8601(clock->origin_ms + v, iso, sizeof iso);
        puts_(t, iso);
    } else {
        put_duration(t, v);
    }
}

const char *retsim_events_time(retsim_time t, const retsim_events_clock *clock, char *buf, size_t size)
{
    text out = text_on(buf, size);
    put_time(&out, t, clock);
    text_end(&out);
    return buf;
}

/* "the name was purged from OWNER; WHO may create it from UNTIL" */
static void detail_reserved(text *t, const retsim_registry *r, const retsim_result *res,
                            const retsim_events_clock *clock, const char *owner)
{
    retsim_reason why = retsim_result_reason(res);
    puts_(t, "the name was purged from ");
    puts_(t, owner);
    puts_(t, "; ");
    puts_(t, why == RETSIM_WHY_RESERVED_FOR_NOBODY               ? "anyone"
             : why == RETSIM_WHY_RESERVED_FOR_OWNER_SUBSCRIPTION ? "other subscriptions"
                                                                 : "other tenants");
    puts_(t, " may create it from ");
    put_time(t, retsim_registry_reserved_until(r, res->slot), clock);
}

/* The facts behind a reason, in words: built only here, when rows are
 * written, never on a plain run's path. */
void retsim_events_detail(const retsim_registry *r, const retsim_result *res,
                          const retsim_events_clock *clock, char *buf, size_t size)
{
    text t = text_on(buf, size);
    const char *owner = retsim_registry_subscription_name(r, retsim_registry_slot_owner(r, res->slot));
    bool times = res->deletion_time != RETSIM_TIME_NEVER && res->scheduled_purge != RETSIM_TIME_NEVER;
    switch (retsim_result_reason(res)) {
    case RETSIM_WHY_SOFT_DELETE_ON:
        puts_(&t, "soft-deleted at ");
        put_time(&t, res->deletion_time, clock);
        puts_(&t, ", kept ");
        put_duration(&t, res->scheduled_purge - res->deletion_time);
        puts_(&t, ": restorable until ");
        put_time(&t, res->scheduled_purge, clock);
        break;
    case RETSIM_WHY_HELD_WHILE_SOFT_DELETED:
    case RETSIM_WHY_BEING_DELETED:
        puts_(&t, owner);
        puts_(&t, "'s instance was soft-deleted at ");
        times ? put_time(&t, res->deletion_time, clock) : puts_(&t, "?");
        puts_(&t, " and holds the name; it is purged at ");
        times ? put_time(&t, res->scheduled_purge, clock) : puts_(&t, "?");
        break;
    case RETSIM_WHY_HELD_BY_OTHER_SUBSCRIPTION:
        puts_(&t, owner);
        puts_(&t, " holds a live instance under this name");
        break;
    case RETSIM_WHY_RESERVED_FOREVER:
        puts_(&t, "the name was released by ");
        puts_(&t, owner);
        puts_(&t, " and is never free again");
        break;
    case RETSIM_WHY_RESERVED_FOR_OWNER_SUBSCRIPTION:
    case RETSIM_WHY_RESERVED_FOR_OWNER_TENANT:
    case RETSIM_WHY_RESERVED_FOR_NOBODY:
        detail_reserved(&t, r, res, clock, owner);
        break;
    case RETSIM_WHY_RETENTION_ENDED:
    case RETSIM_WHY_GRACE_ENDED:
    case RETSIM_WHY_DATA_PURGED:
    case RETSIM_WHY_WITHIN_RETENTION:
    case RETSIM_WHY_WITHIN_GRACE:
        if (times) {
            puts_(&t, "soft-deleted at ");
            put_time(&t, res->deletion_time, clock);
            puts_(&t, ", purge due at ");
            put_time(&t, res->scheduled_purge, clock);
            puts_(&t, " (after ");
            put_duration(&t, res->scheduled_purge - res->deletion_time);
            puts_(&t, ")");
        }
        break;
    default:
        break;
    }
    text_end(&t);
}

/* A row on its way to the FILE: built in memory, written with one fwrite. */
typedef struct row {
    FILE *out;
    text t;
} row;

static void row_flush(row *w)
{
    fwrite(w->t.buf, 1, w->t.len, w->out);
    w->t.len = 0;
}

static bool edge_space(char c)
{
    return c == ' ' || c == '\t';
}

/* ",field" for s[0..n) as retsim_csv_field writes it: bare when plain,
 * quoted by libcsv when not (details hold commas); a field too long for
 * the buffer goes straight to the FILE after the row so far. */
static void row_put_field(row *w, const char *s, size_t n, bool plain)
{
    if (w->t.len + 1 + (plain ? n : 2 * n + 2) >= w->t.size) {
        row_flush(w);
    }
    put(&w->t, ",", 1);
    size_t room = w->t.size - 1 - w->t.len;
    if (plain && n <= room) {
        put(&w->t, s, n);
    } else if (!plain && 2 * n + 2 <= room) { /* at worst every byte a doubled quote */
        w->t.len += csv_write(w->t.buf + w->t.len, room, s, n);
    } else {
        row_flush(w);
        retsim_csv_field(w->out, s);
    }
}

/* Whether s (n bytes up to the first that needs quotes) may go bare: one
 * strcspn finds both the end and any , " CR LF, no strlen before it. */
static void row_field(row *w, const char *s)
{
    size_t n = strcspn(s, ",\"\r\n");
    bool plain = s[n] == '\0' && !(n > 0 && (edge_space(s[0]) || edge_space(s[n - 1])));
    if (s[n] != '\0') {
        n += strlen(s + n);
    }
    row_put_field(w, s, n, plain);
}

void retsim_events_write_row(FILE *out, const retsim_registry *r, const retsim_result *res)
{
    retsim_events_write_row_at(out, r, res, NULL);
}

/* The number fields of a row, in order: time_ms and time. */
static void row_times(row *w, const retsim_result *res, const retsim_events_clock *clock)
{
    put_i64(&w->t, res->time);
    put(&w->t, ",", 1);
    put_time(&w->t, res->time, clock);
}

static void row_ms_or_empty(row *w, retsim_time t)
{
    put(&w->t, ",", 1);
    if (t != RETSIM_TIME_NEVER) {
        put_i64(&w->t, t);
    }
}

void retsim_events_write_row_at(FILE *out, const retsim_registry *r, const retsim_result *res,
                                const retsim_events_clock *clock)
{
    char buf[4096], parent[1024], detail[512], name[RETSIM_REGISTRY_NAME_MAX];
    row w = {out, text_on(buf, sizeof buf)};
    row_times(&w, res, clock); /* at most about 90 bytes: no flush needed before */
    row_field(&w, retsim_op_name(res->op));
    row_field(&w, retsim_registry_policy(r, res->kind)->kind);
    row_field(&w, retsim_registry_subscription_name(r, res->sub));
    row_field(&w, retsim_registry_sub_type_name(r, retsim_registry_sub_type(r, res->sub)));
    row_field(&w, retsim_registry_parent_path(r, res->slot, parent, sizeof parent));
    row_field(&w, retsim_registry_slot_name(r, res->slot, name, sizeof name));
    row_field(&w, retsim_outcome_name(res->outcome));
    row_field(&w, res->named ? retsim_state_name(res->before) : "");
    row_field(&w, res->named ? retsim_state_name(res->after) : "");
    if (w.t.len + 100 >= w.t.size) {
        row_flush(&w);
    }
    row_ms_or_empty(&w, res->deletion_time);
    row_ms_or_empty(&w, res->scheduled_purge);
    put(&w.t, ",", 1);
    put_u64(&w.t, res->count);
    put(&w.t, ",", 1);
    if (res->generation != 0) { /* kinds whose names hold one instance at a time leave it empty */
        put_u64(&w.t, res->generation);
    }
    row_field(&w, retsim_reason_name(retsim_result_reason(res)));
    retsim_events_detail(r, res, clock, detail, sizeof detail);
    row_field(&w, detail);
    put(&w.t, "\n", 1);
    row_flush(&w);
}

int retsim_events_observer(void *ctx, const retsim_registry *r, const retsim_result *res)
{
    FILE *out = ctx;
    retsim_events_write_row(out, r, res);
    return ferror(out) ? RETSIM_EIO : 0;
}

int retsim_events_sink_observer(void *ctx, const retsim_registry *r, const retsim_result *res)
{
    const retsim_events_sink *sink = ctx;
    retsim_events_write_row_at(sink->out, r, res, sink->clock);
    return ferror(sink->out) ? RETSIM_EIO : 0;
}
