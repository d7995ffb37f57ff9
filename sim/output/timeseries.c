/* timeseries.csv: header and rows, with or without the replication column. */
#include "retsim/timeseries.h"

#include "retsim/csv.h"
#include "retsim/format.h"

#include <inttypes.h>

void retsim_timeseries_write_header(FILE *out, bool replication_column)
{
    fprintf(out,
            "%stime_ms,time,kind,active,soft_deleted,reserved,replicas_live,replicas_retained,"
            "cost_live_per_hour,cost_retained_per_hour,gb_active,gb_soft_deleted\n",
            replication_column ? "replication," : "");
}

/* One row: kind k, or every kind together (k -1) of nk. */
static void write_row(FILE *out, const uint32_t *replication, retsim_time t, const char *kind,
                      const retsim_registry *reg, retsim_inventories *inv, int k, int nk)
{
    uint64_t act = retsim_inventory_get(inv, k, RETSIM_INV_ACTIVE, t).now;
    uint64_t soft = retsim_inventory_get(inv, k, RETSIM_INV_SOFT_DELETED, t).now;
    uint64_t res = retsim_inventory_get(inv, k, RETSIM_INV_RESERVED, t).now;
    double live = 0, kept = 0, cost_live = 0, cost_kept = 0;
    for (int i = k >= 0 ? k : 0; i < (k >= 0 ? k + 1 : nk); i++) {
        retsim_usage u = {(double)retsim_inventory_get(inv, i, RETSIM_INV_ACTIVE, t).now,
                          (double)retsim_inventory_get(inv, i, RETSIM_INV_SOFT_DELETED, t).now,
                          (double)retsim_inventory_get(inv, i, RETSIM_INV_LATE, t).now,
                          retsim_inventory_gb_now(inv, i, RETSIM_INV_GB_ACTIVE),
                          retsim_inventory_gb_now(inv, i, RETSIM_INV_GB_SOFT_DELETED),
                          retsim_inventory_gb_now(inv, i, RETSIM_INV_GB_LATE),
                          0,
                          0};
        retsim_cost c = retsim_inventory_cost(retsim_registry_policy(reg, i), &u);
        live += c.replicas_live;
        kept += c.replicas_retained;
        cost_live += c.cost_live;
        cost_kept += c.cost_retained;
    }
    char time[64], c1[64], c2[64], g1[64], g2[64];
    retsim_time_format(t, time, sizeof time);
    if (replication != NULL) {
        fprintf(out, "%" PRIu32 ",", *replication);
    }
    fprintf(out, "%" PRId64 ",%s,", t, time);
    retsim_csv_field(out, kind);
    fprintf(out, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.0f,%.0f,%s,%s,%s,%s\n", act, soft, res, live, kept,
            retsim_format_csv(cost_live, c1, sizeof c1), retsim_format_csv(cost_kept, c2, sizeof c2),
            retsim_format_csv(retsim_inventory_gb_now(inv, k, RETSIM_INV_GB_ACTIVE), g1, sizeof g1),
            retsim_format_csv(retsim_inventory_gb_now(inv, k, RETSIM_INV_GB_SOFT_DELETED), g2, sizeof g2));
}

void retsim_timeseries_write_sample(FILE *out, const uint32_t *replication, retsim_time t,
                                    const retsim_registry *reg, retsim_inventories *inv)
{
    int nk = retsim_registry_kinds(reg);
    for (int i = 0; i < nk; i++) {
        write_row(out, replication, t, retsim_registry_policy(reg, i)->kind, reg, inv, i, nk);
    }
    if (nk > 1) {
        write_row(out, replication, t, "all", reg, inv, -1, nk);
    }
}
