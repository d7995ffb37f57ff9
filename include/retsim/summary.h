/* retsim/summary.h — the headline metrics of a run, one list for every output.
 *
 * Each metric is computed per kind and, when a scenario has several kinds,
 * for all kinds together ("all": counts add every kind's requests; replica-
 * hours and costs add every kind's replicas, and a kind holds replicas only
 * when it declares them: replicas_active / replicas_soft_deleted default to 0,
 * so a gallery or an image definition is not counted as a replica).
 * Counts, rates and averages cover the measured period: after the warm-up, to
 * the horizon. Values that do not exist (a recovery rate with no restores,
 * generator counts and per-intent rates in a replay) are NaN and written as
 * empty CSV cells.
 *
 * A summary is computed from a tally: the raw counts and integrals at one
 * instant. The difference of two tallies gives the metrics of the time between
 * them (the periods between policy changes); a tally of one subscription type
 * gives that type's row. */
#ifndef RETSIM_SUMMARY_H
#define RETSIM_SUMMARY_H

#include "retsim/sim.h"
#include "retsim/generator.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* X(id, column, meaning) — column names carry units where they have one. */
#define RETSIM_SUMMARY_METRICS(X)                                                                            \
    X(CREATES, "creates", "create requests")                                                                 \
    X(CREATES_OK, "creates_ok", "creates that made an instance")                                             \
    X(CONFLICTS_ACTIVE, "conflicts_active", "creates refused: the name is in use")                           \
    X(CONFLICTS_SOFT_DELETED, "conflicts_soft_deleted", "creates refused: the name is soft-deleted")         \
    X(CONFLICTS_RESERVED, "conflicts_reserved", "creates refused: the name is reserved after purge")         \
    X(CREATE_INTENTS, "create_intents", "new names + first re-create attempts")                              \
    X(INTENTS_REFUSED, "intents_refused", "create intents refused at their first attempt")                   \
    X(NAME_CONFLICT_RATE, "name_conflict_rate", "intents_refused / create_intents")                          \
    X(ATTEMPT_CONFLICT_RATE, "attempt_conflict_rate",                                                        \
      "refused creates / creates (every attempt, retries too)")                                              \
    X(DELETES_SOFT, "deletes_soft", "deletes that soft-deleted")                                             \
    X(DELETES_HARD, "deletes_hard", "deletes that purged at once")                                           \
    X(DELETES_BLOCKED, "deletes_blocked", "deletes refused (children, failed provisioning)")                 \
    X(ACCIDENTAL_DELETES, "accidental_deletes", "accidental deletes that deleted")                           \
    X(ACCIDENTAL_HARD_DELETES, "accidental_hard_deletes", "... of which hard: lost at once")                 \
    X(UNNOTICED_DELETES, "unnoticed_deletes", "accidental soft deletes nobody tried to restore")             \
    X(RESTORES, "restores", "restore requests")                                                              \
    X(RESTORES_OK, "restores_ok", "restores in time")                                                        \
    X(RESTORES_EXPIRED, "restores_expired", "restores too late: the retention had run out")                  \
    X(RECOVERY_RATE, "recovery_rate", "restores_ok / restores")                                              \
    X(DATA_LOSS, "data_loss", "restores_expired + accidental_hard_deletes")                                  \
    X(PURGES_EXPLICIT, "purges_explicit", "purge requests that purged")                                      \
    X(PURGES_FORBIDDEN, "purges_forbidden", "purges refused: no permission")                                 \
    X(PURGES_PROTECTED, "purges_protected", "purges refused: purge protection")                              \
    X(PURGES_NOT_SUPPORTED, "purges_not_supported", "purges of a kind without purge")                        \
    X(PURGES_AUTOMATIC, "purges_automatic", "instances purged when retention ran out")                       \
    X(RECREATES, "recreates", "re-creates of a deleted name (first attempts)")                               \
    X(RECREATES_OK, "recreates_ok", "re-creates that got the name")                                          \
    X(RECREATES_ABANDONED, "recreates_abandoned", "re-creates given up after the retries")                   \
    X(CREATE_RETRIES, "create_retries", "re-create attempts after a refusal")                                \
    X(RECREATES_REFUSED, "recreates_refused", "re-creates refused at their first attempt")                   \
    X(RECREATE_CONFLICT_RATE, "recreate_conflict_rate", "recreates_refused / recreates")                     \
    X(RECREATE_ABANDONED_RATE, "recreate_abandoned_rate", "recreates_abandoned / recreates")                 \
    X(RECREATE_DELAY_MEAN_H, "recreate_delay_mean_h", "delete to successful re-create, mean, hours")         \
    X(RECREATE_DELAY_P50_H, "recreate_delay_p50_h", "... median, hours")                                     \
    X(RECREATE_DELAY_P90_H, "recreate_delay_p90_h", "... 90th percentile, hours")                            \
    X(RECREATE_DELAY_P99_H, "recreate_delay_p99_h", "... 99th percentile, hours")                            \
    X(DELETES_ABANDONED, "deletes_abandoned", "intentional deletes given up after the retries")              \
    X(ACTIVE_AVG, "active_avg", "ACTIVE instances, time average")                                            \
    X(ACTIVE_PEAK, "active_peak", "ACTIVE instances, most at once")                                          \
    X(SOFT_DELETED_AVG, "soft_deleted_avg", "SOFT_DELETED instances, time average")                          \
    X(SOFT_DELETED_PEAK, "soft_deleted_peak", "SOFT_DELETED instances, most at once")                        \
    X(RESERVED_AVG, "reserved_avg", "purged names inside their reservation window, time average")            \
    X(RESERVED_PEAK, "reserved_peak", "... most at once")                                                    \
    X(SOFT_DELETES_PER_DAY, "soft_deletes_per_day", "soft deletes per day")                                  \
    X(SOFT_DELETED_TIME_MEAN_H, "soft_deleted_time_mean_h",                                                  \
      "time from soft delete to restore or purge, hours")                                                    \
    X(REPLICA_HOURS_LIVE, "replica_hours_live", "replica-hours of ACTIVE instances")                         \
    X(REPLICA_HOURS_RETAINED, "replica_hours_retained", "replica-hours kept for SOFT_DELETED instances")     \
    X(COST_LIVE, "cost_live", "replica_hours_live x price + gb_months_live x GB price")                      \
    X(COST_RETAINED, "cost_retained",                                                                        \
      "replica_hours_retained x price + its GB-months x GB price, free tail excluded: what retention costs") \
    X(COST_TOTAL, "cost_total", "cost_live + cost_retained + cost_retroactive")                              \
    X(RETENTION_COST_SHARE, "retention_cost_share", "cost_retained / cost_total")                            \
    X(COST_TOTAL_PER_30D, "cost_total_per_30d", "cost_total scaled to 30 days of the measured period")       \
    X(COST_RETAINED_PER_30D, "cost_retained_per_30d", "cost_retained scaled to 30 days")                     \
    X(WARMUP_MSER5_D, "warmup_mser5_d", "warm-up MSER-5 suggests for the ACTIVE inventory, days (run only)") \
    X(GB_MONTHS_LIVE, "gb_months_live", "GB-months of ACTIVE instances' sizes (size_gb): GB-hours / 720")    \
    X(GB_MONTHS_RETAINED, "gb_months_retained",                                                              \
      "GB-months of SOFT_DELETED instances' sizes, the late phase included")                                 \
    X(COST_GRACE, "cost_grace", "the late phase's share of cost_retained (grace phase; 0 for a free tail)")  \
    X(COST_RETROACTIVE, "cost_retroactive",                                                                  \
      "restored instances' soft-deleted time billed as live (bill_restored_retroactive)")                    \
    X(RESTORES_NAME_TAKEN, "restores_name_taken", "restores refused: a live instance holds the name")

typedef enum {
#define RETSIM_X_(id, column, meaning) RETSIM_M_##id,
    RETSIM_SUMMARY_METRICS(RETSIM_X_)
#undef RETSIM_X_
        RETSIM_M_COUNT
} retsim_metric;

const char *retsim_metric_name(retsim_metric m);
const char *retsim_metric_meaning(retsim_metric m);

typedef struct retsim_summary {
    int n_rows; /* kinds, plus "all" when there are several */
    char kind[RETSIM_MAX_KINDS + 1][RETSIM_KIND_NAME_MAX];
    double value[RETSIM_MAX_KINDS + 1][RETSIM_M_COUNT];
    double measured_ms;
    char currency[RETSIM_CURRENCY_MAX]; /* of every cost: [simulation] currency */
} retsim_summary;

/* Compute from a finished simulation. g may be NULL (a replay): generator
 * metrics are then NaN. measured_ms: the length of the measured period. */
int retsim_summary_compute(retsim_summary *out, retsim_sim *sim, const retsim_generator *g,
                           double measured_ms);

/* Everything a summary is computed from, as of one instant. About 40 KB:
 * allocate it, do not put it on a thread's stack. */
typedef struct retsim_tally {
    uint64_t counts[RETSIM_MAX_KINDS][RETSIM_OP_COUNT][RETSIM_OUT_COUNT];
    retsim_sojourn sojourn[RETSIM_MAX_KINDS];
    bool has_inventory; /* false (a per-type tally): inventory, sojourn and cost metrics are NaN */
    retsim_inventory inv[RETSIM_MAX_KINDS + 1][RETSIM_INV_COUNT]; /* [RETSIM_MAX_KINDS]: all kinds */
    bool has_generator; /* false (a replay): generator metrics NaN */
    retsim_generator_stats
        gen[RETSIM_MAX_KINDS]; /* delays: recreate_delay_h[delay_from .. n_recreate_delay) */
    size_t delay_from[RETSIM_MAX_KINDS];
} retsim_tally;

/* Take a tally of the simulation now. sub_type: -1 for every subscription,
 * or an index into the scenario's [population] subscription_types (then
 * without inventory). The inventory is the sim's, since its last restart. */
void retsim_tally_take(retsim_tally *t, retsim_sim *sim, const retsim_generator *g, int sub_type);
/* t -= earlier, for every count and the generator's delays; the inventory is
 * left as it is (take it from an inventory restarted at the earlier instant:
 * peaks do not subtract). */
void retsim_tally_subtract(retsim_tally *t, const retsim_tally *earlier);
/* The summary of a tally over measured_ms. */
void retsim_summary_from_tally(retsim_summary *out, const retsim_scenario *sc, const retsim_tally *t,
                               double measured_ms);

/* summary.csv: columns scenario,replication,seed,kind, then every metric. */
void retsim_summary_write_header(FILE *out);
void retsim_summary_write_rows(FILE *out, const retsim_summary *s, const char *scenario, uint32_t replication,
                               uint64_t seed);
/* One of those rows (row: index into s->kind), with its newline. */
void retsim_summary_write_row(FILE *out, const retsim_summary *s, int row, const char *scenario,
                              uint32_t replication, uint64_t seed);
/* ",v1,v2,...": every metric of one row, without a newline (for files with
 * other leading columns). */
void retsim_summary_write_values(FILE *out, const retsim_summary *s, int row);

/* A few lines a person reads first: numbers with thousands separators,
 * costs with the currency and per 30 days. */
void retsim_summary_print(FILE *out, const retsim_summary *s);

#endif
