/* retsim/sim.h — one simulation: everything hangs off one retsim_sim.
 *
 * A sim owns its kernel, inventory, registry and metrics; any number of sims can live
 * side by side (tests run two in step, experiments one per thread). Every
 * state change is counted in the inventory (by the registry), every
 * registry result is counted in the metrics and then handed to the optional
 * event sink (events.csv). Ownership: _create allocates, _destroy frees all;
 * the scenario must outlive the sim. Thread safety: one sim per thread. */
#ifndef RETSIM_SIM_H
#define RETSIM_SIM_H

#include "retsim/inventory.h"
#include "retsim/kernel.h"
#include "retsim/metrics.h"
#include "retsim/registry.h"
#include "retsim/scenario.h"

typedef struct retsim_sim retsim_sim;

retsim_sim *retsim_sim_create(const retsim_scenario *sc); /* NULL when out of memory */
void retsim_sim_destroy(retsim_sim *sim);                 /* NULL-safe */

/* Drawn reservation windows (a kind whose reservation is a distribution)
 * are sampled from streams keyed by this master seed and replication, by
 * default the scenario's [simulation] seed and replication 0; a driver with
 * a seed of its own (--seed, replications) sets it here before the first
 * operation. The stream of a release is keyed by the kind, the name's parent
 * path, the name and the release number (1, 2, ... per name), so a run and
 * the replay of its trace draw the same windows. 0 or RETSIM_ENOMEM. */
int retsim_sim_set_release_seed(retsim_sim *sim, uint64_t seed, uint32_t replication);

/* Receive every result after it is counted (NULL to stop). */
void retsim_sim_set_sink(retsim_sim *sim, retsim_observer fn, void *ctx);

const retsim_scenario *retsim_sim_scenario(const retsim_sim *sim);
retsim_kernel *retsim_sim_kernel(retsim_sim *sim);
retsim_registry *retsim_sim_registry(retsim_sim *sim);
retsim_metrics *retsim_sim_metrics(retsim_sim *sim);
retsim_inventories *retsim_sim_inventory(retsim_sim *sim);
/* The inventory as of the kernel's current time (kind -1: all kinds). */
retsim_inventory retsim_sim_inventory_now(retsim_sim *sim, int kind, retsim_inv which);
/* Restart the inventory's integrals and peaks now (the end of a warm-up or a period). */
void retsim_sim_inventory_restart(retsim_sim *sim);

#endif
