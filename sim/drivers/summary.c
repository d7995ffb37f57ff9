/* Headline metrics from the counters, the inventory and the generator. */
#include "retsim/summary.h"

#include "retsim/error.h"
#include "retsim/format.h"
#include "retsim/csv.h"

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

/* ---- tallies ---- */

/* The registry's id of population type `type` (by name), or UINT32_MAX. */
static uint32_t registry_type(const retsim_registry *reg, const retsim_scenario *sc, int type)
{
    for (uint32_t t = 0; t < retsim_registry_sub_type_count(reg); t++) {
        if (strcmp(retsim_registry_sub_type_name(reg, t), sc->population.sub_types.name[type]) == 0) {
            return t;
        }
    }
    return UINT32_MAX;
}

void retsim_tally_take(retsim_tally *t, retsim_sim *sim, const retsim_generator *g, int sub_type)
{
    const retsim_metrics *m = retsim_sim_metrics(sim);
    retsim_registry *reg = retsim_sim_registry(sim);
    const retsim_scenario *sc = retsim_sim_scenario(sim);
    uint32_t type = sub_type >= 0 ? registry_type(reg, sc, sub_type) : 0;
    memset(t, 0, sizeof *t);
    for (int k = 0; k < sc->n_policies; k++) {
        for (int op = 0; op < RETSIM_OP_COUNT; op++) {
            for (int o = 0; o < RETSIM_OUT_COUNT; o++) {
                t->counts[k][op][o] =
                    sub_type < 0 ? retsim_metrics_total(m, k, (retsim_op)op, (retsim_outcome)o)
                                 : retsim_metrics_count(m, k, (retsim_op)op, (retsim_outcome)o, type);
            }
        }
        t->sojourn[k] = retsim_metrics_soft_deleted_time(m, k);
        if (g != NULL) {
            t->gen[k] = sub_type < 0 ? retsim_generator_stats_of(g, k)
                                     : retsim_generator_stats_of_type(g, k, sub_type);
        }
    }
    t->has_generator = g != NULL;
    t->has_inventory = sub_type < 0;
    for (int k = 0; t->has_inventory && k <= sc->n_policies; k++) {
        int idx = k < sc->n_policies ? k : RETSIM_MAX_KINDS;
        for (int i = 0; i < RETSIM_INV_COUNT; i++) {
            t->inv[idx][i] = retsim_sim_inventory_now(sim, k < sc->n_policies ? k : -1, (retsim_inv)i);
        }
    }
}

static void subtract_gen(retsim_generator_stats *a, const retsim_generator_stats *b)
{
    a->arrivals -= b->arrivals;
    a->create_intents -= b->create_intents;
    a->intents_refused -= b->intents_refused;
    a->accidental_deletes -= b->accidental_deletes;
    a->accidental_hard_deletes -= b->accidental_hard_deletes;
    a->unnoticed -= b->unnoticed;
    a->recreates -= b->recreates;
    a->recreates_refused -= b->recreates_refused;
    a->recreates_ok -= b->recreates_ok;
    a->recreates_abandoned -= b->recreates_abandoned;
    a->create_retries -= b->create_retries;
    a->deletes_abandoned -= b->deletes_abandoned;
    a->no_parent -= b->no_parent;
}

void retsim_tally_subtract(retsim_tally *t, const retsim_tally *earlier)
{
    for (int k = 0; k < RETSIM_MAX_KINDS; k++) {
        for (int op = 0; op < RETSIM_OP_COUNT; op++) {
            for (int o = 0; o < RETSIM_OUT_COUNT; o++) {
                t->counts[k][op][o] -= earlier->counts[k][op][o];
            }
        }
        t->sojourn[k].n -= earlier->sojourn[k].n;
        t->sojourn[k].sum_ms -= earlier->sojourn[k].sum_ms;
        t->sojourn[k].sum_sq_ms -= earlier->sojourn[k].sum_sq_ms;
        subtract_gen(&t->gen[k], &earlier->gen[k]);
        t->delay_from[k] = earlier->gen[k].n_recreate_delay;
    }
}

/* ---- from a tally to the metrics ---- */

typedef struct span { /* the kinds a row adds up: one, or all (kind -1) */
    int from, to;
} span;

static span span_of(int kind, int n_kinds)
{
    span s = {kind >= 0 ? kind : 0, kind >= 0 ? kind + 1 : n_kinds};
    return s;
}

static double count(const retsim_tally *t, span s, retsim_op op, retsim_outcome o)
{
    uint64_t sum = 0;
    for (int k = s.from; k < s.to; k++) {
        sum += t->counts[k][op][o];
    }
    return (double)sum;
}

static double op_total(const retsim_tally *t, span s, retsim_op op)
{
    double sum = 0;
    for (int o = 0; o < RETSIM_OUT_COUNT; o++) {
        sum += count(t, s, op, (retsim_outcome)o);
    }
    return sum;
}

static void delays(double *v, const retsim_tally *t, span s)
{
    size_t n = 0;
    for (int k = s.from; k < s.to; k++) {
        n += t->gen[k].n_recreate_delay - t->delay_from[k];
    }
    double *all = n > 0 ? malloc(n * sizeof *all) : NULL;
    v[RETSIM_M_RECREATE_DELAY_MEAN_H] = v[RETSIM_M_RECREATE_DELAY_P50_H] = NAN;
    v[RETSIM_M_RECREATE_DELAY_P90_H] = v[RETSIM_M_RECREATE_DELAY_P99_H] = NAN;
    if (all == NULL) {
        return;
    }
    size_t at = 0;
    for (int k = s.from; k < s.to; k++) {
        const retsim_generator_stats *st = &t->gen[k];
        size_t len = st->n_recreate_delay - t->delay_from[k];
        if (len > 0) { /* a kind with no re-creates has no array at all */
            memcpy(all + at, st->recreate_delay_h + t->delay_from[k], len * sizeof *all);
            at += len;
        }
    }
    gsl_sort(all, 1, n);
    v[RETSIM_M_RECREATE_DELAY_MEAN_H] = gsl_stats_mean(all, 1, n);
    v[RETSIM_M_RECREATE_DELAY_P50_H] = gsl_stats_quantile_from_sorted_data(all, 1, n, 0.5);
    v[RETSIM_M_RECREATE_DELAY_P90_H] = gsl_stats_quantile_from_sorted_data(all, 1, n, 0.9);
    v[RETSIM_M_RECREATE_DELAY_P99_H] = gsl_stats_quantile_from_sorted_data(all, 1, n, 0.99);
    free(all);
}

static void from_generator(double *v, const retsim_tally *t, span s)
{
    static const retsim_metric gen[] = {RETSIM_M_CREATE_INTENTS,
                                        RETSIM_M_INTENTS_REFUSED,
                                        RETSIM_M_NAME_CONFLICT_RATE,
                                        RETSIM_M_ACCIDENTAL_DELETES,
                                        RETSIM_M_ACCIDENTAL_HARD_DELETES,
                                        RETSIM_M_UNNOTICED_DELETES,
                                        RETSIM_M_RECREATES,
                                        RETSIM_M_RECREATES_OK,
                                        RETSIM_M_RECREATES_ABANDONED,
                                        RETSIM_M_CREATE_RETRIES,
                                        RETSIM_M_RECREATES_REFUSED,
                                        RETSIM_M_RECREATE_CONFLICT_RATE,
                                        RETSIM_M_RECREATE_ABANDONED_RATE,
                                        RETSIM_M_RECREATE_DELAY_MEAN_H,
                                        RETSIM_M_RECREATE_DELAY_P50_H,
                                        RETSIM_M_RECREATE_DELAY_P90_H,
                                        RETSIM_M_RECREATE_DELAY_P99_H,
                                        RETSIM_M_DELETES_ABANDONED};
    if (!t->has_generator) {
        for (size_t i = 0; i < sizeof gen / sizeof gen[0]; i++) {
            v[gen[i]] = NAN;
        }
        return;
    }
    retsim_generator_stats st;
    memset(&st, 0, sizeof st);
    for (int k = s.from; k < s.to; k++) {
        const retsim_generator_stats *g = &t->gen[k];
        st.create_intents += g->create_intents;
        st.intents_refused += g->intents_refused;
        st.accidental_deletes += g->accidental_deletes;
        st.accidental_hard_deletes += g->accidental_hard_deletes;
        st.unnoticed += g->unnoticed;
        st.recreates += g->recreates;
        st.recreates_ok += g->recreates_ok;
        st.recreates_abandoned += g->recreates_abandoned;
        st.recreates_refused += g->recreates_refused;
        st.create_retries += g->create_retries;
        st.deletes_abandoned += g->deletes_abandoned;
    }
    v[RETSIM_M_CREATE_INTENTS] = (double)st.create_intents;
    v[RETSIM_M_INTENTS_REFUSED] = (double)st.intents_refused;
    v[RETSIM_M_NAME_CONFLICT_RATE] = ratio((double)st.intents_refused, (double)st.create_intents);
    v[RETSIM_M_ACCIDENTAL_DELETES] = (double)st.accidental_deletes;
    v[RETSIM_M_ACCIDENTAL_HARD_DELETES] = (double)st.accidental_hard_deletes;
    v[RETSIM_M_UNNOTICED_DELETES] = (double)st.unnoticed;
    v[RETSIM_M_RECREATES] = (double)st.recreates;
    v[RETSIM_M_RECREATES_OK] = (double)st.recreates_ok;
    v[RETSIM_M_RECREATES_ABANDONED] = (double)st.recreates_abandoned;
    v[RETSIM_M_CREATE_RETRIES] = (double)st.create_retries;
    v[RETSIM_M_RECREATES_REFUSED] = (double)st.recreates_refused;
    v[RETSIM_M_RECREATE_CONFLICT_RATE] = ratio((double)st.recreates_refused, (double)st.recreates);
    v[RETSIM_M_RECREATE_ABANDONED_RATE] = ratio((double)st.recreates_abandoned, (double)st.recreates);
    v[RETSIM_M_DELETES_ABANDONED] = (double)st.deletes_abandoned;
    delays(v, t, s);
}

static void from_counts(double *v, const retsim_tally *t, span s)
{
    v[RETSIM_M_CREATES] = op_total(t, s, RETSIM_OP_CREATE);
    v[RETSIM_M_CREATES_OK] = count(t, s, RETSIM_OP_CREATE, RETSIM_OUT_OK);
    v[RETSIM_M_CONFLICTS_ACTIVE] = count(t, s, RETSIM_OP_CREATE, RETSIM_OUT_CONFLICT_ACTIVE);
    v[RETSIM_M_CONFLICTS_SOFT_DELETED] = count(t, s, RETSIM_OP_CREATE, RETSIM_OUT_CONFLICT_SOFT_DELETED);
    v[RETSIM_M_CONFLICTS_RESERVED] = count(t, s, RETSIM_OP_CREATE, RETSIM_OUT_CONFLICT_RESERVED);
    v[RETSIM_M_ATTEMPT_CONFLICT_RATE] = ratio(
        v[RETSIM_M_CONFLICTS_ACTIVE] + v[RETSIM_M_CONFLICTS_SOFT_DELETED] + v[RETSIM_M_CONFLICTS_RESERVED],
        v[RETSIM_M_CREATES]);
    v[RETSIM_M_DELETES_SOFT] = count(t, s, RETSIM_OP_DELETE, RETSIM_OUT_SOFT_DELETED);
    v[RETSIM_M_DELETES_HARD] = count(t, s, RETSIM_OP_DELETE, RETSIM_OUT_HARD_DELETED);
    v[RETSIM_M_DELETES_BLOCKED] = count(t, s, RETSIM_OP_DELETE, RETSIM_OUT_BLOCKED_CHILDREN) +
                                  count(t, s, RETSIM_OP_DELETE, RETSIM_OUT_BLOCKED_FAILED_PROVISIONING);
    v[RETSIM_M_RESTORES] = op_total(t, s, RETSIM_OP_RESTORE);
    v[RETSIM_M_RESTORES_OK] = count(t, s, RETSIM_OP_RESTORE, RETSIM_OUT_OK);
    v[RETSIM_M_RESTORES_EXPIRED] = count(t, s, RETSIM_OP_RESTORE, RETSIM_OUT_EXPIRED);
    v[RETSIM_M_RECOVERY_RATE] = ratio(v[RETSIM_M_RESTORES_OK], v[RETSIM_M_RESTORES]);
    v[RETSIM_M_PURGES_EXPLICIT] = count(t, s, RETSIM_OP_PURGE, RETSIM_OUT_OK);
    v[RETSIM_M_PURGES_FORBIDDEN] = count(t, s, RETSIM_OP_PURGE, RETSIM_OUT_FORBIDDEN);
    v[RETSIM_M_PURGES_PROTECTED] = count(t, s, RETSIM_OP_PURGE, RETSIM_OUT_PURGE_PROTECTED);
    v[RETSIM_M_PURGES_NOT_SUPPORTED] = count(t, s, RETSIM_OP_PURGE, RETSIM_OUT_NOT_SUPPORTED);
    v[RETSIM_M_PURGES_AUTOMATIC] = count(t, s, RETSIM_OP_AUTO_PURGE, RETSIM_OUT_OK);
    v[RETSIM_M_RESTORES_NAME_TAKEN] = count(t, s, RETSIM_OP_RESTORE, RETSIM_OUT_NAME_TAKEN);
}

static void from_inventory(double *v, const retsim_scenario *sc, const retsim_tally *t, span s, int kind,
                           double T)
{
    const retsim_inventory *inv = t->inv[kind >= 0 ? kind : sc->n_policies > 1 ? RETSIM_MAX_KINDS : 0];
    v[RETSIM_M_ACTIVE_AVG] = ratio(inv[RETSIM_INV_ACTIVE].area_ms, T);
    v[RETSIM_M_ACTIVE_PEAK] = (double)inv[RETSIM_INV_ACTIVE].peak;
    v[RETSIM_M_SOFT_DELETED_AVG] = ratio(inv[RETSIM_INV_SOFT_DELETED].area_ms, T);
    v[RETSIM_M_SOFT_DELETED_PEAK] = (double)inv[RETSIM_INV_SOFT_DELETED].peak;
    v[RETSIM_M_RESERVED_AVG] = ratio(inv[RETSIM_INV_RESERVED].area_ms, T);
    v[RETSIM_M_RESERVED_PEAK] = (double)inv[RETSIM_INV_RESERVED].peak;
    retsim_sojourn so = {0, 0, 0};
    retsim_cost sum = {0};
    for (int k = s.from; k < s.to; k++) {
        so.n += t->sojourn[k].n;
        so.sum_ms += t->sojourn[k].sum_ms;
        /* a kind holds replicas only if it declares them (the defaults are 0), so
         * "all" adds the replicas of the kinds that have any: a gallery is none */
        retsim_usage u = retsim_inventory_usage_hours(t->inv[k]);
        retsim_cost c = retsim_inventory_cost(&sc->policies[k], &u);
        sum.replicas_live += c.replicas_live;
        sum.replicas_retained += c.replicas_retained;
        sum.cost_live += c.cost_live;
        sum.cost_retained += c.cost_retained;
        sum.gb_months_live += c.gb_months_live;
        sum.gb_months_retained += c.gb_months_retained;
        sum.cost_late += c.cost_late;
        sum.cost_retro += c.cost_retro;
    }
    double cost_kept = sum.cost_retained;
    /* with no retroactive bill, (live + retained) + 0: the total as before bills existed */
    double total = sum.cost_live + cost_kept + sum.cost_retro;
    v[RETSIM_M_SOFT_DELETED_TIME_MEAN_H] = ratio(so.sum_ms, (double)so.n * (double)RETSIM_MS_PER_HOUR);
    v[RETSIM_M_REPLICA_HOURS_LIVE] = sum.replicas_live;
    v[RETSIM_M_REPLICA_HOURS_RETAINED] = sum.replicas_retained;
    v[RETSIM_M_COST_LIVE] = sum.cost_live;
    v[RETSIM_M_COST_RETAINED] = cost_kept;
    v[RETSIM_M_COST_TOTAL] = total;
    v[RETSIM_M_RETENTION_COST_SHARE] = ratio(cost_kept, total);
    v[RETSIM_M_GB_MONTHS_LIVE] = sum.gb_months_live;
    v[RETSIM_M_GB_MONTHS_RETAINED] = sum.gb_months_retained;
    v[RETSIM_M_COST_GRACE] = sum.cost_late;
    v[RETSIM_M_COST_RETROACTIVE] = sum.cost_retro;
    /* a planner budgets by the month: the measured period's cost at 30 days' length */
    double months = T / (30.0 * (double)RETSIM_MS_PER_DAY);
    v[RETSIM_M_COST_TOTAL_PER_30D] = ratio(total, months);
    v[RETSIM_M_COST_RETAINED_PER_30D] = ratio(cost_kept, months);
    v[RETSIM_M_WARMUP_MSER5_D] = NAN; /* a run fills it in from its samples */
}

static void row(retsim_summary *out, int r, const retsim_scenario *sc, const retsim_tally *t, int kind)
{
    double *v = out->value[r];
    double T = out->measured_ms;
    span s = span_of(kind, sc->n_policies);
    snprintf(out->kind[r], sizeof out->kind[r], "%s", kind >= 0 ? sc->policies[kind].kind : "all");
    from_counts(v, t, s);
    from_generator(v, t, s);
    v[RETSIM_M_DATA_LOSS] =
        v[RETSIM_M_RESTORES_EXPIRED] + (t->has_generator ? v[RETSIM_M_ACCIDENTAL_HARD_DELETES] : 0);
    v[RETSIM_M_SOFT_DELETES_PER_DAY] = ratio(v[RETSIM_M_DELETES_SOFT], T / (double)RETSIM_MS_PER_DAY);
    if (t->has_inventory) {
        from_inventory(v, sc, t, s, kind, T);
        return;
    }
    static const retsim_metric inv[] = {RETSIM_M_ACTIVE_AVG,
                                        RETSIM_M_ACTIVE_PEAK,
                                        RETSIM_M_SOFT_DELETED_AVG,
                                        RETSIM_M_SOFT_DELETED_PEAK,
                                        RETSIM_M_RESERVED_AVG,
                                        RETSIM_M_RESERVED_PEAK,
                                        RETSIM_M_SOFT_DELETED_TIME_MEAN_H,
                                        RETSIM_M_REPLICA_HOURS_LIVE,
                                        RETSIM_M_REPLICA_HOURS_RETAINED,
                                        RETSIM_M_COST_LIVE,
                                        RETSIM_M_COST_RETAINED,
                                        RETSIM_M_COST_TOTAL,
                                        RETSIM_M_RETENTION_COST_SHARE,
                                        RETSIM_M_GB_MONTHS_LIVE,
                                        RETSIM_M_GB_MONTHS_RETAINED,
                                        RETSIM_M_COST_GRACE,
                                        RETSIM_M_COST_RETROACTIVE};
    for (size_t i = 0; i < sizeof inv / sizeof inv[0]; i++) {
        v[inv[i]] = NAN;
    }
}

void retsim_summary_from_tally(retsim_summary *out, const retsim_scenario *sc, const retsim_tally *t,
                               double measured_ms)
{
    memset(out, 0, sizeof *out);
    out->measured_ms = measured_ms;
    snprintf(out->currency, sizeof out->currency, "%s", sc->settings.currency);
    for (int k = 0; k < sc->n_policies; k++) {
        row(out, out->n_rows++, sc, t, k);
    }
    if (sc->n_policies > 1) {
        row(out, out->n_rows++, sc, t, -1);
    }
}

int retsim_summary_compute(retsim_summary *out, retsim_sim *sim, const retsim_generator *g,
                           double measured_ms)
{
    retsim_tally *t = malloc(sizeof *t);
    if (t == NULL) {
        return RETSIM_ENOMEM;
    }
    retsim_tally_take(t, sim, g, -1);
    retsim_summary_from_tally(out, retsim_sim_scenario(sim), t, measured_ms);
    free(t);
    return 0;
}

void retsim_summary_write_header(FILE *out)
{
    fputs("scenario,replication,seed,kind", out);
    for (int m = 0; m < RETSIM_M_COUNT; m++) {
        fprintf(out, ",%s", names[m]);
    }
    fputc('\n', out);
}

void retsim_summary_write_values(FILE *out, const retsim_summary *s, int row)
{
    for (int m = 0; m < RETSIM_M_COUNT; m++) {
        char buf[64];
        fprintf(out, ",%s", retsim_format_csv(s->value[row][m], buf, sizeof buf));
    }
}

void retsim_summary_write_row(FILE *out, const retsim_summary *s, int row, const char *scenario,
                              uint32_t replication, uint64_t seed)
{
    retsim_csv_field(out, scenario);
    fprintf(out, ",%" PRIu32 ",%" PRIu64 ",", replication, seed);
    retsim_csv_field(out, s->kind[row]);
    retsim_summary_write_values(out, s, row);
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
        if (!isnan(v[RETSIM_M_CREATE_INTENTS])) { /* per intent first: what a user meets */
            fprintf(out, "  create intents %s; name conflicts %s; re-creates %s: refused %s, abandoned %s\n",
                    num(&n, 0, v[RETSIM_M_CREATE_INTENTS], 0),
                    retsim_format_percent(v[RETSIM_M_NAME_CONFLICT_RATE], n.buf[1], sizeof n.buf[1]),
                    num(&n, 2, v[RETSIM_M_RECREATES], 0),
                    retsim_format_percent(v[RETSIM_M_RECREATE_CONFLICT_RATE], n.buf[3], sizeof n.buf[3]),
                    retsim_format_percent(v[RETSIM_M_RECREATE_ABANDONED_RATE], n.buf[4], sizeof n.buf[4]));
        }
        fprintf(out, "  create attempts %s; refused %s (in use %s, soft-deleted %s, reserved %s)\n",
                num(&n, 1, v[RETSIM_M_CREATES], 0),
                retsim_format_percent(v[RETSIM_M_ATTEMPT_CONFLICT_RATE], n.buf[2], sizeof n.buf[2]),
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
