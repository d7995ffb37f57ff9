/* Headline metrics from the counters, the registry's inventory and the generator. */
#include "retsim/summary.h"

#include "retsim/format.h"
#include "retsim/report.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[] = {
#define RETSIM_X_(id, column, meaning) column,
    RETSIM_SUMMARY_METRICS(RETSIM_X_)
#undef RETSIM_X_
};
static const char *const meanings[] = {
#define RETSIM_X_(id, column, meaning) meaning,
    RETSIM_SUMMARY_METRICS(RETSIM_X_)
#undef RETSIM_X_
};

const char *retsim_metric_name(retsim_metric m)
{
    return names[m];
}

const char *retsim_metric_meaning(retsim_metric m)
{
    return meanings[m];
}

static double ratio(double a, double b)
{
    return b > 0 ? a / b : NAN;
}

/* Outcome count of one kind, or of all (kind -1). */
static double count(const retsim_metrics *m, int n_kinds, int kind, retsim_op op, retsim_outcome o)
{
    uint64_t sum = 0;
    for (int k = kind >= 0 ? kind : 0; k < (kind >= 0 ? kind + 1 : n_kinds); k++) {
        sum += retsim_metrics_total(m, k, op, o);
    }
    return (double)sum;
}

static double op_total(const retsim_metrics *m, int n_kinds, int kind, retsim_op op)
{
    double sum = 0;
    for (int o = 0; o < RETSIM_OUT_COUNT; o++) {
        sum += count(m, n_kinds, kind, op, (retsim_outcome)o);
    }
    return sum;
}

static void delays(double *v, const retsim_generator *g, int kind, int n_kinds)
{
    size_t n = 0;
    for (int k = kind >= 0 ? kind : 0; k < (kind >= 0 ? kind + 1 : n_kinds); k++) {
        n += retsim_workload_stats_of(g, k).n_recreate_delay;
    }
    double *all = n > 0 ? malloc(n * sizeof *all) : NULL;
    v[RETSIM_M_RECREATE_DELAY_MEAN_H] = v[RETSIM_M_RECREATE_DELAY_P50_H] = NAN;
    v[RETSIM_M_RECREATE_DELAY_P90_H] = v[RETSIM_M_RECREATE_DELAY_P99_H] = NAN;
    if (all == NULL) {
        return;
    }
    size_t at = 0;
    for (int k = kind >= 0 ? kind : 0; k < (kind >= 0 ? kind + 1 : n_kinds); k++) {
        retsim_workload_stats st = retsim_workload_stats_of(g, k);
        memcpy(all + at, st.recreate_delay_h, st.n_recreate_delay * sizeof *all);
        at += st.n_recreate_delay;
    }
    gsl_sort(all, 1, n);
    v[RETSIM_M_RECREATE_DELAY_MEAN_H] = gsl_stats_mean(all, 1, n);
    v[RETSIM_M_RECREATE_DELAY_P50_H] = gsl_stats_quantile_from_sorted_data(all, 1, n, 0.5);
    v[RETSIM_M_RECREATE_DELAY_P90_H] = gsl_stats_quantile_from_sorted_data(all, 1, n, 0.9);
    v[RETSIM_M_RECREATE_DELAY_P99_H] = gsl_stats_quantile_from_sorted_data(all, 1, n, 0.99);
    free(all);
}

static void from_generator(double *v, const retsim_generator *g, int kind, int n_kinds)
{
    if (g == NULL) {
        static const retsim_metric gen[] = {RETSIM_M_ACCIDENTAL_DELETES,   RETSIM_M_ACCIDENTAL_HARD_DELETES,
                                            RETSIM_M_UNNOTICED_DELETES,    RETSIM_M_RECREATES,
                                            RETSIM_M_RECREATES_OK,         RETSIM_M_RECREATES_ABANDONED,
                                            RETSIM_M_CREATE_RETRIES,       RETSIM_M_RECREATE_DELAY_MEAN_H,
                                            RETSIM_M_RECREATE_DELAY_P50_H, RETSIM_M_RECREATE_DELAY_P90_H,
                                            RETSIM_M_RECREATE_DELAY_P99_H, RETSIM_M_DELETES_ABANDONED};
        for (size_t i = 0; i < sizeof gen / sizeof gen[0]; i++) {
            v[gen[i]] = NAN;
        }
        return;
    }
    retsim_workload_stats st = retsim_workload_stats_of(g, kind);
    v[RETSIM_M_ACCIDENTAL_DELETES] = (double)st.accidental_deletes;
    v[RETSIM_M_ACCIDENTAL_HARD_DELETES] = (double)st.accidental_hard_deletes;
    v[RETSIM_M_UNNOTICED_DELETES] = (double)st.unnoticed;
    v[RETSIM_M_RECREATES] = (double)st.recreates;
    v[RETSIM_M_RECREATES_OK] = (double)st.recreates_ok;
    v[RETSIM_M_RECREATES_ABANDONED] = (double)st.recreates_abandoned;
    v[RETSIM_M_CREATE_RETRIES] = (double)st.create_retries;
    v[RETSIM_M_DELETES_ABANDONED] = (double)st.deletes_abandoned;
    delays(v, g, kind, n_kinds);
}

static void row(retsim_summary *out, int r, retsim_sim *sim, const retsim_generator *g, int kind)
{
    const retsim_metrics *m = retsim_sim_metrics(sim);
    retsim_registry *reg = retsim_sim_registry(sim);
    const retsim_scenario *sc = retsim_sim_scenario(sim);
    int nk = sc->n_policies;
    double *v = out->value[r];
    double T = out->measured_ms;
    snprintf(out->kind[r], sizeof out->kind[r], "%s", kind >= 0 ? sc->policies[kind].kind : "all");

    v[RETSIM_M_CREATES] = op_total(m, nk, kind, RETSIM_OP_CREATE);
    v[RETSIM_M_CREATES_OK] = count(m, nk, kind, RETSIM_OP_CREATE, RETSIM_OUT_OK);
    v[RETSIM_M_CONFLICTS_ACTIVE] = count(m, nk, kind, RETSIM_OP_CREATE, RETSIM_OUT_CONFLICT_ACTIVE);
    v[RETSIM_M_CONFLICTS_SOFT_DELETED] =
        count(m, nk, kind, RETSIM_OP_CREATE, RETSIM_OUT_CONFLICT_SOFT_DELETED);
    v[RETSIM_M_CONFLICTS_RESERVED] = count(m, nk, kind, RETSIM_OP_CREATE, RETSIM_OUT_CONFLICT_RESERVED);
    v[RETSIM_M_NAME_CONFLICT_RATE] = ratio(v[RETSIM_M_CONFLICTS_ACTIVE] + v[RETSIM_M_CONFLICTS_SOFT_DELETED] +
                                               v[RETSIM_M_CONFLICTS_RESERVED],
                                           v[RETSIM_M_CREATES]);
    v[RETSIM_M_DELETES_SOFT] = count(m, nk, kind, RETSIM_OP_DELETE, RETSIM_OUT_SOFT_DELETED);
    v[RETSIM_M_DELETES_HARD] = count(m, nk, kind, RETSIM_OP_DELETE, RETSIM_OUT_HARD_DELETED);
    v[RETSIM_M_DELETES_BLOCKED] =
        count(m, nk, kind, RETSIM_OP_DELETE, RETSIM_OUT_BLOCKED_CHILDREN) +
        count(m, nk, kind, RETSIM_OP_DELETE, RETSIM_OUT_BLOCKED_FAILED_PROVISIONING);
    v[RETSIM_M_RESTORES] = op_total(m, nk, kind, RETSIM_OP_RESTORE);
    v[RETSIM_M_RESTORES_OK] = count(m, nk, kind, RETSIM_OP_RESTORE, RETSIM_OUT_OK);
    v[RETSIM_M_RESTORES_EXPIRED] = count(m, nk, kind, RETSIM_OP_RESTORE, RETSIM_OUT_EXPIRED);
    v[RETSIM_M_RECOVERY_RATE] = ratio(v[RETSIM_M_RESTORES_OK], v[RETSIM_M_RESTORES]);
    v[RETSIM_M_PURGES_EXPLICIT] = count(m, nk, kind, RETSIM_OP_PURGE, RETSIM_OUT_OK);
    v[RETSIM_M_PURGES_FORBIDDEN] = count(m, nk, kind, RETSIM_OP_PURGE, RETSIM_OUT_FORBIDDEN);
    v[RETSIM_M_PURGES_PROTECTED] = count(m, nk, kind, RETSIM_OP_PURGE, RETSIM_OUT_PURGE_PROTECTED);
    v[RETSIM_M_PURGES_NOT_SUPPORTED] = count(m, nk, kind, RETSIM_OP_PURGE, RETSIM_OUT_NOT_SUPPORTED);
    v[RETSIM_M_PURGES_AUTOMATIC] = count(m, nk, kind, RETSIM_OP_AUTO_PURGE, RETSIM_OUT_OK);
    from_generator(v, g, kind, nk);
    v[RETSIM_M_DATA_LOSS] =
        v[RETSIM_M_RESTORES_EXPIRED] + (g != NULL ? v[RETSIM_M_ACCIDENTAL_HARD_DELETES] : 0);

    retsim_inventory act = retsim_registry_inventory(reg, kind, RETSIM_INV_ACTIVE);
    retsim_inventory soft = retsim_registry_inventory(reg, kind, RETSIM_INV_SOFT_DELETED);
    retsim_inventory res = retsim_registry_inventory(reg, kind, RETSIM_INV_RESERVED);
    v[RETSIM_M_ACTIVE_AVG] = ratio(act.area_ms, T);
    v[RETSIM_M_ACTIVE_PEAK] = (double)act.peak;
    v[RETSIM_M_SOFT_DELETED_AVG] = ratio(soft.area_ms, T);
    v[RETSIM_M_SOFT_DELETED_PEAK] = (double)soft.peak;
    v[RETSIM_M_RESERVED_AVG] = ratio(res.area_ms, T);
    v[RETSIM_M_RESERVED_PEAK] = (double)res.peak;
    v[RETSIM_M_SOFT_DELETES_PER_DAY] = ratio(v[RETSIM_M_DELETES_SOFT], T / (double)RETSIM_MS_PER_DAY);
    retsim_sojourn so = retsim_metrics_soft_deleted_time(m, kind);
    v[RETSIM_M_SOFT_DELETED_TIME_MEAN_H] = ratio(so.sum_ms, (double)so.n * (double)RETSIM_MS_PER_HOUR);

    double live_h = 0, kept_h = 0, cost_live = 0, cost_kept = 0;
    for (int k = kind >= 0 ? kind : 0; k < (kind >= 0 ? kind + 1 : nk); k++) {
        const retsim_policy *p = retsim_registry_policy(reg, k);
        double hours_a =
            retsim_registry_inventory(reg, k, RETSIM_INV_ACTIVE).area_ms / (double)RETSIM_MS_PER_HOUR;
        double hours_s =
            retsim_registry_inventory(reg, k, RETSIM_INV_SOFT_DELETED).area_ms / (double)RETSIM_MS_PER_HOUR;
        double a = hours_a * p->regions * p->replicas_active;
        double s = hours_s * p->regions * p->replicas_soft_deleted;
        live_h += a;
        kept_h += s;
        cost_live += a * p->price_per_replica_hour;
        cost_kept += s * p->price_per_replica_hour;
    }
    v[RETSIM_M_REPLICA_HOURS_LIVE] = live_h;
    v[RETSIM_M_REPLICA_HOURS_RETAINED] = kept_h;
    v[RETSIM_M_COST_LIVE] = cost_live;
    v[RETSIM_M_COST_RETAINED] = cost_kept;
    v[RETSIM_M_COST_TOTAL] = cost_live + cost_kept;
    v[RETSIM_M_RETENTION_COST_SHARE] = ratio(cost_kept, cost_live + cost_kept);
    /* a planner budgets by the month: the measured period's cost at 30 days' length */
    double months = T / (30.0 * (double)RETSIM_MS_PER_DAY);
    v[RETSIM_M_COST_TOTAL_PER_30D] = ratio(cost_live + cost_kept, months);
    v[RETSIM_M_COST_RETAINED_PER_30D] = ratio(cost_kept, months);
    v[RETSIM_M_WARMUP_MSER5_D] = NAN; /* a run fills it in from its samples */
}

int retsim_summary_compute(retsim_summary *out, retsim_sim *sim, const retsim_generator *g,
                           double measured_ms)
{
    const retsim_scenario *sc = retsim_sim_scenario(sim);
    memset(out, 0, sizeof *out);
    out->measured_ms = measured_ms;
    snprintf(out->currency, sizeof out->currency, "%s", sc->settings.currency);
    for (int k = 0; k < sc->n_policies; k++) {
        row(out, out->n_rows++, sim, g, k);
    }
    if (sc->n_policies > 1) {
        row(out, out->n_rows++, sim, g, -1);
    }
    return 0;
}

const char *retsim_summary_format(double v, char *buf, size_t size)
{
    if (isnan(v)) {
        buf[0] = '\0';
    } else if (v == floor(v) && fabs(v) < 9e15) {
        snprintf(buf, size, "%.0f", v);
    } else {
        snprintf(buf, size, "%.9g", v);
    }
    return buf;
}

void retsim_summary_write_header(FILE *out)
{
    fputs("scenario,replication,seed,kind", out);
    for (int m = 0; m < RETSIM_M_COUNT; m++) {
        fprintf(out, ",%s", names[m]);
    }
    fputc('\n', out);
}

void retsim_summary_write_row(FILE *out, const retsim_summary *s, int row, const char *scenario,
                              uint32_t replication, uint64_t seed)
{
    retsim_csv_field(out, scenario);
    fprintf(out, ",%" PRIu32 ",%" PRIu64 ",", replication, seed);
    retsim_csv_field(out, s->kind[row]);
    for (int m = 0; m < RETSIM_M_COUNT; m++) {
        char buf[64];
        fprintf(out, ",%s", retsim_summary_format(s->value[row][m], buf, sizeof buf));
    }
    fputc('\n', out);
}

void retsim_summary_write_rows(FILE *out, const retsim_summary *s, const char *scenario, uint32_t replication,
                               uint64_t seed)
{
    for (int r = 0; r < s->n_rows; r++) {
        retsim_summary_write_row(out, s, r, scenario, replication, seed);
    }
}

/* Terminal numbers: thousands separators, never e-notation. Each call
 * returns its own buffer of the line being printed (slots 0..7). */
typedef struct numbers {
    char buf[8][RETSIM_FORMAT_MAX];
} numbers;

static const char *num(numbers *n, int slot, double v, int decimals)
{
    return retsim_format_number(v, decimals, n->buf[slot], sizeof n->buf[slot]);
}

static void print_costs(FILE *out, const retsim_summary *s, const double *v)
{
    numbers n;
    fprintf(out, "  replica-hours live %s, retained %s\n", num(&n, 0, v[RETSIM_M_REPLICA_HOURS_LIVE], 0),
            num(&n, 1, v[RETSIM_M_REPLICA_HOURS_RETAINED], 0));
    fprintf(out, "  cost %s %s, of which retention %s %s (share %s)\n", num(&n, 2, v[RETSIM_M_COST_TOTAL], 2),
            s->currency, num(&n, 3, v[RETSIM_M_COST_RETAINED], 2), s->currency,
            retsim_format_percent(v[RETSIM_M_RETENTION_COST_SHARE], n.buf[4], sizeof n.buf[4]));
    fprintf(out, "  per 30 days: cost %s %s, of which retention %s %s\n",
            num(&n, 5, v[RETSIM_M_COST_TOTAL_PER_30D], 2), s->currency,
            num(&n, 6, v[RETSIM_M_COST_RETAINED_PER_30D], 2), s->currency);
}

void retsim_summary_print(FILE *out, const retsim_summary *s)
{
    for (int r = 0; r < s->n_rows; r++) {
        const double *v = s->value[r];
        numbers n;
        fprintf(out, "%s over %s days:\n", s->kind[r],
                num(&n, 0, s->measured_ms / (double)RETSIM_MS_PER_DAY, 1));
        fprintf(out, "  creates %s; name conflicts %s (in use %s, soft-deleted %s, reserved %s)\n",
                num(&n, 1, v[RETSIM_M_CREATES], 0),
                retsim_format_percent(v[RETSIM_M_NAME_CONFLICT_RATE], n.buf[2], sizeof n.buf[2]),
                num(&n, 3, v[RETSIM_M_CONFLICTS_ACTIVE], 0),
                num(&n, 4, v[RETSIM_M_CONFLICTS_SOFT_DELETED], 0),
                num(&n, 5, v[RETSIM_M_CONFLICTS_RESERVED], 0));
        fprintf(out, "  restores %s; recovered %s; data loss %s (too late %s",
                num(&n, 0, v[RETSIM_M_RESTORES], 0),
                retsim_format_percent(v[RETSIM_M_RECOVERY_RATE], n.buf[1], sizeof n.buf[1]),
                num(&n, 2, v[RETSIM_M_DATA_LOSS], 0), num(&n, 3, v[RETSIM_M_RESTORES_EXPIRED], 0));
        if (!isnan(v[RETSIM_M_ACCIDENTAL_HARD_DELETES])) {
            fprintf(out, ", hard-deleted by accident %s", num(&n, 4, v[RETSIM_M_ACCIDENTAL_HARD_DELETES], 0));
        }
        fprintf(out, ")\n  soft-deleted on average %s (peak %s), reserved names %s (peak %s)\n",
                num(&n, 0, v[RETSIM_M_SOFT_DELETED_AVG], 1), num(&n, 1, v[RETSIM_M_SOFT_DELETED_PEAK], 0),
                num(&n, 2, v[RETSIM_M_RESERVED_AVG], 1), num(&n, 3, v[RETSIM_M_RESERVED_PEAK], 0));
        print_costs(out, s, v);
    }
}
