/* retsim/generator.h — the workload generator: generated users, driven by the kernel, reacting to outcomes.
 *
 * For each kind with a [workload.<kind>] section:
 *   - new names arrive as a Poisson process (optionally shaped by a daily and
 *     weekly profile, by thinning), each owned by a uniformly chosen
 *     subscription (a child kind: by the owner of a uniformly chosen active
 *     parent); per_parent children are created with every new parent;
 *   - an instance lives for `lifetime`, then its owner deletes it on purpose;
 *   - accidental deletes strike at `accidental_deletes` per active instance;
 *     with `notice_probability` the owner restores after `restore_delay`. A
 *     restore in time keeps the original end of life (deleting at once if it
 *     has passed); a late one is data loss (`expired`), as is an accidental
 *     hard delete;
 *   - after an intentional delete: an explicit purge with purge_probability
 *     after purge_delay (holding the permission with its probability), and,
 *     independently, a re-create of the same name with recreate_probability
 *     after recreate_delay, from another subscription with its probability;
 *     a refused re-create is retried every retry_interval up to retry_limit
 *     times, then abandoned; a successful one starts a fresh lifecycle;
 *   - a refused intentional delete (blocked) is retried likewise;
 *   - the rules of issue 12, each only where its key is set: every delete asks
 *     for a retention drawn from delete_retention and every create (first and
 *     re-create) sets one from create_retention (the kind must take it there,
 *     retention_set_at, and the value must lie in its range, else the registry
 *     answers `rejected`); an intentional delete is force=true with
 *     force_delete_probability; a restore holds the restore permission with
 *     restore_permission_probability (default 1: always);
 *   - [change.*] sections become kind-wide set_policy requests at their time.
 * Every request goes through the registry exactly as a replayed one does.
 *
 * Randomness: every draw comes from its own keyed stream (retsim/rng.h): the
 * entity is the lifecycle (arrival number, re-create generation), so the
 * workload one policy sees is the workload another sees (common random
 * numbers) up to where their outcomes differ.
 *
 * Costs: O(1) work and O(1) kernel events per operation; memory: one 64-byte
 * lifecycle record per instance the generator still acts on.
 * Names: a [workload.<kind>] section is a retsim_workload (retsim/scenario.h),
 * configuration only; the retsim_generator plays those sections and has the
 * retsim_generator_* functions; what it counted is a retsim_generator_stats.
 * Ownership: the generator borrows the sim and scenario, which must outlive it. */
#ifndef RETSIM_GENERATOR_H
#define RETSIM_GENERATOR_H

#include "retsim/scenario.h"
#include "retsim/sim.h"

#include <stdint.h>
#include <stdio.h>

typedef struct retsim_generator retsim_generator;

/* Counts the registry does not see: what users intended and gave up on. */
typedef struct retsim_generator_stats {
    uint64_t arrivals; /* new names created by arrivals or with a parent */
    /* Create intents: every new name's create, and the first attempt of every
     * re-create; retries of a refused re-create are attempts, not intents. */
    uint64_t create_intents;
    uint64_t intents_refused;         /* ... refused (a name conflict) at their first attempt */
    uint64_t accidental_deletes;      /* accidental delete requests that deleted */
    uint64_t accidental_hard_deletes; /* ... of which hard: lost at once */
    uint64_t unnoticed;               /* accidental soft deletes nobody restored */
    uint64_t recreates;               /* re-creates: first attempts issued */
    uint64_t recreates_refused;       /* ... refused (a name conflict) */
    uint64_t recreates_ok;
    uint64_t recreates_abandoned;
    uint64_t create_retries;
    uint64_t deletes_abandoned; /* intentional deletes refused retry_limit + 1 times */
    uint64_t no_parent;         /* child arrivals with no active parent to go in */
    /* delays from an intentional delete to the successful re-create, hours */
    double *recreate_delay_h;
    size_t n_recreate_delay, cap_recreate_delay;
} retsim_generator_stats;

/* A generator for replication `replication` of master seed `seed` (its
 * streams, retsim/rng.h): builds the population (subscriptions, tenants,
 * types, regions) in the sim's registry and registers its handlers with the
 * sim's kernel. One generator per sim. 0 and *out set, or *out NULL and
 *   RETSIM_EUSAGE  sim or out is NULL, or the registry already held another
 *                  subscription or region (ids must follow population order)
 *   RETSIM_ENOMEM  out of memory
 *   RETSIM_EINTR   the kernel's interrupt flag was set while the population was
 *                  made (millions of subscriptions take seconds)
 *   or the registry's code for a subscription it refused.
 * Cost: O(subscriptions). The caller frees with retsim_generator_destroy. */
int retsim_generator_create(retsim_sim *sim, uint64_t seed, uint32_t replication, retsim_generator **out);
void retsim_generator_destroy(retsim_generator *g); /* NULL-safe */

/* Write every request issued, as a trace `retsim replay` reproduces (NULL: none). */
void retsim_generator_set_trace(retsim_generator *g, FILE *trace);
/* Does some kind's workload give sizes ([workload.*] size)? Then its trace
 * needs the size_gb column: write the header with
 * retsim_trace_write_header_sized(out, true). O(kinds). */
bool retsim_generator_sized(const retsim_generator *g);

/* Schedule the first arrivals and the policy changes. 0 or RETSIM_ENOMEM. */
int retsim_generator_start(retsim_generator *g);

/* Zero the counters (the end of a warm-up period). */
void retsim_generator_reset_stats(retsim_generator *g);

/* Per kind; kind -1 sums over kinds (and has no delays). Counts are taken
 * when the request is issued, so a re-create whose first attempt came in the
 * warm-up counts its later outcome but not its intent. */
retsim_generator_stats retsim_generator_stats_of(const retsim_generator *g, int kind);
/* The same for what subscriptions of one type (index into [population]
 * subscription_types) did: the caller of each request, so a re-create from
 * another subscription counts under the re-creator's type. No delays. */
retsim_generator_stats retsim_generator_stats_of_type(const retsim_generator *g, int kind, int type);

#endif
