/* retsim/scenario.h — a scenario: the typed, validated content of an INI file.
 *
 * Sections (every key is listed with its meaning in scenarios/README.md):
 *   [scenario]          name, description
 *   [policy.<kind>]     the retention rules and cost of one resource kind
 *   [simulation]        horizon, seed, sample_every, warmup   (retsim run)
 *   [population]        subscriptions, tenants, types, regions, API versions
 *   [workload.<kind>]   how users create, delete, restore, purge, re-create
 *   [change.<label>]    a policy change at a time inside the run
 *   [run]               written into manifests; ignored when read
 * Unknown sections or keys, bad values and duplicate keys are errors that
 * name the file, line and key. Ownership: _load allocates, _destroy frees
 * (including empirical samples). Thread safety: a loaded scenario is
 * read-only and may be shared by simulations running in parallel. */
#ifndef RETSIM_SCENARIO_H
#define RETSIM_SCENARIO_H

#include "retsim/dist.h"
#include "retsim/error.h"
#include "retsim/policy.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define RETSIM_MAX_CHOICES 16
#define RETSIM_MAX_CHANGES 32
#define RETSIM_TEXT_MAX    192
/* [simulation] currency: what price_per_replica_hour and every cost are in.
 * The default is USD, the currency Azure publishes list prices in; the
 * bundled prices are illustrative assumptions either way. */
#define RETSIM_CURRENCY_MAX     16
#define RETSIM_CURRENCY_DEFAULT "USD"

/* An events-per-time rate as written: "1000/d", "1/365d", "0.5/h". */
typedef struct retsim_rate {
    double per_ms;
    char text[48];
} retsim_rate;

/* A weighted choice as written: "ea:0.6, payg:0.3, free:0.1". */
typedef struct retsim_choices {
    int n;
    char name[RETSIM_MAX_CHOICES][RETSIM_KIND_NAME_MAX];
    double weight[RETSIM_MAX_CHOICES]; /* normalised to sum 1 */
    char text[RETSIM_TEXT_MAX];
} retsim_choices;

/* Relative weights over hours of the day (24) or days of the week (7). */
typedef struct retsim_profile {
    int n; /* 0: flat */
    double weight[24];
    double max; /* the largest weight over the mean: the thinning bound */
    char text[RETSIM_TEXT_MAX];
} retsim_profile;

typedef struct retsim_settings {
    retsim_time horizon;
    uint64_t seed;
    retsim_time sample_every;
    retsim_time warmup;
    double scale; /* multiplies every arrival rate */
    char currency[RETSIM_CURRENCY_MAX];
} retsim_settings;

typedef struct retsim_population {
    int subscriptions;
    int tenants; /* 0: every subscription is its own tenant */
    retsim_choices sub_types;
    retsim_choices regions;      /* weights unused: home regions are drawn uniformly */
    retsim_choices api_versions; /* names are versions, "current" for the newest */
} retsim_population;

/* What users of one kind do. */
typedef struct retsim_workload {
    bool enabled;
    retsim_rate arrivals;           /* new names, Poisson */
    retsim_profile daily;           /* optional shape over the day (UTC hours) */
    retsim_profile weekly;          /* optional shape over the week, Monday first */
    int per_parent;                 /* created with every new parent instance */
    retsim_dist lifetime;           /* NONE: never deleted on purpose */
    retsim_rate accidental_deletes; /* per active instance */
    double notice_probability;
    retsim_dist restore_delay;
    double purge_probability;
    retsim_dist purge_delay;
    double purge_permission_probability;
    double recreate_probability;
    retsim_dist recreate_delay;
    double recreate_other_subscription_probability;
    retsim_time retry_interval;
    int retry_limit;
    double soft_delete_on_probability; /* <0: do not set the instance switch at create */
    double failed_provisioning_probability;
    /* The rules of issue 12 (each draws nothing while at its default): */
    retsim_dist delete_retention;    /* retention a delete asks for (retention_set_at = delete); NONE: none */
    retsim_dist create_retention;    /* retention a create sets (retention_set_at = create); NONE: none */
    double force_delete_probability; /* an intentional delete is force=true */
    double restore_permission_probability; /* a restore holds the restore permission (default 1) */
    /* sizes of the kind's new instances (key `size`, written in GB), held as
     * 1000 units per GB: a draw / 1000 is GB; NONE: no size. Never empirical. */
    retsim_dist size;
    retsim_rate overwrites; /* per active instance: its owner creates it again (`updated`); 0: none */
} retsim_workload;

typedef struct retsim_change {
    char label[RETSIM_KIND_NAME_MAX];
    char kind_name[RETSIM_KIND_NAME_MAX];
    int kind;
    retsim_time at;
    retsim_policy_change change;
} retsim_change;

typedef struct retsim_scenario {
    char path[256];
    char dir[256]; /* folder of the file: empirical(...) paths are relative to it */
    char name[64];
    char description[256];
    retsim_policy policies[RETSIM_MAX_KINDS];
    retsim_workload workloads[RETSIM_MAX_KINDS]; /* by kind index */
    int n_policies;
    retsim_settings settings;
    retsim_population population;
    retsim_change changes[RETSIM_MAX_CHANGES];
    int n_changes;
    long reservation_line[RETSIM_MAX_KINDS]
                         [RETSIM_MAX_RESERVATIONS]; /* of policies[k].reservations[r]; 0: --set */
} retsim_scenario;

/* Read and validate a scenario file. */
int retsim_scenario_load(const char *path, retsim_scenario **out, retsim_error *err);
/* The same from text in memory (tests); `path` only names it in errors. */
int retsim_scenario_load_string(const char *text, const char *path, retsim_scenario **out, retsim_error *err);
void retsim_scenario_destroy(retsim_scenario *s); /* NULL-safe */

/* A deep copy (empirical samples included): changing it leaves s alone. NULL when out of memory. */
retsim_scenario *retsim_scenario_clone(const retsim_scenario *s);

/* Apply one override "section.key=value" (for --set), then re-validate; on
 * error nothing changes. Examples: "policy.apim.retention=7d",
 * "workload.apim.arrivals=500/d", "simulation.horizon=30d". */
int retsim_scenario_set(retsim_scenario *s, const char *assignment, retsim_error *err);
/* Apply n overrides, then validate once: their order never matters
 * (horizon=3d then warmup=0 is as good as the other way round). Spaces around
 * '=' are trimmed. On error nothing changes; err names the override. */
int retsim_scenario_set_all(retsim_scenario *s, const char *const *assignments, int n, retsim_error *err);

/* For a scenario whose workload retsim generates (run, sweep, compare): every
 * reservation.<type> must name one of [population] subscription_types, or it
 * silently never applies. RETSIM_EINPUT naming the file and line (or --set).
 * A replay takes its types from the trace instead: see retsim_replay_stats. */
int retsim_scenario_check_generated(const retsim_scenario *s, retsim_error *err);

/* Index of a kind, or -1. O(number of kinds). */
int retsim_scenario_kind(const retsim_scenario *s, const char *kind);

/* Does the scenario describe a workload to generate (any [workload.*])? */
bool retsim_scenario_has_workload(const retsim_scenario *s);

/* Write the resolved scenario as INI: every key with its effective value. */
int retsim_scenario_write(const retsim_scenario *s, FILE *out);

#endif
