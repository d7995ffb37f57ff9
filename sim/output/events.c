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

void retsim_events_write_row(FILE *out, const retsim_registry *r, const retsim_result *res)
{
    retsim_events_write_row_at(out, r, res, NULL);
}

void retsim_events_write_row_at(FILE *out, const retsim_registry *r, const retsim_result *res,
                                const retsim_events_clock *clock)
{
    char time_ms[24], time[64], del[24], purge[24], count[16], parent[1024], generation[16] = "";
    snprintf(time_ms, sizeof time_ms, "%" PRId64, res->time);
    if (clock != NULL && clock->iso) {
        retsim_time_format_iso8601(clock->origin_ms + res->time, time, sizeof time);
    } else {
        retsim_time_format(res->time, time, sizeof time);
    }
    snprintf(count, sizeof count, "%" PRIu32, res->count);
    if (res->generation != 0) { /* kinds whose names hold one instance at a time leave it empty */
        snprintf(generation, sizeof generation, "%" PRIu32, res->generation);
    }
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
