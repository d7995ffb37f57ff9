/* events.csv rows. */
#include "retsim/events.h"

#include "retsim/error.h"
#include "retsim/csv.h"

#include <inttypes.h>

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

static const char *ms_or_empty(retsim_time t, char *buf, size_t size)
{
    if (t == RETSIM_TIME_NEVER) {
        buf[0] = '\0';
    } else {
        snprintf(buf, size, "%" PRId64, t);
    }
    return buf;
}

const char *retsim_events_time(retsim_time t, const retsim_events_clock *clock, char *buf, size_t size)
{
    if (clock != NULL && clock->iso) {
        retsim_time_format_iso8601(clock->origin_ms + t, buf, size);
    } else {
        retsim_time_format(t, buf, size);
    }
    return buf;
}

/* The facts behind a reason, in words: built only here, when rows are
 * written, never on a plain run's path. */
void retsim_events_detail(const retsim_registry *r, const retsim_result *res,
                          const retsim_events_clock *clock, char *buf, size_t size)
{
    char a[64], b[64], d[64];
    buf[0] = '\0';
    const char *owner = retsim_registry_subscription_name(r, retsim_registry_slot_owner(r, res->slot));
    bool times = res->deletion_time != RETSIM_TIME_NEVER && res->scheduled_purge != RETSIM_TIME_NEVER;
    if (times) {
        retsim_events_time(res->deletion_time, clock, a, sizeof a);
        retsim_events_time(res->scheduled_purge, clock, b, sizeof b);
        retsim_time_format(res->scheduled_purge - res->deletion_time, d, sizeof d);
    }
    switch (retsim_result_reason(res)) {
    case RETSIM_WHY_SOFT_DELETE_ON:
        snprintf(buf, size, "soft-deleted at %s, kept %s: restorable until %s", a, d, b);
        break;
    case RETSIM_WHY_HELD_WHILE_SOFT_DELETED:
    case RETSIM_WHY_BEING_DELETED:
        snprintf(buf, size, "%s's instance was soft-deleted at %s and holds the name; it is purged at %s",
                 owner, times ? a : "?", times ? b : "?");
        break;
    case RETSIM_WHY_HELD_BY_OTHER_SUBSCRIPTION:
        snprintf(buf, size, "%s holds a live instance under this name", owner);
        break;
    case RETSIM_WHY_RESERVED_FOREVER:
        snprintf(buf, size, "the name was released by %s and is never free again", owner);
        break;
    case RETSIM_WHY_RESERVED_FOR_OWNER_SUBSCRIPTION:
    case RETSIM_WHY_RESERVED_FOR_OWNER_TENANT:
    case RETSIM_WHY_RESERVED_FOR_NOBODY:
        snprintf(buf, size, "the name was purged from %s; %s may create it from %s", owner,
                 retsim_result_reason(res) == RETSIM_WHY_RESERVED_FOR_NOBODY ? "anyone"
                 : retsim_result_reason(res) == RETSIM_WHY_RESERVED_FOR_OWNER_SUBSCRIPTION
                     ? "other subscriptions"
                     : "other tenants",
                 retsim_events_time(retsim_registry_reserved_until(r, res->slot), clock, d, sizeof d));
        break;
    case RETSIM_WHY_RETENTION_ENDED:
    case RETSIM_WHY_GRACE_ENDED:
    case RETSIM_WHY_DATA_PURGED:
    case RETSIM_WHY_WITHIN_RETENTION:
    case RETSIM_WHY_WITHIN_GRACE:
        if (times) {
            snprintf(buf, size, "soft-deleted at %s, purge due at %s (after %s)", a, b, d);
        }
        break;
    default:
        break;
    }
}

void retsim_events_write_row(FILE *out, const retsim_registry *r, const retsim_result *res)
{
    retsim_events_write_row_at(out, r, res, NULL);
}

void retsim_events_write_row_at(FILE *out, const retsim_registry *r, const retsim_result *res,
                                const retsim_events_clock *clock)
{
    char time_ms[24], time[64], del[24], purge[24], count[16], parent[1024], generation[16] = "", detail[512];
    snprintf(time_ms, sizeof time_ms, "%" PRId64, res->time);
    retsim_events_time(res->time, clock, time, sizeof time);
    snprintf(count, sizeof count, "%" PRIu32, res->count);
    if (res->generation != 0) { /* kinds whose names hold one instance at a time leave it empty */
        snprintf(generation, sizeof generation, "%" PRIu32, res->generation);
    }
    retsim_events_detail(r, res, clock, detail, sizeof detail);
    const char *row[N_COLS] = {
        time_ms,
        time,
        retsim_op_name(res->op),
        retsim_registry_policy(r, res->kind)->kind,
        retsim_registry_subscription_name(r, res->sub),
        retsim_registry_sub_type_name(r, retsim_registry_sub_type(r, res->sub)),
        retsim_registry_parent_path(r, res->slot, parent, sizeof parent),
        retsim_registry_slot_name(r, res->slot),
        retsim_outcome_name(res->outcome),
        res->named ? retsim_state_name(res->before) : "",
        res->named ? retsim_state_name(res->after) : "",
        ms_or_empty(res->deletion_time, del, sizeof del),
        ms_or_empty(res->scheduled_purge, purge, sizeof purge),
        count,
        generation,
        retsim_reason_name(retsim_result_reason(res)),
        detail,
    };
    retsim_csv_row(out, row, N_COLS);
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
