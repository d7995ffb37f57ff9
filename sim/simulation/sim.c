/* The simulation context. */
#include "retsim/sim.h"

#include <stdlib.h>

struct retsim_sim {
    const retsim_scenario *scenario;
    retsim_kernel *kernel;
    retsim_inventories *inventory;
    retsim_registry *registry;
    retsim_metrics *metrics;
    retsim_observer sink;
    void *sink_ctx;
};

static int observe(void *ctx, const retsim_registry *r, const retsim_result *res)
{
    retsim_sim *sim = ctx;
    int rc = retsim_metrics_observe(sim->metrics, r, res);
    if (rc == 0 && sim->sink != NULL) {
        rc = sim->sink(sim->sink_ctx, r, res);
    }
    return rc;
}

retsim_sim *retsim_sim_create(const retsim_scenario *sc)
{
    retsim_sim *sim = calloc(1, sizeof *sim);
    if (sim == NULL) {
        return NULL;
    }
    sim->scenario = sc;
    sim->kernel = retsim_kernel_create();
    sim->inventory = retsim_inventory_create(sc->n_policies);
    sim->registry = sim->kernel != NULL && sim->inventory != NULL
                        ? retsim_registry_create(sc->policies, sc->n_policies, sim->kernel, sim->inventory)
                        : NULL;
    sim->metrics = retsim_metrics_create(sc->n_policies);
    if (sim->registry == NULL || sim->metrics == NULL) {
        retsim_sim_destroy(sim);
        return NULL;
    }
    retsim_registry_set_observer(sim->registry, observe, sim);
    return sim;
}

void retsim_sim_destroy(retsim_sim *sim)
{
    if (sim != NULL) {
        retsim_registry_destroy(sim->registry);
        retsim_kernel_destroy(sim->kernel);
        retsim_inventory_destroy(sim->inventory);
        retsim_metrics_destroy(sim->metrics);
        free(sim);
    }
}

void retsim_sim_set_sink(retsim_sim *sim, retsim_observer fn, void *ctx)
{
    sim->sink = fn;
    sim->sink_ctx = ctx;
}

const retsim_scenario *retsim_sim_scenario(const retsim_sim *sim)
{
    return sim->scenario;
}

retsim_kernel *retsim_sim_kernel(retsim_sim *sim)
{
    return sim->kernel;
}

retsim_registry *retsim_sim_registry(retsim_sim *sim)
{
    return sim->registry;
}

retsim_inventories *retsim_sim_inventory(retsim_sim *sim)
{
    return sim->inventory;
}

retsim_inventory retsim_sim_inventory_now(retsim_sim *sim, int kind, retsim_inv which)
{
    return retsim_inventory_get(sim->inventory, kind, which, retsim_kernel_now(sim->kernel));
}

void retsim_sim_inventory_restart(retsim_sim *sim)
{
    retsim_inventory_restart(sim->inventory, retsim_kernel_now(sim->kernel));
}

retsim_metrics *retsim_sim_metrics(retsim_sim *sim)
{
    return sim->metrics;
}
